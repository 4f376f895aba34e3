/*
 * sandbox.c — a built-in provider that behaves like a real one, with no
 * account and no network: sends are accepted after a short latency, then
 * move queued → sent → delivered (→ read on WhatsApp) over a few seconds;
 * documented addresses fail in fixed ways (provider.h); demo personas answer.
 *
 * The sandbox keeps its own record of what it accepted in sandbox.db under
 * the state directory, as a remote service would: a crash of hark never
 * loses what the "service" saw, lookups by idempotency key reconcile a send
 * that was in flight, and tests count exactly how often each message was
 * accepted. It deliberately does not deduplicate by idempotency key (Twilio
 * does not either): a second send of the same message is a second message.
 */

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "hark/config.h"
#include "hark/provider.h"

#define SB_SENT_AFTER_MS 300
#define SB_FINAL_AFTER_MS 1200
#define SB_READ_AFTER_MS 3000
#define SB_FLAKY_FAILURES 2

enum sb_kind { SB_SEND, SB_LOOKUP, SB_POLL };

struct sandbox;

/* One operation waiting for its simulated latency. */
struct sb_op {
	uv_timer_t timer;
	struct sandbox *sb;       /* NULL once the sandbox is closed */
	enum sb_kind kind;
	struct provider_send req; /* copies, owned */
	char *key;                /* lookup key */
	union {
		provider_send_cb send;
		provider_lookup_cb lookup;
		void (*poll)(void *, const char *);
	} cb;
	void *arg;
	struct sb_op *prev, *next;
};

struct sandbox {
	struct provider *p;
	sqlite3 *db;
	uint64_t rng;
	struct sb_op *ops;
};

static int sb_open(struct provider *, char **);
static void sb_close(struct provider *);
static int sb_send(struct provider *, const struct provider_send *,
    provider_send_cb, void *, char **);
static int sb_poll(struct provider *, void (*)(void *, const char *), void *,
    char **);
static int sb_lookup(struct provider *, const struct provider_send *,
    provider_lookup_cb, void *, char **);
static int sb_estimate(struct provider *, const struct provider_send *,
    struct hark_money *, int *);

const struct provider_ops provider_sandbox_ops = {
	.name = "sandbox",
	.channels = (1u << HARK_CH_SMS) | (1u << HARK_CH_WHATSAPP) |
	    (1u << HARK_CH_EMAIL) | (1u << HARK_CH_VOICE),
	.caps = PROVIDER_CAP_LOOKUP | PROVIDER_CAP_POLL,
	.open = sb_open,
	.close = sb_close,
	.send = sb_send,
	.poll = sb_poll,
	.lookup = sb_lookup,
	.estimate = sb_estimate,
};

static const char sb_schema[] =
	"PRAGMA journal_mode=WAL;"
	"CREATE TABLE IF NOT EXISTS accepted ("
	"  sid TEXT PRIMARY KEY, idem TEXT NOT NULL, channel TEXT NOT NULL,"
	"  from_addr TEXT, to_addr TEXT NOT NULL, subject TEXT, body TEXT,"
	"  segments INTEGER, price INTEGER, accepted_at INTEGER NOT NULL,"
	"  outcome TEXT NOT NULL, reported TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX IF NOT EXISTS accepted_idem ON accepted(idem);"
	"CREATE INDEX IF NOT EXISTS accepted_open ON accepted(done) WHERE done = 0;"
	"CREATE TABLE IF NOT EXISTS attempts (idem TEXT PRIMARY KEY, n INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS inbound ("
	"  sid TEXT PRIMARY KEY, channel TEXT NOT NULL, from_addr TEXT NOT NULL,"
	"  to_addr TEXT, subject TEXT, body TEXT NOT NULL, due_at INTEGER NOT NULL,"
	"  in_reply_to TEXT, reported INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX IF NOT EXISTS inbound_due ON inbound(reported, due_at);";

/* What demo personas say back; picked by a hash so a run is repeatable. */
static const char *const sb_replies[] = {
	"Thanks! That works for me.",
	"Can we do Thursday instead?",
	"What would the total be with delivery?",
	"Got it, I'll send the documents tonight.",
	"Is there any flexibility on the price?",
	"Perfect, see you then 👍",
	"Could you call me after 5pm?",
	"Sorry, who is this?",
	"Yes please, book it in.",
	"Not interested at the moment, maybe next month.",
};

