# A bulk send left to the running daemon, at the account's rate: pause
# stops it (nothing more goes out), resume carries on, cancel ends it and
# withdraws what was written but not sent; skipped recipients say why.
. "$TESTS/lib.sh"
. "$TESTS/sandbox_profile.sh"
sed -i 's/^provider = sandbox$/provider = sandbox\nrate = 4/' "$XDG_CONFIG_HOME/hark/config"

{
	echo "name,phone,email,tags"
	i=1
	while [ $i -le 60 ]; do
		printf 'Member %d,+1415558%04d,m%d@example.com,club\n' $i $i $i
		i=$((i + 1))
	done
	echo "Mail Only,,mailonly@example.com,club"
} > members.csv
hark contacts import members.csv >/dev/null
hark contacts set 'Member 1' --opt-out sms --reason 'STOP by phone' >/dev/null
printf 'name: club\nsms: Hi {{first_name}}, {{discount}} off this week.\n' | hark template add --file - >/dev/null
expect_exit 0 "a preview with a variable nobody has" -- hark bulk preview --template club --tag club
contains "skipped for the missing variable" "59 missing variables"
contains "a long list is cut" "and 41 more skipped"
printf 'name: club\nsms: Hi {{first_name}}, 10%% off this week.\n' | hark template edit club --file - >/dev/null

expect_exit 1 "a bulk send needs a segment" -- hark bulk send --template club --yes
contains "it says which" "--tag T or --filter EXPR"
expect_exit 1 "a bad filter is named" -- hark bulk preview --template club --filter 'tag:club colour:red'
contains "the bad term" "colour:red"
expect_exit 0 "the filter takes the client's words" -- hark bulk preview --template club --filter 'tag:club state:open' --json
contains "recipients by filter" '"recipients":59'
contains "the opted-out one" '"skipped_opted_out":1'
contains "the one with no phone" '"skipped_no_address":1'

"$HARK_BIN" daemon --quiet >/dev/null 2>&1 &
pid=$!
sleep 1
expect_exit 0 "a send while the daemon runs is left to it" -- hark bulk send --template club --tag club --yes
contains "it says who sends" "owns the outbox"
sent() { sql "select count(*) from messages where direction = 'out' and status in ('sending','sent','delivered')"; }
i=0
while [ $i -lt 100 ] && [ "$(sent)" -lt 10 ]; do sleep 0.1; i=$((i + 1)); done
expect_exit 0 "pause" -- hark bulk pause 1
sleep 2   # the window already in the outbox drains
a=$(sent)
sleep 2
eq "nothing more goes out while paused" "$(sent)" "$a"
[ "$a" -lt 59 ] || fail "the pause came too late to tell ($a sent)"
expect_exit 0 "resume" -- hark bulk resume 1
sleep 2
b=$(sent)
[ "$b" -gt "$a" ] || fail "resume sent nothing more ($a, then $b)"
ok "resume carries on ($a, then $b)"
expect_exit 0 "cancel" -- hark bulk cancel 1
sleep 2
c=$(sent)
sleep 2
eq "nothing more goes out after cancel" "$(sent)" "$c"
kill -TERM $pid; wait $pid
[ "$c" -lt 59 ] || fail "cancel came too late to tell ($c sent)"
eq "the bulk is canceled" "$(sql 'select state from bulks')" canceled
eq "no message waits in the outbox" "$(sql "select count(*) from jobs where state in ('pending','inflight')")" 0
eq "every recipient was sent or canceled" "$((c + $(sql "select count(*) from bulk_recipients where state = 'canceled'") + $(sql "select count(*) from messages where status = 'canceled'")))" 59
eq "skips keep their reason" "$(sql "select reason from bulk_recipients r join contacts c on c.id = r.contact_id where c.name = 'Member 1'")" "+14155580001 opted out of sms on $(date -u +%Y-%m-%d) (manual: STOP by phone); hark will not send to it"
expect_exit 1 "a canceled bulk cannot be resumed" -- hark bulk resume 1
contains "it says so" "is canceled"
expect_exit 0 "list shows it" -- hark bulk list
contains "its state" "canceled"
