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
 * Each message becomes one event; the engine commits it inside the event
 * callback. Only once every message of a batch has been handed over does the
 * folder's last UID advance and the state file (state_dir/imap-ACCOUNT.state,
 * one "uidvalidity last_uid folder" line per folder) get replaced atomically
 * (write, fsync, rename). A crash therefore re-delivers at most one batch,
 * which the engine recognises by provider id. A changed UIDVALIDITY means the
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

#define IMAP_BATCH 100             /* messages per UID FETCH */
#define IMAP_MAX_FOLDERS 64

enum imap_step { IMAP_STATUS, IMAP_SEARCH, IMAP_BATCH_FETCH, IMAP_ONE_FETCH };

struct imap {
	struct provider *p;
	struct mailsrv srv;
	struct imap_folder *folders;
	int nfolders;
	char *state_path;
	/* the poll in progress */
	int polling;
	enum imap_step step;
	int fi;                        /* the folder */
	uint32_t *uids;                /* its new UIDs, ascending */
	size_t nuids, pos;             /* the batch is uids[pos, pos + nbatch) */
	size_t nbatch;
	unsigned char *got;            /* per batch UID: handed over */
	size_t single;                 /* next batch index to try alone */
	uint64_t req;
	int in_event;                  /* an event callback is on the stack */
	int closed;                    /* closed from inside it */
	void (*done)(void *, const char *);
	void *done_arg;
};

static int imap_open(struct provider *, char **);
static void imap_close(struct provider *);
static void imap_free(struct imap *im);
static int imap_poll(struct provider *, void (*)(void *, const char *), void *,
    char **);
static int imap_folders(struct imap *im, const char *list, const char *sent,
    char **cause);
static void imap_state_load(struct imap *im);
static int imap_state_save(struct imap *im);
static int imap_request(struct imap *im, const char *folder_url,
    const char *custom, int lines);
static void imap_next_folder(struct imap *im);
static void imap_answer(void *arg, const struct net_mail_response *r);
static int imap_on_status(struct imap *im, const struct net_mail_response *r);
static int imap_on_search(struct imap *im, const struct net_mail_response *r);
static int imap_on_batch(struct imap *im, const struct net_mail_response *r);
static int imap_on_one(struct imap *im, const struct net_mail_response *r);
static void imap_fetch_batch(struct imap *im);
static void imap_fetch_next_single(struct imap *im);
static void imap_batch_done(struct imap *im);
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

static int
imap_folders(struct imap *im, const char *list, const char *sent, char **cause)
{
	char *copy = xstrdup(list), *tok, *save = NULL, *e;
	struct imap_folder *f;

	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		for (e = tok + strlen(tok); e > tok && (e[-1] == ' ' ||
		    e[-1] == '\t'); e--)
			*--e = '\0';
		if (*tok == '\0')
			continue;
		if (strpbrk(tok, "\r\n\"\\") != NULL ||
		    im->nfolders == IMAP_MAX_FOLDERS) {
			set_cause(cause, "account '%s': folders: '%s' %s",
			    im->p->account, tok, im->nfolders == IMAP_MAX_FOLDERS ?
			    "is one folder too many (at most 64)" :
			    "holds a quote, backslash or line break");
			free(copy);
			return -1;
		}
		im->folders = xreallocarray(im->folders, (size_t)im->nfolders + 1,
		    sizeof *im->folders);
		f = &im->folders[im->nfolders++];
		memset(f, 0, sizeof *f);
		f->name = xstrdup(tok);
		f->outgoing = strcmp(tok, sent) == 0;
	}
	free(copy);
	if (im->nfolders == 0) {
		set_cause(cause, "account '%s': folders names no folder",
		    im->p->account);
		return -1;
	}
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
	free(im->got);
	free(im);
}

/* Unreadable or unknown lines are ignored: the folder then syncs from the start. */
static void
imap_state_load(struct imap *im)
{
	FILE *fp = fopen(im->state_path, "r");
	char line[1024], *name;
	unsigned long v, u;
	int i, off;

	if (fp == NULL)
		return;
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%lu %lu %n", &v, &u, &off) != 2)
			continue;
		name = line + off;
		for (i = 0; i < im->nfolders; i++) {
			if (strcmp(im->folders[i].name, name) == 0) {
				im->folders[i].uidvalidity = (uint32_t)v;
				im->folders[i].last_uid = (uint32_t)u;
			}
		}
	}
	fclose(fp);
}

