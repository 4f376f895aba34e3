/*
 * pane_composer.c — writing a message: channel, subject for email, the text
 * with a live count of characters, SMS segments, encoding and estimated
 * cost; $EDITOR for long text. A draft belongs to its contact: switching
 * contacts keeps each one's draft.
 *
 * Data: the drafts (in memory) and the selected contact's estimate,
 * refreshed on every change. Events: none (the contact change recalcs).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "hark/engine.h"

#include "tui_int.h"

struct draft {
	int64_t contact_id;
	enum hark_channel channel;
	int channel_set;          /* chosen by the user (else the default) */
	struct hbuf subject;
	struct hbuf body;
	size_t cursor;            /* byte offset in the field being edited */
	int in_subject;
	int64_t template_version_id; /* the template the text came from, 0 none */
	char *variant;            /* and its A/B variant, may be NULL */
	struct compose_files *files; /* email: :attach and :html, NULL = none */
	struct draft *next;
};

struct composer {
	struct draft *drafts;
	struct draft *cur;        /* the selected contact's draft */
	char *info;               /* the counter line */
	int info_warn;
	int scroll;               /* first body row shown */
};

static struct draft *
draft_for(struct composer *c, int64_t contact_id)
{
	struct draft *d;

	for (d = c->drafts; d != NULL; d = d->next) {
		if (d->contact_id == contact_id)
			return d;
	}
	d = xcalloc(1, sizeof *d);
	d->contact_id = contact_id;
	d->next = c->drafts;
	c->drafts = d;
	return d;
}

static struct hbuf *
draft_field(struct draft *d)
{
	return d->in_subject ? &d->subject : &d->body;
}

/* The first row of the body: below the counter, subject and files lines. */
static int
draft_first_row(const struct draft *d)
{
	return 1 + (d->channel == HARK_CH_EMAIL) +
	    (compose_files_count(d->files) > 0 || compose_files_html(d->files) != NULL);
}

static struct composer *
composer_of(struct tui *t)
{
	return t->panes[PANE_COMPOSER].data;
}

static void
composer_init(struct pane *p)
{
	p->data = xcalloc(1, sizeof(struct composer));
}

static void
composer_free(struct pane *p)
{
	struct composer *c = p->data;
	struct draft *d, *next;

	for (d = c->drafts; d != NULL; d = next) {
		next = d->next;
		hbuf_free(&d->subject);
		hbuf_free(&d->body);
		free(d->variant);
		compose_files_free(d->files);
		free(d);
	}
	free(c->info);
	free(c);
	p->data = NULL;
}

/* The channel a new draft starts on: that of the contact's latest message. */
static int
composer_latest_channel(void *arg, const struct store_message *m)
{
	enum hark_channel *ch = arg;

	if (m->channel != HARK_CH_VOICE)
		*ch = m->channel;
	return 0;
}

static enum hark_channel
composer_default_channel(struct tui *t)
{
	enum hark_channel ch = HARK_CH__COUNT;
	struct store_contact sc;
	int i;

	/* The contact's preferred channel, else the one they last used. */
	if (store_preferred_channel(t->st, t->contact_id, &ch, NULL) == 1)
		return ch;
	ch = HARK_CH__COUNT;
	store_messages_page(t->st, t->contact_id, INT64_MAX, INT64_MAX, 5,
	    composer_latest_channel, &ch, NULL);
	if (ch != HARK_CH__COUNT)
		return ch;
	memset(&sc, 0, sizeof sc);
	ch = HARK_CH_SMS;
	if (store_contact_get(t->st, t->contact_id, &sc, NULL) == 0) {
		for (i = 0; i < sc.nids; i++) {
			if (sc.ids[i].kind == STORE_ID_PHONE)
				break;
		}
		if (i == sc.nids && sc.nids > 0 && sc.ids[0].kind == STORE_ID_EMAIL)
			ch = HARK_CH_EMAIL;
		store_contact_clear(&sc);
	}
	return ch;
}

