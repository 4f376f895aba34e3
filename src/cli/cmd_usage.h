/*
 * cmd_usage.h — the full `hark CMD --help` text of the data commands, for
 * the command table in cli.c. Arrays rather than pointers, so that a static
 * table may point at them (an array's address is a constant expression).
 *
 * Files: src/cli/cmd_{import,export,search,log,contacts,db}.c
 */
#ifndef HARK_CLI_CMD_USAGE_H
#define HARK_CLI_CMD_USAGE_H

extern const char cmd_import_usage[];
extern const char cmd_export_usage[];
extern const char cmd_search_usage[];
extern const char cmd_log_usage[];
extern const char cmd_contacts_usage[];
extern const char cmd_contacts_set_usage[];  /* contacts_set.c */
extern const char cmd_db_usage[];
extern const char cmd_relay_usage[];
extern const char cmd_call_usage[];
extern const char cmd_calls_usage[];
extern const char cmd_template_usage[];
extern const char cmd_report_ab_usage[];
int cmd_call(struct cli_ctx *ctx, int argc, char **argv);  /* cmd_send.c */
int cmd_calls(struct cli_ctx *ctx, int argc, char **argv); /* cmd_calls.c */
int cmd_relay(struct cli_ctx *ctx, int argc, char **argv); /* cmd_relay.c */
extern const char cmd_report_usage[];
int cmd_report(struct cli_ctx *ctx, int argc, char **argv); /* cmd_report.c */
extern const char cmd_rules_usage[];
int cmd_rules(struct cli_ctx *ctx, int argc, char **argv);  /* cmd_rules.c */

#endif
