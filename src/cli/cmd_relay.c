/* cmd_relay.c — `hark relay`: the webhook relay in the foreground. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/config.h"
#include "hark/relay.h"

#include "cli_int.h"
#include "cmd_usage.h"

const char cmd_relay_usage[] =
	"usage: hark relay [--listen ADDR] [--insecure-no-signatures] [--verbose]\n"
	"\n"
	"Receives the webhooks of Twilio, SendGrid and Mailgun (inbound messages,\n"
	"delivery statuses, calls, email events), checks their signatures, stores\n"
	"them and answers only once they are on disk. Open hark clients hear of\n"
	"each one at once through the events socket. Put it behind your reverse\n"
	"proxy or tunnel (contrib/relay-nginx.conf, contrib/relay-caddy) and set\n"
	"[relay] public_url to the URL the providers call. Runs until SIGTERM or\n"
	"SIGINT (contrib/hark-relay.service runs it under systemd).\n"
	"\n"
	"Webhook URLs, under public_url:\n"
	"  /twilio/message       Twilio messaging webhook (SMS, MMS, WhatsApp)\n"
	"  /twilio/status        Twilio message status callback\n"
	"  /twilio/voice         Twilio call status callback\n"
	"  /twilio/voice/dial    the <Dial action> of click-to-call bridges\n"
	"  /twilio/voice/bridge  the TwiML of click-to-call (?to=&from=)\n"
	"  /sendgrid/events      SendGrid signed event webhook\n"
	"  /sendgrid/inbound     SendGrid Inbound Parse (?key=, see --verbose)\n"
	"  /mailgun/events       Mailgun webhooks\n"
	"  /mailgun/inbound      Mailgun route: forward(\"URL\")\n"
	"  /healthz              GET: ok, the last event id and the uptime\n"
	"\n"
	"Options:\n"
	"  --listen ADDR     address to listen on, HOST:PORT or [IPV6]:PORT (default\n"
	"                    [relay] listen, 127.0.0.1:8686); port 0 picks a free one\n"
	"  --insecure-no-signatures\n"
	"                    accept webhooks whose signatures cannot be checked\n"
	"                    (accounts without their secret, no public_url): only\n"
	"                    for tests on a closed machine\n"
	"  --verbose         print one line per request on standard output, and\n"
	"                    the URL to give each provider at start\n"
	"\n"
	"Exit status: 0 after SIGTERM or SIGINT, 1 for a usage or configuration\n"
	"error (missing secrets, bad address), 2 when it cannot run (port in use,\n"
	"database).\n";

int
cmd_relay(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "insecure-no-signatures", no_argument, NULL, 'I' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct relay_opts o;
	struct config *cfg;
	char *db, *cause = NULL;
	int c, rc;

	memset(&o, 0, sizeof o);
	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "+l:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			o.listen = optarg;
			break;
		case 'I':
			o.insecure_no_signatures = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'h':
			fputs(cmd_relay_usage, stdout);
			return HARK_EXIT_OK;
		default:
			fputs(cmd_relay_usage, stderr);
			return HARK_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cli_err(ctx, "unexpected argument '%s'", argv[optind]);
		fputs(cmd_relay_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((cfg = cli_config(ctx)) == NULL)
		return HARK_EXIT_USAGE;
	db = ctx->db_path != NULL ? xstrdup(ctx->db_path) : hark_db_path(cfg);
	o.cfg = cfg;
	o.db_path = db;
	rc = relay_run(&o, &cause);
	if (rc != 0)
		cli_err(ctx, "%s", cause ? cause : "failed");
	free(cause);
	free(db);
	return rc == 0 ? HARK_EXIT_OK : rc == -2 ? HARK_EXIT_USAGE : HARK_EXIT_ERROR;
}
