/* cmd_export.c — hark export: streams the history out as JSON lines (which
 * `hark import` reads back losslessly), CSV for spreadsheets, mbox of the
 * email, or vCard 4.0 of the contacts, in constant memory. */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
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
#include "export_int.h"
#include "jsonl.h"

#define EXPORT_PROGRESS_MS 1000

const char cmd_export_usage[] =
    "usage: hark export [--format jsonl|csv|mbox|vcard] [--contact C] [--since T]\n"
    "                   [--until T] [-o FILE] [--raw] [--progress | --quiet]\n"
    "\n"
    "Writes the history, oldest first, to standard output or FILE.\n"
    "\n"
    "  jsonl  every template, contact (identities, tags, custom fields,\n"
    "         preferences), opt-out and message (status history, attachments,\n"
    "         call, price, template, threading, read state) as the JSON lines\n"
    "         `hark import` reads: into an empty database it imports unchanged\n"
    "  csv    one row per message with a header row, quoted as RFC 4180 says;\n"
    "         a text cell starting with = + - @ gets a leading ' so that a\n"
    "         spreadsheet shows it rather than running it (--raw: no guard)\n"
    "  mbox   the email messages as mboxrd, for neomutt, mutt or Python's\n"
    "         mailbox: the message as received when hark kept it, else rebuilt\n"
    "  vcard  the contacts as vCard 4.0 (RFC 6350), which `hark contacts\n"
    "         import` and address books read\n"
    "\n"
    "  -f, --format F    jsonl (default), csv, mbox or vcard\n"
    "  -c, --contact C   only this contact (a name, an address or #id)\n"
    "  -s, --since T     messages from T on: \"7d\", \"24h\", a date or an ISO time\n"
    "  -u, --until T     messages before T (same forms)\n"
    "  -o, --output FILE write FILE (created mode 0600) instead of stdout\n"
    "      --raw         csv: write every cell exactly as stored\n"
    "      --progress    a progress line on stderr even when it is not a terminal\n"
    "  -q, --quiet       no progress line\n"
    "\n"
    "Memory stays the same whatever the history's size. On a terminal stderr\n"
    "shows count / total and the rate. A failed write (disk full, a closed\n"
    "pipe) stops the export with exit 2 and says the output is partial; an\n"
    "email whose attachment cannot be read is written without it, the reason\n"
    "is printed, and the exit is 3.\n";

static const char *const export_csv_header[] = {
	"timestamp", "channel", "direction", "contact", "address", "subject",
	"body", "status", "provider", "provider_id", "message_id", "in_reply_to",
	"error_code", "error_text", "price", "currency", "segments"
};

static void export_progress(struct export *ex, int done);
static int export_message(void *arg, const struct store_xmessage *x);
static int export_contact(void *arg, const struct store_xcontact *c);
static int export_optout(void *arg, const struct store_xrow *r);
static int export_template(void *arg, const struct store_xtemplate *t);
static const char *export_csv_guard(const char *s, struct hbuf *tmp);
static void export_csv_row(struct export *ex, const struct store_xmessage *x);
static FILE *export_open(const char *path, char **cause);
static int export_close(struct export *ex);
static int export_body(struct export *ex, const struct store_filter *f,
    char **cause);
static int export_run(struct cli_ctx *ctx, struct export *ex,
    const struct store_filter *f, const char *path);
static int export_filter(struct cli_ctx *ctx, const char *contact,
    const char *since, const char *until, struct store_filter *f);
static int export_format_parse(const char *s, enum export_format *out);

int
export_emit(struct export *ex)
{
	char *t;

	/* mbox and vCard carry what senders wrote, escape sequences included:
	 * on a terminal they are shown, never run (CSV cells are cleaned one
	 * by one, JSON escapes them itself). */
	if (ex->safe && ex->buf.len > 0 && (ex->format == EXPORT_MBOX ||
	    ex->format == EXPORT_VCARD)) {
		t = cli_safe(hbuf_str(&ex->buf), HARK_SAN_NEWLINES | HARK_SAN_TABS);
		hbuf_reset(&ex->buf);
		hbuf_adds(&ex->buf, t);
		free(t);
	}
	if (ex->buf.len > 0 &&
	    fwrite(ex->buf.data, 1, ex->buf.len, ex->out) != ex->buf.len) {
		ex->write_error = errno != 0 ? errno : EIO;
		return -1;
	}
	ex->done++;
	if ((ex->done & 255) == 0)
		export_progress(ex, 0);
	return 0;
}

/* On a terminal one line redrawn in place; elsewhere (--progress) a line a
 * second, so a log shows how it went. */
