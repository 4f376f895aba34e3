/*
 * sync.c — one sync of every provider that polls (IMAP folders, Twilio's
 * lists, ...), for `hark sync` and scripts: start every poll at once, and
 * tell the caller when the last one has finished and which ones failed.
 * Events arrive and are committed exactly as on the timer-driven poll.
 * Also the relay of a poll's progress to subscribers ("sync-progress").
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

struct sync_run {
	int pending;
	int polled;
	int failed;
	struct hbuf errors;
	engine_sync_cb done;
	void *arg;
	struct engine *e;
};

struct sync_one {
	struct sync_run *run;
	struct engine *e;
	char *account;
};

static void sync_one_done(void *arg, const char *error);
static void sync_end(struct sync_run *run);

int
engine_sync_once(struct engine *e, const char *account, engine_sync_cb done,
    void *arg, char **cause)
{
	struct sync_run *run;
	struct sync_one *one;
	struct provider *p;
	char *why = NULL;
	int i, found = 0;

	if (account != NULL && config_account_find(e->cfg, account) == NULL) {
		set_cause(cause, "no account named '%s' in the configuration",
		    account);
		return -1;
	}
	run = xcalloc(1, sizeof *run);
	run->done = done;
	run->arg = arg;
	run->e = e;
	run->pending = 1;   /* held until every poll has started */
	for (i = 0; i < e->nprovs; i++) {
		p = e->provs[i];
		if (p == NULL || (p->caps & PROVIDER_CAP_POLL) == 0 ||
		    (account != NULL && strcmp(p->account, account) != 0))
			continue;
		found++;
		one = xcalloc(1, sizeof *one);
		one->run = run;
		one->e = e;
		one->account = xstrdup(p->account);
		run->pending++;
		run->polled++;
		if (p->ops->poll(p, sync_one_done, one, &why) != 0) {
			sync_one_done(one, why);
			free(why);
			why = NULL;
		}
	}
	if (found == 0) {
		if (account != NULL)
			set_cause(cause, "account '%s' has nothing to sync (its "
			    "provider only sends)", account);
		else
			set_cause(cause, "no configured account has anything to "
			    "sync (add an imap account)");
		hbuf_free(&run->errors);
		free(run);
		return -1;
	}
	sync_end(run);
	return 0;
}

static void
sync_one_done(void *arg, const char *error)
{
	struct sync_one *one = arg;
	struct sync_run *run = one->run;

	if (error != NULL) {
		run->failed++;
		if (run->errors.len > 0)
			hbuf_addc(&run->errors, '\n');
		hbuf_adds(&run->errors, error);
		engine_publish(one->e, "provider-error", 0, 0, error);
	}
	free(one->account);
	free(one);
	sync_end(run);
}

static void
sync_end(struct sync_run *run)
{
	if (--run->pending > 0)
		return;
	if (run->polled > 0)
		sync_progress_end(run->e);
	run->done(run->arg, run->polled, run->failed, run->failed ? hbuf_str(&run->errors) :
	    NULL);
	hbuf_free(&run->errors);
	free(run);
}

/* ---- progress ------------------------------------------------------------------------ */

/* Tells the subscribers only (not journal news: the screen of the process
 * that polls shows it), as engine.c does the relay's state. */
static void
sync_tell(struct engine *e, const char *payload)
{
	struct store_event ev;
	int i;

	memset(&ev, 0, sizeof ev);
	ev.at = hark_now_ms();
	ev.kind = "sync-progress";
	ev.payload = payload;
	for (i = 0; i < e->nsubs; i++)
		e->subs[i].cb(e->subs[i].arg, &ev);
}

void
sync_progress(void *arg, const char *account, const char *what, size_t done,
    size_t total)
{
	struct engine *e = arg;
	char *payload;

	if (total == 0)
		return;
	payload = xasprintf("%s\t%s\t%zu\t%zu", account, what, done, total);
	sync_tell(e, payload);
	free(payload);
	e->progress_shown = 1;
}

void
sync_progress_end(struct engine *e)
{
	if (!e->progress_shown)
		return;
	e->progress_shown = 0;
	sync_tell(e, NULL);
}
