/* test_when.c — send times, filter spans, header dates and list labels. */

#include <time.h>

#include "harness.h"

#include "hark/core.h"

#define S 1000LL
#define M (60 * S)
#define H (60 * M)
#define D (24 * H)

/* Monday 2026-11-23 09:58:00 UTC: every test runs at this instant. */
#define NOW 1795427880000LL
#define TODAY (NOW - 9 * H - 58 * M) /* 2026-11-23 00:00 UTC */

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static int
utc(void **state)
{
	set_tz("UTC");
	return 0;
}

static int64_t
when_ok(const char *s)
{
	char *cause = NULL;
	int64_t t;

	if (when_parse(s, NOW, &t, &cause) != 0)
		fail_msg("'%s': unexpected error: %s", s, cause);
	return t;
}

static void
when_bad(const char *s, const char *why)
{
	char *cause = NULL;
	int64_t t;

	if (when_parse(s, NOW, &t, &cause) == 0)
		fail_msg("'%s': accepted as %lld", s ? s : "(null)",
		    (long long)t);
	assert_non_null(cause);
	if (strstr(cause, why) == NULL)
		fail_msg("cause '%s' lacks '%s'", cause, why);
	free(cause);
}

static int64_t
since_ok(const char *s)
{
	char *cause = NULL;
	int64_t t;

	if (since_parse(s, NOW, &t, &cause) != 0)
		fail_msg("'%s': unexpected error: %s", s, cause);
	return t;
}

static int64_t
iso(const char *s)
{
	int64_t t;

	if (time_parse_iso(s, &t) != 0)
		fail_msg("'%s' did not parse", s);
	return t;
}

static const char *
rel(int64_t then)
{
	static char buf[32];

	time_format_relative(then, NOW, buf, sizeof buf);
	return buf;
}

static void
test_empty(void **state)
{
	int64_t t;

	when_bad(NULL, "empty");
	when_bad("", "empty");
	when_bad("  ", "empty");
	assert_int_equal(since_parse("", NOW, &t, NULL), -1);
	assert_int_equal(time_parse_iso(NULL, &t), -1);
	assert_int_equal(time_parse_iso("", &t), -1);
}

static void
test_when_delays(void **state)
{
	assert_int_equal(when_ok("now"), NOW);
	assert_int_equal(when_ok(" NOW "), NOW);
	assert_int_equal(when_ok("+90s"), NOW + 90 * S);
	assert_int_equal(when_ok("30m"), NOW + 30 * M);
	assert_int_equal(when_ok("2h"), NOW + 2 * H);
	assert_int_equal(when_ok("1d"), NOW + D);
	assert_int_equal(when_ok("1w"), NOW + 7 * D);
	assert_int_equal(when_ok("in 2 hours"), NOW + 2 * H);
	assert_int_equal(when_ok("In 90  Minutes"), NOW + 90 * M);
	assert_int_equal(when_ok("in an hour"), NOW + H);
	assert_int_equal(when_ok("1h30m"), NOW + 90 * M);
	assert_int_equal(when_ok("+1 day"), NOW + D);
}

static void
test_when_clock(void **state)
{
	/* 9:00 has passed today, so it means tomorrow. */
	assert_int_equal(when_ok("9:00"), TODAY + D + 9 * H);
	assert_int_equal(when_ok("21:30"), TODAY + 21 * H + 30 * M);
	assert_int_equal(when_ok("9pm"), TODAY + 21 * H);
	assert_int_equal(when_ok("9:30 am"), TODAY + D + 9 * H + 30 * M);
	assert_int_equal(when_ok("12am"), TODAY + D);
	assert_int_equal(when_ok("12pm"), TODAY + 12 * H);
	/* A minute ago still means today: the user is just slow to type. */
	assert_int_equal(when_ok("9:57"), TODAY + 9 * H + 57 * M);
	assert_int_equal(when_ok("09:58:00"), NOW);
}

static void
test_when_days(void **state)
{
	assert_int_equal(when_ok("tomorrow"), TODAY + D + 9 * H);
	assert_int_equal(when_ok("tomorrow 9:00"), TODAY + D + 9 * H);
	assert_int_equal(when_ok("Tomorrow 14:15"), TODAY + D + 14 * H + 15 * M);
	assert_int_equal(when_ok("today 17:00"), TODAY + 17 * H);
	/* Today is Monday: 10:00 is still ahead, 9:00 is next week. */
	assert_int_equal(when_ok("mon 10:00"), TODAY + 10 * H);
	assert_int_equal(when_ok("mon 9:00"), TODAY + 7 * D + 9 * H);
	assert_int_equal(when_ok("fri"), TODAY + 4 * D + 9 * H);
	assert_int_equal(when_ok("Friday 5pm"), TODAY + 4 * D + 17 * H);
	assert_int_equal(when_ok("sun 8:00"), TODAY + 6 * D + 8 * H);
	when_bad("today 8:00", "in the past");
}

