/* messages.c — writing messages: insert with dedupe, status moves, provider acceptance. */

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static int	insert_row(struct store *st, const struct store_message *m,
		    int64_t created, int64_t *id, int64_t *key, char **cause);
static int	insert_fts(struct store *st, int64_t key, const struct store_message *m,
		    char **cause);
static int	insert_conversation(struct store *st, const struct store_message *m,
		    int64_t created, char **cause);
static int	status_current(struct store *st, int64_t id, enum hark_status *out,
		    char **cause);

static const char *const insert_what = "cannot insert message";

/*
 * A duplicate (provider, provider_id) is skipped by the partial unique
 * index itself (DO NOTHING), so an inbound webhook costs one statement
 * whether or not it was seen before. Returns 1 inserted, 0 duplicate.
 *
 * The sort key is created_at * 2^20 plus the next free number in that
 * millisecond (one index probe), so keys are unique and follow time even
 * when an import brings old history after new messages.
 */
static int
insert_row(struct store *st, const struct store_message *m, int64_t created,
    int64_t *id, int64_t *key, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_stmt(st, "INSERT INTO messages (contact_id, channel, direction,"
	    " provider, provider_id, from_addr, to_addr, subject, body, status,"
	    " error_code, error_text, price_micros, currency, segments, encoding,"
	    " created_at, sent_at, delivered_at, read_at, scheduled_at, message_id,"
	    " in_reply_to, refs, seen, sort_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	    " ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
	    " ?22, ?23, ?24, ?25, (SELECT coalesce(max(sort_key) + 1, ?17 * 1048576)"
	    "  FROM messages WHERE sort_key BETWEEN ?17 * 1048576"
	    "  AND ?17 * 1048576 + 1048575)) ON CONFLICT (provider, provider_id)"
	    " WHERE provider_id IS NOT NULL DO NOTHING RETURNING id, sort_key",
	    insert_what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, m->contact_id);
	store_bind_text(stmt, 2, hark_channel_name(m->channel));
	store_bind_text(stmt, 3, hark_direction_name(m->direction));
	store_bind_text(stmt, 4, m->provider);
	store_bind_text(stmt, 5, m->provider_id);
	store_bind_text(stmt, 6, m->from_addr ? m->from_addr : "");
	store_bind_text(stmt, 7, m->to_addr ? m->to_addr : "");
	store_bind_text(stmt, 8, m->subject);
	store_bind_text(stmt, 9, m->body ? m->body : "");
	store_bind_text(stmt, 10, hark_status_name(m->status));
	store_bind_text(stmt, 11, m->error_code);
	store_bind_text(stmt, 12, m->error_text);
	if (m->has_price) {
		sqlite3_bind_int64(stmt, 13, m->price.micros);
		if (m->price.currency[0] != '\0')
			sqlite3_bind_text(stmt, 14, m->price.currency,
			    (int)strnlen(m->price.currency, sizeof m->price.currency),
			    SQLITE_STATIC);
	}
	store_bind_opt(stmt, 15, m->segments);
	store_bind_text(stmt, 16, m->encoding);
	sqlite3_bind_int64(stmt, 17, created);
	store_bind_opt(stmt, 18, m->sent_at);
	store_bind_opt(stmt, 19, m->delivered_at);
	store_bind_opt(stmt, 20, m->read_at);
	store_bind_opt(stmt, 21, m->scheduled_at);
	store_bind_text(stmt, 22, m->message_id);
	store_bind_text(stmt, 23, m->in_reply_to);
	store_bind_text(stmt, 24, m->refs);
	sqlite3_bind_int(stmt, 25, m->direction == HARK_DIR_OUT || m->seen);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(stmt, 0);
		*key = sqlite3_column_int64(stmt, 1);
		rc = sqlite3_step(stmt);
		store_stmt_done(st, stmt);
		if (rc != SQLITE_DONE) {
			store_err(st, cause, insert_what);
			return -1;
		}
		return 1;
	}
	if (rc != SQLITE_DONE) {
		if (sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
			set_cause(cause, "%s: no contact #%lld", insert_what,
			    (long long)m->contact_id);
		else
			store_err(st, cause, insert_what);
		store_stmt_done(st, stmt);
		return -1;
	}
	store_stmt_done(st, stmt);
	return 0;
}

