/*
 * route.c — what the engine asks before a message goes, on every send path:
 * the address's opt-out (refused, with when and why), the contact's quiet
 * hours and frequency cap (an automated send is held, a person's own send
 * now is warned or refused), overrides (recorded in the audit log), and
 * the account's pace (`rate`, messages per second).
 *
 * It is asked twice: by engine_check/engine_send when a message is written
 * (route_check, route_enqueued), and by the outbox just before it claims a
 * due job (route_due), because preferences and opt-outs change while a
 * message waits — a scheduled send, a bulk recipient, a held job.
 *
 * Time zones: a zone's TZif file is read once per process and kept (a few
 * KiB each); offsets are then pure lookups (core/tz.c), with no TZ switch
 * and no localtime_r, so the relay's threads or a 10,000-recipient preview
 * pay nothing per message.
 */

#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_int.h"

#define ROUTE_MAX_ZONES 64
#define ROUTE_ZONE_MAX_BYTES (1 << 17)

struct route_zone {
	char *name;
	struct tz *tz;
};

static pthread_mutex_t route_zone_lock = PTHREAD_MUTEX_INITIALIZER;
static struct route_zone route_zones[ROUTE_MAX_ZONES];
static int route_nzones;

static struct tz *route_zone_read(const char *name, char **cause);
static int route_cap_free(struct store *st, int64_t contact_id,
    const struct store_prefs *p, int64_t except_id, int64_t at, int64_t *free_at);
static void route_hold_note(const struct store_prefs *p, const char *why,
    int64_t until, char *buf, size_t size);

/* ---- time zones ------------------------------------------------------------------------ */

static struct tz *
route_zone_read(const char *name, char **cause)
{
	const char *dir = getenv("TZDIR");
	unsigned char *buf;
	struct tz *z;
	char *path;
	size_t n;
	FILE *f;

	/* An IANA name: Area/Location, letters, digits, _ - + and /, no "..". */
	if (name == NULL || *name == '\0' || *name == '/' || strstr(name, "..") ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-+/") != strlen(name) || strlen(name) > 64) {
		set_cause(cause, "'%s' is not a time zone name (use an IANA name "
		    "such as Europe/Berlin or America/New_York)", name ? name : "");
		return NULL;
	}
	path = xasprintf("%s/%s", dir != NULL && *dir ? dir : "/usr/share/zoneinfo",
	    name);
	f = fopen(path, "rb");
	free(path);
	if (f == NULL) {
		set_cause(cause, "unknown time zone '%s' (use an IANA name such "
		    "as Europe/Berlin or America/New_York)", name);
		return NULL;
	}
	buf = xmalloc(ROUTE_ZONE_MAX_BYTES);
	n = fread(buf, 1, ROUTE_ZONE_MAX_BYTES, f);
	fclose(f);
	z = tz_parse(buf, n, NULL);
	free(buf);
	if (z == NULL)
		set_cause(cause, "unknown time zone '%s' (its file is not a zone)",
		    name);
	return z;
}

/* The zone's rules, read on first use and kept for the process's life. */
const struct tz *
route_zone(const char *name, char **cause)
{
	struct tz *z = NULL;
	int i;

	pthread_mutex_lock(&route_zone_lock);
	for (i = 0; i < route_nzones; i++) {
		if (strcmp(route_zones[i].name, name) == 0) {
			z = route_zones[i].tz;
			break;
		}
	}
	if (z == NULL && (z = route_zone_read(name, cause)) != NULL) {
		if (route_nzones < ROUTE_MAX_ZONES) {
			route_zones[route_nzones].name = xstrdup(name);
			route_zones[route_nzones++].tz = z;
		} else {
			/* Many zones in one process: the oldest makes room. */
			tz_free(route_zones[0].tz);
			free(route_zones[0].name);
			memmove(route_zones, route_zones + 1,
			    (ROUTE_MAX_ZONES - 1) * sizeof *route_zones);
			route_zones[ROUTE_MAX_ZONES - 1].name = xstrdup(name);
			route_zones[ROUTE_MAX_ZONES - 1].tz = z;
		}
	}
	pthread_mutex_unlock(&route_zone_lock);
	return z;
}

int
engine_tz_check(const char *name, char **cause)
{
	return route_zone(name, cause) != NULL ? 0 : -1;
}