static void
test_when_dates(void **state)
{
	int64_t dec1 = 1796115600000LL; /* 2026-12-01 09:00 UTC */

	assert_int_equal(when_ok("2026-12-01"), dec1);
	assert_int_equal(when_ok("2026-12-01 09:00"), dec1);
	assert_int_equal(when_ok("2026-12-01T09:00:00Z"), dec1);
	assert_int_equal(when_ok("2026-12-01T10:00:00+01:00"), dec1);
	assert_int_equal(when_ok("2026-12-01t04:00:00-05:00"), dec1);
	assert_int_equal(when_ok("@1796115600"), dec1);
}

static void
test_when_refuses(void **state)
{
	when_bad("tomorow 9:00", "cannot parse time 'tomorow 9:00': expected");
	when_bad("@1767225600", "time '@1767225600' is in the past "
	    "(2026-01-01T00:00:00Z)");
	when_bad("2026-11-01", "in the past");
	when_bad("-5m", "cannot parse");
	when_bad("25:00", "cannot parse");
	when_bad("9:60", "cannot parse");
	when_bad("13pm", "cannot parse");
	when_bad("9", "cannot parse");
	when_bad("30", "cannot parse");
	when_bad("in 2 parsecs", "cannot parse");
	when_bad("2026-02-30", "cannot parse");
	when_bad("2026-12-01T09:00:00+25:00", "cannot parse");
	when_bad("in 99999 weeks", "cannot parse");
	when_bad("next tuesday at noon and then some more words to make it "
	    "long enough to overflow the buffer", "cannot parse");
}

/* Local times follow TZ, daylight saving included. */
static void
test_when_local_zone(void **state)
{
	set_tz("EST5EDT,M3.2.0,M11.1.0"); /* now is 04:58 EST */
	assert_int_equal(when_ok("9:00"), TODAY + 14 * H);
	assert_int_equal(when_ok("2026-12-01 09:00"), 1796115600000LL + 5 * H);
	assert_int_equal(when_ok("2026-12-01T09:00:00Z"), 1796115600000LL);
	/* July is daylight time: 09:00 EDT is 13:00 UTC. */
	assert_int_equal(when_ok("2027-07-01 09:00"), iso("2027-07-01T13:00:00Z"));
	assert_int_equal(when_ok("tomorrow"), TODAY + D + 14 * H);
	set_tz("UTC");
}

static void
test_since(void **state)
{
	char *cause = NULL;
	int64_t t;

	assert_int_equal(since_ok("7d"), NOW - 7 * D);
	assert_int_equal(since_ok("24h"), NOW - 24 * H);
	assert_int_equal(since_ok("2w"), NOW - 14 * D);
	assert_int_equal(since_ok("30m"), NOW - 30 * M);
	assert_int_equal(since_ok("7 days ago"), NOW - 7 * D);
	assert_int_equal(since_ok("2026-11-01"), iso("2026-11-01T00:00:00Z"));
	assert_int_equal(since_ok("2026-11-01 08:30"), iso("2026-11-01T08:30:00Z"));
	assert_int_equal(since_ok("2026-11-01T08:30:00+02:00"),
	    iso("2026-11-01T06:30:00Z"));
	assert_int_equal(since_ok("@1767225600"), 1767225600000LL);
	assert_int_equal(since_ok("today"), TODAY);
	assert_int_equal(since_ok("yesterday"), TODAY - D);
	assert_int_equal(since_parse("lastweek", NOW, &t, &cause), -1);
	assert_non_null(strstr(cause, "cannot parse time 'lastweek'"));
	assert_non_null(strstr(cause, "7d"));
	free(cause);
	set_tz("EST5EDT,M3.2.0,M11.1.0");
	assert_int_equal(since_ok("2026-11-01"), iso("2026-11-01T04:00:00Z"));
	set_tz("UTC");
}

