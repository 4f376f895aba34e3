/* addr.c — addresses: phone numbers to E.164, email addresses to one spelling. */

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hark/core.h"
#include "core_int.h"

#define PHONE_DIGITS_MAX 20 /* more than any dialled form of an E.164 number */
#define EMAIL_MAX 254
#define EMAIL_LOCAL_MAX 64
#define EMAIL_DOMAIN_MAX 253
#define EMAIL_LABEL_MAX 63

static int phone_fail(char **, const char *, const struct phone_region *,
    const char *, ...) HARK_PRINTF(4, 5);
static const char *phone_skip_scheme(const char *);
static const char *phone_collect(const char *, char *, int *);
static const char *phone_strip_intl(const struct phone_region *, const char *,
    int *);
static const char *phone_strip_trunk(const struct phone_region *, const char *,
    int);
static const char *phone_nanp_check(const char *);
static int phone_check(const struct phone_region *, const char *,
    const char *, char *, char **);
static char *email_fail(char **, const char *, size_t, const char *, ...)
    HARK_PRINTF(4, 5);
static const char *email_local_check(const char *, size_t);
static const char *email_literal_check(const char *, size_t);
static const char *email_domain_check(const char *, size_t);

/*
 * Sets a cause that quotes what the user typed and names the region when one
 * is known: "'+1 015 555 2671' is not a valid US number: area code cannot
 * start with 0".
 */
static int
phone_fail(char **cause, const char *input, const struct phone_region *r,
    const char *fmt, ...)
{
	va_list ap;
	char *why;

	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	if (r != NULL)
		set_cause(cause, "'%s' is not a valid %s number: %s", input,
		    r->region, why);
	else
		set_cause(cause, "'%s' is not a phone number: %s", input, why);
	free(why);
	return -1;
}

/* Links and exports carry numbers as "tel:+1..." or "whatsapp:+1...". */
static const char *
phone_skip_scheme(const char *s)
{
	static const char *const schemes[] = { "tel:", "whatsapp:", "sms:" };
	size_t i, n;

	while (isspace((unsigned char)*s))
		s++;
	for (i = 0; i < HARK_NELEM(schemes); i++) {
		n = strlen(schemes[i]);
		if (strncasecmp(s, schemes[i], n) == 0)
			return s + n;
	}
	return s;
}

/*
 * Copies the digits of s into digits (PHONE_DIGITS_MAX + 1 bytes), skipping
 * the separators people type. Returns NULL, or why s is not a number.
 */
static const char *
phone_collect(const char *s, char *digits, int *plus)
{
	size_t n = 0;
	char c;

	*plus = 0;
	for (; (c = *s) != '\0'; s++) {
		if (c >= '0' && c <= '9') {
			if (n == PHONE_DIGITS_MAX)
				return "it has too many digits";
			digits[n++] = c;
		} else if (c == '+') {
			if (n > 0 || *plus)
				return "'+' can only come first";
			*plus = 1;
		} else if (strchr(" \t.-()/", c) != NULL)
			continue;
		else if (n > 0 && (strchr("xX#,;", c) != NULL ||
		    strncasecmp(s, "ext", 3) == 0))
			return "it has an extension, which cannot be messaged";
		else if (isalpha((unsigned char)c))
			return "it contains letters";
		else
			return "it contains characters other than digits";
	}
	digits[n] = '\0';
	return NULL;
}

/*
 * A number dialled from the default region may start with that region's
 * international prefix (011 in the US) or the widespread 00. Returns where
 * the country code starts and sets *plus, or returns digits unchanged.
 */
static const char *
phone_strip_intl(const struct phone_region *home, const char *digits, int *plus)
{
	size_t n = strlen(home->intl);

	if (strncmp(digits, home->intl, n) == 0) {
		*plus = 1;
		return digits + n;
	}
	if (strncmp(digits, "00", 2) == 0) {
		*plus = 1;
		return digits + 2;
	}
	return digits;
}

/*
 * Drops the trunk prefix ("0" in 020 7946 0958, "1" in 1 415 ...) if what
 * follows can still be a whole number. After a country code it is dropped
 * only when it cannot belong to the number: the "+44 (0)20" habit, or one
 * digit too many.
 */
static const char *
phone_strip_trunk(const struct phone_region *r, const char *nsn, int after_cc)
{
	size_t tn = strlen(r->trunk), len = strlen(nsn);

	if ((r->flags & PHONE_LEGACY_1) && len == (size_t)r->max_len + 1 &&
	    nsn[0] == '1')
		return nsn + 1;
	if (tn == 0 || strncmp(nsn, r->trunk, tn) != 0 || len - tn < r->min_len)
		return nsn;
	if (after_cc && r->trunk[0] != '0' && len <= r->max_len)
		return nsn;
	return nsn + tn;
}

