/* cmd_config.c — `hark config check`: validate and print the effective settings. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/config.h"

#include "cli_int.h"

const char cmd_config_usage[] =
	"usage: hark config check\n"
	"\n"
	"Reads the configuration ($XDG_CONFIG_HOME/hark/config, or --config),\n"
	"validates every setting and prints the effective ones, one\n"
	"`section.key = value` per line. Secrets are shown as ********. Each\n"
	"account's secrets are resolved (their *_cmd commands run) to check\n"
	"that they can be. An error names the file and line; exit 1.\n";

static int
config_check_secrets(struct cli_ctx *ctx, const struct config *cfg)
{
	static const char *const keys[] = {
		"auth_token", "api_key", "api_secret", "password", "signing_key",
	};
	char *secret, *cause = NULL;
	int i, rc = 0;
	size_t k;

	for (i = 0; i < cfg->naccounts; i++) {
		for (k = 0; k < HARK_NELEM(keys); k++) {
			secret = NULL;
			if (config_account_secret(&cfg->accounts[i], keys[k], &secret,
			    &cause) < 0) {
				cli_err(ctx, "account '%s': %s", cfg->accounts[i].name,
				    cause);
				free(cause);
				cause = NULL;
				rc = -1;
			}
			free(secret);
		}
	}
	return rc;
}

int
cmd_config(struct cli_ctx *ctx, int argc, char **argv)
{
	struct hbuf out = HBUF_INIT;
	struct config *cfg;

	if (argc != 2 || strcmp(argv[1], "check") != 0) {
		fputs(cmd_config_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((cfg = cli_config(ctx)) == NULL)
		return HARK_EXIT_USAGE;
	if (config_check_secrets(ctx, cfg) != 0)
		return HARK_EXIT_USAGE;
	config_dump(cfg, &out);
	fputs(hbuf_str(&out), stdout);
	printf("# %s: ok\n", cfg->path ? cfg->path : "no configuration file (defaults)");
	hbuf_free(&out);
	return HARK_EXIT_OK;
}
