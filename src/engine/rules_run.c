/*
 * rules_run.c — the automation rules at work, in the outbox owner only (so
 * nothing fires twice): reads the events journal from a cursor kept in the
 * store, runs the rules each event triggers, and runs what is due later
 * (no-reply waits, sequence steps, schedules) from rule_timers. Everything
 * a rule does is an atomic change of its own (engine_send has its own
 * transaction), and the cursor moves past an event, or a timer is deleted,
 * only after its rules ran: a crash in between runs them again, and since
 * sends carry an idempotency key made of rule, contact, step and trigger,
 * that cannot send twice; tags and states are the same when set twice.
 *
 * Loop safety: a rule's send is outbound, so it never triggers inbound
 * rules, and it starts no no-reply wait; the changes a rule makes (tags,
 * state) are remembered as a chain, and a rule never runs again for a
 * change its own chain caused, nor past RULES_MAX_CHAIN rules deep; the
 * per-contact rate limit and the "looks automatic" checks stop two
 * auto-responders (ours and someone else's) from answering each other.
 * Every such refusal is written to rule_log and told on the journal.
 */

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine_int.h"
#include "rules_int.h"

#define RULES_TICK_MS 500
#define RULES_STAT_MS 2000
#define RULES_EVENTS_BATCH 200
#define RULES_ROUNDS 8

struct rjevent {
	int64_t id, message_id, contact_id;
	char *kind, *payload;
};

static void rr_tick(uv_timer_t *t);
static void rr_run(struct rules_run *rr);

/* Appends a journal event the daemon prints ("rule", "rule-error", "rule-notify"). */
void
rules_run_say(struct rules_run *rr, const char *kind, int64_t contact_id,
    const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	engine_publish(rr->e, kind, 0, contact_id, text);
	free(text);
}

/* ---- loading ---------------------------------------------------------------------- */

/* (Re)reads the file. On an error the rules already loaded stay. */
static void
rr_load(struct rules_run *rr)
{
	struct rules *set = NULL;
	char *cause = NULL;
	int rc;

	rc = engine_rules_load(rr->e->st, rr->e->cfg, rr->path, &set, &cause);
	if (rc < 0) {
		rules_run_say(rr, "rule-error", 0, "%s (the rules loaded before stay)",
		    cause);
		free(cause);
		return;
	}
	rules_free(rr->set);
	rr->set = set;
	rules_timers_sync(rr);
	if (set != NULL)
		rules_run_say(rr, "rule", 0, "%d rule%s loaded from %s", set->n,
		    set->n == 1 ? "" : "s", rr->path);
}

/* Reloads when the file changed (mtime, size, or it appeared or went). */
static void
rr_watch(struct rules_run *rr)
{
	struct stat sb;
	int exists;

	rr->last_stat = hark_mono_ms();
	exists = stat(rr->path, &sb) == 0;
	if (exists == rr->exists && (!exists || (sb.st_size == rr->size &&
	    sb.st_mtim.tv_sec == rr->mtime.tv_sec &&
	    sb.st_mtim.tv_nsec == rr->mtime.tv_nsec)))
		return;
	rr->exists = exists;
	if (exists) {
		rr->mtime = sb.st_mtim;
		rr->size = sb.st_size;
	}
	rr_load(rr);
	if (!exists && rr->set != NULL) {
		rules_free(rr->set);
		rr->set = NULL;
		rules_run_say(rr, "rule", 0, "%s is gone: no rules run", rr->path);
	}
}

void
engine_rules_reload(struct engine *e)
{
	if (e->rules != NULL) {
		e->rules->exists = -1;  /* differs from both: reload */
		rr_watch(e->rules);
	}
}

/* ---- chains (loop guard) ----------------------------------------------------------- */

static const struct rchain *
rr_chain_of(struct rules_run *rr, int64_t event_id)
{
	unsigned i;

	for (i = 0; i < RULES_CHAINS && i < rr->nchains; i++)
		if (event_id > rr->chains[i].lo && event_id <= rr->chains[i].hi)
			return &rr->chains[i];
	return NULL;
}

static void
rr_chain_add(struct rules_run *rr, int64_t lo, int64_t hi, const struct rchain *from,
    const char *rule)
{
	struct rchain *c;

	if (hi <= lo)
		return;
	c = &rr->chains[rr->nchains++ % RULES_CHAINS];
	free(c->names);
	c->lo = lo;
	c->hi = hi;
	c->depth = from != NULL ? from->depth + 1 : 1;
	c->names = xasprintf("%s%s,", from != NULL ? from->names : ",", rule);
}

