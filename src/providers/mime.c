/*
 * mime.c — parsing email with GMime 3 into plain UTF-8 fields (mime.h), and
 * the inbound email event every mail source hands the engine.
 *
 * The body: the first text/plain part that is not an attachment (inside a
 * multipart/alternative, only its first), else the first text/html part
 * rendered to text (mime_html.c). Every other leaf — attachments, inline
 * images, a forwarded message — becomes a part with its decoded bytes, so
 * nothing the sender put in is dropped.
 *
 * Broken input: GMime is lenient and parses almost anything, but it says
 * when it had to guess in ways that may lose content (a truncated message, a
 * multipart without its boundary, an invalid header line, nesting too deep).
 * Such a message is kept raw: its text is the source after the headers (or
 * the whole source when no header could be read), with the reason in
 * m->warning, and whatever headers did parse still thread it.
 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "hark/core.h"
#include "hark/mime.h"
#include "hark/provider.h"
#include "hark/util.h"

#define MIME_MAX_DEPTH 64
#define MIME_MAX_REFS 64        /* References kept (the newest ones) */
#define MIME_REPLACEMENT "\xEF\xBF\xBD"

/* What one parse found along the way. */
struct mime_walk {
	struct mime_message *m;
	struct hbuf text;
	int have_text;
	unsigned broken;        /* GMime warnings that make the message raw */
	const char *why;        /* the first of them, in words */
};

static void mime_init_once(void);
static void mime_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
    gpointer arg);
static char *mime_utf8_fix(const char *s, size_t len);
static char *mime_iconv(GIConv cd, const char *in, size_t n);
static char *mime_to_utf8(const char *charset, const char *b, size_t n);
static char *mime_opt(const char *s);
static void mime_addresses(InternetAddressList *list, struct hbuf *out,
    InternetAddressMailbox **first);
static void mime_headers(GMimeMessage *msg, struct mime_message *m);
static char *mime_refs(const char *value, int first_only);
static GByteArray *mime_decode(GMimePart *part);
static void mime_add_part(struct mime_walk *w, GMimeObject *obj,
    const unsigned char *data, size_t len);
static void mime_leaf(struct mime_walk *w, GMimePart *part, int in_alt,
    int *alt_done);
static void mime_walk(struct mime_walk *w, GMimeObject *obj, int depth, int in_alt,
    int *alt_done);
static int mime_blank(const char *s);
static void mime_parts_free(struct mime_message *m);
static void mime_raw(struct mime_message *m, const char *raw, size_t len,
    int headers_ok, const char *why);

static pthread_once_t mime_once = PTHREAD_ONCE_INIT;
static const char *mime_fallback[] = { "UTF-8", "windows-1252", NULL };

static void
mime_init_once(void)
{
	g_mime_init();
	g_mime_parser_options_set_fallback_charsets(
	    g_mime_parser_options_get_default(), mime_fallback);
	g_mime_parser_options_set_rfc2047_compliance_mode(
	    g_mime_parser_options_get_default(), GMIME_RFC_COMPLIANCE_LOOSE);
}

/* GMime's own words are terse; these say what a reader of the thread needs. */
static void
mime_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer arg)
{
	struct mime_walk *w = arg;
	const char *why;

	switch (code) {
	case GMIME_WARN_TRUNCATED_MESSAGE:
		why = "the message is truncated";
		break;
	case GMIME_WARN_MALFORMED_MULTIPART:
		why = "a multipart has no parts";
		break;
	case GMIME_WARN_MALFORMED_MESSAGE:
		why = "the message is malformed";
		break;
	case GMIME_CRIT_INVALID_HEADER_NAME:
		why = "a header line is not a header";
		break;
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
		why = "a multipart has no boundary";
		break;
	case GMIME_CRIT_NESTING_OVERFLOW:
		why = "parts are nested too deep";
		break;
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		why = "a part has neither headers nor content";
		break;
	default:
		return; /* duplicated headers, bad encoded words: parsed anyway */
	}
	w->broken++;
	if (w->why == NULL)
		w->why = why;
}

