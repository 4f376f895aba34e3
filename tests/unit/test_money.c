/* test_money.c — prices as providers report them and as lists show them. */

#include "harness.h"

#include "hark/core.h"

static int64_t
parse_ok(const char *s, const char *currency)
{
	struct hark_money m;
	char *cause = NULL;

	if (money_parse(s, currency, &m, &cause) != 0)
		fail_msg("'%s': unexpected error: %s", s, cause);
	return m.micros;
}

static void
parse_bad(const char *s, const char *currency, const char *why)
{
	struct hark_money m;
	char *cause = NULL;

	if (money_parse(s, currency, &m, &cause) == 0)
		fail_msg("'%s': accepted as %lld", s ? s : "(null)",
		    (long long)m.micros);
	assert_non_null(cause);
	if (strstr(cause, why) == NULL)
		fail_msg("cause '%s' lacks '%s'", cause, why);
	free(cause);
}

static const char *
fmt(int64_t micros, const char *currency)
{
	static char buf[64];
	struct hark_money m;

	m.micros = micros;
	snprintf(m.currency, sizeof m.currency, "%s", currency);
	money_format(&m, buf, sizeof buf);
	return buf;
}

static void
test_parse_empty(void **state)
{
	parse_bad(NULL, "USD", "empty");
	parse_bad("", "USD", "empty");
	parse_bad("   ", "USD", "cannot parse amount '   '");
}

static void
test_parse(void **state)
{
	struct hark_money m;
	char *cause = NULL;

	assert_int_equal(parse_ok("-0.00750", "USD"), -7500);
	assert_int_equal(parse_ok("12", "USD"), 12000000);
	assert_int_equal(parse_ok("0.0079", "USD"), 7900);
	assert_int_equal(parse_ok("+1.5", "EUR"), 1500000);
	assert_int_equal(parse_ok(" 3.25 ", "GBP"), 3250000);
	assert_int_equal(parse_ok(".5", NULL), 500000);
	assert_int_equal(parse_ok("7.", NULL), 7000000);
	assert_int_equal(parse_ok("-0", NULL), 0);
	assert_int_equal(parse_ok("9223372036854.775807", NULL), INT64_MAX);
	assert_int_equal(money_parse("-0.00750", "usd", &m, &cause), 0);
	assert_string_equal(m.currency, "USD");
	assert_int_equal(money_parse("1", NULL, &m, &cause), 0);
	assert_string_equal(m.currency, "");
	assert_null(cause);
}

/* Past six decimals the amount rounds half away from zero. */
static void
test_parse_rounding(void **state)
{
	assert_int_equal(parse_ok("0.0000005", NULL), 1);
	assert_int_equal(parse_ok("0.0000004999", NULL), 0);
	assert_int_equal(parse_ok("-0.0000005", NULL), -1);
	assert_int_equal(parse_ok("1.2345678", NULL), 1234568);
	assert_int_equal(parse_ok("0.9999995", NULL), 1000000);
	assert_int_equal(parse_ok("0.00000049999999999999999", NULL), 0);
}

static void
test_parse_rejects(void **state)
{
	parse_bad("abc", "USD", "cannot parse amount 'abc'");
	parse_bad("1.2.3", "USD", "expected a decimal number");
	parse_bad("1e5", "USD", "cannot parse");
	parse_bad("$1.00", "USD", "cannot parse");
	parse_bad("1,00", "USD", "cannot parse");
	parse_bad(".", "USD", "cannot parse");
	parse_bad("-", "USD", "cannot parse");
	parse_bad("- 1", "USD", "cannot parse");
	parse_bad("99999999999999999999", "USD", "too large");
	parse_bad("9223372036854.775808", "USD", "too large");
	parse_bad("1", "US", "'US' is not a currency code");
	parse_bad("1", "US1", "not a currency code");
	parse_bad("1", "USDX", "not a currency code");
}

static void
test_format(void **state)
{
	assert_string_equal(fmt(7900, "USD"), "$0.0079");
	assert_string_equal(fmt(1200000, "EUR"), "\xe2\x82\xac" "1.20");
	assert_string_equal(fmt(40000, "GBP"), "\xc2\xa3" "0.04");
	assert_string_equal(fmt(7900, "XYZ"), "0.0079 XYZ");
	assert_string_equal(fmt(-7500, "USD"), "-$0.0075");
	assert_string_equal(fmt(0, "USD"), "$0.00");
	assert_string_equal(fmt(12000000, "USD"), "$12.00");
	assert_string_equal(fmt(1, "USD"), "$0.000001");
	assert_string_equal(fmt(123456789, "JPY"), "123.456789 JPY");
	assert_string_equal(fmt(1500000, ""), "1.50");
	assert_string_equal(fmt(INT64_MIN, "USD"), "-$9223372036854.775808");
	assert_string_equal(fmt(INT64_MAX, ""), "9223372036854.775807");
}

static void
test_format_truncates(void **state)
{
	struct hark_money m = { 1234567890, "USD" };
	char buf[6];

	money_format(&m, buf, sizeof buf);
	assert_string_equal(buf, "$1234");
	money_format(&m, buf, 0); /* writes nothing */
}

static void
test_mul(void **state)
{
	struct hark_money a = { 7900, "USD" }, r;

	assert_int_equal(money_mul(&a, 3, &r), 0);
	assert_int_equal(r.micros, 23700);
	assert_string_equal(r.currency, "USD");
	assert_int_equal(money_mul(&a, -2, &r), 0);
	assert_int_equal(r.micros, -15800);
	assert_int_equal(money_mul(&a, 0, &r), 0);
	assert_int_equal(r.micros, 0);
	a.micros = INT64_MAX / 2 + 1;
	assert_int_equal(money_mul(&a, 2, &r), -1);
	a.micros = INT64_MIN;
	assert_int_equal(money_mul(&a, -1, &r), -1);
	a.micros = -1;
	assert_int_equal(money_mul(&a, INT64_MIN, &r), -1);
	/* Multiplying in place works: a cost times a segment count. */
	a.micros = 7900;
	assert_int_equal(money_mul(&a, 2, &a), 0);
	assert_int_equal(a.micros, 15800);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_rounding),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_truncates),
		cmocka_unit_test(test_mul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
