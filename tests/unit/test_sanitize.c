/* test_sanitize.c — hostile text must reach the screen harmless and readable. */

#include <locale.h>

#include "harness.h"

#include "hark/core.h"

/* Sanitises a string literal (which may hold NULs, hence the length). */
#define SAN(lit, flags) text_sanitize((lit), sizeof(lit) - 1, (flags))

/* What must hold for any output: nothing a terminal would act on. */
static void
assert_inert(const char *out)
{
	const unsigned char *p = (const unsigned char *)out;
	size_t len = strlen(out);

	assert_true(utf8_valid(out, len));
	for (; *p != '\0'; p++) {
		if (*p == 0x1b || *p == 0x07 || *p == 0x7f)
			fail_msg("control byte 0x%02x left in '%s'", *p, out);
		if (*p < 0x20 && *p != '\n' && *p != '\t')
			fail_msg("control byte 0x%02x left in '%s'", *p, out);
		/* C1 controls are U+0080..U+009F: 0xC2 0x80..0x9F in UTF-8. */
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			fail_msg("C1 control left in '%s'", out);
	}
}

static void
expect(const char *in, size_t len, unsigned flags, const char *want)
{
	char *out = text_sanitize(in, len, flags);

	assert_inert(out);
	assert_string_equal(out, want);
	free(out);
}

/* Literal input, so its length (NULs included) comes from sizeof. */
#define EXPECT(lit, flags, want) expect((lit), sizeof(lit) - 1, (flags), (want))

static void
test_empty(void **state)
{
	char *s;

	s = text_sanitize(NULL, 0, 0);
	assert_string_equal(s, "");
	free(s);
	s = text_sanitize("", 0, 0);
	assert_string_equal(s, "");
	free(s);
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid(NULL, 0));
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width(NULL), 0);
}

static void
test_plain_text_unchanged(void **state)
{
	const char *t = "Hi Ana, your order #42 ships today. \xc2\xa1Gracias! "
	    "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80";

	expect(t, strlen(t), 0, t);
}

static void
test_hostile_sequences(void **state)
{
	/* Window title change: the whole OSC, payload included, goes. */
	EXPECT("\x1b]0;pwned\x07", 0, "");
	EXPECT("a\x1b]0;pwned\x07" "b", 0, "ab");
	/* Clear screen. */
	EXPECT("\x1b[2J", 0, "");
	EXPECT("before\x1b[2Jafter", 0, "beforeafter");
	/* Colours, cursor moves, private modes. */
	EXPECT("\x1b[1;31mred\x1b[0m", 0, "red");
	EXPECT("\x1b[?1049h\x1b[10;10H!", 0, "!");
	/* OSC ended by ST (ESC \), hyperlinks, OSC 52 clipboard writes. */
	EXPECT("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", 0, "link");
	EXPECT("\x1b]52;c;cm0gLXJmIH4=\x07x", 0, "x");
	/* OSC ended by the 8-bit ST as UTF-8. */
	EXPECT("\x1b]0;t\xc2\x9cok", 0, "ok");
	/* DCS, APC, PM, SOS strings. */
	EXPECT("\x1bPq#0;2;0;0;0\x1b\\z", 0, "z");
	EXPECT("\x1b_payload\x1b\\z", 0, "z");
	EXPECT("\x1b^pm\x1b\\z", 0, "z");
	EXPECT("\x1bXsos\x1b\\z", 0, "z");
	/* Two-byte and charset escapes: reset, index, designate G0. */
	EXPECT("a\x1b" "cb\x1bMc\x1b(Bd", 0, "abcd");
}

static void
test_unterminated(void **state)
{
	/* A sequence cut off by the end of input is dropped whole. */
	EXPECT("ok\x1b", 0, "ok");
	EXPECT("ok\x1b[", 0, "ok");
	EXPECT("ok\x1b[12;3", 0, "ok");
	EXPECT("ok\x1b]0;never ends", 0, "ok");
	EXPECT("ok\x1bP", 0, "ok");
	/* An ESC inside a string ends it and starts its own sequence. */
	EXPECT("\x1b]0;t\x1b[2Jvisible", 0, "visible");
	/* A control inside a CSI ends it; the control is shown. */
	EXPECT("\x1b[2\x07J", 0, "\xe2\x90\x87J");
	/* ESC before a non-ASCII character drops only the ESC. */
	EXPECT("\x1b\xc3\xa9", 0, "\xc3\xa9");
}

static void
test_controls_visible(void **state)
{
	EXPECT("bell\x07", 0, "bell\xe2\x90\x87");       /* U+2407 */
	EXPECT("a\x00" "b", 0, "a\xe2\x90\x80" "b");     /* U+2400 */
	EXPECT("a\x7f" "b", 0, "a\xe2\x90\xa1" "b");     /* U+2421 */
	EXPECT("a\bb", 0, "a\xe2\x90\x88" "b");
	EXPECT("a\rb", 0, "a\xe2\x90\x8d" "b");
	/* C1 controls as UTF-8, including 8-bit CSI U+009B. */
	EXPECT("\xc2\x9b" "2J", 0, "<U+009B>2J");
	EXPECT("x\xc2\x85y", 0, "x<U+0085>y");
	/* A raw 0x9B byte is not UTF-8 at all. */
	EXPECT("\x9b" "2J", 0, "\xef\xbf\xbd" "2J");
}