/* 1 when t falls in p's quiet hours (*until: when they end), else 0. A
 * contact with quiet hours and no time zone keeps them in UTC. */
int
route_quiet(const struct store_prefs *p, int64_t t, int64_t *until)
{
	const struct tz *z = NULL;
	long utc = 0;

	if (p->quiet_start < 0 || p->quiet_end < 0)
		return 0;
	if (p->timezone != NULL && (z = route_zone(p->timezone, NULL)) != NULL)
		return quiet_until(p->quiet_start, p->quiet_end, tz_offset_cb, z, t,
		    until);
	return quiet_until(p->quiet_start, p->quiet_end, tz_fixed_offset_cb, &utc,
	    t, until);
}

/* "08:00 Europe/Berlin": a time on the contact's clock. */
void
route_local_time(const struct store_prefs *p, int64_t t, char *buf, size_t size)
{
	const struct tz *z = p->timezone ? route_zone(p->timezone, NULL) : NULL;
	int64_t local = t + (z != NULL ? (int64_t)tz_offset(z, t) * 1000 : 0);
	int64_t min = (local / 60000) % 1440;
	char hm[8];

	if (min < 0)
		min += 1440;
	quiet_format_minutes((int)min, hm, sizeof hm);
	snprintf(buf, size, "%s %s", hm, z != NULL ? p->timezone : "UTC");
}

/* The user, for the audit log: the draft's actor, else the login name. */
char *
route_actor(const char *actor)
{
	struct passwd *pw;
	const char *u = getenv("USER");

	if (actor != NULL)
		return xstrdup(actor);
	if ((u == NULL || *u == '\0') && (pw = getpwuid(getuid())) != NULL)
		u = pw->pw_name;
	return xstrdup(u != NULL && *u != '\0' ? u : "unknown");
}

/* ---- opt-outs ------------------------------------------------------------------------------ */

int
route_optout(struct store *st, enum hark_channel ch, const char *to, char **cause)
{
	struct store_optout o;
	char day[32];
	int rc;

	if ((rc = store_optout_get(st, ch, to, &o, cause)) != 1)
		return rc;
	time_format_iso(o.at, day, sizeof day);
	day[10] = '\0';
	if (o.reason != NULL && *o.reason != '\0')
		set_cause(cause, "%s opted out of %s on %s (%s: %s); hark will not "
		    "send to it", to, hark_channel_name(ch), day, o.source, o.reason);
	else
		set_cause(cause, "%s opted out of %s on %s (%s); hark will not "
		    "send to it", to, hark_channel_name(ch), day, o.source);
	store_optout_clear_struct(&o);
	return 1;
}

/* ---- frequency caps ---------------------------------------------------------------------- */

/* When the contact may get one more message at or after `at`: *free_at
 * (== at when now). 0 or -1. */
static int
route_cap_free(struct store *st, int64_t contact_id, const struct store_prefs *p,
    int64_t except_id, int64_t at, int64_t *free_at)
{
	int64_t period = (int64_t)p->cap_days * 86400 * 1000, times[1000];
	int n = 0;

	*free_at = at;
	if (p->cap <= 0)
		return 0;
	if (store_outbound_since(st, contact_id, at - period, except_id, p->cap,
	    times, &n, NULL) != 0)
		return -1;
	/* The oldest of the last `cap` must leave the window first. */
	if (n >= p->cap && times[p->cap - 1] + period > at)
		*free_at = times[p->cap - 1] + period;
	return 0;
}

static void
route_hold_note(const struct store_prefs *p, const char *why, int64_t until,
    char *buf, size_t size)
{
	char when[64];

	route_local_time(p, until, when, sizeof when);
	snprintf(buf, size, "held for %s until %s", why, when);
}

/* The contact's name, newly allocated, or NULL. */
static char *
route_contact_name(struct store *st, int64_t id)
{
	struct store_contact c;
	char *name = NULL;

	memset(&c, 0, sizeof c);
	if (store_contact_get(st, id, &c, NULL) == 0) {
		name = c.name;
		c.name = NULL;
	}
	store_contact_clear(&c);
	return name;
}

