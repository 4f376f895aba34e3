# twilio_e2e: hark's messaging with Twilio end to end, through real
# processes on loopback — `hark send` and `hark daemon` talk to the fake
# Twilio API (which checks every request against Twilio's spec), the fake
# sends its signed callbacks and inbound webhooks to `hark relay` as Twilio
# would through a proxy (signed over https://hooks.example.test), and the
# relay stores them: sends and their statuses, inbound messages, STOP and
# START, MMS, WhatsApp's 24-hour window and templates, Twilio's errors,
# retries, a lost answer, and polling while the relay is down.
. "$TESTS/twilio_lib.sh"
tw_setup 'poll_interval = 5'

ANN=+14155552671
DANA=+14155552681
EVE=+14155552682
FRED=+14155552691
hark contacts add 'Ann Lee' --phone $ANN >/dev/null || fail "contacts add"
hark contacts add 'Dana Cole' --whatsapp $DANA >/dev/null || fail "contacts add"
hark contacts add 'Eve Park' --whatsapp $EVE >/dev/null || fail "contacts add"
msg() { sql "SELECT $1 FROM messages WHERE $2"; }
json_field() { printf '%s' "$OUT" | $PY -c "import json,sys; print(json.loads(sys.stdin.readline())['$1'])"; }
# CreateMessage requests hark made to TO (any channel).
creates_to() { count_requests "r['operation'] == 'CreateMessage' and r['params'].get('To', '').endswith('$1')"; }

# ---- 5 (background). An answer slower than hark's request timeout ----------
# The account's timeout is 3 s (timeout = 3; 30 s by default), and the fake
# takes 4 s (SlowSeconds x speed) before it creates the message and
# answers. This runs beside the other checks, in its own database and with
# its own configuration (no webhooks, polls only at the start), and is
# checked at the end.
SLOW=+15005550777
fake_post /_fake/config SlowSeconds="$($PY -c "print(4 / $SPEED)")" >/dev/null
mkdir -p "$HOME/slow-config/hark"
cat > "$HOME/slow-config/hark/config" <<CFG
[general]
poll_interval = 86400
[relay]
socket = $HOME/no-relay.sock
[account tw]
provider = twilio
account_sid = $TWILIO_FAKE_ACCOUNT_SID
auth_token_env = TW_TOKEN
from_phone = $ME
base_url = $TWILIO_FAKE_URL
timeout = 3
CFG
slow_t0=$(ms_now)
XDG_CONFIG_HOME="$HOME/slow-config" HARK_DB="$HOME/slow.db" \
    "$HARK_BIN" send --to $SLOW --body 'Slow network, one message' --wait --timeout 150 --json \
    >"$HOME/slow.out" 2>&1 &
BG_PID=$!

# ---- hark daemon owns the outbox: a send from the CLI is its to make -------
# Also beside the other checks: a daemon of its own database and with a long
# poll_interval (Twilio's callbacks off), and a `hark send` that leaves the
# message to it; checked at the end. The user expects it sent at once, not
# at the daemon's next poll.
mkdir -p "$HOME/side-config/hark"
cat > "$HOME/side-config/hark/config" <<CFG
[general]
poll_interval = 86400
[account tw]
provider = twilio
account_sid = $TWILIO_FAKE_ACCOUNT_SID
auth_token_env = TW_TOKEN
from_phone = $ME
base_url = $TWILIO_FAKE_URL
CFG
side() { XDG_CONFIG_HOME="$HOME/side-config" HARK_DB="$HOME/side.db" "$HARK_BIN" "$@"; }
XDG_CONFIG_HOME="$HOME/side-config" HARK_DB="$HOME/side.db" "$HARK_BIN" daemon \
    >"$HOME/side-daemon.log" 2>&1 &
SIDE_PID=$!
wait_until "a second hark daemon, of another database, starts" 5 grep -q "owns the outbox" "$HOME/side-daemon.log"
side_t0=$(ms_now)
expect_exit 0 "hark send leaves the message to that daemon" -- side send --to +14155552699 --body 'Queued behind the daemon'
contains "and says so" "owns the outbox"

