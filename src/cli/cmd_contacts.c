/* cmd_contacts.c — hark contacts add | list | import: the address book from
 * the command line. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include <cjson/cJSON.h>

#include "hark/config.h"
#include "hark/core.h"
#include "hark/store.h"

#include "cli_int.h"
#include "cli_text.h"
#include "cmd_usage.h"
#include "contacts_int.h"
#include "jsonl.h"

#define CONTACTS_MAX_ADDRS 32

const char cmd_contacts_usage[] =
    "usage: hark contacts add NAME [--phone P] [--email E] [--whatsapp W]\n"
    "                         [--company C] [--note N] [--tag T]...\n"
    "       hark contacts list [--json] [--tag T]\n"
    "       hark contacts import FILE\n"
    "       hark contacts set CONTACT --prefer CH --fallback CH,... --tz ZONE\n"
    "                     --quiet 21:00-08:00 --cap 3/day --opt-out CH ...\n"
    "                     (hark contacts set --help)\n"
    "\n"
    "add     creates a contact; --phone, --email, --whatsapp and --tag may be\n"
    "        given more than once. A national phone number uses the region\n"
    "        of default_region in the configuration.\n"
    "list    prints every contact, most recent activity first.\n"
    "import  reads contacts from a CSV file with a header row (columns name,\n"
    "        phone, email, whatsapp, company, tags, notes; any other column\n"
    "        becomes a custom field) or a vCard 3.0 / 4.0 file. A contact\n"
    "        already present (the same address, else the same name) is\n"
    "        updated rather than added again. A record with an invalid\n"
    "        phone or email is reported by line and skipped (exit 3).\n";

/* What `contacts add` was given, before it touches the database. */
struct contacts_new {
	const char *name, *company, *note;
	struct {
		enum store_id_kind kind;
		const char *raw;
		char *address;   /* normalised */
	} addrs[CONTACTS_MAX_ADDRS];
	int naddrs;
	const char *tags[CONTACTS_MAX_ADDRS];
	int ntags;
};

struct contacts_list {
	const char *tag;   /* only contacts with this tag, or NULL */
	cJSON *json;       /* the array with --json, else NULL */
	int utf8;
};

static int contacts_add(struct cli_ctx *ctx, int argc, char **argv);
static int contacts_add_parse(struct cli_ctx *ctx, int argc, char **argv,
    struct contacts_new *cn);
static int contacts_add_write(struct store *st, struct contacts_new *cn,
    int64_t *id, char **cause);
static int contacts_list(struct cli_ctx *ctx, int argc, char **argv);
static int contacts_list_one(void *arg, const struct store_contact *c);
static int contacts_has_tag(const char *tags, const char *tag);
static cJSON *contacts_json(const struct store_contact *c);
static void contacts_json_add(cJSON *o, const char *name, const char *raw);

char *
contacts_normalize(enum store_id_kind kind, const char *input, const char *region,
    char **cause)
{
	char e164[HARK_E164_MAX + 1];

	if (kind == STORE_ID_EMAIL)
		return addr_email_normalize(input, cause);
	if (addr_phone_normalize(input, region, e164, cause) != 0)
		return NULL;
	return xstrdup(e164);
}