/* ---- text ---------------------------------------------------------------------- */

/* A copy of s[0..len) that is valid UTF-8: invalid sequences and NUL bytes
 * become U+FFFD. */
static char *
mime_utf8_fix(const char *s, size_t len)
{
	struct hbuf b = HBUF_INIT;
	const gchar *end;
	size_t i = 0, good;

	while (i < len) {
		g_utf8_validate(s + i, (gssize)(len - i), &end);
		good = (size_t)(end - (s + i));
		hbuf_add(&b, s + i, good);
		i += good;
		if (i < len) {
			hbuf_adds(&b, MIME_REPLACEMENT);
			i++;
		}
	}
	return hbuf_steal(&b);
}

/* Converts with cd, replacing what cannot be converted by U+FFFD. */
static char *
mime_iconv(GIConv cd, const char *in, size_t n)
{
	struct hbuf b = HBUF_INIT;
	char out[4096], *op, *ip = (char *)in, *fixed;
	gsize il = n, ol;
	size_t r;

	while (il > 0) {
		op = out;
		ol = sizeof out;
		r = g_iconv(cd, &ip, &il, &op, &ol);
		hbuf_add(&b, out, sizeof out - ol);
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		hbuf_adds(&b, MIME_REPLACEMENT);
		if (errno != EILSEQ)
			break; /* cut at the end (EINVAL), or worse */
		ip++;
		il--;
	}
	op = out;
	ol = sizeof out;
	g_iconv(cd, NULL, NULL, &op, &ol); /* the shift back of ISO-2022-JP */
	hbuf_add(&b, out, sizeof out - ol);
	fixed = mime_utf8_fix(b.data != NULL ? b.data : "", b.len);
	hbuf_free(&b);
	return fixed;
}

/*
 * b[0..n) in charset as UTF-8. No charset (or US-ASCII, which 8-bit text
 * often claims wrongly): UTF-8 when it is valid, else windows-1252, the
 * likeliest guess. An unknown charset is treated like none.
 */
static char *
mime_to_utf8(const char *charset, const char *b, size_t n)
{
	const char *name;
	GIConv cd;
	char *s;

	if (charset != NULL && (strcasecmp(charset, "utf-8") == 0 ||
	    strcasecmp(charset, "utf8") == 0))
		return mime_utf8_fix(b, n);
	if (charset == NULL || strcasecmp(charset, "us-ascii") == 0 ||
	    strcasecmp(charset, "ascii") == 0) {
		if (g_utf8_validate(b, (gssize)n, NULL))
			return mime_utf8_fix(b, n);
		charset = "windows-1252";
	}
	name = g_mime_charset_iconv_name(charset);
	cd = g_iconv_open("UTF-8", name != NULL ? name : charset);
	if (cd == (GIConv)-1) {
		if (g_utf8_validate(b, (gssize)n, NULL))
			return mime_utf8_fix(b, n);
		cd = g_iconv_open("UTF-8", "WINDOWS-1252");
		if (cd == (GIConv)-1)
			return mime_utf8_fix(b, n);
	}
	s = mime_iconv(cd, b, n);
	g_iconv_close(cd);
	return s;
}

/* A header's value as owned, valid UTF-8; NULL when absent or empty. */
static char *
mime_opt(const char *s)
{
	if (s == NULL || *s == '\0')
		return NULL;
	return mime_utf8_fix(s, strlen(s));
}

/* ---- headers ---------------------------------------------------------------------- */

/* Appends every mailbox of list (groups opened) to out, ", "-separated. */
static void
mime_addresses(InternetAddressList *list, struct hbuf *out,
    InternetAddressMailbox **first)
{
	InternetAddress *ia;
	const char *addr;
	int i, n;

	if (list == NULL)
		return;
	n = internet_address_list_length(list);
	for (i = 0; i < n; i++) {
		ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			mime_addresses(internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia)), out, first);
			continue;
		}
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
		if (addr == NULL || *addr == '\0')
			continue;
		if (first != NULL && *first == NULL)
			*first = INTERNET_ADDRESS_MAILBOX(ia);
		if (out != NULL) {
			if (out->len > 0)
				hbuf_adds(out, ", ");
			hbuf_adds(out, addr);
		}
	}
}

