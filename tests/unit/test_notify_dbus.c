/* test_notify_dbus.c — the notifier against a real D-Bus session bus and a
 * recording notification server (tests/peers/notify-peer.sh). Every test
 * skips unless $NOTIFY_PEER_DIR names a running peer whose bus is
 * $DBUS_SESSION_BUS_ADDRESS, so `make check-unit` never pops up anything on
 * a developer's desktop; tests/integration/notify.test.sh runs it for real. */

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "harness.h"

#include "hark/core.h"
#include "hark/notify.h"

struct fixture {
	uv_loop_t loop;
	int pipe[2];
	const char *dir;
	char *log;
};

/* ---- the peer --------------------------------------------------------------- */

static void
need_peer(void)
{
	const char *dir = getenv("NOTIFY_PEER_DIR");
	const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
	char *want;
	int ok;

	if (dir == NULL || addr == NULL || getenv("NOTIFY_PEER") == NULL) {
		print_message("skipped: no notify peer (run tests/integration/notify.test.sh)\n");
		skip();
	}
	want = xasprintf("unix:path=%s/bus", dir);
	ok = strcmp(addr, want) == 0;
	free(want);
	if (!ok) {
		print_message("skipped: DBUS_SESSION_BUS_ADDRESS is not the peer's bus\n");
		skip();
	}
}

