/*
 * http.c — the relay's HTTP side on libmicrohttpd: one request from its
 * headers to its answer.
 *
 * MHD calls the access handler first with the headers (routing, method,
 * rate limit, Content-Length and Content-Type are checked there, so a bad
 * request is refused before its body is read), then with each piece of the
 * body (kept, or fed to the post processor for mail), then once complete:
 * the route verifies and parses, and a request with events is suspended
 * while the writer commits them; the writer resumes it and the handler runs
 * once more to send the answer.
 *
 * Pool threads never block on the database: a suspended connection costs
 * nothing while it waits, so a few threads serve many concurrent webhooks.
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "hark/config.h"

#include "relay_int.h"

/* A request body this much over max_body is not worth reading to the end
 * just to say 413: the connection is cut instead. */
#define HTTP_DISCARD_MAX (4u * 1024 * 1024)
/* Post processor buffer: field names and small values. */
#define HTTP_PP_BUFFER (16 * 1024)
/* Fields kept from an inbound mail POST, attachments included. */
#define HTTP_MAX_FIELDS 96
/* Refusals shown on stderr per minute. */
#define HTTP_WARN_BURST 5

/* Requests past their headers and not yet completed, and the ones suspended
 * waiting for the writer: what a clean stop waits for. */
static atomic_int http_active;
static atomic_int http_waiting;
static pthread_mutex_t http_mu = PTHREAD_MUTEX_INITIALIZER;
static int http_closing;            /* no new suspensions (under http_mu) */

static void *http_uri_log(void *cls, const char *uri, struct MHD_Connection *c);
static enum MHD_Result http_access(void *cls, struct MHD_Connection *c,
    const char *url, const char *method, const char *version,
    const char *upload, size_t *upload_size, void **con_cls);
static void http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe);
static void http_logger(void *cls, const char *fmt, va_list ap)
    HARK_PRINTF(2, 0);
static int http_headers(struct relay_req *req, const char *url, const char *method,
    struct relay_answer *a);
static int http_content_type(struct relay_req *req, struct relay_answer *a);
static void http_client(struct relay_req *req);
static enum MHD_Result http_body(struct relay_req *req, const char *data,
    size_t size);
static enum MHD_Result http_complete(struct relay_req *req);
static enum MHD_Result http_queue(struct relay_req *req, struct relay_answer *a);
static void http_job_done(struct relay_job *job);
static enum MHD_Result http_field(void *cls, enum MHD_ValueKind kind,
    const char *key, const char *filename, const char *content_type,
    const char *encoding, const char *data, uint64_t off, size_t size);
static void http_req_free(struct relay_req *req);
static int64_t http_now_us(void);

int
relay_http_start(struct relay *r, int listen_fd, int ipv6, char **cause)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned pool = ncpu < 1 ? 1 : ncpu > 8 ? 8 : (unsigned)ncpu;

	if (ipv6)
		flags |= MHD_USE_IPv6;
	http_closing = 0;
	r->mhd = MHD_start_daemon(flags, 0, NULL, NULL, http_access, r,
	    MHD_OPTION_EXTERNAL_LOGGER, http_logger, r,
	    MHD_OPTION_LISTEN_SOCKET, listen_fd,
	    MHD_OPTION_THREAD_POOL_SIZE, pool,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
	    MHD_OPTION_URI_LOG_CALLBACK, http_uri_log, r,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, r,
	    MHD_OPTION_END);
	if (r->mhd == NULL) {
		set_cause(cause, "cannot start the HTTP server (libmicrohttpd)");
		return -1;
	}
	return 0;
}

/*
 * Stops accepting, lets the requests being received finish (their events
 * are still committed), then shuts the server. libmicrohttpd must not be
 * stopped with a connection suspended, hence the two waits.
 */
void
relay_http_stop(struct relay *r, int timeout_ms)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int64_t until = hark_mono_ms() + timeout_ms;
	int fd;

	if (r->mhd == NULL)
		return;
	atomic_store(&r->stopping, 1);
	if ((fd = MHD_quiesce_daemon(r->mhd)) >= 0)
		close(fd);
	while (atomic_load(&http_active) > 0 && hark_mono_ms() < until)
		nanosleep(&tick, NULL);
	pthread_mutex_lock(&http_mu);
	http_closing = 1;
	pthread_mutex_unlock(&http_mu);
	while (atomic_load(&http_waiting) > 0)
		nanosleep(&tick, NULL);
	MHD_stop_daemon(r->mhd);
	r->mhd = NULL;
}

