/* template_variants.c — a template version's A/B variants, and the template a message was rendered from. */

#include <stdlib.h>
#include <string.h>

#include "hark/template.h"
#include "store_int.h"

/* The bodies of a variant, in column order after name and weight. */
#define TPLV_NBODIES 5

#define TPLV_MAX 26
#define TPLV_WEIGHT_MAX 1000000

static void	tplv_bodies(const struct store_variant *v,
		    const char *out[TPLV_NBODIES]);
static void	tplv_from_row(sqlite3_stmt *stmt, struct store_variant *v);
static int	tplv_check_one(const struct store_template *t,
		    const struct store_variant *v, char **cause);

static const char *const tplv_body_names[TPLV_NBODIES] = { "sms body",
	"whatsapp body", "email subject", "email text", "email html" };

/* The bodies of v with "" as NULL (no body: the version's own is used). */
static void
tplv_bodies(const struct store_variant *v, const char *out[TPLV_NBODIES])
{
	int i;

	out[0] = v->sms_body;
	out[1] = v->whatsapp_body;
	out[2] = v->email_subject;
	out[3] = v->email_text;
	out[4] = v->email_html;
	for (i = 0; i < TPLV_NBODIES; i++) {
		if (out[i] != NULL && *out[i] == '\0')
			out[i] = NULL;
	}
}

static void
tplv_from_row(sqlite3_stmt *stmt, struct store_variant *v)
{
	memset(v, 0, sizeof *v);
	v->name = store_col_strdup(stmt, 0);
	v->weight = sqlite3_column_int(stmt, 1);
	v->sms_body = store_col_strdup(stmt, 2);
	v->whatsapp_body = store_col_strdup(stmt, 3);
	v->email_subject = store_col_strdup(stmt, 4);
	v->email_text = store_col_strdup(stmt, 5);
	v->email_html = store_col_strdup(stmt, 6);
}

void
tplv_free(struct store_template *t)
{
	struct store_variant *v;
	int i;

	for (i = 0; i < t->nvariants; i++) {
		v = &t->variants[i];
		free(v->name);
		free(v->sms_body);
		free(v->whatsapp_body);
		free(v->email_subject);
		free(v->email_text);
		free(v->email_html);
	}
	free(t->variants);
	t->variants = NULL;
	t->nvariants = 0;
}

static int
tplv_check_one(const struct store_template *t, const struct store_variant *v,
    char **cause)
{
	const char *b[TPLV_NBODIES];
	struct template *parsed;
	char *why = NULL;
	int i;

	if (v->name == NULL || v->name[0] == '\0' ||
	    strcspn(v->name, " \t\r\n,") != strlen(v->name) || strlen(v->name) > 32) {
		set_cause(cause, "template '%s': a variant needs a name of one word "
		    "(at most 32 characters)", t->name);
		return -1;
	}
	if (v->weight < 0 || v->weight > TPLV_WEIGHT_MAX) {
		set_cause(cause, "template '%s': variant %s: the weight must be 0 to "
		    "%d", t->name, v->name, TPLV_WEIGHT_MAX);
		return -1;
	}
	tplv_bodies(v, b);
	for (i = 0; i < TPLV_NBODIES; i++) {
		if (b[i] == NULL)
			continue;
		if ((parsed = template_parse(b[i], strlen(b[i]), &why)) == NULL) {
			set_cause(cause, "template '%s': variant %s: %s: %s", t->name,
			    v->name, tplv_body_names[i], why);
			free(why);
			return -1;
		}
		template_free(parsed);
	}
	return 0;
}

int
tplv_check(const struct store_template *t, char **cause)
{
	int i, j, positive = 0;

	if (t->nvariants == 1) {
		set_cause(cause, "template '%s': an A/B test needs at least two "
		    "variants", t->name);
		return -1;
	}
	if (t->nvariants > TPLV_MAX) {
		set_cause(cause, "template '%s': at most %d variants", t->name,
		    TPLV_MAX);
		return -1;
	}
	for (i = 0; i < t->nvariants; i++) {
		if (tplv_check_one(t, &t->variants[i], cause) != 0)
			return -1;
		for (j = 0; j < i; j++) {
			if (strcmp(t->variants[j].name, t->variants[i].name) == 0) {
				set_cause(cause, "template '%s': variant %s is "
				    "declared twice", t->name, t->variants[i].name);
				return -1;
			}
		}
		positive += t->variants[i].weight > 0;
	}
	if (t->nvariants > 0 && positive == 0) {
		set_cause(cause, "template '%s': every variant has weight 0", t->name);
		return -1;
	}
	return 0;
}

