/*
 * http_stub.h — for provider tests (test_sendgrid.c, test_mailgun.c): an
 * HTTP server on 127.0.0.1 (libmicrohttpd, a thread per connection) that
 * answers POSTs from a list of canned answers, in order, and records every
 * request whole (method, path, headers, body bytes); and a fixture with a
 * libuv loop, net and one provider opened from a configuration text.
 *
 * Included by one test file each: everything here is static.
 */
#ifndef HARK_TEST_HTTP_STUB_H
#define HARK_TEST_HTTP_STUB_H

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "hark/config.h"
#include "hark/core.h"
#include "hark/net.h"
#include "hark/provider.h"

#define STUB_MAX 16

struct stub_answer {
	unsigned status;
	const char *body;
	const char *hdr_name, *hdr_value;  /* one extra header, may be NULL */
	int delay_ms;
};

struct stub_req {
	char *method, *path, *auth, *ctype;
	struct hbuf query;         /* decoded "name=value", '&' between */
	struct hbuf body;
};

static struct MHD_Daemon *stub_srv;
static unsigned stub_port;
static pthread_mutex_t stub_lock = PTHREAD_MUTEX_INITIALIZER;
static struct stub_answer stub_answers[STUB_MAX];
static int stub_nanswers, stub_next;
static struct stub_req stub_reqs[STUB_MAX];
static int stub_nreqs;

static void
stub_clear(void)
{
	int i;

	pthread_mutex_lock(&stub_lock);
	for (i = 0; i < stub_nreqs; i++) {
		free(stub_reqs[i].method);
		free(stub_reqs[i].path);
		free(stub_reqs[i].auth);
		free(stub_reqs[i].ctype);
		hbuf_free(&stub_reqs[i].query);
		hbuf_free(&stub_reqs[i].body);
	}
	stub_nreqs = stub_nanswers = stub_next = 0;
	pthread_mutex_unlock(&stub_lock);
}

/* Queues the next answer; the last one repeats once the list is used up. */
static void
stub_add(unsigned status, const char *body, const char *hdr_name,
    const char *hdr_value, int delay_ms)
{
	struct stub_answer *a;

	pthread_mutex_lock(&stub_lock);
	assert_true(stub_nanswers < STUB_MAX);
	a = &stub_answers[stub_nanswers++];
	a->status = status;
	a->body = body;
	a->hdr_name = hdr_name;
	a->hdr_value = hdr_value;
	a->delay_ms = delay_ms;
	pthread_mutex_unlock(&stub_lock);
}

static int
stub_nhits(void)
{
	int n;

	pthread_mutex_lock(&stub_lock);
	n = stub_nreqs;
	pthread_mutex_unlock(&stub_lock);
	return n;
}

static enum MHD_Result
stub_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct hbuf *q = cls;

	hbuf_printf(q, "%s%s=%s", q->len > 0 ? "&" : "", key,
	    value != NULL ? value : "");
	return MHD_YES;
}

static enum MHD_Result
stub_handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct hbuf *in = *con_cls;
	struct stub_answer a = { 500, "{}", NULL, NULL, 0 };
	struct MHD_Response *resp;
	struct stub_req *r;
	const char *v;
	enum MHD_Result ret;

	if (in == NULL) {
		*con_cls = xcalloc(1, sizeof *in);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		hbuf_add(in, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&stub_lock);
	if (stub_nreqs < STUB_MAX) {
		r = &stub_reqs[stub_nreqs++];
		r->method = xstrdup(method);
		r->path = xstrdup(url);
		v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
		r->auth = xstrdup(v != NULL ? v : "");
		v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
		r->ctype = xstrdup(v != NULL ? v : "");
		memset(&r->query, 0, sizeof r->query);
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND,
		    stub_query_arg, &r->query);
		memset(&r->body, 0, sizeof r->body);
		hbuf_add(&r->body, in->data != NULL ? in->data : "", in->len);
	}
	if (stub_nanswers > 0)
		a = stub_answers[stub_next < stub_nanswers ? stub_next++ :
		    stub_nanswers - 1];
	pthread_mutex_unlock(&stub_lock);
	if (a.delay_ms > 0)
		usleep((useconds_t)a.delay_ms * 1000);
	resp = MHD_create_response_from_buffer(strlen(a.body), (void *)a.body,
	    MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(resp, "Content-Type", "application/json");
	if (a.hdr_name != NULL)
		MHD_add_response_header(resp, a.hdr_name, a.hdr_value);
	ret = MHD_queue_response(c, a.status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
stub_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct hbuf *in = *con_cls;

	if (in != NULL) {
		hbuf_free(in);
		free(in);
		*con_cls = NULL;
	}
}

static int
stub_start(void **state)
{
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *info;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	stub_srv = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, stub_handler, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_NOTIFY_COMPLETED, stub_completed, NULL, MHD_OPTION_END);
	if (stub_srv == NULL)
		return -1;
	info = MHD_get_daemon_info(stub_srv, MHD_DAEMON_INFO_BIND_PORT);
	stub_port = info->port;
	return stub_port != 0 ? 0 : -1;
}

static int
stub_stop(void **state)
{
	MHD_stop_daemon(stub_srv);
	stub_clear();
	return 0;
}

/* ---- the fixture -------------------------------------------------------- */

