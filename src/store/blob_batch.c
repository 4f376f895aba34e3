/*
 * blob_batch.c — content-addressed files written for a whole batch of mail
 * and made durable together: one fsync per file and one per directory just
 * before the batch's single commit, instead of a write, fsync, rename and
 * directory fsync per file as each message is stored.
 *
 * While a batch is open (store_blob_batch_begin), store_blob_put writes each
 * new file under a temporary name beside its final one and notes it here.
 * store_blob_batch_sync fsyncs every noted file, renames it into place and
 * then fsyncs each directory once; only then may the transaction naming the
 * files commit, so a committed row still never names a missing or partial
 * file. A batch that is given up (or a failed sync) unlinks what is left of
 * its temporary files. A file a rolled-back message wrote is made durable
 * with the rest and named by no row: harmless, as in mail.c.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_int.h"

struct store_blob_pending {
	char *tmp;        /* written, not yet fsynced */
	char *path;       /* where it goes */
	char *dir;        /* fsynced once after the renames */
};

static void blob_pending_clear(struct store *st, int unlink_tmp);
static int blob_write(const char *tmp, const void *data, size_t len);
static int blob_fsync(const char *path, int dir);

void
store_blob_batch_begin(struct store *st)
{
	blob_pending_clear(st, 1);
	st->blob_batch = 1;
}

void
store_blob_batch_discard(struct store *st)
{
	blob_pending_clear(st, 1);
	st->blob_batch = 0;
}

static void
blob_pending_clear(struct store *st, int unlink_tmp)
{
	int i;

	for (i = 0; i < st->npending; i++) {
		if (unlink_tmp && st->pending[i].tmp != NULL)
			unlink(st->pending[i].tmp);
		free(st->pending[i].tmp);
		free(st->pending[i].path);
		free(st->pending[i].dir);
	}
	free(st->pending);
	st->pending = NULL;
	st->npending = 0;
}

/* Writes data to tmp without fsync; errno set on failure. */
static int
blob_write(const char *tmp, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;
	int fd, saved;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			saved = n < 0 ? errno : EIO;
			close(fd);
			unlink(tmp);
			errno = saved;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) != 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

static int
blob_fsync(const char *path, int dir)
{
	int fd, rc, saved;

	fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* store_blob_put inside a batch: 1 when path is already noted, 0 written, -1. */
int
store_blob_batch_put(struct store *st, const char *dir, const char *path,
    const void *data, size_t len)
{
	struct store_blob_pending *bp;
	char *tmp;
	int i;

	for (i = 0; i < st->npending; i++) {
		if (strcmp(st->pending[i].path, path) == 0)
			return 1;
	}
	tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	if (blob_write(tmp, data, len) != 0) {
		free(tmp);
		return -1;
	}
	st->pending = xreallocarray(st->pending, (size_t)st->npending + 1,
	    sizeof *st->pending);
	bp = &st->pending[st->npending++];
	bp->tmp = tmp;
	bp->path = xstrdup(path);
	bp->dir = xstrdup(dir);
	return 0;
}

int
store_blob_batch_sync(struct store *st, char **cause)
{
	struct store_blob_pending *bp;
	int i, j;

	for (i = 0; i < st->npending; i++) {
		bp = &st->pending[i];
		if (blob_fsync(bp->tmp, 0) != 0 || rename(bp->tmp, bp->path) != 0)
			goto fail;
		free(bp->tmp);
		bp->tmp = NULL;
	}
	for (i = 0; i < st->npending; i++) {
		bp = &st->pending[i];
		for (j = 0; j < i; j++) {
			if (strcmp(st->pending[j].dir, bp->dir) == 0)
				break;
		}
		if (j == i && blob_fsync(bp->dir, 1) != 0)
			goto fail;
	}
	blob_pending_clear(st, 0);
	st->blob_batch = 0;
	return 0;
fail:
	set_cause(cause, "cannot keep the mail: %s: %s", bp->tmp != NULL ?
	    bp->path : bp->dir, strerror(errno));
	store_blob_batch_discard(st);
	return -1;
}
