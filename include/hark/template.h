/*
 * template.h — hark's message templates: parse once, render many times with a
 * contact's fields. Pure (no I/O): the caller builds the variables as a cJSON
 * value and passes the time zone offset in.
 *
 * The syntax is a compatible subset of Mustache where the two overlap:
 *
 *   {{name}}             the value of name (see "escaping" below)
 *   {{{name}}} {{& name}} the same, never escaped
 *   {{contact.first_name}} a dotted name: each part looked up in the last
 *   {{.}}                the current item inside a section
 *   {{#field}}..{{/field}} rendered when field is present and not empty
 *                        (not null, false, blank or []); once per element of an
 *                        array, with that element as the context; inside, names
 *                        are looked up in the section's value first
 *   {{^field}}..{{/field}} rendered when field is missing or empty
 *   {{! comment }}       nothing
 *   A section, inverted-section or comment tag alone on its line (with only
 *   spaces or tabs around it) removes that whole line, as in Mustache.
 *
 * hark's extensions, after the name, separated by '|':
 *
 *   {{first_name|there}}   a default, used when the value is missing or blank
 *   {{company|}}           an empty default: the variable is optional
 *   {{note|"a|b: c"}}      a quoted default (for text with '|' or ':')
 *   {{name|upper}}         filters, applied left to right to a present value:
 *     upper, lower         ASCII letters to upper / lower case
 *     title                first letter of each word upper case, rest kept
 *     first                the first word ("Ann Lee" -> "Ann")
 *     date:FORMAT          an ISO date or date-time ("2026-12-01",
 *                          "2026-12-01T17:30:00Z") or epoch milliseconds,
 *                          formatted with %Y %y %m %d %e %H %I %M %S %p %a %A
 *                          %b %B %j %% (English names; "%-d", "%-m", "%-H",
 *                          "%-I" drop the leading zero). A date-time string
 *                          keeps its own wall-clock time; epoch milliseconds
 *                          are shifted by the caller's utc_offset. A value
 *                          that is not a date counts as missing.
 *     money[:CUR]          a decimal amount (12.5 or "12.50") as "12.50",
 *                          "$12.50" with money:USD, "€" EUR, "£" GBP
 *   A default is never filtered. Defaults and filters can be mixed:
 *   {{due|date:%-d %b|soon}}.
 *
 * Escaping: hark renders text, not HTML, so unlike Mustache {{name}} does not
 * HTML-escape. With TEMPLATE_HTML (for an email's HTML body) {{name}} escapes
 * & < > " ' as Mustache does, and {{{name}}} / {{& name}} do not.
 *
 * Not supported (a syntax error naming the position): partials {{> x}},
 * changing delimiters {{=<% %>=}}, lambdas. Sections nest at most
 * TEMPLATE_MAX_DEPTH deep.
 *
 * Values: strings as they are; numbers as integers or shortest decimals
 * ("85", "1.21"); booleans "true"/"false"; an array of scalars joined with
 * ", ". Absent, null, blank strings (only spaces, tabs, newlines) and
 * objects are "missing".
 *
 * Files: src/core/{template,template_render,template_filter,abtest}.c,
 *        template_int.h
 */
#ifndef HARK_TEMPLATE_H
#define HARK_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

struct cJSON;
struct template;

#define TEMPLATE_MAX_DEPTH 32

/* Render flags. */
#define TEMPLATE_PREVIEW 0x1 /* draw a missing variable as ⟨name⟩ instead of refusing */
#define TEMPLATE_LENIENT 0x2 /* Mustache: a missing variable renders as nothing */
#define TEMPLATE_HTML 0x4    /* {{name}} HTML-escapes its value */

struct template_opts {
	unsigned flags;   /* TEMPLATE_* */
	long utc_offset;  /* seconds east of UTC, for epoch times in date: */
};

/* One occurrence of a missing variable in the rendered text. */
struct template_mark {
	char *name;       /* as written: "contact.first_name" */
	size_t start;     /* byte range of its ⟨name⟩ marker in text (PREVIEW); */
	size_t end;       /* else start == end, where the value would have gone */
};

