/* form.c — application/x-www-form-urlencoded bodies, as Twilio posts them. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/core.h"
#include "hark/relay.h"

/* Twilio sends a few dozen; anything far beyond is an attack on our memory. */
#define FORM_MAX_PARAMS 1000
#define FORM_MIN_CAP 8

static int form_hexval(unsigned char c);
static char *form_decode(const char *s, size_t len, size_t *outlen,
    size_t *bad_at);
static void form_describe(const char *name, int idx, char *buf, size_t size);
static int form_pair(struct form *f, const char *s, size_t len, int idx,
    char **cause);

static int
form_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes one name or value ('+' is a space, %XX a byte). Returns NULL and
 * the offset of the bad '%' in *bad_at when an escape is malformed.
 */
static char *
form_decode(const char *s, size_t len, size_t *outlen, size_t *bad_at)
{
	char *out = xmalloc(len + 1);
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] != '%')
			out[o++] = s[i];
		else {
			if (len - i < 3 ||
			    (hi = form_hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = form_hexval((unsigned char)s[i + 2])) < 0) {
				free(out);
				*bad_at = i;
				return NULL;
			}
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* Names a parameter in an error: its name when it is short printable ASCII,
 * else its position (the name itself may be what is wrong). */
static void
form_describe(const char *name, int idx, char *buf, size_t size)
{
	const unsigned char *p;
	size_t n = 0;

	for (p = (const unsigned char *)name; name != NULL && *p != '\0'; p++) {
		if (*p < 0x20 || *p > 0x7e || *p == '\'' || ++n > 40)
			break;
	}
	if (name != NULL && *name != '\0' && *p == '\0')
		snprintf(buf, size, "'%s'", name);
	else
		snprintf(buf, size, "number %d", idx + 1);
}

/* Decodes "name=value" (or a bare "name") and appends it. */
static int
form_pair(struct form *f, const char *s, size_t len, int idx, char **cause)
{
	const char *eq = memchr(s, '=', len);
	size_t nlen = eq != NULL ? (size_t)(eq - s) : len;
	size_t name_len = 0, value_len = 0, bad = 0;
	char *name, *value = NULL, what[64];
	const char *part = "name";

	name = form_decode(s, nlen, &name_len, &bad);
	if (name != NULL) {
		part = "value";
		value = form_decode(eq != NULL ? eq + 1 : "",
		    eq != NULL ? len - nlen - 1 : 0, &value_len, &bad);
	}
	form_describe(name, idx, what, sizeof what);
	if (name == NULL || value == NULL) {
		set_cause(cause, "parameter %s has a bad %% escape in "
		    "its %s (%%XX with two hex digits expected)", what, part);
	} else if (strlen(name) != name_len || strlen(value) != value_len) {
		set_cause(cause, "parameter %s contains a NUL byte",
		    what);
	} else if (!utf8_valid(name, name_len) ||
	    !utf8_valid(value, value_len)) {
		set_cause(cause, "parameter %s is not valid UTF-8",
		    what);
	} else {
		form_add(f, name, value);
		free(name);
		free(value);
		return 0;
	}
	free(name);
	free(value);
	return -1;
}

int
form_parse(const char *body, size_t len, struct form *out, char **cause)
{
	const char *p = body, *end = body + len, *amp;
	int idx = 0;

	out->p = NULL;
	out->n = 0;
	while (p != NULL && p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if (amp > p) {
			if (out->n == FORM_MAX_PARAMS) {
				set_cause(cause, "more than %d "
				    "parameters", FORM_MAX_PARAMS);
				form_free(out);
				return -1;
			}
			if (form_pair(out, p, (size_t)(amp - p), idx, cause)) {
				form_free(out);
				return -1;
			}
			idx++;
		}
		p = amp + 1;
	}
	return 0;
}

const char *
form_get(const struct form *f, const char *name)
{
	int i;

	for (i = 0; f != NULL && i < f->n; i++) {
		if (strcmp(f->p[i].name, name) == 0)
			return f->p[i].value;
	}
	return NULL;
}

/* The array grows in powers of two from FORM_MIN_CAP, so its capacity
 * follows from n and struct form needs no field for it. */
void
form_add(struct form *f, const char *name, const char *value)
{
	int n = f->n;

	if (n == 0 || (n >= FORM_MIN_CAP && (n & (n - 1)) == 0)) {
		f->p = xreallocarray(f->p, n == 0 ? FORM_MIN_CAP : (size_t)n * 2,
		    sizeof *f->p);
	}
	f->p[n].name = xstrdup(name);
	f->p[n].value = xstrdup(value);
	f->n = n + 1;
}

void
form_free(struct form *f)
{
	int i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		free(f->p[i].name);
		free(f->p[i].value);
	}
	free(f->p);
	f->p = NULL;
	f->n = 0;
}
