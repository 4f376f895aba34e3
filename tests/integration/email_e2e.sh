# email_e2e.sh — the end-to-end scenario sendgrid_e2e.test.sh and
# mailgun_e2e.test.sh share (sourced after em_setup MODE): real `hark send`
# through the fake API, the fake's signed events and inbound mail through
# the real relay into the database.
#
# The fake's recipients behave by their local part (email_fake.py):
# ann@ is delivered, opened and clicked; bounce@ bounces; spam@ and unsub@
# are delivered, then report spam / unsubscribe; ratelimit@ and error500@
# are refused twice (429, 500) before the third attempt goes through;
# slow@ answers after the account's timeout.
case $MODE in
sendgrid) ACCEPTED=202; OPEN=open; CLICK=click ;;
*) ACCEPTED=200; OPEN=open; CLICK=click ;;
esac
ANN=ann@example.com

# ---- 1. a send, accepted with the provider's id, then delivered, opened, clicked
expect_exit 0 "hark send --channel email to Ann, --wait" -- hark send --to $ANN \
    --channel email --subject 'Your quote' --body 'Hello Ann, the quote is 4200 USD.' \
    --account mail --wait --json
ID=$(json_field id)
PID=$(json_field provider_id)
[ -n "$PID" ] && [ "$PID" != None ] || fail "no provider id in: $OUT"
ok "accepted with the provider's id ($PID)"
eq "the fake holds one message with that id, to Ann" "$(fake_msgs "m['id'] == '$PID' and m['to'] == '$ANN'")" 1
eq "carrying hark's message id for the events" "$(fake_msgs "m['id'] == '$PID' and m['custom_args'].get('hark_id') == '$ID'")" 1
eq "from the account's address and [identity] name" \
    "$(fake_state | $PY -c "import json,sys; m=[m for m in json.load(sys.stdin)['messages'] if m['id']=='$PID'][0]; f=m['from']; print(f if isinstance(f,str) else f.get('name','')+' <'+f['email']+'>')")" \
    "$(if [ $MODE = sendgrid ]; then echo 'Sam Sales <sales@mg.example.test>'; else echo '"Sam Sales" <sales@mg.example.test>'; fi)"
MSGID=$(msg message_id "id = $ID")
case "$MSGID" in "<"*|*">") fail "Message-ID stored with <>: '$MSGID'" ;;
*@*) ok "hark made the Message-ID $MSGID (stored without <>)" ;; *) fail "no Message-ID: '$MSGID'" ;; esac
eq "and it went out as the mail's Message-ID header, in <>" \
    "$(fake_msgs "m['id'] == '$PID' and m['headers'].get('Message-ID', m['headers'].get('Message-Id')) == '<$MSGID>'")" 1
wait_until "the open event makes it read" 10 sql_is "SELECT status FROM messages WHERE id = $ID" read
wait_until "the click is in the journal" 10 sql_is \
    "SELECT count(*) FROM events WHERE message_id = $ID AND payload = 'click https://example.com/offer'" 1
eq "so are delivered and the open" \
    "$(sql "SELECT count(*) FROM events WHERE message_id = $ID AND payload IN ('delivered', '$OPEN')")" 2
eq "its history has delivered, then read" \
    "$(sql "SELECT group_concat(status, ',') FROM (SELECT status FROM message_status_history WHERE message_id = $ID AND status IN ('delivered', 'read') ORDER BY id)")" \
    delivered,read

# ---- outbound attachments and HTML reach the provider byte for byte ----------
printf '%%PDF-1.7\r\n\000\001\377\376 quote --boundary-like-- \r\n' > "$HOME/quote 4200.pdf"
head -c 300000 /dev/urandom > "$HOME/site.jpg"
printf '<p>Hello <b>Ann</b>, the quote is attached.</p>' > "$HOME/body.html"
expect_exit 0 "hark send --attach two files and --html" -- hark send --to $ANN --channel email \
    --subject 'Quote, attached' --body 'Hello Ann, the quote is attached.' \
    --attach "$HOME/quote 4200.pdf" --attach "$HOME/site.jpg" --html "$HOME/body.html" \
    --account mail --json
APID=$(json_field provider_id)
fake_state > "$HOME/state.json"
$PY - "$HOME/state.json" "$APID" "$HOME/quote 4200.pdf" "$HOME/site.jpg" "$HOME/body.html" <<'PY' ||
import hashlib, json, os, sys
m = [m for m in json.load(open(sys.argv[1]))["messages"] if m["id"] == sys.argv[2]][0]
del sys.argv[1]
want = [(os.path.basename(p), hashlib.sha256(open(p, "rb").read()).hexdigest())
        for p in sys.argv[2:4]]
