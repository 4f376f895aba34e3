/* resolve.c — turning what a person typed ("#12", "+14155550100", "ann") into one contact. */

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* How many names an ambiguity message lists before "…". */
#define RESOLVE_LIST_MAX 5

struct matches {
	int n;
	int64_t id;          /* the first match */
	struct hbuf names;   /* the first RESOLVE_LIST_MAX names, comma-separated */
};

static int	resolve_id(struct store *st, const char *query, int64_t *id,
		    char **cause);
static int	resolve_run(struct store *st, const char *sql, const char *param,
		    struct matches *m, char **cause);
static char	*like_prefix(const char *s);
static int	resolve_pick(const char *query, struct matches *m, int64_t *id,
		    char **cause);

char *
store_contact_name(struct store *st, int64_t id)
{
	sqlite3_stmt *stmt;
	char *name = NULL;

	stmt = store_stmt(st, "SELECT name FROM contacts WHERE id = ?1", "", NULL);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		name = store_col_strdup(stmt, 0);
	store_stmt_done(st, stmt);
	return name;
}

/* "#12": 1 when the query is of that form (and *id then checked), 0 when not. */
static int
resolve_id(struct store *st, const char *query, int64_t *id, char **cause)
{
	char *end, *name;
	long long n;

	if (query[0] != '#' || query[1] < '0' || query[1] > '9')
		return 0;
	n = strtoll(query + 1, &end, 10);
	if (*end != '\0')
		return 0;
	if ((name = store_contact_name(st, n)) == NULL) {
		set_cause(cause, "no contact #%lld", n);
		return -1;
	}
	free(name);
	*id = n;
	return 1;
}

static int
resolve_run(struct store *st, const char *sql, const char *param,
    struct matches *m, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot find contact";
	int rc;

	m->n = 0;
	hbuf_reset(&m->names);
	if ((stmt = store_stmt(st, sql, what, cause)) == NULL)
		return -1;
	store_bind_text(stmt, 1, param);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (m->n == 0)
			m->id = sqlite3_column_int64(stmt, 0);
		if (m->n < RESOLVE_LIST_MAX) {
			if (m->n > 0)
				hbuf_adds(&m->names, ", ");
			hbuf_adds(&m->names, store_col_text(stmt, 1));
		} else if (m->n == RESOLVE_LIST_MAX)
			hbuf_adds(&m->names, ", …");
		m->n++;
	}
	if (rc != SQLITE_DONE)
		store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The LIKE pattern for names starting with s, wildcards in s escaped. */
static char *
like_prefix(const char *s)
{
	struct hbuf b = HBUF_INIT;

	for (; *s != '\0'; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			hbuf_addc(&b, '\\');
		hbuf_addc(&b, *s);
	}
	hbuf_addc(&b, '%');
	return hbuf_steal(&b);
}

/* 1 picked, 0 nothing matched, -1 ambiguous (cause set). */
static int
resolve_pick(const char *query, struct matches *m, int64_t *id, char **cause)
{
	if (m->n == 0)
		return 0;
	if (m->n == 1) {
		*id = m->id;
		return 1;
	}
	set_cause(cause, "'%s' matches %d contacts: %s", query, m->n,
	    hbuf_str(&m->names));
	return -1;
}

/*
 * Most specific first: an id, an address, a whole name, then the start of
 * a name. Each step that matches several contacts stops with the list, so
 * a message never goes to a guess.
 */
int
store_contact_resolve(struct store *st, const char *query, int64_t *id, char **cause)
{
	struct matches m = { 0, 0, HBUF_INIT };
	char *pattern;
	int rc;

	if (query == NULL || *query == '\0') {
		set_cause(cause, "no contact matches ''");
		return -1;
	}
	if ((rc = resolve_id(st, query, id, cause)) != 0)
		return rc == 1 ? 0 : -1;

	rc = resolve_run(st, "SELECT DISTINCT c.id, c.name FROM identities i"
	    " JOIN contacts c ON c.id = i.contact_id WHERE i.kind IN"
	    " ('phone', 'whatsapp', 'email') AND i.address = ?1 ORDER BY c.id",
	    query, &m, cause);
	if (rc == 0)
		rc = resolve_pick(query, &m, id, cause);
	if (rc == 0 && (rc = resolve_run(st, "SELECT id, name FROM contacts WHERE"
	    " name = ?1 COLLATE NOCASE ORDER BY id", query, &m, cause)) == 0)
		rc = resolve_pick(query, &m, id, cause);
	if (rc == 0) {
		pattern = like_prefix(query);
		rc = resolve_run(st, "SELECT id, name FROM contacts WHERE name LIKE ?1"
		    " ESCAPE '\\' ORDER BY name COLLATE NOCASE, id", pattern, &m, cause);
		free(pattern);
		if (rc == 0)
			rc = resolve_pick(query, &m, id, cause);
	}
	hbuf_free(&m.names);
	if (rc == 0) {
		set_cause(cause, "no contact matches '%s'", query);
		return -1;
	}
	return rc == 1 ? 0 : -1;
}
