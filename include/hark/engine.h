/*
 * engine.h — what the TUI, the daemon and the CLI drive: composing and
 * sending through the durable outbox, the scheduler, provider polling, the
 * handling of inbound messages and status changes, and the event bus.
 *
 * The outbox: every send is a message row plus a job, written in one
 * transaction before anything goes to a provider. Exactly one process owns
 * the outbox at a time (an advisory lock on "<database>.lock"): the daemon
 * when it runs, else whichever TUI or CLI command took it. The owner runs due
 * jobs, retries transient failures with backoff, and at start reconciles jobs
 * that a crash left in flight (asking the provider by idempotency key where
 * it can, else marking them "uncertain" for the user to decide) — a message
 * is never blindly sent twice.
 *
 * Files: src/engine/{engine,outbox,inbound,lock,demo,template_use,
 *        template_file}.c
 */
#ifndef HARK_ENGINE_H
#define HARK_ENGINE_H

#include <stdint.h>

#include "hark/core.h"

struct engine;
struct store;
struct store_event;
struct config;
typedef struct uv_loop_s uv_loop_t;

struct engine_opts {
	uv_loop_t *loop;
	struct store *st;            /* borrowed; outlives the engine */
	const struct config *cfg;    /* borrowed */
	const char *state_dir;       /* provider state (sandbox.db); NULL = next to the database */
	int take_outbox;             /* try to own the outbox (and poll providers) */
	int poll_ms;                 /* provider polling interval; 0 = config's */
	struct backoff_policy retry; /* zeroed = defaults (1 s, 5 min cap, 8 attempts) */
	int max_inflight;            /* concurrent sends; 0 = 8 */
	int no_relay;                /* do not listen to the relay's event socket */
	/* After an attempt that got no answer at all (a timeout), the provider
	 * may still be working on it: the retry (which first asks whether it
	 * arrived) waits at least this long, unless the provider says how long
	 * (Retry-After, or twice its request timeout). 0 = 60 s. */
	int unanswered_ms;
	/* Run the automation rules while owning the outbox: the daemon and the
	 * client do; one-shot commands (hark send) that own it briefly do not. */
	int rules;
};

/* Creates the engine and its providers (one per configured account). With
 * take_outbox, takes the lock when free and reconciles in-flight jobs. */
int engine_new(const struct engine_opts *o, struct engine **out, char **cause);
/* Stops timers, closes providers (their callbacks never fire), releases the
 * lock. Memory of libuv handles is released on the next loop turn. */
void engine_free(struct engine *e);
/* True when this engine owns the outbox. */
int engine_owns_outbox(struct engine *e);
/* Pid of the process owning the outbox, 0 when none (or unknown). */
long engine_outbox_owner(const char *db_path);

struct engine_draft {
	int64_t contact_id;        /* 0: take `to` as the address */
	const char *to;            /* an address, normalised by the engine; NULL: the
	                              contact's address for the channel */
	enum hark_channel channel;
	const char *subject;       /* email */
	const char *body;
	int64_t send_at;           /* 0 = now */
	const char *account;       /* NULL = the first account that offers the channel */
	const char *idempotency_key; /* NULL = generated */
	const char *content_sid;   /* WhatsApp approved template (HX...), NULL for free text */
	const char *content_vars;  /* its variables, a JSON object */
	const char *const *media_urls; /* MMS / WhatsApp media, public URLs */
	int nmedia;
	unsigned flags;            /* ENGINE_SEND_* below */
	const char *actor;         /* who asks, for the audit log; NULL = the user ($USER) */
	int64_t template_version_id; /* the template version rendered, 0 = none */
	const char *variant;       /* its A/B variant, NULL = none */
	const char *html;          /* email: a text/html alternative, NULL = none */
	const char *const *attach; /* email: files to attach (paths, checked now,
	                              read when sent) */
	int nattach;
};

struct engine_estimate {
	struct sms_info sms;       /* for SMS bodies */
	int has_price;
	struct hark_money price;   /* estimated, from the provider's price table */
	const char *account;       /* the account that would send */
	char *to;                  /* the normalised address (owned; engine_estimate_clear) */
	/* WhatsApp's 24-hour session window, where the account enforces it:
	 * 0 not applicable, -1 closed, else when it closes (ms). */
	int64_t wa_window_until;
	/* A warning the sender should see, e.g. "quiet hours until 08:00 (it
	 * is 23:14 Europe/Berlin for Ann Lee)"; NULL when none. Owned. */
	char *note;
	int64_t held_until;        /* > 0: the engine will hold it until then */
};