static void
test_format_iso(void **state)
{
	char buf[32];

	time_format_iso(0, buf, sizeof buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	time_format_iso(NOW + 999, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-23T09:58:00Z");
	time_format_iso(-1, buf, sizeof buf);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	time_format_iso(NOW, buf, 5); /* too small: empty, never cut */
	assert_string_equal(buf, "");
}

static void
test_parse_iso(void **state)
{
	int64_t t;

	assert_int_equal(iso("2026-11-23T09:58:00Z"), NOW);
	assert_int_equal(iso("2026-11-23T10:58:00+01:00"), NOW);
	assert_int_equal(iso("2026-11-23T04:58:00-0500"), NOW);
	assert_int_equal(iso("2026-11-23T09:58:00.000Z"), NOW);
	assert_int_equal(iso("2026-11-23T09:58:00.25Z"), NOW + 250);
	assert_int_equal(iso("2026-11-23 09:58:00Z"), NOW);
	assert_int_equal(iso("2026-11-23T09:58Z"), NOW);
	assert_int_equal(iso("2026-11-23"), TODAY);
	assert_int_equal(time_parse_iso("2026-13-01", &t), -1);
	assert_int_equal(time_parse_iso("2026-11-23T25:00:00Z", &t), -1);
	assert_int_equal(time_parse_iso("2026-11-23T09:58:00+2500", &t), -1);
	assert_int_equal(time_parse_iso("2026-11-23T09:58:00Zjunk", &t), -1);
	assert_int_equal(time_parse_iso("yesterday", &t), -1);
}

static void
test_parse_rfc2822(void **state)
{
	int64_t t;

	assert_int_equal(iso("Mon, 23 Nov 2026 09:58:00 +0000"), NOW);
	assert_int_equal(iso("Mon, 23 Nov 2026 04:58:00 -0500"), NOW);
	assert_int_equal(iso("23 Nov 2026 09:58 GMT"), NOW);
	assert_int_equal(iso("Mon, 23 Nov 2026 01:58:00 PST"), NOW);
	assert_int_equal(iso("Mon, 23 Nov 2026 09:58:00 +0000 (UTC)"), NOW);
	assert_int_equal(iso("Mon,  23 Nov 26 09:58:00 GMT"), NOW);
	assert_int_equal(iso("Tue, 1 Jul 2003 10:52:37 +0200"), 1057049557000LL);
	assert_int_equal(time_parse_iso("Mon, 32 Nov 2026 09:58 +0000", &t), -1);
	assert_int_equal(time_parse_iso("Mon, 23 Foo 2026 09:58 +0000", &t), -1);
	assert_int_equal(time_parse_iso("Mon, 23 Nov 2026 +0000", &t), -1);
	assert_int_equal(time_parse_iso("Mon, 23 Nov 2026 09:58 +00", &t), -1);
}

static void
test_format_relative(void **state)
{
	char buf[4];

	assert_string_equal(rel(NOW), "now");
	assert_string_equal(rel(NOW - 30 * S), "now");
	assert_string_equal(rel(NOW - 5 * M), "5m");
	assert_string_equal(rel(NOW - 3 * H - 10 * M), "3h");
	assert_string_equal(rel(NOW - 2 * D), "Sat");
	assert_string_equal(rel(iso("2026-11-12T15:00:00Z")), "12 Nov");
	assert_string_equal(rel(iso("2024-05-01T12:00:00Z")), "2024");
	assert_string_equal(rel(NOW + 5 * M), "in 5m");
	time_format_relative(NOW - 5 * M, NOW, buf, sizeof buf);
	assert_string_equal(buf, "5m");
}

/* Call lengths as a person reads them. */
static void
test_format_duration(void **state)
{
	char buf[16];

	time_format_duration(42, buf, sizeof buf);
	assert_string_equal(buf, "0:42");
	time_format_duration(185, buf, sizeof buf);
	assert_string_equal(buf, "3:05");
	time_format_duration(3729, buf, sizeof buf);
	assert_string_equal(buf, "1:02:09");
	time_format_duration(-1, buf, sizeof buf);
	assert_string_equal(buf, "-");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_duration),
		cmocka_unit_test_setup(test_empty, utc),
		cmocka_unit_test_setup(test_when_delays, utc),
		cmocka_unit_test_setup(test_when_clock, utc),
		cmocka_unit_test_setup(test_when_days, utc),
		cmocka_unit_test_setup(test_when_dates, utc),
		cmocka_unit_test_setup(test_when_refuses, utc),
		cmocka_unit_test_setup(test_when_local_zone, utc),
		cmocka_unit_test_setup(test_since, utc),
		cmocka_unit_test_setup(test_format_iso, utc),
		cmocka_unit_test_setup(test_parse_iso, utc),
		cmocka_unit_test_setup(test_parse_rfc2822, utc),
		cmocka_unit_test_setup(test_format_relative, utc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
