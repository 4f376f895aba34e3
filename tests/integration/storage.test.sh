# A locked or full database gives a clear error and loses nothing; a newer
# database is refused untouched.
. "$TESTS/lib.sh"
. "$TESTS/sandbox_profile.sh"

expect_exit 0 "a first message goes out" -- hark send --to +14155550123 --body 'before the trouble' --wait

# Another program holds the write lock for longer than hark's busy timeout (5 s).
python3 - "$HARK_DB" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[1] + ".held", "w").close()
time.sleep(8)
db.execute("ROLLBACK")
PY
lock=$!
i=0; while [ ! -e "$HARK_DB.held" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
expect_exit 2 "a locked database is an error, not a hang" -- hark send --to +14155550124 --body 'while locked'
contains "it says the database is locked" "locked"
wait $lock
expect_exit 0 "the database is intact afterwards" -- hark db check
contains "integrity ok" "ok"
eq "the earlier message is still there" "$(sql "select count(*) from messages where body = 'before the trouble'")" 1
eq "nothing half-written from the locked attempt" "$(sql "select count(*) from messages where body = 'while locked'")" 0

# A full disk: the file size limit stops SQLite's writes mid-import.
i=1; : > big.jsonl
while [ $i -le 20000 ]; do
	printf '{"channel":"sms","address":"+1415556%04d","direction":"in","timestamp":%d,"body":"message %d with some words to make the database grow quickly enough"}\n' $((i % 10000)) $((1700000000000 + i)) $i >> big.jsonl
	i=$((i + 1))
done
before=$(sql "select count(*) from messages")
size=$(( $(stat -c %s "$HARK_DB") / 1024 + 64 ))
OUT=$(sh -c "ulimit -f $size; trap '' XFSZ; exec \"$HARK_BIN\" import big.jsonl" 2>&1); rc=$?
[ $rc -ne 0 ] || fail "an import onto a full disk should fail; output: $OUT"
ok "an import onto a full disk fails (exit $rc)"
contains "it says the disk failed" "disk"
expect_exit 0 "the database is intact after the full disk" -- hark db check
after=$(sql "select count(*) from messages")
eq "what was there before is all there" "$(sql "select count(*) from messages where body = 'before the trouble'")" 1
[ "$after" -ge "$before" ] || fail "messages were lost: $before before, $after after"
ok "no message was lost ($before before, $after after)"

# A database from a newer hark is refused and not written.
sqlite3 "$HARK_DB" 'PRAGMA user_version = 99'
sum=$(md5sum < "$HARK_DB")
expect_exit 2 "a newer database is refused" -- hark inbox
contains "it says why" "newer hark"
eq "and left byte for byte as it was" "$(md5sum < "$HARK_DB")" "$sum"
