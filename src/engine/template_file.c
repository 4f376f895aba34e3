/*
 * template_file.c — the plain-text form of a template that `hark template
 * add|edit|show` and the TUI's `:template new|edit` put in $EDITOR:
 *
 *   name: follow-up
 *   category: sales
 *   email_subject: Following up
 *   sms:
 *   Hi {{first_name|there}}, it's {{my_name}}.
 *   email_text:
 *   ...
 *   variant: B
 *   weight: 1
 *   sms:
 *   Hey {{first_name|there}}!
 *
 * One-line headers (name, category, whatsapp_content_sid, email_subject,
 * and weight in a variant) come before the bodies of their part. A body
 * keyword (sms, whatsapp, email_text, email_html) with text after the colon
 * is a one-line body; alone on its line it starts a body that runs to the
 * next line starting with a body keyword or "variant:"; trailing blank lines
 * are dropped. "variant: NAME" starts an A/B variant: its weight and the
 * bodies (and email_subject) it replaces. Lines starting with '#' outside a
 * body are comments. Every body is checked as a template here, so that an
 * error names the line and column in the file.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/engine.h"
#include "hark/store.h"
#include "hark/template.h"

enum tf_key {
	TF_NAME, TF_CATEGORY, TF_SID, TF_SUBJECT, TF_WEIGHT, TF_VARIANT,
	TF_SMS, TF_WHATSAPP, TF_EMAIL_TEXT, TF_EMAIL_HTML, TF_NKEYS
};

static const char *const tf_keys[TF_NKEYS] = { "name", "category",
	"whatsapp_content_sid", "email_subject", "weight", "variant", "sms",
	"whatsapp", "email_text", "email_html" };

struct tf_parse {
	struct store_template *t;
	struct store_variant *v;   /* the variant being read, NULL: the base */
	char **body;               /* the block body being read, NULL: none */
	const char *body_name;
	int body_line;             /* its first line in the file */
	struct hbuf text;
};

static int	tf_key_of(const char *line, size_t len, const char **value);
static char   **tf_field(struct tf_parse *p, enum tf_key k);
static int	tf_check(const char *src, const char *part, const char *what,
		    int line, int col, char **cause);
static int	tf_end_block(struct tf_parse *p, char **cause);
static int	tf_line(struct tf_parse *p, const char *line, size_t len, int n,
		    char **cause);
static void	tf_put(struct hbuf *b, const char *key, const char *body);

/* The key a line starts with ("sms:"), or -1; *value after the colon and spaces. */
static int
tf_key_of(const char *line, size_t len, const char **value)
{
	size_t k;
	int i;

	for (i = 0; i < TF_NKEYS; i++) {
		k = strlen(tf_keys[i]);
		if (len > k && memcmp(line, tf_keys[i], k) == 0 && line[k] == ':') {
			*value = line + k + 1;
			*value += strspn(*value, " \t");
			return i;
		}
	}
	return -1;
}

/* Where a key's text goes in the part being read; NULL when it has none there. */
static char **
tf_field(struct tf_parse *p, enum tf_key k)
{
	struct store_variant *v = p->v;

	switch (k) {
	case TF_NAME: return v ? NULL : &p->t->name;
	case TF_CATEGORY: return v ? NULL : &p->t->category;
	case TF_SID: return v ? NULL : &p->t->whatsapp_content_sid;
	case TF_SUBJECT: return v ? &v->email_subject : &p->t->email_subject;
	case TF_SMS: return v ? &v->sms_body : &p->t->sms_body;
	case TF_WHATSAPP: return v ? &v->whatsapp_body : &p->t->whatsapp_body;
	case TF_EMAIL_TEXT: return v ? &v->email_text : &p->t->email_text;
	case TF_EMAIL_HTML: return v ? &v->email_html : &p->t->email_html;
	default: return NULL;
	}
}

