/* channel.c — names of channels, directions and message statuses. */

#include <string.h>

#include "hark/core.h"

static const char *const channel_names[HARK_CH__COUNT] = {
	"sms", "whatsapp", "email", "voice"
};
static const char channel_letters[HARK_CH__COUNT] = { 'S', 'W', 'E', 'C' };

static const char *const status_names[HARK_ST__COUNT] = {
	"queued", "scheduled", "sending", "sent", "delivered", "read",
	"failed", "undelivered", "canceled", "uncertain", "received"
};

/*
 * How far along a status is. A status update only moves a message forward:
 * the terminal failures outrank every in-flight state so that "failed" after
 * "sent" wins, and "read" outranks "delivered".
 */
static const int status_ranks[HARK_ST__COUNT] = {
	[HARK_ST_QUEUED] = 0,      [HARK_ST_SCHEDULED] = 0,
	[HARK_ST_SENDING] = 1,     [HARK_ST_SENT] = 2,
	[HARK_ST_UNCERTAIN] = 3,   [HARK_ST_DELIVERED] = 4,
	[HARK_ST_UNDELIVERED] = 4, [HARK_ST_FAILED] = 4,
	[HARK_ST_CANCELED] = 4,    [HARK_ST_READ] = 5,
	[HARK_ST_RECEIVED] = 4,
};

const char *
hark_channel_name(enum hark_channel ch)
{
	return (unsigned)ch < HARK_CH__COUNT ? channel_names[ch] : "?";
}

char
hark_channel_letter(enum hark_channel ch)
{
	return (unsigned)ch < HARK_CH__COUNT ? channel_letters[ch] : '?';
}

int
hark_channel_parse(const char *s, enum hark_channel *out)
{
	static const struct {
		const char *name;
		enum hark_channel ch;
	} aliases[] = {
		{ "sms", HARK_CH_SMS }, { "text", HARK_CH_SMS }, { "mms", HARK_CH_SMS },
		{ "whatsapp", HARK_CH_WHATSAPP }, { "wa", HARK_CH_WHATSAPP },
		{ "email", HARK_CH_EMAIL }, { "mail", HARK_CH_EMAIL },
		{ "voice", HARK_CH_VOICE }, { "call", HARK_CH_VOICE },
		{ "phone", HARK_CH_VOICE },
	};
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < HARK_NELEM(aliases); i++) {
		if (hark_strcaseeq(s, aliases[i].name)) {
			*out = aliases[i].ch;
			return 0;
		}
	}
	return -1;
}

const char *
hark_direction_name(enum hark_direction d)
{
	return d == HARK_DIR_IN ? "in" : "out";
}

int
hark_direction_parse(const char *s, enum hark_direction *out)
{
	if (hark_strcaseeq(s, "in") || hark_strcaseeq(s, "inbound") ||
	    hark_strcaseeq(s, "received")) {
		*out = HARK_DIR_IN;
		return 0;
	}
	if (hark_strcaseeq(s, "out") || hark_strcaseeq(s, "outbound") ||
	    hark_strcaseeq(s, "sent")) {
		*out = HARK_DIR_OUT;
		return 0;
	}
	return -1;
}

const char *
hark_status_name(enum hark_status st)
{
	return (unsigned)st < HARK_ST__COUNT ? status_names[st] : "?";
}

int
hark_status_parse(const char *s, enum hark_status *out)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < HARK_ST__COUNT; i++) {
		if (hark_strcaseeq(s, status_names[i])) {
			*out = (enum hark_status)i;
			return 0;
		}
	}
	if (hark_strcaseeq(s, "cancelled")) {
		*out = HARK_ST_CANCELED;
		return 0;
	}
	return -1;
}

int
hark_status_is_final(enum hark_status st)
{
	switch (st) {
	case HARK_ST_DELIVERED:
	case HARK_ST_READ:
	case HARK_ST_FAILED:
	case HARK_ST_UNDELIVERED:
	case HARK_ST_CANCELED:
	case HARK_ST_UNCERTAIN:
	case HARK_ST_RECEIVED:
		return 1;
	default:
		return 0;
	}
}

int
hark_status_rank(enum hark_status st)
{
	return (unsigned)st < HARK_ST__COUNT ? status_ranks[st] : 0;
}
