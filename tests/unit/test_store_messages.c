/* test_store_messages.c — messages: dedupe, conversation state, status moves, threads, search, bulk. */

#include <sqlite3.h>

#include "harness.h"
#include "hark/store.h"

/* The store's internals, for counting rows and filling the disk. */
#include "../../src/store/store_int.h"

struct fixture {
	char *dir;
	char *path;
	struct store *st;
	int64_t ann;
	int64_t bob;
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);

	fx->dir = test_tmpdir();
	fx->path = xasprintf("%s/hark.db", fx->dir);
	assert_int_equal(store_open(fx->path, 0, &fx->st, NULL), 0);
	assert_int_equal(store_contact_add(fx->st, "Ann Lee", &fx->ann, NULL), 0);
	assert_int_equal(store_contact_add(fx->st, "Bob Roe", &fx->bob, NULL), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	store_close(fx->st);
	free(fx->path);
	free(fx->dir);
	free(fx);
	return 0;
}

static struct store_message
inbound_sms(int64_t contact, const char *sid, const char *body, int64_t at)
{
	struct store_message m = { 0 };

	m.contact_id = contact;
	m.channel = HARK_CH_SMS;
	m.direction = HARK_DIR_IN;
	m.provider = "twilio";
	m.provider_id = (char *)sid;
	m.from_addr = "+14155550100";
	m.to_addr = "+14155550199";
	m.body = (char *)body;
	m.status = HARK_ST_RECEIVED;
	m.created_at = at;
	return m;
}

static int64_t
count_rows(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt;
	int64_t n;

	assert_int_equal(sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static void
test_a_message_without_provider_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = inbound_sms(fx->ann, NULL, "hi", 1000);
	struct store_message got;
	char *cause = NULL;
	int64_t id;

	m.provider = NULL;
	assert_int_equal(store_message_insert(fx->st, &m, &id, &cause), -1);
	assert_string_equal(cause, "cannot insert message: no provider given");
	free(cause);
	cause = NULL;
	assert_int_equal(store_message_get(fx->st, 1, &got, &cause), -1);
	assert_string_equal(cause, "no message #1");
	free(cause);
	store_message_clear(&got);
	assert_int_equal(count_rows(fx->st, "SELECT count(*) FROM messages"), 0);
}

static void
test_a_message_for_an_unknown_contact_names_it(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = inbound_sms(4242, "SM1", "hi", 1000);
	char *cause = NULL;
	int64_t id;

	assert_int_equal(store_message_insert(fx->st, &m, &id, &cause), -1);
	assert_string_equal(cause, "cannot insert message: no contact #4242");
	free(cause);
}

static void
test_a_duplicate_inbound_webhook_is_stored_once(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = inbound_sms(fx->ann, "SM123", "Is it still for sale?",
	    5000);
	struct store_contact c = { 0 };
	int64_t id1, id2, found;

	assert_int_equal(store_message_insert(fx->st, &m, &id1, NULL), 1);
	assert_int_equal(store_message_insert(fx->st, &m, &id2, NULL), 0);
	assert_int_equal(id1, id2);
	assert_int_equal(count_rows(fx->st, "SELECT count(*) FROM messages"), 1);
	assert_int_equal(count_rows(fx->st,
	    "SELECT count(*) FROM message_status_history"), 1);
	assert_int_equal(store_contact_get(fx->st, fx->ann, &c, NULL), 0);
	assert_int_equal(c.unread, 1);
	store_contact_clear(&c);
	assert_int_equal(store_message_by_provider_id(fx->st, "twilio", "SM123",
	    &found, NULL), 1);
	assert_int_equal(found, id1);
	assert_int_equal(store_message_by_provider_id(fx->st, "mailgun", "SM123",
	    &found, NULL), 0);
}

static void
test_the_conversation_follows_new_messages(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = inbound_sms(fx->ann, "SM1", "hello", 9000);
	struct store_contact c = { 0 };
	int64_t id;

	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);
	m = inbound_sms(fx->ann, "SM0", "an older one, imported", 2000);
	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);
	m = inbound_sms(fx->ann, NULL, "sent by me", 8000);
	m.direction = HARK_DIR_OUT;
	m.channel = HARK_CH_EMAIL;
	m.provider = "smtp";
	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);

	assert_int_equal(store_contact_get(fx->st, fx->ann, &c, NULL), 0);
	assert_int_equal(c.last_activity, 9000);
	assert_int_equal(c.unread, 2);
	assert_int_equal(c.channels, (1u << HARK_CH_SMS) | (1u << HARK_CH_EMAIL));
	store_contact_clear(&c);

	assert_int_equal(store_conversation_mark_read(fx->st, fx->ann, NULL), 0);
	assert_int_equal(store_contact_get(fx->st, fx->ann, &c, NULL), 0);
	assert_int_equal(c.unread, 0);
	store_contact_clear(&c);
	assert_int_equal(count_rows(fx->st,
	    "SELECT count(*) FROM messages WHERE seen = 0"), 0);

	/* u in the client: the newest inbound message is unread again. */
	assert_int_equal(store_conversation_mark_unread(fx->st, fx->ann, NULL), 0);
	assert_int_equal(store_contact_get(fx->st, fx->ann, &c, NULL), 0);
	assert_int_equal(c.unread, 1);
	store_contact_clear(&c);
	assert_int_equal(count_rows(fx->st, "SELECT count(*) FROM messages"
	    " WHERE seen = 0 AND provider_id = 'SM1'"), 1);
	{
		int total = -1;

		assert_int_equal(store_unread_total(fx->st, &total, NULL), 0);
		assert_int_equal(total, 1);
	}
}

