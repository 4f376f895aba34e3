/*
 * test_twilio.c — the Twilio provider on a real libuv loop against an HTTP
 * server on 127.0.0.1 (http_canned.h, answering by method, path and
 * PageToken) that records each request the way Twilio would see it and
 * answers with bodies shaped like the API 2010-04-01 spec.
 */

#include "harness.h"

#include <openssl/evp.h>
#include <time.h>

#include "http_canned.h"
#include "../../src/providers/twilio_int.h"

#define SID "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define TOKEN "tok3n-s3cret-value"
#define API "/2010-04-01/Accounts/" SID
#define HOOK "https://hooks.example.com/hark"
/* What Twilio answers for a resource no route serves. */
#define MISSING "{\"code\":20404,\"message\":\"The requested resource " \
	"was not found\",\"more_info\":\"https://www.twilio.com/docs/errors/" \
	"20404\",\"status\":404}"

/* ---- form bodies --------------------------------------------------------- */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static char *
form_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return out;
}

/* The values of name in a form body, in order, '|' between; "" if none. */
static char *
form_values(const char *body, const char *name)
{
	struct hbuf out = HBUF_INIT;
	const char *p = body, *amp, *eq;
	char *k, *v;

	while (*p != '\0') {
		amp = strchr(p, '&');
		if (amp == NULL)
			amp = p + strlen(p);
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq != NULL) {
			k = form_decode(p, (size_t)(eq - p));
			if (strcmp(k, name) == 0) {
				v = form_decode(eq + 1, (size_t)(amp - eq - 1));
				if (out.len > 0)
					hbuf_addc(&out, '|');
				hbuf_adds(&out, v);
				free(v);
			}
			free(k);
		}
		p = *amp != '\0' ? amp + 1 : amp;
	}
	return hbuf_steal(&out);
}

static void
assert_form(const char *body, const char *name, const char *want)
{
	char *got = form_values(body, name);

	if (strcmp(got, want) != 0)
		fail_msg("form %s: got '%s', want '%s'", name, got, want);
	free(got);
}

/* ---- the fixture --------------------------------------------------------- */

struct fx {
	char *dir;
	struct config *cfg;
	uv_loop_t loop;
	uv_timer_t tick;
	struct net *net;
	struct provider *p;
	/* what the callbacks saw */
	int called;
	struct provider_result res;   /* strings copied */
	int found;
	int polled;
	char *poll_error;
	struct provider_event ev[32]; /* strings copied */
	int nev;
	int free_on_event;            /* the first event frees the provider */
	int refuse_inbound;           /* on_event says inbound messages were not stored */
};

static void
tick_cb(uv_timer_t *t)
{
}

/* Loads a configuration with one Twilio account "tw" talking to the server:
 * top goes before the account, acct into it. */
static struct config *
fx_config(struct fx *f, const char *top, const char *acct)
{
	struct config *cfg = NULL;
	char *path, *cause = NULL;
	FILE *fp;

	path = xasprintf("%s/config", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "[general]\ndefault_region = US\n%s[account tw]\n"
	    "provider = twilio\naccount_sid = " SID "\n"
	    "base_url = http://127.0.0.1:%u/\nfrom_phone = +14155550100\n"
	    "from_whatsapp = +14155550111\n%s", top, canned_port, acct);
	fclose(fp);
	chmod(path, 0600);
	if (config_load(path, &cfg, &cause) != 0)
		fail_msg("config: %s", cause);
	free(path);
	return cfg;
}

static int
on_event(void *arg, const struct provider_event *e)
{
	struct fx *f = arg;
	struct provider_event *c;
	struct provider_media *m;
	int i;

	assert_true(f->nev < (int)HARK_NELEM(f->ev));
	c = &f->ev[f->nev++];
	*c = *e;
	c->provider_id = xstrdup(e->provider_id);
	c->from = xstrdup(e->from);
	c->to = xstrdup(e->to);
	c->body = xstrdup(e->body);
	c->error_code = xstrdup(e->error_code);
	c->error_text = xstrdup(e->error_text);
	c->call_status = xstrdup(e->call_status);
	c->parent_id = xstrdup(e->parent_id);
	c->detail = xstrdup(e->detail);
	c->media = NULL;
	if (e->nmedia > 0) {
		m = xcalloc((size_t)e->nmedia, sizeof *m);
		for (i = 0; i < e->nmedia; i++) {
			m[i].url = xstrdup(e->media[i].url);
			m[i].content_type = xstrdup(e->media[i].content_type);
		}
		c->media = m;
	}
	if (f->free_on_event) {
		provider_free(f->p);
		f->p = NULL;
	}
	return f->refuse_inbound && e->type == PROVIDER_EV_INBOUND ? -1 : 0;
}

static void
events_clear(struct fx *f)
{
	struct provider_event *c;
	int i, j;

	for (i = 0; i < f->nev; i++) {
		c = &f->ev[i];
		free((char *)c->provider_id);
		free((char *)c->from);
		free((char *)c->to);
		free((char *)c->body);
		free((char *)c->error_code);
		free((char *)c->error_text);
		free((char *)c->call_status);
		free((char *)c->parent_id);
		free((char *)c->detail);
		for (j = 0; j < c->nmedia; j++) {
			free((char *)c->media[j].url);
			free((char *)c->media[j].content_type);
		}
		free((void *)c->media);
	}
	f->nev = 0;
}

/* Opens the provider of account "tw"; NULL with *cause when it cannot. */
static struct provider *
fx_open(struct fx *f, char **cause)
{
	struct provider_env env;

	memset(&env, 0, sizeof env);
	env.loop = &f->loop;
	env.net = f->net;
	env.cfg = f->cfg;
	env.acct = config_account_find(f->cfg, "tw");
	env.on_event = on_event;
	env.event_arg = f;
	return provider_new(&env, cause);
}

