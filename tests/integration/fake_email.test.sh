# fake_email: the fake SendGrid and Mailgun APIs themselves (tests/fakes/
# email_fake.py) — a request that breaks the API's spec or documented rules
# is refused the way the service refuses it and logged as a violation, while
# wrong credentials and the magic recipients are the service's answers, not
# violations; so the end-to-end tests' empty violation log means something.
. "$TESTS/email_lib.sh"

start_fake() {
	FAKE_DIR="$HOME/fake-$1"
	mkdir -p "$FAKE_DIR"
	$PY "$TESTS/../fakes/email_fake.py" --mode "$1" --dir "$FAKE_DIR" --api-key "$EM_KEY" \
	    --domain mg.example.test --speed 0.01 >"$HOME/fake-$1.log" 2>&1 &
	FAKE_PID=$!
	wait_until "the fake $1 API listens" 10 test -s "$FAKE_DIR/port"
	FAKE_URL="http://127.0.0.1:$(cat "$FAKE_DIR/port")"
}
trap em_cleanup EXIT
# post ARGS...: a curl POST to the fake; CODE is the status, BODY the answer.
post() {
	BODY=$(curl -sS --max-time 10 -o - -w '\n%{http_code}' "$@") || fail "curl $*"
	CODE=$(printf '%s' "$BODY" | tail -n 1)
	BODY=$(printf '%s' "$BODY" | sed '$d')
}
violations() { wc -l < "$FAKE_DIR/violations.jsonl" | tr -d ' '; }

# ---- SendGrid ------------------------------------------------------------------
start_fake sendgrid
SG="$FAKE_URL/v3/mail/send"
GOOD='{"personalizations":[{"to":[{"email":"ann@example.com"}],"custom_args":{"hark_id":"1"}}],
 "from":{"email":"me@example.test","name":"Me"},"subject":"Hi",
 "content":[{"type":"text/plain","value":"hello"},{"type":"text/html","value":"<p>hello</p>"}],
 "attachments":[{"content":"aGVsbG8=","filename":"a.txt","type":"text/plain"}]}'
post -H "Authorization: Bearer $EM_KEY" -H 'Content-Type: application/json' --data-binary "$GOOD" \
    -D "$HOME/h" "$SG"
eq "a valid Mail Send request is accepted" "$CODE" 202
grep -qi '^X-Message-Id: [A-Za-z0-9_]' "$HOME/h" || fail "no X-Message-Id: $(cat "$HOME/h")"
ok "with an X-Message-Id header"
eq "its attachment is kept byte for byte" "$(cat "$FAKE_DIR"/attachments/*-1-a.txt)" hello
post -H "Authorization: Bearer wrong" -H 'Content-Type: application/json' --data-binary "$GOOD" "$SG"
eq "a wrong key gets 401" "$CODE" 401
eq "which is SendGrid's answer, not a violation" "$(violations)" 0
for bad in \
    '{"personalizations":[{"to":[{"email":"ann@example.com"}]}],"from":{"email":"me@example.test"},"content":[{"type":"text/plain","value":"x"}]}|subject' \
    '{"personalizations":[{"to":[{"email":"not-an-address"}]}],"from":{"email":"me@example.test"},"subject":"s","content":[{"type":"text/plain","value":"x"}]}|personalizations.0.to.0.email' \
    '{"personalizations":[{"to":[{"email":"a@example.com"}]}],"from":{"email":"me@example.test"},"subject":"s","content":[{"type":"text/html","value":"<p>x</p>"},{"type":"text/plain","value":"x"}]}|content' \
    '{"personalizations":[{"to":[{"email":"a@example.com"}]}],"from":{"email":"me@example.test"},"subject":"s","content":[{"type":"text/plain","value":"x"}],"custom_args":{"hark_id":"1"}}|custom_args' \
    '{"personalizations":[{"to":[{"email":"a@example.com"}]}],"from":{"email":"me@example.test"},"subject":"s","content":[{"type":"text/plain","value":"x"}],"attachments":[{"content":"!!!","filename":"a"}]}|attachments.0.content' \
    '{"personalizations":[{"to":[{"email":"a@example.com"}]}],"from":{"email":"me@example.test"},"subject":"s","content":[{"type":"text/plain","value":"x"}],"headers":{"Subject":"other"}}|headers' \
    '{"personalizations":[{"to":[{"email":"a@example.com"}]}],"from":{"email":"me@example.test"},"subject":"s","content":[{"type":"text/plain","value":"x"}],"colour":"red"}|colour'; do
	n=$(violations)
	post -H "Authorization: Bearer $EM_KEY" -H 'Content-Type: application/json' \
	    --data-binary "${bad%|*}" "$SG"
	eq "a request breaking '${bad#*|}' gets 400" "$CODE" 400
	case "$BODY" in *"\"field\": \"${bad#*|}\""*) ok "naming the field in errors[]" ;;
	*) fail "errors[] lacks the field ${bad#*|}: $BODY" ;; esac
	eq "and is logged as a violation" "$(violations)" $((n + 1))
