/*
 * exchange_import.c — writing whole records back (hark import): a contact
 * with its identities, tags, conversation state and preferences; a message
 * with its other columns, template version, status history, attachments and
 * call; an opt-out. Columns are written by name, those this database has
 * (pragma_table_info), so a file from a newer hark loses only what this one
 * cannot hold. See exchange.c for the export side.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/util.h"

#include "store_int.h"
#include "exchange_int.h"

/* Built statements kept for reuse: a file has few column sets. */
#define X_INTERNED 16
/* Columns whose existence is kept: hark's tables have fewer; a file naming
 * more (made up) columns is asked about past that, not kept. */
#define X_COLS_KEPT 256

enum { X_INSERT, X_UPSERT, X_UPDATE };

/* Whether table has column name, as the schema answered once. */
struct store_xcol {
	char *table;
	char *name;
	int ok;
};

static int	x_column_ok(struct store *st, const char *table, const char *name);
static sqlite3_stmt *x_prepare(struct store *st, const char *sql, int *cached,
		    char **cause);
static void	x_bind(sqlite3_stmt *stmt, int i, const struct store_xval *v);
static int	x_write(struct store *st, const char *table, const char *key,
		    int64_t owner, const struct store_xrow *row, int mode, char **cause);
static int	x_sets_write(struct store *st, const struct x_table *tables, size_t nt,
		    const struct store_xset *sets, int nsets, int64_t owner, char **cause);
static int	x_contact_id_free(struct store *st, const struct store_xrow *row,
		    int64_t *id);
static int	x_message_rest(struct store *st, const struct store_xmessage *x,
		    int64_t id, char **cause);
static int	x_msg_ref_in(struct store *st, struct store_xval *v);
static int64_t	x_version_id(struct store *st, int64_t template_id,
		    const struct store_xrow *r);
static int	x_template_rows(struct store *st, const struct store_xtemplate *t,
		    int64_t tid, char **cause);

void
store_xcols_free(struct store *st)
{
	int i;

	for (i = 0; i < st->nxcols; i++) {
		free(st->xcols[i].table);
		free(st->xcols[i].name);
	}
	free(st->xcols);
	st->xcols = NULL;
	st->nxcols = 0;
}

/*
 * A column a record may write: a plain name the table has, and not one of
 * the database's own ids (nor, for messages, one the insert already set).
 * Every row of every record asks about the same few dozen columns, and the
 * schema does not change under an open store: pragma_table_info is asked
 * once per column and the answer kept with the store.
 */
static int
x_column_ok(struct store *st, const char *table, const char *name)
{
	const char *what = "cannot check a column";
	struct store_xcol *c;
	sqlite3_stmt *stmt;
	int64_t v;
	int i;

	if (*name == '\0' || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
	    strlen(name) || strcmp(name, "id") == 0 || strcmp(name, "sort_key") == 0)
		return 0;
	if (strcmp(table, "messages") == 0 && x_in(x_msg_known, name))
		return 0;
	for (i = 0; i < st->nxcols; i++)
		if (strcmp(st->xcols[i].name, name) == 0 &&
		    strcmp(st->xcols[i].table, table) == 0)
			return st->xcols[i].ok;
	stmt = store_stmt(st, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2",
	    what, NULL);
	if (stmt == NULL)
		return 0;
	store_bind_text(stmt, 1, table);
	store_bind_text(stmt, 2, name);
	if ((i = store_step_int64(st, stmt, what, &v, NULL)) < 0 ||
	    st->nxcols >= X_COLS_KEPT)
		return i > 0;
	st->xcols = xreallocarray(st->xcols, (size_t)st->nxcols + 1, sizeof *c);
	c = &st->xcols[st->nxcols++];
	c->table = xstrdup(table);
	c->name = xstrdup(name);
	c->ok = i;
	return c->ok;
}

/*
 * A statement built from a record's columns. The same few column sets come
 * back line after line, so the first X_INTERNED texts are kept for the
 * process and prepared once per store through the statement cache; past
 * that a statement is prepared each time (*cached = 0: finalise it).
 */
static sqlite3_stmt *
x_prepare(struct store *st, const char *sql, int *cached, char **cause)
{
	static char *interned[X_INTERNED];
	sqlite3_stmt *stmt;
	int i;

	for (i = 0; i < X_INTERNED && interned[i] != NULL; i++)
		if (strcmp(interned[i], sql) == 0)
			break;
	if (i < X_INTERNED) {
		if (interned[i] == NULL)
			interned[i] = xstrdup(sql);
		*cached = 1;
		return store_stmt(st, interned[i], "cannot import", cause);
	}
	*cached = 0;
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		store_err(st, cause, "cannot import");
		return NULL;
	}
	return stmt;
}

