/*
 * tui.c — the client's life: curses and the libuv loop, keys to commands,
 * events to dirty bits, and the one place that draws (tui_redraw, a
 * uv_prepare callback that runs just before the loop polls).
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/notify.h"

#include "tui_int.h"
#include "pane_thread.h"

#define TUI_TICK_MS 250
#define TUI_MESSAGE_MS 8000

static void tui_redraw(uv_prepare_t *h);

/* ---- small shared helpers ---------------------------------------------------- */

void
pane_dirty(struct pane *p, unsigned what)
{
	p->dirty |= what;
}

void
tui_dirty_all(struct tui *t, unsigned what)
{
	int i;

	for (i = 0; i < PANE__COUNT; i++)
		t->panes[i].dirty |= what;
}

void
tui_say(struct tui *t, int error, const char *fmt, ...)
{
	va_list ap;

	free(t->message);
	va_start(ap, fmt);
	t->message = xvasprintf(fmt, ap);
	va_end(ap);
	t->message_error = error;
	t->message_at = hark_mono_ms();
	pane_dirty(&t->panes[PANE_STATUS], PANE_DRAW);
}

void
tui_focus(struct tui *t, enum pane_id id)
{
	if (id == PANE_STATUS)
		return;
	t->focus = id;
	tui_dirty_all(t, PANE_DRAW);
	if (id == PANE_THREAD && t->contact_id > 0 &&
	    store_conversation_mark_read(t->st, t->contact_id, NULL) == 0)
		pane_dirty(&t->panes[PANE_CONTACTS], PANE_RECALC);
}

void
tui_select_contact(struct tui *t, int64_t contact_id)
{
	if (contact_id == t->contact_id)
		return;
	t->contact_id = contact_id;
	t->message_id = 0;
	pane_dirty(&t->panes[PANE_THREAD], PANE_RECALC);
	pane_dirty(&t->panes[PANE_COMPOSER], PANE_RECALC);
	pane_dirty(&t->panes[PANE_CONTACTS], PANE_DRAW);
}

void
tui_select_message(struct tui *t, int64_t contact_id, int64_t message_id)
{
	tui_select_contact(t, contact_id);
	t->message_id = message_id;
	thread_show_message(t, message_id);
	pane_dirty(&t->panes[PANE_CONTACTS], PANE_RECALC | PANE_DRAW);
}

/* ---- files: keymaps and themes ------------------------------------------------- */

/*
 * Finds NAME in a directory of data files: the user's own
 * ($XDG_CONFIG_HOME/hark/DIR), the installed ones, then the ones next to the
 * binary's source tree (so `make run` works before `make install`).
 */
static char *
tui_find_file(struct tui *t, const char *dir, const char *name, const char *ext)
{
	char exe[PATH_MAX], *cfg, *p, *cand[5];
	ssize_t n;
	int i, nc = 0;

	if (strchr(name, '/') != NULL)
		return access(name, R_OK) == 0 ? xstrdup(name) : NULL;
	cfg = hark_config_dir();
	cand[nc++] = xasprintf("%s/%s/%s%s", cfg, dir, name, ext);
	free(cfg);
	if (t->data_dir != NULL)
		cand[nc++] = xasprintf("%s/%s/%s%s", t->data_dir, dir, name, ext);
	cand[nc++] = xasprintf("%s/%s/%s%s", HARK_DATADIR, dir, name, ext);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((p = strrchr(exe, '/')) != NULL)
			*p = '\0';
		/* Installed under any PREFIX, or run from the source tree. */
		cand[nc++] = xasprintf("%s/../share/hark/%s/%s%s", exe, dir, name, ext);
		cand[nc++] = xasprintf("%s/../%s/%s%s", exe, dir, name, ext);
	}
	p = NULL;
	for (i = 0; i < nc; i++) {
		if (p == NULL && access(cand[i], R_OK) == 0)
			p = cand[i];
		else
			free(cand[i]);
	}
	return p;
}

int
tui_load_theme(struct tui *t, const char *name, char **cause)
{
	struct theme *th;
	char *path;

	path = tui_find_file(t, "themes", name, ".theme");
	if (path == NULL) {
		set_cause(cause, "no theme named '%s' (looked in ~/.config/hark/themes"
		    " and %s/themes)", name, HARK_DATADIR);
		return -1;
	}
	th = theme_new();
	if (theme_load(th, path, cause) != 0) {
		theme_free(th);
		free(path);
		return -1;
	}
	free(path);
	theme_free(t->theme);
	t->theme = th;
	free(t->theme_name);
	t->theme_name = xstrdup(name);
	theme_apply(t->theme, t->mono || strcmp(name, "mono") == 0);
	tui_dirty_all(t, PANE_DRAW);
	clearok(curscr, TRUE);
	return 0;
}

