/* test_template.c — the template engine: Mustache's own spec cases, then hark's defaults, filters, missing variables and errors. */

#include "harness.h"

#include <unistd.h>

#include <cjson/cJSON.h>

#include "hark/template.h"
#include "hark/util.h"

/*
 * Spec cases that need {{name}} to HTML-escape. hark renders text, so these
 * are skipped in plain mode; every spec case (these included) also runs
 * with TEMPLATE_HTML, where {{name}} escapes as Mustache does.
 */
static const char *const escaping_cases[] = {
	"HTML Escaping",                   /* interpolation.json */
	"Implicit Iterators - HTML Escaping", /* interpolation.json */
	"Implicit Iterator - HTML Escaping",  /* sections.json */
};

static char *
render_flags(const char *src, const char *json, unsigned flags, char **cause)
{
	struct template_opts o = { flags, 0 };
	struct template_out out = { 0 };
	struct template *t;
	cJSON *vars = json != NULL ? cJSON_Parse(json) : NULL;
	char *text = NULL;

	if (json != NULL)
		assert_non_null(vars);
	t = template_parse(src, strlen(src), cause);
	if (t != NULL && template_render(t, vars, &o, &out, cause) == 0) {
		text = out.text;
		out.text = NULL;
	}
	template_out_clear(&out);
	template_free(t);
	cJSON_Delete(vars);
	return text;
}

/* Renders strictly and compares; the whole template must succeed. */
static void
check(const char *src, const char *json, const char *want)
{
	char *cause = NULL, *got = render_flags(src, json, 0, &cause);

	if (got == NULL)
		fail_msg("'%s': %s", src, cause);
	if (strcmp(got, want) != 0)
		fail_msg("'%s': got '%s', want '%s'", src, got, want);
	free(got);
}

/* The template must not parse, and the error must be exactly want. */
static void
check_error(const char *src, const char *want)
{
	char *cause = NULL;
	struct template *t = template_parse(src, strlen(src), &cause);

	if (t != NULL)
		fail_msg("'%s' parsed, want error '%s'", src, want);
	assert_non_null(cause);
	if (strcmp(cause, want) != 0)
		fail_msg("'%s': got error '%s', want '%s'", src, cause, want);
	free(cause);
}

/* ---- the Mustache spec ------------------------------------------------------ */

static char *
spec_path(const char *file)
{
	const char *src = getenv("HARK_SRCDIR");
	char *p;

	if (src == NULL || *src == '\0')
		return NULL;
	p = xasprintf("%s/../shared/specs/mustache/%s", src, file);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return xasprintf("%s/tests/unit/mustache/%s", src, file);
}

