/* schema_routing.c — migration 4: routing: contact preferences, bulk sends and their recipients, fallback chains. */

#include "store_int.h"

/*
 * preferences (migration 1) gains the period of its frequency cap and a
 * time of change. A bulk send is one row plus one row per recipient, all
 * written before the first message: a restart resumes from the recipients'
 * states, and each message's idempotency key is made of the bulk id and the
 * contact id, so no recipient is messaged twice. route_watch lists the sent
 * messages that have a fallback channel still to try; fallback_of links a
 * fallback message to the one that failed.
 */
/* Never edit a released migration: add a new one (see schema.c). */
const char *const store_migration4[] = {
	"ALTER TABLE preferences ADD COLUMN cap_period TEXT"
	"  CHECK (cap_period IN ('day','week'));",
	"ALTER TABLE preferences ADD COLUMN updated_at INTEGER;",
	"CREATE INDEX opt_outs_contact ON opt_outs(contact_id) WHERE contact_id IS NOT NULL;",
	"ALTER TABLE messages ADD COLUMN fallback_of INTEGER REFERENCES messages(id);",
	/* ENGINE_SEND_* flags the outbox needs when the job comes due:
	 * sent by a person now, quiet hours or the cap overridden. */
	"ALTER TABLE messages ADD COLUMN route_flags INTEGER NOT NULL DEFAULT 0;",
	"CREATE INDEX messages_fallback_of ON messages(fallback_of)"
	"  WHERE fallback_of IS NOT NULL;",
	"CREATE TABLE bulks ("
	"  id INTEGER PRIMARY KEY,"
	"  template TEXT NOT NULL,"
	"  channel TEXT NOT NULL CHECK (channel IN ('sms','whatsapp','email')),"
	"  segment TEXT NOT NULL,"           /* "tag:buyer" or the filter expression */
	"  account TEXT,"
	"  state TEXT NOT NULL CHECK (state IN"
	"    ('running','paused','canceled','done')),"
	"  total INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);",
	/* state: pending (not yet written to the outbox), deferred (until
	 * next_at), queued (its message is in the outbox: message_id), skipped
	 * (never sent: reason), canceled. */
	"CREATE TABLE bulk_recipients ("
	"  bulk_id INTEGER NOT NULL REFERENCES bulks(id) ON DELETE CASCADE,"
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN"
	"    ('pending','deferred','queued','skipped','canceled')),"
	"  reason TEXT,"
	"  next_at INTEGER,"
	"  message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,"
	"  PRIMARY KEY (bulk_id, contact_id)) WITHOUT ROWID;",
	"CREATE INDEX bulk_recipients_next ON bulk_recipients(bulk_id, state, seq);",
	"CREATE TABLE route_watch ("
	"  message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,"
	"  due_at INTEGER NOT NULL);",   /* still undelivered then: fall back */
	"CREATE INDEX route_watch_due ON route_watch(due_at);",
	NULL
};
