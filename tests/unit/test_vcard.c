/* test_vcard.c — vCard 3.0 / 4.0 reading (src/cli/vcard.c). */

#include "harness.h"

#include "hark/util.h"

#include "../../src/cli/vcard.h"

static int
parse(const char *s, struct vcard **cards)
{
	return vcard_parse(s, strlen(s), cards);
}

static void
test_empty_input(void **state)
{
	struct vcard *cards = NULL;

	(void)state;
	assert_int_equal(parse("", &cards), 0);
	vcard_free_all(cards, 0);
	assert_false(vcard_detect("", 0));
	assert_int_equal(parse("just some text\nno cards\n", &cards), 0);
	vcard_free_all(cards, 0);
}

static void
test_detect(void **state)
{
	const char *v = "\r\n  begin:vcard\r\n";
	const char *c = "name,phone\n";

	(void)state;
	assert_true(vcard_detect(v, strlen(v)));
	assert_false(vcard_detect(c, strlen(c)));
	assert_false(vcard_detect("BEGIN:VCAR", 10));
}

static void
test_v3_card(void **state)
{
	const char *s =
	    "BEGIN:VCARD\r\n"
	    "VERSION:3.0\r\n"
	    "N:Lee;Ann;;;\r\n"
	    "FN:Ann Lee\r\n"
	    "ORG:Lee Roofing\\, Inc.;Sales\r\n"
	    "TEL;TYPE=CELL,VOICE:+1 (415) 555-2671\r\n"
	    "TEL;TYPE=WORK:020 7946 0958\r\n"
	    "EMAIL;TYPE=INTERNET,PREF:ann@example.com\r\n"
	    "EMAIL:ann.lee@example.org\r\n"
	    "NOTE:Met at the fair\\nCall mornings\r\n"
	    "CATEGORIES:vip,lead\r\n"
	    "END:VCARD\r\n";
	struct vcard *cards;

	(void)state;
	assert_int_equal(parse(s, &cards), 1);
	assert_null(cards[0].error);
	assert_int_equal(cards[0].line, 1);
	assert_string_equal(vcard_name(&cards[0]), "Ann Lee");
	assert_string_equal(cards[0].n, "Ann Lee");
	assert_string_equal(cards[0].org, "Lee Roofing, Inc.");
	assert_string_equal(cards[0].note, "Met at the fair\nCall mornings");
	assert_int_equal(cards[0].ntels, 2);
	assert_string_equal(cards[0].tels[0].value, "+1 (415) 555-2671");
	assert_string_equal(cards[0].tels[0].type, "cell");
	assert_string_equal(cards[0].tels[1].type, "work");
	assert_int_equal(cards[0].nemails, 2);
	assert_string_equal(cards[0].emails[0].value, "ann@example.com");
	assert_null(cards[0].emails[0].type);
	assert_string_equal(cards[0].emails[1].value, "ann.lee@example.org");
	assert_int_equal(cards[0].ncategories, 2);
	assert_string_equal(cards[0].categories[1], "lead");
	vcard_free_all(cards, 1);
}

static void
test_v4_card_with_uris_and_groups(void **state)
{
	const char *s =
	    "BEGIN:VCARD\n"
	    "VERSION:4.0\n"
	    "FN:Bo Diaz\n"
	    "TEL;VALUE=uri;TYPE=\"cell,voice\":tel:+1-415-555-0100;ext=12\n"
	    "item1.EMAIL;TYPE=work:bo@example.com\n"
	    "END:VCARD\n";
	struct vcard *cards;

	(void)state;
	assert_int_equal(parse(s, &cards), 1);
	assert_string_equal(cards[0].fn, "Bo Diaz");
	assert_int_equal(cards[0].ntels, 1);
	assert_string_equal(cards[0].tels[0].value, "+1-415-555-0100");
	assert_string_equal(cards[0].tels[0].type, "cell");
	assert_int_equal(cards[0].nemails, 1);
	assert_string_equal(cards[0].emails[0].type, "work");
	vcard_free_all(cards, 1);
}

