/*
 * vcard.h — the parts of vCard 3.0 (RFC 2426) and 4.0 (RFC 6350) that make a
 * hark contact: FN, N, TEL, EMAIL, ORG, NOTE, CATEGORIES, WhatsApp numbers as
 * IMPP whatsapp: URIs and custom fields as X-HARK-FIELD:name;value (what
 * hark export --format vcard writes). Folded lines are
 * joined, backslash escapes undone, property groups ("item1.TEL") and
 * parameters other than TYPE ignored. Quoted-printable is not decoded.
 */
#ifndef HARK_CLI_VCARD_H
#define HARK_CLI_VCARD_H

#include <stddef.h>

/* A TEL or EMAIL: the value and its first meaningful TYPE ("cell", "work"). */
struct vcard_addr {
	char *value;
	char *type;    /* lower case, NULL when none */
};

/* One card. Every string is owned by the card; NULL when absent. */
struct vcard {
	int line;              /* the line of BEGIN:VCARD */
	char *error;           /* set when the card is unusable, e.g. not ended */
	char *fn;              /* formatted name */
	char *n;               /* "Given Family" from N, when given */
	char *org;             /* first ORG component */
	char *note;
	struct vcard_addr *tels;
	int ntels;
	struct vcard_addr *emails;
	int nemails;
	char **categories;
	int ncategories;
	struct vcard_addr *whatsapps;   /* IMPP whatsapp:+1... */
	int nwhatsapps;
	char **field_keys, **field_values; /* X-HARK-FIELD */
	int nfields;
};

/* True when text looks like vCard (its first non-blank line is BEGIN:VCARD). */
int vcard_detect(const char *text, size_t len);
/*
 * Parses every card in text[0..len). Returns the number of cards and an
 * array in *out (free with vcard_free_all). Text outside BEGIN/END is
 * ignored. A card that cannot be used is returned with error set, so the
 * caller can report it by line and go on.
 */
int vcard_parse(const char *text, size_t len, struct vcard **out);
/* The name to give the contact: FN, else N, else NULL. */
const char *vcard_name(const struct vcard *c);
void vcard_free_all(struct vcard *cards, int n);

#endif
