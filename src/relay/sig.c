/*
 * sig.c — webhook signatures: Twilio (HMAC-SHA1 over URL and sorted
 * params, or over the URL with a body hash), Mailgun (HMAC-SHA256 of
 * timestamp and token) and SendGrid (ECDSA P-256 over timestamp and body).
 * Every comparison of a secret-derived value is constant-time.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509.h>

#include "hark/core.h"
#include "hark/relay.h"

#define TWILIO_SIG_LEN 28      /* base64 of a 20-byte SHA-1 */
#define TWILIO_URL_VARIANTS 6  /* {given, port stripped, port added} × {#frag, none} */
#define SIG_B64_MAX 4096       /* keys and signatures are ~100 characters */

static int sig_param_cmp(const void *a, const void *b);
static void twilio_params_append(struct hbuf *b, const struct form *params);
static void twilio_hmac(const char *token, const char *url, size_t url_len,
    const char *suffix, size_t suffix_len, char out[TWILIO_SIG_LEN + 1]);
static int twilio_url_variants(const char *url, char *out[TWILIO_URL_VARIANTS]);
static const char *twilio_url_port(const char *url, const char **auth_end);
static void hex_encode(const unsigned char *in, size_t n, char *out);
static unsigned char *b64_decode(const char *in, size_t *outlen);

/* Code-point order of names, then of values (Twilio's validators). */
static int
sig_param_cmp(const void *a, const void *b)
{
	const struct form_param *x = *(const struct form_param *const *)a;
	const struct form_param *y = *(const struct form_param *const *)b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : strcmp(x->value, y->value);
}

/* Appends name+value for every parameter in sorted order, each distinct
 * value of a repeated name once (as the Python and PHP validators do). */
static void
twilio_params_append(struct hbuf *b, const struct form *params)
{
	const struct form_param **v;
	int i;

	if (params == NULL || params->n == 0)
		return;
	v = xreallocarray(NULL, (size_t)params->n, sizeof *v);
	for (i = 0; i < params->n; i++)
		v[i] = &params->p[i];
	qsort(v, (size_t)params->n, sizeof *v, sig_param_cmp);
	for (i = 0; i < params->n; i++) {
		if (i > 0 && sig_param_cmp(&v[i - 1], &v[i]) == 0)
			continue;
		hbuf_adds(b, v[i]->name);
		hbuf_adds(b, v[i]->value);
	}
	free(v);
}

