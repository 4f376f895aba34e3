/*
 * thread_window.c — loading a contact's thread a page at a time: older
 * pages through store_messages_page (newest `limit` before a cursor), newer
 * ones through store_messages_each from a time (streamed; it stops after
 * `limit`). Both walk the (contact_id, created_at, id) index.
 */

#include <stdlib.h>
#include <string.h>

#include "hark/engine.h"
#include "hark/store.h"

#include "thread_view.h"
#include "thread_window.h"

/* Messages a query hands back, collected before they join the window. */
struct tw_batch {
	struct tv_msg *m;
	int n, limit;
	int64_t after_at, after_id;   /* keep only messages after this cursor */
};

static int tw_collect(void *arg, const struct store_message *m);
static void tw_batch_free(struct tw_batch *b);
static void tw_job_fill(struct store *st, struct tv_msg *vm);
static void tw_fallback_fill(struct store *st, struct tv_msg *vm);
static void tw_batch_fill(struct store *st, struct tw_batch *b);
static int tw_prepend(struct thread_window *w, int64_t at, int64_t id, char **cause);
static int tw_append(struct thread_window *w, int64_t at, int64_t id, int limit,
    char **cause);
static void tw_trim(struct thread_window *w, int drop_newest);

void
tw_clear(struct thread_window *w)
{
	int i;

	for (i = 0; i < w->n; i++)
		tv_msg_clear(&w->msgs[i]);
	free(w->msgs);
	w->msgs = NULL;
	w->n = 0;
	w->sel = -1;
	w->top = w->top_line = 0;
	w->at_start = w->at_end = 1;
}

int
tw_find(const struct thread_window *w, int64_t id)
{
	int i;

	for (i = w->n - 1; i >= 0; i--) {
		if (w->msgs[i].id == id)
			return i;
	}
	return -1;
}

/* ---- one query into a batch ---------------------------------------------------- */

static int
tw_collect(void *arg, const struct store_message *m)
{
	struct tw_batch *b = arg;

	if (m->created_at < b->after_at ||
	    (m->created_at == b->after_at && m->id <= b->after_id))
		return 0;
	b->m = xreallocarray(b->m, (size_t)b->n + 1, sizeof *b->m);
	tv_msg_init(&b->m[b->n++], m, NULL, 0);
	return b->n >= b->limit;
}

static void
tw_batch_free(struct tw_batch *b)
{
	int i;

	for (i = 0; i < b->n; i++)
		tv_msg_clear(&b->m[i]);
	free(b->m);
	b->m = NULL;
	b->n = 0;
}

/* What only the outbox knows: when a scheduled message goes, why a send
 * failed when the provider gave no text. Asked after the page's query has
 * finished, and only for the few messages that need it. */
static void
tw_job_fill(struct store *st, struct tv_msg *vm)
{
	struct store_job j;
	int need_at, need_why;

	/* A held message's job says why it waits (quiet hours, the cap). */
	need_at = vm->status == HARK_ST_SCHEDULED;
	need_why = (vm->status == HARK_ST_FAILED || vm->status == HARK_ST_UNDELIVERED ||
	    vm->status == HARK_ST_UNCERTAIN) && vm->error == NULL;
	if (vm->direction != HARK_DIR_OUT || (!need_at && !need_why))
		return;
	memset(&j, 0, sizeof j);
	if (store_job_get_by_message(st, vm->id, &j, NULL) != 0)
		return;
	if (need_at)
		vm->run_at = j.run_at;
	if (need_at && vm->extra == NULL && j.last_error != NULL &&
	    hark_startswith(j.last_error, "held for "))
		vm->extra = text_sanitize(j.last_error, strlen(j.last_error), 0);
	if (need_why && j.last_error != NULL && *j.last_error != '\0')
		vm->error = text_sanitize(j.last_error, strlen(j.last_error), 0);
	store_job_clear(&j);
}

/* ---- growing and trimming ---------------------------------------------------------- */

/* Puts the page before the cursor (at, id) in front of the window, which
 * must begin after it. */
static int
tw_prepend(struct thread_window *w, int64_t at, int64_t id, char **cause)
{
	struct tw_batch b = { NULL, 0, TW_PAGE, INT64_MIN, INT64_MIN };

	if (store_messages_page(w->st, w->contact_id, at, id, TW_PAGE, tw_collect, &b,
	    cause) != 0) {
		tw_batch_free(&b);
		return -1;
	}
	w->at_start = b.n < TW_PAGE;
	if (b.n == 0)
		return 0;
	tw_batch_fill(w->st, &b);
	b.m = xreallocarray(b.m, (size_t)(b.n + w->n), sizeof *b.m);
	if (w->n > 0)
		memcpy(b.m + b.n, w->msgs, (size_t)w->n * sizeof *b.m);
	free(w->msgs);
	w->msgs = b.m;
	w->n += b.n;
	if (w->sel >= 0)
		w->sel += b.n;
	w->top += b.n;
	tw_trim(w, 1);
	return b.n;
}

