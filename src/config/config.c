/* config.c — reads the ini file into struct config, checking every line against the option table. */

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "hark/core.h"
#include "config_int.h"

/*
 * How a file is read. inih splits lines into sections and key = value pairs
 * but does not tell the handler which line it is on, and never calls it for
 * a section with no keys. So inih reads through config_read_line, which
 * counts lines and notices section headers itself: a header ends the section
 * before it (an account is checked as a whole there: provider, required
 * keys, keys that do not apply) and begins the next. By the time the reader
 * returns line N, inih has handled every line before it. The first error
 * stops everything: the reader then reports end of file.
 */
struct config_parse {
	struct config *cfg;
	FILE *f;
	char *file;            /* the path as errors show it ("~/...") */
	char *buf;             /* getline's buffer */
	size_t bufsize;
	int line;              /* the line inih is working on */
	int indented;          /* it starts with a blank */
	int in_section;
	enum config_scope scope;
	int account;           /* index in cfg->accounts, or -1 */
	int *seen_global;      /* line where each option was set, 0 = not set */
	int *seen_account;     /* the same for the current account's fields */
	char prev_key[64];     /* the last key handled in this section */
	char *cause;
	int cause_line;
};

static char	*config_read_line(char *, int, void *);
static int	 config_handler(void *, const char *, const char *,
		     const char *);
static void	 config_error(struct config_parse *, int, const char *, ...)
		     HARK_PRINTF(3, 4);
static void	 config_section_line(struct config_parse *, const char *);
static void	 config_section_begin(struct config_parse *, const char *);
static void	 config_section_unknown(struct config_parse *, const char *);
static void	 config_account_begin(struct config_parse *, const char *);
static void	 config_section_end(struct config_parse *);
static int	 config_account_check(struct config_parse *,
		     struct config_account *, int);
static int	 config_account_required(struct config_parse *,
		     struct config_account *, int);
static void	 config_account_defaults(struct config_account *, int);
static void	 config_key(struct config_parse *, const char *, const char *);
static void	 config_key_unknown(struct config_parse *, const char *);
static void	 config_key_set(struct config_parse *,
		     const struct config_option *, int, const char *,
		     const char *);
static int	 config_key_repeated(struct config_parse *,
		     const struct config_option *, const char *);
static void	 config_kv_add(struct config_account *, const char *,
		     const char *, int);
static const struct config_kv *config_kv_of(const struct config_account *,
		     const struct config_option *);
static char	*config_display_path(const char *);
static char	*config_section_label(const struct config_parse *);
static int	 config_open(const char *, struct config *, FILE **, char **);

int
config_load(const char *path, struct config **out, char **cause)
{
	struct config_parse p;
	struct config *cfg;
	FILE *f;
	int rc;

	*out = NULL;
	cfg = config_default();
	if (config_open(path, cfg, &f, cause) != 0) {
		config_free(cfg);
		return -1;
	}
	if (f == NULL) {
		*out = cfg;
		return 0;
	}
	memset(&p, 0, sizeof p);
	p.cfg = cfg;
	p.f = f;
	p.file = config_display_path(cfg->path);
	p.account = -1;
	p.seen_global = xcalloc(config_noptions, sizeof *p.seen_global);
	p.seen_account = xcalloc(config_noptions, sizeof *p.seen_account);

	rc = ini_parse_stream(config_read_line, &p, config_handler, &p);
	if (p.cause == NULL && ferror(f))
		config_error(&p, 0, "cannot read: %s", strerror(errno));
	if (p.cause == NULL)
		config_section_end(&p);
	/* inih's own complaint (no '=' on a line) wins if it came first. */
	if (rc > 0 && (p.cause == NULL || rc < p.cause_line)) {
		free(p.cause);
		p.cause = NULL;
		config_error(&p, rc, "expected 'key = value' or '[section]'");
	}
	fclose(f);
	free(p.buf);
	free(p.file);
	free(p.seen_global);
	free(p.seen_account);
	if (p.cause != NULL) {
		set_cause(cause, "%s", p.cause);
		free(p.cause);
		config_free(cfg);
		return -1;
	}
	*out = cfg;
	return 0;
}

/*
 * Opens the file: the default location when path is NULL, where a missing
 * file leaves *f NULL and is no error. Records path and mode in cfg.
 */
