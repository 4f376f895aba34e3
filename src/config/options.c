/* options.c — the option table: every setting hark reads, where it applies, its default. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/core.h"
#include "config_int.h"

const char *const config_provider_names[] = {
	[CONFIG_PROV_SANDBOX] = "sandbox",
	[CONFIG_PROV_TWILIO] = "twilio",
	[CONFIG_PROV_SMTP] = "smtp",
	[CONFIG_PROV_IMAP] = "imap",
	[CONFIG_PROV_SENDGRID] = "sendgrid",
	[CONFIG_PROV_MAILGUN] = "mailgun",
	[CONFIG_PROV__COUNT] = NULL
};

#define CH(x) (1u << HARK_CH_##x)
static const unsigned provider_channels[CONFIG_PROV__COUNT] = {
	[CONFIG_PROV_SANDBOX] = CH(SMS) | CH(WHATSAPP) | CH(EMAIL) | CH(VOICE),
	[CONFIG_PROV_TWILIO] = CH(SMS) | CH(WHATSAPP) | CH(VOICE),
	[CONFIG_PROV_SMTP] = CH(EMAIL),
	[CONFIG_PROV_IMAP] = CH(EMAIL),
	[CONFIG_PROV_SENDGRID] = CH(EMAIL),
	[CONFIG_PROV_MAILGUN] = CH(EMAIL),
};

static const char *const notify_choices[] = {
	"auto", "libnotify", "osc", "bell", "none", NULL
};
static const char *const tls_choices[] = { "tls", "starttls", "none", NULL };
static const char *const mailgun_region_choices[] = { "us", "eu", NULL };
static const char *const sandbox_lookup_choices[] = { "yes", "no", NULL };

#define GEN(f) offsetof(struct config, f)
#define ACC(f) offsetof(struct config_account, f)
#define PHONES (CONFIG_P(SANDBOX) | CONFIG_P(TWILIO))
#define MAILERS (CONFIG_P(SANDBOX) | CONFIG_P(SMTP) | CONFIG_P(SENDGRID) | \
		 CONFIG_P(MAILGUN))
#define SERVERS (CONFIG_P(SMTP) | CONFIG_P(IMAP))

const struct config_option config_options[] = {
	/* [general] */
	{ .name = "default_region", .scope = CONFIG_GENERAL,
	  .type = CONFIG_REGION, .def = "US", .offset = GEN(default_region),
	  .help = "Country assumed for phone numbers written without a + "
		  "(ISO 3166 alpha-2: US, GB, DE)." },
	{ .name = "db", .scope = CONFIG_GENERAL, .type = CONFIG_STRING,
	  .offset = GEN(db),
	  .help = "Database file; a leading ~/ is your home. $HARK_DB wins "
		  "over it; unset means $XDG_DATA_HOME/hark/hark.db." },
	{ .name = "notify", .scope = CONFIG_GENERAL, .type = CONFIG_ENUM,
	  .def = "auto", .choices = notify_choices, .offset = GEN(notify),
	  .help = "How new messages are announced: auto picks libnotify with "
		  "a desktop session, else the terminal (osc)." },
	{ .name = "poll_interval", .scope = CONFIG_GENERAL, .type = CONFIG_INT,
	  .def = "60", .min = 5, .max = 86400, .offset = GEN(poll_interval_s),
	  .help = "Seconds between polls of providers that cannot push "
		  "(IMAP, or any provider when the relay is not running)." },
	{ .name = "fallback_after", .scope = CONFIG_GENERAL, .type = CONFIG_INT,
	  .def = "0", .min = 0, .max = 604800, .offset = GEN(fallback_after_s),
	  .help = "Seconds after which a message still not delivered is sent "
		  "again on the contact's next fallback channel; 0 falls back "
		  "only when a message fails." },
	{ .name = "keymap", .scope = CONFIG_GENERAL, .type = CONFIG_STRING,
	  .def = "vi", .offset = GEN(keymap),
	  .help = "Key bindings: a keymaps/NAME.keys file." },
	{ .name = "theme", .scope = CONFIG_GENERAL, .type = CONFIG_STRING,
	  .def = "default", .offset = GEN(theme),
	  .help = "Colours: a themes/NAME.theme file." },
	{ .name = "rules", .scope = CONFIG_GENERAL, .type = CONFIG_STRING,
	  .offset = GEN(rules),
	  .help = "The automation rules file; a leading ~/ is your home. Unset "
		  "means $XDG_CONFIG_HOME/hark/rules." },

	/* [identity] */
	{ .name = "name", .scope = CONFIG_IDENTITY, .type = CONFIG_STRING,
	  .offset = GEN(identity_name),
	  .help = "Your name, as signed in email From: headers." },
	{ .name = "email", .scope = CONFIG_IDENTITY, .type = CONFIG_EMAIL,
	  .offset = GEN(identity_email),
	  .help = "Your email address, recognised as you in threads." },
	{ .name = "phone", .scope = CONFIG_IDENTITY, .type = CONFIG_PHONE,
	  .offset = GEN(identity_phone),
	  .help = "Your phone number in E.164 (+14155552671)." },

	/* [relay] */
	{ .name = "listen", .scope = CONFIG_RELAY, .type = CONFIG_STRING,
	  .def = "127.0.0.1:8686", .offset = GEN(relay_listen),
	  .help = "Address and port `hark relay` listens on (behind your "
		  "reverse proxy or tunnel)." },
	{ .name = "public_url", .scope = CONFIG_RELAY, .type = CONFIG_URL,
	  .offset = GEN(relay_public_url),
	  .help = "The relay's URL as providers see it (https://hooks.example.com); "
		  "webhook signatures are checked against it." },
	{ .name = "socket", .scope = CONFIG_RELAY, .type = CONFIG_STRING,
	  .offset = GEN(relay_socket),
	  .help = "Event socket clients listen on; unset means "
		  "$XDG_RUNTIME_DIR/hark/events.sock." },
	{ .name = "max_body", .scope = CONFIG_RELAY, .type = CONFIG_INT,
	  .def = "1048576", .min = 1024, .max = 64 * 1048576,
	  .offset = GEN(relay_max_body),
	  .help = "Largest webhook body in bytes; larger ones get 413." },
	{ .name = "rate_limit", .scope = CONFIG_RELAY, .type = CONFIG_INT,
	  .def = "0", .min = 0, .max = 10000000, .offset = GEN(relay_rate_limit),
	  .help = "Requests per second one client address may make (bursts of "
		  "twice that); more get 429. 0 means no limit, for when the "
		  "proxy in front already limits." },

	/* [account NAME]: fields every account has */
	{ .name = "provider", .scope = CONFIG_ACCOUNT, .type = CONFIG_ENUM,
	  .choices = config_provider_names, .providers = CONFIG_PROV_ALL,
	  .required = CONFIG_PROV_ALL, .offset = ACC(provider),
	  .help = "Who carries this account's messages." },
	{ .name = "channels", .scope = CONFIG_ACCOUNT, .type = CONFIG_CHANNELS,
	  .providers = CONFIG_PROV_ALL, .offset = ACC(channels),
	  .help = "Comma list of sms, whatsapp, email, voice; unset means "
		  "all the provider offers." },
	{ .name = "from_phone", .scope = CONFIG_ACCOUNT, .type = CONFIG_PHONE,
	  .providers = PHONES, .offset = ACC(from_phone),
	  .help = "Number SMS and calls are sent from (E.164)." },
	{ .name = "from_whatsapp", .scope = CONFIG_ACCOUNT, .type = CONFIG_PHONE,
	  .providers = PHONES, .offset = ACC(from_whatsapp),
	  .help = "WhatsApp sender number (E.164)." },
	{ .name = "from_email", .scope = CONFIG_ACCOUNT, .type = CONFIG_EMAIL,
	  .providers = MAILERS, .offset = ACC(from_email),
	  .help = "Address email is sent from." },
	{ .name = "base_url", .scope = CONFIG_ACCOUNT, .type = CONFIG_URL,
	  .providers = CONFIG_PROV_ALL & ~SERVERS, .offset = ACC(base_url),
	  .help = "API base URL override, for tests and proxies." },
	{ .name = "rate", .scope = CONFIG_ACCOUNT, .type = CONFIG_DOUBLE,
	  .def = "0", .min = 0, .max = 1000, .providers = CONFIG_PROV_ALL,
	  .offset = ACC(rate),
	  .help = "Most messages per second to send; 0 is the provider's "
		  "own limit." },

	/* [account NAME]: provider settings, kept in the account's kv */
	{ .name = "account_sid", .scope = CONFIG_ACCOUNT, .type = CONFIG_STRING,
	  .providers = CONFIG_P(TWILIO), .required = CONFIG_P(TWILIO),
	  .offset = CONFIG_KV, .help = "Twilio Account SID (AC...)." },
	{ .name = "auth_token", .scope = CONFIG_ACCOUNT, .type = CONFIG_SECRET,
	  .providers = CONFIG_P(TWILIO), .offset = CONFIG_KV,
	  .help = "Twilio auth token; it also checks webhook signatures." },
	{ .name = "api_key", .scope = CONFIG_ACCOUNT, .type = CONFIG_SECRET,
	  .providers = CONFIG_P(TWILIO) | CONFIG_P(SENDGRID) | CONFIG_P(MAILGUN),
	  .required = CONFIG_P(SENDGRID) | CONFIG_P(MAILGUN),
	  .offset = CONFIG_KV,
	  .help = "API key (Twilio: an SK... key used with api_secret)." },
	{ .name = "api_secret", .scope = CONFIG_ACCOUNT, .type = CONFIG_SECRET,
	  .providers = CONFIG_P(TWILIO), .offset = CONFIG_KV,
	  .help = "Twilio API key secret, instead of auth_token for sending." },
	{ .name = "messaging_service_sid", .scope = CONFIG_ACCOUNT,
	  .type = CONFIG_STRING, .providers = CONFIG_P(TWILIO),
	  .offset = CONFIG_KV,
	  .help = "Twilio Messaging Service (MG...) to send through instead "
		  "of from_phone." },
	{ .name = "webhook_url", .scope = CONFIG_ACCOUNT, .type = CONFIG_URL,
	  .providers = CONFIG_P(TWILIO) | CONFIG_P(SENDGRID) | CONFIG_P(MAILGUN),
	  .offset = CONFIG_KV,
	  .help = "Public URL of `hark relay` (your tunnel or proxy), as the "
		  "provider calls it." },
	{ .name = "timeout", .scope = CONFIG_ACCOUNT, .type = CONFIG_INT,
	  .def = "30", .min = 1, .max = 600, .providers = CONFIG_P(TWILIO) |
	  CONFIG_P(SENDGRID) | CONFIG_P(MAILGUN), .offset = CONFIG_KV,
	  .help = "Seconds to wait for the provider's answer to a request. "
		  "Twilio: a send with no answer is retried after twice this, "
		  "asking Twilio first whether it arrived; SendGrid and Mailgun "
		  "cannot be asked, so such a send fails saying it may have "
		  "gone out." },
	{ .name = "my_phone", .scope = CONFIG_ACCOUNT, .type = CONFIG_PHONE,
	  .providers = CONFIG_P(TWILIO), .offset = CONFIG_KV,
	  .help = "Your own phone, rung first by click-to-call; unset means "
		  "[identity] phone." },
	{ .name = "record", .scope = CONFIG_ACCOUNT, .type = CONFIG_ENUM,
	  .def = "no", .choices = sandbox_lookup_choices,
	  .providers = CONFIG_P(TWILIO), .offset = CONFIG_KV,
	  .help = "Record bridged calls (only with contacts whose "
		  "recording_consent field is yes)." },
	{ .name = "host", .scope = CONFIG_ACCOUNT, .type = CONFIG_STRING,
	  .providers = SERVERS, .required = SERVERS, .offset = CONFIG_KV,
	  .help = "Mail server host name." },
	{ .name = "port", .scope = CONFIG_ACCOUNT, .type = CONFIG_INT,
	  .min = 1, .max = 65535, .providers = SERVERS, .offset = CONFIG_KV,
	  .help = "Mail server port; unset means 465/587 (SMTP) or 993 (IMAP) "
		  "by tls." },
	{ .name = "tls", .scope = CONFIG_ACCOUNT, .type = CONFIG_ENUM,
	  .def = "tls", .choices = tls_choices, .providers = SERVERS,
	  .offset = CONFIG_KV,
	  .help = "tls from the first byte, starttls, or none (local relays "
		  "only)." },
	{ .name = "username", .scope = CONFIG_ACCOUNT, .type = CONFIG_STRING,
	  .providers = SERVERS, .offset = CONFIG_KV,
	  .help = "Login name; unset means from_email." },
	{ .name = "password", .scope = CONFIG_ACCOUNT, .type = CONFIG_SECRET,
	  .providers = SERVERS, .offset = CONFIG_KV,
	  .help = "Mail server password." },
	{ .name = "folders", .scope = CONFIG_ACCOUNT, .type = CONFIG_STRING,
	  .def = "INBOX, Sent", .providers = CONFIG_P(IMAP), .offset = CONFIG_KV,
	  .help = "Comma list of IMAP folders to sync; mail in a folder named "
		  "Sent (or sent_folder) is taken as mail you sent." },
	{ .name = "ca_file", .scope = CONFIG_ACCOUNT, .type = CONFIG_STRING,
	  .providers = SERVERS, .offset = CONFIG_KV,
	  .help = "PEM file of the CA that signed the server's certificate, "
		  "for private or test CAs; unset means the system's CAs. "
		  "Certificates are always verified." },
	{ .name = "sent_account", .scope = CONFIG_ACCOUNT, .type = CONFIG_STRING,
	  .providers = CONFIG_P(SMTP), .offset = CONFIG_KV,
	  .help = "An imap account: after each send a copy goes to its "
		  "sent_folder over IMAP APPEND. Unset means no copy." },
	{ .name = "sent_folder", .scope = CONFIG_ACCOUNT, .type = CONFIG_STRING,
	  .def = "Sent", .providers = SERVERS, .offset = CONFIG_KV,
	  .help = "IMAP folder of sent mail (the copy after a send; on an "
		  "imap account, the folder whose mail is yours)." },
	{ .name = "verification_key", .scope = CONFIG_ACCOUNT,
	  .type = CONFIG_STRING, .providers = CONFIG_P(SENDGRID),
	  .offset = CONFIG_KV,
	  .help = "SendGrid signed event webhook public key (base64)." },
	{ .name = "domain", .scope = CONFIG_ACCOUNT, .type = CONFIG_STRING,
	  .providers = CONFIG_P(MAILGUN), .required = CONFIG_P(MAILGUN),
	  .offset = CONFIG_KV, .help = "Mailgun sending domain." },
	{ .name = "region", .scope = CONFIG_ACCOUNT, .type = CONFIG_ENUM,
	  .def = "us", .choices = mailgun_region_choices,
	  .providers = CONFIG_P(MAILGUN), .offset = CONFIG_KV,
	  .help = "Mailgun region of the domain." },
	{ .name = "signing_key", .scope = CONFIG_ACCOUNT, .type = CONFIG_SECRET,
	  .providers = CONFIG_P(MAILGUN), .offset = CONFIG_KV,
	  .help = "Mailgun HTTP webhook signing key." },
	{ .name = "lookup", .scope = CONFIG_ACCOUNT, .type = CONFIG_ENUM,
	  .def = "yes", .choices = sandbox_lookup_choices,
	  .providers = CONFIG_P(SANDBOX), .offset = CONFIG_KV,
	  .help = "Whether the sandbox can be asked about a send after a crash "
	  "(no: behave like a provider that cannot, so such sends become "
	  "uncertain)." },
	{ .name = "whatsapp_window", .scope = CONFIG_ACCOUNT, .type = CONFIG_ENUM,
	  .def = "no", .choices = sandbox_lookup_choices,
	  .providers = CONFIG_P(SANDBOX), .offset = CONFIG_KV,
	  .help = "Whether the sandbox keeps WhatsApp's 24-hour session window "
	  "as Twilio does (free text only within 24 hours of the contact's "
	  "last WhatsApp message)." },
};
const size_t config_noptions = HARK_NELEM(config_options);