static void
x_bind(sqlite3_stmt *stmt, int i, const struct store_xval *v)
{
	switch (v->type) {
	case STORE_X_INT:
		sqlite3_bind_int64(stmt, i, v->i);
		break;
	case STORE_X_REAL:
		sqlite3_bind_double(stmt, i, v->d);
		break;
	case STORE_X_TEXT:
		sqlite3_bind_text(stmt, i, v->s, -1, SQLITE_STATIC);
		break;
	default:
		sqlite3_bind_null(stmt, i);
		break;
	}
}

/*
 * Writes row into table for owner (the key column): X_INSERT adds it
 * (a row already there, by the table's unique keys, stays), X_UPSERT adds
 * or updates the owner's one row, X_UPDATE updates the row whose key is
 * owner (key "id" for the owner itself). Columns the table lacks are left out.
 */
static int
x_write(struct store *st, const char *table, const char *key, int64_t owner,
    const struct store_xrow *row, int mode, char **cause)
{
	struct hbuf sql = HBUF_INIT, set = HBUF_INIT;
	const struct store_xval *use[128];
	sqlite3_stmt *stmt;
	int i, n = 0, cached = 0, rc;

	for (i = 0; i < row->n && n < (int)HARK_NELEM(use); i++)
		if (strcmp(row->v[i].name, key) != 0 &&
		    x_column_ok(st, table, row->v[i].name))
			use[n++] = &row->v[i];
	if (mode == X_UPDATE && n == 0)
		return 0;
	if (mode == X_UPDATE) {
		hbuf_printf(&sql, "UPDATE %s SET ", table);
		for (i = 0; i < n; i++)
			hbuf_printf(&sql, "%s\"%s\" = ?%d", i ? ", " : "", use[i]->name, i + 2);
		hbuf_printf(&sql, " WHERE \"%s\" = ?1", key);
	} else {
		hbuf_printf(&sql, "INSERT INTO %s (\"%s\"", table, key);
		for (i = 0; i < n; i++) {
			hbuf_printf(&sql, ", \"%s\"", use[i]->name);
			hbuf_printf(&set, "%s\"%s\" = excluded.\"%s\"", i ? ", " : "",
			    use[i]->name, use[i]->name);
		}
		hbuf_adds(&sql, ") VALUES (?1");
		for (i = 0; i < n; i++)
			hbuf_printf(&sql, ", ?%d", i + 2);
		if (mode == X_UPSERT && n > 0)
			hbuf_printf(&sql, ") ON CONFLICT (\"%s\") DO UPDATE SET %s", key,
			    hbuf_str(&set));
		else
			hbuf_adds(&sql, ") ON CONFLICT DO NOTHING");
	}
	stmt = x_prepare(st, hbuf_str(&sql), &cached, cause);
	hbuf_free(&sql);
	hbuf_free(&set);
	if (stmt == NULL)
		return -1;
	if (owner != 0)
		sqlite3_bind_int64(stmt, 1, owner);
	for (i = 0; i < n; i++)
		x_bind(stmt, i + 2, use[i]);
	rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : store_err(st, cause, "cannot import");
	if (cached)
		store_stmt_done(st, stmt);
	else
		sqlite3_finalize(stmt);
	return rc;
}

static int
x_sets_write(struct store *st, const struct x_table *tables, size_t nt,
    const struct store_xset *sets, int nsets, int64_t owner, char **cause)
{
	const struct x_table *t;
	size_t k;
	int i, j;

	for (i = 0; i < nsets; i++) {
		for (k = 0, t = NULL; k < nt && t == NULL; k++)
			if (strcmp(tables[k].set, sets[i].name) == 0)
				t = &tables[k];
		if (t == NULL)
			continue;
		for (j = 0; j < sets[i].nrows; j++)
			if (x_write(st, t->table, t->key, owner, &sets[i].rows[j],
			    t->one ? X_UPSERT : X_INSERT, cause) != 0)
				return -1;
	}
	return 0;
}

static int
x_contact_id_free(struct store *st, const struct store_xrow *row, int64_t *id)
{
	sqlite3_stmt *stmt;
	int i, rc;

	*id = 0;
	for (i = 0; i < row->n; i++)
		if (strcmp(row->v[i].name, "id") == 0 && row->v[i].type == STORE_X_INT &&
		    row->v[i].i > 0)
			*id = row->v[i].i;
	if (*id == 0)
		return 0;
	stmt = store_stmt(st, "SELECT 1 FROM contacts WHERE id = ?1",
	    "cannot import contact", NULL);
	if (stmt == NULL)
		return 0;
	sqlite3_bind_int64(stmt, 1, *id);
	rc = sqlite3_step(stmt);
	store_stmt_done(st, stmt);
	if (rc != SQLITE_DONE)
		*id = 0;
	return 0;
}

