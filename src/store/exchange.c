/*
 * exchange.c — whole records for export and import: a message with its
 * status history, attachments and call; a contact with its identities, tags,
 * conversation state and preferences; opt-outs.
 *
 * Columns that struct store_message has no field for, and every column of
 * the related tables, travel by name: the export reads them with SELECT *
 * and the import writes back those the database has (pragma_table_info), so
 * a column a later migration adds round-trips without this file knowing it.
 * What only makes sense inside one database (row ids, the sort key, the
 * foreign key of a related row) never travels.
 */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/util.h"

#include "store_int.h"
#include "exchange_int.h"

const struct x_table x_msg_tables[4] = {
	{ "status_history", "message_status_history", "message_id",
	  "SELECT * FROM message_status_history WHERE message_id = ?1 ORDER BY id", 0, 0, NULL },
	{ "attachments", "attachments", "message_id",
	  "SELECT * FROM attachments WHERE message_id = ?1 ORDER BY id", 0, 0, NULL },
	{ "call", "calls", "message_id",
	  "SELECT * FROM calls WHERE message_id = ?1", 1, 0, "voice" },
	{ "mail", "mail", "message_id",
	  "SELECT * FROM mail WHERE message_id = ?1", 1, 0, "email" },
};
/* Unread count, last activity and channels follow from the messages, so a
 * conversation carries only what the user set. */
const struct x_table x_contact_tables[4] = {
	{ "identities", "identities", "contact_id",
	  "SELECT * FROM identities WHERE contact_id = ?1 ORDER BY id", 0, 0, NULL },
	{ "tags", "contact_tags", "contact_id",
	  "SELECT * FROM contact_tags WHERE contact_id = ?1 ORDER BY tag", 0, 1, NULL },
	{ "conversation", "conversations", "contact_id",
	  "SELECT status, snooze_until FROM conversations WHERE contact_id = ?1", 1, 0, NULL },
	{ "preferences", "preferences", "contact_id",
	  "SELECT * FROM preferences WHERE contact_id = ?1", 1, 0, NULL },
};
/* A variant names its version by number, which means the same in another
 * database; the version's row id does not. */
const struct x_table x_template_tables[2] = {
	{ "versions", "template_versions", "template_id",
	  "SELECT * FROM template_versions WHERE template_id = ?1 ORDER BY version", 0, 0, NULL },
	{ "variants", "template_variants", "template_version_id",
	  "SELECT v.version AS version, tv.* FROM template_variants tv"
	  " JOIN template_versions v ON v.id = tv.template_version_id"
	  " WHERE v.template_id = ?1 ORDER BY v.version, tv.id", 0, 0, NULL },
};
const char *const store_xtemplate_sets[] = { "versions", "variants", NULL };
const char *const store_xmessage_sets[] = { "status_history", "attachments", "call",
	"mail", NULL };
const char *const store_xcontact_sets[] = { "identities", "tags", "conversation",
	"preferences", NULL };

/* The messages columns struct store_message carries, and the bookkeeping. */
const char *const x_msg_known[] = {
	"id", "contact_id", "channel", "direction", "provider", "provider_id",
	"from_addr", "to_addr", "subject", "body", "status", "error_code",
	"error_text", "price_micros", "currency", "segments", "encoding",
	"created_at", "sent_at", "delivered_at", "read_at", "scheduled_at",
	"message_id", "in_reply_to", "refs", "seen", "sort_key",
	"template_version_id", NULL
};

/* One record's rows and the strings copied for them, reused from record to
 * record so that a stream allocates only while its records grow. */
struct x_rows {
	struct store_xrow *rows;
	int nrows, caprows;
	char **strs;
	int nstrs, capstrs;
};

static char	*x_keep(struct x_rows *own, const char *s);
static void	x_val_read(sqlite3_stmt *stmt, int col, struct store_xval *v, int copy,
		    struct x_rows *own);
static void	x_row_read(sqlite3_stmt *stmt, int ncols, const char *skip1,
		    const char *skip2, const char *const *skip_list,
		    struct store_xrow *row, int copy, struct x_rows *own);
static void	x_rows_reset(struct x_rows *own);
static void	x_rows_free(struct x_rows *own);
static int	x_sets_read(struct store *st, const struct x_table *t, size_t nt,
		    int64_t key, const char *channel, struct store_xset *sets,
		    struct x_rows *own, char **cause);
static void	x_msg_field(struct store_message *m, const char *name,
		    sqlite3_stmt *stmt, int col);
