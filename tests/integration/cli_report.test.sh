# hark report: text, --csv and --json say the same, the CSV parses, the
# figures are the ones worked out by hand, bad options are refused, and a
# scheduled report is emailed through the sandbox once per period.
. "$TESTS/lib.sh"
. "$TESTS/sandbox_profile.sh"
needs sqlite3 python3
# Periods are cut in local time: UTC-5 with no DST, a POSIX TZ (no tzdata).
export TZ=XST+5

expect_exit 0 "a report of an empty history" -- hark report --by day --since 2026-11-02 --until 2026-11-04
contains "it has the volume table" "VOLUME (in/out)"
contains "no turn, no time" "total      we answer them        0         0       -         -         -"

# The fixture: Ann writes before local midnight and we answer at 00:10; a
# contact whose name needs CSV quoting gets a failed WhatsApp message and an
# SMS resend (in EUR) that she answers a day later.
python3 - "$HARK_DB" <<'PY'
import calendar, sqlite3, sys
def T(day, hh, mm):
    return (calendar.timegm((2026, 11, day, 0, 0, 0)) + (hh + 5) * 3600 + mm * 60) * 1000
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO contacts (id, name, created_at, updated_at) VALUES (1, 'Ann', 0, 0)")
db.execute("INSERT INTO contacts (id, name, created_at, updated_at) VALUES (2, 'Smith, \"Jo\"', 0, 0)")
db.execute("INSERT INTO contact_tags VALUES (1, 'vip')")
rows = [
    (1, 'sms', 'in', 'received', T(2, 23, 50), None, None, None),
    (1, 'sms', 'out', 'delivered', T(3, 0, 10), 7900, 'USD', None),
    (1, 'sms', 'in', 'received', T(3, 1, 10), None, None, None),
    (2, 'whatsapp', 'out', 'failed', T(3, 10, 0), None, None, '63016'),
    (2, 'sms', 'out', 'delivered', T(3, 10, 5), 10000, 'EUR', None),
    (2, 'sms', 'in', 'received', T(4, 10, 5), None, None, None),
]
for n, (c, ch, d, st, at, p, cur, err) in enumerate(rows, 1):
    db.execute("INSERT INTO messages (contact_id, channel, direction, provider,"
        " from_addr, to_addr, body, status, error_code, price_micros, currency,"
        " created_at, sort_key) VALUES (?, ?, ?, 'twilio', ?, ?, 'x', ?, ?, ?, ?, ?, ?)",
        (c, ch, d, '+14155550100' if d == 'out' else '+1415555000%d' % c,
         '+14155550100' if d == 'in' else '+1415555000%d' % c, st, err, p, cur,
         at, at * 1048576 + n))
db.commit()
PY

R="--by day --since 2026-11-02 --until 2026-11-04"
hark report $R >"$HOME/r.txt" 2>&1 || fail "text report: $(cat "$HOME/r.txt")"
hark report $R --csv >"$HOME/r.csv" 2>&1 || fail "csv report: $(cat "$HOME/r.csv")"
hark report $R --json >"$HOME/r.json" 2>&1 || fail "json report: $(cat "$HOME/r.json")"
ok "the report in three formats"

python3 - "$HOME/r.txt" "$HOME/r.csv" "$HOME/r.json" <<'PY' || fail "the formats disagree"
import csv, json, re, sys
text = open(sys.argv[1]).read()
with open(sys.argv[2], newline='') as f:
    rows = list(csv.reader(f))
assert rows[0] == ['section', 'period', 'channel', 'item', 'metric', 'currency',
                   'value', 'note'], rows[0]
assert all(len(r) == 8 for r in rows), "every CSV row has 8 fields"
j = json.load(open(sys.argv[3]))

def csv_val(section, period, channel, item, metric, currency=''):
    got = [r[6] for r in rows[1:] if r[:6] == [section, period, channel, item, metric, currency]]
    assert len(got) == 1, (section, period, channel, item, metric, got)
    return int(got[0])

