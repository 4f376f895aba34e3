/* template_show.c — `hark template show` (a version and the variables it needs) and `hark template render`. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "hark/config.h"
#include "hark/engine.h"
#include "hark/store.h"
#include "hark/template.h"

#include "cli_int.h"
#include "cli_text.h"
#include "template_cli.h"

extern const char cmd_template_usage[];

/* The distinct names a template uses; required when any body needs it. */
struct show_names {
	char **names;
	int *required;
	int n;
};

struct render_opts {
	const char *contact, *channel, *text, *vars;
	int json;
};

static void	show_name(void *arg, const char *name, int required);
static void	show_collect(struct show_names *sn, const char *body);
static void	show_names_of(const struct store_template *t, struct show_names *sn);
static void	show_names_free(struct show_names *sn);
static void	show_text(const struct store_template *t,
		    const struct show_names *sn);
static void	show_json(const struct store_template *t,
		    const struct show_names *sn);
static int	render_parse(int argc, char **argv, struct render_opts *o);
static int	render_channel(struct cli_ctx *ctx, const struct render_opts *o,
		    const struct store_template *t, enum hark_channel *ch);
static cJSON   *render_extra(struct cli_ctx *ctx, const char *vars, int *bad);
static void	render_print(const struct engine_rendered *r,
		    const struct store_template *t, enum hark_channel ch, int json);
static int	render_text(struct cli_ctx *ctx, const struct render_opts *o,
		    int64_t contact_id, enum hark_channel ch, cJSON *extra);

static void
show_name(void *arg, const char *name, int required)
{
	struct show_names *sn = arg;
	int i;

	for (i = 0; i < sn->n; i++) {
		if (strcmp(sn->names[i], name) == 0) {
			sn->required[i] |= required;
			return;
		}
	}
	sn->names = xreallocarray(sn->names, (size_t)sn->n + 1, sizeof *sn->names);
	sn->required = xreallocarray(sn->required, (size_t)sn->n + 1,
	    sizeof *sn->required);
	sn->names[sn->n] = xstrdup(name);
	sn->required[sn->n++] = required;
}

static void
show_collect(struct show_names *sn, const char *body)
{
	struct template *tp;

	if (body == NULL || (tp = template_parse(body, strlen(body), NULL)) == NULL)
		return;
	template_each_name(tp, show_name, sn);
	template_free(tp);
}

static void
show_names_of(const struct store_template *t, struct show_names *sn)
{
	const struct store_variant *v;
	int i;

	memset(sn, 0, sizeof *sn);
	show_collect(sn, t->email_subject);
	show_collect(sn, t->sms_body);
	show_collect(sn, t->whatsapp_body);
	show_collect(sn, t->email_text);
	show_collect(sn, t->email_html);
	for (i = 0; i < t->nvariants; i++) {
		v = &t->variants[i];
		show_collect(sn, v->email_subject);
		show_collect(sn, v->sms_body);
		show_collect(sn, v->whatsapp_body);
		show_collect(sn, v->email_text);
		show_collect(sn, v->email_html);
	}
}

static void
show_names_free(struct show_names *sn)
{
	int i;

	for (i = 0; i < sn->n; i++)
		free(sn->names[i]);
	free(sn->names);
	free(sn->required);
}

/* Prints the version as the text `add --file` reads, its facts as comments. */
static void
show_text(const struct store_template *t, const struct show_names *sn)
{
	char when[32], *text;
	int i;

	cli_local_time(t->created_at, CLI_TIME_FULL, when, sizeof when);
	printf("# version %d, saved %s\n", t->version, when);
	printf("# variables:%s", sn->n == 0 ? " none" : "");
	for (i = 0; i < sn->n; i++)
		printf("%s %s (%s)", i ? "," : "", sn->names[i],
		    sn->required[i] ? "required" : "optional");
	printf("\n");
	text = engine_template_format(t, 0);
	cli_put_safe(stdout, text, HARK_SAN_NEWLINES);
	free(text);
}