/* Parses src as a template; an error is moved to the file's line and column. */
static int
tf_check(const char *src, const char *part, const char *what, int line, int col,
    char **cause)
{
	struct template *tp;
	char *why = NULL;
	int l = 0, c = 0, off = 0;

	if ((tp = template_parse(src, strlen(src), &why)) != NULL) {
		template_free(tp);
		return 0;
	}
	if (sscanf(why, "line %d, column %d: %n", &l, &c, &off) == 2 && off > 0) {
		/* A one-line body starts at col on its line; a block at column 1. */
		set_cause(cause, "line %d, column %d: %s%s body: %s", line + l - 1,
		    l == 1 ? c + col - 1 : c, part, what, why + off);
	} else
		set_cause(cause, "line %d: %s%s body: %s", line, part, what, why);
	free(why);
	return -1;
}

static int
tf_end_block(struct tf_parse *p, char **cause)
{
	char part[64] = "";
	char *s;

	if (p->body == NULL)
		return 0;
	while (p->text.len > 0 && (p->text.data[p->text.len - 1] == '\n' ||
	    p->text.data[p->text.len - 1] == ' ' || p->text.data[p->text.len - 1] == '\t'))
		p->text.data[--p->text.len] = '\0';
	s = hbuf_steal(&p->text);
	free(*p->body);
	*p->body = s;
	p->body = NULL;
	if (p->v != NULL)
		snprintf(part, sizeof part, "variant %s: ", p->v->name);
	return tf_check(s, part, p->body_name, p->body_line, 1, cause);
}

static int
tf_line(struct tf_parse *p, const char *line, size_t len, int n, char **cause)
{
	const char *value = NULL;
	char **field, part[64] = "", *s, *end;
	int k = tf_key_of(line, len, &value);
	size_t vlen = value != NULL ? len - (size_t)(value - line) : 0;

	while (vlen > 0 && (value[vlen - 1] == ' ' || value[vlen - 1] == '\t' ||
	    value[vlen - 1] == '\r'))
		vlen--;
	if (p->body != NULL && (k < TF_VARIANT)) {
		hbuf_add(&p->text, line, len);
		hbuf_addc(&p->text, '\n');
		return 0;
	}
	if (tf_end_block(p, cause) != 0)
		return -1;
	if (k < 0) {
		if (len == 0 || line[0] == '#' || strspn(line, " \t\r") == len)
			return 0;
		set_cause(cause, "line %d: '%.*s' is not a header (name:, category:, "
		    "email_subject:, ...) nor a body (sms:, whatsapp:, email_text:, "
		    "email_html:)", n, (int)(len > 40 ? 40 : len), line);
		return -1;
	}
	if (k == TF_VARIANT) {
		p->t->variants = xreallocarray(p->t->variants,
		    (size_t)p->t->nvariants + 1, sizeof *p->t->variants);
		p->v = &p->t->variants[p->t->nvariants++];
		memset(p->v, 0, sizeof *p->v);
		p->v->name = xstrndup(value, vlen);
		p->v->weight = 1;
		return 0;
	}
	if (k == TF_WEIGHT) {
		s = xstrndup(value, vlen);
		if (p->v == NULL || (p->v->weight = (int)strtol(s, &end, 10),
		    *s == '\0' || *end != '\0')) {
			set_cause(cause, "line %d: %s", n, p->v == NULL ?
			    "weight: belongs to a variant (after variant: NAME)" :
			    "weight: is a whole number");
			free(s);
			return -1;
		}
		free(s);
		return 0;
	}
	if ((field = tf_field(p, (enum tf_key)k)) == NULL) {
		set_cause(cause, "line %d: %s: is the template's, not a variant's "
		    "(put it before the first variant:)", n, tf_keys[k]);
		return -1;
	}
	if (k >= TF_SMS && vlen == 0) {
		p->body = field;
		p->body_name = tf_keys[k];
		p->body_line = n + 1;
		hbuf_reset(&p->text);
		return 0;
	}
	free(*field);
	*field = xstrndup(value, vlen);
	if (k == TF_SUBJECT || k >= TF_SMS) {
		if (p->v != NULL)
			snprintf(part, sizeof part, "variant %s: ", p->v->name);
		return tf_check(*field, part, tf_keys[k], n,
		    (int)(value - line) + 1, cause);
	}
	return 0;
}

