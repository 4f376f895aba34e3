/* schema.c — the numbered migrations that create and upgrade hark's database. */

#include "store_int.h"

/*
 * Each migration runs once, in order, inside one transaction, and sets
 * PRAGMA user_version to its number. Never edit a released migration: add a
 * new one. Times are UTC epoch milliseconds; money is integer micro-units
 * plus an ISO 4217 currency. A migration is a NULL-terminated list of
 * statements, one string each: C99 compilers need only take string literals
 * of 4095 bytes, and the whole model is longer than that.
 */
/* 1: the whole data model of DESIGN.md. */
static const char *const migration1[] = {
	"CREATE TABLE contacts ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  company TEXT,"
	"  notes TEXT,"
	"  fields TEXT NOT NULL DEFAULT '{}',"       /* JSON object of custom fields */
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);",
	"CREATE INDEX contacts_name ON contacts(name COLLATE NOCASE);",
	"CREATE TABLE contact_tags ("
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,"
	"  tag TEXT NOT NULL,"
	"  PRIMARY KEY (contact_id, tag)) WITHOUT ROWID;",
	"CREATE INDEX contact_tags_tag ON contact_tags(tag);",
	/* kind: 'phone' (sms, voice), 'whatsapp', 'email'; phone numbers in E.164. */
	"CREATE TABLE identities ("
	"  id INTEGER PRIMARY KEY,"
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('phone','whatsapp','email')),"
	"  address TEXT NOT NULL,"
	"  label TEXT,"
	"  UNIQUE (kind, address));",
	"CREATE INDEX identities_contact ON identities(contact_id);",
	/* One unified conversation per contact. */
	"CREATE TABLE conversations ("
	"  id INTEGER PRIMARY KEY,"
	"  contact_id INTEGER NOT NULL UNIQUE REFERENCES contacts(id) ON DELETE CASCADE,"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','snoozed','done')),"
	"  snooze_until INTEGER,"
	"  unread INTEGER NOT NULL DEFAULT 0,"
	"  last_activity INTEGER NOT NULL DEFAULT 0,"
	"  channels INTEGER NOT NULL DEFAULT 0);",     /* bit 1 << hark_channel per channel used */
	"CREATE INDEX conversations_activity ON conversations(last_activity);",
	"CREATE TABLE templates ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  category TEXT,"
	"  current_version INTEGER NOT NULL DEFAULT 1,"
	"  created_at INTEGER NOT NULL,"
	"  deleted_at INTEGER);",
	"CREATE TABLE template_versions ("
	"  id INTEGER PRIMARY KEY,"
	"  template_id INTEGER NOT NULL REFERENCES templates(id) ON DELETE CASCADE,"
	"  version INTEGER NOT NULL,"
	"  sms_body TEXT, whatsapp_body TEXT, whatsapp_content_sid TEXT,"
	"  email_subject TEXT, email_text TEXT, email_html TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (template_id, version));",
	"CREATE TABLE template_variants ("
	"  id INTEGER PRIMARY KEY,"
	"  template_version_id INTEGER NOT NULL REFERENCES template_versions(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  weight INTEGER NOT NULL DEFAULT 1,"
	"  sms_body TEXT, whatsapp_body TEXT, email_subject TEXT, email_text TEXT,"
	"  UNIQUE (template_version_id, name));",
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
	"  channel TEXT NOT NULL CHECK (channel IN ('sms','whatsapp','email','voice')),"
	"  direction TEXT NOT NULL CHECK (direction IN ('in','out')),"
	"  provider TEXT NOT NULL,"
	"  provider_id TEXT,"
	"  from_addr TEXT NOT NULL DEFAULT '',"
	"  to_addr TEXT NOT NULL DEFAULT '',"
	"  subject TEXT,"
	"  body TEXT NOT NULL DEFAULT '',"
	"  status TEXT NOT NULL,"
	"  error_code TEXT,"
	"  error_text TEXT,"
	"  price_micros INTEGER,"
	"  currency TEXT,"
	"  segments INTEGER,"
	"  encoding TEXT,"
	"  created_at INTEGER NOT NULL,"   /* when written, or the original timestamp on import */
	"  sent_at INTEGER,"
	"  delivered_at INTEGER,"
	"  read_at INTEGER,"
	"  scheduled_at INTEGER,"
	"  template_version_id INTEGER REFERENCES template_versions(id),"
	"  variant TEXT,"
	"  message_id TEXT,"               /* RFC 5322 Message-ID */
	"  in_reply_to TEXT,"
	"  refs TEXT,"
	"  seen INTEGER NOT NULL DEFAULT 1,"
	/* created_at * 2^20 + n: unique, and in time order, so that full-text
	 * search can walk its index newest first (see search.c). */
	"  sort_key INTEGER NOT NULL);",
	"CREATE UNIQUE INDEX messages_sort_key ON messages(sort_key);",
	"CREATE UNIQUE INDEX messages_provider_id ON messages(provider, provider_id)"
	"  WHERE provider_id IS NOT NULL;",
	"CREATE INDEX messages_contact_time ON messages(contact_id, created_at, id);",
	"CREATE INDEX messages_time ON messages(created_at);",
	"CREATE INDEX messages_message_id ON messages(message_id) WHERE message_id IS NOT NULL;",
	/* Marking a thread read touches only its unseen rows, however long it is. */
	"CREATE INDEX messages_unseen ON messages(contact_id) WHERE seen = 0;",
	"CREATE TABLE message_status_history ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
	"  status TEXT NOT NULL,"
	"  error_code TEXT,"
	"  error_text TEXT,"
	"  at INTEGER NOT NULL);",
	"CREATE INDEX message_status_history_message ON message_status_history(message_id);",
	"CREATE TABLE attachments ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
	"  filename TEXT,"
	"  content_type TEXT NOT NULL DEFAULT 'application/octet-stream',"
	"  size INTEGER,"
	"  url TEXT,"
	"  path TEXT);",
	"CREATE INDEX attachments_message ON attachments(message_id);",
	"CREATE TABLE calls ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id INTEGER NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,"
	"  status TEXT NOT NULL,"
	"  duration_s INTEGER,"
	"  recording_url TEXT,"
	"  outcome TEXT,"
	"  notes TEXT);",
	"CREATE TABLE preferences ("
	"  contact_id INTEGER PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,"
	"  preferred_channel TEXT,"
	"  fallback_order TEXT,"           /* comma-separated channel names */
	"  timezone TEXT,"
	"  quiet_start INTEGER,"           /* minutes after local midnight */
	"  quiet_end INTEGER,"
	"  frequency_cap INTEGER);",
	"CREATE TABLE opt_outs ("
	"  channel TEXT NOT NULL,"
	"  address TEXT NOT NULL,"
	"  contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,"
	"  at INTEGER NOT NULL,"
	"  source TEXT NOT NULL,"          /* keyword, unsubscribe, spam report, manual, provider */
	"  reason TEXT,"
	"  PRIMARY KEY (channel, address));",
	"CREATE TABLE rules ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  enabled INTEGER NOT NULL DEFAULT 1,"
	"  definition TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL);",
	/* The outbox: one job per outbound message. */
	"CREATE TABLE jobs ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id INTEGER NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,"
	"  state TEXT NOT NULL CHECK (state IN"
	"    ('pending','inflight','done','failed','uncertain','canceled')),"
	"  run_at INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  idempotency_key TEXT NOT NULL UNIQUE,"
	"  started_at INTEGER,"
	"  updated_at INTEGER NOT NULL);",
	"CREATE INDEX jobs_due ON jobs(state, run_at);",
	/* Append-only journal: clients catch up from the last id they saw. */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  message_id INTEGER,"
	"  contact_id INTEGER,"
	"  payload TEXT);",
	"CREATE TABLE audit_log ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  detail TEXT);",
	/* Full-text index over subject and body; its rowid is messages.sort_key,
	 * so rowid order is time order. The store keeps it in sync in the same
	 * transaction as every insert. */
	"CREATE VIRTUAL TABLE messages_fts USING fts5("
	"  subject, body, content='messages', content_rowid='sort_key',"
	"  tokenize='unicode61 remove_diacritics 2');",
	NULL
};

