/*
 * blob_batch.c — content-addressed files written for a whole batch of mail
 * and made durable together: one fsync per file and one per directory just
 * before the batch's single commit, instead of a write, fsync, rename and
 * directory fsync per file as each message is stored.
 *
 * While a batch is open (store_blob_batch_begin), store_blob_put writes each
 * new file under a temporary name beside its final one and notes it here.
 * store_blob_batch_sync makes every noted file durable, renames it into
 * place and makes the renames durable; only then may the transaction naming
 * the files commit, so a committed row still never names a missing or
 * partial file. On Linux both steps are one syncfs(2) of the filesystem
 * each (the files are content-addressed over 256 directories per kind, so a
 * batch touches nearly as many directories as files, and an fsync of each
 * file and each directory costs two journal commits per file); elsewhere
 * each file, then each directory, is fsynced. A batch that is given up (or a failed sync) unlinks what is left of
 * its temporary files. A file a rolled-back message wrote is made durable
 * with the rest and named by no row: harmless, as in mail.c.
 */

#ifdef __linux__
#define _GNU_SOURCE             /* syncfs */
#endif
#include <sys/stat.h>

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
static int blob_sync_all(struct store *st, int renamed);

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

int
store_blob_write(const char *tmp, const void *data, size_t len, int sync)
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
			if (n == 0)
				errno = EIO;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (sync && fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

int
store_fsync_path(const char *path, int dir)
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
	if (store_blob_write(tmp, data, len, 0) != 0) {
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

/*
 * Makes the noted files (renamed 0) or their directories (renamed 1)
 * durable: 0, or -1 with errno and the failing index in st->nsynced.
 */
static int
blob_sync_all(struct store *st, int renamed)
{
	struct store_blob_pending *bp;
	int i, j;
#ifdef __linux__
	struct stat sb;
	dev_t done[4];
	int ndone = 0, fd, rc, saved;

	for (i = 0; i < st->npending; i++) {
		bp = &st->pending[i];
		st->nsynced = i;
		if (stat(bp->dir, &sb) != 0)
			return -1;
		for (j = 0; j < ndone && done[j] != sb.st_dev; j++)
			;
		if (j < ndone)
			continue;
		if (ndone == (int)(sizeof done / sizeof done[0]))
			ndone = 0;   /* a strange layout: sync again rather than miss one */
		done[ndone++] = sb.st_dev;
		if ((fd = open(bp->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return -1;
		rc = syncfs(fd);
		saved = errno;
		close(fd);
		errno = saved;
		if (rc != 0)
			return -1;
	}
	return 0;
#else
	for (i = 0; i < st->npending; i++) {
		bp = &st->pending[i];
		st->nsynced = i;
		for (j = 0; renamed && j < i; j++) {
			if (strcmp(st->pending[j].dir, bp->dir) == 0)
				break;
		}
		if ((!renamed || j == i) &&
		    store_fsync_path(renamed ? bp->dir : bp->tmp, renamed) != 0)
			return -1;
	}
	return 0;
#endif
}

int
store_blob_batch_sync(struct store *st, char **cause)
{
	struct store_blob_pending *bp;
	int i;

	if (blob_sync_all(st, 0) != 0)
		goto fail;
	for (i = 0; i < st->npending; i++) {
		bp = &st->pending[i];
		st->nsynced = i;
		if (rename(bp->tmp, bp->path) != 0)
			goto fail;
		free(bp->tmp);
		bp->tmp = NULL;
	}
	if (blob_sync_all(st, 1) != 0)
		goto fail;
	blob_pending_clear(st, 0);
	st->blob_batch = 0;
	return 0;
fail:
	bp = &st->pending[st->nsynced];
	set_cause(cause, "cannot keep the mail: %s: %s", bp->tmp != NULL ?
	    bp->tmp : bp->dir, strerror(errno));
	store_blob_batch_discard(st);
	return -1;
}
