/* cmd_db.c — hark db check: is the database sound, and how much is in it. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/store.h"

#include "cli_int.h"
#include "cli_text.h"
#include "cmd_usage.h"

static int db_check(struct cli_ctx *ctx);

const char cmd_db_usage[] =
    "usage: hark db check\n"
    "\n"
    "Runs SQLite's integrity check over the database and prints the result,\n"
    "the schema version and the number of rows in each table. Exits 0 when\n"
    "the database is sound and 2 when problems were found.\n";

static int
db_check(struct cli_ctx *ctx)
{
	struct hbuf report = HBUF_INIT;
	struct store *st = cli_store(ctx);
	char *cause = NULL;
	int rc;

	if (st == NULL)
		return HARK_EXIT_ERROR;
	rc = store_check(st, &report, &cause);
	if (rc < 0) {
		cli_err_safe(ctx, "%s", cause != NULL ? cause : "cannot check the database");
		free(cause);
		hbuf_free(&report);
		return HARK_EXIT_ERROR;
	}
	printf("database: ");
	cli_put_safe(stdout, store_path(st), 0);
	putchar('\n');
	cli_put_safe(stdout, hbuf_str(&report), HARK_SAN_NEWLINES);
	if (report.len > 0 && report.data[report.len - 1] != '\n')
		putchar('\n');
	hbuf_free(&report);
	return rc == 0 ? HARK_EXIT_OK : HARK_EXIT_ERROR;
}

int
cmd_db(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "check") == 0)
		return db_check(ctx);
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(cmd_db_usage, stdout);
		return HARK_EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "check") != 0)
		cli_err_safe(ctx, "unknown subcommand '%s' (check)", argv[1]);
	fputs(cmd_db_usage, stderr);
	return HARK_EXIT_USAGE;
}
