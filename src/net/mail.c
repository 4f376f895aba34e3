/* mail.c — SMTP and IMAP transfers on the net loop: options, server replies, outcome. */

/*
 * A mail transfer is one easy handle in the same curl multi as HTTP, so an
 * SMTP send or an IMAP fetch never blocks the loop and reuses connections
 * curl keeps open. Unlike HTTP requests it is never retried here: whether a
 * send may be tried again depends on how far it got, which only the provider
 * and the outbox can judge from the outcome this file reports.
 *
 * The server's own words are read from curl's debug stream (CURLINFO_HEADER_IN
 * carries every line the server sent, one at a time): the last reply code and
 * text of SMTP ("550 5.7.1 <x@y>: rejected"), the last tagged IMAP answer, and
 * for `lines` every line of the last command's answer — a custom UID FETCH
 * whose literals curl does not pass to the write callback. What we send
 * (CURLINFO_HEADER_OUT, which includes the login) is never kept.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net_int.h"

#define MAIL_TIMEOUT_MS 120000L
#define MAIL_CONNECT_TIMEOUT_MS 15000L
#define MAIL_MAX_RESPONSE ((size_t)64 << 20)

struct mail_xfer {
	struct curl_slist *rcpts;
	unsigned char *upload;
	size_t upload_len, upload_off;
	int imap;
	int lines;
	char *custom;                  /* the command whose answer `lines` keeps */
	int capturing;                 /* its answer is coming in */
	int got_reply;                 /* the server said anything at all */
	int reply_final;               /* the last SMTP line ended its reply */
	int imap_refused;              /* the last tagged IMAP answer was NO or BAD */
	long code;
	struct hbuf reply;
	long err_code;                 /* the last SMTP reply that refused (>= 400): */
	struct hbuf err_reply;         /* curl still says QUIT and hears 221 after it */
	struct hbuf lines_buf;
	net_mail_cb cb;
	void *arg;
};

static int mail_check_url(const char *url, int *imap, char **cause);
static void mail_set_options(struct net_req *r, struct mail_xfer *x,
    const struct net_mail_request *req);
static size_t mail_read_cb(char *p, size_t size, size_t nmemb, void *arg);
static size_t mail_write_cb(char *p, size_t size, size_t nmemb, void *arg);
static int mail_debug_cb(CURL *easy, curl_infotype type, char *data, size_t len,
    void *arg);
static int mail_sends(const char *data, size_t len, const char *cmd);
static void mail_server_line(struct net_req *r, struct mail_xfer *x,
    const char *line, size_t len);
static void mail_done(struct net_req *r, CURLcode rc);
static enum net_mail_error mail_classify(struct net_req *r, struct mail_xfer *x,
    CURLcode rc);
static void mail_cleanup(struct net_req *r);

uint64_t
net_mail(struct net *n, const struct net_mail_request *req, net_mail_cb cb,
    void *arg, char **cause)
{
	struct net_req *r;
	struct mail_xfer *x;
	int imap;

	if (mail_check_url(req->url, &imap, cause) != 0)
		return 0;
	r = xcalloc(1, sizeof *r);
	x = xcalloc(1, sizeof *x);
	r->n = n;
	r->ext = x;
	r->done = mail_done;
	r->cleanup = mail_cleanup;
	r->retry_after_ms = -1;
	x->imap = imap;
	x->lines = req->lines;
	if (req->lines && req->custom != NULL)
		x->custom = xstrdup(req->custom);
	x->cb = cb;
	x->arg = arg;
	r->easy = curl_easy_init();
	if (r->easy == NULL)
		hark_fatal("curl: cannot create an easy handle");
	mail_set_options(r, x, req);
	if (net_attach(r, cause) != 0) {
		curl_easy_cleanup(r->easy);
		mail_cleanup(r);
		free(r);
		return 0;
	}
	r->id = n->next_id++;
	uv_timer_init(n->loop, &r->retry);
	r->retry.data = r;
	net_link(n, r);
	return r->id;
}

/* Only the scheme is named in a cause: the URL may hold a user name. */
static int
mail_check_url(const char *url, int *imap, char **cause)
{
	if (url == NULL || *url == '\0') {
		set_cause(cause, "no mail server URL given");
		return -1;
	}
	if (strncasecmp(url, "smtp://", 7) == 0 ||
	    strncasecmp(url, "smtps://", 8) == 0)
		*imap = 0;
	else if (strncasecmp(url, "imap://", 7) == 0 ||
	    strncasecmp(url, "imaps://", 8) == 0)
		*imap = 1;
	else {
		set_cause(cause, "bad mail server URL: only smtp, smtps, imap and "
		    "imaps are supported");
		return -1;
	}
	return 0;
}

