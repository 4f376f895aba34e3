/* test_route.c — the engine's routing decisions: preferences as set, opt-out refusals, quiet-hour holds and warnings, caps, overrides and their audit. */

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "harness.h"

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/store.h"

struct fixture {
	char *dir;
	struct config *cfg;
	struct store *st;
	uv_loop_t loop;
	struct engine *e;
	int64_t ann;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct engine_opts o;
	char *path, *cause = NULL;
	FILE *fp;

	f->dir = test_tmpdir();
	path = xasprintf("%s/config", f->dir);
	fp = fopen(path, "w");
	fputs("[account sandbox]\nprovider = sandbox\nfrom_phone = +14155550100\n"
	    "from_email = me@sandbox.hark.test\n", fp);
	fclose(fp);
	chmod(path, 0600);
	assert_int_equal(config_load(path, &f->cfg, &cause), 0);
	free(path);
	path = xasprintf("%s/hark.db", f->dir);
	assert_int_equal(store_open(path, 0, &f->st, &cause), 0);
	free(path);
	uv_loop_init(&f->loop);
	memset(&o, 0, sizeof o);
	o.loop = &f->loop;
	o.st = f->st;
	o.cfg = f->cfg;
	o.no_relay = 1;
	/* Not the outbox owner: what is written stays in the outbox to look at. */
	assert_int_equal(engine_new(&o, &f->e, &cause), 0);
	assert_int_equal(store_contact_add(f->st, "Ann Lee", &f->ann, NULL), 0);
	assert_int_equal(store_identity_add(f->st, f->ann, STORE_ID_PHONE,
	    "+14155550111", NULL, NULL), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd;

	engine_free(f->e);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	store_close(f->st);
	config_free(f->cfg);
	cmd = xasprintf("rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f->dir);
	free(f);
	return 0;
}

static void
draft(struct fixture *f, struct engine_draft *d, unsigned flags)
{
	memset(d, 0, sizeof *d);
	d->contact_id = f->ann;
	d->channel = HARK_CH_SMS;
	d->body = "Your order is ready";
	d->flags = flags;
}

/* Quiet hours in UTC from an hour ago to an hour from now; returns their end. */
static int64_t
quiet_now(struct fixture *f)
{
	int64_t now = hark_now_ms(), m = now / 60000 % 1440;
	char spec[16];

	snprintf(spec, sizeof spec, "%02d:%02d-%02d:%02d",
	    (int)((m + 1380) % 1440 / 60), (int)((m + 1380) % 60),
	    (int)((m + 60) % 1440 / 60), (int)((m + 60) % 60));
	assert_int_equal(engine_pref_set(f->st, f->ann, "tz", "Etc/UTC", NULL,
	    "test", NULL), 0);
	assert_int_equal(engine_pref_set(f->st, f->ann, "quiet", spec, NULL,
	    "test", NULL), 0);
	return (now / 60000 + 60) * 60000;
}

static void
test_degenerate(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;

	assert_int_equal(engine_pref_set(f->st, f->ann, "colour", "red", NULL,
	    "t", &cause), -1);
	assert_non_null(strstr(cause, "unknown preference 'colour'"));
	free(cause);
	cause = NULL;
	assert_int_equal(engine_pref_set(f->st, f->ann, "tz", "../../etc/passwd",
	    NULL, "t", &cause), -1);
	assert_non_null(strstr(cause, "not a time zone name"));
	free(cause);
	cause = NULL;
	assert_int_equal(engine_pref_set(f->st, f->ann, "fallback", "sms,sms",
	    NULL, "t", &cause), -1);
	assert_non_null(strstr(cause, "repeated"));
	free(cause);
	cause = NULL;
	assert_int_equal(engine_pref_set(f->st, f->ann, "opt-out", "email", NULL,
	    "t", &cause), -1);
	assert_non_null(strstr(cause, "no address for email"));
	free(cause);
	assert_int_equal(engine_tz_check("America/New_York", NULL), 0);
}

static void
test_optout_refused(void **state)
{
	struct fixture *f = *state;
	struct engine_estimate est;
	struct engine_draft d;
	char *cause = NULL, day[32];

	assert_int_equal(engine_pref_set(f->st, f->ann, "opt-out", "sms",
	    "asked by phone", "sam", NULL), 0);
	draft(f, &d, ENGINE_SEND_INTERACTIVE | ENGINE_SEND_OVERRIDE_QUIET |
	    ENGINE_SEND_OVERRIDE_CAP);
	assert_int_equal(engine_check(f->e, &d, &est, &cause), -1);
	time_format_iso(hark_now_ms(), day, sizeof day);
	day[10] = '\0';
	assert_non_null(strstr(cause, "opted out of sms on"));
	assert_non_null(strstr(cause, day));
	assert_non_null(strstr(cause, "manual: asked by phone"));
	free(cause);
	assert_int_equal(engine_pref_set(f->st, f->ann, "opt-in", "sms", NULL,
	    "sam", NULL), 0);
	assert_int_equal(engine_check(f->e, &d, &est, NULL), 0);
	engine_estimate_clear(&est);
}

static void
test_quiet_warns_a_person(void **state)
{
	struct fixture *f = *state;
	struct engine_estimate est;
	struct engine_draft d;

	quiet_now(f);
	draft(f, &d, ENGINE_SEND_INTERACTIVE);
	assert_int_equal(engine_check(f->e, &d, &est, NULL), 0);
	assert_int_equal(est.held_until, 0);
	assert_non_null(est.note);
	assert_non_null(strstr(est.note, "quiet hours until"));
	assert_non_null(strstr(est.note, "Etc/UTC for Ann Lee"));
	engine_estimate_clear(&est);
}

static void
test_quiet_holds_automated(void **state)
{
	struct fixture *f = *state;
	struct engine_estimate est;
	struct engine_draft d;
	struct store_job j;
	struct store_message m;
	int64_t end = quiet_now(f), id;

	draft(f, &d, 0);
	assert_int_equal(engine_check(f->e, &d, &est, NULL), 0);
	assert_true(est.held_until == end);
	engine_estimate_clear(&est);
	assert_int_equal(engine_send(f->e, &d, &id, NULL), 0);
	memset(&j, 0, sizeof j);
	memset(&m, 0, sizeof m);
	assert_int_equal(store_job_get_by_message(f->st, id, &j, NULL), 0);
	assert_true(j.run_at == end);
	assert_non_null(strstr(j.last_error, "held for quiet hours until"));
	assert_non_null(strstr(j.last_error, "Etc/UTC"));
	assert_int_equal(store_message_get(f->st, id, &m, NULL), 0);
	assert_int_equal(m.status, HARK_ST_SCHEDULED);
	store_job_clear(&j);
	store_message_clear(&m);
	/* A scheduled message counts as automated, whoever wrote it. */
	draft(f, &d, ENGINE_SEND_INTERACTIVE);
	d.send_at = hark_now_ms() + 60000;
	assert_int_equal(engine_check(f->e, &d, &est, NULL), 0);
	assert_true(est.held_until == end);
	engine_estimate_clear(&est);
}

static int
count_audit(struct fixture *f, const char *action)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char *path = xasprintf("%s/hark.db", f->dir);
	int n = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM audit_log"
	    " WHERE action = ?1 AND actor = 'sam'", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, action, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	free(path);
	return n;
}

static void
test_override_audited(void **state)
{
	struct fixture *f = *state;
	struct engine_draft d;
	struct store_job j;
	int64_t id;

	quiet_now(f);
	draft(f, &d, ENGINE_SEND_OVERRIDE_QUIET);
	d.actor = "sam";
	assert_int_equal(engine_send(f->e, &d, &id, NULL), 0);
	memset(&j, 0, sizeof j);
	assert_int_equal(store_job_get_by_message(f->st, id, &j, NULL), 0);
	assert_true(j.run_at <= hark_now_ms());
	store_job_clear(&j);
	assert_int_equal(count_audit(f, "override-quiet-hours"), 1);
}

static void
test_cap(void **state)
{
	struct fixture *f = *state;
	struct engine_estimate est;
	struct engine_draft d;
	char *cause = NULL;
	int64_t id;

	assert_int_equal(engine_pref_set(f->st, f->ann, "cap", "1/day", NULL, "t",
	    NULL), 0);
	draft(f, &d, ENGINE_SEND_INTERACTIVE);
	assert_int_equal(engine_send(f->e, &d, &id, NULL), 0);
	/* The second in 24 hours: a person's send is refused... */
	assert_int_equal(engine_check(f->e, &d, &est, &cause), -1);
	assert_non_null(strstr(cause, "frequency cap (1/day)"));
	assert_non_null(strstr(cause, "--override-cap"));
	free(cause);
	/* ...an automated one is held a day... */
	draft(f, &d, 0);
	assert_int_equal(engine_check(f->e, &d, &est, NULL), 0);
	assert_true(est.held_until > hark_now_ms() + 23LL * 3600 * 1000);
	assert_non_null(strstr(est.note, "held for the frequency cap"));
	engine_estimate_clear(&est);
	/* ...and an override goes, audited. */
	draft(f, &d, ENGINE_SEND_INTERACTIVE | ENGINE_SEND_OVERRIDE_CAP);
	d.actor = "sam";
	assert_int_equal(engine_send(f->e, &d, &id, NULL), 0);
	assert_int_equal(count_audit(f, "override-cap"), 1);
	assert_int_equal(engine_pref_set(f->st, f->ann, "cap", "off", NULL, "t",
	    NULL), 0);
	draft(f, &d, ENGINE_SEND_INTERACTIVE);
	assert_int_equal(engine_check(f->e, &d, &est, NULL), 0);
	engine_estimate_clear(&est);
}

static void
test_summary(void **state)
{
	struct fixture *f = *state;
	char *s;

	s = engine_route_summary(f->st, f->ann, hark_now_ms());
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(engine_pref_set(f->st, f->ann, "fallback", "sms, email",
	    NULL, "t", NULL), 0);
	assert_int_equal(engine_pref_set(f->st, f->ann, "cap", "3/week", NULL, "t",
	    NULL), 0);
	s = engine_route_summary(f->st, f->ann, hark_now_ms());
	assert_string_equal(s, "cap 3/week · fallback sms,email");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_degenerate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_optout_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quiet_warns_a_person, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_quiet_holds_automated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_override_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
