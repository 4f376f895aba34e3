/*
 * tui_int.h — the client's internal contract: the state, panes, commands,
 * keymaps and themes, and who owns what.
 *
 * Model. The engine and the store own the data; the client keeps only ids
 * (the selected contact, the selected message) and per-pane view models that
 * a pane's recalc builds from store/engine calls and its draw reads. Nothing
 * draws on the spot: handlers and event observers set dirty bits, and one
 * uv_prepare callback (tui_redraw, just before libuv polls) recalculates and
 * draws the dirty panes and calls doupdate() once per loop turn.
 *
 * Every action a key can do is a named command in one table (cmd.c); the
 * keymap (keymap.c) maps keys to command lines per mode, and the `:` prompt
 * runs command lines through the same dispatcher. Colours are roles
 * (theme.c); draw code names roles, never colours.
 *
 * Outside text (names, bodies, subjects, errors) is always drawn through
 * tui_put (draw.c), which sanitises it: an escape sequence in a message
 * never reaches the terminal.
 */
#ifndef HARK_TUI_INT_H
#define HARK_TUI_INT_H

#include <stdint.h>
#include <uv.h>

#include "hark/core.h"
#include "hark/engine.h"
#include "hark/store.h"
#include "hark/tui.h"

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

struct tui;
struct pane;
struct keymap;
struct theme;
struct engine;
struct config;
struct store_event;
struct notifier;

/* ---- modes and panes -------------------------------------------------------- */

/* A keymap table per mode; "global" bindings apply in every mode but prompt. */
enum tui_mode {
	MODE_GLOBAL,
	MODE_CONTACTS,
	MODE_THREAD,
	MODE_COMPOSER,
	MODE_PROMPT,
	MODE_PICKER,
	MODE_REPORT,
	MODE__COUNT
};
const char *tui_mode_name(enum tui_mode m);
int tui_mode_parse(const char *s, enum tui_mode *out);

enum pane_id { PANE_CONTACTS, PANE_THREAD, PANE_COMPOSER, PANE_STATUS, PANE__COUNT };

#define PANE_RECALC 0x1 /* rebuild the view model from the store */
#define PANE_DRAW   0x2 /* draw the view model again */

struct pane_ops {
	const char *name;
	enum tui_mode mode;                 /* its keymap table when focused */
	void (*init)(struct pane *p);
	void (*free)(struct pane *p);
	void (*recalc)(struct pane *p);     /* view model from store/engine */
	void (*draw)(struct pane *p);       /* view model to p->win, no I/O */
	/* A key no binding took (text entry); 1 if used. May be NULL. */
	int (*key)(struct pane *p, wint_t ch, int is_keycode);
	/* An engine or journal event; sets dirty bits, nothing else. May be NULL. */
	void (*event)(struct pane *p, const struct store_event *ev);
};

struct pane {
	const struct pane_ops *ops;
	struct tui *tui;
	WINDOW *win;            /* NULL while the terminal is too small */
	int x, y, w, h;
	unsigned dirty;
	void *data;             /* the pane's own state (ops->init allocates) */
};

extern const struct pane_ops pane_contacts_ops;
extern const struct pane_ops pane_thread_ops;
extern const struct pane_ops pane_composer_ops;
extern const struct pane_ops pane_status_ops;

/* Marks one pane, or every pane, for recalc and/or draw. */
void pane_dirty(struct pane *p, unsigned what);
void tui_dirty_all(struct tui *t, unsigned what);

/* ---- overlays: the prompt line and pickers ------------------------------------ */

/* The `:` and `/` line at the bottom: editing, completion, history. */
struct prompt;
/* Opens the prompt with a leading character (':' or '/') and initial text. */
void prompt_open(struct tui *t, char lead, const char *text);
void prompt_close(struct tui *t);
/* A question shown dim after the typed text until the prompt closes. */
void prompt_set_hint(struct tui *t, const char *hint);
int prompt_is_open(struct tui *t);
int prompt_key(struct tui *t, wint_t ch, int is_keycode);
void prompt_draw(struct tui *t);
void prompt_free(struct tui *t);

