/* cmd_rules.c — `hark rules`: list, test, enable, disable and check the automation rules. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/rules.h"
#include "hark/store.h"

#include "cli_int.h"
#include "cmd_usage.h"

const char cmd_rules_usage[] =
	"usage: hark rules list [--json] [--file FILE]\n"
	"       hark rules test RULE --contact C [--message TEXT] [--channel CH]\n"
	"                       [--file FILE]\n"
	"       hark rules enable|disable RULE [--file FILE]\n"
	"       hark rules check [FILE]\n"
	"\n"
	"The automation rules in $XDG_CONFIG_HOME/hark/rules (syntax in the\n"
	"README and contrib/rules.example) run in the process that owns the\n"
	"outbox: `hark daemon`, else the open hark.\n"
	"\n"
	"  list     each rule: trigger, enabled, times fired and skipped,\n"
	"           messages sent, last fired\n"
	"  test     what RULE would do to contact C now, without sending or\n"
	"           changing anything: whether the trigger matches (--message is\n"
	"           the inbound text to try), each condition, the once-per period\n"
	"           and loop guards, and the rendered text of each message\n"
	"  enable, disable\n"
	"           switch a rule on or off (kept in the database; the running\n"
	"           daemon sees it at once)\n"
	"  check    validate a rules file (default the one above) and its\n"
	"           templates; errors name FILE:LINE:COLUMN\n"
	"\n"
	"Exit: 0 ok (test: the rule would act), 1 bad input or a rules file\n"
	"with an error (test: the rule would not act), 2 runtime error.\n";

static const char *const when_names[] = {
	"inbound", "keyword", "no-reply", "state", "tag-added", "tag-removed",
	"schedule"
};

/* Loads the rules file (--file or the default); prints the error itself. */
static struct rules *
rules_open(struct cli_ctx *ctx, struct store *st, const char *file, int *rc)
{
	struct config *cfg = cli_config(ctx);
	struct rules *set = NULL;
	char *cause = NULL, *path;

	*rc = HARK_EXIT_USAGE;
	if (cfg == NULL)
		return NULL;
	switch (engine_rules_load(st, cfg, file, &set, &cause)) {
	case -1:
		cli_err(ctx, "%s", cause);
		free(cause);
		return NULL;
	case 0:
		path = engine_rules_path(cfg);
		cli_err(ctx, "no rules file: write one at %s (see"
		    " contrib/rules.example)", path);
		free(path);
		return NULL;
	}
	*rc = HARK_EXIT_OK;
	return set;
}

static void
rules_list_one(struct store *st, const struct rule *r, int json, int first)
{
	struct store_rule_stats s;
	char last[40] = "never";
	int on = store_rule_enabled(st, r->name, NULL) != 0;

	store_rule_stats(st, r->name, &s, NULL);
	if (s.last_fired > 0)
		time_format_iso(s.last_fired, last, sizeof last);
	if (json) {
		printf("%s{\"name\":", first ? "" : ",\n");
		cli_json_string(stdout, r->name);
		printf(",\"when\":\"%s\",\"arg\":", when_names[r->when]);
		if (r->arg != NULL)
			cli_json_string(stdout, r->arg);
		else
			printf("null");
		printf(",\"line\":%d,\"enabled\":%s,\"steps\":%d,\"fired\":%d,"
		    "\"skipped\":%d,\"sent\":%d,\"last_fired\":", r->line,
		    on ? "true" : "false", r->nsteps, s.fired, s.skipped, s.sent);
		if (s.last_fired > 0)
			printf("\"%s\"}", last);
		else
			printf("null}");
		return;
	}
	printf("%-20s %-8s %-9s %-22s fired %d, skipped %d, sent %d, last %s\n",
	    r->name, on ? "enabled" : "disabled", when_names[r->when],
	    r->arg != NULL ? r->arg : "", s.fired, s.skipped, s.sent, last);
}

static int
rules_list(struct cli_ctx *ctx, struct store *st, const char *file, int json)
{
	struct rules *set;
	int i, rc;

	if ((set = rules_open(ctx, st, file, &rc)) == NULL)
		return rc;
	if (json)
		printf("[");
	for (i = 0; i < set->n; i++)
		rules_list_one(st, &set->rules[i], json, i == 0);
	if (json)
		printf("]\n");
	else if (set->n == 0)
		printf("no rules in %s\n", set->path);
	rules_free(set);
	return HARK_EXIT_OK;
}

