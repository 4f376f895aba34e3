/*
 * rules.c — the rules file's building blocks: the line tokenizer, regular
 * expressions, durations, schedules, and freeing a parsed set.
 */

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "rules_int.h"

#define SEC_MS 1000LL
#define DAY_MS (86400LL * SEC_MS)
#define RULES_SPAN_MAX_MS (366 * DAY_MS)

static int tok_quoted(const char **p, struct hbuf *b);
static int tok_regex(const char **p, struct hbuf *b, struct rtok *t);
static void rule_clear(struct rule *r);

static const char *const day_abbr[7] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

/* ---- tokens ------------------------------------------------------------------ */

/* A "quoted" token: \" and \\ are escapes. *p is at the opening quote. */
static int
tok_quoted(const char **p, struct hbuf *b)
{
	const char *s = *p + 1;

	for (; *s != '\0' && *s != '"'; s++) {
		if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
			s++;
		hbuf_addc(b, *s);
	}
	if (*s != '"')
		return -1;
	*p = s + 1;
	return 0;
}

/* A /regex/flags token: "\/" stands for a slash; other escapes stay for regcomp. */
static int
tok_regex(const char **p, struct hbuf *b, struct rtok *t)
{
	const char *s = *p + 1, *f;

	for (; *s != '\0' && *s != '/'; s++) {
		if (*s == '\\' && s[1] == '/') {
			s++;
		} else if (*s == '\\' && s[1] != '\0') {
			hbuf_addc(b, *s++);
		}
		hbuf_addc(b, *s);
	}
	if (*s != '/')
		return -1;
	for (f = ++s; isalpha((unsigned char)*s); s++)
		;
	t->flags = xstrndup(f, (size_t)(s - f));
	*p = s;
	return 0;
}

int
rules_tokenize(const char *line, int lineno, struct rline *out, char **cause)
{
	const char *p = line, *start;
	struct hbuf b = HBUF_INIT;
	struct rtok t;

	memset(out, 0, sizeof *out);
	out->lineno = lineno;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		memset(&t, 0, sizeof t);
		t.col = (int)(p - line) + 1;
		hbuf_reset(&b);
		if (*p == ';') {
			t.kind = RTOK_SEMI;
			p++;
		} else if (*p == '"') {
			t.kind = RTOK_QUOTED;
			if (tok_quoted(&p, &b) != 0) {
				set_cause(cause, "%d:%d: unclosed quote", lineno, t.col);
				goto fail;
			}
		} else if (*p == '/') {
			t.kind = RTOK_REGEX;
			if (tok_regex(&p, &b, &t) != 0) {
				set_cause(cause, "%d:%d: unclosed /regular expression/",
				    lineno, t.col);
				goto fail;
			}
		} else {
			t.kind = RTOK_WORD;
			for (start = p; *p != '\0' && *p != ' ' && *p != '\t' &&
			    *p != '\r' && *p != ';' && *p != '#'; p++)
				;
			hbuf_add(&b, start, (size_t)(p - start));
		}
		t.text = hbuf_steal(&b);
		out->t = xreallocarray(out->t, (size_t)out->n + 1, sizeof *out->t);
		out->t[out->n++] = t;
	}
	hbuf_free(&b);
	return 0;
fail:
	hbuf_free(&b);
	rules_line_clear(out);
	return -1;
}

void
rules_line_clear(struct rline *l)
{
	int i;

	for (i = 0; i < l->n; i++) {
		free(l->t[i].text);
		free(l->t[i].flags);
	}
	free(l->t);
	l->t = NULL;
	l->n = 0;
}

/* ---- regular expressions ---------------------------------------------------- */

