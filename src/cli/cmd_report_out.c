/*
 * cmd_report_out.c — `hark report` as CSV (one row per figure, so a
 * spreadsheet pivots it) and as one JSON object; the text form is the
 * engine's (report_text), the same an emailed report carries. Money is
 * integer micro-units with its currency, also as a decimal string.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/report.h"

#include "cli_int.h"
#include "cmd_report.h"
#include "csv.h"

/* The columns of every CSV row. */
struct csv_row {
	const char *section, *period, *channel, *item, *metric, *currency, *note;
	long long value;
};

static void	amount(int64_t micros, char *buf, size_t size);
static void	csv_row(struct hbuf *b, const struct csv_row *r);
static void	csv_costs(struct hbuf *b, const char *section, const char *period,
		    const char *channel, const char *item, const struct report_costs *c);
static void	csv_resp(struct hbuf *b, const char *period, const char *side,
		    const struct report_resp *x);
static void	csv_periods(const struct report *r, struct hbuf *b);
static void	csv_channels(const struct report *r, struct hbuf *b);
static void	csv_rest(const struct report *r, struct hbuf *b);
static void	report_csv(const struct report *r, FILE *f);
static void	json_costs(FILE *f, const struct report_costs *c);
static void	json_resp(FILE *f, const struct report_resp *x);
static void	json_rate(FILE *f, int64_t num, int64_t den);
static void	json_periods(const struct report *r, FILE *f);
static void	json_channels(const struct report *r, FILE *f);
static void	json_rest(const struct report *r, FILE *f);
static void	report_json(const struct report *r, FILE *f);

/* "12.345600", "-0.007500": exact, whatever the size. */
static void
amount(int64_t micros, char *buf, size_t size)
{
	uint64_t u = micros < 0 ? (uint64_t)0 - (uint64_t)micros : (uint64_t)micros;

	snprintf(buf, size, "%s%llu.%06llu", micros < 0 ? "-" : "",
	    (unsigned long long)(u / 1000000), (unsigned long long)(u % 1000000));
}

static void
csv_row(struct hbuf *b, const struct csv_row *r)
{
	char v[32];

	snprintf(v, sizeof v, "%lld", r->value);
	csv_write_field(b, r->section);
	hbuf_addc(b, ',');
	csv_write_field(b, r->period);
	hbuf_addc(b, ',');
	csv_write_field(b, r->channel);
	hbuf_addc(b, ',');
	csv_write_field(b, r->item);
	hbuf_addc(b, ',');
	csv_write_field(b, r->metric);
	hbuf_addc(b, ',');
	csv_write_field(b, r->currency);
	hbuf_addc(b, ',');
	csv_write_field(b, v);
	hbuf_addc(b, ',');
	csv_write_field(b, r->note);
	csv_end_record(b);
}

static void
csv_costs(struct hbuf *b, const char *section, const char *period,
    const char *channel, const char *item, const struct report_costs *c)
{
	struct csv_row row = { section, period, channel, item, NULL, NULL, NULL, 0 };
	char a[40];
	int k;

	for (k = 0; k < c->n; k++) {
		amount(c->v[k].micros, a, sizeof a);
		row.currency = c->v[k].currency;
		row.metric = "cost_micros";
		row.value = c->v[k].micros;
		row.note = a;
		csv_row(b, &row);
		row.metric = "priced";
		row.value = c->v[k].n;
		row.note = NULL;
		csv_row(b, &row);
	}
}

static void
csv_resp(struct hbuf *b, const char *period, const char *side,
    const struct report_resp *x)
{
	struct csv_row row = { "responses", period, NULL, side, NULL, NULL, NULL, 0 };
	const char *names[] = { "turns", "answered", "median_ms", "p90_ms" };
	long long v[] = { x->turns, x->answered, x->median_ms, x->p90_ms };
	size_t i;

	for (i = 0; i < HARK_NELEM(names); i++) {
		if (v[i] < 0)
			continue;   /* no answered turn: no time */
		row.metric = names[i];
		row.value = v[i];
		csv_row(b, &row);
	}
}

