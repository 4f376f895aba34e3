/*
 * outbox.c — composing, the durable outbox and its worker.
 *
 * A send is written (message + job) before anything leaves the machine. The
 * owner claims a due job (state inflight, committed), hands it to the
 * provider, and records the answer in one transaction. A crash between the
 * claim and the record leaves the job inflight: at the next start
 * outbox_reconcile asks the provider by idempotency key whether it has the
 * message, and only resends when the provider says it never saw it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "engine_int.h"

#define OUTBOX_MAX_WAKE_MS 60000
#define OUTBOX_BATCH 64

static void outbox_fire(uv_timer_t *t);
static void outbox_sent(void *arg, const struct provider_result *r);

/* ---- checking and writing a draft ---------------------------------------------------- */

void
engine_estimate_clear(struct engine_estimate *est)
{
	free(est->to);
	est->to = NULL;
	free(est->note);
	est->note = NULL;
}

static const char *
outbox_from(const struct config_account *a, enum hark_channel ch)
{
	switch (ch) {
	case HARK_CH_EMAIL:
		return a->from_email;
	case HARK_CH_WHATSAPP:
		return a->from_whatsapp != NULL ? a->from_whatsapp : a->from_phone;
	default:
		return a->from_phone;
	}
}

/* The contact's address for a channel, newly allocated, or NULL with cause. */
static char *
outbox_contact_address(struct engine *e, int64_t contact_id, enum hark_channel ch,
    char **cause)
{
	struct store_contact c;
	enum store_id_kind kind = store_id_kind_for(ch);
	char *addr = NULL;
	int i;

	memset(&c, 0, sizeof c);
	if (store_contact_get(e->st, contact_id, &c, cause) != 0)
		return NULL;
	for (i = 0; i < c.nids && addr == NULL; i++) {
		if (c.ids[i].kind == kind)
			addr = xstrdup(c.ids[i].address);
	}
	/* WhatsApp reaches a person's mobile number when no separate one is known. */
	for (i = 0; i < c.nids && addr == NULL && ch == HARK_CH_WHATSAPP; i++) {
		if (c.ids[i].kind == STORE_ID_PHONE)
			addr = xstrdup(c.ids[i].address);
	}
	if (addr == NULL)
		set_cause(cause, "%s has no %s address for %s", c.name,
		    store_id_kind_name(kind), hark_channel_name(ch));
	store_contact_clear(&c);
	return addr;
}

/*
 * WhatsApp delivers free text only within 24 hours of the contact's last
 * message; outside that window only approved templates (a Content SID).
 */
static int
outbox_wa_window(struct engine *e, const struct engine_draft *d,
    struct engine_estimate *est, char **cause)
{
	int64_t contact = d->contact_id, last = 0, now = hark_now_ms();
	char ago[32];

	if (contact <= 0 && store_contact_by_address(e->st, STORE_ID_WHATSAPP,
	    est->to, &contact, NULL) != 1 && store_contact_by_address(e->st,
	    STORE_ID_PHONE, est->to, &contact, NULL) != 1)
		contact = 0;
	if (contact > 0 && store_last_inbound(e->st, contact, HARK_CH_WHATSAPP,
	    &last, cause) != 0)
		return -1;
	est->wa_window_until = last > 0 && last + ENGINE_WA_WINDOW_MS > now ?
	    last + ENGINE_WA_WINDOW_MS : -1;
	if (est->wa_window_until > 0 || d->content_sid != NULL)
		return 0;
	if (last > 0) {
		time_format_relative(last, now, ago, sizeof ago);
		set_cause(cause, "the WhatsApp session window with %s is closed "
		    "(their last WhatsApp message: %s); outside 24 hours WhatsApp "
		    "only delivers approved templates (a Content SID)", est->to, ago);
	} else {
		set_cause(cause, "%s has never written on WhatsApp, so there is no "
		    "session window; WhatsApp only delivers approved templates "
		    "(a Content SID) until they do", est->to);
	}
	return -1;
}

