#!/bin/sh
# tui.sh — `make bench`, the screen's part: how long hark takes from launch
# to its first full screen, and how much memory it holds, on a history of
# 100k and 1M messages; the same for neomutt opening the same 100k messages
# from a Maildir with its header cache, in the same run, on the same machine.
# Prints a table and appends it to $BENCH_DIR/results.txt. Figures, not
# pass/fail: what cannot be measured is reported as "-" and the run goes on.
#
# How it measures. Every program runs in a private tmux server at 120x40,
# TERM=tmux-256color, LANG=C.UTF-8, started by a small loop inside the pane
# that reads the clock (date +%s%N) just before it starts the program and
# just after it exits. hark exits right after its first full screen with
# HARK_EXIT_AFTER_PAINT=1; neomutt is given `-e 'push <quit>'`, which it runs
# once the index is drawn. The first run of each series is a warm-up that is
# not counted: its terminal output is recorded (tmux pipe-pane) and must hold
# the screen's text, so a program that quits before painting is caught. Then
# RUNS timed runs (p50, p90, min of wall time), a few under perf stat for CPU
# time (task-clock: on a shared 2-core machine elapsed time alone misleads),
# and a few under GNU time (or build/bench/rusage) for peak RSS. Files are in
# the page cache: this is the "open it again" case a user meets every day.
#
# The databases are built with the real `hark import` from corpus.c's history
# (10,000 contacts) and kept in $TUI_CACHE (default $BENCH_DIR/cache): the
# 1M import takes a minute or more, so a database is rebuilt only when its
# key changes (size, seed, contacts, corpus.c, the schema version, the thread
# fill below). Each run works on a copy, since opening hark may write to it.
#
# The busiest contact of the corpus has only a few hundred messages. To
# measure a long thread, the busiest one is topped up to $TUI_THREAD (10,000)
# messages dated just after the corpus ends, so it is also the most recent
# contact: first in the list, its thread drawn by the first paint. The 10k
# thread is then opened in a live hark, scrolled (G, g, G, PageUp...), left
# for 5 s, and its peak resident memory (VmHWM) read from /proc.
#
# Environment: HARK_BIN and BENCH_DIR (set by make); TUI_SIZES ("100000
# 1000000"), BENCH_SEED (1), TUI_RUNS (15), TUI_CPU_RUNS (5), TUI_RSS_RUNS
# (3), TUI_MUTT_MESSAGES (100000), TUI_MUTT_RUNS (5), TUI_THREAD (10000),
# TUI_CACHE, TUI_NO_MUTT=1 to skip neomutt, TUI_KEEP=1 to keep the work dir.
set -eu

: "${HARK_BIN:?set HARK_BIN to the hark binary}"
: "${BENCH_DIR:?set BENCH_DIR to the directory of the bench programs}"
SIZES=${TUI_SIZES:-"100000 1000000"}
SEED=${BENCH_SEED:-1}
CONTACTS=10000
RUNS=${TUI_RUNS:-15}
CPU_RUNS=${TUI_CPU_RUNS:-5}
RSS_RUNS=${TUI_RSS_RUNS:-3}
MUTT_N=${TUI_MUTT_MESSAGES:-100000}
MUTT_RUNS=${TUI_MUTT_RUNS:-5}
THREAD=${TUI_THREAD:-10000}
CACHE=${TUI_CACHE:-$BENCH_DIR/cache}
COLS=120
ROWS=40
# The key of a cached database changes with this when the fill below does.
FILL_VERSION=1
# The text of the long thread's newest message: on screen means painted.
MARK="#Q7731"

