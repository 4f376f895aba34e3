/*
 * sendgrid.c — the SendGrid provider: email through the v3 Mail Send API
 * (POST /v3/mail/send, a JSON body, Bearer API key). SendGrid answers 202
 * with an empty body and the id of the send in the X-Message-Id header; the
 * events its webhook posts to `hark relay` carry that id (as the prefix of
 * sg_message_id) and hark's own message id, passed as the custom arg
 * "hark_id" of the personalization (src/relay/webhook_email.c reads it
 * back).
 *
 * Attachments are read from their files and sent base64 in the body; the
 * whole request must stay under SendGrid's 30 MB. The Message-ID hark made
 * and the reply headers go in "headers", so the recipient's client threads
 * the mail. Inbound mail and events arrive through the relay; this provider
 * neither polls nor can look a send up.
 */

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/config.h"
#include "hark/mime.h"
#include "hark/net.h"
#include "hark/provider.h"
#include "mail_api_int.h"

#define SG_BASE_URL "https://api.sendgrid.com"
#define SG_MAX_BYTES (30u * 1024 * 1024)  /* the whole request */
/* base64 grows 3 bytes to 4: what the files may weigh, with room to spare */
#define SG_MAX_FILES (SG_MAX_BYTES / 4 * 3 - 64 * 1024)
#define SG_MAX_ERRORS 5                    /* errors[] entries shown */

static int sg_open(struct provider *, char **);
static void sg_close(struct provider *);
static int sg_send(struct provider *, const struct provider_send *,
    provider_send_cb, void *, char **);
static cJSON *sg_address(const char *email, const char *name);
static int sg_body(struct mapi *, const struct provider_send *, char **,
    char **);
static void sg_content(cJSON *arr, const char *type, const char *value);
static void sg_attachments(cJSON *root, const struct mapi_file *f, int n);
static void sg_id_headers(cJSON *hdrs, const struct provider_send *req);
static void sg_answer(struct mapi *, const struct net_response *,
    struct provider_result *, struct mapi_out *);
static char *sg_errors(const struct net_response *r);

const struct provider_ops provider_sendgrid_ops = {
	.name = "sendgrid",
	.channels = 1u << HARK_CH_EMAIL,
	.caps = 0,
	.open = sg_open,
	.close = sg_close,
	.send = sg_send,
};

static int
sg_open(struct provider *p, char **cause)
{
	struct mapi *m = xcalloc(1, sizeof *m);

	if (mapi_open(m, p, "SendGrid", SG_BASE_URL, cause) != 0) {
		free(m);
		return -1;
	}
	m->auth_header = xasprintf("Authorization: Bearer %s", m->secret);
	p->priv = m;
	return 0;
}

static void
sg_close(struct provider *p)
{
	struct mapi *m = p->priv;

	if (m == NULL)
		return;
	mapi_close(m);
	free(m);
	p->priv = NULL;
}

/* {"email": ..., "name": ...}; name only when there is one. */
static cJSON *
sg_address(const char *email, const char *name)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "email", email);
	if (name != NULL && *name != '\0')
		cJSON_AddStringToObject(o, "name", name);
	return o;
}

static void
sg_content(cJSON *arr, const char *type, const char *value)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", type);
	cJSON_AddStringToObject(o, "value", value);
	cJSON_AddItemToArray(arr, o);
}

static void
sg_attachments(cJSON *root, const struct mapi_file *f, int n)
{
	cJSON *arr, *o;
	char *b64;
	int i;

	if (n <= 0)
		return;
	arr = cJSON_AddArrayToObject(root, "attachments");
	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		b64 = mapi_base64(f[i].data, f[i].len);
		cJSON_AddStringToObject(o, "content", b64);
		free(b64);
		cJSON_AddStringToObject(o, "filename", f[i].name);
		cJSON_AddStringToObject(o, "type", f[i].type);
		/* An inline part needs the content id its HTML refers to. */
		if (f[i].a->is_inline && f[i].a->content_id != NULL &&
		    *f[i].a->content_id != '\0') {
			cJSON_AddStringToObject(o, "disposition", "inline");
			cJSON_AddStringToObject(o, "content_id",
			    f[i].a->content_id);
		} else
			cJSON_AddStringToObject(o, "disposition", "attachment");
		cJSON_AddItemToArray(arr, o);
	}
}

/* The Mail Send body (components/schemas of tsg_mail_v3.json). */
/* Message-ID, In-Reply-To, References: ids kept without <> get them. */
static void
sg_id_headers(cJSON *hdrs, const struct provider_send *req)
{
	const char *name[] = { "Message-ID", "In-Reply-To", "References" };
	const char *ids[] = { req->message_id_hdr, req->in_reply_to, req->refs };
	char *v;
	size_t i;

	for (i = 0; i < HARK_NELEM(ids); i++) {
		if (ids[i] == NULL || *ids[i] == '\0')
			continue;
		v = mime_bracket_list(ids[i]);
		cJSON_AddStringToObject(hdrs, name[i], v);
		free(v);
	}
}

