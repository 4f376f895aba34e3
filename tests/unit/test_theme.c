/* test_theme.c — colour roles: theme files, their errors, and the colours a terminal gets. */

#include "harness.h"

#include <sys/stat.h>
#include <unistd.h>

#include "tui_int.h"
#include <term.h>

/* A screen on /dev/null, so curses can run without a terminal. */
struct screen {
	SCREEN *sp;
	FILE *out, *in;
};

static char *
write_file(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void
rm_dir(char *dir, char **paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unlink(paths[i]);
		free(paths[i]);
	}
	rmdir(dir);
	free(dir);
}

/* A theme read from text, asserting it loads. */
static struct theme *
theme_from(const char *text)
{
	char *dir = test_tmpdir(), *path = write_file(dir, "t.theme", text);
	char *cause = NULL;
	struct theme *th = theme_new();

	if (theme_load(th, path, &cause) != 0)
		fail_msg("%s", cause);
	rm_dir(dir, &path, 1);
	return th;
}

/* The error a theme text gives, or NULL; path replaced by "T". */
static char *
theme_error(const char *text)
{
	char *dir = test_tmpdir(), *path = write_file(dir, "t.theme", text);
	char *cause = NULL, *msg = NULL;
	struct theme *th = theme_new();

	if (theme_load(th, path, &cause) != 0) {
		assert_non_null(cause);
		assert_memory_equal(cause, path, strlen(path));
		msg = xasprintf("T%s", cause + strlen(path));
		free(cause);
	}
	theme_free(th);
	rm_dir(dir, &path, 1);
	return msg;
}

/*
 * Whether the terminal description exists. Asked of setupterm, because a
 * newterm that fails keeps memory that nothing can free (ncurses 6.4).
 */
static int
terminfo_has(const char *term, FILE *out)
{
	TERMINAL *old = cur_term;
	int err;

	if (setupterm(term, fileno(out), &err) != OK)
		return 0;
	del_curterm(cur_term);
	set_curterm(old);
	return 1;
}

static int
screen_open(struct screen *s, const char *term)
{
	s->out = fopen("/dev/null", "w");
	s->in = fopen("/dev/null", "r");
	assert_true(s->out != NULL && s->in != NULL);
	s->sp = NULL;
	if (terminfo_has(term, s->out))
		s->sp = newterm(term, s->out, s->in);
	if (s->sp == NULL) {
		fclose(s->out);
		fclose(s->in);
		return -1;
	}
	set_term(s->sp);
	start_color();
	return 0;
}

static void
screen_close(struct screen *s)
{
	endwin();
	delscreen(s->sp);
	fclose(s->out);
	fclose(s->in);
}

/* The colours curses holds for a role after theme_apply. */
static void
role_colours(const struct theme *th, enum tui_role role, int *fg, int *bg)
{
	int pair = (int)PAIR_NUMBER(theme_attr(th, role));

	assert_int_equal(extended_pair_content(pair, fg, bg), OK);
}

static void
test_degenerate(void **state)
{
	struct theme *th;
	char *cause = NULL, *msg;

	theme_free(NULL);
	assert_null(theme_role_name(ROLE__COUNT));
	assert_null(theme_role_name((enum tui_role)-1));

	th = theme_new();
	assert_int_equal(theme_load(th, "/nonexistent/x.theme", &cause), -1);
	assert_string_equal(cause,
	    "/nonexistent/x.theme: No such file or directory");
	free(cause);
	/* Before theme_apply a role has its attributes and no colour pair. */
	assert_int_equal(theme_attr(th, ROLE_TITLE), A_BOLD);
	assert_int_equal(theme_attr(th, ROLE_DEFAULT), 0);
	theme_free(th);

	/* Empty, blank and comment-only files are fine and change nothing. */
	th = theme_from("");
	assert_int_equal(theme_attr(th, ROLE_ST_FAILED), A_BOLD);
	theme_free(th);
	th = theme_from("\n  \t\n# only a comment\n   # indented\r\n");
	assert_int_equal(theme_attr(th, ROLE_ST_FAILED), A_BOLD);
	theme_free(th);

	/* A line with a command and nothing else. */
	msg = theme_error("color\n");
	assert_string_equal(msg, "T:1: color needs a role and a colour");
	free(msg);
	msg = theme_error("color thread.outbound\n");
	assert_string_equal(msg, "T:1: role 'thread.outbound' needs a colour");
	free(msg);
}

