/* test_keymap.c — key names, keymap lines and files, lookup and help order. */

#include <unistd.h>

#include "harness.h"

#include "hark/util.h"
#include "../../src/tui/tui_int.h"

/* Writes text to a new file in a fresh directory; caller frees the path. */
static char *
write_keys(const char *text)
{
	char *dir = test_tmpdir(), *path;
	FILE *f;

	path = xasprintf("%s/test.keys", dir);
	free(dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void
remove_keys(char *path)
{
	char *slash = strrchr(path, '/');

	unlink(path);
	*slash = '\0';
	rmdir(path);
	free(path);
}

/* Loads text as a file into km; returns the cause (caller frees) or NULL. */
static char *
load_text(struct keymap *km, const char *text)
{
	char *path = write_keys(text), *cause = NULL;
	int rc;

	rc = keymap_load(km, path, &cause);
	remove_keys(path);
	if (rc == 0)
		assert_null(cause);
	else
		assert_non_null(cause);
	return cause;
}

/* A file holding only line fails with a cause naming line 2 and want. */
static void
load_bad(const char *line, const char *want)
{
	struct keymap *km = keymap_new();
	char *text = xasprintf("# a comment\n%s\n", line), *cause;

	cause = load_text(km, text);
	if (cause == NULL)
		fail_msg("'%s' loaded without error", line);
	if (strstr(cause, "test.keys:2: ") == NULL ||
	    strstr(cause, want) == NULL)
		fail_msg("'%s': cause '%s' lacks 'test.keys:2: ' or '%s'", line,
		    cause, want);
	free(cause);
	free(text);
	keymap_free(km);
}

static void
name_is(int key, const char *want)
{
	char buf[32];

	keymap_key_name(key, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void
test_degenerate(void **state)
{
	struct keymap *km = keymap_new();
	char buf[8] = "x";
	char *cause = NULL;
	int called = 0;

	keymap_free(NULL);
	assert_null(keymap_lookup(km, MODE_THREAD, 'j'));
	assert_null(keymap_lookup(NULL, MODE_THREAD, 'j'));
	assert_null(keymap_lookup(km, MODE__COUNT, 'j'));
	assert_int_equal(keymap_key_parse(NULL), -1);
	assert_int_equal(keymap_key_parse(""), -1);
	keymap_key_name('j', buf, 0);
	assert_string_equal(buf, "x");
	name_is(-1, "<none>");
	assert_int_equal(keymap_bind_line(km, "", "f", 1, &cause), 0);
	assert_int_equal(keymap_bind_line(km, NULL, "f", 1, &cause), 0);
	assert_int_equal(keymap_bind_line(km, "   \t\r\n", "f", 1, &cause), 0);
	assert_int_equal(keymap_bind_line(km, "  # bind thread j up", "f", 1,
	    &cause), 0);
	assert_null(cause);
	keymap_each(km, MODE_THREAD, NULL, &called);
	keymap_each(km, MODE__COUNT, NULL, &called);
	assert_int_equal(keymap_load(km, "/nonexistent/x.keys", &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/x.keys: "));
	free(cause);
	keymap_free(km);
}

static void
test_modes(void **state)
{
	enum tui_mode m;
	int i;

	for (i = 0; i < MODE__COUNT; i++) {
		assert_int_equal(tui_mode_parse(tui_mode_name(i), &m), 0);
		assert_int_equal(m, i);
	}
	assert_string_equal(tui_mode_name(MODE_COMPOSER), "composer");
	assert_string_equal(tui_mode_name(MODE__COUNT), "unknown");
	assert_int_equal(tui_mode_parse("Thread", &m), -1);
	assert_int_equal(tui_mode_parse("", &m), -1);
	assert_int_equal(tui_mode_parse(NULL, &m), -1);
}

/* Every name the documentation lists reads back as itself. */
static void
test_names_round_trip(void **state)
{
	static const char *names[] = {
		"j", "?", "G", "/", ":", "#", "\"", "'", "\\", "-", "~", "é",
		"€", "😀", "Enter", "Tab", "BTab", "Escape", "Space", "BSpace",
		"Up", "Down", "Left", "Right", "Home", "End", "PageUp",
		"PageDown", "Insert", "Delete", "C-Space", "C-?", "C-\\",
		"C-]", "C-^", "C-_", "M-x", "M-Enter", "M-C-a", "M-Up", "M--",
		"M-F12", "M-é",
	};
	char buf[32], name[8];
	size_t i;
	int key, c;

	for (i = 0; i < HARK_NELEM(names); i++) {
		key = keymap_key_parse(names[i]);
		if (key < 0)
			fail_msg("'%s' does not parse", names[i]);
		keymap_key_name(key, buf, sizeof buf);
		assert_string_equal(buf, names[i]);
	}
	for (i = 1; i <= 12; i++) {
		snprintf(name, sizeof name, "F%zu", i);
		assert_int_equal(keymap_key_parse(name), TUI_KEY_CODE | KEY_F((int)i));
		name_is(TUI_KEY_CODE | KEY_F((int)i), name);
	}
	for (c = 'a'; c <= 'z'; c++) {
		snprintf(name, sizeof name, "C-%c", c);
		key = keymap_key_parse(name);
		assert_int_equal(key, c - 'a' + 1);
		if (c == 'i' || c == 'm')
			continue; /* Tab and Enter: see test_codes_round_trip */
		keymap_key_name(key, buf, sizeof buf);
		assert_string_equal(buf, name);
	}
}

/* Codes read back as themselves, whatever name they get. */
static void
test_codes_round_trip(void **state)
{
	static const int codes[] = {
		0, 1, 8, 9, 10, 13, 26, 27, 28, 31, 127, '!', 'z', 0xe9,
		0x10ffff, TUI_KEY_CODE | KEY_UP, TUI_KEY_CODE | KEY_BTAB,
		TUI_KEY_CODE | KEY_BACKSPACE, TUI_KEY_CODE | KEY_F(1),
		TUI_KEY_META | 'x', TUI_KEY_META | 0,
		TUI_KEY_META | TUI_KEY_CODE | KEY_DC, 0x105, 0x101,
	};
	char buf[32];
	size_t i;

	for (i = 0; i < HARK_NELEM(codes); i++) {
		keymap_key_name(codes[i], buf, sizeof buf);
		assert_int_equal(keymap_key_parse(buf), codes[i]);
	}
	name_is(9, "Tab");
	name_is(13, "Enter");
	name_is(27, "Escape");
	name_is(10, "C-j");
	name_is(8, "C-h");
	name_is(0x110000, "<0x110000>");
	name_is(0xd800, "<0xd800>");
	name_is(0x85, "<0x85>");
}

static void
test_parse(void **state)
{
	static const char *bad[] = {
		"C-", "M-", "C-1", "C--", "C-Up", "C-C-a", "M-M-x", "Foo",
		"F0", "F13", "F1x", "jj", "c-a", " ", "\x01", "\x7f", "\xc3",
		"\xc3\xa9x", "\xed\xa0\x80", "Space2",
	};
	size_t i;

	assert_int_equal(keymap_key_parse("C-a"), 1);
	assert_int_equal(keymap_key_parse("C-A"), 1);
	assert_int_equal(keymap_key_parse("C-a"), TUI_KEY_CTRL('a'));
	assert_int_equal(keymap_key_parse("C-@"), 0);
	assert_int_equal(keymap_key_parse("C-["), TUI_KEY_ESCAPE);
	assert_int_equal(keymap_key_parse("C-i"), TUI_KEY_TAB);
	assert_int_equal(keymap_key_parse("C-m"), TUI_KEY_ENTER);
	assert_int_equal(keymap_key_parse("M-x"), TUI_KEY_META | 'x');
	assert_int_equal(keymap_key_parse("M-X"), TUI_KEY_META | 'X');
	assert_int_equal(keymap_key_parse("C-M-a"), TUI_KEY_META | 1);
	assert_int_equal(keymap_key_parse("M-C-a"), TUI_KEY_META | 1);
	assert_int_equal(keymap_key_parse("F5"), TUI_KEY_CODE | KEY_F(5));
	assert_int_equal(keymap_key_parse("f5"), TUI_KEY_CODE | KEY_F(5));
	assert_int_equal(keymap_key_parse("enter"), TUI_KEY_ENTER);
	assert_int_equal(keymap_key_parse("PAGEDOWN"), TUI_KEY_CODE | KEY_NPAGE);
	assert_int_equal(keymap_key_parse("Space"), ' ');
	assert_int_equal(keymap_key_parse("BSpace"), TUI_KEY_CODE | KEY_BACKSPACE);
	assert_int_equal(keymap_key_parse("é"), 0xe9);
	for (i = 0; i < HARK_NELEM(bad); i++) {
		if (keymap_key_parse(bad[i]) != -1)
			fail_msg("'%s' parsed as %d", bad[i],
			    keymap_key_parse(bad[i]));
	}
}

static void
test_errors(void **state)
{
	load_bad("bind nowhere j down", "unknown mode 'nowhere'");
	load_bad("bind thread Foo down", "unknown key 'Foo'");
	load_bad("bind thread j frobnicate", "unknown command 'frobnicate'");
	load_bad("bind thread j", "missing command");
	load_bad("bind thread j # only a note", "missing command");
	load_bad("bind thread", "missing key");
	load_bad("bind", "missing mode");
	load_bad("bnid thread j down", "expected bind or unbind, not 'bnid'");
	load_bad("j down", "expected bind or unbind");
	load_bad("bind thread d mark", "usage: mark done|open|unread|read");
	load_bad("bind thread j down 3", "usage: down");
	load_bad("bind thread s command-prompt \"schedule",
	    "quote is not closed");
	load_bad("unbind thread", "missing key");
	load_bad("unbind thread j down", "unbind takes a mode and a key");
}

/* An error in a line given directly names where it came from. */
static void
test_bind_line_where(void **state)
{
	struct keymap *km = keymap_new();
	char *cause = NULL;

	assert_int_equal(keymap_bind_line(km, "bind thread j nope", ":bind", 1,
	    &cause), -1);
	assert_string_equal(cause, ":bind:1: unknown command 'nope'");
	assert_int_equal(keymap_bind_line(km, "bind thread j nope", ":bind", 0,
	    &cause), -1);
	assert_string_equal(cause, ":bind: unknown command 'nope'");
	free(cause);
	assert_int_equal(keymap_bind_line(km, "bind thread j down", ":bind", 1,
	    NULL), 0);
	assert_string_equal(keymap_lookup(km, MODE_THREAD, 'j'), "down");
	keymap_free(km);
}

/* The command is kept as written, for tui_cmd_run to split; the note apart. */
static void
test_command_and_note(void **state)
{
	struct keymap *km = keymap_new();
	char *cause;

	cause = load_text(km,
	    "bind thread s command-prompt \"schedule \"   # later  \r\n"
	    "  bind\tthread\tz\tcommand-prompt 'a # b'\n"
	    "bind thread '#' mark done\n"
	    "bind thread \\# mark read # hash\n"
	    "bind thread y search a#b # the word keeps its hash\n"
	    "bind thread x q\n");
	assert_null(cause);
	assert_string_equal(keymap_lookup(km, MODE_THREAD, 's'),
	    "command-prompt \"schedule \"");
	assert_string_equal(keymap_lookup(km, MODE_THREAD, 'z'),
	    "command-prompt 'a # b'");
	assert_null(keymap_lookup(km, MODE_THREAD, 'q'));
	assert_string_equal(keymap_lookup(km, MODE_THREAD, '#'), "mark read");
	assert_string_equal(keymap_lookup(km, MODE_THREAD, 'y'), "search a#b");
	assert_string_equal(keymap_lookup(km, MODE_THREAD, 'x'), "q");
	keymap_free(km);
}

struct seen {
	char text[512];
	int n;
};

static void
collect(void *arg, int key, const char *command, const char *note)
{
	struct seen *s = arg;
	char name[32];
	size_t len = strlen(s->text);

	keymap_key_name(key, name, sizeof name);
	snprintf(s->text + len, sizeof s->text - len, "%s=%s(%s) ", name,
	    command, note != NULL ? note : "-");
	s->n++;
}

static void
each_is(struct keymap *km, enum tui_mode m, const char *want)
{
	struct seen s;

	memset(&s, 0, sizeof s);
	keymap_each(km, m, collect, &s);
	assert_string_equal(s.text, want);
}

/* A later file replaces one binding in place and leaves the others. */
static void
test_override(void **state)
{
	struct keymap *km = keymap_new();

	assert_null(load_text(km,
	    "bind thread j down # next\n"
	    "bind thread k up # previous\n"
	    "bind thread G bottom # newest\n"
	    "bind thread j top\n"));
	each_is(km, MODE_THREAD, "j=top(-) k=up(previous) G=bottom(newest) ");
	assert_null(load_text(km,
	    "bind thread k top # mine\n"
	    "bind thread C-x call # ring\n"));
	each_is(km, MODE_THREAD,
	    "j=top(-) k=top(mine) G=bottom(newest) C-x=call(ring) ");
	assert_string_equal(keymap_lookup(km, MODE_THREAD, 'G'), "bottom");
	keymap_free(km);
}

static void
test_unbind(void **state)
{
	struct keymap *km = keymap_new();

	assert_null(load_text(km,
	    "bind global ? help # keys\n"
	    "bind thread j down # next\n"
	    "bind thread k up # previous\n"
	    "bind thread G bottom # newest\n"
	    "unbind thread k\n"
	    "unbind thread x   # never bound: fine\n"
	    "unbind contacts ?\n"));
	each_is(km, MODE_THREAD, "j=down(next) G=bottom(newest) ");
	assert_null(keymap_lookup(km, MODE_THREAD, 'k'));
	/* Unbinding in a mode leaves the global binding to show through. */
	assert_string_equal(keymap_lookup(km, MODE_CONTACTS, '?'), "help");
	assert_null(load_text(km, "bind thread k up # again\n"));
	each_is(km, MODE_THREAD, "j=down(next) G=bottom(newest) k=up(again) ");
	assert_null(load_text(km, "unbind global ?\n"));
	assert_null(keymap_lookup(km, MODE_CONTACTS, '?'));
	keymap_free(km);
}

static void
test_fallback(void **state)
{
	struct keymap *km = keymap_new();

	assert_null(load_text(km,
	    "bind global ? help\n"
	    "bind global C-l redraw\n"
	    "bind thread ? search\n"
	    "bind prompt C-l redraw\n"));
	assert_string_equal(keymap_lookup(km, MODE_THREAD, '?'), "search");
	assert_string_equal(keymap_lookup(km, MODE_CONTACTS, '?'), "help");
	assert_string_equal(keymap_lookup(km, MODE_COMPOSER, '?'), "help");
	assert_string_equal(keymap_lookup(km, MODE_PICKER, '?'), "help");
	assert_string_equal(keymap_lookup(km, MODE_GLOBAL, '?'), "help");
	assert_null(keymap_lookup(km, MODE_PROMPT, '?'));
	assert_string_equal(keymap_lookup(km, MODE_PROMPT, TUI_KEY_CTRL('l')),
	    "redraw");
	assert_null(keymap_lookup(km, MODE_THREAD, 'x'));
	keymap_free(km);
}

struct notes {
	int missing;
	char first[32];
};

static void
check_note(void *arg, int key, const char *command, const char *note)
{
	struct notes *n = arg;

	if (note == NULL && n->missing++ == 0)
		keymap_key_name(key, n->first, sizeof n->first);
}

/* Loads a shipped keymap; NULL (test skipped) without HARK_SRCDIR. */
static struct keymap *
load_shipped(const char *name)
{
	const char *src = getenv("HARK_SRCDIR");
	struct keymap *km;
	struct notes n;
	char *path, *cause = NULL;
	int m;

	if (src == NULL || *src == '\0')
		return NULL;
	path = xasprintf("%s/keymaps/%s", src, name);
	km = keymap_new();
	if (keymap_load(km, path, &cause) != 0)
		fail_msg("%s", cause);
	free(path);
	for (m = 0; m < MODE__COUNT; m++) {
		memset(&n, 0, sizeof n);
		keymap_each(km, m, check_note, &n);
		if (n.missing > 0)
			fail_msg("%s: %s %s has no note", name,
			    tui_mode_name(m), n.first);
	}
	return km;
}

/* What every shipped keymap must keep: text stays text. */
static void
shipped_common(struct keymap *km)
{
	assert_null(keymap_lookup(km, MODE_COMPOSER, 'q'));
	assert_null(keymap_lookup(km, MODE_COMPOSER, TUI_KEY_CTRL('j')));
	assert_null(keymap_lookup(km, MODE_PROMPT, '?'));
	assert_null(keymap_lookup(km, MODE_PROMPT, TUI_KEY_ENTER));
	assert_string_equal(keymap_lookup(km, MODE_COMPOSER, TUI_KEY_ENTER),
	    "send");
	assert_string_equal(keymap_lookup(km, MODE_COMPOSER, TUI_KEY_ESCAPE),
	    "focus thread");
	assert_string_equal(keymap_lookup(km, MODE_PICKER, TUI_KEY_ESCAPE),
	    "quit");
	assert_string_equal(keymap_lookup(km, MODE_PICKER, TUI_KEY_ENTER),
	    "select");
	assert_string_equal(keymap_lookup(km, MODE_THREAD, 'q'), "quit");
	assert_string_equal(keymap_lookup(km, MODE_COMPOSER, TUI_KEY_TAB),
	    "focus-next");
	assert_string_equal(keymap_lookup(km, MODE_THREAD, 's'),
	    "command-prompt \"schedule \"");
}

static void
test_vi_keys(void **state)
{
	struct keymap *km = load_shipped("vi.keys");

	if (km == NULL)
		skip();
	shipped_common(km);
	assert_null(keymap_lookup(km, MODE_GLOBAL, 'q'));
	assert_string_equal(keymap_lookup(km, MODE_CONTACTS, 'j'), "down");
	assert_string_equal(keymap_lookup(km, MODE_THREAD, 'g'), "top");
	assert_string_equal(keymap_lookup(km, MODE_THREAD, 'X'), "cancel");
	assert_string_equal(keymap_lookup(km, MODE_CONTACTS,
	    TUI_KEY_CTRL('d')), "half-page-down");
	assert_string_equal(keymap_lookup(km, MODE_COMPOSER,
	    TUI_KEY_CTRL('o')), "channel next");
	assert_string_equal(keymap_lookup(km, MODE_PICKER, 'q'), "quit");
	assert_string_equal(keymap_lookup(km, MODE_CONTACTS, '?'), "help");
	keymap_free(km);
}

static void
test_emacs_keys(void **state)
{
	struct keymap *km = load_shipped("emacs.keys");

	if (km == NULL)
		skip();
	shipped_common(km);
	assert_string_equal(keymap_lookup(km, MODE_CONTACTS,
	    TUI_KEY_CTRL('n')), "down");
	assert_string_equal(keymap_lookup(km, MODE_THREAD,
	    TUI_KEY_META | '>'), "bottom");
	assert_string_equal(keymap_lookup(km, MODE_THREAD,
	    TUI_KEY_META | 'v'), "page-up");
	assert_string_equal(keymap_lookup(km, MODE_PICKER,
	    TUI_KEY_CTRL('g')), "quit");
	assert_string_equal(keymap_lookup(km, MODE_COMPOSER,
	    TUI_KEY_META | 'x'), "command-prompt");
	/* Typing filters an emacs picker: no letter is bound there. */
	assert_null(keymap_lookup(km, MODE_PICKER, 'q'));
	keymap_free(km);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_degenerate),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_codes_round_trip),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bind_line_where),
		cmocka_unit_test(test_command_and_note),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_unbind),
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_vi_keys),
		cmocka_unit_test(test_emacs_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
