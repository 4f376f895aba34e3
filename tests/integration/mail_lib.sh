# mail_lib.sh — a private Dovecot + SMTP peer (tests/peers/mail-peer.sh) for one
# email test, on free loopback ports, stopped when the test exits; and a hark
# config with an smtp account and an imap account using it. Sourced after lib.sh.

MAIL_PEER=$TESTS/../peers/mail-peer.sh

mail_skip_unless_peer() {
	if [ "$(id -u)" != 0 ] && ! [ -x /usr/sbin/dovecot ]; then
		echo "skipped: Dovecot cannot run here (not root and no /usr/sbin/dovecot)"
		exit 77
	fi
	if ! [ -x /usr/sbin/dovecot ] || ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
		echo "skipped: the mail peer needs dovecot-imapd dovecot-lmtpd python3-aiosmtpd (contrib/install-deps.sh)"
		exit 77
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "skipped: Dovecot needs root to switch to the mail user here"
		exit 77
	fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Four free ports from a random base, so that tests and people running their
# own peers side by side do not collide. Below Linux's ephemeral range
# (32768-60999): a port there can be taken between this check and the bind
# by any outgoing connection or any server listening on port 0.
MAIL_PORT_SALT=0
mail_pick_ports() {
	for _try in 1 2 3 4 5 6 7 8 9 10; do
		base=$(( 20000 + ($$ * 7 + (_try + MAIL_PORT_SALT) * 131) % 12000 ))
		if port_free $base && port_free $((base + 1)) && port_free $((base + 2)) &&
		    port_free $((base + 3)); then
			IMAP_PORT=$base IMAPS_PORT=$((base + 1)) SMTP_PORT=$((base + 2))
			SMTPS_PORT=$((base + 3))
			export IMAP_PORT IMAPS_PORT SMTP_PORT SMTPS_PORT
			return 0
		fi
	done
	fail "no four free ports found"
}

mail_peer_stop() { [ -n "${MAIL_PEER_DIR:-}" ] && "$MAIL_PEER" stop "$MAIL_PEER_DIR" >/dev/null 2>&1; rm -rf "${MAIL_PEER_DIR:-/nonexistent}"; }

# mail_peer_start [MAIL_USERS]: starts the peer, loads its env.
mail_peer_start() {
	mail_skip_unless_peer
	mail_pick_ports
	MAIL_PEER_DIR=/tmp/hark-mail-it.$$
	export MAIL_USERS="${1:-user:pass}"
	trap 'mail_peer_stop' EXIT
	# Another program may still take a port first: then try other ports.
	for _start in 1 2 3; do
		"$MAIL_PEER" start "$MAIL_PEER_DIR" >"$HOME/peer.log" 2>&1 </dev/null && break
		grep -qi 'already in use' "$HOME/peer.log" && [ $_start -lt 3 ] ||
		    { cat "$HOME/peer.log"; fail "the mail peer did not start"; }
		"$MAIL_PEER" stop "$MAIL_PEER_DIR" >/dev/null 2>&1
		MAIL_PORT_SALT=$((MAIL_PORT_SALT + 17)); mail_pick_ports
	done
	. "$MAIL_PEER_DIR/env"
	DOVEADM="doveadm -c $MAIL_PEER_DIR/dovecot.conf"
	ok "mail peer up (IMAP $IMAP_PORT, SMTP $SMTP_PORT)"
}

# mail_config [SMTP_PASSWORD] [CA]: smtp (STARTTLS + AUTH) and imap accounts.
mail_config() {
	mkdir -p "$HOME/.config/hark"
	CONFIG=$HOME/.config/hark/config
	cat >"$CONFIG" <<CFG
[identity]
name = Uma User
email = user@mail.test

[account out]
provider = smtp
host = 127.0.0.1
port = $SMTP_PORT
tls = starttls
username = $MAIL_PEER_USER
password = ${1:-$MAIL_PEER_PASS}
from_email = user@mail.test
ca_file = ${2:-$MAIL_PEER_CA}
sent_account = box

[account box]
provider = imap
host = 127.0.0.1
port = $IMAP_PORT
tls = starttls
username = $MAIL_PEER_USER
password = $MAIL_PEER_PASS
ca_file = $MAIL_PEER_CA
folders = INBOX, Sent
CFG
	chmod 600 "$CONFIG"
	HARK_DB=$HOME/hark.db
	export HARK_DB
}

# mail_delivered ADDR [PATTERN]: the newest mail delivered to ADDR
# (X-Original-To), holding PATTERN when given. By time, not by name: Dovecot
# moves a message from new/ to cur/ once a client has seen the folder, so the
# order of the two globs says nothing.
mail_delivered() {
	grep -l "^X-Original-To: $1" "$MAIL_PEER_MAILDIR"/new/* "$MAIL_PEER_MAILDIR"/cur/* 2>/dev/null |
	    { if [ -n "${2:-}" ]; then xargs -r grep -l -- "$2"; else cat; fi; } |
	    xargs -r ls -t 2>/dev/null | head -n 1
}