/*
 * A picker: a filterable list over the thread pane (search hits, templates,
 * help). Each item is a line to show (outside text is sanitised when drawn),
 * a preview, and an id for the chooser.
 */
struct picker_item {
	char *label;
	char *detail;       /* right-hand or second line, may be NULL */
	char *preview;      /* shown under the list, may be NULL */
	int64_t id;
	int64_t id2;
	int warn;           /* draw detail in the warning role (missing variables) */
};
struct picker;
typedef void (*picker_choose_cb)(struct tui *t, const struct picker_item *it);
/* Opens a picker; it owns items (freed on close). filterable: typing filters. */
void picker_open(struct tui *t, const char *title, struct picker_item *items,
    int nitems, int filterable, picker_choose_cb choose);
void picker_close(struct tui *t);
/* Frees items that were never handed to picker_open. */
void picker_items_free(struct picker_item *items, int n);
int picker_is_open(struct tui *t);
int picker_key(struct tui *t, wint_t ch, int is_keycode);
void picker_draw(struct tui *t);
void picker_move(struct tui *t, int delta);
void picker_choose(struct tui *t);

/* The dashboard (pane_report.c, report_draw.c): the report full screen in
 * mode "report", opened by `:report`; it redraws whenever the screen does. */
struct report_view;
int report_view_is_open(struct tui *t);
void report_view_close(struct tui *t);
void report_view_draw(struct tui *t);
int report_view_dirty(struct tui *t);
void report_view_event(struct tui *t, const struct store_event *ev);

/* ---- commands ---------------------------------------------------------------------- */

#define CMD_NEEDS_CONTACT 0x1  /* a contact must be selected */
#define CMD_NEEDS_MESSAGE 0x2  /* a message must be selected in the thread */
#define CMD_NEEDS_ENGINE  0x4  /* sending (the engine must be up) */

struct tui_cmd {
	const char *name;
	const char *alias;      /* may be NULL */
	const char *args;       /* usage of the arguments, "" when none */
	const char *help;       /* one line, for `?` and completion */
	unsigned flags;
	int min_args, max_args; /* max -1: any */
	/* Returns 0, or -1 with *cause for the status line. */
	int (*exec)(struct tui *t, int argc, char **argv, char **cause);
};

/* The table, sorted by name; NULL-terminated by a zero entry. */
extern const struct tui_cmd tui_cmds[];
const struct tui_cmd *tui_cmd_find(const char *name);
/* Splits a command line into words (quotes, backslashes), checks the
 * command's preconditions and runs it. Errors go to the status line. */
int tui_cmd_run(struct tui *t, const char *line);
/* Words of a line, as tui_cmd_run splits them. Returns argc; argv freed by
 * tui_words_free. */
int tui_words(const char *line, char ***argv);
void tui_words_free(int argc, char **argv);

/* ---- keymaps ------------------------------------------------------------------------- */

/*
 * A keymap file holds lines `bind MODE KEY COMMAND [ARGS...]`, optionally
 * followed by `# note` (shown in `?`), `unbind MODE KEY`, and comments.
 * Keys: a character (j, ?, G), C-x, M-x, Enter, Tab, BTab, Escape, Space,
 * BSpace, Up, Down, Left, Right, Home, End, PageUp, PageDown, Insert, Delete,
 * F1..F12.
 */
struct keymap *keymap_new(void);
void keymap_free(struct keymap *km);
/* Reads bindings from a file, over what the keymap has. An error names
 * "FILE:LINE:" and what is wrong (unknown mode, key or command). */
int keymap_load(struct keymap *km, const char *path, char **cause);
/* Adds one binding from a line of text (same syntax as the file). */
int keymap_bind_line(struct keymap *km, const char *line, const char *where,
    int lineno, char **cause);
/* The command line bound to key in mode (then global), or NULL. */
const char *keymap_lookup(const struct keymap *km, enum tui_mode mode, int key);
/* A key code (see tui_key_*) from its name, or -1. */
int keymap_key_parse(const char *name);
/* The name of a key code, in buf. */
void keymap_key_name(int key, char *buf, size_t size);
/* Calls fn for each binding of a mode, in the order they were made. */
void keymap_each(const struct keymap *km, enum tui_mode mode,
    void (*fn)(void *arg, int key, const char *command, const char *note), void *arg);

