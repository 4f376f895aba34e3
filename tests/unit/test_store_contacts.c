/* test_store_contacts.c — contacts: identities, resolving what was typed, listing, tags, opt-outs. */

#include "harness.h"
#include "store_fx.h"
#include "hark/store.h"

static int64_t
add(struct store *st, const char *name)
{
	int64_t id;

	assert_int_equal(store_contact_add(st, name, &id, NULL), 0);
	return id;
}

static void
test_a_contact_needs_a_name(void **state)
{
	struct store_fx *fx = *state;
	struct store_contact c = { 0 };
	char *cause = NULL;
	int64_t id;

	assert_int_equal(store_contact_add(fx->st, "", &id, &cause), -1);
	assert_string_equal(cause, "cannot add contact: a contact needs a name");
	free(cause);
	cause = NULL;
	assert_int_equal(store_contact_get(fx->st, 1, &c, &cause), -1);
	assert_string_equal(cause, "no contact #1");
	free(cause);
	store_contact_clear(&c);
}

static void
test_an_address_belongs_to_one_contact(void **state)
{
	struct store_fx *fx = *state;
	int64_t ann = add(fx->st, "Ann Lee"), bob = add(fx->st, "Bob Roe"), found;
	char *cause = NULL;

	assert_int_equal(store_identity_add(fx->st, ann, STORE_ID_PHONE,
	    "+14155550100", "mobile", NULL), 0);
	assert_int_equal(store_identity_add(fx->st, ann, STORE_ID_PHONE,
	    "+14155550100", NULL, NULL), 0);
	assert_int_equal(store_identity_add(fx->st, bob, STORE_ID_PHONE,
	    "+14155550100", NULL, &cause), -1);
	assert_string_equal(cause, "cannot add address: +14155550100 already "
	    "belongs to Ann Lee (#1)");
	free(cause);
	cause = NULL;
	assert_int_equal(store_identity_add(fx->st, 77, STORE_ID_EMAIL, "a@b.c", NULL,
	    &cause), -1);
	assert_string_equal(cause, "cannot add address: no contact #77");
	free(cause);
	assert_int_equal(store_identity_add(fx->st, bob, STORE_ID_WHATSAPP,
	    "+14155550100", NULL, NULL), 0);
	assert_int_equal(store_contact_by_address(fx->st, STORE_ID_WHATSAPP,
	    "+14155550100", &found, NULL), 1);
	assert_int_equal(found, bob);
	assert_int_equal(store_contact_by_address(fx->st, STORE_ID_EMAIL,
	    "nobody@example.com", &found, NULL), 0);
	assert_int_equal(store_id_kind_for(HARK_CH_VOICE), STORE_ID_PHONE);
	assert_string_equal(store_id_kind_name(STORE_ID_WHATSAPP), "whatsapp");
}

static void
test_resolve_picks_one_contact_or_lists_the_choices(void **state)
{
	struct store_fx *fx = *state;
	int64_t ann = add(fx->st, "Ann Lee"), id;
	char *cause = NULL;

	add(fx->st, "Andy Roe");
	add(fx->st, "Anna Bell");
	assert_int_equal(store_identity_add(fx->st, ann, STORE_ID_EMAIL,
	    "ann@example.com", NULL, NULL), 0);

	assert_int_equal(store_contact_resolve(fx->st, "#2", &id, NULL), 0);
	assert_int_equal(id, 2);
	assert_int_equal(store_contact_resolve(fx->st, "ann@example.com", &id, NULL), 0);
	assert_int_equal(id, ann);
	assert_int_equal(store_contact_resolve(fx->st, "ANN LEE", &id, NULL), 0);
	assert_int_equal(id, ann);
	assert_int_equal(store_contact_resolve(fx->st, "anna", &id, NULL), 0);
	assert_int_equal(id, 3);

	assert_int_equal(store_contact_resolve(fx->st, "an", &id, &cause), -1);
	assert_string_equal(cause, "'an' matches 3 contacts: Andy Roe, Ann Lee, "
	    "Anna Bell");
	assert_int_equal(store_contact_resolve(fx->st, "zoe", &id, &cause), -1);
	assert_string_equal(cause, "no contact matches 'zoe'");
	assert_int_equal(store_contact_resolve(fx->st, "#9", &id, &cause), -1);
	assert_string_equal(cause, "no contact #9");
	assert_int_equal(store_contact_resolve(fx->st, "a%", &id, &cause), -1);
	assert_string_equal(cause, "no contact matches 'a%'");
	free(cause);
}

static void
test_ensure_creates_a_contact_for_a_new_number_once(void **state)
{
	struct store_fx *fx = *state;
	struct store_contact c = { 0 };
	int64_t id1, id2;
	int created;

	assert_int_equal(store_contact_ensure(fx->st, STORE_ID_PHONE, "+447700900123",
	    NULL, &id1, &created, NULL), 0);
	assert_int_equal(created, 1);
	assert_int_equal(store_contact_ensure(fx->st, STORE_ID_PHONE, "+447700900123",
	    "Someone", &id2, &created, NULL), 0);
	assert_int_equal(created, 0);
	assert_int_equal(id1, id2);
	assert_int_equal(store_contact_get(fx->st, id1, &c, NULL), 0);
	assert_string_equal(c.name, "+447700900123");
	assert_int_equal(c.nids, 1);
	assert_int_equal(c.ids[0].kind, STORE_ID_PHONE);
	assert_string_equal(c.ids[0].address, "+447700900123");
	assert_string_equal(c.conv_status, "open");
	store_contact_clear(&c);
}

