/*
 * pane_thread.c — the unified thread of the selected contact across SMS,
 * WhatsApp, email and calls: oldest at the top, day separators, in and out
 * told apart, a status mark on each outbound message, quoted email folded.
 *
 * Data: a window of the thread (thread_window.c: at most TW_MAX messages,
 * loaded TW_PAGE at a time by cursor) — the newest page when a contact
 * opens, older pages as the selection moves above the window, newer ones as
 * it moves below; a 10k-message thread is never loaded whole. Each message
 * caches its wrapped lines (thread_view.c), so a draw lays out only what it
 * shows.
 *
 * Scrolling: (top, top_line) is the first row shown — a message of the
 * window and a row of its block (its day separator, then its lines). Every
 * walk over blocks stops after a screenful, so its cost is what is visible.
 *
 * Events: message-added, status-changed and contact-changed for this contact
 * (or for no contact in particular) mark the pane for recalc, which reloads
 * the window and keeps the selection by id.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hark/engine.h"

#include "pane_thread.h"
#include "thread_view.h"
#include "thread_window.h"
#include "tui_int.h"

struct thread_view {
	struct thread_window w;   /* the loaded messages, selection, scroll */
	char *title;              /* "Ann Lee — SMS WA", sanitised */
	int64_t show_id;          /* bring this message into the window on recalc */
	int quotes_all;           /* quoted text shown by default */
	int64_t *flipped;         /* messages whose quotes differ from quotes_all */
	int nflipped;
	char quote_key[24], cancel_key[24], resend_key[24], compose_key[24];
};

static struct thread_view *thread_of(struct tui *t);
static void thread_init(struct pane *p);
static void thread_free(struct pane *p);
static void thread_fail(struct tui *t, char *cause);
static void thread_key_cb(void *arg, int key, const char *command, const char *note);
static void thread_key_for(struct tui *t, const char *command, char *buf,
    size_t size);
static void thread_title(struct tui *t, struct thread_view *v);
static void thread_open(struct tui *t, struct thread_view *v, int64_t want);
static void thread_refresh(struct tui *t, struct thread_view *v);
static void thread_recalc(struct pane *p);
static void thread_select(struct tui *t, struct thread_view *v, int i);
static int thread_flipped(const struct thread_view *v, int64_t id);
static int thread_has_sep(const struct thread_view *v, int i);
static int thread_block_h(struct pane *p, int i);
static void thread_scroll(struct pane *p);
static void thread_draw_day(struct pane *p, int y, const struct tv_msg *m);
static void thread_hint(const struct thread_view *v, const struct tv_msg *m,
    struct tv_piece *pc);
static int thread_is_status_role(enum tui_role r);
static void thread_draw_header(struct pane *p, const struct tv_msg *m, int x,
    int selected);
static void thread_draw_row(struct pane *p, int y, int i, int row);
static void thread_draw_note(struct pane *p, const char *text);
static void thread_draw(struct pane *p);
static void thread_event(struct pane *p, const struct store_event *ev);
static int thread_step(struct tui *t, struct thread_view *v, int delta);

static struct thread_view *
thread_of(struct tui *t)
{
	return t->panes[PANE_THREAD].data;
}

/* ---- the pane's life ---------------------------------------------------------- */

static void
thread_init(struct pane *p)
{
	struct thread_view *v = xcalloc(1, sizeof *v);

	v->w.st = p->tui->st;
	tw_clear(&v->w);
	p->data = v;
}

static void
thread_free(struct pane *p)
{
	struct thread_view *v = p->data;

	if (v == NULL)
		return;
	tw_clear(&v->w);
	free(v->title);
	free(v->flipped);
	free(v);
	p->data = NULL;
}

/* A page that could not be read: the status line says why. */
static void
thread_fail(struct tui *t, char *cause)
{
	tui_say(t, 1, "%s", cause != NULL ? cause : "cannot read the thread");
	free(cause);
}

/* ---- recalc -------------------------------------------------------------------------- */

struct key_find {
	const char *command;
	int key;
};

static void
thread_key_cb(void *arg, int key, const char *command, const char *note)
{
	struct key_find *kf = arg;

	if (kf->key == 0 && strcmp(command, kf->command) == 0)
		kf->key = key;
}

/* The name of the key that runs command (in the thread, or anywhere), or
 * ":command" when none does: what the pane's hints tell the user to press. */
