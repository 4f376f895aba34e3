/*
 * bulk.c — bulk sends: a template to a segment (a tag or a filter), with a
 * preview first (recipients, who is skipped and why, who waits for quiet
 * hours, SMS segments and cost), then a durable send.
 *
 * engine_bulk_start writes the plan (the bulk and a row per recipient) in
 * one transaction; nothing is sent by it. The outbox owner's watch timer
 * (bulk_run) then writes recipients' messages into the outbox a few at a
 * time, keeping at most a small window ahead of what has gone, so that the
 * outbox's pace (the account's `rate`) governs, and pause and cancel take
 * effect within that window. Each message's idempotency key is
 * "bulk-ID-CONTACT": after a crash between writing a message and marking
 * its recipient, the repeat finds the message instead of writing another.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "hark/template.h"

#include "engine_int.h"


struct bulk_pick {
	struct engine *e;
	const struct engine_bulk_spec *s;
	struct contact_filter f;
	int64_t *with_status;
	int nwith;
	struct store_template t;
	struct provider *p;
	struct engine_bulk_preview *out;
	void (*fn)(void *arg, const struct engine_bulk_line *l);
	void *arg;
	/* Looked up once for the whole segment, not once per contact. */
	int64_t *with_prefs;       /* contacts that have preferences, ascending */
	int nprefs;
	char **optouts;            /* opted-out addresses on the channel, sorted */
	int noptouts;
	int64_t bulk_id;           /* engine_bulk_start: write recipients */
	int seq;
	int failed;
	char *cause;
};

static int bulk_tag_has(const char *tags, const char *tag);
static int bulk_one(void *arg, const struct store_contact *c);
static int bulk_select(struct engine *e, const struct engine_bulk_spec *s,
    struct bulk_pick *bp, char **cause);
static void bulk_pick_clear(struct bulk_pick *bp);

static int
bulk_tag_has(const char *tags, const char *tag)
{
	size_t n = strlen(tag);
	const char *p = tags;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, tag, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
	return 0;
}

static int
bulk_cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int
bulk_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
bulk_add_prefs(void *arg, const struct store_prefs *p)
{
	struct bulk_pick *bp = arg;

	bp->with_prefs = xreallocarray(bp->with_prefs, (size_t)bp->nprefs + 1,
	    sizeof *bp->with_prefs);
	bp->with_prefs[bp->nprefs++] = p->contact_id;
	return 0;
}

static int
bulk_add_optout(void *arg, const struct store_optout *o)
{
	struct bulk_pick *bp = arg;

	if (o->channel != bp->s->channel)
		return 0;
	bp->optouts = xreallocarray(bp->optouts, (size_t)bp->noptouts + 1,
	    sizeof *bp->optouts);
	bp->optouts[bp->noptouts++] = xstrdup(o->address);
	return 0;
}

/* Whether a contact has preferences, an address an opt-out: no query when not. */
static int
bulk_has_prefs(const struct bulk_pick *bp, int64_t id)
{
	return bp->nprefs > 0 && bsearch(&id, bp->with_prefs, (size_t)bp->nprefs,
	    sizeof id, bulk_cmp_id) != NULL;
}

static int
bulk_opted_out(const struct bulk_pick *bp, const char *to)
{
	return bp->noptouts > 0 && bsearch(&to, bp->optouts,
	    (size_t)bp->noptouts, sizeof to, bulk_cmp_str) != NULL;
}

static int
bulk_in_status(const struct bulk_pick *bp, int64_t id)
{
	int i;

	for (i = 0; i < bp->nwith; i++) {
		if (bp->with_status[i] == id)
			return 1;
	}
	return 0;
}

/* The contact's address for the channel (WhatsApp falls back to the phone). */
static const char *
bulk_address(const struct store_contact *c, enum hark_channel ch)
{
	enum store_id_kind kind = store_id_kind_for(ch);
	int i;

	for (i = 0; i < c->nids; i++) {
		if (c->ids[i].kind == kind)
			return c->ids[i].address;
	}
	for (i = 0; ch == HARK_CH_WHATSAPP && i < c->nids; i++) {
		if (c->ids[i].kind == STORE_ID_PHONE)
			return c->ids[i].address;
	}
	return NULL;
}

