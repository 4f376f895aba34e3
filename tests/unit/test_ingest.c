/* test_ingest.c — provider events applied to the store, as the relay and polls do. */

#include "harness.h"
#include "store_fx.h"
#include "hark/config.h"
#include "hark/engine.h"
#include "hark/provider.h"
#include "hark/store.h"

/* Applies events in one transaction, as the relay's batches do. */
static int
ingest(struct store_fx *fx, const struct provider_event *ev)
{
	char *cause = NULL;
	int rc;

	assert_int_equal(store_begin(fx->st, NULL), 0);
	rc = engine_ingest(fx->st, fx->cfg, ev, &cause);
	assert_int_equal(store_commit(fx->st, NULL), 0);
	free(cause);
	return rc;
}

static struct provider_event
sms_in(const char *sid, const char *from, const char *body)
{
	struct provider_event e = { 0 };

	e.type = PROVIDER_EV_INBOUND;
	e.provider = "twilio";
	e.provider_id = sid;
	e.channel = HARK_CH_SMS;
	e.from = from;
	e.to = "+14155550100";
	e.body = body;
	e.at = 1700000000000;
	e.duration_s = -1;
	return e;
}

static int64_t
count(struct store_fx *fx, const char *what)
{
	struct hbuf out = HBUF_INIT;
	char *p, needle[64];
	int64_t n = -1;

	assert_int_equal(store_check(fx->st, &out, NULL), 0);
	snprintf(needle, sizeof needle, "\n%s ", what);
	if ((p = strstr(hbuf_str(&out), needle)) != NULL)
		n = strtoll(p + strlen(needle), NULL, 10);
	hbuf_free(&out);
	return n;
}

static int
journal_kind(void *arg, const struct store_event *e)
{
	struct hbuf *b = arg;

	hbuf_printf(b, "%s:%s;", e->kind, e->payload ? e->payload : "");
	return 0;
}

static char *
journal(struct store_fx *fx)
{
	struct hbuf b = HBUF_INIT;
	char *s;

	assert_int_equal(store_events_since(fx->st, 0, 100, journal_kind, &b, NULL), 0);
	s = xstrdup(hbuf_str(&b));
	hbuf_free(&b);
	return s;
}

/* A provider retrying a webhook stores the message once. */
static void
test_inbound_is_stored_once(void **state)
{
	struct store_fx *fx = *state;
	struct provider_event e = sms_in("SM1", "+14155550177", "Is it still for sale?");
	struct provider_media media[2] = {
		{ "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/SM1/Media/ME1", "image/jpeg" },
		{ "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/SM1/Media/ME2", "image/png" },
	};
	char *j;

	e.media = media;
	e.nmedia = 2;
	assert_int_equal(ingest(fx, &e), 1);
	assert_int_equal(ingest(fx, &e), 0);
	assert_int_equal(count(fx, "messages"), 1);
	assert_int_equal(count(fx, "attachments"), 2);
	assert_int_equal(count(fx, "contacts"), 1);
	j = journal(fx);
	assert_string_equal(j, "contact-changed:created;message-added:inbound;");
	free(j);
}

/* STOP opts the number out of SMS only; START opts it back in. */
static void
test_stop_and_start(void **state)
{
	struct store_fx *fx = *state;
	struct provider_event e = sms_in("SM2", "+14155550177", " stop ");
	char *why = NULL;

	assert_int_equal(ingest(fx, &e), 1);
	assert_int_equal(store_optout_check(fx->st, HARK_CH_SMS, "+14155550177",
	    &why, NULL), 1);
	assert_non_null(strstr(why, "keyword"));
	free(why);
	assert_int_equal(store_optout_check(fx->st, HARK_CH_WHATSAPP,
	    "+14155550177", NULL, NULL), 0);
	e = sms_in("SM3", "+14155550177", "START");
	assert_int_equal(ingest(fx, &e), 1);
	assert_int_equal(store_optout_check(fx->st, HARK_CH_SMS, "+14155550177",
	    NULL, NULL), 0);
	/* A retry of the STOP after START changes nothing. */
	e = sms_in("SM2", "+14155550177", "STOP");
	assert_int_equal(ingest(fx, &e), 0);
	assert_int_equal(store_optout_check(fx->st, HARK_CH_SMS, "+14155550177",
	    NULL, NULL), 0);
}

