/* cli_text.c — terminal-safe output, local times and JSON for the data commands. */

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "hark/core.h"

#include "cli_int.h"
#include "cli_text.h"

char *
cli_safe(const char *s, unsigned flags)
{
	if (s == NULL)
		s = "";
	return text_sanitize(s, strlen(s), flags);
}

void
cli_put_safe(FILE *f, const char *s, unsigned flags)
{
	char *t = cli_safe(s, flags);

	fputs(t, f);
	free(t);
}

void
cli_err_safe(struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *msg, *safe;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	safe = cli_safe(msg, 0);
	cli_err(ctx, "%s", safe);
	free(safe);
	free(msg);
}

void
cli_local_time(int64_t ms, enum cli_time_style style, char *buf, size_t size)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	size_t n;

	localtime_r(&secs, &tm);
	switch (style) {
	case CLI_TIME_DAY:
		n = strftime(buf, size, "%a %d %b %Y", &tm);
		break;
	case CLI_TIME_CLOCK:
		n = strftime(buf, size, "%H:%M", &tm);
		break;
	default:
		n = strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
		break;
	}
	if (n == 0 && size > 0)
		buf[0] = '\0';
}

int
cli_parse_count(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

int
cli_parse_period(struct cli_ctx *ctx, const char *since, const char *until,
    int64_t *from, int64_t *to)
{
	int64_t now = hark_now_ms();
	char *cause = NULL;

	if ((since != NULL && since_parse(since, now, from, &cause) != 0) ||
	    (until != NULL && since_parse(until, now, to, &cause) != 0)) {
		cli_err_safe(ctx, "%s", cause);
		free(cause);
		return -1;
	}
	return 0;
}

void
cli_json_print(FILE *f, struct cJSON *v, int compact)
{
	char *text = compact ? cJSON_PrintUnformatted(v) : cJSON_Print(v);

	if (text == NULL)
		hark_fatal("out of memory formatting JSON");
	fputs(text, f);
	fputc('\n', f);
	cJSON_free(text);
	cJSON_Delete(v);
}

char *
cli_json_text(const char *s)
{
	return cli_safe(s, HARK_SAN_NEWLINES | HARK_SAN_TABS);
}
