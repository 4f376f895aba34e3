/*
 * cli_map.h — a string → integer hash map for the bulk commands (address →
 * contact id while importing, name → contact id), so a million-line import
 * asks the database about each contact once.
 */
#ifndef HARK_CLI_MAP_H
#define HARK_CLI_MAP_H

#include <stdint.h>

struct cli_map;

/* A new empty map; free with cli_map_free (NULL is a no-op). */
struct cli_map *cli_map_new(void);
void cli_map_free(struct cli_map *m);
/* 1 and *value when key is present, else 0. */
int cli_map_get(const struct cli_map *m, const char *key, int64_t *value);
/* Sets key (copied) to value, replacing an older value. */
void cli_map_put(struct cli_map *m, const char *key, int64_t value);

#endif
