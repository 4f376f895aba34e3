/* keymap.c — key bindings per mode, from keymaps/ files and the user's own. */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui_int.h"

/*
 * A binding maps one key to a command line kept as written, quotes and all,
 * so that tui_cmd_run splits it exactly as it splits what the user types at
 * the `:` prompt. A mode holds a few dozen bindings at most: a plain array
 * searched from the start is fast enough for every key press, and it keeps
 * the order the help screen shows. A later binding of the same key replaces
 * the command and note in place, so a user's override stays where the
 * default put it in help.
 */
struct binding {
	int key;
	char *command;
	char *note; /* NULL when the line had none */
};

struct keytable {
	struct binding *b;
	int n, cap;
};

struct keymap {
	struct keytable modes[MODE__COUNT];
};

/* One line being parsed: where it came from, the rest of it, the last word. */
struct km_line {
	const char *where;
	int lineno;
	const char *p;
	struct hbuf w;
	enum tui_mode mode;
	int key;
};

static const char *const mode_names[MODE__COUNT] = {
	[MODE_GLOBAL] = "global",
	[MODE_CONTACTS] = "contacts",
	[MODE_THREAD] = "thread",
	[MODE_COMPOSER] = "composer",
	[MODE_PROMPT] = "prompt",
	[MODE_PICKER] = "picker",
	[MODE_REPORT] = "report",
};

/*
 * Keys with names; F1..F12, C-x and characters are worked out. Curses key
 * codes carry TUI_KEY_CODE, since their numbers (0401-0777) are also those
 * of the characters U+0101-U+01FF.
 */
static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "Enter", TUI_KEY_ENTER },
	{ "Tab", TUI_KEY_TAB },
	{ "BTab", TUI_KEY_CODE | KEY_BTAB },
	{ "Escape", TUI_KEY_ESCAPE },
	{ "Space", ' ' },
	{ "BSpace", TUI_KEY_CODE | KEY_BACKSPACE },
	{ "Up", TUI_KEY_CODE | KEY_UP },
	{ "Down", TUI_KEY_CODE | KEY_DOWN },
	{ "Left", TUI_KEY_CODE | KEY_LEFT },
	{ "Right", TUI_KEY_CODE | KEY_RIGHT },
	{ "Home", TUI_KEY_CODE | KEY_HOME },
	{ "End", TUI_KEY_CODE | KEY_END },
	{ "PageUp", TUI_KEY_CODE | KEY_PPAGE },
	{ "PageDown", TUI_KEY_CODE | KEY_NPAGE },
	{ "Insert", TUI_KEY_CODE | KEY_IC },
	{ "Delete", TUI_KEY_CODE | KEY_DC },
};

#define KM_FKEYS 12

static struct binding *keytable_find(const struct keytable *kt, int key);
static void keytable_set(struct keytable *kt, int key, char *command,
    char *note);
static void keytable_unset(struct keytable *kt, int key);
static int key_utf8_one(const char *s);
static void key_utf8_put(int cp, char *out);
static int key_is_char(int cp);
static int key_base_parse(const char *s);
static int key_ctrl(int key);
static void key_base_name(int key, char *buf, size_t size);
static int km_fail(struct km_line *l, char **cause, const char *fmt, ...)
    HARK_PRINTF(3, 4);
static int km_word(struct km_line *l);
static int km_mode_key(struct km_line *l, char **cause);
static int km_command(struct km_line *l, char **cmd, char **note,
    char **cause);
static int km_bind(struct keymap *km, struct km_line *l, char **cause);
static int km_unbind(struct keymap *km, struct km_line *l, char **cause);

/* ---- modes --------------------------------------------------------------- */

const char *
tui_mode_name(enum tui_mode m)
{
	if ((int)m < 0 || m >= MODE__COUNT)
		return "unknown";
	return mode_names[m];
}

int
tui_mode_parse(const char *s, enum tui_mode *out)
{
	int m;

	if (s == NULL)
		return -1;
	for (m = 0; m < MODE__COUNT; m++) {
		if (strcmp(s, mode_names[m]) == 0) {
			*out = (enum tui_mode)m;
			return 0;
		}
	}
	return -1;
}

/* ---- the tables ---------------------------------------------------------- */

struct keymap *
keymap_new(void)
{
	return xcalloc(1, sizeof(struct keymap));
}

void
keymap_free(struct keymap *km)
{
	struct keytable *kt;
	int m, i;

	if (km == NULL)
		return;
	for (m = 0; m < MODE__COUNT; m++) {
		kt = &km->modes[m];
		for (i = 0; i < kt->n; i++) {
			free(kt->b[i].command);
			free(kt->b[i].note);
		}
		free(kt->b);
	}
	free(km);
}

