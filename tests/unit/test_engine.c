/* test_engine.c — the engine through a real libuv loop and the sandbox provider. */

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "harness.h"

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/store.h"

struct fixture {
	char *dir;
	char *db_path;
	struct config *cfg;
	struct store *st;
	uv_loop_t loop;
	struct engine *e;
};

static const char config_text[] =
	"[general]\n"
	"default_region = US\n"
	"[account sandbox]\n"
	"provider = sandbox\n"
	"from_phone = +14155550100\n"
	"from_email = me@sandbox.hark.test\n";

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *path, *cause = NULL;
	FILE *fp;

	f->dir = test_tmpdir();
	path = xasprintf("%s/config", f->dir);
	fp = fopen(path, "w");
	fputs(config_text, fp);
	fclose(fp);
	chmod(path, 0600);
	assert_int_equal(config_load(path, &f->cfg, &cause), 0);
	free(path);
	f->db_path = xasprintf("%s/hark.db", f->dir);
	assert_int_equal(store_open(f->db_path, 0, &f->st, &cause), 0);
	uv_loop_init(&f->loop);
	*state = f;
	return 0;
}

static void
engine_stop(struct fixture *f)
{
	engine_free(f->e);
	f->e = NULL;
	uv_run(&f->loop, UV_RUN_NOWAIT);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd;

	engine_stop(f);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	store_close(f->st);
	config_free(f->cfg);
	cmd = xasprintf("rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f->db_path);
	free(f->dir);
	free(f);
	return 0;
}

static void
engine_start(struct fixture *f, int max_attempts)
{
	struct engine_opts o;
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	o.loop = &f->loop;
	o.st = f->st;
	o.cfg = f->cfg;
	o.take_outbox = 1;
	o.poll_ms = 100;
	o.retry.base_ms = 20;
	o.retry.cap_ms = 100;
	o.retry.max_attempts = max_attempts;
	o.unanswered_ms = 50;
	if (engine_new(&o, &f->e, &cause) != 0)
		fail_msg("engine_new: %s", cause);
	assert_true(engine_owns_outbox(f->e));
}

static enum hark_status
status_of(struct fixture *f, int64_t id, struct store_message *out)
{
	struct store_message m;
	enum hark_status st;

	memset(&m, 0, sizeof m);
	assert_int_equal(store_message_get(f->st, id, &m, NULL), 0);
	st = m.status;
	if (out != NULL)
		*out = m;
	else
		store_message_clear(&m);
	return st;
}

struct waiter {
	struct fixture *f;
	int64_t id;
	enum hark_status want;
	int64_t deadline;
	uv_timer_t t;
};

static void
waiter_tick(uv_timer_t *t)
{
	struct waiter *w = t->data;

	if (status_of(w->f, w->id, NULL) == w->want || hark_now_ms() > w->deadline)
		uv_stop(t->loop);
}

/* Runs the loop until message id reaches want (or 10 s pass). */
static enum hark_status
run_until(struct fixture *f, int64_t id, enum hark_status want)
{
	struct waiter w;

	memset(&w, 0, sizeof w);
	w.f = f;
	w.id = id;
	w.want = want;
	w.deadline = hark_now_ms() + 10000;
	uv_timer_init(&f->loop, &w.t);
	w.t.data = &w;
	uv_timer_start(&w.t, waiter_tick, 10, 10);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	uv_close((uv_handle_t *)&w.t, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	return status_of(f, id, NULL);
}

static int64_t
send_to(struct fixture *f, const char *to, const char *body, int64_t at)
{
	struct engine_draft d;
	char *cause = NULL;
	int64_t id = 0;

	memset(&d, 0, sizeof d);
	d.channel = strchr(to, '@') ? HARK_CH_EMAIL : HARK_CH_SMS;
	d.to = to;
	d.body = body;
	d.send_at = at;
	if (engine_send(f->e, &d, &id, &cause) != 0)
		fail_msg("engine_send: %s", cause);
	return id;
}

/* One query against a database file, as an integer. */
static long long
sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void
sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* ---- tests ---------------------------------------------------------------------------- */

static void
test_empty_and_unroutable_drafts_are_refused(void **state)
{
	struct fixture *f = *state;
	struct engine_draft d;
	struct engine_opts o;
	struct config *none = config_default();
	struct engine *e2;
	char *cause = NULL;
	int64_t id;

	engine_start(f, 3);
	memset(&d, 0, sizeof d);
	d.channel = HARK_CH_SMS;
	d.to = "+14155550123";
	d.body = "  \n";
	assert_int_equal(engine_send(f->e, &d, &id, &cause), -1);
	assert_non_null(strstr(cause, "empty"));
	d.body = "hi";
	d.to = "+1 555";
	assert_int_equal(engine_send(f->e, &d, &id, &cause), -1);
	assert_non_null(strstr(cause, "valid"));
	assert_int_equal(sql_int(f->db_path, "SELECT count(*) FROM messages"), 0);
	engine_stop(f);

	/* With no account at all, the user is told where to add one. */
	memset(&o, 0, sizeof o);
	o.loop = &f->loop;
	o.st = f->st;
	o.cfg = none;
	assert_int_equal(engine_new(&o, &e2, &cause), 0);
	d.to = "+14155550123";
	assert_int_equal(engine_send(e2, &d, &id, &cause), -1);
	assert_non_null(strstr(cause, "no account can send sms"));
	engine_free(e2);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	config_free(none);
	free(cause);
}

static void
test_send_goes_queued_sent_delivered(void **state)
{
	struct fixture *f = *state;
	struct store_message m;
	int64_t id;
	char *hist;

	engine_start(f, 3);
	id = send_to(f, "(415) 555-0123", "Hello from hark", 0);
	assert_int_equal(status_of(f, id, NULL), HARK_ST_QUEUED);
	assert_int_equal(run_until(f, id, HARK_ST_DELIVERED), HARK_ST_DELIVERED);
	status_of(f, id, &m);
	assert_string_equal(m.to_addr, "+14155550123");
	assert_non_null(m.provider_id);
	assert_true(m.has_price);
	assert_int_equal(m.price.micros, 7900);
	assert_int_equal(m.segments, 1);
	assert_true(m.delivered_at >= m.created_at);
	store_message_clear(&m);
	/* The history shows every step, in order. */
	hist = xasprintf("SELECT group_concat(status, ',') FROM (SELECT status FROM"
	    " message_status_history WHERE message_id = %lld ORDER BY id)",
	    (long long)id);
	{
		sqlite3 *db;
		sqlite3_stmt *s;

		sqlite3_open(f->db_path, &db);
		sqlite3_prepare_v2(db, hist, -1, &s, NULL);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(s, 0),
		    "queued,sending,sent,delivered");
		sqlite3_finalize(s);
		sqlite3_close(db);
	}
	free(hist);
}

static void
test_scheduled_send_fires_at_its_time(void **state)
{
	struct fixture *f = *state;
	struct store_message m;
	int64_t at = hark_now_ms() + 1200, id;

	engine_start(f, 3);
	id = send_to(f, "+14155550124", "Later", at);
	assert_int_equal(status_of(f, id, NULL), HARK_ST_SCHEDULED);
	assert_int_equal(run_until(f, id, HARK_ST_DELIVERED), HARK_ST_DELIVERED);
	status_of(f, id, &m);
	assert_int_equal(m.scheduled_at, at);
	assert_true(m.sent_at >= at);
	store_message_clear(&m);
}

static void
test_canceled_before_due_never_goes_out(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	int64_t id;

	engine_start(f, 3);
	id = send_to(f, "+14155550125", "Never mind", hark_now_ms() + 60000);
	assert_int_equal(engine_cancel(f->e, id, &cause), 1);
	assert_int_equal(status_of(f, id, NULL), HARK_ST_CANCELED);
	assert_int_equal(engine_cancel(f->e, id, &cause), 0);
	assert_non_null(strstr(cause, "already"));
	free(cause);
}

static void
test_transient_failures_are_retried_then_succeed(void **state)
{
	struct fixture *f = *state;
	char *sq;
	int64_t id;

	engine_start(f, 5);
	id = send_to(f, "+15005550500", "Flaky", 0);
	assert_int_equal(run_until(f, id, HARK_ST_DELIVERED), HARK_ST_DELIVERED);
	sq = xasprintf("SELECT attempts FROM jobs WHERE message_id = %lld", (long long)id);
	assert_int_equal(sql_int(f->db_path, sq), 3);
	free(sq);
}

static void
test_retries_end_in_failure_with_the_error(void **state)
{
	struct fixture *f = *state;
	struct store_message m;
	int64_t id;

	engine_start(f, 2);
	id = send_to(f, "+15005550500", "Flaky", 0);
	assert_int_equal(run_until(f, id, HARK_ST_FAILED), HARK_ST_FAILED);
	status_of(f, id, &m);
	assert_non_null(strstr(m.error_text, "gave up after 2 attempts"));
	assert_non_null(strstr(m.error_text, "Service Unavailable"));
	store_message_clear(&m);

	id = send_to(f, "+15005550001", "Invalid", 0);
	assert_int_equal(run_until(f, id, HARK_ST_FAILED), HARK_ST_FAILED);
	status_of(f, id, &m);
	assert_string_equal(m.error_code, "21211");
	assert_non_null(strstr(m.error_text, "not valid"));
	store_message_clear(&m);
}

static void
test_job_left_in_flight_before_send_is_sent_once(void **state)
{
	struct fixture *f = *state;
	struct store_message m;
	char *sb;
	int64_t id;
	int rc;

	/* A crash right after claiming the job: the provider never saw it. */
	memset(&m, 0, sizeof m);
	assert_int_equal(store_contact_add(f->st, "Ann", &m.contact_id, NULL), 0);
	m.channel = HARK_CH_SMS;
	m.direction = HARK_DIR_OUT;
	m.provider = "sandbox";
	m.from_addr = "+14155550100";
	m.to_addr = "+14155550126";
	m.body = "Crash before send";
	m.status = HARK_ST_QUEUED;
	m.created_at = hark_now_ms();
	rc = store_outbox_enqueue(f->st, &m, m.created_at, "key-1", &id, NULL);
	assert_int_equal(rc, 1);
	sql_exec(f->db_path, "UPDATE jobs SET state = 'inflight', attempts = 1");
	engine_start(f, 3);
	assert_int_equal(run_until(f, id, HARK_ST_DELIVERED), HARK_ST_DELIVERED);
	sb = xasprintf("%s/sandbox.db", f->dir);
	assert_int_equal(sql_int(sb, "SELECT count(*) FROM accepted WHERE idem = 'key-1'"), 1);
	free(sb);
}

static void
test_job_left_in_flight_after_send_is_not_resent(void **state)
{
	struct fixture *f = *state;
	char *sb;
	int64_t id;

	engine_start(f, 3);
	id = send_to(f, "+14155550127", "Crash after send", 0);
	assert_int_equal(run_until(f, id, HARK_ST_DELIVERED), HARK_ST_DELIVERED);
	engine_stop(f);
	/* As if hark died after the provider accepted, before recording it. */
	sql_exec(f->db_path, "UPDATE jobs SET state = 'inflight';"
	    "UPDATE messages SET provider_id = NULL, status = 'sending'");
	sb = xasprintf("%s/sandbox.db", f->dir);
	sql_exec(sb, "UPDATE accepted SET reported = 'queued', done = 0");
	engine_start(f, 3);
	assert_int_equal(run_until(f, id, HARK_ST_DELIVERED), HARK_ST_DELIVERED);
	assert_int_equal(sql_int(sb, "SELECT count(*) FROM accepted"), 1);
	free(sb);
	assert_int_equal(sql_int(f->db_path,
	    "SELECT count(*) FROM messages WHERE provider_id IS NOT NULL"), 1);
}

/* The provider accepted, but its answer was lost: the retry asks first and
 * the recipient gets the message once. */
static void
test_retry_after_a_lost_answer_does_not_resend(void **state)
{
	struct fixture *f = *state;
	char *sb;
	int64_t id;

	engine_start(f, 5);
	id = send_to(f, "+15005550408", "Viewing at 5?", 0);
	assert_int_equal(run_until(f, id, HARK_ST_DELIVERED), HARK_ST_DELIVERED);
	sb = xasprintf("%s/sandbox.db", f->dir);
	assert_int_equal(sql_int(sb, "SELECT count(*) FROM accepted"), 1);
	free(sb);
	assert_int_equal(sql_int(f->db_path,
	    "SELECT count(*) FROM messages WHERE provider_id IS NOT NULL"), 1);
}

/* An SMS from a number known as someone's WhatsApp joins their thread. */
static void
test_sms_from_a_whatsapp_number_joins_that_contact(void **state)
{
	struct fixture *f = *state;
	int64_t dev, in_id = 0, deadline;
	char *sb;
	char q[128];

	assert_int_equal(store_contact_add(f->st, "Dev Patel", &dev, NULL), 0);
	assert_int_equal(store_identity_add(f->st, dev, STORE_ID_WHATSAPP,
	    "+14155552674", NULL, NULL), 0);
	engine_start(f, 3);
	engine_poll_now(f->e);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	sb = xasprintf("%s/sandbox.db", f->dir);
	sql_exec(sb, "INSERT INTO inbound(sid, channel, from_addr, to_addr, body,"
	    " due_at) VALUES ('SBIN-dev', 'sms', '+14155552674', '+14155550100',"
	    " 'Texting instead', 0)");
	free(sb);
	deadline = hark_now_ms() + 5000;
	while (hark_now_ms() < deadline && store_message_by_provider_id(f->st,
	    "sandbox", "SBIN-dev", &in_id, NULL) != 1)
		uv_run(&f->loop, UV_RUN_ONCE);
	assert_true(in_id > 0);
	snprintf(q, sizeof q, "SELECT contact_id FROM messages WHERE id = %lld",
	    (long long)in_id);
	assert_int_equal(sql_int(f->db_path, q), dev);
	assert_int_equal(sql_int(f->db_path, "SELECT count(*) FROM contacts"), 1);
	assert_int_equal(sql_int(f->db_path, "SELECT count(*) FROM identities"
	    " WHERE kind = 'phone' AND address = '+14155552674'"), 1);
}

/* A provider that cannot be asked: the in-flight send is shown as uncertain. */
static void
test_unreconcilable_send_is_marked_uncertain(void **state)
{
	struct fixture *f = *state;
	struct store_message m;
	char *path, *cause = NULL, *sb;
	FILE *fp;
	int64_t id;

	engine_start(f, 3);
	id = send_to(f, "+14155550129", "Crash with no way to ask", 0);
	assert_int_equal(run_until(f, id, HARK_ST_DELIVERED), HARK_ST_DELIVERED);
	engine_stop(f);
	sql_exec(f->db_path, "UPDATE jobs SET state = 'inflight';"
	    "UPDATE messages SET provider_id = NULL, status = 'sending'");
	config_free(f->cfg);
	path = xasprintf("%s/config", f->dir);
	fp = fopen(path, "w");
	fprintf(fp, "%slookup = no\n", config_text);
	fclose(fp);
	assert_int_equal(config_load(path, &f->cfg, &cause), 0);
	free(path);
	engine_start(f, 3);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	status_of(f, id, &m);
	assert_int_equal(m.status, HARK_ST_UNCERTAIN);
	assert_non_null(strstr(m.error_text, "cannot be asked"));
	store_message_clear(&m);
	assert_int_equal(sql_int(f->db_path,
	    "SELECT count(*) FROM jobs WHERE state = 'uncertain'"), 1);
	/* Nothing was sent a second time. */
	sb = xasprintf("%s/sandbox.db", f->dir);
	assert_int_equal(sql_int(sb, "SELECT count(*) FROM accepted"), 1);
	free(sb);
}

static void
test_inbound_stop_opts_out_and_duplicates_are_dropped(void **state)
{
	struct fixture *f = *state;
	struct engine_draft d;
	char *sb, *cause = NULL;
	int64_t id, in_id;

	engine_start(f, 3);
	/* Make the sandbox's service exist, then deliver "STOP" from a number. */
	id = send_to(f, "+14155550128", "Offer: 20% off", 0);
	assert_int_equal(run_until(f, id, HARK_ST_DELIVERED), HARK_ST_DELIVERED);
	sb = xasprintf("%s/sandbox.db", f->dir);
	sql_exec(sb, "INSERT INTO inbound(sid, channel, from_addr, to_addr, body,"
	    " due_at) VALUES ('SBIN1', 'sms', '+14155550128', '+14155550100',"
	    " ' stop ', 0)");
	in_id = 0;
	{
		int64_t deadline = hark_now_ms() + 5000;

		while (hark_now_ms() < deadline &&
		    store_message_by_provider_id(f->st, "sandbox", "SBIN1", &in_id,
		    NULL) != 1)
			uv_run(&f->loop, UV_RUN_ONCE);
	}
	assert_true(in_id > 0);
	memset(&d, 0, sizeof d);
	d.channel = HARK_CH_SMS;
	d.to = "+14155550128";
	d.body = "Are you sure?";
	assert_int_equal(engine_send(f->e, &d, &id, &cause), -1);
	assert_non_null(strstr(cause, "opted out"));
	/* The same webhook/poll result again is not a second message. */
	sql_exec(sb, "UPDATE inbound SET reported = 0");
	engine_poll_now(f->e);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	uv_run(&f->loop, UV_RUN_ONCE);
	assert_int_equal(sql_int(f->db_path,
	    "SELECT count(*) FROM messages WHERE provider_id = 'SBIN1'"), 1);
	free(sb);
	free(cause);
}

/* The recipient unsubscribed at the provider (21610): never sent to again. */
static void
test_provider_unsubscribed_opts_out(void **state)
{
	struct fixture *f = *state;
	struct engine_estimate est;
	struct engine_draft d;
	char *cause = NULL;
	int64_t id;

	engine_start(f, 3);
	id = send_to(f, "+15005550004", "Price drop on Elm St", 0);
	assert_int_equal(run_until(f, id, HARK_ST_FAILED), HARK_ST_FAILED);
	assert_int_equal(store_optout_check(f->st, HARK_CH_SMS, "+15005550004",
	    NULL, NULL), 1);
	memset(&d, 0, sizeof d);
	d.channel = HARK_CH_SMS;
	d.to = "+15005550004";
	d.body = "Another try";
	assert_int_equal(engine_check(f->e, &d, &est, &cause), -1);
	assert_non_null(strstr(cause, "opted out of sms"));
	free(cause);
}

static void
inbound_wa_at(struct fixture *f, const char *sid, int64_t at)
{
	struct store_message m;
	int64_t contact, id;
	int created;

	assert_int_equal(store_contact_ensure(f->st, STORE_ID_WHATSAPP,
	    "+14155550123", "Wendy Ash", &contact, &created, NULL), 0);
	memset(&m, 0, sizeof m);
	m.contact_id = contact;
	m.channel = HARK_CH_WHATSAPP;
	m.direction = HARK_DIR_IN;
	m.provider = "sandbox";
	m.provider_id = (char *)sid;
	m.from_addr = "+14155550123";
	m.to_addr = "+14155550100";
	m.body = "Hi there";
	m.status = HARK_ST_RECEIVED;
	m.created_at = at;
	assert_int_equal(store_message_insert(f->st, &m, &id, NULL), 1);
}

/* WhatsApp free text only within 24 h of the contact's last message. */
static void
test_whatsapp_session_window(void **state)
{
	struct fixture *f = *state;
	struct engine_estimate est;
	struct engine_draft d;
	char *path, *cause = NULL;
	int64_t now = hark_now_ms();
	FILE *fp;

	config_free(f->cfg);
	path = xasprintf("%s/config", f->dir);
	fp = fopen(path, "w");
	fputs(config_text, fp);
	fputs("whatsapp_window = yes\n", fp);
	fclose(fp);
	assert_int_equal(config_load(path, &f->cfg, &cause), 0);
	free(path);
	engine_start(f, 3);

	memset(&d, 0, sizeof d);
	d.channel = HARK_CH_WHATSAPP;
	d.to = "+14155550123";
	d.body = "Are you still looking?";
	assert_int_equal(engine_check(f->e, &d, &est, &cause), -1);
	assert_non_null(strstr(cause, "never written on WhatsApp"));
	free(cause);
	cause = NULL;

	inbound_wa_at(f, "SBW1", now - 25 * 3600 * 1000LL);
	assert_int_equal(engine_check(f->e, &d, &est, &cause), -1);
	assert_non_null(strstr(cause, "session window"));
	assert_non_null(strstr(cause, "closed"));
	free(cause);
	cause = NULL;

	/* An approved template may go out anyway. */
	d.content_sid = "HX0123456789abcdef0123456789abcdef";
	d.content_vars = "{\"1\":\"Wendy\"}";
	assert_int_equal(engine_check(f->e, &d, &est, &cause), 0);
	assert_int_equal(est.wa_window_until, -1);
	engine_estimate_clear(&est);
	d.content_sid = NULL;
	d.content_vars = NULL;

	inbound_wa_at(f, "SBW2", now - 3600 * 1000LL);
	assert_int_equal(engine_check(f->e, &d, &est, &cause), 0);
	assert_true(est.wa_window_until >= now + 22 * 3600 * 1000LL);
	assert_true(est.wa_window_until <= now + 23 * 3600 * 1000LL + 1000);
	engine_estimate_clear(&est);
}

/* ---- the relay's event socket ----------------------------------------------------------- */

struct fake_relay {
	struct fixture *f;
	uv_pipe_t server;
	uv_pipe_t client;
	uv_write_t w;
	int accepted;
	int saw_up, saw_added;
	int64_t deadline;
	uv_timer_t t;
};

static void
fake_relay_connection(uv_stream_t *server, int status)
{
	struct fake_relay *r = server->data;
	struct store *other;
	uv_buf_t buf = uv_buf_init("1\n", 2);

	assert_int_equal(status, 0);
	uv_pipe_init(server->loop, &r->client, 0);
	assert_int_equal(uv_accept(server, (uv_stream_t *)&r->client), 0);
	r->accepted = 1;
	/* Another process (the relay) commits a webhook, then says so. */
	assert_int_equal(store_open(r->f->db_path, 0, &other, NULL), 0);
	assert_int_equal(store_event_append(other, "message-added", 42, 7, "inbound",
	    NULL, NULL), 0);
	store_close(other);
	uv_write(&r->w, (uv_stream_t *)&r->client, &buf, 1, NULL);
}

static void
fake_relay_heard(void *arg, const struct store_event *ev)
{
	struct fake_relay *r = arg;

	if (strcmp(ev->kind, "relay-state") == 0 && strcmp(ev->payload, "up") == 0)
		r->saw_up = 1;
	if (strcmp(ev->kind, "message-added") == 0 && ev->message_id == 42)
		r->saw_added = 1;
}

static void
fake_relay_tick(uv_timer_t *t)
{
	struct fake_relay *r = t->data;

	if ((r->saw_up && r->saw_added) || hark_now_ms() > r->deadline)
		uv_stop(t->loop);
}

/* A webhook the relay stored reaches the engine's subscribers at once. */
static void
test_relay_socket_wakes_subscribers(void **state)
{
	struct fixture *f = *state;
	struct fake_relay r;
	char *path, *sock, *cause = NULL;
	FILE *fp;

	memset(&r, 0, sizeof r);
	r.f = f;
	sock = xasprintf("%s/events.sock", f->dir);
	config_free(f->cfg);
	path = xasprintf("%s/config", f->dir);
	fp = fopen(path, "w");
	fprintf(fp, "%s[relay]\nsocket = %s\n", config_text, sock);
	fclose(fp);
	assert_int_equal(config_load(path, &f->cfg, &cause), 0);
	free(path);

	uv_pipe_init(&f->loop, &r.server, 0);
	r.server.data = &r;
	assert_int_equal(uv_pipe_bind(&r.server, sock), 0);
	assert_int_equal(uv_listen((uv_stream_t *)&r.server, 4,
	    fake_relay_connection), 0);
	engine_start(f, 3);
	engine_subscribe(f->e, fake_relay_heard, &r);
	r.deadline = hark_now_ms() + 10000;
	uv_timer_init(&f->loop, &r.t);
	r.t.data = &r;
	uv_timer_start(&r.t, fake_relay_tick, 10, 10);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_true(r.accepted);
	assert_true(r.saw_up);
	assert_true(r.saw_added);
	assert_true(engine_relay_connected(f->e));

	uv_close((uv_handle_t *)&r.t, NULL);
	uv_close((uv_handle_t *)&r.server, NULL);
	if (r.accepted)
		uv_close((uv_handle_t *)&r.client, NULL);
	engine_stop(f);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	free(sock);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_relay_socket_wakes_subscribers,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_provider_unsubscribed_opts_out,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_whatsapp_session_window, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_empty_and_unroutable_drafts_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_send_goes_queued_sent_delivered, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_scheduled_send_fires_at_its_time, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_canceled_before_due_never_goes_out, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_transient_failures_are_retried_then_succeed, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_retries_end_in_failure_with_the_error, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_retry_after_a_lost_answer_does_not_resend, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_job_left_in_flight_before_send_is_sent_once, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_job_left_in_flight_after_send_is_not_resent, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unreconcilable_send_is_marked_uncertain, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_sms_from_a_whatsapp_number_joins_that_contact, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_inbound_stop_opts_out_and_duplicates_are_dropped, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
