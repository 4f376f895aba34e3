/*
 * bulks.c — bulk sends: one row per send and one per recipient, so that a
 * send interrupted by a crash resumes where it was (the recipients' states)
 * and every recipient is written to the outbox once.
 */

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

void
store_bulk_clear(struct store_bulk *b)
{
	free(b->template);
	free(b->segment);
	free(b->account);
	free(b->state);
	memset(b, 0, sizeof *b);
}

int
store_bulk_create(struct store *st, const struct store_bulk *b, int64_t *id,
    char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot create the bulk send";
	int64_t now = hark_now_ms();

	stmt = store_stmt(st, "INSERT INTO bulks (template, channel, segment, account,"
	    " state, total, created_at, updated_at) VALUES (?1, ?2, ?3, ?4,"
	    " 'running', ?5, ?6, ?6)", what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, b->template);
	store_bind_text(stmt, 2, hark_channel_name(b->channel));
	store_bind_text(stmt, 3, b->segment);
	store_bind_text(stmt, 4, b->account);
	sqlite3_bind_int(stmt, 5, b->total);
	sqlite3_bind_int64(stmt, 6, now);
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_bulk_recipient_add(struct store *st, int64_t bulk_id, int64_t contact_id,
    int seq, const char *state, const char *reason, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot add a bulk recipient";

	stmt = store_stmt(st, "INSERT INTO bulk_recipients (bulk_id, contact_id, seq,"
	    " state, reason) VALUES (?1, ?2, ?3, ?4, ?5)", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, bulk_id);
	sqlite3_bind_int64(stmt, 2, contact_id);
	sqlite3_bind_int(stmt, 3, seq);
	store_bind_text(stmt, 4, state);
	store_bind_text(stmt, 5, reason);
	return store_step_done(st, stmt, what, cause);
}

#define BULK_COLS "id, template, channel, segment, account, state, total," \
	" created_at, updated_at FROM bulks"

static void
bulk_row(sqlite3_stmt *stmt, struct store_bulk *b)
{
	memset(b, 0, sizeof *b);
	b->id = sqlite3_column_int64(stmt, 0);
	b->template = store_col_strdup(stmt, 1);
	hark_channel_parse(store_col_text(stmt, 2), &b->channel);
	b->segment = store_col_strdup(stmt, 3);
	b->account = store_col_strdup(stmt, 4);
	b->state = store_col_strdup(stmt, 5);
	b->total = sqlite3_column_int(stmt, 6);
	b->created_at = sqlite3_column_int64(stmt, 7);
	b->updated_at = sqlite3_column_int64(stmt, 8);
}

int
store_bulk_get(struct store *st, int64_t id, struct store_bulk *b, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read the bulk send";
	int rc;

	stmt = store_stmt(st, "SELECT " BULK_COLS " WHERE id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		bulk_row(stmt, b);
	if ((rc = store_read_end(st, stmt, rc, what, cause)) == 0)
		set_cause(cause, "no bulk send %lld (hark bulk list shows them)",
		    (long long)id);
	return rc > 0 ? 0 : -1;
}

int
store_bulks_each(struct store *st, const char *state,
    int (*fn)(void *arg, const struct store_bulk *b), void *arg, char **cause)
{
	struct store_bulk b;
	sqlite3_stmt *stmt;
	const char *what = "cannot list bulk sends";
	int rc, stop = 0;

	stmt = store_stmt(st, "SELECT " BULK_COLS " WHERE ?1 IS NULL OR state = ?1"
	    " ORDER BY id", what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, state);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		bulk_row(stmt, &b);
		stop = fn(arg, &b);
		store_bulk_clear(&b);
	}
	return store_each_end(st, stmt, rc, what, cause);
}

int
store_bulk_set_state(struct store *st, int64_t id, const char *state, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot change the bulk send";

	stmt = store_stmt(st, "UPDATE bulks SET state = ?2, updated_at = ?3"
	    " WHERE id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	store_bind_text(stmt, 2, state);
	sqlite3_bind_int64(stmt, 3, hark_now_ms());
	return store_step_done(st, stmt, what, cause);
}

int
store_bulk_pending(struct store *st, int64_t bulk_id, int limit, int64_t *ids,
    int *n, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read bulk recipients";
	int rc;

	*n = 0;
	stmt = store_stmt(st, "SELECT contact_id FROM bulk_recipients WHERE"
	    " bulk_id = ?1 AND state = 'pending' ORDER BY seq LIMIT ?2", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, bulk_id);
	sqlite3_bind_int(stmt, 2, limit);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && *n < limit)
		ids[(*n)++] = sqlite3_column_int64(stmt, 0);
	return store_each_end(st, stmt, rc, what, cause);
}

int
store_bulk_recipient_set(struct store *st, int64_t bulk_id, int64_t contact_id,
    const char *state, const char *reason, int64_t message_id, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot update a bulk recipient";

	stmt = store_stmt(st, "UPDATE bulk_recipients SET state = ?3, reason = ?4,"
	    " message_id = ?5 WHERE bulk_id = ?1 AND contact_id = ?2", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, bulk_id);
	sqlite3_bind_int64(stmt, 2, contact_id);
	store_bind_text(stmt, 3, state);
	store_bind_text(stmt, 4, reason);
	store_bind_opt(stmt, 5, message_id);
	return store_step_done(st, stmt, what, cause);
}

int
store_bulk_counts(struct store *st, int64_t bulk_id, struct store_bulk_counts *c,
    char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot count bulk recipients";
	const char *state, *status;
	int rc, n;

	memset(c, 0, sizeof *c);
	stmt = store_stmt(st, "SELECT r.state, m.status, count(*) FROM"
	    " bulk_recipients r LEFT JOIN messages m ON m.id = r.message_id"
	    " WHERE r.bulk_id = ?1 GROUP BY r.state, m.status", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, bulk_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		state = store_col_text(stmt, 0);
		status = store_col_text(stmt, 1);
		n = sqlite3_column_int(stmt, 2);
		if (strcmp(state, "pending") == 0 || strcmp(state, "deferred") == 0)
			c->pending += n;
		else if (strcmp(state, "skipped") == 0)
			c->skipped += n;
		else if (strcmp(state, "canceled") == 0 || (status != NULL &&
		    strcmp(status, "canceled") == 0))
			c->canceled += n;
		else if (status == NULL || strcmp(status, "queued") == 0 ||
		    strcmp(status, "sending") == 0)
			c->outbox += n;
		else if (strcmp(status, "scheduled") == 0)
			c->held += n;
		else if (strcmp(status, "failed") == 0 ||
		    strcmp(status, "undelivered") == 0 ||
		    strcmp(status, "uncertain") == 0)
			c->failed += n;
		else
			c->sent += n;
	}
	return store_each_end(st, stmt, rc, what, cause);
}

int
store_bulk_cancel(struct store *st, int64_t bulk_id, char **cause)
{
	struct store_tx tx;
	sqlite3_stmt *stmt;
	const char *what = "cannot cancel the bulk send";
	int64_t now = hark_now_ms();

	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	/* Messages written but not yet claimed by the outbox go too. */
	stmt = store_stmt(st, "UPDATE messages SET status = 'canceled' WHERE id IN"
	    " (SELECT j.message_id FROM jobs j JOIN bulk_recipients r ON"
	    " r.message_id = j.message_id WHERE r.bulk_id = ?1 AND"
	    " j.state = 'pending')", what, cause);
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, bulk_id);
	if (store_step_done(st, stmt, what, cause) != 0)
		goto fail;
	stmt = store_stmt(st, "UPDATE jobs SET state = 'canceled', updated_at = ?2"
	    " WHERE state = 'pending' AND message_id IN (SELECT message_id FROM"
	    " bulk_recipients WHERE bulk_id = ?1 AND message_id IS NOT NULL)",
	    what, cause);
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, bulk_id);
	sqlite3_bind_int64(stmt, 2, now);
	if (store_step_done(st, stmt, what, cause) != 0)
		goto fail;
	stmt = store_stmt(st, "UPDATE bulk_recipients SET state = 'canceled'"
	    " WHERE bulk_id = ?1 AND state IN ('pending','deferred')", what, cause);
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, bulk_id);
	if (store_step_done(st, stmt, what, cause) != 0 ||
	    store_bulk_set_state(st, bulk_id, "canceled", cause) != 0)
		goto fail;
	return store_tx_commit(st, &tx, what, cause);
fail:
	store_tx_abort(st, &tx);
	return -1;
}

int
store_bulk_total_set(struct store *st, int64_t id, int total, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot change the bulk send";

	stmt = store_stmt(st, "UPDATE bulks SET total = ?2 WHERE id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, total);
	return store_step_done(st, stmt, what, cause);
}

int
store_bulk_outstanding(struct store *st, int64_t bulk_id, int *n, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot count a bulk send's outbox";
	int64_t v = 0;

	*n = 0;
	stmt = store_stmt(st, "SELECT count(*) FROM bulk_recipients r JOIN jobs j"
	    " ON j.message_id = r.message_id WHERE r.bulk_id = ?1 AND"
	    " r.state = 'queued' AND j.state IN ('pending','inflight')"
	    " AND j.run_at <= ?2", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, bulk_id);
	sqlite3_bind_int64(stmt, 2, hark_now_ms());
	if (store_step_int64(st, stmt, what, &v, cause) < 0)
		return -1;
	*n = (int)v;
	return 0;
}
