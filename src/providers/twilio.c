/*
 * twilio.c — the Twilio provider: SMS, MMS and WhatsApp through Programmable
 * Messaging, click-to-call bridges through Voice (REST API 2010-04-01).
 *
 * Every operation is an op: a chain of HTTP requests on the shared net, one
 * in flight at a time, that ends in exactly one callback. A send or a call is
 * one POST made exactly once (net never retries it): if it may have reached
 * Twilio, only the engine's outbox can decide what to do next. Lists (lookup,
 * poll) are GETs that net may retry; they follow next_page_uri to the end.
 *
 * Twilio has no idempotency key, so a send that was in flight at a crash is
 * found again by listing the messages to the same number from the same
 * sender since the day the attempt began, and matching body and time.
 *
 * A poll lists the messages and calls of a short window (the day of the last
 * poll, less a day) and reports what changed since the previous poll: a table
 * of what was last reported for each sid keeps repeated polls quiet, and it
 * forgets what left the window.
 *
 * Closing cancels the requests in flight. An op whose callback is running
 * (it may emit events, and an event handler may close the provider) is only
 * detached, and frees itself once the callback sees it was detached.
 */

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hark/config.h"
#include "hark/net.h"
#include "hark/provider.h"
#include "twilio_int.h"

#define TW_BASE_URL "https://api.twilio.com"
#define TW_API "/2010-04-01/Accounts/"
#define TW_PAGE_SIZE "100"
#define TW_MAX_PAGES 1000         /* per list: a loop guard (100k items) */
#define TW_DAY_MS 86400000LL
#define TW_LOOKUP_SLACK_MS 60000  /* clocks differ: a minute of slack */
#define TW_SEEN_BUCKETS 256
#define TW_FNV_BASIS 1469598103934665603ULL
#define TW_MAX_MEDIA 10           /* Twilio's own limit per message */

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
	cJSON *page;              /* the page being walked (owned) */
	char *next_url;           /* poll: the page after it, or NULL */
	int idx;                  /* poll: next item of the page */
	int64_t started;          /* poll: when it began */
	char *body;               /* lookup: the body sent */
	int64_t not_before;       /* lookup: earliest creation to match */
	cJSON *best;              /* lookup: earliest match so far (owned) */
	struct tw_op *prev, *next;
};

/* What a poll last reported of one sid. */
struct tw_seen {
	char *sid;
	uint64_t state;           /* hash of what was reported */
	unsigned gen;             /* the last poll that listed it */
	struct tw_seen *next;
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
	struct tw_seen *seen[TW_SEEN_BUCKETS];
	struct tw_op *ops;
};

static int tw_open(struct provider *, char **);
static void tw_close(struct provider *);
static int tw_send(struct provider *, const struct provider_send *,
    provider_send_cb, void *, char **);
static int tw_poll(struct provider *, void (*)(void *, const char *), void *,
    char **);
static int tw_lookup(struct provider *, const struct provider_send *,
    provider_lookup_cb, void *, char **);
static int tw_call(struct provider *, const struct provider_call *,
    provider_send_cb, void *, char **);
static int tw_refresh(struct provider *, const char *, provider_send_cb, void *,
    char **);
static void tw_net_done(void *, const struct net_response *);
static int tw_accepted(struct tw_op *, const struct net_response *);
static int tw_lookup_page(struct tw_op *, const struct net_response *);
static int tw_poll_answer(struct tw_op *, const struct net_response *);
static int tw_poll_walk(struct tw_op *);

/*
 * No cancel: the vtable has no operation for it (a scheduled Twilio message
 * is canceled with POST Messages/{sid}.json Status=canceled). No estimate:
 * Twilio's price list is per destination and not configured here.
 */
const struct provider_ops provider_twilio_ops = {
	.name = "twilio",
	.channels = (1u << HARK_CH_SMS) | (1u << HARK_CH_WHATSAPP) |
	    (1u << HARK_CH_VOICE),
	.caps = PROVIDER_CAP_LOOKUP | PROVIDER_CAP_POLL | PROVIDER_CAP_CALL |
	    PROVIDER_CAP_WA_WINDOW,
	.open = tw_open,
	.close = tw_close,
	.send = tw_send,
	.poll = tw_poll,
	.lookup = tw_lookup,
	.call = tw_call,
	.refresh = tw_refresh,
};

/* Lists are safe to repeat; a few quick retries hide a blip. */
static const struct backoff_policy tw_list_policy = { 500, 5000, 3 };

/* ---- JSON fields --------------------------------------------------------- */

static const char *
tw_str(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* Counts come as strings ("2"), error codes as numbers; -1 when absent. */
static int
tw_int(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	const char *s;

	if (cJSON_IsNumber(v))
		return v->valueint;
	s = cJSON_GetStringValue(v);
	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	return atoi(s);
}

static int64_t
tw_time(const cJSON *o, const char *key)
{
	const char *s = tw_str(o, key);
	int64_t ms;

	return s != NULL && time_parse_iso(s, &ms) == 0 ? ms : 0;
}

/* A charge ("-0.00750" USD) as its magnitude; 0 when not billed yet. */
static int
tw_price(const cJSON *o, struct hark_money *m)
{
	const char *s = tw_str(o, "price"), *unit = tw_str(o, "price_unit");

	memset(m, 0, sizeof *m);
	if (s == NULL || *s == '\0')
		return 0;
	/* An odd price_unit loses the currency, not the amount. */
	if (money_parse(s, unit, m, NULL) != 0 &&
	    money_parse(s, NULL, m, NULL) != 0)
		return 0;
	if (m->micros < 0)
		m->micros = -m->micros;
	return 1;
}

/* The GMT day of ms, as list filters want it: "2026-11-23". */
static void
tw_day(int64_t ms, char out[16])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* "whatsapp:+1555..." on WhatsApp, the number itself elsewhere. */
static char *
tw_address(enum hark_channel ch, const char *addr)
{
	if (ch == HARK_CH_WHATSAPP && !hark_startswith(addr, "whatsapp:"))
		return xasprintf("whatsapp:%s", addr);
	return xstrdup(addr);
}

static void
tw_xml_escape(struct hbuf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': hbuf_adds(b, "&amp;"); break;
		case '<': hbuf_adds(b, "&lt;"); break;
		case '>': hbuf_adds(b, "&gt;"); break;
		case '"': hbuf_adds(b, "&quot;"); break;
		case '\'': hbuf_adds(b, "&apos;"); break;
		default: hbuf_addc(b, *s); break;
		}
	}
}

