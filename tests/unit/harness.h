/* harness.h — what every cmocka unit test includes. */
#ifndef HARK_TEST_HARNESS_H
#define HARK_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fresh empty directory under $TMPDIR for one test; caller frees the string. */
static inline char *
test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *p;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	p = malloc(strlen(base) + 32);
	sprintf(p, "%s/hark-test.XXXXXX", base);
	if (mkdtemp(p) == NULL)
		abort();
	return p;
}

#endif
