/*
 * export_mbox.c — hark export --format mbox: the email messages as mboxrd.
 *
 * Each message is the source hark kept when it was received (mail.raw_path,
 * a file beside the database), else one rebuilt from the stored fields and the
 * attachments on disk. Lines end in LF, as mbox files do; a line that starts
 * with "From ", after any number of '>', gets one more '>' (mboxrd), so a
 * reader that undoes the quoting gets the message back exactly. Messages are
 * separated by a "From sender date" line and a blank line.
 *
 * The rebuild uses GMime directly (mbox_build) until the shared builder
 * mime_build lands; the one function is all that changes then.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gmime/gmime.h>

#include "hark/core.h"
#include "hark/store.h"
#include "hark/util.h"

#include "export_int.h"

struct mbox {
	struct export *ex;
	struct hbuf msg;       /* one message's source */
	char *cause;           /* why the last message could not be built */
	int64_t skipped;
};

static int mbox_message(void *arg, const struct store_xmessage *x);
static const struct store_xrow *mbox_mail_row(const struct store_xmessage *x);
static int mbox_read_file(const char *path, struct hbuf *out);
static int mbox_build(const struct store_xmessage *x, struct hbuf *out, char **cause);
static void mbox_attach(GMimeMultipart *mixed, const struct store_xrow *a);
static const char *mbox_att_get(const struct store_xrow *a, const char *name);
static void mbox_quote(struct hbuf *out, const char *src, size_t len, int built);
static char *mbox_unbracket(const char *id);

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

/* The whole file into out; -1 (errno set) when it cannot be read. */
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

static const char *
mbox_att_get(const struct store_xrow *a, const char *name)
{
	int i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, name) == 0 && a->v[i].type == STORE_X_TEXT)
			return a->v[i].s;
	return NULL;
}

/* Message-IDs are stored as written, usually in <>; GMime wants them bare. */
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

/* An attachment with a local copy goes in whole (base64); one known only
 * by URL (MMS media) is named in a header, as its bytes are not here. */
static void
mbox_attach(GMimeMultipart *mixed, const struct store_xrow *a)
{
	const char *path = mbox_att_get(a, "path"), *type = mbox_att_get(a, "content_type");
	const char *name = mbox_att_get(a, "filename");
	GMimeContentType *ct;
	GMimeDataWrapper *w;
	GMimeStream *s;
	GMimePart *part;

	if (path == NULL || (s = g_mime_stream_fs_open(path, O_RDONLY, 0, NULL)) == NULL)
		return;
	ct = g_mime_content_type_parse(NULL, type != NULL ? type :
	    "application/octet-stream");
	part = g_mime_part_new_with_type(g_mime_content_type_get_media_type(ct),
	    g_mime_content_type_get_media_subtype(ct));
	g_object_unref(ct);
	w = g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, w);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	if (name == NULL && (name = strrchr(path, '/')) != NULL)
		name++;
	g_mime_part_set_filename(part, name != NULL ? name : path);
	g_mime_multipart_add(mixed, GMIME_OBJECT(part));
	g_object_unref(w);
	g_object_unref(s);
	g_object_unref(part);
}

/*
 * Rebuilds a message from what hark stored: From, To, Subject, Date (when
 * it was written), Message-ID, In-Reply-To, References, the text as
 * quoted-printable UTF-8, and the attachments hark has on disk.
 */
