/* template.c — parses hark's Mustache-like templates into a flat node array (syntax in template.h). */

#include <stdlib.h>
#include <string.h>

#include "template_int.h"

/* How much of a bad tag an error message quotes. */
#define TP_EXCERPT 32

struct tparse {
	struct template *t;
	const char *s;
	size_t len;
	size_t text_start;     /* start of the text not yet turned into a node */
	size_t stack[TEMPLATE_MAX_DEPTH];  /* node index of each open section */
	size_t stack_at[TEMPLATE_MAX_DEPTH]; /* where its tag starts, for errors */
	int depth;
	char **cause;
};

/* A tag as found in the source: {{<sigil> content }}. */
struct ttag {
	size_t start;          /* offset of the first '{' */
	size_t end;            /* offset just past the closing braces */
	char sigil;            /* '#', '^', '/', '!', '&', '{', '>', '=', or 0 */
	const char *body;      /* content between sigil and closing braces, trimmed */
	size_t blen;
};

static struct tnode *tp_node(struct template *t, enum tnode_kind kind);
static void	tp_text(struct tparse *p, size_t from, size_t to);
static int	tp_error(struct tparse *p, size_t at, const char *fmt, ...)
		    HARK_PRINTF(3, 4);
static char	*tp_excerpt(const char *s, size_t len);
static int	tp_find_close(struct tparse *p, struct ttag *tag);
static int	tp_standalone(const struct tparse *p, const struct ttag *tag,
		    size_t *ws, size_t *next);
static int	tp_name(struct tparse *p, const struct ttag *tag, const char *s,
		    size_t n, struct tnode *node);
static int	tp_modifiers(struct tparse *p, const struct ttag *tag,
		    struct tnode *node, const char *s, size_t n);
static int	tp_segment(struct tparse *p, const struct ttag *tag,
		    struct tnode *node, const char *s, size_t n);
static int	tp_filter_check(struct tparse *p, const struct ttag *tag,
		    const struct tnode *node, const struct tfilter *f);
static int	tp_section(struct tparse *p, const struct ttag *tag);
static int	tp_close(struct tparse *p, const struct ttag *tag);
static int	tp_tag(struct tparse *p, const struct ttag *tag);
static void	tp_trim(const char **s, size_t *n);
static const char *tp_find(const char *s, size_t len, size_t from, const char *pat);
static int	tnode_guarded(const struct template *t, size_t j);

static void
tp_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' ||
	    (*s)[*n - 1] == '\n' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

/* memmem for a short pattern, bounded by len. */
static const char *
tp_find(const char *s, size_t len, size_t from, const char *pat)
{
	size_t plen = strlen(pat), i;

	for (i = from; i + plen <= len; i++) {
		if (s[i] == pat[0] && memcmp(s + i, pat, plen) == 0)
			return s + i;
	}
	return NULL;
}

static struct tnode *
tp_node(struct template *t, enum tnode_kind kind)
{
	struct tnode *n;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->nodes = xreallocarray(t->nodes, t->cap, sizeof *t->nodes);
	}
	n = &t->nodes[t->n++];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	return n;
}

static void
tp_text(struct tparse *p, size_t from, size_t to)
{
	struct tnode *n;

	if (to <= from)
		return;
	n = tp_node(p->t, TN_TEXT);
	n->off = from;
	n->len = to - from;
}

/* A short, printable quotation of source text, cut on a character boundary. */
static char *
tp_excerpt(const char *s, size_t len)
{
	char *e;
	size_t n = len < TP_EXCERPT ? len : TP_EXCERPT, i;

	while (n < len && n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	e = xmalloc(n + 4);
	memcpy(e, s, n);
	for (i = 0; i < n; i++) {
		if ((unsigned char)e[i] < 0x20 || e[i] == 0x7f)
			e[i] = ' ';
	}
	memcpy(e + n, n < len ? "..." : "", n < len ? 4 : 1);
	return e;
}

/* Sets "line L, column C: <message>" for source offset at; returns -1. */
static int
tp_error(struct tparse *p, size_t at, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	size_t i;
	int line = 1, col = 1;

	for (i = 0; i < at && i < p->len; i++) {
		if (p->s[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)p->s[i] & 0xc0) != 0x80)
			col++;
	}
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	set_cause(p->cause, "line %d, column %d: %s", line, col, msg);
	free(msg);
	return -1;
}

/*
 * Finds the end of the tag opening at tag->start. A comment may span lines;
 * any other tag ends on its own line, so an unclosed "{{name" is reported
 * where it opens instead of swallowing text up to some later "}}".
 */
