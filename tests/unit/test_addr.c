/* test_addr.c — phone numbers to E.164 and email addresses, as users type them. */

#include "harness.h"

#include "hark/core.h"

/* Normalises and expects success with the given E.164 result. */
static void
phone_ok(const char *input, const char *region, const char *want)
{
	char out[HARK_E164_MAX + 1];
	char *cause = NULL;

	if (addr_phone_normalize(input, region, out, &cause) != 0)
		fail_msg("'%s' (%s): unexpected error: %s", input,
		    region ? region : "-", cause);
	if (strcmp(out, want) != 0)
		fail_msg("'%s' (%s): got %s, want %s", input,
		    region ? region : "-", out, want);
}

/* Normalises and expects failure with a cause containing `why`. */
static void
phone_bad(const char *input, const char *region, const char *why)
{
	char out[HARK_E164_MAX + 1];
	char *cause = NULL;

	if (addr_phone_normalize(input, region, out, &cause) == 0)
		fail_msg("'%s' (%s): accepted as %s", input,
		    region ? region : "-", out);
	assert_non_null(cause);
	if (strstr(cause, why) == NULL)
		fail_msg("'%s': cause '%s' lacks '%s'", input, cause, why);
	free(cause);
}

static void
email_ok(const char *input, const char *want)
{
	char *cause = NULL;
	char *out = addr_email_normalize(input, &cause);

	if (out == NULL)
		fail_msg("'%s': unexpected error: %s", input, cause);
	assert_string_equal(out, want);
	free(out);
}

static void
email_bad(const char *input, const char *why)
{
	char *cause = NULL;
	char *out = addr_email_normalize(input, &cause);

	if (out != NULL)
		fail_msg("'%s': accepted as %s", input, out);
	assert_non_null(cause);
	if (strstr(cause, why) == NULL)
		fail_msg("'%s': cause '%s' lacks '%s'", input, cause, why);
	free(cause);
}

static void
test_phone_empty(void **state)
{
	phone_bad(NULL, "US", "empty");
	phone_bad("", "US", "empty");
	phone_bad("   ", "US", "empty");
	phone_bad("()-", "US", "no digits");
	assert_null(addr_phone_region(NULL));
	assert_null(addr_phone_region(""));
}

static void
test_phone_us_formats(void **state)
{
	phone_ok("(415) 555-2671", "US", "+14155552671");
	phone_ok("415.555.2671", "US", "+14155552671");
	phone_ok("415 555 2671", "us", "+14155552671");
	phone_ok("1-415-555-2671", "US", "+14155552671");
	phone_ok("+1 415 555 2671", "US", "+14155552671");
	phone_ok("+1 415 555 2671", NULL, "+14155552671");
	phone_ok("+1 (415) 555-2671", "GB", "+14155552671");
	phone_ok("tel:+1-415-555-2671", NULL, "+14155552671");
	phone_ok("whatsapp:+14155552671", NULL, "+14155552671");
	phone_ok("  +14155552671  ", NULL, "+14155552671");
	phone_ok("416 555 0123", "CA", "+14165550123");
	phone_ok("07700 900123", "UK", "+447700900123");
}

static void
test_phone_international_prefixes(void **state)
{
	phone_ok("+44 20 7946 0958", NULL, "+442079460958");
	phone_ok("020 7946 0958", "GB", "+442079460958");
	phone_ok("+44 (0)20 7946 0958", NULL, "+442079460958");
	phone_ok("00 44 20 7946 0958", "DE", "+442079460958");
	phone_ok("011 44 20 7946 0958", "US", "+442079460958");
	phone_ok("00 33 1 42 68 53 00", NULL, "+33142685300");
	phone_ok("01 42 68 53 00", "FR", "+33142685300");
	phone_ok("0011 1 415 555 2671", "AU", "+14155552671");
	phone_ok("030 123456", "DE", "+4930123456");
	phone_ok("0412 345 678", "AU", "+61412345678");
	phone_ok("06 6982 0000", "IT", "+390669820000");  /* Italy keeps the 0 */
	phone_ok("+39 06 6982 0000", NULL, "+390669820000");
	phone_ok("8 916 123 45 67", "RU", "+79161234567");
	phone_ok("090-1234-5678", "JP", "+819012345678");
	phone_ok("+52 1 55 1234 5678", NULL, "+525512345678"); /* old mobile 1 */
	phone_ok("9123 4567", "SG", "+6591234567");
	phone_ok("+91 98765 43210", NULL, "+919876543210");
	phone_ok("+55 11 91234 5678", NULL, "+5511912345678");
}

static void
test_phone_nanp_rules(void **state)
{
	phone_bad("+1 015 555 2671", NULL,
	    "'+1 015 555 2671' is not a valid US number: area code cannot "
	    "start with 0");
	phone_bad("+1 115 555 2671", NULL, "area code cannot start with 1");
	phone_bad("(415) 055-2671", "US", "exchange code cannot start with 0");
	phone_bad("(415) 155-2671", "US", "exchange code cannot start with 1");
	phone_bad("911 555 2671", "US", "service code");
	phone_bad("415 555 267", "US", "too short (9 digits; a US number has 10)");
	phone_bad("415 555 26710", "US", "too long");
	phone_bad("+1 416 055 1234", NULL, "not a valid CA number");
}

