/* schema_reports.c — migration 7: reports: scheduled reports. */

#include "store_int.h"

/*
 * A scheduled report is sent once per complete period: next_start is the
 * start of the next period to send, moved forward in the same statement
 * that records the message (store_report_schedule_sent), so a restart sends
 * nothing twice. options holds the report's filters as a JSON object.
 *
 * No index for the report's queries: measured on a 1M-message history, the
 * existing messages_time index serves its one ordered pass (README,
 * "Performance").
 */
/* Never edit a released migration: add a new one (see schema.c). */
const char *const store_migration7[] = {
	"CREATE TABLE report_schedules ("
	"  id INTEGER PRIMARY KEY,"
	"  every TEXT NOT NULL CHECK (every IN ('daily','weekly','monthly')),"
	"  email_to TEXT NOT NULL,"
	"  options TEXT NOT NULL DEFAULT '{}',"
	"  next_start INTEGER NOT NULL,"
	"  last_sent_at INTEGER,"
	"  last_message_id INTEGER,"
	"  created_at INTEGER NOT NULL);",
	NULL
};
