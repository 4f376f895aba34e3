/*
 * fuzz_jsonl.c — libFuzzer target for the JSON lines `hark import` reads:
 * message lines with their nested history, attachments and call, and the
 * contact, template and opt-out lines of an export. Files come from other
 * tools and other people, so no line may crash the parser, leak, or hand the
 * store a record without the fields the database requires. Each line parses
 * on its own, as the import does.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hark/store.h"
#include "hark/util.h"

#include "../../src/cli/jsonl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the store will rely on: a kind it knows and an address, per identity. */
static void
check_record(const struct jsonl_line *l)
{
	int i, j, k, kind, addr;

	if (l->type == JSONL_MESSAGE) {
		HARK_ASSERT(l->m.provider != NULL && l->m.provider_id != NULL);
		HARK_ASSERT(l->address != NULL && l->m.body != NULL);
		return;
	}
	if (l->type != JSONL_CONTACT)
		return;
	HARK_ASSERT(l->contact != NULL && *l->contact != '\0');
	for (i = 0; i < l->c.nsets; i++) {
		if (strcmp(l->c.sets[i].name, "identities") != 0)
			continue;
		for (j = 0; j < l->c.sets[i].nrows; j++) {
			kind = addr = 0;
			for (k = 0; k < l->c.sets[i].rows[j].n; k++) {
				kind |= strcmp(l->c.sets[i].rows[j].v[k].name, "kind") == 0;
				addr |= strcmp(l->c.sets[i].rows[j].v[k].name, "address") == 0;
			}
			HARK_ASSERT(kind && addr);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jsonl_reader *r;
	struct jsonl_line l;
	const uint8_t *p = data, *end = data + size, *nl;
	struct hbuf out = HBUF_INIT;
	char *cause = NULL;

	if (r == NULL)
		r = jsonl_reader_new("US");
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (jsonl_parse(r, (const char *)p, (size_t)(nl - p), &l, &cause) == 0) {
			check_record(&l);
			if (l.type == JSONL_MESSAGE) {
				/* What parses formats again, as one line. */
				jsonl_format(&l.m, l.contact, &out);
				HARK_ASSERT(out.len > 0 && out.data[out.len - 1] == '\n');
				HARK_ASSERT(memchr(out.data, '\n', out.len) == out.data + out.len - 1);
				hbuf_reset(&out);
			}
		} else
			HARK_ASSERT(cause != NULL);
		free(cause);
		cause = NULL;
		jsonl_line_clear(&l);
		p = nl + (nl < end);
	}
	hbuf_free(&out);
	return 0;
}