/*
 * Key codes: a Unicode code point for a character; TUI_KEY_CODE | KEY_*
 * for curses' special keys; these for the rest.
 */
#define TUI_KEY_META 0x40000000   /* M-x: TUI_KEY_META | 'x' */
#define TUI_KEY_CODE 0x20000000   /* a curses KEY_*: TUI_KEY_CODE | KEY_UP */
#define TUI_KEY_ENTER '\r'
#define TUI_KEY_TAB '\t'
#define TUI_KEY_ESCAPE 0x1b
#define TUI_KEY_CTRL(c) ((c) & 0x1f)

/* ---- themes ------------------------------------------------------------------------ */

/* The roles draw code uses. X(name, "file name", fg, bg, attrs) */
#define TUI_ROLES(X) \
	X(ROLE_DEFAULT,          "default",          -1, -1, 0) \
	X(ROLE_BORDER,           "border",            8, -1, 0) \
	X(ROLE_TITLE,            "title",            15, -1, A_BOLD) \
	X(ROLE_TITLE_FOCUS,      "title.focus",      14, -1, A_BOLD) \
	X(ROLE_CONTACT,          "contact",          -1, -1, 0) \
	X(ROLE_CONTACT_UNREAD,   "contact.unread",   15, -1, A_BOLD) \
	X(ROLE_CONTACT_SELECTED, "contact.selected", 15, 24, A_BOLD) \
	X(ROLE_CONTACT_OPTEDOUT, "contact.optedout",  9, -1, 0) \
	X(ROLE_CONTACT_META,     "contact.meta",      8, -1, 0) \
	X(ROLE_DAY,              "thread.day",        8, -1, 0) \
	X(ROLE_INBOUND,          "thread.inbound",   -1, -1, 0) \
	X(ROLE_OUTBOUND,         "thread.outbound",  117, -1, 0) \
	X(ROLE_MSG_META,         "thread.meta",       8, -1, 0) \
	X(ROLE_MSG_SELECTED,     "thread.selected",  -1, 236, 0) \
	X(ROLE_SUBJECT,          "thread.subject",   15, -1, A_BOLD) \
	X(ROLE_QUOTE,            "thread.quote",      8, -1, 0) \
	X(ROLE_CALL,             "thread.call",     180, -1, 0) \
	X(ROLE_CHANNEL,          "thread.channel",   109, -1, 0) \
	X(ROLE_ST_PENDING,       "status.pending",  180, -1, 0) \
	X(ROLE_ST_SCHEDULED,     "status.scheduled", 141, -1, 0) \
	X(ROLE_ST_SENT,          "status.sent",       8, -1, 0) \
	X(ROLE_ST_DELIVERED,     "status.delivered", 114, -1, 0) \
	X(ROLE_ST_READ,          "status.read",      114, -1, A_BOLD) \
	X(ROLE_ST_FAILED,        "status.failed",     9, -1, A_BOLD) \
	X(ROLE_ST_UNCERTAIN,     "status.uncertain", 214, -1, A_BOLD) \
	X(ROLE_PRICE,            "thread.price",      8, -1, 0) \
	X(ROLE_COMPOSER,         "composer",         -1, -1, 0) \
	X(ROLE_COMPOSER_INFO,    "composer.info",     8, -1, 0) \
	X(ROLE_COMPOSER_WARN,    "composer.warn",   214, -1, 0) \
	X(ROLE_BAR,              "bar",              252, 236, 0) \
	X(ROLE_BAR_ERROR,        "bar.error",        15, 124, A_BOLD) \
	X(ROLE_BAR_OK,           "bar.ok",          114, 236, 0) \
	X(ROLE_PROMPT,           "prompt",           -1, -1, 0) \
	X(ROLE_PICKER,           "picker",           -1, 235, 0) \
	X(ROLE_PICKER_SELECTED,  "picker.selected",  15, 24, A_BOLD) \
	X(ROLE_MATCH,            "match",            0, 220, 0) \
	X(ROLE_WARN,             "warn",            214, -1, A_BOLD)

