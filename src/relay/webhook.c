/*
 * webhook.c — provider webhooks (Twilio forms, SendGrid and Mailgun JSON)
 * turned into provider events. Pure: no I/O and no clock; an event whose
 * provider gives no time has at = 0 (the engine uses the time it arrives).
 *
 * Every string an event points to is copied into the webhook's own storage
 * (struct wh_mem, a list of allocations), so the form or JSON it came from
 * may be freed at once; webhook_events_free releases them all. Addresses and
 * bodies are kept as the provider sent them: making them safe for the
 * terminal happens where they are drawn.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hark/core.h"
#include "hark/relay.h"

#define WH_MAX_MEDIA 1000          /* a form has at most 1000 params anyway */
#define WH_MAX_EPOCH_S 1e11        /* year 5138: beyond it a timestamp is junk */
#define WH_MAX_HARK_ID 9007199254740992.0 /* 2^53: exact in a JSON number */

struct wh_mem {
	void **ptrs;
	size_t n, cap;
	int ev_cap;
};

/* A Twilio call status, and what hark calls it (provider.h's list). */
struct wh_call_status {
	const char *twilio;
	const char *hark;
};

static void wh_init(struct webhook_events *out);
static void *wh_keep(struct webhook_events *w, void *p);
static const char *wh_str(struct webhook_events *w, const char *s);
static struct provider_event *wh_event(struct webhook_events *w,
    enum provider_event_type type, const char *provider);
static int wh_fail(struct webhook_events *w, char **cause, const char *fmt,
    ...) HARK_PRINTF(3, 4);
static int wh_uint(const char *s, int max, int *out);
static const char *twilio_sid(const struct form *f, const char *const *names);
static const char *twilio_addr(struct webhook_events *w, const char *s,
    int *whatsapp);
static int twilio_media(struct webhook_events *w, const struct form *f,
    struct provider_event *e, char **cause);
static const char *twilio_call_status(const char *s,
    const struct wh_call_status *table, size_t n);
static int twilio_dial_action(struct webhook_events *w, const struct form *f,
    struct provider_event *e, char **cause);
static int64_t json_hark_id(const cJSON *v);
static int json_str(const cJSON *obj, const char *key, const char **out);
static int json_time(const cJSON *obj, const char *key, int64_t *out);
static int sendgrid_event(struct webhook_events *w, const cJSON *item, int idx,
    char **cause);
static int mailgun_failed(struct webhook_events *w, const cJSON *ed,
    struct provider_event *e, char **cause);
static int mailgun_fill(struct webhook_events *w, const cJSON *ed,
    const char *event, struct provider_event *e, char **cause);

/* Call statuses of a status callback; "initiated" and "answered" are the
 * names of the callback events, not statuses, but some callbacks use them. */
static const struct wh_call_status wh_call_statuses[] = {
	{ "queued", "queued" }, { "initiated", "queued" },
	{ "ringing", "ringing" }, { "in-progress", "in-progress" },
	{ "answered", "in-progress" }, { "completed", "completed" },
	{ "busy", "busy" }, { "failed", "failed" },
	{ "no-answer", "no-answer" }, { "canceled", "canceled" },
};

/* DialCallStatus of a <Dial action>: the outcome of the contact's leg. */
static const struct wh_call_status wh_dial_statuses[] = {
	{ "completed", "completed" }, { "answered", "completed" },
	{ "busy", "busy" }, { "no-answer", "no-answer" },
	{ "failed", "failed" }, { "canceled", "canceled" },
};

/* ---- storage ------------------------------------------------------------ */

static void
wh_init(struct webhook_events *out)
{
	out->ev = NULL;
	out->n = 0;
	out->mem = xcalloc(1, sizeof(struct wh_mem));
}

static void *
wh_keep(struct webhook_events *w, void *p)
{
	struct wh_mem *m = w->mem;

	if (m->n == m->cap) {
		m->cap = m->cap == 0 ? 16 : m->cap * 2;
		m->ptrs = xreallocarray(m->ptrs, m->cap, sizeof *m->ptrs);
	}
	m->ptrs[m->n++] = p;
	return p;
}

static const char *
wh_str(struct webhook_events *w, const char *s)
{
	return s == NULL ? NULL : wh_keep(w, xstrdup(s));
}

