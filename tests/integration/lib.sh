# lib.sh — helpers for integration tests (sourced). Each helper prints what it
# checked; the first failure ends the test with exit 1.
set -u
hark() { "$HARK_BIN" "$@"; }

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
# skip WHY: ends the test as skipped (77), saying why.
skip() { echo "skip: $*"; exit 77; }
# needs TOOL...: skips the test unless every TOOL is on PATH.
needs() { for _tool; do command -v "$_tool" >/dev/null 2>&1 || skip "needs $_tool"; done; }

# expect_exit CODE DESC -- CMD...: runs CMD, stdout+stderr into $OUT, checks the exit code.
expect_exit() {
	want=$1; desc=$2; shift 3
	OUT=$("$@" 2>&1); got=$?
	[ "$got" -eq "$want" ] || fail "$desc: exit $got, expected $want; output:
$OUT"
	ok "$desc"
}
# contains DESC NEEDLE: $OUT must contain NEEDLE (fixed string).
contains() {
	printf '%s' "$OUT" | grep -qF -- "$2" || fail "$1: output lacks '$2'; output:
$OUT"
	ok "$1"
}
lacks() {
	if printf '%s' "$OUT" | grep -qF -- "$2"; then fail "$1: output has '$2'; output:
$OUT"; fi
	ok "$1"
}
# eq DESC GOT WANT
eq() { [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"; ok "$1"; }
# sql QUERY: runs a read-only query on the test database.
sql() { sqlite3 -readonly "$HARK_DB" "$1"; }

# The system's python3 first: a version manager's shim costs a second a call.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

ms_now() { date +%s%3N; }

# wait_until DESC SECONDS CMD...: runs CMD every 50 ms until it succeeds;
# fails the test after SECONDS.
wait_until() {
	wu_desc=$1; wu_secs=$2; shift 2
	within "$wu_secs" "$@" || fail "$wu_desc: not within $wu_secs s"
	ok "$wu_desc"
}
# within SECONDS CMD...: like wait_until, but only says whether CMD
# succeeded in time.
within() {
	wi_end=$(( $(ms_now) + $1 * 1000 )); shift
	until "$@"; do
		[ "$(ms_now)" -lt "$wi_end" ] || return 1
		sleep 0.05
	done
}
# sql_is QUERY WANT: true when the query prints WANT (for wait_until).
sql_is() { [ "$(sqlite3 -readonly "$HARK_DB" "$1" 2>/dev/null)" = "$2" ]; }

# relay_start [ARGS...]: starts `hark relay ARGS` (stdout in $HOME/relay.out,
# stderr in $HOME/relay.err) and waits up to 10 s for its listening line;
# sets RELAY_PID and RELAY_PORT. The caller's EXIT trap stops it.
relay_start() {
	"$HARK_BIN" relay "$@" >"$HOME/relay.out" 2>"$HOME/relay.err" &
	RELAY_PID=$!
	within 10 relay_listening ||
	    fail "the relay did not start: $(cat "$HOME/relay.err")"
	RELAY_PORT=$(sed -n 's|^hark relay: listening on http://127\.0\.0\.1:\([0-9]*\),.*|\1|p' "$HOME/relay.out")
	[ -n "$RELAY_PORT" ] || fail "no port in: $(cat "$HOME/relay.out")"
	export RELAY_PORT
}
relay_listening() {
	grep -q '^hark relay: listening on' "$HOME/relay.out" 2>/dev/null && return 0
	kill -0 "$RELAY_PID" 2>/dev/null || fail "the relay exited: $(cat "$HOME/relay.err")"
	return 1
}
