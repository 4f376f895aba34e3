/* vcard.c — reads the contact fields hark uses from vCard 3.0 and 4.0 files. */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hark/util.h"

#include "vcard.h"

/* Reads logical lines: a physical line that starts with a space or a tab
 * continues the one before it (RFC 6350 3.2), minus that one character. */
struct vc_reader {
	const char *p;
	const char *end;
	int line;
};

/* A content line split into its parts; pointers into one buffer. */
struct vc_prop {
	char *name;    /* upper case, group removed */
	char *type;    /* first meaningful TYPE, lower case, or NULL */
	char *value;   /* still escaped */
};

static int vc_next_line(struct vc_reader *r, struct hbuf *out, int *lineno);
static int vc_split_line(char *s, struct vc_prop *prop);
static void vc_params(char *params, struct vc_prop *prop);
static void vc_type_words(char *list, struct vc_prop *prop);
static int vc_split(const char *value, char sep, char ***parts);
static void vc_free_parts(char **parts, int n);
static void vc_property(struct vcard *c, const struct vc_prop *prop);
static void vc_add_addr(struct vcard_addr **arr, int *n, const char *value,
    const char *type);
static void vc_set_name(struct vcard *c, const char *value);
static void vc_set_first(char **field, const char *value);
static void vc_upper(char *s);

static int
vc_next_line(struct vc_reader *r, struct hbuf *out, int *lineno)
{
	const char *s, *e;

	hbuf_reset(out);
	if (r->p >= r->end)
		return 0;
	*lineno = r->line;
	for (;;) {
		s = r->p;
		e = memchr(s, '\n', (size_t)(r->end - s));
		if (e == NULL)
			e = r->end;
		r->p = e < r->end ? e + 1 : e;
		if (e > s && e[-1] == '\r')
			e--;
		hbuf_add(out, s, (size_t)(e - s));
		r->line++;
		if (r->p >= r->end || (*r->p != ' ' && *r->p != '\t'))
			return 1;
		r->p++;
	}
}

static void
vc_upper(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)toupper((unsigned char)*s);
}

/* Splits "group.NAME;PARAM=x:value" in place. 0, or -1 when there is no colon. */
static int
vc_split_line(char *s, struct vc_prop *prop)
{
	char *p, *dot, *params = NULL;
	int quoted = 0;

	memset(prop, 0, sizeof *prop);
	for (p = s; *p != '\0' && *p != ':' && *p != ';'; p++)
		;
	if (*p == ';') {
		*p++ = '\0';
		params = p;
		for (; *p != '\0' && (quoted || *p != ':'); p++) {
			if (*p == '"')
				quoted = !quoted;
		}
	}
	if (*p != ':')
		return -1;
	*p = '\0';
	prop->value = p + 1;
	dot = strrchr(s, '.');
	prop->name = dot != NULL ? dot + 1 : s;
	vc_upper(prop->name);
	if (params != NULL)
		vc_params(params, prop);
	return 0;
}

/* Finds the TYPE among "TYPE=cell,voice;PREF=1" or v2.1's bare "CELL;HOME". */
static void
vc_params(char *params, struct vc_prop *prop)
{
	char *param, *eq, *save = NULL;

	for (param = strtok_r(params, ";", &save); param != NULL;
	    param = strtok_r(NULL, ";", &save)) {
		eq = strchr(param, '=');
		if (eq == NULL) {
			vc_type_words(param, prop);
			continue;
		}
		*eq = '\0';
		if (hark_strcaseeq(param, "TYPE"))
			vc_type_words(eq + 1, prop);
	}
}

/* Keeps the first type that says something about the address: "pref",
 * "voice" and "internet" describe nearly every TEL and EMAIL. */
static void
vc_type_words(char *list, struct vc_prop *prop)
{
	static const char *const dull[] = { "pref", "voice", "internet", "x400" };
	char *w, *save = NULL, *q;
	size_t i;

	if (prop->type != NULL)
		return;
	for (w = strtok_r(list, ",\"", &save); w != NULL; w = strtok_r(NULL, ",\"", &save)) {
		for (i = 0; i < HARK_NELEM(dull); i++) {
			if (hark_strcaseeq(w, dull[i]))
				break;
		}
		if (i < HARK_NELEM(dull) || *w == '\0')
			continue;
		for (q = w; *q != '\0'; q++)
			*q = (char)tolower((unsigned char)*q);
		prop->type = w;
		return;
	}
}