static void
test_folded_lines(void **state)
{
	const char *s =
	    "BEGIN:VCARD\r\n"
	    "VERSION:3.0\r\n"
	    "FN:Cara Long\r\n"
	    " name-Smith\r\n"
	    "NOTE:one \r\n"
	    "\ttwo\r\n"
	    "END:VCARD\r\n"
	    "BEGIN:VCARD\r\n"
	    "FN:Second\r\n"
	    "END:VCARD\r\n";
	struct vcard *cards;

	(void)state;
	assert_int_equal(parse(s, &cards), 2);
	assert_string_equal(cards[0].fn, "Cara Longname-Smith");
	assert_string_equal(cards[0].note, "one two");
	assert_int_equal(cards[1].line, 8);   /* physical lines, folds included */
	assert_string_equal(cards[1].fn, "Second");
	vcard_free_all(cards, 2);
}

static void
test_name_from_n_and_v21_types(void **state)
{
	const char *s =
	    "BEGIN:VCARD\n"
	    "VERSION:2.1\n"
	    "N:Okafor;Dee\n"
	    "TEL;CELL:+447700900123\n"
	    "END:VCARD\n";
	struct vcard *cards;

	(void)state;
	assert_int_equal(parse(s, &cards), 1);
	assert_null(cards[0].fn);
	assert_string_equal(vcard_name(&cards[0]), "Dee Okafor");
	assert_string_equal(cards[0].tels[0].type, "cell");
	vcard_free_all(cards, 1);
}

/* What hark export writes beyond the usual: WhatsApp as IMPP, custom
 * fields as X-HARK-FIELD:name;value with escaped separators. */
static void
test_hark_whatsapp_and_fields(void **state)
{
	const char *text =
	    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann Lee\r\n"
	    "IMPP;X-SERVICE-TYPE=WhatsApp;TYPE=work:whatsapp:+14155552671\r\n"
	    "IMPP:xmpp:ann@example.com\r\n"
	    "X-HARK-FIELD:site\\; gate;north\\, rear\r\n"
	    "X-HARK-FIELD:birthday;1984-03-02\r\n"
	    "X-HARK-FIELD:no value\r\n"
	    "END:VCARD\r\n";
	struct vcard *cards = NULL;

	(void)state;
	assert_int_equal(parse(text, &cards), 1);
	assert_int_equal(cards[0].nwhatsapps, 1);
	assert_string_equal(cards[0].whatsapps[0].value, "+14155552671");
	assert_string_equal(cards[0].whatsapps[0].type, "work");
	assert_int_equal(cards[0].nfields, 2);
	assert_string_equal(cards[0].field_keys[0], "site; gate");
	assert_string_equal(cards[0].field_values[0], "north, rear");
	assert_string_equal(cards[0].field_keys[1], "birthday");
	assert_string_equal(cards[0].field_values[1], "1984-03-02");
	vcard_free_all(cards, 1);
}

static void
test_unterminated_card(void **state)
{
	const char *s =
	    "BEGIN:VCARD\nFN:Open\n"
	    "BEGIN:VCARD\nFN:Fine\nEND:VCARD\n"
	    "BEGIN:VCARD\nFN:Cut off\n";
	struct vcard *cards;

	(void)state;
	assert_int_equal(parse(s, &cards), 3);
	assert_non_null(cards[0].error);
	assert_null(cards[1].error);
	assert_string_equal(cards[1].fn, "Fine");
	assert_non_null(cards[2].error);
	assert_int_equal(cards[2].line, 6);
	vcard_free_all(cards, 3);
}

static void
test_garbage_lines_ignored(void **state)
{
	const char *s =
	    "BEGIN:VCARD\nno colon here\nX-THING;=:\nEMAIL:\nFN:\nFN:Real\nEND:VCARD";
	struct vcard *cards;

	(void)state;
	assert_int_equal(parse(s, &cards), 1);
	assert_null(cards[0].error);
	assert_string_equal(cards[0].fn, "Real");
	assert_int_equal(cards[0].nemails, 0);
	vcard_free_all(cards, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_v3_card),
		cmocka_unit_test(test_v4_card_with_uris_and_groups),
		cmocka_unit_test(test_hark_whatsapp_and_fields),
		cmocka_unit_test(test_folded_lines),
		cmocka_unit_test(test_name_from_n_and_v21_types),
		cmocka_unit_test(test_unterminated_card),
		cmocka_unit_test(test_garbage_lines_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
