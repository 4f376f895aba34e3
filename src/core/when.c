/* when.c — times people type, times in headers, and times shown in lists. */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "hark/core.h"

#define SEC_MS 1000LL
#define MIN_MS (60 * SEC_MS)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)
#define WEEK_MS (7 * DAY_MS)
#define SPAN_MAX_MS (3660 * DAY_MS) /* ten years: longer is a typo */
#define WHEN_INPUT_MAX 96
#define WHEN_GRACE_MS MIN_MS  /* "9:00" typed at 9:00:30 still means today */
#define WHEN_DEFAULT_HOUR 9   /* a send given only a day goes at 09:00 */

/* A calendar time as read, before it is placed on the time line. */
struct when_tm {
	int year, mon, day, hour, min, sec, ms;
	int has_time;
	int has_zone;
	int off_min; /* east of UTC, when has_zone */
};

static const char *const month_names[12] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};
static const char *const day_names[7] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday"
};

static int scan_num(const char **, int, int, int *);
static int scan_char(const char **, char);
static void scan_space(const char **);
static int scan_word(const char **, char *, size_t);
static int name_index(const char *, const char *const *, int);
static int tm_valid(const struct when_tm *);
static int iso_scan(const char *, struct when_tm *);
static int iso_zone(const char **, struct when_tm *);
static int rfc2822_zone(const char **, struct when_tm *);
static int rfc2822_scan(const char *, struct when_tm *);
static int tm_to_ms(const struct when_tm *, int, int64_t *);
static int span_scan(const char *, int64_t *);
static int clock_scan(const char *, int *, int *, int *);
static int when_at(int64_t, int, int, int, int64_t *);
static int when_day(const char *, int64_t, int64_t *);
static int when_absolute(const char *, int, int64_t *);
static int epoch_scan(const char *, int64_t *);
static void lower_copy(const char *, char *, size_t);

/* Reads min..max digits; 0 when there are fewer than min. */
static int
scan_num(const char **p, int min, int max, int *out)
{
	int n = 0, v = 0;

	while (n < max && isdigit((unsigned char)(*p)[n])) {
		v = v * 10 + ((*p)[n] - '0');
		n++;
	}
	if (n < min)
		return 0;
	*p += n;
	*out = v;
	return 1;
}

/* Consumes c if it comes next. */
static int
scan_char(const char **p, char c)
{
	if (**p != c)
		return 0;
	(*p)++;
	return 1;
}

/* Skips white space and RFC 2822 comments in parentheses. */
static void
scan_space(const char **p)
{
	int depth;

	for (;;) {
		while (isspace((unsigned char)**p))
			(*p)++;
		if (**p != '(')
			return;
		for (depth = 0; **p != '\0'; (*p)++) {
			if (**p == '(')
				depth++;
			else if (**p == ')' && --depth == 0) {
				(*p)++;
				break;
			}
		}
	}
}

/* Reads a run of letters, lower-cased, into w. Returns its length. */
static int
scan_word(const char **p, char *w, size_t size)
{
	size_t n = 0;

	while (isalpha((unsigned char)**p)) {
		if (n + 1 < size)
			w[n++] = (char)tolower((unsigned char)**p);
		(*p)++;
	}
	w[n] = '\0';
	return (int)n;
}

/* Index of the name w abbreviates (at least three letters), or -1. */
static int
name_index(const char *w, const char *const *names, int count)
{
	size_t n = strlen(w);
	int i;

	if (n < 3)
		return -1;
	for (i = 0; i < count; i++) {
		if (strncmp(names[i], w, n) == 0)
			return i;
	}
	return -1;
}

static int
tm_valid(const struct when_tm *t)
{
	static const int mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int leap = (t->year % 4 == 0 && t->year % 100 != 0) ||
	    t->year % 400 == 0;

	if (t->year < 1970 || t->year > 9999 || t->mon < 1 || t->mon > 12)
		return 0;
	if (t->day < 1 || t->day > mdays[t->mon - 1] ||
	    (t->mon == 2 && t->day == 29 && !leap))
		return 0;
	return t->hour <= 23 && t->min <= 59 && t->sec <= 60;
}

