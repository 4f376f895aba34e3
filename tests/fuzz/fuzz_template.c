/*
 * fuzz_template.c — libFuzzer target for the template parser and renderer:
 * templates are typed by users and imported, so no input may crash them.
 * Build with clang -fsanitize=fuzzer,address,undefined -Iinclude, this file,
 * every .c file of src/core and -lcjson.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "hark/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cJSON *vars;
	struct template_opts o = { TEMPLATE_PREVIEW, 3600 };
	struct template_out out = { 0 };
	struct template *t;
	char *cause = NULL;

	if (vars == NULL)
		vars = cJSON_Parse("{\"a\":[1,{\"a\":[]},\"2026-01-01\"],\"b\":\"x\","
		    "\"c\":{\"d\":1767225600000},\"e\":12.5}");
	t = template_parse((const char *)data, size, &cause);
	if (t != NULL) {
		template_render(t, vars, &o, &out, NULL);
		template_out_clear(&out);
		o.flags = TEMPLATE_HTML;
		if (template_render(t, vars, &o, &out, &cause) != 0)
			free(cause);
		template_out_clear(&out);
		template_free(t);
	} else
		free(cause);
	return 0;
}
