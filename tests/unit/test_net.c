/* test_net.c — net: requests against a real HTTP server on 127.0.0.1, driven by a real uv loop. */

#include "harness.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "hark/core.h"
#include "hark/net.h"

/* ---- the server ------------------------------------------------------------ */

static struct MHD_Daemon *srv;
static unsigned srv_port;
static atomic_int srv_hits_retry;
static atomic_int srv_hits_fail;
static atomic_int srv_hits_limit;

#define SRV_BIG 65536

static void
srv_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct hbuf *in = *con_cls;

	if (in != NULL) {
		hbuf_free(in);
		free(in);
		*con_cls = NULL;
	}
}

static enum MHD_Result
srv_reply(struct MHD_Connection *c, unsigned status, const char *body,
    size_t len, const char *retry_after)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
	if (retry_after != NULL)
		MHD_add_response_header(resp, "Retry-After", retry_after);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Streams SRV_BIG bytes without a Content-Length (chunked). */
static ssize_t
srv_chunk_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	size_t n = SRV_BIG - (size_t)pos;

	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n > max)
		n = max;
	if (n > 1000)
		n = 1000;
	memset(buf, 'y', n);
	return (ssize_t)n;
}

static enum MHD_Result
srv_chunked(struct MHD_Connection *c)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024,
	    srv_chunk_reader, NULL, NULL);
	ret = MHD_queue_response(c, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

static const char *
srv_header(struct MHD_Connection *c, const char *name)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);

	return v != NULL ? v : "-";
}

static enum MHD_Result
srv_echo(struct MHD_Connection *c, const char *method, struct hbuf *in)
{
	enum MHD_Result ret;
	char *s;

	s = xasprintf("method=%s\nauth=%s\nua=%s\nctype=%s\nbody=%s", method,
	    srv_header(c, "Authorization"), srv_header(c, "User-Agent"),
	    srv_header(c, "Content-Type"), hbuf_str(in));
	ret = srv_reply(c, 200, s, strlen(s), NULL);
	free(s);
	return ret;
}

static enum MHD_Result
srv_route(struct MHD_Connection *c, const char *url, const char *method,
    struct hbuf *in)
{
	static char big[SRV_BIG];

	if (strcmp(url, "/hello") == 0)
		return srv_reply(c, 200, "hello, hark", 11, NULL);
	if (strcmp(url, "/echo") == 0)
		return srv_echo(c, method, in);
	if (strcmp(url, "/retry-after") == 0) {
		if (atomic_fetch_add(&srv_hits_retry, 1) < 2)
			return srv_reply(c, 503, "busy", 4, "1");
		return srv_reply(c, 200, "ok", 2, NULL);
	}
	if (strcmp(url, "/fail") == 0) {
		atomic_fetch_add(&srv_hits_fail, 1);
		return srv_reply(c, 500, "oops", 4, NULL);
	}
	if (strcmp(url, "/limit") == 0) {
		atomic_fetch_add(&srv_hits_limit, 1);
		return srv_reply(c, 429, "slow down", 9, "0");
	}
	if (strcmp(url, "/chunked") == 0)
		return srv_chunked(c);
	if (strcmp(url, "/slow") == 0) {
		usleep(1000 * 1000);
		return srv_reply(c, 200, "late", 4, NULL);
	}
	if (strcmp(url, "/big") == 0) {
		memset(big, 'x', sizeof big);
		return srv_reply(c, 200, big, sizeof big, NULL);
	}
	return srv_reply(c, 404, "no", 2, NULL);
}

static enum MHD_Result
srv_handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct hbuf *in = *con_cls;

	if (in == NULL) {
		*con_cls = xcalloc(1, sizeof *in);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		hbuf_add(in, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	return srv_route(c, url, method, in);
}

static int
srv_start(void **state)
{
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *info;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, srv_handler, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_NOTIFY_COMPLETED, srv_completed, NULL, MHD_OPTION_END);
	if (srv == NULL)
		return -1;
	info = MHD_get_daemon_info(srv, MHD_DAEMON_INFO_BIND_PORT);
	srv_port = info->port;
	return srv_port != 0 ? 0 : -1;
}

static int
srv_stop(void **state)
{
	MHD_stop_daemon(srv);
	return 0;
}

static char *
srv_url(const char *path)
{
	return xasprintf("http://127.0.0.1:%u%s", srv_port, path);
}

