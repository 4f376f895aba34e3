# cli_search: `hark search` finds words across every message; `hark log`
# prints a thread, and neither lets a message drive the terminal.
. "$TESTS/lib.sh"
export HARK_DB="$HOME/h.db"

esc=$(printf '\033')
cat > history.jsonl <<L
{"channel":"sms","contact":"Ann Lee","address":"+14155552671","direction":"in","timestamp":"2026-11-20T09:58:00Z","body":"Is the roof quote ready?"}
{"channel":"sms","contact":"Ann Lee","address":"+14155552671","direction":"out","timestamp":"2026-11-20T10:02:00Z","body":"Yes, sending it now","status":"failed","error_text":"Carrier violation","error_code":"30007"}
{"channel":"email","contact":"Ann Lee","address":"ann@example.com","direction":"out","timestamp":"2026-11-21T08:00:00Z","subject":"Quote #12","body":"Dear Ann,\\nthe quote is attached.","price":"0.0100","currency":"USD"}
{"channel":"sms","contact":"Mallory","address":"+14155550199","direction":"in","timestamp":"2026-11-22T08:00:00Z","body":"\\u001b[2J\\u001b]0;owned\\u0007gotcha quote"}
L
expect_exit 0 "import" -- hark import history.jsonl

expect_exit 0 "search a word" -- hark search quote
contains "finds the SMS" "Ann Lee"
contains "marks the match" "[quote]"
eq "newest first" "$(printf '%s\n' "$OUT" | head -n 1 | grep -c Mallory)" 1
tr -dc "$esc" <<E > esc.txt
$OUT
E
eq "search prints no escape sequence from a message" "$(wc -c < esc.txt | tr -d ' ')" 0

expect_exit 0 "search --json" -- hark search --json quote
printf '%s' "$OUT" | python3 -c '
import json, sys
hits = json.load(sys.stdin)
assert len(hits) == 3, hits
assert all("snippet" in h and "contact" in h for h in hits)
' || fail "search --json: $OUT"
ok "search --json parses"
expect_exit 0 "--limit" -- hark search --limit 1 quote
eq "one hit" "$(printf '%s\n' "$OUT" | grep -c .)" 1
expect_exit 0 "a word nobody wrote" -- hark search zebra
eq "no hits, no output" "$OUT" ""
expect_exit 1 "a malformed query" -- hark search 'quote AND'
contains "says the query is bad" "bad search query"

expect_exit 0 "log of a contact" -- hark log ann
contains "the header names the contact" "Ann Lee"
contains "days are separated" "Fri 20 Nov 2026"
contains "a failed send says why" "failed: Carrier violation (30007)"
contains "email shows its subject" "Subject: Quote #12"
contains "the price is shown" "\$0.01"
eq "oldest at the top" "$(printf '%s\n' "$OUT" | grep -n 'roof' | cut -d: -f1)" 4

expect_exit 0 "log of a message with escape sequences" -- hark log Mallory
contains "the text is there" "gotcha quote"
tr -dc "$esc" <<E > esc.txt
$OUT
E
eq "no raw ESC byte reaches the terminal" "$(wc -c < esc.txt | tr -d ' ')" 0

expect_exit 0 "log --json" -- hark log --json ann
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["contact"] == "Ann Lee" and len(d["messages"]) == 3, d
' || fail "log --json: $OUT"
ok "log --json parses"
expect_exit 0 "log --limit 1" -- hark log --limit 1 ann
lacks "only the newest message" "roof"
expect_exit 1 "log of nobody" -- hark log nobody