/* Puts up to limit messages after the cursor (at, id) at the end of the
 * window, which must end before it. */
static int
tw_append(struct thread_window *w, int64_t at, int64_t id, int limit, char **cause)
{
	struct tw_batch b = { NULL, 0, limit, at, id };
	struct store_filter f;

	memset(&f, 0, sizeof f);
	f.contact_id = w->contact_id;
	f.since = at > 0 ? at : 0;
	if (store_messages_each(w->st, &f, tw_collect, &b, cause) != 0) {
		tw_batch_free(&b);
		return -1;
	}
	w->at_end = b.n < limit;
	if (b.n == 0) {
		free(b.m);
		return 0;
	}
	tw_batch_fill(w->st, &b);
	w->msgs = xreallocarray(w->msgs, (size_t)(w->n + b.n), sizeof *w->msgs);
	memcpy(w->msgs + w->n, b.m, (size_t)b.n * sizeof *b.m);
	free(b.m);
	w->n += b.n;
	tw_trim(w, 0);
	return b.n;
}

/* Keeps the window at most TW_MAX messages, dropping the end away from
 * where the user is going. */
static void
tw_trim(struct thread_window *w, int drop_newest)
{
	int k = w->n - TW_MAX, i;

	if (k <= 0)
		return;
	if (drop_newest) {
		for (i = w->n - k; i < w->n; i++)
			tv_msg_clear(&w->msgs[i]);
		w->at_end = 0;
	} else {
		for (i = 0; i < k; i++)
			tv_msg_clear(&w->msgs[i]);
		memmove(w->msgs, w->msgs + k, (size_t)(w->n - k) * sizeof *w->msgs);
		w->at_start = 0;
		w->sel = w->sel < 0 ? -1 : w->sel - k < 0 ? 0 : w->sel - k;
		w->top -= k;
	}
	w->n -= k;
	if (w->sel >= w->n)
		w->sel = w->n - 1;
	if (w->top < 0 || w->top >= w->n) {
		w->top = w->top < 0 ? 0 : w->n - 1;
		w->top_line = 0;
	}
}

/* ---- what the pane asks for ----------------------------------------------------------- */

int
tw_load_older(struct thread_window *w, char **cause)
{
	if (w->n == 0)
		return tw_prepend(w, INT64_MAX, INT64_MAX, cause);
	return tw_prepend(w, w->msgs[0].created_at, w->msgs[0].id, cause);
}

int
tw_load_newer(struct thread_window *w, int limit, char **cause)
{
	if (w->n == 0)
		return tw_append(w, INT64_MIN, INT64_MIN, limit, cause);
	return tw_append(w, w->msgs[w->n - 1].created_at, w->msgs[w->n - 1].id, limit,
	    cause);
}

int
tw_load_newest(struct thread_window *w, char **cause)
{
	int rc;

	tw_clear(w);
	rc = tw_load_older(w, cause);
	w->at_end = 1;
	w->sel = w->n - 1;
	w->top = w->n > 0 ? w->n - 1 : 0;
	return rc < 0 ? -1 : 0;
}

int
tw_load_around(struct thread_window *w, int64_t id, char **cause)
{
	struct store_message m;
	int rc = -1;

	memset(&m, 0, sizeof m);
	if (id <= 0 || store_message_get(w->st, id, &m, NULL) != 0)
		return -1;
	if (m.contact_id == w->contact_id) {
		tw_clear(w);
		/* A cursor just after m: m comes last in the page. */
		if (tw_prepend(w, m.created_at, m.id + 1, cause) >= 0 &&
		    tw_load_newer(w, TW_PAGE, cause) >= 0)
			rc = 0;
		w->sel = tw_find(w, id);
		w->top = w->sel < 0 ? 0 : w->sel;
	}
	store_message_clear(&m);
	return rc;
}

int
tw_reload(struct thread_window *w, char **cause)
{
	int64_t first_at = INT64_MIN, first_id = INT64_MIN;
	int old_n = w->n, was_end = w->at_end, was_start = w->at_start;

	if (w->n > 0 && !was_start) {
		first_at = w->msgs[0].created_at;
		first_id = w->msgs[0].id;
	}
	tw_clear(w);
	if (old_n == 0 || was_end) {
		if (tw_load_older(w, cause) < 0)
			return -1;
		w->at_end = 1;
		while (!w->at_start && w->n > 0 && w->n < TW_MAX &&
		    (w->msgs[0].created_at > first_at ||
		    (w->msgs[0].created_at == first_at && w->msgs[0].id > first_id))) {
			if (tw_load_older(w, cause) < 0)
				return -1;
		}
		return 0;
	}
	if (tw_append(w, first_at, first_id - (first_id > INT64_MIN), old_n, cause) < 0)
		return -1;
	w->at_start = was_start;
	return 0;
}

