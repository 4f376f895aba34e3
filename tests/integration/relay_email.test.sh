# relay_email: Mailgun and SendGrid webhooks through `hark relay` — events
# and inbound mail with valid signatures are stored; a wrong key, a stale
# Mailgun timestamp or a missing signature get 403 and store nothing.
. "$TESTS/lib.sh"
. "$TESTS/relay_lib.sh"
needs openssl  # to sign SendGrid events

export MG_KEY=mg-signing-key-0123456789 MG_API=key-mg SG_API=SG.test-api-key
openssl ecparam -name prime256v1 -genkey -noout -out sg.pem 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out other.pem 2>/dev/null
SG_PUB=$(openssl ec -in sg.pem -pubout -outform DER 2>/dev/null | base64 | tr -d '\n')
[ -n "$SG_PUB" ] || fail "openssl made no key"
relay_config '' "
[account mg]
provider = mailgun
api_key_env = MG_API
domain = mg.example.test
signing_key_env = MG_KEY
from_email = me@mg.example.test

[account sg]
provider = sendgrid
api_key_env = SG_API
verification_key = $SG_PUB
from_email = me@example.test"
relay_start --verbose
INKEY=$(sed -n 's|.*/sendgrid/inbound?key=\([0-9a-f]*\).*|\1|p' "$HOME/relay.err")
[ -n "$INKEY" ] || fail "--verbose did not print the SendGrid inbound URL: $(cat "$HOME/relay.err")"
ok "--verbose prints the SendGrid inbound parse URL with its key"

cat > sent.jsonl <<'L'
{"channel":"email","contact":"Ann Lee","address":"ann@example.com","direction":"out","timestamp":"2026-11-20T10:00:00Z","subject":"Quote","body":"Attached.","status":"sent","provider":"mailgun","provider_id":"20261120100000.1.abc@mg.example.test"}
{"channel":"email","contact":"Bo Diaz","address":"bo@example.com","direction":"out","timestamp":"2026-11-20T10:01:00Z","subject":"Invoice","body":"Attached.","status":"sent","provider":"sendgrid","provider_id":"LRzXl_NHStOGhQ4kofSm_A"}
{"channel":"email","contact":"Cy Ng","address":"cy@example.com","direction":"out","timestamp":"2026-11-20T10:02:00Z","subject":"Offer","body":"Deal!","status":"sent","provider":"sendgrid","provider_id":"QQQQ_sendgrid_cy"}
L
expect_exit 0 "sent emails are imported" -- hark import sent.jsonl
status_of() { sql "select status from messages where provider_id='$1'"; }

# Mailgun events.
MG_DELIVERED='{"event":"delivered","id":"ev1","timestamp":1795169400.5,"recipient":"ann@example.com","message":{"headers":{"message-id":"20261120100000.1.abc@mg.example.test"}}}'
expect_status 403 "a Mailgun event signed with another key is refused" -- \
    mailgun-event "$MG_DELIVERED" --key wrong-key
expect_status 403 "a Mailgun event signed ten minutes ago is refused" -- \
    mailgun-event "$MG_DELIVERED" --age 600
contains "it says why" "stale"
eq "neither changed the message" "$(status_of 20261120100000.1.abc@mg.example.test)" sent
expect_status 200 "a signed Mailgun delivered event is accepted" -- mailgun-event "$MG_DELIVERED"
eq "the message is delivered" "$(status_of 20261120100000.1.abc@mg.example.test)" delivered
expect_status 400 "a signed Mailgun event without event-data is refused with a reason" -- \
    mailgun-event 'null'
contains "the reason" "event-data"

# Mailgun inbound mail, form-encoded and multipart.
expect_status 200 "a signed Mailgun inbound mail is accepted" -- mailgun-inbound \
    sender=ann@example.com 'from=Ann Lee <ann@example.com>' recipient=me@mg.example.test \
    subject='Re: Quote' body-plain='Looks good, go ahead.' \
    Message-Id='<CAF1@mail.example.com>' In-Reply-To='<20261120100000.1.abc@mg.example.test>'