/* The user's own phone, rung first by click-to-call. */
static const char *
outbox_agent_phone(const struct engine *e, const struct provider *p)
{
	const char *mine = config_account_get(p->env.acct, "my_phone");

	return mine != NULL ? mine : e->cfg->identity_phone;
}

int
engine_check(struct engine *e, const struct engine_draft *d,
    struct engine_estimate *est, char **cause)
{
	struct provider_send req;
	struct provider *p;

	memset(est, 0, sizeof *est);
	if (d->content_sid == NULL && d->nmedia == 0 && (d->body == NULL ||
	    d->body[strspn(d->body, " \t\r\n")] == '\0')) {
		set_cause(cause, "the message is empty");
		return -1;
	}
	p = engine_provider_for(e, d->account, NULL, d->channel);
	if (p == NULL) {
		if (d->account != NULL)
			set_cause(cause, "account '%s' cannot send %s (or does not "
			    "exist)", d->account, hark_channel_name(d->channel));
		else
			set_cause(cause, "no account can send %s: add an [account] "
			    "to %s (see hark(1), ACCOUNTS)",
			    hark_channel_name(d->channel),
			    e->cfg->path ? e->cfg->path : "~/.config/hark/config");
		return -1;
	}
	if (d->to != NULL)
		est->to = addr_normalize(d->channel, d->to, e->cfg->default_region,
		    cause);
	else if (d->contact_id > 0)
		est->to = outbox_contact_address(e, d->contact_id, d->channel, cause);
	else
		set_cause(cause, "no recipient");
	if (est->to == NULL)
		return -1;
	/* Opt-out (with its date), quiet hours and cap: route.c. */
	if (route_check(e, d, est, cause) != 0) {
		engine_estimate_clear(est);
		return -1;
	}
	if (d->channel == HARK_CH_WHATSAPP && (p->caps & PROVIDER_CAP_WA_WINDOW) &&
	    outbox_wa_window(e, d, est, cause) != 0) {
		engine_estimate_clear(est);
		return -1;
	}
	if (d->channel == HARK_CH_VOICE && p->ops->call != NULL &&
	    outbox_agent_phone(e, p) == NULL) {
		set_cause(cause, "click-to-call rings your own phone first: set "
		    "my_phone in [account %s] or phone in [identity]", p->account);
		engine_estimate_clear(est);
		return -1;
	}
	est->account = p->account;
	if (d->channel == HARK_CH_SMS && d->body != NULL)
		sms_analyze(d->body, strlen(d->body), &est->sms);
	if (p->ops->estimate != NULL) {
		memset(&req, 0, sizeof req);
		req.channel = d->channel;
		req.to = est->to;
		req.subject = d->subject;
		req.body = d->body;
		req.media_urls = d->media_urls;
		req.nmedia = d->nmedia;
		req.content_sid = d->content_sid;
		est->has_price = p->ops->estimate(p, &req, &est->price,
		    &est->sms.segments) == 0;
	}
	return 0;
}

static char *
outbox_new_key(struct engine *e)
{
	return xasprintf("hark-%016llx%016llx", (unsigned long long)engine_rand(e),
	    (unsigned long long)engine_rand(e));
}

/* Without <>, the form parsed mail gives, so one lookup finds either; the
 * providers add them where a header is written (mime_bracket_list). */
static char *
outbox_message_id(struct engine *e, const char *from)
{
	const char *at = from != NULL ? strchr(from, '@') : NULL;

	return xasprintf("hark.%lld.%08llx@%s", (long long)hark_now_ms(),
	    (unsigned long long)(engine_rand(e) & 0xffffffffULL),
	    at != NULL ? at + 1 : "hark.localhost");
}

