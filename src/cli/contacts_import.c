/* contacts_import.c — hark contacts import: contacts from CSV or vCard, one
 * record at a time, updating the contacts hark already has. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include <cjson/cJSON.h>

#include "hark/config.h"
#include "hark/core.h"
#include "hark/store.h"

#include "cli_int.h"
#include "cli_map.h"
#include "cli_text.h"
#include "cmd_usage.h"
#include "contacts_int.h"
#include "csv.h"
#include "vcard.h"

/* One contact as a file describes it. The strings belong to the parsed
 * file, or to owned when a cell had to be split. */
struct crec {
	int line;
	const char *name, *company, *notes;
	struct crec_addr {
		enum store_id_kind kind;
		const char *raw;
		const char *label;
		char *address;       /* normalised, owned */
	} *addrs;
	int naddrs;
	const char **tags;
	int ntags;
	const char **keys, **values;   /* custom fields */
	int nfields;
	char **owned;
	int nowned;
};

struct cimport {
	struct cli_ctx *ctx;
	struct store *st;
	const char *region;
	struct cli_map *by_name;   /* exact name → id, -1 when shared */
	long created, updated, rejected;
};

enum ccol { CCOL_NAME, CCOL_PHONE, CCOL_EMAIL, CCOL_WHATSAPP, CCOL_COMPANY,
	CCOL_TAGS, CCOL_NOTES, CCOL_FIELD };

static void crec_addr(struct crec *r, enum store_id_kind kind, const char *raw,
    const char *label);
static void crec_split(struct crec *r, const char *cell, enum ccol col);
static void crec_clear(struct crec *r);
static int cimport_name(void *arg, const struct store_contact *c);
static void cimport_name_put(struct cimport *ci, const char *name, int64_t id);
static int cimport_normalize(struct cimport *ci, struct crec *r);
static int cimport_find(struct cimport *ci, const struct crec *r, int64_t *id);
static int cimport_write(struct cimport *ci, const struct crec *r, int64_t *id,
    int *created, char **cause);
static void cimport_record(struct cimport *ci, struct crec *r);
static int cimport_csv(struct cimport *ci, const char *text, size_t len);
static enum ccol cimport_column(const char *header);
static void cimport_row(struct crec *r, const struct csv_record *hdr,
    const enum ccol *cols, const struct csv_record *row);
static void cimport_vcards(struct cimport *ci, const char *text, size_t len);

static void
crec_addr(struct crec *r, enum store_id_kind kind, const char *raw, const char *label)
{
	r->addrs = xreallocarray(r->addrs, (size_t)r->naddrs + 1, sizeof *r->addrs);
	r->addrs[r->naddrs].kind = kind;
	r->addrs[r->naddrs].raw = raw;
	r->addrs[r->naddrs].label = label;
	r->addrs[r->naddrs++].address = NULL;
}

/* A cell may hold several addresses or tags: "a@x.com; b@y.org". */
static void
crec_split(struct crec *r, const char *cell, enum ccol col)
{
	char *copy = xstrdup(cell), *w, *save = NULL, *end;

	r->owned = xreallocarray(r->owned, (size_t)r->nowned + 1, sizeof *r->owned);
	r->owned[r->nowned++] = copy;
	for (w = strtok_r(copy, ",;", &save); w != NULL; w = strtok_r(NULL, ",;", &save)) {
		w += strspn(w, " \t");
		for (end = w + strlen(w); end > w && (end[-1] == ' ' || end[-1] == '\t');)
			*--end = '\0';
		if (*w == '\0')
			continue;
		if (col == CCOL_TAGS) {
			r->tags = xreallocarray(r->tags, (size_t)r->ntags + 1, sizeof *r->tags);
			r->tags[r->ntags++] = w;
		} else
			crec_addr(r, col == CCOL_EMAIL ? STORE_ID_EMAIL : col == CCOL_PHONE ?
			    STORE_ID_PHONE : STORE_ID_WHATSAPP, w, NULL);
	}
}

static void
crec_clear(struct crec *r)
{
	int i;

	for (i = 0; i < r->naddrs; i++)
		free(r->addrs[i].address);
	for (i = 0; i < r->nowned; i++)
		free(r->owned[i]);
	free(r->addrs);
	free(r->tags);
	free(r->keys);
	free(r->values);
	free(r->owned);
	memset(r, 0, sizeof *r);
}

static int
cimport_name(void *arg, const struct store_contact *c)
{
	cimport_name_put(arg, c->name, c->id);
	return 0;
}

static void
cimport_name_put(struct cimport *ci, const char *name, int64_t id)
{
	int64_t old;

	if (cli_map_get(ci->by_name, name, &old))
		cli_map_put(ci->by_name, name, old == id ? id : -1);
	else
		cli_map_put(ci->by_name, name, id);
}