/* curl copies every string option; the upload and recipient list are ours. */
static void
mail_set_options(struct net_req *r, struct mail_xfer *x,
    const struct net_mail_request *req)
{
	CURL *e = r->easy;

	r->max_response = req->max_response ? req->max_response : MAIL_MAX_RESPONSE;
	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps,imap,imaps");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
	    req->timeout_ms > 0 ? req->timeout_ms : MAIL_TIMEOUT_MS);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    req->connect_timeout_ms > 0 ? req->connect_timeout_ms :
	    MAIL_CONNECT_TIMEOUT_MS);
	if (req->username != NULL) {
		curl_easy_setopt(e, CURLOPT_USERNAME, req->username);
		curl_easy_setopt(e, CURLOPT_PASSWORD,
		    req->password != NULL ? req->password : "");
	}
	if (req->starttls)
		curl_easy_setopt(e, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (req->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, req->ca_file);
	if (req->custom != NULL)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->custom);
	if (req->fresh) {
		curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	}
	/* curl clips an answer line longer than half its buffer, and counts
	 * every answer line against its 300 KB header limit in a way that
	 * grows with the buffer: with 512 KB, a third of the batch answers of
	 * ordinary mail passed the limit and were fetched again message by
	 * message, most of a first sync's time. Its default 16 KB keeps batch
	 * answers under the limit; a message with a line over 8 KB is then
	 * clipped, which the caller sees (the literal's size does not match)
	 * and fetches alone, where the body is streamed whole. */
	if (req->lines)
		curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 16384L);
	if (req->mail_from != NULL)
		curl_easy_setopt(e, CURLOPT_MAIL_FROM, req->mail_from);
	if (req->rcpt != NULL) {
		x->rcpts = curl_slist_append(NULL, req->rcpt);
		if (x->rcpts == NULL)
			hark_fatal("curl: out of memory");
		curl_easy_setopt(e, CURLOPT_MAIL_RCPT, x->rcpts);
	}
	if (req->upload != NULL) {
		x->upload = xmalloc(req->upload_len ? req->upload_len : 1);
		memcpy(x->upload, req->upload, req->upload_len);
		x->upload_len = req->upload_len;
		curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, mail_read_cb);
		curl_easy_setopt(e, CURLOPT_READDATA, r);
		/* Lets curl offer SIZE= so that a server refuses a too-big
		 * message before the upload rather than after it. */
		curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)req->upload_len);
	}
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, mail_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, mail_debug_cb);
	curl_easy_setopt(e, CURLOPT_DEBUGDATA, r);
	curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
}

static size_t
mail_read_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct net_req *r = arg;
	struct mail_xfer *x = r->ext;
	size_t n = size * nmemb, left = x->upload_len - x->upload_off;

	if (n > left)
		n = left;
	memcpy(p, x->upload + x->upload_off, n);
	x->upload_off += n;
	return n;
}

/* Returning short makes curl fail the transfer with CURLE_WRITE_ERROR. */
static size_t
mail_write_cb(char *p, size_t size, size_t nmemb, void *arg)
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

/*
 * `lines` keeps the answer to our command: from the line that sends it to
 * the next command curl sends (a LOGOUT when the connection closes). What
 * we send is only compared with the command, never kept: it holds the
 * login.
 */
static int
mail_debug_cb(CURL *easy, curl_infotype type, char *data, size_t len, void *arg)
{
	struct net_req *r = arg;
	struct mail_xfer *x = r->ext;
	const char *p = data, *end = data + len, *nl;

	if (type == CURLINFO_HEADER_OUT) {
		x->capturing = x->custom != NULL && mail_sends(data, len, x->custom);
		if (x->capturing)
			hbuf_reset(&x->lines_buf);
		return 0;
	}
	if (type != CURLINFO_HEADER_IN)
		return 0;
	x->got_reply = 1;
	if (x->capturing) {
		if (len > r->max_response - x->lines_buf.len)
			r->too_big = 1;
		else
			hbuf_add(&x->lines_buf, data, len);
	}
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl != NULL ? nl + 1 : end;
		mail_server_line(r, x, p, (size_t)(nl - p));
		p = nl;
	}
	return 0;
}

/* Whether the line we send ("A004 UID FETCH ...") is cmd after its tag. */
static int
mail_sends(const char *data, size_t len, const char *cmd)
{
	const char *sp = memchr(data, ' ', len);
	size_t n = strlen(cmd);

	return sp != NULL && (size_t)(data + len - (sp + 1)) >= n &&
	    memcmp(sp + 1, cmd, n) == 0;
}