/* Appends an event with nothing known yet; valid until the next append. */
static struct provider_event *
wh_event(struct webhook_events *w, enum provider_event_type type,
    const char *provider)
{
	struct wh_mem *m = w->mem;
	struct provider_event *e;

	if (w->n == m->ev_cap) {
		m->ev_cap = m->ev_cap == 0 ? 4 : m->ev_cap * 2;
		w->ev = xreallocarray(w->ev, (size_t)m->ev_cap, sizeof *w->ev);
	}
	e = &w->ev[w->n++];
	memset(e, 0, sizeof *e);
	e->type = type;
	e->provider = provider;
	e->duration_s = -1;
	return e;
}

void
webhook_events_free(struct webhook_events *w)
{
	struct wh_mem *m;
	size_t i;

	if (w == NULL)
		return;
	m = w->mem;
	for (i = 0; m != NULL && i < m->n; i++)
		free(m->ptrs[i]);
	if (m != NULL)
		free(m->ptrs);
	free(m);
	free(w->ev);
	w->ev = NULL;
	w->n = 0;
	w->mem = NULL;
}

/* Sets the cause, empties the events and returns -1. */
static int
wh_fail(struct webhook_events *w, char **cause, const char *fmt, ...)
{
	va_list ap;

	if (cause != NULL) {
		free(*cause);
		va_start(ap, fmt);
		*cause = xvasprintf(fmt, ap);
		va_end(ap);
	}
	webhook_events_free(w);
	return -1;
}

/* A decimal integer 0..max with nothing around it. 0 or -1. */
static int
wh_uint(const char *s, int max, int *out)
{
	long v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	*out = (int)v;
	return 0;
}

/* ---- Twilio ------------------------------------------------------------- */

/* The first of several names Twilio has used for one field. */
static const char *
twilio_sid(const struct form *f, const char *const *names)
{
	const char *v;

	for (; *names != NULL; names++) {
		if ((v = form_get(f, *names)) != NULL && *v != '\0')
			return v;
	}
	return NULL;
}

/* "whatsapp:+1415..." is the WhatsApp address +1415...; others as given. */
static const char *
twilio_addr(struct webhook_events *w, const char *s, int *whatsapp)
{
	if (s != NULL && strncmp(s, "whatsapp:", 9) == 0) {
		*whatsapp = 1;
		s += 9;
	}
	return wh_str(w, s);
}

/* MediaUrl0..N-1 and their content types, N = NumMedia. */
static int
twilio_media(struct webhook_events *w, const struct form *f,
    struct provider_event *e, char **cause)
{
	struct provider_media *media;
	const char *num = form_get(f, "NumMedia"), *url;
	char key[32];
	int n = 0, i;

	if (num != NULL && *num != '\0' && wh_uint(num, WH_MAX_MEDIA, &n) != 0)
		return wh_fail(w, cause, "Twilio message webhook: NumMedia "
		    "'%.20s' is not a count of media", num);
	if (n == 0)
		return 0;
	media = wh_keep(w, xcalloc((size_t)n, sizeof *media));
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof key, "MediaUrl%d", i);
		if ((url = form_get(f, key)) == NULL || *url == '\0')
			return wh_fail(w, cause, "Twilio message webhook: "
			    "NumMedia is %d but %s is missing", n, key);
		media[i].url = wh_str(w, url);
		snprintf(key, sizeof key, "MediaContentType%d", i);
		media[i].content_type = wh_str(w, form_get(f, key));
	}
	e->media = media;
	e->nmedia = n;
	return 0;
}

int
webhook_twilio_message(const struct form *f, struct webhook_events *out,
    char **cause)
{
	static const char *const sids[] = { "MessageSid", "SmsMessageSid",
		"SmsSid", NULL };
	struct provider_event *e;
	const char *sid = twilio_sid(f, sids), *from = form_get(f, "From");
	const char *body = form_get(f, "Body");
	int wa = 0;

	wh_init(out);
	if (sid == NULL)
		return wh_fail(out, cause, "Twilio message webhook: no MessageSid");
	if (from == NULL || *from == '\0')
		return wh_fail(out, cause, "Twilio message webhook: no From");
	e = wh_event(out, PROVIDER_EV_INBOUND, "twilio");
	e->provider_id = wh_str(out, sid);
	e->from = twilio_addr(out, from, &wa);
	e->to = twilio_addr(out, form_get(f, "To"), &wa);
	e->channel = wa ? HARK_CH_WHATSAPP : HARK_CH_SMS;
	e->body = wh_str(out, body != NULL ? body : "");
	e->profile_name = wh_str(out, form_get(f, "ProfileName"));
	e->status = HARK_ST_RECEIVED;
	return twilio_media(out, f, e, cause);
}

