/* message_read.c — reading messages: one by id, lookups, thread pages, streams. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* The columns msg_from_row reads, in order. */
#define MSG_COLS \
	"id, contact_id, channel, direction, provider, provider_id, from_addr," \
	" to_addr, subject, body, status, error_code, error_text, price_micros," \
	" currency, segments, encoding, created_at, sent_at, delivered_at," \
	" read_at, scheduled_at, message_id, in_reply_to, refs, seen"

static char	*col_str(sqlite3_stmt *stmt, int i, int copy);
static void	msg_from_row(sqlite3_stmt *stmt, struct store_message *m, int copy);
static int	lookup_id(struct store *st, const char *sql, const char *a,
		    const char *b, int64_t *id, char **cause);

void
store_message_clear(struct store_message *m)
{
	free(m->provider);
	free(m->provider_id);
	free(m->from_addr);
	free(m->to_addr);
	free(m->subject);
	free(m->body);
	free(m->error_code);
	free(m->error_text);
	free(m->encoding);
	free(m->message_id);
	free(m->in_reply_to);
	free(m->refs);
	memset(m, 0, sizeof *m);
}

/*
 * A copy for structs the caller keeps, or the statement's own text for
 * streams, where the struct lives only during the callback. The cast only
 * lends the text: nobody writes through a streamed struct.
 */
static char *
col_str(sqlite3_stmt *stmt, int i, int copy)
{
	if (copy)
		return store_col_strdup(stmt, i);
	return (char *)(uintptr_t)store_col_text(stmt, i);
}

static void
msg_from_row(sqlite3_stmt *stmt, struct store_message *m, int copy)
{
	const char *cur;

	memset(m, 0, sizeof *m);
	m->id = sqlite3_column_int64(stmt, 0);
	m->contact_id = sqlite3_column_int64(stmt, 1);
	if (hark_channel_parse(store_col_text(stmt, 2), &m->channel) != 0)
		m->channel = HARK_CH_SMS;
	if (hark_direction_parse(store_col_text(stmt, 3), &m->direction) != 0)
		m->direction = HARK_DIR_IN;
	m->provider = col_str(stmt, 4, copy);
	m->provider_id = col_str(stmt, 5, copy);
	m->from_addr = col_str(stmt, 6, copy);
	m->to_addr = col_str(stmt, 7, copy);
	m->subject = col_str(stmt, 8, copy);
	m->body = col_str(stmt, 9, copy);
	if (hark_status_parse(store_col_text(stmt, 10), &m->status) != 0)
		m->status = HARK_ST_QUEUED;
	m->error_code = col_str(stmt, 11, copy);
	m->error_text = col_str(stmt, 12, copy);
	if (sqlite3_column_type(stmt, 13) != SQLITE_NULL) {
		m->has_price = 1;
		m->price.micros = sqlite3_column_int64(stmt, 13);
		if ((cur = store_col_text(stmt, 14)) != NULL)
			snprintf(m->price.currency, sizeof m->price.currency, "%s", cur);
	}
	m->segments = sqlite3_column_int(stmt, 15);
	m->encoding = col_str(stmt, 16, copy);
	m->created_at = sqlite3_column_int64(stmt, 17);
	m->sent_at = sqlite3_column_int64(stmt, 18);
	m->delivered_at = sqlite3_column_int64(stmt, 19);
	m->read_at = sqlite3_column_int64(stmt, 20);
	m->scheduled_at = sqlite3_column_int64(stmt, 21);
	m->message_id = col_str(stmt, 22, copy);
	m->in_reply_to = col_str(stmt, 23, copy);
	m->refs = col_str(stmt, 24, copy);
	m->seen = sqlite3_column_int(stmt, 25);
}