static void
twilio_hmac(const char *token, const char *url, size_t url_len,
    const char *suffix, size_t suffix_len, char out[TWILIO_SIG_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct hbuf b = HBUF_INIT;

	hbuf_add(&b, url, url_len);
	hbuf_add(&b, suffix, suffix_len);
	if (HMAC(EVP_sha1(), token, (int)strlen(token),
	    (const unsigned char *)hbuf_str(&b), b.len, md, &mdlen) == NULL)
		hark_fatal("HMAC-SHA1 failed");
	hbuf_free(&b);
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
}

/*
 * Finds the port of scheme://[user@]host[:port]/...: returns the ':' before
 * it (NULL when there is none) and sets *auth_end to where the authority
 * ends. Returns NULL with *auth_end NULL when url has no "://".
 */
static const char *
twilio_url_port(const char *url, const char **auth_end)
{
	const char *auth = strstr(url, "://"), *host, *p, *colon = NULL;

	*auth_end = NULL;
	if (auth == NULL)
		return NULL;
	auth += 3;
	*auth_end = auth + strcspn(auth, "/?#");
	host = auth;
	for (p = auth; p < *auth_end; p++) {
		if (*p == '@')
			host = p + 1;
	}
	p = host;
	if (*p == '[') {
		while (p < *auth_end && *p != ']')
			p++;
	}
	for (; p < *auth_end; p++) {
		if (*p == ':')
			colon = p;
	}
	return colon;
}

/*
 * The URLs Twilio may have signed for url: as given, with an explicit port
 * removed, or with the default port added; and each of them without a
 * #fragment (connection overrides are configured in the fragment, which
 * never travels over HTTP). Returns how many were stored (caller frees).
 */
static int
twilio_url_variants(const char *url, char *out[TWILIO_URL_VARIANTS])
{
	const char *colon, *auth_end, *port;
	size_t scheme_len;
	int n = 0, i, base;

	out[n++] = xstrdup(url);
	colon = twilio_url_port(url, &auth_end);
	if (colon != NULL) {
		out[n++] = xasprintf("%.*s%s", (int)(colon - url), url,
		    auth_end);
	} else if (auth_end != NULL) {
		scheme_len = (size_t)(strstr(url, "://") - url);
		port = NULL;
		if (scheme_len == 5 && strncasecmp(url, "https", 5) == 0)
			port = ":443";
		else if (scheme_len == 4 && strncasecmp(url, "http", 4) == 0)
			port = ":80";
		if (port != NULL) {
			out[n++] = xasprintf("%.*s%s%s",
			    (int)(auth_end - url), url, port, auth_end);
		}
	}
	base = n;
	for (i = 0; i < base; i++) {
		if (strchr(out[i], '#') != NULL)
			out[n++] = xstrndup(out[i], strcspn(out[i], "#"));
	}
	return n;
}

void
twilio_signature(const char *auth_token, const char *url,
    const struct form *params, char out[29])
{
	struct hbuf b = HBUF_INIT;

	twilio_params_append(&b, params);
	twilio_hmac(auth_token, url, strlen(url), hbuf_str(&b), b.len, out);
	hbuf_free(&b);
}

int
twilio_signature_valid(const char *auth_token, const char *url,
    const struct form *params, const char *signature)
{
	char *urls[TWILIO_URL_VARIANTS], mac[TWILIO_SIG_LEN + 1];
	struct hbuf b = HBUF_INIT;
	int n, i, ok = 0;

	if (auth_token == NULL || url == NULL || signature == NULL ||
	    strlen(signature) != TWILIO_SIG_LEN)
		return 0;
	twilio_params_append(&b, params);
	n = twilio_url_variants(url, urls);
	for (i = 0; i < n; i++) {
		twilio_hmac(auth_token, urls[i], strlen(urls[i]), hbuf_str(&b),
		    b.len, mac);
		ok |= CRYPTO_memcmp(mac, signature, TWILIO_SIG_LEN) == 0;
		free(urls[i]);
	}
	hbuf_free(&b);
	return ok;
}

static void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

int
twilio_signature_valid_json(const char *auth_token, const char *url,
    const char *body, size_t len, const char *signature)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	const char *q;
	size_t vlen;

	if (url == NULL || (body == NULL && len > 0))
		return 0;
	/* bodySHA256 is a parameter of the query (before any #fragment). */
	for (q = strchr(url, '?'); q != NULL && *q != '\0' && *q != '#';
	    q += strcspn(q + 1, "&#") + 1) {
		if (strncmp(q + 1, "bodySHA256=", 11) == 0)
			break;
	}
	if (q == NULL || *q == '\0' || *q == '#')
		return 0;
	q += 12;
	vlen = strcspn(q, "&#");
	if (EVP_Digest(body != NULL ? body : "", len, md, &mdlen, EVP_sha256(),
	    NULL) != 1)
		hark_fatal("SHA-256 failed");
	hex_encode(md, mdlen, hex);
	if (vlen != 2 * (size_t)mdlen || CRYPTO_memcmp(hex, q, vlen) != 0)
		return 0;
	return twilio_signature_valid(auth_token, url, NULL, signature);
}

