/*
 * report.c — builds the report (report.h) from one pass over the period's
 * messages in time order, plus the period's calls. Every definition the
 * README states is applied here and only here.
 *
 * The pass keeps, per contact, the start of the turn waiting on each side
 * (theirs: the first unanswered inbound message; ours: the first outbound
 * message that reached them and got no answer yet) and its template
 * messages waiting for a reply, so a response is found in O(1) per message
 * whatever the history's size. Turns are counted in the period they start in; after
 * --until the pass goes on only while some turn still waits for an answer.
 */

#include <stdlib.h>
#include <string.h>

#include "hark/provider.h"
#include "hark/report.h"
#include "hark/store.h"

#include "report_int.h"

static struct rp_contact *rp_contact(struct rp_pass *p, int64_t id);
static int	rp_row(void *arg, const struct store_report_row *m);
static int	rp_reached(enum hark_status st);
static void	rp_tpl_sent(struct rp_pass *p, struct rp_contact *c, int tpl,
		    int64_t at);
static void	rp_tpl_reply(struct rp_pass *p, struct rp_contact *c, int64_t at);
static void	rp_turns(struct rp_pass *p, struct rp_contact *c,
		    const struct store_report_row *m, int in_range);
static void	rp_delivery(struct report_channel *ch, const struct store_report_row *m);
static void	rp_error(struct report_channel *ch, const struct store_report_row *m);
static int	rp_template(struct report *r, const struct store_report_row *m);
static int	rp_call(void *arg, const struct store_report_call *c);
static int	rp_periods(struct report *r, char **cause);
static void	rp_finish(struct rp_pass *p, struct store *st);

static struct rp_contact *
rp_contact(struct rp_pass *p, int64_t id)
{
	struct rp_contact *old = p->c;
	size_t i, oldcap = p->cap;

	if (2 * (p->n + 1) > p->cap) {
		p->cap = p->cap == 0 ? 1024 : 2 * p->cap;
		p->c = xcalloc(p->cap, sizeof *p->c);
		p->n = 0;
		for (i = 0; i < oldcap; i++) {
			if (old[i].id != 0)
				*rp_contact(p, old[i].id) = old[i];
		}
		free(old);
	}
	i = (size_t)((uint64_t)id * 0x9e3779b97f4a7c15ULL >> 7) & (p->cap - 1);
	while (p->c[i].id != 0 && p->c[i].id != id)
		i = (i + 1) & (p->cap - 1);
	if (p->c[i].id == 0) {
		p->c[i].id = id;
		p->c[i].wait_in_p = p->c[i].wait_out_p = -1;
		p->n++;
	}
	return &p->c[i];
}

static int
rp_row(void *arg, const struct store_report_row *m)
{
	struct rp_pass *p = arg;
	struct report *r = p->r;
	struct report_channel *ch = &r->ch[m->channel];
	struct rp_contact *c;
	int in_range = m->created_at < r->opts.until;

	if (!in_range && p->waiting == 0 && (p->tpl_waiting == 0 ||
	    m->created_at > p->tpl_last + STORE_AB_REPLY_WINDOW_MS))
		return 1;
	while (p->cur < r->nperiods && m->created_at >= r->periods[p->cur].end)
		p->cur++;
	c = rp_contact(p, m->contact_id);
	if (m->direction == HARK_DIR_IN && c->ntw > 0)
		rp_tpl_reply(p, c, m->created_at);
	if (m->channel != HARK_CH_VOICE)
		rp_turns(p, c, m, in_range);
	if (!in_range)
		return 0;
	if (m->has_price) {
		report_costs_add(&r->periods[p->cur].cost, &m->price);
		report_costs_add(&ch->cost, &m->price);
		report_costs_add(&r->cost, &m->price);
		report_costs_add(&c->cost, &m->price);
		if (m->channel == HARK_CH_VOICE)
			report_costs_add(&r->calls.cost, &m->price);
	}
	if (m->direction == HARK_DIR_IN) {
		ch->in++;
		r->periods[p->cur].in[m->channel]++;
	} else if (m->status != HARK_ST_CANCELED) {
		ch->out++;
		r->periods[p->cur].out[m->channel]++;
		if (m->channel != HARK_CH_VOICE)
			rp_delivery(ch, m);
	} else
		return 0;
	/* Calls are counted as volume counts them; their rows (rp_call) say
	 * which were answered and for how long. */
	if (m->channel == HARK_CH_VOICE) {
		r->calls.n++;
		if (m->direction == HARK_DIR_IN)
			r->calls.in++;
		else
			r->calls.out++;
	}
	return 0;
}

/* Reached: what a contact can answer. */
static int
rp_reached(enum hark_status st)
{
	return st == HARK_ST_SENT || st == HARK_ST_DELIVERED || st == HARK_ST_READ;
}

