/*
 * cmd_route.c — the client's routing commands: :set-pref (a contact's
 * preferences and opt-outs, as `hark contacts set`) and :bulk (a template
 * to the contacts of the current filter: preview, then `:bulk NAME send`).
 * Both go through the engine; the status bar shows a running bulk send.
 */

#include <stdlib.h>
#include <string.h>

#include "hark/engine.h"

#include "tui_int.h"
#include "tui_cmds.h"

int
tcmd_set_pref(struct tui *t, int argc, char **argv, char **cause)
{
	char *reason = argc > 3 ? tui_join(argc, argv, 3) : NULL, *sum;
	int rc;

	rc = engine_pref_set(t->st, t->contact_id, argv[1], argv[2], reason, NULL,
	    cause);
	free(reason);
	if (rc != 0)
		return -1;
	sum = engine_route_summary(t->st, t->contact_id, hark_now_ms());
	tui_say(t, 0, "%s: %s", argv[1], *sum ? sum : "no preferences");
	free(sum);
	pane_dirty(&t->panes[PANE_THREAD], PANE_RECALC | PANE_DRAW);
	pane_dirty(&t->panes[PANE_COMPOSER], PANE_RECALC | PANE_DRAW);
	return 0;
}

/*
 * :bulk NAME [CHANNEL] previews NAME to the filtered contacts on the status
 * line; :bulk NAME [CHANNEL] send starts it (the explicit word is the
 * confirmation). The outbox owner sends it at the account's pace.
 */
int
tcmd_bulk(struct tui *t, int argc, char **argv, char **cause)
{
	struct engine_bulk_preview p;
	struct engine_bulk_spec s;
	char cost[32] = "unknown";
	int send = strcmp(argv[argc - 1], "send") == 0;
	int64_t id;

	if (t->filter.text == NULL) {
		set_cause(cause, "bulk: filter the contacts first (f, e.g. tag:buyer)");
		return -1;
	}
	memset(&s, 0, sizeof s);
	s.template = argv[1];
	s.filter = t->filter.text;
	s.channel = HARK_CH_SMS;
	if (argc - send > 2 && (hark_channel_parse(argv[2], &s.channel) != 0 ||
	    s.channel == HARK_CH_VOICE)) {
		set_cause(cause, "bulk: no channel '%s' (sms, whatsapp, email)", argv[2]);
		return -1;
	}
	if (engine_bulk_preview(t->engine, &s, &p, NULL, NULL, cause) != 0)
		return -1;
	if (!send) {
		if (p.has_cost)
			money_format(&p.cost, cost, sizeof cost);
		tui_say(t, 0, "bulk %s: %d recipients (%d deferred), %d skipped (%d "
		    "opted out, %d no address, %d missing variables), %ld segments, "
		    "~%s — :bulk %s%s%s send to send", s.template, p.sending,
		    p.deferred, p.skipped, p.skipped_optout, p.skipped_noaddr,
		    p.skipped_missing, p.segments, cost, s.template,
		    argc - send > 2 ? " " : "", argc - send > 2 ? argv[2] : "");
		return 0;
	}
	if (p.sending == 0) {
		set_cause(cause, "bulk %s: nobody to send to", s.template);
		return -1;
	}
	if (engine_bulk_start(t->engine, &s, &id, cause) != 0)
		return -1;
	tui_say(t, 0, "bulk send %lld started: %d recipients (progress below; "
	    "hark bulk pause %lld)", (long long)id, p.sending, (long long)id);
	pane_dirty(&t->panes[PANE_STATUS], PANE_RECALC | PANE_DRAW);
	return 0;
}

struct bulk_bar {
	struct hbuf *b;
	struct store *st;
};

static int
bulk_bar_one(void *arg, const struct store_bulk *bk)
{
	struct bulk_bar *bb = arg;
	struct store_bulk_counts c;
	int total, done;

	if (store_bulk_counts(bb->st, bk->id, &c, NULL) != 0)
		return 0;
	total = c.pending + c.outbox + c.held + c.sent + c.failed;
	done = c.sent + c.failed;
	hbuf_printf(bb->b, " │ bulk %lld %d/%d", (long long)bk->id, done, total);
	if (c.held > 0)
		hbuf_printf(bb->b, " (%d held)", c.held);
	return 0;
}

/* " │ bulk 3 120/2000" for every running bulk send, for the status bar. */
void
tui_bulk_progress(struct tui *t, struct hbuf *b)
{
	struct bulk_bar bb = { b, t->st };

	store_bulks_each(t->st, "running", bulk_bar_one, &bb, NULL);
}
