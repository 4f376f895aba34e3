/*
 * imap.c — the IMAP provider: configured folders synced incrementally into
 * the engine by UIDVALIDITY and UID, over libcurl on the shared loop.
 *
 * A poll walks the folders one after another, one request in flight:
 *   STATUS folder (UIDVALIDITY UIDNEXT)   is there anything new, is it the
 *                                          same folder as last time?
 *   UID SEARCH UID last+1:*                which UIDs are new
 *   UID FETCH u1,u2,... BODY.PEEK[]        a batch of them (read from curl's
 *                                          line stream: curl does not hand
 *                                          literals of custom commands to the
 *                                          write callback); what a batch answer
 *                                          leaves unreadable is fetched alone
 *                                          through a ;UID=n URL
 * Each message becomes one event; the messages of a batch answer share one
 * transaction (env.on_batch), committed before the state moves. Only once
 * every message of a batch has been handed over and stored does the
 * folder's last UID advance and the state file (state_dir/imap-ACCOUNT.state,
 * one "uidvalidity last_uid folder" line per folder) get replaced atomically
 * (write, fsync, rename). A crash therefore re-delivers at most one batch,
 * which the engine recognises by provider id. A message the engine could
 * not store stops its folder's sync just before it, so the next sync asks
 * for it again; one that fails IMAP_MAX_TRIES syncs running is then stored
 * as a broken message (imap_emit) rather than block the folder. A changed UIDVALIDITY means the
 * UIDs we kept name other messages now: the folder is read again from the
 * start, and the engine drops what it has by Message-ID. The folder named by
 * sent_folder (default Sent) holds mail the user sent: its events are marked
 * outgoing.
 *
 * Batch answers use a connection of their own (no reuse): should a message
 * line mimic the command's tagged end, curl would stop reading early and
 * leave the rest on the connection, where the next command would read it.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hark/config.h"
#include "hark/net.h"
#include "hark/provider.h"
#include "imap_int.h"

#define IMAP_BATCH 50              /* messages per UID FETCH */
/*
 * curl (7.88) counts the lines of a command's answer against a 300 KB limit
 * of response headers, and counts them generously (a few hundred short
 * lines already pass it), so one answer must stay small: a batch holds at
 * most this many bytes of mail (sizes asked first, 80 UIDs at a time), a
 * larger message comes alone through a ;UID=n URL (whose body curl
 * streams), UIDs are searched in slices, and a batch that still overflows
 * is fetched again message by message.
 */
#define IMAP_BATCH_BYTES 100000
#define IMAP_SEARCH_SPAN 500       /* UIDs per UID SEARCH: one line < 8 KB */
#define IMAP_SIZE_SLICE 80         /* UIDs per RFC822.SIZE fetch */


static int imap_open(struct provider *, char **);
static void imap_close(struct provider *);
static void imap_free(struct imap *im);
static int imap_poll(struct provider *, void (*)(void *, const char *), void *,
    char **);
static int imap_request(struct imap *im, const char *folder_url,
    const char *custom, int lines);
static void imap_next_folder(struct imap *im);
static void imap_answer(void *arg, const struct net_mail_response *r);
static int imap_on_status(struct imap *im, const struct net_mail_response *r);
static int imap_on_search(struct imap *im, const struct net_mail_response *r);
static void imap_search_next(struct imap *im);
static void imap_sizes_next(struct imap *im);
static void imap_on_sizes(struct imap *im, const struct net_mail_response *r);
static int imap_on_batch(struct imap *im, const struct net_mail_response *r);
static int imap_on_one(struct imap *im, const struct net_mail_response *r);
static void imap_fetch_batch(struct imap *im);
static void imap_fetch_next_single(struct imap *im);
static void imap_batch_done(struct imap *im);
static void imap_batch_failed(struct imap *im, size_t k);
static void imap_finish(struct imap *im, const char *error);
static char *imap_error(struct imap *im, const struct net_mail_response *r);

const struct provider_ops provider_imap_ops = {
	.name = "imap",
	.channels = 1u << HARK_CH_EMAIL,
	.caps = PROVIDER_CAP_POLL,
	.open = imap_open,
	.close = imap_close,
	.poll = imap_poll,
};

