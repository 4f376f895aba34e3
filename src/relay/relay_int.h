/*
 * relay_int.h — what the files of `hark relay` share: the server state, one
 * request, the group-commit writer, the event socket, the rate limiter and
 * inbound mail fields.
 *
 * Threads. libmicrohttpd's pool threads read requests, check limits and
 * signatures and parse bodies (http.c, routes.c). A request that carries
 * events becomes a relay_job handed to the ONE writer thread (commit.c),
 * and its connection is suspended. The writer takes every job waiting,
 * applies all their events in one transaction (store_begin, engine_ingest
 * per event, store_commit), sets each job's result, and resumes the
 * connections: the 2xx is sent only after the commit. One fsync-free WAL
 * commit (synchronous=NORMAL) then pays for a whole batch of webhooks.
 *
 * The event socket (evsock.c). A Unix stream socket, mode 0600 in a 0700
 * directory (default $XDG_RUNTIME_DIR/hark/events.sock). The protocol is one
 * way and line based, ASCII:
 *
 *     <id>\n
 *
 * where <id> is the highest id of the events journal (store_events_last_id)
 * in decimal. The relay writes one line as soon as a client connects (the
 * id at that moment) and one after every commit that appended events. A
 * client catches up with store_events_since(its last id) on each line; lines
 * may be coalesced, so only the last one matters. Clients send nothing (what
 * they send is read and ignored). A client that does not read fast enough
 * for its socket buffer is disconnected rather than waited for: it should
 * reconnect and catch up from its last id. The socket file is removed when
 * the relay stops; a stale one left by a crash is replaced at start.
 *
 * Files: src/relay/{relay,http,routes,commit,evsock,ratelimit,mail_in}.c
 */
#ifndef HARK_RELAY_INT_H
#define HARK_RELAY_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "hark/core.h"
#include "hark/relay.h"

struct config;
struct store;
struct MHD_Connection;
struct MHD_Daemon;
struct MHD_PostProcessor;

/* ---- secrets ------------------------------------------------------------------------- */

/* One account's secret for checking its webhooks. */
struct relay_key {
	char *account;
	char *secret;
	char *inbound_key;       /* SendGrid: the key=... of the inbound parse URL */
};

struct relay_keys {
	struct relay_key *k;
	int n;
};

/* ---- the server -------------------------------------------------------------------- */

struct relay_writer;
struct relay_limiter;
struct evsock;

struct relay {
	const struct config *cfg;
	char *public_url;            /* without a trailing '/', NULL when unset */
	int insecure;                /* --insecure-no-signatures */
	int verbose;
	size_t max_body;
	struct relay_keys twilio;    /* auth tokens */
	struct relay_keys mailgun;   /* webhook signing keys */
	struct relay_keys sendgrid;  /* event webhook verification keys (public) */
	struct relay_writer *writer;
	struct relay_limiter *limiter;
	struct evsock *evsock;
	struct MHD_Daemon *mhd;
	int64_t started_ms;          /* monotonic */
	atomic_int stopping;         /* set on SIGTERM: answer and close */
};

/* ---- one request ---------------------------------------------------------------------- */

struct relay_route;

/* One form field received through the post processor (multipart or urlencoded). */
struct relay_field {
	char *name;
	struct hbuf value;
	char *filename;                    /* a file part (attachment): its name, else NULL */
	char *content_type;                /* a file part's type, may be NULL */
};

/*
 * What the writer commits for one request. The request thread fills ev/nev
 * (pointing into wh, or into mem for mail) and submits; the writer sets
 * result and error, then calls done. After done the writer never touches
 * the job again.
 */
struct relay_job {
	struct webhook_events wh;          /* from the webhook_* parsers */
	struct provider_event mail;        /* inbound mail (mail_in.c) */
	const struct provider_event *ev;
	int nev;
	char **mem;                        /* strings ev points to, freed with the job */
	int nmem;
	int health;                        /* a /healthz probe: no events, report the db */
	/* set by the writer before done: */
	int result;                        /* 0 ok (committed, or duplicate), -1 failed */
	int changed;                       /* events that changed something */
	int http_status;                   /* 503 when the commit failed, 500 when an event did */
	char *error;
	int64_t last_id;                   /* the journal's last id after the commit */
	void (*done)(struct relay_job *);
	void *done_arg;
	struct relay_job *next;
};
void relay_job_clear(struct relay_job *job);
/* Keeps s (which must be allocated) until the job is cleared; returns s. */
char *relay_job_keep(struct relay_job *job, char *s);

