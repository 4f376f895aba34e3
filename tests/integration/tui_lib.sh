# tui_lib.sh — sourced by tests/integration/tui_*.test.sh: the full-screen client
# driven in a detached tmux (tests/peers/tui-driver.sh), with a profile of the
# test's own (sandbox account, known contacts and history).
#
#   tui_start NAME COLS ROWS [VAR=VALUE...] [HARK ARGS...]
#                       hark in a COLS x ROWS pane, with the test's HOME and XDG_*
#                       (VAR=VALUE adds to its environment; no spaces in VALUE)
#   tui_exec NAME COLS ROWS [VAR=VALUE...] CMD [ARGS...]   any command, same profile
#   tui_open NAME COLS ROWS ...   tui_start, then wait for the first screen
#   keys NAME KEY...    tmux key names (Enter Tab BTab Escape C-z ...) or characters
#   type_text NAME TEXT   TEXT typed literally
#   wait_for NAME TEXT [SECS] [DESC]   until TEXT is on screen, else fail (default 10 s)
#   wait_gone NAME TEXT [SECS] [DESC]  until TEXT is off the screen, else fail
#   screen NAME         the screen as text;  screen_e NAME: with SGR escapes
#   screen_has NAME TEXT DESC     TEXT is on screen now (no waiting)
#   screen_lacks NAME TEXT DESC   TEXT is not on screen now
#   row_of NAME TEXT    the first row (0-based) holding TEXT, or -1
#   contact_row NAME TEXT   the same, in the contact list only
#   line NAME ROW       the text of row ROW (0-based);  line_e NAME ROW: with escapes
#   wait_status NAME TEXT ABOVE REGEX DESC   until the row ABOVE rows over the
#                       first one holding TEXT (a message's status line) matches
#                       REGEX (grep -E), else fail (10 s); STATUS_LINE is that row
#   col_of_in STRING TEXT   the terminal column (0-based, wide characters count 2)
#                       where TEXT starts in STRING, or -1
#   sgr_before NAME ROW TEXT   the SGR sequences written just before TEXT on ROW
#   tui_wait_exit NAME [SECS]   hark's exit status once it exits (prints it)
#   until_fmt NAME FORMAT VALUE [SECS]   until a tmux format of the pane has VALUE
#   leave_composer NAME   Escape, and wait until the composer lets go of the cursor
#   quit_hark NAME      q, and hark must exit with status 0
#   colour_sgrs NAME    the colour-setting SGR parameters on the screen (none: empty)
#   known_bug DESC      a failed check of a bug already reported: the rest of the
#                       test still runs strictly, and the test ends in a skip
#                       naming the bug (so the suite stays green and says why)
#
# Every session started here is stopped when the test exits.
. "$TESTS/lib.sh"

TUI_DRIVER="$TESTS/../peers/tui-driver.sh"
ESC=$(printf '\033')
export LC_ALL=C.UTF-8

command -v tmux >/dev/null 2>&1 || skip "needs tmux (contrib/install-deps.sh installs it)"
[ -x "$HARK_BIN" ] || fail "no hark binary at $HARK_BIN"
export TUI_DIR="${TUI_DIR:-$HOME/tui}"

TUI_SESSIONS=""
tui_cleanup() {
	for _s in $TUI_SESSIONS; do "$TUI_DRIVER" stop "$_s" >/dev/null 2>&1; done
}
TUI_KNOWN_BUGS=""
tui_end() {
	_rc=$?
	tui_cleanup
	if [ $_rc -eq 0 ] && [ -n "$TUI_KNOWN_BUGS" ]; then
		printf "every other check passed; known bug:%s\n" "$TUI_KNOWN_BUGS"
		exit 77
	fi
	exit $_rc
}
trap tui_end EXIT
trap 'exit 130' INT TERM

tui_exec() {
	_n=$1 _c=$2 _r=$3
	shift 3
	_env=""
	while [ $# -gt 0 ]; do
		case $1 in *=*) _env="$_env $1"; shift ;; *) break ;; esac
	done
	TUI_SESSIONS="$TUI_SESSIONS $_n"
	# Nothing of the caller's own session leaks in: no D-Bus (notifications go
	# to the terminal), no colour preference, no keymap or theme override.
	# shellcheck disable=SC2086
	"$TUI_DRIVER" start "$_n" "$_c" "$_r" env -u DBUS_SESSION_BUS_ADDRESS \
	    -u NO_COLOR -u HARK_KEYMAP -u HARK_THEME -u TMUX \
	    HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
	    XDG_DATA_HOME="$XDG_DATA_HOME" XDG_STATE_HOME="$XDG_STATE_HOME" \
	    XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" HARK_DB="${HARK_DB:-}" $_env \
	    "$@" || fail "tmux did not start $*"
}
tui_start() {
	_n=$1 _c=$2 _r=$3
	shift 3
	_env=""
	while [ $# -gt 0 ]; do
		case $1 in *=*) _env="$_env $1"; shift ;; *) break ;; esac
	done
	# shellcheck disable=SC2086
	tui_exec "$_n" "$_c" "$_r" $_env "$HARK_BIN" "$@"
}

