/*
 * report.c — what `hark report` reads: every message of a period in time
 * order (one statement, one pass), the calls of the period, and the saved
 * report schedules. The engine (src/engine/report.c) turns the pass into
 * figures; nothing here aggregates, so every definition lives in one place.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* The filters every report statement shares, from parameter 3 on. */
#define REPORT_WHERE \
	" AND (?3 IS NULL OR m.channel = ?3)" \
	" AND (?4 IS NULL OR m.contact_id IN" \
	"   (SELECT contact_id FROM contact_tags WHERE tag = ?4))" \
	" AND (?5 IS NULL OR (m.direction = 'out' AND m.from_addr = ?5)" \
	"   OR (m.direction = 'in' AND m.to_addr = ?5))"

static void	report_bind(sqlite3_stmt *stmt, const struct store_report_filter *f);
static int	report_enum(sqlite3_stmt *stmt, int col, const char *const *names,
		    int n);
static int	report_row(sqlite3_stmt *stmt, struct store_report_row *r);

/* The names as the store writes them, in enum order (core.h). */
static const char *const report_channels[] = { "sms", "whatsapp", "email", "voice" };
static const char *const report_directions[] = { "in", "out" };
static const char *const report_statuses[] = { "queued", "scheduled", "sending",
    "sent", "delivered", "read", "failed", "undelivered", "canceled", "uncertain",
    "received" };

static void
report_bind(sqlite3_stmt *stmt, const struct store_report_filter *f)
{
	sqlite3_bind_int64(stmt, 1, f->since);
	sqlite3_bind_int64(stmt, 2, f->until);
	if (f->channel >= 0 && f->channel < HARK_CH__COUNT)
		sqlite3_bind_text(stmt, 3, hark_channel_name(f->channel), -1,
		    SQLITE_STATIC);
	store_bind_text(stmt, 4, f->tag);
	store_bind_text(stmt, 5, f->member);
}

/*
 * The index of a column's text in names, -1 when it is none of them. The
 * pass reads a million rows for a big report: an exact byte compare of the
 * store's own lower-case names, and no copy, is most of what a row costs
 * here (measured), so this is not hark_status_parse and its folding.
 */
static int
report_enum(sqlite3_stmt *stmt, int col, const char *const *names, int n)
{
	const char *s = (const char *)sqlite3_column_text(stmt, col);
	int len = sqlite3_column_bytes(stmt, col), i;

	for (i = 0; s != NULL && i < n; i++) {
		if (names[i][0] == s[0] && (int)strlen(names[i]) == len &&
		    memcmp(names[i], s, (size_t)len) == 0)
			return i;
	}
	return -1;
}

/* Fills r from the current row; -1 for a row with a channel, direction or
 * status this hark does not know (a newer hark wrote it): it is skipped. */
static int
report_row(sqlite3_stmt *stmt, struct store_report_row *r)
{
	const char *cur;
	int ch, dir, st;

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(stmt, 0);
	r->contact_id = sqlite3_column_int64(stmt, 1);
	ch = report_enum(stmt, 2, report_channels, HARK_NELEM(report_channels));
	dir = report_enum(stmt, 3, report_directions, 2);
	st = report_enum(stmt, 4, report_statuses, HARK_NELEM(report_statuses));
	if (ch < 0 || dir < 0 || st < 0)
		return -1;
	r->channel = (enum hark_channel)ch;
	r->direction = (enum hark_direction)dir;
	r->status = (enum hark_status)st;
	r->created_at = sqlite3_column_int64(stmt, 5);
	/* Only a failure's provider and error are of use to a report. */
	if (r->status == HARK_ST_FAILED || r->status == HARK_ST_UNDELIVERED) {
		r->provider = store_col_text(stmt, 6);
		r->error_code = store_col_text(stmt, 7);
		r->error_text = store_col_text(stmt, 8);
	}
	cur = store_col_text(stmt, 10);
	if (sqlite3_column_type(stmt, 9) != SQLITE_NULL && cur != NULL &&
	    strlen(cur) < sizeof r->price.currency) {
		r->has_price = 1;
		r->price.micros = sqlite3_column_int64(stmt, 9);
		strcpy(r->price.currency, cur);
	}
	r->template_version_id = sqlite3_column_int64(stmt, 11);
	if (r->template_version_id != 0) {
		r->variant = store_col_text(stmt, 12);
		r->scheduled_at = sqlite3_column_int64(stmt, 13);
	}
	return 0;
}

int
store_report_messages(struct store *st, const struct store_report_filter *f,
    int (*fn)(void *arg, const struct store_report_row *r), void *arg, char **cause)
{
	struct store_report_row r;
	sqlite3_stmt *stmt;
	const char *what = "cannot read messages for the report";
	int rc, stop = 0;

	/* created_at order comes from the messages_time index (ties by id,
	 * which the index holds): no sort, whatever the history's size. */
	stmt = store_stmt(st, "SELECT m.id, m.contact_id, m.channel, m.direction,"
	    " m.status, m.created_at, m.provider, m.error_code, m.error_text,"
	    " m.price_micros, m.currency, m.template_version_id, m.variant,"
	    " m.scheduled_at"
	    " FROM messages m WHERE m.created_at >= ?1 AND m.created_at < ?2"
	    REPORT_WHERE " ORDER BY m.created_at, m.id", what, cause);
	if (stmt == NULL)
		return -1;
	report_bind(stmt, f);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (report_row(stmt, &r) == 0)
			stop = fn(arg, &r);
	}
	return store_each_end(st, stmt, rc, what, cause);
}

