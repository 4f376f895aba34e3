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
eq "one line per message" "$(grep -vc '"type":' out.jsonl)" 4
eq "one line per contact, before the messages" \
    "$(head -n 2 out.jsonl | grep -c '"type":"contact"')" 2
python3 -c '
import json, sys
for line in open("out.jsonl"):
    json.loads(line)
' || fail "export is not JSON lines"
ok "every exported line is JSON"
eq "the export is private" "$(stat -c %a out.jsonl)" 600

export HARK_DB="$HOME/fresh.db"
expect_exit 0 "the export imports into a new database" -- hark import out.jsonl
contains "every message comes across" "imported 4 messages, 0 already present, 0 lines rejected; 2 contacts"
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
eq "the old call is left out" "$(printf '%s\n' "$OUT" | grep -vc '"type":')" 3
expect_exit 0 "export until a date" -- hark export --until 2026-11-20
eq "only the old call" "$(printf '%s\n' "$OUT" | grep -vc '"type":')" 1

expect_exit 1 "an unknown contact" -- hark export --contact nobody
contains "the contact is named" "nobody"
expect_exit 1 "an unknown format" -- hark export --format xml
expect_exit 1 "a bad --since" -- hark export --since yesterdayish

# Spreadsheets run a cell that starts with = + - @ as a formula; an SMS body
# is written by whoever sent it, so such cells get a leading apostrophe.
cat > formula.jsonl <<'L'
{"channel":"sms","contact":"Eve","address":"+14155550199","direction":"in","timestamp":"2026-11-22T10:00:00Z","body":"=HYPERLINK(\"http://evil.example\",\"click\")"}
{"channel":"sms","contact":"Eve","address":"+14155550199","direction":"in","timestamp":"2026-11-22T10:01:00Z","body":"@SUM(A1:A9)","price":"-0.0079","currency":"USD"}
L
export HARK_DB="$HOME/formula.db"
expect_exit 0 "import cells that look like formulas" -- hark import formula.jsonl
expect_exit 0 "CSV export guards formulas" -- hark export --format csv -o guarded.csv
python3 - <<'P' || fail "formula cells are not guarded"
import csv
rows = list(csv.DictReader(open("guarded.csv", newline="")))
assert rows[0]["body"] == "'=HYPERLINK(\"http://evil.example\",\"click\")", rows[0]["body"]
assert rows[1]["body"] == "'@SUM(A1:A9)", rows[1]["body"]
assert rows[1]["price"] == "-0.0079", rows[1]["price"]          # numbers stay numbers
assert rows[1]["address"] == "+14155550199", rows[1]["address"]
P
ok "a formula cell starts with an apostrophe; numbers and phone numbers do not"
expect_exit 0 "--raw writes cells exactly" -- hark export --format csv --raw -o raw.csv
python3 -c '
import csv
rows = list(csv.DictReader(open("raw.csv", newline="")))
assert rows[1]["body"] == "@SUM(A1:A9)", rows[1]["body"]
' || fail "--raw changed a cell"
ok "--raw leaves the formula as stored"

# Progress: nothing when stderr is not a terminal, a line a second with --progress.
export HARK_DB="$HOME/h.db"
expect_exit 0 "export to a file, stderr not a terminal" -- hark export -o quiet.jsonl
eq "no progress unless asked" "$OUT" ""
expect_exit 0 "--progress" -- hark export --progress -o loud.jsonl
contains "progress names the count and the total" "exported 4 of 4 messages"

# A full disk stops the export with exit 2 and says the output is partial.
if [ -w /dev/full ]; then
	expect_exit 2 "a full disk" -- hark export -o /dev/full
	contains "the error is the disk's" "No space left on device"
	contains "the output is said to be partial" "/dev/full is partial"
fi
# A reader that goes away early: exit 2 and a clear word, not a silent death.
# The history is bigger than a pipe holds, so the export is still writing.
python3 -c '
import json
for i in range(3000):
    print(json.dumps({"channel": "sms", "address": "+1415555%04d" % (i % 50),
        "direction": "in", "timestamp": 1790000000000 + i * 1000, "body": "x" * 200}))
' > big.jsonl
export HARK_DB="$HOME/big.db"
expect_exit 0 "import a bigger history" -- hark import --quiet big.jsonl
rc=$( (hark export --format csv 2>err.txt; echo $? > rc.txt) | head -c 1 >/dev/null; cat rc.txt)
eq "a closed pipe is exit 2" "$rc" 2
grep -q "Broken pipe" err.txt || fail "closed pipe not reported: $(cat err.txt)"
ok "a closed pipe is reported"

# A contact line the database refuses (a conversation status it does not
# know) is rejected with its line number; the lines around it are imported.
export HARK_DB="$HOME/bad-contact.db"
cat > bad-contact.jsonl <<'L'
{"type":"contact","id":1,"name":"Ann Lee","identities":[{"kind":"phone","address":"+14155552671"}],"conversation":{"status":"archived"}}
{"type":"contact","id":2,"name":"Bo Diaz","identities":[{"kind":"email","address":"bo@example.com"}],"tags":["lead"]}
{"channel":"email","address":"bo@example.com","direction":"in","timestamp":"2026-11-21T08:00:00Z","body":"hi","contact_id":2}
{"type":"contact","name":"Cy","identities":[{"kind":"fax","address":"1"}]}
L
expect_exit 3 "an import with bad contact lines" -- hark import bad-contact.jsonl
contains "the refused status is named with its line" "line 1: "
contains "the unknown identity kind too" "line 4: identity 1: kind must be phone, whatsapp or email"
contains "the rest is imported" "imported 1 message, 0 already present, 2 lines rejected; 1 contact"
eq "Ann is not half-written" "$(sql "SELECT count(*) FROM contacts WHERE name = 'Ann Lee'")" 0
eq "Bo has his tag and his message" "$(sql "SELECT count(*) FROM contact_tags JOIN messages USING (contact_id) WHERE tag = 'lead'")" 1
expect_exit 0 "the database is sound" -- hark db check
