/* templates.c — the template library: named templates, their kept versions, soft deletion. */

#include <stdlib.h>
#include <string.h>

#include "hark/template.h"
#include "store_int.h"

/* The columns tpl_from_row reads, from templates t and template_versions v. */
#define TPL_COLS \
	"t.id, t.name, t.category, v.version, v.id, v.sms_body, v.whatsapp_body," \
	" v.whatsapp_content_sid, v.email_subject, v.email_text, v.email_html," \
	" v.created_at FROM templates t" \
	" JOIN template_versions v ON v.template_id = t.id"

/* The bodies of a version, in the order of the columns after v.id. */
#define TPL_NBODIES 6

static void	tpl_from_row(sqlite3_stmt *stmt, struct store_template *t);
static void	tpl_bodies(const struct store_template *t,
		    const char *out[TPL_NBODIES]);
static int	tpl_check(const struct store_template *t, char **cause);
static int	tpl_same(sqlite3_stmt *stmt, const struct store_template *t);
static int	tpl_find(struct store *st, const char *name, int64_t *id,
		    int *current, int *deleted, char **cause);
static int	tpl_insert_version(struct store *st, int64_t id, int version,
		    const struct store_template *t, char **cause);
static int	tpl_save_tx(struct store *st, const struct store_template *t,
		    int *version, char **cause);
static int	tpl_with_variants(struct store *st, struct store_template *t,
		    char **cause);
static int	tpl_each(struct store *st, sqlite3_stmt *stmt, const char *what,
		    int (*fn)(void *arg, const struct store_template *t), void *arg,
		    char **cause);

/* What the columns are called where a person reads about them. */
static const char *const tpl_body_names[TPL_NBODIES] = { "sms body",
	"whatsapp body", "whatsapp content sid", "email subject", "email text",
	"email html" };

void
store_template_clear(struct store_template *t)
{
	free(t->name);
	free(t->category);
	free(t->sms_body);
	free(t->whatsapp_body);
	free(t->whatsapp_content_sid);
	free(t->email_subject);
	free(t->email_text);
	free(t->email_html);
	tplv_free(t);
	memset(t, 0, sizeof *t);
}

static void
tpl_from_row(sqlite3_stmt *stmt, struct store_template *t)
{
	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(stmt, 0);
	t->name = store_col_strdup(stmt, 1);
	t->category = store_col_strdup(stmt, 2);
	t->version = sqlite3_column_int(stmt, 3);
	t->version_id = sqlite3_column_int64(stmt, 4);
	t->sms_body = store_col_strdup(stmt, 5);
	t->whatsapp_body = store_col_strdup(stmt, 6);
	t->whatsapp_content_sid = store_col_strdup(stmt, 7);
	t->email_subject = store_col_strdup(stmt, 8);
	t->email_text = store_col_strdup(stmt, 9);
	t->email_html = store_col_strdup(stmt, 10);
	t->created_at = sqlite3_column_int64(stmt, 11);
}

/* The bodies of t, with "" as NULL: a cleared field is no body. */
static void
tpl_bodies(const struct store_template *t, const char *out[TPL_NBODIES])
{
	int i;

	out[0] = t->sms_body;
	out[1] = t->whatsapp_body;
	out[2] = t->whatsapp_content_sid;
	out[3] = t->email_subject;
	out[4] = t->email_text;
	out[5] = t->email_html;
	for (i = 0; i < TPL_NBODIES; i++) {
		if (out[i] != NULL && *out[i] == '\0')
			out[i] = NULL;
	}
}

/*
 * A stored template always parses, so a picker or a bulk send never meets a
 * syntax error long after the template was written.
 */
static int
tpl_check(const struct store_template *t, char **cause)
{
	const char *b[TPL_NBODIES];
	struct template *parsed;
	char *why = NULL;
	int i, any = 0;

	if (t->name == NULL || t->name[strspn(t->name, " \t")] == '\0') {
		set_cause(cause, "cannot save template: it needs a name");
		return -1;
	}
	if (strpbrk(t->name, "\n\r\t") != NULL) {
		set_cause(cause, "cannot save template: a name is one line");
		return -1;
	}
	tpl_bodies(t, b);
	for (i = 0; i < TPL_NBODIES; i++) {
		if (b[i] == NULL)
			continue;
		if (i != 3)
			any = 1;
		if (i == 2)
			continue;
		if ((parsed = template_parse(b[i], strlen(b[i]), &why)) == NULL) {
			set_cause(cause, "template '%s': %s: %s", t->name,
			    tpl_body_names[i], why);
			free(why);
			return -1;
		}
		template_free(parsed);
	}
	if (!any) {
		set_cause(cause, "template '%s' has no body for any channel", t->name);
		return -1;
	}
	return tplv_check(t, cause);
}