static int
imap_open(struct provider *p, char **cause)
{
	const struct config_account *a = p->env.acct;
	const char *list = config_account_get(a, "folders");
	const char *sent = config_account_get(a, "sent_folder");
	struct imap *im = xcalloc(1, sizeof *im);
	char *name, *c;

	im->p = p;
	p->priv = im;
	if (mailsrv_open(a, 1, &im->srv, cause) != 0 ||
	    imap_folders(im, list != NULL ? list : "INBOX, Sent",
	    sent != NULL ? sent : "Sent", cause) != 0) {
		imap_close(p);
		return -1;
	}
	name = xstrdup(a->name);
	for (c = name; *c != '\0'; c++) {
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
			*c = '_';
	}
	im->state_path = xasprintf("%s/imap-%s.state",
	    p->env.state_dir != NULL ? p->env.state_dir : ".", name);
	free(name);
	imap_state_load(im);
	return 0;
}

static void
imap_close(struct provider *p)
{
	struct imap *im = p->priv;

	if (im == NULL)
		return;
	if (im->req != 0)
		net_cancel(p->env.net, im->req);
	p->priv = NULL;
	if (im->in_event) {
		/* Freed by the poll once the event callback returns. */
		im->closed = 1;
		return;
	}
	imap_free(im);
}

static void
imap_free(struct imap *im)
{
	int i;

	mailsrv_clear(&im->srv);
	for (i = 0; i < im->nfolders; i++)
		free(im->folders[i].name);
	free(im->folders);
	free(im->state_path);
	free(im->uids);
	free(im->sizes);
	free(im->got);
	free(im->failed);
	free(im);
}

static int
imap_poll(struct provider *p, void (*done)(void *, const char *), void *arg,
    char **cause)
{
	struct imap *im = p->priv;

	if (im->polling) {
		set_cause(cause, "account '%s': a sync is already running", p->account);
		return -1;
	}
	im->polling = 1;
	im->done = done;
	im->done_arg = arg;
	im->fi = -1;
	free(im->failed);
	im->failed = NULL;
	imap_next_folder(im);
	return 0;
}

