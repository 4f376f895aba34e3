/*
 * route_prefs.c — setting a contact's routing preferences and opt-outs, for
 * `hark contacts set` and the client alike, and the one-line summary both
 * show.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static int pref_channels(const char *value, char **out, char **cause);
static int pref_optout(struct store *st, int64_t contact_id, const char *value,
    int on, const char *reason, const char *actor, char **cause);

/* "sms,whatsapp,email": known channels, no voice, none twice. */
static int
pref_channels(const char *value, char **out, char **cause)
{
	struct hbuf b = HBUF_INIT;
	enum hark_channel ch;
	unsigned seen = 0;
	char *copy = xstrdup(value), *w, *save = NULL;

	for (w = strtok_r(copy, ", ", &save); w != NULL; w = strtok_r(NULL, ", ", &save)) {
		if (hark_channel_parse(w, &ch) != 0 || ch == HARK_CH_VOICE ||
		    (seen & (1u << ch))) {
			set_cause(cause, "fallback order '%s': '%s' is %s (use sms, "
			    "whatsapp and email, each once)", value, w,
			    (seen & (1u << ch)) && ch != HARK_CH_VOICE ? "repeated" :
			    "not a channel to fall back on");
			free(copy);
			hbuf_free(&b);
			return -1;
		}
		seen |= 1u << ch;
		hbuf_printf(&b, "%s%s", b.len ? "," : "", hark_channel_name(ch));
	}
	free(copy);
	if (b.len == 0) {
		set_cause(cause, "fallback order is empty (e.g. sms,whatsapp,email)");
		hbuf_free(&b);
		return -1;
	}
	*out = hbuf_steal(&b);
	return 0;
}

static int
pref_optout(struct store *st, int64_t contact_id, const char *value, int on,
    const char *reason, const char *actor, char **cause)
{
	struct store_contact c;
	enum hark_channel ch;
	enum store_id_kind kind;
	char *detail;
	int i, n = 0, rc = 0;

	if (hark_channel_parse(value, &ch) != 0 || ch == HARK_CH_VOICE) {
		set_cause(cause, "opt-%s '%s': use sms, whatsapp or email", on ? "out" :
		    "in", value);
		return -1;
	}
	kind = store_id_kind_for(ch);
	memset(&c, 0, sizeof c);
	if (store_contact_get(st, contact_id, &c, cause) != 0)
		return -1;
	for (i = 0; i < c.nids && rc == 0; i++) {
		if (c.ids[i].kind != kind && !(ch == HARK_CH_WHATSAPP &&
		    c.ids[i].kind == STORE_ID_PHONE))
			continue;
		n++;
		rc = on ? store_optout_set(st, ch, c.ids[i].address, "manual", reason,
		    hark_now_ms(), cause) : store_optout_clear(st, ch, c.ids[i].address,
		    cause);
		if (rc == 0) {
			detail = xasprintf("%s %s of %s (#%lld)%s%s", c.ids[i].address,
			    hark_channel_name(ch), c.name, (long long)contact_id,
			    reason ? ": " : "", reason ? reason : "");
			rc = store_audit(st, actor, on ? "opt-out" : "opt-in", detail,
			    cause);
			free(detail);
		}
	}
	if (rc == 0 && n == 0) {
		set_cause(cause, "%s has no address for %s to opt %s", c.name,
		    hark_channel_name(ch), on ? "out" : "in");
		rc = -1;
	}
	store_contact_clear(&c);
	return rc;
}

int
engine_pref_set(struct store *st, int64_t contact_id, const char *key,
    const char *value, const char *reason, const char *actor, char **cause)
{
	struct store_prefs p;
	int off = value != NULL && strcmp(value, "off") == 0, rc = -1;
	char *who;

	if (value == NULL || *value == '\0') {
		set_cause(cause, "%s: a value is needed", key);
		return -1;
	}
	if (strcmp(key, "opt-out") == 0 || strcmp(key, "opt-in") == 0) {
		who = route_actor(actor);
		rc = pref_optout(st, contact_id, value, key[4] == 'o', reason, who, cause);
		free(who);
		return rc;
	}
	if (store_prefs_get(st, contact_id, &p, cause) < 0)
		return -1;
	if (strcmp(key, "prefer") == 0) {
		p.has_preferred = !off;
		if (!off && (hark_channel_parse(value, &p.preferred) != 0 ||
		    p.preferred == HARK_CH_VOICE)) {
			set_cause(cause, "prefer '%s': use sms, whatsapp or email", value);
			goto out;
		}
	} else if (strcmp(key, "fallback") == 0) {
		free(p.fallback);
		p.fallback = NULL;
		if (!off && pref_channels(value, &p.fallback, cause) != 0)
			goto out;
	} else if (strcmp(key, "tz") == 0) {
		if (!off && engine_tz_check(value, cause) != 0)
			goto out;
		free(p.timezone);
		p.timezone = off ? NULL : xstrdup(value);
	} else if (strcmp(key, "quiet") == 0) {
		p.quiet_start = p.quiet_end = -1;
		if (!off && quiet_parse(value, &p.quiet_start, &p.quiet_end, cause) != 0)
			goto out;
	} else if (strcmp(key, "cap") == 0) {
		p.cap = p.cap_days = 0;
		if (!off && cap_parse(value, &p.cap, &p.cap_days, cause) != 0)
			goto out;
	} else {
		set_cause(cause, "unknown preference '%s' (prefer, fallback, tz, "
		    "quiet, cap, opt-out, opt-in)", key);
		goto out;
	}
	p.contact_id = contact_id;
	rc = store_prefs_set(st, &p, cause);
out:
	store_prefs_clear(&p);
	return rc;
}

static int
summary_optout(void *arg, const struct store_optout *o)
{
	struct hbuf *b = arg;
	char day[32];

	time_format_iso(o->at, day, sizeof day);
	day[10] = '\0';
	hbuf_printf(b, "%sopted out of %s (%s, %s)", b->len ? " · " : "",
	    hark_channel_name(o->channel), o->source, day);
	return 0;
}

char *
engine_route_summary(struct store *st, int64_t contact_id, int64_t now_ms)
{
	struct hbuf b = HBUF_INIT;
	struct store_prefs p;
	char when[64], s[8], e[8];
	int64_t until;

	if (store_prefs_get(st, contact_id, &p, NULL) == 1) {
		if (p.timezone != NULL) {
			route_local_time(&p, now_ms, when, sizeof when);
			hbuf_printf(&b, "%s", when);
		}
		if (p.quiet_start >= 0 && route_quiet(&p, now_ms, &until)) {
			route_local_time(&p, until, when, sizeof when);
			*strchr(when, ' ') = '\0';
			hbuf_printf(&b, "%squiet until %s", b.len ? " · " : "", when);
		} else if (p.quiet_start >= 0) {
			quiet_format_minutes(p.quiet_start, s, sizeof s);
			quiet_format_minutes(p.quiet_end, e, sizeof e);
			hbuf_printf(&b, "%squiet %s-%s", b.len ? " · " : "", s, e);
		}
		if (p.cap > 0)
			hbuf_printf(&b, "%scap %d/%s", b.len ? " · " : "", p.cap,
			    p.cap_days == 7 ? "week" : "day");
		if (p.fallback != NULL)
			hbuf_printf(&b, "%sfallback %s", b.len ? " · " : "", p.fallback);
		store_prefs_clear(&p);
	}
	store_optouts_each(st, contact_id, summary_optout, &b, NULL);
	return hbuf_steal(&b);
}
