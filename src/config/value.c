/* value.c — settings' values as the option table says: checked, stored, dumped, freed. */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hark/core.h"
#include "config_int.h"

static int	option_set_number(const struct config_option *, const char *,
		    void *, const char *, char **);
static int	option_set_text(const struct config_option *, int, const char *,
		    void *, const char *, char **, char **);
static char	*option_choose(const struct config_option *, const char *,
		    const char *, char **);
static int	option_parse_channels(const char *, const char *, unsigned *,
		    char **);
static int	option_valid_region(const char *);
static int	option_valid_phone(const char *);
static int	option_valid_email(const char *);
static int	option_valid_url(const char *);
static int	option_valid_envname(const char *);
static void	option_format_channels(unsigned, struct hbuf *);
static void	option_store_string(void *, const struct config_option *, char *);
static void	*option_field(const struct config_option *, void *);

static void	config_account_free(struct config_account *);
static void	config_dump_account(const struct config_account *,
		    struct hbuf *);
static void	dump_value(const struct config_option *, const void *,
		    struct hbuf *);

int
config_option_set(const struct config_option *o, int form, void *base,
    const char *value, char **canon, char **cause)
{
	char display[80];

	*canon = NULL;
	snprintf(display, sizeof display, "%s%s", o->name,
	    form == 'c' ? "_cmd" : form == 'e' ? "_env" : "");
	if (*value == '\0') {
		set_cause(cause, "'%s' is empty; remove the line to use the "
		    "default", display);
		return -1;
	}
	if (o->type == CONFIG_INT || o->type == CONFIG_DOUBLE)
		return option_set_number(o, display, base, value, cause);
	return option_set_text(o, form, display, base, value, canon, cause);
}

/* Parses and range-checks an int or double; stores it unless it lives in kv. */
static int
option_set_number(const struct config_option *o, const char *display,
    void *base, const char *value, char **cause)
{
	char *end;
	double d;
	long l;

	errno = 0;
	if (o->type == CONFIG_INT) {
		l = strtol(value, &end, 10);
		if (*end != '\0' || errno != 0 || l < o->min || l > o->max) {
			set_cause(cause, "'%s' must be a whole number from %.0f "
			    "to %.0f, not '%s'", display, o->min, o->max, value);
			return -1;
		}
		if (o->offset != CONFIG_KV)
			*(int *)option_field(o, base) = (int)l;
		return 0;
	}
	d = strtod(value, &end);
	/* Written so that NaN fails too. */
	if (*end != '\0' || end == value || !(d >= o->min && d <= o->max)) {
		set_cause(cause, "'%s' must be a number from %g to %g, not '%s'",
		    display, o->min, o->max, value);
		return -1;
	}
	if (o->offset != CONFIG_KV)
		*(double *)option_field(o, base) = d;
	return 0;
}

/* Checks a textual value; *canon gets the spelling to keep when it differs. */
static int
option_set_text(const struct config_option *o, int form, const char *display,
    void *base, const char *value, char **canon, char **cause)
{
	struct hbuf b = HBUF_INIT;
	unsigned mask;

	switch (o->type) {
	case CONFIG_SECRET:
		/* The value of a plaintext secret is never quoted back. */
		if (form == 'e' && !option_valid_envname(value)) {
			set_cause(cause, "'%s' must name an environment variable "
			    "(letters, digits, _), not '%s'", display, value);
			return -1;
		}
		return 0;
	case CONFIG_REGION:
		if (!option_valid_region(value)) {
			set_cause(cause, "'%s' must be a two-letter country code "
			    "like US or GB, not '%s'", display, value);
			return -1;
		}
		*canon = xstrdup(value);
		(*canon)[0] = (char)toupper((unsigned char)value[0]);
		(*canon)[1] = (char)toupper((unsigned char)value[1]);
		break;
	case CONFIG_ENUM:
		if ((*canon = option_choose(o, display, value, cause)) == NULL)
			return -1;
		break;
	case CONFIG_CHANNELS:
		if (option_parse_channels(display, value, &mask, cause) != 0)
			return -1;
		if (o->offset != CONFIG_KV)
			*(unsigned *)option_field(o, base) = mask;
		option_format_channels(mask, &b);
		*canon = hbuf_steal(&b);
		return 0;
	case CONFIG_PHONE:
		if (!option_valid_phone(value)) {
			set_cause(cause, "'%s' must be a phone number in E.164 "
			    "like +14155552671, not '%s'", display, value);
			return -1;
		}
		break;
	case CONFIG_EMAIL:
		if (!option_valid_email(value)) {
			set_cause(cause, "'%s' must be an email address like "
			    "ada@example.com, not '%s'", display, value);
			return -1;
		}
		break;
	case CONFIG_URL:
		if (!option_valid_url(value)) {
			set_cause(cause, "'%s' must be an http:// or https:// URL, "
			    "not '%s'", display, value);
			return -1;
		}
		break;
	default:
		break;
	}
	if (o->offset != CONFIG_KV)
		option_store_string(base, o, xstrdup(*canon ? *canon : value));
	return 0;
}

