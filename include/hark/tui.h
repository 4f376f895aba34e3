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

/*
 * The user's editor and other programs, on the terminal as it is (the
 * client suspends curses around them; `hark template` uses them as they
 * are). Both run it through /bin/sh, wait for it and return its exit
 * status (127: the shell could not run it), or -1 when no process could be
 * started or it was killed by a signal.
 */
/* Runs $VISUAL, else $EDITOR, else vi, on path. */
int tui_run_editor(const char *path);
/* Runs the shell command cmd (a mailcap viewer line). */
int tui_run_command(const char *cmd);
/* $TMPDIR when set, else /tmp. The string is not the caller's. */
const char *tui_tmpdir(void);
/*
 * Writes len bytes of data to a new file $TMPDIR/hark-WHAT-XXXXXX that only
 * the user may read; returns its path (the caller unlinks the file and frees
 * the path), or NULL with cause.
 */
char *tui_tmpfile(const char *what, const char *data, size_t len, char **cause);

#endif