static const char *
phone_nanp_check(const char *nsn)
{
	if (nsn[0] == '0')
		return "area code cannot start with 0";
	if (nsn[0] == '1')
		return "area code cannot start with 1";
	if (nsn[1] == '1' && nsn[2] == '1')
		return "an area code cannot end in 11 (that is a service code)";
	if (nsn[3] == '0')
		return "exchange code cannot start with 0";
	if (nsn[3] == '1')
		return "exchange code cannot start with 1";
	return NULL;
}

/* Checks a national significant number against its plan and writes E.164. */
static int
phone_check(const struct phone_region *r, const char *nsn, const char *input,
    char *out, char **cause)
{
	size_t len = strlen(nsn);
	const char *why;
	char lens[16];
	int n;

	if (r->min_len == r->max_len)
		snprintf(lens, sizeof lens, "%u", r->min_len);
	else
		snprintf(lens, sizeof lens, "%u to %u", r->min_len, r->max_len);
	if (len < r->min_len)
		return phone_fail(cause, input, r,
		    "too short (%zu digits; a %s number has %s)", len, r->region,
		    lens);
	if (len > r->max_len)
		return phone_fail(cause, input, r,
		    "too long (%zu digits; a %s number has %s)", len, r->region,
		    lens);
	if (r->flags & PHONE_NANP) {
		if ((why = phone_nanp_check(nsn)) != NULL)
			return phone_fail(cause, input, r, "%s", why);
	} else if (nsn[0] == '0' && !(r->flags & PHONE_LEADING_ZERO))
		return phone_fail(cause, input, r,
		    "the number after the country code cannot start with 0");
	n = snprintf(out, HARK_E164_MAX + 1, "+%u%s", r->cc, nsn);
	if (n < 0 || n > HARK_E164_MAX)
		return phone_fail(cause, input, r, "more than 15 digits");
	return 0;
}

int
addr_phone_normalize(const char *input, const char *default_region,
    char out[HARK_E164_MAX + 1], char **cause)
{
	const struct phone_region *home = NULL, *r;
	char digits[PHONE_DIGITS_MAX + 1];
	const char *nsn, *why;
	int plus;

	if (input == NULL || input[strspn(input, " \t\r\n")] == '\0') {
		set_cause(cause, "phone number is empty");
		return -1;
	}
	if ((why = phone_collect(phone_skip_scheme(input), digits, &plus)) != NULL)
		return phone_fail(cause, input, NULL, "%s", why);
	if (digits[0] == '\0')
		return phone_fail(cause, input, NULL, "it has no digits");
	nsn = digits;
	if (!plus && default_region != NULL && *default_region != '\0') {
		/* The region only matters to a number without a country code. */
		if ((home = phone_region_find(default_region)) == NULL) {
			set_cause(cause, "unknown region '%s' for phone numbers "
			    "(expected a country code such as US or GB)",
			    default_region);
			return -1;
		}
		nsn = phone_strip_intl(home, digits, &plus);
	} else if (!plus && strncmp(digits, "00", 2) == 0) {
		plus = 1;
		nsn += 2;
	}
	if (!plus && home == NULL)
		return phone_fail(cause, input, NULL, "it has no country code "
		    "(start it with + or set a default region)");
	if (!plus)
		return phone_check(home, phone_strip_trunk(home, nsn, 0), input,
		    out, cause);
	if (*nsn == '\0')
		return phone_fail(cause, input, NULL,
		    "no country code follows the international prefix");
	if ((r = phone_region_split(nsn, &nsn)) == NULL)
		return phone_fail(cause, input, NULL,
		    "unknown country calling code +%.3s", nsn);
	nsn = phone_strip_trunk(r, nsn, 1);
	/* Name the region the number belongs to: "+1 416..." is Canadian. */
	if ((home = phone_region_of(r->cc, nsn)) != NULL)
		r = home;
	return phone_check(r, nsn, input, out, cause);
}

const char *
addr_phone_region(const char *e164)
{
	const struct phone_region *r;
	const char *nsn;

	if (e164 == NULL || e164[0] != '+')
		return NULL;
	if ((r = phone_region_split(e164 + 1, &nsn)) == NULL)
		return NULL;
	if ((r = phone_region_of(r->cc, nsn)) == NULL)
		return NULL;
	return r->region;
}

/* Sets a cause quoting the address; returns NULL for the caller to return. */
static char *
email_fail(char **cause, const char *addr, size_t len, const char *fmt, ...)
{
	va_list ap;
	char *why;

	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	set_cause(cause, "'%.*s' is not a valid email address: %s", (int)len,
	    addr, why);
	free(why);
	return NULL;
}

/* The local part: a dot-atom (RFC 5322 atext between single dots) or a
 * quoted string. Returns NULL or why not. */
