/*
 * store_bench.c — times the store queries a user waits on, on a database
 * that `hark import` filled from corpus.c's history.
 *
 * usage: store_bench DB [--runs N] [--budget-ms MS] [--seed S]
 *
 * Prints one "name value unit" line per figure: full-text search for the
 * rare, middle and common terms of bench.h (newest first, LIMIT 50, as the
 * search pane asks), the newest 50 messages of a random contact (what the
 * thread pane draws first), and the whole contact list (the contacts pane).
 * Each query runs once untimed to warm the statement cache and the pages it
 * reads, then up to N times (200) or until its time budget (20 s) is spent,
 * and p50 and p99 of those runs are printed. A query that takes seconds is
 * then measured fewer times rather than holding the benchmark up.
 */

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "hark/store.h"
#include "hark/util.h"

#include "bench.h"

#define BENCH_LIMIT 50
#define BENCH_MIN_RUNS 5

struct bench {
	struct store *st;
	int runs;
	int64_t budget_ns;
	uint64_t rng;
	int64_t *contacts;     /* every contact id, for picking at random */
	size_t ncontacts;
	size_t capcontacts;
	double *ms;            /* one sample per run */
	long rows;             /* rows the last run returned */
	size_t bytes;          /* text read, so no column goes unread */
};

static int64_t	bench_now_ns(void);
static uint64_t	bench_rand(struct bench *b);
static int	bench_cmp_double(const void *a, const void *b);
static double	bench_pct(const double *v, int n, int pct);
static void	bench_report(const char *name, double *v, int n);
static int	bench_count_hit(void *arg, const struct store_hit *h);
static int	bench_count_msg(void *arg, const struct store_message *m);
static int	bench_add_contact(void *arg, const struct store_contact *c);
static int	bench_search_once(struct bench *b, const char *term);
static int	bench_page_once(struct bench *b);
static int	bench_contacts_once(struct bench *b);
static void	bench_search(struct bench *b, const char *name, const char *term);
static void	bench_pages(struct bench *b);
static void	bench_contacts(struct bench *b);
static int	bench_args(struct bench *b, int argc, char **argv, const char **path);

