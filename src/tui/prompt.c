/*
 * prompt.c — the `:` and `/` line: editing, Tab completion of command names
 * and their arguments, and a history kept in $XDG_STATE_HOME/hark/history.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "hark/config.h"

#include "tui_int.h"

#define PROMPT_HISTORY_MAX 500

struct prompt {
	int open;
	char lead;
	struct hbuf text;
	size_t cursor;
	char **history;
	int nhistory;
	int hist_at;           /* nhistory when not browsing */
	int loaded;
	char *hint;            /* a question shown dim after the text, may be NULL */
	WINDOW *win;
};

static char *
prompt_history_path(void)
{
	char *dir = hark_state_dir(), *p = xasprintf("%s/history", dir);

	free(dir);
	return p;
}

static void
prompt_history_add(struct prompt *pr, const char *line, int save)
{
	char *path, *dir;
	FILE *f;

	if (*line == '\0' || (pr->nhistory > 0 &&
	    strcmp(pr->history[pr->nhistory - 1], line) == 0))
		return;
	if (pr->nhistory == PROMPT_HISTORY_MAX) {
		free(pr->history[0]);
		memmove(pr->history, pr->history + 1,
		    (size_t)(pr->nhistory - 1) * sizeof *pr->history);
		pr->nhistory--;
	}
	pr->history = xreallocarray(pr->history, (size_t)pr->nhistory + 1,
	    sizeof *pr->history);
	pr->history[pr->nhistory++] = xstrdup(line);
	if (!save)
		return;
	dir = hark_state_dir();
	hark_mkdir_p(dir, NULL);
	free(dir);
	path = prompt_history_path();
	if ((f = fopen(path, "a")) != NULL) {
		fprintf(f, "%s\n", line);
		fclose(f);
	}
	free(path);
}

static void
prompt_history_load(struct prompt *pr)
{
	char *path = prompt_history_path(), line[1024];
	FILE *f = fopen(path, "r");

	free(path);
	pr->loaded = 1;
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		prompt_history_add(pr, line, 0);
	}
	fclose(f);
}

static struct prompt *
prompt_get(struct tui *t)
{
	if (t->prompt == NULL)
		t->prompt = xcalloc(1, sizeof *t->prompt);
	return t->prompt;
}

void
prompt_open(struct tui *t, char lead, const char *text)
{
	struct prompt *pr = prompt_get(t);

	if (!pr->loaded)
		prompt_history_load(pr);
	pr->open = 1;
	pr->lead = lead;
	hbuf_reset(&pr->text);
	hbuf_adds(&pr->text, text);
	pr->cursor = pr->text.len;
	pr->hist_at = pr->nhistory;
	if (pr->win != NULL)
		delwin(pr->win);
	pr->win = newwin(1, t->cols, t->rows - 1, 0);
}

void
prompt_set_hint(struct tui *t, const char *hint)
{
	struct prompt *pr = prompt_get(t);

	free(pr->hint);
	pr->hint = hint != NULL ? xstrdup(hint) : NULL;
}

void
prompt_close(struct tui *t)
{
	struct prompt *pr = t->prompt;

	if (pr == NULL || !pr->open)
		return;
	pr->open = 0;
	free(pr->hint);
	pr->hint = NULL;
	if (pr->win != NULL)
		delwin(pr->win);
	pr->win = NULL;
	tui_dirty_all(t, PANE_DRAW);
}

int
prompt_is_open(struct tui *t)
{
	return t->prompt != NULL && t->prompt->open;
}

void
prompt_free(struct tui *t)
{
	struct prompt *pr = t->prompt;
	int i;

	if (pr == NULL)
		return;
	if (pr->win != NULL)
		delwin(pr->win);
	for (i = 0; i < pr->nhistory; i++)
		free(pr->history[i]);
	free(pr->history);
	free(pr->hint);
	hbuf_free(&pr->text);
	free(pr);
	t->prompt = NULL;
}

