/*
 * fallback.c — fallback routing: when a message fails for good (the
 * provider's permanent refusal, retries given up, undelivered) or is still
 * not delivered `fallback_after` seconds after it went, the outbox owner
 * sends it again on the contact's next channel in their fallback order,
 * linked to it (messages.fallback_of), so the thread shows the chain.
 *
 * Only messages whose contact has a fallback order with a channel left to
 * try are watched (route_watch, written with the message). Each channel is
 * used at most once along a chain, so a chain ends; the fallback's
 * idempotency key is the failed message's id and the new channel, so a
 * restart or a second owner never sends it twice.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

#define FALLBACK_MAX_CHAIN 8

static int fallback_order(const char *s, enum hark_channel *out);
static int fallback_next(struct engine *e, const struct store_message *m,
    const struct store_prefs *p, enum hark_channel *out, int max);
static void fallback_send(struct engine *e, const struct store_message *m);
static int fallback_one(void *arg, int64_t id, int64_t due);

/* "sms,whatsapp,email" into channels; how many. */
static int
fallback_order(const char *s, enum hark_channel *out)
{
	char *copy, *w, *save = NULL;
	int n = 0;

	if (s == NULL)
		return 0;
	copy = xstrdup(s);
	for (w = strtok_r(copy, ", ", &save); w != NULL && n < HARK_CH__COUNT;
	    w = strtok_r(NULL, ", ", &save)) {
		if (hark_channel_parse(w, &out[n]) == 0 && out[n] != HARK_CH_VOICE)
			n++;
	}
	free(copy);
	return n;
}

/* The channels still to try after m, in order, none used by its chain. */
static int
fallback_next(struct engine *e, const struct store_message *m,
    const struct store_prefs *p, enum hark_channel *out, int max)
{
	enum hark_channel order[HARK_CH__COUNT];
	struct store_message prev;
	unsigned used = 1u << m->channel;
	int64_t at = m->id, of;
	int n, i, pos = -1, k = 0, depth;

	n = fallback_order(p->fallback, order);
	for (depth = 0; depth < FALLBACK_MAX_CHAIN &&
	    store_message_fallback_of(e->st, at, &of, NULL) == 1; depth++) {
		memset(&prev, 0, sizeof prev);
		if (store_message_get(e->st, of, &prev, NULL) != 0)
			break;
		used |= 1u << prev.channel;
		store_message_clear(&prev);
		at = of;
	}
	for (i = 0; i < n; i++) {
		if (order[i] == m->channel)
			pos = i;
	}
	for (i = pos + 1; i < n && k < max; i++) {
		if (!(used & (1u << order[i])))
			out[k++] = order[i];
	}
	return k;
}

int
fallback_watch_new(struct engine *e, int64_t id, int64_t contact_id,
    enum hark_channel ch, int64_t run_at, char **cause)
{
	struct store_message m;
	struct store_prefs p;
	enum hark_channel next[HARK_CH__COUNT];
	int64_t due = INT64_MAX;
	int n = 0;

	if (ch == HARK_CH_VOICE || contact_id <= 0 ||
	    store_prefs_get(e->st, contact_id, &p, NULL) != 1)
		return 0;
	if (p.fallback != NULL) {
		memset(&m, 0, sizeof m);
		m.id = id;
		m.channel = ch;
		n = fallback_next(e, &m, &p, next, HARK_CH__COUNT);
	}
	store_prefs_clear(&p);
	if (n == 0)
		return 0;
	if (e->cfg->fallback_after_s > 0)
		due = run_at + (int64_t)e->cfg->fallback_after_s * 1000;
	return store_watch_set(e->st, id, due, cause);
}

/*
 * A message rendered from a template is rendered again from the same
 * version for the new channel (its email subject and text, say); 1 with r
 * filled, 0 when m used no template (or it cannot be rendered: the same
 * text then goes).
 */
static int
fallback_render(struct engine *e, const struct store_message *m,
    enum hark_channel ch, struct engine_rendered *r)
{
	struct store_template t;
	int64_t version = 0;
	char *variant = NULL;
	int ok = 0;

	memset(&t, 0, sizeof t);
	memset(r, 0, sizeof *r);
	if (store_message_template_get(e->st, m->id, &version, &variant, NULL) == 1 &&
	    store_template_get_version(e->st, version, &t, NULL) == 0 &&
	    engine_template_render(e->st, e->cfg, &t, m->contact_id, ch, NULL, 0,
	    r, NULL) == 0)
		ok = 1;
	else
		engine_rendered_clear(r);
	free(variant);
	store_template_clear(&t);
	return ok;
}

