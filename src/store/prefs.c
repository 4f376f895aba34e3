/*
 * prefs.c — a contact's routing preferences (preferred channel, fallback
 * order, time zone, quiet hours, frequency cap), opt-outs with their date,
 * the count behind a frequency cap, and the fallback watch list.
 */

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static void	prefs_row(sqlite3_stmt *stmt, struct store_prefs *p);

/* The columns prefs_row reads, in order. */
#define PREFS_COLS "contact_id, preferred_channel, fallback_order, timezone," \
	" quiet_start, quiet_end, frequency_cap, cap_period, updated_at" \
	" FROM preferences"

void
store_prefs_clear(struct store_prefs *p)
{
	free(p->fallback);
	free(p->timezone);
	memset(p, 0, sizeof *p);
	p->quiet_start = p->quiet_end = -1;
}

/* Fills p (cleared first) from a row of PREFS_COLS. */
static void
prefs_row(sqlite3_stmt *stmt, struct store_prefs *p)
{
	const char *s;

	store_prefs_clear(p);
	p->contact_id = sqlite3_column_int64(stmt, 0);
	s = store_col_text(stmt, 1);
	p->has_preferred = s != NULL && hark_channel_parse(s, &p->preferred) == 0;
	p->fallback = store_col_strdup(stmt, 2);
	p->timezone = store_col_strdup(stmt, 3);
	if (sqlite3_column_type(stmt, 4) != SQLITE_NULL &&
	    sqlite3_column_type(stmt, 5) != SQLITE_NULL) {
		p->quiet_start = sqlite3_column_int(stmt, 4);
		p->quiet_end = sqlite3_column_int(stmt, 5);
	}
	p->cap = sqlite3_column_int(stmt, 6);
	s = store_col_text(stmt, 7);
	p->cap_days = p->cap > 0 ? (s != NULL && strcmp(s, "week") == 0 ? 7 : 1) : 0;
	p->updated_at = sqlite3_column_int64(stmt, 8);
}

int
store_prefs_get(struct store *st, int64_t contact_id, struct store_prefs *p,
    char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read preferences";
	int rc;

	memset(p, 0, sizeof *p);
	p->quiet_start = p->quiet_end = -1;
	p->contact_id = contact_id;
	stmt = store_stmt(st, "SELECT " PREFS_COLS " WHERE contact_id = ?1", what,
	    cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, contact_id);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		prefs_row(stmt, p);
	return store_read_end(st, stmt, rc, what, cause);
}

int
store_prefs_set(struct store *st, const struct store_prefs *p, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot save preferences";

	stmt = store_stmt(st, "INSERT INTO preferences (contact_id, preferred_channel,"
	    " fallback_order, timezone, quiet_start, quiet_end, frequency_cap,"
	    " cap_period, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
	    " ON CONFLICT (contact_id) DO UPDATE SET"
	    " preferred_channel = excluded.preferred_channel,"
	    " fallback_order = excluded.fallback_order, timezone = excluded.timezone,"
	    " quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end,"
	    " frequency_cap = excluded.frequency_cap,"
	    " cap_period = excluded.cap_period, updated_at = excluded.updated_at",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, p->contact_id);
	store_bind_text(stmt, 2, p->has_preferred ? hark_channel_name(p->preferred) : NULL);
	store_bind_text(stmt, 3, p->fallback != NULL && *p->fallback ? p->fallback : NULL);
	store_bind_text(stmt, 4, p->timezone != NULL && *p->timezone ? p->timezone : NULL);
	if (p->quiet_start >= 0 && p->quiet_end >= 0 && p->quiet_start != p->quiet_end) {
		sqlite3_bind_int(stmt, 5, p->quiet_start);
		sqlite3_bind_int(stmt, 6, p->quiet_end);
	}
	if (p->cap > 0) {
		sqlite3_bind_int(stmt, 7, p->cap);
		store_bind_text(stmt, 8, p->cap_days == 7 ? "week" : "day");
	}
	sqlite3_bind_int64(stmt, 9, hark_now_ms());
	return store_step_done(st, stmt, what, cause);
}

int
store_prefs_each(struct store *st,
    int (*fn)(void *arg, const struct store_prefs *p), void *arg, char **cause)
{
	struct store_prefs p;
	sqlite3_stmt *stmt;
	const char *what = "cannot read preferences";
	int rc, stop = 0;

	/* One pass: a bulk send reads every contact's preferences. */
	stmt = store_stmt(st, "SELECT " PREFS_COLS " ORDER BY contact_id", what,
	    cause);
	if (stmt == NULL)
		return -1;
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&p, 0, sizeof p);
		prefs_row(stmt, &p);
		stop = fn(arg, &p);
		store_prefs_clear(&p);
	}
	return store_each_end(st, stmt, rc, what, cause);
}

