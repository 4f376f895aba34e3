/* imap_int.h — what imap.c (the provider, its poll and state) and imap_sync.c (answers, events) share. */
#ifndef HARK_IMAP_INT_H
#define HARK_IMAP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "mailsrv_int.h"

struct provider;

/* A synced folder and how far the sync got: UIDs up to last_uid under this
 * uidvalidity have been handed to the engine. */
struct imap_folder {
	char *name;
	uint32_t uidvalidity;      /* 0: never synced */
	uint32_t last_uid;
	int outgoing;              /* the Sent folder: mail the user sent */
};

/* One message of a batch fetch: its bytes point into the answer. */
struct imap_fetched {
	uint32_t uid;
	const char *data;
	size_t len;
};

/* imap_sync.c */
/* "* STATUS f (UIDVALIDITY v UIDNEXT n MESSAGES m)": 0, or -1 if v is missing. */
int imap_parse_status(const char *body, uint32_t *uidvalidity, uint32_t *uidnext,
    uint32_t *messages);
/* The UIDs of "* SEARCH ..." lines above `after`, ascending, no repeats; the
 * caller frees *uids. */
void imap_parse_search(const char *body, uint32_t after, uint32_t **uids,
    size_t *n);
/*
 * The messages of a UID FETCH answer (every line, literals included).
 * A literal is taken only when it is whole and followed by the rest of its
 * FETCH item; what cannot be read is left out, so the caller fetches those
 * UIDs again one by one. The caller frees *out.
 */
void imap_parse_fetch(const char *buf, size_t len, struct imap_fetched **out,
    size_t *n);
/* Parses raw and hands it to the engine as an inbound (or, from the Sent
 * folder, outgoing) email event. */
void imap_emit(struct provider *p, const struct imap_folder *f, uint32_t uid,
    const char *raw, size_t len);

#endif
