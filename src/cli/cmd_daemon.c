/* cmd_daemon.c — `hark daemon`: the engine with no screen (outbox, scheduler, polling). */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/notify.h"
#include "hark/rules.h"
#include "hark/report.h"
#include "hark/store.h"

#include "cli_int.h"

const char cmd_daemon_usage[] =
	"usage: hark daemon [--quiet]\n"
	"\n"
	"Runs the outbox (sends, retries, scheduled messages) and polls the\n"
	"providers, with no screen, until SIGTERM or SIGINT. Exactly one hark\n"
	"owns the outbox: if another one does, this exits with status 2.\n"
	"Logs one line per event on standard error (journald keeps them when\n"
	"run by contrib/hark.service).\n"
	"\n"
	"Runs the automation rules of $XDG_CONFIG_HOME/hark/rules (see `hark\n"
	"rules --help`); a rules file with an error is refused (status 1) with\n"
	"its file and line. SIGHUP, or saving the file, rereads it.\n";

struct daemon_state {
	struct store *st;
	struct notifier *notifier;
	int quiet;
	uv_signal_t sigterm, sigint;
	uv_signal_t sighup;     /* rereads the rules file */
	struct engine *e;
	uv_timer_t reports;     /* scheduled reports (report_sched.c), every minute */
};

/* With no hark open, the daemon is what tells you a message came in. */
static void
daemon_notify(struct daemon_state *d, const struct store_message *m)
{
	struct store_contact c;
	char *summary;

	memset(&c, 0, sizeof c);
	if (store_contact_get(d->st, m->contact_id, &c, NULL) != 0)
		return;
	summary = xasprintf("%s from %s", m->channel == HARK_CH_EMAIL ? "Email" :
	    m->channel == HARK_CH_WHATSAPP ? "WhatsApp" : "SMS", c.name);
	notifier_send(d->notifier, summary, m->body);
	free(summary);
	store_contact_clear(&c);
}

/* What the automation rules did, refused, or want you told. */
static void
daemon_rule(struct daemon_state *d, const struct store_event *ev)
{
	char *safe;

	if (ev->payload == NULL)
		return;
	safe = text_sanitize(ev->payload, strlen(ev->payload), 0);
	if (strcmp(ev->kind, "rule-notify") == 0 && d->notifier != NULL)
		notifier_send(d->notifier, "hark rule", safe);
	if (!d->quiet || strcmp(ev->kind, "rule-error") == 0)
		fprintf(stderr, "hark daemon: %s: %s\n", ev->kind, safe);
	free(safe);
}

static void
daemon_hup(uv_signal_t *s, int signum)
{
	fprintf(stderr, "hark daemon: %s, rereading the rules\n", strsignal(signum));
	engine_rules_reload(s->data);
}

static void
daemon_event(void *arg, const struct store_event *ev)
{
	struct daemon_state *d = arg;
	struct store_message m;
	char *safe;

	if (strncmp(ev->kind, "rule", 4) == 0) {
		daemon_rule(d, ev);
		return;
	}
	if (d->quiet || ev->message_id == 0) {
		if (!d->quiet && strcmp(ev->kind, "provider-error") == 0 &&
		    ev->payload != NULL) {
			safe = text_sanitize(ev->payload, strlen(ev->payload), 0);
			fprintf(stderr, "hark daemon: provider error: %s\n", safe);
			free(safe);
		}
		return;
	}
	memset(&m, 0, sizeof m);
	if (store_message_get(d->st, ev->message_id, &m, NULL) != 0)
		return;
	if (d->notifier != NULL && ev->payload != NULL &&
	    strcmp(ev->kind, "message-added") == 0 &&
	    strcmp(ev->payload, "inbound") == 0)
		daemon_notify(d, &m);
	fprintf(stderr, "hark daemon: message %lld %s %s %s: %s\n",
	    (long long)m.id, hark_channel_name(m.channel),
	    m.direction == HARK_DIR_IN ? "from" : "to",
	    m.direction == HARK_DIR_IN ? m.from_addr : m.to_addr,
	    hark_status_name(m.status));
	store_message_clear(&m);
}