/*
 * How the engine treats a draft (engine_draft.flags). Without INTERACTIVE a
 * send is automated (a bulk send, a rule, a scheduled message): inside the
 * contact's quiet hours, or over their frequency cap, it is held (its job
 * waits) until they end. INTERACTIVE is a person sending one message now:
 * quiet hours only warn (engine_estimate.note), and a cap that is reached
 * refuses the send. A message scheduled for later is automated whatever
 * its flags. The OVERRIDE flags send anyway and are written to the audit
 * log with the actor. An opt-out is never overridden.
 */
#define ENGINE_SEND_INTERACTIVE 0x1
#define ENGINE_SEND_OVERRIDE_QUIET 0x2
#define ENGINE_SEND_OVERRIDE_CAP 0x4
#define ENGINE_SEND_FALLBACK 0x8 /* the engine's own fallback: no cap */

#define ENGINE_WA_WINDOW_MS (24LL * 3600 * 1000)
void engine_estimate_clear(struct engine_estimate *est);

/*
 * Checks a draft without sending: the address is valid for the channel, the
 * contact is not opted out, an account can send on the channel; fills the
 * encoding, segments and estimated price. 0 or -1 with a cause that names
 * what is wrong ("'+1 555' is not a valid US number: ...",
 * "Ann Lee has opted out of sms (replied STOP on 2026-11-02)"), or that
 * free WhatsApp text is outside the contact's 24-hour session window.
 * A voice draft is a click-to-call: it needs the user's own phone
 * (my_phone of the account, else [identity] phone).
 */
int engine_check(struct engine *e, const struct engine_draft *d,
    struct engine_estimate *est, char **cause);
/* engine_check, then writes the message and its job (status queued, or
 * scheduled when send_at is in the future) and wakes the outbox. */
int engine_send(struct engine *e, const struct engine_draft *d, int64_t *message_id,
    char **cause);
/* Cancels a message that has not gone out yet. 1 canceled, 0 too late, -1. */
int engine_cancel(struct engine *e, int64_t message_id, char **cause);

/* Called after every change the engine commits (message added, status
 * changed, ...). The event is valid only during the call. Events with id 0
 * are this process's news, not journal entries: "relay-state" (payload up
 * or down) and "sync-progress" (payload "ACCOUNT\tFOLDER\tDONE\tTOTAL"
 * while a poll fetches, NULL once every poll running has ended). */
typedef void (*engine_event_cb)(void *arg, const struct store_event *ev);
void engine_subscribe(struct engine *e, engine_event_cb cb, void *arg);

/* True while the engine hears the relay's event socket (webhooks arrive at
 * once; providers that push are then polled only every tenth interval). */
int engine_relay_connected(struct engine *e);

/* True while the engine still asks the provider what message_id cost
 * (providers bill after sending; `hark send --wait` waits for it). */
int engine_price_pending(struct engine *e, int64_t message_id);

/* Number of outbox jobs this engine has in flight or due within `within_ms`. */
int engine_busy(struct engine *e, int64_t within_ms);
/* Polls every provider now (the owner also does so on a timer). */
void engine_poll_now(struct engine *e);
/* Called once when every poll of engine_sync_once has ended: polled is how
 * many accounts were polled, failed how many of them failed, errors their
 * texts one per line (NULL when none). */
typedef void (*engine_sync_cb)(void *arg, int polled, int failed,
    const char *errors);
/* Polls every provider that polls (only account's, when not NULL) once,
 * whether or not this engine owns the outbox (src/engine/sync.c). 0 (done
 * will be called, maybe before this returns), or -1 with cause: no such
 * account, or nothing that polls. */
int engine_sync_once(struct engine *e, const char *account, engine_sync_cb done,
    void *arg, char **cause);

/* ---- templates for a contact (src/engine/template_use.c) ---------------------------- */

struct cJSON;
struct store_template;
struct store_variant;

/*
 * The variables a template sees when written to a contact: the contact's
 * custom fields, then name, first_name, last_name, company, phone,
 * whatsapp, email, tags (an array: {{#tags}}{{.}} {{/tags}}); the
 * conversation's last_inbound (local time) and last_inbound_channel; the
 * channel being written; my_name, my_email, my_phone from [identity]; today
 * (local date) and now (local date-time). Built-in names win over custom
 * fields of the same name. contact_id 0: no contact. A new object; the
 * caller deletes it. One builder for the TUI, the CLI, bulk sends and rules.
 */
struct cJSON *engine_template_vars(struct store *st, const struct config *cfg,
    int64_t contact_id, enum hark_channel ch, int64_t now_ms);
/* The A/B variant of t that contact_id gets (abtest_pick on the template's
 * id), or NULL when t has no variants. Points into t. */
const struct store_variant *engine_template_variant(const struct store_template *t,
    int64_t contact_id);

