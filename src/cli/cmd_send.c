/* cmd_send.c — `hark send`: write a message to the outbox and see it out. */

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include <cJSON.h>

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/store.h"

#include "cli_int.h"
#include "cmd_usage.h"

const char cmd_send_usage[] =
	"usage: hark send --to ADDRESS|CONTACT [--channel sms|whatsapp|email]\n"
	"                 [--subject TEXT] (--body TEXT | --body -) [--at WHEN]\n"
	"                 [--wait] [--timeout SECONDS] [--account NAME]\n"
	"                 [--media URL]... [--content-sid HX... [--content-vars JSON]]\n"
	"                 [--attach FILE]... [--html FILE]\n"
	"                 [--dry-run] [--json] [--override-quiet-hours] [--override-cap]\n"
	"       hark send --to CONTACT --template NAME [--channel CH] [...]\n"
	"       hark send --batch FILE [--json]\n"
	"\n"
	"Writes the message to the outbox (it is never lost from then on) and\n"
	"sends it, or leaves it to the running `hark daemon`. Prints the message\n"
	"id and its status.\n"
	"\n"
	"  --to        a phone number (any common format; the default region\n"
	"              applies), an email address, or a contact (#id, name, or\n"
	"              unique name prefix)\n"
	"  --channel   sms (default; email when --to is an email address),\n"
	"              whatsapp, email\n"
	"  --body -    read the body from standard input\n"
	"  --media URL a picture or file for MMS / WhatsApp, at a public URL\n"
	"              (repeat for several, at most 10); --body may then be left out\n"
	"  --content-sid HX...  a WhatsApp template approved by Meta, required\n"
	"              outside the 24-hour window after the contact's last message;\n"
	"              --content-vars '{\"1\":\"Ann\"}' fills its variables\n"
	"  --template NAME  render the template for the contact and channel\n"
	"              instead of --body (its A/B variant for this contact when\n"
	"              it has variants); a missing required variable is refused\n"
	"              with the list of every one missing; the message records\n"
	"              the template's version and variant\n"
	"  --attach FILE  attach a file to an email (repeat for several, at most\n"
	"              32); a file that cannot be read is refused with its name\n"
	"  --html FILE an HTML version of an email's text, sent as its\n"
	"              text/html alternative (--body stays the plain text)\n"
	"  --at WHEN   schedule: \"2h\", \"30m\", \"tomorrow 9:00\", \"mon 9:00\",\n"
	"              \"2026-12-01 09:00\", ISO 8601\n"
	"  --wait      wait for a final status (delivered, read, failed, ...)\n"
	"  --timeout   how long --wait waits (default 120 seconds)\n"
	"  --dry-run   send nothing; print the encoding, character count,\n"
	"              SMS segments and estimated cost\n"
	"  --json      print the result as JSON\n"
	"  --override-quiet-hours, --override-cap  send a scheduled message even\n"
	"              in the contact's quiet hours / over their frequency cap\n"
	"              (written to the audit log); a message sent now in quiet\n"
	"              hours goes with a note, one over the cap is refused\n"
	"  --batch     send every message of FILE (- for stdin), JSON lines:\n"
	"              {\"to\":..., \"channel\":..., \"subject\":..., \"body\":...,\n"
	"              \"at\":..., \"key\":...}; a line's \"key\" makes re-running\n"
	"              the same file safe (a key already in the outbox is skipped);\n"
	"              a bad line is reported with its number and skipped (exit 3)\n"
	"\n"
	"Exit: 0 sent (or queued/scheduled), 1 bad input, 2 the send failed or\n"
	"--wait timed out.\n";

#define SEND_MEDIA_MAX 10
#define SEND_ATTACH_MAX 32

struct send_opts {
	const char *to, *channel, *subject, *body, *at, *account, *batch;
	const char *content_sid, *content_vars;
	const char *tmpl;
	const char *media[SEND_MEDIA_MAX];
	int nmedia;
	const char *attach[SEND_ATTACH_MAX];
	int nattach;
	const char *html;
	int wait, dry_run, json;
	long timeout_s;
	unsigned flags;    /* ENGINE_SEND_OVERRIDE_* */
};

