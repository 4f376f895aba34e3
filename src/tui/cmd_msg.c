/* cmd_msg.c — commands that write and send, and set a conversation's state. */

#include <stdlib.h>
#include <string.h>

#include "hark/engine.h"

#include "tui_int.h"
#include "tui_cmds.h"

static int
msg_parse_channel(const char *s, enum hark_channel *ch, char **cause)
{
	if (hark_channel_parse(s, ch) != 0 || *ch == HARK_CH_VOICE) {
		set_cause(cause, "no channel '%s' (sms, whatsapp, email)", s);
		return -1;
	}
	return 0;
}

int
tcmd_reply(struct tui *t, int argc, char **argv, char **cause)
{
	struct store_message m;
	char *subject;

	memset(&m, 0, sizeof m);
	if (t->message_id > 0 && store_message_get(t->st, t->message_id, &m,
	    NULL) == 0) {
		if (m.channel != HARK_CH_VOICE)
			composer_set_channel(t, m.channel);
		if (m.channel == HARK_CH_EMAIL && m.subject != NULL) {
			subject = hark_startswith(m.subject, "Re:") ? xstrdup(m.subject) :
			    xasprintf("Re: %s", m.subject);
			composer_set_subject(t, subject);
			free(subject);
		}
		store_message_clear(&m);
	}
	tui_focus(t, PANE_COMPOSER);
	return 0;
}

int
tcmd_compose(struct tui *t, int argc, char **argv, char **cause)
{
	enum hark_channel ch;

	if (argc > 1) {
		if (msg_parse_channel(argv[1], &ch, cause) != 0)
			return -1;
		composer_set_channel(t, ch);
	}
	tui_focus(t, PANE_COMPOSER);
	return 0;
}

int
tcmd_channel(struct tui *t, int argc, char **argv, char **cause)
{
	enum hark_channel ch;

	if (strcmp(argv[1], "next") == 0) {
		ch = composer_channel(t);
		ch = ch == HARK_CH_SMS ? HARK_CH_WHATSAPP :
		    ch == HARK_CH_WHATSAPP ? HARK_CH_EMAIL : HARK_CH_SMS;
	} else if (msg_parse_channel(argv[1], &ch, cause) != 0)
		return -1;
	composer_set_channel(t, ch);
	return 0;
}

int
tcmd_send(struct tui *t, int argc, char **argv, char **cause)
{
	return composer_send(t, 0, cause);
}

int
tcmd_schedule(struct tui *t, int argc, char **argv, char **cause)
{
	char *when = tui_join(argc, argv, 1), iso[40];
	int64_t at;
	int rc;

	if (when_parse(when, hark_now_ms(), &at, cause) != 0) {
		free(when);
		return -1;
	}
	free(when);
	rc = composer_send(t, at, cause);
	if (rc == 0) {
		time_format_iso(at, iso, sizeof iso);
		tui_say(t, 0, "scheduled for %s (X on it in the thread cancels)", iso);
	}
	return rc;
}

int
tcmd_cancel(struct tui *t, int argc, char **argv, char **cause)
{
	int rc = engine_cancel(t->engine, t->message_id, cause);

	if (rc == 1)
		tui_say(t, 0, "canceled: it will not be sent");
	return rc < 0 || rc == 0 ? -1 : 0;
}

int
tcmd_resend(struct tui *t, int argc, char **argv, char **cause)
{
	struct engine_draft d;
	struct store_message m;
	int64_t id;
	int rc;

	memset(&m, 0, sizeof m);
	if (store_message_get(t->st, t->message_id, &m, cause) != 0)
		return -1;
	if (m.direction != HARK_DIR_OUT || (m.status != HARK_ST_FAILED &&
	    m.status != HARK_ST_UNDELIVERED && m.status != HARK_ST_UNCERTAIN &&
	    m.status != HARK_ST_CANCELED)) {
		set_cause(cause, "resend: only a failed, undelivered, canceled or "
		    "uncertain message of yours can be sent again");
		store_message_clear(&m);
		return -1;
	}
	memset(&d, 0, sizeof d);
	d.contact_id = m.contact_id;
	d.to = m.to_addr;
	d.channel = m.channel;
	d.subject = m.subject;
	d.body = m.body;
	rc = engine_send(t->engine, &d, &id, cause);
	store_message_clear(&m);
	if (rc == 0) {
		t->message_id = id;
		tui_say(t, 0, "sent again as a new message");
	}
	return rc;
}

int
tcmd_edit(struct tui *t, int argc, char **argv, char **cause)
{
	tui_focus(t, PANE_COMPOSER);
	return composer_edit(t, cause);
}

