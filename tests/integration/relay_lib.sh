# relay_lib.sh — sourced by the relay tests: a profile with a Twilio account
# whose auth token comes from the environment, public_url
# https://hooks.example.test, and helpers to run `hark relay` on a free port
# and to call it as the providers do (relay_hook.py).
# The system's python3 first: a version manager's shim costs a second a call.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
command -v $PY >/dev/null 2>&1 || { echo "python3 is needed to sign webhooks"; exit 77; }

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

# relay_start [ARGS...]: starts `hark relay ARGS` and waits for its line;
# sets RELAY_PID and RELAY_PORT.
relay_start() {
	"$HARK_BIN" relay "$@" >"$HOME/relay.out" 2>"$HOME/relay.err" &
	RELAY_PID=$!
	i=0
	while ! grep -q '^hark relay: listening on' "$HOME/relay.out" 2>/dev/null; do
		kill -0 $RELAY_PID 2>/dev/null || fail "the relay exited: $(cat "$HOME/relay.err")"
		i=$((i + 1))
		[ $i -lt 100 ] || fail "the relay did not start: $(cat "$HOME/relay.err")"
		sleep 0.1
	done
	RELAY_PORT=$(sed -n 's|^hark relay: listening on http://127\.0\.0\.1:\([0-9]*\),.*|\1|p' "$HOME/relay.out")
	[ -n "$RELAY_PORT" ] || fail "no port in: $(cat "$HOME/relay.out")"
	export RELAY_PORT
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
