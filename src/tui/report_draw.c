/*
 * report_draw.c — drawing the dashboard (report_view.h): bars of messages in
 * and out per period, sparklines of response times and cost, and the
 * delivery, calls and template figures, from the view's struct report only.
 * Bars and sparklines use the eighth blocks ▁▂▃▄▅▆▇█; under the mono theme
 * or a terminal without UTF-8 they fall back to ASCII (_.-~=+*# and #).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_view.h"
#include "tui_int.h"

#define RD_MARGIN 2

static const char *const rd_blocks[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
static const char *const rd_ascii[] = { " ", "_", ".", "-", "~", "=", "+", "*", "#" };

struct rd {
	struct tui *t;
	struct report_view *v;
	WINDOW *w;
	int ascii;
	int y;
};

static void	rd_at(struct rd *d, int x, enum tui_role role, const char *s);
static const char *rd_cell(const struct rd *d, int eighths, int bar);
static void	rd_short_label(const struct report *r, int i, char *buf, size_t size);
static void	rd_volume(const struct report_view *v, int i, int64_t *in, int64_t *out);
static void	rd_bars(struct rd *d, int height);
static void	rd_selected(struct rd *d);
static void	rd_spark(struct rd *d, const char *label, const int64_t *vals, int n,
		    enum tui_role role, const char *summary);
static void	rd_sparks(struct rd *d);
static void	rd_tables(struct rd *d);

static void
rd_at(struct rd *d, int x, enum tui_role role, const char *s)
{
	if (d->y >= d->v->rows)
		return;
	wmove(d->w, d->y, x);
	tui_put_raw(d->t, d->w, role, s, d->v->cols - x);
}

/* One cell of a bar (bar = 1) or a sparkline, filled `eighths` of 8. */
static const char *
rd_cell(const struct rd *d, int eighths, int bar)
{
	if (eighths < 0)
		eighths = 0;
	if (eighths > 8)
		eighths = 8;
	if (!d->ascii)
		return rd_blocks[eighths];
	if (bar)
		return eighths >= 4 ? "#" : eighths > 0 ? "." : " ";
	return rd_ascii[eighths];
}

/* "23" (day of month), "W47", "Nov". */
static void
rd_short_label(const struct report *r, int i, char *buf, size_t size)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	const char *l = r->periods[i].label;
	int m;

	/* Labels are "2026-11-23", "2026-W48", "2026-11" (report_period_label). */
	if (strlen(l) >= 7) {
		if (r->opts.by == REPORT_BY_DAY)
			l += 8;
		else if (r->opts.by == REPORT_BY_WEEK)
			l += 5;
		else if ((m = atoi(l + 5)) >= 1 && m <= 12)
			l = mon[m - 1];
	}
	buf[0] = '\0';
	strncat(buf, l, size - 1);
}

static void
rd_volume(const struct report_view *v, int i, int64_t *in, int64_t *out)
{
	int c;

	*in = *out = 0;
	for (c = 0; c < HARK_CH__COUNT; c++) {
		if (v->channel >= 0 && c != v->channel)
			continue;
		*in += v->r->periods[i].in[c];
		*out += v->r->periods[i].out[c];
	}
}

/* Two bars per period, in then out, `height` rows tall, labels below. */
static void
rd_bars(struct rd *d, int height)
{
	const struct report *r = d->v->r;
	int64_t in, out, max = 1, val;
	int slot, bw, i, row, k, x, e8, sel;
	char lab[16];

	for (i = 0; i < r->nperiods; i++) {
		rd_volume(d->v, i, &in, &out);
		if (in > max)
			max = in;
		if (out > max)
			max = out;
	}
	slot = (d->v->cols - 2 * RD_MARGIN) / (r->nperiods > 0 ? r->nperiods : 1);
	slot = slot > 10 ? 10 : slot < 3 ? 3 : slot;
	bw = (slot - 1) / 2;
	for (row = 0; row < height; row++, d->y++) {
		for (i = 0; i < r->nperiods; i++) {
			rd_volume(d->v, i, &in, &out);
			x = RD_MARGIN + i * slot;
			if (x + 2 * bw > d->v->cols)
				break;
			for (k = 0; k < 2; k++) {
				val = k == 0 ? in : out;
				e8 = (int)((val * height * 8 + max - 1) / max);
				e8 -= (height - 1 - row) * 8;
				sel = i == d->v->sel;
				for (int c = 0; c < bw; c++)
					rd_at(d, x + k * bw + c, sel ? ROLE_TITLE_FOCUS :
					    k == 0 ? ROLE_INBOUND : ROLE_OUTBOUND,
					    rd_cell(d, e8, 1));
			}
		}
	}
	for (i = 0; i < r->nperiods; i++) {
		x = RD_MARGIN + i * slot;
		if (x + 2 * bw > d->v->cols)
			break;
		rd_short_label(r, i, lab, sizeof lab);
		lab[slot - 1 < (int)sizeof lab ? slot - 1 : (int)sizeof lab - 1] = '\0';
		rd_at(d, x, i == d->v->sel ? ROLE_PICKER_SELECTED : ROLE_MSG_META, lab);
	}
	d->y++;
}

