/*
 * compose_files.c — files that go with an email being written: `:attach
 * PATH`, `:detach N` and `:html PATH` in the composer. A file is checked
 * when it is named (it exists, is a regular file we can read), so that a
 * typo shows at once in the status bar rather than when sending; the
 * engine checks it again when the message is queued and reads it when it
 * goes out. The HTML alternative is read into the draft at `:html`, as the
 * engine takes it as text.
 *
 * Data: each draft's list (struct compose_files, owned by the draft in
 * pane_composer.c). Events: none.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui_int.h"
#include "tui_cmds.h"
#include "thread_view.h"

/* The engine refuses more (mail_out.c); saying so here is kinder. */
#define COMPOSE_MAX_FILES 32
/* The HTML part is held in memory with the draft. */
#define COMPOSE_MAX_HTML (4 * 1024 * 1024)

struct compose_file {
	char *path;               /* absolute, as the engine will open it */
	char *name;               /* its last component, for the screen */
	int64_t size;
};

struct compose_files {
	struct compose_file *v;
	int n;
	char *html;               /* the text/html alternative, NULL = none */
	char *html_name;
	const char **paths;       /* compose_files_paths' array */
};

static char *files_expand(const char *path, char **cause);
static int files_check(const char *path, const char *fail, struct stat *sb,
    char **cause);
static int files_email_only(struct tui *t, const char *what, char **cause);

/*
 * ~ and ~/x are $HOME's (else the password file's), ~user/x that user's
 * home; anything else is taken as written.
 */
static char *
files_expand(const char *path, char **cause)
{
	const char *rest, *home = NULL;
	struct passwd *pw;
	char *user;
	size_t n;

	if (path[0] != '~')
		return xstrdup(path);
	rest = strchr(path, '/');
	n = rest != NULL ? (size_t)(rest - path) : strlen(path);
	if (n == 1) {
		home = getenv("HOME");
		if ((home == NULL || *home == '\0') &&
		    (pw = getpwuid(getuid())) != NULL)
			home = pw->pw_dir;
	} else {
		user = xstrndup(path + 1, n - 1);
		if ((pw = getpwnam(user)) != NULL)
			home = pw->pw_dir;
		free(user);
	}
	if (home == NULL || *home == '\0') {
		set_cause(cause, "%s: no such user's home to expand ~ to", path);
		return NULL;
	}
	return xasprintf("%s%s", home, rest != NULL ? rest : "");
}

/* Opens the file as the engine will: a regular file we may read. The
 * error starts with fail ("cannot attach"). */
static int
files_check(const char *path, const char *fail, struct stat *sb, char **cause)
{
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, sb) != 0) {
		set_cause(cause, "%s %s: %s", fail, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (!S_ISREG(sb->st_mode)) {
		set_cause(cause, "%s %s: not a regular file", fail, path);
		return -1;
	}
	return 0;
}

static int
files_email_only(struct tui *t, const char *what, char **cause)
{
	enum hark_channel ch = composer_channel(t);

	if (ch == HARK_CH_EMAIL)
		return 0;
	set_cause(cause, "%s: only email carries files (the composer is on %s; "
	    ":channel email first)", what, hark_channel_name(ch));
	return -1;
}

struct compose_files *
compose_files_new(void)
{
	return xcalloc(1, sizeof(struct compose_files));
}

void
compose_files_free(struct compose_files *f)
{
	int i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].name);
	}
	free(f->v);
	free(f->html);
	free(f->html_name);
	free(f->paths);
	free(f);
}

int
compose_files_count(const struct compose_files *f)
{
	return f != NULL ? f->n : 0;
}

const char *
compose_files_html(const struct compose_files *f)
{
	return f != NULL ? f->html : NULL;
}

/* The paths for engine_draft.attach: valid until the list changes. */
const char *const *
compose_files_paths(struct compose_files *f)
{
	int i;

	if (f == NULL || f->n == 0)
		return NULL;
	free(f->paths);
	f->paths = xreallocarray(NULL, (size_t)f->n, sizeof *f->paths);
	for (i = 0; i < f->n; i++)
		f->paths[i] = f->v[i].path;
	return f->paths;
}

/* "Attach: [1] offer.pdf (3.0 KB) · [2] notes.txt (19 B) · HTML: a.html",
 * or NULL when the draft carries nothing. Sanitised for the screen. */
char *
compose_files_line(const struct compose_files *f)
{
	struct hbuf b = HBUF_INIT;
	char sz[32], *safe;
	int i;

	if (f == NULL || (f->n == 0 && f->html == NULL))
		return NULL;
	for (i = 0; i < f->n; i++) {
		tv_size(f->v[i].size, sz, sizeof sz);
		hbuf_printf(&b, "%s[%d] %s (%s)", i == 0 ? "Attach: " : " · ",
		    i + 1, f->v[i].name, sz);
	}
	if (f->html != NULL) {
		tv_size((int64_t)strlen(f->html), sz, sizeof sz);
		hbuf_printf(&b, "%sHTML: %s (%s)", f->n > 0 ? " · " : "",
		    f->html_name, sz);
	}
	safe = text_sanitize(hbuf_str(&b), b.len, 0);
	hbuf_free(&b);
	return safe;
}