static int
config_open(const char *path, struct config *cfg, FILE **f, char **cause)
{
	char *dir, *file;
	struct stat sb;

	*f = NULL;
	if (path != NULL)
		file = xstrdup(path);
	else {
		dir = hark_config_dir();
		file = xasprintf("%s/config", dir);
		free(dir);
	}
	if ((*f = fopen(file, "r")) == NULL) {
		if (path == NULL && errno == ENOENT) {
			free(file);
			return 0;
		}
		set_cause(cause, "%s: cannot open: %s", file, strerror(errno));
		free(file);
		return -1;
	}
	if (fstat(fileno(*f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		set_cause(cause, "%s: not a regular file", file);
		fclose(*f);
		*f = NULL;
		free(file);
		return -1;
	}
	cfg->path = file;
	cfg->file_mode = (int)(sb.st_mode & 0777);
	return 0;
}

/* inih's reader: one line per call, counted, headers noticed (see above). */
static char *
config_read_line(char *str, int num, void *stream)
{
	struct config_parse *p = stream;
	ssize_t n;

	if (p->cause != NULL)
		return NULL;
	if ((n = getline(&p->buf, &p->bufsize, p->f)) < 0)
		return NULL;
	p->line++;
	while (n > 0 && (p->buf[n - 1] == '\n' || p->buf[n - 1] == '\r'))
		p->buf[--n] = '\0';
	if (n >= num) {
		config_error(p, p->line, "line is longer than %d characters",
		    num - 1);
		return NULL;
	}
	memcpy(str, p->buf, (size_t)n + 1);
	p->indented = (*str == ' ' || *str == '\t');
	config_section_line(p, str);
	return p->cause == NULL ? str : NULL;
}

static int
config_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct config_parse *p = user;

	(void)section;	/* the reader tracks sections, with their lines */
	if (p->cause == NULL)
		config_key(p, name, value);
	return p->cause == NULL;
}

/* Keeps the first error, as "FILE:LINE: message" (or "FILE: message"). */
static void
config_error(struct config_parse *p, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (p->cause != NULL)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (line > 0)
		p->cause = xasprintf("%s:%d: %s", p->file, line, msg);
	else
		p->cause = xasprintf("%s: %s", p->file, msg);
	p->cause_line = line;
	free(msg);
}

/* If line is a section header, as inih reads one, ends and begins sections. */
static void
config_section_line(struct config_parse *p, const char *line)
{
	const char *s = line, *end;
	char *name;

	if (p->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	/* inih reads an indented line after a key as more of its value. */
	if (p->indented && p->prev_key[0] != '\0')
		return;
	s += strspn(s, " \t");
	if (*s != '[' || (end = strchr(s, ']')) == NULL)
		return;	/* not a header, or a broken one inih reports */
	config_section_end(p);
	if (p->cause != NULL)
		return;
	name = xstrndup(s + 1, (size_t)(end - s - 1));
	config_section_begin(p, name);
	free(name);
}

static void
config_section_begin(struct config_parse *p, const char *name)
{
	p->in_section = 1;
	p->prev_key[0] = '\0';
	p->account = -1;
	if (strcmp(name, "general") == 0)
		p->scope = CONFIG_GENERAL;
	else if (strcmp(name, "identity") == 0)
		p->scope = CONFIG_IDENTITY;
	else if (strcmp(name, "relay") == 0)
		p->scope = CONFIG_RELAY;
	else if (strncmp(name, "account", 7) == 0 &&
	    (name[7] == '\0' || name[7] == ' ' || name[7] == '\t'))
		config_account_begin(p, name + 7);
	else
		config_section_unknown(p, name);
}

static void
config_section_unknown(struct config_parse *p, const char *name)
{
	static const char *const known[] = { "general", "identity", "account", "relay" };
	size_t i, d, best = 0, bestd = (size_t)-1, wordlen;
	const char *rest;
	char word[64];

	/* Compare the first word, so that [acount work] finds [account work]. */
	wordlen = strcspn(name, " \t");
	snprintf(word, sizeof word, "%.*s", (int)wordlen, name);
	for (i = 0; i < HARK_NELEM(known); i++) {
		if ((d = config_distance(word, known[i])) < bestd) {
			bestd = d;
			best = i;
		}
	}
	rest = name + wordlen;
	if (best == 2 && *rest == '\0')
		rest = " NAME";
	if (bestd <= 2) {
		config_error(p, p->line, "unknown section [%s] (did you mean "
		    "[%s%s]?)", name, known[best], rest);
	} else {
		config_error(p, p->line, "unknown section [%s] (sections are "
		    "[general], [identity], [relay] and [account NAME])", name);
	}
}

static void
config_account_begin(struct config_parse *p, const char *name)
{
	struct config *cfg = p->cfg;
	struct config_account *a;
	size_t len;
	int i;

	name += strspn(name, " \t");
	len = strlen(name);
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	if (len == 0 || len > 32 || strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") < len) {
		config_error(p, p->line, "an account needs a name of at most "
		    "32 letters, digits, '.', '_' or '-', like [account work]");
		return;
	}
	for (i = 0; i < cfg->naccounts; i++) {
		if (strcmp(cfg->accounts[i].name, name) == 0) {
			config_error(p, p->line, "[account %s] is already "
			    "defined on line %d", name, cfg->accounts[i].line);
			return;
		}
	}
	cfg->accounts = xreallocarray(cfg->accounts, (size_t)cfg->naccounts + 1,
	    sizeof *cfg->accounts);
	a = &cfg->accounts[cfg->naccounts];
	memset(a, 0, sizeof *a);
	a->name = xstrndup(name, len);
	a->line = p->line;
	p->account = cfg->naccounts++;
	p->scope = CONFIG_ACCOUNT;
	memset(p->seen_account, 0, config_noptions * sizeof *p->seen_account);
}

/* Ends the current section; only an account has anything left to check. */
static void
config_section_end(struct config_parse *p)
{
	struct config_account *a;
	int prov;

	if (p->account < 0)
		return;
	a = &p->cfg->accounts[p->account];
	p->account = -1;
	if (a->provider == NULL) {
		config_error(p, a->line, "[account %s] has no 'provider' (one "
		    "of sandbox, twilio, smtp, imap, sendgrid, mailgun)", a->name);
		return;
	}
	prov = config_provider_index(a->provider);
	if (config_account_check(p, a, prov) != 0)
		return;
	if (config_account_required(p, a, prov) != 0)
		return;
	config_account_defaults(a, prov);
}

/* Every key set must apply to the account's provider, channels too. */
static int
config_account_check(struct config_parse *p, struct config_account *a,
    int prov)
{
	const struct config_option *o;
	unsigned bit = 1u << prov, extra;
	size_t i;
	int j, form;

	for (i = 0; i < config_noptions; i++) {
		o = &config_options[i];
		if (p->seen_account[i] == 0 || (o->providers & bit))
			continue;
		config_error(p, p->seen_account[i], "'%s' does not apply to "
		    "provider '%s' in [account %s]", o->name, a->provider,
		    a->name);
		return -1;
	}
	for (j = 0; j < a->nkv; j++) {
		o = config_option_lookup(CONFIG_ACCOUNT, a->kv[j].key, &form);
		if (o->providers & bit)
			continue;
		config_error(p, a->kv[j].line, "'%s' does not apply to "
		    "provider '%s' in [account %s]", a->kv[j].key, a->provider,
		    a->name);
		return -1;
	}
	extra = a->channels & ~config_provider_channels(prov);
	for (j = 0; j < HARK_CH__COUNT && extra != 0; j++) {
		if ((extra & (1u << j)) == 0)
			continue;
		o = config_option_find(CONFIG_ACCOUNT, "channels");
		config_error(p, p->seen_account[o - config_options],
		    "'channels' has %s, which provider '%s' does not carry",
		    hark_channel_name((enum hark_channel)j), a->provider);
		return -1;
	}
	return 0;
}

/* Every setting the table requires of the provider is there. */
static int
config_account_required(struct config_parse *p, struct config_account *a,
    int prov)
{
	const struct config_option *o;
	size_t i;

	for (i = 0; i < config_noptions; i++) {
		o = &config_options[i];
		if (o->scope != CONFIG_ACCOUNT || !(o->required & (1u << prov)))
			continue;
		if (o->offset == CONFIG_KV ? config_kv_of(a, o) != NULL :
		    p->seen_account[i] != 0)
			continue;
		if (o->type == CONFIG_SECRET) {
			config_error(p, a->line, "[account %s] needs '%s' (or "
			    "%s_cmd or %s_env) for provider '%s'", a->name,
			    o->name, o->name, o->name, a->provider);
		} else {
			config_error(p, a->line, "[account %s] needs '%s' for "
			    "provider '%s'", a->name, o->name, a->provider);
		}
		return -1;
	}
	return 0;
}

/* Provider settings with a default in the table appear in kv at line 0. */
static void
config_account_defaults(struct config_account *a, int prov)
{
	const struct config_option *o;
	size_t i;

	for (i = 0; i < config_noptions; i++) {
		o = &config_options[i];
		if (o->scope != CONFIG_ACCOUNT || o->offset != CONFIG_KV ||
		    o->def == NULL || !(o->providers & (1u << prov)))
			continue;
		if (config_kv_of(a, o) == NULL)
			config_kv_add(a, o->name, o->def, 0);
	}
}

/* One key = value line of the current section. */
static void
config_key(struct config_parse *p, const char *name, const char *value)
{
	const struct config_option *o;
	int form;

	if (!p->in_section) {
		config_error(p, p->line, "'%s' is outside any section; put it "
		    "under [general], [identity], [relay] or [account NAME]", name);
		return;
	}
	if (p->indented && strcmp(name, p->prev_key) == 0) {
		config_error(p, p->line, "this line is indented, so it would "
		    "continue '%s'; remove the leading blanks", name);
		return;
	}
	snprintf(p->prev_key, sizeof p->prev_key, "%s", name);
	if ((o = config_option_lookup(p->scope, name, &form)) == NULL)
		config_key_unknown(p, name);
	else if (config_key_repeated(p, o, name) == 0)
		config_key_set(p, o, form, name, value);
}

static void
config_key_unknown(struct config_parse *p, const char *name)
{
	char *label, *hint;

	label = config_section_label(p);
	hint = config_option_suggest(p->scope, name);
	if (hint != NULL) {
		config_error(p, p->line, "unknown setting '%s' in %s (did you "
		    "mean '%s'?)", name, label, hint);
	} else {
		config_error(p, p->line, "unknown setting '%s' in %s", name,
		    label);
	}
	free(hint);
	free(label);
}

/* Checks and stores a known setting (spelt name, in form) of this section. */
static void
config_key_set(struct config_parse *p, const struct config_option *o,
    int form, const char *name, const char *value)
{
	struct config_account *a = NULL;
	char *canon = NULL, *why = NULL, *v;
	size_t len;

	if (p->account >= 0)
		a = &p->cfg->accounts[p->account];
	/* "..." around a whole value is quoting, not part of it. */
	len = strlen(value);
	if (len >= 2 && value[0] == '"' && value[len - 1] == '"' &&
	    memchr(value + 1, '"', len - 2) == NULL)
		v = xstrndup(value + 1, len - 2);
	else
		v = xstrdup(value);
	if (config_option_set(o, form, a != NULL ? (void *)a : p->cfg, v,
	    &canon, &why) != 0)
		config_error(p, p->line, "%s", why);
	else if (o->type == CONFIG_SECRET && form == 0 &&
	    (p->cfg->file_mode & 077) != 0) {
		config_error(p, p->line, "'%s' is a plaintext secret but %s is "
		    "readable by others (mode %04o); chmod 600 %s or use "
		    "%s_cmd / %s_env", name, p->file, p->cfg->file_mode,
		    p->file, name, name);
	} else if (o->offset == CONFIG_KV)
		config_kv_add(a, name, canon != NULL ? canon : v, p->line);
	else if (a != NULL)
		p->seen_account[o - config_options] = p->line;
	else
		p->seen_global[o - config_options] = p->line;
	free(why);
	free(canon);
	free(v);
}

/* A setting given twice (or a secret given in two forms) is an error. */
static int
config_key_repeated(struct config_parse *p, const struct config_option *o,
    const char *name)
{
	const struct config_kv *kv;
	int *seen;

	if (o->offset == CONFIG_KV) {
		kv = config_kv_of(&p->cfg->accounts[p->account], o);
		if (kv == NULL)
			return 0;
		if (strcmp(kv->key, name) == 0)
			config_error(p, p->line, "'%s' is already set on line "
			    "%d", name, kv->line);
		else
			config_error(p, p->line, "'%s' and '%s' (line %d) both "
			    "give the secret; keep one", name, kv->key, kv->line);
		return -1;
	}
	seen = p->account >= 0 ? p->seen_account : p->seen_global;
	if (seen[o - config_options] == 0)
		return 0;
	config_error(p, p->line, "'%s' is already set on line %d", name,
	    seen[o - config_options]);
	return -1;
}

static void
config_kv_add(struct config_account *a, const char *key, const char *value,
    int line)
{
	struct config_kv *kv;

	a->kv = xreallocarray(a->kv, (size_t)a->nkv + 1, sizeof *a->kv);
	kv = &a->kv[a->nkv++];
	kv->key = xstrdup(key);
	kv->value = xstrdup(value);
	kv->line = line;
}

/* The kv entry that gives option o, in any of its spellings, or NULL. */
static const struct config_kv *
config_kv_of(const struct config_account *a, const struct config_option *o)
{
	int i, form;

	for (i = 0; i < a->nkv; i++) {
		if (config_option_lookup(CONFIG_ACCOUNT, a->kv[i].key, &form) == o)
			return &a->kv[i];
	}
	return NULL;
}

/* "~/.config/hark/config" rather than the full home path. */
static char *
config_display_path(const char *path)
{
	const char *home = getenv("HOME");
	size_t len;

	if (home == NULL || (len = strlen(home)) <= 1 ||
	    strncmp(path, home, len) != 0 || path[len] != '/')
		return xstrdup(path);
	return xasprintf("~%s", path + len);
}

static char *
config_section_label(const struct config_parse *p)
{
	if (p->account >= 0)
		return xasprintf("[account %s]",
		    p->cfg->accounts[p->account].name);
	return xasprintf("[%s]", config_scope_name(p->scope));
}
