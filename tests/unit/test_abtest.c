/* test_abtest.c — A/B tests: sticky weighted variants, the two-proportion z-test, the too-few rule, medians. */

#include "harness.h"

#include <math.h>

#include "hark/template.h"

static void
test_pick_degenerate(void **state)
{
	int none[2] = { 0, 0 }, neg[2] = { -3, 0 }, one[1] = { 1 };

	assert_int_equal(abtest_pick(1, 1, one, 0), -1);
	assert_int_equal(abtest_pick(1, 1, none, 2), -1);
	assert_int_equal(abtest_pick(1, 1, neg, 2), -1);
	assert_int_equal(abtest_pick(1, 42, one, 1), 0);
}

/* A weight of 0 switches a variant off: nobody gets it. */
static void
test_pick_zero_weight(void **state)
{
	int w[3] = { 1, 0, 1 };
	int64_t c;

	for (c = 1; c <= 2000; c++)
		assert_int_not_equal(abtest_pick(7, c, w, 3), 1);
}

/*
 * Over 10,000 contacts the shares follow the weights 1:3 (25% / 75%) within
 * 1.5 points (the standard deviation of a 25% share of 10,000 is 0.43
 * points), and asking again gives every contact the same variant.
 */
static void
test_pick_sticky_and_weighted(void **state)
{
	int w[2] = { 1, 3 }, first[10000];
	int count[2] = { 0, 0 };
	int64_t c;

	for (c = 1; c <= 10000; c++) {
		first[c - 1] = abtest_pick(12, c, w, 2);
		assert_true(first[c - 1] == 0 || first[c - 1] == 1);
		count[first[c - 1]]++;
	}
	if (count[0] < 2350 || count[0] > 2650)
		fail_msg("variant A got %d of 10000, expected about 2500", count[0]);
	for (c = 1; c <= 10000; c++)
		assert_int_equal(abtest_pick(12, c, w, 2), first[c - 1]);
}

/* Equal weights over three variants: each about a third. */
static void
test_pick_three_way(void **state)
{
	int w[3] = { 2, 2, 2 }, count[3] = { 0, 0, 0 }, i;
	int64_t c;

	for (c = 1000; c < 11000; c++)
		count[abtest_pick(99, c, w, 3)]++;
	for (i = 0; i < 3; i++) {
		if (count[i] < 3183 || count[i] > 3483)
			fail_msg("variant %d got %d of 10000", i, count[i]);
	}
}

/* Another test (template) assigns independently: not the same split. */
static void
test_pick_tests_independent(void **state)
{
	int w[2] = { 1, 1 }, same = 0;
	int64_t c;

	for (c = 1; c <= 10000; c++)
		same += abtest_pick(1, c, w, 2) == abtest_pick(2, c, w, 2);
	if (same < 4700 || same > 5300)
		fail_msg("two tests agreed on %d of 10000 contacts", same);
}

static void
test_ztest_bad_counts(void **state)
{
	struct abtest_result r;

	assert_int_equal(abtest_ztest(5, 4, 1, 10, &r), -1);
	assert_int_equal(abtest_ztest(-1, 4, 1, 10, &r), -1);
	assert_int_equal(abtest_ztest(0, 0, 0, 0, &r), 0);
	assert_true(r.too_few);
	assert_false(r.significant);
	assert_true(r.p == 1.0);
}

/*
 * By hand: 40/100 against 55/100. P = 95/200 = 0.475, P(1-P) = 0.249375,
 * SE = sqrt(0.249375 * (1/100 + 1/100)) = sqrt(0.0049875) = 0.0706222,
 * z = (0.55 - 0.40) / 0.0706222 = 2.12398, and from the normal table
 * Phi(2.124) = 0.98317, so p = 2 (1 - 0.98317) = 0.0337: significant at 5%.
 */
