/*
 * relay_client.c — listens to `hark relay`'s event socket. The relay writes
 * the id of the newest journal event ("<id>\n") after each commit; on every
 * line the engine tells its subscribers what the journal holds since the last
 * id it told them, so a webhook shows on screen as soon as it is stored.
 * Nothing is lost while disconnected: the journal is read from where the
 * engine left off. Reconnects every RELAY_RETRY_MS while the relay is down.
 * The handles are unreferenced: they never keep a loop running by themselves.
 */

#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

#define RELAY_RETRY_MS 2000
#define RELAY_LINE_MAX 64

struct relay_client {
	uv_loop_t *loop;
	char *path;
	uv_pipe_t pipe;
	uv_connect_t connect;
	uv_timer_t retry;
	int pipe_open;            /* pipe handle initialised (and not yet closed) */
	int connected;
	int closing;              /* handles still to close before free */
	int freed;
	char line[RELAY_LINE_MAX];
	size_t len;
	void (*wake)(void *arg, int connected);
	void *arg;
	char buf[256];
};

static void
relay_client_handle_closed(uv_handle_t *h)
{
	struct relay_client *rc = h->data;

	if (h == (uv_handle_t *)&rc->pipe)
		rc->pipe_open = 0;
	if (rc->freed && --rc->closing == 0) {
		free(rc->path);
		free(rc);
	}
}

static void
relay_client_lost(struct relay_client *rc)
{
	int was = rc->connected;

	rc->connected = 0;
	rc->len = 0;
	if (rc->pipe_open && !uv_is_closing((uv_handle_t *)&rc->pipe))
		uv_close((uv_handle_t *)&rc->pipe, relay_client_handle_closed);
	if (was && !rc->freed)
		rc->wake(rc->arg, 0);
}

static void
relay_client_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct relay_client *rc = h->data;

	buf->base = rc->buf;
	buf->len = sizeof rc->buf;
}

static void
relay_client_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct relay_client *rc = s->data;
	ssize_t i;
	int woke = 0;

	if (n < 0) {
		relay_client_lost(rc);
		return;
	}
	/* Only that a line arrived matters: the journal has the rest. */
	for (i = 0; i < n; i++) {
		if (buf->base[i] == '\n') {
			woke = 1;
			rc->len = 0;
		} else if (rc->len + 1 < sizeof rc->line) {
			rc->line[rc->len++] = buf->base[i];
		}
	}
	if (woke)
		rc->wake(rc->arg, 1);
}

static void
relay_client_connected(uv_connect_t *req, int status)
{
	struct relay_client *rc = req->data;

	if (rc->freed)
		return;
	if (status < 0) {
		if (!uv_is_closing((uv_handle_t *)&rc->pipe))
			uv_close((uv_handle_t *)&rc->pipe, relay_client_handle_closed);
		return;
	}
	rc->connected = 1;
	uv_read_start((uv_stream_t *)&rc->pipe, relay_client_alloc,
	    relay_client_read);
	/* What happened while we were away is in the journal. */
	rc->wake(rc->arg, 1);
}

static void
relay_client_try(struct relay_client *rc)
{
	if (rc->connected || rc->pipe_open || rc->freed)
		return;
	if (uv_pipe_init(rc->loop, &rc->pipe, 0) != 0)
		return;
	rc->pipe.data = rc;
	rc->pipe_open = 1;
	uv_unref((uv_handle_t *)&rc->pipe);
	rc->connect.data = rc;
	uv_pipe_connect(&rc->connect, &rc->pipe, rc->path, relay_client_connected);
}

static void
relay_client_retry(uv_timer_t *t)
{
	relay_client_try(t->data);
}

struct relay_client *
relay_client_new(uv_loop_t *loop, const char *path,
    void (*wake)(void *arg, int connected), void *arg)
{
	struct relay_client *rc = xcalloc(1, sizeof *rc);

	rc->loop = loop;
	rc->path = xstrdup(path);
	rc->wake = wake;
	rc->arg = arg;
	uv_timer_init(loop, &rc->retry);
	rc->retry.data = rc;
	uv_timer_start(&rc->retry, relay_client_retry, 0, RELAY_RETRY_MS);
	/* Listening never keeps a command's loop alive on its own. */
	uv_unref((uv_handle_t *)&rc->retry);
	return rc;
}

int
relay_client_is_connected(const struct relay_client *rc)
{
	return rc != NULL && rc->connected;
}

void
relay_client_free(struct relay_client *rc)
{
	if (rc == NULL)
		return;
	rc->freed = 1;
	rc->connected = 0;
	rc->closing = 1;
	uv_close((uv_handle_t *)&rc->retry, relay_client_handle_closed);
	if (rc->pipe_open) {
		rc->closing++;
		if (!uv_is_closing((uv_handle_t *)&rc->pipe))
			uv_close((uv_handle_t *)&rc->pipe, relay_client_handle_closed);
	}
}
