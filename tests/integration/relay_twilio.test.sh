# relay_twilio: Twilio's webhooks through `hark relay` — signed ones are
# stored once and answered after the commit, anything unsigned or signed for
# another URL is refused with nothing stored, and the limits answer with the
# right status.
. "$TESTS/lib.sh"
. "$TESTS/relay_lib.sh"
relay_config 'max_body = 65536'
relay_start

ANN=+14155552671
ME=+14155550100
msgs() { sql 'select count(*) from messages'; }

expect_status 200 "a signed inbound SMS is accepted" -- \
    twilio /twilio/message MessageSid=SM00000000000000000000000000000001 \
    AccountSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa From=$ANN To=$ME \
    Body='Is the roof quote ready?' NumMedia=0 SmsStatus=received
contains "the answer is empty TwiML" '<?xml version="1.0" encoding="UTF-8"?><Response/>'
expect_exit 0 "the message is in the inbox" -- hark inbox
contains "hark inbox shows it" "Is the roof quote ready?"
expect_exit 0 "and in the contact's thread" -- hark log $ANN
contains "hark log shows it" "Is the roof quote ready?"

expect_status 200 "Twilio's retry of the same message is still answered 200" -- \
    twilio /twilio/message MessageSid=SM00000000000000000000000000000001 \
    AccountSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa From=$ANN To=$ME \
    Body='Is the roof quote ready?' NumMedia=0 SmsStatus=received
eq "and it is stored once" "$(msgs)" 1

expect_status 200 "WhatsApp with a photo" -- \
    twilio /twilio/message MessageSid=SM00000000000000000000000000000002 \
    From=whatsapp:$ANN To=whatsapp:$ME Body='Here is the leak' NumMedia=1 \
    ProfileName=Ann MediaUrl0=https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1 \
    MediaContentType0=image/jpeg
eq "it is a WhatsApp message of the same contact" \
    "$(sql "select channel || ' ' || contact_id from messages where provider_id='SM00000000000000000000000000000002'")" \
    "whatsapp $(sql "select contact_id from messages where provider_id='SM00000000000000000000000000000001'")"
eq "its media is kept" "$(sql 'select count(*) from attachments')" 1

expect_status 403 "an unsigned webhook is refused" -- \
    twilio /twilio/message --unsigned MessageSid=SM00000000000000000000000000000003 \
    From=$ANN To=$ME Body=forged
expect_status 403 "a webhook signed with another token is refused" -- \
    twilio /twilio/message --token not-the-token MessageSid=SM00000000000000000000000000000003 \
    From=$ANN To=$ME Body=forged
expect_status 403 "a signature over the relay's local URL instead of public_url is refused" -- \
    twilio /twilio/message --sign-url "http://127.0.0.1:$RELAY_PORT/twilio/message" \
    MessageSid=SM00000000000000000000000000000003 From=$ANN To=$ME Body=forged
eq "nothing refused was stored" "$(sql "select count(*) from messages where body='forged'")" 0
grep -q "public_url" "$HOME/relay.err" || fail "the refusal does not point at public_url: $(cat "$HOME/relay.err")"
ok "stderr says to check public_url"

expect_status 200 "a signature over the public URL with a query string is accepted" -- \
    twilio '/twilio/message?acct=tw' MessageSid=SM00000000000000000000000000000004 \
    From=$ANN To=$ME Body='with a query'

# Limits, each with nothing stored.
n=$(msgs)
big=$($PY -c 'print("x" * 70000)')
expect_status 413 "a body over max_body (Content-Length) gets 413" -- \
    twilio /twilio/message MessageSid=SM00000000000000000000000000000005 From=$ANN Body="$big"
expect_status 413 "a Content-Length over max_body is refused before the body is read" -- \
    raw POST /twilio/message --ct application/x-www-form-urlencoded --data x --declared-length 70000
expect_status 415 "text/plain gets 415" -- \
    twilio /twilio/message --content-type text/plain MessageSid=SM00000000000000000000000000000006 \
    From=$ANN To=$ME Body=plain
contains "415 names what it takes" "application/x-www-form-urlencoded"
expect_status 400 "a garbage form gets 400 with the reason" -- \
    raw POST /twilio/message --ct application/x-www-form-urlencoded --data 'Body=%zz&From=%'
