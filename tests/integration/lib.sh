# lib.sh — helpers for integration tests (sourced). Each helper prints what it
# checked; the first failure ends the test with exit 1.
set -u
hark() { "$HARK_BIN" "$@"; }

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

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
