/*
 * twilio_poll.c — the Twilio provider's poll: it walks the lists of messages
 * and calls page by page, fetches the media of inbound messages, and emits
 * inbound, status and call events.
 *
 * A poll lists the messages and calls of a short window (the day of the last
 * poll, less a day) and reports what changed since the previous poll: a table
 * of what was last reported for each sid keeps repeated polls quiet, and it
 * forgets what left the window.
 */

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/provider.h"
#include "twilio_int.h"

#define TW_DAY_MS 86400000LL
#define TW_FNV_BASIS 1469598103934665603ULL
#define TW_MAX_MEDIA 10           /* Twilio's own limit per message */

/* What a poll last reported of one sid. */
struct tw_seen {
	char *sid;
	uint64_t state;           /* hash of what was reported */
	unsigned gen;             /* the last poll that listed it */
	struct tw_seen *next;
};

static int tw_poll_walk(struct tw_op *);

/* ---- what was reported --------------------------------------------------- */

static uint64_t
tw_hash(const char *s, uint64_t h)
{
	for (; s != NULL && *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* True when sid was last reported in this state; either way it stays known. */
static int
tw_seen_same(struct twilio *tw, const char *sid, uint64_t state)
{
	struct tw_seen *s;

	s = tw->seen[tw_hash(sid, TW_FNV_BASIS) % TW_SEEN_BUCKETS];
	for (; s != NULL; s = s->next) {
		if (strcmp(s->sid, sid) == 0) {
			s->gen = tw->gen;
			return s->state == state;
		}
	}
	return 0;
}

static void
tw_seen_put(struct twilio *tw, const char *sid, uint64_t state)
{
	struct tw_seen **head, *s;

	head = &tw->seen[tw_hash(sid, TW_FNV_BASIS) % TW_SEEN_BUCKETS];
	for (s = *head; s != NULL; s = s->next) {
		if (strcmp(s->sid, sid) == 0)
			break;
	}
	if (s == NULL) {
		s = xcalloc(1, sizeof *s);
		s->sid = xstrdup(sid);
		s->next = *head;
		*head = s;
	}
	s->state = state;
	s->gen = tw->gen;
}

/* Forgets sids the last poll did not list (all of them with all set). */
void
tw_seen_prune(struct twilio *tw, int all)
{
	struct tw_seen **pp, *s;
	size_t i;

	for (i = 0; i < TW_SEEN_BUCKETS; i++) {
		pp = &tw->seen[i];
		while ((s = *pp) != NULL) {
			if (all || s->gen != tw->gen) {
				*pp = s->next;
				free(s->sid);
				free(s);
			} else
				pp = &s->next;
		}
	}
}

/* ---- poll ---------------------------------------------------------------- */

static int
tw_poll_end(struct tw_op *op, char *err)
{
	void (*done)(void *, const char *) = op->cb.poll;
	void *arg = op->arg;
	struct twilio *tw = op->tw;

	if (err == NULL) {
		tw_seen_prune(tw, 0);
		tw->last_poll = op->started;
	}
	tw_op_detach(op);
	done(arg, err);
	free(err);
	tw_op_free(op);
	return 0;
}

/* Starts listing messages or calls from the window's first day. */
static int
tw_poll_list(struct tw_op *op, enum tw_list list, char **err)
{
	struct twilio *tw = op->tw;
	int64_t since;
	char day[16], *url, *rest;
	int rc;

	since = tw->last_poll > 0 ? tw->last_poll - TW_DAY_MS :
	    op->started - 2 * TW_DAY_MS;
	tw_day(since, day);
	op->list = list;
	op->pages = 0;
	rest = xasprintf("%s%%3E=%s&PageSize=" TW_PAGE_SIZE,
	    list == TW_MESSAGES ? "Messages.json?DateSent" :
	    "Calls.json?StartTime", day);
	url = tw_url(tw, rest);
	free(rest);
	rc = tw_request(op, url, NULL, err);
	free(url);
	return rc;
}

/* The sender's channel; -1 for channels hark does not carry. */
static int
tw_inbound_channel(const char *from, enum hark_channel *ch)
{
	if (from == NULL)
		return -1;
	if (hark_startswith(from, "whatsapp:"))
		*ch = HARK_CH_WHATSAPP;
	else if (strchr(from, ':') == NULL)
		*ch = HARK_CH_SMS;
	else
		return -1;
	return 0;
}

static const char *
tw_strip(const char *addr)
{
	if (addr != NULL && hark_startswith(addr, "whatsapp:"))
		return addr + 9;
	return addr;
}

/*
 * An inbound message to the engine: its result (0 stored, -1 not). Only a
 * stored message is then marked seen, by the caller once it knows the
 * provider is still open, so one the engine could not store comes again
 * with the next poll.
 */
static int
tw_emit_inbound(struct twilio *tw, const cJSON *m,
    const struct provider_media *media, int nmedia)
{
	struct provider_event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = PROVIDER_EV_INBOUND;
	ev.provider = "twilio";
	ev.provider_id = tw_str(m, "sid");
	if (tw_inbound_channel(tw_str(m, "from"), &ev.channel) != 0)
		return 0;
	ev.from = tw_strip(tw_str(m, "from"));
	ev.to = tw_strip(tw_str(m, "to"));
	ev.body = tw_str(m, "body");
	ev.media = media;
	ev.nmedia = nmedia;
	ev.at = tw_time(m, "date_sent");
	if (ev.at == 0)
		ev.at = tw_time(m, "date_created");
	ev.status = HARK_ST_RECEIVED;
	ev.duration_s = -1;
	return tw->p->env.on_event(tw->p->env.event_arg, &ev);
}

static void
tw_emit_status(struct twilio *tw, const cJSON *m)
{
	struct provider_event ev;
	const char *sid = tw_str(m, "sid"), *status = tw_str(m, "status");
	char code[16];
	uint64_t state;
	int ecode = tw_int(m, "error_code");

	memset(&ev, 0, sizeof ev);
	if (twilio_status_parse(status, &ev.status) != 0)
		return;
	ev.has_price = tw_price(m, &ev.price);
	state = tw_hash(status, 7) ^ (uint64_t)ev.price.micros ^
	    ((uint64_t)(unsigned)ecode << 32);
	if (tw_seen_same(tw, sid, state))
		return;
	ev.type = PROVIDER_EV_STATUS;
	ev.provider = "twilio";
	ev.provider_id = sid;
	ev.at = tw_time(m, "date_updated");
	if (ecode > 0) {
		snprintf(code, sizeof code, "%d", ecode);
		ev.error_code = code;
		ev.error_text = twilio_error_text(ecode);
		if (ev.error_text == NULL)
			ev.error_text = tw_str(m, "error_message");
	}
	ev.segments = tw_int(m, "num_segments");
	if (ev.segments < 0)
		ev.segments = 0;
	ev.duration_s = -1;
	tw_seen_put(tw, sid, state);
	tw->p->env.on_event(tw->p->env.event_arg, &ev);
}

/* A call's final status: the one a <Dial action> would report. */
static int
tw_call_final(const char *status)
{
	static const char *const final[] = { "completed", "busy", "failed",
	    "no-answer", "canceled" };
	size_t i;

	for (i = 0; i < HARK_NELEM(final); i++)
		if (strcmp(status, final[i]) == 0)
			return 1;
	return 0;
}

/*
 * A call leg. The contact's leg of a click-to-call bridge (outbound-dial,
 * with the agent's leg as parent) is reported once it has ended, as the
 * relay reports a <Dial action>: a change of the parent marked "dial",
 * since that leg, not the agent's, says how the call went.
 */
static void
tw_emit_call(struct twilio *tw, const cJSON *c)
{
	struct provider_event ev;
	const char *sid = tw_str(c, "sid"), *dir = tw_str(c, "direction");
	uint64_t state;

	memset(&ev, 0, sizeof ev);
	ev.call_status = tw_str(c, "status");
	ev.duration_s = tw_int(c, "duration");
	ev.parent_id = tw_str(c, "parent_call_sid");
	if (sid == NULL || ev.call_status == NULL)
		return;
	if (ev.parent_id != NULL && dir != NULL &&
	    strcmp(dir, "outbound-dial") == 0) {
		if (!tw_call_final(ev.call_status))
			return;
		ev.provider_id = ev.parent_id;
		ev.parent_id = NULL;
		ev.detail = "dial";
	} else {
		ev.provider_id = sid;
		ev.has_price = tw_price(c, &ev.price);
	}
	state = tw_hash(ev.call_status, 11) ^ (uint64_t)(ev.duration_s + 1) ^
	    ((uint64_t)ev.price.micros << 20);
	if (tw_seen_same(tw, sid, state))
		return;
	ev.type = PROVIDER_EV_CALL;
	ev.provider = "twilio";
	ev.channel = HARK_CH_VOICE;
	ev.from = tw_str(c, "from");
	ev.to = tw_str(c, "to");
	ev.inbound_call = dir != NULL && strcmp(dir, "inbound") == 0;
	ev.at = tw_time(c, "date_updated");
	tw_seen_put(tw, sid, state);
	tw->p->env.on_event(tw->p->env.event_arg, &ev);
}

/*
 * One listed message: a status, or an inbound message not reported yet.
 * Returns 1 when its media must be fetched first (a request is on its
 * way), 0 when done with it, -1 with *err.
 */
static int
tw_poll_message(struct tw_op *op, const cJSON *m, char **err)
{
	struct twilio *tw = op->tw;
	const char *dir = tw_str(m, "direction"), *sid = tw_str(m, "sid");
	enum hark_channel ch;
	char *url, *rest;
	int rc;

	if (sid == NULL || dir == NULL)
		return 0;
	if (strcmp(dir, "inbound") != 0) {
		tw_emit_status(tw, m);
		return 0;
	}
	if (tw_inbound_channel(tw_str(m, "from"), &ch) != 0 ||
	    tw_seen_same(tw, sid, 1))
		return 0;
	if (tw_int(m, "num_media") <= 0 || strpbrk(sid, "/?#%") != NULL) {
		if (tw_emit_inbound(tw, m, NULL, 0) == 0 && op->tw != NULL)
			tw_seen_put(op->tw, sid, 1);
		return 0;
	}
	rest = xasprintf("Messages/%s/Media.json", sid);
	url = tw_url(tw, rest);
	rc = tw_request(op, url, NULL, err);
	free(rest);
	free(url);
	if (rc != 0)
		return -1;
	op->media = 1;
	return 1;
}

/* The media list of the inbound message at op->idx: emit it with its URLs. */
static int
tw_poll_media(struct tw_op *op, const struct net_response *r)
{
	struct provider_media media[TW_MAX_MEDIA];
	char *urls[TW_MAX_MEDIA], *next = NULL, *err = NULL;
	const cJSON *items, *it;
	cJSON *page;
	const char *uri;
	int n = 0, i, pages = op->pages;
	size_t len;

	op->media = 0;
	page = tw_page(op, r, "media_list", &next, &err);
	op->pages = pages;
	free(next);
	if (page == NULL)
		return tw_poll_end(op, err);
	items = cJSON_GetObjectItemCaseSensitive(page, "media_list");
	cJSON_ArrayForEach(it, items) {
		uri = tw_str(it, "uri");
		if (n == TW_MAX_MEDIA || uri == NULL || uri[0] != '/')
			continue;
		/* The resource is uri; the content is uri without ".json". */
		len = strlen(uri);
		if (len > 5 && strcmp(uri + len - 5, ".json") == 0)
			len -= 5;
		urls[n] = xasprintf("%s%.*s", op->tw->base, (int)len, uri);
		media[n].url = urls[n];
		media[n].content_type = tw_str(it, "content_type");
		n++;
	}
	items = cJSON_GetObjectItemCaseSensitive(op->page, "messages");
	it = cJSON_GetArrayItem(items, op->idx);
	if (tw_emit_inbound(op->tw, it, media, n) == 0 && op->tw != NULL)
		tw_seen_put(op->tw, tw_str(it, "sid"), 1);
	for (i = 0; i < n; i++)
		free(urls[i]);
	cJSON_Delete(page);
	if (op->tw == NULL) {
		tw_op_free(op);
		return 0;
	}
	op->idx++;
	return tw_poll_walk(op);
}

/* Walks the page from op->idx, then goes on to the next page or list. */
static int
tw_poll_walk(struct tw_op *op)
{
	const char *key = op->list == TW_MESSAGES ? "messages" : "calls";
	cJSON *items = cJSON_GetObjectItemCaseSensitive(op->page, key), *it;
	char *err = NULL;
	int n = cJSON_GetArraySize(items), rc;

	for (; op->idx < n; op->idx++) {
		it = cJSON_GetArrayItem(items, op->idx);
		if (op->list == TW_CALLS)
			tw_emit_call(op->tw, it);
		else {
			rc = tw_poll_message(op, it, &err);
			if (rc != 0)
				return rc > 0 ? 1 : tw_poll_end(op, err);
		}
		if (op->tw == NULL) {
			/* An event handler closed the provider. */
			tw_op_free(op);
			return 0;
		}
	}
	if (op->next_url != NULL)
		rc = tw_request(op, op->next_url, NULL, &err);
	else if (op->list == TW_MESSAGES)
		rc = tw_poll_list(op, TW_CALLS, &err);
	else
		return tw_poll_end(op, NULL);
	return rc == 0 ? 1 : tw_poll_end(op, err);
}

int
tw_poll_answer(struct tw_op *op, const struct net_response *r)
{
	cJSON *page;
	char *next = NULL, *err = NULL;

	if (op->media)
		return tw_poll_media(op, r);
	page = tw_page(op, r, op->list == TW_MESSAGES ? "messages" : "calls",
	    &next, &err);
	if (page == NULL)
		return tw_poll_end(op, err);
	cJSON_Delete(op->page);
	op->page = page;
	free(op->next_url);
	op->next_url = next;
	op->idx = 0;
	return tw_poll_walk(op);
}

int
tw_poll(struct provider *p, void (*done)(void *, const char *), void *arg,
    char **cause)
{
	struct twilio *tw = p->priv;
	struct tw_op *op;

	op = tw_op_new(tw, TW_POLL, arg);
	op->cb.poll = done;
	op->started = hark_now_ms();
	tw->gen++;
	if (tw_poll_list(op, TW_MESSAGES, cause) != 0) {
		tw_op_free(op);
		return -1;
	}
	return 0;
}
