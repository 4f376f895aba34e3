/*
 * jsonl_record.c — the whole-record side of hark's JSON lines: a message
 * with its other columns, template, status history, attachments and call;
 * contact lines ({"type":"contact"}) with identities, tags, conversation
 * state and preferences; opt-out lines. `hark export` writes them and
 * `hark import` reads them back, so an export round-trips losslessly.
 *
 * Columns travel under their database names (struct store_xrow): integers
 * stay integers (times in nested rows are epoch milliseconds), text stays
 * text, and a contact's custom fields are written as the JSON object they are.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hark/core.h"
#include "hark/store.h"
#include "hark/util.h"

#include "jsonl.h"

/* Fields of a message line that jsonl_parse reads itself or that name a set. */
static const char *const jr_msg_fields[] = {
	"type", "channel", "contact", "contact_id", "address", "own_address",
	"direction", "timestamp", "subject", "body", "message_id", "in_reply_to",
	"references", "status", "provider", "provider_id", "error_code",
	"error_text", "price", "currency", "segments", "encoding", "sent_at",
	"delivered_at", "read_at", "scheduled_at", "seen", "template",
	"template_version", "status_history", "attachments", "call", "mail", NULL
};
static const char *const jr_contact_fields[] = {
	"type", "identities", "tags", "conversation", "preferences", NULL
};
static const char *const jr_template_fields[] = { "type", "versions", "variants", NULL };

/* The fields each row of a set must have (the database requires them). */
struct jr_need {
	const char *set;
	const char *fields[3];
};
static const struct jr_need jr_needs[] = {
	{ "status_history", { "status", "at", NULL } },
	{ "call", { "status", NULL, NULL } },
	{ "identities", { "kind", "address", NULL } },
	{ "versions", { "version", "created_at", NULL } },
	{ "variants", { "version", "name", NULL } },
};

static cJSON	*jr_val_json(const struct store_xval *v);
static void	 jr_add_row(cJSON *o, const struct store_xrow *r);
static void	 jr_add_sets(cJSON *o, const struct store_xset *sets, int n,
		     const struct store_message *m);
static int	 jr_history_is_default(const struct store_xset *set,
		     const struct store_message *m);
static void	 jr_print(cJSON *o, struct hbuf *out);
static void	*jr_own(struct jsonl_line *l, void *p);
static int	 jr_in(const char *const *list, const char *s);
static int	 jr_val_from(struct jsonl_line *l, const cJSON *v, struct store_xval *out);
static void	 jr_row_from(struct jsonl_line *l, const cJSON *obj,
		     const char *const *skip, int spare, struct store_xrow *row);
static int	 jr_sets_from(struct jsonl_line *l, const cJSON *root,
		     const char *const *names, struct store_xset *sets, int *nsets,
		     char **cause);
static int	 jr_need(const struct store_xset *set, char **cause);
static struct store_xval *jr_find(const struct store_xrow *r, const char *name);
static int	 jr_identities(struct jsonl_reader *r, struct jsonl_line *l,
		     struct store_xset *set, char **cause);

/* ---- writing --------------------------------------------------------------------- */

static cJSON *
jr_val_json(const struct store_xval *v)
{
	cJSON *j;

	switch (v->type) {
	case STORE_X_INT:
		return cJSON_CreateNumber((double)v->i);
	case STORE_X_REAL:
		return cJSON_CreateNumber(v->d);
	case STORE_X_TEXT:
		/* Custom fields are a JSON object kept as text: write the object. */
		if (strcmp(v->name, "fields") == 0) {
			j = cJSON_Parse(v->s);
			if (cJSON_IsObject(j))
				return j;
			cJSON_Delete(j);
		}
		return cJSON_CreateString(v->s);
	default:
		return cJSON_CreateNull();
	}
}

static void
jr_add_row(cJSON *o, const struct store_xrow *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		cJSON_AddItemToObject(o, r->v[i].name, jr_val_json(&r->v[i]));
}

/* One row saying the message's status at its creation is what every insert
 * writes anyway: leaving it out keeps a big export small. */
static int
jr_history_is_default(const struct store_xset *set, const struct store_message *m)
{
	const struct store_xrow *r = &set->rows[0];
	const struct store_xval *st, *at;

	if (m == NULL || strcmp(set->name, "status_history") != 0 || set->nrows != 1 ||
	    r->n != 2)
		return 0;
	st = jr_find(r, "status");
	at = jr_find(r, "at");
	return st != NULL && at != NULL && st->type == STORE_X_TEXT &&
	    strcmp(st->s, hark_status_name(m->status)) == 0 &&
	    at->type == STORE_X_INT && at->i == m->created_at;
}

