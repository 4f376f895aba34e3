/*
 * test_mailgun.c — the Mailgun provider on a real libuv loop against an
 * HTTP server on 127.0.0.1 (http_canned.h): the Messages API request as
 * Mailgun sees it (multipart form fields, file parts, Basic api:KEY, the
 * domain in the path, us/eu region) and every class of answer (200, 400,
 * 401, 402, 403, 404, 413, 429, 5xx, a 200 it cannot read, no answer).
 */

#include "harness.h"

#include "http_canned.h"
#include "../../src/providers/mail_api_int.h"

#define KEY "key-unit-test-0123456789abcdef"
#define CONFIG "[general]\ndefault_region = US\n[account acct]\n" \
	"provider = mailgun\napi_key = " KEY "\ndomain = mg.example.test\n" \
	"from_email = sales@mg.example.test\n" \
	"base_url = http://127.0.0.1:@PORT@/\ntimeout = 1\n"
#define OK_BODY "{\"id\":\"<20261123.1.ABC@mg.example.test>\"," \
	"\"message\":\"Queued. Thank you.\"}"

/* One part of a multipart/form-data body. */
struct part {
	char name[64];
	char filename[128];
	char ctype[64];
	const char *data;
	size_t len;
};

static struct provider_send
mail(const char *to)
{
	struct provider_send req;

	memset(&req, 0, sizeof req);
	req.message_id = 7;
	req.idempotency_key = "k7";
	req.channel = HARK_CH_EMAIL;
	req.to = to;
	req.subject = "Invoice";
	req.body = "Attached, thanks.";
	return req;
}

