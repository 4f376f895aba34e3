/* cmd_export.c — hark export: streams messages out as JSON lines (which
 * `hark import` reads back) or as CSV for spreadsheets. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <getopt.h>

#include "hark/core.h"
#include "hark/store.h"

#include "cli_int.h"
#include "cli_text.h"
#include "cmd_usage.h"
#include "csv.h"
#include "jsonl.h"

const char cmd_export_usage[] =
    "usage: hark export [--format jsonl|csv] [--contact C] [--since T]\n"
    "                   [--until T] [-o FILE]\n"
    "\n"
    "Writes messages, oldest first, to standard output or FILE. jsonl is the\n"
    "format `hark import` reads, so an export imports back unchanged; csv has\n"
    "a header row and quotes fields as RFC 4180 says. Text is written exactly\n"
    "as stored (JSON escapes control characters; CSV shown on a terminal has\n"
    "them removed).\n"
    "\n"
    "  -f, --format F    jsonl (default) or csv\n"
    "  -c, --contact C   only this contact (a name, an address or #id)\n"
    "  -s, --since T     from T on: \"7d\", \"24h\", a date or an ISO time\n"
    "  -u, --until T     up to T (same forms)\n"
    "  -o, --output FILE write FILE (created mode 0600) instead of stdout\n";

static const char *const export_csv_header[] = {
	"timestamp", "channel", "direction", "contact", "address", "subject",
	"body", "status", "provider", "provider_id", "message_id", "in_reply_to",
	"error_code", "error_text", "price", "currency", "segments"
};

struct export_name {
	int64_t id;
	char *name;
};

struct export {
	FILE *out;
	int csv;
	int safe;                   /* CSV to a terminal: sanitise every field */
	struct hbuf buf;
	struct export_name *names;  /* every contact, sorted by id */
	size_t nnames, capnames;
	int write_error;            /* errno of a failed write, 0 when none */
};

static int export_collect_name(void *arg, const struct store_contact *c);
static int export_name_cmp(const void *a, const void *b);
static const char *export_name_of(const struct export *ex, int64_t id);
static int export_one(void *arg, const struct store_message *m);
static void export_csv_row(struct export *ex, const struct store_message *m,
    const char *contact);
static FILE *export_open(const char *path, char **cause);
static int export_close(struct export *ex);
static int export_run(struct cli_ctx *ctx, struct export *ex,
    const struct store_filter *f, const char *path);
static int export_filter(struct cli_ctx *ctx, const char *contact,
    const char *since, const char *until, struct store_filter *f);

static int
export_collect_name(void *arg, const struct store_contact *c)
{
	struct export *ex = arg;

	if (ex->nnames == ex->capnames) {
		ex->capnames = ex->capnames ? ex->capnames * 2 : 256;
		ex->names = xreallocarray(ex->names, ex->capnames, sizeof *ex->names);
	}
	ex->names[ex->nnames].id = c->id;
	ex->names[ex->nnames++].name = xstrdup(c->name);
	return 0;
}