/* Every role has its own name, the one the X-macro gives. */
static void
test_role_names(void **state)
{
	int i, j;

	assert_string_equal(theme_role_name(ROLE_DEFAULT), "default");
	assert_string_equal(theme_role_name(ROLE_OUTBOUND), "thread.outbound");
	assert_string_equal(theme_role_name(ROLE_ST_FAILED), "status.failed");
	assert_string_equal(theme_role_name(ROLE_CONTACT_OPTEDOUT),
	    "contact.optedout");
	for (i = 0; i < ROLE__COUNT; i++) {
		assert_non_null(theme_role_name(i));
		for (j = 0; j < i; j++)
			assert_string_not_equal(theme_role_name(i),
			    theme_role_name(j));
	}
}

static void
test_attributes(void **state)
{
	struct theme *th = theme_from(
	    "color default      default default bold\n"
	    "color border       red dim\n"
	    "color title        red blue underline\n"
	    "color title.focus  red reverse italic\n"
	    "color contact      red blink standout\n"
	    "color thread.meta  red BOLD none underline\n"
	    "color status.read  green none\n"
	    "color status.failed red\n");

	assert_int_equal(theme_attr(th, ROLE_DEFAULT), A_BOLD);
	assert_int_equal(theme_attr(th, ROLE_BORDER), A_DIM);
	assert_int_equal(theme_attr(th, ROLE_TITLE), A_UNDERLINE);
	assert_int_equal(theme_attr(th, ROLE_TITLE_FOCUS), A_REVERSE | A_ITALIC);
	assert_int_equal(theme_attr(th, ROLE_CONTACT), A_BLINK | A_STANDOUT);
	/* none clears what came before it on the line. */
	assert_int_equal(theme_attr(th, ROLE_MSG_META), A_UNDERLINE);
	assert_int_equal(theme_attr(th, ROLE_ST_READ), 0);
	/* A line gives a role everything: no attribute means none. */
	assert_int_equal(theme_attr(th, ROLE_ST_FAILED), 0);
	/* Roles not named keep the built-in attributes. */
	assert_int_equal(theme_attr(th, ROLE_SUBJECT), A_BOLD);
	theme_free(th);
}

/* Every colour form, seen through the pairs a 256-colour terminal gets. */
static void
test_colour_forms(void **state)
{
	struct screen s;
	struct theme *th;
	int fg, bg;

	if (screen_open(&s, "xterm-256color") != 0)
		skip();
	th = theme_from(
	    "color default          default default\n"
	    "color border           red black\n"
	    "color title            bright-white bright-black\n"
	    "color title.focus      BRIGHT-Cyan White\n"
	    "colour contact         color0 color255\n"
	    "color contact.unread   colour42 117\n"
	    "color contact.meta     #ff0000 #000000 # red on black\n"
	    "color thread.day       #808080 #FFFFFF\n"
	    "color thread.inbound   #5f87af #0000ff\n"
	    "color thread.outbound  default color24\n");
	theme_apply(th, 0);
	assert_int_equal(PAIR_NUMBER(theme_attr(th, ROLE_DEFAULT)), 0);
	role_colours(th, ROLE_BORDER, &fg, &bg);
	assert_int_equal(fg, 1);
	assert_int_equal(bg, 0);
	role_colours(th, ROLE_TITLE, &fg, &bg);
	assert_int_equal(fg, 15);
	assert_int_equal(bg, 8);
	role_colours(th, ROLE_TITLE_FOCUS, &fg, &bg);
	assert_int_equal(fg, 14);
	assert_int_equal(bg, 7);
	role_colours(th, ROLE_CONTACT, &fg, &bg);
	assert_int_equal(fg, 0);
	assert_int_equal(bg, 255);
	role_colours(th, ROLE_CONTACT_UNREAD, &fg, &bg);
	assert_int_equal(fg, 42);
	assert_int_equal(bg, 117);
	/* #rrggbb on 256 colours: the nearest of the cube and the greys. */
	role_colours(th, ROLE_CONTACT_META, &fg, &bg);
	assert_int_equal(fg, 196);
	assert_int_equal(bg, 16);
	role_colours(th, ROLE_DAY, &fg, &bg);
	assert_true(fg >= 232 && fg <= 255);
	assert_int_equal(fg, 244);
	assert_int_equal(bg, 231);
	role_colours(th, ROLE_INBOUND, &fg, &bg);
	assert_int_equal(fg, 67);
	assert_int_equal(bg, 21);
	role_colours(th, ROLE_OUTBOUND, &fg, &bg);
	assert_int_equal(fg, -1);
	assert_int_equal(bg, 24);
	theme_free(th);
	screen_close(&s);
}

