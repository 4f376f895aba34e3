/*
 * net.h — HTTP for providers: libcurl's multi interface driven by the libuv
 * loop (curl_multi_socket_action on uv_poll + uv_timer), so no request ever
 * blocks the loop. Requests have timeouts and a retry policy (exponential
 * backoff with jitter, Retry-After honoured) shared by every provider.
 *
 * Files: src/net/{net,http,mail}.c
 */
#ifndef HARK_NET_H
#define HARK_NET_H

#include <stddef.h>
#include <stdint.h>

#include "hark/core.h"

struct net;
typedef struct uv_loop_s uv_loop_t;

/* Binds a new curl multi handle to loop. Returns 0 or -1 with cause. */
int net_new(uv_loop_t *loop, struct net **out, char **cause);
/*
 * Cancels every request (their callbacks are not called), and closes the
 * uv handles; the memory is released from uv_close callbacks, so the loop
 * must run once more (uv_run(loop, UV_RUN_NOWAIT) or the caller's own loop)
 * before uv_loop_close. net_free(NULL) is a no-op.
 */
void net_free(struct net *n);

struct net_request {
	const char *method;            /* "GET", "POST", ...; NULL = GET, or POST with a body */
	const char *url;
	const char *const *headers;    /* NULL-terminated "Name: value" lines, or NULL */
	const char *body;              /* may be NULL */
	size_t body_len;
	const char *userpwd;           /* "user:password" for Basic auth; a secret, never logged */
	long timeout_ms;               /* whole attempt; 0 = 30000 */
	long connect_timeout_ms;       /* 0 = 10000 */
	/*
	 * Retries on transport errors (connect refused, timeout, reset), 429 and
	 * 5xx, up to policy.max_attempts attempts in all, waiting
	 * backoff_delay_ms() between attempts and at least Retry-After. A
	 * non-idempotent method (POST, PATCH) is retried only when retry_unsafe is
	 * set, since the first attempt may have been processed. max_attempts 0 or
	 * 1 means a single attempt.
	 */
	struct backoff_policy policy;
	int retry_unsafe;
	size_t max_response;           /* bytes; 0 = 16 MiB; larger answers fail */
};

struct net_response {
	long status;                   /* HTTP status, 0 when no answer (transport error) */
	const char *body;              /* NUL-terminated; "" when none */
	size_t body_len;
	const char *content_type;      /* may be NULL */
	int64_t retry_after_ms;        /* from Retry-After, -1 when absent */
	int attempts;                  /* how many attempts were made */
	const char *headers;           /* the answer's header lines ("Name: v\r\n"...),
	                                  "" when none; read them with net_header */
	const char *error;             /* transport error text ("Connection refused",
	                                  "Operation timed out after 30000 ms"), NULL on an answer */
	int unsent;                    /* 1: no answer, and the request never reached the
	                                  server (no name, no connection): resending it
	                                  cannot make it arrive twice */
};

/*
 * Called once per request on the loop thread, after the last attempt. The
 * response and its strings are valid only during the call.
 */
typedef void (*net_done_cb)(void *arg, const struct net_response *r);

/*
 * Starts a request; the strings in req are copied, so the caller may free
 * them on return. Returns a request id (> 0) for net_cancel, or 0 with cause
 * when the request could not be started (bad URL, too many headers).
 */
uint64_t net_request(struct net *n, const struct net_request *req, net_done_cb cb,
    void *arg, char **cause);
/* Stops a request; its callback is never called afterwards. Unknown ids are ignored. */
void net_cancel(struct net *n, uint64_t id);
/* Number of requests in progress (including ones waiting to retry). */
int net_pending(struct net *n);

/* The value of response header name (any case), trimmed, newly allocated;
 * NULL when the answer has none. */
char *net_header(const struct net_response *r, const char *name);

/* URL-encodes s for application/x-www-form-urlencoded into b. */
void net_form_add(struct hbuf *b, const char *name, const char *value);

/* ---- mail: SMTP sends and IMAP commands on the same multi (mail.c) ---------------- */

/* What went wrong with a mail transfer, for the provider to map to words. */
enum net_mail_error {
	NET_MAIL_OK,
	NET_MAIL_CONNECT,      /* could not reach the server (refused, no route, DNS) */
	NET_MAIL_TLS,          /* TLS handshake or certificate verification failed */
	NET_MAIL_AUTH,         /* the server refused the login */
	NET_MAIL_REFUSED,      /* the server answered a command with an error (code, reply) */
	NET_MAIL_DROPPED,      /* the connection ended or timed out mid-transfer */
	NET_MAIL_TOO_BIG,      /* the answer passed max_response */
	NET_MAIL_OTHER
};

struct net_mail_request {
	const char *url;             /* smtp(s)://host:port, imap(s)://host:port/FOLDER[;UID=n] */
	const char *username;        /* NULL: no login */
	const char *password;        /* a secret, never logged */
	int starttls;                /* plain URL: require STARTTLS (fail without it) */
	const char *ca_file;         /* PEM file of CAs to trust; NULL = the system's */
	const char *custom;          /* IMAP: the command ("UID SEARCH UID 5:*"), NULL to fetch */
	const char *mail_from;       /* SMTP envelope sender */
	const char *rcpt;            /* SMTP: the one recipient */
	const void *upload;          /* SMTP DATA or IMAP APPEND bytes (copied), may be NULL */
	size_t upload_len;
	long timeout_ms;             /* whole transfer; 0 = 120000 */
	long connect_timeout_ms;     /* 0 = 15000 */
	size_t max_response;         /* bytes; 0 = 64 MiB */
	int lines;                   /* IMAP: body = every line the server sent for the
	                                command, literals included (a custom FETCH) */
	int fresh;                   /* a connection of its own, closed afterwards */
};

struct net_mail_response {
	enum net_mail_error kind;
	long code;                   /* the server's last reply code (SMTP 550), 0 if none */
	const char *reply;           /* the server's last reply text, "" when none */
	const char *error;           /* readable, NULL when kind is NET_MAIL_OK */
	const char *body;            /* what the transfer downloaded, NUL-terminated */
	size_t body_len;
	int upload_done;             /* every upload byte went to the server (SMTP: the end
	                                of DATA was sent, so a drop now leaves it unknown
	                                whether the server took the message) */
};
typedef void (*net_mail_cb)(void *arg, const struct net_mail_response *r);

/* Starts one mail transfer, never retried. Returns an id for net_cancel, or 0
 * with cause. cb fires once, on a later loop turn. */
uint64_t net_mail(struct net *n, const struct net_mail_request *req, net_mail_cb cb,
    void *arg, char **cause);

#endif
