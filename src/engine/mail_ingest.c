/*
 * mail_ingest.c — an email event (IMAP, a provider's inbound parse, an
 * imported file) applied to the store: the contact it belongs to, the
 * message in that contact's unified thread, and everything the sender sent
 * kept on disk — the raw source and each attachment, content-addressed and
 * fsynced before the transaction commits.
 *
 * Whose thread: the sender's address (any case) names the contact; else the
 * thread it answers (In-Reply-To, then References newest first, pointing at a
 * message hark has) does, so a reply from a colleague's address lands in the
 * conversation it continues; else the sender becomes a new contact, named
 * from the display name. A copy of mail the user sent (the Sent folder) goes
 * to the thread of its first recipient.
 *
 * Once only: by (provider, provider id) like every message, and by
 * Message-ID, since one mail reaches hark by several roads — the Sent
 * folder's copy of a message hark itself sent, the same mail in two IMAP
 * folders, or through the relay and IMAP both. The copy that comes second
 * only completes the first (its raw source when that was missing).
 *
 * Ids (Message-ID, In-Reply-To, References) are stored without <>, the form
 * GMime gives and hark writes for its own mail; a provider's inbound parse
 * hands over the header text, so they are made bare here, once, for all.
 */

#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static char *mail_first_address(const char *list);
static char *mail_bare_ids(const char *ids);
static int mail_store(struct store *st, const struct provider_event *ev,
    char **cause);
static int mail_known(struct store *st, const struct provider_event *ev, int *dup,
    char **cause);
static int mail_thread_contact(struct store *st, const struct provider_event *ev,
    int64_t *contact_id, char **cause);
static int mail_contact(struct store *st, const struct provider_event *ev,
    const char *addr, int64_t *contact_id, int *created, char **cause);
static int mail_keep_raw(struct store *st, int64_t message_id,
    const struct provider_event *ev, char **cause);
static int mail_keep_attachments(struct store *st, int64_t message_id,
    const struct provider_event *ev, char **cause);

/* The first address of a ", "-separated list, normalised; NULL if none is valid. */
static char *
mail_first_address(const char *list)
{
	const char *comma;
	char *one, *addr, *why = NULL;

	if (list == NULL || *list == '\0')
		return NULL;
	comma = strchr(list, ',');
	one = comma != NULL ? xstrndup(list, (size_t)(comma - list)) : xstrdup(list);
	addr = addr_email_normalize(one, &why);
	free(why);
	free(one);
	return addr;
}

/* "<a@x> <b@y>" (or "a@x, b@y") → "a@x b@y"; NULL stays NULL. */
static char *
mail_bare_ids(const char *ids)
{
	struct hbuf b = HBUF_INIT;
	const char *p = ids;
	size_t n;

	if (ids == NULL)
		return NULL;
	while (*p != '\0') {
		p += strspn(p, " \t\r\n,<>");
		if ((n = strcspn(p, " \t\r\n,<>")) == 0)
			continue;
		if (b.len > 0)
			hbuf_addc(&b, ' ');
		hbuf_add(&b, p, n);
		p += n;
	}
	return hbuf_steal(&b);
}

/*
 * Whether this mail is stored already, by provider id or by Message-ID: 0
 * with *dup set (and the stored copy completed with the raw source when it
 * lacked it), or -1.
 */
static int
mail_known(struct store *st, const struct provider_event *ev, int *dup, char **cause)
{
	struct store_mail have;
	int64_t id = 0;
	int rc;

	*dup = 0;
	rc = store_message_by_provider_id(st, ev->provider, ev->provider_id, &id,
	    cause);
	if (rc == 0 && ev->message_id != NULL && *ev->message_id != '\0')
		rc = store_message_by_message_id(st, ev->message_id, &id, cause);
	if (rc <= 0)
		return rc;
	*dup = 1;
	if (ev->raw == NULL || ev->raw_len == 0)
		return 0;
	if ((rc = store_mail_get(st, id, &have, cause)) < 0)
		return -1;
	if (rc == 0 || have.raw_path == NULL)
		rc = mail_keep_raw(st, id, ev, cause);
	else
		rc = 0;
	store_mail_clear(&have);
	return rc;
}

/* The contact of the thread this mail answers: 1 (*contact_id), 0, -1. */
static int
mail_thread_contact(struct store *st, const struct provider_event *ev,
    int64_t *contact_id, char **cause)
{
	struct store_message m;
	char *copy = NULL, *tok, *save = NULL, **ids = NULL;
	int64_t mid = 0;
	int rc = 0, n = 0, i;

	if (ev->in_reply_to != NULL && *ev->in_reply_to != '\0')
		rc = store_message_by_message_id(st, ev->in_reply_to, &mid, cause);
	if (rc == 0 && ev->refs != NULL) {
		copy = xstrdup(ev->refs);
		for (tok = strtok_r(copy, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save)) {
			ids = xreallocarray(ids, (size_t)n + 1, sizeof *ids);
			ids[n++] = tok;
		}
		/* References run oldest first: the nearest ancestor is last. */
		for (i = n - 1; rc == 0 && i >= 0; i--)
			rc = store_message_by_message_id(st, ids[i], &mid, cause);
		free(ids);
		free(copy);
	}
	if (rc != 1)
		return rc;
	memset(&m, 0, sizeof m);
	if (store_message_get(st, mid, &m, cause) != 0)
		return -1;
	*contact_id = m.contact_id;
	store_message_clear(&m);
	return 1;
}

