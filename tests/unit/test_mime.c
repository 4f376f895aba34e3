/* test_mime.c — email parsing (mime.c) and HTML to text (mime_html.c), from .eml fixtures in tests/unit/mime/ (made by make_fixtures.py). */

#include "harness.h"
#include "hark/core.h"
#include "hark/mime.h"
#include "hark/provider.h"

/* Reads tests/unit/mime/<name>; *len set. */
static char *
fixture(const char *name, size_t *len)
{
	const char *src = getenv("HARK_SRCDIR");
	char *path = xasprintf("%s/tests/unit/mime/%s", src ? src : ".", name);
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	free(path);
	*len = (size_t)n;
	return buf;
}

/* Parses a fixture; every string of the result must be valid UTF-8. */
static void
parse(const char *name, struct mime_message *m)
{
	size_t len;
	char *raw = fixture(name, &len), *cause = NULL;
	int i;

	assert_int_equal(mime_parse(raw, len, m, &cause), 0);
	assert_null(cause);
	assert_non_null(m->text);
	assert_true(utf8_valid(m->text, strlen(m->text)));
	assert_null(memchr(m->text, '\0', strlen(m->text)));
	if (m->subject != NULL)
		assert_true(utf8_valid(m->subject, strlen(m->subject)));
	if (m->from_name != NULL)
		assert_true(utf8_valid(m->from_name, strlen(m->from_name)));
	for (i = 0; i < m->nparts; i++) {
		if (m->parts[i].filename != NULL)
			assert_true(utf8_valid(m->parts[i].filename,
			    strlen(m->parts[i].filename)));
	}
	free(raw);
}

static void
test_empty_input(void **state)
{
	struct mime_message m;
	char *cause = NULL;

	assert_int_equal(mime_parse("", 0, &m, &cause), -1);
	assert_string_equal(cause, "empty message");
	free(cause);
	mime_message_clear(&m);
	mime_message_clear(NULL);
}

static void
test_latin1_quoted_printable(void **state)
{
	struct mime_message m;

	parse("latin1_qp.eml", &m);
	assert_string_equal(m.from, "Rene@Example.COM");
	assert_string_equal(m.from_name, "René Dupré");
	assert_string_equal(m.subject, "Café crème order");
	assert_string_equal(m.to, "sales@hark.test");
	assert_string_equal(m.message_id, "latin1.1@example.com");
	assert_true(m.date == 1795428000000LL);
	assert_string_equal(m.text, "Bonjour, je voudrais un café crème et une crêpe. \n"
	    "This line is soft wrapped.\n");
	assert_null(m.warning);
	assert_int_equal(m.nparts, 0);
	mime_message_clear(&m);
}

static void
test_windows_1252(void **state)
{
	struct mime_message m;

	parse("cp1252.eml", &m);
	assert_string_equal(m.text, "“Quoted” – costs €10.\n");
	/* Unencoded 8-bit in a header: GMime's fallback charsets. */
	assert_string_equal(m.subject, "Price € 10");
	mime_message_clear(&m);
}

static void
test_utf8_base64_and_addresses(void **state)
{
	struct mime_message m;

	parse("utf8_b64.eml", &m);
	assert_string_equal(m.text, "Grüße aus München — 你好 🙂\n");
	assert_string_equal(m.subject, "Grüße");
	assert_string_equal(m.from_name, "Jürgen");
	assert_string_equal(m.to, "a@hark.test, b@hark.test, c@hark.test");
	mime_message_clear(&m);
}

static void
test_shift_jis(void **state)
{
	struct mime_message m;

	parse("shift_jis.eml", &m);
	assert_string_equal(m.text, "こんにちは、見積もりをお願いします。\n");
	assert_string_equal(m.subject, "見積もり");
	mime_message_clear(&m);
}

static void
test_alternative_prefers_plain(void **state)
{
	struct mime_message m;

	parse("alternative.eml", &m);
	assert_string_equal(m.text, "Plain version wins.");
	assert_non_null(m.html);
	assert_non_null(strstr(m.html, "<b>version</b>"));
	assert_int_equal(m.nparts, 0);
	assert_string_equal(m.in_reply_to, "hark.42@hark.test");
	assert_string_equal(m.refs, "first@hark.test hark.42@hark.test");
	mime_message_clear(&m);
}

