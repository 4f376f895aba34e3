/*
 * report_model.c — finishing a report's figures once the pass is over:
 * percentiles of first-response times, sums per currency, the top error
 * codes, template names and the costliest contacts; and freeing the report.
 */

#include <stdlib.h>
#include <string.h>

#include "hark/report.h"
#include "hark/store.h"

#include "report_int.h"

struct rp_contact_cost {
	int64_t contact_id;
	struct report_cost cost;
};

static int	cmp_i64(const void *a, const void *b);
static int	cmp_error(const void *a, const void *b);
static int	cmp_template(const void *a, const void *b);
static int	cmp_contact_cost(const void *a, const void *b);

void
rp_samples_add(struct rp_samples *s, int64_t ms)
{
	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 64 : 2 * s->cap;
		s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
	}
	s->v[s->n++] = ms;
}

void
rp_samples_merge(struct rp_samples *dst, const struct rp_samples *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		rp_samples_add(dst, src->v[i]);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int64_t
rp_percentile(const int64_t *v, size_t n, int pct)
{
	size_t rank;

	if (n == 0)
		return -1;
	rank = ((size_t)pct * n + 99) / 100;   /* ceil(pct * n / 100) */
	if (rank < 1)
		rank = 1;
	return v[rank - 1];
}

void
rp_samples_resp(struct rp_samples *s, struct report_resp *out)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, cmp_i64);
	out->answered = (int64_t)s->n;
	out->median_ms = rp_percentile(s->v, s->n, 50);
	out->p90_ms = rp_percentile(s->v, s->n, 90);
}

void
report_costs_add(struct report_costs *c, const struct hark_money *m)
{
	int i, cmp = 1;

	for (i = 0; i < c->n; i++) {
		if ((cmp = strcmp(c->v[i].currency, m->currency)) >= 0)
			break;
	}
	if (i == c->n || cmp != 0) {
		c->v = xreallocarray(c->v, (size_t)c->n + 1, sizeof *c->v);
		memmove(&c->v[i + 1], &c->v[i], (size_t)(c->n - i) * sizeof *c->v);
		memset(&c->v[i], 0, sizeof *c->v);
		memcpy(c->v[i].currency, m->currency, sizeof c->v[i].currency);
		c->n++;
	}
	c->v[i].micros += m->micros;
	c->v[i].n++;
}

static int
cmp_error(const void *a, const void *b)
{
	const struct report_error *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->code, y->code);
}

void
report_sort_errors(struct report *r)
{
	struct report_channel *ch;
	int i, k;

	for (i = 0; i < HARK_CH__COUNT; i++) {
		ch = &r->ch[i];
		if (ch->nerrors > 1)
			qsort(ch->errors, (size_t)ch->nerrors, sizeof *ch->errors, cmp_error);
		for (k = r->opts.top; k < ch->nerrors; k++) {
			free(ch->errors[k].code);
			free(ch->errors[k].text);
		}
		if (ch->nerrors > r->opts.top)
			ch->nerrors = r->opts.top;
	}
}

static int
cmp_template(const void *a, const void *b)
{
	const struct report_template *x = a, *y = b;
	int c;

	if (x->sent != y->sent)
		return x->sent > y->sent ? -1 : 1;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	if (x->version != y->version)
		return x->version < y->version ? -1 : 1;
	return strcmp(x->variant != NULL ? x->variant : "",
	    y->variant != NULL ? y->variant : "");
}

void
report_name_templates(struct report *r, struct store *st)
{
	struct store_template t;
	int i;

	for (i = 0; i < r->ntemplates; i++) {
		memset(&t, 0, sizeof t);
		if (store_template_get_version(st, r->templates[i].version_id, &t,
		    NULL) == 0) {
			r->templates[i].name = xstrdup(t.name);
			r->templates[i].version = t.version;
		} else
			r->templates[i].name = xstrdup("(deleted)");
		store_template_clear(&t);
	}
	if (r->ntemplates > 1)
		qsort(r->templates, (size_t)r->ntemplates, sizeof *r->templates,
		    cmp_template);
}

static int
cmp_contact_cost(const void *a, const void *b)
{
	const struct rp_contact_cost *x = a, *y = b;
	int c;

	if ((c = strcmp(x->cost.currency, y->cost.currency)) != 0)
		return c;
	if (x->cost.micros != y->cost.micros)
		return x->cost.micros > y->cost.micros ? -1 : 1;
	return x->contact_id < y->contact_id ? -1 : x->contact_id > y->contact_id;
}

void
report_top_contacts(struct report *r, struct store *st, const struct rp_contact *c,
    size_t cap)
{
	struct rp_contact_cost *all = NULL;
	struct store_contact sc;
	struct report_contact_cost *out;
	size_t n = 0, ncap = 0, i;
	int k, run = 0;

	for (i = 0; i < cap; i++) {
		for (k = 0; c[i].id != 0 && k < c[i].cost.n; k++) {
			if (n == ncap) {
				ncap = ncap == 0 ? 64 : 2 * ncap;
				all = xreallocarray(all, ncap, sizeof *all);
			}
			all[n].contact_id = c[i].id;
			all[n++].cost = c[i].cost.v[k];
		}
	}
	if (n > 1)
		qsort(all, n, sizeof *all, cmp_contact_cost);
	for (i = 0; i < n; i++) {
		run = i > 0 && strcmp(all[i].cost.currency, all[i - 1].cost.currency) == 0 ?
		    run + 1 : 0;
		if (run >= r->opts.top)
			continue;
		r->contacts = xreallocarray(r->contacts, (size_t)r->ncontacts + 1,
		    sizeof *r->contacts);
		out = &r->contacts[r->ncontacts++];
		out->contact_id = all[i].contact_id;
		out->cost = all[i].cost;
		memset(&sc, 0, sizeof sc);
		out->name = store_contact_get(st, all[i].contact_id, &sc, NULL) == 0 ?
		    xstrdup(sc.name) : xasprintf("#%lld", (long long)all[i].contact_id);
		store_contact_clear(&sc);
	}
	free(all);
}

void
report_free(struct report *r)
{
	int i, k;

	if (r == NULL)
		return;
	for (i = 0; i < r->nperiods; i++)
		free(r->periods[i].cost.v);
	free(r->periods);
	for (i = 0; i < HARK_CH__COUNT; i++) {
		for (k = 0; k < r->ch[i].nerrors; k++) {
			free(r->ch[i].errors[k].code);
			free(r->ch[i].errors[k].text);
		}
		free(r->ch[i].errors);
		free(r->ch[i].cost.v);
	}
	free(r->cost.v);
	for (i = 0; i < r->ncontacts; i++)
		free(r->contacts[i].name);
	free(r->contacts);
	for (i = 0; i < r->ntemplates; i++) {
		free(r->templates[i].name);
		free(r->templates[i].variant);
	}
	free(r->templates);
	free(r->calls.cost.v);
	free((char *)r->opts.tag);
	free((char *)r->opts.member);
	free(r);
}