struct engine_rendered {
	int64_t version_id;   /* what a draft records (template_version_id) */
	char *variant;        /* the contact's variant, NULL when no A/B test */
	char *body;           /* the channel's text (SMS text when it has none) */
	char *subject;        /* email only, may be NULL */
	char *html;           /* email only, may be NULL */
	char *content_sid;    /* WhatsApp only: the approved template, may be NULL */
	char *missing;        /* "due_date, amount": each missing name once ("" none) */
	int nmissing;
};
void engine_rendered_clear(struct engine_rendered *r);
/*
 * Renders t for a contact on a channel, with its variant's bodies where it
 * has them. extra (a JSON object, may be NULL) adds or overrides variables.
 * flags: TEMPLATE_PREVIEW shows a missing variable as ⟨name⟩ and succeeds;
 * without it a missing required variable refuses with "cannot render 'x'
 * for sms: missing variables: a, b" and r->missing still lists them.
 */
int engine_template_render(struct store *st, const struct config *cfg,
    const struct store_template *t, int64_t contact_id, enum hark_channel ch,
    const struct cJSON *extra, unsigned flags, struct engine_rendered *r,
    char **cause);

/* ---- routing: preferences, quiet hours, caps (src/engine/route*.c) ------------------ */

/* Checks an IANA time zone name ("Europe/Berlin") against the system's zone
 * files ($TZDIR, else /usr/share/zoneinfo). 0, or -1 with cause. */
int engine_tz_check(const char *name, char **cause);
/*
 * Sets one routing preference of a contact, for `hark contacts set` and the
 * client's :set-pref. key: prefer, fallback, tz, quiet, cap (value as typed;
 * "off" clears), opt-out and opt-in (value: a channel; every address the
 * contact has for it; reason kept with an opt-out, whose source is manual).
 * Opt-outs and opt-ins go to the audit log under actor. Runs inside the
 * caller's transaction when one is open. 0, or -1 with a cause naming the
 * bad value.
 */
int engine_pref_set(struct store *st, int64_t contact_id, const char *key,
    const char *value, const char *reason, const char *actor, char **cause);
/* A contact's routing state in one line ("Europe/Berlin 23:14 · quiet until
 * 08:00 · cap 3/day · opted out: email (manual, 2026-11-23)"), "" when
 * nothing is set. Newly allocated. */
char *engine_route_summary(struct store *st, int64_t contact_id, int64_t now_ms);

/*
 * The plain-text form of a template for $EDITOR (src/engine/template_file.c
 * describes it): engine_template_format returns t as that text (a new
 * string; help adds a commented explanation first); engine_template_parse_file
 * fills *t (owned strings; store_template_clear) or returns -1 with a cause
 * naming the file's line and column: "line 9, column 14: sms body: unclosed
 * tag '{{name'", "line 20, column 3: variant B: whatsapp body: ...".
 */
char *engine_template_format(const struct store_template *t, int help);
int engine_template_parse_file(const char *text, struct store_template *t,
    char **cause);

/* ---- contact filters (src/engine/contact_filter.c) ------------------------------------ */

struct store_contact;

/* `channel:sms status:failed unread since:7d tag:buyer state:open`: the
 * client's contact list and a bulk send's segment take the same words. */
struct contact_filter {
	unsigned channels;      /* 0: any */
	char *tag;              /* NULL: any */
	char *state;            /* "open", "snoozed", "done"; NULL: any */
	int unread;             /* only contacts with unread messages */
	char *msg_status;       /* contacts with a message in this status */
	int64_t since;          /* activity since, 0: any */
	char *text;             /* the expression as typed, for a status bar */
};
/* 0, or -1 with a cause naming the bad term. */
int contact_filter_parse(const char *expr, struct contact_filter *f, char **cause);
void contact_filter_clear(struct contact_filter *f);
/* True when the filter has any term. */
int contact_filter_active(const struct contact_filter *f);
/* True when a contact passes the contact-level terms (msg_status is the
 * caller's: store_contact_ids_with_status). */
int contact_filter_match(const struct contact_filter *f, const struct store_contact *c);

/* ---- bulk sends (src/engine/bulk.c) ------------------------------------------------------ */

struct engine_bulk_spec {
	const char *template;      /* its name */
	const char *tag;           /* the segment: a tag, or */
	const char *filter;        /* a filter expression */
	enum hark_channel channel;
	const char *account;       /* NULL: the first that sends the channel */
};
/* One recipient as a preview sees it (valid during the callback). */
struct engine_bulk_line {
	int64_t contact_id;
	const char *name;
	const char *to;            /* NULL when the contact has no address */
	const char *skip;          /* why it will not be sent; NULL: it will */
	int64_t held_until;        /* > 0: quiet hours or the cap defer it */
	const char *held;          /* "held for quiet hours until 08:00 Europe/Berlin" */
	int segments;
};
struct engine_bulk_preview {
	int total;                 /* contacts in the segment */
	int sending;               /* will be sent (now or when deferred ones may) */
	int deferred;              /* of those, held by quiet hours or a cap */
	int skipped, skipped_optout, skipped_noaddr, skipped_missing;
	long segments;             /* SMS segments of every message that goes */
	int has_cost;
	struct hark_money cost;    /* estimated, from the provider's prices */
};
/*
 * Renders the template for every contact of the segment (strictly: a
 * missing variable skips the contact), counting segments and cost, and
 * says who is skipped and why (opted out, no address for the channel,
 * missing variables) and who is deferred (quiet hours, cap). fn (may be
 * NULL) sees each recipient. Sends nothing. 0 or -1 with cause.
 */
