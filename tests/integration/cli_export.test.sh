# cli_export: `hark export` writes what `hark import` reads back unchanged,
# and CSV that a spreadsheet (or Python's csv module) reads.
. "$TESTS/lib.sh"
export HARK_DB="$HOME/h.db"

cat > history.jsonl <<'L'
{"channel":"sms","contact":"Ann Lee","address":"+14155552671","direction":"in","timestamp":"2026-11-20T09:58:00.250Z","body":"Quote, please: \"roof\"\nand gutters"}
{"channel":"sms","contact":"Ann Lee","address":"+14155552671","direction":"out","timestamp":"2026-11-20T10:02:00Z","body":"Sending it now","status":"failed","error_code":"30007","error_text":"Carrier violation","price":"-0.0079","currency":"USD","segments":1}
{"channel":"email","contact":"Bo Diaz","address":"bo@example.com","direction":"out","timestamp":"2026-11-21T08:00:00Z","subject":"Your order","body":"Ready Monday.","message_id":"<o1@example.com>","provider":"smtp","provider_id":"o1"}
{"channel":"voice","contact":"Bo Diaz","address":"+442079460958","direction":"in","timestamp":"2020-01-01T00:00:00Z","body":"Missed call"}
L
expect_exit 0 "import the history" -- hark import history.jsonl

expect_exit 0 "export as JSON lines" -- hark export -o out.jsonl
eq "one line per message" "$(wc -l < out.jsonl | tr -d ' ')" 4
python3 -c '
import json, sys
for line in open("out.jsonl"):
    json.loads(line)
' || fail "export is not JSON lines"
ok "every exported line is JSON"
eq "the export is private" "$(stat -c %a out.jsonl)" 600

export HARK_DB="$HOME/fresh.db"
expect_exit 0 "the export imports into a new database" -- hark import out.jsonl
contains "every message comes across" "imported 4 messages, 0 already present, 0 lines rejected"
hark export > again.jsonl || fail "export of the new database"
cmp -s out.jsonl again.jsonl || fail "the round trip changed messages: $(diff out.jsonl again.jsonl)"
ok "export → import → export gives the same messages"
expect_exit 0 "importing the export again" -- hark import out.jsonl
contains "adds nothing" "imported 0 messages, 4 already present"

expect_exit 0 "CSV export" -- hark export --format csv
printf '%s\n' "$OUT" > out.csv
python3 -c '
import csv
rows = list(csv.DictReader(open("out.csv", newline="")))
assert len(rows) == 4, rows
r = [x for x in rows if x["direction"] == "in" and x["channel"] == "sms"][0]
assert r["body"] == "Quote, please: \"roof\"\nand gutters", r["body"]
assert r["contact"] == "Ann Lee"
f = [x for x in rows if x["status"] == "failed"][0]
assert f["error_text"] == "Carrier violation" and f["price"] == "-0.0079", f
' || fail "CSV does not read back: $OUT"
ok "CSV has a header, quotes commas, quotes and newlines"

expect_exit 0 "export one contact" -- hark export --contact "Bo Diaz"
eq "only that contact's messages" "$(printf '%s\n' "$OUT" | grep -c '"contact":"Bo Diaz"')" 2
lacks "no one else's" "Ann Lee"

expect_exit 0 "export since a date" -- hark export --since 2026-01-01
eq "the old call is left out" "$(printf '%s\n' "$OUT" | grep -c .)" 3
expect_exit 0 "export until a date" -- hark export --until 2026-11-20
eq "only the old call" "$(printf '%s\n' "$OUT" | grep -c .)" 1

expect_exit 1 "an unknown contact" -- hark export --contact nobody
contains "the contact is named" "nobody"
expect_exit 1 "an unknown format" -- hark export --format xml
expect_exit 1 "a bad --since" -- hark export --since yesterdayish
