/* test_store_templates.c — the template library: save, versions, lookups, listing, history, soft delete. */

#include "harness.h"
#include "store_fx.h"

#include <cjson/cJSON.h>

#include "hark/engine.h"
#include "hark/store.h"
#include "hark/template.h"

static struct store_template
tpl(const char *name, const char *category, const char *sms)
{
	struct store_template t = { 0 };

	t.name = (char *)name;
	t.category = (char *)category;
	t.sms_body = (char *)sms;
	return t;
}

static int
save(struct store *st, struct store_template t, int *version)
{
	char *cause = NULL;
	int rc = store_template_save(st, &t, version, &cause);

	if (rc < 0)
		fail_msg("save '%s': %s", t.name, cause);
	return rc;
}

/* "name:version" of each template fn sees, space-separated. */
static int
collect(void *arg, const struct store_template *t)
{
	hbuf_printf(arg, "%s:%d ", t->name, t->version);
	return 0;
}

static int
stop_first(void *arg, const struct store_template *t)
{
	(*(int *)arg)++;
	return 1;
}

static void
test_degenerate(void **state)
{
	struct store_fx *fx = *state;
	struct store_template t = { 0 };
	struct hbuf b = HBUF_INIT;
	char *cause = NULL;

	assert_int_equal(store_template_save(fx->st, &t, NULL, &cause), -1);
	assert_string_equal(cause, "cannot save template: it needs a name");
	t = tpl("  ", NULL, "x");
	assert_int_equal(store_template_save(fx->st, &t, NULL, &cause), -1);
	assert_string_equal(cause, "cannot save template: it needs a name");
	t = tpl("a\nb", NULL, "x");
	assert_int_equal(store_template_save(fx->st, &t, NULL, &cause), -1);
	assert_string_equal(cause, "cannot save template: a name is one line");
	t = tpl("empty", NULL, "");
	t.email_subject = "Only a subject";
	assert_int_equal(store_template_save(fx->st, &t, NULL, &cause), -1);
	assert_string_equal(cause, "template 'empty' has no body for any channel");
	assert_int_equal(store_template_get(fx->st, "nope", 0, &t, &cause), -1);
	assert_string_equal(cause, "no template 'nope'");
	assert_int_equal(store_template_get(fx->st, NULL, 0, &t, &cause), -1);
	assert_int_equal(store_template_history(fx->st, "nope", collect, &b, &cause), -1);
	assert_string_equal(cause, "no template 'nope'");
	assert_int_equal(store_template_delete(fx->st, "nope", &cause), -1);
	assert_string_equal(cause, "no template 'nope'");
	assert_int_equal(store_template_get_version(fx->st, 99, &t, &cause), -1);
	assert_string_equal(cause, "no template version #99");
	assert_int_equal(store_templates_each(fx->st, collect, &b, NULL), 0);
	assert_string_equal(hbuf_str(&b), "");
	store_template_clear(&t);
	free(cause);
	hbuf_free(&b);
}

static void
test_syntax_refused(void **state)
{
	struct store_fx *fx = *state;
	struct store_template t = tpl("bad", NULL, "Hi {{first_name|there}}");
	char *cause = NULL;

	t.email_text = "Dear {{name";
	assert_int_equal(store_template_save(fx->st, &t, NULL, &cause), -1);
	assert_string_equal(cause, "template 'bad': email text: line 1, column 6:"
	    " unclosed tag '{{name'");
	assert_int_equal(store_template_get(fx->st, "bad", 0, &t, NULL), -1);
	free(cause);
}

