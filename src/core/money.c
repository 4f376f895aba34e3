/* money.c — amounts in integer millionths of a currency unit. */

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hark/core.h"

#define MICROS 1000000
#define MICRO_DIGITS 6

static int money_currency(const char *, char *);
static const char *money_symbol(const char *);

/* Copies an ISO 4217 code (three letters, any case) upper-cased; "" for NULL
 * or empty. Returns 0 or -1. */
static int
money_currency(const char *code, char *out)
{
	int i;

	out[0] = '\0';
	if (code == NULL || *code == '\0')
		return 0;
	for (i = 0; i < 3; i++) {
		if (!isalpha((unsigned char)code[i]))
			return -1;
		out[i] = (char)toupper((unsigned char)code[i]);
	}
	if (code[3] != '\0')
		return -1;
	out[3] = '\0';
	return 0;
}

/*
 * Digits before the point accumulate as whole units, the first six after it
 * as micros; the seventh decides rounding (half away from zero) and the rest
 * cannot change the result.
 */
int
money_parse(const char *s, const char *currency, struct hark_money *out,
    char **cause)
{
	const char *p = s;
	uint64_t v = 0;
	int neg = 0, digits = 0, frac = -1;

	if (s == NULL || *s == '\0') {
		set_cause(cause, "amount is empty");
		return -1;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p != '\0'; p++) {
		if (*p == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			break;
		digits++;
		if (frac >= MICRO_DIGITS) {
			if (frac++ == MICRO_DIGITS && *p >= '5')
				v++;
			continue;
		}
		if (v > (UINT64_MAX - 9) / 10)
			goto toolarge;
		v = v * 10 + (uint64_t)(*p - '0');
		if (frac >= 0)
			frac++;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (digits == 0 || *p != '\0') {
		set_cause(cause, "cannot parse amount '%s': expected a decimal "
		    "number such as 12, 0.0075 or -1.20", s);
		return -1;
	}
	for (frac = frac < 0 ? 0 : frac; frac < MICRO_DIGITS; frac++) {
		if (v > UINT64_MAX / 10)
			goto toolarge;
		v *= 10;
	}
	if (v > (uint64_t)INT64_MAX)
		goto toolarge;
	if (money_currency(currency, out->currency) != 0) {
		set_cause(cause, "'%s' is not a currency code (expected three "
		    "letters such as USD)", currency);
		return -1;
	}
	out->micros = neg ? -(int64_t)v : (int64_t)v;
	return 0;

toolarge:
	set_cause(cause, "amount '%s' is too large", s);
	return -1;
}

static const char *
money_symbol(const char *currency)
{
	if (strcmp(currency, "USD") == 0)
		return "$";
	if (strcmp(currency, "EUR") == 0)
		return "\xe2\x82\xac";
	if (strcmp(currency, "GBP") == 0)
		return "\xc2\xa3";
	return NULL;
}

void
money_format(const struct hark_money *m, char *buf, size_t size)
{
	const char *sym = money_symbol(m->currency);
	uint64_t mag;
	char frac[MICRO_DIGITS + 1];
	int n;

	if (size == 0)
		return;
	/* Negate in unsigned arithmetic so INT64_MIN has a magnitude too. */
	mag = m->micros < 0 ? 0 - (uint64_t)m->micros : (uint64_t)m->micros;
	snprintf(frac, sizeof frac, "%06" PRIu64, mag % MICROS);
	for (n = MICRO_DIGITS; n > 2 && frac[n - 1] == '0'; n--)
		frac[n - 1] = '\0';
	if (sym != NULL)
		snprintf(buf, size, "%s%s%" PRIu64 ".%s", m->micros < 0 ? "-" : "",
		    sym, mag / MICROS, frac);
	else
		snprintf(buf, size, "%s%" PRIu64 ".%s%s%s",
		    m->micros < 0 ? "-" : "", mag / MICROS, frac,
		    m->currency[0] != '\0' ? " " : "", m->currency);
}

int
money_mul(const struct hark_money *a, int64_t n, struct hark_money *out)
{
	int64_t r;

	if (__builtin_mul_overflow(a->micros, n, &r))
		return -1;
	memmove(out->currency, a->currency, sizeof out->currency);
	out->micros = r;
	return 0;
}
