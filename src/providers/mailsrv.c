/* mailsrv.c — an account's mail server as curl wants it: URL, login, TLS settings. */

/*
 * tls = tls speaks TLS from the first byte (smtps/imaps, ports 465/993);
 * starttls upgrades a plain connection and fails if the server does not
 * offer it (CURLUSESSL_ALL), ports 587/143; none is for local relays
 * (25/143). Certificates are always verified: ca_file adds a private CA
 * (a company's, a test server's) instead of the system's list.
 */

#include <stdlib.h>
#include <string.h>

#include "hark/config.h"
#include "hark/core.h"
#include "mailsrv_int.h"

int
mailsrv_open(const struct config_account *a, int imap, struct mailsrv *s,
    char **cause)
{
	const char *host = config_account_get(a, "host");
	const char *port = config_account_get(a, "port");
	const char *tls = config_account_get(a, "tls");
	const char *user = config_account_get(a, "username");
	const char *ca = config_account_get(a, "ca_file");
	const char *scheme, *defport;
	int v6;

	memset(s, 0, sizeof *s);
	if (host == NULL || *host == '\0') {
		set_cause(cause, "account '%s': no host set", a->name);
		return -1;
	}
	if (tls == NULL)
		tls = "tls";
	if (strcmp(tls, "tls") == 0) {
		scheme = imap ? "imaps" : "smtps";
		defport = imap ? "993" : "465";
	} else {
		scheme = imap ? "imap" : "smtp";
		defport = imap ? "143" : strcmp(tls, "starttls") == 0 ? "587" : "25";
		s->starttls = strcmp(tls, "starttls") == 0;
	}
	v6 = strchr(host, ':') != NULL;
	s->hostport = xasprintf("%s%s%s:%s", v6 ? "[" : "", host, v6 ? "]" : "",
	    port != NULL ? port : defport);
	s->base = xasprintf("%s://%s", scheme, s->hostport);
	if (user == NULL)
		user = a->from_email;
	if (user != NULL) {
		s->username = xstrdup(user);
		if (config_account_secret(a, "password", &s->password, cause) < 0) {
			mailsrv_clear(s);
			return -1;
		}
	}
	if (ca != NULL)
		s->ca_file = hark_expand_home(ca);
	return 0;
}

void
mailsrv_clear(struct mailsrv *s)
{
	free(s->base);
	free(s->hostport);
	free(s->username);
	if (s->password != NULL)
		explicit_bzero(s->password, strlen(s->password));
	free(s->password);
	free(s->ca_file);
	memset(s, 0, sizeof *s);
}

/* Folder names are UTF-8 here; curl sends the path as written, so only
 * characters a URL cannot hold are escaped. */
char *
mailsrv_folder_url(const struct mailsrv *s, const char *folder)
{
	static const char hex[] = "0123456789ABCDEF";
	struct hbuf b = HBUF_INIT;
	const unsigned char *p;

	hbuf_printf(&b, "%s/", s->base);
	for (p = (const unsigned char *)folder; *p != '\0'; p++) {
		if (*p <= ' ' || *p >= 0x7f || strchr("%?#;\"<>\\^`{|}", *p)) {
			hbuf_addc(&b, '%');
			hbuf_addc(&b, hex[*p >> 4]);
			hbuf_addc(&b, hex[*p & 0xf]);
		} else
			hbuf_addc(&b, (char)*p);
	}
	return hbuf_steal(&b);
}