/* Nearest, not merely close: colours between palette steps. */
static void
test_nearest_256(void **state)
{
	struct screen s;
	struct theme *th;
	int fg, bg;

	if (screen_open(&s, "xterm-256color") != 0)
		skip();
	th = theme_from("color border #fe0102 #0a0a0a\n"
			"color title  #d75f00 #303031\n"
			"color contact #767676 #5e5e5e\n");
	theme_apply(th, 0);
	role_colours(th, ROLE_BORDER, &fg, &bg);
	assert_int_equal(fg, 196);
	assert_int_equal(bg, 232); /* the darkest grey beats the cube's black */
	role_colours(th, ROLE_TITLE, &fg, &bg);
	assert_int_equal(fg, 166);
	assert_int_equal(bg, 236);
	role_colours(th, ROLE_CONTACT, &fg, &bg);
	assert_int_equal(fg, 243);
	assert_int_equal(bg, 59); /* the cube's 5f5f5f is nearer than any grey */
	theme_free(th);
	screen_close(&s);
}

static void
test_errors(void **state)
{
	static const struct {
		const char *text, *error;
	} cases[] = {
		{ "# a theme\n\ncolor thread.outbond blue\n",
		  "T:3: unknown role 'thread.outbond' (did you mean "
		  "'thread.outbound'?)" },
		{ "color outbound blue\n",
		  "T:1: unknown role 'outbound' (did you mean "
		  "'thread.outbound'?)" },
		{ "color sidebar blue\n", "T:1: unknown role 'sidebar'" },
		{ "color border color300\n",
		  "T:1: bad colour 'color300': use 0-255, a name, or #rrggbb" },
		{ "color border 256\n",
		  "T:1: bad colour '256': use 0-255, a name, or #rrggbb" },
		{ "color border red color-1\n",
		  "T:1: bad colour 'color-1': use 0-255, a name, or #rrggbb" },
		{ "color border #ff00zz\n",
		  "T:1: bad colour '#ff00zz': use 0-255, a name, or #rrggbb" },
		{ "color border #fff\n",
		  "T:1: bad colour '#fff': use 0-255, a name, or #rrggbb" },
		{ "color border #ff00000\n",
		  "T:1: bad colour '#ff00000': use 0-255, a name, or #rrggbb" },
		{ "color border brigth-red\n",
		  "T:1: bad colour 'brigth-red' (did you mean 'bright-red'?)" },
		{ "color border purple\n",
		  "T:1: bad colour 'purple': use 0-255, a name, or #rrggbb" },
		{ "color border red bld\n",
		  "T:1: unknown attribute 'bld' (did you mean 'bold'?)" },
		{ "color border red blue undreline\n",
		  "T:1: unknown attribute 'undreline' (did you mean "
		  "'underline'?)" },
		{ "color border red blue green\n",
		  "T:1: 'green' is a colour, but a role takes only a "
		  "foreground and a background" },
		{ "color border red blue shiny\n",
		  "T:1: unknown attribute 'shiny': use bold, dim, underline, "
		  "reverse, italic, blink, standout or none" },
		{ "colr border red\n",
		  "T:1: unknown command 'colr' (did you mean 'color'?)" },
		{ "\n\nset border red\n",
		  "T:3: unknown command 'set': a theme line is 'color ROLE FG "
		  "[BG] [ATTR...]'" },
		{ "color Border red\n",
		  "T:1: unknown role 'Border' (did you mean 'border'?)" },
	};
	size_t i;
	char *msg;

	for (i = 0; i < HARK_NELEM(cases); i++) {
		msg = theme_error(cases[i].text);
		if (msg == NULL)
			fail_msg("no error for: %s", cases[i].text);
		assert_string_equal(msg, cases[i].error);
		free(msg);
	}
}

