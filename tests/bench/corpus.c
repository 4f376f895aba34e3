/*
 * corpus.c — writes a deterministic message history in hark's import format
 * (JSON lines, contrib/IMPORT.md) for the benchmarks: the same N, contacts
 * and seed always give the same bytes.
 *
 * usage: corpus N [--contacts C] [--seed S]
 *
 * The history is that of someone who talks to C customers (10,000 by
 * default) by SMS, WhatsApp and email over two years, oldest first, as an
 * export from another tool would be. Contact i has a name, a US mobile
 * number in E.164 (a real area code, an exchange that is not a service
 * code) and, for most, an email address; a regular few write far more than
 * the rest. Words come from a fixed vocabulary with Zipf's law (the word of
 * rank r is drawn with weight 1/r): a head of real words, then made-up
 * consonant-vowel words. bench.h names the common, middle and planted rare
 * search terms.
 *
 * Everything random is drawn from integer generators: no floating point, no
 * libm, so the output does not depend on the machine.
 */

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hark/util.h"

#include "bench.h"

#define CORPUS_END 1704067200               /* 2024-01-01T00:00:00Z */
#define CORPUS_SPAN (730LL * 86400)         /* two years, in seconds */
#define CORPUS_TAIL_WORDS 8000              /* made-up words after the real ones */
#define CORPUS_REGULARS_PCT 30              /* messages that go to the busiest 10% */

struct rng {
	uint64_t s;
};

struct vocab {
	const char **word;
	uint64_t *cum;        /* cum[r] = sum of weights of ranks 0..r */
	size_t n;
};

struct corpus {
	uint64_t n, contacts, seed;
	struct vocab v;
	struct rng r;
	struct hbuf line, text;
};

static uint64_t	mix64(uint64_t z);
static uint64_t	hash2(uint64_t a, uint64_t b);
static uint64_t	rng_next(struct rng *r);
static unsigned	rng_below(struct rng *r, unsigned n);
static void	vocab_init(struct vocab *v);
static void	vocab_free(struct vocab *v);
static const char *vocab_draw(const struct vocab *v, struct rng *r);
static void	contact_name(uint64_t i, char *buf, size_t size);
static const char *contact_first(uint64_t i);
static void	contact_phone(uint64_t i, uint64_t seed, char *buf, size_t size);
static int	contact_email(uint64_t i, uint64_t seed, char *buf, size_t size);
static uint64_t	corpus_pick_contact(struct corpus *c);
static void	text_sentence(struct corpus *c, unsigned min, unsigned max, char end);
static void	text_sms(struct corpus *c);
static void	text_email(struct corpus *c, const char *to, const char *from);
static void	json_field(struct hbuf *b, const char *name, const char *value);
static void	json_time(struct hbuf *b, int64_t secs);
static void	corpus_message(struct corpus *c, uint64_t k);
static int	corpus_args(struct corpus *c, int argc, char **argv);

static const char *const head_words[] = {
	"the", "you", "to", "i", "and", "a", "for", "your", "is", "we", "it", "of",
	"on", "can", "this", "be", "will", "in", "me", "thanks", "have", "that",
	"at", "are", "with", "my", "please", "let", "know", "order", "today",
	"just", "if", "do", "not", "get", "would", "tomorrow", "time", "invoice",
	"us", "so", "our", "call", "up", "yes", "send", "all", "could", "week",
	"what", "when", "about", "was", "from", "need", "ok", "there", "an",
	"see", "delivery", "price", "back", "any", "hi", "good", "new", "how",
	"quote", "should", "am", "great", "next", "still", "payment", "morning",
	"been", "confirm", "sure", "one", "appointment", "sorry", "some", "want",
	"here", "they", "account", "by", "out", "update", "also", "or", "more",
	"shipping", "thank", "receipt", "monday", "friday", "afternoon",
	"question", "details", "soon", "help", "schedule", "meeting", "works",
	"address", "ready", "available", "pickup", "contract", "estimate",
	"discount", "install", "booking", "service", "team", "check", "again",
	"right", "number", "free", "which", "then", "day", "pm", "look",
	"forward", "attached", "review", "signed", "paid", "card", "refund",
	"cancel", "reschedule", "tracking", "package", "arrived", "late",
	"early", "office", "store", "site", "visit", "parts", "warranty",
	"repair", "deposit", "balance", "due", "overdue", "reminder",
	"renewal", "plan", "upgrade", "downgrade", "trial", "demo", "proposal",
	"budget", "approved", "pending", "shipped", "backorder", "stock",
	"size", "color", "model", "serial", "photo", "photos", "link", "form",
	"email", "text", "phone", "voicemail", "evening", "weekend", "holiday",
	"closed", "open", "hours", "minutes", "wait", "later", "asap", "urgent",
	"happy", "perfect", "awesome", "café", "naïve", "résumé", "jalapeño",
};

