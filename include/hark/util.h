/* util.h — allocation that aborts on failure, a growable string, error causes, clock. */
#ifndef HARK_UTIL_H
#define HARK_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define HARK_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define HARK_NORETURN __attribute__((noreturn))
#define HARK_UNUSED __attribute__((unused))
#define HARK_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A broken invariant is a bug: print where and abort, in every build. */
#define HARK_ASSERT(x)                                                         \
	do {                                                                   \
		if (!(x))                                                      \
			hark_fatal("%s:%d: assertion failed: %s", __FILE__,    \
			    __LINE__, #x);                                     \
	} while (0)

/* Print "hark: <message>" to stderr and abort(). For bugs and out-of-memory only. */
void hark_fatal(const char *fmt, ...) HARK_PRINTF(1, 2) HARK_NORETURN;

/* malloc family that never returns NULL (aborts on out-of-memory). */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);            /* xstrdup(NULL) returns NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) HARK_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap) HARK_PRINTF(1, 0);

/*
 * Expected failures return -1 (or NULL) and, when cause is not NULL, store a
 * newly allocated message in *cause that the caller frees. A *cause already
 * set is freed and replaced, so the last (most specific) reason wins.
 */
void set_cause(char **cause, const char *fmt, ...) HARK_PRINTF(2, 3);

/*
 * A growable, always NUL-terminated byte string. data is NULL only before the
 * first append. Any append may move data: pointers into it are invalid after.
 */
struct hbuf {
	char *data;
	size_t len;
	size_t cap;
};
#define HBUF_INIT { NULL, 0, 0 }
void hbuf_add(struct hbuf *b, const void *p, size_t n);
void hbuf_adds(struct hbuf *b, const char *s);
void hbuf_addc(struct hbuf *b, char c);
void hbuf_printf(struct hbuf *b, const char *fmt, ...) HARK_PRINTF(2, 3);
void hbuf_reset(struct hbuf *b);   /* len = 0, keeps the memory */
void hbuf_free(struct hbuf *b);    /* frees and re-initialises */
char *hbuf_steal(struct hbuf *b);  /* returns data ("" if empty), caller frees; b is re-initialised */
const char *hbuf_str(const struct hbuf *b); /* "" when empty; valid until the next append */

/* Wall clock, UTC milliseconds since the epoch. */
int64_t hark_now_ms(void);
/* A monotonic clock in milliseconds, for measuring intervals. */
int64_t hark_mono_ms(void);

/* Case-insensitive ASCII comparison helpers. */
int hark_strcaseeq(const char *a, const char *b);
int hark_startswith(const char *s, const char *prefix);

#endif