/* The choice value names, case aside, as the table spells it; or NULL. */
static char *
option_choose(const struct config_option *o, const char *display,
    const char *value, char **cause)
{
	struct hbuf b = HBUF_INIT;
	size_t i;

	for (i = 0; o->choices[i] != NULL; i++) {
		if (hark_strcaseeq(value, o->choices[i]))
			return xstrdup(o->choices[i]);
	}
	for (i = 0; o->choices[i] != NULL; i++)
		hbuf_printf(&b, "%s%s", i ? ", " : "", o->choices[i]);
	set_cause(cause, "'%s' must be one of %s, not '%s'", display,
	    hbuf_str(&b), value);
	hbuf_free(&b);
	return NULL;
}

/* "sms, WA" → bits; an empty item or unknown name is an error. */
static int
option_parse_channels(const char *display, const char *value, unsigned *mask,
    char **cause)
{
	enum hark_channel ch;
	char *copy, *item, *next, *end;
	int rc = 0;

	*mask = 0;
	copy = xstrdup(value);
	for (item = copy; item != NULL && rc == 0; item = next) {
		if ((next = strchr(item, ',')) != NULL)
			*next++ = '\0';
		while (isspace((unsigned char)*item))
			item++;
		end = item + strlen(item);
		while (end > item && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (*item == '\0') {
			set_cause(cause, "'%s' has an empty item in '%s'",
			    display, value);
			rc = -1;
		} else if (hark_channel_parse(item, &ch) != 0) {
			set_cause(cause, "'%s' has unknown channel '%s' (choose "
			    "from sms, whatsapp, email, voice)", display, item);
			rc = -1;
		} else
			*mask |= 1u << ch;
	}
	free(copy);
	return rc;
}

static void
option_format_channels(unsigned mask, struct hbuf *out)
{
	int ch, first = 1;

	for (ch = 0; ch < HARK_CH__COUNT; ch++) {
		if (mask & (1u << ch)) {
			hbuf_printf(out, "%s%s", first ? "" : ",",
			    hark_channel_name((enum hark_channel)ch));
			first = 0;
		}
	}
}

/* Two ASCII letters; whether the country exists is the engine's to say. */
static int
option_valid_region(const char *s)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
			return 0;
	}
	return s[2] == '\0';
}

/* E.164 as stored: '+', a non-zero digit, 7 to 15 digits in all. */
static int
option_valid_phone(const char *s)
{
	size_t n;

	if (s[0] != '+' || s[1] < '1' || s[1] > '9')
		return 0;
	n = strspn(s + 1, "0123456789");
	return s[1 + n] == '\0' && n >= 7 && n <= 15;
}

/* A plausibility check; the engine's address rules are stricter. */
static int
option_valid_email(const char *s)
{
	const char *at = strchr(s, '@'), *p;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strlen(s) > 254)
		return 0;
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>')
			return 0;
	}
	p = strrchr(at + 1, '.');
	return p != NULL && p > at + 1 && p[1] != '\0';
}

static int
option_valid_url(const char *s)
{
	const char *rest;

	if (strncasecmp(s, "https://", 8) == 0)
		rest = s + 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		rest = s + 7;
	else
		return 0;
	if (*rest == '\0' || *rest == '/')
		return 0;
	for (; *rest != '\0'; rest++) {
		if ((unsigned char)*rest <= ' ')
			return 0;
	}
	return 1;
}

static int
option_valid_envname(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return 0;
	return s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_")] == '\0';
}

/* o's field in base (struct config or config_account); the table's offsets
 * come from offsetof, so the field is aligned for its type. */
static void *
option_field(const struct config_option *o, void *base)
{
	return (char *)base + o->offset;
}

static void
option_store_string(void *base, const struct config_option *o, char *s)
{
	char **field = option_field(o, base);

	free(*field);
	*field = s;
}

void
config_option_format(const struct config_option *o, const void *base,
    struct hbuf *out)
{
	const void *field = (const char *)base + o->offset;
	const char *s;

	if (o->offset == CONFIG_KV)
		return;
	switch (o->type) {
	case CONFIG_INT:
		hbuf_printf(out, "%d", *(const int *)field);
		break;
	case CONFIG_DOUBLE:
		hbuf_printf(out, "%g", *(const double *)field);
		break;
	case CONFIG_CHANNELS:
		option_format_channels(*(const unsigned *)field, out);
		break;
	case CONFIG_SECRET:
		hbuf_adds(out, "********");
		break;
	default:
		if ((s = *(char *const *)field) != NULL)
			hbuf_adds(out, s);
		break;
	}
}

