# A large first IMAP sync shows its progress in the status bar ("syncing
# INBOX 300/1,500") while hark fetches, against the loopback Dovecot, and
# the progress goes once the sync has ended with every message stored.
. "$TESTS/tui_lib.sh"
. "$TESTS/mail_lib.sh"

N=1500
mail_peer_start
# mail_peer_start stops the peer on exit; the tmux sessions must stop too.
trap '_r=$?; mail_peer_stop; (exit $_r); tui_end' EXIT
mail_config

/usr/bin/python3 - "$MAIL_PEER_MAILDIR/cur" "$N" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    with open(os.path.join(d, "%d.%d.sync:2,S" % (1700000000 + i, i)), "w") as f:
        f.write("From: Sender %d <sender%d@example.com>\r\nTo: user@mail.test\r\n"
                "Subject: note %d\r\nMessage-ID: <sync-%d@example.com>\r\n"
                "Date: Mon, 02 Nov 2026 %02d:%02d:00 +0000\r\n\r\n"
                "line one of note %d\r\n" % (i % 40, i % 40, i, i, (i // 60) % 24, i % 60, i))
PY
chown -R 65534:65534 "$MAIL_PEER_MAILDIR"
$DOVEADM mailbox status -u "$MAIL_PEER_USER" messages INBOX >/dev/null ||
	fail "Dovecot should index the $N messages"

tui_open s 140 30
wait_for s "syncing INBOX " 20 "the first sync shows its progress in the status bar"
bar=$(screen s | grep -F "syncing INBOX")
case $bar in *"/1,500"*) ok "with the folder's total: $(echo "$bar" | sed 's/.*│ syncing/syncing/')" ;;
	*) fail "the progress should count to 1,500: $bar" ;; esac
# A later figure than the first shows while it runs.
wait_for s "syncing INBOX 1," 120 "the count moves on past 1,000"
wait_gone s "syncing INBOX" 120 "the progress goes when the sync ends"
got=$(sqlite3 "$HARK_DB" "SELECT count(*) FROM messages WHERE direction = 'in'")
[ "$got" = "$N" ] || fail "every message should be stored once the progress has gone: $got of $N"
ok "all $N messages stored when the progress clears"
quit_hark s
