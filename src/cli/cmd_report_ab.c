/* cmd_report_ab.c — `hark report ab TEMPLATE`: an A/B test's variants side by side, with the z-test of their reply rates. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "hark/store.h"
#include "hark/template.h"

#include "cli_int.h"
#include "cli_text.h"
#include "cmd_usage.h"

const char cmd_report_ab_usage[] =
	"usage: hark report ab TEMPLATE [--since T] [--until T] [--json]\n"
	"\n"
	"The A/B test of a template's variants: for each variant, the messages\n"
	"sent from any version of the template with that variant, and\n"
	"  sent        accepted by the provider (sent, delivered, read or\n"
	"              undelivered; failed and unsent messages are counted apart)\n"
	"  delivered   reported delivered (or read)\n"
	"  replied     the contact's next inbound message, on any channel, came\n"
	"              within 7 days of the message (its scheduled time, else\n"
	"              when it was written)\n"
	"  reply rate  replied / sent\n"
	"  median      the median time from message to reply\n"
	"Each variant's reply rate is compared with the first variant's by a\n"
	"two-proportion z-test (pooled), with its two-sided p-value; p < 0.05 is\n"
	"called significant. When any variant of a pair would expect fewer than\n"
	"5 replies or 5 non-replies at the pooled rate (n P < 5 or n (1-P) < 5),\n"
	"the normal approximation does not hold and the report says \"too few to\n"
	"tell\" instead.\n"
	"\n"
	"  --since T, --until T  messages written from T / before T: \"7d\",\n"
	"              \"24h\", a date or an ISO time\n"
	"  --json      the numbers as JSON\n"
	"\n"
	"Exit: 0 ok, 1 bad input or no such template, 2 the database could not\n"
	"be read.\n";

static void	ab_duration(int64_t ms, char *buf, size_t size);
static int64_t	ab_median(const struct store_ab_variant *v);
static void	ab_print_text(const struct store_ab_report *r);
static void	ab_print_json(const struct store_ab_report *r);

/* "42s", "17m", "3h 05m", "2d 4h". */
static void
ab_duration(int64_t ms, char *buf, size_t size)
{
	int64_t s = ms / 1000;

	if (s < 60)
		snprintf(buf, size, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, size, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, size, "%lldh %02lldm", (long long)(s / 3600),
		    (long long)(s % 3600 / 60));
	else
		snprintf(buf, size, "%lldd %lldh", (long long)(s / 86400),
		    (long long)(s % 86400 / 3600));
}

static int64_t
ab_median(const struct store_ab_variant *v)
{
	int64_t *copy, m;

	if (v->replied == 0)
		return -1;
	copy = xreallocarray(NULL, (size_t)v->replied, sizeof *copy);
	memcpy(copy, v->reply_ms, (size_t)v->replied * sizeof *copy);
	m = abtest_median(copy, v->replied);
	free(copy);
	return m;
}

static void
ab_print_text(const struct store_ab_report *r)
{
	const struct store_ab_variant *a, *v;
	struct abtest_result z;
	char med[32];
	int i;

	printf("A/B test of template %s (a reply counts within 7 days, on any "
	    "channel)\n\n", r->template_name);
	if (r->nvariants == 0) {
		printf("no messages with a variant yet\n");
		return;
	}
	printf("%-12s %6s %10s %8s %11s %13s\n", "variant", "sent", "delivered",
	    "replied", "reply rate", "median reply");
	for (i = 0; i < r->nvariants; i++) {
		v = &r->variants[i];
		if (v->replied > 0)
			ab_duration(ab_median(v), med, sizeof med);
		else
			snprintf(med, sizeof med, "-");
		printf("%-12s %6d %10d %8d %10.1f%% %13s\n", v->name, v->sent,
		    v->delivered, v->replied, v->sent ? 100.0 * v->replied /
		    v->sent : 0.0, med);
	}
	if (r->pending > 0 || r->failed > 0)
		printf("\nnot counted: %d not sent yet, %d failed\n", r->pending,
		    r->failed);
	a = &r->variants[0];
	printf("\n");
	if (r->nvariants == 1)
		printf("only variant %s has messages: nothing to compare\n", a->name);
	for (i = 1; i < r->nvariants; i++) {
		v = &r->variants[i];
		abtest_ztest(a->replied, a->sent, v->replied, v->sent, &z);
		if (z.too_few)
			printf("%s vs %s: too few to tell (each variant needs at "
			    "least 5 expected replies and 5 non-replies)\n", v->name,
			    a->name);
		else
			printf("%s vs %s: z = %.2f, p = %.3f: %s at 5%%\n", v->name,
			    a->name, z.z, z.p, z.significant ? "significant" :
			    "not significant");
	}
}

