/*
 * calls.c — the calls row of voice messages (status, duration, recording,
 * the user's outcome and notes) and attachments of messages (MMS media,
 * email parts).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

void
store_call_clear(struct store_call *c)
{
	free(c->contact_name);
	free(c->provider_id);
	free(c->address);
	free(c->status);
	free(c->recording_url);
	free(c->outcome);
	free(c->notes);
	memset(c, 0, sizeof *c);
}

int
store_call_update(struct store *st, int64_t message_id, const char *status,
    int duration_s, const char *recording_url, int bridged, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot record the call";

	/*
	 * A bridged call has two legs: the user's phone (its callbacks) and the
	 * contact's (the Dial action). Once the contact's leg has reported, the
	 * user's leg no longer changes status or duration: "completed" after
	 * 3 s of ringing the user is not what happened with the contact.
	 */
	stmt = store_stmt(st, "INSERT INTO calls (message_id, status, duration_s,"
	    " recording_url, bridged, updated_at) VALUES (?1, coalesce(?2, 'queued'),"
	    " ?3, ?4, ?5, ?6) ON CONFLICT (message_id) DO UPDATE SET"
	    " status = CASE WHEN ?2 IS NULL OR (calls.bridged AND NOT ?5)"
	    "   THEN calls.status ELSE ?2 END,"
	    " duration_s = CASE WHEN ?3 IS NULL OR (calls.bridged AND NOT ?5)"
	    "   THEN calls.duration_s ELSE ?3 END,"
	    " recording_url = coalesce(?4, calls.recording_url),"
	    " bridged = max(calls.bridged, ?5), updated_at = ?6"
	    " WHERE calls.status IS NOT coalesce(?2, calls.status)"
	    "   OR calls.duration_s IS NOT coalesce(?3, calls.duration_s)"
	    "   OR calls.recording_url IS NOT coalesce(?4, calls.recording_url)"
	    "   OR calls.bridged < ?5", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, message_id);
	store_bind_text(stmt, 2, status);
	if (duration_s >= 0)
		sqlite3_bind_int(stmt, 3, duration_s);
	store_bind_text(stmt, 4, recording_url);
	sqlite3_bind_int(stmt, 5, bridged ? 1 : 0);
	sqlite3_bind_int64(stmt, 6, hark_now_ms());
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

#define CALL_COLS \
	"m.id, m.contact_id, c.name, m.direction, m.provider_id," \
	" CASE m.direction WHEN 'in' THEN m.from_addr ELSE m.to_addr END," \
	" k.status, k.duration_s, k.recording_url, k.outcome, k.notes, k.bridged," \
	" m.price_micros, m.currency, m.created_at"

static void
call_from_row(sqlite3_stmt *stmt, struct store_call *c)
{
	enum hark_direction dir = HARK_DIR_OUT;

	memset(c, 0, sizeof *c);
	c->message_id = sqlite3_column_int64(stmt, 0);
	c->contact_id = sqlite3_column_int64(stmt, 1);
	c->contact_name = store_col_strdup(stmt, 2);
	hark_direction_parse(store_col_text(stmt, 3), &dir);
	c->direction = dir;
	c->provider_id = store_col_strdup(stmt, 4);
	c->address = store_col_strdup(stmt, 5);
	c->status = store_col_strdup(stmt, 6);
	c->duration_s = sqlite3_column_type(stmt, 7) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(stmt, 7);
	c->recording_url = store_col_strdup(stmt, 8);
	c->outcome = store_col_strdup(stmt, 9);
	c->notes = store_col_strdup(stmt, 10);
	c->bridged = sqlite3_column_int(stmt, 11);
	if (sqlite3_column_type(stmt, 12) != SQLITE_NULL) {
		c->has_price = 1;
		c->price.micros = sqlite3_column_int64(stmt, 12);
		snprintf(c->price.currency, sizeof c->price.currency, "%s",
		    store_col_text(stmt, 13) ? store_col_text(stmt, 13) : "");
	}
	c->at = sqlite3_column_int64(stmt, 14);
}

int
store_call_get(struct store *st, int64_t message_id, struct store_call *c,
    char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read the call";
	int rc;

	stmt = store_stmt(st, "SELECT " CALL_COLS " FROM calls k"
	    " JOIN messages m ON m.id = k.message_id"
	    " JOIN contacts c ON c.id = m.contact_id WHERE k.message_id = ?1",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, message_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		call_from_row(stmt, c);
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = store_err(st, cause, what);
	}
	store_stmt_done(st, stmt);
	return rc;
}

