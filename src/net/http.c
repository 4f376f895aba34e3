/* http.c — HTTP requests on the net loop: options, retries, completion, forms. */

/*
 * A request keeps one easy handle for all its attempts: when an attempt
 * ends in a retryable way the handle leaves the multi, the retry timer waits
 * the backoff delay, and the same handle is added again. Only the last
 * attempt reaches the caller's callback.
 *
 * Which failures are retried: transport errors, 429 and 5xx. A POST or
 * PATCH is retried only when the caller says it is safe (retry_unsafe),
 * because the server may have acted on the first attempt — except when the
 * server surely did not see it: the connection was never made (refused,
 * name not resolved) or the answer was 429, which refuses the request
 * unprocessed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net_int.h"

#ifndef HARK_VERSION
#define HARK_VERSION "0.1"
#endif

#define HTTP_MAX_HEADERS 64
#define HTTP_TIMEOUT_MS 30000L
#define HTTP_CONNECT_TIMEOUT_MS 10000L
#define HTTP_MAX_RESPONSE ((size_t)16 << 20)

static int http_check_url(const char *url, char **cause);
static int http_set_method(struct net_req *r, const struct net_request *req,
    char **cause);
static int http_set_headers(struct net_req *r, const char *const *headers,
    char **cause);
static void http_set_options(struct net_req *r, const struct net_request *req);
static size_t http_write_cb(char *p, size_t size, size_t nmemb, void *arg);
static size_t http_header_cb(char *p, size_t size, size_t nmemb, void *arg);
static int http_should_retry(const struct net_req *r, CURLcode rc, long status);
static void http_retry_cb(uv_timer_t *t);
static void http_complete(struct net_req *r, CURLcode rc, long status);
static int http_unsent(const struct net_req *r, CURLcode rc);
static void http_free_cb(uv_handle_t *h);
static void http_form_escape(struct hbuf *b, const char *s);

uint64_t
net_request(struct net *n, const struct net_request *req, net_done_cb cb,
    void *arg, char **cause)
{
	struct net_req *r;

	if (http_check_url(req->url, cause) != 0)
		return 0;
	r = xcalloc(1, sizeof *r);
	r->n = n;
	r->cb = cb;
	r->arg = arg;
	r->retry_after_ms = -1;
	r->easy = curl_easy_init();
	if (r->easy == NULL)
		hark_fatal("curl: cannot create an easy handle");
	if (http_set_method(r, req, cause) != 0 ||
	    http_set_headers(r, req->headers, cause) != 0)
		goto fail;
	http_set_options(r, req);
	if (net_attach(r, cause) != 0)
		goto fail;
	r->id = n->next_id++;
	uv_timer_init(n->loop, &r->retry);
	r->retry.data = r;
	net_link(n, r);
	return r->id;

fail:
	curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	free(r);
	return 0;
}

/* The URL itself is not quoted in the cause: it may carry a token. */
static int
http_check_url(const char *url, char **cause)
{
	CURLU *u;
	CURLUcode rc;
	char *scheme = NULL;
	int ok;

	if (url == NULL || *url == '\0') {
		set_cause(cause, "no URL given");
		return -1;
	}
	if ((u = curl_url()) == NULL)
		hark_fatal("curl: out of memory");
	rc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (rc != CURLUE_OK) {
		set_cause(cause, "bad URL: %s", curl_url_strerror(rc));
		curl_url_cleanup(u);
		return -1;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	ok = hark_strcaseeq(scheme, "http") || hark_strcaseeq(scheme, "https");
	if (!ok)
		set_cause(cause, "bad URL: only http and https are supported");
	curl_free(scheme);
	curl_url_cleanup(u);
	return ok ? 0 : -1;
}

/* NULL means GET, or POST when there is a body. POST, PUT and PATCH always
 * send a body (maybe empty) so that servers see a Content-Length. */
static int
http_set_method(struct net_req *r, const struct net_request *req, char **cause)
{
	const char *m = req->method;
	const char *p;
	int with_body;

	if (m == NULL)
		m = req->body != NULL ? "POST" : "GET";
	for (p = m; *p >= 'A' && *p <= 'Z'; p++)
		/* nothing */;
	if (*m == '\0' || *p != '\0') {
		set_cause(cause, "bad HTTP method: %s", m);
		return -1;
	}
	r->unsafe = strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 &&
	    strcmp(m, "PUT") != 0 && strcmp(m, "DELETE") != 0 &&
	    strcmp(m, "OPTIONS") != 0;
	if (strcmp(m, "GET") == 0) {
		curl_easy_setopt(r->easy, CURLOPT_HTTPGET, 1L);
		return 0;
	}
	if (strcmp(m, "HEAD") == 0) {
		curl_easy_setopt(r->easy, CURLOPT_NOBODY, 1L);
		return 0;
	}
	if (strcmp(m, "POST") != 0)
		curl_easy_setopt(r->easy, CURLOPT_CUSTOMREQUEST, m);
	with_body = req->body != NULL || strcmp(m, "POST") == 0 ||
	    strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0;
	if (with_body) {
		/* The size first, so that the copy takes binary bodies whole. */
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(req->body != NULL ? req->body_len : 0));
		curl_easy_setopt(r->easy, CURLOPT_COPYPOSTFIELDS,
		    req->body != NULL ? req->body : "");
	}
	return 0;
}

