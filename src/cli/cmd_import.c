/* cmd_import.c — hark import: loads message history from JSON lines, in big
 * batches, and skips what an earlier import already loaded. */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <getopt.h>

#include <cjson/cJSON.h>

#include "hark/config.h"
#include "hark/core.h"
#include "hark/store.h"

#include "cli_int.h"
#include "cli_map.h"
#include "cli_text.h"
#include "cmd_usage.h"
#include "jsonl.h"

/*
 * One transaction per batch: a commit per line would cap the import at a
 * few thousand lines a second, and store_bulk_end indexes a whole batch for
 * search in one statement. A failure loses at most the current batch, and
 * running the import again picks up where it stopped.
 */
#define IMPORT_BATCH 50000
#define IMPORT_MAX_REPORTS 100     /* rejected lines named on stderr */
#define IMPORT_PROGRESS_MS 500

const char cmd_import_usage[] =
    "usage: hark import [--json] [--quiet] FILE\n"
    "\n"
    "Loads message history from FILE (- for standard input): one JSON object\n"
    "per line with channel, address, direction, timestamp and body (see the\n"
    "README, \"Import format\"). Messages already in the database are skipped,\n"
    "so importing a file twice adds nothing. A line that cannot be imported is\n"
    "reported with its number, the rest is imported, and the exit code is 3.\n"
    "\n"
    "  --json     print the summary as JSON\n"
    "  --quiet    no progress line on stderr\n";

struct import {
	struct cli_ctx *ctx;
	struct store *st;
	struct jsonl_reader *jr;
	struct cli_map *by_addr;   /* "kind:address" → contact id */
	struct cli_map *by_name;   /* exact name → contact id, -1 when shared */
	struct cli_map *by_ref;    /* "#id" of the file's contact lines → contact id */
	FILE *in;
	int64_t size;              /* bytes in the file, 0 when unknown (a pipe) */
	int64_t bytes;             /* bytes read so far */
	long line;
	long committed_line;       /* every line up to here is in the database */
	long inserted, present, rejected;
	long contacts;             /* contact lines imported */
	long templates;            /* template lines new to the database */
	long batch;                /* lines in the open transaction */
	int in_txn;
	int64_t start_ms, last_ms;
	int tty, quiet, progress_shown;
};

static int import_open(struct import *imp, const char *path, char **cause);
static int import_load_names(void *arg, const struct store_contact *c);
static int import_run(struct import *imp, char **cause);
static int import_line(struct import *imp, const char *text, size_t len,
    char **cause);
static int import_contact(struct import *imp, const struct jsonl_line *jl,
    int64_t *id, char **cause);
static void import_name_put(struct import *imp, const char *name, int64_t id);
static int import_contact_line(struct import *imp, const struct jsonl_line *jl,
    char **cause);
static int import_optout_line(struct import *imp, const struct jsonl_line *jl,
    char **cause);
static int import_ref(struct import *imp, int64_t ref, int64_t *id);
static int import_batch_begin(struct import *imp, char **cause);
static int import_batch_end(struct import *imp, char **cause);
static void import_reject(struct import *imp, const char *why);
static void import_progress(struct import *imp, int done);
static void import_summary(const struct import *imp, int json);
static void import_failed(const struct import *imp, const char *cause);

static int
import_open(struct import *imp, const char *path, char **cause)
{
	struct stat sb;

	if (strcmp(path, "-") == 0)
		imp->in = stdin;
	else if ((imp->in = fopen(path, "r")) == NULL) {
		set_cause(cause, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(imp->in), &sb) == 0 && S_ISREG(sb.st_mode))
		imp->size = (int64_t)sb.st_size;
	setvbuf(imp->in, NULL, _IOFBF, 1 << 20);
	return 0;
}

/* Contacts by exact name, so a file that names "Ann Lee" for her phone and
 * her email gives one thread rather than two Anns. */
static int
import_load_names(void *arg, const struct store_contact *c)
{
	import_name_put(arg, c->name, c->id);
	return 0;
}