static void
export_progress(struct export *ex, int done)
{
	int64_t now = hark_mono_ms(), ms = now - ex->start_ms;

	if (ex->progress == 0 || (!done && now - ex->last_ms < EXPORT_PROGRESS_MS))
		return;
	if (done && ex->last_ms == ex->start_ms && ex->progress == 1)
		return;
	ex->last_ms = now;
	fprintf(stderr, "%sexported %" PRId64, ex->progress == 1 ? "\r\033[K" : "",
	    ex->done);
	if (ex->total >= 0)
		fprintf(stderr, " of %" PRId64, ex->total);
	fprintf(stderr, " %s (%" PRId64 "/s)%s", ex->unit,
	    ms > 0 ? ex->done * 1000 / ms : ex->done,
	    ex->progress == 1 && !done ? "" : "\n");
	fflush(stderr);
}

/*
 * A cell a spreadsheet would take for a formula (=, +, -, @, a tab or CR
 * first: OWASP's list) gets a leading apostrophe, which spreadsheets show
 * as text and do not run. Plain numbers ("-0.0079", "+14155552671") stay.
 */
static const char *
export_csv_guard(const char *s, struct hbuf *tmp)
{
	const char *p;

	if (s == NULL || strchr("=+-@\t\r", *s) == NULL || *s == '\0')
		return s;
	p = s + 1;
	if ((*s == '+' || *s == '-') && *p != '\0' &&
	    strspn(p, "0123456789.") == strlen(p))
		return s;
	hbuf_reset(tmp);
	hbuf_addc(tmp, '\'');
	hbuf_adds(tmp, s);
	return hbuf_str(tmp);
}

static void
export_csv_row(struct export *ex, const struct store_xmessage *x)
{
	const struct store_message *m = &x->m;
	char when[40], price[48] = "", segs[16] = "";
	const char *v[HARK_NELEM(export_csv_header)], *cell;
	struct hbuf tmp = HBUF_INIT;
	size_t i;

	jsonl_time_format(m->created_at, when, sizeof when);
	if (m->has_price)
		jsonl_money_decimal(m->price.micros, price, sizeof price);
	if (m->segments > 0)
		snprintf(segs, sizeof segs, "%d", m->segments);
	v[0] = when;
	v[1] = hark_channel_name(m->channel);
	v[2] = hark_direction_name(m->direction);
	v[3] = x->contact;
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
		cell = ex->raw ? v[i] : export_csv_guard(v[i], &tmp);
		if (ex->safe && cell != NULL) {
			char *t = cli_safe(cell, HARK_SAN_NEWLINES | HARK_SAN_TABS);

			csv_write_field(&ex->buf, t);
			free(t);
		} else
			csv_write_field(&ex->buf, cell);
	}
	csv_end_record(&ex->buf);
	hbuf_free(&tmp);
}

static int
export_message(void *arg, const struct store_xmessage *x)
{
	struct export *ex = arg;

	hbuf_reset(&ex->buf);
	if (ex->format == EXPORT_CSV)
		export_csv_row(ex, x);
	else
		jsonl_format_xmessage(x, &ex->buf);
	return export_emit(ex) != 0;
}

static int
export_contact(void *arg, const struct store_xcontact *c)
{
	struct export *ex = arg;

	hbuf_reset(&ex->buf);
	if (ex->format == EXPORT_VCARD)
		export_vcard(c, &ex->buf);
	else
		jsonl_format_xcontact(c, &ex->buf);
	return export_emit(ex) != 0;
}

static int
export_optout(void *arg, const struct store_xrow *r)
{
	struct export *ex = arg;

	hbuf_reset(&ex->buf);
	jsonl_format_optout(r, &ex->buf);
	return export_emit(ex) != 0;
}

static int
export_template(void *arg, const struct store_xtemplate *t)
{
	struct export *ex = arg;

	hbuf_reset(&ex->buf);
	jsonl_format_xtemplate(t, &ex->buf);
	return export_emit(ex) != 0;
}

