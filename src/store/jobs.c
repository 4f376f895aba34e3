/* jobs.c — the outbox: one job per outbound message, claimed, retried and finished. */

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* Jobs handed to a callback per batch: the callback may change them. */
#define JOBS_BATCH 128

#define JOB_COLS \
	"id, message_id, state, run_at, attempts, last_error, idempotency_key," \
	" coalesce(started_at, 0)"

static const char *const job_state_names[] = {
	"pending", "inflight", "done", "failed", "uncertain", "canceled"
};

static void	job_from_row(sqlite3_stmt *stmt, struct store_job *j);
static int	jobs_batch(struct store *st, sqlite3_stmt *stmt, const char *what,
		    struct store_job *batch, int *n, char **cause);
static int	jobs_call(struct store_job *batch, int n,
		    int (*fn)(void *arg, const struct store_job *j), void *arg);
static int	enqueue_find(struct store *st, const char *key, int64_t *message_id,
		    char **cause);
static int	enqueue_job(struct store *st, int64_t message_id, int64_t run_at,
		    const char *key, int64_t now, char **cause);
static int	job_message(struct store *st, int64_t job_id, int64_t *message_id,
		    char **cause);
static int	job_update(struct store *st, const char *sql, int64_t key,
		    const char *s1, const char *s2, int64_t n, int64_t now,
		    const char *what, char **cause);
static int	retry_requeue(struct store *st, int64_t message_id,
		    const char *last_error, int64_t now, char **cause);

const char *
store_job_state_name(enum store_job_state s)
{
	return (unsigned)s < HARK_NELEM(job_state_names) ? job_state_names[s] : "?";
}

int
store_job_state_parse(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < (int)HARK_NELEM(job_state_names); i++) {
		if (strcmp(s, job_state_names[i]) == 0)
			return i;
	}
	return -1;
}

void
store_job_clear(struct store_job *j)
{
	free(j->last_error);
	free(j->idempotency_key);
	memset(j, 0, sizeof *j);
}

static void
job_from_row(sqlite3_stmt *stmt, struct store_job *j)
{
	int state;

	memset(j, 0, sizeof *j);
	j->id = sqlite3_column_int64(stmt, 0);
	j->message_id = sqlite3_column_int64(stmt, 1);
	state = store_job_state_parse(store_col_text(stmt, 2));
	j->state = state < 0 ? STORE_JOB_FAILED : (enum store_job_state)state;
	j->run_at = sqlite3_column_int64(stmt, 3);
	j->attempts = sqlite3_column_int(stmt, 4);
	j->last_error = store_col_strdup(stmt, 5);
	j->idempotency_key = store_col_strdup(stmt, 6);
	j->started_at = sqlite3_column_int64(stmt, 7);
}

/* Reads the rows of a bound statement into batch (at most JOBS_BATCH). */
static int
jobs_batch(struct store *st, sqlite3_stmt *stmt, const char *what,
    struct store_job *batch, int *n, char **cause)
{
	int rc;

