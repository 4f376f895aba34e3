/*
 * fuzz_mime.c — libFuzzer target for the path every received email takes:
 * raw bytes → mime_parse → mime_event_fill (the inbound event the engine
 * stores) → the terminal sanitiser the thread draws through; and the HTML
 * walker on the same bytes, since HTML-only mail reaches it unparsed.
 * Mail comes from anyone, so no input may crash, leak or hang any of them,
 * and every string they produce must be valid UTF-8.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hark/core.h"
#include "hark/mime.h"
#include "hark/provider.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_utf8(const char *s)
{
	if (s != NULL && !utf8_valid(s, strlen(s)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct provider_attachment *atts = NULL;
	struct provider_event ev;
	struct mime_message m;
	char *cause = NULL, *s;
	int i;

	if (mime_parse(data, size, &m, &cause) != 0) {
		if (size != 0)
			abort(); /* only empty input may fail */
		free(cause);
		return 0;
	}
	memset(&ev, 0, sizeof ev);
	mime_event_fill(&m, data, size, &ev, &atts);
	check_utf8(ev.from);
	check_utf8(ev.from_name);
	check_utf8(ev.to);
	check_utf8(ev.subject);
	check_utf8(ev.body);
	check_utf8(ev.html);
	check_utf8(ev.message_id);
	check_utf8(ev.in_reply_to);
	check_utf8(ev.refs);
	check_utf8(ev.warning);
	for (i = 0; i < ev.nattachments; i++) {
		check_utf8(atts[i].filename);
		check_utf8(atts[i].content_type);
		if (atts[i].len > 0 && atts[i].data == NULL)
			abort();
	}
	s = text_sanitize(ev.body, strlen(ev.body), HARK_SAN_NEWLINES);
	free(s);
	free(atts);
	mime_message_clear(&m);
	s = mime_html_to_text((const char *)data, size);
	check_utf8(s);
	free(s);
	return 0;
}
