/*
 * rules.h — automation rules: the rules file's parser and the pure parts of
 * their evaluation (triggers, conditions, periods, schedules, loop guards).
 * No I/O: the engine (src/engine/rules_run.c) reads the file, keeps the
 * state of what fired in the store and performs the actions.
 *
 * The file is line-oriented; '#' starts a comment outside quotes and
 * regular expressions. A rule is a block opened by `rule NAME`; every line
 * up to the next `rule` belongs to it (indentation is for the reader):
 *
 *   set rate-limit 3/1h          at most 3 rule sends per contact per hour
 *   set repeat-window 10s        identical inbound text again within 10 s
 *                                looks automatic: no auto-reply
 *   rule NAME
 *     when TRIGGER               exactly one
 *     if COND [and COND]...      any number of lines, all must hold
 *     once-per DURATION          fire at most once per contact per period
 *     do ACTION[; ACTION]...     step 1, at once
 *     then after DURATION [unless replied] do ACTION[; ACTION]...
 *
 * Triggers: inbound | keyword /ERE/[i] | keyword WORD[,WORD...] |
 * no-reply DURATION | state STATE | tag-added TAG | tag-removed TAG |
 * schedule "every DURATION" | schedule "[DAYS] HH:MM" (DAYS: daily,
 * weekdays, weekends, or Mon,Tue,...; local time).
 * Conditions: [not] channel in CH[,CH...] | [not] tag TAG | [not] state
 * STATE | [not] field KEY | field KEY = VALUE | field KEY != VALUE |
 * field KEY ~ /ERE/[i].
 * Actions: reply template=NAME [once-per=D] | send template=NAME
 * [channel=CH] [once-per=D] | tag add TAG | tag remove TAG | state
 * open|done | snooze DURATION | notify "TEXT".
 * Durations: 30s, 10m, 2h, 2d, 1w, or sums like 1h30m.
 *
 * Files: src/core/{rules,rules_parse,rules_do,rules_eval}.c, rules_int.h
 */
#ifndef HARK_RULES_H
#define HARK_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "hark/core.h"

struct hbuf;

/* How many rules a chain of changes may pass through before the engine
 * stops it (a rule is never run twice in one chain either). */
#define RULES_MAX_CHAIN 4
/* Defaults of `set rate-limit` and `set repeat-window`. */
#define RULES_RATE_MAX 5
#define RULES_RATE_WINDOW_MS (3600LL * 1000)
#define RULES_REPEAT_MS (30LL * 1000)

enum rules_when {
	RULES_WHEN_INBOUND, RULES_WHEN_KEYWORD, RULES_WHEN_NO_REPLY,
	RULES_WHEN_STATE, RULES_WHEN_TAG_ADDED, RULES_WHEN_TAG_REMOVED,
	RULES_WHEN_SCHEDULE
};

enum rules_if { RULES_IF_CHANNEL, RULES_IF_TAG, RULES_IF_STATE, RULES_IF_FIELD };
enum rules_op { RULES_OP_PRESENT, RULES_OP_EQ, RULES_OP_NE, RULES_OP_MATCH };

struct rules_cond {
	enum rules_if kind;
	int negate;
	unsigned channels;      /* RULES_IF_CHANNEL: bit 1 << hark_channel */
	char *name;             /* the tag, state or field key */
	enum rules_op op;       /* RULES_IF_FIELD */
	char *value;            /* EQ / NE */
	void *re;               /* MATCH: a compiled regex_t */
	int line, col;
};

enum rules_do {
	RULES_DO_REPLY, RULES_DO_SEND, RULES_DO_TAG_ADD, RULES_DO_TAG_REMOVE,
	RULES_DO_STATE, RULES_DO_SNOOZE, RULES_DO_NOTIFY
};

struct rules_action {
	enum rules_do kind;
	char *arg;              /* template, tag, state or notify text */
	int has_channel;        /* send channel=CH */
	enum hark_channel channel;
	int64_t ms;             /* snooze */
	int line, col;
};

/* One step of a rule: step 0 is `do`, the others `then after`. */
struct rules_step {
	int64_t after_ms;       /* after the previous step */
	int unless_replied;     /* dropped when the contact wrote since step 0 */
	struct rules_action *acts;
	int nacts;
	int line;
};

