/* schema_rules.c — migration 5: automation rules: what fired for whom and when (once per period, sequences). */

#include "store_int.h"

/* Never edit a released migration: add a new one (see schema.c). */
const char *const store_migration5[] = {
	NULL
};