int
store_call_set_outcome(struct store *st, int64_t message_id, const char *outcome,
    const char *notes, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot record the call's outcome";

	stmt = store_stmt(st, "UPDATE calls SET outcome = ?2, notes = ?3,"
	    " updated_at = ?4 WHERE message_id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, message_id);
	store_bind_text(stmt, 2, outcome);
	store_bind_text(stmt, 3, notes);
	sqlite3_bind_int64(stmt, 4, hark_now_ms());
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	if (sqlite3_changes(st->db) == 0) {
		set_cause(cause, "%s: message %lld is not a call", what,
		    (long long)message_id);
		return -1;
	}
	return 0;
}

int
store_calls_each(struct store *st, int64_t contact_id, int limit,
    int (*fn)(void *arg, const struct store_call *c), void *arg, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot list calls";
	struct store_call c;
	int rc, stop = 0;

	stmt = store_stmt(st, "SELECT " CALL_COLS " FROM calls k"
	    " JOIN messages m ON m.id = k.message_id"
	    " JOIN contacts c ON c.id = m.contact_id"
	    " WHERE ?1 = 0 OR m.contact_id = ?1"
	    " ORDER BY m.created_at DESC, m.id DESC LIMIT ?2", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, contact_id);
	sqlite3_bind_int(stmt, 2, limit > 0 ? limit : -1);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		call_from_row(stmt, &c);
		stop = fn(arg, &c) != 0;
		store_call_clear(&c);
	}
	rc = stop || rc == SQLITE_DONE ? 0 : store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc;
}

/* ---- attachments ------------------------------------------------------------------- */

void
store_attachment_clear(struct store_attachment *a)
{
	free(a->filename);
	free(a->content_type);
	free(a->url);
	free(a->path);
	memset(a, 0, sizeof *a);
}

int
store_attachment_add(struct store *st, const struct store_attachment *a,
    int64_t *id, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot store the attachment";

	stmt = store_stmt(st, "INSERT INTO attachments (message_id, filename,"
	    " content_type, size, url, path) VALUES (?1, ?2,"
	    " coalesce(?3, 'application/octet-stream'), ?4, ?5, ?6)", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, a->message_id);
	store_bind_text(stmt, 2, a->filename);
	store_bind_text(stmt, 3, a->content_type);
	if (a->size >= 0)
		sqlite3_bind_int64(stmt, 4, a->size);
	store_bind_text(stmt, 5, a->url);
	store_bind_text(stmt, 6, a->path);
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static int
attachments_walk(struct store *st, sqlite3_stmt *stmt, const char *what,
    int (*fn)(void *arg, const struct store_attachment *a), void *arg, char **cause)
{
	struct store_attachment a;
	int rc, stop = 0;

	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&a, 0, sizeof a);
		a.id = sqlite3_column_int64(stmt, 0);
		a.message_id = sqlite3_column_int64(stmt, 1);
		a.filename = store_col_strdup(stmt, 2);
		a.content_type = store_col_strdup(stmt, 3);
		a.size = sqlite3_column_type(stmt, 4) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(stmt, 4);
		a.url = store_col_strdup(stmt, 5);
		a.path = store_col_strdup(stmt, 6);
		stop = fn(arg, &a) != 0;
		store_attachment_clear(&a);
	}
	rc = stop || rc == SQLITE_DONE ? 0 : store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc;
}

int
store_attachments_each(struct store *st, int64_t message_id,
    int (*fn)(void *arg, const struct store_attachment *a), void *arg, char **cause)
{
	return store_attachments_between(st, message_id, message_id, fn, arg, cause);
}

int
store_attachments_between(struct store *st, int64_t first_id, int64_t last_id,
    int (*fn)(void *arg, const struct store_attachment *a), void *arg, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot list attachments";

	stmt = store_stmt(st, "SELECT id, message_id, filename, content_type, size,"
	    " url, path FROM attachments WHERE message_id BETWEEN ?1 AND ?2"
	    " ORDER BY message_id, id", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, first_id);
	sqlite3_bind_int64(stmt, 2, last_id);
	return attachments_walk(st, stmt, what, fn, arg, cause);
}

int
store_last_inbound(struct store *st, int64_t contact_id, enum hark_channel ch,
    int64_t *at, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read the last inbound message";
	int rc;

	/* Walks the contact's thread backwards on messages_contact_time. */
	stmt = store_stmt(st, "SELECT created_at FROM messages"
	    " WHERE contact_id = ?1 AND channel = ?2 AND direction = 'in'"
	    " ORDER BY created_at DESC LIMIT 1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, contact_id);
	store_bind_text(stmt, 2, hark_channel_name(ch));
	*at = 0;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*at = sqlite3_column_int64(stmt, 0);
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc;
}

int
store_message_content_set(struct store *st, int64_t id, const char *content_sid,
    const char *content_vars, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot keep the template of the message";

	stmt = store_stmt(st, "UPDATE messages SET content_sid = ?2,"
	    " content_vars = ?3 WHERE id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	store_bind_text(stmt, 2, content_sid);
	store_bind_text(stmt, 3, content_vars);
	return store_step_done(st, stmt, what, cause);
}

int
store_message_content_get(struct store *st, int64_t id, char **content_sid,
    char **content_vars, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read the template of the message";
	int rc;

	*content_sid = *content_vars = NULL;
	stmt = store_stmt(st, "SELECT content_sid, content_vars FROM messages"
	    " WHERE id = ?1 AND content_sid IS NOT NULL", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*content_sid = store_col_strdup(stmt, 0);
		*content_vars = store_col_strdup(stmt, 1);
		rc = 1;
	} else {
		rc = rc == SQLITE_DONE ? 0 : store_err(st, cause, what);
	}
	store_stmt_done(st, stmt);
	return rc;
}