/* An empty text/plain beside the HTML (some mailers send one) is no text. */
static void
test_empty_plain_uses_html(void **state)
{
	static const char raw[] = "From: a@example.com\nContent-Type: multipart/alternative;"
	    " boundary=a\n\n--a\nContent-Type: text/plain\n\n \n--a\n"
	    "Content-Type: text/html\n\n<p>the real text</p>\n--a--\n";
	struct mime_message m;

	assert_int_equal(mime_parse(raw, sizeof raw - 1, &m, NULL), 0);
	assert_string_equal(m.text, "the real text");
	mime_message_clear(&m);
}

static void
test_html_only(void **state)
{
	struct mime_message m;

	parse("html_only.eml", &m);
	assert_non_null(m.html);
	assert_string_equal(m.text, "Hello there\n\nFish & chips €5 ☺\n\n"
	    "• one\n• two\n\nSee our site <https://example.com/x>.\n\n"
	    "> quoted words");
	mime_message_clear(&m);
}

static void
test_nested_attachment_and_inline_image(void **state)
{
	struct mime_message m;
	size_t plen, ilen;
	char *pdf = fixture("nested.pdf", &plen), *png = fixture("nested.png", &ilen);

	parse("nested.eml", &m);
	assert_string_equal(m.text, "See the invoice attached.");
	assert_non_null(m.html);
	assert_int_equal(m.nparts, 2);
	assert_string_equal(m.parts[0].content_type, "image/png");
	assert_string_equal(m.parts[0].content_id, "logo@x");
	assert_true(m.parts[0].is_inline);
	assert_null(m.parts[0].filename);
	assert_int_equal(m.parts[0].len, ilen);
	assert_memory_equal(m.parts[0].data, png, ilen);
	assert_string_equal(m.parts[1].content_type, "application/pdf");
	assert_string_equal(m.parts[1].filename, "Rechnung für März.pdf");
	assert_false(m.parts[1].is_inline);
	assert_int_equal(m.parts[1].len, plen);
	assert_memory_equal(m.parts[1].data, pdf, plen);
	assert_null(m.warning);
	free(pdf);
	free(png);
	mime_message_clear(&m);
}

static void
test_encoded_words(void **state)
{
	struct mime_message m;

	parse("encoded_words.eml", &m);
	assert_string_equal(m.from_name, "Zoë Saldana");
	assert_string_equal(m.subject, "Re: price €");
	assert_string_equal(m.text, "hi");
	assert_int_equal(m.nparts, 1);
	assert_string_equal(m.parts[0].filename, "préces.csv");
	assert_string_equal(m.parts[0].content_type, "text/csv");
	/* The line break before a boundary belongs to the boundary. */
	assert_int_equal(m.parts[0].len, 7);
	assert_memory_equal(m.parts[0].data, "a,b\n1,2", 7);
	mime_message_clear(&m);
}

static void
test_missing_boundary_is_kept_raw(void **state)
{
	struct mime_message m;

	parse("no_boundary.eml", &m);
	assert_non_null(m.warning);
	assert_string_equal(m.warning, "shown raw: a multipart has no boundary");
	assert_non_null(strstr(m.text, "text that must not be lost"));
	assert_non_null(strstr(m.text, "--whatever"));
	assert_null(strstr(m.text, "Subject:"));
	/* The headers still thread it. */
	assert_string_equal(m.subject, "Broken multipart");
	assert_string_equal(m.message_id, "nob@example.com");
	mime_message_clear(&m);
}

static void
test_truncated_is_kept_raw(void **state)
{
	struct mime_message m;

	parse("truncated.eml", &m);
	assert_string_equal(m.warning, "shown raw: the message is truncated");
	assert_non_null(strstr(m.text, "The first part arrived."));
	assert_non_null(strstr(m.text, "AAECAwQFBgcICQ"));
	assert_int_equal(m.nparts, 0);
	assert_string_equal(m.from, "dora@example.com");
	mime_message_clear(&m);
}

static void
test_binary_garbage(void **state)
{
	struct mime_message m;

	parse("garbage.eml", &m);
	assert_non_null(m.warning);
	assert_null(m.from);
	/* Every byte is still there, invalid ones as U+FFFD. */
	assert_non_null(strstr(m.text, "tail\x1b[31m"));
	assert_non_null(strstr(m.text, "\xEF\xBF\xBD"));
	mime_message_clear(&m);
}

