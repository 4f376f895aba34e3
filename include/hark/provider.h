/*
 * provider.h — what every messaging provider implements (a vtable, one file
 * per provider: sandbox.c, twilio.c, smtp.c, ...) and the registry that
 * creates them from configured accounts.
 *
 * Providers never touch the store. They turn send requests into results and
 * their service's changes into events; the engine persists both.
 *
 * Every operation is asynchronous and ends in exactly one callback, on the
 * loop thread, never from inside the call that started it. After
 * provider_free no callback fires. Strings in requests are copied by the
 * provider; strings in results and events are valid only during the callback.
 *
 * Files: src/providers/{provider,sandbox,twilio,twilio_poll,twilio_codes}.c,
 * smtp.c, imap*.c, sendgrid.c, mailgun.c (sharing mail_api.c); MIME in mime.h
 */
#ifndef HARK_PROVIDER_H
#define HARK_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

#include "hark/core.h"

struct provider;
struct config;
struct config_account;
struct net;
typedef struct uv_loop_s uv_loop_t;

/* What a provider can do beyond sending. */
#define PROVIDER_CAP_LOOKUP 0x1 /* find a send by idempotency key (crash reconciliation) */
#define PROVIDER_CAP_POLL   0x2 /* poll for inbound messages and status changes */
#define PROVIDER_CAP_CANCEL 0x4 /* cancel a send the provider has scheduled */
#define PROVIDER_CAP_CALL   0x8 /* place click-to-call bridges */
#define PROVIDER_CAP_WA_WINDOW 0x10 /* enforces WhatsApp's 24-hour session window */
#define PROVIDER_CAP_PUSH   0x20 /* its webhooks reach the relay: poll rarely while it runs */

/*
 * An email attachment. Outbound (provider_send): path names the file to
 * send, data is NULL. Inbound (provider_event): data/len hold the decoded
 * bytes, path is NULL; the engine writes them to disk.
 */
struct provider_attachment {
	const char *filename;        /* as the user sees it (UTF-8), may be NULL */
	const char *content_type;    /* "image/png"; NULL = application/octet-stream */
	const char *content_id;      /* inline parts referenced by cid:, may be NULL */
	int is_inline;               /* Content-Disposition: inline */
	const char *path;            /* outbound: the file */
	const unsigned char *data;   /* inbound: the bytes */
	size_t len;
};

struct provider_send {
	int64_t message_id;
	const char *idempotency_key; /* stable across retries of one message */
	enum hark_channel channel;
	const char *from;            /* may be NULL: the account's default sender */
	const char *to;              /* normalised address */
	const char *subject;         /* email, may be NULL */
	const char *body;
	const char *message_id_hdr;  /* email Message-ID, may be NULL */
	const char *in_reply_to;
	const char *refs;
	const char *const *media_urls; /* MMS / WhatsApp media (public URLs), may be NULL */
	int nmedia;
	const char *content_sid;     /* WhatsApp approved template (HX...), may be NULL */
	const char *content_vars;    /* its variables as a JSON object string, may be NULL */
	const char *html;            /* email: the text/html alternative, may be NULL */
	const struct provider_attachment *attachments; /* email, may be NULL */
	int nattachments;
	const char *from_name;       /* email display name ([identity] name), may be NULL */
	int64_t started_at;          /* lookup: when the attempt that may have
	                                reached the provider began, ms (0 unknown) */
};

/*
 * A click-to-call bridge: the provider rings the user's own phone (agent)
 * first and, once answered, dials the contact with the user's number shown.
 */
struct provider_call {
	int64_t message_id;          /* the call's message row (channel voice) */
	const char *idempotency_key;
	const char *agent;           /* the user's phone, E.164 (config my_phone) */
	const char *to;              /* the contact, E.164 */
	const char *from;            /* caller id; NULL: the account's from_phone */
	int record;                  /* record the bridged call (consent checked by the engine) */
};

enum provider_outcome {
	PROVIDER_OK,        /* accepted */
	PROVIDER_TRANSIENT, /* may work later: timeout, 429, 5xx */
	PROVIDER_PERMANENT  /* will never work as asked: invalid number, auth */
};

