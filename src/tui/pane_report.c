/*
 * pane_report.c — the dashboard: the report (hark/report.h) full screen over
 * the panes, in its own keymap mode ("report"). Data: a struct report the
 * engine builds for a window of periods (14 days, 8 weeks or 6 months)
 * ending with the current one, or earlier after `report prev`; the selected
 * bar by index. Events: any new message or status change marks it for a
 * rebuild. It never runs SQL: it asks report_build, on libuv's thread pool
 * with a read-only store of its own (a month's window over a large history
 * takes a second; the loop never waits for it), and draws the result when
 * it arrives. Only the newest request's result is kept.
 *
 * Drawing is report_draw.c's; this file holds the state and the commands:
 * `:report [day|week|month|prev|next|left|right|open|channel|close]`.
 */

#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "hark/report.h"

#include "report_view.h"
#include "tui_cmds.h"
#include "tui_int.h"

struct rv_msgs;

/* One build on the thread pool: it owns everything it touches there. */
struct rv_job {
	uv_work_t req;
	struct tui *t;          /* used only on the loop, in rv_job_done */
	unsigned gen;           /* the view's request it answers */
	char *db_path;
	struct report_opts o;
	struct report *r;
	char *cause;
};

static int	rv_build(struct tui *t, struct report_view *v, char **cause);
static void	rv_job_work(uv_work_t *req);
static void	rv_job_done(uv_work_t *req, int status);
static int	rv_window(struct report_view *v, int64_t *since, int64_t *until);
static int	rv_open_messages(struct tui *t, struct report_view *v, char **cause);
static const char *rv_name(struct rv_msgs *f, int64_t id);
static int	rv_msg_add(void *arg, const struct store_message *m);
static void	rv_msg_chosen(struct tui *t, const struct picker_item *it);
static int	rv_command(struct tui *t, struct report_view *v, const char *what,
		    char **cause);

/* Periods in the window for each --by: two weeks, two months, half a year. */
static const int rv_span[] = { 14, 8, 6 };

/* The window: rv_span periods ending with the one holding v->end - 1. */
static int
rv_window(struct report_view *v, int64_t *since, int64_t *until)
{
	int64_t start, end;
	int i;

	report_period_of(v->by, v->end - 1, &start, &end);
	*until = end;
	for (i = 1; i < rv_span[v->by]; i++)
		report_period_of(v->by, start - 1, &start, &end);
	*since = start;
	return 0;
}

/* Asks for the report of the view's window; the answer comes to
 * rv_job_done. A request made while one runs waits for it, then goes. */
static int
rv_build(struct tui *t, struct report_view *v, char **cause)
{
	struct rv_job *j;

	v->gen++;
	v->stale = 0;
	if (v->busy) {
		v->again = 1;
		return 0;
	}
	j = xcalloc(1, sizeof *j);
	j->req.data = j;
	j->t = t;
	j->gen = v->gen;
	j->db_path = xstrdup(store_path(t->st));
	rv_window(v, &j->o.since, &j->o.until);
	j->o.by = v->by;
	j->o.channel = -1;
	j->o.now = hark_now_ms();
	j->o.top = 3;
	if (uv_queue_work(t->loop, &j->req, rv_job_work, rv_job_done) != 0) {
		set_cause(cause, "cannot start the report");
		free(j->db_path);
		free(j);
		return -1;
	}
	v->busy = 1;
	v->job = j;
	return 0;
}

static void
rv_job_work(uv_work_t *req)
{
	struct rv_job *j = req->data;
	struct store *st;

	if (store_open(j->db_path, STORE_READONLY, &st, &j->cause) != 0)
		return;
	(void)report_build(st, &j->o, &j->r, &j->cause);
	store_close(st);
}

