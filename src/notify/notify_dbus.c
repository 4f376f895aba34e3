/* notify_dbus.c — the libnotify worker: one thread that makes the blocking
 * D-Bus calls, one job at a time, and reports back through a uv_async. */

/*
 * The loop side (struct notify_worker, owned by the notifier) and the thread
 * share a struct notify_shared under its mutex: the job, its result and a
 * reference count of two. Whoever lets go last frees it, so the loop side can
 * go away while the thread is stuck in a call that a hung notification server
 * will keep for 25 s; the thread then finishes, finds nobody to tell (async is
 * NULL) and frees the shared state itself. The loop thread never takes
 * notify_lib_lock, which a stuck call holds.
 *
 * libnotify keeps global state (the app name, the D-Bus proxy), so every
 * libnotify call in the process is made under notify_lib_lock, and the last
 * worker thread to exit calls notify_uninit.
 */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libnotify/notify.h>
#include <uv.h>

#include "hark/util.h"
#include "notify_int.h"

enum notify_job { NOTIFY_JOB_NONE, NOTIFY_JOB_PROBE, NOTIFY_JOB_SHOW };

struct notify_shared {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int refs;              /* the loop side and the thread */
	int quit;
	enum notify_job job;   /* NONE when idle; stays set until done */
	struct notify_msg msg; /* a SHOW job's text */
	int done;              /* the job ended; ok and error hold its result */
	int ok;
	char *error;
	uv_async_t *async;     /* NULL once the loop side has gone */
	int markup;            /* thread only: the server reads body markup */
	int caps_known;        /* thread only */
};

struct notify_worker {
	uv_async_t async;
	struct notify_shared *sh;
	pthread_t thread;
	notify_worker_cb cb;
	void *arg;
	int busy;
};

static pthread_mutex_t notify_lib_lock = PTHREAD_MUTEX_INITIALIZER;
static int notify_lib_users; /* worker threads alive; under notify_lib_lock */
static int notify_lib_quieted; /* under notify_lib_lock */

static void *notify_thread_main(void *arg);
static void notify_thread_run(struct notify_shared *sh, enum notify_job job,
    const struct notify_msg *m, int *ok, char **error);
static int notify_thread_show(struct notify_shared *sh,
    const struct notify_msg *m, char **error);
static void notify_thread_caps(struct notify_shared *sh);
static void notify_lib_quiet(const gchar *domain, GLogLevelFlags level,
    const gchar *message, gpointer data);
static void notify_shared_unref(struct notify_shared *sh);
static void notify_worker_async_cb(uv_async_t *a);
static void notify_worker_close_cb(uv_handle_t *h);
static void notify_worker_post(struct notify_worker *w, enum notify_job job,
    const struct notify_msg *m);

struct notify_worker *
notify_worker_new(uv_loop_t *loop, notify_worker_cb cb, void *arg, char **cause)
{
	struct notify_worker *w = xcalloc(1, sizeof *w);
	struct notify_shared *sh = xcalloc(1, sizeof *sh);
	int rc;

	pthread_mutex_init(&sh->lock, NULL);
	pthread_cond_init(&sh->cond, NULL);
	sh->refs = 2;
	sh->async = &w->async;
	w->sh = sh;
	w->cb = cb;
	w->arg = arg;
	if ((rc = pthread_create(&w->thread, NULL, notify_thread_main, sh)) != 0) {
		set_cause(cause, "cannot start the notification thread: %s",
		    strerror(rc));
		pthread_cond_destroy(&sh->cond);
		pthread_mutex_destroy(&sh->lock);
		free(sh);
		free(w);
		return NULL;
	}
	uv_async_init(loop, &w->async, notify_worker_async_cb);
	w->async.data = w;
	return w;
}

void
notify_worker_free(struct notify_worker *w)
{
	struct notify_shared *sh;

	if (w == NULL)
		return;
	sh = w->sh;
	pthread_mutex_lock(&sh->lock);
	sh->async = NULL;
	sh->quit = 1;
	pthread_cond_signal(&sh->cond);
	pthread_mutex_unlock(&sh->lock);
	/*
	 * Never joined: a busy thread may be stuck for 25 s, and even an idle
	 * one takes notify_lib_lock on its way out, which another notifier's
	 * stuck call may hold.
	 */
	pthread_detach(w->thread);
	notify_shared_unref(sh);
	w->sh = NULL;
	uv_close((uv_handle_t *)&w->async, notify_worker_close_cb);
}

static void
notify_worker_close_cb(uv_handle_t *h)
{
	free(h->data);
}

int
notify_worker_busy(const struct notify_worker *w)
{
	return w->busy;
}

void
notify_worker_probe(struct notify_worker *w)
{
	notify_worker_post(w, NOTIFY_JOB_PROBE, NULL);
}

void
notify_worker_show(struct notify_worker *w, const struct notify_msg *m)
{
	notify_worker_post(w, NOTIFY_JOB_SHOW, m);
}

static void
notify_worker_post(struct notify_worker *w, enum notify_job job,
    const struct notify_msg *m)
{
	struct notify_shared *sh = w->sh;

	HARK_ASSERT(!w->busy);
	w->busy = 1;
	pthread_mutex_lock(&sh->lock);
	HARK_ASSERT(sh->job == NOTIFY_JOB_NONE);
	sh->job = job;
	if (m != NULL) {
		sh->msg.summary = xstrdup(m->summary);
		sh->msg.body = xstrdup(m->body);
	}
	pthread_cond_signal(&sh->cond);
	pthread_mutex_unlock(&sh->lock);
}