struct provider_result {
	enum provider_outcome outcome;
	const char *provider_id;     /* set when accepted */
	enum hark_status status;     /* after acceptance: queued/sent/... */
	const char *error_code;      /* provider's code ("21211"), may be NULL */
	const char *error_text;      /* readable text, may be NULL */
	int64_t retry_after_ms;      /* transient: the provider's wish, -1 if none */
	int has_price;
	struct hark_money price;
	int segments;
	int64_t at;                  /* when the provider accepted it, ms */
};
typedef void (*provider_send_cb)(void *arg, const struct provider_result *r);
/* Lookup by idempotency key: found = 1 with r describing the send, 0 when the
 * provider never accepted it, -1 when it could not tell (r->error_text). */
typedef void (*provider_lookup_cb)(void *arg, int found, const struct provider_result *r);

enum provider_event_type {
	PROVIDER_EV_INBOUND,         /* a message from a contact */
	PROVIDER_EV_STATUS,          /* a status change of a message we sent */
	PROVIDER_EV_CALL             /* a status change of a call (either direction) */
};

/* Media of an inbound MMS / WhatsApp message. */
struct provider_media {
	const char *url;
	const char *content_type;
};

struct provider_event {
	enum provider_event_type type;
	const char *provider;        /* the provider's name ("sandbox", "twilio") */
	const char *provider_id;
	int64_t at;
	/* PROVIDER_EV_INBOUND */
	enum hark_channel channel;
	const char *from, *to, *subject, *body;
	const char *message_id, *in_reply_to, *refs;
	const struct provider_media *media;
	int nmedia;
	const char *profile_name;    /* WhatsApp sender's profile name, may be NULL */
	/* inbound email (IMAP, inbound parse) */
	const char *from_name;       /* the sender's display name, may be NULL */
	const char *html;            /* the text/html part, may be NULL (body is the text) */
	const struct provider_attachment *attachments;
	int nattachments;
	const char *warning;         /* a broken message stored raw: why, else NULL */
	const char *folder;          /* IMAP folder it came from ("INBOX", "Sent") */
	int outgoing;                /* a copy of mail the user sent (Sent folder) */
	const void *raw;             /* inbound email: the message as received (RFC 5322),
	                                kept on disk by the engine; may be NULL */
	size_t raw_len;
	/* PROVIDER_EV_CALL (provider_id is the call sid; from/to as above) */
	const char *call_status;     /* queued ringing in-progress completed busy failed no-answer canceled */
	const char *parent_id;       /* the agent leg of a bridged call, may be NULL */
	int inbound_call;            /* the contact called us */
	int duration_s;              /* -1 when unknown */
	const char *recording_url;   /* may be NULL */
	/* email events (SendGrid, Mailgun) */
	int64_t hark_id;             /* our message id echoed back (custom args), 0 if none */
	const char *optout;          /* "spam report" or "unsubscribe": opt the address out */
	const char *detail;          /* open, click (url), deferred (response): for the journal;
	                                "dial" on a PROVIDER_EV_CALL from the <Dial action>
	                                (the contact's leg, which decides the call). An
	                                opt-out event's status QUEUED means "no change". */
	/* PROVIDER_EV_STATUS */
	enum hark_status status;
	const char *error_code, *error_text;
	int has_price;
	struct hark_money price;
	int segments;
};
/*
 * 0 when the event is applied (or was already), -1 when it could not be
 * stored: a provider that can ask for it again (IMAP) must not then count it
 * as received. Providers that cannot retry may ignore the result.
 */
typedef int (*provider_event_cb)(void *arg, const struct provider_event *e);
/*
 * A batch: after on_batch(arg, 0) every event until on_batch(arg, 1) shares
 * one transaction (each still kept or undone alone by on_event's result),
 * committed with its files made durable by on_batch(arg, 1): 0, or -1 when
 * the commit failed and none of the batch's events is stored. Begin returns
 * -1 when no batch could start (each event is then committed alone). A
 * batch must not stay open across a wait on the network.
 */
typedef int (*provider_batch_cb)(void *arg, int end);
/*
 * Progress of a long poll (an IMAP folder's first sync): done of total
 * items of what (a folder name) fetched so far. Called as often as the
 * provider likes (once per batch); the engine says when the poll ends.
 */
typedef void (*provider_progress_cb)(void *arg, const char *account,
    const char *what, size_t done, size_t total);

/* The environment a provider runs in; owned by the engine, outlives it. */
struct provider_env {
	uv_loop_t *loop;
	struct net *net;
	const struct config *cfg;
	const struct config_account *acct;
	const char *state_dir;       /* where a provider may keep files */
	provider_event_cb on_event;  /* inbound messages and status changes */
	provider_batch_cb on_batch;  /* may be NULL */
	provider_progress_cb on_progress; /* may be NULL; provider_progress() */
	void *event_arg;
};