/* "Z", "+01:00", "+0100" or "+01" after an ISO time. */
static int
iso_zone(const char **p, struct when_tm *t)
{
	int sign, hh, mm = 0;

	if (**p == 'z' || **p == 'Z') {
		(*p)++;
		t->has_zone = 1;
		return 1;
	}
	if (**p != '+' && **p != '-')
		return 1;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (!scan_num(p, 2, 2, &hh))
		return 0;
	if (**p == ':')
		(*p)++;
	if (isdigit((unsigned char)**p) && !scan_num(p, 2, 2, &mm))
		return 0;
	if (hh > 23 || mm > 59)
		return 0;
	t->has_zone = 1;
	t->off_min = sign * (hh * 60 + mm);
	return 1;
}

/* YYYY-MM-DD, optionally followed by [T ]HH:MM[:SS[.fff]] and a zone. */
static int
iso_scan(const char *s, struct when_tm *t)
{
	const char *p = s;
	int frac, n;

	memset(t, 0, sizeof *t);
	if (!scan_num(&p, 4, 4, &t->year) || *p++ != '-' ||
	    !scan_num(&p, 2, 2, &t->mon) || *p++ != '-' ||
	    !scan_num(&p, 2, 2, &t->day))
		return -1;
	if (*p == 'T' || *p == 't' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
		p++;
		if (!scan_num(&p, 1, 2, &t->hour) || *p++ != ':' ||
		    !scan_num(&p, 2, 2, &t->min))
			return -1;
		if (scan_char(&p, ':') && !scan_num(&p, 2, 2, &t->sec))
			return -1;
		if (*p == '.' || *p == ',') {
			p++;
			for (n = 0; isdigit((unsigned char)*p); n++, p++) {
				frac = *p - '0';
				if (n < 3)
					t->ms = t->ms * 10 + frac;
			}
			if (n == 0)
				return -1;
			for (; n < 3; n++)
				t->ms *= 10;
		}
		t->has_time = 1;
		if (!iso_zone(&p, t))
			return -1;
	}
	return (*p == '\0' && tm_valid(t)) ? 0 : -1;
}

/* "+0100", "GMT", "UT", "Z", North American names; other (military) letters
 * carry no reliable meaning and count as UTC, as RFC 2822 asks. */
static int
rfc2822_zone(const char **p, struct when_tm *t)
{
	static const struct {
		const char *name;
		int hours;
	} zones[] = {
		{ "ut", 0 }, { "gmt", 0 }, { "utc", 0 }, { "z", 0 },
		{ "est", -5 }, { "edt", -4 }, { "cst", -6 }, { "cdt", -5 },
		{ "mst", -7 }, { "mdt", -6 }, { "pst", -8 }, { "pdt", -7 },
	};
	char w[8];
	size_t i;
	int v, sign;

	t->has_zone = 1;
	if (**p == '+' || **p == '-') {
		sign = **p == '-' ? -1 : 1;
		(*p)++;
		if (!scan_num(p, 4, 4, &v) || v % 100 > 59)
			return 0;
		t->off_min = sign * ((v / 100) * 60 + v % 100);
		return 1;
	}
	if (scan_word(p, w, sizeof w) == 0)
		return 1;
	for (i = 0; i < HARK_NELEM(zones); i++) {
		if (strcmp(w, zones[i].name) == 0) {
			t->off_min = zones[i].hours * 60;
			return 1;
		}
	}
	return strlen(w) == 1;
}

/* [Day,] DD Mon YYYY HH:MM[:SS] zone, with RFC 2822's obsolete forms:
 * two- and three-digit years, comments, a missing zone. */
static int
rfc2822_scan(const char *s, struct when_tm *t)
{
	const char *p = s;
	char w[16];

	memset(t, 0, sizeof *t);
	scan_space(&p);
	if (isalpha((unsigned char)*p)) {
		scan_word(&p, w, sizeof w);
		if (name_index(w, day_names, 7) < 0)
			return -1;
		scan_space(&p);
		if (*p == ',')
			p++;
		scan_space(&p);
	}
	if (!scan_num(&p, 1, 2, &t->day))
		return -1;
	scan_space(&p);
	scan_word(&p, w, sizeof w);
	if ((t->mon = name_index(w, month_names, 12) + 1) == 0)
		return -1;
	scan_space(&p);
	if (!scan_num(&p, 2, 4, &t->year))
		return -1;
	if (t->year < 50)
		t->year += 2000;
	else if (t->year < 1000)
		t->year += 1900;
	scan_space(&p);
	if (!scan_num(&p, 1, 2, &t->hour) || *p++ != ':' ||
	    !scan_num(&p, 2, 2, &t->min))
		return -1;
	if (scan_char(&p, ':') && !scan_num(&p, 2, 2, &t->sec))
		return -1;
	t->has_time = 1;
	scan_space(&p);
	if (!rfc2822_zone(&p, t))
		return -1;
	scan_space(&p);
	return (*p == '\0' && tm_valid(t)) ? 0 : -1;
}

