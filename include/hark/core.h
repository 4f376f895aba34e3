/*
 * core.h — pure logic shared by every layer: channels and statuses, addresses
 * (E.164 phone numbers, email), SMS segments, money, terminal-safe text, times
 * and retry backoff. Nothing here does I/O (the clock is passed in).
 *
 * Files: src/core/{xmalloc,hbuf,channel,addr,phone_regions,sms,money,tz,quiet,
 *        sanitize,when,backoff}.c
 */
#ifndef HARK_CORE_H
#define HARK_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "hark/util.h"

/* ---- channels and statuses ------------------------------------------------ */

enum hark_channel {
	HARK_CH_SMS,
	HARK_CH_WHATSAPP,
	HARK_CH_EMAIL,
	HARK_CH_VOICE,
	HARK_CH__COUNT
};
/* "sms", "whatsapp", "email", "voice". */
const char *hark_channel_name(enum hark_channel ch);
/* One-letter tag for the contact list: S W E C. */
char hark_channel_letter(enum hark_channel ch);
/* Parses a channel name (case-insensitive, also "wa", "mail", "call"). 0 or -1. */
int hark_channel_parse(const char *s, enum hark_channel *out);

enum hark_direction { HARK_DIR_IN, HARK_DIR_OUT };
const char *hark_direction_name(enum hark_direction d); /* "in" / "out" */
int hark_direction_parse(const char *s, enum hark_direction *out);

/*
 * Message lifecycle. Outbound: queued (or scheduled) → sending → sent →
 * delivered → read, or failed / undelivered / canceled; uncertain when a send
 * may have reached the provider before a crash and cannot be reconciled.
 * Inbound messages are received (and read once the user has seen them).
 */
enum hark_status {
	HARK_ST_QUEUED,
	HARK_ST_SCHEDULED,
	HARK_ST_SENDING,
	HARK_ST_SENT,
	HARK_ST_DELIVERED,
	HARK_ST_READ,
	HARK_ST_FAILED,
	HARK_ST_UNDELIVERED,
	HARK_ST_CANCELED,
	HARK_ST_UNCERTAIN,
	HARK_ST_RECEIVED,
	HARK_ST__COUNT
};
const char *hark_status_name(enum hark_status st);
int hark_status_parse(const char *s, enum hark_status *out);
/* True for statuses after which a provider sends no further change
 * (delivered counts as final for --wait, though read may follow). */
int hark_status_is_final(enum hark_status st);
/* Order for "only move forward": a late "sent" never overwrites "delivered". */
int hark_status_rank(enum hark_status st);

/* ---- addresses ------------------------------------------------------------ */

#define HARK_E164_MAX 16 /* '+' and at most 15 digits */

/*
 * Normalises a phone number typed by a person ("(415) 555-2671", "+44 20 7946
 * 0958", "020 7946 0958" with region "GB", "00 33 1 42 68 53 00",
 * "whatsapp:+1415...") to E.164 in out. default_region is an ISO 3166 alpha-2
 * code used when the number has no international prefix. Rejects, with the
 * reason in *cause: empty input, letters, too few/many digits for the region,
 * unknown country calling code, unknown region, a national number that cannot
 * be valid (e.g. NANP area code starting with 0 or 1). Returns 0 or -1.
 */
int addr_phone_normalize(const char *input, const char *default_region,
    char out[HARK_E164_MAX + 1], char **cause);

/* ISO alpha-2 region of an E.164 number ("US", "GB"), or NULL if unknown. */
const char *addr_phone_region(const char *e164);

/*
 * Validates an email address (RFC 5322 addr-spec, dot-atom local part or a
 * quoted string; a domain with at least one dot, labels of letters, digits and
 * hyphens, or an IP literal; at most 254 octets). "Name <a@b.c>" is accepted
 * and reduced to the address. On success returns a newly allocated address
 * with the domain lower-cased; on failure NULL with the reason in *cause.
 */
char *addr_email_normalize(const char *input, char **cause);

/*
 * Normalises an address for a channel: phone numbers for sms/whatsapp/voice,
 * email for email. Returns a new string or NULL with *cause.
 */
char *addr_normalize(enum hark_channel ch, const char *input,
    const char *default_region, char **cause);

