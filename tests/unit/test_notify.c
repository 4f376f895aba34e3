/* test_notify.c — notifications say what arrived, fold bursts, and can never
 * smuggle an escape sequence to the terminal or the desktop. */

#include <fcntl.h>
#include <unistd.h>

#include <uv.h>

#include "harness.h"

#include "hark/core.h"
#include "hark/notify.h"
#include "../../src/notify/notify_int.h"

#define ESC_C '\033'
/* Hostile text a sender controls: an OSC that retitles the terminal, a CSI
 * that clears it, and ';' that would end an OSC 777 field early. */
#define HOSTILE_SUMMARY "\033]0;pwned\007Alice;Bob"
#define HOSTILE_BODY "hi\033[2J; there\007\x9c\xc2\x9c end"

static size_t
count_char(const char *s, size_t len, char c)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += s[i] == c;
	return n;
}

static void
msg_of(struct notify_msg *m, const char *summary, const char *body)
{
	struct notify_slot s = { { NULL, NULL }, 0 };

	notify_slot_add(&s, summary, body);
	notify_slot_render(&s, m);
	notify_slot_clear(&s);
}

/* ---- modes ----------------------------------------------------------------- */

static void
test_mode_parse(void **state)
{
	static const char *const names[] = { "auto", "libnotify", "osc", "bell", "none" };
	enum notify_mode m;
	size_t i;

	assert_int_equal(notify_mode_parse(NULL, &m), -1);
	assert_int_equal(notify_mode_parse("", &m), -1);
	assert_int_equal(notify_mode_parse("libnotifyx", &m), -1);
	assert_int_equal(notify_mode_parse("os", &m), -1);
	for (i = 0; i < HARK_NELEM(names); i++) {
		assert_int_equal(notify_mode_parse(names[i], &m), 0);
		assert_string_equal(notify_mode_name(m), names[i]);
	}
	assert_int_equal(notify_mode_parse("OSC", &m), 0);
	assert_int_equal(m, NOTIFY_OSC);
}

static void
test_new_bad_mode(void **state)
{
	struct notifier *n = NULL;
	char *cause = NULL;

	assert_int_equal(notifier_new(NULL, "dbus", -1, &n, &cause), -1);
	assert_null(n);
	assert_non_null(strstr(cause, "'dbus'"));
	assert_non_null(strstr(cause, "auto, libnotify, osc, bell or none"));
	free(cause);
	cause = NULL;
	assert_int_equal(notifier_new(NULL, NULL, -1, &n, &cause), -1);
	free(cause);
	notifier_free(NULL);
}

/* ---- text ------------------------------------------------------------------- */

static void
test_shape(void **state)
{
	struct notify_msg m;
	char long_body[700];

	msg_of(&m, NULL, NULL);
	assert_string_equal(m.summary, "hark");
	assert_string_equal(m.body, "");
	notify_msg_clear(&m);

	msg_of(&m, "SMS from\nAlice ", "\n\n  first line\nsecond line");
	assert_string_equal(m.summary, "SMS from Alice");
	assert_string_equal(m.body, "first line\u2026");
	notify_msg_clear(&m);

	msg_of(&m, "x", "only line\n\n");
	assert_string_equal(m.body, "only line");
	notify_msg_clear(&m);

	/* 300 two-byte characters: cut at 200 characters, not bytes. */
	memset(long_body, 0, sizeof long_body);
	for (int i = 0; i < 300; i++)
		memcpy(long_body + 2 * i, "\xc3\xa9", 2);
	msg_of(&m, "x", long_body);
	assert_int_equal(strlen(m.body), 400 + strlen("\u2026"));
	assert_string_equal(m.body + 400, "\u2026");
	assert_true(utf8_valid(m.body, strlen(m.body)));
	notify_msg_clear(&m);

	msg_of(&m, HOSTILE_SUMMARY, HOSTILE_BODY);
	assert_null(strchr(m.summary, ESC_C));
	assert_null(strchr(m.body, ESC_C));
	assert_null(strchr(m.summary, '\a'));
	assert_null(strstr(m.summary, "pwned"));
	assert_string_equal(m.summary, "Alice;Bob");
	notify_msg_clear(&m);
}

