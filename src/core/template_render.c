/* template_render.c — renders a compiled template with a cJSON context (contract in template.h). */

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "template_int.h"

#define MARK_OPEN "\xe2\x9f\xa8"   /* ⟨ U+27E8 */
#define MARK_CLOSE "\xe2\x9f\xa9"  /* ⟩ U+27E9 */

/*
 * Sections over arrays multiply: 32 nested sections over a ten-element array
 * would run for ever. A render stops past these bounds, far beyond any
 * message (an SMS is at most a few kilobytes).
 */
#define TR_MAX_OUTPUT (1024 * 1024)
#define TR_MAX_STEPS 1000000

/*
 * The context stack holds the root value and one entry per section being
 * rendered; sections nest at most TEMPLATE_MAX_DEPTH deep, so it never grows.
 */
struct trender {
	const struct template *t;
	unsigned flags;
	long utc_offset;
	const cJSON *stack[TEMPLATE_MAX_DEPTH + 1];
	int depth;
	struct hbuf out;
	struct hbuf val;       /* scratch: one variable's text */
	struct template_mark *miss;
	int nmiss;
	int capmiss;
	size_t steps;
	int over;              /* a bound was passed: stop */
};

static const cJSON *tr_lookup(const struct trender *r, const struct tnode *n);
static int	tr_blank(const char *s, size_t n);
static int	tr_truthy(const cJSON *v);
static void	tr_number(struct hbuf *b, double d);
static int	tr_scalar(struct hbuf *b, const cJSON *v);
static int	tr_value(struct hbuf *b, const cJSON *v);
static void	tr_emit(struct trender *r, const char *s, size_t n, int escape);
static void	tr_missing(struct trender *r, const struct tnode *n);
static void	tr_var(struct trender *r, const struct tnode *n);
static void	tr_range(struct trender *r, size_t from, size_t to);
static char	*tr_missing_cause(const struct trender *r);

/*
 * Mustache's lookup: the first part of a dotted name is searched from the
 * innermost context outwards; the rest only inside what it found, so a
 * broken chain is missing rather than falling back to an outer value.
 */
static const cJSON *
tr_lookup(const struct trender *r, const struct tnode *n)
{
	const cJSON *v = NULL;
	const char *part = n->parts;
	int k, i;

	if (n->nparts == 0)
		return r->depth > 0 ? r->stack[r->depth - 1] : NULL;
	for (k = r->depth - 1; k >= 0 && v == NULL; k--) {
		if (cJSON_IsObject(r->stack[k]))
			v = cJSON_GetObjectItemCaseSensitive(r->stack[k], part);
	}
	for (i = 1; i < n->nparts && v != NULL; i++) {
		part += strlen(part) + 1;
		v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, part) : NULL;
	}
	return v;
}

/* Only spaces, tabs and newlines: "Hi   ," is as wrong as "Hi ,". */
static int
tr_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	}
	return 1;
}

/* Present and not empty: not null, false, a blank string or []. */
static int
tr_truthy(const cJSON *v)
{
	if (v == NULL || cJSON_IsNull(v) || cJSON_IsFalse(v) || cJSON_IsInvalid(v))
		return 0;
	if (cJSON_IsString(v))
		return v->valuestring != NULL &&
		    !tr_blank(v->valuestring, strlen(v->valuestring));
	if (cJSON_IsArray(v))
		return v->child != NULL;
	return 1;
}

/* Integers without a decimal point; others in the fewest digits that read back the same. */
static void
tr_number(struct hbuf *b, double d)
{
	char buf[40];
	int prec;

	if (isfinite(d) && d > -9e15 && d < 9e15 && d == (double)(long long)d) {
		hbuf_printf(b, "%lld", (long long)d);
		return;
	}
	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	snprintf(buf, sizeof buf, "%.*g", prec, d);
	hbuf_adds(b, buf);
}

/* Appends a string, number or boolean; 0 for anything else or "". */
static int
tr_scalar(struct hbuf *b, const cJSON *v)
{
	if (cJSON_IsString(v) && v->valuestring != NULL && v->valuestring[0] != '\0')
		hbuf_adds(b, v->valuestring);
	else if (cJSON_IsNumber(v))
		tr_number(b, v->valuedouble);
	else if (cJSON_IsBool(v))
		hbuf_adds(b, cJSON_IsTrue(v) ? "true" : "false");
	else
		return 0;
	return 1;
}

/* A value's text into b (reset first): 1 when present, 0 when missing. */
static int
tr_value(struct hbuf *b, const cJSON *v)
{
	const cJSON *e;
	size_t mark;
	int any = 0;

	hbuf_reset(b);
	if (!cJSON_IsArray(v))
		return v != NULL && tr_scalar(b, v);
	for (e = v->child; e != NULL; e = e->next) {
		mark = b->len;
		if (any)
			hbuf_adds(b, ", ");
		if (tr_scalar(b, e))
			any = 1;
		else if (b->len != mark) {
			b->len = mark;
			b->data[mark] = '\0';
		}
	}
	return any;
}

