/*
 * test_report.c — the report's figures against a small history whose every
 * answer is worked out by hand below: a conversation that starts inbound and
 * is answered after local midnight, one with no reply, a failed WhatsApp
 * message sent again by SMS, a template that got a reply, USD and EUR
 * prices, an answered and an unanswered call. The time zone is fixed to
 * "XST+5" (UTC-5, no DST; a POSIX TZ, no tzdata needed), so a message at
 * 23:50 local belongs to a day that UTC would call the next one.
 */

#include "harness.h"

#include <time.h>

#include <sqlite3.h>

#include "hark/report.h"
#include "hark/store.h"

#define MIN (60LL * 1000)
#define HOUR (60 * MIN)

struct fx {
	char *dir, *db_path;
	struct store *st;
	int64_t ann, bob, cara, dan;
	int64_t since, until;   /* local Nov 2 00:00 to Nov 6 00:00 */
};

/* Local (UTC-5) time on 2026-11-DAY at hh:mm, in ms. */
static int64_t
T(int day, int hh, int mm)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 10;
	tm.tm_mday = day;
	return ((int64_t)timegm(&tm) + (hh + 5) * 3600LL + mm * 60LL) * 1000;
}

static int64_t
msg(struct fx *f, int64_t contact, enum hark_channel ch, enum hark_direction dir,
    enum hark_status status, int64_t at, int64_t micros, const char *cur,
    const char *from, const char *to)
{
	struct store_message m;
	int64_t id;

	memset(&m, 0, sizeof m);
	m.contact_id = contact;
	m.channel = ch;
	m.direction = dir;
	m.provider = "twilio";
	m.from_addr = (char *)from;
	m.to_addr = (char *)to;
	m.body = "hello";
	m.status = status;
	m.created_at = at;
	if (cur != NULL) {
		m.has_price = 1;
		m.price.micros = micros;
		snprintf(m.price.currency, sizeof m.price.currency, "%s", cur);
	}
	if (status == HARK_ST_FAILED) {
		m.error_code = "63016";
		m.error_text = "Failed to send freeform message";
	}
	assert_int_equal(store_message_insert(f->st, &m, &id, NULL), 1);
	return id;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct store_template t;
	sqlite3 *db;
	char *sql;
	int64_t c5, d1, d2;
	const char *me = "+15550000001", *other = "+15550000002";

	setenv("TZ", "XST+5", 1);
	tzset();
	f->dir = test_tmpdir();
	f->db_path = malloc(strlen(f->dir) + 16);
	sprintf(f->db_path, "%s/hark.db", f->dir);
	assert_int_equal(store_open(f->db_path, 0, &f->st, NULL), 0);
	assert_int_equal(store_contact_add(f->st, "Ann", &f->ann, NULL), 0);
	assert_int_equal(store_contact_add(f->st, "Bob", &f->bob, NULL), 0);
	assert_int_equal(store_contact_add(f->st, "Cara", &f->cara, NULL), 0);
	assert_int_equal(store_contact_add(f->st, "Dan", &f->dan, NULL), 0);
	assert_int_equal(store_contact_tag(f->st, f->ann, "vip", 1, NULL), 0);
	assert_int_equal(store_contact_tag(f->st, f->cara, "vip", 1, NULL), 0);

	/* Ann writes twice before midnight; we answer at 00:10, she at 01:10. */
	msg(f, f->ann, HARK_CH_SMS, HARK_DIR_IN, HARK_ST_RECEIVED, T(2, 23, 50), 0,
	    NULL, "+15551110001", me);
	msg(f, f->ann, HARK_CH_SMS, HARK_DIR_IN, HARK_ST_RECEIVED, T(2, 23, 55), 0,
	    NULL, "+15551110001", me);
	msg(f, f->ann, HARK_CH_SMS, HARK_DIR_OUT, HARK_ST_DELIVERED, T(3, 0, 10),
	    7900, "USD", me, "+15551110001");
	msg(f, f->ann, HARK_CH_SMS, HARK_DIR_IN, HARK_ST_RECEIVED, T(3, 1, 10), 0,
	    NULL, "+15551110001", me);
	/* Bob never answers our email; a canceled SMS never left. */
	msg(f, f->bob, HARK_CH_EMAIL, HARK_DIR_OUT, HARK_ST_SENT, T(2, 10, 0), 0,
	    NULL, "me@example.com", "bob@example.com");
	msg(f, f->bob, HARK_CH_SMS, HARK_DIR_OUT, HARK_ST_CANCELED, T(3, 12, 0), 0,
	    NULL, other, "+15551110002");
	/* Cara: WhatsApp fails, the SMS resend answers; then a template. */
	msg(f, f->cara, HARK_CH_WHATSAPP, HARK_DIR_IN, HARK_ST_RECEIVED, T(4, 9, 0),
	    5000, "USD", "+15551110003", other);
	msg(f, f->cara, HARK_CH_WHATSAPP, HARK_DIR_OUT, HARK_ST_FAILED, T(4, 9, 30),
	    0, NULL, other, "+15551110003");
	msg(f, f->cara, HARK_CH_SMS, HARK_DIR_OUT, HARK_ST_DELIVERED, T(4, 9, 40),
	    10000, "EUR", other, "+15551110003");
	msg(f, f->cara, HARK_CH_SMS, HARK_DIR_IN, HARK_ST_RECEIVED, T(4, 12, 40), 0,
	    NULL, "+15551110003", other);
	c5 = msg(f, f->cara, HARK_CH_SMS, HARK_DIR_OUT, HARK_ST_DELIVERED,
	    T(4, 13, 0), 7900, "USD", other, "+15551110003");
	msg(f, f->cara, HARK_CH_SMS, HARK_DIR_IN, HARK_ST_RECEIVED, T(4, 14, 0), 0,
	    NULL, "+15551110003", other);
	/* Dan: a call he answered (2:05) and one we missed. */
	d1 = msg(f, f->dan, HARK_CH_VOICE, HARK_DIR_OUT, HARK_ST_SENT, T(5, 10, 0),
	    13000, "USD", other, "+15551110004");
	d2 = msg(f, f->dan, HARK_CH_VOICE, HARK_DIR_IN, HARK_ST_RECEIVED,
	    T(5, 11, 0), 8500, "USD", "+15551110004", other);
	assert_int_equal(store_call_update(f->st, d1, "completed", 125, NULL, 0, NULL), 1);
	assert_int_equal(store_call_update(f->st, d2, "no-answer", -1, NULL, 0, NULL), 1);

	memset(&t, 0, sizeof t);
	t.name = "welcome";
	t.sms_body = "Hi {{name}}";
	assert_int_equal(store_template_save(f->st, &t, NULL, NULL), 1);
	memset(&t, 0, sizeof t);
	assert_int_equal(store_template_get(f->st, "welcome", 0, &t, NULL), 0);
	assert_int_equal(sqlite3_open(f->db_path, &db), SQLITE_OK);
	sql = sqlite3_mprintf("UPDATE messages SET template_version_id = %lld"
	    " WHERE id = %lld", (long long)t.version_id, (long long)c5);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	sqlite3_close(db);
	store_template_clear(&t);

	f->since = T(2, 0, 0);
	f->until = T(6, 0, 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char *cmd;

	store_close(f->st);
	cmd = malloc(strlen(f->dir) + 16);
	sprintf(cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f->db_path);
	free(f->dir);
	free(f);
	return 0;
}

static struct report *
build(struct fx *f, enum report_by by, int channel, const char *tag,
    const char *member)
{
	struct report_opts o;
	struct report *r = NULL;
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	o.since = f->since;
	o.until = f->until;
	o.by = by;
	o.channel = channel;
	o.tag = tag;
	o.member = member;
	o.now = T(23, 0, 0);
	assert_int_equal(report_build(f->st, &o, &r, &cause), 0);
	assert_null(cause);
	return r;
}

static void
test_empty_history_and_bad_period(void **state)
{
	struct fx *f = *state;
	struct report_opts o;
	struct report *r = NULL;
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	o.since = o.until = f->since;
	o.channel = -1;
	assert_int_equal(report_build(f->st, &o, &r, &cause), -1);
	assert_non_null(strstr(cause, "not before"));
	free(cause);
	/* A week with nothing in it: zeros, and no times rather than 0 s. */
	o.since = T(16, 0, 0);
	o.until = T(23, 0, 0);
	o.by = REPORT_BY_DAY;
	assert_int_equal(report_build(f->st, &o, &r, NULL), 0);
	assert_int_equal(r->nperiods, 7);
	assert_int_equal(r->ours.turns, 0);
	assert_int_equal(r->ours.median_ms, -1);
	assert_int_equal(r->theirs.p90_ms, -1);
	assert_int_equal(r->cost.n, 0);
	assert_int_equal(r->calls.n, 0);
	assert_int_equal(r->ntemplates, 0);
	report_free(r);
}

static void
test_volume_by_local_day(void **state)
{
	struct fx *f = *state;
	struct report *r = build(f, REPORT_BY_DAY, -1, NULL, NULL);

	assert_int_equal(r->nperiods, 4);
	assert_string_equal(r->periods[0].label, "2026-11-02");
	assert_string_equal(r->periods[3].label, "2026-11-05");
	/* 23:50 and 23:55 local are Nov 2 here, though Nov 3 in UTC. */
	assert_int_equal(r->periods[0].in[HARK_CH_SMS], 2);
	assert_int_equal(r->periods[0].out[HARK_CH_EMAIL], 1);
	assert_int_equal(r->periods[1].in[HARK_CH_SMS], 1);
	/* The canceled SMS never left: not counted. */
	assert_int_equal(r->periods[1].out[HARK_CH_SMS], 1);
	assert_int_equal(r->periods[2].in[HARK_CH_WHATSAPP], 1);
	assert_int_equal(r->periods[2].out[HARK_CH_WHATSAPP], 1);
	assert_int_equal(r->periods[2].out[HARK_CH_SMS], 2);
	assert_int_equal(r->periods[2].in[HARK_CH_SMS], 2);
	assert_int_equal(r->periods[3].in[HARK_CH_VOICE], 1);
	assert_int_equal(r->periods[3].out[HARK_CH_VOICE], 1);
	assert_int_equal(r->ch[HARK_CH_SMS].in, 5);
	assert_int_equal(r->ch[HARK_CH_SMS].out, 3);
	assert_int_equal(r->ch[HARK_CH_EMAIL].out, 1);
	report_free(r);
}

static void
test_same_history_in_utc_moves_midnight(void **state)
{
	struct fx *f = *state;
	struct report *r;

	setenv("TZ", "UTC0", 1);
	tzset();
	r = build(f, REPORT_BY_DAY, -1, NULL, NULL);
	/* [05:00 Nov 2, 24:00 Nov 2) UTC, then Nov 3 holds Ann's three. */
	assert_string_equal(r->periods[0].label, "2026-11-02");
	assert_int_equal(r->periods[0].in[HARK_CH_SMS], 0);
	assert_string_equal(r->periods[1].label, "2026-11-03");
	assert_int_equal(r->periods[1].in[HARK_CH_SMS], 3);
	assert_int_equal(r->nperiods, 5);
	report_free(r);
	setenv("TZ", "XST+5", 1);
	tzset();
}

static void
test_response_times_both_ways(void **state)
{
	struct fx *f = *state;
	struct report *r = build(f, REPORT_BY_DAY, -1, NULL, NULL);

	/* We answer them: turns Ann 23:50 (20 min, across midnight), Ann
	 * 01:10 (never), Cara 09:00 (the failed WhatsApp does not answer; the
	 * SMS at 09:40 does: 40 min), Cara 12:40 (20 min), Cara 14:00 (never). */
	assert_int_equal(r->ours.turns, 5);
	assert_int_equal(r->ours.answered, 3);
	assert_int_equal(r->ours.median_ms, 20 * MIN);   /* rank 2 of 20,20,40 */
	assert_int_equal(r->ours.p90_ms, 40 * MIN);      /* rank 3 */
	/* The first turn started on Nov 2 and counts there. */
	assert_int_equal(r->periods[0].ours.turns, 1);
	assert_int_equal(r->periods[0].ours.answered, 1);
	assert_int_equal(r->periods[0].ours.median_ms, 20 * MIN);
	assert_int_equal(r->periods[1].ours.turns, 1);
	assert_int_equal(r->periods[1].ours.answered, 0);
	assert_int_equal(r->periods[1].ours.median_ms, -1);
	assert_int_equal(r->periods[2].ours.turns, 3);
	assert_int_equal(r->periods[2].ours.median_ms, 20 * MIN);
	assert_int_equal(r->periods[2].ours.p90_ms, 40 * MIN);
	/* They answer us: Bob's email (never), Ann 00:10 (60 min), Cara 09:40
	 * (3 h), Cara 13:00 (1 h). */
	assert_int_equal(r->theirs.turns, 4);
	assert_int_equal(r->theirs.answered, 3);
	assert_int_equal(r->theirs.median_ms, 60 * MIN);
	assert_int_equal(r->theirs.p90_ms, 3 * HOUR);
	assert_int_equal(r->periods[0].theirs.turns, 1);
	assert_int_equal(r->periods[0].theirs.answered, 0);
	report_free(r);
}

static void
test_answers_after_until_count(void **state)
{
	struct fx *f = *state;
	struct report *r;

	f->until = T(3, 0, 0);
	r = build(f, REPORT_BY_DAY, -1, NULL, NULL);
	assert_int_equal(r->nperiods, 1);
	/* Ann's turn of Nov 2 is answered at 00:10 on Nov 3, past --until. */
	assert_int_equal(r->ours.turns, 1);
	assert_int_equal(r->ours.answered, 1);
	assert_int_equal(r->ours.median_ms, 20 * MIN);
	/* Nothing after --until is counted in volume or cost. */
	assert_int_equal(r->ch[HARK_CH_SMS].out, 0);
	assert_int_equal(r->cost.n, 0);
	report_free(r);
}

static void
test_delivery_and_errors(void **state)
{
	struct fx *f = *state;
	struct report *r = build(f, REPORT_BY_WEEK, -1, NULL, NULL);
	char buf[16];

	assert_int_equal(r->nperiods, 1);
	assert_string_equal(r->periods[0].label, "2026-W45");
	/* Failed, then resent on SMS: one failure on WhatsApp, one delivery. */
	assert_int_equal(r->ch[HARK_CH_WHATSAPP].left, 1);
	assert_int_equal(r->ch[HARK_CH_WHATSAPP].failed, 1);
	assert_int_equal(r->ch[HARK_CH_WHATSAPP].delivered, 0);
	assert_int_equal(r->ch[HARK_CH_WHATSAPP].nerrors, 1);
	assert_string_equal(r->ch[HARK_CH_WHATSAPP].errors[0].code, "63016");
	/* Twilio's meaning of the code, not the provider's raw words. */
	assert_non_null(strstr(r->ch[HARK_CH_WHATSAPP].errors[0].text, "24-hour"));
	assert_int_equal(r->ch[HARK_CH_SMS].left, 3);
	assert_int_equal(r->ch[HARK_CH_SMS].delivered, 3);
	/* An email with no receipt left, but is neither delivered nor failed. */
	assert_int_equal(r->ch[HARK_CH_EMAIL].left, 1);
	assert_int_equal(r->ch[HARK_CH_EMAIL].delivered, 0);
	assert_int_equal(r->ch[HARK_CH_EMAIL].failed, 0);
	report_format_rate(2, 3, buf, sizeof buf);
	assert_string_equal(buf, "66.7%");
	report_format_rate(0, 0, buf, sizeof buf);
	assert_string_equal(buf, "-");
	report_free(r);
}

static void
test_cost_never_mixes_currencies(void **state)
{
	struct fx *f = *state;
	struct report *r = build(f, REPORT_BY_DAY, -1, NULL, NULL);

	/* EUR 0.01 (Cara's resend); USD 0.0079 + 0.005 + 0.0079 + 0.013 + 0.0085. */
	assert_int_equal(r->cost.n, 2);
	assert_string_equal(r->cost.v[0].currency, "EUR");
	assert_int_equal(r->cost.v[0].micros, 10000);
	assert_string_equal(r->cost.v[1].currency, "USD");
	assert_int_equal(r->cost.v[1].micros, 42300);
	assert_int_equal(r->cost.v[1].n, 5);
	assert_int_equal(r->periods[0].cost.n, 0);
	assert_int_equal(r->periods[2].cost.n, 2);
	assert_int_equal(r->periods[2].cost.v[1].micros, 12900);
	assert_int_equal(r->ch[HARK_CH_SMS].cost.n, 2);
	assert_int_equal(r->ch[HARK_CH_SMS].cost.v[1].micros, 15800);
	/* By contact: EUR first, then USD largest first. */
	assert_int_equal(r->ncontacts, 4);
	assert_string_equal(r->contacts[0].name, "Cara");
	assert_string_equal(r->contacts[0].cost.currency, "EUR");
	assert_string_equal(r->contacts[1].name, "Dan");
	assert_int_equal(r->contacts[1].cost.micros, 21500);
	assert_string_equal(r->contacts[2].name, "Cara");
	assert_int_equal(r->contacts[2].cost.micros, 12900);
	assert_string_equal(r->contacts[3].name, "Ann");
	report_free(r);
}

static void
test_templates_and_calls(void **state)
{
	struct fx *f = *state;
	struct report *r = build(f, REPORT_BY_DAY, -1, NULL, NULL);

	assert_int_equal(r->ntemplates, 1);
	assert_string_equal(r->templates[0].name, "welcome");
	assert_int_equal(r->templates[0].version, 1);
	assert_null(r->templates[0].variant);
	assert_int_equal(r->templates[0].sent, 1);
	assert_int_equal(r->templates[0].delivered, 1);
	assert_int_equal(r->templates[0].replied, 1);
	assert_int_equal(r->calls.n, 2);
	assert_int_equal(r->calls.in, 1);
	assert_int_equal(r->calls.out, 1);
	assert_int_equal(r->calls.answered, 1);
	assert_int_equal(r->calls.duration_s, 125);
	assert_int_equal(r->calls.cost.n, 1);
	assert_int_equal(r->calls.cost.v[0].micros, 21500);
	/* Calls are no turns: Dan has none. */
	assert_int_equal(r->periods[3].ours.turns, 0);
	report_free(r);
}

/* As `hark report ab` counts: only messages the provider accepted are sent,
 * and a reply is the contact's next message within 7 days. */
static void
test_template_reply_window(void **state)
{
	struct fx *f = *state;
	struct report *r;
	sqlite3 *db;
	char *sql;
	int64_t eve, a, b;

	assert_int_equal(store_contact_add(f->st, "Eve", &eve, NULL), 0);
	a = msg(f, eve, HARK_CH_SMS, HARK_DIR_OUT, HARK_ST_DELIVERED, T(2, 10, 0), 0,
	    NULL, "+15550000002", "+15551110005");
	b = msg(f, eve, HARK_CH_SMS, HARK_DIR_OUT, HARK_ST_FAILED, T(3, 10, 0), 0,
	    NULL, "+15550000002", "+15551110005");
	/* Eight days after the first: too late to be its reply. */
	msg(f, eve, HARK_CH_SMS, HARK_DIR_IN, HARK_ST_RECEIVED, T(10, 10, 1), 0,
	    NULL, "+15551110005", "+15550000002");
	assert_int_equal(sqlite3_open(f->db_path, &db), SQLITE_OK);
	sql = sqlite3_mprintf("UPDATE messages SET template_version_id ="
	    " (SELECT template_version_id FROM messages WHERE template_version_id"
	    " IS NOT NULL LIMIT 1) WHERE id IN (%lld, %lld)", (long long)a,
	    (long long)b);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	sqlite3_close(db);
	r = build(f, REPORT_BY_DAY, -1, NULL, NULL);
	assert_int_equal(r->ntemplates, 1);
	assert_int_equal(r->templates[0].sent, 2);      /* Cara's and Eve's first */
	assert_int_equal(r->templates[0].delivered, 2);
	assert_int_equal(r->templates[0].replied, 1);   /* only Cara's */
	report_free(r);
	/* Within the window the pass looks past --until for the reply. */
	f->until = T(3, 0, 0);
	r = build(f, REPORT_BY_DAY, -1, NULL, NULL);
	assert_int_equal(r->templates[0].sent, 1);
	assert_int_equal(r->templates[0].replied, 0);
	report_free(r);
}

static void
test_filters_apply_before_pairing(void **state)
{
	struct fx *f = *state;
	struct report *r;

	/* SMS only: Cara's WhatsApp turn is gone, so her SMS at 09:40 starts
	 * our turn instead of answering hers. */
	r = build(f, REPORT_BY_DAY, HARK_CH_SMS, NULL, NULL);
	assert_int_equal(r->ours.turns, 4);
	assert_int_equal(r->ours.answered, 2);
	assert_int_equal(r->theirs.turns, 3);
	assert_int_equal(r->theirs.answered, 3);
	assert_int_equal(r->calls.n, 0);
	assert_int_equal(r->ch[HARK_CH_WHATSAPP].in, 0);
	report_free(r);
	/* Tag vip: Ann and Cara. */
	r = build(f, REPORT_BY_DAY, -1, "vip", NULL);
	assert_int_equal(r->ours.turns, 5);
	assert_int_equal(r->theirs.turns, 3);
	assert_int_equal(r->ch[HARK_CH_EMAIL].out, 0);
	report_free(r);
	/* One sending identity: Ann's conversation with +15550000001. */
	r = build(f, REPORT_BY_DAY, -1, NULL, "+15550000001");
	assert_int_equal(r->ch[HARK_CH_SMS].in, 3);
	assert_int_equal(r->ch[HARK_CH_SMS].out, 1);
	assert_int_equal(r->ours.turns, 2);
	assert_int_equal(r->ours.answered, 1);
	assert_int_equal(r->theirs.median_ms, 60 * MIN);
	report_free(r);
}

static void
test_text_and_periods(void **state)
{
	struct fx *f = *state;
	struct report *r = build(f, REPORT_BY_DAY, -1, NULL, NULL);
	struct hbuf b = HBUF_INIT;
	char buf[48];
	int64_t s, e;

	report_text(r, &b);
	assert_non_null(strstr(hbuf_str(&b), "total      we answer them        5"
	    "         3   60.0%    20m 0s    40m 0s"));
	assert_non_null(strstr(hbuf_str(&b), "they answer us        4         3"
	    "   75.0%    1h 00m    3h 00m"));
	assert_non_null(strstr(hbuf_str(&b), "63016"));
	hbuf_free(&b);
	report_free(r);
	/* Weeks start on Monday, months on the 1st, local midnight. */
	report_period_of(REPORT_BY_WEEK, T(8, 23, 59), &s, &e);
	assert_int_equal(s, T(2, 0, 0));
	assert_int_equal(e, T(9, 0, 0));
	report_period_of(REPORT_BY_MONTH, T(8, 0, 0), &s, &e);
	assert_int_equal(s, T(1, 0, 0));
	report_period_title(REPORT_BY_WEEK, s + 7 * 24 * HOUR, buf, sizeof buf);
	assert_string_equal(buf, "week 45, 2026");
	report_period_title(REPORT_BY_MONTH, s, buf, sizeof buf);
	assert_string_equal(buf, "November 2026");
	assert_int_equal(report_parse_time("2026-11-04", 1, 0, &s, NULL), 0);
	assert_int_equal(s, T(5, 0, 0));
	assert_int_equal(report_parse_time("yesterday-ish", 0, 0, &s, NULL), -1);
	report_format_ms(20 * MIN, buf, sizeof buf);
	assert_string_equal(buf, "20m 0s");
	report_format_ms(-1, buf, sizeof buf);
	assert_string_equal(buf, "-");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_history_and_bad_period,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_volume_by_local_day, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_same_history_in_utc_moves_midnight,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_response_times_both_ways, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_answers_after_until_count, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_delivery_and_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cost_never_mixes_currencies,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_templates_and_calls, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_template_reply_window, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_filters_apply_before_pairing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_and_periods, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