static void
test_ztest_by_hand(void **state)
{
	struct abtest_result r;

	assert_int_equal(abtest_ztest(40, 100, 55, 100, &r), 0);
	assert_true(fabs(r.rate1 - 0.40) < 1e-12);
	assert_true(fabs(r.rate2 - 0.55) < 1e-12);
	assert_true(fabs(r.z - 2.12398) < 5e-5);
	assert_true(fabs(r.p - 0.03367) < 5e-5);
	assert_false(r.too_few);
	assert_true(r.significant);
	/* Swapping the arms flips z, not p. */
	assert_int_equal(abtest_ztest(55, 100, 40, 100, &r), 0);
	assert_true(fabs(r.z + 2.12398) < 5e-5);
	assert_true(fabs(r.p - 0.03367) < 5e-5);
}

/*
 * A conversion-rate example: 100 of 1000 against 120 of 1000. P = 0.11,
 * SE = sqrt(0.11 * 0.89 * 0.002) = 0.0139929, z = 0.02 / 0.0139929 =
 * 1.42930, p = 0.1529: a 2-point lift on 1,000 each is not significant.
 */
static void
test_ztest_not_significant(void **state)
{
	struct abtest_result r;

	assert_int_equal(abtest_ztest(100, 1000, 120, 1000, &r), 0);
	assert_true(fabs(r.z - 1.42930) < 5e-5);
	assert_true(fabs(r.p - 0.15292) < 5e-5);
	assert_false(r.too_few);
	assert_false(r.significant);
}

/* Identical rates: z = 0, p = 1. */
static void
test_ztest_equal(void **state)
{
	struct abtest_result r;

	assert_int_equal(abtest_ztest(30, 60, 30, 60, &r), 0);
	assert_true(fabs(r.z) < 1e-12);
	assert_true(fabs(r.p - 1.0) < 1e-12);
	assert_false(r.significant);
}

/*
 * The too-few rule: every expected count n P and n (1-P) must be at least
 * 5. 6/20 against 14/20 gives P = 0.5 and expected counts of 10: enough
 * (z = 2.5298, p = 0.0114). 2/20 against 4/20 gives P = 0.15 and n P = 3:
 * too few, whatever the p-value. 0/40 against 0/40 has no successes.
 */
static void
test_ztest_too_few(void **state)
{
	struct abtest_result r;

	assert_int_equal(abtest_ztest(6, 20, 14, 20, &r), 0);
	assert_false(r.too_few);
	assert_true(fabs(r.z - 2.52982) < 5e-5);
	assert_true(fabs(r.p - 0.01141) < 5e-5);
	assert_true(r.significant);
	assert_int_equal(abtest_ztest(2, 20, 4, 20, &r), 0);
	assert_true(r.too_few);
	assert_false(r.significant);
	assert_int_equal(abtest_ztest(0, 40, 0, 40, &r), 0);
	assert_true(r.too_few);
	assert_true(r.p == 1.0);
	/* Exactly 5 expected in the smallest cell is enough: 5/20 vs 5/20, P = 0.25. */
	assert_int_equal(abtest_ztest(5, 20, 5, 20, &r), 0);
	assert_false(r.too_few);
	/* 3/33 against 2/16: P = 5/49, so n2 P = 1.6: too few. */
	assert_int_equal(abtest_ztest(3, 33, 2, 16, &r), 0);
	assert_true(r.too_few);
}

static void
test_median(void **state)
{
	int64_t none[1] = { 0 }, odd[5] = { 9, 1, 5, 3, 7 }, even[4] = { 40, 10, 30, 20 };
	int64_t big[2] = { INT64_MAX - 1, INT64_MAX - 3 };

	assert_int_equal(abtest_median(none, 0), 0);
	assert_int_equal(abtest_median(odd, 5), 5);
	assert_int_equal(abtest_median(even, 4), 25);
	assert_true(abtest_median(big, 2) == INT64_MAX - 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_degenerate),
		cmocka_unit_test(test_pick_zero_weight),
		cmocka_unit_test(test_pick_sticky_and_weighted),
		cmocka_unit_test(test_pick_three_way),
		cmocka_unit_test(test_pick_tests_independent),
		cmocka_unit_test(test_ztest_bad_counts),
		cmocka_unit_test(test_ztest_by_hand),
		cmocka_unit_test(test_ztest_not_significant),
		cmocka_unit_test(test_ztest_equal),
		cmocka_unit_test(test_ztest_too_few),
		cmocka_unit_test(test_median),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
