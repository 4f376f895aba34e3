/*
 * engine.c — the engine's life: providers per account, the outbox lock,
 * provider polling, and the event bus that tells clients what changed.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "engine_int.h"

#define ENGINE_SANDBOX_POLL_MS 500
#define ENGINE_LOCK_RETRY_MS 5000
/* How soon the owner sees jobs other processes (hark send) queue. */
#define ENGINE_OUTBOX_WATCH_MS 250

static void engine_poll_fire(uv_timer_t *t);
static void engine_lock_fire(uv_timer_t *t);
static void engine_watch_fire(uv_timer_t *t);
static void engine_relay_wake(void *arg, int connected);

uint64_t
engine_rand(struct engine *e)
{
	e->rng ^= e->rng >> 12;
	e->rng ^= e->rng << 25;
	e->rng ^= e->rng >> 27;
	return e->rng * 0x2545F4914F6CDD1DULL;
}

/* Appends an event to the journal and tells every subscriber. Runs after
 * the change it describes was committed (or inside the same transaction,
 * in which case subscribers hear of it before the commit: callers publish
 * after committing). */
void
engine_publish(struct engine *e, const char *kind, int64_t message_id,
    int64_t contact_id, const char *payload)
{
	struct store_event ev;
	int64_t id = 0;
	int i;

	if (store_event_append(e->st, kind, message_id, contact_id, payload, &id,
	    NULL) != 0)
		id = 0;
	memset(&ev, 0, sizeof ev);
	ev.id = id;
	ev.at = hark_now_ms();
	ev.kind = kind;
	ev.message_id = message_id;
	ev.contact_id = contact_id;
	ev.payload = payload;
	for (i = 0; i < e->nsubs; i++)
		e->subs[i].cb(e->subs[i].arg, &ev);
}

void
engine_subscribe(struct engine *e, engine_event_cb cb, void *arg)
{
	e->subs = xreallocarray(e->subs, (size_t)e->nsubs + 1, sizeof *e->subs);
	e->subs[e->nsubs].cb = cb;
	e->subs[e->nsubs].arg = arg;
	e->nsubs++;
}

/*
 * The provider that sends on ch: the named account, else one whose provider
 * is provider_name (when resending a stored message), else the first account
 * that offers the channel, in the order of the configuration file.
 */
struct provider *
engine_provider_for(struct engine *e, const char *account,
    const char *provider_name, enum hark_channel ch)
{
	struct provider *p;
	int i;

	for (i = 0; i < e->nprovs; i++) {
		p = e->provs[i];
		if (p == NULL || !provider_has_channel(p, ch))
			continue;
		if (account != NULL && strcmp(p->account, account) != 0)
			continue;
		if (provider_name != NULL && strcmp(p->ops->name, provider_name) != 0)
			continue;
		return p;
	}
	return NULL;
}

static int
engine_open_providers(struct engine *e, char **cause)
{
	struct provider_env env;
	int i;

	e->nprovs = e->cfg->naccounts;
	e->provs = xcalloc((size_t)(e->nprovs ? e->nprovs : 1), sizeof *e->provs);
	for (i = 0; i < e->nprovs; i++) {
		memset(&env, 0, sizeof env);
		env.loop = e->loop;
		env.net = e->net;
		env.cfg = e->cfg;
		env.acct = &e->cfg->accounts[i];
		env.state_dir = e->state_dir;
		env.on_event = inbound_event;
		env.on_progress = sync_progress;
		env.on_batch = inbound_batch;
		env.event_arg = e;
		e->provs[i] = provider_new(&env, cause);
		if (e->provs[i] == NULL)
			return -1;
		if (strcmp(e->provs[i]->ops->name, "sandbox") == 0 &&
		    e->poll_ms > ENGINE_SANDBOX_POLL_MS)
			e->poll_ms = ENGINE_SANDBOX_POLL_MS;
	}
	return 0;
}

