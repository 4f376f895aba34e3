/* phone_regions.c — numbering plans hark knows: country codes, prefixes, lengths. */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hark/core.h"
#include "core_int.h"

static const struct phone_region *phone_region_main(unsigned);
static const struct phone_region *phone_region_nanp(const char *);

#define NANP(r) { r, 1, "1", "011", 10, 10, PHONE_NANP }

/*
 * The plans, one row per region. The first row of a country code is its main
 * region: the one named when a number under that code is wrong. Lengths span
 * fixed lines, mobiles and freephone numbers a person would hand out; short
 * codes and machine-to-machine ranges are left out on purpose, since nobody
 * messages them from an inbox.
 */
static const struct phone_region phone_regions[] = {
	/* North America and the NANP Caribbean: one plan, ten digits. */
	NANP("US"), NANP("CA"), NANP("AG"), NANP("AI"), NANP("AS"), NANP("BB"),
	NANP("BM"), NANP("BS"), NANP("DM"), NANP("DO"), NANP("GD"), NANP("GU"),
	NANP("JM"), NANP("KN"), NANP("KY"), NANP("LC"), NANP("MP"), NANP("MS"),
	NANP("PR"), NANP("SX"), NANP("TC"), NANP("TT"), NANP("VC"), NANP("VG"),
	NANP("VI"),

	/* Europe */
	{ "GB", 44, "0", "00", 7, 10, 0 },
	{ "IE", 353, "0", "00", 7, 9, 0 },
	{ "DE", 49, "0", "00", 5, 13, 0 },
	{ "FR", 33, "0", "00", 9, 9, 0 },
	{ "ES", 34, "", "00", 9, 9, 0 },
	{ "IT", 39, "", "00", 6, 11, PHONE_LEADING_ZERO },
	{ "VA", 379, "", "00", 6, 11, 0 },
	{ "SM", 378, "", "00", 6, 10, 0 },
	{ "NL", 31, "0", "00", 7, 10, 0 },
	{ "BE", 32, "0", "00", 8, 9, 0 },
	{ "LU", 352, "", "00", 4, 11, 0 },
	{ "PT", 351, "", "00", 9, 9, 0 },
	{ "CH", 41, "0", "00", 9, 9, 0 },
	{ "LI", 423, "", "00", 7, 9, 0 },
	{ "AT", 43, "0", "00", 4, 13, 0 },
	{ "MC", 377, "", "00", 8, 9, 0 },
	{ "AD", 376, "", "00", 6, 9, 0 },
	{ "SE", 46, "0", "00", 7, 10, 0 },
	{ "NO", 47, "", "00", 8, 8, 0 },
	{ "DK", 45, "", "00", 8, 8, 0 },
	{ "FI", 358, "0", "00", 5, 12, 0 },
	{ "IS", 354, "", "00", 7, 9, 0 },
	{ "EE", 372, "", "00", 7, 8, 0 },
	{ "LV", 371, "", "00", 8, 8, 0 },
	{ "LT", 370, "8", "00", 8, 8, 0 },
	{ "PL", 48, "", "00", 9, 9, 0 },
	{ "CZ", 420, "", "00", 9, 9, 0 },
	{ "SK", 421, "0", "00", 9, 9, 0 },
	{ "HU", 36, "06", "00", 8, 9, 0 },
	{ "RO", 40, "0", "00", 9, 9, 0 },
	{ "BG", 359, "0", "00", 6, 9, 0 },
	{ "GR", 30, "", "00", 10, 10, 0 },
	{ "CY", 357, "", "00", 8, 8, 0 },
	{ "MT", 356, "", "00", 8, 8, 0 },
	{ "SI", 386, "0", "00", 8, 8, 0 },
	{ "HR", 385, "0", "00", 8, 9, 0 },
	{ "BA", 387, "0", "00", 8, 9, 0 },
	{ "RS", 381, "0", "00", 8, 10, 0 },
	{ "ME", 382, "0", "00", 8, 8, 0 },
	{ "MK", 389, "0", "00", 8, 8, 0 },
	{ "AL", 355, "0", "00", 8, 9, 0 },
	{ "MD", 373, "0", "00", 8, 8, 0 },
	{ "UA", 380, "0", "00", 9, 9, 0 },
	{ "BY", 375, "8", "810", 9, 9, 0 },
	{ "RU", 7, "8", "810", 10, 10, 0 },
	{ "KZ", 7, "8", "810", 10, 10, 0 },
	{ "TR", 90, "0", "00", 10, 10, 0 },
	{ "GE", 995, "0", "00", 9, 9, 0 },
	{ "AM", 374, "0", "00", 8, 8, 0 },
	{ "AZ", 994, "0", "00", 9, 9, 0 },

	/* Middle East */
	{ "IL", 972, "0", "00", 8, 9, 0 },
	{ "AE", 971, "0", "00", 8, 9, 0 },
	{ "SA", 966, "0", "00", 8, 9, 0 },
	{ "QA", 974, "", "00", 8, 8, 0 },
	{ "KW", 965, "", "00", 8, 8, 0 },
	{ "BH", 973, "", "00", 8, 8, 0 },
	{ "OM", 968, "", "00", 8, 8, 0 },
	{ "JO", 962, "0", "00", 8, 9, 0 },
	{ "LB", 961, "0", "00", 7, 8, 0 },
	{ "IQ", 964, "0", "00", 8, 10, 0 },
	{ "IR", 98, "0", "00", 10, 10, 0 },

	/* Asia */
	{ "IN", 91, "0", "00", 10, 10, 0 },
	{ "PK", 92, "0", "00", 9, 10, 0 },
	{ "BD", 880, "0", "00", 8, 10, 0 },
	{ "LK", 94, "0", "00", 9, 9, 0 },
	{ "NP", 977, "0", "00", 8, 10, 0 },
	{ "AF", 93, "0", "00", 9, 9, 0 },
	{ "CN", 86, "0", "00", 9, 11, 0 },
	{ "HK", 852, "", "001", 8, 8, 0 },
	{ "MO", 853, "", "00", 8, 8, 0 },
	{ "TW", 886, "0", "002", 8, 9, 0 },
	{ "JP", 81, "0", "010", 9, 10, 0 },
	{ "KR", 82, "0", "001", 8, 10, 0 },
	{ "SG", 65, "", "001", 8, 8, 0 },
	{ "MY", 60, "0", "00", 8, 10, 0 },
	{ "TH", 66, "0", "001", 8, 9, 0 },
	{ "VN", 84, "0", "00", 9, 10, 0 },
	{ "KH", 855, "0", "001", 8, 9, 0 },
	{ "MM", 95, "0", "00", 7, 10, 0 },
	{ "ID", 62, "0", "001", 7, 12, 0 },
	{ "PH", 63, "0", "00", 8, 10, 0 },

	/* Oceania */
	{ "AU", 61, "0", "0011", 9, 9, 0 },
	{ "NZ", 64, "0", "00", 8, 10, 0 },
	{ "FJ", 679, "", "00", 7, 7, 0 },

	/* Africa */
	{ "ZA", 27, "0", "00", 9, 9, 0 },
	{ "NG", 234, "0", "009", 8, 10, 0 },
	{ "KE", 254, "0", "000", 9, 9, 0 },
	{ "GH", 233, "0", "00", 9, 9, 0 },
	{ "TZ", 255, "0", "000", 9, 9, 0 },
	{ "UG", 256, "0", "000", 9, 9, 0 },
	{ "ET", 251, "0", "00", 9, 9, 0 },
	{ "EG", 20, "0", "00", 8, 10, 0 },
	{ "MA", 212, "0", "00", 9, 9, 0 },
	{ "DZ", 213, "0", "00", 8, 9, 0 },
	{ "TN", 216, "", "00", 8, 8, 0 },
	{ "SN", 221, "", "00", 9, 9, 0 },
	{ "CI", 225, "", "00", 10, 10, 0 },
	{ "CM", 237, "", "00", 9, 9, 0 },

	/* Latin America */
	{ "BR", 55, "0", "00", 10, 11, 0 },
	{ "MX", 52, "", "00", 10, 10, PHONE_LEGACY_1 },
	{ "AR", 54, "0", "00", 10, 11, 0 },
	{ "CL", 56, "", "00", 9, 9, 0 },
	{ "CO", 57, "0", "00", 10, 10, 0 },
	{ "PE", 51, "0", "00", 8, 9, 0 },
	{ "VE", 58, "0", "00", 10, 10, 0 },
	{ "EC", 593, "0", "00", 8, 9, 0 },
	{ "BO", 591, "0", "00", 8, 8, 0 },
	{ "PY", 595, "0", "00", 9, 9, 0 },
	{ "UY", 598, "0", "00", 8, 8, 0 },
	{ "CR", 506, "", "00", 8, 8, 0 },
	{ "PA", 507, "", "00", 7, 8, 0 },
	{ "GT", 502, "", "00", 8, 8, 0 },
	{ "SV", 503, "", "00", 8, 8, 0 },
	{ "HN", 504, "", "00", 8, 8, 0 },
	{ "NI", 505, "", "00", 8, 8, 0 },
	{ "CU", 53, "0", "119", 8, 8, 0 },
};

