#!/bin/sh
# bulk.sh — `make bench`: a bulk preview to 10,000 contacts (every message
# rendered from a template with two variables, SMS segments counted, the
# sandbox's price estimated), timed end to end as a user runs it: `hark
# bulk preview --json`, process start and database open included. Some
# contacts are opted out, some have no phone, some are in quiet hours, so
# every branch of the preview is taken. Prints the runs' p50 and best, and
# appends them to $BENCH_DIR/results.txt.
#
# Environment: HARK_BIN and BENCH_DIR (set by make); BULK_CONTACTS (10000),
# BULK_RUNS (9).
set -eu

: "${HARK_BIN:?set HARK_BIN to the hark binary}"
: "${BENCH_DIR:?set BENCH_DIR}"
N=${BULK_CONTACTS:-10000}
RUNS=${BULK_RUNS:-9}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hark-bulk-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" \
    XDG_STATE_HOME="$tmp/state" XDG_RUNTIME_DIR="$tmp/run" HARK_DB="$tmp/hark.db"
mkdir -p "$HOME" "$XDG_CONFIG_HOME/hark" "$tmp/run"
cat > "$XDG_CONFIG_HOME/hark/config" <<CFG
[identity]
name = Bench Seller

[account sandbox]
provider = sandbox
from_phone = +14155550100
CFG

awk -v n="$N" 'BEGIN {
	print "name,phone,email,tags,city"
	for (i = 1; i <= n; i++) {
		phone = (i % 50 == 0) ? "" : sprintf("+1415%07d", 5000000 + i)
		printf "Contact%d Person,%s,c%d@example.com,customer,City %d\n", i, phone, i, i % 97
	}
}' > "$tmp/contacts.csv"
"$HARK_BIN" contacts import "$tmp/contacts.csv" >/dev/null
printf 'name: bench\nsms: Hi {{first_name}}, the {{city}} store has new stock this week - reply STOP to opt out.\n' |
    "$HARK_BIN" template add --file - >/dev/null
i=1
while [ $i -le 20 ]; do
	"$HARK_BIN" contacts set "#$((i * 7))" --opt-out sms --reason bench >/dev/null
	"$HARK_BIN" contacts set "#$((i * 11))" --tz Pacific/Auckland --quiet 00:00-23:59 >/dev/null
	i=$((i + 1))
done

# Wall time, and CPU time (user + system, from GNU time): on a shared
# machine the second is what the preview costs, the first what was waited.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
: > "$tmp/times"
: > "$tmp/cpu"
r=0
while [ $r -lt "$RUNS" ]; do
	t0=$(now_ms)
	if /usr/bin/time -f '%U %S' -o "$tmp/t1" true 2>/dev/null; then
		/usr/bin/time -f '%U %S' -o "$tmp/t1" "$HARK_BIN" bulk preview \
		    --template bench --tag customer --json > "$tmp/out.json"
		awk '{ printf "%d\n", ($1 + $2) * 1000 }' "$tmp/t1" >> "$tmp/cpu"
	else
		"$HARK_BIN" bulk preview --template bench --tag customer --json > "$tmp/out.json"
	fi
	echo $(( $(now_ms) - t0 )) >> "$tmp/times"
	r=$((r + 1))
done
med() { sort -n "$1" | awk '{ a[NR] = $1 } END { print (NR ? a[int((NR + 1) / 2)] : "-") }'; }
line="bulk preview, $N contacts: wall p50 $(med "$tmp/times") ms (best $(sort -n "$tmp/times" | head -n 1) ms), CPU p50 $(med "$tmp/cpu") ms, $RUNS runs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null); $(cat "$tmp/out.json")"
echo "$line"
mkdir -p "$BENCH_DIR"
echo "$(date -u +%Y-%m-%dT%H:%MZ) $line" >> "$BENCH_DIR/results.txt"