static void
rd_selected(struct rd *d)
{
	const struct report *r = d->v->r;
	const struct report_period *p;
	struct hbuf b = HBUF_INIT;
	char rate[16], med[24];
	int c;

	if (d->v->sel < 0 || d->v->sel >= r->nperiods)
		return;
	p = &r->periods[d->v->sel];
	hbuf_printf(&b, "%s:", p->label);
	for (c = 0; c < HARK_CH__COUNT; c++)
		hbuf_printf(&b, "  %s %lld/%lld", hark_channel_name(c),
		    (long long)p->in[c], (long long)p->out[c]);
	report_format_rate(p->ours.answered, p->ours.turns, rate, sizeof rate);
	report_format_ms(p->ours.median_ms, med, sizeof med);
	hbuf_printf(&b, "   answered %s, median %s", rate, med);
	rd_at(d, RD_MARGIN, ROLE_TITLE, hbuf_str(&b));
	hbuf_free(&b);
	d->y += 2;
}

static void
rd_spark(struct rd *d, const char *label, const int64_t *vals, int n,
    enum tui_role role, const char *summary)
{
	int64_t max = 0;
	int i, x = RD_MARGIN + 18;

	rd_at(d, RD_MARGIN, ROLE_DEFAULT, label);
	for (i = 0; i < n; i++)
		max = vals[i] > max ? vals[i] : max;
	for (i = 0; i < n && x + i < d->v->cols; i++)
		rd_at(d, x + i, role, vals[i] <= 0 ? rd_cell(d, 0, 0) :
		    rd_cell(d, (int)((vals[i] * 8 + max - 1) / (max > 0 ? max : 1)), 0));
	rd_at(d, x + n + 2, ROLE_MSG_META, summary);
	d->y++;
}

static void
rd_sparks(struct rd *d)
{
	const struct report *r = d->v->r;
	int64_t *vals = xcalloc((size_t)r->nperiods + 1, sizeof *vals);
	struct hark_money m;
	char a[24], b[24], rate[16], line[128], amount[40], label[24];
	int i, k;

	for (k = 0; k < 2; k++) {
		const struct report_resp *tot = k == 0 ? &r->ours : &r->theirs;

		for (i = 0; i < r->nperiods; i++)
			vals[i] = k == 0 ? r->periods[i].ours.median_ms :
			    r->periods[i].theirs.median_ms;
		report_format_ms(tot->median_ms, a, sizeof a);
		report_format_ms(tot->p90_ms, b, sizeof b);
		report_format_rate(tot->answered, tot->turns, rate, sizeof rate);
		snprintf(line, sizeof line, "median %s, p90 %s, answered %s of %lld", a, b,
		    rate, (long long)tot->turns);
		rd_spark(d, k == 0 ? "we answer them" : "they answer us", vals,
		    r->nperiods, ROLE_CHANNEL, line);
	}
	for (k = 0; k < r->cost.n && k < 3; k++) {
		for (i = 0; i < r->nperiods; i++) {
			vals[i] = 0;
			for (int c = 0; c < r->periods[i].cost.n; c++)
				if (strcmp(r->periods[i].cost.v[c].currency,
				    r->cost.v[k].currency) == 0)
					vals[i] = r->periods[i].cost.v[c].micros;
		}
		m.micros = r->cost.v[k].micros;
		memcpy(m.currency, r->cost.v[k].currency, sizeof m.currency);
		money_format(&m, amount, sizeof amount);
		snprintf(label, sizeof label, "cost %s", m.currency);
		snprintf(line, sizeof line, "%s over %lld priced", amount,
		    (long long)r->cost.v[k].n);
		rd_spark(d, label, vals, r->nperiods, ROLE_PRICE, line);
	}
	free(vals);
	d->y++;
}