/* Volume, responses and cost of each period, then the totals' responses. */
static void
csv_periods(const struct report *r, struct hbuf *b)
{
	const struct report_period *p;
	struct csv_row row;
	int i, c;

	for (i = 0; i < r->nperiods; i++) {
		p = &r->periods[i];
		for (c = 0; c < HARK_CH__COUNT; c++) {
			row = (struct csv_row){ "volume", p->label, hark_channel_name(c),
			    NULL, "in", NULL, NULL, p->in[c] };
			csv_row(b, &row);
			row.metric = "out";
			row.value = p->out[c];
			csv_row(b, &row);
		}
		csv_resp(b, p->label, "we_answer_them", &p->ours);
		csv_resp(b, p->label, "they_answer_us", &p->theirs);
		csv_costs(b, "cost", p->label, NULL, NULL, &p->cost);
	}
	csv_resp(b, "total", "we_answer_them", &r->ours);
	csv_resp(b, "total", "they_answer_us", &r->theirs);
}

/* Each channel's counts, top errors and cost. */
static void
csv_channels(const struct report *r, struct hbuf *b)
{
	static const char *const names[] = { "in", "out", "left", "delivered", "failed" };
	const struct report_channel *ch;
	struct csv_row row;
	long long v[HARK_NELEM(names)];
	int c, k;

	for (c = 0; c < HARK_CH__COUNT; c++) {
		ch = &r->ch[c];
		v[0] = ch->in;
		v[1] = ch->out;
		v[2] = ch->left;
		v[3] = ch->delivered;
		v[4] = ch->failed;
		for (k = 0; k < (int)HARK_NELEM(names); k++) {
			row = (struct csv_row){ "channel", "total", hark_channel_name(c),
			    NULL, names[k], NULL, NULL, v[k] };
			csv_row(b, &row);
		}
		for (k = 0; k < ch->nerrors; k++) {
			row = (struct csv_row){ "error", "total", hark_channel_name(c),
			    ch->errors[k].code, "count", NULL, ch->errors[k].text,
			    ch->errors[k].n };
			csv_row(b, &row);
		}
		csv_costs(b, "cost", "total", hark_channel_name(c), NULL, &ch->cost);
	}
	csv_costs(b, "cost", "total", NULL, NULL, &r->cost);
}

/* Costs by contact, templates and calls. */
static void
csv_rest(const struct report *r, struct hbuf *b)
{
	static const char *const tnames[] = { "sent", "delivered", "replied" };
	static const char *const cnames[] = { "count", "in", "out", "answered",
	    "duration_s" };
	const struct report_template *t;
	struct report_costs one;
	struct csv_row row;
	long long v[5];
	char ver[16];
	int i, k;

	for (i = 0; i < r->ncontacts; i++) {
		one.v = &r->contacts[i].cost;
		one.n = 1;
		csv_costs(b, "cost_by_contact", "total", NULL, r->contacts[i].name, &one);
	}
	for (i = 0; i < r->ntemplates; i++) {
		t = &r->templates[i];
		snprintf(ver, sizeof ver, "v%d", t->version);
		v[0] = t->sent;
		v[1] = t->delivered;
		v[2] = t->replied;
		for (k = 0; k < 3; k++) {
			row = (struct csv_row){ "template", "total", NULL, t->name,
			    tnames[k], NULL, t->variant != NULL ? t->variant : ver, v[k] };
			csv_row(b, &row);
		}
	}
	v[0] = r->calls.n;
	v[1] = r->calls.in;
	v[2] = r->calls.out;
	v[3] = r->calls.answered;
	v[4] = r->calls.duration_s;
	for (k = 0; k < 5; k++) {
		row = (struct csv_row){ "calls", "total", "voice", NULL, cnames[k], NULL,
		    NULL, v[k] };
		csv_row(b, &row);
	}
	csv_costs(b, "calls", "total", "voice", NULL, &r->calls.cost);
}

