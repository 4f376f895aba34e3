/* test_rules.c — the rules file: parsing every construct, every error's place, durations, schedules, conditions, periods and loop guards. */

#include <time.h>

#include "harness.h"

#include "hark/rules.h"
#include "hark/store.h"
#include "hark/util.h"

#define S 1000LL
#define M (60 * S)
#define H (60 * M)
#define D (24 * H)

static struct rules *
parse_ok(const char *text)
{
	char *cause = NULL;
	struct rules *set = rules_parse(text, strlen(text), "rules", &cause);

	if (set == NULL)
		fail_msg("unexpected error: %s", cause);
	return set;
}

/* The error a text gives, which must start with want ("rules:3:7: ..."). */
static void
parse_err(const char *text, const char *want)
{
	char *cause = NULL;
	struct rules *set = rules_parse(text, strlen(text), "rules", &cause);

	if (set != NULL) {
		rules_free(set);
		fail_msg("'%s' parsed, expected an error '%s'", text, want);
	}
	if (cause == NULL || strncmp(cause, want, strlen(want)) != 0)
		fail_msg("'%s': got '%s', expected '%s...'", text, cause, want);
	free(cause);
}

static void
test_empty_file_is_no_rules(void **state)
{
	struct rules *set = parse_ok("");

	assert_int_equal(set->n, 0);
	assert_int_equal(set->rate_max, RULES_RATE_MAX);
	rules_free(set);
	set = parse_ok("# only a comment\n\n   \n");
	assert_int_equal(set->n, 0);
	rules_free(set);
	rules_free(NULL);
}

static const char example[] =
	"set rate-limit 3/2h   # per contact\n"
	"set repeat-window 20s\n"
	"rule vacation\n"
	"  when inbound\n"
	"  if channel in sms,whatsapp and not tag vip\n"
	"  do reply template=away once-per=7d\n"
	"rule price-keyword\n"
	"  when keyword /price|cost/i\n"
	"  do reply template=pricing; tag add lead; state open\n"
	"rule nudge\n"
	"  when no-reply 2d\n"
	"  if tag lead\n"
	"  do send template=follow-up channel=email\n"
	"rule onboarding   # a sequence\n"
	"  when tag-added new-customer\n"
	"  do send template=welcome\n"
	"  then after 2d unless replied do send template=tips\n"
	"  then after 1w do tag remove new-customer\n"
	"rule monday\n"
	"  when schedule \"Mon 09:00\"\n"
	"  if state snoozed\n"
	"  do state open; notify \"Snoozed threads reopened\"\n"
	"rule vip-field\n"
	"  when state done\n"
	"  if field plan = gold and field city ~ /^par/i and not field churned\n"
	"  once-per 1h30m\n"
	"  do snooze 2h; tag remove hot\n";

