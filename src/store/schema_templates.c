/* schema_templates.c — migration 6: templates: versions recorded on messages, A/B variants and assignments. */

#include "store_int.h"

/*
 * Never edit a released migration: add a new one (see schema.c).
 *
 * A variant may replace the email's HTML body too. Assignments need no
 * table: a contact's variant is a pure function of the template and the
 * contact (abtest_pick), recorded on each message it is sent in. The A/B
 * report finds a template's messages through their version.
 */
const char *const store_migration6[] = {
	"ALTER TABLE template_variants ADD COLUMN email_html TEXT;",
	"CREATE INDEX messages_template ON messages(template_version_id, variant)"
	"  WHERE template_version_id IS NOT NULL;",
	NULL
};
