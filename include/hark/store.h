/*
 * store.h — hark's SQLite history: contacts, messages, the outbox's jobs, the
 * events journal. Only this module runs SQL. One function per statement or
 * per atomic change; callers see plain structs.
 *
 * Concurrency: the database is in WAL mode with a busy timeout, so the TUI,
 * the daemon, the relay and CLI commands may all have it open. A function
 * that makes several changes makes them atomically: inside the caller's
 * transaction (store_begin) when one is open, else in its own BEGIN IMMEDIATE.
 *
 * Errors: every function that can fail returns -1 and sets *cause (may be
 * NULL) to a message that names what failed ("database is locked", "disk is
 * full"), never containing a secret. A failed call leaves the database as it
 * was before the call.
 *
 * A struct store is used by one thread at a time.
 *
 * Files: src/store/{store,stmt,schema,contacts,resolve,messages,message_read,
 *        jobs,events,optout,search,check,templates,template_variants,
 *        abreport}.c
 */
#ifndef HARK_STORE_H
#define HARK_STORE_H

#include <stdint.h>

#include "hark/core.h"

struct store;
struct hbuf;

/* ---- opening ---------------------------------------------------------------- */

#define STORE_READONLY 0x1 /* open read-only; no migration, no creation */

/*
 * Opens (creating with mode 0600 and migrating when needed) the database at
 * path. Parent directories are created (0700). Sets WAL, foreign_keys=ON,
 * synchronous=NORMAL, busy_timeout=5000. A database whose user_version is
 * newer than this hark knows is refused without being written:
 * "hark.db was written by a newer hark (schema 7, this hark knows 3)".
 * A file that is not a SQLite database is refused likewise.
 */
int store_open(const char *path, unsigned flags, struct store **out, char **cause);
/* Closes; store_close(NULL) is a no-op. Finalises every cached statement. */
void store_close(struct store *st);
/* Schema version of the open database (PRAGMA user_version). */
int store_schema_version(struct store *st);
/* Highest schema version this hark knows. */
int store_schema_latest(void);
/* The path the store was opened with (owned by the store). */
const char *store_path(struct store *st);

/* Explicit transactions (BEGIN IMMEDIATE / COMMIT / ROLLBACK). Not nestable. */
int store_begin(struct store *st, char **cause);
/* A savepoint inside the open transaction, so that one failed step can be
 * undone without losing the rest (the relay's batches). Not nestable. */
int store_savepoint(struct store *st, char **cause);
int store_savepoint_release(struct store *st, char **cause);
void store_savepoint_rollback(struct store *st);
int store_commit(struct store *st, char **cause);
/*
 * Outside a transaction: with on, each commit is on disk when it returns
 * (synchronous FULL), for a commit something outside the database then
 * relies on (a provider's saved sync position); off again, the usual WAL
 * NORMAL, where a power cut may lose the last commits but never corrupts.
 */
int store_durable(struct store *st, int on, char **cause);
void store_rollback(struct store *st);

/* ---- contacts ----------------------------------------------------------------- */

/* Identity kinds: a phone number serves sms and voice; whatsapp and email
 * have their own. */
enum store_id_kind { STORE_ID_PHONE, STORE_ID_WHATSAPP, STORE_ID_EMAIL };
enum store_id_kind store_id_kind_for(enum hark_channel ch);
const char *store_id_kind_name(enum store_id_kind k); /* "phone", "whatsapp", "email" */

struct store_identity {
	enum store_id_kind kind;
	char *address;
	char *label;      /* may be NULL */
};

struct store_contact {
	int64_t id;
	char *name;
	char *company;    /* may be NULL */
	char *notes;      /* may be NULL */
	char *fields;     /* JSON object text, "{}" when none */
	char *tags;       /* comma-separated, sorted; "" when none */
	struct store_identity *ids;
	int nids;
	/* from the conversation: */
	char *conv_status;      /* "open", "snoozed", "done" */
	int64_t snooze_until;
	int unread;
	int64_t last_activity;  /* 0 when no message yet */
	unsigned channels;      /* bit (1 << hark_channel) for each channel with messages */
	int64_t created_at;
};
/* Frees the members of c (not c itself); safe on a zeroed struct. */
void store_contact_clear(struct store_contact *c);

/* Creates a contact (and its conversation). Returns 0 and *id, or -1. */
int store_contact_add(struct store *st, const char *name, int64_t *id, char **cause);
/* Adds an identity; the address must already be normalised. A duplicate
 * address on another contact is refused naming that contact. Same contact: no-op. */
int store_identity_add(struct store *st, int64_t contact_id, enum store_id_kind kind,
    const char *address, const char *label, char **cause);
/* Sets company/notes (NULL leaves unchanged). */
int store_contact_update(struct store *st, int64_t id, const char *name,
    const char *company, const char *notes, char **cause);
/* Sets one custom field in the JSON object (value NULL removes it). */
int store_contact_set_field(struct store *st, int64_t id, const char *key,
    const char *value, char **cause);
int store_contact_tag(struct store *st, int64_t id, const char *tag, int on, char **cause);

/* Looks up the contact owning an address: 1 found (*id set), 0 none, -1 error. */
int store_contact_by_address(struct store *st, enum store_id_kind kind,
    const char *address, int64_t *id, char **cause);
/*
 * Resolves what a person typed to one contact: "#12" (id), an exact address
 * of any kind, or a name (exact, case-insensitive; else a unique prefix).
 * Returns 0 with *id, or -1 with a cause: "no contact matches 'ann'",
 * "'an' matches 3 contacts: Ann Lee, Andy Roe, Anna Bell".
 */
int store_contact_resolve(struct store *st, const char *query, int64_t *id, char **cause);
/* Finds the contact for an address or creates one named `name` (or the
 * address when name is NULL) with that identity. *created tells which. */
