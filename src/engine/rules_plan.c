/*
 * rules_plan.c — a rule looked at for one contact: loading the rules file,
 * the checks before a step runs (conditions, once-per period, "unless
 * replied", loop guards), rendering its messages, and `hark rules test`,
 * which shows all of that without changing anything.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "rules_int.h"


/* ---- loading ------------------------------------------------------------------------ */

char *
engine_rules_path(const struct config *cfg)
{
	char *dir, *path;

	if (cfg != NULL && cfg->rules != NULL)
		return hark_expand_home(cfg->rules);
	dir = hark_config_dir();
	path = xasprintf("%s/rules", dir);
	free(dir);
	return path;
}

static int
rplan_template_exists(void *arg, const char *name)
{
	struct store_template t;
	int ok;

	memset(&t, 0, sizeof t);
	ok = store_template_get(arg, name, 0, &t, NULL) == 0;
	store_template_clear(&t);
	return ok;
}

int
engine_rules_load(struct store *st, const struct config *cfg, const char *path,
    struct rules **out, char **cause)
{
	char *own = path == NULL ? engine_rules_path(cfg) : NULL, *text;
	const char *p = path != NULL ? path : own;
	FILE *f;
	struct hbuf b = HBUF_INIT;
	char buf[4096];
	size_t n, len;
	int rc = 1;