/* notify-peer.sh mode normal|error|hang */
static void
peer_mode(struct fixture *f, const char *mode)
{
	char *cmd = xasprintf("'%s' mode %s '%s'", getenv("NOTIFY_PEER"), mode, f->dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* The Notify calls the peer recorded so far, as a cJSON array. */
static cJSON *
peer_notifies(struct fixture *f)
{
	cJSON *all = cJSON_CreateArray(), *rec, *method;
	char line[65536];
	FILE *fp = fopen(f->log, "r");

	assert_non_null(fp);
	while (fgets(line, sizeof line, fp) != NULL) {
		assert_null(strchr(line, '\033'));   /* the hostile sender's ESC */
		assert_null(strstr(line, "\\u001b"));
		rec = cJSON_Parse(line);
		assert_non_null(rec);
		method = cJSON_GetObjectItem(rec, "method");
		if (cJSON_IsString(method) && strcmp(method->valuestring, "Notify") == 0)
			cJSON_AddItemToArray(all, rec);
		else
			cJSON_Delete(rec);
	}
	fclose(fp);
	return all;
}

static int
peer_count(struct fixture *f)
{
	cJSON *all = peer_notifies(f);
	int n = cJSON_GetArraySize(all);

	cJSON_Delete(all);
	return n;
}

static const char *
field(cJSON *rec, const char *name)
{
	cJSON *v = cJSON_GetObjectItem(rec, name);

	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

/* ---- the loop ------------------------------------------------------------------ */

static void
noop_cb(uv_timer_t *t)
{
}

/* A timer that ends uv_run(UV_RUN_DEFAULT): ONCE would run a timer that is
 * already due and then sleep in poll with nothing left to wake it. */
static void
stop_cb(uv_timer_t *t)
{
	uv_stop(t->loop);
}

static int
setup(void **state)
{
	struct fixture *f;

	*state = NULL;
	if (getenv("NOTIFY_PEER_DIR") == NULL || getenv("NOTIFY_PEER") == NULL)
		return 0; /* each test skips */
	f = calloc(1, sizeof *f);
	assert_int_equal(uv_loop_init(&f->loop), 0);
	assert_int_equal(pipe(f->pipe), 0);
	fcntl(f->pipe[0], F_SETFL, O_NONBLOCK);
	f->dir = getenv("NOTIFY_PEER_DIR");
	f->log = xasprintf("%s/notifications.jsonl", f->dir);
	setenv("TERM", "foot", 1); /* OSC 777 only, so expected output is exact */
	unsetenv("TMUX");
	*state = f;
	peer_mode(f, "normal");
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	if (f == NULL)
		return 0;
	uv_run(&f->loop, UV_RUN_NOWAIT);
	/* Closes at once even when a call is still stuck in its thread. */
	assert_int_equal(uv_loop_close(&f->loop), 0);
	close(f->pipe[0]);
	close(f->pipe[1]);
	free(f->log);
	free(f);
	return 0;
}

/* Runs the loop until peer_count reaches want, or 10 s. */
static void
run_until_count(struct fixture *f, int want)
{
	uv_timer_t tick;
	int64_t end = hark_mono_ms() + 10000;

	uv_timer_init(&f->loop, &tick);
	uv_timer_start(&tick, noop_cb, 20, 20);
	while (peer_count(f) < want && hark_mono_ms() < end)
		uv_run(&f->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&tick, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	assert_int_equal(peer_count(f), want);
}

/* Runs the loop for ms milliseconds. */
static void
run_for(struct fixture *f, int ms)
{
	uv_timer_t t;

	uv_timer_init(&f->loop, &t);
	uv_timer_start(&t, stop_cb, (uint64_t)ms, 0);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT);
}

static int
has_error(void *arg)
{
	return notifier_last_error(arg) != NULL;
}

static void
run_until(struct fixture *f, int (*done)(void *), void *arg)
{
	int64_t end = hark_mono_ms() + 10000;

	while (!done(arg) && hark_mono_ms() < end)
		run_for(f, 10);
	assert_true(done(arg));
}

static int
thread_count(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* ---- tests --------------------------------------------------------------------- */

static void
test_notify_recorded(void **state)
{
	struct fixture *f = *state;
	struct notifier *n;
	cJSON *all, *rec, *hints;
	int before;

	need_peer();
	before = peer_count(f);

	assert_int_equal(notifier_new(&f->loop, "auto", -1, &n, NULL), 0);
	assert_string_equal(notifier_method(n), "libnotify");
	notifier_send(n, "SMS from \033]0;pwned\007Alice",
	    "Meet at 5 & bring <b>the deck</b>\033[2J; ok?\nsecond line");
	run_until_count(f, before + 1);
	assert_string_equal(notifier_method(n), "libnotify");
	assert_null(notifier_last_error(n));

	all = peer_notifies(f);
	rec = cJSON_GetArrayItem(all, before);
	assert_string_equal(field(rec, "app_name"), "hark");
	assert_string_equal(field(rec, "app_icon"), "mail-message-new");
	assert_string_equal(field(rec, "summary"), "SMS from Alice");
	/* The peer reads body markup: tags arrive as text, not as tags. */
	assert_string_equal(field(rec, "body"),
	    "Meet at 5 &amp; bring &lt;b&gt;the deck&lt;/b&gt;; ok?\u2026");
	hints = cJSON_GetObjectItem(rec, "hints");
	assert_string_equal(field(hints, "category"), "im.received");
	assert_int_equal(cJSON_GetObjectItem(hints, "urgency")->valueint, 1);
	cJSON_Delete(all);
	notifier_free(n);
}

/* A burst while one call is in flight costs one more call, not five. */
static void
test_burst_folds(void **state)
{
	struct fixture *f = *state;
	struct notifier *n;
	cJSON *all;
	char body[32];
	int before, i;

	need_peer();
	before = peer_count(f);

	assert_int_equal(notifier_new(&f->loop, "libnotify", -1, &n, NULL), 0);
	for (i = 1; i <= 5; i++) {
		snprintf(body, sizeof body, "message %d", i);
		notifier_send(n, "SMS from Alice", body);
	}
	run_until_count(f, before + 2);
	run_for(f, 300);
	assert_int_equal(peer_count(f), before + 2);
	all = peer_notifies(f);
	assert_string_equal(field(cJSON_GetArrayItem(all, before), "body"), "message 1");
	assert_string_equal(field(cJSON_GetArrayItem(all, before + 1), "summary"),
	    "4 new messages");
	assert_string_equal(field(cJSON_GetArrayItem(all, before + 1), "body"),
	    "SMS from Alice: message 5");
	cJSON_Delete(all);
	notifier_free(n);
}

/* In auto, a server error sends that notification and later ones to the terminal. */
static void
test_error_falls_back(void **state)
{
	struct fixture *f = *state;
	struct notifier *n;
	struct hbuf b = HBUF_INIT;
	int before;

	need_peer();
	before = peer_count(f);

	peer_mode(f, "error");
	assert_int_equal(notifier_new(&f->loop, "auto", f->pipe[1], &n, NULL), 0);
	notifier_hold_terminal(n);
	notifier_send(n, "SMS from Alice", "refused by the server");
	run_until(f, has_error, n);
	assert_int_equal(peer_count(f), before + 1); /* it was tried */
	assert_string_equal(notifier_method(n), "osc");
	assert_non_null(strstr(notifier_last_error(n), "notification refused (test mode)"));
	notifier_take_terminal(n, &b);
	assert_string_equal(hbuf_str(&b),
	    "\033]777;notify;SMS from Alice;refused by the server\033\\");

	hbuf_reset(&b);
	peer_mode(f, "normal");
	notifier_send(n, "SMS from Bob", "later");
	notifier_take_terminal(n, &b);
	assert_string_equal(hbuf_str(&b), "\033]777;notify;SMS from Bob;later\033\\");
	run_for(f, 100);
	assert_int_equal(peer_count(f), before + 1); /* no longer tried */
	hbuf_free(&b);
	notifier_free(n);
}

static int ticks;

static void
tick_cb(uv_timer_t *t)
{
	ticks++;
}

/*
 * A server that never answers holds libnotify for 25 s: sending returns at
 * once, timers keep firing, later notifications fold instead of starting
 * threads, and freeing the notifier does not wait. Runs last: the stuck call
 * keeps libnotify busy for the rest of the process.
 */
static void
test_hang_never_blocks(void **state)
{
	struct fixture *f = *state;
	struct notifier *n;
	uv_timer_t tick;
	int64_t t0, took;
	int before, threads, i;

	need_peer();
	before = peer_count(f);

	peer_mode(f, "hang");
	assert_int_equal(notifier_new(&f->loop, "libnotify", f->pipe[1], &n, NULL), 0);
	t0 = hark_mono_ms();
	notifier_send(n, "SMS from Alice", "into the void");
	took = hark_mono_ms() - t0;
	assert_true(took < 100);
	run_until_count(f, before + 1); /* the server has it and will not answer */
	threads = thread_count();

	uv_timer_init(&f->loop, &tick);
	uv_timer_start(&tick, tick_cb, 10, 10);
	t0 = hark_mono_ms();
	for (i = 0; i < 20; i++) {
		notifier_send(n, "SMS from Bob", "while it hangs");
		uv_run(&f->loop, UV_RUN_ONCE);
	}
	took = hark_mono_ms() - t0;
	print_message("20 sends and loop turns during a hung call: %lld ms\n",
	    (long long)took);
	assert_true(ticks >= 15);
	assert_true(took < 20 * 10 + 150);
	assert_int_equal(thread_count(), threads);
	assert_int_equal(peer_count(f), before + 1);
	assert_null(notifier_last_error(n));
	uv_close((uv_handle_t *)&tick, NULL);

	t0 = hark_mono_ms();
	notifier_free(n);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	took = hark_mono_ms() - t0;
	assert_true(took < 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_notify_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_folds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hang_never_blocks, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