/* The counter line: channel, recipient, characters, segments, cost. */
static void
composer_estimate(struct tui *t, struct composer *c)
{
	struct engine_estimate est;
	struct engine_draft d;
	struct hbuf b = HBUF_INIT;
	char price[32], *cause = NULL;
	const char *body = hbuf_str(&c->cur->body);

	free(c->info);
	c->info_warn = 0;
	memset(&d, 0, sizeof d);
	d.contact_id = t->contact_id;
	d.channel = c->cur->channel;
	d.body = *body != '\0' ? body : " x";
	d.flags = ENGINE_SEND_INTERACTIVE;
	d.attach = compose_files_paths(c->cur->files);
	d.nattach = compose_files_count(c->cur->files);
	d.html = compose_files_html(c->cur->files);
	if (engine_check(t->engine, &d, &est, &cause) != 0) {
		hbuf_printf(&b, "%s · %s", hark_channel_name(d.channel), cause);
		c->info_warn = 1;
		free(cause);
		c->info = hbuf_steal(&b);
		return;
	}
	hbuf_printf(&b, "%s to %s", d.channel == HARK_CH_WHATSAPP ? "WhatsApp" :
	    d.channel == HARK_CH_EMAIL ? "Email" : "SMS", est.to);
	if (d.channel == HARK_CH_SMS && *body != '\0')
		hbuf_printf(&b, " · %zu chars · %d segment%s · %s", est.sms.chars,
		    est.sms.segments, est.sms.segments == 1 ? "" : "s",
		    sms_encoding_name(est.sms.encoding));
	else if (*body != '\0')
		hbuf_printf(&b, " · %zu chars", (size_t)mbstowcs(NULL, body, 0));
	if (est.has_price && *body != '\0') {
		money_format(&est.price, price, sizeof price);
		hbuf_printf(&b, " · ~%s", price);
	}
	/* Their quiet hours: a send now still goes, with this warning. */
	if (est.note != NULL) {
		hbuf_printf(&b, " · %s", est.note);
		c->info_warn = 1;
	}
	if (est.wa_window_until > 0) {
		int64_t left = est.wa_window_until - hark_now_ms();

		hbuf_printf(&b, " · window %lldh%02lldm left",
		    (long long)(left / 3600000), (long long)(left / 60000 % 60));
	}
	hbuf_printf(&b, " · %s", *body == '\0' ? "Enter sends, C-o channel, "
	    "C-t template, C-e $EDITOR" : "Enter sends");
	engine_estimate_clear(&est);
	c->info = hbuf_steal(&b);
}

static void
composer_recalc(struct pane *p)
{
	struct tui *t = p->tui;
	struct composer *c = p->data;

	c->cur = t->contact_id > 0 ? draft_for(c, t->contact_id) : NULL;
	if (c->cur == NULL)
		return;
	if (!c->cur->channel_set)
		c->cur->channel = composer_default_channel(t);
	composer_estimate(t, c);
}

/* Where byte offset `at` of text lands when wrapped by character at cols. */
static void
composer_locate(const char *text, size_t at, int cols, int *row, int *col)
{
	size_t i = 0;
	wchar_t wc;
	int n, w;

	*row = *col = 0;
	while (i < at && text[i] != '\0') {
		if (text[i] == '\n') {
			(*row)++;
			*col = 0;
			i++;
			continue;
		}
		n = mbtowc(&wc, text + i, MB_CUR_MAX);
		if (n <= 0)
			n = 1;
		w = wcwidth(wc);
		if (w < 0)
			w = 1;
		if (*col + w > cols) {
			(*row)++;
			*col = 0;
		}
		*col += w;
		i += (size_t)n;
	}
}

