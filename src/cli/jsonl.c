/* jsonl.c — one message per JSON line: parsing for import, formatting for export. */

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "hark/core.h"
#include "hark/store.h"
#include "hark/util.h"

#include "jsonl.h"

struct jsonl_reader {
	char *region;
	EVP_MD_CTX *md;
	EVP_MD *sha256;   /* fetched once: a per-line implicit fetch costs more than the hash */
};

static int jl_str(const cJSON *root, const char *name, int required,
    const char **out, char **cause);
static int jl_kinds(const cJSON *root, struct jsonl_line *out, char **cause);
static int jl_address(struct jsonl_reader *r, const cJSON *root,
    struct jsonl_line *out, char **cause);
static int jl_time(const cJSON *root, const char *name, int64_t *out, char **cause);
static int jl_times(const cJSON *root, struct store_message *m, char **cause);
static int jl_texts(const cJSON *root, struct jsonl_line *out, char **cause);
static int jl_status(const cJSON *root, struct jsonl_line *out, char **cause);
static int jl_price(const cJSON *root, struct jsonl_line *out, char **cause);
static void jl_derive_id(struct jsonl_reader *r, struct jsonl_line *out);
static void jl_hash_field(EVP_MD_CTX *md, const char *s);
static void jl_add(cJSON *o, const char *name, const char *value);
static void jl_add_time(cJSON *o, const char *name, int64_t ms);

struct jsonl_reader *
jsonl_reader_new(const char *default_region)
{
	struct jsonl_reader *r = xcalloc(1, sizeof *r);

	r->region = xstrdup(default_region != NULL ? default_region : "US");
	r->md = EVP_MD_CTX_new();
	r->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (r->md == NULL || r->sha256 == NULL)
		hark_fatal("libcrypto has no SHA-256");
	return r;
}

void
jsonl_reader_free(struct jsonl_reader *r)
{
	if (r == NULL)
		return;
	EVP_MD_CTX_free(r->md);
	EVP_MD_free(r->sha256);
	free(r->region);
	free(r);
}

const char *
jsonl_reader_region(const struct jsonl_reader *r)
{
	return r->region;
}

void
jsonl_line_clear(struct jsonl_line *l)
{
	int i;

	cJSON_Delete(l->root);
	free(l->address);
	for (i = 0; i < l->nowned; i++)
		free(l->owned[i]);
	free(l->owned);
	memset(l, 0, sizeof *l);
}

/* A string field: 0 with *out (NULL when absent and optional), or -1. */
static int
jl_str(const cJSON *root, const char *name, int required, const char **out,
    char **cause)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v)) {
		if (!required)
			return 0;
		set_cause(cause, "missing field '%s'", name);
		return -1;
	}
	if (!cJSON_IsString(v)) {
		set_cause(cause, "field '%s' must be a string", name);
		return -1;
	}
	if (!utf8_valid(v->valuestring, strlen(v->valuestring))) {
		set_cause(cause, "field '%s' is not valid UTF-8", name);
		return -1;
	}
	*out = v->valuestring;
	return 0;
}

static int
jl_kinds(const cJSON *root, struct jsonl_line *out, char **cause)
{
	const char *s;

	if (jl_str(root, "channel", 1, &s, cause) != 0)
		return -1;
	if (hark_channel_parse(s, &out->m.channel) != 0) {
		set_cause(cause, "unknown channel '%.40s'", s);
		return -1;
	}
	if (jl_str(root, "direction", 1, &s, cause) != 0)
		return -1;
	if (hark_direction_parse(s, &out->m.direction) != 0) {
		set_cause(cause, "unknown direction '%.40s' (in or out)", s);
		return -1;
	}
	out->kind = store_id_kind_for(out->m.channel);
	return 0;
}

/* The other party is the sender of what came in and the recipient of what
 * went out; hark's own side is left empty, as the file does not say it. */
static int
jl_address(struct jsonl_reader *r, const cJSON *root, struct jsonl_line *out,
    char **cause)
{
	const char *s;
	char *why = NULL;

	if (jl_str(root, "address", 1, &s, cause) != 0)
		return -1;
	out->address = addr_normalize(out->m.channel, s, r->region, &why);
	if (out->address == NULL) {
		set_cause(cause, "bad address '%.60s': %s", s, why != NULL ? why : "invalid");
		free(why);
		return -1;
	}
	if (jl_str(root, "own_address", 0, &s, cause) != 0)
		return -1;
	if (s == NULL)
		s = "";
	out->m.from_addr = out->m.direction == HARK_DIR_IN ? out->address : (char *)s;
	out->m.to_addr = out->m.direction == HARK_DIR_IN ? (char *)s : out->address;
	return 0;
}