static void
test_every_construct_parses(void **state)
{
	struct rules *set = parse_ok(example);
	const struct rule *r;

	assert_int_equal(set->n, 6);
	assert_int_equal(set->rate_max, 3);
	assert_int_equal(set->rate_window_ms, 2 * H);
	assert_int_equal(set->repeat_ms, 20 * S);

	r = rules_find(set, "vacation");
	assert_non_null(r);
	assert_int_equal(r->line, 3);
	assert_int_equal(r->when, RULES_WHEN_INBOUND);
	assert_int_equal(r->nconds, 2);
	assert_int_equal(r->conds[0].kind, RULES_IF_CHANNEL);
	assert_int_equal(r->conds[0].channels,
	    (1u << HARK_CH_SMS) | (1u << HARK_CH_WHATSAPP));
	assert_int_equal(r->conds[1].kind, RULES_IF_TAG);
	assert_true(r->conds[1].negate);
	assert_string_equal(r->conds[1].name, "vip");
	assert_int_equal(r->once_per_ms, 7 * D);
	assert_int_equal(r->steps[0].acts[0].kind, RULES_DO_REPLY);
	assert_string_equal(r->steps[0].acts[0].arg, "away");

	r = rules_find(set, "price-keyword");
	assert_int_equal(r->when, RULES_WHEN_KEYWORD);
	assert_string_equal(r->arg, "/price|cost/i");
	assert_int_equal(r->steps[0].nacts, 3);
	assert_int_equal(r->steps[0].acts[1].kind, RULES_DO_TAG_ADD);
	assert_string_equal(r->steps[0].acts[1].arg, "lead");
	assert_int_equal(r->steps[0].acts[2].kind, RULES_DO_STATE);
	assert_string_equal(r->steps[0].acts[2].arg, "open");

	r = rules_find(set, "nudge");
	assert_int_equal(r->when, RULES_WHEN_NO_REPLY);
	assert_int_equal(r->after_ms, 2 * D);
	assert_true(r->steps[0].acts[0].has_channel);
	assert_int_equal(r->steps[0].acts[0].channel, HARK_CH_EMAIL);

	r = rules_find(set, "onboarding");
	assert_int_equal(r->when, RULES_WHEN_TAG_ADDED);
	assert_string_equal(r->arg, "new-customer");
	assert_int_equal(r->nsteps, 3);
	assert_int_equal(r->steps[1].after_ms, 2 * D);
	assert_true(r->steps[1].unless_replied);
	assert_int_equal(r->steps[2].after_ms, 7 * D);
	assert_false(r->steps[2].unless_replied);
	assert_int_equal(r->steps[2].acts[0].kind, RULES_DO_TAG_REMOVE);
	/* The rule's own lines, for the database and `hark rules list`. */
	assert_non_null(strstr(r->source, "then after 1w do tag remove"));
	assert_null(strstr(r->source, "rule monday"));

	r = rules_find(set, "monday");
	assert_int_equal(r->when, RULES_WHEN_SCHEDULE);
	assert_int_equal(r->sched.days, 1u << 1);
	assert_int_equal(r->sched.minute, 9 * 60);
	assert_int_equal(r->steps[0].acts[1].kind, RULES_DO_NOTIFY);
	assert_string_equal(r->steps[0].acts[1].arg, "Snoozed threads reopened");

	r = rules_find(set, "vip-field");
	assert_int_equal(r->when, RULES_WHEN_STATE);
	assert_string_equal(r->arg, "done");
	assert_int_equal(r->nconds, 3);
	assert_int_equal(r->conds[0].op, RULES_OP_EQ);
	assert_string_equal(r->conds[0].value, "gold");
	assert_int_equal(r->conds[1].op, RULES_OP_MATCH);
	assert_int_equal(r->conds[2].op, RULES_OP_PRESENT);
	assert_true(r->conds[2].negate);
	assert_int_equal(r->once_per_ms, 90 * M);
	assert_int_equal(r->steps[0].acts[0].kind, RULES_DO_SNOOZE);
	assert_int_equal(r->steps[0].acts[0].ms, 2 * H);
	assert_null(rules_find(set, "nope"));
	rules_free(set);
}