static int
tp_find_close(struct tparse *p, struct ttag *tag)
{
	const char *s = p->s, *close;
	size_t b = tag->start + 2, i;
	char *ex;
	int triple;

	tag->sigil = b < p->len ? s[b] : 0;
	if (strchr("#^/!&{>=", tag->sigil) == NULL || tag->sigil == 0)
		tag->sigil = 0;
	else
		b++;
	triple = tag->sigil == '{';
	if (tag->sigil == '!') {
		if ((close = tp_find(s, p->len, b, "}}")) != NULL) {
			tag->body = s + b;
			tag->blen = (size_t)(close - s) - b;
			tag->end = (size_t)(close - s) + 2;
			return 0;
		}
		i = p->len;
	} else {
		for (i = b; i < p->len && s[i] != '\n'; i++) {
			if (s[i] == '{' && i + 1 < p->len && s[i + 1] == '{')
				break;
			if (s[i] != '}' || i + 1 >= p->len || s[i + 1] != '}')
				continue;
			if (triple && (i + 2 >= p->len || s[i + 2] != '}')) {
				ex = tp_excerpt(s + tag->start, i + 2 - tag->start);
				tp_error(p, tag->start, "unclosed tag '%s' (needs '}}}')", ex);
				free(ex);
				return -1;
			}
			tag->body = s + b;
			tag->blen = i - b;
			tag->end = i + (triple ? 3 : 2);
			tp_trim(&tag->body, &tag->blen);
			return 0;
		}
	}
	ex = tp_excerpt(s + tag->start, i - tag->start);
	tp_error(p, tag->start, "unclosed tag '%s'", ex);
	free(ex);
	return -1;
}

/*
 * Mustache's standalone rule: a section, inverted-section, closing or comment
 * tag with only spaces and tabs between it and both ends of its line takes
 * the whole line with it. *ws is where the line's leading blanks start and
 * *next is just past its newline (or the end of the source).
 */
static int
tp_standalone(const struct tparse *p, const struct ttag *tag, size_t *ws, size_t *next)
{
	const char *s = p->s;
	size_t i = tag->start, j = tag->end;

	if (tag->sigil != '#' && tag->sigil != '^' && tag->sigil != '/' &&
	    tag->sigil != '!')
		return 0;
	while (i > p->text_start && (s[i - 1] == ' ' || s[i - 1] == '\t'))
		i--;
	if (i > 0 && s[i - 1] != '\n')
		return 0;
	while (j < p->len && (s[j] == ' ' || s[j] == '\t'))
		j++;
	if (j < p->len && s[j] == '\n')
		j++;
	else if (j + 1 < p->len && s[j] == '\r' && s[j + 1] == '\n')
		j += 2;
	else if (j < p->len)
		return 0;
	*ws = i;
	*next = j;
	return 1;
}

/* Fills node's name and parts from s (n bytes, already trimmed). */
static int
tp_name(struct tparse *p, const struct ttag *tag, const char *s, size_t n,
    struct tnode *node)
{
	size_t i;
	char *ex;

	if (n == 0)
		return tp_error(p, tag->start, "empty tag '{{}}' (a name is missing)");
	if (memchr(s, '\0', n) != NULL)
		return tp_error(p, tag->start, "a NUL byte inside a tag");
	node->name = xstrndup(s, n);
	if (n == 1 && s[0] == '.')
		return 0;
	node->parts = xstrndup(s, n);
	node->nparts = 1;
	for (i = 0; i < n; i++) {
		if (node->parts[i] == '.') {
			node->parts[i] = '\0';
			node->nparts++;
		}
		if ((node->parts[i] == '\0' && (i == 0 || i + 1 == n ||
		    node->parts[i - 1] == '\0')) || s[i] == '{' || s[i] == '}') {
			ex = tp_excerpt(s, n);
			tp_error(p, tag->start, "bad name '%s'", ex);
			free(ex);
			return -1;
		}
	}
	return 0;
}