static void
rp_turns(struct rp_pass *p, struct rp_contact *c, const struct store_report_row *m,
    int in_range)
{
	struct report *r = p->r;
	int tpl;

	if (m->direction == HARK_DIR_IN) {
		if (c->wait_out != 0) {
			if (c->wait_out_p >= 0) {
				r->periods[c->wait_out_p].theirs.answered++;
				rp_samples_add(&p->theirs[c->wait_out_p],
				    m->created_at - c->wait_out);
			}
			c->wait_out = 0;
			p->waiting--;
		}
		if (c->wait_in == 0 && in_range) {
			c->wait_in = m->created_at;
			c->wait_in_p = p->cur;
			r->periods[p->cur].ours.turns++;
			p->waiting++;
		}
		return;
	}
	tpl = in_range ? rp_template(r, m) : -1;
	if (tpl >= 0)
		rp_tpl_sent(p, c, tpl, m->scheduled_at > m->created_at ?
		    m->scheduled_at : m->created_at);
	if (!rp_reached(m->status))
		return;
	if (c->wait_in != 0) {
		r->periods[c->wait_in_p].ours.answered++;
		rp_samples_add(&p->ours[c->wait_in_p], m->created_at - c->wait_in);
		c->wait_in = 0;
		p->waiting--;
	}
	if (c->wait_out == 0 && in_range) {
		c->wait_out = m->created_at;
		c->wait_out_p = p->cur;
		r->periods[p->cur].theirs.turns++;
		p->waiting++;
	}
}

/* A template message waits for the contact's next inbound message. */
static void
rp_tpl_sent(struct rp_pass *p, struct rp_contact *c, int tpl, int64_t at)
{
	if (c->ntw == c->captw) {
		c->captw = c->captw == 0 ? 2 : 2 * c->captw;
		c->tw = xreallocarray(c->tw, (size_t)c->captw, sizeof *c->tw);
	}
	c->tw[c->ntw].tpl = tpl;
	c->tw[c->ntw++].at = at;
	p->tpl_waiting++;
	if (at > p->tpl_last)
		p->tpl_last = at;
}

/* The contact wrote at `at`: a reply to every template message sent before
 * it, if within the window (as `hark report ab` counts one). */
static void
rp_tpl_reply(struct rp_pass *p, struct rp_contact *c, int64_t at)
{
	int i, k = 0;

	for (i = 0; i < c->ntw; i++) {
		if (c->tw[i].at > at) {
			c->tw[k++] = c->tw[i];   /* scheduled after this message */
			continue;
		}
		if (at - c->tw[i].at <= STORE_AB_REPLY_WINDOW_MS)
			p->r->templates[c->tw[i].tpl].replied++;
		p->tpl_waiting--;
	}
	c->ntw = k;
}

static void
rp_delivery(struct report_channel *ch, const struct store_report_row *m)
{
	switch (m->status) {
	case HARK_ST_DELIVERED:
	case HARK_ST_READ:
		ch->delivered++;
		ch->left++;
		break;
	case HARK_ST_FAILED:
	case HARK_ST_UNDELIVERED:
		ch->failed++;
		ch->left++;
		rp_error(ch, m);
		break;
	case HARK_ST_SENT:
	case HARK_ST_UNCERTAIN:
		ch->left++;
		break;
	default:
		break;
	}
}

/* Counts a failure's code. Twilio's codes get Twilio's meaning; other
 * providers' (SMTP replies, bounces) keep the words they sent. */
static void
rp_error(struct report_channel *ch, const struct store_report_row *m)
{
	const char *code = m->error_code != NULL && *m->error_code != '\0' ?
	    m->error_code : "(none)";
	const char *text = NULL;
	char *end;
	long n;
	int i;

	for (i = 0; i < ch->nerrors; i++) {
		if (strcmp(ch->errors[i].code, code) == 0) {
			ch->errors[i].n++;
			if (ch->errors[i].text == NULL && m->error_text != NULL)
				ch->errors[i].text = xstrdup(m->error_text);
			return;
		}
	}
	if (m->provider != NULL && strcmp(m->provider, "twilio") == 0) {
		n = strtol(code, &end, 10);
		if (*end == '\0' && n > 0 && n < 100000)
			text = twilio_error_text((int)n);
	}
	if (text == NULL)
		text = m->error_text;
	ch->errors = xreallocarray(ch->errors, (size_t)ch->nerrors + 1,
	    sizeof *ch->errors);
	ch->errors[ch->nerrors].code = xstrdup(code);
	ch->errors[ch->nerrors].text = xstrdup(text);
	ch->errors[ch->nerrors].n = 1;
	ch->nerrors++;
}

/* Counts a template message the provider accepted (sent, delivered, read or
 * undelivered, as `hark report ab` does); returns its row, -1 when none. */
static int
rp_template(struct report *r, const struct store_report_row *m)
{
	struct report_template *t;
	int i;

	if (m->template_version_id == 0 || m->channel == HARK_CH_VOICE ||
	    (!rp_reached(m->status) && m->status != HARK_ST_UNDELIVERED))
		return -1;
	for (i = 0; i < r->ntemplates; i++) {
		t = &r->templates[i];
		if (t->version_id == m->template_version_id &&
		    ((t->variant == NULL && m->variant == NULL) ||
		    (t->variant != NULL && m->variant != NULL &&
		    strcmp(t->variant, m->variant) == 0)))
			break;
	}
	if (i == r->ntemplates) {
		r->templates = xreallocarray(r->templates, (size_t)i + 1,
		    sizeof *r->templates);
		t = &r->templates[i];
		memset(t, 0, sizeof *t);
		t->version_id = m->template_version_id;
		t->variant = xstrdup(m->variant);
		r->ntemplates++;
	}
	t = &r->templates[i];
	t->sent++;
	if (m->status == HARK_ST_DELIVERED || m->status == HARK_ST_READ)
		t->delivered++;
	return i;
}

