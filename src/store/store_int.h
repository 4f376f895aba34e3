/* store_int.h — what the store's files share: the handle, the statement cache, transactions. */
#ifndef HARK_STORE_INT_H
#define HARK_STORE_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "hark/store.h"

/*
 * Prepared statements are cached by the address of their SQL text, which is
 * a string literal at each call site and so never moves. The table is open
 * addressing on that pointer; it only grows by migration-sized amounts of
 * new SQL, so a fixed size that aborts when full (a bug) is enough.
 */
#define STORE_STMT_SLOTS 256

struct store_stmt_slot {
	const char *sql;
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;
	char *path;
	unsigned flags;
	struct store_stmt_slot slots[STORE_STMT_SLOTS];
	int nslots;
	/*
	 * Statements prepared because their cached copy was busy (a callback
	 * running inside an iteration asked for the same SQL). Finalised by
	 * store_stmt_done.
	 */
	sqlite3_stmt **extra;
	int nextra;
	/* Bulk loading: messages with id > bulk_marker have no FTS entry yet. */
	int bulk;
	int64_t bulk_marker;
	/* blob_batch.c: files written for a batch, made durable before commit */
	int blob_batch;
	struct store_blob_pending *pending;
	int npending;
	int nsynced;                  /* the one a failed sync was at */
	/* exchange_import.c: the columns an import asked the schema about */
	struct store_xcol *xcols;
	int nxcols;
};

/*
 * An atomic change: its own BEGIN IMMEDIATE when no transaction is open,
 * else a savepoint inside the caller's, so a failure undoes only this call.
 */
struct store_tx {
	int own;
};

/* The statements of one migration, NULL-terminated (schema.c); NULL past the end. */
const char *const *store_schema_migration(int version);
/* Migrations 3 and later, each in the file of the work that needs it. */
extern const char *const store_migration3[]; /* schema_email.c */
extern const char *const store_migration4[]; /* schema_routing.c */
extern const char *const store_migration5[]; /* schema_rules.c */
extern const char *const store_migration6[]; /* schema_templates.c */
extern const char *const store_migration7[]; /* schema_reports.c */

/*
 * Returns the cached statement for sql (preparing it on first use), or NULL
 * with cause "<what>: <sqlite message>". Hand it back with store_stmt_done,
 * which resets it and clears its bindings.
 */
sqlite3_stmt *store_stmt(struct store *st, const char *sql, const char *what,
    char **cause);
void store_stmt_done(struct store *st, sqlite3_stmt *stmt);
/* Finalises every cached statement (before close). */
void store_stmt_free_all(struct store *st);
/* Frees what exchange_import.c learnt of the schema (before close). */
void store_xcols_free(struct store *st);
/* blob_batch.c: store_blob_put while a batch is open: 1 already noted, 0
 * written to a temporary name beside path, -1 (errno). */
struct store_blob_pending;
int store_blob_batch_put(struct store *st, const char *dir, const char *path,
    const void *data, size_t len);
/* blob_batch.c: writes data to a new file tmp (0600), fsynced when sync;
 * 0, or -1 with errno and tmp removed. */
int store_blob_write(const char *tmp, const void *data, size_t len, int sync);
/* fsync of the file (or, dir 1, the directory) at path; 0 or -1 with errno. */
int store_fsync_path(const char *path, int dir);

/* Runs a statement that returns no rows; 0 or -1 with cause "<what>: ...". */
int store_step_done(struct store *st, sqlite3_stmt *stmt, const char *what,
    char **cause);
/*
 * Ends a read: rc is the statement's last sqlite3_step result. Hands the
 * statement back (store_stmt_done) and returns 1 on SQLITE_ROW (the row was
 * read before this call, or a loop stopped early), 0 on SQLITE_DONE, else
 * -1 with cause "<what>: ...".
 */
int store_read_end(struct store *st, sqlite3_stmt *stmt, int rc, const char *what,
    char **cause);
/* store_read_end for a loop over rows: 0 whether the rows ran out or the
 * loop stopped early, else -1. */
int store_each_end(struct store *st, sqlite3_stmt *stmt, int rc, const char *what,
    char **cause);
/* Steps a bound query of one row and one column and hands it back: 1 with
 * *out set, 0 when there is no row or the value is NULL (*out untouched), -1. */
int store_step_int64(struct store *st, sqlite3_stmt *stmt, const char *what,
    int64_t *out, char **cause);
/* Runs cached sql with no parameters to completion. */
int store_exec(struct store *st, const char *sql, const char *what, char **cause);
/* Sets *cause to "<what>: <reason>" from the connection's last error; returns -1. */
int store_err(struct store *st, char **cause, const char *what);

int store_tx_begin(struct store *st, struct store_tx *tx, const char *what,
    char **cause);
int store_tx_commit(struct store *st, struct store_tx *tx, const char *what,
    char **cause);
/* Undoes everything since store_tx_begin; keeps any cause already set. */
void store_tx_abort(struct store *st, struct store_tx *tx);

/* Binds text, or NULL when s is NULL. */
void store_bind_text(sqlite3_stmt *stmt, int i, const char *s);
/* Binds an integer, or NULL when v is 0 (times and ids that are "not set"). */
void store_bind_opt(sqlite3_stmt *stmt, int i, int64_t v);
/* Column text as a new string, NULL for SQL NULL. */
char *store_col_strdup(sqlite3_stmt *stmt, int i);
/* Column text borrowed from the statement (valid until the next step), or NULL. */
const char *store_col_text(sqlite3_stmt *stmt, int i);

/* The contact's name as a new string, or NULL when there is none. */
char *store_contact_name(struct store *st, int64_t id);

/* Name ↔ enum for job states ("pending", ...); -1 when unknown. */
int store_job_state_parse(const char *s);

/* Internal insert shared by store_message_insert and the outbox: no dedupe
 * lookup of its own beyond the unique index, runs inside the caller's tx. */
int store_message_insert_tx(struct store *st, const struct store_message *m,
    int64_t *id, char **cause);
/* Forward-only status move inside the caller's tx: 1 changed, 0 ignored, -1. */
int store_message_status_tx(struct store *st, int64_t id, enum hark_status status,
    const char *error_code, const char *error_text, int64_t at_ms, char **cause);
/* A template version's A/B variants (template_variants.c): check before a
 * save, insert with a new version, load into t (by t->version_id), compare
 * (1 same, 0 different, -1), free. */
int tplv_check(const struct store_template *t, char **cause);
int tplv_insert(struct store *st, int64_t version_id, const struct store_template *t,
    char **cause);
int tplv_load(struct store *st, struct store_template *t, char **cause);
int tplv_same(struct store *st, int64_t version_id, const struct store_template *t,
    char **cause);
void tplv_free(struct store_template *t);
/* Records a status in the history (inside the caller's tx). */
int store_status_history_add(struct store *st, int64_t id, enum hark_status status,
    const char *error_code, const char *error_text, int64_t at_ms, char **cause);

#endif