static void
test_a_message_comes_back_as_written(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = inbound_sms(fx->ann, NULL, "Your invoice", 7000);
	struct store_message got = { 0 };
	int64_t id, found;

	m.channel = HARK_CH_EMAIL;
	m.provider = "imap";
	m.subject = "Invoice 42";
	m.message_id = "<abc@example.com>";
	m.in_reply_to = "<prev@example.com>";
	m.has_price = 1;
	m.price.micros = 7500;
	memcpy(m.price.currency, "USD", 4);
	m.segments = 2;
	m.encoding = "UCS-2";
	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);
	assert_int_equal(store_message_get(fx->st, id, &got, NULL), 0);
	assert_int_equal(got.channel, HARK_CH_EMAIL);
	assert_int_equal(got.direction, HARK_DIR_IN);
	assert_string_equal(got.subject, "Invoice 42");
	assert_string_equal(got.body, "Your invoice");
	assert_string_equal(got.in_reply_to, "<prev@example.com>");
	assert_null(got.provider_id);
	assert_int_equal(got.has_price, 1);
	assert_int_equal(got.price.micros, 7500);
	assert_string_equal(got.price.currency, "USD");
	assert_int_equal(got.segments, 2);
	assert_string_equal(got.encoding, "UCS-2");
	assert_int_equal(got.status, HARK_ST_RECEIVED);
	assert_int_equal(got.seen, 0);
	store_message_clear(&got);
	assert_int_equal(store_message_by_message_id(fx->st, "<abc@example.com>",
	    &found, NULL), 1);
	assert_int_equal(found, id);
}

static void
test_a_late_sent_never_overwrites_delivered(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = inbound_sms(fx->ann, NULL, "See you at 5", 1000);
	struct store_message got = { 0 };
	int64_t id;

	m.direction = HARK_DIR_OUT;
	m.status = HARK_ST_SENDING;
	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);
	assert_int_equal(store_message_set_status(fx->st, id, HARK_ST_DELIVERED, NULL,
	    NULL, 3000, NULL), 1);
	assert_int_equal(store_message_set_status(fx->st, id, HARK_ST_SENT, NULL,
	    NULL, 2000, NULL), 0);
	assert_int_equal(store_message_set_status(fx->st, id, HARK_ST_FAILED, "30003",
	    "Unreachable", 4000, NULL), 0);
	assert_int_equal(store_message_set_status(fx->st, id, HARK_ST_READ, NULL,
	    NULL, 5000, NULL), 1);
	assert_int_equal(store_message_get(fx->st, id, &got, NULL), 0);
	assert_int_equal(got.status, HARK_ST_READ);
	assert_int_equal(got.sent_at, 0);
	assert_int_equal(got.delivered_at, 3000);
	assert_int_equal(got.read_at, 5000);
	assert_null(got.error_code);
	store_message_clear(&got);
	assert_int_equal(count_rows(fx->st,
	    "SELECT count(*) FROM message_status_history"), 3);
}