got = [(a["filename"], a["sha256"]) for a in m["attachments"]]
assert got == want, (got, want)
for a in m["attachments"]:
    assert open(a["path"], "rb").read() == open(sys.argv[2 + m["attachments"].index(a)], "rb").read()
html = [c["value"] for c in m["content"] if c["type"] == "text/html"]
assert html == [open(sys.argv[4]).read()], m["content"]
PY
    fail "the attachments or the HTML at the provider differ from the files sent"
ok "both files reached the provider byte for byte, with their names, and the HTML part too"
eq "with their types" "$(fake_state | $PY -c "import json,sys; print(' '.join(a['type'] for m in json.load(sys.stdin)['messages'] if m['id'] == '$APID' for a in m['attachments']))")" \
    "application/pdf image/jpeg"

# ---- 2. a bounce fails the message with the reason --------------------------
expect_exit 2 "a send to a mailbox that does not exist fails" -- hark send --to bounce@example.com \
    --channel email --subject 'Hello' --body 'Anyone there?' --account mail --wait
contains "with the receiving server's words" "5.1.1"
eq "stored failed" "$(msg status "to_addr = 'bounce@example.com'")" failed
case "$(msg error_text "to_addr = 'bounce@example.com'")" in
*"does not exist"*) ok "with the reason kept" ;;
*) fail "no reason kept: $(msg error_text "to_addr = 'bounce@example.com'")" ;;
esac

expect_exit 2 "a send the provider drops (a known bounced address) fails" -- hark send \
    --to dropped@example.com --channel email --subject 'Hello' --body 'Again?' --account mail --wait
contains "saying why" "ounced"

# ---- a deferral keeps the message on its way, then it is delivered ------------
expect_exit 0 "a deferred send ends delivered" -- hark send --to deferred@example.com \
    --channel email --subject 'Hello' --body 'Greylisted' --account mail --wait --json
eq "the deferral is in the journal" \
    "$(sql "SELECT count(*) FROM events WHERE message_id = $(json_field id) AND payload LIKE '%try again later'")" 1

# ---- 3. spam report and unsubscribe opt the address out ----------------------
for who in spam unsub; do
	expect_exit 0 "a send to $who@ is delivered" -- hark send --to $who@example.com --channel email \
	    --subject 'Spring offer' --body '10% off' --account mail --wait
	wait_until "then its $who event opts $who@ out of email" 10 sql_is \
	    "SELECT count(*) FROM opt_outs WHERE channel = 'email' AND address = '$who@example.com'" 1
	n_at_fake=$(fake_msgs "m['to'] == '$who@example.com'")
	expect_exit 1 "the next send to $who@ is refused" -- hark send --to $who@example.com \
	    --channel email --subject 'Another offer' --body '20% off' --account mail
	contains "saying the address opted out" "opted out"
	eq "and nothing more reached the provider" "$(fake_msgs "m['to'] == '$who@example.com'")" "$n_at_fake"
done
eq "the sources say why" \
    "$(sql "SELECT group_concat(source, ',') FROM (SELECT source FROM opt_outs WHERE channel = 'email' ORDER BY address)")" \
    "spam report,unsubscribe"

# ---- 4. 429 and 500 are retried until exactly one message is accepted ---------
for who in ratelimit error500; do
	expect_exit 0 "$who@: refused twice, retried until delivered" -- hark send \
	    --to $who@example.com --channel email --subject Retry --body "Retry me" --account mail \
	    --wait --timeout 90
	eq "three attempts" "$(sql "SELECT j.attempts FROM jobs j JOIN messages m ON m.id = j.message_id WHERE m.to_addr = '$who@example.com'")" 3
	code=$( [ $who = ratelimit ] && echo 429 || echo 500 )
	eq "the provider answered $code, $code, $ACCEPTED" \
	    "$(requests "r.get('to') == '$who@example.com'")" "$code $code $ACCEPTED"
	eq "exactly one message at the provider" "$(fake_msgs "m['to'] == '$who@example.com'")" 1
done

# ---- 5. no answer within the timeout: never sent twice ---------------------------
fake_post /_fake/config "{\"slow_seconds\": $($PY -c "print(3.5 / $SPEED)")}" >/dev/null
if [ $MODE = sendgrid ]; then
	# SendGrid cannot be asked whether it has a send: it fails, saying so.
	expect_exit 2 "an answer slower than the 2 s timeout fails the send" -- hark send \
	    --to slow@example.com --channel email --subject Slow --body 'Slow network' \
	    --account mail --wait
	contains "saying it may have gone out" "may have gone out"
	sleep 2
