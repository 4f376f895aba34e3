/* stmt.c — the store's statement cache, transactions and error messages. */

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static size_t	stmt_hash(const char *sql);
static int	stmt_is_extra(struct store *st, sqlite3_stmt *stmt);
static const char *err_reason(struct store *st);

static size_t
stmt_hash(const char *sql)
{
	uintptr_t p = (uintptr_t)sql;

	p ^= p >> 17;
	p *= 0x9e3779b1u;
	return (size_t)(p >> 7) % STORE_STMT_SLOTS;
}

/*
 * A cached statement that is busy belongs to an iteration further up the
 * stack (a callback asked for the same SQL): give this caller its own copy
 * rather than resetting the outer one under it.
 */
sqlite3_stmt *
store_stmt(struct store *st, const char *sql, const char *what, char **cause)
{
	struct store_stmt_slot *slot;
	sqlite3_stmt *stmt;
	size_t i;

	i = stmt_hash(sql);
	while (st->slots[i].sql != NULL && st->slots[i].sql != sql)
		i = (i + 1) % STORE_STMT_SLOTS;
	slot = &st->slots[i];
	if (slot->sql != NULL && !sqlite3_stmt_busy(slot->stmt))
		return slot->stmt;

	if (sqlite3_prepare_v3(st->db, sql, -1,
	    slot->sql == NULL ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, NULL) != SQLITE_OK) {
		store_err(st, cause, what);
		return NULL;
	}
	if (slot->sql == NULL) {
		if (st->nslots >= STORE_STMT_SLOTS * 3 / 4)
			hark_fatal("store: statement cache is full");
		slot->sql = sql;
		slot->stmt = stmt;
		st->nslots++;
		return stmt;
	}
	st->extra = xreallocarray(st->extra, (size_t)st->nextra + 1, sizeof *st->extra);
	st->extra[st->nextra++] = stmt;
	return stmt;
}

static int
stmt_is_extra(struct store *st, sqlite3_stmt *stmt)
{
	int i;

	for (i = 0; i < st->nextra; i++) {
		if (st->extra[i] == stmt) {
			st->extra[i] = st->extra[--st->nextra];
			return 1;
		}
	}
	return 0;
}

void
store_stmt_done(struct store *st, sqlite3_stmt *stmt)
{
	if (stmt == NULL)
		return;
	if (st->nextra > 0 && stmt_is_extra(st, stmt)) {
		sqlite3_finalize(stmt);
		return;
	}
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

void
store_stmt_free_all(struct store *st)
{
	int i;

	for (i = 0; i < STORE_STMT_SLOTS; i++) {
		if (st->slots[i].stmt != NULL)
			sqlite3_finalize(st->slots[i].stmt);
		st->slots[i].sql = NULL;
		st->slots[i].stmt = NULL;
	}
	st->nslots = 0;
	for (i = 0; i < st->nextra; i++)
		sqlite3_finalize(st->extra[i]);
	free(st->extra);
	st->extra = NULL;
	st->nextra = 0;
}

/* SQLite says "database or disk is full"; a person wants to know which. */
static const char *
err_reason(struct store *st)
{
	switch (sqlite3_extended_errcode(st->db) & 0xff) {
	case SQLITE_FULL:
		return "disk is full";
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return "database is locked";
	case SQLITE_READONLY:
		return "database is read-only";
	default:
		return sqlite3_errmsg(st->db);
	}
}

/*
 * An I/O error says little by itself; the system's errno (no space left,
 * file too large, read-only file system) tells a person what to do.
 */
int
store_err(struct store *st, char **cause, const char *what)
{
	int sys = sqlite3_system_errno(st->db);

	if ((sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_IOERR && sys != 0)
		set_cause(cause, "%s: disk I/O error (%s)", what, strerror(sys));
	else if ((sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_IOERR)
		/* SQLite does not always keep errno for a failed write. */
		set_cause(cause, "%s: disk I/O error (is the disk full?)", what);
	else
		set_cause(cause, "%s: %s", what, err_reason(st));
	return -1;
}

int
store_step_done(struct store *st, sqlite3_stmt *stmt, const char *what, char **cause)
{
	int rc;

	rc = sqlite3_step(stmt);
	while (rc == SQLITE_ROW)
		rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE) {
		store_err(st, cause, what);
		store_stmt_done(st, stmt);
		return -1;
	}
	store_stmt_done(st, stmt);
	return 0;
}

int
store_read_end(struct store *st, sqlite3_stmt *stmt, int rc, const char *what,
    char **cause)
{
	int ret;

	/* The error is read before the reset, as store_step_done does. */
	if (rc == SQLITE_ROW)
		ret = 1;
	else if (rc == SQLITE_DONE)
		ret = 0;
	else
		ret = store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return ret;
}

int
store_each_end(struct store *st, sqlite3_stmt *stmt, int rc, const char *what,
    char **cause)
{
	return store_read_end(st, stmt, rc, what, cause) < 0 ? -1 : 0;
}

int
store_step_int64(struct store *st, sqlite3_stmt *stmt, const char *what,
    int64_t *out, char **cause)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) == SQLITE_NULL)
		rc = SQLITE_DONE;
	else if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	return store_read_end(st, stmt, rc, what, cause);
}

int
store_exec(struct store *st, const char *sql, const char *what, char **cause)
{
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql, what, cause)) == NULL)
		return -1;
	return store_step_done(st, stmt, what, cause);
}

int
store_tx_begin(struct store *st, struct store_tx *tx, const char *what, char **cause)
{
	tx->own = sqlite3_get_autocommit(st->db);
	if (tx->own)
		return store_exec(st, "BEGIN IMMEDIATE", what, cause);
	return store_exec(st, "SAVEPOINT hark_call", what, cause);
}

int
store_tx_commit(struct store *st, struct store_tx *tx, const char *what, char **cause)
{
	int rc;

	if (tx->own)
		rc = store_exec(st, "COMMIT", what, cause);
	else
		rc = store_exec(st, "RELEASE hark_call", what, cause);
	if (rc != 0)
		store_tx_abort(st, tx);
	return rc;
}

/*
 * Some errors (disk full, I/O) make SQLite roll back the whole transaction
 * by itself; then there is nothing left to undo here.
 */
void
store_tx_abort(struct store *st, struct store_tx *tx)
{
	if (sqlite3_get_autocommit(st->db))
		return;
	if (tx->own) {
		store_exec(st, "ROLLBACK", "rollback", NULL);
		return;
	}
	if (store_exec(st, "ROLLBACK TO hark_call", "rollback", NULL) == 0)
		store_exec(st, "RELEASE hark_call", "rollback", NULL);
}

void
store_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(stmt, i);
	else
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
}

void
store_bind_opt(sqlite3_stmt *stmt, int i, int64_t v)
{
	if (v == 0)
		sqlite3_bind_null(stmt, i);
	else
		sqlite3_bind_int64(stmt, i, v);
}

char *
store_col_strdup(sqlite3_stmt *stmt, int i)
{
	return xstrdup(store_col_text(stmt, i));
}

const char *
store_col_text(sqlite3_stmt *stmt, int i)
{
	return (const char *)sqlite3_column_text(stmt, i);
}
