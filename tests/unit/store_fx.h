/*
 * store_fx.h — a cmocka fixture for tests of what runs on the store: a fresh
 * database in a directory of its own and the default configuration.
 * Included by one test file each; everything here is static inline.
 */
#ifndef HARK_TEST_STORE_FX_H
#define HARK_TEST_STORE_FX_H

#include "hark/config.h"
#include "hark/core.h"
#include "hark/store.h"

struct store_fx {
	char *dir;           /* removed with everything in it by the teardown */
	char *path;          /* dir/hark.db */
	struct store *st;
	struct config *cfg;  /* config_default() */
};

static inline int
store_fx_setup(void **state)
{
	struct store_fx *fx = xcalloc(1, sizeof *fx);

	fx->dir = test_tmpdir();
	fx->path = xasprintf("%s/hark.db", fx->dir);
	assert_int_equal(store_open(fx->path, 0, &fx->st, NULL), 0);
	fx->cfg = config_default();
	*state = fx;
	return 0;
}

static inline int
store_fx_teardown(void **state)
{
	struct store_fx *fx = *state;
	char *cmd;
	int rc;

	config_free(fx->cfg);
	store_close(fx->st);
	cmd = xasprintf("rm -rf '%s'", fx->dir);
	rc = system(cmd) == 0 ? 0 : -1;
	free(cmd);
	free(fx->path);
	free(fx->dir);
	free(fx);
	return rc;
}

/* A cmocka test f run in the fixture. */
#define store_fx_test(f) cmocka_unit_test_setup_teardown(f, store_fx_setup, \
	store_fx_teardown)

#endif