/* Emails the scheduled reports whose period has ended. */
static void
daemon_reports(uv_timer_t *t)
{
	struct daemon_state *d = t->data;
	char *cause = NULL;
	int n;

	n = report_sched_run_due(d->e, d->st, hark_now_ms(), &cause);
	if (n > 0)
		fprintf(stderr, "hark daemon: %d scheduled report%s queued\n", n,
		    n == 1 ? "" : "s");
	if (cause != NULL)
		fprintf(stderr, "hark daemon: %s\n", cause);
	free(cause);
}

static void
daemon_signal(uv_signal_t *s, int signum)
{
	fprintf(stderr, "hark daemon: %s, stopping\n", strsignal(signum));
	uv_stop(s->loop);
}

int
cmd_daemon(struct cli_ctx *ctx, int argc, char **argv)
{
	struct engine_opts eo;
	struct daemon_state d;
	struct engine *e = NULL;
	struct config *cfg;
	struct rules *rules = NULL;
	uv_loop_t loop;
	char *cause = NULL;
	long owner;
	int rc = HARK_EXIT_OK;

	memset(&d, 0, sizeof d);
	if (argc == 2 && strcmp(argv[1], "--quiet") == 0)
		d.quiet = 1;
	else if (argc != 1) {
		fputs(cmd_daemon_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((cfg = cli_config(ctx)) == NULL || (d.st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	/* A rules file with an error is refused before anything runs. */
	if (engine_rules_load(d.st, cfg, NULL, &rules, &cause) < 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_USAGE;
	}
	rules_free(rules);
	uv_loop_init(&loop);
	memset(&eo, 0, sizeof eo);
	eo.loop = &loop;
	eo.st = d.st;
	eo.cfg = cfg;
	eo.take_outbox = 1;
	eo.rules = 1;
	if (engine_new(&eo, &e, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		rc = HARK_EXIT_ERROR;
	} else if (!engine_owns_outbox(e)) {
		owner = engine_outbox_owner(store_path(d.st));
		cli_err(ctx, "another hark (pid %ld) owns the outbox of %s", owner,
		    store_path(d.st));
		rc = HARK_EXIT_ERROR;
	} else {
		/* Stoppable cleanly from the moment it says it runs. */
		uv_signal_init(&loop, &d.sigterm);
		uv_signal_init(&loop, &d.sigint);
		uv_signal_start(&d.sigterm, daemon_signal, SIGTERM);
		uv_signal_start(&d.sigint, daemon_signal, SIGINT);
		uv_signal_init(&loop, &d.sighup);
		d.sighup.data = e;
		uv_signal_start(&d.sighup, daemon_hup, SIGHUP);
		fprintf(stderr, "hark daemon: pid %ld owns the outbox of %s\n",
		    (long)getpid(), store_path(d.st));
		if (notifier_new(&loop, cfg->notify, -1, &d.notifier, &cause) != 0) {
			/* The daemon still sends; it only cannot tell you. */
			cli_err(ctx, "notifications off: %s", cause);
			free(cause);
			cause = NULL;
		}
		engine_subscribe(e, daemon_event, &d);
		d.e = e;
		uv_timer_init(&loop, &d.reports);
		d.reports.data = &d;
		uv_timer_start(&d.reports, daemon_reports, 0, 60 * 1000);
		uv_run(&loop, UV_RUN_DEFAULT);
		uv_close((uv_handle_t *)&d.reports, NULL);
		uv_close((uv_handle_t *)&d.sigterm, NULL);
		uv_close((uv_handle_t *)&d.sigint, NULL);
		uv_close((uv_handle_t *)&d.sighup, NULL);
	}
	free(cause);
	engine_free(e);
	notifier_free(d.notifier);
	uv_run(&loop, UV_RUN_NOWAIT);
	uv_loop_close(&loop);
	return rc;
}