	*n = 0;
	while (*n < JOBS_BATCH && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		job_from_row(stmt, &batch[(*n)++]);
	if (*n < JOBS_BATCH && rc != SQLITE_DONE) {
		store_err(st, cause, what);
		store_stmt_done(st, stmt);
		while (*n > 0)
			store_job_clear(&batch[--(*n)]);
		return -1;
	}
	store_stmt_done(st, stmt);
	return 0;
}

/* Calls fn for each job until it returns non-zero; frees the batch. */
static int
jobs_call(struct store_job *batch, int n,
    int (*fn)(void *arg, const struct store_job *j), void *arg)
{
	int i, stop = 0;

	for (i = 0; i < n; i++) {
		if (!stop)
			stop = fn(arg, &batch[i]);
		store_job_clear(&batch[i]);
	}
	return stop;
}

int
store_jobs_due(struct store *st, int64_t now, int limit,
    int (*fn)(void *arg, const struct store_job *j), void *arg, char **cause)
{
	struct store_job batch[JOBS_BATCH];
	sqlite3_stmt *stmt;
	const char *what = "cannot read the outbox";
	int n;

	if (limit <= 0)
		return 0;
	stmt = store_stmt(st, "SELECT " JOB_COLS " FROM jobs WHERE state = 'pending'"
	    " AND run_at <= ?1 ORDER BY run_at, id LIMIT ?2", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, now);
	sqlite3_bind_int(stmt, 2, limit < JOBS_BATCH ? limit : JOBS_BATCH);
	if (jobs_batch(st, stmt, what, batch, &n, cause) != 0)
		return -1;
	jobs_call(batch, n, fn, arg);
	return 0;
}

/* In batches from a (run_at, id) cursor, so callbacks may move jobs on. */
int
store_jobs_in_state(struct store *st, enum store_job_state state,
    int (*fn)(void *arg, const struct store_job *j), void *arg, char **cause)
{
	struct store_job batch[JOBS_BATCH];
	sqlite3_stmt *stmt;
	const char *what = "cannot read the outbox";
	int64_t after_at = INT64_MIN, after_id = 0;
	int n;

	do {
		stmt = store_stmt(st, "SELECT " JOB_COLS " FROM jobs WHERE state = ?1"
		    " AND (run_at, id) > (?2, ?3) ORDER BY run_at, id LIMIT ?4",
		    what, cause);
		if (stmt == NULL)
			return -1;
		store_bind_text(stmt, 1, store_job_state_name(state));
		sqlite3_bind_int64(stmt, 2, after_at);
		sqlite3_bind_int64(stmt, 3, after_id);
		sqlite3_bind_int(stmt, 4, JOBS_BATCH);
		if (jobs_batch(st, stmt, what, batch, &n, cause) != 0)
			return -1;
		if (n > 0) {
			after_at = batch[n - 1].run_at;
			after_id = batch[n - 1].id;
		}
		if (jobs_call(batch, n, fn, arg))
			break;
	} while (n == JOBS_BATCH);
	return 0;
}

int
store_job_next_due(struct store *st, int64_t *at, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read the outbox";
	int rc;

	stmt = store_stmt(st, "SELECT min(run_at) FROM jobs WHERE state = 'pending'",
	    what, cause);
	if (stmt == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		rc = sqlite3_column_type(stmt, 0) != SQLITE_NULL;
		if (rc)
			*at = sqlite3_column_int64(stmt, 0);
	} else
		rc = store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc;
}

static int
enqueue_find(struct store *st, const char *key, int64_t *message_id, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot queue message";
	int rc;

	stmt = store_stmt(st, "SELECT message_id FROM jobs WHERE idempotency_key = ?1",
	    what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, key);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*message_id = sqlite3_column_int64(stmt, 0);
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc;
}

static int
enqueue_job(struct store *st, int64_t message_id, int64_t run_at, const char *key,
    int64_t now, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot queue message";

	stmt = store_stmt(st, "INSERT INTO jobs (message_id, state, run_at,"
	    " idempotency_key, updated_at) VALUES (?1, 'pending', ?2, ?3, ?4)",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, message_id);
	sqlite3_bind_int64(stmt, 2, run_at);
	store_bind_text(stmt, 3, key);
	sqlite3_bind_int64(stmt, 4, now);
	return store_step_done(st, stmt, what, cause);
}

/*
 * The idempotency key is what makes "send" safe to repeat after a crash or
 * a double key press: the second call finds the first message.
 */
int
store_outbox_enqueue(struct store *st, const struct store_message *m, int64_t run_at,
    const char *idempotency_key, int64_t *message_id, char **cause)
{
	struct store_message out = *m;
	struct store_tx tx;
	const char *what = "cannot queue message";
	int64_t now = hark_now_ms();
	int rc;

	if (idempotency_key == NULL || *idempotency_key == '\0') {
		set_cause(cause, "%s: no idempotency key", what);
		return -1;
	}
	if (run_at <= 0)
		run_at = now;
	out.direction = HARK_DIR_OUT;
	out.status = run_at > now ? HARK_ST_SCHEDULED : HARK_ST_QUEUED;
	out.scheduled_at = run_at > now ? run_at : 0;
	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	rc = enqueue_find(st, idempotency_key, message_id, cause);
	if (rc == 1)
		rc = 0;
	else if (rc == 0) {
		rc = store_message_insert_tx(st, &out, message_id, cause);
		if (rc == 0)
			set_cause(cause, "%s: provider id %s is already on message "
			    "#%lld", what, out.provider_id, (long long)*message_id);
		if (rc != 1 || enqueue_job(st, *message_id, run_at,
		    idempotency_key, now, cause) != 0)
			rc = -1;
	}
	if (rc == -1 || store_tx_commit(st, &tx, what, cause) != 0) {
		store_tx_abort(st, &tx);
		return -1;
	}
	return rc;
}

static int
job_message(struct store *st, int64_t job_id, int64_t *message_id, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read the outbox";
	int rc;

	stmt = store_stmt(st, "SELECT message_id FROM jobs WHERE id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, job_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*message_id = sqlite3_column_int64(stmt, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		set_cause(cause, "no job #%lld", (long long)job_id);
		rc = -1;
	} else
		rc = store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc;
}

/*
 * Runs one guarded UPDATE of jobs: ?1 the job (or message) id, ?2 and ?3
 * texts, ?4 a number, ?5 now (every statement sets updated_at, so ?5 is
 * always its highest parameter and the others may go unused). Returns
 * how many jobs changed, so callers can tell "no longer in that state" from
 * success, or -1.
 */
static int
job_update(struct store *st, const char *sql, int64_t key, const char *s1,
    const char *s2, int64_t n, int64_t now, const char *what, char **cause)
{
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql, what, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, key);
	store_bind_text(stmt, 2, s1);
	store_bind_text(stmt, 3, s2);
	sqlite3_bind_int64(stmt, 4, n);
	sqlite3_bind_int64(stmt, 5, now);
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	return sqlite3_changes(st->db);
}

