/*
 * pane_thread.c — the unified thread of the selected contact across SMS,
 * WhatsApp, email and calls: oldest at the top, day separators, in and out
 * told apart, a status mark on each outbound message, quoted email folded.
 *
 * Data: a window of at most THREAD_WINDOW_MAX messages of the thread (view
 * models, struct tv_msg, oldest first), loaded THREAD_PAGE at a time by
 * (created_at, id) cursor: the newest page when a contact opens, older pages
 * as the selection moves above the window, newer ones as it moves below.
 * A 10k-message thread is never loaded whole; each message caches its
 * wrapped lines (thread_view.c), so a draw lays out only what it shows.
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

#include "pane_thread.h"
#include "thread_view.h"
#include "tui_int.h"

#define THREAD_PAGE 100
#define THREAD_WINDOW_MAX 400

struct thread_view {
	int64_t contact_id;       /* whose thread the window holds; 0: none */
	char *title;              /* "Ann Lee — SMS WA", sanitised */
	struct tv_msg *msgs;      /* the window, oldest first */
	int n;
	int at_start, at_end;     /* nothing older / newer than the window */
	int sel;                  /* selected message, -1: none */
	int top, top_line;        /* first row shown */
	int64_t show_id;          /* bring this message into the window on recalc */
	int quotes_all;           /* quoted text shown by default */
	int64_t *flipped;         /* messages whose quotes differ from quotes_all */
	int nflipped;
	char quote_key[24], cancel_key[24], resend_key[24], compose_key[24];
};

/* Messages a store query hands back, collected before they join the window. */
struct thread_batch {
	struct tv_msg *m;
	int n, limit;
	int64_t after_at, after_id;   /* keep only messages after this cursor */
};

static struct thread_view *thread_of(struct tui *t);
static void thread_window_clear(struct thread_view *v);
static int thread_collect(void *arg, const struct store_message *m);
static void thread_job_fill(struct store *st, struct tv_msg *vm);
static int thread_prepend(struct tui *t, struct thread_view *v, int64_t at,
    int64_t id);
static int thread_append(struct tui *t, struct thread_view *v, int64_t at,
    int64_t id, int limit);
static int thread_load_older(struct tui *t, struct thread_view *v);
static int thread_load_newer(struct tui *t, struct thread_view *v, int limit);
static void thread_trim(struct thread_view *v, int drop_newest);
static void thread_load_newest(struct tui *t, struct thread_view *v);
static int thread_load_around(struct tui *t, struct thread_view *v, int64_t id);
static void thread_batch_fail(struct tui *t, struct thread_batch *b, char *cause);
static void thread_reload(struct tui *t, struct thread_view *v);
static int thread_find(const struct thread_view *v, int64_t id);
static int thread_block_h(struct pane *p, int i);
static void thread_scroll(struct pane *p);
static void thread_select(struct tui *t, struct thread_view *v, int i);

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

	v->sel = -1;
	p->data = v;
}

static void
thread_window_clear(struct thread_view *v)
{
	int i;

	for (i = 0; i < v->n; i++)
		tv_msg_clear(&v->msgs[i]);
	free(v->msgs);
	v->msgs = NULL;
	v->n = 0;
	v->sel = -1;
	v->top = v->top_line = 0;
	v->at_start = v->at_end = 1;
}

static void
thread_free(struct pane *p)
{
	struct thread_view *v = p->data;

	if (v == NULL)
		return;
	thread_window_clear(v);
	free(v->title);
	free(v->flipped);
	free(v);
	p->data = NULL;
}

/* ---- loading pages ------------------------------------------------------------------ */

static int
thread_collect(void *arg, const struct store_message *m)
{
	struct thread_batch *b = arg;

	if (m->created_at < b->after_at ||
	    (m->created_at == b->after_at && m->id <= b->after_id))
		return 0;
	b->m = xreallocarray(b->m, (size_t)b->n + 1, sizeof *b->m);
	tv_msg_init(&b->m[b->n++], m, NULL, 0);
	return b->n >= b->limit;
}

/* What only the outbox knows: when a scheduled message goes, why a send
 * failed when the provider gave no text. */
static void
thread_job_fill(struct store *st, struct tv_msg *vm)
{
	struct store_job j;
	int need_at, need_why;

	need_at = vm->status == HARK_ST_SCHEDULED && vm->run_at == 0;
	need_why = (vm->status == HARK_ST_FAILED || vm->status == HARK_ST_UNDELIVERED ||
	    vm->status == HARK_ST_UNCERTAIN) && vm->error == NULL;
	if (vm->direction != HARK_DIR_OUT || (!need_at && !need_why))
		return;
	memset(&j, 0, sizeof j);
	if (store_job_get_by_message(st, vm->id, &j, NULL) != 0)
		return;
	if (need_at)
		vm->run_at = j.run_at;
	if (need_why && j.last_error != NULL && *j.last_error != '\0')
		vm->error = text_sanitize(j.last_error, strlen(j.last_error), 0);
	store_job_clear(&j);
}

