/* test_mail_ingest.c — email events applied to the store (mail_ingest.c): whose thread, once only, everything kept on disk. */

#include <sys/stat.h>

#include "harness.h"
#include "store_fx.h"
#include "hark/config.h"
#include "hark/engine.h"
#include "hark/mime.h"
#include "hark/provider.h"
#include "hark/store.h"

/* A parsed mail as the IMAP provider hands it over. */
struct mail {
	char *raw;
	size_t len;
	struct mime_message m;
	struct provider_attachment *atts;
	struct provider_event ev;
};

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct hbuf b = HBUF_INIT;
	char chunk[4096];
	size_t n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		hbuf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return hbuf_steal(&b);
}

static char *
fixture_path(const char *name)
{
	const char *src = getenv("HARK_SRCDIR");

	return xasprintf("%s/tests/unit/mime/%s", src ? src : ".", name);
}

/* Parses raw text (or a fixture when name is set) into an IMAP event. */
static void
mail_load(struct mail *ml, const char *name, const char *text, const char *uid)
{
	char *path;

	memset(ml, 0, sizeof *ml);
	if (name != NULL) {
		path = fixture_path(name);
		ml->raw = slurp(path, &ml->len);
		free(path);
	} else {
		ml->raw = xstrdup(text);
		ml->len = strlen(text);
	}
	assert_int_equal(mime_parse(ml->raw, ml->len, &ml->m, NULL), 0);
	mime_event_fill(&ml->m, ml->raw, ml->len, &ml->ev, &ml->atts);
	ml->ev.type = PROVIDER_EV_INBOUND;
	ml->ev.provider = "imap";
	ml->ev.provider_id = uid;
	ml->ev.folder = "INBOX";
	ml->ev.duration_s = -1;
}

static void
mail_free(struct mail *ml)
{
	free(ml->atts);
	mime_message_clear(&ml->m);
	free(ml->raw);
}

static int
ingest(struct store_fx *fx, const struct provider_event *ev)
{
	char *cause = NULL;
	int rc;

	assert_int_equal(store_begin(fx->st, NULL), 0);
	rc = engine_ingest(fx->st, fx->cfg, ev, &cause);
	if (rc < 0)
		fail_msg("ingest: %s", cause);
	assert_int_equal(store_commit(fx->st, NULL), 0);
	return rc;
}

static int
count_one(void *arg, const struct store_message *m)
{
	(*(int *)arg)++;
	return 0;
}

static int
messages(struct store_fx *fx, int64_t contact_id)
{
	struct store_filter f = { contact_id, 0, 0 };
	int n = 0;

	assert_int_equal(store_messages_each(fx->st, &f, count_one, &n, NULL), 0);
	return n;
}

/* The newest message id (the one just ingested). */
static int
last_one(void *arg, const struct store_message *m)
{
	*(int64_t *)arg = m->id;
	return 0;
}

static int64_t
last_message(struct store_fx *fx)
{
	struct store_filter f = { 0, 0, 0 };
	int64_t id = 0;

	assert_int_equal(store_messages_each(fx->st, &f, last_one, &id, NULL), 0);
	return id;
}

/* Our own message to Ann, as the outbox records a sent email. */
static int64_t
sent_to_ann(struct store_fx *fx, int64_t *ann, const char *message_id)
{
	struct store_message m;
	int64_t id;
	int created;

	assert_int_equal(store_contact_ensure(fx->st, STORE_ID_EMAIL, "ann@example.com",
	    "Ann Lee", ann, &created, NULL), 0);
	memset(&m, 0, sizeof m);
	m.contact_id = *ann;
	m.channel = HARK_CH_EMAIL;
	m.direction = HARK_DIR_OUT;
	m.provider = "smtp";
	m.provider_id = (char *)message_id;
	m.from_addr = "sales@hark.test";
	m.to_addr = "ann@example.com";
	m.subject = "Your quote";
	m.body = "Here it is.";
	m.status = HARK_ST_SENT;
	m.created_at = 1795400000000LL;
	m.message_id = (char *)message_id;
	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);
	return id;
}

