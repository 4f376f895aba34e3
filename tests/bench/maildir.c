/*
 * maildir.c — turns corpus.c's message history (JSON lines on standard
 * input) into a Maildir, one RFC 5322 message per line, so tui.sh can time
 * neomutt opening the same history that hark opens from its database.
 *
 * usage: corpus N | maildir DIR
 *
 * DIR must not exist; it is made with cur/, new/ and tmp/. Every message
 * goes to cur/ marked seen (":2,S"), as a mail client leaves old mail, with
 * the file's time set to the message's. The output depends only on the
 * input: the same corpus always gives the same files.
 *
 * Email lines keep their subject and Message-ID; SMS and WhatsApp lines
 * arrive as an SMS-to-mail gateway would deliver them, the sender's number
 * at a gateway domain and the first words of the text as the subject.
 * Names and subjects outside ASCII are written as RFC 2047 encoded words.
 */

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hark/util.h"

#define MD_USER_NAME "Sam Park"
#define MD_USER_ADDR "sam@mail.hark.example"
#define MD_SUBJECT_WORDS 8

static const char *md_str(const cJSON *o, const char *name);
static int	md_parse_time(const char *s, time_t *out);
static void	md_phrase(struct hbuf *b, const char *text);
static void	md_mailbox(struct hbuf *b, const char *name, const char *addr);
static void	md_subject(struct hbuf *b, const char *subject, const char *body);
static void	md_body(struct hbuf *b, const char *body);
static int	md_message(const char *dir, unsigned long k, const cJSON *o,
		    struct hbuf *msg, struct hbuf *tmp);
static int	md_write(const char *path, const struct hbuf *msg, time_t when);

static const char *
md_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* corpus.c writes "YYYY-MM-DDTHH:MM:SSZ". */
static int
md_parse_time(const char *s, time_t *out)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return 0;
}

/* A display name or subject: as it is when printable ASCII, else one
 * =?UTF-8?Q?...?= word per 20 input bytes (a line stays short). */
static void
md_phrase(struct hbuf *b, const char *text)
{
	const unsigned char *p;
	size_t n = 0;
	int plain = 1;

	for (p = (const unsigned char *)text; *p != '\0'; p++)
		if (*p >= 0x80 || *p < 0x20)
			plain = 0;
	if (plain) {
		hbuf_adds(b, text);
		return;
	}
	hbuf_adds(b, "=?UTF-8?Q?");
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		/* break only before a character's first byte */
		if (n >= 20 && (*p & 0xc0) != 0x80) {
			hbuf_adds(b, "?=\n =?UTF-8?Q?");
			n = 0;
		}
		if (*p == ' ')
			hbuf_addc(b, '_');
		else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-')
			hbuf_addc(b, (char)*p);
		else
			hbuf_printf(b, "=%02X", *p);
		n++;
	}
	hbuf_adds(b, "?=");
}

static void
md_mailbox(struct hbuf *b, const char *name, const char *addr)
{
	md_phrase(b, name);
	hbuf_printf(b, " <%s>", addr);
}

/* The email's subject, or the first words of a text message. */
static void
md_subject(struct hbuf *b, const char *subject, const char *body)
{
	struct hbuf words = { 0 };
	const char *p = body;
	unsigned n = 0;

	if (subject != NULL) {
		md_phrase(b, subject);
		return;
	}
	hbuf_adds(&words, "SMS: ");
	while (*p != '\0' && *p != '\n' && n < MD_SUBJECT_WORDS) {
		if (*p == ' ')
			n++;
		if (n < MD_SUBJECT_WORDS)
			hbuf_addc(&words, *p);
		p++;
	}
	md_phrase(b, words.data);
	hbuf_free(&words);
}

/* Text lines as they are, each ended by a newline (Maildir stores LF). */
static void
md_body(struct hbuf *b, const char *body)
{
	hbuf_adds(b, body);
	if (b->len == 0 || b->data[b->len - 1] != '\n')
		hbuf_addc(b, '\n');
}

static int
md_message(const char *dir, unsigned long k, const cJSON *o, struct hbuf *msg,
    struct hbuf *tmp)
{
	const char *channel = md_str(o, "channel"), *name = md_str(o, "contact"),
	    *addr = md_str(o, "address"), *dirn = md_str(o, "direction"),
	    *subject = md_str(o, "subject"), *body = md_str(o, "body"),
	    *mid = md_str(o, "message_id"), *pid = md_str(o, "provider_id");
	struct tm tm;
	time_t when;
	char date[64], path[4096];
	int in, email;

