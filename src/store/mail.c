/*
 * mail.c — email beside its message: the raw source and attachments kept on
 * disk as content-addressed files, the HTML part, a broken message's
 * warning, and the lookups threading needs (a sender by address whatever
 * its case).
 *
 * Files before rows: a file is written, fsynced and renamed into place
 * before the transaction that names it commits, so a committed row never
 * names a missing file. A rolled-back transaction may leave a file no row
 * names; it is harmless (the next copy of the same bytes reuses it).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "store_int.h"

static void mail_sha256(const void *data, size_t len, char hex[65]);
static int mail_mkdirs(char *path);
static int mail_write(const char *path, const void *data, size_t len);
static void mail_fill(sqlite3_stmt *stmt, struct store_mail *m);

void
store_mail_clear(struct store_mail *m)
{
	if (m == NULL)
		return;
	free(m->raw_path);
	free(m->raw_sha256);
	free(m->html);
	free(m->from_name);
	free(m->warning);
	free(m->folder);
	memset(m, 0, sizeof *m);
}

/* ---- files ---------------------------------------------------------------------- */

static void
mail_sha256(const void *data, size_t len, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	for (i = 0; i < n && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[64] = '\0';
}

/* mkdir -p, 0700; path is modified in place and restored. */
static int
mail_mkdirs(char *path)
{
	char *p;

	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* Writes data to path through a temporary name, fsynced; errno set on failure. */
static int
mail_write(const char *path, const void *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	int rc = -1, saved;

	if (store_blob_write(tmp, data, len, 1) == 0 &&
	    (rc = rename(tmp, path)) != 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
	}
	saved = errno;
	free(tmp);
	errno = saved;
	return rc;
}

int
store_blob_put(struct store *st, const char *kind, const void *data, size_t len,
    const char *ext, char **path, char sha256_hex[65], char **cause)
{
	const char *what = strcmp(kind, "mail") == 0 ? "the mail" : "the attachment";
	const char *slash = strrchr(st->path, '/');
	struct stat sb;
	char *dir;

	*path = NULL;
	mail_sha256(data, len, sha256_hex);
	if (slash == NULL)
		dir = xasprintf("%s/%.2s", kind, sha256_hex);
	else
		dir = xasprintf("%.*s/%s/%.2s", (int)(slash - st->path), st->path,
		    kind, sha256_hex);
	*path = xasprintf("%s/%s%s", dir, sha256_hex, ext != NULL ? ext : "");
	/* The same bytes are already kept: nothing to write. */
	if (stat(*path, &sb) == 0 && S_ISREG(sb.st_mode) && (size_t)sb.st_size == len) {
		free(dir);
		return 0;
	}
	if (mail_mkdirs(dir) != 0 || (st->blob_batch ?
	    store_blob_batch_put(st, dir, *path, data, len) < 0 :
	    (mail_write(*path, data, len) != 0 || store_fsync_path(dir, 1) != 0))) {
		set_cause(cause, "cannot keep %s: %s: %s", what, *path, strerror(errno));
		free(*path);
		*path = NULL;
		free(dir);
		return -1;
	}
	free(dir);
	return 0;
}

/* ---- rows ------------------------------------------------------------------------ */

int
store_mail_set(struct store *st, const struct store_mail *m, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot store the email";

	stmt = store_stmt(st, "INSERT INTO mail (message_id, raw_path, raw_sha256,"
	    " raw_size, html, from_name, warning, folder) VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6, ?7, ?8) ON CONFLICT (message_id) DO UPDATE SET"
	    " raw_path = coalesce(excluded.raw_path, raw_path),"
	    " raw_sha256 = coalesce(excluded.raw_sha256, raw_sha256),"
	    " raw_size = coalesce(excluded.raw_size, raw_size),"
	    " html = coalesce(excluded.html, html),"
	    " from_name = coalesce(excluded.from_name, from_name),"
	    " warning = coalesce(excluded.warning, warning),"
	    " folder = coalesce(excluded.folder, folder)", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, m->message_id);
	store_bind_text(stmt, 2, m->raw_path);
	store_bind_text(stmt, 3, m->raw_sha256);
	if (m->raw_path != NULL)
		sqlite3_bind_int64(stmt, 4, m->raw_size);
	store_bind_text(stmt, 5, m->html);
	store_bind_text(stmt, 6, m->from_name);
	store_bind_text(stmt, 7, m->warning);
	store_bind_text(stmt, 8, m->folder);
	return store_step_done(st, stmt, what, cause);
}

/* Columns: message_id, raw_path, raw_sha256, raw_size, from_name, warning,
 * folder, html. */
static void
mail_fill(sqlite3_stmt *stmt, struct store_mail *m)
{
	memset(m, 0, sizeof *m);
	m->message_id = sqlite3_column_int64(stmt, 0);
	m->raw_path = store_col_strdup(stmt, 1);
	m->raw_sha256 = store_col_strdup(stmt, 2);
	m->raw_size = sqlite3_column_int64(stmt, 3);
	m->from_name = store_col_strdup(stmt, 4);
	m->warning = store_col_strdup(stmt, 5);
	m->folder = store_col_strdup(stmt, 6);
	if (sqlite3_column_count(stmt) > 7)
		m->html = store_col_strdup(stmt, 7);
}

int
store_mail_get(struct store *st, int64_t message_id, struct store_mail *m,
    char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read the email";
	int rc;

	memset(m, 0, sizeof *m);
	stmt = store_stmt(st, "SELECT message_id, raw_path, raw_sha256, raw_size,"
	    " from_name, warning, folder, html FROM mail WHERE message_id = ?1",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, message_id);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		mail_fill(stmt, m);
	return store_read_end(st, stmt, rc, what, cause);
}

int
store_mail_between(struct store *st, int64_t first_id, int64_t last_id,
    int (*fn)(void *arg, const struct store_mail *m), void *arg, char **cause)
{
	sqlite3_stmt *stmt;
	struct store_mail m;
	const char *what = "cannot read the emails";
	int rc, stop = 0;

	stmt = store_stmt(st, "SELECT message_id, raw_path, raw_sha256, raw_size,"
	    " from_name, warning, folder FROM mail WHERE message_id BETWEEN ?1 AND ?2"
	    " AND warning IS NOT NULL"
	    " ORDER BY message_id", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, first_id);
	sqlite3_bind_int64(stmt, 2, last_id);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		mail_fill(stmt, &m);
		stop = fn(arg, &m);
		store_mail_clear(&m);
	}
	return store_each_end(st, stmt, rc, what, cause);
}

int
store_mail_attachment_add(struct store *st, const struct store_attachment *a,
    const char *content_id, int is_inline, const char *sha256, int64_t *id,
    char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot store the attachment";

	stmt = store_stmt(st, "INSERT INTO attachments (message_id, filename,"
	    " content_type, size, url, path, content_id, is_inline, sha256)"
	    " VALUES (?1, ?2, coalesce(?3, 'application/octet-stream'), ?4, ?5, ?6,"
	    " ?7, ?8, ?9)", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, a->message_id);
	store_bind_text(stmt, 2, a->filename);
	store_bind_text(stmt, 3, a->content_type);
	if (a->size >= 0)
		sqlite3_bind_int64(stmt, 4, a->size);
	store_bind_text(stmt, 5, a->url);
	store_bind_text(stmt, 6, a->path);
	store_bind_text(stmt, 7, content_id);
	sqlite3_bind_int(stmt, 8, is_inline != 0);
	store_bind_text(stmt, 9, sha256);
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_contact_by_email(struct store *st, const char *address, int64_t *id,
    char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot look up the address";

	stmt = store_stmt(st, "SELECT contact_id FROM identities WHERE kind = 'email'"
	    " AND address = ?1 COLLATE NOCASE ORDER BY address = ?1 DESC, id LIMIT 1",
	    what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, address);
	return store_step_int64(st, stmt, what, id, cause);
}