/* ---- what was reported --------------------------------------------------- */

static uint64_t
tw_hash(const char *s, uint64_t h)
{
	for (; s != NULL && *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* True when sid was last reported in this state; either way it stays known. */
static int
tw_seen_same(struct twilio *tw, const char *sid, uint64_t state)
{
	struct tw_seen *s;

	s = tw->seen[tw_hash(sid, TW_FNV_BASIS) % TW_SEEN_BUCKETS];
	for (; s != NULL; s = s->next) {
		if (strcmp(s->sid, sid) == 0) {
			s->gen = tw->gen;
			return s->state == state;
		}
	}
	return 0;
}

static void
tw_seen_put(struct twilio *tw, const char *sid, uint64_t state)
{
	struct tw_seen **head, *s;

	head = &tw->seen[tw_hash(sid, TW_FNV_BASIS) % TW_SEEN_BUCKETS];
	for (s = *head; s != NULL; s = s->next) {
		if (strcmp(s->sid, sid) == 0)
			break;
	}
	if (s == NULL) {
		s = xcalloc(1, sizeof *s);
		s->sid = xstrdup(sid);
		s->next = *head;
		*head = s;
	}
	s->state = state;
	s->gen = tw->gen;
}

/* Forgets sids the last poll did not list (all of them with all set). */
static void
tw_seen_prune(struct twilio *tw, int all)
{
	struct tw_seen **pp, *s;
	size_t i;

	for (i = 0; i < TW_SEEN_BUCKETS; i++) {
		pp = &tw->seen[i];
		while ((s = *pp) != NULL) {
			if (all || s->gen != tw->gen) {
				*pp = s->next;
				free(s->sid);
				free(s);
			} else
				pp = &s->next;
		}
	}
}

/* ---- ops and requests ---------------------------------------------------- */

static struct tw_op *
tw_op_new(struct twilio *tw, enum tw_kind kind, void *arg)
{
	struct tw_op *op = xcalloc(1, sizeof *op);

	op->tw = tw;
	op->kind = kind;
	op->arg = arg;
	op->next = tw->ops;
	if (tw->ops != NULL)
		tw->ops->prev = op;
	tw->ops = op;
	return op;
}

/* Takes op out of its provider, before its callback runs. */
static void
tw_op_detach(struct tw_op *op)
{
	struct twilio *tw = op->tw;

	if (tw == NULL)
		return;
	if (op->prev != NULL)
		op->prev->next = op->next;
	else
		tw->ops = op->next;
	if (op->next != NULL)
		op->next->prev = op->prev;
	op->tw = NULL;
	op->prev = op->next = NULL;
}

static void
tw_op_free(struct tw_op *op)
{
	tw_op_detach(op);
	cJSON_Delete(op->page);
	cJSON_Delete(op->best);
	free(op->next_url);
	free(op->body);
	free(op);
}

/* Starts op's next request: a POST of form, or a GET when form is NULL. */
static int
tw_request(struct tw_op *op, const char *url, const struct hbuf *form,
    char **cause)
{
	static const char *const post_headers[] = { "Accept: application/json",
	    "Content-Type: application/x-www-form-urlencoded", NULL };
	static const char *const get_headers[] = { "Accept: application/json",
	    NULL };
	struct twilio *tw = op->tw;
	struct net_request req;

	memset(&req, 0, sizeof req);
	req.url = url;
	req.userpwd = tw->userpwd;
	req.timeout_ms = tw->timeout_ms;
	if (form != NULL) {
		req.method = "POST";
		req.body = hbuf_str(form);
		req.body_len = form->len;
		req.headers = post_headers;
		req.policy.max_attempts = 1;
		req.retry_unsafe = 0;
	} else {
		req.method = "GET";
		req.headers = get_headers;
		req.policy = tw_list_policy;
	}
	op->net_id = net_request(tw->p->env.net, &req, tw_net_done, op, cause);
	return op->net_id != 0 ? 0 : -1;
}

/* base + "/2010-04-01/Accounts/AC.../" + rest. */
static char *
tw_url(struct twilio *tw, const char *rest)
{
	return xasprintf("%s" TW_API "%s/%s", tw->base, tw->sid, rest);
}

/* A handler returns 1 while op goes on, 0 once it has ended (op is freed). */
static void
tw_net_done(void *arg, const struct net_response *r)
{
	struct tw_op *op = arg;
	int alive = 0;

	op->net_id = 0;
	op->busy = 1;
	switch (op->kind) {
	case TW_SEND:
	case TW_CALL:
	case TW_REFRESH:
		alive = tw_accepted(op, r);
		break;
	case TW_LOOKUP:
		alive = tw_lookup_page(op, r);
		break;
	case TW_POLL:
		alive = tw_poll_answer(op, r);
		break;
	}
	if (alive)
		op->busy = 0;
}

/* ---- answers ------------------------------------------------------------- */

/*
 * What a failed request means: the outcome, Twilio's code (else the HTTP
 * status) and a readable text. Texts never carry the secret, even if a
 * server were to echo it.
 */
static void
tw_failure(struct twilio *tw, const struct net_response *r,
    struct provider_result *res, char **code, char **text)
{
	cJSON *json;
	const char *msg, *known;
	int tcode;

	res->retry_after_ms = r->retry_after_ms;
	if (r->status == 0) {
		res->outcome = PROVIDER_TRANSIENT;
		*text = xasprintf("cannot reach Twilio: %s",
		    r->error != NULL ? r->error : "no answer");
		/*
		 * Not connected: nothing reached Twilio, retry on the usual
		 * backoff. Connected but no answer: Twilio may still be making
		 * the message; give it twice the timeout before the retry asks
		 * whether it exists.
		 */
		if (r->error != NULL && (strstr(r->error, "connect") != NULL ||
		    strstr(r->error, "resolve") != NULL))
			res->retry_after_ms = 0;
		else
			res->retry_after_ms = 2 * (tw->timeout_ms > 0 ?
			    tw->timeout_ms : 30000);
		return;
	}
	json = cJSON_ParseWithLength(r->body, r->body_len);
	tcode = tw_int(json, "code");
	msg = tw_str(json, "message");
	known = tcode > 0 ? twilio_error_text(tcode) : NULL;
	*code = tcode > 0 ? xasprintf("%d", tcode) :
	    xasprintf("%ld", r->status);
	res->outcome = r->status == 429 || r->status >= 500 ?
	    PROVIDER_TRANSIENT : PROVIDER_PERMANENT;
	if (r->status == 401 || (r->status == 403 && (known == NULL ||
	    tcode == 20003)))
		*text = xasprintf("authentication failed: check %s of "
		    "account %s", tw->auth_keys, tw->p->account);
	else if (known != NULL && msg != NULL && strcmp(known, msg) != 0)
		*text = xasprintf("%s: %s", known, msg);
	else if (known != NULL || msg != NULL)
		*text = xstrdup(known != NULL ? known : msg);
	else
		*text = xasprintf("Twilio answered HTTP %ld", r->status);
	if (*tw->secret != '\0' && strstr(*text, tw->secret) != NULL) {
		free(*text);
		*text = xasprintf("Twilio refused the request (HTTP %ld)",
		    r->status);
	}
	cJSON_Delete(json);
}

/* Fills res from a message or call resource; -1 when it is not one. */
static int
tw_resource(const cJSON *m, struct provider_result *res)
{
	res->provider_id = tw_str(m, "sid");
	if (res->provider_id == NULL || *res->provider_id == '\0')
		return -1;
	res->outcome = PROVIDER_OK;
	if (twilio_status_parse(tw_str(m, "status"), &res->status) != 0)
		res->status = HARK_ST_QUEUED;
	res->segments = tw_int(m, "num_segments") > 0 ?
	    tw_int(m, "num_segments") : 0;
	res->has_price = tw_price(m, &res->price);
	res->at = tw_time(m, "date_created");
	if (res->at == 0)
		res->at = hark_now_ms();
	return 0;
}

/* The answer to a send or a call: the new resource, or why not. */
static int
tw_accepted(struct tw_op *op, const struct net_response *r)
{
	provider_send_cb cb = op->cb.send;
	void *arg = op->arg;
	struct provider_result res;
	cJSON *json = NULL;
	char *code = NULL, *text = NULL;

	memset(&res, 0, sizeof res);
	res.retry_after_ms = -1;
	if (r->status >= 200 && r->status <= 299) {
		json = cJSON_ParseWithLength(r->body, r->body_len);
		if (tw_resource(json, &res) != 0) {
			/* Twilio took it, so sending again could double it. */
			memset(&res, 0, sizeof res);
			res.outcome = PROVIDER_PERMANENT;
			res.retry_after_ms = -1;
			text = xasprintf("Twilio answered HTTP %ld but hark "
			    "could not read the answer: it may have gone out, "
			    "check before sending again", r->status);
		}
	} else
		tw_failure(op->tw, r, &res, &code, &text);
	res.error_code = code;
	res.error_text = text;
	tw_op_detach(op);
	cb(arg, &res);
	cJSON_Delete(json);
	free(code);
	free(text);
	tw_op_free(op);
	return 0;
}

/*
 * A page of a list: the parsed answer holding key, or NULL with *err. The
 * next page's URL goes to *next (NULL on the last page).
 */
static cJSON *
tw_page(struct tw_op *op, const struct net_response *r, const char *key,
    char **next, char **err)
{
	struct twilio *tw = op->tw;
	struct provider_result res;
	cJSON *json;
	const char *uri;
	char *code = NULL, *text = NULL;

	*next = NULL;
	*err = NULL;
	if (r->status != 200) {
		memset(&res, 0, sizeof res);
		tw_failure(tw, r, &res, &code, &text);
		*err = xasprintf("Twilio: cannot list %s: %s", key, text);
		free(code);
		free(text);
		return NULL;
	}
	json = cJSON_ParseWithLength(r->body, r->body_len);
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(json, key))) {
		*err = xasprintf("Twilio: the list of %s could not be read",
		    key);
		cJSON_Delete(json);
		return NULL;
	}
	uri = tw_str(json, "next_page_uri");
	if (uri != NULL && *uri != '\0') {
		/* Relative to the API base; anything else would leave it. */
		if (strncmp(uri, "/2010-04-01/", 12) != 0)
			*err = xasprintf("Twilio: the list of %s points "
			    "outside the API", key);
		else if (++op->pages >= TW_MAX_PAGES)
			*err = xasprintf("Twilio: the list of %s does not end",
			    key);
		if (*err != NULL) {
			cJSON_Delete(json);
			return NULL;
		}
		*next = xasprintf("%s%s", tw->base, uri);
	}
	return json;
}