/* ---- opt-outs with their date -------------------------------------------------------- */

void
store_optout_clear_struct(struct store_optout *o)
{
	free(o->address);
	free(o->source);
	free(o->reason);
	memset(o, 0, sizeof *o);
}

static void
prefs_optout_row(sqlite3_stmt *stmt, struct store_optout *o)
{
	memset(o, 0, sizeof *o);
	hark_channel_parse(store_col_text(stmt, 0), &o->channel);
	o->address = store_col_strdup(stmt, 1);
	o->at = sqlite3_column_int64(stmt, 2);
	o->source = store_col_strdup(stmt, 3);
	o->reason = store_col_strdup(stmt, 4);
	o->contact_id = sqlite3_column_int64(stmt, 5);
}

int
store_optout_get(struct store *st, enum hark_channel ch, const char *address,
    struct store_optout *o, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot check opt-out";
	int rc;

	stmt = store_stmt(st, "SELECT channel, address, at, source, reason,"
	    " contact_id FROM opt_outs WHERE channel = ?1 AND address = ?2",
	    what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, hark_channel_name(ch));
	store_bind_text(stmt, 2, address);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		prefs_optout_row(stmt, o);
	return store_read_end(st, stmt, rc, what, cause);
}

int
store_optouts_each(struct store *st, int64_t contact_id,
    int (*fn)(void *arg, const struct store_optout *o), void *arg, char **cause)
{
	struct store_optout o;
	sqlite3_stmt *stmt;
	const char *what = "cannot list opt-outs";
	int rc, stop = 0;

	/* An address counts for the contact that owns it now, whatever the
	 * opt-out's contact_id said when it was written. */
	stmt = store_stmt(st, "SELECT o.channel, o.address, o.at, o.source, o.reason,"
	    " coalesce(i.contact_id, o.contact_id) FROM opt_outs o"
	    " LEFT JOIN identities i ON i.address = o.address AND i.kind ="
	    " CASE o.channel WHEN 'email' THEN 'email' WHEN 'whatsapp' THEN"
	    " 'whatsapp' ELSE 'phone' END"
	    " WHERE ?1 = 0 OR i.contact_id = ?1 OR (i.contact_id IS NULL AND"
	    " o.contact_id = ?1) ORDER BY o.at", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, contact_id);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		prefs_optout_row(stmt, &o);
		stop = fn(arg, &o);
		store_optout_clear_struct(&o);
	}
	return store_each_end(st, stmt, rc, what, cause);
}

/* ---- the frequency cap's count --------------------------------------------------------- */

int
store_outbound_since(struct store *st, int64_t contact_id, int64_t since,
    int64_t except_id, int limit, int64_t *times, int *n, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot count messages sent";
	int rc;

	*n = 0;
	/* What went out or is going now; scheduled ones count when they go. */
	stmt = store_stmt(st, "SELECT coalesce(sent_at, created_at) AS t FROM messages"
	    " WHERE contact_id = ?1 AND direction = 'out' AND channel != 'voice'"
	    " AND id != ?2 AND status IN ('queued','sending','sent','delivered',"
	    "'read','undelivered') AND fallback_of IS NULL AND t >= ?3"
	    " ORDER BY t DESC LIMIT ?4", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, contact_id);
	sqlite3_bind_int64(stmt, 2, except_id);
	sqlite3_bind_int64(stmt, 3, since);
	sqlite3_bind_int(stmt, 4, limit);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && *n < limit)
		times[(*n)++] = sqlite3_column_int64(stmt, 0);
	return store_each_end(st, stmt, rc, what, cause);
}

/* ---- holding a job, fallback links and the watch list ---------------------------------- */