static void
jr_add_sets(cJSON *o, const struct store_xset *sets, int n,
    const struct store_message *m)
{
	cJSON *a, *row;
	int i, j;

	for (i = 0; i < n; i++) {
		if (sets[i].nrows == 0 || jr_history_is_default(&sets[i], m))
			continue;
		if (sets[i].one) {
			row = cJSON_AddObjectToObject(o, sets[i].name);
			jr_add_row(row, &sets[i].rows[0]);
			continue;
		}
		a = cJSON_AddArrayToObject(o, sets[i].name);
		for (j = 0; j < sets[i].nrows; j++) {
			if (sets[i].list && sets[i].rows[j].n > 0) {
				cJSON_AddItemToArray(a, jr_val_json(&sets[i].rows[j].v[0]));
				continue;
			}
			row = cJSON_CreateObject();
			jr_add_row(row, &sets[i].rows[j]);
			cJSON_AddItemToArray(a, row);
		}
	}
}

static void
jr_print(cJSON *o, struct hbuf *out)
{
	char *text = cJSON_PrintUnformatted(o);

	if (text == NULL)
		hark_fatal("out of memory formatting JSON");
	hbuf_adds(out, text);
	hbuf_addc(out, '\n');
	cJSON_free(text);
	cJSON_Delete(o);
}

void
jsonl_format_xmessage(const struct store_xmessage *x, struct hbuf *out)
{
	cJSON *o = jsonl_message_json(&x->m, x->contact);

	cJSON_AddNumberToObject(o, "contact_id", (double)x->m.contact_id);
	if (x->template_name != NULL) {
		cJSON_AddStringToObject(o, "template", x->template_name);
		cJSON_AddNumberToObject(o, "template_version", x->template_version);
	}
	jr_add_row(o, &x->extra);
	jr_add_sets(o, x->sets, x->nsets, &x->m);
	jr_print(o, out);
}

void
jsonl_format_xcontact(const struct store_xcontact *c, struct hbuf *out)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", "contact");
	jr_add_row(o, &c->row);
	jr_add_sets(o, c->sets, c->nsets, NULL);
	jr_print(o, out);
}

void
jsonl_format_optout(const struct store_xrow *r, struct hbuf *out)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", "opt_out");
	jr_add_row(o, r);
	jr_print(o, out);
}

void
jsonl_format_xtemplate(const struct store_xtemplate *t, struct hbuf *out)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", "template");
	jr_add_row(o, &t->row);
	jr_add_sets(o, t->sets, t->nsets, NULL);
	jr_print(o, out);
}

/* ---- reading ---------------------------------------------------------------------- */

/* Keeps p until jsonl_line_clear. */
static void *
jr_own(struct jsonl_line *l, void *p)
{
	if (l->nowned == l->capowned) {
		l->capowned = l->capowned ? l->capowned * 2 : 16;
		l->owned = xreallocarray(l->owned, (size_t)l->capowned, sizeof *l->owned);
	}
	return l->owned[l->nowned++] = p;
}

static int
jr_in(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

static struct store_xval *
jr_find(const struct store_xrow *r, const char *name)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0)
			return &r->v[i];
	return NULL;
}

/* A JSON value as a column value: 1, or 0 for null (left out). */
static int
jr_val_from(struct jsonl_line *l, const cJSON *v, struct store_xval *out)
{
	memset(out, 0, sizeof *out);
	out->name = v->string;
	if (cJSON_IsNull(v))
		return 0;
	if (cJSON_IsBool(v)) {
		out->type = STORE_X_INT;
		out->i = cJSON_IsTrue(v);
	} else if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
	    fabs(v->valuedouble) <= 9007199254740991.0) {
		out->type = STORE_X_INT;
		out->i = (int64_t)v->valuedouble;
	} else if (cJSON_IsNumber(v)) {
		out->type = STORE_X_REAL;
		out->d = v->valuedouble;
	} else if (cJSON_IsString(v)) {
		out->type = STORE_X_TEXT;
		out->s = v->valuestring;
	} else {
		out->type = STORE_X_TEXT;
		out->s = jr_own(l, cJSON_PrintUnformatted(v));
		if (out->s == NULL)
			hark_fatal("out of memory formatting JSON");
	}
	return 1;
}

