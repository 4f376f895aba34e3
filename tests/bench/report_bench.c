/*
 * report_bench.c — times the full report (`hark report` over the whole
 * history, by month) on a database that `hark import` filled from corpus.c,
 * and the store's pass alone, so the two costs can be told apart.
 *
 * usage: report_bench DB [--runs N]
 *
 * Prints "name value unit" lines: report_full_p50/min (ms, wall clock),
 * report_cpu_p50 (ms of CPU for the same runs), report_scan_p50 and
 * report_scan_cpu_p50 (ms: the store's ordered pass with a callback that
 * only counts), report_rows, and
 * report_peak_kb (peak RSS of this process). Each runs once untimed first
 * to warm the page cache.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "hark/report.h"
#include "hark/store.h"
#include "hark/util.h"

static int64_t	now_ns(void);
static int64_t	cpu_ns(void);
static int	cmp_i64(const void *a, const void *b);
static int	count_row(void *arg, const struct store_report_row *r);
static int64_t	p50(int64_t *v, int n);

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int64_t
p50(int64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_i64);
	return v[(n - 1) / 2];
}

static int
count_row(void *arg, const struct store_report_row *r)
{
	int64_t *n = arg;

	*n += r->id != 0;
	return 0;
}

int
main(int argc, char **argv)
{
	struct store_report_filter f;
	struct report_opts o;
	struct report *r;
	struct store *st;
	struct rusage ru;
	char *cause = NULL;
	int64_t wall[32], cpu[32], scan[32], scpu[32], t0, c0, rows = 0;
	int runs = 5, i;

	if (argc == 4 && strcmp(argv[2], "--runs") == 0)
		runs = atoi(argv[3]);
	else if (argc != 2) {
		fprintf(stderr, "usage: report_bench DB [--runs N]\n");
		return 1;
	}
	if (runs < 1 || runs > 32)
		runs = 5;
	if (store_open(argv[1], STORE_READONLY, &st, &cause) != 0) {
		fprintf(stderr, "report_bench: %s\n", cause);
		return 1;
	}
	memset(&o, 0, sizeof o);
	o.since = 0;
	o.now = o.until = hark_now_ms();
	o.by = REPORT_BY_MONTH;
	o.channel = -1;
	memset(&f, 0, sizeof f);
	f.until = INT64_MAX;
	f.channel = -1;
	for (i = -1; i < runs; i++) {
		t0 = now_ns();
		c0 = cpu_ns();
		if (report_build(st, &o, &r, &cause) != 0) {
			fprintf(stderr, "report_bench: %s\n", cause);
			return 1;
		}
		if (i >= 0) {
			wall[i] = now_ns() - t0;
			cpu[i] = cpu_ns() - c0;
		}
		report_free(r);
		rows = 0;
		t0 = now_ns();
		c0 = cpu_ns();
		if (store_report_messages(st, &f, count_row, &rows, &cause) != 0) {
			fprintf(stderr, "report_bench: %s\n", cause);
			return 1;
		}
		if (i >= 0) {
			scan[i] = now_ns() - t0;
			scpu[i] = cpu_ns() - c0;
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("report_full_p50 %.1f ms\n", (double)p50(wall, runs) / 1e6);
	printf("report_full_min %.1f ms\n", (double)wall[0] / 1e6);
	printf("report_cpu_p50 %.1f ms\n", (double)p50(cpu, runs) / 1e6);
	printf("report_scan_p50 %.1f ms\n", (double)p50(scan, runs) / 1e6);
	printf("report_scan_cpu_p50 %.1f ms\n", (double)p50(scpu, runs) / 1e6);
	printf("report_rows %lld rows\n", (long long)rows);
	printf("report_peak_kb %ld KB\n", ru.ru_maxrss);
	store_close(st);
	return 0;
}
