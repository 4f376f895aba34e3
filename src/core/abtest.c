/* abtest.c — A/B tests of template variants: sticky weighted assignment, the two-proportion z-test, medians. */

#include <math.h>
#include <stdlib.h>

#include "hark/template.h"

static uint64_t	ab_mix(uint64_t x);
static int	ab_cmp(const void *a, const void *b);

/*
 * splitmix64's finaliser: every input bit flips each output bit with
 * probability close to one half, so consecutive contact ids spread evenly
 * over the weights.
 */
static uint64_t
ab_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

int
abtest_pick(int64_t test_id, int64_t contact_id, const int *weights, int n)
{
	uint64_t total = 0, at, h;
	int i;

	for (i = 0; i < n; i++) {
		if (weights[i] > 0)
			total += (uint64_t)weights[i];
	}
	if (n < 1 || total == 0)
		return -1;
	h = ab_mix(ab_mix((uint64_t)test_id) ^ (uint64_t)contact_id);
	at = h % total;
	for (i = 0; i < n; i++) {
		if (weights[i] <= 0)
			continue;
		if (at < (uint64_t)weights[i])
			return i;
		at -= (uint64_t)weights[i];
	}
	return -1; /* not reached: at < total */
}

int
abtest_ztest(long s1, long n1, long s2, long n2, struct abtest_result *r)
{
	double pool, se, e[4];
	int i;

	r->rate1 = r->rate2 = r->z = 0;
	r->p = 1;
	r->too_few = 1;
	r->significant = 0;
	if (s1 < 0 || s2 < 0 || n1 < 0 || n2 < 0 || s1 > n1 || s2 > n2)
		return -1;
	if (n1 == 0 || n2 == 0)
		return 0;
	r->rate1 = (double)s1 / (double)n1;
	r->rate2 = (double)s2 / (double)n2;
	pool = (double)(s1 + s2) / (double)(n1 + n2);
	e[0] = (double)n1 * pool;
	e[1] = (double)n1 * (1 - pool);
	e[2] = (double)n2 * pool;
	e[3] = (double)n2 * (1 - pool);
	r->too_few = 0;
	for (i = 0; i < 4; i++) {
		if (e[i] < ABTEST_MIN_EXPECTED)
			r->too_few = 1;
	}
	se = sqrt(pool * (1 - pool) * (1.0 / (double)n1 + 1.0 / (double)n2));
	if (se > 0) {
		r->z = (r->rate2 - r->rate1) / se;
		r->p = erfc(fabs(r->z) / sqrt(2.0));
	}
	r->significant = !r->too_few && r->p < ABTEST_ALPHA;
	return 0;
}

static int
ab_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int64_t
abtest_median(int64_t *v, int n)
{
	if (n <= 0)
		return 0;
	qsort(v, (size_t)n, sizeof *v, ab_cmp);
	if (n % 2 == 1)
		return v[n / 2];
	/* Halves first: two large times never overflow. */
	return v[n / 2 - 1] / 2 + v[n / 2] / 2 +
	    (v[n / 2 - 1] % 2 + v[n / 2] % 2) / 2;
}
