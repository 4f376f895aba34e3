/*
 * mail_out.c — what an email carries besides its text on the way out: the
 * HTML alternative (kept in the message's mail row) and the attached files
 * (attachment rows with a local path, name, type and size). Written with the
 * message when it is queued; read back when the outbox hands it to the
 * provider, which reads the files as it builds the message.
 *
 * A file is checked when the message is queued (it must be a readable
 * regular file) and read only when it is sent: one that vanished meanwhile
 * fails that send with the file's name and the system's reason, and the
 * message stays in the outbox for the user to fix or cancel.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hark/mime.h"

#include "engine_int.h"

#define MAIL_OUT_MAX_FILES 32

int
engine_mail_out_check(const struct engine_draft *d, char **cause)
{
	struct stat sb;
	int i, fd;

	if ((d->nattach > 0 || d->html != NULL) && d->channel != HARK_CH_EMAIL) {
		set_cause(cause, "attachments and HTML go with email only");
		return -1;
	}
	if (d->nattach > MAIL_OUT_MAX_FILES) {
		set_cause(cause, "at most %d attachments", MAIL_OUT_MAX_FILES);
		return -1;
	}
	for (i = 0; i < d->nattach; i++) {
		if ((fd = open(d->attach[i], O_RDONLY | O_CLOEXEC)) < 0 ||
		    fstat(fd, &sb) != 0) {
			set_cause(cause, "attachment %s: %s", d->attach[i],
			    strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
		if (!S_ISREG(sb.st_mode)) {
			set_cause(cause, "attachment %s: not a regular file",
			    d->attach[i]);
			return -1;
		}
	}
	return 0;
}

/* Inside the caller's transaction, after the message row. */
int
engine_mail_out_save(struct engine *e, int64_t id, const struct engine_draft *d,
    char **cause)
{
	struct store_attachment a;
	struct store_mail m;
	struct stat sb;
	char *abs, *slash;
	int i, rc;

	if (d->html != NULL) {
		memset(&m, 0, sizeof m);
		m.message_id = id;
		m.html = (char *)d->html;
		if (store_mail_set(e->st, &m, cause) != 0)
			return -1;
	}
	for (i = 0; i < d->nattach; i++) {
		/* The outbox may run in another directory (the daemon). */
		if ((abs = realpath(d->attach[i], NULL)) == NULL) {
			set_cause(cause, "attachment %s: %s", d->attach[i],
			    strerror(errno));
			return -1;
		}
		memset(&a, 0, sizeof a);
		a.message_id = id;
		a.path = abs;
		a.filename = (slash = strrchr(abs, '/')) != NULL ? slash + 1 : abs;
		a.size = stat(abs, &sb) == 0 ? (int64_t)sb.st_size : -1;
		/* The type the recipient's client will be told (mime_build guesses
		 * the same from the name), so the thread shows what was sent. */
		a.content_type = (char *)mime_guess_type(a.filename);
		rc = store_attachment_add(e->st, &a, NULL, cause);
		free(abs);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int
mail_out_collect(void *arg, const struct store_attachment *a)
{
	struct engine_mail_out *o = arg;
	struct provider_attachment *pa;

	if (a->path == NULL || a->url != NULL)
		return 0;
	o->att = xreallocarray(o->att, (size_t)o->n + 1, sizeof *o->att);
	o->strs = xreallocarray(o->strs, (size_t)o->nstrs + 3, sizeof *o->strs);
	pa = &o->att[o->n++];
	memset(pa, 0, sizeof *pa);
	pa->path = o->strs[o->nstrs++] = xstrdup(a->path);
	if (a->filename != NULL)
		pa->filename = o->strs[o->nstrs++] = xstrdup(a->filename);
	if (a->content_type != NULL && *a->content_type != '\0')
		pa->content_type = o->strs[o->nstrs++] = xstrdup(a->content_type);
	return 0;
}

void
engine_mail_out_load(struct engine *e, int64_t id, struct engine_mail_out *o)
{
	struct store_mail m;

	memset(o, 0, sizeof *o);
	memset(&m, 0, sizeof m);
	if (store_mail_get(e->st, id, &m, NULL) == 1 && m.html != NULL) {
		o->html = m.html;
		m.html = NULL;
	}
	store_mail_clear(&m);
	store_attachments_each(e->st, id, mail_out_collect, o, NULL);
}

void
engine_mail_out_clear(struct engine_mail_out *o)
{
	int i;

	for (i = 0; i < o->nstrs; i++)
		free(o->strs[i]);
	free(o->strs);
	free(o->att);
	free(o->html);
	memset(o, 0, sizeof *o);
}
