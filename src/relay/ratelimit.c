/*
 * ratelimit.c — a token bucket per client address for the relay: `rate`
 * requests a second on average, bursts of twice that.
 *
 * Buckets live in a small hash table under one mutex (a lookup is a few
 * hundred nanoseconds, far below a request's cost). When the table is full,
 * buckets that have refilled completely are forgotten: such a client is
 * indistinguishable from a new one.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relay_int.h"

#define LIMITER_SLOTS 4096          /* power of two */
#define LIMITER_ADDR_MAX 64

struct limiter_bucket {
	char addr[LIMITER_ADDR_MAX];    /* "" when free */
	double tokens;
	int64_t at_ms;                  /* when tokens was computed */
};

struct relay_limiter {
	pthread_mutex_t mu;
	double rate, burst;
	int used;
	struct limiter_bucket slot[LIMITER_SLOTS];
};

static uint32_t limiter_hash(const char *s);
static struct limiter_bucket *limiter_find(struct relay_limiter *l, const char *addr,
    int64_t now_ms);
static void limiter_refill(struct relay_limiter *l, struct limiter_bucket *b,
    int64_t now_ms);
static void limiter_sweep(struct relay_limiter *l, int64_t now_ms);

struct relay_limiter *
relay_limiter_new(int rate)
{
	struct relay_limiter *l;

	if (rate <= 0)
		return NULL;
	l = xcalloc(1, sizeof *l);
	pthread_mutex_init(&l->mu, NULL);
	l->rate = rate;
	l->burst = 2.0 * rate;
	return l;
}

void
relay_limiter_free(struct relay_limiter *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->mu);
	free(l);
}

int
relay_limiter_take(struct relay_limiter *l, const char *addr, int64_t now_ms)
{
	struct limiter_bucket *b;
	int wait = 0;

	if (l == NULL)
		return 0;
	pthread_mutex_lock(&l->mu);
	b = limiter_find(l, addr, now_ms);
	limiter_refill(l, b, now_ms);
	if (b->tokens >= 1.0)
		b->tokens -= 1.0;
	else if ((wait = (int)ceil((1.0 - b->tokens) / l->rate)) < 1)
		wait = 1;
	pthread_mutex_unlock(&l->mu);
	return wait;
}

/* FNV-1a. */
static uint32_t
limiter_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* The bucket of addr, created full when new (linear probing). */
static struct limiter_bucket *
limiter_find(struct relay_limiter *l, const char *addr, int64_t now_ms)
{
	struct limiter_bucket *b;
	uint32_t i;
	char key[LIMITER_ADDR_MAX];

	snprintf(key, sizeof key, "%s", addr);
	if (l->used >= LIMITER_SLOTS * 3 / 4)
		limiter_sweep(l, now_ms);
	for (i = limiter_hash(key);; i++) {
		b = &l->slot[i & (LIMITER_SLOTS - 1)];
		if (strcmp(b->addr, key) == 0)
			return b;
		if (b->addr[0] == '\0')
			break;
	}
	memcpy(b->addr, key, sizeof key);
	b->tokens = l->burst;
	b->at_ms = now_ms;
	l->used++;
	return b;
}

static void
limiter_refill(struct relay_limiter *l, struct limiter_bucket *b, int64_t now_ms)
{
	if (now_ms > b->at_ms) {
		b->tokens += (double)(now_ms - b->at_ms) * l->rate / 1000.0;
		if (b->tokens > l->burst)
			b->tokens = l->burst;
		b->at_ms = now_ms;
	}
}

/*
 * Forgets every full bucket, then rebuilds the table (open addressing cannot
 * simply blank a slot). If every client is still limited, the busiest table
 * is cleared outright: a flood of addresses must not stop new ones.
 */
static void
limiter_sweep(struct relay_limiter *l, int64_t now_ms)
{
	struct limiter_bucket *keep;
	struct limiter_bucket *b;
	int i, n = 0;
	uint32_t h;

	keep = xcalloc(LIMITER_SLOTS, sizeof *keep);
	for (i = 0; i < LIMITER_SLOTS; i++) {
		b = &l->slot[i];
		if (b->addr[0] == '\0')
			continue;
		limiter_refill(l, b, now_ms);
		if (b->tokens < l->burst)
			keep[n++] = *b;
	}
	if (n >= LIMITER_SLOTS / 2)
		n = 0;
	memset(l->slot, 0, sizeof l->slot);
	l->used = n;
	for (i = 0; i < n; i++) {
		for (h = limiter_hash(keep[i].addr);; h++) {
			b = &l->slot[h & (LIMITER_SLOTS - 1)];
			if (b->addr[0] == '\0')
				break;
		}
		*b = keep[i];
	}
	free(keep);
}