/* Whether the row (TPL_COLS) holds the same bodies as t. */
static int
tpl_same(sqlite3_stmt *stmt, const struct store_template *t)
{
	const char *b[TPL_NBODIES], *col;
	int i;

	tpl_bodies(t, b);
	for (i = 0; i < TPL_NBODIES; i++) {
		col = store_col_text(stmt, 5 + i);
		if ((col == NULL) != (b[i] == NULL) ||
		    (col != NULL && strcmp(col, b[i]) != 0))
			return 0;
	}
	return 1;
}

/* 1 found (*id, *current, *deleted set), 0 none, -1 error. */
static int
tpl_find(struct store *st, const char *name, int64_t *id, int *current,
    int *deleted, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot look up template";
	int rc;

	stmt = store_stmt(st, "SELECT id, current_version, deleted_at IS NOT NULL"
	    " FROM templates WHERE name = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, name);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(stmt, 0);
		*current = sqlite3_column_int(stmt, 1);
		*deleted = sqlite3_column_int(stmt, 2);
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc;
}

static int
tpl_insert_version(struct store *st, int64_t id, int version,
    const struct store_template *t, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot save template";
	const char *b[TPL_NBODIES];
	int i;

	stmt = store_stmt(st, "INSERT INTO template_versions (template_id, version,"
	    " sms_body, whatsapp_body, whatsapp_content_sid, email_subject,"
	    " email_text, email_html, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9)", what, cause);
	if (stmt == NULL)
		return -1;
	tpl_bodies(t, b);
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, version);
	for (i = 0; i < TPL_NBODIES; i++)
		store_bind_text(stmt, 3 + i, b[i]);
	sqlite3_bind_int64(stmt, 9, hark_now_ms());
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	return tplv_insert(st, sqlite3_last_insert_rowid(st->db), t, cause);
}

/* Compares with the current version; when different, adds the next one. */
static int
tpl_save_tx(struct store *st, const struct store_template *t, int *version,
    char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot save template";
	const char *category = t->category;
	int64_t id, vid = 0;
	int current, deleted, rc, same;

	if (category != NULL && *category == '\0')
		category = NULL;
	if ((rc = tpl_find(st, t->name, &id, &current, &deleted, cause)) < 0)
		return -1;
	if (rc == 0) {
		stmt = store_stmt(st, "INSERT INTO templates (name, category,"
		    " current_version, created_at) VALUES (?1, ?2, 1, ?3)", what, cause);
		if (stmt == NULL)
			return -1;
		store_bind_text(stmt, 1, t->name);
		store_bind_text(stmt, 2, category);
		sqlite3_bind_int64(stmt, 3, hark_now_ms());
		if (store_step_done(st, stmt, what, cause) != 0)
			return -1;
		*version = 1;
		return tpl_insert_version(st, sqlite3_last_insert_rowid(st->db), 1, t,
		    cause) == 0 ? 1 : -1;
	}
	stmt = store_stmt(st, "SELECT " TPL_COLS " WHERE t.id = ?1"
	    " AND v.version = t.current_version", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	same = sqlite3_step(stmt) == SQLITE_ROW && tpl_same(stmt, t);
	if (same)
		vid = sqlite3_column_int64(stmt, 4);
	store_stmt_done(st, stmt);
	/* A change of variants alone is a new version too. */
	if (same && (same = tplv_same(st, vid, t, cause)) < 0)
		return -1;
	*version = current;
	if (same && !deleted) {
		/* The category is the template's, not a version's: no new version. */
		stmt = store_stmt(st, "UPDATE templates SET category ="
		    " coalesce(?2, category) WHERE id = ?1", what, cause);
		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, id);
		store_bind_text(stmt, 2, category);
		return store_step_done(st, stmt, what, cause);
	}
	stmt = store_stmt(st, "UPDATE templates SET current_version = ?2,"
	    " category = coalesce(?3, category), deleted_at = NULL WHERE id = ?1",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, current + 1);
	store_bind_text(stmt, 3, category);
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	*version = current + 1;
	return tpl_insert_version(st, id, current + 1, t, cause) == 0 ? 1 : -1;
}