int engine_bulk_preview(struct engine *e, const struct engine_bulk_spec *s,
    struct engine_bulk_preview *out,
    void (*fn)(void *arg, const struct engine_bulk_line *l), void *arg,
    char **cause);
/*
 * Writes a bulk send: the bulk and one row per recipient (skipped ones with
 * their reason) in one transaction. The outbox owner (this engine, the
 * daemon, or the client) then writes each recipient's message at the
 * account's pace, with the idempotency key "bulk-ID-CONTACT", so a crash
 * or restart neither loses nor repeats a recipient. 0 with *id, or -1.
 */
int engine_bulk_start(struct engine *e, const struct engine_bulk_spec *s,
    int64_t *id, char **cause);
/* pause, resume or cancel (cancel also withdraws written messages that
 * have not gone). 0 or -1 with cause ("bulk send 3 is done"). */
int engine_bulk_control(struct store *st, int64_t id, const char *action,
    char **cause);
/* True when a bulk send has nothing left to write and nothing in the outbox. */
int engine_bulk_finished(struct store *st, int64_t id);

/* "↪ sent by email after sms undelivered: Landline or unreachable carrier
 * (30006)" when message id is the
 * fallback of another, newly allocated; else NULL. */
char *engine_fallback_note(struct store *st, int64_t id);

/* ---- provider events from outside the engine (the relay) --------------------------- */

struct provider_event;

/*
 * Applies one provider event (an inbound message, a status change, a call
 * update, an email event) to the store, as the engine does for its own
 * providers: inbound messages deduplicated by (provider, provider id), opt-out
 * and opt-in keywords before anything else, statuses only moving forward,
 * opt-outs from error 21610 / spam reports / unsubscribes, and the events
 * journal appended in the same transaction.
 *
 * Runs inside the caller's open transaction (store_begin), in a savepoint of
 * its own: on -1 that savepoint is rolled back and the transaction stays
 * usable for the next event, so one bad event cannot lose a batch.
 * Returns 1 when something changed, 0 for a duplicate or an event about
 * nothing hark knows, -1 with cause.
 */
int engine_ingest(struct store *st, const struct config *cfg,
    const struct provider_event *ev, char **cause);

/*
 * Seeds a store with the demo: about a dozen contacts across channels and a
 * few hundred messages over the last weeks, deterministic for a given now.
 */
int engine_demo_seed(struct store *st, int64_t now, char **cause);
/* Saves the demo's template library (src/engine/demo_templates.c): eight
 * quick replies across categories; saving again adds no versions. */
int engine_demo_templates(struct store *st, char **cause);

/* ---- automation rules (src/engine/rules_{run,timers,plan,test}.c; syntax in rules.h) */

struct rules;
struct hbuf;

/* The rules file: $XDG_CONFIG_HOME/hark/rules (a new string). */
char *engine_rules_path(const struct config *cfg);
/*
 * Reads and parses a rules file (path NULL: engine_rules_path), and when st
 * is not NULL checks that every template it names exists. 1 with *out, 0
 * when the default file does not exist (*out NULL), -1 with cause
 * "FILE:LINE:COLUMN: what is wrong" (a missing file that the config's
 * `rules = PATH` names is an error).
 */
int engine_rules_load(struct store *st, const struct config *cfg, const char *path,
    struct rules **out, char **cause);
/* Rereads the rules file now (SIGHUP in the daemon); an error keeps the rules. */
void engine_rules_reload(struct engine *e);

struct engine_rules_test {
	const char *rule;
	int64_t contact_id;
	const char *message;       /* an inbound text to test against, may be NULL */
	int has_channel;
	enum hark_channel channel;
};
/*
 * What rule t->rule would do for the contact now, as lines in out: whether
 * its trigger matches, each condition, the once-per period and loop guards
 * ("would skip: already fired for Ann Lee on 2026-11-20 ..."), and each
 * action with its rendered text. Reads the store, never writes it. Returns
 * 1 would act, 0 would not, -1 with cause (no such rule or contact).
 */
int engine_rules_test(struct store *st, const struct config *cfg,
    const struct rules *set, const struct engine_rules_test *t, struct hbuf *out,
    char **cause);

#endif
