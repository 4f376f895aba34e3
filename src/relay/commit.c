/*
 * commit.c — the relay's one writer thread: group commit of webhook events.
 *
 * Request threads queue jobs; the writer takes every job waiting, applies
 * their events in one transaction and only then tells each job its result.
 * A commit costs the same for one event or five hundred, so under load the
 * batches grow and the rate stays high, while a lone webhook is committed
 * at once (the writer never waits to fill a batch).
 *
 * Another hark process may hold the write lock: store_begin waits for it
 * (the store's busy timeout), and a batch whose BEGIN or COMMIT fails is
 * retried whole, a few times, before its requests get 503 so that the
 * providers retry later.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/store.h"

#include "relay_int.h"

/* Attempts at a batch whose transaction fails (each waits the busy timeout). */
#define WRITER_ATTEMPTS 3

struct relay_writer {
	struct store *st;
	const struct config *cfg;
	struct evsock *evs;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct relay_job *head, **tail;
	int stopping;
	int running;
	int failing;                 /* the last batch could not commit */
	atomic_llong last_id;
};

static void *writer_main(void *arg);
static void writer_batch(struct relay_writer *w, struct relay_job *batch);
static int writer_apply(struct relay_writer *w, struct relay_job *batch, char **cause);
static void writer_fail(struct relay_job *batch, int status, const char *why);
static void writer_finish(struct relay_writer *w, struct relay_job *batch);

void
relay_job_clear(struct relay_job *job)
{
	int i;

	if (job->wh.mem != NULL || job->wh.ev != NULL)
		webhook_events_free(&job->wh);
	for (i = 0; i < job->nmem; i++)
		free(job->mem[i]);
	free(job->mem);
	free(job->error);
	memset(job, 0, sizeof *job);
}

char *
relay_job_keep(struct relay_job *job, char *s)
{
	job->mem = xreallocarray(job->mem, (size_t)job->nmem + 1, sizeof *job->mem);
	job->mem[job->nmem++] = s;
	return s;
}

int
relay_writer_new(const char *db_path, const struct config *cfg, struct evsock *evs,
    struct relay_writer **out, char **cause)
{
	struct relay_writer *w;
	int err;

	*out = NULL;
	w = xcalloc(1, sizeof *w);
	if (store_open(db_path, 0, &w->st, cause) != 0) {
		free(w);
		return -1;
	}
	w->cfg = cfg;
	w->evs = evs;
	w->tail = &w->head;
	atomic_store(&w->last_id, store_events_last_id(w->st));
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if ((err = pthread_create(&w->thread, NULL, writer_main, w)) != 0) {
		set_cause(cause, "cannot start the writer thread: %s", strerror(err));
		relay_writer_free(w);
		return -1;
	}
	w->running = 1;
	*out = w;
	return 0;
}

int
relay_writer_submit(struct relay_writer *w, struct relay_job *job)
{
	int wake;

	job->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->stopping) {
		pthread_mutex_unlock(&w->mu);
		return -1;
	}
	wake = w->head == NULL;
	*w->tail = job;
	w->tail = &job->next;
	if (wake)
		pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

int64_t
relay_writer_last_id(struct relay_writer *w)
{
	return atomic_load(&w->last_id);
}

void
relay_writer_free(struct relay_writer *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (w->running)
		pthread_join(w->thread, NULL);
	store_close(w->st);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

/* Takes the whole queue at a time; stops once stopping is set and it is empty. */
static void *
writer_main(void *arg)
{
	struct relay_writer *w = arg;
	struct relay_job *batch;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->head == NULL && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->head == NULL)
			break;
		batch = w->head;
		w->head = NULL;
		w->tail = &w->head;
		pthread_mutex_unlock(&w->mu);
		writer_batch(w, batch);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void
writer_batch(struct relay_writer *w, struct relay_job *batch)
{
	struct relay_job *j;
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	char *cause = NULL;
	int attempt, events = 0;

	for (j = batch; j != NULL; j = j->next)
		events += j->nev;
	if (events == 0) {
		writer_finish(w, batch);
		return;
	}
	for (attempt = 1; attempt <= WRITER_ATTEMPTS; attempt++) {
		if (writer_apply(w, batch, &cause) == 0) {
			w->failing = 0;
			free(cause);
			writer_finish(w, batch);
			return;
		}
		if (attempt < WRITER_ATTEMPTS)
			nanosleep(&pause, NULL);
	}
	fprintf(stderr, "hark relay: cannot commit %d webhook event%s, answering "
	    "503 so the providers retry: %s\n", events, events == 1 ? "" : "s",
	    cause);
	w->failing = 1;
	writer_fail(batch, 503, cause);
	free(cause);
	writer_finish(w, batch);
}

/*
 * One transaction for the batch. An event engine_ingest refuses fails only
 * its own job (its savepoint is rolled back); a failed BEGIN or COMMIT fails
 * the attempt, and the caller runs the whole batch again.
 */
static int
writer_apply(struct relay_writer *w, struct relay_job *batch, char **cause)
{
	struct relay_job *j;
	char *why = NULL;
	int i, rc;

	if (store_begin(w->st, cause) != 0)
		return -1;
	for (j = batch; j != NULL; j = j->next) {
		j->result = 0;
		j->changed = 0;
		j->http_status = 0;
		free(j->error);
		j->error = NULL;
		for (i = 0; i < j->nev; i++) {
			rc = engine_ingest(w->st, w->cfg, &j->ev[i], &why);
			if (rc < 0) {
				j->result = -1;
				j->http_status = 500;
				free(j->error);
				j->error = why;
				why = NULL;
			} else
				j->changed += rc;
		}
	}
	if (store_commit(w->st, cause) != 0) {
		store_rollback(w->st);
		return -1;
	}
	for (j = batch; j != NULL; j = j->next)
		if (j->result < 0)
			fprintf(stderr, "hark relay: a %s event was not stored: %s\n",
			    j->ev[0].provider != NULL ? j->ev[0].provider : "webhook",
			    j->error != NULL ? j->error : "unknown error");
	return 0;
}

static void
writer_fail(struct relay_job *batch, int status, const char *why)
{
	struct relay_job *j;

	for (j = batch; j != NULL; j = j->next) {
		if (j->nev == 0)
			continue;
		j->result = -1;
		j->http_status = status;
		free(j->error);
		j->error = xstrdup(why != NULL ? why : "the database is unavailable");
	}
}

/* Wakes the event socket's clients, then each job. A job may be freed by its
 * request thread as soon as done runs, so next is read before. */
static void
writer_finish(struct relay_writer *w, struct relay_job *batch)
{
	struct relay_job *j, *next;
	int64_t last, prev;

	last = store_events_last_id(w->st);
	prev = atomic_exchange(&w->last_id, last);
	if (last != prev && w->evs != NULL)
		evsock_notify(w->evs, last);
	for (j = batch; j != NULL; j = next) {
		next = j->next;
		j->last_id = last;
		if (j->health && w->failing) {
			j->result = -1;
			j->http_status = 503;
			j->error = xstrdup("the last commit failed");
		}
		j->done(j);
	}
}