/*
 * Header lines are not quoted in a cause either (Authorization is a
 * secret). An empty "Expect:" stops curl from waiting on 100-continue before
 * sending larger bodies.
 */
static int
http_set_headers(struct net_req *r, const char *const *headers, char **cause)
{
	size_t i;
	const char *h;

	for (i = 0; headers != NULL && headers[i] != NULL; i++) {
		h = headers[i];
		if (i == HTTP_MAX_HEADERS) {
			set_cause(cause, "too many headers (at most %d)",
			    HTTP_MAX_HEADERS);
			return -1;
		}
		if (strchr(h, ':') == NULL || *h == ':' ||
		    strpbrk(h, "\r\n") != NULL) {
			set_cause(cause, "header %zu is not a \"Name: value\" line",
			    i + 1);
			return -1;
		}
		r->headers = curl_slist_append(r->headers, h);
		if (r->headers == NULL)
			hark_fatal("curl: out of memory");
	}
	r->headers = curl_slist_append(r->headers, "Expect:");
	if (r->headers == NULL)
		hark_fatal("curl: out of memory");
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
	return 0;
}

/* curl copies every string option, so nothing here outlives req. */
static void
http_set_options(struct net_req *r, const struct net_request *req)
{
	CURL *e = r->easy;

	r->policy = req->policy;
	r->retry_unsafe = req->retry_unsafe;
	r->max_response = req->max_response ? req->max_response : HTTP_MAX_RESPONSE;
	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_USERAGENT, "hark/" HARK_VERSION);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
	    req->timeout_ms > 0 ? req->timeout_ms : HTTP_TIMEOUT_MS);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    req->connect_timeout_ms > 0 ? req->connect_timeout_ms :
	    HTTP_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->max_response);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	if (req->userpwd != NULL) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERPWD, req->userpwd);
	}
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, http_header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
}

/* Returning short makes curl fail the transfer with CURLE_WRITE_ERROR. */
static size_t
http_write_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct net_req *r = arg;
	size_t len = size * nmemb;

	if (len > r->max_response - r->body.len) {
		r->too_big = 1;
		return 0;
	}
	hbuf_add(&r->body, p, len);
	return len;
}

/* Retry-After is read, the lines are kept for net_header; a new status line (after a 100 Continue, say)
 * starts a new header block. */
static size_t
http_header_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct net_req *r = arg;
	size_t len = size * nmemb;
	char *v;
	size_t n;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		r->retry_after_ms = -1;
		hbuf_reset(&r->hdrs);
	} else if (r->hdrs.len + len <= 65536)
		hbuf_add(&r->hdrs, p, len);
	if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
		v = xstrndup(p + 12, len - 12);
		n = strlen(v);
		while (n > 0 && strchr(" \t\r\n", v[n - 1]) != NULL)
			v[--n] = '\0';
		r->retry_after_ms = retry_after_parse(v, hark_now_ms());
		free(v);
	}
	return len;
}

void
net_req_done(struct net_req *r, CURLcode rc)
{
	long status = 0;
	int64_t delay;

	net_detach(r);
	if (rc == CURLE_OK)
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	if (!http_should_retry(r, rc, status)) {
		http_complete(r, rc, status);
		return;
	}
	delay = backoff_delay_ms(&r->policy, r->attempts, net_random(r->n),
	    r->retry_after_ms);
	uv_timer_start(&r->retry, http_retry_cb, (uint64_t)delay, 0);
}

static int
http_should_retry(const struct net_req *r, CURLcode rc, long status)
{
	int safe = !r->unsafe || r->retry_unsafe;

	if (r->too_big || r->attempts >= r->policy.max_attempts)
		return 0;
	if (rc == CURLE_OK) {
		if (status == 429)
			return 1;
		return status >= 500 && status <= 599 && safe;
	}
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		return 1;
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return safe;
	default:
		return 0;
	}
}