int
store_job_hold(struct store *st, int64_t message_id, int64_t run_at,
    const char *why, char **cause)
{
	struct store_tx tx;
	sqlite3_stmt *stmt;
	const char *what = "cannot hold the message";

	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	stmt = store_stmt(st, "UPDATE jobs SET run_at = ?2, last_error = ?3,"
	    " updated_at = ?4 WHERE message_id = ?1 AND state = 'pending'",
	    what, cause);
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, message_id);
	sqlite3_bind_int64(stmt, 2, run_at);
	store_bind_text(stmt, 3, why);
	sqlite3_bind_int64(stmt, 4, hark_now_ms());
	if (store_step_done(st, stmt, what, cause) != 0)
		goto fail;
	stmt = store_stmt(st, "UPDATE messages SET status = 'scheduled',"
	    " scheduled_at = ?2 WHERE id = ?1 AND status IN ('queued','scheduled')",
	    what, cause);
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, message_id);
	sqlite3_bind_int64(stmt, 2, run_at);
	if (store_step_done(st, stmt, what, cause) != 0)
		goto fail;
	return store_tx_commit(st, &tx, what, cause);
fail:
	store_tx_abort(st, &tx);
	return -1;
}

int
store_message_fallback_set(struct store *st, int64_t id, int64_t fallback_of,
    char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot link the fallback message";

	stmt = store_stmt(st, "UPDATE messages SET fallback_of = ?2 WHERE id = ?1",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, fallback_of);
	return store_step_done(st, stmt, what, cause);
}

int
store_message_fallback_of(struct store *st, int64_t id, int64_t *of, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read the fallback link";

	*of = 0;
	stmt = store_stmt(st, "SELECT fallback_of FROM messages WHERE id = ?1",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	return store_step_int64(st, stmt, what, of, cause);
}

int
store_fallbacks_between(struct store *st, int64_t first_id, int64_t last_id,
    int (*fn)(void *arg, int64_t id, int64_t of), void *arg, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read fallback links";
	int rc, stop = 0;

	stmt = store_stmt(st, "SELECT id, fallback_of FROM messages WHERE"
	    " fallback_of IS NOT NULL AND id BETWEEN ?1 AND ?2", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, first_id);
	sqlite3_bind_int64(stmt, 2, last_id);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		stop = fn(arg, sqlite3_column_int64(stmt, 0),
		    sqlite3_column_int64(stmt, 1));
	return store_each_end(st, stmt, rc, what, cause);
}

int
store_watch_set(struct store *st, int64_t message_id, int64_t due_at, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot watch the message for fallback";

	stmt = store_stmt(st, due_at > 0 ?
	    "INSERT INTO route_watch (message_id, due_at) VALUES (?1, ?2)"
	    " ON CONFLICT (message_id) DO UPDATE SET due_at = excluded.due_at" :
	    "DELETE FROM route_watch WHERE message_id = ?1 AND ?2 = 0", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, message_id);
	sqlite3_bind_int64(stmt, 2, due_at);
	return store_step_done(st, stmt, what, cause);
}

int
store_watch_each(struct store *st, int64_t due_before, int limit,
    int (*fn)(void *arg, int64_t message_id, int64_t due_at), void *arg,
    char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read the fallback watch list";
	int64_t ids[256], dues[256];
	int rc, n = 0, i;

	/* Watched messages that are due, or that reached an end (failed:
	 * fall back; delivered or canceled: stop watching). Collected first,
	 * because fn writes to the store. */
	stmt = store_stmt(st, "SELECT w.message_id, w.due_at FROM route_watch w"
	    " JOIN messages m ON m.id = w.message_id WHERE w.due_at <= ?1"
	    " OR m.status IN ('failed','undelivered','delivered','read','canceled')"
	    " ORDER BY w.due_at LIMIT ?2",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, due_before);
	sqlite3_bind_int(stmt, 2, limit < 256 ? limit : 256);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && n < 256) {
		ids[n] = sqlite3_column_int64(stmt, 0);
		dues[n++] = sqlite3_column_int64(stmt, 1);
	}
	rc = store_each_end(st, stmt, rc, what, cause);
	for (i = 0; rc == 0 && i < n; i++) {
		if (fn(arg, ids[i], dues[i]) != 0)
			break;
	}
	return rc;
}

int
store_message_flags_set(struct store *st, int64_t id, unsigned flags, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot record how the message is routed";

	stmt = store_stmt(st, "UPDATE messages SET route_flags = ?2 WHERE id = ?1",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, (int)flags);
	return store_step_done(st, stmt, what, cause);
}

int
store_message_flags(struct store *st, int64_t id, unsigned *flags, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read how the message is routed";
	int64_t v = 0;

	*flags = 0;
	stmt = store_stmt(st, "SELECT route_flags FROM messages WHERE id = ?1",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	if (store_step_int64(st, stmt, what, &v, cause) < 0)
		return -1;
	*flags = (unsigned)v;
	return 0;
}
