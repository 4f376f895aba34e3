/*
 * test_webhook.c — what the relay makes of the webhooks providers post:
 * form bodies, Twilio messages, status and voice callbacks, SendGrid and
 * Mailgun events, and the refusal of malformed ones with a reason.
 */

#include "harness.h"

#include "hark/relay.h"

/* ---- helpers ------------------------------------------------------------ */

static void
parse_ok(const char *body, struct form *f)
{
	char *cause = NULL;

	if (form_parse(body, strlen(body), f, &cause) != 0)
		fail_msg("form_parse: %s", cause);
	assert_null(cause);
}

/* Parses body, which must be refused with a cause containing want. */
static void
parse_refused(const char *body, size_t len, const char *want)
{
	struct form f = { NULL, 0 };
	char *cause = NULL;

	assert_int_equal(form_parse(body, len, &f, &cause), -1);
	assert_int_equal(f.n, 0);
	assert_null(f.p);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("cause '%s' does not mention '%s'", cause, want);
	free(cause);
}

typedef int (*form_parser)(const struct form *, struct webhook_events *,
    char **);
typedef int (*json_parser)(const char *, size_t, struct webhook_events *,
    char **);

/* Runs a Twilio parser on a form body; the form is freed before the events
 * are looked at, since they must own their strings. */
static void
twilio_ok(form_parser fn, const char *body, struct webhook_events *w)
{
	struct form f = { NULL, 0 };
	char *cause = NULL;

	parse_ok(body, &f);
	if (fn(&f, w, &cause) != 0)
		fail_msg("parser refused: %s", cause);
	form_free(&f);
	assert_int_equal(w->n, 1);
}

static void
twilio_refused(form_parser fn, const char *body, const char *want)
{
	struct webhook_events w;
	struct form f = { NULL, 0 };
	char *cause = NULL;

	parse_ok(body, &f);
	assert_int_equal(fn(&f, &w, &cause), -1);
	assert_int_equal(w.n, 0);
	assert_null(w.ev);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("cause '%s' does not mention '%s'", cause, want);
	free(cause);
	form_free(&f);
	webhook_events_free(&w);
}

static void
json_ok(json_parser fn, const char *json, struct webhook_events *w)
{
	char *copy = strdup(json), *cause = NULL;

	if (fn(copy, strlen(copy), w, &cause) != 0)
		fail_msg("parser refused: %s", cause);
	memset(copy, 'x', strlen(copy));
	free(copy);
}

static void
json_refused(json_parser fn, const char *json, const char *want)
{
	struct webhook_events w;
	char *cause = NULL;

	assert_int_equal(fn(json, strlen(json), &w, &cause), -1);
	assert_int_equal(w.n, 0);
	assert_null(w.ev);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("cause '%s' does not mention '%s'", cause, want);
	free(cause);
	webhook_events_free(&w);
}

/* ---- form bodies -------------------------------------------------------- */

static void
test_form_empty(void **state)
{
	struct form f = { NULL, 0 };

	parse_ok("", &f);
	assert_int_equal(f.n, 0);
	assert_null(form_get(&f, "From"));
	form_free(&f);
	form_free(&f);
	form_free(NULL);
	parse_ok("&&&", &f);
	assert_int_equal(f.n, 0);
	form_free(&f);
}

static void
test_form_decoding(void **state)
{
	struct form f = { NULL, 0 };

	parse_ok("a=1&b=&c&&d=x%3Dy+z&e=%e2%82%AC&A=upper&a=2&%41%42=%2b", &f);
	assert_int_equal(f.n, 8);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(form_get(&f, "b"), "");
	assert_string_equal(form_get(&f, "c"), "");
	assert_string_equal(form_get(&f, "d"), "x=y z");
	assert_string_equal(form_get(&f, "e"), "€");
	assert_string_equal(form_get(&f, "A"), "upper");
	assert_string_equal(form_get(&f, "AB"), "+");
	assert_null(form_get(&f, "x"));
	/* Repeated names keep every value, in order. */
	assert_string_equal(f.p[6].name, "a");
	assert_string_equal(f.p[6].value, "2");
	form_add(&f, "added", "by hand");
	assert_string_equal(form_get(&f, "added"), "by hand");
	form_free(&f);
	assert_int_equal(f.n, 0);
}

