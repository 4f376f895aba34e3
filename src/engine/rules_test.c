/*
 * rules_test.c — `hark rules test`: what a rule would do to a contact now,
 * step by step, reading the store and never writing it (the checks and the
 * rendering are the runner's own, from rules_plan.c).
 */

#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "rules_int.h"

static int test_trigger(const struct rule *r, const struct engine_rules_test *t,
    struct hbuf *out, char **cause);
static void test_actions(struct store *st, const struct config *cfg,
    struct rctx *x, struct hbuf *out);

/* Says whether the rule's trigger fits the test: 1 yes, 0 no, -1 usage. */
static int
test_trigger(const struct rule *r, const struct engine_rules_test *t,
    struct hbuf *out, char **cause)
{
	struct rules_event ev;
	char dur[32], iso[40];

	memset(&ev, 0, sizeof ev);
	switch (r->when) {
	case RULES_WHEN_INBOUND:
		hbuf_printf(out, "trigger: any inbound message: matches\n");
		return 1;
	case RULES_WHEN_KEYWORD:
		if (t->message == NULL) {
			set_cause(cause, "rule '%s' answers keyword %s: say --message"
			    " TEXT to test it against", r->name, r->arg);
			return -1;
		}
		ev.kind = RULES_WHEN_INBOUND;
		ev.text = t->message;
		if (!rules_triggered_by(r, &ev)) {
			hbuf_printf(out, "trigger: keyword %s: does not match the"
			    " message\n", r->arg);
			return 0;
		}
		hbuf_printf(out, "trigger: keyword %s: matches\n", r->arg);
		return 1;
	case RULES_WHEN_NO_REPLY:
		rules_duration_format(r->after_ms, dur, sizeof dur);
		hbuf_printf(out, "trigger: no reply %s after a message you send\n",
		    dur);
		return 1;
	case RULES_WHEN_STATE:
		hbuf_printf(out, "trigger: the conversation becomes %s\n", r->arg);
		return 1;
	case RULES_WHEN_TAG_ADDED:
	case RULES_WHEN_TAG_REMOVED:
		hbuf_printf(out, "trigger: tag %s is %s\n", r->arg,
		    r->when == RULES_WHEN_TAG_ADDED ? "added" : "removed");
		return 1;
	case RULES_WHEN_SCHEDULE:
		time_format_iso(rules_schedule_next(&r->sched, hark_now_ms()), iso,
		    sizeof iso);
		hbuf_printf(out, "trigger: schedule \"%s\" (next %s)\n", r->arg, iso);
		return 1;
	}
	return 0;
}

static void
test_actions(struct store *st, const struct config *cfg, struct rctx *x,
    struct hbuf *out)
{
	const struct rules_step *s;
	const struct rules_action *a;
	struct hbuf why = HBUF_INIT;
	struct rsend rs;
	char *cause = NULL, dur[32];
	int i, j;

	for (i = 0; i < x->r->nsteps; i++) {
		s = &x->r->steps[i];
		rules_duration_format(s->after_ms, dur, sizeof dur);
		if (i == 0)
			hbuf_printf(out, "would do (step 1, now):\n");
		else
			hbuf_printf(out, "then (step %d, %s later%s):\n", i + 1, dur,
			    s->unless_replied ? ", unless the contact replied" : "");
		for (j = 0; j < s->nacts; j++) {
			a = &s->acts[j];
			hbuf_adds(out, "  ");
			rplan_describe(a, out);
			hbuf_addc(out, '\n');
			if (a->kind != RULES_DO_REPLY && a->kind != RULES_DO_SEND)
				continue;
			hbuf_reset(&why);
			x->step = i;
			if (rplan_send_ok(st, x, hark_now_ms(), &why, &cause) == 0)
				hbuf_printf(out, "    would skip: %s\n", hbuf_str(&why));
			if (rplan_render(st, cfg, x, a, &rs, &cause) != 0) {
				hbuf_printf(out, "    cannot render: %s\n", cause);
				free(cause);
				cause = NULL;
				continue;
			}
			hbuf_printf(out, "    on %s%s%s:\n", hark_channel_name(rs.ch),
			    rs.subject ? ", subject: " : "", rs.subject ? rs.subject : "");
			hbuf_printf(out, "    | %s\n", rs.body);
			rsend_clear(&rs);
		}
	}
	x->step = 0;
	free(cause);
	hbuf_free(&why);
}

int
engine_rules_test(struct store *st, const struct config *cfg,
    const struct rules *set, const struct engine_rules_test *t, struct hbuf *out,
    char **cause)
{
	const struct rule *r = rules_find(set, t->rule);
	struct hbuf why = HBUF_INIT;
	struct rctx x;
	int rc, log;

	if (r == NULL) {
		set_cause(cause, "no rule '%s' in %s", t->rule, set->path);
		return -1;
	}
	memset(&x, 0, sizeof x);
	x.set = set;
	x.r = r;
	x.contact_id = t->contact_id;
	x.has_channel = t->has_channel;
	x.channel = t->channel;
	if ((rc = test_trigger(r, t, out, cause)) <= 0 ||
	    rctx_load(st, &x, cause) != 0)
		goto done;
	if (t->message != NULL) {
		/* The test message stands for an inbound one not yet stored. */
		x.m.id = -1;
		x.m.contact_id = t->contact_id;
		x.m.body = xstrdup(t->message);
		x.m.channel = x.channel;
		x.m.created_at = hark_now_ms();
	}
	hbuf_printf(out, "contact: %s (#%lld), tags: %s, state: %s, channel: %s\n",
	    x.c.name, (long long)x.c.id, *x.c.tags ? x.c.tags : "none",
	    x.c.conv_status, x.has_channel ? hark_channel_name(x.channel) : "none");
	if (store_rule_enabled(st, r->name, NULL) == 0)
		hbuf_printf(out, "note: the rule is disabled (hark rules enable %s)\n",
		    r->name);
	if ((rc = rplan_may_run(st, &x, hark_now_ms(), &why, &log, cause)) < 0)
		goto done;
	if (rc == 0) {
		hbuf_printf(out, "would skip: %s\n", hbuf_str(&why));
		goto done;
	}
	if (r->nconds > 0)
		hbuf_printf(out, "conditions: all %d hold\n", r->nconds);
	test_actions(st, cfg, &x, out);
done:
	hbuf_free(&why);
	rctx_clear(&x);
	return rc;
}
