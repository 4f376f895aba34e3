/*
 * mail_api.c — what the HTTP email providers share (see mail_api_int.h):
 * open and close, one POST per send as an op on the shared net, attachment
 * files, base64, and the failures every HTTP API has in common.
 *
 * Closing cancels the requests in flight. An op whose callback is running
 * (the callback may close the provider) is only detached, and frees itself
 * once the callback returns.
 */

#include <openssl/evp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hark/config.h"
#include "hark/mime.h"
#include "hark/net.h"
#include "hark/provider.h"
#include "mail_api_int.h"

#define MAPI_TIMEOUT_MS 30000
#define MAPI_MAX_HEADERS 8

static void mapi_done(void *arg, const struct net_response *r);
static int mapi_start(struct mapi *m, struct mapi_op *op,
    const struct net_request *req, char **cause);
static void mapi_op_detach(struct mapi_op *op);
static char *mapi_trim_url(const char *url);
static int mapi_file_read(const char *path, size_t room, unsigned char **data,
    size_t *len, char **cause);
static int64_t mapi_reset_ms(const struct net_response *r);

static char *
mapi_trim_url(const char *url)
{
	size_t n = strlen(url);

	while (n > 0 && url[n - 1] == '/')
		n--;
	return xstrndup(url, n);
}

int
mapi_open(struct mapi *m, struct provider *p, const char *service,
    const char *def_base, char **cause)
{
	const struct config_account *a = p->env.acct;
	const char *t = config_account_get(a, "timeout");
	int rc;

	memset(m, 0, sizeof *m);
	rc = config_account_secret(a, "api_key", &m->secret, cause);
	if (rc == 1 || (rc == 0 && *m->secret == '\0')) {
		free(m->secret);
		m->secret = NULL;
		set_cause(cause, "account '%s': set api_key (or api_key_env, "
		    "api_key_cmd) to your %s API key", a->name, service);
		return -1;
	}
	if (rc != 0)
		return -1;
	m->p = p;
	m->service = service;
	m->base = mapi_trim_url(a->base_url != NULL ? a->base_url : def_base);
	m->timeout_ms = t != NULL && atol(t) > 0 ? atol(t) * 1000 :
	    MAPI_TIMEOUT_MS;
	return 0;
}

static void
mapi_op_detach(struct mapi_op *op)
{
	struct mapi *m = op->m;

	if (m == NULL)
		return;
	if (op->prev != NULL)
		op->prev->next = op->next;
	else
		m->ops = op->next;
	if (op->next != NULL)
		op->next->prev = op->prev;
	op->m = NULL;
	op->prev = op->next = NULL;
}

void
mapi_close(struct mapi *m)
{
	struct mapi_op *op, *next;

	for (op = m->ops; op != NULL; op = next) {
		next = op->next;
		if (op->net_id != 0)
			net_cancel(m->p->env.net, op->net_id);
		op->net_id = 0;
		op->m = NULL;
		op->prev = op->next = NULL;
		if (!op->busy)
			free(op);
	}
	m->ops = NULL;
	if (m->secret != NULL)
		memset(m->secret, 0, strlen(m->secret));
	if (m->auth_header != NULL)
		memset(m->auth_header, 0, strlen(m->auth_header));
	if (m->userpwd != NULL)
		memset(m->userpwd, 0, strlen(m->userpwd));
	free(m->secret);
	free(m->auth_header);
	free(m->userpwd);
	free(m->base);
	memset(m, 0, sizeof *m);
}

int
mapi_post(struct mapi *m, const char *url, const char **headers,
    const char *body, size_t len, int64_t message_id, mapi_answer_fn answer,
    provider_send_cb cb, void *arg, char **cause)
{
	const char *hdrs[MAPI_MAX_HEADERS + 2];
	struct net_request req;
	struct mapi_op *op;
	int n = 0;

	while (headers != NULL && headers[n] != NULL && n < MAPI_MAX_HEADERS) {
		hdrs[n] = headers[n];
		n++;
	}
	if (m->auth_header != NULL)
		hdrs[n++] = m->auth_header;
	hdrs[n] = NULL;
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.url = url;
	req.headers = hdrs;
	req.body = body;
	req.body_len = len;
	req.userpwd = m->userpwd;
	req.timeout_ms = m->timeout_ms;
	req.policy.max_attempts = 1;
	op = xcalloc(1, sizeof *op);
	op->answer = answer;
	op->message_id = message_id;
	op->cb = cb;
	op->arg = arg;
	return mapi_start(m, op, &req, cause);
}

