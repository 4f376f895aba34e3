#!/bin/sh
# Runs every cmocka unit test binary given as arguments; prints one summary line.
# Each binary runs in its own temporary directory (tests may create files there).
set -u
# Tests that read shipped files (keymaps, themes, spec fixtures) find them here.
HARK_SRCDIR=${HARK_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
export HARK_SRCDIR
pass=0; fail=0; failed=""
for t in "$@"; do
	case "$t" in /*) ;; *) t="$PWD/$t" ;; esac
	dir=$(mktemp -d "${TMPDIR:-/tmp}/hark-unit.XXXXXX")
	if (cd "$dir" && TMPDIR="$dir" "$t") >"$dir.log" 2>&1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); failed="$failed $(basename "$t")"
		cat "$dir.log"
	fi
	grep -E '^\[  (PASSED|FAILED)  \]' "$dir.log" | sed "s|^|$(basename "$t"): |"
	rm -rf "$dir" "$dir.log"
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ] || { echo "failed:$failed"; exit 1; }
