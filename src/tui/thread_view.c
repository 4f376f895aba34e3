/*
 * thread_view.c — how one message of a thread is laid out: header, subject,
 * wrapped body with quoted email text folded, status marks and countdowns.
 * Pure: no curses calls, no store queries; the pane (pane_thread.c) draws
 * the lines and decides which messages to lay out.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hark/store.h"

#include "thread_view.h"

/* A line of a body: where it starts and how long it is (no '\n'). */
struct tv_src {
	const char *s;
	size_t len;
};

static char *tv_trim_end(char *s);
static char *tv_safe_line(const char *s);
static int tv_split(const char *body, struct tv_src **out);
static int tv_is_blank(const struct tv_src *l);
static int tv_is_quote(const struct tv_src *l);
static int tv_is_wrote(const struct tv_src *l);
static int tv_is_on(const struct tv_src *l);
static int tv_quote_start(const struct tv_src *lines, int start);
static void tv_push(struct tv_msg *vm, enum tui_role role, int indent, char *text);
static void tv_push_wrapped(struct tv_msg *vm, enum tui_role role, int indent,
    const char *safe, size_t len, int cols);
static void tv_layout_body(struct tv_msg *vm, enum tui_role role, int indent,
    int cols, int quotes_open, const char *key);
static void tv_layout_email(struct tv_msg *vm, enum tui_role role, int indent,
    int cols, int quotes_open, const char *key);

/* ---- small pieces ---------------------------------------------------------- */

const char *
tv_channel_tag(enum hark_channel ch)
{
	switch (ch) {
	case HARK_CH_SMS:
		return "SMS";
	case HARK_CH_WHATSAPP:
		return "WA";
	case HARK_CH_EMAIL:
		return "Email";
	case HARK_CH_VOICE:
		return "Call";
	default:
		return "?";
	}
}

