/*
 * cli.c — hark's command line: global options, the command table, and what
 * every command shares (lazy config and store, errors, JSON strings).
 */

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/store.h"
#include "hark/tui.h"

#include "cli_int.h"
#include "cmd_usage.h"

extern const char cmd_send_usage[];
extern const char cmd_daemon_usage[];
extern const char cmd_sync_usage[];
extern const char cmd_config_usage[];
extern const char cmd_inbox_usage[];
extern const char cmd_bulk_usage[];
extern const char cmd_import_mail_usage[];

static const struct cli_cmd cli_table[] = {
	{ "send", "send (or schedule) a message", cmd_send_usage, cmd_send },
	{ "inbox", "print the inbox: contacts with their latest message",
	  cmd_inbox_usage, cmd_inbox },
	{ "log", "print the unified thread of one contact", cmd_log_usage, cmd_log },
	{ "search", "full-text search of the whole history", cmd_search_usage,
	  cmd_search },
	{ "contacts", "add, list, import contacts; set their preferences",
	  cmd_contacts_usage, cmd_contacts },
	{ "import", "import messages from JSON lines", cmd_import_usage, cmd_import },
	{ "import-mail", "import email files (.eml, Maildir) into the threads",
	  cmd_import_mail_usage, cmd_import_mail },
	{ "export", "export the history: JSON lines, CSV, mbox or vCard",
	  cmd_export_usage, cmd_export },
	{ "call", "click-to-call: ring your phone, then the contact", cmd_call_usage,
	  cmd_call },
	{ "calls", "the call log; record a call's outcome", cmd_calls_usage,
	  cmd_calls },
	{ "template", "the template library: add, edit, show, render, history",
	  cmd_template_usage, cmd_template },
	{ "report", "volume, response times, delivery, cost, templates, calls",
	  cmd_report_usage, cmd_report },
	{ "rules", "automation rules: list, test, enable, disable, check",
	  cmd_rules_usage, cmd_rules },
	{ "bulk", "send a template to a segment: preview, send, pause, cancel",
	  cmd_bulk_usage, cmd_bulk },
	{ "daemon", "run the outbox, scheduler and polling with no screen",
	  cmd_daemon_usage, cmd_daemon },
	{ "sync", "fetch new mail (IMAP) and provider messages once, then exit",
	  cmd_sync_usage, cmd_sync },
	{ "relay", "receive provider webhooks (behind your proxy or tunnel)",
	  cmd_relay_usage, cmd_relay },
	{ "db", "check the database", cmd_db_usage, cmd_db },
	{ "config", "check the configuration and print the effective settings",
	  cmd_config_usage, cmd_config },
};

static const char cli_global_usage[] =
	"usage: hark [--db PATH] [--config FILE] [--demo] [COMMAND [ARGS...]]\n"
	"\n"
	"A terminal inbox for SMS, WhatsApp, email and calls. With no command on\n"
	"a terminal, hark opens the full-screen client (otherwise: hark inbox).\n"
	"\n"
	"Options:\n"
	"  --db PATH       the database (default $HARK_DB, the config's db, or\n"
	"                  $XDG_DATA_HOME/hark/hark.db)\n"
	"  --config FILE   the configuration (default $XDG_CONFIG_HOME/hark/config)\n"
	"  --demo          use a throwaway profile with the sandbox provider and\n"
	"                  demo contacts and history\n"
	"  -h, --help      this help; `hark COMMAND --help` for a command's\n"
	"  -V, --version   the version\n"
	"\n"
	"Commands:\n";

/* ---- shared helpers -------------------------------------------------------------- */

