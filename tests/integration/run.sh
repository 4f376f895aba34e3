#!/bin/sh
# Runs every tests/integration/*.test.sh against the real hark binary ($HARK_BIN).
# Each test runs in its own empty HOME with XDG_* pointing inside it, so it never
# sees the user's config or history. Exit 0 = pass, 77 = skipped, else fail.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${HARK_BIN:?set HARK_BIN to the hark binary}"
pass=0; fail=0; skip=0; failed=""
for t in "$here"/*.test.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .test.sh)
	# HARK_TESTS: words; a test runs when its name starts with one of them.
	if [ -n "${HARK_TESTS:-}" ]; then
		want=0
		for w in $HARK_TESTS; do
			case "$name" in "$w"*) want=1 ;; esac
		done
		[ $want -eq 1 ] || continue
	fi
	home=$(mktemp -d "${TMPDIR:-/tmp}/hark-it.XXXXXX")
	log="$home.log"
	start=$(date +%s)
	( cd "$home" && env HOME="$home" XDG_CONFIG_HOME="$home/.config" \
	    XDG_DATA_HOME="$home/.local/share" XDG_STATE_HOME="$home/.local/state" \
	    XDG_RUNTIME_DIR="$home/run" HARK_DB= TESTS="$here" HARK_BIN="$HARK_BIN" \
	    HARK_BUILD="$(dirname "$HARK_BIN")" HARK_SRCDIR="$(dirname "$here")/.." \
	    TUI_DIR="$home/tui" \
	    sh "$t" ) >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1)); echo "ok   $name (${secs}s)"
	elif [ $rc -eq 77 ]; then
		skip=$((skip + 1)); echo "skip $name: $(tail -n 1 "$log")"
	else
		fail=$((fail + 1)); failed="$failed $name"
		echo "FAIL $name (exit $rc, ${secs}s)"; sed 's/^/    /' "$log" | tail -n 60
	fi
	rm -rf "$home" "$log"
done
echo "integration: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