# ---- 1. hark send -> the fake -> signed status callbacks -> relay -> db ----
LONG='Hi Ann, your roof quote is ready: 4200 USD for the full replacement, materials and labour included. We can start on Tuesday if that suits you; reply here or call us to confirm.'
expect_exit 0 "hark send --wait to Ann" -- hark send --to Ann --body "$LONG" --wait --json
eq "it ends delivered" "$(json_field status)" delivered
SID=$(json_field provider_id)
case "$SID" in SM????????????????????????????????) ok "the Twilio sid is kept ($SID)" ;;
	*) fail "no Twilio message sid in: $OUT" ;; esac
requests "r['operation'] == 'CreateMessage' and r.get('sid') == '$SID'" > "$HOME/req1"
eq "the fake received one create for it" "$(wc -l < "$HOME/req1" | tr -d ' ')" 1
$PY - "$HOME/req1" "$ANN" "$ME" "$LONG" "$PUBLIC/twilio/status" <<'PY' || fail "the request to the fake"
import json, sys
r = json.loads(open(sys.argv[1]).readline())
p = r["params"]
want = {"To": sys.argv[2], "From": sys.argv[3], "Body": sys.argv[4], "StatusCallback": sys.argv[5]}
assert all(p.get(k) == v for k, v in want.items()), p
assert r["status"] == 201, r
PY
ok "with To, From, Body and StatusCallback on the public URL"
no_violations
eq "the db has the sid and delivered" "$(msg status "provider_id = '$SID'")" delivered
eq "num_segments from Twilio is stored" "$(msg segments "provider_id = '$SID'")" \
    "$(fake_get /_fake/state | $PY -c "import json,sys; print([m['num_segments'] for m in json.load(sys.stdin)['messages'] if m['sid'] == '$SID'][0])")"
eq "which is 2 for this body" "$(msg segments "provider_id = '$SID'")" 2
$PY - "$FAKE_DIR/webhooks.jsonl" "$SID" "$PUBLIC" <<'PY' || fail "the status callbacks"
import json, sys
hooks = [json.loads(l) for l in open(sys.argv[1])]
mine = [h for h in hooks if h["params"].get("MessageSid") == sys.argv[2]]
assert [h["params"]["MessageStatus"] for h in mine] == ["sending", "sent", "delivered"], mine
for h in mine:
    assert h["signed_url"] == sys.argv[3] + "/twilio/status", h
    assert h["status"] == 204 and h["error"] is None, h
PY
ok "sending, sent and delivered were signed over the public URL and each got 204 from the relay"
eq "each status is in the message's history" \
    "$(sql "SELECT group_concat(status, ',') FROM (SELECT h.status FROM message_status_history h JOIN messages m ON m.id = h.message_id WHERE m.provider_id = '$SID' AND h.status IN ('sent','delivered') ORDER BY h.id)")" \
    sent,delivered
# Twilio bills a message once it is sent: the price is in the message
# resource, never in a status callback; hark fetches it before --wait ends.
eq "the price Twilio billed is stored, 2 x 0.0079 USD in micro-units" \
    "$(msg "price_micros || ' ' || currency" "provider_id = '$SID'")" '15800 USD'
eq "and hark send --json said so" "$(json_field price)" '$0.0158'
expect_exit 0 "hark log shows the price" -- hark log Ann
contains "of the delivered message" '$0.0158'

# ---- 2. inbound SMS -> signed webhook -> relay -> hark log and inbox -------
t0=$(ms_now)
inject_raw $ANN 'Is Tuesday OK for the install?'
t1=$(ms_now)
until hark log Ann 2>/dev/null | grep -q 'Is Tuesday OK for the install?'; do
	[ $(( $(ms_now) - t0 )) -lt 5000 ] || fail "the inbound message never reached hark log"
	sleep 0.01
