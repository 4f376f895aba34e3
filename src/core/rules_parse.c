/*
 * rules_parse.c — the rules file's grammar (rules.h): `set`, `rule`, `when`,
 * `if` and `once-per` lines into a struct rules (`do` and `then` in
 * rules_do.c). The first error ends the parse with PATH:LINE:COLUMN and
 * what was expected.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

static int parse_line(struct rparse *);
static int parse_set(struct rparse *);
static int parse_rule(struct rparse *);
static int parse_when(struct rparse *);
static int parse_if(struct rparse *);
static int parse_cond(struct rparse *, struct rules_cond *);
static int rule_finish(struct rparse *);

/* Records the first error at column col of the current line. */
int
rparse_err(struct rparse *p, int col, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (p->err != NULL)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	p->err = xasprintf("%s:%d:%d: %s", p->set->path, p->l->lineno, col, msg);
	free(msg);
	return -1;
}

const struct rtok *
rparse_next(struct rparse *p)
{
	return p->i < p->l->n ? &p->l->t[p->i++] : NULL;
}

/* Column just past the line's last token, for "missing X" errors. */
int
rparse_end_col(struct rparse *p)
{
	const struct rtok *t;

	if (p->l->n == 0)
		return 1;
	t = &p->l->t[p->l->n - 1];
	return t->col + (int)strlen(t->text) + (t->kind == RTOK_WORD ? 0 : 2);
}

int
rparse_is_word(const struct rtok *t, const char *w)
{
	return t != NULL && t->kind == RTOK_WORD && strcmp(t->text, w) == 0;
}

/* A name for a rule or tag: letters, digits, - _ . : @ (no comma). */
int
rparse_good_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("-_.:@", *s) == NULL &&
		    (unsigned char)*s < 0x80)
			return 0;
	return 1;
}

/* The next token must be a word (or quoted) naming something; what says what. */
const struct rtok *
rparse_word(struct rparse *p, const char *what)
{
	const struct rtok *t = rparse_next(p);

	if (t == NULL || t->kind == RTOK_SEMI) {
		rparse_err(p, t ? t->col : rparse_end_col(p), "missing %s", what);
		return NULL;
	}
	if (t->kind == RTOK_REGEX) {
		rparse_err(p, t->col, "expected %s, not a regular expression", what);
		return NULL;
	}
	return t;
}

int
rparse_duration(struct rparse *p, const char *what, int64_t *ms)
{
	const struct rtok *t = rparse_word(p, what);

	if (t == NULL)
		return -1;
	if (rules_duration_parse(t->text, ms) != 0)
		return rparse_err(p, t->col, "bad duration '%s' (30s, 10m, 2h, 2d, 1w,"
		    " 1h30m; at most a year)", t->text);
	return 0;
}

int
rparse_end(struct rparse *p)
{
	const struct rtok *t = rparse_next(p);

	if (t != NULL)
		return rparse_err(p, t->col, "unexpected '%s'", t->text);
	return 0;
}

static int
need_state(struct rparse *p, const struct rtok *t)
{
	if (strcmp(t->text, "open") != 0 && strcmp(t->text, "snoozed") != 0 &&
	    strcmp(t->text, "done") != 0)
		return rparse_err(p, t->col, "unknown state '%s' (open, snoozed, done)",
		    t->text);
	return 0;
}

/* ---- top level -------------------------------------------------------------------- */

struct rules *
rules_parse(const char *text, size_t len, const char *path, char **cause)
{
	struct rparse p;
	struct rline l;
	const char *s = text, *end = text + len, *nl;
	char *line;
	int lineno = 0, rc = 0;

	memset(&p, 0, sizeof p);
	p.set = xcalloc(1, sizeof *p.set);
	p.set->path = xstrdup(path != NULL ? path : "rules");
	p.set->rate_max = RULES_RATE_MAX;
	p.set->rate_window_ms = RULES_RATE_WINDOW_MS;
	p.set->repeat_ms = RULES_REPEAT_MS;
	while (rc == 0 && s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			nl = end;
		line = xstrndup(s, (size_t)(nl - s));
		lineno++;
		if (strlen(line) != (size_t)(nl - s)) {
			set_cause(&p.err, "%s:%d:1: a NUL byte in the file",
			    p.set->path, lineno);
			rc = -1;
		} else if (rules_tokenize(line, lineno, &l, &p.err) != 0) {
			char *e = p.err;

			p.err = xasprintf("%s:%s", p.set->path, e);
			free(e);
			rc = -1;
		} else {
			p.l = &l;
			p.i = 0;
			rc = l.n == 0 ? 0 : parse_line(&p);
			if (rc == 0 && p.cur != NULL) {
				hbuf_add(&p.src, line, strlen(line));
				hbuf_addc(&p.src, '\n');
			}
			rules_line_clear(&l);
		}
		free(line);
		s = nl + 1;
	}
	if (rc == 0 && p.cur != NULL)
		rc = rule_finish(&p);
	hbuf_free(&p.src);
	if (rc != 0) {
		if (cause != NULL)
			*cause = p.err;
		else
			free(p.err);
		rules_free(p.set);
		return NULL;
	}
	return p.set;
}

