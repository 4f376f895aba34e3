/* imap_state.c — the IMAP provider's folders (from config) and its sync state file. */

/*
 * The state file, state_dir/imap-ACCOUNT.state, holds one line per folder:
 * "uidvalidity last_uid name", then, for a folder whose next message the
 * engine could not store, "retry uid tries name" (how many syncs running
 * it failed; older hark ignores the line). It is replaced whole (written to a temporary
 * file, fsynced, renamed over), so a crash leaves the old state or the new,
 * never a mix; a line that does not read is ignored and its folder synced
 * from the start, which the engine deduplicates.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hark/provider.h"
#include "imap_int.h"

int
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

/* Unreadable or unknown lines are ignored: the folder then syncs from the start. */
void
imap_state_load(struct imap *im)
{
	FILE *fp = fopen(im->state_path, "r");
	char line[1024], *name;
	unsigned long v, u, t;
	int i, off, retry;

	if (fp == NULL)
		return;
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		retry = strncmp(line, "retry ", 6) == 0;
		if (retry ? sscanf(line + 6, "%lu %lu %n", &u, &t, &off) != 2 :
		    sscanf(line, "%lu %lu %n", &v, &u, &off) != 2)
			continue;
		name = line + off + (retry ? 6 : 0);
		for (i = 0; i < im->nfolders; i++) {
			if (strcmp(im->folders[i].name, name) != 0)
				continue;
			if (retry) {
				im->folders[i].fail_uid = (uint32_t)u;
				im->folders[i].fail_tries = (int)(t > 1000 ? 1000 : t);
			} else {
				im->folders[i].uidvalidity = (uint32_t)v;
				im->folders[i].last_uid = (uint32_t)u;
			}
		}
	}
	fclose(fp);
}

int
imap_state_save(struct imap *im)
{
	char *tmp = xasprintf("%s.%ld.tmp", im->state_path, (long)getpid());
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
		if (im->folders[i].uidvalidity != 0 && im->folders[i].fail_uid != 0)
			fprintf(fp, "retry %u %d %s\n", im->folders[i].fail_uid,
			    im->folders[i].fail_tries, im->folders[i].name);
	}
	ok = fflush(fp) == 0 && fsync(fileno(fp)) == 0;
	ok = fclose(fp) == 0 && ok;
	ok = ok && rename(tmp, im->state_path) == 0;
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok ? 0 : -1;
}
