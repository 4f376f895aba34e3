/*
 * export_mbox.c — hark export --format mbox: the email messages as mboxrd.
 *
 * Each message is the source hark kept when it was received (mail.raw_path,
 * a file beside the database), else one rebuilt by mime_build from the
 * stored fields, the HTML part and the attachments that have a local copy.
 * Lines end in LF, as mbox files do, and messages are separated by a
 * "From sender date" line and a blank line.
 *
 * A line that starts with "From " after any number of '>' must not be taken
 * for a separator. In a kept source it gets one more '>' (mboxrd), which a
 * reader that knows mboxrd removes to get the source back byte for byte. In
 * a rebuilt message such a line inside a quoted-printable part is encoded
 * instead ("=46rom ", "=3EFrom "), which every reader decodes back to what
 * was stored, mboxrd or not; elsewhere it is quoted as in a kept source.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "hark/core.h"
#include "hark/mime.h"
#include "hark/store.h"
#include "hark/util.h"

#include "export_int.h"

/* Boundaries a rebuilt message's parts may use, to tell them from text. */
#define MBOX_BOUNDARIES 8

struct mbox {
	struct export *ex;
	struct hbuf msg;       /* one message's source */
	char *cause;           /* why the last message could not be built */
	int64_t skipped;       /* messages left out or written without attachments */
};

/* Where mbox_quote is in a rebuilt message: which part, encoded how. */
struct mbox_scan {
	int in_headers;
	int qp;                /* the current part is quoted-printable */
	char *bounds[MBOX_BOUNDARIES];
	int nbounds;
};

static int mbox_message(void *arg, const struct store_xmessage *x);
static const struct store_xrow *mbox_mail_row(const struct store_xmessage *x);
static const char *mbox_get(const struct store_xrow *r, const char *name);
static int mbox_read_file(const char *path, struct hbuf *out);
static int mbox_build(const struct store_xmessage *x, struct hbuf *out, char **cause);
static char *mbox_unbracket(const char *id);
static void mbox_header(struct mbox_scan *sc, const char *line, size_t n);
static int mbox_is_boundary(const struct mbox_scan *sc, const char *line, size_t n);
static void mbox_quote(struct hbuf *out, const char *src, size_t len, int built);

static const char *
mbox_get(const struct store_xrow *r, const char *name)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0 && r->v[i].type == STORE_X_TEXT)
			return r->v[i].s;
	return NULL;
}

/* The email facts beside the message (raw source, HTML, sender's name). */
static const struct store_xrow *
mbox_mail_row(const struct store_xmessage *x)
{
	int i;

	for (i = 0; i < x->nsets; i++)
		if (strcmp(x->sets[i].name, "mail") == 0 && x->sets[i].nrows > 0)
			return &x->sets[i].rows[0];
	return NULL;
}

/* The whole file into out; -1 when it cannot be read. */
static int
mbox_read_file(const char *path, struct hbuf *out)
{
	char buf[65536];
	size_t n;
	FILE *f;
	int bad;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		hbuf_add(out, buf, n);
	bad = ferror(f);
	fclose(f);
	return bad ? -1 : 0;
}

/* Message-IDs are stored as written, usually in <>; mime_build wants them bare. */
static char *
mbox_unbracket(const char *id)
{
	size_t n;

	if (id == NULL)
		return NULL;
	while (*id == ' ' || *id == '<')
		id++;
	n = strcspn(id, ">");
	return n > 0 ? xstrndup(id, n) : NULL;
}

/*
 * Rebuilds a message from what hark stored, with the date it was written.
 * One without a Message-ID gets one made from its provider id, so that two
 * exports of the same history are the same file. An attachment known only
 * by URL (MMS media) has no bytes here and is left out. Returns 0, 1 when
 * the message was built without its attachments (cause says why), or -1.
 */
static int
mbox_build(const struct store_xmessage *x, struct hbuf *out, char **cause)
{
	const struct store_message *m = &x->m;
	const struct store_xrow *mail = mbox_mail_row(x);
	struct mime_attachment *atts = NULL;
	struct mime_out o;
	const char *path;
	char *id, *raw = NULL;
	size_t len;
	int i, j, rc;

	memset(&o, 0, sizeof o);
	o.from = m->from_addr != NULL ? m->from_addr : "";
	o.to = m->to_addr != NULL ? m->to_addr : "";
	if (mail != NULL && m->direction == HARK_DIR_IN)
		o.from_name = mbox_get(mail, "from_name");
	o.html = mail != NULL ? mbox_get(mail, "html") : NULL;
	o.subject = m->subject;
	o.text = m->body != NULL ? m->body : "";
	if ((id = mbox_unbracket(m->message_id)) == NULL)
		id = xasprintf("%s.%s@hark.invalid", m->provider, m->provider_id != NULL ?
		    m->provider_id : "none");
	o.message_id = id;
	o.in_reply_to = m->in_reply_to;
	o.refs = m->refs;
	o.date = m->created_at;
	for (i = 0; i < x->nsets; i++)
		for (j = 0; strcmp(x->sets[i].name, "attachments") == 0 &&
		    j < x->sets[i].nrows; j++) {
			path = mbox_get(&x->sets[i].rows[j], "path");
			if (path == NULL || access(path, R_OK) != 0)
				continue;
			atts = xreallocarray(atts, (size_t)o.nattachments + 1, sizeof *atts);
			atts[o.nattachments].path = path;
			atts[o.nattachments].filename = mbox_get(&x->sets[i].rows[j],
			    "filename");
			atts[o.nattachments++].content_type = mbox_get(&x->sets[i].rows[j],
			    "content_type");
		}
	o.attachments = atts;
	rc = mime_build(&o, &raw, &len, cause);
	if (rc != 0 && o.nattachments > 0) {
		/* An attachment that cannot be read as it was (a directory now, too
		 * big): the message goes out without its attachments, not at all. */
		o.nattachments = 0;
		if (mime_build(&o, &raw, &len, NULL) == 0)
			rc = 1;
	}
	if (rc >= 0)
		hbuf_add(out, raw, len);
	free(raw);
	free(atts);
	free(id);
	return rc;
}