static void
test_errors_name_line_and_column(void **state)
{
	parse_err("when inbound\n", "rules:1:1: 'when' outside a rule");
	parse_err("rule a\n  when sometimes\n  do state open\n",
	    "rules:2:8: unknown trigger 'sometimes'");
	parse_err("rule a\n  when no-reply 2x\n  do state open\n",
	    "rules:2:17: bad duration '2x'");
	parse_err("rule a\n  when no-reply\n", "rules:2:16: missing how long");
	parse_err("rule a\n  when inbound\n", "rules:1:1: rule 'a' has no 'do' line");
	parse_err("rule a\n  do state open\n", "rules:1:1: rule 'a' has no 'when' line");
	parse_err("rule a\n when inbound\n do state open\nrule a\n",
	    "rules:4:6: rule 'a' is already defined at line 1");
	parse_err("rule a\n when inbound\n when inbound\n",
	    "rules:3:2: rule 'a' already has a 'when' line");
	parse_err("rule a\n when keyword /a(/\n do state open\n",
	    "rules:2:15: bad regular expression /a(/");
	parse_err("rule a\n when keyword /abc\n", "rules:2:15: unclosed /regular");
	parse_err("rule a\n when keyword /abc/x\n", "rules:2:15: unknown regular"
	    " expression flag 'x'");
	parse_err("rule a\n when inbound\n if colour red\n",
	    "rules:3:5: unknown condition 'colour'");
	parse_err("rule a\n when inbound\n if channel in sms,fax\n",
	    "rules:3:16: unknown channel 'fax'");
	parse_err("rule a\n when inbound\n if tag a or tag b\n",
	    "rules:3:11: unexpected 'or'");
	parse_err("rule a\n when inbound\n do dance\n",
	    "rules:3:5: unknown action 'dance'");
	parse_err("rule a\n when inbound\n do reply\n",
	    "rules:3:5: reply needs template=NAME");
	parse_err("rule a\n when inbound\n do reply template=x colour=red\n",
	    "rules:3:22: unknown option 'colour=red'");
	parse_err("rule a\n when inbound\n do send template=x channel=fax\n",
	    "rules:3:29: unknown channel 'fax'");
	parse_err("rule a\n when inbound\n do state snoozed\n",
	    "rules:3:11: state takes open or done");
	parse_err("rule a\n when inbound\n then after 2d do state open\n",
	    "rules:3:2: 'then' before 'do'");
	parse_err("rule a\n when inbound\n do state open\n then 2d do state done\n",
	    "rules:4:7: expected 'after DURATION'");
	parse_err("rule a\n when inbound\n do state open\n then after 2d unless"
	    " busy do x\n", "rules:4:23: expected 'replied'");
	parse_err("rule a\n when inbound\n do notify \"unclosed\n",
	    "rules:3:12: unclosed quote");
	parse_err("rule a\n when schedule \"Funday 09:00\"\n do notify hi\n",
	    "rules:2:16: bad days 'Funday'");
	parse_err("rule a\n when schedule \"25:00\"\n do notify hi\n",
	    "rules:2:16: bad schedule '25:00'");
	parse_err("rule a\n when schedule \"09:00\"\n do state open\n",
	    "rules:1:1: rule 'a': a schedule that acts on contacts needs an 'if'");
	parse_err("set rate-limit many\n", "rules:1:16: bad rate limit 'many'");
	parse_err("set colour red\n", "rules:1:5: unknown setting 'colour'");
	parse_err("rule a b\n", "rules:1:8: unexpected 'b'");
	parse_err("rule a,b\n", "rules:1:6: bad rule name 'a,b'");
	parse_err("rule a\n when state asleep\n", "rules:2:13: unknown state 'asleep'");
	parse_err("rule a\n when inbound\n if field plan > 3\n",
	    "rules:3:16: expected =, != or ~ after field plan");
}

static void
test_nul_byte_is_refused(void **state)
{
	char *cause = NULL;

	assert_null(rules_parse("rule a\n\0x", 9, "f", &cause));
	assert_string_equal(cause, "f:2:1: a NUL byte in the file");
	free(cause);
}

static void
test_durations(void **state)
{
	int64_t ms;
	char buf[32];

	assert_int_equal(rules_duration_parse("30s", &ms), 0);
	assert_int_equal(ms, 30 * S);
	assert_int_equal(rules_duration_parse("1h30m", &ms), 0);
	assert_int_equal(ms, 90 * M);
	assert_int_equal(rules_duration_parse("2d", &ms), 0);
	assert_int_equal(ms, 2 * D);
	assert_int_equal(rules_duration_parse("1w", &ms), 0);
	assert_int_equal(ms, 7 * D);
	assert_int_equal(rules_duration_parse("", &ms), -1);
	assert_int_equal(rules_duration_parse("0s", &ms), -1);
	assert_int_equal(rules_duration_parse("2", &ms), -1);
	assert_int_equal(rules_duration_parse("d", &ms), -1);
	assert_int_equal(rules_duration_parse("2 d", &ms), -1);
	assert_int_equal(rules_duration_parse("400d", &ms), -1);
	assert_int_equal(rules_duration_parse("99999999999d", &ms), -1);
	rules_duration_format(2 * D, buf, sizeof buf);
	assert_string_equal(buf, "2d");
	rules_duration_format(90 * M, buf, sizeof buf);
	assert_string_equal(buf, "1h30m");
	rules_duration_format(14 * D, buf, sizeof buf);
	assert_string_equal(buf, "2w");
	rules_duration_format(10 * D, buf, sizeof buf);
	assert_string_equal(buf, "10d");
	rules_duration_format(0, buf, sizeof buf);
	assert_string_equal(buf, "0s");
}

