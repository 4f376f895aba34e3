/*
 * template_pick.c — quick replies: `t` lists the templates, each previewed
 * with the selected contact's fields for the composer's channel (the
 * engine's variables and the contact's A/B variant), missing variables shown
 * as ⟨name⟩, each with its version; Enter puts the text in the composer and
 * the draft remembers the version and variant for the message it sends.
 */

#include <stdlib.h>
#include <string.h>

#include "hark/engine.h"
#include "hark/template.h"

#include "tui_int.h"

/*
 * Renders tp for the selected contact with ⟨name⟩ markers for what is
 * missing (the engine's variables, the contact's A/B variant). 0 or -1.
 */
static int
pick_render(struct tui *t, const struct store_template *tp, enum hark_channel ch,
    struct engine_rendered *r, char **cause)
{
	return engine_template_render(t->st, t->cfg, tp, t->contact_id, ch, NULL,
	    TEMPLATE_PREVIEW, r, cause);
}

struct pick_fill {
	struct tui *t;
	enum hark_channel ch;
	struct picker_item *items;
	int n;
};

static int
pick_add(void *arg, const struct store_template *tp)
{
	struct pick_fill *f = arg;
	struct picker_item *it;
	struct engine_rendered r;

	if (pick_render(f->t, tp, f->ch, &r, NULL) != 0) {
		engine_rendered_clear(&r);
		return 0;
	}
	f->items = xreallocarray(f->items, (size_t)f->n + 1, sizeof *f->items);
	it = &f->items[f->n++];
	memset(it, 0, sizeof *it);
	it->label = xasprintf("%-12s %s v%d%s%s", tp->category ? tp->category : "",
	    tp->name, tp->version, r.variant ? " " : "", r.variant ? r.variant : "");
	it->detail = r.nmissing > 0 ? xasprintf("needs %s", r.missing) :
	    xstrndup(r.body, strcspn(r.body, "\n"));
	it->warn = r.nmissing > 0;
	it->preview = r.body;
	r.body = NULL;
	it->id = tp->id;
	engine_rendered_clear(&r);
	return 0;
}

/* Puts a rendered template in the composer (subject too for email), and
 * records its version and variant for the message. */
static int
pick_apply(struct tui *t, const struct store_template *tp, char **cause)
{
	enum hark_channel ch = composer_channel(t);
	struct engine_rendered r;

	if (pick_render(t, tp, ch, &r, cause) != 0) {
		engine_rendered_clear(&r);
		return -1;
	}
	composer_set_text(t, r.body);
	if (ch == HARK_CH_EMAIL && r.subject != NULL)
		composer_set_subject(t, r.subject);
	composer_set_template(t, r.version_id, r.variant);
	tui_focus(t, PANE_COMPOSER);
	if (r.nmissing > 0)
		tui_say(t, 1, "fill in %s before sending (shown as ⟨…⟩)", r.missing);
	else
		tui_say(t, 0, "template %s v%d%s%s: Enter sends", tp->name,
		    tp->version, r.variant ? ", variant " : "",
		    r.variant ? r.variant : "");
	engine_rendered_clear(&r);
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
	f.ch = composer_channel(t);
	rc = store_templates_each(t->st, pick_add, &f, cause);
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
