/* schema_reports.c — migration 7: reports: scheduled reports. */

#include "store_int.h"

/* Never edit a released migration: add a new one (see schema.c). */
const char *const store_migration7[] = {
	NULL
};
