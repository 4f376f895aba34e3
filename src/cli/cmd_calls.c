/* cmd_calls.c — `hark calls`: the call log, and the outcome of a call. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/config.h"
#include "hark/store.h"

#include "cli_int.h"
#include "cmd_usage.h"

const char cmd_calls_usage[] =
	"usage: hark calls [CONTACT] [--limit N] [--json]\n"
	"       hark calls --outcome ID OUTCOME [--notes TEXT]\n"
	"\n"
	"Lists calls newest first: when, direction, contact, number, status,\n"
	"duration, price, your outcome and notes, and the recording's URL when\n"
	"the call was recorded. With --outcome, records how call ID went\n"
	"(reached, voicemail, no-answer, wrong-number, callback, or your own\n"
	"word) with optional notes; the thread shows them.\n"
	"\n"
	"Exit: 0 ok, 1 bad input, 2 the database could not be read.\n";

struct calls_list {
	int json;
	int first;
	int n;
};

static void
calls_print_safe(const char *s)
{
	char *safe = text_sanitize(s, strlen(s), 0);

	fputs(safe, stdout);
	free(safe);
}

static int
calls_print(void *arg, const struct store_call *c)
{
	struct calls_list *l = arg;
	char when[40], dur[16], price[32] = "";

	time_format_iso(c->at, when, sizeof when);
	time_format_duration(c->duration_s, dur, sizeof dur);
	if (c->has_price)
		money_format(&c->price, price, sizeof price);
	l->n++;
	if (l->json) {
		printf("{\"id\":%lld,\"at\":\"%s\",\"direction\":\"%s\",\"contact\":",
		    (long long)c->message_id, when, hark_direction_name(c->direction));
		cli_json_string(stdout, c->contact_name ? c->contact_name : "");
		printf(",\"number\":");
		cli_json_string(stdout, c->address ? c->address : "");
		printf(",\"status\":");
		cli_json_string(stdout, c->status ? c->status : "");
		printf(",\"duration_s\":");
		if (c->duration_s >= 0)
			printf("%d", c->duration_s);
		else
			printf("null");
		printf(",\"price\":");
		if (c->has_price)
			cli_json_string(stdout, price);
		else
			printf("null");
		printf(",\"outcome\":");
		if (c->outcome)
			cli_json_string(stdout, c->outcome);
		else
			printf("null");
		printf(",\"notes\":");
		if (c->notes)
			cli_json_string(stdout, c->notes);
		else
			printf("null");
		printf(",\"recording_url\":");
		if (c->recording_url)
			cli_json_string(stdout, c->recording_url);
		else
			printf("null");
		printf("}\n");
		return 0;
	}
	printf("#%-6lld %s  %-3s ", (long long)c->message_id, when,
	    c->direction == HARK_DIR_IN ? "in" : "out");
	calls_print_safe(c->contact_name ? c->contact_name : "");
	printf(" (%s)  %s  %s", c->address ? c->address : "",
	    c->status ? c->status : "?", dur);
	if (c->has_price)
		printf("  %s", price);
	if (c->outcome != NULL) {
		printf("  outcome: ");
		calls_print_safe(c->outcome);
	}
	if (c->notes != NULL) {
		printf("  notes: ");
		calls_print_safe(c->notes);
	}
	printf("\n");
	if (c->recording_url != NULL) {
		printf("        recording: ");
		calls_print_safe(c->recording_url);
		printf("\n");
	}
	return 0;
}

int
cmd_calls(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "outcome", required_argument, NULL, 'o' },
		{ "notes", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	struct calls_list l;
	struct store *st;
	const char *outcome_id = NULL, *notes = NULL;
	char *cause = NULL, *end;
	int64_t contact = 0, id;
	long limit = 50;
	int c;

	memset(&l, 0, sizeof l);
	while ((c = getopt_long(argc, argv, "n:j", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			limit = strtol(optarg, &end, 10);
			if (*end != '\0' || limit <= 0) {
				cli_err(ctx, "--limit wants a positive number, not '%s'",
				    optarg);
				return HARK_EXIT_USAGE;
			}
			break;
		case 'j': l.json = 1; break;
		case 'o': outcome_id = optarg; break;
		case 'N': notes = optarg; break;
		default:
			fputs(cmd_calls_usage, stderr);
			return HARK_EXIT_USAGE;
		}
	}
	if ((st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	if (outcome_id != NULL) {
		if (optind != argc - 1) {
			fputs(cmd_calls_usage, stderr);
			return HARK_EXIT_USAGE;
		}
		id = strtoll(outcome_id[0] == '#' ? outcome_id + 1 : outcome_id,
		    &end, 10);
		if (*end != '\0' || id <= 0) {
			cli_err(ctx, "--outcome wants a call id (from hark calls), "
			    "not '%s'", outcome_id);
			return HARK_EXIT_USAGE;
		}
		if (store_call_set_outcome(st, id, argv[optind], notes, &cause) != 0) {
			cli_err(ctx, "%s", cause);
			free(cause);
			return HARK_EXIT_USAGE;
		}
		printf("call %lld: outcome %s\n", (long long)id, argv[optind]);
		return HARK_EXIT_OK;
	}
	if (optind < argc - 1) {
		fputs(cmd_calls_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if (optind == argc - 1 && store_contact_resolve(st, argv[optind], &contact,
	    &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_USAGE;
	}
	if (store_calls_each(st, contact, (int)limit, calls_print, &l, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_ERROR;
	}
	if (l.n == 0 && !l.json)
		printf("no calls\n");
	return HARK_EXIT_OK;
}