static void
rd_tables(struct rd *d)
{
	const struct report *r = d->v->r;
	const struct report_channel *ch;
	char line[256], dr[16], fr[16], tot[24], avg[24];
	int c, i;

	rd_at(d, RD_MARGIN, ROLE_TITLE, "Delivery");
	d->y++;
	for (c = 0; c < HARK_CH__COUNT; c++) {
		ch = &r->ch[c];
		if (c == HARK_CH_VOICE || ch->out == 0)
			continue;
		report_format_rate(ch->delivered, ch->left, dr, sizeof dr);
		report_format_rate(ch->failed, ch->left, fr, sizeof fr);
		snprintf(line, sizeof line, "%-9s out %-6lld delivered %-7s failed %-7s",
		    hark_channel_name(c), (long long)ch->out, dr, fr);
		rd_at(d, RD_MARGIN, ch->failed > 0 ? ROLE_WARN : ROLE_DEFAULT, line);
		if (ch->nerrors > 0 && d->y < d->v->rows) {
			snprintf(line, sizeof line, "top %s x%lld ", ch->errors[0].code,
			    (long long)ch->errors[0].n);
			rd_at(d, RD_MARGIN + 56, ROLE_ST_FAILED, line);
			if (ch->errors[0].text != NULL)
				tui_put(d->t, d->w, ROLE_MSG_META, ch->errors[0].text,
				    d->v->cols - RD_MARGIN - 56 - (int)strlen(line));
		}
		d->y++;
	}
	report_format_rate(r->calls.answered, r->calls.n, dr, sizeof dr);
	report_format_ms(r->calls.duration_s * 1000, tot, sizeof tot);
	report_format_ms(r->calls.answered > 0 ?
	    r->calls.duration_s * 1000 / r->calls.answered : -1, avg, sizeof avg);
	snprintf(line, sizeof line, "calls     %lld (in %lld, out %lld), answered %s,"
	    " total %s, average %s", (long long)r->calls.n, (long long)r->calls.in,
	    (long long)r->calls.out, dr, tot, avg);
	rd_at(d, RD_MARGIN, ROLE_CALL, line);
	d->y += 2;
	rd_at(d, RD_MARGIN, ROLE_TITLE, "Templates (sent, replied)");
	d->y++;
	for (i = 0; i < r->ntemplates && i < 3; i++) {
		report_format_rate(r->templates[i].replied, r->templates[i].sent, dr,
		    sizeof dr);
		snprintf(line, sizeof line, "%6lld %7s  ", (long long)r->templates[i].sent,
		    dr);
		rd_at(d, RD_MARGIN, ROLE_DEFAULT, line);
		if (d->y < d->v->rows)
			tui_put(d->t, d->w, ROLE_DEFAULT, r->templates[i].name,
			    d->v->cols - RD_MARGIN - (int)strlen(line));
		d->y++;
	}
	if (r->ntemplates == 0) {
		rd_at(d, RD_MARGIN, ROLE_MSG_META, "none sent from a template");
		d->y++;
	}
	rd_at(d, RD_MARGIN, ROLE_MSG_META, "A/B variants: hark report ab TEMPLATE");
}

void
report_draw(struct tui *t, struct report_view *v)
{
	struct rd d;
	char head[200];
	int rows = LINES - 1 > 1 ? LINES - 1 : 1, height;

	if (v->win == NULL || v->rows != rows || v->cols != COLS) {
		if (v->win != NULL)
			delwin(v->win);
		v->rows = rows;
		v->cols = COLS;
		v->win = newwin(rows, COLS, 0, 0);
		if (v->win == NULL)
			return;
	}
	memset(&d, 0, sizeof d);
	d.t = t;
	d.v = v;
	d.w = v->win;
	d.ascii = t->mono || MB_CUR_MAX == 1 ||
	    (t->theme_name != NULL && strcmp(t->theme_name, "mono") == 0);
	werase(d.w);
	wbkgdset(d.w, theme_attr(t->theme, ROLE_DEFAULT));
	if (v->r == NULL) {
		snprintf(head, sizeof head, "Dashboard: counting the messages of the "
		    "last %s...", report_by_name(v->by));
		rd_at(&d, 1, ROLE_TITLE_FOCUS, head);
		wnoutrefresh(d.w);
		return;
	}
	/* The period of the report drawn; a switch shows once its report is in. */
	snprintf(head, sizeof head, "Dashboard by %s, %s to %s (%s), %s%s",
	    report_by_name(v->r->opts.by), v->r->periods[0].label,
	    v->r->periods[v->r->nperiods - 1].label, v->r->tz,
	    v->channel >= 0 ? hark_channel_name(v->channel) : "all channels",
	    v->busy ? "  (counting...)" : "");
	rd_at(&d, 1, ROLE_TITLE_FOCUS, head);
	d.y = 1;
	rd_at(&d, 1, ROLE_MSG_META, "d/w/m period  [ ] earlier/later  "
	    "h/l bar  Tab channel  Enter messages  q close");
	d.y = 3;
	rd_at(&d, RD_MARGIN, ROLE_TITLE, "Messages per period: ");
	rd_at(&d, RD_MARGIN + 21, ROLE_INBOUND, "in");
	rd_at(&d, RD_MARGIN + 24, ROLE_MSG_META, "/");
	rd_at(&d, RD_MARGIN + 26, ROLE_OUTBOUND, "out");
	d.y++;
	height = (rows - 24) > 10 ? 10 : (rows - 24) < 3 ? 3 : rows - 24;
	rd_bars(&d, height);
	rd_selected(&d);
	rd_sparks(&d);
	rd_tables(&d);
	wnoutrefresh(d.w);
}
