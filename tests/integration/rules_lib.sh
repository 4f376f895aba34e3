# rules_lib.sh — sourced by the rules_* tests: the sandbox profile, a few
# templates, and helpers to run `hark daemon` with a rules file and to
# make the sandbox "service" deliver inbound messages.
. "$TESTS/lib.sh"
. "$TESTS/sandbox_profile.sh"
RULES="$XDG_CONFIG_HOME/hark/rules"
DAEMON_PID=
trap 'rules_daemon_stop >/dev/null 2>&1' EXIT

# rules_template NAME SMS-BODY: saves a template with that SMS text.
rules_template() {
	printf 'name: %s\nsms: %s\n' "$1" "$2" | hark template add --file - >/dev/null ||
	    fail "cannot add template $1"
}

# Starts `hark daemon` in the background (the binary itself, so that its
# pid is the daemon's) and waits until it owns the outbox.
rules_daemon_start() {
	"$HARK_BIN" daemon >>"$HOME/daemon.log" 2>&1 &
	DAEMON_PID=$!
	within 10 rules_daemon_owns ||
	    fail "the daemon did not start: $(cat "$HOME/daemon.log")"
}
rules_daemon_owns() {
	grep -q "pid $DAEMON_PID owns the outbox" "$HOME/daemon.log" 2>/dev/null && return 0
	kill -0 $DAEMON_PID 2>/dev/null || fail "the daemon ended: $(cat "$HOME/daemon.log")"
	return 1
}
rules_daemon_stop() {
	[ -n "$DAEMON_PID" ] || return 0
	kill -TERM $DAEMON_PID 2>/dev/null
	wait $DAEMON_PID
	st=$?
	DAEMON_PID=
	[ $st -eq 0 ] || fail "the daemon ended with $st: $(tail -n 20 "$HOME/daemon.log")"
}

# inbound SID FROM BODY: the sandbox reports it on its next poll (500 ms).
inbound() {
	body=$(printf '%s' "$3" | sed "s/'/''/g")
	sqlite3 -cmd ".timeout 5000" "$HOME/sandbox.db" "INSERT INTO inbound(sid, channel, from_addr, to_addr, body, due_at)
	    VALUES ('$1', 'sms', '$2', '+14155550100', '$body', 0)" ||
	    fail "cannot add an inbound message to the sandbox"
}

# wait_sql DESC QUERY WANT [SECONDS]: polls until QUERY prints WANT.
wait_sql() {
	within "${4:-15}" sql_is "$2" "$3" ||
	    fail "$1: '$(sql "$2")' after ${4:-15}s, expected '$3'; daemon log:
$(tail -n 30 "$HOME/daemon.log")"
	ok "$1"
}

# Outbound messages to an address whose text starts with a prefix.
sent_to() { sql "SELECT count(*) FROM messages WHERE direction = 'out' AND to_addr = '$1' AND body LIKE '$2%'"; }
