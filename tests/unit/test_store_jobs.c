/* test_store_jobs.c — the outbox: enqueue, claim, retry, finish, cancel; events and audit. */

#include "harness.h"
#include "hark/store.h"

struct fixture {
	char *dir;
	char *path;
	struct store *st;
	int64_t ann;
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);

	fx->dir = test_tmpdir();
	fx->path = xasprintf("%s/hark.db", fx->dir);
	assert_int_equal(store_open(fx->path, 0, &fx->st, NULL), 0);
	assert_int_equal(store_contact_add(fx->st, "Ann Lee", &fx->ann, NULL), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	store_close(fx->st);
	free(fx->path);
	free(fx->dir);
	free(fx);
	return 0;
}

static struct store_message
outbound(int64_t contact, const char *body)
{
	struct store_message m = { 0 };

	m.contact_id = contact;
	m.channel = HARK_CH_SMS;
	m.direction = HARK_DIR_OUT;
	m.provider = "sandbox";
	m.from_addr = "+14155550199";
	m.to_addr = "+14155550100";
	m.body = (char *)body;
	return m;
}

static enum hark_status
status_of(struct store *st, int64_t id)
{
	struct store_message m = { 0 };
	enum hark_status s;

	assert_int_equal(store_message_get(st, id, &m, NULL), 0);
	s = m.status;
	store_message_clear(&m);
	return s;
}

struct jobs {
	int n;
	int64_t ids[16];
	int64_t run_at[16];
	struct store *st;
	int64_t now;
};

static int
collect_job(void *arg, const struct store_job *j)
{
	struct jobs *js = arg;

	js->ids[js->n] = j->id;
	js->run_at[js->n] = j->run_at;
	js->n++;
	return 0;
}

static void
test_enqueue_without_a_key_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = outbound(fx->ann, "hi");
	int counts[6];
	char *cause = NULL;
	int64_t id;

	assert_int_equal(store_outbox_enqueue(fx->st, &m, 0, NULL, &id, &cause), -1);
	assert_string_equal(cause, "cannot queue message: no idempotency key");
	free(cause);
	assert_int_equal(store_jobs_count(fx->st, counts, NULL), 0);
	assert_int_equal(counts[STORE_JOB_PENDING], 0);
}

static void
test_sending_twice_with_one_key_queues_one_message(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = outbound(fx->ann, "Your order shipped");
	struct store_job j = { 0 };
	int counts[6];
	int64_t id1, id2;

	assert_int_equal(store_outbox_enqueue(fx->st, &m, 0, "k1", &id1, NULL), 1);
	assert_int_equal(store_outbox_enqueue(fx->st, &m, 0, "k1", &id2, NULL), 0);
	assert_int_equal(id1, id2);
	assert_int_equal(store_jobs_count(fx->st, counts, NULL), 0);
	assert_int_equal(counts[STORE_JOB_PENDING], 1);
	assert_int_equal(status_of(fx->st, id1), HARK_ST_QUEUED);
	assert_int_equal(store_job_get_by_message(fx->st, id1, &j, NULL), 0);
	assert_string_equal(j.idempotency_key, "k1");
	assert_int_equal(j.state, STORE_JOB_PENDING);
	store_job_clear(&j);
}

static void
test_a_scheduled_message_waits_for_its_time(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = outbound(fx->ann, "Happy birthday!");
	struct store_message got = { 0 };
	struct jobs js = { 0 };
	int64_t later = hark_now_ms() + 3600 * 1000, id, at;

	assert_int_equal(store_job_next_due(fx->st, &at, NULL), 0);
	assert_int_equal(store_outbox_enqueue(fx->st, &m, later, "k1", &id, NULL), 1);
	assert_int_equal(store_message_get(fx->st, id, &got, NULL), 0);
	assert_int_equal(got.status, HARK_ST_SCHEDULED);
	assert_int_equal(got.scheduled_at, later);
	store_message_clear(&got);
	assert_int_equal(store_jobs_due(fx->st, hark_now_ms(), 10, collect_job, &js,
	    NULL), 0);
	assert_int_equal(js.n, 0);
	assert_int_equal(store_job_next_due(fx->st, &at, NULL), 1);
	assert_int_equal(at, later);
	assert_int_equal(store_jobs_due(fx->st, later, 10, collect_job, &js, NULL), 0);
	assert_int_equal(js.n, 1);
}

