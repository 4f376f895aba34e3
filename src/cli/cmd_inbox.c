/* cmd_inbox.c — `hark inbox`: the contact list with each latest message, as text. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/store.h"

#include "cli_int.h"

const char cmd_inbox_usage[] =
	"usage: hark inbox [--json]\n"
	"\n"
	"Prints every contact, most recent activity first: unread count,\n"
	"channels used (S sms, W WhatsApp, E email, C calls), conversation\n"
	"state, when, and the first line of the latest message.\n";

struct inbox_state {
	struct store *st;
	int json;
	int first;
	int64_t now;
};

static int
inbox_keep_line(void *arg, const struct store_message *m)
{
	char **line = arg;
	const char *text = m->subject != NULL && m->channel == HARK_CH_EMAIL ?
	    m->subject : m->body;
	size_t n = strcspn(text, "\n");

	free(*line);
	*line = text_sanitize(text, n, 0);
	return 0;
}

/* The latest message's first line, sanitised (newly allocated). */
static char *
inbox_latest(struct store *st, int64_t contact_id)
{
	char *line = NULL;

	store_messages_page(st, contact_id, INT64_MAX, INT64_MAX, 1,
	    inbox_keep_line, &line, NULL);
	return line != NULL ? line : xstrdup("");
}

/* Cuts s to at most cols terminal columns, on a character boundary. */
static void
inbox_fit(char *s, size_t cols)
{
	size_t i = 0, w = 0, len;
	char save;

	while (s[i] != '\0') {
		len = 1;
		while ((s[i + len] & 0xC0) == 0x80)
			len++;
		save = s[i + len];
		s[i + len] = '\0';
		w = text_width(s);
		s[i + len] = save;
		if (w > cols) {
			s[i] = '\0';
			return;
		}
		i += len;
	}
}

static int
inbox_row(void *arg, const struct store_contact *c)
{
	struct inbox_state *s = arg;
	char chans[HARK_CH__COUNT + 1], when[16], unread[12], *name, *line;
	int i, n = 0;

	for (i = 0; i < HARK_CH__COUNT; i++)
		chans[n++] = (c->channels & (1u << i)) ? hark_channel_letter(i) : '-';
	chans[n] = '\0';
	if (c->last_activity > 0)
		time_format_relative(c->last_activity, s->now, when, sizeof when);
	else
		strcpy(when, "-");
	name = text_sanitize(c->name, strlen(c->name), 0);
	line = inbox_latest(s->st, c->id);
	if (s->json) {
		printf("%s{\"id\":%lld,\"name\":", s->first ? "" : ",\n",
		    (long long)c->id);
		cli_json_string(stdout, c->name);
		printf(",\"unread\":%d,\"channels\":\"%s\",\"state\":\"%s\","
		    "\"last_activity\":%lld,\"latest\":", c->unread, chans,
		    c->conv_status ? c->conv_status : "open",
		    (long long)c->last_activity);
		cli_json_string(stdout, line);
		printf("}");
	} else {
		inbox_fit(name, 20);
		inbox_fit(line, 60);
		if (c->unread > 0)
			snprintf(unread, sizeof unread, "%d", c->unread);
		else
			unread[0] = '\0';
		printf("%3s %-4s %-7s %-6s %s%*s %s\n", unread, chans, c->conv_status ? c->conv_status : "open", when, name,
		    (int)(20 - text_width(name)), "", line);
	}
	s->first = 0;
	free(name);
	free(line);
	return 0;
}

int
cmd_inbox(struct cli_ctx *ctx, int argc, char **argv)
{
	struct inbox_state s;
	char *cause = NULL;

	memset(&s, 0, sizeof s);
	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		s.json = 1;
	else if (argc != 1) {
		fputs(cmd_inbox_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((s.st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	s.now = hark_now_ms();
	s.first = 1;
	if (s.json)
		printf("[");
	else
		printf("new chan    state   when   contact              latest\n");
	if (store_contacts_each(s.st, inbox_row, &s, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_ERROR;
	}
	if (s.json)
		printf("]\n");
	return HARK_EXIT_OK;
}