int
relay_answer_text(struct relay_answer *a, int status, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	free(a->body);
	a->body = xasprintf("%s\n", s);
	free(s);
	a->status = status;
	a->content_type = "text/plain; charset=utf-8";
	return status;
}

const char *
relay_header(struct relay_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
relay_query(struct relay_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* At most HTTP_WARN_BURST lines a minute: enough to diagnose, not a flood
 * when someone scans the relay. */
void
relay_warn_rejected(struct relay_req *req, const char *why)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static int64_t window;
	static int n, dropped;
	int64_t now = hark_mono_ms() / 60000;
	int show;

	pthread_mutex_lock(&mu);
	if (now != window) {
		if (dropped > 0)
			fprintf(stderr, "hark relay: %d more refused requests not "
			    "shown\n", dropped);
		window = now;
		n = dropped = 0;
	}
	if ((show = n < HTTP_WARN_BURST))
		n++;
	else
		dropped++;
	pthread_mutex_unlock(&mu);
	if (show)
		fprintf(stderr, "hark relay: refused %s from %s: %s\n", req->uri,
		    req->client, why);
}

/* ---- MHD callbacks --------------------------------------------------------------------- */

/* The first thing MHD knows of a request: its raw URI, which is what
 * Twilio signed (a decoded path would not do). */
static void *
http_uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct relay_req *req = xcalloc(1, sizeof *req);

	req->r = cls;
	req->conn = c;
	req->uri = xstrdup(uri);
	req->start_us = http_now_us();
	return req;
}

static enum MHD_Result
http_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct relay_req *req = *con_cls;
	struct relay_answer a;

	if (req == NULL)
		*con_cls = req = http_uri_log(cls, url, c);
	if (!req->started) {
		req->started = 1;
		atomic_fetch_add(&http_active, 1);
		memset(&a, 0, sizeof a);
		if (http_headers(req, url, method, &a) != 0)
			return http_queue(req, &a);
		return MHD_YES;
	}
	if (*upload_size != 0) {
		size_t n = *upload_size;

		*upload_size = 0;
		return http_body(req, upload, n);
	}
	return http_complete(req);
}

static void
http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct relay_req *req = *con_cls;
	struct relay *r = cls;

	if (req == NULL)
		return;
	*con_cls = NULL;
	if (req->started)
		atomic_fetch_sub(&http_active, 1);
	/* The client left before its answer: it will not be asked for. */
	if (req->suspended)
		atomic_fetch_sub(&http_waiting, 1);
	if (r->verbose && req->started) {
		printf("%s %s %s %d %.2f ms%s\n", req->client,
		    req->post ? "POST" : "GET", req->uri, req->status,
		    (double)(http_now_us() - req->start_us) / 1000.0,
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" :
		    " (connection closed)");
		fflush(stdout);
	}
	http_req_free(req);
}