static int
tui_load_keymap(struct tui *t, const char *name, char **cause)
{
	char *path, *user, *dir;

	path = tui_find_file(t, "keymaps", name, ".keys");
	if (path == NULL) {
		set_cause(cause, "no keymap named '%s' (looked in ~/.config/hark/keymaps"
		    " and %s/keymaps)", name, HARK_DATADIR);
		return -1;
	}
	t->keymap = keymap_new();
	if (keymap_load(t->keymap, path, cause) != 0) {
		free(path);
		return -1;
	}
	free(path);
	/* The user's own bindings override single defaults. */
	dir = hark_config_dir();
	user = xasprintf("%s/keys", dir);
	free(dir);
	if (access(user, R_OK) == 0 && keymap_load(t->keymap, user, cause) != 0) {
		free(user);
		return -1;
	}
	free(user);
	return 0;
}

/* ---- events ---------------------------------------------------------------------- */

static void tui_notify_inbound(struct tui *t, const struct store_event *ev);

/* A call placed from here has ended: ask how it went. */
static void
tui_call_progress(struct tui *t)
{
	struct store_message m;
	char dur[24] = "", len[16];
	struct store_call c;

	memset(&m, 0, sizeof m);
	if (store_message_get(t->st, t->call_placed, &m, NULL) != 0)
		return;
	if (hark_status_is_final(m.status) && m.status != HARK_ST_SENT) {
		if (store_call_get(t->st, m.id, &c, NULL) == 1) {
			if (c.duration_s >= 0) {
				time_format_duration(c.duration_s, len, sizeof len);
				snprintf(dur, sizeof dur, " (%s)", len);
			}
			store_call_clear(&c);
		}
		t->call_ended = t->call_placed;
		t->call_placed = 0;
		if (!prompt_is_open(t)) {
			char *hint = xasprintf("← the call ended%s: how did it go? "
			    "reached, voicemail, no-answer, wrong-number, callback; "
			    "then notes (Escape: later)", dur);

			prompt_open(t, ':', "outcome ");
			prompt_set_hint(t, hint);
			free(hint);
		}
	}
	store_message_clear(&m);
}

static void
tui_dispatch_event(struct tui *t, const struct store_event *ev)
{
	int i;

	/* The engine's own events reach us twice (directly, then from the
	 * journal): notify once, for the first sighting of an id. */
	if (ev->id == 0 || ev->id > t->last_event_id)
		tui_notify_inbound(t, ev);
	if (t->call_placed > 0 && ev->message_id == t->call_placed)
		tui_call_progress(t);
	/* What arrives in the thread you are reading is read. */
	if (strcmp(ev->kind, "message-added") == 0 && ev->contact_id == t->contact_id &&
	    (t->focus == PANE_THREAD || t->focus == PANE_COMPOSER))
		store_conversation_mark_read(t->st, t->contact_id, NULL);

	for (i = 0; i < PANE__COUNT; i++) {
		if (t->panes[i].ops->event != NULL)
			t->panes[i].ops->event(&t->panes[i], ev);
	}
	report_view_event(t, ev);
	if (ev->id > t->last_event_id)
		t->last_event_id = ev->id;
}

/*
 * A new inbound message you are not looking at raises a notification:
 * desktop, or the terminal's own when there is no D-Bus session (over SSH).
 */
static void
tui_notify_inbound(struct tui *t, const struct store_event *ev)
{
	struct store_message m;
	struct store_contact c;
	char *summary;

	if (t->notifier == NULL || ev->payload == NULL ||
	    strcmp(ev->kind, "message-added") != 0 ||
	    strcmp(ev->payload, "inbound") != 0)
		return;
	if (ev->contact_id == t->contact_id && t->focus != PANE_CONTACTS)
		return;
	memset(&m, 0, sizeof m);
	memset(&c, 0, sizeof c);
	if (store_message_get(t->st, ev->message_id, &m, NULL) != 0)
		return;
	if (store_contact_get(t->st, m.contact_id, &c, NULL) == 0) {
		summary = xasprintf("%s from %s", m.channel == HARK_CH_EMAIL ?
		    "Email" : m.channel == HARK_CH_WHATSAPP ? "WhatsApp" :
		    m.channel == HARK_CH_VOICE ? "Call" : "SMS", c.name);
		notifier_send(t->notifier, summary,
		    m.subject != NULL && m.channel == HARK_CH_EMAIL ? m.subject : m.body);
		free(summary);
		store_contact_clear(&c);
	}
	store_message_clear(&m);
}

