/*
 * bulk_run.c — feeding running bulk sends into the outbox (the owner's
 * watch timer calls bulk_run), and pausing, resuming and cancelling them.
 *
 * A recipient goes from pending to queued (its message written, with the
 * key bulk-ID-CONTACT) or skipped (opted out since the plan, no address,
 * a missing variable); quiet hours and caps hold its message in the outbox
 * like any automated send, so the thread says why it waits.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

#define BULK_WINDOW_MIN 4
#define BULK_WINDOW_UNPACED 64
#define BULK_FEED_MAX 64

/* Writes one recipient's message; the recipient row follows. */
static int
bulk_write(struct engine *e, const struct store_bulk *b, int64_t contact_id)
{
	struct store_template t;
	struct engine_rendered r;
	struct engine_draft d;
	int64_t id = 0;
	char *key, *cause = NULL;
	int rc;

	memset(&t, 0, sizeof t);
	memset(&r, 0, sizeof r);
	if (store_template_get(e->st, b->template, 0, &t, &cause) != 0 ||
	    engine_template_render(e->st, e->cfg, &t, contact_id, b->channel, NULL,
	    0, &r, &cause) != 0) {
		rc = store_bulk_recipient_set(e->st, b->id, contact_id, "skipped",
		    cause, 0, NULL);
		goto out;
	}
	memset(&d, 0, sizeof d);
	d.contact_id = contact_id;
	d.channel = b->channel;
	d.body = r.body;
	d.subject = r.subject;
	d.account = b->account;
	d.template_version_id = r.version_id;
	d.variant = r.variant;
	d.content_sid = b->channel == HARK_CH_WHATSAPP ? r.content_sid : NULL;
	key = xasprintf("bulk-%lld-%lld", (long long)b->id, (long long)contact_id);
	d.idempotency_key = key;
	if (engine_send(e, &d, &id, &cause) == 0)
		rc = store_bulk_recipient_set(e->st, b->id, contact_id, "queued", NULL,
		    id, NULL);
	else
		rc = store_bulk_recipient_set(e->st, b->id, contact_id, "skipped",
		    cause, 0, NULL);
	free(key);
out:
	free(cause);
	engine_rendered_clear(&r);
	store_template_clear(&t);
	return rc;
}

/* Tops up one running bulk's window in the outbox; marks it done at the end. */
static int
bulk_feed(void *arg, const struct store_bulk *b)
{
	struct engine *e = arg;
	struct provider *p = engine_provider_for(e, b->account, NULL, b->channel);
	int64_t ids[BULK_FEED_MAX];
	int window = BULK_WINDOW_UNPACED, out = 0, n = 0, i;

	/* About a second's worth ahead of the pace: what a pause lets drain. */
	if (p != NULL && p->env.acct->rate > 0)
		window = p->env.acct->rate + 1 > BULK_WINDOW_MIN ?
		    (int)(p->env.acct->rate + 1) : BULK_WINDOW_MIN;
	if (store_bulk_outstanding(e->st, b->id, &out, NULL) != 0 || out >= window)
		return 0;
	if (store_bulk_pending(e->st, b->id, window - out < BULK_FEED_MAX ?
	    window - out : BULK_FEED_MAX, ids, &n, NULL) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (bulk_write(e, b, ids[i]) != 0)
			return 0;
	}
	if (n == 0 && store_bulk_set_state(e->st, b->id, "done", NULL) == 0)
		engine_publish(e, "bulk-changed", 0, 0, "done");
	else if (n > 0)
		engine_publish(e, "bulk-changed", 0, 0, "progress");
	return 0;
}

void
bulk_run(struct engine *e)
{
	if (e->lock_fd < 0)
		return;
	store_bulks_each(e->st, "running", bulk_feed, e, NULL);
}

int
engine_bulk_control(struct store *st, int64_t id, const char *action, char **cause)
{
	struct store_bulk b;
	int rc = -1;

	memset(&b, 0, sizeof b);
	if (store_bulk_get(st, id, &b, cause) != 0)
		return -1;
	/* A done bulk may still have messages held for quiet hours: cancel
	 * withdraws them. */
	if (strcmp(b.state, "canceled") == 0 || (strcmp(b.state, "done") == 0 &&
	    strcmp(action, "cancel") != 0))
		set_cause(cause, "bulk send %lld is %s", (long long)id, b.state);
	else if (strcmp(action, "pause") == 0)
		rc = store_bulk_set_state(st, id, "paused", cause);
	else if (strcmp(action, "resume") == 0)
		rc = store_bulk_set_state(st, id, "running", cause);
	else if (strcmp(action, "cancel") == 0)
		rc = store_bulk_cancel(st, id, cause);
	else
		set_cause(cause, "unknown action '%s' (pause, resume, cancel)", action);
	store_bulk_clear(&b);
	return rc;
}

int
engine_bulk_finished(struct store *st, int64_t id)
{
	struct store_bulk_counts c;
	struct store_bulk b;
	int done;

	memset(&b, 0, sizeof b);
	if (store_bulk_get(st, id, &b, NULL) != 0)
		return 1;
	done = strcmp(b.state, "running") != 0;
	store_bulk_clear(&b);
	if (store_bulk_counts(st, id, &c, NULL) != 0)
		return 1;
	return done && c.outbox == 0;
}
