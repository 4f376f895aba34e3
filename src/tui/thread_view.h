/*
 * thread_view.h — the thread pane's layout, without curses or the store's
 * queries: one message as the lines the pane draws (header, subject, body,
 * folded quotes, status detail), status marks, countdowns and day labels.
 *
 * Ownership: a struct tv_msg owns every string in it and its line cache;
 * tv_msg_clear frees them. Line texts are sanitised (safe for tui_put_raw).
 */
#ifndef HARK_TUI_THREAD_VIEW_H
#define HARK_TUI_THREAD_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "tui_int.h"

struct store_message;

/* A quoted block needs this many hidden lines before it is folded. */
#define TV_QUOTE_MIN 3
/* Columns of the left gutter, and the indent of a body under its header. */
#define TV_GUTTER 1
#define TV_BODY_INDENT 2

/* One line of a message as drawn. text NULL: the header, built live
 * (tv_header) because a countdown changes every second. */
struct tv_line {
	enum tui_role role;
	int indent;          /* columns from the pane's left edge */
	char *text;
};

/* A message as the thread shows it, plus its cached layout. */
struct tv_msg {
	int64_t id;
	int64_t created_at;
	enum hark_channel channel;
	enum hark_direction direction;
	enum hark_status status;
	char *subject;       /* one line, sanitised; NULL when none */
	char *body;          /* sanitised, newlines kept, trailing space trimmed */
	char *error;         /* why it failed or is uncertain, sanitised; may be NULL */
	char *error_code;    /* the provider's code, sanitised; may be NULL */
	char *extra;         /* below the body: a call's outcome, media; sanitised, may be NULL */
	char *warning;       /* a broken email shown raw: why, sanitised; may be NULL */
	int nattach;         /* email attachments listed in extra (numbered from 1) */
	int has_price;
	struct hark_money price;
	int64_t run_at;      /* scheduled: when it goes (0: unknown) */
	int day;             /* local day, yyyymmdd: where separators go */

	/* The layout cache: lines for (width, quotes_open). */
	struct tv_line *lines;
	int nlines;
	int width;           /* 0: nothing cached */
	int quotes_open;
	int foldable;        /* it has quoted text long enough to fold */
	int mark_inline;     /* the full status mark fits on the header */
};

/*
 * Fills vm from a stored message (copies and sanitises; m is not kept).
 * job_error / job_run_at: the outbox job's last error and run_at, used when
 * the message itself has no error text or scheduled time (NULL / 0: none).
 */
void tv_msg_init(struct tv_msg *vm, const struct store_message *m,
    const char *job_error, int64_t job_run_at);
/* Frees what vm owns and zeroes it; safe on a zeroed struct. */
void tv_msg_clear(struct tv_msg *vm);
/* Drops the line cache (the next tv_msg_layout rebuilds it). */
void tv_msg_uncache(struct tv_msg *vm);
/*
 * Lays vm out for a pane `width` columns wide, quoted text shown or folded
 * (the fold line names `key`, the key that unfolds it; NULL: the command);
 * a no-op when the cache already holds that layout. Returns vm->nlines
 * (at least 1: the header). When a failure's detail does not fit on the
 * header, the header shows the short mark and the detail follows the body.
 */
int tv_msg_layout(struct tv_msg *vm, int width, int quotes_open, const char *key);

/* A file size for people: "512 B", "3.2 KB", "1.2 MB"; "?" when negative. */
void tv_size(int64_t size, char *buf, size_t len);
/* An email attachment's line under its message, numbered for
 * open-attachment: "[2] offer.pdf (application/pdf, 1.2 MB)". Sanitised;
 * caller frees. filename and type may be NULL, size < 0 when unknown. */
char *tv_attachment_line(int n, const char *filename, const char *type,
    int64_t size);

/* Columns an outbound message is pushed right by, for a pane width. */
int tv_out_indent(int width);

/* A run of quoted source lines: lines [first, first + count) of a body. */
struct tv_quote {
	int first;
	int count;
};
/*
 * Finds quoted blocks in a body: runs of lines starting with '>' (blank lines
 * inside a run belong to it) together with the "On ... wrote:" line (which
 * may be wrapped over up to three lines) and blank lines just before it.
 * Only runs of at least TV_QUOTE_MIN lines are reported. Returns how many
 * were found (at most max are stored).
 */
int tv_find_quotes(const char *body, struct tv_quote *out, int max);

/*
 * The status mark of an outbound message at time now ("✓✓ delivered",
 * "⏱ scheduled in 3h12m", "✗ failed: Unknown number (30005)") in buf, and
 * its role. full 0: without the error detail ("✗ failed"). Inbound
 * messages have no mark: buf is "" and the role ROLE_MSG_META.
 */
enum tui_role tv_status_mark(const struct tv_msg *vm, int64_t now, int full,
    char *buf, size_t size);
/* The detail of a failed or uncertain message ("Unknown number (30005)"),
 * or "" when there is none. */
void tv_status_detail(const struct tv_msg *vm, char *buf, size_t size);
/* A duration as a countdown: "45s", "4m05s", "3h12m", "2d3h". Rounds up,
 * so it never shows 0s before the time; <= 0 is "now". */
void tv_countdown(int64_t ms, char *buf, size_t size);

/* The local day of a time as yyyymmdd. */
int tv_day_key(int64_t ms);
/* "Mon 23 Nov" (with the year when it is not now's year), local time. */
void tv_day_label(int64_t ms, int64_t now, char *buf, size_t size);
/* "SMS", "WA", "Email", "Call". */
const char *tv_channel_tag(enum hark_channel ch);

/* A piece of the header line: text in a role. */
struct tv_piece {
	enum tui_role role;
	char text[192];
};
#define TV_PIECES 6
/* The header of vm at time now: arrow, channel, time, status mark, price.
 * Returns the number of pieces (at most TV_PIECES); each piece after the
 * first is drawn after a space. */
int tv_header(const struct tv_msg *vm, int64_t now, struct tv_piece *pieces);
/* Columns the header takes, spaces included. */
int tv_header_width(const struct tv_piece *pieces, int n);

#endif