static void
tui_engine_event(void *arg, const struct store_event *ev)
{
	tui_dispatch_event(arg, ev);
}

static void
tui_notifier_changed(void *arg)
{
	struct tui *t = arg;

	pane_dirty(&t->panes[PANE_STATUS], PANE_DRAW);
}

/* Writes the notifier's terminal sequences (OSC 777/9, bell) between updates. */
static void
tui_flush_notifications(struct tui *t)
{
	struct hbuf b = HBUF_INIT;
	size_t off = 0;
	ssize_t n;

	if (t->notifier == NULL || notifier_take_terminal(t->notifier, &b) == 0)
		return;
	while (off < b.len && (n = write(STDOUT_FILENO, b.data + off,
	    b.len - off)) > 0)
		off += (size_t)n;
	hbuf_free(&b);
}

static int
tui_journal_event(void *arg, const struct store_event *ev)
{
	tui_dispatch_event(arg, ev);
	return 0;
}

/* Catches up with what other processes (the daemon, hark send) changed. */
static void
tui_tick(uv_timer_t *h)
{
	struct tui *t = h->data;
	static int64_t last_second;
	int64_t now = hark_mono_ms();

	store_events_since(t->st, t->last_event_id, 500, tui_journal_event, t, NULL);
	if (now / 1000 != last_second) {
		/* Countdowns and relative times move on. */
		last_second = now / 1000;
		pane_dirty(&t->panes[PANE_THREAD], PANE_DRAW);
	}
	if (t->message != NULL && now - t->message_at > TUI_MESSAGE_MS &&
	    !t->message_error) {
		free(t->message);
		t->message = NULL;
		pane_dirty(&t->panes[PANE_STATUS], PANE_DRAW);
	}
}

/* ---- input ------------------------------------------------------------------------ */

static enum tui_mode
tui_current_mode(struct tui *t)
{
	if (picker_is_open(t))
		return MODE_PICKER;
	if (prompt_is_open(t))
		return MODE_PROMPT;
	if (report_view_is_open(t))
		return MODE_REPORT;
	return t->panes[t->focus].ops->mode;
}

/* Text the composer takes before any binding: a printable character. */
static int
tui_is_text(wint_t ch, int is_code)
{
	return !is_code && ch >= 0x20 && ch != 0x7f;
}

static void
tui_key(struct tui *t, wint_t ch, int is_code)
{
	enum tui_mode mode = tui_current_mode(t);
	struct pane *p = &t->panes[t->focus];
	const char *cmd;
	char name[32];
	int key = is_code && (ch & TUI_KEY_META) == 0 ? TUI_KEY_CODE | (int)ch :
	    (int)ch;

	if (is_code && ch == KEY_RESIZE) {
		tui_layout(t);
		return;
	}
	if (mode == MODE_PROMPT) {
		prompt_key(t, ch, is_code);
		return;
	}
	if (mode == MODE_COMPOSER && tui_is_text(ch, is_code) &&
	    p->ops->key(p, ch, is_code))
		return;
	/* In a list that filters, typing filters. */
	if (mode == MODE_PICKER && tui_is_text(ch, is_code) &&
	    picker_key(t, ch, is_code))
		return;
	cmd = keymap_lookup(t->keymap, mode, key);
	if (cmd != NULL) {
		tui_cmd_run(t, cmd);
		return;
	}
	if (mode == MODE_PICKER && picker_key(t, ch, is_code))
		return;
	if (mode != MODE_PICKER && p->ops->key != NULL && p->ops->key(p, ch, is_code))
		return;
	keymap_key_name(key, name, sizeof name);
	tui_say(t, 0, "%s is not bound in %s (? shows the keys)", name,
	    tui_mode_name(mode));
}

static void
tui_input(uv_poll_t *h, int status, int events)
{
	struct tui *t = h->data;
	wint_t ch, next;
	int rc, rc2;

	while ((rc = wget_wch(stdscr, &ch)) != ERR) {
		if (rc == OK && ch == TUI_KEY_ESCAPE) {
			/* ESC and a key at once is Meta-key when something is
			 * bound to it; else Escape, then the key (typed fast). */
			rc2 = wget_wch(stdscr, &next);
			if (rc2 == OK && next >= 0x20 && next != 0x7f &&
			    keymap_lookup(t->keymap, tui_current_mode(t),
			    TUI_KEY_META | (int)next) != NULL) {
				tui_key(t, (wint_t)(TUI_KEY_META | (int)next), 1);
				continue;
			}
			if (rc2 == OK && next == '\r') {
				tui_key(t, (wint_t)(TUI_KEY_META | '\r'), 1);
				continue;
			}
			tui_key(t, ch, 0);
			if (rc2 != ERR)
				tui_key(t, next, rc2 == KEY_CODE_YES);
			continue;
		}
		tui_key(t, ch, rc == KEY_CODE_YES);
		if (t->quit)
			break;
	}
	if (t->quit)
		uv_stop(h->loop);
}

