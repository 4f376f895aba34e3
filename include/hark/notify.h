/*
 * notify.h — telling the user something happened while hark is not in front:
 * a desktop notification through libnotify, or, with no D-Bus session (over
 * SSH, in a console), an OSC 777 / OSC 9 sequence or a bell for the terminal.
 *
 * Everything here runs on the caller's libuv loop thread and never blocks it.
 * libnotify's show is a synchronous D-Bus call that waits 25 s for a hung
 * notification server, so it runs on the notifier's own worker thread with at
 * most one call in flight; notifications that arrive meanwhile are folded into
 * one ("3 new messages", showing the latest) rather than queued. The worker is
 * a plain thread, not uv_queue_work, so that freeing the notifier (or quitting
 * hark) never waits for a hung call: the thread is left to finish on its own.
 *
 * Text from outside is made inert: summary and body go through text_sanitize,
 * the body is cut to its first line (about 200 characters), markup is escaped
 * for servers that read it, and terminal sequences carry no ';', ESC, BEL or
 * other control that could end them early.
 *
 * Files: src/notify/{notify,notify_text,notify_dbus}.c
 */
#ifndef HARK_NOTIFY_H
#define HARK_NOTIFY_H

#include <stddef.h>

struct hbuf;
struct notifier;
typedef struct uv_loop_s uv_loop_t;

/*
 * Creates a notifier on loop. mode is [general] notify from the config:
 *   "libnotify"  desktop notifications only (failures are remembered, not
 *                replaced by the terminal);
 *   "osc"        OSC 777 / OSC 9 to the terminal (which ones depends on
 *                $TERM and friends; wrapped for tmux passthrough under $TMUX);
 *   "bell"       a BEL to the terminal;
 *   "none"       nothing;
 *   "auto"       libnotify when a D-Bus session bus is there
 *                ($DBUS_SESSION_BUS_ADDRESS, or $XDG_RUNTIME_DIR/bus) and a
 *                notification server answers, else "osc"; a later libnotify
 *                failure also switches to "osc", for that notification and
 *                every one after it.
 * tty_fd is the terminal the OSC sequences or bell are for, -1 when there is
 * none (the terminal methods then fall back to "none"); it stays the caller's
 * and must outlive the notifier. Checking for a server in "auto" happens on
 * the worker, so this returns at once. Returns 0, or -1 with cause for an
 * unknown mode.
 */
int notifier_new(uv_loop_t *loop, const char *mode, int tty_fd,
    struct notifier **out, char **cause);

/*
 * Frees the notifier. Pending terminal output is dropped. A libnotify call in
 * flight is abandoned: its thread finishes on its own and frees what it
 * shares, and no callback runs after this returns. The notifier's uv handle is
 * closed, so the loop must run once more (uv_run UV_RUN_NOWAIT) before
 * uv_loop_close. notifier_free(NULL) is a no-op.
 */
void notifier_free(struct notifier *n);

/*
 * Announces something (summary: "SMS from Alice", body: the message). Both
 * are copied; body may be NULL. Never blocks: the desktop call runs on the
 * worker, terminal output is written only if the terminal can take it at once
 * (or is held for notifier_take_terminal). Called only on the loop thread.
 */
void notifier_send(struct notifier *n, const char *summary, const char *body);

/* The method in use now, for the status bar: "libnotify", "osc", "bell" or
 * "none". Static string. In "auto" it can change after a failure. */
const char *notifier_method(const struct notifier *n);

/* The last failure (libnotify's error, "no notification server ..."), or
 * NULL. Valid until control returns to the loop. */
const char *notifier_last_error(const struct notifier *n);

/*
 * Calls cb(arg) on the loop thread whenever something a status bar or
 * terminal owner cares about changes: terminal output became pending, or the
 * method or last error changed. cb must not free the notifier. NULL cb stops it.
 */
void notifier_on_change(struct notifier *n, void (*cb)(void *arg), void *arg);

/*
 * For a program that owns the terminal (the TUI under ncurses): from now on
 * terminal output is never written to tty_fd by the notifier but held until
 * notifier_take_terminal. Without this, output goes to tty_fd directly.
 */
void notifier_hold_terminal(struct notifier *n);

/*
 * Appends the held terminal bytes (OSC sequences or a BEL) to out and clears
 * them, so the owner can write them between ncurses updates (after
 * doupdate(), to the same terminal). Notifications held since the last take
 * are folded into one. Returns the number of bytes appended (0: nothing
 * pending). Meant to be called once per redraw.
 */
size_t notifier_take_terminal(struct notifier *n, struct hbuf *out);

#endif