static void
test_phone_rejects(void **state)
{
	char out[HARK_E164_MAX + 1];
	char *cause = NULL;

	phone_bad("1-800-FLOWERS", "US", "letters");
	phone_bad("call me", "US", "letters");
	phone_bad("415 555 2671 x12", "US", "extension");
	phone_bad("415-555-2671 ext. 4", "US", "extension");
	phone_bad("+1 415 555 2671;ext=4", NULL, "extension");
	phone_bad("415+555", "US", "'+' can only come first");
	phone_bad("415*555*2671", "US", "other than digits");
	phone_bad("415 555 2671", NULL, "no country code");
	phone_bad("+999 1234 5678", NULL, "unknown country calling code +999");
	phone_bad("00", NULL, "no country code follows");
	phone_bad("+44 20 7946", NULL, "too short");
	phone_bad("+44 20 7946 0958 123", NULL, "is not a valid GB number: too long");
	phone_bad("12345678901234567890123", "US", "too many digits");
	phone_bad("+33 0 0 42 68 53 00", NULL, "cannot start with 0");
	/* An unknown region is the configuration's fault: say so. */
	assert_int_equal(addr_phone_normalize("415 555 2671", "XX", out, &cause),
	    -1);
	assert_non_null(strstr(cause, "unknown region 'XX'"));
	free(cause);
	/* ...but does not matter to a number that names its country. */
	phone_ok("+14155552671", "XX", "+14155552671");
}

static void
test_phone_region(void **state)
{
	assert_string_equal(addr_phone_region("+14155552671"), "US");
	assert_string_equal(addr_phone_region("+14165550123"), "CA");
	assert_string_equal(addr_phone_region("+18765550123"), "JM");
	assert_string_equal(addr_phone_region("+442079460958"), "GB");
	assert_string_equal(addr_phone_region("+79161234567"), "RU");
	assert_string_equal(addr_phone_region("+77012345678"), "KZ");
	assert_string_equal(addr_phone_region("+819012345678"), "JP");
	assert_string_equal(addr_phone_region("+61412345678"), "AU");
	assert_null(addr_phone_region("+9991234"));
	assert_null(addr_phone_region("4155552671"));
}

static void
test_email_empty(void **state)
{
	email_bad(NULL, "empty");
	email_bad("", "empty");
	email_bad("  ", "empty");
	email_bad("Name <>", "empty");
}

static void
test_email_valid(void **state)
{
	email_ok("ana@example.com", "ana@example.com");
	email_ok("  Ana.Lopez@Example.COM ", "Ana.Lopez@example.com");
	email_ok("Ana Lopez <ana@EXAMPLE.com>", "ana@example.com");
	email_ok("\"Lopez, Ana\" <ana+news@mail.example.co.uk>",
	    "ana+news@mail.example.co.uk");
	email_ok("mailto:ana@example.com", "ana@example.com");
	email_ok("\"ana lopez\"@example.com", "\"ana lopez\"@example.com");
	email_ok("o'brien@example.ie", "o'brien@example.ie");
	email_ok("user@[192.168.0.1]", "user@[192.168.0.1]");
	email_ok("user@[IPv6:2001:db8::1]", "user@[ipv6:2001:db8::1]");
	email_ok("x@a-b.example", "x@a-b.example");
}

static void
test_email_invalid(void **state)
{
	char addr[300];

	email_bad("ana.example.com", "'ana.example.com' is not a valid email "
	    "address: it has no '@'");
	email_bad("@example.com", "nothing before the '@'");
	email_bad("ana@", "nothing after the '@'");
	email_bad("ana@localhost", "no dot");
	email_bad("ana..lopez@example.com", "two dots in a row");
	email_bad(".ana@example.com", "starts or ends with a dot");
	email_bad("ana lopez@example.com", "needs quoting");
	email_bad("ana@exa mple.com", "letters, digits, hyphens");
	email_bad("ana@-example.com", "starts with a hyphen");
	email_bad("ana@example-.com", "ends with a hyphen");
	email_bad("ana@example..com", "empty part");
	email_bad("ana@example.com.", "empty part");
	email_bad("ana@1.2.3.4", "all digits");
	email_bad("user@[300.1.1.1]", "IP address");
	email_bad("\"unclosed@example.com", "not closed");
	email_bad("ana@example.com>", "'>' without '<'");
	memset(addr, 'a', 65);
	strcpy(addr + 65, "@example.com");
	email_bad(addr, "longer than 64");
	memset(addr, 'a', 250);
	strcpy(addr + 250, "@example.com");
	email_bad(addr, "longer than 254");
}

static void
test_addr_normalize(void **state)
{
	char *cause = NULL;
	char *s;

	s = addr_normalize(HARK_CH_SMS, "(415) 555-2671", "US", &cause);
	assert_string_equal(s, "+14155552671");
	free(s);
	s = addr_normalize(HARK_CH_WHATSAPP, "whatsapp:+442079460958", NULL,
	    &cause);
	assert_string_equal(s, "+442079460958");
	free(s);
	s = addr_normalize(HARK_CH_VOICE, "020 7946 0958", "GB", &cause);
	assert_string_equal(s, "+442079460958");
	free(s);
	s = addr_normalize(HARK_CH_EMAIL, "Ana <ana@EXAMPLE.com>", "US", &cause);
	assert_string_equal(s, "ana@example.com");
	free(s);
	assert_null(cause);
	/* A phone number is not an email address, nor the other way round. */
	assert_null(addr_normalize(HARK_CH_EMAIL, "+14155552671", "US", &cause));
	assert_non_null(strstr(cause, "no '@'"));
	assert_null(addr_normalize(HARK_CH_SMS, "ana@example.com", "US", &cause));
	assert_non_null(strstr(cause, "letters"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone_empty),
		cmocka_unit_test(test_phone_us_formats),
		cmocka_unit_test(test_phone_international_prefixes),
		cmocka_unit_test(test_phone_nanp_rules),
		cmocka_unit_test(test_phone_rejects),
		cmocka_unit_test(test_phone_region),
		cmocka_unit_test(test_email_empty),
		cmocka_unit_test(test_email_valid),
		cmocka_unit_test(test_email_invalid),
		cmocka_unit_test(test_addr_normalize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
