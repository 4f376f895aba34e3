/* notify_text.c — what a notification says: modes, shaping and folding text,
 * and the terminal's OSC sequences. Pure: no I/O (the environment is passed in). */

#include <stdlib.h>
#include <string.h>

#include "hark/core.h"
#include "notify_int.h"

#define ESC "\033"
#define ST ESC "\\"

static const char *const notify_mode_names[] = {
	[NOTIFY_AUTO] = "auto",
	[NOTIFY_LIBNOTIFY] = "libnotify",
	[NOTIFY_OSC] = "osc",
	[NOTIFY_BELL] = "bell",
	[NOTIFY_NONE] = "none",
};

static char *notify_shape(const char *s, int first_line, size_t max);
static void notify_cut(struct hbuf *b, const char *s, size_t max);
static void notify_osc_emit(struct hbuf *out, unsigned kinds, const char *seq);
static int notify_env_has(char *(*env)(const char *), const char *name);
static int notify_env_is(char *(*env)(const char *), const char *name,
    const char *prefix);

int
notify_mode_parse(const char *s, enum notify_mode *out)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < HARK_NELEM(notify_mode_names); i++) {
		if (hark_strcaseeq(s, notify_mode_names[i])) {
			*out = (enum notify_mode)i;
			return 0;
		}
	}
	return -1;
}

const char *
notify_mode_name(enum notify_mode m)
{
	if ((size_t)m >= HARK_NELEM(notify_mode_names))
		return "none";
	return notify_mode_names[m];
}

void
notify_msg_clear(struct notify_msg *m)
{
	free(m->summary);
	free(m->body);
	m->summary = m->body = NULL;
}

/*
 * Appends at most max code points of s (valid UTF-8, as text_sanitize makes
 * it), and an ellipsis when something was cut.
 */
static void
notify_cut(struct hbuf *b, const char *s, size_t max)
{
	size_t i, chars = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue; /* a continuation byte belongs to the last char */
		if (chars++ == max) {
			hbuf_add(b, s, i);
			hbuf_adds(b, "\u2026");
			return;
		}
	}
	hbuf_add(b, s, i);
}

/*
 * Sanitised, stripped of surrounding blanks, the first non-blank line only
 * when first_line is set (an ellipsis says more followed), at most max code
 * points. Newly allocated.
 */
static char *
notify_shape(const char *s, int first_line, size_t max)
{
	struct hbuf b = HBUF_INIT;
	char *safe, *p, *nl;
	size_t len;
	int more = 0;

	if (s == NULL)
		s = "";
	safe = text_sanitize(s, strlen(s), first_line ? HARK_SAN_NEWLINES : 0);
	p = safe + strspn(safe, " \n");
	if (first_line && (nl = strchr(p, '\n')) != NULL) {
		*nl = '\0';
		more = nl[1 + strspn(nl + 1, " \n")] != '\0';
	}
	len = strlen(p);
	while (len > 0 && p[len - 1] == ' ')
		p[--len] = '\0';
	notify_cut(&b, p, max);
	if (more && (b.len < 3 || strcmp(b.data + b.len - 3, "\u2026") != 0))
		hbuf_adds(&b, "\u2026");
	free(safe);
	return hbuf_steal(&b);
}

void
notify_slot_add(struct notify_slot *s, const char *summary, const char *body)
{
	notify_msg_clear(&s->latest);
	s->latest.summary = notify_shape(summary, 0, NOTIFY_SUMMARY_MAX);
	if (*s->latest.summary == '\0') {
		free(s->latest.summary);
		s->latest.summary = xstrdup("hark");
	}
	s->latest.body = notify_shape(body, 1, NOTIFY_BODY_MAX);
	s->count++;
}

void
notify_slot_move(struct notify_slot *dst, struct notify_slot *src)
{
	if (src->count == 0)
		return;
	notify_msg_clear(&dst->latest);
	dst->latest = src->latest;
	dst->count += src->count;
	src->latest.summary = src->latest.body = NULL;
	src->count = 0;
}

void
notify_slot_render(const struct notify_slot *s, struct notify_msg *out)
{
	struct hbuf b = HBUF_INIT;

	HARK_ASSERT(s->count > 0);
	if (s->count == 1) {
		out->summary = xstrdup(s->latest.summary);
		out->body = xstrdup(s->latest.body);
		return;
	}
	out->summary = xasprintf("%d new messages", s->count);
	if (*s->latest.body == '\0') {
		out->body = xstrdup(s->latest.summary);
		return;
	}
	hbuf_printf(&b, "%s: %s", s->latest.summary, s->latest.body);
	out->body = notify_shape(b.data, 1, NOTIFY_BODY_MAX);
	hbuf_free(&b);
}