int
mapi_get(struct mapi *m, const char *url, mapi_answer_fn answer,
    provider_lookup_cb lcb, void *arg, char **cause)
{
	static const struct backoff_policy policy = { 500, 5000, 3 };
	const char *hdrs[3] = { "Accept: application/json", NULL, NULL };
	struct net_request req;
	struct mapi_op *op;

	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.url = url;
	hdrs[1] = m->auth_header;
	req.headers = hdrs;
	req.userpwd = m->userpwd;
	req.timeout_ms = m->timeout_ms;
	req.policy = policy;
	op = xcalloc(1, sizeof *op);
	op->answer = answer;
	op->lcb = lcb;
	op->arg = arg;
	return mapi_start(m, op, &req, cause);
}

/* Starts op's request and links op into m; frees op when it cannot. */
static int
mapi_start(struct mapi *m, struct mapi_op *op, const struct net_request *req,
    char **cause)
{
	op->m = m;
	op->net_id = net_request(m->p->env.net, req, mapi_done, op, cause);
	if (op->net_id == 0) {
		free(op);
		return -1;
	}
	op->next = m->ops;
	if (m->ops != NULL)
		m->ops->prev = op;
	m->ops = op;
	return 0;
}

static void
mapi_done(void *arg, const struct net_response *r)
{
	struct mapi_op *op = arg;
	struct provider_result res;
	struct mapi_out o = { NULL, NULL, NULL, 0, -1 };

	op->net_id = 0;
	op->busy = 1;
	memset(&res, 0, sizeof res);
	res.retry_after_ms = -1;
	o.message_id = op->message_id;
	op->answer(op->m, r, &res, &o);
	res.error_code = o.code;
	res.error_text = o.text;
	res.provider_id = o.id;
	mapi_op_detach(op);
	if (op->lcb != NULL)
		op->lcb(op->arg, o.found, &res);
	else
		op->cb(op->arg, &res);
	free(o.code);
	free(o.text);
	free(o.id);
	free(op);
}

const char *
mapi_from_name(const struct mapi *m, const struct provider_send *req)
{
	if (req->from_name != NULL && *req->from_name != '\0')
		return req->from_name;
	if (m->p->env.cfg != NULL && m->p->env.cfg->identity_name != NULL &&
	    *m->p->env.cfg->identity_name != '\0')
		return m->p->env.cfg->identity_name;
	return NULL;
}

/* ---- attachments ------------------------------------------------------- */

/* Reads a regular file of at most room bytes. */
static int
mapi_file_read(const char *path, size_t room, unsigned char **data, size_t *len,
    char **cause)
{
	struct stat st;
	FILE *f;
	size_t got;

	*data = NULL;
	*len = 0;
	if ((f = fopen(path, "rb")) == NULL) {
		set_cause(cause, "cannot read attachment %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		set_cause(cause, "attachment %s is not a regular file", path);
		fclose(f);
		return -1;
	}
	if ((uintmax_t)st.st_size > room) {
		set_cause(cause, "attachment %s is too large: the mail would "
		    "pass the provider's limit", path);
		fclose(f);
		return -1;
	}
	*data = xmalloc((size_t)st.st_size + 1);
	got = fread(*data, 1, (size_t)st.st_size, f);
	if (got != (size_t)st.st_size || ferror(f)) {
		set_cause(cause, "cannot read attachment %s: short read", path);
		free(*data);
		*data = NULL;
		fclose(f);
		return -1;
	}
	fclose(f);
	*len = got;
	return 0;
}

int
mapi_files_read(const struct provider_send *req, size_t max_total,
    struct mapi_file **out, char **cause)
{
	struct mapi_file *f;
	const struct provider_attachment *a;
	const char *base;
	size_t used = 0;
	int i;

	*out = NULL;
	if (req->nattachments <= 0 || req->attachments == NULL)
		return 0;
	f = xcalloc((size_t)req->nattachments, sizeof *f);
	for (i = 0; i < req->nattachments; i++) {
		a = &req->attachments[i];
		f[i].a = a;
		if (a->path == NULL || mapi_file_read(a->path, max_total - used,
		    &f[i].data, &f[i].len, cause) != 0) {
			if (a->path == NULL)
				set_cause(cause, "attachment %d has no file",
				    i + 1);
			mapi_files_free(f, req->nattachments);
			return -1;
		}
		used += f[i].len;
		base = strrchr(a->path, '/');
		f[i].name = xstrdup(a->filename != NULL &&
		    *a->filename != '\0' ? a->filename :
		    base != NULL ? base + 1 : a->path);
		/* No type given: the one the file's name suggests. */
		f[i].type = a->content_type != NULL &&
		    *a->content_type != '\0' &&
		    strcmp(a->content_type, "application/octet-stream") != 0 ?
		    a->content_type : mime_guess_type(f[i].name);
	}
	*out = f;
	return 0;
}

void
mapi_files_free(struct mapi_file *f, int n)
{
	int i;

	for (i = 0; f != NULL && i < n; i++) {
		free(f[i].name);
		free(f[i].data);
	}
	free(f);
}

char *
mapi_base64(const unsigned char *data, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);
	size_t done = 0, chunk;
	int n;

	out[0] = '\0';
	/* EVP_EncodeBlock takes an int length: encode in whole groups. */
	while (done < len) {
		chunk = len - done;
		if (chunk > 3 * (1u << 20))
			chunk = 3 * (1u << 20);
		n = EVP_EncodeBlock((unsigned char *)out + 4 * (done / 3),
		    data + done, (int)chunk);
		HARK_ASSERT(n >= 0);
		done += chunk;
	}
	out[4 * ((len + 2) / 3)] = '\0';
	return out;
}