/* Degenerate: an email event with nothing but its ids is still stored. */
static void
test_empty_event(void **state)
{
	struct store_fx *fx = *state;
	struct provider_event ev;
	struct store_message m;
	struct store_mail mail;

	memset(&ev, 0, sizeof ev);
	ev.type = PROVIDER_EV_INBOUND;
	ev.provider = "imap";
	ev.provider_id = "INBOX:1:1";
	ev.channel = HARK_CH_EMAIL;
	ev.duration_s = -1;
	assert_int_equal(ingest(fx, &ev), 1);
	memset(&m, 0, sizeof m);
	assert_int_equal(store_message_get(fx->st, last_message(fx), &m, NULL), 0);
	assert_string_equal(m.body, "");
	assert_int_equal(m.channel, HARK_CH_EMAIL);
	store_message_clear(&m);
	/* No raw source, no warning: an email row with nothing to say. */
	assert_int_equal(store_mail_get(fx->st, last_message(fx), &mail, NULL), 1);
	assert_null(mail.raw_path);
	store_mail_clear(&mail);
	assert_int_equal(ingest(fx, &ev), 0);
}

static void
test_reply_from_unknown_address_threads(void **state)
{
	struct store_fx *fx = *state;
	struct mail ml;
	struct store_message m;
	int64_t ann, other;

	sent_to_ann(fx, &ann, "hark.42@hark.test");
	/* A colleague answers Ann's thread from an address hark never saw. */
	mail_load(&ml, NULL, "From: Bo Rand <bo@example.com>\nTo: sales@hark.test\n"
	    "Subject: Re: Your quote\nMessage-ID: <r1@example.com>\n"
	    "In-Reply-To: <hark.42@hark.test>\n\nWe accept.\n", "INBOX:7:1");
	assert_int_equal(ingest(fx, &ml.ev), 1);
	memset(&m, 0, sizeof m);
	assert_int_equal(store_message_get(fx->st, last_message(fx), &m, NULL), 0);
	assert_int_equal(m.contact_id, ann);
	assert_int_equal(m.direction, HARK_DIR_IN);
	assert_string_equal(m.from_addr, "bo@example.com");
	assert_string_equal(m.body, "We accept.\n");
	assert_string_equal(m.in_reply_to, "hark.42@hark.test");
	assert_int_equal(store_contact_by_email(fx->st, "bo@example.com", &other, NULL), 0);
	store_message_clear(&m);
	mail_free(&ml);
	/* Only References, the ancestor last: still Ann's thread. */
	mail_load(&ml, NULL, "From: cy@example.org\nSubject: Re: Re: Your quote\n"
	    "Message-ID: <r2@example.org>\nReferences: <nothing@x> <hark.42@hark.test>"
	    " <unknown@y>\n\nAnd me.\n", "INBOX:7:2");
	assert_int_equal(ingest(fx, &ml.ev), 1);
	assert_int_equal(messages(fx, ann), 3);
	mail_free(&ml);
}

static void
test_unknown_sender_becomes_contact(void **state)
{
	struct store_fx *fx = *state;
	struct store_contact c;
	struct mail ml;
	int64_t id, ann;

	mail_load(&ml, "latin1_qp.eml", NULL, "INBOX:7:3");
	assert_int_equal(ingest(fx, &ml.ev), 1);
	/* Found whatever the case of the address. */
	assert_int_equal(store_contact_by_email(fx->st, "rene@example.com", &id, NULL), 1);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_contact_get(fx->st, id, &c, NULL), 0);
	assert_string_equal(c.name, "René Dupré");
	assert_int_equal(c.unread, 1);
	store_contact_clear(&c);
	mail_free(&ml);
	/* A known address in another case joins the known contact. */
	sent_to_ann(fx, &ann, "hark.1@hark.test");
	mail_load(&ml, NULL, "From: ANN@Example.COM\nSubject: hi\n\nhello\n", "INBOX:7:4");
	assert_int_equal(ingest(fx, &ml.ev), 1);
	assert_int_equal(messages(fx, ann), 2);
	mail_free(&ml);
}

