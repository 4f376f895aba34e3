/* sanitize.c — making outside text safe to draw, and measuring it in columns. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "hark/core.h"
#include "core_int.h"

#define ESC 0x1b
#define BEL 0x07

static size_t san_escape(const unsigned char *, size_t);
static size_t san_string(const unsigned char *, size_t);
static void san_control(struct hbuf *, uint32_t, unsigned);
static int san_is_bidi(uint32_t);
static void san_put_utf8(struct hbuf *, uint32_t);

/*
 * The table-free decoder: the lead byte fixes the length and the range the
 * second byte may take (that range is what rules out overlongs, surrogates
 * and code points past U+10FFFF); the rest must be plain continuations.
 */
size_t
utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		c = s[0] & 0x0f;
		lo = s[0] == 0xe0 ? 0xa0 : 0x80;
		hi = s[0] == 0xed ? 0x9f : 0xbf;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		c = s[0] & 0x07;
		lo = s[0] == 0xf0 ? 0x90 : 0x80;
		hi = s[0] == 0xf4 ? 0x8f : 0xbf;
	} else {
		*cp = 0xfffd;
		return 1;
	}
	for (i = 1; i < need; i++) {
		if (i >= len || s[i] < lo || s[i] > hi) {
			*cp = 0xfffd;
			return i;
		}
		c = (c << 6) | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = c;
	return need;
}

int
utf8_valid(const char *s, size_t len)
{
	uint32_t cp;
	size_t n;

	if (s == NULL)
		return len == 0;
	while (len > 0) {
		n = utf8_decode(s, len, &cp);
		if (cp == 0xfffd && (n != 3 || memcmp(s, "\xef\xbf\xbd", 3) != 0))
			return 0;
		s += n;
		len -= n;
	}
	return 1;
}

/*
 * Length of the escape sequence at s (s[0] == ESC), all of which is dropped.
 * Follows ECMA-48: ESC [ params intermediates final (CSI); ESC ] P X ^ _ start
 * a control string that runs to its terminator (OSC, DCS, SOS, PM, APC);
 * ESC intermediates final (nF); ESC and one final byte. A sequence broken by
 * a byte that cannot belong to it ends before that byte, which is then
 * handled on its own; one cut off by the end of input swallows the rest,
 * as a terminal would.
 */
static size_t
san_escape(const unsigned char *s, size_t len)
{
	size_t i = 1;

	if (len < 2)
		return len;
	if (s[1] == '[') {
		for (i = 2; i < len && s[i] >= 0x20 && s[i] <= 0x3f; i++)
			;
		if (i < len && s[i] >= 0x40 && s[i] <= 0x7e)
			i++;
		return i;
	}
	if (s[1] != '\0' && strchr("]PX^_", s[1]) != NULL)
		return 2 + san_string(s + 2, len - 2);
	while (i < len && s[i] >= 0x20 && s[i] <= 0x2f)
		i++;
	if (i < len && s[i] >= 0x30 && s[i] <= 0x7e)
		i++;
	return i;
}

/*
 * Length of a control string's payload and terminator: BEL, ESC \ or the
 * 8-bit ST as UTF-8 (U+009C; a bare 0x9C byte may be part of a character in
 * the payload). CAN and SUB abort it; another ESC ends it and starts a
 * sequence of its own.
 */
static size_t
san_string(const unsigned char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == BEL || s[i] == 0x18 || s[i] == 0x1a)
			return i + 1;
		if (s[i] == 0xc2 && i + 1 < len && s[i + 1] == 0x9c)
			return i + 2;
		if (s[i] == ESC)
			return (i + 1 < len && s[i + 1] == '\\') ? i + 2 : i;
	}
	return len;
}

static void
san_put_utf8(struct hbuf *b, uint32_t cp)
{
	char u[4];

	if (cp < 0x80) {
		hbuf_addc(b, (char)cp);
		return;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		hbuf_add(b, u, 2);
		return;
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		hbuf_add(b, u, 3);
		return;
	}
	u[0] = (char)(0xf0 | (cp >> 18));
	u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	hbuf_add(b, u, 4);
}

/*
 * A control character the terminal must not see. C0 and DEL become their
 * Control Pictures (BEL → U+2407, DEL → U+2421) so a stray byte is visible
 * without acting; C1 controls have no pictures and show as "<U+009B>".
 */
static void
san_control(struct hbuf *b, uint32_t cp, unsigned flags)
{
	if (cp == '\n')
		hbuf_addc(b, (flags & HARK_SAN_NEWLINES) ? '\n' : ' ');
	else if (cp == '\t')
		hbuf_addc(b, (flags & HARK_SAN_TABS) ? '\t' : ' ');
	else if (cp < 0x20)
		san_put_utf8(b, 0x2400 + cp);
	else if (cp == 0x7f)
		san_put_utf8(b, 0x2421);
	else
		hbuf_printf(b, "<U+%04X>", (unsigned)cp);
}

/* Controls that reorder text: shown, never obeyed, so a name cannot
 * disguise what follows it. */
static int
san_is_bidi(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

/*
 * One pass over the input. Runs of harmless bytes are copied in one append;
 * only what must change breaks a run. The buffer is sized for the common case
 * up front, so clean text costs a single allocation.
 */
char *
text_sanitize(const char *in, size_t len, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)in;
	struct hbuf b = HBUF_INIT;
	size_t i = 0, run = 0, n;
	uint32_t cp;

	if (in == NULL)
		len = 0;
	b.cap = len + len / 8 + 16;
	b.data = xmalloc(b.cap);
	b.data[0] = '\0';
	while (i < len) {
		if ((s[i] >= 0x20 && s[i] < 0x7f) ||
		    (s[i] == '\n' && (flags & HARK_SAN_NEWLINES)) ||
		    (s[i] == '\t' && (flags & HARK_SAN_TABS))) {
			i++;
			continue;
		}
		n = (s[i] < 0x80) ? 1 : utf8_decode(in + i, len - i, &cp);
		if (s[i] < 0x80)
			cp = s[i];
		if (cp >= 0xa0 && cp != 0xfffd && !san_is_bidi(cp)) {
			i += n;
			continue;
		}
		hbuf_add(&b, in + run, i - run);
		if (cp == ESC)
			n = san_escape(s + i, len - i);
		else if (cp == '\r' && i + 1 < len && s[i + 1] == '\n')
			n = 1; /* the '\n' that follows stands for both */
		else if (cp == 0xfffd)
			hbuf_add(&b, "\xef\xbf\xbd", 3);
		else if (san_is_bidi(cp))
			hbuf_printf(&b, "<U+%04X>", (unsigned)cp);
		else
			san_control(&b, cp, flags);
		i += n;
		run = i;
	}
	hbuf_add(&b, in + run, i - run);
	return hbuf_steal(&b);
}

size_t
text_width(const char *s)
{
	size_t len, n, w = 0;
	uint32_t cp;
	int cw;

	if (s == NULL)
		return 0;
	len = strlen(s);
	while (len > 0) {
		n = utf8_decode(s, len, &cp);
		cw = wcwidth((wchar_t)cp);
		/* Unassigned code points still take a cell on screen. */
		if (cw < 0)
			cw = (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) ? 0 : 1;
		w += (size_t)cw;
		s += n;
		len -= n;
	}
	return w;
}