static void
test_schedules(void **state)
{
	struct rules_schedule s;
	char *cause = NULL;
	/* Monday 2026-11-23 09:58:00 UTC. */
	const int64_t now = 1795427880000LL;

	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(rules_schedule_parse("every 10m", &s, NULL), 0);
	assert_int_equal(rules_schedule_next(&s, now), now + 10 * M);
	assert_int_equal(rules_schedule_parse("Mon 09:00", &s, NULL), 0);
	/* Past 09:00 on a Monday: next Monday. */
	assert_int_equal(rules_schedule_next(&s, now), now - 58 * M + 7 * D);
	assert_int_equal(rules_schedule_parse("10:30", &s, NULL), 0);
	assert_int_equal(rules_schedule_next(&s, now), now + 32 * M);
	assert_int_equal(rules_schedule_parse("weekends 08:00", &s, NULL), 0);
	/* Saturday 2026-11-28 08:00. */
	assert_int_equal(rules_schedule_next(&s, now), now - 58 * M - H + 5 * D);
	assert_int_equal(rules_schedule_parse("Tue,Thu 17:00", &s, NULL), 0);
	assert_int_equal(rules_schedule_next(&s, now), now + 7 * H + 2 * M + D);
	assert_int_equal(rules_schedule_parse("weekdays 9:00", &s, NULL), 0);
	assert_int_equal(rules_schedule_next(&s, now), now - 58 * M + D);
	/* In another zone the same words mean its own wall clock. */
	setenv("TZ", "America/New_York", 1);
	tzset();
	assert_int_equal(rules_schedule_parse("daily 09:00", &s, NULL), 0);
	/* 09:58 UTC is 04:58 in New York: 09:00 there is 14:00 UTC today. */
	assert_int_equal(rules_schedule_next(&s, now), now + 4 * H + 2 * M);
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(rules_schedule_parse("every 0s", &s, &cause), -1);
	assert_non_null(strstr(cause, "bad duration"));
	free(cause);
	assert_int_equal(rules_schedule_parse("Mon", &s, NULL), -1);
	assert_int_equal(rules_schedule_parse("Mon 9", &s, NULL), -1);
	assert_int_equal(rules_schedule_parse("Mon 09:60", &s, NULL), -1);
}

static void
test_triggers(void **state)
{
	struct rules *set = parse_ok(
	    "rule kw\n when keyword price,cost\n do state open\n"
	    "rule re\n when keyword /^hel+o/i\n do state open\n"
	    "rule in\n when inbound\n do state open\n"
	    "rule tg\n when tag-added vip\n do state open\n"
	    "rule st\n when state done\n do state open\n");
	struct rules_event ev = { RULES_WHEN_INBOUND, "What's the PRICE?" };

	assert_true(rules_triggered_by(rules_find(set, "kw"), &ev));
	assert_true(rules_triggered_by(rules_find(set, "in"), &ev));
	assert_false(rules_triggered_by(rules_find(set, "re"), &ev));
	/* Whole words only: "costly" and "priceless" are not the keywords. */
	ev.text = "that is costly and priceless";
	assert_false(rules_triggered_by(rules_find(set, "kw"), &ev));
	ev.text = "cost";
	assert_true(rules_triggered_by(rules_find(set, "kw"), &ev));
	ev.text = "HELLLO there";
	assert_true(rules_triggered_by(rules_find(set, "re"), &ev));
	ev.text = "oh hello";
	assert_false(rules_triggered_by(rules_find(set, "re"), &ev));
	ev.kind = RULES_WHEN_TAG_ADDED;
	ev.text = "vip";
	assert_true(rules_triggered_by(rules_find(set, "tg"), &ev));
	assert_false(rules_triggered_by(rules_find(set, "in"), &ev));
	ev.text = "vipp";
	assert_false(rules_triggered_by(rules_find(set, "tg"), &ev));
	ev.kind = RULES_WHEN_STATE;
	ev.text = "done";
	assert_true(rules_triggered_by(rules_find(set, "st"), &ev));
	ev.kind = RULES_WHEN_TAG_REMOVED;
	ev.text = "vip";
	assert_false(rules_triggered_by(rules_find(set, "tg"), &ev));
	rules_free(set);
}