static void
test_fold(void **state)
{
	struct notify_slot a = { { NULL, NULL }, 0 }, b = { { NULL, NULL }, 0 };
	struct notify_msg m;

	notify_slot_move(&a, &b); /* empty into empty */
	assert_int_equal(a.count, 0);

	notify_slot_add(&a, "SMS from Alice", "one");
	notify_slot_render(&a, &m);
	assert_string_equal(m.summary, "SMS from Alice");
	assert_string_equal(m.body, "one");
	notify_msg_clear(&m);

	notify_slot_add(&a, "SMS from Bob", "two");
	notify_slot_add(&a, "Email from Carol", "three");
	assert_int_equal(a.count, 3);
	notify_slot_render(&a, &m);
	assert_string_equal(m.summary, "3 new messages");
	assert_string_equal(m.body, "Email from Carol: three");
	notify_msg_clear(&m);

	/* Moving folds counts; the text moved in is the newer one. */
	notify_slot_add(&b, "SMS from Dan", "");
	notify_slot_move(&a, &b);
	assert_int_equal(a.count, 4);
	assert_int_equal(b.count, 0);
	assert_null(b.latest.summary);
	notify_slot_render(&a, &m);
	assert_string_equal(m.summary, "4 new messages");
	assert_string_equal(m.body, "SMS from Dan");
	notify_msg_clear(&m);
	notify_slot_clear(&a);
	notify_slot_clear(&b);
}

static void
test_markup_escape(void **state)
{
	char *s;

	s = notify_markup_escape("");
	assert_string_equal(s, "");
	free(s);
	s = notify_markup_escape("<a href=\"x\">R&D</a> > 2");
	assert_string_equal(s, "&lt;a href=\"x\"&gt;R&amp;D&lt;/a&gt; &gt; 2");
	free(s);
}

/* ---- terminal sequences ------------------------------------------------------ */

static void
test_osc_clean(void **state)
{
	struct hbuf b = HBUF_INIT;

	notify_osc_clean(&b, "");
	assert_string_equal(hbuf_str(&b), "");
	notify_osc_clean(&b, "a;b\033]0;x\007c\x01\x7f\xc2\x9c\xc2\xa0" "d\xe2\x80\xa6");
	assert_string_equal(hbuf_str(&b), "a,b]0,xc\xc2\xa0" "d\xe2\x80\xa6");
	hbuf_free(&b);
}

static void
test_osc_format(void **state)
{
	struct notify_msg m = { (char *)"SMS from Alice", (char *)"See you at 5" };
	struct hbuf b = HBUF_INIT;

	notify_osc_format(&b, NOTIFY_OSC_777, &m);
	assert_string_equal(b.data, "\033]777;notify;SMS from Alice;See you at 5\033\\");
	hbuf_reset(&b);
	notify_osc_format(&b, NOTIFY_OSC_9, &m);
	assert_string_equal(b.data, "\033]9;SMS from Alice: See you at 5\033\\");
	hbuf_reset(&b);
	m.body = (char *)"";
	m.summary = (char *)"4 new messages";
	notify_osc_format(&b, NOTIFY_OSC_9, &m);
	/* A leading digit would read as a ConEmu command ("9;4" is a progress bar). */
	assert_string_equal(b.data, "\033]9;hark: 4 new messages\033\\");
	hbuf_reset(&b);
	m.summary = (char *)"S";
	notify_osc_format(&b, NOTIFY_OSC_9 | NOTIFY_OSC_TMUX, &m);
	assert_string_equal(b.data, "\033Ptmux;\033\033]9;S\033\033\\\033\\");
	hbuf_free(&b);
}