static void
ab_print_json(const struct store_ab_report *r)
{
	const struct store_ab_variant *v;
	struct abtest_result z;
	cJSON *o = cJSON_CreateObject(), *vs, *cs, *j;
	int64_t med;
	int i;

	cJSON_AddStringToObject(o, "template", r->template_name);
	cJSON_AddNumberToObject(o, "reply_window_days", 7);
	cJSON_AddNumberToObject(o, "pending", r->pending);
	cJSON_AddNumberToObject(o, "failed", r->failed);
	vs = cJSON_AddArrayToObject(o, "variants");
	cs = cJSON_AddArrayToObject(o, "comparisons");
	for (i = 0; i < r->nvariants; i++) {
		v = &r->variants[i];
		j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "name", v->name);
		cJSON_AddNumberToObject(j, "sent", v->sent);
		cJSON_AddNumberToObject(j, "delivered", v->delivered);
		cJSON_AddNumberToObject(j, "replied", v->replied);
		cJSON_AddNumberToObject(j, "reply_rate", v->sent ?
		    (double)v->replied / v->sent : 0.0);
		if ((med = ab_median(v)) >= 0)
			cJSON_AddNumberToObject(j, "median_reply_seconds",
			    (double)(med / 1000));
		else
			cJSON_AddNullToObject(j, "median_reply_seconds");
		cJSON_AddItemToArray(vs, j);
		if (i == 0)
			continue;
		abtest_ztest(r->variants[0].replied, r->variants[0].sent,
		    v->replied, v->sent, &z);
		j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "variant", v->name);
		cJSON_AddStringToObject(j, "against", r->variants[0].name);
		cJSON_AddNumberToObject(j, "z", z.z);
		cJSON_AddNumberToObject(j, "p", z.p);
		cJSON_AddBoolToObject(j, "too_few", z.too_few);
		cJSON_AddBoolToObject(j, "significant", z.significant);
		cJSON_AddItemToArray(cs, j);
	}
	cli_json_print(stdout, o, 0);
}

int
cmd_report_ab(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_ab_report r;
	struct store *st;
	const char *since = NULL, *until = NULL;
	char *cause = NULL;
	int64_t from = 0, to = 0;
	int c, json = 0;

	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "s:u:j", opts, NULL)) != -1) {
		switch (c) {
		case 's': since = optarg; break;
		case 'u': until = optarg; break;
		case 'j': json = 1; break;
		default:
			fputs(cmd_report_ab_usage, stderr);
			return HARK_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(cmd_report_ab_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if (cli_parse_period(ctx, since, until, &from, &to) != 0)
		return HARK_EXIT_USAGE;
	if ((st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	if (store_ab_report(st, argv[optind], from, to, STORE_AB_REPLY_WINDOW_MS,
	    &r, &cause) != 0) {
		/* An unknown template is the user's to fix; a failed read is not. */
		c = cause != NULL && strncmp(cause, "no template", 11) == 0 ?
		    HARK_EXIT_USAGE : HARK_EXIT_ERROR;
		cli_err(ctx, "%s", cause);
		free(cause);
		return c;
	}
	if (json)
		ab_print_json(&r);
	else
		ab_print_text(&r);
	store_ab_report_clear(&r);
	return HARK_EXIT_OK;
}
