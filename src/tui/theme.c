/* theme.c — colour roles: the built-in defaults, theme files, curses colour pairs. */

/*
 * A theme gives each role of TUI_ROLES (tui_int.h) a foreground, a
 * background and attributes. Colours are kept as the user wrote them — the
 * terminal's default, a palette index 0-255, or an RGB value — and only
 * theme_apply turns them into what the terminal at hand can show, so one
 * theme file looks right on a direct-colour terminal, a 256-colour one and
 * the Linux console:
 *
 *   direct colour   RGB values are used as they are; palette indices 8-255
 *                   become the RGB of the standard palette (a direct-colour
 *                   terminal reads colour numbers of 8 and up as RGB);
 *   256 colours     indices as they are; RGB to the nearest of the 6x6x6
 *                   cube and the 24 greys;
 *   8 or 16         anything past what the terminal has becomes the basic
 *                   colour of the same hue, and on 8 colours a bright
 *                   foreground becomes its plain colour in bold.
 *
 * hark never redefines the terminal's palette (no init_color): the user
 * chose those colours. Roles that share a foreground and background share a
 * colour pair, and pair numbers stay below 256 so COLOR_PAIR() holds them.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_int.h"

#define THEME_DEFAULT (-1)
#define THEME_RGB 0x1000000 /* set on RGB colours; 0xrrggbb below it */
#define THEME_IS_RGB(c) ((c) >= 0 && ((c) & THEME_RGB))

struct theme_spec {
	int fg, bg;
	attr_t attrs;
};

struct theme {
	struct theme_spec spec[ROLE__COUNT];
	attr_t attr[ROLE__COUNT]; /* what theme_attr returns */
};

/* What theme_apply learned of the terminal. */
struct theme_term {
	int colors;
	int direct;
	int defaults; /* use_default_colors worked: -1 is allowed */
};

static const struct theme_spec theme_builtin[] = {
#define THEME_SPEC(r, name, fg, bg, a) { fg, bg, a },
	TUI_ROLES(THEME_SPEC)
#undef THEME_SPEC
};

static const char *const theme_names[] = {
#define THEME_NAME(r, name, fg, bg, a) name,
	TUI_ROLES(THEME_NAME)
#undef THEME_NAME
};

static const char *const theme_colour_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"bright-black", "bright-red", "bright-green", "bright-yellow",
	"bright-blue", "bright-magenta", "bright-cyan", "bright-white"
};

static const char *const theme_attr_names[] = {
	"bold", "dim", "underline", "reverse", "italic", "blink", "standout",
	"none"
};
static const attr_t theme_attr_bits[] = {
	A_BOLD, A_DIM, A_UNDERLINE, A_REVERSE, A_ITALIC, A_BLINK, A_STANDOUT, 0
};

/* xterm's colours 0-15: what "red" looks like when we must reason in RGB. */
static const int theme_basic_rgb[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd,
	0xe5e5e5, 0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff,
	0x00ffff, 0xffffff
};

static const int theme_cube_levels[6] = { 0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff };

static size_t theme_distance(const char *, const char *);
static const char *theme_suggest(const char *, const char *const *, size_t,
    size_t *);
static int theme_role_find(const char *);
static const char *theme_role_suggest(const char *);
static int theme_parse_number(const char *, int *);
static int theme_parse_colour(const char *, int *);
static int theme_parse_attr(const char *, attr_t *);
static char *theme_word_error(const char *, int);
static char *theme_next_word(char **, int);
static int theme_parse_line(struct theme_spec *, char *, char **);
static int theme_rgb_of(int);
static int theme_sqdist(int, int);
static int theme_nearest_256(int);
static int theme_nearest_16(int);
static int theme_map(const struct theme_term *, int, attr_t *);
static int theme_contrast(const struct theme_term *, int);
static int theme_pair(const struct theme_term *, int, int, int *, int *, int);
static attr_t theme_mono_extra(enum tui_role);
static int theme_has_colour(const struct theme *);

/* ---- the theme object ---------------------------------------------------- */

struct theme *
theme_new(void)
{
	struct theme *th = xcalloc(1, sizeof *th);
	int i;

	for (i = 0; i < ROLE__COUNT; i++) {
		th->spec[i] = theme_builtin[i];
		th->attr[i] = th->spec[i].attrs;
	}
	return th;
}