/* A message's media, one line each under its body. */
static int
tw_media_line(void *arg, const struct store_attachment *a)
{
	struct tw_batch *b = arg;
	struct tv_msg *vm = NULL;
	char *line, *safe, *joined;
	int i;

	for (i = 0; i < b->n && vm == NULL; i++) {
		if (b->m[i].id == a->message_id)
			vm = &b->m[i];
	}
	if (vm == NULL)
		return 0; /* another contact's message within the id range */
	if (vm->channel == HARK_CH_EMAIL && a->path != NULL) {
		safe = tv_attachment_line(++vm->nattach, a->filename, a->content_type,
		    a->size);
		goto add;
	}
	/* Media sent by URL has no known type until the provider fetches it. */
	line = xasprintf("[%s] %s", a->content_type == NULL || strcmp(a->content_type,
	    "application/octet-stream") == 0 ? "media" : a->content_type,
	    a->url ? a->url : a->path ? a->path : a->filename ? a->filename : "");
	safe = text_sanitize(line, strlen(line), 0);
	free(line);
add:
	if (vm->extra != NULL) {
		joined = xasprintf("%s\n%s", vm->extra, safe);
		free(vm->extra);
		free(safe);
		safe = joined;
	}
	vm->extra = safe;
	return 0;
}

/* How a call went, under its body. */
static void
tw_call_fill(struct store *st, struct tv_msg *vm)
{
	struct store_call c;
	struct hbuf b = HBUF_INIT;
	char *raw, dur[16];

	if (store_call_get(st, vm->id, &c, NULL) != 1)
		return;
	hbuf_printf(&b, "%s", c.status ? c.status : "call");
	if (c.duration_s >= 0) {
		time_format_duration(c.duration_s, dur, sizeof dur);
		hbuf_printf(&b, " · %s", dur);
	}
	if (c.outcome != NULL)
		hbuf_printf(&b, " · %s", c.outcome);
	if (c.notes != NULL)
		hbuf_printf(&b, " — %s", c.notes);
	if (c.recording_url != NULL)
		hbuf_printf(&b, "\nrecording: %s", c.recording_url);
	store_call_clear(&c);
	raw = hbuf_steal(&b);
	vm->extra = text_sanitize(raw, strlen(raw), HARK_SAN_NEWLINES);
	free(raw);
}

/* A broken email's warning, shown under its subject. */
static int
tw_mail_warning(void *arg, const struct store_mail *mail)
{
	struct tw_batch *b = arg;
	char *w;
	int i;

	for (i = 0; i < b->n; i++) {
		if (b->m[i].id == mail->message_id && b->m[i].warning == NULL) {
			w = xasprintf("⚠ %s", mail->warning);
			b->m[i].warning = text_sanitize(w, strlen(w), 0);
			free(w);
		}
	}
	return 0;
}

/* A fallback says which message it replaces and why: "↪ sent by email
 * after sms undelivered: ...". Outbound messages only; one indexed query. */
static void
tw_fallback_fill(struct store *st, struct tv_msg *vm)
{
	char *note, *raw;

	if (vm->direction != HARK_DIR_OUT ||
	    (note = engine_fallback_note(st, vm->id)) == NULL)
		return;
	raw = vm->extra != NULL ? xasprintf("%s\n%s", note, vm->extra) :
	    xstrdup(note);
	free(note);
	free(vm->extra);
	vm->extra = text_sanitize(raw, strlen(raw), HARK_SAN_NEWLINES);
	free(raw);
}

/*
 * What a page needs beyond its rows: outbox details of failed or scheduled
 * sends, calls' outcomes, and every message's media and email warnings in
 * one query each.
 */
static void
tw_batch_fill(struct store *st, struct tw_batch *b)
{
	int64_t lo = INT64_MAX, hi = 0;
	int i;

	for (i = 0; i < b->n; i++) {
		tw_job_fill(st, &b->m[i]);
		tw_fallback_fill(st, &b->m[i]);
		if (b->m[i].channel == HARK_CH_VOICE)
			tw_call_fill(st, &b->m[i]);
		if (b->m[i].id < lo)
			lo = b->m[i].id;
		if (b->m[i].id > hi)
			hi = b->m[i].id;
	}
	if (b->n > 0) {
		store_attachments_between(st, lo, hi, tw_media_line, b, NULL);
		store_mail_between(st, lo, hi, tw_mail_warning, b, NULL);
	}
}