static void
test_sent_copy_is_not_duplicated(void **state)
{
	struct store_fx *fx = *state;
	struct store_mail mail;
	struct mail ml;
	int64_t ann, id, other;

	id = sent_to_ann(fx, &ann, "out.1@hark.test");
	mail_load(&ml, NULL, "From: Sales <sales@hark.test>\nTo: Ann Lee <ann@example.com>\n"
	    "Subject: Your quote\nMessage-ID: <out.1@hark.test>\n\nHere it is.\n",
	    "Sent:3:9");
	ml.ev.folder = "Sent";
	ml.ev.outgoing = 1;
	assert_int_equal(ingest(fx, &ml.ev), 0);
	assert_int_equal(messages(fx, 0), 1);
	/* The copy completed the message: its source is now kept. */
	assert_int_equal(store_mail_get(fx->st, id, &mail, NULL), 1);
	assert_non_null(mail.raw_path);
	assert_int_equal(mail.raw_size, (int64_t)ml.len);
	store_mail_clear(&mail);
	mail_free(&ml);
	/* Sent from another client: an outbound message in the recipient's thread. */
	mail_load(&ml, NULL, "From: sales@hark.test\nTo: Dee <dee@example.net>, x@y.z\n"
	    "Subject: Intro\nMessage-ID: <phone.7@mail.app>\n\nHello Dee\n", "Sent:3:10");
	ml.ev.folder = "Sent";
	ml.ev.outgoing = 1;
	assert_int_equal(ingest(fx, &ml.ev), 1);
	assert_int_equal(store_contact_by_email(fx->st, "dee@example.net", &other, NULL), 1);
	assert_int_equal(messages(fx, other), 1);
	assert_int_equal(ingest(fx, &ml.ev), 0);
	mail_free(&ml);
}

static int
attachment_row(void *arg, const struct store_attachment *a)
{
	struct store_attachment *out = arg;
	int i;

	for (i = 0; out[i].path != NULL; i++)
		;
	out[i].filename = xstrdup(a->filename);
	out[i].content_type = xstrdup(a->content_type);
	out[i].size = a->size;
	out[i].path = xstrdup(a->path);
	return 0;
}

static void
assert_file_is(const char *path, const char *fixture)
{
	char *want_path = fixture_path(fixture), *want, *got;
	size_t wlen, glen;
	struct stat sb;

	want = slurp(want_path, &wlen);
	got = slurp(path, &glen);
	assert_int_equal(glen, wlen);
	assert_memory_equal(got, want, wlen);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	free(want);
	free(got);
	free(want_path);
}

static void
test_attachments_land_on_disk(void **state)
{
	struct store_fx *fx = *state;
	struct store_attachment a[3];
	struct store_mail mail;
	struct mail ml;
	int64_t id;
	int i;

	mail_load(&ml, "nested.eml", NULL, "INBOX:7:5");
	assert_int_equal(ingest(fx, &ml.ev), 1);
	id = last_message(fx);
	memset(a, 0, sizeof a);
	assert_int_equal(store_attachments_each(fx->st, id, attachment_row, a, NULL), 0);
	assert_string_equal(a[0].content_type, "image/png");
	assert_int_equal(a[0].size, 264);
	assert_file_is(a[0].path, "nested.png");
	assert_string_equal(a[1].filename, "Rechnung für März.pdf");
	assert_string_equal(a[1].content_type, "application/pdf");
	assert_int_equal(a[1].size, 1039);
	assert_file_is(a[1].path, "nested.pdf");
	assert_true(strncmp(a[1].path, fx->dir, strlen(fx->dir)) == 0);
	assert_non_null(strstr(a[1].path, "/attachments/"));
	for (i = 0; i < 2; i++)
		store_attachment_clear(&a[i]);
	/* The source as received, byte for byte. */
	assert_int_equal(store_mail_get(fx->st, id, &mail, NULL), 1);
	assert_file_is(mail.raw_path, "nested.eml");
	assert_non_null(strstr(mail.raw_path, "/mail/"));
	assert_string_equal(mail.from_name, "Ann Lee");
	assert_string_equal(mail.folder, "INBOX");
	assert_non_null(mail.html);
	assert_null(mail.warning);
	store_mail_clear(&mail);
	mail_free(&ml);
}