static int
mbox_build(const struct store_xmessage *x, struct hbuf *out, char **cause)
{
	const struct store_message *m = &x->m;
	const struct store_xrow *mail = mbox_mail_row(x);
	const char *from_name = mail != NULL ? mbox_att_get(mail, "from_name") : NULL;
	const char *html = mail != NULL ? mbox_att_get(mail, "html") : NULL;
	GMimeMultipart *alt = NULL;
	GMimeTextPart *htmlpart = NULL;
	GMimeObject *body;
	GMimeMessage *msg;
	GMimeTextPart *text;
	GMimeMultipart *mixed = NULL;
	GMimeStream *mem;
	GByteArray *bytes;
	GDateTime *date;
	char *id;
	int i, j;

	g_mime_init();
	msg = g_mime_message_new(TRUE);
	if (m->from_addr != NULL && *m->from_addr != '\0')
		g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM,
		    m->direction == HARK_DIR_IN ? from_name : NULL, m->from_addr);
	if (m->to_addr != NULL && *m->to_addr != '\0')
		g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, m->to_addr);
	g_mime_message_set_subject(msg, m->subject != NULL ? m->subject : "", "utf-8");
	date = g_date_time_new_from_unix_utc(m->created_at / 1000);
	g_mime_message_set_date(msg, date);
	g_date_time_unref(date);
	if ((id = mbox_unbracket(m->message_id)) != NULL)
		g_mime_message_set_message_id(msg, id);
	free(id);
	if (m->in_reply_to != NULL)
		g_mime_object_set_header(GMIME_OBJECT(msg), "In-Reply-To", m->in_reply_to,
		    "utf-8");
	if (m->refs != NULL)
		g_mime_object_set_header(GMIME_OBJECT(msg), "References", m->refs, "utf-8");
	text = g_mime_text_part_new_with_subtype("plain");
	g_mime_text_part_set_text(text, m->body != NULL ? m->body : "");
	g_mime_part_set_content_encoding(GMIME_PART(text),
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	body = GMIME_OBJECT(text);
	if (html != NULL) {
		alt = g_mime_multipart_new_with_subtype("alternative");
		htmlpart = g_mime_text_part_new_with_subtype("html");
		g_mime_text_part_set_text(htmlpart, html);
		g_mime_part_set_content_encoding(GMIME_PART(htmlpart),
		    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
		g_mime_multipart_add(alt, GMIME_OBJECT(text));
		g_mime_multipart_add(alt, GMIME_OBJECT(htmlpart));
		body = GMIME_OBJECT(alt);
	}
	for (i = 0; i < x->nsets; i++)
		for (j = 0; strcmp(x->sets[i].name, "attachments") == 0 &&
		    j < x->sets[i].nrows; j++) {
			if (mixed == NULL) {
				mixed = g_mime_multipart_new_with_subtype("mixed");
				g_mime_multipart_add(mixed, body);
			}
			mbox_attach(mixed, &x->sets[i].rows[j]);
		}
	g_mime_message_set_mime_part(msg, mixed != NULL ? GMIME_OBJECT(mixed) : body);
	mem = g_mime_stream_mem_new();
	if (g_mime_object_write_to_stream(GMIME_OBJECT(msg), NULL, mem) < 0) {
		set_cause(cause, "cannot build message %s", m->message_id ?
		    m->message_id : "");
		i = -1;
	} else {
		bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		hbuf_add(out, bytes->data, bytes->len);
		i = 0;
	}
	g_object_unref(mem);
	g_object_unref(text);
	if (alt != NULL) {
		g_object_unref(htmlpart);
		g_object_unref(alt);
	}
	if (mixed != NULL)
		g_object_unref(mixed);
	g_object_unref(msg);
	return i;
}

/*
 * Appends src with LF line ends and mboxrd quoting, ending in a newline. In
 * a message hark built, a line can start with "From " only inside a
 * quoted-printable text (headers have "From:", base64 has no spaces,
 * boundaries start "--"), so there it becomes "=46rom " (">From " becomes
 * "=3EFrom "), which every reader decodes back without knowing mboxrd.
 */
static void
mbox_quote(struct hbuf *out, const char *src, size_t len, int built)
{
	const char *p = src, *end = src + len, *nl;
	size_t n, k;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		for (k = 0; k < n && p[k] == '>'; k++)
			;
		if (built && n - k >= 5 && memcmp(p + k, "From ", 5) == 0) {
			hbuf_adds(out, k > 0 ? "=3E" : "=46");
			p++;
			n--;
		} else if (n - k >= 5 && memcmp(p + k, "From ", 5) == 0)
			hbuf_addc(out, '>');
		hbuf_add(out, p, n);
		hbuf_addc(out, '\n');
		p = nl != NULL ? nl + 1 : end;
	}
}

static int
mbox_message(void *arg, const struct store_xmessage *x)
{
	struct mbox *mb = arg;
	struct export *ex = mb->ex;
	const struct store_xrow *mail = mbox_mail_row(x);
	const char *raw = mail != NULL ? mbox_att_get(mail, "raw_path") : NULL;
	const char *from = x->m.from_addr;
	char when[40];
	struct tm tm;
	time_t t = (time_t)(x->m.created_at / 1000);
	int built = 0;

	if (x->m.channel != HARK_CH_EMAIL)
		return 0;
	hbuf_reset(&mb->msg);
	if (raw == NULL || mbox_read_file(raw, &mb->msg) != 0) {
		hbuf_reset(&mb->msg);
		built = 1;
		if (mbox_build(x, &mb->msg, &mb->cause) != 0) {
			mb->skipped++;
			return 0;
		}
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
		fprintf(stderr, "hark export: %lld message%s left out: %s\n",
		    (long long)mb.skipped, mb.skipped == 1 ? "" : "s", mb.cause);
	ex->skipped = mb.skipped;
	free(mb.cause);
	hbuf_free(&mb.msg);
	return rc;
}