/* The body's length is what counts, not a NUL terminator. */
static void
test_form_length(void **state)
{
	struct form f = { NULL, 0 };
	char *cause = NULL;

	assert_int_equal(form_parse("a=12&b=3", 4, &f, &cause), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(form_get(&f, "a"), "12");
	form_free(&f);
}

static void
test_form_bad_escapes(void **state)
{
	parse_refused("Body=100%", 9, "escape");
	parse_refused("Body=%4", 7, "escape");
	parse_refused("Body=%zz", 8, "escape");
	parse_refused("Body=%+1", 8, "escape");
	parse_refused("%g1=x", 5, "escape");
	/* The cause names the parameter, when its name can be shown. */
	parse_refused("To=1&Body=%zz", 13, "'Body'");
	parse_refused("a=1&%zz=1", 9, "number 2");
}

static void
test_form_nul_and_utf8(void **state)
{
	parse_refused("Body=a%00b", 10, "NUL");
	parse_refused("Body=a\0b", 8, "NUL");
	parse_refused("Body=%C3%28", 11, "UTF-8");
	parse_refused("Body=%C0%AF", 11, "UTF-8");        /* overlong '/' */
	parse_refused("Body=%ED%A0%80", 14, "UTF-8");     /* a surrogate */
	parse_refused("%FF=1", 5, "UTF-8");
	parse_refused("Body=\xff", 6, "UTF-8");
}

static void
test_form_too_many(void **state)
{
	struct form f = { NULL, 0 };
	char *body = malloc(1001 * 16), *p = body, *cause = NULL;
	int i;

	for (i = 0; i < 1000; i++)
		p += sprintf(p, "%sp%d=%d", i > 0 ? "&" : "", i, i);
	assert_int_equal(form_parse(body, strlen(body), &f, &cause), 0);
	assert_int_equal(f.n, 1000);
	assert_string_equal(form_get(&f, "p999"), "999");
	form_free(&f);
	strcpy(p, "&one=more");
	parse_refused(body, strlen(body), "more than 1000");
	free(body);
}

/* ---- Twilio messages ---------------------------------------------------- */

#define TW_SMS "ToCountry=US&ToState=CA&SmsMessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f" \
	"&NumMedia=0&ToCity=SAN+FRANCISCO&FromZip=94105&SmsSid=SM1f0e8ae6ade43cb3c0ce4525424e404f" \
	"&FromState=CA&SmsStatus=received&FromCity=SAN+FRANCISCO" \
	"&Body=Running+late%2C+see+you+at+10+%F0%9F%91%8D+caf%C3%A9&FromCountry=US" \
	"&To=%2B14155552345&MessagingServiceSid=MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"&ToZip=94105&NumSegments=1&MessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f" \
	"&AccountSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&From=%2B14155550100&ApiVersion=2010-04-01"

static void
test_twilio_sms(void **state)
{
	struct webhook_events w;
	const struct provider_event *e;

	twilio_ok(webhook_twilio_message, TW_SMS, &w);
	e = &w.ev[0];
	assert_int_equal(e->type, PROVIDER_EV_INBOUND);
	assert_string_equal(e->provider, "twilio");
	assert_string_equal(e->provider_id, "SM1f0e8ae6ade43cb3c0ce4525424e404f");
	assert_int_equal(e->channel, HARK_CH_SMS);
	assert_string_equal(e->from, "+14155550100");
	assert_string_equal(e->to, "+14155552345");
	assert_string_equal(e->body, "Running late, see you at 10 👍 café");
	assert_int_equal(e->nmedia, 0);
	assert_null(e->media);
	assert_null(e->profile_name);
	assert_int_equal(e->at, 0);
	webhook_events_free(&w);
	assert_null(w.ev);
	webhook_events_free(&w);
}

static void
test_twilio_mms(void **state)
{
	struct webhook_events w;
	const struct provider_event *e;

	twilio_ok(webhook_twilio_message,
	    "MessageSid=MM5ef8732a3c49700934481addd5ce1659&SmsSid=MM5ef8732a3c49700934481addd5ce1659"
	    "&AccountSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&From=%2B14155550100&To=%2B14155552345"
	    "&Body=&NumMedia=2&NumSegments=1"
	    "&MediaContentType0=image%2Fjpeg&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2F2010-04-01"
	    "%2FAccounts%2FACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa%2FMessages%2FMM5ef8%2FMedia%2FME0"
	    "&MediaContentType1=video%2Fmp4&MediaUrl1=https%3A%2F%2Fapi.twilio.com%2F2010-04-01"
	    "%2FAccounts%2FACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa%2FMessages%2FMM5ef8%2FMedia%2FME1"
	    "&ApiVersion=2010-04-01", &w);
	e = &w.ev[0];
	assert_string_equal(e->provider_id, "MM5ef8732a3c49700934481addd5ce1659");
	assert_string_equal(e->body, "");
	assert_int_equal(e->nmedia, 2);
	assert_string_equal(e->media[0].url, "https://api.twilio.com/2010-04-01/"
	    "Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/MM5ef8/Media/ME0");
	assert_string_equal(e->media[0].content_type, "image/jpeg");
	assert_string_equal(e->media[1].url, "https://api.twilio.com/2010-04-01/"
	    "Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/MM5ef8/Media/ME1");
	assert_string_equal(e->media[1].content_type, "video/mp4");
	webhook_events_free(&w);
}

static void
test_twilio_whatsapp(void **state)
{
	struct webhook_events w;
	const struct provider_event *e;

	twilio_ok(webhook_twilio_message,
	    "SmsMessageSid=SM0aa1b2c3d4e5f60718293a4b5c6d7e8f&NumMedia=0"
	    "&ProfileName=Ana+Mar%C3%ADa&WaId=14155550100&SmsStatus=received"
	    "&Body=%C2%BFSigue+en+pie+lo+del+jueves%3F&To=whatsapp%3A%2B14155238886"
	    "&NumSegments=1&MessageSid=SM0aa1b2c3d4e5f60718293a4b5c6d7e8f"
	    "&AccountSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "&From=whatsapp%3A%2B14155550100&ApiVersion=2010-04-01", &w);
	e = &w.ev[0];
	assert_int_equal(e->channel, HARK_CH_WHATSAPP);
	assert_string_equal(e->from, "+14155550100");
	assert_string_equal(e->to, "+14155238886");
	assert_string_equal(e->profile_name, "Ana María");
	assert_string_equal(e->body, "¿Sigue en pie lo del jueves?");
	webhook_events_free(&w);
}

/* Bodies are kept exactly as sent: the terminal is protected at draw time. */
static void
test_twilio_body_as_given(void **state)
{
	struct webhook_events w;

	twilio_ok(webhook_twilio_message, "MessageSid=SM1&From=%2B14155550100"
	    "&Body=%1B%5B2J%E2%80%AEevil%0D%0Aline", &w);
	assert_string_equal(w.ev[0].body, "\x1b[2J\xe2\x80\xae" "evil\r\nline");
	assert_null(w.ev[0].to);
	webhook_events_free(&w);
}

static void
test_twilio_message_refused(void **state)
{
	twilio_refused(webhook_twilio_message, "From=%2B14155550100&Body=hi",
	    "MessageSid");
	twilio_refused(webhook_twilio_message, "MessageSid=SM1&Body=hi",
	    "From");
	twilio_refused(webhook_twilio_message, "MessageSid=SM1&From=&Body=hi",
	    "From");
	twilio_refused(webhook_twilio_message,
	    "MessageSid=SM1&From=%2B1415&NumMedia=two", "NumMedia");
	twilio_refused(webhook_twilio_message,
	    "MessageSid=SM1&From=%2B1415&NumMedia=-1", "NumMedia");
	twilio_refused(webhook_twilio_message,
	    "MessageSid=SM1&From=%2B1415&NumMedia=99999999999", "NumMedia");
	twilio_refused(webhook_twilio_message,
	    "MessageSid=SM1&From=%2B1415&NumMedia=2&MediaUrl0=https%3A%2F%2Fx",
	    "MediaUrl1");
}

/* ---- Twilio status callbacks -------------------------------------------- */

static void
test_twilio_status_delivered(void **state)
{
	struct webhook_events w;
	const struct provider_event *e;

	twilio_ok(webhook_twilio_status,
	    "SmsSid=SM5d2d3b5a4c8e4f0f9a1b2c3d4e5f6a7b&SmsStatus=delivered"
	    "&MessageStatus=delivered&To=%2B14155550100"
	    "&MessagingServiceSid=MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "&MessageSid=SM5d2d3b5a4c8e4f0f9a1b2c3d4e5f6a7b"
	    "&AccountSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&From=%2B14155552345"
	    "&ApiVersion=2010-04-01&RawDlrDoneDate=2611230958", &w);
	e = &w.ev[0];
	assert_int_equal(e->type, PROVIDER_EV_STATUS);
	assert_string_equal(e->provider, "twilio");
	assert_string_equal(e->provider_id, "SM5d2d3b5a4c8e4f0f9a1b2c3d4e5f6a7b");
	assert_int_equal(e->status, HARK_ST_DELIVERED);
	assert_int_equal(e->channel, HARK_CH_SMS);
	assert_null(e->error_code);
	assert_null(e->error_text);
	assert_int_equal(e->has_price, 0);
	webhook_events_free(&w);
}

static void
test_twilio_status_error(void **state)
{
	struct webhook_events w;
	const struct provider_event *e;

	twilio_ok(webhook_twilio_status,
	    "ErrorCode=30006&SmsSid=SM5d2d&SmsStatus=undelivered"
	    "&MessageStatus=undelivered&To=%2B14155550109&MessageSid=SM5d2d"
	    "&AccountSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&From=%2B14155552345"
	    "&ApiVersion=2010-04-01", &w);
	e = &w.ev[0];
	assert_int_equal(e->status, HARK_ST_UNDELIVERED);
	assert_string_equal(e->error_code, "30006");
	assert_string_equal(e->error_text, "Landline or unreachable carrier");
	webhook_events_free(&w);
	/* A code hark has no text for still says which one it was. */
	twilio_ok(webhook_twilio_status, "MessageSid=SM1&MessageStatus=failed"
	    "&ErrorCode=30410", &w);
	assert_int_equal(w.ev[0].status, HARK_ST_FAILED);
	assert_string_equal(w.ev[0].error_code, "30410");
	assert_string_equal(w.ev[0].error_text, "Twilio error 30410");
	webhook_events_free(&w);
}

static void
test_twilio_status_whatsapp_read(void **state)
{
	struct webhook_events w;

	twilio_ok(webhook_twilio_status, "MessageSid=SM9&MessageStatus=read"
	    "&SmsStatus=read&From=whatsapp%3A%2B14155238886"
	    "&To=whatsapp%3A%2B14155550100&ChannelPrefix=whatsapp", &w);
	assert_int_equal(w.ev[0].status, HARK_ST_READ);
	assert_int_equal(w.ev[0].channel, HARK_CH_WHATSAPP);
	assert_string_equal(w.ev[0].to, "+14155550100");
	webhook_events_free(&w);
}

static void
test_twilio_status_refused(void **state)
{
	twilio_refused(webhook_twilio_status, "MessageStatus=sent",
	    "MessageSid");
	twilio_refused(webhook_twilio_status, "MessageSid=SM1", "MessageStatus");
	twilio_refused(webhook_twilio_status,
	    "MessageSid=SM1&MessageStatus=exploded", "'exploded'");
}

static void
test_twilio_status_names(void **state)
{
	static const struct { const char *s; enum hark_status st; } t[] = {
		{ "queued", HARK_ST_QUEUED }, { "accepted", HARK_ST_QUEUED },
		{ "scheduled", HARK_ST_SCHEDULED }, { "sending", HARK_ST_SENDING },
		{ "sent", HARK_ST_SENT }, { "delivered", HARK_ST_DELIVERED },
		{ "partially_delivered", HARK_ST_DELIVERED },
		{ "read", HARK_ST_READ }, { "failed", HARK_ST_FAILED },
		{ "undelivered", HARK_ST_UNDELIVERED },
		{ "canceled", HARK_ST_CANCELED }, { "receiving", HARK_ST_RECEIVED },
		{ "received", HARK_ST_RECEIVED },
	};
	enum hark_status st;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		assert_int_equal(twilio_status_parse(t[i].s, &st), 0);
		assert_int_equal(st, t[i].st);
	}
	assert_int_equal(twilio_status_parse("Delivered", &st), -1);
	assert_int_equal(twilio_status_parse("", &st), -1);
	assert_int_equal(twilio_status_parse(NULL, &st), -1);
	assert_string_equal(twilio_error_text(21610),
	    "The recipient has opted out (replied STOP)");
	assert_non_null(twilio_error_text(63016));
	assert_non_null(twilio_error_text(20003));
	assert_null(twilio_error_text(0));
	assert_null(twilio_error_text(99999));
}

/* ---- Twilio voice ------------------------------------------------------- */

static void
test_twilio_voice_completed(void **state)
{
	struct webhook_events w;
	const struct provider_event *e;

	twilio_ok(webhook_twilio_voice,
	    "Called=%2B14155550100&ToState=CA&CallerCountry=US&Direction=outbound-api"
	    "&Timestamp=Mon%2C+23+Nov+2026+09%3A58%3A00+%2B0000&CallbackSource=call-progress-events"
	    "&SequenceNumber=3&CallerState=CA&ToZip=&CallSid=CA9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	    "&To=%2B14155550100&CallerZip=&ToCountry=US&CallDuration=42&ApiVersion=2010-04-01"
	    "&CallStatus=completed&RecordingUrl=https%3A%2F%2Fapi.twilio.com%2F2010-04-01%2F"
	    "Accounts%2FAC1%2FRecordings%2FRE1&RecordingSid=RE1&RecordingDuration=40&Duration=1"
	    "&From=%2B14155552345&AccountSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &w);
	e = &w.ev[0];
	assert_int_equal(e->type, PROVIDER_EV_CALL);
	assert_string_equal(e->provider_id, "CA9f8e7d6c5b4a39281706f5e4d3c2b1a0");
	assert_int_equal(e->channel, HARK_CH_VOICE);
	assert_string_equal(e->call_status, "completed");
	assert_int_equal(e->duration_s, 42);
	assert_string_equal(e->recording_url,
	    "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1");
	assert_int_equal(e->inbound_call, 0);
	assert_null(e->parent_id);
	assert_null(e->detail);
	assert_string_equal(e->from, "+14155552345");
	assert_string_equal(e->to, "+14155550100");
	assert_int_equal(e->at, INT64_C(1795427880000));
	webhook_events_free(&w);
}

static void
test_twilio_voice_legs(void **state)
{
	struct webhook_events w;

	/* The contact calls us: ringing, duration not known yet. */
	twilio_ok(webhook_twilio_voice, "CallSid=CA1&CallStatus=ringing"
	    "&Direction=inbound&From=%2B14155550100&To=%2B14155552345", &w);
	assert_int_equal(w.ev[0].inbound_call, 1);
	assert_string_equal(w.ev[0].call_status, "ringing");
	assert_int_equal(w.ev[0].duration_s, -1);
	assert_null(w.ev[0].recording_url);
	webhook_events_free(&w);
	/* The contact's leg of a bridge names our agent's leg. */
	twilio_ok(webhook_twilio_voice, "CallSid=CA2&CallStatus=no-answer"
	    "&Direction=outbound-dial&ParentCallSid=CA1&CallDuration=0", &w);
	assert_string_equal(w.ev[0].parent_id, "CA1");
	assert_string_equal(w.ev[0].call_status, "no-answer");
	assert_int_equal(w.ev[0].duration_s, 0);
	assert_int_equal(w.ev[0].inbound_call, 0);
	webhook_events_free(&w);
}

static void
test_twilio_dial_action(void **state)
{
	struct webhook_events w;
	const struct provider_event *e;

	twilio_ok(webhook_twilio_voice,
	    "AccountSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&ApiVersion=2010-04-01"
	    "&CallSid=CAparent0000000000000000000000000&CallStatus=in-progress"
	    "&Called=%2B14155559999&Caller=%2B14155552345&Direction=outbound-api"
	    "&DialCallDuration=65&DialCallSid=CAchild00000000000000000000000000"
	    "&DialCallStatus=completed&From=%2B14155552345&To=%2B14155559999"
	    "&RecordingUrl=https%3A%2F%2Fapi.twilio.com%2F2010-04-01%2FAccounts%2FAC1"
	    "%2FRecordings%2FRE2&RecordingSid=RE2&RecordingDuration=64", &w);
	e = &w.ev[0];
	assert_int_equal(e->type, PROVIDER_EV_CALL);
	assert_string_equal(e->provider_id, "CAparent0000000000000000000000000");
	assert_string_equal(e->call_status, "completed");
	assert_int_equal(e->duration_s, 65);
	assert_string_equal(e->recording_url,
	    "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE2");
	/* Tells the engine the contact's leg decides how the call went. */
	assert_string_equal(e->detail, "dial");
	webhook_events_free(&w);
	/* The contact did not pick up: the parent's own status does not count. */
	twilio_ok(webhook_twilio_voice, "CallSid=CAp&CallStatus=in-progress"
	    "&DialCallSid=CAc&DialCallStatus=no-answer&DialCallDuration=0", &w);
	assert_string_equal(w.ev[0].provider_id, "CAp");
	assert_string_equal(w.ev[0].call_status, "no-answer");
	assert_int_equal(w.ev[0].duration_s, 0);
	webhook_events_free(&w);
	twilio_ok(webhook_twilio_voice, "CallSid=CAp&DialCallStatus=busy", &w);
	assert_string_equal(w.ev[0].call_status, "busy");
	assert_int_equal(w.ev[0].duration_s, -1);
	webhook_events_free(&w);
}

static void
test_twilio_voice_refused(void **state)
{
	twilio_refused(webhook_twilio_voice, "CallStatus=completed", "CallSid");
	twilio_refused(webhook_twilio_voice, "CallSid=CA1", "no CallStatus");
	twilio_refused(webhook_twilio_voice, "CallSid=CA1&CallStatus=exploded",
	    "'exploded'");
	twilio_refused(webhook_twilio_voice,
	    "CallSid=CA1&CallStatus=completed&CallDuration=-5", "CallDuration");
	twilio_refused(webhook_twilio_voice,
	    "CallSid=CA1&CallStatus=completed&CallDuration=99999999999",
	    "CallDuration");
	twilio_refused(webhook_twilio_voice, "CallSid=CA1&DialCallSid=CA2",
	    "no DialCallStatus");
	twilio_refused(webhook_twilio_voice,
	    "CallSid=CA1&DialCallStatus=ringing", "'ringing'");
	twilio_refused(webhook_twilio_voice,
	    "CallSid=CA1&DialCallStatus=completed&DialCallDuration=1m",
	    "DialCallDuration");
}

/* ---- SendGrid ----------------------------------------------------------- */

#define SG_BATCH "[" \
	"{\"email\":\"ana@example.com\",\"timestamp\":1795427880,\"smtp-id\":\"<14c5d75ce93.dfd.64b469@ismtpd-555>\"," \
	"\"event\":\"delivered\",\"category\":[\"hark\"],\"sg_event_id\":\"ZGVsaXZlcmVkLTAtMTAxMg\"," \
	"\"sg_message_id\":\"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0\"," \
	"\"response\":\"250 OK\",\"ip\":\"168.1.1.1\",\"hark_id\":\"42\"}," \
	"{\"email\":\"ana@example.com\",\"timestamp\":1795427990,\"event\":\"open\"," \
	"\"sg_event_id\":\"b3BlbjEy\",\"sg_message_id\":\"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0\"," \
	"\"useragent\":\"Mozilla/5.0\",\"ip\":\"255.255.255.255\",\"sg_machine_open\":false,\"hark_id\":42}," \
	"{\"email\":\"bo@example.com\",\"timestamp\":1795427991,\"event\":\"bounce\",\"type\":\"bounce\"," \
	"\"sg_event_id\":\"Ym91bmNl\",\"sg_message_id\":\"Xk3vZ8.filter0002\",\"status\":\"5.1.1\"," \
	"\"reason\":\"550 5.1.1 The email account that you tried to reach does not exist\"," \
	"\"bounce_classification\":\"Invalid Address\",\"hark_id\":\"43\"}," \
	"{\"email\":\"cy@example.com\",\"timestamp\":1795427992,\"event\":\"spamreport\"," \
	"\"sg_event_id\":\"c3BhbQ\",\"sg_message_id\":\"Yq2.filter0003\",\"hark_id\":\"44\"}," \
	"{\"email\":\"dee@example.com\",\"timestamp\":1795427993,\"event\":\"group_resubscribe\"," \
	"\"sg_event_id\":\"cmVzdWI\",\"sg_message_id\":\"Zr1.filter0004\",\"asm_group_id\":10}," \
	"{\"email\":\"dee@example.com\",\"timestamp\":1795427994,\"event\":\"some_future_event\"}," \
	"{\"email\":\"ana@example.com\",\"timestamp\":1795428000,\"event\":\"click\"," \
	"\"sg_event_id\":\"Y2xpY2s\",\"sg_message_id\":\"14c5d75ce93.dfd.64b469.filter0001\"," \
	"\"url\":\"https://example.com/offer\",\"url_offset\":{\"index\":0,\"type\":\"html\"}}" \
	"]"

static void
test_sendgrid_batch(void **state)
{
	struct webhook_events w;
	const struct provider_event *e;

	json_ok(webhook_sendgrid_events, SG_BATCH, &w);
	/* Two events hark has no use for are skipped. */
	assert_int_equal(w.n, 5);
	e = &w.ev[0];
	assert_int_equal(e->type, PROVIDER_EV_STATUS);
	assert_string_equal(e->provider, "sendgrid");
	assert_int_equal(e->channel, HARK_CH_EMAIL);
	assert_int_equal(e->status, HARK_ST_DELIVERED);
	assert_string_equal(e->provider_id, "14c5d75ce93");
	assert_int_equal(e->hark_id, 42);
	assert_int_equal(e->at, INT64_C(1795427880000));
	assert_string_equal(e->to, "ana@example.com");
	assert_null(e->optout);
	e = &w.ev[1];
	assert_int_equal(e->status, HARK_ST_READ);
	assert_string_equal(e->detail, "open");
	assert_int_equal(e->hark_id, 42);
	e = &w.ev[2];
	assert_int_equal(e->status, HARK_ST_FAILED);
	assert_string_equal(e->provider_id, "Xk3vZ8");
	assert_string_equal(e->error_code, "5.1.1");
	assert_string_equal(e->error_text,
	    "550 5.1.1 The email account that you tried to reach does not exist");
	assert_int_equal(e->hark_id, 43);
	e = &w.ev[3];
	assert_string_equal(e->optout, "spam report");
	assert_string_equal(e->to, "cy@example.com");
	assert_int_equal(e->hark_id, 44);
	/* The engine reads QUEUED on an opt-out as "status unchanged". */
	assert_int_equal(e->status, HARK_ST_QUEUED);
	e = &w.ev[4];
	assert_int_equal(e->status, HARK_ST_READ);
	assert_string_equal(e->detail, "click https://example.com/offer");
	assert_int_equal(e->hark_id, 0);
	webhook_events_free(&w);
}

static void
test_sendgrid_other_events(void **state)
{
	struct webhook_events w;

	json_ok(webhook_sendgrid_events, "[{\"event\":\"processed\","
	    "\"sg_message_id\":\"A.1\",\"timestamp\":1},{\"event\":\"deferred\","
	    "\"sg_message_id\":\"A.1\",\"response\":\"400 try again later\","
	    "\"attempt\":\"1\"},{\"event\":\"dropped\",\"sg_message_id\":\"B.2\","
	    "\"reason\":\"Bounced Address\"},{\"event\":\"unsubscribe\","
	    "\"email\":\"x@example.com\",\"hark_id\":\"12\"},"
	    "{\"event\":\"group_unsubscribe\",\"sg_message_id\":\"E.5\","
	    "\"email\":\"y@example.com\",\"asm_group_id\":1},"
	    /* Names no message: nothing hark could opt out. */
	    "{\"event\":\"spamreport\",\"email\":\"z@example.com\"},{\"event\":\"open\","
	    "\"sg_message_id\":\"C.3\",\"sg_machine_open\":true},"
	    "{\"event\":\"delivered\",\"sg_message_id\":\"D\",\"hark_id\":\"4x\"}]",
	    &w);
	assert_int_equal(w.n, 7);
	assert_int_equal(w.ev[0].status, HARK_ST_SENT);
	assert_int_equal(w.ev[0].at, 1000);
	assert_int_equal(w.ev[1].status, HARK_ST_SENT);
	assert_string_equal(w.ev[1].detail, "deferred: 400 try again later");
	assert_int_equal(w.ev[2].status, HARK_ST_FAILED);
	assert_string_equal(w.ev[2].error_text, "Bounced Address");
	assert_string_equal(w.ev[3].optout, "unsubscribe");
	assert_null(w.ev[3].provider_id);
	assert_int_equal(w.ev[3].hark_id, 12);
	assert_string_equal(w.ev[3].to, "x@example.com");
	assert_string_equal(w.ev[4].optout, "unsubscribe");
	assert_string_equal(w.ev[4].provider_id, "E");
	/* A privacy proxy's fetch is no reading. */
	assert_int_equal(w.ev[5].status, HARK_ST_DELIVERED);
	assert_string_equal(w.ev[5].detail, "open (machine)");
	/* Someone else's hark_id that is not a number is not ours. */
	assert_string_equal(w.ev[6].provider_id, "D");
	assert_int_equal(w.ev[6].hark_id, 0);
	webhook_events_free(&w);
	json_ok(webhook_sendgrid_events, " [ ] ", &w);
	assert_int_equal(w.n, 0);
	webhook_events_free(&w);
}

/* The payload of SendGrid's signed-webhook vector, CRLF and all. */
static void
test_sendgrid_signed_payload(void **state)
{
	struct webhook_events w;

	json_ok(webhook_sendgrid_events, "[{\"email\":\"hello@world.com\","
	    "\"event\":\"dropped\",\"reason\":\"Bounced Address\",\"sg_event_id\":"
	    "\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA\","
	    "\"sg_message_id\":\"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-"
	    "756b745b58-kmzbl-18-5F5FC76C-9.0\",\"smtp-id\":"
	    "\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>\","
	    "\"timestamp\":1600112492}]\r\n", &w);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.ev[0].provider_id, "LRzXl_NHStOGhQ4kofSm_A");
	assert_int_equal(w.ev[0].status, HARK_ST_FAILED);
	assert_string_equal(w.ev[0].error_text, "Bounced Address");
	assert_string_equal(w.ev[0].to, "hello@world.com");
	assert_int_equal(w.ev[0].at, INT64_C(1600112492000));
	webhook_events_free(&w);
}

static void
test_sendgrid_refused(void **state)
{
	json_refused(webhook_sendgrid_events, "", "not valid JSON");
	json_refused(webhook_sendgrid_events, "[{\"event\":\"delivered\"",
	    "not valid JSON");
	json_refused(webhook_sendgrid_events, "{\"event\":\"delivered\"}",
	    "array");
	json_refused(webhook_sendgrid_events, "[\"delivered\"]",
	    "event 0: not an object");
	json_refused(webhook_sendgrid_events, "[{\"event\":\"processed\","
	    "\"sg_message_id\":\"A\"},{\"event\":7}]", "event 1");
	json_refused(webhook_sendgrid_events, "[{\"email\":\"a@b\"}]",
	    "\"event\"");
	json_refused(webhook_sendgrid_events, "[{\"event\":\"delivered\","
	    "\"sg_message_id\":12}]", "not");
	json_refused(webhook_sendgrid_events, "[{\"event\":\"delivered\"}]",
	    "sg_message_id");
	json_refused(webhook_sendgrid_events, "[{\"event\":\"delivered\","
	    "\"sg_message_id\":\"A\",\"timestamp\":\"yesterday\"}]", "timestamp");
	json_refused(webhook_sendgrid_events, "[{\"event\":\"delivered\","
	    "\"sg_message_id\":\"A\",\"timestamp\":1e300}]", "timestamp");
	json_refused(webhook_sendgrid_events, "[{\"event\":\"delivered\","
	    "\"sg_message_id\":\"A\",\"timestamp\":-5}]", "timestamp");
}

/* ---- Mailgun ------------------------------------------------------------ */

#define MG_SIGNATURE "\"signature\":{\"timestamp\":\"1529006854\"," \
	"\"token\":\"a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0\"," \
	"\"signature\":\"d2271d12299f6592d9d44cd9d250f0704e4674c30d79d07c47a66f95ce71cf55\"}"

static void
test_mailgun_delivered(void **state)
{
	struct webhook_events w;
	const struct provider_event *e;

	json_ok(webhook_mailgun_event, "{" MG_SIGNATURE ",\"event-data\":{"
	    "\"tags\":[\"my_tag_1\"],\"timestamp\":1521472262.908181,"
	    "\"storage\":{\"url\":\"https://se.api.mailgun.net/v3/domains/example.com/messages/key\","
	    "\"key\":\"message_key\"},\"envelope\":{\"transport\":\"smtp\","
	    "\"sender\":\"bob@example.com\",\"sending-ip\":\"209.61.154.250\","
	    "\"targets\":\"alice@example.com\"},\"recipient-domain\":\"example.com\","
	    "\"id\":\"CPgfbmQMTCKtHW6uIWtuVe\",\"campaigns\":[],"
	    "\"user-variables\":{\"hark_id\":\"77\"},\"flags\":{\"is-routed\":false,"
	    "\"is-authenticated\":true,\"is-system-test\":false,\"is-test-mode\":false},"
	    "\"log-level\":\"info\",\"message\":{\"headers\":{\"to\":\"Alice <alice@example.com>\","
	    "\"message-id\":\"20130503182626.18666.16540@example.com\","
	    "\"from\":\"Bob <bob@example.com>\",\"subject\":\"Test delivered webhook\"},"
	    "\"attachments\":[],\"size\":111},\"recipient\":\"alice@example.com\","
	    "\"event\":\"delivered\",\"delivery-status\":{\"tls\":true,\"mx-host\":\"smtp-in.example.com\","
	    "\"code\":250,\"description\":\"\",\"session-seconds\":0.4331989288330078,"
	    "\"utf8\":true,\"attempt-no\":1,\"message\":\"OK\",\"certificate-verified\":true}}}",
	    &w);
	assert_int_equal(w.n, 1);
	e = &w.ev[0];
	assert_int_equal(e->type, PROVIDER_EV_STATUS);
	assert_string_equal(e->provider, "mailgun");
	assert_int_equal(e->channel, HARK_CH_EMAIL);
	assert_int_equal(e->status, HARK_ST_DELIVERED);
	assert_string_equal(e->provider_id, "20130503182626.18666.16540@example.com");
	assert_int_equal(e->hark_id, 77);
	assert_int_equal(e->at, INT64_C(1521472262908));
	assert_string_equal(e->to, "alice@example.com");
	assert_null(e->error_text);
	webhook_events_free(&w);
}

#define MG_FAILED(sev) "{" MG_SIGNATURE ",\"event-data\":{\"event\":\"failed\"," \
	"\"id\":\"G9Bn5sl1TC6nu79C8C0bwg\",\"timestamp\":1521233195.375624," \
	"\"log-level\":\"error\",\"severity\":\"" sev "\",\"reason\":\"bounce\"," \
	"\"recipient\":\"alice@example.com\",\"user-variables\":{\"hark_id\":78}," \
	"\"message\":{\"headers\":{\"message-id\":\"20130503192659.13651.20287@example.com\"}}," \
	"\"delivery-status\":{\"attempt-no\":1,\"code\":550,\"description\":\"\"," \
	"\"message\":\"5.1.1 The email account that you tried to reach does not exist\"}}}"

static void
test_mailgun_failed(void **state)
{
	struct webhook_events w;

	json_ok(webhook_mailgun_event, MG_FAILED("permanent"), &w);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.ev[0].status, HARK_ST_FAILED);
	assert_string_equal(w.ev[0].error_code, "550");
	assert_string_equal(w.ev[0].error_text,
	    "5.1.1 The email account that you tried to reach does not exist");
	assert_int_equal(w.ev[0].hark_id, 78);
	webhook_events_free(&w);
	/* Mailgun keeps trying after a temporary failure. */
	json_ok(webhook_mailgun_event, MG_FAILED("temporary"), &w);
	assert_int_equal(w.ev[0].status, HARK_ST_SENT);
	assert_null(w.ev[0].error_text);
	assert_string_equal(w.ev[0].detail, "temporary failure: 5.1.1 The email "
	    "account that you tried to reach does not exist");
	webhook_events_free(&w);
}

