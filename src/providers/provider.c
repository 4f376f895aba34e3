/* provider.c — the registry of providers and what every provider shares. */

#include <stdlib.h>
#include <string.h>

#include "hark/config.h"
#include "hark/provider.h"

static const struct provider_ops *const provider_table[] = {
	&provider_sandbox_ops,
	&provider_twilio_ops,
	&provider_sendgrid_ops,
	&provider_mailgun_ops,
	&provider_smtp_ops,
	&provider_imap_ops,
};

const struct provider_ops *
provider_ops_find(const char *name)
{
	size_t i;

	for (i = 0; i < HARK_NELEM(provider_table); i++) {
		if (name != NULL && strcmp(provider_table[i]->name, name) == 0)
			return provider_table[i];
	}
	return NULL;
}

struct provider *
provider_new(const struct provider_env *env, char **cause)
{
	const struct provider_ops *ops;
	struct provider *p;

	ops = provider_ops_find(env->acct->provider);
	if (ops == NULL) {
		set_cause(cause, "account '%s': provider '%s' is not available in "
		    "this hark", env->acct->name, env->acct->provider);
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->ops = ops;
	p->caps = ops->caps;
	p->account = xstrdup(env->acct->name);
	p->env = *env;
	if (ops->open(p, cause) != 0) {
		free(p->account);
		free(p);
		return NULL;
	}
	return p;
}

void
provider_free(struct provider *p)
{
	if (p == NULL)
		return;
	p->ops->close(p);
	free(p->account);
	free(p);
}

int
provider_has_channel(const struct provider *p, enum hark_channel ch)
{
	unsigned bit = 1u << ch;
	unsigned configured = p->env.acct->channels;

	if ((p->ops->channels & bit) == 0)
		return 0;
	return configured == 0 || (configured & bit) != 0;
}

void
provider_progress(struct provider *p, const char *what, size_t done,
    size_t total)
{
	if (p->env.on_progress != NULL)
		p->env.on_progress(p->env.event_arg, p->account, what, done, total);
}
