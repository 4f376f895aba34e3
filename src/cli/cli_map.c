/* cli_map.c — open-addressing string → int64 map (contract in cli_map.h). */

#include <stdlib.h>
#include <string.h>

#include "hark/util.h"

#include "cli_map.h"

struct cli_map_slot {
	char *key;     /* NULL: empty */
	uint64_t hash;
	int64_t value;
};

/* Linear probing at most half full: short probes, no tombstones (keys are
 * never removed). */
struct cli_map {
	struct cli_map_slot *slots;
	size_t cap;    /* a power of two */
	size_t n;
};

static uint64_t cli_map_hash(const char *s);
static struct cli_map_slot *cli_map_find(const struct cli_map *m, const char *key,
    uint64_t h);
static void cli_map_grow(struct cli_map *m);

/* FNV-1a: keys are short addresses and names. */
static uint64_t
cli_map_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

struct cli_map *
cli_map_new(void)
{
	struct cli_map *m = xcalloc(1, sizeof *m);

	m->cap = 64;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	return m;
}

void
cli_map_free(struct cli_map *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
}

/* The slot holding key, or the empty slot where it would go. */
static struct cli_map_slot *
cli_map_find(const struct cli_map *m, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);

	for (;;) {
		struct cli_map_slot *s = &m->slots[i];

		if (s->key == NULL || (s->hash == h && strcmp(s->key, key) == 0))
			return s;
		i = (i + 1) & (m->cap - 1);
	}
}

static void
cli_map_grow(struct cli_map *m)
{
	struct cli_map_slot *old = m->slots, *s;
	size_t oldcap = m->cap, i;

	m->cap *= 2;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		s = cli_map_find(m, old[i].key, old[i].hash);
		*s = old[i];
	}
	free(old);
}

int
cli_map_get(const struct cli_map *m, const char *key, int64_t *value)
{
	struct cli_map_slot *s = cli_map_find(m, key, cli_map_hash(key));

	if (s->key == NULL)
		return 0;
	*value = s->value;
	return 1;
}

void
cli_map_put(struct cli_map *m, const char *key, int64_t value)
{
	uint64_t h = cli_map_hash(key);
	struct cli_map_slot *s = cli_map_find(m, key, h);

	if (s->key == NULL) {
		if ((m->n + 1) * 2 > m->cap) {
			cli_map_grow(m);
			s = cli_map_find(m, key, h);
		}
		s->key = xstrdup(key);
		s->hash = h;
		m->n++;
	}
	s->value = value;
}
