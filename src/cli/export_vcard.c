/*
 * export_vcard.c — a hark contact as a vCard 4.0 (RFC 6350): FN and N, TEL
 * as tel: URIs in E.164, EMAIL, WhatsApp numbers as IMPP whatsapp: URIs,
 * ORG, NOTE, CATEGORIES from the tags, REV, and each custom field as
 * X-HARK-FIELD:name;value. Text is escaped (backslash, comma, semicolon,
 * newline) and lines are folded at 75 octets without splitting a UTF-8
 * character. `hark contacts import` reads all of it back.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "hark/store.h"
#include "hark/util.h"

#include "export_int.h"

#define VCARD_FOLD 75

static const char *vc_get(const struct store_xrow *r, const char *name);
static void vc_escape(struct hbuf *b, const char *s, int structured);
static void vc_line(struct hbuf *out, const char *content);
static void vc_name(struct hbuf *line, const char *name);
static void vc_identity(struct hbuf *line, const struct store_xrow *r);
static void vc_fields(struct hbuf *out, struct hbuf *line, const char *json);
static void vc_rev(struct hbuf *line, const struct store_xrow *r);
static void vc_sets(struct hbuf *out, struct hbuf *line, const struct store_xcontact *c);
static void vc_text(struct hbuf *out, struct hbuf *line, const char *prop,
    const char *value, int structured);

static const char *
vc_get(const struct store_xrow *r, const char *name)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0 && r->v[i].type == STORE_X_TEXT)
			return r->v[i].s;
	return NULL;
}

/* RFC 6350 3.4: backslash, comma and newline always; semicolon too where it
 * separates components (structured). CR is dropped: \n stands for a break. */
static void
vc_escape(struct hbuf *b, const char *s, int structured)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == ',' || (*s == ';' && structured)) {
			hbuf_addc(b, '\\');
			hbuf_addc(b, *s);
		} else if (*s == '\n')
			hbuf_adds(b, "\\n");
		else if (*s != '\r')
			hbuf_addc(b, *s);
	}
}

/* Appends one content line folded at 75 octets (RFC 6350 3.2): a
 * continuation starts with a space, and a fold never splits a character. */
static void
vc_line(struct hbuf *out, const char *content)
{
	size_t len = strlen(content), pos = 0, room = VCARD_FOLD, n;

	while (len - pos > room) {
		n = room;
		while (n > 0 && ((unsigned char)content[pos + n] & 0xc0) == 0x80)
			n--;
		hbuf_add(out, content + pos, n);
		hbuf_adds(out, "\r\n ");
		pos += n;
		room = VCARD_FOLD - 1;
	}
	hbuf_add(out, content + pos, len - pos);
	hbuf_adds(out, "\r\n");
}

/* N is family;given;additional;prefix;suffix: the last word is taken for
 * the family name, as most address books do with a single name field. */
static void
vc_name(struct hbuf *line, const char *name)
{
	const char *sp = strrchr(name, ' ');
	char *given;

	hbuf_adds(line, "N:");
	if (sp == NULL || sp == name) {
		hbuf_adds(line, ";");
		vc_escape(line, name, 1);
	} else {
		vc_escape(line, sp + 1, 1);
		hbuf_addc(line, ';');
		given = xstrndup(name, (size_t)(sp - name));
		vc_escape(line, given, 1);
		free(given);
	}
	hbuf_adds(line, ";;;");
}

/* An identity's label is its TYPE when it is a plain word ("work",
 * "mobile"): RFC 6350 allows names beyond its own, and readers keep them. */