/* A file with an error changes nothing, even the lines before it. */
static void
test_error_changes_nothing(void **state)
{
	char *dir = test_tmpdir(), *path, *cause = NULL;
	struct theme *th = theme_new();

	path = write_file(dir, "bad.theme", "color title red underline\n"
					    "color nope red\n");
	assert_int_equal(theme_load(th, path, &cause), -1);
	assert_non_null(strstr(cause, "bad.theme:2: unknown role 'nope'"));
	free(cause);
	assert_int_equal(theme_attr(th, ROLE_TITLE), A_BOLD);
	/* A NULL cause is allowed. */
	assert_int_equal(theme_load(th, path, NULL), -1);
	theme_free(th);
	rm_dir(dir, &path, 1);
}

/* A later line wins, whether in the same file or a file loaded later. */
static void
test_override(void **state)
{
	char *dir = test_tmpdir(), *paths[2];
	struct theme *th = theme_new();
	char *cause = NULL;

	paths[0] = write_file(dir, "a.theme", "color warn red bold\n"
					      "color warn blue underline\n"
					      "color bar red dim\n");
	paths[1] = write_file(dir, "b.theme", "color bar green italic\n");
	assert_int_equal(theme_load(th, paths[0], &cause), 0);
	assert_int_equal(theme_attr(th, ROLE_WARN), A_UNDERLINE);
	assert_int_equal(theme_attr(th, ROLE_BAR), A_DIM);
	assert_int_equal(theme_load(th, paths[1], &cause), 0);
	assert_int_equal(theme_attr(th, ROLE_BAR), A_ITALIC);
	assert_int_equal(theme_attr(th, ROLE_WARN), A_UNDERLINE);
	assert_null(cause);
	theme_free(th);
	rm_dir(dir, paths, 2);
}

/* Comments: whole lines, and a lone # after the words; CRLF endings. */
static void
test_comments(void **state)
{
	struct theme *th = theme_from(
	    "#color title red underline\n"
	    "color title red reverse # not underline\r\n"
	    "\tcolor warn #ff0000 default bold #\n"
	    "color bar red dim\t#\tnote\n");

	assert_int_equal(theme_attr(th, ROLE_TITLE), A_REVERSE);
	assert_int_equal(theme_attr(th, ROLE_WARN), A_BOLD);
	assert_int_equal(theme_attr(th, ROLE_BAR), A_DIM);
	theme_free(th);
}

/* Each shipped theme loads and names every role, so none is left to chance. */
static void
test_shipped_themes(void **state)
{
	static const char *const names[] = { "default", "light", "mono" };
	const char *src = getenv("HARK_SRCDIR");
	struct theme *th;
	char *path, *cause = NULL, text[16384], want[64];
	size_t i, n;
	int r;
	FILE *f;

	if (src == NULL || *src == '\0')
		skip();
	for (i = 0; i < HARK_NELEM(names); i++) {
		path = xasprintf("%s/themes/%s.theme", src, names[i]);
		th = theme_new();
		if (theme_load(th, path, &cause) != 0)
			fail_msg("%s", cause);
		theme_free(th);
		f = fopen(path, "r");
		assert_non_null(f);
		n = fread(text, 1, sizeof text - 1, f);
		text[n] = '\0';
		fclose(f);
		for (r = 0; r < ROLE__COUNT; r++) {
			snprintf(want, sizeof want, "\ncolor %s ",
			    theme_role_name(r));
			if (strstr(text, want) == NULL)
				fail_msg("%s does not name %s", path,
				    theme_role_name(r));
		}
		free(path);
	}
}

static struct theme *
theme_shipped(const char *name)
{
	const char *src = getenv("HARK_SRCDIR");
	char *path, *cause = NULL;
	struct theme *th;

	if (src == NULL || *src == '\0')
		return NULL;
	path = xasprintf("%s/themes/%s.theme", src, name);
	th = theme_new();
	if (theme_load(th, path, &cause) != 0)
		fail_msg("%s", cause);
	free(path);
	return th;
}

/* On 256 colours: roles with different colours get different pairs, roles
 * with the same colours share one; mono gives no pair at all. */