void
theme_free(struct theme *th)
{
	free(th);
}

const char *
theme_role_name(enum tui_role role)
{
	if ((int)role < 0 || role >= ROLE__COUNT)
		return NULL;
	return theme_names[role];
}

attr_t
theme_attr(const struct theme *th, enum tui_role role)
{
	HARK_ASSERT(th != NULL && (int)role >= 0 && role < ROLE__COUNT);
	return th->attr[role];
}

/* ---- names and suggestions ----------------------------------------------- */

/* Edit distance (Levenshtein) between two short words. */
static size_t
theme_distance(const char *a, const char *b)
{
	size_t row[65], la = strlen(a), lb = strlen(b), i, j, diag, up, best;

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/*
 * The name closest to a mistyped word, or NULL when none is close enough to
 * be a likely typo (two edits, three for long names, never most of the word).
 */
static const char *
theme_suggest(const char *word, const char *const *names, size_t n,
    size_t *dist)
{
	const char *best = NULL;
	size_t i, d, bestd = SIZE_MAX, limit = strlen(word) >= 8 ? 3 : 2;

	for (i = 0; i < n; i++) {
		d = theme_distance(word, names[i]);
		if (d < bestd) {
			bestd = d;
			best = names[i];
		}
	}
	if (best == NULL || bestd > limit || bestd >= strlen(word))
		best = NULL;
	if (dist != NULL)
		*dist = best != NULL ? bestd : SIZE_MAX;
	return best;
}

static int
theme_role_find(const char *name)
{
	int i;

	for (i = 0; i < ROLE__COUNT; i++) {
		if (strcmp(name, theme_names[i]) == 0)
			return i;
	}
	return -1;
}

/* A typo, or a role named without its group ("outbound"). */
static const char *
theme_role_suggest(const char *name)
{
	const char *s, *dot, *found = NULL;
	int i, n = 0;

	s = theme_suggest(name, theme_names, ROLE__COUNT, NULL);
	if (s != NULL)
		return s;
	for (i = 0; i < ROLE__COUNT; i++) {
		dot = strchr(theme_names[i], '.');
		if (dot != NULL && strcmp(dot + 1, name) == 0) {
			found = theme_names[i];
			n++;
		}
	}
	return n == 1 ? found : NULL;
}

/* ---- parsing ------------------------------------------------------------- */

static int
theme_parse_number(const char *s, int *out)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s) || v > 255)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v > 255)
		return -1;
	*out = (int)v;
	return 0;
}

/* A colour word: default, a name, colorN, N, or #rrggbb. */
static int
theme_parse_colour(const char *s, int *out)
{
	size_t i;

	if (hark_strcaseeq(s, "default")) {
		*out = THEME_DEFAULT;
		return 0;
	}
	for (i = 0; i < HARK_NELEM(theme_colour_names); i++) {
		if (hark_strcaseeq(s, theme_colour_names[i])) {
			*out = (int)i;
			return 0;
		}
	}
	if (s[0] == '#') {
		for (i = 1; i <= 6; i++) {
			if (!isxdigit((unsigned char)s[i]))
				return -1;
		}
		if (s[7] != '\0')
			return -1;
		*out = THEME_RGB | (int)strtol(s + 1, NULL, 16);
		return 0;
	}
	if (strncmp(s, "color", 5) == 0)
		return theme_parse_number(s + 5, out);
	if (strncmp(s, "colour", 6) == 0)
		return theme_parse_number(s + 6, out);
	return theme_parse_number(s, out);
}

static int
theme_parse_attr(const char *s, attr_t *out)
{
	size_t i;

	for (i = 0; i < HARK_NELEM(theme_attr_names); i++) {
		if (hark_strcaseeq(s, theme_attr_names[i])) {
			*out = theme_attr_bits[i];
			return 0;
		}
	}
	return -1;
}

/*
 * Says what is wrong with a word that is neither a colour nor an attribute,
 * where a colour is allowed (the background) or not (past it).
 */