void
config_option_clear(const struct config_option *o, void *base)
{
	switch (o->type) {
	case CONFIG_INT:
	case CONFIG_DOUBLE:
	case CONFIG_CHANNELS:
	case CONFIG_SECRET:
		return;
	default:
		if (o->offset != CONFIG_KV)
			option_store_string(base, o, NULL);
		return;
	}
}

struct config *
config_default(void)
{
	const struct config_option *o;
	struct config *cfg;
	char *canon;
	size_t i;

	cfg = xcalloc(1, sizeof *cfg);
	for (i = 0; i < config_noptions; i++) {
		o = &config_options[i];
		if (o->scope == CONFIG_ACCOUNT || o->def == NULL)
			continue;
		/* The table's own defaults are valid, or it is a bug. */
		if (config_option_set(o, 0, cfg, o->def, &canon, NULL) != 0)
			hark_fatal("bad default for option %s", o->name);
		free(canon);
	}
	return cfg;
}

void
config_free(struct config *cfg)
{
	size_t i;
	int j;

	if (cfg == NULL)
		return;
	for (i = 0; i < config_noptions; i++) {
		if (config_options[i].scope != CONFIG_ACCOUNT)
			config_option_clear(&config_options[i], cfg);
	}
	for (j = 0; j < cfg->naccounts; j++)
		config_account_free(&cfg->accounts[j]);
	free(cfg->accounts);
	free(cfg->path);
	free(cfg);
}

/* Frees what an account owns (not the account itself: it lives in an array). */
static void
config_account_free(struct config_account *a)
{
	size_t i;
	int j;

	for (i = 0; i < config_noptions; i++) {
		if (config_options[i].scope == CONFIG_ACCOUNT)
			config_option_clear(&config_options[i], a);
	}
	for (j = 0; j < a->nkv; j++) {
		free(a->kv[j].key);
		free(a->kv[j].value);
	}
	free(a->kv);
	free(a->name);
}

const struct config_account *
config_account_find(const struct config *cfg, const char *name)
{
	int i;

	for (i = 0; cfg != NULL && name != NULL && i < cfg->naccounts; i++) {
		if (strcmp(cfg->accounts[i].name, name) == 0)
			return &cfg->accounts[i];
	}
	return NULL;
}

const char *
config_account_get(const struct config_account *a, const char *key)
{
	int i;

	for (i = 0; a != NULL && i < a->nkv; i++) {
		if (strcmp(a->kv[i].key, key) == 0)
			return a->kv[i].value;
	}
	return NULL;
}

void
config_dump(const struct config *cfg, struct hbuf *out)
{
	const struct config_option *o;
	size_t i;
	int j;

	for (i = 0; i < config_noptions; i++) {
		o = &config_options[i];
		if (o->scope == CONFIG_ACCOUNT)
			continue;
		hbuf_printf(out, "%s.%s", config_scope_name(o->scope),
		    o->name);
		dump_value(o, cfg, out);
	}
	for (j = 0; j < cfg->naccounts; j++)
		config_dump_account(&cfg->accounts[j], out);
}

/* An account's fields for its provider, then its kv as written; secrets masked. */
static void
config_dump_account(const struct config_account *a, struct hbuf *out)
{
	const struct config_option *o;
	struct config_account eff = *a;
	int j, form, prov = config_provider_index(a->provider);
	size_t i;

	/* Unset channels mean all the provider offers: show what applies. */
	if (eff.channels == 0)
		eff.channels = config_provider_channels(prov);
	for (i = 0; i < config_noptions; i++) {
		o = &config_options[i];
		if (o->scope != CONFIG_ACCOUNT || o->offset == CONFIG_KV ||
		    prov < 0 || !(o->providers & (1u << prov)))
			continue;
		hbuf_printf(out, "account.%s.%s", a->name, o->name);
		dump_value(o, &eff, out);
	}
	for (j = 0; j < a->nkv; j++) {
		o = config_option_lookup(CONFIG_ACCOUNT, a->kv[j].key, &form);
		hbuf_printf(out, "account.%s.%s = %s\n", a->name, a->kv[j].key,
		    o != NULL && o->type == CONFIG_SECRET && form == 0 ?
		    "********" : a->kv[j].value);
	}
}

/* " = value\n", or " =\n" (no trailing blank) for a setting not set. */
static void
dump_value(const struct config_option *o, const void *base, struct hbuf *out)
{
	size_t len = out->len;

	hbuf_adds(out, " = ");
	config_option_format(o, base, out);
	if (out->len == len + 3)
		out->data[--out->len] = '\0';
	hbuf_addc(out, '\n');
}
