/*
 * twilio.c — the Twilio provider: SMS, MMS and WhatsApp through Programmable
 * Messaging, click-to-call bridges through Voice (REST API 2010-04-01). This
 * file holds open and close, the vtable, send, call, refresh and lookup, and
 * the requests and answers every op shares; twilio_poll.c holds the poll.
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
#define TW_MAX_PAGES 1000         /* per list: a loop guard (100k items) */
#define TW_LOOKUP_SLACK_MS 60000  /* clocks differ: a minute of slack */

static int tw_open(struct provider *, char **);
static void tw_close(struct provider *);
static int tw_send(struct provider *, const struct provider_send *,
    provider_send_cb, void *, char **);
static int tw_lookup(struct provider *, const struct provider_send *,
    provider_lookup_cb, void *, char **);
static int tw_call(struct provider *, const struct provider_call *,
    provider_send_cb, void *, char **);
static int tw_refresh(struct provider *, const char *, provider_send_cb, void *,
    char **);
static void tw_net_done(void *, const struct net_response *);
static int tw_accepted(struct tw_op *, const struct net_response *);
static int tw_lookup_page(struct tw_op *, const struct net_response *);

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

const char *
tw_str(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* Counts come as strings ("2"), error codes as numbers; -1 when absent. */
int
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

int64_t
tw_time(const cJSON *o, const char *key)
{
	const char *s = tw_str(o, key);
	int64_t ms;

	return s != NULL && time_parse_iso(s, &ms) == 0 ? ms : 0;
}

/* A charge ("-0.00750" USD) as its magnitude; 0 when not billed yet. */
int
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
void
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

/* ---- ops and requests ---------------------------------------------------- */

struct tw_op *
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
void
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

void
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
int
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
char *
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
		if (r->unsent)
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
cJSON *
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

/* ---- lookup -------------------------------------------------------------- */

/* An outbound message with the body sent, created since the attempt began. */
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