/* ---- SMS segments ---------------------------------------------------------- */

enum sms_encoding { SMS_GSM7, SMS_UCS2 };

struct sms_info {
	enum sms_encoding encoding;
	size_t chars;     /* user-visible code points */
	size_t units;     /* GSM-7 septets (extension chars count 2) or UTF-16 units */
	int segments;     /* 0 for an empty body */
	int per_segment;  /* 160/153 (GSM-7) or 70/67 (UCS-2) for this message */
	int remaining;    /* units left in the last segment */
};

/*
 * Computes how a body goes over the air. GSM-7 when every character is in the
 * GSM 03.38 basic set or extension table (extension characters ^ { } \ [ ~ ] |
 * and the euro sign take two septets); otherwise UCS-2, where characters outside
 * the BMP take two units. One segment holds 160 septets / 70 units; a
 * multi-part message 153 / 67 per segment, and a two-septet character or a
 * surrogate pair is never split across segments. Invalid UTF-8 counts as
 * U+FFFD.
 */
void sms_analyze(const char *utf8, size_t len, struct sms_info *out);
const char *sms_encoding_name(enum sms_encoding e); /* "GSM-7" / "UCS-2" */

/* ---- money ----------------------------------------------------------------- */

/* An amount in millionths of the currency unit, never a float. */
struct hark_money {
	int64_t micros;
	char currency[4]; /* ISO 4217, "" when unknown */
};

/*
 * Parses a decimal string such as "-0.00750" or "12" into micro-units
 * (rounding half away from zero past six decimals). Returns 0 or -1 with cause.
 */
int money_parse(const char *s, const char *currency, struct hark_money *out,
    char **cause);
/* Formats as "$0.0079", "€1.20", "£0.04" or "0.0079 XYZ", with at least two
 * and at most six decimals (trailing zeros trimmed). Writes into buf. */
void money_format(const struct hark_money *m, char *buf, size_t size);
/* a*n with overflow checking; returns 0 or -1. */
int money_mul(const struct hark_money *a, int64_t n, struct hark_money *out);

/* ---- terminal-safe text ---------------------------------------------------- */

#define HARK_SAN_NEWLINES 0x1 /* keep '\n' (else shown as a space) */
#define HARK_SAN_TABS 0x2     /* keep '\t' (else a space) */

/*
 * Makes text from outside safe to draw in a terminal. Returns a new, valid
 * UTF-8 string in which: ESC-introduced sequences (CSI, OSC, DCS, APC, PM,
 * SOS, two-byte escapes) are removed whole, including their payload; other C0
 * controls, DEL and C1 controls (U+0080–U+009F, including 8-bit CSI) become
 * U+FFFD-free visible forms (^X-style placeholders drawn as U+2400-block
 * pictures, e.g. BEL → U+2407); invalid UTF-8 bytes, overlongs and surrogates
 * become U+FFFD; bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
 * U+061C) are made visible as "<U+202E>" style markers. '\r\n' counts as '\n'.
 */
char *text_sanitize(const char *in, size_t len, unsigned flags);

/* Number of terminal columns a sanitised UTF-8 string takes (wcwidth rules). */
size_t text_width(const char *s);

/* True if s is valid UTF-8 of length len. */
int utf8_valid(const char *s, size_t len);

/* ---- times ------------------------------------------------------------------ */

/*
 * Parses when a send should happen, relative to now_ms, in the local time
 * zone (TZ): "now"; "+90s", "30m", "2h", "1d", "1w", "in 2 hours";
 * "9:00", "21:30" (today, or tomorrow if already past); "tomorrow",
 * "tomorrow 9:00", "mon 9:00" (next such weekday), "2026-12-01",
 * "2026-12-01 09:00", "2026-12-01T09:00:00Z" / with an offset (ISO 8601),
 * "@1767225600" (epoch seconds). A time in the past (more than a minute ago)
 * is refused. Returns 0 or -1 with a cause naming the input.
 */
int when_parse(const char *s, int64_t now_ms, int64_t *out_ms, char **cause);

/*
 * Parses a point in the past for filters: "7d", "24h", "2w", "30m", an ISO
 * date or date-time, or "@epoch". Returns 0 or -1 with cause.
 */
