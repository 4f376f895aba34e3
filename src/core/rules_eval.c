/*
 * rules_eval.c — the pure half of running a rule: does an event trigger it,
 * do its conditions hold for a contact, may it fire again yet, and does an
 * inbound message look written by a machine (loop guards).
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "rules_int.h"

static int cond_holds(const struct rules_cond *c, const struct rules_subject *s,
    struct hbuf *why);

int
rules_triggered_by(const struct rule *r, const struct rules_event *ev)
{
	switch (r->when) {
	case RULES_WHEN_INBOUND:
		return ev->kind == RULES_WHEN_INBOUND;
	case RULES_WHEN_KEYWORD:
		return ev->kind == RULES_WHEN_INBOUND &&
		    rules_regex_match(r->re, ev->text);
	case RULES_WHEN_STATE:
	case RULES_WHEN_TAG_ADDED:
	case RULES_WHEN_TAG_REMOVED:
		return ev->kind == r->when && ev->text != NULL &&
		    strcmp(ev->text, r->arg) == 0;
	case RULES_WHEN_NO_REPLY:
	case RULES_WHEN_SCHEDULE:
		return ev->kind == r->when; /* timers: the engine decides when */
	}
	return 0;
}

/* True when the comma-separated list has the item. */
static int
list_has(const char *list, const char *item)
{
	size_t n = strlen(item);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, item, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
	return 0;
}

/* A custom field as text ("" when absent; numbers as written by cJSON). */
static char *
field_text(const char *fields, const char *key, int *present)
{
	cJSON *o = fields != NULL ? cJSON_Parse(fields) : NULL, *v;
	char *out = NULL;

	*present = 0;
	v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
	if (cJSON_IsString(v) && v->valuestring != NULL) {
		out = xstrdup(v->valuestring);
		*present = out[strspn(out, " \t\r\n")] != '\0';
	} else if (cJSON_IsNumber(v) || cJSON_IsBool(v)) {
		char *p = cJSON_PrintUnformatted(v);

		out = xstrdup(p);
		cJSON_free(p);
		*present = 1;
	}
	cJSON_Delete(o);
	return out != NULL ? out : xstrdup("");
}

static int
field_holds(const struct rules_cond *c, const struct rules_subject *s,
    struct hbuf *why)
{
	int present, ok;
	char *v = field_text(s->fields, c->name, &present);

	switch (c->op) {
	case RULES_OP_PRESENT:
		ok = present;
		if (why != NULL)
			hbuf_printf(why, "field %s is %s", c->name, present ?
			    "set" : "not set");
		break;
	case RULES_OP_EQ:
	case RULES_OP_NE:
		ok = strcasecmp(v, c->value) == 0;
		if (c->op == RULES_OP_NE)
			ok = !ok;
		if (why != NULL)
			hbuf_printf(why, "field %s is '%s'", c->name, v);
		break;
	default:
		ok = rules_regex_match(c->re, v);
		if (why != NULL)
			hbuf_printf(why, "field %s is '%s'", c->name, v);
		break;
	}
	free(v);
	return ok;
}

/* Whether c holds (negation applied); why gets the fact it rests on. */
static int
cond_holds(const struct rules_cond *c, const struct rules_subject *s,
    struct hbuf *why)
{
	int ok;

	switch (c->kind) {
	case RULES_IF_CHANNEL:
		ok = s->has_channel && (c->channels & (1u << s->channel)) != 0;
		if (why != NULL)
			hbuf_printf(why, "the channel is %s", s->has_channel ?
			    hark_channel_name(s->channel) : "not known");
		break;
	case RULES_IF_TAG:
		ok = list_has(s->tags, c->name);
		if (why != NULL)
			hbuf_printf(why, "%s tag %s", ok ? "has" : "has no", c->name);
		break;
	case RULES_IF_STATE:
		ok = s->state != NULL && strcmp(s->state, c->name) == 0;
		if (why != NULL)
			hbuf_printf(why, "the conversation is %s",
			    s->state != NULL ? s->state : "unknown");
		break;
	default:
		ok = field_holds(c, s, why);
		break;
	}
	return c->negate ? !ok : ok;
}