static void
thread_key_for(struct tui *t, const char *command, char *buf, size_t size)
{
	static const enum tui_mode modes[] = { MODE_THREAD, MODE_GLOBAL, MODE_CONTACTS };
	struct key_find kf = { command, 0 };
	size_t i;

	for (i = 0; i < HARK_NELEM(modes) && kf.key == 0; i++)
		keymap_each(t->keymap, modes[i], thread_key_cb, &kf);
	if (kf.key != 0)
		keymap_key_name(kf.key, buf, size);
	else
		snprintf(buf, size, ":%s", command);
}

static void
thread_title(struct tui *t, struct thread_view *v)
{
	struct store_contact c;
	struct hbuf b = HBUF_INIT;
	const char *sep;
	char *route;
	unsigned ch;
	int i;

	free(v->title);
	v->title = NULL;
	memset(&c, 0, sizeof c);
	if (v->w.contact_id == 0 ||
	    store_contact_get(t->st, v->w.contact_id, &c, NULL) != 0)
		return;
	ch = c.channels;
	for (i = 0; i < c.nids; i++) {
		if (c.ids[i].kind == STORE_ID_PHONE)
			ch |= 1u << HARK_CH_SMS | 1u << HARK_CH_VOICE;
		else if (c.ids[i].kind == STORE_ID_WHATSAPP)
			ch |= 1u << HARK_CH_WHATSAPP;
		else
			ch |= 1u << HARK_CH_EMAIL;
	}
	hbuf_printf(&b, " %s", c.name);
	sep = " — ";
	for (i = 0; i < HARK_CH__COUNT; i++) {
		if (ch & (1u << i)) {
			hbuf_printf(&b, "%s%s", sep, tv_channel_tag(i));
			sep = " ";
		}
	}
	/* Their clock, quiet hours, cap and opt-outs (engine/route_prefs.c). */
	route = engine_route_summary(t->st, v->w.contact_id, hark_now_ms());
	if (*route != '\0')
		hbuf_printf(&b, " │ %s", route);
	free(route);
	v->title = text_sanitize(b.data, b.len, 0);
	hbuf_free(&b);
	store_contact_clear(&c);
}

/* Loads the window for the contact now selected (its newest page, or the
 * page of the message to show). */
static void
thread_open(struct tui *t, struct thread_view *v, int64_t want)
{
	char *cause = NULL;

	tw_clear(&v->w);
	v->w.contact_id = t->contact_id;
	v->quotes_all = 0;
	v->nflipped = 0;
	if (v->w.contact_id == 0)
		return;
	if ((want == 0 || tw_load_around(&v->w, want, NULL) != 0) &&
	    tw_load_newest(&v->w, &cause) != 0)
		thread_fail(t, cause);
}

/* Reloads the window of the same contact, keeping the first row shown. */
static void
thread_refresh(struct tui *t, struct thread_view *v)
{
	int64_t top_id = v->w.n > 0 ? v->w.msgs[v->w.top].id : 0;
	int top_line = v->w.top_line;
	char *cause = NULL;

	if (v->show_id != 0 && tw_find(&v->w, v->show_id) < 0 &&
	    tw_load_around(&v->w, v->show_id, NULL) == 0)
		return;
	if (tw_reload(&v->w, &cause) != 0)
		thread_fail(t, cause);
	v->w.top = tw_find(&v->w, top_id);
	v->w.top_line = v->w.top < 0 ? 0 : top_line;
	if (v->w.top < 0)
		v->w.top = v->w.n > 0 ? v->w.n - 1 : 0;
}

/*
 * The selection after a recalc: the message asked for (thread_show_message,
 * or t->message_id, which sends set); else where it was. A selection on the
 * newest message follows new arrivals, the way a chat stays at the bottom.
 */
static void
thread_recalc(struct pane *p)
{
	struct tui *t = p->tui;
	struct thread_view *v = p->data;
	int64_t want = v->show_id != 0 ? v->show_id : t->message_id;
	int64_t old_id = v->w.sel >= 0 && v->w.sel < v->w.n ? v->w.msgs[v->w.sel].id : 0;
	int follow = v->w.n > 0 && v->w.sel == v->w.n - 1 && v->w.at_end;
	int old_sel = v->w.sel, opened = v->w.contact_id != t->contact_id, i;

	v->w.st = t->st;
	thread_key_for(t, "toggle-quotes", v->quote_key, sizeof v->quote_key);
	thread_key_for(t, "cancel", v->cancel_key, sizeof v->cancel_key);
	thread_key_for(t, "resend", v->resend_key, sizeof v->resend_key);
	thread_key_for(t, "compose", v->compose_key, sizeof v->compose_key);
	if (opened)
		thread_open(t, v, want);
	else if (v->w.contact_id != 0)
		thread_refresh(t, v);
	thread_title(t, v);
	i = want != 0 ? tw_find(&v->w, want) : -1;
	if (!opened && follow && (want == 0 || want == old_id) && v->w.at_end)
		i = v->w.n - 1;
	else if (i < 0 && opened)
		i = v->w.n - 1;
	else if (i < 0)
		i = old_sel < v->w.n ? old_sel : v->w.n - 1;
	v->show_id = 0;
	thread_select(t, v, i);
}