struct send_run {
	struct cli_ctx *ctx;
	struct engine *engine;
	struct store *st;
	int64_t id;
	int wait;
	int64_t deadline;
	int done;
	int timed_out;
	uv_timer_t timer;
};

static int
send_parse(int argc, char **argv, struct send_opts *o)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "channel", required_argument, NULL, 'c' },
		{ "subject", required_argument, NULL, 's' },
		{ "body", required_argument, NULL, 'b' },
		{ "at", required_argument, NULL, 'a' },
		{ "account", required_argument, NULL, 'A' },
		{ "wait", no_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "batch", required_argument, NULL, 'B' },
		{ "media", required_argument, NULL, 'M' },
		{ "attach", required_argument, NULL, 'F' },
		{ "html", required_argument, NULL, 'H' },
		{ "content-sid", required_argument, NULL, 'C' },
		{ "content-vars", required_argument, NULL, 'V' },
		{ "override-quiet-hours", no_argument, NULL, 'Q' },
		{ "override-cap", no_argument, NULL, 'K' },
		{ "template", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	memset(o, 0, sizeof *o);
	o->timeout_s = 120;
	while ((c = getopt_long(argc, argv, "t:c:s:b:a:wnj", opts, NULL)) != -1) {
		switch (c) {
		case 't': o->to = optarg; break;
		case 'c': o->channel = optarg; break;
		case 's': o->subject = optarg; break;
		case 'b': o->body = optarg; break;
		case 'a': o->at = optarg; break;
		case 'A': o->account = optarg; break;
		case 'w': o->wait = 1; break;
		case 'n': o->dry_run = 1; break;
		case 'j': o->json = 1; break;
		case 'B': o->batch = optarg; break;
		case 'M':
			if (o->nmedia == SEND_MEDIA_MAX)
				return -1;
			o->media[o->nmedia++] = optarg;
			break;
		case 'F':
			if (o->nattach == SEND_ATTACH_MAX)
				return -1;
			o->attach[o->nattach++] = optarg;
			break;
		case 'H': o->html = optarg; break;
		case 'C': o->content_sid = optarg; break;
		case 'V': o->content_vars = optarg; break;
		case 'Q': o->flags |= ENGINE_SEND_OVERRIDE_QUIET; break;
		case 'K': o->flags |= ENGINE_SEND_OVERRIDE_CAP; break;
		case 'P': o->tmpl = optarg; break;
		case 'T':
			o->timeout_s = strtol(optarg, &end, 10);
			if (*end != '\0' || o->timeout_s <= 0)
				return -1;
			break;
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

/* True when what the user typed is an address rather than a contact. */
static int
send_looks_like_address(const char *s)
{
	if (strchr(s, '@') != NULL || s[0] == '+')
		return 1;
	for (; *s != '\0'; s++) {
		if (isalpha((unsigned char)*s))
			return 0;
	}
	return 1;
}

/* Fills the draft from the options; prints the error and returns -1 on bad input. */
static int
send_draft(struct cli_ctx *ctx, struct store *st, const struct send_opts *o,
    struct engine_draft *d, char **body_buf)
{
	char *cause = NULL;

	cJSON *vars;
	int i;

	memset(d, 0, sizeof *d);
	*body_buf = NULL;
	if (o->tmpl != NULL && o->body != NULL) {
		cli_err(ctx, "--template and --body: give one of the two");
		return -1;
	}
	if (o->to == NULL || (o->body == NULL && o->nmedia == 0 &&
	    o->content_sid == NULL && o->tmpl == NULL)) {
		cli_err(ctx, "--to and --body (or --media, --content-sid) are "
		    "required (see hark send --help)");
		return -1;
	}
	for (i = 0; i < o->nmedia; i++) {
		if (strncmp(o->media[i], "https://", 8) != 0 &&
		    strncmp(o->media[i], "http://", 7) != 0) {
			cli_err(ctx, "--media '%s': a public http(s) URL is needed "
			    "(the provider fetches it)", o->media[i]);
			return -1;
		}
	}
	if (o->content_sid != NULL && (strncmp(o->content_sid, "HX", 2) != 0 ||
	    strlen(o->content_sid) != 34)) {
		cli_err(ctx, "--content-sid '%s' is not a Content SID (HX and 32 "
		    "hex digits)", o->content_sid);
		return -1;
	}
	if (o->content_vars != NULL) {
		vars = cJSON_Parse(o->content_vars);
		if (!cJSON_IsObject(vars)) {
			cJSON_Delete(vars);
			cli_err(ctx, "--content-vars must be a JSON object such as "
			    "'{\"1\":\"Ann\"}'");
			return -1;
		}
		cJSON_Delete(vars);
	}
	d->media_urls = o->media;
	d->nmedia = o->nmedia;
	d->attach = o->attach;
	d->nattach = o->nattach;
	d->content_sid = o->content_sid;
	d->content_vars = o->content_vars;
	if (o->channel != NULL) {
		if (hark_channel_parse(o->channel, &d->channel) != 0 ||
		    d->channel == HARK_CH_VOICE) {
			cli_err(ctx, "unknown channel '%s': use sms, whatsapp or email",
			    o->channel);
			return -1;
		}
	} else
		d->channel = strchr(o->to, '@') != NULL ? HARK_CH_EMAIL : HARK_CH_SMS;
	if (send_looks_like_address(o->to))
		d->to = o->to;
	else if (store_contact_resolve(st, o->to, &d->contact_id, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return -1;
	}
	if (o->body == NULL) {
		d->body = o->content_sid != NULL ? "(WhatsApp template)" : "";
	} else if (strcmp(o->body, "-") == 0) {
		*body_buf = cli_read_file("-", NULL, &cause);
		if (*body_buf == NULL) {
			cli_err(ctx, "%s", cause);
			free(cause);
			return -1;
		}
		d->body = *body_buf;
	} else
		d->body = o->body;
	d->subject = o->subject;
	d->account = o->account;
	/* One message a person sends now: quiet hours warn, a cap refuses. */
	d->flags = o->flags | ENGINE_SEND_INTERACTIVE;
	if (o->at != NULL && when_parse(o->at, hark_now_ms(), &d->send_at, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/*
 * --template: renders it for the draft's contact (an address must belong to
 * one) and channel; the draft borrows r's text and records its version and
 * variant. Prints the error and returns -1 on bad input.
 */
static int
send_template(struct cli_ctx *ctx, const struct config *cfg, struct store *st,
    const char *name, struct engine_draft *d, struct engine_rendered *r)
{
	struct store_template t;
	char *cause = NULL;
	int rc;

	if (d->contact_id <= 0 && (rc = store_contact_by_address(st,
	    store_id_kind_for(d->channel), d->to, &d->contact_id, &cause)) != 1) {
		if (rc == 0)
			cli_err(ctx, "--template needs a contact: '%s' is no known "
			    "contact's address (hark contacts add)", d->to);
		else
			cli_err(ctx, "%s", cause);
		free(cause);
		return -1;
	}
	d->to = NULL;
	if (store_template_get(st, name, 0, &t, &cause) != 0 ||
	    engine_template_render(st, cfg, &t, d->contact_id, d->channel, NULL, 0,
	    r, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		store_template_clear(&t);
		return -1;
	}
	store_template_clear(&t);
	d->body = r->body;
	if (d->subject == NULL)
		d->subject = r->subject;
	d->template_version_id = r->version_id;
	d->variant = r->variant;
	return 0;
}

static void
send_print_estimate(const struct engine_draft *d, const struct engine_estimate *est,
    int json)
{
	char price[32] = "unknown";

	if (est->has_price)
		money_format(&est->price, price, sizeof price);
	if (json) {
		printf("{\"to\":");
		cli_json_string(stdout, est->to);
		printf(",\"channel\":\"%s\",\"account\":", hark_channel_name(d->channel));
		cli_json_string(stdout, est->account);
		if (d->channel == HARK_CH_SMS)
			printf(",\"encoding\":\"%s\",\"characters\":%zu,\"units\":%zu,"
			    "\"segments\":%d", sms_encoding_name(est->sms.encoding),
			    est->sms.chars, est->sms.units, est->sms.segments);
		if (est->has_price) {
			printf(",\"estimated_cost\":");
			cli_json_string(stdout, price);
			printf(",\"estimated_cost_micros\":%lld,\"currency\":\"%s\"",
			    (long long)est->price.micros, est->price.currency);
		}
		printf("}\n");
		return;
	}
	printf("to:        %s (%s via %s)\n", est->to, hark_channel_name(d->channel),
	    est->account);
	if (d->channel == HARK_CH_SMS) {
		printf("encoding:  %s\n", sms_encoding_name(est->sms.encoding));
		printf("characters: %zu (%zu %s)\n", est->sms.chars, est->sms.units,
		    est->sms.encoding == SMS_GSM7 ? "septets" : "UTF-16 units");
		printf("segments:  %d (%d per segment, %d left in the last)\n",
		    est->sms.segments, est->sms.per_segment, est->sms.remaining);
	}
	printf("cost:      %s (estimated)\n", price);
	printf("nothing was sent (--dry-run)\n");
}

static void
send_print_result(struct store *st, int64_t id, int json)
{
	struct store_message m;
	char price[32] = "";

	memset(&m, 0, sizeof m);
	if (store_message_get(st, id, &m, NULL) != 0) {
		printf("message %lld\n", (long long)id);
		return;
	}
	if (m.has_price)
		money_format(&m.price, price, sizeof price);
	if (json) {
		printf("{\"id\":%lld,\"status\":\"%s\",\"channel\":\"%s\",\"to\":",
		    (long long)id, hark_status_name(m.status),
		    hark_channel_name(m.channel));
		cli_json_string(stdout, m.to_addr);
		printf(",\"provider\":");
		cli_json_string(stdout, m.provider);
		printf(",\"provider_id\":");
		if (m.provider_id)
			cli_json_string(stdout, m.provider_id);
		else
			printf("null");
		printf(",\"segments\":%d,\"price\":", m.segments);
		if (m.has_price)
			cli_json_string(stdout, price);
		else
			printf("null");
		printf(",\"scheduled_at\":%lld,\"error\":", (long long)m.scheduled_at);
		if (m.error_text)
			cli_json_string(stdout, m.error_text);
		else
			printf("null");
		printf("}\n");
	} else {
		printf("message %lld: %s", (long long)id, hark_status_name(m.status));
		printf(" (%s %s", hark_channel_name(m.channel), m.to_addr);
		if (m.segments > 0)
			printf(", %d segment%s", m.segments, m.segments == 1 ? "" : "s");
		if (m.has_price)
			printf(", %s", price);
		printf(")\n");
		if (m.error_text != NULL) {
			char *safe = text_sanitize(m.error_text, strlen(m.error_text), 0);

			printf("error: %s%s%s\n", safe, m.error_code ? " " : "",
			    m.error_code ? m.error_code : "");
			free(safe);
		}
	}
	store_message_clear(&m);
}

/* ---- waiting --------------------------------------------------------------------- */

static int
send_is_settled(struct send_run *r)
{
	struct store_message m;
	struct store_job j;
	int settled = 0;

	memset(&m, 0, sizeof m);
	memset(&j, 0, sizeof j);
	if (store_message_get(r->st, r->id, &m, NULL) != 0)
		return 1;
	/* A final status, and the price when the provider is still asked. */
	if (r->wait)
		settled = hark_status_is_final(m.status) && (m.has_price ||
		    r->engine == NULL || !engine_price_pending(r->engine, r->id));
	else if (store_job_get_by_message(r->st, r->id, &j, NULL) == 0)
		settled = j.state != STORE_JOB_PENDING && j.state != STORE_JOB_INFLIGHT;
	else
		settled = 1;
	store_job_clear(&j);
	store_message_clear(&m);
	return settled;
}

static void
send_check(uv_timer_t *t)
{
	struct send_run *r = t->data;

	if (send_is_settled(r)) {
		r->done = 1;
		uv_stop(t->loop);
	} else if (hark_now_ms() >= r->deadline) {
		r->timed_out = 1;
		uv_stop(t->loop);
	}
}

static void
send_event(void *arg, const struct store_event *ev)
{
	struct send_run *r = arg;

	if (ev->message_id == r->id)
		send_check(&r->timer);
}

/* Runs the loop until the message is out (or final with --wait). */
static void
send_wait(struct send_run *r, uv_loop_t *loop)
{
	uv_timer_init(loop, &r->timer);
	r->timer.data = r;
	uv_timer_start(&r->timer, send_check, 0, 100);
	if (r->engine != NULL)
		engine_subscribe(r->engine, send_event, r);
	uv_run(loop, UV_RUN_DEFAULT);
	/* The timer lives in the caller's frame: finish closing it now. */
	uv_close((uv_handle_t *)&r->timer, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
}

static int
send_exit_code(struct store *st, int64_t id)
{
	struct store_message m;
	int rc = HARK_EXIT_OK;

	memset(&m, 0, sizeof m);
	if (store_message_get(st, id, &m, NULL) != 0)
		return HARK_EXIT_ERROR;
	switch (m.status) {
	case HARK_ST_FAILED:
	case HARK_ST_UNDELIVERED:
	case HARK_ST_CANCELED:
	case HARK_ST_UNCERTAIN:
		rc = HARK_EXIT_ERROR;
		break;
	default:
		break;
	}
	store_message_clear(&m);
	return rc;
}

static int
send_go(struct cli_ctx *ctx, struct engine *e, struct store *st,
    const struct send_opts *o, const struct engine_draft *d, uv_loop_t *loop)
{
	struct send_run r;
	char *cause = NULL, when[40];
	long owner;

	struct engine_estimate est;

	memset(&r, 0, sizeof r);
	/* Bad input is the user's to fix (1); failing to write it is not (2). */
	if (engine_check(e, d, &est, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_USAGE;
	}
	if (est.note != NULL)
		cli_err(ctx, "note: %s", est.note); /* quiet hours: sent anyway */
	engine_estimate_clear(&est);
	if (engine_send(e, d, &r.id, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_ERROR;
	}
	owner = engine_outbox_owner(store_path(st));
	if (d->send_at > hark_now_ms()) {
		send_print_result(st, r.id, o->json);
		time_format_iso(d->send_at, when, sizeof when);
		if (!o->json)
			printf("scheduled for %s; %s\n", when, engine_owns_outbox(e) ?
			    "it goes out when `hark daemon` or hark is running then" :
			    "the running hark will send it");
		return HARK_EXIT_OK;
	}
	r.ctx = ctx;
	r.engine = e;
	r.st = st;
	r.wait = o->wait;
	r.deadline = hark_now_ms() + o->timeout_s * 1000;
	if (!engine_owns_outbox(e) && !o->wait) {
		send_print_result(st, r.id, o->json);
		if (!o->json)
			printf("queued: the running hark (pid %ld) owns the outbox and "
			    "will send it\n", owner);
		return HARK_EXIT_OK;
	}
	send_wait(&r, loop);
	send_print_result(st, r.id, o->json);
	if (r.timed_out) {
		cli_err(ctx, "no final status after %ld s; the message stays in the "
		    "outbox", o->timeout_s);
		return HARK_EXIT_ERROR;
	}
	return send_exit_code(st, r.id);
}

/* ---- --batch ------------------------------------------------------------------------ */

/* Reads one JSON line into a draft; 0, or -1 with cause. Strings point into j. */
static int
batch_draft(struct store *st, const cJSON *j, struct engine_draft *d, char **cause)
{
	const char *to = cJSON_GetStringValue(cJSON_GetObjectItem(j, "to"));
	const char *ch = cJSON_GetStringValue(cJSON_GetObjectItem(j, "channel"));
	const char *at = cJSON_GetStringValue(cJSON_GetObjectItem(j, "at"));

	memset(d, 0, sizeof *d);
	if (!cJSON_IsObject(j)) {
		set_cause(cause, "not a JSON object");
		return -1;
	}
	d->body = cJSON_GetStringValue(cJSON_GetObjectItem(j, "body"));
	d->subject = cJSON_GetStringValue(cJSON_GetObjectItem(j, "subject"));
	d->idempotency_key = cJSON_GetStringValue(cJSON_GetObjectItem(j, "key"));
	if (to == NULL || d->body == NULL) {
		set_cause(cause, "\"to\" and \"body\" are required");
		return -1;
	}
	if (ch == NULL)
		d->channel = strchr(to, '@') ? HARK_CH_EMAIL : HARK_CH_SMS;
	else if (hark_channel_parse(ch, &d->channel) != 0 ||
	    d->channel == HARK_CH_VOICE) {
		set_cause(cause, "unknown channel '%s'", ch);
		return -1;
	}
	if (send_looks_like_address(to))
		d->to = to;
	else if (store_contact_resolve(st, to, &d->contact_id, cause) != 0)
		return -1;
	if (at != NULL && when_parse(at, hark_now_ms(), &d->send_at, cause) != 0)
		return -1;
	return 0;
}

/* Enqueues every line of the file; returns the number of bad lines, or -1. */
static int
batch_enqueue(struct cli_ctx *ctx, struct engine *e, struct store *st,
    const char *path, int *queued)
{
	struct engine_draft d;
	char *text, *line, *next, *cause = NULL;
	cJSON *j;
	int64_t id;
	int lineno = 0, bad = 0;

	if ((text = cli_read_file(path, NULL, &cause)) == NULL) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return -1;
	}
	for (line = text; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		if (line[strspn(line, " \t\r")] == '\0')
			continue;
		j = cJSON_Parse(line);
		if (j == NULL)
			set_cause(&cause, "not valid JSON");
		if (j == NULL || batch_draft(st, j, &d, &cause) != 0 ||
		    engine_send(e, &d, &id, &cause) != 0) {
			cli_err(ctx, "%s:%d: %s", path, lineno, cause);
			bad++;
		} else
			(*queued)++;
		cJSON_Delete(j);
		free(cause);
		cause = NULL;
	}
	free(text);
	return bad;
}

static void
batch_check(uv_timer_t *t)
{
	struct send_run *r = t->data;
	int counts[6];

	if (store_jobs_count(r->st, counts, NULL) == 0 &&
	    counts[STORE_JOB_INFLIGHT] == 0 && engine_busy(r->engine, 0) == 0)
		uv_stop(t->loop);
}

static int
send_batch(struct cli_ctx *ctx, struct config *cfg, struct store *st,
    const struct send_opts *o)
{
	struct engine_opts eo;
	struct send_run r;
	struct engine *e = NULL;
	uv_loop_t loop;
	int bad, queued = 0, counts[6] = { 0 }, rc = HARK_EXIT_OK;

	memset(&eo, 0, sizeof eo);
	eo.take_outbox = 1;
	if ((e = cli_engine_open(ctx, &loop, &eo)) == NULL) {
		cli_engine_close(NULL, &loop);
		return HARK_EXIT_ERROR;
	}
	bad = batch_enqueue(ctx, e, st, o->batch, &queued);
	if (bad >= 0 && engine_owns_outbox(e)) {
		memset(&r, 0, sizeof r);
		r.st = st;
		r.engine = e;
		uv_timer_init(&loop, &r.timer);
		r.timer.data = &r;
		uv_timer_start(&r.timer, batch_check, 200, 100);
		uv_run(&loop, UV_RUN_DEFAULT);
		uv_close((uv_handle_t *)&r.timer, NULL);
	}
	store_jobs_count(st, counts, NULL);
	if (o->json)
		printf("{\"queued\":%d,\"rejected\":%d,\"pending\":%d,\"failed\":%d,"
		    "\"uncertain\":%d}\n", queued, bad < 0 ? 0 : bad,
		    counts[STORE_JOB_PENDING], counts[STORE_JOB_FAILED],
		    counts[STORE_JOB_UNCERTAIN]);
	else
		printf("queued %d, rejected %d; outbox: %d waiting, %d failed, "
		    "%d uncertain\n", queued, bad < 0 ? 0 : bad,
		    counts[STORE_JOB_PENDING], counts[STORE_JOB_FAILED],
		    counts[STORE_JOB_UNCERTAIN]);
	if (bad < 0)
		rc = HARK_EXIT_ERROR;
	else if (bad > 0)
		rc = queued > 0 ? HARK_EXIT_PARTIAL : HARK_EXIT_USAGE;
	cli_engine_close(e, &loop);
	return rc;
}

int
cmd_send(struct cli_ctx *ctx, int argc, char **argv)
{
	struct engine_opts eo;
	struct engine_estimate est;
	struct engine_draft d;
	struct engine_rendered tr;
	struct send_opts o;
	struct engine *e = NULL;
	struct store *st;
	struct config *cfg;
	uv_loop_t loop;
	char *body_buf = NULL, *html_buf = NULL, *cause = NULL;
	int rc;

	if (send_parse(argc, argv, &o) != 0) {
		fputs(cmd_send_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((cfg = cli_config(ctx)) == NULL || (st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	if (o.batch != NULL)
		return send_batch(ctx, cfg, st, &o);
	memset(&tr, 0, sizeof tr);
	if (send_draft(ctx, st, &o, &d, &body_buf) != 0 ||
	    (o.tmpl != NULL && send_template(ctx, cfg, st, o.tmpl, &d, &tr) != 0)) {
		free(body_buf);
		engine_rendered_clear(&tr);
		return HARK_EXIT_USAGE;
	}
	if (o.html != NULL) {
		if ((html_buf = cli_read_file(o.html, NULL, &cause)) == NULL) {
			cli_err(ctx, "--html %s: %s", o.html, cause);
			free(cause);
			free(body_buf);
			engine_rendered_clear(&tr);
			return HARK_EXIT_USAGE;
		}
		d.html = html_buf;
	}
	memset(&eo, 0, sizeof eo);
	eo.take_outbox = !o.dry_run;
	if ((e = cli_engine_open(ctx, &loop, &eo)) == NULL) {
		rc = HARK_EXIT_ERROR;
	} else if (o.dry_run) {
		rc = engine_check(e, &d, &est, &cause) == 0 ? HARK_EXIT_OK :
		    HARK_EXIT_USAGE;
		if (rc == HARK_EXIT_OK)
			send_print_estimate(&d, &est, o.json);
		else
			cli_err(ctx, "%s", cause);
		engine_estimate_clear(&est);
	} else
		rc = send_go(ctx, e, st, &o, &d, &loop);
	free(cause);
	free(body_buf);
	free(html_buf);
	engine_rendered_clear(&tr);
	cli_engine_close(e, &loop);
	return rc;
}

/* ---- hark call ----------------------------------------------------------------------- */

const char cmd_call_usage[] =
	"usage: hark call CONTACT|NUMBER [--account NAME] [--json]\n"
	"\n"
	"Click-to-call: the provider rings your own phone first (my_phone of the\n"
	"account, else [identity] phone), and when you answer it dials the\n"
	"contact, showing your number. The call appears in the contact's thread;\n"
	"its status, duration and price arrive through the relay (or polling).\n"
	"Afterwards record how it went: hark calls --outcome ID OUTCOME.\n"
	"\n"
	"Exit: 0 the call was placed, 1 bad input, 2 it could not be placed.\n";

int
cmd_call(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'A' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct engine_opts eo;
	struct engine_draft d;
	struct send_opts o;
	struct engine *e = NULL;
	struct store *st;
	struct config *cfg;
	uv_loop_t loop;
	char *cause = NULL;
	int c, rc;

	memset(&o, 0, sizeof o);
	o.timeout_s = 60;
	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		switch (c) {
		case 'A': o.account = optarg; break;
		case 'j': o.json = 1; break;
		default:
			fputs(cmd_call_usage, stderr);
			return HARK_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(cmd_call_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((cfg = cli_config(ctx)) == NULL || (st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	memset(&d, 0, sizeof d);
	d.channel = HARK_CH_VOICE;
	d.body = "Outgoing call";
	d.account = o.account;
	if (send_looks_like_address(argv[optind]))
		d.to = argv[optind];
	else if (store_contact_resolve(st, argv[optind], &d.contact_id, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_USAGE;
	}
	memset(&eo, 0, sizeof eo);
	eo.take_outbox = 1;
	if ((e = cli_engine_open(ctx, &loop, &eo)) == NULL)
		rc = HARK_EXIT_ERROR;
	else
		rc = send_go(ctx, e, st, &o, &d, &loop);
	free(cause);
	cli_engine_close(e, &loop);
	return rc;
}
