/* mailsrv_int.h — how smtp.c and imap*.c reach a mail server: URL, login, TLS. */
#ifndef HARK_MAILSRV_INT_H
#define HARK_MAILSRV_INT_H

struct config;
struct config_account;

/* An account's server, resolved once at open (the password read from
 * password / password_cmd / password_env). */
struct mailsrv {
	char *base;        /* "smtps://host:465", "imap://host:143" (no path) */
	char *hostport;    /* "host:port", for messages */
	char *username;    /* NULL: no login */
	char *password;
	char *ca_file;     /* NULL: the system's CAs */
	int starttls;
};

/* Reads host, port, tls, username (else from_email), password and ca_file of
 * account a for SMTP (imap 0) or IMAP (imap 1). 0, or -1 with cause. */
int mailsrv_open(const struct config_account *a, int imap, struct mailsrv *s,
    char **cause);
void mailsrv_clear(struct mailsrv *s);
/* base + "/" + folder, with the folder percent-encoded as curl wants. Caller frees. */
char *mailsrv_folder_url(const struct mailsrv *s, const char *folder);

#endif
