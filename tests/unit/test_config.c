/* test_config.c — the config module: XDG paths, the ini file, secrets. */

#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include "harness.h"

#include "hark/config.h"
#include "hark/core.h"

/* Writes content to dir/name with mode; returns the path (caller frees). */
static char *
write_file(const char *dir, const char *name, const char *content, int mode)
{
	char *path = xasprintf("%s/%s", dir, name);
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)),
	    (ssize_t)strlen(content));
	assert_int_equal(fchmod(fd, (mode_t)mode), 0);
	close(fd);
	return path;
}

static void
rm_rf(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/*
 * A fresh directory as $HOME with no XDG variables, so that paths and the
 * default config location are under it.
 */
static char *
fresh_home(void)
{
	char *dir = test_tmpdir();

	setenv("HOME", dir, 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_DATA_HOME");
	unsetenv("XDG_STATE_HOME");
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("HARK_DB");
	return dir;
}

/* Loads content written at mode; returns config_load's result. */
static int
load_text(const char *dir, const char *content, int mode, struct config **cfg,
    char **cause)
{
	char *path = write_file(dir, "config", content, mode);
	int rc;

	*cfg = NULL;
	*cause = NULL;
	rc = config_load(path, cfg, cause);
	free(path);
	return rc;
}

/* Expects content to be refused with a cause that begins "FILE:LINE: " and
 * contains want. $HOME is elsewhere, so FILE is the plain path. */
static void
expect_error(const char *content, int mode, int line, const char *want)
{
	char *dir = fresh_home(), *home = test_tmpdir(), *prefix, *cause;
	struct config *cfg;

	setenv("HOME", home, 1);
	assert_int_equal(load_text(dir, content, mode, &cfg, &cause), -1);
	assert_null(cfg);
	assert_non_null(cause);
	prefix = xasprintf("%s/config:%d: ", dir, line);
	if (strncmp(cause, prefix, strlen(prefix)) != 0 ||
	    strstr(cause, want) == NULL)
		fail_msg("cause '%s' lacks '%s' or '%s'", cause, prefix, want);
	free(prefix);
	free(cause);
	rm_rf(dir);
	rm_rf(home);
	free(dir);
	free(home);
}

static void
test_load_missing(void **state)
{
	char *home = fresh_home(), *cause = NULL, *path;
	struct config *cfg = NULL;

	/* The default location may be missing: defaults, no error. */
	assert_int_equal(config_load(NULL, &cfg, &cause), 0);
	assert_null(cause);
	assert_null(cfg->path);
	assert_string_equal(cfg->default_region, "US");
	assert_int_equal(cfg->naccounts, 0);
	config_free(cfg);

	/* An explicit path must exist, and the error names it. */
	path = xasprintf("%s/nope.ini", home);
	assert_int_equal(config_load(path, &cfg, &cause), -1);
	assert_null(cfg);
	assert_non_null(strstr(cause, path));
	free(cause);
	free(path);
	config_free(NULL);
	rm_rf(home);
	free(home);
}

static void
test_defaults(void **state)
{
	struct config *cfg = config_default();

	assert_null(cfg->path);
	assert_int_equal(cfg->file_mode, 0);
	assert_string_equal(cfg->default_region, "US");
	assert_null(cfg->db);
	assert_string_equal(cfg->notify, "auto");
	assert_int_equal(cfg->poll_interval_s, 60);
	assert_string_equal(cfg->keymap, "vi");
	assert_string_equal(cfg->theme, "default");
	assert_null(cfg->identity_name);
	assert_null(config_account_find(cfg, "any"));
	config_free(cfg);
}

static void
test_load_default_location(void **state)
{
	char *home = fresh_home(), *dir, *cause = NULL;
	struct config *cfg = NULL;

	dir = xasprintf("%s/.config/hark", home);
	assert_int_equal(hark_mkdir_p(dir, NULL), 0);
	free(write_file(dir, "config", "[general]\nnotify = bell\n", 0644));
	assert_int_equal(config_load(NULL, &cfg, &cause), 0);
	assert_string_equal(cfg->notify, "bell");
	assert_int_equal(cfg->file_mode, 0644);
	config_free(cfg);

	/* Errors show the file under $HOME as ~/... */
	free(write_file(dir, "config", "[general]\nnotify = loud\n", 0644));
	assert_int_equal(config_load(NULL, &cfg, &cause), -1);
	assert_string_equal(cause, "~/.config/hark/config:2: 'notify' must "
	    "be one of auto, libnotify, osc, bell, none, not 'loud'");
	free(cause);
	free(dir);
	rm_rf(home);
	free(home);
}

static const char full_config[] =
	"; hark\n"
	"[general]\n"
	"default_region = gb\n"
	"db = ~/inbox.db\n"
	"notify = OSC\n"
	"poll_interval = 120\n"
	"keymap = emacs\n"
	"theme = dark\n"
	"\n"
	"[identity]\n"
	"name = \"Ada Lovelace\"\n"
	"email = ada@example.com\n"
	"phone = +442079460958\n"
	"\n"
	"[account play]\n"
	"provider = sandbox\n"
	"lookup = no\n"
	"\n"
	"[account work]\n"
	"provider = twilio\n"
	"channels = sms, wa\n"
	"from_phone = +14155552671\n"
	"rate = 1.5\n"
	"account_sid = AC123\n"
	"auth_token_cmd = printf \"%s\" tok\n";

static void
test_load_full(void **state)
{
	char *dir = fresh_home(), *cause = NULL;
	const struct config_account *a;
	struct config *cfg;

	assert_int_equal(load_text(dir, full_config, 0644, &cfg, &cause), 0);
	assert_null(cause);
	assert_string_equal(cfg->default_region, "GB");
	assert_string_equal(cfg->db, "~/inbox.db");
	assert_string_equal(cfg->notify, "osc");
	assert_int_equal(cfg->poll_interval_s, 120);
	assert_string_equal(cfg->keymap, "emacs");
	assert_string_equal(cfg->theme, "dark");
	assert_string_equal(cfg->identity_name, "Ada Lovelace");
	assert_string_equal(cfg->identity_email, "ada@example.com");
	assert_string_equal(cfg->identity_phone, "+442079460958");
	assert_int_equal(cfg->naccounts, 2);

	a = config_account_find(cfg, "play");
	assert_non_null(a);
	assert_string_equal(a->provider, "sandbox");
	assert_int_equal(a->line, 15);
	assert_int_equal(a->channels, 0);
	assert_string_equal(config_account_get(a, "lookup"), "no");

	a = config_account_find(cfg, "work");
	assert_non_null(a);
	assert_string_equal(a->provider, "twilio");
	assert_int_equal(a->channels, (1u << HARK_CH_SMS) |
	    (1u << HARK_CH_WHATSAPP));
	assert_string_equal(a->from_phone, "+14155552671");
	assert_null(a->from_email);
	assert_true(a->rate > 1.49 && a->rate < 1.51);
	assert_string_equal(config_account_get(a, "account_sid"), "AC123");
	assert_int_equal(a->kv[0].line, 24);
	assert_null(config_account_get(a, "nope"));
	assert_null(config_account_find(cfg, "nope"));
	config_free(cfg);
	rm_rf(dir);
	free(dir);
}

/* What inih accepts beyond key = value, and how hark reads it. */
static void
test_syntax(void **state)
{
	static const char text[] =
	    "\xEF\xBB\xBF# a comment\n"
	    "[general]\n"
	    "  notify = bell ; inline comment\n"
	    "keymap: emacs\n"
	    "theme = \"my theme\"\n"
	    "db = \"a\" \"b\"\n"
	    "[account a]\n"
	    "provider = SANDBOX\n"
	    "channels = SMS , Mail\n";
	char *dir = fresh_home(), *cause = NULL;
	const struct config_account *a;
	struct config *cfg;

	assert_int_equal(load_text(dir, text, 0644, &cfg, &cause), 0);
	assert_string_equal(cfg->notify, "bell");
	assert_string_equal(cfg->keymap, "emacs");
	assert_string_equal(cfg->theme, "my theme");
	assert_string_equal(cfg->db, "\"a\" \"b\"");
	a = config_account_find(cfg, "a");
	assert_string_equal(a->provider, "sandbox");
	assert_int_equal(a->channels, (1u << HARK_CH_SMS) |
	    (1u << HARK_CH_EMAIL));
	config_free(cfg);

	/* An empty file is no error. */
	assert_int_equal(load_text(dir, "", 0644, &cfg, &cause), 0);
	assert_int_equal(cfg->naccounts, 0);
	config_free(cfg);
	rm_rf(dir);
	free(dir);
}

static void
test_unknown_setting(void **state)
{
	expect_error("[general]\n\ndefualt_region = GB\n", 0644, 3,
	    "unknown setting 'defualt_region' in [general] (did you mean "
	    "'default_region'?)");
	expect_error("[account x]\nprovider = twilio\nauth_tokn_cmd = pass x\n",
	    0644, 3, "unknown setting 'auth_tokn_cmd' in [account x] (did you "
	    "mean 'auth_token_cmd'?)");
	expect_error("[identity]\nfavourite_colour = blue\n", 0644, 2,
	    "unknown setting 'favourite_colour' in [identity]");
	expect_error("[generl]\n", 0644, 1,
	    "unknown section [generl] (did you mean [general]?)");
	expect_error("[colours]\n", 0644, 1, "unknown section [colours]");
	expect_error("notify = bell\n", 0644, 1, "outside any section");
	expect_error("[general]\nnotify\n", 0644, 2, "expected 'key = value'");
	expect_error("[general]\nnotify = bell\n  theme = x\n", 0644, 3,
	    "indented");
	expect_error("[general]\nnotify = bell\nnotify = none\n", 0644, 3,
	    "'notify' is already set on line 2");
}

static void
test_bad_values(void **state)
{
	expect_error("[general]\n\npoll_interval = abc\n", 0644, 3,
	    "'poll_interval' must be a whole number from 5 to 86400, not 'abc'");
	expect_error("[general]\npoll_interval = 1\n", 0644, 2,
	    "'poll_interval'");
	expect_error("[general]\ndefault_region = USA\n", 0644, 2,
	    "'default_region' must be a two-letter country code");
	expect_error("[general]\nnotify = loud\n", 0644, 2,
	    "'notify' must be one of auto, libnotify, osc, bell, none, "
	    "not 'loud'");
	expect_error("[account a]\nprovider = sandbox\nchannels = sms,fax\n",
	    0644, 3, "unknown channel 'fax'");
	expect_error("[account a]\nprovider = sandbox\nchannels = sms,,email\n",
	    0644, 3, "empty item");
	expect_error("[account a]\nprovider = pigeon\n", 0644, 2,
	    "'provider' must be one of sandbox, twilio, smtp, imap, sendgrid, "
	    "mailgun");
	expect_error("[identity]\nphone = 555-1234\n", 0644, 2, "E.164");
	expect_error("[identity]\nemail = ada.example.com\n", 0644, 2,
	    "email address");
	expect_error("[account a]\nprovider = sandbox\nrate = fast\n", 0644, 3,
	    "'rate' must be a number");
	expect_error("[account a]\nprovider = sandbox\nbase_url = ftp://x\n",
	    0644, 3, "URL");
	expect_error("[general]\ntheme =\n", 0644, 2, "'theme' is empty");
}

static void
test_accounts(void **state)
{
	expect_error("[account x]\nprovider = sandbox\n\n[account x]\n", 0644,
	    4, "[account x] is already defined on line 1");
	expect_error("[general]\n[account work]\nchannels = sms\n[general]\n",
	    0644, 2, "[account work] has no 'provider'");
	expect_error("[account work]\n", 0644, 1, "has no 'provider'");
	expect_error("[account]\n", 0644, 1, "needs a name");
	expect_error("[account a]\nprovider = twilio\n", 0644, 1,
	    "[account a] needs 'account_sid' for provider 'twilio'");
	expect_error("[account a]\nprovider = mailgun\ndomain = x.org\n", 0644,
	    1, "needs 'api_key' (or api_key_cmd or api_key_env)");
	expect_error("[account a]\nhost = mx.org\nprovider = twilio\n", 0644,
	    2, "'host' does not apply to provider 'twilio' in [account a]");
	expect_error("[account a]\nprovider = twilio\nfrom_email = a@b.org\n",
	    0644, 3, "'from_email' does not apply to provider 'twilio'");
	expect_error("[account a]\nprovider = twilio\nchannels = email\n"
	    "account_sid = AC1\n", 0644, 3, "'channels' has email");
	expect_error("[account a]\nprovider = smtp\npassword_env = P\n"
	    "password_cmd = pass p\n", 0644, 4, "both give the secret");
	expect_error("[account a]\nprovider = smtp\nport = 0\n", 0644, 3,
	    "'port' must be a whole number from 1 to 65535");
	expect_error("[account a]\nprovider = smtp\npassword_env = 1X\n",
	    0644, 3, "must name an environment variable");
}

static void
test_plaintext_secret(void **state)
{
	static const char text[] =
	    "[account w]\nprovider = twilio\naccount_sid = AC1\n"
	    "auth_token = hunter2\n";
	char *dir = fresh_home(), *home = test_tmpdir(), *cause = NULL;
	char *want, *secret = NULL;
	struct config *cfg;

	setenv("HOME", home, 1);
	assert_int_equal(load_text(dir, text, 0644, &cfg, &cause), -1);
	want = xasprintf("%s/config:4: 'auth_token' is a plaintext secret but "
	    "%s/config is readable by others (mode 0644); chmod 600 "
	    "%s/config or use auth_token_cmd / auth_token_env", dir, dir, dir);
	assert_string_equal(cause, want);
	assert_null(strstr(cause, "hunter2"));
	free(want);
	free(cause);
	cause = NULL;

	assert_int_equal(load_text(dir, text, 0640, &cfg, &cause), -1);
	free(cause);
	cause = NULL;

	assert_int_equal(load_text(dir, text, 0600, &cfg, &cause), 0);
	assert_int_equal(config_account_secret(config_account_find(cfg, "w"),
	    "auth_token", &secret, &cause), 0);
	assert_string_equal(secret, "hunter2");
	free(secret);
	assert_int_equal(config_account_secret(config_account_find(cfg, "w"),
	    "api_secret", &secret, &cause), 1);
	assert_null(secret);
	config_free(cfg);
	rm_rf(dir);
	rm_rf(home);
	free(dir);
	free(home);
}

/* Loads an smtp account whose password is given as `line`. */
static struct config *
load_password(const char *dir, const char *line)
{
	char *text, *cause = NULL;
	struct config *cfg;

	text = xasprintf("[account m]\nprovider = smtp\nhost = mx.example.org\n"
	    "%s\n", line);
	if (load_text(dir, text, 0644, &cfg, &cause) != 0)
		fail_msg("%s", cause);
	free(text);
	return cfg;
}

static void
test_secret_cmd(void **state)
{
	char *dir = fresh_home(), *secret = NULL, *cause = NULL;
	const struct config_account *a;
	struct config *cfg;

	cfg = load_password(dir, "password_cmd = printf s3cret");
	a = config_account_find(cfg, "m");
	assert_int_equal(config_account_secret(a, "password", &secret, &cause),
	    0);
	assert_string_equal(secret, "s3cret");
	free(secret);
	config_free(cfg);

	/* One trailing newline, as `pass` prints, is not part of it. */
	cfg = load_password(dir, "password_cmd = echo 'two words'");
	a = config_account_find(cfg, "m");
	assert_int_equal(config_account_secret(a, "password", &secret, &cause),
	    0);
	assert_string_equal(secret, "two words");
	free(secret);
	config_free(cfg);

	/* A failing command: the key and status, never the output. */
	cfg = load_password(dir, "password_cmd = printf leaked; exit 3");
	a = config_account_find(cfg, "m");
	assert_int_equal(config_account_secret(a, "password", &secret, &cause),
	    -1);
	assert_null(secret);
	assert_non_null(strstr(cause, "password_cmd"));
	assert_non_null(strstr(cause, "exit status 3"));
	assert_null(strstr(cause, "leaked"));
	free(cause);
	cause = NULL;
	config_free(cfg);

	cfg = load_password(dir, "password_cmd = true");
	a = config_account_find(cfg, "m");
	assert_int_equal(config_account_secret(a, "password", &secret, &cause),
	    -1);
	assert_non_null(strstr(cause, "printed nothing"));
	free(cause);
	cause = NULL;
	config_free(cfg);

	cfg = load_password(dir, "password_cmd = kill -9 $$");
	a = config_account_find(cfg, "m");
	assert_int_equal(config_account_secret(a, "password", &secret, &cause),
	    -1);
	assert_non_null(strstr(cause, "signal 9"));
	free(cause);
	config_free(cfg);
	rm_rf(dir);
	free(dir);
}

static void
test_secret_env(void **state)
{
	char *dir = fresh_home(), *secret = NULL, *cause = NULL;
	const struct config_account *a;
	struct config *cfg;

	cfg = load_password(dir, "password_env = HARK_TEST_PASSWORD");
	a = config_account_find(cfg, "m");
	setenv("HARK_TEST_PASSWORD", "from-env", 1);
	assert_int_equal(config_account_secret(a, "password", &secret, &cause),
	    0);
	assert_string_equal(secret, "from-env");
	free(secret);

	unsetenv("HARK_TEST_PASSWORD");
	assert_int_equal(config_account_secret(a, "password", &secret, &cause),
	    -1);
	assert_non_null(strstr(cause, "$HARK_TEST_PASSWORD"));
	assert_non_null(strstr(cause, "not set"));
	free(cause);
	config_free(cfg);
	rm_rf(dir);
	free(dir);
}

static void
test_dump(void **state)
{
	static const char text[] =
	    "[identity]\nname = Ada\n"
	    "[account w]\nprovider = twilio\naccount_sid = AC1\n"
	    "auth_token = hunter2\napi_secret_cmd = pass show twilio\n";
	char *dir = fresh_home(), *cause = NULL;
	struct hbuf out = HBUF_INIT;
	struct config *cfg;

	assert_int_equal(load_text(dir, text, 0600, &cfg, &cause), 0);
	config_dump(cfg, &out);
	assert_null(strstr(hbuf_str(&out), "hunter2"));
	assert_non_null(strstr(hbuf_str(&out),
	    "account.w.auth_token = ********\n"));
	assert_non_null(strstr(hbuf_str(&out),
	    "account.w.api_secret_cmd = pass show twilio\n"));
	assert_non_null(strstr(hbuf_str(&out), "general.default_region = US\n"));
	assert_non_null(strstr(hbuf_str(&out), "general.poll_interval = 60\n"));
	assert_non_null(strstr(hbuf_str(&out), "identity.name = Ada\n"));
	assert_non_null(strstr(hbuf_str(&out), "account.w.provider = twilio\n"));
	/* Unset channels show what the provider carries. */
	assert_non_null(strstr(hbuf_str(&out),
	    "account.w.channels = sms,whatsapp,voice\n"));
	hbuf_free(&out);

	/* Secrets are also kept out of every load error. */
	config_free(cfg);
	assert_int_equal(load_text(dir, "[account w]\nprovider = twilio\n"
	    "auth_token = hunter2\nauth_token = hunter2\n", 0600, &cfg,
	    &cause), -1);
	assert_null(strstr(cause, "hunter2"));
	free(cause);
	rm_rf(dir);
	free(dir);
}

static void
test_paths(void **state)
{
	char *home = fresh_home(), *p, *want;

	p = hark_config_dir();
	want = xasprintf("%s/.config/hark", home);
	assert_string_equal(p, want);
	free(p);
	free(want);
	p = hark_data_dir();
	want = xasprintf("%s/.local/share/hark", home);
	assert_string_equal(p, want);
	free(p);
	free(want);
	p = hark_state_dir();
	want = xasprintf("%s/.local/state/hark", home);
	assert_string_equal(p, want);
	free(p);
	free(want);
	p = hark_runtime_dir();
	want = xasprintf("/tmp/hark-%lu", (unsigned long)getuid());
	assert_string_equal(p, want);
	free(p);
	free(want);

	setenv("XDG_CONFIG_HOME", "/x/conf", 1);
	setenv("XDG_DATA_HOME", "/x/data", 1);
	setenv("XDG_STATE_HOME", "/x/state", 1);
	setenv("XDG_RUNTIME_DIR", "/run/user/7", 1);
	p = hark_config_dir();
	assert_string_equal(p, "/x/conf/hark");
	free(p);
	p = hark_data_dir();
	assert_string_equal(p, "/x/data/hark");
	free(p);
	p = hark_state_dir();
	assert_string_equal(p, "/x/state/hark");
	free(p);
	p = hark_runtime_dir();
	assert_string_equal(p, "/run/user/7/hark");
	free(p);

	/* A relative XDG value is invalid by the spec and ignored. */
	setenv("XDG_CONFIG_HOME", "conf", 1);
	p = hark_config_dir();
	want = xasprintf("%s/.config/hark", home);
	assert_string_equal(p, want);
	free(p);
	free(want);
	rm_rf(home);
	free(home);
	unsetenv("XDG_CONFIG_HOME");
}

static void
test_db_path(void **state)
{
	char *home = fresh_home(), *p, *want;
	struct config *cfg = config_default();

	p = hark_db_path(NULL);
	want = xasprintf("%s/.local/share/hark/hark.db", home);
	assert_string_equal(p, want);
	free(p);
	free(want);

	cfg->db = xstrdup("~/mail/hark.db");
	p = hark_db_path(cfg);
	want = xasprintf("%s/mail/hark.db", home);
	assert_string_equal(p, want);
	free(p);
	free(want);

	setenv("HARK_DB", "/elsewhere/x.db", 1);
	p = hark_db_path(cfg);
	assert_string_equal(p, "/elsewhere/x.db");
	free(p);
	unsetenv("HARK_DB");
	config_free(cfg);

	p = hark_expand_home("~");
	assert_string_equal(p, home);
	free(p);
	p = hark_expand_home("/abs/~/x");
	assert_string_equal(p, "/abs/~/x");
	free(p);
	p = hark_expand_home("~other/x");
	assert_string_equal(p, "~other/x");
	free(p);
	rm_rf(home);
	free(home);
}

static void
test_mkdir_p(void **state)
{
	char *home = fresh_home(), *dir, *file, *cause = NULL;
	struct stat sb;

	assert_int_equal(hark_mkdir_p("", &cause), -1);
	free(cause);
	cause = NULL;

	dir = xasprintf("%s/a//b/c/", home);
	assert_int_equal(hark_mkdir_p(dir, &cause), 0);
	assert_int_equal(hark_mkdir_p(dir, &cause), 0);
	free(dir);
	dir = xasprintf("%s/a/b/c", home);
	assert_int_equal(stat(dir, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 077, 0);
	free(dir);

	file = write_file(home, "f", "x", 0600);
	dir = xasprintf("%s/sub", file);
	assert_int_equal(hark_mkdir_p(dir, &cause), -1);
	assert_non_null(strstr(cause, file));
	free(cause);
	free(dir);
	free(file);
	rm_rf(home);
	free(home);
}

static void
test_long_line(void **state)
{
	char text[512];

	snprintf(text, sizeof text, "[general]\ntheme = %0300d\n", 0);
	expect_error(text, 0644, 2, "longer than");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_load_default_location),
		cmocka_unit_test(test_load_full),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_unknown_setting),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_accounts),
		cmocka_unit_test(test_plaintext_secret),
		cmocka_unit_test(test_secret_cmd),
		cmocka_unit_test(test_secret_env),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_db_path),
		cmocka_unit_test(test_mkdir_p),
		cmocka_unit_test(test_long_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
