/* cmd_template.c — `hark template`: the template library (add, edit, list, history, rm; show and render in template_show.c). */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "hark/engine.h"
#include "hark/store.h"
#include "hark/tui.h"

#include "cli_int.h"
#include "cli_text.h"
#include "cmd_usage.h"
#include "template_cli.h"

const char cmd_template_usage[] =
	"usage: hark template add [--file FILE]\n"
	"       hark template edit NAME [--file FILE]\n"
	"       hark template list [--json]\n"
	"       hark template show NAME [--version N] [--json]\n"
	"       hark template render NAME --contact C [--channel CH] [--vars JSON] [--json]\n"
	"       hark template render --text TEXT [--contact C] [--channel CH] [--vars JSON]\n"
	"       hark template history NAME [--json]\n"
	"       hark template rm NAME\n"
	"\n"
	"The template library. add and edit open $VISUAL or $EDITOR on the\n"
	"template as plain text (--file FILE, or - for standard input, for\n"
	"scripts); editing saves a new version and `history` lists them. Messages\n"
	"record the version (and A/B variant) they were rendered from.\n"
	"\n"
	"The text form: one-line headers, then bodies:\n"
	"  name: follow-up\n"
	"  category: sales\n"
	"  email_subject: Following up\n"
	"  sms:\n"
	"  Hi {{first_name|there}}, it's {{my_name}}.\n"
	"  email_text:\n"
	"  ...\n"
	"A body (sms:, whatsapp:, email_text:, email_html:) alone on its line\n"
	"runs to the next body or variant: line; with text after the colon it is\n"
	"one line. whatsapp_content_sid: HX... names an approved WhatsApp\n"
	"template. \"variant: B\" with \"weight: 1\" and the bodies it changes\n"
	"declares an A/B test (see hark report ab). '#' lines outside a body are\n"
	"comments. A syntax error is refused with its line and column; on a\n"
	"terminal the editor opens again.\n"
	"\n"
	"Syntax, a compatible subset of Mustache: {{name}}, {{#field}}..{{/field}}\n"
	"(only when present), {{^field}}..{{/field}} (when missing), {{! note }};\n"
	"hark's extensions: defaults {{first_name|there}}, optional {{company|}},\n"
	"filters {{name|upper}} lower title first, {{due|date:%-d %b %Y}},\n"
	"{{amount|money:USD}}. Variables: the contact's name, first_name,\n"
	"last_name, company, phone, whatsapp, email, tags and custom fields;\n"
	"last_inbound and last_inbound_channel; channel; my_name, my_email,\n"
	"my_phone ([identity]); today and now.\n"
	"\n"
	"render prints a template filled in for a contact (or --vars, a JSON\n"
	"object); a missing required variable is refused with the list of every\n"
	"one missing.\n"
	"\n"
	"Exit: 0 ok, 1 bad input (syntax error, missing variables, no such\n"
	"template), 2 the database could not be used.\n";

static char	*tpl_editor_text(struct cli_ctx *ctx, const char *initial,
		    struct store_template *t, const char *expect_name, int *rc);
static int	tpl_ask_again(void);
static int	tpl_is_blank(const char *text);
static int	tpl_save(struct cli_ctx *ctx, struct store *st,
		    const struct store_template *t, int adding);
static int	tpl_file_opt(int argc, char **argv, const char **file, int *json,
		    int *version);
static int	tpl_from_input(struct cli_ctx *ctx, const char *file,
		    const char *initial, const char *expect, int adding);
static char	*tpl_variants_text(const struct store_template *t);
static int	tpl_list_one(void *arg, const struct store_template *t);
static int	tpl_add(struct cli_ctx *ctx, int argc, char **argv);
static int	tpl_edit(struct cli_ctx *ctx, int argc, char **argv);
static int	tpl_list(struct cli_ctx *ctx, int argc, char **argv);
static int	tpl_history(struct cli_ctx *ctx, int argc, char **argv);
static int	tpl_rm(struct cli_ctx *ctx, int argc, char **argv);

/* On a terminal, like crontab -e: "edit again?" (default yes). */
static int
tpl_ask_again(void)
{
	char line[16];

	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return 0;
	fputs("Edit again? [Y/n] ", stderr);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 0;
	return line[0] != 'n' && line[0] != 'N';
}