static void
test_a_failure_after_sent_is_recorded_with_its_error(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = inbound_sms(fx->ann, NULL, "Hi", 1000);
	struct store_message got = { 0 };
	struct hark_money price = { 7900, "USD" };
	char *cause = NULL;
	int64_t id, found;

	m.direction = HARK_DIR_OUT;
	m.status = HARK_ST_SENDING;
	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);
	assert_int_equal(store_message_set_accepted(fx->st, id, "SM9", &price, 1,
	    NULL), 0);
	assert_int_equal(store_message_set_status(fx->st, id, HARK_ST_SENT, NULL,
	    NULL, 2000, NULL), 1);
	assert_int_equal(store_message_set_status(fx->st, id, HARK_ST_UNDELIVERED,
	    "30003", "Unreachable destination handset", 3000, NULL), 1);
	assert_int_equal(store_message_get(fx->st, id, &got, NULL), 0);
	assert_int_equal(got.status, HARK_ST_UNDELIVERED);
	assert_string_equal(got.error_code, "30003");
	assert_string_equal(got.provider_id, "SM9");
	assert_int_equal(got.price.micros, 7900);
	assert_int_equal(got.sent_at, 2000);
	store_message_clear(&got);
	assert_int_equal(store_message_by_provider_id(fx->st, "twilio", "SM9", &found,
	    NULL), 1);
	assert_int_equal(store_message_set_status(fx->st, 999, HARK_ST_SENT, NULL,
	    NULL, 1, &cause), -1);
	assert_string_equal(cause, "cannot change status: no message #999");
	free(cause);
}

struct collect {
	int n;
	int64_t ids[200];
	int64_t at[200];
	char text[200][64];
};

static int
collect_message(void *arg, const struct store_message *m)
{
	struct collect *c = arg;

	c->ids[c->n] = m->id;
	c->at[c->n] = m->created_at;
	snprintf(c->text[c->n], sizeof c->text[0], "%s", m->body);
	c->n++;
	return 0;
}

static void
test_a_thread_pages_back_oldest_first(void **state)
{
	struct fixture *fx = *state;
	struct store_message m;
	struct collect *c = xcalloc(1, sizeof *c);
	char body[32];
	int64_t id;
	int i;

	for (i = 0; i < 120; i++) {
		snprintf(body, sizeof body, "message %d", i);
		m = inbound_sms(i % 2 ? fx->ann : fx->bob, NULL, body, 1000 + i / 2);
		assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);
	}
	assert_int_equal(store_messages_page(fx->st, fx->ann, INT64_MAX, 0, 50,
	    collect_message, c, NULL), 0);
	assert_int_equal(c->n, 50);
	assert_string_equal(c->text[0], "message 21");
	assert_string_equal(c->text[49], "message 119");
	id = c->ids[0];
	memset(c, 0, sizeof *c);
	assert_int_equal(store_messages_page(fx->st, fx->ann, 1010, id, 50,
	    collect_message, c, NULL), 0);
	assert_int_equal(c->n, 10);
	assert_string_equal(c->text[0], "message 1");
	assert_string_equal(c->text[9], "message 19");
	free(c);
}

static void
test_export_streams_a_time_window(void **state)
{
	struct fixture *fx = *state;
	struct store_filter f = { 0, 1002, 1005 };
	struct store_message m;
	struct collect *c = xcalloc(1, sizeof *c);
	int64_t id;
	int i;

	for (i = 0; i < 10; i++) {
		m = inbound_sms(i % 2 ? fx->ann : fx->bob, NULL, "x", 1009 - i);
		assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);
	}
	assert_int_equal(store_messages_each(fx->st, &f, collect_message, c, NULL), 0);
	assert_int_equal(c->n, 3);
	assert_int_equal(c->at[0], 1002);
	assert_int_equal(c->at[2], 1004);
	memset(c, 0, sizeof *c);
	f.contact_id = fx->ann;
	f.since = 0;
	f.until = 0;
	assert_int_equal(store_messages_each(fx->st, &f, collect_message, c, NULL), 0);
	assert_int_equal(c->n, 5);
	assert_int_equal(c->at[0], 1000);
	free(c);
}

struct hits {
	int n;
	int64_t ids[16];
	char names[16][32];
	char snippets[16][128];
};

static int
collect_hit(void *arg, const struct store_hit *h)
{
	struct hits *hs = arg;

	hs->ids[hs->n] = h->message_id;
	snprintf(hs->names[hs->n], sizeof hs->names[0], "%s", h->contact_name);
	snprintf(hs->snippets[hs->n], sizeof hs->snippets[0], "%s", h->snippet);
	hs->n++;
	return 0;
}