/* Message-IDs in a References or In-Reply-To value, without <>, oldest
 * first and space-separated (only the first with first_only). */
static char *
mime_refs(const char *value, int first_only)
{
	GMimeReferences *refs;
	struct hbuf b = HBUF_INIT;
	char *id, *s;
	int i, n;

	if (value == NULL || *value == '\0')
		return NULL;
	refs = g_mime_references_parse(NULL, value);
	n = refs != NULL ? g_mime_references_length(refs) : 0;
	for (i = first_only ? 0 : (n > MIME_MAX_REFS ? n - MIME_MAX_REFS : 0);
	    i < n; i++) {
		id = (char *)g_mime_references_get_message_id(refs, i);
		if (id == NULL || *id == '\0')
			continue;
		if (b.len > 0)
			hbuf_addc(&b, ' ');
		hbuf_adds(&b, id);
		if (first_only)
			break;
	}
	if (refs != NULL)
		g_mime_references_free(refs);
	if (b.len == 0 && first_only) {
		/* Not a <msg-id>: keep what the sender wrote, if it looks like one. */
		id = g_mime_utils_decode_message_id(value);
		if (id != NULL && *id != '\0' && strchr(id, ' ') == NULL)
			hbuf_adds(&b, id);
		g_free(id);
	}
	if (b.len == 0) {
		hbuf_free(&b);
		return NULL;
	}
	s = mime_utf8_fix(b.data, b.len);
	hbuf_free(&b);
	return s;
}

static void
mime_headers(GMimeMessage *msg, struct mime_message *m)
{
	InternetAddressMailbox *first = NULL;
	struct hbuf to = HBUF_INIT;
	GDateTime *date;
	const char *name;

	mime_addresses(g_mime_message_get_from(msg), NULL, &first);
	if (first == NULL)
		mime_addresses(g_mime_message_get_sender(msg), NULL, &first);
	if (first != NULL) {
		m->from = mime_opt(internet_address_mailbox_get_addr(first));
		name = internet_address_get_name(INTERNET_ADDRESS(first));
		m->from_name = mime_opt(name);
	}
	mime_addresses(g_mime_message_get_to(msg), &to, NULL);
	mime_addresses(g_mime_message_get_cc(msg), &to, NULL);
	if (to.len > 0)
		m->to = mime_utf8_fix(to.data, to.len);
	hbuf_free(&to);
	m->subject = mime_opt(g_mime_message_get_subject(msg));
	m->message_id = mime_opt(g_mime_message_get_message_id(msg));
	m->in_reply_to = mime_refs(g_mime_object_get_header(GMIME_OBJECT(msg),
	    "In-Reply-To"), 1);
	m->refs = mime_refs(g_mime_object_get_header(GMIME_OBJECT(msg),
	    "References"), 0);
	date = g_mime_message_get_date(msg);
	if (date != NULL && g_date_time_to_unix(date) > 0)
		m->date = (int64_t)g_date_time_to_unix(date) * 1000;
}

/* ---- the body and its parts -------------------------------------------------------- */

/* The decoded bytes of a leaf (base64 / quoted-printable undone). */
static GByteArray *
mime_decode(GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *ba;

	if (content != NULL)
		g_mime_data_wrapper_write_to_stream(content, mem);
	/* The array outlives the stream: the caller frees it. */
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_object_unref(mem);
	return ba;
}