/* ---- failures ----------------------------------------------------------- */

/* When the rate limit resets, from X-RateLimit-Reset (epoch seconds), as
 * a delay in ms; -1 when absent. */
static int64_t
mapi_reset_ms(const struct net_response *r)
{
	char *v = net_header(r, "X-RateLimit-Reset"), *end;
	long long at;
	int64_t delay = -1;

	if (v != NULL) {
		errno = 0;
		at = strtoll(v, &end, 10);
		if (errno == 0 && end != v && *end == '\0' && at > 0 &&
		    at < 100000000000LL) {
			delay = (int64_t)at * 1000 - hark_now_ms();
			if (delay < 1000)
				delay = 1000;
		}
	}
	free(v);
	return delay;
}

int
mapi_common_failure(struct mapi *m, const struct net_response *r,
    const char *keys, struct provider_result *res, struct mapi_out *o)
{
	const char *err = r->error != NULL ? r->error : "no answer";

	res->retry_after_ms = r->retry_after_ms;
	if (r->status == 0) {
		/* Not connected: nothing reached the service. Connected,
		 * then silence: it may have taken the mail. */
		if (r->unsent) {
			res->outcome = PROVIDER_TRANSIENT;
			res->retry_after_ms = 0;
			o->text = xasprintf("cannot reach %s: %s", m->service,
			    err);
		} else if (m->lookup) {
			/* It may still be taking it: the retry waits twice the
			 * timeout, then asks whether it arrived. */
			res->outcome = PROVIDER_TRANSIENT;
			res->retry_after_ms = 2 * m->timeout_ms;
			o->text = xasprintf("no answer from %s (%s)",
			    m->service, err);
		} else {
			res->outcome = PROVIDER_PERMANENT;
			o->text = xasprintf("no answer from %s (%s): the mail "
			    "may have gone out; check before sending it again",
			    m->service, err);
		}
		return 1;
	}
	if (r->status == 429) {
		if (res->retry_after_ms < 0)
			res->retry_after_ms = mapi_reset_ms(r);
		res->outcome = PROVIDER_TRANSIENT;
		o->code = xstrdup("429");
		o->text = xasprintf("%s rate limit reached", m->service);
		return 1;
	}
	if (r->status >= 500) {
		res->outcome = PROVIDER_TRANSIENT;
		o->code = xasprintf("%ld", r->status);
		o->text = xasprintf("%s had a server error (HTTP %ld)",
		    m->service, r->status);
		return 1;
	}
	if (r->status == 401) {
		res->outcome = PROVIDER_PERMANENT;
		o->code = xstrdup("401");
		o->text = xasprintf("authentication failed: check %s of "
		    "account %s", keys, m->p->account);
		return 1;
	}
	res->outcome = PROVIDER_PERMANENT;
	o->code = xasprintf("%ld", r->status);
	return 0;
}

void
mapi_scrub(struct mapi *m, long status, char **text)
{
	if (*text != NULL && m->secret != NULL && *m->secret != '\0' &&
	    strstr(*text, m->secret) != NULL) {
		free(*text);
		*text = xasprintf("%s refused the request (HTTP %ld)",
		    m->service, status);
	}
}
