/* notify.c — the notifier: picks a method, routes each notification to the
 * libnotify worker or the terminal, folds bursts, and falls back on failure. */

/*
 * A notification passes through at most three slots, each of which folds
 * what arrives while it is occupied (notify_slot_add / notify_slot_move):
 *
 *   send ─▶ waiting ─▶ inflight (the worker shows it) ─▶ done
 *                          │ fails in "auto"
 *   send ─────────────────────────▶ term ─▶ tty_fd, or notifier_take_terminal
 *
 * so however fast messages arrive, hark holds at most three notifications and
 * one thread. Everything here runs on the loop thread.
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hark/core.h"
#include "notify_int.h"

struct notifier {
	enum notify_mode mode;     /* as configured */
	enum notify_mode method;   /* in use: LIBNOTIFY, OSC, BELL or NONE */
	enum notify_mode fallback; /* OSC with a terminal, else NONE */
	int tty_fd;
	unsigned osc;              /* NOTIFY_OSC_* for this terminal */
	int hold;                  /* the terminal's owner takes the output */
	struct notify_worker *worker;
	struct notify_slot waiting;  /* for the worker, while it is busy */
	struct notify_slot inflight; /* what the worker is showing */
	struct notify_slot term;     /* terminal output not yet written or taken */
	char *last_error;
	void (*change_cb)(void *);
	void *change_arg;
};

static int notifier_bus_available(void);
static void notifier_start_worker(struct notifier *n, uv_loop_t *loop, int probe);
static void notifier_dispatch(struct notifier *n);
static void notifier_worker_done(void *arg, int ok, const char *error);
static void notifier_set_error(struct notifier *n, const char *error);
static void notifier_changed(struct notifier *n);
static void notifier_term_ready(struct notifier *n);
static void notifier_term_write(struct notifier *n);

int
notifier_new(uv_loop_t *loop, const char *mode, int tty_fd,
    struct notifier **out, char **cause)
{
	struct notifier *n;
	enum notify_mode m;

	if (notify_mode_parse(mode, &m) != 0) {
		set_cause(cause, "unknown notify method '%s' (auto, libnotify, "
		    "osc, bell or none)", mode != NULL ? mode : "");
		return -1;
	}
	n = xcalloc(1, sizeof *n);
	n->mode = m;
	n->tty_fd = tty_fd;
	n->fallback = tty_fd >= 0 ? NOTIFY_OSC : NOTIFY_NONE;
	n->osc = notify_osc_pick(getenv);
	switch (m) {
	case NOTIFY_AUTO:
		if (notifier_bus_available())
			notifier_start_worker(n, loop, 1);
		else
			n->method = n->fallback;
		break;
	case NOTIFY_LIBNOTIFY:
		notifier_start_worker(n, loop, 0);
		break;
	case NOTIFY_OSC:
	case NOTIFY_BELL:
		n->method = tty_fd >= 0 ? m : NOTIFY_NONE;
		if (tty_fd < 0)
			notifier_set_error(n, "no terminal to notify on");
		break;
	case NOTIFY_NONE:
		n->method = NOTIFY_NONE;
		break;
	}
	*out = n;
	return 0;
}

void
notifier_free(struct notifier *n)
{
	if (n == NULL)
		return;
	notify_worker_free(n->worker);
	notify_slot_clear(&n->waiting);
	notify_slot_clear(&n->inflight);
	notify_slot_clear(&n->term);
	free(n->last_error);
	free(n);
}

/* A session bus to talk to: without one libnotify would fail, or worse,
 * try to autolaunch a bus when $DISPLAY is set. */
static int
notifier_bus_available(void)
{
	const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *run = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	char *path;
	int ok;

	if (addr != NULL && *addr != '\0')
		return 1;
	if (run == NULL || *run == '\0')
		return 0;
	path = xasprintf("%s/bus", run);
	ok = stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
	free(path);
	return ok;
}

static void
notifier_start_worker(struct notifier *n, uv_loop_t *loop, int probe)
{
	char *cause = NULL;

	n->worker = notify_worker_new(loop, notifier_worker_done, n, &cause);
	if (n->worker == NULL) {
		notifier_set_error(n, cause);
		free(cause);
		n->method = n->mode == NOTIFY_AUTO ? n->fallback : NOTIFY_NONE;
		return;
	}
	n->method = NOTIFY_LIBNOTIFY;
	if (probe)
		notify_worker_probe(n->worker);
}