# The first screen is painted once the status bar shows.
tui_open() {
	tui_start "$@"
	wait_for "$1" "hark │" 10 "hark opens"
}

keys() { _n=$1; shift; "$TUI_DRIVER" keys "$_n" "$@"; }
type_text() { "$TUI_DRIVER" type "$1" "$2"; }
screen() { "$TUI_DRIVER" screen "$1"; }
screen_e() { "$TUI_DRIVER" screen "$1" -e; }

wait_for() {
	"$TUI_DRIVER" wait "$1" "$2" "${3:-10}" || fail "${4:-waiting for '$2'}: '$2' did not appear"
}
wait_gone() {
	"$TUI_DRIVER" wait-gone "$1" "$2" "${3:-10}" || fail "${4:-waiting for '$2' to go}: '$2' is still shown"
}

screen_has() {
	screen "$1" | grep -qF -- "$2" || fail "$3: '$2' is not on the screen:
$(screen "$1")"
	ok "$3"
}
screen_lacks() {
	if screen "$1" | grep -qF -- "$2"; then fail "$3: '$2' is on the screen:
$(screen "$1")"; fi
	ok "$3"
}

row_of() {
	_r=$(screen "$1" | grep -nF -- "$2" | head -n 1 | cut -d: -f1)
	if [ -n "$_r" ]; then echo $((_r - 1)); else echo -1; fi
}
# The row of TEXT in the contact list (left of the first │), or -1.
contact_row() {
	_r=$(screen "$1" | sed "s/│.*//" | grep -nF -- "$2" | head -n 1 | cut -d: -f1)
	if [ -n "$_r" ]; then echo $((_r - 1)); else echo -1; fi
}
line() { screen "$1" | sed -n "$(($2 + 1))p"; }
line_e() { screen_e "$1" | sed -n "$(($2 + 1))p"; }

wait_status() {
	within 10 status_is "$@" || fail "$5: not within 10 s:
$(screen "$1")"
	ok "$5"
}
status_is() {
	_r=$(row_of "$1" "$2")
	[ "$_r" -ge "$3" ] || return 1
	STATUS_LINE=$(line "$1" $((_r - $3)))
	printf '%s\n' "$STATUS_LINE" | grep -qE -- "$4"
}

# Display width of a string (wc -L counts wide characters as two columns).
width_of() { printf '%s\n' "$1" | wc -L; }
col_of_in() {
	case $1 in *"$2"*) ;; *) echo -1; return ;; esac
	width_of "${1%%"$2"*}"
}

# The run of SGR sequences (ESC [ ... m) right before TEXT on a row of the
# escaped screen: the attributes TEXT starts with when they change there.
sgr_before() {
	_l=$(line_e "$1" "$2")
	case $_l in *"$3"*) ;; *) echo "(no '$3' on row $2)"; return ;; esac
	_pre=${_l%%"$3"*}
	_out=""
	while :; do
		case $_pre in *"${ESC}["*m) ;; *) break ;; esac
		_last=${_pre##*"${ESC}["}
		case $_last in *[!0-9\;:m]* | *m?*) break ;; esac
		_out="${ESC}[$_last$_out"
		_pre=${_pre%"${ESC}[$_last"}
	done
	printf '%s' "$_out" | vis
}
# Escapes made readable: ESC shown as ␛ (a backslash would be undone by echo).
vis() { sed 's/\x1b/␛/g'; }

# tui_wait_exit NAME [SECS]: hark's exit status, once it has exited (the driver
# nudges tmux 3.3 when it misses the SIGCHLD of a pane's program).
tui_wait_exit() {
	"$TUI_DRIVER" wait-exit "$1" "${2:-10}" 2>/dev/null && return 0
	_rc=$?
	[ $_rc = 124 ] && echo "still running"
	return 1
}