static void
test_broken_message_kept_raw(void **state)
{
	struct store_fx *fx = *state;
	struct store_message m;
	struct store_mail mail;
	struct mail ml;
	int64_t id;

	mail_load(&ml, "no_boundary.eml", NULL, "INBOX:7:6");
	assert_int_equal(ingest(fx, &ml.ev), 1);
	id = last_message(fx);
	memset(&m, 0, sizeof m);
	assert_int_equal(store_message_get(fx->st, id, &m, NULL), 0);
	assert_non_null(strstr(m.body, "text that must not be lost"));
	assert_string_equal(m.subject, "Broken multipart");
	store_message_clear(&m);
	assert_int_equal(store_mail_get(fx->st, id, &mail, NULL), 1);
	assert_string_equal(mail.warning, "shown raw: a multipart has no boundary");
	assert_file_is(mail.raw_path, "no_boundary.eml");
	store_mail_clear(&mail);
	mail_free(&ml);
	/* Garbage with no sender at all is still stored. */
	mail_load(&ml, "garbage.eml", NULL, "INBOX:7:8");
	assert_int_equal(ingest(fx, &ml.ev), 1);
	assert_int_equal(messages(fx, 0), 2);
	mail_free(&ml);
}

static void
test_replay_stored_once(void **state)
{
	struct store_fx *fx = *state;
	struct mail ml;

	mail_load(&ml, "alternative.eml", NULL, "INBOX:7:11");
	assert_int_equal(ingest(fx, &ml.ev), 1);
	assert_int_equal(ingest(fx, &ml.ev), 0);
	/* The same mail found again in another folder, or through the relay. */
	ml.ev.provider_id = "Archive:2:1";
	assert_int_equal(ingest(fx, &ml.ev), 0);
	ml.ev.provider = "mailgun";
	ml.ev.provider_id = "alt@example.com";
	ml.ev.raw = NULL;
	assert_int_equal(ingest(fx, &ml.ev), 0);
	assert_int_equal(messages(fx, 0), 1);
	mail_free(&ml);
}

/* A provider's inbound parse hands over the header text, with <>: the ids
 * are stored bare, like hark's own, and still find the thread. */
static void
test_relay_ids_stored_bare(void **state)
{
	struct store_fx *fx = *state;
	struct provider_event ev;
	struct store_message m;
	int64_t ann;

	sent_to_ann(fx, &ann, "hark.43@hark.test");
	memset(&ev, 0, sizeof ev);
	ev.type = PROVIDER_EV_INBOUND;
	ev.provider = "sendgrid";
	ev.provider_id = "<r9@example.com>";
	ev.channel = HARK_CH_EMAIL;
	ev.duration_s = -1;
	ev.from = "cy@example.org";
	ev.body = "Agreed.";
	ev.message_id = " <r9@example.com>";
	ev.in_reply_to = "<hark.43@hark.test>";
	ev.refs = "<a@x>,\r\n <hark.43@hark.test>";
	assert_int_equal(ingest(fx, &ev), 1);
	memset(&m, 0, sizeof m);
	assert_int_equal(store_message_get(fx->st, last_message(fx), &m, NULL), 0);
	assert_int_equal(m.contact_id, ann);
	assert_string_equal(m.message_id, "r9@example.com");
	assert_string_equal(m.in_reply_to, "hark.43@hark.test");
	assert_string_equal(m.refs, "a@x hark.43@hark.test");
	store_message_clear(&m);
	/* The same mail again, by its bare id this time: stored once. */
	ev.provider = "imap";
	ev.provider_id = "INBOX:7:20";
	ev.message_id = "r9@example.com";
	assert_int_equal(ingest(fx, &ev), 0);
	assert_int_equal(messages(fx, ann), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		store_fx_test(test_empty_event),
		store_fx_test(test_relay_ids_stored_bare),
		store_fx_test(test_reply_from_unknown_address_threads),
		store_fx_test(test_unknown_sender_becomes_contact),
		store_fx_test(test_sent_copy_is_not_duplicated),
		store_fx_test(test_attachments_land_on_disk),
		store_fx_test(test_broken_message_kept_raw),
		store_fx_test(test_replay_stored_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