static int
rp_call(void *arg, const struct store_report_call *c)
{
	struct report_calls *k = arg;

	if (strcmp(c->status, "completed") == 0 || strcmp(c->status, "in-progress") == 0)
		k->answered++;
	if (c->duration_s > 0)
		k->duration_s += c->duration_s;
	return 0;
}

/* Cuts [since, until) into calendar periods. */
static int
rp_periods(struct report *r, char **cause)
{
	int64_t start, end;
	size_t cap = 0;

	report_period_of(r->opts.by, r->opts.since, &start, &end);
	while (start < r->opts.until) {
		if (r->nperiods == REPORT_MAX_PERIODS) {
			set_cause(cause, "more than %d periods: report by a longer period"
			    " (--by week or --by month)", REPORT_MAX_PERIODS);
			return -1;
		}
		if ((size_t)r->nperiods == cap) {
			cap = cap == 0 ? 16 : 2 * cap;
			r->periods = xreallocarray(r->periods, cap, sizeof *r->periods);
		}
		memset(&r->periods[r->nperiods], 0, sizeof *r->periods);
		r->periods[r->nperiods].start = start > r->opts.since ? start : r->opts.since;
		r->periods[r->nperiods].end = end < r->opts.until ? end : r->opts.until;
		report_period_label(r->opts.by, start, r->periods[r->nperiods].label,
		    sizeof r->periods[r->nperiods].label);
		r->nperiods++;
		start = end;
		end = report_period_next(r->opts.by, start);
	}
	return 0;
}

int
report_build(struct store *st, const struct report_opts *o, struct report **out,
    char **cause)
{
	struct store_report_filter f;
	struct rp_pass p;
	struct report *r;
	int rc;

	if (o->since >= o->until) {
		set_cause(cause, "the report's start is not before its end");
		return -1;
	}
	r = xcalloc(1, sizeof *r);
	r->opts = *o;
	r->opts.tag = xstrdup(o->tag);
	r->opts.member = xstrdup(o->member);
	if (r->opts.top <= 0)
		r->opts.top = 10;
	report_tz_name(r->tz, sizeof r->tz);
	if (rp_periods(r, cause) != 0) {
		report_free(r);
		return -1;
	}
	memset(&p, 0, sizeof p);
	p.r = r;
	p.ours = xcalloc((size_t)r->nperiods + 1, sizeof *p.ours);
	p.theirs = xcalloc((size_t)r->nperiods + 1, sizeof *p.theirs);
	memset(&f, 0, sizeof f);
	f.since = o->since;
	f.until = INT64_MAX;   /* answers after --until; rp_row stops the pass */
	f.channel = o->channel;
	f.tag = o->tag;
	f.member = o->member;
	rc = store_report_messages(st, &f, rp_row, &p, cause);
	f.until = o->until;
	if (rc == 0 && (o->channel < 0 || o->channel == HARK_CH_VOICE))
		rc = store_report_calls(st, &f, rp_call, &r->calls, cause);
	if (rc == 0)
		rp_finish(&p, st);
	rp_pass_free(&p, r->nperiods);
	if (rc != 0) {
		report_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

/* Percentiles, template names, contacts' costs: what needs the whole pass. */
static void
rp_finish(struct rp_pass *p, struct store *st)
{
	struct report *r = p->r;
	int i;

	for (i = 0; i < r->nperiods; i++) {
		rp_samples_merge(&p->ours[r->nperiods], &p->ours[i]);
		rp_samples_merge(&p->theirs[r->nperiods], &p->theirs[i]);
		rp_samples_resp(&p->ours[i], &r->periods[i].ours);
		rp_samples_resp(&p->theirs[i], &r->periods[i].theirs);
		r->ours.turns += r->periods[i].ours.turns;
		r->theirs.turns += r->periods[i].theirs.turns;
	}
	rp_samples_resp(&p->ours[r->nperiods], &r->ours);
	rp_samples_resp(&p->theirs[r->nperiods], &r->theirs);
	report_sort_errors(r);
	report_name_templates(r, st);
	report_top_contacts(r, st, p->c, p->cap);
}

void
rp_pass_free(struct rp_pass *p, int nperiods)
{
	size_t k;
	int i;

	for (i = 0; i <= nperiods; i++) {
		free(p->ours[i].v);
		free(p->theirs[i].v);
	}
	free(p->ours);
	free(p->theirs);
	for (k = 0; k < p->cap; k++) {
		free(p->c[k].cost.v);
		free(p->c[k].tw);
	}
	free(p->c);
}
