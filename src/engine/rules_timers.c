/*
 * rules_timers.c — what the rules do later, kept in rule_timers so that a
 * restart loses nothing: schedules' next runs, no-reply waits, and the
 * steps of sequences; and running them when due (rules_run.c's loop asks).
 */

#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "rules_int.h"

static int rr_collect_contact(void *arg, const struct store_contact *c);
static void rr_schedule_run(struct rules_run *rr, const struct rule *r,
    const struct store_rule_timer *t);

/* The schedules' next runs, kept in rule_timers so a restart keeps them. */
void
rules_timers_sync(struct rules_run *rr)
{
	struct store_rule_timer t, want;
	const struct rule *r;
	int i, found;

	for (i = 0; rr->set != NULL && i < rr->set->n; i++) {
		r = &rr->set->rules[i];
		if (r->when != RULES_WHEN_SCHEDULE)
			continue;
		memset(&t, 0, sizeof t);
		found = store_rule_timer_find(rr->e->st, r->name, 0, &t, NULL);
		if (found == 1 && t.spec != NULL && strcmp(t.spec, r->arg) == 0) {
			store_rule_timer_clear(&t);
			continue;
		}
		if (found == 1)
			store_rule_timer_delete(rr->e->st, t.id, NULL);
		store_rule_timer_clear(&t);
		memset(&want, 0, sizeof want);
		want.rule = r->name;
		want.due_at = rules_schedule_next(&r->sched, hark_now_ms());
		want.since_at = hark_now_ms();
		want.ref = want.due_at;
		want.spec = r->arg;
		store_rule_timer_add(rr->e->st, &want, NULL);
	}
}

/* An outbound message a person sent starts each no-reply rule's wait. */
void
rules_timers_wait(struct rules_run *rr, const struct store_message *m)
{
	struct store_rule_timer t;
	const struct rule *r;
	int i;

	if (store_rule_sent(rr->e->st, m->id, NULL) != 0)
		return;
	for (i = 0; rr->set != NULL && i < rr->set->n; i++) {
		r = &rr->set->rules[i];
		if (r->when != RULES_WHEN_NO_REPLY)
			continue;
		memset(&t, 0, sizeof t);
		t.rule = r->name;
		t.contact_id = m->contact_id;
		t.due_at = m->created_at + r->after_ms;
		t.since_at = m->created_at;
		t.ref = m->id;
		t.channel = (char *)hark_channel_name(m->channel);
		store_rule_timer_add(rr->e->st, &t, NULL);
	}
}

static int
rr_collect_contact(void *arg, const struct store_contact *c)
{
	int64_t **ids = arg;
	size_t n = 0;

	while ((*ids)[n] != 0)
		n++;
	*ids = xreallocarray(*ids, n + 2, sizeof **ids);
	(*ids)[n] = c->id;
	(*ids)[n + 1] = 0;
	return 0;
}

/* A schedule's run: the rule for every contact its conditions pick, then
 * its notification once. The next run is written first. */
static void
rr_schedule_run(struct rules_run *rr, const struct rule *r,
    const struct store_rule_timer *t)
{
	struct store_rule_timer next = *t;
	struct rctx x;
	int64_t *ids = xcalloc(1, sizeof *ids);
	int i, j, n = 0;

	next.due_at = rules_schedule_next(&r->sched, hark_now_ms() > t->due_at ?
	    hark_now_ms() : t->due_at);
	next.ref = next.due_at;
	store_rule_timer_add(rr->e->st, &next, NULL);
	if (!rules_run_enabled(rr, r)) {
		free(ids);
		return;
	}
	store_contacts_list(rr->e->st, 0, rr_collect_contact, &ids, NULL);
	rr->batch = 1;
	for (i = 0; ids[i] != 0; i++) {
		memset(&x, 0, sizeof x);
		x.set = rr->set;
		x.r = r;
		x.contact_id = ids[i];
		x.ref = t->due_at;
		n += rules_run_fire(rr, &x, NULL);
		rctx_clear(&x);
	}
	rr->batch = 0;
	free(ids);
	for (j = 0; j < r->steps[0].nacts; j++)
		if (r->steps[0].acts[j].kind == RULES_DO_NOTIFY && (n > 0 ||
		    r->nconds == 0))
			rules_run_say(rr, "rule-notify", 0, "%s (%d contact%s)",
			    r->steps[0].acts[j].arg, n, n == 1 ? "" : "s");
}

int
rules_timer_run(void *arg, const struct store_rule_timer *t)
{
	struct rules_run *rr = arg;
	struct store *st = rr->e->st;
	const struct rule *r = rules_find(rr->set, t->rule);
	struct rctx x;
	int64_t at;

	if (r == NULL || t->step >= r->nsteps) {
		store_rule_log_add(st, t->rule, t->contact_id, t->step, 0, 0,
		    "the rule is no longer in the rules file", NULL);
	} else if (t->contact_id == 0) {
		if (r->when == RULES_WHEN_SCHEDULE)
			rr_schedule_run(rr, r, t);
	} else if (t->step == 0 && (store_inbound_after(st, t->contact_id,
	    t->since_at, &at, NULL) != 0 || store_message_newer(st, t->contact_id,
	    t->ref, HARK_DIR_OUT, NULL) != 0)) {
		/* No-reply: they replied, or a newer message has its own wait. */
	} else {
		memset(&x, 0, sizeof x);
		x.set = rr->set;
		x.r = r;
		x.step = t->step;
		x.contact_id = t->contact_id;
		x.since_at = t->since_at;
		x.ref = t->ref;
		if (t->channel != NULL && hark_channel_parse(t->channel,
		    &x.channel) == 0)
			x.has_channel = 1;
		rules_run_fire(rr, &x, NULL);
		rctx_clear(&x);
	}
	/* Deleted after the step ran: a crash between runs it again, and its
	 * sends' idempotency keys keep that from sending twice. */
	return store_rule_timer_delete(st, t->id, NULL) != 0;
}