void
tv_countdown(int64_t ms, char *buf, size_t size)
{
	int64_t s;

	if (ms <= 0) {
		snprintf(buf, size, "now");
		return;
	}
	s = (ms + 999) / 1000;
	if (s < 60)
		snprintf(buf, size, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, size, "%lldm%02llds", (long long)(s / 60),
		    (long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, size, "%lldh%02lldm", (long long)(s / 3600),
		    (long long)(s % 3600 / 60));
	else
		snprintf(buf, size, "%lldd%lldh", (long long)(s / 86400),
		    (long long)(s % 86400 / 3600));
}

int
tv_day_key(int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

void
tv_day_label(int64_t ms, int64_t now, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000), n = (time_t)(now / 1000);
	struct tm tm, tn;
	char wd[32], mon[32];

	if (localtime_r(&t, &tm) == NULL || localtime_r(&n, &tn) == NULL) {
		snprintf(buf, size, "?");
		return;
	}
	strftime(wd, sizeof wd, "%a", &tm);
	strftime(mon, sizeof mon, "%b", &tm);
	if (tm.tm_year == tn.tm_year)
		snprintf(buf, size, "%s %d %s", wd, tm.tm_mday, mon);
	else
		snprintf(buf, size, "%s %d %s %d", wd, tm.tm_mday, mon,
		    tm.tm_year + 1900);
}

void
tv_size(int64_t size, char *buf, size_t len)
{
	if (size < 0)
		snprintf(buf, len, "?");
	else if (size < 1024)
		snprintf(buf, len, "%lld B", (long long)size);
	else if (size < 1024 * 1024)
		snprintf(buf, len, "%.1f KB", (double)size / 1024);
	else
		snprintf(buf, len, "%.1f MB", (double)size / (1024 * 1024));
}

char *
tv_attachment_line(int n, const char *filename, const char *type, int64_t size)
{
	char sz[32], *line, *safe;

	tv_size(size, sz, sizeof sz);
	line = xasprintf("[%d] %s (%s, %s)", n, filename != NULL && *filename != '\0' ?
	    filename : "unnamed", type != NULL ? type : "application/octet-stream", sz);
	safe = text_sanitize(line, strlen(line), 0);
	free(line);
	return safe;
}

int
tv_out_indent(int width)
{
	if (width >= 60)
		return 8;
	if (width >= 40)
		return 4;
	if (width >= 30)
		return 2;
	return 0;
}

/* ---- status marks ------------------------------------------------------------ */

void
tv_status_detail(const struct tv_msg *vm, char *buf, size_t size)
{
	const char *e = vm->error, *c = vm->error_code;

	if (e != NULL && *e != '\0' && c != NULL && *c != '\0')
		snprintf(buf, size, "%s (%s)", e, c);
	else if (e != NULL && *e != '\0')
		snprintf(buf, size, "%s", e);
	else if (c != NULL && *c != '\0')
		snprintf(buf, size, "(%s)", c);
	else if (vm->status == HARK_ST_UNCERTAIN)
		snprintf(buf, size, "it may have reached the provider; check before resending");
	else
		snprintf(buf, size, "%s", "");
}

enum tui_role
tv_status_mark(const struct tv_msg *vm, int64_t now, int full, char *buf, size_t size)
{
	char detail[160], when[32];
	const char *word;

	buf[0] = '\0';
	if (vm->direction != HARK_DIR_OUT)
		return ROLE_MSG_META;
	switch (vm->status) {
	case HARK_ST_QUEUED:
		snprintf(buf, size, "…queued");
		return ROLE_ST_PENDING;
	case HARK_ST_SCHEDULED:
		if (vm->run_at <= 0)
			snprintf(buf, size, "⏱ scheduled");
		else if (vm->run_at <= now)
			snprintf(buf, size, "⏱ scheduled, due now");
		else {
			tv_countdown(vm->run_at - now, when, sizeof when);
			snprintf(buf, size, "⏱ scheduled in %s", when);
		}
		return ROLE_ST_SCHEDULED;
	case HARK_ST_SENDING:
		snprintf(buf, size, "…sending");
		return ROLE_ST_PENDING;
	case HARK_ST_SENT:
		snprintf(buf, size, "✓ sent");
		return ROLE_ST_SENT;
	case HARK_ST_DELIVERED:
		snprintf(buf, size, "✓✓ delivered");
		return ROLE_ST_DELIVERED;
	case HARK_ST_READ:
		snprintf(buf, size, "✓✓ read");
		return ROLE_ST_READ;
	case HARK_ST_CANCELED:
		snprintf(buf, size, "⊘ canceled");
		return ROLE_MSG_META;
	case HARK_ST_FAILED:
	case HARK_ST_UNDELIVERED:
	case HARK_ST_UNCERTAIN:
		break;
	default:
		return ROLE_MSG_META;
	}
	word = vm->status == HARK_ST_UNCERTAIN ? "? uncertain" :
	    vm->status == HARK_ST_FAILED ? "✗ failed" : "✗ undelivered";
	tv_status_detail(vm, detail, sizeof detail);
	if (full && detail[0] != '\0')
		snprintf(buf, size, "%s: %s", word, detail);
	else
		snprintf(buf, size, "%s", word);
	return vm->status == HARK_ST_UNCERTAIN ? ROLE_ST_UNCERTAIN : ROLE_ST_FAILED;
}

/* ---- the header ------------------------------------------------------------------ */

int
tv_header(const struct tv_msg *vm, int64_t now, struct tv_piece *pc)
{
	time_t t = (time_t)(vm->created_at / 1000);
	struct tm tm;
	int n = 0;

	pc[n].role = vm->direction == HARK_DIR_OUT ? ROLE_OUTBOUND : ROLE_INBOUND;
	snprintf(pc[n++].text, sizeof pc->text, "%s",
	    vm->direction == HARK_DIR_OUT ? "▶" : "◀");
	pc[n].role = ROLE_CHANNEL;
	snprintf(pc[n++].text, sizeof pc->text, "%s", tv_channel_tag(vm->channel));
	pc[n].role = ROLE_MSG_META;
	if (localtime_r(&t, &tm) != NULL)
		strftime(pc[n++].text, sizeof pc->text, "%H:%M", &tm);
	pc[n].role = tv_status_mark(vm, now, vm->mark_inline, pc[n].text,
	    sizeof pc->text);
	if (pc[n].text[0] != '\0')
		n++;
	if (vm->has_price) {
		pc[n].role = ROLE_PRICE;
		money_format(&vm->price, pc[n].text, sizeof pc->text);
		n++;
	}
	return n;
}

int
tv_header_width(const struct tv_piece *pc, int n)
{
	int i, w = 0;

	for (i = 0; i < n; i++)
		w += (i > 0) + (int)text_width(pc[i].text);
	return w;
}

/* ---- quoted text -------------------------------------------------------------------- */

/* Splits a body into lines; *out is a new array (caller frees). */
static int
tv_split(const char *body, struct tv_src **out)
{
	const char *p = body, *nl;
	int n = 0;

	*out = NULL;
	for (;;) {
		nl = strchr(p, '\n');
		*out = xreallocarray(*out, (size_t)n + 1, sizeof **out);
		(*out)[n].s = p;
		(*out)[n].len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		n++;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return n;
}

static int
tv_is_blank(const struct tv_src *l)
{
	size_t i;

	for (i = 0; i < l->len; i++) {
		if (l->s[i] != ' ')
			return 0;
	}
	return 1;
}

static int
tv_is_quote(const struct tv_src *l)
{
	size_t i = 0;

	while (i < l->len && l->s[i] == ' ')
		i++;
	return i < l->len && l->s[i] == '>';
}

/* The end of an attribution line: "... wrote:". */
static int
tv_is_wrote(const struct tv_src *l)
{
	size_t n = l->len;

	while (n > 0 && l->s[n - 1] == ' ')
		n--;
	return n >= 6 && memcmp(l->s + n - 6, "wrote:", 6) == 0;
}

/* The start of an attribution line: "On Mon, 23 Nov ...". */
static int
tv_is_on(const struct tv_src *l)
{
	size_t i = 0;

	while (i < l->len && l->s[i] == ' ')
		i++;
	return l->len - i >= 3 && memcmp(l->s + i, "On ", 3) == 0;
}

/* Where a quoted run beginning at line `start` really begins: at its
 * "On ... wrote:" line when one comes just before it. */
static int
tv_quote_start(const struct tv_src *lines, int start)
{
	int k = start - 1, a;

	while (k >= 0 && tv_is_blank(&lines[k]))
		k--;
	if (k < 0 || !tv_is_wrote(&lines[k]))
		return start;
	for (a = k; a >= 0 && a > k - 3; a--) {
		if (tv_is_on(&lines[a]))
			return a;
		if (a < k && tv_is_blank(&lines[a]))
			break;
	}
	return start;
}

int
tv_find_quotes(const char *body, struct tv_quote *out, int max)
{
	struct tv_src *lines;
	int n, i = 0, j, start, end, found = 0;

	if (body == NULL || *body == '\0')
		return 0;
	n = tv_split(body, &lines);
	while (i < n) {
		if (!tv_is_quote(&lines[i])) {
			i++;
			continue;
		}
		end = i;
		for (j = i + 1; j < n; j++) {
			if (tv_is_quote(&lines[j]))
				end = j;
			else if (!tv_is_blank(&lines[j]))
				break;
		}
		start = tv_quote_start(lines, i);
		if (end - start + 1 >= TV_QUOTE_MIN) {
			if (found < max) {
				out[found].first = start;
				out[found].count = end - start + 1;
			}
			found++;
		}
		i = end + 1;
	}
	free(lines);
	return found;
}

/* ---- the message ------------------------------------------------------------------- */

/* Trims trailing spaces and newlines in place; returns s. */
static char *
tv_trim_end(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

static char *
tv_safe_line(const char *s)
{
	if (s == NULL || *s == '\0')
		return NULL;
	return tv_trim_end(text_sanitize(s, strlen(s), 0));
}

void
tv_msg_init(struct tv_msg *vm, const struct store_message *m, const char *job_error,
    int64_t job_run_at)
{
	const char *body = m->body != NULL ? m->body : "";

	memset(vm, 0, sizeof *vm);
	vm->id = m->id;
	vm->created_at = m->created_at;
	vm->channel = m->channel;
	vm->direction = m->direction;
	vm->status = m->status;
	vm->subject = tv_safe_line(m->subject);
	vm->body = tv_trim_end(text_sanitize(body, strlen(body), HARK_SAN_NEWLINES));
	vm->error = tv_safe_line(m->error_text);
	if (vm->error == NULL)
		vm->error = tv_safe_line(job_error);
	vm->error_code = tv_safe_line(m->error_code);
	vm->has_price = m->has_price;
	vm->price = m->price;
	vm->run_at = m->scheduled_at > 0 ? m->scheduled_at : job_run_at;
	vm->day = tv_day_key(m->created_at);
	vm->mark_inline = 1;
}

void
tv_msg_uncache(struct tv_msg *vm)
{
	int i;

	for (i = 0; i < vm->nlines; i++)
		free(vm->lines[i].text);
	free(vm->lines);
	vm->lines = NULL;
	vm->nlines = 0;
	vm->width = 0;
}

void
tv_msg_clear(struct tv_msg *vm)
{
	tv_msg_uncache(vm);
	free(vm->subject);
	free(vm->body);
	free(vm->error);
	free(vm->error_code);
	free(vm->extra);
	free(vm->warning);
	memset(vm, 0, sizeof *vm);
}

/* Appends a line; vm takes text. */
static void
tv_push(struct tv_msg *vm, enum tui_role role, int indent, char *text)
{
	vm->lines = xreallocarray(vm->lines, (size_t)vm->nlines + 1, sizeof *vm->lines);
	vm->lines[vm->nlines].role = role;
	vm->lines[vm->nlines].indent = indent;
	vm->lines[vm->nlines].text = text;
	vm->nlines++;
}

/* Appends safe[0..len) wrapped to cols columns. */
static void
tv_push_wrapped(struct tv_msg *vm, enum tui_role role, int indent, const char *safe,
    size_t len, int cols)
{
	char *s = xstrndup(safe, len), **wrapped = NULL;
	int n, i;

	n = tui_wrap(s, cols, &wrapped, 0);
	for (i = 0; i < n; i++)
		tv_push(vm, role, indent, wrapped[i]);
	free(wrapped);
	free(s);
}

static void
tv_layout_body(struct tv_msg *vm, enum tui_role role, int indent, int cols,
    int quotes_open, const char *key)
{
	if (vm->body[0] == '\0')
		return;
	if (vm->channel == HARK_CH_EMAIL)
		tv_layout_email(vm, role, indent, cols, quotes_open, key);
	else
		tv_push_wrapped(vm, role, indent, vm->body, strlen(vm->body), cols);
}

/* An email body line by line: quoted lines in the quote role, long quoted
 * blocks folded into one line unless quotes_open. */
static void
tv_layout_email(struct tv_msg *vm, enum tui_role role, int indent, int cols,
    int quotes_open, const char *key)
{
	struct tv_quote q[32];
	struct tv_src *lines;
	int n, nq, i, k = 0, in;

	nq = tv_find_quotes(vm->body, q, (int)HARK_NELEM(q));
	if (nq > (int)HARK_NELEM(q))
		nq = (int)HARK_NELEM(q);
	vm->foldable = nq > 0;
	n = tv_split(vm->body, &lines);
	for (i = 0; i < n; i++) {
		if (k < nq && i >= q[k].first + q[k].count)
			k++;
		in = k < nq && i >= q[k].first;
		if (in && !quotes_open) {
			tv_push(vm, ROLE_QUOTE, indent, xasprintf("[… %d quoted lines"
			    " — %s to show]", q[k].count, key));
			i = q[k].first + q[k].count - 1;
			continue;
		}
		tv_push_wrapped(vm, in || tv_is_quote(&lines[i]) ? ROLE_QUOTE : role,
		    indent, lines[i].s, lines[i].len, cols);
	}
	free(lines);
}

int
tv_msg_layout(struct tv_msg *vm, int width, int quotes_open, const char *key)
{
	struct tv_piece pc[TV_PIECES];
	enum tui_role role;
	char detail[160], mark[192];
	int ind, bind, cols, np;

	if (vm->width == width && vm->quotes_open == quotes_open && vm->nlines > 0)
		return vm->nlines;
	tv_msg_uncache(vm);
	vm->width = width;
	vm->quotes_open = quotes_open;
	ind = TV_GUTTER + (vm->direction == HARK_DIR_OUT ? tv_out_indent(width) : 0);
	bind = ind + TV_BODY_INDENT;
	cols = width - bind - 1;
	if (cols < 4)
		cols = width - bind;
	if (cols < 1)
		cols = 1;
	/* A failure's detail goes on the header when it fits, else below. */
	vm->mark_inline = 1;
	np = tv_header(vm, 0, pc);
	tv_status_detail(vm, detail, sizeof detail);
	if (detail[0] != '\0' && ind + tv_header_width(pc, np) > width)
		vm->mark_inline = 0;
	tv_push(vm, ROLE_DEFAULT, ind, NULL);
	if (vm->subject != NULL)
		tv_push_wrapped(vm, ROLE_SUBJECT, bind, vm->subject, strlen(vm->subject),
		    cols);
	if (vm->warning != NULL)
		tv_push_wrapped(vm, ROLE_ST_FAILED, bind, vm->warning,
		    strlen(vm->warning), cols);
	role = vm->channel == HARK_CH_VOICE ? ROLE_CALL :
	    vm->direction == HARK_DIR_OUT ? ROLE_OUTBOUND : ROLE_INBOUND;
	tv_layout_body(vm, role, bind, cols, quotes_open, key != NULL ? key :
	    ":toggle-quotes");
	if (vm->extra != NULL)
		tv_push_wrapped(vm, vm->channel == HARK_CH_VOICE ? ROLE_CALL :
		    ROLE_QUOTE, bind, vm->extra, strlen(vm->extra), cols);
	if (!vm->mark_inline) {
		role = tv_status_mark(vm, 0, 0, mark, sizeof mark);
		tv_push_wrapped(vm, role, bind, detail, strlen(detail), cols);
	}
	return vm->nlines;
}
