/* core_int.h — what the files of src/core/ share with each other and no one else. */
#ifndef HARK_CORE_INT_H
#define HARK_CORE_INT_H

#include <stddef.h>
#include <stdint.h>

/* ---- phone numbering plans (phone_regions.c) ------------------------------ */

#define PHONE_NANP 0x1        /* North American plan: NXX area code, NXX exchange */
#define PHONE_LEADING_ZERO 0x2 /* the national number itself may start with 0 (Italy) */
#define PHONE_LEGACY_1 0x4    /* an old mobile "1" after the country code is dropped (Mexico) */

/*
 * One region's numbering plan. Lengths are of the national significant number
 * (the digits after the country code), covering fixed lines and mobiles.
 */
struct phone_region {
	const char *region;     /* ISO 3166 alpha-2 */
	unsigned cc;            /* country calling code */
	const char *trunk;      /* national prefix dialled before it, "" if none */
	const char *intl;       /* international dialling prefix, e.g. "00", "011" */
	unsigned char min_len;
	unsigned char max_len;
	unsigned flags;         /* PHONE_* */
};

/* The plan of an ISO region (case-insensitive), or NULL if hark has none. */
const struct phone_region *phone_region_find(const char *region);
/*
 * Reads a country calling code from the front of digits; returns the plan of
 * its main region and sets *rest past the code, or NULL if no code matches.
 */
const struct phone_region *phone_region_split(const char *digits,
    const char **rest);
/* The region that owns a national number under a country code (NANP area
 * codes tell Canada and the Caribbean from the US), or NULL. */
const struct phone_region *phone_region_of(unsigned cc, const char *nsn);

/* ---- UTF-8 (sanitize.c) ------------------------------------------------------ */

/*
 * Decodes one code point from s (len > 0). Returns the bytes consumed (at
 * least 1). An invalid sequence, overlong form or surrogate yields U+FFFD and
 * consumes its maximal invalid prefix, so decoding always moves forward.
 */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

#endif
