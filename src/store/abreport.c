/* abreport.c — the A/B report's query: per variant of a template, what was sent, delivered and replied to. */

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static int	ab_template_id(struct store *st, const char *name, int64_t *id,
		    char **cause);
static struct store_ab_variant *ab_variant(struct store_ab_report *r,
		    const char *name, int *cap);
static void	ab_count(struct store_ab_report *r, struct store_ab_variant *v,
		    enum hark_status status, int64_t t0, int64_t reply_at);

void
store_ab_report_clear(struct store_ab_report *r)
{
	int i;

	for (i = 0; i < r->nvariants; i++) {
		free(r->variants[i].name);
		free(r->variants[i].reply_ms);
	}
	free(r->variants);
	free(r->template_name);
	memset(r, 0, sizeof *r);
}

/* Deleted templates still report: their messages stay. */
static int
ab_template_id(struct store *st, const char *name, int64_t *id, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot look up template";
	int rc;

	stmt = store_stmt(st, "SELECT id FROM templates WHERE name = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, name);
	if ((rc = store_step_int64(st, stmt, what, id, cause)) == 0)
		set_cause(cause, "no template '%s'", name);
	return rc > 0 ? 0 : -1;
}

/* The row of variant `name`; rows come ordered by name, so it is the last or new. */
static struct store_ab_variant *
ab_variant(struct store_ab_report *r, const char *name, int *cap)
{
	struct store_ab_variant *v;

	if (r->nvariants > 0 && strcmp(r->variants[r->nvariants - 1].name, name) == 0)
		return &r->variants[r->nvariants - 1];
	if (r->nvariants == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		r->variants = xreallocarray(r->variants, (size_t)*cap, sizeof *v);
	}
	v = &r->variants[r->nvariants++];
	memset(v, 0, sizeof *v);
	v->name = xstrdup(name);
	return v;
}

static void
ab_count(struct store_ab_report *r, struct store_ab_variant *v,
    enum hark_status status, int64_t t0, int64_t reply_at)
{
	switch (status) {
	case HARK_ST_QUEUED:
	case HARK_ST_SCHEDULED:
	case HARK_ST_SENDING:
		r->pending++;
		return;
	case HARK_ST_SENT:
	case HARK_ST_DELIVERED:
	case HARK_ST_READ:
	case HARK_ST_UNDELIVERED:
		break;
	default:
		r->failed++;
		return;
	}
	v->sent++;
	if (status == HARK_ST_DELIVERED || status == HARK_ST_READ)
		v->delivered++;
	if (reply_at > 0) {
		/* At most one reply per message sent: sent entries suffice. */
		v->reply_ms = xreallocarray(v->reply_ms, (size_t)v->sent,
		    sizeof *v->reply_ms);
		v->reply_ms[v->replied++] = reply_at - t0;
	}
}

/*
 * t0 is when a message went out as far as the user is concerned: its
 * scheduled time, else when it was written. The reply is the contact's
 * first inbound message after t0 (the messages_contact_time index), kept
 * only when it came within the window.
 */
int
store_ab_report(struct store *st, const char *name, int64_t since,
    int64_t until, int64_t window_ms, struct store_ab_report *r, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read the A/B report";
	struct store_ab_variant *v;
	enum hark_status status;
	int64_t id, t0, reply;
	int rc, cap = 0;

	memset(r, 0, sizeof *r);
	if (ab_template_id(st, name != NULL ? name : "", &id, cause) != 0)
		return -1;
	r->template_name = xstrdup(name);
	stmt = store_stmt(st, "SELECT m.variant, m.status, m.t0, (SELECT"
	    " min(i.created_at) FROM messages i WHERE i.contact_id = m.contact_id"
	    " AND i.direction = 'in' AND i.created_at > m.t0) FROM (SELECT variant,"
	    " status, contact_id, max(created_at, coalesce(scheduled_at, 0)) AS t0"
	    " FROM messages WHERE template_version_id IN (SELECT id FROM"
	    " template_versions WHERE template_id = ?1) AND variant IS NOT NULL"
	    " AND direction = 'out' AND created_at >= ?2 AND created_at < ?3) m"
	    " ORDER BY m.variant", what, cause);
	if (stmt == NULL) {
		store_ab_report_clear(r);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, since > 0 ? since : INT64_MIN);
	sqlite3_bind_int64(stmt, 3, until > 0 ? until : INT64_MAX);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		v = ab_variant(r, store_col_text(stmt, 0), &cap);
		if (hark_status_parse(store_col_text(stmt, 1), &status) != 0)
			status = HARK_ST_FAILED;
		t0 = sqlite3_column_int64(stmt, 2);
		reply = sqlite3_column_type(stmt, 3) == SQLITE_NULL ? 0 :
		    sqlite3_column_int64(stmt, 3);
		if (reply > 0 && reply - t0 > window_ms)
			reply = 0;
		ab_count(r, v, status, t0, reply);
	}
	if (store_each_end(st, stmt, rc, what, cause) != 0) {
		store_ab_report_clear(r);
		return -1;
	}
	return 0;
}