int store_contact_ensure(struct store *st, enum store_id_kind kind, const char *address,
    const char *name, int64_t *id, int *created, char **cause);
/* Fills *c; returns 0, or -1 when there is no such contact. */
int store_contact_get(struct store *st, int64_t id, struct store_contact *c, char **cause);
/* Calls fn for each contact, most recent activity first (then by name).
 * fn returns non-zero to stop. The struct is valid only during the call. */
int store_contacts_each(struct store *st,
    int (*fn)(void *arg, const struct store_contact *c), void *arg, char **cause);

/* Like store_contacts_each without identities (nids = 0), at most limit
 * contacts (limit <= 0: all), newest activity first: for long lists. */
int store_contacts_list(struct store *st, int limit,
    int (*fn)(void *arg, const struct store_contact *c), void *arg, char **cause);

/* Conversation state. status: "open", "snoozed" (until), "done". */
int store_conversation_set(struct store *st, int64_t contact_id, const char *status,
    int64_t snooze_until, char **cause);
/* Marks every inbound message of the contact seen and sets unread to 0. */
int store_conversation_mark_read(struct store *st, int64_t contact_id, char **cause);
/* The contacts having a message in `status` ("failed"): a new array in *ids
 * (caller frees) of *n ids. Scans the messages: for an explicit filter. */
int store_contact_ids_with_status(struct store *st, const char *status,
    int64_t **ids, int *n, char **cause);
/* The channel a contact prefers (preferences.preferred_channel): 1 with *ch,
 * 0 when none is set, -1 on error. */
int store_preferred_channel(struct store *st, int64_t contact_id,
    enum hark_channel *ch, char **cause);
int store_preferred_channel_set(struct store *st, int64_t contact_id,
    enum hark_channel ch, char **cause);
/* Unread messages over every conversation. */
int store_unread_total(struct store *st, int *total, char **cause);
/* Marks the newest inbound message unseen again (unread at least 1). */
int store_conversation_mark_unread(struct store *st, int64_t contact_id, char **cause);

/* ---- messages -------------------------------------------------------------------- */

struct store_message {
	int64_t id;
	int64_t contact_id;
	enum hark_channel channel;
	enum hark_direction direction;
	char *provider;       /* "sandbox", "twilio", "smtp", "import", ... */
	char *provider_id;    /* may be NULL */
	char *from_addr;
	char *to_addr;
	char *subject;        /* may be NULL */
	char *body;
	enum hark_status status;
	char *error_code;     /* may be NULL */
	char *error_text;     /* may be NULL */
	int has_price;
	struct hark_money price;
	int segments;         /* 0 when unknown */
	char *encoding;       /* "GSM-7", "UCS-2" or NULL */
	int64_t created_at;
	int64_t sent_at, delivered_at, read_at, scheduled_at; /* 0 when not */
	char *message_id;     /* RFC 5322 Message-ID, may be NULL */
	char *in_reply_to;
	char *refs;
	int seen;             /* inbound: the user has seen it */
};
/*
 * On insert the store only reads the struct (the caller keeps ownership of
 * its strings). Structs filled by the store own their strings:
 * store_message_clear frees them (safe on a zeroed struct).
 */
void store_message_clear(struct store_message *m);

/*
 * Inserts a message, its first status-history row, its FTS entry, and
 * updates the conversation (last_activity, unread for unseen inbound).
 * Deduplicates on (provider, provider_id): returns 1 when inserted, 0 when a
 * message with that provider id already exists (*id is then the existing
 * one and nothing changes), -1 on error.
 */
int store_message_insert(struct store *st, const struct store_message *m, int64_t *id,
    char **cause);

/*
 * Moves a message to a new status and records it in the status history.
 * Never moves backwards (a late "sent" after "delivered" is ignored; failed,
 * undelivered, canceled and uncertain may replace queued/sending/sent).
 * Sets sent_at/delivered_at/read_at from at_ms. error_code/text may be NULL.
 * Returns 1 when the status changed, 0 when ignored, -1 on error.
 */
int store_message_set_status(struct store *st, int64_t id, enum hark_status status,
    const char *error_code, const char *error_text, int64_t at_ms, char **cause);
/* Records what the provider said when it accepted a send. price may be NULL. */
int store_message_set_accepted(struct store *st, int64_t id, const char *provider_id,
    const struct hark_money *price, int segments, char **cause);
int store_message_get(struct store *st, int64_t id, struct store_message *m, char **cause);
/* Finds a message by provider id: 1 found, 0 none, -1 error. */
int store_message_by_provider_id(struct store *st, const char *provider,
    const char *provider_id, int64_t *id, char **cause);
/* Finds a message by RFC 5322 Message-ID: 1 found, 0 none, -1 error. */
int store_message_by_message_id(struct store *st, const char *message_id, int64_t *id,
    char **cause);

/*
 * The newest `limit` messages of a contact older than the cursor
 * (before_at, before_id); pass before_at = INT64_MAX for the newest page.
 * fn is called oldest first, so a thread can be drawn top to bottom.
 * Uses the (contact_id, created_at, id) index: constant time per page.
 */
int store_messages_page(struct store *st, int64_t contact_id, int64_t before_at,
    int64_t before_id, int limit,
    int (*fn)(void *arg, const struct store_message *m), void *arg, char **cause);

struct store_filter {
	int64_t contact_id;  /* 0: all */
	int64_t since;       /* 0: from the start */
	int64_t until;       /* 0: to the end */
};
/* Every message matching the filter, oldest first (streamed, constant memory). */
int store_messages_each(struct store *st, const struct store_filter *f,
    int (*fn)(void *arg, const struct store_message *m), void *arg, char **cause);