# By hand (local days): volume per day and channel.
want = {('2026-11-02', 'sms'): (1, 0), ('2026-11-03', 'sms'): (1, 2),
        ('2026-11-03', 'whatsapp'): (0, 1), ('2026-11-04', 'sms'): (1, 0)}
labels = [p['label'] for p in j['periods']]
assert labels == ['2026-11-02', '2026-11-03', '2026-11-04'], labels
vol = {}
for line in text.split('VOLUME (in/out)')[1].split('\n\n')[0].splitlines()[1:]:
    f = line.split()
    vol[f[0]] = [tuple(map(int, x.split('/'))) for x in f[1:]]
for p in j['periods']:
    for i, ch in enumerate(['sms', 'whatsapp', 'email', 'voice']):
        w = want.get((p['label'], ch), (0, 0))
        assert (p['volume'][ch]['in'], p['volume'][ch]['out']) == w, (p['label'], ch)
        assert (csv_val('volume', p['label'], ch, '', 'in'),
                csv_val('volume', p['label'], ch, '', 'out')) == w
        assert vol[p['label']][i] == w, (p['label'], ch, vol[p['label']])

# Responses: 3 turns of theirs, 1 answered in 20 min; 2 of ours, answered
# in 60 min and 24 h (median 60 min, p90 24 h: nearest rank).
ours, theirs = j['we_answer_them'], j['they_answer_us']
assert (ours['turns'], ours['answered'], ours['median_ms']) == (3, 1, 1200000), ours
assert (theirs['turns'], theirs['answered'], theirs['median_ms'], theirs['p90_ms']) == \
    (2, 2, 3600000, 86400000), theirs
assert csv_val('responses', 'total', '', 'we_answer_them', 'median_ms') == 1200000
assert csv_val('responses', 'total', '', 'they_answer_us', 'p90_ms') == 86400000
m = re.search(r'total\s+we answer them\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+ \S+)', text)
assert m and m.groups() == ('3', '1', '33.3%', '20m 0s'), m and m.groups()
m = re.search(r'total\s+they answer us\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+ \S+)\s+(\S+ \S+)', text)
assert m and m.groups() == ('2', '2', '100.0%', '1h 00m', '1d 0h'), m and m.groups()

# Delivery and the error's meaning.
wa = j['channels']['whatsapp']
assert (wa['left'], wa['failed'], wa['failure_rate']) == (1, 1, 1.0), wa
assert wa['errors'][0]['code'] == '63016' and '24-hour' in wa['errors'][0]['meaning']
assert csv_val('error', 'total', 'whatsapp', '63016', 'count') == 1
assert re.search(r'whatsapp\s+63016\s+1\s+WhatsApp: outside the 24-hour', text)

# Cost: one sum per currency, never added; by contact, the name survives CSV.
assert [(c['currency'], c['micros']) for c in j['cost']] == [('EUR', 10000), ('USD', 7900)]
assert csv_val('cost', 'total', '', '', 'cost_micros', 'EUR') == 10000
assert csv_val('cost', 'total', '', '', 'cost_micros', 'USD') == 7900
by = [(c['name'], c['currency'], c['micros']) for c in j['cost_by_contact']]
assert by == [('Smith, "Jo"', 'EUR', 10000), ('Ann', 'USD', 7900)], by
assert csv_val('cost_by_contact', 'total', '', 'Smith, "Jo"', 'cost_micros', 'EUR') == 10000
assert re.search(r'EUR\s+€0\.01\s+1\s+Smith, "Jo"', text), "text names the contact"
print("text, csv and json agree")
PY
ok "text, CSV and JSON agree and match the hand-worked figures"

