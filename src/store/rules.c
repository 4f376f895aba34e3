/*
 * rules.c — the automation rules' state (migration 5): which rules are
 * enabled, what each fired or skipped for whom (rule_log), what is due
 * later (rule_timers), and how far the rules engine has read the journal.
 */

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* ---- enabled ----------------------------------------------------------------------- */

int
store_rule_enabled(struct store *st, const char *name, char **cause)
{
	const char *what = "cannot read rule";
	sqlite3_stmt *stmt;
	int64_t on = 1;
	int rc;

	stmt = store_stmt(st, "SELECT enabled FROM rules WHERE name = ?1", what,
	    cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, name);
	rc = store_step_int64(st, stmt, what, &on, cause);
	return rc < 0 ? -1 : on != 0;
}

int
store_rule_set_enabled(struct store *st, const char *name, int on,
    const char *definition, char **cause)
{
	const char *what = "cannot change rule";
	sqlite3_stmt *stmt;

	stmt = store_stmt(st, "INSERT INTO rules (name, enabled, definition,"
	    " created_at) VALUES (?1, ?2, coalesce(?3, ''), ?4) ON CONFLICT (name)"
	    " DO UPDATE SET enabled = excluded.enabled, definition ="
	    " coalesce(?3, definition)", what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, name);
	sqlite3_bind_int(stmt, 2, on != 0);
	store_bind_text(stmt, 3, definition);
	sqlite3_bind_int64(stmt, 4, hark_now_ms());
	return store_step_done(st, stmt, what, cause);
}

/* ---- the log ----------------------------------------------------------------------- */

