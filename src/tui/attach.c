/*
 * attach.c — `open-attachment [N]`: opens the selected message's Nth
 * attachment (the first when N is left out) the way mutt users expect.
 *
 * The viewer: the first matching entry of the mailcap files (RFC 1524:
 * $MAILCAPS, else ~/.mailcap and /etc/mailcap) whose test= passes; an entry
 * marked copiousoutput has its output paged through $PAGER. Without one:
 * xdg-open when there is a display, else $PAGER for any text type. The screen is
 * given to the viewer as for $EDITOR, and comes back when it exits.
 *
 * The viewer gets a copy of the file under a temporary directory, named
 * after the attachment with only [A-Za-z0-9._-] kept (the sender chose the
 * name; it reaches a shell), so that viewers that go by the extension work
 * and nothing a viewer does touches the kept original. The copy goes when
 * the viewer returns, except for xdg-open, which may hand it to a program
 * that is still starting.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hark/store.h"

#include "tui_int.h"
#include "tui_cmds.h"

#define ATTACH_LINE_MAX 4096

/* A mailcap entry that matched. */
struct mailcap {
	char *view;             /* the command, % escapes not yet expanded */
	int copious;            /* copiousoutput: page its output */
};

struct attach_pick {
	int want, seen;
	struct store_attachment a;
};

static int attach_collect(void *arg, const struct store_attachment *a);
static char *attach_safe_name(const char *filename, int n);
static int attach_copy(const char *from, const char *to, char **cause);
static char *attach_quote(const char *s);
static char *attach_expand(const char *cmd, const char *path, const char *type,
    int *has_file);
static char *mailcap_field(char **p);
static int mailcap_type_matches(const char *pattern, const char *type);
static int mailcap_line(char *line, const char *type, const char *path,
    struct mailcap *out);
static int mailcap_find(const char *type, const char *path, struct mailcap *out);
static char *attach_command(const char *type, const char *path, int *keep);
static int attach_place(const char *path, const char *src, const char *data,
    size_t len, char **cause);
static int attach_view(struct tui *t, const char *type, const char *name,
    const char *src, const char *data, size_t len, const char *what, char **cause);
static int attach_open_html(struct tui *t, char **cause);

static int
attach_collect(void *arg, const struct store_attachment *a)
{
	struct attach_pick *p = arg;

	if (a->path == NULL)
		return 0; /* media known only by URL: nothing on disk to open */
	if (++p->seen != p->want)
		return 0;
	p->a.filename = xstrdup(a->filename);
	p->a.content_type = xstrdup(a->content_type);
	p->a.path = xstrdup(a->path);
	p->a.size = a->size;
	return 1;
}

static char *
attach_safe_name(const char *filename, int n)
{
	const char *base = filename != NULL ? strrchr(filename, '/') : NULL;
	char *s, *p;

	base = base != NULL ? base + 1 : filename;
	if (base == NULL || *base == '\0' || *base == '.')
		return xasprintf("attachment-%d", n);
	s = xstrdup(base);
	for (p = s; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_'))
			*p = '_';
	}
	if (strlen(s) > 120)
		memmove(s, s + strlen(s) - 120, 121);
	return s;
}

