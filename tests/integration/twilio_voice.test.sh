# twilio_voice: click-to-call with Twilio end to end, through real
# processes on loopback — `hark call` asks the fake Twilio API to ring your
# phone and <Dial> the contact, the fake's signed call callbacks and the
# <Dial action> reach `hark relay`, and `hark calls` shows how the call went;
# recording only with the contact's consent; forged callbacks are refused.
. "$TESTS/twilio_lib.sh"
tw_setup 'poll_interval = 5' 'record = yes'

BOB=+15005558090      # the fake answers and talks for 90 s (x speed)
CAROL=+15005550002    # the fake rings and nobody answers
hark contacts add 'Bob Stone' --phone $BOB >/dev/null || fail "contacts add"
hark contacts add 'Carol Hunt' --phone $CAROL >/dev/null || fail "contacts add"
msg() { sql "SELECT $1 FROM messages WHERE $2"; }
# calls_json CONTACT PYTHON-EXPR: the last call placed to CONTACT as `hark
# calls --json` prints it (c), through the expression.
calls_json() {
	"$HARK_BIN" calls "$1" --json | $PY -c "
import json, sys
c = max((json.loads(l) for l in sys.stdin), key=lambda c: c['id'])
print($2)"
}
call_is() { [ "$(calls_json "$1" "$2")" = "$3" ]; }
# the_call SID: the CreateCall request that made call SID (one JSON line).
the_call() { requests "r['operation'] == 'CreateCall' and r.get('sid') == '$1'"; }

# ---- 7. click-to-call ------------------------------------------------------
expect_exit 0 "hark call Bob" -- hark call Bob
contains "the call is under way" "voice $BOB"
CALL=$(msg provider_id "channel = 'voice' AND to_addr = '$BOB'")
case "$CALL" in CA????????????????????????????????) ok "the call's sid is kept ($CALL)" ;;
	*) fail "no Twilio call sid: '$CALL'" ;; esac
the_call "$CALL" > "$HOME/call1"
$PY - "$HOME/call1" "$MY_PHONE" "$ME" "$BOB" "$PUBLIC" <<'PY' || fail "the call request"
import json, sys
r = json.loads(open(sys.argv[1]).readline())
p = r["params"]
mine, me, bob, public = sys.argv[2:6]
assert p["To"] == mine and p["From"] == me, p
want = ('<Response><Dial callerId="%s" action="%s/twilio/voice/dial">%s</Dial></Response>'
        % (me, public, bob))
assert p["Twiml"] == want, (p["Twiml"], want)
assert p["StatusCallback"] == public + "/twilio/voice", p
assert p["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"], p
PY
ok "Calls.json rang my phone with TwiML <Dial action=...>Bob</Dial> and the four StatusCallbackEvents"
ok "no record attribute: Bob has not agreed to be recorded"
no_violations
wait_until "the call completes through the relay" 10 call_is Bob 'c["status"]' completed
eq "hark calls --json has the duration of Bob's leg (the Dial action)" "$(calls_json Bob 'c["duration_s"]')" 90
eq "the fake said so in the Dial action" \
    "$($PY -c "
import json
for l in open('$FAKE_DIR/webhooks.jsonl'):
    h = json.loads(l)
    if h['kind'] == 'call-dial-action' and h['params']['CallSid'] == '$CALL':
        print(h['params']['DialCallDuration'], h['signed_url'], h['status'])")" \
    "90 $PUBLIC/twilio/voice/dial 200"
$PY - "$FAKE_DIR/webhooks.jsonl" "$CALL" "$PUBLIC" <<'PY' || fail "the call callbacks"
import json, sys
hooks = [json.loads(l) for l in open(sys.argv[1])]
mine = [h for h in hooks if h["kind"] == "call-status" and h["params"]["CallSid"] == sys.argv[2]]
assert [h["params"]["CallStatus"] for h in mine] == ["initiated", "ringing", "in-progress",
                                                    "completed"], mine
assert all(h["status"] == 200 and h["signed_url"] == sys.argv[3] + "/twilio/voice"
           for h in mine), mine
PY
ok "initiated, ringing, in-progress and completed reached the relay, signed over the public URL"
eq "the call is in Bob's thread" "$(msg "count(*)" "channel = 'voice' AND contact_id = (SELECT contact_id FROM identities WHERE address = '$BOB')")" 1
price=$(calls_json Bob 'c["price"]')
if [ "$price" = None ]; then
	start_daemon "$HOME/daemon.log"
	wait_until "a poll brings the call's price" 10 call_is Bob 'c["price"]' '$0.028'
	stop_daemon $DAEMON_PID "$HOME/daemon.log"; DAEMON_PID=
else
	eq "the call's price came with the callbacks" "$price" '$0.028'
fi
eq "which is what Twilio (the fake) billed for my leg, 2 started minutes" \
    "$(fake_get /_fake/state | $PY -c "import json,sys; print([c['price'] for c in json.load(sys.stdin)['calls'] if c['sid'] == '$CALL'][0])")" \
    -0.02800
eq "still completed, 90 s, after the poll" "$(calls_json Bob 'c["status"], c["duration_s"]')" "completed 90"

expect_exit 0 "hark call Carol, who does not answer" -- hark call Carol
wait_until "the call ends no-answer, as Carol's leg did" 10 call_is Carol 'c["status"]' no-answer
eq "with no talk time" "$(calls_json Carol 'c["duration_s"]')" 0