static char *
theme_word_error(const char *w, int colour_ok)
{
	static const char usage[] = "use 0-255, a name, or #rrggbb";
	const char *sa, *sc = NULL;
	size_t da, dc = SIZE_MAX;
	int c;

	if (colour_ok && (w[0] == '#' || isdigit((unsigned char)w[0]) ||
	    strncmp(w, "colo", 4) == 0))
		return xasprintf("bad colour '%s': %s", w, usage);
	sa = theme_suggest(w, theme_attr_names, HARK_NELEM(theme_attr_names),
	    &da);
	if (colour_ok)
		sc = theme_suggest(w, theme_colour_names,
		    HARK_NELEM(theme_colour_names), &dc);
	if (sc != NULL && dc < da)
		return xasprintf("bad colour '%s' (did you mean '%s'?)", w, sc);
	if (sa != NULL)
		return xasprintf("unknown attribute '%s' (did you mean '%s'?)",
		    w, sa);
	if (colour_ok)
		return xasprintf("bad colour '%s': %s", w, usage);
	if (theme_parse_colour(w, &c) == 0)
		return xasprintf("'%s' is a colour, but a role takes only a "
		    "foreground and a background", w);
	return xasprintf("unknown attribute '%s': use bold, dim, underline, "
	    "reverse, italic, blink, standout or none", w);
}

/*
 * The next word of a line, or NULL at its end or at a comment: a line whose
 * first word starts with '#', or a '#' standing alone ("# note"). A word
 * like "#ff0000" is a colour, so a mistyped one is an error, not a comment.
 */
static char *
theme_next_word(char **p, int first)
{
	char *s = *p, *w;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	if (*s == '\0' || (*s == '#' && (first || s[1] == '\0' ||
	    isspace((unsigned char)s[1])))) {
		*p = s;
		return NULL;
	}
	w = s;
	while (*s != '\0' && !isspace((unsigned char)*s))
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return w;
}

/* One line into spec; a blank line or comment changes nothing. */
static int
theme_parse_line(struct theme_spec *spec, char *line, char **why)
{
	struct theme_spec r = { THEME_DEFAULT, THEME_DEFAULT, 0 };
	char *p = line, *w;
	const char *s;
	int role, nword;
	attr_t a;

	if ((w = theme_next_word(&p, 1)) == NULL)
		return 0;
	if (strcmp(w, "color") != 0 && strcmp(w, "colour") != 0) {
		s = theme_suggest(w, (const char *const[]){ "color" }, 1, NULL);
		*why = s != NULL ? xasprintf("unknown command '%s' (did you "
		    "mean 'color'?)", w) : xasprintf("unknown command '%s': a "
		    "theme line is 'color ROLE FG [BG] [ATTR...]'", w);
		return -1;
	}
	if ((w = theme_next_word(&p, 0)) == NULL) {
		*why = xstrdup("color needs a role and a colour");
		return -1;
	}
	if ((role = theme_role_find(w)) == -1) {
		s = theme_role_suggest(w);
		*why = s != NULL ? xasprintf("unknown role '%s' (did you mean "
		    "'%s'?)", w, s) : xasprintf("unknown role '%s'", w);
		return -1;
	}
	if ((w = theme_next_word(&p, 0)) == NULL) {
		*why = xasprintf("role '%s' needs a colour", theme_names[role]);
		return -1;
	}
	if (theme_parse_colour(w, &r.fg) != 0) {
		*why = theme_word_error(w, 1);
		return -1;
	}
	for (nword = 0; (w = theme_next_word(&p, 0)) != NULL; nword++) {
		if (theme_parse_attr(w, &a) == 0)
			r.attrs = a == 0 ? 0 : r.attrs | a;
		else if (nword == 0 && theme_parse_colour(w, &r.bg) == 0)
			continue;
		else {
			*why = theme_word_error(w, nword == 0);
			return -1;
		}
	}
	spec[role] = r;
	return 0;
}

/*
 * Reads a theme file over th. The whole file is checked first: a file with
 * an error changes nothing, so a typo never leaves a half-applied theme.
 * Call theme_apply again for the change to reach the screen.
 */
