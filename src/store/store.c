/* store.c — opening hark's database: files, pragmas, migrations, explicit transactions. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_int.h"

static int	open_make_dirs(const char *path, char **cause);
static int	open_create_file(const char *path, char **cause);
static int	open_connect(struct store *st, char **cause);
static int	open_check_version(struct store *st, int *version, char **cause);
static int	open_pragmas(struct store *st, char **cause);
static int	migrate(struct store *st, int from, char **cause);
static int	migrate_one(struct store *st, int version, char **cause);
static int	user_version(struct store *st, int *out, char **cause);

/* Creates every missing parent directory of path with mode 0700. */
static int
open_make_dirs(const char *path, char **cause)
{
	char *dir, *p;

	dir = xstrdup(path);
	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			set_cause(cause, "cannot create %s: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

/*
 * The history holds private conversations: create the file 0600 ourselves
 * (SQLite would use 0644 less the umask). SQLite gives the -wal and -shm
 * files the database file's mode, so they follow.
 */
static int
open_create_file(const char *path, char **cause)
{
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return 0;
		set_cause(cause, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0600) != 0) {
		set_cause(cause, "cannot set mode of %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int
open_connect(struct store *st, char **cause)
{
	int oflags;

	if (st->flags & STORE_READONLY)
		oflags = SQLITE_OPEN_READONLY;
	else
		oflags = SQLITE_OPEN_READWRITE;
	/* A store is used by one thread at a time (its statement cache is
	 * not locked either), so SQLite's own mutexes are pure cost. */
	oflags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(st->path, &st->db, oflags, NULL) != SQLITE_OK) {
		if (st->db == NULL)
			hark_fatal("out of memory opening %s", st->path);
		set_cause(cause, "cannot open %s: %s", st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	return 0;
}

static int
user_version(struct store *st, int *out, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_stmt(st, "PRAGMA user_version", "cannot read schema version", cause);
	if (stmt == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		store_err(st, cause, "cannot read schema version");
		store_stmt_done(st, stmt);
		return -1;
	}
	*out = sqlite3_column_int(stmt, 0);
	store_stmt_done(st, stmt);
	return 0;
}

/*
 * Reads before anything writes: a file that is not SQLite, a database from
 * a newer hark, or another program's database is refused untouched.
 */
static int
open_check_version(struct store *st, int *version, char **cause)
{
	sqlite3_stmt *stmt;
	int latest = store_schema_latest(), foreign = 0;

	if (user_version(st, version, NULL) != 0) {
		if ((sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_NOTADB)
			set_cause(cause, "%s is not a hark database (not SQLite)", st->path);
		else
			store_err(st, cause, st->path);
		return -1;
	}
	if (*version > latest) {
		set_cause(cause, "%s was written by a newer hark (schema %d, this hark "
		    "knows %d)", st->path, *version, latest);
		return -1;
	}
	if (*version == 0) {
		stmt = store_stmt(st, "SELECT 1 FROM sqlite_schema LIMIT 1",
		    st->path, cause);
		if (stmt == NULL)
			return -1;
		foreign = sqlite3_step(stmt) == SQLITE_ROW;
		store_stmt_done(st, stmt);
		if (foreign) {
			set_cause(cause, "%s is a SQLite database but not hark's", st->path);
			return -1;
		}
	}
	if ((st->flags & STORE_READONLY) && *version < latest) {
		set_cause(cause, "%s needs an upgrade (schema %d, this hark knows %d): "
		    "open it once for writing", st->path, *version, latest);
		return -1;
	}
	return 0;
}

/*
 * Savepoint journals stay in memory (temp_store): every call inside a
 * caller's transaction opens one, and a temporary file per call would cost
 * more than the call. synchronous=NORMAL is safe in WAL mode (a power cut may lose the last
 * commits, never corrupt) and is what makes per-webhook commits affordable.
 */
static int
open_pragmas(struct store *st, char **cause)
{
	const char *what = "cannot configure database";

	if (store_exec(st, "PRAGMA foreign_keys = ON", what, cause) != 0)
		return -1;
	if (store_exec(st, "PRAGMA cache_size = -16384", what, cause) != 0 ||
	    store_exec(st, "PRAGMA temp_store = MEMORY", what, cause) != 0)
		return -1;
	if (st->flags & STORE_READONLY)
		return 0;
	if (store_exec(st, "PRAGMA journal_mode = WAL", what, cause) != 0)
		return -1;
	return store_exec(st, "PRAGMA synchronous = NORMAL", what, cause);
}

int
store_open(const char *path, unsigned flags, struct store **out, char **cause)
{
	struct store *st;
	int version;

	*out = NULL;
	if (path == NULL || *path == '\0') {
		set_cause(cause, "no database path given");
		return -1;
	}
	if (!(flags & STORE_READONLY)) {
		if (open_make_dirs(path, cause) != 0)
			return -1;
		if (open_create_file(path, cause) != 0)
			return -1;
	}
	st = xcalloc(1, sizeof *st);
	st->path = xstrdup(path);
	st->flags = flags;
	if (open_connect(st, cause) != 0 ||
	    open_check_version(st, &version, cause) != 0 ||
	    open_pragmas(st, cause) != 0 ||
	    migrate(st, version, cause) != 0) {
		store_close(st);
		return -1;
	}
	*out = st;
	return 0;
}

static int
migrate(struct store *st, int from, char **cause)
{
	int v;

	for (v = from + 1; v <= store_schema_latest(); v++) {
		if (migrate_one(st, v, cause) != 0)
			return -1;
	}
	return 0;
}

/*
 * Another process may be migrating the same file: the version is read
 * again under the write lock, and a migration already applied is skipped.
 */
static int
migrate_one(struct store *st, int version, char **cause)
{
	const char *const *sql;
	char *what, *set;
	int now, rc = -1;

	what = xasprintf("cannot upgrade %s to schema %d", st->path, version);
	if (store_exec(st, "BEGIN IMMEDIATE", what, cause) != 0)
		goto out;
	if (user_version(st, &now, cause) != 0)
		goto fail;
	if (now >= version) {
		rc = store_exec(st, "COMMIT", what, cause);
		goto out;
	}
	for (sql = store_schema_migration(version); *sql != NULL; sql++) {
		if (sqlite3_exec(st->db, *sql, NULL, NULL, NULL) != SQLITE_OK) {
			store_err(st, cause, what);
			goto fail;
		}
	}
	set = xasprintf("PRAGMA user_version = %d", version);
	rc = sqlite3_exec(st->db, set, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	free(set);
	if (rc != 0 || (rc = store_exec(st, "COMMIT", what, cause)) != 0) {
		store_err(st, cause, what);
		goto fail;
	}
	goto out;
fail:
	rc = -1;
	if (!sqlite3_get_autocommit(st->db))
		store_exec(st, "ROLLBACK", "rollback", NULL);
out:
	free(what);
	return rc;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	store_blob_batch_discard(st);
	store_stmt_free_all(st);
	store_xcols_free(st);
	if (st->db != NULL)
		sqlite3_close(st->db);
	free(st->path);
	free(st);
}

int
store_schema_version(struct store *st)
{
	int v;

	if (user_version(st, &v, NULL) != 0)
		return -1;
	return v;
}

const char *
store_path(struct store *st)
{
	return st->path;
}

int
store_begin(struct store *st, char **cause)
{
	if (!sqlite3_get_autocommit(st->db)) {
		set_cause(cause, "cannot begin: a transaction is already open");
		return -1;
	}
	return store_exec(st, "BEGIN IMMEDIATE", "cannot begin", cause);
}

int
store_savepoint(struct store *st, char **cause)
{
	if (sqlite3_get_autocommit(st->db)) {
		set_cause(cause, "cannot set a savepoint: no transaction is open");
		return -1;
	}
	return store_exec(st, "SAVEPOINT hark_step", "cannot set a savepoint", cause);
}

int
store_savepoint_release(struct store *st, char **cause)
{
	return store_exec(st, "RELEASE hark_step", "cannot release a savepoint",
	    cause);
}

/* After an I/O error SQLite may have rolled the whole transaction back. */
void
store_savepoint_rollback(struct store *st)
{
	if (sqlite3_get_autocommit(st->db))
		return;
	if (store_exec(st, "ROLLBACK TO hark_step", "rollback", NULL) == 0)
		store_exec(st, "RELEASE hark_step", "rollback", NULL);
}

int
store_commit(struct store *st, char **cause)
{
	if (sqlite3_get_autocommit(st->db)) {
		set_cause(cause, "cannot commit: no transaction is open");
		return -1;
	}
	if (store_exec(st, "COMMIT", "cannot commit", cause) != 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
store_durable(struct store *st, int on, char **cause)
{
	return store_exec(st, on ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL", "cannot set how commits reach the disk",
	    cause);
}

/* A rolled-back bulk load has nothing left to index. */
void
store_rollback(struct store *st)
{
	st->bulk = 0;
	if (!sqlite3_get_autocommit(st->db))
		store_exec(st, "ROLLBACK", "rollback", NULL);
}