static void
test_apply_256(void **state)
{
	struct screen s;
	struct theme *th;
	int fg, bg, i;
	attr_t a;

	if (screen_open(&s, "xterm-256color") != 0)
		skip();
	th = theme_new();
	theme_apply(th, 0);
	a = theme_attr(th, ROLE_OUTBOUND);
	assert_int_not_equal(PAIR_NUMBER(a), 0);
	assert_int_not_equal(PAIR_NUMBER(a),
	    PAIR_NUMBER(theme_attr(th, ROLE_ST_FAILED)));
	role_colours(th, ROLE_OUTBOUND, &fg, &bg);
	assert_int_equal(fg, 117);
	assert_int_equal(bg, -1);
	role_colours(th, ROLE_BAR_ERROR, &fg, &bg);
	assert_int_equal(fg, 15);
	assert_int_equal(bg, 124);
	assert_int_equal(theme_attr(th, ROLE_BAR_ERROR) & A_ATTRIBUTES &
	    ~A_COLOR, A_BOLD);
	/* status.pending and thread.call are both 180 on the default. */
	assert_int_equal(PAIR_NUMBER(theme_attr(th, ROLE_ST_PENDING)),
	    PAIR_NUMBER(theme_attr(th, ROLE_CALL)));
	for (i = 0; i < ROLE__COUNT; i++)
		assert_true(PAIR_NUMBER(theme_attr(th, i)) < 256);

	theme_apply(th, 1);
	for (i = 0; i < ROLE__COUNT; i++)
		assert_int_equal(PAIR_NUMBER(theme_attr(th, i)), 0);
	assert_int_equal(theme_attr(th, ROLE_ST_FAILED), A_BOLD);
	assert_true(theme_attr(th, ROLE_CONTACT_SELECTED) & A_REVERSE);
	assert_true(theme_attr(th, ROLE_MSG_SELECTED) & A_REVERSE);
	assert_true(theme_attr(th, ROLE_PICKER_SELECTED) & A_REVERSE);
	assert_true(theme_attr(th, ROLE_BAR) & A_REVERSE);
	assert_false(theme_attr(th, ROLE_OUTBOUND) & A_REVERSE);
	theme_free(th);

	/* The shipped themes: colours where there should be, none in mono. */
	if ((th = theme_shipped("default")) != NULL) {
		theme_apply(th, 0);
		assert_int_not_equal(PAIR_NUMBER(theme_attr(th, ROLE_INBOUND)),
		    PAIR_NUMBER(theme_attr(th, ROLE_OUTBOUND)));
		theme_free(th);
	}
	if ((th = theme_shipped("mono")) != NULL) {
		theme_apply(th, 0);
		for (i = 0; i < ROLE__COUNT; i++)
			assert_int_equal(PAIR_NUMBER(theme_attr(th, i)), 0);
		assert_true(theme_attr(th, ROLE_BAR) & A_REVERSE);
		theme_free(th);
	}
	screen_close(&s);
}

/* On 8 colours: nothing past 7, bright foregrounds in bold, hues kept. */
static void
test_apply_8(void **state)
{
	struct screen s;
	struct theme *th;
	int fg, bg, i;

	if (screen_open(&s, "xterm") != 0)
		skip();
	assert_int_equal(COLORS, 8);
	th = theme_from("color border bright-red color236\n"
			"color title #ff0000 default\n"
			"color contact color117 color236\n"
			"color contact.meta color114 color252 underline\n"
			"color thread.day color8 color0\n");
	theme_apply(th, 0);
	for (i = 0; i < ROLE__COUNT; i++) {
		role_colours(th, i, &fg, &bg);
		assert_true(fg >= -1 && fg < 8 && bg >= -1 && bg < 8);
	}
	role_colours(th, ROLE_BORDER, &fg, &bg);
	assert_int_equal(fg, COLOR_RED);
	assert_int_equal(bg, COLOR_BLACK);
	assert_true(theme_attr(th, ROLE_BORDER) & A_BOLD);
	role_colours(th, ROLE_TITLE, &fg, &bg);
	assert_int_equal(fg, COLOR_RED);
	assert_int_equal(bg, -1);
	role_colours(th, ROLE_CONTACT, &fg, &bg);
	assert_int_equal(fg, COLOR_CYAN);
	assert_int_equal(bg, COLOR_BLACK);
	assert_true(theme_attr(th, ROLE_CONTACT) & A_BOLD);
	role_colours(th, ROLE_CONTACT_META, &fg, &bg);
	assert_int_equal(fg, COLOR_GREEN);
	assert_int_equal(bg, COLOR_WHITE);
	assert_int_equal(theme_attr(th, ROLE_CONTACT_META) & A_ATTRIBUTES &
	    ~A_COLOR, A_UNDERLINE);
	/* Grey on black would vanish: the foreground is made to show. */
	role_colours(th, ROLE_DAY, &fg, &bg);
	assert_int_equal(bg, COLOR_BLACK);
	assert_int_equal(fg, COLOR_WHITE);
	theme_free(th);
	screen_close(&s);
}

