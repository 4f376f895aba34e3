/* cli_int.h — what the command files share: context, lazy opening, errors. */
#ifndef HARK_CLI_INT_H
#define HARK_CLI_INT_H

#include <stdio.h>

#include "hark/cli.h"
#include "hark/util.h"

struct config;
struct engine;
struct engine_opts;
struct store;
struct uv_loop_s;

struct cli_ctx {
	const char *db_path;      /* --db, or NULL */
	const char *config_path;  /* --config, or NULL (default location) */
	int demo;                 /* --demo: throwaway profile with demo data */
	char *demo_dir;           /* the throwaway profile's directory */
	char *demo_config_path;   /* its config and database (owned) */
	char *demo_db_path;
	const char *cmd;          /* the running command's name, for messages */
	struct config *cfg;       /* loaded by cli_config() */
	struct store *st;         /* opened by cli_store() */
};

/* One subcommand. exec gets argv with argv[0] = the command's name, and
 * returns a HARK_EXIT_* code. */
struct cli_cmd {
	const char *name;
	const char *summary;   /* one line for `hark --help` */
	const char *usage;     /* full text for `hark CMD --help` */
	int (*exec)(struct cli_ctx *ctx, int argc, char **argv);
};

/* Prints "hark CMD: message" on stderr. */
void cli_err(struct cli_ctx *ctx, const char *fmt, ...) HARK_PRINTF(2, 3);
/* Prints the command's usage to f. */
void cli_usage(const struct cli_cmd *cmd, FILE *f);
/* Loads the configuration once (the default location, --config, or the
 * demo's). Returns the config or NULL after printing the error. */
struct config *cli_config(struct cli_ctx *ctx);
/* Opens the database once (--db, $HARK_DB, config, XDG default). Returns
 * the store or NULL after printing the error. */
struct store *cli_store(struct cli_ctx *ctx);
/*
 * An engine for a one-shot command: initialises *loop and fills eo's loop,
 * st and cfg (the caller sets its other options first, zero for defaults).
 * Returns the engine, or NULL after printing the error; either way
 * cli_engine_close(e, loop) ends it and closes the loop.
 */
struct engine *cli_engine_open(struct cli_ctx *ctx, struct uv_loop_s *loop,
    struct engine_opts *eo);
/* Frees e (NULL is fine), lets its handles close, closes the loop. */
void cli_engine_close(struct engine *e, struct uv_loop_s *loop);
/* Reads a whole file ("-" for stdin) into a new string; NULL with cause. */
char *cli_read_file(const char *path, size_t *len, char **cause);
/* Writes s as a JSON string literal (with quotes) to f. */
void cli_json_string(FILE *f, const char *s);

/* Resets getopt for a subcommand's own parsing. */
void cli_getopt_reset(void);

/* The command table (cli.c) and the commands (cmd_*.c). */
const struct cli_cmd *cli_cmd_find(const char *name);
int cmd_send(struct cli_ctx *, int, char **);
int cmd_import(struct cli_ctx *, int, char **);
int cmd_import_mail(struct cli_ctx *, int, char **);
int cmd_export(struct cli_ctx *, int, char **);
int cmd_search(struct cli_ctx *, int, char **);
int cmd_log(struct cli_ctx *, int, char **);
int cmd_contacts(struct cli_ctx *, int, char **);
int cmd_db(struct cli_ctx *, int, char **);
int cmd_config(struct cli_ctx *, int, char **);
int cmd_daemon(struct cli_ctx *, int, char **);
int cmd_sync(struct cli_ctx *, int, char **);
int cmd_inbox(struct cli_ctx *, int, char **);
int cmd_tui(struct cli_ctx *, int, char **);
int cmd_bulk(struct cli_ctx *, int, char **); /* cmd_bulk.c */
int cmd_template(struct cli_ctx *, int, char **);
/* `hark report ab TEMPLATE` (cmd_report_ab.c), dispatched by `hark report`. */
int cmd_report_ab(struct cli_ctx *, int, char **);

#endif
