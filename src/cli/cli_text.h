/*
 * cli_text.h — small output helpers the data commands share: text from
 * outside made safe for the terminal, local times, numbers from argv, JSON.
 */
#ifndef HARK_CLI_TEXT_H
#define HARK_CLI_TEXT_H

#include <stdint.h>
#include <stdio.h>

#include "hark/util.h"

struct cli_ctx;
struct cJSON;

/* Prints s (NULL as "") through text_sanitize with flags (HARK_SAN_*). */
void cli_put_safe(FILE *f, const char *s, unsigned flags);
/* A sanitised copy of s (NULL as ""); caller frees. */
char *cli_safe(const char *s, unsigned flags);
/* Like cli_err, with the formatted message sanitised first: for messages
 * that quote what a file or a database said. */
void cli_err_safe(struct cli_ctx *ctx, const char *fmt, ...) HARK_PRINTF(2, 3);
/* How cli_local_time writes a time, in the local time zone. */
enum cli_time_style {
	CLI_TIME_DAY,      /* "Mon 23 Nov 2026", for day separators */
	CLI_TIME_CLOCK,    /* "09:58" */
	CLI_TIME_FULL      /* "2026-11-23 09:58" */
};
void cli_local_time(int64_t ms, enum cli_time_style style, char *buf, size_t size);
/* Parses a count from argv: 0 and *out, or -1 (not a number in [min, max]). */
int cli_parse_count(const char *s, int min, int max, int *out);
/* --since and --until (either may be NULL) as since_parse reads them: "7d",
 * a date, an ISO time, @epoch. Sets *from and *to for those given; 0, or -1
 * with the error printed. */
int cli_parse_period(struct cli_ctx *ctx, const char *since, const char *until,
    int64_t *from, int64_t *to);
/* Prints a JSON value (unformatted when compact) and a newline; frees it. */
void cli_json_print(FILE *f, struct cJSON *v, int compact);
/* Text for a JSON document: sanitised but keeping newlines and tabs, so
 * what a script prints is safe as well. Caller frees. */
char *cli_json_text(const char *s);

#endif