/* History is private: a new file is readable by its owner only. */
static FILE *
export_open(const char *path, char **cause)
{
	FILE *f;
	int fd;

	if (path == NULL)
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
	char *cause = NULL;

	memset(f, 0, sizeof *f);
	if (st == NULL)
		return HARK_EXIT_ERROR;
	if (contact != NULL && store_contact_resolve(st, contact, &f->contact_id,
	    &cause) != 0) {
		cli_err_safe(ctx, "%s", cause != NULL ? cause : "bad filter");
		free(cause);
		return HARK_EXIT_USAGE;
	}
	if (cli_parse_period(ctx, since, until, &f->since, &f->until) != 0)
		return HARK_EXIT_USAGE;
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

/* The records of the chosen format: templates, contacts and opt-outs come
 * before the messages that name them, so an import meets them first. */
static int
export_body(struct export *ex, const struct store_filter *f, char **cause)
{
	int64_t total;
	size_t i;
	int rc = 0;

	switch (ex->format) {
	case EXPORT_VCARD:
		ex->unit = "contacts";
		ex->total = -1;
		return store_export_contacts(ex->st, f->contact_id, export_contact, ex,
		    cause);
	case EXPORT_MBOX:
		ex->unit = "emails";
		ex->total = -1;
		return export_mbox(ex, f, cause);
	case EXPORT_CSV:
		hbuf_reset(&ex->buf);
		for (i = 0; i < HARK_NELEM(export_csv_header); i++) {
			if (i > 0)
				hbuf_addc(&ex->buf, ',');
			csv_write_field(&ex->buf, export_csv_header[i]);
		}
		csv_end_record(&ex->buf);
		if (export_emit(ex) != 0)
			return 0;
		ex->done = 0;
		break;
	case EXPORT_JSONL:
		/* Templates, contacts and opt-outs first; the progress line counts
		 * them apart from the messages' total. */
		total = ex->total;
		ex->total = -1;
		ex->unit = "contacts";
		rc = store_export_templates(ex->st, export_template, ex, cause);
		if (rc == 0 && ex->write_error == 0)
			rc = store_export_contacts(ex->st, f->contact_id, export_contact, ex,
			    cause);
		if (rc == 0 && ex->write_error == 0)
			rc = store_export_optouts(ex->st, f->contact_id, export_optout, ex,
			    cause);
		ex->total = total;
		ex->unit = "messages";
		ex->done = 0;
		break;
	}
	if (rc == 0 && ex->write_error == 0)
		rc = store_export_messages(ex->st, f, export_message, ex, cause);
	return rc;
}

static int
export_run(struct cli_ctx *ctx, struct export *ex, const struct store_filter *f,
    const char *path)
{
	char *cause = NULL;
	int rc;

	ex->ctx = ctx;
	ex->st = cli_store(ctx);
	ex->path = path;
	ex->unit = "messages";
	if (store_export_count(ex->st, f, &ex->total, &cause) != 0 ||
	    (ex->out = export_open(path, &cause)) == NULL) {
		cli_err_safe(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_ERROR;
	}
	ex->safe = ex->out == stdout && isatty(STDOUT_FILENO);
	if (ex->progress == 1 && (!isatty(STDERR_FILENO) || ex->safe))
		ex->progress = 0;   /* a line on a terminal only, never over the output */
	ex->start_ms = ex->last_ms = hark_mono_ms();
	/* A closed pipe is a failed write to report, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	rc = export_body(ex, f, &cause);
	export_progress(ex, 1);
	if (export_close(ex) != 0 && rc == 0)
		rc = -1;
	if (rc != 0 && ex->write_error != 0)
		cli_err(ctx, "write failed: %s; %s is partial (%" PRId64 " %s written)",
		    strerror(ex->write_error), path != NULL ? path : "the output",
		    ex->done, ex->unit);
	else if (rc != 0)
		cli_err_safe(ctx, "%s", cause != NULL ? cause : "export failed");
	free(cause);
	hbuf_free(&ex->buf);
	if (rc != 0)
		return HARK_EXIT_ERROR;
	return ex->skipped > 0 ? HARK_EXIT_PARTIAL : HARK_EXIT_OK;
}

static int
export_format_parse(const char *s, enum export_format *out)
{
	static const char *const names[] = { "jsonl", "csv", "mbox", "vcard" };
	size_t i;

	for (i = 0; i < HARK_NELEM(names); i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum export_format)i;
			return 0;
		}
	return -1;
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
		{ "raw", no_argument, NULL, 'r' },
		{ "progress", no_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *contact = NULL, *since = NULL, *until = NULL, *path = NULL;
	struct export ex = { 0 };
	struct store_filter f;
	int c, rc;

	ex.progress = 1;
	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "f:c:s:u:o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (export_format_parse(optarg, &ex.format) != 0) {
				cli_err_safe(ctx, "unknown format '%s' (jsonl, csv, mbox "
				    "or vcard)", optarg);
				return HARK_EXIT_USAGE;
			}
			break;
		case 'c': contact = optarg; break;
		case 's': since = optarg; break;
		case 'u': until = optarg; break;
		case 'o': path = strcmp(optarg, "-") == 0 ? NULL : optarg; break;
		case 'r': ex.raw = 1; break;
		case 'p': ex.progress = 2; break;
		case 'q': ex.progress = 0; break;
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