static void
http_logger(void *cls, const char *fmt, va_list ap)
{
	struct relay *r = cls;

	if (!r->verbose)
		return;
	fputs("hark relay: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* ---- one request ------------------------------------------------------------------------- */

/* Everything decided from the request line and headers. 0, or an answer. */
static int
http_headers(struct relay_req *req, const char *url, const char *method,
    struct relay_answer *a)
{
	struct relay *r = req->r;
	const char *len;
	unsigned m;
	int wait;

	http_client(req);
	req->post = strcmp(method, "POST") == 0;
	m = req->post ? RELAY_M_POST : strcmp(method, "GET") == 0 ||
	    strcmp(method, "HEAD") == 0 ? RELAY_M_GET : 0;
	if ((req->route = relay_route_find(url)) == NULL)
		return relay_answer_text(a, 404, "no such webhook: %s", url);
	if ((req->route->methods & m) == 0) {
		a->allow = req->route->methods == RELAY_M_POST ? "POST" :
		    req->route->methods == RELAY_M_GET ? "GET, HEAD" :
		    "GET, HEAD, POST";
		return relay_answer_text(a, 405, "%s takes %s", req->route->path,
		    a->allow);
	}
	if ((wait = relay_limiter_take(r->limiter, req->client,
	    hark_mono_ms())) > 0) {
		relay_answer_text(a, 429, "too many requests; retry after %d s",
		    wait);
		a->retry_after = relay_job_keep(&req->job, xasprintf("%d", wait));
		return 429;
	}
	if (!req->post || req->route->body == RELAY_BODY_NONE)
		return 0;
	len = relay_header(req, "Content-Length");
	if (len != NULL && strtoull(len, NULL, 10) > r->max_body)
		return relay_answer_text(a, 413, "body larger than %zu bytes",
		    r->max_body);
	return http_content_type(req, a);
}

/* The Content-Type a route takes (parameters such as charset ignored). */
static int
http_content_type(struct relay_req *req, struct relay_answer *a)
{
	const char *ct = relay_header(req, "Content-Type");
	const char *want;
	size_t n;

	if (ct == NULL)
		ct = "";
	n = strcspn(ct, "; \t");
	switch (req->route->body) {
	case RELAY_BODY_FORM:
		want = "application/x-www-form-urlencoded";
		break;
	case RELAY_BODY_JSON:
		want = "application/json";
		break;
	case RELAY_BODY_MAIL:
		want = "multipart/form-data or application/x-www-form-urlencoded";
		if ((n == 19 && strncasecmp(ct, "multipart/form-data", n) == 0) ||
		    (n == 33 && strncasecmp(ct,
		    "application/x-www-form-urlencoded", n) == 0)) {
			req->pp = MHD_create_post_processor(req->conn,
			    HTTP_PP_BUFFER, http_field, req);
			if (req->pp == NULL)
				return relay_answer_text(a, 400, "malformed "
				    "Content-Type (no multipart boundary?)");
			return 0;
		}
		return relay_answer_text(a, 415, "%s takes %s, not '%.60s'",
		    req->route->path, want, ct);
	default:
		return 0;
	}
	if (n == strlen(want) && strncasecmp(ct, want, n) == 0)
		return 0;
	return relay_answer_text(a, 415, "%s takes %s, not '%.60s'",
	    req->route->path, want, ct);
}

/* The address limits apply to: the peer, or behind a proxy on this
 * machine the address that proxy appended last to X-Forwarded-For (the
 * ones before it are whatever the client claimed). */
static void
http_client(struct relay_req *req)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;
	const char *xff, *last;
	int loopback = 0;
	size_t n;

	snprintf(req->client, sizeof req->client, "unknown");
	ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, req->client, sizeof req->client);
		loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, req->client,
		    sizeof req->client);
		loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
		    (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) &&
		    in6->sin6_addr.s6_addr[12] == 127);
	}
	if (!loopback || (xff = relay_header(req, "X-Forwarded-For")) == NULL)
		return;
	last = strrchr(xff, ',');
	last = last != NULL ? last + 1 : xff;
	last += strspn(last, " \t");
	n = strcspn(last, " \t");
	if (n > 0 && n < sizeof req->client)
		snprintf(req->client, sizeof req->client, "%.*s", (int)n, last);
}

static enum MHD_Result
http_body(struct relay_req *req, const char *data, size_t size)
{
	req->received += size;
	if (req->too_big || req->received > req->r->max_body) {
		req->too_big = 1;
		hbuf_free(&req->body);
		return req->received - req->r->max_body > HTTP_DISCARD_MAX ?
		    MHD_NO : MHD_YES;
	}
	if (req->pp != NULL) {
		if (!req->pp_failed && MHD_post_process(req->pp, data, size) != MHD_YES)
			req->pp_failed = 1;
		return MHD_YES;
	}
	hbuf_add(&req->body, data, size);
	return MHD_YES;
}

