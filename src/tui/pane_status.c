/*
 * pane_status.c — the status bar and the message line under it: provider
 * and outbox state, unread total, the filter, the last error. Data: counts
 * rebuilt on recalc. Events: every change recalculates (cheap counts).
 */

#include <stdlib.h>
#include <string.h>

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/notify.h"

#include "tui_int.h"
#include "tui_cmds.h"

struct status_view {
	int unread;
	int jobs[6];
	struct hbuf bulk;   /* running bulk sends' progress (cmd_route.c) */
};

static void
status_init(struct pane *p)
{
	p->data = xcalloc(1, sizeof(struct status_view));
}

static void
status_free(struct pane *p)
{
	struct status_view *v = p->data;

	if (v != NULL)
		hbuf_free(&v->bulk);
	free(p->data);
	p->data = NULL;
}

static void
status_recalc(struct pane *p)
{
	struct status_view *v = p->data;
	struct tui *t = p->tui;

	store_unread_total(t->st, &v->unread, NULL);
	memset(v->jobs, 0, sizeof v->jobs);
	store_jobs_count(t->st, v->jobs, NULL);
	hbuf_reset(&v->bulk);
	tui_bulk_progress(t, &v->bulk);
}

static void
status_draw(struct pane *p)
{
	struct status_view *v = p->data;
	struct tui *t = p->tui;
	struct hbuf left = HBUF_INIT;
	const char *acct = t->cfg->naccounts > 0 ? t->cfg->accounts[0].name : NULL;
	int used;

	werase(p->win);
	wmove(p->win, 0, 0);
	hbuf_printf(&left, " hark │ %s%s │ %d unread │ outbox %d pending",
	    acct ? acct : "no account", acct && t->cfg->naccounts > 1 ? " +" : "",
	    v->unread, v->jobs[STORE_JOB_PENDING] + v->jobs[STORE_JOB_INFLIGHT]);
	if (v->jobs[STORE_JOB_FAILED] > 0)
		hbuf_printf(&left, ", %d failed", v->jobs[STORE_JOB_FAILED]);
	if (v->jobs[STORE_JOB_UNCERTAIN] > 0)
		hbuf_printf(&left, ", %d uncertain", v->jobs[STORE_JOB_UNCERTAIN]);
	hbuf_printf(&left, " │ %s", t->engine && engine_owns_outbox(t->engine) ?
	    "sending here" : "daemon sends");
	/* Webhooks reach us at once through the relay, else by polling. */
	if (t->engine != NULL)
		hbuf_printf(&left, " │ relay: %s", engine_relay_connected(t->engine) ?
		    "up" : "off, polling");
	if (t->notifier != NULL)
		hbuf_printf(&left, " │ notify: %s", notifier_method(t->notifier));
	if (t->filter.text != NULL)
		hbuf_printf(&left, " │ filter: %s", t->filter.text);
	hbuf_adds(&left, hbuf_str(&v->bulk));
	used = tui_put(t, p->win, ROLE_BAR, hbuf_str(&left), p->w);
	hbuf_free(&left);
	if (used < p->w - 8) {
		tui_clear_eol(t, p->win, ROLE_BAR);
		wmove(p->win, 0, p->w - 8);
		tui_put_raw(t, p->win, ROLE_BAR, "? help ", 7);
	}
	tui_clear_eol(t, p->win, ROLE_BAR);
	wmove(p->win, 1, 0);
	if (t->message != NULL)
		tui_put(t, p->win, t->message_error ? ROLE_BAR_ERROR : ROLE_DEFAULT,
		    t->message, p->w);
}

static void
status_event(struct pane *p, const struct store_event *ev)
{
	pane_dirty(p, PANE_RECALC | PANE_DRAW);
}

const struct pane_ops pane_status_ops = {
	.name = "status",
	.mode = MODE_GLOBAL,
	.init = status_init,
	.free = status_free,
	.recalc = status_recalc,
	.draw = status_draw,
	.key = NULL,
	.event = status_event,
};