done
post -H 'Content-Type: application/json' --data-binary "$GOOD" "$SG"
eq "no credentials at all: 401" "$CODE" 401
kill $FAKE_PID; wait $FAKE_PID 2>/dev/null; FAKE_PID=

# ---- Mailgun ---------------------------------------------------------------------
start_fake mailgun
MG="$FAKE_URL/v3/mg.example.test/messages"
printf 'PDF\000\377bytes' > "$HOME/inv.pdf"
post -u "api:$EM_KEY" --form-string 'from=Me <me@mg.example.test>' -F to=bo@example.com -F subject=Invoice \
    -F text=Attached --form-string 'h:Message-Id=<m1@mg.example.test>' -F v:hark_id=9 \
    -F "attachment=@$HOME/inv.pdf;type=application/pdf" "$MG"
eq "a valid Messages request is accepted" "$CODE" 200
eq "its id is the Message-Id given" "$(printf '%s' "$BODY" | $PY -c 'import json,sys; print(json.load(sys.stdin)["id"])')" \
    "<m1@mg.example.test>"
cmp -s "$HOME/inv.pdf" "$FAKE_DIR"/attachments/*-1-inv.pdf || fail "the attachment differs"
ok "its attachment is kept byte for byte"
post -u "api:$EM_KEY" -G --data-urlencode message-id=m1@mg.example.test -d event=accepted \
    "$FAKE_URL/v3/mg.example.test/events"
eq "the Events API finds it by its Message-ID" \
    "$(printf '%s' "$BODY" | $PY -c 'import json,sys; print([i["message"]["headers"]["message-id"] for i in json.load(sys.stdin)["items"]])')" \
    "['m1@mg.example.test']"
eq "no violation so far" "$(violations)" 0
post -u "api:$EM_KEY" -G --data-urlencode 'message-id=<m1@mg.example.test>' \
    "$FAKE_URL/v3/mg.example.test/events"
eq "a Message-ID in angle brackets is a bad filter (400)" "$CODE" 400
eq "and a violation" "$(violations)" 1
: > "$FAKE_DIR/violations.jsonl"
post -u "api:wrong" -F from=me@mg.example.test -F to=bo@example.com -F subject=s -F text=t "$MG"
eq "a wrong key gets 401" "$CODE" 401
post -u "api:$EM_KEY" -F from=me@mg.example.test -F to=bo@example.com -F subject=s -F text=t \
    "$FAKE_URL/v3/other.example/messages"
eq "an unknown domain gets 404" "$CODE" 404
eq "Mailgun's answers, not violations" "$(violations)" 0
# mg_bad WHAT CURL-FORM-ARGS...: a form that breaks WHAT gets 400 and a violation.
mg_bad() {
	what=$1; shift
	n=$(violations)
	post -u "api:$EM_KEY" "$@" "$MG"
	eq "a form breaking $what gets 400" "$CODE" 400
	eq "and is logged as a violation" "$(violations)" $((n + 1))
}
mg_bad "subject (missing)" -F from=me@mg.example.test -F to=bo@example.com -F text=t
mg_bad "the known fields (colour)" -F from=me@mg.example.test -F to=bo@example.com \
    -F subject=s -F text=t -F colour=red
mg_bad "to (not an address)" -F from=me@mg.example.test -F to=not-an-address -F subject=s -F text=t
mg_bad "text or html (neither)" -F from=me@mg.example.test -F to=bo@example.com -F subject=s
for i in 1 2 3; do
	post -u "api:$EM_KEY" -F from=me@mg.example.test -F to=ratelimit@example.com -F subject=s \
	    -F text=t -D "$HOME/h$i" "$MG"
	codes="${codes:-}$CODE "
done
eq "ratelimit@ gets 429 twice, then 200" "$codes" "429 429 200 "
grep -qi '^Retry-After: 1' "$HOME/h1" || fail "no Retry-After on the 429"
ok "the 429 says Retry-After"
echo "all checks passed"