/* The request is whole, or the writer has resumed it. */
static enum MHD_Result
http_complete(struct relay_req *req)
{
	struct relay_answer a;
	int rc;

	memset(&a, 0, sizeof a);
	if (req->answered)
		return MHD_YES;
	if (req->suspended) {
		req->suspended = 0;
		atomic_fetch_sub(&http_waiting, 1);
		relay_route_done(req, &a);
		return http_queue(req, &a);
	}
	if (req->too_big) {
		relay_answer_text(&a, 413, "body larger than %zu bytes",
		    req->r->max_body);
		return http_queue(req, &a);
	}
	if (req->pp != NULL) {
		rc = MHD_destroy_post_processor(req->pp) == MHD_YES;
		req->pp = NULL;
		if (!rc || req->pp_failed) {
			relay_answer_text(&a, 400, "malformed or truncated form body");
			return http_queue(req, &a);
		}
	}
	if (req->route->handle(req, &a) != 0 || a.status != 0)
		return http_queue(req, &a);
	req->job.done = http_job_done;
	req->job.done_arg = req;
	pthread_mutex_lock(&http_mu);
	if (http_closing) {
		pthread_mutex_unlock(&http_mu);
		relay_answer_text(&a, 503, "the relay is stopping");
		return http_queue(req, &a);
	}
	/* Suspend before the writer can resume. */
	MHD_suspend_connection(req->conn);
	req->suspended = 1;
	atomic_fetch_add(&http_waiting, 1);
	pthread_mutex_unlock(&http_mu);
	if (relay_writer_submit(req->r->writer, &req->job) != 0) {
		req->job.result = -1;
		req->job.http_status = 503;
		req->job.error = xstrdup("the relay is stopping");
		MHD_resume_connection(req->conn);
	}
	return MHD_YES;
}

/* The writer thread: results are set; the request thread answers. */
static void
http_job_done(struct relay_job *job)
{
	struct relay_req *req = job->done_arg;

	MHD_resume_connection(req->conn);
}

static enum MHD_Result
http_queue(struct relay_req *req, struct relay_answer *a)
{
	struct MHD_Response *resp;
	enum MHD_Result rc;
	const char *body = a->body != NULL ? a->body : "";

	resp = MHD_create_response_from_buffer(strlen(body), (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	HARK_ASSERT(resp != NULL);
	if (a->status != 204)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    a->content_type != NULL ? a->content_type : "text/plain");
	if (a->retry_after != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER,
		    a->retry_after);
	if (a->allow != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, a->allow);
	if (atomic_load(&req->r->stopping))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	rc = MHD_queue_response(req->conn, (unsigned)a->status, resp);
	MHD_destroy_response(resp);
	req->status = a->status;
	req->answered = 1;
	free(a->body);
	a->body = NULL;
	return rc;
}

/*
 * Mail fields from the post processor, in pieces: a piece at offset 0
 * starts a field, the others continue the last one. Files (attachments)
 * are kept with their file name and type; their bytes count against
 * max_body like the rest.
 */
static enum MHD_Result
http_field(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type, const char *encoding,
    const char *data, uint64_t off, size_t size)
{
	struct relay_req *req = cls;
	struct relay_field *f;

	if (key == NULL)
		return MHD_YES;
	if (off == 0 || req->nfields == 0 ||
	    strcmp(req->fields[req->nfields - 1].name, key) != 0) {
		if (req->nfields == HTTP_MAX_FIELDS)
			return MHD_YES;
		req->fields = xreallocarray(req->fields, (size_t)req->nfields + 1,
		    sizeof *req->fields);
		f = &req->fields[req->nfields++];
		f->name = xstrdup(key);
		memset(&f->value, 0, sizeof f->value);
		hbuf_adds(&f->value, "");
		f->filename = filename != NULL ? xstrdup(filename) : NULL;
		f->content_type = filename != NULL && content_type != NULL ?
		    xstrdup(content_type) : NULL;
	}
	f = &req->fields[req->nfields - 1];
	hbuf_add(&f->value, data, size);
	return MHD_YES;
}

static int64_t
http_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
http_req_free(struct relay_req *req)
{
	int i;

	if (req->pp != NULL)
		MHD_destroy_post_processor(req->pp);
	for (i = 0; i < req->nfields; i++) {
		free(req->fields[i].name);
		free(req->fields[i].filename);
		free(req->fields[i].content_type);
		hbuf_free(&req->fields[i].value);
	}
	free(req->fields);
	relay_job_clear(&req->job);
	hbuf_free(&req->body);
	free(req->uri);
	free(req);
}