/* ISO 8601 text, or epoch milliseconds as a number or a string of digits. */
static int
jl_time(const cJSON *root, const char *name, int64_t *out, char **cause)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
	const char *s;
	char *end;

	if (v == NULL || cJSON_IsNull(v)) {
		set_cause(cause, "missing field '%s'", name);
		return -1;
	}
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble < 0 || v->valuedouble > 9007199254740991.0 ||
		    v->valuedouble != floor(v->valuedouble)) {
			set_cause(cause, "bad %s %g (epoch milliseconds expected)",
			    name, v->valuedouble);
			return -1;
		}
		*out = (int64_t)v->valuedouble;
		return 0;
	}
	if (!cJSON_IsString(v)) {
		set_cause(cause, "field '%s' must be a string or a number", name);
		return -1;
	}
	s = v->valuestring;
	if (*s >= '0' && *s <= '9') {
		long long ms = strtoll(s, &end, 10);

		if (*end == '\0' && ms >= 0) {
			*out = ms;
			return 0;
		}
	}
	if (time_parse_iso(s, out) != 0) {
		set_cause(cause, "bad %s '%.40s'", name, s);
		return -1;
	}
	return 0;
}

/* The optional text fields. m only reads them, so pointing its char * at
 * the tree's strings is safe; they live until jsonl_line_clear. */
static int
jl_texts(const cJSON *root, struct jsonl_line *out, char **cause)
{
	static const char *const names[] = { "subject", "body", "message_id",
	    "in_reply_to", "provider", "provider_id", "error_code", "error_text",
	    "references", "encoding" };
	struct store_message *m = &out->m;
	char **fields[HARK_NELEM(names)] = { &m->subject, &m->body, &m->message_id,
	    &m->in_reply_to, &m->provider, &m->provider_id, &m->error_code,
	    &m->error_text, &m->refs, &m->encoding };
	const cJSON *seg;
	const char *v;
	size_t i;

	if (jl_str(root, "contact", 0, &out->contact, cause) != 0)
		return -1;
	for (i = 0; i < HARK_NELEM(names); i++) {
		if (jl_str(root, names[i], 0, &v, cause) != 0)
			return -1;
		*fields[i] = (char *)v;
	}
	if (out->contact != NULL && *out->contact == '\0')
		out->contact = NULL;
	if (m->body == NULL)
		m->body = (char *)"";
	if (m->provider == NULL || *m->provider == '\0')
		m->provider = (char *)"import";
	if (m->provider_id != NULL && *m->provider_id == '\0')
		m->provider_id = NULL;
	seg = cJSON_GetObjectItemCaseSensitive(root, "segments");
	if (cJSON_IsNumber(seg) && seg->valuedouble >= 0 && seg->valuedouble < 10000)
		m->segments = (int)seg->valuedouble;
	return 0;
}

/* The other times a message has (an export writes them), and whether it
 * was seen: history imports as seen unless the line says otherwise. */
static int
jl_times(const cJSON *root, struct store_message *m, char **cause)
{
	static const char *const names[] = { "sent_at", "delivered_at", "read_at",
	    "scheduled_at" };
	int64_t *fields[HARK_NELEM(names)] = { &m->sent_at, &m->delivered_at,
	    &m->read_at, &m->scheduled_at };
	const cJSON *v;
	size_t i;

	for (i = 0; i < HARK_NELEM(names); i++) {
		v = cJSON_GetObjectItemCaseSensitive(root, names[i]);
		if (v != NULL && !cJSON_IsNull(v) &&
		    jl_time(root, names[i], fields[i], cause) != 0)
			return -1;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "seen");
	if (v != NULL && !cJSON_IsNull(v) && !cJSON_IsBool(v)) {
		set_cause(cause, "field 'seen' must be true or false");
		return -1;
	}
	m->seen = v == NULL || !cJSON_IsFalse(v);
	return 0;
}

/* Without a status, what came in was received and what went out was sent. */
static int
jl_status(const cJSON *root, struct jsonl_line *out, char **cause)
{
	const char *s;

	if (jl_str(root, "status", 0, &s, cause) != 0)
		return -1;
	if (s == NULL) {
		out->m.status = out->m.direction == HARK_DIR_IN ? HARK_ST_RECEIVED :
		    HARK_ST_SENT;
		return 0;
	}
	if (hark_status_parse(s, &out->m.status) != 0) {
		set_cause(cause, "unknown status '%.40s'", s);
		return -1;
	}
	return 0;
}