/* ---- helpers ------------------------------------------------------------------ */

static uint64_t
sb_rand(struct sandbox *sb)
{
	/* xorshift64*: enough to spread latencies, not for secrets. */
	sb->rng ^= sb->rng >> 12;
	sb->rng ^= sb->rng << 25;
	sb->rng ^= sb->rng >> 27;
	return sb->rng * 0x2545F4914F6CDD1DULL;
}

static uint64_t
sb_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; s != NULL && *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int
sb_exec(struct sandbox *sb, const char *sql, char **cause)
{
	char *err = NULL;

	if (sqlite3_exec(sb->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		set_cause(cause, "sandbox: %s", err ? err : sqlite3_errmsg(sb->db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static int
sb_is_persona(const char *addr)
{
	size_t n = strlen(addr);

	if (strncmp(addr, "+141555501", 10) == 0 && n == 12)
		return 1;
	return n > 15 && strcmp(addr + n - 15, "@demo.hark.test") == 0;
}

/* The fixed behaviour of documented addresses. */
enum sb_rule { SB_OK, SB_INVALID, SB_OPTED_OUT, SB_LANDLINE, SB_FLAKY, SB_BOUNCE,
    SB_LOST_ANSWER };

static enum sb_rule
sb_rule_for(const char *to)
{
	if (strcmp(to, "+15005550001") == 0 ||
	    strcmp(to, "invalid@sandbox.hark.test") == 0)
		return SB_INVALID;
	if (strcmp(to, "+15005550004") == 0)
		return SB_OPTED_OUT;
	if (strcmp(to, "+15005550009") == 0)
		return SB_LANDLINE;
	if (strcmp(to, "+15005550500") == 0 ||
	    strcmp(to, "flaky@sandbox.hark.test") == 0)
		return SB_FLAKY;
	if (strcmp(to, "bounce@sandbox.hark.test") == 0)
		return SB_BOUNCE;
	if (strcmp(to, "+15005550408") == 0)
		return SB_LOST_ANSWER;
	return SB_OK;
}

static void
sb_price(const struct provider_send *req, int *segments, struct hark_money *price,
    int *has_price)
{
	struct sms_info si;

	*segments = 0;
	*has_price = 1;
	memset(price, 0, sizeof *price);
	strcpy(price->currency, "USD");
	switch (req->channel) {
	case HARK_CH_SMS:
		sms_analyze(req->body, strlen(req->body), &si);
		*segments = si.segments > 0 ? si.segments : 1;
		price->micros = (int64_t)*segments * SANDBOX_PRICE_SMS_MICROS;
		break;
	case HARK_CH_WHATSAPP:
		price->micros = SANDBOX_PRICE_WHATSAPP_MICROS;
		break;
	case HARK_CH_VOICE:
		price->micros = SANDBOX_PRICE_VOICE_MICROS;
		break;
	case HARK_CH_EMAIL:
	default:
		*has_price = 0;
		break;
	}
}

static int
sb_estimate(struct provider *p, const struct provider_send *req,
    struct hark_money *price, int *segments)
{
	int has_price;

	sb_price(req, segments, price, &has_price);
	return has_price ? 0 : -1;
}

/* ---- operations and their timers ------------------------------------------------ */

static void
sb_op_free_cb(uv_handle_t *h)
{
	struct sb_op *op = h->data;

	free((char *)op->req.from);
	free((char *)op->req.to);
	free((char *)op->req.subject);
	free((char *)op->req.body);
	free((char *)op->req.idempotency_key);
	free(op->key);
	free(op);
}

static void
sb_op_done(struct sb_op *op)
{
	struct sandbox *sb = op->sb;

	if (sb != NULL) {
		if (op->prev != NULL)
			op->prev->next = op->next;
		else
			sb->ops = op->next;
		if (op->next != NULL)
			op->next->prev = op->prev;
	}
	uv_close((uv_handle_t *)&op->timer, sb_op_free_cb);
}

/* A new operation; the caller sets op->cb before returning to the loop. */
static struct sb_op *
sb_op_new(struct sandbox *sb, enum sb_kind kind, void *arg, uv_timer_cb fire,
    uint64_t delay_ms)
{
	struct sb_op *op = xcalloc(1, sizeof *op);

	op->sb = sb;
	op->kind = kind;
	op->arg = arg;
	uv_timer_init(sb->p->env.loop, &op->timer);
	op->timer.data = op;
	op->next = sb->ops;
	if (sb->ops != NULL)
		sb->ops->prev = op;
	sb->ops = op;
	uv_timer_start(&op->timer, fire, delay_ms, 0);
	return op;
}

/* ---- send ------------------------------------------------------------------------- */

/* Counts an attempt at a flaky address; true while it should still fail. */
static int
sb_flaky_fails(struct sandbox *sb, const char *idem)
{
	sqlite3_stmt *s;
	int n = 0;

	if (sqlite3_prepare_v2(sb->db, "INSERT INTO attempts(idem, n) VALUES (?, 1)"
	    " ON CONFLICT(idem) DO UPDATE SET n = n + 1 RETURNING n", -1, &s,
	    NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, idem, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n <= SB_FLAKY_FAILURES;
}

static int
sb_record(struct sandbox *sb, const struct provider_send *req, const char *sid,
    int segments, const struct hark_money *price, int has_price, int64_t now,
    const char *outcome)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(sb->db, "INSERT INTO accepted(sid, idem, channel,"
	    " from_addr, to_addr, subject, body, segments, price, accepted_at,"
	    " outcome, reported) VALUES (?,?,?,?,?,?,?,?,?,?,?, 'queued')", -1, &s,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, sid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, req->idempotency_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, hark_channel_name(req->channel), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, req->from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, req->to, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, req->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, req->body, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 8, segments);
	if (has_price)
		sqlite3_bind_int64(s, 9, price->micros);
	sqlite3_bind_int64(s, 10, now);
	sqlite3_bind_text(s, 11, outcome, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
sb_send_fire(uv_timer_t *t)
{
	struct sb_op *op = t->data;
	struct sandbox *sb = op->sb;
	provider_send_cb cb = op->cb.send;
	struct provider_result r;
	enum sb_rule rule = sb_rule_for(op->req.to);
	const char *outcome = "delivered";
	char sid[40];

	memset(&r, 0, sizeof r);
	r.retry_after_ms = -1;
	r.at = hark_now_ms();
	if (rule == SB_INVALID) {
		r.outcome = PROVIDER_PERMANENT;
		r.error_code = "21211";
		r.error_text = "The 'To' address is not valid";
	} else if (rule == SB_OPTED_OUT) {
		r.outcome = PROVIDER_PERMANENT;
		r.error_code = "21610";
		r.error_text = "The recipient has opted out (replied STOP)";
	} else if (rule == SB_FLAKY &&
	    sb_flaky_fails(sb, op->req.idempotency_key)) {
		r.outcome = PROVIDER_TRANSIENT;
		r.error_code = "503";
		r.error_text = "Service Unavailable (sandbox flaky address)";
		r.retry_after_ms = 200;
	} else {
		if (rule == SB_LANDLINE)
			outcome = "undelivered";
		else if (rule == SB_BOUNCE)
			outcome = "failed";
		snprintf(sid, sizeof sid, "SB%016llx%08llx",
		    (unsigned long long)sb_rand(sb),
		    (unsigned long long)(sb_rand(sb) & 0xffffffffULL));
		sb_price(&op->req, &r.segments, &r.price, &r.has_price);
		if (sb_record(sb, &op->req, sid, r.segments, &r.price, r.has_price,
		    r.at, outcome) != 0) {
			r.outcome = PROVIDER_TRANSIENT;
			r.error_code = "500";
			r.error_text = "Internal Server Error (sandbox could not record)";
		} else if (rule == SB_LOST_ANSWER &&
		    sb_flaky_fails(sb, op->req.idempotency_key)) {
			/* Accepted, but the answer never came back: a timeout. */
			r.outcome = PROVIDER_TRANSIENT;
			r.error_text = "Operation timed out (sandbox: accepted, answer lost)";
			r.retry_after_ms = 200;
		} else {
			r.outcome = PROVIDER_OK;
			r.provider_id = sid;
			r.status = HARK_ST_QUEUED;
		}
	}
	sb_op_done(op);
	cb(op->arg, &r);
}

static int
sb_send(struct provider *p, const struct provider_send *req, provider_send_cb cb,
    void *arg, char **cause)
{
	struct sandbox *sb = p->priv;
	struct sb_op *op;

	if (req->to == NULL || req->body == NULL || req->idempotency_key == NULL) {
		set_cause(cause, "sandbox: a send needs an address, a body and a key");
		return -1;
	}
	/* 20–80 ms, like a nearby API. */
	op = sb_op_new(sb, SB_SEND, arg, sb_send_fire, 20 + sb_rand(sb) % 61);
	op->cb.send = cb;
	op->req = *req;
	op->req.from = xstrdup(req->from);
	op->req.to = xstrdup(req->to);
	op->req.subject = xstrdup(req->subject);
	op->req.body = xstrdup(req->body);
	op->req.idempotency_key = xstrdup(req->idempotency_key);
	op->req.message_id_hdr = op->req.in_reply_to = op->req.refs = NULL;
	return 0;
}

/* ---- lookup ------------------------------------------------------------------------- */

static void
sb_lookup_fire(uv_timer_t *t)
{
	struct sb_op *op = t->data;
	struct sandbox *sb = op->sb;
	provider_lookup_cb cb = op->cb.lookup;
	struct provider_result r;
	sqlite3_stmt *s;
	int found = -1;
	char *sid = NULL;

	memset(&r, 0, sizeof r);
	r.retry_after_ms = -1;
	if (sqlite3_prepare_v2(sb->db, "SELECT sid, segments, price, accepted_at"
	    " FROM accepted WHERE idem = ? ORDER BY accepted_at LIMIT 1", -1, &s,
	    NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, op->key, -1, SQLITE_STATIC);
		switch (sqlite3_step(s)) {
		case SQLITE_ROW:
			found = 1;
			sid = xstrdup((const char *)sqlite3_column_text(s, 0));
			r.provider_id = sid;
			r.outcome = PROVIDER_OK;
			r.status = HARK_ST_QUEUED;
			r.segments = sqlite3_column_int(s, 1);
			if (sqlite3_column_type(s, 2) != SQLITE_NULL) {
				r.has_price = 1;
				r.price.micros = sqlite3_column_int64(s, 2);
				strcpy(r.price.currency, "USD");
			}
			r.at = sqlite3_column_int64(s, 3);
			break;
		case SQLITE_DONE:
			found = 0;
			break;
		default:
			r.error_text = sqlite3_errmsg(sb->db);
			break;
		}
		sqlite3_finalize(s);
	} else
		r.error_text = sqlite3_errmsg(sb->db);
	sb_op_done(op);
	cb(op->arg, found, &r);
	free(sid);
}

static int
sb_lookup(struct provider *p, const struct provider_send *req,
    provider_lookup_cb cb, void *arg, char **cause)
{
	struct sb_op *op;

	op = sb_op_new(p->priv, SB_LOOKUP, arg, sb_lookup_fire, 5);
	op->cb.lookup = cb;
	op->key = xstrdup(req->idempotency_key);
	return 0;
}

/* ---- poll: status progression and persona replies ---------------------------------------- */

/* The status an accepted send has reached after age_ms. */
static const char *
sb_status_at(const char *channel, const char *outcome, int64_t age_ms)
{
	if (age_ms < SB_SENT_AFTER_MS)
		return "queued";
	if (age_ms < SB_FINAL_AFTER_MS)
		return "sent";
	if (strcmp(outcome, "delivered") == 0 && strcmp(channel, "whatsapp") == 0 &&
	    age_ms >= SB_READ_AFTER_MS)
		return "read";
	return outcome;
}

static void
sb_emit_status(struct sandbox *sb, const char *sid, const char *status,
    const char *channel, int64_t at)
{
	struct provider_event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = PROVIDER_EV_STATUS;
	ev.provider = "sandbox";
	ev.provider_id = sid;
	ev.at = at;
	hark_status_parse(status, &ev.status);
	if (ev.status == HARK_ST_UNDELIVERED) {
		ev.error_code = "30006";
		ev.error_text = "Landline or unreachable carrier";
	} else if (ev.status == HARK_ST_FAILED) {
		ev.error_code = strcmp(channel, "email") == 0 ? "550" : "30008";
		ev.error_text = strcmp(channel, "email") == 0 ?
		    "550 5.1.1 Mailbox unavailable" : "Unknown error";
	}
	sb->p->env.on_event(sb->p->env.event_arg, &ev);
}

static void
sb_queue_reply(struct sandbox *sb, const char *sid, const char *channel,
    const char *to, const char *from, const char *subject, int64_t now)
{
	static const char sql[] = "INSERT OR IGNORE INTO inbound(sid, channel,"
	    " from_addr, to_addr, subject, body, due_at, in_reply_to)"
	    " VALUES (?,?,?,?,?,?,?,?)";
	uint64_t h = sb_hash(sid);
	sqlite3_stmt *s;
	char rsid[48];
	char *subj = NULL;

	snprintf(rsid, sizeof rsid, "SBIN%s", sid + 2);
	if (subject != NULL)
		subj = hark_startswith(subject, "Re:") ? xstrdup(subject) :
		    xasprintf("Re: %s", subject);
	if (sqlite3_prepare_v2(sb->db, sql, -1, &s, NULL) != SQLITE_OK) {
		free(subj);
		return;
	}
	sqlite3_bind_text(s, 1, rsid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, subj, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, sb_replies[h % HARK_NELEM(sb_replies)], -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, now + 3000 + (int64_t)(h % 5000));
	sqlite3_bind_text(s, 8, sid, -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_finalize(s);
	free(subj);
}

/* Advances every open send to the status its age implies, emitting each step. */
static void
sb_poll_statuses(struct sandbox *sb, int64_t now)
{
	static const char *const steps[] = { "queued", "sent", NULL };
	sqlite3_stmt *s, *u;
	const char *sid, *ch, *outcome, *reported, *target, *to, *from, *subject;
	int64_t at;
	int i, passed, done;

	if (sqlite3_prepare_v2(sb->db, "SELECT sid, channel, outcome, reported,"
	    " accepted_at, to_addr, from_addr, subject FROM accepted WHERE done = 0",
	    -1, &s, NULL) != SQLITE_OK)
		return;
	if (sqlite3_prepare_v2(sb->db, "UPDATE accepted SET reported = ?, done = ?"
	    " WHERE sid = ?", -1, &u, NULL) != SQLITE_OK) {
		sqlite3_finalize(s);
		return;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		sid = (const char *)sqlite3_column_text(s, 0);
		ch = (const char *)sqlite3_column_text(s, 1);
		outcome = (const char *)sqlite3_column_text(s, 2);
		reported = (const char *)sqlite3_column_text(s, 3);
		at = sqlite3_column_int64(s, 4);
		to = (const char *)sqlite3_column_text(s, 5);
		from = (const char *)sqlite3_column_text(s, 6);
		subject = (const char *)sqlite3_column_text(s, 7);
		target = sb_status_at(ch, outcome, now - at);
		if (strcmp(target, reported) == 0)
			continue;
		/* Emit the steps between what was reported and the target. */
		passed = 0;
		for (i = 0; steps[i] != NULL; i++) {
			if (strcmp(steps[i], reported) == 0) {
				passed = 1;
				continue;
			}
			if (strcmp(steps[i], target) == 0)
				break;
			if (passed)
				sb_emit_status(sb, sid, steps[i], ch, now);
		}
		if (strcmp(target, "read") == 0 && strcmp(reported, "delivered") != 0)
			sb_emit_status(sb, sid, "delivered", ch, now);
		sb_emit_status(sb, sid, target, ch, now);
		done = strcmp(target, "read") == 0 || strcmp(target, "undelivered") == 0 ||
		    strcmp(target, "failed") == 0 ||
		    (strcmp(target, "delivered") == 0 && strcmp(ch, "whatsapp") != 0);
		if (strcmp(target, "delivered") == 0 && sb_is_persona(to) &&
		    strcmp(ch, "voice") != 0)
			sb_queue_reply(sb, sid, ch, to, from, subject, now);
		sqlite3_bind_text(u, 1, target, -1, SQLITE_STATIC);
		sqlite3_bind_int(u, 2, done);
		sqlite3_bind_text(u, 3, sid, -1, SQLITE_TRANSIENT);
		sqlite3_step(u);
		sqlite3_reset(u);
	}
	sqlite3_finalize(u);
	sqlite3_finalize(s);
}

static void
sb_poll_inbound(struct sandbox *sb, int64_t now)
{
	struct provider_event ev;
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(sb->db, "SELECT sid, channel, from_addr, to_addr,"
	    " subject, body, due_at, in_reply_to FROM inbound WHERE reported = 0"
	    " AND due_at <= ? ORDER BY due_at", -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(s, 1, now);
	while (sqlite3_step(s) == SQLITE_ROW) {
		memset(&ev, 0, sizeof ev);
		ev.type = PROVIDER_EV_INBOUND;
		ev.provider = "sandbox";
		ev.provider_id = (const char *)sqlite3_column_text(s, 0);
		if (hark_channel_parse((const char *)sqlite3_column_text(s, 1),
		    &ev.channel) != 0)
			continue;
		ev.from = (const char *)sqlite3_column_text(s, 2);
		ev.to = (const char *)sqlite3_column_text(s, 3);
		ev.subject = (const char *)sqlite3_column_text(s, 4);
		ev.body = (const char *)sqlite3_column_text(s, 5);
		ev.at = sqlite3_column_int64(s, 6);
		ev.status = HARK_ST_RECEIVED;
		sb->p->env.on_event(sb->p->env.event_arg, &ev);
	}
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(sb->db, "UPDATE inbound SET reported = 1"
	    " WHERE reported = 0 AND due_at <= ?", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, now);
		sqlite3_step(s);
		sqlite3_finalize(s);
	}
}

static void
sb_poll_fire(uv_timer_t *t)
{
	struct sb_op *op = t->data;
	struct sandbox *sb = op->sb;
	void (*done)(void *, const char *) = op->cb.poll;
	int64_t now = hark_now_ms();

	if (sb_exec(sb, "BEGIN IMMEDIATE", NULL) == 0) {
		sb_poll_statuses(sb, now);
		sb_poll_inbound(sb, now);
		sb_exec(sb, "COMMIT", NULL);
	}
	sb_op_done(op);
	done(op->arg, NULL);
}

static int
sb_poll(struct provider *p, void (*done)(void *, const char *), void *arg,
    char **cause)
{
	struct sb_op *op;

	op = sb_op_new(p->priv, SB_POLL, arg, sb_poll_fire, 1);
	op->cb.poll = done;
	return 0;
}

/* ---- open and close ------------------------------------------------------------------------ */

static int
sb_open(struct provider *p, char **cause)
{
	struct sandbox *sb = xcalloc(1, sizeof *sb);
	char *path;

	sb->p = p;
	sb->rng = (uint64_t)hark_now_ms() ^ ((uint64_t)(uintptr_t)sb << 16) ^
	    0x9E3779B97F4A7C15ULL;
	path = p->env.state_dir != NULL ?
	    xasprintf("%s/sandbox.db", p->env.state_dir) : xstrdup(":memory:");
	if (sqlite3_open_v2(path, &sb->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		set_cause(cause, "sandbox: cannot open %s: %s", path,
		    sqlite3_errmsg(sb->db));
		sqlite3_close(sb->db);
		free(path);
		free(sb);
		return -1;
	}
	free(path);
	sqlite3_busy_timeout(sb->db, 5000);
	/* lookup = no: behave like a provider that cannot be asked after a crash. */
	if (hark_strcaseeq(config_account_get(p->env.acct, "lookup"), "no"))
		p->caps &= ~PROVIDER_CAP_LOOKUP;
	if (hark_strcaseeq(config_account_get(p->env.acct, "whatsapp_window"), "yes"))
		p->caps |= PROVIDER_CAP_WA_WINDOW;
	if (sb_exec(sb, sb_schema, cause) != 0) {
		sqlite3_close(sb->db);
		free(sb);
		return -1;
	}
	p->priv = sb;
	return 0;
}

static void
sb_close(struct provider *p)
{
	struct sandbox *sb = p->priv;
	struct sb_op *op, *next;

	if (sb == NULL)
		return;
	for (op = sb->ops; op != NULL; op = next) {
		next = op->next;
		op->sb = NULL;
		uv_timer_stop(&op->timer);
		uv_close((uv_handle_t *)&op->timer, sb_op_free_cb);
	}
	sqlite3_close(sb->db);
	free(sb);
	p->priv = NULL;
}
