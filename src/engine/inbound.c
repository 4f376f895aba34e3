/*
 * inbound.c — events from the engine's own providers (polls, the sandbox):
 * each is applied by engine_ingest in a transaction of its own (or, for a
 * provider's batch, in the batch's one transaction), then every journal
 * event that transaction wrote is told to the subscribers.
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

/*
 * Inside a batch the event gets engine_ingest's savepoint only: a failure
 * undoes this event alone and is reported (-1) so the provider keeps it for
 * the next sync; the batch's commit is inbound_batch's.
 */
int
inbound_event(void *arg, const struct provider_event *ev)
{
	struct engine *e = arg;
	int64_t before;
	char *cause = NULL;
	int rc;

	if (e->batch_open) {
		rc = engine_ingest(e->st, e->cfg, ev, &cause);
		if (rc < 0) {
			engine_publish(e, "provider-error", 0, 0, cause);
			free(cause);
			return -1;
		}
		if (rc == 1)
			e->batch_stored = 1;
		return 0;
	}
	if (store_begin(e->st, &cause) != 0) {
		engine_publish(e, "provider-error", 0, 0, cause);
		free(cause);
		return -1;
	}
	before = store_events_last_id(e->st);
	rc = engine_ingest(e->st, e->cfg, ev, &cause);
	if (rc < 0 || store_commit(e->st, &cause) != 0) {
		store_rollback(e->st);
		engine_publish(e, "provider-error", 0, 0, cause);
		free(cause);
		return -1;
	}
	if (rc == 1)
		engine_tell_since(e, before);
	return 0;
}

/*
 * One transaction for a provider's batch: the raw sources and attachments
 * of all its messages are written first and made durable in one pass
 * (store_blob_batch_sync) right before the single commit, instead of a
 * commit and several fsyncs per message. That commit is durable too
 * (store_durable), since the provider saves its position after it: in WAL
 * NORMAL a power cut could otherwise undo a batch the provider then never
 * asks for again.
 */
int
inbound_batch(void *arg, int end)
{
	struct engine *e = arg;
	char *cause = NULL;

	if (!end) {
		if (e->batch_open || store_durable(e->st, 1, &cause) != 0 ||
		    store_begin(e->st, &cause) != 0) {
			store_durable(e->st, 0, NULL);
			free(cause);
			return -1;
		}
		e->batch_open = 1;
		e->batch_stored = 0;
		e->batch_before = store_events_last_id(e->st);
		store_blob_batch_begin(e->st);
		return 0;
	}
	if (!e->batch_open)
		return -1;
	e->batch_open = 0;
	if (store_blob_batch_sync(e->st, &cause) != 0 ||
	    store_commit(e->st, &cause) != 0) {
		store_rollback(e->st);
		store_blob_batch_discard(e->st);
		store_durable(e->st, 0, NULL);
		engine_publish(e, "provider-error", 0, 0, cause);
		free(cause);
		return -1;
	}
	store_durable(e->st, 0, NULL);
	if (e->batch_stored)
		engine_tell_since(e, e->batch_before);
	return 0;
}
