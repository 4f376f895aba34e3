/*
 * tz.c — a time zone's rules read once from TZif bytes (RFC 8536), then
 * asked for UTC offsets with no locking, no TZ switch and no system call.
 *
 * A TZif file lists transitions (UTC times at which the offset changes) and
 * ends with a POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3") for the times
 * after the last transition; "slim" files rely on that string for every
 * year after the rules last changed. Both are kept: a time inside the
 * listed transitions is looked up by binary search, a later one through
 * the string's rule for its year.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "hark/core.h"

#define TZ_MAX_TRANS 4096
#define TZ_MAX_TYPES 256

/* A POSIX rule date: Mm.w.d (month, week 1-5, weekday), Jn or n. */
struct tz_date {
	char kind;        /* 'M', 'J' (1-365, no Feb 29) or 'D' (0-365) */
	int m, w, d;      /* month, week, weekday; or d = day number */
	long secs;        /* local time of the change, seconds after midnight */
};

struct tz_rule {
	int has;          /* a rule string was found */
	long std_off;     /* seconds east of UTC */
	int has_dst;
	long dst_off;
	struct tz_date start, end;
};

struct tz {
	int64_t *trans;   /* UTC seconds, ascending */
	unsigned char *idx; /* type index of each transition */
	int ntrans;
	long *offs;       /* UTC offset of each type */
	int ntypes;
	struct tz_rule rule;
};

static uint32_t
tz_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t
tz_be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)tz_be32(p) << 32 | tz_be32(p + 4));
}

/* Parses "[+-]hh[:mm[:ss]]" into seconds; NULL when malformed. */
static const char *
tz_hms(const char *s, long *out)
{
	long sign = 1, h, m = 0, sec = 0;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*s))
		return NULL;
	h = strtol(s, (char **)&s, 10);
	if (*s == ':') {
		m = strtol(s + 1, (char **)&s, 10);
		if (*s == ':')
			sec = strtol(s + 1, (char **)&s, 10);
	}
	if (h > 167 || m > 59 || sec > 59)
		return NULL;
	*out = sign * (h * 3600 + m * 60 + sec);
	return s;
}

/* Skips a zone abbreviation: letters, or <...> quoted. */
static const char *
tz_name(const char *s)
{
	const char *p = s;

	if (*p == '<') {
		while (*p != '\0' && *p != '>')
			p++;
		return *p == '>' && p - s > 3 ? p + 1 : NULL;
	}
	while (isalpha((unsigned char)*p))
		p++;
	return p - s >= 3 ? p : NULL;
}

static const char *
tz_rule_date(const char *s, struct tz_date *d)
{
	d->secs = 7200;
	if (*s == 'M') {
		d->kind = 'M';
		d->m = (int)strtol(s + 1, (char **)&s, 10);
		if (*s++ != '.')
			return NULL;
		d->w = (int)strtol(s, (char **)&s, 10);
		if (*s++ != '.')
			return NULL;
		d->d = (int)strtol(s, (char **)&s, 10);
		if (d->m < 1 || d->m > 12 || d->w < 1 || d->w > 5 || d->d < 0 || d->d > 6)
			return NULL;
	} else if (*s == 'J' || isdigit((unsigned char)*s)) {
		d->kind = *s == 'J' ? 'J' : 'D';
		if (*s == 'J')
			s++;
		d->d = (int)strtol(s, (char **)&s, 10);
		if (d->d < 0 || d->d > 365)
			return NULL;
	} else
		return NULL;
	if (*s == '/') {
		if ((s = tz_hms(s + 1, &d->secs)) == NULL)
			return NULL;
	}
	return s;
}

/* "CET-1CEST,M3.5.0,M10.5.0/3": POSIX offsets are west of UTC. */
static int
tz_rule_parse(const char *s, struct tz_rule *r)
{
	long v;

	memset(r, 0, sizeof *r);
	if ((s = tz_name(s)) == NULL || (s = tz_hms(s, &v)) == NULL)
		return -1;
	r->std_off = -v;
	r->has = 1;
	if (*s == '\0')
		return 0;
	if ((s = tz_name(s)) == NULL)
		return -1;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (*s != ',' && *s != '\0') {
		if ((s = tz_hms(s, &v)) == NULL)
			return -1;
		r->dst_off = -v;
	}
	if (*s++ != ',' || (s = tz_rule_date(s, &r->start)) == NULL ||
	    *s++ != ',' || (s = tz_rule_date(s, &r->end)) == NULL)
		return -1;
	return *s == '\0' ? 0 : -1;
}