here=$(cd "$(dirname "$0")" && pwd)
HARK_BIN=$(cd "$(dirname "$HARK_BIN")" && pwd)/$(basename "$HARK_BIN")
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hark-tui-bench.XXXXXX")
SOCK="$tmp/tmux.sock"
cleanup() {
	tmux -S "$SOCK" kill-server 2>/dev/null || true
	if [ "${TUI_KEEP:-0}" = 1 ]; then
		echo "kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# The user's configuration and data stay out of it.
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/xdg-config" XDG_DATA_HOME="$tmp/data" \
    XDG_STATE_HOME="$tmp/state" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset HARK_DB HARK_EXIT_AFTER_PAINT TMUX 2>/dev/null || true

# A copy of the binary, so a rebuild in the work tree during the run cannot
# fail a launch; hark finds its keymaps and themes next to it (../keymaps).
src_tree=$(cd "$(dirname "$HARK_BIN")/.." && pwd)
mkdir -p "$tmp/bin"
cp "$HARK_BIN" "$tmp/bin/hark"
HARK_BIN="$tmp/bin/hark"
for d in keymaps themes; do
	[ ! -d "$src_tree/$d" ] || ln -s "$src_tree/$d" "$tmp/$d"
done

say() { echo "$*" >&2; }

load() {
	cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?"
}

machine() {
	cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
	mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
	echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, ${mem:-unknown memory}," \
	    "$(uname -sr)"
}

# need CMD PACKAGE: whether CMD is there, installing PACKAGE (Debian) if not.
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
		say "installing $2 for $1"
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$2" \
		    >"$tmp/apt.log" 2>&1 || true
	fi
	command -v "$1" >/dev/null 2>&1
}

need tmux tmux || { say "tui bench: tmux is missing and could not be installed"; exit 1; }
need sqlite3 sqlite3 || { say "tui bench: sqlite3 is missing and could not be installed"; exit 1; }

# Peak RSS: GNU time when present, else the bench's own wait4 wrapper.
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o "$tmp/t" true 2>/dev/null; then
	RSS_TOOL="/usr/bin/time -f %M -o"
elif [ -x "$BENCH_DIR/rusage" ]; then
	RSS_TOOL="$BENCH_DIR/rusage"
else
	RSS_TOOL=
fi
# CPU time of one run: perf stat's task-clock.
if command -v perf >/dev/null 2>&1 &&
    perf stat -x, -e task-clock -o "$tmp/p" -- true >/dev/null 2>&1; then
	HAVE_PERF=1
else
	HAVE_PERF=0
fi

cat >"$tmp/config" <<'EOF'
[account sandbox]
provider = sandbox
from_phone = +14155550100
EOF
chmod 600 "$tmp/config"

# The loop that runs inside a tmux pane: MODE time|cpu|rss, RUNS runs of CMD,
# one line per run appended to OUT, then OUT.done.
cat >"$tmp/series.sh" <<'EOF'
out=$1 runs=$2 mode=$3 rss_tool=$4
shift 4
export TERM=tmux-256color LANG=C.UTF-8 HARK_EXIT_AFTER_PAINT=1
unset LC_ALL
i=0
while [ "$i" -lt "$runs" ]; do
	case $mode in
	time)
		a=$(date +%s%N)
		"$@"
		rc=$?
		b=$(date +%s%N)
		echo "$(( (b - a) / 1000 )) $rc" >>"$out"
		;;
	cpu)
		perf stat -x, -e task-clock -o "$out.perf" -- "$@"
		rc=$?
		awk -F, -v rc=$rc '$3 == "task-clock" { print $1 * 1000, rc }' "$out.perf" >>"$out"
		;;
	rss)
		$rss_tool "$out.rss" "$@"
		rc=$?
		awk -v rc=$rc 'NF { v = $NF } END { print v, rc }' "$out.rss" >>"$out"
		;;
	esac
	i=$((i + 1))
done
echo done >"$out.done"
EOF