#define TUI_ROLE_ENUM(r, name, fg, bg, attr) r,
enum tui_role { TUI_ROLES(TUI_ROLE_ENUM) ROLE__COUNT };
#undef TUI_ROLE_ENUM

/*
 * A theme file holds lines `color ROLE FG [BG] [ATTR...]`: colours are
 * `default`, a name (black red green yellow blue magenta cyan white, and
 * bright-*), `colorN` (0-255) or `#rrggbb` (truecolour when the terminal has
 * it, else the nearest of 256); attributes bold dim underline reverse
 * italic blink standout. An error names "FILE:LINE:" and what is wrong.
 */
struct theme *theme_new(void);        /* the built-in defaults above */
void theme_free(struct theme *th);
int theme_load(struct theme *th, const char *path, char **cause);
/* Sets up curses colour pairs for the current terminal (after initscr).
 * mono: attributes only (NO_COLOR, or a terminal without colours). */
void theme_apply(struct theme *th, int mono);
/* The curses attributes (colour pair and A_*) of a role. */
attr_t theme_attr(const struct theme *th, enum tui_role role);
const char *theme_role_name(enum tui_role role);

/* ---- drawing helpers (draw.c) ------------------------------------------------------- */

/*
 * Draws outside text s at the cursor of win in role, sanitised (one line:
 * newlines and tabs become spaces), clipped to `cols` columns; returns the
 * columns used. A wide character that does not fit is not drawn.
 */
int tui_put(struct tui *t, WINDOW *win, enum tui_role role, const char *s, int cols);
/* The same for text that is already safe (hark's own strings). */
int tui_put_raw(struct tui *t, WINDOW *win, enum tui_role role, const char *s,
    int cols);
/* Splits safe text into lines of at most cols columns (word wrap; long
 * words broken), appending to *lines. Returns the new count. */
int tui_wrap(const char *safe, int cols, char ***lines, int nlines);
/* Fills the rest of the line from the cursor with spaces in role. */
void tui_clear_eol(struct tui *t, WINDOW *win, enum tui_role role);

/* ---- the client ------------------------------------------------------------------------ */

struct tui {
	uv_loop_t *loop;
	struct store *st;
	struct config *cfg;
	struct engine *engine;
	const char *data_dir;

	struct pane panes[PANE__COUNT];
	enum pane_id focus;
	struct keymap *keymap;
	struct theme *theme;
	char *theme_name;
	int mono;

	/* The selection, by id: re-looked up whenever used. */
	int64_t contact_id;
	int64_t message_id;
	int64_t call_placed;        /* a call from here, until it ends */
	int64_t call_ended;         /* the call :outcome applies to */
	struct contact_filter filter; /* the engine's, as bulk sends take it */
	char *search;               /* the last `/` query, for n and N */
	struct tui_hit {
		int64_t message_id;
		int64_t contact_id;
	} *hits;                    /* its hits, newest first */
	int nhits;
	int hit;                    /* the current one, -1 before n */

	/* Status line. */
	char *message;
	int message_error;
	int64_t message_at;

	struct prompt *prompt;
	struct picker *picker;
	struct report_view *report;  /* the dashboard (pane_report.c), NULL when closed */

	int rows, cols;
	int too_small;
	int quit;
	int64_t last_event_id;

	struct notifier *notifier;  /* new messages while you look elsewhere */

	int handles_started;
	int stdin_flags;            /* as found, restored on suspend and exit */
	int exit_after_paint;       /* $HARK_EXIT_AFTER_PAINT: for make bench */
	uv_poll_t input;
	uv_signal_t sigwinch;
	uv_prepare_t redraw;
	uv_timer_t tick;            /* journal catch-up, countdowns, relative times */
};

