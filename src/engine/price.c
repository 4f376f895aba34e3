/*
 * price.c — what a message or call cost. Providers bill a while after sending and
 * their status callbacks carry no price (Twilio's do not), so when a sent
 * message reaches a final status without one, the outbox owner asks the
 * provider for the message again: after 1 s, 5 s and 30 s, then gives up
 * (a later poll may still bring it).
 */

#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static const uint64_t price_delays_ms[] = { 1000, 5000, 30000 };

struct price_op {
	struct engine *e;
	int64_t message_id;
	int attempt;
	int asking;               /* a refresh is in flight */
	uv_timer_t timer;
	struct price_op *prev, *next;
};

static void price_ask(uv_timer_t *t);

static void
price_closed(uv_handle_t *h)
{
	free(h->data);
}

static void
price_op_end(struct price_op *op)
{
	struct engine *e = op->e;

	if (op->prev != NULL)
		op->prev->next = op->next;
	else
		e->price_ops = op->next;
	if (op->next != NULL)
		op->next->prev = op->prev;
	uv_close((uv_handle_t *)&op->timer, price_closed);
}

static struct price_op *
price_op_find(struct engine *e, int64_t message_id)
{
	struct price_op *op;

	for (op = e->price_ops; op != NULL; op = op->next) {
		if (op->message_id == message_id)
			return op;
	}
	return NULL;
}

/* The provider of a message that could tell its price, or NULL. */
static struct provider *
price_provider(struct engine *e, const struct store_message *m)
{
	struct provider *p;

	if (m->direction != HARK_DIR_OUT || m->has_price || m->provider_id == NULL)
		return NULL;
	switch (m->status) {
	case HARK_ST_SENT:
	case HARK_ST_DELIVERED:
	case HARK_ST_READ:
	case HARK_ST_UNDELIVERED:
		break;
	default:
		return NULL;
	}
	p = engine_provider_for(e, NULL, m->provider, m->channel);
	return p != NULL && p->ops->refresh != NULL ? p : NULL;
}

static void
price_next(struct price_op *op)
{
	struct engine *e = op->e;

	if (++op->attempt >= (int)HARK_NELEM(price_delays_ms)) {
		/* Remembered, so that nobody waits for it again. */
		e->price_gave_up[e->price_gave_up_n++ % HARK_NELEM(e->price_gave_up)] =
		    op->message_id;
		price_op_end(op);
		return;
	}
	uv_timer_start(&op->timer, price_ask, price_delays_ms[op->attempt], 0);
}

static void
price_answer(void *arg, const struct provider_result *r)
{
	struct price_op *op = arg;
	struct engine *e = op->e;
	struct store_message m;
	int rc = -1;

	op->asking = 0;
	if (r->outcome != PROVIDER_OK || !r->has_price) {
		price_next(op);
		return;
	}
	memset(&m, 0, sizeof m);
	if (store_message_get(e->st, op->message_id, &m, NULL) == 0 &&
	    store_begin(e->st, NULL) == 0) {
		rc = store_message_set_accepted(e->st, m.id, m.provider_id, &r->price,
		    r->segments > 0 ? r->segments : m.segments, NULL);
		if (rc != 0 || store_commit(e->st, NULL) != 0) {
			store_rollback(e->st);
			rc = -1;
		}
	}
	if (rc == 0)
		engine_publish(e, "status-changed", m.id, m.contact_id, "price");
	store_message_clear(&m);
	if (rc == 0)
		price_op_end(op);
	else
		price_next(op);
}

static void
price_ask(uv_timer_t *t)
{
	struct price_op *op = t->data;
	struct engine *e = op->e;
	struct store_message m;
	struct provider *p;

	memset(&m, 0, sizeof m);
	if (store_message_get(e->st, op->message_id, &m, NULL) != 0 ||
	    (p = price_provider(e, &m)) == NULL) {
		store_message_clear(&m); /* priced meanwhile (a poll), or gone */
		price_op_end(op);
		return;
	}
	if (p->ops->refresh(p, m.provider_id, price_answer, op, NULL) == 0)
		op->asking = 1;
	else
		price_next(op);
	store_message_clear(&m);
}

void
engine_price_watch(struct engine *e, const struct store_event *ev)
{
	struct store_message m;
	struct price_op *op;

	if (e->lock_fd < 0 || ev->message_id <= 0 ||
	    (strcmp(ev->kind, "status-changed") != 0 &&
	    strcmp(ev->kind, "call-changed") != 0) ||
	    price_op_find(e, ev->message_id) != NULL)
		return;
	memset(&m, 0, sizeof m);
	if (store_message_get(e->st, ev->message_id, &m, NULL) == 0 &&
	    price_provider(e, &m) != NULL) {
		op = xcalloc(1, sizeof *op);
		op->e = e;
		op->message_id = m.id;
		uv_timer_init(e->loop, &op->timer);
		op->timer.data = op;
		uv_timer_start(&op->timer, price_ask, price_delays_ms[0], 0);
		op->next = e->price_ops;
		if (e->price_ops != NULL)
			e->price_ops->prev = op;
		e->price_ops = op;
	}
	store_message_clear(&m);
}

/*
 * Whether the price of message_id may still come: being asked for, or about
 * to be (its final status is stored but this engine has not seen the event
 * yet), and not given up on.
 */
int
engine_price_pending(struct engine *e, int64_t message_id)
{
	struct store_event ev;
	size_t i;

	if (price_op_find(e, message_id) != NULL)
		return 1;
	for (i = 0; i < HARK_NELEM(e->price_gave_up); i++) {
		if (e->price_gave_up[i] == message_id)
			return 0;
	}
	memset(&ev, 0, sizeof ev);
	ev.kind = "status-changed";
	ev.message_id = message_id;
	engine_price_watch(e, &ev);
	return price_op_find(e, message_id) != NULL;
}

/* Providers are closed first: no answer can come back. */
void
engine_price_free_all(struct engine *e)
{
	while (e->price_ops != NULL)
		price_op_end(e->price_ops);
}
