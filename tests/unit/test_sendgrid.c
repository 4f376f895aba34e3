/*
 * test_sendgrid.c — the SendGrid provider on a real libuv loop against an
 * HTTP server on 127.0.0.1 (http_canned.h): the Mail Send request as SendGrid
 * sees it (JSON body, Bearer key, headers, custom args, attachments) and
 * every class of answer (202, 400 errors[], 401, 403, 413, 429, 5xx, no
 * answer, nobody listening).
 */

#include "harness.h"

#include <cJSON.h>
#include <openssl/evp.h>

#include "http_canned.h"

#define KEY "SG.unit-test-key-0123456789"
#define CONFIG "[general]\ndefault_region = US\n[account acct]\n" \
	"provider = sendgrid\napi_key = " KEY "\n" \
	"from_email = sales@example.test\nbase_url = http://127.0.0.1:@PORT@/\n" \
	"timeout = 1\n"

static struct provider_send
mail(const char *to)
{
	struct provider_send req;

	memset(&req, 0, sizeof req);
	req.message_id = 42;
	req.idempotency_key = "k42";
	req.channel = HARK_CH_EMAIL;
	req.to = to;
	req.subject = "Your quote";
	req.body = "Hello Ann,\nthe quote is attached.";
	return req;
}

static const char *
jstr(const cJSON *o, const char *path)
{
	char buf[128], *tok, *save = NULL;
	const cJSON *cur = o;

	snprintf(buf, sizeof buf, "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok != NULL && cur != NULL;
	    tok = strtok_r(NULL, ".", &save)) {
		if (*tok >= '0' && *tok <= '9')
			cur = cJSON_GetArrayItem(cur, atoi(tok));
		else
			cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
	}
	return cJSON_GetStringValue(cur);
}

static void
assert_jstr(const cJSON *o, const char *path, const char *want)
{
	const char *got = jstr(o, path);

	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("%s: got '%s', want '%s'", path, got ? got : "(none)",
		    want);
}

/* The request: where it goes, its key, and every part of the JSON body. */
static void
test_send_request_shape(void **state)
{
	struct canned_fx *f = *state;
	static const unsigned char pdf[] = { '%', 'P', 'D', 'F', 0, 1, 2, 0xff,
	    0xfe, '\n', 0x80 };
	struct provider_attachment att[2];
	struct provider_send req = mail("ann@example.com");
	unsigned char decoded[64];
	const char *b64;
	cJSON *body;
	int n;

	memset(att, 0, sizeof att);
	att[0].path = canned_file(f, "quote.pdf", pdf, sizeof pdf);
	att[0].filename = "Quote 2026.pdf";
	att[0].content_type = "application/pdf";
	att[1].path = canned_file(f, "logo.png", "PNG", 3);
	att[1].content_type = "image/png";
	att[1].content_id = "logo1";
	att[1].is_inline = 1;
	req.attachments = att;
	req.nattachments = 2;
	req.html = "<p>Hello Ann</p><img src=\"cid:logo1\">";
	req.from_name = "Sam \"Sales\" Lee";
	req.message_id_hdr = "<hark.42@example.test>";
	req.in_reply_to = "<CAF1@mail.example.com>";
	req.refs = "<a@x> <CAF1@mail.example.com>";
	canned_add(202, "", "X-Message-Id", "LRzXl_NHStOGhQ4kofSm_A", 0);
	canned_send(f, &req);

	assert_int_equal(f->res.outcome, PROVIDER_OK);
	assert_string_equal(f->res.provider_id, "LRzXl_NHStOGhQ4kofSm_A");
	assert_int_equal(f->res.status, HARK_ST_SENT);
	assert_int_equal(canned_nhits(), 1);
	assert_string_equal(canned_reqs[0].method, "POST");
	assert_string_equal(canned_reqs[0].path, "/v3/mail/send");
	assert_string_equal(canned_reqs[0].auth, "Bearer " KEY);
	assert_string_equal(canned_reqs[0].ctype, "application/json");
	body = cJSON_ParseWithLength(canned_reqs[0].body.data, canned_reqs[0].body.len);
	assert_non_null(body);
	assert_jstr(body, "personalizations.0.to.0.email", "ann@example.com");
	assert_jstr(body, "from.email", "sales@example.test");
	assert_jstr(body, "from.name", "Sam \"Sales\" Lee");
	assert_jstr(body, "subject", "Your quote");
	assert_jstr(body, "content.0.type", "text/plain");
	assert_jstr(body, "content.0.value", "Hello Ann,\nthe quote is attached.");
	assert_jstr(body, "content.1.type", "text/html");
	assert_jstr(body, "headers.Message-ID", "<hark.42@example.test>");
	assert_jstr(body, "headers.In-Reply-To", "<CAF1@mail.example.com>");
	assert_jstr(body, "headers.References", "<a@x> <CAF1@mail.example.com>");
	/* What the relay's webhook_email.c reads back from every event. */
	assert_jstr(body, "personalizations.0.custom_args.hark_id", "42");
	assert_jstr(body, "attachments.0.filename", "Quote 2026.pdf");
	assert_jstr(body, "attachments.0.type", "application/pdf");
	assert_jstr(body, "attachments.0.disposition", "attachment");
	b64 = jstr(body, "attachments.0.content");
	assert_non_null(b64);
	n = EVP_DecodeBlock(decoded, (const unsigned char *)b64, (int)strlen(b64));
	/* EVP_DecodeBlock counts the padding's zero bytes in. */
	assert_int_equal(n - (int)(strlen(b64) - strcspn(b64, "=")), sizeof pdf);
	assert_memory_equal(decoded, pdf, sizeof pdf);
	assert_jstr(body, "attachments.1.filename", "logo.png");
	assert_jstr(body, "attachments.1.disposition", "inline");
	assert_jstr(body, "attachments.1.content_id", "logo1");
	cJSON_Delete(body);
	free((char *)att[0].path);
	free((char *)att[1].path);
}

