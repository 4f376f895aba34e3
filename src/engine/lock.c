/* lock.c — the advisory lock that makes exactly one process own the outbox. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "engine_int.h"

/*
 * flock() on "<database>.lock": released by the kernel when the process dies,
 * however it dies, so a crashed owner never blocks the next one. The owner's
 * pid is written into the file for messages ("owned by hark daemon, pid 42").
 * Returns 1 when taken, 0 when another process holds it, -1 on error.
 */
int
engine_lock_take(const char *lock_path, int *fd, char **cause)
{
	char pid[32];
	int f, n;

	f = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (f < 0) {
		set_cause(cause, "cannot open %s: %s", lock_path, strerror(errno));
		return -1;
	}
	if (flock(f, LOCK_EX | LOCK_NB) != 0) {
		close(f);
		if (errno == EWOULDBLOCK)
			return 0;
		set_cause(cause, "cannot lock %s: %s", lock_path, strerror(errno));
		return -1;
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(f, 0) != 0 || pwrite(f, pid, (size_t)n, 0) != n) {
		/* The lock holds regardless; the pid is only for messages. */
	}
	*fd = f;
	return 1;
}

void
engine_lock_release(int fd)
{
	if (fd >= 0) {
		if (ftruncate(fd, 0) != 0) {
			/* Nothing to do: the lock itself is released by close. */
		}
		close(fd);
	}
}

long
engine_outbox_owner(const char *db_path)
{
	char *path = xasprintf("%s.lock", db_path);
	char buf[32];
	long pid = 0;
	ssize_t n;
	int f;

	f = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (f < 0)
		return 0;
	if (flock(f, LOCK_SH | LOCK_NB) == 0) {
		/* Nobody holds it exclusively: no owner. */
		close(f);
		return 0;
	}
	n = pread(f, buf, sizeof buf - 1, 0);
	if (n > 0) {
		buf[n] = '\0';
		pid = strtol(buf, NULL, 10);
	}
	close(f);
	return pid > 0 ? pid : -1;
}