static int
parse_line(struct rparse *p)
{
	const struct rtok *t = rparse_next(p);

	if (rparse_is_word(t, "rule"))
		return parse_rule(p);
	if (rparse_is_word(t, "set"))
		return parse_set(p);
	if (t->kind != RTOK_WORD)
		return rparse_err(p, t->col, "expected rule, set, when, if, once-per, do"
		    " or then");
	if (p->cur == NULL && (strcmp(t->text, "when") == 0 ||
	    strcmp(t->text, "if") == 0 || strcmp(t->text, "do") == 0 ||
	    strcmp(t->text, "then") == 0 || strcmp(t->text, "once-per") == 0))
		return rparse_err(p, t->col, "'%s' outside a rule: start one with"
		    " 'rule NAME'", t->text);
	if (strcmp(t->text, "when") == 0)
		return parse_when(p);
	if (strcmp(t->text, "if") == 0)
		return parse_if(p);
	if (strcmp(t->text, "once-per") == 0)
		return rparse_duration(p, "a period after once-per",
		    &p->cur->once_per_ms) != 0 ? -1 : rparse_end(p);
	if (strcmp(t->text, "do") == 0)
		return rparse_step(p, 0);
	if (strcmp(t->text, "then") == 0)
		return rparse_step(p, 1);
	return rparse_err(p, t->col, "unknown keyword '%s' (expected rule, set, when,"
	    " if, once-per, do or then)", t->text);
}

/* set rate-limit N/DURATION | set repeat-window DURATION */
static int
parse_set(struct rparse *p)
{
	const struct rtok *t = rparse_word(p, "a setting (rate-limit, repeat-window)");
	const struct rtok *v;
	char *slash, *end;
	long n;

	if (t == NULL)
		return -1;
	if (strcmp(t->text, "repeat-window") == 0)
		return rparse_duration(p, "a duration", &p->set->repeat_ms) != 0 ?
		    -1 : rparse_end(p);
	if (strcmp(t->text, "rate-limit") != 0)
		return rparse_err(p, t->col, "unknown setting '%s' (rate-limit,"
		    " repeat-window)", t->text);
	if ((v = rparse_word(p, "a limit like 3/1h")) == NULL)
		return -1;
	n = strtol(v->text, &end, 10);
	slash = end;
	if (end == v->text || *slash != '/' || n < 1 || n > 1000 ||
	    rules_duration_parse(slash + 1, &p->set->rate_window_ms) != 0)
		return rparse_err(p, v->col, "bad rate limit '%s' (sends/period, e.g."
		    " 3/1h)", v->text);
	p->set->rate_max = (int)n;
	return rparse_end(p);
}

static int
parse_rule(struct rparse *p)
{
	const struct rtok *t;
	int i;

	if (p->cur != NULL && rule_finish(p) != 0)
		return -1;
	if ((t = rparse_word(p, "the rule's name")) == NULL)
		return -1;
	if (!rparse_good_name(t->text))
		return rparse_err(p, t->col, "bad rule name '%s' (letters, digits,"
		    " - _ . : @)", t->text);
	for (i = 0; i < p->set->n; i++)
		if (strcmp(p->set->rules[i].name, t->text) == 0)
			return rparse_err(p, t->col, "rule '%s' is already defined at"
			    " line %d", t->text, p->set->rules[i].line);
	p->set->rules = xreallocarray(p->set->rules, (size_t)p->set->n + 1,
	    sizeof *p->set->rules);
	p->cur = &p->set->rules[p->set->n++];
	memset(p->cur, 0, sizeof *p->cur);
	p->cur->name = xstrdup(t->text);
	p->cur->line = p->l->lineno;
	p->cur->when = (enum rules_when)-1;
	hbuf_reset(&p->src);
	return rparse_end(p);
}