/* What a message carries besides its row: template, media, the call. */
static int
outbox_extras(struct engine *e, int64_t id, const struct engine_draft *d,
    char **cause)
{
	struct store_attachment a;
	int i;

	if (d->content_sid != NULL && store_message_content_set(e->st, id,
	    d->content_sid, d->content_vars, cause) != 0)
		return -1;
	if (engine_mail_out_save(e, id, d, cause) != 0)
		return -1;
	if (d->template_version_id > 0 && store_message_template_set(e->st, id,
	    d->template_version_id, d->variant, cause) != 0)
		return -1;
	for (i = 0; i < d->nmedia; i++) {
		memset(&a, 0, sizeof a);
		a.message_id = id;
		a.url = (char *)d->media_urls[i];
		a.size = -1;
		if (store_attachment_add(e->st, &a, NULL, cause) != 0)
			return -1;
	}
	if (d->channel == HARK_CH_VOICE && store_call_update(e->st, id, "queued",
	    -1, NULL, 0, cause) < 0)
		return -1;
	return 0;
}

int
engine_send(struct engine *e, const struct engine_draft *d, int64_t *message_id,
    char **cause)
{
	struct engine_estimate est;
	struct store_message m;
	struct provider *p;
	char *key, *msgid = NULL, *irt = NULL, *refs = NULL;
	int64_t now = hark_now_ms(), run_at, contact_id = d->contact_id;
	int created, rc;

	if (engine_check(e, d, &est, cause) != 0)
		return -1;
	if (engine_mail_out_check(d, cause) != 0) {
		engine_estimate_clear(&est);
		return -1;
	}
	p = engine_provider_for(e, est.account, NULL, d->channel);
	if (contact_id <= 0 && store_contact_ensure(e->st,
	    store_id_kind_for(d->channel), est.to, NULL, &contact_id, &created,
	    cause) != 0) {
		engine_estimate_clear(&est);
		return -1;
	}
	run_at = d->send_at > now ? d->send_at : now;
	if (est.held_until > run_at)
		run_at = est.held_until; /* quiet hours or the cap: held */
	memset(&m, 0, sizeof m);
	m.contact_id = contact_id;
	m.channel = d->channel;
	m.direction = HARK_DIR_OUT;
	m.provider = (char *)p->ops->name;
	m.from_addr = (char *)outbox_from(p->env.acct, d->channel);
	if (m.from_addr == NULL)
		m.from_addr = "";
	m.to_addr = est.to;
	m.subject = (char *)d->subject;
	m.body = (char *)d->body;
	m.status = run_at > now ? HARK_ST_SCHEDULED : HARK_ST_QUEUED;
	m.has_price = 0;
	if (d->channel == HARK_CH_SMS) {
		m.segments = est.sms.segments;
		m.encoding = (char *)sms_encoding_name(est.sms.encoding);
	}
	m.created_at = now;
	m.scheduled_at = run_at > now ? run_at : 0;
	m.seen = 1;
	if (d->channel == HARK_CH_EMAIL) {
		m.message_id = msgid = outbox_message_id(e, m.from_addr);
		/* An answer to their last email threads under it. */
		engine_mail_reply_ids(e, contact_id, &irt, &refs);
		m.in_reply_to = irt;
		m.refs = refs;
	}
	if (m.body == NULL)
		m.body = "";
	key = d->idempotency_key ? xstrdup(d->idempotency_key) : outbox_new_key(e);
	rc = store_begin(e->st, cause);
	if (rc == 0)
		rc = store_outbox_enqueue(e->st, &m, run_at, key, message_id, cause);
	if (rc == 1 && outbox_extras(e, *message_id, d, cause) != 0)
		rc = -1;
	if (rc == 1 && route_enqueued(e, *message_id, contact_id, d, &est, run_at,
	    cause) != 0)
		rc = -1;
	if (rc < 0 || store_commit(e->st, cause) != 0) {
		store_rollback(e->st);
		rc = -1;
	}
	free(key);
	free(msgid);
	free(irt);
	free(refs);
	engine_estimate_clear(&est);
	if (rc < 0)
		return -1;
	if (rc == 1)
		engine_publish(e, "message-added", *message_id, contact_id, NULL);
	outbox_kick(e);
	return 0;
}