int
store_rule_log_add(struct store *st, const char *rule, int64_t contact_id, int step,
    int fired, int64_t message_id, const char *detail, char **cause)
{
	const char *what = "cannot record what a rule did";
	sqlite3_stmt *stmt;

	stmt = store_stmt(st, "INSERT INTO rule_log (at, rule, contact_id, step,"
	    " outcome, message_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, hark_now_ms());
	store_bind_text(stmt, 2, rule);
	sqlite3_bind_int64(stmt, 3, contact_id);
	sqlite3_bind_int(stmt, 4, step);
	store_bind_text(stmt, 5, fired ? "fired" : "skipped");
	store_bind_opt(stmt, 6, message_id);
	store_bind_text(stmt, 7, detail);
	return store_step_done(st, stmt, what, cause);
}

int
store_rule_last_fired(struct store *st, const char *rule, int64_t contact_id,
    int64_t *at, char **cause)
{
	const char *what = "cannot read rule log";
	sqlite3_stmt *stmt;

	stmt = store_stmt(st, "SELECT max(at) FROM rule_log WHERE rule = ?1 AND"
	    " contact_id = ?2 AND step = 0 AND outcome = 'fired'", what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, rule);
	sqlite3_bind_int64(stmt, 2, contact_id);
	return store_step_int64(st, stmt, what, at, cause);
}

int
store_rule_sends_since(struct store *st, int64_t contact_id, int64_t since,
    int *n, char **cause)
{
	const char *what = "cannot read rule log";
	sqlite3_stmt *stmt;
	int64_t v = 0;

	stmt = store_stmt(st, "SELECT count(*) FROM rule_log WHERE contact_id = ?1"
	    " AND at >= ?2 AND message_id IS NOT NULL", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, contact_id);
	sqlite3_bind_int64(stmt, 2, since);
	if (store_step_int64(st, stmt, what, &v, cause) < 0)
		return -1;
	*n = (int)v;
	return 0;
}

int
store_rule_sent(struct store *st, int64_t message_id, char **cause)
{
	const char *what = "cannot read rule log";
	sqlite3_stmt *stmt;
	int64_t v = 0;

	stmt = store_stmt(st, "SELECT 1 FROM rule_log WHERE message_id = ?1", what,
	    cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, message_id);
	return store_step_int64(st, stmt, what, &v, cause);
}

int
store_rule_stats(struct store *st, const char *rule, struct store_rule_stats *s,
    char **cause)
{
	const char *what = "cannot read rule log";
	sqlite3_stmt *stmt;
	int rc;

	memset(s, 0, sizeof *s);
	/* A step that ran is one 'fired' row without a message; each message
	 * it sent has a row of its own. */
	stmt = store_stmt(st, "SELECT coalesce(sum(outcome = 'fired' AND"
	    " message_id IS NULL), 0),"
	    " coalesce(sum(outcome = 'skipped'), 0), coalesce(sum(message_id IS"
	    " NOT NULL), 0), max(CASE WHEN outcome = 'fired' THEN at END)"
	    " FROM rule_log WHERE rule = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, rule);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		s->fired = sqlite3_column_int(stmt, 0);
		s->skipped = sqlite3_column_int(stmt, 1);
		s->sent = sqlite3_column_int(stmt, 2);
		s->last_fired = sqlite3_column_int64(stmt, 3);
	}
	return store_each_end(st, stmt, rc, what, cause);
}

/* ---- timers ------------------------------------------------------------------------- */

void
store_rule_timer_clear(struct store_rule_timer *t)
{
	free(t->rule);
	free(t->channel);
	free(t->spec);
	memset(t, 0, sizeof *t);
}

int
store_rule_timer_add(struct store *st, const struct store_rule_timer *t,
    char **cause)
{
	const char *what = "cannot record a rule's timer";
	sqlite3_stmt *stmt;

	stmt = store_stmt(st, "INSERT OR IGNORE INTO rule_timers (rule, contact_id,"
	    " step, due_at, since_at, ref, channel, spec) VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6, ?7, ?8)", what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, t->rule);
	sqlite3_bind_int64(stmt, 2, t->contact_id);
	sqlite3_bind_int(stmt, 3, t->step);
	sqlite3_bind_int64(stmt, 4, t->due_at);
	sqlite3_bind_int64(stmt, 5, t->since_at);
	sqlite3_bind_int64(stmt, 6, t->ref);
	store_bind_text(stmt, 7, t->channel);
	store_bind_text(stmt, 8, t->spec);
	return store_step_done(st, stmt, what, cause);
}

static void
timer_read(sqlite3_stmt *stmt, struct store_rule_timer *t)
{
	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(stmt, 0);
	t->rule = store_col_strdup(stmt, 1);
	t->contact_id = sqlite3_column_int64(stmt, 2);
	t->step = sqlite3_column_int(stmt, 3);
	t->due_at = sqlite3_column_int64(stmt, 4);
	t->since_at = sqlite3_column_int64(stmt, 5);
	t->ref = sqlite3_column_int64(stmt, 6);
	t->channel = store_col_strdup(stmt, 7);
	t->spec = store_col_strdup(stmt, 8);
}

#define TIMER_COLS "id, rule, contact_id, step, due_at, since_at, ref, channel, spec"

/* Reads into an array first: fn may add and delete timers. */
int
store_rule_timers_due(struct store *st, int64_t now, int limit,
    int (*fn)(void *arg, const struct store_rule_timer *t), void *arg,
    char **cause)
{
	const char *what = "cannot read rule timers";
	struct store_rule_timer *ts = NULL;
	sqlite3_stmt *stmt;
	int n = 0, i, rc, stop = 0;

	stmt = store_stmt(st, "SELECT " TIMER_COLS " FROM rule_timers WHERE"
	    " due_at <= ?1 ORDER BY due_at, id LIMIT ?2", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, now);
	sqlite3_bind_int(stmt, 2, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		ts = xreallocarray(ts, (size_t)n + 1, sizeof *ts);
		timer_read(stmt, &ts[n++]);
	}
	rc = store_each_end(st, stmt, rc, what, cause);
	for (i = 0; i < n; i++) {
		if (rc == 0 && !stop)
			stop = fn(arg, &ts[i]);
		store_rule_timer_clear(&ts[i]);
	}
	free(ts);
	return rc;
}

int
store_rule_timer_find(struct store *st, const char *rule, int64_t contact_id,
    struct store_rule_timer *t, char **cause)
{
	const char *what = "cannot read rule timers";
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_stmt(st, "SELECT " TIMER_COLS " FROM rule_timers WHERE"
	    " rule = ?1 AND contact_id = ?2 ORDER BY due_at LIMIT 1", what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, rule);
	sqlite3_bind_int64(stmt, 2, contact_id);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		timer_read(stmt, t);
	return store_read_end(st, stmt, rc, what, cause);
}

int
store_rule_timer_delete(struct store *st, int64_t id, char **cause)
{
	const char *what = "cannot remove a rule's timer";
	sqlite3_stmt *stmt;

	stmt = store_stmt(st, "DELETE FROM rule_timers WHERE id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	return store_step_done(st, stmt, what, cause);
}

int
store_rule_timer_next(struct store *st, int64_t *at, char **cause)
{
	const char *what = "cannot read rule timers";
	sqlite3_stmt *stmt;

	stmt = store_stmt(st, "SELECT min(due_at) FROM rule_timers", what, cause);
	if (stmt == NULL)
		return -1;
	return store_step_int64(st, stmt, what, at, cause);
}

/* ---- the journal cursor and the facts rules ask about ---------------------------------- */

int
store_rule_cursor(struct store *st, int64_t *event_id, char **cause)
{
	const char *what = "cannot read the rules' cursor";
	sqlite3_stmt *stmt;

	stmt = store_stmt(st, "SELECT event_id FROM rule_cursor WHERE id = 1", what,
	    cause);
	if (stmt == NULL)
		return -1;
	return store_step_int64(st, stmt, what, event_id, cause);
}

int
store_rule_cursor_set(struct store *st, int64_t event_id, char **cause)
{
	const char *what = "cannot move the rules' cursor";
	sqlite3_stmt *stmt;

	stmt = store_stmt(st, "INSERT INTO rule_cursor (id, event_id) VALUES (1, ?1)"
	    " ON CONFLICT (id) DO UPDATE SET event_id = excluded.event_id", what,
	    cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, event_id);
	return store_step_done(st, stmt, what, cause);
}

int
store_inbound_after(struct store *st, int64_t contact_id, int64_t since,
    int64_t *at, char **cause)
{
	const char *what = "cannot read messages";
	sqlite3_stmt *stmt;

	stmt = store_stmt(st, "SELECT min(created_at) FROM messages WHERE"
	    " contact_id = ?1 AND direction = 'in' AND created_at > ?2", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, contact_id);
	sqlite3_bind_int64(stmt, 2, since);
	return store_step_int64(st, stmt, what, at, cause);
}

int
store_message_newer(struct store *st, int64_t contact_id, int64_t message_id,
    enum hark_direction dir, char **cause)
{
	const char *what = "cannot read messages";
	sqlite3_stmt *stmt;
	int64_t v;

	stmt = store_stmt(st, "SELECT 1 FROM messages WHERE contact_id = ?1 AND"
	    " id > ?2 AND direction = ?3 AND channel != 'voice' LIMIT 1", what,
	    cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, contact_id);
	sqlite3_bind_int64(stmt, 2, message_id);
	store_bind_text(stmt, 3, hark_direction_name(dir));
	return store_step_int64(st, stmt, what, &v, cause);
}

int
store_inbound_repeat(struct store *st, const struct store_message *m,
    int64_t window_ms, char **cause)
{
	const char *what = "cannot read messages";
	sqlite3_stmt *stmt;
	int64_t v;

	stmt = store_stmt(st, "SELECT 1 FROM messages WHERE contact_id = ?1 AND"
	    " direction = 'in' AND id != ?2 AND body = ?3 AND created_at"
	    " BETWEEN ?4 AND ?5 LIMIT 1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, m->contact_id);
	sqlite3_bind_int64(stmt, 2, m->id);
	store_bind_text(stmt, 3, m->body);
	sqlite3_bind_int64(stmt, 4, m->created_at - window_ms);
	sqlite3_bind_int64(stmt, 5, m->created_at);
	return store_step_int64(st, stmt, what, &v, cause);
}

int
store_last_channel(struct store *st, int64_t contact_id, enum hark_channel *ch,
    char **cause)
{
	const char *what = "cannot read messages";
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_stmt(st, "SELECT channel FROM messages WHERE contact_id = ?1"
	    " AND channel != 'voice' ORDER BY created_at DESC, id DESC LIMIT 1",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, contact_id);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW &&
	    hark_channel_parse(store_col_text(stmt, 0), ch) != 0)
		rc = SQLITE_DONE;
	return store_read_end(st, stmt, rc, what, cause);
}