int
rules_conds_hold(const struct rule *r, const struct rules_subject *s,
    struct hbuf *why)
{
	struct hbuf fact = HBUF_INIT;
	int i;

	for (i = 0; i < r->nconds; i++) {
		hbuf_reset(&fact);
		if (cond_holds(&r->conds[i], s, why != NULL ? &fact : NULL))
			continue;
		if (why != NULL)
			hbuf_printf(why, "condition %d (line %d) fails: %s", i + 1,
			    r->conds[i].line, hbuf_str(&fact));
		hbuf_free(&fact);
		return 0;
	}
	hbuf_free(&fact);
	return 1;
}

int
rules_period_ok(int64_t last, int64_t period_ms, int64_t now, int64_t *next)
{
	if (period_ms <= 0 || last <= 0 || now - last >= period_ms)
		return 1;
	if (next != NULL)
		*next = last + period_ms;
	return 0;
}

int
rules_rate_ok(const struct rules *set, int sent)
{
	return sent < set->rate_max;
}

/* ---- machines writing --------------------------------------------------------------- */

static int
starts_ci(const char *s, const char *prefix)
{
	while (s != NULL && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++;
	return s != NULL && strncasecmp(s, prefix, strlen(prefix)) == 0;
}

const char *
rules_text_automatic(const char *subject, const char *body)
{
	static const char *const openings[] = {
		"Automatic reply", "Auto-reply", "Autoreply", "Auto reply",
		"Auto:", "Out of Office", "Out of the office", "Autosvar",
		"Abwesenheitsnotiz", "Réponse automatique"
	};
	size_t i;

	for (i = 0; i < HARK_NELEM(openings); i++) {
		if (starts_ci(subject, openings[i]))
			return "the subject says it is an automatic reply";
		if (starts_ci(body, openings[i]))
			return "the text says it is an automatic reply";
	}
	return NULL;
}

/* The value of header name in the block (unfolded first line only), or NULL. */
static const char *
header_value(const char *raw, size_t len, const char *name, size_t *vlen)
{
	const char *p = raw, *end = raw + len, *eol;
	size_t n = strlen(name);

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		if (eol == p || (eol == p + 1 && *p == '\r'))
			return NULL;            /* the blank line: headers end */
		if ((size_t)(eol - p) > n && strncasecmp(p, name, n) == 0 &&
		    p[n] == ':') {
			p += n + 1;
			while (p < eol && (*p == ' ' || *p == '\t'))
				p++;
			*vlen = (size_t)(eol - p);
			while (*vlen > 0 && isspace((unsigned char)p[*vlen - 1]))
				(*vlen)--;
			return p;
		}
		p = eol + 1;
	}
	return NULL;
}

const char *
rules_headers_automatic(const char *raw, size_t len)
{
	static const char *const prec[] = { "bulk", "junk", "list", "auto_reply" };
	const char *v;
	size_t n, i;

	if (raw == NULL)
		return NULL;
	if ((v = header_value(raw, len, "Auto-Submitted", &n)) != NULL &&
	    !(n == 2 && strncasecmp(v, "no", 2) == 0))
		return "Auto-Submitted says it was sent automatically";
	if ((v = header_value(raw, len, "Precedence", &n)) != NULL)
		for (i = 0; i < HARK_NELEM(prec); i++)
			if (n == strlen(prec[i]) && strncasecmp(v, prec[i], n) == 0)
				return "Precedence marks it bulk or automatic";
	if (header_value(raw, len, "X-Autoreply", &n) != NULL ||
	    header_value(raw, len, "X-Autorespond", &n) != NULL)
		return "an X-Autoreply header marks it automatic";
	return NULL;
}