static int
tz_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; m 1-12). */
int64_t
tz_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
tz_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Local seconds since 1970 (in the offset then in force) of a rule date in year y. */
static int64_t
tz_rule_when(const struct tz_date *d, int64_t y)
{
	int64_t day;
	int first_wd, mdays;
	static const int ml[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (d->kind == 'J')
		day = tz_days_from_civil(y, 1, 1) + d->d - 1 +
		    (tz_leap(y) && d->d >= 60);
	else if (d->kind == 'D')
		day = tz_days_from_civil(y, 1, 1) + d->d;
	else {
		day = tz_days_from_civil(y, d->m, 1);
		first_wd = (int)(((day % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
		day += (d->d - first_wd + 7) % 7 + (d->w - 1) * 7;
		mdays = ml[d->m - 1] + (d->m == 2 && tz_leap(y));
		while (day >= tz_days_from_civil(y, d->m, 1) + mdays)
			day -= 7;
	}
	return day * 86400 + d->secs;
}

static long
tz_rule_offset(const struct tz_rule *r, int64_t t)
{
	int64_t y, start, end;
	int m, d;

	if (!r->has_dst)
		return r->std_off;
	tz_civil_from_days((t + r->std_off) / 86400 - ((t + r->std_off) % 86400 < 0),
	    &y, &m, &d);
	start = tz_rule_when(&r->start, y) - r->std_off;
	end = tz_rule_when(&r->end, y) - r->dst_off;
	if (start < end)
		return t >= start && t < end ? r->dst_off : r->std_off;
	/* Southern hemisphere: summer spans the new year. */
	return t >= end && t < start ? r->std_off : r->dst_off;
}

/* Reads the version 2+ data block (64-bit times) at p; -1 when malformed. */
static int
tz_read_block(struct tz *z, const unsigned char *p, const unsigned char *end,
    int tsize, const unsigned char **after)
{
	uint32_t isut, isstd, leap, timecnt, typecnt, charcnt, i;
	const unsigned char *types;

	if (end - p < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	isut = tz_be32(p + 20);
	isstd = tz_be32(p + 24);
	leap = tz_be32(p + 28);
	timecnt = tz_be32(p + 32);
	typecnt = tz_be32(p + 36);
	charcnt = tz_be32(p + 40);
	p += 44;
	if (timecnt > TZ_MAX_TRANS || (tsize == 8 && typecnt == 0) ||
	    typecnt > TZ_MAX_TYPES ||
	    leap > 1000 || charcnt > 10000 || isut > typecnt || isstd > typecnt ||
	    (uint64_t)(end - p) < (uint64_t)timecnt * (tsize + 1) + typecnt * 6 +
	    charcnt + leap * (tsize + 4) + isstd + isut)
		return -1;
	if (tsize == 8) {
		z->ntrans = (int)timecnt;
		z->ntypes = (int)typecnt;
		z->trans = xcalloc(timecnt + 1, sizeof *z->trans);
		z->idx = xcalloc(timecnt + 1, 1);
		z->offs = xcalloc(typecnt, sizeof *z->offs);
		for (i = 0; i < timecnt; i++)
			z->trans[i] = tz_be64(p + 8 * i);
		types = p + 8 * timecnt;
		for (i = 0; i < timecnt; i++) {
			if (types[i] >= typecnt)
				return -1;
			z->idx[i] = types[i];
		}
		for (i = 0; i < typecnt; i++)
			z->offs[i] = (long)(int32_t)tz_be32(types + timecnt + 6 * i);
	}
	*after = p + (uint64_t)timecnt * (tsize + 1) + typecnt * 6 + charcnt +
	    leap * (tsize + 4) + isstd + isut;
	return 0;
}

struct tz *
tz_parse(const unsigned char *data, size_t len, char **cause)
{
	const unsigned char *end = data + len, *p = data, *nl;
	struct tz *z = xcalloc(1, sizeof *z);
	char *footer;

	/* Version 1 block (32-bit times) first; hark reads the 64-bit one after it. */
	if (len < 44 || memcmp(data, "TZif", 4) != 0 || data[4] < '2' ||
	    tz_read_block(z, p, end, 4, &p) != 0 ||
	    tz_read_block(z, p, end, 8, &p) != 0)
		goto bad;
	if (p < end && *p == '\n' && (nl = memchr(p + 1, '\n', (size_t)(end - p - 1)))
	    != NULL && nl > p + 1) {
		footer = xstrndup((const char *)p + 1, (size_t)(nl - p - 1));
		if (tz_rule_parse(footer, &z->rule) != 0)
			memset(&z->rule, 0, sizeof z->rule);
		free(footer);
	}
	return z;
bad:
	set_cause(cause, "not a TZif time zone file (version 2 or later)");
	tz_free(z);
	return NULL;
}

void
tz_free(struct tz *z)
{
	if (z == NULL)
		return;
	free(z->trans);
	free(z->idx);
	free(z->offs);
	free(z);
}

long
tz_offset(const struct tz *z, int64_t utc_ms)
{
	int64_t t = utc_ms / 1000 - (utc_ms % 1000 < 0);
	int lo = 0, hi = z->ntrans;

	if (z->ntrans == 0 || t >= z->trans[z->ntrans - 1]) {
		if (z->rule.has)
			return tz_rule_offset(&z->rule, t);
		return z->ntrans > 0 ? z->offs[z->idx[z->ntrans - 1]] : z->offs[0];
	}
	if (t < z->trans[0])
		return z->offs[0];
	/* The last transition at or before t. */
	while (hi - lo > 1) {
		int mid = (lo + hi) / 2;

		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->offs[z->idx[lo]];
}

long
tz_offset_cb(const void *arg, int64_t utc_ms)
{
	return tz_offset(arg, utc_ms);
}
