/* test_field.c — editing UTF-8 text at a byte cursor (src/tui/field.c), as the composer and the : line do. */

#include "harness.h"

#include "tui_int.h"

/* Degenerate: an empty field never allocated. */
static void
test_empty(void **state)
{
	struct hbuf b = HBUF_INIT;
	size_t cur = 0;

	assert_int_equal(field_prev(&b, 0), 0);
	assert_int_equal(field_next(&b, 0), 0);
	field_delete(&b, 0, 0);
	field_delete(&b, 0, 5);
	assert_int_equal(b.len, 0);
	field_insert(&b, &cur, "a", 1);
	assert_string_equal(hbuf_str(&b), "a");
	assert_int_equal(cur, 1);
	hbuf_free(&b);
}

/* The cursor steps over whole characters; inserts and deletes keep the rest. */
static void
test_utf8(void **state)
{
	struct hbuf b = HBUF_INIT;
	size_t cur = 0, at;

	hbuf_adds(&b, "añb€");           /* a, ñ (2 bytes), b, € (3 bytes) */
	assert_int_equal(field_next(&b, 0), 1);
	assert_int_equal(field_next(&b, 1), 3);
	assert_int_equal(field_next(&b, 4), 7);
	assert_int_equal(field_next(&b, 7), 7);
	assert_int_equal(field_prev(&b, 7), 4);
	assert_int_equal(field_prev(&b, 3), 1);
	cur = 3;
	field_insert(&b, &cur, "é", 2);
	assert_string_equal(hbuf_str(&b), "añéb€");
	assert_int_equal(cur, 5);
	at = field_prev(&b, cur);
	field_delete(&b, at, cur);         /* backspace */
	assert_string_equal(hbuf_str(&b), "añb€");
	field_delete(&b, 4, field_next(&b, 4)); /* delete the € */
	assert_string_equal(hbuf_str(&b), "añb");
	assert_int_equal(b.len, 4);
	field_delete(&b, 3, 99);           /* past the end: up to it */
	assert_string_equal(hbuf_str(&b), "añ");
	hbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