static int
insert_fts(struct store *st, int64_t key, const struct store_message *m, char **cause)
{
	sqlite3_stmt *stmt;

	stmt = store_stmt(st, "INSERT INTO messages_fts (rowid, subject, body)"
	    " VALUES (?1, ?2, ?3)", insert_what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, key);
	store_bind_text(stmt, 2, m->subject);
	store_bind_text(stmt, 3, m->body ? m->body : "");
	return store_step_done(st, stmt, insert_what, cause);
}

/* The contact list sorts and badges from this row, never from messages. */
static int
insert_conversation(struct store *st, const struct store_message *m,
    int64_t created, char **cause)
{
	sqlite3_stmt *stmt;
	int unread = m->direction == HARK_DIR_IN && !m->seen;

	stmt = store_stmt(st, "INSERT INTO conversations (contact_id, unread,"
	    " last_activity, channels) VALUES (?1, ?2, ?3, ?4)"
	    " ON CONFLICT (contact_id) DO UPDATE SET"
	    " unread = unread + excluded.unread,"
	    " last_activity = max(last_activity, excluded.last_activity),"
	    " channels = channels | excluded.channels", insert_what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, m->contact_id);
	sqlite3_bind_int(stmt, 2, unread);
	sqlite3_bind_int64(stmt, 3, created);
	sqlite3_bind_int(stmt, 4, 1 << m->channel);
	return store_step_done(st, stmt, insert_what, cause);
}

int
store_message_insert_tx(struct store *st, const struct store_message *m,
    int64_t *id, char **cause)
{
	int64_t created = m->created_at ? m->created_at : hark_now_ms(), key = 0;
	int rc;

	if (m->provider == NULL || *m->provider == '\0') {
		set_cause(cause, "%s: no provider given", insert_what);
		return -1;
	}
	if ((unsigned)m->channel >= HARK_CH__COUNT ||
	    (unsigned)m->status >= HARK_ST__COUNT) {
		set_cause(cause, "%s: bad channel or status", insert_what);
		return -1;
	}
	rc = insert_row(st, m, created, id, &key, cause);
	if (rc == 1 && st->bulk)
		return 1;
	if (rc == 0) {
		if (store_message_by_provider_id(st, m->provider, m->provider_id, id,
		    cause) == -1)
			return -1;
		return 0;
	}
	if (rc == -1 ||
	    store_status_history_add(st, *id, m->status, m->error_code,
	    m->error_text, created, cause) != 0 ||
	    insert_fts(st, key, m, cause) != 0 ||
	    insert_conversation(st, m, created, cause) != 0)
		return -1;
	return 1;
}

/*
 * While bulk loading, an insert is the one INSERT (the rest waits for
 * store_bulk_end), atomic by itself: no savepoint, which is most of the
 * cost of a row inside a big transaction.
 */
int
store_message_insert(struct store *st, const struct store_message *m, int64_t *id,
    char **cause)
{
	struct store_tx tx;
	int rc;

	if (st->bulk)
		return store_message_insert_tx(st, m, id, cause);
	if (store_tx_begin(st, &tx, insert_what, cause) != 0)
		return -1;
	rc = store_message_insert_tx(st, m, id, cause);
	if (rc == -1 || store_tx_commit(st, &tx, insert_what, cause) != 0) {
		store_tx_abort(st, &tx);
		return -1;
	}
	return rc;
}

