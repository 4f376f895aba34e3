# mail_retry: a message hark could not store is not counted as synced. The
# store is made to refuse one message (a trigger that raises for its
# subject): the sync says which message failed and exits 2, the folder's
# saved position stays just before it, the messages around it are kept;
# once the store takes it again, the next sync brings it and nothing comes
# twice. A message refused sync after sync does not block the folder: the
# fourth time it is stored as a broken message, shown raw with a warning,
# and the mail after it arrives too.
. "$TESTS/lib.sh"
. "$TESTS/mail_lib.sh"
mail_peer_start
mail_config
sed -i 's/^folders = .*/folders = Work/' "$CONFIG"
STATE=$HOME/imap-box.state

put() { # put N [IN-REPLY-TO]: a note from Carol into Work
	{
		printf 'From: Carol <carol@example.org>\r\nTo: user@mail.test\r\n'
		printf 'Subject: note %s\r\nMessage-ID: <carol-%s@example.org>\r\n' "$1" "$1"
		[ -z "${2:-}" ] || printf 'In-Reply-To: %s\r\n' "$2"
		printf 'Date: Mon, 23 Nov 2026 10:0%s:00 +0000\r\n\r\nnote number %s\r\n' "$1" "$1"
	} | $DOVEADM save -u user -m Work || fail "doveadm save"
}
db() { sqlite3 "$HARK_DB" "$1" || fail "sqlite3: $1"; }
notes() { sql "SELECT group_concat(subject, ',') FROM (SELECT subject FROM messages WHERE from_addr='carol@example.org' ORDER BY subject)"; }
last_uid() { awk '$1 != "retry" && $3 == "Work" { print $2 }' "$STATE"; }
tries() { awk '$1 == "retry" && $4 == "Work" { print $2 ":" $3 }' "$STATE"; }

$DOVEADM mailbox create -u user Work || fail "mailbox create"
expect_exit 0 "an empty first sync makes the database" -- hark sync --json
db "CREATE TRIGGER poison BEFORE INSERT ON messages WHEN NEW.subject = 'note 2'
    BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;"
put 1; put 2; put 3

expect_exit 2 "a sync whose message cannot be stored fails" -- hark sync --json
contains "says which message" "folder Work: message UID 2 could not be stored"
eq "the messages around it are kept" "$(notes)" "note 1,note 3"
eq "the position stays before it" "$(last_uid)" 1
eq "one try counted" "$(tries)" "2:1"

db "DROP TRIGGER poison"
expect_exit 0 "once the store takes it, the sync succeeds" -- hark sync --json
eq "it arrived, nothing twice" "$(notes)" "note 1,note 2,note 3"
eq "each note once" "$(sql "SELECT count(*) FROM messages WHERE from_addr='carol@example.org'")" 3
eq "the position moves on" "$(last_uid)" 3
eq "no try left" "$(tries)" ""

# A message the full store refuses every time: note 4 answers a message
# whose reference the store is made to refuse; note 5 comes after it.
db "CREATE TRIGGER poison BEFORE INSERT ON messages WHEN NEW.in_reply_to LIKE '%poison%'
    BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;"
put 4 '<poison@example.org>'; put 5
for n in 1 2 3; do
	expect_exit 2 "refused, sync $n" -- hark sync --json
	eq "try $n counted" "$(tries)" "4:$n"
done
contains "the last refusal says what comes next" "as a broken message shown raw"
eq "note 5, of the same batch, is kept" "$(notes)" "note 1,note 2,note 3,note 5"
eq "the position waits before note 4" "$(last_uid)" 3
expect_exit 0 "the fourth sync stores it as a broken message" -- hark sync --json
eq "both arrived" "$(notes)" "note 1,note 2,note 3,note 4,note 5"
w=$(sql "SELECT warning FROM mail JOIN messages m ON m.id = mail.message_id WHERE m.subject = 'note 4'")
case $w in
"shown raw: hark could not store this message in 3 syncs"*) ok "note 4 carries its warning" ;;
*) fail "note 4's warning: '$w'" ;;
esac
eq "its raw source is kept" "$(sql "SELECT raw_path IS NOT NULL FROM mail JOIN messages m ON m.id = mail.message_id WHERE m.subject = 'note 4'")" 1
eq "the position is past both" "$(last_uid)" 5
eq "nothing doubled" "$(sql "SELECT count(*) FROM messages WHERE from_addr='carol@example.org'")" 5