/* ---- send ---------------------------------------------------------------- */

/* From, or the Messaging Service that picks a sender from its pool. */
static int
tw_form_sender(struct twilio *tw, const struct provider_send *req,
    struct hbuf *form, char **cause)
{
	const char *from = req->from;
	char *addr;

	if (tw->service != NULL) {
		net_form_add(form, "MessagingServiceSid", tw->service);
		return 0;
	}
	if (from == NULL && req->channel == HARK_CH_WHATSAPP)
		from = tw->from_whatsapp;
	if (from == NULL)
		from = tw->from_phone;
	if (from == NULL) {
		set_cause(cause, "account '%s': set from_phone%s or "
		    "messaging_service_sid to send %s", tw->p->account,
		    req->channel == HARK_CH_WHATSAPP ?
		    " (or from_whatsapp)" : "",
		    hark_channel_name(req->channel));
		return -1;
	}
	addr = tw_address(req->channel, from);
	net_form_add(form, "From", addr);
	free(addr);
	return 0;
}

static int
tw_send_form(struct twilio *tw, const struct provider_send *req,
    struct hbuf *form, char **cause)
{
	char *to, *hook;
	int i;

	if (req->channel != HARK_CH_SMS && req->channel != HARK_CH_WHATSAPP) {
		set_cause(cause, "account '%s': Twilio sends %s only as a call",
		    tw->p->account, hark_channel_name(req->channel));
		return -1;
	}
	if (req->to == NULL || ((req->body == NULL || *req->body == '\0') &&
	    req->nmedia == 0 && req->content_sid == NULL)) {
		set_cause(cause, "a Twilio message needs a number and a body, "
		    "media or a template");
		return -1;
	}
	to = tw_address(req->channel, req->to);
	net_form_add(form, "To", to);
	free(to);
	if (tw_form_sender(tw, req, form, cause) != 0)
		return -1;
	if (req->content_sid != NULL) {
		/* An approved template: Twilio renders it, Body is not used. */
		net_form_add(form, "ContentSid", req->content_sid);
		if (req->content_vars != NULL)
			net_form_add(form, "ContentVariables",
			    req->content_vars);
	} else if (req->body != NULL && *req->body != '\0')
		net_form_add(form, "Body", req->body);
	for (i = 0; i < req->nmedia && req->media_urls != NULL; i++)
		net_form_add(form, "MediaUrl", req->media_urls[i]);
	if (tw->hook != NULL) {
		hook = xasprintf("%s/twilio/status", tw->hook);
		net_form_add(form, "StatusCallback", hook);
		free(hook);
	}
	return 0;
}

