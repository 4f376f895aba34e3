/*
 * draw.c — putting text on the screen: outside text sanitised, everything
 * clipped by terminal columns (wcwidth), and word wrapping.
 */

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui_int.h"

/* Decodes one UTF-8 character of s (valid: sanitised text); returns its length. */
static int
draw_decode(const char *s, wchar_t *wc)
{
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof st);
	n = mbrtowc(wc, s, MB_CUR_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = L'?';
		return 1;
	}
	return (int)n;
}

static int
draw_width(wchar_t wc)
{
	int w = wcwidth(wc);

	return w < 0 ? 1 : w;
}

int
tui_put_raw(struct tui *t, WINDOW *win, enum tui_role role, const char *s, int cols)
{
	cchar_t cc;
	wchar_t wc[2] = { 0, 0 };
	attr_t a = theme_attr(t->theme, role);
	int used = 0, n, w;

	if (s == NULL || win == NULL)
		return 0;
	while (*s != '\0' && used < cols) {
		n = draw_decode(s, &wc[0]);
		w = draw_width(wc[0]);
		if (used + w > cols)
			break;
		if (wc[0] == L'\n' || wc[0] == L'\t')
			wc[0] = L' ';
		setcchar(&cc, wc, a, PAIR_NUMBER(a), NULL);
		if (w == 0 && used == 0) {
			/* A combining mark with nothing to combine with. */
			s += n;
			continue;
		}
		wadd_wch(win, &cc);
		used += w;
		s += n;
	}
	return used;
}

int
tui_put(struct tui *t, WINDOW *win, enum tui_role role, const char *s, int cols)
{
	char *safe;
	int used;

	if (s == NULL)
		return 0;
	safe = text_sanitize(s, strlen(s), 0);
	used = tui_put_raw(t, win, role, safe, cols);
	free(safe);
	return used;
}

void
tui_clear_eol(struct tui *t, WINDOW *win, enum tui_role role)
{
	int y, x, maxy, maxx;

	if (win == NULL)
		return;
	getyx(win, y, x);
	getmaxyx(win, maxy, maxx);
	(void)maxy;
	wattrset(win, theme_attr(t->theme, role));
	while (x++ < maxx)
		waddch(win, ' ');
	wmove(win, y, maxx - 1 < 0 ? 0 : maxx - 1);
	wattrset(win, A_NORMAL);
}

static void
wrap_push(char ***lines, int *n, const char *start, size_t len)
{
	*lines = xreallocarray(*lines, (size_t)*n + 1, sizeof **lines);
	(*lines)[(*n)++] = xstrndup(start, len);
}

/*
 * Greedy word wrap by columns. Breaks at the last space that fits; a word
 * longer than the line is broken at the column. Newlines end a line.
 */
int
tui_wrap(const char *safe, int cols, char ***lines, int nlines)
{
	const char *line = safe, *p = safe, *brk = NULL;
	wchar_t wc;
	int used = 0, n, w;

	if (cols < 1)
		cols = 1;
	while (*p != '\0') {
		if (*p == '\n') {
			wrap_push(lines, &nlines, line, (size_t)(p - line));
			line = ++p;
			used = 0;
			brk = NULL;
			continue;
		}
		n = draw_decode(p, &wc);
		w = draw_width(wc);
		if (used + w > cols) {
			if (brk != NULL && brk > line) {
				wrap_push(lines, &nlines, line, (size_t)(brk - line));
				p = line = brk + 1;
			} else {
				wrap_push(lines, &nlines, line, (size_t)(p - line));
				line = p;
			}
			used = 0;
			brk = NULL;
			continue;
		}
		if (*p == ' ')
			brk = p;
		used += w;
		p += n;
	}
	if (p > line || nlines == 0)
		wrap_push(lines, &nlines, line, (size_t)(p - line));
	return nlines;
}
