/*
 * mime_html.c — an HTML email as readable text, for mail that has no
 * text/plain part. A small walker over tags and entities, not a browser:
 * block elements break lines, list items get a bullet, <blockquote> becomes
 * "> " lines (so the thread folds it like any quote), links keep their URL,
 * images their alt text, and <script>, <style>, <head> and comments vanish.
 * Runs of white space collapse except inside <pre>. Malformed markup never
 * stops it: an unclosed tag ends the text, an unknown entity stays as written.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hark/core.h"
#include "hark/mime.h"
#include "hark/util.h"

/* The output being built. */
struct html_out {
	struct hbuf b;
	int quote;          /* <blockquote> depth */
	int pre;            /* inside <pre> */
	int space;          /* a space is owed before the next word */
	int newlines;       /* newlines at the end of b (2 at most are kept) */
	char *href;         /* the open link's URL */
	size_t link_at;     /* where its text began in b */
};

static const struct { const char *name; const char *utf8; } html_entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
	{ "apos", "'" }, { "nbsp", " " }, { "copy", "©" }, { "reg", "®" },
	{ "trade", "™" }, { "hellip", "…" }, { "mdash", "—" }, { "ndash", "–" },
	{ "lsquo", "‘" }, { "rsquo", "’" }, { "ldquo", "“" }, { "rdquo", "”" },
	{ "laquo", "«" }, { "raquo", "»" }, { "bull", "•" }, { "middot", "·" },
	{ "euro", "€" }, { "pound", "£" }, { "yen", "¥" }, { "cent", "¢" },
	{ "deg", "°" }, { "times", "×" }, { "eacute", "é" }, { "egrave", "è" },
	{ "agrave", "à" }, { "uuml", "ü" }, { "ouml", "ö" }, { "auml", "ä" },
	{ "szlig", "ß" }, { "ccedil", "ç" }, { "zwnj", "" }, { "shy", "" },
};

/* Elements that start and end a line; "2" ones leave a blank line. */
static const char *const html_blocks[] = {
	"div", "tr", "table", "ul", "ol", "dl", "dt", "dd", "section",
	"article", "header", "footer", "center", "address", "form", "hr", "title",
};
static const char *const html_paras[] = {
	"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
};
/* Elements whose content is not text. */
static const char *const html_hidden[] = { "script", "style", "head", "title" };

static void html_newline(struct html_out *o, int want);
static void html_emit(struct html_out *o, const char *s, size_t n);
static void html_utf8(struct html_out *o, unsigned long cp);
static const char *html_entity(struct html_out *o, const char *p, const char *end);
static int html_in(const char *name, const char *const *list, size_t n);
static char *html_attr(const char *tag, const char *end, const char *name);
static const char *html_skip_to(const char *p, const char *end, const char *name);
static const char *html_tag(struct html_out *o, const char *p, const char *end);

/* Ends the line (want 1) or leaves a blank line (want 2). */
static void
html_newline(struct html_out *o, int want)
{
	if (o->b.len == 0)
		return;
	while (o->newlines < want) {
		hbuf_addc(&o->b, '\n');
		o->newlines++;
	}
	o->space = 0;
}

/* Appends text, starting a quoted line with its "> " marks. */
static void
html_emit(struct html_out *o, const char *s, size_t n)
{
	int i;

	if (n == 0)
		return;
	if (o->newlines > 0 || o->b.len == 0) {
		for (i = 0; i < o->quote; i++)
			hbuf_adds(&o->b, "> ");
	} else if (o->space) {
		hbuf_addc(&o->b, ' ');
	}
	o->space = 0;
	o->newlines = 0;
	hbuf_add(&o->b, s, n);
}

static void
html_utf8(struct html_out *o, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	if (cp == 0xA0 || cp == ' ')
		o->space = 1; /* a non-breaking space is still a space */
	else
		html_emit(o, u, n);
}

/* p is at '&': emits the character and returns what follows it. */
static const char *
html_entity(struct html_out *o, const char *p, const char *end)
{
	const char *q = p + 1;
	unsigned long cp = 0;
	size_t i, n;
	int hex, digits = 0;

	if (q < end && *q == '#') {
		hex = ++q < end && (*q == 'x' || *q == 'X');
		q += hex;
		for (; q < end && (hex ? isxdigit((unsigned char)*q) :
		    isdigit((unsigned char)*q)); q++, digits++) {
			if (cp <= 0x10FFFF)
				cp = cp * (hex ? 16 : 10) + (unsigned long)(isdigit(
				    (unsigned char)*q) ? *q - '0' :
				    (tolower((unsigned char)*q) - 'a' + 10));
		}
		if (digits > 0) {
			html_utf8(o, cp);
			return q < end && *q == ';' ? q + 1 : q;
		}
	} else {
		for (n = 0; q + n < end && isalnum((unsigned char)q[n]) && n < 10; n++)
			;
		for (i = 0; i < HARK_NELEM(html_entities); i++) {
			if (strlen(html_entities[i].name) == n &&
			    strncmp(q, html_entities[i].name, n) == 0) {
				if (strcmp(html_entities[i].name, "nbsp") == 0)
					o->space = 1;
				else
					html_emit(o, html_entities[i].utf8,
					    strlen(html_entities[i].utf8));
				q += n;
				return q < end && *q == ';' ? q + 1 : q;
			}
		}
	}
	html_emit(o, "&", 1);
	return p + 1;
}

static int
html_in(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcasecmp(name, list[i]) == 0)
			return 1;
	}
	return 0;
}

/* The value of attribute name in the tag text [tag, end), entities left
 * as written; NULL when absent. */
