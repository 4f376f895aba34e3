/*
 * http_canned.h — a canned-answer HTTP server for provider tests
 * (test_twilio.c, test_sendgrid.c, test_mailgun.c): libmicrohttpd on
 * 127.0.0.1, a thread per connection. It answers from two lists:
 *  - routes (canned_route): the first whose method, path and PageToken
 *    query argument match the request answers it, as often as asked;
 *  - queued answers (canned_add): taken in order by any request no route
 *    matched; the last one repeats once the list is used up;
 * and otherwise with the fallback (canned_fallback; 500 "{}" unless set).
 * It records every request whole (method, path, query, headers, body bytes).
 * Below the server, a fixture with a libuv loop, net and one provider opened
 * from a configuration text.
 *
 * Included by one test file each. Every function is static inline, so a
 * test file leaves what it does not use without a warning.
 */
#ifndef HARK_TEST_HTTP_CANNED_H
#define HARK_TEST_HTTP_CANNED_H

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

#define CANNED_MAX 32

struct canned_answer {
	const char *method, *path;  /* a route's; NULL in a queued answer */
	const char *page_token;     /* a route's PageToken, NULL: none asked */
	unsigned status;
	const char *body;           /* not copied: must outlive the test */
	const char *hdr_name, *hdr_value;  /* one extra header, may be NULL */
	int delay_ms;
};

struct canned_req {
	char *method, *path, *auth, *ctype;
	struct hbuf query;         /* decoded "name=value", '&' between */
	struct hbuf body;
};

static struct MHD_Daemon *canned_srv;
static unsigned canned_port;
static pthread_mutex_t canned_lock = PTHREAD_MUTEX_INITIALIZER;
static struct canned_answer canned_routes[CANNED_MAX];
static struct canned_answer canned_answers[CANNED_MAX];
static struct canned_answer canned_missing = { .status = 500, .body = "{}" };
static int canned_nroutes, canned_nanswers, canned_next;
static struct canned_req canned_reqs[CANNED_MAX];
static int canned_nreqs;
static struct canned_answer *canned_last_added;

/* Forgets the requests, routes and queued answers (not the fallback). */
static inline void
canned_clear(void)
{
	int i;

	pthread_mutex_lock(&canned_lock);
	for (i = 0; i < canned_nreqs; i++) {
		free(canned_reqs[i].method);
		free(canned_reqs[i].path);
		free(canned_reqs[i].auth);
		free(canned_reqs[i].ctype);
		hbuf_free(&canned_reqs[i].query);
		hbuf_free(&canned_reqs[i].body);
	}
	canned_nreqs = canned_nroutes = canned_nanswers = canned_next = 0;
	canned_last_added = NULL;
	pthread_mutex_unlock(&canned_lock);
}

/* Queues the next answer; the last one repeats once the list is used up. */
static inline void
canned_add(unsigned status, const char *body, const char *hdr_name,
    const char *hdr_value, int delay_ms)
{
	struct canned_answer *a;

	pthread_mutex_lock(&canned_lock);
	assert_true(canned_nanswers < CANNED_MAX);
	a = &canned_answers[canned_nanswers++];
	memset(a, 0, sizeof *a);
	a->status = status;
	a->body = body;
	a->hdr_name = hdr_name;
	a->hdr_value = hdr_value;
	a->delay_ms = delay_ms;
	canned_last_added = a;
	pthread_mutex_unlock(&canned_lock);
}

/* Answers every method request to path (with that PageToken, or none when
 * page_token is NULL) with status and body; canned_last adds the rest. */
static inline void
canned_route(const char *method, const char *path, const char *page_token,
    unsigned status, const char *body)
{
	struct canned_answer *a;

	pthread_mutex_lock(&canned_lock);
	assert_true(canned_nroutes < CANNED_MAX);
	a = &canned_routes[canned_nroutes++];
	memset(a, 0, sizeof *a);
	a->method = method;
	a->path = path;
	a->page_token = page_token;
	a->status = status;
	a->body = body;
	canned_last_added = a;
	pthread_mutex_unlock(&canned_lock);
}