/* Reads add's options and normalises every address; a HARK_EXIT_* code. */
static int
contacts_add_parse(struct cli_ctx *ctx, int argc, char **argv, struct contacts_new *cn)
{
	static const struct option opts[] = {
		{ "phone", required_argument, NULL, 'p' },
		{ "email", required_argument, NULL, 'e' },
		{ "whatsapp", required_argument, NULL, 'w' },
		{ "company", required_argument, NULL, 'c' },
		{ "note", required_argument, NULL, 'N' },
		{ "tag", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct config *cfg;
	char *cause = NULL;
	int c, i;

	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "p:e:w:c:N:t:", opts, NULL)) != -1) {
		if (c == '?' || cn->naddrs == CONTACTS_MAX_ADDRS ||
		    cn->ntags == CONTACTS_MAX_ADDRS) {
			fputs(cmd_contacts_usage, stderr);
			return HARK_EXIT_USAGE;
		}
		if (c == 'c')
			cn->company = optarg;
		else if (c == 'N')
			cn->note = optarg;
		else if (c == 't')
			cn->tags[cn->ntags++] = optarg;
		else {
			cn->addrs[cn->naddrs].kind = c == 'p' ? STORE_ID_PHONE :
			    c == 'e' ? STORE_ID_EMAIL : STORE_ID_WHATSAPP;
			cn->addrs[cn->naddrs++].raw = optarg;
		}
	}
	if (argc - optind != 1 || *argv[optind] == '\0') {
		fputs(cmd_contacts_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	cn->name = argv[optind];
	if ((cfg = cli_config(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	for (i = 0; i < cn->naddrs; i++) {
		cn->addrs[i].address = contacts_normalize(cn->addrs[i].kind,
		    cn->addrs[i].raw, cfg->default_region, &cause);
		if (cn->addrs[i].address == NULL) {
			cli_err_safe(ctx, "invalid %s '%s': %s",
			    store_id_kind_name(cn->addrs[i].kind), cn->addrs[i].raw, cause);
			free(cause);
			return HARK_EXIT_USAGE;
		}
	}
	return HARK_EXIT_OK;
}

/* The contact and everything given for it, in one transaction. Returns 0,
 * -1 when the database failed, -2 when it refused what was given (an
 * address that belongs to someone else, a bad tag). */
static int
contacts_add_write(struct store *st, struct contacts_new *cn, int64_t *id,
    char **cause)
{
	int i;

	if (store_begin(st, cause) != 0)
		return -1;
	if (store_contact_add(st, cn->name, id, cause) != 0)
		goto fail;
	for (i = 0; i < cn->naddrs; i++) {
		if (store_identity_add(st, *id, cn->addrs[i].kind, cn->addrs[i].address,
		    NULL, cause) != 0)
			goto refused;
	}
	for (i = 0; i < cn->ntags; i++) {
		if (store_contact_tag(st, *id, cn->tags[i], 1, cause) != 0)
			goto refused;
	}
	if ((cn->company != NULL || cn->note != NULL) &&
	    store_contact_update(st, *id, NULL, cn->company, cn->note, cause) != 0)
		goto fail;
	return store_commit(st, cause);
refused:
	store_rollback(st);
	return -2;
fail:
	store_rollback(st);
	return -1;
}

static int
contacts_add(struct cli_ctx *ctx, int argc, char **argv)
{
	struct contacts_new cn;
	struct store *st;
	char *cause = NULL, *name;
	int64_t id;
	int rc, i, w;

	memset(&cn, 0, sizeof cn);
	rc = contacts_add_parse(ctx, argc, argv, &cn);
	if (rc == HARK_EXIT_OK && (st = cli_store(ctx)) == NULL)
		rc = HARK_EXIT_ERROR;
	if (rc == HARK_EXIT_OK && (w = contacts_add_write(st, &cn, &id, &cause)) != 0) {
		cli_err_safe(ctx, "%s", cause != NULL ? cause : "cannot add contact");
		rc = w == -2 ? HARK_EXIT_USAGE : HARK_EXIT_ERROR;
	} else if (rc == HARK_EXIT_OK) {
		name = cli_safe(cn.name, 0);
		printf("added %s (#%lld)\n", name, (long long)id);
		free(name);
	}
	free(cause);
	for (i = 0; i < cn.naddrs; i++)
		free(cn.addrs[i].address);
	return rc;
}

/* tags is the store's sorted, comma-separated list. */
static int
contacts_has_tag(const char *tags, const char *tag)
{
	size_t n = strlen(tag);
	const char *p = tags;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, tag, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	return 0;
}

static void
contacts_json_add(cJSON *o, const char *name, const char *raw)
{
	char *t;

	if (raw == NULL)
		return;
	t = cli_json_text(raw);
	cJSON_AddStringToObject(o, name, t);
	free(t);
}

static cJSON *
contacts_json(const struct store_contact *c)
{
	cJSON *o = cJSON_CreateObject(), *a, *id, *fields;
	char when[40], *tags, *tag, *t, *save = NULL;
	int i;

	cJSON_AddNumberToObject(o, "id", (double)c->id);
	contacts_json_add(o, "name", c->name);
	contacts_json_add(o, "company", c->company);
	contacts_json_add(o, "notes", c->notes);
	a = cJSON_AddArrayToObject(o, "identities");
	for (i = 0; i < c->nids; i++) {
		id = cJSON_CreateObject();
		cJSON_AddStringToObject(id, "kind", store_id_kind_name(c->ids[i].kind));
		contacts_json_add(id, "address", c->ids[i].address);
		contacts_json_add(id, "label", c->ids[i].label);
		cJSON_AddItemToArray(a, id);
	}
	a = cJSON_AddArrayToObject(o, "tags");
	tags = xstrdup(c->tags != NULL ? c->tags : "");
	for (tag = strtok_r(tags, ",", &save); tag != NULL;
	    tag = strtok_r(NULL, ",", &save)) {
		t = cli_json_text(tag);
		cJSON_AddItemToArray(a, cJSON_CreateString(t));
		free(t);
	}
	free(tags);
	fields = cJSON_Parse(c->fields != NULL ? c->fields : "{}");
	cJSON_AddItemToObject(o, "fields", fields != NULL ? fields : cJSON_CreateObject());
	if (c->last_activity > 0) {
		jsonl_time_format(c->last_activity, when, sizeof when);
		cJSON_AddStringToObject(o, "last_activity", when);
	} else
		cJSON_AddNullToObject(o, "last_activity");
	cJSON_AddNumberToObject(o, "unread", c->unread);
	contacts_json_add(o, "status", c->conv_status);
	return o;
}

static int
contacts_list_one(void *arg, const struct store_contact *c)
{
	struct contacts_list *cl = arg;
	char *t;
	int i;

	if (cl->tag != NULL && !contacts_has_tag(c->tags, cl->tag))
		return 0;
	if (cl->json != NULL) {
		cJSON_AddItemToArray(cl->json, contacts_json(c));
		return 0;
	}
	printf("#%-5lld ", (long long)c->id);
	cli_put_safe(stdout, c->name, 0);
	if (c->company != NULL) {
		t = cli_safe(c->company, 0);
		printf(" (%s)", t);
		free(t);
	}
	for (i = 0; i < c->nids; i++) {
		t = cli_safe(c->ids[i].address, 0);
		printf("%s%s", i == 0 ? "  " : ", ", t);
		free(t);
	}
	if (c->tags != NULL && *c->tags != '\0') {
		t = cli_safe(c->tags, 0);
		printf("  [%s]", t);
		free(t);
	}
	putchar('\n');
	return 0;
}

static int
contacts_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "tag", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct contacts_list cl = { 0 };
	struct store *st;
	char *cause = NULL;
	int c, json = 0;

	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "jt:", opts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == 't')
			cl.tag = optarg;
		else {
			fputs(cmd_contacts_usage, stderr);
			return HARK_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(cmd_contacts_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	cl.json = json ? cJSON_CreateArray() : NULL;
	if (store_contacts_each(st, contacts_list_one, &cl, &cause) != 0) {
		cli_err_safe(ctx, "%s", cause != NULL ? cause : "cannot list contacts");
		free(cause);
		cJSON_Delete(cl.json);
		return HARK_EXIT_ERROR;
	}
	if (cl.json != NULL)
		cli_json_print(stdout, cl.json, 0);
	return HARK_EXIT_OK;
}

int
cmd_contacts(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2) {
		fputs(cmd_contacts_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(cmd_contacts_usage, stdout);
		return HARK_EXIT_OK;
	}
	if (strcmp(argv[1], "add") == 0)
		return contacts_add(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "ls") == 0)
		return contacts_list(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return contacts_import(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "set") == 0)
		return contacts_set(ctx, argc - 1, argv + 1);
	cli_err_safe(ctx, "unknown subcommand '%s' (add, list or import)", argv[1]);
	return HARK_EXIT_USAGE;
}
