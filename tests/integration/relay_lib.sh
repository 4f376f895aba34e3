# relay_lib.sh — sourced by the relay tests: a profile with a Twilio account
# whose auth token comes from the environment, public_url
# https://hooks.example.test, and helpers to stop `hark relay` (lib.sh starts it)
# and to call it as the providers do (relay_hook.py).
needs $PY  # to sign webhooks

export HARK_DB="$HOME/hark.db"
export TW_TOKEN=tw-test-token-0123456789abcdef
export PUBLIC_URL=https://hooks.example.test
SOCK="$XDG_RUNTIME_DIR/hark/events.sock"
RELAY_PID=
# A failed check exits the test: never leave a relay running behind it.
trap '[ -z "$RELAY_PID" ] || kill -KILL $RELAY_PID 2>/dev/null' EXIT

# relay_config [EXTRA-RELAY-LINES [EXTRA-SECTIONS]]: writes the config.
relay_config() {
	mkdir -p "$XDG_CONFIG_HOME/hark"
	cat > "$XDG_CONFIG_HOME/hark/config" <<CFG
[general]
default_region = US

[relay]
public_url = $PUBLIC_URL
listen = 127.0.0.1:0
${1:-}

[account tw]
provider = twilio
account_sid = ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
auth_token_env = TW_TOKEN
from_phone = +14155550100
${2:-}
CFG
}

# relay_stop: SIGTERM, then RELAY_RC is its exit status.
relay_stop() {
	kill -TERM $RELAY_PID
	( sleep 20; kill -KILL $RELAY_PID 2>/dev/null ) &
	dog=$!
	wait $RELAY_PID
	RELAY_RC=$?
	kill $dog 2>/dev/null
	RELAY_PID=
	[ $RELAY_RC -ne 137 ] || fail "the relay did not stop within 20 s of SIGTERM"
}

# hook ARGS...: runs relay_hook.py; STATUS is the HTTP status, OUT the whole output.
hook() {
	OUT=$($PY "$TESTS/relay_hook.py" "$@" 2>&1)
	STATUS=$(printf '%s\n' "$OUT" | head -n 1)
}
# expect_status CODE DESC -- HOOK-ARGS...
expect_status() {
	want=$1; desc=$2; shift 3
	hook "$@"
	[ "$STATUS" = "$want" ] || fail "$desc: HTTP $STATUS, expected $want; output:
$OUT"
	ok "$desc"
}
