/*
 * smtp.c — the SMTP provider: email sent with libcurl over SMTPS or
 * STARTTLS with a login, the message built by mime_build, and a copy put in
 * the Sent folder of a paired IMAP account after the server took it.
 *
 * A send is one SMTP transaction made exactly once (net never retries it);
 * the outcome says how far it got, and that decides what the outbox may do:
 *   - refused before the end of DATA (a 4xx or 5xx reply, a drop before the
 *     whole message was handed over): the server did not take it, so a
 *     retry cannot deliver it twice — transient for 4xx and drops,
 *     permanent for 5xx, a failed login and a certificate that does not
 *     verify;
 *   - the connection dropped (or timed out) after the end of DATA went out
 *     but before the server's 250: the server may or may not have taken
 *     it. Sending again could deliver it twice, so the message is marked
 *     uncertain with a text that says so, and the user decides.
 * A crash in the middle of a send leaves the same doubt; SMTP cannot be
 * asked afterwards, so the provider has no lookup and the outbox marks such
 * sends uncertain on its own.
 *
 * The provider id of a sent message is its Message-ID (without <>), which
 * is also how the IMAP sync recognises the Sent-folder copy as this message.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/config.h"
#include "hark/mime.h"
#include "hark/net.h"
#include "hark/provider.h"
#include "mailsrv_int.h"

struct smtp_op;

struct smtp {
	struct provider *p;
	struct mailsrv srv;
	struct mailsrv sent;          /* the paired IMAP account, when a copy is kept */
	char *sent_url;               /* its Sent folder, NULL for no copy */
	struct smtp_op *ops;
};

struct smtp_op {
	struct smtp *sm;
	uint64_t req;
	int append;                   /* the Sent copy, not a send */
	int running;                  /* its callback is on the stack */
	char code[24];                /* the server's reply code, as the result's */
	int64_t sent_at;              /* when the server took it (for after the copy) */
	char *msgid;
	char *raw;                    /* the message as sent, for the copy */
	size_t len;
	provider_send_cb cb;
	void *arg;
	struct smtp_op *prev, *next;
};

static int smtp_open(struct provider *, char **);
static void smtp_close(struct provider *);
static int smtp_send(struct provider *, const struct provider_send *,
    provider_send_cb, void *, char **);
static int smtp_build(struct smtp *sm, const struct provider_send *req,
    char **raw, size_t *len, char **msgid, char **cause);
static void smtp_sent(void *arg, const struct net_mail_response *r);
static void smtp_result(struct smtp_op *op, const struct net_mail_response *r,
    struct provider_result *res, char **text);
static int smtp_copy(struct smtp_op *op);
static void smtp_deliver(struct smtp_op *op, const struct provider_result *res);
static void smtp_copied(void *arg, const struct net_mail_response *r);
static void smtp_op_unlink(struct smtp_op *op);
static void smtp_op_free(struct smtp_op *op);

const struct provider_ops provider_smtp_ops = {
	.name = "smtp",
	.channels = 1u << HARK_CH_EMAIL,
	.caps = 0,
	.open = smtp_open,
	.close = smtp_close,
	.send = smtp_send,
};

static int
smtp_open(struct provider *p, char **cause)
{
	const struct config_account *a = p->env.acct, *imap;
	const char *name = config_account_get(a, "sent_account");
	const char *folder = config_account_get(a, "sent_folder");
	struct smtp *sm = xcalloc(1, sizeof *sm);

	sm->p = p;
	if (mailsrv_open(a, 0, &sm->srv, cause) != 0)
		goto fail;
	if (a->from_email == NULL) {
		set_cause(cause, "account '%s': from_email is not set", a->name);
		goto fail;
	}
	if (name != NULL) {
		imap = config_account_find(p->env.cfg, name);
		if (imap == NULL || strcmp(imap->provider, "imap") != 0) {
			set_cause(cause, "account '%s': sent_account '%s' is not an "
			    "imap account", a->name, name);
			goto fail;
		}
		if (mailsrv_open(imap, 1, &sm->sent, cause) != 0)
			goto fail;
		sm->sent_url = mailsrv_folder_url(&sm->sent,
		    folder != NULL ? folder : "Sent");
	}
	p->priv = sm;
	return 0;
fail:
	mailsrv_clear(&sm->srv);
	mailsrv_clear(&sm->sent);
	free(sm);
	return -1;
}