static void
notify_worker_async_cb(uv_async_t *a)
{
	struct notify_worker *w = a->data;
	struct notify_shared *sh = w->sh;
	char *error;
	int ok, done;

	pthread_mutex_lock(&sh->lock);
	done = sh->done;
	ok = sh->ok;
	error = sh->error;
	sh->done = 0;
	sh->error = NULL;
	pthread_mutex_unlock(&sh->lock);
	if (!done)
		return;
	w->busy = 0;
	w->cb(w->arg, ok, error != NULL ? error : "notification failed");
	free(error);
}

static void
notify_shared_unref(struct notify_shared *sh)
{
	int last;

	pthread_mutex_lock(&sh->lock);
	last = --sh->refs == 0;
	pthread_mutex_unlock(&sh->lock);
	if (!last)
		return;
	notify_msg_clear(&sh->msg);
	free(sh->error);
	pthread_cond_destroy(&sh->cond);
	pthread_mutex_destroy(&sh->lock);
	free(sh);
}

/* ---- the thread --------------------------------------------------------------- */

static void *
notify_thread_main(void *arg)
{
	struct notify_shared *sh = arg;
	struct notify_msg m;
	enum notify_job job;
	char *error;
	int ok;

	pthread_mutex_lock(&notify_lib_lock);
	notify_lib_users++;
	pthread_mutex_unlock(&notify_lib_lock);

	pthread_mutex_lock(&sh->lock);
	for (;;) {
		while (!sh->quit && sh->job == NOTIFY_JOB_NONE)
			pthread_cond_wait(&sh->cond, &sh->lock);
		if (sh->quit)
			break;
		job = sh->job;
		m = sh->msg;
		sh->msg.summary = sh->msg.body = NULL;
		pthread_mutex_unlock(&sh->lock);

		error = NULL;
		notify_thread_run(sh, job, &m, &ok, &error);
		notify_msg_clear(&m);

		pthread_mutex_lock(&sh->lock);
		sh->job = NOTIFY_JOB_NONE;
		sh->done = 1;
		sh->ok = ok;
		free(sh->error);
		sh->error = error;
		if (sh->async != NULL)
			uv_async_send(sh->async);
	}
	pthread_mutex_unlock(&sh->lock);

	pthread_mutex_lock(&notify_lib_lock);
	if (--notify_lib_users == 0 && notify_is_initted())
		notify_uninit();
	pthread_mutex_unlock(&notify_lib_lock);
	notify_shared_unref(sh);
	return NULL;
}

static void
notify_thread_run(struct notify_shared *sh, enum notify_job job,
    const struct notify_msg *m, int *ok, char **error)
{
	pthread_mutex_lock(&notify_lib_lock);
	if (!notify_lib_quieted) {
		/* libnotify warns on stderr, which is the TUI's screen; the
		 * failure reaches the user through notifier_last_error. */
		g_log_set_handler("libnotify", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL |
		    G_LOG_FLAG_RECURSION, notify_lib_quiet, NULL);
		notify_lib_quieted = 1;
	}
	if (!notify_is_initted())
		notify_init("hark");
	if (job == NOTIFY_JOB_PROBE) {
		*ok = notify_get_server_info(NULL, NULL, NULL, NULL);
		if (!*ok)
			*error = xstrdup("no notification server answers on the "
			    "D-Bus session bus");
		else
			notify_thread_caps(sh);
	} else {
		*ok = notify_thread_show(sh, m, error);
	}
	pthread_mutex_unlock(&notify_lib_lock);
}

static void
notify_lib_quiet(const gchar *domain, GLogLevelFlags level,
    const gchar *message, gpointer data)
{
}

/* Asks once whether the server reads markup in bodies (then '<' and '&' in
 * a message must be escaped, or they would be taken as tags). */
static void
notify_thread_caps(struct notify_shared *sh)
{
	GList *caps, *l;

	if (sh->caps_known || (caps = notify_get_server_caps()) == NULL)
		return;
	for (l = caps; l != NULL; l = l->next) {
		if (strcmp(l->data, "body-markup") == 0)
			sh->markup = 1;
	}
	g_list_free_full(caps, g_free);
	sh->caps_known = 1;
}

static int
notify_thread_show(struct notify_shared *sh, const struct notify_msg *m,
    char **error)
{
	NotifyNotification *nn;
	GError *gerr = NULL;
	char *body;
	int ok;

	notify_thread_caps(sh);
	body = sh->markup ? notify_markup_escape(m->body) : xstrdup(m->body);
	nn = notify_notification_new(m->summary, body, "mail-message-new");
	notify_notification_set_category(nn, "im.received");
	notify_notification_set_urgency(nn, NOTIFY_URGENCY_NORMAL);
	ok = notify_notification_show(nn, &gerr);
	if (!ok) {
		if (gerr != NULL) {
			g_dbus_error_strip_remote_error(gerr);
			*error = xstrdup(gerr->message);
			g_error_free(gerr);
		} else {
			*error = xstrdup("notification failed");
		}
	}
	g_object_unref(nn);
	free(body);
	return ok;
}