static void
test_invalid_utf8_replaced(void **state)
{
	static const char raw[] = "From: x@example.com\nSubject: bad \xC3\x28 subject\n"
	    "Content-Type: text/plain; charset=utf-8\n\nab\xFF\xFE" "cd\xE2\x82\n";
	struct mime_message m;

	assert_int_equal(mime_parse(raw, sizeof raw - 1, &m, NULL), 0);
	assert_string_equal(m.text, "ab\xEF\xBF\xBD\xEF\xBF\xBD" "cd\xEF\xBF\xBD" "\xEF\xBF\xBD" "\n");
	assert_true(utf8_valid(m.subject, strlen(m.subject)));
	mime_message_clear(&m);
}

static void
test_references_keep_order_and_bound(void **state)
{
	struct hbuf b = HBUF_INIT;
	struct mime_message m;
	int i;

	hbuf_adds(&b, "From: a@example.com\nIn-Reply-To: not-an-id\nReferences:");
	for (i = 0; i < 100; i++)
		hbuf_printf(&b, " <r%d@x>", i);
	hbuf_adds(&b, "\n\nbody\n");
	assert_int_equal(mime_parse(b.data, b.len, &m, NULL), 0);
	assert_string_equal(m.in_reply_to, "not-an-id");
	assert_true(hark_startswith(m.refs, "r36@x r37@x"));
	assert_true(strlen(m.refs) > 0 && strcmp(m.refs + strlen(m.refs) - 5, "r99@x") == 0);
	mime_message_clear(&m);
	hbuf_free(&b);
}

static void
test_event_fill(void **state)
{
	struct provider_attachment *atts = NULL;
	struct provider_event ev;
	struct mime_message m;
	size_t len;
	char *raw = fixture("nested.eml", &len);

	assert_int_equal(mime_parse(raw, len, &m, NULL), 0);
	memset(&ev, 0, sizeof ev);
	mime_event_fill(&m, raw, len, &ev, &atts);
	assert_int_equal(ev.channel, HARK_CH_EMAIL);
	assert_string_equal(ev.from, "ann@example.com");
	assert_string_equal(ev.from_name, "Ann Lee");
	assert_string_equal(ev.body, "See the invoice attached.");
	assert_int_equal(ev.nattachments, 2);
	assert_ptr_equal(ev.attachments, atts);
	assert_string_equal(atts[1].filename, "Rechnung für März.pdf");
	assert_ptr_equal(ev.raw, raw);
	assert_int_equal(ev.raw_len, len);
	assert_true(ev.at > 0);
	free(atts);
	mime_message_clear(&m);
	free(raw);
}

static char *
html(const char *s)
{
	return mime_html_to_text(s, strlen(s));
}

static void
test_html_to_text_edges(void **state)
{
	char *s;

	s = mime_html_to_text("", 0);
	assert_string_equal(s, "");
	free(s);
	s = html("a &bogus; b < c &#0; <unclosed");
	assert_string_equal(s, "a &bogus; b < c \xEF\xBF\xBD");
	free(s);
	s = html("<pre>  two  spaces\n  kept</pre>x");
	assert_string_equal(s, "  two  spaces\n  kept\n\nx");
	free(s);
	s = html("<a href=\"https://a.b/\">https://a.b/</a> "
	    "<a href='mailto:x@y.z'>mail</a>");
	assert_string_equal(s, "https://a.b/ mail");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_latin1_quoted_printable),
		cmocka_unit_test(test_windows_1252),
		cmocka_unit_test(test_utf8_base64_and_addresses),
		cmocka_unit_test(test_shift_jis),
		cmocka_unit_test(test_alternative_prefers_plain),
		cmocka_unit_test(test_html_only),
		cmocka_unit_test(test_empty_plain_uses_html),
		cmocka_unit_test(test_nested_attachment_and_inline_image),
		cmocka_unit_test(test_encoded_words),
		cmocka_unit_test(test_missing_boundary_is_kept_raw),
		cmocka_unit_test(test_truncated_is_kept_raw),
		cmocka_unit_test(test_binary_garbage),
		cmocka_unit_test(test_invalid_utf8_replaced),
		cmocka_unit_test(test_references_keep_order_and_bound),
		cmocka_unit_test(test_event_fill),
		cmocka_unit_test(test_html_to_text_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
