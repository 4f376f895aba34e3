/*
 * editor.c — giving the terminal to another program: the user's editor and
 * mailcap viewers, and the temporary files they work on. The composer,
 * `:template new|edit` and the attachment viewer use it with curses
 * suspended (tui_foreground); `hark template add|edit` uses it directly.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tui_int.h"

static int	editor_sh(const char *script, const char *arg0, const char *arg1);

/* Runs sh -c script (with $0 and $1 when given) and waits for it. */
static int
editor_sh(const char *script, const char *arg0, const char *arg1)
{
	pid_t pid;
	int status;

	/* The child must not write what we have buffered a second time. */
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", script, arg0, arg1, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int
tui_run_editor(const char *path)
{
	const char *ed = getenv("VISUAL");

	if (ed == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	/* $0 unquoted: EDITOR="emacs -nw" is a command with its options. */
	return editor_sh("exec $0 \"$1\"", ed, path);
}

int
tui_run_command(const char *cmd)
{
	return editor_sh(cmd, NULL, NULL);
}

const char *
tui_tmpdir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir != NULL && *dir != '\0' ? dir : "/tmp";
}

char *
tui_tmpfile(const char *what, const char *data, size_t len, char **cause)
{
	char *path = xasprintf("%s/hark-%s-XXXXXX", tui_tmpdir(), what);
	ssize_t n = 0;
	int fd;

	if ((fd = mkstemp(path)) < 0) {
		set_cause(cause, "cannot create %s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	while (len > 0 && (n = write(fd, data, len)) > 0) {
		data += n;
		len -= (size_t)n;
	}
	if (len > 0 || close(fd) != 0) {
		set_cause(cause, "cannot write %s: %s", path, n == 0 ?
		    "no space" : strerror(errno));
		if (len > 0)
			close(fd);
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}

char *
tui_file_read(const char *path, size_t *len)
{
	struct hbuf b = HBUF_INIT;
	char chunk[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		hbuf_add(&b, chunk, (size_t)n);
	close(fd);
	if (n < 0) {
		hbuf_free(&b);
		return NULL;
	}
	if (len != NULL)
		*len = b.len;
	return hbuf_steal(&b);
}

int
tui_foreground(struct tui *t, int (*run)(const char *), const char *arg)
{
	int rc;

	tui_suspend_curses(t);
	rc = run(arg);
	tui_resume_curses(t);
	return rc;
}