done
lat=$(( $(ms_now) - t0 ))
inject_status
echo "latency: inbound SMS injected at the fake -> shown by hark log: $lat ms (the relay answered the webhook after $((t1 - t0)) ms)"
eq "the relay answered the webhook 200" "$INJECT_STATUS" 200
# How fast is a figure for make bench, not a pass mark: a loaded machine or a
# sanitizer build may take longer. The bound only catches an inbound that
# waited for the next poll instead of coming through the relay's socket.
[ $lat -lt 5000 ] || fail "the inbound took $lat ms: it waited for a poll, not the relay"
ok "it arrived through the relay ($lat ms)"
expect_exit 0 "hark inbox" -- hark inbox
contains "shows Ann's message" "Is Tuesday OK for the install?"
contains "as unread" "  1 S"
eq "stored once, from Ann" "$(msg "count(*) || ' ' || direction" "body = 'Is Tuesday OK for the install?'")" "1 in"

# ---- 3. STOP and START -----------------------------------------------------
n_creates=$(creates_to $ANN)
inject $ANN 'Stop'
eq "the STOP webhook is accepted" "$INJECT_STATUS" 200
expect_exit 1 "a send to Ann after STOP is refused" -- hark send --to Ann --body 'Spring offer: 10% off gutters'
contains "the reason names the opt-out" "opted out of sms on"
contains "and the keyword" "Stop"
eq "nothing reached Twilio" "$(creates_to $ANN)" "$n_creates"
eq "nothing was queued" "$(msg "count(*)" "body LIKE 'Spring offer%'")" 0
inject $ANN 'START'
eq "the START webhook is accepted" "$INJECT_STATUS" 200
expect_exit 0 "after START a send to Ann goes out" -- hark send --to Ann --body 'Welcome back, Ann' --wait
contains "and is delivered" "delivered"

# ---- 4. MMS and WhatsApp ---------------------------------------------------
expect_exit 0 "an MMS with two pictures" -- hark send --to Ann --body 'Photos of the damage' \
    --media https://example.com/roof-1.jpg --media https://example.com/roof-2.png --wait --json
eq "is delivered" "$(json_field status)" delivered
MMS=$(json_field provider_id)
eq "the fake got both MediaUrl params" \
    "$(requests "r.get('sid') == '$MMS'" | $PY -c "import json,sys; print(' '.join(json.loads(sys.stdin.readline())['params']['MediaUrl']))")" \
    "https://example.com/roof-1.jpg https://example.com/roof-2.png"
eq "and both are kept with the message" \
    "$(sql "SELECT count(*) FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.provider_id = '$MMS'")" 2

expect_exit 1 "WhatsApp free text to Dana, who never wrote, is refused" -- \
    hark send --to Dana --channel whatsapp --body 'Hi Dana, about your enquiry'
contains "with the session window reason" "never written on WhatsApp"
contains "and the way out" "Content SID"
eq "nothing reached Twilio" "$(creates_to $DANA)" 0
inject $DANA 'Hi, I saw your ad' Channel=whatsapp ProfileName=Dana
eq "Dana's WhatsApp webhook is accepted" "$INJECT_STATUS" 200
eq "and stored as WhatsApp" "$(msg channel "body = 'Hi, I saw your ad'")" whatsapp
expect_exit 0 "now free text to Dana goes out" -- \
    hark send --to Dana --channel whatsapp --body 'Hi Dana, about your enquiry' --wait --json
case $(json_field status) in delivered|read) ok "delivered" ;;
	*) fail "the WhatsApp message was not delivered: $OUT" ;; esac
WA=$(json_field provider_id)
eq "from and to the whatsapp: addresses" \
    "$(requests "r.get('sid') == '$WA'" | $PY -c "import json,sys; p = json.loads(sys.stdin.readline())['params']; print(p['From'], p['To'])")" \
    "whatsapp:$ME whatsapp:$DANA"
wait_until "then read" 5 sql_is "SELECT status FROM messages WHERE provider_id = '$WA'" read

expect_exit 0 "a template to Eve, outside any window" -- hark send --to Eve --channel whatsapp \
    --content-sid HX0123456789abcdef0123456789abcdef --content-vars '{"1":"Eve"}' --wait --json
case $(json_field status) in delivered|read) ok "is delivered" ;;
	*) fail "the template was not delivered: $OUT" ;; esac
TPL=$(json_field provider_id)
eq "with ContentSid and ContentVariables, and no Body" \
    "$(requests "r.get('sid') == '$TPL'" | $PY -c "import json,sys; p = json.loads(sys.stdin.readline())['params']; print(p['ContentSid'], p['ContentVariables'], 'Body' in p)")" \
    'HX0123456789abcdef0123456789abcdef {"1":"Eve"} False'