int
webhook_twilio_status(const struct form *f, struct webhook_events *out,
    char **cause)
{
	static const char *const sids[] = { "MessageSid", "SmsSid", NULL };
	static const char *const statuses[] = { "MessageStatus", "SmsStatus",
		NULL };
	const char *sid = twilio_sid(f, sids), *st = twilio_sid(f, statuses);
	const char *code = form_get(f, "ErrorCode"), *text;
	struct provider_event *e;
	int wa = 0, n;

	wh_init(out);
	if (sid == NULL)
		return wh_fail(out, cause, "Twilio status callback: no MessageSid");
	if (st == NULL)
		return wh_fail(out, cause, "Twilio status callback: no "
		    "MessageStatus");
	e = wh_event(out, PROVIDER_EV_STATUS, "twilio");
	if (twilio_status_parse(st, &e->status) != 0)
		return wh_fail(out, cause, "Twilio status callback: unknown "
		    "MessageStatus '%.40s'", st);
	e->provider_id = wh_str(out, sid);
	e->from = twilio_addr(out, form_get(f, "From"), &wa);
	e->to = twilio_addr(out, form_get(f, "To"), &wa);
	e->channel = wa ? HARK_CH_WHATSAPP : HARK_CH_SMS;
	if (code != NULL && *code != '\0') {
		e->error_code = wh_str(out, code);
		text = wh_uint(code, 999999, &n) == 0 ? twilio_error_text(n) :
		    NULL;
		e->error_text = text != NULL ? text :
		    wh_keep(out, xasprintf("Twilio error %.20s", code));
	}
	return 0;
}

static const char *
twilio_call_status(const char *s, const struct wh_call_status *table,
    size_t n)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++) {
		if (strcmp(table[i].twilio, s) == 0)
			return table[i].hark;
	}
	return NULL;
}

/* The <Dial action> form: the outcome of the contact's leg, reported as a
 * change of the call we placed (the parent, our agent's leg). detail "dial"
 * tells the engine that this, not the agent's leg, says how the call went. */
static int
twilio_dial_action(struct webhook_events *w, const struct form *f,
    struct provider_event *e, char **cause)
{
	const char *st = form_get(f, "DialCallStatus");
	const char *dur = form_get(f, "DialCallDuration");

	e->detail = "dial";
	e->call_status = twilio_call_status(st, wh_dial_statuses,
	    HARK_NELEM(wh_dial_statuses));
	if (e->call_status == NULL)
		return wh_fail(w, cause, "Twilio dial action: %s DialCallStatus"
		    "%s%.40s%s", st == NULL ? "no" : "unknown",
		    st == NULL ? "" : " '", st == NULL ? "" : st,
		    st == NULL ? "" : "'");
	if (dur != NULL && *dur != '\0' &&
	    wh_uint(dur, INT32_MAX, &e->duration_s) != 0)
		return wh_fail(w, cause, "Twilio dial action: DialCallDuration "
		    "'%.20s' is not a number of seconds", dur);
	return 0;
}

int
webhook_twilio_voice(const struct form *f, struct webhook_events *out,
    char **cause)
{
	const char *sid = form_get(f, "CallSid"), *st, *dur, *ts;
	const char *dir = form_get(f, "Direction");
	struct provider_event *e;

	wh_init(out);
	if (sid == NULL || *sid == '\0')
		return wh_fail(out, cause, "Twilio voice callback: no CallSid");
	e = wh_event(out, PROVIDER_EV_CALL, "twilio");
	e->provider_id = wh_str(out, sid);
	e->channel = HARK_CH_VOICE;
	e->from = wh_str(out, form_get(f, "From"));
	e->to = wh_str(out, form_get(f, "To"));
	e->inbound_call = dir != NULL && strcmp(dir, "inbound") == 0;
	e->recording_url = wh_str(out, form_get(f, "RecordingUrl"));
	if ((ts = form_get(f, "Timestamp")) != NULL &&
	    time_parse_iso(ts, &e->at) != 0)
		e->at = 0;
	if (form_get(f, "DialCallStatus") != NULL ||
	    form_get(f, "DialCallSid") != NULL)
		return twilio_dial_action(out, f, e, cause);
	e->parent_id = wh_str(out, form_get(f, "ParentCallSid"));
	st = form_get(f, "CallStatus");
	e->call_status = twilio_call_status(st, wh_call_statuses,
	    HARK_NELEM(wh_call_statuses));
	if (e->call_status == NULL)
		return wh_fail(out, cause, "Twilio voice callback: %s CallStatus"
		    "%s%.40s%s", st == NULL ? "no" : "unknown",
		    st == NULL ? "" : " '", st == NULL ? "" : st,
		    st == NULL ? "" : "'");
	dur = form_get(f, "CallDuration");
	if (dur != NULL && *dur != '\0' &&
	    wh_uint(dur, INT32_MAX, &e->duration_s) != 0)
		return wh_fail(out, cause, "Twilio voice callback: CallDuration "
		    "'%.20s' is not a number of seconds", dur);
	return 0;
}

