/*
 * report_period.c — calendar periods in the local time zone for reports:
 * days from local midnight, ISO weeks from Monday, months from the 1st;
 * their labels; and the --since/--until forms a report takes.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hark/report.h"

static time_t	period_mktime(struct tm *tm);
static void	period_local(int64_t t, struct tm *tm);

static const char *const by_names[] = { "day", "week", "month" };

const char *
report_by_name(enum report_by by)
{
	return by_names[by];
}

int
report_by_parse(const char *s, enum report_by *out)
{
	size_t i;

	for (i = 0; i < HARK_NELEM(by_names); i++) {
		if (s != NULL && (hark_strcaseeq(s, by_names[i]) ||
		    (s[0] != '\0' && hark_strcaseeq(s, i == 0 ? "daily" :
		    i == 1 ? "weekly" : "monthly")))) {
			*out = (enum report_by)i;
			return 0;
		}
	}
	return -1;
}

/* mktime with DST left to the library: local midnight exists on every day
 * hark knows of except where a zone jumps over it, and mktime moves that on. */
static time_t
period_mktime(struct tm *tm)
{
	tm->tm_isdst = -1;
	return mktime(tm);
}

static void
period_local(int64_t t, struct tm *tm)
{
	time_t s = (time_t)(t >= 0 ? t / 1000 : (t - 999) / 1000);

	localtime_r(&s, tm);
}

void
report_period_of(enum report_by by, int64_t t, int64_t *start, int64_t *end)
{
	struct tm tm;

	period_local(t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	if (by == REPORT_BY_WEEK)
		tm.tm_mday -= (tm.tm_wday + 6) % 7;   /* back to Monday */
	else if (by == REPORT_BY_MONTH)
		tm.tm_mday = 1;
	*start = (int64_t)period_mktime(&tm) * 1000;
	*end = report_period_next(by, *start);
}

int64_t
report_period_next(enum report_by by, int64_t start)
{
	struct tm tm;

	period_local(start, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	if (by == REPORT_BY_DAY)
		tm.tm_mday += 1;
	else if (by == REPORT_BY_WEEK)
		tm.tm_mday += 7;
	else {
		tm.tm_mday = 1;
		tm.tm_mon += 1;
	}
	return (int64_t)period_mktime(&tm) * 1000;
}

void
report_period_label(enum report_by by, int64_t start, char *buf, size_t size)
{
	struct tm tm;

	period_local(start, &tm);
	strftime(buf, size, by == REPORT_BY_DAY ? "%Y-%m-%d" :
	    by == REPORT_BY_WEEK ? "%G-W%V" : "%Y-%m", &tm);
}

void
report_period_title(enum report_by by, int64_t start, char *buf, size_t size)
{
	static const char *const months[] = { "January", "February", "March",
	    "April", "May", "June", "July", "August", "September", "October",
	    "November", "December" };
	char year[8], week[4];
	struct tm tm;

	period_local(start, &tm);
	if (by == REPORT_BY_DAY)
		strftime(buf, size, "%Y-%m-%d", &tm);
	else if (by == REPORT_BY_WEEK) {
		strftime(year, sizeof year, "%G", &tm);
		strftime(week, sizeof week, "%V", &tm);
		snprintf(buf, size, "week %d, %s", atoi(week), year);
	} else
		snprintf(buf, size, "%s %d", months[tm.tm_mon], tm.tm_year + 1900);
}

int
report_parse_time(const char *s, int is_until, int64_t now, int64_t *out,
    char **cause)
{
	struct tm tm;
	int y, m, d, n = 0;

	if (s == NULL || *s == '\0') {
		set_cause(cause, "empty time");
		return -1;
	}
	if (strcmp(s, "now") == 0) {
		*out = now;
		return 0;
	}
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && s[n] == '\0' &&
	    m >= 1 && m <= 12 && d >= 1 && d <= 31) {
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d + (is_until ? 1 : 0);
		*out = (int64_t)period_mktime(&tm) * 1000;
		return 0;
	}
	if (since_parse(s, now, out, NULL) == 0)
		return 0;
	set_cause(cause, "'%s' is not a time (try 2026-11-01, 7d, 24h, "
	    "2026-11-01T09:00:00Z or @1767225600)", s);
	return -1;
}

void
report_tz_name(char *buf, size_t size)
{
	const char *tz = getenv("TZ");
	char link[PATH_MAX];
	const char *p;
	ssize_t n;

	if (tz != NULL && *tz != '\0') {
		snprintf(buf, size, "%s", *tz == ':' ? tz + 1 : tz);
		return;
	}
	n = readlink("/etc/localtime", link, sizeof link - 1);
	if (n > 0) {
		link[n] = '\0';
		if ((p = strstr(link, "zoneinfo/")) != NULL) {
			snprintf(buf, size, "%s", p + strlen("zoneinfo/"));
			return;
		}
	}
	snprintf(buf, size, "UTC");
}

void
report_format_rate(int64_t num, int64_t den, char *buf, size_t size)
{
	int64_t permille;

	if (den <= 0) {
		snprintf(buf, size, "-");
		return;
	}
	/* Rounded half up, in integers: the same digits everywhere. */
	permille = (num * 2000 + den) / (2 * den);
	snprintf(buf, size, "%lld.%lld%%", (long long)(permille / 10),
	    (long long)(permille % 10));
}

void
report_format_ms(int64_t ms, char *buf, size_t size)
{
	int64_t s = ms / 1000;

	if (ms < 0)
		snprintf(buf, size, "-");
	else if (s < 60)
		snprintf(buf, size, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, size, "%lldm %llds", (long long)(s / 60), (long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, size, "%lldh %02lldm", (long long)(s / 3600),
		    (long long)(s % 3600 / 60));
	else
		snprintf(buf, size, "%lldd %lldh", (long long)(s / 86400),
		    (long long)(s % 86400 / 3600));
}