int
store_message_get(struct store *st, int64_t id, struct store_message *m, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read message";
	int rc;

	memset(m, 0, sizeof *m);
	stmt = store_stmt(st, "SELECT " MSG_COLS " FROM messages WHERE id = ?1",
	    what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		msg_from_row(stmt, m, 1);
	else if (rc == SQLITE_DONE)
		set_cause(cause, "no message #%lld", (long long)id);
	else
		store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* One id from sql bound with a (and b): 1 found, 0 none, -1 error. */
static int
lookup_id(struct store *st, const char *sql, const char *a, const char *b,
    int64_t *id, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot look up message";
	int rc;

	if ((stmt = store_stmt(st, sql, what, cause)) == NULL)
		return -1;
	store_bind_text(stmt, 1, a);
	store_bind_text(stmt, 2, b);
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
store_message_by_provider_id(struct store *st, const char *provider,
    const char *provider_id, int64_t *id, char **cause)
{
	if (provider == NULL || provider_id == NULL)
		return 0;
	return lookup_id(st, "SELECT id FROM messages WHERE provider = ?1"
	    " AND provider_id = ?2", provider, provider_id, id, cause);
}

int
store_message_by_message_id(struct store *st, const char *message_id, int64_t *id,
    char **cause)
{
	if (message_id == NULL)
		return 0;
	/* hark keeps the ids of mail it sends as written in the header, with
	 * <>; parsed mail gives them without. Either finds the other. */
	return lookup_id(st, "SELECT id FROM messages WHERE message_id IN"
	    " (?1, '<' || ?1 || '>') ORDER BY id LIMIT 1", message_id, NULL, id,
	    cause);
}

/*
 * The page is read newest first (so LIMIT stops early on the index) and
 * handed out oldest first, so it is held in memory: at most `limit` rows.
 */
int
store_messages_page(struct store *st, int64_t contact_id, int64_t before_at,
    int64_t before_id, int limit,
    int (*fn)(void *arg, const struct store_message *m), void *arg, char **cause)
{
	struct store_message *page;
	sqlite3_stmt *stmt;
	const char *what = "cannot read conversation";
	int rc = SQLITE_DONE, n = 0, i, stop = 0;

	if (limit <= 0)
		return 0;
	stmt = store_stmt(st, "SELECT " MSG_COLS " FROM messages"
	    " WHERE contact_id = ?1 AND (created_at, id) < (?2, ?3)"
	    " ORDER BY created_at DESC, id DESC LIMIT ?4", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, contact_id);
	sqlite3_bind_int64(stmt, 2, before_at);
	sqlite3_bind_int64(stmt, 3, before_id);
	sqlite3_bind_int(stmt, 4, limit);
	page = xcalloc((size_t)limit, sizeof *page);
	while (n < limit && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		msg_from_row(stmt, &page[n++], 1);
	if (n < limit && rc != SQLITE_DONE)
		store_err(st, cause, what);
	else
		rc = SQLITE_DONE;
	store_stmt_done(st, stmt);
	for (i = n - 1; i >= 0; i--) {
		if (!stop && rc == SQLITE_DONE)
			stop = fn(arg, &page[i]);
		store_message_clear(&page[i]);
	}
	free(page);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Half-open: since <= created_at < until. Streams without copying. */
int
store_messages_each(struct store *st, const struct store_filter *f,
    int (*fn)(void *arg, const struct store_message *m), void *arg, char **cause)
{
	struct store_message m;
	sqlite3_stmt *stmt;
	const char *what = "cannot read messages";
	int rc = SQLITE_DONE, stop = 0;

	if (f != NULL && f->contact_id != 0)
		stmt = store_stmt(st, "SELECT " MSG_COLS " FROM messages"
		    " WHERE contact_id = ?1 AND created_at >= ?2 AND created_at < ?3"
		    " ORDER BY created_at, id", what, cause);
	else
		stmt = store_stmt(st, "SELECT " MSG_COLS " FROM messages"
		    " WHERE created_at >= ?2 AND created_at < ?3"
		    " ORDER BY created_at, id", what, cause);
	if (stmt == NULL)
		return -1;
	if (f != NULL && f->contact_id != 0)
		sqlite3_bind_int64(stmt, 1, f->contact_id);
	sqlite3_bind_int64(stmt, 2, f != NULL ? f->since : 0);
	sqlite3_bind_int64(stmt, 3, f != NULL && f->until != 0 ? f->until : INT64_MAX);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		msg_from_row(stmt, &m, 0);
		stop = fn(arg, &m);
	}
	if (!stop && rc != SQLITE_DONE)
		store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return stop || rc == SQLITE_DONE ? 0 : -1;
}
