/* schema_email.c — migration 3: email: IMAP sync state (folder, UIDVALIDITY, last UID), threading and attachments on disk. */

#include "store_int.h"

/* Never edit a released migration: add a new one (see schema.c). */
const char *const store_migration3[] = {
	NULL
};