static int
sg_body(struct mapi *m, const struct provider_send *req, char **out,
    char **cause)
{
	const char *from = req->from != NULL ? req->from :
	    m->p->env.acct->from_email;
	cJSON *root, *pers, *to, *content, *hdrs, *args;
	struct mapi_file *files = NULL;
	char id[32];

	if (from == NULL || *from == '\0') {
		set_cause(cause, "account '%s': set from_email, the address "
		    "SendGrid sends from", m->p->account);
		return -1;
	}
	if (req->to == NULL || *req->to == '\0') {
		set_cause(cause, "an email needs a recipient address");
		return -1;
	}
	if (mapi_files_read(req, SG_MAX_FILES, &files, cause) != 0)
		return -1;
	root = cJSON_CreateObject();
	pers = cJSON_AddArrayToObject(root, "personalizations");
	cJSON_AddItemToArray(pers, cJSON_CreateObject());
	to = cJSON_AddArrayToObject(cJSON_GetArrayItem(pers, 0), "to");
	cJSON_AddItemToArray(to, sg_address(req->to, NULL));
	cJSON_AddItemToObject(root, "from", sg_address(from,
	    mapi_from_name(m, req)));
	if (req->subject != NULL && *req->subject != '\0')
		cJSON_AddStringToObject(root, "subject", req->subject);
	content = cJSON_AddArrayToObject(root, "content");
	/* text/plain first, as SendGrid requires; empty values are refused. */
	if (req->body != NULL && *req->body != '\0')
		sg_content(content, "text/plain", req->body);
	if (req->html != NULL && *req->html != '\0')
		sg_content(content, "text/html", req->html);
	sg_attachments(root, files, req->nattachments);
	mapi_files_free(files, req->nattachments);
	hdrs = cJSON_CreateObject();
	sg_id_headers(hdrs, req);
	if (cJSON_GetArraySize(hdrs) > 0)
		cJSON_AddItemToObject(root, "headers", hdrs);
	else
		cJSON_Delete(hdrs);
	/*
	 * Echoed as a top-level key of every event of this send. In the
	 * personalization, where the spec types custom_args as an object (its
	 * message-level custom_args is typed as a string).
	 */
	args = cJSON_AddObjectToObject(cJSON_GetArrayItem(pers, 0),
	    "custom_args");
	snprintf(id, sizeof id, "%lld", (long long)req->message_id);
	cJSON_AddStringToObject(args, "hark_id", id);
	*out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	HARK_ASSERT(*out != NULL);
	return 0;
}

static int
sg_send(struct provider *p, const struct provider_send *req,
    provider_send_cb cb, void *arg, char **cause)
{
	static const char *headers[] = { "Content-Type: application/json",
	    "Accept: application/json", NULL };
	struct mapi *m = p->priv;
	char *body = NULL, *url;
	int rc;

	if (req->channel != HARK_CH_EMAIL) {
		set_cause(cause, "account '%s': SendGrid sends email only",
		    p->account);
		return -1;
	}
	if (sg_body(m, req, &body, cause) != 0)
		return -1;
	if (strlen(body) > SG_MAX_BYTES) {
		set_cause(cause, "the mail is larger than SendGrid's 30 MB, "
		    "attachments included");
		free(body);
		return -1;
	}
	url = xasprintf("%s/v3/mail/send", m->base);
	rc = mapi_post(m, url, headers, body, strlen(body), req->message_id,
	    sg_answer, cb, arg, cause);
	free(url);
	free(body);
	return rc;
}

/* errors[] as one text: "message (field)"; the first few. */
static char *
sg_errors(const struct net_response *r)
{
	cJSON *json = cJSON_ParseWithLength(r->body, r->body_len);
	const cJSON *errs = cJSON_GetObjectItemCaseSensitive(json, "errors");
	const cJSON *e;
	const char *msg, *field;
	struct hbuf b = HBUF_INIT;
	int n = 0;

	cJSON_ArrayForEach(e, errs) {
		msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e,
		    "message"));
		field = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e,
		    "field"));
		if (msg == NULL || *msg == '\0')
			continue;
		if (n++ == SG_MAX_ERRORS) {
			hbuf_adds(&b, "; ...");
			break;
		}
		if (b.len > 0)
			hbuf_adds(&b, "; ");
		hbuf_adds(&b, msg);
		if (field != NULL && *field != '\0')
			hbuf_printf(&b, " (%s)", field);
	}
	cJSON_Delete(json);
	return b.len > 0 ? hbuf_steal(&b) : NULL;
}

static void
sg_answer(struct mapi *m, const struct net_response *r,
    struct provider_result *res, struct mapi_out *o)
{
	char *id, *why;

	if (r->status >= 200 && r->status <= 299) {
		id = net_header(r, "X-Message-Id");
		res->outcome = PROVIDER_OK;
		res->status = HARK_ST_SENT;
		res->at = hark_now_ms();
		if (id == NULL || *id == '\0') {
			/* SendGrid took it but did not say its id: one of
			 * our own, unique per message; events find it by
			 * its hark_id. */
			free(id);
			id = xasprintf("hark-%lld", (long long)o->message_id);
		}
		o->id = id;
		return;
	}
	if (mapi_common_failure(m, r, "api_key", res, o))
		return;
	why = sg_errors(r);
	if (r->status == 403)
		o->text = xasprintf("SendGrid refused the mail: %s",
		    why != NULL ? why : "the API key lacks the Mail Send "
		    "permission or the from address is not a verified sender");
	else if (r->status == 413)
		o->text = xstrdup("the mail is too large for SendGrid (30 MB "
		    "at most, attachments included)");
	else if (why != NULL)
		o->text = xasprintf("SendGrid refused the mail: %s", why);
	else
		o->text = xasprintf("SendGrid answered HTTP %ld", r->status);
	free(why);
	mapi_scrub(m, r->status, &o->text);
}