/* 2: a bridged call's contact leg decides its status and duration. */
static const char *const migration2[] = {
	"ALTER TABLE calls ADD COLUMN bridged INTEGER NOT NULL DEFAULT 0;",
	"ALTER TABLE calls ADD COLUMN updated_at INTEGER;",
	/* WhatsApp templates are sent by Content SID, outside the body. */
	"ALTER TABLE messages ADD COLUMN content_sid TEXT;",
	"ALTER TABLE messages ADD COLUMN content_vars TEXT;",
	NULL
};

/*
 * 3 and later live beside the code that needs them (schema_*.c), so that the
 * email, routing, rules, template and report work each own their file:
 * 3 email (schema_email.c), 4 preferences, bulk sends and fallback
 * (schema_routing.c), 5 automation rules (schema_rules.c), 6 template
 * versions and A/B tests (schema_templates.c), 7 reports (schema_reports.c).
 * A migration with no statements only moves user_version on.
 */
static const char *const *const migrations[] = {
	migration1,
	migration2,
	store_migration3,
	store_migration4,
	store_migration5,
	store_migration6,
	store_migration7,
};

int
store_schema_latest(void)
{
	return (int)HARK_NELEM(migrations);
}

const char *const *
store_schema_migration(int version)
{
	if (version < 1 || version > (int)HARK_NELEM(migrations))
		return NULL;
	return migrations[version - 1];
}