static void
show_json(const struct store_template *t, const struct show_names *sn)
{
	cJSON *o = tpl_json(t), *vars, *v, *vs;
	int i;

#define SHOW_BODY(obj, key, val) \
	((val) != NULL ? (void)cJSON_AddStringToObject(obj, key, val) : \
	    (void)cJSON_AddNullToObject(obj, key))
	SHOW_BODY(o, "sms", t->sms_body);
	SHOW_BODY(o, "whatsapp", t->whatsapp_body);
	SHOW_BODY(o, "whatsapp_content_sid", t->whatsapp_content_sid);
	SHOW_BODY(o, "email_subject", t->email_subject);
	SHOW_BODY(o, "email_text", t->email_text);
	SHOW_BODY(o, "email_html", t->email_html);
	vs = cJSON_GetObjectItem(o, "variants");
	for (i = 0; i < t->nvariants; i++) {
		v = cJSON_GetArrayItem(vs, i);
		SHOW_BODY(v, "sms", t->variants[i].sms_body);
		SHOW_BODY(v, "whatsapp", t->variants[i].whatsapp_body);
		SHOW_BODY(v, "email_subject", t->variants[i].email_subject);
		SHOW_BODY(v, "email_text", t->variants[i].email_text);
		SHOW_BODY(v, "email_html", t->variants[i].email_html);
	}
#undef SHOW_BODY
	vars = cJSON_AddArrayToObject(o, "variables");
	for (i = 0; i < sn->n; i++) {
		v = cJSON_CreateObject();
		cJSON_AddStringToObject(v, "name", sn->names[i]);
		cJSON_AddBoolToObject(v, "required", sn->required[i]);
		cJSON_AddItemToArray(vars, v);
	}
	cli_json_print(stdout, o, 0);
}