static void
import_name_put(struct import *imp, const char *name, int64_t id)
{
	int64_t old;

	if (cli_map_get(imp->by_name, name, &old))
		cli_map_put(imp->by_name, name, old == id ? id : -1);
	else
		cli_map_put(imp->by_name, name, id);
}

/* The contact of a line: the owner of its address, else the one contact of
 * that exact name (which gains the address), else a new contact. */
static int
import_contact(struct import *imp, const struct jsonl_line *jl, int64_t *id,
    char **cause)
{
	char *key = xasprintf("%d:%s", (int)jl->kind, jl->address);
	int created = 0, rc = 0, found;

	if (cli_map_get(imp->by_addr, key, id)) {
		free(key);
		return 0;
	}
	found = store_contact_by_address(imp->st, jl->kind, jl->address, id, cause);
	if (found < 0)
		rc = -1;
	else if (found == 0 && jl->contact != NULL &&
	    cli_map_get(imp->by_name, jl->contact, id) && *id > 0)
		rc = store_identity_add(imp->st, *id, jl->kind, jl->address, NULL, cause);
	else if (found == 0) {
		rc = store_contact_ensure(imp->st, jl->kind, jl->address, jl->contact,
		    id, &created, cause);
		if (rc == 0 && created && jl->contact != NULL)
			import_name_put(imp, jl->contact, *id);
	}
	if (rc == 0)
		cli_map_put(imp->by_addr, key, *id);
	free(key);
	return rc;
}

/* The contact a line's contact_id names: one of the file's contact lines. */
static int
import_ref(struct import *imp, int64_t ref, int64_t *id)
{
	char key[32];

	if (ref <= 0)
		return 0;
	snprintf(key, sizeof key, "#%" PRId64, ref);
	return cli_map_get(imp->by_ref, key, id);
}

/*
 * A contact line updates the contact owning one of its addresses, else the
 * one contact that had its exact name before the import, else adds one.
 * Contacts it adds are not found by name, so that two people of one name in
 * the file stay two.
 */
static int
import_contact_line(struct import *imp, const struct jsonl_line *jl, char **cause)
{
	const struct store_xset *ids = NULL;
	const struct store_xval *k, *a;
	int64_t existing = 0, id;
	char key[32];
	int i, j, kind, found, rc;

	for (i = 0; i < jl->c.nsets; i++)
		if (strcmp(jl->c.sets[i].name, "identities") == 0)
			ids = &jl->c.sets[i];
	for (j = 0; ids != NULL && j < ids->nrows && existing == 0; j++) {
		for (i = 0, k = a = NULL; i < ids->rows[j].n; i++) {
			if (strcmp(ids->rows[j].v[i].name, "kind") == 0)
				k = &ids->rows[j].v[i];
			else if (strcmp(ids->rows[j].v[i].name, "address") == 0)
				a = &ids->rows[j].v[i];
		}
		for (kind = 0; kind < 3; kind++)
			if (strcmp(k->s, store_id_kind_name((enum store_id_kind)kind)) == 0)
				break;
		found = store_contact_by_address(imp->st, (enum store_id_kind)kind, a->s,
		    &id, cause);
		if (found < 0)
			return -1;
		if (found)
			existing = id;
	}
	if (existing == 0 && cli_map_get(imp->by_name, jl->contact, &id) && id > 0)
		existing = id;
	if ((rc = store_contact_import(imp->st, &jl->c, existing, &id, cause)) == -2) {
		import_reject(imp, *cause != NULL ? *cause : "bad contact");
		free(*cause);
		*cause = NULL;
		return 0;
	}
	if (rc != 0)
		return -1;
	if (jl->contact_ref > 0) {
		snprintf(key, sizeof key, "#%" PRId64, jl->contact_ref);
		cli_map_put(imp->by_ref, key, id);
	}
	imp->contacts++;
	return 0;
}

static int
import_optout_line(struct import *imp, const struct jsonl_line *jl, char **cause)
{
	int64_t id = 0;

	if (!import_ref(imp, jl->contact_ref, &id))
		id = 0;
	return store_optout_import(imp->st, &jl->optout, id, cause);
}