/* ---- JSON helpers ------------------------------------------------------- */

/* Our message id echoed back: a decimal string or a whole number; 0 when
 * absent or not ours (someone else's custom arg of the same name). */
static int64_t
json_hark_id(const cJSON *v)
{
	const char *s;
	int64_t id = 0;

	if (cJSON_IsNumber(v)) {
		if (v->valuedouble >= 1 && v->valuedouble <= WH_MAX_HARK_ID &&
		    v->valuedouble == (double)(int64_t)v->valuedouble)
			return (int64_t)v->valuedouble;
		return 0;
	}
	if (!cJSON_IsString(v) || (s = v->valuestring) == NULL || *s == '\0' ||
	    strlen(s) > 18 || strspn(s, "0123456789") != strlen(s))
		return 0;
	for (; *s != '\0'; s++)
		id = id * 10 + (*s - '0');
	return id;
}

/* A string member: 0 with *out NULL when absent, -1 when not a string. */
static int
json_str(const cJSON *obj, const char *key, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return -1;
	*out = v->valuestring;
	return 0;
}

/* Epoch seconds (a number, fractions allowed) as ms: 0 with *out 0 when
 * absent, -1 when not a plausible time. */
static int
json_time(const cJSON *obj, const char *key, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = 0;
	if (v == NULL)
		return 0;
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 &&
	    v->valuedouble <= WH_MAX_EPOCH_S))
		return -1;
	*out = (int64_t)(v->valuedouble * 1000);
	return 0;
}

/* ---- SendGrid ----------------------------------------------------------- */

enum sg_kind { SG_STATUS, SG_OPTOUT };

static const struct sg_map {
	const char *event;
	enum sg_kind kind;
	enum hark_status status;
	const char *what;            /* optout reason, or the detail */
} sg_events[] = {
	{ "processed", SG_STATUS, HARK_ST_SENT, NULL },
	{ "deferred", SG_STATUS, HARK_ST_SENT, "deferred" },
	{ "delivered", SG_STATUS, HARK_ST_DELIVERED, NULL },
	{ "open", SG_STATUS, HARK_ST_READ, "open" },
	{ "click", SG_STATUS, HARK_ST_READ, "click" },
	{ "bounce", SG_STATUS, HARK_ST_FAILED, NULL },
	{ "dropped", SG_STATUS, HARK_ST_FAILED, NULL },
	/* The address must never get more; an opt-out's status is QUEUED,
	 * which the engine takes as "no change of status". */
	{ "spamreport", SG_OPTOUT, HARK_ST_QUEUED, "spam report" },
	{ "unsubscribe", SG_OPTOUT, HARK_ST_QUEUED, "unsubscribe" },
	{ "group_unsubscribe", SG_OPTOUT, HARK_ST_QUEUED, "unsubscribe" },
};

