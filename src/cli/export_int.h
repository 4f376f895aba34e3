/* export_int.h — what hark export's files share: the output, its errors and the progress line. */
#ifndef HARK_CLI_EXPORT_INT_H
#define HARK_CLI_EXPORT_INT_H

#include <stdint.h>
#include <stdio.h>

#include "hark/store.h"
#include "hark/util.h"

struct cli_ctx;

enum export_format { EXPORT_JSONL, EXPORT_CSV, EXPORT_MBOX, EXPORT_VCARD };

/*
 * One export. A writer appends a record to buf and calls export_emit, which
 * writes it out and counts it; the first failed write stops the export
 * (write_error says why) and what was written before stays, said partial.
 */
struct export {
	struct cli_ctx *ctx;
	struct store *st;
	enum export_format format;
	FILE *out;
	const char *path;          /* NULL: standard output */
	int safe;                  /* CSV to a terminal: control characters removed */
	int raw;                   /* CSV without the formula guard */
	struct hbuf buf;
	int write_error;           /* errno of the failed write, 0 when none */
	int64_t done, total;       /* records written, records to write */
	int64_t skipped;           /* records that could not be written (exit 3) */
	const char *unit;          /* "messages", "contacts" */
	int progress;              /* 0 none, 1 a line redrawn in place, 2 a line a second */
	int64_t start_ms, last_ms;
};

/* Writes buf as one record: 0, or -1 with write_error set (stop). */
int export_emit(struct export *ex);
/* The email messages of f as mboxrd (export_mbox.c). 0 or -1 with cause (a
 * write failure leaves cause NULL and write_error set). */
int export_mbox(struct export *ex, const struct store_filter *f, char **cause);
/* Appends a contact as a vCard 4.0 (export_vcard.c). */
void export_vcard(const struct store_xcontact *c, struct hbuf *out);

#endif