# Recording: record = yes, and only with the contact's consent.
printf 'name,phone,recording_consent\nBob Stone,%s,yes\n' $BOB > consent.csv
expect_exit 0 "Bob's consent, as a custom field" -- hark contacts import consent.csv
eq "is stored" "$(sql "SELECT json_extract(fields, '\$.recording_consent') FROM contacts WHERE name = 'Bob Stone'")" yes
expect_exit 0 "hark call Bob again" -- hark call Bob
CALL2=$(msg provider_id "channel = 'voice' AND to_addr = '$BOB' ORDER BY id DESC LIMIT 1")
the_call "$CALL2" | $PY -c "
import json, sys
t = json.loads(sys.stdin.readline())['params']['Twiml']
assert ' record=\"record-from-answer-dual\"' in t, t" || fail "the second call's TwiML does not record"
ok "now the Dial records"
wait_until "the recorded call completes" 10 call_is Bob 'c["status"]' completed
REC=$(fake_get /_fake/state | $PY -c "import json,sys; print([r for r in json.load(sys.stdin)['recordings'] if r['call_sid'] == '$CALL2'][0]['sid'])")
wait_until "hark calls shows the recording's URL" 5 \
    call_is Bob '(c["recording_url"] or "").endswith("/Recordings/'"$REC"'")' True
eq "Carol's call, without consent, has none" "$(calls_json Carol 'c["recording_url"]')" None
no_violations

# ---- 8. forged callbacks ---------------------------------------------------
expect_exit 0 "a message to Bob" -- hark send --to Bob --body 'See you at 3' --wait --json
SID=$(printf '%s' "$OUT" | $PY -c "import json,sys; print(json.loads(sys.stdin.readline())['provider_id'])")
eq "delivered" "$(msg status "provider_id = '$SID'")" delivered
hist=$(sql "SELECT count(*) FROM message_status_history")
# post PATH SIGNATURE NAME=VALUE...: prints the relay's HTTP status.
post() {
	po_path=$1; po_sig=$2; shift 2
	po_n=$#
	for kv do set -- "$@" --data-urlencode "$kv"; done
	shift $po_n
	curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "X-Twilio-Signature: $po_sig" \
	    "http://127.0.0.1:$RELAY_PORT$po_path" "$@"
}
# sign TOKEN PATH NAME=VALUE...: Twilio's signature over the public URL.
sign() {
	$PY - "$@" <<'PY'
import base64, hashlib, hmac, os, sys
token, path, pairs = sys.argv[1], sys.argv[2], [a.split("=", 1) for a in sys.argv[3:]]
s = os.environ["PUBLIC"] + path + "".join(k + v for k, v in sorted(pairs))
print(base64.b64encode(hmac.new(token.encode(), s.encode(), hashlib.sha1).digest()).decode())
PY
}
export PUBLIC
forged="MessageSid=$SID SmsSid=$SID MessageStatus=undelivered SmsStatus=undelivered AccountSid=$TWILIO_FAKE_ACCOUNT_SID From=$ME To=$BOB ErrorCode=30006 ApiVersion=2010-04-01"
# shellcheck disable=SC2086  # $forged is a list of words
eq "an 'undelivered' callback signed with another token gets 403" \
    "$(post /twilio/status "$(sign not-the-auth-token /twilio/status $forged)" $forged)" 403
# shellcheck disable=SC2086
eq "one signed over the relay's local URL gets 403" \
    "$(post /twilio/status "$(PUBLIC="http://127.0.0.1:$RELAY_PORT" sign "$TW_TOKEN" /twilio/status $forged)" $forged)" 403
# The genuine 'delivered' callback, replayed with its status changed.
real=$($PY -c "
import json
for l in open('$FAKE_DIR/webhooks.jsonl'):
    h = json.loads(l)
    if h['kind'] == 'message-status' and h['params']['MessageSid'] == '$SID' and h['params']['MessageStatus'] == 'delivered':
        print(h['signature'])")
[ -n "$real" ] || fail "no genuine delivered callback in the fake's log"
# shellcheck disable=SC2086
eq "the genuine signature on altered parameters gets 403" "$(post /twilio/status "$real" $forged)" 403
eq "a call callback forged the same way gets 403" \
    "$(post /twilio/voice "$(sign not-the-auth-token /twilio/voice CallSid=$CALL CallStatus=failed)" CallSid=$CALL CallStatus=failed)" 403
eq "and an inbound message with no signature at all" \
    "$(post /twilio/message '' MessageSid=SM00000000000000000000000000000666 From=$BOB To=$ME Body=STOP)" 403
eq "the message is still delivered" "$(msg "status || ' ' || coalesce(error_code, '-')" "provider_id = '$SID'")" "delivered -"
eq "with no status added to its history" "$(sql "SELECT count(*) FROM message_status_history")" "$hist"
eq "the call is still completed" "$(msg "count(*)" "provider_id = '$CALL'") $(calls_json Bob 'c["status"]')" "1 completed"
eq "no forged STOP was stored and Bob is not opted out" \
    "$(sql "SELECT (SELECT count(*) FROM messages WHERE provider_id = 'SM00000000000000000000000000000666') + (SELECT count(*) FROM opt_outs)")" 0
grep -q "X-Twilio-Signature" "$HOME/relay.err" || fail "the relay did not log the refusals: $(cat "$HOME/relay.err")"
ok "the relay logged the refusals"
# shellcheck disable=SC2086
eq "while the same parameters signed with the auth token are accepted" \
    "$(post /twilio/status "$(sign "$TW_TOKEN" /twilio/status $forged)" $forged)" 204

tw_finish
