/* contacts.c — contacts, their identities, tags, custom fields and conversation state. */

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static int	contact_exists(struct store *st, int64_t id, const char *what,
		    char **cause);
static int	contact_touch(struct store *st, int64_t id, char **cause);
static void	contact_from_row(sqlite3_stmt *stmt, struct store_contact *c);
static int	contact_load_ids(struct store *st, struct store_contact *c,
		    char **cause);
static char	*field_path(const char *key);

/* The columns contact_from_row reads, from contacts c and conversations v. */
#define CONTACT_COLS \
	"c.id, c.name, c.company, c.notes, c.fields, c.created_at," \
	" coalesce((SELECT group_concat(tag, ',') FROM (SELECT tag" \
	"   FROM contact_tags WHERE contact_id = c.id ORDER BY tag)), '')," \
	" coalesce(v.status, 'open'), coalesce(v.snooze_until, 0)," \
	" coalesce(v.unread, 0), coalesce(v.last_activity, 0)," \
	" coalesce(v.channels, 0)" \
	" FROM contacts c LEFT JOIN conversations v ON v.contact_id = c.id"

static const char *const id_kind_names[] = { "phone", "whatsapp", "email" };

enum store_id_kind
store_id_kind_for(enum hark_channel ch)
{
	switch (ch) {
	case HARK_CH_WHATSAPP:
		return STORE_ID_WHATSAPP;
	case HARK_CH_EMAIL:
		return STORE_ID_EMAIL;
	default:
		return STORE_ID_PHONE;
	}
}

const char *
store_id_kind_name(enum store_id_kind k)
{
	return (unsigned)k < HARK_NELEM(id_kind_names) ? id_kind_names[k] : "?";
}

void
store_contact_clear(struct store_contact *c)
{
	int i;

	free(c->name);
	free(c->company);
	free(c->notes);
	free(c->fields);
	free(c->tags);
	free(c->conv_status);
	for (i = 0; i < c->nids; i++) {
		free(c->ids[i].address);
		free(c->ids[i].label);
	}
	free(c->ids);
	memset(c, 0, sizeof *c);
}

/* 0 when the contact exists, else -1 with "<what>: no contact #id". */
static int
contact_exists(struct store *st, int64_t id, const char *what, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_stmt(st, "SELECT 1 FROM contacts WHERE id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = 0;
	else if (rc == SQLITE_DONE) {
		set_cause(cause, "%s: no contact #%lld", what, (long long)id);
		rc = -1;
	} else
		rc = store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc;
}

static int
contact_touch(struct store *st, int64_t id, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot update contact";

	stmt = store_stmt(st, "UPDATE contacts SET updated_at = ?2 WHERE id = ?1",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, hark_now_ms());
	return store_step_done(st, stmt, what, cause);
}

int
store_contact_add(struct store *st, const char *name, int64_t *id, char **cause)
{
	struct store_tx tx;
	sqlite3_stmt *stmt;
	const char *what = "cannot add contact";
	int64_t now = hark_now_ms();

	if (name == NULL || *name == '\0') {
		set_cause(cause, "%s: a contact needs a name", what);
		return -1;
	}
	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	stmt = store_stmt(st, "INSERT INTO contacts (name, created_at, updated_at)"
	    " VALUES (?1, ?2, ?2)", what, cause);
	if (stmt == NULL)
		goto fail;
	store_bind_text(stmt, 1, name);
	sqlite3_bind_int64(stmt, 2, now);
	if (store_step_done(st, stmt, what, cause) != 0)
		goto fail;
	*id = sqlite3_last_insert_rowid(st->db);
	stmt = store_stmt(st, "INSERT INTO conversations (contact_id) VALUES (?1)",
	    what, cause);
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, *id);
	if (store_step_done(st, stmt, what, cause) != 0)
		goto fail;
	return store_tx_commit(st, &tx, what, cause);
fail:
	store_tx_abort(st, &tx);
	return -1;
}