int
engine_cancel(struct engine *e, int64_t message_id, char **cause)
{
	struct store_message m;
	int rc;

	rc = store_job_cancel(e->st, message_id, hark_now_ms(), cause);
	if (rc == 1) {
		memset(&m, 0, sizeof m);
		if (store_message_get(e->st, message_id, &m, NULL) == 0) {
			engine_publish(e, "status-changed", message_id, m.contact_id,
			    "canceled");
			store_message_clear(&m);
		}
	} else if (rc == 0)
		set_cause(cause, "message %lld has already gone out",
		    (long long)message_id);
	return rc;
}

/* ---- the worker ------------------------------------------------------------------------------- */

void
outbox_kick(struct engine *e)
{
	if (e->lock_fd >= 0)
		uv_timer_start(&e->outbox_timer, outbox_fire, 0, 0);
}

static void
outbox_fire(uv_timer_t *t)
{
	outbox_run(t->data);
}

static void
outbox_schedule(struct engine *e)
{
	int64_t at, delay;

	if (store_job_next_due(e->st, &at, NULL) != 1)
		return;
	delay = at - hark_now_ms();
	if (delay < 0)
		delay = 0;
	if (delay > OUTBOX_MAX_WAKE_MS)
		delay = OUTBOX_MAX_WAKE_MS;
	/* Due jobs beyond our capacity wait for a completion to call us. */
	if (delay == 0 && e->inflight >= e->max_inflight)
		return;
	/* Due jobs that wait for the account's pace (route.c). */
	if (delay == 0 && e->pace_wait > 0)
		delay = e->pace_wait;
	uv_timer_start(&e->outbox_timer, outbox_fire, (uint64_t)delay, 0);
}

struct due_list {
	struct store_job jobs[OUTBOX_BATCH];
	int n;
};

static int
outbox_collect(void *arg, const struct store_job *j)
{
	struct due_list *l = arg;
	struct store_job *c = &l->jobs[l->n++];

	*c = *j;
	c->last_error = NULL;
	c->idempotency_key = xstrdup(j->idempotency_key);
	return l->n == OUTBOX_BATCH;
}

/* Finishes a send that could not even start, in its own transaction. */
static void
outbox_fail_now(struct engine *e, int64_t job_id, int64_t message_id,
    const char *error)
{
	struct store_message m;
	int64_t now = hark_now_ms();

	if (store_begin(e->st, NULL) != 0)
		return;
	store_message_set_status(e->st, message_id, HARK_ST_FAILED, NULL, error,
	    now, NULL);
	store_job_finish(e->st, job_id, STORE_JOB_FAILED, error, now, NULL);
	if (store_commit(e->st, NULL) != 0) {
		store_rollback(e->st);
		return;
	}
	memset(&m, 0, sizeof m);
	if (store_message_get(e->st, message_id, &m, NULL) == 0) {
		engine_publish(e, "status-changed", message_id, m.contact_id, "failed");
		store_message_clear(&m);
	}
}

struct outbox_media_list {
	char **urls;
	int n;
};

static int
outbox_media(void *arg, const struct store_attachment *a)
{
	struct outbox_media_list *l = arg;

	if (a->url == NULL)
		return 0;
	l->urls = xreallocarray(l->urls, (size_t)l->n + 1, sizeof *l->urls);
	l->urls[l->n++] = xstrdup(a->url);
	return 0;
}

static void
outbox_media_free(struct outbox_media_list *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->urls[i]);
	free(l->urls);
}

/* A call is recorded only when the account asks and the contact agreed. */
static int
outbox_record_call(struct engine *e, const struct provider *p, int64_t contact_id)
{
	const char *rec = config_account_get(p->env.acct, "record");
	struct store_contact c;
	const cJSON *v;
	cJSON *fields;
	int yes = 0;

	if (rec == NULL || strcmp(rec, "yes") != 0)
		return 0;
	memset(&c, 0, sizeof c);
	if (store_contact_get(e->st, contact_id, &c, NULL) != 0)
		return 0;
	if ((fields = cJSON_Parse(c.fields ? c.fields : "{}")) != NULL) {
		v = cJSON_GetObjectItemCaseSensitive(fields, "recording_consent");
		yes = cJSON_IsString(v) && strcmp(v->valuestring, "yes") == 0;
		cJSON_Delete(fields);
	}
	store_contact_clear(&c);
	return yes;
}