const char *
config_scope_name(enum config_scope scope)
{
	switch (scope) {
	case CONFIG_GENERAL:
		return "general";
	case CONFIG_IDENTITY:
		return "identity";
	case CONFIG_ACCOUNT:
		return "account";
	case CONFIG_RELAY:
		return "relay";
	}
	return "?";
}

const struct config_option *
config_option_find(enum config_scope scope, const char *name)
{
	size_t i;

	for (i = 0; i < config_noptions; i++) {
		if (config_options[i].scope == scope &&
		    strcmp(config_options[i].name, name) == 0)
			return &config_options[i];
	}
	return NULL;
}

const struct config_option *
config_option_lookup(enum config_scope scope, const char *name, int *form)
{
	const struct config_option *o;
	size_t len = strlen(name);
	char *base;

	*form = 0;
	if ((o = config_option_find(scope, name)) != NULL)
		return o;
	if (len <= 4 || (strcmp(name + len - 4, "_cmd") != 0 &&
	    strcmp(name + len - 4, "_env") != 0))
		return NULL;
	base = xstrndup(name, len - 4);
	o = config_option_find(scope, base);
	free(base);
	if (o == NULL || o->type != CONFIG_SECRET)
		return NULL;
	*form = name[len - 3];
	return o;
}

char *
config_option_suggest(enum config_scope scope, const char *name)
{
	static const char *const forms[] = { "", "_cmd", "_env" };
	char cand[64], best[64];
	size_t i, f, d, bestd = (size_t)-1;

	if (strlen(name) >= sizeof cand)
		return NULL;
	for (i = 0; i < config_noptions; i++) {
		if (config_options[i].scope != scope)
			continue;
		for (f = 0; f < HARK_NELEM(forms); f++) {
			if (f > 0 && config_options[i].type != CONFIG_SECRET)
				break;
			snprintf(cand, sizeof cand, "%s%s",
			    config_options[i].name, forms[f]);
			d = config_distance(name, cand);
			if (d < bestd) {
				bestd = d;
				memcpy(best, cand, sizeof best);
			}
		}
	}
	/* A guess further off than a third of the word is noise, not help. */
	if (bestd > 2 && bestd * 3 > strlen(name))
		return NULL;
	return xstrdup(best);
}

int
config_provider_index(const char *name)
{
	int i;

	for (i = 0; i < CONFIG_PROV__COUNT; i++) {
		if (strcmp(config_provider_names[i], name) == 0)
			return i;
	}
	return -1;
}

unsigned
config_provider_channels(int provider)
{
	if (provider < 0 || provider >= CONFIG_PROV__COUNT)
		return 0;
	return provider_channels[provider];
}

size_t
config_distance(const char *a, const char *b)
{
	size_t prev[64], cur[64], la = strlen(a), lb = strlen(b), i, j, sub;

	if (lb >= HARK_NELEM(prev))
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			cur[j] = sub;
			if (prev[j] + 1 < cur[j])
				cur[j] = prev[j] + 1;
			if (cur[j - 1] + 1 < cur[j])
				cur[j] = cur[j - 1] + 1;
		}
		memcpy(prev, cur, sizeof prev);
	}
	return prev[lb];
}
