/* test_backoff.c — how long the outbox waits before trying a send again. */

#include "harness.h"

#include "hark/core.h"

#define NOW 1445412480000LL /* Wed, 21 Oct 2015 07:28:00 GMT */

static const struct backoff_policy policy = { 1000, 300000, 8 };

static void
test_degenerate(void **state)
{
	struct backoff_policy zero = { 0, 0, 0 };
	int64_t d;

	/* A policy left at zero falls back to 1 s .. 5 min, never 0 ms. */
	assert_int_equal(backoff_delay_ms(&zero, 1, 0, 0), 500);
	d = backoff_delay_ms(&zero, 1, UINT64_MAX, 0);
	assert_true(d >= 500 && d <= 1000);
	assert_int_equal(backoff_delay_ms(&zero, 100, 0, 0), 150000);
	/* Attempt 0 or below is treated as the first retry. */
	assert_int_equal(backoff_delay_ms(&policy, 0, 0, 0), 500);
	assert_int_equal(backoff_delay_ms(&policy, -3, 0, 0), 500);
	assert_int_equal(retry_after_parse(NULL, NOW), -1);
	assert_int_equal(retry_after_parse("", NOW), -1);
	assert_int_equal(retry_after_parse("   ", NOW), -1);
}

/* The nominal delay doubles per attempt up to the cap; the smallest random
 * picks half of it, a random of exactly half the span picks all of it. */
static void
test_doubling(void **state)
{
	static const int64_t nominal[] = {
		1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000,
		300000, 300000
	};
	size_t i;
	int attempt;

	for (i = 0; i < HARK_NELEM(nominal); i++) {
		attempt = (int)i + 1;
		assert_int_equal(backoff_delay_ms(&policy, attempt, 0, 0),
		    nominal[i] / 2);
		assert_int_equal(backoff_delay_ms(&policy, attempt,
		    (uint64_t)(nominal[i] / 2), 0), nominal[i]);
	}
	/* Far past the cap there is no overflow. */
	assert_int_equal(backoff_delay_ms(&policy, 1000000, 0, 0), 150000);
	assert_int_equal(backoff_delay_ms(&policy, 64, 0, 0), 150000);
}

/* A cap set absurdly high ("never stop growing") must not overflow. */
static void
test_huge_cap(void **state)
{
	struct backoff_policy p = { 1000, INT64_MAX, 100 };
	int64_t d;

	d = backoff_delay_ms(&p, 80, 0, 0);
	assert_true(d >= INT64_MAX / 4);
	d = backoff_delay_ms(&p, 80, UINT64_MAX, 0);
	assert_true(d > 0);
}

static void
test_jitter_bounds(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	int64_t d, nominal, lo_seen = INT64_MAX, hi_seen = 0;
	int attempt, k;

	for (attempt = 1; attempt <= 12; attempt++) {
		nominal = attempt >= 10 ? 300000 : 1000LL << (attempt - 1);
		for (k = 0; k < 2000; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			d = backoff_delay_ms(&policy, attempt, x, 0);
			if (d < nominal / 2 || d > nominal)
				fail_msg("attempt %d: %lld outside [%lld, %lld]",
				    attempt, (long long)d,
				    (long long)(nominal / 2), (long long)nominal);
			if (attempt == 1) {
				lo_seen = d < lo_seen ? d : lo_seen;
				hi_seen = d > hi_seen ? d : hi_seen;
			}
		}
	}
	/* The jitter really spreads retries over the range. */
	assert_true(lo_seen < 600);
	assert_true(hi_seen > 900);
}

static void
test_pure(void **state)
{
	assert_int_equal(backoff_delay_ms(&policy, 5, 12345, 0),
	    backoff_delay_ms(&policy, 5, 12345, 0));
	assert_int_equal(backoff_delay_ms(&policy, 5, 12345, 9000),
	    backoff_delay_ms(&policy, 5, 12345, 9000));
}

static void
test_retry_after_floor(void **state)
{
	/* The provider's Retry-After wins when it asks for longer. */
	assert_int_equal(backoff_delay_ms(&policy, 1, 0, 5000), 5000);
	/* ...and never shortens our own delay. */
	assert_int_equal(backoff_delay_ms(&policy, 3, 0, 100), 2000);
	/* A provider asking for days is held to an hour. */
	assert_int_equal(backoff_delay_ms(&policy, 1, 0, 7 * 86400000LL),
	    3600000);
	/* Zero or negative means none was given. */
	assert_int_equal(backoff_delay_ms(&policy, 1, 0, -1), 500);
}

static void
test_retry_after_parse(void **state)
{
	assert_int_equal(retry_after_parse("120", NOW), 120000);
	assert_int_equal(retry_after_parse(" 5 ", NOW), 5000);
	assert_int_equal(retry_after_parse("0", NOW), 0);
	assert_int_equal(retry_after_parse("-5", NOW), -1);
	assert_int_equal(retry_after_parse("5s", NOW), -1);
	assert_int_equal(retry_after_parse("1.5", NOW), -1);
	assert_int_equal(retry_after_parse("99999999999999999999", NOW), -1);
	assert_int_equal(retry_after_parse("Wed, 21 Oct 2015 07:29:00 GMT",
	    NOW), 60000);
	/* A date already past means "now", not an error. */
	assert_int_equal(retry_after_parse("Wed, 21 Oct 2015 07:00:00 GMT",
	    NOW), 0);
	assert_int_equal(retry_after_parse("Wed, 21 Oct 2015", NOW), -1);
	assert_int_equal(retry_after_parse("soon", NOW), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_degenerate),
		cmocka_unit_test(test_doubling),
		cmocka_unit_test(test_huge_cap),
		cmocka_unit_test(test_jitter_bounds),
		cmocka_unit_test(test_pure),
		cmocka_unit_test(test_retry_after_floor),
		cmocka_unit_test(test_retry_after_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