static void outbox_sent(void *arg, const struct provider_result *r);
static void outbox_checked(void *arg, int found, const struct provider_result *r);

/*
 * Hands a claimed job to its provider: a send, or a click-to-call. A retry
 * (attempt 2 and later) first asks a provider that can be asked whether the
 * last attempt arrived after all — a timeout or a 5xx may hide an accepted
 * message, and sending it again would reach the recipient twice.
 * Returns 0 when a callback will come, -1 (op not started) with cause.
 */
static int
outbox_dispatch(struct engine *e, struct outbox_op *op, const struct store_job *j,
    const struct store_message *m, int check_first, char **cause)
{
	struct provider_send req;
	struct provider_call call;
	struct outbox_media_list media = { NULL, 0 };
	struct engine_mail_out mail;
	struct provider *p;
	char *content_sid = NULL, *content_vars = NULL;
	int rc;

	p = engine_provider_for(e, NULL, m->provider, m->channel);
	if (p == NULL) {
		set_cause(cause, "no configured account uses provider '%s' for %s",
		    m->provider, hark_channel_name(m->channel));
		return -1;
	}
	memset(&req, 0, sizeof req);
	req.message_id = m->id;
	req.idempotency_key = j->idempotency_key;
	req.channel = m->channel;
	req.from = m->from_addr[0] != '\0' ? m->from_addr : NULL;
	req.to = m->to_addr;
	req.subject = m->subject;
	req.body = m->body;
	req.message_id_hdr = m->message_id;
	req.in_reply_to = m->in_reply_to;
	req.refs = m->refs;
	req.started_at = j->started_at;
	store_attachments_each(e->st, m->id, outbox_media, &media, NULL);
	req.media_urls = (const char *const *)media.urls;
	req.nmedia = media.n;
	store_message_content_get(e->st, m->id, &content_sid, &content_vars, NULL);
	req.content_sid = content_sid;
	req.content_vars = content_vars;
	engine_mail_out_load(e, m->id, &mail);
	req.html = mail.html;
	req.attachments = mail.att;
	req.nattachments = mail.n;
	if (check_first && j->attempts > 1 && (p->caps & PROVIDER_CAP_LOOKUP) &&
	    m->channel != HARK_CH_VOICE) {
		rc = p->ops->lookup(p, &req, outbox_checked, op, cause);
	} else if (m->channel == HARK_CH_VOICE && p->ops->call != NULL) {
		memset(&call, 0, sizeof call);
		call.message_id = m->id;
		call.idempotency_key = j->idempotency_key;
		call.agent = outbox_agent_phone(e, p);
		call.to = m->to_addr;
		call.from = req.from;
		call.record = outbox_record_call(e, p, m->contact_id);
		if (call.agent == NULL) {
			set_cause(cause, "no phone of yours to ring first: set my_phone");
			rc = -1;
		} else {
			rc = p->ops->call(p, &call, outbox_sent, op, cause);
		}
	} else {
		rc = p->ops->send(p, &req, outbox_sent, op, cause);
	}
	outbox_media_free(&media);
	engine_mail_out_clear(&mail);
	free(content_sid);
	free(content_vars);
	return rc;
}

static void
outbox_start_job(struct engine *e, const struct store_job *j,
    const struct store_message *m)
{
	struct outbox_op *op;
	char *cause = NULL;

	op = xcalloc(1, sizeof *op);
	op->e = e;
	op->job_id = j->id;
	op->message_id = m->id;
	op->attempt = j->attempts;
	if (outbox_dispatch(e, op, j, m, 1, &cause) != 0) {
		outbox_fail_now(e, j->id, m->id, cause);
		free(cause);
		free(op);
		return;
	}
	op->next = e->ops;
	if (e->ops != NULL)
		e->ops->prev = op;
	e->ops = op;
	e->inflight++;
}