/* Makes message i the selection (t->message_id follows; -1: none). */
static void
thread_select(struct tui *t, struct thread_view *v, int i)
{
	v->w.sel = i;
	t->message_id = i >= 0 && i < v->w.n ? v->w.msgs[i].id : 0;
}

/* ---- layout of the window ------------------------------------------------------------ */

static int
thread_flipped(const struct thread_view *v, int64_t id)
{
	int i;

	for (i = 0; i < v->nflipped; i++) {
		if (v->flipped[i] == id)
			return 1;
	}
	return 0;
}

static int
thread_has_sep(const struct thread_view *v, int i)
{
	return i == 0 || v->w.msgs[i].day != v->w.msgs[i - 1].day;
}

/* Rows of message i: its day separator (if any) and its lines. */
static int
thread_block_h(struct pane *p, int i)
{
	struct thread_view *v = p->data;
	struct tv_msg *m = &v->w.msgs[i];
	int open = v->quotes_all ^ thread_flipped(v, m->id);

	return thread_has_sep(v, i) + tv_msg_layout(m, p->w, open, v->quote_key);
}

/*
 * Scrolls so the selection is in view and no rows are left empty at the
 * bottom while there is more above. Each walk stops after a screenful.
 */
static void
thread_scroll(struct pane *p)
{
	struct thread_view *v = p->data;
	int rows = p->h - 1, used, i, h, gap;

	if (v->w.n == 0 || rows < 1)
		return;
	if (v->w.top < 0 || v->w.top >= v->w.n)
		v->w.top = v->w.n - 1;
	if (v->w.top_line >= thread_block_h(p, v->w.top))
		v->w.top_line = 0;
	if (v->w.sel >= 0 && (v->w.sel < v->w.top || (v->w.sel == v->w.top &&
	    v->w.top_line > thread_has_sep(v, v->w.sel)))) {
		v->w.top = v->w.sel;
		v->w.top_line = 0;
	} else if (v->w.sel > v->w.top) {
		used = thread_block_h(p, v->w.top) - v->w.top_line;
		for (i = v->w.top + 1; i <= v->w.sel && used <= rows; i++)
			used += thread_block_h(p, i);
		if (used > rows) {
			/* The selection's end goes to the bottom row. */
			h = thread_block_h(p, v->w.sel);
			v->w.top = v->w.sel;
			v->w.top_line = 0;
			if (h < rows) {
				gap = rows - h;
				while (gap > 0 && v->w.top > 0) {
					h = thread_block_h(p, v->w.top - 1);
					v->w.top--;
					v->w.top_line = h > gap ? h - gap : 0;
					gap -= h - v->w.top_line;
				}
			}
		}
	}
	/* Fill the screen down to the newest message. */
	used = thread_block_h(p, v->w.top) - v->w.top_line;
	for (i = v->w.top + 1; i < v->w.n && used < rows; i++)
		used += thread_block_h(p, i);
	for (gap = rows - used; gap > 0;) {
		if (v->w.top_line > 0) {
			h = v->w.top_line < gap ? v->w.top_line : gap;
			v->w.top_line -= h;
			gap -= h;
		} else if (v->w.top > 0) {
			v->w.top--;
			v->w.top_line = thread_block_h(p, v->w.top);
		} else
			break;
	}
}

/* ---- drawing --------------------------------------------------------------------------- */

static void
thread_draw_day(struct pane *p, int y, const struct tv_msg *m)
{
	struct tui *t = p->tui;
	char label[64], mid[80];
	int w, left, x;

	tv_day_label(m->created_at, hark_now_ms(), label, sizeof label);
	snprintf(mid, sizeof mid, " %s ", label);
	w = (int)text_width(mid);
	left = (p->w - w) / 2;
	wmove(p->win, y, 0);
	for (x = 0; x < left; x++)
		tui_put_raw(t, p->win, ROLE_DAY, "─", 1);
	x += tui_put_raw(t, p->win, ROLE_DAY, mid, p->w - x);
	for (; x < p->w; x++)
		tui_put_raw(t, p->win, ROLE_DAY, "─", 1);
}