struct relay_req {
	struct relay *r;
	struct MHD_Connection *conn;
	char *uri;                         /* path and query as received */
	const struct relay_route *route;
	int started;                       /* headers seen */
	int suspended;                     /* waiting for the writer */
	int answered;
	int post;                          /* the method is POST */
	struct hbuf body;
	size_t received;                   /* body bytes, kept or not */
	int too_big;
	struct MHD_PostProcessor *pp;      /* multipart / form bodies of mail routes */
	int pp_failed;
	struct relay_field *fields;
	int nfields;
	struct relay_job job;
	int status;                        /* the answer, for the log line */
	char client[64];                   /* address the limits apply to */
	int64_t start_us;                  /* monotonic, for the log line */
};

/* Every request attribute routes need, and a way to answer. */
struct relay_answer {
	int status;                        /* 0: the request became a job */
	const char *content_type;          /* NULL: text/plain */
	char *body;                        /* owned */
	const char *retry_after;           /* header value, may be NULL */
	const char *allow;                 /* for 405 */
};

/* http.c */
/* Starts libmicrohttpd on an already listening socket. 0 or -1 with cause. */
int relay_http_start(struct relay *r, int listen_fd, int ipv6, char **cause);
/* Stops accepting, waits (at most timeout_ms) for requests in flight to be
 * answered, then stops the server. */
void relay_http_stop(struct relay *r, int timeout_ms);
/* Sets a[...] to status with a one-line text body. Returns status. */
int relay_answer_text(struct relay_answer *a, int status, const char *fmt, ...)
    HARK_PRINTF(3, 4);
/* A header of the request, or NULL. */
const char *relay_header(struct relay_req *req, const char *name);
/* A query argument of the request, or NULL. */
const char *relay_query(struct relay_req *req, const char *name);
/* Says on stderr why a request was refused, a few times a minute (a bad
 * signature is usually a wrong public_url, which the user needs to see). */
void relay_warn_rejected(struct relay_req *req, const char *why);

/* routes.c */
struct relay_route {
	const char *path;
	unsigned methods;                  /* RELAY_M_* */
	enum { RELAY_BODY_NONE, RELAY_BODY_FORM, RELAY_BODY_JSON, RELAY_BODY_MAIL } body;
	/* Verifies and parses the complete request: answers directly (a->status
	 * set) or fills req->job and leaves a->status 0 to commit it. */
	int (*handle)(struct relay_req *req, struct relay_answer *a);
	/* The answer after a successful commit. */
	int ok_status;
	const char *ok_type;
	const char *ok_body;
};
#define RELAY_M_GET 0x1
#define RELAY_M_POST 0x2
/* The route for a path, or NULL. */
const struct relay_route *relay_route_find(const char *path);
/* Every route (*out), and how many. */
size_t relay_routes(const struct relay_route **out);
/* The answer for a job the writer has finished. */
void relay_route_done(struct relay_req *req, struct relay_answer *a);

/* mail_in.c */
/*
 * Maps the fields of an inbound mail POST (Mailgun route forward, SendGrid
 * Inbound Parse) to one PROVIDER_EV_INBOUND email event in job->mail.
 * provider: "mailgun" or "sendgrid". 0, or -1 with the reason (400).
 */
int relay_mail_inbound(const char *provider, const struct relay_field *f, int n,
    struct relay_job *job, char **cause);
/* The value of a field (its name compared without case), or NULL. */
const char *relay_field_get(const struct relay_field *f, int n, const char *name);

/* ---- group commit (commit.c) ------------------------------------------------------------ */

/* Opens the store at db_path and starts the writer thread. */
int relay_writer_new(const char *db_path, const struct config *cfg,
    struct evsock *evs, struct relay_writer **out, char **cause);
/* Queues a job. 0, or -1 when the writer is stopping (answer 503). */
int relay_writer_submit(struct relay_writer *w, struct relay_job *job);
/* The journal's last id as of the latest commit. */
int64_t relay_writer_last_id(struct relay_writer *w);
/* Finishes every queued job, stops the thread and closes the store. */
void relay_writer_free(struct relay_writer *w);

/* ---- event socket (evsock.c) --------------------------------------------------------------- */

/* Creates the socket at path (replacing a stale one; refusing when another
 * relay listens on it) and starts accepting clients. */
int evsock_open(const char *path, int64_t last_id, struct evsock **out, char **cause);
/* Tells every client the new last event id; never blocks. Any thread. */
void evsock_notify(struct evsock *e, int64_t last_id);
/* Number of connected clients. */
int evsock_clients(struct evsock *e);
/* Disconnects the clients, stops the thread, removes the socket file. NULL ok. */
void evsock_close(struct evsock *e);

/* ---- rate limit (ratelimit.c) ------------------------------------------------------------ */

/* A token bucket per client address: rate per second, bursts of 2 × rate.
 * NULL when rate is 0 (no limit). */
struct relay_limiter *relay_limiter_new(int rate);
/* 0 when addr may make a request now, else the seconds until it may (for
 * Retry-After). NULL limiter: always 0. Any thread. */
int relay_limiter_take(struct relay_limiter *l, const char *addr, int64_t now_ms);
void relay_limiter_free(struct relay_limiter *l);

#endif
