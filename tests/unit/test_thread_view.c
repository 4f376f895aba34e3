/* test_thread_view.c — how the thread lays out a message: marks, countdowns, days, quotes, wrapping. */

#include "harness.h"

#include <locale.h>
#include <time.h>
#include <wchar.h>

#include "hark/store.h"
#include "pane_thread.h"
#include "thread_view.h"
#include "thread_window.h"

/* 2026-11-23 09:58:00 UTC, a Monday. */
#define T0 INT64_C(1795427880000)

static struct store_message
msg(enum hark_channel ch, enum hark_direction dir, enum hark_status st, const char *body)
{
	struct store_message m;

	memset(&m, 0, sizeof m);
	m.id = 7;
	m.contact_id = 1;
	m.channel = ch;
	m.direction = dir;
	m.status = st;
	m.body = (char *)body;
	m.created_at = T0;
	return m;
}

static struct tv_msg
vm_of(const struct store_message *m)
{
	struct tv_msg vm;

	tv_msg_init(&vm, m, NULL, 0);
	return vm;
}

/* The mark of a message in a status, at T0. */
static enum tui_role
mark_of(enum hark_status st, const char *err, const char *code, char *buf, size_t size)
{
	struct store_message m = msg(HARK_CH_SMS, HARK_DIR_OUT, st, "hi");
	struct tv_msg vm;
	enum tui_role r;

	m.error_text = (char *)err;
	m.error_code = (char *)code;
	vm = vm_of(&m);
	r = tv_status_mark(&vm, T0, 1, buf, size);
	tv_msg_clear(&vm);
	return r;
}

/* Is any line of vm in role, with text containing s? Returns its index or -1. */
static int
find_line(const struct tv_msg *vm, enum tui_role role, const char *s)
{
	int i;

	for (i = 0; i < vm->nlines; i++) {
		if (vm->lines[i].text != NULL && vm->lines[i].role == role &&
		    strstr(vm->lines[i].text, s) != NULL)
			return i;
	}
	return -1;
}

static void
test_degenerate(void **state)
{
	struct store_message m = msg(HARK_CH_SMS, HARK_DIR_IN, HARK_ST_RECEIVED, NULL);
	struct tv_quote q[2];
	struct tv_msg vm;

	assert_int_equal(tv_find_quotes(NULL, q, 2), 0);
	assert_int_equal(tv_find_quotes("", q, 2), 0);
	vm = vm_of(&m);
	assert_string_equal(vm.body, "");
	assert_null(vm.subject);
	/* Only the header, even in a pane one column wide. */
	assert_int_equal(tv_msg_layout(&vm, 1, 0, NULL), 1);
	assert_null(vm.lines[0].text);
	tv_msg_clear(&vm);
	tv_msg_clear(&vm);
}