static int
mail_contact(struct store *st, const struct provider_event *ev, const char *addr,
    int64_t *contact_id, int *created, char **cause)
{
	int rc;

	*created = 0;
	if (addr != NULL &&
	    (rc = store_contact_by_email(st, addr, contact_id, cause)) != 0)
		return rc < 0 ? -1 : 0;
	if ((rc = mail_thread_contact(st, ev, contact_id, cause)) != 0)
		return rc < 0 ? -1 : 0;
	return store_contact_ensure(st, STORE_ID_EMAIL, addr != NULL ? addr :
	    "unknown", ev->outgoing ? NULL : ev->from_name, contact_id, created,
	    cause);
}

static int
mail_keep_raw(struct store *st, int64_t message_id, const struct provider_event *ev,
    char **cause)
{
	struct store_mail mail;
	char sha[65];
	int rc;

	memset(&mail, 0, sizeof mail);
	mail.message_id = message_id;
	if (ev->raw != NULL && ev->raw_len > 0) {
		if (store_blob_put(st, "mail", ev->raw, ev->raw_len, ".eml",
		    &mail.raw_path, sha, cause) != 0)
			return -1;
		mail.raw_sha256 = sha;
		mail.raw_size = (int64_t)ev->raw_len;
	}
	mail.html = (char *)ev->html;
	mail.from_name = (char *)ev->from_name;
	mail.warning = (char *)ev->warning;
	mail.folder = (char *)ev->folder;
	rc = store_mail_set(st, &mail, cause);
	free(mail.raw_path);
	return rc;
}

static int
mail_keep_attachments(struct store *st, int64_t message_id,
    const struct provider_event *ev, char **cause)
{
	const struct provider_attachment *pa;
	struct store_attachment a;
	char sha[65], *path;
	int i, rc;

	for (i = 0; i < ev->nattachments; i++) {
		pa = &ev->attachments[i];
		if (store_blob_put(st, "attachments", pa->data != NULL ? pa->data :
		    (const void *)"", pa->len, "", &path, sha, cause) != 0)
			return -1;
		memset(&a, 0, sizeof a);
		a.message_id = message_id;
		a.filename = (char *)pa->filename;
		a.content_type = (char *)pa->content_type;
		a.size = (int64_t)pa->len;
		a.path = path;
		rc = store_mail_attachment_add(st, &a, pa->content_id, pa->is_inline,
		    sha, NULL, cause);
		free(path);
		if (rc != 0)
			return -1;
	}
	return 0;
}

int
mail_ingest(struct store *st, const struct config *cfg,
    const struct provider_event *ev, char **cause)
{
	struct provider_event bare = *ev;
	char *mid, *irt, *refs;
	int rc;

	bare.message_id = mid = mail_bare_ids(ev->message_id);
	bare.in_reply_to = irt = mail_bare_ids(ev->in_reply_to);
	bare.refs = refs = mail_bare_ids(ev->refs);
	rc = mail_store(st, &bare, cause);
	free(mid);
	free(irt);
	free(refs);
	return rc;
}

static int
mail_store(struct store *st, const struct provider_event *ev, char **cause)
{
	struct store_message m;
	char *from, *to, *party;
	int64_t contact_id = 0, id = 0;
	int created = 0, dup, rc;

	if (mail_known(st, ev, &dup, cause) != 0)
		return -1;
	if (dup)
		return 0;
	from = mail_first_address(ev->from);
	to = mail_first_address(ev->to);
	party = ev->outgoing ? to : from;
	if (mail_contact(st, ev, party, &contact_id, &created, cause) != 0) {
		free(from);
		free(to);
		return -1;
	}
	memset(&m, 0, sizeof m);
	m.contact_id = contact_id;
	m.channel = HARK_CH_EMAIL;
	m.direction = ev->outgoing ? HARK_DIR_OUT : HARK_DIR_IN;
	m.provider = (char *)ev->provider;
	m.provider_id = (char *)ev->provider_id;
	m.from_addr = from != NULL ? from : (char *)(ev->from ? ev->from : "");
	m.to_addr = to != NULL ? to : (char *)(ev->to ? ev->to : "");
	m.subject = (char *)ev->subject;
	m.body = (char *)(ev->body ? ev->body : "");
	m.status = ev->outgoing ? HARK_ST_SENT : HARK_ST_RECEIVED;
	m.created_at = ev->at > 0 ? ev->at : hark_now_ms();
	m.sent_at = ev->outgoing ? m.created_at : 0;
	m.message_id = (char *)ev->message_id;
	m.in_reply_to = (char *)ev->in_reply_to;
	m.refs = (char *)ev->refs;
	m.seen = ev->outgoing;
	rc = store_message_insert(st, &m, &id, cause);
	if (rc == 1 && (mail_keep_raw(st, id, ev, cause) != 0 ||
	    mail_keep_attachments(st, id, ev, cause) != 0 ||
	    (created && store_event_append(st, "contact-changed", 0, contact_id,
	    "created", NULL, cause) != 0) ||
	    store_event_append(st, "message-added", id, contact_id, ev->outgoing ?
	    "outbound" : "inbound", NULL, cause) != 0))
		rc = -1;
	free(from);
	free(to);
	return rc;
}