int
tcmd_mark(struct tui *t, int argc, char **argv, char **cause)
{
	const char *s = argv[1];
	int rc;

	if (strcmp(s, "done") == 0 || strcmp(s, "open") == 0)
		rc = store_conversation_set(t->st, t->contact_id, s, 0, cause);
	else if (strcmp(s, "read") == 0)
		rc = store_conversation_mark_read(t->st, t->contact_id, cause);
	else if (strcmp(s, "unread") == 0)
		rc = store_conversation_mark_unread(t->st, t->contact_id, cause);
	else {
		set_cause(cause, "mark: no state '%s' (done, open, unread, read)", s);
		return -1;
	}
	if (rc == 0) {
		pane_dirty(&t->panes[PANE_CONTACTS], PANE_RECALC);
		pane_dirty(&t->panes[PANE_STATUS], PANE_RECALC);
		tui_say(t, 0, "marked %s", s);
	}
	return rc;
}

int
tcmd_snooze(struct tui *t, int argc, char **argv, char **cause)
{
	char *when = tui_join(argc, argv, 1), iso[40];
	int64_t at;

	if (when_parse(when, hark_now_ms(), &at, cause) != 0) {
		free(when);
		return -1;
	}
	free(when);
	if (store_conversation_set(t->st, t->contact_id, "snoozed", at, cause) != 0)
		return -1;
	time_format_iso(at, iso, sizeof iso);
	pane_dirty(&t->panes[PANE_CONTACTS], PANE_RECALC);
	tui_say(t, 0, "snoozed until %s", iso);
	return 0;
}

int
tcmd_call(struct tui *t, int argc, char **argv, char **cause)
{
	struct engine_draft d;
	int64_t id;

	memset(&d, 0, sizeof d);
	d.contact_id = t->contact_id;
	d.channel = HARK_CH_VOICE;
	d.body = "Outgoing call";
	if (engine_send(t->engine, &d, &id, cause) != 0)
		return -1;
	t->message_id = id;
	t->call_placed = id;
	tui_say(t, 0, "calling… your phone rings first, then the contact");
	return 0;
}

/* How a call went: the call that just ended, else the selected call. */
int
tcmd_outcome(struct tui *t, int argc, char **argv, char **cause)
{
	struct store_message m;
	int64_t id = t->call_ended;
	char *notes = NULL;
	int rc;

	memset(&m, 0, sizeof m);
	if (id == 0 && t->message_id > 0 && store_message_get(t->st, t->message_id,
	    &m, NULL) == 0 && m.channel == HARK_CH_VOICE)
		id = m.id;
	store_message_clear(&m);
	if (id == 0) {
		set_cause(cause, "no call to record: select a call in the thread");
		return -1;
	}
	if (argc > 2)
		notes = tui_join(argc, argv, 2);
	rc = store_call_set_outcome(t->st, id, argv[1], notes, cause);
	free(notes);
	if (rc != 0)
		return -1;
	t->call_ended = 0;
	tui_dirty_all(t, PANE_RECALC | PANE_DRAW);
	tui_say(t, 0, "call outcome: %s", argv[1]);
	return 0;
}

int
tcmd_template(struct tui *t, int argc, char **argv, char **cause)
{
	if (argc > 1 && (strcmp(argv[1], "new") == 0 ||
	    strcmp(argv[1], "edit") == 0 || strcmp(argv[1], "delete") == 0))
		return template_manage(t, argc, argv, cause);
	if (t->contact_id <= 0) {
		set_cause(cause, "select a contact first");
		return -1;
	}
	return template_pick(t, argc > 1 ? argv[1] : NULL, cause);
}

int
tcmd_prefer(struct tui *t, int argc, char **argv, char **cause)
{
	struct engine_estimate est;
	struct engine_draft d;
	enum hark_channel ch;

	if (msg_parse_channel(argv[1], &ch, cause) != 0)
		return -1;
	/* Only a channel the contact can be reached on. */
	memset(&d, 0, sizeof d);
	d.contact_id = t->contact_id;
	d.channel = ch;
	d.body = "x";
	if (engine_check(t->engine, &d, &est, cause) != 0)
		return -1;
	engine_estimate_clear(&est);
	if (store_preferred_channel_set(t->st, t->contact_id, ch, cause) != 0)
		return -1;
	composer_set_channel(t, ch);
	tui_say(t, 0, "%s is now this contact's preferred channel",
	    hark_channel_name(ch));
	return 0;
}