int
store_status_history_add(struct store *st, int64_t id, enum hark_status status,
    const char *error_code, const char *error_text, int64_t at_ms, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot record status";

	stmt = store_stmt(st, "INSERT INTO message_status_history (message_id,"
	    " status, error_code, error_text, at) VALUES (?1, ?2, ?3, ?4, ?5)",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	store_bind_text(stmt, 2, hark_status_name(status));
	store_bind_text(stmt, 3, error_code);
	store_bind_text(stmt, 4, error_text);
	sqlite3_bind_int64(stmt, 5, at_ms);
	return store_step_done(st, stmt, what, cause);
}

static int
status_current(struct store *st, int64_t id, enum hark_status *out, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot change status";
	int rc;

	stmt = store_stmt(st, "SELECT status FROM messages WHERE id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		if (hark_status_parse(store_col_text(stmt, 0), out) != 0)
			*out = HARK_ST_QUEUED;
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		set_cause(cause, "%s: no message #%lld", what, (long long)id);
		rc = -1;
	} else
		rc = store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc;
}

/*
 * Providers report out of order ("delivered" can beat "sent"), so a status
 * only replaces one of lower rank. The first time of each milestone stays.
 */
int
store_message_status_tx(struct store *st, int64_t id, enum hark_status status,
    const char *error_code, const char *error_text, int64_t at_ms, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot change status";
	enum hark_status cur;

	if (status_current(st, id, &cur, cause) != 0)
		return -1;
	if (hark_status_rank(status) <= hark_status_rank(cur))
		return 0;
	stmt = store_stmt(st, "UPDATE messages SET status = ?2,"
	    " error_code = coalesce(?3, error_code),"
	    " error_text = coalesce(?4, error_text),"
	    " sent_at = CASE WHEN ?2 = 'sent' THEN coalesce(sent_at, ?5) ELSE sent_at END,"
	    " delivered_at = CASE WHEN ?2 = 'delivered'"
	    "   THEN coalesce(delivered_at, ?5) ELSE delivered_at END,"
	    " read_at = CASE WHEN ?2 = 'read' THEN coalesce(read_at, ?5) ELSE read_at END"
	    " WHERE id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	store_bind_text(stmt, 2, hark_status_name(status));
	store_bind_text(stmt, 3, error_code);
	store_bind_text(stmt, 4, error_text);
	sqlite3_bind_int64(stmt, 5, at_ms);
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	if (store_status_history_add(st, id, status, error_code, error_text, at_ms,
	    cause) != 0)
		return -1;
	return 1;
}

int
store_message_set_status(struct store *st, int64_t id, enum hark_status status,
    const char *error_code, const char *error_text, int64_t at_ms, char **cause)
{
	struct store_tx tx;
	const char *what = "cannot change status";
	int rc;

	if ((unsigned)status >= HARK_ST__COUNT) {
		set_cause(cause, "%s: unknown status %d", what, (int)status);
		return -1;
	}
	if (at_ms == 0)
		at_ms = hark_now_ms();
	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	rc = store_message_status_tx(st, id, status, error_code, error_text, at_ms,
	    cause);
	if (rc == -1 || store_tx_commit(st, &tx, what, cause) != 0) {
		store_tx_abort(st, &tx);
		return -1;
	}
	return rc;
}

/* One statement, so atomic without a transaction of its own. */
int
store_message_set_accepted(struct store *st, int64_t id, const char *provider_id,
    const struct hark_money *price, int segments, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot record send";

	stmt = store_stmt(st, "UPDATE messages SET"
	    " provider_id = coalesce(?2, provider_id),"
	    " price_micros = CASE WHEN ?3 IS NULL THEN price_micros ELSE ?3 END,"
	    " currency = CASE WHEN ?3 IS NULL THEN currency ELSE ?4 END,"
	    " segments = coalesce(?5, segments) WHERE id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	store_bind_text(stmt, 2, provider_id);
	if (price != NULL) {
		sqlite3_bind_int64(stmt, 3, price->micros);
		if (price->currency[0] != '\0')
			sqlite3_bind_text(stmt, 4, price->currency,
			    (int)strnlen(price->currency, sizeof price->currency),
			    SQLITE_STATIC);
	}
	store_bind_opt(stmt, 5, segments);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		if ((sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_CONSTRAINT)
			set_cause(cause, "%s: provider id %s is already on another "
			    "message", what, provider_id ? provider_id : "");
		else
			store_err(st, cause, what);
		store_stmt_done(st, stmt);
		return -1;
	}
	store_stmt_done(st, stmt);
	if (sqlite3_changes(st->db) == 0) {
		set_cause(cause, "%s: no message #%lld", what, (long long)id);
		return -1;
	}
	return 0;
}
