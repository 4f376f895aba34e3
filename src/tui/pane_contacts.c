/*
 * pane_contacts.c — the contact list: unread count, name, channels present,
 * last activity, conversation state; most recent activity first, filtered
 * by t->filter. Data: a view model of rows rebuilt on recalc from
 * store_contacts_each. Events: any message or contact change recalculates.
 */

#include <stdlib.h>
#include <string.h>

#include "tui_int.h"

struct contact_row {
	int64_t id;
	char *name;            /* sanitised */
	int unread;
	unsigned channels;
	int64_t last_activity;
	char state;            /* ' ' open, 'z' snoozed, 'd' done */
};

/* Rows loaded at first; more as the selection nears the end. */
#define CONTACTS_CHUNK 200

struct contacts_view {
	struct contact_row *rows;
	int n;
	int limit;             /* how many rows to load; 0: all */
	int more;              /* the store may have more than n */
	int sel;               /* index of t->contact_id, -1 when not listed */
	int top;               /* first row shown */
	int64_t *with_status;  /* contacts with a message in filter.msg_status */
	int nwith;
};

static void
view_clear(struct contacts_view *v)
{
	int i;

	for (i = 0; i < v->n; i++)
		free(v->rows[i].name);
	free(v->rows);
	v->rows = NULL;
	v->n = 0;
	free(v->with_status);
	v->with_status = NULL;
	v->nwith = 0;
}

static void
contacts_init(struct pane *p)
{
	struct contacts_view *v = xcalloc(1, sizeof *v);

	v->sel = -1;
	p->data = v;
}

static void
contacts_free(struct pane *p)
{
	view_clear(p->data);
	free(p->data);
	p->data = NULL;
}

struct fill {
	struct tui *t;
	struct contacts_view *v;
	int64_t now;
};

static int
contacts_has_status(const struct contacts_view *v, int64_t id)
{
	int i;

	for (i = 0; i < v->nwith; i++) {
		if (v->with_status[i] == id)
			return 1;
	}
	return 0;
}

static int
contacts_add(void *arg, const struct store_contact *c)
{
	struct fill *f = arg;
	struct contacts_view *v = f->v;
	struct contact_row *r;

	if (!contact_filter_match(&f->t->filter, c))
		return 0;
	if (f->t->filter.msg_status != NULL && !contacts_has_status(v, c->id))
		return 0;
	v->rows = xreallocarray(v->rows, (size_t)v->n + 1, sizeof *v->rows);
	r = &v->rows[v->n++];
	r->id = c->id;
	r->name = text_sanitize(c->name, strlen(c->name), 0);
	r->unread = c->unread;
	r->channels = c->channels;
	r->last_activity = c->last_activity;
	r->state = ' ';
	if (c->conv_status != NULL && strcmp(c->conv_status, "done") == 0)
		r->state = 'd';
	else if (c->conv_status != NULL && strcmp(c->conv_status, "snoozed") == 0 &&
	    c->snooze_until > f->now)
		r->state = 'z';
	return 0;
}

static void
contacts_find_sel(struct tui *t, struct contacts_view *v)
{
	int i;

	v->sel = -1;
	for (i = 0; i < v->n; i++) {
		if (v->rows[i].id == t->contact_id)
			v->sel = i;
	}
}

static void
contacts_recalc(struct pane *p)
{
	struct tui *t = p->tui;
	struct contacts_view *v = p->data;
	struct fill f;
	char *cause = NULL;

	view_clear(v);
	if (t->filter.msg_status != NULL &&
	    store_contact_ids_with_status(t->st, t->filter.msg_status,
	    &v->with_status, &v->nwith, &cause) != 0) {
		tui_say(t, 1, "%s", cause);
		free(cause);
		cause = NULL;
	}
	f.t = t;
	f.v = v;
	f.now = hark_now_ms();
	/* A filter looks at every contact; the plain list only at what shows. */
	if (contact_filter_active(&t->filter))
		v->limit = 0;
	else if (v->limit == 0 || v->limit < CONTACTS_CHUNK)
		v->limit = CONTACTS_CHUNK;
	if (store_contacts_list(t->st, v->limit, contacts_add, &f, &cause) != 0) {
		tui_say(t, 1, "%s", cause);
		free(cause);
	}
	v->more = v->limit > 0 && v->n >= v->limit;
	contacts_find_sel(t, v);
	if (v->sel < 0 && v->n > 0 && t->contact_id == 0)
		tui_select_contact(t, v->rows[0].id);
	contacts_find_sel(t, v);
}

