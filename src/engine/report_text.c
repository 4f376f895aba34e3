/*
 * report_text.c — the report as aligned plain-text tables: what `hark
 * report` prints and what a scheduled report's email carries. Free text
 * (names, error texts) is sanitised and comes last on its line, so that the
 * columns before it stay aligned whatever it holds.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hark/report.h"

static void	text_time(int64_t ms, char *buf, size_t size);
static void	text_head(const struct report *r, struct hbuf *b);
static void	text_volume(const struct report *r, struct hbuf *b);
static void	text_resp_row(struct hbuf *b, const char *period, const char *side,
		    const struct report_resp *x);
static void	text_responses(const struct report *r, struct hbuf *b);
static void	text_delivery(const struct report *r, struct hbuf *b);
static void	text_costs(struct hbuf *b, const char *what, const struct report_costs *c);
static void	text_cost(const struct report *r, struct hbuf *b);
static void	text_templates(const struct report *r, struct hbuf *b);
static void	text_calls(const struct report *r, struct hbuf *b);
static void	text_free(struct hbuf *b, const char *s);

static void
text_free(struct hbuf *b, const char *s)
{
	char *safe;

	if (s == NULL)
		return;
	safe = text_sanitize(s, strlen(s), 0);
	hbuf_adds(b, safe);
	free(safe);
}

static void
text_time(int64_t ms, char *buf, size_t size)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

static void
text_head(const struct report *r, struct hbuf *b)
{
	char from[32], to[32];

	text_time(r->opts.since, from, sizeof from);
	text_time(r->opts.until, to, sizeof to);
	hbuf_printf(b, "hark report %s to %s (%s), by %s\n", from, to, r->tz,
	    report_by_name(r->opts.by));
	if (r->opts.channel >= 0 || r->opts.tag != NULL || r->opts.member != NULL) {
		hbuf_adds(b, "only:");
		if (r->opts.channel >= 0)
			hbuf_printf(b, " channel %s", hark_channel_name(r->opts.channel));
		if (r->opts.tag != NULL) {
			hbuf_adds(b, " tag ");
			text_free(b, r->opts.tag);
		}
		if (r->opts.member != NULL) {
			hbuf_adds(b, " member ");
			text_free(b, r->opts.member);
		}
		hbuf_addc(b, '\n');
	}
}

static void
text_volume(const struct report *r, struct hbuf *b)
{
	char cell[48];
	int64_t tin, tout;
	int i, c;

	hbuf_adds(b, "\nVOLUME (in/out)");
	for (c = 0; c < HARK_CH__COUNT; c++)
		hbuf_printf(b, " %13s", hark_channel_name(c));
	hbuf_printf(b, " %13s\n", "total");
	for (i = 0; i <= r->nperiods; i++) {
		hbuf_printf(b, "%-15s", i < r->nperiods ? r->periods[i].label : "total");
		tin = tout = 0;
		for (c = 0; c < HARK_CH__COUNT; c++) {
			int64_t in = i < r->nperiods ? r->periods[i].in[c] : r->ch[c].in;
			int64_t out = i < r->nperiods ? r->periods[i].out[c] : r->ch[c].out;

			snprintf(cell, sizeof cell, "%lld/%lld", (long long)in,
			    (long long)out);
			hbuf_printf(b, " %13s", cell);
			tin += in;
			tout += out;
		}
		snprintf(cell, sizeof cell, "%lld/%lld", (long long)tin, (long long)tout);
		hbuf_printf(b, " %13s\n", cell);
	}
}

static void
text_resp_row(struct hbuf *b, const char *period, const char *side,
    const struct report_resp *x)
{
	char rate[16], med[24], p90[24];

	report_format_rate(x->answered, x->turns, rate, sizeof rate);
	report_format_ms(x->median_ms, med, sizeof med);
	report_format_ms(x->p90_ms, p90, sizeof p90);
	hbuf_printf(b, "%-10s %-15s %7lld %9lld %7s %9s %9s\n", period, side,
	    (long long)x->turns, (long long)x->answered, rate, med, p90);
}

static void
text_responses(const struct report *r, struct hbuf *b)
{
	int i;

	hbuf_printf(b, "\nRESPONSES (first response)\n%-10s %-15s %7s %9s %7s %9s %9s\n",
	    "period", "who answers", "turns", "answered", "rate", "median", "p90");
	for (i = 0; i < r->nperiods; i++) {
		text_resp_row(b, r->periods[i].label, "we answer them",
		    &r->periods[i].ours);
		text_resp_row(b, r->periods[i].label, "they answer us",
		    &r->periods[i].theirs);
	}
	text_resp_row(b, "total", "we answer them", &r->ours);
	text_resp_row(b, "total", "they answer us", &r->theirs);
}

static void
text_delivery(const struct report *r, struct hbuf *b)
{
	const struct report_channel *ch;
	char drate[16], frate[16];
	int c, k;

	hbuf_printf(b, "\nDELIVERY\n%-9s %8s %8s %10s %8s %9s %8s\n", "channel", "out",
	    "left", "delivered", "failed", "delivery", "failure");
	for (c = 0; c < HARK_CH__COUNT; c++) {
		ch = &r->ch[c];
		if (c == HARK_CH_VOICE)
			continue;
		report_format_rate(ch->delivered, ch->left, drate, sizeof drate);
		report_format_rate(ch->failed, ch->left, frate, sizeof frate);
		hbuf_printf(b, "%-9s %8lld %8lld %10lld %8lld %9s %8s\n",
		    hark_channel_name(c), (long long)ch->out, (long long)ch->left,
		    (long long)ch->delivered, (long long)ch->failed, drate, frate);
	}
	hbuf_printf(b, "\nTOP ERRORS\n%-9s %-8s %6s  %s\n", "channel", "code", "count",
	    "meaning");
	for (c = 0; c < HARK_CH__COUNT; c++) {
		ch = &r->ch[c];
		for (k = 0; k < ch->nerrors; k++) {
			hbuf_printf(b, "%-9s %-8s %6lld  ", hark_channel_name(c),
			    ch->errors[k].code, (long long)ch->errors[k].n);
			text_free(b, ch->errors[k].text != NULL ? ch->errors[k].text : "-");
			hbuf_addc(b, '\n');
		}
	}
}

static void
text_costs(struct hbuf *b, const char *what, const struct report_costs *c)
{
	struct hark_money m;
	char amount[40];
	int k;

	for (k = 0; k < c->n; k++) {
		m.micros = c->v[k].micros;
		memcpy(m.currency, c->v[k].currency, sizeof m.currency);
		money_format(&m, amount, sizeof amount);
		hbuf_printf(b, "%-10s %-8s %-3s %14s %9lld\n", "", what, m.currency,
		    amount, (long long)c->v[k].n);
	}
}

static void
text_cost(const struct report *r, struct hbuf *b)
{
	struct hark_money m;
	char amount[40];
	int i, c;

	hbuf_printf(b, "\nCOST (what providers charged; never summed across currencies)\n"
	    "%-10s %-8s %-3s %14s %9s\n", "period", "channel", "cur", "amount", "priced");
	for (i = 0; i < r->nperiods; i++) {
		hbuf_printf(b, "%s\n", r->periods[i].label);
		text_costs(b, "all", &r->periods[i].cost);
	}
	hbuf_adds(b, "total\n");
	for (c = 0; c < HARK_CH__COUNT; c++)
		text_costs(b, hark_channel_name(c), &r->ch[c].cost);
	text_costs(b, "all", &r->cost);
	hbuf_printf(b, "\nCOST BY CONTACT (top %d per currency)\n%-3s %14s %9s  %s\n",
	    r->opts.top, "cur", "amount", "priced", "contact");
	for (i = 0; i < r->ncontacts; i++) {
		m.micros = r->contacts[i].cost.micros;
		memcpy(m.currency, r->contacts[i].cost.currency, sizeof m.currency);
		money_format(&m, amount, sizeof amount);
		hbuf_printf(b, "%-3s %14s %9lld  ", m.currency, amount,
		    (long long)r->contacts[i].cost.n);
		text_free(b, r->contacts[i].name);
		hbuf_addc(b, '\n');
	}
}

static void
text_templates(const struct report *r, struct hbuf *b)
{
	const struct report_template *t;
	char rate[16];
	int i, ab = 0;

	hbuf_printf(b, "\nTEMPLATES\n%7s %9s %8s %7s %7s  %s\n", "sent", "delivered",
	    "replied", "reply", "version", "template [variant]");
	for (i = 0; i < r->ntemplates; i++) {
		t = &r->templates[i];
		report_format_rate(t->replied, t->sent, rate, sizeof rate);
		hbuf_printf(b, "%7lld %9lld %8lld %7s %7d  ", (long long)t->sent,
		    (long long)t->delivered, (long long)t->replied, rate, t->version);
		text_free(b, t->name);
		if (t->variant != NULL) {
			hbuf_adds(b, " [");
			text_free(b, t->variant);
			hbuf_addc(b, ']');
			ab = 1;
		}
		hbuf_addc(b, '\n');
	}
	if (r->ntemplates == 0)
		hbuf_adds(b, "(no message sent from a template)\n");
	if (ab)
		hbuf_adds(b, "A/B variants: `hark report ab TEMPLATE` compares them.\n");
}

static void
text_calls(const struct report *r, struct hbuf *b)
{
	const struct report_calls *k = &r->calls;
	char rate[16], total[24], avg[24];

	report_format_rate(k->answered, k->n, rate, sizeof rate);
	report_format_ms(k->duration_s * 1000, total, sizeof total);
	report_format_ms(k->answered > 0 ? k->duration_s * 1000 / k->answered : -1,
	    avg, sizeof avg);
	hbuf_printf(b, "\nCALLS\n%6s %6s %6s %9s %9s %10s %10s\n", "calls", "in", "out",
	    "answered", "rate", "total", "average");
	hbuf_printf(b, "%6lld %6lld %6lld %9lld %9s %10s %10s\n", (long long)k->n,
	    (long long)k->in, (long long)k->out, (long long)k->answered, rate, total,
	    avg);
	text_costs(b, "calls", &k->cost);
}

void
report_text(const struct report *r, struct hbuf *out)
{
	text_head(r, out);
	text_volume(r, out);
	text_responses(r, out);
	text_delivery(r, out);
	text_cost(r, out);
	text_templates(r, out);
	text_calls(r, out);
}
