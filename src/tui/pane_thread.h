/*
 * pane_thread.h — what the rest of the client asks of the thread pane beyond
 * tui_int.h: bringing one message into view.
 */
#ifndef HARK_TUI_PANE_THREAD_H
#define HARK_TUI_PANE_THREAD_H

#include <stdint.h>

struct tui;

/*
 * Selects message_id in the thread of t->contact_id and scrolls it into view
 * on the next redraw, loading the page of the thread that holds it (the
 * window moves there; the rest of a long thread stays unloaded). Sets only
 * state and dirty bits; a message of another contact is ignored.
 */
void thread_show_message(struct tui *t, int64_t message_id);

#endif