static void
thread_batch_fail(struct tui *t, struct thread_batch *b, char *cause)
{
	int i;

	tui_say(t, 1, "%s", cause != NULL ? cause : "cannot read the thread");
	free(cause);
	for (i = 0; i < b->n; i++)
		tv_msg_clear(&b->m[i]);
	free(b->m);
	b->m = NULL;
	b->n = 0;
}

/* Puts the page before the cursor (at, id) in front of the window (which
 * must begin after it). Returns how many came. */
static int
thread_prepend(struct tui *t, struct thread_view *v, int64_t at, int64_t id)
{
	struct thread_batch b = { NULL, 0, THREAD_PAGE, INT64_MIN, INT64_MIN };
	char *cause = NULL;
	int i;

	if (store_messages_page(t->st, v->contact_id, at, id, THREAD_PAGE,
	    thread_collect, &b, &cause) != 0)
		thread_batch_fail(t, &b, cause);
	v->at_start = b.n < THREAD_PAGE;
	if (b.n == 0)
		return 0;
	for (i = 0; i < b.n; i++)
		thread_job_fill(t->st, &b.m[i]);
	b.m = xreallocarray(b.m, (size_t)(b.n + v->n), sizeof *b.m);
	if (v->n > 0)
		memcpy(b.m + b.n, v->msgs, (size_t)v->n * sizeof *b.m);
	free(v->msgs);
	v->msgs = b.m;
	v->n += b.n;
	if (v->sel >= 0)
		v->sel += b.n;
	v->top += b.n;
	thread_trim(v, 1);
	return b.n;
}

/* Puts up to limit messages after the cursor (at, id) at the end of the
 * window (which must end before it). */
static int
thread_append(struct tui *t, struct thread_view *v, int64_t at, int64_t id, int limit)
{
	struct thread_batch b = { NULL, 0, limit, at, id };
	struct store_filter f;
	char *cause = NULL;
	int i;

	memset(&f, 0, sizeof f);
	f.contact_id = v->contact_id;
	f.since = at > 0 ? at : 0;
	if (store_messages_each(t->st, &f, thread_collect, &b, &cause) != 0)
		thread_batch_fail(t, &b, cause);
	v->at_end = b.n < limit;
	if (b.n == 0)
		return 0;
	for (i = 0; i < b.n; i++)
		thread_job_fill(t->st, &b.m[i]);
	v->msgs = xreallocarray(v->msgs, (size_t)(v->n + b.n), sizeof *v->msgs);
	memcpy(v->msgs + v->n, b.m, (size_t)b.n * sizeof *b.m);
	free(b.m);
	v->n += b.n;
	thread_trim(v, 0);
	return b.n;
}

/* The page before the window's first message (the newest page when empty). */
static int
thread_load_older(struct tui *t, struct thread_view *v)
{
	if (v->n == 0)
		return thread_prepend(t, v, INT64_MAX, INT64_MAX);
	return thread_prepend(t, v, v->msgs[0].created_at, v->msgs[0].id);
}

static int
thread_load_newer(struct tui *t, struct thread_view *v, int limit)
{
	if (v->n == 0)
		return thread_append(t, v, INT64_MIN, INT64_MIN, limit);
	return thread_append(t, v, v->msgs[v->n - 1].created_at, v->msgs[v->n - 1].id,
	    limit);
}

/* Keeps the window at most THREAD_WINDOW_MAX messages, dropping the end
 * away from where the user is going. */
static void
thread_trim(struct thread_view *v, int drop_newest)
{
	int k = v->n - THREAD_WINDOW_MAX, i;

	if (k <= 0)
		return;
	if (drop_newest) {
		for (i = v->n - k; i < v->n; i++)
			tv_msg_clear(&v->msgs[i]);
		v->at_end = 0;
	} else {
		for (i = 0; i < k; i++)
			tv_msg_clear(&v->msgs[i]);
		memmove(v->msgs, v->msgs + k, (size_t)(v->n - k) * sizeof *v->msgs);
		v->at_start = 0;
		v->sel -= k;
		v->top -= k;
	}
	v->n -= k;
	if (v->sel >= v->n)
		v->sel = v->n - 1;
	if (v->top < 0 || v->top >= v->n) {
		v->top = v->top < 0 ? 0 : v->n - 1;
		v->top_line = 0;
	}
}

