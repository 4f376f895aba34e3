/*
 * mailgun.c — the Mailgun provider: email through the Messages API
 * (POST /v3/{domain}/messages, a multipart/form-data body, Basic auth
 * "api:KEY"), in the US (api.mailgun.net) or EU (api.eu.mailgun.net)
 * region of the domain. Mailgun answers 200 {"id":"<...>","message":
 * "Queued. Thank you."}; the id, without its angle brackets, is what the
 * events its webhooks post to `hark relay` carry as message.headers.
 * message-id, and hark's own message id rides along as the variable
 * v:hark_id (user-variables.hark_id in the events).
 *
 * The Message-ID hark made and the reply headers go as h: fields, so the
 * recipient's client threads the mail; attachments are file parts named
 * "attachment" (or "inline" for parts the HTML shows by cid:). Mailgun
 * takes at most 25 MB per message.
 *
 * A send Mailgun never answered can be looked up: its Message-ID (hark's,
 * sent as h:Message-Id) names it in the Events API, GET /v3/{domain}/events
 * ?message-id=...&event=accepted. So an unanswered send is retried after
 * twice the timeout, once Mailgun says it has no such message, and a send
 * in flight when hark stopped is settled the same way. Events appear there
 * within seconds, long before the retry asks.
 */

#include <openssl/rand.h>

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/config.h"
#include "hark/mime.h"
#include "hark/net.h"
#include "hark/provider.h"
#include "mail_api_int.h"

#define MG_US_URL "https://api.mailgun.net"
#define MG_EU_URL "https://api.eu.mailgun.net"
#define MG_MAX_BYTES (25u * 1024 * 1024)

struct mailgun {
	struct mapi m;              /* first: the ops see a struct mapi */
	char *domain;
	const char *region;
};

static int mg_open(struct provider *, char **);
static void mg_close(struct provider *);
static int mg_send(struct provider *, const struct provider_send *,
    provider_send_cb, void *, char **);
static void mg_part(struct hbuf *b, const char *boundary, const char *name,
    const char *value);
static void mg_file(struct hbuf *b, const char *boundary, const char *name,
    const struct mapi_file *f);
static void mg_quoted(struct hbuf *b, const char *s);
static char *mg_from(const char *email, const char *name);
static void mg_id_headers(struct hbuf *b, const char *boundary,
    const struct provider_send *req);
static int mg_body(struct mailgun *, const struct provider_send *,
    const char *, struct hbuf *, char **);
static void mg_answer(struct mapi *, const struct net_response *,
    struct provider_result *, struct mapi_out *);
static int mg_lookup(struct provider *, const struct provider_send *,
    provider_lookup_cb, void *, char **);
static void mg_found(struct mapi *, const struct net_response *,
    struct provider_result *, struct mapi_out *);

const struct provider_ops provider_mailgun_ops = {
	.name = "mailgun",
	.channels = 1u << HARK_CH_EMAIL,
	.caps = PROVIDER_CAP_LOOKUP,
	.open = mg_open,
	.close = mg_close,
	.send = mg_send,
	.lookup = mg_lookup,
};

static int
mg_open(struct provider *p, char **cause)
{
	const struct config_account *a = p->env.acct;
	const char *domain = config_account_get(a, "domain");
	const char *region = config_account_get(a, "region");
	struct mailgun *mg;

	if (domain == NULL || *domain == '\0' ||
	    strspn(domain, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != strlen(domain)) {
		set_cause(cause, "account '%s': domain must be your Mailgun "
		    "sending domain (mg.example.com)", a->name);
		return -1;
	}
	if (region == NULL)
		region = "us";
	mg = xcalloc(1, sizeof *mg);
	if (mapi_open(&mg->m, p, "Mailgun", strcmp(region, "eu") == 0 ?
	    MG_EU_URL : MG_US_URL, cause) != 0) {
		free(mg);
		return -1;
	}
	mg->m.userpwd = xasprintf("api:%s", mg->m.secret);
	mg->m.lookup = 1;
	mg->domain = xstrdup(domain);
	mg->region = strcmp(region, "eu") == 0 ? "eu" : "us";
	p->priv = mg;
	return 0;
}

static void
mg_close(struct provider *p)
{
	struct mailgun *mg = p->priv;

	if (mg == NULL)
		return;
	mapi_close(&mg->m);
	free(mg->domain);
	free(mg);
	p->priv = NULL;
}

/* s inside a quoted string: '"' and '\' escaped, line breaks dropped. */
static void
mg_quoted(struct hbuf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\r' || *s == '\n')
			continue;
		if (*s == '"' || *s == '\\')
			hbuf_addc(b, '\\');
		hbuf_addc(b, *s);
	}
}