/*
 * SMTP: "250-..." continues a reply, "250 ..." ends it; the reply text is
 * every line of the last reply, joined by spaces. IMAP: the last tagged
 * line ("A003 NO [AUTHENTICATIONFAILED] ..."), without its tag.
 */
static void
mail_server_line(struct net_req *r, struct mail_xfer *x, const char *line,
    size_t len)
{
	const char *sp;
	size_t n;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (x->imap) {
		if (len < 2 || line[0] == '*' || line[0] == '+' ||
		    (sp = memchr(line, ' ', len)) == NULL)
			return;
		/* Inside a literal (a line of a message) this still looks
		 * tagged: only lines of the shape "A012 OK|NO|BAD" count. */
		n = len - (size_t)(sp + 1 - line);
		if (!(n >= 2 && (strncmp(sp + 1, "OK", 2) == 0 ||
		    strncmp(sp + 1, "NO", 2) == 0)) &&
		    !(n >= 3 && strncmp(sp + 1, "BAD", 3) == 0))
			return;
		hbuf_reset(&x->reply);
		hbuf_add(&x->reply, sp + 1, n);
		x->imap_refused = strncmp(sp + 1, "OK", 2) != 0;
		return;
	}
	if (len < 3 || line[0] < '2' || line[0] > '5')
		return;
	if (x->reply_final || x->reply.len == 0) {
		hbuf_reset(&x->reply);
		x->reply_final = 0;
	} else
		hbuf_addc(&x->reply, ' ');
	x->code = strtol(line, NULL, 10);
	if (len > 4)
		hbuf_add(&x->reply, line + 4, len - 4);
	x->reply_final = len == 3 || line[3] == ' ';
	if (x->reply_final && x->code >= 400) {
		x->err_code = x->code;
		hbuf_reset(&x->err_reply);
		hbuf_printf(&x->err_reply, "%ld %s", x->code, hbuf_str(&x->reply));
	}
}

static void
mail_done(struct net_req *r, CURLcode rc)
{
	struct mail_xfer *x = r->ext;
	struct net_mail_response resp;

	net_detach(r);
	net_unlink(r->n, r);
	memset(&resp, 0, sizeof resp);
	resp.kind = mail_classify(r, x, rc);
	resp.code = x->code;
	resp.reply = hbuf_str(&x->reply);
	if (resp.kind != NET_MAIL_OK && x->err_code != 0) {
		resp.code = x->err_code;
		resp.reply = hbuf_str(&x->err_reply);
	}
	/* curl knows the size and may never ask past the last byte. */
	resp.upload_done = x->upload != NULL && x->upload_off == x->upload_len;
	if (resp.kind != NET_MAIL_OK)
		resp.error = r->errbuf[0] != '\0' ? r->errbuf : curl_easy_strerror(rc);
	if (resp.kind == NET_MAIL_TOO_BIG) {
		snprintf(r->errbuf, sizeof r->errbuf,
		    "answer larger than %zu bytes", r->max_response);
		resp.error = r->errbuf;
	}
	if (x->lines) {
		resp.body = hbuf_str(&x->lines_buf);
		resp.body_len = x->lines_buf.len;
	} else {
		resp.body = hbuf_str(&r->body);
		resp.body_len = r->body.len;
	}
	if (x->cb != NULL)
		x->cb(x->arg, &resp);
	net_req_finish(r);
}

static enum net_mail_error
mail_classify(struct net_req *r, struct mail_xfer *x, CURLcode rc)
{
	if (r->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		return NET_MAIL_TOO_BIG;
	switch (rc) {
	case CURLE_OK:
		return NET_MAIL_OK;
	case CURLE_LOGIN_DENIED:
		return NET_MAIL_AUTH;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return NET_MAIL_TLS;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		return NET_MAIL_CONNECT;
	default:
		break;
	}
	if (!x->got_reply && rc == CURLE_OPERATION_TIMEDOUT)
		return NET_MAIL_CONNECT;
	if ((!x->imap && x->err_code != 0) ||
	    (x->imap && x->imap_refused))
		return NET_MAIL_REFUSED;
	switch (rc) {
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_WEIRD_SERVER_REPLY:
		return NET_MAIL_DROPPED;
	default:
		return NET_MAIL_OTHER;
	}
}

static void
mail_cleanup(struct net_req *r)
{
	struct mail_xfer *x = r->ext;

	if (x == NULL)
		return;
	curl_slist_free_all(x->rcpts);
	free(x->upload);
	hbuf_free(&x->reply);
	hbuf_free(&x->err_reply);
	hbuf_free(&x->lines_buf);
	free(x->custom);
	free(x);
	r->ext = NULL;
}
