/*
 * report.h — the analytics report: volume, response times, delivery, cost,
 * templates and calls over a period, per channel and per calendar period
 * (day, ISO week or month) in the local time zone ($TZ). The engine builds it
 * from one ordered pass over the store; the CLI prints it and the TUI's
 * dashboard draws it. Scheduled reports (sent by email once per period) are
 * run by the daemon.
 *
 * Definitions (README "Reports" and `hark report --help` say the same):
 * - A message belongs to the period in which it was created (created_at),
 *   cut at --since and --until.
 * - Volume counts every message; outbound canceled ones never left and are
 *   not counted. Calls are voice messages: counted in volume, not in
 *   response times.
 * - An outbound message "reached" the contact when its status is sent,
 *   delivered or read. Failed, undelivered, canceled, queued and uncertain
 *   ones did not: a failed message that is sent again counts twice in
 *   volume and in delivery (one failure, one delivery) and the resend, when
 *   it reaches the contact, is the response.
 * - Responses, per contact over every channel (after the filters): a turn
 *   of theirs starts with an inbound message when none of theirs waits; the
 *   first outbound message that reached them afterwards answers it, and the
 *   first-response time is the time between the two (wall clock, all hours).
 *   Likewise a turn of ours starts with an outbound message that reached
 *   them, answered by their next inbound message. A turn belongs to the
 *   period in which it started; answers are looked for up to `now`, past
 *   --until. Messages before --since are not read. Every outbound message
 *   counts as an answer, automatic ones included.
 * - Median and p90 are nearest-rank: the value at rank ceil(p * n / 100)
 *   of the n answered turns, sorted.
 * - Delivery: of the outbound messages that left (sent, delivered, read,
 *   failed, undelivered, uncertain), delivered = delivered or read, failed
 *   = failed or undelivered; the rest have no receipt.
 * - Cost: the sum of the prices providers charged, for every message and
 *   call, one sum per currency; different currencies are never added.
 * - Templates, counted as `hark report ab` counts them: sent = template
 *   messages the provider accepted (sent, delivered, read, undelivered);
 *   replied = the contact's next message, on any channel, came within 7 days
 *   (of the scheduled time, else of when it was written).
 * - Calls: answered = status completed or in-progress.
 *
 * Files: src/engine/{report,report_model,report_period,report_text,
 *        report_sched}.c (with report_int.h); the store's side is
 *        src/store/report.c
 */
#ifndef HARK_REPORT_H
#define HARK_REPORT_H

#include <stdint.h>

#include "hark/core.h"

struct store;
struct engine;

enum report_by { REPORT_BY_DAY, REPORT_BY_WEEK, REPORT_BY_MONTH };
const char *report_by_name(enum report_by by); /* "day", "week", "month" */
int report_by_parse(const char *s, enum report_by *out);

struct report_opts {
	int64_t since;          /* UTC ms, inclusive */
	int64_t until;          /* UTC ms, exclusive */
	enum report_by by;
	int channel;            /* -1: every channel, else enum hark_channel */
	const char *tag;        /* NULL: every contact */
	const char *member;     /* NULL: every sending identity (an address) */
	int64_t now;            /* answers are looked for up to now */
	int top;                /* rows of each top list; 0 = 10 */
};

/* One sum of money in one currency. */
struct report_cost {
	char currency[4];
	int64_t micros;
	int64_t n;              /* priced messages in the sum */
};
/* Sums by currency, sorted by currency code. */
struct report_costs {
	struct report_cost *v;
	int n;
};

/* Turns and their first-response times. */
struct report_resp {
	int64_t turns;
	int64_t answered;
	int64_t median_ms;      /* -1 when no turn was answered */
	int64_t p90_ms;
};

struct report_period {
	int64_t start, end;     /* cut to [since, until) */
	char label[24];         /* "2026-11-23", "2026-W48", "2026-11" */
	int64_t in[HARK_CH__COUNT];
	int64_t out[HARK_CH__COUNT];
	struct report_resp ours;    /* we answer them */
	struct report_resp theirs;  /* they answer us */
	struct report_costs cost;
};

