/*
 * cmd.c — the one command table: keys, the `:` prompt and help all go
 * through it. Splitting words, checking preconditions once, running.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "tui_int.h"
#include "tui_cmds.h"

/* Sorted by name, for completion and help. */
const struct tui_cmd tui_cmds[] = {
	{ "attach", NULL, "PATH", "attach a file to the email being written "
	  "(~ expands)", CMD_NEEDS_CONTACT, 1, 1, tcmd_attach },
	{ "bind", NULL, "MODE KEY COMMAND...", "bind a key for this session",
	  0, 3, -1, tcmd_bind },
	{ "bottom", NULL, "", "go to the bottom", 0, 0, 0, tcmd_bottom },
	{ "bulk", NULL, "TEMPLATE [CHANNEL] [send]", "preview a template to the "
	  "filtered contacts (skipped, deferred, segments, cost); with send, send it",
	  CMD_NEEDS_ENGINE, 1, 3, tcmd_bulk },
	{ "call", NULL, "", "call the selected contact",
	  CMD_NEEDS_CONTACT | CMD_NEEDS_ENGINE, 0, 0, tcmd_call },
	{ "cancel", NULL, "", "cancel the selected message before it goes out",
	  CMD_NEEDS_MESSAGE | CMD_NEEDS_ENGINE, 0, 0, tcmd_cancel },
	{ "channel", NULL, "sms|whatsapp|email|next", "choose the composer's channel",
	  0, 1, 1, tcmd_channel },
	{ "command-prompt", NULL, "[TEXT]", "open the : prompt",
	  0, 0, 1, tcmd_command_prompt },
	{ "compose", NULL, "[CHANNEL]", "write a new message to the contact",
	  CMD_NEEDS_CONTACT, 0, 1, tcmd_compose },
	{ "detach", NULL, "[N]", "take attachment N (the last) off the email "
	  "being written", CMD_NEEDS_CONTACT, 0, 1, tcmd_detach },
	{ "down", NULL, "", "move down", 0, 0, 0, tcmd_down },
	{ "edit", NULL, "", "edit the message in $EDITOR", 0, 0, 0, tcmd_edit },
	{ "filter", NULL, "[EXPR]", "filter contacts: channel:sms status:failed "
	  "unread since:7d tag:T state:open (none clears)", 0, 0, -1, tcmd_filter },
	{ "focus", NULL, "contacts|thread|composer", "move to a pane",
	  0, 1, 1, tcmd_focus },
	{ "focus-next", NULL, "", "move to the next pane", 0, 0, 0, tcmd_focus_next },
	{ "focus-prev", NULL, "", "move to the previous pane", 0, 0, 0,
	  tcmd_focus_prev },
	{ "half-page-down", NULL, "", "move down half a screen", 0, 0, 0,
	  tcmd_half_page_down },
	{ "half-page-up", NULL, "", "move up half a screen", 0, 0, 0,
	  tcmd_half_page_up },
	{ "help", NULL, "", "show the keys of this mode", 0, 0, 0, tcmd_help },
	{ "html", NULL, "PATH|none", "send the email being written with this "
	  "file as its HTML alternative", CMD_NEEDS_CONTACT, 1, 1, tcmd_html },
	{ "mark", NULL, "done|open|unread|read", "set the conversation's state",
	  CMD_NEEDS_CONTACT, 1, 1, tcmd_mark },
	{ "open-attachment", NULL, "[N|html]", "open the selected message's "
	  "attachment N (the first), or its HTML, with its mailcap viewer, "
	  "xdg-open or $PAGER",
	  CMD_NEEDS_MESSAGE, 0, 1, tcmd_open_attachment },
	{ "outcome", NULL, "WORD [NOTES...]", "record how a call went (reached, "
	  "voicemail, no-answer, wrong-number, callback) with notes",
	  CMD_NEEDS_CONTACT, 1, -1, tcmd_outcome },
	{ "page-down", NULL, "", "move down a screen", 0, 0, 0, tcmd_page_down },
	{ "page-up", NULL, "", "move up a screen", 0, 0, 0, tcmd_page_up },
	{ "prefer", NULL, "sms|whatsapp|email", "make a channel the contact's "
	  "preferred one (the composer starts there)", CMD_NEEDS_CONTACT, 1, 1,
	  tcmd_prefer },
	{ "quit", "q", "", "leave hark (or close the open list)", 0, 0, 0, tcmd_quit },
	{ "redraw", NULL, "", "redraw the screen", 0, 0, 0, tcmd_redraw },
	{ "reply", NULL, "", "reply on the channel of the selected message",
	  CMD_NEEDS_CONTACT, 0, 0, tcmd_reply },
	{ "report", NULL, "[day|week|month|prev|next|left|right|channel|open|close]",
	  "the dashboard: volume, responses, delivery, cost; Enter on a bar lists "
	  "its messages", 0, 0, 1, tcmd_report },
	{ "resend", NULL, "", "send the selected failed or uncertain message again",
	  CMD_NEEDS_MESSAGE | CMD_NEEDS_ENGINE, 0, 0, tcmd_resend },
	{ "schedule", NULL, "WHEN", "send the composer's message later "
	  "(2h, tomorrow 9:00, mon 9:00)", CMD_NEEDS_CONTACT | CMD_NEEDS_ENGINE,
	  1, -1, tcmd_schedule },
	{ "search", NULL, "[QUERY]", "search the whole history", 0, 0, -1,
	  tcmd_search },
	{ "search-next", NULL, "", "go to the next search hit", 0, 0, 0,
	  tcmd_search_next },
	{ "search-prev", NULL, "", "go to the previous search hit", 0, 0, 0,
	  tcmd_search_prev },
	{ "select", NULL, "", "open the selected item", 0, 0, 0, tcmd_select },
	{ "send", NULL, "", "send the composer's message now",
	  CMD_NEEDS_CONTACT | CMD_NEEDS_ENGINE, 0, 0, tcmd_send },
	{ "set-pref", NULL, "KEY VALUE [REASON...]", "set the contact's prefer, "
	  "fallback, tz, quiet (21:00-08:00), cap (3/day), opt-out or opt-in CHANNEL",
	  CMD_NEEDS_CONTACT, 2, -1, tcmd_set_pref },
	{ "snooze", NULL, "WHEN", "hide the conversation until WHEN",
	  CMD_NEEDS_CONTACT, 1, -1, tcmd_snooze },
	{ "suspend", NULL, "", "suspend hark (fg to come back)", 0, 0, 0,
	  tcmd_suspend },
	{ "template", NULL, "[NAME] | new | edit NAME | delete NAME",
	  "insert a template (a list when no name); new, edit and delete "
	  "manage the library in $EDITOR", 0, 0, -1, tcmd_template },
	{ "theme", NULL, "NAME", "switch the colour theme", 0, 1, 1, tcmd_theme },
	{ "toggle-quotes", NULL, "", "show or hide quoted email text", 0, 0, 0,
	  tcmd_toggle_quotes },
	{ "top", NULL, "", "go to the top", 0, 0, 0, tcmd_top },
	{ "up", NULL, "", "move up", 0, 0, 0, tcmd_up },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL },
};

