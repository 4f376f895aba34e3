# fallback_after: a message still not delivered that long after it went is
# sent again on the next channel, once, even though the first one is
# delivered later; a contact without a fallback order gets nothing more.
# The sandbox takes about three seconds to deliver; fallback_after is 1 s.
. "$TESTS/lib.sh"
. "$TESTS/sandbox_profile.sh"
sed -i 's/^default_region = US$/default_region = US\nfallback_after = 1/' "$XDG_CONFIG_HOME/hark/config"
expect_exit 0 "the setting is valid" -- hark config check
contains "it is read" "fallback_after = 1"

hark contacts add 'Slow Sam' --phone +14155550181 --email sam@example.com >/dev/null
hark contacts add 'Plain Pat' --phone +14155550182 --email pat@example.com >/dev/null
expect_exit 0 "a fallback order for Sam" -- hark contacts set Slow --fallback sms,email
# The daemon owns the outbox first, so the sends go out at once and are
# watched from then on (the sandbox delivers about three seconds later).
"$HARK_BIN" daemon --quiet >/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 50 ] && ! grep -q . "$HARK_DB.lock" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
expect_exit 0 "an SMS to Sam" -- hark send --to Slow --body 'Are you there?'
expect_exit 0 "an SMS to Pat" -- hark send --to Plain --body 'Are you there?'
i=0
while [ $i -lt 100 ] && [ "$(sql "select count(*) from messages where channel = 'sms' and status = 'delivered'")" -lt 2 ]; do
	sleep 0.1; i=$((i + 1))
done
sleep 2
kill -TERM $pid; wait $pid
eq "both SMS were delivered in the end" "$(sql "select count(*) from messages where channel = 'sms' and status = 'delivered'")" 2
eq "Sam's went by email too, once, while it was undelivered" "$(sql "select count(*) from messages where to_addr = 'sam@example.com' and fallback_of is not null")" 1
eq "Pat has no fallback order: no email" "$(sql "select count(*) from messages where to_addr = 'pat@example.com'")" 0
expect_exit 0 "the thread says why" -- hark log Slow
contains "the chain" "↪ sent by email after sms was not delivered in time"

sed -i 's/^fallback_after = 1$/fallback_after = 1209600/' "$XDG_CONFIG_HOME/hark/config"
expect_exit 1 "a value out of range is refused" -- hark config check
contains "with the range" "from 0 to 604800"