static struct binding *
keytable_find(const struct keytable *kt, int key)
{
	int i;

	for (i = 0; i < kt->n; i++) {
		if (kt->b[i].key == key)
			return &kt->b[i];
	}
	return NULL;
}

/* Binds key to command (both now owned by the table), replacing in place. */
static void
keytable_set(struct keytable *kt, int key, char *command, char *note)
{
	struct binding *b = keytable_find(kt, key);

	if (b == NULL) {
		if (kt->n == kt->cap) {
			kt->cap = kt->cap ? kt->cap * 2 : 16;
			kt->b = xreallocarray(kt->b, (size_t)kt->cap,
			    sizeof *kt->b);
		}
		b = &kt->b[kt->n++];
		b->key = key;
	} else {
		free(b->command);
		free(b->note);
	}
	b->command = command;
	b->note = note;
}

static void
keytable_unset(struct keytable *kt, int key)
{
	struct binding *b = keytable_find(kt, key);
	int i;

	if (b == NULL)
		return;
	i = (int)(b - kt->b);
	free(b->command);
	free(b->note);
	memmove(&kt->b[i], &kt->b[i + 1],
	    (size_t)(kt->n - i - 1) * sizeof *kt->b);
	kt->n--;
}

const char *
keymap_lookup(const struct keymap *km, enum tui_mode mode, int key)
{
	const struct binding *b;

	if (km == NULL || (int)mode < 0 || mode >= MODE__COUNT)
		return NULL;
	b = keytable_find(&km->modes[mode], key);
	/* The prompt is text entry: a global letter must never steal it. */
	if (b == NULL && mode != MODE_PROMPT)
		b = keytable_find(&km->modes[MODE_GLOBAL], key);
	return b != NULL ? b->command : NULL;
}

void
keymap_each(const struct keymap *km, enum tui_mode mode,
    void (*fn)(void *arg, int key, const char *command, const char *note),
    void *arg)
{
	const struct keytable *kt;
	int i;

	if (km == NULL || (int)mode < 0 || mode >= MODE__COUNT)
		return;
	kt = &km->modes[mode];
	for (i = 0; i < kt->n; i++)
		fn(arg, kt->b[i].key, kt->b[i].command, kt->b[i].note);
}

/* ---- key names ----------------------------------------------------------- */

