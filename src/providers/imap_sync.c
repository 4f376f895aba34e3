/* imap_sync.c — reading IMAP answers (STATUS, SEARCH, UID FETCH) and turning fetched mail into events. */

/*
 * Answers arrive as the server sent them; nothing here trusts them. A
 * FETCH answer is walked line by line: an untagged "* n FETCH (... {len}"
 * line announces a literal of len bytes, which must be there whole and be
 * followed by the rest of the item (" UID n)" or ")"), and the UID must be
 * stated. Anything else — a literal cut short, a line that does not parse —
 * is skipped, and the message is fetched again on its own by the caller.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hark/mime.h"
#include "hark/provider.h"
#include "imap_int.h"

static int imap_number(const char *s, const char *end, const char *key,
    uint32_t *out);
static int imap_cmp_uid(const void *a, const void *b);
static const char *imap_line_end(const char *p, const char *end);
static int imap_has(const char *s, const char *end, const char *needle);

/* Finds "KEY n" (case-insensitive, KEY followed by a space) in [s, end). */
static int
imap_number(const char *s, const char *end, const char *key, uint32_t *out)
{
	size_t klen = strlen(key);
	unsigned long long v;
	const char *p;

	for (p = s; p + klen < end; p++) {
		if (strncasecmp(p, key, klen) != 0 || p[klen] != ' ' ||
		    (p > s && p[-1] != ' ' && p[-1] != '('))
			continue;
		p += klen + 1;
		if (p >= end || *p < '0' || *p > '9')
			return -1;
		for (v = 0; p < end && *p >= '0' && *p <= '9'; p++) {
			v = v * 10 + (unsigned)(*p - '0');
			if (v > UINT32_MAX)
				return -1;
		}
		*out = (uint32_t)v;
		return 0;
	}
	return -1;
}

int
imap_parse_status(const char *body, uint32_t *uidvalidity, uint32_t *uidnext,
    uint32_t *messages)
{
	const char *end = body + strlen(body);
	const char *p = strstr(body, "* STATUS ");

	*uidvalidity = *uidnext = *messages = 0;
	if (p == NULL || (p = strchr(p, '(')) == NULL)
		return -1;
	end = imap_line_end(p, end);
	if (imap_number(p, end, "UIDVALIDITY", uidvalidity) != 0 ||
	    *uidvalidity == 0)
		return -1;
	imap_number(p, end, "UIDNEXT", uidnext);
	imap_number(p, end, "MESSAGES", messages);
	return 0;
}

static int
imap_cmp_uid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static const char *
imap_line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl != NULL ? nl : end;
}

/* Whether needle occurs in [s, end). */
static int
imap_has(const char *s, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; s + n <= end; s++) {
		if (memcmp(s, needle, n) == 0)
			return 1;
	}
	return 0;
}

void
imap_parse_search(const char *body, uint32_t after, uint32_t **uids, size_t *n)
{
	const char *end = body + strlen(body), *p = body, *le;
	unsigned long long v;
	size_t cap = 0, i, j;

	*uids = NULL;
	*n = 0;
	while (p < end) {
		le = imap_line_end(p, end);
		if ((size_t)(le - p) > 9 && strncasecmp(p, "* SEARCH ", 9) == 0) {
			for (p += 9; p < le; p++) {
				if (*p < '0' || *p > '9')
					continue;
				for (v = 0; p < le && *p >= '0' && *p <= '9'; p++)
					v = v * 10 + (unsigned)(*p - '0');
				if (v <= after || v > UINT32_MAX)
					continue;
				if (*n == cap) {
					cap = cap ? cap * 2 : 256;
					*uids = xreallocarray(*uids, cap, sizeof **uids);
				}
				(*uids)[(*n)++] = (uint32_t)v;
			}
		}
		p = le + 1;
	}
	if (*n == 0)
		return;
	qsort(*uids, *n, sizeof **uids, imap_cmp_uid);
	for (i = 1, j = 1; i < *n; i++) {
		if ((*uids)[i] != (*uids)[j - 1])
			(*uids)[j++] = (*uids)[i];
	}
	*n = j;
}

