# mail_resync: the IMAP sync is incremental by UIDVALIDITY and UID: a sync
# with nothing new fetches no message, and a folder whose UIDVALIDITY changed
# (deleted and made again) is read again from the start without doubling
# what hark already has.
. "$TESTS/lib.sh"
. "$TESTS/mail_lib.sh"
mail_peer_start
mail_config
sed -i 's/^folders = .*/folders = INBOX, Work/' "$CONFIG"

put() { # put N: a message from Carol into Work
	printf 'From: Carol <carol@example.org>\r\nTo: user@mail.test\r\nSubject: note %s\r\nMessage-ID: <carol-%s@example.org>\r\nDate: Mon, 23 Nov 2026 10:0%s:00 +0000\r\n\r\nnote number %s\r\n' \
	    "$1" "$1" "$1" "$1" | $DOVEADM save -u user -m Work || fail "doveadm save"
}
$DOVEADM mailbox create -u user Work || fail "mailbox create"
put 1; put 2; put 3
expect_exit 0 "first sync" -- hark sync --json
contains "three new" '"new":3'
v1=$(awk '$3 == "Work" { print $1 " " $2 }' "$HOME/imap-box.state")
[ -n "$v1" ] || fail "no state for Work: $(cat "$HOME/imap-box.state")"
ok "state kept: Work $v1"

lines=$(wc -l <"$MAIL_PEER_DIR/log/dovecot.log")
expect_exit 0 "a sync with nothing new" -- hark sync --json
contains "nothing new" '"new":0'
new_log() { tail -n +$((lines + 1)) "$MAIL_PEER_DIR/log/dovecot.log"; }
# Without the session's logout line (which counts what it fetched) the next
# check would pass whatever the sync did.
session_logged() { new_log | grep -q 'Logged out.* body_count='; }
wait_until "Dovecot logged the sync's session" 5 session_logged
fetched=$(new_log | grep -o 'body_count=[0-9]*' | grep -v 'body_count=0' || true)
[ -z "$fetched" ] || fail "a sync with nothing new fetched message bodies: $fetched"
ok "no message body fetched again"

# The folder is deleted and made again: a new UIDVALIDITY, UIDs from 1.
$DOVEADM mailbox delete -u user Work || fail "mailbox delete"
$DOVEADM mailbox create -u user Work || fail "mailbox create"
put 1; put 2; put 3; put 4
expect_exit 0 "sync after the UIDVALIDITY change" -- hark sync --json
contains "only the one new message" '"new":1'
v2=$(awk '$3 == "Work" { print $1 " " $2 }' "$HOME/imap-box.state")
[ "${v2%% *}" != "${v1%% *}" ] || fail "UIDVALIDITY not followed: $v1 then $v2"
eq "read again up to UID 4" "${v2#* }" 4
eq "four notes, none twice" "$(sql "SELECT count(*) FROM messages WHERE from_addr='carol@example.org'")" 4
eq "all in Carol's thread" "$(sql "SELECT count(DISTINCT contact_id) FROM messages WHERE from_addr='carol@example.org'")" 1