static int64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* splitmix64: the contacts picked are the same from run to run. */
static uint64_t
bench_rand(struct bench *b)
{
	uint64_t z = (b->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest rank on sorted samples: the smallest value with pct% at or below it. */
static double
bench_pct(const double *v, int n, int pct)
{
	int i = (n * pct + 99) / 100 - 1;

	return v[i < 0 ? 0 : i];
}

static void
bench_report(const char *name, double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
	printf("%s_p50 %.3f ms\n", name, bench_pct(v, n, 50));
	printf("%s_p99 %.3f ms\n", name, bench_pct(v, n, 99));
	printf("%s_runs %d count\n", name, n);
	fflush(stdout);
}

/* Reads what a pane would draw, so lazily computed columns are paid for. */
static int
bench_count_hit(void *arg, const struct store_hit *h)
{
	struct bench *b = arg;

	b->rows++;
	b->bytes += strlen(h->snippet) + strlen(h->contact_name);
	return 0;
}

static int
bench_count_msg(void *arg, const struct store_message *m)
{
	struct bench *b = arg;

	b->rows++;
	b->bytes += strlen(m->body);
	return 0;
}

static int
bench_add_contact(void *arg, const struct store_contact *c)
{
	struct bench *b = arg;

	if (b->ncontacts == b->capcontacts) {
		b->capcontacts = b->capcontacts ? 2 * b->capcontacts : 1024;
		b->contacts = xreallocarray(b->contacts, b->capcontacts,
		    sizeof *b->contacts);
	}
	b->contacts[b->ncontacts++] = c->id;
	return 0;
}

static int
bench_search_once(struct bench *b, const char *term)
{
	char *cause = NULL;

	b->rows = 0;
	if (store_search(b->st, term, BENCH_LIMIT, bench_count_hit, b, &cause) != 0) {
		fprintf(stderr, "store_bench: search '%s': %s\n", term, cause);
		free(cause);
		return -1;
	}
	return 0;
}

static int
bench_page_once(struct bench *b)
{
	int64_t id = b->contacts[bench_rand(b) % b->ncontacts];
	char *cause = NULL;

	b->rows = 0;
	if (store_messages_page(b->st, id, INT64_MAX, INT64_MAX, BENCH_LIMIT,
	    bench_count_msg, b, &cause) != 0) {
		fprintf(stderr, "store_bench: page of #%" PRId64 ": %s\n", id, cause);
		free(cause);
		return -1;
	}
	return 0;
}

static int
bench_contacts_once(struct bench *b)
{
	char *cause = NULL;

	b->ncontacts = 0;
	if (store_contacts_each(b->st, bench_add_contact, b, &cause) != 0) {
		fprintf(stderr, "store_bench: contacts: %s\n", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/*
 * Runs one kind of query: once to warm up, then timed until runs or the
 * budget is reached (but at least BENCH_MIN_RUNS times).
 */
#define BENCH_LOOP(b, name, call)                                              \
	do {                                                                   \
		int64_t t0, end;                                               \
		int n_ = 0;                                                    \
                                                                               \
		if ((call) != 0)                                               \
			return;                                                \
		end = bench_now_ns() + (b)->budget_ns;                         \
		while (n_ < (b)->runs &&                                       \
		    (n_ < BENCH_MIN_RUNS || bench_now_ns() < end)) {           \
			t0 = bench_now_ns();                                   \
			if ((call) != 0)                                       \
				return;                                        \
			(b)->ms[n_++] = (double)(bench_now_ns() - t0) / 1e6;   \
		}                                                              \
		bench_report(name, (b)->ms, n_);                               \
	} while (0)

static void
bench_search(struct bench *b, const char *name, const char *term)
{
	BENCH_LOOP(b, name, bench_search_once(b, term));
	printf("%s_hits %ld count\n", name, b->rows);
}

static void
bench_pages(struct bench *b)
{
	if (b->ncontacts == 0) {
		fputs("store_bench: no contacts\n", stderr);
		return;
	}
	BENCH_LOOP(b, "latest50", bench_page_once(b));
}

static void
bench_contacts(struct bench *b)
{
	BENCH_LOOP(b, "contacts", bench_contacts_once(b));
	printf("contacts_count %zu count\n", b->ncontacts);
}

static int
bench_args(struct bench *b, int argc, char **argv, const char **path)
{
	long long budget_ms = 20000, seed = 1;
	char *end;
	int i;

	b->runs = 200;
	*path = NULL;
	for (i = 1; i < argc; i++) {
		long long *to = NULL, runs;

		if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			to = &runs;
		else if (strcmp(argv[i], "--budget-ms") == 0 && i + 1 < argc)
			to = &budget_ms;
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			to = &seed;
		else if (argv[i][0] != '-' && *path == NULL) {
			*path = argv[i];
			continue;
		} else
			return -1;
		*to = strtoll(argv[++i], &end, 10);
		if (*argv[i] == '\0' || *end != '\0' || *to < 1)
			return -1;
		if (to == &runs)
			b->runs = runs > 1000000 ? 1000000 : (int)runs;
	}
	b->budget_ns = budget_ms * 1000000;
	b->rng = (uint64_t)seed;
	return *path != NULL ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct bench b = { 0 };
	const char *path;
	char *cause = NULL;

	if (bench_args(&b, argc, argv, &path) != 0) {
		fputs("usage: store_bench DB [--runs N] [--budget-ms MS] [--seed S]\n",
		    stderr);
		return 1;
	}
	if (store_open(path, STORE_READONLY, &b.st, &cause) != 0) {
		fprintf(stderr, "store_bench: %s\n", cause);
		free(cause);
		return 2;
	}
	b.ms = xcalloc((size_t)b.runs, sizeof *b.ms);
	printf("sqlite %s version\n", sqlite3_libversion());
	bench_contacts(&b);
	bench_pages(&b);
	bench_search(&b, "search_rare", HARK_BENCH_RARE);
	bench_search(&b, "search_mid", HARK_BENCH_MID);
	bench_search(&b, "search_common", HARK_BENCH_COMMON);
	store_close(b.st);
	free(b.ms);
	free(b.contacts);
	return 0;
}
