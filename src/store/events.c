/* events.c — the append-only events journal clients catch up from, and the audit log. */

#include <string.h>

#include "store_int.h"

int
store_event_append(struct store *st, const char *kind, int64_t message_id,
    int64_t contact_id, const char *payload, int64_t *id, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot record event";

	if (kind == NULL || *kind == '\0') {
		set_cause(cause, "%s: no kind given", what);
		return -1;
	}
	stmt = store_stmt(st, "INSERT INTO events (at, kind, message_id, contact_id,"
	    " payload) VALUES (?1, ?2, ?3, ?4, ?5)", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, hark_now_ms());
	store_bind_text(stmt, 2, kind);
	store_bind_opt(stmt, 3, message_id);
	store_bind_opt(stmt, 4, contact_id);
	store_bind_text(stmt, 5, payload);
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/*
 * Bounded by the last id at the start, so a callback that appends events
 * of its own does not feed this loop forever.
 */
int
store_events_since(struct store *st, int64_t after_id, int limit,
    int (*fn)(void *arg, const struct store_event *e), void *arg, char **cause)
{
	struct store_event e;
	sqlite3_stmt *stmt;
	const char *what = "cannot read events";
	int rc = SQLITE_DONE, stop = 0;

	stmt = store_stmt(st, "SELECT id, at, kind, coalesce(message_id, 0),"
	    " coalesce(contact_id, 0), payload FROM events WHERE id > ?1"
	    " AND id <= (SELECT max(id) FROM events) ORDER BY id LIMIT ?2",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, after_id);
	sqlite3_bind_int(stmt, 2, limit > 0 ? limit : -1);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.id = sqlite3_column_int64(stmt, 0);
		e.at = sqlite3_column_int64(stmt, 1);
		e.kind = store_col_text(stmt, 2);
		e.message_id = sqlite3_column_int64(stmt, 3);
		e.contact_id = sqlite3_column_int64(stmt, 4);
		e.payload = store_col_text(stmt, 5);
		stop = fn(arg, &e);
	}
	if (!stop && rc != SQLITE_DONE)
		store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return stop || rc == SQLITE_DONE ? 0 : -1;
}

int64_t
store_events_last_id(struct store *st)
{
	sqlite3_stmt *stmt;
	int64_t id = 0;

	stmt = store_stmt(st, "SELECT coalesce(max(id), 0) FROM events", "", NULL);
	if (stmt == NULL)
		return 0;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);
	store_stmt_done(st, stmt);
	return id;
}

int
store_audit(struct store *st, const char *actor, const char *action,
    const char *detail, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot write audit log";

	if (actor == NULL || action == NULL) {
		set_cause(cause, "%s: no actor or action given", what);
		return -1;
	}
	stmt = store_stmt(st, "INSERT INTO audit_log (at, actor, action, detail)"
	    " VALUES (?1, ?2, ?3, ?4)", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, hark_now_ms());
	store_bind_text(stmt, 2, actor);
	store_bind_text(stmt, 3, action);
	store_bind_text(stmt, 4, detail);
	return store_step_done(st, stmt, what, cause);
}
