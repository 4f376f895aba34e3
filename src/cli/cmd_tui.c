/* cmd_tui.c — `hark` on a terminal: the full-screen client. */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "hark/config.h"
#include "hark/store.h"
#include "hark/tui.h"

#include "cli_int.h"

int
cmd_tui(struct cli_ctx *ctx, int argc, char **argv)
{
	struct tui_opts o = { 0 };
	char *cause = NULL;

	if ((o.cfg = cli_config(ctx)) == NULL || (o.st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	o.keymap = getenv("HARK_KEYMAP");
	o.theme = getenv("HARK_THEME");
	if (tui_run(&o, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_ERROR;
	}
	return HARK_EXIT_OK;
}