int
mailgun_signature_valid(const char *signing_key, const char *timestamp,
    const char *token, const char *signature, int64_t now_s, int64_t max_age_s)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1], given[2 * EVP_MAX_MD_SIZE + 1];
	struct hbuf b = HBUF_INIT;
	size_t i, n;
	int64_t ts = 0, age;

	if (signing_key == NULL || timestamp == NULL || token == NULL ||
	    signature == NULL)
		return 0;
	hbuf_adds(&b, timestamp);
	hbuf_adds(&b, token);
	if (HMAC(EVP_sha256(), signing_key, (int)strlen(signing_key),
	    (const unsigned char *)hbuf_str(&b), b.len, md, &mdlen) == NULL)
		hark_fatal("HMAC-SHA256 failed");
	hbuf_free(&b);
	hex_encode(md, mdlen, hex);
	n = strlen(signature);
	if (n != 2 * (size_t)mdlen)
		return 0;
	for (i = 0; i < n; i++)
		given[i] = (char)tolower((unsigned char)signature[i]);
	if (CRYPTO_memcmp(hex, given, n) != 0)
		return 0;
	/* Signed, so now only its age matters: a replay of an old request. */
	n = strlen(timestamp);
	if (n == 0 || n > 15 || strspn(timestamp, "0123456789") != n ||
	    now_s < 0)
		return -1;
	ts = strtoll(timestamp, NULL, 10);
	age = now_s >= ts ? now_s - ts : ts - now_s;
	return age <= max_age_s ? 1 : -1;
}

/* Standard base64 (whitespace ignored) into a new buffer, or NULL. */
static unsigned char *
b64_decode(const char *in, size_t *outlen)
{
	EVP_ENCODE_CTX *ctx;
	unsigned char *out;
	size_t n = strlen(in);
	int len = 0, fin = 0, ok;

	if (n == 0 || n > SIG_B64_MAX)
		return NULL;
	ctx = EVP_ENCODE_CTX_new();
	if (ctx == NULL)
		hark_fatal("out of memory");
	out = xmalloc(n / 4 * 3 + 3);
	EVP_DecodeInit(ctx);
	ok = EVP_DecodeUpdate(ctx, out, &len, (const unsigned char *)in,
	    (int)n) >= 0 && EVP_DecodeFinal(ctx, out + len, &fin) == 1;
	EVP_ENCODE_CTX_free(ctx);
	if (!ok || len + fin == 0) {
		free(out);
		return NULL;
	}
	*outlen = (size_t)(len + fin);
	return out;
}

int
sendgrid_signature_valid(const char *public_key_b64, const char *timestamp,
    const char *body, size_t len, const char *signature_b64)
{
	unsigned char *der = NULL, *sig = NULL;
	const unsigned char *p;
	size_t derlen = 0, siglen = 0, glen = 0;
	EVP_PKEY *pk = NULL;
	EVP_MD_CTX *ctx = NULL;
	char group[64];
	int ok = 0;

	if (public_key_b64 == NULL || timestamp == NULL || signature_b64 ==
	    NULL || (body == NULL && len > 0))
		return 0;
	if ((der = b64_decode(public_key_b64, &derlen)) == NULL ||
	    (sig = b64_decode(signature_b64, &siglen)) == NULL)
		goto out;
	p = der;
	pk = d2i_PUBKEY(NULL, &p, (long)derlen);
	if (pk == NULL || p != der + derlen ||
	    EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC ||
	    EVP_PKEY_get_group_name(pk, group, sizeof group, &glen) != 1 ||
	    strcmp(group, "prime256v1") != 0)
		goto out;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		hark_fatal("out of memory");
	ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pk) == 1 &&
	    EVP_DigestVerifyUpdate(ctx, timestamp, strlen(timestamp)) == 1 &&
	    EVP_DigestVerifyUpdate(ctx, body != NULL ? body : "", len) == 1 &&
	    EVP_DigestVerifyFinal(ctx, sig, siglen) == 1;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	free(der);
	free(sig);
	/* A failed check leaves errors queued; other users of OpenSSL on this
	 * thread (libcurl) must not see them. */
	ERR_clear_error();
	return ok;
}
