/* net.c — libcurl's multi interface driven by the libuv loop. */

/*
 * curl owns the sockets and tells us, through the socket callback, which of
 * them to watch and for what; each watched socket gets a uv_poll_t. curl also
 * asks for one timeout at a time through the timer callback, which drives a
 * single uv_timer_t. When either fires we hand the event back with
 * curl_multi_socket_action and then collect finished transfers. Handles are
 * released only through uv_close callbacks, so net_free leaves a loop that
 * one more uv_run(UV_RUN_NOWAIT) settles.
 */

#include <stdlib.h>
#include <unistd.h>

#include "net_int.h"

/* One socket curl asked us to watch. */
struct net_sock {
	uv_poll_t poll;
	curl_socket_t fd;
	struct net *n;
	struct net_sock *prev, *next;
};

static int net_curl_init(char **cause);
static int net_socket_cb(CURL *easy, curl_socket_t fd, int what, void *arg,
    void *sockarg);
static int net_timer_cb(CURLM *multi, long timeout_ms, void *arg);
static void net_poll_cb(uv_poll_t *poll, int status, int events);
static void net_timeout_cb(uv_timer_t *timer);
static struct net_sock *net_sock_new(struct net *n, curl_socket_t fd);
static void net_sock_close(struct net *n, struct net_sock *s);
static void net_sock_free_cb(uv_handle_t *h);
static void net_free_cb(uv_handle_t *h);
static void net_check_done(struct net *n);
static void net_destroy(struct net *n);

/*
 * curl_global_init is not safe to run while other threads use curl, so it
 * runs once, from the first net_new, which hark calls on the main thread
 * before any other thread starts. It is never undone: net instances come and
 * go but the process keeps curl until it exits.
 */
static int
net_curl_init(char **cause)
{
	static int done;
	CURLcode rc;

	if (done)
		return 0;
	rc = curl_global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK) {
		set_cause(cause, "curl: %s", curl_easy_strerror(rc));
		return -1;
	}
	done = 1;
	return 0;
}

int
net_new(uv_loop_t *loop, struct net **out, char **cause)
{
	struct net *n;

	*out = NULL;
	if (net_curl_init(cause) != 0)
		return -1;
	n = xcalloc(1, sizeof *n);
	n->multi = curl_multi_init();
	if (n->multi == NULL) {
		free(n);
		set_cause(cause, "curl: cannot create a multi handle");
		return -1;
	}
	n->loop = loop;
	n->next_id = 1;
	n->rng = ((uint64_t)hark_mono_ms() * 0x9e3779b97f4a7c15ULL) ^
	    (uint64_t)(uintptr_t)n ^ (uint64_t)getpid();
	if (n->rng == 0)
		n->rng = 0x2545f4914f6cdd1dULL;
	uv_timer_init(loop, &n->timer);
	n->timer.data = n;
	curl_multi_setopt(n->multi, CURLMOPT_SOCKETFUNCTION, net_socket_cb);
	curl_multi_setopt(n->multi, CURLMOPT_SOCKETDATA, n);
	curl_multi_setopt(n->multi, CURLMOPT_TIMERFUNCTION, net_timer_cb);
	curl_multi_setopt(n->multi, CURLMOPT_TIMERDATA, n);
	*out = n;
	return 0;
}

void
net_free(struct net *n)
{
	if (n == NULL || n->freeing)
		return;
	n->freeing = 1;
	/* Called from a completion callback: finish once the stack unwinds. */
	if (n->busy == 0)
		net_destroy(n);
}

/*
 * Drops every request, then stops watching the sockets left (idle
 * connections curl keeps for reuse) before curl closes them, then closes
 * the timer, whose callback frees n last.
 */
static void
net_destroy(struct net *n)
{
	while (n->reqs != NULL)
		net_req_drop(n->reqs);
	while (n->socks != NULL) {
		curl_multi_assign(n->multi, n->socks->fd, NULL);
		net_sock_close(n, n->socks);
	}
	curl_multi_cleanup(n->multi);
	n->multi = NULL;
	uv_close((uv_handle_t *)&n->timer, net_free_cb);
}

static void
net_free_cb(uv_handle_t *h)
{
	free(h->data);
}

int
net_pending(struct net *n)
{
	return n->pending;
}

uint64_t
net_random(struct net *n)
{
	uint64_t x = n->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	n->rng = x;
	return x;
}

void
net_hold(struct net *n)
{
	n->busy++;
}

