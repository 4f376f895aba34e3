/*
 * template_pick.c — quick replies: `t` lists the templates, each previewed
 * with the selected contact's fields for the composer's channel, missing
 * variables shown as ⟨name⟩; Enter puts the text in the composer.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "hark/config.h"
#include "hark/template.h"

#include "tui_int.h"

/* The variables a template sees: the contact, its custom fields, and me. */
static cJSON *
pick_vars(struct tui *t)
{
	struct store_contact c;
	cJSON *v = cJSON_CreateObject(), *fields;
	char first[128], today[16];
	time_t now = time(NULL);
	struct tm tm;
	size_t n;
	int i;

	memset(&c, 0, sizeof c);
	if (store_contact_get(t->st, t->contact_id, &c, NULL) == 0) {
		fields = cJSON_Parse(c.fields ? c.fields : "{}");
		if (cJSON_IsObject(fields)) {
			cJSON_Delete(v);
			v = fields;
		} else
			cJSON_Delete(fields);
		cJSON_AddStringToObject(v, "name", c.name);
		n = strcspn(c.name, " ");
		snprintf(first, sizeof first, "%.*s", (int)n, c.name);
		cJSON_AddStringToObject(v, "first_name", first);
		if (c.name[n] == ' ')
			cJSON_AddStringToObject(v, "last_name", c.name + n + 1);
		if (c.company != NULL)
			cJSON_AddStringToObject(v, "company", c.company);
		for (i = 0; i < c.nids; i++)
			cJSON_AddStringToObject(v, c.ids[i].kind == STORE_ID_EMAIL ?
			    "email" : "phone", c.ids[i].address);
		store_contact_clear(&c);
	}
	if (t->cfg->identity_name != NULL)
		cJSON_AddStringToObject(v, "my_name", t->cfg->identity_name);
	if (t->cfg->identity_email != NULL)
		cJSON_AddStringToObject(v, "my_email", t->cfg->identity_email);
	if (t->cfg->identity_phone != NULL)
		cJSON_AddStringToObject(v, "my_phone", t->cfg->identity_phone);
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	cJSON_AddStringToObject(v, "today", today);
	return v;
}

/* The body a template has for a channel, falling back to its SMS text. */
static const char *
pick_body(const struct store_template *tp, enum hark_channel ch)
{
	if (ch == HARK_CH_EMAIL && tp->email_text != NULL)
		return tp->email_text;
	if (ch == HARK_CH_WHATSAPP && tp->whatsapp_body != NULL)
		return tp->whatsapp_body;
	if (tp->sms_body != NULL)
		return tp->sms_body;
	return tp->email_text != NULL ? tp->email_text : tp->whatsapp_body;
}

/* Renders src with preview markers; returns the text (caller frees) or NULL. */
static char *
pick_render(const char *src, const cJSON *vars, int *nmissing, char **names)
{
	struct template_opts o = { TEMPLATE_PREVIEW, 0 };
	struct template_out out;
	struct template *tp;
	struct hbuf b = HBUF_INIT;
	struct tm tm;
	time_t now = time(NULL);
	char *text;
	int i;

	localtime_r(&now, &tm);
	o.utc_offset = tm.tm_gmtoff;
	if (src == NULL || (tp = template_parse(src, strlen(src), NULL)) == NULL)
		return NULL;
	memset(&out, 0, sizeof out);
	if (template_render(tp, vars, &o, &out, NULL) != 0) {
		template_free(tp);
		return NULL;
	}
	*nmissing = out.nmissing;
	for (i = 0; names != NULL && i < out.nmissing; i++)
		hbuf_printf(&b, "%s%s", i ? ", " : "", out.missing[i].name);
	if (names != NULL)
		*names = hbuf_steal(&b);
	hbuf_free(&b);
	text = out.text;
	out.text = NULL;
	template_out_clear(&out);
	template_free(tp);
	return text;
}

struct pick_fill {
	struct tui *t;
	cJSON *vars;
	enum hark_channel ch;
	struct picker_item *items;
	int n;
};

static int
pick_add(void *arg, const struct store_template *tp)
{
	struct pick_fill *f = arg;
	struct picker_item *it;
	char *text, *names = NULL;
	int missing = 0;

	text = pick_render(pick_body(tp, f->ch), f->vars, &missing, &names);
	if (text == NULL)
		return 0;
	f->items = xreallocarray(f->items, (size_t)f->n + 1, sizeof *f->items);
	it = &f->items[f->n++];
	memset(it, 0, sizeof *it);
	it->label = xasprintf("%-12s %s", tp->category ? tp->category : "", tp->name);
	it->detail = missing > 0 ? xasprintf("needs %s", names) :
	    xstrndup(text, strcspn(text, "\n"));
	it->warn = missing > 0;
	it->preview = text;
	it->id = tp->id;
	free(names);
	return 0;
}

/* Puts a rendered template in the composer (subject too for email). */
static int
pick_apply(struct tui *t, const struct store_template *tp, char **cause)
{
	enum hark_channel ch = composer_channel(t);
	cJSON *vars = pick_vars(t);
	char *text, *subject, *names = NULL;
	int missing = 0, ms = 0;

	text = pick_render(pick_body(tp, ch), vars, &missing, &names);
	if (text == NULL) {
		cJSON_Delete(vars);
		set_cause(cause, "template '%s' has no text for %s", tp->name,
		    hark_channel_name(ch));
		return -1;
	}
	composer_set_text(t, text);
	if (ch == HARK_CH_EMAIL && tp->email_subject != NULL &&
	    (subject = pick_render(tp->email_subject, vars, &ms, NULL)) != NULL) {
		composer_set_subject(t, subject);
		free(subject);
	}
	tui_focus(t, PANE_COMPOSER);
	if (missing > 0)
		tui_say(t, 1, "fill in %s before sending (shown as ⟨…⟩)", names);
	else
		tui_say(t, 0, "template %s: Enter sends", tp->name);
	free(names);
	free(text);
	cJSON_Delete(vars);
	return 0;
}

struct pick_find {
	int64_t id;
	struct tui *t;
	int done;
};

static int
pick_find(void *arg, const struct store_template *tp)
{
	struct pick_find *f = arg;
	char *cause = NULL;

	if (tp->id != f->id)
		return 0;
	if (pick_apply(f->t, tp, &cause) != 0) {
		tui_say(f->t, 1, "%s", cause);
		free(cause);
	}
	f->done = 1;
	return 1;
}

static void
pick_chosen(struct tui *t, const struct picker_item *it)
{
	struct pick_find f = { it->id, t, 0 };

	store_templates_each(t->st, pick_find, &f, NULL);
}

int
template_pick(struct tui *t, const char *name, char **cause)
{
	struct store_template tp;
	struct pick_fill f;
	char *title;
	int rc;

	if (name != NULL) {
		memset(&tp, 0, sizeof tp);
		if (store_template_get(t->st, name, 0, &tp, cause) != 0)
			return -1;
		rc = pick_apply(t, &tp, cause);
		store_template_clear(&tp);
		return rc;
	}
	memset(&f, 0, sizeof f);
	f.t = t;
	f.vars = pick_vars(t);
	f.ch = composer_channel(t);
	rc = store_templates_each(t->st, pick_add, &f, cause);
	cJSON_Delete(f.vars);
	if (rc != 0)
		return -1;
	if (f.n == 0) {
		set_cause(cause, "no templates yet (hark template add)");
		return -1;
	}
	title = xasprintf("Templates for %s (type to filter, Enter inserts)",
	    hark_channel_name(f.ch));
	picker_open(t, title, f.items, f.n, 1, pick_chosen);
	free(title);
	return 0;
}