static int
rr_chain_has(const struct rchain *c, const char *rule)
{
	char *needle;
	int has;

	if (c == NULL)
		return 0;
	needle = xasprintf(",%s,", rule);
	has = strstr(c->names, needle) != NULL;
	free(needle);
	return has;
}

/* ---- actions ------------------------------------------------------------------------ */

static int
rr_send(struct rules_run *rr, struct rctx *x, const struct rules_action *a,
    struct hbuf *did)
{
	struct engine *e = rr->e;
	struct engine_draft d;
	struct hbuf why = HBUF_INIT;
	struct rsend s;
	char *cause = NULL, *key, *actor;
	int64_t id = 0;
	int rc;

	rc = rplan_send_ok(e->st, x, hark_now_ms(), &why, &cause);
	if (rc == 1 && rplan_render(e->st, e->cfg, x, a, &s, &cause) == 0) {
		memset(&d, 0, sizeof d);
		d.contact_id = x->contact_id;
		d.channel = s.ch;
		d.subject = s.subject;
		d.body = s.body;
		d.html = s.html;
		d.content_sid = s.content_sid;
		d.template_version_id = s.version_id;
		d.variant = s.variant;
		actor = xasprintf("rule %s", x->r->name);
		d.actor = actor;
		key = xasprintf("rule:%s:%lld:%d:%lld", x->r->name,
		    (long long)x->contact_id, x->step, (long long)x->ref);
		d.idempotency_key = key;
		if (engine_send(e, &d, &id, &cause) == 0) {
			store_rule_log_add(e->st, x->r->name, x->contact_id, x->step, 1,
			    id, a->arg, NULL);
			hbuf_printf(did, "%s %s on %s (message %lld)", a->kind ==
			    RULES_DO_REPLY ? "replied" : "sent", a->arg,
			    hark_channel_name(s.ch), (long long)id);
		}
		free(key);
		free(actor);
		rsend_clear(&s);
	}
	if (id == 0) {
		if (why.len == 0)
			hbuf_adds(&why, cause != NULL ? cause : "unknown error");
		store_rule_log_add(e->st, x->r->name, x->contact_id, x->step, 0, 0,
		    hbuf_str(&why), NULL);
		hbuf_printf(did, "did not %s %s: %s", a->kind == RULES_DO_REPLY ?
		    "reply" : "send", a->arg, hbuf_str(&why));
	}
	free(cause);
	hbuf_free(&why);
	return id != 0;
}

/* Does one action; 1 when it did something, 0 when it was refused. */
static int
rr_act(struct rules_run *rr, struct rctx *x, const struct rules_action *a,
    struct hbuf *did)
{
	struct store *st = rr->e->st;
	char *cause = NULL;
	int rc = 0;

	if (did->len > 0)
		hbuf_adds(did, "; ");
	switch (a->kind) {
	case RULES_DO_REPLY:
	case RULES_DO_SEND:
		return rr_send(rr, x, a, did);
	case RULES_DO_TAG_ADD:
	case RULES_DO_TAG_REMOVE:
		rc = store_contact_tag(st, x->contact_id, a->arg,
		    a->kind == RULES_DO_TAG_ADD, &cause);
		break;
	case RULES_DO_STATE:
		rc = store_conversation_set(st, x->contact_id, a->arg, 0, &cause);
		break;
	case RULES_DO_SNOOZE:
		rc = store_conversation_set(st, x->contact_id, "snoozed",
		    hark_now_ms() + a->ms, &cause);
		break;
	case RULES_DO_NOTIFY:
		if (!rr->batch)
			rules_run_say(rr, "rule-notify", x->contact_id, "%s: %s", x->c.name,
			    a->arg);
		break;
	}
	rplan_describe(a, did);
	if (rc != 0)
		hbuf_printf(did, " failed: %s", cause);
	free(cause);
	return rc == 0;
}

/* ---- firing a step ------------------------------------------------------------------- */

int
rules_run_enabled(struct rules_run *rr, const struct rule *r)
{
	return store_rule_enabled(rr->e->st, r->name, NULL) == 1;
}