static const char *const first_names[] = {
	"Ann", "Ben", "Cara", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines",
	"Jon", "Kemi", "Liam", "Maya", "Nils", "Omar", "Priya", "Quinn", "Rosa",
	"Sami", "Tara", "Umar", "Vera", "Wes", "Xin", "Yara", "Zane", "Abby",
	"Bruno", "Chloe", "Diego", "Emma", "Felix", "Gina", "Hugo", "Ivy",
	"Jack", "Kira", "Leo", "Mia", "Noah", "Olga", "Paul", "Rita", "Sean",
	"Tess", "Uma", "Viktor", "Wendy", "Yusuf", "Zoe", "Aiden", "Bea",
	"Carlos", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ian", "Julia",
	"Kofi", "Lena", "Marco", "Nadia", "Oscar", "Pia", "Raj", "Sofia", "Theo",
	"Ula", "Val", "Will", "Ximena", "Yosef", "Zara", "Amir", "Bella", "Cole",
	"Daria", "Evan", "Flora", "Glen", "Helga", "Isaac", "Jade", "Karl",
	"Lucia", "Milo", "Nora", "Otto", "Petra", "Reza", "Selma", "Tomas",
	"Una", "Vince", "Wanda", "Yuki", "Zeke", "José",
};

static const char *const last_names[] = {
	"Lee", "Roe", "Bell", "Khan", "Garcia", "Smith", "Nguyen", "Okafor",
	"Silva", "Novak", "Cohen", "Ivanova", "Tanaka", "Moreau", "Rossi",
	"Schmidt", "Kowalski", "Haddad", "Larsen", "Murphy", "Patel", "Chen",
	"Walker", "Lopez", "Young", "King", "Wright", "Hill", "Scott", "Green",
	"Adams", "Baker", "Nelson", "Carter", "Mitchell", "Perez", "Roberts",
	"Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards",
	"Collins", "Stewart", "Sanchez", "Morris", "Rogers", "Reed", "Cook",
	"Morgan", "Cooper", "Peterson", "Bailey", "Rivera", "Richardson", "Cox",
	"Howard", "Ward", "Torres", "Gray", "Ramirez", "James", "Watson",
	"Brooks", "Kelly", "Sanders", "Price", "Bennett", "Wood", "Barnes",
	"Ross", "Henderson", "Coleman", "Jenkins", "Perry", "Powell", "Long",
	"Patterson", "Hughes", "Flores", "Washington", "Butler", "Simmons",
	"Foster", "Gonzales", "Bryant", "Alexander", "Russell", "Griffin",
	"Diaz", "Hayes", "Myers", "Ford", "Hamilton", "Graham", "Sullivan",
	"Wallace", "Woods", "Müller",
};

/* Real US area codes; none ends in 11. */
static const unsigned area_codes[] = {
	415, 510, 650, 408, 212, 646, 718, 917, 312, 773, 617, 206, 303, 512,
	713, 214, 305, 404, 602, 702, 801, 503, 612, 615, 919, 704, 216, 313,
	412, 215,
};

static const char *const domains[] = {
	"example.com", "example.org", "example.net", "mail.example.com",
	"shop.example", "acme.example", "north.example", "studio.example",
};

/* splitmix64's finaliser: a bijection that spreads every input bit. */
static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A value derived from two numbers alone, for what must not depend on the
 * order things are generated in (a contact's number, a message's id). */
static uint64_t
hash2(uint64_t a, uint64_t b)
{
	return mix64(a * 0x9e3779b97f4a7c15ULL ^ mix64(b + 0x632be59bd9b4e019ULL));
}