/* A hint for the selected message: how to cancel or resend it. */
static void
thread_hint(const struct thread_view *v, const struct tv_msg *m, struct tv_piece *pc)
{
	pc->role = ROLE_MSG_META;
	pc->text[0] = '\0';
	if (m->direction != HARK_DIR_OUT)
		return;
	if (m->status == HARK_ST_SCHEDULED || m->status == HARK_ST_QUEUED)
		snprintf(pc->text, sizeof pc->text, "(%s cancels)", v->cancel_key);
	else if (m->status == HARK_ST_FAILED || m->status == HARK_ST_UNDELIVERED ||
	    m->status == HARK_ST_UNCERTAIN)
		snprintf(pc->text, sizeof pc->text, "(%s resends)", v->resend_key);
}

static int
thread_is_status_role(enum tui_role r)
{
	return r >= ROLE_ST_PENDING && r <= ROLE_ST_UNCERTAIN;
}

static void
thread_draw_header(struct pane *p, const struct tv_msg *m, int x, int selected)
{
	struct thread_view *v = p->data;
	struct tv_piece pc[TV_PIECES + 1];
	enum tui_role role;
	int n, i;

	n = tv_header(m, hark_now_ms(), pc);
	if (selected) {
		thread_hint(v, m, &pc[n]);
		if (pc[n].text[0] != '\0')
			n++;
	}
	for (i = 0; i < n && x < p->w; i++) {
		role = selected && !thread_is_status_role(pc[i].role) ?
		    ROLE_MSG_SELECTED : pc[i].role;
		if (i > 0)
			x += tui_put_raw(p->tui, p->win, selected ? ROLE_MSG_SELECTED :
			    ROLE_DEFAULT, " ", p->w - x);
		x += tui_put_raw(p->tui, p->win, role, pc[i].text, p->w - x);
	}
}

/* Row `row` of message i's block at screen line y. */
static void
thread_draw_row(struct pane *p, int y, int i, int row)
{
	struct thread_view *v = p->data;
	struct tv_msg *m = &v->w.msgs[i];
	const struct tv_line *l;
	int selected = i == v->w.sel, sep = thread_has_sep(v, i), x;

	if (sep && row == 0) {
		thread_draw_day(p, y, m);
		return;
	}
	l = &m->lines[row - sep];
	wmove(p->win, y, 0);
	for (x = 0; selected && x < l->indent && x < p->w; x++)
		tui_put_raw(p->tui, p->win, ROLE_MSG_SELECTED, " ", 1);
	wmove(p->win, y, l->indent < p->w ? l->indent : p->w - 1);
	if (l->text == NULL)
		thread_draw_header(p, m, l->indent, selected);
	else
		tui_put_raw(p->tui, p->win, selected && !thread_is_status_role(l->role) ?
		    ROLE_MSG_SELECTED : l->role, l->text, p->w - l->indent);
	if (selected)
		tui_clear_eol(p->tui, p->win, ROLE_MSG_SELECTED);
}

static void
thread_draw_note(struct pane *p, const char *text)
{
	wmove(p->win, 2 < p->h ? 2 : p->h - 1, 2);
	tui_put_raw(p->tui, p->win, ROLE_MSG_META, text, p->w - 2);
}

static void
thread_draw(struct pane *p)
{
	struct tui *t = p->tui;
	struct thread_view *v = p->data;
	char note[96];
	int y, i, row, h;

	werase(p->win);
	wmove(p->win, 0, 0);
	tui_put_raw(t, p->win, t->focus == PANE_THREAD ? ROLE_TITLE_FOCUS : ROLE_TITLE,
	    v->title != NULL ? v->title : " Thread", p->w);
	if (v->w.contact_id == 0) {
		thread_draw_note(p, "Select a contact");
		return;
	}
	if (v->w.n == 0) {
		snprintf(note, sizeof note, "No messages yet — %s to compose",
		    v->compose_key);
		thread_draw_note(p, note);
		return;
	}
	thread_scroll(p);
	row = v->w.top_line;
	for (y = 1, i = v->w.top; y < p->h && i < v->w.n; i++, row = 0) {
		h = thread_block_h(p, i);
		for (; row < h && y < p->h; row++, y++)
			thread_draw_row(p, y, i, row);
	}
}