NSESS=0
# series OUT RUNS MODE TIMEOUT LOG CMD...: runs series.sh in a fresh tmux
# session of COLS x ROWS; LOG, unless empty, records the terminal output.
# Returns non-zero when it did not finish within TIMEOUT seconds.
series() {
	s_out=$1 s_runs=$2 s_mode=$3 s_limit=$4 s_log=$5
	shift 5
	NSESS=$((NSESS + 1))
	s="s$NSESS"
	go="$tmp/go.$s"
	rm -f "$s_out" "$s_out.done"
	line="while [ ! -e $go ]; do sleep 0.02; done; exec sh $tmp/series.sh"
	for a in "$s_out" "$s_runs" "$s_mode" "${RSS_TOOL:-true}" "$@"; do
		line="$line '$a'"
	done
	tmux -S "$SOCK" -f /dev/null new-session -d -s "$s" -x "$COLS" -y "$ROWS" "$line"
	if [ -n "$s_log" ]; then
		tmux -S "$SOCK" pipe-pane -t "$s" -o "cat >>'$s_log'"
	fi
	touch "$go"
	end=$(( $(date +%s) + s_limit ))
	while [ ! -e "$s_out.done" ]; do
		if [ "$(date +%s)" -ge "$end" ]; then
			say "series $s_mode: no end after $s_limit s"
			tmux -S "$SOCK" kill-session -t "$s" 2>/dev/null || true
			return 1
		fi
		sleep 0.1
	done
	# the pane's shell has exited or is about to; let tmux close it
	sleep 0.1
	tmux -S "$SOCK" kill-session -t "$s" 2>/dev/null || true
	return 0
}

# stats FILE: "p50 p90 min" in ms of the first column (µs) of runs that
# exited 0; "- - -" when none did.
stats() {
	awk '$2 == 0 { print $1 }' "$1" 2>/dev/null | sort -n | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "- - -"; exit }
			p50 = int((NR + 1) / 2); p90 = int((NR * 9 + 9) / 10)
			if (p90 > NR) p90 = NR
			printf "%.1f %.1f %.1f\n", v[p50] / 1000, v[p90] / 1000, v[1] / 1000
		}'
}

# fails FILE: how many runs exited non-zero.
fails() {
	awk '$2 != 0 { n++ } END { print n + 0 }' "$1" 2>/dev/null || echo "?"
}

# peak_mib FILE: the largest peak RSS (kB) of the runs, in MiB.
peak_mib() {
	awk '$1 ~ /^[0-9]+$/ && $1 > m { m = $1 } END { if (m) printf "%.1f\n", m / 1024; else print "-" }' \
	    "$1" 2>/dev/null || echo "-"
}

sha() {
	cat "$@" | sha256sum | cut -c1-16
}

schema_version() {
	rm -f "$tmp/v.db"
	: >"$tmp/empty.jsonl"
	HARK_DB="$tmp/v.db" "$HARK_BIN" import --quiet "$tmp/empty.jsonl" >/dev/null 2>&1 || true
	sqlite3 "$tmp/v.db" 'PRAGMA user_version' 2>/dev/null || echo "?"
	rm -f "$tmp/v.db" "$tmp/v.db-wal" "$tmp/v.db-shm"
}

