# A bulk send to 2,000 contacts is killed with SIGKILL in the middle of
# sending, then resumed: every recipient is messaged exactly once, by
# hark's own record and by the sandbox's, and the preview's figures hold.
. "$TESTS/lib.sh"
. "$TESTS/sandbox_profile.sh"
N=${BULK_CONTACTS:-2000}
# Pace the account (messages per second), so the kill lands mid-send.
sed -i 's/^provider = sandbox$/provider = sandbox\nrate = 400/' "$XDG_CONFIG_HOME/hark/config"

{
	echo "name,phone,tags"
	i=1
	while [ $i -le $N ]; do
		printf 'Buyer %d,+1415557%04d,buyer\n' $i $i
		i=$((i + 1))
	done
	echo "Not A Buyer,+14155579999,other"
} > contacts.csv
expect_exit 0 "the contacts are imported" -- hark contacts import contacts.csv
printf 'name: launch\nsms: Hi {{first_name}}, the new range is in store today.\n' > launch.tpl
expect_exit 0 "the template is saved" -- hark template add --file launch.tpl

expect_exit 0 "the preview counts every buyer" -- hark bulk preview --template launch --tag buyer --json
contains "recipients" "\"recipients\":$N"
contains "one segment each" "\"segments\":$N"
expect_exit 1 "without --yes and no terminal, nothing is sent" -- hark bulk send --template launch --tag buyer </dev/null
contains "it says how" "--yes"
eq "no bulk was written" "$(sql 'select count(*) from bulks')" 0

"$HARK_BIN" bulk send --template launch --tag buyer --yes >send.log 2>&1 &
pid=$!
i=0
while [ $i -lt 300 ] && [ "$(sql "select count(*) from messages where direction = 'out' and status != 'queued'")" -lt $((N / 3)) ]; do
	sleep 0.05; i=$((i + 1))
done
kill -KILL $pid
wait $pid 2>/dev/null
sent=$(sql "select count(*) from messages where direction = 'out'")
echo "killed with $sent of $N messages written"
[ "$sent" -gt 0 ] && [ "$sent" -lt "$N" ] || fail "the kill did not land mid-send ($sent of $N written)"
eq "the bulk is still running after the crash" "$(sql 'select state from bulks')" running

expect_exit 0 "resume finishes it" -- hark bulk resume 1
eq "the bulk is done" "$(sql 'select state from bulks')" done
eq "every recipient was written once" "$(sql "select count(*) from bulk_recipients where state = 'queued'")" "$N"
eq "one message per recipient" "$(sql "select count(*) from messages where direction = 'out'")" "$N"
eq "no contact got two" "$(sql "select count(*) from (select contact_id from messages where direction = 'out' group by contact_id having count(*) > 1)")" 0
eq "the non-buyer got nothing" "$(sql "select count(*) from messages m join contacts c on c.id = m.contact_id where c.name = 'Not A Buyer'")" 0
eq "each message carries its bulk key" "$(sql "select count(*) from jobs where idempotency_key like 'bulk-1-%'")" "$N"
SB="$HOME/sandbox.db"
eq "the sandbox accepted no message twice" "$(sqlite3 "$SB" 'select count(*) from (select to_addr from accepted group by to_addr having count(*) > 1)')" 0
uncertain=$(sql "select count(*) from jobs where state = 'uncertain'")
eq "the sandbox accepted every recipient once (or it is marked uncertain)" "$(( $(sqlite3 "$SB" 'select count(distinct to_addr) from accepted') + uncertain ))" "$N"
eq "the rendered text reached the sandbox" "$(sqlite3 "$SB" "select body from accepted where to_addr = '+14155570007'")" "Hi Buyer, the new range is in store today."
expect_exit 0 "status tells the outcome" -- hark bulk status 1
contains "it counts the sends" "$N recipients"