const struct tui_cmd *
tui_cmd_find(const char *name)
{
	const struct tui_cmd *c;

	for (c = tui_cmds; c->name != NULL; c++) {
		if (strcmp(c->name, name) == 0 ||
		    (c->alias != NULL && strcmp(c->alias, name) == 0))
			return c;
	}
	return NULL;
}

char *
tui_join(int argc, char **argv, int from)
{
	struct hbuf b = HBUF_INIT;
	int i;

	for (i = from; i < argc; i++) {
		if (i > from)
			hbuf_addc(&b, ' ');
		hbuf_adds(&b, argv[i]);
	}
	return hbuf_steal(&b);
}

void
tui_words_free(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/*
 * Words separated by spaces; "double" and 'single' quotes group, a
 * backslash escapes the next character (outside single quotes).
 */
int
tui_words(const char *line, char ***argv)
{
	struct hbuf w = HBUF_INIT;
	char quote;
	int argc = 0, in_word;

	*argv = NULL;
	while (*line != '\0') {
		while (isspace((unsigned char)*line))
			line++;
		if (*line == '\0')
			break;
		in_word = 1;
		quote = 0;
		hbuf_reset(&w);
		while (*line != '\0' && in_word) {
			if (quote != 0 && *line == quote)
				quote = 0;
			else if (quote == 0 && (*line == '"' || *line == '\''))
				quote = *line;
			else if (quote != '\'' && *line == '\\' && line[1] != '\0')
				hbuf_addc(&w, *++line);
			else if (quote == 0 && isspace((unsigned char)*line))
				in_word = 0;
			else
				hbuf_addc(&w, *line);
			if (in_word)
				line++;
		}
		*argv = xreallocarray(*argv, (size_t)argc + 2, sizeof **argv);
		(*argv)[argc++] = xstrdup(hbuf_str(&w));
		(*argv)[argc] = NULL;
	}
	hbuf_free(&w);
	return argc;
}

static int
cmd_check(struct tui *t, const struct tui_cmd *c, int argc, char **cause)
{
	int nargs = argc - 1;

	if (nargs < c->min_args || (c->max_args >= 0 && nargs > c->max_args)) {
		set_cause(cause, "usage: %s %s", c->name, c->args);
		return -1;
	}
	if ((c->flags & CMD_NEEDS_CONTACT) && t->contact_id <= 0) {
		set_cause(cause, "%s: select a contact first", c->name);
		return -1;
	}
	if ((c->flags & CMD_NEEDS_MESSAGE) && t->message_id <= 0) {
		set_cause(cause, "%s: select a message in the thread first", c->name);
		return -1;
	}
	if ((c->flags & CMD_NEEDS_ENGINE) && t->engine == NULL) {
		set_cause(cause, "%s: sending is not available", c->name);
		return -1;
	}
	return 0;
}

int
tui_cmd_run(struct tui *t, const char *line)
{
	const struct tui_cmd *c;
	char **argv, *cause = NULL;
	int argc, rc = -1;

	argc = tui_words(line, &argv);
	if (argc == 0) {
		tui_words_free(argc, argv);
		return 0;
	}
	c = tui_cmd_find(argv[0]);
	if (c == NULL)
		set_cause(&cause, "unknown command '%s' (Tab completes at the : prompt)",
		    argv[0]);
	else if (cmd_check(t, c, argc, &cause) == 0)
		rc = c->exec(t, argc, argv, &cause);
	if (rc != 0 && cause != NULL)
		tui_say(t, 1, "%s", cause);
	free(cause);
	tui_words_free(argc, argv);
	return rc;
}