int
tpl_show(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "version", required_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_template t;
	struct show_names sn;
	struct store *st;
	char *cause = NULL;
	int c, json = 0, version = 0;

	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else if (c != 'v' || cli_parse_count(optarg, 1, 1 << 30, &version) != 0) {
			fputs(cmd_template_usage, stderr);
			return HARK_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(cmd_template_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	if ((st = cli_store(ctx)) == NULL)
		return HARK_EXIT_ERROR;
	if (store_template_get(st, argv[optind], version, &t, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		free(cause);
		return HARK_EXIT_USAGE;
	}
	show_names_of(&t, &sn);
	if (json)
		show_json(&t, &sn);
	else
		show_text(&t, &sn);
	show_names_free(&sn);
	store_template_clear(&t);
	return HARK_EXIT_OK;
}

/* ---- render ------------------------------------------------------------------------ */

static int
render_parse(int argc, char **argv, struct render_opts *o)
{
	static const struct option opts[] = {
		{ "contact", required_argument, NULL, 'c' },
		{ "channel", required_argument, NULL, 'C' },
		{ "text", required_argument, NULL, 't' },
		{ "vars", required_argument, NULL, 'V' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof *o);
	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o->contact = optarg; break;
		case 'C': o->channel = optarg; break;
		case 't': o->text = optarg; break;
		case 'V': o->vars = optarg; break;
		case 'j': o->json = 1; break;
		default: return -1;
		}
	}
	/* A stored template by name, or --text: one of the two. */
	if (o->text != NULL)
		return optind == argc ? 0 : -1;
	return optind == argc - 1 && o->contact != NULL ? 0 : -1;
}

/* --channel, else the first channel the template has a body for (SMS). */
static int
render_channel(struct cli_ctx *ctx, const struct render_opts *o,
    const struct store_template *t, enum hark_channel *ch)
{
	*ch = HARK_CH_SMS;
	if (o->channel != NULL) {
		if (hark_channel_parse(o->channel, ch) != 0 || *ch == HARK_CH_VOICE) {
			cli_err_safe(ctx, "unknown channel '%s': use sms, whatsapp or "
			    "email", o->channel);
			return -1;
		}
	} else if (t != NULL && t->sms_body == NULL)
		*ch = t->whatsapp_body != NULL ? HARK_CH_WHATSAPP : HARK_CH_EMAIL;
	return 0;
}

/* --vars as a JSON object (NULL when not given); *bad on a wrong value. */
static cJSON *
render_extra(struct cli_ctx *ctx, const char *vars, int *bad)
{
	cJSON *j;

	*bad = 0;
	if (vars == NULL)
		return NULL;
	j = cJSON_Parse(vars);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		cli_err(ctx, "--vars must be a JSON object such as "
		    "'{\"name\":\"Ann\"}'");
		*bad = 1;
		return NULL;
	}
	return j;
}

static void
render_print(const struct engine_rendered *r, const struct store_template *t,
    enum hark_channel ch, int json)
{
	cJSON *o;

	if (json) {
		o = cJSON_CreateObject();
		if (t != NULL) {
			cJSON_AddStringToObject(o, "template", t->name);
			cJSON_AddNumberToObject(o, "version", t->version);
		}
		if (r->variant != NULL)
			cJSON_AddStringToObject(o, "variant", r->variant);
		cJSON_AddStringToObject(o, "channel", hark_channel_name(ch));
		if (r->subject != NULL)
			cJSON_AddStringToObject(o, "subject", r->subject);
		cJSON_AddStringToObject(o, "body", r->body);
		if (r->html != NULL)
			cJSON_AddStringToObject(o, "html", r->html);
		if (r->content_sid != NULL)
			cJSON_AddStringToObject(o, "whatsapp_content_sid", r->content_sid);
		cli_json_print(stdout, o, 0);
		return;
	}
	if (r->subject != NULL) {
		fputs("Subject: ", stdout);
		cli_put_safe(stdout, r->subject, 0);
		fputs("\n\n", stdout);
	}
	cli_put_safe(stdout, r->body, HARK_SAN_NEWLINES);
	fputc('\n', stdout);
}

/* --text: the text as a template with the contact's variables and --vars. */
static int
render_text(struct cli_ctx *ctx, const struct render_opts *o, int64_t contact_id,
    enum hark_channel ch, cJSON *extra)
{
	struct engine_rendered r;
	struct template_out out;
	struct template *tp;
	struct config *cfg = cli_config(ctx);
	cJSON *vars, *e;
	char *cause = NULL;
	int rc;

	if (cfg == NULL)
		return HARK_EXIT_ERROR;
	if ((tp = template_parse(o->text, strlen(o->text), &cause)) == NULL) {
		cli_err(ctx, "--text: %s", cause);
		free(cause);
		return HARK_EXIT_USAGE;
	}
	vars = engine_template_vars(ctx->st, cfg, contact_id, ch, hark_now_ms());
	cJSON_ArrayForEach(e, extra) {
		cJSON_DeleteItemFromObjectCaseSensitive(vars, e->string);
		cJSON_AddItemToObject(vars, e->string, cJSON_Duplicate(e, 1));
	}
	memset(&out, 0, sizeof out);
	rc = template_render(tp, vars, NULL, &out, &cause);
	if (rc == 0) {
		memset(&r, 0, sizeof r);
		r.body = out.text;
		render_print(&r, NULL, ch, o->json);
	} else
		cli_err(ctx, "%s", cause);
	free(cause);
	template_out_clear(&out);
	cJSON_Delete(vars);
	template_free(tp);
	return rc == 0 ? HARK_EXIT_OK : HARK_EXIT_USAGE;
}

int
tpl_render(struct cli_ctx *ctx, int argc, char **argv)
{
	struct render_opts o;
	struct store_template t;
	struct engine_rendered r;
	enum hark_channel ch;
	struct store *st = NULL;
	cJSON *extra;
	char *cause = NULL;
	int64_t contact_id = 0;
	int bad, rc = HARK_EXIT_USAGE;

	if (render_parse(argc, argv, &o) != 0) {
		fputs(cmd_template_usage, stderr);
		return HARK_EXIT_USAGE;
	}
	extra = render_extra(ctx, o.vars, &bad);
	if (bad)
		return HARK_EXIT_USAGE;
	memset(&t, 0, sizeof t);
	if ((o.text == NULL || o.contact != NULL) && (st = cli_store(ctx)) == NULL)
		rc = HARK_EXIT_ERROR;
	else if (o.contact != NULL &&
	    store_contact_resolve(st, o.contact, &contact_id, &cause) != 0)
		cli_err(ctx, "%s", cause);
	else if (o.text == NULL &&
	    store_template_get(st, argv[optind], 0, &t, &cause) != 0)
		cli_err(ctx, "%s", cause);
	else if (render_channel(ctx, &o, o.text ? NULL : &t, &ch) != 0)
		;
	else if (o.text != NULL)
		rc = render_text(ctx, &o, contact_id, ch, extra);
	else if (cli_config(ctx) == NULL)
		rc = HARK_EXIT_ERROR;
	else if (engine_template_render(st, ctx->cfg, &t, contact_id, ch, extra, 0,
	    &r, &cause) != 0) {
		cli_err(ctx, "%s", cause);
		engine_rendered_clear(&r);
	} else {
		render_print(&r, &t, ch, o.json);
		engine_rendered_clear(&r);
		rc = HARK_EXIT_OK;
	}
	free(cause);
	cJSON_Delete(extra);
	store_template_clear(&t);
	return rc;
}
