/*
 * thread_window.h — the stretch of one contact's thread the client holds:
 * at most TW_MAX messages (view models, oldest first), loaded TW_PAGE at a
 * time by (created_at, id) cursor, so a thread of any length costs a few
 * indexed queries and a bounded amount of memory.
 *
 * Indexes into the window (the selection, the first row shown) move with
 * it: a page put in front shifts them, a trimmed end clamps them. Messages
 * are owned by the window (tw_clear frees them).
 */
#ifndef HARK_TUI_THREAD_WINDOW_H
#define HARK_TUI_THREAD_WINDOW_H

#include <stdint.h>

struct store;
struct tv_msg;

#define TW_PAGE 100
#define TW_MAX 400

struct thread_window {
	struct store *st;         /* borrowed */
	int64_t contact_id;
	struct tv_msg *msgs;      /* oldest first */
	int n;
	int at_start, at_end;     /* nothing older / newer than the window */
	int sel;                  /* selected message, -1: none */
	int top, top_line;        /* first row shown: a message, a row of its block */
};

/* Empties the window (frees its messages); st and contact_id stay. */
void tw_clear(struct thread_window *w);
/*
 * Puts the page before the first message in front (the newest page when
 * the window is empty), trimming the newest end past TW_MAX. Returns how
 * many came (0 at the start of the thread), or -1 with *cause.
 */
int tw_load_older(struct thread_window *w, char **cause);
/* Puts up to limit messages after the last one at the end, trimming the
 * oldest end past TW_MAX. Returns how many came, or -1 with *cause. */
int tw_load_newer(struct thread_window *w, int limit, char **cause);
/* The newest page, the newest message selected. 0 or -1 with *cause. */
int tw_load_newest(struct thread_window *w, char **cause);
/* The page ending with message id and the page after, id selected.
 * 0, or -1 when id is not a message of this contact (window unchanged). */
int tw_load_around(struct thread_window *w, int64_t id, char **cause);
/*
 * Reads the same stretch again (statuses change, messages arrive): a window
 * that reached the newest message still does and grows back to where it
 * began; one in the middle keeps its first message. The selection is left
 * at -1 for the caller to find by id. 0 or -1 with *cause.
 */
int tw_reload(struct thread_window *w, char **cause);
/* Index of message id in the window, or -1. */
int tw_find(const struct thread_window *w, int64_t id);

#endif
