#!/bin/sh
# relay.sh — `make bench`, the webhook relay's part: how many signed Twilio
# inbound webhooks a second `hark relay` takes on loopback, each answered
# only after its message is committed, next to nginx answering `return 204`
# with the same load on the same machine. Prints a table and appends it to
# $BENCH_DIR/results.txt. Figures, not pass/fail — except durability: the
# messages stored afterwards must number at least the 2xx answers (a 2xx
# without its message would be a lost webhook), and the run says so.
#
# How it measures. RELAY_N request bodies are signed beforehand (python3,
# HMAC-SHA1 over public_url + /twilio/message + the sorted parameters, as
# Twilio does), each a new MessageSid from one of 1,000 senders, so every
# request is a message to insert, a contact to find, a journal event to
# append. wrk (-t2 -c50 -d10s by default) posts them through relay.lua. The
# relay starts on an empty database (WAL, synchronous=NORMAL, as hark always
# opens it). Then nginx (one worker per core, access log off) answers
# `return 204;` to the same requests: the ceiling of an HTTP server on this
# machine with this client. wrk and the server share the cores, as they
# would share a small VPS.
#
# Environment: HARK_BIN and BENCH_DIR (set by make); RELAY_THREADS (2),
# RELAY_CONNS (50), RELAY_SECS (10), RELAY_N (400000 bodies; if wrk needs
# more, it reuses them and the report says so), RELAY_KEEP=1 to keep the
# work directory, RELAY_PERF=1 to record a perf profile of the relay.
set -eu

: "${HARK_BIN:?set HARK_BIN to the hark binary}"
: "${BENCH_DIR:?set BENCH_DIR to the directory of the bench programs}"
THREADS=${RELAY_THREADS:-2}
CONNS=${RELAY_CONNS:-50}
SECS=${RELAY_SECS:-10}
N=${RELAY_N:-400000}
PUBLIC=https://hooks.example.test
TOKEN=bench-auth-token-0123456789abcdef

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hark-relay-bench.XXXXXX")
RELAY_PID=
NGINX_UP=0
cleanup() {
	[ -z "$RELAY_PID" ] || kill -TERM "$RELAY_PID" 2>/dev/null || true
	[ "$NGINX_UP" = 0 ] || nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -s stop 2>/dev/null || true
	if [ "${RELAY_KEEP:-0}" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/xdg-config" XDG_DATA_HOME="$tmp/data" \
    XDG_STATE_HOME="$tmp/state" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME/hark" "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset HARK_DB 2>/dev/null || true

say() { echo "$*" >&2; }

# need CMD PACKAGE: whether CMD is there, installing PACKAGE (Debian, with
# sudo when not root, as contrib/install-deps.sh does) if not.
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	[ -x "/usr/sbin/$1" ] && PATH="$PATH:/usr/sbin" && return 0
	if command -v apt-get >/dev/null 2>&1; then
		SUDO=""
		[ "$(id -u)" = 0 ] || SUDO=sudo
		say "relay bench: installing $2 for $1"
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
		    --no-install-recommends "$2" >"$tmp/apt.log" 2>&1 || true
	fi
	command -v "$1" >/dev/null 2>&1 || { [ -x "/usr/sbin/$1" ] && PATH="$PATH:/usr/sbin"; }
}

need wrk wrk || { say "relay bench: wrk is missing and could not be installed"; exit 1; }
need sqlite3 sqlite3 || { say "relay bench: sqlite3 is missing"; exit 1; }
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

machine() {
	cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
	mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
	echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, ${mem:-unknown memory}, $(uname -sr)"
}

# field NAME FILE: a value of the RESULT line relay.lua prints.
field() {
	sed -n "s/.*RESULT.* $1=\([0-9]*\).*/\1/p" "$2" | tail -n 1
}

say "relay bench: signing $N webhook bodies"
$PY - "$tmp/bodies.tsv" "$N" "$TOKEN" "$PUBLIC/twilio/message" <<'PY'
import base64, hashlib, hmac, sys, urllib.parse
path, n, token, url = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode(), sys.argv[4]
with open(path, "w") as out:
    for i in range(n):
        p = {"MessageSid": "SM%032x" % i, "AccountSid": "AC" + "a" * 32,
             "From": "+1415555%04d" % (i % 1000), "To": "+14155550100",
             "Body": "Bench message %d: is the quote ready?" % i,
             "NumMedia": "0", "SmsStatus": "received"}
        s = url + "".join(k + p[k] for k in sorted(p))
        sig = base64.b64encode(hmac.new(token, s.encode(), hashlib.sha1).digest())
        out.write(sig.decode() + "\t" + urllib.parse.urlencode(p) + "\n")
PY
export RELAY_BODIES="$tmp/bodies.tsv" RELAY_THREADS="$THREADS"

cat > "$XDG_CONFIG_HOME/hark/config" <<EOF
[relay]
listen = 127.0.0.1:0
public_url = $PUBLIC

[account tw]
provider = twilio
account_sid = ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
auth_token_env = BENCH_TOKEN
from_phone = +14155550100
EOF
export HARK_DB="$tmp/relay.db" BENCH_TOKEN="$TOKEN"

# ---- hark relay ----------------------------------------------------------------------
"$HARK_BIN" relay >"$tmp/relay.out" 2>"$tmp/relay.err" &
RELAY_PID=$!
i=0
while ! grep -q 'listening on' "$tmp/relay.out" 2>/dev/null; do
	kill -0 "$RELAY_PID" 2>/dev/null || { say "relay bench: the relay exited: $(cat "$tmp/relay.err")"; exit 1; }
	i=$((i + 1)); [ $i -lt 100 ] || { say "relay bench: the relay did not start"; exit 1; }
	sleep 0.1
done
port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\),.*|\1|p' "$tmp/relay.out")
if [ "${RELAY_PERF:-0}" = 1 ] && command -v perf >/dev/null 2>&1; then
	perf record -g -p "$RELAY_PID" -o "$tmp/perf.data" >/dev/null 2>&1 &
	perf_pid=$!