/* The answer to "did the last attempt arrive?" before a retry. */
static void
outbox_checked(void *arg, int found, const struct provider_result *r)
{
	struct outbox_op *op = arg;
	struct engine *e = op->e;
	struct provider_result res;
	struct store_message m;
	struct store_job j;
	char *cause = NULL;

	if (found == 1) {
		outbox_sent(op, r); /* it had arrived: record, do not resend */
		return;
	}
	memset(&res, 0, sizeof res);
	res.outcome = PROVIDER_TRANSIENT;
	res.retry_after_ms = -1;
	if (found < 0) {
		cause = xasprintf("could not ask the provider whether the last "
		    "attempt arrived (%s); asking again before resending",
		    r != NULL && r->error_text ? r->error_text : "no answer");
		res.error_text = cause;
		outbox_sent(op, &res);
		free(cause);
		return;
	}
	/* It never arrived: sending now is safe. */
	memset(&m, 0, sizeof m);
	memset(&j, 0, sizeof j);
	if (store_message_get(e->st, op->message_id, &m, NULL) != 0 ||
	    store_job_get_by_message(e->st, op->message_id, &j, NULL) != 0 ||
	    outbox_dispatch(e, op, &j, &m, 0, &cause) != 0) {
		res.error_text = cause != NULL ? cause : "the message could not be read";
		outbox_sent(op, &res);
	}
	free(cause);
	store_message_clear(&m);
	store_job_clear(&j);
}

void
outbox_run(struct engine *e)
{
	struct due_list *due;
	struct store_job *j;
	struct store_message m;
	int64_t now = hark_now_ms();
	int i, room = e->max_inflight - e->inflight;

	if (e->lock_fd < 0 || room <= 0)
		return;
	due = xcalloc(1, sizeof *due);
	if (store_jobs_due(e->st, now, room < OUTBOX_BATCH ? room : OUTBOX_BATCH,
	    outbox_collect, due, NULL) != 0)
		due->n = 0;
	e->pace_wait = 0;
	for (i = 0; i < due->n; i++) {
		j = &due->jobs[i];
		memset(&m, 0, sizeof m);
		/* Read once, for route.c's checks (opted out since, quiet
		 * hours, the cap, the pace) and for the send itself. */
		if (store_message_get(e->st, j->message_id, &m, NULL) == 0 &&
		    route_due(e, j, &m, now) == 0 &&
		    store_job_start(e->st, j->id, now, NULL) == 1) {
			j->attempts++;
			engine_publish(e, "status-changed", m.id, m.contact_id,
			    "sending");
			outbox_start_job(e, j, &m);
		}
		store_message_clear(&m);
		store_job_clear(j);
	}
	free(due);
	outbox_schedule(e);
}

/* ---- results ------------------------------------------------------------------------------------ */

static void
outbox_op_unlink(struct engine *e, struct outbox_op *op)
{
	if (op->prev != NULL)
		op->prev->next = op->next;
	else
		e->ops = op->next;
	if (op->next != NULL)
		op->next->prev = op->prev;
	e->inflight--;
}

static char *
outbox_error_text(const struct provider_result *r)
{
	if (r->error_code != NULL && r->error_text != NULL)
		return xasprintf("%s (%s)", r->error_text, r->error_code);
	if (r->error_text != NULL)
		return xstrdup(r->error_text);
	if (r->error_code != NULL)
		return xasprintf("error %s", r->error_code);
	return xstrdup("the provider refused the message");
}

/* Records an accepted send: provider id, price, status; the job is done. */
static int
outbox_record_ok(struct engine *e, int64_t job_id, int64_t message_id,
    const struct provider_result *r, int64_t now)
{
	enum hark_status st = r->status;

	if (store_message_set_accepted(e->st, message_id, r->provider_id,
	    r->has_price ? &r->price : NULL, r->segments, NULL) != 0)
		return -1;
	if (hark_status_rank(st) <= hark_status_rank(HARK_ST_SENDING))
		st = HARK_ST_SENDING;
	/* An accepted send carries no error, except an uncertain one: why. */
	if (store_message_set_status(e->st, message_id, st,
	    st == HARK_ST_UNCERTAIN ? r->error_code : NULL,
	    st == HARK_ST_UNCERTAIN ? r->error_text : NULL,
	    r->at > 0 ? r->at : now, NULL) < 0)
		return -1;
	return store_job_finish(e->st, job_id, STORE_JOB_DONE, NULL, now, NULL);
}

