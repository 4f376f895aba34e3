#!/bin/sh
# Runs every tests/integration/*.test.sh against the real hark binary ($HARK_BIN),
# HARK_JOBS at a time (default 3: most of a test's time is spent waiting for
# servers, terminals and timers, not computing). Each test runs in its own empty
# HOME on ports it picks itself (run_one.sh), so tests never share state.
# Exit 0 = pass, 77 = skipped, else fail. HARK_TESTS: words; a test runs when
# its name starts with one of them.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${HARK_BIN:?set HARK_BIN to the hark binary}"
export HARK_BIN
jobs=${HARK_JOBS:-3}
# Tests that take longest (measured with HARK_JOBS=1), longest first.
SLOW_TESTS="report_ab bulk_crash cli_import twilio_e2e storage fake_twilio tui_resize cli_export route_quiet cli_report tui_wide sendgrid_e2e rules_loop route_optout mailgun_e2e tui_sync_progress"
results=$(mktemp -d "${TMPDIR:-/tmp}/hark-it-results.XXXXXX")
list=""
for t in "$here"/*.test.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .test.sh)
	if [ -n "${HARK_TESTS:-}" ]; then
		want=0
		for w in $HARK_TESTS; do
			case "$name" in "$w"*) want=1 ;; esac
		done
		[ $want -eq 1 ] || continue
	fi
	list="$list $t"
done
begin=$(date +%s)
# The longest tests start first, so that none of them ends the run alone.
slow=$(for t in $list; do
	case " $SLOW_TESTS " in *" $(basename "$t" .test.sh) "*) echo "$t" ;; esac
done)
rest=$(for t in $list; do
	case " $SLOW_TESTS " in *" $(basename "$t" .test.sh) "*) ;; *) echo "$t" ;; esac
done)
printf '%s\n' $slow $rest | xargs -r -I{} -P "$jobs" sh "$here/run_one.sh" {} "$results"
pass=0; fail=0; skip=0; failed=""
for t in $list; do
	name=$(basename "$t" .test.sh)
	rc=$(cat "$results/$name.rc" 2>/dev/null || echo 99)
	case $rc in
	0) pass=$((pass + 1)) ;;
	77) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)); failed="$failed $name"
	   echo "---- $name (exit $rc): last lines of its output"
	   tail -n 60 "$results/$name.log" 2>/dev/null | sed 's/^/    /' ;;
	esac
done
rm -rf "$results"
echo "integration: $pass passed, $fail failed, $skip skipped ($(( $(date +%s) - begin ))s, $jobs at a time)"
[ $fail -eq 0 ] || { echo "failed:$failed"; exit 1; }