static uint64_t
rng_next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

/* Uniform in [0, n) up to a bias of n / 2^64, which nothing here can see. */
static unsigned
rng_below(struct rng *r, unsigned n)
{
	return (unsigned)(rng_next(r) % n);
}

/*
 * The head words keep their order as ranks 1..; the tail words are three
 * syllables picked by the rank's digits, so each is distinct and none can
 * be a real word with a consonant cluster (like the rare term). Weights are
 * 2^32 / rank: Zipf with exponent 1 in integers.
 */
static void
vocab_init(struct vocab *v)
{
	static const char cons[] = "bdfgklmnprstvz";
	static const char vow[] = "aeiou";
	const size_t nsyl = (sizeof cons - 1) * (sizeof vow - 1);
	size_t nhead = HARK_NELEM(head_words), i, j;
	uint64_t total = 0;
	char w[8];

	v->n = nhead + CORPUS_TAIL_WORDS;
	v->word = xcalloc(v->n, sizeof *v->word);
	v->cum = xcalloc(v->n, sizeof *v->cum);
	for (i = 0; i < v->n; i++) {
		if (i < nhead)
			v->word[i] = xstrdup(head_words[i]);
		else {
			size_t t = i - nhead, s[3] = { t % nsyl, (t / nsyl) % nsyl,
			    (t * 7 + 3) % nsyl };

			for (j = 0; j < 3; j++) {
				w[2 * j] = cons[s[j] / (sizeof vow - 1)];
				w[2 * j + 1] = vow[s[j] % (sizeof vow - 1)];
			}
			w[6] = '\0';
			v->word[i] = xstrdup(w);
		}
		total += (UINT64_C(1) << 32) / (i + 1);
		v->cum[i] = total;
	}
}

static void
vocab_free(struct vocab *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free((char *)v->word[i]);
	free(v->word);
	free(v->cum);
}

static const char *
vocab_draw(const struct vocab *v, struct rng *r)
{
	uint64_t x = rng_next(r) % v->cum[v->n - 1];
	size_t lo = 0, hi = v->n - 1, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v->cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return v->word[lo];
}

/* Names are unique, because import joins lines that name the same person:
 * the first 10,000 are first × last, later ones carry a number. */
static void
contact_name(uint64_t i, char *buf, size_t size)
{
	const size_t nf = HARK_NELEM(first_names), nl = HARK_NELEM(last_names);
	uint64_t gen = i / (nf * nl);

	if (gen == 0)
		snprintf(buf, size, "%s %s", first_names[i % nf],
		    last_names[(i / nf) % nl]);
	else
		snprintf(buf, size, "%s %s %" PRIu64, first_names[i % nf],
		    last_names[(i / nf) % nl], gen + 1);
}

static const char *
contact_first(uint64_t i)
{
	return first_names[i % HARK_NELEM(first_names)];
}

/*
 * +1 NPA NXX XXXX. The line number is a bijection of i mod 10,000 and the
 * exchange moves with i / 10,000, so no two contacts share a number for the
 * first ~7 million; the area code is free to vary.
 */
static void
contact_phone(uint64_t i, uint64_t seed, char *buf, size_t size)
{
	uint64_t h = hash2(seed, i), lo = i % 10000, nx;
	unsigned line = (unsigned)((lo * 7919 + seed) % 10000);
	unsigned ex;

	/* exchanges 200..999 less the N11 service codes: 8 hundreds × 99 */
	nx = (i / 10000 + lo * 31 + seed) % 792;
	ex = 200 + 100 * (unsigned)(nx / 99) + (unsigned)(nx % 99);
	if (ex % 100 >= 11)
		ex++;
	snprintf(buf, size, "+1%03u%03u%04u", area_codes[h % HARK_NELEM(area_codes)],
	    ex, line);
}