	if (channel == NULL || addr == NULL || dirn == NULL ||
	    md_parse_time(md_str(o, "timestamp"), &when) != 0)
		return -1;
	if (name == NULL)
		name = addr;
	if (body == NULL)
		body = "";
	in = strcmp(dirn, "in") == 0;
	email = strcmp(channel, "email") == 0;

	/* their mailbox: the address itself, or the number at a gateway */
	hbuf_reset(tmp);
	if (email)
		hbuf_adds(tmp, addr);
	else
		hbuf_printf(tmp, "%s@%s.gateway.hark.example", addr,
		    strcmp(channel, "whatsapp") == 0 ? "wa" : "sms");

	gmtime_r(&when, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	hbuf_reset(msg);
	hbuf_printf(msg, "Return-Path: <%s>\n", in ? tmp->data : MD_USER_ADDR);
	hbuf_printf(msg, "Received: from mx.hark.example (mx.hark.example [192.0.2.25])\n"
	    "\tby mail.hark.example with ESMTPS id %08lx\n\tfor <%s>; %s\n", k,
	    in ? MD_USER_ADDR : tmp->data, date);
	hbuf_adds(msg, "From: ");
	if (in)
		md_mailbox(msg, name, tmp->data);
	else
		md_mailbox(msg, MD_USER_NAME, MD_USER_ADDR);
	hbuf_adds(msg, "\nTo: ");
	if (in)
		md_mailbox(msg, MD_USER_NAME, MD_USER_ADDR);
	else
		md_mailbox(msg, name, tmp->data);
	hbuf_adds(msg, "\nSubject: ");
	md_subject(msg, subject, body);
	hbuf_printf(msg, "\nDate: %s\n", date);
	if (mid != NULL)
		hbuf_printf(msg, "Message-ID: %s\n", mid);
	else
		hbuf_printf(msg, "Message-ID: <%s@gateway.hark.example>\n",
		    pid != NULL ? pid : "none");
	hbuf_adds(msg, "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\n\n");
	md_body(msg, body);

	snprintf(path, sizeof path, "%s/cur/%lld.M%luP1.hark-bench:2,S", dir,
	    (long long)when, k);
	return md_write(path, msg, when);
}

static int
md_write(const char *path, const struct hbuf *msg, time_t when)
{
	struct timespec ts[2];
	size_t off = 0;
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);

	if (fd < 0)
		return -1;
	while (off < msg->len) {
		n = write(fd, msg->data + off, msg->len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	ts[0].tv_sec = ts[1].tv_sec = when;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	if (futimens(fd, ts) != 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

int
main(int argc, char **argv)
{
	static const char *const sub[] = { "cur", "new", "tmp" };
	struct hbuf msg = { 0 }, tmp = { 0 };
	char path[4096], *line = NULL;
	size_t cap = 0, i;
	unsigned long k = 0;
	ssize_t len;
	cJSON *o;

	if (argc != 2) {
		fputs("usage: corpus N | maildir DIR\n", stderr);
		return 1;
	}
	if (mkdir(argv[1], 0755) != 0) {
		fprintf(stderr, "maildir: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	for (i = 0; i < HARK_NELEM(sub); i++) {
		snprintf(path, sizeof path, "%s/%s", argv[1], sub[i]);
		if (mkdir(path, 0755) != 0) {
			fprintf(stderr, "maildir: %s: %s\n", path, strerror(errno));
			return 2;
		}
	}
	while ((len = getline(&line, &cap, stdin)) > 0) {
		k++;
		if ((o = cJSON_ParseWithLength(line, (size_t)len)) == NULL) {
			fprintf(stderr, "maildir: line %lu: not JSON\n", k);
			return 2;
		}
		errno = 0;
		if (md_message(argv[1], k, o, &msg, &tmp) != 0) {
			fprintf(stderr, "maildir: line %lu: %s\n", k,
			    errno != 0 ? strerror(errno) : "missing field");
			cJSON_Delete(o);
			return 2;
		}
		cJSON_Delete(o);
	}
	free(line);
	hbuf_free(&msg);
	hbuf_free(&tmp);
	if (ferror(stdin)) {
		perror("maildir: read");
		return 2;
	}
	printf("%lu messages\n", k);
	return 0;
}