static int
tw_send(struct provider *p, const struct provider_send *req,
    provider_send_cb cb, void *arg, char **cause)
{
	struct twilio *tw = p->priv;
	struct hbuf form = HBUF_INIT;
	struct tw_op *op;
	char *url;
	int rc = -1;

	if (tw_send_form(tw, req, &form, cause) == 0) {
		op = tw_op_new(tw, TW_SEND, arg);
		op->cb.send = cb;
		url = tw_url(tw, "Messages.json");
		rc = tw_request(op, url, &form, cause);
		if (rc != 0)
			tw_op_free(op);
		free(url);
	}
	hbuf_free(&form);
	return rc;
}

/* ---- call ---------------------------------------------------------------- */

/* Rings the agent; once answered, <Dial> bridges the contact. */
static void
tw_call_form(struct twilio *tw, const struct provider_call *req,
    const char *from, struct hbuf *form)
{
	static const char *const events[] = { "initiated", "ringing",
	    "answered", "completed" };
	struct hbuf twiml = HBUF_INIT;
	char *hook;
	size_t i;

	hbuf_adds(&twiml, "<Response><Dial callerId=\"");
	tw_xml_escape(&twiml, from);
	hbuf_adds(&twiml, "\"");
	if (req->record)
		hbuf_adds(&twiml, " record=\"record-from-answer-dual\"");
	if (tw->hook != NULL) {
		hbuf_adds(&twiml, " action=\"");
		tw_xml_escape(&twiml, tw->hook);
		hbuf_adds(&twiml, "/twilio/voice/dial\"");
	}
	hbuf_adds(&twiml, ">");
	tw_xml_escape(&twiml, req->to);
	hbuf_adds(&twiml, "</Dial></Response>");

	net_form_add(form, "To", req->agent);
	net_form_add(form, "From", from);
	net_form_add(form, "Twiml", hbuf_str(&twiml));
	if (tw->hook != NULL) {
		hook = xasprintf("%s/twilio/voice", tw->hook);
		net_form_add(form, "StatusCallback", hook);
		for (i = 0; i < HARK_NELEM(events); i++)
			net_form_add(form, "StatusCallbackEvent", events[i]);
		free(hook);
	}
	hbuf_free(&twiml);
}

