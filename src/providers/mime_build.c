/* mime_build.c — the RFC 5322 message hark sends: text, an HTML alternative, attachments. */

/*
 * The shape: text/plain alone; or multipart/alternative (text, html) when
 * there is HTML; either wrapped in multipart/mixed with the attachments
 * after it. GMime picks quoted-printable or base64 for text by content
 * (7-bit text stays as it is), attachments are always base64, and file
 * names that are not plain ASCII are written as RFC 2231 parameters. The
 * output ends lines in CRLF, as SMTP and IMAP APPEND want.
 *
 * Attachments are read whole before anything is built, so that a missing or
 * unreadable file fails the build with its path and the system's reason
 * instead of sending a message without it.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "hark/core.h"
#include "hark/mime.h"

/* Larger attachments are refused before reading: mail servers stop far below. */
#define MIME_MAX_ATTACHMENT ((off_t)100 << 20)

static void mime_build_init(void);
static int mime_read_file(const char *path, unsigned char **data, size_t *len,
    char **cause);
static GMimeObject *mime_text_part(const char *subtype, const char *text);
static GMimeObject *mime_attachment_part(const struct mime_attachment *a,
    unsigned char *data, size_t len);
static void mime_set_ids(GMimeMessage *msg, const struct mime_out *o);

static pthread_once_t mime_build_once = PTHREAD_ONCE_INIT;

/* g_mime_init counts its calls: sharing it with mime.c's own is safe. */
static void
mime_build_init(void)
{
	g_mime_init();
}

static const struct {
	const char *ext, *type;
} mime_types[] = {
	{ "pdf", "application/pdf" }, { "zip", "application/zip" },
	{ "gz", "application/gzip" }, { "json", "application/json" },
	{ "xml", "application/xml" }, { "doc", "application/msword" },
	{ "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
	{ "xls", "application/vnd.ms-excel" },
	{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	{ "ics", "text/calendar" }, { "txt", "text/plain" }, { "csv", "text/csv" },
	{ "html", "text/html" }, { "htm", "text/html" }, { "md", "text/markdown" },
	{ "png", "image/png" }, { "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" },
	{ "gif", "image/gif" }, { "webp", "image/webp" }, { "svg", "image/svg+xml" },
	{ "mp3", "audio/mpeg" }, { "ogg", "audio/ogg" }, { "wav", "audio/wav" },
	{ "mp4", "video/mp4" }, { "eml", "message/rfc822" },
};

const char *
mime_guess_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot != NULL) {
		for (i = 0; i < HARK_NELEM(mime_types); i++) {
			if (strcasecmp(dot + 1, mime_types[i].ext) == 0)
				return mime_types[i].type;
		}
	}
	return "application/octet-stream";
}

char *
mime_message_id_new(const char *domain)
{
	unsigned char r[12];
	char hex[sizeof r * 2 + 1];
	size_t i;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
		uint64_t x = (uint64_t)hark_now_ms() ^ ((uint64_t)getpid() << 32);

		for (i = 0; i < sizeof r; i++, x = x * 6364136223846793005ULL + 1)
			r[i] = (unsigned char)(x >> 56);
	}
	for (i = 0; i < sizeof r; i++)
		snprintf(hex + i * 2, 3, "%02x", r[i]);
	return xasprintf("hark.%lld.%s@%s", (long long)hark_now_ms(), hex,
	    domain != NULL && *domain != '\0' ? domain : "hark.localhost");
}

int
mime_build(const struct mime_out *o, char **raw, size_t *len, char **cause)
{
	GMimeMessage *msg;
	GMimeObject *body, *alt;
	GMimeMultipart *mixed;
	GMimeFormatOptions *fo;
	GMimeStream *mem;
	GByteArray *bytes;
	GDateTime *date;
	unsigned char **data;
	size_t *dlen;
	int i, rc = -1;

	*raw = NULL;
	*len = 0;
	if (o->from == NULL || o->to == NULL || o->text == NULL) {
		set_cause(cause, "a message needs a sender, a recipient and a text");
		return -1;
	}
	data = xcalloc((size_t)o->nattachments + 1, sizeof *data);
	dlen = xcalloc((size_t)o->nattachments + 1, sizeof *dlen);
	for (i = 0; i < o->nattachments; i++) {
		if (mime_read_file(o->attachments[i].path, &data[i], &dlen[i],
		    cause) != 0)
			goto out;
	}
	pthread_once(&mime_build_once, mime_build_init);
	msg = g_mime_message_new(TRUE);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, o->from_name,
	    o->from);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, o->to);
	g_mime_message_set_subject(msg, o->subject != NULL ? o->subject : "",
	    "utf-8");
	date = g_date_time_new_from_unix_utc((o->date > 0 ? o->date :
	    hark_now_ms()) / 1000);
	g_mime_message_set_date(msg, date);
	g_date_time_unref(date);
	mime_set_ids(msg, o);

	body = mime_text_part("plain", o->text);
	if (o->html != NULL) {
		alt = (GMimeObject *)g_mime_multipart_new_with_subtype("alternative");
		g_mime_multipart_add((GMimeMultipart *)alt, body);
		g_object_unref(body);
		body = mime_text_part("html", o->html);
		g_mime_multipart_add((GMimeMultipart *)alt, body);
		g_object_unref(body);
		body = alt;
	}
	if (o->nattachments > 0) {
		mixed = g_mime_multipart_new_with_subtype("mixed");
		g_mime_multipart_add(mixed, body);
		g_object_unref(body);
		for (i = 0; i < o->nattachments; i++) {
			body = mime_attachment_part(&o->attachments[i], data[i],
			    dlen[i]);
			data[i] = NULL;   /* the part's stream owns it now */
			g_mime_multipart_add(mixed, body);
			g_object_unref(body);
		}
		body = (GMimeObject *)mixed;
	}
	g_mime_message_set_mime_part(msg, body);
	g_object_unref(body);

	fo = g_mime_format_options_clone(NULL);
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	mem = g_mime_stream_mem_new();
	g_mime_object_write_to_stream((GMimeObject *)msg, fo, mem);
	bytes = g_mime_stream_mem_get_byte_array((GMimeStreamMem *)mem);
	*raw = xmalloc(bytes->len + 1);
	memcpy(*raw, bytes->data, bytes->len);
	(*raw)[bytes->len] = '\0';
	*len = bytes->len;
	g_object_unref(mem);
	g_mime_format_options_free(fo);
	g_object_unref(msg);
	rc = 0;