static const char **x_msg_refs(struct store *st, sqlite3_stmt *stmt, int n);
static void	x_msg_refs_out(struct store *st, const char *const *refs,
		    struct store_xrow *extra, struct x_rows *own);

int
x_in(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

static char *
x_keep(struct x_rows *own, const char *s)
{
	if (own->nstrs == own->capstrs) {
		own->capstrs = own->capstrs ? own->capstrs * 2 : 64;
		own->strs = xreallocarray(own->strs, (size_t)own->capstrs,
		    sizeof *own->strs);
	}
	return own->strs[own->nstrs++] = xstrdup(s);
}

static void
x_rows_reset(struct x_rows *own)
{
	int i;

	for (i = 0; i < own->nstrs; i++)
		free(own->strs[i]);
	own->nstrs = 0;
	own->nrows = 0;
}

static void
x_rows_free(struct x_rows *own)
{
	int i;

	x_rows_reset(own);
	for (i = 0; i < own->caprows; i++)
		free(own->rows[i].v);
	free(own->rows);
	free(own->strs);
	memset(own, 0, sizeof *own);
}

/* Text is borrowed from the statement, or copied into own when the
 * statement steps on before the record is used. */
static void
x_val_read(sqlite3_stmt *stmt, int col, struct store_xval *v, int copy,
    struct x_rows *own)
{
	const char *s;

	memset(v, 0, sizeof *v);
	v->name = sqlite3_column_name(stmt, col);
	if (copy)
		v->name = x_keep(own, v->name);
	switch (sqlite3_column_type(stmt, col)) {
	case SQLITE_INTEGER:
		v->type = STORE_X_INT;
		v->i = sqlite3_column_int64(stmt, col);
		break;
	case SQLITE_FLOAT:
		v->type = STORE_X_REAL;
		v->d = sqlite3_column_double(stmt, col);
		break;
	case SQLITE_NULL:
		v->type = STORE_X_NULL;
		break;
	default:
		v->type = STORE_X_TEXT;
		s = store_col_text(stmt, col);
		v->s = copy ? x_keep(own, s != NULL ? s : "") : s != NULL ? s : "";
		break;
	}
}

/* The first ncols columns but the skipped ones; NULLs are left out. */
static void
x_row_read(sqlite3_stmt *stmt, int ncols, const char *skip1, const char *skip2,
    const char *const *skip_list, struct store_xrow *row, int copy,
    struct x_rows *own)
{
	const char *name;
	int i;

	row->v = xreallocarray(row->v, (size_t)ncols + 1, sizeof *row->v);
	row->n = 0;
	for (i = 0; i < ncols; i++) {
		name = sqlite3_column_name(stmt, i);
		if (sqlite3_column_type(stmt, i) == SQLITE_NULL ||
		    (skip1 != NULL && strcmp(name, skip1) == 0) ||
		    (skip2 != NULL && strcmp(name, skip2) == 0) ||
		    (skip_list != NULL && x_in(skip_list, name)))
			continue;
		x_val_read(stmt, i, &row->v[row->n++], copy, own);
	}
}

/* The related rows of one owner, one set per table. The sets point into
 * own->rows only once every table is read, as reading may move it. A table
 * of one channel's messages (calls, mail) is not asked about the others. */
static int
x_sets_read(struct store *st, const struct x_table *t, size_t nt, int64_t key,
    const char *channel, struct store_xset *sets, struct x_rows *own, char **cause)
{
	const char *what = "cannot read for export";
	sqlite3_stmt *stmt;
	int first[STORE_XSETS_MAX], rc = SQLITE_DONE;
	size_t i;

	HARK_ASSERT(nt <= STORE_XSETS_MAX);
	for (i = 0; i < nt && rc == SQLITE_DONE; i++) {
		first[i] = own->nrows;
		sets[i].name = t[i].set;
		sets[i].one = t[i].one;
		sets[i].list = t[i].list;
		sets[i].nrows = 0;
		if (t[i].only != NULL && (channel == NULL || strcmp(t[i].only, channel) != 0))
			continue;
		if ((stmt = store_stmt(st, t[i].select, what, cause)) == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, key);
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			if (own->nrows == own->caprows) {
				own->rows = xreallocarray(own->rows,
				    (size_t)own->caprows * 2 + 8, sizeof *own->rows);
				memset(own->rows + own->caprows, 0,
				    ((size_t)own->caprows + 8) * sizeof *own->rows);
				own->caprows = own->caprows * 2 + 8;
			}
			x_row_read(stmt, sqlite3_column_count(stmt), "id", t[i].key,
			    NULL, &own->rows[own->nrows++], 1, own);
		}
		if (rc != SQLITE_DONE)
			store_err(st, cause, what);
		store_stmt_done(st, stmt);
		sets[i].nrows = own->nrows - first[i];
	}
	for (i = 0; i < nt; i++)
		sets[i].rows = own->rows + first[i];
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Fills the field of m that column `name` holds (text borrowed). */
static void
x_msg_field(struct store_message *m, const char *name, sqlite3_stmt *stmt, int col)
{
	static const struct { const char *name; size_t off; } strs[] = {
		{ "provider", offsetof(struct store_message, provider) },
		{ "provider_id", offsetof(struct store_message, provider_id) },
		{ "from_addr", offsetof(struct store_message, from_addr) },
		{ "to_addr", offsetof(struct store_message, to_addr) },
		{ "subject", offsetof(struct store_message, subject) },
		{ "body", offsetof(struct store_message, body) },
		{ "error_code", offsetof(struct store_message, error_code) },
		{ "error_text", offsetof(struct store_message, error_text) },
		{ "encoding", offsetof(struct store_message, encoding) },
		{ "message_id", offsetof(struct store_message, message_id) },
		{ "in_reply_to", offsetof(struct store_message, in_reply_to) },
		{ "refs", offsetof(struct store_message, refs) },
	};
	static const struct { const char *name; size_t off; } times[] = {
		{ "id", offsetof(struct store_message, id) },
		{ "contact_id", offsetof(struct store_message, contact_id) },
		{ "created_at", offsetof(struct store_message, created_at) },
		{ "sent_at", offsetof(struct store_message, sent_at) },
		{ "delivered_at", offsetof(struct store_message, delivered_at) },
		{ "read_at", offsetof(struct store_message, read_at) },
		{ "scheduled_at", offsetof(struct store_message, scheduled_at) },
	};
	const char *text = store_col_text(stmt, col);
	size_t i;

	for (i = 0; i < HARK_NELEM(strs); i++)
		if (strcmp(name, strs[i].name) == 0) {
			*(char **)(void *)((char *)m + strs[i].off) = (char *)(uintptr_t)text;
			return;
		}
	for (i = 0; i < HARK_NELEM(times); i++)
		if (strcmp(name, times[i].name) == 0) {
			*(int64_t *)(void *)((char *)m + times[i].off) =
			    sqlite3_column_int64(stmt, col);
			return;
		}
	if (strcmp(name, "channel") == 0 && text != NULL)
		hark_channel_parse(text, &m->channel);
	else if (strcmp(name, "direction") == 0 && text != NULL)
		hark_direction_parse(text, &m->direction);
	else if (strcmp(name, "status") == 0 && text != NULL)
		hark_status_parse(text, &m->status);
	else if (strcmp(name, "price_micros") == 0 &&
	    sqlite3_column_type(stmt, col) != SQLITE_NULL) {
		m->has_price = 1;
		m->price.micros = sqlite3_column_int64(stmt, col);
	} else if (strcmp(name, "currency") == 0 && text != NULL)
		snprintf(m->price.currency, sizeof m->price.currency, "%s", text);
	else if (strcmp(name, "segments") == 0)
		m->segments = sqlite3_column_int(stmt, col);
	else if (strcmp(name, "seen") == 0)
		m->seen = sqlite3_column_int(stmt, col);
}

int
x_msg_ref_column(struct store *st, const char *name)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read schema";
	int64_t v;

	stmt = store_stmt(st, "SELECT 1 FROM pragma_foreign_key_list('messages')"
	    " WHERE \"table\" = 'messages' AND \"from\" = ?1", what, NULL);
	if (stmt == NULL)
		return 0;
	store_bind_text(stmt, 1, name);
	return store_step_int64(st, stmt, what, &v, NULL) > 0;
}

