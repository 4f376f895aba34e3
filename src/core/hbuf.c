/* hbuf.c — the growable string (contract in util.h). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/util.h"

static void
hbuf_grow(struct hbuf *b, size_t need)
{
	size_t cap;

	if (b->len + need + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + need + 1) {
		if (cap > SIZE_MAX / 2)
			hark_fatal("hbuf: %zu bytes is too large", b->len + need);
		cap *= 2;
	}
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void
hbuf_add(struct hbuf *b, const void *p, size_t n)
{
	hbuf_grow(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
hbuf_adds(struct hbuf *b, const char *s)
{
	hbuf_add(b, s, strlen(s));
}

void
hbuf_addc(struct hbuf *b, char c)
{
	hbuf_add(b, &c, 1);
}

void
hbuf_printf(struct hbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		hark_fatal("hbuf_printf: bad format");
	hbuf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
hbuf_reset(struct hbuf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
hbuf_free(struct hbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *
hbuf_steal(struct hbuf *b)
{
	char *p = b->data ? b->data : xstrdup("");

	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *
hbuf_str(const struct hbuf *b)
{
	return b->data ? b->data : "";
}
