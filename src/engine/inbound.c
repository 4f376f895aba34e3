/*
 * inbound.c — events from the engine's own providers (polls, the sandbox):
 * each is applied by engine_ingest in a transaction of its own, then every
 * journal event that transaction wrote is told to the subscribers.
 */

#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static int
inbound_tell(void *arg, const struct store_event *ev)
{
	struct engine *e = arg;
	int i;

	engine_price_watch(e, ev);
	for (i = 0; i < e->nsubs; i++)
		e->subs[i].cb(e->subs[i].arg, ev);
	return 0;
}

void
engine_tell_since(struct engine *e, int64_t after_id)
{
	store_events_since(e->st, after_id, 1000, inbound_tell, e, NULL);
}

void
inbound_event(void *arg, const struct provider_event *ev)
{
	struct engine *e = arg;
	int64_t before;
	char *cause = NULL;
	int rc;

	if (store_begin(e->st, &cause) != 0) {
		engine_publish(e, "provider-error", 0, 0, cause);
		free(cause);
		return;
	}
	before = store_events_last_id(e->st);
	rc = engine_ingest(e->st, e->cfg, ev, &cause);
	if (rc < 0 || store_commit(e->st, &cause) != 0) {
		store_rollback(e->st);
		engine_publish(e, "provider-error", 0, 0, cause);
		free(cause);
		return;
	}
	if (rc == 1)
		engine_tell_since(e, before);
}