static void
test_conditions(void **state)
{
	struct rules *set = parse_ok(
	    "rule a\n when inbound\n"
	    " if channel in sms,whatsapp and not tag vip\n"
	    " if field plan = Gold and field city ~ /^par/i\n"
	    " if not field churned and state open\n do state done\n");
	const struct rule *r = &set->rules[0];
	struct rules_subject s;
	struct hbuf why = HBUF_INIT;

	memset(&s, 0, sizeof s);
	s.fields = "{\"plan\":\"gold\",\"city\":\"Paris\",\"churned\":\"  \"}";
	s.tags = "lead,new";
	s.state = "open";
	s.has_channel = 1;
	s.channel = HARK_CH_SMS;
	assert_true(rules_conds_hold(r, &s, &why));
	assert_int_equal(why.len, 0);
	s.tags = "lead,vip";
	assert_false(rules_conds_hold(r, &s, &why));
	assert_string_equal(hbuf_str(&why), "condition 2 (line 3) fails: has tag vip");
	hbuf_reset(&why);
	s.tags = "vipx";
	s.channel = HARK_CH_EMAIL;
	assert_false(rules_conds_hold(r, &s, &why));
	assert_string_equal(hbuf_str(&why),
	    "condition 1 (line 3) fails: the channel is email");
	hbuf_reset(&why);
	s.channel = HARK_CH_WHATSAPP;
	s.fields = "{\"plan\":\"silver\",\"city\":\"Paris\"}";
	assert_false(rules_conds_hold(r, &s, &why));
	assert_string_equal(hbuf_str(&why),
	    "condition 3 (line 4) fails: field plan is 'silver'");
	hbuf_reset(&why);
	s.fields = "{\"plan\":\"gold\",\"city\":\"Lyon\"}";
	assert_false(rules_conds_hold(r, &s, NULL));
	s.fields = "{\"plan\":\"gold\",\"city\":\"paris\",\"churned\":true}";
	assert_false(rules_conds_hold(r, &s, NULL));
	s.fields = "{\"plan\":\"gold\",\"city\":\"paris\"}";
	s.state = "snoozed";
	assert_false(rules_conds_hold(r, &s, NULL));
	s.state = "open";
	assert_true(rules_conds_hold(r, &s, NULL));
	/* Not JSON, or no fields at all: every field is missing. */
	s.fields = "not json";
	assert_false(rules_conds_hold(r, &s, NULL));
	s.has_channel = 0;
	s.fields = "{\"plan\":\"gold\",\"city\":\"paris\"}";
	assert_false(rules_conds_hold(r, &s, NULL));
	hbuf_free(&why);
	rules_free(set);
}

static void
test_numbers_in_fields_compare_as_written(void **state)
{
	struct rules *set = parse_ok("rule a\n when inbound\n if field seats = 12"
	    " and field trial != true\n do state done\n");
	struct rules_subject s;

	memset(&s, 0, sizeof s);
	s.fields = "{\"seats\":12,\"trial\":false}";
	assert_true(rules_conds_hold(&set->rules[0], &s, NULL));
	s.fields = "{\"seats\":12,\"trial\":true}";
	assert_false(rules_conds_hold(&set->rules[0], &s, NULL));
	rules_free(set);
}

