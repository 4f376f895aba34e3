/* check.c — `hark db check`: integrity, FTS index, schema version and row counts. */

#include <string.h>

#include "store_int.h"

static int	check_integrity(struct store *st, struct hbuf *out, char **cause);
static int	check_fts(struct store *st, struct hbuf *out);
static int	check_counts(struct store *st, struct hbuf *out, char **cause);
static int	check_count_one(struct store *st, const char *table, int64_t *n);

/* 1 when SQLite found problems (each listed), 0 when "ok", -1 when it could not run. */
static int
check_integrity(struct store *st, struct hbuf *out, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot check database";
	const char *line;
	int rc, bad = 0;

	stmt = store_stmt(st, "PRAGMA integrity_check", what, cause);
	if (stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		line = store_col_text(stmt, 0);
		if (line == NULL)
			continue;
		hbuf_printf(out, "integrity: %s\n", line);
		if (strcmp(line, "ok") != 0)
			bad = 1;
	}
	if (rc != SQLITE_DONE) {
		store_err(st, cause, what);
		store_stmt_done(st, stmt);
		return -1;
	}
	store_stmt_done(st, stmt);
	return bad;
}

/*
 * FTS5's integrity-check with rank 1 compares the index with the messages
 * it was built from: a search that silently misses messages shows here.
 * It is phrased as an INSERT, so a read-only store skips it.
 */
static int
check_fts(struct store *st, struct hbuf *out)
{
	if (st->flags & STORE_READONLY) {
		hbuf_adds(out, "search index: not checked (read-only)\n");
		return 0;
	}
	if (sqlite3_exec(st->db, "INSERT INTO messages_fts (messages_fts, rank)"
	    " VALUES ('integrity-check', 1)", NULL, NULL, NULL) == SQLITE_OK) {
		hbuf_adds(out, "search index: ok\n");
		return 0;
	}
	hbuf_printf(out, "search index: %s\n", sqlite3_errmsg(st->db));
	return 1;
}

static int
check_count_one(struct store *st, const char *table, int64_t *n)
{
	sqlite3_stmt *stmt;
	char *sql;
	int rc;

	sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", table);
	if (sql == NULL)
		hark_fatal("out of memory");
	rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Every ordinary table, by name; FTS5's own shadow tables are left out. */
static int
check_counts(struct store *st, struct hbuf *out, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot count rows";
	int rc;
	int64_t n;

	stmt = store_stmt(st, "SELECT name FROM sqlite_schema WHERE type = 'table'"
	    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
	    " AND name NOT LIKE 'messages\\_fts%' ESCAPE '\\' ORDER BY name",
	    what, cause);
	if (stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (check_count_one(st, store_col_text(stmt, 0), &n) != 0) {
			store_err(st, cause, what);
			store_stmt_done(st, stmt);
			return -1;
		}
		hbuf_printf(out, "%-24s %lld\n", store_col_text(stmt, 0), (long long)n);
	}
	if (rc != SQLITE_DONE)
		store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_check(struct store *st, struct hbuf *out, char **cause)
{
	int bad, fts;

	if ((bad = check_integrity(st, out, cause)) == -1)
		return -1;
	fts = bad ? 0 : check_fts(st, out);
	hbuf_printf(out, "schema: %d (this hark knows %d)\n",
	    store_schema_version(st), store_schema_latest());
	if (check_counts(st, out, cause) != 0)
		return -1;
	return bad || fts ? 1 : 0;
}