/* Only the sequences' own delimiters: two ESC, and the fixed ';'s. */
static void
test_osc_format_hostile(void **state)
{
	struct notify_msg m;
	struct hbuf b = HBUF_INIT;
	const char *body;

	msg_of(&m, HOSTILE_SUMMARY, HOSTILE_BODY);
	notify_osc_format(&b, NOTIFY_OSC_777, &m);
	assert_int_equal(count_char(b.data, b.len, ESC_C), 2);
	assert_int_equal(count_char(b.data, b.len, ';'), 3);
	assert_int_equal(count_char(b.data, b.len, '\a'), 0);
	assert_true(hark_startswith(b.data, "\033]777;notify;Alice,Bob;"));
	assert_string_equal(b.data + b.len - 2, "\033\\");
	assert_null(strstr(b.data, "pwned"));
	assert_null(strstr(b.data, "[2J"));
	body = b.data + strlen("\033]777;notify;Alice,Bob;");
	for (; body < b.data + b.len - 2; body++) {
		assert_true((unsigned char)*body >= 0x20 && *body != 0x7f);
		assert_false((unsigned char)body[0] == 0xc2 &&
		    (unsigned char)body[1] >= 0x80 && (unsigned char)body[1] <= 0x9f);
	}
	hbuf_reset(&b);
	notify_osc_format(&b, NOTIFY_OSC_9, &m);
	assert_int_equal(count_char(b.data, b.len, ESC_C), 2);
	assert_int_equal(count_char(b.data, b.len, ';'), 1);
	assert_int_equal(count_char(b.data, b.len, '\a'), 0);
	notify_msg_clear(&m);
	hbuf_free(&b);
}

static const char *fake_env_vars[8][2];

static char *
fake_env(const char *name)
{
	size_t i;

	for (i = 0; i < HARK_NELEM(fake_env_vars) && fake_env_vars[i][0] != NULL; i++) {
		if (strcmp(fake_env_vars[i][0], name) == 0)
			return (char *)fake_env_vars[i][1];
	}
	return NULL;
}

static unsigned
pick(const char *name, const char *value, const char *name2, const char *value2)
{
	memset(fake_env_vars, 0, sizeof fake_env_vars);
	fake_env_vars[0][0] = name;
	fake_env_vars[0][1] = value;
	fake_env_vars[1][0] = name2;
	fake_env_vars[1][1] = value2;
	return notify_osc_pick(fake_env);
}

static void
test_osc_pick(void **state)
{
	unsigned both = NOTIFY_OSC_777 | NOTIFY_OSC_9;

	assert_int_equal(pick(NULL, NULL, NULL, NULL), both);
	assert_int_equal(pick("TERM", "xterm-256color", NULL, NULL), both);
	assert_int_equal(pick("TERM", "foot", NULL, NULL), NOTIFY_OSC_777);
	assert_int_equal(pick("TERM", "rxvt-unicode-256color", NULL, NULL), NOTIFY_OSC_777);
	assert_int_equal(pick("VTE_VERSION", "7006", NULL, NULL), NOTIFY_OSC_777);
	assert_int_equal(pick("TERM_PROGRAM", "iTerm.app", NULL, NULL), NOTIFY_OSC_9);
	assert_int_equal(pick("TERM_PROGRAM", "WezTerm", NULL, NULL), NOTIFY_OSC_9);
	assert_int_equal(pick("VTE_VERSION", "", NULL, NULL), both);
	assert_int_equal(pick("TERM", "tmux-256color", "TMUX", "/tmp/tmux-0/default,1,0"),
	    both | NOTIFY_OSC_TMUX);
}

/* ---- the notifier on a loop, terminal methods --------------------------------- */

struct fixture {
	uv_loop_t loop;
	int pipe[2];
	int changes;
	char *dir;
};

