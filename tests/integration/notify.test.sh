# Desktop notifications over a real D-Bus session bus: a private bus and a recording
# notification server (tests/peers/notify-peer.sh) in this test's HOME, and the notifier's
# D-Bus tests (tests/unit/test_notify_dbus.c) run against them: what the server records,
# bursts folded, a server error falling back to the terminal, a hung server never
# stalling the loop. Skips (77) when the test binary or the peer's packages are missing.
. "$TESTS/lib.sh"

peer="$TESTS/../peers/notify-peer.sh"
build=${HARK_BUILD:-$(dirname "$HARK_BIN")}
bin="$build/tests/test_notify_dbus"
[ -x "$bin" ] || { echo "no $bin: build the unit tests first (make check-unit)"; exit 77; }
if [ ! -x /usr/bin/dbus-daemon ] || ! command -v dbus-send >/dev/null ||
    ! /usr/bin/python3 -c 'import dbus, gi' 2>/dev/null; then
	echo "needs dbus-daemon, dbus-bin, python3-dbus, python3-gi (contrib/install-deps.sh)"
	exit 77
fi

dir="$HOME/notify-peer"
trap '"$peer" stop "$dir" >/dev/null 2>&1' EXIT
"$peer" start "$dir" >/dev/null || fail "the notify peer did not start"
ok "a private session bus and notification server are up"
. "$dir/env"
export NOTIFY_PEER="$peer"
# No real desktop daemon may be started for this bus, and none is reachable.
unset DISPLAY WAYLAND_DISPLAY

OUT=$("$bin" 2>&1); rc=$?
printf '%s\n' "$OUT"
[ $rc -eq 0 ] || fail "test_notify_dbus failed (exit $rc)"
lacks "no D-Bus test was skipped" "SKIPPED"
contains "all four D-Bus tests ran" "PASSED  ] 4 test(s)"

log="$dir/notifications.jsonl"
[ -s "$log" ] || fail "the server recorded nothing"
if grep -q "$(printf '\033')" "$log" || grep -qF '\u001b' "$log"; then
	fail "an escape reached the notification server: $(cat "$log")"
fi
ok "no escape byte reached the notification server"
OUT=$(cat "$log")
contains "notifications come from hark" '"app_name": "hark"'
contains "a hostile summary arrives sanitised" '"summary": "SMS from Alice"'
lacks "the OSC's payload is gone with it" "pwned"