struct rules_schedule {
	int64_t every_ms;       /* "every 10m"; 0 for a time of day */
	unsigned days;          /* bit 0 Sunday .. bit 6 Saturday */
	int minute;             /* of the local day */
};

struct rule {
	char *name;
	int line;
	enum rules_when when;
	char *arg;              /* tag, state, or the keyword source as written */
	void *re;               /* keyword: a compiled regex_t */
	int64_t after_ms;       /* no-reply */
	struct rules_schedule sched;
	struct rules_cond *conds;
	int nconds;
	struct rules_step *steps;
	int nsteps;
	int64_t once_per_ms;    /* 0: no period */
	char *source;           /* the rule's lines as written */
};

struct rules {
	char *path;             /* for messages */
	struct rule *rules;
	int n;
	int rate_max;           /* rule sends per contact per window */
	int64_t rate_window_ms;
	int64_t repeat_ms;
};

/*
 * Parses a rules file (len bytes of text; path only names it in messages).
 * Returns a set, or NULL with cause "PATH:LINE:COLUMN: what is wrong"
 * (the first error). An empty file is an empty set.
 */
struct rules *rules_parse(const char *text, size_t len, const char *path,
    char **cause);
/* Frees; rules_free(NULL) is a no-op. */
void rules_free(struct rules *set);
/* The rule called name, or NULL. */
const struct rule *rules_find(const struct rules *set, const char *name);
/*
 * Checks every template a rule names with exists(arg, name): 0, or -1 with
 * cause "PATH:LINE:COLUMN: rule 'x': no template 'y'".
 */
int rules_check_templates(const struct rules *set,
    int (*exists)(void *arg, const char *name), void *arg, char **cause);

/* "2d", "1h30m", "45s" → ms. 0 or -1 (bad, zero, or longer than a year). */
int rules_duration_parse(const char *s, int64_t *ms);
/* The shortest way back: 172800000 → "2d", 5400000 → "1h30m". */
void rules_duration_format(int64_t ms, char *buf, size_t size);
/* "every 10m", "Mon 09:00", "weekdays 17:30", "09:00" → sched. 0 or -1
 * with a cause naming what is wrong. */
int rules_schedule_parse(const char *s, struct rules_schedule *sched, char **cause);
/* The first time after after_ms (local time, TZ) the schedule fires. */
int64_t rules_schedule_next(const struct rules_schedule *s, int64_t after_ms);

/* What happened, as the rules see it. */
struct rules_event {
	enum rules_when kind;   /* INBOUND (keyword rules too), STATE, TAG_*, ... */
	const char *text;       /* the message body, the tag, the state */
};
/* True when the event is r's trigger (keyword rules: the text matches). */
int rules_triggered_by(const struct rule *r, const struct rules_event *ev);

/* The contact (and message) a rule is looked at for. */
struct rules_subject {
	const char *fields;     /* JSON object of custom fields, NULL for none */
	const char *tags;       /* comma-separated */
	const char *state;      /* open, snoozed, done */
	int has_channel;
	enum hark_channel channel;
};
/*
 * True when every condition of r holds. When why is not NULL, appends the
 * first condition that fails ("not tag vip: Ann Lee has tag vip") or,
 * when all hold, nothing.
 */
int rules_conds_hold(const struct rule *r, const struct rules_subject *s,
    struct hbuf *why);

/* True when a rule last fired at last (0: never) may fire again at now
 * under a once-per period; else *next is when it may. */
int rules_period_ok(int64_t last, int64_t period_ms, int64_t now, int64_t *next);
/* True when a contact who got `sent` rule sends in the set's window may
 * get one more. */
int rules_rate_ok(const struct rules *set, int sent);
/*
 * Why an inbound message looks written by a machine (an auto-reply must not
 * answer it), or NULL: an "Automatic reply" / "Out of Office" / "Auto:"
 * subject or body opening. rules_headers_automatic does the same for an
 * email's header block (RFC 3834 Auto-Submitted other than "no",
 * Precedence bulk/junk/list/auto_reply, X-Autoreply, X-Autorespond);
 * it reads only up to the blank line that ends the headers.
 */
const char *rules_text_automatic(const char *subject, const char *body);
const char *rules_headers_automatic(const char *raw, size_t len);

#endif