/* A port nothing listens on: bound, then closed again. */
static unsigned
closed_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

/* ---- the loop and results ---------------------------------------------------- */

struct fx {
	uv_loop_t loop;
	uv_timer_t tick;
	struct net *n;
	int done;
};

struct result {
	struct fx *f;
	int called;
	long status;
	char *body;
	size_t body_len;
	char *ctype;
	char *error;
	int64_t retry_after_ms;
	int attempts;
	int unsent;
	int free_net;          /* the callback frees the net */
};

static int
fx_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	char *cause = NULL;

	atomic_store(&srv_hits_retry, 0);
	atomic_store(&srv_hits_fail, 0);
	atomic_store(&srv_hits_limit, 0);
	if (uv_loop_init(&f->loop) != 0)
		return -1;
	uv_timer_init(&f->loop, &f->tick);
	if (net_new(&f->loop, &f->n, &cause) != 0)
		return -1;
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;
	int rc;

	net_free(f->n);
	uv_close((uv_handle_t *)&f->tick, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	rc = uv_loop_close(&f->loop);
	free(f);
	return rc == 0 ? 0 : -1;
}

static void
on_done(void *arg, const struct net_response *r)
{
	struct result *res = arg;

	res->called++;
	res->status = r->status;
	res->body = xstrndup(r->body, r->body_len);
	res->body_len = r->body_len;
	res->ctype = xstrdup(r->content_type);
	res->error = xstrdup(r->error);
	res->retry_after_ms = r->retry_after_ms;
	res->attempts = r->attempts;
	res->unsent = r->unsent;
	res->f->done++;
	if (res->free_net) {
		net_free(res->f->n);
		res->f->n = NULL;
	}
}

static void
result_free(struct result *res)
{
	free(res->body);
	free(res->ctype);
	free(res->error);
}

static void
tick_cb(uv_timer_t *t)
{
}

/* Runs the loop until `want` callbacks have run. The deadline only stops a
 * hang; no test depends on how fast requests go. */
