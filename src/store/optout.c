/* optout.c — who asked not to be contacted on which channel; checked before every send. */

#include "store_int.h"

/*
 * The opt-out is keyed by the address, not the contact: a number that said
 * STOP stays opted out even if it is later filed under another contact.
 * contact_id is only a convenience for listing.
 */
int
store_optout_set(struct store *st, enum hark_channel ch, const char *address,
    const char *source, const char *reason, int64_t at, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot record opt-out";

	if (address == NULL || *address == '\0' || source == NULL) {
		set_cause(cause, "%s: no address or source given", what);
		return -1;
	}
	stmt = store_stmt(st, "INSERT INTO opt_outs (channel, address, contact_id,"
	    " at, source, reason) VALUES (?1, ?2, (SELECT contact_id FROM identities"
	    " WHERE kind = ?3 AND address = ?2), ?4, ?5, ?6)"
	    " ON CONFLICT (channel, address) DO UPDATE SET at = excluded.at,"
	    " source = excluded.source, reason = excluded.reason,"
	    " contact_id = excluded.contact_id", what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, hark_channel_name(ch));
	store_bind_text(stmt, 2, address);
	store_bind_text(stmt, 3, store_id_kind_name(store_id_kind_for(ch)));
	sqlite3_bind_int64(stmt, 4, at ? at : hark_now_ms());
	store_bind_text(stmt, 5, source);
	store_bind_text(stmt, 6, reason);
	return store_step_done(st, stmt, what, cause);
}

int
store_optout_clear(struct store *st, enum hark_channel ch, const char *address,
    char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot clear opt-out";

	stmt = store_stmt(st, "DELETE FROM opt_outs WHERE channel = ?1"
	    " AND address = ?2", what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, hark_channel_name(ch));
	store_bind_text(stmt, 2, address);
	return store_step_done(st, stmt, what, cause);
}

/* *why reads "keyword: STOP", or just the source when no reason was kept. */
int
store_optout_check(struct store *st, enum hark_channel ch, const char *address,
    char **why, char **cause)
{
	sqlite3_stmt *stmt;
	const char *what = "cannot check opt-out";
	const char *reason;
	int rc;

	if (why != NULL)
		*why = NULL;
	stmt = store_stmt(st, "SELECT source, reason FROM opt_outs WHERE channel = ?1"
	    " AND address = ?2", what, cause);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, hark_channel_name(ch));
	store_bind_text(stmt, 2, address);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		reason = store_col_text(stmt, 1);
		if (why != NULL && reason != NULL && *reason != '\0')
			*why = xasprintf("%s: %s", store_col_text(stmt, 0), reason);
		else if (why != NULL)
			*why = store_col_strdup(stmt, 0);
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_err(st, cause, what);
	store_stmt_done(st, stmt);
	return rc;
}
