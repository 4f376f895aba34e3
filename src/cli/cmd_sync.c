/* cmd_sync.c — `hark sync`: one sync of every account that receives by polling, then exit. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/store.h"

#include "cli_int.h"

const char cmd_sync_usage[] =
	"usage: hark sync [--account NAME] [--json]\n"
	"\n"
	"Fetches what is new once — the IMAP folders of every imap account, the\n"
	"message lists of providers that poll — stores it in the threads, and\n"
	"exits. For scripts and cron:\n"
	"\n"
	"  */5 * * * *  hark sync >/dev/null\n"
	"\n"
	"A sync fetches only what the last one did not (IMAP: by UIDVALIDITY and\n"
	"UID); it does not send: the outbox stays with hark daemon or the TUI.\n"
	"\n"
	"Options:\n"
	"  --account NAME  only this account\n"
	"  --json          print {\"new\":N,\"failed\":N,\"errors\":[...]}\n"
	"\n"
	"Exit status: 0 every account synced, 2 none could be (each error on\n"
	"standard error), 3 some could and some not.\n";

struct sync_state {
	int finished;
	int polled;
	int failed;
	char *errors;
	int added;
};

static void
sync_event(void *arg, const struct store_event *ev)
{
	struct sync_state *s = arg;

	if (ev->kind != NULL && strcmp(ev->kind, "message-added") == 0)
		s->added++;
}

static void
sync_done(void *arg, int polled, int failed, const char *errors)
{
	struct sync_state *s = arg;

	s->finished = 1;
	s->polled = polled;
	s->failed = failed;
	s->errors = errors != NULL ? xstrdup(errors) : NULL;
}

static void
sync_print_json(const struct sync_state *s)
{
	char *copy, *line, *save = NULL;
	int first = 1;

	printf("{\"new\":%d,\"failed\":%d,\"errors\":[", s->added, s->failed);
	if (s->errors != NULL) {
		copy = xstrdup(s->errors);
		for (line = strtok_r(copy, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			if (!first)
				putchar(',');
			cli_json_string(stdout, line);
			first = 0;
		}
		free(copy);
	}
	printf("]}\n");
}

int
cmd_sync(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct sync_state s;
	struct engine_opts eo;
	struct engine *e = NULL;
	struct config *cfg;
	const char *account = NULL;
	uv_loop_t loop;
	char *cause = NULL;
	int c, json = 0, rc;

	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			account = optarg;
			break;
		case 'j':
			json = 1;
			break;
		default:
			fputs(cmd_sync_usage, stderr);
			return HARK_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(cmd_sync_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((cfg = cli_config(ctx)) == NULL || cli_store(ctx) == NULL)
		return HARK_EXIT_ERROR;
	if (account != NULL && config_account_find(cfg, account) == NULL) {
		cli_err(ctx, "no account named '%s' in the configuration", account);
		return HARK_EXIT_USAGE;
	}
	memset(&s, 0, sizeof s);
	memset(&eo, 0, sizeof eo);
	eo.no_relay = 1;
	rc = HARK_EXIT_ERROR;
	if ((e = cli_engine_open(ctx, &loop, &eo)) == NULL ||
	    engine_sync_once(e, account, sync_done, &s, &cause) != 0) {
		if (cause != NULL)   /* else cli_engine_open said why */
			cli_err(ctx, "%s", cause);
	} else {
		engine_subscribe(e, sync_event, &s);
		while (!s.finished && uv_run(&loop, UV_RUN_ONCE) != 0)
			/* nothing */;
		if (s.errors != NULL)
			cli_err(ctx, "%s", s.errors);
		if (json)
			sync_print_json(&s);
		if (!s.finished)
			cli_err(ctx, "the sync stopped before it ended");
		else if (s.failed == 0)
			rc = HARK_EXIT_OK;
		else if (s.failed < s.polled)
			rc = HARK_EXIT_PARTIAL;
	}
	free(cause);
	free(s.errors);
	cli_engine_close(e, &loop);
	return rc;
}