static int
jl_price(const cJSON *root, struct jsonl_line *out, char **cause)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "price");
	const char *currency, *s;
	char num[64], *why = NULL;

	if (jl_str(root, "currency", 0, &currency, cause) != 0)
		return -1;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsNumber(v)) {
		snprintf(num, sizeof num, "%.6f", v->valuedouble);
		s = num;
	} else if (cJSON_IsString(v))
		s = v->valuestring;
	else {
		set_cause(cause, "field 'price' must be a decimal");
		return -1;
	}
	if (money_parse(s, currency != NULL ? currency : "", &out->m.price, &why) != 0) {
		set_cause(cause, "bad price '%.40s': %s", s, why != NULL ? why : "invalid");
		free(why);
		return -1;
	}
	out->m.has_price = 1;
	return 0;
}

/* Length-prefixed, so that moving text between fields changes the hash. */
static void
jl_hash_field(EVP_MD_CTX *md, const char *s)
{
	uint64_t n = s != NULL ? strlen(s) : UINT64_MAX;
	unsigned char len[8];
	int i;

	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	EVP_DigestUpdate(md, len, sizeof len);
	if (s != NULL)
		EVP_DigestUpdate(md, s, strlen(s));
}

/*
 * A line without provider_id gets one made from what identifies the
 * message, so importing the same file twice finds every line present: its
 * time, then 128 bits of the SHA-256 of its content. The time comes first so
 * that a history imported in order appends to the (provider, provider_id)
 * index instead of writing all over it, which keeps a million-line import
 * from slowing down as the index outgrows the page cache.
 */
static void
jl_derive_id(struct jsonl_reader *r, struct jsonl_line *out)
{
	static const char hex[] = "0123456789abcdef";
	const struct store_message *m = &out->m;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0, i;
	char when[32];
	int n;

	snprintf(when, sizeof when, "%" PRId64, m->created_at);
	if (EVP_DigestInit_ex(r->md, r->sha256, NULL) != 1)
		hark_fatal("SHA-256 init failed");
	jl_hash_field(r->md, hark_channel_name(m->channel));
	jl_hash_field(r->md, hark_direction_name(m->direction));
	jl_hash_field(r->md, out->address);
	jl_hash_field(r->md, when);
	jl_hash_field(r->md, m->subject);
	jl_hash_field(r->md, m->body);
	jl_hash_field(r->md, m->message_id);
	if (EVP_DigestFinal_ex(r->md, d, &dlen) != 1 || dlen != 32)
		hark_fatal("SHA-256 failed");
	n = snprintf(out->derived_id, sizeof out->derived_id, "%013" PRId64 "-",
	    m->created_at);
	for (i = 0; i < 16; i++) {
		out->derived_id[n + 2 * (int)i] = hex[d[i] >> 4];
		out->derived_id[n + 2 * (int)i + 1] = hex[d[i] & 0xf];
	}
	out->derived_id[n + 32] = '\0';
	out->m.provider_id = out->derived_id;
}

int
jsonl_parse(struct jsonl_reader *r, const char *line, size_t len,
    struct jsonl_line *out, char **cause)
{
	const char *type;

	memset(out, 0, sizeof *out);
	out->root = cJSON_ParseWithLength(line, len);
	if (out->root == NULL) {
		set_cause(cause, "not valid JSON");
		return -1;
	}
	if (!cJSON_IsObject(out->root)) {
		set_cause(cause, "not a JSON object");
		return -1;
	}
	if (jl_str(out->root, "type", 0, &type, cause) != 0)
		return -1;
	if (type != NULL && strcmp(type, "contact") == 0) {
		out->type = JSONL_CONTACT;
		return jsonl_parse_contact(r, out, cause);
	}
	if (type != NULL && strcmp(type, "opt_out") == 0) {
		out->type = JSONL_OPTOUT;
		return jsonl_parse_optout(r, out, cause);
	}
	if (type != NULL && strcmp(type, "template") == 0) {
		out->type = JSONL_TEMPLATE;
		return jsonl_parse_template(r, out, cause);
	}
	if (type != NULL && strcmp(type, "message") != 0) {
		set_cause(cause, "unknown type '%.40s' (message, contact, opt_out or "
		    "template)", type);
		return -1;
	}
	if (jl_kinds(out->root, out, cause) != 0 ||
	    jl_address(r, out->root, out, cause) != 0 ||
	    jl_time(out->root, "timestamp", &out->m.created_at, cause) != 0 ||
	    jl_texts(out->root, out, cause) != 0 ||
	    jl_times(out->root, &out->m, cause) != 0 ||
	    jl_status(out->root, out, cause) != 0 ||
	    jl_price(out->root, out, cause) != 0 ||
	    jsonl_parse_extras(r, out, cause) != 0)
		return -1;
	if (out->m.provider_id == NULL)
		jl_derive_id(r, out);
	return 0;
}

