/* test_csv.c — RFC 4180 reading and writing (src/cli/csv.c). */

#include "harness.h"

#include "hark/util.h"

#include "../../src/cli/csv.h"

/* Reads every record of s; returns how many, keeping the last in rec. */
static int
read_all(const char *s, struct csv_record *rec, char **cause)
{
	struct csv_reader r;
	struct csv_record cur = { 0 };
	int n = 0, rc;

	csv_reader_init(&r, s, strlen(s));
	while ((rc = csv_read_record(&r, &cur, cause)) == 1) {
		csv_record_clear(rec);
		*rec = cur;
		memset(&cur, 0, sizeof cur);
		n++;
	}
	csv_record_clear(&cur);
	return rc < 0 ? -1 : n;
}

static void
test_empty_input(void **state)
{
	struct csv_reader r;
	struct csv_record rec = { 0 };

	(void)state;
	csv_reader_init(&r, "", 0);
	assert_int_equal(csv_read_record(&r, &rec, NULL), 0);
	assert_int_equal(rec.n, 0);
	csv_record_clear(&rec);
}

static void
test_simple_records(void **state)
{
	struct csv_reader r;
	struct csv_record rec = { 0 };
	const char *s = "name,phone\nAnn,+14155552671\n";

	(void)state;
	csv_reader_init(&r, s, strlen(s));
	assert_int_equal(csv_read_record(&r, &rec, NULL), 1);
	assert_int_equal(rec.n, 2);
	assert_string_equal(rec.fields[0], "name");
	assert_int_equal(rec.line, 1);
	assert_int_equal(csv_read_record(&r, &rec, NULL), 1);
	assert_string_equal(rec.fields[1], "+14155552671");
	assert_int_equal(rec.line, 2);
	assert_int_equal(csv_read_record(&r, &rec, NULL), 0);
	csv_record_clear(&rec);
}

static void
test_quotes_commas_newlines(void **state)
{
	struct csv_reader r;
	struct csv_record rec = { 0 };
	const char *s = "\"Lee, Ann\",\"says \"\"hi\"\"\",\"two\r\nlines\"\r\nnext,x\r\n";

	(void)state;
	csv_reader_init(&r, s, strlen(s));
	assert_int_equal(csv_read_record(&r, &rec, NULL), 1);
	assert_int_equal(rec.n, 3);
	assert_string_equal(rec.fields[0], "Lee, Ann");
	assert_string_equal(rec.fields[1], "says \"hi\"");
	assert_string_equal(rec.fields[2], "two\r\nlines");
	assert_int_equal(csv_read_record(&r, &rec, NULL), 1);
	assert_int_equal(rec.line, 3);   /* the quoted line break counts */
	assert_string_equal(rec.fields[0], "next");
	csv_record_clear(&rec);
}

static void
test_empty_fields_and_no_final_newline(void **state)
{
	struct csv_record rec = { 0 };

	(void)state;
	assert_int_equal(read_all("a,,b,", &rec, NULL), 1);
	assert_int_equal(rec.n, 4);
	assert_string_equal(rec.fields[1], "");
	assert_string_equal(rec.fields[3], "");
	assert_int_equal(read_all("\"\",x", &rec, NULL), 1);
	assert_string_equal(rec.fields[0], "");
	csv_record_clear(&rec);
}

static void
test_blank_line_and_bom(void **state)
{
	struct csv_reader r;
	struct csv_record rec = { 0 };
	const char *s = "\xef\xbb\xbfname\n\nAnn\n";

	(void)state;
	csv_reader_init(&r, s, strlen(s));
	assert_int_equal(csv_read_record(&r, &rec, NULL), 1);
	assert_string_equal(rec.fields[0], "name");
	assert_int_equal(csv_read_record(&r, &rec, NULL), 1);
	assert_true(csv_record_blank(&rec));
	assert_int_equal(csv_read_record(&r, &rec, NULL), 1);
	assert_false(csv_record_blank(&rec));
	assert_int_equal(rec.line, 3);
	csv_record_clear(&rec);
}

static void
test_unterminated_quote(void **state)
{
	struct csv_record rec = { 0 };
	char *cause = NULL;

	(void)state;
	assert_int_equal(read_all("a\nb,\"open\nstill open", &rec, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "line 2"));
	free(cause);
	csv_record_clear(&rec);
}

static void
test_lenient_stray_quotes(void **state)
{
	struct csv_record rec = { 0 };

	(void)state;
	assert_int_equal(read_all("5\" pipe,\"a\"b\n", &rec, NULL), 1);
	assert_string_equal(rec.fields[0], "5\" pipe");
	assert_string_equal(rec.fields[1], "ab");
	csv_record_clear(&rec);
}

static void
test_write_round_trip(void **state)
{
	const char *in[] = { "plain", "a,b", "say \"x\"", "l1\nl2", "" };
	struct hbuf b = HBUF_INIT;
	struct csv_record rec = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < HARK_NELEM(in); i++) {
		if (i > 0)
			hbuf_addc(&b, ',');
		csv_write_field(&b, in[i]);
	}
	csv_end_record(&b);
	assert_string_equal(hbuf_str(&b),
	    "plain,\"a,b\",\"say \"\"x\"\"\",\"l1\nl2\",\r\n");
	assert_int_equal(read_all(hbuf_str(&b), &rec, NULL), 1);
	assert_int_equal(rec.n, HARK_NELEM(in));
	for (i = 0; i < HARK_NELEM(in); i++)
		assert_string_equal(rec.fields[i], in[i]);
	csv_record_clear(&rec);
	hbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_simple_records),
		cmocka_unit_test(test_quotes_commas_newlines),
		cmocka_unit_test(test_empty_fields_and_no_final_newline),
		cmocka_unit_test(test_blank_line_and_bom),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_lenient_stray_quotes),
		cmocka_unit_test(test_write_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