static void
run_until(struct fx *f, int want)
{
	int64_t deadline = hark_mono_ms() + 60000;

	uv_timer_start(&f->tick, tick_cb, 20, 20);
	while (f->done < want) {
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

/* Starts a request for path with a fast retry policy. */
static uint64_t
start(struct fx *f, struct net_request *req, const char *path,
    struct result *res)
{
	char *url = srv_url(path);
	char *cause = NULL;
	uint64_t id;

	res->f = f;
	req->url = url;
	if (req->policy.base_ms == 0)
		req->policy.base_ms = 50;
	id = net_request(f->n, req, on_done, res, &cause);
	free(url);
	assert_null(cause);
	assert_true(id > 0);
	return id;
}

/* ---- tests --------------------------------------------------------------------- */

static void
test_request_bad_input(void **state)
{
	struct fx *f = *state;
	struct net_request req = { 0 };
	const char *bad_header[] = { "X-Token: a\r\nX-Evil: b", NULL };
	const char *many[80];
	char *cause = NULL;
	size_t i;

	req.url = "not a url";
	assert_int_equal(net_request(f->n, &req, on_done, NULL, &cause), 0);
	assert_non_null(cause);
	assert_null(strstr(cause, "not a url"));
	free(cause);
	cause = NULL;

	req.url = NULL;
	assert_int_equal(net_request(f->n, &req, on_done, NULL, &cause), 0);
	assert_non_null(cause);
	free(cause);
	cause = NULL;

	req.url = "ftp://127.0.0.1/file";
	assert_int_equal(net_request(f->n, &req, on_done, NULL, &cause), 0);
	assert_non_null(cause);
	free(cause);
	cause = NULL;

	req.url = "http://127.0.0.1/";
	req.headers = bad_header;
	assert_int_equal(net_request(f->n, &req, on_done, NULL, &cause), 0);
	assert_non_null(cause);
	assert_null(strstr(cause, "X-Token"));
	free(cause);
	cause = NULL;

	for (i = 0; i < HARK_NELEM(many) - 1; i++)
		many[i] = "X-A: b";
	many[i] = NULL;
	req.headers = many;
	assert_int_equal(net_request(f->n, &req, on_done, NULL, &cause), 0);
	assert_non_null(strstr(cause, "too many headers"));
	free(cause);
	cause = NULL;

	req.headers = NULL;
	req.method = "GE T";
	assert_int_equal(net_request(f->n, &req, on_done, NULL, &cause), 0);
	assert_non_null(cause);
	free(cause);

	assert_int_equal(net_pending(f->n), 0);
	net_free(NULL);
}

static void
test_form_add(void **state)
{
	struct hbuf b = HBUF_INIT;

	net_form_add(&b, "Body", "");
	assert_string_equal(hbuf_str(&b), "Body=");
	hbuf_reset(&b);
	net_form_add(&b, "To", "+14155552671");
	net_form_add(&b, "Body", "Hi there & welcome, 100%!");
	net_form_add(&b, "x y", "A-Z_a.z~09");
	assert_string_equal(hbuf_str(&b),
	    "To=%2B14155552671&Body=Hi+there+%26+welcome%2C+100%25%21"
	    "&x+y=A-Z_a.z~09");
	hbuf_reset(&b);
	net_form_add(&b, "k", "caf\xc3\xa9 =/?\n\x7f");
	assert_string_equal(hbuf_str(&b), "k=caf%C3%A9+%3D%2F%3F%0A%7F");
	hbuf_reset(&b);
	net_form_add(&b, "n", NULL);
	assert_string_equal(hbuf_str(&b), "n=");
	hbuf_free(&b);
}

static void
test_get_ok(void **state)
{
	struct fx *f = *state;
	struct net_request req = { 0 };
	struct result res = { 0 };

	start(f, &req, "/hello", &res);
	assert_int_equal(net_pending(f->n), 1);
	assert_int_equal(res.called, 0); /* never from inside net_request */
	run_until(f, 1);
	assert_int_equal(res.called, 1);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.body, "hello, hark");
	assert_int_equal(res.body_len, 11);
	assert_string_equal(res.ctype, "text/plain; charset=utf-8");
	assert_null(res.error);
	assert_int_equal(res.attempts, 1);
	assert_int_equal(res.retry_after_ms, -1);
	assert_int_equal(net_pending(f->n), 0);
	result_free(&res);
}

static void
test_post_form_auth(void **state)
{
	struct fx *f = *state;
	const char *headers[] = {
		"Content-Type: application/x-www-form-urlencoded", NULL
	};
	struct net_request req = { 0 };
	struct result res = { 0 };
	struct hbuf form = HBUF_INIT;
	char *want;

	net_form_add(&form, "To", "+14155552671");
	net_form_add(&form, "Body", "Hi & bye = 100%");
	req.headers = headers;
	req.body = form.data;
	req.body_len = form.len;
	req.userpwd = "hark:s3cret pass";
	start(f, &req, "/echo", &res);
	run_until(f, 1);
	assert_int_equal(res.status, 200);
	want = xasprintf("method=POST\nauth=Basic aGFyazpzM2NyZXQgcGFzcw==\n"
	    "ua=hark/");
	assert_memory_equal(res.body, want, strlen(want));
	assert_non_null(strstr(res.body,
	    "\nctype=application/x-www-form-urlencoded\n"));
	free(want);
	want = xasprintf("\nbody=%s", form.data);
	assert_string_equal(strstr(res.body, "\nbody="), want);
	free(want);
	hbuf_free(&form);
	result_free(&res);
}

static void
test_retry_after(void **state)
{
	struct fx *f = *state;
	struct net_request req = { 0 };
	struct result res = { 0 };
	int64_t t0 = hark_mono_ms();

	req.policy.max_attempts = 5;
	start(f, &req, "/retry-after", &res);
	run_until(f, 1);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.body, "ok");
	assert_int_equal(res.attempts, 3);
	assert_int_equal(atomic_load(&srv_hits_retry), 3);
	/* Two waits of at least Retry-After: 1 second each. */
	assert_true(hark_mono_ms() - t0 >= 1950);
	result_free(&res);
}

static void
test_500_forever(void **state)
{
	struct fx *f = *state;
	struct net_request req = { 0 };
	struct result res = { 0 };

	req.policy.max_attempts = 3;
	start(f, &req, "/fail", &res);
	run_until(f, 1);
	assert_int_equal(res.called, 1);
	assert_int_equal(res.status, 500);
	assert_string_equal(res.body, "oops");
	assert_null(res.error);
	assert_int_equal(res.attempts, 3);
	assert_int_equal(atomic_load(&srv_hits_fail), 3);
	result_free(&res);
}