static void
mime_add_part(struct mime_walk *w, GMimeObject *obj, const unsigned char *data,
    size_t len)
{
	struct mime_message *m = w->m;
	struct mime_part *p;
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *disp = g_mime_object_get_disposition(obj);
	char *type;

	m->parts = xreallocarray(m->parts, (size_t)m->nparts + 1, sizeof *m->parts);
	p = &m->parts[m->nparts++];
	memset(p, 0, sizeof *p);
	if (GMIME_IS_PART(obj))
		p->filename = mime_opt(g_mime_part_get_filename(GMIME_PART(obj)));
	type = ct != NULL ? g_mime_content_type_get_mime_type(ct) : NULL;
	p->content_type = mime_opt(type != NULL ? type : "application/octet-stream");
	g_free(type);
	if (p->content_type == NULL)
		p->content_type = xstrdup("application/octet-stream");
	for (type = p->content_type; *type != '\0'; type++)
		*type = g_ascii_tolower(*type);
	p->content_id = mime_opt(g_mime_object_get_content_id(obj));
	p->is_inline = disp != NULL && strcasecmp(disp, "inline") == 0;
	p->data = xmalloc(len > 0 ? len : 1);
	if (len > 0)
		memcpy(p->data, data, len);
	p->len = len;
}

static void
mime_leaf(struct mime_walk *w, GMimePart *part, int in_alt, int *alt_done)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *disp = g_mime_object_get_disposition(obj);
	int attached, plain, html;
	GByteArray *ba = mime_decode(part);
	char *s;

	attached = (disp != NULL && strcasecmp(disp, "attachment") == 0) ||
	    g_mime_part_get_filename(part) != NULL;
	plain = ct != NULL && g_mime_content_type_is_type(ct, "text", "plain");
	html = ct != NULL && g_mime_content_type_is_type(ct, "text", "html");
	if (!attached && plain && !(in_alt && *alt_done)) {
		s = mime_to_utf8(g_mime_object_get_content_type_parameter(obj,
		    "charset"), (const char *)ba->data, ba->len);
		if (w->text.len > 0 && *s != '\0')
			hbuf_adds(&w->text, "\n\n");
		hbuf_adds(&w->text, s);
		free(s);
		w->have_text = 1;
		if (in_alt)
			*alt_done = 1;
	} else if (!attached && html && w->m->html == NULL) {
		w->m->html = mime_to_utf8(g_mime_object_get_content_type_parameter(obj,
		    "charset"), (const char *)ba->data, ba->len);
	} else if (!(in_alt && (plain || html))) {
		mime_add_part(w, obj, ba->data, ba->len);
	}
	g_byte_array_free(ba, TRUE);
}

static void
mime_walk(struct mime_walk *w, GMimeObject *obj, int depth, int in_alt, int *alt_done)
{
	GMimeContentType *ct;
	GMimeMessage *inner;
	GMimeStream *mem;
	GByteArray *ba;
	int i, n, alt, done = 0;

	if (obj == NULL || depth > MIME_MAX_DEPTH)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		ct = g_mime_object_get_content_type(obj);
		alt = ct != NULL && g_mime_content_type_is_type(ct, "multipart",
		    "alternative");
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n; i++)
			mime_walk(w, g_mime_multipart_get_part(GMIME_MULTIPART(obj), i),
			    depth + 1, alt || in_alt, alt ? &done : alt_done);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		/* A forwarded message travels whole, as its own .eml. */
		inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		mem = g_mime_stream_mem_new();
		if (inner != NULL)
			g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, mem);
		ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		mime_add_part(w, obj, ba->data, ba->len);
		g_object_unref(mem);
	} else if (GMIME_IS_PART(obj)) {
		mime_leaf(w, GMIME_PART(obj), in_alt, alt_done);
	}
}

/* ---- the whole message -------------------------------------------------------------- */

static int
mime_blank(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!g_ascii_isspace(*s))
			return 0;
	}
	return 1;
}

/* Keeps the source as the text: after the header block when the headers
 * were read, else all of it. */
static void
mime_raw(struct mime_message *m, const char *raw, size_t len, int headers_ok,
    const char *why)
{
	size_t i, start = 0;

	mime_parts_free(m);
	free(m->text);
	free(m->html);
	m->html = NULL;
	for (i = 0; headers_ok && i + 1 < len; i++) {
		if (raw[i] == '\n' && (raw[i + 1] == '\n' || (raw[i + 1] == '\r' &&
		    i + 2 < len && raw[i + 2] == '\n'))) {
			start = i + (raw[i + 1] == '\n' ? 2 : 3);
			break;
		}
	}
	m->text = mime_utf8_fix(raw + start, len - start);
	free(m->warning);
	m->warning = xasprintf("shown raw: %s", why);
}