static int64_t
sent_message(struct store_fx *fx, const char *provider, const char *sid,
    enum hark_channel ch, const char *to)
{
	struct store_message m = { 0 };
	int64_t contact, id;
	int created;

	assert_int_equal(store_contact_ensure(fx->st, store_id_kind_for(ch), to,
	    "Ann Lee", &contact, &created, NULL), 0);
	m.contact_id = contact;
	m.channel = ch;
	m.direction = HARK_DIR_OUT;
	m.provider = (char *)provider;
	m.provider_id = (char *)sid;
	m.from_addr = "+14155550100";
	m.to_addr = (char *)to;
	m.body = ch == HARK_CH_VOICE ? "Call" : "Hello";
	m.status = HARK_ST_SENT;
	m.created_at = 1700000000000;
	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);
	return id;
}

/* Statuses move forward only; 21610 opts the recipient out. */
static void
test_status_forward_and_21610(void **state)
{
	struct store_fx *fx = *state;
	struct provider_event e = { 0 };
	struct store_message m = { 0 };
	int64_t id = sent_message(fx, "twilio", "SM9", HARK_CH_SMS, "+14155550188");

	e.type = PROVIDER_EV_STATUS;
	e.provider = "twilio";
	e.provider_id = "SM9";
	e.status = HARK_ST_DELIVERED;
	e.duration_s = -1;
	assert_int_equal(ingest(fx, &e), 1);
	e.status = HARK_ST_SENT; /* late */
	assert_int_equal(ingest(fx, &e), 0);
	assert_int_equal(store_message_get(fx->st, id, &m, NULL), 0);
	assert_int_equal(m.status, HARK_ST_DELIVERED);
	store_message_clear(&m);

	id = sent_message(fx, "twilio", "SM10", HARK_CH_SMS, "+14155550189");
	e.provider_id = "SM10";
	e.status = HARK_ST_FAILED;
	e.error_code = "21610";
	e.error_text = "recipient unsubscribed";
	assert_int_equal(ingest(fx, &e), 1);
	assert_int_equal(store_optout_check(fx->st, HARK_CH_SMS, "+14155550189",
	    NULL, NULL), 1);
	/* A status for a message hark never sent is ignored, not an error. */
	e.provider_id = "SMunknown";
	assert_int_equal(ingest(fx, &e), 0);
}

/* A spam report found by our own id opts the address out of email. */
static void
test_email_spam_report(void **state)
{
	struct store_fx *fx = *state;
	struct provider_event e = { 0 };
	int64_t id = sent_message(fx, "sendgrid", "abc123", HARK_CH_EMAIL,
	    "ann@example.com");

	e.type = PROVIDER_EV_STATUS;
	e.provider = "sendgrid";
	e.provider_id = "not-the-stored-id";
	e.hark_id = id;
	e.optout = "spam report";
	e.duration_s = -1;
	assert_int_equal(ingest(fx, &e), 1);
	assert_int_equal(store_optout_check(fx->st, HARK_CH_EMAIL,
	    "ann@example.com", NULL, NULL), 1);
	/* Our id echoed by another provider is not taken. */
	e.provider = "mailgun";
	e.provider_id = NULL;
	assert_int_equal(ingest(fx, &e), 0);
}