/* Notes a header line of a rebuilt message: a part's encoding, and the
 * boundary a multipart declares (on its Content-Type line or a folded one). */
static void
mbox_header(struct mbox_scan *sc, const char *line, size_t n)
{
	const char *b;
	size_t k;

	if (n >= 26 && strncasecmp(line, "Content-Transfer-Encoding:", 26) == 0) {
		for (k = 26; k < n && line[k] == ' '; k++)
			;
		sc->qp = n - k >= 16 && strncasecmp(line + k, "quoted-printable", 16) == 0;
	}
	if ((b = strstr(line, "boundary=\"")) != NULL && b < line + n &&
	    sc->nbounds < MBOX_BOUNDARIES) {
		b += 10;
		k = strcspn(b, "\"\r\n");
		sc->bounds[sc->nbounds++] = xstrndup(b, k);
	}
}

static int
mbox_is_boundary(const struct mbox_scan *sc, const char *line, size_t n)
{
	size_t k;
	int i;

	if (n < 2 || line[0] != '-' || line[1] != '-')
		return 0;
	for (i = 0; i < sc->nbounds; i++) {
		k = strlen(sc->bounds[i]);
		if (n >= k + 2 && memcmp(line + 2, sc->bounds[i], k) == 0 &&
		    (n == k + 2 || (n == k + 4 && line[k + 2] == '-' && line[k + 3] == '-')))
			return 1;
	}
	return 0;
}

/* Appends src with LF line ends and its "From " lines protected (see the
 * top of the file), ending in a newline. */
static void
mbox_quote(struct hbuf *out, const char *src, size_t len, int built)
{
	const char *p = src, *end = src + len, *nl;
	struct mbox_scan sc = { 1, 0, { NULL }, 0 };
	size_t n, k;
	int i;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (built && sc.in_headers) {
			if (n == 0)
				sc.in_headers = 0;
			else
				mbox_header(&sc, p, n);
		} else if (built && mbox_is_boundary(&sc, p, n)) {
			sc.in_headers = 1;
			sc.qp = 0;
		}
		for (k = 0; k < n && p[k] == '>'; k++)
			;
		if (n - k >= 5 && memcmp(p + k, "From ", 5) == 0) {
			if (built && sc.qp && !sc.in_headers) {
				hbuf_adds(out, k > 0 ? "=3E" : "=46");
				p++;
				n--;
			} else
				hbuf_addc(out, '>');
		}
		hbuf_add(out, p, n);
		hbuf_addc(out, '\n');
		p = nl != NULL ? nl + 1 : end;
	}
	for (i = 0; i < sc.nbounds; i++)
		free(sc.bounds[i]);
}

static int
mbox_message(void *arg, const struct store_xmessage *x)
{
	struct mbox *mb = arg;
	struct export *ex = mb->ex;
	const struct store_xrow *mail = mbox_mail_row(x);
	const char *raw = mail != NULL ? mbox_get(mail, "raw_path") : NULL;
	const char *from = x->m.from_addr;
	time_t t = (time_t)(x->m.created_at / 1000);
	char when[40];
	struct tm tm;
	int built = 0;

	if (x->m.channel != HARK_CH_EMAIL)
		return 0;
	hbuf_reset(&mb->msg);
	if (raw == NULL || mbox_read_file(raw, &mb->msg) != 0) {
		hbuf_reset(&mb->msg);
		built = 1;
		if ((built = mbox_build(x, &mb->msg, &mb->cause)) != 0)
			mb->skipped++;
		if (built < 0)
			return 0;
		built = 1;
	}
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", &tm);
	hbuf_reset(&ex->buf);
	hbuf_printf(&ex->buf, "From %s %s\n", from != NULL && *from != '\0' &&
	    strpbrk(from, " \t") == NULL ? from : "MAILER-DAEMON", when);
	mbox_quote(&ex->buf, mb->msg.data != NULL ? mb->msg.data : "", mb->msg.len,
	    built);
	hbuf_addc(&ex->buf, '\n');
	return export_emit(ex) != 0;
}

int
export_mbox(struct export *ex, const struct store_filter *f, char **cause)
{
	struct mbox mb = { ex, HBUF_INIT, NULL, 0 };
	int rc;

	rc = store_export_messages(ex->st, f, mbox_message, &mb, cause);
	if (rc == 0 && mb.skipped > 0 && mb.cause != NULL)
		fprintf(stderr, "hark export: %lld message%s incomplete or left out: "
		    "%s\n", (long long)mb.skipped, mb.skipped == 1 ? "" : "s", mb.cause);
	ex->skipped = mb.skipped;
	free(mb.cause);
	hbuf_free(&mb.msg);
	return rc;
}