static void
test_due_jobs_come_oldest_first(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = outbound(fx->ann, "x");
	struct jobs js = { 0 };
	int64_t id, base = hark_now_ms() + 1000;

	assert_int_equal(store_outbox_enqueue(fx->st, &m, base + 30, "a", &id, NULL), 1);
	assert_int_equal(store_outbox_enqueue(fx->st, &m, base + 10, "b", &id, NULL), 1);
	assert_int_equal(store_outbox_enqueue(fx->st, &m, base + 20, "c", &id, NULL), 1);
	assert_int_equal(store_jobs_due(fx->st, base + 25, 10, collect_job, &js,
	    NULL), 0);
	assert_int_equal(js.n, 2);
	assert_int_equal(js.run_at[0], base + 10);
	assert_int_equal(js.run_at[1], base + 20);
	memset(&js, 0, sizeof js);
	assert_int_equal(store_jobs_due(fx->st, base + 99, 1, collect_job, &js,
	    NULL), 0);
	assert_int_equal(js.n, 1);
}

static void
test_a_job_is_claimed_only_once(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = outbound(fx->ann, "x");
	struct store_job j = { 0 };
	int64_t id, now = hark_now_ms();

	assert_int_equal(store_outbox_enqueue(fx->st, &m, 0, "k", &id, NULL), 1);
	assert_int_equal(store_job_get_by_message(fx->st, id, &j, NULL), 0);
	assert_int_equal(store_job_start(fx->st, j.id, now, NULL), 1);
	assert_int_equal(store_job_start(fx->st, j.id, now, NULL), 0);
	assert_int_equal(status_of(fx->st, id), HARK_ST_SENDING);
	store_job_clear(&j);
	assert_int_equal(store_job_get_by_message(fx->st, id, &j, NULL), 0);
	assert_int_equal(j.state, STORE_JOB_INFLIGHT);
	assert_int_equal(j.attempts, 1);
	assert_int_equal(j.started_at, now);
	store_job_clear(&j);
}

static void
test_a_retry_queues_the_message_again_with_its_error(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = outbound(fx->ann, "x");
	struct store_job j = { 0 };
	int64_t id, job, now = hark_now_ms();

	assert_int_equal(store_outbox_enqueue(fx->st, &m, 0, "k", &id, NULL), 1);
	assert_int_equal(store_job_get_by_message(fx->st, id, &j, NULL), 0);
	job = j.id;
	store_job_clear(&j);
	assert_int_equal(store_job_start(fx->st, job, now, NULL), 1);
	assert_int_equal(store_job_retry(fx->st, job, now + 2000, "HTTP 503", now,
	    NULL), 0);
	assert_int_equal(status_of(fx->st, id), HARK_ST_QUEUED);
	assert_int_equal(store_job_get_by_message(fx->st, id, &j, NULL), 0);
	assert_int_equal(j.state, STORE_JOB_PENDING);
	assert_int_equal(j.run_at, now + 2000);
	assert_string_equal(j.last_error, "HTTP 503");
	store_job_clear(&j);
	assert_int_equal(store_job_start(fx->st, job, now + 2000, NULL), 1);
	assert_int_equal(store_job_get_by_message(fx->st, id, &j, NULL), 0);
	assert_int_equal(j.attempts, 2);
	store_job_clear(&j);
}

static void
test_a_finished_job_cannot_be_finished_again(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = outbound(fx->ann, "x");
	struct store_job j = { 0 };
	int counts[6];
	char *cause = NULL;
	int64_t id, job, now = hark_now_ms();

	assert_int_equal(store_outbox_enqueue(fx->st, &m, 0, "k", &id, NULL), 1);
	assert_int_equal(store_job_get_by_message(fx->st, id, &j, NULL), 0);
	job = j.id;
	store_job_clear(&j);
	assert_int_equal(store_job_start(fx->st, job, now, NULL), 1);
	assert_int_equal(store_job_finish(fx->st, job, STORE_JOB_FAILED,
	    "21610: unsubscribed recipient", now, NULL), 0);
	assert_int_equal(status_of(fx->st, id), HARK_ST_FAILED);
	assert_int_equal(store_job_finish(fx->st, job, STORE_JOB_DONE, NULL, now,
	    &cause), -1);
	assert_non_null(strstr(cause, "already ended"));
	free(cause);
	cause = NULL;
	assert_int_equal(store_job_finish(fx->st, job, STORE_JOB_PENDING, NULL, now,
	    &cause), -1);
	free(cause);
	assert_int_equal(store_jobs_count(fx->st, counts, NULL), 0);
	assert_int_equal(counts[STORE_JOB_FAILED], 1);
	assert_int_equal(counts[STORE_JOB_INFLIGHT], 0);
}

