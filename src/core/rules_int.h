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

/* Compiles an ERE with flags ("i"); returns a regex_t or NULL with cause. */
void *rules_regex_new(const char *pattern, const char *flags, char **cause);
void rules_regex_free(void *re);
int rules_regex_match(const void *re, const char *text);

#endif
