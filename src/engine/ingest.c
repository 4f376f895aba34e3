/*
 * ingest.c — what providers report, applied to the store: inbound messages
 * (deduplicated by provider id, opt-out keywords first), status changes of
 * sent messages, calls, and email events (opens, bounces, spam reports).
 *
 * The engine calls this for its own providers' polls; the relay calls it
 * for webhooks, many events to one transaction. Everything a client must
 * hear of goes to the events journal in the same transaction, so a client
 * that was closed catches up from the journal and misses nothing.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* Carrier-standard keywords, matched on the whole trimmed body. */
static const char *const optout_words[] = {
	"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"
};
static const char *const optin_words[] = { "START", "YES", "UNSTOP" };

enum keyword { KW_NONE, KW_OPTOUT, KW_OPTIN, KW_HELP };

static enum keyword
ingest_keyword(const char *body)
{
	char word[16];
	size_t n = 0, i;

	while (*body != '\0' && isspace((unsigned char)*body))
		body++;
	while (*body != '\0' && !isspace((unsigned char)*body) && *body != '.' &&
	    *body != '!') {
		if (n + 1 >= sizeof word)
			return KW_NONE;
		word[n++] = (char)toupper((unsigned char)*body++);
	}
	word[n] = '\0';
	while (*body != '\0' && (isspace((unsigned char)*body) || *body == '.' ||
	    *body == '!'))
		body++;
	if (*body != '\0' || n == 0)
		return KW_NONE;
	for (i = 0; i < HARK_NELEM(optout_words); i++)
		if (strcmp(word, optout_words[i]) == 0)
			return KW_OPTOUT;
	for (i = 0; i < HARK_NELEM(optin_words); i++)
		if (strcmp(word, optin_words[i]) == 0)
			return KW_OPTIN;
	return strcmp(word, "HELP") == 0 || strcmp(word, "INFO") == 0 ?
	    KW_HELP : KW_NONE;
}

/* Applies an opt-out, opt-in or help keyword for SMS and WhatsApp. */
static int
ingest_apply_keyword(struct store *st, const struct provider_event *ev,
    const char *from, int64_t contact_id, char **cause)
{
	enum keyword kw;
	const char *what;
	char *detail;
	int rc = 0;

	if (ev->channel != HARK_CH_SMS && ev->channel != HARK_CH_WHATSAPP)
		return 0;
	kw = ingest_keyword(ev->body ? ev->body : "");
	if (kw == KW_NONE)
		return 0;
	if (kw == KW_OPTOUT)
		rc = store_optout_set(st, ev->channel, from, "keyword", ev->body,
		    ev->at, cause);
	else if (kw == KW_OPTIN)
		rc = store_optout_clear(st, ev->channel, from, cause);
	if (rc != 0)
		return -1;
	what = kw == KW_OPTOUT ? "opt-out" : kw == KW_OPTIN ? "opt-in" : "help";
	detail = xasprintf("%s %s from %s", hark_channel_name(ev->channel), what,
	    from);
	rc = store_audit(st, "inbound", "keyword", detail, cause);
	free(detail);
	if (rc == 0)
		rc = store_event_append(st, "contact-changed", 0, contact_id, what,
		    NULL, cause);
	return rc;
}

/*
 * The contact a message comes from. A number known as someone's WhatsApp
 * that now sends an SMS (or the other way round) is the same person: it
 * joins their thread and gains the identity, rather than becoming a stranger.
 */
static int
ingest_contact(struct store *st, enum hark_channel ch, const char *from,
    const char *name, int64_t *contact_id, int *created, char **cause)
{
	enum store_id_kind kind = store_id_kind_for(ch), other;
	int rc;

	*created = 0;
	if (kind != STORE_ID_EMAIL) {
		other = kind == STORE_ID_PHONE ? STORE_ID_WHATSAPP : STORE_ID_PHONE;
		if ((rc = store_contact_by_address(st, kind, from, contact_id,
		    cause)) != 0)
			return rc == 1 ? 0 : -1;
		if ((rc = store_contact_by_address(st, other, from, contact_id,
		    cause)) == 1)
			return store_identity_add(st, *contact_id, kind, from, NULL,
			    cause);
		if (rc < 0)
			return -1;
	}
	return store_contact_ensure(st, kind, from, name, contact_id, created,
	    cause);
}

static int
ingest_media(struct store *st, int64_t message_id, const struct provider_event *ev,
    char **cause)
{
	struct store_attachment a;
	int i;

	for (i = 0; i < ev->nmedia; i++) {
		memset(&a, 0, sizeof a);
		a.message_id = message_id;
		a.content_type = (char *)ev->media[i].content_type;
		a.url = (char *)ev->media[i].url;
		a.size = -1;
		if (store_attachment_add(st, &a, NULL, cause) != 0)
			return -1;
	}
	return 0;
}

