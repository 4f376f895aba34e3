/* report_int.h — what the report's files share: the pass's state and the
 * helpers that finish the figures (src/engine/report*.c). */
#ifndef HARK_ENGINE_REPORT_INT_H
#define HARK_ENGINE_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "hark/report.h"

struct store;

/* A report by day over 27 years; more is a mistake in --by. */
#define REPORT_MAX_PERIODS 10000

/* First-response times of answered turns, in ms. */
struct rp_samples {
	int64_t *v;
	size_t n, cap;
};

struct rp_contact {
	int64_t id;             /* 0: empty slot */
	int64_t wait_in;        /* their turn started (ms), 0 when none waits */
	int64_t wait_out;       /* our turn started */
	int wait_in_p, wait_out_p;  /* period of each */
	struct rp_tpl_wait {
		int tpl;            /* row of r->templates */
		int64_t at;         /* sent (scheduled, else written) */
	} *tw;                  /* template messages waiting for a reply */
	int ntw, captw;
	struct report_costs cost;
};

struct rp_pass {
	struct report *r;
	struct rp_contact *c;   /* open addressing on the contact id */
	size_t cap, n;
	int cur;                /* period of the current message */
	int64_t waiting;        /* turns still waiting for an answer */
	int64_t tpl_waiting;    /* template messages waiting for a reply */
	int64_t tpl_last;       /* the latest of their times */
	struct rp_samples *ours, *theirs;   /* per period, then [nperiods]: all */
};

void	rp_samples_add(struct rp_samples *s, int64_t ms);
/* Appends src's samples to dst. */
void	rp_samples_merge(struct rp_samples *dst, const struct rp_samples *src);
/* Sorts s and sets answered, median and p90 of *out (turns untouched). */
void	rp_samples_resp(struct rp_samples *s, struct report_resp *out);
/* Nearest-rank percentile of n sorted values; -1 when n = 0. */
int64_t	rp_percentile(const int64_t *v, size_t n, int pct);
void	rp_pass_free(struct rp_pass *p, int nperiods);

/* Adds m to the sum of its currency (a new sum keeps the list sorted). */
void	report_costs_add(struct report_costs *c, const struct hark_money *m);
/* Sorts each channel's errors, most frequent first, and keeps opts.top. */
void	report_sort_errors(struct report *r);
/* Names the templates (store) and sorts them, most sent first. */
void	report_name_templates(struct report *r, struct store *st);
/* The opts.top most costly contacts in each currency, with their names. */
void	report_top_contacts(struct report *r, struct store *st,
	    const struct rp_contact *c, size_t cap);

#endif
