/* exchange_int.h — what export (exchange.c) and import (exchange_import.c) of whole records share. */
#ifndef HARK_STORE_EXCHANGE_INT_H
#define HARK_STORE_EXCHANGE_INT_H

#include <stddef.h>

struct store;

/* A related table: how a record names it, how to read it back. */
struct x_table {
	const char *set;
	const char *table;
	const char *key;       /* the column pointing at the owner */
	const char *select;    /* its rows for one owner (?1), in a stable order */
	int one, list;
	const char *only;      /* the channel whose messages may have rows, or NULL */
};

extern const struct x_table x_msg_tables[4];
extern const struct x_table x_contact_tables[4];
extern const struct x_table x_template_tables[2];
/* The messages columns struct store_message carries, and the bookkeeping;
 * NULL-terminated. */
extern const char *const x_msg_known[];

/* 1 when the messages column `name` points at another message (a
 * fallback's original): such ids travel as "provider provider_id". */
int x_msg_ref_column(struct store *st, const char *name);

/* 1 when s is in the NULL-terminated list. */
int x_in(const char *const *list, const char *s);

#endif