static void
test_countdown(void **state)
{
	static const struct {
		int64_t ms;
		const char *want;
	} cases[] = {
		{ -5, "now" }, { 0, "now" }, { 1, "1s" }, { 999, "1s" }, { 1001, "2s" },
		{ 45000, "45s" }, { 60000, "1m00s" }, { 245000, "4m05s" },
		{ 3600000, "1h00m" }, { (3 * 3600 + 12 * 60) * 1000, "3h12m" },
		{ INT64_C(86400000) * 2 + 3 * 3600000, "2d3h" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < HARK_NELEM(cases); i++) {
		tv_countdown(cases[i].ms, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
	}
}

static void
test_status_marks(void **state)
{
	char buf[192];

	assert_int_equal(mark_of(HARK_ST_QUEUED, NULL, NULL, buf, sizeof buf),
	    ROLE_ST_PENDING);
	assert_string_equal(buf, "…queued");
	assert_int_equal(mark_of(HARK_ST_SENDING, NULL, NULL, buf, sizeof buf),
	    ROLE_ST_PENDING);
	assert_int_equal(mark_of(HARK_ST_SENT, NULL, NULL, buf, sizeof buf), ROLE_ST_SENT);
	assert_string_equal(buf, "✓ sent");
	assert_int_equal(mark_of(HARK_ST_DELIVERED, NULL, NULL, buf, sizeof buf),
	    ROLE_ST_DELIVERED);
	assert_string_equal(buf, "✓✓ delivered");
	assert_int_equal(mark_of(HARK_ST_READ, NULL, NULL, buf, sizeof buf), ROLE_ST_READ);
	assert_string_equal(buf, "✓✓ read");
	assert_int_equal(mark_of(HARK_ST_FAILED, "Unknown destination", "30005", buf,
	    sizeof buf), ROLE_ST_FAILED);
	assert_string_equal(buf, "✗ failed: Unknown destination (30005)");
	mark_of(HARK_ST_UNDELIVERED, NULL, "30003", buf, sizeof buf);
	assert_string_equal(buf, "✗ undelivered: (30003)");
	mark_of(HARK_ST_FAILED, NULL, NULL, buf, sizeof buf);
	assert_string_equal(buf, "✗ failed");
	assert_int_equal(mark_of(HARK_ST_UNCERTAIN, "crashed mid-send", NULL, buf,
	    sizeof buf), ROLE_ST_UNCERTAIN);
	assert_string_equal(buf, "? uncertain: crashed mid-send");
	mark_of(HARK_ST_UNCERTAIN, NULL, NULL, buf, sizeof buf);
	assert_true(hark_startswith(buf, "? uncertain: it may have reached"));
	mark_of(HARK_ST_CANCELED, NULL, NULL, buf, sizeof buf);
	assert_string_equal(buf, "⊘ canceled");
}

static void
test_status_scheduled_and_inbound(void **state)
{
	struct store_message m = msg(HARK_CH_SMS, HARK_DIR_OUT, HARK_ST_SCHEDULED, "later");
	struct tv_msg vm;
	char buf[64];

	/* The time comes from the message, else from its job. */
	m.scheduled_at = T0 + (3 * 3600 + 12 * 60) * 1000;
	vm = vm_of(&m);
	assert_int_equal(tv_status_mark(&vm, T0, 1, buf, sizeof buf), ROLE_ST_SCHEDULED);
	assert_string_equal(buf, "⏱ scheduled in 3h12m");
	tv_status_mark(&vm, m.scheduled_at - 59000, 1, buf, sizeof buf);
	assert_string_equal(buf, "⏱ scheduled in 59s");
	tv_status_mark(&vm, m.scheduled_at + 1, 1, buf, sizeof buf);
	assert_string_equal(buf, "⏱ scheduled, due now");
	tv_msg_clear(&vm);
	m.scheduled_at = 0;
	tv_msg_init(&vm, &m, NULL, T0 + 60000);
	tv_status_mark(&vm, T0, 1, buf, sizeof buf);
	assert_string_equal(buf, "⏱ scheduled in 1m00s");
	tv_msg_clear(&vm);

	m = msg(HARK_CH_SMS, HARK_DIR_IN, HARK_ST_RECEIVED, "hello");
	vm = vm_of(&m);
	assert_int_equal(tv_status_mark(&vm, T0, 1, buf, sizeof buf), ROLE_MSG_META);
	assert_string_equal(buf, "");
	tv_msg_clear(&vm);

	/* A job's last error stands in for a missing provider text. */
	m = msg(HARK_CH_SMS, HARK_DIR_OUT, HARK_ST_FAILED, "x");
	tv_msg_init(&vm, &m, "HTTP 401 from Twilio", 0);
	tv_status_mark(&vm, T0, 1, buf, sizeof buf);
	assert_string_equal(buf, "✗ failed: HTTP 401 from Twilio");
	tv_msg_clear(&vm);
}

static void
test_header(void **state)
{
	struct store_message m = msg(HARK_CH_WHATSAPP, HARK_DIR_OUT, HARK_ST_DELIVERED, "x");
	struct tv_piece pc[TV_PIECES];
	struct tv_msg vm;
	int n;

	m.has_price = 1;
	assert_int_equal(money_parse("0.0079", "USD", &m.price, NULL), 0);
	vm = vm_of(&m);
	n = tv_header(&vm, T0, pc);
	assert_int_equal(n, 5);
	assert_string_equal(pc[0].text, "▶");
	assert_int_equal(pc[0].role, ROLE_OUTBOUND);
	assert_string_equal(pc[1].text, "WA");
	assert_int_equal(pc[1].role, ROLE_CHANNEL);
	assert_string_equal(pc[2].text, "09:58");
	assert_string_equal(pc[3].text, "✓✓ delivered");
	assert_int_equal(pc[3].role, ROLE_ST_DELIVERED);
	assert_string_equal(pc[4].text, "$0.0079");
	assert_int_equal(pc[4].role, ROLE_PRICE);
	/* "▶ WA 09:58 ✓✓ delivered $0.0079" */
	assert_int_equal(tv_header_width(pc, n), 31);
	tv_msg_clear(&vm);

	m = msg(HARK_CH_VOICE, HARK_DIR_IN, HARK_ST_RECEIVED, "Incoming call · 2m10s · answered");
	vm = vm_of(&m);
	n = tv_header(&vm, T0, pc);
	assert_int_equal(n, 3);
	assert_string_equal(pc[0].text, "◀");
	assert_int_equal(pc[0].role, ROLE_INBOUND);
	assert_string_equal(pc[1].text, "Call");
	tv_msg_layout(&vm, 60, 0, NULL);
	assert_true(find_line(&vm, ROLE_CALL, "answered") > 0);
	tv_msg_clear(&vm);
}

static void
test_days(void **state)
{
	char buf[64];

	assert_int_equal(tv_day_key(T0), 20261123);
	/* 23:59:59 and the next second fall on different days. */
	assert_int_equal(tv_day_key(INT64_C(1795478399000)), 20261123);
	assert_int_equal(tv_day_key(INT64_C(1795478400000)), 20261124);
	tv_day_label(T0, T0, buf, sizeof buf);
	assert_string_equal(buf, "Mon 23 Nov");
	tv_day_label(T0 - INT64_C(86400000) * 365, T0, buf, sizeof buf);
	assert_string_equal(buf, "Sun 23 Nov 2025");
	tv_day_label(T0 + INT64_C(86400000) * 9, T0, buf, sizeof buf);
	assert_string_equal(buf, "Wed 2 Dec");
}

static const char reply[] =
    "Thanks, Thursday works.\n"
    "\n"
    "On Mon, 23 Nov 2026 at 09:58, Ann Lee <ann@example.com>\n"
    "wrote:\n"
    "> Is the flat still available?\n"
    "> I can view it this week.\n"
    ">\n"
    "> > earlier\n"
    "\n"
    "> Ann\n";

static void
test_find_quotes(void **state)
{
	struct tv_quote q[4];

	/* The attribution (wrapped over two lines) belongs to the block. */
	assert_int_equal(tv_find_quotes(reply, q, 4), 1);
	assert_int_equal(q[0].first, 2);
	assert_int_equal(q[0].count, 8);
	/* Two quoted lines alone are short enough to stay. */
	assert_int_equal(tv_find_quotes("ok\n> a\n> b\nbye", q, 4), 0);
	/* Two blocks; "On" without "wrote:" is just text. */
	assert_int_equal(tv_find_quotes("> a\n> b\n> c\nmiddle\nOn it.\n> d\n> e\n> f",
	    q, 4), 2);
	assert_int_equal(q[0].first, 0);
	assert_int_equal(q[0].count, 3);
	assert_int_equal(q[1].first, 5);
	assert_int_equal(q[1].count, 3);
	/* More blocks than room: all counted, max stored. */
	assert_int_equal(tv_find_quotes("> a\n> b\n> c\nx\n> d\n> e\n> f", q, 1), 2);
}

static void
test_email_fold(void **state)
{
	struct store_message m = msg(HARK_CH_EMAIL, HARK_DIR_IN, HARK_ST_RECEIVED, reply);
	struct tv_msg vm;
	int folded, open;

	m.subject = "Re: the flat\x1b[2J";
	vm = vm_of(&m);
	folded = tv_msg_layout(&vm, 60, 0, "o");
	assert_true(vm.foldable);
	/* header, subject, text, blank, fold */
	assert_int_equal(folded, 5);
	assert_int_equal(find_line(&vm, ROLE_SUBJECT, "Re: the flat"), 1);
	assert_null(strchr(vm.lines[1].text, '\x1b'));
	assert_int_equal(find_line(&vm, ROLE_INBOUND, "Thanks, Thursday works."), 2);
	assert_int_equal(find_line(&vm, ROLE_QUOTE, "[… 8 quoted lines — o to show]"), 4);
	assert_int_equal(find_line(&vm, ROLE_QUOTE, "flat still"), -1);
	/* Open: every line of the block, the attribution too, in the quote role. */
	open = tv_msg_layout(&vm, 60, 1, "o");
	assert_int_equal(open, 4 + 8);
	assert_true(find_line(&vm, ROLE_QUOTE, "On Mon, 23 Nov") > 0);
	assert_true(find_line(&vm, ROLE_QUOTE, "> Is the flat") > 0);
	assert_int_equal(find_line(&vm, ROLE_QUOTE, "quoted lines"), -1);
	tv_msg_clear(&vm);

	/* Without a key bound, the fold names the command. */
	vm = vm_of(&m);
	tv_msg_layout(&vm, 60, 0, NULL);
	assert_true(find_line(&vm, ROLE_QUOTE, ":toggle-quotes to show") > 0);
	tv_msg_clear(&vm);

	/* SMS text that starts with '>' is not folded. */
	m = msg(HARK_CH_SMS, HARK_DIR_IN, HARK_ST_RECEIVED, "> a\n> b\n> c\n> d");
	vm = vm_of(&m);
	assert_int_equal(tv_msg_layout(&vm, 60, 0, "o"), 5);
	assert_false(vm.foldable);
	tv_msg_clear(&vm);
}

/* Email attachments are numbered lines with name, type and size; a broken
 * message's warning comes right under the subject. */
static void
test_email_attachments_and_warning(void **state)
{
	struct store_message m = msg(HARK_CH_EMAIL, HARK_DIR_IN, HARK_ST_RECEIVED,
	    "--x\nraw body");
	struct tv_msg vm;
	char *line, sz[16];

	tv_size(1023, sz, sizeof sz);
	assert_string_equal(sz, "1023 B");
	tv_size(3277, sz, sizeof sz);
	assert_string_equal(sz, "3.2 KB");
	tv_size(-1, sz, sizeof sz);
	assert_string_equal(sz, "?");
	line = tv_attachment_line(2, "offer.pdf", "application/pdf", 1258291);
	assert_string_equal(line, "[2] offer.pdf (application/pdf, 1.2 MB)");
	free(line);
	line = tv_attachment_line(1, NULL, NULL, 512);
	assert_string_equal(line, "[1] unnamed (application/octet-stream, 512 B)");
	free(line);
	line = tv_attachment_line(3, "x\x1b]0;owned\x07.txt", "text/plain", -1);
	assert_string_equal(line, "[3] x.txt (text/plain, ?)");
	free(line);
	m.subject = "Broken";
	vm = vm_of(&m);
	vm.warning = xstrdup("⚠ shown raw: the message is truncated");
	vm.extra = tv_attachment_line(1, "a.csv", "text/csv", 2048);
	tv_msg_layout(&vm, 60, 0, "o");
	assert_int_equal(find_line(&vm, ROLE_SUBJECT, "Broken"), 1);
	assert_int_equal(find_line(&vm, ROLE_ST_FAILED, "⚠ shown raw: the message is truncated"), 2);
	assert_int_equal(find_line(&vm, ROLE_INBOUND, "raw body"), 4);
	assert_int_equal(find_line(&vm, ROLE_QUOTE, "[1] a.csv (text/csv, 2.0 KB)"), 5);
	tv_msg_clear(&vm);
}

/* Every body line fits in the pane, by columns. */
static void
assert_fits(const struct tv_msg *vm, int width)
{
	int i;

	for (i = 0; i < vm->nlines; i++) {
		if (vm->lines[i].text != NULL)
			assert_true(vm->lines[i].indent + (int)text_width(vm->lines[i].text) <=
			    width);
	}
}

static void
test_wrap_wide(void **state)
{
	struct store_message m = msg(HARK_CH_SMS, HARK_DIR_IN, HARK_ST_RECEIVED,
	    "日本語のメッセージです。明日の午後三時に伺います。よろしくお願いします。"
	    " 🎉🎉🎉 done");
	struct tv_msg vm;
	int n, i;

	vm = vm_of(&m);
	n = tv_msg_layout(&vm, 21, 0, NULL);
	assert_true(n > 4);
	assert_fits(&vm, 21);
	/* Body lines start under the header, past the gutter. */
	for (i = 1; i < n; i++)
		assert_int_equal(vm.lines[i].indent, TV_GUTTER + TV_BODY_INDENT);
	/* Cached: the same layout is not rebuilt; another width is. */
	{
		struct tv_line *before = vm.lines;

		assert_int_equal(tv_msg_layout(&vm, 21, 0, NULL), n);
		assert_ptr_equal(vm.lines, before);
		assert_true(tv_msg_layout(&vm, 80, 0, NULL) < n);
		assert_fits(&vm, 80);
	}
	tv_msg_clear(&vm);
}

static void
test_outbound_indent_and_failure(void **state)
{
	struct store_message m = msg(HARK_CH_SMS, HARK_DIR_OUT, HARK_ST_FAILED,
	    "Viewing Thursday at 3?");
	struct tv_piece pc[TV_PIECES];
	struct tv_msg vm;
	char buf[192];
	int n;

	m.error_text = "Message cannot be sent to the destination because the handset"
	    " is unreachable or switched off";
	m.error_code = "30003";
	vm = vm_of(&m);
	n = tv_msg_layout(&vm, 60, 0, NULL);
	assert_int_equal(vm.lines[0].indent, TV_GUTTER + tv_out_indent(60));
	assert_int_equal(vm.lines[1].indent, TV_GUTTER + tv_out_indent(60) + TV_BODY_INDENT);
	assert_int_equal(find_line(&vm, ROLE_OUTBOUND, "Viewing Thursday"), 1);
	/* Too long for the header: the short mark there, the detail below. */
	assert_false(vm.mark_inline);
	assert_true(n >= 3);
	assert_true(find_line(&vm, ROLE_ST_FAILED, "handset") > 1);
	assert_true(find_line(&vm, ROLE_ST_FAILED, "(30003)") > 1);
	assert_fits(&vm, 60);
	tv_header(&vm, T0, pc);
	assert_string_equal(pc[3].text, "✗ failed");
	tv_msg_clear(&vm);

	/* A short reason stays on the header. */
	m.error_text = "Unknown number";
	vm = vm_of(&m);
	assert_int_equal(tv_msg_layout(&vm, 60, 0, NULL), 2);
	assert_true(vm.mark_inline);
	assert_int_equal(tv_status_mark(&vm, T0, vm.mark_inline, buf, sizeof buf),
	    ROLE_ST_FAILED);
	assert_string_equal(buf, "✗ failed: Unknown number (30003)");
	tv_msg_clear(&vm);
}

static void
test_escapes_never_reach_lines(void **state)
{
	struct store_message m = msg(HARK_CH_SMS, HARK_DIR_IN, HARK_ST_RECEIVED,
	    "hi \x1b]0;pwned\a there\x1b[2J\r\nline two\x07\n\n\n");
	struct tv_msg vm;
	int i;

	m.error_text = "\x1b[31mred";
	vm = vm_of(&m);
	tv_msg_layout(&vm, 40, 0, NULL);
	assert_int_equal(vm.nlines, 3);
	for (i = 1; i < vm.nlines; i++) {
		assert_null(strchr(vm.lines[i].text, '\x1b'));
		assert_null(strchr(vm.lines[i].text, '\a'));
	}
	assert_string_equal(vm.lines[1].text, "hi  there");
	assert_string_equal(vm.error, "red");
	tv_msg_clear(&vm);
}


/* ---- the pane over a real store, drawn into a curses window on /dev/null ---- */

#define THREAD_N 1000

struct pane_fx {
	char *dir, *path;
	struct store *st;
	SCREEN *sp;
	FILE *out, *in;
	struct tui t;
	int64_t ann, bob;
	int64_t ids[THREAD_N];
};

/* Message k of Ann's thread: every third one outbound, an hour apart. */
static int64_t
add_msg(struct pane_fx *fx, int64_t contact, int k, enum hark_channel ch,
    enum hark_direction dir, const char *body)
{
	struct store_message m;
	char sid[32];
	int64_t id;

	memset(&m, 0, sizeof m);
	snprintf(sid, sizeof sid, "SM%lld-%d", (long long)contact, k);
	m.contact_id = contact;
	m.channel = ch;
	m.direction = dir;
	m.provider = "sandbox";
	m.provider_id = sid;
	m.from_addr = "+14155550100";
	m.to_addr = "+14155550199";
	m.body = (char *)body;
	m.status = dir == HARK_DIR_OUT ? HARK_ST_SENT : HARK_ST_RECEIVED;
	m.created_at = T0 + (int64_t)k * 3600 * 1000;
	assert_int_equal(store_message_insert(fx->st, &m, &id, NULL), 1);
	return id;
}

static int
pane_setup(void **state)
{
	struct pane_fx *fx = xcalloc(1, sizeof *fx);
	struct pane *p;
	char body[64];
	int k;

	fx->dir = test_tmpdir();
	fx->path = xasprintf("%s/hark.db", fx->dir);
	assert_int_equal(store_open(fx->path, 0, &fx->st, NULL), 0);
	assert_int_equal(store_contact_add(fx->st, "Ann Lee", &fx->ann, NULL), 0);
	assert_int_equal(store_contact_add(fx->st, "Bob Roe", &fx->bob, NULL), 0);
	assert_int_equal(store_begin(fx->st, NULL), 0);
	for (k = 0; k < THREAD_N; k++) {
		snprintf(body, sizeof body, "message number %d", k);
		fx->ids[k] = add_msg(fx, fx->ann, k, HARK_CH_SMS,
		    k % 3 == 2 ? HARK_DIR_OUT : HARK_DIR_IN, body);
	}
	assert_int_equal(store_commit(fx->st, NULL), 0);
	fx->out = fopen("/dev/null", "w");
	fx->in = fopen("/dev/null", "r");
	fx->sp = newterm("xterm-256color", fx->out, fx->in);
	assert_non_null(fx->sp);
	set_term(fx->sp);
	start_color();
	fx->t.st = fx->st;
	fx->t.theme = theme_new();
	theme_apply(fx->t.theme, 0);
	fx->t.focus = PANE_THREAD;
	p = &fx->t.panes[PANE_THREAD];
	p->ops = &pane_thread_ops;
	p->tui = &fx->t;
	p->ops->init(p);
	p->h = 20;
	p->w = 60;
	p->win = newwin(p->h, p->w, 0, 0);
	*state = fx;
	return 0;
}

static int
pane_teardown(void **state)
{
	struct pane_fx *fx = *state;
	struct pane *p = &fx->t.panes[PANE_THREAD];

	p->ops->free(p);
	delwin(p->win);
	theme_free(fx->t.theme);
	free(fx->t.message);
	endwin();
	delscreen(fx->sp);
	fclose(fx->out);
	fclose(fx->in);
	store_close(fx->st);
	free(fx->path);
	free(fx->dir);
	free(fx);
	return 0;
}

/* What the redraw does for the pane: recalc when asked, then draw. */
static void
redraw(struct pane_fx *fx)
{
	struct pane *p = &fx->t.panes[PANE_THREAD];

	if (p->dirty & PANE_RECALC)
		p->ops->recalc(p);
	p->ops->draw(p);
	p->dirty = 0;
}

/* The text of row y of the pane, as UTF-8. */
static char *
row_text(struct pane_fx *fx, int y, char *buf, size_t size)
{
	struct pane *p = &fx->t.panes[PANE_THREAD];
	wchar_t wbuf[256];
	size_t n;

	memset(wbuf, 0, sizeof wbuf);
	mvwinnwstr(p->win, y, 0, wbuf, p->w);
	n = wcstombs(buf, wbuf, size - 1);
	buf[n == (size_t)-1 ? 0 : n] = '\0';
	return buf;
}

/* The row showing text s, or -1. */
static int
screen_find(struct pane_fx *fx, const char *s)
{
	struct pane *p = &fx->t.panes[PANE_THREAD];
	char buf[1024];
	int y;

	for (y = 0; y < p->h; y++) {
		if (strstr(row_text(fx, y, buf, sizeof buf), s) != NULL)
			return y;
	}
	if (getenv("HARK_TEST_DUMP") != NULL) {
		fprintf(stderr, "no '%s' on the screen:\n", s);
		for (y = 0; y < p->h; y++)
			fprintf(stderr, "%2d|%s|\n", y, row_text(fx, y, buf, sizeof buf));
	}
	return -1;
}

static void
open_ann(struct pane_fx *fx)
{
	fx->t.contact_id = fx->ann;
	fx->t.message_id = 0;
	fx->t.panes[PANE_THREAD].dirty = PANE_RECALC | PANE_DRAW;
	redraw(fx);
}


static void
test_window_stays_bounded(void **state)
{
	struct pane_fx *fx = *state;
	struct thread_window w;
	int i, rc, max = 0;

	memset(&w, 0, sizeof w);
	w.st = fx->st;
	w.contact_id = fx->ann;
	tw_clear(&w);
	assert_int_equal(tw_load_newest(&w, NULL), 0);
	assert_int_equal(w.n, TW_PAGE);
	assert_true(w.at_end);
	assert_false(w.at_start);
	assert_int_equal(w.msgs[w.sel].id, fx->ids[THREAD_N - 1]);
	/* Back to the start, a page at a time, never more than TW_MAX held. */
	for (i = 0; (rc = tw_load_older(&w, NULL)) > 0; i++) {
		max = w.n > max ? w.n : max;
		assert_true(w.n <= TW_MAX);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(i, THREAD_N / TW_PAGE - 1);
	assert_int_equal(max, TW_MAX);
	assert_true(w.at_start);
	assert_false(w.at_end);
	assert_int_equal(w.msgs[0].id, fx->ids[0]);
	for (i = 1; i < w.n; i++)
		assert_int_equal(w.msgs[i].id, fx->ids[i]);
	/* And forward to the end again. */
	while ((rc = tw_load_newer(&w, TW_PAGE, NULL)) > 0)
		assert_true(w.n <= TW_MAX);
	assert_true(w.at_end);
	assert_false(w.at_start);
	assert_int_equal(w.msgs[w.n - 1].id, fx->ids[THREAD_N - 1]);
	assert_int_equal(w.msgs[0].id, fx->ids[THREAD_N - TW_MAX]);
	/* Around a message: the page ending with it and the page after. */
	assert_int_equal(tw_load_around(&w, fx->ids[500], NULL), 0);
	assert_int_equal(w.n, 2 * TW_PAGE);
	assert_int_equal(w.msgs[w.sel].id, fx->ids[500]);
	assert_int_equal(w.msgs[0].id, fx->ids[401]);
	/* A reload in the middle keeps the same stretch. */
	assert_int_equal(tw_reload(&w, NULL), 0);
	assert_int_equal(w.n, 2 * TW_PAGE);
	assert_int_equal(w.msgs[0].id, fx->ids[401]);
	assert_int_equal(w.msgs[w.n - 1].id, fx->ids[600]);
	/* Another contact's message is not found here; the window stays. */
	add_msg(fx, fx->bob, 0, HARK_CH_SMS, HARK_DIR_IN, "bob");
	assert_int_equal(tw_load_around(&w, fx->ids[THREAD_N - 1] + 1, NULL), -1);
	assert_int_equal(w.n, 2 * TW_PAGE);
	tw_clear(&w);
}

static void
test_pane_no_contact_and_empty(void **state)
{
	struct pane_fx *fx = *state;

	fx->t.panes[PANE_THREAD].dirty = PANE_RECALC;
	redraw(fx);
	assert_true(screen_find(fx, "Select a contact") > 0);
	fx->t.contact_id = fx->bob;
	fx->t.panes[PANE_THREAD].dirty = PANE_RECALC;
	redraw(fx);
	assert_int_equal(screen_find(fx, "Bob Roe"), 0);
	assert_true(screen_find(fx, "No messages yet — :compose to compose") > 0);
	assert_int_equal(fx->t.message_id, 0);
	/* Moving in an empty thread does nothing. */
	thread_move(&fx->t, -1);
	thread_page(&fx->t, 1);
	thread_edge(&fx->t, 0);
	thread_toggle_quotes(&fx->t);
	assert_int_equal(fx->t.message_id, 0);
}

static void
test_pane_opens_at_newest(void **state)
{
	struct pane_fx *fx = *state;
	struct pane *p = &fx->t.panes[PANE_THREAD];
	char buf[1024];

	open_ann(fx);
	assert_true(hark_startswith(row_text(fx, 0, buf, sizeof buf), " Ann Lee"));
	assert_int_equal(fx->t.message_id, fx->ids[THREAD_N - 1]);
	/* The newest message ends on the last row. */
	assert_int_equal(screen_find(fx, "message number 999"), p->h - 1);
	assert_true(screen_find(fx, "message number 998") > 0);
	assert_int_equal(screen_find(fx, "message number 899"), -1);
	/* Day separators between days, a status mark on outbound ones. */
	assert_true(screen_find(fx, "───") > 0);
	assert_true(screen_find(fx, "✓ sent") > 0);
}

static void
test_pane_pages_back_and_forth(void **state)
{
	struct pane_fx *fx = *state;
	int i;

	open_ann(fx);
	/* Past the first page: the page before it is loaded. */
	for (i = 0; i < 150; i++)
		thread_move(&fx->t, -1);
	redraw(fx);
	assert_int_equal(fx->t.message_id, fx->ids[THREAD_N - 1 - 150]);
	assert_true(screen_find(fx, "message number 849") > 0);
	/* The oldest, by paging back to the start. */
	thread_edge(&fx->t, 0);
	redraw(fx);
	assert_int_equal(fx->t.message_id, fx->ids[0]);
	assert_int_equal(screen_find(fx, "message number 0"), 3);
	assert_true(screen_find(fx, "Mon 23 Nov") > 0);
	/* Down through the whole thread, window after window. */
	for (i = 0; i < THREAD_N + 5; i++)
		thread_move(&fx->t, 1);
	assert_int_equal(fx->t.message_id, fx->ids[THREAD_N - 1]);
	thread_edge(&fx->t, 0);
	thread_edge(&fx->t, 1);
	redraw(fx);
	assert_int_equal(fx->t.message_id, fx->ids[THREAD_N - 1]);
	assert_int_equal(screen_find(fx, "message number 999"),
	    fx->t.panes[PANE_THREAD].h - 1);
	/* A page up moves about a screen of rows. */
	thread_page(&fx->t, -1);
	redraw(fx);
	assert_true(fx->t.message_id < fx->ids[THREAD_N - 5]);
	assert_true(fx->t.message_id > fx->ids[THREAD_N - 20]);
	thread_page(&fx->t, 2);
	redraw(fx);
	assert_true(fx->t.message_id > fx->ids[THREAD_N - 15]);
}

static void
test_pane_events_recalc(void **state)
{
	struct pane_fx *fx = *state;
	struct pane *p = &fx->t.panes[PANE_THREAD];
	struct store_event ev = { 0, 0, "status-changed", 0, 0, NULL };
	int64_t out = fx->ids[THREAD_N - 2], id;

	open_ann(fx);
	/* Another contact's event is not ours. */
	ev.contact_id = fx->bob;
	p->ops->event(p, &ev);
	assert_int_equal(p->dirty, 0);
	assert_int_equal(store_message_set_status(fx->st, out, HARK_ST_FAILED, "30005",
	    "Unknown destination", T0, NULL), 1);
	ev.contact_id = fx->ann;
	ev.message_id = out;
	p->ops->event(p, &ev);
	assert_true(p->dirty & PANE_RECALC);
	redraw(fx);
	assert_true(screen_find(fx, "✗ failed: Unknown destination (30005)") > 0);
	/* A new message: the selection on the newest follows it. */
	id = add_msg(fx, fx->ann, THREAD_N, HARK_CH_WHATSAPP, HARK_DIR_IN, "just arrived");
	ev.kind = "message-added";
	ev.message_id = id;
	p->ops->event(p, &ev);
	redraw(fx);
	assert_int_equal(fx->t.message_id, id);
	assert_int_equal(screen_find(fx, "just arrived"), p->h - 1);
	assert_true(screen_find(fx, "◀ WA") > 0);
	/* Not when the user reads an older one. */
	thread_move(&fx->t, -3);
	id = fx->t.message_id;
	add_msg(fx, fx->ann, THREAD_N + 1, HARK_CH_SMS, HARK_DIR_IN, "and another");
	p->ops->event(p, &ev);
	redraw(fx);
	assert_int_equal(fx->t.message_id, id);
}

static void
test_pane_show_message(void **state)
{
	struct pane_fx *fx = *state;

	open_ann(fx);
	thread_show_message(&fx->t, fx->ids[300]);
	redraw(fx);
	assert_int_equal(fx->t.message_id, fx->ids[300]);
	assert_true(screen_find(fx, "message number 300") > 0);
	/* From there, both ways. */
	thread_move(&fx->t, 150);
	assert_int_equal(fx->t.message_id, fx->ids[450]);
	thread_move(&fx->t, -300);
	assert_int_equal(fx->t.message_id, fx->ids[150]);
	/* A message of another thread is not shown here. */
	fx->t.panes[PANE_THREAD].dirty = 0;
	thread_show_message(&fx->t, 0);
	assert_int_equal(fx->t.panes[PANE_THREAD].dirty, 0);
}

static void
test_pane_email_quotes_toggle(void **state)
{
	struct pane_fx *fx = *state;
	int64_t id;

	id = add_msg(fx, fx->ann, THREAD_N, HARK_CH_EMAIL, HARK_DIR_IN, reply);
	open_ann(fx);
	assert_int_equal(fx->t.message_id, id);
	assert_true(screen_find(fx, "[… 8 quoted lines — :toggle-quotes to show]") > 0);
	thread_toggle_quotes(&fx->t);
	redraw(fx);
	assert_int_equal(screen_find(fx, "quoted lines"), -1);
	assert_true(screen_find(fx, "> Is the flat still available?") > 0);
	thread_toggle_quotes(&fx->t);
	redraw(fx);
	assert_true(screen_find(fx, "quoted lines") > 0);
	/* On a message without quotes, the toggle is for every message. */
	thread_move(&fx->t, -1);
	thread_toggle_quotes(&fx->t);
	assert_non_null(fx->t.message);
	thread_move(&fx->t, 1);
	redraw(fx);
	assert_true(screen_find(fx, "> Is the flat still available?") > 0);
	assert_true(screen_find(fx, "> Ann") > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_degenerate),
		cmocka_unit_test(test_countdown),
		cmocka_unit_test(test_status_marks),
		cmocka_unit_test(test_status_scheduled_and_inbound),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_find_quotes),
		cmocka_unit_test(test_email_fold),
		cmocka_unit_test(test_email_attachments_and_warning),
		cmocka_unit_test(test_wrap_wide),
		cmocka_unit_test(test_outbound_indent_and_failure),
		cmocka_unit_test(test_escapes_never_reach_lines),
		cmocka_unit_test_setup_teardown(test_window_stays_bounded,
		    pane_setup, pane_teardown),
		cmocka_unit_test_setup_teardown(test_pane_no_contact_and_empty,
		    pane_setup, pane_teardown),
		cmocka_unit_test_setup_teardown(test_pane_opens_at_newest,
		    pane_setup, pane_teardown),
		cmocka_unit_test_setup_teardown(test_pane_pages_back_and_forth,
		    pane_setup, pane_teardown),
		cmocka_unit_test_setup_teardown(test_pane_events_recalc,
		    pane_setup, pane_teardown),
		cmocka_unit_test_setup_teardown(test_pane_show_message,
		    pane_setup, pane_teardown),
		cmocka_unit_test_setup_teardown(test_pane_email_quotes_toggle,
		    pane_setup, pane_teardown),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "en_US.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