static void
test_versions(void **state)
{
	struct store_fx *fx = *state;
	struct store_template t = tpl("follow-up", "sales", "Hi {{first_name|there}}");
	struct store_template got = { 0 };
	struct hbuf b = HBUF_INIT;
	int64_t v1_id;
	int version = 0;
	char *cause = NULL;

	t.email_subject = "Following up";
	t.email_text = "";
	assert_int_equal(save(fx->st, t, &version), 1);
	assert_int_equal(version, 1);
	/* The same content again writes nothing. */
	assert_int_equal(save(fx->st, t, &version), 0);
	assert_int_equal(version, 1);
	assert_int_equal(store_template_get(fx->st, "follow-up", 0, &got, NULL), 0);
	assert_int_equal(got.version, 1);
	assert_string_equal(got.category, "sales");
	assert_string_equal(got.sms_body, "Hi {{first_name|there}}");
	assert_string_equal(got.email_subject, "Following up");
	assert_null(got.email_text);     /* "" is stored as no body */
	assert_null(got.whatsapp_body);
	assert_true(got.created_at > 0);
	v1_id = got.version_id;
	store_template_clear(&got);

	/* An edit adds a version; the category is kept when not given. */
	t.category = NULL;
	t.sms_body = "Hi {{first_name|there}}, any questions?";
	assert_int_equal(save(fx->st, t, &version), 1);
	assert_int_equal(version, 2);
	assert_int_equal(store_template_get(fx->st, "follow-up", 0, &got, NULL), 0);
	assert_int_equal(got.version, 2);
	assert_string_equal(got.category, "sales");
	assert_true(got.version_id != v1_id);
	store_template_clear(&got);
	assert_int_equal(store_template_get(fx->st, "follow-up", 1, &got, NULL), 0);
	assert_string_equal(got.sms_body, "Hi {{first_name|there}}");
	store_template_clear(&got);
	assert_int_equal(store_template_get(fx->st, "follow-up", 3, &got, &cause), -1);
	assert_string_equal(cause, "template 'follow-up' has no version 3 (latest is 2)");

	/* A category change alone is not a new version. */
	t.category = "leads";
	assert_int_equal(save(fx->st, t, &version), 0);
	assert_int_equal(version, 2);
	assert_int_equal(store_template_get(fx->st, "follow-up", 0, &got, NULL), 0);
	assert_string_equal(got.category, "leads");
	store_template_clear(&got);

	assert_int_equal(store_template_history(fx->st, "follow-up", collect, &b, NULL), 0);
	assert_string_equal(hbuf_str(&b), "follow-up:2 follow-up:1 ");
	assert_int_equal(store_template_get_version(fx->st, v1_id, &got, NULL), 0);
	assert_int_equal(got.version, 1);
	assert_string_equal(got.name, "follow-up");
	store_template_clear(&got);
	free(cause);
	hbuf_free(&b);
}

static void
test_list_order(void **state)
{
	struct store_fx *fx = *state;
	struct hbuf b = HBUF_INIT;
	int n = 0;

	save(fx->st, tpl("zeta", "Sales", "z"), NULL);
	save(fx->st, tpl("alpha", "sales", "a"), NULL);
	save(fx->st, tpl("loose", NULL, "l"), NULL);
	save(fx->st, tpl("Booking", "bookings", "b"), NULL);
	save(fx->st, tpl("alpha", NULL, "a2"), NULL);
	assert_int_equal(store_templates_each(fx->st, collect, &b, NULL), 0);
	assert_string_equal(hbuf_str(&b), "loose:1 Booking:1 alpha:2 zeta:1 ");
	assert_int_equal(store_templates_each(fx->st, stop_first, &n, NULL), 0);
	assert_int_equal(n, 1);
	hbuf_free(&b);
}

