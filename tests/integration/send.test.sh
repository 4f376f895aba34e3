# hark send through the sandbox: statuses, errors, dry runs, scheduling, the daemon.
. "$TESTS/lib.sh"
. "$TESTS/sandbox_profile.sh"

expect_exit 0 "a send waits until delivered" -- hark send --to '(415) 555-0123' --body 'Hello there' --wait
contains "it reports delivered" "delivered"
contains "the number is normalised to E.164" "+14155550123"
contains "one segment at the sandbox price" '1 segment, $0.0079'

expect_exit 0 "a dry run prints the encoding and segments" -- hark send --to +14155550123 --body 'Prices in € and {braces}' --dry-run
contains "GSM-7 with extension characters" "GSM-7"
contains "nothing is sent" "nothing was sent"
eq "a dry run writes no message" "$(sql 'select count(*) from messages')" 1

expect_exit 0 "a dry run spots UCS-2" -- hark send --to +14155550123 --body 'Grüße 👋' --dry-run --json
contains "json says UCS-2" '"encoding":"UCS-2"'

expect_exit 1 "an invalid number is refused before anything is written" -- hark send --to '+1 555' --body hi
contains "it says why" "not a valid"
expect_exit 1 "an unknown channel is named" -- hark send --to +14155550123 --channel fax --body hi
contains "it names the channel" "fax"
expect_exit 1 "an unknown contact is named" -- hark send --to 'Nobody Here' --body hi
contains "it names the contact" "Nobody Here"
expect_exit 1 "a bad time is named" -- hark send --to +14155550123 --body hi --at 'tomorow 9'
contains "it names the input" "tomorow 9"

expect_exit 2 "a number the provider refuses fails with its error" -- hark send --to +15005550001 --body hi --wait
contains "the provider's code is shown" "21211"
eq "the failed message is kept" "$(sql "select status from messages where to_addr='+15005550001'")" failed

expect_exit 2 "an undelivered message reports the carrier error" -- hark send --to +15005550009 --body hi --wait
contains "undelivered with 30006" "30006"

expect_exit 0 "a flaky provider is retried until it accepts" -- hark send --to +15005550500 --body retry --wait
eq "it took three attempts" "$(sql "select attempts from jobs j join messages m on m.id=j.message_id where m.to_addr='+15005550500'")" 3

expect_exit 0 "email goes through the sandbox too" -- hark send --to ann@example.com --subject Hi --body 'Hello Ann' --wait
contains "email delivered" "delivered"

expect_exit 0 "a send in two hours is scheduled" -- hark send --to +14155550124 --body later --at 2h
contains "it says scheduled" "scheduled"
eq "the job waits" "$(sql "select j.state from jobs j join messages m on m.id=j.message_id where m.body='later'")" pending

# The daemon owns the outbox: a send from the CLI is left to it.
"$HARK_BIN" daemon >"$HOME/daemon.log" 2>&1 &
dpid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do grep -q "owns the outbox" "$HOME/daemon.log" && break; sleep 0.2; done
grep -q "owns the outbox" "$HOME/daemon.log" || fail "the daemon did not start: $(cat "$HOME/daemon.log")"
expect_exit 2 "a second daemon is refused" -- hark daemon
contains "it names the owner" "pid $dpid"
expect_exit 0 "with the daemon running, send only queues" -- hark send --to +14155550125 --body 'via daemon'
contains "it says who sends" "pid $dpid"
expect_exit 0 "--wait follows the daemon's send to delivered" -- hark send --to +14155550126 --body 'via daemon 2' --wait
contains "delivered by the daemon" "delivered"
expect_exit 0 "a send due in two seconds is scheduled" -- hark send --to +14155550127 --body soon --at +2s
i=0
while [ "$(sql "select status from messages where body='soon'")" != delivered ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done
eq "the daemon sends it when due" "$(sql "select status from messages where body='soon'")" delivered
kill -TERM $dpid; wait $dpid
eq "the daemon stops on SIGTERM with status 0" "$?" 0