/* Only comments and blank lines: the user emptied the file to cancel. */
static int
tpl_is_blank(const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		p += strspn(p, " \t\r");
		if (*p == '#')
			p += strcspn(p, "\n");
		if (*p != '\n' && *p != '\0')
			return 0;
		if (*p == '\n')
			p++;
	}
	return 1;
}

/*
 * Puts initial in a file, runs the editor until the text parses (or the
 * user gives up), and fills *t. Returns the final text (caller frees; NULL
 * with *rc the exit code when nothing is to be saved).
 */
static char *
tpl_editor_text(struct cli_ctx *ctx, const char *initial, struct store_template *t,
    const char *expect_name, int *rc)
{
	char *path, *text = NULL, *cause = NULL;
	int st;

	/* vi needs a terminal: a script names its editor or gives --file. */
	if (!isatty(STDIN_FILENO) && (getenv("VISUAL") == NULL ||
	    *getenv("VISUAL") == '\0') && (getenv("EDITOR") == NULL ||
	    *getenv("EDITOR") == '\0')) {
		cli_err(ctx, "no terminal to edit on: use --file FILE (- for "
		    "standard input) or set EDITOR");
		*rc = HARK_EXIT_USAGE;
		return NULL;
	}
	if ((path = tui_tmpfile("template", initial, strlen(initial),
	    &cause)) == NULL) {
		cli_err(ctx, "cannot write a file to edit: %s", cause);
		free(cause);
		*rc = HARK_EXIT_ERROR;
		return NULL;
	}
	for (;;) {
		if ((st = tui_run_editor(path)) != 0) {
			cli_err(ctx, "the editor exited with status %d; nothing saved", st);
			*rc = HARK_EXIT_ERROR;
			break;
		}
		free(text);
		if ((text = cli_read_file(path, NULL, &cause)) == NULL) {
			cli_err(ctx, "%s", cause);
			*rc = HARK_EXIT_ERROR;
			break;
		}
		if (tpl_is_blank(text) || strcmp(text, initial) == 0) {
			printf("%s\n", tpl_is_blank(text) ? "the file is empty: "
			    "nothing saved" : "no changes");
			*rc = HARK_EXIT_OK;
			break;
		}
		if (engine_template_parse_file(text, t, &cause) == 0 &&
		    tpl_check_name(t, expect_name, &cause) == 0) {
			unlink(path);
			free(path);
			return text;
		}
		store_template_clear(t);
		cli_err(ctx, "%s", cause);
		free(cause);
		cause = NULL;
		if (!tpl_ask_again()) {
			cli_err(ctx, "nothing saved; your text is in %s", path);
			free(path);
			free(text);
			*rc = HARK_EXIT_USAGE;
			return NULL;
		}
	}
	free(cause);
	free(text);
	unlink(path);
	free(path);
	return NULL;
}

int
tpl_check_name(const struct store_template *t, const char *expect, char **cause)
{
	if (expect != NULL && strcmp(t->name, expect) != 0) {
		set_cause(cause, "the name changed from '%s' to '%s': renaming is not "
		    "supported (add a new template, then rm the old one)", expect,
		    t->name);
		return -1;
	}
	return 0;
}

static int
tpl_save(struct cli_ctx *ctx, struct store *st, const struct store_template *t,
    int adding)
{
	struct store_template cur;
	char *cause = NULL;
	int version = 0, rc;

	memset(&cur, 0, sizeof cur);
	if (adding && store_template_get(st, t->name, 0, &cur, NULL) == 0) {
		store_template_clear(&cur);
		cli_err(ctx, "template '%s' exists: change it with hark template "
		    "edit %s", t->name, t->name);
		return HARK_EXIT_USAGE;
	}
	if ((rc = store_template_save(st, t, &version, &cause)) < 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_USAGE;
	}
	if (rc == 0)
		printf("template %s: no changes (version %d)\n", t->name, version);
	else
		printf("template %s: saved version %d\n", t->name, version);
	return HARK_EXIT_OK;
}

/* --file F, --json, --version N; leaves the positional arguments from optind. */
static int
tpl_file_opt(int argc, char **argv, const char **file, int *json, int *version)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "version", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "f:j", opts, NULL)) != -1) {
		switch (c) {
		case 'f': if (file == NULL) return -1; *file = optarg; break;
		case 'j': if (json == NULL) return -1; *json = 1; break;
		case 'v':
			if (version == NULL || cli_parse_count(optarg, 1, 1 << 30,
			    version) != 0)
				return -1;
			break;
		default: return -1;
		}
	}
	return 0;
}