struct store_hit {
	int64_t message_id;
	int64_t contact_id;
	const char *contact_name;
	enum hark_channel channel;
	enum hark_direction direction;
	int64_t created_at;
	const char *subject;   /* may be NULL */
	const char *snippet;   /* matched terms between \x02 and \x03 (raw text: sanitise before drawing) */
};
/*
 * Full-text search (FTS5 query syntax) over subject and body, newest first,
 * at most limit hits. A malformed query returns -1 with cause
 * "bad search query 'foo AND': ...". The hit is valid only during fn.
 */
int store_search(struct store *st, const char *query, int limit,
    int (*fn)(void *arg, const struct store_hit *h), void *arg, char **cause);

/*
 * Bulk loading (import): between bulk_begin and bulk_end, inserted messages
 * skip the per-row FTS insert; bulk_end indexes every message inserted since
 * bulk_begin in one statement. Both run inside the caller's transaction.
 * The first status-history row and the conversation update (last activity,
 * unread, channels) of those messages are also written by bulk_end, so until
 * then an insert is one statement; a store_rollback ends the bulk load.
 */
int store_bulk_begin(struct store *st, char **cause);
int store_bulk_end(struct store *st, char **cause);

/* ---- the outbox --------------------------------------------------------------------- */

enum store_job_state {
	STORE_JOB_PENDING, STORE_JOB_INFLIGHT, STORE_JOB_DONE, STORE_JOB_FAILED,
	STORE_JOB_UNCERTAIN, STORE_JOB_CANCELED
};
const char *store_job_state_name(enum store_job_state s);

struct store_job {
	int64_t id;
	int64_t message_id;
	enum store_job_state state;
	int64_t run_at;
	int attempts;
	char *last_error;      /* may be NULL */
	char *idempotency_key;
	int64_t started_at;
};
void store_job_clear(struct store_job *j);

/*
 * Writes an outbound message (status queued, or scheduled when run_at is in
 * the future) and its pending job in one transaction. idempotency_key must be
 * unique; a repeat returns 0 with the existing message id (nothing written).
 * Returns 1 when written.
 */
int store_outbox_enqueue(struct store *st, const struct store_message *m, int64_t run_at,
    const char *idempotency_key, int64_t *message_id, char **cause);
/* Due pending jobs (run_at <= now), oldest first, at most limit. */
int store_jobs_due(struct store *st, int64_t now, int limit,
    int (*fn)(void *arg, const struct store_job *j), void *arg, char **cause);
/* All jobs in a state, oldest first. */
int store_jobs_in_state(struct store *st, enum store_job_state state,
    int (*fn)(void *arg, const struct store_job *j), void *arg, char **cause);
/* run_at of the earliest pending job: 1 found (*at set), 0 none, -1 error. */
int store_job_next_due(struct store *st, int64_t *at, char **cause);
/* Claims a pending job: state inflight, attempts+1, started_at = now; the
 * message becomes "sending". Returns 1 if claimed, 0 if it was not pending. */
int store_job_start(struct store *st, int64_t job_id, int64_t now, char **cause);
/* Ends a job (done, failed, uncertain or canceled) with an optional error. */
int store_job_finish(struct store *st, int64_t job_id, enum store_job_state state,
    const char *last_error, int64_t now, char **cause);
/* Puts a job back to pending, to run at run_at, keeping the error text. */
int store_job_retry(struct store *st, int64_t job_id, int64_t run_at,
    const char *last_error, int64_t now, char **cause);
/* Cancels the pending job of a message; the message becomes canceled.
 * Returns 1 canceled, 0 not pending (already sent or gone), -1 error. */
int store_job_cancel(struct store *st, int64_t message_id, int64_t now, char **cause);
int store_job_get_by_message(struct store *st, int64_t message_id, struct store_job *j,
    char **cause);
/* Counts of jobs per state (index by enum store_job_state). */
int store_jobs_count(struct store *st, int counts[6], char **cause);

/* ---- opt-outs ------------------------------------------------------------------------- */

/* Records an opt-out of address on channel (source: "keyword", "provider",
 * "unsubscribe", "spam report", "manual"). */
int store_optout_set(struct store *st, enum hark_channel ch, const char *address,
    const char *source, const char *reason, int64_t at, char **cause);
int store_optout_clear(struct store *st, enum hark_channel ch, const char *address,
    char **cause);
/* 1 opted out (source/reason copied into *why when not NULL, caller frees), 0 not, -1. */
int store_optout_check(struct store *st, enum hark_channel ch, const char *address,
    char **why, char **cause);

/* ---- events journal and audit ----------------------------------------------------------- */

struct store_event {
	int64_t id;
	int64_t at;
	const char *kind;     /* "message-added", "status-changed", "contact-changed", ... */
	int64_t message_id;   /* 0 when none */
	int64_t contact_id;
	const char *payload;  /* JSON or NULL */
};
/* Appends an event; *id may be NULL. */
int store_event_append(struct store *st, const char *kind, int64_t message_id,
    int64_t contact_id, const char *payload, int64_t *id, char **cause);
/* Events with id > after_id, oldest first, at most limit. */
int store_events_since(struct store *st, int64_t after_id, int limit,
    int (*fn)(void *arg, const struct store_event *e), void *arg, char **cause);
/* Highest event id (0 when none). */
int64_t store_events_last_id(struct store *st);
int store_audit(struct store *st, const char *actor, const char *action,
    const char *detail, char **cause);

/* ---- maintenance ------------------------------------------------------------------------ */

/*
 * Runs PRAGMA integrity_check and appends a report to out: "integrity: ok"
 * (or each problem), schema version, then one line per table with its row
 * count. Returns 0 when the database is sound, 1 when problems were found,
 * -1 when it could not be checked.
 */
int store_check(struct store *st, struct hbuf *out, char **cause);

/* ---- templates (src/store/templates.c) ------------------------------------------------ */

