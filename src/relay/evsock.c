/*
 * evsock.c — the relay's event socket: tells connected hark clients the
 * journal's last event id after each commit (protocol in relay_int.h).
 *
 * A thread of its own accepts clients and notices the ones that hang up;
 * evsock_notify writes from the writer thread without ever blocking, and
 * drops a client whose socket buffer is full.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hark/config.h"

#include "relay_int.h"

/* Enough for every hark on the machine; more are refused. */
#define EVSOCK_MAX_CLIENTS 64

struct evsock {
	char *path;
	int fd;
	int wake[2];                 /* closing wakes the thread */
	pthread_t thread;
	int running;
	pthread_mutex_t mu;
	int clients[EVSOCK_MAX_CLIENTS];
	int nclients;
	int64_t last_id;
};

static int evsock_dir_safe(const char *dir, char **cause);
static int evsock_bind(struct evsock *e, char **cause);
static int evsock_stale(const struct sockaddr_un *sa);
static void *evsock_main(void *arg);
static void evsock_accept(struct evsock *e);
static int evsock_send(int fd, int64_t id);
static void evsock_drop_at(struct evsock *e, int i);
static void evsock_drop_fd(struct evsock *e, int fd);
static int evsock_listed(struct evsock *e, int fd);

int
evsock_open(const char *path, int64_t last_id, struct evsock **out, char **cause)
{
	struct evsock *e;
	char *dir, *slash;
	int err;

	*out = NULL;
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (hark_mkdir_p(dir, cause) != 0 || evsock_dir_safe(dir,
		    cause) != 0) {
			free(dir);
			return -1;
		}
	}
	free(dir);
	e = xcalloc(1, sizeof *e);
	e->path = xstrdup(path);
	e->fd = e->wake[0] = e->wake[1] = -1;
	e->last_id = last_id;
	pthread_mutex_init(&e->mu, NULL);
	if (evsock_bind(e, cause) != 0 || pipe(e->wake) != 0) {
		if (e->fd >= 0)
			set_cause(cause, "event socket: %s", strerror(errno));
		evsock_close(e);
		return -1;
	}
	if ((err = pthread_create(&e->thread, NULL, evsock_main, e)) != 0) {
		set_cause(cause, "event socket: cannot start its thread: %s",
		    strerror(err));
		evsock_close(e);
		return -1;
	}
	e->running = 1;
	*out = e;
	return 0;
}

/*
 * The directory must not let another user swap the socket: ours or root's,
 * and writable by others only with the sticky bit (/tmp). A /tmp/hark-UID
 * that someone else created first is refused.
 */