static void
report_csv(const struct report *r, FILE *f)
{
	struct hbuf b = HBUF_INIT;

	hbuf_adds(&b, "section,period,channel,item,metric,currency,value,note\r\n");
	csv_periods(r, &b);
	csv_channels(r, &b);
	csv_rest(r, &b);
	fwrite(hbuf_str(&b), 1, b.len, f);
	hbuf_free(&b);
}

static void
json_costs(FILE *f, const struct report_costs *c)
{
	char a[40];
	int k;

	fputc('[', f);
	for (k = 0; k < c->n; k++) {
		amount(c->v[k].micros, a, sizeof a);
		fprintf(f, "%s{\"currency\":\"%s\",\"micros\":%lld,\"amount\":\"%s\","
		    "\"priced\":%lld}", k ? "," : "", c->v[k].currency,
		    (long long)c->v[k].micros, a, (long long)c->v[k].n);
	}
	fputc(']', f);
}

static void
json_rate(FILE *f, int64_t num, int64_t den)
{
	if (den <= 0)
		fputs("null", f);
	else
		fprintf(f, "%.4f", (double)num / (double)den);
}

static void
json_resp(FILE *f, const struct report_resp *x)
{
	fprintf(f, "{\"turns\":%lld,\"answered\":%lld,\"rate\":", (long long)x->turns,
	    (long long)x->answered);
	json_rate(f, x->answered, x->turns);
	if (x->median_ms < 0)
		fputs(",\"median_ms\":null,\"p90_ms\":null}", f);
	else
		fprintf(f, ",\"median_ms\":%lld,\"p90_ms\":%lld}",
		    (long long)x->median_ms, (long long)x->p90_ms);
}

static void
json_periods(const struct report *r, FILE *f)
{
	char a[40], b[40];
	int i, c;

	fputs(",\"periods\":[", f);
	for (i = 0; i < r->nperiods; i++) {
		const struct report_period *p = &r->periods[i];

		time_format_iso(p->start, a, sizeof a);
		time_format_iso(p->end, b, sizeof b);
		fprintf(f, "%s{\"label\":\"%s\",\"start\":\"%s\",\"end\":\"%s\","
		    "\"volume\":{", i ? "," : "", p->label, a, b);
		for (c = 0; c < HARK_CH__COUNT; c++)
			fprintf(f, "%s\"%s\":{\"in\":%lld,\"out\":%lld}", c ? "," : "",
			    hark_channel_name(c), (long long)p->in[c],
			    (long long)p->out[c]);
		fputs("},\"we_answer_them\":", f);
		json_resp(f, &p->ours);
		fputs(",\"they_answer_us\":", f);
		json_resp(f, &p->theirs);
		fputs(",\"cost\":", f);
		json_costs(f, &p->cost);
		fputc('}', f);
	}
	fputc(']', f);
}

static void
json_channels(const struct report *r, FILE *f)
{
	const struct report_channel *ch;
	int c, k;

	fputs(",\"channels\":{", f);
	for (c = 0; c < HARK_CH__COUNT; c++) {
		ch = &r->ch[c];
		fprintf(f, "%s\"%s\":{\"in\":%lld,\"out\":%lld,\"left\":%lld,"
		    "\"delivered\":%lld,\"failed\":%lld,\"delivery_rate\":", c ? "," : "",
		    hark_channel_name(c), (long long)ch->in, (long long)ch->out,
		    (long long)ch->left, (long long)ch->delivered, (long long)ch->failed);
		json_rate(f, ch->delivered, ch->left);
		fputs(",\"failure_rate\":", f);
		json_rate(f, ch->failed, ch->left);
		fputs(",\"errors\":[", f);
		for (k = 0; k < ch->nerrors; k++) {
			fprintf(f, "%s{\"code\":", k ? "," : "");
			cli_json_string(f, ch->errors[k].code);
			fprintf(f, ",\"count\":%lld,\"meaning\":", (long long)ch->errors[k].n);
			if (ch->errors[k].text != NULL)
				cli_json_string(f, ch->errors[k].text);
			else
				fputs("null", f);
			fputc('}', f);
		}
		fputs("],\"cost\":", f);
		json_costs(f, &ch->cost);
		fputc('}', f);
	}
	fputc('}', f);
}