void
notifier_send(struct notifier *n, const char *summary, const char *body)
{
	switch (n->method) {
	case NOTIFY_LIBNOTIFY:
		notify_slot_add(&n->waiting, summary, body);
		notifier_dispatch(n);
		break;
	case NOTIFY_OSC:
	case NOTIFY_BELL:
		notify_slot_add(&n->term, summary, body);
		notifier_term_ready(n);
		break;
	default:
		break;
	}
}

/* Moves what waits on to where the current method sends it. */
static void
notifier_dispatch(struct notifier *n)
{
	struct notify_msg m;

	if (n->waiting.count == 0)
		return;
	switch (n->method) {
	case NOTIFY_LIBNOTIFY:
		if (notify_worker_busy(n->worker))
			return; /* folds until the call in flight ends */
		notify_slot_move(&n->inflight, &n->waiting);
		notify_slot_render(&n->inflight, &m);
		notify_worker_show(n->worker, &m);
		notify_msg_clear(&m);
		break;
	case NOTIFY_OSC:
	case NOTIFY_BELL:
		notify_slot_move(&n->term, &n->waiting);
		notifier_term_ready(n);
		break;
	default:
		notify_slot_clear(&n->waiting);
		break;
	}
}

/* The worker finished a probe or a show. */
static void
notifier_worker_done(void *arg, int ok, const char *error)
{
	struct notifier *n = arg;

	if (ok) {
		notify_slot_clear(&n->inflight);
		if (n->last_error != NULL)
			notifier_set_error(n, NULL);
	} else {
		notifier_set_error(n, error);
		if (n->mode == NOTIFY_AUTO) {
			/* That one and every later one go to the terminal. */
			n->method = n->fallback;
			if (n->method != NOTIFY_NONE) {
				notify_slot_move(&n->term, &n->inflight);
				notifier_term_ready(n);
			}
		}
		notify_slot_clear(&n->inflight);
	}
	notifier_dispatch(n);
}

static void
notifier_set_error(struct notifier *n, const char *error)
{
	free(n->last_error);
	n->last_error = xstrdup(error);
	notifier_changed(n);
}

static void
notifier_changed(struct notifier *n)
{
	if (n->change_cb != NULL)
		n->change_cb(n->change_arg);
}

const char *
notifier_method(const struct notifier *n)
{
	return notify_mode_name(n->method);
}

const char *
notifier_last_error(const struct notifier *n)
{
	return n->last_error;
}

void
notifier_on_change(struct notifier *n, void (*cb)(void *arg), void *arg)
{
	n->change_cb = cb;
	n->change_arg = cb != NULL ? arg : NULL;
}

/* ---- the terminal ----------------------------------------------------------------- */

void
notifier_hold_terminal(struct notifier *n)
{
	n->hold = 1;
}

static void
notifier_term_ready(struct notifier *n)
{
	if (n->term.count == 0)
		return;
	if (n->hold)
		notifier_changed(n);
	else
		notifier_term_write(n);
}

size_t
notifier_take_terminal(struct notifier *n, struct hbuf *out)
{
	struct notify_msg m;
	size_t before = out->len;

	if (n->term.count == 0)
		return 0;
	if (n->method == NOTIFY_BELL) {
		hbuf_addc(out, '\a');
	} else {
		notify_slot_render(&n->term, &m);
		notify_osc_format(out, n->osc, &m);
		notify_msg_clear(&m);
	}
	notify_slot_clear(&n->term);
	return out->len - before;
}

/*
 * Writes to a terminal nobody else draws on (hark daemon in a terminal).
 * Only when it takes output at once: a terminal stopped with ^S keeps the
 * notification folded for the next try rather than blocking the loop. A
 * sequence this short fits whole once poll says there is room.
 */
static void
notifier_term_write(struct notifier *n)
{
	struct pollfd pfd = { .fd = n->tty_fd, .events = POLLOUT };
	struct hbuf b = HBUF_INIT;
	size_t off = 0;
	ssize_t w;

	if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLOUT))
		return;
	notifier_take_terminal(n, &b);
	while (off < b.len) {
		w = write(n->tty_fd, b.data + off, b.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* a notification is not worth retrying */
		off += (size_t)w;
	}
	hbuf_free(&b);
}
