/*
 * template_use.c — rendering a stored template for one contact: the
 * variables a template sees (one builder for the TUI, the CLI, bulk sends and
 * rules), the A/B variant the contact gets, and the body for a channel.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/store.h"
#include "hark/template.h"
#include "engine_int.h"

#define TU_MAX_VARIANTS 64

static void	tu_set(cJSON *o, const char *key, const char *value);
static void	tu_local_time(int64_t ms, char *buf, size_t size, int date_only);
static void	tu_contact(const struct store_contact *c, cJSON *v);
static cJSON	*tu_vars(struct store *st, const struct config *cfg,
		    const struct store_contact *c, enum hark_channel ch,
		    int64_t now_ms);
static void	tu_conversation(struct store *st, int64_t contact_id, cJSON *v);
static const char *tu_body(const struct store_template *t,
		    const struct store_variant *var, enum hark_channel ch);
static int	tu_render(const char *src, const cJSON *vars, unsigned flags,
		    long utc_offset, char **text, struct hbuf *missing,
		    int *nmissing, char **cause);
static char	*tu_missing_list(struct hbuf *b);

/* Sets key to a string, replacing a custom field of the same name. */
static void
tu_set(cJSON *o, const char *key, const char *value)
{
	if (value == NULL)
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	cJSON_AddStringToObject(o, key, value);
}

/* Local wall-clock time with its offset ("2026-11-23T15:40:00+01:00"), or
 * the local date alone; the date: filter keeps the wall-clock time. */
static void
tu_local_time(int64_t ms, char *buf, size_t size, int date_only)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	long off;

	localtime_r(&secs, &tm);
	if (date_only) {
		strftime(buf, size, "%Y-%m-%d", &tm);
		return;
	}
	off = labs(tm.tm_gmtoff) / 60 % (24 * 60);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100, tm.tm_mday % 100,
	    tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100,
	    tm.tm_gmtoff < 0 ? '-' : '+', (int)(off / 60), (int)(off % 60));
}

/* The contact's custom fields, then its own: name, first_name, last_name,
 * company, phone, whatsapp, email, tags (an array). */