# fill_thread DB N: tops the busiest contact up to N messages, newest of all.
fill_thread() {
	db=$1 want=$2
	row=$(sqlite3 -separator ' ' "$db" "
	    SELECT m.contact_id, m.n,
	      (SELECT address FROM identities WHERE contact_id = m.contact_id AND kind = 'phone'
	       ORDER BY id LIMIT 1),
	      (SELECT max(created_at) FROM messages)
	    FROM (SELECT contact_id, count(*) AS n FROM messages GROUP BY contact_id
	          ORDER BY n DESC, contact_id LIMIT 1) AS m")
	# shellcheck disable=SC2086 # four words, split on purpose
	set -- $row
	id=$1 have=$2 phone=$3 newest=$4
	[ "$have" -lt "$want" ] || return 0
	# one message every 4 minutes after the newest, a third of them ours
	awk -v n=$((want - have)) -v phone="$phone" -v t0="$newest" -v id="$id" \
	    -v mark="$MARK" 'BEGIN {
		split("Can you confirm the delivery window for tomorrow?|" \
		    "Sure, the invoice is attached. Let me know if anything is off.|" \
		    "Running 10 minutes late, sorry!|" \
		    "Thanks, got it.|" \
		    "Could we move the appointment to Friday afternoon? The morning " \
		    "does not work for the team any more and I would rather not rush it.|" \
		    "Payment sent.|" \
		    "Is the new model in stock, and what colours does it come in?", w, "|")
		for (i = 1; i <= n; i++) {
			dir = (i % 3 == 0) ? "out" : "in"
			body = w[(i * 5) % 7 + 1]
			if (i % 5 == 0) body = w[(i % 7) + 1] " " w[((i + 3) % 7) + 1]
			if (i == n) body = "See you at the shop tomorrow, ref " mark "."
			printf "{\"channel\":\"sms\",\"address\":\"%s\",\"direction\":\"%s\"," \
			    "\"timestamp\":%.0f,\"body\":\"%s\",\"provider\":\"twilio\"," \
			    "\"provider_id\":\"SMfill%d-%d\"}\n", phone, dir, t0 + i * 240000,
			    body, id, i
		}
	}' >"$tmp/fill.jsonl"
	HARK_DB="$db" "$HARK_BIN" import --quiet "$tmp/fill.jsonl" >/dev/null
}

# lock_cache / unlock_cache: one run at a time builds what goes in $CACHE.
lock_cache() {
	exec 9>"$CACHE/.lock"
	flock 9 2>/dev/null || true
}
unlock_cache() {
	exec 9>&-
}

# database N: prints the path of a cached database of N corpus messages
# (built when missing or stale) and sets BUSY_NAME, BUSY_COUNT, THREAD_OLDEST.
database() {
	n=$1
	base="$CACHE/hark-$n-s$SEED"
	key="n=$n seed=$SEED contacts=$CONTACTS thread=$THREAD fill=$FILL_VERSION"
	key="$key corpus=$(sha "$here/corpus.c" "$here/bench.h") schema=$SCHEMA"
	if [ ! -f "$base.db" ] || [ "$(cat "$base.key" 2>/dev/null)" != "$key" ]; then
		say "building the $n-message database (hark import; a 1M history takes a minute or more)"
		rm -f "$base.db" "$base.db-wal" "$base.db-shm" "$base.key" "$base.new.db" \
		    "$base.new.db-wal" "$base.new.db-shm"
		t0=$(date +%s)
		"$BENCH_DIR/corpus" "$n" --contacts "$CONTACTS" --seed "$SEED" >"$tmp/corpus.jsonl"
		st=0
		HARK_DB="$base.new.db" "$HARK_BIN" import --quiet "$tmp/corpus.jsonl" >/dev/null || st=$?
		rm -f "$tmp/corpus.jsonl"
		if [ "$st" -ne 0 ] && [ "$st" -ne 3 ]; then
			say "import of $n messages failed (exit $st)"
			return 1
		fi
		fill_thread "$base.new.db" "$THREAD"
		sqlite3 "$base.new.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
		mv "$base.new.db" "$base.db"
		rm -f "$base.new.db-wal" "$base.new.db-shm"
		echo "$key" >"$base.key"
		say "built in $(( $(date +%s) - t0 )) s"
	fi
	DB_PATH="$base.db"
}

