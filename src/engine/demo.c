/*
 * demo.c — the demo inbox of `hark --demo`: a dozen people a small sales and
 * repair business talks to, over SMS, WhatsApp, email and calls, with the
 * statuses, prices, failures and opt-outs a real history has. Deterministic
 * for a given `now`, so screenshots and tests see the same inbox.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

#define DAY_MS (24LL * 3600 * 1000)
#define DEMO_ME_PHONE "+14155550100"
#define DEMO_ME_EMAIL "me@demo.hark.test"

struct demo_line {
	char dir;      /* '>' we sent, '<' they sent */
	char ch;       /* 's' sms, 'w' whatsapp, 'e' email, 'c' call */
	const char *text;
};

struct demo_person {
	const char *name;
	const char *phone;
	const char *whatsapp;
	const char *email;
	const char *tags;
	const char *company;
	const struct demo_line *script;
	int repeat;    /* how many rounds of the script, a few days apart */
};

static const struct demo_line maria[] = {
	{ '<', 's', "Hi, is the 3-bed on Elm Street still available?" },
	{ '>', 's', "Hi Maria! Yes it is. Would you like to view it this week?" },
	{ '<', 's', "Thursday after 5 would be great" },
	{ '>', 's', "Booked: Thursday 5:30pm, 14 Elm St. See you there!" },
	{ '>', 'e', "Elm Street: disclosure pack\nHi Maria,\n\nAttached is the disclosure pack for 14 Elm St.\n\n> On Tue, Maria wrote:\n> Could you send the paperwork?\n\nBest,\nSam" },
	{ '<', 'e', "Re: Elm Street: disclosure pack\nThanks Sam, we'll review over the weekend." },
	{ '<', 's', "We'd like to make an offer. Can you call me?" },
	{ '>', 'c', "Outgoing call · 12:40 · answered — discussed offer at 415k" },	{ 0, 0, NULL },
};
static const struct demo_line james[] = {
	{ '>', 'w', "Hi James, following up on the valuation for Oak Ave. Any questions?" },
	{ '<', 'w', "What would you list it at?" },
	{ '>', 'w', "Comparable sales suggest 520–540k. Happy to walk you through it." },
	{ '<', 'w', "Let me talk to my wife and get back to you 👍" },	{ 0, 0, NULL },
};
static const struct demo_line priya[] = {
	{ '<', 'e', "Order #4471 arrived damaged\nHello, the screen protector in my order arrived cracked. Photo attached." },
	{ '>', 'e', "Re: Order #4471 arrived damaged\nSorry about that Priya — a replacement ships today, no need to return the old one." },
	{ '<', 'e', "Re: Order #4471 arrived damaged\nThat was fast, thank you!" },	{ 0, 0, NULL },
};
static const struct demo_line tom[] = {
	{ '<', 's', "Hey, my iPhone 13 screen is smashed, how much to fix?" },
	{ '>', 's', "Hi Tom, screen replacement for a 13 is $189, about 1 hour. Want a slot today?" },
	{ '<', 's', "Yes please, 2pm?" },
	{ '>', 's', "2pm is yours. Reply C to cancel." },
	{ '>', 's', "Your phone is ready for pickup. Total $189. We close at 6." },
	{ '<', 'c', "Incoming call · 1:05 · answered — asked about warranty" },	{ 0, 0, NULL },
};
static const struct demo_line aiko[] = {
	{ '<', 'w', "こんにちは！来週の内見は可能ですか？" },
	{ '>', 'w', "Hello Aiko! Yes, Tuesday or Wednesday afternoon works." },
	{ '<', 'w', "水曜日の午後3時でお願いします。ありがとうございます 🙏" },	{ 0, 0, NULL },
};
static const struct demo_line liam[] = {
	{ '>', 'e', "Q3 portfolio update\nHi Liam,\n\nRents collected 98%, two units turned over, one roof repair scheduled.\n\nSam" },
	{ '<', 'e', "Re: Q3 portfolio update\nGood numbers. What's the roof quote?" },
	{ '>', 's', "Roof quote came in at $7,800 — sending details by email." },
	{ '<', 's', "Approved. Go ahead." },	{ 0, 0, NULL },
};
static const struct demo_line fatima[] = {
	{ '<', 'w', "مرحبا، هل الشقة متاحة للإيجار؟" },
	{ '>', 'w', "Hi Fatima, yes — the 2-bed on Pine is available from the 1st." },
	{ '<', 'w', "Great, can I see it Saturday?" },	{ 0, 0, NULL },
};
static const struct demo_line chen[] = {
	{ '>', 's', "Hi Chen, your laptop diagnostics are done: the SSD is failing. Replace for $129?" },
	{ '<', 's', "ok do it. data backup too pls" },
	{ '>', 's', "Will do. Ready tomorrow by noon." },	{ 0, 0, NULL },
};
static const struct demo_line sofia[] = {
	{ '<', 'e', "Invoice question\nHi, I was charged twice for invoice 2231, can you check?" },
	{ '>', 'e', "Re: Invoice question\nHi Sofia, you're right — the duplicate charge is refunded, 3–5 business days." },	{ 0, 0, NULL },
};
static const struct demo_line daniel[] = {
	{ '>', 's', "Hi Daniel, just checking in — still looking for a duplex? 🏠" },
	{ '<', 's', "Yes! Budget went up a bit, around 650." },
	{ '>', 's', "Noted. Two new listings in that range, sending links now." },	{ 0, 0, NULL },
};
static const struct demo_line olivia[] = {
	{ '>', 's', "Hi Olivia, 20% off all repairs this week at FixIt!" },
	{ '<', 's', "STOP" },	{ 0, 0, NULL },
};
static const struct demo_line noah[] = {
	{ '>', 's', "Hi Noah, your quote for the water heater install is ready." },	{ 0, 0, NULL },
};
static const struct demo_line unknown[] = {
	{ '<', 's', "Hi, got your number from a flyer. Do you buy houses as-is?" },	{ 0, 0, NULL },
};

