/* sms.c — how many segments a text message takes, and in which encoding. */

#include <stdint.h>
#include <string.h>

#include "hark/core.h"
#include "core_int.h"

#define GSM_SINGLE 160
#define GSM_MULTI 153 /* the user data header takes 7 septets of each part */
#define UCS_SINGLE 70
#define UCS_MULTI 67

/*
 * Filling the parts of a long message one character at a time: a character
 * that does not fit in what is left of a part starts the next one, because a
 * phone cannot join an escape pair or a surrogate pair cut in two.
 */
struct sms_fill {
	size_t units;
	int segments;
	int used; /* units in the last segment */
};

static int sms_gsm_septets(uint32_t);
static void sms_fill_add(struct sms_fill *, int, int);
static void sms_fill_result(const struct sms_fill *, int, int,
    struct sms_info *);

/*
 * The GSM 03.38 basic character set outside ASCII, as Unicode. Position 0x09
 * is the capital C with cedilla: the small ç is not in the set and makes a
 * message UCS-2.
 */
static const uint16_t gsm_basic_latin1[] = {
	0x00a1, 0x00a3, 0x00a4, 0x00a5, 0x00a7, 0x00bf, 0x00c4, 0x00c5, 0x00c6,
	0x00c7, 0x00c9, 0x00d1, 0x00d6, 0x00d8, 0x00dc, 0x00df, 0x00e0, 0x00e4,
	0x00e5, 0x00e6, 0x00e8, 0x00e9, 0x00ec, 0x00f1, 0x00f2, 0x00f6, 0x00f8,
	0x00f9, 0x00fc, 0x0393, 0x0394, 0x0398, 0x039b, 0x039e, 0x03a0, 0x03a3,
	0x03a6, 0x03a8, 0x03a9,
};

/* Septets a character takes in GSM-7: 1 (basic set), 2 (escape to the
 * extension table) or 0 when it has no GSM-7 form. */
static int
sms_gsm_septets(uint32_t cp)
{
	size_t i;

	if (cp == '\n' || cp == '\r')
		return 1;
	if (cp == '\f' || cp == 0x20ac)
		return 2;
	if (cp >= 0x20 && cp < 0x7f) {
		if (cp == '`')
			return 0;
		return strchr("^{}\\[~]|", (int)cp) != NULL ? 2 : 1;
	}
	for (i = 0; i < HARK_NELEM(gsm_basic_latin1); i++) {
		if (gsm_basic_latin1[i] == cp)
			return 1;
	}
	return 0;
}

static void
sms_fill_add(struct sms_fill *f, int units, int per_segment)
{
	if (f->segments == 0 || f->used + units > per_segment) {
		f->segments++;
		f->used = 0;
	}
	f->used += units;
	f->units += (size_t)units;
}

static void
sms_fill_result(const struct sms_fill *f, int single, int multi,
    struct sms_info *out)
{
	out->units = f->units;
	if (f->units <= (size_t)single) {
		out->segments = f->units > 0 ? 1 : 0;
		out->per_segment = single;
		out->remaining = single - (int)f->units;
		return;
	}
	out->segments = f->segments;
	out->per_segment = multi;
	out->remaining = multi - f->used;
}

/* One pass fills GSM-7 and UCS-2 parts side by side; the encoding is known
 * only at the end, when no character has ruled GSM-7 out. */
void
sms_analyze(const char *utf8, size_t len, struct sms_info *out)
{
	struct sms_fill gsm = { 0, 0, 0 }, ucs = { 0, 0, 0 };
	int gsm_ok = 1, septets;
	uint32_t cp;
	size_t n;

	memset(out, 0, sizeof *out);
	if (utf8 == NULL)
		len = 0;
	while (len > 0) {
		n = utf8_decode(utf8, len, &cp);
		utf8 += n;
		len -= n;
		out->chars++;
		sms_fill_add(&ucs, cp > 0xffff ? 2 : 1, UCS_MULTI);
		if (gsm_ok && (septets = sms_gsm_septets(cp)) > 0)
			sms_fill_add(&gsm, septets, GSM_MULTI);
		else
			gsm_ok = 0;
	}
	out->encoding = gsm_ok ? SMS_GSM7 : SMS_UCS2;
	if (gsm_ok)
		sms_fill_result(&gsm, GSM_SINGLE, GSM_MULTI, out);
	else
		sms_fill_result(&ucs, UCS_SINGLE, UCS_MULTI, out);
}

const char *
sms_encoding_name(enum sms_encoding e)
{
	return e == SMS_UCS2 ? "UCS-2" : "GSM-7";
}