static void
thread_load_newest(struct tui *t, struct thread_view *v)
{
	thread_window_clear(v);
	thread_load_older(t, v);
	v->at_end = 1;
	v->sel = v->n - 1;
	v->top = v->n > 0 ? v->n - 1 : 0;
}

/* Moves the window to the message id: the page ending with it, then the
 * page after. Returns 0, or -1 when it is not in this thread. */
static int
thread_load_around(struct tui *t, struct thread_view *v, int64_t id)
{
	struct store_message m;
	int rc = -1;

	memset(&m, 0, sizeof m);
	if (id <= 0 || store_message_get(t->st, id, &m, NULL) != 0)
		return -1;
	if (m.contact_id == v->contact_id) {
		thread_window_clear(v);
		thread_prepend(t, v, m.created_at, m.id + 1);
		thread_load_newer(t, v, THREAD_PAGE);
		v->sel = thread_find(v, id);
		v->top = v->sel < 0 ? 0 : v->sel;
		rc = 0;
	}
	store_message_clear(&m);
	return rc;
}

/*
 * Reads the same stretch of the thread again (statuses change, messages
 * arrive). A window that reached the newest message still does, and grows
 * back to where it began; one in the middle keeps its first message.
 */
static void
thread_reload(struct tui *t, struct thread_view *v)
{
	int64_t first_at = INT64_MIN, first_id = INT64_MIN;
	int old_n = v->n, was_end = v->at_end, was_start = v->at_start;

	if (v->n > 0 && !was_start) {
		first_at = v->msgs[0].created_at;
		first_id = v->msgs[0].id;
	}
	thread_window_clear(v);
	if (old_n == 0 || was_end) {
		thread_load_older(t, v);
		v->at_end = 1;
		while (!v->at_start && v->n > 0 && v->n < THREAD_WINDOW_MAX &&
		    (v->msgs[0].created_at > first_at ||
		    (v->msgs[0].created_at == first_at && v->msgs[0].id > first_id)))
			thread_load_older(t, v);
		return;
	}
	thread_append(t, v, first_at, first_id - (first_id > INT64_MIN), old_n);
	v->at_start = was_start;
}

static int
thread_find(const struct thread_view *v, int64_t id)
{
	int i;

	for (i = v->n - 1; i >= 0; i--) {
		if (v->msgs[i].id == id)
			return i;
	}
	return -1;
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
	unsigned ch;
	int i;

	free(v->title);
	v->title = NULL;
	memset(&c, 0, sizeof c);
	if (v->contact_id == 0 ||
	    store_contact_get(t->st, v->contact_id, &c, NULL) != 0)
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
	v->title = text_sanitize(b.data, b.len, 0);
	hbuf_free(&b);
	store_contact_clear(&c);
}

/* Loads the window for the contact now selected (its newest page, or the
 * page of the message to show). */
static void
thread_open(struct tui *t, struct thread_view *v, int64_t want)
{
	thread_window_clear(v);
	v->contact_id = t->contact_id;
	v->quotes_all = 0;
	v->nflipped = 0;
	if (v->contact_id == 0)
		return;
	if (want == 0 || thread_load_around(t, v, want) != 0)
		thread_load_newest(t, v);
}

/* Reloads the window of the same contact, keeping the first row shown. */
static void
thread_refresh(struct tui *t, struct thread_view *v)
{
	int64_t top_id = v->n > 0 ? v->msgs[v->top].id : 0;
	int top_line = v->top_line;

	if (v->show_id != 0 && thread_find(v, v->show_id) < 0 &&
	    thread_load_around(t, v, v->show_id) == 0)
		return;
	thread_reload(t, v);
	v->top = thread_find(v, top_id);
	v->top_line = v->top < 0 ? 0 : top_line;
	if (v->top < 0)
		v->top = v->n > 0 ? v->n - 1 : 0;
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
	int64_t old_id = v->sel >= 0 && v->sel < v->n ? v->msgs[v->sel].id : 0;
	int follow = v->n > 0 && v->sel == v->n - 1 && v->at_end;
	int old_sel = v->sel, opened = v->contact_id != t->contact_id, i;

	thread_key_for(t, "toggle-quotes", v->quote_key, sizeof v->quote_key);
	thread_key_for(t, "cancel", v->cancel_key, sizeof v->cancel_key);
	thread_key_for(t, "resend", v->resend_key, sizeof v->resend_key);
	thread_key_for(t, "compose", v->compose_key, sizeof v->compose_key);
	if (opened)
		thread_open(t, v, want);
	else if (v->contact_id != 0)
		thread_refresh(t, v);
	thread_title(t, v);
	i = want != 0 ? thread_find(v, want) : -1;
	if (!opened && follow && (want == 0 || want == old_id) && v->at_end)
		i = v->n - 1;
	else if (i < 0 && opened)
		i = v->n - 1;
	else if (i < 0)
		i = old_sel < v->n ? old_sel : v->n - 1;
	v->show_id = 0;
	thread_select(t, v, i);
}