void
net_release(struct net *n)
{
	if (--n->busy == 0 && n->freeing)
		net_destroy(n);
}

void
net_link(struct net *n, struct net_req *r)
{
	r->prev = NULL;
	r->next = n->reqs;
	if (n->reqs != NULL)
		n->reqs->prev = r;
	n->reqs = r;
	n->pending++;
}

void
net_unlink(struct net *n, struct net_req *r)
{
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		n->reqs = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	r->prev = r->next = NULL;
	n->pending--;
}

/*
 * Adding a handle makes curl ask for a zero timeout through net_timer_cb;
 * the transfer really starts on the next loop turn, so no completion can
 * run inside the caller.
 */
int
net_attach(struct net_req *r, char **cause)
{
	CURLMcode rc;

	rc = curl_multi_add_handle(r->n->multi, r->easy);
	if (rc != CURLM_OK) {
		set_cause(cause, "curl: %s", curl_multi_strerror(rc));
		return -1;
	}
	r->attached = 1;
	r->attempts++;
	return 0;
}

void
net_detach(struct net_req *r)
{
	if (!r->attached)
		return;
	curl_multi_remove_handle(r->n->multi, r->easy);
	r->attached = 0;
}

static int
net_socket_cb(CURL *easy, curl_socket_t fd, int what, void *arg, void *sockarg)
{
	struct net *n = arg;
	struct net_sock *s = sockarg;
	int events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (s != NULL) {
			curl_multi_assign(n->multi, fd, NULL);
			net_sock_close(n, s);
		}
		return 0;
	}
	if (s == NULL) {
		if (n->freeing)
			return 0;
		if ((s = net_sock_new(n, fd)) == NULL)
			return -1;
		curl_multi_assign(n->multi, fd, s);
	}
	if (what & CURL_POLL_IN)
		events |= UV_READABLE;
	if (what & CURL_POLL_OUT)
		events |= UV_WRITABLE;
	if (uv_poll_start(&s->poll, events, net_poll_cb) != 0)
		return -1;
	return 0;
}

static struct net_sock *
net_sock_new(struct net *n, curl_socket_t fd)
{
	struct net_sock *s = xcalloc(1, sizeof *s);

	if (uv_poll_init_socket(n->loop, &s->poll, fd) != 0) {
		free(s);
		return NULL;
	}
	s->fd = fd;
	s->n = n;
	s->poll.data = s;
	s->next = n->socks;
	if (n->socks != NULL)
		n->socks->prev = s;
	n->socks = s;
	return s;
}

/* Unlinks s now; its memory goes once libuv has let go of the handle. */
static void
net_sock_close(struct net *n, struct net_sock *s)
{
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		n->socks = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	uv_close((uv_handle_t *)&s->poll, net_sock_free_cb);
}

static void
net_sock_free_cb(uv_handle_t *h)
{
	free(h->data);
}

static void
net_poll_cb(uv_poll_t *poll, int status, int events)
{
	struct net_sock *s = poll->data;
	struct net *n = s->n;
	int flags = 0, running;

	if (status < 0)
		flags |= CURL_CSELECT_ERR;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	net_hold(n);
	curl_multi_socket_action(n->multi, s->fd, flags, &running);
	net_check_done(n);
	net_release(n);
}

/* A zero timeout still waits for the next loop turn, as curl expects. */
static int
net_timer_cb(CURLM *multi, long timeout_ms, void *arg)
{
	struct net *n = arg;

	if (timeout_ms < 0)
		uv_timer_stop(&n->timer);
	else
		uv_timer_start(&n->timer, net_timeout_cb, (uint64_t)timeout_ms, 0);
	return 0;
}

static void
net_timeout_cb(uv_timer_t *timer)
{
	struct net *n = timer->data;
	int running;

	net_hold(n);
	curl_multi_socket_action(n->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	net_check_done(n);
	net_release(n);
}

/*
 * Collects finished transfers. A completion callback may cancel other
 * requests (curl then drops their queued messages) or free n, after which
 * nothing more is delivered.
 */
static void
net_check_done(struct net *n)
{
	void *r;
	CURLMsg *m;
	CURLcode rc;
	int left;

	while (!n->freeing && (m = curl_multi_info_read(n->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		/* m is invalid once the handle leaves the multi. */
		rc = m->data.result;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &r);
		if (((struct net_req *)r)->done != NULL)
			((struct net_req *)r)->done(r, rc);
		else
			net_req_done(r, rc);
	}
}
