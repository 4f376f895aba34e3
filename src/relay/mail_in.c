/*
 * mail_in.c — inbound mail posted by Mailgun routes (forward()) and SendGrid
 * Inbound Parse, as form fields, turned into one PROVIDER_EV_INBOUND email
 * event.
 *
 * Mailgun posts each MIME header as a field of its own (Message-Id,
 * In-Reply-To, References); SendGrid posts the raw header block in
 * "headers", which is searched here. The Message-ID doubles as the provider
 * id, so that a provider's retry of the same mail is stored once; a mail
 * without one gets a digest of its headers and text instead.
 *
 * Attachments are the file parts: SendGrid's attachment1..N (names and
 * types also in the JSON of "attachment-info", content ids in
 * "content-ids"), Mailgun's attachment-1..N (content ids in
 * "content-id-map"). Their bytes go into the event as they came; the
 * engine writes them to disk.
 */

#include <openssl/evp.h>

#include <cjson/cJSON.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hark/core.h"

#include "relay_int.h"

static char *mail_header(const char *block, const char *name);
static char *mail_trim(const char *s);
static char *mail_first_address(const char *list, char **cause);
static char *mail_digest(const char *provider, const char *a, const char *b,
    const char *c);
static char *mail_display_name(const char *from);
static const char *mail_cid(const cJSON *map, const char *field);
static void mail_attachments(const char *provider, const struct relay_field *f,
    int n, struct relay_job *job);

const char *
relay_field_get(const struct relay_field *f, int n, const char *name)
{
	int i;

	/* A file part is an attachment, never a text field of that name. */
	for (i = 0; i < n; i++)
		if (f[i].filename == NULL && strcasecmp(f[i].name, name) == 0)
			return hbuf_str(&f[i].value);
	return NULL;
}

int
relay_mail_inbound(const char *provider, const struct relay_field *f, int n,
    struct relay_job *job, char **cause)
{
	struct provider_event *ev = &job->mail;
	const char *from, *to, *text, *subject, *hdrs;
	char *date = NULL, *why = NULL;
	int mailgun = strcmp(provider, "mailgun") == 0;

	memset(ev, 0, sizeof *ev);
	from = relay_field_get(f, n, "from");
	if (mailgun && (from == NULL || *from == '\0'))
		from = relay_field_get(f, n, "sender");
	to = relay_field_get(f, n, mailgun ? "recipient" : "to");
	text = relay_field_get(f, n, mailgun ? "body-plain" : "text");
	subject = relay_field_get(f, n, "subject");
	hdrs = relay_field_get(f, n, "headers");
	if (from == NULL || *from == '\0') {
		set_cause(cause, "no 'from' field");
		return -1;
	}
	if (to == NULL || *to == '\0') {
		set_cause(cause, "no '%s' field", mailgun ? "recipient" : "to");
		return -1;
	}
	ev->type = PROVIDER_EV_INBOUND;
	ev->provider = provider;
	ev->channel = HARK_CH_EMAIL;
	if ((ev->from = mail_first_address(from, &why)) == NULL) {
		set_cause(cause, "bad 'from' address: %s", why);
		free(why);
		return -1;
	}
	relay_job_keep(job, (char *)ev->from);
	if ((ev->to = mail_first_address(to, &why)) == NULL) {
		set_cause(cause, "bad '%s' address: %s", mailgun ? "recipient" : "to",
		    why);
		free(why);
		return -1;
	}
	relay_job_keep(job, (char *)ev->to);
	ev->subject = subject;
	ev->body = text != NULL ? text : "";
	ev->html = relay_field_get(f, n, mailgun ? "body-html" : "html");
	ev->from_name = relay_job_keep(job, mail_display_name(from));
	mail_attachments(provider, f, n, job);
	if (mailgun) {
		ev->message_id = relay_field_get(f, n, "Message-Id");
		ev->in_reply_to = relay_field_get(f, n, "In-Reply-To");
		ev->refs = relay_field_get(f, n, "References");
		if (ev->message_id != NULL)
			ev->message_id = relay_job_keep(job, mail_trim(ev->message_id));
	} else if (hdrs != NULL) {
		ev->message_id = relay_job_keep(job, mail_header(hdrs, "Message-ID"));
		ev->in_reply_to = relay_job_keep(job, mail_header(hdrs, "In-Reply-To"));
		ev->refs = relay_job_keep(job, mail_header(hdrs, "References"));
		date = mail_header(hdrs, "Date");
	}
	if (date == NULL && relay_field_get(f, n, "Date") != NULL)
		date = xstrdup(relay_field_get(f, n, "Date"));
	if (date == NULL || time_parse_iso(date, &ev->at) != 0)
		ev->at = hark_now_ms();
	free(date);
	if (ev->message_id != NULL && *ev->message_id != '\0')
		ev->provider_id = ev->message_id;
	else
		ev->provider_id = relay_job_keep(job, mail_digest(provider, ev->from,
		    ev->subject, ev->body));
	job->ev = ev;
	job->nev = 1;
	return 0;
}

/* The first address of a To/From list ("Ann <a@x.com>, b@y.com"). */
static char *
mail_first_address(const char *list, char **cause)
{
	const char *p;
	char *one, *addr;
	int quoted = 0, angle = 0;

	for (p = list; *p != '\0'; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '<' && !quoted)
			angle = 1;
		else if (*p == '>' && !quoted)
			angle = 0;
		else if (*p == ',' && !quoted && !angle)
			break;
	}
	one = xstrndup(list, (size_t)(p - list));
	addr = addr_email_normalize(one, cause);
	free(one);
	return addr;
}