static void
tr_emit(struct trender *r, const char *s, size_t n, int escape)
{
	size_t i, from = 0;
	const char *rep;

	if (!escape) {
		hbuf_add(&r->out, s, n);
		return;
	}
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		hbuf_add(&r->out, s + from, i - from);
		hbuf_adds(&r->out, rep);
		from = i + 1;
	}
	hbuf_add(&r->out, s + from, n - from);
}

static void
tr_missing(struct trender *r, const struct tnode *n)
{
	struct template_mark *m;

	if (r->nmiss == r->capmiss) {
		r->capmiss = r->capmiss ? r->capmiss * 2 : 8;
		r->miss = xreallocarray(r->miss, (size_t)r->capmiss, sizeof *r->miss);
	}
	m = &r->miss[r->nmiss++];
	m->name = xstrdup(n->name);
	m->start = r->out.len;
	if (r->flags & TEMPLATE_PREVIEW) {
		hbuf_adds(&r->out, MARK_OPEN);
		tr_emit(r, n->name, strlen(n->name), (r->flags & TEMPLATE_HTML) != 0);
		hbuf_adds(&r->out, MARK_CLOSE);
	}
	m->end = r->out.len;
}

/* Filters apply to a present value; a default is used as written. */
static void
tr_var(struct trender *r, const struct tnode *n)
{
	int present, k;

	present = tr_value(&r->val, tr_lookup(r, n));
	for (k = 0; k < n->nfilters && present; k++) {
		if (tfilter_apply(&n->filters[k], &r->val, r->utc_offset) != 0)
			present = 0;
	}
	if (present && !tr_blank(r->val.data, r->val.len))
		tr_emit(r, r->val.data, r->val.len,
		    (r->flags & TEMPLATE_HTML) && !n->raw);
	else if (n->def != NULL)
		hbuf_adds(&r->out, n->def);
	else
		tr_missing(r, n);
}

static void
tr_range(struct trender *r, size_t from, size_t to)
{
	const struct tnode *n;
	const cJSON *v, *e;
	size_t i = from;

	while (i < to && !r->over) {
		if (++r->steps > TR_MAX_STEPS || r->out.len > TR_MAX_OUTPUT) {
			r->over = 1;
			break;
		}
		n = &r->t->nodes[i];
		switch (n->kind) {
		case TN_TEXT:
			hbuf_add(&r->out, r->t->src + n->off, n->len);
			i++;
			break;
		case TN_VAR:
			tr_var(r, n);
			i++;
			break;
		case TN_SECTION:
			v = tr_lookup(r, n);
			HARK_ASSERT(r->depth < (int)HARK_NELEM(r->stack));
			if (tr_truthy(v) && cJSON_IsArray(v)) {
				for (e = v->child; e != NULL; e = e->next) {
					r->stack[r->depth++] = e;
					tr_range(r, i + 1, n->end);
					r->depth--;
				}
			} else if (tr_truthy(v)) {
				r->stack[r->depth++] = v;
				tr_range(r, i + 1, n->end);
				r->depth--;
			}
			i = n->end;
			break;
		case TN_INVERTED:
			if (!tr_truthy(tr_lookup(r, n)))
				tr_range(r, i + 1, n->end);
			i = n->end;
			break;
		}
	}
}

/* "missing variable: a" or "missing variables: a, b", each name once. */
static char *
tr_missing_cause(const struct trender *r)
{
	struct hbuf b = HBUF_INIT;
	char *why;
	int i, j, names = 0;

	for (i = 0; i < r->nmiss; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(r->miss[j].name, r->miss[i].name) == 0)
				break;
		}
		if (j < i)
			continue;
		hbuf_adds(&b, names++ ? ", " : "");
		hbuf_adds(&b, r->miss[i].name);
	}
	why = xasprintf("missing variable%s: %s", names > 1 ? "s" : "", hbuf_str(&b));
	hbuf_free(&b);
	return why;
}

int
template_render(const struct template *t, const struct cJSON *vars,
    const struct template_opts *opts, struct template_out *out, char **cause)
{
	struct trender r;
	char *why;

	memset(out, 0, sizeof *out);
	memset(&r, 0, sizeof r);
	r.t = t;
	r.flags = opts != NULL ? opts->flags : 0;
	r.utc_offset = opts != NULL ? opts->utc_offset : 0;
	if (vars != NULL)
		r.stack[r.depth++] = vars;
	tr_range(&r, 0, t->n);
	hbuf_free(&r.val);
	out->missing = r.miss;
	out->nmissing = r.nmiss;
	if (r.over) {
		set_cause(cause, "the template renders too much text (over %d KiB)"
		    " or loops too often", TR_MAX_OUTPUT / 1024);
		hbuf_free(&r.out);
		return -1;
	}
	if (r.nmiss > 0 && !(r.flags & (TEMPLATE_PREVIEW | TEMPLATE_LENIENT))) {
		why = tr_missing_cause(&r);
		set_cause(cause, "%s", why);
		free(why);
		hbuf_free(&r.out);
		return -1;
	}
	out->text = hbuf_steal(&r.out);
	return 0;
}

void
template_out_clear(struct template_out *out)
{
	int i;

	if (out == NULL)
		return;
	free(out->text);
	for (i = 0; i < out->nmissing; i++)
		free(out->missing[i].name);
	free(out->missing);
	memset(out, 0, sizeof *out);
}