/* Transfers in flight are canceled; their callbacks never fire. */
static void
smtp_close(struct provider *p)
{
	struct smtp *sm = p->priv;
	struct smtp_op *op;

	if (sm == NULL)
		return;
	while ((op = sm->ops) != NULL) {
		if (op->running) {
			smtp_op_unlink(op);
			op->sm = NULL;
			continue;
		}
		net_cancel(p->env.net, op->req);
		smtp_op_free(op);
	}
	mailsrv_clear(&sm->srv);
	mailsrv_clear(&sm->sent);
	free(sm->sent_url);
	free(sm);
	p->priv = NULL;
}

static int
smtp_send(struct provider *p, const struct provider_send *req,
    provider_send_cb cb, void *arg, char **cause)
{
	struct smtp *sm = p->priv;
	struct net_mail_request mr;
	struct smtp_op *op;
	const char *from = req->from != NULL ? req->from : p->env.acct->from_email;

	if (req->channel != HARK_CH_EMAIL || req->to == NULL) {
		set_cause(cause, "smtp sends email only, to one address");
		return -1;
	}
	op = xcalloc(1, sizeof *op);
	op->sm = sm;
	op->cb = cb;
	op->arg = arg;
	if (smtp_build(sm, req, &op->raw, &op->len, &op->msgid, cause) != 0) {
		free(op);
		return -1;
	}
	memset(&mr, 0, sizeof mr);
	mr.url = sm->srv.base;
	mr.username = sm->srv.username;
	mr.password = sm->srv.password;
	mr.starttls = sm->srv.starttls;
	mr.ca_file = sm->srv.ca_file;
	mr.mail_from = from;
	mr.rcpt = req->to;
	mr.upload = op->raw;
	mr.upload_len = op->len;
	op->req = net_mail(p->env.net, &mr, smtp_sent, op, cause);
	if (op->req == 0) {
		smtp_op_free(op);
		return -1;
	}
	op->next = sm->ops;
	if (sm->ops != NULL)
		sm->ops->prev = op;
	sm->ops = op;
	return 0;
}

/* The message, with the id the engine gave it (else a new one). */
static int
smtp_build(struct smtp *sm, const struct provider_send *req, char **raw,
    size_t *len, char **msgid, char **cause)
{
	const struct config *cfg = sm->p->env.cfg;
	struct mime_attachment *att;
	struct mime_out o;
	const char *id = req->message_id_hdr, *at;
	size_t n;
	int i, rc;

	memset(&o, 0, sizeof o);
	o.from = req->from != NULL ? req->from : sm->p->env.acct->from_email;
	o.from_name = req->from_name != NULL ? req->from_name :
	    cfg != NULL ? cfg->identity_name : NULL;
	o.to = req->to;
	o.subject = req->subject;
	o.text = req->body != NULL ? req->body : "";
	o.html = req->html;
	/* A message queued before ids were stored bare still has <>. */
	if (id != NULL && *id == '<') {
		n = strlen(id);
		*msgid = xstrndup(id + 1, n > 1 && id[n - 1] == '>' ? n - 2 : n - 1);
	} else if (id != NULL)
		*msgid = xstrdup(id);
	else {
		at = strchr(o.from, '@');
		*msgid = mime_message_id_new(at != NULL ? at + 1 : NULL);
	}
	o.message_id = *msgid;
	o.in_reply_to = req->in_reply_to;
	o.refs = req->refs;
	att = xcalloc((size_t)req->nattachments + 1, sizeof *att);
	for (i = 0; i < req->nattachments; i++) {
		att[i].path = req->attachments[i].path;
		att[i].filename = req->attachments[i].filename;
		att[i].content_type = req->attachments[i].content_type;
	}
	o.attachments = att;
	o.nattachments = req->nattachments;
	rc = mime_build(&o, raw, len, cause);
	free(att);
	if (rc != 0) {
		free(*msgid);
		*msgid = NULL;
	}
	return rc;
}

static void
smtp_sent(void *arg, const struct net_mail_response *r)
{
	struct smtp_op *op = arg;
	struct provider_result res;
	char *text = NULL;

	smtp_result(op, r, &res, &text);
	/*
	 * The copy goes first, then the result: a `hark send` that exits on
	 * the result would otherwise cancel the copy. It takes milliseconds.
	 */
	if (res.outcome == PROVIDER_OK && res.status == HARK_ST_SENT &&
	    op->sm->sent_url != NULL && smtp_copy(op) == 0) {
		op->sent_at = res.at;
		free(text);
		return;
	}
	smtp_deliver(op, &res);
	free(text);
}

/* The callback may close the provider: op then stays ours alone. */
static void
smtp_deliver(struct smtp_op *op, const struct provider_result *res)
{
	op->running = 1;
	op->cb(op->arg, res);
	op->running = 0;
	smtp_op_free(op);
}

