/*
 * fuzz_rules.c — libFuzzer target for the rules file's parser and the
 * evaluation of what it parsed: a rules file is typed by hand, so no input
 * may crash hark, and every error must name a place. Build as `make fuzz`
 * does: clang -fsanitize=fuzzer,address,undefined, this file, src/core.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hark/rules.h"
#include "hark/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_eval(const struct rules *set)
{
	struct rules_subject s = { "{\"plan\":\"gold\",\"n\":3}", "lead,vip",
	    "open", 1, HARK_CH_SMS };
	struct rules_event ev = { RULES_WHEN_INBOUND, "What's the price?" };
	struct hbuf why = HBUF_INIT;
	char buf[32];
	int i, j;

	for (i = 0; i < set->n; i++) {
		rules_triggered_by(&set->rules[i], &ev);
		rules_conds_hold(&set->rules[i], &s, &why);
		hbuf_reset(&why);
		rules_duration_format(set->rules[i].once_per_ms, buf, sizeof buf);
		if (set->rules[i].when == RULES_WHEN_SCHEDULE)
			rules_schedule_next(&set->rules[i].sched, 1795427880000LL);
		for (j = 0; j < set->rules[i].nsteps; j++)
			rules_duration_format(set->rules[i].steps[j].after_ms, buf,
			    sizeof buf);
	}
	hbuf_free(&why);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules *set;
	char *cause = NULL;

	set = rules_parse((const char *)data, size, "rules", &cause);
	if (set != NULL) {
		fuzz_eval(set);
		rules_free(set);
	} else {
		/* An error always names the file, a line and a column. */
		if (cause == NULL || strncmp(cause, "rules:", 6) != 0)
			abort();
		free(cause);
	}
	return 0;
}