struct stub_fx {
	char *dir;
	struct config *cfg;
	uv_loop_t loop;
	uv_timer_t tick;
	struct net *net;
	struct provider *p;
	int called;
	int found;                   /* a lookup's answer */
	struct provider_result res;  /* strings copied */
};

static void
stub_tick(uv_timer_t *t)
{
}

/* Writes text as the configuration (@PORT@ in it becomes the server's
 * port) and opens account "acct". 0, or -1 with *cause. */
static int
stub_open(struct stub_fx *f, const char *text, char **cause)
{
	struct provider_env env;
	struct hbuf b = HBUF_INIT;
	const char *at;
	char *path, *cfgtext;
	FILE *fp;

	provider_free(f->p);
	f->p = NULL;
	config_free(f->cfg);
	f->cfg = NULL;
	path = xasprintf("%s/config", f->dir);
	while ((at = strstr(text, "@PORT@")) != NULL) {
		hbuf_add(&b, text, (size_t)(at - text));
		hbuf_printf(&b, "%u", stub_port);
		text = at + 6;
	}
	hbuf_adds(&b, text);
	cfgtext = hbuf_steal(&b);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(cfgtext, fp);
	fclose(fp);
	free(cfgtext);
	chmod(path, 0600);
	if (config_load(path, &f->cfg, cause) != 0) {
		free(path);
		return -1;
	}
	free(path);
	memset(&env, 0, sizeof env);
	env.loop = &f->loop;
	env.net = f->net;
	env.cfg = f->cfg;
	env.acct = config_account_find(f->cfg, "acct");
	assert_non_null(env.acct);
	f->p = provider_new(&env, cause);
	return f->p != NULL ? 0 : -1;
}

static struct stub_fx *
stub_fx_new(const char *text)
{
	struct stub_fx *f = xcalloc(1, sizeof *f);
	char *cause = NULL;

	stub_clear();
	f->dir = test_tmpdir();
	uv_loop_init(&f->loop);
	uv_timer_init(&f->loop, &f->tick);
	if (net_new(&f->loop, &f->net, &cause) != 0)
		fail_msg("net: %s", cause);
	if (stub_open(f, text, &cause) != 0)
		fail_msg("open: %s", cause);
	return f;
}

static void
stub_result_clear(struct stub_fx *f)
{
	free((char *)f->res.provider_id);
	free((char *)f->res.error_code);
	free((char *)f->res.error_text);
	memset(&f->res, 0, sizeof f->res);
	f->called = 0;
}

static int
stub_fx_free(struct stub_fx *f)
{
	char *cmd;
	int rc;

	provider_free(f->p);
	net_free(f->net);
	uv_close((uv_handle_t *)&f->tick, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	rc = uv_loop_close(&f->loop);
	stub_result_clear(f);
	config_free(f->cfg);
	cmd = xasprintf("rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		rc = -1;
	free(cmd);
	free(f->dir);
	free(f);
	stub_clear();
	return rc == 0 ? 0 : -1;
}

static void
stub_on_sent(void *arg, const struct provider_result *r)
{
	struct stub_fx *f = arg;

	f->res = *r;
	f->res.provider_id = xstrdup(r->provider_id);
	f->res.error_code = xstrdup(r->error_code);
	f->res.error_text = xstrdup(r->error_text);
	f->called++;
}

/* Inline: a test without lookups leaves them unused, without a warning. */
static inline void
stub_on_lookup(void *arg, int found, const struct provider_result *r)
{
	struct stub_fx *f = arg;

	stub_on_sent(f, r);
	f->found = found;
}

/* Runs the loop until the callback of what was started has come, once. */
static void
stub_run(struct stub_fx *f)
{
	int64_t deadline = hark_mono_ms() + 30000, end;

	assert_int_equal(f->called, 0);
	uv_timer_start(&f->tick, stub_tick, 10, 10);
	while (f->called == 0) {
		assert_true(hark_mono_ms() < deadline);
		uv_run(&f->loop, UV_RUN_ONCE);
	}
	end = hark_mono_ms() + 20;
	while (hark_mono_ms() < end)
		uv_run(&f->loop, UV_RUN_ONCE);
	uv_timer_stop(&f->tick);
	assert_int_equal(f->called, 1);
}

/* Looks req up and waits for the answer. */
static inline void
stub_lookup(struct stub_fx *f, const struct provider_send *req)
{
	char *cause = NULL;

	stub_result_clear(f);
	f->found = -2;
	if (f->p->ops->lookup(f->p, req, stub_on_lookup, f, &cause) != 0)
		fail_msg("lookup: %s", cause);
	stub_run(f);
}

/* Sends req and runs the loop until its one callback, which must not come
 * from inside the send. */
static void
stub_send(struct stub_fx *f, const struct provider_send *req)
{
	char *cause = NULL;

	stub_result_clear(f);
	if (f->p->ops->send(f->p, req, stub_on_sent, f, &cause) != 0)
		fail_msg("send: %s", cause);
	stub_run(f);
}

/* Writes len bytes to a new file in f->dir; returns its path. */
static char *
stub_file(struct stub_fx *f, const char *name, const void *data, size_t len)
{
	char *path = xasprintf("%s/%s", f->dir, name);
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
	return path;
}

#endif