int
store_identity_add(struct store *st, int64_t contact_id, enum store_id_kind kind,
    const char *address, const char *label, char **cause)
{
	struct store_tx tx;
	sqlite3_stmt *stmt;
	const char *what = "cannot add address";
	char *name;
	int64_t owner;
	int found;

	if (address == NULL || *address == '\0') {
		set_cause(cause, "%s: the address is empty", what);
		return -1;
	}
	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	if (contact_exists(st, contact_id, what, cause) != 0)
		goto fail;
	found = store_contact_by_address(st, kind, address, &owner, cause);
	if (found == -1)
		goto fail;
	if (found == 1 && owner != contact_id) {
		name = store_contact_name(st, owner);
		set_cause(cause, "%s: %s already belongs to %s (#%lld)", what,
		    address, name ? name : "another contact", (long long)owner);
		free(name);
		goto fail;
	}
	if (found == 0) {
		stmt = store_stmt(st, "INSERT INTO identities (contact_id, kind,"
		    " address, label) VALUES (?1, ?2, ?3, ?4)", what, cause);
		if (stmt == NULL)
			goto fail;
		sqlite3_bind_int64(stmt, 1, contact_id);
		store_bind_text(stmt, 2, store_id_kind_name(kind));
		store_bind_text(stmt, 3, address);
		store_bind_text(stmt, 4, label);
		if (store_step_done(st, stmt, what, cause) != 0 ||
		    contact_touch(st, contact_id, cause) != 0)
			goto fail;
	}
	return store_tx_commit(st, &tx, what, cause);
fail:
	store_tx_abort(st, &tx);
	return -1;
}

/* An empty company or notes clears it; NULL leaves it as it is. */
int
store_contact_update(struct store *st, int64_t id, const char *name,
    const char *company, const char *notes, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot update contact";

	if (name != NULL && *name == '\0') {
		set_cause(cause, "%s: a contact needs a name", what);
		return -1;
	}
	stmt = store_stmt(st, "UPDATE contacts SET name = coalesce(?2, name),"
	    " company = CASE WHEN ?3 IS NULL THEN company ELSE nullif(?3, '') END,"
	    " notes = CASE WHEN ?4 IS NULL THEN notes ELSE nullif(?4, '') END,"
	    " updated_at = ?5 WHERE id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	store_bind_text(stmt, 2, name);
	store_bind_text(stmt, 3, company);
	store_bind_text(stmt, 4, notes);
	sqlite3_bind_int64(stmt, 5, hark_now_ms());
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	if (sqlite3_changes(st->db) == 0) {
		set_cause(cause, "%s: no contact #%lld", what, (long long)id);
		return -1;
	}
	return 0;
}

/* A JSON path naming one member; keys are plain words people type. */
static char *
field_path(const char *key)
{
	if (key == NULL || *key == '\0' || strpbrk(key, "\"\\") != NULL)
		return NULL;
	return xasprintf("$.\"%s\"", key);
}

int
store_contact_set_field(struct store *st, int64_t id, const char *key,
    const char *value, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot set field";
	char *path;
	int rc;

	if ((path = field_path(key)) == NULL) {
		set_cause(cause, "%s: bad field name '%s'", what, key ? key : "");
		return -1;
	}
	stmt = store_stmt(st, "UPDATE contacts SET fields = CASE WHEN ?3 IS NULL"
	    " THEN json_remove(fields, ?2) ELSE json_set(fields, ?2, ?3) END,"
	    " updated_at = ?4 WHERE id = ?1", what, cause);
	if (stmt == NULL) {
		free(path);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, id);
	store_bind_text(stmt, 2, path);
	store_bind_text(stmt, 3, value);
	sqlite3_bind_int64(stmt, 4, hark_now_ms());
	rc = store_step_done(st, stmt, what, cause);
	free(path);
	if (rc == 0 && sqlite3_changes(st->db) == 0) {
		set_cause(cause, "%s: no contact #%lld", what, (long long)id);
		rc = -1;
	}
	return rc;
}

/* Tags are listed comma-separated, so a tag cannot hold a comma. */
int
store_contact_tag(struct store *st, int64_t id, const char *tag, int on, char **cause)
{
	struct store_tx tx;
	sqlite3_stmt *stmt;
	const char *what = on ? "cannot tag contact" : "cannot untag contact";

	if (tag == NULL || *tag == '\0' || strchr(tag, ',') != NULL) {
		set_cause(cause, "%s: bad tag '%s'", what, tag ? tag : "");
		return -1;
	}
	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	if (contact_exists(st, id, what, cause) != 0)
		goto fail;
	if (on)
		stmt = store_stmt(st, "INSERT OR IGNORE INTO contact_tags"
		    " (contact_id, tag) VALUES (?1, ?2)", what, cause);
	else
		stmt = store_stmt(st, "DELETE FROM contact_tags WHERE contact_id = ?1"
		    " AND tag = ?2", what, cause);
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, id);
	store_bind_text(stmt, 2, tag);
	if (store_step_done(st, stmt, what, cause) != 0 ||
	    contact_touch(st, id, cause) != 0)
		goto fail;
	return store_tx_commit(st, &tx, what, cause);
fail:
	store_tx_abort(st, &tx);
	return -1;
}