static const struct demo_person people[] = {
	{ "Maria Gonzalez", "+14155550101", NULL, "maria.gonzalez@demo.hark.test",
	  "buyer,hot", NULL, maria, 6 },
	{ "James Whitfield", "+14155550102", "+14155550102", NULL, "seller",
	  NULL, james, 8 },
	{ "Priya Raman", NULL, NULL, "priya.raman@demo.hark.test", "customer",
	  "Raman Design", priya, 6 },
	{ "Tom Becker", "+14155550104", NULL, NULL, "repair", NULL, tom, 8 },
	{ "Aiko Tanaka", "+14155550105", "+14155550105", NULL, "buyer", NULL,
	  aiko, 6 },
	{ "Liam O'Connor", "+14155550106", NULL, "liam@demo.hark.test",
	  "investor", "O'Connor Holdings", liam, 8 },
	{ "Fatima Al-Sayed", "+14155550107", "+14155550107", NULL, "tenant",
	  NULL, fatima, 6 },
	{ "Chen Wei", "+14155550108", NULL, "chen.wei@demo.hark.test", "repair",
	  NULL, chen, 8 },
	{ "Sofia Rossi", NULL, NULL, "sofia.rossi@demo.hark.test", "customer",
	  NULL, sofia, 8 },
	{ "Daniel Kim", "+14155550110", NULL, NULL, "buyer", NULL, daniel, 8 },
	{ "Olivia Brown", "+14155550111", NULL, NULL, "", NULL, olivia, 1 },
	{ "Noah Patel", "+15005550009", NULL, NULL, "customer", NULL, noah, 1 },
	{ NULL, "+14155550113", NULL, NULL, "", NULL, unknown, 1 },
};

