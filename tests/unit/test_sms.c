/* test_sms.c — segment counts and encodings a sender is billed for. */

#include "harness.h"

#include "hark/core.h"

static char *
repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit);
	char *s = malloc(len * n + 1);
	size_t i;

	for (i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

/* Analyses a repeated n1 times, then mid, then b repeated n2 times. */
static struct sms_info
analyze3(const char *a, size_t n1, const char *mid, const char *b, size_t n2)
{
	struct sms_info info;
	char *ra = repeat(a, n1), *rb = repeat(b, n2);
	char *all = malloc(strlen(ra) + strlen(mid) + strlen(rb) + 1);

	sprintf(all, "%s%s%s", ra, mid, rb);
	sms_analyze(all, strlen(all), &info);
	free(ra);
	free(rb);
	free(all);
	return info;
}

/* Analyses `unit` repeated n times after a prefix. */
static struct sms_info
analyze_rep(const char *prefix, const char *unit, size_t n)
{
	return analyze3(prefix, 1, "", unit, n);
}

static void
test_empty(void **state)
{
	struct sms_info info;

	sms_analyze("", 0, &info);
	assert_int_equal(info.encoding, SMS_GSM7);
	assert_int_equal(info.chars, 0);
	assert_int_equal(info.units, 0);
	assert_int_equal(info.segments, 0);
	assert_int_equal(info.per_segment, 160);
	assert_int_equal(info.remaining, 160);
	sms_analyze(NULL, 0, &info);
	assert_int_equal(info.segments, 0);
	assert_string_equal(sms_encoding_name(SMS_GSM7), "GSM-7");
	assert_string_equal(sms_encoding_name(SMS_UCS2), "UCS-2");
}

static void
test_gsm_boundaries(void **state)
{
	struct sms_info i;

	i = analyze_rep("", "a", 1);
	assert_int_equal(i.segments, 1);
	assert_int_equal(i.remaining, 159);
	i = analyze_rep("", "a", 160);
	assert_int_equal(i.encoding, SMS_GSM7);
	assert_int_equal(i.segments, 1);
	assert_int_equal(i.per_segment, 160);
	assert_int_equal(i.remaining, 0);
	i = analyze_rep("", "a", 161);
	assert_int_equal(i.segments, 2);
	assert_int_equal(i.per_segment, 153);
	assert_int_equal(i.remaining, 153 * 2 - 161);
	i = analyze_rep("", "a", 306);
	assert_int_equal(i.segments, 2);
	assert_int_equal(i.remaining, 0);
	i = analyze_rep("", "a", 307);
	assert_int_equal(i.segments, 3);
	assert_int_equal(i.remaining, 152);
	assert_int_equal(i.chars, 307);
	assert_int_equal(i.units, 307);
}

static void
test_ucs2_boundaries(void **state)
{
	struct sms_info i;

	/* "ж" is Cyrillic: outside GSM-7, one UTF-16 unit, two UTF-8 bytes. */
	i = analyze_rep("", "\xd0\xb6", 70);
	assert_int_equal(i.encoding, SMS_UCS2);
	assert_int_equal(i.chars, 70);
	assert_int_equal(i.segments, 1);
	assert_int_equal(i.per_segment, 70);
	assert_int_equal(i.remaining, 0);
	i = analyze_rep("", "\xd0\xb6", 71);
	assert_int_equal(i.segments, 2);
	assert_int_equal(i.per_segment, 67);
	i = analyze_rep("", "\xd0\xb6", 134);
	assert_int_equal(i.segments, 2);
	assert_int_equal(i.remaining, 0);
	i = analyze_rep("", "\xd0\xb6", 135);
	assert_int_equal(i.segments, 3);
	assert_int_equal(i.remaining, 66);
}

/* One non-GSM character turns the whole message into UCS-2. */
static void
test_one_char_switches_encoding(void **state)
{
	struct sms_info i;

	i = analyze_rep("\xd0\xb6", "a", 100);
	assert_int_equal(i.encoding, SMS_UCS2);
	assert_int_equal(i.units, 101);
	assert_int_equal(i.segments, 2);
	i = analyze_rep("\t", "a", 10); /* a tab is not in GSM 03.38 */
	assert_int_equal(i.encoding, SMS_UCS2);
	i = analyze_rep("`", "a", 10); /* nor is a backtick */
	assert_int_equal(i.encoding, SMS_UCS2);
}

static void
test_extension_chars(void **state)
{
	static const char *const ext[] = {
		"^", "{", "}", "\\", "[", "~", "]", "|", "\xe2\x82\xac"
	};
	struct sms_info i;
	size_t k;

	for (k = 0; k < HARK_NELEM(ext); k++) {
		i = analyze_rep("", ext[k], 1);
		assert_int_equal(i.encoding, SMS_GSM7);
		assert_int_equal(i.chars, 1);
		assert_int_equal(i.units, 2);
	}
	/* 80 euro signs are exactly 160 septets; one more "a" needs a second part. */
	i = analyze_rep("", "\xe2\x82\xac", 80);
	assert_int_equal(i.segments, 1);
	assert_int_equal(i.remaining, 0);
	i = analyze_rep("a", "\xe2\x82\xac", 80);
	assert_int_equal(i.segments, 2);
	assert_int_equal(i.units, 161);
}

/* 152 plain septets then "{": the escape pair cannot straddle the part
 * boundary, so the first part carries 152 and is padded. */
static void
test_extension_not_split(void **state)
{
	struct sms_info i;

	i = analyze3("a", 152, "{", "b", 10);
	assert_int_equal(i.units, 164);
	assert_int_equal(i.segments, 2);
	/* The second part holds the 2-septet "{" and ten "b". */
	assert_int_equal(i.remaining, 153 - 12);
	/* 306 septets fit two parts, but not with a pair at 153/154. */
	i = analyze3("a", 152, "{", "a", 152);
	assert_int_equal(i.units, 306);
	assert_int_equal(i.segments, 3);
	/* The same pair one septet earlier fits. */
	i = analyze3("a", 151, "{", "a", 153);
	assert_int_equal(i.units, 306);
	assert_int_equal(i.segments, 2);
}

static void
test_non_bmp(void **state)
{
	struct sms_info i;

	/* An emoji is one character but a surrogate pair: two units. */
	i = analyze_rep("", "\xf0\x9f\x98\x80", 1);
	assert_int_equal(i.encoding, SMS_UCS2);
	assert_int_equal(i.chars, 1);
	assert_int_equal(i.units, 2);
	i = analyze_rep("", "\xf0\x9f\x98\x80", 35);
	assert_int_equal(i.segments, 1);
	assert_int_equal(i.remaining, 0);
	i = analyze_rep("", "\xf0\x9f\x98\x80", 36);
	assert_int_equal(i.segments, 2);
	/* 66 units then an emoji: the pair moves whole to the second part. */
	i = analyze3("\xd0\xb6", 66, "\xf0\x9f\x98\x80", "\xd0\xb6", 3);
	assert_int_equal(i.chars, 70);
	assert_int_equal(i.units, 71);
	assert_int_equal(i.segments, 2);
	assert_int_equal(i.remaining, 67 - 5);
	/* 133 units then an emoji: 135 units, yet three parts. */
	i = analyze3("\xd0\xb6", 133, "\xf0\x9f\x98\x80", "", 0);
	assert_int_equal(i.units, 135);
	assert_int_equal(i.segments, 3);
}

static void
test_gsm_table(void **state)
{
	static const struct {
		const char *ch;
		enum sms_encoding enc;
	} cases[] = {
		{ "\xc3\xa9", SMS_GSM7 },  /* é */
		{ "\xc3\x89", SMS_GSM7 },  /* É */
		{ "\xc3\xa1", SMS_UCS2 },  /* á */
		{ "\xc3\x87", SMS_GSM7 },  /* Ç: position 0x09 */
		{ "\xc3\xa7", SMS_UCS2 },  /* ç is not in the table */
		{ "\xc3\xa0", SMS_GSM7 },  /* à */
		{ "\xc3\xb1", SMS_GSM7 },  /* ñ */
		{ "\xc3\x9f", SMS_GSM7 },  /* ß */
		{ "\xce\x94", SMS_GSM7 },  /* Δ */
		{ "\xce\xb4", SMS_UCS2 },  /* δ */
		{ "\xc2\xa3", SMS_GSM7 },  /* £ */
		{ "\xc2\xa5", SMS_GSM7 },  /* ¥ */
		{ "\xc2\xbf", SMS_GSM7 },  /* ¿ */
		{ "$@_", SMS_GSM7 },
		{ "\r\n", SMS_GSM7 },
		{ "\xc3\xaa", SMS_UCS2 },  /* ê */
	};
	struct sms_info i;
	size_t k;

	for (k = 0; k < HARK_NELEM(cases); k++) {
		sms_analyze(cases[k].ch, strlen(cases[k].ch), &i);
		if (i.encoding != cases[k].enc)
			fail_msg("'%s': expected %s", cases[k].ch,
			    sms_encoding_name(cases[k].enc));
	}
}

static void
test_invalid_utf8(void **state)
{
	struct sms_info i;

	/* A stray byte counts as U+FFFD: one character, outside GSM-7. */
	sms_analyze("ab\xff", 3, &i);
	assert_int_equal(i.chars, 3);
	assert_int_equal(i.encoding, SMS_UCS2);
	assert_int_equal(i.units, 3);
	/* len is honoured: bytes past it are not read. */
	sms_analyze("abc\xd0\xb6", 3, &i);
	assert_int_equal(i.encoding, SMS_GSM7);
	assert_int_equal(i.chars, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_gsm_boundaries),
		cmocka_unit_test(test_ucs2_boundaries),
		cmocka_unit_test(test_one_char_switches_encoding),
		cmocka_unit_test(test_extension_chars),
		cmocka_unit_test(test_extension_not_split),
		cmocka_unit_test(test_non_bmp),
		cmocka_unit_test(test_gsm_table),
		cmocka_unit_test(test_invalid_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
