/* contacts_int.h — what cmd_contacts.c and contacts_import.c share. */
#ifndef HARK_CLI_CONTACTS_INT_H
#define HARK_CLI_CONTACTS_INT_H

#include <stdint.h>

#include "hark/store.h"

struct cli_ctx;

/* `hark contacts import FILE` (argv[0] = "import"): a HARK_EXIT_* code. */
int contacts_import(struct cli_ctx *ctx, int argc, char **argv);
/* `hark contacts set CONTACT ...` (contacts_set.c): routing preferences. */
int contacts_set(struct cli_ctx *ctx, int argc, char **argv);
extern const char cmd_contacts_set_usage[];

/*
 * Normalises an address a person typed for an identity kind: E.164 for
 * phone and whatsapp (with region for national numbers), the address part
 * of an email. A new string, or NULL with cause.
 */
char *contacts_normalize(enum store_id_kind kind, const char *input,
    const char *region, char **cause);

#endif