int
store_contact_import(struct store *st, const struct store_xcontact *c,
    int64_t existing, int64_t *id, char **cause)
{
	const char *what = "cannot import contact";
	struct store_tx tx;
	sqlite3_stmt *stmt;
	int64_t want;
	int bad;

	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	if (existing != 0) {
		*id = existing;
		if (x_write(st, "contacts", "id", existing, &c->row, X_UPDATE, cause) != 0)
			goto fail;
	} else {
		x_contact_id_free(st, &c->row, &want);
		if (want == 0) {
			stmt = store_stmt(st, "SELECT coalesce(max(id), 0) + 1 FROM contacts",
			    what, cause);
			if (stmt == NULL || sqlite3_step(stmt) != SQLITE_ROW) {
				if (stmt != NULL)
					store_stmt_done(st, stmt);
				store_err(st, cause, what);
				goto fail;
			}
			want = sqlite3_column_int64(stmt, 0);
			store_stmt_done(st, stmt);
		}
		*id = want;
		if (x_write(st, "contacts", "id", want, &c->row, X_INSERT, cause) != 0)
			goto fail;
		if ((stmt = store_stmt(st, "INSERT INTO conversations (contact_id)"
		    " VALUES (?1) ON CONFLICT DO NOTHING", what, cause)) == NULL)
			goto fail;
		sqlite3_bind_int64(stmt, 1, want);
		if (store_step_done(st, stmt, what, cause) != 0)
			goto fail;
	}
	if (x_sets_write(st, x_contact_tables, HARK_NELEM(x_contact_tables), c->sets,
	    c->nsets, *id, cause) != 0)
		goto fail;
	return store_tx_commit(st, &tx, what, cause);
fail:
	/* A value the database's rules refuse (a conversation status it does
	 * not know): the record is bad, not the database. */
	bad = (sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_CONSTRAINT;
	store_tx_abort(st, &tx);
	return bad ? -2 : -1;
}

/* The id a template's version number has in this database, 0 when none. */
static int64_t
x_version_id(struct store *st, int64_t template_id, const struct store_xrow *r)
{
	sqlite3_stmt *stmt;
	int64_t id = 0;
	int i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, "version") == 0 && r->v[i].type == STORE_X_INT)
			break;
	if (i == r->n || (stmt = store_stmt(st, "SELECT id FROM template_versions"
	    " WHERE template_id = ?1 AND version = ?2", "cannot import template",
	    NULL)) == NULL)
		return 0;
	sqlite3_bind_int64(stmt, 1, template_id);
	sqlite3_bind_int64(stmt, 2, r->v[i].i);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);
	store_stmt_done(st, stmt);
	return id;
}

/* A version's variant carries "version", which template_variants has no
 * column for: x_write leaves it out, as any column the table lacks. */
static int
x_template_rows(struct store *st, const struct store_xtemplate *t, int64_t tid,
    char **cause)
{
	const struct store_xset *set;
	int64_t vid;
	int i, j;

	for (i = 0; i < t->nsets; i++) {
		set = &t->sets[i];
		for (j = 0; j < set->nrows; j++) {
			if (strcmp(set->name, "versions") == 0) {
				if (x_write(st, "template_versions", "template_id", tid,
				    &set->rows[j], X_INSERT, cause) != 0)
					return -1;
			} else if (strcmp(set->name, "variants") == 0 &&
			    (vid = x_version_id(st, tid, &set->rows[j])) != 0) {
				if (x_write(st, "template_variants", "template_version_id",
				    vid, &set->rows[j], X_INSERT, cause) != 0)
					return -1;
			}
		}
	}
	return 0;
}