/* The contact a draft goes to, when it names only an address. */
static int64_t
route_draft_contact(struct engine *e, const struct engine_draft *d, const char *to)
{
	int64_t id = d->contact_id;

	if (id <= 0 && store_contact_by_address(e->st, store_id_kind_for(d->channel),
	    to, &id, NULL) != 1)
		id = 0;
	return id;
}

/*
 * engine_check's part: the opt-out, then the contact's cap and quiet hours
 * for the time the draft is due. Fills est->held_until and est->note.
 */
int
route_check(struct engine *e, const struct engine_draft *d,
    struct engine_estimate *est, char **cause)
{
	struct store_prefs p;
	int64_t contact, now = hark_now_ms(), due, free_at, until;
	int later = d->send_at > now, person, rc;
	char note[160], cap[32], *name;

	if ((rc = route_optout(e->st, d->channel, est->to, cause)) != 0)
		return -1;
	contact = route_draft_contact(e, d, est->to);
	if (contact <= 0 || d->channel == HARK_CH_VOICE)
		return 0;
	if ((rc = store_prefs_get(e->st, contact, &p, cause)) <= 0)
		return rc;
	person = (d->flags & ENGINE_SEND_INTERACTIVE) && !later;
	due = later ? d->send_at : now;
	rc = 0;
	if (p.cap > 0 && !(d->flags & (ENGINE_SEND_OVERRIDE_CAP |
	    ENGINE_SEND_FALLBACK)) && route_cap_free(e->st, contact, &p, 0, due,
	    &free_at) == 0 && free_at > due) {
		snprintf(cap, sizeof cap, "%d/%s", p.cap, p.cap_days == 7 ? "week" :
		    "day");
		if (person) {
			name = route_contact_name(e->st, contact);
			route_local_time(&p, free_at, note, sizeof note);
			set_cause(cause, "%s has reached their frequency cap (%s); "
			    "the next message may go at %s (--override-cap sends "
			    "anyway)", name ? name : est->to, cap, note);
			free(name);
			rc = -1;
			goto out;
		}
		est->held_until = free_at;
		route_hold_note(&p, "the frequency cap", free_at, note, sizeof note);
		free(est->note);
		est->note = xasprintf("%s (%s)", note, cap);
	}
	due = est->held_until > due ? est->held_until : due;
	if (!(d->flags & ENGINE_SEND_OVERRIDE_QUIET) && route_quiet(&p, due, &until)) {
		free(est->note);
		if (person) {
			name = route_contact_name(e->st, contact);
			route_local_time(&p, now, note, sizeof note);
			est->note = xasprintf("quiet hours until %02d:%02d (it is "
			    "%s for %s)", p.quiet_end / 60, p.quiet_end % 60, note,
			    name ? name : est->to);
			free(name);
		} else {
			est->held_until = until;
			route_hold_note(&p, "quiet hours", until, note, sizeof note);
			est->note = xstrdup(note);
		}
	}
out:
	store_prefs_clear(&p);
	return rc;
}

/* ---- when the message is written ---------------------------------------------------------- */

/*
 * engine_send's part, inside its transaction: the flags the outbox needs
 * later, the hold's note, the audit of an override, and the fallback watch.
 */
int
route_enqueued(struct engine *e, int64_t id, int64_t contact_id,
    const struct engine_draft *d, const struct engine_estimate *est,
    int64_t run_at, char **cause)
{
	unsigned flags = d->flags;
	char *actor, *detail;
	int rc = 0;

	if (d->send_at > hark_now_ms())
		flags &= ~(unsigned)ENGINE_SEND_INTERACTIVE;
	if (flags != 0 && store_message_flags_set(e->st, id, flags, cause) != 0)
		return -1;
	if (est->held_until > 0 && est->note != NULL &&
	    store_job_hold(e->st, id, run_at, est->note, cause) != 0)
		return -1;
	if (flags & (ENGINE_SEND_OVERRIDE_QUIET | ENGINE_SEND_OVERRIDE_CAP)) {
		actor = route_actor(d->actor);
		detail = xasprintf("message %lld to contact #%lld (%s %s)%s%s",
		    (long long)id, (long long)contact_id,
		    hark_channel_name(d->channel), est->to,
		    flags & ENGINE_SEND_OVERRIDE_QUIET ? ": quiet hours overridden" : "",
		    flags & ENGINE_SEND_OVERRIDE_CAP ? ": frequency cap overridden" : "");
		rc = store_audit(e->st, actor, flags & ENGINE_SEND_OVERRIDE_QUIET ?
		    "override-quiet-hours" : "override-cap", detail, cause);
		free(actor);
		free(detail);
		if (rc != 0)
			return -1;
	}
	return fallback_watch_new(e, id, contact_id, d->channel, run_at, cause);
}

