# The dashboard: D opens it over the panes, d/w/m switch the period, [ and ]
# move it, h/l select a bar and Enter lists the messages behind that bar; a
# chosen one opens in its thread. Block characters, or ASCII in mono.
. "$TESTS/tui_lib.sh"
. "$TESTS/sandbox_profile.sh"
command -v python3 >/dev/null || skip "needs python3"

# Two days ago Ann asked and we answered 20 minutes later; yesterday Bob
# wrote an email nobody answered. Times in UTC, the dashboard's zone too.
python3 - >"$HOME/history.jsonl" <<'PY'
import datetime as dt
day = dt.datetime.now(dt.timezone.utc).replace(hour=10, minute=0, second=0, microsecond=0)
def at(days, minutes=0):
    return (day - dt.timedelta(days=days) + dt.timedelta(minutes=minutes)).strftime('%Y-%m-%dT%H:%M:%SZ')
print('{"channel":"sms","contact":"Ann Lee","address":"+14155552671","direction":"in","timestamp":"%s","body":"Is the roof quote ready?"}' % at(2))
print('{"channel":"sms","contact":"Ann Lee","address":"+14155552671","direction":"out","timestamp":"%s","body":"Yes, sending it now","status":"delivered"}' % at(2, 20))
print('{"channel":"email","contact":"Bob Roe","address":"bob@example.com","direction":"in","timestamp":"%s","subject":"Invoice 42","body":"Please find invoice 42 attached"}' % at(1))
PY
OUT=$("$HARK_BIN" import "$HOME/history.jsonl" 2>&1) || fail "import: $OUT"
two_days_ago=$(TZ=UTC0 date -d '2 days ago' +%Y-%m-%d)

tui_open r 120 40 TZ=UTC0
wait_for r "Contacts (2)" 5 "the inbox first"
keys r D
wait_for r "Dashboard by week" 5 "D opens the dashboard"
screen_has r "Messages per period" "with the bar chart"
screen_has r "we answer them" "and the response sparklines"
screen_has r "answered 50.0% of 2" "one of Ann's and Bob's turns answered"
screen_has r "median 20m 0s" "in 20 minutes"
screen_has r "█" "bars are drawn with block characters"

keys r "?"
wait_for r "Keys in report" 5 "? lists the dashboard's keys"
screen_has r "report open" "Enter among them"
keys r Escape
wait_gone r "Keys in report" 5 "Escape closes the list"

keys r d
wait_for r "Dashboard by day" 5 "d switches to days"
first=$(screen r | sed -n 's/.*Dashboard by day, \([0-9-]*\) to.*/\1/p')
keys r "["
wait_for_first() {
	i=0
	while [ "$(screen r | sed -n 's/.*Dashboard by day, \([0-9-]*\) to.*/\1/p')" = "$1" ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i+1))
	done
}
wait_for_first "$first"
eq "[ moves the window a day earlier" \
    "$(screen r | sed -n 's/.*Dashboard by day, \([0-9-]*\) to.*/\1/p')" \
    "$(TZ=UTC0 date -d "$first -1 day" +%Y-%m-%d)"
keys r "]"
wait_for_first "$(TZ=UTC0 date -d "$first -1 day" +%Y-%m-%d)"
eq "] moves it back" "$(screen r | sed -n 's/.*Dashboard by day, \([0-9-]*\) to.*/\1/p')" "$first"
keys r "]"
wait_for r "already ends with the current day" 5 "and no further than today"

keys r h h
wait_for r "$two_days_ago:  sms 1/1" 5 "h selects the bar of two days ago"
screen_has r "answered 100.0%, median 20m 0s" "with that day's response time"
keys r Enter
wait_for r "$two_days_ago: 2 messages" 5 "Enter lists the messages behind the bar"
screen_has r "Ann Lee" "they are Ann's"
keys r Enter
wait_for r "Yes, sending it now" 5 "choosing one opens Ann's thread"
wait_gone r "Dashboard by day" 5 "the dashboard is closed"

keys r D
wait_for r "Dashboard by week" 5 "the dashboard again"
keys r :
type_text r "report year"
keys r Enter
wait_for r "'year' is not day, week, month" 5 "a bad period is named"
keys r q
wait_gone r "Dashboard by" 5 "q closes it"
wait_for r "Contacts (2)" 5 "the panes are back"

# Mono: ASCII bars and sparklines, no block characters.
tui_open m 120 40 TZ=UTC0 NO_COLOR=1
wait_for m "Contacts (2)" 5 "a mono hark"
keys m D
wait_for m "Dashboard by week" 5 "its dashboard"
screen_lacks m "█" "no block characters in mono"
screen_has m "#" "ASCII bars instead"
quit_hark r
