/* schema_rules.c — migration 5: automation rules: what fired for whom and when (once per period, sequences). */

#include "store_int.h"

/* Epoch milliseconds in SQL, for the triggers (unixepoch('subsec') is newer
 * than Debian's SQLite). */
#define NOW_MS "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)"

/*
 * The rules engine (src/engine/rules_run.c) reads the events journal from
 * its own cursor, so a rule hears every change whichever process made it.
 * Tag and state changes had no journal event: the triggers below add one
 * ("contact-changed", payload "tag-added lead", "tag-removed lead",
 * "state done") in the same transaction as the change, from the CLI, the
 * TUI, an import or a rule alike. rules keeps whether a rule is enabled
 * (`hark rules enable|disable`); rule_log what each rule did or skipped and
 * why (the messages a rule sent carry their id there, which is how rule
 * sends are told apart); rule_timers what is due later (no-reply waits,
 * sequence steps, schedules), so that they survive a restart.
 */
/* Never edit a released migration: add a new one (see schema.c). */
const char *const store_migration5[] = {
	"CREATE TABLE rule_log ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  rule TEXT NOT NULL,"
	"  contact_id INTEGER NOT NULL DEFAULT 0,"
	"  step INTEGER NOT NULL DEFAULT 0,"
	"  outcome TEXT NOT NULL CHECK (outcome IN ('fired','skipped')),"
	"  message_id INTEGER,"            /* the message this step sent */
	"  detail TEXT);",
	"CREATE INDEX rule_log_rule ON rule_log(rule, contact_id, at);",
	"CREATE INDEX rule_log_contact ON rule_log(contact_id, at);",
	"CREATE INDEX rule_log_message ON rule_log(message_id)"
	"  WHERE message_id IS NOT NULL;",
	"CREATE TABLE rule_timers ("
	"  id INTEGER PRIMARY KEY,"
	"  rule TEXT NOT NULL,"
	"  contact_id INTEGER NOT NULL DEFAULT 0,"   /* 0: a schedule */
	"  step INTEGER NOT NULL DEFAULT 0,"
	"  due_at INTEGER NOT NULL,"
	"  since_at INTEGER NOT NULL,"               /* "unless replied": since then */
	"  ref INTEGER NOT NULL DEFAULT 0,"          /* the message or event it is about */
	"  channel TEXT,"
	"  spec TEXT,"                               /* a schedule as written */
	"  UNIQUE (rule, contact_id, step, ref));",
	"CREATE INDEX rule_timers_due ON rule_timers(due_at);",
	"CREATE TABLE rule_cursor ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  event_id INTEGER NOT NULL);",
	"CREATE TRIGGER rules_tag_added AFTER INSERT ON contact_tags BEGIN"
	"  INSERT INTO events (at, kind, contact_id, payload) VALUES (" NOW_MS ","
	"  'contact-changed', NEW.contact_id, 'tag-added ' || NEW.tag); END;",
	"CREATE TRIGGER rules_tag_removed AFTER DELETE ON contact_tags BEGIN"
	"  INSERT INTO events (at, kind, contact_id, payload) VALUES (" NOW_MS ","
	"  'contact-changed', OLD.contact_id, 'tag-removed ' || OLD.tag); END;",
	"CREATE TRIGGER rules_state AFTER UPDATE OF status ON conversations"
	"  WHEN OLD.status IS NOT NEW.status BEGIN"
	"  INSERT INTO events (at, kind, contact_id, payload) VALUES (" NOW_MS ","
	"  'contact-changed', NEW.contact_id, 'state ' || NEW.status); END;",
	NULL
};
