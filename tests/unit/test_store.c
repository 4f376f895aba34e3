/* test_store.c — opening hark's database: files, versions, refusals, transactions, check. */

#include <sys/stat.h>

#include <sqlite3.h>
#include <unistd.h>

#include "harness.h"
#include "hark/store.h"

/* The store's internals, for the tests that need its connection. */
#include "../../src/store/store_int.h"

static char *
path_in(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static char *
read_file_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
test_open_without_a_path_is_refused(void **state)
{
	struct store *st = (struct store *)1;
	char *cause = NULL;

	assert_int_equal(store_open("", 0, &st, &cause), -1);
	assert_null(st);
	assert_string_equal(cause, "no database path given");
	free(cause);
	store_close(NULL);
}

static void
test_new_database_is_private_and_current(void **state)
{
	char *dir = test_tmpdir(), *path = path_in(dir, "a/b/hark.db");
	char *wal = path_in(dir, "a/b/hark.db-wal"), *sub = path_in(dir, "a");
	struct store *st;
	struct stat sb;
	int64_t id;
	char *cause = NULL;

	assert_int_equal(store_open(path, 0, &st, &cause), 0);
	assert_int_equal(store_schema_version(st), store_schema_latest());
	assert_string_equal(store_path(st), path);
	assert_int_equal(store_contact_add(st, "Ann Lee", &id, &cause), 0);

	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(wal, &sb), 0);
	assert_int_equal(sb.st_mode & 0077, 0);
	assert_int_equal(stat(sub, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	store_close(st);
	free(dir);
	free(path);
	free(wal);
	free(sub);
}

static void
test_reopening_keeps_contacts(void **state)
{
	char *dir = test_tmpdir(), *path = path_in(dir, "hark.db");
	struct store_contact c = { 0 };
	struct store *st;
	int64_t id;

	assert_int_equal(store_open(path, 0, &st, NULL), 0);
	assert_int_equal(store_contact_add(st, "Ann Lee", &id, NULL), 0);
	store_close(st);
	assert_int_equal(store_open(path, 0, &st, NULL), 0);
	assert_int_equal(store_contact_get(st, id, &c, NULL), 0);
	assert_string_equal(c.name, "Ann Lee");
	store_contact_clear(&c);
	store_close(st);
	free(dir);
	free(path);
}

static void
test_newer_database_is_refused_and_left_unchanged(void **state)
{
	char *dir = test_tmpdir(), *path = path_in(dir, "hark.db");
	struct store *st;
	char *before, *after, *cause = NULL, *want;
	size_t nbefore, nafter;

	assert_int_equal(store_open(path, 0, &st, NULL), 0);
	store_close(st);
	raw_exec(path, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99");
	before = read_file_bytes(path, &nbefore);

	assert_int_equal(store_open(path, 0, &st, &cause), -1);
	assert_null(st);
	want = xasprintf("%s was written by a newer hark (schema 99, this hark "
	    "knows %d)", path, store_schema_latest());
	assert_string_equal(cause, want);

	after = read_file_bytes(path, &nafter);
	assert_int_equal(nbefore, nafter);
	assert_memory_equal(before, after, nbefore);
	free(before);
	free(after);
	free(want);
	free(cause);
	free(dir);
	free(path);
}

static void
test_a_file_that_is_not_sqlite_is_refused(void **state)
{
	char *dir = test_tmpdir(), *path = path_in(dir, "notes.txt");
	const char text[] = "Dear Ann, these are my notes, not a database at all.\n"
	    "They go on for a while so that SQLite reads a full header.........\n";
	struct store *st;
	char *cause = NULL, *after;
	size_t n;
	FILE *f;

	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	assert_int_equal(store_open(path, 0, &st, &cause), -1);
	assert_non_null(strstr(cause, "is not a hark database"));
	after = read_file_bytes(path, &n);
	assert_int_equal(n, strlen(text));
	assert_memory_equal(after, text, n);
	free(after);
	free(cause);
	free(dir);
	free(path);
}

static void
test_another_programs_database_is_refused(void **state)
{
	char *dir = test_tmpdir(), *path = path_in(dir, "other.db");
	struct store *st;
	char *cause = NULL;

	raw_exec(path, "CREATE TABLE recipes (name TEXT)");
	assert_int_equal(store_open(path, 0, &st, &cause), -1);
	assert_non_null(strstr(cause, "not hark's"));
	free(cause);
	free(dir);
	free(path);
}

static void
test_read_only_open_neither_creates_nor_writes(void **state)
{
	char *dir = test_tmpdir(), *path = path_in(dir, "hark.db");
	struct store *st;
	int64_t id;
	char *cause = NULL;

	assert_int_equal(store_open(path, STORE_READONLY, &st, &cause), -1);
	assert_int_equal(access(path, F_OK), -1);
	free(cause);
	cause = NULL;

	assert_int_equal(store_open(path, 0, &st, NULL), 0);
	store_close(st);
	assert_int_equal(store_open(path, STORE_READONLY, &st, &cause), 0);
	assert_int_equal(store_contact_add(st, "Ann", &id, &cause), -1);
	assert_non_null(strstr(cause, "read-only"));
	free(cause);
	store_close(st);
	free(dir);
	free(path);
}

static void
test_rollback_undoes_a_transaction(void **state)
{
	char *dir = test_tmpdir(), *path = path_in(dir, "hark.db");
	struct store_contact c = { 0 };
	struct store *st;
	int64_t id;
	char *cause = NULL;

	assert_int_equal(store_open(path, 0, &st, NULL), 0);
	assert_int_equal(store_commit(st, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(store_begin(st, NULL), 0);
	assert_int_equal(store_begin(st, &cause), -1);
	assert_non_null(strstr(cause, "already open"));
	assert_int_equal(store_contact_add(st, "Ann", &id, NULL), 0);
	store_rollback(st);
	assert_int_equal(store_contact_get(st, id, &c, NULL), -1);
	free(cause);
	store_close(st);
	free(dir);
	free(path);
}

static void
test_a_locked_database_says_so(void **state)
{
	char *dir = test_tmpdir(), *path = path_in(dir, "hark.db");
	struct store *st;
	sqlite3 *other;
	int64_t id;
	char *cause = NULL;

	assert_int_equal(store_open(path, 0, &st, NULL), 0);
	sqlite3_busy_timeout(st->db, 20);
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(store_contact_add(st, "Ann", &id, &cause), -1);
	assert_string_equal(cause, "cannot add contact: database is locked");
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	assert_int_equal(store_contact_add(st, "Ann", &id, NULL), 0);
	free(cause);
	store_close(st);
	free(dir);
	free(path);
}

static void
test_check_reports_a_sound_database(void **state)
{
	char *dir = test_tmpdir(), *path = path_in(dir, "hark.db");
	struct hbuf out = HBUF_INIT;
	struct store *st;
	int64_t id;

	assert_int_equal(store_open(path, 0, &st, NULL), 0);
	assert_int_equal(store_contact_add(st, "Ann", &id, NULL), 0);
	assert_int_equal(store_check(st, &out, NULL), 0);
	assert_non_null(strstr(hbuf_str(&out), "integrity: ok\n"));
	assert_non_null(strstr(hbuf_str(&out), "search index: ok\n"));
	{
		char want[64];

		/* A new database is at the newest migration this hark knows. */
		snprintf(want, sizeof want, "schema: %d (this hark knows %d)",
		    store_schema_latest(), store_schema_latest());
		assert_non_null(strstr(hbuf_str(&out), want));
	}
	assert_non_null(strstr(hbuf_str(&out), "contacts                 1\n"));
	assert_non_null(strstr(hbuf_str(&out), "messages                 0\n"));
	assert_null(strstr(hbuf_str(&out), "messages_fts"));
	hbuf_free(&out);
	store_close(st);
	free(dir);
	free(path);
}

static void
test_check_finds_a_message_missing_from_search(void **state)
{
	char *dir = test_tmpdir(), *path = path_in(dir, "hark.db");
	struct hbuf out = HBUF_INIT;
	struct store *st;
	int64_t id;

	assert_int_equal(store_open(path, 0, &st, NULL), 0);
	assert_int_equal(store_contact_add(st, "Ann", &id, NULL), 0);
	raw_exec(path, "INSERT INTO messages (contact_id, channel, direction,"
	    " provider, body, status, created_at, sort_key) VALUES (1, 'sms', 'in',"
	    " 'x', 'hello there', 'received', 1, 1048576)");
	assert_int_equal(store_check(st, &out, NULL), 1);
	assert_null(strstr(hbuf_str(&out), "search index: ok"));
	assert_non_null(strstr(hbuf_str(&out), "search index: "));
	hbuf_free(&out);
	store_close(st);
	free(dir);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_without_a_path_is_refused),
		cmocka_unit_test(test_new_database_is_private_and_current),
		cmocka_unit_test(test_reopening_keeps_contacts),
		cmocka_unit_test(test_newer_database_is_refused_and_left_unchanged),
		cmocka_unit_test(test_a_file_that_is_not_sqlite_is_refused),
		cmocka_unit_test(test_another_programs_database_is_refused),
		cmocka_unit_test(test_read_only_open_neither_creates_nor_writes),
		cmocka_unit_test(test_rollback_undoes_a_transaction),
		cmocka_unit_test(test_a_locked_database_says_so),
		cmocka_unit_test(test_check_reports_a_sound_database),
		cmocka_unit_test(test_check_finds_a_message_missing_from_search),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
