/* csv.c — RFC 4180 reading and writing for contact import and message export. */

#include <stdlib.h>
#include <string.h>

#include "hark/util.h"

#include "csv.h"

static void csv_push(struct csv_record *rec, struct hbuf *field);
static int csv_quoted(struct csv_reader *r, struct hbuf *field, char **cause);
static void csv_unquoted(struct csv_reader *r, struct hbuf *field);
static int csv_end_of_field(struct csv_reader *r);

void
csv_reader_init(struct csv_reader *r, const char *data, size_t len)
{
	r->p = data;
	r->end = data + len;
	r->line = 1;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		r->p += 3;
}

void
csv_record_clear(struct csv_record *rec)
{
	size_t i;

	for (i = 0; i < rec->n; i++)
		free(rec->fields[i]);
	free(rec->fields);
	rec->fields = NULL;
	rec->n = rec->cap = 0;
	rec->line = 0;
}

int
csv_record_blank(const struct csv_record *rec)
{
	return rec->n == 0 || (rec->n == 1 && rec->fields[0][0] == '\0');
}

/* Moves the field's text into the record and leaves field empty. */
static void
csv_push(struct csv_record *rec, struct hbuf *field)
{
	if (rec->n == rec->cap) {
		rec->cap = rec->cap ? rec->cap * 2 : 8;
		rec->fields = xreallocarray(rec->fields, rec->cap, sizeof *rec->fields);
	}
	rec->fields[rec->n++] = hbuf_steal(field);
}

/* Reads a field that starts with a quote; p is on the opening quote. Text
 * after the closing quote, before the next separator, is kept as written. */
static int
csv_quoted(struct csv_reader *r, struct hbuf *field, char **cause)
{
	int start = r->line;

	r->p++;
	for (;;) {
		if (r->p == r->end) {
			set_cause(cause, "line %d: unterminated quoted field", start);
			return -1;
		}
		if (*r->p == '"') {
			if (r->p + 1 < r->end && r->p[1] == '"') {
				hbuf_addc(field, '"');
				r->p += 2;
				continue;
			}
			r->p++;
			break;
		}
		if (*r->p == '\n')
			r->line++;
		hbuf_addc(field, *r->p++);
	}
	csv_unquoted(r, field);
	return 0;
}

static void
csv_unquoted(struct csv_reader *r, struct hbuf *field)
{
	const char *s = r->p;

	while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
		r->p++;
	hbuf_add(field, s, (size_t)(r->p - s));
}

/* After a field: 1 when the record goes on (a comma), 0 when it ended. */
static int
csv_end_of_field(struct csv_reader *r)
{
	if (r->p == r->end)
		return 0;
	if (*r->p == ',') {
		r->p++;
		return 1;
	}
	if (*r->p == '\r')
		r->p++;
	if (r->p < r->end && *r->p == '\n')
		r->p++;
	r->line++;
	return 0;
}

int
csv_read_record(struct csv_reader *r, struct csv_record *rec, char **cause)
{
	struct hbuf field = HBUF_INIT;
	int more;

	csv_record_clear(rec);
	if (r->p >= r->end)
		return 0;
	rec->line = r->line;
	do {
		if (r->p < r->end && *r->p == '"') {
			if (csv_quoted(r, &field, cause) != 0) {
				hbuf_free(&field);
				return -1;
			}
		} else
			csv_unquoted(r, &field);
		more = csv_end_of_field(r);
		csv_push(rec, &field);
	} while (more);
	return 1;
}

void
csv_write_field(struct hbuf *b, const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		hbuf_adds(b, s);
		return;
	}
	hbuf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			hbuf_addc(b, '"');
		hbuf_addc(b, *s);
	}
	hbuf_addc(b, '"');
}

void
csv_end_record(struct hbuf *b)
{
	hbuf_add(b, "\r\n", 2);
}
