/*
 * relay.c — `hark relay`: loads the webhook secrets, listens, starts the
 * writer, the event socket and the HTTP server, and stops them in order on
 * SIGINT / SIGTERM.
 *
 * The relay refuses to start when a provider's webhooks could not be
 * verified (an account without its secret, Twilio without public_url):
 * accepting unsigned webhooks would let anyone who finds the URL write into
 * the user's inbox. --insecure-no-signatures is the explicit way out, for
 * tests on a closed machine, and is announced on stderr.
 */

#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hark/config.h"
#include "hark/relay.h"

#include "relay_int.h"

/* How long a stop waits for requests being received. */
#define RELAY_STOP_MS 5000

static int relay_keys_load(struct relay *r, const struct relay_opts *o,
    char **cause);
static int relay_key_add(struct relay_keys *ks, const struct config_account *a,
    const char *key, char **cause);
static char *relay_inbound_key(const char *api_key);
static int relay_sendgrid_key(struct relay_keys *ks,
    const struct config_account *a, char **cause);
static void relay_keys_free(struct relay_keys *ks);
static int relay_listen(const char *addr, int *fd, int *ipv6, char **shown,
    char **cause);
static char *relay_socket_path(const struct relay_opts *o);
static void relay_announce(const struct relay *r, const char *shown,
    const char *sock);