/* The members of obj but skip, as a row with room for spare more. */
static void
jr_row_from(struct jsonl_line *l, const cJSON *obj, const char *const *skip,
    int spare, struct store_xrow *row)
{
	const cJSON *v;
	int n = 0;

	cJSON_ArrayForEach(v, obj)
		n++;
	row->v = jr_own(l, xcalloc((size_t)(n + spare + 1), sizeof *row->v));
	row->n = 0;
	cJSON_ArrayForEach(v, obj) {
		if (v->string == NULL || (skip != NULL && jr_in(skip, v->string)))
			continue;
		if (jr_val_from(l, v, &row->v[row->n]))
			row->n++;
	}
}

static int
jr_need(const struct store_xset *set, char **cause)
{
	const struct store_xval *v;
	size_t i, k;
	int j;

	for (i = 0; i < HARK_NELEM(jr_needs); i++) {
		if (strcmp(jr_needs[i].set, set->name) != 0)
			continue;
		for (j = 0; j < set->nrows; j++)
			for (k = 0; k < 3 && jr_needs[i].fields[k] != NULL; k++) {
				v = jr_find(&set->rows[j], jr_needs[i].fields[k]);
				if (v == NULL) {
					set_cause(cause, "'%s' entry %d lacks '%s'",
					    set->name, j + 1, jr_needs[i].fields[k]);
					return -1;
				}
			}
	}
	return 0;
}

/* Each named member of root that is present: an object (one row), a list
 * of objects, or for tags a list of strings. */
static int
jr_sets_from(struct jsonl_line *l, const cJSON *root, const char *const *names,
    struct store_xset *sets, int *nsets, char **cause)
{
	struct store_xset *set;
	const cJSON *v, *e;
	int n;

	*nsets = 0;
	for (; *names != NULL; names++) {
		if ((v = cJSON_GetObjectItemCaseSensitive(root, *names)) == NULL ||
		    cJSON_IsNull(v))
			continue;
		set = &sets[(*nsets)++];
		set->name = *names;
		set->list = strcmp(*names, "tags") == 0;
		if (cJSON_IsObject(v) && !set->list) {
			set->one = 1;
			set->rows = jr_own(l, xcalloc(1, sizeof *set->rows));
			jr_row_from(l, v, NULL, 0, &set->rows[0]);
			set->nrows = 1;
		} else if (cJSON_IsArray(v)) {
			n = cJSON_GetArraySize(v);
			set->rows = jr_own(l, xcalloc((size_t)n + 1, sizeof *set->rows));
			cJSON_ArrayForEach(e, v) {
				struct store_xrow *r = &set->rows[set->nrows++];

				if (set->list && cJSON_IsString(e)) {
					r->v = jr_own(l, xcalloc(1, sizeof *r->v));
					r->v[0].name = "tag";
					r->v[0].type = STORE_X_TEXT;
					r->v[0].s = e->valuestring;
					r->n = 1;
				} else if (!set->list && cJSON_IsObject(e))
					jr_row_from(l, e, NULL, 0, r);
				else {
					set_cause(cause, "field '%s' must be a list of %s",
					    *names, set->list ? "strings" : "objects");
					return -1;
				}
			}
		} else {
			set_cause(cause, "field '%s' must be %s", *names, set->list ?
			    "a list of strings" : "an object or a list of objects");
			return -1;
		}
		if (jr_need(set, cause) != 0)
			return -1;
	}
	return 0;
}

int
jsonl_parse_extras(struct jsonl_reader *r, struct jsonl_line *out, char **cause)
{
	const cJSON *v;
	const char *tmpl;

	v = cJSON_GetObjectItemCaseSensitive(out->root, "contact_id");
	if (cJSON_IsNumber(v) && v->valuedouble > 0)
		out->contact_ref = (int64_t)v->valuedouble;
	tmpl = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out->root,
	    "template"));
	v = cJSON_GetObjectItemCaseSensitive(out->root, "template_version");
	if (tmpl != NULL && cJSON_IsNumber(v)) {
		out->x.template_name = tmpl;
		out->x.template_version = (int)v->valuedouble;
	}
	jr_row_from(out, out->root, jr_msg_fields, 0, &out->x.extra);
	return jr_sets_from(out, out->root, store_xmessage_sets, out->x.sets,
	    &out->x.nsets, cause);
}