static int
tw_call(struct provider *p, const struct provider_call *req,
    provider_send_cb cb, void *arg, char **cause)
{
	struct twilio *tw = p->priv;
	const char *from = req->from != NULL ? req->from : tw->from_phone;
	struct hbuf form = HBUF_INIT;
	struct tw_op *op;
	char *url;
	int rc;

	if (req->agent == NULL || *req->agent == '\0') {
		set_cause(cause, "account '%s': set my_phone, the phone "
		    "click-to-call rings first", p->account);
		return -1;
	}
	if (from == NULL || req->to == NULL) {
		set_cause(cause, "account '%s': a call needs from_phone "
		    "and the contact's number", p->account);
		return -1;
	}
	tw_call_form(tw, req, from, &form);
	op = tw_op_new(tw, TW_CALL, arg);
	op->cb.send = cb;
	url = tw_url(tw, "Calls.json");
	rc = tw_request(op, url, &form, cause);
	if (rc != 0)
		tw_op_free(op);
	free(url);
	hbuf_free(&form);
	return rc;
}

/* ---- lookup -------------------------------------------------------------- */

/* An outbound message with the body sent, created since the attempt began. */
/* ---- refresh: a message as Twilio has it now ------------------------------ */

/* Status callbacks carry no price: Twilio bills a while after sending (or
 * after a call ends). A call sid fetches the call. */
static int
tw_refresh(struct provider *p, const char *provider_id, provider_send_cb cb,
    void *arg, char **cause)
{
	struct twilio *tw = p->priv;
	struct tw_op *op;
	char *rest, *url;
	int rc;

	if (provider_id == NULL || strlen(provider_id) != 34 ||
	    (strncmp(provider_id, "SM", 2) != 0 && strncmp(provider_id, "MM", 2) != 0 &&
	    strncmp(provider_id, "CA", 2) != 0) ||
	    strspn(provider_id + 2, "0123456789abcdefABCDEF") != 32) {
		set_cause(cause, "'%s' is not a Twilio message or call sid",
		    provider_id ? provider_id : "");
		return -1;
	}
	op = tw_op_new(tw, TW_REFRESH, arg);
	op->cb.send = cb;
	rest = xasprintf("%s/%s.json", strncmp(provider_id, "CA", 2) == 0 ?
	    "Calls" : "Messages", provider_id);
	url = tw_url(tw, rest);
	rc = tw_request(op, url, NULL, cause);
	free(rest);
	free(url);
	if (rc != 0)
		tw_op_free(op);
	return rc;
}

static int
tw_lookup_match(const struct tw_op *op, const cJSON *m)
{
	const char *dir = tw_str(m, "direction"), *body = tw_str(m, "body");
	int64_t at = tw_time(m, "date_created");

	return dir != NULL && strncmp(dir, "outbound", 8) == 0 &&
	    body != NULL && strcmp(body, op->body) == 0 && at >= op->not_before;
}

static int
tw_lookup_end(struct tw_op *op, int found, char *err)
{
	provider_lookup_cb cb = op->cb.lookup;
	void *arg = op->arg;
	struct provider_result res;

	memset(&res, 0, sizeof res);
	res.retry_after_ms = -1;
	if (found == 1 && tw_resource(op->best, &res) != 0)
		found = -1;
	res.error_text = err;
	tw_op_detach(op);
	cb(arg, found, &res);
	free(err);
	tw_op_free(op);
	return 0;
}

static int
tw_lookup_page(struct tw_op *op, const struct net_response *r)
{
	cJSON *page, *items, *m, *match = NULL;
	char *next = NULL, *err = NULL;

	if ((page = tw_page(op, r, "messages", &next, &err)) == NULL)
		return tw_lookup_end(op, -1, err);
	items = cJSON_GetObjectItemCaseSensitive(page, "messages");
	cJSON_ArrayForEach(m, items) {
		if (!tw_lookup_match(op, m))
			continue;
		if ((match == NULL || tw_time(m, "date_created") <
		    tw_time(match, "date_created")))
			match = m;
	}
	if (match != NULL && (op->best == NULL || tw_time(match,
	    "date_created") < tw_time(op->best, "date_created"))) {
		cJSON_Delete(op->best);
		op->best = cJSON_DetachItemViaPointer(items, match);
	}
	cJSON_Delete(page);
	if (next != NULL) {
		if (tw_request(op, next, NULL, &err) != 0) {
			free(next);
			return tw_lookup_end(op, -1, err);
		}
		free(next);
		return 1;
	}
	return tw_lookup_end(op, op->best != NULL ? 1 : 0, NULL);
}

static int
tw_lookup(struct provider *p, const struct provider_send *req,
    provider_lookup_cb cb, void *arg, char **cause)
{
	struct twilio *tw = p->priv;
	struct hbuf q = HBUF_INIT;
	struct tw_op *op;
	const char *from;
	char day[16], *addr, *url;
	int rc;

	if (req->to == NULL || req->body == NULL || req->started_at <= 0) {
		set_cause(cause, "Twilio can only find a send by its number, "
		    "body and the time it began");
		return -1;
	}
	addr = tw_address(req->channel, req->to);
	net_form_add(&q, "To", addr);
	free(addr);
	from = req->from;
	if (from == NULL && req->channel == HARK_CH_WHATSAPP)
		from = tw->from_whatsapp;
	if (from == NULL)
		from = tw->from_phone;
	if (tw->service == NULL && from != NULL) {
		addr = tw_address(req->channel, from);
		net_form_add(&q, "From", addr);
		free(addr);
	}
	tw_day(req->started_at - TW_LOOKUP_SLACK_MS, day);
	net_form_add(&q, "DateSent>", day);
	net_form_add(&q, "PageSize", TW_PAGE_SIZE);
	op = tw_op_new(tw, TW_LOOKUP, arg);
	op->cb.lookup = cb;
	op->body = xstrdup(req->body);
	op->not_before = req->started_at - TW_LOOKUP_SLACK_MS;
	url = xasprintf("%s" TW_API "%s/Messages.json?%s", tw->base, tw->sid,
	    hbuf_str(&q));
	rc = tw_request(op, url, NULL, cause);
	if (rc != 0)
		tw_op_free(op);
	free(url);
	hbuf_free(&q);
	return rc;
}