static void
test_mailgun_engagement(void **state)
{
	struct webhook_events w;

	json_ok(webhook_mailgun_event, "{\"event-data\":{\"event\":\"complained\","
	    "\"recipient\":\"alice@example.com\",\"timestamp\":1521233123.501324,"
	    "\"message\":{\"headers\":{\"message-id\":\"m1@example.com\"}}}}", &w);
	assert_string_equal(w.ev[0].optout, "spam report");
	assert_string_equal(w.ev[0].to, "alice@example.com");
	assert_int_equal(w.ev[0].status, HARK_ST_QUEUED);
	webhook_events_free(&w);
	json_ok(webhook_mailgun_event, "{\"event-data\":{\"event\":\"unsubscribed\","
	    "\"recipient\":\"alice@example.com\",\"user-variables\":"
	    "{\"hark_id\":\"81\"}}}", &w);
	assert_string_equal(w.ev[0].optout, "unsubscribe");
	assert_null(w.ev[0].provider_id);
	assert_int_equal(w.ev[0].hark_id, 81);
	webhook_events_free(&w);
	/* An opt-out naming no message of ours: nothing to attribute it to. */
	json_ok(webhook_mailgun_event, "{\"event-data\":{\"event\":\"unsubscribed\","
	    "\"recipient\":\"alice@example.com\"}}", &w);
	assert_int_equal(w.n, 0);
	webhook_events_free(&w);
	json_ok(webhook_mailgun_event, "{\"event-data\":{\"event\":\"opened\","
	    "\"message\":{\"headers\":{\"message-id\":\"m1@example.com\"}}}}", &w);
	assert_int_equal(w.ev[0].status, HARK_ST_READ);
	assert_string_equal(w.ev[0].detail, "open");
	webhook_events_free(&w);
	json_ok(webhook_mailgun_event, "{\"event-data\":{\"event\":\"clicked\","
	    "\"url\":\"https://example.com/a\","
	    "\"message\":{\"headers\":{\"message-id\":\"m1@example.com\"}}}}", &w);
	assert_string_equal(w.ev[0].detail, "click https://example.com/a");
	webhook_events_free(&w);
	json_ok(webhook_mailgun_event, "{\"event-data\":{\"event\":\"accepted\","
	    "\"message\":{\"headers\":{\"message-id\":\"m1@example.com\"}}}}", &w);
	assert_int_equal(w.ev[0].status, HARK_ST_SENT);
	webhook_events_free(&w);
	/* An event hark does not track: nothing, and no error. */
	json_ok(webhook_mailgun_event, "{\"event-data\":{\"event\":\"stored\"}}",
	    &w);
	assert_int_equal(w.n, 0);
	webhook_events_free(&w);
}