# ---- 5. Twilio's errors ----------------------------------------------------
expect_exit 2 "21211: an invalid number fails" -- hark send --to +15005550001 --body 'Hello' --wait
contains "with Twilio's readable text" "is not a valid phone number"
contains "and the code" "21211"
eq "the message is failed with the code" "$(msg "status || ' ' || error_code" "to_addr = '+15005550001'")" "failed 21211"
lacks "the code only once" "(21211) 21211"

expect_exit 2 "30006: accepted, then undelivered (the callback carries ErrorCode)" -- \
    hark send --to +15005550009 --body 'Hello landline' --wait
contains "the carrier's reason" "30006"
eq "stored undelivered with the code" "$(msg "status || ' ' || error_code" "to_addr = '+15005550009'")" "undelivered 30006"

expect_exit 2 "21610: an unsubscribed number fails" -- hark send --to +15005550004 --body 'Hello' --wait
contains "saying they opted out" "opted out"
eq "the message is failed" "$(msg "status || ' ' || error_code" "to_addr = '+15005550004'")" "failed 21610"
eq "and the number is opted out" "$(sql "SELECT source FROM opt_outs WHERE address = '+15005550004'")" provider
expect_exit 1 "so the next send is refused before Twilio" -- hark send --to +15005550004 --body 'Hello again'
contains "naming the opt-out" "opted out of sms on"
eq "Twilio got one attempt only" "$(creates_to +15005550004)" 1

for num in +15005550429 +15005550500; do
	expect_exit 0 "$num: refused twice (HTTP ${num#+15005550}), retried until delivered" -- \
	    hark send --to $num --body "Retry me ${num#+1500555}" --wait
	contains "delivered" "delivered"
	eq "three attempts" "$(sql "SELECT j.attempts FROM jobs j JOIN messages m ON m.id = j.message_id WHERE m.to_addr = '$num'")" 3
	eq "exactly one message at the fake" "$(fake_count messages "x['to'] == '$num'")" 1
	eq "three creates, the last accepted" \
	    "$(requests "r['operation'] == 'CreateMessage' and r['params']['To'] == '$num'" | $PY -c "import json,sys; print(' '.join(str(json.loads(l)['status']) for l in sys.stdin))")" \
	    "${num#+15005550} ${num#+15005550} 201"
	[ "$(count_requests "r['operation'] == 'ListMessage' and r['query'].get('To') == '$num'")" -ge 2 ] ||
	    fail "hark did not ask Twilio before each retry whether the last attempt had arrived"
	ok "before each retry hark asked whether the last attempt had arrived"
done
$PY - "$FAKE_DIR/requests.jsonl" <<'PY' || fail "Retry-After was not honoured"
import json, sys
from datetime import datetime
t = [datetime.fromisoformat(r["time"]) for r in map(json.loads, open(sys.argv[1]))
     if r["operation"] == "CreateMessage" and r["params"]["To"] == "+15005550429"]
gaps = [(b - a).total_seconds() for a, b in zip(t, t[1:])]
assert all(g >= 1.0 for g in gaps), gaps
PY
ok "after a 429 hark waited the Retry-After second"
no_violations

# ---- 6. without the relay, polling -----------------------------------------
relay_down
ok "the relay is stopped"
start_daemon "$HOME/daemon.log"
inject $FRED 'Sent while your relay was down' NumMedia=1
eq "the webhook could not be delivered" "$INJECT_STATUS" None
t0=$(ms_now)
expect_exit 0 "a send while the relay is down" -- \
    hark send --to $FRED --body 'We will call you back today' --wait --timeout 30 --json
eq "its delivered status came by polling" "$(json_field status)" delivered
echo "polling brought the delivered status after $(( $(ms_now) - t0 )) ms"
POLLED=$(json_field provider_id)
wait_until "the poll stored its price too" 12 sql_is "SELECT price_micros FROM messages WHERE provider_id = '$POLLED'" 7900
wait_until "the inbound message came by polling" 12 \
    sql_is "SELECT count(*) FROM messages WHERE body = 'Sent while your relay was down' AND direction = 'in'" 1
