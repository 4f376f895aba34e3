/*
 * routes.c — the relay's routes: for each webhook, who signed it and what
 * it carries. A route either answers at once (a bad signature, a malformed
 * body, the click-to-call TwiML, ...) or fills the request's job with
 * provider events for the writer, and answers after the commit.
 *
 * Signatures: Twilio's over public_url + the path and query as received
 * (the URL the provider called, not the local one) with every account's
 * auth token; Mailgun's HMAC with each signing key, refusing timestamps
 * more than five minutes old; SendGrid's ECDSA with each verification key.
 * SendGrid's Inbound Parse cannot sign, so its URL carries a key derived
 * from the account's API key (`hark relay --verbose` prints the URL).
 */

#include <openssl/crypto.h>

#include <cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "hark/config.h"
#include "hark/relay.h"

#include "relay_int.h"

#define MAILGUN_MAX_AGE_S 300

static const char twiml_empty[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

static int route_twilio_message(struct relay_req *, struct relay_answer *);
static int route_twilio_status(struct relay_req *, struct relay_answer *);
static int route_twilio_voice(struct relay_req *, struct relay_answer *);
static int route_twilio_bridge(struct relay_req *, struct relay_answer *);
static int route_sendgrid_events(struct relay_req *, struct relay_answer *);
static int route_sendgrid_inbound(struct relay_req *, struct relay_answer *);
static int route_mailgun_events(struct relay_req *, struct relay_answer *);
static int route_mailgun_inbound(struct relay_req *, struct relay_answer *);
static int route_health(struct relay_req *, struct relay_answer *);

static const struct relay_route routes[] = {
	{ "/twilio/message", RELAY_M_POST, RELAY_BODY_FORM, route_twilio_message,
	  200, "text/xml", twiml_empty },
	{ "/twilio/status", RELAY_M_POST, RELAY_BODY_FORM, route_twilio_status,
	  204, NULL, NULL },
	{ "/twilio/voice", RELAY_M_POST, RELAY_BODY_FORM, route_twilio_voice,
	  200, "text/xml", twiml_empty },
	{ "/twilio/voice/dial", RELAY_M_POST, RELAY_BODY_FORM, route_twilio_voice,
	  200, "text/xml", twiml_empty },
	{ "/twilio/voice/bridge", RELAY_M_GET | RELAY_M_POST, RELAY_BODY_FORM,
	  route_twilio_bridge, 200, "text/xml", NULL },
	{ "/sendgrid/events", RELAY_M_POST, RELAY_BODY_JSON, route_sendgrid_events,
	  204, NULL, NULL },
	{ "/sendgrid/inbound", RELAY_M_POST, RELAY_BODY_MAIL, route_sendgrid_inbound,
	  200, "text/plain", "" },
	{ "/mailgun/events", RELAY_M_POST, RELAY_BODY_JSON, route_mailgun_events,
	  200, "text/plain", "" },
	{ "/mailgun/inbound", RELAY_M_POST, RELAY_BODY_MAIL, route_mailgun_inbound,
	  200, "text/plain", "" },
	{ "/healthz", RELAY_M_GET, RELAY_BODY_NONE, route_health, 200, NULL, NULL },
};

static int twilio_verify(struct relay_req *req, const struct form *f,
    struct relay_answer *a);
static int twilio_form(struct relay_req *req, struct relay_answer *a,
    int (*parse)(const struct form *, struct webhook_events *, char **));
static int route_job(struct relay_req *req, struct relay_answer *a, int rc,
    char *cause);
static int phone_e164(const char *s);
static void xml_escape(struct hbuf *b, const char *s);

const struct relay_route *
relay_route_find(const char *path)
{
	size_t i;

	for (i = 0; i < HARK_NELEM(routes); i++)
		if (strcmp(routes[i].path, path) == 0)
			return &routes[i];
	return NULL;
}

size_t
relay_routes(const struct relay_route **out)
{
	*out = routes;
	return HARK_NELEM(routes);
}

/* ---- Twilio --------------------------------------------------------------------------- */

/* 0 when one of the accounts signed the request (or checks are off), else
 * -1 with a 403 in a. */
static int
twilio_verify(struct relay_req *req, const struct form *f, struct relay_answer *a)
{
	struct relay *r = req->r;
	const char *sig;
	char *url;
	int i, ok = 0;

	if (r->insecure)
		return 0;
	if ((sig = relay_header(req, "X-Twilio-Signature")) == NULL) {
		relay_answer_text(a, 403, "no X-Twilio-Signature");
		relay_warn_rejected(req, "no X-Twilio-Signature header");
		return -1;
	}
	url = xasprintf("%s%s", r->public_url ? r->public_url : "", req->uri);
	for (i = 0; i < r->twilio.n && !ok; i++)
		ok = twilio_signature_valid(r->twilio.k[i].secret, url, f, sig);
	if (!ok) {
		relay_answer_text(a, 403, "X-Twilio-Signature does not match");
		relay_warn_rejected(req, r->twilio.n == 0 ?
		    "no twilio account to check X-Twilio-Signature with" :
		    "X-Twilio-Signature matches no account's auth token for this "
		    "URL (is [relay] public_url the URL Twilio calls?)");
	}
	free(url);
	return ok ? 0 : -1;
}

static int
twilio_form(struct relay_req *req, struct relay_answer *a,
    int (*parse)(const struct form *, struct webhook_events *, char **))
{
	struct form f = { NULL, 0 };
	char *cause = NULL;
	int rc;

	if (form_parse(hbuf_str(&req->body), req->body.len, &f, &cause) != 0) {
		relay_answer_text(a, 400, "malformed form body: %s", cause);
		free(cause);
		return 400;
	}
	if (twilio_verify(req, &f, a) != 0) {
		form_free(&f);
		return 403;
	}
	rc = parse(&f, &req->job.wh, &cause);
	form_free(&f);
	return route_job(req, a, rc, cause);
}

static int
route_twilio_message(struct relay_req *req, struct relay_answer *a)
{
	return twilio_form(req, a, webhook_twilio_message);
}

static int
route_twilio_status(struct relay_req *req, struct relay_answer *a)
{
	return twilio_form(req, a, webhook_twilio_status);
}

static int
route_twilio_voice(struct relay_req *req, struct relay_answer *a)
{
	return twilio_form(req, a, webhook_twilio_voice);
}

/*
 * Once the user's phone answers a click-to-call, Twilio asks this URL what
 * to do: dial the contact (to) showing the user's number (from). Nothing is
 * stored; the call's progress arrives at /twilio/voice and /twilio/voice/dial.
 */
static int
route_twilio_bridge(struct relay_req *req, struct relay_answer *a)
{
	struct form f = { NULL, 0 };
	struct hbuf x = HBUF_INIT;
	const char *to, *from, *record;
	char *cause = NULL;

	if (req->post && form_parse(hbuf_str(&req->body), req->body.len, &f,
	    &cause) != 0) {
		relay_answer_text(a, 400, "malformed form body: %s", cause);
		free(cause);
		return 400;
	}
	if (twilio_verify(req, req->post ? &f : NULL, a) != 0) {
		form_free(&f);
		return 403;
	}
	form_free(&f);
	to = relay_query(req, "to");
	from = relay_query(req, "from");
	record = relay_query(req, "record");
	if (to == NULL || !phone_e164(to))
		return relay_answer_text(a, 400, "'to' must be an E.164 number");
	if (from == NULL || !phone_e164(from))
		return relay_answer_text(a, 400, "'from' must be an E.164 number");
	hbuf_adds(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Dial "
	    "callerId=\"");
	xml_escape(&x, from);
	hbuf_adds(&x, "\"");
	if (req->r->public_url != NULL) {
		hbuf_adds(&x, " action=\"");
		xml_escape(&x, req->r->public_url);
		hbuf_adds(&x, "/twilio/voice/dial\"");
	}
	if (record != NULL && strcmp(record, "1") == 0)
		hbuf_adds(&x, " record=\"record-from-answer-dual\"");
	hbuf_adds(&x, ">");
	xml_escape(&x, to);
	hbuf_adds(&x, "</Dial></Response>");
	a->status = 200;
	a->content_type = "text/xml";
	a->body = hbuf_steal(&x);
	return 200;
}

/* ---- SendGrid ------------------------------------------------------------------------- */

static int
route_sendgrid_events(struct relay_req *req, struct relay_answer *a)
{
	struct relay *r = req->r;
	const char *sig, *ts;
	char *cause = NULL;
	int i, ok = r->insecure, rc;

	sig = relay_header(req, "X-Twilio-Email-Event-Webhook-Signature");
	ts = relay_header(req, "X-Twilio-Email-Event-Webhook-Timestamp");
	if (!ok && (sig == NULL || ts == NULL)) {
		relay_warn_rejected(req, "no SendGrid signature headers");
		return relay_answer_text(a, 403, "no X-Twilio-Email-Event-Webhook-"
		    "Signature and -Timestamp");
	}
	for (i = 0; i < r->sendgrid.n && !ok; i++)
		ok = sendgrid_signature_valid(r->sendgrid.k[i].secret, ts,
		    hbuf_str(&req->body), req->body.len, sig) == 1;
	if (!ok) {
		relay_warn_rejected(req, "the SendGrid signature matches no "
		    "account's verification_key");
		return relay_answer_text(a, 403, "signature does not match");
	}
	rc = webhook_sendgrid_events(hbuf_str(&req->body), req->body.len,
	    &req->job.wh, &cause);
	return route_job(req, a, rc, cause);
}

static int
route_sendgrid_inbound(struct relay_req *req, struct relay_answer *a)
{
	struct relay *r = req->r;
	const char *key = relay_query(req, "key");
	char *cause = NULL;
	int i, ok = r->insecure;

	for (i = 0; i < r->sendgrid.n && !ok && key != NULL; i++)
		ok = strlen(key) == strlen(r->sendgrid.k[i].inbound_key) &&
		    CRYPTO_memcmp(key, r->sendgrid.k[i].inbound_key,
		    strlen(key)) == 0;
	if (!ok) {
		relay_warn_rejected(req, key == NULL ? "no key= in the SendGrid "
		    "inbound URL" : "the key= of the SendGrid inbound URL is wrong");
		return relay_answer_text(a, 403, "inbound key missing or wrong");
	}
	if (relay_mail_inbound("sendgrid", req->fields, req->nfields, &req->job,
	    &cause) != 0) {
		relay_answer_text(a, 400, "%s", cause);
		free(cause);
		return 400;
	}
	return 0;
}

/* ---- Mailgun ----------------------------------------------------------------------------- */

/* 0 when one of the signing keys signed (timestamp, token), else -1 with a 403. */
static int
mailgun_verify(struct relay_req *req, const char *ts, const char *token,
    const char *sig, struct relay_answer *a)
{
	struct relay *r = req->r;
	int i, rc = 0;

	if (r->insecure)
		return 0;
	if (ts == NULL || token == NULL || sig == NULL) {
		relay_warn_rejected(req, "no Mailgun signature");
		relay_answer_text(a, 403, "no signature, timestamp and token");
		return -1;
	}
	for (i = 0; i < r->mailgun.n && rc != 1; i++)
		if ((rc = mailgun_signature_valid(r->mailgun.k[i].secret, ts, token,
		    sig, hark_now_ms() / 1000, MAILGUN_MAX_AGE_S)) < 0)
			break;
	if (rc == 1)
		return 0;
	if (rc < 0) {
		relay_warn_rejected(req, "Mailgun timestamp more than 5 minutes "
		    "away (replay, or a clock out of step)");
		relay_answer_text(a, 403, "stale timestamp");
	} else {
		relay_warn_rejected(req, "the Mailgun signature matches no "
		    "account's signing_key");
		relay_answer_text(a, 403, "signature does not match");
	}
	return -1;
}

static const char *
json_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
route_mailgun_events(struct relay_req *req, struct relay_answer *a)
{
	cJSON *root, *sig;
	char *cause = NULL;
	int rc;

	root = cJSON_ParseWithLength(hbuf_str(&req->body), req->body.len);
	if (root == NULL)
		return relay_answer_text(a, 400, "body is not JSON");
	sig = cJSON_GetObjectItemCaseSensitive(root, "signature");
	rc = mailgun_verify(req, json_str(sig, "timestamp"), json_str(sig, "token"),
	    json_str(sig, "signature"), a);
	cJSON_Delete(root);
	if (rc != 0)
		return 403;
	rc = webhook_mailgun_event(hbuf_str(&req->body), req->body.len,
	    &req->job.wh, &cause);
	return route_job(req, a, rc, cause);
}

static int
route_mailgun_inbound(struct relay_req *req, struct relay_answer *a)
{
	char *cause = NULL;

	if (mailgun_verify(req, relay_field_get(req->fields, req->nfields,
	    "timestamp"), relay_field_get(req->fields, req->nfields, "token"),
	    relay_field_get(req->fields, req->nfields, "signature"), a) != 0)
		return 403;
	if (relay_mail_inbound("mailgun", req->fields, req->nfields, &req->job,
	    &cause) != 0) {
		relay_answer_text(a, 400, "%s", cause);
		free(cause);
		return 400;
	}
	return 0;
}

/* ---- health ----------------------------------------------------------------------------------- */

/* Goes through the writer like a webhook, so a stuck writer shows. */
static int
route_health(struct relay_req *req, struct relay_answer *a)
{
	req->job.health = 1;
	return 0;
}

void
relay_route_done(struct relay_req *req, struct relay_answer *a)
{
	const struct relay_route *rt = req->route;
	struct relay_job *job = &req->job;
	struct relay *r = req->r;

	if (job->health) {
		a->status = job->result == 0 ? 200 : 503;
		a->content_type = "text/plain";
		a->body = xasprintf("%s\n{\"db\":\"%s\",\"last_event_id\":%lld,"
		    "\"uptime_s\":%lld,\"signatures\":\"%s\",\"event_clients\":%d}\n",
		    job->result == 0 ? "ok" : "error",
		    job->result == 0 ? "ok" : "error",
		    (long long)job->last_id,
		    (long long)((hark_mono_ms() - r->started_ms) / 1000),
		    r->insecure ? "off" : "checked",
		    r->evsock != NULL ? evsock_clients(r->evsock) : 0);
		return;
	}
	if (job->result != 0) {
		relay_answer_text(a, job->http_status ? job->http_status : 500,
		    "not stored: %s", job->error ? job->error : "unknown error");
		return;
	}
	a->status = rt->ok_status;
	a->content_type = rt->ok_type;
	a->body = xstrdup(rt->ok_body != NULL ? rt->ok_body : "");
}

/* ---- helpers ---------------------------------------------------------------------------------- */

/* After a parser: 400 with its reason, or the job is ready (0). */
static int
route_job(struct relay_req *req, struct relay_answer *a, int rc, char *cause)
{
	if (rc != 0) {
		relay_answer_text(a, 400, "%s", cause ? cause : "malformed webhook");
		free(cause);
		return 400;
	}
	req->job.ev = req->job.wh.ev;
	req->job.nev = req->job.wh.n;
	return 0;
}

/* "+" then 7 to 15 digits, the first not 0. */
static int
phone_e164(const char *s)
{
	size_t n = 0;

	if (*s++ != '+' || *s == '0')
		return 0;
	for (; *s != '\0'; s++, n++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return n >= 7 && n <= 15;
}

static void
xml_escape(struct hbuf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': hbuf_adds(b, "&amp;"); break;
		case '<': hbuf_adds(b, "&lt;"); break;
		case '>': hbuf_adds(b, "&gt;"); break;
		case '"': hbuf_adds(b, "&quot;"); break;
		case '\'': hbuf_adds(b, "&apos;"); break;
		default: hbuf_addc(b, *s);
		}
	}
}
