/*
 * cli.h — the command line: global options, then a subcommand from one
 * table (send, import, export, search, log, contacts, db, config, daemon).
 * Plain text by default, JSON with --json; exit codes below.
 *
 * Files: src/cli/cli.c (dispatcher, shared helpers), src/cli/cmd_*.c (one
 * file per command family), src/cli/{csv,vcard}.c (contact file formats).
 */
#ifndef HARK_CLI_H
#define HARK_CLI_H

#define HARK_EXIT_OK 0      /* everything done */
#define HARK_EXIT_USAGE 1   /* bad arguments or input the user must fix */
#define HARK_EXIT_ERROR 2   /* a runtime error: nothing (more) could be done */
#define HARK_EXIT_PARTIAL 3 /* some items done, some not (each reported) */

/* Runs hark with argv; returns the process exit code. */
int cli_main(int argc, char **argv);

#endif