eq "with its picture (the fake's media URL)" \
    "$(sql "SELECT count(*) FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.body = 'Sent while your relay was down' AND a.url LIKE '$TWILIO_FAKE_URL/%/Media/ME%'")" 1
expect_exit 0 "hark log shows it" -- hark log $FRED
contains "the polled message" "Sent while your relay was down"
rows() { sql "SELECT (SELECT count(*) FROM messages) || ' ' || (SELECT count(*) FROM message_status_history) || ' ' || (SELECT count(*) FROM attachments) || ' ' || (SELECT count(*) FROM events)"; }
before=$(rows)
p0=$(polls)
wait_until "two more polls" 15 polls_at_least $((p0 + 2))
eq "re-import nothing (messages, history, attachments, events)" "$(rows)" "$before"
stop_daemon $DAEMON_PID "$HOME/daemon.log"; DAEMON_PID=
start_daemon "$HOME/daemon2.log"
ok "a new daemon polled"
eq "and re-imports nothing either" "$(rows)" "$before"
stop_daemon $DAEMON_PID "$HOME/daemon2.log"; DAEMON_PID=

# ---- 5 (end). The slow answer ----------------------------------------------
wait $BG_PID
slow_rc=$?
BG_PID=
echo "the slow send took $(( $(ms_now) - slow_t0 )) ms: $(cat "$HOME/slow.out")"
eq "the slow send ends delivered" "$slow_rc $($PY -c "import json,sys; print(json.loads(open('$HOME/slow.out').readline())['status'])")" "0 delivered"
OUT=$(cat "$HOME/slow.out")
SLOW_SID=$(json_field provider_id)
eq "hark recorded the message Twilio created first" "$SLOW_SID" \
    "$(fake_get /_fake/state | $PY -c "import json,sys; print([m['sid'] for m in json.load(sys.stdin)['messages'] if m['to'] == '$SLOW'][0])")"
# How many messages hark asked for: the first attempt, and one more after
# each lookup that found nothing (none of the number created before it).
# A create still in flight is answered within 4 s: wait for them all.
creates_asked() {
	fake_get /_fake/state | $PY -c "
import json, sys
from datetime import datetime
from email.utils import parsedate_to_datetime
made = [parsedate_to_datetime(m['date_created']) for m in json.load(sys.stdin)['messages']
        if m['to'] == '$SLOW']
n = 1
for l in open('$FAKE_DIR/requests.jsonl'):
    r = json.loads(l)
    if r['operation'] == 'ListMessage' and r['query'].get('To') == '$SLOW':
        at = datetime.fromisoformat(r['time']).replace(microsecond=0)
        n += not any(t <= at for t in made)
print(n)"
}
slow_settled() { [ "$(fake_count messages "x['to'] == '$SLOW'")" -ge "$(creates_asked)" ]; }
wait_until "every message hark asked Twilio for exists at the fake" 40 slow_settled
eq "the lost answer was reconciled without a second message" \
    "$(fake_count messages "x['to'] == '$SLOW'") $(count_requests "r['operation'] == 'CreateMessage' and r['params']['To'] == '$SLOW'")" "1 1"
lookup=$(requests "r['operation'] == 'ListMessage' and r['query'].get('To') == '$SLOW'" | $PY -c "
import json, sys
from datetime import datetime
print(int((datetime.fromisoformat(json.loads(sys.stdin.readline())['time']).timestamp() * 1000)))")
echo "hark first asked whether it had arrived $((lookup - slow_t0)) ms after the send began (the fake answers after 4000 ms)"

# ---- (end) The send left to the daemon -------------------------------------
side_started=$(sqlite3 -readonly "$HOME/side.db" "SELECT coalesce(started_at, 0) FROM jobs")
stop_daemon $SIDE_PID "$HOME/side-daemon.log"; SIDE_PID=
[ "$side_started" -gt 0 ] || fail "the daemon did not send what hark send left to it"
[ $((side_started - side_t0)) -lt 3000 ] ||
    fail "the daemon sent it $((side_started - side_t0)) ms later (its poll_interval is a day)"
ok "the daemon sent it within $((side_started - side_t0)) ms, not at its next poll"

tw_finish