	*out = NULL;
	if ((f = fopen(p, "r")) == NULL) {
		/* No file at the default place: no rules. A file named in
		 * the config or on the command line must be there. */
		rc = errno == ENOENT && path == NULL && cfg->rules == NULL ? 0 : -1;
		if (rc < 0)
			set_cause(cause, "%s: %s", p, strerror(errno));
		free(own);
		return rc;
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		hbuf_add(&b, buf, n);
	if (ferror(f)) {
		set_cause(cause, "%s: cannot read: %s", p, strerror(errno));
		rc = -1;
	}
	fclose(f);
	len = b.len;
	text = hbuf_steal(&b);
	if (rc == 1 && (*out = rules_parse(text, len, p, cause)) == NULL)
		rc = -1;
	if (rc == 1 && st != NULL &&
	    rules_check_templates(*out, rplan_template_exists, st, cause) != 0) {
		rules_free(*out);
		*out = NULL;
		rc = -1;
	}
	free(text);
	free(own);
	return rc;
}

/* ---- the context ---------------------------------------------------------------------- */

int
rctx_load(struct store *st, struct rctx *x, char **cause)
{
	if (store_contact_get(st, x->contact_id, &x->c, cause) != 0)
		return -1;
	if (!x->has_channel && x->m.id != 0) {
		x->channel = x->m.channel;
		x->has_channel = 1;
	}
	if (!x->has_channel && store_last_channel(st, x->contact_id, &x->channel,
	    NULL) == 1)
		x->has_channel = 1;
	/* No conversation yet: the first address the contact has. */
	if (!x->has_channel && x->c.nids > 0) {
		x->channel = x->c.ids[0].kind == STORE_ID_EMAIL ? HARK_CH_EMAIL :
		    x->c.ids[0].kind == STORE_ID_WHATSAPP ? HARK_CH_WHATSAPP :
		    HARK_CH_SMS;
		x->has_channel = 1;
	}
	return 0;
}

void
rctx_clear(struct rctx *x)
{
	store_contact_clear(&x->c);
	store_message_clear(&x->m);
}

int
rplan_may_run(struct store *st, struct rctx *x, int64_t now, struct hbuf *why,
    int *log, char **cause)
{
	struct rules_subject s;
	char iso[40], dur[32];
	int64_t last = 0, next = 0, at = 0;
	int rc;

	*log = 0;
	memset(&s, 0, sizeof s);
	s.fields = x->c.fields;
	s.tags = x->c.tags;
	s.state = x->c.conv_status;
	s.has_channel = x->has_channel;
	s.channel = x->channel;
	if (!rules_conds_hold(x->r, &s, why))
		return 0;
	if (x->step > 0 && x->r->steps[x->step].unless_replied) {
		if ((rc = store_inbound_after(st, x->contact_id, x->since_at, &at,
		    cause)) < 0)
			return -1;
		if (rc == 1) {
			time_format_iso(at, iso, sizeof iso);
			hbuf_printf(why, "%s replied on %s", x->c.name, iso);
			*log = 1;
			return 0;
		}
	}
	if (x->step > 0 || x->r->once_per_ms <= 0)
		return 1;
	if ((rc = store_rule_last_fired(st, x->r->name, x->contact_id, &last,
	    cause)) < 0)
		return -1;
	if (rc == 1 && !rules_period_ok(last, x->r->once_per_ms, now, &next)) {
		time_format_iso(last, iso, sizeof iso);
		rules_duration_format(x->r->once_per_ms, dur, sizeof dur);
		hbuf_printf(why, "already fired for %s on %.10s %.5s UTC (once per %s)",
		    x->c.name, iso, iso + 11, dur);
		*log = 1;
		return 0;
	}
	return 1;
}

/* For an email kept as received: what its headers say (RFC 3834 and
 * friends), read from the first 64 KiB of the file. NULL when nothing. */
static const char *
rplan_mail_automatic(struct store *st, const struct store_message *m)
{
	static char head[65536];
	struct store_mail mail;
	const char *why = NULL;
	size_t n;
	FILE *f;

	memset(&mail, 0, sizeof mail);
	if (m->channel != HARK_CH_EMAIL || m->id <= 0 ||
	    store_mail_get(st, m->id, &mail, NULL) != 1 || mail.raw_path == NULL) {
		store_mail_clear(&mail);
		return NULL;
	}
	if ((f = fopen(mail.raw_path, "r")) != NULL) {
		n = fread(head, 1, sizeof head, f);
		fclose(f);
		why = rules_headers_automatic(head, n);
	}
	store_mail_clear(&mail);
	return why;
}

int
rplan_send_ok(struct store *st, struct rctx *x, int64_t now, struct hbuf *why,
    char **cause)
{
	const char *auto_why;
	char dur[32];
	int sent = 0, rc;

	if (store_rule_sends_since(st, x->contact_id, now - x->set->rate_window_ms,
	    &sent, cause) != 0)
		return -1;
	if (!rules_rate_ok(x->set, sent)) {
		rules_duration_format(x->set->rate_window_ms, dur, sizeof dur);
		hbuf_printf(why, "rate limit: rules sent %s %d messages in %s"
		    " (set rate-limit %d/%s)", x->c.name, sent, dur,
		    x->set->rate_max, dur);
		return 0;
	}
	if (x->m.id == 0 || x->step > 0)
		return 1;
	if ((auto_why = rules_text_automatic(x->m.subject, x->m.body)) != NULL ||
	    (auto_why = rplan_mail_automatic(st, &x->m)) != NULL) {
		hbuf_printf(why, "the message looks automatic: %s", auto_why);
		return 0;
	}
	if ((rc = store_inbound_repeat(st, &x->m, x->set->repeat_ms, cause)) < 0)
		return -1;
	if (rc == 1) {
		rules_duration_format(x->set->repeat_ms, dur, sizeof dur);
		hbuf_printf(why, "the message looks automatic: the same text came"
		    " twice within %s", dur);
		return 0;
	}
	return 1;
}

/* ---- rendering ------------------------------------------------------------------------- */

/* The channel a send goes on: channel=, else for a reply the conversation's,
 * else the contact's preferred, else the one last used. */
static int
rplan_channel(struct store *st, struct rctx *x, const struct rules_action *a,
    enum hark_channel *ch, char **cause)
{
	if (a->has_channel)
		return *ch = a->channel, 0;
	if (a->kind == RULES_DO_REPLY && x->has_channel)
		return *ch = x->channel, 0;
	if (store_preferred_channel(st, x->contact_id, ch, NULL) == 1)
		return 0;
	if (x->has_channel)
		return *ch = x->channel, 0;
	set_cause(cause, "%s has no address to send to", x->c.name);
	return -1;
}

int
rplan_render(struct store *st, const struct config *cfg, struct rctx *x,
    const struct rules_action *a, struct rsend *out, char **cause)
{
	struct engine_rendered r;
	struct store_template t;
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(&t, 0, sizeof t);
	memset(&r, 0, sizeof r);
	if (rplan_channel(st, x, a, &out->ch, cause) != 0 ||
	    store_template_get(st, a->arg, 0, &t, cause) != 0)
		goto done;
	/* The one variables builder and renderer the TUI and CLI use too. */
	if (engine_template_render(st, cfg, &t, x->contact_id, out->ch, NULL, 0,
	    &r, cause) != 0)
		goto done;
	if (r.body == NULL || *r.body == '\0') {
		set_cause(cause, "template '%s' has no %s text", a->arg,
		    hark_channel_name(out->ch));
		goto done;
	}
	out->version_id = r.version_id;
	out->body = r.body;
	r.body = NULL;
	out->variant = r.variant;
	r.variant = NULL;
	out->html = r.html;
	r.html = NULL;
	out->content_sid = r.content_sid;
	r.content_sid = NULL;
	if (out->ch == HARK_CH_EMAIL) {
		out->subject = r.subject != NULL ? r.subject : xasprintf("Re: %s",
		    x->m.subject != NULL ? x->m.subject : a->arg);
		r.subject = NULL;
	}
	rc = 0;
done:
	engine_rendered_clear(&r);
	store_template_clear(&t);
	if (rc != 0)
		rsend_clear(out);
	return rc;
}

void
rsend_clear(struct rsend *s)
{
	free(s->subject);
	free(s->body);
	free(s->variant);
	free(s->html);
	free(s->content_sid);
	memset(s, 0, sizeof *s);
}

void
rplan_describe(const struct rules_action *a, struct hbuf *b)
{
	char dur[32];

	switch (a->kind) {
	case RULES_DO_REPLY:
	case RULES_DO_SEND:
		hbuf_printf(b, "%s template=%s", a->kind == RULES_DO_REPLY ?
		    "reply" : "send", a->arg);
		if (a->has_channel)
			hbuf_printf(b, " channel=%s", hark_channel_name(a->channel));
		break;
	case RULES_DO_TAG_ADD:
	case RULES_DO_TAG_REMOVE:
		hbuf_printf(b, "tag %s %s", a->kind == RULES_DO_TAG_ADD ? "add" :
		    "remove", a->arg);
		break;
	case RULES_DO_STATE:
		hbuf_printf(b, "state %s", a->arg);
		break;
	case RULES_DO_SNOOZE:
		rules_duration_format(a->ms, dur, sizeof dur);
		hbuf_printf(b, "snooze %s", dur);
		break;
	case RULES_DO_NOTIFY:
		hbuf_printf(b, "notify \"%s\"", a->arg);
		break;
	}
}
