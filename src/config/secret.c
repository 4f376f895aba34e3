/* secret.c — resolves an account's secrets from KEY_cmd, KEY_env or KEY, when asked. */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hark/config.h"
#include "hark/util.h"

/* A secret is a token or a password, not a document. */
#define SECRET_MAX (64 * 1024)

extern char **environ;

static int	secret_from_cmd(const struct config_account *, const char *,
		    const char *, char **, char **);
static int	secret_from_env(const struct config_account *, const char *,
		    const char *, char **, char **);
static int	secret_spawn(const char *, pid_t *, int *);
static int	secret_read(int, struct hbuf *);
static int	secret_wait(pid_t);
static void	secret_wipe(struct hbuf *);

int
config_account_secret(const struct config_account *a, const char *key,
    char **secret, char **cause)
{
	const char *v;
	char *name;

	*secret = NULL;
	name = xasprintf("%s_cmd", key);
	v = config_account_get(a, name);
	free(name);
	if (v != NULL)
		return secret_from_cmd(a, key, v, secret, cause);
	name = xasprintf("%s_env", key);
	v = config_account_get(a, name);
	free(name);
	if (v != NULL)
		return secret_from_env(a, key, v, secret, cause);
	if ((v = config_account_get(a, key)) == NULL)
		return 1;
	*secret = xstrdup(v);
	return 0;
}

/*
 * Runs cmd through /bin/sh -c; its stdout, less trailing newlines, is the
 * secret. Errors name the key and how the command ended, never what it
 * printed. stdin and stderr are hark's, so a password prompt still works.
 */
static int
secret_from_cmd(const struct config_account *a, const char *key,
    const char *cmd, char **secret, char **cause)
{
	struct hbuf out = HBUF_INIT;
	pid_t pid;
	int fd, status, rd;

	if (secret_spawn(cmd, &pid, &fd) != 0) {
		set_cause(cause, "account '%s': cannot run %s_cmd: %s", a->name,
		    key, strerror(errno));
		return -1;
	}
	rd = secret_read(fd, &out);
	close(fd);
	status = secret_wait(pid);
	while (out.len > 0 && (out.data[out.len - 1] == '\n' ||
	    out.data[out.len - 1] == '\r'))
		out.data[--out.len] = '\0';
	if (status != 0) {
		if (status > 0)
			set_cause(cause, "account '%s': %s_cmd failed with exit "
			    "status %d", a->name, key, status);
		else
			set_cause(cause, "account '%s': %s_cmd was killed by "
			    "signal %d", a->name, key, -status);
	} else if (rd != 0)
		set_cause(cause, "account '%s': %s_cmd printed more than %d "
		    "bytes", a->name, key, SECRET_MAX);
	else if (out.len == 0)
		set_cause(cause, "account '%s': %s_cmd printed nothing",
		    a->name, key);
	else if (memchr(out.data, '\0', out.len) != NULL)
		set_cause(cause, "account '%s': %s_cmd printed a NUL byte",
		    a->name, key);
	else {
		*secret = hbuf_steal(&out);
		return 0;
	}
	secret_wipe(&out);
	return -1;
}

static int
secret_from_env(const struct config_account *a, const char *key,
    const char *var, char **secret, char **cause)
{
	const char *v = getenv(var);

	if (v == NULL || *v == '\0') {
		set_cause(cause, "account '%s': %s_env names $%s, which is %s",
		    a->name, key, var, v == NULL ? "not set" : "empty");
		return -1;
	}
	*secret = xstrdup(v);
	return 0;
}

/* Starts sh -c cmd with stdout on a pipe; *fd is the pipe's read end. */
static int
secret_spawn(const char *cmd, pid_t *pid, int *fd)
{
	posix_spawn_file_actions_t fa;
	char sh[] = "sh", dash_c[] = "-c";
	char *argv[4];
	int pfd[2], rc, saved;

	if (pipe(pfd) != 0)
		return -1;
	/* Other children hark starts must not hold the pipe open. */
	fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
	fcntl(pfd[1], F_SETFD, FD_CLOEXEC);
	argv[0] = sh;
	argv[1] = dash_c;
	argv[2] = xstrdup(cmd);
	argv[3] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	rc = posix_spawn(pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(argv[2]);
	saved = rc;
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		errno = saved;
		return -1;
	}
	*fd = pfd[0];
	return 0;
}

/* Reads to end of file; 0, or -1 when there was more than SECRET_MAX. */
static int
secret_read(int fd, struct hbuf *out)
{
	char buf[4096];
	ssize_t n;
	int over = 0;

	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* Keep draining, so the command is not killed by SIGPIPE. */
		if (out->len + (size_t)n > SECRET_MAX)
			over = 1;
		else
			hbuf_add(out, buf, (size_t)n);
	}
	explicit_bzero(buf, sizeof buf);
	return over ? -1 : 0;
}

/* 0 on success, the exit status if non-zero, -signal if killed. */
static int
secret_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return 127;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return -WTERMSIG(status);
	return 127;
}

/* Overwrites a buffer that held (part of) a secret before freeing it. */
static void
secret_wipe(struct hbuf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	hbuf_free(b);
}
