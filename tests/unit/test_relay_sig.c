/*
 * test_relay_sig.c — the relay accepts a webhook only with the signature its
 * provider computes: the vectors published by Twilio, SendGrid and Mailgun
 * in their official libraries' tests (PROVIDERS.md §2, §5, §6).
 */

#include "harness.h"

#include "hark/relay.h"

#define TOKEN "12345"
#define URL "https://mycompany.com/myapp.php?foo=1&bar=2"
#define PATHQ "/myapp.php?foo=1&bar=2"

/* The parameters every Twilio library test signs. */
static struct form
twilio_params(void)
{
	struct form f = { NULL, 0 };

	form_add(&f, "CallSid", "CA1234567890ABCDE");
	form_add(&f, "Caller", "+14158675309");
	form_add(&f, "Digits", "1234");
	form_add(&f, "From", "+14158675309");
	form_add(&f, "To", "+18005551212");
	return f;
}

static void
assert_signature(const char *url, const struct form *f, const char *want)
{
	char sig[29];

	twilio_signature(TOKEN, url, f, sig);
	assert_string_equal(sig, want);
	assert_int_equal(twilio_signature_valid(TOKEN, url, f, want), 1);
}

static void
test_twilio_degenerate(void **state)
{
	struct form f = twilio_params();

	assert_int_equal(twilio_signature_valid(TOKEN, URL, &f, NULL), 0);
	assert_int_equal(twilio_signature_valid(TOKEN, URL, &f, ""), 0);
	assert_int_equal(twilio_signature_valid(NULL, URL, &f,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8="), 0);
	assert_int_equal(twilio_signature_valid(TOKEN, NULL, &f,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8="), 0);
	/* A prefix or an extension of the right value is not the value. */
	assert_int_equal(twilio_signature_valid(TOKEN, URL, &f,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8"), 0);
	assert_int_equal(twilio_signature_valid(TOKEN, URL, &f,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8=="), 0);
	form_free(&f);
}

static void
test_twilio_base(void **state)
{
	struct form f = twilio_params();

	assert_signature(URL, &f, "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
	/* The wrong token, a changed parameter, a changed URL: refused. */
	assert_int_equal(twilio_signature_valid("54321", URL, &f,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8="), 0);
	assert_int_equal(twilio_signature_valid(TOKEN,
	    "https://mycompany.com/myapp.php?foo=1&bar=3", &f,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8="), 0);
	form_add(&f, "Body", "extra");
	assert_int_equal(twilio_signature_valid(TOKEN, URL, &f,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8="), 0);
	form_free(&f);
}

/* Params are signed in sorted order, whatever order they arrived in. */
static void
test_twilio_param_order(void **state)
{
	struct form f = { NULL, 0 };

	form_add(&f, "To", "+18005551212");
	form_add(&f, "From", "+14158675309");
	form_add(&f, "Digits", "1234");
	form_add(&f, "Caller", "+14158675309");
	form_add(&f, "CallSid", "CA1234567890ABCDE");
	assert_signature(URL, &f, "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
	form_free(&f);
}

static void
test_twilio_ports(void **state)
{
	struct form f = twilio_params();

	/* Twilio may sign with the default port added... */
	assert_signature("https://mycompany.com:443" PATHQ, &f,
	    "kvajT1Ptam85bY51eRf/AJRuM3w=");
	assert_int_equal(twilio_signature_valid(TOKEN, URL, &f,
	    "kvajT1Ptam85bY51eRf/AJRuM3w="), 1);
	assert_signature("http://mycompany.com:80" PATHQ, &f,
	    "0ZXoZLH/DfblKGATFgpif+LLRf4=");
	assert_int_equal(twilio_signature_valid(TOKEN,
	    "http://mycompany.com" PATHQ, &f,
	    "0ZXoZLH/DfblKGATFgpif+LLRf4="), 1);
	/* ...or without the port the URL has. */
	assert_signature("https://mycompany.com:1234" PATHQ, &f,
	    "CYn1h0gLBdNxDGkKJg6hYohgeD8=");
	assert_int_equal(twilio_signature_valid(TOKEN,
	    "https://mycompany.com:1234" PATHQ, &f,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8="), 1);
	assert_signature("http://mycompany.com:1234" PATHQ, &f,
	    "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=");
	/* The http default port is not the https one. */
	assert_int_equal(twilio_signature_valid(TOKEN, URL, &f,
	    "0ZXoZLH/DfblKGATFgpif+LLRf4="), 0);
	form_free(&f);
}

/* The host's case is part of what is signed (C# library). */
static void
test_twilio_mixed_case(void **state)
{
	struct form f = twilio_params();

	assert_signature("https://MyCompany.com" PATHQ, &f,
	    "g9IN/x4Cft2g517EjYvEvM/W7LU=");
	assert_int_equal(twilio_signature_valid(TOKEN,
	    "https://MyCompany.com" PATHQ, &f,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8="), 0);
	assert_signature("https://MyCompany.com:1234" PATHQ, &f,
	    "PCqOZm8cnu/L6+u5i5fuEd+Iac4=");
	assert_signature("http://MyCompany.com" PATHQ, &f,
	    "XY7AlKOKL6im4yWyX84gldUrtis=");
	form_free(&f);
}

/* Credentials in the URL are signed as written (C# and PHP libraries). */
static void
test_twilio_credentials(void **state)
{
	struct form f = twilio_params();

	assert_signature("http://username:password@MyCompany.com" PATHQ, &f,
	    "PJ08CxXr7KLPjEQCTc8LkUSMwSM=");
	assert_signature("HTTP://username:password@MyCompany.com" PATHQ, &f,
	    "hy/l8pca+LFms4cvRdv8uiP6NGc=");
	assert_signature("http://Username:Password@MyCompany.com" PATHQ, &f,
	    "SkTSKyDJH9kUlhItI0slbgZ1UsI=");
	assert_signature("https://user:pass@mycompany.com" PATHQ, &f,
	    "CukzLTc1tT5dXEDIHm/tKBanW10=");
	/* The password's ':' is not a port: :443 goes after the host. */
	assert_signature("https://user:pass@mycompany.com:443" PATHQ, &f,
	    "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=");
	assert_int_equal(twilio_signature_valid(TOKEN,
	    "https://user:pass@mycompany.com" PATHQ, &f,
	    "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI="), 1);
	assert_signature("https://user@mycompany.com" PATHQ, &f,
	    "2YRLlVAflCqxaNicjMpJcSTgzSs=");
	form_free(&f);
}

/* A repeated name signs each distinct value once, in sorted order. */
static void
test_twilio_duplicates(void **state)
{
	struct form f = { NULL, 0 };

	form_add(&f, "Sid", "CA123");
	form_add(&f, "SidAccount", "AC123");
	form_add(&f, "Digits", "5678");
	form_add(&f, "Digits", "1234");
	assert_signature(URL, &f, "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
	form_add(&f, "Digits", "1234");
	assert_signature(URL, &f, "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
	/* Without deduplication it would have been this one. */
	assert_int_equal(twilio_signature_valid(TOKEN, URL, &f,
	    "tM//N+MVWOh7+ol2z8YCNxSY0Eg="), 0);
	form_free(&f);
}

/* Connection overrides live in the URL's fragment, which HTTP never
 * carries: a signature over the URL without it is accepted too. */
static void
test_twilio_fragment(void **state)
{
	struct form f = twilio_params();

	assert_int_equal(twilio_signature_valid(TOKEN, URL "#rc=2&rp=all", &f,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8="), 1);
	assert_int_equal(twilio_signature_valid(TOKEN, URL "#rc=2&rp=all", &f,
	    "mxEpNQEne6bh2C81fO2VEd6lBSU="), 1);
	assert_int_equal(twilio_signature_valid(TOKEN, URL "#rc=2&rp=all", &f,
	    "kvajT1Ptam85bY51eRf/AJRuM3w="), 1);
	form_free(&f);
}

#define JSON_BODY "{\"property\": \"value\", \"boolean\": true}"
#define JSON_HASH "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"

static void
test_twilio_json(void **state)
{
	const char *url = URL "&bodySHA256=" JSON_HASH;
	const char *only = "https://mycompany.com/myapp.php?bodySHA256=" JSON_HASH;
	char sig[29];

	twilio_signature(TOKEN, url, NULL, sig);
	assert_string_equal(sig, "a9nBmqA0ju/hNViExpshrM61xv4=");
	assert_int_equal(twilio_signature_valid_json(TOKEN, url, JSON_BODY,
	    strlen(JSON_BODY), "a9nBmqA0ju/hNViExpshrM61xv4="), 1);
	twilio_signature(TOKEN, only, NULL, sig);
	assert_string_equal(sig, "y77kIzt2vzLz71DgmJGsen2scGs=");
	assert_int_equal(twilio_signature_valid_json(TOKEN, only, JSON_BODY,
	    strlen(JSON_BODY), "y77kIzt2vzLz71DgmJGsen2scGs="), 1);
	/* A body that does not match its hash: refused though the URL's
	 * signature is right. */
	assert_int_equal(twilio_signature_valid_json(TOKEN, url,
	    "{\"property\": \"other\", \"boolean\": true}", strlen(JSON_BODY),
	    "a9nBmqA0ju/hNViExpshrM61xv4="), 0);
	/* No bodySHA256 in the URL: nothing vouches for the body. */
	twilio_signature(TOKEN, URL, NULL, sig);
	assert_int_equal(twilio_signature_valid_json(TOKEN, URL, JSON_BODY,
	    strlen(JSON_BODY), sig), 0);
	/* A parameter that merely ends in bodySHA256 is not it. */
	twilio_signature(TOKEN, URL "&xbodySHA256=" JSON_HASH, NULL, sig);
	assert_int_equal(twilio_signature_valid_json(TOKEN,
	    URL "&xbodySHA256=" JSON_HASH, JSON_BODY, strlen(JSON_BODY), sig), 0);
	/* twilio-node's s3cr3t case: a URL without params. */
	twilio_signature("s3cr3t", "https://example.com/path?test=param", NULL,
	    sig);
	assert_string_equal(sig, "loLgTitFAoWx57yy5oEU4Hlddzw=");
}

#define SG_KEY "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g=="
#define SG_SIG "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM="
#define SG_TS "1600112502"
#define SG_PAYLOAD "[{\"email\":\"hello@world.com\",\"event\":\"dropped\"," \
	"\"reason\":\"Bounced Address\",\"sg_event_id\":" \
	"\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA\"," \
	"\"sg_message_id\":\"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-" \
	"756b745b58-kmzbl-18-5F5FC76C-9.0\",\"smtp-id\":" \
	"\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>\"," \
	"\"timestamp\":1600112492}]\r\n"

static void
test_sendgrid_valid(void **state)
{
	assert_int_equal(sendgrid_signature_valid(SG_KEY, SG_TS, SG_PAYLOAD,
	    strlen(SG_PAYLOAD), SG_SIG), 1);
	/* The trailing CRLF is part of what was signed. */
	assert_int_equal(sendgrid_signature_valid(SG_KEY, SG_TS, SG_PAYLOAD,
	    strlen(SG_PAYLOAD) - 2, SG_SIG), 0);
}

static void
test_sendgrid_negative(void **state)
{
	assert_int_equal(sendgrid_signature_valid("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQ"
	    "cDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDth"
	    "vj+y7GjUuFDb/R1NGe1OPzpA==", SG_TS, SG_PAYLOAD, strlen(SG_PAYLOAD),
	    SG_SIG), 0);
	assert_int_equal(sendgrid_signature_valid(SG_KEY, SG_TS, "payload", 7,
	    SG_SIG), 0);
	assert_int_equal(sendgrid_signature_valid(SG_KEY, SG_TS, SG_PAYLOAD,
	    strlen(SG_PAYLOAD), "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7"
	    "RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0="), 0);
	assert_int_equal(sendgrid_signature_valid(SG_KEY, "timestamp",
	    SG_PAYLOAD, strlen(SG_PAYLOAD), SG_SIG), 0);
}

/* Keys and signatures that are not what they claim: refused, no crash. */
static void
test_sendgrid_garbage(void **state)
{
	const char *p = SG_PAYLOAD;
	size_t n = strlen(p);

	assert_int_equal(sendgrid_signature_valid(NULL, SG_TS, p, n, SG_SIG), 0);
	assert_int_equal(sendgrid_signature_valid(SG_KEY, NULL, p, n, SG_SIG), 0);
	assert_int_equal(sendgrid_signature_valid(SG_KEY, SG_TS, p, n, NULL), 0);
	assert_int_equal(sendgrid_signature_valid("", SG_TS, p, n, SG_SIG), 0);
	assert_int_equal(sendgrid_signature_valid(SG_KEY, SG_TS, p, n, ""), 0);
	assert_int_equal(sendgrid_signature_valid("not base64!", SG_TS, p, n,
	    SG_SIG), 0);
	assert_int_equal(sendgrid_signature_valid("aGVsbG8=", SG_TS, p, n,
	    SG_SIG), 0);
	assert_int_equal(sendgrid_signature_valid(SG_KEY, SG_TS, p, n,
	    "aGVsbG8="), 0);
	/* The signature given as the key and the other way round. */
	assert_int_equal(sendgrid_signature_valid(SG_SIG, SG_TS, p, n, SG_KEY), 0);
}

#define MG_KEY "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
#define MG_TS "1403645220"
#define MG_TOKEN "5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6"
#define MG_SIG "9cfc5c41582e51246e73c88d34db3af0a3a2692a76fbab81492842f000256d33"

static void
test_mailgun(void **state)
{
	int64_t now = 1403645220 + 60;

	assert_int_equal(mailgun_signature_valid(MG_KEY, MG_TS, MG_TOKEN, MG_SIG,
	    now, 300), 1);
	/* Another token with the same signature. */
	assert_int_equal(mailgun_signature_valid(MG_KEY, MG_TS,
	    "owyldpe6nxhmrn78epljl6bj0orrki1u3d2v5e6cnlmmuox8jr", MG_SIG, now,
	    300), 0);
	assert_int_equal(mailgun_signature_valid(MG_KEY, MG_TS,
	    "owyldpe6nxhmrn78epljl6bj0orrki1u3d2v5e6cnlmmuox8jr",
	    "1c1f16b87b07fe6486354370a2f842812db048f4aa687834fae9bc697789d5dc",
	    now, 300), 1);
	/* A true signature replayed years later: stale. */
	assert_int_equal(mailgun_signature_valid(MG_KEY, MG_TS, MG_TOKEN, MG_SIG,
	    1767225600, 300), -1);
	/* Or from the future beyond the allowed skew. */
	assert_int_equal(mailgun_signature_valid(MG_KEY, MG_TS, MG_TOKEN, MG_SIG,
	    1403645220 - 301, 300), -1);
	/* The wrong key, a truncated signature, missing parts. */
	assert_int_equal(mailgun_signature_valid("key-other", MG_TS, MG_TOKEN,
	    MG_SIG, now, 300), 0);
	assert_int_equal(mailgun_signature_valid(MG_KEY, MG_TS, MG_TOKEN,
	    "9cfc5c41582e51246e73c88d34db3af0", now, 300), 0);
	assert_int_equal(mailgun_signature_valid(MG_KEY, NULL, MG_TOKEN, MG_SIG,
	    now, 300), 0);
	assert_int_equal(mailgun_signature_valid(MG_KEY, MG_TS, MG_TOKEN, "",
	    now, 300), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_twilio_degenerate),
		cmocka_unit_test(test_twilio_base),
		cmocka_unit_test(test_twilio_param_order),
		cmocka_unit_test(test_twilio_ports),
		cmocka_unit_test(test_twilio_mixed_case),
		cmocka_unit_test(test_twilio_credentials),
		cmocka_unit_test(test_twilio_duplicates),
		cmocka_unit_test(test_twilio_fragment),
		cmocka_unit_test(test_twilio_json),
		cmocka_unit_test(test_sendgrid_valid),
		cmocka_unit_test(test_sendgrid_negative),
		cmocka_unit_test(test_sendgrid_garbage),
		cmocka_unit_test(test_mailgun),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