int since_parse(const char *s, int64_t now_ms, int64_t *out_ms, char **cause);

/* Formats an epoch-ms time as ISO 8601 UTC "2026-11-23T09:58:00Z". */
void time_format_iso(int64_t ms, char *buf, size_t size);
/* Parses ISO 8601 ("2026-11-23T09:58:00Z", "...+01:00", "...000Z", a bare date
 * as UTC midnight) and RFC 2822 dates into epoch ms. 0 or -1. */
int time_parse_iso(const char *s, int64_t *out_ms);
/* Short relative form for lists: "now", "5m", "3h", "Mon", "12 Nov", "2024". */
void time_format_relative(int64_t then_ms, int64_t now_ms, char *buf, size_t size);
/* A call's length: "0:42", "3:05", "1:02:09"; "-" when unknown (seconds < 0). */
void time_format_duration(int seconds, char *buf, size_t size);

/* ---- retry policy --------------------------------------------------------------- */

struct backoff_policy {
	int64_t base_ms;   /* first delay, e.g. 1000 */
	int64_t cap_ms;    /* largest delay, e.g. 300000 */
	int max_attempts;  /* attempts before giving up, e.g. 8 */
};

/*
 * Delay before attempt number `attempt` (1 = first retry): "full jitter"
 * exponential backoff, uniformly in [d/2, d] where d = min(cap, base * 2^(attempt-1)),
 * picked with `random` (any 64-bit value; pass a PRNG output). A Retry-After
 * from the provider (retry_after_ms > 0) is honoured as a lower bound, capped
 * at one hour. Pure: same inputs, same result.
 */
int64_t backoff_delay_ms(const struct backoff_policy *p, int attempt,
    uint64_t random, int64_t retry_after_ms);

/* Parses an HTTP Retry-After value (delta-seconds or an HTTP-date) into ms
 * from now_ms; -1 if absent or malformed. */
int64_t retry_after_parse(const char *value, int64_t now_ms);


/* ---- time zones, quiet hours, frequency caps (src/core/{tz,quiet}.c) ---------- */

/* A zone's rules, read once from TZif bytes; then asked with no locking. */
struct tz;
/* Parses a TZif (version 2+) file's bytes: its transitions and the POSIX
 * rule for later times. NULL with cause when malformed. */
struct tz *tz_parse(const unsigned char *data, size_t len, char **cause);
void tz_free(struct tz *z);
/* Seconds east of UTC in force at utc_ms. */
long tz_offset(const struct tz *z, int64_t utc_ms);
/* A UTC offset function: arg is the caller's (a struct tz, a fixed offset). */
typedef long (*tz_offset_fn)(const void *arg, int64_t utc_ms);
long tz_offset_cb(const void *arg, int64_t utc_ms);       /* arg: struct tz */
long tz_fixed_offset_cb(const void *arg, int64_t utc_ms); /* arg: long seconds */
/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
int64_t tz_days_from_civil(int64_t y, int m, int d);
void tz_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
/* The UTC instant of a local wall time (ms as if UTC): the first one when
 * it occurs twice, the moment of the jump when clocks skipped it. */
int64_t tz_local_to_utc(tz_offset_fn off, const void *arg, int64_t local_ms);

/*
 * Parses quiet hours "21:00-08:00" (also "21-8", "22:30 07:00") into
 * minutes after local midnight; start > end crosses midnight. 0 or -1 with
 * cause; equal start and end is refused.
 */
int quiet_parse(const char *s, int *start, int *end, char **cause);
/* "08:00" from minutes after midnight. */
void quiet_format_minutes(int minutes, char *buf, size_t size);
/*
 * 1 when now_ms falls in the window [start, end) of local time (off gives
 * the zone's offset), with *until the UTC ms at which it ends; 0 when not
 * (or when start == end, no window).
 */
int quiet_until(int start, int end, tz_offset_fn off, const void *arg,
    int64_t now_ms, int64_t *until);
/* Parses a frequency cap "3/day" or "10/week": at most n messages in any
 * 24 hours (days 1) or 7 days (days 7). 0 or -1 with cause. */
int cap_parse(const char *s, int *n, int *days, char **cause);

#endif