# thread_info DB: the busiest (= newest) contact's name, message count and
# the day of its oldest message as the thread's separator prints it.
thread_info() {
	row=$(sqlite3 -separator '|' "$1" "
	    SELECT c.name, m.n, m.t FROM contacts c JOIN
	      (SELECT contact_id, count(*) AS n, min(created_at) / 1000 AS t FROM messages
	       GROUP BY contact_id ORDER BY n DESC, contact_id LIMIT 1) m ON c.id = m.contact_id")
	BUSY_NAME=${row%%|*}
	row=${row#*|}
	BUSY_COUNT=${row%%|*}
	# hark prints days in local time, as date does
	THREAD_OLDEST=$(LC_ALL=C date -d "@${row#*|}" '+%a %-d %b %Y' 2>/dev/null || echo "?")
}

# first_paint LABEL N CHECK... CMD...: the warm-up (its output must hold
# every CHECK string), RUNS timed runs, CPU and RSS runs; one table row.
# CHECK strings come first, then "--", then the command.
ROWS_FILE="$tmp/rows.txt"
: >"$ROWS_FILE"
row() {
	printf '%-40s %8s %8s %8s %8s %8s %8s  %s\n' "$@" >>"$ROWS_FILE"
}

first_paint() {
	label=$1 n=$2 runs=$3 limit=$4
	shift 4
	checks=
	while [ "$1" != "--" ]; do
		checks="$checks$1
"
		shift
	done
	shift
	log="$tmp/warmup.log"
	rm -f "$log"
	note=
	if series "$tmp/warm" 1 time "$limit" "$log" "$@"; then
		warm_ms=$(awk '{ printf "%.0f", $1 / 1000 }' "$tmp/warm")
		say "$label: warm-up run $warm_ms ms, exit $(awk '{ print $2 }' "$tmp/warm")"
		printf '%s' "$checks" | while IFS= read -r c; do
			[ -n "$c" ] || continue
			if ! grep -aqF -- "$c" "$log"; then
				say "$label: the warm-up's screen lacks '$c'"
				echo x >>"$tmp/nocheck"
			fi
		done
	else
		warm_ms=-
	fi
	if [ -s "$tmp/nocheck" ]; then
		note="screen not checked"
		rm -f "$tmp/nocheck"
	fi
	series "$tmp/times" "$runs" time "$limit" "" "$@" || true
	if [ "$HAVE_PERF" = 1 ]; then
		series "$tmp/cpu" "$CPU_RUNS" cpu "$limit" "" "$@" || true
		cpu=$(stats "$tmp/cpu" | cut -d' ' -f1)
	else
		cpu=-
	fi
	if [ -n "$RSS_TOOL" ]; then
		series "$tmp/rss" "$RSS_RUNS" rss "$limit" "" "$@" || true
		rss=$(peak_mib "$tmp/rss")
	else
		rss=-
	fi
	# shellcheck disable=SC2046 # three numbers
	set -- $(stats "$tmp/times")
	f=$(fails "$tmp/times")
	[ "$f" = 0 ] || note="${note:+$note; }$f of $runs runs failed"
	say "$label: p50 $1 ms, p90 $2 ms, min $3 ms, cpu $cpu ms, peak RSS $rss MiB" \
	    "(load $(load))"
	row "$label" "$n" "$1" "$2" "$3" "$cpu" "$rss" "load $(load)${note:+; $note}"
	LAST_P50=$1 LAST_RSS=$rss
}

# scroll DB: opens the busiest contact's thread in a live hark, scrolls it
# end to end, waits 5 s and reads the peak and current resident memory.
scroll() {
	db=$1 n=$2
	s=scroll
	tmux -S "$SOCK" -f /dev/null new-session -d -s "$s" -x "$COLS" -y "$ROWS" \
	    "exec env TERM=tmux-256color LANG=C.UTF-8 '$HARK_BIN' --db '$db' --config '$tmp/config'"
	pid=$(tmux -S "$SOCK" display-message -p -t "$s" '#{pane_pid}')
	screen() { tmux -S "$SOCK" capture-pane -p -t "$s" 2>/dev/null; }
	# until TEXT is on screen, at most SECS; prints the ms it took
	wait_for() {
		t0=$(date +%s%N)
		end=$((t0 + $2 * 1000000000))
		while ! screen | grep -qF -- "$1"; do
			if [ "$(date +%s%N)" -ge "$end" ]; then
				say "scroll: '$1' not on screen after $2 s"
				return 1
			fi
			sleep 0.01
		done
		echo $(( ($(date +%s%N) - t0) / 1000000 ))
	}
	keys() { tmux -S "$SOCK" send-keys -t "$s" "$@"; }
	note=
	g_ms=-
	if wait_for "$MARK" 30 >/dev/null; then
		keys Enter
		sleep 0.3
		keys G
		sleep 0.3
		keys g
		g_ms=$(wait_for "$THREAD_OLDEST" 30) || { g_ms=-; note="g did not reach $THREAD_OLDEST"; }
		keys G
		wait_for "$MARK" 30 >/dev/null || note="${note:+$note; }G did not come back"
		i=0
		while [ $i -lt 40 ]; do
			keys PageUp
			sleep 0.05
			i=$((i + 1))
		done
		keys g
		sleep 0.3
		keys G
		sleep 5
	else
		note="hark did not paint"
	fi
	hwm=$(awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || echo -)
	now=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || echo -)
	[ -n "$hwm" ] || { hwm=-; note="${note:+$note; }hark was gone"; }
	tmux -S "$SOCK" kill-session -t "$s" 2>/dev/null || true
	say "scroll: $BUSY_COUNT-message thread of $BUSY_NAME; g took $g_ms ms;" \
	    "VmHWM $hwm MiB, VmRSS $now MiB after 5 s"
	row "hark $BUSY_COUNT-msg thread: g ms" "$n" "$g_ms" - - - "$hwm" \
	    "VmHWM after G/g/PageUp + 5 s; VmRSS $now MiB${note:+; $note}"
	SCROLL_RSS=$hwm
}

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_start=$(load)
machine_line=$(machine)
say "$machine_line; load average $load_start"
SCHEMA=$(schema_version)

# What the clock loop itself costs: sh, date and an exec of true.
series "$tmp/base" 5 time 30 "" /bin/true || true
overhead=$(stats "$tmp/base" | cut -d' ' -f1)

# The floor: the same screen over an empty history (what no query costs).
HARK_DB="$tmp/empty.db" "$HARK_BIN" import --quiet "$tmp/empty.jsonl" >/dev/null
first_paint "hark first paint, empty history" 0 "$RUNS" 120 "contacts" -- \
    "$HARK_BIN" --db "$tmp/empty.db" --config "$tmp/config"

hark_p50=- hark_rss=- hark100_p50=- hark100_rss=- SCROLL_RSS=- big=
for n in $SIZES; do
	lock_cache
	if ! database "$n"; then
		unlock_cache
		row "hark first paint" "$n" - - - - - "database not built"
		continue
	fi
	cp "$DB_PATH" "$tmp/hark.db"
	unlock_cache
	rm -f "$tmp/hark.db-wal" "$tmp/hark.db-shm"
	thread_info "$tmp/hark.db"
	first_paint "hark first paint" "$n" "$RUNS" 120 "${BUSY_NAME%% *}" "$MARK" -- \
	    "$HARK_BIN" --db "$tmp/hark.db" --config "$tmp/config"
	if [ "$n" = "$MUTT_N" ]; then
		hark100_p50=$LAST_P50 hark100_rss=$LAST_RSS
	fi
	hark_p50=$LAST_P50 hark_rss=$LAST_RSS big=$n
	scroll "$tmp/hark.db" "$n"
	rm -f "$tmp/hark.db" "$tmp/hark.db-wal" "$tmp/hark.db-shm"
done

# neomutt on the same history as a Maildir, header cache in a fresh directory:
# the warm-up run fills it (reported as the cold open), the timed runs use it.
mutt_p50=- mutt_rss=- mutt_cold=-
if [ "${TUI_NO_MUTT:-0}" = 1 ]; then
	say "neomutt: skipped (TUI_NO_MUTT=1)"
elif ! need neomutt neomutt; then
	say "neomutt: not installed and could not be installed; comparison skipped"
	row "neomutt" "$MUTT_N" - - - - - "not installed: skipped"
elif [ ! -x "$BENCH_DIR/maildir" ]; then
	say "neomutt: $BENCH_DIR/maildir is missing (make it); comparison skipped"
	row "neomutt" "$MUTT_N" - - - - - "no maildir generator: skipped"
else
	md="$CACHE/maildir-$MUTT_N-s$SEED"
	key="n=$MUTT_N seed=$SEED contacts=$CONTACTS corpus=$(sha "$here/corpus.c" \
	    "$here/bench.h") maildir=$(sha "$here/maildir.c")"
	lock_cache
	if [ ! -d "$md" ] || [ "$(cat "$md.key" 2>/dev/null)" != "$key" ]; then
		say "writing the $MUTT_N-message Maildir"
		rm -rf "$md" "$md.new" "$md.key"
		"$BENCH_DIR/corpus" "$MUTT_N" --contacts "$CONTACTS" --seed "$SEED" |
		    "$BENCH_DIR/maildir" "$md.new" >/dev/null
		mv "$md.new" "$md"
		echo "$key" >"$md.key"
	fi
	unlock_cache
	mkdir -p "$tmp/hcache"
	cat >"$tmp/neomuttrc" <<EOF
set folder="$CACHE"
set spoolfile="$md"
set mbox_type=Maildir
set header_cache="$tmp/hcache/"
set sort=date
set quit=yes
set move=no
set mark_old=no
set record=""
set postponed="$tmp/postponed"
set wait_key=no
EOF
	mutt="neomutt $(neomutt -v 2>/dev/null | awk 'NR == 1 { print $2 }')"
	first_paint "$mutt, warm hcache" "$MUTT_N" "$MUTT_RUNS" 900 "Msgs:$MUTT_N" -- \
	    neomutt -n -F "$tmp/neomuttrc" -f "$md" -e 'push <quit>'
	mutt_p50=$LAST_P50 mutt_rss=$LAST_RSS mutt_cold=$warm_ms
	row "$mutt, cold hcache (warm-up)" "$MUTT_N" "$mutt_cold" - - - - \
	    "the run that filled the header cache"
fi

# ratio A B: A / B to three significant figures, "-" when either is missing.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "-" || b == "-" || b + 0 == 0) { print "-"; exit }
		printf "%.3g\n", a / b }'
}