/*
 * Splits an escaped value on unescaped sep (0: no splitting) and undoes the
 * escapes \n \N \, \; \: \\ in each part. Returns the number of parts.
 */
static int
vc_split(const char *value, char sep, char ***parts)
{
	struct hbuf part = HBUF_INIT;
	const char *p;
	int n = 0;

	*parts = NULL;
	for (p = value;; p++) {
		if (*p == '\0' || (sep != 0 && *p == sep)) {
			*parts = xreallocarray(*parts, (size_t)n + 1, sizeof **parts);
			(*parts)[n++] = hbuf_steal(&part);
			if (*p == '\0')
				return n;
			continue;
		}
		if (*p == '\\' && p[1] != '\0') {
			p++;
			hbuf_addc(&part, (*p == 'n' || *p == 'N') ? '\n' : *p);
			continue;
		}
		hbuf_addc(&part, *p);
	}
}

static void
vc_free_parts(char **parts, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
}

static void
vc_add_addr(struct vcard_addr **arr, int *n, const char *value, const char *type)
{
	const char *v = value;
	size_t len;

	while (*v == ' ' || *v == '\t')
		v++;
	if (hark_startswith(v, "tel:") || hark_startswith(v, "TEL:"))
		v += 4;
	else if (hark_startswith(v, "mailto:") || hark_startswith(v, "MAILTO:"))
		v += 7;
	len = strcspn(v, ";");   /* a tel: URI's ";ext=" is not part of the number */
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	if (len == 0)
		return;
	*arr = xreallocarray(*arr, (size_t)*n + 1, sizeof **arr);
	(*arr)[*n].value = xstrndup(v, len);
	(*arr)[*n].type = xstrdup(type);
	(*n)++;
}

/* N is Family;Given;Additional;Prefixes;Suffixes: hark shows "Given Family". */
static void
vc_set_name(struct vcard *c, const char *value)
{
	struct hbuf b = HBUF_INIT;
	char **parts;
	int n = vc_split(value, ';', &parts);

	if (n > 1 && parts[1][0] != '\0')
		hbuf_adds(&b, parts[1]);
	if (parts[0][0] != '\0') {
		if (b.len > 0)
			hbuf_addc(&b, ' ');
		hbuf_adds(&b, parts[0]);
	}
	vc_free_parts(parts, n);
	if (c->n == NULL && b.len > 0)
		c->n = hbuf_steal(&b);
	hbuf_free(&b);
}

/* Sets *field to the value's first component, when not set yet and not empty. */
static void
vc_set_first(char **field, const char *value)
{
	char **parts;
	int n = vc_split(value, ';', &parts);

	if (*field == NULL && parts[0][0] != '\0') {
		*field = parts[0];
		parts[0] = xstrdup("");
	}
	vc_free_parts(parts, n);
}

