/* filter.c — the contact list's filter expressions: `channel:sms status:failed unread since:7d tag:buyer`. */

#include <stdlib.h>
#include <string.h>

#include "tui_int.h"

void
tui_filter_clear(struct tui_filter *f)
{
	free(f->tag);
	free(f->state);
	free(f->msg_status);
	free(f->text);
	memset(f, 0, sizeof *f);
}

static int
filter_term(struct tui_filter *f, const char *term, char **cause)
{
	const char *v = strchr(term, ':');
	enum hark_channel ch;
	enum hark_status st;

	if (strcmp(term, "unread") == 0) {
		f->unread = 1;
		return 0;
	}
	if (v == NULL || v[1] == '\0')
		goto bad;
	v++;
	if (hark_startswith(term, "channel:")) {
		if (hark_channel_parse(v, &ch) != 0) {
			set_cause(cause, "filter: no channel '%s' (sms, whatsapp, email, "
			    "voice)", v);
			return -1;
		}
		f->channels |= 1u << ch;
	} else if (hark_startswith(term, "status:")) {
		if (hark_status_parse(v, &st) != 0) {
			set_cause(cause, "filter: no status '%s' (failed, delivered, "
			    "scheduled, ...)", v);
			return -1;
		}
		free(f->msg_status);
		f->msg_status = xstrdup(hark_status_name(st));
	} else if (hark_startswith(term, "since:")) {
		if (since_parse(v, hark_now_ms(), &f->since, cause) != 0)
			return -1;
	} else if (hark_startswith(term, "tag:")) {
		free(f->tag);
		f->tag = xstrdup(v);
	} else if (hark_startswith(term, "state:")) {
		if (strcmp(v, "open") != 0 && strcmp(v, "snoozed") != 0 &&
		    strcmp(v, "done") != 0) {
			set_cause(cause, "filter: no state '%s' (open, snoozed, done)", v);
			return -1;
		}
		free(f->state);
		f->state = xstrdup(v);
	} else
		goto bad;
	return 0;
bad:
	set_cause(cause, "filter: cannot read '%s' (channel:sms status:failed "
	    "unread since:7d tag:NAME state:open)", term);
	return -1;
}

int
tui_filter_parse(const char *expr, struct tui_filter *f, char **cause)
{
	char **argv;
	int argc, i;

	memset(f, 0, sizeof *f);
	argc = tui_words(expr, &argv);
	for (i = 0; i < argc; i++) {
		if (filter_term(f, argv[i], cause) != 0) {
			tui_words_free(argc, argv);
			tui_filter_clear(f);
			return -1;
		}
	}
	tui_words_free(argc, argv);
	if (argc > 0)
		f->text = xstrdup(expr);
	return 0;
}

static int
filter_has_tag(const char *tags, const char *tag)
{
	size_t n = strlen(tag);
	const char *p = tags;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, tag, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	return 0;
}

int
tui_filter_match(const struct tui_filter *f, const struct store_contact *c)
{
	if (f->channels != 0 && (c->channels & f->channels) == 0)
		return 0;
	if (f->unread && c->unread == 0)
		return 0;
	if (f->since != 0 && c->last_activity < f->since)
		return 0;
	if (f->tag != NULL && !filter_has_tag(c->tags ? c->tags : "", f->tag))
		return 0;
	if (f->state != NULL && strcmp(c->conv_status ? c->conv_status : "open",
	    f->state) != 0)
		return 0;
	return 1;
}

int
tui_filter_active(const struct tui_filter *f)
{
	return f->channels != 0 || f->tag != NULL || f->state != NULL ||
	    f->unread || f->msg_status != NULL || f->since != 0;
}
