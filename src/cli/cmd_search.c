/* cmd_search.c — hark search: full-text search over every message, newest first. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <getopt.h>

#include <cjson/cJSON.h>

#include "hark/core.h"
#include "hark/store.h"

#include "cli_int.h"
#include "cli_text.h"
#include "cmd_usage.h"
#include "jsonl.h"

#define SEARCH_LIMIT 20
#define SEARCH_LIMIT_MAX 100000

const char cmd_search_usage[] =
    "usage: hark search [--limit N] [--json] QUERY...\n"
    "\n"
    "Finds messages whose subject or body match QUERY, newest first, and\n"
    "prints the date, contact, channel and the matching text with the\n"
    "matched words marked. QUERY uses SQLite FTS5 syntax: words (all must\n"
    "match), \"a phrase\", prefix*, OR, NOT, NEAR(a b).\n"
    "\n"
    "  -n, --limit N   at most N results (default 20)\n"
    "      --json      print a JSON array\n";

struct search {
	int tty;
	cJSON *json;     /* the result array with --json, else NULL */
	int hits;
};

static char *search_snippet(const char *raw, const char *open, const char *close);
static int search_hit(void *arg, const struct store_hit *h);
static void search_hit_json(struct search *s, const struct store_hit *h);
static char *search_join(int argc, char **argv);
static int search_pad(const char *s, int width);

/*
 * The snippet with the store's \x02 / \x03 markers turned into open/close,
 * and the text between them sanitised piece by piece (the markers are
 * control characters that text_sanitize would otherwise make visible).
 */
static char *
search_snippet(const char *raw, const char *open, const char *close)
{
	struct hbuf out = HBUF_INIT;
	const char *p = raw != NULL ? raw : "";
	size_t n;
	char *piece, *safe;

	for (;;) {
		n = strcspn(p, "\x02\x03");
		piece = xstrndup(p, n);
		safe = cli_safe(piece, 0);
		hbuf_adds(&out, safe);
		free(safe);
		free(piece);
		p += n;
		if (*p == '\0')
			break;
		hbuf_adds(&out, *p == '\x02' ? open : close);
		p++;
	}
	return hbuf_steal(&out);
}

static void
search_hit_json(struct search *s, const struct store_hit *h)
{
	cJSON *o = cJSON_CreateObject();
	char when[40], *t;

	jsonl_time_format(h->created_at, when, sizeof when);
	cJSON_AddNumberToObject(o, "id", (double)h->message_id);
	cJSON_AddNumberToObject(o, "contact_id", (double)h->contact_id);
	t = cli_json_text(h->contact_name);
	cJSON_AddStringToObject(o, "contact", t);
	free(t);
	cJSON_AddStringToObject(o, "channel", hark_channel_name(h->channel));
	cJSON_AddStringToObject(o, "direction", hark_direction_name(h->direction));
	cJSON_AddStringToObject(o, "timestamp", when);
	if (h->subject != NULL) {
		t = cli_json_text(h->subject);
		cJSON_AddStringToObject(o, "subject", t);
		free(t);
	}
	t = search_snippet(h->snippet, "[", "]");
	cJSON_AddStringToObject(o, "snippet", t);
	free(t);
	cJSON_AddItemToArray(s->json, o);
}

static int
search_hit(void *arg, const struct store_hit *h)
{
	struct search *s = arg;
	char when[32], *name, *snip;

	s->hits++;
	if (s->json != NULL) {
		search_hit_json(s, h);
		return 0;
	}
	cli_local_time(h->created_at, CLI_TIME_FULL, when, sizeof when);
	name = cli_safe(h->contact_name, 0);
	snip = s->tty ? search_snippet(h->snippet, "\033[1m", "\033[22m") :
	    search_snippet(h->snippet, "[", "]");
	printf("%s  %s%*s  %-8s  %s %s\n", when, name, search_pad(name, 20), "",
	    hark_channel_name(h->channel), h->direction == HARK_DIR_IN ? "<" : ">", snip);
	free(snip);
	free(name);
	return 0;
}

/* Spaces that bring s to width columns (names may be wider than their bytes
 * suggest, or narrower). */
static int
search_pad(const char *s, int width)
{
	size_t w = text_width(s);

	return w >= (size_t)width ? 0 : width - (int)w;
}

/* The words of QUERY..., so `hark search late invoice` needs no quotes. */
static char *
search_join(int argc, char **argv)
{
	struct hbuf q = HBUF_INIT;
	int i;

	for (i = 0; i < argc; i++) {
		if (i > 0)
			hbuf_addc(&q, ' ');
		hbuf_adds(&q, argv[i]);
	}
	return hbuf_steal(&q);
}

int
cmd_search(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct search s = { 0 };
	struct store *st;
	int c, limit = SEARCH_LIMIT, json = 0, rc;
	char *query, *cause = NULL;

	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "n:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (cli_parse_count(optarg, 1, SEARCH_LIMIT_MAX, &limit) != 0) {
				cli_err_safe(ctx, "bad limit '%s'", optarg);
				return HARK_EXIT_USAGE;
			}
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(cmd_search_usage, stdout);
			return HARK_EXIT_OK;
		default:
			fputs(cmd_search_usage, stderr);
			return HARK_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs(cmd_search_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	s.tty = isatty(STDOUT_FILENO);
	s.json = json ? cJSON_CreateArray() : NULL;
	query = search_join(argc - optind, argv + optind);
	rc = store_search(st, query, limit, search_hit, &s, &cause);
	free(query);
	if (rc != 0) {
		cJSON_Delete(s.json);
		cli_err_safe(ctx, "%s", cause != NULL ? cause : "search failed");
		rc = cause != NULL && hark_startswith(cause, "bad search query") ?
		    HARK_EXIT_USAGE : HARK_EXIT_ERROR;
		free(cause);
		return rc;
	}
	if (s.json != NULL)
		cli_json_print(stdout, s.json, 0);
	return HARK_EXIT_OK;
}