expect_exit 0 "one channel" -- hark report $R --channel whatsapp --json
contains "only whatsapp" '"channel":"whatsapp"'
contains "no turn on whatsapp is answered" '"we_answer_them":{"turns":0'
expect_exit 0 "one tag" -- hark report $R --tag vip
contains "only Ann's turns" "total      we answer them        2         1"
expect_exit 0 "--help states the definitions" -- hark report --help
contains "what a turn is" "Turn: per contact"
contains "no business hours" "there are no business hours"
contains "currencies are never added" "never added"

expect_exit 1 "an unknown period is refused" -- hark report --by year
contains "it names it" "'year' is not day, week or month"
expect_exit 1 "a bad time is refused" -- hark report --since yesterday-ish
contains "it names the time" "'yesterday-ish' is not a time"
expect_exit 1 "since after until is refused" -- hark report --since 2026-11-05 --until 2026-11-01
expect_exit 1 "an unknown channel is refused" -- hark report --channel fax
expect_exit 1 "a stray argument is refused" -- hark report sms
expect_exit 1 "hark report ab is the A/B report" -- hark report ab nosuch
contains "it names the template" "nosuch"

# Scheduled reports.
expect_exit 1 "a schedule needs an address" -- hark report --schedule weekly
contains "it says so" "--email-to"
expect_exit 1 "a bad address is refused" -- hark report --schedule weekly --email-to 'not an address'
expect_exit 1 "a bad period is refused" -- hark report --schedule hourly --email-to boss@example.com
expect_exit 1 "a schedule has no --since" -- hark report --schedule weekly --email-to boss@example.com --since 7d
contains "it says why" "each report covers the week that just ended"
expect_exit 0 "a weekly report is scheduled" -- hark report --schedule weekly --email-to boss@example.com --channel sms
contains "it says who sends it" "sent by hark daemon"
expect_exit 0 "schedules are listed" -- hark report --schedules --json
contains "with its address" '"email_to":"boss@example.com"'
contains "and its options" '"channel":"sms"'

reports() { sql "select count(*) from messages where channel='email' and subject like 'hark report: week %'"; }
start_daemon() {
	"$HARK_BIN" daemon >"$HOME/daemon.log" 2>&1 &
	dpid=$!
	for i in $(seq 50); do grep -q "owns the outbox" "$HOME/daemon.log" && break; sleep 0.1; done
}
stop_daemon() { kill -TERM $dpid; wait $dpid || fail "the daemon stopped with $?"; }
start_daemon
i=0
while [ "$(sql "select count(*) from messages where subject like 'hark report:%' and status in ('sent','delivered')")" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
eq "the daemon emails last week's report" "$(sql "select count(*) from messages where subject like 'hark report:%' and status in ('sent','delivered')")" 1
eq "to the address" "$(sql "select to_addr from messages where subject like 'hark report:%'")" boss@example.com
sql "select body from messages where subject like 'hark report:%'" >"$HOME/body.txt"
grep -q "only: channel sms" "$HOME/body.txt" || fail "the email carries the report: $(cat "$HOME/body.txt")"
ok "the email's body is the text report with its options"
stop_daemon
start_daemon
sleep 1
stop_daemon
eq "a restart sends it no second time" "$(reports)" 1

next=$(( $(date +%s) + 8 * 86400 ))
expect_exit 0 "next week's report is due a week later" -- hark report --run-due --now "@$next"
contains "one is queued" "1 scheduled report queued"
expect_exit 0 "and only once" -- hark report --run-due --now "@$next"
contains "none the second time" "0 scheduled reports queued"
eq "two reports in all" "$(reports)" 2
eq "for two different weeks" "$(sql "select count(distinct subject) from messages where subject like 'hark report:%'")" 2

id=$(sql "select id from report_schedules")
expect_exit 0 "a schedule is removed" -- hark report --unschedule "$id"
eq "none left" "$(sql "select count(*) from report_schedules")" 0
expect_exit 1 "removing it twice says so" -- hark report --unschedule "$id"
contains "naming it" "no report schedule $id"