/* Normalises every address, naming each bad one; -1 when any was bad. */
static int
cimport_normalize(struct cimport *ci, struct crec *r)
{
	char *cause = NULL;
	int i, bad = 0;

	for (i = 0; i < r->naddrs; i++) {
		r->addrs[i].address = contacts_normalize(r->addrs[i].kind, r->addrs[i].raw,
		    ci->region, &cause);
		if (r->addrs[i].address != NULL)
			continue;
		cli_err_safe(ci->ctx, "line %d: invalid %s '%s': %s", r->line,
		    store_id_kind_name(r->addrs[i].kind), r->addrs[i].raw,
		    cause != NULL ? cause : "invalid");
		free(cause);
		cause = NULL;
		bad = 1;
	}
	return bad ? -1 : 0;
}

/* Who the record is: the owner of one of its addresses, else the only
 * contact with exactly its name. 1 found, 0 new, -1 error. */
static int
cimport_find(struct cimport *ci, const struct crec *r, int64_t *id)
{
	int i, found;

	for (i = 0; i < r->naddrs; i++) {
		found = store_contact_by_address(ci->st, r->addrs[i].kind,
		    r->addrs[i].address, id, NULL);
		if (found != 0)
			return found;
	}
	if (r->name != NULL && cli_map_get(ci->by_name, r->name, id) && *id > 0)
		return 1;
	return 0;
}

/* Everything the record says, in one transaction. */
static int
cimport_write(struct cimport *ci, const struct crec *r, int64_t *id, int *created,
    char **cause)
{
	const char *name = r->name != NULL ? r->name : r->addrs[0].address;
	int i, found = cimport_find(ci, r, id);

	*created = found == 0;
	if (found < 0 || store_begin(ci->st, cause) != 0)
		return -1;
	if (*created && store_contact_add(ci->st, name, id, cause) != 0)
		goto fail;
	for (i = 0; i < r->naddrs; i++) {
		if (store_identity_add(ci->st, *id, r->addrs[i].kind, r->addrs[i].address,
		    r->addrs[i].label, cause) != 0)
			goto fail;
	}
	if ((r->company != NULL || r->notes != NULL) &&
	    store_contact_update(ci->st, *id, NULL, r->company, r->notes, cause) != 0)
		goto fail;
	for (i = 0; i < r->ntags; i++) {
		if (store_contact_tag(ci->st, *id, r->tags[i], 1, cause) != 0)
			goto fail;
	}
	for (i = 0; i < r->nfields; i++) {
		if (store_contact_set_field(ci->st, *id, r->keys[i], r->values[i],
		    cause) != 0)
			goto fail;
	}
	if (store_commit(ci->st, cause) != 0)
		goto fail;
	if (*created)
		cimport_name_put(ci, name, *id);
	return 0;
fail:
	store_rollback(ci->st);
	return -1;
}

static void
cimport_record(struct cimport *ci, struct crec *r)
{
	char *cause = NULL;
	int64_t id;
	int created;

	if (r->name != NULL && *r->name == '\0')
		r->name = NULL;
	if (r->name == NULL && r->naddrs == 0) {
		cli_err(ci->ctx, "line %d: no name, phone or email", r->line);
		ci->rejected++;
		return;
	}
	if (cimport_normalize(ci, r) != 0) {
		ci->rejected++;
		return;
	}
	if (cimport_write(ci, r, &id, &created, &cause) != 0) {
		cli_err_safe(ci->ctx, "line %d: %s", r->line,
		    cause != NULL ? cause : "cannot store the contact");
		free(cause);
		ci->rejected++;
		return;
	}
	if (created)
		ci->created++;
	else
		ci->updated++;
}

static enum ccol
cimport_column(const char *header)
{
	static const struct {
		const char *name;
		enum ccol col;
	} known[] = {
		{ "name", CCOL_NAME }, { "full name", CCOL_NAME },
		{ "phone", CCOL_PHONE }, { "mobile", CCOL_PHONE },
		{ "email", CCOL_EMAIL }, { "e-mail", CCOL_EMAIL },
		{ "whatsapp", CCOL_WHATSAPP }, { "company", CCOL_COMPANY },
		{ "organization", CCOL_COMPANY }, { "tags", CCOL_TAGS },
		{ "notes", CCOL_NOTES }, { "note", CCOL_NOTES },
	};
	size_t i;

	for (i = 0; i < HARK_NELEM(known); i++) {
		if (hark_strcaseeq(header, known[i].name))
			return known[i].col;
	}
	return CCOL_FIELD;
}

/* Fills r from one CSV row under the header's columns. */
static void
cimport_row(struct crec *r, const struct csv_record *hdr, const enum ccol *cols,
    const struct csv_record *row)
{
	const char *v;
	size_t i;

	r->line = row->line;
	for (i = 0; i < hdr->n && i < row->n; i++) {
		v = row->fields[i];
		v += strspn(v, " \t");
		if (*v == '\0')
			continue;
		switch (cols[i]) {
		case CCOL_NAME: r->name = v; break;
		case CCOL_COMPANY: r->company = v; break;
		case CCOL_NOTES: r->notes = v; break;
		case CCOL_FIELD:
			r->keys = xreallocarray(r->keys, (size_t)r->nfields + 1, sizeof *r->keys);
			r->values = xreallocarray(r->values, (size_t)r->nfields + 1,
			    sizeof *r->values);
			r->keys[r->nfields] = hdr->fields[i];
			r->values[r->nfields++] = v;
			break;
		default:
			crec_split(r, v, cols[i]);
		}
	}
}