/* The answer added last also sends that header (NULL: none) and waits
 * delay_ms before answering. */
static inline void
canned_last(const char *hdr_name, const char *hdr_value, int delay_ms)
{
	pthread_mutex_lock(&canned_lock);
	assert_non_null(canned_last_added);
	canned_last_added->hdr_name = hdr_name;
	canned_last_added->hdr_value = hdr_value;
	canned_last_added->delay_ms = delay_ms;
	pthread_mutex_unlock(&canned_lock);
}

/* What a request nothing else answers gets; kept by canned_clear. */
static inline void
canned_fallback(unsigned status, const char *body)
{
	pthread_mutex_lock(&canned_lock);
	canned_missing.status = status;
	canned_missing.body = body;
	pthread_mutex_unlock(&canned_lock);
}

static inline int
canned_nhits(void)
{
	int n;

	pthread_mutex_lock(&canned_lock);
	n = canned_nreqs;
	pthread_mutex_unlock(&canned_lock);
	return n;
}

/* Request i's body and query as strings ("" when empty). */
static inline const char *
canned_body(int i)
{
	return hbuf_str(&canned_reqs[i].body);
}

static inline const char *
canned_query(int i)
{
	return hbuf_str(&canned_reqs[i].query);
}

static inline enum MHD_Result
canned_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct hbuf *q = cls;

	hbuf_printf(q, "%s%s=%s", q->len > 0 ? "&" : "", key,
	    value != NULL ? value : "");
	return MHD_YES;
}

/* Records the request; called with canned_lock held. */
static inline void
canned_record(struct MHD_Connection *c, const char *method, const char *url,
    const struct hbuf *in)
{
	struct canned_req *r;
	const char *v;

	if (canned_nreqs == CANNED_MAX)
		return;
	r = &canned_reqs[canned_nreqs++];
	r->method = xstrdup(method);
	r->path = xstrdup(url);
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	r->auth = xstrdup(v != NULL ? v : "");
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	r->ctype = xstrdup(v != NULL ? v : "");
	memset(&r->query, 0, sizeof r->query);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, canned_query_arg,
	    &r->query);
	memset(&r->body, 0, sizeof r->body);
	hbuf_add(&r->body, in->data != NULL ? in->data : "", in->len);
}

/* The answer to a request; called with canned_lock held. */
static inline struct canned_answer
canned_pick(struct MHD_Connection *c, const char *method, const char *url)
{
	const char *tok = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
	    "PageToken");
	const struct canned_answer *r;
	int i;

	for (i = 0; i < canned_nroutes; i++) {
		r = &canned_routes[i];
		/* Never NULL; says so to GCC, which sees only zeroed routes in
		 * a test that adds none and warns of a NULL strcmp. */
		if (r->method == NULL)
			continue;
		if (strcmp(r->method, method) != 0 || strcmp(r->path, url) != 0)
			continue;
		if (r->page_token == NULL ? tok == NULL :
		    tok != NULL && strcmp(tok, r->page_token) == 0)
			return *r;
	}
	if (canned_nanswers > 0)
		return canned_answers[canned_next < canned_nanswers ?
		    canned_next++ : canned_nanswers - 1];
	return canned_missing;
}

static inline enum MHD_Result
canned_handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct hbuf *in = *con_cls;
	struct canned_answer a;
	struct MHD_Response *resp;
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
	pthread_mutex_lock(&canned_lock);
	canned_record(c, method, url, in);
	a = canned_pick(c, method, url);
	pthread_mutex_unlock(&canned_lock);
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

static inline void
canned_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct hbuf *in = *con_cls;

	if (in != NULL) {
		hbuf_free(in);
		free(in);
		*con_cls = NULL;
	}
}

/* cmocka group setup and teardown: starts and stops the server. */
static inline int
canned_start(void **state)
{
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *info;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	canned_srv = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, canned_handler, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_NOTIFY_COMPLETED, canned_completed, NULL, MHD_OPTION_END);
	if (canned_srv == NULL)
		return -1;
	info = MHD_get_daemon_info(canned_srv, MHD_DAEMON_INFO_BIND_PORT);
	canned_port = info->port;
	return canned_port != 0 ? 0 : -1;
}