else
	# Mailgun can: after twice the timeout hark asks its Events API by the
	# Message-ID, finds the send and records it instead of sending again.
	# (Its events, which carry hark_id, may say delivered before that.)
	expect_exit 0 "an answer slower than the 2 s timeout: the mail is delivered all the same" -- \
	    hark send --to slow@example.com --channel email --subject Slow --body 'Slow network' \
	    --account mail --wait --timeout 60
	"$HARK_BIN" daemon >"$HOME/daemon.log" 2>&1 &
	DAEMON_PID=$!
	found_by_id() {
		[ "$($PY -c "
import json
print(sum(1 for r in map(json.loads, open('$FAKE_DIR/requests.jsonl'))
          if r['method'] == 'GET' and '/events?' in r['path'] and r.get('found') == 1))")" = 1 ]
	}
	wait_until "before the retry, hark found it at Mailgun by its Message-ID" 20 found_by_id
	wait_until "and settled the send without sending again" 10 sql_is \
	    "SELECT j.state || ' ' || m.provider_id FROM jobs j JOIN messages m ON m.id = j.message_id WHERE m.to_addr = 'slow@example.com'" \
	    "done $(fake_state | $PY -c "import json,sys; print([m['id'] for m in json.load(sys.stdin)['messages'] if m['to'] == 'slow@example.com'][0])")"
	kill -TERM $DAEMON_PID
	wait $DAEMON_PID || fail "hark daemon exited with $?: $(cat "$HOME/daemon.log")"
	DAEMON_PID=
fi
eq "the provider got it once, and hark never sent it again" "$(fake_msgs "m['to'] == 'slow@example.com'")" 1

# ---- 6. inbound mail with an attachment lands in Ann's thread ------------------
PDF_B64=$(printf '%%PDF-1.4\n\000\001\002 signed \377\n' | base64 | tr -d '\n')
inbound "{\"from\": \"Ann Lee <$ANN>\", \"to\": \"sales@mg.example.test\", \"subject\": \"Re: Your quote\",
  \"text\": \"Signed copy attached.\", \"message_id\": \"<reply-1@mail.example.com>\",
  \"in_reply_to\": \"<$MSGID>\",
  \"attachments\": [{\"filename\": \"signed quote.pdf\", \"type\": \"application/pdf\", \"content_b64\": \"$PDF_B64\"}]}"
eq "the relay accepts the signed inbound mail" "$STATUS" 200
eq "it is stored in the thread of Ann's contact" \
    "$(msg "count(*)" "body = 'Signed copy attached.' AND contact_id = (SELECT contact_id FROM messages WHERE id = $ID) AND direction = 'in'")" 1
IN_ID=$(msg id "body = 'Signed copy attached.'")
eq "replying to hark's Message-ID" "$(msg in_reply_to "id = $IN_ID")" "$MSGID"
eq "with its attachment's name and type" \
    "$(sql "SELECT filename || '|' || content_type FROM attachments WHERE message_id = $IN_ID")" \
    "signed quote.pdf|application/pdf"
APATH=$(sql "SELECT path FROM attachments WHERE message_id = $IN_ID")
[ -n "$APATH" ] || fail "the attachment has no file"
case "$APATH" in /*) ;; *) APATH="$(dirname "$HARK_DB")/$APATH" ;; esac
eq "whose bytes are the ones sent" "$(base64 < "$APATH" | tr -d '\n')" "$PDF_B64"
inbound "{\"from\": \"Ann Lee <$ANN>\", \"to\": \"sales@mg.example.test\", \"subject\": \"Re: Your quote\",
  \"text\": \"Signed copy attached.\", \"message_id\": \"<reply-1@mail.example.com>\"}"
eq "the same mail again (a provider's retry) is accepted" "$STATUS" 200
eq "and stored once" "$(msg "count(*)" "body = 'Signed copy attached.'")" 1

# ---- 7. a bad signature gets 403 and stores nothing -----------------------------
n_events=$(sql "SELECT count(*) FROM events")
OUT=$(fake_post /_fake/event "{\"message\": \"$PID\", \"event\": \"bounce\", \"bad_signature\": true}")
case "$OUT" in *'"status": 403'*) ok "an event signed with another key gets 403" ;;
*) fail "a mis-signed event: $OUT" ;; esac
inbound "{\"from\": \"Eve <eve@example.com>\", \"to\": \"sales@mg.example.test\", \"subject\": \"Invoice\",
  \"text\": \"Forged\", \"bad_signature\": true}"
eq "an inbound mail with a bad signature gets 403" "$STATUS" 403
eq "nothing was stored" "$(sql "SELECT count(*) FROM events")|$(msg "count(*)" "body = 'Forged'")|$(msg status "id = $ID")" \
    "$n_events|0|read"