int
store_contact_by_address(struct store *st, enum store_id_kind kind,
    const char *address, int64_t *id, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot look up address";
	int rc;

	stmt = store_stmt(st, "SELECT contact_id FROM identities WHERE kind = ?1"
	    " AND address = ?2", what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, store_id_kind_name(kind));
	store_bind_text(stmt, 2, address);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(stmt, 0);
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc;
}

int
store_contact_ensure(struct store *st, enum store_id_kind kind, const char *address,
    const char *name, int64_t *id, int *created, char **cause)
{
	struct store_tx tx;
	const char *what = "cannot add contact";
	int found;

	*created = 0;
	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	found = store_contact_by_address(st, kind, address, id, cause);
	if (found == -1)
		goto fail;
	if (found == 0) {
		if (store_contact_add(st, name ? name : address, id, cause) != 0 ||
		    store_identity_add(st, *id, kind, address, NULL, cause) != 0)
			goto fail;
		*created = 1;
	}
	if (store_tx_commit(st, &tx, what, cause) != 0) {
		*created = 0;
		return -1;
	}
	return 0;
fail:
	store_tx_abort(st, &tx);
	*created = 0;
	return -1;
}

static void
contact_from_row(sqlite3_stmt *stmt, struct store_contact *c)
{
	c->id = sqlite3_column_int64(stmt, 0);
	c->name = store_col_strdup(stmt, 1);
	c->company = store_col_strdup(stmt, 2);
	c->notes = store_col_strdup(stmt, 3);
	c->fields = store_col_strdup(stmt, 4);
	c->created_at = sqlite3_column_int64(stmt, 5);
	c->tags = store_col_strdup(stmt, 6);
	c->conv_status = store_col_strdup(stmt, 7);
	c->snooze_until = sqlite3_column_int64(stmt, 8);
	c->unread = sqlite3_column_int(stmt, 9);
	c->last_activity = sqlite3_column_int64(stmt, 10);
	c->channels = (unsigned)sqlite3_column_int(stmt, 11);
}