int
tplv_load(struct store *st, struct store_template *t, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read template variants";
	int rc;

	t->variants = NULL;
	t->nvariants = 0;
	stmt = store_stmt(st, "SELECT name, weight, sms_body, whatsapp_body,"
	    " email_subject, email_text, email_html FROM template_variants"
	    " WHERE template_version_id = ?1 ORDER BY name", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, t->version_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		t->variants = xreallocarray(t->variants, (size_t)t->nvariants + 1,
		    sizeof *t->variants);
		tplv_from_row(stmt, &t->variants[t->nvariants++]);
	}
	if (store_each_end(st, stmt, rc, what, cause) != 0) {
		tplv_free(t);
		return -1;
	}
	return 0;
}

int
tplv_insert(struct store *st, int64_t version_id, const struct store_template *t,
    char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot save template variants";
	const char *b[TPLV_NBODIES];
	int i, j;

	for (i = 0; i < t->nvariants; i++) {
		stmt = store_stmt(st, "INSERT INTO template_variants"
		    " (template_version_id, name, weight, sms_body, whatsapp_body,"
		    " email_subject, email_text, email_html) VALUES (?1, ?2, ?3, ?4,"
		    " ?5, ?6, ?7, ?8)", what, cause);
		if (stmt == NULL)
			return -1;
		tplv_bodies(&t->variants[i], b);
		sqlite3_bind_int64(stmt, 1, version_id);
		store_bind_text(stmt, 2, t->variants[i].name);
		sqlite3_bind_int(stmt, 3, t->variants[i].weight);
		for (j = 0; j < TPLV_NBODIES; j++)
			store_bind_text(stmt, 4 + j, b[j]);
		if (store_step_done(st, stmt, what, cause) != 0)
			return -1;
	}
	return 0;
}

/* Whether t's variants equal the stored ones of version_id (any order). */
int
tplv_same(struct store *st, int64_t version_id, const struct store_template *t,
    char **cause)
{
	struct store_template cur;
	const char *a[TPLV_NBODIES], *b[TPLV_NBODIES];
	int i, j, k, same;

	memset(&cur, 0, sizeof cur);
	cur.version_id = version_id;
	if (tplv_load(st, &cur, cause) != 0)
		return -1;
	same = cur.nvariants == t->nvariants;
	for (i = 0; same && i < t->nvariants; i++) {
		for (j = 0; j < cur.nvariants; j++) {
			if (strcmp(cur.variants[j].name, t->variants[i].name) == 0)
				break;
		}
		if (j == cur.nvariants ||
		    cur.variants[j].weight != t->variants[i].weight) {
			same = 0;
			break;
		}
		tplv_bodies(&cur.variants[j], a);
		tplv_bodies(&t->variants[i], b);
		for (k = 0; k < TPLV_NBODIES; k++) {
			if ((a[k] == NULL) != (b[k] == NULL) ||
			    (a[k] != NULL && strcmp(a[k], b[k]) != 0))
				same = 0;
		}
	}
	tplv_free(&cur);
	return same;
}

/* ---- what templates read of messages ----------------------------------------------- */

int
store_message_template_set(struct store *st, int64_t message_id,
    int64_t version_id, const char *variant, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot record the message's template";

	stmt = store_stmt(st, "UPDATE messages SET template_version_id = ?2,"
	    " variant = ?3 WHERE id = ?1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, message_id);
	store_bind_opt(stmt, 2, version_id);
	store_bind_text(stmt, 3, variant != NULL && *variant != '\0' ? variant : NULL);
	return store_step_done(st, stmt, what, cause);
}

int
store_message_template_get(struct store *st, int64_t message_id,
    int64_t *version_id, char **variant, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read the message's template";
	int rc;

	*version_id = 0;
	*variant = NULL;
	stmt = store_stmt(st, "SELECT template_version_id, variant FROM messages"
	    " WHERE id = ?1 AND template_version_id IS NOT NULL", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, message_id);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*version_id = sqlite3_column_int64(stmt, 0);
		*variant = store_col_strdup(stmt, 1);
	}
	return store_read_end(st, stmt, rc, what, cause);
}

int
store_last_inbound_any(struct store *st, int64_t contact_id, int64_t *at,
    enum hark_channel *ch, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot read the last inbound message";
	int rc;

	/* One walk back along messages_contact_time, whatever the channel. */
	stmt = store_stmt(st, "SELECT created_at, channel FROM messages"
	    " WHERE contact_id = ?1 AND direction = 'in'"
	    " ORDER BY created_at DESC LIMIT 1", what, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, contact_id);
	*at = 0;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*at = sqlite3_column_int64(stmt, 0);
		if (hark_channel_parse(store_col_text(stmt, 1), ch) != 0)
			*ch = HARK_CH_SMS;
	}
	return store_each_end(st, stmt, rc, what, cause);
}