static void
vc_identity(struct hbuf *line, const struct store_xrow *r)
{
	const char *kind = vc_get(r, "kind"), *addr = vc_get(r, "address");
	const char *label = vc_get(r, "label"), *type = NULL;

	if (kind == NULL || addr == NULL)
		return;
	if (label != NULL && *label != '\0' && strspn(label, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == strlen(label))
		type = label;
	if (strcmp(kind, "phone") == 0)
		hbuf_adds(line, "TEL;VALUE=uri");
	else if (strcmp(kind, "whatsapp") == 0)
		hbuf_adds(line, "IMPP;X-SERVICE-TYPE=WhatsApp");
	else
		hbuf_adds(line, "EMAIL");
	if (type != NULL)
		hbuf_printf(line, ";TYPE=%s", type);
	hbuf_adds(line, strcmp(kind, "phone") == 0 ? ":tel:" :
	    strcmp(kind, "whatsapp") == 0 ? ":whatsapp:" : ":");
	vc_escape(line, addr, 0);
}

/* Custom fields, in the object's order; a value that is not a string is
 * written as its JSON text. */
static void
vc_fields(struct hbuf *out, struct hbuf *line, const char *json)
{
	cJSON *o = json != NULL ? cJSON_Parse(json) : NULL, *v;
	char *text;

	cJSON_ArrayForEach(v, o) {
		if (v->string == NULL)
			continue;
		hbuf_reset(line);
		hbuf_adds(line, "X-HARK-FIELD:");
		vc_escape(line, v->string, 1);
		hbuf_addc(line, ';');
		if (cJSON_IsString(v))
			vc_escape(line, v->valuestring, 1);
		else if ((text = cJSON_PrintUnformatted(v)) != NULL) {
			vc_escape(line, text, 1);
			cJSON_free(text);
		}
		vc_line(out, hbuf_str(line));
	}
	cJSON_Delete(o);
}

static void
vc_rev(struct hbuf *line, const struct store_xrow *r)
{
	char buf[32];
	struct tm tm;
	time_t t;
	int i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, "updated_at") == 0 && r->v[i].type == STORE_X_INT)
			break;
	if (i == r->n)
		return;
	t = (time_t)(r->v[i].i / 1000);
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
	hbuf_printf(line, "REV:%s", buf);
}

/* Phones, then emails, then WhatsApp, as address books list them and as
 * `hark contacts import` adds them back; then the tags as CATEGORIES. */
static void
vc_sets(struct hbuf *out, struct hbuf *line, const struct store_xcontact *c)
{
	static const char *const kinds[] = { "phone", "email", "whatsapp" };
	const struct store_xset *set;
	const char *s;
	int i, j, k;

	for (k = 0; k < 3; k++)
		for (i = 0; i < c->nsets; i++)
			for (j = 0; strcmp(c->sets[i].name, "identities") == 0 &&
			    j < c->sets[i].nrows; j++) {
				s = vc_get(&c->sets[i].rows[j], "kind");
				if (s == NULL || strcmp(s, kinds[k]) != 0)
					continue;
				hbuf_reset(line);
				vc_identity(line, &c->sets[i].rows[j]);
				vc_line(out, hbuf_str(line));
			}
	for (i = 0; i < c->nsets; i++) {
		set = &c->sets[i];
		if (strcmp(set->name, "tags") != 0 || set->nrows == 0)
			continue;
		hbuf_reset(line);
		hbuf_adds(line, "CATEGORIES:");
		for (j = 0; j < set->nrows; j++) {
			if ((s = vc_get(&set->rows[j], "tag")) == NULL)
				continue;
			if (line->len > 11)
				hbuf_addc(line, ',');
			vc_escape(line, s, 0);
		}
		vc_line(out, hbuf_str(line));
	}
}

/* A text property when the contact has that column (ORG, NOTE). */
static void
vc_text(struct hbuf *out, struct hbuf *line, const char *prop, const char *value,
    int structured)
{
	if (value == NULL || *value == '\0')
		return;
	hbuf_reset(line);
	hbuf_printf(line, "%s:", prop);
	vc_escape(line, value, structured);
	vc_line(out, hbuf_str(line));
}

void
export_vcard(const struct store_xcontact *c, struct hbuf *out)
{
	struct hbuf line = HBUF_INIT;
	const char *name = vc_get(&c->row, "name");

	if (name == NULL)
		name = "";
	hbuf_adds(out, "BEGIN:VCARD\r\nVERSION:4.0\r\n");
	vc_text(out, &line, "FN", name, 0);
	hbuf_reset(&line);
	vc_name(&line, name);
	vc_line(out, hbuf_str(&line));
	vc_sets(out, &line, c);
	vc_text(out, &line, "ORG", vc_get(&c->row, "company"), 1);
	vc_text(out, &line, "NOTE", vc_get(&c->row, "notes"), 0);
	vc_fields(out, &line, vc_get(&c->row, "fields"));
	hbuf_reset(&line);
	vc_rev(&line, &c->row);
	if (line.len > 0)
		vc_line(out, hbuf_str(&line));
	hbuf_adds(out, "END:VCARD\r\n");
	hbuf_free(&line);
}