/*
 * The UPDATE's WHERE state = 'pending' is the claim: of two processes
 * racing for one job, only one sees a change.
 */
int
store_job_start(struct store *st, int64_t job_id, int64_t now, char **cause)
{
	struct store_tx tx;
	const char *what = "cannot start job";
	int64_t message_id;
	int rc;

	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	rc = job_update(st, "UPDATE jobs SET state = 'inflight',"
	    " attempts = attempts + 1, started_at = ?5, updated_at = ?5"
	    " WHERE id = ?1 AND state = 'pending'", job_id, NULL, NULL, 0, now, what, cause);
	if (rc == 1 && (job_message(st, job_id, &message_id, cause) != 0 ||
	    store_message_status_tx(st, message_id, HARK_ST_SENDING, NULL, NULL, now,
	    cause) == -1))
		rc = -1;
	if (rc == -1 || store_tx_commit(st, &tx, what, cause) != 0) {
		store_tx_abort(st, &tx);
		return -1;
	}
	return rc;
}

/*
 * A failed, uncertain or canceled job says the same of its message (through
 * the forward-only status move); "done" leaves the message to the
 * provider's own reports (sent, delivered), recorded by the caller.
 */
int
store_job_finish(struct store *st, int64_t job_id, enum store_job_state state,
    const char *last_error, int64_t now, char **cause)
{
	static const int message_status[] = {
		[STORE_JOB_FAILED] = HARK_ST_FAILED,
		[STORE_JOB_UNCERTAIN] = HARK_ST_UNCERTAIN,
		[STORE_JOB_CANCELED] = HARK_ST_CANCELED,
	};
	struct store_tx tx;
	const char *what = "cannot finish job";
	int64_t message_id;
	int rc;

	if (state != STORE_JOB_DONE && state != STORE_JOB_FAILED &&
	    state != STORE_JOB_UNCERTAIN && state != STORE_JOB_CANCELED) {
		set_cause(cause, "%s: a job cannot end as %s", what,
		    store_job_state_name(state));
		return -1;
	}
	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	rc = job_message(st, job_id, &message_id, cause);
	if (rc == 0)
		rc = job_update(st, "UPDATE jobs SET state = ?2,"
		    " last_error = coalesce(?3, last_error), updated_at = ?5"
		    " WHERE id = ?1 AND state IN ('pending', 'inflight', 'uncertain')",
		    job_id, store_job_state_name(state), last_error, 0,
		    now, what, cause);
	if (rc == 0) {
		set_cause(cause, "%s: job #%lld has already ended", what,
		    (long long)job_id);
		rc = -1;
	}
	if (rc == 1 && state != STORE_JOB_DONE &&
	    store_message_status_tx(st, message_id, message_status[state], NULL,
	    last_error, now, cause) == -1)
		rc = -1;
	if (rc == -1 || store_tx_commit(st, &tx, what, cause) != 0) {
		store_tx_abort(st, &tx);
		return -1;
	}
	return 0;
}