/* A 202 without X-Message-Id is still accepted, under an id unique to the
 * message (the store keeps provider ids unique). */
static void
test_send_accepted_without_id(void **state)
{
	struct canned_fx *f = *state;
	struct provider_send req = mail("ann@example.com");

	canned_add(202, "", NULL, NULL, 0);
	canned_send(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_OK);
	assert_string_equal(f->res.provider_id, "hark-42");
}

/* Without from_name and reply headers, those keys are left out. */
static void
test_send_minimal(void **state)
{
	struct canned_fx *f = *state;
	struct provider_send req = mail("bo@example.com");
	cJSON *body;

	req.from = "support@example.test";
	canned_add(202, "", "X-Message-Id", "abc", 0);
	canned_send(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_OK);
	body = cJSON_ParseWithLength(canned_reqs[0].body.data, canned_reqs[0].body.len);
	assert_jstr(body, "from.email", "support@example.test");
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(body, "from"), "name"));
	assert_null(cJSON_GetObjectItem(body, "headers"));
	assert_null(cJSON_GetObjectItem(body, "attachments"));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(body, "content")), 1);
	cJSON_Delete(body);
}

static void
test_send_bad_request(void **state)
{
	struct canned_fx *f = *state;
	struct provider_send req = mail("ann@example.com");

	canned_add(400, "{\"errors\":[{\"message\":\"The subject is required.\","
	    "\"field\":\"subject\",\"help\":null},{\"message\":\"Invalid "
	    "email\",\"field\":\"personalizations.0.to.0.email\"}]}", NULL, NULL,
	    0);
	canned_send(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_PERMANENT);
	assert_string_equal(f->res.error_code, "400");
	assert_string_equal(f->res.error_text, "SendGrid refused the mail: The "
	    "subject is required. (subject); Invalid email "
	    "(personalizations.0.to.0.email)");
}

static void
test_send_auth_failure(void **state)
{
	struct canned_fx *f = *state;
	struct provider_send req = mail("ann@example.com");

	canned_add(401, "{\"errors\":[{\"message\":\"The provided authorization "
	    "grant is invalid, expired, or revoked " KEY "\"}]}", NULL, NULL, 0);
	canned_send(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_PERMANENT);
	assert_string_equal(f->res.error_text,
	    "authentication failed: check api_key of account acct");
	assert_null(strstr(f->res.error_text, KEY));
}

static void
test_send_forbidden_sender(void **state)
{
	struct canned_fx *f = *state;
	struct provider_send req = mail("ann@example.com");

	canned_add(403, "{\"errors\":[{\"message\":\"The from address does not "
	    "match a verified Sender Identity.\",\"field\":\"from\"}]}", NULL,
	    NULL, 0);
	canned_send(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_PERMANENT);
	assert_string_equal(f->res.error_code, "403");
	assert_string_equal(f->res.error_text, "SendGrid refused the mail: The "
	    "from address does not match a verified Sender Identity. (from)");
}

static void
test_send_too_large(void **state)
{
	struct canned_fx *f = *state;
	struct provider_send req = mail("ann@example.com");

	canned_add(413, "", NULL, NULL, 0);
	canned_send(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_PERMANENT);
	assert_string_equal(f->res.error_code, "413");
	assert_non_null(strstr(f->res.error_text, "too large for SendGrid"));
}

/* 429: transient, the retry waits for X-RateLimit-Reset; one request only
 * (the outbox retries, never net). */
static void
test_send_rate_limited(void **state)
{
	struct canned_fx *f = *state;
	struct provider_send req = mail("ann@example.com");
	char reset[32];

	snprintf(reset, sizeof reset, "%lld", (long long)(hark_now_ms() / 1000 + 5));
	canned_add(429, "{\"errors\":[{\"message\":\"too many requests\"}]}",
	    "X-RateLimit-Reset", reset, 0);
	canned_send(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_TRANSIENT);
	assert_string_equal(f->res.error_code, "429");
	assert_string_equal(f->res.error_text, "SendGrid rate limit reached");
	assert_in_range(f->res.retry_after_ms, 3000, 6000);
	assert_int_equal(canned_nhits(), 1);
}

