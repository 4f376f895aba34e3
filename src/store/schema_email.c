/* schema_email.c — migration 3: email beside its message (the raw source and HTML part, a broken message's warning), attachments' content ids and digests, and email addresses found whatever their case. */

#include "store_int.h"

/* Never edit a released migration: add a new one (see schema.c). */
const char *const store_migration3[] = {
	/*
	 * One row per email message, apart from messages so that a thread's
	 * page reads no HTML, and other channels pay nothing. raw_path is the
	 * message as received (RFC 5322), content-addressed on disk next to the
	 * database (mail/<2 hex>/<sha256>.eml), so that nothing the sender
	 * wrote is lost and an export can write it back intact.
	 */
	"CREATE TABLE mail ("
	"  message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,"
	"  raw_path TEXT,"
	"  raw_sha256 TEXT,"
	"  raw_size INTEGER,"
	"  html TEXT,"                     /* the text/html part as sent */
	"  from_name TEXT,"                /* the sender's display name */
	"  warning TEXT,"                  /* a broken message shown raw: why */
	"  folder TEXT);",                 /* the IMAP folder it was found in */
	/* Inline images are referenced from the HTML by Content-ID. */
	"ALTER TABLE attachments ADD COLUMN content_id TEXT;",
	"ALTER TABLE attachments ADD COLUMN is_inline INTEGER NOT NULL DEFAULT 0;",
	"ALTER TABLE attachments ADD COLUMN sha256 TEXT;",
	/* Ann@Example.com and ann@example.com are one sender. */
	"CREATE INDEX identities_email_nocase ON identities(address COLLATE NOCASE)"
	"  WHERE kind = 'email';",
	NULL
};