/* The code point of s if s is exactly one UTF-8 character, else -1. */
static int
key_utf8_one(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	int cp, n, i, min;

	if (u[0] == '\0')
		return -1;
	if (u[0] < 0x80) {
		cp = u[0], n = 0, min = 0;
	} else if ((u[0] & 0xe0) == 0xc0) {
		cp = u[0] & 0x1f, n = 1, min = 0x80;
	} else if ((u[0] & 0xf0) == 0xe0) {
		cp = u[0] & 0x0f, n = 2, min = 0x800;
	} else if ((u[0] & 0xf8) == 0xf0) {
		cp = u[0] & 0x07, n = 3, min = 0x10000;
	} else
		return -1;
	for (i = 1; i <= n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (u[i] & 0x3f);
	}
	if (u[n + 1] != '\0' || cp < min || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	return cp;
}

/* Writes cp as UTF-8 and a NUL into out (at least 5 bytes). */
static void
key_utf8_put(int cp, char *out)
{
	if (cp < 0x80)
		*out++ = (char)cp;
	else if (cp < 0x800) {
		*out++ = (char)(0xc0 | (cp >> 6));
		*out++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*out++ = (char)(0xe0 | (cp >> 12));
		*out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*out++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*out++ = (char)(0xf0 | (cp >> 18));
		*out++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*out++ = (char)(0x80 | (cp & 0x3f));
	}
	*out = '\0';
}

/* A character that names itself: visible, not a control, not a space. */
static int
key_is_char(int cp)
{
	if (cp <= 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		return 0;
	return cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
}

/* A key without modifiers: a character, a name (any case) or F1..F12. */
static int
key_base_parse(const char *s)
{
	char *end;
	long n;
	size_t i;
	int cp;

	cp = key_utf8_one(s);
	if (cp >= 0)
		return key_is_char(cp) ? cp : -1;
	for (i = 0; i < HARK_NELEM(key_names); i++) {
		if (strcasecmp(s, key_names[i].name) == 0)
			return key_names[i].key;
	}
	if ((s[0] == 'F' || s[0] == 'f') && isdigit((unsigned char)s[1])) {
		errno = 0;
		n = strtol(s + 1, &end, 10);
		if (*end == '\0' && errno == 0 && n >= 1 && n <= KM_FKEYS)
			return TUI_KEY_CODE | KEY_F((int)n);
	}
	return -1;
}

/* The control code of a key (C-a is 1, C-Space 0, C-? 127), or -1. */
static int
key_ctrl(int key)
{
	if (key == ' ' || key == '@')
		return 0;
	if (key == '?')
		return 0x7f;
	if ((key >= 'a' && key <= 'z') || (key >= 'A' && key <= 'Z'))
		return TUI_KEY_CTRL(key);
	if (key > 0 && key < 0x80 && strchr("[\\]^_", key) != NULL)
		return TUI_KEY_CTRL(key);
	return -1;
}

int
keymap_key_parse(const char *name)
{
	const char *s = name;
	int ctrl = 0, meta = 0, key;

	if (s == NULL)
		return -1;
	/* Modifiers in either order, each at most once: C-M-x, M-C-x. */
	while ((s[0] == 'C' || s[0] == 'M') && s[1] == '-' && s[2] != '\0') {
		if (s[0] == 'C' && ctrl++)
			return -1;
		if (s[0] == 'M' && meta++)
			return -1;
		s += 2;
	}
	key = key_base_parse(s);
	if (key >= 0 && ctrl)
		key = key_ctrl(key);
	if (key >= 0 && meta)
		key |= TUI_KEY_META;
	return key;
}

static void
key_base_name(int key, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < HARK_NELEM(key_names); i++) {
		if (key_names[i].key == key) {
			snprintf(buf, size, "%s", key_names[i].name);
			return;
		}
	}
	if (key >= (TUI_KEY_CODE | KEY_F(1)) &&
	    key <= (TUI_KEY_CODE | KEY_F(KM_FKEYS)))
		snprintf(buf, size, "F%d", (key & ~TUI_KEY_CODE) - KEY_F0);
	else if (key == 0)
		snprintf(buf, size, "C-Space");
	else if (key < 0x20)
		snprintf(buf, size, "C-%c", key | (key <= 26 ? 0x60 : 0x40));
	else if (key == 0x7f)
		snprintf(buf, size, "C-?");
	else if (key_is_char(key) && size >= 5)
		key_utf8_put(key, buf);
	else
		snprintf(buf, size, "<%#x>", (unsigned)key);
}

void
keymap_key_name(int key, char *buf, size_t size)
{
	char base[16];

	if (size == 0)
		return;
	if (key < 0) {
		snprintf(buf, size, "<none>");
		return;
	}
	key_base_name(key & ~TUI_KEY_META, base, sizeof base);
	snprintf(buf, size, "%s%s", (key & TUI_KEY_META) ? "M-" : "", base);
}

/* ---- reading lines ------------------------------------------------------- */

/* Sets *cause to "WHERE:LINE: message" (no line when lineno < 1); -1. */
static int
km_fail(struct km_line *l, char **cause, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (l->lineno > 0)
		set_cause(cause, "%s:%d: %s", l->where, l->lineno, msg);
	else
		set_cause(cause, "%s: %s", l->where, msg);
	free(msg);
	return -1;
}

/*
 * Reads the next word into l->w with the quoting of tui_words: "double" and
 * 'single' quotes group, a backslash escapes the next character outside
 * single quotes. A '#' that starts a word begins the note and ends the
 * words (so bind '#' or \# to bind that key). Returns 1 with l->p past the
 * word; 0 at the end of the words, l->p left at the '#' or NUL; -1 for a
 * quote left open.
 */
static int
km_word(struct km_line *l)
{
	const char *p = l->p;
	char quote = 0;

	while (isspace((unsigned char)*p))
		p++;
	l->p = p;
	if (*p == '\0' || *p == '#')
		return 0;
	hbuf_reset(&l->w);
	hbuf_add(&l->w, "", 0);
	for (; *p != '\0'; p++) {
		if (quote != 0 && *p == quote)
			quote = 0;
		else if (quote == 0 && (*p == '"' || *p == '\''))
			quote = *p;
		else if (quote != '\'' && *p == '\\' && p[1] != '\0')
			hbuf_addc(&l->w, *++p);
		else if (quote == 0 && isspace((unsigned char)*p))
			break;
		else
			hbuf_addc(&l->w, *p);
	}
	l->p = p;
	return quote != 0 ? -1 : 1;
}

/* Reads "MODE KEY" into l->mode and l->key. */
static int
km_mode_key(struct km_line *l, char **cause)
{
	int rc;

	if ((rc = km_word(l)) <= 0)
		return km_fail(l, cause, rc < 0 ? "a quote is not closed" :
		    "missing mode (global, contacts, thread, composer, prompt, "
		    "picker)");
	if (tui_mode_parse(hbuf_str(&l->w), &l->mode) != 0)
		return km_fail(l, cause, "unknown mode '%s' (global, contacts, "
		    "thread, composer, prompt, picker)", hbuf_str(&l->w));
	if ((rc = km_word(l)) <= 0)
		return km_fail(l, cause, rc < 0 ? "a quote is not closed" :
		    "missing key after '%s'", tui_mode_name(l->mode));
	l->key = keymap_key_parse(hbuf_str(&l->w));
	if (l->key < 0)
		return km_fail(l, cause, "unknown key '%s' (a character, C-x, "
		    "M-x, Enter, Tab, Escape, Space, Up, PageDown, F1..F12, "
		    "...)", hbuf_str(&l->w));
	return 0;
}

/*
 * Reads "COMMAND [ARGS...] [# note]": checks the command exists and takes
 * that many arguments, and returns the command line as written and the
 * note (NULL when none), both allocated.
 */
static int
km_command(struct km_line *l, char **cmd, char **note, char **cause)
{
	const struct tui_cmd *c = NULL;
	const char *start, *end;
	int rc, nargs = -1;
	size_t len;

	while (isspace((unsigned char)*l->p))
		l->p++;
	start = end = l->p;
	while ((rc = km_word(l)) > 0) {
		if (nargs++ < 0 && (c = tui_cmd_find(hbuf_str(&l->w))) == NULL)
			return km_fail(l, cause, "unknown command '%s'",
			    hbuf_str(&l->w));
		end = l->p;
	}
	if (rc < 0)
		return km_fail(l, cause, "a quote is not closed");
	if (c == NULL)
		return km_fail(l, cause, "missing command for %s key",
		    tui_mode_name(l->mode));
	if (nargs < c->min_args || (c->max_args >= 0 && nargs > c->max_args))
		return km_fail(l, cause, "usage: %s %s", c->name, c->args);
	*cmd = xstrndup(start, (size_t)(end - start));
	*note = NULL;
	if (*l->p == '#') {
		start = l->p + 1;
		while (isspace((unsigned char)*start))
			start++;
		len = strlen(start);
		while (len > 0 && isspace((unsigned char)start[len - 1]))
			len--;
		if (len > 0)
			*note = xstrndup(start, len);
	}
	return 0;
}

static int
km_bind(struct keymap *km, struct km_line *l, char **cause)
{
	char *cmd = NULL, *note = NULL;

	if (km_mode_key(l, cause) != 0)
		return -1;
	if (km_command(l, &cmd, &note, cause) != 0)
		return -1;
	keytable_set(&km->modes[l->mode], l->key, cmd, note);
	return 0;
}

/* Unbinding a key that is not bound is fine: the user's file may say so. */
static int
km_unbind(struct keymap *km, struct km_line *l, char **cause)
{
	int rc;

	if (km_mode_key(l, cause) != 0)
		return -1;
	if ((rc = km_word(l)) != 0)
		return km_fail(l, cause, rc < 0 ? "a quote is not closed" :
		    "unbind takes a mode and a key, not '%s'", hbuf_str(&l->w));
	keytable_unset(&km->modes[l->mode], l->key);
	return 0;
}

int
keymap_bind_line(struct keymap *km, const char *line, const char *where,
    int lineno, char **cause)
{
	struct km_line l;
	const char *verb;
	int rc;

	memset(&l, 0, sizeof l);
	l.where = where != NULL ? where : "keymap";
	l.lineno = lineno;
	l.p = line != NULL ? line : "";
	rc = km_word(&l);
	verb = hbuf_str(&l.w);
	if (rc == 0)
		; /* a blank line or a comment */
	else if (rc < 0)
		rc = km_fail(&l, cause, "a quote is not closed");
	else if (strcmp(verb, "bind") == 0)
		rc = km_bind(km, &l, cause);
	else if (strcmp(verb, "unbind") == 0)
		rc = km_unbind(km, &l, cause);
	else
		rc = km_fail(&l, cause, "expected bind or unbind, not '%s'",
		    verb);
	hbuf_free(&l.w);
	return rc;
}

/* Lines before a bad one stay bound; the caller treats the error as fatal. */
int
keymap_load(struct keymap *km, const char *path, char **cause)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		set_cause(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, f) != -1)
		rc = keymap_bind_line(km, line, path, ++lineno, cause);
	if (rc == 0 && ferror(f)) {
		set_cause(cause, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}
