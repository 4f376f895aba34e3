/* cmd_nav.c — commands that move around: panes, lists, search, help, the screen. */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui_int.h"
#include "tui_cmds.h"

int
tcmd_quit(struct tui *t, int argc, char **argv, char **cause)
{
	if (picker_is_open(t))
		picker_close(t);
	else
		t->quit = 1;
	return 0;
}

int
tcmd_redraw(struct tui *t, int argc, char **argv, char **cause)
{
	clearok(curscr, TRUE);
	tui_layout(t);
	return 0;
}

int
tcmd_suspend(struct tui *t, int argc, char **argv, char **cause)
{
	tui_suspend_curses(t);
	kill(getpid(), SIGTSTP);
	tui_resume_curses(t);
	return 0;
}

int
tcmd_focus(struct tui *t, int argc, char **argv, char **cause)
{
	static const char *const names[] = { "contacts", "thread", "composer" };
	int i;

	for (i = 0; i < 3; i++) {
		if (strcmp(argv[1], names[i]) == 0) {
			if (picker_is_open(t))
				picker_close(t);
			tui_focus(t, (enum pane_id)i);
			return 0;
		}
	}
	set_cause(cause, "focus: no pane '%s' (contacts, thread, composer)", argv[1]);
	return -1;
}

int
tcmd_focus_next(struct tui *t, int argc, char **argv, char **cause)
{
	tui_focus(t, (enum pane_id)((t->focus + 1) % PANE_STATUS));
	return 0;
}

int
tcmd_focus_prev(struct tui *t, int argc, char **argv, char **cause)
{
	tui_focus(t, (enum pane_id)((t->focus + PANE_STATUS - 1) % PANE_STATUS));
	return 0;
}

/* Moves in whatever list has the keys: the picker, the thread or contacts. */
static int
cmd_move(struct tui *t, int delta, int page)
{
	if (picker_is_open(t))
		picker_move(t, page ? delta * 10 : delta);
	else if (t->focus == PANE_THREAD)
		page ? thread_page(t, delta) : thread_move(t, delta);
	else if (t->focus == PANE_CONTACTS)
		page ? contacts_page(t, delta) : contacts_move(t, delta);
	return 0;
}

int
tcmd_up(struct tui *t, int argc, char **argv, char **cause)
{
	return cmd_move(t, -1, 0);
}

int
tcmd_down(struct tui *t, int argc, char **argv, char **cause)
{
	return cmd_move(t, 1, 0);
}

int
tcmd_page_up(struct tui *t, int argc, char **argv, char **cause)
{
	return cmd_move(t, -1, 1);
}

int
tcmd_page_down(struct tui *t, int argc, char **argv, char **cause)
{
	return cmd_move(t, 1, 1);
}

int
tcmd_half_page_up(struct tui *t, int argc, char **argv, char **cause)
{
	return cmd_move(t, -2, 1);
}

int
tcmd_half_page_down(struct tui *t, int argc, char **argv, char **cause)
{
	return cmd_move(t, 2, 1);
}

static int
cmd_edge(struct tui *t, int bottom)
{
	if (picker_is_open(t))
		picker_move(t, bottom ? 1 << 20 : -(1 << 20));
	else if (t->focus == PANE_THREAD)
		thread_edge(t, bottom);
	else if (t->focus == PANE_CONTACTS)
		contacts_edge(t, bottom);
	return 0;
}

int
tcmd_top(struct tui *t, int argc, char **argv, char **cause)
{
	return cmd_edge(t, 0);
}

int
tcmd_bottom(struct tui *t, int argc, char **argv, char **cause)
{
	return cmd_edge(t, 1);
}

int
tcmd_select(struct tui *t, int argc, char **argv, char **cause)
{
	if (picker_is_open(t))
		picker_choose(t);
	else if (t->focus == PANE_CONTACTS)
		tui_focus(t, PANE_THREAD);
	else if (t->focus == PANE_THREAD)
		thread_toggle_quotes(t);
	return 0;
}

int
tcmd_toggle_quotes(struct tui *t, int argc, char **argv, char **cause)
{
	thread_toggle_quotes(t);
	return 0;
}

int
tcmd_command_prompt(struct tui *t, int argc, char **argv, char **cause)
{
	prompt_open(t, ':', argc > 1 ? argv[1] : "");
	return 0;
}

int
tcmd_theme(struct tui *t, int argc, char **argv, char **cause)
{
	if (tui_load_theme(t, argv[1], cause) != 0)
		return -1;
	tui_say(t, 0, "theme %s", argv[1]);
	return 0;
}

/* Joins words so that tui_words splits them back the same: quoted as needed. */
static char *
cmd_join_quoted(int argc, char **argv)
{
	struct hbuf b = HBUF_INIT;
	const char *p;
	int i;

	for (i = 0; i < argc; i++) {
		if (i > 0)
			hbuf_addc(&b, ' ');
		if (argv[i][0] != '\0' && strpbrk(argv[i], " \t\"'\\#") == NULL) {
			hbuf_adds(&b, argv[i]);
			continue;
		}
		hbuf_addc(&b, '"');
		for (p = argv[i]; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				hbuf_addc(&b, '\\');
			hbuf_addc(&b, *p);
		}
		hbuf_addc(&b, '"');
	}
	return hbuf_steal(&b);
}

int
tcmd_bind(struct tui *t, int argc, char **argv, char **cause)
{
	char *rest = cmd_join_quoted(argc, argv);
	int rc;

	rc = keymap_bind_line(t->keymap, rest, ":bind", 1, cause);
	free(rest);
	return rc;
}

