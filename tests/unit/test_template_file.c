/* test_template_file.c — the plain-text form of a template for $EDITOR: parsing, positions of errors, and format/parse round trips. */

#include "harness.h"

#include "hark/engine.h"
#include "hark/store.h"

static void
parse_ok(const char *text, struct store_template *t)
{
	char *cause = NULL;

	if (engine_template_parse_file(text, t, &cause) != 0)
		fail_msg("unexpected error: %s", cause);
}

static void
parse_bad(const char *text, const char *want)
{
	struct store_template t;
	char *cause = NULL;

	if (engine_template_parse_file(text, &t, &cause) == 0)
		fail_msg("accepted: %s", text);
	assert_non_null(cause);
	if (strcmp(cause, want) != 0)
		fail_msg("cause '%s', expected '%s'", cause, want);
	assert_null(t.name);
	free(cause);
}

static void
test_degenerate(void **state)
{
	parse_bad("", "the template needs a name (a line \"name: ...\")");
	parse_bad("# only a comment\n\n", "the template needs a name (a line \"name: ...\")");
	parse_bad("hello\n", "line 1: 'hello' is not a header (name:, category:, "
	    "email_subject:, ...) nor a body (sms:, whatsapp:, email_text:, email_html:)");
}

static void
test_blocks_and_one_liners(void **state)
{
	struct store_template t;

	parse_ok("# comment\nname: quote\ncategory: sales\nemail_subject: Hi {{name}}\n"
	    "sms: One line\nemail_text:\nDear {{name}},\n\nname: not a header here\n\n\n"
	    "email_html:\n<p>x</p>\n", &t);
	assert_string_equal(t.name, "quote");
	assert_string_equal(t.category, "sales");
	assert_string_equal(t.email_subject, "Hi {{name}}");
	assert_string_equal(t.sms_body, "One line");
	/* Inside a body a header-like line is text; trailing blank lines go. */
	assert_string_equal(t.email_text, "Dear {{name}},\n\nname: not a header here");
	assert_string_equal(t.email_html, "<p>x</p>");
	assert_null(t.whatsapp_body);
	assert_int_equal(t.nvariants, 0);
	store_template_clear(&t);
	/* CRLF line ends are not text. */
	parse_ok("name: a\r\nsms:\r\nHi\r\nthere\r\n", &t);
	assert_string_equal(t.sms_body, "Hi\nthere");
	store_template_clear(&t);
}

static void
test_variants(void **state)
{
	struct store_template t;

	parse_ok("name: promo\nsms: Base\nvariant: A\nweight: 3\nvariant: B\n"
	    "email_subject: B subject\nsms:\nB text\n", &t);
	assert_int_equal(t.nvariants, 2);
	assert_string_equal(t.variants[0].name, "A");
	assert_int_equal(t.variants[0].weight, 3);
	assert_null(t.variants[0].sms_body);
	assert_string_equal(t.variants[1].name, "B");
	assert_int_equal(t.variants[1].weight, 1); /* the default */
	assert_string_equal(t.variants[1].sms_body, "B text");
	assert_string_equal(t.variants[1].email_subject, "B subject");
	assert_string_equal(t.sms_body, "Base");
	store_template_clear(&t);
	parse_bad("name: x\nsms: a\nweight: 2\n",
	    "line 3: weight: belongs to a variant (after variant: NAME)");
	parse_bad("name: x\nvariant: A\nweight: lots\n", "line 3: weight: is a whole number");
	parse_bad("name: x\nvariant: A\ncategory: c\n", "line 3: category: is the "
	    "template's, not a variant's (put it before the first variant:)");
}

/* An error is placed in the file: a block body from its first line, a
 * one-line body from where its text starts after the colon. */
static void
test_error_positions(void **state)
{
	parse_bad("name: x\nsms:\nline one\nHi {{name\n",
	    "line 4, column 4: sms body: unclosed tag '{{name'");
	parse_bad("name: x\nsms:   Hi {{#a}}\n",
	    "line 2, column 11: sms body: unclosed section '{{#a}}'");
	parse_bad("name: x\nemail_subject: {{/b}}\n",
	    "line 2, column 16: email_subject body: '{{/b}}' closes no section");
	parse_bad("name: x\nsms: ok\nvariant: B\nwhatsapp:\n\n  {{> p}}\n",
	    "line 6, column 3: variant B: whatsapp body: partials ('{{>') are not supported");
}

/* What format writes, parse reads back the same. */
static void
test_round_trip(void **state)
{
	struct store_variant v[2] = {
		{ .name = "A", .weight = 2 },
		{ .name = "B", .weight = 1, .sms_body = "Hey!", .email_text = "Two\nlines" },
	};
	struct store_template in = { .name = "q", .category = "c",
		.sms_body = "Hi {{first_name|there}}", .whatsapp_body = "W\n\nx",
		.whatsapp_content_sid = "HX0123", .email_subject = "S",
		.email_text = "Dear,\nname: inside", .email_html = "<b>x</b>",
		.variants = v, .nvariants = 2 };
	struct store_template out;
	char *text;
	int help;

	for (help = 0; help <= 1; help++) {
		text = engine_template_format(&in, help);
		parse_ok(text, &out);
		assert_string_equal(out.name, "q");
		assert_string_equal(out.category, "c");
		assert_string_equal(out.sms_body, in.sms_body);
		assert_string_equal(out.whatsapp_body, in.whatsapp_body);
		assert_string_equal(out.whatsapp_content_sid, "HX0123");
		assert_string_equal(out.email_subject, "S");
		assert_string_equal(out.email_text, in.email_text);
		assert_string_equal(out.email_html, in.email_html);
		assert_int_equal(out.nvariants, 2);
		assert_int_equal(out.variants[0].weight, 2);
		assert_string_equal(out.variants[1].sms_body, "Hey!");
		assert_string_equal(out.variants[1].email_text, "Two\nlines");
		store_template_clear(&out);
		free(text);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_degenerate),
		cmocka_unit_test(test_blocks_and_one_liners),
		cmocka_unit_test(test_variants),
		cmocka_unit_test(test_error_positions),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