/* What one contact of the segment would get, and why not. */
static int
bulk_one(void *arg, const struct store_contact *c)
{
	struct bulk_pick *bp = arg;
	struct engine_bulk_line l;
	struct engine_rendered r;
	struct store_prefs p;
	struct provider_send req;
	struct hark_money price;
	struct sms_info si;
	char *why = NULL, held[160], when[64];
	int64_t until;
	int segs = 0;

	if (bp->s->tag != NULL && !bulk_tag_has(c->tags, bp->s->tag))
		return 0;
	if (bp->s->filter != NULL && (!contact_filter_match(&bp->f, c) ||
	    (bp->f.msg_status != NULL && !bulk_in_status(bp, c->id))))
		return 0;
	memset(&l, 0, sizeof l);
	memset(&r, 0, sizeof r);
	l.contact_id = c->id;
	l.name = c->name;
	l.to = bulk_address(c, bp->s->channel);
	bp->out->total++;
	if (l.to == NULL) {
		l.skip = "no address for the channel";
		bp->out->skipped_noaddr++;
	} else if (bulk_opted_out(bp, l.to) &&
	    route_optout(bp->e->st, bp->s->channel, l.to, &why) == 1) {
		l.skip = why;
		bp->out->skipped_optout++;
	} else if (template_render_for(bp->e->st, bp->e->cfg, &bp->t, c->id, c,
	    bp->s->channel, NULL, 0, &r, &why) != 0) {
		l.skip = why;
		bp->out->skipped_missing++;
	}
	if (l.skip == NULL) {
		if (bulk_has_prefs(bp, c->id) &&
		    store_prefs_get(bp->e->st, c->id, &p, NULL) == 1) {
			if (route_quiet(&p, hark_now_ms(), &until)) {
				l.held_until = until;
				route_local_time(&p, until, when, sizeof when);
				snprintf(held, sizeof held,
				    "held for quiet hours until %s", when);
				l.held = held;
				bp->out->deferred++;
			}
			store_prefs_clear(&p);
		}
		if (bp->s->channel == HARK_CH_SMS) {
			sms_analyze(r.body, strlen(r.body), &si);
			segs = si.segments;
		}
		if (bp->p != NULL && bp->p->ops->estimate != NULL) {
			memset(&req, 0, sizeof req);
			req.channel = bp->s->channel;
			req.to = l.to;
			req.subject = r.subject;
			req.body = r.body;
			if (bp->p->ops->estimate(bp->p, &req, &price, &segs) == 0) {
				if (!bp->out->has_cost) {
					bp->out->cost = price;
					bp->out->has_cost = 1;
				} else
					bp->out->cost.micros += price.micros;
			}
		}
		l.segments = segs;
		bp->out->segments += segs;
		bp->out->sending++;
	} else
		bp->out->skipped++;
	if (bp->fn != NULL)
		bp->fn(bp->arg, &l);
	if (bp->bulk_id > 0 && store_bulk_recipient_add(bp->e->st, bp->bulk_id,
	    c->id, ++bp->seq, l.skip ? "skipped" : "pending", l.skip,
	    &bp->cause) != 0)
		bp->failed = 1;
	free(why);
	engine_rendered_clear(&r);
	return bp->failed;
}

static void
bulk_pick_clear(struct bulk_pick *bp)
{
	int i;

	for (i = 0; i < bp->noptouts; i++)
		free(bp->optouts[i]);
	free(bp->optouts);
	free(bp->with_prefs);
	contact_filter_clear(&bp->f);
	free(bp->with_status);
	store_template_clear(&bp->t);
	free(bp->cause);
}

