/*
 * report_sched.c — scheduled reports: once a schedule's period (a day, an
 * ISO week or a month, in local time) is complete, its text report goes out
 * by email through engine_send, like any message the user sends.
 *
 * Exactly once per period: the email's idempotency key names the schedule
 * and the period, so a second run (a restart, two processes) finds the
 * message already written instead of writing another; the schedule then
 * moves to the next period only if it still waits for this one.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hark/engine.h"
#include "hark/report.h"
#include "hark/store.h"

struct sched_list {
	struct store_report_schedule *v;
	int n;
};

static int	sched_collect(void *arg, const struct store_report_schedule *s);
static int	sched_options(const char *json, enum report_by every,
		    struct report_opts *o, char **tag, char **member, char **cause);
static int	sched_run_one(struct engine *e, struct store *st,
		    const struct store_report_schedule *s, int64_t now, char **cause);

static int
sched_collect(void *arg, const struct store_report_schedule *s)
{
	struct sched_list *l = arg;
	struct store_report_schedule *c;

	l->v = xreallocarray(l->v, (size_t)l->n + 1, sizeof *l->v);
	c = &l->v[l->n++];
	*c = *s;
	c->every = xstrdup(s->every);
	c->email_to = xstrdup(s->email_to);
	c->options = xstrdup(s->options);
	return 0;
}

int64_t
report_sched_first(enum report_by by, int64_t now)
{
	int64_t start, end;

	report_period_of(by, now, &start, &end);
	report_period_of(by, start - 1, &start, &end);
	return start;
}

/* The saved options (a JSON object: by, channel, tag, member) over opts. */
static int
sched_options(const char *json, enum report_by every, struct report_opts *o,
    char **tag, char **member, char **cause)
{
	cJSON *root, *v;
	enum hark_channel ch;

	o->by = every == REPORT_BY_MONTH ? REPORT_BY_WEEK : REPORT_BY_DAY;
	o->channel = -1;
	if ((root = cJSON_Parse(json != NULL ? json : "{}")) == NULL ||
	    !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		set_cause(cause, "its saved options are not a JSON object");
		return -1;
	}
	if ((v = cJSON_GetObjectItem(root, "by")) != NULL && cJSON_IsString(v))
		(void)report_by_parse(v->valuestring, &o->by);
	if ((v = cJSON_GetObjectItem(root, "channel")) != NULL && cJSON_IsString(v) &&
	    hark_channel_parse(v->valuestring, &ch) == 0)
		o->channel = (int)ch;
	if ((v = cJSON_GetObjectItem(root, "tag")) != NULL && cJSON_IsString(v))
		o->tag = *tag = xstrdup(v->valuestring);
	if ((v = cJSON_GetObjectItem(root, "member")) != NULL && cJSON_IsString(v))
		o->member = *member = xstrdup(v->valuestring);
	cJSON_Delete(root);
	return 0;
}

static int
sched_run_one(struct engine *e, struct store *st,
    const struct store_report_schedule *s, int64_t now, char **cause)
{
	struct report_opts o;
	struct engine_draft d;
	struct report *r = NULL;
	struct hbuf body = HBUF_INIT;
	enum report_by every;
	char *tag = NULL, *member = NULL, *key, title[48], subject[80];
	int64_t start, end, cur, mid = 0;
	int rc;

	if (report_by_parse(s->every, &every) != 0) {
		set_cause(cause, "report schedule %lld: unknown period '%s'",
		    (long long)s->id, s->every);
		return -1;
	}
	end = report_period_next(every, s->next_start);
	if (now < end)
		return 0;
	/* Missed periods are skipped: the latest complete one is what is news. */
	cur = report_sched_first(every, now);
	start = s->next_start < cur ? cur : s->next_start;
	end = report_period_next(every, start);
	memset(&o, 0, sizeof o);
	if (sched_options(s->options, every, &o, &tag, &member, cause) != 0) {
		free(tag);
		free(member);
		return -1;
	}
	o.since = start;
	o.until = end;
	o.now = now;
	rc = report_build(st, &o, &r, cause);
	if (rc == 0) {
		report_text(r, &body);
		report_period_title(every, start, title, sizeof title);
		snprintf(subject, sizeof subject, "hark report: %s", title);
		key = xasprintf("report-%lld-%lld", (long long)s->id, (long long)start);
		memset(&d, 0, sizeof d);
		d.channel = HARK_CH_EMAIL;
		d.to = s->email_to;
		d.subject = subject;
		d.body = hbuf_str(&body);
		d.idempotency_key = key;
		rc = engine_send(e, &d, &mid, cause);
		if (rc == 0 && store_report_schedule_sent(st, s->id, s->next_start, end,
		    mid, now, cause) < 0)
			rc = -1;
		free(key);
	}
	if (rc != 0 && cause != NULL && *cause != NULL) {
		key = *cause;
		*cause = xasprintf("report schedule %lld: %s", (long long)s->id, key);
		free(key);
	}
	report_free(r);
	hbuf_free(&body);
	free(tag);
	free(member);
	return rc == 0 && mid != 0 ? 1 : rc;
}

int
report_sched_run_due(struct engine *e, struct store *st, int64_t now, char **cause)
{
	struct sched_list l = { NULL, 0 };
	char *one = NULL;
	int i, rc, sent = 0, failed = 0;

	if (store_report_schedules_each(st, sched_collect, &l, cause) != 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		rc = sched_run_one(e, st, &l.v[i], now, &one);
		if (rc > 0)
			sent++;
		else if (rc < 0) {
			failed = 1;
			set_cause(cause, "%s", one != NULL ? one : "report schedule failed");
		}
		free(one);
		one = NULL;
		store_report_schedule_clear(&l.v[i]);
	}
	free(l.v);
	return failed && sent == 0 ? -1 : sent;
}