/* The first n columns of stmt that point at another message, NULL-terminated
 * (names borrowed from stmt; free the array): the schema is asked once per
 * export, not once per message and column. */
static const char **
x_msg_refs(struct store *st, sqlite3_stmt *stmt, int n)
{
	const char **refs = xreallocarray(NULL, (size_t)n + 1, sizeof *refs);
	const char *name;
	int i, k = 0;

	for (i = 0; i < n; i++) {
		name = sqlite3_column_name(stmt, i);
		if (!x_in(x_msg_known, name) && x_msg_ref_column(st, name))
			refs[k++] = name;
	}
	refs[k] = NULL;
	return refs;
}

/* A column pointing at another message (in refs) is written as that
 * message's "provider provider_id", or left out when it has no provider id. */
static void
x_msg_refs_out(struct store *st, const char *const *refs, struct store_xrow *extra,
    struct x_rows *own)
{
	sqlite3_stmt *stmt;
	int i, k = 0;

	for (i = 0; i < extra->n; i++) {
		extra->v[k] = extra->v[i];
		if (extra->v[i].type != STORE_X_INT || !x_in(refs, extra->v[i].name)) {
			k++;
			continue;
		}
		stmt = store_stmt(st, "SELECT provider || ' ' || provider_id FROM messages"
		    " WHERE id = ?1 AND provider_id IS NOT NULL", "cannot read message",
		    NULL);
		if (stmt == NULL)
			continue;
		sqlite3_bind_int64(stmt, 1, extra->v[i].i);
		if (sqlite3_step(stmt) == SQLITE_ROW) {
			extra->v[k].type = STORE_X_TEXT;
			extra->v[k++].s = x_keep(own, store_col_text(stmt, 0));
		}
		store_stmt_done(st, stmt);
	}
	extra->n = k;
}

