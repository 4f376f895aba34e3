# Preferences and opt-outs on every send path: hark contacts set validates
# what it is given, an opted-out channel is refused with when and why (also
# for a message scheduled before the opt-out), a frequency cap refuses a
# person's send and holds a scheduled one, and overrides are audited.
. "$TESTS/lib.sh"
. "$TESTS/sandbox_profile.sh"

hark contacts add 'Ann Lee' --phone +14155550111 --email ann@example.com >/dev/null
hark contacts add 'Bob Roe' --phone +14155550112 >/dev/null

expect_exit 1 "an unknown time zone is refused" -- hark contacts set Ann --tz Mars/Olympus
contains "it names the zone" "unknown time zone 'Mars/Olympus'"
expect_exit 1 "bad quiet hours are refused" -- hark contacts set Ann --quiet 21:00-25:00
contains "it shows the form" "HH:MM-HH:MM"
expect_exit 1 "a bad cap is refused" -- hark contacts set Ann --cap 3/month
contains "it says what a cap looks like" "N/day or N/week"
expect_exit 1 "a fallback order with voice is refused" -- hark contacts set Ann --fallback sms,voice
expect_exit 1 "an opt-out of a channel the contact has no address for is refused" -- hark contacts set Bob --opt-out email
contains "it says so" "no address for email"
eq "nothing was saved by the refused changes" "$(sql 'select count(*) from preferences')" 0

expect_exit 0 "preferences are saved together" -- hark contacts set Ann --prefer sms --fallback sms,email --tz America/New_York --quiet 21:00-08:00 --cap 2/day
contains "the summary shows them" "quiet 21:00-08:00"
contains "the summary shows the cap" "cap 2/day"
eq "the stored row" "$(sql 'select preferred_channel, fallback_order, timezone, quiet_start, quiet_end, frequency_cap, cap_period from preferences')" "sms|sms,email|America/New_York|1260|480|2|day"

# Opt-out: manual, with a reason; refused with its date and reason.
expect_exit 0 "a manual opt-out" -- hark contacts set Bob --opt-out sms --reason 'asked by phone'
contains "the summary says it" "opted out of sms (manual"
eq "the opt-out is stored with its source and reason" "$(sql "select channel, address, source, reason from opt_outs")" "sms|+14155550112|manual|asked by phone"
eq "the opt-out is audited" "$(sql "select action from audit_log where action = 'opt-out'")" "opt-out"
today=$(date -u +%Y-%m-%d)
expect_exit 1 "a send to the opted-out channel is refused" -- hark send --to Bob --body 'Hello'
contains "it gives the date" "opted out of sms on $today"
contains "it gives the reason" "manual: asked by phone"
expect_exit 1 "--override-quiet-hours does not override an opt-out" -- hark send --to Bob --body 'Hello' --override-quiet-hours
expect_exit 1 "a batch line to it is refused too" -- sh -c "echo '{\"to\":\"+14155550112\",\"body\":\"x\"}' | \"$HARK_BIN\" send --batch -"
contains "the batch says why" "opted out of sms"

# A message scheduled before the opt-out never goes.
expect_exit 0 "opt back in" -- hark contacts set Bob --opt-in sms
expect_exit 0 "schedule a message" -- hark send --to Bob --body 'Later' --at +3s
expect_exit 0 "opt out again before it is due" -- hark contacts set Bob --opt-out sms --reason 'changed mind'
timeout 8 "$HARK_BIN" daemon --quiet >/dev/null 2>&1
eq "the scheduled message failed instead of going" "$(sql "select status from messages where body = 'Later'")" failed
contains_sql() { OUT=$(sql "$1"); contains "$2" "$3"; }
contains_sql "select error_text from messages where body = 'Later'" "the failure gives the reason" "opted out of sms on $today (manual: changed mind)"
eq "the sandbox never received it" "$(sqlite3 "$HOME/sandbox.db" "select count(*) from accepted where body = 'Later'")" 0

# Frequency cap 2/day: a person's third send is refused; --override-cap sends and is audited.
expect_exit 0 "first message" -- hark send --to Ann --body 'one' --override-quiet-hours
expect_exit 0 "second message" -- hark send --to Ann --body 'two' --override-quiet-hours
expect_exit 1 "the third is over the cap" -- hark send --to Ann --body 'three' --override-quiet-hours
contains "it names the cap" "frequency cap (2/day)"
contains "it says how to send anyway" "--override-cap"
expect_exit 0 "--override-cap sends it" -- hark send --to Ann --body 'three' --override-cap --override-quiet-hours
eq "the override is in the audit log" "$(sql "select count(*) from audit_log where action like 'override%' and detail like '%frequency cap overridden%'")" 1
eq "the audit names who" "$(sql "select actor from audit_log where detail like '%frequency cap overridden%'")" "${USER:-$(id -un)}"

# A scheduled message over the cap is held, not refused.
expect_exit 0 "a scheduled message over the cap is accepted" -- hark send --to Ann --body 'four' --at +2s --override-quiet-hours
timeout 5 "$HARK_BIN" daemon --quiet >/dev/null 2>&1
eq "it is held" "$(sql "select status from messages where body = 'four'")" scheduled
contains_sql "select last_error from jobs j join messages m on m.id = j.message_id where m.body = 'four'" "the job says why" "held for the frequency cap until"
