# cli_import: `hark import` loads JSON lines, names the lines it cannot use,
# imports the rest, and adds nothing when the same file comes again.
. "$TESTS/lib.sh"
export HARK_DB="$HOME/h.db"

cat > history.jsonl <<'L'
{"channel":"sms","contact":"Ann Lee","address":"(415) 555-2671","direction":"in","timestamp":"2026-11-20T09:58:00Z","body":"Is the roof quote ready?"}
{"channel":"sms","contact":"Ann Lee","address":"+14155552671","direction":"out","timestamp":"2026-11-20T10:02:00Z","body":"Yes, sending it now","status":"delivered","price":"0.0079","currency":"USD"}
{"channel":"fax","contact":"Ann Lee","address":"+14155552671","direction":"in","timestamp":"2026-11-20T10:03:00Z","body":"beep"}
{"channel":"email","contact":"Ann Lee","address":"Ann Lee <ann@Example.com>","direction":"out","timestamp":1795169400000,"subject":"Quote #12","body":"Dear Ann,\nthe quote is attached."}

{"channel":"whatsapp","contact":"Bo Diaz","address":"+44 7700 900123","direction":"in","timestamp":"2026-11-21T08:15:00+01:00","body":"On my way","provider":"twilio","provider_id":"SM0001"}
L

expect_exit 3 "a file with a bad line in the middle is a partial import" -- \
    hark import history.jsonl
contains "the bad line is named with what is wrong" "line 3: unknown channel 'fax'"
contains "the summary counts what happened" \
    "imported 4 messages, 0 already present, 1 line rejected"
eq "the lines around the bad one are there" "$(sql 'SELECT count(*) FROM messages')" 4
eq "phone and email under one name make one contact" \
    "$(sql "SELECT count(*) FROM contacts WHERE name = 'Ann Lee'")" 1
eq "phone numbers are stored in E.164" \
    "$(sql "SELECT count(*) FROM identities WHERE address = '+14155552671'")" 1
eq "imported history is not unread" "$(sql 'SELECT sum(unread) FROM conversations')" 0

expect_exit 3 "importing the same file again" -- hark import history.jsonl
contains "nothing is added the second time" \
    "imported 0 messages, 4 already present, 1 line rejected"
eq "nothing is duplicated" "$(sql 'SELECT count(*) FROM messages')" 4

# Standard input, and what each kind of bad line says.
cat > bad.jsonl <<'L'
not json at all
{"channel":"sms","direction":"in","timestamp":"2026-11-20T09:58:00Z","body":"x"}
{"channel":"sms","address":"12","direction":"in","timestamp":"2026-11-20T09:58:00Z"}
{"channel":"sms","address":"+14155552671","direction":"in","timestamp":"last tuesday"}
{"channel":"sms","address":"+14155552671","direction":"sideways","timestamp":"2026-11-20T09:58:00Z"}
{"channel":"email","address":"not-an-email","direction":"in","timestamp":"2026-11-20T09:58:00Z"}
{"channel":"sms","address":"+14155552671","direction":"in","timestamp":"2026-11-22T09:00:00Z","body":"from stdin"}
L
expect_exit 3 "import from standard input" -- sh -c "\"$HARK_BIN\" import - < bad.jsonl"
contains "bad JSON is named" "line 1: not valid JSON"
contains "a missing field is named" "line 2: missing field 'address'"
contains "a bad phone number is named" "line 3: bad address '12'"
contains "a bad timestamp is named" "line 4: bad timestamp 'last tuesday'"
contains "a bad direction is named" "line 5: unknown direction 'sideways'"
contains "a bad email is named" "line 6: bad address 'not-an-email'"
contains "the good line still goes in" "imported 1 message, 0 already present, 6 lines rejected"

expect_exit 3 "--json summary" -- hark import --json history.jsonl
printf '%s' "$OUT" | sed -n '/^{/,/^}/p' | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["imported"] == 0 and d["already_present"] == 4 and d["rejected"] == 1, d
' || fail "--json summary is not the JSON expected: $OUT"
ok "--json summary parses"

expect_exit 2 "a missing file is an error" -- hark import no-such-file.jsonl
contains "the missing file is named" "no-such-file.jsonl"
expect_exit 1 "no file is a usage error" -- hark import
expect_exit 0 "--help" -- hark import --help
contains "--help shows the usage" "usage: hark import"

: > empty.jsonl
expect_exit 0 "an empty file" -- hark import empty.jsonl
contains "imports nothing" "imported 0 messages, 0 already present, 0 lines rejected"

# More lines than one batch: every batch is committed and searchable.
export HARK_DB="$HOME/big.db"
python3 -c '
import json
for i in range(120000):
    print(json.dumps({"channel": "sms", "contact": "Customer %d" % (i % 500),
        "address": "+1415555%04d" % (i % 500), "direction": "in" if i % 2 else "out",
        "timestamp": 1700000000000 + i * 1000,
        "body": "batch%d message %d" % (i // 50000, i)}))
' > big.jsonl
expect_exit 0 "an import bigger than one batch" -- hark import --quiet big.jsonl
contains "every line" "imported 120000 messages"
eq "all there" "$(sql 'SELECT count(*) FROM messages')" 120000
eq "500 contacts" "$(sql 'SELECT count(*) FROM contacts')" 500
expect_exit 0 "search the first batch" -- hark search batch0
contains "found" "batch0"
expect_exit 0 "search the last batch" -- hark search batch2
contains "found" "batch2"
eq "conversations know their last message" \
    "$(sql "SELECT last_activity FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE k.name = 'Customer 499'")" \
    "$((1700000000000 + 119999 * 1000))"
