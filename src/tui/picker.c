/*
 * picker.c — a list over the thread: search hits, templates, the keys.
 * Typing filters a filterable list (by label and detail); Enter chooses;
 * the selected item's preview shows under the list.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "tui_int.h"

struct picker {
	char *title;
	struct picker_item *items;
	int n;
	int filterable;
	picker_choose_cb choose;
	struct hbuf filter;
	int *shown;            /* indexes of the items that pass the filter */
	int nshown;
	int sel;               /* index into shown */
	int top;
	WINDOW *win;
};

/* Case-insensitive (ASCII) substring test. */
static int
picker_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++) {
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	}
	return n == 0;
}

static void
picker_refilter(struct picker *pk)
{
	const char *f = hbuf_str(&pk->filter);
	int i;

	pk->nshown = 0;
	for (i = 0; i < pk->n; i++) {
		if (*f == '\0' || picker_contains(pk->items[i].label, f) ||
		    (pk->items[i].detail != NULL &&
		    picker_contains(pk->items[i].detail, f)))
			pk->shown[pk->nshown++] = i;
	}
	if (pk->sel >= pk->nshown)
		pk->sel = pk->nshown > 0 ? pk->nshown - 1 : 0;
}

void
picker_open(struct tui *t, const char *title, struct picker_item *items,
    int nitems, int filterable, picker_choose_cb choose)
{
	struct picker *pk;
	struct pane *th = &t->panes[PANE_THREAD];

	picker_close(t);
	pk = xcalloc(1, sizeof *pk);
	pk->title = xstrdup(title);
	pk->items = items;
	pk->n = nitems;
	pk->filterable = filterable;
	pk->choose = choose;
	pk->shown = xcalloc((size_t)(nitems > 0 ? nitems : 1), sizeof *pk->shown);
	picker_refilter(pk);
	if (!t->too_small)
		pk->win = newwin(t->rows - 2, th->w, 0, th->x);
	t->picker = pk;
}

void
picker_items_free(struct picker_item *items, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(items[i].label);
		free(items[i].detail);
		free(items[i].preview);
	}
	free(items);
}

void
picker_close(struct tui *t)
{
	struct picker *pk = t->picker;

	if (pk == NULL)
		return;
	picker_items_free(pk->items, pk->n);
	free(pk->shown);
	free(pk->title);
	hbuf_free(&pk->filter);
	if (pk->win != NULL)
		delwin(pk->win);
	free(pk);
	t->picker = NULL;
	tui_dirty_all(t, PANE_DRAW);
}

int
picker_is_open(struct tui *t)
{
	return t->picker != NULL;
}

void
picker_move(struct tui *t, int delta)
{
	struct picker *pk = t->picker;
	long sel = (long)pk->sel + delta;

	if (sel < 0)
		sel = 0;
	if (sel >= pk->nshown)
		sel = pk->nshown - 1;
	pk->sel = sel < 0 ? 0 : (int)sel;
}

void
picker_choose(struct tui *t)
{
	struct picker *pk = t->picker;
	struct picker_item it;
	picker_choose_cb cb = pk->choose;

	if (pk->nshown == 0 || cb == NULL) {
		if (cb == NULL)
			picker_close(t);
		return;
	}
	/* The callback may open another picker: hand it a copy that outlives ours. */
	it = pk->items[pk->shown[pk->sel]];
	pk->items[pk->shown[pk->sel]].label = NULL;
	pk->items[pk->shown[pk->sel]].detail = NULL;
	pk->items[pk->shown[pk->sel]].preview = NULL;
	picker_close(t);
	cb(t, &it);
	free(it.label);
	free(it.detail);
	free(it.preview);
}

int
picker_key(struct tui *t, wint_t ch, int is_code)
{
	struct picker *pk = t->picker;
	char mb[MB_LEN_MAX];
	int n;

	if (!is_code && (ch == '\r' || ch == '\n')) {
		picker_choose(t);
		return 1;
	}
	if (!pk->filterable)
		return 0;
	if (!is_code && ch >= 0x20 && ch != 0x7f) {
		if ((n = wctomb(mb, (wchar_t)ch)) > 0)
			hbuf_add(&pk->filter, mb, (size_t)n);
	} else if (((is_code && ch == KEY_BACKSPACE) || ch == 0x7f || ch == 8) &&
	    pk->filter.len > 0) {
		while (pk->filter.len > 0 &&
		    (pk->filter.data[--pk->filter.len] & 0xC0) == 0x80)
			;
		pk->filter.data[pk->filter.len] = '\0';
	} else
		return 0;
	pk->sel = 0;
	picker_refilter(pk);
	return 1;
}