/* Becomes the outbox owner: reconcile what a crash left, then run and poll. */
static void
engine_become_owner(struct engine *e)
{
	uv_timer_stop(&e->lock_timer);
	outbox_reconcile(e);
	uv_timer_start(&e->poll_timer, engine_poll_fire, 0, (uint64_t)e->poll_ms);
	uv_timer_start(&e->watch_timer, engine_watch_fire, ENGINE_OUTBOX_WATCH_MS,
	    ENGINE_OUTBOX_WATCH_MS);
	if (e->run_rules && e->rules == NULL)
		e->rules = rules_run_new(e);
	outbox_kick(e);
}

/*
 * Other processes queue jobs in the outbox we own (hark send while the
 * daemon runs): look for due ones often, whatever the provider poll
 * interval. One indexed query.
 */
static void
engine_watch_fire(uv_timer_t *t)
{
	struct engine *e = t->data;
	int64_t at;

	if (e->inflight < e->max_inflight &&
	    store_job_next_due(e->st, &at, NULL) == 1 && at <= hark_now_ms())
		outbox_kick(e);
	/* Bulk sends are fed at the account's pace; failed messages fall back. */
	bulk_run(e);
	if (++e->watch_ticks % 2 == 0)
		fallback_run(e);
}

static int
engine_try_lock(struct engine *e, char **cause)
{
	int rc = engine_lock_take(e->lock_path, &e->lock_fd, cause);

	if (rc == 1)
		engine_become_owner(e);
	return rc;
}

static void
engine_lock_fire(uv_timer_t *t)
{
	struct engine *e = t->data;

	if (engine_try_lock(e, NULL) == 1)
		engine_publish(e, "outbox-owner", 0, 0, NULL);
}

int
engine_new(const struct engine_opts *o, struct engine **out, char **cause)
{
	struct engine *e = xcalloc(1, sizeof *e);
	const char *db = store_path(o->st);
	char *dir;

	e->loop = o->loop;
	e->st = o->st;
	e->cfg = o->cfg;
	e->lock_fd = -1;
	e->take_outbox = o->take_outbox;
	e->max_inflight = o->max_inflight > 0 ? o->max_inflight : 8;
	e->retry = o->retry;
	e->unanswered_ms = o->unanswered_ms > 0 ? o->unanswered_ms : 60000;
	e->run_rules = o->rules;
	if (e->retry.base_ms <= 0)
		e->retry.base_ms = 1000;
	if (e->retry.cap_ms <= 0)
		e->retry.cap_ms = 300000;
	if (e->retry.max_attempts <= 0)
		e->retry.max_attempts = 8;
	e->poll_ms = o->poll_ms > 0 ? o->poll_ms : o->cfg->poll_interval_s * 1000;
	if (e->poll_ms <= 0)
		e->poll_ms = 60000;
	if (getrandom(&e->rng, sizeof e->rng, 0) != (ssize_t)sizeof e->rng)
		e->rng = (uint64_t)hark_now_ms() ^ (uint64_t)getpid();
	e->rng |= 1;
	if (o->state_dir != NULL)
		e->state_dir = xstrdup(o->state_dir);
	else {
		dir = xstrdup(db);
		if (strrchr(dir, '/') != NULL)
			*strrchr(dir, '/') = '\0';
		else
			strcpy(dir, ".");
		e->state_dir = dir;
	}
	e->lock_path = xasprintf("%s.lock", db);
	uv_timer_init(e->loop, &e->outbox_timer);
	uv_timer_init(e->loop, &e->poll_timer);
	uv_timer_init(e->loop, &e->lock_timer);
	uv_timer_init(e->loop, &e->watch_timer);
	e->outbox_timer.data = e->poll_timer.data = e->lock_timer.data = e;
	e->watch_timer.data = e;
	if (net_new(e->loop, &e->net, cause) != 0 ||
	    engine_open_providers(e, cause) != 0) {
		engine_free(e);
		return -1;
	}
	e->told_id = store_events_last_id(e->st);
	if (!o->no_relay) {
		if (o->cfg->relay_socket != NULL)
			dir = hark_expand_home(o->cfg->relay_socket);
		else {
			char *rt = hark_runtime_dir();

			dir = xasprintf("%s/events.sock", rt);
			free(rt);
		}
		e->relay = relay_client_new(e->loop, dir, engine_relay_wake, e);
		free(dir);
	}
	if (e->take_outbox) {
		switch (engine_try_lock(e, cause)) {
		case -1:
			engine_free(e);
			return -1;
		case 0:
			uv_timer_start(&e->lock_timer, engine_lock_fire,
			    ENGINE_LOCK_RETRY_MS, ENGINE_LOCK_RETRY_MS);
			break;
		}
	}
	*out = e;
	return 0;
}

