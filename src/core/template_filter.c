/* template_filter.c — the filters a template applies to a value: case, first word, dates, money. */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hark/core.h"
#include "template_int.h"

static const struct {
	const char *name;
	enum tfilter_kind kind;
} tfilters[] = {
	{ "upper", TF_UPPER },
	{ "lower", TF_LOWER },
	{ "title", TF_TITLE },
	{ "first", TF_FIRST },
	{ "date", TF_DATE },
	{ "money", TF_MONEY },
};

/*
 * English names, whatever the locale: a message reads the same whichever
 * machine renders it (the daemon may run under another locale than the TUI).
 */
static const char *const tf_days[] = { "Sunday", "Monday", "Tuesday",
	"Wednesday", "Thursday", "Friday", "Saturday" };
static const char *const tf_months[] = { "January", "February", "March",
	"April", "May", "June", "July", "August", "September", "October",
	"November", "December" };

static int	tf_is_blank(char c);
static void	tf_case(struct hbuf *v, enum tfilter_kind kind);
static void	tf_first(struct hbuf *v);
static int	tf_digits(const char *s, int n, int *out);
static int	tf_iso_time(const char *s, int64_t *secs);
static int	tf_iso(const char *s, int64_t *secs);
static int	tf_parse_date(const char *s, long utc_offset, struct tm *tm);
static void	tf_conv(struct hbuf *b, char c, int nopad, const struct tm *tm);
static int	tf_date(struct hbuf *v, const char *fmt, long utc_offset);
static int	tf_money(struct hbuf *v, const char *currency);

int
tfilter_lookup(const char *name, size_t len, enum tfilter_kind *kind)
{
	size_t i;

	for (i = 0; i < HARK_NELEM(tfilters); i++) {
		if (strlen(tfilters[i].name) == len &&
		    memcmp(tfilters[i].name, name, len) == 0) {
			*kind = tfilters[i].kind;
			return 0;
		}
	}
	return -1;
}

int
tfilter_date_check(const char *fmt, char **cause)
{
	const char *p;

	for (p = fmt; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '-')
			p++;
		if (p[1] == '\0') {
			set_cause(cause, "date format '%s' ends in '%%'", fmt);
			return -1;
		}
		p++;
		if (strchr("YymdeHIMSpaAbBj%", *p) == NULL) {
			set_cause(cause, "date format '%s': unknown conversion '%%%c'"
			    " (known: %%Y %%y %%m %%d %%e %%H %%I %%M %%S %%p %%a %%A"
			    " %%b %%B %%j %%%%)", fmt, *p);
			return -1;
		}
	}
	return 0;
}

static int
tf_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* ASCII only: bytes of other UTF-8 characters are left as they are. */
static void
tf_case(struct hbuf *v, enum tfilter_kind kind)
{
	size_t i;
	int start = 1;
	char c;

	for (i = 0; i < v->len; i++) {
		c = v->data[i];
		if (kind == TF_UPPER || (kind == TF_TITLE && start)) {
			if (c >= 'a' && c <= 'z')
				v->data[i] = (char)(c - 'a' + 'A');
		} else if (kind == TF_LOWER && c >= 'A' && c <= 'Z')
			v->data[i] = (char)(c - 'A' + 'a');
		start = tf_is_blank(c) || c == '-';
	}
}

static void
tf_first(struct hbuf *v)
{
	size_t a = 0, b;

	while (a < v->len && tf_is_blank(v->data[a]))
		a++;
	for (b = a; b < v->len && !tf_is_blank(v->data[b]); b++)
		;
	memmove(v->data, v->data + a, b - a);
	v->len = b - a;
	v->data[v->len] = '\0';
}

/* Exactly n ASCII digits. */
static int
tf_digits(const char *s, int n, int *out)
{
	int i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*out = *out * 10 + (s[i] - '0');
	}
	return 0;
}

/*
 * "HH:MM[:SS[.fff]]" then an optional "Z" or offset, which is checked but
 * not applied: the wall-clock time written is the one the reader expects.
 */
static int
tf_iso_time(const char *s, int64_t *secs)
{
	int h, mi, sec = 0, oh, om;

	if (tf_digits(s, 2, &h) != 0 || s[2] != ':' || tf_digits(s + 3, 2, &mi) != 0)
		return -1;
	s += 5;
	if (*s == ':') {
		if (tf_digits(s + 1, 2, &sec) != 0)
			return -1;
		s += 3;
		if (*s == '.' || *s == ',') {
			for (s++; *s >= '0' && *s <= '9'; s++)
				;
		}
	}
	if (h > 23 || mi > 59 || sec > 60)
		return -1;
	if (*s == 'Z' || *s == 'z')
		s++;
	else if ((*s == '+' || *s == '-') && tf_digits(s + 1, 2, &oh) == 0) {
		s += 3;
		if (*s == ':')
			s++;
		if (tf_digits(s, 2, &om) == 0)
			s += 2;
	}
	*secs = (int64_t)h * 3600 + mi * 60 + sec;
	return *s == '\0' ? 0 : -1;
}

