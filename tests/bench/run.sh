#!/bin/sh
# run.sh — `make bench`: imports corpus.c's history with the real `hark import`
# at each size, then times the queries a user waits on (store_bench). Prints
# a table and appends it to $BENCH_DIR/results.txt. Figures, not pass/fail:
# a size whose import fails is reported and the run goes on.
#
# Environment: HARK_BIN and BENCH_DIR (set by make); BENCH_SIZES (default
# "10000 100000 1000000"), BENCH_SEED (1), BENCH_RUNS (200 per query),
# BENCH_BUDGET_MS (20000: a query stops sooner when its runs take that long),
# BENCH_KEEP=1 to keep the last database and corpus for a closer look.
set -eu

: "${HARK_BIN:?set HARK_BIN to the hark binary}"
: "${BENCH_DIR:?set BENCH_DIR to the directory of the bench programs}"
SIZES=${BENCH_SIZES:-"10000 100000 1000000"}
SEED=${BENCH_SEED:-1}
RUNS=${BENCH_RUNS:-200}
BUDGET_MS=${BENCH_BUDGET_MS:-20000}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hark-bench.XXXXXX")
if [ "${BENCH_KEEP:-0}" = 1 ]; then
	trap 'echo "kept $tmp" >&2' EXIT
else
	trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 130' INT TERM
# The user's configuration and data stay out of it: the default region is US.
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" \
    XDG_STATE_HOME="$tmp/state"
mkdir -p "$HOME"

# now_ns: a clock in nanoseconds (GNU date; else whole seconds).
now_ns() {
	t=$(date +%s%N)
	case $t in
	*N) echo "$(date +%s)000000000" ;;
	*) echo "$t" ;;
	esac
}

# fig NAME: a value from store_bench's "name value unit" lines, "-" when absent.
fig() {
	awk -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? "-" : v) }' "$tmp/bench.txt"
}

# pair NAME: "p50/p99" of a store_bench query.
pair() {
	echo "$(fig "$1_p50")/$(fig "$1_p99")"
}

machine() {
	cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
	mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
	echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, ${mem:-unknown memory}," \
	    "$(uname -sr)"
}

# peak_rss_cmd: what wraps the import to learn its peak resident memory.
if command -v /usr/bin/time >/dev/null 2>&1 && /usr/bin/time -v true >/dev/null 2>&1; then
	rss_wrap() { /usr/bin/time -v -o "$tmp/rss.txt" "$@"; }
else
	rss_wrap() { "$BENCH_DIR/rusage" "$tmp/rss.txt" "$@"; }
fi

# load: the 1-minute load average; on a small machine other work skews the figures.
load() {
	cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?"
}

# export_fig FORMAT DB N: times `hark export` of the whole history (jsonl or
# mbox) into a file; appends a row of the export table. Rates count every
# message of the history, also for mbox, which writes only the email.
export_fig() {
	rm -f "$tmp/rss.txt" "$tmp/export.out"
	t0=$(now_ns)
	if HARK_DB="$2" rss_wrap "$HARK_BIN" export --quiet --format "$1" \
	    -o "$tmp/export.out"; then est=0; else est=$?; fi
	t1=$(now_ns)
	erss=$(awk -F': *' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' \
	    "$tmp/rss.txt" 2>/dev/null)
	ecpu=$(awk -F': *' '/User time|System time/ { s += $2; k++ } END { if (k) printf "%.1f", s }' \
	    "$tmp/rss.txt" 2>/dev/null)
	esecs=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 1e9 }')
	erate=$(awk -v n="$3" -v d=$((t1 - t0)) 'BEGIN { printf "%.0f", (d > 0 ? n * 1e9 / d : 0) }')
	emib=$(awk -v b="$(wc -c <"$tmp/export.out" 2>/dev/null || echo 0)" \
	    'BEGIN { printf "%.0f", b / 1048576 }')
	echo "export $1: exit $est in $esecs s (cpu ${ecpu:--} s), $erate messages/s," \
	    "peak RSS ${erss:--} MiB, load $(load)" >&2
	printf '%9s %6s %9s %7s %7s %8s %8s %5s\n' "$3" "$1" "$erate" "$esecs" \
	    "${ecpu:--}" "$emib" "${erss:--}" "$est" >>"$tmp/export_rows.txt"
	rm -f "$tmp/export.out"
}