static void
test_delete(void **state)
{
	struct store_fx *fx = *state;
	struct store_template got = { 0 };
	struct hbuf b = HBUF_INIT;
	int64_t vid;
	int version;
	char *cause = NULL;

	save(fx->st, tpl("ooo", "auto", "Away until Monday"), NULL);
	save(fx->st, tpl("keep", "auto", "Here"), NULL);
	assert_int_equal(store_template_get(fx->st, "ooo", 0, &got, NULL), 0);
	vid = got.version_id;
	store_template_clear(&got);
	assert_int_equal(store_template_delete(fx->st, "ooo", NULL), 0);
	assert_int_equal(store_template_delete(fx->st, "ooo", &cause), -1);
	assert_string_equal(cause, "no template 'ooo'");
	assert_int_equal(store_template_get(fx->st, "ooo", 0, &got, &cause), -1);
	assert_string_equal(cause, "no template 'ooo'");
	assert_int_equal(store_templates_each(fx->st, collect, &b, NULL), 0);
	assert_string_equal(hbuf_str(&b), "keep:1 ");
	/* Messages that used it can still show it. */
	assert_int_equal(store_template_get_version(fx->st, vid, &got, NULL), 0);
	assert_string_equal(got.sms_body, "Away until Monday");
	store_template_clear(&got);
	hbuf_reset(&b);
	assert_int_equal(store_template_history(fx->st, "ooo", collect, &b, NULL), 0);
	assert_string_equal(hbuf_str(&b), "ooo:1 ");
	/* Saving the name again revives it as the next version, even unchanged. */
	assert_int_equal(save(fx->st, tpl("ooo", NULL, "Away until Monday"), &version), 1);
	assert_int_equal(version, 2);
	assert_int_equal(store_template_get(fx->st, "ooo", 0, &got, NULL), 0);
	assert_string_equal(got.category, "auto");
	store_template_clear(&got);
	free(cause);
	hbuf_free(&b);
}

/* Inside a caller's transaction a save is undone with it. */
static void
test_in_transaction(void **state)
{
	struct store_fx *fx = *state;
	struct store_template got = { 0 };

	assert_int_equal(store_begin(fx->st, NULL), 0);
	save(fx->st, tpl("tx", NULL, "x"), NULL);
	store_rollback(fx->st);
	assert_int_equal(store_template_get(fx->st, "tx", 0, &got, NULL), -1);
	assert_int_equal(store_begin(fx->st, NULL), 0);
	save(fx->st, tpl("tx", NULL, "x"), NULL);
	assert_int_equal(store_commit(fx->st, NULL), 0);
	assert_int_equal(store_template_get(fx->st, "tx", 0, &got, NULL), 0);
	store_template_clear(&got);
}

struct demo_check {
	cJSON *full;
	cJSON *bare;
	struct hbuf missing;  /* "template: names" for the bare contact */
	int n;
};

/* Renders one body for a full and a bare contact; returns the full text. */
static char *
demo_render(struct demo_check *dc, const char *name, const char *body)
{
	struct template_opts o = { TEMPLATE_PREVIEW, 0 };
	struct template_out out = { 0 };
	struct template *t;
	char *cause = NULL, *text;
	int i;

	if (body == NULL)
		return NULL;
	if ((t = template_parse(body, strlen(body), &cause)) == NULL)
		fail_msg("%s: %s", name, cause);
	if (template_render(t, dc->full, NULL, &out, &cause) != 0)
		fail_msg("%s: %s", name, cause);
	text = out.text;
	out.text = NULL;
	template_out_clear(&out);
	assert_int_equal(template_render(t, dc->bare, &o, &out, NULL), 0);
	for (i = 0; i < out.nmissing; i++)
		hbuf_printf(&dc->missing, "%s:%s ", name, out.missing[i].name);
	template_out_clear(&out);
	template_free(t);
	return text;
}

static int
demo_each(void *arg, const struct store_template *t)
{
	struct demo_check *dc = arg;
	const char *bodies[] = { t->sms_body, t->whatsapp_body, t->email_subject,
	    t->email_text, t->email_html };
	char *text;
	size_t i;

	dc->n++;
	assert_non_null(t->sms_body);
	assert_non_null(t->whatsapp_body);
	assert_non_null(t->email_subject);
	assert_non_null(t->email_text);
	for (i = 0; i < HARK_NELEM(bodies); i++) {
		text = demo_render(dc, t->name, bodies[i]);
		if (text != NULL && strcmp(t->name, "booking-confirmation") == 0 && i == 0)
			assert_string_equal(text, "Hi Maria, you're booked for Friday"
			    " 4 December at 5:30 PM at 14 Elm St. Reply here if you need"
			    " to change it. Sam");
		if (text != NULL && strcmp(t->name, "payment-reminder") == 0 && i == 0)
			assert_string_equal(text, "Hi Maria, a friendly reminder that"
			    " invoice INV-1042 for $240.00 is due 12 Dec. Thank you! Sam");
		free(text);
	}
	return 0;
}