void
prompt_draw(struct tui *t)
{
	struct prompt *pr = t->prompt;
	char lead[2] = { pr->lead, '\0' };
	const char *s = hbuf_str(&pr->text);
	int x, w = 0;
	size_t i = 0;
	wchar_t wc;
	int n;

	if (pr->win == NULL)
		return;
	werase(pr->win);
	wmove(pr->win, 0, 0);
	tui_put_raw(t, pr->win, ROLE_PROMPT, lead, 1);
	tui_put(t, pr->win, ROLE_PROMPT, s, t->cols - 2);
	while (i < pr->cursor) {
		n = mbtowc(&wc, s + i, MB_CUR_MAX);
		if (n <= 0)
			n = 1;
		w += wcwidth(wc) > 0 ? wcwidth(wc) : 1;
		i += (size_t)n;
	}
	x = 1 + w < t->cols ? 1 + w : t->cols - 1;
	/* The question, out of the way of what is typed. */
	if (pr->hint != NULL && x + 4 < t->cols) {
		wmove(pr->win, 0, x + 2);
		tui_put(t, pr->win, ROLE_QUOTE, pr->hint, t->cols - x - 3);
	}
	wmove(pr->win, 0, x);
	curs_set(1);
	wnoutrefresh(pr->win);
}

/* ---- completion ------------------------------------------------------------------ */

static const char *const *
prompt_arg_words(const char *cmd)
{
	static const char *const channels[] = { "sms", "whatsapp", "email", "next", NULL };
	static const char *const panes[] = { "contacts", "thread", "composer", NULL };
	static const char *const states[] = { "done", "open", "unread", "read", NULL };
	static const char *const themes[] = { "default", "light", "mono", NULL };
	static const char *const filters[] = { "channel:", "status:", "unread",
		"since:", "tag:", "state:", NULL };
	static const char *const modes[] = { "global", "contacts", "thread",
		"composer", "prompt", "picker", NULL };

	if (strcmp(cmd, "channel") == 0 || strcmp(cmd, "compose") == 0 ||
	    strcmp(cmd, "prefer") == 0)
		return channels;
	if (strcmp(cmd, "focus") == 0)
		return panes;
	if (strcmp(cmd, "mark") == 0)
		return states;
	if (strcmp(cmd, "theme") == 0)
		return themes;
	if (strcmp(cmd, "filter") == 0)
		return filters;
	if (strcmp(cmd, "bind") == 0)
		return modes;
	return NULL;
}

/* Completes the word before the cursor from `words` (or command names). */
static void
prompt_complete(struct tui *t, struct prompt *pr)
{
	const char *s = hbuf_str(&pr->text), *word, *match = NULL;
	const char *const *words = NULL;
	struct hbuf list = HBUF_INIT;
	const struct tui_cmd *c;
	char first[64];
	size_t wlen, common = 0;
	int n = 0, i;

	word = s + pr->cursor;
	while (word > s && word[-1] != ' ')
		word--;
	wlen = (size_t)(s + pr->cursor - word);
	if (word != s) {
		snprintf(first, sizeof first, "%.*s", (int)strcspn(s, " "), s);
		if ((words = prompt_arg_words(first)) == NULL)
			return;
	}
	for (i = 0;; i++) {
		const char *cand;

		if (words != NULL)
			cand = words[i];
		else
			cand = (c = &tui_cmds[i])->name;
		if (cand == NULL)
			break;
		if (strncmp(cand, word, wlen) != 0)
			continue;
		if (n++ == 0) {
			match = cand;
			common = strlen(cand);
		} else {
			while (common > 0 && strncmp(match, cand, common) != 0)
				common--;
		}
		hbuf_printf(&list, "%s%s", list.len ? " " : "", cand);
	}
	if (n == 0) {
		tui_say(t, 0, "no completion");
		hbuf_free(&list);
		return;
	}
	if (common > wlen) {
		hbuf_reset(&pr->text);
		hbuf_add(&pr->text, s, (size_t)(word - s));
		hbuf_add(&pr->text, match, common);
		pr->cursor = pr->text.len;
	}
	if (n == 1 && match[strlen(match) - 1] != ':') {
		hbuf_addc(&pr->text, ' ');
		pr->cursor = pr->text.len;
	} else if (n > 1)
		tui_say(t, 0, "%s", hbuf_str(&list));
	hbuf_free(&list);
}