/* One "|..." part of a variable tag: a filter, or the default. */
static int
tp_segment(struct tparse *p, const struct ttag *tag, struct tnode *node,
    const char *s, size_t n)
{
	enum tfilter_kind kind;
	struct tfilter *f;
	size_t w = 0;
	char *ex;

	tp_trim(&s, &n);
	while (w < n && ((s[w] >= 'a' && s[w] <= 'z') || (s[w] >= 'A' && s[w] <= 'Z') ||
	    s[w] == '_'))
		w++;
	if (w > 0 && (w == n || s[w] == ':') && tfilter_lookup(s, w, &kind) == 0) {
		node->filters = xreallocarray(node->filters, (size_t)node->nfilters + 1,
		    sizeof *node->filters);
		f = &node->filters[node->nfilters++];
		f->kind = kind;
		f->arg = w < n ? xstrndup(s + w + 1, n - w - 1) : NULL;
		return 0;
	}
	if (w > 0 && w < n && s[w] == ':') {
		ex = xstrndup(s, w);
		tp_error(p, tag->start, "unknown filter '%s' (known: upper, lower,"
		    " title, first, date, money; quote a default that has ':')", ex);
		free(ex);
		return -1;
	}
	if (node->def != NULL)
		return tp_error(p, tag->start, "'{{%s}}' has two defaults", node->name);
	if (n > 0 && s[0] == '"') {
		if (n < 2 || s[n - 1] != '"')
			return tp_error(p, tag->start, "unterminated quoted default in"
			    " '{{%s}}'", node->name);
		node->def = xstrndup(s + 1, n - 2);
	} else
		node->def = xstrndup(s, n);
	return 0;
}

/* Checks a filter's argument once its segment is parsed. */
static int
tp_filter_check(struct tparse *p, const struct ttag *tag, const struct tnode *node,
    const struct tfilter *f)
{
	char *why = NULL;
	const char *a = f->arg;

	switch (f->kind) {
	case TF_DATE:
		if (a == NULL || *a == '\0')
			return tp_error(p, tag->start, "filter 'date' needs a format,"
			    " e.g. '{{%s|date:%%d %%b}}'", node->name);
		if (tfilter_date_check(a, &why) != 0) {
			tp_error(p, tag->start, "%s", why);
			free(why);
			return -1;
		}
		return 0;
	case TF_MONEY:
		if (a != NULL && (strlen(a) != 3 || strspn(a,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3))
			return tp_error(p, tag->start, "filter 'money' takes a"
			    " currency code such as USD, not '%s'", a);
		return 0;
	default:
		if (a != NULL)
			return tp_error(p, tag->start, "filter '%s' takes no argument",
			    f->kind == TF_UPPER ? "upper" : f->kind == TF_LOWER ?
			    "lower" : f->kind == TF_TITLE ? "title" : "first");
		return 0;
	}
}

/* Splits a variable tag's body at '|' outside double quotes. */
static int
tp_modifiers(struct tparse *p, const struct ttag *tag, struct tnode *node,
    const char *s, size_t n)
{
	const char *name = s;
	size_t i, from, first = n, nlen;
	int quoted = 0, k;

	for (i = 0; i < n && first == n; i++) {
		if (s[i] == '|')
			first = i;
	}
	nlen = first;
	tp_trim(&name, &nlen);
	if (tp_name(p, tag, name, nlen, node) != 0)
		return -1;
	for (from = first + 1, i = from; first < n && i <= n; i++) {
		if (i < n && s[i] == '"')
			quoted = !quoted;
		if (i < n && (quoted || s[i] != '|'))
			continue;
		if (tp_segment(p, tag, node, s + from, i - from) != 0)
			return -1;
		from = i + 1;
	}
	for (k = 0; k < node->nfilters; k++) {
		if (tp_filter_check(p, tag, node, &node->filters[k]) != 0)
			return -1;
	}
	return 0;
}

static int
tp_section(struct tparse *p, const struct ttag *tag)
{
	struct tnode *node;

	if (p->depth == TEMPLATE_MAX_DEPTH)
		return tp_error(p, tag->start, "sections nested deeper than %d",
		    TEMPLATE_MAX_DEPTH);
	if (memchr(tag->body, '|', tag->blen) != NULL)
		return tp_error(p, tag->start, "a section takes a plain name,"
		    " without filters or a default");
	node = tp_node(p->t, tag->sigil == '#' ? TN_SECTION : TN_INVERTED);
	if (tp_name(p, tag, tag->body, tag->blen, node) != 0)
		return -1;
	p->stack_at[p->depth] = tag->start;
	p->stack[p->depth++] = p->t->n - 1;
	return 0;
}

static int
tp_close(struct tparse *p, const struct ttag *tag)
{
	struct tnode *open;
	char *ex;
	int rc;

	ex = tp_excerpt(tag->body, tag->blen);
	if (p->depth == 0) {
		tp_error(p, tag->start, "'{{/%s}}' closes no section", ex);
		free(ex);
		return -1;
	}
	open = &p->t->nodes[p->stack[p->depth - 1]];
	if (strlen(open->name) != tag->blen ||
	    memcmp(open->name, tag->body, tag->blen) != 0) {
		rc = tp_error(p, tag->start, "'{{/%s}}' does not close '{{%c%s}}'",
		    ex, open->kind == TN_SECTION ? '#' : '^', open->name);
		free(ex);
		return rc;
	}
	free(ex);
	open->end = p->t->n;
	p->depth--;
	return 0;
}

static int
tp_tag(struct tparse *p, const struct ttag *tag)
{
	struct tnode *node;

	switch (tag->sigil) {
	case '!':
		return 0;
	case '>':
		return tp_error(p, tag->start, "partials ('{{>') are not supported");
	case '=':
		return tp_error(p, tag->start, "changing delimiters ('{{=') is not"
		    " supported");
	case '#':
	case '^':
		return tp_section(p, tag);
	case '/':
		return tp_close(p, tag);
	default:
		node = tp_node(p->t, TN_VAR);
		node->raw = tag->sigil == '&' || tag->sigil == '{';
		return tp_modifiers(p, tag, node, tag->body, tag->blen);
	}
}

struct template *
template_parse(const char *src, size_t len, char **cause)
{
	struct tparse p;
	struct ttag tag;
	const char *open;
	size_t pos = 0, ws, next;

	memset(&p, 0, sizeof p);
	p.t = xcalloc(1, sizeof *p.t);
	p.t->src = xmalloc(len + 1);
	if (len > 0)
		memcpy(p.t->src, src, len);
	p.t->src[len] = '\0';
	p.t->len = len;
	p.s = p.t->src;
	p.len = len;
	p.cause = cause;
	while ((open = tp_find(p.s, len, pos, "{{")) != NULL) {
		memset(&tag, 0, sizeof tag);
		tag.start = (size_t)(open - p.s);
		if (tp_find_close(&p, &tag) != 0)
			goto fail;
		if (tp_standalone(&p, &tag, &ws, &next)) {
			tp_text(&p, p.text_start, ws);
			pos = p.text_start = next;
		} else {
			tp_text(&p, p.text_start, tag.start);
			pos = p.text_start = tag.end;
		}
		if (tp_tag(&p, &tag) != 0)
			goto fail;
	}
	tp_text(&p, p.text_start, len);
	if (p.depth > 0) {
		tp_error(&p, p.stack_at[p.depth - 1], "unclosed section '{{%c%s}}'",
		    p.t->nodes[p.stack[p.depth - 1]].kind == TN_SECTION ? '#' : '^',
		    p.t->nodes[p.stack[p.depth - 1]].name);
		goto fail;
	}
	return p.t;
fail:
	template_free(p.t);
	return NULL;
}

void
template_free(struct template *t)
{
	size_t i;
	int k;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->nodes[i].name);
		free(t->nodes[i].parts);
		free(t->nodes[i].def);
		for (k = 0; k < t->nodes[i].nfilters; k++)
			free(t->nodes[i].filters[k].arg);
		free(t->nodes[i].filters);
	}
	free(t->nodes);
	free(t->src);
	free(t);
}