/* ---- when the job comes due ------------------------------------------------------------------ */

/* An opted-out address: the message fails with the reason, never goes. */
static void
route_refuse(struct engine *e, const struct store_job *j,
    const struct store_message *m, const char *why)
{
	int64_t now = hark_now_ms();

	if (store_begin(e->st, NULL) != 0)
		return;
	if (store_message_set_status(e->st, m->id, HARK_ST_FAILED, NULL, why, now,
	    NULL) < 0 || store_job_finish(e->st, j->id, STORE_JOB_FAILED, why, now,
	    NULL) != 0 || store_watch_set(e->st, m->id, 0, NULL) != 0 ||
	    store_commit(e->st, NULL) != 0) {
		store_rollback(e->st);
		return;
	}
	engine_publish(e, "status-changed", m->id, m->contact_id, "failed");
}

/* The account's pace: 1 when this send must wait (e->pace_wait says how long). */
static int
route_pace(struct engine *e, const struct store_message *m, int64_t now)
{
	struct provider *p = engine_provider_for(e, NULL, m->provider, m->channel);
	double rate, *next;
	int i;

	for (i = 0; i < e->nprovs && i < ENGINE_PACE_MAX; i++) {
		if (e->provs[i] == p)
			break;
	}
	if (p == NULL || i >= e->nprovs || i >= ENGINE_PACE_MAX ||
	    (rate = p->env.acct->rate) <= 0)
		return 0;
	next = &e->pace_next[i];
	if (*next > (double)now) {
		if (e->pace_wait == 0 || (int64_t)(*next - (double)now) + 1 < e->pace_wait)
			e->pace_wait = (int64_t)(*next - (double)now) + 1;
		return 1;
	}
	/* A pause longer than a second earns no burst. */
	*next = (*next < (double)now - 1000.0 ? (double)now : *next) + 1000.0 / rate;
	return 0;
}

/*
 * Asked by the outbox for each due job before it claims it. 0: send now;
 * 1: not now (refused for an opt-out, held until quiet hours or the cap
 * allow, or waiting for the account's pace).
 */
int
route_due(struct engine *e, const struct store_job *j,
    const struct store_message *m, int64_t now)
{
	struct store_prefs p;
	unsigned flags = 0;
	int64_t until = 0, q, free_at;
	char *cause = NULL, note[160];
	const char *why = NULL;
	int rc = 0;

	if (m->channel != HARK_CH_VOICE && route_optout(e->st, m->channel,
	    m->to_addr, &cause) == 1) {
		route_refuse(e, j, m, cause);
		free(cause);
		return 1;
	}
	store_message_flags(e->st, m->id, &flags, NULL);
	if (m->channel != HARK_CH_VOICE &&
	    store_prefs_get(e->st, m->contact_id, &p, NULL) == 1) {
		if (p.cap > 0 && !(flags & (ENGINE_SEND_INTERACTIVE |
		    ENGINE_SEND_OVERRIDE_CAP | ENGINE_SEND_FALLBACK)) &&
		    route_cap_free(e->st, m->contact_id, &p, m->id, now, &free_at) == 0 &&
		    free_at > now) {
			until = free_at;
			why = "the frequency cap";
		}
		if (!(flags & (ENGINE_SEND_INTERACTIVE | ENGINE_SEND_OVERRIDE_QUIET)) &&
		    route_quiet(&p, until > now ? until : now, &q)) {
			until = q;
			why = "quiet hours";
		}
		if (why != NULL) {
			route_hold_note(&p, why, until, note, sizeof note);
			if (store_job_hold(e->st, m->id, until, note, NULL) == 0)
				engine_publish(e, "status-changed", m->id, m->contact_id,
				    "scheduled");
			rc = 1;
		}
		store_prefs_clear(&p);
	}
	if (rc == 0 && route_pace(e, m, now))
		rc = 1;
	free(cause);
	return rc;
}