static void
test_search_finds_an_email_subject_newest_first(void **state)
{
	struct fixture *fx = *state;
	struct store_message m;
	struct hits hs = { 0 };
	int64_t old, new, other;

	m = inbound_sms(fx->ann, NULL, "see attached", 1000);
	m.channel = HARK_CH_EMAIL;
	m.subject = "Quarterly invoice";
	assert_int_equal(store_message_insert(fx->st, &m, &old, NULL), 1);
	m = inbound_sms(fx->bob, NULL, "the invoice is paid", 3000);
	assert_int_equal(store_message_insert(fx->st, &m, &new, NULL), 1);
	m = inbound_sms(fx->bob, NULL, "lunch tomorrow?", 2000);
	assert_int_equal(store_message_insert(fx->st, &m, &other, NULL), 1);

	assert_int_equal(store_search(fx->st, "invoice", 10, collect_hit, &hs, NULL), 0);
	assert_int_equal(hs.n, 2);
	assert_int_equal(hs.ids[0], new);
	assert_int_equal(hs.ids[1], old);
	assert_string_equal(hs.names[0], "Bob Roe");
	assert_string_equal(hs.snippets[0], "the \x02invoice\x03 is paid");
	assert_non_null(strstr(hs.snippets[1], "\x02invoice\x03"));

	memset(&hs, 0, sizeof hs);
	assert_int_equal(store_search(fx->st, "invoice", 1, collect_hit, &hs, NULL), 0);
	assert_int_equal(hs.n, 1);
	assert_int_equal(hs.ids[0], new);
}

/* Imported history arrives after newer messages; search still goes by time. */
static void
test_search_orders_by_time_not_by_arrival(void **state)
{
	struct fixture *fx = *state;
	struct store_message m;
	struct hits hs = { 0 };
	int64_t newest, same1, same2, oldest;

	m = inbound_sms(fx->ann, NULL, "offer accepted", 5000);
	assert_int_equal(store_message_insert(fx->st, &m, &newest, NULL), 1);
	m = inbound_sms(fx->bob, NULL, "first offer", 4000);
	assert_int_equal(store_message_insert(fx->st, &m, &same1, NULL), 1);
	m = inbound_sms(fx->bob, NULL, "second offer, same millisecond", 4000);
	assert_int_equal(store_message_insert(fx->st, &m, &same2, NULL), 1);
	m = inbound_sms(fx->ann, NULL, "an old offer from the import", 10);
	assert_int_equal(store_message_insert(fx->st, &m, &oldest, NULL), 1);

	assert_int_equal(store_search(fx->st, "offer", 10, collect_hit, &hs, NULL), 0);
	assert_int_equal(hs.n, 4);
	assert_int_equal(hs.ids[0], newest);
	assert_int_equal(hs.ids[1], same2);
	assert_int_equal(hs.ids[2], same1);
	assert_int_equal(hs.ids[3], oldest);
}

static void
test_a_malformed_search_names_the_query(void **state)
{
	struct fixture *fx = *state;
	struct hits hs = { 0 };
	char *cause = NULL;

	assert_int_equal(store_search(fx->st, "invoice AND", 10, collect_hit, &hs,
	    &cause), -1);
	assert_true(hark_startswith(cause, "bad search query 'invoice AND': "));
	free(cause);
	cause = NULL;
	assert_int_equal(store_search(fx->st, "  ", 10, collect_hit, &hs, &cause), -1);
	assert_true(hark_startswith(cause, "bad search query '  '"));
	free(cause);
}

static void
test_an_import_is_searchable_once_the_bulk_load_ends(void **state)
{
	struct fixture *fx = *state;
	struct store_message m;
	struct hits hs = { 0 };
	struct hbuf out = HBUF_INIT;
	struct store_contact c = { 0 };
	char *cause = NULL;
	int64_t id;
	int i;

	assert_int_equal(store_bulk_begin(fx->st, &cause), -1);
	assert_non_null(strstr(cause, "needs an open transaction"));
	free(cause);
	m = inbound_sms(fx->ann, NULL, "before the import: harvest", 10);
	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);

	assert_int_equal(store_begin(fx->st, NULL), 0);
	assert_int_equal(store_bulk_begin(fx->st, NULL), 0);
	for (i = 0; i < 30; i++) {
		m = inbound_sms(fx->bob, NULL, i == 7 ? "the harvest festival" : "hi",
		    100 + i);
		assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);
	}
	assert_int_equal(store_search(fx->st, "harvest", 10, collect_hit, &hs, NULL), 0);
	assert_int_equal(hs.n, 1);
	assert_int_equal(store_bulk_end(fx->st, NULL), 0);
	assert_int_equal(store_commit(fx->st, NULL), 0);

	memset(&hs, 0, sizeof hs);
	assert_int_equal(store_search(fx->st, "harvest", 10, collect_hit, &hs, NULL), 0);
	assert_int_equal(hs.n, 2);
	assert_string_equal(hs.names[0], "Bob Roe");
	assert_int_equal(store_check(fx->st, &out, NULL), 0);
	hbuf_free(&out);
	assert_int_equal(store_contact_get(fx->st, fx->bob, &c, NULL), 0);
	assert_int_equal(c.unread, 30);
	assert_int_equal(c.last_activity, 129);
	assert_int_equal(c.channels, 1u << HARK_CH_SMS);
	store_contact_clear(&c);
	assert_int_equal(count_rows(fx->st,
	    "SELECT count(*) FROM message_status_history"), 31);
}