/* Runs step x->step of x->r for x->contact_id. 1 when it ran, 0 when not. */
int
rules_run_fire(struct rules_run *rr, struct rctx *x, const struct rchain *ch)
{
	struct store *st = rr->e->st;
	struct store_rule_timer t;
	struct hbuf why = HBUF_INIT, did = HBUF_INIT;
	const struct rules_step *step = &x->r->steps[x->step];
	int64_t before, now = hark_now_ms();
	int i, log = 0, ran = 0, acted = 0;

	if (!rules_run_enabled(rr, x->r) || rctx_load(st, x, NULL) != 0)
		return 0;
	if (rr_chain_has(ch, x->r->name) || (ch != NULL && ch->depth >=
	    RULES_MAX_CHAIN)) {
		hbuf_printf(&why, "loop guard: this change was caused by rules%s"
		    " (a rule does not run again for its own changes, nor past %d"
		    " rules deep)", ch->names, RULES_MAX_CHAIN);
		log = 1;
	} else if (rplan_may_run(st, x, now, &why, &log, NULL) == 1) {
		before = store_events_last_id(st);
		for (i = 0; i < step->nacts; i++)
			acted += rr_act(rr, x, &step->acts[i], &did);
		rr_chain_add(rr, before, store_events_last_id(st), ch, x->r->name);
		if (acted == 0) {
			/* Every action was refused (each logged why): the step
			 * did not happen, so it starts no period and no next step. */
			rules_run_say(rr, "rule", x->contact_id, "%s (step %d) skipped"
			    " for %s: %s", x->r->name, x->step + 1, x->c.name,
			    hbuf_str(&did));
			goto out;
		}
		store_rule_log_add(st, x->r->name, x->contact_id, x->step, 1, 0,
		    hbuf_str(&did), NULL);
		if (x->step + 1 < x->r->nsteps) {
			memset(&t, 0, sizeof t);
			t.rule = x->r->name;
			t.contact_id = x->contact_id;
			t.step = x->step + 1;
			t.due_at = now + x->r->steps[x->step + 1].after_ms;
			t.since_at = x->step == 0 ? now : x->since_at;
			t.ref = x->ref;
			t.channel = x->has_channel ?
			    (char *)hark_channel_name(x->channel) : NULL;
			store_rule_timer_add(st, &t, NULL);
		}
		rules_run_say(rr, "rule", x->contact_id, "%s (step %d) for %s: %s",
		    x->r->name, x->step + 1, x->c.name, hbuf_str(&did));
		ran = 1;
		goto out;
	}
	if (log) {
		store_rule_log_add(st, x->r->name, x->contact_id, x->step, 0, 0,
		    hbuf_str(&why), NULL);
		rules_run_say(rr, "rule", x->contact_id, "%s (step %d) skipped for %s: %s",
		    x->r->name, x->step + 1, x->c.name, hbuf_str(&why));
	}
out:
	hbuf_free(&why);
	hbuf_free(&did);
	return ran;
}

/* Every enabled rule that ev triggers, for one contact. */
static void
rr_trigger(struct rules_run *rr, const struct rules_event *ev, int64_t contact_id,
    const struct store_message *m, int64_t ref, const struct rchain *ch)
{
	const struct rule *r;
	struct rctx x;
	int i;

	for (i = 0; rr->set != NULL && i < rr->set->n; i++) {
		r = &rr->set->rules[i];
		if (!rules_triggered_by(r, ev))
			continue;
		memset(&x, 0, sizeof x);
		x.set = rr->set;
		x.r = r;
		x.contact_id = contact_id;
		x.ref = ref;
		x.since_at = hark_now_ms();
		if (m != NULL && store_message_get(rr->e->st, m->id, &x.m, NULL) != 0)
			continue;
		rules_run_fire(rr, &x, ch);
		rctx_clear(&x);
	}
}

/* ---- the journal ------------------------------------------------------------------------ */

static void
rr_event(struct rules_run *rr, const struct rjevent *je)
{
	const struct rchain *ch = rr_chain_of(rr, je->id);
	struct rules_event ev;
	struct store_message m;
	const char *p = je->payload != NULL ? je->payload : "";

	memset(&ev, 0, sizeof ev);
	if (strcmp(je->kind, "message-added") == 0 && je->message_id > 0) {
		memset(&m, 0, sizeof m);
		if (store_message_get(rr->e->st, je->message_id, &m, NULL) != 0)
			return;
		if (m.channel != HARK_CH_VOICE && m.direction == HARK_DIR_IN) {
			ev.kind = RULES_WHEN_INBOUND;
			ev.text = m.body;
			rr_trigger(rr, &ev, m.contact_id, &m, m.id, ch);
		} else if (m.channel != HARK_CH_VOICE)
			rules_timers_wait(rr, &m);
		store_message_clear(&m);
		return;
	}
	if (strcmp(je->kind, "contact-changed") != 0 || je->contact_id <= 0)
		return;
	if (hark_startswith(p, "tag-added "))
		ev.kind = RULES_WHEN_TAG_ADDED, ev.text = p + 10;
	else if (hark_startswith(p, "tag-removed "))
		ev.kind = RULES_WHEN_TAG_REMOVED, ev.text = p + 12;
	else if (hark_startswith(p, "state "))
		ev.kind = RULES_WHEN_STATE, ev.text = p + 6;
	else
		return;
	rr_trigger(rr, &ev, je->contact_id, NULL, je->id, ch);
}