/*
 * A template and one of its versions. Editing a template adds a version;
 * versions are never changed or removed, so a message can name the exact
 * version it was rendered from (messages.template_version_id = version_id).
 * Every body is template text (syntax in template.h); NULL when the template
 * has none for that channel.
 */
/*
 * An A/B variant of a template version: a name ("A", "B", "short"), a
 * weight, and the bodies it replaces (NULL: the version's own body for that
 * channel). Which contact gets which variant: abtest_pick (template.h).
 */
struct store_variant {
	char *name;
	int weight;                 /* >= 0; 0 switches the variant off */
	char *sms_body;
	char *whatsapp_body;
	char *email_subject;
	char *email_text;
	char *email_html;
};

struct store_template {
	int64_t id;
	char *name;
	char *category;             /* may be NULL */
	int version;                /* 1, 2, ... */
	int64_t version_id;         /* template_versions.id */
	char *sms_body;
	char *whatsapp_body;
	char *whatsapp_content_sid; /* an approved WhatsApp template, may be NULL */
	char *email_subject;
	char *email_text;
	char *email_html;
	int64_t created_at;         /* when this version was saved */
	struct store_variant *variants; /* the version's A/B variants, by name */
	int nvariants;
};
/* Frees the members of t (not t itself); safe on a zeroed struct. */
void store_template_clear(struct store_template *t);

/*
 * Saves t by name (id, version, version_id and created_at are ignored; the
 * store only reads t): creates the template at version 1, or adds the next
 * version when the name exists, reviving it if it was deleted. A NULL
 * category keeps the existing one. Empty strings are stored as NULL. Every
 * body must parse as a template, and at least one channel must have one;
 * otherwise refused with "template 'x': sms body: line 1, column 4: ...".
 * Returns 1 with *version set when a version was written, 0 when t equals the
 * current version (nothing written; *version is the current one), -1 on error.
 * version may be NULL.
 */
int store_template_save(struct store *st, const struct store_template *t,
    int *version, char **cause);
/*
 * Fills *t with a live template's current version (version 0) or the given
 * one. Returns 0, or -1 with "no template 'x'" / "template 'x' has no
 * version 9 (latest is 3)".
 */
int store_template_get(struct store *st, const char *name, int version,
    struct store_template *t, char **cause);
/* Fills *t with the version a message recorded, even if the template has
 * since been deleted. 0 or -1. */
int store_template_get_version(struct store *st, int64_t version_id,
    struct store_template *t, char **cause);
/* Calls fn with the current version of each live template, ordered by
 * category (none first), then name. fn returns non-zero to stop; the struct
 * is valid only during the call. */
int store_templates_each(struct store *st,
    int (*fn)(void *arg, const struct store_template *t), void *arg, char **cause);
/* Calls fn with every version of the template (deleted ones too), newest
 * first. -1 with "no template 'x'" when there is none. */
int store_template_history(struct store *st, const char *name,
    int (*fn)(void *arg, const struct store_template *t), void *arg, char **cause);
/* Deletes a template softly: it leaves lists and lookups by name, but its
 * versions stay for the messages that used them. -1 with "no template 'x'". */
int store_template_delete(struct store *st, const char *name, char **cause);

/* Records on an outbound message the template version (and A/B variant,
 * may be NULL) it was rendered from. Inside the caller's transaction when
 * one is open (the outbox writes it with the message). */
int store_message_template_set(struct store *st, int64_t message_id,
    int64_t version_id, const char *variant, char **cause);
/* 1 with *version_id and *variant (new string or NULL; caller frees), 0 when
 * the message used no template, -1. */
int store_message_template_get(struct store *st, int64_t message_id,
    int64_t *version_id, char **variant, char **cause);
/* The contact's last inbound message on any channel: 0 with *at (0 when
 * none) and *ch, or -1. One indexed walk (a template's last_inbound). */
int store_last_inbound_any(struct store *st, int64_t contact_id, int64_t *at,
    enum hark_channel *ch, char **cause);

/* ---- A/B reports (src/store/abreport.c) ---------------------------------------- */

/* How long after a message a reply still counts as one: 7 days. */
#define STORE_AB_REPLY_WINDOW_MS (7LL * 24 * 3600 * 1000)

/*
 * One variant's outbound messages in a report. A message counts as sent
 * once the provider accepted it (sent, delivered, read or undelivered), as
 * delivered when delivered or read, and as replied when the contact's next
 * inbound message on any channel arrived within window_ms after it was sent
 * (its scheduled time, else the time it was written).
 */
struct store_ab_variant {
	char *name;
	int sent;
	int delivered;
	int replied;
	int64_t *reply_ms;    /* time to each reply, replied entries */
};
struct store_ab_report {
	char *template_name;
	struct store_ab_variant *variants;  /* by name */
	int nvariants;
	int failed;           /* refused or failed before the provider took it */
	int pending;          /* not yet sent (queued, scheduled, sending) */
};
void store_ab_report_clear(struct store_ab_report *r);
/*
 * Counts the messages sent from any version of template `name` with a
 * variant, written in [since, until) (0 = unbounded). -1 with "no template
 * 'x'" when there is no such template (deleted ones still report).
 */
int store_ab_report(struct store *st, const char *name, int64_t since,
    int64_t until, int64_t window_ms, struct store_ab_report *r, char **cause);

/* ---- calls and attachments (src/store/calls.c) ------------------------------------ */

/* A call: a message of channel voice plus its calls row. */
struct store_call {
	int64_t message_id;
	int64_t contact_id;
	char *contact_name;
	enum hark_direction direction;
	char *provider_id;     /* the call sid, may be NULL */
	char *address;         /* the contact's number */
	char *status;          /* queued ringing in-progress completed busy failed no-answer canceled */
	int duration_s;        /* -1 when unknown */
	char *recording_url;   /* may be NULL */
	char *outcome;         /* the user's: "reached", "voicemail", ..., may be NULL */
	char *notes;
	int bridged;           /* the contact's leg reported (Dial action): its status wins */
	int has_price;
	struct hark_money price;
	int64_t at;            /* created */
};
void store_call_clear(struct store_call *c);
/*
 * Creates or updates the calls row of a voice message. status NULL keeps
 * it; duration_s < 0 keeps it; recording_url NULL keeps it. bridged = 1
 * marks the contact's leg as reported: afterwards only bridged updates
 * change status and duration. 1 changed, 0 unchanged, -1.
 */
