/*
 * rules_int.h — what the engine's rules files share: a rule looked at for
 * one contact (the context), the checks before it runs, and rendering its
 * messages. The runner (rules_run.c) acts on them; `hark rules test`
 * (engine_rules_test) only describes them.
 */
#ifndef HARK_ENGINE_RULES_INT_H
#define HARK_ENGINE_RULES_INT_H

#include <uv.h>

#include "hark/rules.h"
#include "hark/store.h"

struct config;
struct hbuf;

/* One rule, one step, one contact: what the checks and actions need. */
struct rctx {
	const struct rules *set;
	const struct rule *r;
	int step;
	int64_t contact_id;
	struct store_contact c;       /* loaded by rctx_load */
	struct store_message m;       /* the inbound message that triggered; id 0: none */
	int has_channel;              /* the channel a reply goes on */
	enum hark_channel channel;
	int64_t since_at;             /* step 0's time, for "unless replied" */
	int64_t ref;                  /* what triggered: message or event id */
};

/* A reply or send, rendered. */
struct rsend {
	enum hark_channel ch;
	char *subject;                /* email */
	char *body;
	int64_t version_id;           /* the template version used */
	char *variant;                /* its A/B variant, NULL when none */
	char *html;                   /* email, may be NULL */
	char *content_sid;            /* WhatsApp approved template, may be NULL */
};

/* Loads the contact (and the reply channel when none is set). 0, or -1
 * when the contact is gone. */
int rctx_load(struct store *st, struct rctx *x, char **cause);
void rctx_clear(struct rctx *x);

/*
 * Whether the step may run now: the conditions hold, the once-per period
 * (step 0) has passed, an "unless replied" step has no reply yet. 1 yes,
 * 0 no with why appended (*log set when the reason belongs in the rule's
 * log, not for conditions that simply do not hold), -1 on error.
 */
int rplan_may_run(struct store *st, struct rctx *x, int64_t now, struct hbuf *why,
    int *log, char **cause);
/*
 * The loop guards before a rule sends: the per-contact rate limit, and for
 * an answer to an inbound message, that it does not look automatic (its
 * text, or the same text twice within the repeat window). 1 may send, 0 not
 * (why appended), -1.
 */
int rplan_send_ok(struct store *st, struct rctx *x, int64_t now, struct hbuf *why,
    char **cause);
/* Renders a reply/send action's template for the contact. 0 or -1 with cause
 * ("template 'away' has no sms text", "missing variables: ..."). */
int rplan_render(struct store *st, const struct config *cfg, struct rctx *x,
    const struct rules_action *a, struct rsend *out, char **cause);
void rsend_clear(struct rsend *s);
/* "reply template=away", "tag add lead", "snooze 2h", "notify \"...\"". */
void rplan_describe(const struct rules_action *a, struct hbuf *b);

/* ---- the runner (rules_run.c) and its timers (rules_timers.c) ---------------- */

#define RULES_CHAINS 64

/* Journal events some rules' actions wrote: ids lo..hi, caused by names. */
struct rchain {
	int64_t lo, hi;
	int depth;
	char *names;            /* ",a,b," */
};

struct rules_run {
	struct engine *e;
	struct rules *set;
	char *path;
	struct timespec mtime;
	off_t size;
	int exists;
	int64_t last_stat;
	uv_timer_t tick;
	int running, again;
	int batch;              /* a schedule's run: notify once, not per contact */
	struct rchain chains[RULES_CHAINS];
	unsigned nchains;
};

/* Runs step x->step of x->r for x->contact_id (ch: the chain of rules that
 * caused the trigger, NULL for none). 1 when it ran, 0 when not. */
int rules_run_fire(struct rules_run *rr, struct rctx *x, const struct rchain *ch);
/* Appends a journal event the daemon prints ("rule", "rule-error", "rule-notify"). */
void rules_run_say(struct rules_run *rr, const char *kind, int64_t contact_id,
    const char *fmt, ...) HARK_PRINTF(4, 5);
/* 1 when the rule is enabled in the database. */
int rules_run_enabled(struct rules_run *rr, const struct rule *r);
/* Gives every schedule rule its next run, unless it has one for the same spec. */
void rules_timers_sync(struct rules_run *rr);
/* An outbound message m starts each no-reply rule's wait (unless a rule sent it). */
void rules_timers_wait(struct rules_run *rr, const struct store_message *m);
/* store_rule_timers_due's callback: runs one due timer, then deletes it. */
int rules_timer_run(void *arg, const struct store_rule_timer *t);

#endif
