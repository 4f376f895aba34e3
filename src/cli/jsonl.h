/*
 * jsonl.h — hark's message exchange format: one JSON object per line, as
 * `hark import` reads and `hark export --format jsonl` writes (the fields are
 * described in contrib/IMPORT.md). Export's output imports back unchanged.
 */
#ifndef HARK_CLI_JSONL_H
#define HARK_CLI_JSONL_H

#include <stddef.h>

#include "hark/store.h"

struct cJSON;
struct hbuf;
struct jsonl_reader;

enum jsonl_type { JSONL_MESSAGE, JSONL_CONTACT, JSONL_OPTOUT, JSONL_TEMPLATE };

/* One parsed line. m's strings point into the line's JSON tree or into
 * buffers below, so they live until jsonl_line_clear. */
struct jsonl_line {
	enum jsonl_type type;     /* "type": absent or "message", "contact", "opt_out", "template" */
	struct store_message m;   /* contact_id is left 0 for the caller */
	const char *contact;      /* the contact's name, NULL when not given */
	char *address;            /* the other party's, normalised */
	enum store_id_kind kind;  /* the identity kind the address belongs to */
	int64_t contact_ref;      /* "contact_id": the id of a contact line, 0 when none */
	struct store_xmessage x;  /* a message's other columns and rows (x.m unused) */
	struct store_xcontact c;  /* a contact line */
	struct store_xrow optout; /* an opt-out line */
	struct store_xtemplate t; /* a template line */
	struct cJSON *root;
	void **owned;             /* what the x, c and optout records allocated */
	int nowned, capowned;
	char derived_id[64];      /* provider_id when the line has none */
};

/* A reader normalises addresses with default_region (copied) and derives
 * stable provider ids; free with jsonl_reader_free (NULL is a no-op). */
struct jsonl_reader *jsonl_reader_new(const char *default_region);
void jsonl_reader_free(struct jsonl_reader *r);

/*
 * Parses one line (without its newline) into out. Returns 0, or -1 with a
 * cause saying what is wrong ("unknown channel 'fax'", "missing field
 * 'address'"); out needs jsonl_line_clear either way.
 */
int jsonl_parse(struct jsonl_reader *r, const char *line, size_t len,
    struct jsonl_line *out, char **cause);
void jsonl_line_clear(struct jsonl_line *l);

/* Appends m as one line (with its newline) in the import format. */
void jsonl_format(const struct store_message *m, const char *contact, struct hbuf *out);
/* m as the import format's JSON object (the caller deletes it). */
struct cJSON *jsonl_message_json(const struct store_message *m, const char *contact);

/* ---- whole records (jsonl_record.c) ---- */

/* Appends a message with everything it has: what jsonl_format writes, the
 * other columns, its template, status history, attachments and call. */
void jsonl_format_xmessage(const struct store_xmessage *x, struct hbuf *out);
/* Appends {"type":"contact", ...}: columns, identities, tags, conversation,
 * preferences. */
void jsonl_format_xcontact(const struct store_xcontact *c, struct hbuf *out);
/* Appends {"type":"opt_out", ...}. */
void jsonl_format_optout(const struct store_xrow *r, struct hbuf *out);
/* Appends {"type":"template", ...} with its versions and variants. */
void jsonl_format_xtemplate(const struct store_xtemplate *t, struct hbuf *out);
/* Fills a message line's record part (out->x, out->contact_ref) from the
 * fields jsonl_parse does not read itself. 0 or -1 with a cause. */
int jsonl_parse_extras(struct jsonl_reader *r, struct jsonl_line *out, char **cause);
/* Fills out->c from a contact line, out->optout from an opt-out line. */
int jsonl_parse_contact(struct jsonl_reader *r, struct jsonl_line *out, char **cause);
int jsonl_parse_optout(struct jsonl_reader *r, struct jsonl_line *out, char **cause);
int jsonl_parse_template(struct jsonl_reader *r, struct jsonl_line *out, char **cause);
/* The default region the reader normalises phone numbers with. */
const char *jsonl_reader_region(const struct jsonl_reader *r);

/* The other party's address of a stored message (from for inbound, to for outbound). */
const char *jsonl_other_address(const struct store_message *m);
/* Formats ms as ISO 8601 UTC, with milliseconds only when there are some. */
void jsonl_time_format(int64_t ms, char *buf, size_t size);
/* Formats an amount as a plain decimal ("-0.0079"), trailing zeros trimmed. */
void jsonl_money_decimal(int64_t micros, char *buf, size_t size);

#endif
