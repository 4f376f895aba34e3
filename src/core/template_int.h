/* template_int.h — the compiled form of a template, shared by its parser, renderer and filters. */
#ifndef HARK_TEMPLATE_INT_H
#define HARK_TEMPLATE_INT_H

#include <stddef.h>

#include "hark/template.h"
#include "hark/util.h"

/*
 * A template compiles to a flat array of nodes in source order. A section's
 * body is the nodes after it up to (not including) its `end` index, so the
 * renderer walks ranges and never follows pointers; freeing is one loop.
 * Text nodes point into the template's own copy of the source.
 */
enum tnode_kind { TN_TEXT, TN_VAR, TN_SECTION, TN_INVERTED };

enum tfilter_kind { TF_UPPER, TF_LOWER, TF_TITLE, TF_FIRST, TF_DATE, TF_MONEY };

struct tfilter {
	enum tfilter_kind kind;
	char *arg;        /* date: the format; money: currency code or NULL */
};

struct tnode {
	enum tnode_kind kind;
	int raw;          /* {{{x}}} or {{&x}}: never HTML-escaped */
	size_t off, len;  /* TN_TEXT: bytes of template->src */
	char *name;       /* as written, trimmed ("contact.first_name", ".") */
	char *parts;      /* name with each '.' replaced by NUL */
	int nparts;       /* 0 for "." (the current context) */
	char *def;        /* default, or NULL when the variable is required */
	struct tfilter *filters;
	int nfilters;
	size_t end;       /* sections: index of the first node after the body */
};

struct template {
	char *src;
	size_t len;
	struct tnode *nodes;
	size_t n, cap;
};

/* Looks up a filter by name: 0 and *kind, or -1 when unknown. */
int tfilter_lookup(const char *name, size_t len, enum tfilter_kind *kind);
/* Checks a date format: 0, or -1 with *cause naming the bad conversion. */
int tfilter_date_check(const char *fmt, char **cause);
/*
 * Applies f to the text in *v, in place. Returns 0, or -1 when the value does
 * not suit the filter (not a date, not an amount): it then counts as missing.
 */
int tfilter_apply(const struct tfilter *f, struct hbuf *v, long utc_offset);

#endif
