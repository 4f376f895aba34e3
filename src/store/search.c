/* search.c — full-text search over subjects and bodies, and the bulk path that indexes at the end. */

#include <string.h>

#include "store_int.h"

static void	hit_from_row(sqlite3_stmt *stmt, struct store_hit *h);
static int	bulk_catch_up(struct store *st, const char *sql, const char *what,
		    char **cause);

/*
 * Two steps, because a common word can match most of the history: first the
 * newest `limit` matches, which FTS5 yields straight from its index because
 * its rowid is the time-ordered sort key (no sorting of every match), then
 * a snippet for just those. Ranking by bm25 would score every match and is
 * never done here.
 */
static const char search_sql[] =
	"WITH top (key) AS ("
	"  SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1"
	"  ORDER BY rowid DESC LIMIT ?2)"
	" SELECT m.id, m.contact_id, c.name, m.channel, m.direction, m.created_at,"
	"  m.subject, snippet(messages_fts, -1, char(2), char(3), '…', 16)"
	" FROM top"
	/* CROSS JOIN keeps this order: look up only the LIMIT rows, never run
	 * the MATCH over every hit again (1.1 s to 6 ms for a common word). */
	" CROSS JOIN messages_fts ON messages_fts.rowid = top.key"
	" JOIN messages m ON m.sort_key = top.key"
	" JOIN contacts c ON c.id = m.contact_id"
	" WHERE messages_fts MATCH ?1"
	" ORDER BY top.key DESC";

static void
hit_from_row(sqlite3_stmt *stmt, struct store_hit *h)
{
	memset(h, 0, sizeof *h);
	h->message_id = sqlite3_column_int64(stmt, 0);
	h->contact_id = sqlite3_column_int64(stmt, 1);
	h->contact_name = store_col_text(stmt, 2);
	if (hark_channel_parse(store_col_text(stmt, 3), &h->channel) != 0)
		h->channel = HARK_CH_SMS;
	if (hark_direction_parse(store_col_text(stmt, 4), &h->direction) != 0)
		h->direction = HARK_DIR_IN;
	h->created_at = sqlite3_column_int64(stmt, 5);
	h->subject = store_col_text(stmt, 6);
	h->snippet = store_col_text(stmt, 7);
	if (h->contact_name == NULL)
		h->contact_name = "";
	if (h->snippet == NULL)
		h->snippet = "";
}

/*
 * FTS5 reports a query it cannot parse (or a column it does not know) as a
 * plain SQLITE_ERROR from the first step; anything else is the database's
 * trouble, not the query's.
 */
int
store_search(struct store *st, const char *query, int limit,
    int (*fn)(void *arg, const struct store_hit *h), void *arg, char **cause)
{
	struct store_hit h;
	sqlite3_stmt *stmt;
	const char *what = "cannot search";
	int rc, stop = 0;

	if (query == NULL || query[strspn(query, " \t\n")] == '\0') {
		set_cause(cause, "bad search query '%s': nothing to search for",
		    query ? query : "");
		return -1;
	}
	if (limit <= 0)
		return 0;
	if ((stmt = store_stmt(st, search_sql, what, cause)) == NULL)
		return -1;
	store_bind_text(stmt, 1, query);
	sqlite3_bind_int(stmt, 2, limit);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		hit_from_row(stmt, &h);
		stop = fn(arg, &h);
	}
	if (!stop && rc != SQLITE_DONE) {
		if (sqlite3_extended_errcode(st->db) == SQLITE_ERROR)
			set_cause(cause, "bad search query '%s': %s", query,
			    sqlite3_errmsg(st->db));
		else
			store_err(st, cause, what);
		store_stmt_done(st, stmt);
		return -1;
	}
	store_stmt_done(st, stmt);
	return 0;
}

/*
 * Keeping the index in step row by row costs several times the insert
 * itself; building it once at the end from the rows past the marker is one
 * sequential pass. The first status-history row and the conversation
 * update wait for the end too, so that each insert is a single statement;
 * a message imported with its own history (store_message_import) keeps it.
 */
int
store_bulk_begin(struct store *st, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot start bulk load";

	if (sqlite3_get_autocommit(st->db)) {
		set_cause(cause, "%s: it needs an open transaction", what);
		return -1;
	}
	if (st->bulk) {
		set_cause(cause, "%s: one is already running", what);
		return -1;
	}
	stmt = store_stmt(st, "SELECT coalesce(max(id), 0) FROM messages", what, cause);
	if (stmt == NULL)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_err(st, cause, what);
		store_stmt_done(st, stmt);
		return -1;
	}
	st->bulk_marker = sqlite3_column_int64(stmt, 0);
	st->bulk = 1;
	store_stmt_done(st, stmt);
	/*
	 * A big import touches every index of a growing table: with the usual
	 * 16 MiB cache the index pages fall out and are read back from the OS
	 * for each row. A bulk load may use 256 MiB; store_bulk_end gives it back.
	 */
	store_exec(st, "PRAGMA cache_size = -262144", what, NULL);
	return 0;
}

/* Runs one catch-up statement over the messages past the marker. */
static int
bulk_catch_up(struct store *st, const char *sql, const char *what, char **cause)
{
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql, what, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, st->bulk_marker);
	return store_step_done(st, stmt, what, cause);
}

/*
 * The channel bits are 1 << enum hark_channel (sms, whatsapp, email,
 * voice); a sum of the distinct bits is their OR. NOT INDEXED makes the
 * conversation catch-up a rowid range over the new rows: through the
 * (contact, time) index it read the whole index at every batch.
 */
int
store_bulk_end(struct store *st, char **cause)
{
	struct store_tx tx;
	const char *what = "cannot index imported messages";

	if (!st->bulk) {
		set_cause(cause, "%s: no bulk load is running", what);
		return -1;
	}
	if (sqlite3_get_autocommit(st->db)) {
		set_cause(cause, "%s: it needs an open transaction", what);
		return -1;
	}
	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	if (bulk_catch_up(st, "INSERT INTO messages_fts (rowid, subject, body)"
	    " SELECT sort_key, subject, body FROM messages WHERE id > ?1"
	    " ORDER BY sort_key",
	    what, cause) != 0 ||
	    bulk_catch_up(st, "INSERT INTO message_status_history (message_id,"
	    " status, error_code, error_text, at) SELECT id, status, error_code,"
	    " error_text, created_at FROM messages WHERE id > ?1 AND NOT EXISTS"
	    " (SELECT 1 FROM message_status_history h WHERE h.message_id = messages.id)"
	    " ORDER BY id",
	    what, cause) != 0 ||
	    bulk_catch_up(st, "INSERT INTO conversations (contact_id, unread,"
	    " last_activity, channels) SELECT contact_id,"
	    " sum(direction = 'in' AND seen = 0), max(created_at),"
	    " sum(DISTINCT CASE channel WHEN 'sms' THEN 1 WHEN 'whatsapp' THEN 2"
	    "   WHEN 'email' THEN 4 ELSE 8 END)"
	    " FROM messages NOT INDEXED WHERE id > ?1 GROUP BY contact_id"
	    " ON CONFLICT (contact_id) DO UPDATE SET"
	    " unread = unread + excluded.unread,"
	    " last_activity = max(last_activity, excluded.last_activity),"
	    " channels = channels | excluded.channels", what, cause) != 0 ||
	    store_tx_commit(st, &tx, what, cause) != 0) {
		store_tx_abort(st, &tx);
		return -1;
	}
	st->bulk = 0;
	store_exec(st, "PRAGMA cache_size = -16384", what, NULL);
	return 0;
}