void *
rules_regex_new(const char *pattern, const char *flags, char **cause)
{
	regex_t *re = xcalloc(1, sizeof *re);
	int cflags = REG_EXTENDED | REG_NOSUB, rc;
	char err[160];

	for (; flags != NULL && *flags != '\0'; flags++) {
		if (*flags != 'i') {
			set_cause(cause, "unknown regular expression flag '%c' (only i)",
			    *flags);
			free(re);
			return NULL;
		}
		cflags |= REG_ICASE;
	}
	if (*pattern == '\0') {
		set_cause(cause, "empty regular expression");
		free(re);
		return NULL;
	}
	if ((rc = regcomp(re, pattern, cflags)) != 0) {
		regerror(rc, re, err, sizeof err);
		set_cause(cause, "bad regular expression /%s/: %s", pattern, err);
		free(re);
		return NULL;
	}
	return re;
}

void
rules_regex_free(void *re)
{
	if (re == NULL)
		return;
	regfree(re);
	free(re);
}

int
rules_regex_match(const void *re, const char *text)
{
	return regexec(re, text != NULL ? text : "", 0, NULL, 0) == 0;
}

/* ---- durations ------------------------------------------------------------------ */

int
rules_duration_parse(const char *s, int64_t *ms)
{
	int64_t total = 0, n, unit;

	if (s == NULL || *s == '\0')
		return -1;
	while (*s != '\0') {
		if (!isdigit((unsigned char)*s))
			return -1;
		for (n = 0; isdigit((unsigned char)*s); s++) {
			n = n * 10 + (*s - '0');
			if (n > 1000000)
				return -1;
		}
		switch (*s++) {
		case 's': unit = SEC_MS; break;
		case 'm': unit = 60 * SEC_MS; break;
		case 'h': unit = 3600 * SEC_MS; break;
		case 'd': unit = DAY_MS; break;
		case 'w': unit = 7 * DAY_MS; break;
		default: return -1;
		}
		total += n * unit;
		if (total > RULES_SPAN_MAX_MS)
			return -1;
	}
	if (total <= 0)
		return -1;
	*ms = total;
	return 0;
}

void
rules_duration_format(int64_t ms, char *buf, size_t size)
{
	static const struct { char c; int64_t ms; } u[] = {
		{ 'w', 7 * DAY_MS }, { 'd', DAY_MS }, { 'h', 3600 * SEC_MS },
		{ 'm', 60 * SEC_MS }, { 's', SEC_MS }
	};
	size_t i, len = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	/* Weeks only when whole: "10d" reads better than "1w3d". */
	for (i = ms % (7 * DAY_MS) == 0 ? 0 : 1; i < HARK_NELEM(u) && ms > 0; i++) {
		if (ms < u[i].ms)
			continue;
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0,
		    "%lld%c", (long long)(ms / u[i].ms), u[i].c);
		ms %= u[i].ms;
	}
	if (len == 0)
		snprintf(buf, size, "0s");
}

/* ---- schedules ------------------------------------------------------------------ */

static int
sched_days(const char *s, size_t n, unsigned *days)
{
	char word[16];
	const char *p, *comma;
	size_t len;
	int i;

	if (n == 5 && strncasecmp(s, "daily", 5) == 0)
		return *days = 0x7f, 0;
	if (n == 8 && strncasecmp(s, "weekdays", 8) == 0)
		return *days = 0x3e, 0;
	if (n == 8 && strncasecmp(s, "weekends", 8) == 0)
		return *days = 0x41, 0;
	*days = 0;
	for (p = s; p < s + n; p = comma + 1) {
		comma = memchr(p, ',', (size_t)(s + n - p));
		if (comma == NULL)
			comma = s + n;
		len = (size_t)(comma - p);
		if (len < 3 || len >= sizeof word)
			return -1;
		memcpy(word, p, len);
		word[len] = '\0';
		for (i = 0; i < 7; i++)
			if (strncasecmp(word, day_abbr[i], 3) == 0)
				break;
		if (i == 7)
			return -1;
		*days |= 1u << i;
	}
	return *days != 0 ? 0 : -1;
}