/* Places a calendar time on the time line: at its own offset, or in the
 * local zone (local != 0) or UTC when it names none. */
static int
tm_to_ms(const struct when_tm *t, int local, int64_t *ms)
{
	struct tm tm;
	time_t secs;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = t->year - 1900;
	tm.tm_mon = t->mon - 1;
	tm.tm_mday = t->day;
	tm.tm_hour = t->hour;
	tm.tm_min = t->min;
	tm.tm_sec = t->sec > 59 ? 59 : t->sec;
	if (local && !t->has_zone) {
		tm.tm_isdst = -1;
		secs = mktime(&tm);
	} else
		secs = timegm(&tm) - (time_t)t->off_min * 60;
	if (secs == (time_t)-1)
		return -1;
	*ms = (int64_t)secs * SEC_MS + t->ms;
	return 0;
}

void
time_format_iso(int64_t ms, char *buf, size_t size)
{
	int64_t secs = ms / SEC_MS - (ms % SEC_MS < 0);
	time_t t = (time_t)secs;
	struct tm tm;

	if (size == 0)
		return;
	if (gmtime_r(&t, &tm) == NULL || strftime(buf, size,
	    "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		buf[0] = '\0';
}

int
time_parse_iso(const char *s, int64_t *out_ms)
{
	struct when_tm t;

	if (s == NULL)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	if (iso_scan(s, &t) != 0 && rfc2822_scan(s, &t) != 0)
		return -1;
	return tm_to_ms(&t, 0, out_ms);
}

/*
 * A span: one or more "<number> <unit>" ("90s", "1h30m", "2 hours", "an
 * hour"). Returns 0 and the span in ms, or -1.
 */
static int
span_scan(const char *s, int64_t *ms)
{
	static const struct {
		const char *name;
		int64_t ms;
	} units[] = {
		{ "s", SEC_MS }, { "sec", SEC_MS }, { "secs", SEC_MS },
		{ "second", SEC_MS }, { "seconds", SEC_MS },
		{ "m", MIN_MS }, { "min", MIN_MS }, { "mins", MIN_MS },
		{ "minute", MIN_MS }, { "minutes", MIN_MS },
		{ "h", HOUR_MS }, { "hr", HOUR_MS }, { "hrs", HOUR_MS },
		{ "hour", HOUR_MS }, { "hours", HOUR_MS },
		{ "d", DAY_MS }, { "day", DAY_MS }, { "days", DAY_MS },
		{ "w", WEEK_MS }, { "wk", WEEK_MS }, { "wks", WEEK_MS },
		{ "week", WEEK_MS }, { "weeks", WEEK_MS },
	};
	const char *p = s;
	char w[16];
	size_t i;
	int n, parts = 0;

	*ms = 0;
	while (*p != '\0') {
		if (strncmp(p, "an ", 3) == 0 || strncmp(p, "a ", 2) == 0) {
			n = 1;
			p += p[1] == 'n' ? 3 : 2;
		} else if (!scan_num(&p, 1, 6, &n))
			return -1;
		scan_space(&p);
		scan_word(&p, w, sizeof w);
		for (i = 0; i < HARK_NELEM(units); i++) {
			if (strcmp(w, units[i].name) == 0)
				break;
		}
		if (i == HARK_NELEM(units))
			return -1;
		*ms += n * units[i].ms;
		if (*ms > SPAN_MAX_MS)
			return -1;
		parts++;
		scan_space(&p);
	}
	return parts > 0 ? 0 : -1;
}

/* A time of day: "9:00", "21:30:15", "9am", "9:30 pm". 0 or -1. */
static int
clock_scan(const char *s, int *h, int *m, int *sec)
{
	const char *p = s;
	char w[4];

	*m = *sec = 0;
	if (!scan_num(&p, 1, 2, h))
		return -1;
	if (scan_char(&p, ':') && !scan_num(&p, 2, 2, m))
		return -1;
	if (scan_char(&p, ':') && !scan_num(&p, 2, 2, sec))
		return -1;
	scan_space(&p);
	if (scan_word(&p, w, sizeof w) > 0) {
		if ((strcmp(w, "am") != 0 && strcmp(w, "pm") != 0) ||
		    *h < 1 || *h > 12)
			return -1;
		*h = *h % 12 + (w[0] == 'p' ? 12 : 0);
	} else if (p == s + 1 || p == s + 2)
		return -1; /* a bare "9" could be a time or a date */
	return (*p == '\0' && *h <= 23 && *m <= 59 && *sec <= 59) ? 0 : -1;
}

/*
 * The first moment at h:m:s local time, days_ahead days after now's date,
 * that is not past; stepping by `step` days while it is (1 for "9:00", 7 for
 * "mon 9:00", 0 to leave a past time past).
 */
static int
when_at(int64_t now_ms, int days_ahead, int step, int hms, int64_t *out)
{
	time_t now = (time_t)(now_ms / SEC_MS);
	struct tm tm;
	time_t t;

	localtime_r(&now, &tm);
	tm.tm_mday += days_ahead;
	tm.tm_hour = hms / 3600;
	tm.tm_min = hms / 60 % 60;
	tm.tm_sec = hms % 60;
	tm.tm_isdst = -1;
	for (;;) {
		struct tm try = tm;

		if ((t = mktime(&try)) == (time_t)-1)
			return -1;
		*out = (int64_t)t * SEC_MS;
		if (step == 0 || *out >= now_ms - WHEN_GRACE_MS)
			return 0;
		tm.tm_mday += step;
	}
}

/* "today", "tomorrow" or a weekday, alone or with a time of day. */
static int
when_day(const char *s, int64_t now_ms, int64_t *out)
{
	time_t now = (time_t)(now_ms / SEC_MS);
	int h = WHEN_DEFAULT_HOUR, m = 0, sec = 0, wd, ahead, step = 0;
	const char *p = s;
	struct tm tm;
	char w[16];

	scan_word(&p, w, sizeof w);
	scan_space(&p);
	if (*p != '\0' && clock_scan(p, &h, &m, &sec) != 0)
		return -1;
	if (strcmp(w, "today") == 0)
		ahead = 0;
	else if (strcmp(w, "tomorrow") == 0)
		ahead = 1;
	else if ((wd = name_index(w, day_names, 7)) >= 0) {
		localtime_r(&now, &tm);
		ahead = (wd - tm.tm_wday + 7) % 7;
		step = 7;
	} else
		return -1;
	return when_at(now_ms, ahead, step, h * 3600 + m * 60 + sec, out);
}

/* An ISO date, date and time, or date-time with a zone. A date alone means
 * default_hour local time (9:00 for a send, midnight for a filter). */
static int
when_absolute(const char *s, int default_hour, int64_t *out)
{
	struct when_tm t;

	if (iso_scan(s, &t) != 0)
		return -1;
	if (!t.has_time)
		t.hour = default_hour;
	return tm_to_ms(&t, 1, out);
}

static int
epoch_scan(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (*s != '@' || !isdigit((unsigned char)s[1]))
		return -1;
	v = strtoll(s + 1, &end, 10);
	if (*end != '\0' || v > 253402300799LL) /* 9999-12-31 */
		return -1;
	*out = (int64_t)v * SEC_MS;
	return 0;
}

/* Trims, lower-cases and folds runs of white space, so the parsers above
 * need only single spaces and lower case. */
static void
lower_copy(const char *s, char *out, size_t size)
{
	size_t n = 0;

	while (isspace((unsigned char)*s))
		s++;
	for (; *s != '\0' && n + 1 < size; s++) {
		if (isspace((unsigned char)*s)) {
			if (n > 0 && out[n - 1] == ' ')
				continue;
			out[n++] = ' ';
		} else
			out[n++] = (char)tolower((unsigned char)*s);
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

int
when_parse(const char *s, int64_t now_ms, int64_t *out_ms, char **cause)
{
	char in[WHEN_INPUT_MAX], iso[32];
	int64_t span, t;
	int h, m, sec, rc;

	if (s == NULL || s[strspn(s, " \t\r\n")] == '\0') {
		set_cause(cause, "time is empty: expected now, 30m, 9:00, "
		    "tomorrow 9:00 or 2026-12-01 09:00");
		return -1;
	}
	lower_copy(s, in, sizeof in);
	if (strcmp(in, "now") == 0) {
		t = now_ms;
		rc = 0;
	} else if (strncmp(in, "in ", 3) == 0 || in[0] == '+') {
		rc = span_scan(in + (in[0] == '+' ? 1 : 3), &span);
		t = now_ms + span;
	} else if (span_scan(in, &span) == 0) {
		t = now_ms + span;
		rc = 0;
	} else if (clock_scan(in, &h, &m, &sec) == 0)
		rc = when_at(now_ms, 0, 1, h * 3600 + m * 60 + sec, &t);
	else if (epoch_scan(in, &t) == 0 || when_day(in, now_ms, &t) == 0)
		rc = 0;
	else
		rc = when_absolute(in, WHEN_DEFAULT_HOUR, &t);
	if (rc != 0 || strlen(s) >= sizeof in) {
		set_cause(cause, "cannot parse time '%s': expected now, a delay "
		    "(30m, 2h, in 2 hours), a time of day (9:00, 9pm), a day "
		    "(tomorrow 9:00, mon 9:00), a date (2026-12-01 09:00) or "
		    "@epoch", s);
		return -1;
	}
	if (t < now_ms - WHEN_GRACE_MS) {
		time_format_iso(t, iso, sizeof iso);
		set_cause(cause, "time '%s' is in the past (%s)", s, iso);
		return -1;
	}
	*out_ms = t;
	return 0;
}

int
since_parse(const char *s, int64_t now_ms, int64_t *out_ms, char **cause)
{
	char in[WHEN_INPUT_MAX];
	int64_t span, t;
	size_t n;
	int rc = 0;

	if (s == NULL || s[strspn(s, " \t\r\n")] == '\0') {
		set_cause(cause, "time is empty: expected 7d, 24h or 2026-11-01");
		return -1;
	}
	lower_copy(s, in, sizeof in);
	n = strlen(in);
	if (n > 4 && strcmp(in + n - 4, " ago") == 0)
		in[n - 4] = '\0';
	if (span_scan(in, &span) == 0)
		t = now_ms - span;
	else if (strcmp(in, "today") == 0)
		rc = when_at(now_ms, 0, 0, 0, &t);
	else if (strcmp(in, "yesterday") == 0)
		rc = when_at(now_ms, -1, 0, 0, &t);
	else if (epoch_scan(in, &t) != 0)
		rc = when_absolute(in, 0, &t);
	if (rc != 0 || strlen(s) >= sizeof in) {
		set_cause(cause, "cannot parse time '%s': expected a span such "
		    "as 7d, 24h, 2w or 30m, a date such as 2026-11-01, a date "
		    "and time, or @epoch", s);
		return -1;
	}
	*out_ms = t;
	return 0;
}

/* Lists show how recent a message is; past a week, the date is clearer. */
void
time_format_relative(int64_t then_ms, int64_t now_ms, char *buf, size_t size)
{
	static const char *const mon[12] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
		"Oct", "Nov", "Dec"
	};
	static const char *const wday[7] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	int64_t d = now_ms - then_ms, ad = d < 0 ? -d : d;
	time_t then = (time_t)(then_ms / SEC_MS), now = (time_t)(now_ms / SEC_MS);
	const char *in = d < 0 ? "in " : "";
	struct tm tt, tn;

	if (size == 0)
		return;
	localtime_r(&then, &tt);
	localtime_r(&now, &tn);
	if (ad < MIN_MS)
		snprintf(buf, size, "now");
	else if (ad < HOUR_MS)
		snprintf(buf, size, "%s%dm", in, (int)(ad / MIN_MS));
	else if (ad < DAY_MS)
		snprintf(buf, size, "%s%dh", in, (int)(ad / HOUR_MS));
	else if (ad < 6 * DAY_MS)
		snprintf(buf, size, "%s", wday[tt.tm_wday]);
	else if (tt.tm_year == tn.tm_year)
		snprintf(buf, size, "%d %s", tt.tm_mday, mon[tt.tm_mon]);
	else
		snprintf(buf, size, "%d", tt.tm_year + 1900);
}

void
time_format_duration(int seconds, char *buf, size_t size)
{
	if (seconds < 0)
		snprintf(buf, size, "-");
	else if (seconds >= 3600)
		snprintf(buf, size, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60,
		    seconds % 60);
	else
		snprintf(buf, size, "%d:%02d", seconds / 60, seconds % 60);
}