struct template_out {
	char *text;                     /* NUL-terminated; NULL when refused */
	struct template_mark *missing;  /* in output order; NULL when none */
	int nmissing;
};

/*
 * Compiles src (len bytes, need not be NUL-terminated). Returns a template
 * that owns a copy of everything it needs, or NULL with cause
 * "line 1, column 14: unclosed tag '{{name'". Never reads outside src.
 */
struct template *template_parse(const char *src, size_t len, char **cause);
/* Frees; template_free(NULL) is a no-op. */
void template_free(struct template *t);

/*
 * Renders t with vars (any cJSON value, usually an object; NULL for none).
 * opts may be NULL (strict, UTC, plain text). Fills *out, which the caller
 * releases with template_out_clear. A missing variable with no default
 * makes a strict render return -1 with cause "missing variables: first_name,
 * due_date" (each name once) and out->missing listing every occurrence;
 * PREVIEW and LENIENT renders return 0 with the list. A render that would
 * pass 1 MiB of text or a million steps (sections over arrays multiply) is
 * refused in every mode. t is not changed, so one template may be rendered
 * any number of times.
 */
int template_render(const struct template *t, const struct cJSON *vars,
    const struct template_opts *opts, struct template_out *out, char **cause);
/* Frees what template_render put in out and zeroes it; safe on a zeroed struct. */
void template_out_clear(struct template_out *out);

/*
 * Calls fn once for each distinct variable or section name the template uses,
 * in order of first appearance; required is 1 for a variable with no default
 * (sections and variables with defaults are optional). For a picker or
 * `hark template show` to list what a template needs.
 */
void template_each_name(const struct template *t,
    void (*fn)(void *arg, const char *name, int required), void *arg);

/* ---- A/B tests (src/core/abtest.c) ------------------------------------------ */

/*
 * A template version may declare weighted variants ("A" weight 1, "B"
 * weight 3). The variant a contact gets is a pure function of the test (the
 * template's id, so the assignment survives edits that keep the variants),
 * the contact's id and the weights: a 64-bit mix of (test, contact) taken
 * modulo the total weight, against the cumulative weights in the order
 * given. The same contact therefore always gets the same variant, and over
 * many contacts the shares approach weight / total.
 *
 * Returns the index of the variant, or -1 when n < 1 or no weight is
 * positive (a weight <= 0 is never picked).
 */
int abtest_pick(int64_t test_id, int64_t contact_id, const int *weights, int n);

/* An expected count of successes or failures below this in either arm
 * makes the normal approximation of the z-test unreliable: too few to tell. */
#define ABTEST_MIN_EXPECTED 5.0
/* The significance level hark reports against. */
#define ABTEST_ALPHA 0.05

struct abtest_result {
	double rate1, rate2;  /* successes / trials of each arm (0 when no trials) */
	double z;             /* (rate2 - rate1) / standard error, pooled */
	double p;             /* two-sided p-value: erfc(|z| / sqrt 2) */
	int too_few;          /* an expected count is under ABTEST_MIN_EXPECTED */
	int significant;      /* !too_few and p < ABTEST_ALPHA */
};

/*
 * The two-proportion z-test of s1/n1 against s2/n2 with the pooled rate
 * P = (s1 + s2) / (n1 + n2): z = (s2/n2 - s1/n1) / sqrt(P(1-P)(1/n1 + 1/n2)).
 * too_few is set when any of n1 P, n1 (1-P), n2 P, n2 (1-P) is below
 * ABTEST_MIN_EXPECTED (this includes no trials, and no successes or no
 * failures at all, where z is undefined: then z = 0 and p = 1).
 * Counts must satisfy 0 <= s <= n; otherwise -1.
 */
int abtest_ztest(long s1, long n1, long s2, long n2, struct abtest_result *r);

/* The median of n values (sorted in place); 0 when n is 0. The mean of the
 * two middle values when n is even. */
int64_t abtest_median(int64_t *v, int n);

#endif
