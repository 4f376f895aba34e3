/* cmd_log.c — hark log: one contact's unified thread as text, oldest at the
 * top, with a line between days. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include <cjson/cJSON.h>

#include "hark/core.h"
#include "hark/engine.h"
#include "hark/store.h"

#include "cli_int.h"
#include "cli_text.h"
#include "cmd_usage.h"
#include "jsonl.h"
#include "template_cli.h"

#define LOG_LIMIT 50
#define LOG_LIMIT_MAX 10000000
#define LOG_INDENT "                 "   /* lines up under the message text */

const char cmd_log_usage[] =
    "usage: hark log [--limit N] [--json] CONTACT\n"
    "\n"
    "Prints the thread with CONTACT (a name or its unique beginning, an\n"
    "address, or #id) across every channel: the newest N messages, oldest at\n"
    "the top, each with its time, channel and direction; the status of what\n"
    "was sent (and why it failed), its price when known, and the subject of\n"
    "an email.\n"
    "\n"
    "  -n, --limit N   the newest N messages (default 50, 0 for all)\n"
    "      --json      print the thread as JSON\n";

struct log {
	int utf8;
	char day[32];      /* the day of the last message printed */
	cJSON *json;       /* the messages array with --json */
	struct store *st;  /* for the template a message used */
};

static int log_message(void *arg, const struct store_message *m);
static void log_text(struct log *lg, const struct store_message *m);
static void log_lines(const char *text);
static void log_meta(const struct store_message *m);
static void log_json(struct log *lg, const struct store_message *m);
static void log_json_add(cJSON *o, const char *name, const char *raw);
static void log_header(struct store *st, int64_t id, struct log *lg, cJSON *root);
static int log_run(struct cli_ctx *ctx, const char *who, int limit, int json);

/* Prints text already sanitised, one line at a time under the message text. */
static void
log_lines(const char *text)
{
	const char *p = text, *nl;

	while ((nl = strchr(p, '\n')) != NULL) {
		printf("%.*s\n%s", (int)(nl - p), p, LOG_INDENT);
		p = nl + 1;
	}
	printf("%s\n", p);
}

/* What happened to a message sent: its status, why it failed, its price. */
static void
log_meta(const struct store_message *m)
{
	char price[48];
	char *err;

	if (m->direction != HARK_DIR_OUT && !m->has_price)
		return;
	fputs(LOG_INDENT, stdout);
	if (m->direction == HARK_DIR_OUT)
		fputs(hark_status_name(m->status), stdout);
	if (m->error_text != NULL || m->error_code != NULL) {
		err = cli_safe(m->error_text != NULL ? m->error_text : m->error_code, 0);
		printf(": %s", err);
		if (m->error_text != NULL && m->error_code != NULL) {
			free(err);
			err = cli_safe(m->error_code, 0);
			printf(" (%s)", err);
		}
		free(err);
	}
	if (m->has_price) {
		money_format(&m->price, price, sizeof price);
		printf("%s%s", m->direction == HARK_DIR_OUT ? ", " : "", price);
	}
	putchar('\n');
}

static void
log_text(struct log *lg, const struct store_message *m)
{
	char day[32], clock[16];
	char *text, *note;

	cli_local_time(m->created_at, CLI_TIME_DAY, day, sizeof day);
	if (strcmp(day, lg->day) != 0) {
		printf(lg->utf8 ? "\n── %s ──\n" : "\n-- %s --\n", day);
		memcpy(lg->day, day, sizeof lg->day);
	}
	cli_local_time(m->created_at, CLI_TIME_CLOCK, clock, sizeof clock);
	printf("%s %-8s %s ", clock, hark_channel_name(m->channel),
	    m->direction == HARK_DIR_OUT ? (lg->utf8 ? "→" : ">") :
	    (lg->utf8 ? "←" : "<"));
	if (m->subject != NULL && *m->subject != '\0') {
		text = cli_safe(m->subject, 0);
		printf("Subject: %s\n%s", text, LOG_INDENT);
		free(text);
	}
	text = cli_safe(m->body, HARK_SAN_NEWLINES);
	log_lines(text);
	free(text);
	log_meta(m);
	/* A fallback says which message it replaces and why. */
	if (m->direction == HARK_DIR_OUT &&
	    (note = engine_fallback_note(lg->st, m->id)) != NULL) {
		text = cli_safe(note, 0);
		printf("%s%s\n", LOG_INDENT, text);
		free(text);
		free(note);
	}
}