int
mime_parse(const void *raw, size_t len, struct mime_message *m, char **cause)
{
	struct mime_walk w;
	GMimeParserOptions *opts;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	int headers_ok, done = 0;

	memset(m, 0, sizeof *m);
	if (raw == NULL || len == 0) {
		set_cause(cause, "empty message");
		return -1;
	}
	pthread_once(&mime_once, mime_init_once);
	memset(&w, 0, sizeof w);
	w.m = m;
	opts = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(opts, mime_fallback);
	g_mime_parser_options_set_rfc2047_compliance_mode(opts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_warning_callback(opts, mime_warning, &w);
	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, opts);
	headers_ok = 0;
	if (msg != NULL) {
		mime_headers(msg, m);
		headers_ok = m->from != NULL || m->subject != NULL ||
		    m->message_id != NULL || m->date != 0 || m->to != NULL;
		mime_walk(&w, g_mime_message_get_mime_part(msg), 0, 0, &done);
		m->text = hbuf_steal(&w.text);
		/* Some mailers send an empty text/plain beside the real HTML. */
		if ((!w.have_text || mime_blank(m->text)) && m->html != NULL) {
			free(m->text);
			m->text = mime_html_to_text(m->html, strlen(m->html));
		}
	}
	if (msg == NULL)
		mime_raw(m, raw, len, 0, "not a message GMime can read");
	else if (!headers_ok)
		mime_raw(m, raw, len, 0, "no message headers");
	else if (w.broken > 0)
		mime_raw(m, raw, len, 1, w.why);
	hbuf_free(&w.text);
	if (msg != NULL)
		g_object_unref(msg);
	g_object_unref(parser);
	g_object_unref(stream);
	g_mime_parser_options_free(opts);
	return 0;
}

static void
mime_parts_free(struct mime_message *m)
{
	int i;

	for (i = 0; i < m->nparts; i++) {
		free(m->parts[i].filename);
		free(m->parts[i].content_type);
		free(m->parts[i].content_id);
		free(m->parts[i].data);
	}
	free(m->parts);
	m->parts = NULL;
	m->nparts = 0;
}

void
mime_message_clear(struct mime_message *m)
{
	if (m == NULL)
		return;
	mime_parts_free(m);
	free(m->from);
	free(m->from_name);
	free(m->to);
	free(m->subject);
	free(m->message_id);
	free(m->in_reply_to);
	free(m->refs);
	free(m->text);
	free(m->html);
	free(m->warning);
	memset(m, 0, sizeof *m);
}

void
mime_event_fill(const struct mime_message *m, const void *raw, size_t len,
    struct provider_event *ev, struct provider_attachment **atts)
{
	struct provider_attachment *a = NULL;
	int i;

	if (m->nparts > 0)
		a = xcalloc((size_t)m->nparts, sizeof *a);
	for (i = 0; i < m->nparts; i++) {
		a[i].filename = m->parts[i].filename;
		a[i].content_type = m->parts[i].content_type;
		a[i].content_id = m->parts[i].content_id;
		a[i].is_inline = m->parts[i].is_inline;
		a[i].data = m->parts[i].data;
		a[i].len = m->parts[i].len;
	}
	*atts = a;
	ev->channel = HARK_CH_EMAIL;
	ev->from = m->from;
	ev->from_name = m->from_name;
	ev->to = m->to;
	ev->subject = m->subject;
	ev->body = m->text != NULL ? m->text : "";
	ev->html = m->html;
	ev->message_id = m->message_id;
	ev->in_reply_to = m->in_reply_to;
	ev->refs = m->refs;
	ev->at = m->date > 0 ? m->date : hark_now_ms();
	ev->warning = m->warning;
	ev->attachments = a;
	ev->nattachments = m->nparts;
	ev->raw = raw;
	ev->raw_len = len;
}