static int
imap_request(struct imap *im, const char *folder_url, const char *custom,
    int lines)
{
	struct net_mail_request mr;
	char *cause = NULL;

	memset(&mr, 0, sizeof mr);
	mr.url = folder_url != NULL ? folder_url : im->srv.base;
	mr.username = im->srv.username;
	mr.password = im->srv.password;
	mr.starttls = im->srv.starttls;
	mr.ca_file = im->srv.ca_file;
	mr.custom = custom;
	mr.lines = lines;
	mr.fresh = lines;
	im->req = net_mail(im->p->env.net, &mr, imap_answer, im, &cause);
	if (im->req == 0) {
		imap_finish(im, cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* STATUS of the next folder, or the end of the poll. */
static void
imap_next_folder(struct imap *im)
{
	char *cmd;

	free(im->uids);
	free(im->sizes);
	im->uids = im->sizes = NULL;
	im->nuids = im->pos = im->nbatch = im->cap = im->nsized = 0;
	if (++im->fi >= im->nfolders) {
		imap_finish(im, NULL);
		return;
	}
	im->step = IMAP_STATUS;
	cmd = xasprintf("STATUS \"%s\" (UIDVALIDITY UIDNEXT MESSAGES)",
	    im->folders[im->fi].name);
	imap_request(im, NULL, cmd, 0);
	free(cmd);
}

static void
imap_answer(void *arg, const struct net_mail_response *r)
{
	struct imap *im = arg;
	char *err;

	im->req = 0;
	/* A batch that could not be read is fetched again message by message;
	 * only a login, TLS or reachability problem ends the poll. */
	if (r->kind != NET_MAIL_OK && im->step != IMAP_ONE_FETCH &&
	    !(im->step == IMAP_BATCH_FETCH && r->kind != NET_MAIL_AUTH &&
	    r->kind != NET_MAIL_TLS && r->kind != NET_MAIL_CONNECT)) {
		err = imap_error(im, r);
		imap_finish(im, err);
		free(err);
		return;
	}
	switch (im->step) {
	case IMAP_STATUS:
		imap_on_status(im, r);
		break;
	case IMAP_SEARCH:
		imap_on_search(im, r);
		break;
	case IMAP_SIZES:
		imap_on_sizes(im, r);
		break;
	case IMAP_BATCH_FETCH:
		imap_on_batch(im, r);
		break;
	case IMAP_ONE_FETCH:
		imap_on_one(im, r);
		break;
	}
}

static int
imap_on_status(struct imap *im, const struct net_mail_response *r)
{
	struct imap_folder *f = &im->folders[im->fi];
	uint32_t validity, next, count;
	char *err;

	if (imap_parse_status(r->body, &validity, &next, &count) != 0) {
		err = xasprintf("account '%s': folder %s: the server's STATUS "
		    "answer has no UIDVALIDITY", im->p->account, f->name);
		imap_finish(im, err);
		free(err);
		return -1;
	}
	if (validity != f->uidvalidity) {
		/* A new folder, or the old UIDs name other messages now. */
		f->uidvalidity = validity;
		f->last_uid = 0;
		f->fail_uid = 0;
		f->fail_tries = 0;
	}
	if (next != 0 && next - 1 <= f->last_uid) {
		imap_next_folder(im);
		return 0;
	}
	im->uidnext = next;
	im->searched = f->last_uid;
	imap_search_next(im);
	return 0;
}

/* The next slice of UIDs, the last one open-ended ("a:*"). */
static void
imap_search_next(struct imap *im)
{
	struct imap_folder *f = &im->folders[im->fi];
	uint32_t from = im->searched + 1;
	char *url, *cmd;

	im->step = IMAP_SEARCH;
	url = mailsrv_folder_url(&im->srv, f->name);
	if (im->uidnext != 0 && im->uidnext - from > IMAP_SEARCH_SPAN)
		cmd = xasprintf("UID SEARCH UID %u:%u", from,
		    from + IMAP_SEARCH_SPAN - 1);
	else
		cmd = xasprintf("UID SEARCH UID %u:*", from);
	imap_request(im, url, cmd, 0);
	free(cmd);
	free(url);
}

static int
imap_on_search(struct imap *im, const struct net_mail_response *r)
{
	uint32_t *got;
	size_t n;

	imap_parse_search(r->body, im->searched, &got, &n);
	if (im->nuids + n > im->cap) {
		im->cap = im->nuids + n + 256;
		im->uids = xreallocarray(im->uids, im->cap, sizeof *im->uids);
	}
	if (n > 0)
		memcpy(im->uids + im->nuids, got, n * sizeof *got);
	im->nuids += n;
	free(got);
	if (im->uidnext != 0 && im->uidnext - (im->searched + 1) >
	    IMAP_SEARCH_SPAN) {
		im->searched += IMAP_SEARCH_SPAN;
		imap_search_next(im);
		return 0;
	}
	im->pos = 0;
	if (im->nuids == 0) {
		imap_state_save(im);
		imap_next_folder(im);
		return 0;
	}
	im->sizes = xcalloc(im->nuids, sizeof *im->sizes);
	im->nsized = 0;
	imap_sizes_next(im);
	return 0;
}

static void
imap_sizes_next(struct imap *im)
{
	struct imap_folder *f = &im->folders[im->fi];
	struct hbuf cmd = HBUF_INIT;
	size_t i, n = im->nuids - im->nsized;
	char *url;

	if (n == 0) {
		imap_fetch_batch(im);
		return;
	}
	if (n > IMAP_SIZE_SLICE)
		n = IMAP_SIZE_SLICE;
	im->step = IMAP_SIZES;
	hbuf_adds(&cmd, "UID FETCH ");
	for (i = 0; i < n; i++)
		hbuf_printf(&cmd, "%s%u", i ? "," : "", im->uids[im->nsized + i]);
	hbuf_adds(&cmd, " (UID RFC822.SIZE)");
	url = mailsrv_folder_url(&im->srv, f->name);
	imap_request(im, url, hbuf_str(&cmd), 0);
	free(url);
	hbuf_free(&cmd);
}

static void
imap_on_sizes(struct imap *im, const struct net_mail_response *r)
{
	size_t n = im->nuids - im->nsized;

	if (n > IMAP_SIZE_SLICE)
		n = IMAP_SIZE_SLICE;
	imap_parse_sizes(r->body, im->uids + im->nsized, n, im->sizes + im->nsized);
	im->nsized += n;
	imap_sizes_next(im);
}

static void
imap_fetch_batch(struct imap *im)
{
	struct imap_folder *f = &im->folders[im->fi];
	struct hbuf cmd = HBUF_INIT;
	char *url, *folder;
	size_t i;

	size_t bytes = 0, sz;

	for (im->nbatch = 0; im->pos + im->nbatch < im->nuids &&
	    im->nbatch < IMAP_BATCH; im->nbatch++) {
		sz = im->sizes[im->pos + im->nbatch];
		if (sz == 0 || bytes + sz + 64 > IMAP_BATCH_BYTES)
			break;
		bytes += sz + 64;
	}
	provider_progress(im->p, f->name, im->pos, im->nuids);
	free(im->got);
	im->single = 0;
	if (im->nbatch == 0) {
		/* Too large for a batch (or of unknown size): alone. */
		im->nbatch = 1;
		im->got = xcalloc(1, 1);
		imap_fetch_next_single(im);
		return;
	}
	im->got = xcalloc(im->nbatch, 1);
	im->step = IMAP_BATCH_FETCH;
	hbuf_adds(&cmd, "UID FETCH ");
	for (i = 0; i < im->nbatch; i++)
		hbuf_printf(&cmd, "%s%u", i ? "," : "", im->uids[im->pos + i]);
	hbuf_adds(&cmd, " (UID BODY.PEEK[])");
	/* ;UIDVALIDITY makes curl refuse a folder that changed meanwhile. */
	folder = mailsrv_folder_url(&im->srv, f->name);
	url = xasprintf("%s;UIDVALIDITY=%u", folder, f->uidvalidity);
	free(folder);
	imap_request(im, url, hbuf_str(&cmd), 1);
	free(url);
	hbuf_free(&cmd);
}

/* Hands over every message of the answer, in UID order. */
static int
imap_on_batch(struct imap *im, const struct net_mail_response *r)
{
	struct imap_fetched *msgs = NULL;
	size_t n = 0, i, j;
	int batch;

	if (r->kind == NET_MAIL_OK)
		imap_parse_fetch(r->body, r->body_len, &msgs, &n);
	batch = n > 0 && im->p->env.on_batch != NULL &&
	    im->p->env.on_batch(im->p->env.event_arg, 0) == 0;
	for (i = 0; i < n; i++) {
		for (j = 0; j < im->nbatch; j++) {
			if (im->uids[im->pos + j] == msgs[i].uid && !im->got[j])
				break;
		}
		if (j == im->nbatch)
			continue;   /* not asked for, or twice */
		im->in_event = 1;
		im->got[j] = imap_emit(im->p, &im->folders[im->fi], msgs[i].uid,
		    msgs[i].data, msgs[i].len) == 0 ? IMAP_GOT_STORED :
		    IMAP_GOT_FAILED;
		im->in_event = 0;
		if (im->closed) {
			/* The engine closes providers only between batches. */
			free(msgs);
			imap_free(im);
			return -1;
		}
	}
	free(msgs);
	if (batch && im->p->env.on_batch(im->p->env.event_arg, 1) != 0) {
		/* Nothing of it was committed: the next sync asks again. */
		memset(im->got, IMAP_GOT_NONE, im->nbatch);
		imap_batch_failed(im, 0);
		return 0;
	}
	imap_fetch_next_single(im);
	return 0;
}

/* Each UID the batch answer left out, alone; then the batch is done. */
static void
imap_fetch_next_single(struct imap *im)
{
	struct imap_folder *f = &im->folders[im->fi];
	char *folder, *url;

	while (im->single < im->nbatch && im->got[im->single])
		im->single++;
	if (im->single == im->nbatch) {
		imap_batch_done(im);
		return;
	}
	im->step = IMAP_ONE_FETCH;
	folder = mailsrv_folder_url(&im->srv, f->name);
	url = xasprintf("%s;UIDVALIDITY=%u/;UID=%u", folder, f->uidvalidity,
	    im->uids[im->pos + im->single]);
	free(folder);
	imap_request(im, url, NULL, 0);
	free(url);
}

/*
 * A message that cannot be fetched alone either was expunged since the
 * SEARCH (the server answers nothing), or the connection failed: the poll
 * stops there and the next one starts again after the last batch that was
 * handed over whole.
 */
static int
imap_on_one(struct imap *im, const struct net_mail_response *r)
{
	size_t j = im->single;
	char *err;
	int batch;

	/* A NO ends the poll too: the next one searches again, and a message
	 * expunged meanwhile is then no longer asked for. */
	if (r->kind != NET_MAIL_OK) {
		err = imap_error(im, r);
		imap_finish(im, err);
		free(err);
		return -1;
	}
	im->got[j] = IMAP_GOT_STORED;
	if (r->body_len > 0) {
		/* A batch of one: its commit is durable before the state moves. */
		batch = im->p->env.on_batch != NULL &&
		    im->p->env.on_batch(im->p->env.event_arg, 0) == 0;
		im->in_event = 1;
		if (imap_emit(im->p, &im->folders[im->fi], im->uids[im->pos + j],
		    r->body, r->body_len) != 0)
			im->got[j] = IMAP_GOT_FAILED;
		im->in_event = 0;
		if (im->closed) {
			imap_free(im);
			return -1;
		}
		if (batch && im->p->env.on_batch(im->p->env.event_arg, 1) != 0) {
			im->got[j] = IMAP_GOT_NONE;
			for (j = 0; im->got[j] == IMAP_GOT_STORED; j++)
				;
			imap_batch_failed(im, j);
			return 0;
		}
	}
	im->single++;
	imap_fetch_next_single(im);
	return 0;
}

/*
 * Every message of the batch went to the engine: remember how far it is
 * stored and go on. A message the engine could not store stops the folder
 * just before it (the messages after it that were stored come again next
 * time and are known by provider id), and counts a try against it.
 */
static void
imap_batch_done(struct imap *im)
{
	struct imap_folder *f = &im->folders[im->fi];
	size_t k;

	for (k = 0; k < im->nbatch; k++) {
		if (im->got[k] == IMAP_GOT_FAILED) {
			imap_batch_failed(im, k);
			return;
		}
	}
	if (f->fail_uid != 0 && f->fail_uid <= im->uids[im->pos + im->nbatch - 1]) {
		f->fail_uid = 0;
		f->fail_tries = 0;
	}
	f->last_uid = im->uids[im->pos + im->nbatch - 1];
	im->pos += im->nbatch;
	imap_state_save(im);
	if (im->pos < im->nuids)
		imap_fetch_batch(im);
	else
		imap_next_folder(im);
}

/* The batch is stored up to (not including) index k: the folder ends there.
 * A message that failed there counts a try; one left uncommitted does not. */
static void
imap_batch_failed(struct imap *im, size_t k)
{
	struct imap_folder *f = &im->folders[im->fi];
	uint32_t uid = im->uids[im->pos + k];

	if (im->got[k] == IMAP_GOT_FAILED) {
		if (f->fail_uid == uid)
			f->fail_tries++;
		else {
			f->fail_uid = uid;
			f->fail_tries = 1;
		}
	}
	if (k > 0)
		f->last_uid = im->uids[im->pos + k - 1];
	if (im->failed == NULL && im->got[k] == IMAP_GOT_FAILED)
		im->failed = xasprintf("account '%s': folder %s: message UID %u "
		    "could not be stored (%d time%s); the next sync fetches it "
		    "again%s", im->p->account, f->name, uid, f->fail_tries,
		    f->fail_tries == 1 ? "" : "s", f->fail_tries >= IMAP_MAX_TRIES ?
		    ", as a broken message shown raw" : "");
	else if (im->failed == NULL)
		im->failed = xasprintf("account '%s': folder %s: messages from "
		    "UID %u could not be committed; the next sync fetches them "
		    "again", im->p->account, f->name, uid);
	imap_state_save(im);
	imap_next_folder(im);
}

static void
imap_finish(struct imap *im, const char *error)
{
	void (*done)(void *, const char *) = im->done;
	char *msg = im->failed;

	if (error == NULL)
		error = msg;
	im->failed = NULL;
	im->polling = 0;
	im->done = NULL;
	free(im->uids);
	free(im->sizes);
	im->uids = im->sizes = NULL;
	im->nuids = im->pos = im->nbatch = im->cap = im->nsized = 0;
	if (done != NULL)
		done(im->done_arg, error);
	free(msg);
}

/* What went wrong, for the status bar and `hark sync`. */
static char *
imap_error(struct imap *im, const struct net_mail_response *r)
{
	const char *acct = im->p->account, *hp = im->srv.hostport;
	const char *folder = im->fi >= 0 && im->fi < im->nfolders ?
	    im->folders[im->fi].name : "?";

	switch (r->kind) {
	case NET_MAIL_AUTH:
		return xasprintf("account '%s': IMAP login to %s refused: %s "
		    "(check username and password)", acct, hp,
		    *r->reply ? r->reply : r->error);
	case NET_MAIL_TLS:
		return xasprintf("account '%s': TLS with %s failed: %s (a private "
		    "CA needs ca_file)", acct, hp, r->error);
	case NET_MAIL_CONNECT:
		return xasprintf("account '%s': cannot reach %s: %s", acct, hp,
		    r->error);
	case NET_MAIL_REFUSED:
		return xasprintf("account '%s': folder %s: the server said: %s",
		    acct, folder, r->reply);
	default:
		return xasprintf("account '%s': folder %s: %s%s%s", acct, folder,
		    r->error, *r->reply ? "; the server said: " : "", r->reply);
	}
}