static void
test_cancel_stops_only_a_message_not_yet_sent(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = outbound(fx->ann, "x");
	struct store_job j = { 0 };
	int64_t a, b, now = hark_now_ms();

	assert_int_equal(store_outbox_enqueue(fx->st, &m, now + 60000, "a", &a, NULL), 1);
	assert_int_equal(store_outbox_enqueue(fx->st, &m, 0, "b", &b, NULL), 1);
	assert_int_equal(store_job_cancel(fx->st, a, now, NULL), 1);
	assert_int_equal(status_of(fx->st, a), HARK_ST_CANCELED);
	assert_int_equal(store_job_get_by_message(fx->st, b, &j, NULL), 0);
	assert_int_equal(store_job_start(fx->st, j.id, now, NULL), 1);
	store_job_clear(&j);
	assert_int_equal(store_job_cancel(fx->st, b, now, NULL), 0);
	assert_int_equal(status_of(fx->st, b), HARK_ST_SENDING);
}

static int
mark_uncertain(void *arg, const struct store_job *j)
{
	struct jobs *js = arg;

	js->n++;
	assert_int_equal(store_job_finish(js->st, j->id, STORE_JOB_UNCERTAIN,
	    "interrupted", js->now, NULL), 0);
	return 0;
}

static void
test_jobs_caught_in_flight_can_be_reconciled(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = outbound(fx->ann, "x");
	struct store_job j = { 0 };
	struct jobs js = { 0 };
	int counts[6];
	char key[16];
	int64_t id, now = hark_now_ms();
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(key, sizeof key, "k%d", i);
		assert_int_equal(store_outbox_enqueue(fx->st, &m, 0, key, &id, NULL), 1);
		assert_int_equal(store_job_get_by_message(fx->st, id, &j, NULL), 0);
		assert_int_equal(store_job_start(fx->st, j.id, now, NULL), 1);
		store_job_clear(&j);
	}
	js.st = fx->st;
	js.now = now;
	assert_int_equal(store_jobs_in_state(fx->st, STORE_JOB_INFLIGHT,
	    mark_uncertain, &js, NULL), 0);
	assert_int_equal(js.n, 3);
	assert_int_equal(store_jobs_count(fx->st, counts, NULL), 0);
	assert_int_equal(counts[STORE_JOB_UNCERTAIN], 3);
	assert_int_equal(status_of(fx->st, id), HARK_ST_UNCERTAIN);
}

struct evs {
	int n;
	int64_t last;
	char kinds[8][32];
	struct store *st;
};

static int
collect_event(void *arg, const struct store_event *e)
{
	struct evs *ev = arg;

	snprintf(ev->kinds[ev->n++], sizeof ev->kinds[0], "%s", e->kind);
	ev->last = e->id;
	if (ev->st != NULL)
		store_event_append(ev->st, "echo", 0, 0, NULL, NULL, NULL);
	return 0;
}

static void
test_clients_catch_up_on_events_from_their_last_id(void **state)
{
	struct fixture *fx = *state;
	struct evs ev = { 0 };
	int64_t first, second;
	char *cause = NULL;

	assert_int_equal(store_events_last_id(fx->st), 0);
	assert_int_equal(store_event_append(fx->st, NULL, 0, 0, NULL, NULL, &cause), -1);
	free(cause);
	assert_int_equal(store_event_append(fx->st, "message-added", 1, fx->ann,
	    "{\"id\":1}", &first, NULL), 0);
	assert_int_equal(store_event_append(fx->st, "status-changed", 1, fx->ann,
	    NULL, &second, NULL), 0);
	assert_int_equal(store_events_last_id(fx->st), second);
	assert_int_equal(store_events_since(fx->st, first, 10, collect_event, &ev,
	    NULL), 0);
	assert_int_equal(ev.n, 1);
	assert_string_equal(ev.kinds[0], "status-changed");

	memset(&ev, 0, sizeof ev);
	ev.st = fx->st;
	assert_int_equal(store_events_since(fx->st, 0, 0, collect_event, &ev, NULL), 0);
	assert_int_equal(ev.n, 2);
	assert_int_equal(store_audit(fx->st, "ann", "export", "7 days", NULL), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_enqueue_without_a_key_is_refused),
		T(test_sending_twice_with_one_key_queues_one_message),
		T(test_a_scheduled_message_waits_for_its_time),
		T(test_due_jobs_come_oldest_first),
		T(test_a_job_is_claimed_only_once),
		T(test_a_retry_queues_the_message_again_with_its_error),
		T(test_a_finished_job_cannot_be_finished_again),
		T(test_cancel_stops_only_a_message_not_yet_sent),
		T(test_jobs_caught_in_flight_can_be_reconciled),
		T(test_clients_catch_up_on_events_from_their_last_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
