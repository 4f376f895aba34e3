/* cmd_bulk.c — hark bulk: preview, send, follow and control bulk sends of a template to a segment. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/store.h"

#include "cli_int.h"
#include "cli_text.h"

const char cmd_bulk_usage[] =
    "usage: hark bulk preview --template NAME (--tag T | --filter EXPR)\n"
    "                         [--channel sms|whatsapp|email] [--account A] [--json]\n"
    "       hark bulk send    ... the same ... [--yes]\n"
    "       hark bulk list | status ID | pause ID | resume ID | cancel ID\n"
    "\n"
    "preview  renders the template for every contact of the segment (a tag,\n"
    "         or a filter such as 'tag:buyer state:open since:30d') and prints\n"
    "         the recipients, who is skipped and why (opted out, no address\n"
    "         for the channel, missing template variables), who waits for\n"
    "         quiet hours, the SMS segments and the estimated cost.\n"
    "send     the same, then (after --yes, or a y at the prompt on a\n"
    "         terminal) writes the bulk send and sends it at the account's\n"
    "         rate, with a progress bar on a terminal. A crash or kill loses\n"
    "         and repeats nothing: `hark bulk resume ID` or `hark daemon`\n"
    "         carries on. With a daemon running, the daemon sends it.\n"
    "resume   also finishes a bulk send left running by a crash.\n"
    "\n"
    "Exit: 0 ok, 1 bad input (or no confirmation), 2 runtime error.\n";

#define BULK_LINES_MAX 20

struct bulk_opts {
	struct engine_bulk_spec s;
	int json, yes;
	int lines;         /* skipped or held recipients listed so far */
};

struct bulk_loop {
	struct store *st;
	struct engine *e;
	int64_t id;
	int bar;
	uv_timer_t timer;
};

static int
bulk_parse(int argc, char **argv, struct bulk_opts *o)
{
	static const struct option opts[] = {
		{ "template", required_argument, NULL, 't' },
		{ "tag", required_argument, NULL, 'g' },
		{ "filter", required_argument, NULL, 'f' },
		{ "channel", required_argument, NULL, 'c' },
		{ "account", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof *o);
	o->s.channel = HARK_CH_SMS;
	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "y", opts, NULL)) != -1) {
		switch (c) {
		case 't': o->s.template = optarg; break;
		case 'g': o->s.tag = optarg; break;
		case 'f': o->s.filter = optarg; break;
		case 'a': o->s.account = optarg; break;
		case 'j': o->json = 1; break;
		case 'y': o->yes = 1; break;
		case 'c':
			if (hark_channel_parse(optarg, &o->s.channel) != 0 ||
			    o->s.channel == HARK_CH_VOICE)
				return -1;
			break;
		default:
			return -1;
		}
	}
	return optind == argc && o->s.template != NULL ? 0 : -1;
}

static void
bulk_line(void *arg, const struct engine_bulk_line *l)
{
	struct bulk_opts *o = arg;

	if ((l->skip == NULL && l->held == NULL) || o->json ||
	    ++o->lines > BULK_LINES_MAX)
		return;
	printf("  #%-6lld ", (long long)l->contact_id);
	cli_put_safe(stdout, l->name, 0);
	printf(": ");
	cli_put_safe(stdout, l->skip != NULL ? l->skip : l->held, 0);
	printf("%s\n", l->skip != NULL ? " (skipped)" : "");
}

static void
bulk_print(const struct bulk_opts *o, const struct engine_bulk_preview *p)
{
	char cost[32] = "unknown";

	if (p->has_cost)
		money_format(&p->cost, cost, sizeof cost);
	if (o->json) {
		printf("{\"contacts\":%d,\"recipients\":%d,\"deferred\":%d,"
		    "\"skipped\":%d,\"skipped_opted_out\":%d,\"skipped_no_address\":%d,"
		    "\"skipped_missing_variables\":%d,\"segments\":%ld,"
		    "\"estimated_cost\":", p->total, p->sending, p->deferred,
		    p->skipped, p->skipped_optout, p->skipped_noaddr,
		    p->skipped_missing, p->segments);
		if (p->has_cost)
			cli_json_string(stdout, cost);
		else
			printf("null");
		printf("}\n");
		return;
	}
	if (o->lines > BULK_LINES_MAX)
		printf("  ... and %d more skipped or deferred\n",
		    o->lines - BULK_LINES_MAX);
	printf("%d recipients of %d contacts (%d deferred by quiet hours)\n",
	    p->sending, p->total, p->deferred);
	printf("skipped %d: %d opted out, %d no %s address, %d missing variables\n",
	    p->skipped, p->skipped_optout, p->skipped_noaddr,
	    hark_channel_name(o->s.channel), p->skipped_missing);
	if (o->s.channel == HARK_CH_SMS)
		printf("SMS segments: %ld\n", p->segments);
	printf("estimated cost: %s\n", cost);
}

