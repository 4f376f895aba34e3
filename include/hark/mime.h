/*
 * mime.h — email messages in and out, with GMime 3: parsing what IMAP and
 * inbound parse hand us into plain UTF-8 fields, and building the RFC 5322
 * message hark sends over SMTP and copies to the Sent folder.
 *
 * Parsing never fails on bad input: a message GMime cannot make sense of is
 * returned raw (text = the bytes as UTF-8, invalid sequences replaced) with
 * warning set, so that it is stored and shown, never lost. Every string is
 * valid UTF-8 and owned by the struct.
 *
 * Files: src/providers/mime.c (parse, the event), mime_html.c (html → text),
 *        mime_build.c (build)
 */
#ifndef HARK_MIME_H
#define HARK_MIME_H

#include <stddef.h>
#include <stdint.h>

/* A leaf part that is not the message text: an attachment or inline image. */
struct mime_part {
	char *filename;       /* decoded (RFC 2231 / 2047), NULL when none */
	char *content_type;   /* "image/png", lower case */
	char *content_id;     /* without <>, NULL when none */
	int is_inline;
	unsigned char *data;  /* decoded bytes (base64 / quoted-printable undone) */
	size_t len;
};

struct mime_message {
	char *from;           /* the first From address, "ann@example.com"; NULL if none */
	char *from_name;      /* its display name, decoded; NULL if none */
	char *to;             /* every To and Cc address, ", "-separated; NULL if none */
	char *subject;        /* decoded; NULL if none */
	char *message_id;     /* without <>; NULL if none */
	char *in_reply_to;    /* without <>; NULL if none */
	char *refs;           /* References, ids without <> separated by one space, oldest first */
	int64_t date;         /* Date: in ms since the epoch, 0 when absent or unreadable */
	char *text;           /* text/plain preferred; else text/html rendered to text */
	char *html;           /* the text/html part as sent, NULL if none */
	struct mime_part *parts;
	int nparts;
	char *warning;        /* NULL, or why the message is kept raw */
};

/*
 * Parses len bytes of an RFC 5322 message into *m (zeroed first). Charsets
 * are converted to UTF-8, encodings undone, multipart/alternative resolved.
 * Returns 0 (possibly with m->warning), or -1 with cause only when out of
 * memory or len is 0. Release with mime_message_clear.
 */
int mime_parse(const void *raw, size_t len, struct mime_message *m, char **cause);
void mime_message_clear(struct mime_message *m);

struct provider_event;
struct provider_attachment;

/*
 * Fills the email fields of an inbound event from a parsed message, so that
 * every source of mail (IMAP, a file, the fuzzer) hands the engine the same
 * thing: channel email, from, from_name, to, subject, body (m->text), html,
 * message_id, in_reply_to, refs, at (m->date, else now), warning, raw/raw_len,
 * and the parts as attachments in *atts (a new array the caller frees; its
 * strings and bytes point into m, which must outlive ev). The caller sets
 * type, provider, provider_id, folder and outgoing.
 */
void mime_event_fill(const struct mime_message *m, const void *raw, size_t len,
    struct provider_event *ev, struct provider_attachment **atts);

/* Readable text of an HTML document: block elements break lines, links keep
 * their URL, scripts and styles dropped, entities decoded. Caller frees. */
char *mime_html_to_text(const char *html, size_t len);

/* An outbound message. Strings are UTF-8; NULL means absent. */
struct mime_attachment {
	const char *path;          /* the file to attach */
	const char *filename;      /* shown to the recipient; NULL = basename(path) */
	const char *content_type;  /* NULL = guessed from the name, else octet-stream */
};

struct mime_out {
	const char *from;          /* address */
	const char *from_name;
	const char *to;            /* one address */
	const char *subject;
	const char *text;          /* text/plain body (required) */
	const char *html;          /* text/html alternative */
	const char *message_id;    /* without <>; NULL = mime_message_id_new(domain of from) */
	const char *in_reply_to;   /* without <> */
	const char *refs;          /* ids separated by spaces */
	int64_t date;              /* ms; 0 = now */
	const struct mime_attachment *attachments;
	int nattachments;
};

/* The content type a file name suggests ("a.pdf": application/pdf), else
 * application/octet-stream. The HTTP email providers use it too. */
const char *mime_guess_type(const char *name);

/*
 * Builds the message as CRLF-terminated RFC 5322 text (MIME 1.0, UTF-8,
 * quoted-printable or base64 as suits each part, RFC 2231 file names).
 * Returns 0 with *raw (caller frees) and *len, or -1 with cause naming the
 * problem ("attachment /x/y.pdf: No such file or directory").
 */
int mime_build(const struct mime_out *o, char **raw, size_t *len, char **cause);

/* A new globally unique Message-ID (without <>) at domain. Caller frees. */
char *mime_message_id_new(const char *domain);

/* Ids as a Message-ID, In-Reply-To or References header writes them: hark
 * stores them without <>, so "a@x b@y" → "<a@x> <b@y>"; an id that already
 * carries <> keeps them. Caller frees. */
char *mime_bracket_list(const char *ids);

#endif