static void
test_a_rolled_back_import_leaves_nothing_behind(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = inbound_sms(fx->bob, "SM1", "hay", 100);
	struct store_contact c = { 0 };
	struct hits hs = { 0 };
	int64_t id;

	assert_int_equal(store_begin(fx->st, NULL), 0);
	assert_int_equal(store_bulk_begin(fx->st, NULL), 0);
	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);
	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 0);
	store_rollback(fx->st);
	m = inbound_sms(fx->bob, "SM2", "hay again", 200);
	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);
	assert_int_equal(store_search(fx->st, "hay", 10, collect_hit, &hs, NULL), 0);
	assert_int_equal(hs.n, 1);
	assert_int_equal(store_contact_get(fx->st, fx->bob, &c, NULL), 0);
	assert_int_equal(c.unread, 1);
	store_contact_clear(&c);
}

static void
test_a_full_disk_is_reported_and_nothing_is_half_written(void **state)
{
	struct fixture *fx = *state;
	struct store_message m;
	struct store_contact c = { 0 };
	char *cause = NULL, *big = xmalloc(60000), *limit;
	int64_t id, pages, before;
	int i, rc = 1;

	memset(big, 'a', 59999);
	big[59999] = '\0';
	pages = count_rows(fx->st, "PRAGMA page_count");
	limit = xasprintf("PRAGMA max_page_count = %lld", (long long)pages + 40);
	assert_int_equal(sqlite3_exec(fx->st->db, limit, NULL, NULL, NULL), SQLITE_OK);
	free(limit);
	for (i = 0; i < 50 && rc == 1; i++) {
		before = count_rows(fx->st, "SELECT count(*) FROM messages");
		m = inbound_sms(fx->ann, NULL, big, 1000 + i);
		rc = store_message_insert(fx->st, &m, &id, &cause);
	}
	assert_int_equal(rc, -1);
	assert_true(before > 0);
	assert_string_equal(cause, "cannot insert message: disk is full");
	assert_int_equal(count_rows(fx->st, "SELECT count(*) FROM messages"), before);
	assert_int_equal(count_rows(fx->st,
	    "SELECT count(*) FROM message_status_history"), before);
	assert_int_equal(store_contact_get(fx->st, fx->ann, &c, NULL), 0);
	assert_int_equal(c.unread, before);
	store_contact_clear(&c);
	free(cause);
	free(big);
}

static void
test_a_failed_insert_keeps_the_rest_of_the_transaction(void **state)
{
	struct fixture *fx = *state;
	struct store_message m = inbound_sms(fx->ann, "SM1", "kept", 1000);
	char *cause = NULL;
	int64_t id;

	assert_int_equal(store_begin(fx->st, NULL), 0);
	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);
	m = inbound_sms(fx->ann, "SM2", "bad", 1000);
	m.status = HARK_ST__COUNT;
	assert_int_equal(store_message_insert(fx->st, &m, &id, &cause), -1);
	m = inbound_sms(99, "SM3", "no such contact", 1000);
	assert_int_equal(store_message_insert(fx->st, &m, &id, &cause), -1);
	assert_int_equal(store_commit(fx->st, NULL), 0);
	assert_int_equal(count_rows(fx->st, "SELECT count(*) FROM messages"), 1);
	assert_int_equal(count_rows(fx->st,
	    "SELECT unread FROM conversations WHERE contact_id = 1"), 1);
	free(cause);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_a_message_without_provider_is_refused),
		T(test_a_message_for_an_unknown_contact_names_it),
		T(test_a_duplicate_inbound_webhook_is_stored_once),
		T(test_the_conversation_follows_new_messages),
		T(test_a_message_comes_back_as_written),
		T(test_a_late_sent_never_overwrites_delivered),
		T(test_a_failure_after_sent_is_recorded_with_its_error),
		T(test_a_thread_pages_back_oldest_first),
		T(test_export_streams_a_time_window),
		T(test_search_finds_an_email_subject_newest_first),
		T(test_search_orders_by_time_not_by_arrival),
		T(test_a_malformed_search_names_the_query),
		T(test_an_import_is_searchable_once_the_bulk_load_ends),
		T(test_a_rolled_back_import_leaves_nothing_behind),
		T(test_a_full_disk_is_reported_and_nothing_is_half_written),
		T(test_a_failed_insert_keeps_the_rest_of_the_transaction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
