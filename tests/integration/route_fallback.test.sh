# Fallback routing through the sandbox: an SMS that ends undelivered
# (+15005550009, a landline) or is refused (+15005550001) is sent again by
# email, the contact's next channel, rendered from the template's email
# body; the thread shows the chain; it happens once, and a chain never loops.
. "$TESTS/lib.sh"
. "$TESTS/sandbox_profile.sh"

hark contacts add 'Lana Line' --phone +15005550009 --email lana@example.com >/dev/null
hark contacts add 'Ivy Invalid' --phone +15005550001 --email ivy@example.com >/dev/null
hark contacts add 'Bo Bounce' --phone +14155550150 --email bounce@sandbox.hark.test >/dev/null
hark contacts add 'No Order' --phone +15005550409 --email no@example.com >/dev/null
expect_exit 0 "fallback order for Lana" -- hark contacts set Lana --fallback sms,email
expect_exit 0 "fallback order for Ivy" -- hark contacts set Ivy --fallback sms,email
expect_exit 0 "Bo: email first, then sms (back and forth must not loop)" -- hark contacts set Bo --fallback email,sms

expect_exit 0 "an SMS to a landline goes out" -- hark send --to Lana --body 'Your order is ready'
expect_exit 2 "an SMS to an invalid number fails at once" -- hark send --to Ivy --body 'Your order is ready' --wait
expect_exit 0 "an email that will bounce goes out" -- hark send --to Bo --channel email --subject 'Order' --body 'Your order is ready'
"$HARK_BIN" daemon --quiet >/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 150 ] && [ "$(sql "select count(*) from messages where fallback_of is not null and status = 'delivered'")" -lt 3 ]; do
	sleep 0.1; i=$((i + 1))
done
sleep 2   # time for anything wrong (a second fallback, a loop) to happen
kill -TERM $pid; wait $pid

eq "the landline SMS ended undelivered" "$(sql "select status || ' ' || error_code from messages where to_addr = '+15005550009' and channel = 'sms'")" "undelivered 30006"
eq "it fell back to email once" "$(sql "select count(*) from messages m join messages o on o.id = m.fallback_of where o.to_addr = '+15005550009' and m.channel = 'email'")" 1
eq "the fallback went to Lana's email" "$(sql "select to_addr || ' ' || status from messages where fallback_of = (select id from messages where to_addr = '+15005550009' and channel = 'sms')")" "lana@example.com delivered"
eq "the refused SMS fell back to email once" "$(sql "select count(*) from messages where to_addr = 'ivy@example.com'")" 1
eq "the bounced email fell back to SMS once, and the chain stopped there" "$(sql "select group_concat(channel || ':' || status, ' ') from (select channel, status from messages where contact_id = (select id from contacts where name = 'Bo Bounce') and direction = 'out' order by id)")" "email:failed sms:delivered"
eq "nobody without a fallback order got a second message" "$(sql "select count(*) from messages where fallback_of is not null and contact_id = (select id from contacts where name = 'No Order')")" 0
eq "the sandbox sent each fallback once" "$(sqlite3 "$HOME/sandbox.db" "select count(*) from accepted where to_addr = 'lana@example.com'")" 1

expect_exit 0 "the thread shows both" -- hark log Lana
contains "the SMS with its error" "30006"
contains "the email" "lana@example.com"
contains "the chain" "↪ sent by email after sms undelivered: Landline or unreachable carrier (30006)"