static const char *
email_local_check(const char *s, size_t len)
{
	static const char atext[] = "!#$%&'*+-/=?^_`{|}~";
	size_t i;

	if (len == 0)
		return "nothing before the '@'";
	if (len > EMAIL_LOCAL_MAX)
		return "the part before the '@' is longer than 64 characters";
	if (s[0] == '"') {
		if (len < 2 || s[len - 1] != '"')
			return "an opening quote is not closed before the '@'";
		for (i = 1; i < len - 1; i++) {
			if (s[i] == '\\' && i + 1 < len - 1)
				i++;
			else if (s[i] == '"' || s[i] == '\\')
				return "a quote or backslash inside quotes is "
				    "not escaped";
			if (s[i] < 0x20 || s[i] > 0x7e)
				return "quotes can only hold printable ASCII";
		}
		return NULL;
	}
	if (s[0] == '.' || s[len - 1] == '.')
		return "the part before the '@' starts or ends with a dot";
	for (i = 0; i < len; i++) {
		if (s[i] == '.' && i + 1 < len && s[i + 1] == '.')
			return "two dots in a row before the '@'";
		if (s[i] != '.' && !isalnum((unsigned char)s[i]) &&
		    strchr(atext, s[i]) == NULL)
			return "a character before the '@' needs quoting "
			    "(spaces, commas, brackets and non-ASCII letters)";
	}
	return NULL;
}

static const char *
email_literal_check(const char *s, size_t len)
{
	unsigned char ip[16];
	char buf[64];

	if (len < 2 || s[len - 1] != ']' || len - 2 >= sizeof buf)
		return "a bracketed domain is not a valid IP address";
	memcpy(buf, s + 1, len - 2);
	buf[len - 2] = '\0';
	if (strncasecmp(buf, "IPv6:", 5) == 0) {
		if (inet_pton(AF_INET6, buf + 5, ip) == 1)
			return NULL;
	} else if (inet_pton(AF_INET, buf, ip) == 1)
		return NULL;
	return "a bracketed domain is not a valid IP address";
}

/* The domain: an IP literal, or dot-separated labels of letters, digits and
 * inner hyphens with at least one dot. Returns NULL or why not. */
static const char *
email_domain_check(const char *s, size_t len)
{
	size_t i, label = 0, digits = 0, dots = 0;

	if (len == 0)
		return "nothing after the '@'";
	if (s[0] == '[')
		return email_literal_check(s, len);
	if (len > EMAIL_DOMAIN_MAX)
		return "the domain is longer than 253 characters";
	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (label == 0)
				return "the domain has an empty part (a dot at "
				    "the start or end, or two in a row)";
			if (s[i - 1] == '-')
				return "a domain part ends with a hyphen";
			if (i < len)
				dots++;
			else if (digits == label)
				return "the top-level domain is all digits "
				    "(write an IP address in brackets)";
			label = digits = 0;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return "the domain can only hold letters, digits, "
			    "hyphens and dots";
		if (label == 0 && s[i] == '-')
			return "a domain part starts with a hyphen";
		if (++label > EMAIL_LABEL_MAX)
			return "a domain part is longer than 63 characters";
		if (isdigit((unsigned char)s[i]))
			digits++;
	}
	if (dots == 0)
		return "the domain has no dot";
	return NULL;
}

char *
addr_email_normalize(const char *input, char **cause)
{
	const char *s, *e, *lt, *at, *why;
	char *out;
	size_t i, len;

	if (input == NULL)
		input = "";
	for (s = input; isspace((unsigned char)*s); s++)
		;
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
		;
	if (e > s && e[-1] == '>') {
		for (lt = e - 1; lt > s && *lt != '<'; lt--)
			;
		if (*lt != '<')
			return email_fail(cause, s, (size_t)(e - s),
			    "'>' without '<'");
		s = lt + 1;
		e--;
	}
	if (strncasecmp(s, "mailto:", 7) == 0 && e - s >= 7)
		s += 7;
	if (s == e) {
		set_cause(cause, "email address is empty");
		return NULL;
	}
	len = (size_t)(e - s);
	if (len > EMAIL_MAX)
		return email_fail(cause, s, len, "longer than 254 characters");
	for (at = e - 1; at > s && *at != '@'; at--)
		;
	if (*at != '@')
		return email_fail(cause, s, len, "it has no '@'");
	if ((why = email_local_check(s, (size_t)(at - s))) != NULL ||
	    (why = email_domain_check(at + 1, (size_t)(e - at - 1))) != NULL)
		return email_fail(cause, s, len, "%s", why);
	out = xstrndup(s, len);
	for (i = (size_t)(at - s) + 1; i < len; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	return out;
}

char *
addr_normalize(enum hark_channel ch, const char *input,
    const char *default_region, char **cause)
{
	char e164[HARK_E164_MAX + 1];

	switch (ch) {
	case HARK_CH_EMAIL:
		return addr_email_normalize(input, cause);
	case HARK_CH_SMS:
	case HARK_CH_WHATSAPP:
	case HARK_CH_VOICE:
		if (addr_phone_normalize(input, default_region, e164, cause) != 0)
			return NULL;
		return xstrdup(e164);
	default:
		set_cause(cause, "unknown channel for an address");
		return NULL;
	}
}