static void
test_mailgun_refused(void **state)
{
	json_refused(webhook_mailgun_event, "{\"event-data\":", "not valid JSON");
	json_refused(webhook_mailgun_event, "[]", "event-data");
	json_refused(webhook_mailgun_event, "{" MG_SIGNATURE "}", "event-data");
	json_refused(webhook_mailgun_event, "{\"event-data\":[]}", "event-data");
	json_refused(webhook_mailgun_event, "{\"event-data\":{\"event\":3}}",
	    "\"event\"");
	json_refused(webhook_mailgun_event, "{\"event-data\":{\"event\":"
	    "\"delivered\"}}", "message-id");
	json_refused(webhook_mailgun_event, "{\"event-data\":{\"event\":"
	    "\"delivered\",\"message\":{\"headers\":{\"message-id\":5}}}}",
	    "message-id");
	json_refused(webhook_mailgun_event, "{\"event-data\":{\"event\":"
	    "\"delivered\",\"timestamp\":\"now\",\"message\":{\"headers\":"
	    "{\"message-id\":\"m\"}}}}", "timestamp");
	json_refused(webhook_mailgun_event, "{\"event-data\":{\"event\":"
	    "\"failed\",\"severity\":1,\"message\":{\"headers\":"
	    "{\"message-id\":\"m\"}}}}", "severity");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_empty),
		cmocka_unit_test(test_form_decoding),
		cmocka_unit_test(test_form_length),
		cmocka_unit_test(test_form_bad_escapes),
		cmocka_unit_test(test_form_nul_and_utf8),
		cmocka_unit_test(test_form_too_many),
		cmocka_unit_test(test_twilio_sms),
		cmocka_unit_test(test_twilio_mms),
		cmocka_unit_test(test_twilio_whatsapp),
		cmocka_unit_test(test_twilio_body_as_given),
		cmocka_unit_test(test_twilio_message_refused),
		cmocka_unit_test(test_twilio_status_delivered),
		cmocka_unit_test(test_twilio_status_error),
		cmocka_unit_test(test_twilio_status_whatsapp_read),
		cmocka_unit_test(test_twilio_status_refused),
		cmocka_unit_test(test_twilio_status_names),
		cmocka_unit_test(test_twilio_voice_completed),
		cmocka_unit_test(test_twilio_voice_legs),
		cmocka_unit_test(test_twilio_dial_action),
		cmocka_unit_test(test_twilio_voice_refused),
		cmocka_unit_test(test_sendgrid_batch),
		cmocka_unit_test(test_sendgrid_other_events),
		cmocka_unit_test(test_sendgrid_signed_payload),
		cmocka_unit_test(test_sendgrid_refused),
		cmocka_unit_test(test_mailgun_delivered),
		cmocka_unit_test(test_mailgun_failed),
		cmocka_unit_test(test_mailgun_engagement),
		cmocka_unit_test(test_mailgun_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