static void
test_post_not_retried(void **state)
{
	struct fx *f = *state;
	struct net_request req = { 0 };
	struct result res = { 0 };

	req.method = "POST";
	req.body = "a=1";
	req.body_len = 3;
	req.policy.max_attempts = 3;
	start(f, &req, "/fail", &res);
	run_until(f, 1);
	assert_int_equal(res.status, 500);
	assert_int_equal(res.attempts, 1);
	assert_int_equal(atomic_load(&srv_hits_fail), 1);
	result_free(&res);
}

static void
test_post_retry_unsafe(void **state)
{
	struct fx *f = *state;
	struct net_request req = { 0 };
	struct result res = { 0 };

	req.body = "a=1";
	req.body_len = 3;
	req.policy.max_attempts = 3;
	req.retry_unsafe = 1;
	start(f, &req, "/fail", &res);
	run_until(f, 1);
	assert_int_equal(res.status, 500);
	assert_int_equal(res.attempts, 3);
	assert_int_equal(atomic_load(&srv_hits_fail), 3);
	result_free(&res);
}

/* 429 refuses a request unprocessed, so even a POST is tried again. */
static void
test_post_retried_on_429(void **state)
{
	struct fx *f = *state;
	struct net_request req = { 0 };
	struct result res = { 0 };

	req.body = "a=1";
	req.body_len = 3;
	req.policy.max_attempts = 2;
	start(f, &req, "/limit", &res);
	run_until(f, 1);
	assert_int_equal(res.status, 429);
	assert_int_equal(res.attempts, 2);
	assert_int_equal(res.retry_after_ms, 0);
	assert_int_equal(atomic_load(&srv_hits_limit), 2);
	result_free(&res);
}

static void
test_refused(void **state)
{
	struct fx *f = *state;
	struct net_request req = { 0 };
	struct result res = { 0 };
	char *url = xasprintf("http://127.0.0.1:%u/", closed_port());
	char *cause = NULL;

	res.f = f;
	req.url = url;
	req.policy.base_ms = 50;
	req.policy.max_attempts = 3;
	assert_true(net_request(f->n, &req, on_done, &res, &cause) > 0);
	free(url);
	run_until(f, 1);
	assert_int_equal(res.status, 0);
	assert_non_null(res.error);
	assert_true(strlen(res.error) > 0);
	assert_string_equal(res.body, "");
	assert_int_equal(res.attempts, 3);
	/* Nothing listens: the request never reached a server. */
	assert_int_equal(res.unsent, 1);
	result_free(&res);
	memset(&res, 0, sizeof res);

	/* A POST that never reached a server is safe to try again. */
	res.f = f;
	url = xasprintf("http://127.0.0.1:%u/", closed_port());
	req.url = url;
	req.body = "a=1";
	req.body_len = 3;
	assert_true(net_request(f->n, &req, on_done, &res, &cause) > 0);
	free(url);
	run_until(f, 2);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.attempts, 3);
	result_free(&res);
}

static void
test_timeout(void **state)
{
	struct fx *f = *state;
	struct net_request req = { 0 };
	struct result res = { 0 };

	req.timeout_ms = 200;
	start(f, &req, "/slow", &res);
	run_until(f, 1);
	assert_int_equal(res.status, 0);
	assert_non_null(res.error);
	assert_non_null(strstr(res.error, "timed out"));
	assert_int_equal(res.attempts, 1);
	/* Connected and asked: the server may have acted on it. */
	assert_int_equal(res.unsent, 0);
	result_free(&res);
}

static void
test_cancel(void **state)
{
	struct fx *f = *state;
	struct net_request slow = { 0 }, fail = { 0 }, now = { 0 };
	struct result r_slow = { 0 }, r_fail = { 0 }, r_now = { 0 };
	uint64_t id_slow, id_fail, id_now;

	id_now = start(f, &now, "/hello", &r_now);
	net_cancel(f->n, id_now);
	id_slow = start(f, &slow, "/slow", &r_slow);
	fail.policy.base_ms = 400;
	fail.policy.max_attempts = 5;
	id_fail = start(f, &fail, "/fail", &r_fail);
	assert_int_equal(net_pending(f->n), 2);
	run_for(f, 150);
	/* /slow is mid-answer; /fail waits to retry. */
	assert_int_equal(atomic_load(&srv_hits_fail), 1);
	net_cancel(f->n, id_slow);
	net_cancel(f->n, id_fail);
	net_cancel(f->n, id_fail);
	net_cancel(f->n, 12345);
	assert_int_equal(net_pending(f->n), 0);
	run_for(f, 1200);
	assert_int_equal(r_now.called + r_slow.called + r_fail.called, 0);
	assert_int_equal(atomic_load(&srv_hits_fail), 1);
}

