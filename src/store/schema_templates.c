/* schema_templates.c — migration 6: templates: versions recorded on messages, A/B variants and assignments. */

#include "store_int.h"

/* Never edit a released migration: add a new one (see schema.c). */
const char *const store_migration6[] = {
	NULL
};
