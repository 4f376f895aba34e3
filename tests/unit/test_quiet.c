/* test_quiet.c — time zone rules from TZif files, quiet-hour windows across midnight, DST changes and far zones, frequency caps. */

#include "harness.h"

#include "hark/core.h"

/* The system's zone files (Debian's tzdata): what hark reads at run time. */
static struct tz *
load_zone(const char *name)
{
	char path[256];
	unsigned char buf[1 << 16];
	struct tz *z;
	size_t n;
	FILE *f;

	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	z = tz_parse(buf, n, NULL);
	assert_non_null(z);
	return z;
}

/* UTC ms of a civil UTC time. */
static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	return (tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60) * 1000;
}

static void
test_degenerate(void **state)
{
	unsigned char junk[64] = "TZif2 but nothing after";
	char *cause = NULL;
	int s, e, n, days;

	(void)state;
	assert_null(tz_parse(junk, 0, &cause));
	free(cause);
	cause = NULL;
	assert_null(tz_parse(junk, sizeof junk, &cause));
	assert_non_null(strstr(cause, "TZif"));
	free(cause);
	/* No window: never quiet. */
	assert_int_equal(quiet_until(0, 0, tz_fixed_offset_cb, NULL, 0, NULL), 0);
	cause = NULL;
	assert_int_equal(quiet_parse("", &s, &e, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(quiet_parse("21:00-21:00", &s, &e, &cause), -1);
	assert_non_null(strstr(cause, "same time"));
	free(cause);
	cause = NULL;
	assert_int_equal(quiet_parse("25:00-08:00", &s, &e, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(quiet_parse("21:00-08:61", &s, &e, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(cap_parse("3/month", &n, &days, &cause), -1);
	assert_non_null(strstr(cause, "N/day or N/week"));
	free(cause);
	cause = NULL;
	assert_int_equal(cap_parse("0/day", &n, &days, &cause), -1);
	free(cause);
}

static void
test_parse(void **state)
{
	int s, e, n, days;
	char buf[8];

	(void)state;
	assert_int_equal(quiet_parse("21:00-08:00", &s, &e, NULL), 0);
	assert_int_equal(s, 21 * 60);
	assert_int_equal(e, 8 * 60);
	assert_int_equal(quiet_parse("22:30 07:15", &s, &e, NULL), 0);
	assert_int_equal(s, 22 * 60 + 30);
	assert_int_equal(e, 7 * 60 + 15);
	assert_int_equal(quiet_parse("21-8", &s, &e, NULL), 0);
	assert_int_equal(e, 480);
	quiet_format_minutes(e, buf, sizeof buf);
	assert_string_equal(buf, "08:00");
	assert_int_equal(cap_parse("3/day", &n, &days, NULL), 0);
	assert_int_equal(n, 3);
	assert_int_equal(days, 1);
	assert_int_equal(cap_parse("10/week", &n, &days, NULL), 0);
	assert_int_equal(days, 7);
}

/* Europe/Berlin: CET +1, CEST +2 from the last Sunday of March 01:00 UTC
 * to the last Sunday of October 01:00 UTC. */
static void
test_berlin_offsets(void **state)
{
	struct tz *z = load_zone("Europe/Berlin");

	(void)state;
	assert_int_equal(tz_offset(z, utc(2026, 1, 15, 12, 0)), 3600);
	assert_int_equal(tz_offset(z, utc(2026, 7, 15, 12, 0)), 7200);
	/* 2026-03-29 and 2026-10-25 are the change days. */
	assert_int_equal(tz_offset(z, utc(2026, 3, 29, 0, 59)), 3600);
	assert_int_equal(tz_offset(z, utc(2026, 3, 29, 1, 0)), 7200);
	assert_int_equal(tz_offset(z, utc(2026, 10, 25, 0, 59)), 7200);
	assert_int_equal(tz_offset(z, utc(2026, 10, 25, 1, 0)), 3600);
	/* Past the file's transitions (2037): the POSIX rule takes over. */
	assert_int_equal(tz_offset(z, utc(2090, 7, 1, 0, 0)), 7200);
	assert_int_equal(tz_offset(z, utc(2090, 3, 26, 0, 59)), 3600);
	assert_int_equal(tz_offset(z, utc(2090, 3, 26, 1, 0)), 7200);
	assert_int_equal(tz_offset(z, utc(2090, 12, 1, 0, 0)), 3600);
	tz_free(z);
}

/* A window across midnight, in Berlin winter. */
static void
test_window_midnight(void **state)
{
	struct tz *z = load_zone("Europe/Berlin");
	int64_t until = 0;

	(void)state;
	/* 20:59 local (19:59 UTC): not yet. */
	assert_int_equal(quiet_until(21 * 60, 8 * 60, tz_offset_cb, z,
	    utc(2026, 1, 15, 19, 59), &until), 0);
	/* 21:00 local: quiet until 08:00 local tomorrow = 07:00 UTC. */
	assert_int_equal(quiet_until(21 * 60, 8 * 60, tz_offset_cb, z,
	    utc(2026, 1, 15, 20, 0), &until), 1);
	assert_true(until == utc(2026, 1, 16, 7, 0));
	/* 03:00 local, after midnight: the same morning's 08:00. */
	assert_int_equal(quiet_until(21 * 60, 8 * 60, tz_offset_cb, z,
	    utc(2026, 1, 16, 2, 0), &until), 1);
	assert_true(until == utc(2026, 1, 16, 7, 0));
	/* 08:00 local exactly: the window has ended. */
	assert_int_equal(quiet_until(21 * 60, 8 * 60, tz_offset_cb, z,
	    utc(2026, 1, 16, 7, 0), &until), 0);
	/* A window within one day (12:00-14:00, a lunch break). */
	assert_int_equal(quiet_until(12 * 60, 14 * 60, tz_offset_cb, z,
	    utc(2026, 1, 16, 11, 30), &until), 1);
	assert_true(until == utc(2026, 1, 16, 13, 0));
	tz_free(z);
}

/* Berlin spring forward: the night of 2026-03-28/29 is an hour shorter. */
static void
test_berlin_dst_spring(void **state)
{
	struct tz *z = load_zone("Europe/Berlin");
	int64_t until = 0;

	(void)state;
	/* 23:00 CET on the 28th: quiet until 08:00 CEST = 06:00 UTC. */
	assert_int_equal(quiet_until(21 * 60, 8 * 60, tz_offset_cb, z,
	    utc(2026, 3, 28, 22, 0), &until), 1);
	assert_true(until == utc(2026, 3, 29, 6, 0));
	/* A window ending at 02:30, an hour that does not exist that night:
	 * it ends when the clocks jump (01:00 UTC, 02:00 CET → 03:00 CEST). */
	assert_int_equal(quiet_until(23 * 60, 2 * 60 + 30, tz_offset_cb, z,
	    utc(2026, 3, 28, 23, 30), &until), 1);
	assert_true(until == utc(2026, 3, 29, 1, 0));
	tz_free(z);
}

/* Berlin fall back: 02:00-03:00 happens twice on 2026-10-25. */
static void
test_berlin_dst_autumn(void **state)
{
	struct tz *z = load_zone("Europe/Berlin");
	int64_t until = 0;

	(void)state;
	/* 23:00 CEST on the 24th: 08:00 CET on the 25th = 07:00 UTC. */
	assert_int_equal(quiet_until(21 * 60, 8 * 60, tz_offset_cb, z,
	    utc(2026, 10, 24, 21, 0), &until), 1);
	assert_true(until == utc(2026, 10, 25, 7, 0));
	/* A window ending at 02:30: the first 02:30 (CEST, 00:30 UTC). */
	assert_int_equal(quiet_until(22 * 60, 2 * 60 + 30, tz_offset_cb, z,
	    utc(2026, 10, 24, 21, 0), &until), 1);
	assert_true(until == utc(2026, 10, 25, 0, 30));
	tz_free(z);
}

/* America/New_York: EST -5, EDT -4; 2026-03-08 and 2026-11-01. */
static void
test_new_york_dst(void **state)
{
	struct tz *z = load_zone("America/New_York");
	int64_t until = 0;

	(void)state;
	assert_int_equal(tz_offset(z, utc(2026, 3, 8, 6, 59)), -5 * 3600);
	assert_int_equal(tz_offset(z, utc(2026, 3, 8, 7, 0)), -4 * 3600);
	assert_int_equal(tz_offset(z, utc(2026, 11, 1, 5, 59)), -4 * 3600);
	assert_int_equal(tz_offset(z, utc(2026, 11, 1, 6, 0)), -5 * 3600);
	/* 22:00 EST on 7 March: 08:00 EDT on the 8th = 12:00 UTC. */
	assert_int_equal(quiet_until(21 * 60, 8 * 60, tz_offset_cb, z,
	    utc(2026, 3, 8, 3, 0), &until), 1);
	assert_true(until == utc(2026, 3, 8, 12, 0));
	/* 22:00 EDT on 31 October: 08:00 EST on 1 November = 13:00 UTC. */
	assert_int_equal(quiet_until(21 * 60, 8 * 60, tz_offset_cb, z,
	    utc(2026, 11, 1, 2, 0), &until), 1);
	assert_true(until == utc(2026, 11, 1, 13, 0));
	/* 01:30 happens twice on 1 November; the window ends at the first. */
	assert_int_equal(quiet_until(23 * 60, 90, tz_offset_cb, z,
	    utc(2026, 11, 1, 4, 0), &until), 1);
	assert_true(until == utc(2026, 11, 1, 5, 30));
	tz_free(z);
}

/*
 * A contact 13 hours ahead (Pacific/Auckland in its summer, +13): noon in
 * New York is 06:00 the next day there, inside 21:00-08:00.
 */
static void
test_far_zone(void **state)
{
	struct tz *z = load_zone("Pacific/Auckland");
	int64_t until = 0, now = utc(2026, 1, 15, 17, 0); /* 12:00 in New York */

	(void)state;
	assert_int_equal(tz_offset(z, now), 13 * 3600);
	assert_int_equal(quiet_until(21 * 60, 8 * 60, tz_offset_cb, z, now, &until), 1);
	/* 08:00 NZDT on 16 January = 19:00 UTC on the 15th. */
	assert_true(until == utc(2026, 1, 15, 19, 0));
	/* In July (NZST, +12) the same UTC time is 05:00 local: still quiet. */
	assert_int_equal(tz_offset(z, utc(2026, 7, 15, 17, 0)), 12 * 3600);
	assert_int_equal(quiet_until(21 * 60, 8 * 60, tz_offset_cb, z,
	    utc(2026, 7, 15, 17, 0), &until), 1);
	assert_true(until == utc(2026, 7, 15, 20, 0));
	tz_free(z);
}

/* A fixed offset (no zone file) through the same arithmetic. */
static void
test_fixed_offset(void **state)
{
	long off = -3 * 3600 - 1800; /* Newfoundland standard time */
	int64_t until = 0;

	(void)state;
	assert_int_equal(quiet_until(21 * 60, 8 * 60, tz_fixed_offset_cb, &off,
	    utc(2026, 1, 15, 1, 0), &until), 1); /* 21:30 local */
	assert_true(until == utc(2026, 1, 15, 11, 30));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_degenerate),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_berlin_offsets),
		cmocka_unit_test(test_window_midnight),
		cmocka_unit_test(test_berlin_dst_spring),
		cmocka_unit_test(test_berlin_dst_autumn),
		cmocka_unit_test(test_new_york_dst),
		cmocka_unit_test(test_far_zone),
		cmocka_unit_test(test_fixed_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