static char *
mail_trim(const char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/*
 * The unfolded value of the first header `name` in a raw header block, or
 * NULL. Continuation lines (starting with a space or tab) are joined with
 * one space.
 */
static char *
mail_header(const char *block, const char *name)
{
	struct hbuf v = HBUF_INIT;
	const char *line, *eol, *p;
	size_t nlen = strlen(name);
	char *out, *q;

	for (line = block; *line != '\0'; line = *eol ? eol + 1 : eol) {
		eol = line + strcspn(line, "\n");
		if (strncasecmp(line, name, nlen) != 0 || line[nlen] != ':')
			continue;
		hbuf_add(&v, line + nlen + 1, (size_t)(eol - line - nlen - 1));
		while (*eol == '\n' && (eol[1] == ' ' || eol[1] == '\t')) {
			p = eol + 1;
			eol = p + strcspn(p, "\n");
			hbuf_addc(&v, ' ');
			hbuf_add(&v, p, (size_t)(eol - p));
		}
		/* CRs of CRLF line ends, inside unfolded lines too. */
		for (q = v.data; q != NULL && (q = strchr(q, '\r')) != NULL;)
			memmove(q, q + 1, strlen(q));
		out = mail_trim(hbuf_str(&v));
		hbuf_free(&v);
		return out;
	}
	return NULL;
}

/* A stable id for a mail without Message-ID: sha256 of what identifies it. */
static char *
mail_digest(const char *provider, const char *a, const char *b, const char *c)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;
	EVP_MD_CTX *ctx;
	char *hex;

	ctx = EVP_MD_CTX_new();
	HARK_ASSERT(ctx != NULL);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, provider, strlen(provider) + 1);
	EVP_DigestUpdate(ctx, a ? a : "", strlen(a ? a : "") + 1);
	EVP_DigestUpdate(ctx, b ? b : "", strlen(b ? b : "") + 1);
	EVP_DigestUpdate(ctx, c ? c : "", strlen(c ? c : ""));
	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	hex = xmalloc(2 * len + 8);
	memcpy(hex, "sha256:", 7);
	for (i = 0; i < len; i++)
		snprintf(hex + 7 + 2 * i, 3, "%02x", md[i]);
	return hex;
}

/* The display name of a From ("Ann Lee" <ann@x.com>), unquoted; NULL when
 * there is none. */
static char *
mail_display_name(const char *from)
{
	const char *lt = strchr(from, '<');
	char *name, *out, *q;
	const char *p;

	if (lt == NULL)
		return NULL;
	out = xstrndup(from, (size_t)(lt - from));
	for (p = out, q = out; *p != '\0'; p++) {
		if (*p == '"')
			continue;
		if (*p == '\\' && p[1] != '\0')
			p++;
		*q++ = *p;
	}
	*q = '\0';
	name = mail_trim(out);
	free(out);
	if (*name == '\0') {
		free(name);
		return NULL;
	}
	return name;
}

/* The content id a provider's map gives to a file field, or NULL. SendGrid:
 * {"cid": "attachment1"}; Mailgun: {"<cid>": "attachment-1"}. */
static const char *
mail_cid(const cJSON *map, const char *field)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, map) {
		if (cJSON_IsString(e) && strcmp(e->valuestring, field) == 0 &&
		    e->string != NULL)
			return e->string;
	}
	return NULL;
}

/* The file parts as the event's attachments. Names and types come from the
 * parts themselves, SendGrid's attachment-info when it says more. */
static void
mail_attachments(const char *provider, const struct relay_field *f, int n,
    struct relay_job *job)
{
	int mailgun = strcmp(provider, "mailgun") == 0, i, na = 0;
	struct provider_attachment *a;
	cJSON *info, *cids;
	const cJSON *one;
	const char *s, *cid;

	for (i = 0; i < n; i++)
		if (f[i].filename != NULL)
			na++;
	if (na == 0)
		return;
	a = xcalloc((size_t)na, sizeof *a);
	/* Freed with the job's strings: it holds no pointer of its own. */
	relay_job_keep(job, (char *)a);
	info = (s = relay_field_get(f, n, "attachment-info")) != NULL ?
	    cJSON_Parse(s) : NULL;
	cids = (s = relay_field_get(f, n, mailgun ? "content-id-map" :
	    "content-ids")) != NULL ? cJSON_Parse(s) : NULL;
	for (i = 0, na = 0; i < n; i++) {
		if (f[i].filename == NULL)
			continue;
		one = cJSON_GetObjectItemCaseSensitive(info, f[i].name);
		s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(one,
		    "filename"));
		a[na].filename = relay_job_keep(job, xstrdup(s != NULL && *s !=
		    '\0' ? s : f[i].filename));
		s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(one,
		    "type"));
		a[na].content_type = s != NULL && *s != '\0' ?
		    relay_job_keep(job, xstrdup(s)) : f[i].content_type;
		if ((cid = mail_cid(cids, f[i].name)) != NULL) {
			/* Mailgun keeps the angle brackets of the header. */
			if (*cid == '<')
				cid++;
			a[na].content_id = relay_job_keep(job, xstrndup(cid,
			    strcspn(cid, ">")));
			a[na].is_inline = 1;
		}
		a[na].data = (const unsigned char *)f[i].value.data;
		a[na].len = f[i].value.len;
		na++;
	}
	cJSON_Delete(info);
	cJSON_Delete(cids);
	job->mail.attachments = a;
	job->mail.nattachments = na;
}