static char *
html_attr(const char *tag, const char *end, const char *name)
{
	size_t n = strlen(name);
	const char *p = tag, *v;
	char q;

	for (; p + n < end; p++) {
		if (p != tag && !isspace((unsigned char)p[-1]))
			continue;
		if (strncasecmp(p, name, n) != 0)
			continue;
		v = p + n;
		while (v < end && isspace((unsigned char)*v))
			v++;
		if (v >= end || *v != '=')
			continue;
		v++;
		while (v < end && isspace((unsigned char)*v))
			v++;
		if (v < end && (*v == '"' || *v == '\'')) {
			q = *v++;
			for (p = v; p < end && *p != q; p++)
				;
		} else {
			for (p = v; p < end && !isspace((unsigned char)*p) && *p != '>'; p++)
				;
		}
		return xstrndup(v, (size_t)(p - v));
	}
	return NULL;
}

/* Past the closing tag </name> (case-insensitive), or end. */
static const char *
html_skip_to(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	for (; p < end; p++) {
		if (*p == '<' && p + 2 + n <= end && p[1] == '/' &&
		    strncasecmp(p + 2, name, n) == 0) {
			p = memchr(p, '>', (size_t)(end - p));
			return p != NULL ? p + 1 : end;
		}
	}
	return end;
}

/* p is at '<': handles one tag and returns what follows it. */
static const char *
html_tag(struct html_out *o, const char *p, const char *end)
{
	const char *q = p + 1, *close;
	char name[16], *v;
	size_t n = 0;
	int closing = 0;

	if (end - p >= 4 && strncmp(p, "<!--", 4) == 0) {
		for (q = p + 4; q + 3 <= end && strncmp(q, "-->", 3) != 0; q++)
			;
		return q + 3 <= end ? q + 3 : end;
	}
	if (q < end && *q == '/')
		closing = 1, q++;
	while (q < end && n + 1 < sizeof name && isalnum((unsigned char)*q))
		name[n++] = *q++;
	name[n] = '\0';
	if (n == 0 && !closing && q < end && *q != '!' && *q != '?') {
		html_emit(o, "<", 1); /* a bare '<' in text */
		return p + 1;
	}
	close = memchr(q, '>', (size_t)(end - q));
	if (close == NULL)
		return end;
	if (!closing && html_in(name, html_hidden, HARK_NELEM(html_hidden)))
		return html_skip_to(close + 1, end, name);
	if (strcasecmp(name, "br") == 0) {
		hbuf_addc(&o->b, '\n');
		o->newlines++;
		o->space = 0;
	} else if (html_in(name, html_paras, HARK_NELEM(html_paras))) {
		html_newline(o, 2);
		if (strcasecmp(name, "blockquote") == 0)
			o->quote += closing ? (o->quote > 0 ? -1 : 0) : 1;
		if (strcasecmp(name, "pre") == 0)
			o->pre = !closing;
	} else if (html_in(name, html_blocks, HARK_NELEM(html_blocks))) {
		html_newline(o, 1);
	} else if (strcasecmp(name, "li") == 0 && !closing) {
		html_newline(o, 1);
		html_emit(o, "• ", strlen("• "));
	} else if (strcasecmp(name, "td") == 0 || strcasecmp(name, "th") == 0) {
		o->space = 1;
	} else if (strcasecmp(name, "img") == 0 && !closing) {
		if ((v = html_attr(q, close, "alt")) != NULL && *v != '\0') {
			html_emit(o, "[", 1);
			html_emit(o, v, strlen(v));
			html_emit(o, "]", 1);
		}
		free(v);
	} else if (strcasecmp(name, "a") == 0 && !closing) {
		free(o->href);
		o->href = html_attr(q, close, "href");
		o->link_at = o->b.len;
	} else if (strcasecmp(name, "a") == 0 && o->href != NULL) {
		/* The URL follows its text, unless the text is the URL. */
		if (*o->href != '\0' && strncasecmp(o->href, "mailto:", 7) != 0 &&
		    o->href[0] != '#' && (o->b.len - o->link_at != strlen(o->href) ||
		    memcmp(o->b.data + o->link_at, o->href, strlen(o->href)) != 0)) {
			o->space = o->b.len > o->link_at;
			html_emit(o, "<", 1);
			o->space = 0;
			html_emit(o, o->href, strlen(o->href));
			html_emit(o, ">", 1);
		}
		free(o->href);
		o->href = NULL;
	}
	return close + 1;
}

char *
mime_html_to_text(const char *html, size_t len)
{
	struct html_out o;
	const char *p = html, *end = html + len, *w;
	char *text, *safe;

	memset(&o, 0, sizeof o);
	while (p < end) {
		if (*p == '<') {
			p = html_tag(&o, p, end);
		} else if (*p == '&') {
			p = html_entity(&o, p, end);
		} else if (isspace((unsigned char)*p) && !o.pre) {
			o.space = 1;
			p++;
		} else if (*p == '\n') {
			hbuf_addc(&o.b, '\n');
			o.newlines++;
			p++;
		} else {
			for (w = p; w < end && *w != '<' && *w != '&' &&
			    (o.pre ? *w != '\n' : !isspace((unsigned char)*w)); w++)
				;
			html_emit(&o, p, (size_t)(w - p));
			p = w;
		}
	}
	free(o.href);
	text = hbuf_steal(&o.b);
	o.b.len = strlen(text);
	while (o.b.len > 0 && text[o.b.len - 1] == '\n')
		text[--o.b.len] = '\0';
	/* The input was UTF-8 already; this only guards against a cut sequence. */
	if (utf8_valid(text, strlen(text)))
		return text;
	safe = text_sanitize(text, strlen(text), HARK_SAN_NEWLINES | HARK_SAN_TABS);
	free(text);
	return safe;
}