static int
export_name_cmp(const void *a, const void *b)
{
	const struct export_name *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static const char *
export_name_of(const struct export *ex, int64_t id)
{
	struct export_name key = { id, NULL }, *hit;

	hit = bsearch(&key, ex->names, ex->nnames, sizeof *ex->names, export_name_cmp);
	return hit != NULL ? hit->name : NULL;
}

static void
export_csv_row(struct export *ex, const struct store_message *m, const char *contact)
{
	char when[40], price[48] = "", segs[16] = "";
	const char *v[HARK_NELEM(export_csv_header)];
	size_t i;

	jsonl_time_format(m->created_at, when, sizeof when);
	if (m->has_price)
		jsonl_money_decimal(m->price.micros, price, sizeof price);
	if (m->segments > 0)
		snprintf(segs, sizeof segs, "%d", m->segments);
	v[0] = when;
	v[1] = hark_channel_name(m->channel);
	v[2] = hark_direction_name(m->direction);
	v[3] = contact;
	v[4] = jsonl_other_address(m);
	v[5] = m->subject;
	v[6] = m->body;
	v[7] = hark_status_name(m->status);
	v[8] = m->provider;
	v[9] = m->provider_id;
	v[10] = m->message_id;
	v[11] = m->in_reply_to;
	v[12] = m->error_code;
	v[13] = m->error_text;
	v[14] = price;
	v[15] = m->has_price ? m->price.currency : NULL;
	v[16] = segs;
	for (i = 0; i < HARK_NELEM(v); i++) {
		if (i > 0)
			hbuf_addc(&ex->buf, ',');
		if (ex->safe && v[i] != NULL) {
			char *t = cli_safe(v[i], HARK_SAN_NEWLINES | HARK_SAN_TABS);

			csv_write_field(&ex->buf, t);
			free(t);
		} else
			csv_write_field(&ex->buf, v[i]);
	}
	csv_end_record(&ex->buf);
}

static int
export_one(void *arg, const struct store_message *m)
{
	struct export *ex = arg;
	const char *contact = export_name_of(ex, m->contact_id);

	hbuf_reset(&ex->buf);
	if (ex->csv)
		export_csv_row(ex, m, contact);
	else
		jsonl_format(m, contact, &ex->buf);
	if (fwrite(ex->buf.data, 1, ex->buf.len, ex->out) != ex->buf.len) {
		ex->write_error = errno != 0 ? errno : EIO;
		return 1;
	}
	return 0;
}

/* History is private: a new file is readable by its owner only. */
static FILE *
export_open(const char *path, char **cause)
{
	FILE *f;
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return stdout;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		set_cause(cause, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return f;
}

/* Fills the filter from the options; a HARK_EXIT_* code. */
static int
export_filter(struct cli_ctx *ctx, const char *contact, const char *since,
    const char *until, struct store_filter *f)
{
	struct store *st = cli_store(ctx);
	int64_t now = hark_now_ms();
	char *cause = NULL;

	memset(f, 0, sizeof *f);
	if (st == NULL)
		return HARK_EXIT_ERROR;
	if ((contact != NULL && store_contact_resolve(st, contact, &f->contact_id,
	    &cause) != 0) ||
	    (since != NULL && since_parse(since, now, &f->since, &cause) != 0) ||
	    (until != NULL && since_parse(until, now, &f->until, &cause) != 0)) {
		cli_err_safe(ctx, "%s", cause != NULL ? cause : "bad filter");
		free(cause);
		return HARK_EXIT_USAGE;
	}
	return HARK_EXIT_OK;
}

/* Flushes and closes the output; -1 when anything was lost on the way. */
static int
export_close(struct export *ex)
{
	int bad = ex->write_error != 0;

	if (fflush(ex->out) != 0 || ferror(ex->out))
		bad = 1;
	if (bad && ex->write_error == 0)
		ex->write_error = errno != 0 ? errno : EIO;
	if (ex->out != stdout && fclose(ex->out) != 0 && !bad) {
		ex->write_error = errno;
		bad = 1;
	}
	return bad ? -1 : 0;
}

static int
export_run(struct cli_ctx *ctx, struct export *ex, const struct store_filter *f,
    const char *path)
{
	struct store *st = cli_store(ctx);
	char *cause = NULL;
	size_t i;
	int rc;

	rc = store_contacts_each(st, export_collect_name, ex, &cause);
	qsort(ex->names, ex->nnames, sizeof *ex->names, export_name_cmp);
	if (rc == 0 && (ex->out = export_open(path, &cause)) == NULL)
		rc = -1;
	ex->safe = ex->out == stdout && isatty(STDOUT_FILENO);
	if (rc == 0 && ex->csv) {
		for (i = 0; i < HARK_NELEM(export_csv_header); i++)
			fprintf(ex->out, "%s%s", i > 0 ? "," : "", export_csv_header[i]);
		fputs("\r\n", ex->out);
	}
	if (rc == 0)
		rc = store_messages_each(st, f, export_one, ex, &cause);
	if (ex->out != NULL && export_close(ex) != 0 && rc == 0)
		rc = -1;
	if (rc != 0 && cause != NULL)
		cli_err_safe(ctx, "%s", cause);
	else if (rc != 0)
		cli_err(ctx, "write failed: %s", strerror(ex->write_error));
	free(cause);
	for (i = 0; i < ex->nnames; i++)
		free(ex->names[i].name);
	free(ex->names);
	hbuf_free(&ex->buf);
	return rc == 0 ? HARK_EXIT_OK : HARK_EXIT_ERROR;
}

int
cmd_export(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "contact", required_argument, NULL, 'c' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *contact = NULL, *since = NULL, *until = NULL, *path = NULL;
	struct export ex = { 0 };
	struct store_filter f;
	int c, rc;

	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "f:c:s:u:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "jsonl") != 0) {
				cli_err_safe(ctx, "unknown format '%s' (jsonl or csv)", optarg);
				return HARK_EXIT_USAGE;
			}
			ex.csv = strcmp(optarg, "csv") == 0;
			break;
		case 'c': contact = optarg; break;
		case 's': since = optarg; break;
		case 'u': until = optarg; break;
		case 'o': path = optarg; break;
		case 'h':
			fputs(cmd_export_usage, stdout);
			return HARK_EXIT_OK;
		default:
			fputs(cmd_export_usage, stderr);
			return HARK_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(cmd_export_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((rc = export_filter(ctx, contact, since, until, &f)) != HARK_EXIT_OK)
		return rc;
	return export_run(ctx, &ex, &f, path);
}