/* The previous attempt's answer is thrown away before the next one. */
static void
http_retry_cb(uv_timer_t *t)
{
	struct net_req *r = t->data;
	struct net *n = r->n;
	char *cause = NULL;

	hbuf_reset(&r->body);
	hbuf_reset(&r->hdrs);
	r->errbuf[0] = '\0';
	r->retry_after_ms = -1;
	net_hold(n);
	if (net_attach(r, &cause) != 0) {
		snprintf(r->errbuf, sizeof r->errbuf, "%s", cause);
		free(cause);
		http_complete(r, CURLE_FAILED_INIT, 0);
	}
	net_release(n);
}

/* Whether a failed attempt never reached the server: curl could not resolve
 * the name or connect, or timed out before it began to send the request (a
 * reused connection has a pre-transfer time, so it never counts). */
static int
http_unsent(const struct net_req *r, CURLcode rc)
{
	curl_off_t pre_us = 0;

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		return 1;
	case CURLE_OPERATION_TIMEDOUT:
		return curl_easy_getinfo(r->easy, CURLINFO_PRETRANSFER_TIME_T,
		    &pre_us) == CURLE_OK && pre_us == 0;
	default:
		return 0;
	}
}

/*
 * Delivers the last attempt's outcome. r is unlinked first, so that the
 * callback sees it neither in net_pending nor through net_cancel.
 */
static void
http_complete(struct net_req *r, CURLcode rc, long status)
{
	struct net_response resp;
	char *ctype = NULL;

	memset(&resp, 0, sizeof resp);
	net_unlink(r->n, r);
	if (r->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(r->errbuf, sizeof r->errbuf,
		    "response larger than %zu bytes", r->max_response);
		rc = CURLE_FILESIZE_EXCEEDED;
	}
	if (rc == CURLE_OK) {
		resp.status = status;
		resp.body = hbuf_str(&r->body);
		resp.body_len = r->body.len;
		curl_easy_getinfo(r->easy, CURLINFO_CONTENT_TYPE, &ctype);
		resp.content_type = ctype;
	} else {
		resp.body = "";
		resp.error = r->errbuf[0] != '\0' ? r->errbuf :
		    curl_easy_strerror(rc);
		resp.unsent = http_unsent(r, rc);
	}
	resp.headers = rc == CURLE_OK ? hbuf_str(&r->hdrs) : "";
	resp.retry_after_ms = r->retry_after_ms;
	resp.attempts = r->attempts;
	if (r->cb != NULL)
		r->cb(r->arg, &resp);
	net_req_finish(r);
}

void
net_cancel(struct net *n, uint64_t id)
{
	struct net_req *r;

	if (n == NULL || n->freeing)
		return;
	for (r = n->reqs; r != NULL; r = r->next) {
		if (r->id == id) {
			net_req_drop(r);
			return;
		}
	}
}

void
net_req_drop(struct net_req *r)
{
	net_detach(r);
	net_unlink(r->n, r);
	net_req_finish(r);
}

/* r is already out of the multi and unlinked. */
void
net_req_finish(struct net_req *r)
{
	if (r->cleanup != NULL)
		r->cleanup(r);
	curl_easy_cleanup(r->easy);
	r->easy = NULL;
	curl_slist_free_all(r->headers);
	r->headers = NULL;
	hbuf_free(&r->body);
	hbuf_free(&r->hdrs);
	uv_close((uv_handle_t *)&r->retry, http_free_cb);
}

static void
http_free_cb(uv_handle_t *h)
{
	free(h->data);
}

char *
net_header(const struct net_response *r, const char *name)
{
	const char *line, *eol, *v;
	size_t nlen = strlen(name);

	for (line = r->headers; line != NULL && *line != '\0'; line = eol) {
		eol = line + strcspn(line, "\n");
		if (*eol == '\n')
			eol++;
		if (strncasecmp(line, name, nlen) != 0 || line[nlen] != ':')
			continue;
		for (v = line + nlen + 1; *v == ' ' || *v == '\t'; v++)
			;
		nlen = (size_t)(eol - v);
		while (nlen > 0 && strchr(" \t\r\n", v[nlen - 1]) != NULL)
			nlen--;
		return xstrndup(v, nlen);
	}
	return NULL;
}

void
net_form_add(struct hbuf *b, const char *name, const char *value)
{
	if (b->len > 0)
		hbuf_addc(b, '&');
	http_form_escape(b, name);
	hbuf_addc(b, '=');
	http_form_escape(b, value != NULL ? value : "");
}

static void
http_form_escape(struct hbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL)
			hbuf_addc(b, (char)c);
		else if (c == ' ')
			hbuf_addc(b, '+');
		else {
			hbuf_addc(b, '%');
			hbuf_addc(b, hex[c >> 4]);
			hbuf_addc(b, hex[c & 0xf]);
		}
	}
}
