/*
 * inbound.c — what providers report: inbound messages (deduplicated by
 * provider id, opt-out keywords first) and status changes of sent messages.
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
inbound_keyword(const char *body)
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

/* Applies an opt-out or opt-in keyword for SMS and WhatsApp. */
static int
inbound_apply_keyword(struct engine *e, const struct provider_event *ev,
    const char *from, int64_t contact_id)
{
	enum keyword kw;
	char *detail;
	int rc = 0;

	if (ev->channel != HARK_CH_SMS && ev->channel != HARK_CH_WHATSAPP)
		return 0;
	kw = inbound_keyword(ev->body ? ev->body : "");
	if (kw == KW_OPTOUT)
		rc = store_optout_set(e->st, ev->channel, from, "keyword", ev->body,
		    ev->at, NULL);
	else if (kw == KW_OPTIN)
		rc = store_optout_clear(e->st, ev->channel, from, NULL);
	if (rc == 0 && kw != KW_NONE) {
		detail = xasprintf("%s %s from %s", hark_channel_name(ev->channel),
		    kw == KW_OPTOUT ? "opt-out" : kw == KW_OPTIN ? "opt-in" : "help",
		    from);
		rc = store_audit(e->st, "inbound", "keyword", detail, NULL);
		free(detail);
	}
	(void)contact_id;
	return rc;
}

/*
 * The contact a message comes from. A number known as someone's WhatsApp
 * that now sends an SMS (or the other way round) is the same person: it
 * joins their thread and gains the identity, rather than becoming a stranger.
 */
static int
inbound_contact(struct engine *e, enum hark_channel ch, const char *from,
    int64_t *contact_id, int *created)
{
	enum store_id_kind kind = store_id_kind_for(ch), other;

	*created = 0;
	if (kind != STORE_ID_EMAIL) {
		other = kind == STORE_ID_PHONE ? STORE_ID_WHATSAPP : STORE_ID_PHONE;
		if (store_contact_by_address(e->st, kind, from, contact_id, NULL) == 1)
			return 0;
		if (store_contact_by_address(e->st, other, from, contact_id, NULL) == 1)
			return store_identity_add(e->st, *contact_id, kind, from, NULL,
			    NULL);
	}
	return store_contact_ensure(e->st, kind, from, NULL, contact_id, created,
	    NULL);
}

static void
inbound_message(struct engine *e, const struct provider_event *ev)
{
	struct store_message m;
	char *from, *cause = NULL;
	int64_t contact_id = 0, id = 0;
	int created = 0, rc = -1;

	from = addr_normalize(ev->channel, ev->from, e->cfg->default_region, &cause);
	if (from == NULL)
		from = xstrdup(ev->from ? ev->from : "unknown");
	free(cause);
	if (store_begin(e->st, NULL) != 0) {
		free(from);
		return;
	}
	if (inbound_contact(e, ev->channel, from, &contact_id, &created) == 0) {
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
		rc = store_message_insert(e->st, &m, &id, NULL);
		/* A duplicate (provider retry) changes nothing, keyword included. */
		if (rc == 1 && inbound_apply_keyword(e, ev, from, contact_id) != 0)
			rc = -1;
	}
	if (rc < 0 || store_commit(e->st, NULL) != 0) {
		store_rollback(e->st);
		rc = -1;
	}
	free(from);
	if (rc == 1) {
		if (created)
			engine_publish(e, "contact-changed", 0, contact_id, "created");
		engine_publish(e, "message-added", id, contact_id, "inbound");
	}
}

static void
inbound_status(struct engine *e, const struct provider_event *ev)
{
	struct store_message m;
	int64_t id;
	int rc;

	if (store_message_by_provider_id(e->st, ev->provider, ev->provider_id, &id,
	    NULL) != 1)
		return;
	if (store_begin(e->st, NULL) != 0)
		return;
	rc = store_message_set_status(e->st, id, ev->status, ev->error_code,
	    ev->error_text, ev->at > 0 ? ev->at : hark_now_ms(), NULL);
	if (rc >= 0 && ev->has_price && store_message_set_accepted(e->st, id,
	    ev->provider_id, &ev->price, ev->segments, NULL) != 0)
		rc = -1;
	if (rc < 0 || store_commit(e->st, NULL) != 0) {
		store_rollback(e->st);
		return;
	}
	if (rc == 1) {
		memset(&m, 0, sizeof m);
		if (store_message_get(e->st, id, &m, NULL) == 0) {
			engine_publish(e, "status-changed", id, m.contact_id,
			    hark_status_name(ev->status));
			store_message_clear(&m);
		}
	}
}

void
inbound_event(void *arg, const struct provider_event *ev)
{
	struct engine *e = arg;

	if (ev->provider == NULL || ev->provider_id == NULL)
		return;
	if (ev->type == PROVIDER_EV_INBOUND)
		inbound_message(e, ev);
	else
		inbound_status(e, ev);
}