/* memmem, which C11 lacks. */
static const char *
bytes_find(const char *hay, size_t n, const char *needle, size_t m)
{
	size_t i;

	for (i = 0; m <= n && i <= n - m; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return hay + i;
	return NULL;
}

/* A header parameter (name="...") of a part's header block, unescaped. */
static void
param(const char *hdrs, size_t hlen, const char *key, char *out, size_t n)
{
	char pat[32];
	const char *p, *end = hdrs + hlen;
	size_t o = 0;

	out[0] = '\0';
	snprintf(pat, sizeof pat, "; %s=\"", key);
	for (p = hdrs; p + strlen(pat) <= end; p++)
		if (strncmp(p, pat, strlen(pat)) == 0)
			break;
	if (p + strlen(pat) > end)
		return;
	for (p += strlen(pat); p < end && *p != '"' && o + 1 < n; p++) {
		if (*p == '\\')
			p++;
		out[o++] = *p;
	}
	out[o] = '\0';
}

/* Splits the request's body into its parts (at most max). */
static int
parts(const struct canned_req *r, struct part *out, int max)
{
	const char *b = strstr(r->ctype, "boundary="), *p, *end, *hend, *next;
	char delim[96];
	size_t dlen;
	int n = 0;

	assert_non_null(b);
	snprintf(delim, sizeof delim, "\r\n--%s", b + 9);
	dlen = strlen(delim);
	p = r->body.data;
	end = p + r->body.len;
	assert_memory_equal(p, delim + 2, dlen - 2);
	p += dlen - 2;
	while (p + 2 <= end && strncmp(p, "\r\n", 2) == 0 && n < max) {
		p += 2;
		hend = bytes_find(p, (size_t)(end - p), "\r\n\r\n", 4);
		assert_non_null(hend);
		memset(&out[n], 0, sizeof out[n]);
		param(p, (size_t)(hend - p), "name", out[n].name,
		    sizeof out[n].name);
		param(p, (size_t)(hend - p), "filename", out[n].filename,
		    sizeof out[n].filename);
		if (bytes_find(p, (size_t)(hend - p), "Content-Type: ", 14) != NULL)
			sscanf(bytes_find(p, (size_t)(hend - p),
			    "Content-Type: ", 14) + 14, "%63[^\r]", out[n].ctype);
		out[n].data = hend + 4;
		next = bytes_find(out[n].data, (size_t)(end - out[n].data), delim, dlen);
		assert_non_null(next);
		out[n].len = (size_t)(next - out[n].data);
		p = next + dlen;
		n++;
	}
	assert_true(p + 2 <= end && strncmp(p, "--", 2) == 0);
	return n;
}

/* The value of field name ('|' between repeats), "" when absent. */
static char *
field(const struct part *ps, int n, const char *name)
{
	struct hbuf b = HBUF_INIT;
	int i;

	for (i = 0; i < n; i++) {
		if (strcmp(ps[i].name, name) != 0)
			continue;
		if (b.len > 0)
			hbuf_addc(&b, '|');
		hbuf_add(&b, ps[i].data, ps[i].len);
	}
	return hbuf_steal(&b);
}

static void
assert_field(const struct part *ps, int n, const char *name, const char *want)
{
	char *got = field(ps, n, name);

	if (strcmp(got, want) != 0)
		fail_msg("field %s: got '%s', want '%s'", name, got, want);
	free(got);
}

static void
test_send_request_shape(void **state)
{
	struct canned_fx *f = *state;
	static const unsigned char pdf[] = { '%', 'P', 'D', 'F', 0, '\r', '\n',
	    '-', '-', 0xff, 0x80 };
	struct provider_attachment att[2];
	struct provider_send req = mail("bo@example.com");
	struct part ps[24];
	int n;

	memset(att, 0, sizeof att);
	att[0].path = canned_file(f, "inv.pdf", pdf, sizeof pdf);
	att[0].filename = "Invoice \"Nov\".pdf";
	att[0].content_type = "application/pdf";
	att[1].path = canned_file(f, "logo.png", "PNG", 3);
	att[1].content_type = "image/png";
	att[1].is_inline = 1;
	req.attachments = att;
	req.nattachments = 2;
	req.html = "<p>Attached, thanks.</p>";
	req.from_name = "Sam Lee";
	req.message_id_hdr = "<hark.7@mg.example.test>";
	req.in_reply_to = "<CAF1@mail.example.com>";
	req.refs = "<CAF1@mail.example.com>";
	canned_add(200, OK_BODY, NULL, NULL, 0);
	canned_send(f, &req);

	assert_int_equal(f->res.outcome, PROVIDER_OK);
	/* As the webhooks name it: without the angle brackets. */
	assert_string_equal(f->res.provider_id, "20261123.1.ABC@mg.example.test");
	assert_int_equal(f->res.status, HARK_ST_SENT);
	assert_int_equal(canned_nhits(), 1);
	assert_string_equal(canned_reqs[0].path, "/v3/mg.example.test/messages");
	/* base64("api:" KEY) */
	assert_string_equal(canned_reqs[0].auth, "Basic YXBpOmtleS11bml0LXRlc3Qt"
	    "MDEyMzQ1Njc4OWFiY2RlZg==");
	assert_true(strncmp(canned_reqs[0].ctype, "multipart/form-data; boundary=",
	    30) == 0);
	n = parts(&canned_reqs[0], ps, 24);
	assert_field(ps, n, "from", "\"Sam Lee\" <sales@mg.example.test>");
	assert_field(ps, n, "to", "bo@example.com");
	assert_field(ps, n, "subject", "Invoice");
	assert_field(ps, n, "text", "Attached, thanks.");
	assert_field(ps, n, "html", "<p>Attached, thanks.</p>");
	assert_field(ps, n, "h:Message-Id", "<hark.7@mg.example.test>");
	assert_field(ps, n, "h:In-Reply-To", "<CAF1@mail.example.com>");
	assert_field(ps, n, "h:References", "<CAF1@mail.example.com>");
	/* What the relay reads back as user-variables.hark_id. */
	assert_field(ps, n, "v:hark_id", "7");
	assert_string_equal(ps[n - 2].name, "attachment");
	assert_string_equal(ps[n - 2].filename, "Invoice \"Nov\".pdf");
	assert_string_equal(ps[n - 2].ctype, "application/pdf");
	assert_int_equal(ps[n - 2].len, sizeof pdf);
	assert_memory_equal(ps[n - 2].data, pdf, sizeof pdf);
	assert_string_equal(ps[n - 1].name, "inline");
	assert_string_equal(ps[n - 1].filename, "logo.png");
	free((char *)att[0].path);
	free((char *)att[1].path);
}

/* The EU region is another host; base_url (tests, proxies) wins over both. */
static void
test_region(void **state)
{
	struct canned_fx *f = *state;
	char *cause = NULL;

	assert_int_equal(canned_open(f, "[account acct]\nprovider = mailgun\n"
	    "api_key = k\ndomain = mg.example.test\nregion = eu\n"
	    "from_email = a@mg.example.test\n", &cause), 0);
	assert_string_equal(((struct mapi *)f->p->priv)->base,
	    "https://api.eu.mailgun.net");
	assert_int_equal(canned_open(f, "[account acct]\nprovider = mailgun\n"
	    "api_key = k\ndomain = mg.example.test\n"
	    "from_email = a@mg.example.test\n", &cause), 0);
	assert_string_equal(((struct mapi *)f->p->priv)->base,
	    "https://api.mailgun.net");
	assert_int_equal(canned_open(f, "[account acct]\nprovider = mailgun\n"
	    "api_key = k\ndomain = mg.example.test\nregion = mars\n", &cause), -1);
	assert_non_null(strstr(cause, "region"));
	free(cause);
	cause = NULL;
	assert_int_equal(canned_open(f, "[account acct]\nprovider = mailgun\n"
	    "api_key = k\ndomain = mg.example.test/../x\n", &cause), -1);
	assert_non_null(strstr(cause, "domain"));
	free(cause);
}

struct failure {
	unsigned status;
	const char *body;
	enum provider_outcome outcome;
	const char *code;
	const char *text;
};

/* Every error class, with the words the user sees. */
static void
test_send_failures(void **state)
{
	static const struct failure cases[] = {
		{ 400, "{\"message\":\"to parameter is not a valid address. "
		    "please check documentation\"}", PROVIDER_PERMANENT, "400",
		    "Mailgun refused the mail: to parameter is not a valid "
		    "address. please check documentation" },
		{ 401, "Forbidden", PROVIDER_PERMANENT, "401",
		    "authentication failed: check api_key and region of "
		    "account acct" },
		{ 402, "{\"message\":\"Domain has exceeded its sending limit\"}",
		    PROVIDER_PERMANENT, "402", "Mailgun refused the mail: "
		    "payment required (Domain has exceeded its sending limit)" },
		{ 403, "{\"message\":\"Domain mg.example.test is not allowed "
		    "to send: Free accounts are for test purposes only\"}",
		    PROVIDER_PERMANENT, "403", "Mailgun denied access: Domain "
		    "mg.example.test is not allowed to send: Free accounts are "
		    "for test purposes only" },
		{ 404, "{\"message\":\"Domain not found: mg.example.test\"}",
		    PROVIDER_PERMANENT, "404", "Mailgun does not know domain "
		    "'mg.example.test' in region us: check domain and region of "
		    "account acct" },
		{ 413, "", PROVIDER_PERMANENT, "413", "the mail is too large for "
		    "Mailgun (25 MB at most, attachments included)" },
		{ 429, "{\"message\":\"Too many requests\"}", PROVIDER_TRANSIENT,
		    "429", "Mailgun rate limit reached" },
		{ 500, "Internal Server Error", PROVIDER_TRANSIENT, "500",
		    "Mailgun had a server error (HTTP 500)" },
		{ 200, "<html>", PROVIDER_PERMANENT, NULL, "Mailgun answered "
		    "HTTP 200 but hark could not read the answer: it may have "
		    "gone out, check before sending again" },
	};
	struct canned_fx *f = *state;
	struct provider_send req = mail("bo@example.com");
	size_t i;

	for (i = 0; i < HARK_NELEM(cases); i++) {
		canned_clear();
		canned_add(cases[i].status, cases[i].body, NULL, NULL, 0);
		canned_send(f, &req);
		if (f->res.outcome != cases[i].outcome ||
		    strcmp(f->res.error_text, cases[i].text) != 0)
			fail_msg("HTTP %u: outcome %d, text '%s'", cases[i].status,
			    (int)f->res.outcome, f->res.error_text);
		if (cases[i].code != NULL)
			assert_string_equal(f->res.error_code, cases[i].code);
		assert_null(f->res.provider_id);
		assert_int_equal(canned_nhits(), 1);
	}
}

static void
test_send_rate_limit_wish(void **state)
{
	struct canned_fx *f = *state;
	struct provider_send req = mail("bo@example.com");

	canned_add(429, "{\"message\":\"Too many requests\"}", "Retry-After", "3",
	    0);
	canned_send(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_TRANSIENT);
	assert_int_equal(f->res.retry_after_ms, 3000);
}

/* No answer: Mailgun may still take it. The retry waits twice the timeout
 * and, since Mailgun can be asked, asks first (test_lookup). */
static void
test_send_no_answer(void **state)
{
	struct canned_fx *f = *state;
	struct provider_send req = mail("bo@example.com");

	canned_add(200, OK_BODY, NULL, NULL, 1500);
	canned_send(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_TRANSIENT);
	assert_non_null(strstr(f->res.error_text, "no answer from Mailgun"));
	assert_null(f->res.error_code);
	assert_int_equal(f->res.retry_after_ms, 2000);
	assert_true(provider_mailgun_ops.caps & PROVIDER_CAP_LOOKUP);
}

/* The Events API by Message-ID: found, not found, and cannot tell. */
static void
test_lookup(void **state)
{
	struct canned_fx *f = *state;
	struct provider_send req = mail("bo@example.com");
	char *cause = NULL;

	req.message_id_hdr = "<hark.7@mg.example.test>";
	canned_add(200, "{\"items\":[{\"event\":\"accepted\",\"message\":"
	    "{\"headers\":{\"message-id\":\"hark.7@mg.example.test\"}}}],"
	    "\"paging\":{}}", NULL, NULL, 0);
	canned_lookup(f, &req);
	assert_int_equal(f->found, 1);
	assert_string_equal(f->res.provider_id, "hark.7@mg.example.test");
	assert_string_equal(canned_reqs[0].method, "GET");
	assert_string_equal(canned_reqs[0].path, "/v3/mg.example.test/events");
	assert_string_equal(canned_reqs[0].query.data,
	    "message-id=hark.7@mg.example.test&event=accepted&limit=1");
	assert_string_equal(canned_reqs[0].auth, "Basic YXBpOmtleS11bml0LXRlc3Qt"
	    "MDEyMzQ1Njc4OWFiY2RlZg==");

	canned_clear();
	canned_add(200, "{\"items\":[],\"paging\":{}}", NULL, NULL, 0);
	canned_lookup(f, &req);
	assert_int_equal(f->found, 0);

	canned_clear();
	canned_add(401, "Forbidden", NULL, NULL, 0);
	canned_lookup(f, &req);
	assert_int_equal(f->found, -1);
	assert_non_null(strstr(f->res.error_text, "authentication failed"));

	req.message_id_hdr = NULL;
	assert_int_equal(f->p->ops->lookup(f->p, &req, canned_on_lookup, f,
	    &cause), -1);
	assert_non_null(strstr(cause, "Message-ID"));
	free(cause);
}

/* A file over 25 MB is refused before anything is sent. */
static void
test_send_attachment_too_large(void **state)
{
	struct canned_fx *f = *state;
	struct provider_attachment att;
	struct provider_send req = mail("bo@example.com");
	char *cause = NULL, *path = xasprintf("%s/big.bin", f->dir);
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 26L * 1024 * 1024, SEEK_SET), 0);
	fputc('x', fp);
	fclose(fp);
	memset(&att, 0, sizeof att);
	att.path = path;
	req.attachments = &att;
	req.nattachments = 1;
	assert_int_equal(f->p->ops->send(f->p, &req, canned_on_sent, f, &cause), -1);
	assert_non_null(strstr(cause, "too large"));
	assert_non_null(strstr(cause, "big.bin"));
	assert_int_equal(canned_nhits(), 0);
	free(cause);
	free(path);
}

static void
test_open_needs_domain(void **state)
{
	struct canned_fx *f = *state;
	char *cause = NULL;

	assert_int_equal(canned_open(f, "[account acct]\nprovider = mailgun\n"
	    "api_key = k\n", &cause), -1);
	assert_non_null(strstr(cause, "domain"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		canned_test(test_send_request_shape, CONFIG),
		canned_test(test_region, CONFIG),
		canned_test(test_send_failures, CONFIG),
		canned_test(test_send_rate_limit_wish, CONFIG),
		canned_test(test_send_no_answer, CONFIG),
		canned_test(test_lookup, CONFIG),
		canned_test(test_send_attachment_too_large, CONFIG),
		canned_test(test_open_needs_domain, CONFIG),
	};

	return cmocka_run_group_tests(tests, canned_start, canned_stop);
}