static void
fx_reopen(struct fx *f, const char *top, const char *acct)
{
	char *cause = NULL;

	provider_free(f->p);
	config_free(f->cfg);
	f->cfg = fx_config(f, top, acct);
	f->p = fx_open(f, &cause);
	if (f->p == NULL)
		fail_msg("open: %s", cause);
}

static int
fx_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	char *cause = NULL;

	canned_clear();
	f->dir = test_tmpdir();
	uv_loop_init(&f->loop);
	uv_timer_init(&f->loop, &f->tick);
	if (net_new(&f->loop, &f->net, &cause) != 0)
		return -1;
	f->cfg = fx_config(f, "", "auth_token = " TOKEN "\nwebhook_url = " HOOK
	    "/\nmy_phone = +14155550199\n");
	f->p = fx_open(f, &cause);
	if (f->p == NULL)
		fail_msg("open: %s", cause);
	*state = f;
	return 0;
}

static void
result_clear(struct fx *f)
{
	free((char *)f->res.provider_id);
	free((char *)f->res.error_code);
	free((char *)f->res.error_text);
	memset(&f->res, 0, sizeof f->res);
	f->called = 0;
	f->found = 0;
	free(f->poll_error);
	f->poll_error = NULL;
	f->polled = 0;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;
	char *cmd;
	int rc;

	provider_free(f->p);
	net_free(f->net);
	uv_close((uv_handle_t *)&f->tick, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	rc = uv_loop_close(&f->loop);
	result_clear(f);
	events_clear(f);
	config_free(f->cfg);
	cmd = xasprintf("rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		rc = -1;
	free(cmd);
	free(f->dir);
	free(f);
	canned_clear();
	return rc == 0 ? 0 : -1;
}

static void
copy_result(struct fx *f, const struct provider_result *r)
{
	f->res = *r;
	f->res.provider_id = xstrdup(r->provider_id);
	f->res.error_code = xstrdup(r->error_code);
	f->res.error_text = xstrdup(r->error_text);
	f->called++;
}

static void
on_sent(void *arg, const struct provider_result *r)
{
	copy_result(arg, r);
}

static void
on_lookup(void *arg, int found, const struct provider_result *r)
{
	struct fx *f = arg;

	copy_result(f, r);
	f->found = found;
}

static void
on_polled(void *arg, const char *error)
{
	struct fx *f = arg;

	f->polled++;
	f->poll_error = xstrdup(error);
}

/* Runs the loop until *flag is set; the deadline only stops a hang. */
static void
run_until(struct fx *f, const int *flag)
{
	int64_t deadline = hark_mono_ms() + 30000;

	uv_timer_start(&f->tick, tick_cb, 20, 20);
	while (*flag == 0) {
		assert_true(hark_mono_ms() < deadline);
		uv_run(&f->loop, UV_RUN_ONCE);
	}
	uv_timer_stop(&f->tick);
}

static void
run_for(struct fx *f, int64_t ms)
{
	int64_t end = hark_mono_ms() + ms;

	uv_timer_start(&f->tick, tick_cb, 10, 10);
	while (hark_mono_ms() < end)
		uv_run(&f->loop, UV_RUN_ONCE);
	uv_timer_stop(&f->tick);
}

/* Sends req and waits for its one callback, which must not come early. */
static void
send_and_wait(struct fx *f, const struct provider_send *req)
{
	char *cause = NULL;

	result_clear(f);
	if (f->p->ops->send(f->p, req, on_sent, f, &cause) != 0)
		fail_msg("send: %s", cause);
	assert_int_equal(f->called, 0);
	run_until(f, &f->called);
	run_for(f, 20);
	assert_int_equal(f->called, 1);
}

static struct provider_send
sms(const char *to, const char *body)
{
	struct provider_send req;

	memset(&req, 0, sizeof req);
	req.message_id = 1;
	req.idempotency_key = "k1";
	req.channel = HARK_CH_SMS;
	req.from = "+14155550100";
	req.to = to;
	req.body = body;
	return req;
}

static char *
basic_auth(const char *user, const char *secret)
{
	char *plain = xasprintf("%s:%s", user, secret);
	unsigned char out[256];
	char *hdr;

	EVP_EncodeBlock(out, (const unsigned char *)plain, (int)strlen(plain));
	hdr = xasprintf("Basic %s", (const char *)out);
	free(plain);
	return hdr;
}

/* RFC 2822 in GMT, as Twilio writes dates. */
static void
rfc2822(int64_t ms, char *buf, size_t n)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

static void
gmt_day(int64_t ms, char out[16])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* A message resource as the spec shows it. */
static char *
message_json(const char *sid, const char *direction, const char *from,
    const char *to, const char *body, const char *status, int64_t at,
    const char *price, const char *segments, const char *num_media,
    const char *error_code)
{
	char date[64];

	rfc2822(at, date, sizeof date);
	return xasprintf("{\"account_sid\":\"" SID "\",\"api_version\":\"2010-04-01\","
	    "\"body\":\"%s\",\"date_created\":\"%s\",\"date_sent\":\"%s\","
	    "\"date_updated\":\"%s\",\"direction\":\"%s\",\"error_code\":%s,"
	    "\"error_message\":null,\"from\":\"%s\",\"messaging_service_sid\":null,"
	    "\"num_media\":\"%s\",\"num_segments\":\"%s\",\"price\":%s,"
	    "\"price_unit\":\"USD\",\"sid\":\"%s\",\"status\":\"%s\","
	    "\"subresource_uris\":{\"media\":\"" API "/Messages/%s/Media.json\"},"
	    "\"to\":\"%s\",\"uri\":\"" API "/Messages/%s.json\"}", body, date, date,
	    date, direction, error_code, from, num_media, segments, price, sid,
	    status, sid, to, sid);
}

/* A page of a list: items joined, and the next page's token or none. */
static char *
page_json(const char *key, const char *path, const char *items,
    const char *next_token)
{
	char *next = next_token != NULL ? xasprintf("\"%s?PageSize=100&Page=1&"
	    "PageToken=%s\"", path, next_token) : xstrdup("null");
	char *s = xasprintf("{\"%s\":[%s],\"end\":0,\"first_page_uri\":\"%s?"
	    "PageSize=100&Page=0\",\"next_page_uri\":%s,\"page\":0,"
	    "\"page_size\":100,\"previous_page_uri\":null,\"start\":0,\"uri\":"
	    "\"%s\"}", key, items, path, next, path);

	free(next);
	return s;
}

/* ---- open ---------------------------------------------------------------- */

static void
test_open_needs_credentials(void **state)
{
	struct fx *f = *state;
	struct provider *p;
	char *cause = NULL;

	config_free(f->cfg);
	f->cfg = fx_config(f, "", "");
	p = fx_open(f, &cause);
	assert_null(p);
	assert_non_null(strstr(cause, "account 'tw'"));
	assert_non_null(strstr(cause, "auth_token"));
	free(cause);
	cause = NULL;

	config_free(f->cfg);
	f->cfg = fx_config(f, "", "api_key = SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n");
	assert_null(fx_open(f, &cause));
	assert_non_null(strstr(cause, "api_secret is missing"));
	free(cause);
	cause = NULL;

	config_free(f->cfg);
	f->cfg = fx_config(f, "", "auth_token_env = HARK_TEST_NO_SUCH_VARIABLE\n");
	assert_null(fx_open(f, &cause));
	assert_non_null(strstr(cause, "account 'tw'"));
	free(cause);
	cause = NULL;
}

static void
test_open_rejects_bad_sid(void **state)
{
	struct fx *f = *state;
	char *path, *cause = NULL;
	FILE *fp;

	config_free(f->cfg);
	f->cfg = NULL;
	path = xasprintf("%s/config", f->dir);
	fp = fopen(path, "w");
	fprintf(fp, "[account tw]\nprovider = twilio\naccount_sid = SK123\n"
	    "auth_token = " TOKEN "\n");
	fclose(fp);
	chmod(path, 0600);
	assert_int_equal(config_load(path, &f->cfg, &cause), 0);
	free(path);
	assert_null(fx_open(f, &cause));
	assert_non_null(strstr(cause, "account_sid must be AC"));
	assert_null(strstr(cause, TOKEN));
	free(cause);
}

/* ---- send ---------------------------------------------------------------- */

static void
test_send_sms_accepted(void **state)
{
	struct fx *f = *state;
	const char *media[] = { "https://example.com/a.jpg",
	    "https://example.com/b c.png" };
	struct provider_send req = sms("+14155550123", "Hello! 👍 & more");
	char *msg, *auth;
	int64_t now = hark_now_ms() / 1000 * 1000;

	msg = message_json("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "outbound-api",
	    "+14155550100", "+14155550123", "Hello! 👍 & more", "queued", now,
	    "\"-0.00750\"", "2", "2", "null");
	canned_route("POST", API "/Messages.json", NULL, 201, msg);
	req.media_urls = media;
	req.nmedia = 2;
	send_and_wait(f, &req);

	assert_int_equal(f->res.outcome, PROVIDER_OK);
	assert_string_equal(f->res.provider_id, "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(f->res.status, HARK_ST_QUEUED);
	assert_int_equal(f->res.segments, 2);
	assert_int_equal(f->res.has_price, 1);
	assert_int_equal(f->res.price.micros, 7500);
	assert_string_equal(f->res.price.currency, "USD");
	assert_int_equal(f->res.at, now);

	assert_int_equal(canned_nhits(), 1);
	assert_string_equal(canned_reqs[0].method, "POST");
	assert_string_equal(canned_reqs[0].path, API "/Messages.json");
	auth = basic_auth(SID, TOKEN);
	assert_string_equal(canned_reqs[0].auth, auth);
	free(auth);
	assert_form(canned_body(0), "To", "+14155550123");
	assert_form(canned_body(0), "From", "+14155550100");
	assert_form(canned_body(0), "Body", "Hello! 👍 & more");
	assert_form(canned_body(0), "MediaUrl",
	    "https://example.com/a.jpg|https://example.com/b c.png");
	assert_form(canned_body(0), "StatusCallback", HOOK "/twilio/status");
	assert_true(f->p->caps & PROVIDER_CAP_PUSH);
	assert_form(canned_body(0), "MessagingServiceSid", "");
	free(msg);
}

static void
test_send_whatsapp_template(void **state)
{
	struct fx *f = *state;
	struct provider_send req = sms("+447700900123", "Hi Ana, your order shipped");
	char *msg;

	msg = message_json("SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "outbound-api",
	    "whatsapp:+14155550111", "whatsapp:+447700900123", "", "queued",
	    hark_now_ms(), "null", "1", "0", "null");
	canned_route("POST", API "/Messages.json", NULL, 201, msg);
	req.channel = HARK_CH_WHATSAPP;
	req.from = NULL;
	req.content_sid = "HXcccccccccccccccccccccccccccccccc";
	req.content_vars = "{\"1\":\"Ana\"}";
	send_and_wait(f, &req);

	assert_int_equal(f->res.outcome, PROVIDER_OK);
	assert_int_equal(f->res.has_price, 0);
	assert_form(canned_body(0), "To", "whatsapp:+447700900123");
	assert_form(canned_body(0), "From", "whatsapp:+14155550111");
	assert_form(canned_body(0), "ContentSid",
	    "HXcccccccccccccccccccccccccccccccc");
	assert_form(canned_body(0), "ContentVariables", "{\"1\":\"Ana\"}");
	assert_form(canned_body(0), "Body", "");
	free(msg);
}

/* The callback goes to the account's webhook_url, else [relay] public_url,
 * else nowhere (hark then polls); a Messaging Service replaces From. */
static void
test_send_callback_sources(void **state)
{
	struct fx *f = *state;
	struct provider_send req = sms("+14155550123", "hi");
	char *msg, *auth;

	msg = message_json("SMdddddddddddddddddddddddddddddddd", "outbound-api",
	    "+14155550100", "+14155550123", "hi", "accepted", hark_now_ms(),
	    "null", "0", "0", "null");
	canned_route("POST", API "/Messages.json", NULL, 201, msg);

	fx_reopen(f, "[relay]\npublic_url = https://relay.example.org\n",
	    "auth_token = " TOKEN "\n");
	send_and_wait(f, &req);
	assert_form(canned_body(0), "StatusCallback",
	    "https://relay.example.org/twilio/status");
	assert_int_equal(f->res.status, HARK_ST_QUEUED);

	fx_reopen(f, "", "api_key = SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
	    "api_secret = k3y-s3cret\n"
	    "messaging_service_sid = MGeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\n");
	send_and_wait(f, &req);
	assert_int_equal(canned_nhits(), 2);
	assert_form(canned_body(1), "StatusCallback", "");
	/* Without webhooks, polls are how statuses arrive. */
	assert_false(f->p->caps & PROVIDER_CAP_PUSH);
	assert_form(canned_body(1), "From", "");
	assert_form(canned_body(1), "MessagingServiceSid",
	    "MGeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
	assert_string_equal(canned_reqs[1].path, API "/Messages.json");
	auth = basic_auth("SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "k3y-s3cret");
	assert_string_equal(canned_reqs[1].auth, auth);
	free(auth);
	free(msg);
}

static void
test_send_refused_early(void **state)
{
	struct fx *f = *state;
	struct provider_send req = sms("+14155550123", "");
	char *cause = NULL;

	assert_int_equal(f->p->ops->send(f->p, &req, on_sent, f, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	req = sms("a@example.com", "hi");
	req.channel = HARK_CH_EMAIL;
	assert_int_equal(f->p->ops->send(f->p, &req, on_sent, f, &cause), -1);
	assert_non_null(strstr(cause, "email"));
	free(cause);
	run_for(f, 50);
	assert_int_equal(f->called, 0);
	assert_int_equal(canned_nhits(), 0);
}

static void
test_send_invalid_number(void **state)
{
	struct fx *f = *state;
	struct provider_send req = sms("+15005550001", "hi");

	canned_route("POST", API "/Messages.json", NULL, 400, "{\"code\":21211,"
	    "\"message\":\"The 'To' number +15005550001 is not a valid phone "
	    "number.\",\"more_info\":\"https://www.twilio.com/docs/errors/21211\","
	    "\"status\":400}");
	send_and_wait(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_PERMANENT);
	assert_string_equal(f->res.error_code, "21211");
	assert_non_null(strstr(f->res.error_text, "not a valid phone number"));
	assert_non_null(strstr(f->res.error_text, "+15005550001"));
	assert_int_equal(canned_nhits(), 1);
}

static void
test_send_unsubscribed(void **state)
{
	struct fx *f = *state;
	struct provider_send req = sms("+15005550004", "hi");

	canned_route("POST", API "/Messages.json", NULL, 400, "{\"code\":21610,"
	    "\"message\":\"Attempt to send to unsubscribed recipient\","
	    "\"more_info\":\"https://www.twilio.com/docs/errors/21610\","
	    "\"status\":400}");
	send_and_wait(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_PERMANENT);
	assert_string_equal(f->res.error_code, "21610");
	assert_non_null(strstr(f->res.error_text, "opted out"));
}

static void
test_send_auth_failure_hides_token(void **state)
{
	struct fx *f = *state;
	struct provider_send req = sms("+14155550123", "hi");

	canned_route("POST", API "/Messages.json", NULL, 401, "{\"code\":20003,"
	    "\"message\":\"Authenticate: bad token " TOKEN "\",\"more_info\":"
	    "\"https://www.twilio.com/docs/errors/20003\",\"status\":401}");
	send_and_wait(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_PERMANENT);
	assert_string_equal(f->res.error_text, "authentication failed: check "
	    "account_sid/auth_token of account tw");
	assert_null(strstr(f->res.error_text, TOKEN));

	/* Even a server that echoes the token elsewhere never gets it shown. */
	canned_clear();
	canned_route("POST", API "/Messages.json", NULL, 400, "{\"code\":21999,"
	    "\"message\":\"you sent " TOKEN "\",\"status\":400}");
	send_and_wait(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_PERMANENT);
	assert_null(strstr(f->res.error_text, TOKEN));
}

static void
test_send_rate_limited(void **state)
{
	struct fx *f = *state;
	struct provider_send req = sms("+14155550123", "hi");

	canned_route("POST", API "/Messages.json", NULL, 429, "{\"code\":20429,"
	    "\"message\":\"Too Many Requests\",\"status\":429}");
	canned_last("Retry-After", "2", 0);
	send_and_wait(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_TRANSIENT);
	assert_int_equal(f->res.retry_after_ms, 2000);
	assert_string_equal(f->res.error_code, "20429");
	/* The outbox owns retries: one request only. */
	assert_int_equal(canned_nhits(), 1);
}

static void
test_send_server_error(void **state)
{
	struct fx *f = *state;
	struct provider_send req = sms("+14155550123", "hi");

	canned_route("POST", API "/Messages.json", NULL, 500, "oops");
	send_and_wait(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_TRANSIENT);
	assert_string_equal(f->res.error_code, "500");
	assert_int_equal(f->res.retry_after_ms, -1);
	assert_int_equal(canned_nhits(), 1);
}

static void
test_send_timeout(void **state)
{
	struct fx *f = *state;
	struct provider_send req = sms("+14155550123", "hi");

	canned_route("POST", API "/Messages.json", NULL, 201, "{}");
	canned_last(NULL, NULL, 1500);
	twilio_set_timeout_ms(f->p, 300);
	send_and_wait(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_TRANSIENT);
	assert_non_null(strstr(f->res.error_text, "cannot reach Twilio"));
	assert_null(f->res.error_code);
	/* Twilio may still be making it: the retry waits twice the timeout. */
	assert_int_equal(f->res.retry_after_ms, 600);
	assert_int_equal(canned_nhits(), 1);
}

/* A 201 that cannot be read may have gone out: never let it be resent. */
static void
test_send_unreadable_answer(void **state)
{
	struct fx *f = *state;
	struct provider_send req = sms("+14155550123", "hi");

	canned_route("POST", API "/Messages.json", NULL, 201, "<html>");
	send_and_wait(f, &req);
	assert_int_equal(f->res.outcome, PROVIDER_PERMANENT);
	assert_non_null(strstr(f->res.error_text, "may have gone out"));
}

static void
test_free_drops_callbacks(void **state)
{
	struct fx *f = *state;
	struct provider_send req = sms("+14155550123", "hi");
	char *cause = NULL;

	canned_route("POST", API "/Messages.json", NULL, 201, "{}");
	canned_last(NULL, NULL, 300);
	canned_route("GET", API "/Messages.json", NULL, 200, "{\"messages\":[]}");
	canned_last(NULL, NULL, 300);
	result_clear(f);
	assert_int_equal(f->p->ops->send(f->p, &req, on_sent, f, &cause), 0);
	assert_int_equal(f->p->ops->poll(f->p, on_polled, f, &cause), 0);
	run_for(f, 50);
	provider_free(f->p);
	f->p = NULL;
	run_for(f, 600);
	assert_int_equal(f->called, 0);
	assert_int_equal(f->polled, 0);
}

static int
lookup(struct fx *f, const struct provider_send *req, char **cause)
{
	return f->p->ops->lookup(f->p, req, on_lookup, f, cause);
}

/* ---- lookup -------------------------------------------------------------- */

static void
test_lookup_found_and_not(void **state)
{
	struct fx *f = *state;
	struct provider_send req = sms("+14155550123", "See you at 5");
	int64_t started = hark_now_ms() - 120000;
	char *m1, *m2, *m3, *items, *p1, *p2, *cause = NULL, day[16];

	/* Page 1: an older identical send and an inbound one; page 2: ours. */
	m1 = message_json("SM00000000000000000000000000000001", "outbound-api",
	    "+14155550100", "+14155550123", "See you at 5", "delivered",
	    started - 3600000, "\"-0.0079\"", "1", "0", "null");
	m2 = message_json("SM00000000000000000000000000000002", "inbound",
	    "+14155550123", "+14155550100", "See you at 5", "received",
	    started + 1000, "null", "1", "0", "null");
	m3 = message_json("SM00000000000000000000000000000003", "outbound-api",
	    "+14155550100", "+14155550123", "See you at 5", "sent",
	    started + 2000, "\"-0.00790\"", "1", "0", "null");
	items = xasprintf("%s,%s", m1, m2);
	p1 = page_json("messages", API "/Messages.json", items, "PAfirst");
	free(items);
	p2 = page_json("messages", API "/Messages.json", m3, NULL);
	canned_route("GET", API "/Messages.json", NULL, 200, p1);
	canned_route("GET", API "/Messages.json", "PAfirst", 200, p2);

	req.started_at = started;
	result_clear(f);
	assert_int_equal(lookup(f, &req, &cause), 0);
	assert_int_equal(f->called, 0);
	run_until(f, &f->called);
	assert_int_equal(f->found, 1);
	assert_string_equal(f->res.provider_id, "SM00000000000000000000000000000003");
	assert_int_equal(f->res.status, HARK_ST_SENT);
	assert_int_equal(f->res.price.micros, 7900);
	assert_int_equal(canned_nhits(), 2);
	gmt_day(started - 60000, day);
	items = xasprintf("To=+14155550123&From=+14155550100&DateSent>=%s"
	    "&PageSize=100", day);
	assert_string_equal(canned_query(0), items);
	free(items);

	/* A different body was never accepted. */
	req.body = "See you at 6";
	result_clear(f);
	assert_int_equal(lookup(f, &req, &cause), 0);
	run_until(f, &f->called);
	assert_int_equal(f->found, 0);

	/* Without the time the attempt began, Twilio cannot be asked. */
	req.started_at = 0;
	assert_int_equal(lookup(f, &req, &cause), -1);
	assert_non_null(cause);
	free(cause);
	free(m1);
	free(m2);
	free(m3);
	free(p1);
	free(p2);
}

static void
test_lookup_error(void **state)
{
	struct fx *f = *state;
	struct provider_send req = sms("+14155550123", "hi");
	char *cause = NULL;

	canned_route("GET", API "/Messages.json", NULL, 401, "{\"code\":20003,"
	    "\"message\":\"Authenticate\",\"status\":401}");
	req.started_at = hark_now_ms();
	result_clear(f);
	assert_int_equal(lookup(f, &req, &cause), 0);
	run_until(f, &f->called);
	assert_int_equal(f->found, -1);
	assert_non_null(strstr(f->res.error_text, "authentication failed"));
}

/* ---- poll ---------------------------------------------------------------- */

static void
poll_and_wait(struct fx *f)
{
	char *cause = NULL;

	result_clear(f);
	events_clear(f);
	if (f->p->ops->poll(f->p, on_polled, f, &cause) != 0)
		fail_msg("poll: %s", cause);
	assert_int_equal(f->polled, 0);
	run_until(f, &f->polled);
	run_for(f, 20);
	assert_int_equal(f->polled, 1);
}

/* The event about sid with that detail (NULL: none). */
static const struct provider_event *
event_for(struct fx *f, const char *sid, const char *detail)
{
	const struct provider_event *e;
	int i;

	for (i = 0; i < f->nev; i++) {
		e = &f->ev[i];
		if (strcmp(e->provider_id, sid) == 0 && (detail == NULL ?
		    e->detail == NULL : e->detail != NULL &&
		    strcmp(e->detail, detail) == 0))
			return e;
	}
	fail_msg("no event for %s", sid);
	return NULL;
}

/* Three pages of messages (a WhatsApp one with two photos), one of calls. */
static char **
poll_routes(const char *last_status)
{
	char **mem = xcalloc(16, sizeof *mem);
	int64_t now = hark_now_ms();
	char *items;

	mem[0] = message_json("SM10000000000000000000000000000001", "inbound",
	    "+14155550123", "+14155550100", "Can we meet?", "received",
	    now - 5000, "\"-0.0079\"", "1", "0", "null");
	mem[1] = message_json("SM10000000000000000000000000000002", "outbound-api",
	    "+14155550100", "+14155550123", "Yes", "delivered", now - 4000,
	    "\"-0.01580\"", "2", "0", "null");
	items = xasprintf("%s,%s", mem[0], mem[1]);
	mem[2] = page_json("messages", API "/Messages.json", items, "PA1");
	free(items);
	mem[3] = message_json("SM10000000000000000000000000000003", "inbound",
	    "whatsapp:+447700900123", "whatsapp:+14155550111", "Photos", "received",
	    now - 3000, "\"-0.005\"", "1", "2", "null");
	mem[4] = page_json("messages", API "/Messages.json", mem[3], "PA2");
	mem[5] = message_json("SM10000000000000000000000000000004", "outbound-api",
	    "+14155550100", "+12125550100", "Hello", last_status, now - 2000,
	    "null", "1", "0", strcmp(last_status, "undelivered") == 0 ?
	    "30006" : "null");
	mem[6] = page_json("messages", API "/Messages.json", mem[5], NULL);
	mem[7] = xstrdup("{\"first_page_uri\":\"x\",\"end\":1,\"media_list\":["
	    "{\"account_sid\":\"" SID "\",\"content_type\":\"image/jpeg\","
	    "\"parent_sid\":\"SM10000000000000000000000000000003\",\"sid\":\"ME1\","
	    "\"uri\":\"" API "/Messages/SM10000000000000000000000000000003/Media/ME1.json\"},"
	    "{\"account_sid\":\"" SID "\",\"content_type\":\"image/png\","
	    "\"parent_sid\":\"SM10000000000000000000000000000003\",\"sid\":\"ME2\","
	    "\"uri\":\"" API "/Messages/SM10000000000000000000000000000003/Media/ME2.json\"}"
	    "],\"next_page_uri\":null,\"page\":0,\"page_size\":50,"
	    "\"previous_page_uri\":null,\"start\":0,\"uri\":\"x\"}");
	mem[8] = page_json("calls", API "/Calls.json", "{\"sid\":\"CA0\","
	    "\"parent_call_sid\":null,\"from\":\"+14155550100\",\"to\":"
	    "\"+14155550199\",\"status\":\"completed\",\"duration\":\"50\","
	    "\"direction\":\"outbound-api\",\"price\":\"-0.02800\","
	    "\"price_unit\":\"USD\"},{\"sid\":\"CA3\",\"parent_call_sid\":"
	    "\"CA9\",\"status\":\"in-progress\",\"direction\":\"outbound-dial\","
	    "\"duration\":null},{\"sid\":\"CA1\","
	    "\"parent_call_sid\":\"CA0\",\"from\":\"+14155550100\",\"to\":"
	    "\"+14155550123\",\"status\":\"completed\",\"duration\":\"42\","
	    "\"direction\":\"outbound-dial\",\"price\":\"-0.03000\",\"price_unit\":"
	    "\"USD\",\"date_updated\":\"Thu, 24 Aug 2023 05:01:45 +0000\"},"
	    "{\"sid\":\"CA2\",\"parent_call_sid\":null,\"from\":\"+14155550123\","
	    "\"to\":\"+14155550100\",\"status\":\"no-answer\",\"duration\":\"\","
	    "\"direction\":\"inbound\"}", NULL);
	canned_route("GET", API "/Messages.json", NULL, 200, mem[2]);
	canned_route("GET", API "/Messages.json", "PA1", 200, mem[4]);
	canned_route("GET", API "/Messages.json", "PA2", 200, mem[6]);
	canned_route("GET", API "/Messages/SM10000000000000000000000000000003/Media.json",
	    NULL, 200, mem[7]);
	canned_route("GET", API "/Calls.json", NULL, 200, mem[8]);
	return mem;
}

static void
poll_routes_free(char **mem)
{
	int i;

	for (i = 0; i < 16; i++)
		free(mem[i]);
	free(mem);
}

static void
test_poll_pages(void **state)
{
	struct fx *f = *state;
	const struct provider_event *e;
	char **mem = poll_routes("sent"), day[16], *want, *base;
	int i;

	poll_and_wait(f);
	assert_null(f->poll_error);
	assert_int_equal(f->nev, 7);

	e = event_for(f, "SM10000000000000000000000000000001", NULL);
	assert_int_equal(e->type, PROVIDER_EV_INBOUND);
	assert_int_equal(e->channel, HARK_CH_SMS);
	assert_string_equal(e->from, "+14155550123");
	assert_string_equal(e->body, "Can we meet?");
	assert_int_equal(e->nmedia, 0);

	e = event_for(f, "SM10000000000000000000000000000002", NULL);
	assert_int_equal(e->type, PROVIDER_EV_STATUS);
	assert_int_equal(e->status, HARK_ST_DELIVERED);
	assert_int_equal(e->has_price, 1);
	assert_int_equal(e->price.micros, 15800);
	assert_int_equal(e->segments, 2);

	e = event_for(f, "SM10000000000000000000000000000003", NULL);
	assert_int_equal(e->type, PROVIDER_EV_INBOUND);
	assert_int_equal(e->channel, HARK_CH_WHATSAPP);
	assert_string_equal(e->from, "+447700900123");
	assert_string_equal(e->to, "+14155550111");
	assert_int_equal(e->nmedia, 2);
	base = xasprintf("http://127.0.0.1:%u" API "/Messages/"
	    "SM10000000000000000000000000000003/Media/ME1", canned_port);
	assert_string_equal(e->media[0].url, base);
	assert_string_equal(e->media[0].content_type, "image/jpeg");
	assert_string_equal(e->media[1].content_type, "image/png");
	free(base);

	e = event_for(f, "SM10000000000000000000000000000004", NULL);
	assert_int_equal(e->status, HARK_ST_SENT);
	assert_int_equal(e->has_price, 0);

	/* The agent's leg, with its price; the contact's leg as the relay's
	 * <Dial action> would say it: a "dial" change of the agent's leg,
	 * once it has ended (CA3 is still talking: nothing yet). */
	e = event_for(f, "CA0", NULL);
	assert_int_equal(e->type, PROVIDER_EV_CALL);
	assert_string_equal(e->call_status, "completed");
	assert_int_equal(e->duration_s, 50);
	assert_int_equal(e->has_price, 1);
	assert_int_equal(e->price.micros, 28000);
	e = event_for(f, "CA0", "dial");
	assert_string_equal(e->call_status, "completed");
	assert_int_equal(e->duration_s, 42);
	assert_int_equal(e->inbound_call, 0);
	assert_int_equal(e->has_price, 0);
	e = event_for(f, "CA2", NULL);
	assert_string_equal(e->call_status, "no-answer");
	assert_int_equal(e->duration_s, -1);
	assert_int_equal(e->inbound_call, 1);
	assert_null(e->parent_id);

	/* Every request: the first two days, then each page by its token. */
	assert_int_equal(canned_nhits(), 5);
	gmt_day(hark_now_ms() - 2 * 86400000LL, day);
	want = xasprintf("DateSent>=%s&PageSize=100", day);
	assert_string_equal(canned_query(0), want);
	free(want);
	assert_string_equal(canned_query(1), "PageSize=100&Page=1&PageToken=PA1");
	assert_string_equal(canned_reqs[2].path, API "/Messages/"
	    "SM10000000000000000000000000000003/Media.json");
	assert_string_equal(canned_query(3), "PageSize=100&Page=1&PageToken=PA2");
	want = xasprintf("StartTime>=%s&PageSize=100", day);
	assert_string_equal(canned_query(4), want);
	free(want);
	for (i = 0; i < 5; i++)
		assert_string_equal(canned_reqs[i].method, "GET");

	/* The same answers again: nothing new to report, no media fetched. */
	poll_and_wait(f);
	assert_null(f->poll_error);
	assert_int_equal(f->nev, 0);
	assert_int_equal(canned_nhits(), 9);
	gmt_day(hark_now_ms() - 86400000LL, day);
	want = xasprintf("DateSent>=%s&PageSize=100", day);
	assert_string_equal(canned_query(5), want);
	free(want);

	/* One message moved on: one event, with Twilio's error. */
	canned_clear();
	poll_routes_free(mem);
	mem = poll_routes("undelivered");
	poll_and_wait(f);
	assert_int_equal(f->nev, 1);
	assert_string_equal(f->ev[0].provider_id, "SM10000000000000000000000000000004");
	assert_int_equal(f->ev[0].status, HARK_ST_UNDELIVERED);
	assert_string_equal(f->ev[0].error_code, "30006");
	assert_non_null(strstr(f->ev[0].error_text, "Landline"));
	poll_routes_free(mem);
}

/*
 * An inbound message the engine could not store is not taken as seen: the
 * next poll hands it over again (with its media), and once stored it is
 * not handed over a third time.
 */
static void
test_poll_retries_unstored(void **state)
{
	struct fx *f = *state;
	char **mem = poll_routes("sent");

	f->refuse_inbound = 1;
	poll_and_wait(f);
	assert_null(f->poll_error);
	assert_int_equal(f->nev, 7);
	f->refuse_inbound = 0;
	poll_and_wait(f);
	assert_int_equal(f->nev, 2);
	assert_int_equal(event_for(f, "SM10000000000000000000000000000001",
	    NULL)->type, PROVIDER_EV_INBOUND);
	assert_int_equal(event_for(f, "SM10000000000000000000000000000003",
	    NULL)->nmedia, 2);
	poll_and_wait(f);
	assert_int_equal(f->nev, 0);
	poll_routes_free(mem);
}

/* An event handler may close the provider: the poll stops there, silently. */
static void
test_poll_closed_by_event(void **state)
{
	struct fx *f = *state;
	char **mem = poll_routes("sent");
	char *cause = NULL;

	result_clear(f);
	events_clear(f);
	f->free_on_event = 1;
	assert_int_equal(f->p->ops->poll(f->p, on_polled, f, &cause), 0);
	run_until(f, &f->nev);
	run_for(f, 200);
	assert_null(f->p);
	assert_int_equal(f->nev, 1);
	assert_int_equal(f->polled, 0);
	assert_int_equal(canned_nhits(), 1);
	poll_routes_free(mem);
}

static void
test_poll_error(void **state)
{
	struct fx *f = *state;
	char *p1 = page_json("messages", API "/Messages.json", "", "PAgone");

	/* The next page is gone (404): the poll says so once. */
	canned_route("GET", API "/Messages.json", NULL, 200, p1);
	poll_and_wait(f);
	assert_non_null(f->poll_error);
	assert_non_null(strstr(f->poll_error, "cannot list messages"));
	free(p1);

	/* A next_page_uri that leaves the API is refused. */
	canned_clear();
	p1 = xstrdup("{\"messages\":[],\"next_page_uri\":\"//evil.example/x\"}");
	canned_route("GET", API "/Messages.json", NULL, 200, p1);
	poll_and_wait(f);
	assert_non_null(f->poll_error);
	assert_non_null(strstr(f->poll_error, "outside the API"));
	assert_int_equal(canned_nhits(), 1);
	free(p1);
}

/* ---- call ---------------------------------------------------------------- */

static void
test_call_bridge(void **state)
{
	struct fx *f = *state;
	struct provider_call req;
	char *cause = NULL;

	canned_route("POST", API "/Calls.json", NULL, 201, "{\"sid\":\"CAffffffffffffff"
	    "ffffffffffffffffff\",\"status\":\"queued\",\"to\":\"+14155550199\","
	    "\"from\":\"+14155550100\",\"direction\":\"outbound-api\","
	    "\"price\":null,\"date_created\":\"Thu, 24 Aug 2023 05:01:45 +0000\"}");
	memset(&req, 0, sizeof req);
	req.message_id = 9;
	req.agent = "+14155550199";
	req.to = "+441234567890";
	req.record = 1;
	result_clear(f);
	assert_int_equal(f->p->ops->call(f->p, &req, on_sent, f, &cause), 0);
	assert_int_equal(f->called, 0);
	run_until(f, &f->called);

	assert_int_equal(f->res.outcome, PROVIDER_OK);
	assert_string_equal(f->res.provider_id, "CAffffffffffffffffffffffffffffffff");
	assert_int_equal(f->res.status, HARK_ST_QUEUED);
	assert_string_equal(canned_reqs[0].path, API "/Calls.json");
	assert_form(canned_body(0), "To", "+14155550199");
	assert_form(canned_body(0), "From", "+14155550100");
	assert_form(canned_body(0), "Twiml", "<Response><Dial callerId=\""
	    "+14155550100\" record=\"record-from-answer-dual\" action=\"" HOOK
	    "/twilio/voice/dial\">+441234567890</Dial></Response>");
	assert_form(canned_body(0), "StatusCallback", HOOK "/twilio/voice");
	assert_form(canned_body(0), "StatusCallbackEvent",
	    "initiated|ringing|answered|completed");

	/* Without recording consent, no record attribute. */
	req.record = 0;
	result_clear(f);
	assert_int_equal(f->p->ops->call(f->p, &req, on_sent, f, &cause), 0);
	run_until(f, &f->called);
	assert_form(canned_body(1), "Twiml", "<Response><Dial callerId=\""
	    "+14155550100\" action=\"" HOOK "/twilio/voice/dial\">+441234567890"
	    "</Dial></Response>");

	/* No phone of the user's to ring first. */
	req.agent = NULL;
	assert_int_equal(f->p->ops->call(f->p, &req, on_sent, f, &cause), -1);
	assert_non_null(strstr(cause, "my_phone"));
	free(cause);
}

static void
test_registry(void **state)
{
	const struct provider_ops *ops = provider_ops_find("twilio");

	assert_ptr_equal(ops, &provider_twilio_ops);
	assert_true(ops->caps & PROVIDER_CAP_CALL);
	assert_true(ops->caps & PROVIDER_CAP_LOOKUP);
	assert_true(ops->caps & PROVIDER_CAP_WA_WINDOW);
	assert_false(ops->caps & PROVIDER_CAP_CANCEL);
	assert_false(ops->channels & (1u << HARK_CH_EMAIL));
}

/* A delivered message fetched again: the price Twilio billed after sending. */
static void
test_refresh_brings_the_price(void **state)
{
	struct fx *f = *state;
	char *msg, *cause = NULL;
	int64_t now = hark_now_ms() / 1000 * 1000;

	msg = message_json("SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "outbound-api",
	    "+14155550100", "+14155550123", "Hello", "delivered", now,
	    "\"-0.01580\"", "2", "0", "null");
	canned_route("GET", API "/Messages/SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.json", NULL,
	    200, msg);
	result_clear(f);
	assert_int_equal(f->p->ops->refresh(f->p, "SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
	    on_sent, f, &cause), 0);
	assert_int_equal(f->called, 0);
	run_until(f, &f->called);
	assert_int_equal(f->res.outcome, PROVIDER_OK);
	assert_int_equal(f->res.status, HARK_ST_DELIVERED);
	assert_int_equal(f->res.has_price, 1);
	assert_int_equal(f->res.price.micros, 15800);
	assert_int_equal(f->res.segments, 2);
	assert_string_equal(canned_reqs[0].method, "GET");
	/* Not a message or call sid: refused before any request. */
	assert_int_equal(f->p->ops->refresh(f->p, "CA123", on_sent, f, &cause), -1);
	assert_non_null(strstr(cause, "not a Twilio message or call sid"));
	free(cause);
	assert_int_equal(canned_nhits(), 1);
	free(msg);

	/* A call sid fetches the call: its price once the call is billed. */
	canned_route("GET", API "/Calls/CAcccccccccccccccccccccccccccccccc.json", NULL, 200,
	    "{\"sid\":\"CAcccccccccccccccccccccccccccccccc\",\"status\":\"completed\","
	    "\"duration\":\"95\",\"price\":\"-0.02800\",\"price_unit\":\"USD\"}");
	result_clear(f);
	assert_int_equal(f->p->ops->refresh(f->p, "CAcccccccccccccccccccccccccccccccc",
	    on_sent, f, &cause), 0);
	run_until(f, &f->called);
	assert_int_equal(f->res.outcome, PROVIDER_OK);
	assert_int_equal(f->res.has_price, 1);
	assert_int_equal(f->res.price.micros, 28000);
	assert_int_equal(canned_nhits(), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_needs_credentials,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_open_rejects_bad_sid,
		    fx_setup, fx_teardown),
		cmocka_unit_test(test_registry),
		cmocka_unit_test_setup_teardown(test_refresh_brings_the_price,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_send_sms_accepted,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_send_whatsapp_template,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_send_callback_sources,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_send_refused_early,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_send_invalid_number,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_send_unsubscribed,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_send_auth_failure_hides_token,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_send_rate_limited,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_send_server_error,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_send_timeout,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_send_unreadable_answer,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_free_drops_callbacks,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_lookup_found_and_not,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_lookup_error,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_poll_pages,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_poll_retries_unstored,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_poll_closed_by_event,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_poll_error,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_call_bridge,
		    fx_setup, fx_teardown),
	};

	canned_fallback(404, MISSING);
	return cmocka_run_group_tests(tests, canned_start, canned_stop);
}
