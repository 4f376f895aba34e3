/*
 * quiet.c — quiet hours and frequency caps: when a contact's local clock
 * says "not now", and until when. Pure: the time zone is a caller-supplied
 * offset function (tz_offset_cb over a zone read once), so the arithmetic
 * is testable for any zone and date, DST days included, and costs no
 * system call per message.
 *
 * A window is two local wall-clock minutes, start inclusive, end exclusive;
 * start > end crosses midnight (21:00-08:00). Its end is a local time, and a
 * local time can occur twice (the hour repeated when clocks go back: quiet
 * hours end at its first occurrence) or not at all (the hour skipped when
 * clocks go forward: they end at the moment of the jump).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/core.h"

#define DAY_MS (86400LL * 1000)
#define OFFSET_MAX_MS (15LL * 3600 * 1000)

static int
quiet_hhmm(const char *s, const char **end, int *minutes)
{
	int h = 0, m = 0, nd = 0;

	while (*s >= '0' && *s <= '9' && nd < 2) {
		h = h * 10 + (*s++ - '0');
		nd++;
	}
	if (nd == 0)
		return -1;
	if (*s == ':') {
		s++;
		if (s[0] < '0' || s[0] > '5' || s[1] < '0' || s[1] > '9')
			return -1;
		m = (s[0] - '0') * 10 + (s[1] - '0');
		s += 2;
	}
	if (h > 24 || (h == 24 && m != 0))
		return -1;
	*minutes = (h * 60 + m) % 1440;
	*end = s;
	return 0;
}

int
quiet_parse(const char *s, int *start, int *end, char **cause)
{
	const char *p = s;

	if (s == NULL || quiet_hhmm(p, &p, start) != 0 || (*p != '-' && *p != ' ') ||
	    quiet_hhmm(p + strspn(p, "- "), &p, end) != 0 || *p != '\0') {
		set_cause(cause, "quiet hours '%s': expected HH:MM-HH:MM in the "
		    "contact's local time, such as 21:00-08:00", s ? s : "");
		return -1;
	}
	if (*start == *end) {
		set_cause(cause, "quiet hours '%s' start and end at the same time; "
		    "use --quiet off for none", s);
		return -1;
	}
	return 0;
}

void
quiet_format_minutes(int minutes, char *buf, size_t size)
{
	snprintf(buf, size, "%02d:%02d", (minutes / 60) % 24, minutes % 60);
}

int
cap_parse(const char *s, int *n, int *days, char **cause)
{
	char *end;
	long v;

	v = s != NULL ? strtol(s, &end, 10) : 0;
	if (s == NULL || end == s || v < 1 || v > 1000 || *end != '/' ||
	    (strcmp(end + 1, "day") != 0 && strcmp(end + 1, "week") != 0)) {
		set_cause(cause, "frequency cap '%s': expected N/day or N/week "
		    "(at most N messages in any 24 hours or 7 days), N from 1 "
		    "to 1000", s ? s : "");
		return -1;
	}
	*n = (int)v;
	*days = strcmp(end + 1, "day") == 0 ? 1 : 7;
	return 0;
}

/* The local time (ms since 1970 on the wall clock) of a UTC instant. */
static int64_t
quiet_local(tz_offset_fn off, const void *arg, int64_t utc_ms)
{
	return utc_ms + (int64_t)off(arg, utc_ms) * 1000;
}

int64_t
tz_local_to_utc(tz_offset_fn off, const void *arg, int64_t local_ms)
{
	int64_t c1, c2, lo, hi, mid;
	long after;

	/* Any real instant lies within 15 hours of its wall time: the offsets
	 * in force on either side of it are the only candidates. */
	c1 = local_ms - (int64_t)off(arg, local_ms - OFFSET_MAX_MS) * 1000;
	c2 = local_ms - (int64_t)off(arg, local_ms + OFFSET_MAX_MS) * 1000;
	if (c2 < c1) {
		mid = c1;
		c1 = c2;
		c2 = mid;
	}
	if (quiet_local(off, arg, c1) == local_ms)
		return c1;   /* the first of two occurrences, or the only one */
	if (quiet_local(off, arg, c2) == local_ms)
		return c2;
	/* Skipped by a jump forward: the jump itself, found by bisection. */
	after = off(arg, c2);
	lo = c1;
	hi = c2;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (off(arg, mid) == after)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

int
quiet_until(int start, int end, tz_offset_fn off, const void *arg,
    int64_t now_ms, int64_t *until)
{
	int64_t local = quiet_local(off, arg, now_ms), day, minute, t;
	int inside;

	if (start == end || start < 0 || end < 0)
		return 0;
	day = local / DAY_MS - (local % DAY_MS < 0);
	minute = (local - day * DAY_MS) / 60000;
	if (start < end)
		inside = minute >= start && minute < end;
	else
		inside = minute >= start || minute < end;
	if (!inside)
		return 0;
	if (start > end && minute >= start)
		day++;
	t = tz_local_to_utc(off, arg, day * DAY_MS + (int64_t)end * 60000);
	/* A window ending in an hour the clocks skipped may already be over. */
	if (t <= now_ms)
		return 0;
	if (until != NULL)
		*until = t;
	return 1;
}

long
tz_fixed_offset_cb(const void *arg, int64_t utc_ms)
{
	return arg != NULL ? *(const long *)arg : 0;
}