static inline int
canned_stop(void **state)
{
	MHD_stop_daemon(canned_srv);
	canned_clear();
	return 0;
}

/* ---- the fixture -------------------------------------------------------- */

struct canned_fx {
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

static inline void
canned_tick(uv_timer_t *t)
{
}

/* Writes text as the configuration (@PORT@ in it becomes the server's
 * port) and opens account "acct". 0, or -1 with *cause. */
static inline int
canned_open(struct canned_fx *f, const char *text, char **cause)
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
		hbuf_printf(&b, "%u", canned_port);
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

static inline struct canned_fx *
canned_fx_new(const char *text)
{
	struct canned_fx *f = xcalloc(1, sizeof *f);
	char *cause = NULL;

	canned_clear();
	f->dir = test_tmpdir();
	uv_loop_init(&f->loop);
	uv_timer_init(&f->loop, &f->tick);
	if (net_new(&f->loop, &f->net, &cause) != 0)
		fail_msg("net: %s", cause);
	if (canned_open(f, text, &cause) != 0)
		fail_msg("open: %s", cause);
	return f;
}

static inline void
canned_result_clear(struct canned_fx *f)
{
	free((char *)f->res.provider_id);
	free((char *)f->res.error_code);
	free((char *)f->res.error_text);
	memset(&f->res, 0, sizeof f->res);
	f->called = 0;
}

static inline int
canned_fx_free(struct canned_fx *f)
{
	char *cmd;
	int rc;

	provider_free(f->p);
	net_free(f->net);
	uv_close((uv_handle_t *)&f->tick, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	rc = uv_loop_close(&f->loop);
	canned_result_clear(f);
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

static inline void
canned_on_sent(void *arg, const struct provider_result *r)
{
	struct canned_fx *f = arg;

	f->res = *r;
	f->res.provider_id = xstrdup(r->provider_id);
	f->res.error_code = xstrdup(r->error_code);
	f->res.error_text = xstrdup(r->error_text);
	f->called++;
}

static inline void
canned_on_lookup(void *arg, int found, const struct provider_result *r)
{
	struct canned_fx *f = arg;

	canned_on_sent(f, r);
	f->found = found;
}

/* Runs the loop until the callback of what was started has come, once. */
static inline void
canned_run(struct canned_fx *f)
{
	int64_t deadline = hark_mono_ms() + 30000, end;

	assert_int_equal(f->called, 0);
	uv_timer_start(&f->tick, canned_tick, 10, 10);
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
canned_lookup(struct canned_fx *f, const struct provider_send *req)
{
	char *cause = NULL;

	canned_result_clear(f);
	f->found = -2;
	if (f->p->ops->lookup(f->p, req, canned_on_lookup, f, &cause) != 0)
		fail_msg("lookup: %s", cause);
	canned_run(f);
}

/* Sends req and runs the loop until its one callback, which must not come
 * from inside the send. */
static inline void
canned_send(struct canned_fx *f, const struct provider_send *req)
{
	char *cause = NULL;

	canned_result_clear(f);
	if (f->p->ops->send(f->p, req, canned_on_sent, f, &cause) != 0)
		fail_msg("send: %s", cause);
	canned_run(f);
}

/* Writes len bytes to a new file in f->dir; returns its path. */
static inline char *
canned_file(struct canned_fx *f, const char *name, const void *data, size_t len)
{
	char *path = xasprintf("%s/%s", f->dir, name);
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
	return path;
}

/* cmocka setup and teardown of a test whose initial state is its
 * configuration text: see canned_test. */
static inline int
canned_setup(void **state)
{
	*state = canned_fx_new(*state);
	return 0;
}

static inline int
canned_teardown(void **state)
{
	return canned_fx_free(*state);
}

/* A cmocka test f run in a fixture opened from the configuration text. */
#define canned_test(f, config) cmocka_unit_test_prestate_setup_teardown(f, \
	canned_setup, canned_teardown, (void *)(config))

#endif
