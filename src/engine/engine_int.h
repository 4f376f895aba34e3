/* engine_int.h — the engine's state, shared by its files. */
#ifndef HARK_ENGINE_INT_H
#define HARK_ENGINE_INT_H

#include <uv.h>

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/net.h"
#include "hark/provider.h"
#include "hark/store.h"

struct engine_sub {
	engine_event_cb cb;
	void *arg;
};

/* A send in flight: the argument of the provider's callback. */
struct outbox_op {
	struct engine *e;
	int64_t job_id;
	int64_t message_id;
	int attempt;
	struct outbox_op *prev, *next;
};

struct relay_client;
struct price_op;

struct engine {
	uv_loop_t *loop;
	struct store *st;
	const struct config *cfg;
	struct net *net;
	char *state_dir;
	char *lock_path;
	struct provider **provs;      /* one per configured account (NULL if it failed) */
	int nprovs;
	int take_outbox;
	int lock_fd;                  /* >= 0 while this engine owns the outbox */
	uv_timer_t outbox_timer;      /* next due job */
	uv_timer_t poll_timer;        /* provider polling */
	uv_timer_t lock_timer;        /* retries taking the outbox while another owns it */
	uv_timer_t watch_timer;       /* jobs other processes queued */
	int poll_ms;
	int polls_running;
	int inflight;
	int max_inflight;
	int reconciling;              /* lookups still running after a crash */
	struct backoff_policy retry;
	int unanswered_ms;
	int run_rules;                /* engine_opts.rules */
	uint64_t rng;
	struct engine_sub *subs;
	int nsubs;
	struct outbox_op *ops;
	int closing;                  /* uv handles still closing */
	struct relay_client *relay;   /* the relay's event socket */
	struct price_op *price_ops;   /* sent messages whose price is still asked for */
	int64_t price_gave_up[16];    /* the last ones asked for in vain */
	unsigned price_gave_up_n;
	int64_t told_id;              /* journal events told to subscribers up to here */
	int relay_up;
	unsigned poll_ticks;
	/* route.c: each account's next send time at its `rate`, and how long
	 * the outbox waits for the earliest when every due job must pace. */
#define ENGINE_PACE_MAX 32
	double pace_next[ENGINE_PACE_MAX];
	int64_t pace_wait;
	unsigned watch_ticks;         /* fallbacks are looked at every 2nd */
	struct rules_run *rules;      /* rules_run.c: automation rules, while we own the outbox */
	int progress_shown;           /* sync.c: a poll's progress was told */
	int batch_open;               /* inbound.c: a provider's batch transaction */
	int64_t batch_before;         /* the journal's last id when it began */
	int batch_stored;             /* it stored something to tell */
};

/* engine.c */
void engine_publish(struct engine *e, const char *kind, int64_t message_id,
    int64_t contact_id, const char *payload);
struct provider *engine_provider_for(struct engine *e, const char *account,
    const char *provider_name, enum hark_channel ch);
uint64_t engine_rand(struct engine *e);

/* outbox.c */
void outbox_kick(struct engine *e);
void outbox_run(struct engine *e);
void outbox_reconcile(struct engine *e);

/* mail_ingest.c: an email event (inbound, or a Sent-folder copy), inside
 * engine_ingest's savepoint; 1 stored, 0 a copy already stored, -1. */
int mail_ingest(struct store *st, const struct config *cfg,
    const struct provider_event *ev, char **cause);

/* inbound.c: a provider's event (inbound message or status change), 0 or -1
 * when not stored; a batch of them in one transaction (provider_batch_cb). */
int inbound_event(void *arg, const struct provider_event *ev);
int inbound_batch(void *arg, int end);
/* Tells the subscribers every journal event after after_id. */
void engine_tell_since(struct engine *e, int64_t after_id);

/* sync.c: a poll's progress told to subscribers (provider_progress_cb), and
 * that the polls have ended (clears it; nothing when none was told). */
void sync_progress(void *arg, const char *account, const char *what,
    size_t done, size_t total);
void sync_progress_end(struct engine *e);

/* relay_client.c: wake(arg, connected) on every line and on (dis)connection. */
struct relay_client *relay_client_new(uv_loop_t *loop, const char *path,
    void (*wake)(void *arg, int connected), void *arg);
int relay_client_is_connected(const struct relay_client *rc);
void relay_client_free(struct relay_client *rc);

/* price.c: asks for the price of a message that ended without one. */
void engine_price_watch(struct engine *e, const struct store_event *ev);
void engine_price_free_all(struct engine *e);

/* route.c: opt-outs, quiet hours, caps and pace on every send path. */
struct store_prefs;
const struct tz *route_zone(const char *name, char **cause);
int route_quiet(const struct store_prefs *p, int64_t t, int64_t *until);
void route_local_time(const struct store_prefs *p, int64_t t, char *buf, size_t size);
char *route_actor(const char *actor);
int route_optout(struct store *st, enum hark_channel ch, const char *to, char **cause);
int route_check(struct engine *e, const struct engine_draft *d,
    struct engine_estimate *est, char **cause);
int route_enqueued(struct engine *e, int64_t id, int64_t contact_id,
    const struct engine_draft *d, const struct engine_estimate *est,
    int64_t run_at, char **cause);
int route_due(struct engine *e, const struct store_job *j,
    const struct store_message *m, int64_t now);

/* fallback.c */
int fallback_watch_new(struct engine *e, int64_t id, int64_t contact_id,
    enum hark_channel ch, int64_t run_at, char **cause);
void fallback_run(struct engine *e);

/* template_use.c: engine_template_render for a contact the caller has read
 * already (c NULL: none; contact_id still picks the A/B variant), so a
 * loop over contacts does not read each one again. */
int template_render_for(struct store *st, const struct config *cfg,
    const struct store_template *t, int64_t contact_id,
    const struct store_contact *c, enum hark_channel ch,
    const struct cJSON *extra, unsigned flags, struct engine_rendered *r,
    char **cause);

/* bulk.c: feeds running bulk sends into the outbox at the account's pace. */
void bulk_run(struct engine *e);

/* rules_run.c: the rules at work (started when this engine owns the outbox). */
struct rules_run *rules_run_new(struct engine *e);
void rules_run_free(struct rules_run *rr);

/* mail_reply.c: In-Reply-To and References for an email to the contact
 * (the latest email they sent), both NULL when there is none. Caller frees. */
void engine_mail_reply_ids(struct engine *e, int64_t contact_id,
    char **in_reply_to, char **refs);

/* mail_out.c: an email's HTML and attached files, queued and sent. */
struct engine_mail_out {
	char *html;
	struct provider_attachment *att;
	int n;
	char **strs;                  /* what att points into */
	int nstrs;
};
int engine_mail_out_check(const struct engine_draft *d, char **cause);
int engine_mail_out_save(struct engine *e, int64_t id,
    const struct engine_draft *d, char **cause);
void engine_mail_out_load(struct engine *e, int64_t id, struct engine_mail_out *o);
void engine_mail_out_clear(struct engine_mail_out *o);

/* lock.c */
int engine_lock_take(const char *lock_path, int *fd, char **cause);
void engine_lock_release(int fd);

#endif