static void
vc_property(struct vcard *c, const struct vc_prop *prop)
{
	char **parts;
	int n, i;

	if (strcmp(prop->name, "FN") == 0) {
		n = vc_split(prop->value, 0, &parts);
		if (c->fn == NULL && parts[0][0] != '\0') {
			c->fn = parts[0];
			parts[0] = xstrdup("");
		}
		vc_free_parts(parts, n);
	} else if (strcmp(prop->name, "N") == 0)
		vc_set_name(c, prop->value);
	else if (strcmp(prop->name, "ORG") == 0)
		vc_set_first(&c->org, prop->value);
	else if (strcmp(prop->name, "NOTE") == 0) {
		n = vc_split(prop->value, 0, &parts);
		if (c->note == NULL && parts[0][0] != '\0') {
			c->note = parts[0];
			parts[0] = xstrdup("");
		}
		vc_free_parts(parts, n);
	} else if (strcmp(prop->name, "TEL") == 0 || strcmp(prop->name, "EMAIL") == 0) {
		n = vc_split(prop->value, 0, &parts);
		if (prop->name[0] == 'T')
			vc_add_addr(&c->tels, &c->ntels, parts[0], prop->type);
		else
			vc_add_addr(&c->emails, &c->nemails, parts[0], prop->type);
		vc_free_parts(parts, n);
	} else if (strcmp(prop->name, "IMPP") == 0) {
		n = vc_split(prop->value, 0, &parts);
		if (strncasecmp(parts[0], "whatsapp:", 9) == 0)
			vc_add_addr(&c->whatsapps, &c->nwhatsapps, parts[0] + 9, prop->type);
		vc_free_parts(parts, n);
	} else if (strcmp(prop->name, "X-HARK-FIELD") == 0) {
		n = vc_split(prop->value, ';', &parts);
		if (n == 2 && parts[0][0] != '\0') {
			c->field_keys = xreallocarray(c->field_keys, (size_t)c->nfields + 1,
			    sizeof *c->field_keys);
			c->field_values = xreallocarray(c->field_values,
			    (size_t)c->nfields + 1, sizeof *c->field_values);
			c->field_keys[c->nfields] = parts[0];
			c->field_values[c->nfields++] = parts[1];
			parts[0] = xstrdup("");
			parts[1] = xstrdup("");
		}
		vc_free_parts(parts, n);
	} else if (strcmp(prop->name, "CATEGORIES") == 0) {
		n = vc_split(prop->value, ',', &parts);
		for (i = 0; i < n; i++) {
			if (parts[i][0] == '\0')
				continue;
			c->categories = xreallocarray(c->categories,
			    (size_t)c->ncategories + 1, sizeof *c->categories);
			c->categories[c->ncategories++] = parts[i];
			parts[i] = xstrdup("");
		}
		vc_free_parts(parts, n);
	}
}

int
vcard_detect(const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return (size_t)(end - p) >= 11 && strncasecmp(p, "BEGIN:VCARD", 11) == 0;
}

int
vcard_parse(const char *text, size_t len, struct vcard **out)
{
	struct vc_reader r = { text, text + len, 1 };
	struct hbuf line = HBUF_INIT;
	struct vc_prop prop;
	struct vcard *cards = NULL, *cur = NULL;
	int n = 0, lineno;

	while (vc_next_line(&r, &line, &lineno)) {
		if (line.len == 0 || vc_split_line(line.data, &prop) != 0)
			continue;
		if (strcmp(prop.name, "BEGIN") == 0 && hark_strcaseeq(prop.value, "VCARD")) {
			if (cur != NULL && cur->error == NULL)
				cur->error = xstrdup("vCard has no END:VCARD");
			cards = xreallocarray(cards, (size_t)n + 1, sizeof *cards);
			cur = &cards[n++];
			memset(cur, 0, sizeof *cur);
			cur->line = lineno;
		} else if (cur != NULL && strcmp(prop.name, "END") == 0)
			cur = NULL;
		else if (cur != NULL)
			vc_property(cur, &prop);
	}
	if (cur != NULL && cur->error == NULL)
		cur->error = xstrdup("vCard has no END:VCARD");
	hbuf_free(&line);
	*out = cards;
	return n;
}

const char *
vcard_name(const struct vcard *c)
{
	return c->fn != NULL ? c->fn : c->n;
}

void
vcard_free_all(struct vcard *cards, int n)
{
	int i, j;

	for (i = 0; i < n; i++) {
		struct vcard *c = &cards[i];

		free(c->error);
		free(c->fn);
		free(c->n);
		free(c->org);
		free(c->note);
		for (j = 0; j < c->ntels; j++) {
			free(c->tels[j].value);
			free(c->tels[j].type);
		}
		free(c->tels);
		for (j = 0; j < c->nemails; j++) {
			free(c->emails[j].value);
			free(c->emails[j].type);
		}
		free(c->emails);
		for (j = 0; j < c->nwhatsapps; j++) {
			free(c->whatsapps[j].value);
			free(c->whatsapps[j].type);
		}
		free(c->whatsapps);
		vc_free_parts(c->categories, c->ncategories);
		vc_free_parts(c->field_keys, c->nfields);
		vc_free_parts(c->field_values, c->nfields);
	}
	free(cards);
}
