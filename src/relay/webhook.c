/*
 * webhook.c — provider webhooks turned into provider events: the storage
 * every parser shares, and Twilio's forms (messages, status callbacks,
 * voice). webhook_email.c parses the SendGrid and Mailgun JSON events.
 * Pure: no I/O and no clock; an event whose provider gives no time has
 * at = 0 (the engine uses the time it arrives).
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

#include "hark/core.h"
#include "hark/relay.h"
#include "webhook_int.h"

#define WH_MAX_MEDIA 1000          /* a form has at most 1000 params anyway */

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

void
wh_init(struct webhook_events *out)
{
	out->ev = NULL;
	out->n = 0;
	out->mem = xcalloc(1, sizeof(struct wh_mem));
}

void *
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

const char *
wh_str(struct webhook_events *w, const char *s)
{
	return s == NULL ? NULL : wh_keep(w, xstrdup(s));
}

/* Appends an event with nothing known yet; valid until the next append. */
struct provider_event *
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
int
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