/* From --file, or else the editor; the name must be expect when not NULL. */
static int
tpl_from_input(struct cli_ctx *ctx, const char *file, const char *initial,
    const char *expect, int adding)
{
	struct store_template t;
	struct store *st;
	char *text, *cause = NULL;
	int rc = HARK_EXIT_OK;

	if ((st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	memset(&t, 0, sizeof t);
	if (file != NULL) {
		if ((text = cli_read_file(file, NULL, &cause)) == NULL) {
			cli_err(ctx, "%s", cause);
			free(cause);
			return HARK_EXIT_USAGE;
		}
		if (engine_template_parse_file(text, &t, &cause) != 0 ||
		    tpl_check_name(&t, expect, &cause) != 0) {
			cli_err(ctx, "%s: %s", strcmp(file, "-") == 0 ? "stdin" : file,
			    cause);
			free(cause);
			free(text);
			store_template_clear(&t);
			return HARK_EXIT_USAGE;
		}
	} else if ((text = tpl_editor_text(ctx, initial, &t, expect, &rc)) == NULL)
		return rc;
	rc = tpl_save(ctx, st, &t, adding);
	store_template_clear(&t);
	free(text);
	return rc;
}

static int
tpl_add(struct cli_ctx *ctx, int argc, char **argv)
{
	struct store_template blank;
	const char *file = NULL;
	char *initial;
	int rc;

	if (tpl_file_opt(argc, argv, &file, NULL, NULL) != 0 || optind != argc) {
		fputs(cmd_template_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	memset(&blank, 0, sizeof blank);
	initial = engine_template_format(&blank, 1);
	rc = tpl_from_input(ctx, file, initial, NULL, 1);
	free(initial);
	return rc;
}

static int
tpl_edit(struct cli_ctx *ctx, int argc, char **argv)
{
	struct store_template t;
	struct store *st;
	const char *file = NULL;
	char *initial, *cause = NULL;
	int rc;

	if (tpl_file_opt(argc, argv, &file, NULL, NULL) != 0 || optind != argc - 1) {
		fputs(cmd_template_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	if (store_template_get(st, argv[optind], 0, &t, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_USAGE;
	}
	initial = engine_template_format(&t, 1);
	rc = tpl_from_input(ctx, file, initial, t.name, 0);
	free(initial);
	store_template_clear(&t);
	return rc;
}

/* Which channels a version has a body for: "sms whatsapp email". */
void
tpl_channels(const struct store_template *t, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s", t->sms_body ? "sms" : "",
	    t->sms_body && (t->whatsapp_body || t->whatsapp_content_sid) ? " " : "",
	    t->whatsapp_body || t->whatsapp_content_sid ? "whatsapp" : "",
	    (t->sms_body || t->whatsapp_body || t->whatsapp_content_sid) &&
	    t->email_text ? " " : "", t->email_text ? "email" : "");
}

/* "A:1,B:3", or "" with no variants. */
static char *
tpl_variants_text(const struct store_template *t)
{
	struct hbuf b = HBUF_INIT;
	int i;

	for (i = 0; i < t->nvariants; i++)
		hbuf_printf(&b, "%s%s:%d", i ? "," : "", t->variants[i].name,
		    t->variants[i].weight);
	return hbuf_steal(&b);
}

cJSON *
tpl_json(const struct store_template *t)
{
	cJSON *o = cJSON_CreateObject(), *vs, *v;
	char when[40], ch[40];
	int i;

	cJSON_AddStringToObject(o, "name", t->name);
	if (t->category != NULL)
		cJSON_AddStringToObject(o, "category", t->category);
	else
		cJSON_AddNullToObject(o, "category");
	cJSON_AddNumberToObject(o, "version", t->version);
	time_format_iso(t->created_at, when, sizeof when);
	cJSON_AddStringToObject(o, "saved_at", when);
	tpl_channels(t, ch, sizeof ch);
	cJSON_AddStringToObject(o, "channels", ch);
	vs = cJSON_AddArrayToObject(o, "variants");
	for (i = 0; i < t->nvariants; i++) {
		v = cJSON_CreateObject();
		cJSON_AddStringToObject(v, "name", t->variants[i].name);
		cJSON_AddNumberToObject(v, "weight", t->variants[i].weight);
		cJSON_AddItemToArray(vs, v);
	}
	return o;
}

struct tpl_listing {
	cJSON *json;
	int n;
};

static int
tpl_list_one(void *arg, const struct store_template *t)
{
	struct tpl_listing *l = arg;
	char when[32], ch[40], *vs;

	l->n++;
	if (l->json != NULL) {
		cJSON_AddItemToArray(l->json, tpl_json(t));
		return 0;
	}
	cli_local_time(t->created_at, CLI_TIME_FULL, when, sizeof when);
	tpl_channels(t, ch, sizeof ch);
	vs = tpl_variants_text(t);
	printf("%-24s %-12s v%-3d %-16s %s%s%s\n", t->name,
	    t->category ? t->category : "-", t->version, when, ch,
	    *vs ? "  A/B " : "", vs);
	free(vs);
	return 0;
}

static int
tpl_list(struct cli_ctx *ctx, int argc, char **argv)
{
	struct tpl_listing l = { NULL, 0 };
	struct store *st;
	char *cause = NULL;
	int json = 0;

	if (tpl_file_opt(argc, argv, NULL, &json, NULL) != 0 || optind != argc) {
		fputs(cmd_template_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	if (json)
		l.json = cJSON_CreateArray();
	if (store_templates_each(st, tpl_list_one, &l, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		cJSON_Delete(l.json);
		return HARK_EXIT_ERROR;
	}
	if (json)
		cli_json_print(stdout, l.json, 0);
	else if (l.n == 0)
		printf("no templates yet: hark template add\n");
	return HARK_EXIT_OK;
}

static int
tpl_history(struct cli_ctx *ctx, int argc, char **argv)
{
	struct tpl_listing l = { NULL, 0 };
	struct store *st;
	char *cause = NULL;
	int json = 0;

	if (tpl_file_opt(argc, argv, NULL, &json, NULL) != 0 || optind != argc - 1) {
		fputs(cmd_template_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	if (json)
		l.json = cJSON_CreateArray();
	if (store_template_history(st, argv[optind], tpl_list_one, &l, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		cJSON_Delete(l.json);
		return HARK_EXIT_USAGE;
	}
	if (json)
		cli_json_print(stdout, l.json, 0);
	return HARK_EXIT_OK;
}

static int
tpl_rm(struct cli_ctx *ctx, int argc, char **argv)
{
	struct store *st;
	char *cause = NULL;

	if (tpl_file_opt(argc, argv, NULL, NULL, NULL) != 0 || optind != argc - 1) {
		fputs(cmd_template_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	if (store_template_delete(st, argv[optind], &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_USAGE;
	}
	printf("template %s removed (its versions stay for the messages that "
	    "used them)\n", argv[optind]);
	return HARK_EXIT_OK;
}

int
cmd_template(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct cli_ctx *, int, char **);
	} subs[] = {
		{ "add", tpl_add }, { "edit", tpl_edit }, { "list", tpl_list },
		{ "ls", tpl_list }, { "show", tpl_show }, { "render", tpl_render },
		{ "history", tpl_history }, { "rm", tpl_rm },
	};
	size_t i;

	if (argc < 2) {
		fputs(cmd_template_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	for (i = 0; i < HARK_NELEM(subs); i++) {
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(ctx, argc - 1, argv + 1);
	}
	cli_err_safe(ctx, "unknown subcommand '%s' (add, edit, list, show, "
	    "render, history or rm)", argv[1]);
	return HARK_EXIT_USAGE;
}

void
tpl_json_used(cJSON *o, struct store *st, int64_t message_id)
{
	struct store_template t;
	int64_t vid;
	char *variant = NULL;

	if (st == NULL || store_message_template_get(st, message_id, &vid, &variant,
	    NULL) != 1)
		return;
	if (store_template_get_version(st, vid, &t, NULL) == 0) {
		cJSON_AddStringToObject(o, "template", t.name);
		cJSON_AddNumberToObject(o, "template_version", t.version);
		store_template_clear(&t);
	}
	if (variant != NULL)
		cJSON_AddStringToObject(o, "variant", variant);
	free(variant);
}