/*
 * NANP area codes outside the US. Anything not listed is taken as the US,
 * which is right for a number that is merely valid-looking.
 */
static const struct {
	unsigned short area;
	char region[3];
} nanp_areas[] = {
	{ 204, "CA" }, { 226, "CA" }, { 236, "CA" }, { 242, "BS" }, { 246, "BB" },
	{ 249, "CA" }, { 250, "CA" }, { 257, "CA" }, { 263, "CA" }, { 264, "AI" },
	{ 268, "AG" }, { 284, "VG" }, { 289, "CA" }, { 306, "CA" }, { 340, "VI" },
	{ 343, "CA" }, { 345, "KY" }, { 354, "CA" }, { 365, "CA" }, { 367, "CA" },
	{ 368, "CA" }, { 382, "CA" }, { 387, "CA" }, { 403, "CA" }, { 416, "CA" },
	{ 418, "CA" }, { 428, "CA" }, { 431, "CA" }, { 437, "CA" }, { 438, "CA" },
	{ 441, "BM" }, { 450, "CA" }, { 460, "CA" }, { 468, "CA" }, { 473, "GD" },
	{ 474, "CA" }, { 506, "CA" }, { 514, "CA" }, { 519, "CA" }, { 548, "CA" },
	{ 579, "CA" }, { 581, "CA" }, { 584, "CA" }, { 587, "CA" }, { 604, "CA" },
	{ 613, "CA" }, { 639, "CA" }, { 647, "CA" }, { 649, "TC" }, { 658, "JM" },
	{ 664, "MS" }, { 670, "MP" }, { 671, "GU" }, { 672, "CA" }, { 683, "CA" },
	{ 684, "AS" }, { 705, "CA" }, { 709, "CA" }, { 721, "SX" }, { 742, "CA" },
	{ 753, "CA" }, { 758, "LC" }, { 767, "DM" }, { 778, "CA" }, { 780, "CA" },
	{ 782, "CA" }, { 784, "VC" }, { 787, "PR" }, { 807, "CA" }, { 809, "DO" },
	{ 819, "CA" }, { 825, "CA" }, { 829, "DO" }, { 849, "DO" }, { 867, "CA" },
	{ 868, "TT" }, { 869, "KN" }, { 873, "CA" }, { 876, "JM" }, { 879, "CA" },
	{ 902, "CA" }, { 905, "CA" }, { 939, "PR" }, { 942, "CA" },
};