/* ---- keys --------------------------------------------------------------------------------- */

static void
prompt_set(struct prompt *pr, const char *s)
{
	hbuf_reset(&pr->text);
	hbuf_adds(&pr->text, s);
	pr->cursor = pr->text.len;
}

static void
prompt_run(struct tui *t, struct prompt *pr)
{
	const struct tui_cmd *search = tui_cmd_find("search");
	char *line = xstrdup(hbuf_str(&pr->text)), *argv[3], *cause = NULL;
	char lead = pr->lead;

	prompt_history_add(pr, line, 1);
	prompt_close(t);
	if (lead == '/') {
		/* The query goes whole: FTS5 syntax has its own quotes. */
		argv[0] = "search";
		argv[1] = line;
		argv[2] = NULL;
		if (*line != '\0' && search->exec(t, 2, argv, &cause) != 0) {
			tui_say(t, 1, "%s", cause);
			free(cause);
		}
	} else
		tui_cmd_run(t, line);
	free(line);
}

static void
prompt_delete(struct prompt *pr, size_t from, size_t to)
{
	field_delete(&pr->text, from, to);
	pr->cursor = from;
}

static int
prompt_edit(struct prompt *pr, wint_t ch, int is_code)
{
	char mb[MB_LEN_MAX];
	size_t at = pr->cursor;
	int n;

	if (!is_code && ch >= 0x20 && ch != 0x7f) {
		if ((n = wctomb(mb, (wchar_t)ch)) <= 0)
			return 1;
		field_insert(&pr->text, &pr->cursor, mb, (size_t)n);
	} else if ((is_code && ch == KEY_BACKSPACE) || ch == 0x7f || ch == 8)
		prompt_delete(pr, field_prev(&pr->text, at), pr->cursor);
	else if (is_code && ch == KEY_LEFT)
		pr->cursor = field_prev(&pr->text, pr->cursor);
	else if (is_code && ch == KEY_RIGHT)
		pr->cursor = field_next(&pr->text, pr->cursor);
	else if ((is_code && ch == KEY_HOME) || ch == TUI_KEY_CTRL('a'))
		pr->cursor = 0;
	else if ((is_code && ch == KEY_END) || ch == TUI_KEY_CTRL('e'))
		pr->cursor = pr->text.len;
	else if (ch == TUI_KEY_CTRL('u'))
		prompt_delete(pr, 0, pr->cursor);
	else if (ch == TUI_KEY_CTRL('w')) {
		while (at > 0 && pr->text.data[at - 1] == ' ')
			at--;
		while (at > 0 && pr->text.data[at - 1] != ' ')
			at--;
		prompt_delete(pr, at, pr->cursor);
	} else
		return 0;
	return 1;
}

int
prompt_key(struct tui *t, wint_t ch, int is_code)
{
	struct prompt *pr = t->prompt;

	if (!is_code && (ch == '\r' || ch == '\n'))
		prompt_run(t, pr);
	else if (!is_code && (ch == TUI_KEY_ESCAPE || ch == TUI_KEY_CTRL('g') ||
	    ch == TUI_KEY_CTRL('c')))
		prompt_close(t);
	else if (((is_code && ch == KEY_BACKSPACE) || ch == 0x7f) &&
	    pr->text.len == 0)
		prompt_close(t);
	else if (!is_code && ch == '\t')
		prompt_complete(t, pr);
	else if (is_code && ch == KEY_UP && pr->hist_at > 0)
		prompt_set(pr, pr->history[--pr->hist_at]);
	else if (is_code && ch == KEY_DOWN && pr->hist_at < pr->nhistory) {
		pr->hist_at++;
		prompt_set(pr, pr->hist_at < pr->nhistory ?
		    pr->history[pr->hist_at] : "");
	} else
		prompt_edit(pr, ch, is_code);
	return 1;
}