int store_call_update(struct store *st, int64_t message_id, const char *status,
    int duration_s, const char *recording_url, int bridged, char **cause);
/* 1 filled, 0 no such call, -1. */
int store_call_get(struct store *st, int64_t message_id, struct store_call *c,
    char **cause);
int store_call_set_outcome(struct store *st, int64_t message_id, const char *outcome,
    const char *notes, char **cause);
/* Calls newest first; contact_id 0 means every contact. */
int store_calls_each(struct store *st, int64_t contact_id, int limit,
    int (*fn)(void *arg, const struct store_call *c), void *arg, char **cause);

struct store_attachment {
	int64_t id;
	int64_t message_id;
	char *filename;        /* may be NULL */
	char *content_type;
	int64_t size;          /* -1 when unknown */
	char *url;             /* remote (MMS media), may be NULL */
	char *path;            /* local copy, may be NULL */
};
void store_attachment_clear(struct store_attachment *a);
int store_attachment_add(struct store *st, const struct store_attachment *a,
    int64_t *id, char **cause);
int store_attachments_each(struct store *st, int64_t message_id,
    int (*fn)(void *arg, const struct store_attachment *a), void *arg, char **cause);
/* The attachments of messages first_id..last_id, by message: one query for
 * a page of a thread, however many of its messages have none. */
int store_attachments_between(struct store *st, int64_t first_id, int64_t last_id,
    int (*fn)(void *arg, const struct store_attachment *a), void *arg, char **cause);
/* A WhatsApp template's Content SID and variables, kept with an outbound message. */
int store_message_content_set(struct store *st, int64_t id, const char *content_sid,
    const char *content_vars, char **cause);
/* 1 with newly allocated strings (vars may be NULL), 0 when none, -1. */
int store_message_content_get(struct store *st, int64_t id, char **content_sid,
    char **content_vars, char **cause);
/* Time of the contact's last inbound message on ch (ms), 0 when none. */
int store_last_inbound(struct store *st, int64_t contact_id, enum hark_channel ch,
    int64_t *at, char **cause);

/* ---- reports (src/store/report.c, report_sched.c) ----------------------------------- */

/* Which messages a report reads: [since, until) by created_at, and when set
 * one channel (channel >= 0), contacts with a tag, and one sending identity
 * (member: outbound from_addr, inbound to_addr). */
struct store_report_filter {
	int64_t since;
	int64_t until;         /* exclusive; INT64_MAX for no end */
	int channel;           /* -1: every channel, else enum hark_channel */
	const char *tag;       /* NULL: every contact */
	const char *member;    /* NULL: every identity */
};
/* One message as a report reads it; strings are borrowed for the call. */
struct store_report_row {
	int64_t id;
	int64_t contact_id;
	enum hark_channel channel;
	enum hark_direction direction;
	enum hark_status status;
	int64_t created_at;
	/* provider and error: for failed and undelivered messages only */
	const char *provider;
	const char *error_code;        /* NULL when none */
	const char *error_text;        /* NULL when none */
	int has_price;
	struct hark_money price;
	int64_t template_version_id;   /* 0 when none */
	const char *variant;           /* NULL when none or no template */
	int64_t scheduled_at;          /* template messages only; 0 when not */
};
/* Calls fn for each message of the filter, in (created_at, id) order, in
 * one statement; fn returns non-zero to stop. */
int store_report_messages(struct store *st, const struct store_report_filter *f,
    int (*fn)(void *arg, const struct store_report_row *r), void *arg, char **cause);
/* One call of the filter's period (the calls row of a voice message). */
struct store_report_call {
	int64_t message_id;
	int64_t created_at;
	enum hark_direction direction;
	const char *status;    /* "completed", "no-answer", ... */
	int duration_s;        /* -1 when unknown */
};
int store_report_calls(struct store *st, const struct store_report_filter *f,
    int (*fn)(void *arg, const struct store_report_call *c), void *arg, char **cause);

/* A scheduled report: sent by email once per complete period. */
struct store_report_schedule {
	int64_t id;
	char *every;           /* "daily", "weekly", "monthly" */
	char *email_to;
	char *options;         /* the report's options, a JSON object */
	int64_t next_start;    /* start of the next period to send (ms) */
	int64_t last_sent_at;  /* 0 when never */
	int64_t last_message_id;
	int64_t created_at;
};
void store_report_schedule_clear(struct store_report_schedule *s);
/* Saves a schedule (id, last_* and created_at ignored); *id set. */
int store_report_schedule_add(struct store *st, const struct store_report_schedule *s,
    int64_t *id, char **cause);
/* Every schedule, by id; the struct is valid only during fn. */
int store_report_schedules_each(struct store *st,
    int (*fn)(void *arg, const struct store_report_schedule *s), void *arg, char **cause);
/* Removes one: 1 removed, 0 no such schedule, -1. */
int store_report_schedule_remove(struct store *st, int64_t id, char **cause);
/* Records that the period starting at `start` was sent as message_id and
 * that the next one starts at next_start, only if the schedule still waits
 * for `start` (so two runs never both move it): 1 moved, 0 not, -1. */
int store_report_schedule_sent(struct store *st, int64_t id, int64_t start,
    int64_t next_start, int64_t message_id, int64_t at, char **cause);

/* ---- whole records for export and import (src/store/exchange.c) -------------------- */