void
cli_err(struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hark%s%s: ", ctx->cmd ? " " : "", ctx->cmd ? ctx->cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_usage(const struct cli_cmd *cmd, FILE *f)
{
	fputs(cmd->usage, f);
}

void
cli_getopt_reset(void)
{
	/* glibc re-initialises getopt when optind is 0. */
	optind = 0;
	opterr = 1;
}

struct config *
cli_config(struct cli_ctx *ctx)
{
	char *cause = NULL;

	if (ctx->cfg != NULL)
		return ctx->cfg;
	if (config_load(ctx->config_path, &ctx->cfg, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return NULL;
	}
	return ctx->cfg;
}

struct store *
cli_store(struct cli_ctx *ctx)
{
	char *cause = NULL, *path;
	struct config *cfg;

	if (ctx->st != NULL)
		return ctx->st;
	if ((cfg = cli_config(ctx)) == NULL)
		return NULL;
	path = ctx->db_path ? xstrdup(ctx->db_path) : hark_db_path(cfg);
	if (store_open(path, 0, &ctx->st, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		ctx->st = NULL;
	}
	free(path);
	return ctx->st;
}

struct engine *
cli_engine_open(struct cli_ctx *ctx, uv_loop_t *loop, struct engine_opts *eo)
{
	struct engine *e = NULL;
	char *cause = NULL;

	uv_loop_init(loop);
	eo->loop = loop;
	if ((eo->cfg = cli_config(ctx)) == NULL || (eo->st = cli_store(ctx)) == NULL)
		return NULL;
	if (engine_new(eo, &e, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return NULL;
	}
	return e;
}

void
cli_engine_close(struct engine *e, uv_loop_t *loop)
{
	engine_free(e);
	uv_run(loop, UV_RUN_NOWAIT);
	uv_loop_close(loop);
}

char *
cli_read_file(const char *path, size_t *len, char **cause)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct hbuf b = HBUF_INIT;
	char chunk[65536];
	size_t n;

	if (f == NULL) {
		set_cause(cause, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		hbuf_add(&b, chunk, n);
	if (ferror(f)) {
		set_cause(cause, "cannot read %s: %s", path, strerror(errno));
		if (f != stdin)
			fclose(f);
		hbuf_free(&b);
		return NULL;
	}
	if (f != stdin)
		fclose(f);
	if (len != NULL)
		*len = b.len;
	return hbuf_steal(&b);
}

void
cli_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', f);
	for (; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

const struct cli_cmd *
cli_cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < HARK_NELEM(cli_table); i++) {
		if (strcmp(cli_table[i].name, name) == 0)
			return &cli_table[i];
	}
	return NULL;
}

static void
cli_help(FILE *f)
{
	size_t i;

	fputs(cli_global_usage, f);
	for (i = 0; i < HARK_NELEM(cli_table); i++)
		fprintf(f, "  %-10s %s\n", cli_table[i].name, cli_table[i].summary);
	fputs("\nExit codes: 0 ok, 1 usage or bad input, 2 runtime error, "
	    "3 partial success.\nSee hark(1).\n", f);
}

/* ---- the demo profile ------------------------------------------------------------- */

static const char demo_config[] =
	"# The throwaway profile of `hark --demo`.\n"
	"[general]\n"
	"default_region = US\n"
	"\n"
	"[identity]\n"
	"name = Sam Seller\n"
	"email = me@demo.hark.test\n"
	"phone = +14155550100\n"
	"\n"
	"[account sandbox]\n"
	"provider = sandbox\n"
	"from_phone = +14155550100\n"
	"from_email = me@demo.hark.test\n";

/* Creates the demo profile: a temporary directory with a config, a seeded
 * database, and the sandbox's state. Removed again at exit by cli_demo_end. */
static int
cli_demo_begin(struct cli_ctx *ctx)
{
	char *tmpl = xasprintf("%s/hark-demo-XXXXXX", tui_tmpdir());
	char *cfgpath, *dbpath, *cause = NULL;
	FILE *f;

	if (mkdtemp(tmpl) == NULL) {
		cli_err(ctx, "cannot create the demo profile in %s: %s", tui_tmpdir(),
		    strerror(errno));
		free(tmpl);
		return -1;
	}
	ctx->demo_dir = tmpl;
	cfgpath = xasprintf("%s/config", tmpl);
	dbpath = xasprintf("%s/hark.db", tmpl);
	f = fopen(cfgpath, "w");
	if (f == NULL || fputs(demo_config, f) == EOF || fclose(f) != 0) {
		cli_err(ctx, "cannot write %s: %s", cfgpath, strerror(errno));
		free(cfgpath);
		free(dbpath);
		return -1;
	}
	chmod(cfgpath, 0600);
	ctx->config_path = ctx->demo_config_path = cfgpath;
	ctx->db_path = ctx->demo_db_path = dbpath;
	if (cli_store(ctx) == NULL)
		return -1;
	if (engine_demo_seed(ctx->st, hark_now_ms(), &cause) != 0) {
		cli_err(ctx, "cannot seed the demo: %s", cause);
		free(cause);
		return -1;
	}
	return 0;
}

static void
cli_demo_end(struct cli_ctx *ctx)
{
	static const char *const files[] = {
		"hark.db", "hark.db-wal", "hark.db-shm", "hark.db.lock", "config",
		"sandbox.db", "sandbox.db-wal", "sandbox.db-shm",
	};
	char *p;
	size_t i;

	if (ctx->demo_dir == NULL)
		return;
	for (i = 0; i < HARK_NELEM(files); i++) {
		p = xasprintf("%s/%s", ctx->demo_dir, files[i]);
		unlink(p);
		free(p);
	}
	rmdir(ctx->demo_dir);
	free(ctx->demo_dir);
	free(ctx->demo_config_path);
	free(ctx->demo_db_path);
}

/* ---- main ---------------------------------------------------------------------------- */

static int
cli_run(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_cmd *cmd;
	const char *name = argc > 0 ? argv[0] : "inbox";
	static char *inbox_argv[] = { "inbox", NULL };
	int i;

	if (argc == 0 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		/* On a terminal, no command means the full-screen client. */
		if (ctx->demo && cli_demo_begin(ctx) != 0)
			return HARK_EXIT_ERROR;
		return cmd_tui(ctx, argc, argv);
	}
	if (argc == 0) {
		argv = inbox_argv;
		argc = 1;
	}
	cmd = cli_cmd_find(name);
	if (cmd == NULL) {
		cli_err(ctx, "unknown command '%s' (try hark --help)", name);
		return HARK_EXIT_USAGE;
	}
	ctx->cmd = cmd->name;
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			/* `hark report ab` has its own page (cmd_report_ab.c). */
			if (cmd->exec == cmd_report && argc > 1 &&
			    strcmp(argv[1], "ab") == 0)
				fputs(cmd_report_ab_usage, stdout);
			/* So has `hark contacts set` (contacts_set.c). */
			else if (cmd->exec == cmd_contacts && argc > 1 &&
			    strcmp(argv[1], "set") == 0)
				fputs(cmd_contacts_set_usage, stdout);
			else
				cli_usage(cmd, stdout);
			return HARK_EXIT_OK;
		}
	}
	if (ctx->demo && cli_demo_begin(ctx) != 0)
		return HARK_EXIT_ERROR;
	cli_getopt_reset();
	return cmd->exec(ctx, argc, argv);
}

int
cli_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'F' },
		{ "demo", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_ctx ctx;
	int c, rc;

	setlocale(LC_ALL, "");
	memset(&ctx, 0, sizeof ctx);
	/* '+': stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+hVF:", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			ctx.db_path = optarg;
			break;
		case 'F':
			ctx.config_path = optarg;
			break;
		case 'D':
			ctx.demo = 1;
			break;
		case 'h':
			cli_help(stdout);
			return HARK_EXIT_OK;
		case 'V':
			printf("hark %s\n", HARK_VERSION);
			return HARK_EXIT_OK;
		default:
			cli_help(stderr);
			return HARK_EXIT_USAGE;
		}
	}
	rc = cli_run(&ctx, argc - optind, argv + optind);
	store_close(ctx.st);
	config_free(ctx.cfg);
	cli_demo_end(&ctx);
	return rc;
}