int
tcmd_filter(struct tui *t, int argc, char **argv, char **cause)
{
	struct contact_filter f;
	char *expr = tui_join(argc, argv, 1);

	memset(&f, 0, sizeof f);
	if (contact_filter_parse(expr, &f, cause) != 0) {
		free(expr);
		return -1;
	}
	free(expr);
	contact_filter_clear(&t->filter);
	t->filter = f;
	pane_dirty(&t->panes[PANE_CONTACTS], PANE_RECALC);
	pane_dirty(&t->panes[PANE_STATUS], PANE_DRAW);
	if (f.text == NULL)
		tui_say(t, 0, "filter cleared");
	return 0;
}

/* ---- help ---------------------------------------------------------------------------- */

struct help_fill {
	struct picker_item *items;
	int n;
	enum tui_mode mode;
};

static void
help_add(void *arg, int key, const char *command, const char *note)
{
	struct help_fill *h = arg;
	struct picker_item *it;
	char name[32];

	keymap_key_name(key, name, sizeof name);
	h->items = xreallocarray(h->items, (size_t)h->n + 1, sizeof *h->items);
	it = &h->items[h->n++];
	memset(it, 0, sizeof *it);
	it->label = xasprintf("%-10s %s", name, command);
	it->detail = xasprintf("%s%s", h->mode == MODE_GLOBAL ? "(everywhere) " : "",
	    note != NULL ? note : "");
}

int
tcmd_help(struct tui *t, int argc, char **argv, char **cause)
{
	struct help_fill h;
	enum tui_mode mode = t->panes[t->focus].ops->mode;
	char *title;

	if (report_view_is_open(t))
		mode = MODE_REPORT;     /* the dashboard's keys, over it */
	if (picker_is_open(t))
		picker_close(t);
	memset(&h, 0, sizeof h);
	h.mode = mode;
	keymap_each(t->keymap, mode, help_add, &h);
	h.mode = MODE_GLOBAL;
	keymap_each(t->keymap, MODE_GLOBAL, help_add, &h);
	title = xasprintf("Keys in %s (type to filter, Escape closes)",
	    tui_mode_name(mode));
	picker_open(t, title, h.items, h.n, 1, NULL);
	free(title);
	return 0;
}

/* ---- search -------------------------------------------------------------------------- */

struct hit_fill {
	struct tui *t;
	struct picker_item *items;
	int n;
};

static int
search_add(void *arg, const struct store_hit *h)
{
	struct hit_fill *f = arg;
	struct picker_item *it;
	char when[24];

	time_format_relative(h->created_at, hark_now_ms(), when, sizeof when);
	f->items = xreallocarray(f->items, (size_t)f->n + 1, sizeof *f->items);
	it = &f->items[f->n++];
	memset(it, 0, sizeof *it);
	it->label = xasprintf("%-6s %-5s %s%s%s", when, hark_channel_name(h->channel),
	    h->contact_name, h->subject ? " · " : "", h->subject ? h->subject : "");
	it->detail = xstrdup(h->snippet);
	it->id = h->message_id;
	it->id2 = h->contact_id;
	f->t->hits = xreallocarray(f->t->hits, (size_t)f->n, sizeof *f->t->hits);
	f->t->hits[f->n - 1].message_id = h->message_id;
	f->t->hits[f->n - 1].contact_id = h->contact_id;
	return 0;
}

static void
search_chosen(struct tui *t, const struct picker_item *it)
{
	int i;

	for (i = 0; i < t->nhits; i++) {
		if (t->hits[i].message_id == it->id)
			t->hit = i;
	}
	tui_select_message(t, it->id2, it->id);
	tui_focus(t, PANE_THREAD);
}

int
tcmd_search(struct tui *t, int argc, char **argv, char **cause)
{
	struct hit_fill f;
	char *query, *title;

	if (argc == 1) {
		prompt_open(t, '/', "");
		return 0;
	}
	query = tui_join(argc, argv, 1);
	memset(&f, 0, sizeof f);
	f.t = t;
	free(t->hits);
	t->hits = NULL;
	t->nhits = 0;
	if (store_search(t->st, query, 200, search_add, &f, cause) != 0) {
		picker_items_free(f.items, f.n);
		free(t->hits);
		t->hits = NULL;
		free(query);
		return -1;
	}
	t->nhits = f.n;
	t->hit = -1;
	free(t->search);
	t->search = query;
	if (f.n == 0) {
		tui_say(t, 0, "no messages match '%s'", query);
		return 0;
	}
	title = xasprintf("%d hit%s for '%s' (newest first; Enter jumps, n/N later)",
	    f.n, f.n == 1 ? "" : "s", query);
	picker_open(t, title, f.items, f.n, 0, search_chosen);
	free(title);
	return 0;
}

static int
cmd_search_step(struct tui *t, int delta, char **cause)
{
	if (t->nhits == 0) {
		set_cause(cause, "no search yet: / searches");
		return -1;
	}
	t->hit = (t->hit + delta + t->nhits) % t->nhits;
	tui_select_message(t, t->hits[t->hit].contact_id, t->hits[t->hit].message_id);
	tui_focus(t, PANE_THREAD);
	tui_say(t, 0, "hit %d of %d for '%s'", t->hit + 1, t->nhits, t->search);
	return 0;
}

int
tcmd_search_next(struct tui *t, int argc, char **argv, char **cause)
{
	return cmd_search_step(t, 1, cause);
}

int
tcmd_search_prev(struct tui *t, int argc, char **argv, char **cause)
{
	return cmd_search_step(t, -1, cause);
}