/* The provider says the recipient unsubscribed: never send to them again. */
static int
outbox_provider_optout(struct engine *e, int64_t message_id, const char *text,
    int64_t now)
{
	struct store_message m;
	int rc;

	memset(&m, 0, sizeof m);
	if (store_message_get(e->st, message_id, &m, NULL) != 0)
		return -1;
	rc = store_optout_set(e->st, m.channel, m.to_addr, "provider", text, now,
	    NULL);
	store_message_clear(&m);
	return rc;
}

static int
outbox_record_failure(struct engine *e, struct outbox_op *op,
    const struct provider_result *r, int64_t now, int *final)
{
	char *text = outbox_error_text(r), *msg, *said;
	const char *words;
	int64_t delay;
	int rc;

	*final = r->outcome == PROVIDER_PERMANENT ||
	    op->attempt >= e->retry.max_attempts;
	if (!*final) {
		delay = backoff_delay_ms(&e->retry, op->attempt, engine_rand(e),
		    r->retry_after_ms);
		/* No answer at all: the provider may still create it; asking
		 * too soon would find nothing and send it twice. */
		if (r->error_code == NULL && r->retry_after_ms < 0 &&
		    delay < e->unanswered_ms)
			delay = e->unanswered_ms;
		msg = xasprintf("%s; attempt %d of %d, next in %llds", text,
		    op->attempt, e->retry.max_attempts,
		    (long long)((delay + 999) / 1000));
		rc = store_job_retry(e->st, op->job_id, now + delay, msg, now, NULL);
		free(msg);
		free(text);
		return rc;
	}
	/*
	 * The message keeps the provider's code in a field of its own, which
	 * every reader shows beside the text: its text is the provider's words
	 * alone. The job's last error (a log line) carries both.
	 */
	words = r->error_text != NULL ? r->error_text : r->error_code == NULL ?
	    "the provider refused the message" : NULL;
	if (r->outcome != PROVIDER_PERMANENT) {
		msg = xasprintf("gave up after %d attempts: %s", op->attempt, text);
		said = xasprintf("gave up after %d attempts: %s", op->attempt,
		    words != NULL ? words : text);
		free(text);
		text = msg;
	} else {
		said = words != NULL ? xstrdup(words) : NULL;
	}
	rc = store_message_set_status(e->st, op->message_id, HARK_ST_FAILED,
	    r->error_code, said, now, NULL) < 0 ? -1 : 0;
	free(said);
	if (rc == 0 && r->error_code != NULL && strcmp(r->error_code, "21610") == 0)
		rc = outbox_provider_optout(e, op->message_id, text, now);
	if (rc == 0)
		rc = store_job_finish(e->st, op->job_id, STORE_JOB_FAILED, text, now,
		    NULL);
	free(text);
	return rc;
}

static void
outbox_sent(void *arg, const struct provider_result *r)
{
	struct outbox_op *op = arg;
	struct engine *e = op->e;
	struct store_message m;
	int64_t now = hark_now_ms();
	int rc, final = 1;

	outbox_op_unlink(e, op);
	if (store_begin(e->st, NULL) == 0) {
		if (r->outcome == PROVIDER_OK)
			rc = outbox_record_ok(e, op->job_id, op->message_id, r, now);
		else
			rc = outbox_record_failure(e, op, r, now, &final);
		if (rc != 0 || store_commit(e->st, NULL) != 0)
			store_rollback(e->st);
	}
	/*
	 * If the record could not be written (disk full, database locked) the
	 * job stays inflight: the next start reconciles it with the provider,
	 * which is exactly the crash case.
	 */
	memset(&m, 0, sizeof m);
	if (store_message_get(e->st, op->message_id, &m, NULL) == 0) {
		engine_publish(e, "status-changed", m.id, m.contact_id,
		    hark_status_name(m.status));
		store_message_clear(&m);
	}
	free(op);
	outbox_kick(e);
}

