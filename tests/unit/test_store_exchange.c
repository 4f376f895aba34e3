/* test_store_exchange.c — whole records: what the export reads is what the import writes back. */

#include <sqlite3.h>

#include "harness.h"
#include "hark/store.h"
#include "hark/util.h"

#include "../../src/store/store_int.h"

struct fixture {
	char *dir;
	struct store *src;
	struct store *dst;
};

/* What one export pass saw, copied out of the streamed records. */
struct seen {
	int n;
	char body[8][64];
	char extra[8][128];      /* "name=value;" of the extra columns */
	char sets[8][256];       /* "set:rows;" */
	char tmpl[8][32];
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);
	char *a, *b;

	fx->dir = test_tmpdir();
	a = xasprintf("%s/src.db", fx->dir);
	b = xasprintf("%s/dst.db", fx->dir);
	assert_int_equal(store_open(a, 0, &fx->src, NULL), 0);
	assert_int_equal(store_open(b, 0, &fx->dst, NULL), 0);
	free(a);
	free(b);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	store_close(fx->src);
	store_close(fx->dst);
	free(fx->dir);
	free(fx);
	return 0;
}

static void
exec(struct store *st, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

static int
count_rows(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt;
	int n = -1;

	assert_int_equal(sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static int
never(void *arg, const struct store_xmessage *x)
{
	(void)x;
	(*(int *)arg)++;
	return 0;
}

static int
collect(void *arg, const struct store_xmessage *x)
{
	struct seen *s = arg;
	int i, j;

	snprintf(s->body[s->n], sizeof s->body[0], "%s", x->m.body);
	for (i = 0; i < x->extra.n; i++) {
		size_t len = strlen(s->extra[s->n]);

		snprintf(s->extra[s->n] + len, sizeof s->extra[0] - len, "%s=%s;",
		    x->extra.v[i].name, x->extra.v[i].type == STORE_X_TEXT ?
		    x->extra.v[i].s : "#");
	}
	for (i = 0; i < x->nsets; i++) {
		size_t len = strlen(s->sets[s->n]);

		if (x->sets[i].nrows == 0)
			continue;
		snprintf(s->sets[s->n] + len, sizeof s->sets[0] - len, "%s:%d;",
		    x->sets[i].name, x->sets[i].nrows);
		for (j = 0; j < x->sets[i].nrows; j++)
			assert_true(x->sets[i].rows[j].n > 0);
	}
	snprintf(s->tmpl[s->n], sizeof s->tmpl[0], "%s/%d", x->template_name ?
	    x->template_name : "-", x->template_version);
	s->n++;
	return 0;
}

/* Imports every message src exports into dst, with its contact mapped. */
static int
copy_message(void *arg, const struct store_xmessage *x)
{
	struct fixture *fx = arg;
	struct store_xmessage y = *x;
	int64_t id;

	assert_int_equal(store_contact_by_address(fx->dst, STORE_ID_PHONE,
	    "+14155552671", &y.m.contact_id, NULL), 1);
	assert_int_equal(store_message_import(fx->dst, &y, &id, NULL), 1);
	return 0;
}

static int
copy_contact(void *arg, const struct store_xcontact *c)
{
	struct fixture *fx = arg;
	int64_t id;

	assert_int_equal(store_contact_import(fx->dst, c, 0, &id, NULL), 0);
	assert_int_equal(id, 7);   /* the id it had, free in an empty database */
	return 0;
}

static int
copy_template(void *arg, const struct store_xtemplate *t)
{
	struct fixture *fx = arg;

	assert_int_equal(store_template_import(fx->dst, t, NULL), 1);
	assert_int_equal(store_template_import(fx->dst, t, NULL), 0);  /* never rewritten */
	return 0;
}

/* An empty database exports nothing, and says so with 0. */
static void
test_empty(void **state)
{
	struct fixture *fx = *state;
	struct store_filter f = { 0 };
	int64_t n = -1;
	int calls = 0;

	assert_int_equal(store_export_messages(fx->src, &f, never, &calls, NULL), 0);
	assert_int_equal(calls, 0);
	assert_int_equal(store_export_count(fx->src, &f, &n, NULL), 0);
	assert_int_equal(n, 0);
}

static void
seed(struct store *st)
{
	exec(st,
	    "INSERT INTO contacts (id, name, company, fields, created_at, updated_at)"
	    "  VALUES (7, 'Ann Lee', 'Lee Roofing', '{\"budget\":415000}', 1, 2);"
	    "INSERT INTO conversations (contact_id, status) VALUES (7, 'done');"
	    "INSERT INTO identities (contact_id, kind, address, label)"
	    "  VALUES (7, 'phone', '+14155552671', 'mobile');"
	    "INSERT INTO contact_tags VALUES (7, 'vip');"
	    "INSERT INTO preferences (contact_id, preferred_channel, quiet_start)"
	    "  VALUES (7, 'sms', 1260);"
	    "INSERT INTO templates (id, name, current_version, created_at)"
	    "  VALUES (3, 'quote', 1, 5);"
	    "INSERT INTO template_versions (id, template_id, version, sms_body, created_at)"
	    "  VALUES (9, 3, 1, 'Hi {{first_name}}', 5);"
	    "INSERT INTO template_variants (template_version_id, name, weight, sms_body)"
	    "  VALUES (9, 'B', 2, 'Hey {{first_name}}');"
	    "INSERT INTO messages (id, contact_id, channel, direction, provider,"
	    "  provider_id, to_addr, body, status, created_at, sort_key,"
	    "  template_version_id, variant, content_sid)"
	    "  VALUES (40, 7, 'sms', 'out', 'twilio', 'SM1', '+14155552671', 'first',"
	    "  'delivered', 1000, 1000 * 1048576, 9, 'B', 'HX1'),"
	    "  (41, 7, 'voice', 'out', 'twilio', 'CA1', '+14155552671', 'a call',"
	    "  'delivered', 2000, 2000 * 1048576, NULL, NULL, NULL);"
	    "INSERT INTO message_status_history (message_id, status, at) VALUES"
	    "  (40, 'queued', 1000), (40, 'sent', 1100), (40, 'delivered', 1200),"
	    "  (41, 'delivered', 2000);"
	    "INSERT INTO attachments (message_id, filename, content_type, url)"
	    "  VALUES (40, 'a.jpg', 'image/jpeg', 'https://example.com/a.jpg');"
	    "INSERT INTO calls (message_id, status, duration_s, outcome)"
	    "  VALUES (41, 'completed', 75, 'reached');");
}

/*
 * A contact, a template and two messages go through export and import into
 * an empty database: the second export sees what the first did, row for row.
 */
static void
test_round_trip(void **state)
{
	struct fixture *fx = *state;
	struct store_filter f = { 0 };
	struct seen a, b;
	int i;

	seed(fx->src);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	assert_int_equal(store_export_templates(fx->src, copy_template, fx, NULL), 0);
	assert_int_equal(store_export_contacts(fx->src, 0, copy_contact, fx, NULL), 0);
	assert_int_equal(store_begin(fx->dst, NULL), 0);
	assert_int_equal(store_bulk_begin(fx->dst, NULL), 0);
	assert_int_equal(store_export_messages(fx->src, &f, copy_message, fx, NULL), 0);
	assert_int_equal(store_bulk_end(fx->dst, NULL), 0);
	assert_int_equal(store_commit(fx->dst, NULL), 0);

	assert_int_equal(store_export_messages(fx->src, &f, collect, &a, NULL), 0);
	assert_int_equal(store_export_messages(fx->dst, &f, collect, &b, NULL), 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(b.n, 2);
	/* Columns a later migration adds travel too; these are the seeded ones. */
	assert_non_null(strstr(a.extra[0], "variant=B;"));
	assert_non_null(strstr(a.extra[0], "content_sid=HX1;"));
	assert_string_equal(a.sets[0], "status_history:3;attachments:1;");
	assert_string_equal(a.sets[1], "status_history:1;call:1;");
	assert_string_equal(a.tmpl[0], "quote/1");
	for (i = 0; i < 2; i++) {
		assert_string_equal(a.body[i], b.body[i]);
		assert_string_equal(a.extra[i], b.extra[i]);
		assert_string_equal(a.sets[i], b.sets[i]);
		assert_string_equal(a.tmpl[i], b.tmpl[i]);
	}
	/* The history the file had, not a first row of the insert's besides. */
	assert_int_equal(count_rows(fx->dst, "SELECT count(*) FROM message_status_history"), 4);
	assert_int_equal(count_rows(fx->dst, "SELECT duration_s FROM calls"), 75);
	assert_int_equal(count_rows(fx->dst, "SELECT count(*) FROM template_variants"
	    " WHERE name = 'B' AND weight = 2"), 1);
	assert_int_equal(count_rows(fx->dst, "SELECT quiet_start FROM preferences"
	    " WHERE contact_id = 7"), 1260);
	assert_int_equal(count_rows(fx->dst, "SELECT count(*) FROM conversations"
	    " WHERE contact_id = 7 AND status = 'done'"), 1);
	assert_int_equal(count_rows(fx->dst, "SELECT count(*) FROM contact_tags"), 1);
}

/* A column this database lacks is left out; one it has is written. */
static void
test_unknown_column(void **state)
{
	struct fixture *fx = *state;
	struct store_xval v[2] = {
		{ "from_a_newer_hark", STORE_X_TEXT, 0, 0, "x" },
		{ "variant", STORE_X_TEXT, 0, 0, "A" },
	};
	struct store_xmessage x;
	int64_t cid, id;

	assert_int_equal(store_contact_add(fx->dst, "Bo", &cid, NULL), 0);
	memset(&x, 0, sizeof x);
	x.m.contact_id = cid;
	x.m.channel = HARK_CH_SMS;
	x.m.direction = HARK_DIR_IN;
	x.m.provider = "import";
	x.m.provider_id = "p1";
	x.m.body = "hi";
	x.m.status = HARK_ST_RECEIVED;
	x.m.created_at = 5000;
	x.extra.v = v;
	x.extra.n = 2;
	assert_int_equal(store_message_import(fx->dst, &x, &id, NULL), 1);
	assert_int_equal(count_rows(fx->dst, "SELECT count(*) FROM messages"
	    " WHERE variant = 'A'"), 1);
	/* The same message again changes nothing. */
	v[1].s = "B";
	assert_int_equal(store_message_import(fx->dst, &x, &id, NULL), 0);
	assert_int_equal(count_rows(fx->dst, "SELECT count(*) FROM messages"
	    " WHERE variant = 'A'"), 1);
	/* Outside a bulk load the insert's own first status row is there. */
	assert_int_equal(count_rows(fx->dst, "SELECT count(*) FROM message_status_history"), 1);
}

/* A contact id already taken gives the import a new one. */
static void
test_contact_id_taken(void **state)
{
	struct fixture *fx = *state;
	struct store_xval v[4] = {
		{ "id", STORE_X_INT, 1, 0, NULL },
		{ "name", STORE_X_TEXT, 0, 0, "Cy" },
		{ "created_at", STORE_X_INT, 10, 0, NULL },
		{ "updated_at", STORE_X_INT, 10, 0, NULL },
	};
	struct store_xcontact c;
	int64_t first, id;

	assert_int_equal(store_contact_add(fx->dst, "Already here", &first, NULL), 0);
	assert_int_equal(first, 1);
	memset(&c, 0, sizeof c);
	c.row.v = v;
	c.row.n = 4;
	assert_int_equal(store_contact_import(fx->dst, &c, 0, &id, NULL), 0);
	assert_int_not_equal(id, 1);
	assert_int_equal(count_rows(fx->dst, "SELECT count(*) FROM contacts WHERE name = 'Cy'"
	    " AND created_at = 10"), 1);
	assert_int_equal(count_rows(fx->dst, "SELECT count(*) FROM conversations"), 2);
	/* Into an existing contact: its columns are the record's. */
	assert_int_equal(store_contact_import(fx->dst, &c, first, &id, NULL), 0);
	assert_int_equal(id, first);
	assert_int_equal(count_rows(fx->dst, "SELECT count(*) FROM contacts WHERE name = 'Cy'"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_column, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contact_id_taken, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
