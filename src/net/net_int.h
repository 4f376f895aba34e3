/* net_int.h — what net.c (curl multi on libuv) and http.c (requests) share. */
#ifndef HARK_NET_INT_H
#define HARK_NET_INT_H

#include <curl/curl.h>
#include <uv.h>

#include "hark/core.h"
#include "hark/net.h"

struct net_sock;

/*
 * One request across all its attempts. It is linked in its net while it is
 * pending; once finished or dropped it is unlinked at once, and its memory is
 * released from the close callback of its retry timer, never under a live
 * callback.
 */
struct net_req {
	struct net *n;
	uint64_t id;
	CURL *easy;
	struct curl_slist *headers;
	uv_timer_t retry;              /* the wait between attempts */
	int attached;                  /* easy is in the multi: an attempt runs */
	int unsafe;                    /* the method is not idempotent */
	int retry_unsafe;
	struct backoff_policy policy;
	size_t max_response;
	int attempts;
	int too_big;                   /* the answer passed max_response */
	int64_t retry_after_ms;
	struct hbuf body;
	struct hbuf hdrs;               /* the last answer's header lines */
	char errbuf[CURL_ERROR_SIZE];
	net_done_cb cb;
	void *arg;
	/* mail.c's transfers: done replaces net_req_done, cleanup frees ext. */
	void (*done)(struct net_req *r, CURLcode rc);
	void (*cleanup)(struct net_req *r);
	void *ext;
	struct net_req *prev, *next;
};

struct net {
	uv_loop_t *loop;
	CURLM *multi;
	uv_timer_t timer;              /* curl's own timeouts */
	struct net_req *reqs;          /* pending requests */
	struct net_sock *socks;        /* sockets curl asked us to watch */
	int pending;
	uint64_t next_id;
	uint64_t rng;                  /* xorshift state for retry jitter */
	int busy;                      /* net callbacks on the stack */
	int freeing;                   /* net_free was called */
};

/* net.c */
/* Starts an attempt: adds r's easy handle to the multi. 0 or -1 with cause. */
int net_attach(struct net_req *r, char **cause);
/* Takes r's easy handle out of the multi, if it is there. */
void net_detach(struct net_req *r);
void net_link(struct net *n, struct net_req *r);
void net_unlink(struct net *n, struct net_req *r);
/* Next value of the jitter generator. */
uint64_t net_random(struct net *n);
/*
 * Brackets every callback net runs from the loop, so that net_free called
 * from a completion callback waits until the stack unwinds; net_release may
 * free n, and the caller must not touch n after it.
 */
void net_hold(struct net *n);
void net_release(struct net *n);

/* http.c */
/* An attempt ended with rc: retries it or completes the request. */
void net_req_done(struct net_req *r, CURLcode rc);
/* Ends r without calling its callback. */
void net_req_drop(struct net_req *r);
/* Releases r (out of the multi and unlinked): the easy handle now, the
 * memory from its retry timer's close callback. */
void net_req_finish(struct net_req *r);

#endif