static void
tui_winch(uv_signal_t *h, int signum)
{
	struct tui *t = h->data;

	tui_layout(t);
}

/* ---- curses ---------------------------------------------------------------------------- */

/*
 * libuv makes stdin non-blocking for its poll; the shell (and $EDITOR) must
 * get it back as it was, or it complains ("turning off NDELAY mode").
 */
static void
tui_stdin_restore(struct tui *t)
{
	if (t->stdin_flags != -1)
		fcntl(STDIN_FILENO, F_SETFL, t->stdin_flags);
}

void
tui_suspend_curses(struct tui *t)
{
	def_prog_mode();
	endwin();
	tui_stdin_restore(t);
}

void
tui_resume_curses(struct tui *t)
{
	if (t->stdin_flags != -1)
		fcntl(STDIN_FILENO, F_SETFL, t->stdin_flags | O_NONBLOCK);
	reset_prog_mode();
	clearok(curscr, TRUE);
	tui_layout(t);
}

static void
tui_curses_start(struct tui *t)
{
	initscr();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	t->mono = getenv("NO_COLOR") != NULL && *getenv("NO_COLOR") != '\0';
	if (!has_colors())
		t->mono = 1;
}

/* ---- the one place that draws ---------------------------------------------------------- */

static void
tui_draw_too_small(struct tui *t)
{
	const char *msg = "hark needs at least 50x12";
	char size[32];

	erase();
	snprintf(size, sizeof size, "(now %dx%d)", t->cols, t->rows);
	mvaddnstr(t->rows / 2 - (t->rows > 1), 0, msg, t->cols);
	if (t->rows > 1)
		mvaddnstr(t->rows / 2, 0, size, t->cols);
	wnoutrefresh(stdscr);
	doupdate();
}

/*
 * Draws what is dirty, once per loop turn. The borders live on stdscr, which
 * is refreshed first; every pane window is then refreshed over it (a pane
 * that is not dirty keeps its contents), the overlays last.
 */
static void
tui_redraw(uv_prepare_t *h)
{
	struct tui *t = h->data;
	struct pane *p;
	int i, any = picker_is_open(t) || prompt_is_open(t) || report_view_dirty(t);

	for (i = 0; i < PANE__COUNT; i++)
		any |= t->panes[i].dirty != 0;
	if (!any)
		return;
	if (t->too_small) {
		tui_draw_too_small(t);
		for (i = 0; i < PANE__COUNT; i++)
			t->panes[i].dirty = 0;
		return;
	}
	layout_draw_borders(t);
	for (i = 0; i < PANE__COUNT; i++) {
		p = &t->panes[i];
		if (p->win == NULL)
			continue;
		if (p->dirty & PANE_RECALC)
			p->ops->recalc(p);
		if (p->dirty)
			p->ops->draw(p);
		p->dirty = 0;
		wnoutrefresh(p->win);
	}
	if (report_view_is_open(t))
		report_view_draw(t);
	if (picker_is_open(t))
		picker_draw(t);
	if (prompt_is_open(t))
		prompt_draw(t);
	else if (t->focus == PANE_COMPOSER && !picker_is_open(t))
		composer_place_cursor(t);
	else
		curs_set(0);
	doupdate();
	tui_flush_notifications(t);
	/* make bench times launch to the first full screen with this. */
	if (t->exit_after_paint && !t->too_small) {
		t->quit = 1;
		uv_stop(t->loop);
	}
}

/* ---- start and end ----------------------------------------------------------------------- */

static int
tui_start_engine(struct tui *t, char **cause)
{
	struct engine_opts eo;

	memset(&eo, 0, sizeof eo);
	eo.loop = t->loop;
	eo.st = t->st;
	eo.cfg = t->cfg;
	eo.take_outbox = 1;
	eo.rules = 1;
	if (engine_new(&eo, &t->engine, cause) != 0)
		return -1;
	engine_subscribe(t->engine, tui_engine_event, t);
	return 0;
}