static void
test_send_server_error(void **state)
{
	struct canned_fx *f = *state;
	struct provider_send req = mail("ann@example.com");

	canned_add(503, "", "Retry-After", "2", 0);
	canned_send(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_TRANSIENT);
	assert_string_equal(f->res.error_code, "503");
	assert_int_equal(f->res.retry_after_ms, 2000);
	assert_int_equal(canned_nhits(), 1);
}

/* Connected, then silence: it may have gone out, so it is not retried. */
static void
test_send_no_answer(void **state)
{
	struct canned_fx *f = *state;
	struct provider_send req = mail("ann@example.com");

	canned_add(202, "", "X-Message-Id", "late", 1500);
	canned_send(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_PERMANENT);
	assert_non_null(strstr(f->res.error_text, "no answer from SendGrid"));
	assert_non_null(strstr(f->res.error_text, "may have gone out"));
}

/* Nobody listening: nothing reached SendGrid, retry at once. */
static void
test_send_unreachable(void **state)
{
	struct canned_fx *f = *state;
	struct provider_send req = mail("ann@example.com");
	char *cause = NULL;

	if (canned_open(f, "[account acct]\nprovider = sendgrid\napi_key = k\n"
	    "from_email = a@example.test\nbase_url = http://127.0.0.1:1/\n",
	    &cause) != 0)
		fail_msg("open: %s", cause);
	canned_send(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_TRANSIENT);
	assert_non_null(strstr(f->res.error_text, "cannot reach SendGrid"));
	assert_int_equal(f->res.retry_after_ms, 0);
}

/* What cannot work is refused before anything is sent, saying why. */
static void
test_send_refused_locally(void **state)
{
	struct canned_fx *f = *state;
	struct provider_attachment att;
	struct provider_send req = mail("ann@example.com");
	char *cause = NULL;

	memset(&att, 0, sizeof att);
	att.path = "/nonexistent/contract.pdf";
	req.attachments = &att;
	req.nattachments = 1;
	assert_int_equal(f->p->ops->send(f->p, &req, canned_on_sent, f, &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/contract.pdf"));
	free(cause);
	cause = NULL;
	req = mail("ann@example.com");
	req.channel = HARK_CH_SMS;
	assert_int_equal(f->p->ops->send(f->p, &req, canned_on_sent, f, &cause), -1);
	assert_non_null(strstr(cause, "email only"));
	free(cause);
	assert_int_equal(canned_nhits(), 0);
}

static void
test_open_needs_key(void **state)
{
	struct canned_fx *f = *state;
	char *cause = NULL;

	assert_int_equal(canned_open(f, "[account acct]\nprovider = sendgrid\n"
	    "api_key_env = HARK_TEST_NO_SUCH_VAR\n", &cause), -1);
	assert_non_null(strstr(cause, "HARK_TEST_NO_SUCH_VAR"));
	free(cause);
}

static void
test_registry(void **state)
{
	assert_ptr_equal(provider_ops_find("sendgrid"), &provider_sendgrid_ops);
	assert_true(provider_sendgrid_ops.channels == 1u << HARK_CH_EMAIL);
}

/* hark stores Message-IDs without <> (as parsed mail gives them); the
 * headers sent carry them. */
static void
test_send_bare_ids(void **state)
{
	struct canned_fx *f = *state;
	struct provider_send req = mail("ann@example.com");
	cJSON *body;

	req.message_id_hdr = "hark.42@example.test";
	req.in_reply_to = "CAF1@mail.example.com";
	req.refs = "a@x CAF1@mail.example.com";
	canned_add(202, "", "X-Message-Id", "abc", 0);
	canned_send(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_OK);
	body = cJSON_ParseWithLength(canned_reqs[0].body.data, canned_reqs[0].body.len);
	assert_jstr(body, "headers.Message-ID", "<hark.42@example.test>");
	assert_jstr(body, "headers.In-Reply-To", "<CAF1@mail.example.com>");
	assert_jstr(body, "headers.References", "<a@x> <CAF1@mail.example.com>");
	cJSON_Delete(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		canned_test(test_send_request_shape, CONFIG),
		canned_test(test_send_minimal, CONFIG),
		canned_test(test_send_bare_ids, CONFIG),
		canned_test(test_send_accepted_without_id, CONFIG),
		canned_test(test_send_bad_request, CONFIG),
		canned_test(test_send_auth_failure, CONFIG),
		canned_test(test_send_forbidden_sender, CONFIG),
		canned_test(test_send_too_large, CONFIG),
		canned_test(test_send_rate_limited, CONFIG),
		canned_test(test_send_server_error, CONFIG),
		canned_test(test_send_no_answer, CONFIG),
		canned_test(test_send_unreachable, CONFIG),
		canned_test(test_send_refused_locally, CONFIG),
		canned_test(test_open_needs_key, CONFIG),
	};

	return cmocka_run_group_tests(tests, canned_start, canned_stop);
}