static uint64_t
demo_rand(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

static int
demo_identities(struct store *st, int64_t id, const struct demo_person *p,
    char **cause)
{
	char *tags, *tag, *save = NULL;
	int rc = 0;

	if (p->phone != NULL)
		rc = store_identity_add(st, id, STORE_ID_PHONE, p->phone, "mobile",
		    cause);
	if (rc == 0 && p->whatsapp != NULL)
		rc = store_identity_add(st, id, STORE_ID_WHATSAPP, p->whatsapp, NULL,
		    cause);
	if (rc == 0 && p->email != NULL)
		rc = store_identity_add(st, id, STORE_ID_EMAIL, p->email, NULL, cause);
	if (rc == 0 && p->company != NULL)
		rc = store_contact_update(st, id, NULL, p->company, NULL, cause);
	tags = xstrdup(p->tags);
	for (tag = strtok_r(tags, ",", &save); rc == 0 && tag != NULL;
	    tag = strtok_r(NULL, ",", &save))
		rc = store_contact_tag(st, id, tag, 1, cause);
	free(tags);
	return rc;
}

static enum hark_channel
demo_channel(char c)
{
	switch (c) {
	case 'w':
		return HARK_CH_WHATSAPP;
	case 'e':
		return HARK_CH_EMAIL;
	case 'c':
		return HARK_CH_VOICE;
	default:
		return HARK_CH_SMS;
	}
}

/* Fills the parts of a message a script line decides. */
static void
demo_message_text(struct store_message *m, const struct demo_line *l, char **subject)
{
	const char *nl;

	*subject = NULL;
	m->body = (char *)l->text;
	if (m->channel == HARK_CH_EMAIL && (nl = strchr(l->text, '\n')) != NULL) {
		*subject = xstrndup(l->text, (size_t)(nl - l->text));
		m->subject = *subject;
		m->body = (char *)nl + 1;
	}
}

/* Outbound status: mostly delivered, some read, the odd failure. */
static void
demo_outbound_status(struct store_message *m, const struct demo_person *p,
    uint64_t r)
{
	struct sms_info si;

	m->status = HARK_ST_DELIVERED;
	if (m->channel == HARK_CH_WHATSAPP)
		m->status = HARK_ST_READ;
	if (strcmp(p->phone ? p->phone : "", "+15005550009") == 0) {
		m->status = HARK_ST_UNDELIVERED;
		m->error_code = "30006";
		m->error_text = "Landline or unreachable carrier";
	} else if (r % 29 == 0 && m->channel == HARK_CH_SMS) {
		m->status = HARK_ST_FAILED;
		m->error_code = "30003";
		m->error_text = "Unreachable destination handset";
	}
	m->has_price = m->channel != HARK_CH_EMAIL;
	strcpy(m->price.currency, "USD");
	if (m->channel == HARK_CH_SMS) {
		sms_analyze(m->body, strlen(m->body), &si);
		m->segments = si.segments;
		m->encoding = (char *)sms_encoding_name(si.encoding);
		m->price.micros = (int64_t)si.segments * SANDBOX_PRICE_SMS_MICROS;
	} else if (m->channel == HARK_CH_WHATSAPP)
		m->price.micros = SANDBOX_PRICE_WHATSAPP_MICROS;
	else if (m->channel == HARK_CH_VOICE)
		m->price.micros = SANDBOX_PRICE_VOICE_MICROS * 3;
}

/* When each message of a person's script happens: rounds a few days apart,
 * lines minutes to an hour apart, the last one `recent` before now. */
static int
demo_times(const struct demo_person *p, int nlines, int64_t now, int64_t recent,
    uint64_t *seed, int64_t *times)
{
	int64_t t = 0;
	int round, i, n = 0;

	for (round = 0; round < p->repeat; round++) {
		for (i = 0; i < nlines; i++) {
			t += 60000 * (int64_t)(2 + demo_rand(seed) % 60);
			times[n++] = t;
		}
		t += (int64_t)(2 + demo_rand(seed) % 4) * DAY_MS;
	}
	for (i = 0; i < n; i++)
		times[i] += now - recent - times[n - 1];
	return n;
}

static int
demo_person_messages(struct store *st, int64_t cid, const struct demo_person *p,
    int64_t now, int64_t recent, uint64_t *seed, int *serial, char **cause)
{
	const struct demo_line *l;
	struct store_message m;
	char pid[32], *subject;
	const char *addr;
	int64_t *times, id;
	int i, k, n, nlines = 0, rc = 0;

	while (p->script[nlines].text != NULL)
		nlines++;
	times = xcalloc((size_t)(nlines * p->repeat), sizeof *times);
	n = demo_times(p, nlines, now, recent, seed, times);
	for (k = 0; k < n && rc == 0; k++) {
		i = k % nlines;
		l = &p->script[i];
		memset(&m, 0, sizeof m);
		m.contact_id = cid;
		m.channel = demo_channel(l->ch);
		m.direction = l->dir == '>' ? HARK_DIR_OUT : HARK_DIR_IN;
		m.provider = "sandbox";
		snprintf(pid, sizeof pid, "SBDEMO%06d", (*serial)++);
		m.provider_id = pid;
		addr = m.channel == HARK_CH_EMAIL ? p->email :
		    m.channel == HARK_CH_WHATSAPP ? p->whatsapp : p->phone;
		if (addr == NULL)
			addr = p->phone ? p->phone : p->email;
		m.from_addr = (char *)(m.direction == HARK_DIR_IN ? addr :
		    m.channel == HARK_CH_EMAIL ? DEMO_ME_EMAIL : DEMO_ME_PHONE);
		m.to_addr = (char *)(m.direction == HARK_DIR_IN ?
		    (m.channel == HARK_CH_EMAIL ? DEMO_ME_EMAIL : DEMO_ME_PHONE) : addr);
		demo_message_text(&m, l, &subject);
		m.created_at = times[k];
		if (m.direction == HARK_DIR_OUT) {
			demo_outbound_status(&m, p, demo_rand(seed));
			m.sent_at = times[k] + 1000;
			m.delivered_at = m.status == HARK_ST_DELIVERED ||
			    m.status == HARK_ST_READ ? times[k] + 4000 : 0;
			m.seen = 1;
		} else {
			m.status = HARK_ST_RECEIVED;
			/* The last round's inbound messages are unread. */
			m.seen = k < n - nlines;
		}
		rc = store_message_insert(st, &m, &id, cause) < 0 ? -1 : 0;
		free(subject);
	}
	free(times);
	return rc;
}

int
engine_demo_seed(struct store *st, int64_t now, char **cause)
{
	const struct demo_person *p;
	uint64_t seed = 42;
	int64_t id;
	size_t i;
	int serial = 1, rc = 0;

	if (store_begin(st, cause) != 0)
		return -1;
	for (i = 0; i < HARK_NELEM(people) && rc == 0; i++) {
		p = &people[i];
		rc = store_contact_add(st, p->name ? p->name : p->phone, &id, cause);
		if (rc == 0)
			rc = demo_identities(st, id, p, cause);
		if (rc == 0)
			rc = demo_person_messages(st, id, p, now,
			    (int64_t)i * i * 3600 * 1000 + 7 * 60000, &seed, &serial, cause);
	}
	if (rc == 0)
		rc = store_optout_set(st, HARK_CH_SMS, "+14155550111", "keyword",
		    "STOP", now - 2 * DAY_MS, cause);
	if (rc == 0)
		rc = engine_demo_templates(st, cause);
	if (rc != 0 || store_commit(st, cause) != 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
}
