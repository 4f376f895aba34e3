# cli_call: hark call puts a call in the thread, hark calls lists it and keeps
# its outcome; hark send checks media URLs and WhatsApp template ids.
. "$TESTS/lib.sh"
. "$TESTS/sandbox_profile.sh"

hark contacts add 'Ann Lee' --phone '+14155550177' >/dev/null || fail "contacts add"

expect_exit 0 "call a contact by name" -- hark call Ann
contains "says the call is under way" "voice +14155550177"
id=$(sql "SELECT id FROM messages WHERE channel = 'voice'")
[ -n "$id" ] || fail "the call should be a message in Ann's thread"
eq "the call has its calls row" "$(sql "SELECT count(*) FROM calls WHERE message_id = $id")" 1

expect_exit 0 "the call log" -- hark calls
contains "lists Ann's call" "Ann Lee (+14155550177)"
expect_exit 0 "record how it went" -- hark calls --outcome "$id" reached --notes 'wants a viewing Saturday'
expect_exit 0 "the call log as JSON" -- hark calls Ann --json
printf '%s' "$OUT" | python3 -c '
import json, sys
c = json.loads(sys.stdin.readline())
assert c["contact"] == "Ann Lee" and c["direction"] == "out", c
assert c["outcome"] == "reached" and c["notes"] == "wants a viewing Saturday", c
' || fail "calls --json: $OUT"
ok "the outcome and notes are kept"
expect_exit 1 "an outcome for a message that is no call" -- hark calls --outcome 999 reached
contains "says so" "is not a call"
expect_exit 1 "calling someone unknown" -- hark call Zed
contains "names who was not found" "Zed"

expect_exit 1 "media that is not a URL" -- hark send --to Ann --media /tmp/x.jpg --body hi
contains "says a public URL is needed" "public http(s) URL"
expect_exit 1 "a malformed Content SID" -- hark send --to Ann --channel whatsapp --content-sid HX12
contains "says what a Content SID is" "not a Content SID"
expect_exit 1 "template variables that are not a JSON object" -- \
    hark send --to Ann --channel whatsapp --content-sid HX0123456789abcdef0123456789abcdef --content-vars '[1]'
contains "says what is expected" "JSON object"
expect_exit 0 "an MMS with a picture and no text" -- \
    hark send --to Ann --media https://example.com/house.jpg --wait
eq "the picture is kept with the message" \
    "$(sql "SELECT a.url FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.direction = 'out'")" \
    https://example.com/house.jpg
