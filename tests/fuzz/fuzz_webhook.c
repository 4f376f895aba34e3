/*
 * fuzz_webhook.c — libFuzzer target for everything the relay does with a
 * request from outside before it trusts it: form bodies, the Twilio,
 * SendGrid and Mailgun webhook parsers and the three signature checks
 * (URLs, keys and signatures come from outside too). No input may crash
 * them, leak, or yield an event that breaks the contract of relay.h.
 * Build and run: make fuzz FUZZ_SECONDS=60 (clang, libFuzzer, ASan, UBSan).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hark/relay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TOKEN "12345"
#define SG_KEY "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g=="
#define SG_SIG "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM="
#define MG_KEY "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"

/* Reads every string of every event, so ASan sees any that does not live
 * in the webhook's storage, and checks what relay.h promises. */
static void
check_events(const struct webhook_events *w, int rc)
{
	const struct provider_event *e;
	size_t sum = 0;
	int i, j;

	if (rc != 0) {
		if (w->n != 0 || w->ev != NULL)
			abort();
		return;
	}
	for (i = 0; i < w->n; i++) {
		e = &w->ev[i];
		if (e->provider == NULL || e->nmedia < 0 ||
		    (e->nmedia > 0 && e->media == NULL) || e->hark_id < 0 ||
		    e->at < 0 || e->duration_s < -1)
			abort();
		sum += strlen(e->provider);
		sum += e->provider_id != NULL ? strlen(e->provider_id) : 0;
		sum += e->from != NULL ? strlen(e->from) : 0;
		sum += e->to != NULL ? strlen(e->to) : 0;
		sum += e->body != NULL ? strlen(e->body) : 0;
		sum += e->profile_name != NULL ? strlen(e->profile_name) : 0;
		sum += e->call_status != NULL ? strlen(e->call_status) : 0;
		sum += e->parent_id != NULL ? strlen(e->parent_id) : 0;
		sum += e->recording_url != NULL ? strlen(e->recording_url) : 0;
		sum += e->optout != NULL ? strlen(e->optout) : 0;
		sum += e->detail != NULL ? strlen(e->detail) : 0;
		sum += e->error_code != NULL ? strlen(e->error_code) : 0;
		sum += e->error_text != NULL ? strlen(e->error_text) : 0;
		for (j = 0; j < e->nmedia; j++) {
			if (e->media[j].url == NULL)
				abort();
			sum += strlen(e->media[j].url);
			if (e->media[j].content_type != NULL)
				sum += strlen(e->media[j].content_type);
		}
	}
	if (sum == (size_t)-1)
		abort();
}

static void
run_form_parser(int (*fn)(const struct form *, struct webhook_events *,
    char **), const struct form *f)
{
	struct webhook_events w;
	char *cause = NULL;
	int rc;

	rc = fn(f, &w, &cause);
	check_events(&w, rc);
	if ((rc == 0) != (cause == NULL) || (rc == 0 && w.n != 1))
		abort();
	if (rc == 0 && (w.ev[0].provider_id == NULL || *w.ev[0].provider_id ==
	    '\0'))
		abort();
	free(cause);
	webhook_events_free(&w);
}

static void
fuzz_form(const char *s, size_t size)
{
	struct form f;
	char *cause = NULL, sig[29];
	int i;

	if (form_parse(s, size, &f, &cause) != 0) {
		if (cause == NULL || f.n != 0 || f.p != NULL)
			abort();
		free(cause);
		return;
	}
	for (i = 0; i < f.n; i++) {
		if (f.p[i].name == NULL || f.p[i].value == NULL ||
		    !utf8_valid(f.p[i].value, strlen(f.p[i].value)))
			abort();
	}
	run_form_parser(webhook_twilio_message, &f);
	run_form_parser(webhook_twilio_status, &f);
	run_form_parser(webhook_twilio_voice, &f);
	/* A signature computed over the params must validate, whatever they
	 * are; the one the request claims is checked like the relay would. */
	twilio_signature(TOKEN, "https://relay.example.com/twilio/sms", &f, sig);
	if (twilio_signature_valid(TOKEN, "https://relay.example.com/twilio/sms",
	    &f, sig) != 1)
		abort();
	if (form_get(&f, "X-Twilio-Signature") != NULL)
		twilio_signature_valid(TOKEN, "https://relay.example.com/twilio/"
		    "sms", &f, form_get(&f, "X-Twilio-Signature"));
	/* Mailgun's inbound routes post forms signed like its webhooks. */
	mailgun_signature_valid(MG_KEY, form_get(&f, "timestamp"),
	    form_get(&f, "token"), form_get(&f, "signature"), 1403645220, 300);
	form_free(&f);
}

/* The input as a URL (and, split at a newline, as key and signature). */
static void
fuzz_strings(const char *s, size_t size)
{
	char *str = strndup(s, size > 4096 ? 4096 : size), *nl, sig[29];

	if (str == NULL)
		abort();
	twilio_signature(TOKEN, str, NULL, sig);
	if (twilio_signature_valid(TOKEN, str, NULL, sig) != 1)
		abort();
	twilio_signature_valid_json(TOKEN, str, s, size,
	    "a9nBmqA0ju/hNViExpshrM61xv4=");
	/* "key\nsignature": SendGrid's base64 DER key ("MF..." for P-256) and
	 * signature; anything else, Mailgun's timestamp and token. Decoding a
	 * key costs OpenSSL ~0.5 ms under ASan, hence the prefix. */
	if ((nl = strchr(str, '\n')) != NULL) {
		*nl = '\0';
		if (strncmp(str, "MF", 2) == 0)
			sendgrid_signature_valid(str, "1600112502", "[]", 2,
			    nl + 1);
		else
			mailgun_signature_valid(MG_KEY, str, nl + 1, str,
			    1403645220, 300);
	}
	free(str);
}

static void
fuzz_json(const char *s, size_t size)
{
	struct webhook_events w;
	char *cause = NULL;
	cJSON *root, *sig;
	int rc;

	rc = webhook_sendgrid_events(s, size, &w, &cause);
	check_events(&w, rc);
	if ((rc == 0) != (cause == NULL))
		abort();
	/* The body is only hashed: check one size class in 16 (a key decode
	 * is slow), enough to see any length handled. */
	if (rc == 0 && size % 16 == 0)
		sendgrid_signature_valid(SG_KEY, "1600112502", s, size, SG_SIG);
	free(cause);
	cause = NULL;
	webhook_events_free(&w);

	rc = webhook_mailgun_event(s, size, &w, &cause);
	check_events(&w, rc);
	if ((rc == 0) != (cause == NULL) || w.n > 1)
		abort();
	free(cause);
	webhook_events_free(&w);
	/* What the relay does with Mailgun's signature object. */
	root = cJSON_ParseWithLength(s, size);
	sig = cJSON_GetObjectItemCaseSensitive(root, "signature");
	mailgun_signature_valid(MG_KEY,
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(sig, "timestamp")),
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(sig, "token")),
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(sig, "signature")),
	    1403645220, 300);
	cJSON_Delete(root);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	fuzz_form(s, size);
	fuzz_strings(s, size);
	fuzz_json(s, size);
	return 0;
}