/* The demo's library saves once, renders for a known contact, and asks a
 * bare one only for the few fields it needs. */
static void
test_demo_templates(void **state)
{
	struct store_fx *fx = *state;
	struct demo_check dc = { 0 };
	struct hbuf b = HBUF_INIT;
	char *cause = NULL;

	if (engine_demo_templates(fx->st, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(engine_demo_templates(fx->st, NULL), 0);
	assert_int_equal(store_templates_each(fx->st, collect, &b, NULL), 0);
	assert_string_equal(hbuf_str(&b), "review-request:1 out-of-office:1"
	    " payment-reminder:1 booking-confirmation:1 viewing-reminder:1"
	    " repair-ready:1 follow-up:1 quote-sent:1 ");
	dc.full = cJSON_Parse("{\"first_name\":\"Maria\",\"name\":\"Maria Garcia\","
	    "\"company\":\"Garcia Homes\",\"my_name\":\"Sam\",\"my_company\":"
	    "\"Elm Realty\",\"appointment\":\"2026-12-04T17:30:00\",\"address\":"
	    "\"14 Elm St\",\"device\":\"iPhone 13\",\"amount\":240,\"quote_amount\":"
	    "\"1200\",\"valid_until\":\"2026-12-31\",\"review_link\":"
	    "\"https://example.com/r\",\"property\":\"14 Elm St\",\"viewing_at\":"
	    "\"2026-12-04T17:30:00Z\",\"invoice\":\"INV-1042\",\"due_date\":"
	    "\"2026-12-12\",\"return_date\":\"2026-12-08\"}");
	dc.bare = cJSON_Parse("{\"my_name\":\"Sam\"}");
	assert_int_equal(store_templates_each(fx->st, demo_each, &dc, NULL), 0);
	assert_int_equal(dc.n, 8);
	assert_string_equal(hbuf_str(&dc.missing),
	    "payment-reminder:amount payment-reminder:due_date"
	    " payment-reminder:amount payment-reminder:due_date"
	    " payment-reminder:amount payment-reminder:due_date"
	    " viewing-reminder:viewing_at viewing-reminder:viewing_at"
	    " viewing-reminder:viewing_at ");
	cJSON_Delete(dc.full);
	cJSON_Delete(dc.bare);
	hbuf_free(&dc.missing);
	hbuf_free(&b);
	free(cause);
}

/*
 * Variants are kept with their version: saving the same variants again adds
 * nothing, changing a weight alone adds a version, and the old version keeps
 * its own variants for the messages that used it.
 */
static void
test_variants(void **state)
{
	struct store_fx *fx = *state;
	struct store_template t = tpl("promo", "sales", "Hi {{first_name|there}}");
	struct store_template got = { 0 };
	struct store_variant v[2];
	int64_t v1_id;
	int version = 0;

	memset(v, 0, sizeof v);
	v[0].name = "B";
	v[0].weight = 3;
	v[0].sms_body = "Hey {{first_name|there}}, 20% off this week";
	v[1].name = "A";
	v[1].weight = 1;
	t.variants = v;
	t.nvariants = 2;
	assert_int_equal(save(fx->st, t, &version), 1);
	assert_int_equal(version, 1);
	assert_int_equal(save(fx->st, t, &version), 0);
	assert_int_equal(store_template_get(fx->st, "promo", 0, &got, NULL), 0);
	assert_int_equal(got.nvariants, 2);
	/* Ordered by name, whatever the order saved. */
	assert_string_equal(got.variants[0].name, "A");
	assert_int_equal(got.variants[0].weight, 1);
	assert_null(got.variants[0].sms_body);
	assert_string_equal(got.variants[1].name, "B");
	assert_int_equal(got.variants[1].weight, 3);
	assert_string_equal(got.variants[1].sms_body,
	    "Hey {{first_name|there}}, 20% off this week");
	v1_id = got.version_id;
	store_template_clear(&got);

	v[0].weight = 1;
	assert_int_equal(save(fx->st, t, &version), 1);
	assert_int_equal(version, 2);
	assert_int_equal(store_template_get_version(fx->st, v1_id, &got, NULL), 0);
	assert_int_equal(got.nvariants, 2);
	assert_int_equal(got.variants[1].weight, 3);
	store_template_clear(&got);

	/* Dropping the test is a new version with no variants. */
	t.nvariants = 0;
	assert_int_equal(save(fx->st, t, &version), 1);
	assert_int_equal(version, 3);
	assert_int_equal(store_template_get(fx->st, "promo", 0, &got, NULL), 0);
	assert_int_equal(got.nvariants, 0);
	assert_null(got.variants);
	store_template_clear(&got);
}

static void
test_variants_refused(void **state)
{
	struct store_fx *fx = *state;
	struct store_template t = tpl("promo", NULL, "Hi");
	struct store_variant v[2];
	char *cause = NULL;

	memset(v, 0, sizeof v);
	v[0].name = "A";
	v[0].weight = 1;
	t.variants = v;
	t.nvariants = 1;
	assert_int_equal(store_template_save(fx->st, &t, NULL, &cause), -1);
	assert_string_equal(cause, "template 'promo': an A/B test needs at least "
	    "two variants");
	free(cause);
	cause = NULL;
	v[1].name = "A";
	v[1].weight = 1;
	t.nvariants = 2;
	assert_int_equal(store_template_save(fx->st, &t, NULL, &cause), -1);
	assert_string_equal(cause, "template 'promo': variant A is declared twice");
	free(cause);
	cause = NULL;
	v[1].name = "B";
	v[1].sms_body = "Hi {{#x}}";
	assert_int_equal(store_template_save(fx->st, &t, NULL, &cause), -1);
	assert_non_null(strstr(cause, "template 'promo': variant B: sms body: line 1"));
	free(cause);
	cause = NULL;
	v[1].sms_body = NULL;
	v[0].weight = 0;
	v[1].weight = 0;
	assert_int_equal(store_template_save(fx->st, &t, NULL, &cause), -1);
	assert_string_equal(cause, "template 'promo': every variant has weight 0");
	free(cause);
	cause = NULL;
	v[1].weight = -1;
	assert_int_equal(store_template_save(fx->st, &t, NULL, &cause), -1);
	assert_non_null(strstr(cause, "the weight must be 0 to"));
	free(cause);
	cause = NULL;
	assert_int_equal(store_template_get(fx->st, "promo", 0, &t, NULL), -1);
}

/* A message records the version and variant it was rendered from. */
static void
test_message_template(void **state)
{
	struct store_fx *fx = *state;
	struct store_template t = tpl("promo", NULL, "Hi");
	struct store_template got = { 0 };
	struct store_message m = { 0 };
	int64_t contact, id, vid;
	char *variant = NULL;

	assert_int_equal(save(fx->st, t, NULL), 1);
	assert_int_equal(store_template_get(fx->st, "promo", 0, &got, NULL), 0);
	assert_int_equal(store_contact_add(fx->st, "Ann Lee", &contact, NULL), 0);
	m.contact_id = contact;
	m.channel = HARK_CH_SMS;
	m.direction = HARK_DIR_OUT;
	m.provider = "sandbox";
	m.from_addr = "";
	m.to_addr = "+14155550100";
	m.body = "Hi";
	m.status = HARK_ST_QUEUED;
	m.created_at = 1000;
	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);
	assert_int_equal(store_message_template_get(fx->st, id, &vid, &variant, NULL), 0);
	assert_int_equal(store_message_template_set(fx->st, id, got.version_id, "B",
	    NULL), 0);
	assert_int_equal(store_message_template_get(fx->st, id, &vid, &variant, NULL), 1);
	assert_true(vid == got.version_id);
	assert_string_equal(variant, "B");
	free(variant);
	store_template_clear(&got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		store_fx_test(test_degenerate),
		store_fx_test(test_syntax_refused),
		store_fx_test(test_versions),
		store_fx_test(test_list_order),
		store_fx_test(test_delete),
		store_fx_test(test_in_transaction),
		store_fx_test(test_demo_templates),
		store_fx_test(test_variants),
		store_fx_test(test_variants_refused),
		store_fx_test(test_message_template),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
