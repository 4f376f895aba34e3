/*
 * csv.h — comma-separated values as RFC 4180 writes them: records end in
 * CRLF or LF, a field in double quotes may hold commas, quotes (doubled) and
 * line breaks. Reading is lenient where the RFC is silent (a quote inside an
 * unquoted field is kept as text, a UTF-8 byte order mark is skipped); an
 * unterminated quoted field is the one error.
 */
#ifndef HARK_CLI_CSV_H
#define HARK_CLI_CSV_H

#include <stddef.h>

struct hbuf;

/* One record: fields[0..n) are NUL-terminated strings owned by the record. */
struct csv_record {
	char **fields;
	size_t n;
	size_t cap;
	int line;      /* the physical line where the record starts (1-based) */
};

/* Reads records from a buffer the caller keeps alive while reading. */
struct csv_reader {
	const char *p;
	const char *end;
	int line;      /* current physical line */
};

/* Starts reading data[0..len). */
void csv_reader_init(struct csv_reader *r, const char *data, size_t len);
/*
 * Reads the next record into rec, replacing what it held. Returns 1 with a
 * record, 0 at the end of the data, -1 with cause ("line 4: unterminated
 * quoted field") after which reading cannot go on.
 */
int csv_read_record(struct csv_reader *r, struct csv_record *rec, char **cause);
/* True when the record is a blank line (one empty field). */
int csv_record_blank(const struct csv_record *rec);
/* Frees the record's fields; the struct may be reused. Safe on a zeroed one. */
void csv_record_clear(struct csv_record *rec);

/* Appends s as one field, quoted only when it holds a comma, quote, CR or LF
 * (NULL is written as an empty field). */
void csv_write_field(struct hbuf *b, const char *s);
/* Appends the record separator, CRLF as RFC 4180 says. */
void csv_end_record(struct hbuf *b);

#endif
