/* config_int.h — what the config files share: the option and provider tables. */
#ifndef HARK_CONFIG_INT_H
#define HARK_CONFIG_INT_H

#include <stddef.h>

#include "hark/config.h"
#include "hark/util.h"

/* Which section a setting belongs to. */
enum config_scope {
	CONFIG_GENERAL,
	CONFIG_IDENTITY,
	CONFIG_ACCOUNT,
	CONFIG_RELAY
};

/* How a value is checked and stored. */
enum config_type {
	CONFIG_STRING,   /* any non-empty text */
	CONFIG_INT,      /* whole number in [min, max] */
	CONFIG_DOUBLE,   /* number in [min, max] */
	CONFIG_REGION,   /* two ASCII letters, stored upper-cased */
	CONFIG_ENUM,     /* one of choices, stored as the table spells it */
	CONFIG_CHANNELS, /* comma list of channel names, stored as a bit mask */
	CONFIG_PHONE,    /* E.164: '+' and 7 to 15 digits */
	CONFIG_EMAIL,    /* local@domain.tld */
	CONFIG_URL,      /* http:// or https:// */
	CONFIG_SECRET    /* KEY (plaintext), KEY_cmd or KEY_env; kept in kv */
};

/* The providers an [account] may name; bit (1 << index) in a provider mask. */
enum config_provider {
	CONFIG_PROV_SANDBOX,
	CONFIG_PROV_TWILIO,
	CONFIG_PROV_SMTP,
	CONFIG_PROV_IMAP,
	CONFIG_PROV_SENDGRID,
	CONFIG_PROV_MAILGUN,
	CONFIG_PROV__COUNT
};
#define CONFIG_P(x) (1u << CONFIG_PROV_##x)
#define CONFIG_PROV_ALL ((1u << CONFIG_PROV__COUNT) - 1)

/* offset of a setting that has no field of its own: it goes to the account's kv. */
#define CONFIG_KV ((size_t)-1)

/*
 * One setting. The parser, validation, defaults and config_dump all read
 * this table (options.c); nothing else lists setting names.
 */
struct config_option {
	const char *name;
	enum config_scope scope;
	enum config_type type;
	const char *def;             /* default as it would be written, or NULL */
	const char *const *choices;  /* CONFIG_ENUM: NULL-terminated */
	double min, max;             /* CONFIG_INT, CONFIG_DOUBLE */
	unsigned providers;          /* CONFIG_ACCOUNT: providers it applies to */
	unsigned required;           /* CONFIG_ACCOUNT: providers that need it set */
	size_t offset;               /* field in struct config (or config_account), or CONFIG_KV */
	const char *help;
};

extern const struct config_option config_options[];
extern const size_t config_noptions;
/* NULL-terminated, indexed by enum config_provider. */
extern const char *const config_provider_names[];

/* "general", "identity" or "account". */
const char *config_scope_name(enum config_scope scope);
/* The option called name in scope, or NULL. */
const struct config_option *config_option_find(enum config_scope scope, const char *name);
/*
 * Like config_option_find, but also knows a secret's KEY_cmd and KEY_env
 * spellings: *form is 0 for KEY, 'c' for KEY_cmd, 'e' for KEY_env.
 */
const struct config_option *config_option_lookup(enum config_scope scope,
    const char *name, int *form);
/* The known name in scope closest to name (for "did you mean"), newly
 * allocated, or NULL when nothing is close. */
char *config_option_suggest(enum config_scope scope, const char *name);
/* Levenshtein distance between two short names; (size_t)-1 when b is 64
 * characters or more. */
size_t config_distance(const char *a, const char *b);
/* The index of a provider name, or -1. */
int config_provider_index(const char *name);
/* The channels a provider can carry (bit (1 << hark_channel)). */
unsigned config_provider_channels(int provider);

/*
 * Checks value for o (given in the spelling form) and, when o has a field,
 * stores it at base + o->offset, freeing what was there. *canon receives the
 * form to keep in kv (NULL: keep value as written). Returns 0, or -1 with
 * "'name' must be ..." in *cause; a secret's value is never quoted.
 */
int config_option_set(const struct config_option *o, int form, void *base,
    const char *value, char **canon, char **cause);
/* Appends o's field at base + o->offset as the file would spell it. */
void config_option_format(const struct config_option *o, const void *base,
    struct hbuf *out);
/* Frees o's field at base + o->offset when it is a string. */
void config_option_clear(const struct config_option *o, void *base);

#endif