/* "YYYY-MM-DD" optionally followed by 'T' or ' ' and a time. */
static int
tf_iso(const char *s, int64_t *secs)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, leap;
	int64_t tod = 0;

	if (strlen(s) < 10 || tf_digits(s, 4, &y) != 0 || s[4] != '-' ||
	    tf_digits(s + 5, 2, &m) != 0 || s[7] != '-' || tf_digits(s + 8, 2, &d) != 0)
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
		return -1;
	if (s[10] != '\0' && ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    tf_iso_time(s + 11, &tod) != 0))
		return -1;
	*secs = tz_days_from_civil(y, m, d) * 86400 + tod;
	return 0;
}

/* An ISO date (wall clock as written) or epoch milliseconds (shifted to local). */
static int
tf_parse_date(const char *s, long utc_offset, struct tm *tm)
{
	int64_t secs, ms;
	size_t n = strspn(s, "0123456789");
	time_t tt;

	if (n > 0 && n <= 15 && s[n] == '\0') {
		ms = strtoll(s, NULL, 10);
		secs = ms / 1000 + utc_offset;
	} else if (tf_iso(s, &secs) != 0)
		return -1;
	tt = (time_t)secs;
	return gmtime_r(&tt, tm) != NULL ? 0 : -1;
}

static void
tf_conv(struct hbuf *b, char c, int nopad, const struct tm *tm)
{
	int val, width = 2;

	switch (c) {
	case 'Y': val = tm->tm_year + 1900; width = 4; break;
	case 'y': val = (tm->tm_year + 1900) % 100; break;
	case 'm': val = tm->tm_mon + 1; break;
	case 'd': val = tm->tm_mday; break;
	case 'H': val = tm->tm_hour; break;
	case 'I': val = tm->tm_hour % 12 == 0 ? 12 : tm->tm_hour % 12; break;
	case 'M': val = tm->tm_min; break;
	case 'S': val = tm->tm_sec; break;
	case 'j': val = tm->tm_yday + 1; width = 3; break;
	case 'e': hbuf_printf(b, "%*d", nopad ? 0 : 2, tm->tm_mday); return;
	case 'p': hbuf_adds(b, tm->tm_hour < 12 ? "AM" : "PM"); return;
	case 'a': hbuf_add(b, tf_days[tm->tm_wday], 3); return;
	case 'A': hbuf_adds(b, tf_days[tm->tm_wday]); return;
	case 'b': hbuf_add(b, tf_months[tm->tm_mon], 3); return;
	case 'B': hbuf_adds(b, tf_months[tm->tm_mon]); return;
	default: hbuf_addc(b, '%'); return;
	}
	hbuf_printf(b, "%0*d", nopad ? 0 : width, val);
}

/* The format was checked at parse time (tfilter_date_check). */
static int
tf_date(struct hbuf *v, const char *fmt, long utc_offset)
{
	struct hbuf b = HBUF_INIT;
	struct tm tm;
	const char *p;
	int nopad;

	if (tf_parse_date(hbuf_str(v), utc_offset, &tm) != 0)
		return -1;
	for (p = fmt; *p != '\0'; p++) {
		if (*p != '%' || p[1] == '\0') {
			hbuf_addc(&b, *p);
			continue;
		}
		nopad = p[1] == '-';
		p += nopad ? 2 : 1;
		if (*p == '\0')
			break;
		tf_conv(&b, *p, nopad, &tm);
	}
	hbuf_free(v);
	*v = b;
	return 0;
}

static int
tf_money(struct hbuf *v, const char *currency)
{
	struct hark_money m;
	char buf[64];

	if (money_parse(hbuf_str(v), currency != NULL ? currency : "", &m, NULL) != 0)
		return -1;
	money_format(&m, buf, sizeof buf);
	hbuf_reset(v);
	hbuf_adds(v, buf);
	return 0;
}

int
tfilter_apply(const struct tfilter *f, struct hbuf *v, long utc_offset)
{
	if (v->data == NULL)
		hbuf_adds(v, "");
	switch (f->kind) {
	case TF_UPPER:
	case TF_LOWER:
	case TF_TITLE:
		tf_case(v, f->kind);
		return 0;
	case TF_FIRST:
		tf_first(v);
		return 0;
	case TF_DATE:
		return tf_date(v, f->arg, utc_offset);
	case TF_MONEY:
		return tf_money(v, f->arg);
	}
	return -1;
}