static int
imap_state_save(struct imap *im)
{
	char *tmp = xasprintf("%s.tmp", im->state_path);
	FILE *fp;
	int i, ok;

	if ((fp = fopen(tmp, "w")) == NULL) {
		free(tmp);
		return -1;
	}
	for (i = 0; i < im->nfolders; i++) {
		if (im->folders[i].uidvalidity != 0)
			fprintf(fp, "%u %u %s\n", im->folders[i].uidvalidity,
			    im->folders[i].last_uid, im->folders[i].name);
	}
	ok = fflush(fp) == 0 && fsync(fileno(fp)) == 0;
	ok = fclose(fp) == 0 && ok;
	ok = ok && rename(tmp, im->state_path) == 0;
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok ? 0 : -1;
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
	im->uids = NULL;
	im->nuids = im->pos = im->nbatch = 0;
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
	if (r->kind != NET_MAIL_OK && im->step != IMAP_ONE_FETCH &&
	    !(im->step == IMAP_BATCH_FETCH && r->kind == NET_MAIL_TOO_BIG)) {
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
	char *url, *cmd, *err;

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
	}
	if (next != 0 && next - 1 <= f->last_uid) {
		imap_next_folder(im);
		return 0;
	}
	im->step = IMAP_SEARCH;
	url = mailsrv_folder_url(&im->srv, f->name);
	cmd = xasprintf("UID SEARCH UID %u:*", f->last_uid + 1);
	imap_request(im, url, cmd, 0);
	free(cmd);
	free(url);
	return 0;
}

static int
imap_on_search(struct imap *im, const struct net_mail_response *r)
{
	struct imap_folder *f = &im->folders[im->fi];

	imap_parse_search(r->body, f->last_uid, &im->uids, &im->nuids);
	im->pos = 0;
	if (im->nuids == 0) {
		imap_state_save(im);
		imap_next_folder(im);
		return 0;
	}
	imap_fetch_batch(im);
	return 0;
}

static void
imap_fetch_batch(struct imap *im)
{
	struct imap_folder *f = &im->folders[im->fi];
	struct hbuf cmd = HBUF_INIT;
	char *url, *folder;
	size_t i;

	im->nbatch = im->nuids - im->pos;
	if (im->nbatch > IMAP_BATCH)
		im->nbatch = IMAP_BATCH;
	free(im->got);
	im->got = xcalloc(im->nbatch, 1);
	im->single = 0;
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

	if (r->kind == NET_MAIL_OK)
		imap_parse_fetch(r->body, r->body_len, &msgs, &n);
	for (i = 0; i < n; i++) {
		for (j = 0; j < im->nbatch; j++) {
			if (im->uids[im->pos + j] == msgs[i].uid && !im->got[j])
				break;
		}
		if (j == im->nbatch)
			continue;   /* not asked for, or twice */
		im->got[j] = 1;
		im->in_event = 1;
		imap_emit(im->p, &im->folders[im->fi], msgs[i].uid, msgs[i].data,
		    msgs[i].len);
		im->in_event = 0;
		if (im->closed) {
			free(msgs);
			imap_free(im);
			return -1;
		}
	}
	free(msgs);
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

	if (r->kind != NET_MAIL_OK && r->kind != NET_MAIL_REFUSED) {
		err = imap_error(im, r);
		imap_finish(im, err);
		free(err);
		return -1;
	}
	im->got[j] = 1;
	if (r->kind == NET_MAIL_OK && r->body_len > 0) {
		im->in_event = 1;
		imap_emit(im->p, &im->folders[im->fi], im->uids[im->pos + j],
		    r->body, r->body_len);
		im->in_event = 0;
		if (im->closed) {
			imap_free(im);
			return -1;
		}
	}
	im->single++;
	imap_fetch_next_single(im);
	return 0;
}

/* Every message of the batch is with the engine: remember it, go on. */
static void
imap_batch_done(struct imap *im)
{
	struct imap_folder *f = &im->folders[im->fi];

	f->last_uid = im->uids[im->pos + im->nbatch - 1];
	im->pos += im->nbatch;
	imap_state_save(im);
	if (im->pos < im->nuids)
		imap_fetch_batch(im);
	else
		imap_next_folder(im);
}

static void
imap_finish(struct imap *im, const char *error)
{
	void (*done)(void *, const char *) = im->done;

	im->polling = 0;
	im->done = NULL;
	free(im->uids);
	im->uids = NULL;
	im->nuids = im->pos = im->nbatch = 0;
	if (done != NULL)
		done(im->done_arg, error);
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
