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
	uint32_t fail_uid;         /* the UID the engine refused, 0 none */
	int fail_tries;            /* in how many syncs running */
};

/* One message of a batch fetch: its bytes point into the answer. */
struct imap_fetched {
	uint32_t uid;
	const char *data;
	size_t len;
};

#define IMAP_MAX_FOLDERS 64

#define IMAP_GOT_NONE 0            /* not fetched yet */
#define IMAP_GOT_STORED 1          /* the engine has it (or it was empty) */
#define IMAP_GOT_FAILED 2          /* fetched, the engine could not store it */

enum imap_step {
	IMAP_STATUS, IMAP_SEARCH, IMAP_SIZES, IMAP_BATCH_FETCH, IMAP_ONE_FETCH
};

/* The provider's state; the poll in progress is one chain of requests. */
struct imap {
	struct provider *p;
	struct mailsrv srv;
	struct imap_folder *folders;
	int nfolders;
	char *state_path;
	/* the poll in progress */
	int polling;
	enum imap_step step;
	int fi;                        /* the folder */
	uint32_t *uids;                /* its new UIDs, ascending */
	size_t nuids, pos;             /* the batch is uids[pos, pos + nbatch) */
	size_t cap;
	uint32_t uidnext;              /* from STATUS: where the search ends */
	uint32_t searched;             /* UIDs up to here are searched */
	uint32_t *sizes;               /* RFC822.SIZE of uids[i], 0 unknown */
	size_t nsized;
	size_t nbatch;
	unsigned char *got;            /* per batch UID: IMAP_GOT_* */
	size_t single;                 /* next batch index to try alone */
	uint64_t req;
	int in_event;                  /* an event callback is on the stack */
	int closed;                    /* closed from inside it */
	char *failed;                  /* what was not stored, for done() */
	void (*done)(void *, const char *);
	void *done_arg;
};

/* imap_state.c */
/* Reads the comma list of folders; the one named sent holds mail sent. */
int imap_folders(struct imap *im, const char *list, const char *sent,
    char **cause);
void imap_state_load(struct imap *im);
/* Replaces the state file atomically: 0, or -1 (the old one stays). */
int imap_state_save(struct imap *im);

/* imap_sync.c */
/* "* STATUS f (UIDVALIDITY v UIDNEXT n MESSAGES m)": 0, or -1 if v is missing. */
int imap_parse_status(const char *body, uint32_t *uidvalidity, uint32_t *uidnext,
    uint32_t *messages);
/* The UIDs of "* SEARCH ..." lines above `after`, ascending, no repeats; the
 * caller frees *uids. */
void imap_parse_search(const char *body, uint32_t after, uint32_t **uids,
    size_t *n);
/* Fills sizes[i] with the RFC822.SIZE of uids[i] from "* n FETCH (UID u
 * RFC822.SIZE s)" lines; 0 where the answer has none. */
void imap_parse_sizes(const char *body, const uint32_t *uids, size_t n,
    uint32_t *sizes);
/*
 * The messages of a UID FETCH answer (every line, literals included).
 * A literal is taken only when it is whole and followed by the rest of its
 * FETCH item; what cannot be read is left out, so the caller fetches those
 * UIDs again one by one. The caller frees *out.
 */
void imap_parse_fetch(const char *buf, size_t len, struct imap_fetched **out,
    size_t *n);
/*
 * Parses raw and hands it to the engine as an inbound (or, from the Sent
 * folder, outgoing) email event: 0 stored (or nothing to store), -1 not.
 * A message the engine refused IMAP_MAX_TRIES syncs running (f->fail_uid)
 * goes as a broken one instead: its sender, recipients, subject, date,
 * Message-ID, text and raw source with a warning, but no attachments, no
 * HTML and no threading headers, so that whatever the full form tripped
 * over does not block the folder.
 */
#define IMAP_MAX_TRIES 3
int imap_emit(struct provider *p, const struct imap_folder *f, uint32_t uid,
    const char *raw, size_t len);

#endif