static void
rv_job_done(uv_work_t *req, int status)
{
	struct rv_job *j = req->data;
	struct tui *t = j->t;
	struct report_view *v = t->report;

	if (v != NULL && v->job == j) {
		v->job = NULL;
		v->busy = 0;
		if (j->gen == v->gen && j->r != NULL) {
			report_free(v->r);
			v->r = j->r;
			j->r = NULL;
			if (v->sel < 0 || v->sel >= v->r->nperiods)
				v->sel = v->r->nperiods - 1;
		} else if (j->gen == v->gen && j->cause != NULL)
			tui_say(t, 1, "%s", j->cause);
		v->dirty = 1;
		if (v->again) {             /* a newer request waited */
			v->again = 0;
			(void)rv_build(t, v, NULL);
		}
	}
	report_free(j->r);
	free(j->cause);
	free(j->db_path);
	free(j);
}

int
report_view_is_open(struct tui *t)
{
	return t->report != NULL;
}

void
report_view_close(struct tui *t)
{
	struct report_view *v = t->report;

	if (v == NULL)
		return;
	report_free(v->r);
	if (v->win != NULL)
		delwin(v->win);
	free(v);
	t->report = NULL;
	clearok(curscr, TRUE);
	tui_dirty_all(t, PANE_RECALC | PANE_DRAW);
}

/* Any change to messages may change a figure: rebuild at the next draw. */
void
report_view_event(struct tui *t, const struct store_event *ev)
{
	if (t->report == NULL)
		return;
	if (strcmp(ev->kind, "message-added") == 0 ||
	    strcmp(ev->kind, "status-changed") == 0) {
		t->report->stale = 1;
		t->report->dirty = 1;
	}
}

int
report_view_dirty(struct tui *t)
{
	return t->report != NULL && t->report->dirty;
}

/* ---- drill-down: the messages behind a bar ---------------------------------------- */

struct rv_msgs {
	struct tui *t;
	int channel;
	struct picker_item *items;
	int n;
	int64_t name_id;        /* the contact last named (messages come in runs) */
	char *name;
};

static const char *
rv_name(struct rv_msgs *f, int64_t id)
{
	struct store_contact c;

	if (f->name_id == id && f->name != NULL)
		return f->name;
	free(f->name);
	f->name = NULL;
	memset(&c, 0, sizeof c);
	if (store_contact_get(f->t->st, id, &c, NULL) == 0)
		f->name = xstrdup(c.name);
	store_contact_clear(&c);
	f->name_id = id;
	return f->name;
}

#define RV_MSGS_MAX 2000

static int
rv_msg_add(void *arg, const struct store_message *m)
{
	struct rv_msgs *f = arg;
	struct picker_item *it;
	char when[40];
	const char *name;

	if (f->channel >= 0 && (int)m->channel != f->channel)
		return 0;
	if (f->n == RV_MSGS_MAX)
		return 1;
	name = rv_name(f, m->contact_id);
	time_format_iso(m->created_at, when, sizeof when);
	f->items = xreallocarray(f->items, (size_t)f->n + 1, sizeof *f->items);
	it = &f->items[f->n++];
	memset(it, 0, sizeof *it);
	it->label = xasprintf("%.16s  %-8s %s %s", when, hark_channel_name(m->channel),
	    m->direction == HARK_DIR_IN ? "<-" : "->", name != NULL ? name : "?");
	it->detail = xstrdup(hark_status_name(m->status));
	it->preview = xstrdup(m->subject != NULL && *m->subject != '\0' ?
	    m->subject : m->body);
	it->id = m->id;
	it->id2 = m->contact_id;
	return 0;
}

static void
rv_msg_chosen(struct tui *t, const struct picker_item *it)
{
	tui_select_contact(t, it->id2);
	tui_select_message(t, it->id2, it->id);
	tui_focus(t, PANE_THREAD);
}