static void
test_once_per_period(void **state)
{
	const int64_t t0 = 1795427880000LL;
	int64_t next = 0;

	/* Never fired, or no period: always. */
	assert_true(rules_period_ok(0, 7 * D, t0, &next));
	assert_true(rules_period_ok(t0, 0, t0, &next));
	/* Within the period: not yet, and when. */
	assert_false(rules_period_ok(t0, 7 * D, t0 + 1, &next));
	assert_int_equal(next, t0 + 7 * D);
	assert_false(rules_period_ok(t0, 7 * D, t0 + 7 * D - 1, &next));
	/* Exactly at the end and after: again. */
	assert_true(rules_period_ok(t0, 7 * D, t0 + 7 * D, NULL));
	assert_true(rules_period_ok(t0, 7 * D, t0 + 30 * D, NULL));
}

static void
test_rate_limit(void **state)
{
	struct rules *set = parse_ok("set rate-limit 2/1h\n");

	assert_true(rules_rate_ok(set, 0));
	assert_true(rules_rate_ok(set, 1));
	assert_false(rules_rate_ok(set, 2));
	assert_false(rules_rate_ok(set, 50));
	rules_free(set);
	set = parse_ok("");
	assert_true(rules_rate_ok(set, RULES_RATE_MAX - 1));
	assert_false(rules_rate_ok(set, RULES_RATE_MAX));
	rules_free(set);
}

static void
test_automatic_messages(void **state)
{
	const char *h;

	assert_null(rules_text_automatic(NULL, NULL));
	assert_null(rules_text_automatic("Quote for the roof", "Is it ready?"));
	assert_non_null(rules_text_automatic("Automatic reply: Quote", "Hi"));
	assert_non_null(rules_text_automatic("Out of Office", NULL));
	assert_non_null(rules_text_automatic(NULL, "  auto-reply: I am away"));
	assert_null(rules_text_automatic(NULL, "I will reply automatically later"));

	h = "From: a@b.c\r\nAuto-Submitted: auto-replied\r\n\r\nbody\r\n";
	assert_non_null(rules_headers_automatic(h, strlen(h)));
	h = "From: a@b.c\nAuto-Submitted: no\n\nbody\n";
	assert_null(rules_headers_automatic(h, strlen(h)));
	h = "Precedence: bulk\n\n";
	assert_non_null(rules_headers_automatic(h, strlen(h)));
	h = "Precedence: first-class\n\n";
	assert_null(rules_headers_automatic(h, strlen(h)));
	h = "X-Autoreply: yes\nSubject: hi\n\n";
	assert_non_null(rules_headers_automatic(h, strlen(h)));
	/* Only the header block counts, not a body that quotes headers. */
	h = "Subject: fwd\n\nAuto-Submitted: auto-replied\n";
	assert_null(rules_headers_automatic(h, strlen(h)));
	assert_null(rules_headers_automatic(NULL, 0));
	/* A header cut short at the end of the buffer is read safely. */
	h = "Precedence: bulk";
	assert_non_null(rules_headers_automatic(h, 10 + 6));
}

static int
no_templates_but_away(void *arg, const char *name)
{
	return strcmp(name, "away") == 0;
}

static void
test_unknown_template_is_named(void **state)
{
	struct rules *set = parse_ok("rule a\n when inbound\n do reply template=away\n"
	    "rule b\n when inbound\n do state open; send template=missing\n");
	char *cause = NULL;

	assert_int_equal(rules_check_templates(set, no_templates_but_away, NULL,
	    &cause), -1);
	assert_string_equal(cause, "rules:6:17: rule 'b': no template 'missing'"
	    " (hark template list shows them)");
	free(cause);
	rules_free(set);
}

/* ---- the rules' state in the store (migration 5) ------------------------------------- */

static int
kinds(void *arg, const struct store_event *e)
{
	struct hbuf *b = arg;

	if (strcmp(e->kind, "contact-changed") == 0 && e->payload != NULL)
		hbuf_printf(b, "%s;", e->payload);
	return 0;
}

static int
due_rule(void *arg, const struct store_rule_timer *t)
{
	struct hbuf *b = arg;

	hbuf_printf(b, "%s/%d;", t->rule, t->step);
	return 0;
}