/* A rule is complete at the next `rule` or the end of the file. */
static int
rule_finish(struct rparse *p)
{
	struct rule *r = p->cur;
	int i, j, contact_acts = 0;

	r->source = hbuf_steal(&p->src);
	p->cur = NULL;
	if ((int)r->when == -1)
		return set_cause(&p->err, "%s:%d:1: rule '%s' has no 'when' line",
		    p->set->path, r->line, r->name), -1;
	if (r->nsteps == 0 || r->steps[0].nacts == 0)
		return set_cause(&p->err, "%s:%d:1: rule '%s' has no 'do' line",
		    p->set->path, r->line, r->name), -1;
	for (i = 0; i < r->nsteps; i++)
		for (j = 0; j < r->steps[i].nacts; j++)
			contact_acts += r->steps[i].acts[j].kind != RULES_DO_NOTIFY;
	if (r->when == RULES_WHEN_SCHEDULE && contact_acts > 0 && r->nconds == 0)
		return set_cause(&p->err, "%s:%d:1: rule '%s': a schedule that acts"
		    " on contacts needs an 'if' line saying which", p->set->path,
		    r->line, r->name), -1;
	if (r->when == RULES_WHEN_SCHEDULE && r->nsteps > 1)
		return set_cause(&p->err, "%s:%d:1: rule '%s': a schedule rule has"
		    " no 'then' steps (each run is one step)", p->set->path,
		    r->steps[1].line, r->name), -1;
	return 0;
}

/* ---- when --------------------------------------------------------------------------- */

static int
parse_keyword(struct rparse *p, struct rule *r, const struct rtok *t)
{
	struct hbuf b = HBUF_INIT;
	char *why = NULL, *w, *save = NULL, *copy;
	const char *c;

	if (t->kind == RTOK_REGEX) {
		r->arg = xasprintf("/%s/%s", t->text, t->flags);
		r->re = rules_regex_new(t->text, t->flags, &why);
	} else {
		/* Words: whole words, any case. */
		r->arg = xstrdup(t->text);
		hbuf_adds(&b, "(^|[^[:alnum:]])(");
		copy = xstrdup(t->text);
		for (w = strtok_r(copy, ",", &save); w != NULL;
		    w = strtok_r(NULL, ",", &save)) {
			if (b.len > 18)
				hbuf_addc(&b, '|');
			for (c = w; *c != '\0'; c++) {
				if (strchr("\\^$.[]|()*+?{}", *c) != NULL)
					hbuf_addc(&b, '\\');
				hbuf_addc(&b, *c);
			}
		}
		free(copy);
		hbuf_adds(&b, ")([^[:alnum:]]|$)");
		r->re = b.len > 35 ? rules_regex_new(hbuf_str(&b), "i", &why) :
		    (why = xstrdup("no keyword given"), NULL);
		hbuf_free(&b);
	}
	if (r->re == NULL) {
		rparse_err(p, t->col, "%s", why);
		free(why);
		return -1;
	}
	return 0;
}

static int
parse_when(struct rparse *p)
{
	static const char *const names[] = {
		"inbound", "keyword", "no-reply", "state", "tag-added",
		"tag-removed", "schedule"
	};
	struct rule *r = p->cur;
	const struct rtok *t, *a;
	char *why = NULL;
	size_t i;

	if ((int)r->when != -1)
		return rparse_err(p, p->l->t[0].col, "rule '%s' already has a 'when'"
		    " line (one trigger per rule)", r->name);
	if ((t = rparse_word(p, "a trigger after when")) == NULL)
		return -1;
	for (i = 0; i < HARK_NELEM(names); i++)
		if (strcmp(t->text, names[i]) == 0 ||
		    (i == 3 && strcmp(t->text, "state-changed") == 0))
			break;
	if (i == HARK_NELEM(names))
		return rparse_err(p, t->col, "unknown trigger '%s' (inbound, keyword,"
		    " no-reply, state, tag-added, tag-removed, schedule)", t->text);
	r->when = (enum rules_when)i;
	switch (r->when) {
	case RULES_WHEN_INBOUND:
		break;
	case RULES_WHEN_KEYWORD:
		if ((a = rparse_next(p)) == NULL || a->kind == RTOK_SEMI)
			return rparse_err(p, a ? a->col : rparse_end_col(p), "missing keyword:"
			    " /regex/ or word,word");
		if (parse_keyword(p, r, a) != 0)
			return -1;
		break;
	case RULES_WHEN_NO_REPLY:
		if (rparse_duration(p, "how long after no-reply", &r->after_ms) != 0)
			return -1;
		break;
	case RULES_WHEN_STATE:
		if ((a = rparse_word(p, "a state (open, snoozed, done)")) == NULL ||
		    need_state(p, a) != 0)
			return -1;
		r->arg = xstrdup(a->text);
		break;
	case RULES_WHEN_TAG_ADDED:
	case RULES_WHEN_TAG_REMOVED:
		if ((a = rparse_word(p, "a tag")) == NULL)
			return -1;
		if (!rparse_good_name(a->text))
			return rparse_err(p, a->col, "bad tag '%s'", a->text);
		r->arg = xstrdup(a->text);
		break;
	case RULES_WHEN_SCHEDULE:
		if ((a = rparse_word(p, "a schedule like \"Mon 09:00\"")) == NULL)
			return -1;
		if (rules_schedule_parse(a->text, &r->sched, &why) != 0) {
			rparse_err(p, a->col, "%s", why);
			free(why);
			return -1;
		}
		r->arg = xstrdup(a->text);
		break;
	}
	return rparse_end(p);
}