/* Draws text wrapped by character from row `from`, skipping `skip` rows. */
static void
composer_draw_text(struct pane *p, const char *text, int from, int skip)
{
	struct tui *t = p->tui;
	const char *s = text;
	char ch[8];
	wchar_t wc;
	int row = 0, col = 0, n, w;

	while (*s != '\0') {
		if (*s == '\n') {
			row++;
			col = 0;
			s++;
			continue;
		}
		n = mbtowc(&wc, s, MB_CUR_MAX);
		if (n <= 0)
			n = 1;
		w = wcwidth(wc);
		if (w < 0)
			w = 1;
		if (col + w > p->w) {
			row++;
			col = 0;
		}
		if (row >= skip && from + row - skip < p->h) {
			memcpy(ch, s, (size_t)n);
			ch[n] = '\0';
			wmove(p->win, from + row - skip, col);
			tui_put_raw(t, p->win, ROLE_COMPOSER, ch, w);
		}
		col += w;
		s += n;
	}
}

static void
composer_draw(struct pane *p)
{
	struct tui *t = p->tui;
	struct composer *c = p->data;
	struct draft *d = c->cur;
	int first = 1, row, col;
	char *files;

	werase(p->win);
	wmove(p->win, 0, 0);
	if (d == NULL) {
		tui_put_raw(t, p->win, ROLE_COMPOSER_INFO, "Select a contact to write "
		    "to.", p->w);
		return;
	}
	tui_put(t, p->win, c->info_warn ? ROLE_COMPOSER_WARN : ROLE_COMPOSER_INFO,
	    c->info, p->w);
	if (d->channel == HARK_CH_EMAIL) {
		wmove(p->win, 1, 0);
		tui_put_raw(t, p->win, ROLE_COMPOSER_INFO, "Subject: ", p->w);
		tui_put(t, p->win, ROLE_SUBJECT, hbuf_str(&d->subject), p->w - 9);
		first = 2;
	}
	if ((files = compose_files_line(d->files)) != NULL) {
		wmove(p->win, first++, 0);
		tui_put(t, p->win, ROLE_COMPOSER_INFO, files, p->w);
		free(files);
	}
	composer_locate(hbuf_str(&d->body), d->cursor, p->w, &row, &col);
	if (row < c->scroll)
		c->scroll = row;
	if (row >= c->scroll + p->h - first)
		c->scroll = row - (p->h - first) + 1;
	if (hbuf_str(&d->body)[0] == '\0' && t->focus != PANE_COMPOSER) {
		wmove(p->win, first, 0);
		tui_put_raw(t, p->win, ROLE_COMPOSER_INFO, "r replies, c composes, "
		    "t picks a template", p->w);
	}
	composer_draw_text(p, hbuf_str(&d->body), first, c->scroll);
}

void
composer_place_cursor(struct tui *t)
{
	struct pane *p = &t->panes[PANE_COMPOSER];
	struct composer *c = p->data;
	struct draft *d = c->cur;
	int row, col, first;

	if (d == NULL || p->win == NULL) {
		curs_set(0);
		return;
	}
	first = draft_first_row(d);
	if (d->in_subject) {
		composer_locate(hbuf_str(&d->subject), d->cursor, 1 << 20, &row, &col);
		row = 1;
		col += 9;
	} else {
		composer_locate(hbuf_str(&d->body), d->cursor, p->w, &row, &col);
		row = row - c->scroll + first;
	}
	if (col >= p->w)
		col = p->w - 1;
	wmove(p->win, row < p->h ? row : p->h - 1, col);
	curs_set(1);
	wnoutrefresh(p->win);
}

/* ---- editing ---------------------------------------------------------------------- */