static void
thread_event(struct pane *p, const struct store_event *ev)
{
	if (ev->contact_id == 0 || ev->contact_id == p->tui->contact_id)
		pane_dirty(p, PANE_RECALC | PANE_DRAW);
}

/* ---- commands --------------------------------------------------------------------------- */

/* Moves the selection by delta messages, loading pages past the window. */
static int
thread_step(struct tui *t, struct thread_view *v, int delta)
{
	struct thread_window *w = &v->w;
	char *cause = NULL;
	int i, before = w->sel, rc = 0;

	if (w->n == 0)
		return 0;
	if (w->sel < 0)
		w->sel = w->n - 1;
	for (;;) {
		i = w->sel + delta;
		if (i < 0 && !w->at_start && (rc = tw_load_older(w, &cause)) > 0)
			continue;
		if (i >= w->n && !w->at_end && (rc = tw_load_newer(w, TW_PAGE, &cause)) > 0)
			continue;
		break;
	}
	if (rc < 0)
		thread_fail(t, cause);
	if (i < 0)
		i = 0;
	if (i >= v->w.n)
		i = v->w.n - 1;
	thread_select(t, v, i);
	pane_dirty(&t->panes[PANE_THREAD], PANE_DRAW);
	return i != before;
}

void
thread_move(struct tui *t, int delta)
{
	thread_step(t, thread_of(t), delta);
}

void
thread_page(struct tui *t, int delta)
{
	struct pane *p = &t->panes[PANE_THREAD];
	struct thread_view *v = thread_of(t);
	int rows = p->h - 1, want, dir = delta < 0 ? -1 : 1, moved = 0;

	want = delta == 2 || delta == -2 ? rows / 2 : rows;
	if (want < 1)
		want = 1;
	while (moved < want && thread_step(t, v, dir))
		moved += thread_block_h(p, v->w.sel);
}

void
thread_edge(struct tui *t, int bottom)
{
	struct thread_view *v = thread_of(t);
	char *cause = NULL;
	int rc = 0;

	if (v->w.contact_id == 0)
		return;
	if (bottom) {
		if (!v->w.at_end)
			rc = tw_load_newest(&v->w, &cause);
		thread_select(t, v, v->w.n - 1);
	} else {
		/* Page by page back to the start: the window keeps its bound. */
		while (!v->w.at_start && (rc = tw_load_older(&v->w, &cause)) > 0)
			;
		thread_select(t, v, v->w.n > 0 ? 0 : -1);
	}
	if (rc < 0)
		thread_fail(t, cause);
	pane_dirty(&t->panes[PANE_THREAD], PANE_DRAW);
}

void
thread_toggle_quotes(struct tui *t)
{
	struct pane *p = &t->panes[PANE_THREAD];
	struct thread_view *v = thread_of(t);
	struct tv_msg *m;
	int i;

	if (v->w.sel < 0 || v->w.sel >= v->w.n)
		return;
	m = &v->w.msgs[v->w.sel];
	thread_block_h(p, v->w.sel);
	if (m->foldable) {
		for (i = 0; i < v->nflipped && v->flipped[i] != m->id; i++)
			;
		if (i < v->nflipped)
			v->flipped[i] = v->flipped[--v->nflipped];
		else {
			v->flipped = xreallocarray(v->flipped, (size_t)v->nflipped + 1,
			    sizeof *v->flipped);
			v->flipped[v->nflipped++] = m->id;
		}
	} else {
		/* Nothing to fold here: the toggle applies to every message. */
		v->quotes_all = !v->quotes_all;
		v->nflipped = 0;
		tui_say(t, 0, "quoted text %s in every email", v->quotes_all ?
		    "shown" : "folded");
	}
	pane_dirty(p, PANE_DRAW);
}

void
thread_show_message(struct tui *t, int64_t message_id)
{
	struct thread_view *v = thread_of(t);
	int i = tw_find(&v->w, message_id);

	if (message_id <= 0)
		return;
	t->message_id = message_id;
	if (i >= 0 && v->w.contact_id == t->contact_id) {
		thread_select(t, v, i);
		pane_dirty(&t->panes[PANE_THREAD], PANE_DRAW);
		return;
	}
	v->show_id = message_id;
	pane_dirty(&t->panes[PANE_THREAD], PANE_RECALC | PANE_DRAW);
}

const struct pane_ops pane_thread_ops = {
	.name = "thread",
	.mode = MODE_THREAD,
	.init = thread_init,
	.free = thread_free,
	.recalc = thread_recalc,
	.draw = thread_draw,
	.key = NULL,
	.event = thread_event,
};
