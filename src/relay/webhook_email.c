/*
 * webhook_email.c — the email providers' webhooks turned into provider
 * events: SendGrid's array of events and Mailgun's one event, both JSON.
 * Pure, like webhook.c, whose storage they use: every string an event
 * points to is a copy kept there, so the JSON may be freed at once.
 */

#include <string.h>

#include <cjson/cJSON.h>

#include "hark/core.h"
#include "hark/relay.h"
#include "webhook_int.h"

#define WH_MAX_EPOCH_S 1e11        /* year 5138: beyond it a timestamp is junk */
#define WH_MAX_HARK_ID 9007199254740992.0 /* 2^53: exact in a JSON number */

static int64_t json_hark_id(const cJSON *v);
static int json_str(const cJSON *obj, const char *key, const char **out);
static int json_time(const cJSON *obj, const char *key, int64_t *out);
static int sendgrid_event(struct webhook_events *w, const cJSON *item, int idx,
    char **cause);
static int mailgun_failed(struct webhook_events *w, const cJSON *ed,
    struct provider_event *e, char **cause);
static int mailgun_fill(struct webhook_events *w, const cJSON *ed,
    const char *event, struct provider_event *e, char **cause);

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