int
store_report_calls(struct store *st, const struct store_report_filter *f,
    int (*fn)(void *arg, const struct store_report_call *c), void *arg, char **cause)
{
	struct store_report_call c;
	sqlite3_stmt *stmt;
	const char *what = "cannot read calls for the report";
	int rc, stop = 0;

	/* CROSS JOIN keeps calls (small) the outer loop: probing it once per
	 * message of a large period would cost more than the whole pass. */
	stmt = store_stmt(st, "SELECT c.message_id, m.created_at, m.direction,"
	    " c.status, c.duration_s FROM calls c CROSS JOIN messages m"
	    " WHERE m.id = c.message_id AND m.created_at >= ?1 AND m.created_at < ?2"
	    " AND m.status != 'canceled'"
	    REPORT_WHERE " ORDER BY m.created_at, m.id", what, cause);
	if (stmt == NULL)
		return -1;
	report_bind(stmt, f);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&c, 0, sizeof c);
		c.message_id = sqlite3_column_int64(stmt, 0);
		c.created_at = sqlite3_column_int64(stmt, 1);
		if (hark_direction_parse(store_col_text(stmt, 2), &c.direction) != 0)
			continue;
		c.status = store_col_text(stmt, 3);
		if (c.status == NULL)
			c.status = "";
		c.duration_s = sqlite3_column_type(stmt, 4) == SQLITE_NULL ? -1 :
		    sqlite3_column_int(stmt, 4);
		stop = fn(arg, &c);
	}
	return store_each_end(st, stmt, rc, what, cause);
}

/* ---- schedules ----------------------------------------------------------------- */

void
store_report_schedule_clear(struct store_report_schedule *s)
{
	free(s->every);
	free(s->email_to);
	free(s->options);
	memset(s, 0, sizeof *s);
}

int
store_report_schedule_add(struct store *st, const struct store_report_schedule *s,
    int64_t *id, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot save the report schedule";

	stmt = store_stmt(st, "INSERT INTO report_schedules (every, email_to,"
	    " options, next_start, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	    what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, s->every);
	store_bind_text(stmt, 2, s->email_to);
	store_bind_text(stmt, 3, s->options != NULL ? s->options : "{}");
	sqlite3_bind_int64(stmt, 4, s->next_start);
	sqlite3_bind_int64(stmt, 5, hark_now_ms());
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_report_schedules_each(struct store *st,
    int (*fn)(void *arg, const struct store_report_schedule *s), void *arg, char **cause)
{
	struct store_report_schedule s;
	sqlite3_stmt *stmt;
	const char *what = "cannot read the report schedules";
	int rc, stop = 0;

	stmt = store_stmt(st, "SELECT id, every, email_to, options, next_start,"
	    " last_sent_at, last_message_id, created_at FROM report_schedules"
	    " ORDER BY id", what, cause);
	if (stmt == NULL)
		return -1;
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		s.id = sqlite3_column_int64(stmt, 0);
		s.every = (char *)store_col_text(stmt, 1);
		s.email_to = (char *)store_col_text(stmt, 2);
		s.options = (char *)store_col_text(stmt, 3);
		s.next_start = sqlite3_column_int64(stmt, 4);
		s.last_sent_at = sqlite3_column_int64(stmt, 5);
		s.last_message_id = sqlite3_column_int64(stmt, 6);
		s.created_at = sqlite3_column_int64(stmt, 7);
		stop = fn(arg, &s);
	}
	return store_each_end(st, stmt, rc, what, cause);
}

int
store_report_schedule_remove(struct store *st, int64_t id, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot remove the report schedule";

	stmt = store_stmt(st, "DELETE FROM report_schedules WHERE id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	return sqlite3_changes(st->db) > 0 ? 1 : 0;
}

int
store_report_schedule_sent(struct store *st, int64_t id, int64_t start,
    int64_t next_start, int64_t message_id, int64_t at, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot record the scheduled report";

	stmt = store_stmt(st, "UPDATE report_schedules SET next_start = ?3,"
	    " last_sent_at = ?5, last_message_id = ?4"
	    " WHERE id = ?1 AND next_start = ?2", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, start);
	sqlite3_bind_int64(stmt, 3, next_start);
	store_bind_opt(stmt, 4, message_id);
	sqlite3_bind_int64(stmt, 5, at);
	if (store_step_done(st, stmt, what, cause) != 0)
		return -1;
	return sqlite3_changes(st->db) > 0 ? 1 : 0;
}
