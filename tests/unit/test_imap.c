/* test_imap.c — the IMAP provider's answer parsers and the outbound MIME builder. */

#include "harness.h"

#include <unistd.h>

#include "hark/core.h"
#include "hark/mime.h"
#include "../../src/providers/imap_int.h"

static void
test_status_degenerate(void **state)
{
	uint32_t v, n, m;

	(void)state;
	assert_int_equal(imap_parse_status("", &v, &n, &m), -1);
	assert_int_equal(imap_parse_status("* STATUS INBOX (MESSAGES 3)\r\n", &v, &n,
	    &m), -1);
	assert_int_equal(imap_parse_status("* STATUS INBOX (UIDVALIDITY 0)\r\n", &v,
	    &n, &m), -1);
}

static void
test_status(void **state)
{
	uint32_t v, n, m;

	(void)state;
	assert_int_equal(imap_parse_status("* STATUS \"Sent Items\" (MESSAGES 4 "
	    "UIDNEXT 12 UIDVALIDITY 1795448132)\r\n", &v, &n, &m), 0);
	assert_int_equal(v, 1795448132u);
	assert_int_equal(n, 12);
	assert_int_equal(m, 4);
	/* a value past 32 bits is refused, not wrapped */
	assert_int_equal(imap_parse_status("* STATUS INBOX (UIDVALIDITY "
	    "99999999999)\r\n", &v, &n, &m), -1);
}

static void
test_search(void **state)
{
	uint32_t *u;
	size_t n;

	(void)state;
	imap_parse_search("A3 OK done\r\n", 0, &u, &n);
	assert_int_equal(n, 0);
	assert_null(u);
	/* "5:*" answers the highest UID even when it is below 5: dropped */
	imap_parse_search("* SEARCH 9 3 7 3 2\r\n* SEARCH 11\r\n", 2, &u, &n);
	assert_int_equal(n, 4);
	assert_int_equal(u[0], 3);
	assert_int_equal(u[1], 7);
	assert_int_equal(u[2], 9);
	assert_int_equal(u[3], 11);
	free(u);
}

static void
test_sizes(void **state)
{
	uint32_t uids[3] = { 4, 8, 15 }, sizes[3];

	(void)state;
	imap_parse_sizes("* 1 FETCH (UID 8 RFC822.SIZE 1200)\r\n"
	    "* 2 FETCH (RFC822.SIZE 77 UID 15)\r\n"
	    "* 3 FETCH (UID 99 RFC822.SIZE 5)\r\n", uids, 3, sizes);
	assert_int_equal(sizes[0], 0);       /* not answered: fetched alone */
	assert_int_equal(sizes[1], 1200);
	assert_int_equal(sizes[2], 77);
}

static void
test_fetch(void **state)
{
	static const char ans[] =
	    "* 1 FETCH (UID 5 BODY[] {12}\r\n"
	    "Subject: a\r\n"
	    ")\r\n"
	    "* 2 FETCH (BODY[] {20}\r\n"
	    "A0004 OK not a tag\r\n"
	    " UID 6)\r\n"
	    "* 3 FETCH (FLAGS (\\Seen))\r\n"
	    "* 4 FETCH (UID 7 BODY[] {500}\r\n"
	    "cut short\r\n";
	struct imap_fetched *f;
	size_t n;

	(void)state;
	imap_parse_fetch("", 0, &f, &n);
	assert_int_equal(n, 0);
	imap_parse_fetch(ans, sizeof ans - 1, &f, &n);
	/* UID 7's literal is not whole: left for a fetch of its own */
	assert_int_equal(n, 2);
	assert_int_equal(f[0].uid, 5);
	assert_int_equal(f[0].len, 12);
	assert_memory_equal(f[0].data, "Subject: a\r\n", 12);
	/* a message line that looks like a tagged answer is only data */
	assert_int_equal(f[1].uid, 6);
	assert_int_equal(f[1].len, 20);
	assert_memory_equal(f[1].data, "A0004 OK not a tag\r\n", 20);
	free(f);
}

/* What mime_build writes, mime_parse reads back: ids, names, bytes. */
static void
test_build_round_trip(void **state)
{
	struct mime_attachment att = { NULL, "Prix été.bin", NULL };
	struct mime_message m;
	struct mime_out o;
	char *dir = test_tmpdir(), *path, *raw = NULL, *cause = NULL;
	unsigned char bytes[3000];
	size_t len, i;
	FILE *fp;

	(void)state;
	for (i = 0; i < sizeof bytes; i++)
		bytes[i] = (unsigned char)(i * 7);
	path = xasprintf("%s/a.bin", dir);
	fp = fopen(path, "wb");
	fwrite(bytes, 1, sizeof bytes, fp);
	fclose(fp);
	att.path = path;
	memset(&o, 0, sizeof o);
	o.from = "ann@example.com";
	o.from_name = "Ann Lee";
	o.to = "bob@example.org";
	o.subject = "Grüße";
	o.text = "Hello\nline two";
	o.html = "<p>Hello</p>";
	o.message_id = "x1@example.com";
	o.in_reply_to = "<p0@example.org>";
	o.refs = "r1@example.org p0@example.org";
	o.attachments = &att;
	o.nattachments = 1;
	assert_int_equal(mime_build(&o, &raw, &len, &cause), 0);
	assert_non_null(strstr(raw, "\r\n\r\n"));
	assert_non_null(strstr(raw, "References: <r1@example.org> <p0@example.org>"));
	assert_int_equal(mime_parse(raw, len, &m, &cause), 0);
	assert_string_equal(m.message_id, "x1@example.com");
	assert_string_equal(m.in_reply_to, "p0@example.org");
	assert_string_equal(m.subject, "Grüße");
	assert_string_equal(m.from_name, "Ann Lee");
	assert_non_null(m.html);
	assert_int_equal(m.nparts, 1);
	assert_string_equal(m.parts[0].filename, "Prix été.bin");
	assert_int_equal(m.parts[0].len, sizeof bytes);
	assert_memory_equal(m.parts[0].data, bytes, sizeof bytes);
	mime_message_clear(&m);
	free(raw);

	/* a file that is gone is named in the error */
	att.path = "/nonexistent/x.pdf";
	assert_int_equal(mime_build(&o, &raw, &len, &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/x.pdf"));
	free(cause);
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}

static void
test_message_id(void **state)
{
	char *a = mime_message_id_new("example.com"), *b = mime_message_id_new(NULL);

	(void)state;
	assert_non_null(strstr(a, "@example.com"));
	assert_non_null(strstr(b, "@hark.localhost"));
	assert_string_not_equal(a, b);
	assert_null(strchr(a, '<'));
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_degenerate),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_fetch),
		cmocka_unit_test(test_build_round_trip),
		cmocka_unit_test(test_message_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