const struct phone_region *
phone_region_find(const char *region)
{
	size_t i;

	if (region == NULL)
		return NULL;
	if (strcasecmp(region, "UK") == 0) /* what people write for GB */
		region = "GB";
	for (i = 0; i < HARK_NELEM(phone_regions); i++) {
		if (strcasecmp(phone_regions[i].region, region) == 0)
			return &phone_regions[i];
	}
	return NULL;
}

static const struct phone_region *
phone_region_main(unsigned cc)
{
	size_t i;

	for (i = 0; i < HARK_NELEM(phone_regions); i++) {
		if (phone_regions[i].cc == cc)
			return &phone_regions[i];
	}
	return NULL;
}

/* Country codes form a prefix-free set, so the first length that matches wins. */
const struct phone_region *
phone_region_split(const char *digits, const char **rest)
{
	const struct phone_region *r;
	unsigned cc = 0;
	int n;

	for (n = 0; n < 3 && digits[n] >= '0' && digits[n] <= '9'; n++) {
		cc = cc * 10 + (unsigned)(digits[n] - '0');
		if (cc == 0)
			return NULL;
		if ((r = phone_region_main(cc)) != NULL) {
			*rest = digits + n + 1;
			return r;
		}
	}
	return NULL;
}

static const struct phone_region *
phone_region_nanp(const char *nsn)
{
	unsigned area;
	size_t i;

	if (strlen(nsn) < 3)
		return phone_region_main(1);
	area = (unsigned)(nsn[0] - '0') * 100 + (unsigned)(nsn[1] - '0') * 10 +
	    (unsigned)(nsn[2] - '0');
	for (i = 0; i < HARK_NELEM(nanp_areas); i++) {
		if (nanp_areas[i].area == area)
			return phone_region_find(nanp_areas[i].region);
	}
	return phone_region_main(1);
}

const struct phone_region *
phone_region_of(unsigned cc, const char *nsn)
{
	if (cc == 1)
		return phone_region_nanp(nsn);
	/* Kazakhstan shares +7 with Russia; its numbers start with 6 or 7. */
	if (cc == 7 && (nsn[0] == '6' || nsn[0] == '7'))
		return phone_region_find("KZ");
	return phone_region_main(cc);
}