eq "it is stored in Ann's thread" \
    "$(sql "select c.name || '|' || m.subject || '|' || m.body from messages m join contacts c on c.id = m.contact_id where m.provider_id = '<CAF1@mail.example.com>'")" \
    "Ann Lee|Re: Quote|Looks good, go ahead."
eq "with its In-Reply-To, kept without <> like every id" "$(sql "select in_reply_to from messages where provider_id = '<CAF1@mail.example.com>'")" \
    "20261120100000.1.abc@mg.example.test"
expect_status 200 "the same mail again (a retry) is accepted" -- mailgun-inbound --multipart \
    sender=ann@example.com 'from=Ann Lee <ann@example.com>' recipient=me@mg.example.test \
    subject='Re: Quote' body-plain='Looks good, go ahead.' Message-Id='<CAF1@mail.example.com>'
eq "and stored once" "$(sql "select count(*) from messages where message_id = 'CAF1@mail.example.com'")" 1
expect_status 403 "an inbound mail signed with another key is refused" -- mailgun-inbound --key nope \
    sender=eve@example.com from=eve@example.com recipient=me@mg.example.test subject=x body-plain=forged
expect_status 400 "a signed inbound mail without a sender is refused" -- mailgun-inbound \
    recipient=me@mg.example.test subject=x body-plain=nobody
eq "nothing forged or broken was stored" "$(sql "select count(*) from messages where body in ('forged','nobody')")" 0

# SendGrid events.
SG_EVENTS='[{"email":"bo@example.com","event":"delivered","sg_event_id":"e1","sg_message_id":"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-1","timestamp":1795169500},{"email":"cy@example.com","event":"spamreport","sg_event_id":"e2","sg_message_id":"QQQQ_sendgrid_cy.filter-2","timestamp":1795169501}]'
expect_status 403 "SendGrid events signed with another key are refused" -- \
    sendgrid-events "$SG_EVENTS" --pem other.pem
expect_status 403 "unsigned SendGrid events are refused" -- sendgrid-events "$SG_EVENTS" --unsigned
eq "nothing changed" "$(status_of LRzXl_NHStOGhQ4kofSm_A)" sent
expect_status 204 "signed SendGrid events are accepted" -- sendgrid-events "$SG_EVENTS" --pem sg.pem
eq "the first message is delivered" "$(status_of LRzXl_NHStOGhQ4kofSm_A)" delivered
eq "the spam report opted Cy's address out of email" \
    "$(sql "select source from opt_outs where channel='email' and address='cy@example.com'")" "spam report"
expect_status 415 "SendGrid events as a form get 415" -- \
    raw POST /sendgrid/events --ct application/x-www-form-urlencoded --data a=b

# SendGrid Inbound Parse (multipart, keyed URL).
HDRS="Received: by mx.example.com
Message-ID: <sg-in-1@mail.example.com>
In-Reply-To:
 <LRzXl_NHStOGhQ4kofSm_A@example.test>
Date: Fri, 20 Nov 2026 10:05:00 +0000"
expect_status 403 "an inbound parse POST without the key is refused" -- sendgrid-inbound \
    'from=Bo Diaz <bo@example.com>' to=me@example.test subject=forged text=forged
expect_status 200 "an inbound parse POST with the key is accepted" -- sendgrid-inbound --key "$INKEY" \
    'from=Bo Diaz <bo@example.com>' 'to=Me <me@example.test>, other@example.test' \
    subject='Re: Invoice' text='Paid, thanks!' "headers=$HDRS"
eq "it is stored from Bo with the Message-ID of its headers" \
    "$(sql "select c.name || '|' || m.message_id || '|' || m.in_reply_to || '|' || m.to_addr from messages m join contacts c on c.id = m.contact_id where m.body = 'Paid, thanks!'")" \
    "Bo Diaz|sg-in-1@mail.example.com|LRzXl_NHStOGhQ4kofSm_A@example.test|me@example.test"

relay_stop
eq "the relay stops with status 0" "$RELAY_RC" 0