contains "the reason names the bad escape" "escape"
expect_status 400 "a signed form without MessageSid gets 400" -- \
    twilio /twilio/message From=$ANN To=$ME Body=nosid
contains "the reason names the missing field" "MessageSid"
eq "none of them stored anything" "$(msgs)" "$n"

expect_status 404 "an unknown path is 404" -- raw POST /twilio/nothing --ct application/x-www-form-urlencoded --data a=b
expect_status 405 "GET on a webhook is 405" -- raw GET /twilio/message
SHOW_HEADERS=1 hook raw GET /twilio/status
contains "405 says what is allowed" "Allow: POST"

# A status callback moves a message we sent forward.
cat > sent.jsonl <<L
{"channel":"sms","contact":"Ann Lee","address":"$ANN","direction":"out","timestamp":"2026-11-20T10:02:00Z","body":"Yes, sending it now","status":"sent","provider":"twilio","provider_id":"SM0000000000000000000000000000aaaa"}
L
expect_exit 0 "a sent message is imported" -- hark import sent.jsonl
expect_status 204 "its delivered callback is accepted" -- \
    twilio /twilio/status MessageSid=SM0000000000000000000000000000aaaa SmsSid=SM0000000000000000000000000000aaaa \
    MessageStatus=delivered SmsStatus=delivered From=$ME To=$ANN AccountSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \
    ApiVersion=2010-04-01 RawDlrDoneDate=2611201003
eq "the message is delivered" "$(sql "select status from messages where provider_id='SM0000000000000000000000000000aaaa'")" delivered
expect_status 204 "a late 'sent' callback is accepted" -- \
    twilio /twilio/status MessageSid=SM0000000000000000000000000000aaaa MessageStatus=sent
eq "and does not move it back" "$(sql "select status from messages where provider_id='SM0000000000000000000000000000aaaa'")" delivered
expect_status 400 "an unknown status is refused with a reason" -- \
    twilio /twilio/status MessageSid=SM0000000000000000000000000000aaaa MessageStatus=teleported
contains "it names the status" "teleported"

# STOP opts the contact out before anything else.
expect_status 200 "an inbound STOP is accepted" -- \
    twilio /twilio/message MessageSid=SM000000000000000000000000000000ff From=$ANN To=$ME Body=' stop '
expect_exit 1 "sending to them afterwards is refused" -- hark send --to $ANN --body 'One more offer'
contains "with the reason" "opted out"
eq "nothing was queued" "$(sql "select count(*) from messages where body='One more offer'")" 0

# Click-to-call TwiML.
expect_status 200 "the bridge TwiML dials the contact with the caller id" -- \
    twilio --get "/twilio/voice/bridge?to=%2B14155552671&from=%2B14155550100"
contains "Dial with callerId and the number" '<Dial callerId="+14155550100" action="https://hooks.example.test/twilio/voice/dial">+14155552671</Dial>'
expect_status 400 "a bridge to something that is not E.164 is refused" -- \
    twilio --get "/twilio/voice/bridge?to=%3C%2FDial%3E&from=%2B14155550100"
expect_status 403 "an unsigned bridge request is refused" -- \
    twilio --get --unsigned "/twilio/voice/bridge?to=%2B14155552671&from=%2B14155550100"

expect_status 200 "a voice status callback for a call hark did not place is accepted" -- \
    twilio /twilio/voice CallSid=CA00000000000000000000000000000001 CallStatus=completed \
    Direction=outbound-api From=$ME To=$ANN CallDuration=42
expect_status 200 "an inbound call is stored" -- \
    twilio /twilio/voice CallSid=CA00000000000000000000000000000002 CallStatus=ringing \
    Direction=inbound From=$ANN To=$ME
eq "as a voice message" "$(sql "select channel from messages where provider_id='CA00000000000000000000000000000002'")" voice

expect_status 200 "/healthz answers ok" -- raw GET /healthz
contains "with the db state" '"db":"ok"'
contains "and that signatures are checked" '"signatures":"checked"'
last=$(sql 'select max(id) from events')
contains "and the last event id" "\"last_event_id\":$last"

relay_stop
eq "SIGTERM stops the relay with status 0" "$RELAY_RC" 0
[ ! -e "$SOCK" ] || fail "the event socket was left behind"
ok "the event socket is removed"
eq "stdout has only the start line without --verbose" "$(wc -l < "$HOME/relay.out" | tr -d ' ')" 1
