/* template_cli.h — what `hark template`'s files share (cmd_template.c, template_show.c). */
#ifndef HARK_CLI_TEMPLATE_CLI_H
#define HARK_CLI_TEMPLATE_CLI_H

#include <stddef.h>
#include <stdint.h>

struct cli_ctx;
struct cJSON;
struct store;
struct store_template;

/* `hark template show` and `render` (template_show.c). */
int tpl_show(struct cli_ctx *ctx, int argc, char **argv);
int tpl_render(struct cli_ctx *ctx, int argc, char **argv);
/* -1 with cause when the text renamed the template being edited. */
int tpl_check_name(const struct store_template *t, const char *expect, char **cause);
/* "sms whatsapp email": the channels a version has a body for. */
void tpl_channels(const struct store_template *t, char *buf, size_t size);
/* A version as JSON: name, category, version, saved_at, channels, variants. */
struct cJSON *tpl_json(const struct store_template *t);
/* Adds "template", "template_version" and "variant" to a message's JSON
 * when the message was rendered from a template (`hark log --json`). */
void tpl_json_used(struct cJSON *o, struct store *st, int64_t message_id);

#endif