static int
rv_open_messages(struct tui *t, struct report_view *v, char **cause)
{
	const struct report_period *p;
	struct store_filter sf;
	struct rv_msgs f;
	char *title;

	if (v->r == NULL || v->sel < 0 || v->sel >= v->r->nperiods) {
		set_cause(cause, "no bar is selected");
		return -1;
	}
	p = &v->r->periods[v->sel];
	memset(&f, 0, sizeof f);
	f.t = t;
	f.channel = v->channel;
	memset(&sf, 0, sizeof sf);
	sf.since = p->start;
	sf.until = p->end;
	if (store_messages_each(t->st, &sf, rv_msg_add, &f, cause) != 0) {
		picker_items_free(f.items, f.n);
		free(f.name);
		return -1;
	}
	free(f.name);
	if (f.n == 0) {
		tui_say(t, 0, "no %s messages in %s", v->channel >= 0 ?
		    hark_channel_name(v->channel) : "", p->label);
		return 0;
	}
	title = xasprintf("%s%s%s: %d message%s%s (Enter opens the thread)",
	    p->label, v->channel >= 0 ? ", " : "", v->channel >= 0 ?
	    hark_channel_name(v->channel) : "", f.n, f.n == 1 ? "" : "s",
	    f.n == RV_MSGS_MAX ? ", the first" : "");
	report_view_close(t);
	picker_open(t, title, f.items, f.n, 1, rv_msg_chosen);
	free(title);
	return 0;
}

/* ---- the command ---------------------------------------------------------------------- */

static int
rv_command(struct tui *t, struct report_view *v, const char *what, char **cause)
{
	enum report_by by;
	int64_t start, end;

	if (report_by_parse(what, &by) == 0) {
		v->by = by;
		v->end = hark_now_ms() + 1;
		v->sel = -1;
		return rv_build(t, v, cause);
	}
	if (strcmp(what, "prev") == 0 || strcmp(what, "next") == 0) {
		report_period_of(v->by, v->end - 1, &start, &end);
		if (what[0] == 'p')
			v->end = start;
		else if (end > hark_now_ms()) {
			set_cause(cause, "the dashboard already ends with the current %s",
			    report_by_name(v->by));
			return -1;
		} else
			v->end = report_period_next(v->by, end);
		return rv_build(t, v, cause);
	}
	if (strcmp(what, "left") == 0 || strcmp(what, "right") == 0) {
		v->sel += what[0] == 'l' ? -1 : 1;
		if (v->sel < 0)
			v->sel = 0;
		if (v->r != NULL && v->sel >= v->r->nperiods)
			v->sel = v->r->nperiods - 1;
		return 0;
	}
	if (strcmp(what, "channel") == 0) {
		v->channel = v->channel + 1 >= HARK_CH__COUNT ? -1 : v->channel + 1;
		return 0;
	}
	if (strcmp(what, "open") == 0)
		return rv_open_messages(t, v, cause);
	if (strcmp(what, "close") == 0) {
		report_view_close(t);
		return 0;
	}
	set_cause(cause, "report: '%s' is not day, week, month, prev, next, left, "
	    "right, channel, open or close", what);
	return -1;
}

int
tcmd_report(struct tui *t, int argc, char **argv, char **cause)
{
	struct report_view *v = t->report;
	int rc;

	if (v == NULL) {
		if (picker_is_open(t))
			picker_close(t);
		v = xcalloc(1, sizeof *v);
		v->by = REPORT_BY_WEEK;
		v->end = hark_now_ms() + 1;
		v->sel = -1;
		v->channel = -1;
		if (argc > 1 && report_by_parse(argv[1], &v->by) != 0 &&
		    strcmp(argv[1], "close") != 0) {
			free(v);
			set_cause(cause, "report: '%s' is not day, week or month", argv[1]);
			return -1;
		}
		if (argc > 1 && strcmp(argv[1], "close") == 0) {
			free(v);
			return 0;
		}
		t->report = v;
		v->dirty = 1;
		if (rv_build(t, v, cause) != 0) {
			t->report = NULL;
			free(v);
			return -1;
		}
		return 0;
	}
	rc = argc > 1 ? rv_command(t, v, argv[1], cause) : 0;
	if (t->report != NULL)
		t->report->dirty = 1;
	return rc;
}

/* Asks again for a stale report (new messages came in), then draws. */
void
report_view_draw(struct tui *t)
{
	struct report_view *v = t->report;
	char *cause = NULL;

	if (v == NULL)
		return;
	if (v->stale && rv_build(t, v, &cause) != 0) {
		tui_say(t, 1, "%s", cause);
		free(cause);
	}
	report_draw(t, v);
	v->dirty = 0;
}