int
rules_schedule_parse(const char *s, struct rules_schedule *sched, char **cause)
{
	const char *sp, *tm;
	int h, m, used = 0;

	memset(sched, 0, sizeof *sched);
	if (strncmp(s, "every ", 6) == 0) {
		if (rules_duration_parse(s + 6, &sched->every_ms) != 0) {
			set_cause(cause, "bad duration '%s' (30s, 10m, 2h, 1d, 1w)", s + 6);
			return -1;
		}
		return 0;
	}
	sched->days = 0x7f;
	tm = s;
	if ((sp = strchr(s, ' ')) != NULL) {
		if (sched_days(s, (size_t)(sp - s), &sched->days) != 0) {
			set_cause(cause, "bad days '%.*s' (daily, weekdays, weekends,"
			    " or Mon,Tue,...)", (int)(sp - s), s);
			return -1;
		}
		tm = sp + 1;
	}
	if (sscanf(tm, "%2d:%2d%n", &h, &m, &used) != 2 || tm[used] != '\0' ||
	    h < 0 || h > 23 || m < 0 || m > 59) {
		set_cause(cause, "bad schedule '%s' (\"every 10m\", \"09:00\","
		    " \"Mon 09:00\", \"weekdays 17:30\")", s);
		return -1;
	}
	sched->minute = h * 60 + m;
	return 0;
}

int64_t
rules_schedule_next(const struct rules_schedule *s, int64_t after_ms)
{
	struct tm tm;
	time_t t = (time_t)(after_ms / 1000), at;
	int i;

	if (s->every_ms > 0)
		return after_ms + s->every_ms;
	localtime_r(&t, &tm);
	for (i = 0; i <= 7; i++) {
		struct tm d = tm;

		d.tm_mday += i;
		d.tm_hour = s->minute / 60;
		d.tm_min = s->minute % 60;
		d.tm_sec = 0;
		d.tm_isdst = -1;
		if ((at = mktime(&d)) == (time_t)-1)
			continue;
		if ((int64_t)at * 1000 <= after_ms || (s->days & (1u << d.tm_wday)) == 0)
			continue;
		return (int64_t)at * 1000;
	}
	return after_ms + 7 * DAY_MS; /* not reached: some day of 8 matches */
}

/* ---- the set ---------------------------------------------------------------------- */

static void
rule_clear(struct rule *r)
{
	int i, j;

	free(r->name);
	free(r->arg);
	free(r->source);
	rules_regex_free(r->re);
	for (i = 0; i < r->nconds; i++) {
		free(r->conds[i].name);
		free(r->conds[i].value);
		rules_regex_free(r->conds[i].re);
	}
	free(r->conds);
	for (i = 0; i < r->nsteps; i++) {
		for (j = 0; j < r->steps[i].nacts; j++)
			free(r->steps[i].acts[j].arg);
		free(r->steps[i].acts);
	}
	free(r->steps);
}

void
rules_free(struct rules *set)
{
	int i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		rule_clear(&set->rules[i]);
	free(set->rules);
	free(set->path);
	free(set);
}

const struct rule *
rules_find(const struct rules *set, const char *name)
{
	int i;

	for (i = 0; set != NULL && i < set->n; i++)
		if (strcmp(set->rules[i].name, name) == 0)
			return &set->rules[i];
	return NULL;
}

int
rules_check_templates(const struct rules *set,
    int (*exists)(void *arg, const char *name), void *arg, char **cause)
{
	const struct rules_action *a;
	const struct rule *r;
	int i, j, k;

	for (i = 0; i < set->n; i++) {
		r = &set->rules[i];
		for (j = 0; j < r->nsteps; j++) {
			for (k = 0; k < r->steps[j].nacts; k++) {
				a = &r->steps[j].acts[k];
				if (a->kind != RULES_DO_REPLY && a->kind != RULES_DO_SEND)
					continue;
				if (!exists(arg, a->arg)) {
					set_cause(cause, "%s:%d:%d: rule '%s': no template"
					    " '%s' (hark template list shows them)",
					    set->path, a->line, a->col, r->name, a->arg);
					return -1;
				}
			}
		}
	}
	return 0;
}