# until_fmt NAME FORMAT VALUE [SECS]: until tmux's FORMAT for the pane is VALUE;
# e.g. '#{cursor_flag}' is 1 only while the composer (or a prompt) has the cursor.
until_fmt() {
	_i=0
	while [ "$(tmux_fmt "$1" "$2")" != "$3" ]; do
		[ $_i -lt $((${4:-5} * 10)) ] || fail "$2 should become '$3', is '$(tmux_fmt "$1" "$2")'"
		sleep 0.1
		_i=$((_i + 1))
	done
}
# Out of the composer (Escape goes to the thread): the text cursor hides.
leave_composer() {
	keys "$1" Escape
	until_fmt "$1" '#{cursor_flag}' 0
}

quit_hark() {
	keys "$1" q
	_st=$(tui_wait_exit "$1" 10)
	[ "$_st" = 0 ] || fail "q: hark should exit with status 0 (got '$_st'):
$(screen "$1")"
	ok "q leaves hark with status 0"
}

known_bug() {
	printf "KNOWN BUG: %s\n" "$*"
	TUI_KNOWN_BUGS="$TUI_KNOWN_BUGS [$*]"
}

# Colour SGR parameters: 30-37 40-47 90-97 100-107, 38;5;N 48;5;N 38;2;R;G;B ...
# (39 and 49, back to the terminal's own colours, are not colours.)
colour_sgrs() {
	screen_e "$1" | grep -o "$ESC\[[0-9;:]*m" | sed "s/^$ESC\[//; s/m\$//" | tr ';:' '  ' |
	    awk '{ for (i = 1; i <= NF; i++) {
		p = $i
		if (p == 38 || p == 48) { print p ";" $(i + 1) ";" $(i + 2); i += 2; continue }
		if ((p >= 30 && p <= 37) || (p >= 40 && p <= 47) ||
		    (p >= 90 && p <= 97) || (p >= 100 && p <= 107)) print p
	    } }' | sort -u
}

# tmux's own view of the pane: tmux_fmt NAME FORMAT (e.g. '#{pane_title}').
tmux_fmt() { tmux -S "$TUI_DIR/$1.sock" display-message -p -t "$1" "$2"; }
tmux_do() { _n=$1; shift; tmux -S "$TUI_DIR/$_n.sock" "$@"; }
# The pid of the program in the pane.
pane_pid() { tmux_fmt "$1" '#{pane_pid}'; }

# A history with known names and texts: JSON lines (contrib/IMPORT.md) on
# stdin, imported into the test's database.
import_history() {
	cat >"$HOME/history.jsonl"
	OUT=$("$HARK_BIN" import "$HOME/history.jsonl" 2>&1) || fail "import: $OUT"
}

# An inbound message the sandbox "service" reports on its next poll (every
# 500 ms): inbound_sms SID FROM BODY-SQL-EXPRESSION (inbound_wa: WhatsApp)
inbound_msg() {
	sqlite3 "$HOME/sandbox.db" "INSERT INTO inbound(sid, channel, from_addr, to_addr, body, due_at)
	    VALUES ('$1', '$2', '$3', '+14155550100', $4, 0)" || fail "cannot add an inbound message to the sandbox"
}
inbound_sms() { inbound_msg "$1" sms "$2" "$3"; }
inbound_wa() { inbound_msg "$1" whatsapp "$2" "$3"; }

# The profile most tests use: the sandbox account and four people on four
# channels, newest activity first: Dev (WhatsApp), Cara (SMS), Bob (email),
# Ann (SMS, with a reply of ours). The numbers are not the sandbox's
# answering personas, so nobody writes back on their own.
tui_profile() {
	. "$TESTS/sandbox_profile.sh"
	import_history <<'JSONL'
{"channel":"sms","contact":"Ann Lee","address":"+14155552671","direction":"in","timestamp":"2025-03-03T09:58:00Z","body":"Is the roof quote ready?"}
{"channel":"sms","contact":"Ann Lee","address":"+14155552671","direction":"out","timestamp":"2025-03-03T10:02:00Z","body":"Yes, sending it now","status":"delivered"}
{"channel":"email","contact":"Bob Roe","address":"bob@example.com","direction":"in","timestamp":"2025-03-04T10:00:00Z","subject":"Invoice 42","body":"Please find invoice 42 attached"}
{"channel":"sms","contact":"Cara Diaz","address":"+14155552673","direction":"in","timestamp":"2025-03-05T10:00:00Z","body":"Thanks for the tulips"}
{"channel":"whatsapp","contact":"Dev Patel","address":"+14155552674","direction":"in","timestamp":"2025-03-06T10:00:00Z","body":"See you at the market"}
JSONL
}