static void
test_newlines_and_tabs(void **state)
{
	EXPECT("a\nb", 0, "a b");
	EXPECT("a\nb", HARK_SAN_NEWLINES, "a\nb");
	EXPECT("a\r\nb", HARK_SAN_NEWLINES, "a\nb");
	EXPECT("a\r\nb", 0, "a b");
	EXPECT("a\tb", 0, "a b");
	EXPECT("a\tb", HARK_SAN_TABS, "a\tb");
	EXPECT("a\tb\nc", HARK_SAN_TABS | HARK_SAN_NEWLINES, "a\tb\nc");
}

static void
test_invalid_utf8(void **state)
{
	EXPECT("a\xff" "b", 0, "a\xef\xbf\xbd" "b");
	/* Overlong "/" and overlong NUL. */
	EXPECT("\xc0\xaf", 0, "\xef\xbf\xbd\xef\xbf\xbd");
	EXPECT("\xe0\x80\xaf", 0,
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* A UTF-16 surrogate encoded in UTF-8. */
	EXPECT("\xed\xa0\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* Past U+10FFFF. */
	EXPECT("\xf4\x90\x80\x80", 0,
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* A truncated character is one replacement, and the next one survives. */
	EXPECT("\xe2\x82" "a", 0, "\xef\xbf\xbd" "a");
	EXPECT("x\xf0\x9f\x98", 0, "x\xef\xbf\xbd");
	/* len is honoured: the byte after it is not read. */
	expect("ab\x1b", 2, 0, "ab");
}

static void
test_bidi_visible(void **state)
{
	/* "Trojan source": a right-to-left override hiding a file name. */
	EXPECT("invoice\xe2\x80\xaetxt.exe", 0, "invoice<U+202E>txt.exe");
	EXPECT("\xe2\x81\xa6x\xe2\x81\xa9", 0, "<U+2066>x<U+2069>");
	EXPECT("\xe2\x80\x8f", 0, "<U+200F>");
	EXPECT("\xd8\x9c", 0, "<U+061C>");
	/* Arabic letters themselves are fine. */
	EXPECT("\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7", 0,
	    "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7");
}

/* Every byte value, alone and in sequence, comes out inert. */
static void
test_all_bytes_inert(void **state)
{
	char in[512], *out;
	size_t i;

	for (i = 0; i < 256; i++) {
		in[0] = (char)i;
		out = text_sanitize(in, 1, HARK_SAN_NEWLINES | HARK_SAN_TABS);
		assert_inert(out);
		free(out);
		in[2 * i] = (char)i;
		in[2 * i + 1] = (char)(255 - i);
	}
	out = text_sanitize(in, sizeof in, 0);
	assert_inert(out);
	free(out);
}

static void
test_utf8_valid(void **state)
{
	assert_true(utf8_valid("abc", 3));
	assert_true(utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
	assert_true(utf8_valid("\xef\xbf\xbd", 3)); /* a real U+FFFD is valid */
	assert_true(utf8_valid("a\0b", 3));
	assert_false(utf8_valid("\xc3", 1));
	assert_false(utf8_valid("\xc0\x80", 2));
	assert_false(utf8_valid("\xed\xa0\x80", 3));
	assert_false(utf8_valid("\xf8\x88\x80\x80\x80", 5));
	assert_false(utf8_valid("\x80", 1));
	assert_true(utf8_valid("\xc3\xa9\xff", 2)); /* only len bytes count */
}

static void
test_width(void **state)
{
	setlocale(LC_ALL, "C.UTF-8");
	assert_int_equal(text_width("hello"), 5);
	assert_int_equal(text_width("\xe6\x97\xa5\xe6\x9c\xac"), 4); /* 日本 */
	assert_int_equal(text_width("e\xcc\x81"), 1); /* e + combining acute */
	assert_int_equal(text_width("\xc3\xa9"), 1);
	assert_int_equal(text_width("\xef\xbc\xa1"), 2); /* fullwidth A */
	assert_int_equal(text_width("\xe2\x90\x87"), 1); /* the BEL picture */
	assert_int_equal(text_width("a\xe2\x80\x8b" "b"), 2); /* zero width space */
	/* What the sanitiser makes of a hostile string is as wide as it looks. */
	{
		char *s = SAN("\x1b[31m\xe4\xbd\xa0\xe5\xa5\xbd\x07", 0);

		assert_int_equal(text_width(s), 5);
		free(s);
	}
	setlocale(LC_ALL, "C");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_plain_text_unchanged),
		cmocka_unit_test(test_hostile_sequences),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_controls_visible),
		cmocka_unit_test(test_newlines_and_tabs),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_bidi_visible),
		cmocka_unit_test(test_all_bytes_inert),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_width),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
