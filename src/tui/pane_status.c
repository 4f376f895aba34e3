/*
 * pane_status.c — the status bar and the message line under it: provider
 * and outbox state, unread total, the filter, a running sync's progress,
 * the last error. Data: counts rebuilt on recalc. Events: every change
 * recalculates (cheap counts); a message of ours that fails, or waits to be
 * tried again, puts its error on the message line; "sync-progress" sets or
 * clears the progress.
 */

#include <stdio.h>
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
	char *sync;         /* "syncing INBOX 1,200/10,000", NULL when none */
};

static void status_sync_progress(struct status_view *v, const char *payload);
static void status_send_error(struct tui *t, int64_t message_id);

static void
status_init(struct pane *p)
{
	p->data = xcalloc(1, sizeof(struct status_view));
}

static void
status_free(struct pane *p)
{
	struct status_view *v = p->data;

	if (v != NULL) {
		hbuf_free(&v->bulk);
		free(v->sync);
	}
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
	if (v->sync != NULL)
		hbuf_printf(&left, " │ %s", v->sync);
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

/* 1200 → "1,200". */
static void
status_count(size_t n, char *buf, size_t len)
{
	char digits[32];
	size_t i, nd, o = 0;

	nd = (size_t)snprintf(digits, sizeof digits, "%zu", n);
	for (i = 0; i < nd && o + 2 < len; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

/* payload "ACCOUNT\tFOLDER\tDONE\tTOTAL" (engine.h), NULL: the sync ended. */
static void
status_sync_progress(struct status_view *v, const char *payload)
{
	const char *folder, *nums;
	unsigned long long done, total;
	char d[32], n[32], *what, *safe;

	free(v->sync);
	v->sync = NULL;
	if (payload == NULL || (folder = strchr(payload, '\t')) == NULL ||
	    (nums = strchr(++folder, '\t')) == NULL ||
	    sscanf(nums + 1, "%llu\t%llu", &done, &total) != 2)
		return;
	status_count((size_t)done, d, sizeof d);
	status_count((size_t)total, n, sizeof n);
	what = xasprintf("syncing %.*s %s/%s", (int)(nums - folder), folder, d, n);
	safe = text_sanitize(what, strlen(what), 0);
	free(what);
	v->sync = safe;
}

/*
 * A message we sent failed, or failed for now and waits for its next
 * attempt: its error on the message line (the thread shows it too, but the
 * thread may be another contact's).
 */
static void
status_send_error(struct tui *t, int64_t message_id)
{
	struct store_message m;
	struct store_job j;
	const char *ch;

	memset(&m, 0, sizeof m);
	memset(&j, 0, sizeof j);
	if (store_message_get(t->st, message_id, &m, NULL) != 0 ||
	    m.direction != HARK_DIR_OUT || m.channel == HARK_CH_VOICE)
		goto out;
	ch = m.channel == HARK_CH_EMAIL ? "email" : m.channel ==
	    HARK_CH_WHATSAPP ? "WhatsApp" : "SMS";
	if (m.status == HARK_ST_FAILED || m.status == HARK_ST_UNDELIVERED ||
	    m.status == HARK_ST_UNCERTAIN) {
		tui_say(t, 1, "%s to %s %s: %s%s%s%s", ch, m.to_addr,
		    hark_status_name(m.status), m.error_text != NULL ? m.error_text :
		    "no reason given", m.error_code != NULL ? " (" : "",
		    m.error_code != NULL ? m.error_code : "",
		    m.error_code != NULL ? ")" : "");
	} else if (!hark_status_is_final(m.status) &&
	    store_job_get_by_message(t->st, message_id, &j, NULL) == 0 &&
	    j.state == STORE_JOB_PENDING && j.attempts > 0 && j.last_error != NULL)
		tui_say(t, 1, "%s to %s not sent yet: %s", ch,
		    m.to_addr, j.last_error);
out:
	store_job_clear(&j);
	store_message_clear(&m);
}

static void
status_event(struct pane *p, const struct store_event *ev)
{
	if (strcmp(ev->kind, "sync-progress") == 0) {
		status_sync_progress(p->data, ev->payload);
		pane_dirty(p, PANE_DRAW);
		return;
	}
	/* The engine's own events come again from the journal: once is enough. */
	if (strcmp(ev->kind, "status-changed") == 0 && ev->message_id > 0 &&
	    (ev->id == 0 || ev->id > p->tui->last_event_id))
		status_send_error(p->tui, ev->message_id);
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