/* Makes message i the selection (t->message_id follows; -1: none). */
static void
thread_select(struct tui *t, struct thread_view *v, int i)
{
	v->sel = i;
	t->message_id = i >= 0 && i < v->n ? v->msgs[i].id : 0;
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
	return i == 0 || v->msgs[i].day != v->msgs[i - 1].day;
}

/* Rows of message i: its day separator (if any) and its lines. */
static int
thread_block_h(struct pane *p, int i)
{
	struct thread_view *v = p->data;
	struct tv_msg *m = &v->msgs[i];
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

	if (v->n == 0 || rows < 1)
		return;
	if (v->top < 0 || v->top >= v->n)
		v->top = v->n - 1;
	if (v->top_line >= thread_block_h(p, v->top))
		v->top_line = 0;
	if (v->sel >= 0 && (v->sel < v->top || (v->sel == v->top &&
	    v->top_line > thread_has_sep(v, v->sel)))) {
		v->top = v->sel;
		v->top_line = 0;
	} else if (v->sel > v->top) {
		used = thread_block_h(p, v->top) - v->top_line;
		for (i = v->top + 1; i <= v->sel && used <= rows; i++)
			used += thread_block_h(p, i);
		if (used > rows) {
			/* The selection's end goes to the bottom row. */
			h = thread_block_h(p, v->sel);
			v->top = v->sel;
			v->top_line = 0;
			if (h < rows) {
				gap = rows - h;
				while (gap > 0 && v->top > 0) {
					h = thread_block_h(p, v->top - 1);
					v->top--;
					v->top_line = h > gap ? h - gap : 0;
					gap -= h - v->top_line;
				}
			}
		}
	}
	/* Fill the screen down to the newest message. */
	used = thread_block_h(p, v->top) - v->top_line;
	for (i = v->top + 1; i < v->n && used < rows; i++)
		used += thread_block_h(p, i);
	for (gap = rows - used; gap > 0;) {
		if (v->top_line > 0) {
			h = v->top_line < gap ? v->top_line : gap;
			v->top_line -= h;
			gap -= h;
		} else if (v->top > 0) {
			v->top--;
			v->top_line = thread_block_h(p, v->top);
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
	struct tv_msg *m = &v->msgs[i];
	const struct tv_line *l;
	int selected = i == v->sel, sep = thread_has_sep(v, i), x;

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
	if (v->contact_id == 0) {
		thread_draw_note(p, "Select a contact");
		return;
	}
	if (v->n == 0) {
		snprintf(note, sizeof note, "No messages yet — %s to compose",
		    v->compose_key);
		thread_draw_note(p, note);
		return;
	}
	thread_scroll(p);
	row = v->top_line;
	for (y = 1, i = v->top; y < p->h && i < v->n; i++, row = 0) {
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
	int i, before = v->sel;

	if (v->n == 0)
		return 0;
	if (v->sel < 0)
		v->sel = v->n - 1;
	for (;;) {
		i = v->sel + delta;
		if (i < 0 && !v->at_start && thread_load_older(t, v) > 0)
			continue;
		if (i >= v->n && !v->at_end && thread_load_newer(t, v, THREAD_PAGE) > 0)
			continue;
		break;
	}
	if (i < 0)
		i = 0;
	if (i >= v->n)
		i = v->n - 1;
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
		moved += thread_block_h(p, v->sel);
}

void
thread_edge(struct tui *t, int bottom)
{
	struct thread_view *v = thread_of(t);

	if (v->contact_id == 0)
		return;
	if (bottom) {
		if (!v->at_end)
			thread_load_newest(t, v);
		thread_select(t, v, v->n - 1);
	} else {
		while (!v->at_start && thread_load_older(t, v) > 0)
			;
		thread_select(t, v, v->n > 0 ? 0 : -1);
	}
	pane_dirty(&t->panes[PANE_THREAD], PANE_DRAW);
}

void
thread_toggle_quotes(struct tui *t)
{
	struct pane *p = &t->panes[PANE_THREAD];
	struct thread_view *v = thread_of(t);
	struct tv_msg *m;
	int i;

	if (v->sel < 0 || v->sel >= v->n)
		return;
	m = &v->msgs[v->sel];
	thread_block_h(p, v->sel);
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
	int i = thread_find(v, message_id);

	if (message_id <= 0)
		return;
	t->message_id = message_id;
	if (i >= 0 && v->contact_id == t->contact_id) {
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