void
notify_slot_clear(struct notify_slot *s)
{
	notify_msg_clear(&s->latest);
	s->count = 0;
}

/* ---- terminal sequences ---------------------------------------------------- */

static int
notify_env_has(char *(*env)(const char *), const char *name)
{
	const char *v = env(name);

	return v != NULL && *v != '\0';
}

static int
notify_env_is(char *(*env)(const char *), const char *name, const char *prefix)
{
	const char *v = env(name);

	return v != NULL && hark_startswith(v, prefix);
}

unsigned
notify_osc_pick(char *(*env)(const char *name))
{
	unsigned kinds = NOTIFY_OSC_777 | NOTIFY_OSC_9;

	/*
	 * Terminals that know both would show every notification twice, so
	 * send only the one a known terminal reads. Inside tmux $TERM names
	 * tmux, not the terminal, so both go through.
	 */
	if (notify_env_has(env, "VTE_VERSION") || notify_env_is(env, "TERM", "foot") ||
	    notify_env_is(env, "TERM", "rxvt"))
		kinds = NOTIFY_OSC_777;
	else if (notify_env_is(env, "TERM_PROGRAM", "iTerm.app") ||
	    notify_env_is(env, "TERM_PROGRAM", "WezTerm") ||
	    notify_env_is(env, "TERM_PROGRAM", "ghostty") ||
	    notify_env_has(env, "ConEmuPID"))
		kinds = NOTIFY_OSC_9;
	if (notify_env_has(env, "TMUX"))
		kinds |= NOTIFY_OSC_TMUX;
	return kinds;
}

void
notify_osc_clean(struct hbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p == ';')
			hbuf_addc(out, ',');
		else if (*p < 0x20 || *p == 0x7f)
			continue; /* ESC, BEL and the rest could end the string */
		else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			p++; /* U+0080..U+009F: C1, among them ST (U+009C) */
		else
			hbuf_addc(out, (char)*p);
	}
}

/* Appends seq, inside tmux's passthrough (ESC doubled) when asked for. */
static void
notify_osc_emit(struct hbuf *out, unsigned kinds, const char *seq)
{
	if (!(kinds & NOTIFY_OSC_TMUX)) {
		hbuf_adds(out, seq);
		return;
	}
	hbuf_adds(out, ESC "Ptmux;");
	for (; *seq != '\0'; seq++) {
		if (*seq == '\033')
			hbuf_addc(out, '\033');
		hbuf_addc(out, *seq);
	}
	hbuf_adds(out, ST);
}

void
notify_osc_format(struct hbuf *out, unsigned kinds, const struct notify_msg *m)
{
	struct hbuf seq = HBUF_INIT, text = HBUF_INIT;

	if (kinds & NOTIFY_OSC_777) {
		hbuf_adds(&seq, ESC "]777;notify;");
		notify_osc_clean(&seq, m->summary);
		hbuf_addc(&seq, ';');
		notify_osc_clean(&seq, m->body);
		hbuf_adds(&seq, ST);
		notify_osc_emit(out, kinds, seq.data);
		hbuf_reset(&seq);
	}
	if (kinds & NOTIFY_OSC_9) {
		notify_osc_clean(&text, m->summary);
		if (*m->body != '\0') {
			hbuf_adds(&text, ": ");
			notify_osc_clean(&text, m->body);
		}
		/* "9;4;..." and other digits are ConEmu / Windows Terminal
		 * commands (progress bars), not a notification. */
		hbuf_adds(&seq, ESC "]9;");
		if (hbuf_str(&text)[0] >= '0' && hbuf_str(&text)[0] <= '9')
			hbuf_adds(&seq, "hark: ");
		hbuf_adds(&seq, hbuf_str(&text));
		hbuf_adds(&seq, ST);
		notify_osc_emit(out, kinds, seq.data);
	}
	hbuf_free(&seq);
	hbuf_free(&text);
}

char *
notify_markup_escape(const char *s)
{
	struct hbuf b = HBUF_INIT;

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': hbuf_adds(&b, "&amp;"); break;
		case '<': hbuf_adds(&b, "&lt;"); break;
		case '>': hbuf_adds(&b, "&gt;"); break;
		default: hbuf_addc(&b, *s); break;
		}
	}
	return hbuf_steal(&b);
}