out:
	for (i = 0; i < o->nattachments; i++)
		free(data[i]);
	free(data);
	free(dlen);
	return rc;
}

static int
mime_read_file(const char *path, unsigned char **data, size_t *len, char **cause)
{
	struct stat sb;
	unsigned char *buf;
	size_t got = 0;
	ssize_t n;
	int fd;

	if (path == NULL) {
		set_cause(cause, "attachment without a file");
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) != 0) {
		set_cause(cause, "attachment %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > MIME_MAX_ATTACHMENT) {
		set_cause(cause, "attachment %s: %s", path, S_ISREG(sb.st_mode) ?
		    "larger than 100 MiB" : "not a regular file");
		close(fd);
		return -1;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			set_cause(cause, "attachment %s: %s", path, n < 0 ?
			    strerror(errno) : "the file shrank while being read");
			free(buf);
			close(fd);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	*data = buf;
	*len = got;
	return 0;
}

/* UTF-8 text; GMime picks 7bit, quoted-printable or base64 by content. */
static GMimeObject *
mime_text_part(const char *subtype, const char *text)
{
	GMimeTextPart *t = g_mime_text_part_new_with_subtype(subtype);
	GMimePart *p = (GMimePart *)t;

	g_mime_text_part_set_text(t, text);
	g_mime_part_set_content_encoding(p, g_mime_part_get_best_content_encoding(p,
	    GMIME_ENCODING_CONSTRAINT_7BIT));
	return (GMimeObject *)t;
}

/* Takes ownership of data. */
static GMimeObject *
mime_attachment_part(const struct mime_attachment *a, unsigned char *data,
    size_t len)
{
	const char *name = a->filename, *type = a->content_type, *slash;
	char *major, *minor;
	GMimePart *p;
	GMimeStream *s;
	GMimeDataWrapper *w;
	GByteArray *ba;

	if (name == NULL)
		name = (slash = strrchr(a->path, '/')) != NULL ? slash + 1 : a->path;
	if (type == NULL || strchr(type, '/') == NULL ||
	    strcmp(type, "application/octet-stream") == 0)
		type = mime_guess_type(name);
	major = xstrndup(type, (size_t)(strchr(type, '/') - type));
	minor = xstrdup(strchr(type, '/') + 1);
	p = g_mime_part_new_with_type(major, minor);
	free(major);
	free(minor);
	g_mime_part_set_filename(p, name);
	g_mime_object_set_disposition((GMimeObject *)p,
	    GMIME_DISPOSITION_ATTACHMENT);
	g_mime_part_set_filename(p, name);
	ba = g_byte_array_new_take(data, len);
	s = g_mime_stream_mem_new_with_byte_array(ba);
	w = g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(p, w);
	g_object_unref(w);
	g_object_unref(s);
	g_mime_part_set_content_encoding(p, GMIME_CONTENT_ENCODING_BASE64);
	return (GMimeObject *)p;
}

/* Message-ID, In-Reply-To and References; ids come without <>. */
static void
mime_set_ids(GMimeMessage *msg, const struct mime_out *o)
{
	const char *at = strchr(o->from, '@');
	char *id, *v;

	id = o->message_id != NULL ? xstrdup(o->message_id) :
	    mime_message_id_new(at != NULL ? at + 1 : NULL);
	g_mime_message_set_message_id(msg, id);
	free(id);
	if (o->in_reply_to != NULL && *o->in_reply_to != '\0') {
		v = mime_bracket_list(o->in_reply_to);
		g_mime_object_set_header((GMimeObject *)msg, "In-Reply-To", v, NULL);
		free(v);
	}
	if (o->refs != NULL && *o->refs != '\0') {
		v = mime_bracket_list(o->refs);
		g_mime_object_set_header((GMimeObject *)msg, "References", v, NULL);
		free(v);
	}
}

char *
mime_bracket_list(const char *ids)
{
	struct hbuf b = HBUF_INIT;
	const char *p = ids, *q;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (q = p; *q != '\0' && *q != ' ' && *q != '\t' && *q != ','; q++)
			/* nothing */;
		if (b.len > 0)
			hbuf_addc(&b, ' ');
		if (*p != '<')
			hbuf_addc(&b, '<');
		hbuf_add(&b, p, (size_t)(q - p));
		if (q[-1] != '>')
			hbuf_addc(&b, '>');
		p = q;
	}
	return hbuf_steal(&b);
}