static int
rules_test(struct cli_ctx *ctx, struct store *st, const char *file,
    const char *name, const char *contact, const char *message,
    const char *channel)
{
	struct engine_rules_test t;
	struct hbuf out = HBUF_INIT;
	struct rules *set;
	char *cause = NULL, *safe;
	int rc;

	memset(&t, 0, sizeof t);
	t.rule = name;
	t.message = message;
	if (contact == NULL) {
		cli_err(ctx, "rules test needs --contact C (a name, address or #id)");
		return HARK_EXIT_USAGE;
	}
	if (channel != NULL && hark_channel_parse(channel, &t.channel) != 0) {
		cli_err(ctx, "unknown channel '%s' (sms, whatsapp, email)", channel);
		return HARK_EXIT_USAGE;
	}
	t.has_channel = channel != NULL;
	if (store_contact_resolve(st, contact, &t.contact_id, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_USAGE;
	}
	if ((set = rules_open(ctx, st, file, &rc)) == NULL)
		return rc;
	rc = engine_rules_test(st, cli_config(ctx), set, &t, &out, &cause);
	safe = text_sanitize(hbuf_str(&out), out.len, 1);
	fputs(safe, stdout);
	free(safe);
	hbuf_free(&out);
	rules_free(set);
	if (rc < 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_USAGE;
	}
	return rc == 1 ? HARK_EXIT_OK : HARK_EXIT_USAGE;
}

static int
rules_enable(struct cli_ctx *ctx, struct store *st, const char *file,
    const char *name, int on)
{
	const struct rule *r;
	struct rules *set;
	char *cause = NULL;
	int rc;

	if ((set = rules_open(ctx, st, file, &rc)) == NULL)
		return rc;
	if ((r = rules_find(set, name)) == NULL) {
		cli_err(ctx, "no rule '%s' in %s", name, set->path);
		rules_free(set);
		return HARK_EXIT_USAGE;
	}
	rc = store_rule_set_enabled(st, name, on, r->source, &cause);
	rules_free(set);
	if (rc != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_ERROR;
	}
	printf("rule %s %s\n", name, on ? "enabled" : "disabled");
	return HARK_EXIT_OK;
}

static int
rules_check(struct cli_ctx *ctx, struct store *st, const char *file)
{
	struct rules *set;
	int rc, i, steps = 0;

	if ((set = rules_open(ctx, st, file, &rc)) == NULL)
		return rc;
	for (i = 0; i < set->n; i++)
		steps += set->rules[i].nsteps;
	printf("%s: %d rule%s, %d step%s, ok\n", set->path, set->n,
	    set->n == 1 ? "" : "s", steps, steps == 1 ? "" : "s");
	rules_free(set);
	return HARK_EXIT_OK;
}

int
cmd_rules(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "file", required_argument, NULL, 'f' },
		{ "contact", required_argument, NULL, 'c' },
		{ "message", required_argument, NULL, 'm' },
		{ "channel", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL, *contact = NULL, *message = NULL, *channel = NULL;
	const char *sub;
	struct store *st;
	char **w;
	int c, json = 0, nw;

	while ((c = getopt_long(argc, argv, "jf:c:m:C:", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'f': file = optarg; break;
		case 'c': contact = optarg; break;
		case 'm': message = optarg; break;
		case 'C': channel = optarg; break;
		default:
			fputs(cmd_rules_usage, stderr);
			return HARK_EXIT_USAGE;
		}
	}
	w = argv + optind;
	nw = argc - optind;
	sub = nw > 0 ? w[0] : "list";
	if (strcmp(sub, "check") == 0 && nw <= 2) {
		/* A file given here is checked against the database when there is one. */
		if ((st = cli_store(ctx)) == NULL)
			return HARK_EXIT_ERROR;
		return rules_check(ctx, st, nw == 2 ? w[1] : file);
	}
	if ((strcmp(sub, "list") == 0 && nw <= 1) ||
	    (strcmp(sub, "test") == 0 && nw == 2) ||
	    ((strcmp(sub, "enable") == 0 || strcmp(sub, "disable") == 0) &&
	    nw == 2)) {
		if ((st = cli_store(ctx)) == NULL)
			return HARK_EXIT_ERROR;
		if (sub[0] == 'l')
			return rules_list(ctx, st, file, json);
		if (sub[0] == 't')
			return rules_test(ctx, st, file, w[1], contact, message,
			    channel);
		return rules_enable(ctx, st, file, w[1], sub[0] == 'e');
	}
	fputs(cmd_rules_usage, stderr);
	return HARK_EXIT_USAGE;
}
