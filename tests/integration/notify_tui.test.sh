# A new inbound message for a contact you are not looking at raises a desktop
# notification through a real D-Bus session bus; its text is never raw escapes.
. "$TESTS/lib.sh"
. "$TESTS/sandbox_profile.sh"
P="$TESTS/../peers"
needs dbus-daemon tmux
/usr/bin/python3 -c 'import dbus, gi' 2>/dev/null || { echo "needs python3-dbus and python3-gi"; exit 77; }

export NOTIFY_PEER_DIR="$HOME/notify"
D="$P/tui-driver.sh"
trap '"$D" stop n >/dev/null 2>&1; "$P/notify-peer.sh" stop "$NOTIFY_PEER_DIR" >/dev/null 2>&1' EXIT
"$P/notify-peer.sh" start "$NOTIFY_PEER_DIR" >/dev/null || fail "the notification peer did not start"
. "$NOTIFY_PEER_DIR/env"

hark contacts add 'Ann Lee' --phone '+14155550177' >/dev/null || fail "contacts add"
hark contacts add 'Bob Roe' --phone '+14155550178' >/dev/null || fail "contacts add"
hark send --to 'Ann Lee' --body 'Hello Ann' --wait >/dev/null || fail "a first send"

"$D" start n 120 30 env HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
    XDG_DATA_HOME="$XDG_DATA_HOME" XDG_STATE_HOME="$XDG_STATE_HOME" \
    HARK_DB="$HARK_DB" DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" \
    "$HARK_BIN"
"$D" wait n 'Contacts' 10 >/dev/null || fail "hark did not open"
"$D" wait n 'notify: libnotify' 10 >/dev/null || fail "the status bar should say notifications go to the desktop: $("$D" screen n)"
ok "the status bar names the notification method"

# Bob writes (an escape sequence in his text) while Ann's thread is shown.
sqlite3 "$HOME/sandbox.db" "INSERT INTO inbound(sid, channel, from_addr, to_addr, body, due_at)
  VALUES ('SBIN-n1', 'sms', '+14155550178', '+14155550100',
  'Are you free at 3?' || char(27) || ']0;pwned' || char(7) || char(27) || '[2J', 0)"
"$P/notify-peer.sh" wait 1 10 "$NOTIFY_PEER_DIR" >/dev/null || fail "no Notify call was made"
ok "a Notify call reached the notification server"
N="$NOTIFY_PEER_DIR/notifications.jsonl"
/usr/bin/python3 - "$N" <<'PY' || fail "the notification is not what a user should see: $(cat "$N")"
import json, sys
n = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
notify = [x for x in n if x.get("method") == "Notify"]
assert notify, "no Notify"
x = notify[0]
assert x["app_name"] == "hark", x
assert "Bob Roe" in x["summary"], x
assert "Are you free at 3?" in x["body"], x
for field in (x["summary"], x["body"]):
    assert "\x1b" not in field and "\x07" not in field, field
PY
ok "it names the contact, shows the text, and carries no escape sequence"
"$D" wait n 'Bob Roe' 5 >/dev/null || fail "Bob's message should show in the contact list"
ok "the contact list shows the new message"
"$D" keys n q
st=$("$D" wait-exit n 10) || true
[ "$st" = 0 ] || fail "q should leave with status 0 (got '$st'): $("$D" screen n)"
ok "q leaves with status 0"