static void
engine_free_cb(uv_handle_t *h)
{
	struct engine *e = h->data;

	/* libuv runs close callbacks in no promised order: free after the last. */
	if (--e->closing == 0)
		free(e);
}

void
engine_free(struct engine *e)
{
	struct outbox_op *op, *next;
	int i;

	if (e == NULL)
		return;
	rules_run_free(e->rules);
	relay_client_free(e->relay);
	for (i = 0; i < e->nprovs; i++)
		provider_free(e->provs[i]);
	free(e->provs);
	engine_price_free_all(e);
	/* Providers are closed: no callback can reach these any more. */
	for (op = e->ops; op != NULL; op = next) {
		next = op->next;
		free(op);
	}
	net_free(e->net);
	engine_lock_release(e->lock_fd);
	free(e->subs);
	free(e->state_dir);
	free(e->lock_path);
	e->closing = 4;
	uv_close((uv_handle_t *)&e->watch_timer, engine_free_cb);
	uv_close((uv_handle_t *)&e->outbox_timer, engine_free_cb);
	uv_close((uv_handle_t *)&e->poll_timer, engine_free_cb);
	uv_close((uv_handle_t *)&e->lock_timer, engine_free_cb);
}

/* A line from the relay: tell subscribers what the journal gained. */
static void
engine_relay_wake(void *arg, int connected)
{
	struct engine *e = arg;
	int64_t last = store_events_last_id(e->st);

	struct store_event ev;
	int i;

	if (connected != e->relay_up) {
		/* Not journal news: only this process's screen shows it. */
		e->relay_up = connected;
		memset(&ev, 0, sizeof ev);
		ev.at = hark_now_ms();
		ev.kind = "relay-state";
		ev.payload = connected ? "up" : "down";
		for (i = 0; i < e->nsubs; i++)
			e->subs[i].cb(e->subs[i].arg, &ev);
	}
	if (last > e->told_id) {
		engine_tell_since(e, e->told_id);
		e->told_id = last;
	}
}

int
engine_relay_connected(struct engine *e)
{
	return e->relay_up;
}

int
engine_owns_outbox(struct engine *e)
{
	return e->lock_fd >= 0;
}

/* ---- polling ------------------------------------------------------------------------ */

static void
engine_poll_done(void *arg, const char *error)
{
	struct engine *e = arg;

	e->polls_running--;
	if (error != NULL)
		engine_publish(e, "provider-error", 0, 0, error);
	if (e->polls_running == 0)
		sync_progress_end(e);
}

void
engine_poll_now(struct engine *e)
{
	struct provider *p;
	int i;

	/* Statuses of sends a crash left in flight must be known first. */
	if (e->reconciling > 0 || e->polls_running > 0)
		return;
	e->poll_ticks++;
	for (i = 0; i < e->nprovs; i++) {
		p = e->provs[i];
		if (p == NULL || (p->caps & PROVIDER_CAP_POLL) == 0)
			continue;
		/* With the relay up, webhooks bring the news: poll as a safety net. */
		if ((p->caps & PROVIDER_CAP_PUSH) && e->relay_up && e->poll_ticks % 10 != 1)
			continue;
		if (p->ops->poll(p, engine_poll_done, e, NULL) == 0)
			e->polls_running++;
	}
}

static void
engine_poll_fire(uv_timer_t *t)
{
	struct engine *e = t->data;

	engine_poll_now(e);
}

int
engine_busy(struct engine *e, int64_t within_ms)
{
	int64_t at;
	int n = e->inflight + e->reconciling;

	if (store_job_next_due(e->st, &at, NULL) == 1 &&
	    at <= hark_now_ms() + within_ms)
		n++;
	return n;
}