static int
import_batch_begin(struct import *imp, char **cause)
{
	if (store_begin(imp->st, cause) != 0)
		return -1;
	imp->in_txn = 1;
	imp->batch = 0;
	return store_bulk_begin(imp->st, cause);
}

static int
import_batch_end(struct import *imp, char **cause)
{
	if (store_bulk_end(imp->st, cause) != 0 || store_commit(imp->st, cause) != 0)
		return -1;
	imp->in_txn = 0;
	imp->committed_line = imp->line;
	return 0;
}

static void
import_reject(struct import *imp, const char *why)
{
	imp->rejected++;
	if (imp->rejected <= IMPORT_MAX_REPORTS) {
		if (imp->progress_shown && imp->tty)
			fputs("\r\033[K", stderr);
		cli_err_safe(imp->ctx, "line %ld: %s", imp->line, why);
	}
}

/* One line: 0 when imported, skipped or rejected; -1 when the database
 * failed and the import cannot go on. */
static int
import_line(struct import *imp, const char *text, size_t len, char **cause)
{
	struct jsonl_line jl;
	char *why = NULL;
	int64_t id;
	int rc;

	if (jsonl_parse(imp->jr, text, len, &jl, &why) != 0) {
		import_reject(imp, why != NULL ? why : "invalid");
		free(why);
		jsonl_line_clear(&jl);
		return 0;
	}
	if (jl.type == JSONL_TEMPLATE) {
		rc = store_template_import(imp->st, &jl.t, cause);
		imp->templates += rc == 1;
		jsonl_line_clear(&jl);
		return rc < 0 ? -1 : 0;
	}
	if (jl.type != JSONL_MESSAGE) {
		rc = jl.type == JSONL_CONTACT ? import_contact_line(imp, &jl, cause) :
		    import_optout_line(imp, &jl, cause);
		jsonl_line_clear(&jl);
		return rc;
	}
	if (!import_ref(imp, jl.contact_ref, &jl.m.contact_id) &&
	    import_contact(imp, &jl, &jl.m.contact_id, cause) != 0) {
		jsonl_line_clear(&jl);
		return -1;
	}
	jl.x.m = jl.m;
	rc = store_message_import(imp->st, &jl.x, &id, cause);
	jsonl_line_clear(&jl);
	if (rc < 0)
		return -1;
	if (rc == 1)
		imp->inserted++;
	else
		imp->present++;
	return 0;
}

static void
import_progress(struct import *imp, int done)
{
	int64_t now = hark_mono_ms(), secs;
	long rate;

	if (imp->quiet || (!done && now - imp->last_ms < IMPORT_PROGRESS_MS))
		return;
	if (done && !imp->progress_shown)
		return;
	imp->last_ms = now;
	secs = now - imp->start_ms;
	rate = secs > 0 ? (long)(imp->line * 1000 / secs) : 0;
	fprintf(stderr, "%simported %ld", imp->tty ? "\r\033[K" : "", imp->line);
	if (imp->size > 0 && imp->bytes > 0 && !done)
		fprintf(stderr, " of ~%" PRId64,
		    (int64_t)((double)imp->line * (double)imp->size / (double)imp->bytes));
	fprintf(stderr, " lines (%ld/s)%s", rate, imp->tty && !done ? "" : "\n");
	fflush(stderr);
	imp->progress_shown = 1;
}

static int
import_run(struct import *imp, char **cause)
{
	char *buf = NULL;
	size_t cap = 0, len;
	ssize_t n;
	int rc = 0;

	while (rc == 0 && (n = getline(&buf, &cap, imp->in)) > 0) {
		imp->line++;
		imp->bytes += n;
		len = (size_t)n;
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			len--;
		if (imp->line == 1 && len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
			memmove(buf, buf + 3, len - 3);
			len -= 3;
		}
		if (!imp->in_txn && import_batch_begin(imp, cause) != 0)
			rc = -1;
		else if (strspn(buf, " \t") < len && import_line(imp, buf, len, cause) != 0)
			rc = -1;
		else if (++imp->batch >= IMPORT_BATCH && import_batch_end(imp, cause) != 0)
			rc = -1;
		if ((imp->line & 1023) == 0)
			import_progress(imp, 0);
	}
	if (rc == 0 && ferror(imp->in)) {
		set_cause(cause, "read error after line %ld: %s", imp->line, strerror(errno));
		rc = -1;
	}
	free(buf);
	if (rc == 0 && imp->in_txn)
		rc = import_batch_end(imp, cause);
	if (rc != 0 && imp->in_txn)
		store_rollback(imp->st);
	return rc;
}