static void
mg_part(struct hbuf *b, const char *boundary, const char *name,
    const char *value)
{
	hbuf_printf(b, "--%s\r\nContent-Disposition: form-data; name=\"",
	    boundary);
	mg_quoted(b, name);
	hbuf_adds(b, "\"\r\n\r\n");
	hbuf_adds(b, value);
	hbuf_adds(b, "\r\n");
}

static void
mg_file(struct hbuf *b, const char *boundary, const char *name,
    const struct mapi_file *f)
{
	hbuf_printf(b, "--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
	    "filename=\"", boundary, name);
	mg_quoted(b, f->name);
	hbuf_adds(b, "\"\r\nContent-Type: ");
	mg_quoted(b, f->type);
	hbuf_adds(b, "\r\n\r\n");
	hbuf_add(b, f->data, f->len);
	hbuf_adds(b, "\r\n");
}

/* "Name <addr>", the name quoted; the bare address without a name. */
static char *
mg_from(const char *email, const char *name)
{
	struct hbuf b = HBUF_INIT;

	if (name == NULL || *name == '\0')
		return xstrdup(email);
	hbuf_addc(&b, '"');
	mg_quoted(&b, name);
	hbuf_printf(&b, "\" <%s>", email);
	return hbuf_steal(&b);
}

/* h:Message-Id, h:In-Reply-To, h:References: ids kept without <> get them. */
static void
mg_id_headers(struct hbuf *b, const char *boundary,
    const struct provider_send *req)
{
	const char *name[] = { "h:Message-Id", "h:In-Reply-To", "h:References" };
	const char *ids[] = { req->message_id_hdr, req->in_reply_to, req->refs };
	char *v;
	size_t i;

	for (i = 0; i < HARK_NELEM(ids); i++) {
		if (ids[i] == NULL || *ids[i] == '\0')
			continue;
		v = mime_bracket_list(ids[i]);
		mg_part(b, boundary, name[i], v);
		free(v);
	}
}

static int
mg_body(struct mailgun *mg, const struct provider_send *req,
    const char *boundary, struct hbuf *b, char **cause)
{
	const char *from = req->from != NULL ? req->from :
	    mg->m.p->env.acct->from_email;
	struct mapi_file *files = NULL;
	char *sender, id[32];
	int i;

	if (from == NULL || *from == '\0') {
		set_cause(cause, "account '%s': set from_email, the address "
		    "Mailgun sends from", mg->m.p->account);
		return -1;
	}
	if (req->to == NULL || *req->to == '\0') {
		set_cause(cause, "an email needs a recipient address");
		return -1;
	}
	if (mapi_files_read(req, MG_MAX_BYTES, &files, cause) != 0)
		return -1;
	sender = mg_from(from, mapi_from_name(&mg->m, req));
	mg_part(b, boundary, "from", sender);
	free(sender);
	mg_part(b, boundary, "to", req->to);
	if (req->subject != NULL && *req->subject != '\0')
		mg_part(b, boundary, "subject", req->subject);
	if (req->body != NULL && *req->body != '\0')
		mg_part(b, boundary, "text", req->body);
	if (req->html != NULL && *req->html != '\0')
		mg_part(b, boundary, "html", req->html);
	mg_id_headers(b, boundary, req);
	snprintf(id, sizeof id, "%lld", (long long)req->message_id);
	mg_part(b, boundary, "v:hark_id", id);
	for (i = 0; i < req->nattachments && files != NULL; i++)
		mg_file(b, boundary, files[i].a->is_inline ? "inline" :
		    "attachment", &files[i]);
	hbuf_printf(b, "--%s--\r\n", boundary);
	mapi_files_free(files, req->nattachments);
	return 0;
}

static int
mg_send(struct provider *p, const struct provider_send *req,
    provider_send_cb cb, void *arg, char **cause)
{
	struct mailgun *mg = p->priv;
	struct hbuf body = HBUF_INIT;
	unsigned char rnd[16];
	char boundary[64], *url, *ctype;
	const char *headers[3];
	size_t i;
	int rc;

	if (req->channel != HARK_CH_EMAIL) {
		set_cause(cause, "account '%s': Mailgun sends email only",
		    p->account);
		return -1;
	}
	/* Random, so that no attachment's bytes can hold it by chance. */
	if (RAND_bytes(rnd, sizeof rnd) != 1)
		hark_fatal("openssl: no random bytes for a MIME boundary");
	strcpy(boundary, "hark-");
	for (i = 0; i < sizeof rnd; i++)
		snprintf(boundary + 5 + 2 * i, 3, "%02x", rnd[i]);
	if (mg_body(mg, req, boundary, &body, cause) != 0) {
		hbuf_free(&body);
		return -1;
	}
	if (body.len > MG_MAX_BYTES + 64 * 1024) {
		set_cause(cause, "the mail is larger than Mailgun's 25 MB, "
		    "attachments included");
		hbuf_free(&body);
		return -1;
	}
	ctype = xasprintf("Content-Type: multipart/form-data; boundary=%s",
	    boundary);
	headers[0] = ctype;
	headers[1] = "Accept: application/json";
	headers[2] = NULL;
	url = xasprintf("%s/v3/%s/messages", mg->m.base, mg->domain);
	rc = mapi_post(&mg->m, url, headers, hbuf_str(&body), body.len,
	    req->message_id, mg_answer, cb, arg, cause);
	free(url);
	free(ctype);
	hbuf_free(&body);
	return rc;
}

