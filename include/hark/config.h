/*
 * config.h — XDG paths, the ini configuration file, and secrets.
 *
 * The file is $XDG_CONFIG_HOME/hark/config (~/.config/hark/config), in ini
 * syntax, read with inih. Every setting is declared once in the option table
 * (src/config/options.c) with its section, type, default and help; the
 * parser, validation and `hark config check` are driven by that table.
 *
 *   [general]            default_region, db, notify, poll_interval, ...
 *   [identity]           name, email, phone
 *   [relay]              listen, public_url, socket, max_body, rate_limit
 *   [account NAME]       provider = sandbox|twilio|smtp|imap|sendgrid|mailgun,
 *                        channels, from_phone, from_whatsapp, from_email,
 *                        base_url, rate, and provider settings; secrets as
 *                        KEY_cmd (a command whose stdout is the secret) or
 *                        KEY_env (an environment variable's name), or KEY itself
 *                        only when the file is mode 0600.
 *
 * Errors name the file, the line and what was expected:
 *   "~/.config/hark/config:12: unknown setting 'defualt_region' in [general]
 *    (did you mean 'default_region'?)"
 * A secret's value never appears in an error, a log line or `config check`.
 *
 * Files: src/config/{paths,config,options,value,secret}.c
 */
#ifndef HARK_CONFIG_H
#define HARK_CONFIG_H

#include <stdint.h>

struct hbuf;
struct config;

/* ---- paths ---------------------------------------------------------------------- */

/* $XDG_CONFIG_HOME/hark, else $HOME/.config/hark. Newly allocated. */
char *hark_config_dir(void);
/* $XDG_DATA_HOME/hark, else $HOME/.local/share/hark. */
char *hark_data_dir(void);
/* $XDG_STATE_HOME/hark, else $HOME/.local/state/hark (logs). */
char *hark_state_dir(void);
/* $XDG_RUNTIME_DIR/hark, else /tmp/hark-UID (sockets). */
char *hark_runtime_dir(void);
/* The database path: $HARK_DB, else `db` from the config, else
 * hark_data_dir()/hark.db. cfg may be NULL. "~/" is expanded. */
char *hark_db_path(const struct config *cfg);
/* Creates dir and missing parents with mode 0700. 0 or -1 with cause. */
int hark_mkdir_p(const char *dir, char **cause);
/* Expands a leading "~/" with $HOME. Newly allocated. */
char *hark_expand_home(const char *path);

/* ---- configuration -------------------------------------------------------------- */

struct config_kv {
	char *key;
	char *value;
	int line;
};

struct config_account {
	char *name;            /* from [account NAME] */
	char *provider;        /* required */
	unsigned channels;     /* bit (1 << hark_channel); default: all the provider offers (0 = unset) */
	char *from_phone;      /* E.164, may be NULL */
	char *from_whatsapp;
	char *from_email;
	char *base_url;        /* API base override (tests, proxies), may be NULL */
	double rate;           /* messages per second, 0 = provider default */
	struct config_kv *kv;  /* every other key, as written, for the provider */
	int nkv;
	int line;              /* where the section starts */
};

struct config {
	char *path;            /* the file read, NULL when there was none */
	int file_mode;         /* st_mode & 0777 of the file, 0 when none */
	/* [general] */
	char *default_region;  /* ISO alpha-2, default "US" */
	char *db;              /* may be NULL */
	char *notify;          /* "auto", "libnotify", "osc", "bell", "none"; default "auto" */
	int poll_interval_s;   /* default 60 */
	int fallback_after_s;  /* undelivered this long: fall back; 0 = only on failure */
	char *keymap;          /* default "vi" */
	char *theme;           /* default "default" */
	char *rules;           /* the automation rules file; NULL: $XDG_CONFIG_HOME/hark/rules */
	/* [identity] */
	char *identity_name;
	char *identity_email;
	char *identity_phone;
	/* [relay] */
	char *relay_listen;    /* default "127.0.0.1:8686" */
	char *relay_public_url;/* may be NULL */
	char *relay_socket;    /* may be NULL: hark_runtime_dir()/events.sock */
	int relay_max_body;    /* bytes, default 1 MiB */
	int relay_rate_limit;  /* requests/s per client address, 0 = no limit */
	struct config_account *accounts;
	int naccounts;
};

/*
 * Loads the configuration. path NULL means the default location, where a
 * missing file is not an error (defaults apply); an explicit path must exist.
 * Validates every value (unknown section or key, bad region, bad number, bad
 * phone or email, unknown provider, plaintext secret in a file readable by
 * others) and stops at the first error: -1 with "FILE:LINE: ..." in *cause.
 */
int config_load(const char *path, struct config **out, char **cause);
/* A configuration with every default and no accounts (for --demo and tests). */
struct config *config_default(void);
void config_free(struct config *cfg);

/* The account named name, or NULL. */
const struct config_account *config_account_find(const struct config *cfg, const char *name);
/* A provider-specific setting's raw value, or NULL. */
const char *config_account_get(const struct config_account *a, const char *key);
/*
 * Resolves secret `key` of an account: KEY_cmd runs the command through
 * /bin/sh -c and takes its stdout without the trailing newline (a failing
 * command or empty output is an error naming the key, not the output);
 * KEY_env reads the variable; KEY is the plaintext value. Returns 0 with a
 * newly allocated *secret, 1 when the account has no such secret, -1 with
 * cause.
 */
int config_account_secret(const struct config_account *a, const char *key,
    char **secret, char **cause);

/* Appends the effective settings, one "section.key = value" per line, with
 * secrets shown as "********" (and _cmd / _env shown as written). */
void config_dump(const struct config *cfg, struct hbuf *out);

#endif