static int
ingest_message(struct store *st, const struct config *cfg,
    const struct provider_event *ev, char **cause)
{
	struct store_message m;
	char *from, *why = NULL;
	int64_t contact_id = 0, id = 0;
	int created = 0, rc;

	from = addr_normalize(ev->channel, ev->from, cfg->default_region, &why);
	if (from == NULL)
		from = xstrdup(ev->from ? ev->from : "unknown");
	free(why);
	if (ingest_contact(st, ev->channel, from, ev->profile_name, &contact_id,
	    &created, cause) != 0) {
		free(from);
		return -1;
	}
	memset(&m, 0, sizeof m);
	m.contact_id = contact_id;
	m.channel = ev->channel;
	m.direction = HARK_DIR_IN;
	m.provider = (char *)ev->provider;
	m.provider_id = (char *)ev->provider_id;
	m.from_addr = from;
	m.to_addr = (char *)(ev->to ? ev->to : "");
	m.subject = (char *)ev->subject;
	m.body = (char *)(ev->body ? ev->body : "");
	m.status = HARK_ST_RECEIVED;
	m.created_at = ev->at > 0 ? ev->at : hark_now_ms();
	m.message_id = (char *)ev->message_id;
	m.in_reply_to = (char *)ev->in_reply_to;
	m.refs = (char *)ev->refs;
	m.seen = 0;
	rc = store_message_insert(st, &m, &id, cause);
	/* A duplicate (provider retry) changes nothing, keyword included. */
	if (rc == 1 && (ingest_media(st, id, ev, cause) != 0 ||
	    ingest_apply_keyword(st, ev, from, contact_id, cause) != 0 ||
	    (created && store_event_append(st, "contact-changed", 0, contact_id,
	    "created", NULL, cause) != 0) ||
	    store_event_append(st, "message-added", id, contact_id, "inbound",
	    NULL, cause) != 0))
		rc = -1;
	free(from);
	return rc;
}

/* The message an event is about: by provider id, else by our own id echoed
 * back (email providers' custom args). 1 found, 0 not, -1. */
static int
ingest_find(struct store *st, const struct provider_event *ev,
    struct store_message *m, char **cause)
{
	int64_t id = 0;
	int rc = 0;

	if (ev->provider_id != NULL)
		rc = store_message_by_provider_id(st, ev->provider, ev->provider_id,
		    &id, cause);
	if (rc == 0 && ev->hark_id > 0)
		id = ev->hark_id, rc = 1;
	if (rc != 1)
		return rc;
	memset(m, 0, sizeof *m);
	if (store_message_get(st, id, m, cause) != 0)
		return -1;
	/* An echoed id must be ours on that provider, not any message. */
	if (strcmp(m->provider, ev->provider) != 0) {
		store_message_clear(m);
		return 0;
	}
	return 1;
}

/* Opt-outs a provider reports: error 21610, spam reports, unsubscribes. */
static int
ingest_provider_optout(struct store *st, const struct store_message *m,
    const struct provider_event *ev, char **cause)
{
	const char *source = NULL, *reason = NULL;

	if (ev->optout != NULL) {
		source = ev->optout;
		reason = ev->detail;
	} else if (ev->error_code != NULL && strcmp(ev->error_code, "21610") == 0) {
		source = "provider";
		reason = ev->error_text ? ev->error_text : "recipient unsubscribed (21610)";
	}
	if (source == NULL || m->direction != HARK_DIR_OUT)
		return 0;
	if (store_optout_set(st, m->channel, m->to_addr, source, reason,
	    ev->at, cause) != 0)
		return -1;
	return store_event_append(st, "contact-changed", 0, m->contact_id,
	    "opt-out", NULL, cause);
}

static int
ingest_status(struct store *st, const struct provider_event *ev, char **cause)
{
	struct store_message m;
	int rc, changed = 0;

	if ((rc = ingest_find(st, ev, &m, cause)) != 1)
		return rc;
	if (ev->optout == NULL || ev->status != HARK_ST_QUEUED) {
		rc = store_message_set_status(st, m.id, ev->status, ev->error_code,
		    ev->error_text, ev->at > 0 ? ev->at : hark_now_ms(), cause);
		if (rc < 0)
			goto out;
		changed = rc;
	}
	if (ev->has_price && (!m.has_price || m.price.micros != ev->price.micros ||
	    m.segments != ev->segments)) {
		if (store_message_set_accepted(st, m.id, m.provider_id ?
		    m.provider_id : ev->provider_id, &ev->price, ev->segments,
		    cause) != 0) {
			rc = -1;
			goto out;
		}
		changed = 1;
	}
	if (ingest_provider_optout(st, &m, ev, cause) != 0) {
		rc = -1;
		goto out;
	}
	if (ev->optout != NULL)
		changed = 1;
	/* Each open, click and deferral of an email is a fact for the
	 * journal, also when the message's status stays (read, sent). */
	if (ev->detail != NULL && ev->channel == HARK_CH_EMAIL)
		changed = 1;
	rc = changed;
	if (changed && store_event_append(st, "status-changed", m.id, m.contact_id,
	    ev->detail ? ev->detail : hark_status_name(ev->status), NULL,
	    cause) != 0)
		rc = -1;
out:
	store_message_clear(&m);
	return rc;
}