fi
say "relay bench: wrk -t$THREADS -c$CONNS -d${SECS}s on hark relay"
wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" -s "$here/relay.lua" \
    "http://127.0.0.1:$port/twilio/message" >"$tmp/wrk-relay.txt" 2>&1 || true
if [ -n "${perf_pid:-}" ]; then
	kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
	perf report -i "$tmp/perf.data" --no-children --percent-limit 1.5 --stdio \
	    2>/dev/null | grep -v '^$' | head -n 60 > "$tmp/perf.txt" || true
	say "relay bench: perf profile of the relay:"; cat "$tmp/perf.txt" >&2
fi
kill -TERM "$RELAY_PID"
rrc=0; wait "$RELAY_PID" || rrc=$?
RELAY_PID=
[ $rrc -eq 0 ] || say "relay bench: the relay exited with $rrc: $(cat "$tmp/relay.err")"
grep -q RESULT "$tmp/wrk-relay.txt" || { say "relay bench: wrk failed:"; cat "$tmp/wrk-relay.txt" >&2; exit 1; }
r_req=$(field requests "$tmp/wrk-relay.txt")
r_us=$(field duration_us "$tmp/wrk-relay.txt")
r_bad=$(field non2xx "$tmp/wrk-relay.txt")
r_p50=$(field p50_us "$tmp/wrk-relay.txt")
r_p99=$(field p99_us "$tmp/wrk-relay.txt")
r_wrap=$(field wrapped "$tmp/wrk-relay.txt")
r_err=$(( $(field connect "$tmp/wrk-relay.txt") + $(field read "$tmp/wrk-relay.txt") + \
    $(field write "$tmp/wrk-relay.txt") + $(field timeout "$tmp/wrk-relay.txt") ))