static int
composer_edit_key(struct tui *t, struct draft *d, wint_t ch, int is_code)
{
	struct hbuf *b = draft_field(d);
	char mb[MB_LEN_MAX];
	size_t at;
	int n;

	if (!is_code && ch >= 0x20 && ch != 0x7f) {
		n = wctomb(mb, (wchar_t)ch);
		if (n > 0)
			field_insert(b, &d->cursor, mb, (size_t)n);
	} else if ((!is_code && (ch == '\n' || ch == TUI_KEY_CTRL('j'))) ||
	    (is_code && (int)ch == (TUI_KEY_META | '\r'))) {
		if (!d->in_subject)
			field_insert(b, &d->cursor, "\n", 1);
	} else if ((is_code && ch == KEY_BACKSPACE) || ch == 0x7f || ch == 8) {
		at = field_prev(b, d->cursor);
		field_delete(b, at, d->cursor);
		d->cursor = at;
	} else if (is_code && ch == KEY_DC)
		field_delete(b, d->cursor, field_next(b, d->cursor));
	else if (is_code && ch == KEY_LEFT)
		d->cursor = field_prev(b, d->cursor);
	else if (is_code && ch == KEY_RIGHT)
		d->cursor = field_next(b, d->cursor);
	else if ((is_code && ch == KEY_HOME) || (!is_code && ch == TUI_KEY_CTRL('a')))
		d->cursor = 0;
	else if (is_code && ch == KEY_END)
		d->cursor = b->len;
	else if (!is_code && ch == TUI_KEY_CTRL('u')) {
		field_delete(b, 0, d->cursor);
		d->cursor = 0;
	} else if (!is_code && ch == TUI_KEY_CTRL('w')) {
		at = d->cursor;
		while (at > 0 && b->data[at - 1] == ' ')
			at--;
		while (at > 0 && b->data[at - 1] != ' ' && b->data[at - 1] != '\n')
			at--;
		field_delete(b, at, d->cursor);
		d->cursor = at;
	} else if (is_code && (ch == KEY_UP || ch == KEY_DOWN) &&
	    d->channel == HARK_CH_EMAIL) {
		d->in_subject = ch == KEY_UP;
		d->cursor = draft_field(d)->len;
	} else
		return 0;
	return 1;
}

static int
composer_key(struct pane *p, wint_t ch, int is_code)
{
	struct composer *c = p->data;

	if (c->cur == NULL || !composer_edit_key(p->tui, c->cur, ch, is_code))
		return 0;
	composer_estimate(p->tui, c);
	pane_dirty(p, PANE_DRAW);
	return 1;
}

/* ---- what commands use ------------------------------------------------------------------ */

const char *
composer_text(struct tui *t)
{
	struct composer *c = composer_of(t);

	return c->cur ? hbuf_str(&c->cur->body) : "";
}

const char *
composer_subject(struct tui *t)
{
	struct composer *c = composer_of(t);

	return c->cur ? hbuf_str(&c->cur->subject) : "";
}

static struct draft *
composer_draft(struct tui *t)
{
	struct composer *c = composer_of(t);

	if (c->cur == NULL && t->contact_id > 0)
		composer_recalc(&t->panes[PANE_COMPOSER]);
	return c->cur;
}

void
composer_set_text(struct tui *t, const char *text)
{
	struct draft *d = composer_draft(t);

	if (d == NULL)
		return;
	hbuf_reset(&d->body);
	hbuf_adds(&d->body, text);
	d->in_subject = 0;
	d->cursor = d->body.len;
	pane_dirty(&t->panes[PANE_COMPOSER], PANE_RECALC | PANE_DRAW);
}

void
composer_set_subject(struct tui *t, const char *subject)
{
	struct draft *d = composer_draft(t);

	if (d == NULL)
		return;
	hbuf_reset(&d->subject);
	hbuf_adds(&d->subject, subject);
	pane_dirty(&t->panes[PANE_COMPOSER], PANE_DRAW);
}

enum hark_channel
composer_channel(struct tui *t)
{
	struct draft *d = composer_draft(t);

	return d ? d->channel : HARK_CH_SMS;
}

void
composer_set_channel(struct tui *t, enum hark_channel ch)
{
	struct draft *d = composer_draft(t);

	if (d == NULL)
		return;
	d->channel = ch;
	d->channel_set = 1;
	if (ch != HARK_CH_EMAIL && d->in_subject) {
		d->in_subject = 0;
		d->cursor = d->body.len;
	}
	pane_dirty(&t->panes[PANE_COMPOSER], PANE_RECALC | PANE_DRAW);
}