static void
contacts_draw_row(struct pane *p, const struct contact_row *r, int y, int selected)
{
	struct tui *t = p->tui;
	enum tui_role role = selected ? ROLE_CONTACT_SELECTED :
	    r->unread > 0 ? ROLE_CONTACT_UNREAD : ROLE_CONTACT;
	enum tui_role meta = selected ? ROLE_CONTACT_SELECTED : ROLE_CONTACT_META;
	char badge[8], chans[HARK_CH__COUNT + 1], when[16], tail[40];
	int i, namew, n = 0;

	if (r->unread > 99)
		strcpy(badge, "99+");
	else if (r->unread > 0)
		snprintf(badge, sizeof badge, "%3d", r->unread);
	else
		strcpy(badge, "   ");
	for (i = 0; i < HARK_CH__COUNT; i++)
		chans[n++] = (r->channels & (1u << i)) ? hark_channel_letter(i) : ' ';
	chans[n] = '\0';
	if (r->last_activity > 0)
		time_format_relative(r->last_activity, hark_now_ms(), when, sizeof when);
	else
		strcpy(when, "");
	snprintf(tail, sizeof tail, " %s %6s %c", chans, when, r->state);
	wmove(p->win, y, 0);
	tui_put_raw(t, p->win, role, badge, 3);
	tui_put_raw(t, p->win, role, " ", 1);
	namew = p->w - 4 - (int)strlen(tail);
	i = tui_put_raw(t, p->win, role, r->name, namew > 0 ? namew : 0);
	for (; i < namew; i++)
		tui_put_raw(t, p->win, role, " ", 1);
	tui_put_raw(t, p->win, meta, tail, p->w - 4 - (namew > 0 ? namew : 0));
	/* A row that filled the width left the cursor on the next row. */
	if (getcury(p->win) == y)
		tui_clear_eol(t, p->win, role);
}

static void
contacts_draw(struct pane *p)
{
	struct tui *t = p->tui;
	struct contacts_view *v = p->data;
	char title[64];
	int rows = p->h - 1, i;

	werase(p->win);
	snprintf(title, sizeof title, " Contacts (%d)%s", v->n,
	    t->filter.text ? " · filtered" : "");
	wmove(p->win, 0, 0);
	tui_put_raw(t, p->win, t->focus == PANE_CONTACTS ? ROLE_TITLE_FOCUS :
	    ROLE_TITLE, title, p->w);
	if (v->n == 0) {
		wmove(p->win, 2, 1);
		tui_put_raw(t, p->win, ROLE_CONTACT_META, t->filter.text ?
		    "No contact matches the filter." : "No contacts yet.", p->w - 1);
		return;
	}
	if (v->sel >= 0 && v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + rows)
		v->top = v->sel - rows + 1;
	if (v->top > v->n - rows)
		v->top = v->n - rows > 0 ? v->n - rows : 0;
	for (i = 0; i < rows && v->top + i < v->n; i++)
		contacts_draw_row(p, &v->rows[v->top + i], i + 1, v->top + i == v->sel);
}

static void
contacts_event(struct pane *p, const struct store_event *ev)
{
	pane_dirty(p, PANE_RECALC | PANE_DRAW);
}

void
contacts_move(struct tui *t, int delta)
{
	struct contacts_view *v = t->panes[PANE_CONTACTS].data;
	int i;

	if (v->n == 0)
		return;
	i = v->sel < 0 ? 0 : v->sel + delta;
	if (v->more && i >= v->n - 1) {
		/* Near the end of what is loaded: load the next chunk (or all). */
		v->limit = delta >= (1 << 20) ? 0 : v->limit + CONTACTS_CHUNK +
		    (i - v->n);
		contacts_recalc(&t->panes[PANE_CONTACTS]);
		if (v->n == 0)
			return;
	}
	if (i < 0)
		i = 0;
	if (i >= v->n)
		i = v->n - 1;
	v->sel = i;
	tui_select_contact(t, v->rows[i].id);
	pane_dirty(&t->panes[PANE_CONTACTS], PANE_DRAW);
}

void
contacts_page(struct tui *t, int delta)
{
	int rows = t->panes[PANE_CONTACTS].h - 1;

	contacts_move(t, delta == 2 || delta == -2 ? delta / 2 * (rows / 2) :
	    delta * rows);
}

void
contacts_edge(struct tui *t, int bottom)
{
	contacts_move(t, bottom ? 1 << 20 : -(1 << 20));
}

const struct pane_ops pane_contacts_ops = {
	.name = "contacts",
	.mode = MODE_CONTACTS,
	.init = contacts_init,
	.free = contacts_free,
	.recalc = contacts_recalc,
	.draw = contacts_draw,
	.key = NULL,
	.event = contacts_event,
};
