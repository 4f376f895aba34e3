/*
 * cmd_report.c — `hark report`: the analytics report over a period as text,
 * CSV or JSON (cmd_report_out.c), and scheduled reports the daemon emails.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include <cjson/cJSON.h>

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/report.h"
#include "hark/store.h"

#include "cli_int.h"
#include "cmd_report.h"
#include "cmd_usage.h"

const char cmd_report_usage[] =
	"usage: hark report [--since T] [--until T] [--by day|week|month]\n"
	"                   [--channel CH] [--tag TAG] [--member ADDR] [--top N]\n"
	"                   [--csv | --json]\n"
	"       hark report --schedule daily|weekly|monthly --email-to ADDR\n"
	"                   [--by ...] [--channel CH] [--tag TAG] [--member ADDR]\n"
	"       hark report --schedules [--json] | --unschedule ID\n"
	"       hark report --run-due [--now T]\n"
	"       hark report ab TEMPLATE ...   (see hark report ab --help)\n"
	"\n"
	"Prints volume, responses, delivery, cost, templates and calls over a\n"
	"period, per channel and per day, ISO week (Monday to Sunday) or month\n"
	"in the local time zone ($TZ). Default: --by week, the current period and\n"
	"those before it (7 days, 4 weeks or 3 months), until now.\n"
	"\n"
	"  --since T, --until T  2026-11-01 (local midnight; --until includes\n"
	"                        that day), 7d, 24h, 2026-11-01T09:00:00Z, @epoch\n"
	"  --channel CH          only sms, whatsapp, email or voice\n"
	"  --tag TAG             only contacts with this tag\n"
	"  --member ADDR         only one sending identity: messages we sent from\n"
	"                        ADDR and those sent to it\n"
	"  --top N               rows of each top list (errors, contacts): 10\n"
	"  --csv                 one row per figure: section, period, channel,\n"
	"                        item, metric, currency, value, note (RFC 4180)\n"
	"  --json                one JSON object\n"
	"\n"
	"Definitions:\n"
	"  A message counts in the period it was created in. Canceled outbound\n"
	"  messages are not counted. Calls count in volume (voice) and in CALLS.\n"
	"  Reached: an outbound message whose status is sent, delivered or read.\n"
	"  Turn: per contact, across channels, an inbound message when none of\n"
	"  theirs waits starts their turn; the first outbound message that reached\n"
	"  them afterwards answers it (\"we answer them\"). An outbound message\n"
	"  that reached them starts our turn, answered by their next message\n"
	"  (\"they answer us\"). First-response time: between the turn's first\n"
	"  message and its answer, on the wall clock (nights and weekends count;\n"
	"  there are no business hours). A turn counts in the period it started;\n"
	"  answers are looked for up to now, past --until. Rate: answered/turns.\n"
	"  Median, p90: nearest rank. Every outbound message may answer, automatic\n"
	"  ones (rules, bulk sends) included; failed ones never do.\n"
	"  Failed, then sent again: two messages, one failed and one delivered.\n"
	"  Delivery: of the outbound messages that left (sent, delivered, read,\n"
	"  failed, undelivered, uncertain), delivery = (delivered + read) / left,\n"
	"  failure = (failed + undelivered) / left; \"sent\" has no receipt yet.\n"
	"  Cost: prices providers charged, messages in and out and calls, summed\n"
	"  per currency; different currencies are never added.\n"
	"  Templates, per version and A/B variant, as `hark report ab` counts:\n"
	"  sent = accepted by the provider (sent, delivered, read, undelivered);\n"
	"  replied = the contact's next message, on any channel, came within\n"
	"  7 days. `hark report ab TEMPLATE` compares the variants.\n"
	"  Calls: answered = completed or in progress; average over answered.\n"
	"\n"
	"Scheduled reports: --schedule saves one; `hark daemon` emails the report\n"
	"of each complete period (subject \"hark report: week 47, 2026\") through\n"
	"the email channel, once. The first covers the last complete period.\n"
	"--run-due sends what is due now (or at --now T) without the daemon.\n"
	"\n"
	"Exit: 0 ok, 1 bad input, 2 the database could not be read.\n";

enum report_mode { MODE_REPORT, MODE_SCHEDULE, MODE_LIST, MODE_UNSCHEDULE, MODE_RUN };

struct report_args {
	struct report_opts o;
	enum report_mode mode;
	int by_set;
	enum report_fmt fmt;
	const char *since, *until, *every, *email_to, *now;
	int64_t unschedule;
};

static int	report_args(struct cli_ctx *ctx, int argc, char **argv,
		    struct report_args *a);
static int	report_times(struct cli_ctx *ctx, struct report_args *a);
static int	report_run(struct cli_ctx *ctx, struct report_args *a);
static int	report_schedule(struct cli_ctx *ctx, struct report_args *a);
static int	report_list_one(void *arg, const struct store_report_schedule *s);
static int	report_due(struct cli_ctx *ctx, struct report_args *a);

static int
report_args(struct cli_ctx *ctx, int argc, char **argv, struct report_args *a)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "by", required_argument, NULL, 'b' },
		{ "channel", required_argument, NULL, 'c' },
		{ "tag", required_argument, NULL, 't' },
		{ "member", required_argument, NULL, 'm' },
		{ "top", required_argument, NULL, 'n' },
		{ "csv", no_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "schedule", required_argument, NULL, 'S' },
		{ "email-to", required_argument, NULL, 'e' },
		{ "schedules", no_argument, NULL, 'L' },
		{ "unschedule", required_argument, NULL, 'U' },
		{ "run-due", no_argument, NULL, 'R' },
		{ "now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum hark_channel ch;
	char *end;
	int c;

	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': a->since = optarg; break;
		case 'u': a->until = optarg; break;
		case 'b':
			if (report_by_parse(optarg, &a->o.by) != 0) {
				cli_err(ctx, "--by: '%s' is not day, week or month", optarg);
				return -1;
			}
			a->by_set = 1;
			break;
		case 'c':
			if (hark_channel_parse(optarg, &ch) != 0) {
				cli_err(ctx, "--channel: '%s' is not sms, whatsapp, email "
				    "or voice", optarg);
				return -1;
			}
			a->o.channel = (int)ch;
			break;
		case 't': a->o.tag = optarg; break;
		case 'm': a->o.member = optarg; break;
		case 'n':
			a->o.top = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || a->o.top < 1 || a->o.top > 1000) {
				cli_err(ctx, "--top: '%s' is not a number from 1 to 1000",
				    optarg);
				return -1;
			}
			break;
		case 'C': a->fmt = REPORT_FMT_CSV; break;
		case 'j': a->fmt = REPORT_FMT_JSON; break;
		case 'S': a->every = optarg; a->mode = MODE_SCHEDULE; break;
		case 'e': a->email_to = optarg; break;
		case 'L': a->mode = MODE_LIST; break;
		case 'U':
			a->unschedule = strtoll(optarg, &end, 10);
			if (*end != '\0' || a->unschedule <= 0) {
				cli_err(ctx, "--unschedule: '%s' is not a schedule id", optarg);
				return -1;
			}
			a->mode = MODE_UNSCHEDULE;
			break;
		case 'R': a->mode = MODE_RUN; break;
		case 'N': a->now = optarg; break;
		case 'h':
			fputs(cmd_report_usage, stdout);
			return 1;
		default:
			fputs(cmd_report_usage, stderr);
			return -1;
		}
	}
	if (optind != argc) {
		cli_err(ctx, "unexpected argument '%s' (see hark report --help)",
		    argv[optind]);
		return -1;
	}
	return 0;
}

/* --since, --until and their defaults. */
static int
report_times(struct cli_ctx *ctx, struct report_args *a)
{
	char *cause = NULL;
	int64_t start, end;
	int i, back;

	a->o.now = hark_now_ms();
	if (a->until != NULL &&
	    report_parse_time(a->until, 1, a->o.now, &a->o.until, &cause) != 0) {
		cli_err(ctx, "--until: %s", cause);
		free(cause);
		return -1;
	}
	if (a->until == NULL)
		a->o.until = a->o.now;
	if (a->since != NULL) {
		if (report_parse_time(a->since, 0, a->o.now, &a->o.since, &cause) != 0) {
			cli_err(ctx, "--since: %s", cause);
			free(cause);
			return -1;
		}
	} else {
		back = a->o.by == REPORT_BY_DAY ? 6 : a->o.by == REPORT_BY_WEEK ? 3 : 2;
		report_period_of(a->o.by, a->o.until - 1, &start, &end);
		for (i = 0; i < back; i++)
			report_period_of(a->o.by, start - 1, &start, &end);
		a->o.since = start;
	}
	if (a->o.since >= a->o.until) {
		cli_err(ctx, "--since must be before --until");
		return -1;
	}
	return 0;
}