/*
 * A message or contact with everything that hangs off it, as `hark export`
 * writes it and `hark import` reads it back. Columns that the plain structs
 * have no field for travel by column name (struct store_xrow), so that what a
 * later migration adds goes out and comes back without this interface
 * changing. Ids of the database's own (row ids, sort keys) never travel.
 */
enum store_xtype { STORE_X_NULL, STORE_X_INT, STORE_X_REAL, STORE_X_TEXT };
struct store_xval {
	const char *name;       /* the column */
	enum store_xtype type;
	int64_t i;
	double d;
	const char *s;
};
struct store_xrow {
	struct store_xval *v;
	int n;
};
/* The rows of a related table under the name a record gives them
 * ("status_history", "identities", ...). one: at most one row (an object);
 * list: each row is one bare value (tags). */
struct store_xset {
	const char *name;
	int one, list;
	struct store_xrow *rows;
	int nrows;
};
#define STORE_XSETS_MAX 4
struct store_xmessage {
	struct store_message m;
	const char *contact;          /* its contact's name */
	const char *template_name;    /* NULL when not sent from a template */
	int template_version;
	struct store_xrow extra;      /* messages columns m has no field for */
	struct store_xset sets[STORE_XSETS_MAX]; /* status_history, attachments, call, mail */
	int nsets;
};
struct store_xcontact {
	struct store_xrow row;        /* the contacts columns, id first */
	struct store_xset sets[STORE_XSETS_MAX]; /* identities, tags, conversation, preferences */
	int nsets;
};
/* A template: its columns, every version ("versions") and A/B variant
 * ("variants", each naming its "version"). */
struct store_xtemplate {
	struct store_xrow row;
	struct store_xset sets[STORE_XSETS_MAX];
	int nsets;
};
/* The set names a record may carry, NULL-terminated. */
extern const char *const store_xmessage_sets[];
extern const char *const store_xcontact_sets[];
extern const char *const store_xtemplate_sets[];

/* Messages matching f (0: all), for a progress total. */
int store_export_count(struct store *st, const struct store_filter *f, int64_t *n,
    char **cause);
/* Every message matching f, oldest first, with its sets; streamed: the record
 * is valid only during fn, which returns non-zero to stop. */
int store_export_messages(struct store *st, const struct store_filter *f,
    int (*fn)(void *arg, const struct store_xmessage *x), void *arg, char **cause);
/* Every contact (contact_id 0) or one, by id, with its sets and opt-outs. */
int store_export_contacts(struct store *st, int64_t contact_id,
    int (*fn)(void *arg, const struct store_xcontact *c), void *arg, char **cause);
/* Every template, deleted ones too (messages may name their versions). */
int store_export_templates(struct store *st,
    int (*fn)(void *arg, const struct store_xtemplate *t), void *arg, char **cause);
/* Every opt-out (contact_id 0) or those of one contact. Rows valid during fn. */
int store_export_optouts(struct store *st, int64_t contact_id,
    int (*fn)(void *arg, const struct store_xrow *r), void *arg, char **cause);
/*
 * Writes a contact record: into *existing when it is not 0 (its columns are
 * replaced, sets added to), else as a new contact, with the record's id when
 * that id is free. Unknown columns are ignored. 0 with *id; -2 when a value
 * breaks a rule of the database (nothing written: reject the record); -1.
 */
int store_contact_import(struct store *st, const struct store_xcontact *c,
    int64_t existing, int64_t *id, char **cause);
/* Inserts x->m as store_message_insert does, then, when it was new, its
 * extra columns, template and sets (a status_history replaces the first
 * row the insert writes). 1 inserted, 0 already there, -1. */
int store_message_import(struct store *st, const struct store_xmessage *x,
    int64_t *id, char **cause);
/* Writes a template with its versions and variants unless one of that name
 * exists (templates are never rewritten): 1 written, 0 there already, -1. */
int store_template_import(struct store *st, const struct store_xtemplate *t,
    char **cause);
/* An opt-out row as exported (channel, address, at, source, reason, ...). */
int store_optout_import(struct store *st, const struct store_xrow *r, int64_t contact_id,
    char **cause);

/* ---- email (src/store/mail.c) ------------------------------------------------------ */

/*
 * What an email message has beyond its messages row. Files named here are
 * absolute paths of content-addressed copies next to the database
 * (<dir>/mail/ab/<sha256>.eml, <dir>/attachments/ab/<sha256>), written and
 * fsynced before the row that names them is committed.
 */
struct store_mail {
	int64_t message_id;
	char *raw_path;       /* the message as received; NULL when not kept */
	char *raw_sha256;     /* its SHA-256 in hex */
	int64_t raw_size;
	char *html;           /* the text/html part; NULL when none (or not read) */
	char *from_name;      /* the sender's display name */
	char *warning;        /* a broken message kept raw: why; NULL when sound */
	char *folder;         /* the IMAP folder it came from */
};
/* Frees the members of m (not m); safe on a zeroed struct. */
void store_mail_clear(struct store_mail *m);
/* Writes (or completes) the email row of m->message_id: a NULL member keeps
 * what is stored. */
int store_mail_set(struct store *st, const struct store_mail *m, char **cause);
/* 1 with *m filled, 0 when the message has no email row, -1. */
int store_mail_get(struct store *st, int64_t message_id, struct store_mail *m,
    char **cause);
/* The email rows (without html) of messages first_id..last_id that have a
 * warning: one query for a page of a thread. */
int store_mail_between(struct store *st, int64_t first_id, int64_t last_id,
    int (*fn)(void *arg, const struct store_mail *m), void *arg, char **cause);
/*
 * Keeps len bytes in a content-addressed file under <database dir>/<kind>/
 * (kind "mail" or "attachments", ext appended to the name, may be ""):
 * written to a temporary name, fsynced, renamed, the directory fsynced; an
 * existing copy is kept. *path (caller frees) and sha256_hex (65 bytes) set.
 * 0, or -1 with "cannot keep the attachment: <path>: No space left on device".
 */