/* Seven contacts in ten have an email address; returns whether i does. */
static int
contact_email(uint64_t i, uint64_t seed, char *buf, size_t size)
{
	const size_t nf = HARK_NELEM(first_names), nl = HARK_NELEM(last_names);
	uint64_t h = hash2(seed + 1, i), gen = i / (nf * nl);
	char first[32], last[32];
	size_t k;

	if (h % 10 >= 7)
		return 0;
	snprintf(first, sizeof first, "%s", first_names[i % nf]);
	snprintf(last, sizeof last, "%s", last_names[(i / nf) % nl]);
	for (k = 0; first[k] != '\0'; k++)
		first[k] = (char)((first[k] & 0x80) ? 'e' : first[k] | 0x20);
	for (k = 0; last[k] != '\0'; k++)
		last[k] = (char)((last[k] & 0x80) ? 'u' : last[k] | 0x20);
	if (gen == 0)
		snprintf(buf, size, "%s.%s@%s", first, last,
		    domains[(h / 10) % HARK_NELEM(domains)]);
	else
		snprintf(buf, size, "%s.%s%" PRIu64 "@%s", first, last, gen + 1,
		    domains[(h / 10) % HARK_NELEM(domains)]);
	return 1;
}

/* Most people write now and then; a regular few write all the time. */
static uint64_t
corpus_pick_contact(struct corpus *c)
{
	uint64_t regulars = c->contacts / 10 > 0 ? c->contacts / 10 : 1;

	if (rng_below(&c->r, 100) < CORPUS_REGULARS_PCT)
		return rng_next(&c->r) % regulars;
	return rng_next(&c->r) % c->contacts;
}

/* One sentence into c->text, ended by end unless it is '\0'; now and then
 * with a number people search for. */
static void
text_sentence(struct corpus *c, unsigned min, unsigned max, char end)
{
	unsigned n = min + rng_below(&c->r, max - min + 1), i;
	size_t start;
	const char *w;

	if (c->text.len > 0 && c->text.data[c->text.len - 1] != '\n')
		hbuf_addc(&c->text, ' ');
	start = c->text.len;
	for (i = 0; i < n; i++) {
		if (i > 0)
			hbuf_addc(&c->text, ' ');
		w = vocab_draw(&c->v, &c->r);
		hbuf_adds(&c->text, w);
	}
	if (c->text.data[start] >= 'a' && c->text.data[start] <= 'z')
		c->text.data[start] = (char)(c->text.data[start] - 'a' + 'A');
	switch (rng_below(&c->r, 40)) {
	case 0:
		hbuf_printf(&c->text, " #%05u", rng_below(&c->r, 100000));
		break;
	case 1:
		hbuf_printf(&c->text, " $%u.%02u", 10 + rng_below(&c->r, 2000),
		    rng_below(&c->r, 100));
		break;
	case 2:
		hbuf_printf(&c->text, " at %upm", 1 + rng_below(&c->r, 8));
		break;
	}
	if (end != '\0')
		hbuf_addc(&c->text, end);
}

static void
text_sms(struct corpus *c)
{
	unsigned n = 1 + rng_below(&c->r, 2), i;

	for (i = 0; i < n; i++)
		text_sentence(c, 3, 12, rng_below(&c->r, 4) == 0 ? '?' : '.');
}

static void
text_email(struct corpus *c, const char *to, const char *from)
{
	unsigned n = 2 + rng_below(&c->r, 8), i;

	hbuf_printf(&c->text, "Hi %s,\n\n", to);
	for (i = 0; i < n; i++) {
		text_sentence(c, 5, 16, rng_below(&c->r, 6) == 0 ? '?' : '.');
		if (i + 1 < n && rng_below(&c->r, 3) == 0)
			hbuf_adds(&c->text, "\n\n");
	}
	hbuf_printf(&c->text, "\n\nThanks,\n%s", from);
}

/* "name":"value", with JSON escapes for what needs one. */
static void
json_field(struct hbuf *b, const char *name, const char *value)
{
	const unsigned char *p;

	hbuf_printf(b, "%s\"%s\":\"", b->len > 1 ? "," : "", name);
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			hbuf_addc(b, '\\');
			hbuf_addc(b, (char)*p);
		} else if (*p == '\n')
			hbuf_adds(b, "\\n");
		else if (*p < 0x20)
			hbuf_printf(b, "\\u%04x", *p);
		else
			hbuf_addc(b, (char)*p);
	}
	hbuf_addc(b, '"');
}

static void
json_time(struct hbuf *b, int64_t secs)
{
	time_t t = (time_t)secs;
	struct tm tm;
	char when[32];

	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_field(b, "timestamp", when);
}

