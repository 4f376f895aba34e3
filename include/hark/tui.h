/*
 * tui.h — the full-screen client: contacts, thread and composer panes, a
 * status bar and a `:` command line, on the one libuv loop.
 *
 * Files: src/tui/ (every .c there); their contract is src/tui/tui_int.h.
 */
#ifndef HARK_TUI_H
#define HARK_TUI_H

struct store;
struct config;

struct tui_opts {
	struct store *st;          /* borrowed */
	struct config *cfg;        /* borrowed */
	const char *keymap;        /* a keymap name ("vi", "emacs") or path; NULL = config's */
	const char *theme;         /* a theme name or path; NULL = config's */
	const char *data_dir;      /* where themes/ and keymaps/ are installed; NULL = built-in */
};

/*
 * Runs the client until the user quits. Returns 0, or -1 with cause when
 * it could not start (not a terminal, a keymap or theme with an error).
 * The terminal is restored however it ends.
 */
int tui_run(const struct tui_opts *o, char **cause);

#endif