static void
log_json_add(cJSON *o, const char *name, const char *raw)
{
	char *t;

	if (raw == NULL)
		return;
	t = cli_json_text(raw);
	cJSON_AddStringToObject(o, name, t);
	free(t);
}

static void
log_json(struct log *lg, const struct store_message *m)
{
	cJSON *o = cJSON_CreateObject();
	char when[40], price[48];

	jsonl_time_format(m->created_at, when, sizeof when);
	cJSON_AddNumberToObject(o, "id", (double)m->id);
	cJSON_AddStringToObject(o, "timestamp", when);
	cJSON_AddStringToObject(o, "channel", hark_channel_name(m->channel));
	cJSON_AddStringToObject(o, "direction", hark_direction_name(m->direction));
	log_json_add(o, "address", jsonl_other_address(m));
	cJSON_AddStringToObject(o, "status", hark_status_name(m->status));
	log_json_add(o, "error_code", m->error_code);
	log_json_add(o, "error_text", m->error_text);
	if (m->has_price) {
		jsonl_money_decimal(m->price.micros, price, sizeof price);
		cJSON_AddStringToObject(o, "price", price);
		log_json_add(o, "currency", m->price.currency);
	}
	log_json_add(o, "subject", m->subject);
	log_json_add(o, "body", m->body);
	tpl_json_used(o, lg->st, m->id);
	cJSON_AddItemToArray(lg->json, o);
}

static int
log_message(void *arg, const struct store_message *m)
{
	struct log *lg = arg;

	if (lg->json != NULL)
		log_json(lg, m);
	else
		log_text(lg, m);
	return 0;
}

/* The contact's name and addresses, above the thread or in the JSON. */
static void
log_header(struct store *st, int64_t id, struct log *lg, cJSON *root)
{
	struct store_contact c = { 0 };
	char *t;
	int i;

	if (store_contact_get(st, id, &c, NULL) != 0)
		return;
	if (root != NULL) {
		cJSON_AddNumberToObject(root, "contact_id", (double)id);
		log_json_add(root, "contact", c.name);
	} else {
		cli_put_safe(stdout, c.name, 0);
		for (i = 0; i < c.nids; i++) {
			t = cli_safe(c.ids[i].address, 0);
			printf("%s%s", i == 0 ? "  " : (lg->utf8 ? " · " : ", "), t);
			free(t);
		}
		putchar('\n');
	}
	store_contact_clear(&c);
}

static int
log_run(struct cli_ctx *ctx, const char *who, int limit, int json)
{
	struct store *st = cli_store(ctx);
	struct store_filter f = { 0 };
	struct log lg = { 0 };
	cJSON *root = NULL;
	char *cause = NULL;
	int rc;

	if (st == NULL)
		return HARK_EXIT_ERROR;
	if (store_contact_resolve(st, who, &f.contact_id, &cause) != 0) {
		cli_err_safe(ctx, "%s", cause != NULL ? cause : "no such contact");
		free(cause);
		return HARK_EXIT_USAGE;
	}
	lg.utf8 = MB_CUR_MAX > 1;
	lg.st = st;
	if (json) {
		root = cJSON_CreateObject();
		lg.json = cJSON_CreateArray();
	}
	log_header(st, f.contact_id, &lg, root);
	if (limit == 0)
		rc = store_messages_each(st, &f, log_message, &lg, &cause);
	else
		rc = store_messages_page(st, f.contact_id, INT64_MAX, 0, limit,
		    log_message, &lg, &cause);
	if (rc != 0) {
		cli_err_safe(ctx, "%s", cause != NULL ? cause : "cannot read the thread");
		free(cause);
		cJSON_Delete(root);
		cJSON_Delete(lg.json);
		return HARK_EXIT_ERROR;
	}
	if (root != NULL) {
		cJSON_AddItemToObject(root, "messages", lg.json);
		cli_json_print(stdout, root, 0);
	}
	return HARK_EXIT_OK;
}

int
cmd_log(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, limit = LOG_LIMIT, json = 0;

	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "n:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (cli_parse_count(optarg, 0, LOG_LIMIT_MAX, &limit) != 0) {
				cli_err_safe(ctx, "bad limit '%s'", optarg);
				return HARK_EXIT_USAGE;
			}
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(cmd_log_usage, stdout);
			return HARK_EXIT_OK;
		default:
			fputs(cmd_log_usage, stderr);
			return HARK_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fputs(cmd_log_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	return log_run(ctx, argv[optind], limit, json);
}