/* ---- the commands ------------------------------------------------------------------ */

int
tcmd_attach(struct tui *t, int argc, char **argv, char **cause)
{
	struct compose_files *f;
	struct compose_file *cf;
	struct stat sb;
	char *path, *abs, *name;
	char sz[32];

	if (files_email_only(t, "attach", cause) != 0)
		return -1;
	if ((path = files_expand(argv[1], cause)) == NULL)
		return -1;
	if (files_check(path, "cannot attach", &sb, cause) != 0 ||
	    (abs = realpath(path, NULL)) == NULL) {
		if (*cause == NULL)
			set_cause(cause, "cannot attach %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	f = composer_files(t);
	if (f->n >= COMPOSE_MAX_FILES) {
		set_cause(cause, "attach: at most %d files in one email",
		    COMPOSE_MAX_FILES);
		free(abs);
		return -1;
	}
	f->v = xreallocarray(f->v, (size_t)f->n + 1, sizeof *f->v);
	cf = &f->v[f->n++];
	name = strrchr(abs, '/');
	cf->path = abs;
	cf->name = xstrdup(name != NULL ? name + 1 : abs);
	cf->size = (int64_t)sb.st_size;
	tv_size(cf->size, sz, sizeof sz);
	composer_files_changed(t);
	tui_say(t, 0, "attached %s (%s): %d file%s", cf->name, sz, f->n,
	    f->n == 1 ? "" : "s");
	return 0;
}

int
tcmd_detach(struct tui *t, int argc, char **argv, char **cause)
{
	struct compose_files *f = composer_files(t);
	char *end, *name;
	long n;

	if (f->n == 0) {
		set_cause(cause, "detach: the draft has no attachment");
		return -1;
	}
	n = argc > 1 ? strtol(argv[1], &end, 10) : f->n;
	if (argc > 1 && (*end != '\0' || end == argv[1]))
		n = 0;
	if (n < 1 || n > f->n) {
		set_cause(cause, "detach: N counts from 1 to %d", f->n);
		return -1;
	}
	name = f->v[n - 1].name;
	free(f->v[n - 1].path);
	memmove(&f->v[n - 1], &f->v[n], (size_t)(f->n - n) * sizeof *f->v);
	f->n--;
	composer_files_changed(t);
	tui_say(t, 0, "detached %s: %d file%s left", name, f->n,
	    f->n == 1 ? "" : "s");
	free(name);
	return 0;
}

/* `:html PATH` reads the file as the HTML alternative; `:html none` drops it. */
int
tcmd_html(struct tui *t, int argc, char **argv, char **cause)
{
	struct compose_files *f;
	struct stat sb;
	struct hbuf b = HBUF_INIT;
	char *path, chunk[8192], *name;
	ssize_t got;
	int fd;

	if (files_email_only(t, "html", cause) != 0)
		return -1;
	f = composer_files(t);
	if (strcmp(argv[1], "none") == 0) {
		free(f->html);
		free(f->html_name);
		f->html = f->html_name = NULL;
		composer_files_changed(t);
		tui_say(t, 0, "the email goes as plain text only");
		return 0;
	}
	if ((path = files_expand(argv[1], cause)) == NULL)
		return -1;
	if (files_check(path, "html: cannot read", &sb, cause) != 0 ||
	    sb.st_size > COMPOSE_MAX_HTML) {
		if (*cause == NULL)
			set_cause(cause, "html: %s is larger than %d MB", path,
			    COMPOSE_MAX_HTML / (1024 * 1024));
		free(path);
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		set_cause(cause, "html: %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	while ((got = read(fd, chunk, sizeof chunk)) > 0 &&
	    b.len + (size_t)got <= COMPOSE_MAX_HTML)
		hbuf_add(&b, chunk, (size_t)got);
	close(fd);
	if (got != 0 || memchr(hbuf_str(&b), '\0', b.len) != NULL) {
		set_cause(cause, "html: %s: %s", path, got < 0 ? strerror(errno) :
		    got > 0 ? "it grew past the limit while read" : "not text");
		hbuf_free(&b);
		free(path);
		return -1;
	}
	name = strrchr(path, '/');
	free(f->html);
	free(f->html_name);
	f->html = hbuf_steal(&b);
	f->html_name = xstrdup(name != NULL ? name + 1 : path);
	free(path);
	composer_files_changed(t);
	tui_say(t, 0, "the email has an HTML alternative: %s", f->html_name);
	return 0;
}