int
store_export_count(struct store *st, const struct store_filter *f, int64_t *n,
    char **cause)
{
	const char *what = "cannot count messages";
	sqlite3_stmt *stmt;

	if (f->contact_id != 0)
		stmt = store_stmt(st, "SELECT count(*) FROM messages WHERE contact_id = ?1"
		    " AND created_at >= ?2 AND created_at < ?3", what, cause);
	else
		stmt = store_stmt(st, "SELECT count(*) FROM messages"
		    " WHERE created_at >= ?2 AND created_at < ?3", what, cause);
	if (stmt == NULL)
		return -1;
	if (f->contact_id != 0)
		sqlite3_bind_int64(stmt, 1, f->contact_id);
	sqlite3_bind_int64(stmt, 2, f->since);
	sqlite3_bind_int64(stmt, 3, f->until != 0 ? f->until : INT64_MAX);
	return store_step_int64(st, stmt, what, n, cause) < 0 ? -1 : 0;
}

#define X_MSG_SELECT \
	"SELECT m.*, c.name, t.name, v.version FROM messages m" \
	" JOIN contacts c ON c.id = m.contact_id" \
	" LEFT JOIN template_versions v ON v.id = m.template_version_id" \
	" LEFT JOIN templates t ON t.id = v.template_id"

int
store_export_messages(struct store *st, const struct store_filter *f,
    int (*fn)(void *arg, const struct store_xmessage *x), void *arg, char **cause)
{
	const char *what = "cannot read messages";
	struct store_xmessage x;
	struct x_rows own = { 0 };
	struct store_xrow extra = { NULL, 0 };
	const char **refs;
	sqlite3_stmt *stmt;
	int i, n, rc = SQLITE_DONE, stop = 0, failed = 0;

	if (f->contact_id != 0)
		stmt = store_stmt(st, X_MSG_SELECT " WHERE m.contact_id = ?1 AND"
		    " m.created_at >= ?2 AND m.created_at < ?3 ORDER BY m.created_at, m.id",
		    what, cause);
	else
		stmt = store_stmt(st, X_MSG_SELECT " WHERE m.created_at >= ?2 AND"
		    " m.created_at < ?3 ORDER BY m.created_at, m.id", what, cause);
	if (stmt == NULL)
		return -1;
	if (f->contact_id != 0)
		sqlite3_bind_int64(stmt, 1, f->contact_id);
	sqlite3_bind_int64(stmt, 2, f->since);
	sqlite3_bind_int64(stmt, 3, f->until != 0 ? f->until : INT64_MAX);
	n = sqlite3_column_count(stmt) - 3;
	refs = x_msg_refs(st, stmt, n);
	while (!stop && !failed && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&x, 0, sizeof x);
		for (i = 0; i < n; i++)
			x_msg_field(&x.m, sqlite3_column_name(stmt, i), stmt, i);
		x_row_read(stmt, n, NULL, NULL, x_msg_known, &extra, 0, &own);
		x_rows_reset(&own);
		x_msg_refs_out(st, refs, &extra, &own);
		x.extra = extra;
		x.contact = store_col_text(stmt, n);
		x.template_name = store_col_text(stmt, n + 1);
		x.template_version = sqlite3_column_int(stmt, n + 2);
		x.nsets = (int)HARK_NELEM(x_msg_tables);
		if (x_sets_read(st, x_msg_tables, HARK_NELEM(x_msg_tables), x.m.id,
		    hark_channel_name(x.m.channel), x.sets, &own, cause) != 0)
			failed = 1;
		else
			stop = fn(arg, &x);
	}
	if (!stop && !failed && rc != SQLITE_DONE)
		store_err(st, cause, what);
	store_stmt_done(st, stmt);
	free(refs);
	free(extra.v);
	x_rows_free(&own);
	return stop || (!failed && rc == SQLITE_DONE) ? 0 : -1;
}

