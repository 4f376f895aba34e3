/* twilio_codes.c — Twilio error codes and message statuses in hark's terms,
 * shared by the Twilio provider (API responses) and the relay (callbacks). */

#include <string.h>

#include "hark/provider.h"

struct twilio_code {
	int code;
	const char *text;
};

/* Short texts a person reads in the status line; kept in code order. */
static const struct twilio_code twilio_codes[] = {
	{ 20003, "Twilio refused the credentials (check account SID and auth token)" },
	{ 20404, "Not found at Twilio" },
	{ 20429, "Too many concurrent requests to Twilio" },
	{ 21211, "The 'To' number is not a valid phone number" },
	{ 21408, "Sending to this region is not enabled on the Twilio account" },
	{ 21610, "The recipient has opted out (replied STOP)" },
	{ 21612, "Twilio cannot route a message between these two numbers" },
	{ 21614, "The 'To' number is not a mobile number" },
	{ 30001, "Twilio's queue overflowed; try again later" },
	{ 30002, "The Twilio account is suspended" },
	{ 30003, "Unreachable handset (switched off or out of coverage)" },
	{ 30004, "Message blocked by the recipient or their carrier" },
	{ 30005, "Unknown handset (the number does not exist)" },
	{ 30006, "Landline or unreachable carrier" },
	{ 30007, "Message filtered by the carrier" },
	{ 30008, "Unknown delivery error" },
	{ 30034, "Message blocked: the US A2P 10DLC number is not registered" },
	{ 63016, "WhatsApp: outside the 24-hour window, send an approved template" },
};

static const struct twilio_status {
	const char *name;
	enum hark_status st;
} twilio_statuses[] = {
	{ "queued", HARK_ST_QUEUED },
	{ "accepted", HARK_ST_QUEUED },
	{ "scheduled", HARK_ST_SCHEDULED },
	{ "sending", HARK_ST_SENDING },
	{ "sent", HARK_ST_SENT },
	{ "delivered", HARK_ST_DELIVERED },
	{ "partially_delivered", HARK_ST_DELIVERED },
	{ "read", HARK_ST_READ },
	{ "failed", HARK_ST_FAILED },
	{ "undelivered", HARK_ST_UNDELIVERED },
	{ "canceled", HARK_ST_CANCELED },
	{ "receiving", HARK_ST_RECEIVED },
	{ "received", HARK_ST_RECEIVED },
};

const char *
twilio_error_text(int code)
{
	size_t lo = 0, hi = HARK_NELEM(twilio_codes), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (twilio_codes[mid].code == code)
			return twilio_codes[mid].text;
		if (twilio_codes[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
twilio_status_parse(const char *s, enum hark_status *out)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < HARK_NELEM(twilio_statuses); i++) {
		if (strcmp(twilio_statuses[i].name, s) == 0) {
			*out = twilio_statuses[i].st;
			return 0;
		}
	}
	return -1;
}
