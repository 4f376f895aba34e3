/* report_view.h — the dashboard's state, shared by pane_report.c (state,
 * commands) and report_draw.c (drawing). */
#ifndef HARK_TUI_REPORT_VIEW_H
#define HARK_TUI_REPORT_VIEW_H

#include <stdint.h>

#include "hark/report.h"

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

struct tui;
struct rv_job;

struct report_view {
	enum report_by by;
	int64_t end;            /* the window ends with the period holding end - 1 */
	struct report *r;       /* owned; NULL until the first build answers */
	int sel;                /* the selected bar (period index) */
	int channel;            /* the bars' channel, -1 for all */
	int stale;              /* messages changed: ask again before drawing */
	unsigned gen;           /* requests made; only the newest's answer is kept */
	int busy;               /* a build runs on the thread pool ... */
	int again;              /* ... and another was asked for meanwhile */
	struct rv_job *job;     /* the one running (pane_report.c) */
	int dirty;              /* draw again */
	WINDOW *win;            /* full screen but the status line */
	int rows, cols;
};

/* Draws v into its window (made or remade for the screen's size). */
void report_draw(struct tui *t, struct report_view *v);

#endif