static int
retry_requeue(struct store *st, int64_t message_id, const char *last_error,
    int64_t now, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot retry job";

	stmt = store_stmt(st, "UPDATE messages SET status = 'queued' WHERE id = ?1"
	    " AND status IN ('sending', 'uncertain')", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, message_id);
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	if (sqlite3_changes(st->db) == 0)
		return 0;
	return store_status_history_add(st, message_id, HARK_ST_QUEUED, NULL,
	    last_error, now, cause);
}

/*
 * Back to pending after a failed attempt. A message caught "sending" (or
 * "uncertain", when reconciling decided to send again) is queued again:
 * the one deliberate step backwards, recorded in its history.
 */
int
store_job_retry(struct store *st, int64_t job_id, int64_t run_at,
    const char *last_error, int64_t now, char **cause)
{
	struct store_tx tx;
	const char *what = "cannot retry job";
	int64_t message_id;
	int rc;

	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	rc = job_message(st, job_id, &message_id, cause);
	if (rc == 0)
		rc = job_update(st, "UPDATE jobs SET state = 'pending', run_at = ?4,"
		    " last_error = coalesce(?3, last_error), updated_at = ?5"
		    " WHERE id = ?1 AND state IN ('pending', 'inflight', 'uncertain')",
		    job_id, NULL, last_error, run_at, now, what, cause);
	if (rc == 0) {
		set_cause(cause, "%s: job #%lld has already ended", what,
		    (long long)job_id);
		rc = -1;
	}
	if (rc == 1 && retry_requeue(st, message_id, last_error, now, cause) != 0)
		rc = -1;
	if (rc == -1 || store_tx_commit(st, &tx, what, cause) != 0) {
		store_tx_abort(st, &tx);
		return -1;
	}
	return 0;
}

int
store_job_cancel(struct store *st, int64_t message_id, int64_t now, char **cause)
{
	struct store_tx tx;
	const char *what = "cannot cancel message";
	int rc;

	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	rc = job_update(st, "UPDATE jobs SET state = 'canceled', updated_at = ?5"
	    " WHERE message_id = ?1 AND state = 'pending'", message_id, NULL, NULL,
	    0, now, what, cause);
	if (rc == 1 && store_message_status_tx(st, message_id, HARK_ST_CANCELED,
	    NULL, NULL, now, cause) == -1)
		rc = -1;
	if (rc == -1 || store_tx_commit(st, &tx, what, cause) != 0) {
		store_tx_abort(st, &tx);
		return -1;
	}
	return rc;
}

int
store_job_get_by_message(struct store *st, int64_t message_id, struct store_job *j,
    char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read the outbox";
	int rc;

	memset(j, 0, sizeof *j);
	stmt = store_stmt(st, "SELECT " JOB_COLS " FROM jobs WHERE message_id = ?1",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, message_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		job_from_row(stmt, j);
	else if (rc == SQLITE_DONE)
		set_cause(cause, "message #%lld has no job", (long long)message_id);
	else
		store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_jobs_count(struct store *st, int counts[6], char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot count jobs";
	int rc, state;

	memset(counts, 0, 6 * sizeof *counts);
	stmt = store_stmt(st, "SELECT state, count(*) FROM jobs GROUP BY state",
	    what, cause);
	if (stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		state = store_job_state_parse(store_col_text(stmt, 0));
		if (state >= 0)
			counts[state] = sqlite3_column_int(stmt, 1);
	}
	if (rc != SQLITE_DONE)
		store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}