/* One element of the array; events hark has no use for are skipped. */
static int
sendgrid_event(struct webhook_events *w, const cJSON *item, int idx,
    char **cause)
{
	const char *ev, *msgid, *email, *reason, *status, *response, *url;
	const struct sg_map *m = NULL;
	struct provider_event *e;
	int64_t at;
	size_t i;

	if (!cJSON_IsObject(item))
		return wh_fail(w, cause, "SendGrid event %d: not an object", idx);
	if (json_str(item, "event", &ev) != 0 || ev == NULL)
		return wh_fail(w, cause, "SendGrid event %d: no \"event\" string",
		    idx);
	for (i = 0; i < HARK_NELEM(sg_events) && m == NULL; i++) {
		if (strcmp(sg_events[i].event, ev) == 0)
			m = &sg_events[i];
	}
	if (m == NULL)
		return 0;
	if (json_str(item, "sg_message_id", &msgid) != 0 ||
	    json_str(item, "email", &email) != 0 ||
	    json_str(item, "reason", &reason) != 0 ||
	    json_str(item, "status", &status) != 0 ||
	    json_str(item, "response", &response) != 0 ||
	    json_str(item, "url", &url) != 0)
		return wh_fail(w, cause, "SendGrid event %d (%s): a field that "
		    "should be a string is not", idx, m->event);
	if (json_time(item, "timestamp", &at) != 0)
		return wh_fail(w, cause, "SendGrid event %d (%s): \"timestamp\" "
		    "is not a time in epoch seconds", idx, m->event);
	if (m->kind == SG_STATUS && (msgid == NULL || *msgid == '\0'))
		return wh_fail(w, cause, "SendGrid event %d (%s): no "
		    "\"sg_message_id\"", idx, m->event);
	/* An opt-out that names no message of ours cannot be attributed. */
	if (m->kind == SG_OPTOUT && (msgid == NULL || *msgid == '\0') &&
	    json_hark_id(cJSON_GetObjectItemCaseSensitive(item, "hark_id")) == 0)
		return 0;
	e = wh_event(w, PROVIDER_EV_STATUS, "sendgrid");
	e->channel = HARK_CH_EMAIL;
	e->status = m->status;
	e->at = at;
	/* sg_message_id is the X-Message-Id of the send plus ".recipient...". */
	if (msgid != NULL)
		e->provider_id = wh_keep(w, xstrndup(msgid, strcspn(msgid, ".")));
	e->to = wh_str(w, email);
	e->hark_id = json_hark_id(cJSON_GetObjectItemCaseSensitive(item,
	    "hark_id"));
	if (m->kind == SG_OPTOUT)
		e->optout = m->what;
	else if (strcmp(m->event, "click") == 0 && url != NULL)
		e->detail = wh_keep(w, xasprintf("click %s", url));
	else if (strcmp(m->event, "deferred") == 0)
		e->detail = wh_keep(w, xasprintf("deferred: %s",
		    response != NULL ? response : "no response given"));
	else
		e->detail = m->what;
	/* A mail client's privacy proxy fetched it: nobody has read it yet. */
	if (strcmp(m->event, "open") == 0 && cJSON_IsTrue(
	    cJSON_GetObjectItemCaseSensitive(item, "sg_machine_open"))) {
		e->status = HARK_ST_DELIVERED;
		e->detail = "open (machine)";
	}
	if (m->status == HARK_ST_FAILED) {
		e->error_code = wh_str(w, status);
		e->error_text = wh_str(w, reason != NULL ? reason :
		    strcmp(m->event, "bounce") == 0 ? "bounced" : "dropped");
	}
	return 0;
}

int
webhook_sendgrid_events(const char *json, size_t len,
    struct webhook_events *out, char **cause)
{
	cJSON *root, *item;
	int idx = 0;

	wh_init(out);
	root = json != NULL ? cJSON_ParseWithLength(json, len) : NULL;
	if (root == NULL)
		return wh_fail(out, cause, "SendGrid events: not valid JSON");
	if (!cJSON_IsArray(root)) {
		cJSON_Delete(root);
		return wh_fail(out, cause, "SendGrid events: expected a JSON "
		    "array of events");
	}
	cJSON_ArrayForEach(item, root) {
		if (sendgrid_event(out, item, idx++, cause) != 0) {
			cJSON_Delete(root);
			return -1;
		}
	}
	cJSON_Delete(root);
	return 0;
}

/* ---- Mailgun ------------------------------------------------------------ */

/* failed: permanent (or unspecified) is final; temporary means Mailgun
 * keeps trying, so the message is still on its way. */
static int
mailgun_failed(struct webhook_events *w, const cJSON *ed,
    struct provider_event *e, char **cause)
{
	const cJSON *ds = cJSON_GetObjectItemCaseSensitive(ed, "delivery-status");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(ds, "code");
	const char *sev, *reason, *msg = NULL, *desc = NULL, *text;

	if (json_str(ed, "severity", &sev) != 0 ||
	    json_str(ed, "reason", &reason) != 0 ||
	    (ds != NULL && !cJSON_IsObject(ds)) ||
	    (ds != NULL && (json_str(ds, "message", &msg) != 0 ||
	    json_str(ds, "description", &desc) != 0)))
		return wh_fail(w, cause, "Mailgun webhook: failed event with "
		    "malformed severity, reason or delivery-status");
	text = msg != NULL && *msg != '\0' ? msg :
	    desc != NULL && *desc != '\0' ? desc : reason;
	if (sev != NULL && strcmp(sev, "temporary") == 0) {
		e->status = HARK_ST_SENT;
		e->detail = wh_keep(w, xasprintf("temporary failure: %s",
		    text != NULL ? text : "no reason given"));
		return 0;
	}
	e->status = HARK_ST_FAILED;
	if (cJSON_IsNumber(code) && code->valuedouble >= 0 &&
	    code->valuedouble < 1000000)
		e->error_code = wh_keep(w, xasprintf("%d", code->valueint));
	else if (cJSON_IsString(code) && code->valuestring != NULL)
		e->error_code = wh_str(w, code->valuestring);
	e->error_text = wh_str(w, text != NULL ? text : "delivery failed");
	return 0;
}

