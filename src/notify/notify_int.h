/* notify_int.h — the notifier's pure parts (text, folding, terminal sequences)
 * and its libnotify worker, shared by src/notify/ and its unit tests. */
#ifndef HARK_NOTIFY_INT_H
#define HARK_NOTIFY_INT_H

#include <stddef.h>

#include "hark/notify.h"

struct hbuf;
typedef struct uv_loop_s uv_loop_t;

enum notify_mode {
	NOTIFY_AUTO,
	NOTIFY_LIBNOTIFY,
	NOTIFY_OSC,
	NOTIFY_BELL,
	NOTIFY_NONE
};

/* "auto", "libnotify", "osc", "bell", "none" (case-insensitive). 0 or -1. */
int notify_mode_parse(const char *s, enum notify_mode *out);
/* The name notify_mode_parse accepts; static string. */
const char *notify_mode_name(enum notify_mode m);

#define NOTIFY_SUMMARY_MAX 100 /* code points, before the ellipsis */
#define NOTIFY_BODY_MAX 200

/* A notification as shown: both strings sanitised, one line, bounded. Owned. */
struct notify_msg {
	char *summary;
	char *body; /* "" when none */
};

void notify_msg_clear(struct notify_msg *m);

/*
 * One slot of notifications not yet shown. Adding to a full slot folds: the
 * latest text wins and count grows, so a burst costs one slot, not a queue.
 * A slot of count 0 is empty; HBUF-style static init { { NULL, NULL }, 0 }.
 */
struct notify_slot {
	struct notify_msg latest;
	int count;
};

/* Sanitises summary and body (body NULL = none) and folds them into s. */
void notify_slot_add(struct notify_slot *s, const char *summary, const char *body);
/* Folds everything in src into dst (src's text is the newer) and empties src. */
void notify_slot_move(struct notify_slot *dst, struct notify_slot *src);
/* What s shows: its one notification, or "N new messages" with the latest
 * one's "summary: body" as the body. Fills a new *out; s is unchanged. */
void notify_slot_render(const struct notify_slot *s, struct notify_msg *out);
void notify_slot_clear(struct notify_slot *s);

/* ---- terminal sequences ---------------------------------------------------- */

#define NOTIFY_OSC_777 0x1  /* ESC ] 777 ; notify ; TITLE ; BODY ST */
#define NOTIFY_OSC_9 0x2    /* ESC ] 9 ; TEXT ST */
#define NOTIFY_OSC_TMUX 0x4 /* wrap each in tmux's DCS passthrough */

/*
 * Which sequences suit the terminal described by the environment (env is
 * getenv, or a fake in tests): OSC 777 for VTE, foot and urxvt, OSC 9 for
 * iTerm2, WezTerm, ghostty and ConEmu, both when unknown (a terminal ignores
 * an OSC it does not know); NOTIFY_OSC_TMUX added inside tmux.
 */
unsigned notify_osc_pick(char *(*env)(const char *name));

/* Appends the sequences for m to out. */
void notify_osc_format(struct hbuf *out, unsigned kinds, const struct notify_msg *m);

/* Appends s for use inside an OSC string: ';' becomes ',', and ESC, BEL,
 * every other C0 control, DEL and C1 controls are dropped. */
void notify_osc_clean(struct hbuf *out, const char *s);

/* s with '&', '<' and '>' as entities, for servers that read body markup.
 * Newly allocated. */
char *notify_markup_escape(const char *s);

/* ---- the libnotify worker (notify_dbus.c) ---------------------------------- */

struct notify_worker;

/*
 * Called on the loop thread when a job ends. ok 0 means it failed and error
 * says why (valid during the call).
 */
typedef void (*notify_worker_cb)(void *arg, int ok, const char *error);

/* Starts the worker thread and its uv_async on loop. NULL with cause if the
 * thread cannot be created. */
struct notify_worker *notify_worker_new(uv_loop_t *loop, notify_worker_cb cb,
    void *arg, char **cause);
/* Asks whether a notification server answers (GetServerInformation). */
void notify_worker_probe(struct notify_worker *w);
/* Shows m (copied). The worker must be idle: one job at a time. */
void notify_worker_show(struct notify_worker *w, const struct notify_msg *m);
/* True while a job is in flight (from start until its callback has run). */
int notify_worker_busy(const struct notify_worker *w);
/* Stops the worker: no callback after this, and no waiting. The thread is
 * left to finish any call in flight and free the shared state itself. */
void notify_worker_free(struct notify_worker *w);

#endif