static void
json_rest(const struct report *r, FILE *f)
{
	const struct report_template *t;
	char a[40];
	int i;

	fputs(",\"cost\":", f);
	json_costs(f, &r->cost);
	fputs(",\"cost_by_contact\":[", f);
	for (i = 0; i < r->ncontacts; i++) {
		amount(r->contacts[i].cost.micros, a, sizeof a);
		fprintf(f, "%s{\"contact_id\":%lld,\"name\":", i ? "," : "",
		    (long long)r->contacts[i].contact_id);
		cli_json_string(f, r->contacts[i].name);
		fprintf(f, ",\"currency\":\"%s\",\"micros\":%lld,\"amount\":\"%s\","
		    "\"priced\":%lld}", r->contacts[i].cost.currency,
		    (long long)r->contacts[i].cost.micros, a,
		    (long long)r->contacts[i].cost.n);
	}
	fputs("],\"templates\":[", f);
	for (i = 0; i < r->ntemplates; i++) {
		t = &r->templates[i];
		fprintf(f, "%s{\"name\":", i ? "," : "");
		cli_json_string(f, t->name);
		fprintf(f, ",\"version\":%d,\"variant\":", t->version);
		if (t->variant != NULL)
			cli_json_string(f, t->variant);
		else
			fputs("null", f);
		fprintf(f, ",\"sent\":%lld,\"delivered\":%lld,\"replied\":%lld,"
		    "\"reply_rate\":", (long long)t->sent, (long long)t->delivered,
		    (long long)t->replied);
		json_rate(f, t->replied, t->sent);
		fputc('}', f);
	}
	fprintf(f, "],\"calls\":{\"count\":%lld,\"in\":%lld,\"out\":%lld,"
	    "\"answered\":%lld,\"answered_rate\":", (long long)r->calls.n,
	    (long long)r->calls.in, (long long)r->calls.out,
	    (long long)r->calls.answered);
	json_rate(f, r->calls.answered, r->calls.n);
	fprintf(f, ",\"duration_s\":%lld,\"average_s\":", (long long)r->calls.duration_s);
	if (r->calls.answered > 0)
		fprintf(f, "%lld", (long long)(r->calls.duration_s / r->calls.answered));
	else
		fputs("null", f);
	fputs(",\"cost\":", f);
	json_costs(f, &r->calls.cost);
	fputs("}}\n", f);
}

static void
report_json(const struct report *r, FILE *f)
{
	char a[40], b[40];

	time_format_iso(r->opts.since, a, sizeof a);
	time_format_iso(r->opts.until, b, sizeof b);
	fprintf(f, "{\"since\":\"%s\",\"until\":\"%s\",\"by\":\"%s\",\"tz\":", a, b,
	    report_by_name(r->opts.by));
	cli_json_string(f, r->tz);
	fputs(",\"channel\":", f);
	if (r->opts.channel >= 0)
		cli_json_string(f, hark_channel_name(r->opts.channel));
	else
		fputs("null", f);
	fputs(",\"tag\":", f);
	if (r->opts.tag != NULL)
		cli_json_string(f, r->opts.tag);
	else
		fputs("null", f);
	fputs(",\"member\":", f);
	if (r->opts.member != NULL)
		cli_json_string(f, r->opts.member);
	else
		fputs("null", f);
	fputs(",\"we_answer_them\":", f);
	json_resp(f, &r->ours);
	fputs(",\"they_answer_us\":", f);
	json_resp(f, &r->theirs);
	json_periods(r, f);
	json_channels(r, f);
	json_rest(r, f);
}

void
report_print(const struct report *r, enum report_fmt fmt, FILE *f)
{
	struct hbuf b = HBUF_INIT;

	if (fmt == REPORT_FMT_CSV)
		report_csv(r, f);
	else if (fmt == REPORT_FMT_JSON)
		report_json(r, f);
	else {
		report_text(r, &b);
		fwrite(hbuf_str(&b), 1, b.len, f);
		hbuf_free(&b);
	}
}