/* Draws a snippet whose matched terms sit between \x02 and \x03. */
static int
picker_put_snippet(struct tui *t, WINDOW *win, enum tui_role role,
    const char *s, int cols)
{
	char *safe;
	const char *end;
	int used = 0, match = 0;
	size_t n;

	while (*s != '\0' && used < cols) {
		end = s + strcspn(s, "\x02\x03");
		n = (size_t)(end - s);
		safe = text_sanitize(s, n, 0);
		used += tui_put_raw(t, win, match ? ROLE_MATCH : role, safe, cols - used);
		free(safe);
		if (*end == '\0')
			break;
		match = *end == '\x02';
		s = end + 1;
	}
	return used;
}

/* Draws a line of safe text; a template's missing ⟨variable⟩ in the warning role. */
static void
picker_put_marked(struct tui *t, WINDOW *win, const char *s, int cols)
{
	const char *open, *close;
	char *part;
	int used = 0;

	while (*s != '\0' && used < cols) {
		open = strstr(s, "⟨");
		close = open != NULL ? strstr(open, "⟩") : NULL;
		if (open == NULL || close == NULL) {
			tui_put_raw(t, win, ROLE_PICKER, s, cols - used);
			return;
		}
		part = xstrndup(s, (size_t)(open - s));
		used += tui_put_raw(t, win, ROLE_PICKER, part, cols - used);
		free(part);
		close += strlen("⟩");
		part = xstrndup(open, (size_t)(close - open));
		used += tui_put_raw(t, win, ROLE_WARN, part, cols - used);
		free(part);
		s = close;
	}
}

static void
picker_draw_preview(struct tui *t, struct picker *pk, int from, int w)
{
	const struct picker_item *it = &pk->items[pk->shown[pk->sel]];
	char *safe, **lines = NULL;
	int n, i, h = getmaxy(pk->win);

	if (it->preview == NULL || from >= h)
		return;
	wmove(pk->win, from, 0);
	whline(pk->win, ACS_HLINE, w);
	safe = text_sanitize(it->preview, strlen(it->preview), HARK_SAN_NEWLINES);
	n = tui_wrap(safe, w - 2, &lines, 0);
	for (i = 0; i < n; i++) {
		if (from + 1 + i < h) {
			wmove(pk->win, from + 1 + i, 1);
			picker_put_marked(t, pk->win, lines[i], w - 2);
		}
		free(lines[i]);
	}
	free(lines);
	free(safe);
}

void
picker_draw(struct tui *t)
{
	struct picker *pk = t->picker;
	const struct picker_item *it;
	int h, w, list_h, y, i, used;

	if (pk->win == NULL)
		return;
	getmaxyx(pk->win, h, w);
	wbkgd(pk->win, theme_attr(t->theme, ROLE_PICKER));
	werase(pk->win);
	wmove(pk->win, 0, 0);
	tui_put(t, pk->win, ROLE_TITLE_FOCUS, pk->title, w);
	y = 1;
	if (pk->filterable) {
		wmove(pk->win, y++, 0);
		tui_put_raw(t, pk->win, ROLE_PICKER, "filter: ", w);
		tui_put(t, pk->win, ROLE_PICKER, hbuf_str(&pk->filter), w - 8);
	}
	list_h = h - y;
	if (pk->nshown > 0 && pk->items[pk->shown[pk->sel]].preview != NULL)
		list_h = (h - y) / 2;
	if (pk->sel < pk->top)
		pk->top = pk->sel;
	if (pk->sel >= pk->top + list_h)
		pk->top = pk->sel - list_h + 1;
	for (i = 0; i < list_h && pk->top + i < pk->nshown; i++) {
		it = &pk->items[pk->shown[pk->top + i]];
		wmove(pk->win, y + i, 0);
		used = tui_put(t, pk->win, pk->top + i == pk->sel ?
		    ROLE_PICKER_SELECTED : ROLE_PICKER, it->label, w);
		if (it->detail != NULL && used + 3 < w) {
			tui_put_raw(t, pk->win, ROLE_PICKER, "  ", 2);
			picker_put_snippet(t, pk->win, it->warn ? ROLE_WARN :
			    ROLE_MSG_META, it->detail, w - used - 2);
		}
		if (pk->top + i == pk->sel && getcury(pk->win) == y + i)
			tui_clear_eol(t, pk->win, ROLE_PICKER_SELECTED);
	}
	if (pk->nshown == 0) {
		wmove(pk->win, y, 1);
		tui_put_raw(t, pk->win, ROLE_MSG_META, "nothing matches", w - 1);
	} else
		picker_draw_preview(t, pk, y + list_h, w);
	if (!pk->filterable)
		curs_set(0);
	wnoutrefresh(pk->win);
}
