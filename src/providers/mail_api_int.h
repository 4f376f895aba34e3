/*
 * mail_api_int.h — what the HTTP email providers (sendgrid.c, mailgun.c)
 * share, in mail_api.c: their state, one send in flight as an op, the
 * attachment files read for a request, and the failures every HTTP API has
 * in common (no answer, rate limits, server errors, secrets kept out of
 * texts).
 *
 * A send is one POST made exactly once (net never retries it); the engine's
 * outbox decides about retries from the outcome. Neither service can be
 * asked whether a send it never answered arrived, so an attempt that
 * connected but got no answer is not retried: the message fails with a text
 * saying it may have gone out.
 */
#ifndef HARK_MAIL_API_INT_H
#define HARK_MAIL_API_INT_H

#include <stddef.h>
#include <stdint.h>

#include "hark/provider.h"

struct net_response;
struct mapi;

/* The strings a result points to, freed after the callback. */
struct mapi_out {
	char *code;                /* error_code */
	char *text;                /* error_text */
	char *id;                  /* provider_id */
	int64_t message_id;        /* in: hark's id of the message sent */
	int found;                 /* a lookup's answer: 1, 0, -1 can't tell */
};

/* Turns a complete answer into a result (its strings in o). */
typedef void (*mapi_answer_fn)(struct mapi *m, const struct net_response *r,
    struct provider_result *res, struct mapi_out *o);

struct mapi_op {
	struct mapi *m;            /* NULL once detached (provider closed) */
	uint64_t net_id;           /* the request in flight, 0 none */
	int busy;                  /* its callback is on the stack */
	mapi_answer_fn answer;
	int64_t message_id;
	provider_send_cb cb;       /* a send's callback, or */
	provider_lookup_cb lcb;    /* a lookup's */
	void *arg;
	struct mapi_op *prev, *next;
};

struct mapi {
	struct provider *p;
	const char *service;       /* "SendGrid", "Mailgun": for texts */
	char *base;                /* API base, without a trailing '/' */
	char *secret;              /* the API key: never in a text */
	char *auth_header;         /* "Authorization: Bearer ..." or NULL */
	char *userpwd;             /* "api:KEY" for Basic auth, or NULL */
	long timeout_ms;
	int lookup;                /* a lost answer can be looked up */
	struct mapi_op *ops;
};

/* A file of an outbound attachment, read whole. */
struct mapi_file {
	const struct provider_attachment *a;
	char *name;                /* shown: filename, else the path's base */
	const char *type;          /* content type; unset: guessed from name */
	unsigned char *data;
	size_t len;
};

/* Sets up m for provider p: the API key (resolved from api_key, _env or
 * _cmd), base (base_url or def), timeout. 0 or -1 with cause. */
int mapi_open(struct mapi *m, struct provider *p, const char *service,
    const char *def_base, char **cause);
/* Cancels what is in flight (their callbacks never fire) and frees m's
 * strings. */
void mapi_close(struct mapi *m);
/* POSTs body with headers (NULL-terminated; auth is added) for message
 * message_id; answer reads the result, cb gets it. 0 or -1 with cause (cb
 * will not fire). */
int mapi_post(struct mapi *m, const char *url, const char **headers,
    const char *body, size_t len, int64_t message_id, mapi_answer_fn answer,
    provider_send_cb cb, void *arg, char **cause);

/* The display name to send from: the request's, else [identity] name;
 * NULL when neither is set. */
const char *mapi_from_name(const struct mapi *m,
    const struct provider_send *req);

/* GETs url (retried by net on 429, 5xx and transport errors) for a
 * lookup; answer sets o->found and res, lcb gets them. 0 or -1 with cause. */
int mapi_get(struct mapi *m, const char *url, mapi_answer_fn answer,
    provider_lookup_cb lcb, void *arg, char **cause);

/* Reads the attachments of req, at most max_total bytes in all. 0 with
 * *out (n entries), or -1 with cause naming the file. */
int mapi_files_read(const struct provider_send *req, size_t max_total,
    struct mapi_file **out, char **cause);
void mapi_files_free(struct mapi_file *f, int n);

/* Base64 of len bytes (RFC 4648, no line breaks), newly allocated. */
char *mapi_base64(const unsigned char *data, size_t len);

/* The outcome of an answer that is not a success, in the ways every API
 * shares: no answer (transient before connecting; after connecting,
 * permanent, or with m->lookup transient after twice the timeout), 429
 * and 5xx (transient, with the wish of Retry-After or X-RateLimit-Reset),
 * 401 (authentication: check keys). Returns 1 when it filled res and
 * *text, 0 when the status is the provider's to explain. */
int mapi_common_failure(struct mapi *m, const struct net_response *r,
    const char *keys, struct provider_result *res, struct mapi_out *o);
/* Replaces *text by a neutral one if it contains the secret. */
void mapi_scrub(struct mapi *m, long status, char **text);

#endif