static int
evsock_dir_safe(const char *dir, char **cause)
{
	struct stat sb;

	if (lstat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		set_cause(cause, "event socket directory %s is not a directory", dir);
		return -1;
	}
	if ((sb.st_uid != getuid() && sb.st_uid != 0) ||
	    ((sb.st_mode & 022) != 0 && (sb.st_mode & S_ISVTX) == 0)) {
		set_cause(cause, "event socket directory %s is not safe (owned by "
		    "uid %lu, mode %04o): another user could replace the socket",
		    dir, (unsigned long)sb.st_uid, (unsigned)(sb.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* Binds with mode 0600 (umask while binding, chmod to be sure). */
static int
evsock_bind(struct evsock *e, char **cause)
{
	struct sockaddr_un sa;
	mode_t old;
	int rc;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(e->path) >= sizeof sa.sun_path) {
		set_cause(cause, "event socket path is too long (%zu bytes, at most "
		    "%zu): %s", strlen(e->path), sizeof sa.sun_path - 1, e->path);
		return -1;
	}
	memcpy(sa.sun_path, e->path, strlen(e->path) + 1);
	if (evsock_stale(&sa) != 0) {
		set_cause(cause, "another hark relay is serving the event socket %s",
		    e->path);
		return -1;
	}
	if ((e->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) < 0) {
		set_cause(cause, "event socket: %s", strerror(errno));
		return -1;
	}
	old = umask(0177);
	rc = bind(e->fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc != 0 || chmod(e->path, 0600) != 0 || listen(e->fd, 16) != 0) {
		set_cause(cause, "cannot listen on the event socket %s: %s", e->path,
		    strerror(errno));
		close(e->fd);
		e->fd = -1;
		return -1;
	}
	return 0;
}

/*
 * A socket file left by a relay that crashed is removed; one that still
 * answers belongs to a running relay (returns -1). Anything that is not a
 * socket is left for bind to refuse.
 */
static int
evsock_stale(const struct sockaddr_un *sa)
{
	struct stat sb;
	int fd, rc;

	if (lstat(sa->sun_path, &sb) != 0 || !S_ISSOCK(sb.st_mode))
		return 0;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	rc = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
	close(fd);
	if (rc == 0)
		return -1;
	unlink(sa->sun_path);
	return 0;
}

void
evsock_notify(struct evsock *e, int64_t last_id)
{
	int i;

	pthread_mutex_lock(&e->mu);
	e->last_id = last_id;
	for (i = 0; i < e->nclients; i++) {
		if (evsock_send(e->clients[i], last_id) != 0)
			evsock_drop_at(e, i--);
	}
	pthread_mutex_unlock(&e->mu);
}

int
evsock_clients(struct evsock *e)
{
	int n;

	pthread_mutex_lock(&e->mu);
	n = e->nclients;
	pthread_mutex_unlock(&e->mu);
	return n;
}

void
evsock_close(struct evsock *e)
{
	if (e == NULL)
		return;
	if (e->running) {
		close(e->wake[1]);
		e->wake[1] = -1;
		pthread_join(e->thread, NULL);
	}
	while (e->nclients > 0)
		evsock_drop_at(e, 0);
	if (e->fd >= 0) {
		close(e->fd);
		unlink(e->path);
	}
	if (e->wake[0] >= 0)
		close(e->wake[0]);
	if (e->wake[1] >= 0)
		close(e->wake[1]);
	pthread_mutex_destroy(&e->mu);
	free(e->path);
	free(e);
}

/* Writes "<id>\n" whole or not at all: a short write means a full buffer. */
static int
evsock_send(int fd, int64_t id)
{
	char line[32];
	int n;
	ssize_t w;

	n = snprintf(line, sizeof line, "%lld\n", (long long)id);
	w = send(fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	return w == n ? 0 : -1;
}

static void
evsock_drop_at(struct evsock *e, int i)
{
	close(e->clients[i]);
	e->clients[i] = e->clients[--e->nclients];
}

static void
evsock_drop_fd(struct evsock *e, int fd)
{
	int i;

	for (i = 0; i < e->nclients; i++) {
		if (e->clients[i] == fd) {
			evsock_drop_at(e, i);
			return;
		}
	}
}

static int
evsock_listed(struct evsock *e, int fd)
{
	int i;

	for (i = 0; i < e->nclients; i++)
		if (e->clients[i] == fd)
			return 1;
	return 0;
}

static void
evsock_accept(struct evsock *e)
{
	int fd;

	while ((fd = accept(e->fd, NULL, NULL)) >= 0) {
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		pthread_mutex_lock(&e->mu);
		if (e->nclients == EVSOCK_MAX_CLIENTS ||
		    evsock_send(fd, e->last_id) != 0)
			close(fd);
		else
			e->clients[e->nclients++] = fd;
		pthread_mutex_unlock(&e->mu);
	}
}

/*
 * Polls the listening socket, the wake pipe and every client: a client is
 * readable only when it sent something (ignored) or hung up (dropped).
 */
static void *
evsock_main(void *arg)
{
	struct evsock *e = arg;
	struct pollfd pfd[EVSOCK_MAX_CLIENTS + 2];
	char junk[256];
	ssize_t n;
	int i, np;

	for (;;) {
		pfd[0].fd = e->wake[0];
		pfd[0].events = POLLIN;
		pfd[1].fd = e->fd;
		pfd[1].events = POLLIN;
		pthread_mutex_lock(&e->mu);
		for (np = 2, i = 0; i < e->nclients; i++, np++) {
			pfd[np].fd = e->clients[i];
			pfd[np].events = POLLIN;
		}
		pthread_mutex_unlock(&e->mu);
		if (poll(pfd, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents != 0)
			break;
		if (pfd[1].revents & POLLIN)
			evsock_accept(e);
		for (i = 2; i < np; i++) {
			if (pfd[i].revents == 0)
				continue;
			/* A notify may have dropped the client meanwhile and
			 * another thread reused its fd number: read only from
			 * fds still listed, which only this thread adds. */
			pthread_mutex_lock(&e->mu);
			if (evsock_listed(e, pfd[i].fd)) {
				n = recv(pfd[i].fd, junk, sizeof junk, MSG_DONTWAIT);
				if (n == 0 || (n < 0 && errno != EAGAIN &&
				    errno != EINTR))
					evsock_drop_fd(e, pfd[i].fd);
			}
			pthread_mutex_unlock(&e->mu);
		}
	}
	return NULL;
}