/* ---- if ------------------------------------------------------------------------------ */

static int
parse_if(struct rparse *p)
{
	struct rule *r = p->cur;
	const struct rtok *t;

	do {
		r->conds = xreallocarray(r->conds, (size_t)r->nconds + 1,
		    sizeof *r->conds);
		memset(&r->conds[r->nconds], 0, sizeof *r->conds);
		if (parse_cond(p, &r->conds[r->nconds++]) != 0)
			return -1;
		t = rparse_next(p);
	} while (rparse_is_word(t, "and"));
	if (t != NULL)
		return rparse_err(p, t->col, "unexpected '%s' (conditions are joined"
		    " with 'and')", t->text);
	return 0;
}

static int
parse_channels(struct rparse *p, struct rules_cond *c, const struct rtok *t)
{
	enum hark_channel ch;
	char *copy = xstrdup(t->text), *w, *save = NULL;

	for (w = strtok_r(copy, ",", &save); w != NULL; w = strtok_r(NULL, ",", &save)) {
		if (hark_channel_parse(w, &ch) != 0) {
			rparse_err(p, t->col, "unknown channel '%s' (sms, whatsapp, email,"
			    " voice)", w);
			free(copy);
			return -1;
		}
		c->channels |= 1u << ch;
	}
	free(copy);
	return c->channels != 0 ? 0 : rparse_err(p, t->col, "missing channel");
}

static int
parse_field(struct rparse *p, struct rules_cond *c)
{
	const struct rtok *op, *v;
	char *why = NULL;

	if (p->i >= p->l->n || rparse_is_word(&p->l->t[p->i], "and"))
		return 0;           /* present */
	op = rparse_next(p);
	if (rparse_is_word(op, "="))
		c->op = RULES_OP_EQ;
	else if (rparse_is_word(op, "!="))
		c->op = RULES_OP_NE;
	else if (rparse_is_word(op, "~"))
		c->op = RULES_OP_MATCH;
	else
		return rparse_err(p, op->col, "expected =, != or ~ after field %s",
		    c->name);
	if (c->negate)
		return rparse_err(p, op->col, "'not field' takes no comparison: use !=");
	if ((v = rparse_next(p)) == NULL || v->kind == RTOK_SEMI)
		return rparse_err(p, v ? v->col : rparse_end_col(p), "missing value after %s",
		    op->text);
	if (c->op == RULES_OP_MATCH) {
		if (v->kind != RTOK_REGEX)
			return rparse_err(p, v->col, "expected /regex/ after ~");
		if ((c->re = rules_regex_new(v->text, v->flags, &why)) == NULL) {
			rparse_err(p, v->col, "%s", why);
			free(why);
			return -1;
		}
		return 0;
	}
	if (v->kind == RTOK_REGEX)
		return rparse_err(p, v->col, "a regular expression needs ~, not %s",
		    op->text);
	c->value = xstrdup(v->text);
	return 0;
}

static int
parse_cond(struct rparse *p, struct rules_cond *c)
{
	const struct rtok *t = rparse_word(p, "a condition (channel, tag, state,"
	    " field)"), *a;

	if (t == NULL)
		return -1;
	c->line = p->l->lineno;
	c->col = t->col;
	if (rparse_is_word(t, "not")) {
		c->negate = 1;
		if ((t = rparse_word(p, "a condition after not")) == NULL)
			return -1;
	}
	if (strcmp(t->text, "channel") == 0) {
		c->kind = RULES_IF_CHANNEL;
		if ((a = rparse_word(p, "'in' or a channel")) == NULL)
			return -1;
		if (strcmp(a->text, "in") == 0 &&
		    (a = rparse_word(p, "channels (sms,whatsapp)")) == NULL)
			return -1;
		return parse_channels(p, c, a);
	}
	if (strcmp(t->text, "tag") != 0 && strcmp(t->text, "state") != 0 &&
	    strcmp(t->text, "field") != 0)
		return rparse_err(p, t->col, "unknown condition '%s' (channel, tag, state,"
		    " field)", t->text);
	c->kind = t->text[0] == 't' ? RULES_IF_TAG : t->text[0] == 's' ?
	    RULES_IF_STATE : RULES_IF_FIELD;
	if ((a = rparse_word(p, c->kind == RULES_IF_FIELD ? "a field name" :
	    c->kind == RULES_IF_TAG ? "a tag" : "a state")) == NULL)
		return -1;
	if (c->kind == RULES_IF_STATE && need_state(p, a) != 0)
		return -1;
	c->name = xstrdup(a->text);
	return c->kind == RULES_IF_FIELD ? parse_field(p, c) : 0;
}
