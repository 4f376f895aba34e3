/* contacts_set.c — hark contacts set: a contact's routing preferences and opt-outs. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hark/engine.h"
#include "hark/store.h"

#include "cli_int.h"
#include "cli_text.h"
#include "contacts_int.h"

const char cmd_contacts_set_usage[] =
    "usage: hark contacts set CONTACT [--prefer CH] [--fallback CH,CH,...]\n"
    "                         [--tz ZONE] [--quiet HH:MM-HH:MM] [--cap N/day|N/week]\n"
    "                         [--opt-out CH [--reason TEXT]] [--opt-in CH]\n"
    "       hark contacts set CONTACT --show\n"
    "\n"
    "--prefer    the channel the composer starts on (sms, whatsapp, email)\n"
    "--fallback  the order to try when a message fails or stays undelivered\n"
    "            past fallback_after: the next channel after the failed one\n"
    "--tz        the contact's time zone, an IANA name (Europe/Berlin)\n"
    "--quiet     quiet hours in the contact's local time (21:00-08:00 crosses\n"
    "            midnight): scheduled and bulk messages due then wait\n"
    "--cap       at most N messages in any 24 hours (N/day) or 7 days (N/week)\n"
    "--opt-out   opt every address of the contact for a channel out (source\n"
    "            manual; --reason is kept); --opt-in undoes it. Both go to\n"
    "            the audit log.\n"
    "Each of prefer, fallback, tz, quiet and cap takes 'off' to clear it.\n"
    "All changes are made together or not at all.\n";

#define SET_MAX 16

int
contacts_set(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "prefer", required_argument, NULL, 'p' },
		{ "fallback", required_argument, NULL, 'f' },
		{ "tz", required_argument, NULL, 'z' },
		{ "quiet", required_argument, NULL, 'q' },
		{ "cap", required_argument, NULL, 'c' },
		{ "opt-out", required_argument, NULL, 'o' },
		{ "opt-in", required_argument, NULL, 'i' },
		{ "reason", required_argument, NULL, 'r' },
		{ "show", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const keys[] = {
		['p'] = "prefer", ['f'] = "fallback", ['z'] = "tz", ['q'] = "quiet",
		['c'] = "cap", ['o'] = "opt-out", ['i'] = "opt-in"
	};
	const char *key[SET_MAX], *val[SET_MAX], *reason = NULL;
	struct store *st;
	char *cause = NULL, *sum;
	int64_t id;
	int c, n = 0, i, show = 0, rc = HARK_EXIT_OK;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(cmd_contacts_set_usage, stdout);
		return HARK_EXIT_OK;
	}
	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			reason = optarg;
		else if (c == 's')
			show = 1;
		else if (c != '?' && n < SET_MAX) {
			key[n] = keys[c];
			val[n++] = optarg;
		} else {
			fputs(cmd_contacts_set_usage, stderr);
			return HARK_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || (n == 0 && !show)) {
		fputs(cmd_contacts_set_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	if (store_contact_resolve(st, argv[optind], &id, &cause) != 0) {
		cli_err_safe(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_USAGE;
	}
	if (n > 0 && store_begin(st, &cause) != 0) {
		cli_err_safe(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_ERROR;
	}
	for (i = 0; i < n; i++) {
		if (engine_pref_set(st, id, key[i], val[i], reason, NULL, &cause) != 0) {
			store_rollback(st);
			cli_err_safe(ctx, "%s", cause);
			free(cause);
			return HARK_EXIT_USAGE;
		}
	}
	if (n > 0 && store_commit(st, &cause) != 0) {
		store_rollback(st);
		cli_err_safe(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_ERROR;
	}
	sum = engine_route_summary(st, id, hark_now_ms());
	printf("#%lld: %s\n", (long long)id, *sum ? sum : "no preferences");
	free(sum);
	return rc;
}