/* Shows a message on the status line (errors in the error role). */
void tui_say(struct tui *t, int error, const char *fmt, ...) HARK_PRINTF(3, 4);
/* Moves the focus to a pane. */
void tui_focus(struct tui *t, enum pane_id id);
/* Selects a contact (and resets the thread to its newest page). */
void tui_select_contact(struct tui *t, int64_t contact_id);
/* Selects a message in the current thread, loading its page. */
void tui_select_message(struct tui *t, int64_t contact_id, int64_t message_id);
/* Re-lays out the panes for the terminal size. */
void tui_layout(struct tui *t);
/* Draws the lines between panes on stdscr (layout.c). */
void layout_draw_borders(struct tui *t);
/* Loads a theme by name or path and applies it (tui.c). */
int tui_load_theme(struct tui *t, const char *name, char **cause);
/* Shows the terminal cursor where the composer's text cursor is. */
void composer_place_cursor(struct tui *t);
/* Leaves curses for a child program ($EDITOR) and comes back. */
void tui_suspend_curses(struct tui *t);
void tui_resume_curses(struct tui *t);
/* Gives the terminal to run(arg) (tui_run_editor, tui_run_command) and
 * takes it back; run's result (editor.c). */
int tui_foreground(struct tui *t, int (*run)(const char *), const char *arg);
/* Editing UTF-8 text in b at a byte cursor (field.c): insert n bytes and
 * move the cursor past them; delete [from, to); the start of the
 * character before or after at. Appends may move b->data. */
void field_insert(struct hbuf *b, size_t *cursor, const char *s, size_t n);
void field_delete(struct hbuf *b, size_t from, size_t to);
size_t field_prev(const struct hbuf *b, size_t at);
size_t field_next(const struct hbuf *b, size_t at);
/* A whole file (*len its length when len is not NULL), or NULL; the
 * caller frees it. */
char *tui_file_read(const char *path, size_t *len);

/* Filter expressions are the engine's (contact_filter_* in engine.h), so
 * that a bulk send takes the contact list's filter as its segment. */

/* The composer's text, for commands (send, schedule, template). */
const char *composer_text(struct tui *t);
void composer_set_text(struct tui *t, const char *text);
enum hark_channel composer_channel(struct tui *t);
void composer_set_channel(struct tui *t, enum hark_channel ch);
const char *composer_subject(struct tui *t);
void composer_set_subject(struct tui *t, const char *subject);
/* Records which template version (and A/B variant, may be NULL) the draft's
 * text came from, so the message sent records it; 0 forgets it. Sending or
 * clearing the draft forgets it too. */
void composer_set_template(struct tui *t, int64_t version_id, const char *variant);
void composer_clear(struct tui *t);
/* Sends (or schedules at send_at) what the composer holds. */
int composer_send(struct tui *t, int64_t send_at, char **cause);
/* Edits the composer's text in $EDITOR. */
int composer_edit(struct tui *t, char **cause);
/* The files of the selected contact's draft (created empty when needed;
 * needs a selected contact), and telling the composer they changed. */
struct compose_files *composer_files(struct tui *t);
void composer_files_changed(struct tui *t);

/* An email draft's attachments and HTML part (compose_files.c). */
struct compose_files;
struct compose_files *compose_files_new(void);
void compose_files_free(struct compose_files *f);
int compose_files_count(const struct compose_files *f);
const char *compose_files_html(const struct compose_files *f);
const char *const *compose_files_paths(struct compose_files *f);
char *compose_files_line(const struct compose_files *f);

/* The template picker (template_pick.c): a list to choose from, or the
 * template `name` straight into the composer. */
int template_pick(struct tui *t, const char *name, char **cause);
/* `:template new`, `:template edit NAME`, `:template delete NAME`
 * (template_manage.c): the library from the TUI, in $EDITOR. */
int template_manage(struct tui *t, int argc, char **argv, char **cause);

/* The thread pane: toggling quoted text, the selected message. */
void thread_toggle_quotes(struct tui *t);
void thread_move(struct tui *t, int delta);     /* messages */
void thread_page(struct tui *t, int delta);     /* screens (+-1) or half (+-2) */
void thread_edge(struct tui *t, int bottom);    /* oldest / newest */

/* The contacts pane. */
void contacts_move(struct tui *t, int delta);
void contacts_edge(struct tui *t, int bottom);
void contacts_page(struct tui *t, int delta);

#endif