/* Whether node j sits inside a section on its own name ({{#x}}..{{x}}..{{/x}}),
 * which renders only when x is present: such a use does not require x. */
static int
tnode_guarded(const struct template *t, size_t j)
{
	size_t s;

	for (s = 0; s < j; s++) {
		if (t->nodes[s].kind == TN_SECTION && j < t->nodes[s].end &&
		    strcmp(t->nodes[s].name, t->nodes[j].name) == 0)
			return 1;
	}
	return 0;
}

/* Quadratic, but templates have tens of tags and this runs on a keypress. */
void
template_each_name(const struct template *t,
    void (*fn)(void *arg, const char *name, int required), void *arg)
{
	const struct tnode *a, *b;
	size_t i, j;
	int required;

	for (i = 0; i < t->n; i++) {
		a = &t->nodes[i];
		if (a->kind == TN_TEXT)
			continue;
		for (j = 0; j < i; j++) {
			b = &t->nodes[j];
			if (b->kind != TN_TEXT && strcmp(b->name, a->name) == 0)
				break;
		}
		if (j < i)
			continue;
		required = 0;
		for (j = i; j < t->n && !required; j++) {
			b = &t->nodes[j];
			required = b->kind == TN_VAR && b->def == NULL &&
			    strcmp(b->name, a->name) == 0 && !tnode_guarded(t, j);
		}
		fn(arg, a->name, required);
	}
}