/* The UIDs are ascending: each answer line is placed by binary search. */
void
imap_parse_sizes(const char *body, const uint32_t *uids, size_t n,
    uint32_t *sizes)
{
	const char *end = body + strlen(body), *p = body, *le;
	uint32_t uid, size;
	size_t lo, hi, mid;

	memset(sizes, 0, n * sizeof *sizes);
	for (; p < end; p = le + 1) {
		le = imap_line_end(p, end);
		if (le - p < 8 || p[0] != '*' || !imap_has(p, le, " FETCH (") ||
		    imap_number(p, le, "UID", &uid) != 0 ||
		    imap_number(p, le, "RFC822.SIZE", &size) != 0)
			continue;
		for (lo = 0, hi = n; lo < hi; ) {
			mid = lo + (hi - lo) / 2;
			if (uids[mid] < uid)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < n && uids[lo] == uid)
			sizes[lo] = size;
	}
}

void
imap_parse_fetch(const char *buf, size_t len, struct imap_fetched **out, size_t *n)
{
	const char *end = buf + len, *p = buf, *le, *brace, *lit, *after, *ae;
	unsigned long long size;
	size_t cap = 0;
	uint32_t uid;
	char *num_end;

	*out = NULL;
	*n = 0;
	while (p < end) {
		le = imap_line_end(p, end);
		/* "* 12 FETCH (UID 40 BODY[] {1234}\r\n" */
		if (le - p < 12 || p[0] != '*' || p[1] != ' ' ||
		    (brace = memchr(p, '{', (size_t)(le - p))) == NULL ||
		    !imap_has(p, brace, " FETCH (")) {
			p = le + 1;
			continue;
		}
		size = strtoull(brace + 1, &num_end, 10);
		if (num_end >= le || *num_end != '}' || size > (size_t)(end - le - 1)) {
			p = le + 1;
			continue;
		}
		lit = le + 1;
		after = lit + size;
		ae = imap_line_end(after, end);
		/* The item goes on after the literal: " UID 40)" or ")". */
		if (after >= end || (*after != ')' && *after != ' ') ||
		    memchr(after, ')', (size_t)(ae - after)) == NULL ||
		    (imap_number(p, brace, "UID", &uid) != 0 &&
		    imap_number(after, ae, "UID", &uid) != 0) || uid == 0) {
			p = le + 1;
			continue;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		(*out)[*n].uid = uid;
		(*out)[*n].data = lit;
		(*out)[*n].len = (size_t)size;
		(*n)++;
		p = ae + 1;
	}
}

int
imap_emit(struct provider *p, const struct imap_folder *f, uint32_t uid,
    const char *raw, size_t len)
{
	struct provider_event ev;
	struct provider_attachment *att = NULL;
	struct mime_message m;
	char *id, *cause = NULL, *warn = NULL;
	int rc;

	if (len == 0)
		return 0;
	if (mime_parse(raw, len, &m, &cause) != 0) {
		free(cause);
		return -1;
	}
	id = xasprintf("%s;UIDVALIDITY=%u;UID=%u", f->name, f->uidvalidity, uid);
	memset(&ev, 0, sizeof ev);
	mime_event_fill(&m, raw, len, &ev, &att);
	ev.type = PROVIDER_EV_INBOUND;
	ev.provider = "imap";
	ev.provider_id = id;
	ev.folder = f->name;
	ev.outgoing = f->outgoing;
	/* Refused too often: keep it as its raw text, without what the store
	 * may have choked on (its parts, HTML and threading headers). */
	if (f->fail_uid == uid && f->fail_tries >= IMAP_MAX_TRIES) {
		warn = xasprintf("shown raw: hark could not store this message in "
		    "%d syncs (folder %s, UID %u)", f->fail_tries, f->name, uid);
		ev.html = ev.in_reply_to = ev.refs = NULL;
		ev.attachments = NULL;
		ev.nattachments = 0;
		ev.warning = warn;
	}
	rc = p->env.on_event(p->env.event_arg, &ev);
	free(att);
	free(id);
	free(warn);
	mime_message_clear(&m);
	return rc != 0 ? -1 : 0;
}