struct report_error {
	char *code;             /* "30003", "550", ... */
	char *text;             /* its meaning, or the provider's words; may be NULL */
	int64_t n;
};

struct report_channel {
	int64_t in, out;
	int64_t left, delivered, failed;
	struct report_costs cost;
	struct report_error *errors; /* most frequent first */
	int nerrors;
};

struct report_contact_cost {
	int64_t contact_id;
	char *name;
	struct report_cost cost;
};

struct report_template {
	int64_t version_id;
	char *name;             /* "(deleted)" when the template is gone */
	int version;
	char *variant;          /* NULL when not an A/B variant */
	int64_t sent, delivered, replied;
};

struct report_calls {
	int64_t n, in, out, answered;
	int64_t duration_s;     /* total over calls with a known duration */
	struct report_costs cost;
};

struct report {
	struct report_opts opts;    /* tag and member point into report-owned copies */
	char tz[64];                /* the time zone periods are cut in */
	struct report_period *periods;
	int nperiods;
	struct report_channel ch[HARK_CH__COUNT];
	struct report_resp ours, theirs;
	struct report_costs cost;   /* every channel */
	struct report_contact_cost *contacts; /* by currency, then cost, largest first */
	int ncontacts;
	struct report_template *templates;    /* most sent first */
	int ntemplates;
	struct report_calls calls;
};

/* Builds the report (o is copied). Returns 0 and *out (report_free), or -1
 * with cause (since >= until, a database error). */
int report_build(struct store *st, const struct report_opts *o, struct report **out,
    char **cause);
void report_free(struct report *r);

/* Rate as a percentage with one decimal in buf ("91.7%"), "-" when den = 0. */
void report_format_rate(int64_t num, int64_t den, char *buf, size_t size);
/* A duration for people: "42s", "12m 5s", "3h 04m", "2d 5h"; "-" when < 0. */
void report_format_ms(int64_t ms, char *buf, size_t size);

/* ---- periods in the local time zone (report_period.c) ---------------------- */

/* The calendar period (local time) holding t: [*start, *end). */
void report_period_of(enum report_by by, int64_t t, int64_t *start, int64_t *end);
/* The period after the one starting at start (local time). */
int64_t report_period_next(enum report_by by, int64_t start);
/* "2026-11-23", "2026-W48" (ISO week), "2026-11". */
void report_period_label(enum report_by by, int64_t start, char *buf, size_t size);
/* For a subject line: "2026-11-23", "week 48, 2026", "November 2026". */
void report_period_title(enum report_by by, int64_t start, char *buf, size_t size);
/* Parses --since/--until: "YYYY-MM-DD" is local midnight (for until, the end
 * of that day), else since_parse's forms ("7d", ISO date-times, @epoch).
 * 0 or -1 with cause. */
int report_parse_time(const char *s, int is_until, int64_t now, int64_t *out,
    char **cause);
/* The time zone's name ($TZ, else /etc/localtime's, else "UTC"). */
void report_tz_name(char *buf, size_t size);

/* ---- scheduled reports (report_sched.c) --------------------------------------- */

/*
 * Sends every scheduled report whose next period has ended by now: the text
 * report of that period through engine_send (email, subject "hark report:
 * week 48, 2026"), with an idempotency key of the schedule and period, then
 * moves the schedule to the next period. A period missed while nothing ran
 * is skipped for the latest complete one. Returns the number sent (≥ 0), or
 * -1 with cause; a schedule that fails is reported in cause and the others
 * still run.
 */
int report_sched_run_due(struct engine *e, struct store *st, int64_t now, char **cause);
/* Where a new schedule starts: the last complete period before now, so the
 * first report goes out at the next run. */
int64_t report_sched_first(enum report_by by, int64_t now);
/* Writes the text report (what an email carries) into out. */
struct hbuf;
void report_text(const struct report *r, struct hbuf *out);

#endif