static int
report_run(struct cli_ctx *ctx, struct report_args *a)
{
	struct store *st;
	struct report *r;
	char *cause = NULL;

	if (report_times(ctx, a) != 0)
		return HARK_EXIT_USAGE;
	if ((st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	if (report_build(st, &a->o, &r, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_ERROR;
	}
	report_print(r, a->fmt, stdout);
	report_free(r);
	return fflush(stdout) == 0 ? HARK_EXIT_OK : HARK_EXIT_ERROR;
}

static int
report_schedule(struct cli_ctx *ctx, struct report_args *a)
{
	struct store_report_schedule s;
	enum report_by every;
	struct store *st;
	cJSON *opt;
	char *cause = NULL, *addr, title[48];
	int64_t id;
	int rc = HARK_EXIT_OK;

	if (report_by_parse(a->every, &every) != 0) {
		cli_err(ctx, "--schedule: '%s' is not daily, weekly or monthly", a->every);
		return HARK_EXIT_USAGE;
	}
	if (a->email_to == NULL) {
		cli_err(ctx, "--schedule needs --email-to ADDR");
		return HARK_EXIT_USAGE;
	}
	if (a->since != NULL || a->until != NULL) {
		cli_err(ctx, "--since and --until do not go with --schedule: each "
		    "report covers the %s that just ended", every == REPORT_BY_DAY ?
		    "day" : every == REPORT_BY_WEEK ? "week" : "month");
		return HARK_EXIT_USAGE;
	}
	if ((addr = addr_email_normalize(a->email_to, &cause)) == NULL) {
		cli_err(ctx, "--email-to: %s", cause);
		free(cause);
		return HARK_EXIT_USAGE;
	}
	if ((st = cli_store(ctx)) == NULL) {
		free(addr);
		return HARK_EXIT_ERROR;
	}
	opt = cJSON_CreateObject();
	if (a->by_set)
		cJSON_AddStringToObject(opt, "by", report_by_name(a->o.by));
	if (a->o.channel >= 0)
		cJSON_AddStringToObject(opt, "channel", hark_channel_name(a->o.channel));
	if (a->o.tag != NULL)
		cJSON_AddStringToObject(opt, "tag", a->o.tag);
	if (a->o.member != NULL)
		cJSON_AddStringToObject(opt, "member", a->o.member);
	memset(&s, 0, sizeof s);
	s.every = (char *)(every == REPORT_BY_DAY ? "daily" :
	    every == REPORT_BY_WEEK ? "weekly" : "monthly");
	s.email_to = addr;
	s.options = cJSON_PrintUnformatted(opt);
	s.next_start = report_sched_first(every, hark_now_ms());
	if (store_report_schedule_add(st, &s, &id, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		rc = HARK_EXIT_ERROR;
	} else {
		report_period_title(every, s.next_start, title, sizeof title);
		printf("report schedule %lld: %s to %s, first %s (sent by hark daemon)\n",
		    (long long)id, s.every, addr, title);
	}
	cJSON_free(s.options);
	cJSON_Delete(opt);
	free(addr);
	free(cause);
	return rc;
}

static int
report_list_one(void *arg, const struct store_report_schedule *s)
{
	const struct report_args *a = arg;
	enum report_by every = REPORT_BY_WEEK;
	char title[48], last[40] = "never";

	(void)report_by_parse(s->every, &every);
	report_period_title(every, s->next_start, title, sizeof title);
	if (s->last_sent_at != 0)
		time_format_iso(s->last_sent_at, last, sizeof last);
	if (a->fmt == REPORT_FMT_JSON) {
		printf("{\"id\":%lld,\"every\":", (long long)s->id);
		cli_json_string(stdout, s->every);
		printf(",\"email_to\":");
		cli_json_string(stdout, s->email_to);
		printf(",\"options\":%s,\"next\":", s->options);
		cli_json_string(stdout, title);
		printf(",\"last_sent\":");
		if (s->last_sent_at != 0)
			cli_json_string(stdout, last);
		else
			printf("null");
		printf(",\"last_message_id\":%lld}\n", (long long)s->last_message_id);
	} else
		printf("%-4lld %-8s %-30s next %-18s last sent %s %s\n", (long long)s->id,
		    s->every, s->email_to, title, last, s->options);
	return 0;
}

/* Sends what is due; the outbox owner (the daemon) takes it from there. */
static int
report_due(struct cli_ctx *ctx, struct report_args *a)
{
	struct engine_opts eo;
	struct engine *e = NULL;
	uv_loop_t loop;
	char *cause = NULL;
	int64_t now = hark_now_ms();
	int n, rc = HARK_EXIT_OK;

	if (a->now != NULL && report_parse_time(a->now, 0, now, &now, &cause) != 0) {
		cli_err(ctx, "--now: %s", cause);
		free(cause);
		return HARK_EXIT_USAGE;
	}
	memset(&eo, 0, sizeof eo);
	eo.no_relay = 1;
	if ((e = cli_engine_open(ctx, &loop, &eo)) == NULL) {
		rc = HARK_EXIT_ERROR;
	} else if ((n = report_sched_run_due(e, eo.st, now, &cause)) < 0) {
		cli_err(ctx, "%s", cause);
		rc = HARK_EXIT_ERROR;
	} else {
		if (cause != NULL) {
			cli_err(ctx, "%s", cause);
			rc = HARK_EXIT_PARTIAL;
		}
		printf("%d scheduled report%s queued\n", n, n == 1 ? "" : "s");
	}
	free(cause);
	cli_engine_close(e, &loop);
	return rc;
}

int
cmd_report(struct cli_ctx *ctx, int argc, char **argv)
{
	struct report_args a;
	struct store *st;
	char *cause = NULL;
	int rc;

	/* `hark report ab TEMPLATE`: the A/B comparison (cmd_report_ab.c). */
	if (argc > 1 && strcmp(argv[1], "ab") == 0)
		return cmd_report_ab(ctx, argc - 1, argv + 1);
	memset(&a, 0, sizeof a);
	a.o.by = REPORT_BY_WEEK;
	a.o.channel = -1;
	if ((rc = report_args(ctx, argc, argv, &a)) != 0)
		return rc > 0 ? HARK_EXIT_OK : HARK_EXIT_USAGE;
	switch (a.mode) {
	case MODE_SCHEDULE:
		return report_schedule(ctx, &a);
	case MODE_RUN:
		return report_due(ctx, &a);
	case MODE_LIST:
	case MODE_UNSCHEDULE:
		if ((st = cli_store(ctx)) == NULL)
			return HARK_EXIT_ERROR;
		rc = a.mode == MODE_LIST ?
		    store_report_schedules_each(st, report_list_one, &a, &cause) :
		    store_report_schedule_remove(st, a.unschedule, &cause);
		if (rc < 0) {
			cli_err(ctx, "%s", cause);
			free(cause);
			return HARK_EXIT_ERROR;
		}
		if (a.mode == MODE_UNSCHEDULE && rc == 0) {
			cli_err(ctx, "no report schedule %lld", (long long)a.unschedule);
			return HARK_EXIT_USAGE;
		}
		return HARK_EXIT_OK;
	default:
		return report_run(ctx, &a);
	}
}