void
composer_clear(struct tui *t)
{
	struct draft *d = composer_draft(t);

	if (d == NULL)
		return;
	hbuf_reset(&d->body);
	hbuf_reset(&d->subject);
	d->cursor = 0;
	d->in_subject = 0;
	compose_files_free(d->files);
	d->files = NULL;
	composer_set_template(t, 0, NULL);
	pane_dirty(&t->panes[PANE_COMPOSER], PANE_RECALC | PANE_DRAW);
}

void
composer_set_template(struct tui *t, int64_t version_id, const char *variant)
{
	struct draft *d = composer_draft(t);

	if (d == NULL)
		return;
	free(d->variant);
	d->template_version_id = version_id;
	d->variant = variant != NULL ? xstrdup(variant) : NULL;
}

int
composer_send(struct tui *t, int64_t send_at, char **cause)
{
	struct draft *d = composer_draft(t);
	struct engine_draft ed;
	int64_t id;

	const char *open;

	if (d == NULL) {
		set_cause(cause, "select a contact first");
		return -1;
	}
	/* A template's missing variable is still in the text. */
	if ((open = strstr(hbuf_str(&d->body), "⟨")) != NULL &&
	    strstr(open, "⟩") != NULL) {
		set_cause(cause, "fill in the ⟨…⟩ parts before sending");
		return -1;
	}
	memset(&ed, 0, sizeof ed);
	ed.contact_id = t->contact_id;
	ed.channel = d->channel;
	ed.body = hbuf_str(&d->body);
	ed.subject = d->channel == HARK_CH_EMAIL && d->subject.len > 0 ?
	    hbuf_str(&d->subject) : NULL;
	ed.send_at = send_at;
	ed.flags = ENGINE_SEND_INTERACTIVE;
	ed.template_version_id = d->template_version_id;
	ed.variant = d->variant;
	ed.attach = compose_files_paths(d->files);
	ed.nattach = compose_files_count(d->files);
	ed.html = compose_files_html(d->files);
	if (engine_send(t->engine, &ed, &id, cause) != 0)
		return -1;
	t->message_id = id;
	composer_clear(t);
	pane_dirty(&t->panes[PANE_THREAD], PANE_RECALC);
	if (send_at == 0)
		tui_say(t, 0, "sending…");
	return 0;
}

struct compose_files *
composer_files(struct tui *t)
{
	struct draft *d = composer_draft(t);

	/* The commands that call this need a contact (CMD_NEEDS_CONTACT). */
	if (d->files == NULL)
		d->files = compose_files_new();
	return d->files;
}

void
composer_files_changed(struct tui *t)
{
	pane_dirty(&t->panes[PANE_COMPOSER], PANE_RECALC | PANE_DRAW);
}

int
composer_edit(struct tui *t, char **cause)
{
	struct draft *d = composer_draft(t);
	char *path, *text, *safe;
	size_t len;
	int rc;

	if (d == NULL) {
		set_cause(cause, "select a contact first");
		return -1;
	}
	if ((path = tui_tmpfile("draft", hbuf_str(&d->body), d->body.len,
	    cause)) == NULL)
		return -1;
	rc = tui_foreground(t, tui_run_editor, path);
	text = rc == 0 ? tui_file_read(path, &len) : NULL;
	unlink(path);
	free(path);
	if (text == NULL) {
		set_cause(cause, "the editor exited with status %d; the draft is "
		    "unchanged", rc);
		return -1;
	}
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	safe = text_sanitize(text, len, HARK_SAN_NEWLINES);
	composer_set_text(t, safe);
	free(safe);
	free(text);
	return 0;
}

const struct pane_ops pane_composer_ops = {
	.name = "composer",
	.mode = MODE_COMPOSER,
	.init = composer_init,
	.free = composer_free,
	.recalc = composer_recalc,
	.draw = composer_draw,
	.key = composer_key,
	.event = NULL,
};