/* What every Mailgun event carries, then what its kind adds. */
static int
mailgun_fill(struct webhook_events *w, const cJSON *ed, const char *event,
    struct provider_event *e, char **cause)
{
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(ed, "message");
	const cJSON *hdrs = cJSON_GetObjectItemCaseSensitive(msg, "headers");
	const cJSON *uv = cJSON_GetObjectItemCaseSensitive(ed, "user-variables");
	const char *id = NULL, *rcpt, *url;

	if ((hdrs != NULL && json_str(hdrs, "message-id", &id) != 0) ||
	    json_str(ed, "recipient", &rcpt) != 0 ||
	    json_str(ed, "url", &url) != 0)
		return wh_fail(w, cause, "Mailgun webhook: message-id, recipient "
		    "or url is not a string");
	if (json_time(ed, "timestamp", &e->at) != 0)
		return wh_fail(w, cause, "Mailgun webhook: \"timestamp\" is not "
		    "a time in epoch seconds");
	if (e->optout == NULL && (id == NULL || *id == '\0'))
		return wh_fail(w, cause, "Mailgun webhook: %s event without "
		    "message.headers.message-id", event);
	e->provider_id = id != NULL && *id != '\0' ? wh_str(w, id) : NULL;
	e->to = wh_str(w, rcpt);
	e->hark_id = json_hark_id(cJSON_GetObjectItemCaseSensitive(uv,
	    "hark_id"));
	/* An opt-out that names no message of ours cannot be attributed. */
	if (e->provider_id == NULL && e->hark_id == 0) {
		w->n--;
		return 0;
	}
	if (strcmp(event, "clicked") == 0)
		e->detail = url != NULL ? wh_keep(w, xasprintf("click %s", url)) :
		    "click";
	if (strcmp(event, "failed") == 0 || strcmp(event, "rejected") == 0)
		return mailgun_failed(w, ed, e, cause);
	return 0;
}

int
webhook_mailgun_event(const char *json, size_t len,
    struct webhook_events *out, char **cause)
{
	static const struct { const char *event; enum hark_status st;
	    const char *optout, *detail; } map[] = {
		{ "accepted", HARK_ST_SENT, NULL, NULL },
		{ "delivered", HARK_ST_DELIVERED, NULL, NULL },
		{ "failed", HARK_ST_FAILED, NULL, NULL },
		{ "rejected", HARK_ST_FAILED, NULL, NULL },
		{ "opened", HARK_ST_READ, NULL, "open" },
		{ "clicked", HARK_ST_READ, NULL, "click" },
		{ "complained", HARK_ST_QUEUED, "spam report", NULL },
		{ "unsubscribed", HARK_ST_QUEUED, "unsubscribe", NULL },
	};
	cJSON *root = json != NULL ? cJSON_ParseWithLength(json, len) : NULL;
	const cJSON *ed = cJSON_GetObjectItemCaseSensitive(root, "event-data");
	struct provider_event *e;
	const char *event = NULL;
	size_t i;
	int rc = 0;

	wh_init(out);
	if (root == NULL)
		return wh_fail(out, cause, "Mailgun webhook: not valid JSON");
	if (!cJSON_IsObject(root) || !cJSON_IsObject(ed))
		rc = wh_fail(out, cause, "Mailgun webhook: no \"event-data\" "
		    "object");
	else if (json_str(ed, "event", &event) != 0 || event == NULL)
		rc = wh_fail(out, cause, "Mailgun webhook: no \"event\" string");
	for (i = 0; rc == 0 && i < HARK_NELEM(map); i++) {
		if (strcmp(map[i].event, event) != 0)
			continue;
		e = wh_event(out, PROVIDER_EV_STATUS, "mailgun");
		e->channel = HARK_CH_EMAIL;
		e->status = map[i].st;
		e->optout = map[i].optout;
		e->detail = map[i].detail;
		rc = mailgun_fill(out, ed, event, e, cause);
		break;
	}
	cJSON_Delete(root);
	return rc;
}