static void
test_details_tags_and_fields_are_kept(void **state)
{
	struct store_fx *fx = *state;
	struct store_contact c = { 0 };
	int64_t ann = add(fx->st, "Ann Lee");
	char *cause = NULL;

	assert_int_equal(store_contact_update(fx->st, ann, NULL, "Acme", "VIP",
	    NULL), 0);
	assert_int_equal(store_contact_update(fx->st, ann, "Ann Lee-Roe", NULL, "",
	    NULL), 0);
	assert_int_equal(store_contact_tag(fx->st, ann, "lead", 1, NULL), 0);
	assert_int_equal(store_contact_tag(fx->st, ann, "buyer", 1, NULL), 0);
	assert_int_equal(store_contact_tag(fx->st, ann, "cold", 1, NULL), 0);
	assert_int_equal(store_contact_tag(fx->st, ann, "cold", 0, NULL), 0);
	assert_int_equal(store_contact_tag(fx->st, ann, "a,b", 1, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(store_contact_set_field(fx->st, ann, "budget", "5000",
	    NULL), 0);
	assert_int_equal(store_contact_set_field(fx->st, ann, "source", "fair",
	    NULL), 0);
	assert_int_equal(store_contact_set_field(fx->st, ann, "source", NULL,
	    NULL), 0);
	assert_int_equal(store_contact_update(fx->st, 99, "X", NULL, NULL, &cause), -1);
	assert_string_equal(cause, "cannot update contact: no contact #99");
	free(cause);

	assert_int_equal(store_contact_get(fx->st, ann, &c, NULL), 0);
	assert_string_equal(c.name, "Ann Lee-Roe");
	assert_string_equal(c.company, "Acme");
	assert_null(c.notes);
	assert_string_equal(c.tags, "buyer,lead");
	assert_string_equal(c.fields, "{\"budget\":\"5000\"}");
	store_contact_clear(&c);
}

struct names {
	int n;
	char name[8][32];
	unsigned channels[8];
	char tags[8][32];
	int nids[8];
};

static int
collect_contact(void *arg, const struct store_contact *c)
{
	struct names *ns = arg;

	snprintf(ns->name[ns->n], sizeof ns->name[0], "%s", c->name);
	snprintf(ns->tags[ns->n], sizeof ns->tags[0], "%s", c->tags);
	ns->channels[ns->n] = c->channels;
	ns->nids[ns->n] = c->nids;
	ns->n++;
	return 0;
}

static void
test_the_contact_list_puts_recent_conversations_first(void **state)
{
	struct store_fx *fx = *state;
	struct store_message m = { 0 };
	struct names ns = { 0 };
	int64_t zed = add(fx->st, "Zed"), id;

	add(fx->st, "bea");
	add(fx->st, "Abe");
	assert_int_equal(store_identity_add(fx->st, zed, STORE_ID_EMAIL, "z@x.org",
	    NULL, NULL), 0);
	assert_int_equal(store_contact_tag(fx->st, zed, "vip", 1, NULL), 0);
	m.contact_id = zed;
	m.channel = HARK_CH_WHATSAPP;
	m.provider = "twilio";
	m.body = "hola";
	m.status = HARK_ST_RECEIVED;
	m.created_at = 5000;
	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);

	assert_int_equal(store_contacts_each(fx->st, collect_contact, &ns, NULL), 0);
	assert_int_equal(ns.n, 3);
	assert_string_equal(ns.name[0], "Zed");
	assert_int_equal(ns.channels[0], 1u << HARK_CH_WHATSAPP);
	assert_string_equal(ns.tags[0], "vip");
	assert_int_equal(ns.nids[0], 1);
	assert_string_equal(ns.name[1], "Abe");
	assert_string_equal(ns.name[2], "bea");
	assert_int_equal(ns.channels[2], 0);
}

struct nested {
	struct store *st;
	int outer;
	int inner;
};

static int
count_inner(void *arg, const struct store_contact *c)
{
	((struct nested *)arg)->inner++;
	return 0;
}

static int
list_again(void *arg, const struct store_contact *c)
{
	struct nested *n = arg;

	n->outer++;
	assert_int_equal(store_contacts_each(n->st, count_inner, n, NULL), 0);
	return n->outer == 2;
}

static void
test_the_list_can_be_walked_again_from_inside_a_walk(void **state)
{
	struct store_fx *fx = *state;
	struct nested n = { fx->st, 0, 0 };

	add(fx->st, "Ann");
	add(fx->st, "Bob");
	add(fx->st, "Cy");
	assert_int_equal(store_contacts_each(fx->st, list_again, &n, NULL), 0);
	assert_int_equal(n.outer, 2);
	assert_int_equal(n.inner, 6);
}

static void
test_snoozing_needs_a_wake_up_time(void **state)
{
	struct store_fx *fx = *state;
	struct store_contact c = { 0 };
	int64_t ann = add(fx->st, "Ann");
	char *cause = NULL;

	assert_int_equal(store_conversation_set(fx->st, ann, "snoozed", 0, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(store_conversation_set(fx->st, ann, "later", 0, &cause), -1);
	free(cause);
	assert_int_equal(store_conversation_set(fx->st, ann, "snoozed", 99000, NULL), 0);
	assert_int_equal(store_contact_get(fx->st, ann, &c, NULL), 0);
	assert_string_equal(c.conv_status, "snoozed");
	assert_int_equal(c.snooze_until, 99000);
	store_contact_clear(&c);
	assert_int_equal(store_conversation_set(fx->st, ann, "done", 0, NULL), 0);
	assert_int_equal(store_contact_get(fx->st, ann, &c, NULL), 0);
	assert_string_equal(c.conv_status, "done");
	assert_int_equal(c.snooze_until, 0);
	store_contact_clear(&c);
}

static void
test_an_opted_out_number_stays_opted_out_until_cleared(void **state)
{
	struct store_fx *fx = *state;
	char *why = NULL;

	assert_int_equal(store_optout_check(fx->st, HARK_CH_SMS, "+14155550100", &why,
	    NULL), 0);
	assert_null(why);
	assert_int_equal(store_optout_set(fx->st, HARK_CH_SMS, "+14155550100",
	    "keyword", "STOP", 1000, NULL), 0);
	assert_int_equal(store_optout_check(fx->st, HARK_CH_SMS, "+14155550100", &why,
	    NULL), 1);
	assert_string_equal(why, "keyword: STOP");
	free(why);
	assert_int_equal(store_optout_check(fx->st, HARK_CH_WHATSAPP, "+14155550100",
	    NULL, NULL), 0);
	assert_int_equal(store_optout_clear(fx->st, HARK_CH_SMS, "+14155550100",
	    NULL), 0);
	assert_int_equal(store_optout_check(fx->st, HARK_CH_SMS, "+14155550100", NULL,
	    NULL), 0);
}

struct prefs_seen {
	int n;
	int64_t ids[4];
	int caps[4];
	char *fallback[4];
};

static int
prefs_note(void *arg, const struct store_prefs *p)
{
	struct prefs_seen *s = arg;

	s->ids[s->n] = p->contact_id;
	s->caps[s->n] = p->cap_days;
	s->fallback[s->n++] = p->fallback != NULL ? xstrdup(p->fallback) : NULL;
	return 0;
}

static void
test_preferences_are_walked_in_one_pass_by_contact(void **state)
{
	struct store_fx *fx = *state;
	int64_t ann = add(fx->st, "Ann Lee"), bob = add(fx->st, "Bob Roe");
	struct store_prefs p = { 0 }, got;
	struct prefs_seen seen = { 0 };

	add(fx->st, "Cy Doe");
	assert_int_equal(store_prefs_each(fx->st, prefs_note, &seen, NULL), 0);
	assert_int_equal(seen.n, 0);
	store_prefs_clear(&p);
	p.contact_id = bob;
	p.cap = 3;
	p.cap_days = 7;
	assert_int_equal(store_prefs_set(fx->st, &p, NULL), 0);
	p.contact_id = ann;
	p.cap = 0;
	p.fallback = "sms,email";
	assert_int_equal(store_prefs_set(fx->st, &p, NULL), 0);
	assert_int_equal(store_prefs_each(fx->st, prefs_note, &seen, NULL), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.ids[0], ann);
	assert_string_equal(seen.fallback[0], "sms,email");
	assert_int_equal(seen.caps[0], 0);
	assert_int_equal(seen.ids[1], bob);
	assert_null(seen.fallback[1]);
	assert_int_equal(seen.caps[1], 7);
	free(seen.fallback[0]);
	/* The one-contact read gives the same row. */
	assert_int_equal(store_prefs_get(fx->st, ann, &got, NULL), 1);
	assert_int_equal(got.contact_id, ann);
	assert_string_equal(got.fallback, "sms,email");
	assert_int_equal(got.quiet_start, -1);
	store_prefs_clear(&got);
}

#define T(f) store_fx_test(f)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_a_contact_needs_a_name),
		T(test_an_address_belongs_to_one_contact),
		T(test_resolve_picks_one_contact_or_lists_the_choices),
		T(test_ensure_creates_a_contact_for_a_new_number_once),
		T(test_details_tags_and_fields_are_kept),
		T(test_the_contact_list_puts_recent_conversations_first),
		T(test_the_list_can_be_walked_again_from_inside_a_walk),
		T(test_snoozing_needs_a_wake_up_time),
		T(test_an_opted_out_number_stays_opted_out_until_cleared),
		T(test_preferences_are_walked_in_one_pass_by_contact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
