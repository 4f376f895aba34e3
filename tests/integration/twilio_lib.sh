# twilio_lib.sh — sourced by the Twilio end-to-end tests: the fake Twilio
# REST API (tests/fakes/twilio_fake.py) and `hark relay` on loopback, wired
# as in production behind a proxy. hark's account points at the fake
# (base_url); the relay's public_url is https://hooks.example.test, which is
# also what the fake signs its callbacks over (--public-base) before it
# delivers them to the relay's real port (DeliverBase). Both are stopped by
# the EXIT trap, with any daemon the test started.
#
# Helpers: tw_setup (start both), relay_up / relay_down, fake_get / fake_post
# (control endpoints), inject (an inbound message at the fake), fake_count
# (messages or calls at the fake matching a filter), no_violations; lib.sh
# has wait_until, within, sql_is, ms_now and relay_start.
. "$TESTS/lib.sh"

needs $PY bash curl sqlite3 setsid

export HARK_DB="$HOME/hark.db"
export TW_TOKEN=e2e-auth-token-5f0c2a9b7d
export TWILIO_FAKE_ACCOUNT_SID=AC5ce0e2e00000000000000000000000e2
export TWILIO_FAKE_AUTH_TOKEN="$TW_TOKEN"
PUBLIC=https://hooks.example.test
ME=+14155550100          # from_phone and from_whatsapp
MY_PHONE=+14155550199    # rung first by click-to-call
FAKE_DIR="$HOME/fake"
PEERS="$TESTS/../peers"
SPEED=${TW_SPEED:-0.02}  # every delay of the fake (message 4 s -> 80 ms)
RELAY_PID=
DAEMON_PID=
SIDE_PID=
BG_PID=

# The EXIT trap: stops whatever the test left running (hark processes the
# test started in the background set DAEMON_PID, SIDE_PID or BG_PID), the
# relay and the fake.
tw_cleanup() {
	for pid in $DAEMON_PID $SIDE_PID $BG_PID $RELAY_PID; do
		kill -TERM "$pid" 2>/dev/null
	done
	bash "$PEERS/twilio-fake.sh" stop "$FAKE_DIR" >/dev/null 2>&1
	for pid in $DAEMON_PID $SIDE_PID $BG_PID $RELAY_PID; do
		wait "$pid" 2>/dev/null
	done
	return 0
}

fake_get() { curl -sS --max-time 10 "$TWILIO_FAKE_URL$1"; }
# fake_post PATH NAME=VALUE...: a control request; prints the answer.
fake_post() {
	fp_path=$1; shift
	fp_n=$#
	for kv do set -- "$@" --data-urlencode "$kv"; done
	shift $fp_n
	curl -sS --max-time 20 "$TWILIO_FAKE_URL$fp_path" "$@"
}

# tw_config [GENERAL-LINES [ACCOUNT-LINES]]: hark's configuration.
tw_config() {
	mkdir -p "$XDG_CONFIG_HOME/hark"
	cat > "$XDG_CONFIG_HOME/hark/config" <<CFG
[general]
default_region = US
${1:-}

[relay]
public_url = $PUBLIC
listen = 127.0.0.1:0

[account tw]
provider = twilio
account_sid = $TWILIO_FAKE_ACCOUNT_SID
auth_token_env = TW_TOKEN
from_phone = $ME
from_whatsapp = $ME
my_phone = $MY_PHONE
base_url = $TWILIO_FAKE_URL
${2:-}
CFG
}

# relay_up: starts `hark relay` and points the fake's deliveries at it.
relay_up() {
	relay_start
	fake_post /_fake/config DeliverBase="http://127.0.0.1:$RELAY_PORT" \
	    InboundUrl="$PUBLIC/twilio/message" >/dev/null || fail "cannot configure the fake"
}

relay_down() {
	kill -TERM $RELAY_PID
	wait $RELAY_PID
	rd_rc=$?
	RELAY_PID=
	[ $rd_rc -eq 0 ] || fail "the relay exited with $rd_rc: $(cat "$HOME/relay.err")"
}