int
store_template_save(struct store *st, const struct store_template *t,
    int *version, char **cause)
{
	struct store_tx tx;
	int v = 0, rc;

	if (tpl_check(t, cause) != 0)
		return -1;
	if (store_tx_begin(st, &tx, "cannot save template", cause) != 0)
		return -1;
	if ((rc = tpl_save_tx(st, t, &v, cause)) < 0) {
		store_tx_abort(st, &tx);
		return -1;
	}
	if (store_tx_commit(st, &tx, "cannot save template", cause) != 0)
		return -1;
	if (version != NULL)
		*version = v;
	return rc;
}

int
store_template_get(struct store *st, const char *name, int version,
    struct store_template *t, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read template";
	int64_t id;
	int current, deleted, rc;

	memset(t, 0, sizeof *t);
	if ((rc = tpl_find(st, name != NULL ? name : "", &id, &current, &deleted,
	    cause)) < 0)
		return -1;
	if (rc == 0 || deleted) {
		set_cause(cause, "no template '%s'", name != NULL ? name : "");
		return -1;
	}
	if (version < 0 || version > current) {
		set_cause(cause, "template '%s' has no version %d (latest is %d)",
		    name, version, current);
		return -1;
	}
	stmt = store_stmt(st, "SELECT " TPL_COLS " WHERE t.id = ?1 AND v.version = ?2",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, version > 0 ? version : current);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		tpl_from_row(stmt, t);
	else if (rc == SQLITE_DONE)
		set_cause(cause, "template '%s' has no version %d", name,
		    version > 0 ? version : current);
	else
		store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc == SQLITE_ROW ? tpl_with_variants(st, t, cause) : -1;
}

int
store_template_get_version(struct store *st, int64_t version_id,
    struct store_template *t, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read template";
	int rc;

	memset(t, 0, sizeof *t);
	stmt = store_stmt(st, "SELECT " TPL_COLS " WHERE v.id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, version_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		tpl_from_row(stmt, t);
	else if (rc == SQLITE_DONE)
		set_cause(cause, "no template version #%lld", (long long)version_id);
	else
		store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc == SQLITE_ROW ? tpl_with_variants(st, t, cause) : -1;
}

/* Loads t's variants; on failure clears t. 0 or -1. */
static int
tpl_with_variants(struct store *st, struct store_template *t, char **cause)
{
	if (tplv_load(st, t, cause) == 0)
		return 0;
	store_template_clear(t);
	return -1;
}

/* Steps stmt to the end, handing each row to fn as an owned struct. */
static int
tpl_each(struct store *st, sqlite3_stmt *stmt, const char *what,
    int (*fn)(void *arg, const struct store_template *t), void *arg, char **cause)
{
	struct store_template t;
	int rc = SQLITE_DONE, stop = 0;

	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		tpl_from_row(stmt, &t);
		if (tplv_load(st, &t, cause) != 0) {
			store_template_clear(&t);
			store_stmt_done(st, stmt);
			return -1;
		}
		stop = fn(arg, &t);
		store_template_clear(&t);
	}
	if (!stop && rc != SQLITE_DONE)
		store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return stop || rc == SQLITE_DONE ? 0 : -1;
}

int
store_templates_each(struct store *st,
    int (*fn)(void *arg, const struct store_template *t), void *arg, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot list templates";

	stmt = store_stmt(st, "SELECT " TPL_COLS " WHERE t.deleted_at IS NULL"
	    " AND v.version = t.current_version ORDER BY coalesce(t.category, '')"
	    " COLLATE NOCASE, t.name COLLATE NOCASE, t.id", what, cause);
	if (stmt == NULL)
		return -1;
	return tpl_each(st, stmt, what, fn, arg, cause);
}

int
store_template_history(struct store *st, const char *name,
    int (*fn)(void *arg, const struct store_template *t), void *arg, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read template history";
	int64_t id;
	int current, deleted, rc;

	if ((rc = tpl_find(st, name != NULL ? name : "", &id, &current, &deleted,
	    cause)) <= 0) {
		if (rc == 0)
			set_cause(cause, "no template '%s'", name != NULL ? name : "");
		return -1;
	}
	stmt = store_stmt(st, "SELECT " TPL_COLS " WHERE t.id = ?1"
	    " ORDER BY v.version DESC", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	return tpl_each(st, stmt, what, fn, arg, cause);
}

int
store_template_delete(struct store *st, const char *name, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot delete template";

	stmt = store_stmt(st, "UPDATE templates SET deleted_at = ?2"
	    " WHERE name = ?1 AND deleted_at IS NULL", what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, name);
	sqlite3_bind_int64(stmt, 2, hark_now_ms());
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	if (sqlite3_changes(st->db) == 0) {
		set_cause(cause, "no template '%s'", name != NULL ? name : "");
		return -1;
	}
	return 0;
}