static cJSON *
spec_load(const char *file)
{
	char *path = spec_path(file), *text;
	FILE *f;
	long n;
	cJSON *j;

	if (path == NULL)
		return NULL;
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = xmalloc((size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	j = cJSON_Parse(text);
	assert_non_null(j);
	free(text);
	free(path);
	return j;
}

static int
spec_is_escaping(const char *name)
{
	size_t i;

	for (i = 0; i < HARK_NELEM(escaping_cases); i++) {
		if (strcmp(escaping_cases[i], name) == 0)
			return 1;
	}
	return 0;
}

/* Runs one case; 1 passed, 0 skipped (failures fail the test). */
static int
spec_case(const cJSON *tc, unsigned flags, const char *file)
{
	const char *name = cJSON_GetObjectItem(tc, "name")->valuestring;
	const char *src = cJSON_GetObjectItem(tc, "template")->valuestring;
	const char *want = cJSON_GetObjectItem(tc, "expected")->valuestring;
	struct template_opts o = { flags | TEMPLATE_LENIENT, 0 };
	struct template_out out = { 0 };
	struct template *t;
	char *cause = NULL;

	if (!(flags & TEMPLATE_HTML) && spec_is_escaping(name))
		return 0;
	t = template_parse(src, strlen(src), &cause);
	if (t == NULL)
		fail_msg("%s: '%s': %s", file, name, cause);
	assert_int_equal(template_render(t, cJSON_GetObjectItem(tc, "data"), &o,
	    &out, NULL), 0);
	if (strcmp(out.text, want) != 0)
		fail_msg("%s: '%s'%s: got '%s', want '%s'", file, name,
		    flags & TEMPLATE_HTML ? " (html)" : "", out.text, want);
	template_out_clear(&out);
	template_free(t);
	return 1;
}

static void
spec_file(const char *file)
{
	cJSON *spec = spec_load(file), *tc;
	int passed = 0, html = 0, total = 0;

	if (spec == NULL)
		skip();
	cJSON_ArrayForEach(tc, cJSON_GetObjectItem(spec, "tests")) {
		total++;
		passed += spec_case(tc, 0, file);
		html += spec_case(tc, TEMPLATE_HTML, file);
	}
	print_message("%s: %d/%d passed as text (%d escaping cases skipped),"
	    " %d/%d as html\n", file, passed, total, total - passed, html, total);
	assert_true(total > 0);
	assert_int_equal(html, total);
	cJSON_Delete(spec);
}

static void
test_spec_comments(void **state)
{
	spec_file("comments.json");
}

static void
test_spec_interpolation(void **state)
{
	spec_file("interpolation.json");
}

static void
test_spec_sections(void **state)
{
	spec_file("sections.json");
}

static void
test_spec_inverted(void **state)
{
	spec_file("inverted.json");
}

/* ---- hark's cases -------------------------------------------------------------- */

static void
test_empty(void **state)
{
	struct template_out out = { 0 };
	struct template *t = template_parse("", 0, NULL);

	assert_non_null(t);
	assert_int_equal(template_render(t, NULL, NULL, &out, NULL), 0);
	assert_string_equal(out.text, "");
	assert_int_equal(out.nmissing, 0);
	template_out_clear(&out);
	template_out_clear(&out);
	template_free(t);
	template_free(NULL);
	template_out_clear(NULL);
	/* Not NUL-terminated: only len bytes are read. */
	t = template_parse("Hi {{x}}", 3, NULL);
	assert_non_null(t);
	assert_int_equal(template_render(t, NULL, NULL, &out, NULL), 0);
	assert_string_equal(out.text, "Hi ");
	template_out_clear(&out);
	template_free(t);
}

static void
test_no_escaping(void **state)
{
	check("{{n}} & {{{n}}} & {{& n}}", "{\"n\":\"<Tom & \\\"Jo's\\\">\"}",
	    "<Tom & \"Jo's\"> & <Tom & \"Jo's\"> & <Tom & \"Jo's\">");
}

static void
test_html_mode(void **state)
{
	char *s = render_flags("<b>{{n}}</b> {{{n}}}", "{\"n\":\"<a&b>'\"}",
	    TEMPLATE_HTML, NULL);

	assert_string_equal(s, "<b>&lt;a&amp;b&gt;&#39;</b> <a&b>'");
	free(s);
}

static void
test_defaults(void **state)
{
	check("Hi {{first_name|there}}!", "{}", "Hi there!");
	check("Hi {{first_name|there}}!", "{\"first_name\":\"\"}", "Hi there!");
	check("Hi {{first_name|there}}!", "{\"first_name\":null}", "Hi there!");
	check("Hi {{first_name|there}}!", "{\"first_name\":\" \\t\"}", "Hi there!");
	check("{{#co}}at {{co}}{{/co}}{{^co}}none{{/co}}", "{\"co\":\"  \"}", "none");
	check("Hi {{first_name|there}}!", "{\"first_name\":\"Ann\"}", "Hi Ann!");
	check("Hi {{ first_name | my friend }}!", "{}", "Hi my friend!");
	check("[{{company|}}]", "{}", "[]");
	check("{{note|\"a|b: c\"}}", "{}", "a|b: c");
	check("{{contact.first_name|there}}", "{\"contact\":{}}", "there");
	check("{{{x|raw}}} {{& x|amp}}", NULL, "raw amp");
	/* A default is used as written, never filtered. */
	check("{{x|upper|later}}", "{}", "later");
}

static void
test_filters(void **state)
{
	const char *v = "{\"name\":\"ann marie-lee\",\"co\":\"McKay Ltd\","
	    "\"due\":\"2026-12-03\",\"at\":\"2026-12-03T17:05:09+01:00\","
	    "\"ms\":1767225600000,\"amt\":12.5,\"samt\":\"1200\",\"bad\":\"soon\"}";

	check("{{name|upper}}|{{co|lower}}|{{name|title}}|{{co|title}}", v,
	    "ANN MARIE-LEE|mckay ltd|Ann Marie-Lee|McKay Ltd");
	check("{{name|first|title}}", v, "Ann");
	check("{{due|date:%d %b %Y}} {{due|date:%A %-d %B}} {{due|date:%a %e %j %y/%m}}",
	    v, "03 Dec 2026 Thursday 3 December Thu  3 337 26/12");
	check("{{at|date:%H:%M:%S %I%p %-I:%M %p %%}}", v,
	    "17:05:09 05PM 5:05 PM %");
	check("{{ms|date:%Y-%m-%d %H:%M}}", v, "2026-01-01 00:00");
	check("{{amt|money}} {{amt|money:USD}} {{samt|money:GBP}} {{amt|money:EUR}}", v,
	    "12.50 $12.50 \xc2\xa3" "1200.00 \xe2\x82\xac" "12.50");
	/* A value a filter cannot read counts as missing. */
	check("{{bad|date:%d %b|soon-ish}} {{bad|money|n/a}}", v, "soon-ish n/a");
	check("{{due|date:%d|x}}", "{\"due\":\"2026-02-30\"}", "x");
}

static void
test_date_offset(void **state)
{
	struct template_opts o = { 0, -5 * 3600 };
	struct template_out out = { 0 };
	struct template *t = template_parse("{{t|date:%a %H:%M}} {{d|date:%H:%M}}",
	    36, NULL);
	cJSON *v = cJSON_Parse("{\"t\":1767225600000,\"d\":\"2026-01-01T00:00:00Z\"}");

	assert_non_null(t);
	assert_int_equal(template_render(t, v, &o, &out, NULL), 0);
	/* Epoch times move to the caller's zone; written times keep theirs. */
	assert_string_equal(out.text, "Wed 19:00 00:00");
	template_out_clear(&out);
	template_free(t);
	cJSON_Delete(v);
}

static void
test_values(void **state)
{
	check("{{n}} {{d}} {{b}} {{tags}}", "{\"n\":85,\"d\":0.1,\"b\":false,"
	    "\"tags\":[\"vip\",{},\"\",2,\"lead\"]}", "85 0.1 false vip, 2, lead");
	check("{{#tags}}[{{.}}]{{/tags}}", "{\"tags\":[\"vip\",\"lead\"]}", "[vip][lead]");
	check("{{#co}}at {{co}}{{/co}}{{^co}}no company{{/co}}", "{\"co\":\"\"}",
	    "no company");
	check("{{#co}}at {{co}}{{/co}}", "{\"co\":\"Acme\"}", "at Acme");
	check("{{#c}}{{name}} of {{co}}{{/c}}", "{\"co\":\"Acme\",\"c\":{\"name\":\"Ann\"}}",
	    "Ann of Acme");
}

static void
test_missing_strict(void **state)
{
	struct template_out out = { 0 };
	const char *src = "Hi {{first_name}}, due {{due|date:%d}}; {{first_name}}"
	    "{{#x}}{{inner}}{{/x}}{{^y}}{{opt|}}{{/y}}";
	struct template *t = template_parse(src, strlen(src), NULL);
	cJSON *v = cJSON_Parse("{\"due\":\"later\"}");
	char *cause = NULL;

	assert_non_null(t);
	assert_int_equal(template_render(t, v, NULL, &out, &cause), -1);
	assert_string_equal(cause, "missing variables: first_name, due");
	assert_null(out.text);
	assert_int_equal(out.nmissing, 3);
	assert_string_equal(out.missing[2].name, "first_name");
	template_out_clear(&out);
	free(cause);
	cause = NULL;
	cJSON_Delete(v);
	v = cJSON_Parse("{\"due\":\"2026-01-02\"}");
	assert_int_equal(template_render(t, v, NULL, &out, &cause), -1);
	assert_string_equal(cause, "missing variable: first_name");
	template_out_clear(&out);
	free(cause);
	cJSON_Delete(v);
	template_free(t);
}

static void
test_missing_preview(void **state)
{
	struct template_opts o = { TEMPLATE_PREVIEW, 0 };
	struct template_out out = { 0 };
	const char *src = "Hi {{first_name}}, see you {{day}} at {{place|the shop}}.";
	struct template *t = template_parse(src, strlen(src), NULL);
	cJSON *v = cJSON_Parse("{\"day\":\"Friday\"}");

	assert_non_null(t);
	assert_int_equal(template_render(t, v, &o, &out, NULL), 0);
	assert_string_equal(out.text,
	    "Hi \xe2\x9f\xa8" "first_name\xe2\x9f\xa9, see you Friday at the shop.");
	assert_int_equal(out.nmissing, 1);
	assert_string_equal(out.missing[0].name, "first_name");
	assert_int_equal(out.missing[0].start, 3);
	assert_int_equal(out.missing[0].end, 3 + 3 + 10 + 3);
	assert_memory_equal(out.text + out.missing[0].start, "\xe2\x9f\xa8", 3);
	template_out_clear(&out);
	/* The same compiled template renders again, unchanged. */
	o.flags = TEMPLATE_LENIENT;
	assert_int_equal(template_render(t, v, &o, &out, NULL), 0);
	assert_string_equal(out.text, "Hi , see you Friday at the shop.");
	assert_int_equal(out.missing[0].start, 3);
	assert_int_equal(out.missing[0].end, 3);
	template_out_clear(&out);
	cJSON_Delete(v);
	template_free(t);
}

static void
test_errors(void **state)
{
	check_error("Hello there, {{name", "line 1, column 14: unclosed tag '{{name'");
	check_error("Hi\n  {{name\n}}", "line 2, column 3: unclosed tag '{{name'");
	check_error("\xc3\xa9 {{{name}}", "line 1, column 3: unclosed tag '{{{name}}'"
	    " (needs '}}}')");
	check_error("{{a {{b}}", "line 1, column 1: unclosed tag '{{a '");
	check_error("x {{! never closed", "line 1, column 3: unclosed tag '{{! never"
	    " closed'");
	check_error("{{}}", "line 1, column 1: empty tag '{{}}' (a name is missing)");
	check_error("{{ }}", "line 1, column 1: empty tag '{{}}' (a name is missing)");
	check_error("{{#a}}x", "line 1, column 1: unclosed section '{{#a}}'");
	check_error("{{#a}}{{^b}}{{/a}}", "line 1, column 13: '{{/a}}' does not"
	    " close '{{^b}}'");
	check_error("x{{/a}}", "line 1, column 2: '{{/a}}' closes no section");
	check_error("{{a..b}}", "line 1, column 1: bad name 'a..b'");
	check_error("{{.a}}", "line 1, column 1: bad name '.a'");
	check_error("{{> part}}", "line 1, column 1: partials ('{{>') are not supported");
	check_error("{{=<% %>=}}", "line 1, column 1: changing delimiters ('{{=') is"
	    " not supported");
	check_error("{{#a|x}}{{/a}}", "line 1, column 1: a section takes a plain name,"
	    " without filters or a default");
	check_error("{{a|shout:x}}", "line 1, column 1: unknown filter 'shout' (known:"
	    " upper, lower, title, first, date, money; quote a default that has ':')");
	check_error("{{a|x|y}}", "line 1, column 1: '{{a}}' has two defaults");
	check_error("{{a|\"x}}", "line 1, column 1: unterminated quoted default in '{{a}}'");
	check_error("{{a|upper:x}}", "line 1, column 1: filter 'upper' takes no argument");
	check_error("{{a|date}}", "line 1, column 1: filter 'date' needs a format,"
	    " e.g. '{{a|date:%d %b}}'");
	check_error("{{a|date:%d %Q}}", "line 1, column 1: date format '%d %Q':"
	    " unknown conversion '%Q' (known: %Y %y %m %d %e %H %I %M %S %p %a %A"
	    " %b %B %j %%)");
	check_error("{{a|date:%d %}}", "line 1, column 1: date format '%d %' ends in '%'");
	check_error("{{a|money:dollars}}", "line 1, column 1: filter 'money' takes a"
	    " currency code such as USD, not 'dollars'");
}

static void
test_depth(void **state)
{
	struct hbuf b = HBUF_INIT;
	struct template *t;
	char *cause = NULL;
	int i;

	for (i = 0; i < TEMPLATE_MAX_DEPTH; i++)
		hbuf_adds(&b, "{{#a}}");
	for (i = 0; i < TEMPLATE_MAX_DEPTH; i++)
		hbuf_adds(&b, "{{/a}}");
	t = template_parse(b.data, b.len, NULL);
	assert_non_null(t);
	template_free(t);
	hbuf_reset(&b);
	for (i = 0; i <= TEMPLATE_MAX_DEPTH; i++)
		hbuf_adds(&b, "{{#a}}");
	assert_null(template_parse(b.data, b.len, &cause));
	assert_string_equal(cause, "line 1, column 193: sections nested deeper than 32");
	free(cause);
	hbuf_free(&b);
}

/* Nested sections over arrays multiply; a render stops rather than run for ever. */
static void
test_blowup(void **state)
{
	struct hbuf b = HBUF_INIT;
	struct template_opts o = { TEMPLATE_LENIENT, 0 };
	struct template_out out = { 0 };
	struct template *t;
	cJSON *v = cJSON_Parse("{\"a\":[1,2,3,4,5,6,7,8,9,10]}");
	char *cause = NULL;
	int i;

	for (i = 0; i < TEMPLATE_MAX_DEPTH; i++)
		hbuf_adds(&b, "{{#a}}");
	for (i = 0; i < TEMPLATE_MAX_DEPTH; i++)
		hbuf_adds(&b, "{{/a}}");
	t = template_parse(b.data, b.len, NULL);
	assert_non_null(t);
	assert_int_equal(template_render(t, v, &o, &out, &cause), -1);
	assert_true(hark_startswith(cause, "the template renders too much text"));
	assert_null(out.text);
	template_out_clear(&out);
	free(cause);
	template_free(t);
	hbuf_free(&b);
	cJSON_Delete(v);
}

static void
record_name(void *arg, const char *name, int required)
{
	hbuf_printf(arg, "%s%s ", name, required ? "!" : "");
}

static void
test_each_name(void **state)
{
	const char *src = "{{a}} {{b|x}} {{#s}}{{a}}{{c.d}}{{/s}} {{^e}}{{/e}} {{b}}";
	struct template *t = template_parse(src, strlen(src), NULL);
	struct hbuf b = HBUF_INIT;

	template_each_name(t, record_name, &b);
	assert_string_equal(hbuf_str(&b), "a! b! s c.d! e ");
	hbuf_free(&b);
	template_free(t);
}

/* {{company}} inside {{#company}} renders only when company is present:
 * that use does not make company required; a use outside the section does. */
static void
test_each_name_guarded(void **state)
{
	const char *src = "{{#company}}at {{company}}{{/company}} {{#x}}{{y}}{{/x}}";
	const char *src2 = "{{#company}}{{company}}{{/company}} {{company}}";
	struct template *t = template_parse(src, strlen(src), NULL);
	struct hbuf b = HBUF_INIT;

	template_each_name(t, record_name, &b);
	assert_string_equal(hbuf_str(&b), "company x y! ");
	template_free(t);
	hbuf_reset(&b);
	t = template_parse(src2, strlen(src2), NULL);
	template_each_name(t, record_name, &b);
	assert_string_equal(hbuf_str(&b), "company! ");
	hbuf_free(&b);
	template_free(t);
}

/* Fuzz-style: random tag soup never crashes, leaks or reads out of bounds. */
static void
test_garbage(void **state)
{
	static const char *const bits[] = { "{{", "}}", "}}}", "{{{", "{{#a}}",
	    "{{/a}}", "{{^b}}", "{{/b}}", "{{!", "|", "a", ".", "\n", "\r\n", " ",
	    "{{a|date:%", "{{a|", "\"", "\xe2\x9f", "{{.}}", "{{&", "%-" };
	cJSON *v = cJSON_Parse("{\"a\":[1,{\"a\":[]},\"2026-01-01\"],\"b\":\"x\"}");
	struct template_opts o = { TEMPLATE_PREVIEW, 0 };
	struct template_out out = { 0 };
	struct hbuf b = HBUF_INIT;
	struct template *t;
	unsigned seed = 12345;
	char *cause;
	char *copy;
	int i, j, ok = 0;

	for (i = 0; i < 20000; i++) {
		hbuf_reset(&b);
		for (j = (int)((seed >> 8) % 12); j >= 0; j--) {
			seed = seed * 1103515245 + 12345;
			hbuf_adds(&b, bits[(seed >> 16) % HARK_NELEM(bits)]);
		}
		/* An exact-size copy, so ASan sees any read past the end. */
		copy = xmalloc(b.len ? b.len : 1);
		memcpy(copy, b.data, b.len);
		cause = NULL;
		t = template_parse(copy, b.len, &cause);
		if (t != NULL) {
			ok++;
			assert_int_equal(template_render(t, v, &o, &out, NULL), 0);
			template_out_clear(&out);
		} else
			assert_true(hark_startswith(cause, "line "));
		free(cause);
		template_free(t);
		free(copy);
	}
	assert_true(ok > 100);
	hbuf_free(&b);
	cJSON_Delete(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_spec_comments),
		cmocka_unit_test(test_spec_interpolation),
		cmocka_unit_test(test_spec_sections),
		cmocka_unit_test(test_spec_inverted),
		cmocka_unit_test(test_no_escaping),
		cmocka_unit_test(test_html_mode),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_date_offset),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_missing_strict),
		cmocka_unit_test(test_missing_preview),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_blowup),
		cmocka_unit_test(test_each_name),
		cmocka_unit_test(test_each_name_guarded),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