/* Sends m again on the first next channel that takes it. */
static void
fallback_send(struct engine *e, const struct store_message *m)
{
	enum hark_channel next[HARK_CH__COUNT];
	struct engine_rendered r;
	struct engine_draft d;
	struct store_prefs p;
	char *key, *cause = NULL;
	int64_t nid = 0;
	int n, i, rendered, rc;

	if (store_prefs_get(e->st, m->contact_id, &p, NULL) != 1)
		return;
	n = fallback_next(e, m, &p, next, HARK_CH__COUNT);
	store_prefs_clear(&p);
	for (i = 0; i < n; i++) {
		memset(&d, 0, sizeof d);
		d.contact_id = m->contact_id;
		d.channel = next[i];
		d.body = m->body;
		d.subject = m->subject;
		if ((rendered = fallback_render(e, m, next[i], &r))) {
			d.body = r.body;
			d.subject = r.subject;
			d.template_version_id = r.version_id;
			d.variant = r.variant;
		}
		d.flags = ENGINE_SEND_FALLBACK;
		d.actor = "fallback";
		key = xasprintf("fallback-%lld-%s", (long long)m->id,
		    hark_channel_name(next[i]));
		d.idempotency_key = key;
		rc = engine_send(e, &d, &nid, &cause);
		if (rendered)
			engine_rendered_clear(&r);
		if (rc == 0) {
			free(key);
			if (store_message_fallback_set(e->st, nid, m->id, NULL) == 0)
				engine_publish(e, "message-added", nid, m->contact_id,
				    "fallback");
			return;
		}
		/* No address for it, opted out there: the next one. */
		engine_publish(e, "provider-error", m->id, m->contact_id, cause);
		free(cause);
		cause = NULL;
		free(key);
	}
}

static int
fallback_one(void *arg, int64_t id, int64_t due)
{
	struct engine *e = arg;
	struct store_message m;
	struct store_job j;
	int64_t now = hark_now_ms();

	memset(&m, 0, sizeof m);
	if (store_message_get(e->st, id, &m, NULL) != 0) {
		store_watch_set(e->st, id, 0, NULL);
		return 0;
	}
	switch (m.status) {
	case HARK_ST_FAILED:
	case HARK_ST_UNDELIVERED:
		fallback_send(e, &m);
		break;
	case HARK_ST_SENDING:
	case HARK_ST_SENT:
	case HARK_ST_UNCERTAIN:
		if (due <= now)
			fallback_send(e, &m);
		break;
	case HARK_ST_QUEUED:
	case HARK_ST_SCHEDULED:
		/* Held or scheduled: the time counts from when it goes. */
		memset(&j, 0, sizeof j);
		if (store_job_get_by_message(e->st, id, &j, NULL) == 0) {
			store_watch_set(e->st, id, (j.run_at > now ? j.run_at : now) +
			    (int64_t)e->cfg->fallback_after_s * 1000, NULL);
			store_job_clear(&j);
		}
		store_message_clear(&m);
		return 0;
	default:
		break;
	}
	store_watch_set(e->st, id, 0, NULL);
	store_message_clear(&m);
	return 0;
}

/* The owner's look at the watch list (every second or so). */
void
fallback_run(struct engine *e)
{
	if (e->lock_fd < 0)
		return;
	store_watch_each(e->st, hark_now_ms(), 64, fallback_one, e, NULL);
}

/* "↪ sent by email after SMS failed: landline (30006)" for a fallback
 * message, newly allocated; NULL when id is not one. */
char *
engine_fallback_note(struct store *st, int64_t id)
{
	struct store_message m, f;
	int64_t of;
	char *s, *why;

	if (store_message_fallback_of(st, id, &of, NULL) != 1)
		return NULL;
	memset(&m, 0, sizeof m);
	memset(&f, 0, sizeof f);
	if (store_message_get(st, of, &m, NULL) != 0 ||
	    store_message_get(st, id, &f, NULL) != 0) {
		store_message_clear(&m);
		return NULL;
	}
	if (m.error_text != NULL && m.error_code != NULL)
		why = xasprintf(": %s (%s)", m.error_text, m.error_code);
	else if (m.error_text != NULL || m.error_code != NULL)
		why = xasprintf(": %s", m.error_text ? m.error_text : m.error_code);
	else
		why = xstrdup("");
	s = xasprintf("↪ sent by %s after %s %s%s", hark_channel_name(f.channel),
	    hark_channel_name(m.channel), m.status == HARK_ST_FAILED ||
	    m.status == HARK_ST_UNDELIVERED ? hark_status_name(m.status) :
	    "was not delivered in time", why);
	free(why);
	store_message_clear(&m);
	store_message_clear(&f);
	return s;
}