static struct engine *
bulk_engine(struct cli_ctx *ctx, uv_loop_t *loop, int take)
{
	struct engine_opts eo;

	memset(&eo, 0, sizeof eo);
	eo.take_outbox = take;
	return cli_engine_open(ctx, loop, &eo);
}

static void
bulk_tick(uv_timer_t *t)
{
	struct bulk_loop *bl = t->data;
	struct store_bulk_counts c;
	int done, total, w = 40, k;

	if (store_bulk_counts(bl->st, bl->id, &c, NULL) == 0 && bl->bar) {
		total = c.pending + c.outbox + c.held + c.sent + c.failed;
		done = c.sent + c.failed + c.held;
		k = total > 0 ? done * w / total : w;
		fprintf(stderr, "\r[%.*s%*s] %d/%d: %d sent, %d failed, %d held ",
		    k, "########################################", w - k, "",
		    done, total, c.sent, c.failed, c.held);
	}
	if (engine_bulk_finished(bl->st, bl->id) && engine_busy(bl->e, 0) == 0)
		uv_stop(t->loop);
}

/* Runs this process's engine until the bulk send has gone. */
static int
bulk_follow(struct cli_ctx *ctx, struct engine *e, uv_loop_t *loop, int64_t id)
{
	struct bulk_loop bl;

	if (!engine_owns_outbox(e)) {
		printf("bulk send %lld: the running hark (pid %ld) owns the outbox "
		    "and sends it; follow it with hark bulk status %lld\n",
		    (long long)id, engine_outbox_owner(store_path(ctx->st)),
		    (long long)id);
		return HARK_EXIT_OK;
	}
	memset(&bl, 0, sizeof bl);
	bl.st = ctx->st;
	bl.e = e;
	bl.id = id;
	bl.bar = isatty(STDERR_FILENO);
	uv_timer_init(loop, &bl.timer);
	bl.timer.data = &bl;
	uv_timer_start(&bl.timer, bulk_tick, 200, 200);
	uv_run(loop, UV_RUN_DEFAULT);
	/* The timer lives in this frame: finish closing it now. */
	uv_close((uv_handle_t *)&bl.timer, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
	if (bl.bar)
		fputc('\n', stderr);
	return HARK_EXIT_OK;
}

static int
bulk_preview_send(struct cli_ctx *ctx, int argc, char **argv, int send)
{
	struct engine_bulk_preview p;
	struct bulk_opts o;
	struct engine *e;
	uv_loop_t loop;
	char *cause = NULL, answer[16];
	int64_t id = 0;
	int rc = HARK_EXIT_OK;

	if (bulk_parse(argc, argv, &o) != 0) {
		fputs(cmd_bulk_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((e = bulk_engine(ctx, &loop, send)) == NULL) {
		cli_engine_close(NULL, &loop);
		return HARK_EXIT_ERROR;
	}
	if (engine_bulk_preview(e, &o.s, &p, bulk_line, &o, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		rc = HARK_EXIT_USAGE;
		goto out;
	}
	bulk_print(&o, &p);
	if (!send)
		goto out;
	if (!o.yes) {
		if (!isatty(STDIN_FILENO)) {
			cli_err(ctx, "nothing sent: add --yes to send without a prompt");
			rc = HARK_EXIT_USAGE;
			goto out;
		}
		printf("send to %d recipients? [y/N] ", p.sending);
		fflush(stdout);
		if (fgets(answer, sizeof answer, stdin) == NULL ||
		    (answer[0] != 'y' && answer[0] != 'Y')) {
			printf("nothing sent\n");
			rc = HARK_EXIT_USAGE;
			goto out;
		}
	}
	if (engine_bulk_start(e, &o.s, &id, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		rc = HARK_EXIT_ERROR;
		goto out;
	}
	printf("bulk send %lld started\n", (long long)id);
	fflush(stdout);
	rc = bulk_follow(ctx, e, &loop, id);
out:
	free(cause);
	cli_engine_close(e, &loop);
	return rc;
}

static int
bulk_list_one(void *arg, const struct store_bulk *b)
{
	struct store *st = arg;
	struct store_bulk_counts c;
	char when[40];

	store_bulk_counts(st, b->id, &c, NULL);
	time_format_iso(b->created_at, when, sizeof when);
	printf("%-4lld %-8s %-8s %s %s ", (long long)b->id, b->state,
	    hark_channel_name(b->channel), when, b->template);
	cli_put_safe(stdout, b->segment, 0);
	printf(": %d recipients, sent %d, failed %d, held %d, waiting %d, "
	    "skipped %d, canceled %d\n", b->total, c.sent, c.failed, c.held,
	    c.pending + c.outbox, c.skipped, c.canceled);
	return 0;
}

static int
bulk_status(struct cli_ctx *ctx, const char *verb, const char *arg)
{
	struct store_bulk b;
	struct store *st;
	struct engine *e;
	uv_loop_t loop;
	char *cause = NULL, *end;
	int64_t id;
	int rc = HARK_EXIT_OK;

	if ((st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	if (strcmp(verb, "list") == 0)
		return store_bulks_each(st, NULL, bulk_list_one, st, NULL) == 0 ?
		    HARK_EXIT_OK : HARK_EXIT_ERROR;
	id = arg != NULL ? strtoll(arg, &end, 10) : 0;
	if (arg == NULL || *end != '\0' || id <= 0) {
		fputs(cmd_bulk_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	memset(&b, 0, sizeof b);
	if (strcmp(verb, "status") == 0) {
		if (store_bulk_get(st, id, &b, &cause) != 0) {
			cli_err(ctx, "%s", cause);
			free(cause);
			return HARK_EXIT_USAGE;
		}
		bulk_list_one(st, &b);
		store_bulk_clear(&b);
		return HARK_EXIT_OK;
	}
	/* resume of a running bulk: a crash left it; carry on sending here. */
	if (store_bulk_get(st, id, &b, &cause) == 0 && strcmp(verb, "resume") == 0 &&
	    strcmp(b.state, "running") == 0)
		rc = HARK_EXIT_OK;
	else if (engine_bulk_control(st, id, verb, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		store_bulk_clear(&b);
		return HARK_EXIT_USAGE;
	}
	free(cause);
	store_bulk_clear(&b);
	printf("bulk send %lld: %s\n", (long long)id, strcmp(verb, "pause") == 0 ?
	    "paused" : strcmp(verb, "cancel") == 0 ? "canceled" : "running");
	if (strcmp(verb, "resume") != 0)
		return HARK_EXIT_OK;
	fflush(stdout);
	if ((e = bulk_engine(ctx, &loop, 1)) == NULL) {
		cli_engine_close(NULL, &loop);
		return HARK_EXIT_ERROR;
	}
	rc = bulk_follow(ctx, e, &loop, id);
	cli_engine_close(e, &loop);
	return rc;
}

int
cmd_bulk(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(cmd_bulk_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? HARK_EXIT_USAGE : HARK_EXIT_OK;
	}
	if (strcmp(argv[1], "preview") == 0 || strcmp(argv[1], "send") == 0)
		return bulk_preview_send(ctx, argc - 1, argv + 1,
		    strcmp(argv[1], "send") == 0);
	if (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "status") == 0 ||
	    strcmp(argv[1], "pause") == 0 || strcmp(argv[1], "resume") == 0 ||
	    strcmp(argv[1], "cancel") == 0)
		return bulk_status(ctx, argv[1], argc > 2 ? argv[2] : NULL);
	cli_err(ctx, "unknown subcommand '%s' (preview, send, list, status, "
	    "pause, resume, cancel)", argv[1]);
	return HARK_EXIT_USAGE;
}