/* ---- reconciliation after a crash ------------------------------------------------------------------ */

struct reconcile_op {
	struct engine *e;
	int64_t job_id;
	int64_t message_id;
};

static void
outbox_reconciled(void *arg, int found, const struct provider_result *r)
{
	struct reconcile_op *op = arg;
	struct engine *e = op->e;
	int64_t now = hark_now_ms();
	int rc = -1;

	e->reconciling--;
	if (store_begin(e->st, NULL) == 0) {
		if (found == 1)
			rc = outbox_record_ok(e, op->job_id, op->message_id, r, now);
		else if (found == 0)
			/* The provider never saw it: sending is safe. */
			rc = store_job_retry(e->st, op->job_id, now,
			    "resent after restart: the provider had not received it",
			    now, NULL);
		else
			rc = store_message_set_status(e->st, op->message_id,
			    HARK_ST_UNCERTAIN, NULL, r->error_text, now, NULL) < 0 ||
			    store_job_finish(e->st, op->job_id, STORE_JOB_UNCERTAIN,
			    r->error_text, now, NULL) != 0 ? -1 : 0;
		if (rc != 0 || store_commit(e->st, NULL) != 0)
			store_rollback(e->st);
	}
	engine_publish(e, "status-changed", op->message_id, 0, NULL);
	free(op);
	if (e->reconciling == 0)
		engine_poll_now(e);
	outbox_kick(e);
}

static void
outbox_mark_uncertain(struct engine *e, const struct store_job *j)
{
	static const char why[] = "hark stopped while sending this and the "
	    "provider cannot be asked whether it arrived; check with the "
	    "recipient, then resend or cancel it";
	int64_t now = hark_now_ms();

	if (store_begin(e->st, NULL) != 0)
		return;
	if (store_message_set_status(e->st, j->message_id, HARK_ST_UNCERTAIN,
	    NULL, why, now, NULL) < 0 || store_job_finish(e->st, j->id,
	    STORE_JOB_UNCERTAIN, why, now, NULL) != 0 ||
	    store_commit(e->st, NULL) != 0)
		store_rollback(e->st);
}

static int
outbox_reconcile_one(void *arg, const struct store_job *j)
{
	struct engine *e = arg;
	struct store_message m;
	struct reconcile_op *op;
	struct provider *p = NULL;
	struct provider_send req;

	memset(&m, 0, sizeof m);
	if (store_message_get(e->st, j->message_id, &m, NULL) == 0)
		p = engine_provider_for(e, NULL, m.provider, m.channel);
	if (p == NULL || (p->caps & PROVIDER_CAP_LOOKUP) == 0) {
		outbox_mark_uncertain(e, j);
		store_message_clear(&m);
		return 0;
	}
	op = xcalloc(1, sizeof *op);
	op->e = e;
	op->job_id = j->id;
	op->message_id = j->message_id;
	memset(&req, 0, sizeof req);
	req.message_id = m.id;
	req.idempotency_key = j->idempotency_key;
	req.channel = m.channel;
	req.from = m.from_addr;
	req.to = m.to_addr;
	req.subject = m.subject;
	req.body = m.body;
	req.message_id_hdr = m.message_id;
	req.started_at = j->started_at;
	if (p->ops->lookup(p, &req, outbox_reconciled, op, NULL) == 0)
		e->reconciling++;
	else {
		free(op);
		outbox_mark_uncertain(e, j);
	}
	store_message_clear(&m);
	return 0;
}

void
outbox_reconcile(struct engine *e)
{
	store_jobs_in_state(e->st, STORE_JOB_INFLIGHT, outbox_reconcile_one, e, NULL);
}