/* Maps the transfer's outcome to the outbox's terms, in words a user acts on. */
static void
smtp_result(struct smtp_op *op, const struct net_mail_response *r,
    struct provider_result *res, char **text)
{
	const char *hp = op->sm != NULL ? op->sm->srv.hostport : "?";

	memset(res, 0, sizeof *res);
	res->retry_after_ms = -1;
	res->at = hark_now_ms();
	res->outcome = PROVIDER_TRANSIENT;
	if (r->code > 0) {
		snprintf(op->code, sizeof op->code, "%ld", r->code);
		res->error_code = op->code;
	}
	switch (r->kind) {
	case NET_MAIL_OK:
		res->outcome = PROVIDER_OK;
		res->provider_id = op->msgid;
		res->status = HARK_ST_SENT;
		res->error_code = NULL;
		return;
	case NET_MAIL_AUTH:
		res->outcome = PROVIDER_PERMANENT;
		*text = xasprintf("login to %s refused: %s (check username and "
		    "password)", hp, *r->reply ? r->reply : r->error);
		break;
	case NET_MAIL_TLS:
		res->outcome = PROVIDER_PERMANENT;
		*text = xasprintf("TLS with %s failed: %s (a private CA needs "
		    "ca_file)", hp, r->error);
		res->error_code = NULL;
		break;
	case NET_MAIL_CONNECT:
		*text = xasprintf("cannot reach %s: %s", hp, r->error);
		break;
	case NET_MAIL_REFUSED:
		if (r->code >= 500)
			res->outcome = PROVIDER_PERMANENT;
		if (r->code == 552 || r->code == 523)
			*text = xasprintf("%s refused the message as too large "
			    "(%zu bytes): %s", hp, op->len, r->reply);
		else
			*text = xasprintf("%s refused the message: %s", hp, r->reply);
		break;
	case NET_MAIL_DROPPED:
		if (r->upload_done) {
			/* The server may have it: never resend on our own. */
			res->outcome = PROVIDER_OK;
			res->provider_id = op->msgid;
			res->status = HARK_ST_UNCERTAIN;
			*text = xasprintf("the connection to %s ended after the "
			    "message was sent but before the server confirmed it "
			    "(%s): it may have arrived; check with the recipient, "
			    "then resend or cancel", hp, r->error);
		} else
			*text = xasprintf("the connection to %s ended before the "
			    "message was sent (%s)", hp, r->error);
		res->error_code = NULL;
		break;
	default:
		*text = xasprintf("sending through %s failed: %s%s%s", hp, r->error,
		    *r->reply ? "; the server said: " : "", r->reply);
		break;
	}
	res->error_text = *text;
}

/* The copy is best effort: the send already succeeded. 0 when started. */
static int
smtp_copy(struct smtp_op *op)
{
	struct smtp *sm = op->sm;
	struct net_mail_request mr;

	memset(&mr, 0, sizeof mr);
	mr.url = sm->sent_url;
	mr.username = sm->sent.username;
	mr.password = sm->sent.password;
	mr.starttls = sm->sent.starttls;
	mr.ca_file = sm->sent.ca_file;
	mr.upload = op->raw;
	mr.upload_len = op->len;
	op->append = 1;
	op->req = net_mail(sm->p->env.net, &mr, smtp_copied, op, NULL);
	return op->req != 0 ? 0 : -1;
}

static void
smtp_copied(void *arg, const struct net_mail_response *r)
{
	struct smtp_op *op = arg;
	struct provider_result res;

	/*
	 * Whatever became of the copy, the send succeeded: a missing copy
	 * only shows as the message absent from the Sent folder of other
	 * mail clients.
	 */
	(void)r;
	memset(&res, 0, sizeof res);
	res.outcome = PROVIDER_OK;
	res.provider_id = op->msgid;
	res.status = HARK_ST_SENT;
	res.retry_after_ms = -1;
	res.at = op->sent_at;
	smtp_deliver(op, &res);
}

static void
smtp_op_unlink(struct smtp_op *op)
{
	struct smtp *sm = op->sm;

	if (sm == NULL)
		return;
	if (op->prev != NULL)
		op->prev->next = op->next;
	else if (sm->ops == op)
		sm->ops = op->next;
	if (op->next != NULL)
		op->next->prev = op->prev;
	op->prev = op->next = NULL;
}

static void
smtp_op_free(struct smtp_op *op)
{
	smtp_op_unlink(op);
	free(op->msgid);
	free(op->raw);
	free(op);
}