static void
test_max_response(void **state)
{
	struct fx *f = *state;
	struct net_request small = { 0 }, whole = { 0 }, chunked = { 0 };
	struct result r_small = { 0 }, r_whole = { 0 }, r_chunked = { 0 };

	small.max_response = 1000;
	small.policy.max_attempts = 3;
	start(f, &small, "/big", &r_small);
	start(f, &whole, "/big", &r_whole);
	/* No Content-Length: the limit trips while the body arrives. */
	chunked.max_response = 5000;
	start(f, &chunked, "/chunked", &r_chunked);
	run_until(f, 3);
	assert_int_equal(r_chunked.status, 0);
	assert_non_null(strstr(r_chunked.error, "larger than 5000 bytes"));
	assert_string_equal(r_chunked.body, "");
	assert_int_equal(r_small.status, 0);
	assert_non_null(r_small.error);
	assert_non_null(strstr(r_small.error, "larger than 1000 bytes"));
	assert_int_equal(r_small.attempts, 1);
	assert_int_equal(r_whole.status, 200);
	assert_int_equal(r_whole.body_len, 65536);
	result_free(&r_small);
	result_free(&r_whole);
	result_free(&r_chunked);
}

static void
test_concurrent(void **state)
{
	struct fx *f = *state;
	struct net_request req[8];
	struct result res[8];
	size_t i;

	memset(req, 0, sizeof req);
	memset(res, 0, sizeof res);
	for (i = 0; i < HARK_NELEM(req); i++) {
		if (i % 2 == 0) {
			req[i].body = "n=1";
			req[i].body_len = 3;
		}
		start(f, &req[i], i % 2 == 0 ? "/echo" : "/hello", &res[i]);
	}
	assert_int_equal(net_pending(f->n), 8);
	run_until(f, 8);
	for (i = 0; i < HARK_NELEM(req); i++) {
		assert_int_equal(res[i].called, 1);
		assert_int_equal(res[i].status, 200);
		if (i % 2 == 0)
			assert_non_null(strstr(res[i].body, "\nbody=n=1"));
		else
			assert_string_equal(res[i].body, "hello, hark");
		result_free(&res[i]);
	}
	assert_int_equal(net_pending(f->n), 0);
}

/* net_free with a transfer running and a retry waiting; teardown checks
 * that the loop then closes cleanly. */
static void
test_free_in_flight(void **state)
{
	struct fx *f = *state;
	struct net_request slow = { 0 }, fail = { 0 };
	struct result r_slow = { 0 }, r_fail = { 0 };

	start(f, &slow, "/slow", &r_slow);
	fail.policy.base_ms = 5000;
	fail.policy.max_attempts = 2;
	start(f, &fail, "/fail", &r_fail);
	run_for(f, 150);
	net_free(f->n);
	f->n = NULL;
	run_for(f, 50);
	assert_int_equal(r_slow.called + r_fail.called, 0);
}

static void
test_free_from_callback(void **state)
{
	struct fx *f = *state;
	struct net_request hello = { 0 }, slow = { 0 };
	struct result r_hello = { 0 }, r_slow = { 0 };

	start(f, &slow, "/slow", &r_slow);
	r_hello.free_net = 1;
	start(f, &hello, "/hello", &r_hello);
	run_until(f, 1);
	assert_null(f->n);
	run_for(f, 50);
	assert_int_equal(r_hello.called, 1);
	assert_int_equal(r_slow.called, 0);
	result_free(&r_hello);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_request_bad_input,
		    fx_setup, fx_teardown),
		cmocka_unit_test(test_form_add),
		cmocka_unit_test_setup_teardown(test_get_ok, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_post_form_auth, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_retry_after, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_500_forever, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_post_not_retried,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_post_retry_unsafe,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_post_retried_on_429,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_refused, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_timeout, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_cancel, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_max_response, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_free_in_flight, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_free_from_callback,
		    fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, srv_start, srv_stop);
}