/* ---- poll ---------------------------------------------------------------- */

static int
tw_poll_end(struct tw_op *op, char *err)
{
	void (*done)(void *, const char *) = op->cb.poll;
	void *arg = op->arg;
	struct twilio *tw = op->tw;

	if (err == NULL) {
		tw_seen_prune(tw, 0);
		tw->last_poll = op->started;
	}
	tw_op_detach(op);
	done(arg, err);
	free(err);
	tw_op_free(op);
	return 0;
}

/* Starts listing messages or calls from the window's first day. */
static int
tw_poll_list(struct tw_op *op, enum tw_list list, char **err)
{
	struct twilio *tw = op->tw;
	int64_t since;
	char day[16], *url, *rest;
	int rc;

	since = tw->last_poll > 0 ? tw->last_poll - TW_DAY_MS :
	    op->started - 2 * TW_DAY_MS;
	tw_day(since, day);
	op->list = list;
	op->pages = 0;
	rest = xasprintf("%s%%3E=%s&PageSize=" TW_PAGE_SIZE,
	    list == TW_MESSAGES ? "Messages.json?DateSent" :
	    "Calls.json?StartTime", day);
	url = tw_url(tw, rest);
	free(rest);
	rc = tw_request(op, url, NULL, err);
	free(url);
	return rc;
}

/* The sender's channel; -1 for channels hark does not carry. */
static int
tw_inbound_channel(const char *from, enum hark_channel *ch)
{
	if (from == NULL)
		return -1;
	if (hark_startswith(from, "whatsapp:"))
		*ch = HARK_CH_WHATSAPP;
	else if (strchr(from, ':') == NULL)
		*ch = HARK_CH_SMS;
	else
		return -1;
	return 0;
}

static const char *
tw_strip(const char *addr)
{
	if (addr != NULL && hark_startswith(addr, "whatsapp:"))
		return addr + 9;
	return addr;
}

static void
tw_emit_inbound(struct twilio *tw, const cJSON *m,
    const struct provider_media *media, int nmedia)
{
	struct provider_event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = PROVIDER_EV_INBOUND;
	ev.provider = "twilio";
	ev.provider_id = tw_str(m, "sid");
	if (tw_inbound_channel(tw_str(m, "from"), &ev.channel) != 0)
		return;
	ev.from = tw_strip(tw_str(m, "from"));
	ev.to = tw_strip(tw_str(m, "to"));
	ev.body = tw_str(m, "body");
	ev.media = media;
	ev.nmedia = nmedia;
	ev.at = tw_time(m, "date_sent");
	if (ev.at == 0)
		ev.at = tw_time(m, "date_created");
	ev.status = HARK_ST_RECEIVED;
	ev.duration_s = -1;
	tw_seen_put(tw, ev.provider_id, 1);
	tw->p->env.on_event(tw->p->env.event_arg, &ev);
}

static void
tw_emit_status(struct twilio *tw, const cJSON *m)
{
	struct provider_event ev;
	const char *sid = tw_str(m, "sid"), *status = tw_str(m, "status");
	char code[16];
	uint64_t state;
	int ecode = tw_int(m, "error_code");

	memset(&ev, 0, sizeof ev);
	if (twilio_status_parse(status, &ev.status) != 0)
		return;
	ev.has_price = tw_price(m, &ev.price);
	state = tw_hash(status, 7) ^ (uint64_t)ev.price.micros ^
	    ((uint64_t)(unsigned)ecode << 32);
	if (tw_seen_same(tw, sid, state))
		return;
	ev.type = PROVIDER_EV_STATUS;
	ev.provider = "twilio";
	ev.provider_id = sid;
	ev.at = tw_time(m, "date_updated");
	if (ecode > 0) {
		snprintf(code, sizeof code, "%d", ecode);
		ev.error_code = code;
		ev.error_text = twilio_error_text(ecode);
		if (ev.error_text == NULL)
			ev.error_text = tw_str(m, "error_message");
	}
	ev.segments = tw_int(m, "num_segments");
	if (ev.segments < 0)
		ev.segments = 0;
	ev.duration_s = -1;
	tw_seen_put(tw, sid, state);
	tw->p->env.on_event(tw->p->env.event_arg, &ev);
}

/* A call's final status: the one a <Dial action> would report. */
static int
tw_call_final(const char *status)
{
	static const char *const final[] = { "completed", "busy", "failed",
	    "no-answer", "canceled" };
	size_t i;

	for (i = 0; i < HARK_NELEM(final); i++)
		if (strcmp(status, final[i]) == 0)
			return 1;
	return 0;
}

/*
 * A call leg. The contact's leg of a click-to-call bridge (outbound-dial,
 * with the agent's leg as parent) is reported once it has ended, as the
 * relay reports a <Dial action>: a change of the parent marked "dial",
 * since that leg, not the agent's, says how the call went.
 */
