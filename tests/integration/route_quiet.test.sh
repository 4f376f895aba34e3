# Quiet hours, for a contact in a zone far away (Pacific/Auckland): a
# scheduled message and a bulk message due inside them are held until they
# end (the job says why, in the contact's time), then go; a person's own
# send goes with a note; --override-quiet-hours goes and is audited.
. "$TESTS/lib.sh"
. "$TESTS/sandbox_profile.sh"
ZONE=Pacific/Auckland

# A window that began an hour ago on the contact's clock and ends at their
# next minute: at least 15 seconds away, so the test can see the hold.
[ "$(date -u +%S)" -lt 45 ] || sleep $((61 - $(date -u +%S)))
hm() { TZ=$ZONE date -d "@$1" +%H:%M; }
now=$(date +%s)
start=$(hm $((now - 3600)))
end_epoch=$(( (now / 60 + 1) * 60 ))
end=$(hm $end_epoch)

hark contacts add 'Kiri Far' --phone +14155550161 --email kiri@example.com --tag vip >/dev/null
expect_exit 0 "quiet hours in the contact's zone" -- hark contacts set Kiri --tz $ZONE --quiet "$start-$end"
contains "the summary says it is quiet now" "quiet until $end"

expect_exit 0 "a scheduled message is accepted" -- hark send --to Kiri --body 'Scheduled hello' --at +1s
printf 'name: vipnews\nsms: Hi {{first_name}}, news for VIPs.\n' | hark template add --file - >/dev/null
expect_exit 0 "the bulk preview defers the contact" -- hark bulk preview --template vipnews --tag vip
contains "the preview says until when" "held for quiet hours until $end $ZONE"
contains "one deferred" "(1 deferred by quiet hours)"
expect_exit 0 "a bulk send to them" -- hark bulk send --template vipnews --tag vip --yes

"$HARK_BIN" daemon --quiet >/dev/null 2>&1 &
pid=$!
sleep 3
eq "the scheduled message is held" "$(sql "select status from messages where body = 'Scheduled hello'")" scheduled
eq "the bulk message is held" "$(sql "select status from messages where body like '%news for VIPs%'")" scheduled
eq "the job says why, on the contact's clock" "$(sql "select last_error from jobs j join messages m on m.id = j.message_id where m.body = 'Scheduled hello'")" "held for quiet hours until $end $ZONE"
eq "it waits until the window ends" "$(sql "select run_at / 1000 from jobs j join messages m on m.id = j.message_id where m.body = 'Scheduled hello'")" "$end_epoch"
eq "nothing reached the sandbox yet" "$(sqlite3 "$HOME/sandbox.db" 'select count(*) from accepted')" 0

expect_exit 0 "a person's own send now goes" -- hark send --to Kiri --body 'Urgent: your car is ready' --wait
contains "with a note about their quiet hours" "quiet hours until $end (it is"
contains "it is delivered" "delivered"
expect_exit 0 "an override goes now" -- hark send --to Kiri --body 'Overridden' --at +1s --override-quiet-hours
eq "the override is audited" "$(sql "select action from audit_log where detail like '%quiet hours overridden%'")" "override-quiet-hours"

# After the window, the held messages go.
i=0
while [ $i -lt 900 ] && [ "$(sql "select count(*) from messages where status in ('sent','delivered') and (body = 'Scheduled hello' or body like '%news for VIPs%' or body = 'Overridden')")" -lt 3 ]; do
	sleep 0.1; i=$((i + 1))
done
kill -TERM $pid; wait $pid
eq "the held scheduled message went" "$(sql "select status in ('sent','delivered') from messages where body = 'Scheduled hello'")" 1
eq "the held bulk message went" "$(sql "select status in ('sent','delivered') from messages where body like '%news for VIPs%'")" 1
eq "not before the window ended" "$(sql "select min(sent_at) / 1000 >= $end_epoch from messages where body = 'Scheduled hello' or body like '%news for VIPs%'")" 1
eq "the override went before it ended" "$(sql "select sent_at / 1000 < $end_epoch from messages where body = 'Overridden'")" 1
eq "each went once" "$(sqlite3 "$HOME/sandbox.db" "select count(*) from accepted")" 4