# one_size N: generates, imports and measures N messages; appends a table row.
one_size() {
	n=$1
	db="$tmp/hark.db"
	rm -f "$db" "$db-wal" "$db-shm" "$tmp/bench.txt" "$tmp/rss.txt"
	echo "== $n messages" >&2
	t0=$(now_ns)
	"$BENCH_DIR/corpus" "$n" --seed "$SEED" >"$tmp/corpus.jsonl"
	t1=$(now_ns)
	echo "corpus: $(wc -c <"$tmp/corpus.jsonl") bytes in" \
	    "$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 1e9 }') s" >&2

	t0=$(now_ns)
	if HARK_DB="$db" rss_wrap "$HARK_BIN" import --quiet --json "$tmp/corpus.jsonl" \
	    >"$tmp/import.json"; then st=0; else st=$?; fi
	t1=$(now_ns)
	imported=$(tr -d ' \t\n' <"$tmp/import.json" |
	    sed -n 's/.*"imported":\([0-9]*\).*/\1/p')
	rate=$(awk -v n="${imported:-0}" -v d=$((t1 - t0)) \
	    'BEGIN { printf "%.0f", (d > 0 ? n * 1e9 / d : 0) }')
	secs=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 1e9 }')
	echo "import: exit $st in $secs s, $rate messages/s, load $(load)," \
	    "$(tr -d ' \t\n' <"$tmp/import.json")" >&2
	rss=$(awk -F': *' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' \
	    "$tmp/rss.txt" 2>/dev/null)
	bytes=0
	for f in "$db" "$db-wal"; do
		if [ -f "$f" ]; then bytes=$((bytes + $(wc -c <"$f"))); fi
	done
	mib=$(awk -v b=$bytes 'BEGIN { printf "%.1f", b / 1048576 }')

	if [ "$st" -eq 0 ] || [ "$st" -eq 3 ]; then
		"$BENCH_DIR/store_bench" "$db" --runs "$RUNS" --budget-ms "$BUDGET_MS" \
		    --seed "$SEED" >"$tmp/bench.txt" || echo "store_bench failed" >&2
		# The full report (hark report over the whole history, by month).
		"$BENCH_DIR/report_bench" "$db" --runs 5 >>"$tmp/bench.txt" ||
		    echo "report_bench failed" >&2
		printf '%9s %13s %13s %13s %9s\n' "$n" "$(fig report_full_p50)" \
		    "$(fig report_cpu_p50)" "$(fig report_scan_cpu_p50)" \
		    "$(fig report_peak_kb)" >>"$tmp/report_rows.txt"
	else
		: >"$tmp/bench.txt"
	fi
	sed 's/^/  /' "$tmp/bench.txt" >&2
	if [ "$st" -eq 0 ] || [ "$st" -eq 3 ]; then
		export_fig jsonl "$db" "$n"
		export_fig mbox "$db" "$n"
	fi
	[ -n "${sqlite:-}" ] || sqlite=$(fig sqlite)
	printf '%9s %9s %7s %8s %13s %15s %17s %13s %9s %7s %6s\n' "$n" \
	    "${rate:--}" "$secs" "$mib" "$(pair search_rare)" "$(pair search_mid)" \
	    "$(pair search_common)" "$(pair latest50)" "$(fig contacts_p50)" \
	    "${rss:--}" "$(fig search_rare_hits)" >>"$tmp/rows.txt"
}

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_start=$(load)
machine_line=$(machine)
echo "$machine_line" >&2
: >"$tmp/rows.txt"
: >"$tmp/report_rows.txt"
: >"$tmp/export_rows.txt"
for n in $SIZES; do
	one_size "$n"
done

{
	echo
	echo "hark bench $started, hark" \
	    "$(git describe --always --dirty 2>/dev/null || echo unknown), sqlite ${sqlite:-?}"
	echo "$machine_line; load average $load_start at start, $(load) at end"
	echo "search: FTS5 MATCH, newest first, LIMIT 50; latest50: newest 50 messages of a" \
	    "random contact; contacts: the whole list; times in ms as p50/p99"
	printf '%9s %9s %7s %8s %13s %15s %17s %13s %9s %7s %6s\n' messages "import/s" \
	    "import" "db MiB" "rare" "mid" "common" "latest50" "contacts" \
	    "RSS MiB" "rare n"
	printf '%9s %9s %7s %8s %13s %15s %17s %13s %9s %7s %6s\n' "" "msgs/s" "s" \
	    "" "p50/p99" "p50/p99" "p50/p99" "p50/p99" "p50" "import" "hits"
	cat "$tmp/rows.txt"
	if [ -s "$tmp/report_rows.txt" ]; then
		echo "report: hark report over the whole history by month (report_bench), ms"
		printf '%9s %13s %13s %13s %9s\n' messages "wall p50" "CPU p50" \
		    "pass CPU p50" "peak KB"
		cat "$tmp/report_rows.txt"
	fi
} | tee -a "$BENCH_DIR/results.txt"
{
	echo "export: hark export --quiet --format F -o FILE of the whole history;" \
	    "rate over every message; peak RSS by getrusage (ru_maxrss)"
	printf '%9s %6s %9s %7s %7s %8s %8s %5s\n' messages format "msgs/s" "wall s" \
	    "cpu s" "out MiB" "RSS MiB" exit
	cat "$tmp/export_rows.txt"
} | tee -a "$BENCH_DIR/results.txt"