static void
import_summary(const struct import *imp, int json)
{
	cJSON *o;

	if (!json) {
		printf("imported %ld message%s, %ld already present, %ld line%s rejected",
		    imp->inserted, imp->inserted == 1 ? "" : "s", imp->present,
		    imp->rejected, imp->rejected == 1 ? "" : "s");
		if (imp->contacts > 0)
			printf("; %ld contact%s", imp->contacts,
			    imp->contacts == 1 ? "" : "s");
		if (imp->templates > 0)
			printf("; %ld template%s", imp->templates,
			    imp->templates == 1 ? "" : "s");
		putchar('\n');
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "imported", (double)imp->inserted);
	cJSON_AddNumberToObject(o, "already_present", (double)imp->present);
	cJSON_AddNumberToObject(o, "rejected", (double)imp->rejected);
	cJSON_AddNumberToObject(o, "lines", (double)imp->line);
	cJSON_AddNumberToObject(o, "contacts", (double)imp->contacts);
	cJSON_AddNumberToObject(o, "templates", (double)imp->templates);
	cli_json_print(stdout, o, 0);
}

/* Says what stopped the import and what is safely in the database. */
static void
import_failed(const struct import *imp, const char *cause)
{
	if (cause == NULL)
		cause = "failed";
	if (imp->line == 0) {
		cli_err_safe(imp->ctx, "%s", cause);
		return;
	}
	cli_err_safe(imp->ctx, "line %ld: %s", imp->line, cause);
	if (imp->committed_line > 0)
		cli_err(imp->ctx, "lines 1-%ld are imported; importing the file again "
		    "goes on from there", imp->committed_line);
	else
		cli_err(imp->ctx, "nothing was imported");
}

int
cmd_import(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct import imp = { 0 };
	struct config *cfg;
	char *cause = NULL;
	int c, json = 0, rc;

	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "jqh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'q':
			imp.quiet = 1;
			break;
		case 'h':
			fputs(cmd_import_usage, stdout);
			return HARK_EXIT_OK;
		default:
			fputs(cmd_import_usage, stderr);
			return HARK_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fputs(cmd_import_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((cfg = cli_config(ctx)) == NULL || (imp.st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	if (import_open(&imp, argv[optind], &cause) != 0) {
		cli_err_safe(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_ERROR;
	}
	imp.ctx = ctx;
	imp.tty = isatty(STDERR_FILENO);
	imp.start_ms = imp.last_ms = hark_mono_ms();
	imp.jr = jsonl_reader_new(cfg->default_region);
	imp.by_addr = cli_map_new();
	imp.by_name = cli_map_new();
	imp.by_ref = cli_map_new();
	rc = store_contacts_each(imp.st, import_load_names, &imp, &cause);
	if (rc == 0)
		rc = import_run(&imp, &cause);
	import_progress(&imp, 1);
	if (imp.in != stdin)
		fclose(imp.in);
	jsonl_reader_free(imp.jr);
	cli_map_free(imp.by_addr);
	cli_map_free(imp.by_name);
	cli_map_free(imp.by_ref);
	if (rc != 0) {
		import_failed(&imp, cause);
		free(cause);
		return HARK_EXIT_ERROR;
	}
	if (imp.rejected > IMPORT_MAX_REPORTS)
		cli_err(ctx, "%ld more rejected lines not shown", imp.rejected -
		    IMPORT_MAX_REPORTS);
	import_summary(&imp, json);
	return imp.rejected > 0 ? HARK_EXIT_PARTIAL : HARK_EXIT_OK;
}