int
store_export_contacts(struct store *st, int64_t contact_id,
    int (*fn)(void *arg, const struct store_xcontact *c), void *arg, char **cause)
{
	const char *what = "cannot read contacts";
	struct store_xcontact c;
	struct x_rows own = { 0 };
	struct store_xrow row = { NULL, 0 };
	sqlite3_stmt *stmt;
	int rc = SQLITE_DONE, stop = 0, failed = 0;

	if (contact_id != 0)
		stmt = store_stmt(st, "SELECT * FROM contacts WHERE id = ?1", what, cause);
	else
		stmt = store_stmt(st, "SELECT * FROM contacts ORDER BY id", what, cause);
	if (stmt == NULL)
		return -1;
	if (contact_id != 0)
		sqlite3_bind_int64(stmt, 1, contact_id);
	while (!stop && !failed && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&c, 0, sizeof c);
		x_row_read(stmt, sqlite3_column_count(stmt), NULL, NULL, NULL, &row, 0,
		    &own);
		c.row = row;
		x_rows_reset(&own);
		c.nsets = (int)HARK_NELEM(x_contact_tables);
		if (x_sets_read(st, x_contact_tables, HARK_NELEM(x_contact_tables),
		    sqlite3_column_int64(stmt, 0), NULL, c.sets, &own, cause) != 0)
			failed = 1;
		else
			stop = fn(arg, &c);
	}
	if (!stop && !failed && rc != SQLITE_DONE)
		store_err(st, cause, what);
	store_stmt_done(st, stmt);
	free(row.v);
	x_rows_free(&own);
	return stop || (!failed && rc == SQLITE_DONE) ? 0 : -1;
}

int
store_export_templates(struct store *st,
    int (*fn)(void *arg, const struct store_xtemplate *t), void *arg, char **cause)
{
	const char *what = "cannot read templates";
	struct store_xtemplate t;
	struct x_rows own = { 0 };
	struct store_xrow row = { NULL, 0 };
	sqlite3_stmt *stmt;
	int rc = SQLITE_DONE, stop = 0, failed = 0;

	if ((stmt = store_stmt(st, "SELECT * FROM templates ORDER BY id", what,
	    cause)) == NULL)
		return -1;
	while (!stop && !failed && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&t, 0, sizeof t);
		x_row_read(stmt, sqlite3_column_count(stmt), "id", NULL, NULL, &row, 0,
		    &own);
		t.row = row;
		x_rows_reset(&own);
		t.nsets = (int)HARK_NELEM(x_template_tables);
		if (x_sets_read(st, x_template_tables, HARK_NELEM(x_template_tables),
		    sqlite3_column_int64(stmt, 0), NULL, t.sets, &own, cause) != 0)
			failed = 1;
		else
			stop = fn(arg, &t);
	}
	if (!stop && !failed && rc != SQLITE_DONE)
		store_err(st, cause, what);
	store_stmt_done(st, stmt);
	free(row.v);
	x_rows_free(&own);
	return stop || (!failed && rc == SQLITE_DONE) ? 0 : -1;
}

int
store_export_optouts(struct store *st, int64_t contact_id,
    int (*fn)(void *arg, const struct store_xrow *r), void *arg, char **cause)
{
	const char *what = "cannot read opt-outs";
	struct x_rows own = { 0 };
	struct store_xrow row = { NULL, 0 };
	sqlite3_stmt *stmt;
	int rc, stop = 0;

	if (contact_id != 0)
		stmt = store_stmt(st, "SELECT * FROM opt_outs WHERE contact_id = ?1"
		    " ORDER BY rowid", what, cause);
	else
		stmt = store_stmt(st, "SELECT * FROM opt_outs ORDER BY rowid", what, cause);
	if (stmt == NULL)
		return -1;
	if (contact_id != 0)
		sqlite3_bind_int64(stmt, 1, contact_id);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		x_row_read(stmt, sqlite3_column_count(stmt), NULL, NULL, NULL, &row, 0,
		    &own);
		stop = fn(arg, &row);
	}
	rc = store_each_end(st, stmt, rc, what, cause);
	free(row.v);
	x_rows_free(&own);
	return rc;
}