static int
rr_collect(void *arg, const struct store_event *ev)
{
	struct rjevent **a = arg, *n;
	size_t len = 0;

	while ((*a)[len].kind != NULL)
		len++;
	*a = xreallocarray(*a, len + 2, sizeof **a);
	n = &(*a)[len];
	n->id = ev->id;
	n->message_id = ev->message_id;
	n->contact_id = ev->contact_id;
	n->kind = xstrdup(ev->kind);
	n->payload = xstrdup(ev->payload);
	memset(&(*a)[len + 1], 0, sizeof **a);
	return 0;
}

/* Handles the journal after the cursor, moving the cursor past each event
 * once it is handled. Returns the number of events read. */
static int
rr_journal(struct rules_run *rr)
{
	struct store *st = rr->e->st;
	struct rjevent *a = xcalloc(1, sizeof *a);
	int64_t cursor = 0;
	char *cause = NULL;
	int i, rc;

	if ((rc = store_rule_cursor(st, &cursor, NULL)) == 0) {
		/* Rules start from now, not from the history before them. */
		store_rule_cursor_set(st, store_events_last_id(st), NULL);
		free(a);
		return 0;
	}
	if (rc < 0 || store_events_since(st, cursor, RULES_EVENTS_BATCH, rr_collect,
	    &a, NULL) != 0) {
		free(a);
		return 0;
	}
	for (i = 0; a[i].kind != NULL; i++) {
		rr_event(rr, &a[i]);
		if (store_rule_cursor_set(st, a[i].id, &cause) != 0) {
			rules_run_say(rr, "rule-error", 0, "%s", cause);
			break;
		}
	}
	free(cause);
	rc = i;
	for (i = 0; a[i].kind != NULL; i++) {
		free(a[i].kind);
		free(a[i].payload);
	}
	free(a);
	return rc;
}

/* ---- the loop --------------------------------------------------------------------------- */

static void
rr_run(struct rules_run *rr)
{
	int rounds = 0;

	if (rr->running) {
		rr->again = 1;
		return;
	}
	rr->running = 1;
	if (hark_mono_ms() - rr->last_stat >= RULES_STAT_MS)
		rr_watch(rr);
	do {
		rr->again = 0;
		if (rr_journal(rr) == RULES_EVENTS_BATCH)
			rr->again = 1;
		store_rule_timers_due(rr->e->st, hark_now_ms(), 100, rules_timer_run, rr,
		    NULL);
	} while (rr->again && ++rounds < RULES_ROUNDS);
	rr->running = 0;
}

static void
rr_tick(uv_timer_t *t)
{
	rr_run(t->data);
}

/* Something changed: look at once rather than at the next tick. */
static void
rr_wake(void *arg, const struct store_event *ev)
{
	struct rules_run *rr = arg;

	if (ev->id <= 0 || strncmp(ev->kind, "rule", 4) == 0)
		return;
	if (rr->running)
		rr->again = 1;
	else
		uv_timer_start(&rr->tick, rr_tick, 0, RULES_TICK_MS);
}

struct rules_run *
rules_run_new(struct engine *e)
{
	struct rules_run *rr = xcalloc(1, sizeof *rr);
	int64_t cursor = 0;

	rr->e = e;
	rr->path = engine_rules_path(e->cfg);
	uv_timer_init(e->loop, &rr->tick);
	rr->tick.data = rr;
	/* The engine's own timers keep the loop alive; this one need not. */
	uv_unref((uv_handle_t *)&rr->tick);
	engine_subscribe(e, rr_wake, rr);
	/* Rules start from now, not from the history before them: from the
	 * moment this process owns the outbox, nothing is missed. */
	if (store_rule_cursor(e->st, &cursor, NULL) == 0)
		store_rule_cursor_set(e->st, store_events_last_id(e->st), NULL);
	/* The first tick loads the file, once the owner's subscribers listen. */
	rr->last_stat = -RULES_STAT_MS;
	uv_timer_start(&rr->tick, rr_tick, 0, RULES_TICK_MS);
	return rr;
}

static void
rr_free_cb(uv_handle_t *h)
{
	free(h->data);
}

void
rules_run_free(struct rules_run *rr)
{
	unsigned i;

	if (rr == NULL)
		return;
	rules_free(rr->set);
	free(rr->path);
	for (i = 0; i < RULES_CHAINS; i++)
		free(rr->chains[i].names);
	uv_close((uv_handle_t *)&rr->tick, rr_free_cb);
}
