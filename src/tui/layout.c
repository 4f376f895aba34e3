/*
 * layout.c — where the panes go for a terminal size, and the lines between
 * them.
 *
 *   +-------------+----------------------------+
 *   | contacts    | thread                     |
 *   |             |                            |
 *   |             +----------------------------+
 *   |             | composer                   |
 *   +-------------+----------------------------+
 *   | status bar                               |
 *   | message / prompt line                    |
 */

#include <stdlib.h>

#include "tui_int.h"

#define MIN_COLS 50
#define MIN_ROWS 12
#define COMPOSER_ROWS 4

static void
layout_place(struct pane *p, int y, int x, int h, int w)
{
	p->y = y;
	p->x = x;
	p->h = h;
	p->w = w;
	if (p->win != NULL) {
		delwin(p->win);
		p->win = NULL;
	}
	if (h > 0 && w > 0)
		p->win = newwin(h, w, y, x);
	p->dirty = PANE_RECALC | PANE_DRAW;
}

static int
layout_contacts_width(int cols)
{
	int w = cols * 28 / 100, least = cols * 45 / 100;

	/* Room for a name next to the badge, channels and time, without
	 * starving the thread on a narrow terminal. */
	if (least > 32)
		least = 32;
	if (w < least)
		w = least;
	if (w > 40)
		w = 40;
	return w;
}

void
tui_layout(struct tui *t)
{
	int cw, main_h, comp_h, i;

	endwin();
	refresh();
	getmaxyx(stdscr, t->rows, t->cols);
	t->too_small = t->cols < MIN_COLS || t->rows < MIN_ROWS;
	erase();
	wnoutrefresh(stdscr);
	if (t->too_small) {
		for (i = 0; i < PANE__COUNT; i++) {
			if (t->panes[i].win != NULL)
				delwin(t->panes[i].win);
			t->panes[i].win = NULL;
		}
		t->panes[PANE_STATUS].dirty = PANE_DRAW;
		return;
	}
	cw = layout_contacts_width(t->cols);
	main_h = t->rows - 2;
	comp_h = COMPOSER_ROWS + 1;
	layout_place(&t->panes[PANE_CONTACTS], 0, 0, main_h, cw);
	layout_place(&t->panes[PANE_THREAD], 0, cw + 1, main_h - comp_h - 1,
	    t->cols - cw - 1);
	layout_place(&t->panes[PANE_COMPOSER], main_h - comp_h, cw + 1, comp_h,
	    t->cols - cw - 1);
	layout_place(&t->panes[PANE_STATUS], t->rows - 2, 0, 2, t->cols);
	clearok(curscr, TRUE);
}

/* The vertical line after the contacts and the line above the composer. */
void
layout_draw_borders(struct tui *t)
{
	struct pane *c = &t->panes[PANE_CONTACTS];
	struct pane *th = &t->panes[PANE_THREAD];
	attr_t a = theme_attr(t->theme, ROLE_BORDER);
	int y;

	if (t->too_small)
		return;
	attrset(a);
	for (y = 0; y < c->h; y++)
		mvaddch(y, c->w, ACS_VLINE);
	/* A picker covers the thread and composer: no line between them then. */
	if (!picker_is_open(t)) {
		mvhline(th->h, c->w + 1, ACS_HLINE, th->w);
		mvaddch(th->h, c->w, ACS_LTEE);
	} else
		mvaddch(th->h, c->w, ACS_VLINE);
	attrset(A_NORMAL);
	wnoutrefresh(stdscr);
}
