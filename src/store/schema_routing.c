/* schema_routing.c — migration 4: routing: contact preferences, bulk sends and their recipients, fallback chains. */

#include "store_int.h"

/* Never edit a released migration: add a new one (see schema.c). */
const char *const store_migration4[] = {
	NULL
};