r_ok=$((r_req - r_bad))
stored=$(sqlite3 "$HARK_DB" "select count(*) from messages")

# ---- nginx return 204 ------------------------------------------------------------------
n_line="nginx: not installed"
if need nginx nginx-light; then
	mkdir -p "$tmp/nginx"
	nport=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat > "$tmp/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $tmp/nginx/body;
	proxy_temp_path $tmp/nginx/proxy;
	fastcgi_temp_path $tmp/nginx/fastcgi;
	uwsgi_temp_path $tmp/nginx/uwsgi;
	scgi_temp_path $tmp/nginx/scgi;
	server {
		listen 127.0.0.1:$nport;
		location / { return 204; }
	}
}
EOF
	if nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" 2>"$tmp/nginx/start.log"; then
		NGINX_UP=1
		sleep 0.3
		say "relay bench: wrk -t$THREADS -c$CONNS -d${SECS}s on nginx return 204"
		wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" -s "$here/relay.lua" \
		    "http://127.0.0.1:$nport/twilio/message" >"$tmp/wrk-nginx.txt" 2>&1 || true
		nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -s stop 2>/dev/null || true
		NGINX_UP=0
		n_req=$(field requests "$tmp/wrk-nginx.txt")
		n_us=$(field duration_us "$tmp/wrk-nginx.txt")
		n_p50=$(field p50_us "$tmp/wrk-nginx.txt")
		n_p99=$(field p99_us "$tmp/wrk-nginx.txt")
	else
		n_line="nginx: could not start: $(cat "$tmp/nginx/start.log")"
	fi
fi

# ---- report -----------------------------------------------------------------------------
rps() { awk -v r="$1" -v us="$2" 'BEGIN { printf "%.0f", (us > 0 ? r * 1e6 / us : 0) }'; }
ms() { awk -v us="$1" 'BEGIN { printf "%.2f ms", us / 1000 }'; }
{
	echo "== hark relay: signed Twilio webhooks on loopback ($(date -u +%Y-%m-%dT%H:%MZ), $(git -C "$here" describe --always --dirty 2>/dev/null || echo '?'))"
	machine
	echo "command: wrk -t$THREADS -c$CONNS -d${SECS}s -s tests/bench/relay.lua, POST /twilio/message"
	r_rps=$(rps "$r_req" "$r_us")
	printf '%-26s %10s %12s %12s\n' "server" "requests/s" "p50" "p99"
	printf '%-26s %10s %12s %12s\n' "hark relay (commit, 2xx)" "$r_rps" "$(ms "$r_p50")" "$(ms "$r_p99")"
	if [ -n "${n_req:-}" ]; then
		n_rps=$(rps "$n_req" "$n_us")
		printf '%-26s %10s %12s %12s\n' "nginx return 204" "$n_rps" "$(ms "$n_p50")" "$(ms "$n_p99")"
		echo "ratio: hark relay does $(awk -v a="$r_rps" -v b="$n_rps" 'BEGIN { printf "%.0f%%", (b > 0 ? 100 * a / b : 0) }') of nginx's requests/s"
	else
		echo "$n_line"
	fi
	echo "relay: $r_req answers, $r_ok 2xx, $r_bad other, $r_err socket errors; $stored messages stored"
	if [ "$stored" -ge "$r_ok" ]; then
		echo "durable: every 2xx has its message ($((stored - r_ok)) more stored: committed while wrk was stopping)"
	else
		echo "NOT DURABLE: $((r_ok - stored)) answers 2xx without a stored message"
	fi
	[ "${r_wrap:-0}" = 0 ] || echo "note: wrk used up the $N bodies and reused them (duplicates are answered 200 without a new row); raise RELAY_N"
} > "$tmp/report.txt"
cat "$tmp/report.txt"
cat "$tmp/report.txt" >> "$BENCH_DIR/results.txt"
[ "$stored" -ge "$r_ok" ]
