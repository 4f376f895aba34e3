/*
 * field.c — editing UTF-8 text in an hbuf at a byte cursor: the primitives
 * the composer's subject and body and the `:` line share. The cursor is
 * always at the start of a character.
 */

#include <string.h>

#include "tui_int.h"

void
field_insert(struct hbuf *b, size_t *cursor, const char *s, size_t n)
{
	size_t tail = b->len - *cursor;

	hbuf_add(b, s, n);     /* grow */
	memmove(b->data + *cursor + n, b->data + *cursor, tail);
	memcpy(b->data + *cursor, s, n);
	*cursor += n;
}

void
field_delete(struct hbuf *b, size_t from, size_t to)
{
	if (to > b->len)
		to = b->len;
	if (from >= to)
		return;
	memmove(b->data + from, b->data + to, b->len - to + 1);
	b->len -= to - from;
}

size_t
field_prev(const struct hbuf *b, size_t at)
{
	while (at > 0 && (b->data[--at] & 0xC0) == 0x80)
		;
	return at;
}

size_t
field_next(const struct hbuf *b, size_t at)
{
	if (at < b->len)
		at++;
	while (at < b->len && (b->data[at] & 0xC0) == 0x80)
		at++;
	return at;
}
