/* cmd_report.h — the report's output formats (cmd_report_out.c) for cmd_report.c. */
#ifndef HARK_CLI_CMD_REPORT_H
#define HARK_CLI_CMD_REPORT_H

#include <stdio.h>

struct report;

enum report_fmt { REPORT_FMT_TEXT, REPORT_FMT_CSV, REPORT_FMT_JSON };

/* Writes the report to f as aligned text, RFC 4180 CSV or one JSON object. */
void report_print(const struct report *r, enum report_fmt fmt, FILE *f);

#endif