int
store_template_import(struct store *st, const struct store_xtemplate *t,
    char **cause)
{
	const char *what = "cannot import template", *name = NULL;
	struct store_tx tx;
	sqlite3_stmt *stmt;
	int64_t tid;
	int i, rc;

	for (i = 0; i < t->row.n; i++)
		if (strcmp(t->row.v[i].name, "name") == 0 &&
		    t->row.v[i].type == STORE_X_TEXT)
			name = t->row.v[i].s;
	if (name == NULL) {
		set_cause(cause, "%s: it has no name", what);
		return -1;
	}
	if ((stmt = store_stmt(st, "SELECT 1 FROM templates WHERE name = ?1", what,
	    cause)) == NULL)
		return -1;
	store_bind_text(stmt, 1, name);
	rc = sqlite3_step(stmt);
	store_stmt_done(st, stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	if ((stmt = store_stmt(st, "SELECT coalesce(max(id), 0) + 1 FROM templates",
	    what, cause)) == NULL)
		goto fail;
	rc = sqlite3_step(stmt);
	tid = sqlite3_column_int64(stmt, 0);
	store_stmt_done(st, stmt);
	if (rc != SQLITE_ROW || x_write(st, "templates", "id", tid, &t->row, X_INSERT,
	    cause) != 0 || x_template_rows(st, t, tid, cause) != 0)
		goto fail;
	return store_tx_commit(st, &tx, what, cause) == 0 ? 1 : -1;
fail:
	store_tx_abort(st, &tx);
	return -1;
}

int
store_optout_import(struct store *st, const struct store_xrow *r, int64_t contact_id,
    char **cause)
{
	struct store_xrow row;
	struct store_xval v[32];
	int i;

	/* The owner is the key; an opt-out of nobody (0) keeps a NULL one. */
	row.v = v;
	row.n = 0;
	for (i = 0; i < r->n && row.n < (int)HARK_NELEM(v); i++)
		if (strcmp(r->v[i].name, "contact_id") != 0)
			v[row.n++] = r->v[i];
	return x_write(st, "opt_outs", "contact_id", contact_id, &row, X_INSERT, cause);
}

/* "provider provider_id" back to the id that message has here; -1 when
 * it is not here (the link is left out). */
static int
x_msg_ref_in(struct store *st, struct store_xval *v)
{
	const char *sp = strchr(v->s, ' ');
	sqlite3_stmt *stmt;
	int rc;

	if (sp == NULL || (stmt = store_stmt(st, "SELECT id FROM messages"
	    " WHERE provider = substr(?1, 1, ?2) AND provider_id = substr(?1, ?2 + 2)",
	    "cannot import message", NULL)) == NULL)
		return -1;
	store_bind_text(stmt, 1, v->s);
	sqlite3_bind_int(stmt, 2, (int)(sp - v->s));
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		v->type = STORE_X_INT;
		v->i = sqlite3_column_int64(stmt, 0);
	}
	store_stmt_done(st, stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* What follows the insert of a new message: its other columns, its
 * template version (when this database has it) and its related rows. */
static int
x_message_rest(struct store *st, const struct store_xmessage *x, int64_t id,
    char **cause)
{
	const char *what = "cannot import message";
	struct store_xval v[64];
	struct store_xrow extra = { v, 0 };
	sqlite3_stmt *stmt;
	int i;

	for (i = 0; i < x->extra.n && extra.n < (int)HARK_NELEM(v); i++) {
		v[extra.n] = x->extra.v[i];
		if (v[extra.n].type == STORE_X_TEXT &&
		    x_msg_ref_column(st, v[extra.n].name) &&
		    x_msg_ref_in(st, &v[extra.n]) != 0)
			continue;
		extra.n++;
	}
	if (x_write(st, "messages", "id", id, &extra, X_UPDATE, cause) != 0)
		return -1;
	if (x->template_name != NULL) {
		stmt = store_stmt(st, "UPDATE messages SET template_version_id ="
		    " (SELECT v.id FROM template_versions v JOIN templates t"
		    "  ON t.id = v.template_id WHERE t.name = ?2 AND v.version = ?3)"
		    " WHERE id = ?1", what, cause);
		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, id);
		store_bind_text(stmt, 2, x->template_name);
		sqlite3_bind_int(stmt, 3, x->template_version);
		if (store_step_done(st, stmt, what, cause) != 0)
			return -1;
	}
	for (i = 0; i < x->nsets; i++)
		if (strcmp(x->sets[i].name, "status_history") == 0 && x->sets[i].nrows > 0) {
			stmt = store_stmt(st, "DELETE FROM message_status_history"
			    " WHERE message_id = ?1", what, cause);
			if (stmt == NULL)
				return -1;
			sqlite3_bind_int64(stmt, 1, id);
			if (store_step_done(st, stmt, what, cause) != 0)
				return -1;
		}
	return x_sets_write(st, x_msg_tables, HARK_NELEM(x_msg_tables), x->sets,
	    x->nsets, id, cause);
}

/*
 * While bulk loading (import) this runs inside the caller's transaction, as
 * store_message_insert does; otherwise in its own, so a message never
 * arrives without its history.
 */
int
store_message_import(struct store *st, const struct store_xmessage *x, int64_t *id,
    char **cause)
{
	struct store_tx tx;
	int rc;

	if (st->bulk) {
		rc = store_message_insert_tx(st, &x->m, id, cause);
		if (rc == 1 && x_message_rest(st, x, *id, cause) != 0)
			return -1;
		return rc;
	}
	if (store_tx_begin(st, &tx, "cannot import message", cause) != 0)
		return -1;
	rc = store_message_insert_tx(st, &x->m, id, cause);
	if (rc == -1 || (rc == 1 && x_message_rest(st, x, *id, cause) != 0) ||
	    store_tx_commit(st, &tx, "cannot import message", cause) != 0) {
		store_tx_abort(st, &tx);
		return -1;
	}
	return rc;
}