{
	echo
	echo "hark tui bench $started, hark" \
	    "$(git -C "$here" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "$machine_line; load average $load_start at start, $(load) at end"
	echo "first paint: launch to first full screen, ${COLS}x$ROWS tmux, TERM=tmux-256color;" \
	    "wall p50/p90/min over $RUNS runs (neomutt $MUTT_RUNS), cpu = task-clock p50 of" \
	    "$CPU_RUNS, RSS = peak of $RSS_RUNS; files in page cache; clock loop alone" \
	    "${overhead:--} ms"
	printf '%-40s %8s %8s %8s %8s %8s %8s  %s\n' "" messages "p50 ms" "p90 ms" \
	    "min ms" "cpu ms" "RSS MiB" ""
	cat "$ROWS_FILE"
	echo "hark ${big:-?} vs neomutt $MUTT_N: time x$(ratio "$hark_p50" "$mutt_p50")," \
	    "RSS x$(ratio "$hark_rss" "$mutt_rss"); hark $MUTT_N vs neomutt $MUTT_N: time" \
	    "x$(ratio "$hark100_p50" "$mutt_p50"), RSS x$(ratio "$hark100_rss" "$mutt_rss")"
	echo "hark goals: first paint <= 100 ms, RSS < 30 MB; first paint ${hark_p50} ms," \
	    "peak RSS $hark_rss MiB (first paint), $SCROLL_RSS MiB (10k thread scrolled)"
} | tee -a "$BENCH_DIR/results.txt"