static void
tw_emit_call(struct twilio *tw, const cJSON *c)
{
	struct provider_event ev;
	const char *sid = tw_str(c, "sid"), *dir = tw_str(c, "direction");
	uint64_t state;

	memset(&ev, 0, sizeof ev);
	ev.call_status = tw_str(c, "status");
	ev.duration_s = tw_int(c, "duration");
	ev.parent_id = tw_str(c, "parent_call_sid");
	if (sid == NULL || ev.call_status == NULL)
		return;
	if (ev.parent_id != NULL && dir != NULL &&
	    strcmp(dir, "outbound-dial") == 0) {
		if (!tw_call_final(ev.call_status))
			return;
		ev.provider_id = ev.parent_id;
		ev.parent_id = NULL;
		ev.detail = "dial";
	} else {
		ev.provider_id = sid;
		ev.has_price = tw_price(c, &ev.price);
	}
	state = tw_hash(ev.call_status, 11) ^ (uint64_t)(ev.duration_s + 1) ^
	    ((uint64_t)ev.price.micros << 20);
	if (tw_seen_same(tw, sid, state))
		return;
	ev.type = PROVIDER_EV_CALL;
	ev.provider = "twilio";
	ev.channel = HARK_CH_VOICE;
	ev.from = tw_str(c, "from");
	ev.to = tw_str(c, "to");
	ev.inbound_call = dir != NULL && strcmp(dir, "inbound") == 0;
	ev.at = tw_time(c, "date_updated");
	tw_seen_put(tw, sid, state);
	tw->p->env.on_event(tw->p->env.event_arg, &ev);
}

/*
 * One listed message: a status, or an inbound message not reported yet.
 * Returns 1 when its media must be fetched first (a request is on its
 * way), 0 when done with it, -1 with *err.
 */
static int
tw_poll_message(struct tw_op *op, const cJSON *m, char **err)
{
	struct twilio *tw = op->tw;
	const char *dir = tw_str(m, "direction"), *sid = tw_str(m, "sid");
	enum hark_channel ch;
	char *url, *rest;
	int rc;

	if (sid == NULL || dir == NULL)
		return 0;
	if (strcmp(dir, "inbound") != 0) {
		tw_emit_status(tw, m);
		return 0;
	}
	if (tw_inbound_channel(tw_str(m, "from"), &ch) != 0 ||
	    tw_seen_same(tw, sid, 1))
		return 0;
	if (tw_int(m, "num_media") <= 0 || strpbrk(sid, "/?#%") != NULL) {
		tw_emit_inbound(tw, m, NULL, 0);
		return 0;
	}
	rest = xasprintf("Messages/%s/Media.json", sid);
	url = tw_url(tw, rest);
	rc = tw_request(op, url, NULL, err);
	free(rest);
	free(url);
	if (rc != 0)
		return -1;
	op->media = 1;
	return 1;
}

/* The media list of the inbound message at op->idx: emit it with its URLs. */
static int
tw_poll_media(struct tw_op *op, const struct net_response *r)
{
	struct provider_media media[TW_MAX_MEDIA];
	char *urls[TW_MAX_MEDIA], *next = NULL, *err = NULL;
	const cJSON *items, *it;
	cJSON *page;
	const char *uri;
	int n = 0, i, pages = op->pages;
	size_t len;

	op->media = 0;
	page = tw_page(op, r, "media_list", &next, &err);
	op->pages = pages;
	free(next);
	if (page == NULL)
		return tw_poll_end(op, err);
	items = cJSON_GetObjectItemCaseSensitive(page, "media_list");
	cJSON_ArrayForEach(it, items) {
		uri = tw_str(it, "uri");
		if (n == TW_MAX_MEDIA || uri == NULL || uri[0] != '/')
			continue;
		/* The resource is uri; the content is uri without ".json". */
		len = strlen(uri);
		if (len > 5 && strcmp(uri + len - 5, ".json") == 0)
			len -= 5;
		urls[n] = xasprintf("%s%.*s", op->tw->base, (int)len, uri);
		media[n].url = urls[n];
		media[n].content_type = tw_str(it, "content_type");
		n++;
	}
	items = cJSON_GetObjectItemCaseSensitive(op->page, "messages");
	tw_emit_inbound(op->tw, cJSON_GetArrayItem(items, op->idx), media, n);
	for (i = 0; i < n; i++)
		free(urls[i]);
	cJSON_Delete(page);
	if (op->tw == NULL) {
		tw_op_free(op);
		return 0;
	}
	op->idx++;
	return tw_poll_walk(op);
}

/* Walks the page from op->idx, then goes on to the next page or list. */
static int
tw_poll_walk(struct tw_op *op)
{
	const char *key = op->list == TW_MESSAGES ? "messages" : "calls";
	cJSON *items = cJSON_GetObjectItemCaseSensitive(op->page, key), *it;
	char *err = NULL;
	int n = cJSON_GetArraySize(items), rc;

	for (; op->idx < n; op->idx++) {
		it = cJSON_GetArrayItem(items, op->idx);
		if (op->list == TW_CALLS)
			tw_emit_call(op->tw, it);
		else {
			rc = tw_poll_message(op, it, &err);
			if (rc != 0)
				return rc > 0 ? 1 : tw_poll_end(op, err);
		}
		if (op->tw == NULL) {
			/* An event handler closed the provider. */
			tw_op_free(op);
			return 0;
		}
	}
	if (op->next_url != NULL)
		rc = tw_request(op, op->next_url, NULL, &err);
	else if (op->list == TW_MESSAGES)
		rc = tw_poll_list(op, TW_CALLS, &err);
	else
		return tw_poll_end(op, NULL);
	return rc == 0 ? 1 : tw_poll_end(op, err);
}