static void
mg_answer(struct mapi *m, const struct net_response *r,
    struct provider_result *res, struct mapi_out *o)
{
	struct mailgun *mg = (struct mailgun *)m;
	cJSON *json = cJSON_ParseWithLength(r->body, r->body_len);
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    json, "id"));
	const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    json, "message"));
	size_t n;

	if (r->status == 200 && id != NULL && *id != '\0') {
		/* The events name the message without the angle brackets. */
		if (*id == '<')
			id++;
		n = strcspn(id, ">");
		o->id = xstrndup(id, n);
		res->outcome = PROVIDER_OK;
		res->status = HARK_ST_SENT;
		res->at = hark_now_ms();
	} else if (r->status >= 200 && r->status <= 299) {
		/* Mailgun took it: sending again could double it. */
		res->outcome = PROVIDER_PERMANENT;
		o->text = xasprintf("Mailgun answered HTTP %ld but hark could "
		    "not read the answer: it may have gone out, check before "
		    "sending again", r->status);
	} else if (mapi_common_failure(m, r, "api_key and region", res, o)) {
		;
	} else if (r->status == 402) {
		o->text = xasprintf("Mailgun refused the mail: payment "
		    "required (%s)", msg != NULL ? msg :
		    "check the plan of your account");
	} else if (r->status == 403) {
		o->text = xasprintf("Mailgun denied access: %s", msg != NULL ?
		    msg : "check api_key and the domain's permissions");
	} else if (r->status == 404) {
		o->text = xasprintf("Mailgun does not know domain '%s' in "
		    "region %s: check domain and region of account %s",
		    mg->domain, mg->region, m->p->account);
	} else if (r->status == 413) {
		o->text = xstrdup("the mail is too large for Mailgun (25 MB at "
		    "most, attachments included)");
	} else if (msg != NULL && *msg != '\0') {
		o->text = xasprintf("Mailgun refused the mail: %s", msg);
	} else {
		o->text = xasprintf("Mailgun answered HTTP %ld", r->status);
	}
	mapi_scrub(m, r->status, &o->text);
	cJSON_Delete(json);
}

/* ---- lookup ------------------------------------------------------------ */

static int
mg_lookup(struct provider *p, const struct provider_send *req,
    provider_lookup_cb cb, void *arg, char **cause)
{
	struct mailgun *mg = p->priv;
	struct hbuf q = HBUF_INIT;
	const char *id = req->message_id_hdr;
	char *bare, *url;
	int rc;

	if (id == NULL || *id == '\0') {
		set_cause(cause, "Mailgun: a send without a Message-ID "
		    "cannot be looked up");
		return -1;
	}
	if (*id == '<')
		id++;
	bare = xstrndup(id, strcspn(id, ">"));
	net_form_add(&q, "message-id", bare);
	net_form_add(&q, "event", "accepted");
	net_form_add(&q, "limit", "1");
	url = xasprintf("%s/v3/%s/events?%s", mg->m.base, mg->domain,
	    hbuf_str(&q));
	rc = mapi_get(&mg->m, url, mg_found, cb, arg, cause);
	free(url);
	free(bare);
	hbuf_free(&q);
	return rc;
}

/* The events page: an accepted event of the message means Mailgun has it. */
static void
mg_found(struct mapi *m, const struct net_response *r,
    struct provider_result *res, struct mapi_out *o)
{
	cJSON *json, *items, *it, *hdrs;
	const char *id;

	if (r->status != 200) {
		mapi_common_failure(m, r, "api_key and region", res, o);
		if (o->text == NULL)
			o->text = xasprintf("Mailgun answered HTTP %ld to the "
			    "events query", r->status);
		o->found = -1;
		return;
	}
	json = cJSON_ParseWithLength(r->body, r->body_len);
	items = cJSON_GetObjectItemCaseSensitive(json, "items");
	if (!cJSON_IsArray(items)) {
		o->text = xstrdup("Mailgun's events could not be read");
		o->found = -1;
	} else if ((it = cJSON_GetArrayItem(items, 0)) == NULL) {
		o->found = 0;
	} else {
		hdrs = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(it, "message"), "headers");
		id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(hdrs,
		    "message-id"));
		o->found = 1;
		o->id = xstrdup(id != NULL ? id : "");
		res->outcome = PROVIDER_OK;
		res->status = HARK_ST_SENT;
		res->at = hark_now_ms();
	}
	cJSON_Delete(json);
}
