/*
 * template_manage.c — the template library from the TUI: `:template new`,
 * `:template edit NAME` and `:template delete NAME`. The editor gets the
 * same plain text as `hark template add|edit` (engine_template_format);
 * curses is suspended while it runs, as for the composer's $EDITOR. A text
 * that does not parse is shown with its line and column on the terminal,
 * and the editor opens again on it until it parses or the user gives up.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hark/engine.h"

#include "tui_int.h"

static int	manage_again(const char *why);
static int	manage_edit_loop(struct tui *t, const char *initial,
		    const char *expect, char **cause);
static int	manage_save(struct tui *t, const struct store_template *tp,
		    char **cause);

/* On the plain terminal (curses suspended): the error, then "edit again?". */
static int
manage_again(const char *why)
{
	char line[16];

	fprintf(stderr, "\nhark: %s\nEdit again? [Y/n] ", why);
	fflush(stderr);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 0;
	return line[0] != 'n' && line[0] != 'N';
}

/* Saves a parsed template; 0 with the result on the status line, or -1
 * with cause. */
static int
manage_save(struct tui *t, const struct store_template *tp, char **cause)
{
	int version = 0, rc;

	rc = store_template_save(t->st, tp, &version, cause);
	if (rc == 1)
		tui_say(t, 0, "template %s: saved version %d", tp->name, version);
	else if (rc == 0)
		tui_say(t, 0, "template %s: no changes (version %d)", tp->name,
		    version);
	return rc < 0 ? -1 : 0;
}

/* The editor on initial until it parses and saves; 0, or -1 with cause. */
static int
manage_edit_loop(struct tui *t, const char *initial, const char *expect,
    char **cause)
{
	char *path, *text = NULL, *why = NULL;
	struct store_template check;
	int rc = -1, st;

	if ((path = tui_tmpfile("template", initial, strlen(initial),
	    cause)) == NULL)
		return -1;
	tui_suspend_curses(t);
	for (;;) {
		if ((st = tui_run_editor(path)) != 0) {
			set_cause(cause, "the editor exited with status %d; nothing "
			    "saved", st);
			break;
		}
		free(text);
		if ((text = tui_file_read(path, NULL)) == NULL ||
		    strcmp(text, initial) == 0) {
			tui_say(t, 0, "no changes");
			rc = 0;
			break;
		}
		/* A text that does not parse or save reopens the editor. */
		if (engine_template_parse_file(text, &check, &why) == 0) {
			if (expect != NULL && strcmp(check.name, expect) != 0)
				why = xasprintf("the name changed from '%s' to '%s': "
				    "renaming is not supported", expect, check.name);
			else
				rc = manage_save(t, &check, &why);
			store_template_clear(&check);
			if (rc == 0)
				break;
		}
		if (!manage_again(why)) {
			set_cause(cause, "%s (nothing saved)", why);
			break;
		}
		free(why);
		why = NULL;
	}
	tui_resume_curses(t);
	free(why);
	free(text);
	unlink(path);
	free(path);
	return rc;
}

int
template_manage(struct tui *t, int argc, char **argv, char **cause)
{
	struct store_template tp;
	char *initial;
	int rc;

	memset(&tp, 0, sizeof tp);
	if (strcmp(argv[1], "new") == 0 && argc == 2) {
		initial = engine_template_format(&tp, 1);
		rc = manage_edit_loop(t, initial, NULL, cause);
		free(initial);
		return rc;
	}
	if (argc != 3) {
		set_cause(cause, "usage: template new | template edit NAME | "
		    "template delete NAME");
		return -1;
	}
	if (strcmp(argv[1], "delete") == 0) {
		if (store_template_delete(t->st, argv[2], cause) != 0)
			return -1;
		tui_say(t, 0, "template %s deleted", argv[2]);
		return 0;
	}
	if (store_template_get(t->st, argv[2], 0, &tp, cause) != 0)
		return -1;
	initial = engine_template_format(&tp, 1);
	rc = manage_edit_loop(t, initial, tp.name, cause);
	free(initial);
	store_template_clear(&tp);
	return rc;
}
