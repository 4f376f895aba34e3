#!/bin/sh
# Runs one integration test in its own empty HOME (XDG_* inside it), so that
# it never sees the user's config or history nor another test's. Called by
# run.sh, several at a time. Writes RESULTS/NAME.rc, NAME.secs and NAME.log;
# prints the test's result line as soon as it ends.
set -u
t=$1 results=$2
here=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$t" .test.sh)
home=$(mktemp -d "${TMPDIR:-/tmp}/hark-it.XXXXXX")
log="$results/$name.log"
start=$(date +%s)
( cd "$home" && env HOME="$home" XDG_CONFIG_HOME="$home/.config" \
    XDG_DATA_HOME="$home/.local/share" XDG_STATE_HOME="$home/.local/state" \
    XDG_RUNTIME_DIR="$home/run" HARK_DB= TESTS="$here" HARK_BIN="$HARK_BIN" \
    HARK_BUILD="$(dirname "$HARK_BIN")" HARK_SRCDIR="$(dirname "$here")/.." \
    TUI_DIR="$home/tui" \
    sh "$t" ) >"$log" 2>&1 </dev/null
rc=$?
secs=$(( $(date +%s) - start ))
echo "$rc" >"$results/$name.rc"
if [ $rc -eq 0 ]; then
	echo "ok   $name (${secs}s)"
elif [ $rc -eq 77 ]; then
	echo "skip $name: $(tail -n 1 "$log")"
else
	echo "FAIL $name (exit $rc, ${secs}s)"
fi
rm -rf "$home"