int
relay_run(const struct relay_opts *o, char **cause)
{
	struct relay r;
	struct evsock *evs = NULL;
	sigset_t sigs, old;
	char *shown = NULL, *sock = NULL;
	int fd = -1, ipv6 = 0, sig = 0, rc = -1;

	memset(&r, 0, sizeof r);
	r.cfg = o->cfg;
	r.insecure = o->insecure_no_signatures;
	r.verbose = o->verbose;
	r.max_body = o->cfg->relay_max_body > 0 ? (size_t)o->cfg->relay_max_body :
	    1024 * 1024;
	r.started_ms = hark_mono_ms();
	if (relay_keys_load(&r, o, cause) != 0) {
		rc = -2;
		goto out;
	}
	if ((rc = relay_listen(o->listen ? o->listen : o->cfg->relay_listen ?
	    o->cfg->relay_listen : "127.0.0.1:8686", &fd, &ipv6, &shown,
	    cause)) != 0)
		goto out;
	rc = -1;
	/* Every thread started from here on leaves the signals to sigwait. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	sock = relay_socket_path(o);
	if (evsock_open(sock, 0, &evs, cause) != 0)
		goto restore;
	r.evsock = evs;
	if (relay_writer_new(o->db_path, o->cfg, evs, &r.writer, cause) != 0)
		goto restore;
	evsock_notify(evs, relay_writer_last_id(r.writer));
	r.limiter = relay_limiter_new(o->cfg->relay_rate_limit);
	if (relay_http_start(&r, fd, ipv6, cause) != 0)
		goto restore;
	fd = -1; /* the server's now */
	relay_announce(&r, shown, sock);
	while (sigwait(&sigs, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
		;
	fprintf(stderr, "hark relay: %s, stopping\n", strsignal(sig));
	rc = 0;
restore:
	relay_http_stop(&r, RELAY_STOP_MS);
	relay_writer_free(r.writer);
	evsock_close(evs);
	relay_limiter_free(r.limiter);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
	if (fd >= 0)
		close(fd);
	relay_keys_free(&r.twilio);
	relay_keys_free(&r.mailgun);
	relay_keys_free(&r.sendgrid);
	free(r.public_url);
	free(shown);
	free(sock);
	return rc;
}

/* ---- secrets ---------------------------------------------------------------------------- */

/*
 * Resolves the secret of every account that receives webhooks. Without
 * --insecure-no-signatures, a missing one (or a Twilio account with no
 * public_url to check against) stops the relay with what to set.
 */
static int
relay_keys_load(struct relay *r, const struct relay_opts *o, char **cause)
{
	const struct config *cfg = o->cfg;
	const struct config_account *a;
	const char *url = cfg->relay_public_url;
	char *why = NULL;
	size_t n;
	int i, rc;

	if (url != NULL && *url != '\0') {
		n = strlen(url);
		while (n > 0 && url[n - 1] == '/')
			n--;
		r->public_url = xstrndup(url, n);
	}
	for (i = 0; i < cfg->naccounts; i++) {
		a = &cfg->accounts[i];
		rc = 0;
		if (strcmp(a->provider, "twilio") == 0) {
			if (r->public_url == NULL && !r->insecure) {
				set_cause(cause, "account '%s': Twilio signs webhooks "
				    "over the URL it calls, so [relay] public_url "
				    "must be set (or run with "
				    "--insecure-no-signatures)", a->name);
				return -1;
			}
			rc = relay_key_add(&r->twilio, a, "auth_token", &why);
		} else if (strcmp(a->provider, "mailgun") == 0)
			rc = relay_key_add(&r->mailgun, a, "signing_key", &why);
		else if (strcmp(a->provider, "sendgrid") == 0)
			rc = relay_sendgrid_key(&r->sendgrid, a, &why);
		if (rc < 0 || (rc > 0 && !r->insecure)) {
			set_cause(cause, rc < 0 ? "%s" : "%s: its webhooks could not "
			    "be verified; set it (or run with "
			    "--insecure-no-signatures)", why);
			free(why);
			return -1;
		}
		free(why);
		why = NULL;
	}
	return 0;
}

/* The verification key checks event webhooks; the API key derives the key
 * of the inbound parse URL. 0, 1 when one is missing (cause says), -1. */
static int
relay_sendgrid_key(struct relay_keys *ks, const struct config_account *a,
    char **cause)
{
	const char *vk = config_account_get(a, "verification_key");
	struct relay_key *k;
	char *api = NULL;
	int rc;

	if (vk == NULL || *vk == '\0') {
		set_cause(cause, "account '%s' has no verification_key", a->name);
		return 1;
	}
	if ((rc = config_account_secret(a, "api_key", &api, cause)) != 0) {
		if (rc > 0)
			set_cause(cause, "account '%s' has no api_key", a->name);
		return rc;
	}
	relay_key_add(ks, a, NULL, cause);
	k = &ks->k[ks->n - 1];
	k->secret = xstrdup(vk);
	k->inbound_key = relay_inbound_key(api);
	explicit_bzero(api, strlen(api));
	free(api);
	return 0;
}

/* Adds an account's secret `key` (NULL: an empty slot for the caller).
 * 0, 1 when the account has none (cause says so), -1. */
static int
relay_key_add(struct relay_keys *ks, const struct config_account *a,
    const char *key, char **cause)
{
	struct relay_key *k;
	char *secret = NULL;
	int rc;

	if (key != NULL) {
		if ((rc = config_account_secret(a, key, &secret, cause)) < 0)
			return -1;
		if (rc == 1) {
			set_cause(cause, "account '%s' has no %s", a->name, key);
			return 1;
		}
	}
	ks->k = xreallocarray(ks->k, (size_t)ks->n + 1, sizeof *ks->k);
	k = &ks->k[ks->n++];
	memset(k, 0, sizeof *k);
	k->account = xstrdup(a->name);
	k->secret = secret;
	return 0;
}

/* SendGrid's Inbound Parse cannot sign: its URL carries this key instead,
 * derived from the API key so that there is nothing more to configure. */
static char *
relay_inbound_key(const char *api_key)
{
	static const char label[] = "hark sendgrid inbound parse";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;
	char *hex = xmalloc(33);

	if (HMAC(EVP_sha256(), api_key, (int)strlen(api_key),
	    (const unsigned char *)label, sizeof label - 1, md, &len) == NULL)
		hark_fatal("HMAC-SHA256 failed");
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return hex;
}

static void
relay_keys_free(struct relay_keys *ks)
{
	int i;

	for (i = 0; i < ks->n; i++) {
		if (ks->k[i].secret != NULL)
			explicit_bzero(ks->k[i].secret, strlen(ks->k[i].secret));
		free(ks->k[i].secret);
		free(ks->k[i].account);
		free(ks->k[i].inbound_key);
	}
	free(ks->k);
	ks->k = NULL;
	ks->n = 0;
}

/* ---- listening ------------------------------------------------------------------------------ */

/*
 * Binds host:port or [v6]:port (port 0: any free port). *shown is the
 * address as bound, "127.0.0.1:43125". Returns 0, -2 for an address that
 * cannot be parsed, -1 when it cannot be bound.
 */
static int
relay_listen(const char *addr, int *fd, int *ipv6, char **shown, char **cause)
{
	struct addrinfo hints, *res = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char host[256], port[16], hbuf[NI_MAXHOST], pbuf[NI_MAXSERV];
	const char *colon, *p;
	int one = 1, err;

	if (addr[0] == '[') {
		if ((p = strchr(addr, ']')) == NULL || p[1] != ':')
			goto bad;
		snprintf(host, sizeof host, "%.*s", (int)(p - addr - 1), addr + 1);
		colon = p + 1;
	} else {
		if ((colon = strrchr(addr, ':')) == NULL || colon == addr ||
		    memchr(addr, ':', (size_t)(colon - addr)) != NULL)
			goto bad;
		snprintf(host, sizeof host, "%.*s", (int)(colon - addr), addr);
	}
	if (colon[1] == '\0' || strlen(colon + 1) > 5 ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    atoi(colon + 1) > 65535)
		goto bad;
	snprintf(port, sizeof port, "%s", colon + 1);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((err = getaddrinfo(host, port, &hints, &res)) != 0) {
		set_cause(cause, "cannot listen on %s: %s", addr, gai_strerror(err));
		return -2;
	}
	*ipv6 = res->ai_family == AF_INET6;
	*fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC,
	    res->ai_protocol);
	if (*fd < 0 || setsockopt(*fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof one) != 0 || bind(*fd, res->ai_addr, res->ai_addrlen) != 0 ||
	    listen(*fd, 1024) != 0 ||
	    getsockname(*fd, (struct sockaddr *)&ss, &sl) != 0) {
		set_cause(cause, "cannot listen on %s: %s", addr, strerror(errno));
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	if (getnameinfo((struct sockaddr *)&ss, sl, hbuf, sizeof hbuf, pbuf,
	    sizeof pbuf, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		*shown = xstrdup(addr);
	else
		*shown = xasprintf(*ipv6 ? "[%s]:%s" : "%s:%s", hbuf, pbuf);
	return 0;
bad:
	set_cause(cause, "bad listen address '%s' (expected HOST:PORT or "
	    "[IPV6]:PORT, e.g. 127.0.0.1:8686)", addr);
	return -2;
}

static char *
relay_socket_path(const struct relay_opts *o)
{
	char *dir, *path;

	if (o->socket_path != NULL)
		return xstrdup(o->socket_path);
	if (o->cfg->relay_socket != NULL && *o->cfg->relay_socket != '\0')
		return hark_expand_home(o->cfg->relay_socket);
	dir = hark_runtime_dir();
	path = xasprintf("%s/events.sock", dir);
	free(dir);
	return path;
}

/* The one line on stdout; with --verbose, the URLs to give each provider. */
static void
relay_announce(const struct relay *r, const char *shown, const char *sock)
{
	const char *base = r->public_url != NULL ? r->public_url : "(none)";
	int i;

	if (r->insecure)
		fprintf(stderr, "hark relay: WARNING: --insecure-no-signatures: "
		    "webhook signatures are NOT checked. Anyone who can reach "
		    "this relay can write messages into your inbox.\n");
	printf("hark relay: listening on http://%s, public URL %s, events socket "
	    "%s\n", shown, base, sock);
	fflush(stdout);
	if (!r->verbose)
		return;
	if (r->twilio.n > 0)
		fprintf(stderr, "hark relay: Twilio: messaging webhook %s/twilio/"
		    "message, status callback %s/twilio/status, voice status "
		    "%s/twilio/voice\n", base, base, base);
	if (r->mailgun.n > 0)
		fprintf(stderr, "hark relay: Mailgun: events %s/mailgun/events, route "
		    "forward(\"%s/mailgun/inbound\")\n", base, base);
	for (i = 0; i < r->sendgrid.n; i++)
		fprintf(stderr, "hark relay: SendGrid (%s): event webhook "
		    "%s/sendgrid/events, inbound parse %s/sendgrid/inbound?key=%s\n",
		    r->sendgrid.k[i].account, base, base,
		    r->sendgrid.k[i].inbound_key);
}