/* The message status a call's status stands for. */
static enum hark_status
ingest_call_status(const char *s, const char **error)
{
	*error = NULL;
	if (s == NULL || strcmp(s, "queued") == 0 || strcmp(s, "initiated") == 0)
		return HARK_ST_QUEUED;
	if (strcmp(s, "ringing") == 0)
		return HARK_ST_SENDING;
	if (strcmp(s, "in-progress") == 0 || strcmp(s, "answered") == 0)
		return HARK_ST_SENT;
	if (strcmp(s, "completed") == 0)
		return HARK_ST_DELIVERED;
	if (strcmp(s, "canceled") == 0)
		return HARK_ST_CANCELED;
	*error = strcmp(s, "busy") == 0 ? "busy" : strcmp(s, "no-answer") == 0 ?
	    "no answer" : "call failed";
	return HARK_ST_FAILED;
}

/* A call the contact made to us: a new voice message. */
static int
ingest_call_inbound(struct store *st, const struct config *cfg,
    const struct provider_event *ev, int64_t *id, int64_t *contact_id,
    char **cause)
{
	struct store_message m;
	char *from, *why = NULL;
	int created = 0, rc;

	from = addr_normalize(HARK_CH_SMS, ev->from, cfg->default_region, &why);
	if (from == NULL)
		from = xstrdup(ev->from ? ev->from : "unknown");
	free(why);
	if (ingest_contact(st, HARK_CH_SMS, from, NULL, contact_id, &created,
	    cause) != 0) {
		free(from);
		return -1;
	}
	memset(&m, 0, sizeof m);
	m.contact_id = *contact_id;
	m.channel = HARK_CH_VOICE;
	m.direction = HARK_DIR_IN;
	m.provider = (char *)ev->provider;
	m.provider_id = (char *)ev->provider_id;
	m.from_addr = from;
	m.to_addr = (char *)(ev->to ? ev->to : "");
	m.body = "Incoming call";
	m.status = HARK_ST_RECEIVED;
	m.created_at = ev->at > 0 ? ev->at : hark_now_ms();
	m.seen = 0;
	rc = store_message_insert(st, &m, id, cause);
	if (rc == 1 && created && store_event_append(st, "contact-changed", 0,
	    *contact_id, "created", NULL, cause) != 0)
		rc = -1;
	free(from);
	return rc < 0 ? -1 : 0;
}

static int
ingest_call(struct store *st, const struct config *cfg,
    const struct provider_event *ev, char **cause)
{
	struct store_message m;
	const char *error;
	enum hark_status status;
	int64_t id = 0, contact_id = 0;
	int rc, bridged, changed;

	rc = ingest_find(st, ev, &m, cause);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		id = m.id;
		contact_id = m.contact_id;
		store_message_clear(&m);
	} else if (ev->inbound_call) {
		if (ingest_call_inbound(st, cfg, ev, &id, &contact_id, cause) != 0)
			return -1;
	} else {
		return 0; /* the other leg of a bridge, or a call hark did not place */
	}
	bridged = ev->detail != NULL && strcmp(ev->detail, "dial") == 0;
	rc = store_call_update(st, id, ev->call_status, ev->duration_s,
	    ev->recording_url, bridged, cause);
	if (rc < 0)
		return -1;
	changed = rc;
	if (rc == 1 || bridged) {
		status = ingest_call_status(ev->call_status, &error);
		/* Only the contact's leg decides how a bridged call went. */
		if ((rc = store_message_set_status(st, id, status, NULL, error,
		    ev->at > 0 ? ev->at : hark_now_ms(), cause)) < 0)
			return -1;
		changed |= rc;
	}
	if (ev->has_price) {
		if (store_message_set_accepted(st, id, ev->provider_id, &ev->price, 0,
		    cause) != 0)
			return -1;
		changed = 1;
	}
	if (changed && store_event_append(st, "call-changed", id, contact_id,
	    ev->call_status, NULL, cause) != 0)
		return -1;
	return changed;
}

int
engine_ingest(struct store *st, const struct config *cfg,
    const struct provider_event *ev, char **cause)
{
	int rc;

	if (ev->provider == NULL || (ev->provider_id == NULL && ev->hark_id <= 0)) {
		set_cause(cause, "event without a provider id");
		return -1;
	}
	if (store_savepoint(st, cause) != 0)
		return -1;
	switch (ev->type) {
	case PROVIDER_EV_INBOUND:
		rc = ev->provider_id == NULL ? (set_cause(cause,
		    "inbound message without a provider id"), -1) :
		    ev->channel == HARK_CH_EMAIL ? mail_ingest(st, cfg, ev, cause) :
		    ingest_message(st, cfg, ev, cause);
		break;
	case PROVIDER_EV_STATUS:
		rc = ingest_status(st, ev, cause);
		break;
	case PROVIDER_EV_CALL:
		rc = ingest_call(st, cfg, ev, cause);
		break;
	default:
		set_cause(cause, "unknown event type %d", (int)ev->type);
		rc = -1;
		break;
	}
	if (rc < 0) {
		store_savepoint_rollback(st);
		return -1;
	}
	if (store_savepoint_release(st, cause) != 0) {
		store_savepoint_rollback(st);
		return -1;
	}
	return rc;
}