/* Identities are normalised as message addresses are, and must be of a
 * kind hark knows. */
static int
jr_identities(struct jsonl_reader *r, struct jsonl_line *l, struct store_xset *set,
    char **cause)
{
	static const enum hark_channel ch[] = { HARK_CH_SMS, HARK_CH_WHATSAPP,
	    HARK_CH_EMAIL };
	struct store_xval *kind, *addr;
	char *norm, *why = NULL;
	int j, k;

	for (j = 0; j < set->nrows; j++) {
		kind = jr_find(&set->rows[j], "kind");
		addr = jr_find(&set->rows[j], "address");
		for (k = 0; k < 3; k++)
			if (kind->type == STORE_X_TEXT &&
			    strcmp(kind->s, store_id_kind_name((enum store_id_kind)k)) == 0)
				break;
		if (k == 3 || addr->type != STORE_X_TEXT) {
			set_cause(cause, "identity %d: kind must be phone, whatsapp or "
			    "email, with an address", j + 1);
			return -1;
		}
		norm = addr_normalize(ch[k], addr->s, jsonl_reader_region(r), &why);
		if (norm == NULL) {
			set_cause(cause, "bad address '%.60s': %s", addr->s,
			    why != NULL ? why : "invalid");
			free(why);
			return -1;
		}
		addr->s = jr_own(l, norm);
	}
	return 0;
}

int
jsonl_parse_contact(struct jsonl_reader *r, struct jsonl_line *out, char **cause)
{
	const char *name;
	struct store_xval *v;
	int i;

	name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out->root, "name"));
	if (name == NULL || *name == '\0' || !utf8_valid(name, strlen(name))) {
		set_cause(cause, "a contact line needs a 'name'");
		return -1;
	}
	out->contact = name;
	jr_row_from(out, out->root, jr_contact_fields, 2, &out->c.row);
	if ((v = jr_find(&out->c.row, "id")) != NULL && v->type == STORE_X_INT)
		out->contact_ref = v->i;
	for (i = 0; i < 2; i++) {
		const char *when = i == 0 ? "created_at" : "updated_at";

		if (jr_find(&out->c.row, when) != NULL)
			continue;
		v = &out->c.row.v[out->c.row.n++];
		v->name = when;
		v->type = STORE_X_INT;
		v->i = hark_now_ms();
	}
	if (jr_sets_from(out, out->root, store_xcontact_sets, out->c.sets,
	    &out->c.nsets, cause) != 0)
		return -1;
	for (i = 0; i < out->c.nsets; i++)
		if (strcmp(out->c.sets[i].name, "identities") == 0 &&
		    jr_identities(r, out, &out->c.sets[i], cause) != 0)
			return -1;
	return 0;
}

int
jsonl_parse_optout(struct jsonl_reader *r, struct jsonl_line *out, char **cause)
{
	static const char *const skip[] = { "type", NULL };
	static const char *const need[] = { "channel", "address", "at", "source", NULL };
	const struct store_xval *v;
	enum hark_channel ch;
	size_t i;

	jr_row_from(out, out->root, skip, 0, &out->optout);
	for (i = 0; need[i] != NULL; i++)
		if (jr_find(&out->optout, need[i]) == NULL) {
			set_cause(cause, "an opt-out line needs '%s'", need[i]);
			return -1;
		}
	v = jr_find(&out->optout, "channel");
	if (v->type != STORE_X_TEXT || hark_channel_parse(v->s, &ch) != 0) {
		set_cause(cause, "an opt-out line needs a known 'channel'");
		return -1;
	}
	if ((v = jr_find(&out->optout, "contact_id")) != NULL && v->type == STORE_X_INT)
		out->contact_ref = v->i;
	return 0;
}

int
jsonl_parse_template(struct jsonl_reader *r, struct jsonl_line *out, char **cause)
{
	const char *name;

	name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out->root, "name"));
	if (name == NULL || *name == '\0') {
		set_cause(cause, "a template line needs a 'name'");
		return -1;
	}
	jr_row_from(out, out->root, jr_template_fields, 0, &out->t.row);
	if (jr_find(&out->t.row, "created_at") == NULL) {
		set_cause(cause, "a template line needs 'created_at'");
		return -1;
	}
	return jr_sets_from(out, out->root, store_xtemplate_sets, out->t.sets,
	    &out->t.nsets, cause);
}
