/* paths.c — where hark keeps its files: XDG base directories, the database, ~/. */

#include <sys/stat.h>

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hark/config.h"
#include "hark/util.h"

static const char *paths_home(void);
static char	*paths_xdg(const char *, const char *);
static int	 paths_mkdir_one(const char *, char **);

/* $HOME, else the password database's idea of it, else "/". */
static const char *
paths_home(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home != NULL && *home != '\0')
		return home;
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL)
		return pw->pw_dir;
	return "/";
}

/*
 * $VAR/hark, else $HOME/fallback/hark. The XDG spec says a relative value
 * is invalid and must be ignored, so it is.
 */
static char *
paths_xdg(const char *var, const char *fallback)
{
	const char *v = getenv(var);

	if (v != NULL && v[0] == '/')
		return xasprintf("%s/hark", v);
	return xasprintf("%s/%s/hark", paths_home(), fallback);
}

char *
hark_config_dir(void)
{
	return paths_xdg("XDG_CONFIG_HOME", ".config");
}

char *
hark_data_dir(void)
{
	return paths_xdg("XDG_DATA_HOME", ".local/share");
}

char *
hark_state_dir(void)
{
	return paths_xdg("XDG_STATE_HOME", ".local/state");
}

char *
hark_runtime_dir(void)
{
	const char *v = getenv("XDG_RUNTIME_DIR");

	if (v != NULL && v[0] == '/')
		return xasprintf("%s/hark", v);
	return xasprintf("/tmp/hark-%lu", (unsigned long)getuid());
}

char *
hark_db_path(const struct config *cfg)
{
	const char *v = getenv("HARK_DB");
	char *dir, *path;

	if (v != NULL && *v != '\0')
		return hark_expand_home(v);
	if (cfg != NULL && cfg->db != NULL)
		return hark_expand_home(cfg->db);
	dir = hark_data_dir();
	path = xasprintf("%s/hark.db", dir);
	free(dir);
	return path;
}

char *
hark_expand_home(const char *path)
{
	const char *home;
	size_t len;

	if (path[0] != '~' || (path[1] != '/' && path[1] != '\0'))
		return xstrdup(path);
	home = paths_home();
	/* "/" as home would make "//x" of "~/x". */
	len = strlen(home);
	while (len > 1 && home[len - 1] == '/')
		len--;
	if (len == 1 && home[0] == '/')
		len = 0;
	return xasprintf("%.*s%s", (int)len, home, path + 1);
}

int
hark_mkdir_p(const char *dir, char **cause)
{
	char *copy, *p, saved;
	int rc = 0;

	if (dir == NULL || *dir == '\0') {
		set_cause(cause, "cannot create a directory with no name");
		return -1;
	}
	copy = xstrdup(dir);
	/* Each parent in turn, then dir itself (p at the terminating NUL). */
	for (p = copy + 1; rc == 0; p++) {
		if ((*p != '/' && *p != '\0') || (*p == '/' && p[1] == '/'))
			continue;
		saved = *p;
		*p = '\0';
		rc = paths_mkdir_one(copy, cause);
		*p = saved;
		if (saved == '\0')
			break;
	}
	free(copy);
	return rc;
}

/* Creates one directory unless a directory is already there. */
static int
paths_mkdir_one(const char *dir, char **cause)
{
	struct stat sb;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		set_cause(cause, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		set_cause(cause, "cannot create %s: something else is in the way",
		    dir);
		return -1;
	}
	return 0;
}
