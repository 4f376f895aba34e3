/*
 * relay.h — `hark relay`: the webhook relay. Providers (Twilio, SendGrid,
 * Mailgun) call it through the user's tunnel or reverse proxy; it checks
 * every signature, writes the event durably (2xx only after the commit),
 * and wakes clients through a Unix socket ($XDG_RUNTIME_DIR/hark/events.sock)
 * so that they read the events journal at once.
 *
 * The parsing and signature functions here are pure (no I/O): they are
 * unit-tested with the providers' published vectors and fuzzed.
 *
 * Files: src/relay/{form,sig,webhook,webhook_email,relay,http,routes,commit,
 *        ratelimit,mail_in,evsock}.c
 */
#ifndef HARK_RELAY_H
#define HARK_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "hark/provider.h"

struct config;

/* ---- application/x-www-form-urlencoded --------------------------------------------- */

struct form_param {
	char *name;
	char *value;
};

struct form {
	struct form_param *p;
	int n;
};

/*
 * Parses a form body ('+' is a space, %XX escapes). Rejects, with the reason
 * in *cause: a bad escape, a NUL byte after decoding, invalid UTF-8, more
 * than 1000 parameters. 0 or -1; on -1 *out is empty.
 */
int form_parse(const char *body, size_t len, struct form *out, char **cause);
/* The first value of name, or NULL. */
const char *form_get(const struct form *f, const char *name);
/* Adds a parameter (copies both strings). */
void form_add(struct form *f, const char *name, const char *value);
void form_free(struct form *f);

/* ---- signatures (constant-time comparisons) ---------------------------------------- */

/*
 * X-Twilio-Signature: base64(HMAC-SHA1(auth_token, url + sorted params)).
 * Accepts the URL as given, without its port, and with the default port
 * added, as Twilio's own validators do. params may be NULL (JSON bodies).
 * 1 valid, 0 not.
 */
int twilio_signature_valid(const char *auth_token, const char *url,
    const struct form *params, const char *signature);
/* The signature itself (28 characters + NUL), for the fake and tests. */
void twilio_signature(const char *auth_token, const char *url,
    const struct form *params, char out[29]);
/* The JSON variant: url carries bodySHA256=<hex sha256 of body>; checks the
 * signature over the URL and that the hash matches the body. 1 or 0. */
int twilio_signature_valid_json(const char *auth_token, const char *url,
    const char *body, size_t len, const char *signature);
/* Mailgun: hex(HMAC-SHA256(key, timestamp + token)), and the timestamp
 * within max_age_s of now_s. 1 valid, 0 wrong, -1 stale. */
int mailgun_signature_valid(const char *signing_key, const char *timestamp,
    const char *token, const char *signature, int64_t now_s, int64_t max_age_s);
/* SendGrid: ECDSA P-256 / SHA-256 over timestamp + body, with the base64
 * DER public key of the signed event webhook. 1 valid, 0 not. */
int sendgrid_signature_valid(const char *public_key_b64, const char *timestamp,
    const char *body, size_t len, const char *signature_b64);

/* ---- webhooks → provider events ---------------------------------------------------- */

/*
 * The events one webhook carries. The strings point into the webhook's own
 * storage and live until webhook_events_free.
 */
struct webhook_events {
	struct provider_event *ev;
	int n;
	void *mem;                   /* the implementation's storage */
};
void webhook_events_free(struct webhook_events *w);

/* Twilio inbound message (SMS, MMS, WhatsApp): one PROVIDER_EV_INBOUND. */
int webhook_twilio_message(const struct form *f, struct webhook_events *out,
    char **cause);
/* Twilio message status callback: one PROVIDER_EV_STATUS. */
int webhook_twilio_status(const struct form *f, struct webhook_events *out,
    char **cause);
/* Twilio voice status callback or <Dial action>: one PROVIDER_EV_CALL. */
int webhook_twilio_voice(const struct form *f, struct webhook_events *out,
    char **cause);
/* SendGrid event webhook (a JSON array). */
int webhook_sendgrid_events(const char *json, size_t len,
    struct webhook_events *out, char **cause);
/* Mailgun event webhook (JSON with signature and event-data). */
int webhook_mailgun_event(const char *json, size_t len,
    struct webhook_events *out, char **cause);

/* ---- the server ------------------------------------------------------------------- */

struct relay_opts {
	const struct config *cfg;
	const char *db_path;
	const char *listen;          /* "127.0.0.1:8686" */
	const char *socket_path;     /* NULL: hark_runtime_dir()/events.sock */
	int insecure_no_signatures;
	int verbose;
};

/* Runs until SIGINT / SIGTERM. Returns 0; -1 with cause on a runtime
 * failure (port in use, database); -2 with cause when the configuration
 * cannot work (bad listen address, missing signing secrets without
 * insecure_no_signatures). */
int relay_run(const struct relay_opts *o, char **cause);

#endif