int
engine_template_parse_file(const char *text, struct store_template *t,
    char **cause)
{
	struct tf_parse p;
	const char *line, *nl;
	size_t len;
	int n = 0, rc = 0;

	memset(t, 0, sizeof *t);
	memset(&p, 0, sizeof p);
	p.t = t;
	for (line = text; rc == 0 && *line != '\0'; line = nl != NULL ? nl + 1 :
	    line + len) {
		nl = strchr(line, '\n');
		len = nl != NULL ? (size_t)(nl - line) : strlen(line);
		n++;
		/* The line's own \r (a file saved with CRLF) is not text. */
		rc = tf_line(&p, line, len > 0 && line[len - 1] == '\r' ? len - 1 :
		    len, n, cause);
	}
	if (rc == 0)
		rc = tf_end_block(&p, cause);
	hbuf_free(&p.text);
	if (rc == 0 && (t->name == NULL || *t->name == '\0')) {
		set_cause(cause, "the template needs a name (a line \"name: ...\")");
		rc = -1;
	}
	if (rc != 0)
		store_template_clear(t);
	return rc;
}

/* key: on its own line, then the body; a one-line body after the colon. */
static void
tf_put(struct hbuf *b, const char *key, const char *body)
{
	if (body == NULL || *body == '\0')
		return;
	if (strchr(body, '\n') == NULL && strcmp(key, "email_html") != 0)
		hbuf_printf(b, "%s: %s\n", key, body);
	else
		hbuf_printf(b, "%s:\n%s\n", key, body);
}

char *
engine_template_format(const struct store_template *t, int help)
{
	struct hbuf b = HBUF_INIT;
	const struct store_variant *v;
	int i;

	if (help) {
		hbuf_adds(&b,
		    "# A hark template. Save and quit to keep it; remove the name to cancel.\n"
		    "# Headers, one line each: name, category, email_subject,\n"
		    "# whatsapp_content_sid. Bodies: a line \"sms:\", \"whatsapp:\",\n"
		    "# \"email_text:\" or \"email_html:\" alone starts a body that runs to\n"
		    "# the next such line (text after the colon is a one-line body).\n"
		    "# Variables: {{first_name|there}} (a default), {{name|upper}},\n"
		    "# {{due|date:%-d %b}}, {{#company}}at {{company}}{{/company}};\n"
		    "# from the contact (name, first_name, company, custom fields, tags),\n"
		    "# the conversation (last_inbound), [identity] (my_name, my_email,\n"
		    "# my_phone) and dates (today, now). An A/B test: \"variant: A\",\n"
		    "# \"weight: 1\" and the bodies that differ, for each variant.\n");
	}
	hbuf_printf(&b, "name: %s\n", t->name != NULL ? t->name : "");
	if (t->category != NULL || help)
		hbuf_printf(&b, "category: %s\n", t->category ? t->category : "");
	tf_put(&b, "whatsapp_content_sid", t->whatsapp_content_sid);
	tf_put(&b, "email_subject", t->email_subject);
	tf_put(&b, "sms", t->sms_body);
	if (help && t->sms_body == NULL)
		hbuf_adds(&b, "sms:\n\n");
	tf_put(&b, "whatsapp", t->whatsapp_body);
	tf_put(&b, "email_text", t->email_text);
	tf_put(&b, "email_html", t->email_html);
	for (i = 0; i < t->nvariants; i++) {
		v = &t->variants[i];
		hbuf_printf(&b, "\nvariant: %s\nweight: %d\n", v->name, v->weight);
		tf_put(&b, "email_subject", v->email_subject);
		tf_put(&b, "sms", v->sms_body);
		tf_put(&b, "whatsapp", v->whatsapp_body);
		tf_put(&b, "email_text", v->email_text);
		tf_put(&b, "email_html", v->email_html);
	}
	return hbuf_steal(&b);
}