static int
bulk_select(struct engine *e, const struct engine_bulk_spec *s,
    struct bulk_pick *bp, char **cause)
{
	if ((s->tag == NULL) == (s->filter == NULL)) {
		set_cause(cause, "a bulk send needs a segment: --tag T or --filter EXPR");
		return -1;
	}
	if (s->channel == HARK_CH_VOICE) {
		set_cause(cause, "a bulk send goes by sms, whatsapp or email");
		return -1;
	}
	if (s->filter != NULL && contact_filter_parse(s->filter, &bp->f, cause) != 0)
		return -1;
	if (bp->f.msg_status != NULL && store_contact_ids_with_status(e->st,
	    bp->f.msg_status, &bp->with_status, &bp->nwith, cause) != 0)
		return -1;
	if (store_template_get(e->st, s->template, 0, &bp->t, cause) != 0 ||
	    store_prefs_each(e->st, bulk_add_prefs, bp, cause) != 0 ||
	    store_optouts_each(e->st, 0, bulk_add_optout, bp, cause) != 0)
		return -1;
	/* qsort and bsearch take no NULL array, even of no elements. */
	if (bp->nprefs > 1)
		qsort(bp->with_prefs, (size_t)bp->nprefs, sizeof *bp->with_prefs,
		    bulk_cmp_id);
	if (bp->noptouts > 1)
		qsort(bp->optouts, (size_t)bp->noptouts, sizeof *bp->optouts,
		    bulk_cmp_str);
	bp->p = engine_provider_for(e, s->account, NULL, s->channel);
	if (bp->p == NULL) {
		set_cause(cause, "no account can send %s%s%s", hark_channel_name(s->channel),
		    s->account ? " as " : "", s->account ? s->account : "");
		return -1;
	}
	return 0;
}

int
engine_bulk_preview(struct engine *e, const struct engine_bulk_spec *s,
    struct engine_bulk_preview *out,
    void (*fn)(void *arg, const struct engine_bulk_line *l), void *arg,
    char **cause)
{
	struct bulk_pick bp;
	int rc;

	memset(&bp, 0, sizeof bp);
	memset(out, 0, sizeof *out);
	bp.e = e;
	bp.s = s;
	bp.out = out;
	bp.fn = fn;
	bp.arg = arg;
	rc = bulk_select(e, s, &bp, cause);
	if (rc == 0)
		rc = store_contacts_each(e->st, bulk_one, &bp, cause);
	bulk_pick_clear(&bp);
	return rc;
}

int
engine_bulk_start(struct engine *e, const struct engine_bulk_spec *s,
    int64_t *id, char **cause)
{
	struct engine_bulk_preview out;
	struct store_bulk b;
	struct bulk_pick bp;
	int rc;

	memset(&bp, 0, sizeof bp);
	memset(&out, 0, sizeof out);
	bp.e = e;
	bp.s = s;
	bp.out = &out;
	if ((rc = bulk_select(e, s, &bp, cause)) != 0 ||
	    (rc = store_begin(e->st, cause)) != 0)
		goto done;
	memset(&b, 0, sizeof b);
	b.template = (char *)s->template;
	b.channel = s->channel;
	b.segment = s->tag != NULL ? xasprintf("tag:%s", s->tag) : xstrdup(s->filter);
	b.account = (char *)s->account;
	rc = store_bulk_create(e->st, &b, &bp.bulk_id, cause);
	free(b.segment);
	if (rc == 0 && (rc = store_contacts_each(e->st, bulk_one, &bp, cause)) == 0 &&
	    bp.failed) {
		set_cause(cause, "%s", bp.cause);
		rc = -1;
	}
	if (rc == 0 && out.total == 0) {
		set_cause(cause, "no contact is in the segment");
		rc = -1;
	}
	if (rc == 0)
		rc = store_bulk_total_set(e->st, bp.bulk_id, out.total, cause);
	if (rc != 0 || store_commit(e->st, cause) != 0) {
		store_rollback(e->st);
		rc = -1;
	} else
		*id = bp.bulk_id;
done:
	bulk_pick_clear(&bp);
	if (rc == 0)
		engine_publish(e, "bulk-changed", 0, 0, "started");
	return rc;
}