static void
on_change(void *arg)
{
	((struct fixture *)arg)->changes++;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	assert_int_equal(uv_loop_init(&f->loop), 0);
	assert_int_equal(pipe(f->pipe), 0);
	fcntl(f->pipe[0], F_SETFL, O_NONBLOCK);
	/* A known terminal, no D-Bus: auto must pick the terminal. */
	f->dir = test_tmpdir();
	setenv("XDG_RUNTIME_DIR", f->dir, 1);
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
	unsetenv("DISPLAY");
	unsetenv("TMUX");
	unsetenv("VTE_VERSION");
	unsetenv("TERM_PROGRAM");
	setenv("TERM", "foot", 1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	uv_run(&f->loop, UV_RUN_NOWAIT);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	close(f->pipe[0]);
	close(f->pipe[1]);
	rmdir(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Reads what the notifier wrote to the "terminal". */
static char *
drain(struct fixture *f)
{
	static char buf[4096];
	ssize_t n = read(f->pipe[0], buf, sizeof buf - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void
test_auto_without_bus(void **state)
{
	struct fixture *f = *state;
	struct notifier *n;

	assert_int_equal(notifier_new(&f->loop, "auto", -1, &n, NULL), 0);
	assert_string_equal(notifier_method(n), "none");
	notifier_send(n, "SMS from Alice", "hi"); /* goes nowhere, harmlessly */
	notifier_free(n);

	assert_int_equal(notifier_new(&f->loop, "auto", f->pipe[1], &n, NULL), 0);
	assert_string_equal(notifier_method(n), "osc");
	assert_null(notifier_last_error(n));
	notifier_send(n, HOSTILE_SUMMARY, HOSTILE_BODY);
	assert_string_equal(drain(f),
	    "\033]777;notify;Alice,Bob;hi, there\xe2\x90\x87\xef\xbf\xbd<U+009C> end\033\\");
	notifier_free(n);
}

static void
test_terminal_needs_tty(void **state)
{
	struct fixture *f = *state;
	struct notifier *n;

	assert_int_equal(notifier_new(&f->loop, "osc", -1, &n, NULL), 0);
	assert_string_equal(notifier_method(n), "none");
	assert_non_null(notifier_last_error(n));
	notifier_free(n);
	assert_int_equal(notifier_new(&f->loop, "none", f->pipe[1], &n, NULL), 0);
	assert_string_equal(notifier_method(n), "none");
	notifier_send(n, "SMS from Alice", "hi");
	assert_string_equal(drain(f), "");
	notifier_free(n);
}

static void
test_hold_and_take(void **state)
{
	struct fixture *f = *state;
	struct notifier *n;
	struct hbuf b = HBUF_INIT;
	size_t len;

	assert_int_equal(notifier_new(&f->loop, "osc", f->pipe[1], &n, NULL), 0);
	notifier_on_change(n, on_change, f);
	notifier_hold_terminal(n);
	assert_int_equal(notifier_take_terminal(n, &b), 0);
	notifier_send(n, "SMS from Alice", "one");
	notifier_send(n, "SMS from Bob", "two");
	notifier_send(n, "SMS from Carol", "three");
	assert_int_equal(f->changes, 3);
	assert_string_equal(drain(f), ""); /* never under ncurses' feet */
	len = notifier_take_terminal(n, &b);
	assert_int_equal(len, b.len);
	assert_string_equal(b.data,
	    "\033]777;notify;3 new messages;SMS from Carol: three\033\\");
	hbuf_reset(&b);
	assert_int_equal(notifier_take_terminal(n, &b), 0);
	notifier_free(n);
	hbuf_free(&b);
}

static void
test_bell(void **state)
{
	struct fixture *f = *state;
	struct notifier *n;
	struct hbuf b = HBUF_INIT;

	assert_int_equal(notifier_new(&f->loop, "bell", f->pipe[1], &n, NULL), 0);
	assert_string_equal(notifier_method(n), "bell");
	notifier_send(n, HOSTILE_SUMMARY, HOSTILE_BODY);
	assert_string_equal(drain(f), "\a");
	notifier_hold_terminal(n);
	notifier_send(n, "a", "b");
	notifier_send(n, "c", "d");
	assert_int_equal(notifier_take_terminal(n, &b), 1);
	assert_string_equal(b.data, "\a");
	notifier_free(n);
	hbuf_free(&b);
}

/* ---- libnotify failing fast (no bus): the fallback paths ------------------------ */

static void
noop_cb(uv_timer_t *t)
{
}

/* Runs the loop until done(arg), at most 5 s; the tick keeps UV_RUN_ONCE
 * from sleeping forever should the worker never report. */
static void
run_until(struct fixture *f, int (*done)(void *), void *arg)
{
	int64_t end = hark_mono_ms() + 5000;
	uv_timer_t tick;

	uv_timer_init(&f->loop, &tick);
	uv_timer_start(&tick, noop_cb, 20, 20);
	while (!done(arg) && hark_mono_ms() < end)
		uv_run(&f->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&tick, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	assert_true(done(arg));
}

static int
has_error(void *arg)
{
	return notifier_last_error(arg) != NULL;
}

static void
test_auto_probe_fails(void **state)
{
	struct fixture *f = *state;
	struct notifier *n;
	struct hbuf b = HBUF_INIT;

	setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/hark-bus", 1);
	assert_int_equal(notifier_new(&f->loop, "auto", f->pipe[1], &n, NULL), 0);
	notifier_hold_terminal(n);
	assert_string_equal(notifier_method(n), "libnotify"); /* until the probe says */
	notifier_send(n, "SMS from Alice", "sent while the probe runs");
	run_until(f, has_error, n);
	assert_string_equal(notifier_method(n), "osc");
	assert_non_null(strstr(notifier_last_error(n), "no notification server"));
	notifier_take_terminal(n, &b);
	assert_string_equal(b.data,
	    "\033]777;notify;SMS from Alice;sent while the probe runs\033\\");
	notifier_free(n);
	hbuf_free(&b);
}

static void
test_libnotify_fails(void **state)
{
	struct fixture *f = *state;
	struct notifier *n;
	int64_t t0;

	setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/hark-bus", 1);
	assert_int_equal(notifier_new(&f->loop, "libnotify", f->pipe[1], &n, NULL), 0);
	assert_string_equal(notifier_method(n), "libnotify");
	t0 = hark_mono_ms();
	notifier_send(n, "SMS from Alice", "hi");
	notifier_send(n, "SMS from Bob", "folded while the first is in flight");
	assert_true(hark_mono_ms() - t0 < 100);
	run_until(f, has_error, n);
	/* Asked for libnotify: errors are remembered, nothing goes to the terminal. */
	assert_string_equal(notifier_method(n), "libnotify");
	assert_string_equal(drain(f), "");
	notifier_free(n);
}

/* Freeing with a call in flight: no callback afterwards, the loop closes. */
static void
test_free_in_flight(void **state)
{
	struct fixture *f = *state;
	struct notifier *n;

	setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/hark-bus", 1);
	assert_int_equal(notifier_new(&f->loop, "auto", f->pipe[1], &n, NULL), 0);
	notifier_on_change(n, on_change, f);
	notifier_send(n, "SMS from Alice", "hi");
	notifier_free(n);
	usleep(50 * 1000); /* let the thread finish and try to report */
	uv_run(&f->loop, UV_RUN_NOWAIT);
	assert_int_equal(f->changes, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_parse),
		cmocka_unit_test(test_new_bad_mode),
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_markup_escape),
		cmocka_unit_test(test_osc_clean),
		cmocka_unit_test(test_osc_format),
		cmocka_unit_test(test_osc_format_hostile),
		cmocka_unit_test(test_osc_pick),
		cmocka_unit_test_setup_teardown(test_auto_without_bus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminal_needs_tty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_and_take, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bell, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_probe_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_libnotify_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_in_flight, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