int store_blob_put(struct store *st, const char *kind, const void *data, size_t len,
    const char *ext, char **path, char sha256_hex[65], char **cause);
/*
 * A batch of blobs made durable together: after store_blob_batch_begin,
 * store_blob_put only writes (to temporary names); store_blob_batch_sync
 * fsyncs them all, renames them into place and fsyncs each directory once
 * (0, or -1 with cause: the caller must then roll back), and is due before
 * the commit of the transaction that names them. store_blob_batch_discard
 * gives the batch up (after a rollback) and removes its temporary files.
 */
void store_blob_batch_begin(struct store *st);
int store_blob_batch_sync(struct store *st, char **cause);
void store_blob_batch_discard(struct store *st);
/* Adds an attachment with its email facts (Content-ID, inline, digest). */
int store_mail_attachment_add(struct store *st, const struct store_attachment *a,
    const char *content_id, int is_inline, const char *sha256, int64_t *id,
    char **cause);
/* The contact owning an email address, whatever its case: 1 (*id), 0, -1. */
int store_contact_by_email(struct store *st, const char *address, int64_t *id,
    char **cause);

/* ---- automation rules (src/store/rules.c, migration 5) ------------------------------- */

/* 1 enabled (also for a rule the store has not seen), 0 disabled, -1. */
int store_rule_enabled(struct store *st, const char *name, char **cause);
/* Persists enable/disable; definition (may be NULL) is kept as written. */
int store_rule_set_enabled(struct store *st, const char *name, int on,
    const char *definition, char **cause);
/* Records that a rule's step fired (or was skipped, with why in detail);
 * message_id is the message it sent, 0 for none. */
int store_rule_log_add(struct store *st, const char *rule, int64_t contact_id,
    int step, int fired, int64_t message_id, const char *detail, char **cause);
/* When rule last fired (step 1) for the contact: 1 with *at, 0 never, -1. */
int store_rule_last_fired(struct store *st, const char *rule, int64_t contact_id,
    int64_t *at, char **cause);
/* Messages any rule sent to the contact since `since` (the rate limit). */
int store_rule_sends_since(struct store *st, int64_t contact_id, int64_t since,
    int *n, char **cause);
/* 1 when a rule sent message_id, 0 when not, -1. */
int store_rule_sent(struct store *st, int64_t message_id, char **cause);

struct store_rule_stats {
	int fired, skipped, sent;
	int64_t last_fired;     /* 0 when never */
};
int store_rule_stats(struct store *st, const char *rule, struct store_rule_stats *s,
    char **cause);

/* Something a rule does later: a no-reply wait, a sequence step, a schedule. */
struct store_rule_timer {
	int64_t id;
	char *rule;
	int64_t contact_id;     /* 0 for a schedule */
	int step;
	int64_t due_at;
	int64_t since_at;       /* "unless replied": an inbound after this cancels */
	int64_t ref;            /* the message waited on, or the triggering event */
	char *channel;          /* the channel to reply on, may be NULL */
	char *spec;             /* a schedule as written, may be NULL */
};
void store_rule_timer_clear(struct store_rule_timer *t);
/* Adds a timer; one with the same (rule, contact, step, ref) is kept as is. */
int store_rule_timer_add(struct store *st, const struct store_rule_timer *t,
    char **cause);
/* Due timers, earliest first; fn may add and delete timers. */
int store_rule_timers_due(struct store *st, int64_t now, int limit,
    int (*fn)(void *arg, const struct store_rule_timer *t), void *arg,
    char **cause);
/* The earliest timer of rule for contact: 1 (*t filled), 0 none, -1. */
int store_rule_timer_find(struct store *st, const char *rule, int64_t contact_id,
    struct store_rule_timer *t, char **cause);
int store_rule_timer_delete(struct store *st, int64_t id, char **cause);
/* The earliest due_at: 1 with *at, 0 none, -1. */
int store_rule_timer_next(struct store *st, int64_t *at, char **cause);
/* The last journal event the rules engine handled: 1 with *event_id, 0 none yet. */
int store_rule_cursor(struct store *st, int64_t *event_id, char **cause);
int store_rule_cursor_set(struct store *st, int64_t event_id, char **cause);
/* The first inbound message of the contact after since: 1 with *at, 0 none. */
int store_inbound_after(struct store *st, int64_t contact_id, int64_t since,
    int64_t *at, char **cause);
/* 1 when the contact has a text message in direction dir newer than message_id. */
int store_message_newer(struct store *st, int64_t contact_id, int64_t message_id,
    enum hark_direction dir, char **cause);
/* 1 when the contact sent the same text as m within window_ms before it. */
int store_inbound_repeat(struct store *st, const struct store_message *m,
    int64_t window_ms, char **cause);
/* The channel of the contact's newest text message: 1 with *ch, 0 none, -1. */
int store_last_channel(struct store *st, int64_t contact_id, enum hark_channel *ch,
    char **cause);

/* ---- routing: preferences, opt-outs, caps, fallback (src/store/prefs.c) ------------- */

/* A contact's routing preferences; what is not set is 0 / NULL / -1. */
struct store_prefs {
	int64_t contact_id;
	int has_preferred;
	enum hark_channel preferred;
	char *fallback;          /* "sms,whatsapp,email": the order to try, or NULL */
	char *timezone;          /* IANA name ("Europe/Berlin"), or NULL */
	int quiet_start;         /* minutes after local midnight; -1: no quiet hours */
	int quiet_end;
	int cap;                 /* at most cap messages in cap_days (1 or 7); 0: none */
	int cap_days;
	int64_t updated_at;
};
/* Frees the members and resets to "nothing set"; safe on a zeroed struct. */
void store_prefs_clear(struct store_prefs *p);
/* 1 filled, 0 none saved (p holds "nothing set"), -1. */
int store_prefs_get(struct store *st, int64_t contact_id, struct store_prefs *p,
    char **cause);