static void
test_store_journals_tags_and_states_and_keeps_rule_state(void **state)
{
	char *dir = test_tmpdir(), *path, cmd[600];
	struct store_rule_timer t;
	struct store *st;
	struct hbuf b = HBUF_INIT;
	int64_t id, last, at = 0, now = hark_now_ms();
	int n = -1;

	path = malloc(strlen(dir) + 16);
	sprintf(path, "%s/hark.db", dir);
	assert_int_equal(store_open(path, 0, &st, NULL), 0);
	assert_int_equal(store_contact_add(st, "Ann Lee", &id, NULL), 0);
	last = store_events_last_id(st);
	/* Tag and state changes reach the journal whoever makes them. */
	assert_int_equal(store_contact_tag(st, id, "vip", 1, NULL), 0);
	assert_int_equal(store_contact_tag(st, id, "vip", 1, NULL), 0);
	assert_int_equal(store_conversation_set(st, id, "done", 0, NULL), 0);
	assert_int_equal(store_conversation_set(st, id, "done", 0, NULL), 0);
	assert_int_equal(store_contact_tag(st, id, "vip", 0, NULL), 0);
	assert_int_equal(store_events_since(st, last, 0, kinds, &b, NULL), 0);
	assert_string_equal(hbuf_str(&b), "tag-added vip;state done;tag-removed vip;");

	/* Enabled by default; disable persists. */
	assert_int_equal(store_rule_enabled(st, "vacation", NULL), 1);
	assert_int_equal(store_rule_set_enabled(st, "vacation", 0, "rule vacation", NULL), 0);
	assert_int_equal(store_rule_enabled(st, "vacation", NULL), 0);
	assert_int_equal(store_rule_set_enabled(st, "vacation", 1, NULL, NULL), 0);
	assert_int_equal(store_rule_enabled(st, "vacation", NULL), 1);

	/* What fired, and the sends the rate limit counts. */
	assert_int_equal(store_rule_last_fired(st, "vacation", id, &at, NULL), 0);
	assert_int_equal(store_rule_log_add(st, "vacation", id, 0, 1, 0, "replied", NULL), 0);
	assert_int_equal(store_rule_log_add(st, "vacation", id, 0, 0, 0, "once", NULL), 0);
	assert_int_equal(store_rule_last_fired(st, "vacation", id, &at, NULL), 1);
	assert_true(at >= now);
	assert_int_equal(store_rule_sends_since(st, id, now - 1000, &n, NULL), 0);
	assert_int_equal(n, 0);

	/* Timers: due ones only, a duplicate kept once. */
	memset(&t, 0, sizeof t);
	t.rule = "onboarding";
	t.contact_id = id;
	t.step = 1;
	t.due_at = now - 1;
	t.since_at = now - 10;
	t.ref = 7;
	assert_int_equal(store_rule_timer_add(st, &t, NULL), 0);
	assert_int_equal(store_rule_timer_add(st, &t, NULL), 0);
	t.step = 2;
	t.due_at = now + 60000;
	assert_int_equal(store_rule_timer_add(st, &t, NULL), 0);
	hbuf_reset(&b);
	assert_int_equal(store_rule_timers_due(st, now, 0, due_rule, &b, NULL), 0);
	assert_string_equal(hbuf_str(&b), "onboarding/1;");
	assert_int_equal(store_rule_timer_next(st, &at, NULL), 1);
	assert_int_equal(at, now - 1);

	/* The cursor: none until set. */
	assert_int_equal(store_rule_cursor(st, &at, NULL), 0);
	assert_int_equal(store_rule_cursor_set(st, 42, NULL), 0);
	assert_int_equal(store_rule_cursor(st, &at, NULL), 1);
	assert_int_equal(at, 42);
	hbuf_free(&b);
	store_close(st);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(path);
	free(dir);
}

#define T(f) cmocka_unit_test(f)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_empty_file_is_no_rules),
		T(test_every_construct_parses),
		T(test_errors_name_line_and_column),
		T(test_nul_byte_is_refused),
		T(test_durations),
		T(test_schedules),
		T(test_triggers),
		T(test_conditions),
		T(test_numbers_in_fields_compare_as_written),
		T(test_once_per_period),
		T(test_rate_limit),
		T(test_automatic_messages),
		T(test_unknown_template_is_named),
		T(test_store_journals_tags_and_states_and_keeps_rule_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