/*
 * Message k of n: its time moves evenly through the two years with a
 * jitter inside its slot, so the file is in time order.
 */
static void
corpus_message(struct corpus *c, uint64_t k)
{
	uint64_t who = corpus_pick_contact(c), h1 = hash2(c->seed, 2 * k),
	    h2 = hash2(c->seed, 2 * k + 1);
	int64_t slot = CORPUS_SPAN / (int64_t)c->n > 0 ? CORPUS_SPAN / (int64_t)c->n : 1;
	int64_t t = CORPUS_END - CORPUS_SPAN + (int64_t)k * CORPUS_SPAN / (int64_t)c->n +
	    (int64_t)(rng_next(&c->r) % (uint64_t)slot);
	unsigned pick = rng_below(&c->r, 100);
	int in = rng_below(&c->r, 2) == 0, email;
	char name[96], addr[128], id[40], mid[96];
	const char *channel = pick < 60 ? "sms" : pick < 68 ? "whatsapp" : "email";

	contact_name(who, name, sizeof name);
	email = strcmp(channel, "email") == 0 &&
	    contact_email(who, c->seed, addr, sizeof addr);
	if (!email) {
		if (strcmp(channel, "email") == 0)
			channel = "sms";
		contact_phone(who, c->seed, addr, sizeof addr);
	}
	hbuf_reset(&c->text);
	hbuf_reset(&c->line);
	hbuf_addc(&c->line, '{');
	json_field(&c->line, "channel", channel);
	json_field(&c->line, "contact", name);
	json_field(&c->line, "address", addr);
	json_field(&c->line, "direction", in ? "in" : "out");
	json_time(&c->line, t);
	if (email) {
		hbuf_reset(&c->text);
		text_sentence(c, 2, 7, '\0');   /* a subject has no full stop */
		json_field(&c->line, "subject", c->text.data);
		hbuf_reset(&c->text);
		text_email(c, in ? "Sam" : contact_first(who), in ? contact_first(who) : "Sam");
	} else
		text_sms(c);
	if (k % HARK_BENCH_RARE_EVERY == HARK_BENCH_RARE_FIRST)
		hbuf_adds(&c->text, " Ref " HARK_BENCH_RARE ".");
	json_field(&c->line, "body", c->text.data);
	snprintf(id, sizeof id, "%s%016" PRIx64 "%016" PRIx64, email ? "" : "SM", h1, h2);
	if (email) {
		json_field(&c->line, "provider", in ? "imap" : "smtp");
		json_field(&c->line, "provider_id", id);
		snprintf(mid, sizeof mid, "<%s@%s>", id,
		    in ? strchr(addr, '@') + 1 : "mail.hark.example");
		json_field(&c->line, "message_id", mid);
	} else {
		json_field(&c->line, "provider", "twilio");
		json_field(&c->line, "provider_id", id);
	}
	hbuf_adds(&c->line, "}\n");
	fwrite(c->line.data, 1, c->line.len, stdout);
}

static int
corpus_args(struct corpus *c, int argc, char **argv)
{
	char *end;
	int i;

	c->n = 0;
	c->contacts = 10000;
	c->seed = 1;
	for (i = 1; i < argc; i++) {
		uint64_t *to = &c->n;

		if (strcmp(argv[i], "--contacts") == 0 && i + 1 < argc)
			to = &c->contacts, i++;
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			to = &c->seed, i++;
		else if (argv[i][0] == '-' || c->n != 0)
			return -1;
		*to = strtoull(argv[i], &end, 10);
		if (*argv[i] == '\0' || *end != '\0')
			return -1;
	}
	return c->n > 0 && c->contacts > 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	static char obuf[1 << 20];
	struct corpus c = { 0 };
	uint64_t k;

	if (corpus_args(&c, argc, argv) != 0) {
		fputs("usage: corpus N [--contacts C] [--seed S]\n", stderr);
		return 1;
	}
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	vocab_init(&c.v);
	c.r.s = mix64(c.seed);
	for (k = 0; k < c.n; k++)
		corpus_message(&c, k);
	vocab_free(&c.v);
	hbuf_free(&c.line);
	hbuf_free(&c.text);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("corpus: write");
		return 2;
	}
	return 0;
}
