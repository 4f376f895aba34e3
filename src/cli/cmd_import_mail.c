/*
 * cmd_import_mail.c — hark import-mail: email files (.eml, a Maildir's
 * messages) into the unified threads, through the same parsing and
 * threading as mail hark receives (mime_parse, mime_event_fill,
 * engine_ingest), one transaction per file.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/mime.h"
#include "hark/provider.h"
#include "hark/store.h"

#include "cli_int.h"

const char cmd_import_mail_usage[] =
    "usage: hark import-mail [--json] FILE...\n"
    "\n"
    "Loads email from each FILE (- for standard input), one RFC 5322 message\n"
    "per file: saved .eml files, or the files of a Maildir (cur/*, new/*).\n"
    "Each is parsed and threaded like mail hark receives: into the contact of\n"
    "its sender, else of the thread it answers, else a new contact. Mail from\n"
    "your own address ([identity] email, or an account's from_email) is stored\n"
    "as sent to its first recipient. The raw message and its attachments are\n"
    "kept next to the database. A message already in hark (same Message-ID)\n"
    "is skipped; a broken one is stored raw with a warning. A file that cannot\n"
    "be read is reported, the rest imported, and the exit code is 3.\n"
    "\n"
    "  --json     print the summary as JSON\n";

struct import_mail {
	struct cli_ctx *ctx;
	struct store *st;
	long added, present, failed, warned;
};

static int im_is_mine(const struct config *cfg, const char *from);
static char *im_digest(const char *raw, size_t len);
static int im_file(struct import_mail *im, const char *path);

/* True when from is one of the user's own addresses. */
static int
im_is_mine(const struct config *cfg, const char *from)
{
	int i;

	if (from == NULL)
		return 0;
	if (cfg->identity_email != NULL && strcasecmp(cfg->identity_email, from) == 0)
		return 1;
	for (i = 0; i < cfg->naccounts; i++) {
		if (cfg->accounts[i].from_email != NULL &&
		    strcasecmp(cfg->accounts[i].from_email, from) == 0)
			return 1;
	}
	return 0;
}

/* The provider id of mail without a Message-ID: the digest of its bytes. */
static char *
im_digest(const char *raw, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	char hex[2 * 32 + 1];

	EVP_Digest(raw, len, md, &n, EVP_sha256(), NULL);
	for (i = 0; i < n && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[64] = '\0';
	return xasprintf("sha256:%s", hex);
}

static int
im_file(struct import_mail *im, const char *path)
{
	struct provider_attachment *atts = NULL;
	struct provider_event ev;
	struct mime_message m;
	char *raw, *cause = NULL, *id = NULL;
	size_t len;
	int rc;

	if ((raw = cli_read_file(path, &len, &cause)) == NULL) {
		cli_err(im->ctx, "%s: %s", path, cause);
		free(cause);
		return -1;
	}
	if (mime_parse(raw, len, &m, &cause) != 0) {
		cli_err(im->ctx, "%s: %s", path, cause);
		free(cause);
		free(raw);
		return -1;
	}
	memset(&ev, 0, sizeof ev);
	mime_event_fill(&m, raw, len, &ev, &atts);
	ev.type = PROVIDER_EV_INBOUND;
	ev.provider = "import";
	ev.provider_id = m.message_id;
	if (ev.provider_id == NULL)
		ev.provider_id = id = im_digest(raw, len);
	ev.outgoing = im_is_mine(im->ctx->cfg, m.from);
	ev.duration_s = -1;
	rc = store_begin(im->st, &cause);
	if (rc == 0 && (rc = engine_ingest(im->st, im->ctx->cfg, &ev, &cause)) >= 0 &&
	    store_commit(im->st, &cause) != 0)
		rc = -1;
	if (rc < 0) {
		store_rollback(im->st);
		cli_err(im->ctx, "%s: %s", path, cause);
	} else if (rc == 0) {
		im->present++;
	} else {
		im->added++;
		if (m.warning != NULL) {
			im->warned++;
			fprintf(stderr, "hark import-mail: %s: %s\n", path, m.warning);
		}
	}
	free(cause);
	free(id);
	free(atts);
	mime_message_clear(&m);
	free(raw);
	return rc < 0 ? -1 : 0;
}

int
cmd_import_mail(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct import_mail im;
	int c, json = 0, i;

	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(cmd_import_mail_usage, stdout);
			return HARK_EXIT_OK;
		default:
			fputs(cmd_import_mail_usage, stderr);
			return HARK_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_err(ctx, "no file given");
		fputs(cmd_import_mail_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	memset(&im, 0, sizeof im);
	im.ctx = ctx;
	if (cli_config(ctx) == NULL || (im.st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	for (i = optind; i < argc; i++) {
		if (im_file(&im, argv[i]) != 0)
			im.failed++;
	}
	if (json)
		printf("{\"added\":%ld,\"present\":%ld,\"warnings\":%ld,\"failed\":%ld}\n",
		    im.added, im.present, im.warned, im.failed);
	else
		printf("%ld added, %ld already present, %ld kept raw with a warning, "
		    "%ld failed\n", im.added, im.present, im.warned, im.failed);
	if (im.failed == 0)
		return HARK_EXIT_OK;
	return im.added + im.present > 0 ? HARK_EXIT_PARTIAL : HARK_EXIT_ERROR;
}
