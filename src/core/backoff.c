/* backoff.c — the retry policy: exponential backoff with jitter, Retry-After. */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hark/core.h"

#define RETRY_AFTER_CAP_MS (3600 * 1000LL)

int64_t
backoff_delay_ms(const struct backoff_policy *p, int attempt, uint64_t random,
    int64_t retry_after_ms)
{
	int64_t d = p->base_ms > 0 ? p->base_ms : 1000;
	int64_t cap = p->cap_ms > 0 ? p->cap_ms : 300000;
	int64_t lo;
	int i;

	/* Stop doubling before d could overflow, whatever cap allows. */
	for (i = 1; i < attempt && d < cap && d <= INT64_MAX / 2; i++)
		d *= 2;
	if (d > cap)
		d = cap;
	/* Half fixed, half random: spreads a herd of retries without ever
	 * retrying sooner than half the nominal delay. */
	lo = d / 2;
	d = lo + (int64_t)(random % (uint64_t)(d - lo + 1));
	if (retry_after_ms > 0) {
		if (retry_after_ms > RETRY_AFTER_CAP_MS)
			retry_after_ms = RETRY_AFTER_CAP_MS;
		if (d < retry_after_ms)
			d = retry_after_ms;
	}
	return d;
}

int64_t
retry_after_parse(const char *value, int64_t now_ms)
{
	const char *p;
	struct tm tm;
	char *end;
	long long secs;
	time_t t;

	if (value == NULL)
		return -1;
	while (isspace((unsigned char)*value))
		value++;
	if (*value == '\0')
		return -1;
	if (isdigit((unsigned char)*value)) {
		secs = strtoll(value, &end, 10);
		while (isspace((unsigned char)*end))
			end++;
		if (*end != '\0' || secs < 0 || secs > 86400LL * 365)
			return -1;
		return secs * 1000;
	}
	/* HTTP-date, IMF-fixdate form: "Wed, 21 Oct 2015 07:28:00 GMT". */
	memset(&tm, 0, sizeof tm);
	p = strptime(value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (p == NULL || *p != '\0')
		return -1;
	t = timegm(&tm);
	if ((int64_t)t * 1000 <= now_ms)
		return 0;
	return (int64_t)t * 1000 - now_ms;
}