static void
tu_contact(const struct store_contact *c, cJSON *v)
{
	cJSON *fields, *f, *tags;
	char first[256], *tag, *save = NULL, *list;
	size_t n;
	int i;

	fields = cJSON_Parse(c->fields != NULL ? c->fields : "{}");
	if (cJSON_IsObject(fields)) {
		cJSON_ArrayForEach(f, fields)
			cJSON_AddItemToObject(v, f->string, cJSON_Duplicate(f, 1));
	}
	cJSON_Delete(fields);
	tu_set(v, "name", c->name);
	n = strcspn(c->name, " ");
	snprintf(first, sizeof first, "%.*s", (int)n, c->name);
	tu_set(v, "first_name", first);
	if (c->name[n] == ' ')
		tu_set(v, "last_name", c->name + n + 1 + strspn(c->name + n + 1, " "));
	tu_set(v, "company", c->company);
	for (i = c->nids - 1; i >= 0; i--) {
		tu_set(v, c->ids[i].kind == STORE_ID_EMAIL ? "email" :
		    c->ids[i].kind == STORE_ID_WHATSAPP ? "whatsapp" : "phone",
		    c->ids[i].address);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(v, "tags");
	tags = cJSON_AddArrayToObject(v, "tags");
	list = xstrdup(c->tags != NULL ? c->tags : "");
	for (tag = strtok_r(list, ",", &save); tag != NULL;
	    tag = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(tags, cJSON_CreateString(tag));
	free(list);
}

/* The conversation: when the contact last wrote, and on which channel. */
static void
tu_conversation(struct store *st, int64_t contact_id, cJSON *v)
{
	enum hark_channel ch = HARK_CH_SMS;
	int64_t last = 0;
	char when[40];

	if (contact_id <= 0 ||
	    store_last_inbound_any(st, contact_id, &last, &ch, NULL) != 0 ||
	    last == 0)
		return;
	tu_local_time(last, when, sizeof when, 0);
	tu_set(v, "last_inbound", when);
	tu_set(v, "last_inbound_channel", hark_channel_name(ch));
}

/* The variables for contact c (NULL: none), already read. */
static cJSON *
tu_vars(struct store *st, const struct config *cfg,
    const struct store_contact *c, enum hark_channel ch, int64_t now_ms)
{
	cJSON *v = cJSON_CreateObject();
	char when[40];

	if (c != NULL) {
		tu_contact(c, v);
		tu_conversation(st, c->id, v);
	}
	tu_set(v, "channel", hark_channel_name(ch));
	if (cfg != NULL) {
		tu_set(v, "my_name", cfg->identity_name);
		tu_set(v, "my_email", cfg->identity_email);
		tu_set(v, "my_phone", cfg->identity_phone);
	}
	tu_local_time(now_ms, when, sizeof when, 1);
	tu_set(v, "today", when);
	tu_local_time(now_ms, when, sizeof when, 0);
	tu_set(v, "now", when);
	return v;
}

cJSON *
engine_template_vars(struct store *st, const struct config *cfg,
    int64_t contact_id, enum hark_channel ch, int64_t now_ms)
{
	struct store_contact c;
	cJSON *v;
	int have;

	memset(&c, 0, sizeof c);
	have = contact_id > 0 && store_contact_get(st, contact_id, &c, NULL) == 0;
	v = tu_vars(st, cfg, have ? &c : NULL, ch, now_ms);
	store_contact_clear(&c);
	return v;
}

const struct store_variant *
engine_template_variant(const struct store_template *t, int64_t contact_id)
{
	int weights[TU_MAX_VARIANTS], i, n = t->nvariants;

	if (n <= 0)
		return NULL;
	if (n > TU_MAX_VARIANTS)
		n = TU_MAX_VARIANTS;
	for (i = 0; i < n; i++)
		weights[i] = t->variants[i].weight;
	i = abtest_pick(t->id, contact_id, weights, n);
	return i >= 0 ? &t->variants[i] : NULL;
}

/* The body for a channel: the variant's when it has one, else the version's;
 * a channel with no body of its own falls back to the SMS text. */
static const char *
tu_body(const struct store_template *t, const struct store_variant *var,
    enum hark_channel ch)
{
	const char *vb = NULL, *tb = NULL;

	if (ch == HARK_CH_EMAIL) {
		vb = var != NULL ? var->email_text : NULL;
		tb = t->email_text;
	} else if (ch == HARK_CH_WHATSAPP) {
		vb = var != NULL ? var->whatsapp_body : NULL;
		tb = t->whatsapp_body;
	}
	if (vb != NULL)
		return vb;
	if (tb != NULL)
		return tb;
	if (var != NULL && var->sms_body != NULL)
		return var->sms_body;
	if (t->sms_body != NULL)
		return t->sms_body;
	return t->email_text != NULL ? t->email_text : t->whatsapp_body;
}

/*
 * Renders one body with ⟨name⟩ markers; each missing name is added once to
 * *missing, kept as ",a,b," so that a whole name is found between commas.
 */
static int
tu_render(const char *src, const cJSON *vars, unsigned flags, long utc_offset,
    char **text, struct hbuf *missing, int *nmissing, char **cause)
{
	struct template_opts o;
	struct template_out out;
	struct template *tp;
	char *key;
	int i, rc;

	*text = NULL;
	if (src == NULL)
		return 0;
	if ((tp = template_parse(src, strlen(src), cause)) == NULL)
		return -1;
	o.flags = flags | TEMPLATE_PREVIEW;
	o.utc_offset = utc_offset;
	memset(&out, 0, sizeof out);
	rc = template_render(tp, vars, &o, &out, cause);
	template_free(tp);
	if (rc != 0)
		return -1;
	if (missing->len == 0)
		hbuf_addc(missing, ',');
	for (i = 0; i < out.nmissing; i++) {
		key = xasprintf(",%s,", out.missing[i].name);
		if (strstr(hbuf_str(missing), key) == NULL) {
			hbuf_printf(missing, "%s,", out.missing[i].name);
			(*nmissing)++;
		}
		free(key);
	}
	*text = out.text;
	out.text = NULL;
	template_out_clear(&out);
	return 0;
}

void
engine_rendered_clear(struct engine_rendered *r)
{
	free(r->variant);
	free(r->subject);
	free(r->body);
	free(r->html);
	free(r->content_sid);
	free(r->missing);
	memset(r, 0, sizeof *r);
}

/* ",a,b," to "a, b". */
static char *
tu_missing_list(struct hbuf *b)
{
	struct hbuf out = HBUF_INIT;
	char *list = hbuf_steal(b), *name, *save = NULL;

	for (name = strtok_r(list, ",", &save); name != NULL;
	    name = strtok_r(NULL, ",", &save))
		hbuf_printf(&out, "%s%s", out.len ? ", " : "", name);
	free(list);
	return hbuf_steal(&out);
}

int
engine_template_render(struct store *st, const struct config *cfg,
    const struct store_template *t, int64_t contact_id, enum hark_channel ch,
    const struct cJSON *extra, unsigned flags, struct engine_rendered *r,
    char **cause)
{
	struct store_contact c;
	int have, rc;

	memset(&c, 0, sizeof c);
	have = contact_id > 0 && store_contact_get(st, contact_id, &c, NULL) == 0;
	rc = template_render_for(st, cfg, t, contact_id, have ? &c : NULL, ch,
	    extra, flags, r, cause);
	store_contact_clear(&c);
	return rc;
}

int
template_render_for(struct store *st, const struct config *cfg,
    const struct store_template *t, int64_t contact_id,
    const struct store_contact *c, enum hark_channel ch,
    const struct cJSON *extra, unsigned flags, struct engine_rendered *r,
    char **cause)
{
	const struct store_variant *var = engine_template_variant(t, contact_id);
	const char *subject, *html;
	struct hbuf missing = HBUF_INIT;
	cJSON *vars, *e;
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	memset(r, 0, sizeof r[0]);
	r->version_id = t->version_id;
	r->variant = var != NULL ? xstrdup(var->name) : NULL;
	vars = tu_vars(st, cfg, c, ch, hark_now_ms());
	cJSON_ArrayForEach(e, extra) {
		if (e->string != NULL) {
			cJSON_DeleteItemFromObjectCaseSensitive(vars, e->string);
			cJSON_AddItemToObject(vars, e->string, cJSON_Duplicate(e, 1));
		}
	}
	localtime_r(&now, &tm);
	subject = var != NULL && var->email_subject != NULL ? var->email_subject :
	    t->email_subject;
	html = var != NULL && var->email_html != NULL ? var->email_html :
	    t->email_html;
	rc = tu_render(tu_body(t, var, ch), vars, flags, tm.tm_gmtoff, &r->body,
	    &missing, &r->nmissing, cause);
	if (rc == 0 && ch == HARK_CH_EMAIL)
		rc = tu_render(subject, vars, flags, tm.tm_gmtoff, &r->subject,
		    &missing, &r->nmissing, cause);
	if (rc == 0 && ch == HARK_CH_EMAIL)
		rc = tu_render(html, vars, flags | TEMPLATE_HTML, tm.tm_gmtoff,
		    &r->html, &missing, &r->nmissing, cause);
	cJSON_Delete(vars);
	if (rc == 0 && r->body == NULL) {
		set_cause(cause, "template '%s' has no text for %s", t->name,
		    hark_channel_name(ch));
		rc = -1;
	}
	if (ch == HARK_CH_WHATSAPP && t->whatsapp_content_sid != NULL)
		r->content_sid = xstrdup(t->whatsapp_content_sid);
	r->missing = tu_missing_list(&missing);
	if (rc == 0 && r->nmissing > 0 && !(flags & TEMPLATE_PREVIEW)) {
		set_cause(cause, "cannot render '%s' for %s: missing variables: %s",
		    t->name, hark_channel_name(ch), r->missing);
		rc = -1;
	}
	if (rc != 0) {
		/* Keep the list of what is missing; drop the half-rendered text. */
		char *keep = r->missing;
		int n = r->nmissing;

		r->missing = NULL;
		engine_rendered_clear(r);
		r->missing = keep;
		r->nmissing = n;
	}
	return rc;
}