static int
tw_poll_answer(struct tw_op *op, const struct net_response *r)
{
	cJSON *page;
	char *next = NULL, *err = NULL;

	if (op->media)
		return tw_poll_media(op, r);
	page = tw_page(op, r, op->list == TW_MESSAGES ? "messages" : "calls",
	    &next, &err);
	if (page == NULL)
		return tw_poll_end(op, err);
	cJSON_Delete(op->page);
	op->page = page;
	free(op->next_url);
	op->next_url = next;
	op->idx = 0;
	return tw_poll_walk(op);
}

static int
tw_poll(struct provider *p, void (*done)(void *, const char *), void *arg,
    char **cause)
{
	struct twilio *tw = p->priv;
	struct tw_op *op;

	op = tw_op_new(tw, TW_POLL, arg);
	op->cb.poll = done;
	op->started = hark_now_ms();
	tw->gen++;
	if (tw_poll_list(op, TW_MESSAGES, cause) != 0) {
		tw_op_free(op);
		return -1;
	}
	return 0;
}

/* ---- open and close ------------------------------------------------------ */

/* ^AC[0-9a-fA-F]{32}$: it goes into every path. */
static int
tw_sid_valid(const char *sid)
{
	return sid != NULL && strlen(sid) == 34 && strncmp(sid, "AC", 2) == 0 &&
	    strspn(sid + 2, "0123456789abcdefABCDEF") == 32;
}

/* API key and secret when set, else the account's auth token. */
static int
tw_credentials(struct twilio *tw, const struct config_account *a, char **cause)
{
	char *key = NULL, *secret = NULL;
	int rk, rs;

	if ((rk = config_account_secret(a, "api_key", &key, cause)) < 0)
		return -1;
	if ((rs = config_account_secret(a, "api_secret", &secret, cause)) < 0) {
		free(key);
		return -1;
	}
	if (rk != rs) {
		set_cause(cause, "account '%s': api_key and api_secret go "
		    "together; %s is missing", a->name,
		    rk == 0 ? "api_secret" : "api_key");
		free(key);
		free(secret);
		return -1;
	}
	if (rk == 0) {
		tw->auth_keys = "api_key/api_secret";
		tw->userpwd = xasprintf("%s:%s", key, secret);
		tw->secret = tw->userpwd + strlen(key) + 1;
		free(key);
		free(secret);
		return 0;
	}
	rs = config_account_secret(a, "auth_token", &secret, cause);
	if (rs != 0) {
		if (rs > 0)
			set_cause(cause, "account '%s': Twilio needs "
			    "auth_token (or api_key and api_secret)", a->name);
		return -1;
	}
	tw->auth_keys = "account_sid/auth_token";
	tw->userpwd = xasprintf("%s:%s", tw->sid, secret);
	tw->secret = tw->userpwd + strlen(tw->sid) + 1;
	free(secret);
	return 0;
}

/* A base URL without its trailing slashes, or NULL. */
static char *
tw_trim_url(const char *url)
{
	size_t n;

	if (url == NULL || *url == '\0')
		return NULL;
	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	return xstrndup(url, n);
}

static int
tw_open(struct provider *p, char **cause)
{
	const struct config_account *a = p->env.acct;
	const char *sid = config_account_get(a, "account_sid"), *hook;
	struct twilio *tw;

	if (!tw_sid_valid(sid)) {
		set_cause(cause, "account '%s': account_sid must be AC "
		    "followed by 32 hex digits (see the Twilio console)",
		    a->name);
		return -1;
	}
	tw = xcalloc(1, sizeof *tw);
	tw->p = p;
	tw->sid = xstrdup(sid);
	if (tw_credentials(tw, a, cause) != 0) {
		free(tw->sid);
		free(tw);
		return -1;
	}
	tw->base = tw_trim_url(a->base_url != NULL ? a->base_url : TW_BASE_URL);
	tw->timeout_ms = config_account_get(a, "timeout") != NULL ?
	    atol(config_account_get(a, "timeout")) * 1000 : 30000;
	hook = config_account_get(a, "webhook_url");
	if (hook == NULL && p->env.cfg != NULL)
		hook = p->env.cfg->relay_public_url;
	tw->hook = tw_trim_url(hook);
	/* Status callbacks reach the relay: polls are only a safety net. */
	if (tw->hook != NULL)
		p->caps |= PROVIDER_CAP_PUSH;
	tw->from_phone = a->from_phone;
	tw->from_whatsapp = a->from_whatsapp;
	tw->service = config_account_get(a, "messaging_service_sid");
	p->priv = tw;
	return 0;
}

static void
tw_close(struct provider *p)
{
	struct twilio *tw = p->priv;
	struct tw_op *op, *next;

	if (tw == NULL)
		return;
	for (op = tw->ops; op != NULL; op = next) {
		next = op->next;
		if (op->net_id != 0)
			net_cancel(p->env.net, op->net_id);
		op->net_id = 0;
		op->tw = NULL;
		op->prev = op->next = NULL;
		if (!op->busy)
			tw_op_free(op);
	}
	tw_seen_prune(tw, 1);
	free(tw->sid);
	if (tw->userpwd != NULL)
		memset(tw->userpwd, 0, strlen(tw->userpwd));
	free(tw->userpwd);
	free(tw->base);
	free(tw->hook);
	free(tw);
	p->priv = NULL;
}

void
twilio_set_timeout_ms(struct provider *p, long ms)
{
	struct twilio *tw = p->priv;

	tw->timeout_ms = ms;
}
