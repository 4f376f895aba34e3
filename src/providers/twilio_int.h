/*
 * twilio_int.h — what the files of the Twilio provider share (twilio.c: the
 * vtable, the ops and their requests; twilio_poll.c: the poll), and what its
 * unit test may adjust.
 */
#ifndef HARK_TWILIO_INT_H
#define HARK_TWILIO_INT_H

#include <stdint.h>

#include "hark/provider.h"

#define TW_PAGE_SIZE "100"
#define TW_SEEN_BUCKETS 256

struct cJSON;
struct hark_money;
struct hbuf;
struct net_response;
struct tw_seen;

enum tw_kind { TW_SEND, TW_CALL, TW_LOOKUP, TW_POLL, TW_REFRESH };
enum tw_list { TW_MESSAGES, TW_CALLS };

struct twilio;

/* One operation: its requests, its state between them, its callback. */
struct tw_op {
	struct twilio *tw;        /* NULL once detached (provider closed) */
	enum tw_kind kind;
	uint64_t net_id;          /* the request in flight, 0 none */
	int busy;                 /* its net callback is on the stack */
	union {
		provider_send_cb send;
		provider_lookup_cb lookup;
		void (*poll)(void *, const char *);
	} cb;
	void *arg;
	enum tw_list list;        /* poll: what is being listed */
	int media;                /* poll: fetching a message's media */
	int pages;
	struct cJSON *page;       /* the page being walked (owned) */
	char *next_url;           /* poll: the page after it, or NULL */
	int idx;                  /* poll: next item of the page */
	int64_t started;          /* poll: when it began */
	char *body;               /* lookup: the body sent */
	int64_t not_before;       /* lookup: earliest creation to match */
	struct cJSON *best;       /* lookup: earliest match so far (owned) */
	struct tw_op *prev, *next;
};

struct twilio {
	struct provider *p;
	char *sid;                /* the Account SID, in every path */
	char *userpwd;            /* "user:secret" for Basic auth */
	const char *secret;       /* inside userpwd: never in a text */
	const char *auth_keys;    /* which settings to check on a 401 */
	char *base;               /* API base, without a trailing '/' */
	char *hook;               /* webhook base, or NULL: rely on polls */
	const char *from_phone, *from_whatsapp, *service;
	long timeout_ms;
	int64_t last_poll;        /* start of the last complete poll, 0 never */
	unsigned gen;
	struct tw_seen *seen[TW_SEEN_BUCKETS];	/* twilio_poll.c's table */
	struct tw_op *ops;
};

/* ---- twilio.c ------------------------------------------------------------ */

/* A string member of o, or NULL; it points into o. */
const char *tw_str(const struct cJSON *o, const char *key);
/* A count ("2") or an error code (2) member of o; -1 when absent. */
int tw_int(const struct cJSON *o, const char *key);
/* An ISO time member of o in ms since the epoch; 0 when absent or bad. */
int64_t tw_time(const struct cJSON *o, const char *key);
/* o's price as its magnitude into *m: 1, or 0 when not billed yet. */
int tw_price(const struct cJSON *o, struct hark_money *m);
/* The GMT day of ms as list filters want it ("2026-11-23"). */
void tw_day(int64_t ms, char out[16]);

/* A new op of tw, linked into tw's list; freed by tw_op_free. */
struct tw_op *tw_op_new(struct twilio *tw, enum tw_kind kind, void *arg);
/* Unlinks op from its provider (before its callback runs); op stays alive. */
void tw_op_detach(struct tw_op *op);
/* Detaches and frees op with everything it owns. */
void tw_op_free(struct tw_op *op);
/* Starts op's next request: a POST of form, or a GET when form is NULL.
 * 0, or -1 with *cause; url and form are copied. */
int tw_request(struct tw_op *op, const char *url, const struct hbuf *form,
    char **cause);
/* base + "/2010-04-01/Accounts/AC.../" + rest, allocated. */
char *tw_url(struct twilio *tw, const char *rest);
/* A page of a list: the parsed answer holding key (owned by the caller), or
 * NULL with *err. The next page's URL goes to *next (NULL on the last). */
struct cJSON *tw_page(struct tw_op *op, const struct net_response *r,
    const char *key, char **next, char **err);

/* ---- twilio_poll.c ------------------------------------------------------- */

/* The vtable's poll: lists the window and reports what changed. */
int tw_poll(struct provider *p, void (*done)(void *, const char *), void *arg,
    char **cause);
/* A poll op's answer: 1 while the op goes on, 0 once it ended (op freed). */
int tw_poll_answer(struct tw_op *op, const struct net_response *r);
/* Forgets sids the last poll did not list (all of them with all set). */
void tw_seen_prune(struct twilio *tw, int all);

/* The whole-attempt timeout of the provider's requests (default 30 s), so
 * that a test sees a timeout without waiting half a minute. */
void twilio_set_timeout_ms(struct provider *p, long ms);

#endif