/* A terminal description with direct colour, compiled into dir by tic. */
static int
direct_terminfo(const char *dir)
{
	char *src, *cmd;
	int rc;

	src = write_file(dir, "direct.ti",
	    "hark-direct|hark test terminal with direct colour,\n"
	    "\tcolors#0x1000000, pairs#0x10000, RGB,\n"
	    "\tsetaf=\\E[%?%p1%{8}%<%t3%p1%d%e38:2::%p1%{65536}%/%d:"
	    "%p1%{256}%/%{255}%&%d:%p1%{255}%&%d%;m,\n"
	    "\tsetab=\\E[%?%p1%{8}%<%t4%p1%d%e48:2::%p1%{65536}%/%d:"
	    "%p1%{256}%/%{255}%&%d:%p1%{255}%&%d%;m,\n"
	    "\tuse=xterm-256color,\n");
	cmd = xasprintf("tic -x -o '%s' '%s' >/dev/null 2>&1", dir, src);
	rc = system(cmd);
	free(cmd);
	unlink(src);
	free(src);
	return rc == 0 ? 0 : -1;
}

static void
rm_tree(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

static void
check_direct(void)
{
	struct theme *th;
	int fg, bg;

	th = theme_from("color border #123456 #000000\n"
			"color title color117 red\n"
			"color contact bright-red default\n");
	theme_apply(th, 0);
	role_colours(th, ROLE_BORDER, &fg, &bg);
	assert_int_equal(fg, 0x123456);
	assert_int_equal(bg, 8); /* below 8 is a palette index there */
	role_colours(th, ROLE_TITLE, &fg, &bg);
	assert_int_equal(fg, 0x87d7ff);
	assert_int_equal(bg, COLOR_RED);
	role_colours(th, ROLE_CONTACT, &fg, &bg);
	assert_int_equal(fg, 0xff0000);
	assert_int_equal(bg, -1);
	assert_true(PAIR_NUMBER(theme_attr(th, ROLE_CONTACT)) < 256);
	theme_free(th);
}

/* Direct colour: RGB as it is. xterm-direct when installed, else our own. */
static void
test_apply_direct(void **state)
{
	struct screen s;
	char *dir = NULL, *old = NULL;
	const char *term = "xterm-direct";
	int opened;

	opened = screen_open(&s, term) == 0;
	if (!opened) {
		dir = test_tmpdir();
		old = xstrdup(getenv("TERMINFO"));
		if (direct_terminfo(dir) == 0) {
			setenv("TERMINFO", dir, 1);
			opened = screen_open(&s, "hark-direct") == 0;
		}
	}
	if (opened) {
		assert_true(COLORS >= 0x1000000);
		check_direct();
		screen_close(&s);
	}
	if (dir != NULL) {
		if (old != NULL)
			setenv("TERMINFO", old, 1);
		else
			unsetenv("TERMINFO");
		free(old);
		rm_tree(dir);
	}
	if (!opened)
		skip();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_degenerate),
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_colour_forms),
		cmocka_unit_test(test_nearest_256),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_changes_nothing),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_shipped_themes),
		cmocka_unit_test(test_apply_256),
		cmocka_unit_test(test_apply_8),
		cmocka_unit_test(test_apply_direct),
	};

	/* exit_curses (curs_memleaks(3X)) frees what ncurses keeps for the
	 * whole process, so LeakSanitizer reports only hark's own leaks. */
	exit_curses(cmocka_run_group_tests(tests, NULL, NULL));
}
