#!/usr/bin/env bash
# twilio-fake.sh — start and stop hark's fake Twilio REST API (tests/fakes/twilio_fake.py)
# on loopback: Twilio's official OpenAPI spec checked on every request, message and call
# lifecycles with signed callbacks, magic numbers, control endpoints under /_fake/.
# See the header of tests/fakes/twilio_fake.py and tests/fakes/README.md.
#
# Usage:  twilio-fake.sh start|stop|status|env [DIR] [PORT]
#
#   start   runs the fake with DIR for its logs (requests.jsonl, violations.jsonl,
#           webhooks.jsonl, fake.log), waits until it answers, writes DIR/env:
#             TWILIO_FAKE_URL=http://127.0.0.1:PORT  TWILIO_FAKE_ACCOUNT_SID
#             TWILIO_FAKE_AUTH_TOKEN  TWILIO_FAKE_DIR  (and TWILIO_FAKE_API_KEY/SECRET)
#           PORT 0 (the default) lets the fake pick a free port.
#   stop    stops the fake recorded in DIR/fake.pid (TERM, then KILL after 5 s).
#
# DIR defaults to $TWILIO_FAKE_DIR or /tmp/hark-twilio-fake. Settings (environment):
#   TWILIO_FAKE_PORT=0
#   TWILIO_FAKE_ACCOUNT_SID=AC00000000000000000000000000000000
#   TWILIO_FAKE_AUTH_TOKEN=test-auth-token
#   TWILIO_FAKE_API_KEY / TWILIO_FAKE_API_SECRET   an SK... key also accepted
#   TWILIO_FAKE_ARGS   more arguments, e.g. "--self-check --speed 0.01 --inbound-url URL"
#   TWILIO_SPEC        the full official spec instead of the vendored subset
#   PYTHON=python3     any Python 3 (standard library only)
#
# Example:
#   tests/peers/twilio-fake.sh start /tmp/tw && . /tmp/tw/env
#   curl -u "$TWILIO_FAKE_ACCOUNT_SID:$TWILIO_FAKE_AUTH_TOKEN" \
#     "$TWILIO_FAKE_URL/2010-04-01/Accounts/$TWILIO_FAKE_ACCOUNT_SID/Messages.json" \
#     --data-urlencode To=+15558675310 --data-urlencode From=+15017122661 --data-urlencode Body=hi
#   tests/peers/twilio-fake.sh stop /tmp/tw
set -euo pipefail

HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
FAKE="$HERE/../fakes/twilio_fake.py"
PYTHON=${PYTHON:-python3}
ACCOUNT=${TWILIO_FAKE_ACCOUNT_SID:-AC00000000000000000000000000000000}
TOKEN=${TWILIO_FAKE_AUTH_TOKEN:-test-auth-token}

die() { echo "twilio-fake: $*" >&2; exit 1; }

cmd=${1:-}
DIR=${2:-${TWILIO_FAKE_DIR:-/tmp/hark-twilio-fake}}
PORT=${3:-${TWILIO_FAKE_PORT:-0}}
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
PIDFILE="$DIR/fake.pid"

pid_alive() { # the recorded pid is a running twilio_fake.py
  local pid
  [ -s "$PIDFILE" ] || return 1
  pid=$(head -n1 "$PIDFILE")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "twilio_fake.py" || return 1
  running "$pid"
}

running() { # PID exists and is not a zombie
  local st
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}

answers() { # PORT
  curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/_fake/state"
}

do_start() {
  [ -f "$FAKE" ] || die "missing $FAKE"
  command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON)"
  command -v curl >/dev/null || die "curl not found"
  [[ "$PORT" =~ ^[0-9]+$ ]] || die "bad port: $PORT"
  mkdir -p "$DIR"
  pid_alive && die "already running (pid $(cat "$PIDFILE")); run: $0 stop $DIR"
  if [ "$PORT" != 0 ] && (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    die "127.0.0.1:$PORT is already in use"
  fi
  rm -f "$DIR/port" "$DIR/env"
  local key_args=() t0 i port=""
  if [ -n "${TWILIO_FAKE_API_KEY:-}" ]; then
    key_args=(--api-key "$TWILIO_FAKE_API_KEY" --api-secret "${TWILIO_FAKE_API_SECRET:-}")
  fi
  t0=$(date +%s%N)
  # shellcheck disable=SC2086  # TWILIO_FAKE_ARGS is a list of words
  setsid "$PYTHON" "$FAKE" --dir "$DIR" --port "$PORT" --account-sid "$ACCOUNT" \
    --auth-token "$TOKEN" "${key_args[@]}" ${TWILIO_FAKE_ARGS:-} \
    </dev/null >"$DIR/fake.log" 2>&1 &
  echo $! >"$PIDFILE"
  for ((i = 0; i < 600; i++)); do   # up to 30 s; ~0.3-1 s usually
    if [ -s "$DIR/port" ]; then
      port=$(head -n1 "$DIR/port")
      answers "$port" && break
    fi
    running "$(cat "$PIDFILE")" || { tail -n 20 "$DIR/fake.log" >&2; rm -f "$PIDFILE"; die "the fake exited"; }
    sleep 0.05
  done
  if [ -z "$port" ] || ! answers "$port"; then
    tail -n 20 "$DIR/fake.log" >&2
    do_stop >/dev/null
    die "the fake did not answer within 30 s"
  fi
  {
    echo "export TWILIO_FAKE_URL='http://127.0.0.1:$port'"
    echo "export TWILIO_FAKE_ACCOUNT_SID='$ACCOUNT'"
    echo "export TWILIO_FAKE_AUTH_TOKEN='$TOKEN'"
    echo "export TWILIO_FAKE_DIR='$DIR'"
    if [ -n "${TWILIO_FAKE_API_KEY:-}" ]; then
      echo "export TWILIO_FAKE_API_KEY='$TWILIO_FAKE_API_KEY'"
      echo "export TWILIO_FAKE_API_SECRET='${TWILIO_FAKE_API_SECRET:-}'"
    fi
  } >"$DIR/env"
  echo "twilio-fake: ready in $((($(date +%s%N) - t0) / 1000000)) ms: http://127.0.0.1:$port (pid $(cat "$PIDFILE"))"
  echo "  logs $DIR/{requests,violations,webhooks}.jsonl   exports: . $DIR/env"
}

do_stop() {
  local pid i
  if ! pid_alive; then rm -f "$PIDFILE"; return 0; fi
  pid=$(cat "$PIDFILE")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do running "$pid" || break; sleep 0.05; done
  if running "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$PIDFILE"
  echo "twilio-fake: stopped (pid $pid)"
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  status) if pid_alive; then echo "twilio-fake running (pid $(cat "$PIDFILE"))"; else echo "twilio-fake not running"; exit 1; fi ;;
  env) [ -f "$DIR/env" ] || die "no $DIR/env: not started"; cat "$DIR/env" ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2 ;;
esac