static int
contact_load_ids(struct store *st, struct store_contact *c, char **cause)
{
	sqlite3_stmt *stmt;
	struct store_identity *ident;
	const char *what = "cannot read contact";
	const char *kind;
	int rc, k;

	stmt = store_stmt(st, "SELECT kind, address, label FROM identities"
	    " WHERE contact_id = ?1 ORDER BY id", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, c->id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		c->ids = xreallocarray(c->ids, (size_t)c->nids + 1, sizeof *c->ids);
		ident = &c->ids[c->nids++];
		kind = store_col_text(stmt, 0);
		ident->kind = STORE_ID_PHONE;
		for (k = 0; k < (int)HARK_NELEM(id_kind_names); k++) {
			if (strcmp(kind, id_kind_names[k]) == 0)
				ident->kind = (enum store_id_kind)k;
		}
		ident->address = store_col_strdup(stmt, 1);
		ident->label = store_col_strdup(stmt, 2);
	}
	if (rc != SQLITE_DONE)
		store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_contact_get(struct store *st, int64_t id, struct store_contact *c, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read contact";
	int rc;

	memset(c, 0, sizeof *c);
	stmt = store_stmt(st, "SELECT " CONTACT_COLS " WHERE c.id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		contact_from_row(stmt, c);
	else if (rc == SQLITE_DONE)
		set_cause(cause, "no contact #%lld", (long long)id);
	else
		store_err(st, cause, what);
	store_stmt_done(st, stmt);
	if (rc != SQLITE_ROW)
		return -1;
	if (contact_load_ids(st, c, cause) != 0) {
		store_contact_clear(c);
		return -1;
	}
	return 0;
}

int
store_contacts_each(struct store *st,
    int (*fn)(void *arg, const struct store_contact *c), void *arg, char **cause)
{
	struct store_contact c;
	sqlite3_stmt *stmt;
	const char *what = "cannot list contacts";
	int rc, stop = 0;

	stmt = store_stmt(st, "SELECT " CONTACT_COLS " ORDER BY v.last_activity DESC,"
	    " c.name COLLATE NOCASE, c.id", what, cause);
	if (stmt == NULL)
		return -1;
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&c, 0, sizeof c);
		contact_from_row(stmt, &c);
		if (contact_load_ids(st, &c, cause) != 0) {
			store_contact_clear(&c);
			store_stmt_done(st, stmt);
			return -1;
		}
		stop = fn(arg, &c);
		store_contact_clear(&c);
	}
	if (!stop && rc != SQLITE_DONE) {
		store_err(st, cause, what);
		store_stmt_done(st, stmt);
		return -1;
	}
	store_stmt_done(st, stmt);
	return 0;
}

int
store_conversation_set(struct store *st, int64_t contact_id, const char *status,
    int64_t snooze_until, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot change conversation";
	int snoozed;

	if (status == NULL || (strcmp(status, "open") != 0 &&
	    strcmp(status, "snoozed") != 0 && strcmp(status, "done") != 0)) {
		set_cause(cause, "%s: unknown state '%s'", what, status ? status : "");
		return -1;
	}
	snoozed = strcmp(status, "snoozed") == 0;
	if (snoozed && snooze_until <= 0) {
		set_cause(cause, "%s: snoozing needs a time to wake up", what);
		return -1;
	}
	stmt = store_stmt(st, "UPDATE conversations SET status = ?2,"
	    " snooze_until = ?3 WHERE contact_id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, contact_id);
	store_bind_text(stmt, 2, status);
	store_bind_opt(stmt, 3, snoozed ? snooze_until : 0);
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	if (sqlite3_changes(st->db) == 0) {
		set_cause(cause, "%s: no contact #%lld", what, (long long)contact_id);
		return -1;
	}
	return 0;
}

/* Runs two statements on one contact's conversation, atomically. */
static int
conversation_update(struct store *st, int64_t contact_id, const char *sql_messages,
    const char *sql_conversation, const char *what, char **cause)
{
	const char *const sqls[2] = { sql_messages, sql_conversation };
	struct store_tx tx;
	sqlite3_stmt *stmt;
	int i;

	if (store_tx_begin(st, &tx, what, cause) != 0)
		return -1;
	for (i = 0; i < 2; i++) {
		if ((stmt = store_stmt(st, sqls[i], what, cause)) == NULL)
			goto fail;
		sqlite3_bind_int64(stmt, 1, contact_id);
		if (store_step_done(st, stmt, what, cause) != 0)
			goto fail;
	}
	return store_tx_commit(st, &tx, what, cause);
fail:
	store_tx_abort(st, &tx);
	return -1;
}

int
store_conversation_mark_read(struct store *st, int64_t contact_id, char **cause)
{
	return conversation_update(st, contact_id,
	    "UPDATE messages SET seen = 1 WHERE contact_id = ?1 AND seen = 0",
	    "UPDATE conversations SET unread = 0 WHERE contact_id = ?1",
	    "cannot mark conversation read", cause);
}

/* The newest inbound message becomes unseen again, so the badge means something. */
int
store_conversation_mark_unread(struct store *st, int64_t contact_id, char **cause)
{
	return conversation_update(st, contact_id,
	    "UPDATE messages SET seen = 0 WHERE id = (SELECT id FROM messages"
	    " WHERE contact_id = ?1 AND direction = 'in' ORDER BY created_at DESC,"
	    " id DESC LIMIT 1) AND seen = 1",
	    "UPDATE conversations SET unread = max(unread, 1) WHERE contact_id = ?1",
	    "cannot mark conversation unread", cause);
}

/* For the `status:failed` filter: a scan of messages, run only on request. */
int
store_contact_ids_with_status(struct store *st, const char *status, int64_t **ids,
    int *n, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot filter contacts";
	int rc;

	*ids = NULL;
	*n = 0;
	stmt = store_stmt(st, "SELECT DISTINCT contact_id FROM messages"
	    " WHERE status = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, status);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*ids = xreallocarray(*ids, (size_t)*n + 1, sizeof **ids);
		(*ids)[(*n)++] = sqlite3_column_int64(stmt, 0);
	}
	if (rc != SQLITE_DONE) {
		store_err(st, cause, what);
		store_stmt_done(st, stmt);
		free(*ids);
		*ids = NULL;
		*n = 0;
		return -1;
	}
	store_stmt_done(st, stmt);
	return 0;
}

int
store_unread_total(struct store *st, int *total, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot count unread messages";

	*total = 0;
	stmt = store_stmt(st, "SELECT coalesce(sum(unread), 0) FROM conversations",
	    what, cause);
	if (stmt == NULL)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_err(st, cause, what);
		store_stmt_done(st, stmt);
		return -1;
	}
	*total = sqlite3_column_int(stmt, 0);
	store_stmt_done(st, stmt);
	return 0;
}