static int
attach_copy(const char *from, const char *to, char **cause)
{
	char buf[65536];
	ssize_t n = 0;
	int in, out;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0) {
		set_cause(cause, "cannot read the attachment %s: %s", from,
		    strerror(errno));
		return -1;
	}
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		set_cause(cause, "cannot copy the attachment to %s: %s", to,
		    strerror(errno));
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof buf)) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	}
	close(in);
	if (close(out) != 0 || n < 0) {
		set_cause(cause, "cannot copy the attachment to %s: %s", to,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* s in single quotes for sh. */
static char *
attach_quote(const char *s)
{
	struct hbuf b = HBUF_INIT;

	hbuf_addc(&b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			hbuf_adds(&b, "'\\''");
		else
			hbuf_addc(&b, *s);
	}
	hbuf_addc(&b, '\'');
	return hbuf_steal(&b);
}

/* A mailcap command with %s (the file), %t (the type) and %% expanded;
 * %{param} becomes nothing. *has_file: %s was there. */
static char *
attach_expand(const char *cmd, const char *path, const char *type, int *has_file)
{
	struct hbuf b = HBUF_INIT;
	char *q;

	*has_file = 0;
	for (; *cmd != '\0'; cmd++) {
		if (*cmd == '\\' && cmd[1] != '\0') {
			hbuf_addc(&b, *++cmd);
		} else if (*cmd != '%') {
			hbuf_addc(&b, *cmd);
		} else if (cmd[1] == 's' || cmd[1] == 't') {
			q = attach_quote(cmd[1] == 's' ? path : type);
			hbuf_adds(&b, q);
			free(q);
			*has_file |= cmd[1] == 's';
			cmd++;
		} else if (cmd[1] == '{') {
			while (*cmd != '\0' && *cmd != '}')
				cmd++;
			if (*cmd == '\0')
				break;
		} else if (cmd[1] == '%') {
			hbuf_addc(&b, '%');
			cmd++;
		} else {
			hbuf_addc(&b, '%');
		}
	}
	return hbuf_steal(&b);
}

/* ---- mailcap ------------------------------------------------------------------------ */

/* The next ';'-separated field of *p, trimmed ("\;" stays in it). */
static char *
mailcap_field(char **p)
{
	char *s = *p, *e;

	if (s == NULL)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	for (e = s; *e != '\0' && *e != ';'; e++) {
		if (*e == '\\' && e[1] != '\0')
			e++;
	}
	*p = *e == ';' ? e + 1 : NULL;
	*e = '\0';
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* A pattern matches image/png when it is image/png, "image", or image/ and a star. */
static int
mailcap_type_matches(const char *pattern, const char *type)
{
	const char *slash = strchr(type, '/');
	size_t major = slash != NULL ? (size_t)(slash - type) : strlen(type);

	if (strcasecmp(pattern, type) == 0)
		return 1;
	if (strncasecmp(pattern, type, major) != 0)
		return 0;
	return pattern[major] == '\0' || strcmp(pattern + major, "/*") == 0;
}

/* 1 when line is an entry for type whose test passes (*out filled), else 0. */
static int
mailcap_line(char *line, const char *type, const char *path, struct mailcap *out)
{
	char *p = line, *pattern, *view, *flag, *test = NULL, *cmd;
	int copious = 0, has_file, rc;

	pattern = mailcap_field(&p);
	if (pattern == NULL || *pattern == '\0' || *pattern == '#' ||
	    !mailcap_type_matches(pattern, type))
		return 0;
	view = mailcap_field(&p);
	if (view == NULL || *view == '\0')
		return 0;
	while ((flag = mailcap_field(&p)) != NULL) {
		if (strcasecmp(flag, "copiousoutput") == 0)
			copious = 1;
		else if (strncasecmp(flag, "test=", 5) == 0)
			test = flag + 5;
	}
	if (test != NULL) {
		cmd = attach_expand(test, path, type, &has_file);
		rc = tui_run_command(cmd);
		free(cmd);
		if (rc != 0)
			return 0;
	}
	out->view = xstrdup(view);
	out->copious = copious;
	return 1;
}

/* The first entry for type in the mailcap files: 1 found, 0 none. */
static int
mailcap_find(const char *type, const char *path, struct mailcap *out)
{
	const char *env = getenv("MAILCAPS"), *home = getenv("HOME");
	char *files, *file, *save = NULL, line[ATTACH_LINE_MAX];
	struct hbuf entry = HBUF_INIT;
	FILE *f;
	size_t n;
	int found = 0;

	if (env != NULL && *env != '\0')
		files = xstrdup(env);
	else
		files = xasprintf("%s/.mailcap:/etc/mailcap", home != NULL ? home : "");
	for (file = strtok_r(files, ":", &save); file != NULL && !found;
	    file = strtok_r(NULL, ":", &save)) {
		if ((f = fopen(file, "r")) == NULL)
			continue;
		hbuf_reset(&entry);
		while (!found && fgets(line, sizeof line, f) != NULL) {
			n = strlen(line);
			while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = '\0';
			/* A backslash at the end continues the entry. */
			if (n > 0 && line[n - 1] == '\\') {
				hbuf_add(&entry, line, n - 1);
				continue;
			}
			hbuf_adds(&entry, line);
			found = mailcap_line(entry.data, type, path, out);
			hbuf_reset(&entry);
		}
		fclose(f);
	}
	hbuf_free(&entry);
	free(files);
	return found;
}

/* ---- the command ---------------------------------------------------------------------- */

/* The shell command that shows path, or NULL when nothing can. *keep: leave
 * the copy behind (xdg-open may return before its viewer has read it). */
static char *
attach_command(const char *type, const char *path, int *keep)
{
	struct mailcap mc;
	const char *pager = getenv("PAGER");
	char *cmd, *full, *q;
	int has_file;

	*keep = 0;
	if (pager == NULL || *pager == '\0')
		pager = "less";
	if (mailcap_find(type, path, &mc)) {
		cmd = attach_expand(mc.view, path, type, &has_file);
		free(mc.view);
		q = attach_quote(path);
		full = has_file ? cmd : xasprintf("%s < %s", cmd, q);
		if (full != cmd)
			free(cmd);
		if (mc.copious) {
			cmd = xasprintf("%s | %s", full, pager);
			free(full);
			full = cmd;
		}
		free(q);
		return full;
	}
	q = attach_quote(path);
	full = NULL;
	if ((getenv("DISPLAY") != NULL || getenv("WAYLAND_DISPLAY") != NULL) &&
	    tui_run_command("command -v xdg-open >/dev/null 2>&1") == 0) {
		full = xasprintf("xdg-open %s", q);
		*keep = 1;
	} else if (strncasecmp(type, "text/", 5) == 0)
		full = xasprintf("%s %s", pager, q);
	free(q);
	return full;
}

/* Writes the viewer's copy: the kept file src, or data[0..len). */
static int
attach_place(const char *path, const char *src, const char *data, size_t len,
    char **cause)
{
	FILE *f;

	if (src != NULL)
		return attach_copy(src, path, cause);
	if ((f = fopen(path, "wx")) == NULL || fwrite(data, 1, len, f) != len ||
	    fclose(f) != 0) {
		set_cause(cause, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Gives the screen to the viewer of type for a copy named name (of the file
 * src, or of data), then takes it back. what names it on the status line. */
static int
attach_view(struct tui *t, const char *type, const char *name, const char *src,
    const char *data, size_t len, const char *what, char **cause)
{
	char *dir, *copy = NULL, *cmd;
	int keep = 0, rc = -1;

	dir = xasprintf("%s/hark-attach-XXXXXX", tui_tmpdir());
	if (mkdtemp(dir) == NULL) {
		set_cause(cause, "cannot make a directory for the viewer: %s",
		    strerror(errno));
		free(dir);
		return -1;
	}
	copy = xasprintf("%s/%s", dir, name);
	if (attach_place(copy, src, data, len, cause) != 0)
		goto out;
	if ((cmd = attach_command(type, copy, &keep)) == NULL) {
		set_cause(cause, "no viewer for %s: add a mailcap entry (see the "
		    "README)%s%s", type, src != NULL ? "; the file is " : "",
		    src != NULL ? src : "");
		goto out;
	}
	rc = tui_foreground(t, tui_run_command, cmd);
	if (rc != 0)
		set_cause(cause, "the viewer exited with status %d: %s", rc, cmd);
	else
		tui_say(t, 0, "%s: the viewer is done", what);
	free(cmd);
	rc = rc == 0 ? 0 : -1;
out:
	if (!keep) {
		unlink(copy);
		rmdir(dir);
	}
	free(copy);
	free(dir);
	return rc;
}

/* `open-attachment html`: the message's HTML part, as the sender wrote it. */
static int
attach_open_html(struct tui *t, char **cause)
{
	struct store_mail mail;
	int rc;

	if ((rc = store_mail_get(t->st, t->message_id, &mail, cause)) < 0)
		return -1;
	if (rc == 0 || mail.html == NULL) {
		store_mail_clear(&mail);
		set_cause(cause, "this message has no HTML part");
		return -1;
	}
	rc = attach_view(t, "text/html", "message.html", NULL, mail.html,
	    strlen(mail.html), "the HTML part", cause);
	store_mail_clear(&mail);
	return rc;
}

int
tcmd_open_attachment(struct tui *t, int argc, char **argv, char **cause)
{
	struct attach_pick pick;
	char *name, *what;
	int rc;

	if (argc > 1 && strcmp(argv[1], "html") == 0)
		return attach_open_html(t, cause);
	memset(&pick, 0, sizeof pick);
	pick.want = argc > 1 ? atoi(argv[1]) : 1;
	if (pick.want < 1) {
		set_cause(cause, "open-attachment: N counts from 1 (or html)");
		return -1;
	}
	if (store_attachments_each(t->st, t->message_id, attach_collect, &pick,
	    cause) != 0)
		return -1;
	if (pick.a.path == NULL) {
		if (pick.seen == 0)
			set_cause(cause, "this message has no attachment");
		else
			set_cause(cause, "this message has %d attachment%s", pick.seen,
			    pick.seen == 1 ? "" : "s");
		return -1;
	}
	name = attach_safe_name(pick.a.filename, pick.want);
	what = xasprintf("attachment %d", pick.want);
	rc = attach_view(t, pick.a.content_type != NULL ? pick.a.content_type :
	    "application/octet-stream", name, pick.a.path, NULL, 0, what, cause);
	free(what);
	free(name);
	store_attachment_clear(&pick.a);
	return rc;
}
