/*
 * test_sync_progress.c — a poll's progress (provider_progress, which the
 * IMAP provider calls once per fetched batch) reaches the engine's
 * subscribers as "sync-progress" events that are not journal entries, and
 * one clearing event follows when the sync ends. The sandbox account stands
 * in for the provider; the full path through IMAP is checked by hand
 * against the loopback Dovecot (README, Email).
 */

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "harness.h"

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/provider.h"
#include "hark/store.h"
#include "../../src/engine/engine_int.h"

#define HEARD_MAX 16

struct heard {
	char *payload[HEARD_MAX];   /* "(null)" for the clearing event */
	int n;
	int other;                  /* events of other kinds */
	int synced;                 /* the sync's done callback ran */
	int polled;
};

static const char config_text[] =
	"[general]\n"
	"default_region = US\n"
	"[account sandbox]\n"
	"provider = sandbox\n"
	"from_phone = +14155550100\n"
	"from_email = me@sandbox.hark.test\n";

static void
heard_event(void *arg, const struct store_event *ev)
{
	struct heard *h = arg;

	if (strcmp(ev->kind, "sync-progress") != 0) {
		h->other++;
		return;
	}
	assert_int_equal(ev->id, 0);
	assert_true(h->n < HEARD_MAX);
	h->payload[h->n++] = xstrdup(ev->payload != NULL ? ev->payload : "(null)");
}

static void
heard_synced(void *arg, int polled, int failed, const char *errors)
{
	struct heard *h = arg;

	h->synced = 1;
	h->polled = polled;
	assert_int_equal(failed, 0);
}

static void
test_progress_is_relayed_then_cleared(void **state)
{
	struct engine_opts o;
	struct config *cfg;
	struct store *st;
	struct engine *e;
	struct heard h;
	uv_loop_t loop;
	char *dir = test_tmpdir(), *path, *cause = NULL;
	int64_t last, deadline;
	FILE *fp;
	int i;

	path = xasprintf("%s/config", dir);
	fp = fopen(path, "w");
	fputs(config_text, fp);
	fclose(fp);
	chmod(path, 0600);
	assert_int_equal(config_load(path, &cfg, &cause), 0);
	free(path);
	path = xasprintf("%s/hark.db", dir);
	assert_int_equal(store_open(path, 0, &st, &cause), 0);
	free(path);
	uv_loop_init(&loop);
	memset(&o, 0, sizeof o);
	o.loop = &loop;
	o.st = st;
	o.cfg = cfg;
	o.poll_ms = 60000;
	if (engine_new(&o, &e, &cause) != 0)
		fail_msg("engine_new: %s", cause);
	memset(&h, 0, sizeof h);
	engine_subscribe(e, heard_event, &h);
	last = store_events_last_id(st);

	/* A sync with nothing told: no clearing event either. */
	assert_int_equal(engine_sync_once(e, NULL, heard_synced, &h, &cause), 0);
	deadline = hark_now_ms() + 10000;
	while (!h.synced && hark_now_ms() < deadline)
		uv_run(&loop, UV_RUN_ONCE);
	assert_true(h.synced);
	assert_int_equal(h.polled, 1);
	assert_int_equal(h.n, 0);

	/* The provider tells how far it has come, twice; the sync ends. */
	h.synced = 0;
	assert_int_equal(engine_sync_once(e, "sandbox", heard_synced, &h, &cause), 0);
	provider_progress(e->provs[0], "INBOX", 1200, 10000);
	provider_progress(e->provs[0], "Sent", 0, 7);
	provider_progress(e->provs[0], "Empty", 0, 0);  /* nothing to count */
	deadline = hark_now_ms() + 10000;
	while (!h.synced && hark_now_ms() < deadline)
		uv_run(&loop, UV_RUN_ONCE);
	assert_true(h.synced);
	assert_int_equal(h.n, 3);
	assert_string_equal(h.payload[0], "sandbox\tINBOX\t1200\t10000");
	assert_string_equal(h.payload[1], "sandbox\tSent\t0\t7");
	assert_string_equal(h.payload[2], "(null)");
	/* Not journal news: the daemon's and other screens are not told. */
	assert_int_equal(store_events_last_id(st), last);

	for (i = 0; i < h.n; i++)
		free(h.payload[i]);
	engine_free(e);
	uv_run(&loop, UV_RUN_NOWAIT);
	assert_int_equal(uv_loop_close(&loop), 0);
	store_close(st);
	config_free(cfg);
	path = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
	free(path);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_progress_is_relayed_then_cleared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