/* A bridged call: the contact's leg decides status and duration. */
static void
test_bridged_call(void **state)
{
	struct store_fx *fx = *state;
	struct provider_event e = { 0 };
	struct store_call c;
	struct store_message m = { 0 };
	int64_t id = sent_message(fx, "twilio", "CA1", HARK_CH_VOICE, "+14155550190");

	e.type = PROVIDER_EV_CALL;
	e.provider = "twilio";
	e.provider_id = "CA1";
	e.call_status = "ringing";
	e.duration_s = -1;
	assert_int_equal(ingest(fx, &e), 1);
	/* The Dial action: the contact talked for 95 s. */
	e.call_status = "completed";
	e.duration_s = 95;
	e.detail = "dial";
	e.recording_url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1";
	assert_int_equal(ingest(fx, &e), 1);
	/* The user's own leg ends later, longer: it does not override. */
	e.detail = NULL;
	e.duration_s = 120;
	e.recording_url = NULL;
	e.has_price = 1;
	e.price.micros = 28000;
	memcpy(e.price.currency, "USD", 4);
	assert_int_equal(ingest(fx, &e), 1);
	assert_int_equal(store_call_get(fx->st, id, &c, NULL), 1);
	assert_string_equal(c.status, "completed");
	assert_int_equal(c.duration_s, 95);
	assert_non_null(c.recording_url);
	assert_true(c.has_price);
	assert_int_equal(c.price.micros, 28000);
	store_call_clear(&c);
	assert_int_equal(store_message_get(fx->st, id, &m, NULL), 0);
	assert_int_equal(m.status, HARK_ST_DELIVERED);
	store_message_clear(&m);
	assert_int_equal(store_call_set_outcome(fx->st, id, "reached",
	    "wants a viewing on Saturday", NULL), 0);
	assert_int_equal(store_call_get(fx->st, id, &c, NULL), 1);
	assert_string_equal(c.outcome, "reached");
	store_call_clear(&c);
}

/* A busy contact shows as a failed call with the reason. */
static void
test_busy_call_and_inbound_call(void **state)
{
	struct store_fx *fx = *state;
	struct provider_event e = { 0 };
	struct store_message m = { 0 };
	int64_t id = sent_message(fx, "twilio", "CA2", HARK_CH_VOICE, "+14155550191");

	e.type = PROVIDER_EV_CALL;
	e.provider = "twilio";
	e.provider_id = "CA2";
	e.call_status = "busy";
	e.duration_s = 0;
	e.detail = "dial";
	assert_int_equal(ingest(fx, &e), 1);
	assert_int_equal(store_message_get(fx->st, id, &m, NULL), 0);
	assert_int_equal(m.status, HARK_ST_FAILED);
	assert_string_equal(m.error_text, "busy");
	store_message_clear(&m);

	/* The contact calls us: a new voice message in their thread. */
	memset(&e, 0, sizeof e);
	e.type = PROVIDER_EV_CALL;
	e.provider = "twilio";
	e.provider_id = "CA3";
	e.inbound_call = 1;
	e.from = "+14155550191";
	e.to = "+14155550100";
	e.call_status = "ringing";
	e.duration_s = -1;
	assert_int_equal(ingest(fx, &e), 1);
	assert_int_equal(count(fx, "calls"), 2);
}

/* One bad event in a batch leaves the others in it. */
static void
test_bad_event_keeps_the_batch(void **state)
{
	struct store_fx *fx = *state;
	struct provider_event a = sms_in("SM20", "+14155550177", "one");
	struct provider_event bad = sms_in(NULL, "+14155550177", "no id");
	struct provider_event b = sms_in("SM21", "+14155550177", "two");
	char *cause = NULL;

	assert_int_equal(store_begin(fx->st, NULL), 0);
	assert_int_equal(engine_ingest(fx->st, fx->cfg, &a, NULL), 1);
	assert_int_equal(engine_ingest(fx->st, fx->cfg, &bad, &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_int_equal(engine_ingest(fx->st, fx->cfg, &b, NULL), 1);
	assert_int_equal(store_commit(fx->st, NULL), 0);
	assert_int_equal(count(fx, "messages"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		store_fx_test(test_inbound_is_stored_once),
		store_fx_test(test_stop_and_start),
		store_fx_test(test_status_forward_and_21610),
		store_fx_test(test_email_spam_report),
		store_fx_test(test_bridged_call),
		store_fx_test(test_busy_call_and_inbound_call),
		store_fx_test(test_bad_event_keeps_the_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