/*
 * The contact list as the client draws it: no identities (one query less per
 * row), newest activity first straight from the conversations_activity
 * index, so the first screen of a long list costs only its own rows.
 */
int
store_contacts_list(struct store *st, int limit,
    int (*fn)(void *arg, const struct store_contact *c), void *arg, char **cause)
{
	struct store_contact c;
	sqlite3_stmt *stmt;
	const char *what = "cannot list contacts";
	int rc, stop = 0;

	stmt = store_stmt(st, "SELECT c.id, c.name, c.company, c.notes, c.fields,"
	    " c.created_at, coalesce((SELECT group_concat(tag, ',') FROM (SELECT tag"
	    "   FROM contact_tags WHERE contact_id = c.id ORDER BY tag)), ''),"
	    " v.status, coalesce(v.snooze_until, 0), v.unread, v.last_activity,"
	    " v.channels FROM conversations v JOIN contacts c ON c.id = v.contact_id"
	    " ORDER BY v.last_activity DESC LIMIT ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int(stmt, 1, limit > 0 ? limit : -1);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&c, 0, sizeof c);
		contact_from_row(stmt, &c);
		stop = fn(arg, &c);
		store_contact_clear(&c);
	}
	if (!stop && rc != SQLITE_DONE) {
		store_err(st, cause, what);
		store_stmt_done(st, stmt);
		return -1;
	}
	store_stmt_done(st, stmt);
	return 0;
}

int
store_preferred_channel_set(struct store *st, int64_t contact_id,
    enum hark_channel ch, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot set the preferred channel";

	stmt = store_stmt(st, "INSERT INTO preferences (contact_id,"
	    " preferred_channel) VALUES (?1, ?2) ON CONFLICT (contact_id)"
	    " DO UPDATE SET preferred_channel = excluded.preferred_channel",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, contact_id);
	store_bind_text(stmt, 2, hark_channel_name(ch));
	return store_step_done(st, stmt, what, cause);
}

int
store_preferred_channel(struct store *st, int64_t contact_id,
    enum hark_channel *ch, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read the preferred channel";
	int rc, found = 0;

	stmt = store_stmt(st, "SELECT preferred_channel FROM preferences"
	    " WHERE contact_id = ?1 AND preferred_channel IS NOT NULL", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, contact_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		found = hark_channel_parse(store_col_text(stmt, 0), ch) == 0;
	else if (rc != SQLITE_DONE) {
		store_err(st, cause, what);
		store_stmt_done(st, stmt);
		return -1;
	}
	store_stmt_done(st, stmt);
	return found;
}