const char *
jsonl_other_address(const struct store_message *m)
{
	const char *a = m->direction == HARK_DIR_IN ? m->from_addr : m->to_addr;

	return a != NULL ? a : "";
}

void
jsonl_time_format(int64_t ms, char *buf, size_t size)
{
	time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	int frac = (int)(ms - (int64_t)secs * 1000);
	struct tm tm;

	gmtime_r(&secs, &tm);
	if (frac == 0)
		strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else {
		char base[32];

		strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(buf, size, "%s.%03dZ", base, frac);
	}
}

void
jsonl_money_decimal(int64_t micros, char *buf, size_t size)
{
	uint64_t u = micros < 0 ? (uint64_t)0 - (uint64_t)micros : (uint64_t)micros;
	char frac[8];
	int n;

	snprintf(frac, sizeof frac, "%06" PRIu64, u % 1000000);
	for (n = 6; n > 2 && frac[n - 1] == '0'; n--)
		;
	frac[n] = '\0';
	snprintf(buf, size, "%s%" PRIu64 ".%s", micros < 0 ? "-" : "", u / 1000000, frac);
}

static void
jl_add(cJSON *o, const char *name, const char *value)
{
	if (value != NULL)
		cJSON_AddStringToObject(o, name, value);
}

/* A time field, when set. */
static void
jl_add_time(cJSON *o, const char *name, int64_t ms)
{
	char when[40];

	if (ms == 0)
		return;
	jsonl_time_format(ms, when, sizeof when);
	cJSON_AddStringToObject(o, name, when);
}

cJSON *
jsonl_message_json(const struct store_message *m, const char *contact)
{
	cJSON *o = cJSON_CreateObject();
	const char *own = m->direction == HARK_DIR_IN ? m->to_addr : m->from_addr;
	char when[40], price[48];

	jsonl_time_format(m->created_at, when, sizeof when);
	jl_add(o, "channel", hark_channel_name(m->channel));
	jl_add(o, "contact", contact);
	jl_add(o, "address", jsonl_other_address(m));
	if (own != NULL && *own != '\0')
		jl_add(o, "own_address", own);
	jl_add(o, "direction", hark_direction_name(m->direction));
	jl_add(o, "timestamp", when);
	jl_add(o, "subject", m->subject);
	jl_add(o, "body", m->body != NULL ? m->body : "");
	jl_add(o, "message_id", m->message_id);
	jl_add(o, "in_reply_to", m->in_reply_to);
	jl_add(o, "references", m->refs);
	jl_add(o, "status", hark_status_name(m->status));
	jl_add(o, "provider", m->provider);
	jl_add(o, "provider_id", m->provider_id);
	jl_add(o, "error_code", m->error_code);
	jl_add(o, "error_text", m->error_text);
	if (m->has_price) {
		jsonl_money_decimal(m->price.micros, price, sizeof price);
		jl_add(o, "price", price);
		if (m->price.currency[0] != '\0')
			jl_add(o, "currency", m->price.currency);
	}
	if (m->segments > 0)
		cJSON_AddNumberToObject(o, "segments", m->segments);
	jl_add(o, "encoding", m->encoding);
	jl_add_time(o, "sent_at", m->sent_at);
	jl_add_time(o, "delivered_at", m->delivered_at);
	jl_add_time(o, "read_at", m->read_at);
	jl_add_time(o, "scheduled_at", m->scheduled_at);
	if (!m->seen)
		cJSON_AddFalseToObject(o, "seen");
	return o;
}

void
jsonl_format(const struct store_message *m, const char *contact, struct hbuf *out)
{
	cJSON *o = jsonl_message_json(m, contact);
	char *text;

	text = cJSON_PrintUnformatted(o);
	if (text == NULL)
		hark_fatal("out of memory formatting JSON");
	hbuf_adds(out, text);
	hbuf_addc(out, '\n');
	cJSON_free(text);
	cJSON_Delete(o);
}