# A poll lists the messages, then the calls: a ListCall ends one.
polls() { count_requests "r['operation'] == 'ListCall'"; }
polls_at_least() { [ "$(polls)" -ge "$1" ]; }

# start_daemon LOG: `hark daemon` in the background (DAEMON_PID), once it
# owns the outbox and has started its first poll (its loop runs, and with it
# its SIGTERM handler).
start_daemon() {
	sd_polls=$(polls)
	"$HARK_BIN" daemon >"$1" 2>&1 &
	DAEMON_PID=$!
	wait_until "hark daemon owns the outbox" 10 grep -q "owns the outbox" "$1"
	wait_until "and polls Twilio" 10 polls_at_least $((sd_polls + 1))
}

# stop_daemon PID LOG: SIGTERM; it must stop with status 0.
stop_daemon() {
	kill -TERM "$1"
	wait "$1"
	sd_rc=$?
	[ $sd_rc -eq 0 ] || fail "hark daemon exited with $sd_rc: $(cat "$2")"
}

# tw_setup [GENERAL-LINES [ACCOUNT-LINES]]: the fake, the config, the relay.
tw_setup() {
	trap tw_cleanup EXIT
	trap 'exit 1' INT TERM
	PYTHON=$PY TWILIO_FAKE_ARGS="--self-check --speed $SPEED --public-base $PUBLIC" \
	    bash "$PEERS/twilio-fake.sh" start "$FAKE_DIR" >"$HOME/fake.start" 2>&1 ||
	    fail "the fake did not start: $(cat "$HOME/fake.start")"
	. "$FAKE_DIR/env"
	tw_config "${1:-}" "${2:-}"
	relay_up
}

# inject FROM BODY [NAME=VALUE...]: an inbound message at the fake, which
# sends the signed webhook through the relay; INJECT_STATUS is the relay's
# answer to it.
inject() {
	inject_raw "$@"
	inject_status
}
# The same in two steps, for timing: inject_raw only makes the request.
inject_raw() {
	in_from=$1; in_body=$2; shift 2
	INJECT=$(fake_post /_fake/inbound From="$in_from" To="$ME" Body="$in_body" "$@") ||
	    fail "inject: $INJECT"
}
inject_status() {
	INJECT_STATUS=$(printf '%s' "$INJECT" | $PY -c \
	    'import json,sys; print((json.load(sys.stdin).get("webhook") or {}).get("status"))')
}

# fake_count KIND PYTHON-CONDITION: how many of the fake's messages or calls
# (x is each one, as /_fake/state shows it) meet the condition.
fake_count() {
	fake_get /_fake/state | $PY -c "
import json, sys
s = json.load(sys.stdin)
items = s['$1']
items = items.values() if isinstance(items, dict) else items
print(sum(1 for x in items if ($2)))"
}

# requests PYTHON-CONDITION: the fake's logged API requests (r) that meet it,
# one JSON line each.
requests() {
	$PY -c "
import json, sys
for line in open('$FAKE_DIR/requests.jsonl'):
    r = json.loads(line)
    if $1:
        print(json.dumps(r))"
}

no_violations() {
	[ ! -s "$FAKE_DIR/violations.jsonl" ] ||
	    fail "the fake logged spec violations: $(cat "$FAKE_DIR/violations.jsonl")"
	ok "every request hark made was valid against Twilio's spec"
}

# tw_finish: the last checks of a test — nothing hark sent broke Twilio's
# spec, and the relay stops cleanly.
tw_finish() {
	no_violations
	if [ -n "$RELAY_PID" ]; then
		relay_down
		ok "the relay stops cleanly"
	fi
	echo "all checks passed"
}

# count_requests PYTHON-CONDITION: how many logged API requests (r) meet it.
count_requests() { requests "$1" | wc -l | tr -d ' '; }