/* -1 when the file has no usable header row. */
static int
cimport_csv(struct cimport *ci, const char *text, size_t len)
{
	struct csv_reader rd;
	struct csv_record hdr = { 0 }, row = { 0 };
	struct crec r = { 0 };
	enum ccol *cols;
	char *cause = NULL;
	size_t i, known = 0;
	int rc;

	csv_reader_init(&rd, text, len);
	if (csv_read_record(&rd, &hdr, &cause) != 1) {
		cli_err_safe(ci->ctx, "%s", cause != NULL ? cause : "the file is empty");
		free(cause);
		return -1;
	}
	cols = xcalloc(hdr.n, sizeof *cols);
	for (i = 0; i < hdr.n; i++) {
		cols[i] = cimport_column(hdr.fields[i]);
		known += cols[i] <= CCOL_WHATSAPP;
	}
	if (known == 0) {
		cli_err(ci->ctx, "line 1 must name the columns: name, phone, email, "
		    "whatsapp, company, tags, notes, or any other field");
		csv_record_clear(&hdr);
		free(cols);
		return -1;
	}
	while ((rc = csv_read_record(&rd, &row, &cause)) == 1) {
		if (csv_record_blank(&row))
			continue;
		cimport_row(&r, &hdr, cols, &row);
		cimport_record(ci, &r);
		crec_clear(&r);
	}
	if (rc < 0) {
		cli_err_safe(ci->ctx, "%s; the rest of the file was not read", cause);
		free(cause);
		ci->rejected++;
	}
	csv_record_clear(&row);
	csv_record_clear(&hdr);
	free(cols);
	return 0;
}

static void
cimport_vcards(struct cimport *ci, const char *text, size_t len)
{
	struct vcard *cards;
	struct crec r = { 0 };
	int n = vcard_parse(text, len, &cards), i, j;

	for (i = 0; i < n; i++) {
		struct vcard *c = &cards[i];

		if (c->error != NULL) {
			cli_err(ci->ctx, "line %d: %s", c->line, c->error);
			ci->rejected++;
			continue;
		}
		r.line = c->line;
		r.name = vcard_name(c);
		r.company = c->org;
		r.notes = c->note;
		for (j = 0; j < c->ntels; j++)
			crec_addr(&r, STORE_ID_PHONE, c->tels[j].value, c->tels[j].type);
		for (j = 0; j < c->nemails; j++)
			crec_addr(&r, STORE_ID_EMAIL, c->emails[j].value, c->emails[j].type);
		for (j = 0; j < c->nwhatsapps; j++)
			crec_addr(&r, STORE_ID_WHATSAPP, c->whatsapps[j].value,
			    c->whatsapps[j].type);
		r.keys = xcalloc((size_t)c->nfields + 1, sizeof *r.keys);
		r.values = xcalloc((size_t)c->nfields + 1, sizeof *r.values);
		for (j = 0; j < c->nfields; j++) {
			r.keys[r.nfields] = c->field_keys[j];
			r.values[r.nfields++] = c->field_values[j];
		}
		r.tags = xcalloc((size_t)c->ncategories + 1, sizeof *r.tags);
		for (j = 0; j < c->ncategories; j++)
			r.tags[r.ntags++] = c->categories[j];
		cimport_record(ci, &r);
		crec_clear(&r);
	}
	vcard_free_all(cards, n);
}

int
contacts_import(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cimport ci = { 0 };
	struct config *cfg;
	char *text, *cause = NULL;
	size_t len;
	int rc = HARK_EXIT_OK;

	if (argc != 2 || (argv[1][0] == '-' && argv[1][1] != '\0')) {
		fputs(cmd_contacts_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((cfg = cli_config(ctx)) == NULL || (ci.st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	if ((text = cli_read_file(argv[1], &len, &cause)) == NULL) {
		cli_err_safe(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_ERROR;
	}
	ci.ctx = ctx;
	ci.region = cfg->default_region;
	ci.by_name = cli_map_new();
	if (store_contacts_each(ci.st, cimport_name, &ci, &cause) != 0) {
		cli_err_safe(ctx, "%s", cause != NULL ? cause : "cannot read contacts");
		free(cause);
		rc = HARK_EXIT_ERROR;
	} else if (vcard_detect(text, len))
		cimport_vcards(&ci, text, len);
	else if (cimport_csv(&ci, text, len) != 0)
		rc = HARK_EXIT_USAGE;
	free(text);
	cli_map_free(ci.by_name);
	if (rc != HARK_EXIT_OK)
		return rc;
	printf("imported %ld contact%s (%ld new, %ld updated), %ld record%s rejected\n",
	    ci.created + ci.updated, ci.created + ci.updated == 1 ? "" : "s",
	    ci.created, ci.updated, ci.rejected, ci.rejected == 1 ? "" : "s");
	return ci.rejected > 0 ? HARK_EXIT_PARTIAL : HARK_EXIT_OK;
}
