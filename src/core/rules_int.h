/* rules_int.h — what the rules files share: the line tokenizer and helpers. */
#ifndef HARK_RULES_INT_H
#define HARK_RULES_INT_H

#include "hark/rules.h"
#include "hark/util.h"

enum rtok_kind { RTOK_WORD, RTOK_QUOTED, RTOK_REGEX, RTOK_SEMI };

/* One token of a line: text owned by the line, column 1-based. */
struct rtok {
	enum rtok_kind kind;
	char *text;             /* a regex's pattern, without slashes */
	char *flags;            /* a regex's flags ("i"), else NULL */
	int col;
};

struct rline {
	struct rtok *t;
	int n;
	int lineno;
};

/* Splits one line (NUL-terminated, no newline) into tokens. 0, or -1 with
 * cause "LINE:COL: unclosed quote" (without the path). */
int rules_tokenize(const char *line, int lineno, struct rline *out, char **cause);
void rules_line_clear(struct rline *l);

/* The parser's state, shared by rules_parse.c and rules_do.c. */
struct rparse {
	struct rules *set;
	struct rule *cur;       /* the open rule, NULL before the first */
	struct rline *l;        /* the line being read */
	int i;                  /* its next token */
	struct hbuf src;        /* the open rule's lines */
	char *err;
};

/* Records the first error, at column col of the current line; returns -1. */
int rparse_err(struct rparse *p, int col, const char *fmt, ...) HARK_PRINTF(3, 4);
/* The line's next token, NULL at its end. */
const struct rtok *rparse_next(struct rparse *p);
/* The column just past the line's last token, for "missing X". */
int rparse_end_col(struct rparse *p);
int rparse_is_word(const struct rtok *t, const char *w);
/* A rule or tag name: letters, digits, - _ . : @ (no comma). */
int rparse_good_name(const char *s);
/* The next token, a word or quoted text naming `what`; NULL after an error. */
const struct rtok *rparse_word(struct rparse *p, const char *what);
int rparse_duration(struct rparse *p, const char *what, int64_t *ms);
/* Nothing may follow on the line. */
int rparse_end(struct rparse *p);
/* A `do` (then = 0) or `then` line (rules_do.c). */
int rparse_step(struct rparse *p, int then);

/* Compiles an ERE with flags ("i"); returns a regex_t or NULL with cause. */
void *rules_regex_new(const char *pattern, const char *flags, char **cause);
void rules_regex_free(void *re);
int rules_regex_match(const void *re, const char *text);

#endif
