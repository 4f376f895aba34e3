# email_lib.sh — sourced by the SendGrid and Mailgun end-to-end tests: the
# fake email API (tests/fakes/email_fake.py, one mode per test) and
# `hark relay` on loopback. hark's account points at the fake (base_url);
# the fake posts its signed events and inbound mail to the relay's real
# port. Both are stopped by the EXIT trap.
#
# Helpers: em_setup MODE (start both), em_finish (last checks), fake_post
# PATH JSON, fake_state, msg,
# json_field, inbound JSON (a mail at the fake, posted to the relay).
. "$TESTS/lib.sh"

needs $PY curl sqlite3 openssl

export HARK_DB="$HOME/hark.db"
export EM_KEY=e2e-api-key-7c1f0b2d9e
export EM_SIGNING=e2e-signing-key-55aa0c
FAKE_DIR="$HOME/fake"
SPEED=${EM_SPEED:-0.05}  # every lifecycle step of the fake (1 s -> 50 ms)
FAKE_PID=
RELAY_PID=
DAEMON_PID=

em_cleanup() {
	for pid in $DAEMON_PID $RELAY_PID $FAKE_PID; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in $DAEMON_PID $RELAY_PID $FAKE_PID; do
		wait "$pid" 2>/dev/null
	done
	return 0
}

msg() { sql "SELECT $1 FROM messages WHERE $2"; }
json_field() { printf '%s' "$OUT" | $PY -c "import json,sys; print(json.loads(sys.stdin.readline())['$1'])"; }

# fake_post PATH JSON: a control request; prints the answer.
fake_post() {
	curl -sS --max-time 30 -H 'Content-Type: application/json' --data-binary "$2" \
	    "$FAKE_URL$1"
}
fake_state() { curl -sS --max-time 10 "$FAKE_URL/_fake/state"; }
# fake_msgs PYTHON-CONDITION: how many messages at the fake (m) meet it.
fake_msgs() {
	fake_state | $PY -c "
import json, sys
print(sum(1 for m in json.load(sys.stdin)['messages'] if ($1)))"
}
# requests PYTHON-CONDITION: the statuses of the fake's logged API requests (r)
# that meet it, space separated.
requests() {
	$PY -c "
import json
print(' '.join(str(r['status']) for r in map(json.loads, open('$FAKE_DIR/requests.jsonl')) if $1))"
}

# inbound JSON: a mail the fake posts to the relay; STATUS is the relay's answer.
inbound() {
	IN=$(fake_post /_fake/inbound "$1") || fail "inbound: $IN"
	STATUS=$(printf '%s' "$IN" | $PY -c 'import json,sys; print(json.load(sys.stdin)["status"])')
}

# em_config MODE: hark's configuration, one account "mail" of the provider.
em_config() {
	mkdir -p "$XDG_CONFIG_HOME/hark"
	if [ "$1" = sendgrid ]; then
		acct="provider = sendgrid
verification_key = $(cat "$FAKE_DIR/sendgrid_public_key")"
	else
		acct="provider = mailgun
domain = mg.example.test
signing_key_env = EM_SIGNING"
	fi
	cat > "$XDG_CONFIG_HOME/hark/config" <<CFG
[general]
default_region = US

[identity]
name = Sam Sales

[relay]
listen = 127.0.0.1:0

[account mail]
$acct
api_key_env = EM_KEY
from_email = sales@mg.example.test
base_url = $FAKE_URL
timeout = 2
CFG
}

# em_setup MODE: the fake, the config, the relay, the fake pointed at it.
em_setup() {
	MODE=$1
	trap em_cleanup EXIT
	trap 'exit 1' INT TERM
	mkdir -p "$FAKE_DIR"
	$PY "$TESTS/../fakes/email_fake.py" --mode "$MODE" --dir "$FAKE_DIR" \
	    --api-key "$EM_KEY" --signing-key "$EM_SIGNING" --domain mg.example.test \
	    --speed "$SPEED" >"$HOME/fake.log" 2>&1 &
	FAKE_PID=$!
	wait_until "the fake $MODE API listens" 10 test -s "$FAKE_DIR/port"
	FAKE_URL="http://127.0.0.1:$(cat "$FAKE_DIR/port")"
	em_config "$MODE"
	relay_start --verbose
	ok "the relay listens"
	INKEY=$(sed -n 's|.*/sendgrid/inbound?key=\([0-9a-f]*\).*|\1|p' "$HOME/relay.err")
	fake_post /_fake/config "{\"deliver_base\": \"http://127.0.0.1:$RELAY_PORT\", \"inbound_key\": \"$INKEY\"}" \
	    >/dev/null || fail "cannot configure the fake"
}

no_violations() {
	[ ! -s "$FAKE_DIR/violations.jsonl" ] ||
	    fail "the fake logged violations: $(cat "$FAKE_DIR/violations.jsonl")"
	ok "every request hark made was valid against the $MODE API"
}

# em_finish: nothing hark sent broke the API's rules; the relay stops with 0.
em_finish() {
	no_violations
	kill -TERM $RELAY_PID
	wait $RELAY_PID
	rc=$?
	RELAY_PID=
	[ $rc -eq 0 ] || fail "the relay exited with $rc: $(cat "$HOME/relay.err")"
	ok "the relay stops cleanly"
	echo "all checks passed"
}