static void
tui_panes_init(struct tui *t)
{
	static const struct pane_ops *const ops[PANE__COUNT] = {
		[PANE_CONTACTS] = &pane_contacts_ops,
		[PANE_THREAD] = &pane_thread_ops,
		[PANE_COMPOSER] = &pane_composer_ops,
		[PANE_STATUS] = &pane_status_ops,
	};
	int i;

	for (i = 0; i < PANE__COUNT; i++) {
		t->panes[i].ops = ops[i];
		t->panes[i].tui = t;
		t->panes[i].ops->init(&t->panes[i]);
		t->panes[i].dirty = PANE_RECALC | PANE_DRAW;
	}
}

static void
tui_end(struct tui *t)
{
	int i;

	for (i = 0; i < PANE__COUNT; i++) {
		if (t->panes[i].ops != NULL)
			t->panes[i].ops->free(&t->panes[i]);
		if (t->panes[i].win != NULL)
			delwin(t->panes[i].win);
	}
	report_view_close(t);
	picker_close(t);
	prompt_free(t);
	endwin();
	engine_free(t->engine);
	notifier_free(t->notifier);
	if (t->handles_started) {
		uv_close((uv_handle_t *)&t->input, NULL);
		uv_close((uv_handle_t *)&t->sigwinch, NULL);
		uv_close((uv_handle_t *)&t->redraw, NULL);
		uv_close((uv_handle_t *)&t->tick, NULL);
	}
	uv_run(t->loop, UV_RUN_NOWAIT);
	tui_stdin_restore(t);
	keymap_free(t->keymap);
	theme_free(t->theme);
	free(t->theme_name);
	free(t->message);
	free(t->search);
	free(t->hits);
	contact_filter_clear(&t->filter);
}

static void
tui_handles_start(struct tui *t)
{
	t->handles_started = 1;
	uv_poll_init(t->loop, &t->input, STDIN_FILENO);
	t->input.data = t;
	uv_poll_start(&t->input, UV_READABLE, tui_input);
	uv_signal_init(t->loop, &t->sigwinch);
	t->sigwinch.data = t;
	uv_signal_start(&t->sigwinch, tui_winch, SIGWINCH);
	uv_prepare_init(t->loop, &t->redraw);
	t->redraw.data = t;
	uv_prepare_start(&t->redraw, tui_redraw);
	uv_timer_init(t->loop, &t->tick);
	t->tick.data = t;
	uv_timer_start(&t->tick, tui_tick, TUI_TICK_MS, TUI_TICK_MS);
}

int
tui_run(const struct tui_opts *o, char **cause)
{
	struct tui t;
	uv_loop_t loop;
	const char *theme;
	int rc = -1;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		set_cause(cause, "not a terminal (for text, use: hark inbox)");
		return -1;
	}
	memset(&t, 0, sizeof t);
	uv_loop_init(&loop);
	t.loop = &loop;
	t.st = o->st;
	t.cfg = o->cfg;
	t.data_dir = o->data_dir;
	t.last_event_id = store_events_last_id(t.st);
	t.exit_after_paint = getenv("HARK_EXIT_AFTER_PAINT") != NULL;
	t.stdin_flags = fcntl(STDIN_FILENO, F_GETFL);
	if (tui_load_keymap(&t, o->keymap ? o->keymap : o->cfg->keymap, cause) != 0 ||
	    tui_start_engine(&t, cause) != 0) {
		keymap_free(t.keymap);
		engine_free(t.engine);
		uv_run(&loop, UV_RUN_NOWAIT);
		uv_loop_close(&loop);
		return -1;
	}
	tui_curses_start(&t);
	theme = o->theme ? o->theme : o->cfg->theme;
	if (t.mono)
		theme = "mono";
	if (tui_load_theme(&t, theme, cause) != 0) {
		endwin();
		goto out;
	}
	if (notifier_new(&loop, o->cfg->notify, STDOUT_FILENO, &t.notifier,
	    cause) != 0) {
		endwin();
		goto out;
	}
	notifier_hold_terminal(t.notifier);
	notifier_on_change(t.notifier, tui_notifier_changed, &t);
	tui_panes_init(&t);
	tui_handles_start(&t);
	t.focus = PANE_CONTACTS;
	tui_layout(&t);
	if (!engine_owns_outbox(t.engine))
		tui_say(&t, 0, "hark daemon owns the outbox: it sends what you write");
	uv_run(&loop, UV_RUN_DEFAULT);
	rc = 0;
out:
	tui_end(&t);
	uv_loop_close(&loop);
	return rc;
}