int
theme_load(struct theme *th, const char *path, char **cause)
{
	struct theme_spec spec[ROLE__COUNT];
	char *line = NULL, *why = NULL;
	size_t size = 0;
	int lineno = 0, i, rc = 0;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		set_cause(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	memcpy(spec, th->spec, sizeof spec);
	while (getline(&line, &size, f) != -1) {
		lineno++;
		if (theme_parse_line(spec, line, &why) != 0) {
			set_cause(cause, "%s:%d: %s", path, lineno, why);
			free(why);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		set_cause(cause, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	if (rc != 0)
		return -1;
	memcpy(th->spec, spec, sizeof spec);
	for (i = 0; i < ROLE__COUNT; i++)
		th->attr[i] = spec[i].attrs;
	return 0;
}

/* ---- colours for the terminal at hand ------------------------------------ */

/* The RGB value of a palette index (xterm's palette) or RGB colour. */
static int
theme_rgb_of(int c)
{
	if (THEME_IS_RGB(c))
		return c & 0xffffff;
	if (c < 16)
		return theme_basic_rgb[c];
	if (c < 232) {
		c -= 16;
		return theme_cube_levels[c / 36] << 16 |
		    theme_cube_levels[c / 6 % 6] << 8 | theme_cube_levels[c % 6];
	}
	c = 8 + 10 * (c - 232);
	return c << 16 | c << 8 | c;
}

static int
theme_sqdist(int a, int b)
{
	int dr = (a >> 16 & 0xff) - (b >> 16 & 0xff);
	int dg = (a >> 8 & 0xff) - (b >> 8 & 0xff);
	int db = (a & 0xff) - (b & 0xff);

	return dr * dr + dg * dg + db * db;
}

/* The nearest of colours 16-255: the cube point or the grey, by squared
 * distance. Colours 0-15 are left out: terminals disagree about them. */
static int
theme_nearest_256(int rgb)
{
	int ch[3] = { rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff };
	int idx[3], i, k, best, cube, grey = 232, d;

	for (i = 0; i < 3; i++) {
		idx[i] = 0;
		for (k = 1; k < 6; k++) {
			if (abs(ch[i] - theme_cube_levels[k]) <
			    abs(ch[i] - theme_cube_levels[idx[i]]))
				idx[i] = k;
		}
	}
	cube = 16 + 36 * idx[0] + 6 * idx[1] + idx[2];
	best = theme_sqdist(rgb, theme_rgb_of(grey));
	for (k = 233; k < 256; k++) {
		if ((d = theme_sqdist(rgb, theme_rgb_of(k))) < best) {
			best = d;
			grey = k;
		}
	}
	return theme_sqdist(rgb, theme_rgb_of(cube)) <= best ? cube : grey;
}

/*
 * The basic colour (0-15) of the same hue. Plain RGB distance would send
 * most of the muted colours a 256-colour theme uses to grey and lose what
 * told outbound from inbound; the hue keeps it.
 */
static int
theme_nearest_16(int rgb)
{
	static const int sector[6] = { 1, 3, 2, 6, 4, 5 }; /* R Y G C B M */
	int r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
	int max = r > g ? (r > b ? r : b) : (g > b ? g : b);
	int min = r < g ? (r < b ? r : b) : (g < b ? g : b);
	int d = max - min, h;

	if (d < 0x30) {
		if (max < 0x40)
			return 0;
		return max < 0xa0 ? 8 : max < 0xe0 ? 7 : 15;
	}
	if (max == r)
		h = 60 * (g - b) / d;
	else if (max == g)
		h = 120 + 60 * (b - r) / d;
	else
		h = 240 + 60 * (r - g) / d;
	h = (h + 360 + 30) % 360 / 60;
	return sector[h] + (max >= 0xe6 ? 8 : 0);
}

/*
 * A theme colour as a colour number this terminal has. bold is NULL for a
 * background; for a foreground, *bold is set when an 8-colour terminal
 * needs bold to show a bright colour. Without default colours, the
 * default is white on black.
 */
static int
theme_map(const struct theme_term *tt, int c, attr_t *bold)
{
	int rgb;

	if (c == THEME_DEFAULT)
		return tt->defaults ? -1 : (bold != NULL ? COLOR_WHITE :
		    COLOR_BLACK);
	if (tt->direct) {
		if (!THEME_IS_RGB(c) && c < 8)
			return c;
		/* Below 8 a direct-colour terminal reads a palette index. */
		rgb = theme_rgb_of(c);
		return rgb < 8 ? 8 : rgb;
	}
	if (!THEME_IS_RGB(c) && (c < 16 ? c < tt->colors : tt->colors >= 256))
		return c;
	if (tt->colors >= 256)
		return theme_nearest_256(theme_rgb_of(c));
	c = THEME_IS_RGB(c) || c >= 16 ? theme_nearest_16(theme_rgb_of(c)) : c;
	if (c >= tt->colors && c >= 8) {
		c -= 8;
		if (bold != NULL)
			*bold = A_BOLD;
	}
	return c;
}

/* A foreground that shows on bg, for when mapping made the two the same. */
static int
theme_contrast(const struct theme_term *tt, int bg)
{
	int rgb = tt->direct && bg >= 8 ? bg : theme_rgb_of(bg);
	int lum = (2 * (rgb >> 16 & 0xff) + 5 * (rgb >> 8 & 0xff) +
	    (rgb & 0xff)) / 8;

	return lum >= 0x80 ? COLOR_BLACK : COLOR_WHITE;
}

/*
 * The pair for fg on bg: one an earlier role made, else the next free
 * number, else 0 (the role goes without colour) when the terminal has no
 * more pairs or the next would not fit COLOR_PAIR().
 */
static int
theme_pair(const struct theme_term *tt, int fg, int bg, int *fgs, int *bgs,
    int used)
{
	int i, rc;

	if (fg == -1 && bg == -1)
		return 0;
	for (i = 1; i <= used; i++) {
		if (fgs[i] == fg && bgs[i] == bg)
			return i;
	}
	i = used + 1;
	if (i >= COLOR_PAIRS || i > 255)
		return -1;
#if NCURSES_EXT_COLORS
	rc = init_extended_pair(i, fg, bg);
#else
	rc = tt->direct ? ERR : init_pair((short)i, (short)fg, (short)bg);
#endif
	if (rc != OK)
		return -1;
	fgs[i] = fg;
	bgs[i] = bg;
	return i;
}

/* Without colour, a selection or bar still has to stand out. */
static attr_t
theme_mono_extra(enum tui_role role)
{
	switch (role) {
	case ROLE_CONTACT_SELECTED:
	case ROLE_MSG_SELECTED:
	case ROLE_PICKER_SELECTED:
	case ROLE_BAR:
	case ROLE_BAR_ERROR:
	case ROLE_BAR_OK:
		return A_REVERSE;
	case ROLE_MATCH:
		/* Underlined, so a match inside the selection still shows. */
		return A_UNDERLINE | A_BOLD;
	default:
		return 0;
	}
}

/* A theme that names no colour at all (mono.theme) is a monochrome one. */
static int
theme_has_colour(const struct theme *th)
{
	int i;

	for (i = 0; i < ROLE__COUNT; i++) {
		if (th->spec[i].fg != THEME_DEFAULT ||
		    th->spec[i].bg != THEME_DEFAULT)
			return 1;
	}
	return 0;
}

void
theme_apply(struct theme *th, int mono)
{
	struct theme_term tt;
	int fgs[256], bgs[256], used = 0, i, fg, bg, pair;
	attr_t bold;

	if (!mono && (!has_colors() || !theme_has_colour(th) ||
	    start_color() != OK || COLORS < 8))
		mono = 1;
	if (mono) {
		for (i = 0; i < ROLE__COUNT; i++)
			th->attr[i] = th->spec[i].attrs | theme_mono_extra(i);
		return;
	}
	tt.colors = COLORS;
	tt.direct = tigetflag("RGB") > 0 || COLORS >= 0x1000000;
	tt.defaults = use_default_colors() == OK;
	for (i = 0; i < ROLE__COUNT; i++) {
		bold = 0;
		fg = theme_map(&tt, th->spec[i].fg, &bold);
		bg = theme_map(&tt, th->spec[i].bg, NULL);
		if (fg == bg && fg != -1)
			fg = theme_contrast(&tt, bg);
		pair = theme_pair(&tt, fg, bg, fgs, bgs, used);
		if (pair > used)
			used = pair;
		th->attr[i] = th->spec[i].attrs | bold |
		    (pair > 0 ? (attr_t)COLOR_PAIR(pair) : 0);
	}
}