/* Saves every field of p (the row is replaced). */
int store_prefs_set(struct store *st, const struct store_prefs *p, char **cause);
/* Every contact's saved preferences, by contact id (the struct lives for the call). */
int store_prefs_each(struct store *st,
    int (*fn)(void *arg, const struct store_prefs *p), void *arg, char **cause);

/* An opt-out as recorded. */
struct store_optout {
	enum hark_channel channel;
	char *address;
	int64_t contact_id;      /* 0 when unknown */
	int64_t at;
	char *source;            /* keyword, unsubscribe, spam report, manual, provider */
	char *reason;            /* may be NULL */
};
void store_optout_clear_struct(struct store_optout *o);
/* 1 opted out (o filled; store_optout_clear_struct), 0 not, -1. */
int store_optout_get(struct store *st, enum hark_channel ch, const char *address,
    struct store_optout *o, char **cause);
/* The opt-outs of a contact's addresses (contact_id 0: every one), oldest first. */
int store_optouts_each(struct store *st, int64_t contact_id,
    int (*fn)(void *arg, const struct store_optout *o), void *arg, char **cause);
/*
 * When the contact's newest outbound messages (calls, fallbacks, scheduled
 * and canceled ones not counted; except_id excluded) went out, newest first,
 * at most limit of those at or after since, into times[]; *n how many.
 */
int store_outbound_since(struct store *st, int64_t contact_id, int64_t since,
    int64_t except_id, int limit, int64_t *times, int *n, char **cause);
/* Moves a pending job to run_at with why as its note (shown in the thread)
 * and marks its message scheduled for then. */
int store_job_hold(struct store *st, int64_t message_id, int64_t run_at,
    const char *why, char **cause);
/* messages.fallback_of: the message id was sent because `of` failed. */
int store_message_fallback_set(struct store *st, int64_t id, int64_t fallback_of,
    char **cause);
/* 1 with *of when id is a fallback, 0 not, -1. */
int store_message_fallback_of(struct store *st, int64_t id, int64_t *of, char **cause);
/* The fallbacks among messages first_id..last_id: fn(arg, id, of). */
int store_fallbacks_between(struct store *st, int64_t first_id, int64_t last_id,
    int (*fn)(void *arg, int64_t id, int64_t of), void *arg, char **cause);
/* Watches a sent message for fallback: due_at is when it falls back if still
 * undelivered (INT64_MAX: only on failure); due_at 0 stops watching. */
int store_watch_set(struct store *st, int64_t message_id, int64_t due_at, char **cause);
/* Watched messages due by due_before or at an end (failed, delivered,
 * canceled), at most limit: fn may write to the store. */
int store_watch_each(struct store *st, int64_t due_before, int limit,
    int (*fn)(void *arg, int64_t message_id, int64_t due_at), void *arg,
    char **cause);
/* messages.route_flags: what the engine must remember about a message until
 * it goes (ENGINE_SEND_* bits of engine.h). */
int store_message_flags_set(struct store *st, int64_t id, unsigned flags, char **cause);
int store_message_flags(struct store *st, int64_t id, unsigned *flags, char **cause);

/* ---- bulk sends (src/store/bulks.c) ------------------------------------------------- */

struct store_bulk {
	int64_t id;
	char *template;
	enum hark_channel channel;
	char *segment;       /* "tag:buyer" or a filter expression */
	char *account;       /* may be NULL */
	char *state;         /* running, paused, canceled, done */
	int total;           /* recipients, skipped ones included */
	int64_t created_at, updated_at;
};
void store_bulk_clear(struct store_bulk *b);
/* Writes a running bulk send (fields as in b); recipients follow. */
int store_bulk_create(struct store *st, const struct store_bulk *b, int64_t *id,
    char **cause);
/* state: pending or skipped (reason says why). */
int store_bulk_recipient_add(struct store *st, int64_t bulk_id, int64_t contact_id,
    int seq, const char *state, const char *reason, char **cause);
/* 0, or -1 with "no bulk send 7". */
int store_bulk_get(struct store *st, int64_t id, struct store_bulk *b, char **cause);
/* Bulk sends in a state (NULL: all), oldest first. */
int store_bulks_each(struct store *st, const char *state,
    int (*fn)(void *arg, const struct store_bulk *b), void *arg, char **cause);
int store_bulk_set_state(struct store *st, int64_t id, const char *state, char **cause);
/* The next pending recipients' contact ids, in order, at most limit. */
int store_bulk_pending(struct store *st, int64_t bulk_id, int limit, int64_t *ids,
    int *n, char **cause);
/* A recipient's new state (queued with its message id, or skipped with why). */
int store_bulk_recipient_set(struct store *st, int64_t bulk_id, int64_t contact_id,
    const char *state, const char *reason, int64_t message_id, char **cause);
struct store_bulk_counts {
	int pending;         /* not yet written to the outbox */
	int outbox;          /* written, not yet out */
	int held;            /* held for quiet hours or the cap */
	int sent;            /* sent, delivered or read */
	int failed;          /* failed, undelivered or uncertain */
	int skipped;
	int canceled;
};
int store_bulk_counts(struct store *st, int64_t bulk_id, struct store_bulk_counts *c,
    char **cause);
int store_bulk_total_set(struct store *st, int64_t id, int total, char **cause);
/* Recipients whose message is in the outbox and due (not held): the window. */
int store_bulk_outstanding(struct store *st, int64_t bulk_id, int *n, char **cause);
/* Cancels what has not gone: pending recipients and their unclaimed jobs. */
int store_bulk_cancel(struct store *st, int64_t bulk_id, char **cause);

#endif