struct provider_ops {
	const char *name;
	unsigned channels;           /* bit (1 << hark_channel) */
	unsigned caps;               /* PROVIDER_CAP_* */
	int (*open)(struct provider *p, char **cause);
	void (*close)(struct provider *p);
	/* Starts a send. Returns 0 (cb will fire) or -1 with cause (it won't). */
	int (*send)(struct provider *p, const struct provider_send *req,
	    provider_send_cb cb, void *arg, char **cause);
	/* Starts one poll; events arrive through env.on_event, then done fires. */
	int (*poll)(struct provider *p, void (*done)(void *arg, const char *error),
	    void *arg, char **cause);
	/* Finds a send that may have reached the provider: req is the message as
	 * it was sent (idempotency_key, to, from, body, started_at). */
	int (*lookup)(struct provider *p, const struct provider_send *req,
	    provider_lookup_cb cb, void *arg, char **cause);
	/* Estimated price of a send from the provider's price list; 0 when
	 * known (*price set), -1 when the provider cannot say. May be NULL. */
	int (*estimate)(struct provider *p, const struct provider_send *req,
	    struct hark_money *price, int *segments);
	/* Starts a click-to-call bridge (PROVIDER_CAP_CALL); cb reports the
	 * call's sid as provider_id. May be NULL. */
	int (*call)(struct provider *p, const struct provider_call *req,
	    provider_send_cb cb, void *arg, char **cause);
	/* Fetches a message or call by the provider's id (its price and
	 * segments once billed, which status callbacks do not carry). May be NULL. */
	int (*refresh)(struct provider *p, const char *provider_id,
	    provider_send_cb cb, void *arg, char **cause);
};

struct provider {
	const struct provider_ops *ops;
	char *account;               /* account name */
	unsigned caps;               /* ops->caps, less what this account turns off */
	struct provider_env env;
	void *priv;                  /* the implementation's state */
};

/* The implementations. */
extern const struct provider_ops provider_sandbox_ops;
extern const struct provider_ops provider_twilio_ops;
extern const struct provider_ops provider_smtp_ops;
extern const struct provider_ops provider_imap_ops;
extern const struct provider_ops provider_sendgrid_ops;
extern const struct provider_ops provider_mailgun_ops;

/* Readable text for a Twilio error code (21211 → "invalid 'To' number"), or
 * NULL when unknown. Shared by the Twilio provider and the relay. */
const char *twilio_error_text(int code);
/* Maps a Twilio message status ("delivered") to hark's; -1 when unknown. */
int twilio_status_parse(const char *s, enum hark_status *out);

/* The ops for a provider name, or NULL. */
const struct provider_ops *provider_ops_find(const char *name);
/* Creates and opens a provider for an account. Returns NULL with cause. */
struct provider *provider_new(const struct provider_env *env, char **cause);
/* Closes; callbacks of unfinished operations never fire. NULL is a no-op. */
void provider_free(struct provider *p);
/* True when the provider (as configured) can send on ch. */
int provider_has_channel(const struct provider *p, enum hark_channel ch);
/* Tells the engine how far a poll has come (env.on_progress, if any). */
void provider_progress(struct provider *p, const char *what, size_t done,
    size_t total);

/*
 * The sandbox's rules, documented in the README: addresses that behave in a
 * fixed way, so a person can try every outcome.
 *   +15005550001 / invalid@sandbox.hark.test   → refused: invalid address (21211)
 *   +15005550004                                 → refused: recipient opted out (21610)
 *   +15005550009                                 → accepted, then undelivered (30006, landline)
 *   +15005550500 / flaky@sandbox.hark.test     → 503 on the first two attempts, then accepted
 *   bounce@sandbox.hark.test                   → accepted, then failed (550 mailbox unavailable)
 *   +15005550408                                 → accepted, but the answer is lost (a timeout)
 *                                                  on the first two attempts: a retry must ask first
 * Any other address is accepted → sent → delivered (→ read for WhatsApp).
 * Persona addresses of the demo (+15550100xx) answer a while after delivery.
 */
#define SANDBOX_PRICE_SMS_MICROS 7900      /* USD per segment */
#define SANDBOX_PRICE_WHATSAPP_MICROS 5000 /* per message */
#define SANDBOX_PRICE_VOICE_MICROS 14000   /* per started minute */

#endif
