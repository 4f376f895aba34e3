# The fake Twilio API (tests/fakes/twilio_fake.py) that hark's Twilio tests rely on: it must
# refuse what Twilio's spec refuses, answer in the spec's shape (checked by its --self-check),
# and call back like Twilio with signatures that an independent receiver here verifies.
# Stands alone: curl against the fake, and a small Python receiver for the callbacks.
# Skips (77) without python3 or curl. KEEP=DIR copies the fake's logs there at the end.
. "$TESTS/lib.sh"

# Debian's python3 when there is one: a pyenv shim costs ~0.2 s per call.
PY=${PYTHON:-python3}
[ -z "${PYTHON:-}" ] && [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
needs "$PY" curl

peer="$TESTS/../peers/twilio-fake.sh"
dir="$HOME/twilio-fake"
recv_log="$HOME/received.jsonl"
recv_pid=""
cleanup() {
	"$peer" stop "$dir" >/dev/null 2>&1
	[ -n "$recv_pid" ] && kill "$recv_pid" 2>/dev/null
	[ -n "${KEEP:-}" ] && cp -r "$dir" "$KEEP"
}
trap cleanup EXIT

# ---- helpers ----------------------------------------------------------------------------

# j EXPR [FILE]: evaluates a Python expression over the JSON in FILE (default the last
# answer) as d; strings print bare, everything else as JSON.
cat >"$HOME/j.py" <<'EOF'
import json, re, sys
src = open(sys.argv[2], encoding="utf-8") if len(sys.argv) > 2 else sys.stdin
text = src.read()
if sys.argv[1].startswith("L:"):
    env = {"L": [json.loads(x) for x in text.splitlines() if x.strip()]}
    expr = sys.argv[1][2:]
else:
    env = {"d": json.loads(text)}
    expr = sys.argv[1]
r = eval(expr, {"re": re, "len": len, "sorted": sorted, "set": set, "all": all, "any": any}, env)
print(r if isinstance(r, str) else json.dumps(r))
EOF
j() { "$PY" "$HOME/j.py" "$1" "${2:-$HOME/out.json}"; }
# rl EXPR: the same over the receiver's log, one callback per element of L.
rl() { "$PY" "$HOME/j.py" "L:$1" "$recv_log"; }

# api METHOD PATH [curl args]: an authenticated API call; the HTTP status goes to $CODE,
# the body to $HOME/out.json, the headers to $HOME/out.hdr.
api() {
	m=$1; p=$2; shift 2
	CODE=$(curl -s -o "$HOME/out.json" -D "$HOME/out.hdr" -w '%{http_code}' -X "$m" \
	    -u "$TWILIO_FAKE_ACCOUNT_SID:$TWILIO_FAKE_AUTH_TOKEN" "$ACC$p" "$@")
}
ctl() { # METHOD PATH [curl args]: a control call
	m=$1; p=$2; shift 2
	CODE=$(curl -s -o "$HOME/out.json" -w '%{http_code}' -X "$m" "$TWILIO_FAKE_URL/_fake/$p" "$@")
}
idle() {
	ctl GET 'wait?Timeout=20'
	eq "the fake's background work finished" "$CODE" 200
}
nviol() { wc -l <"$dir/violations.jsonl" | tr -d ' '; }

# ---- a receiver that verifies X-Twilio-Signature on its own ------------------------------

cat >"$HOME/receiver.py" <<'EOF'
"""Records every callback; checks X-Twilio-Signature against the URL it was reached at
(local) and against the public base given on the command line (public)."""
import base64, hashlib, hmac, json, sys, threading, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

token, public, log, portfile = sys.argv[1:5]
lock = threading.Lock()
DIAL = ('<?xml version="1.0" encoding="UTF-8"?><Response><Say>Connecting</Say>'
        '<Dial action="/twilio/voice/dial" record="record-from-answer">+15553334444</Dial>'
        '</Response>')

def signature(url, params):
    data = url + "".join(k + v for k, v in sorted(params))
    mac = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def log_message(self, *a):
        pass
    def do_GET(self):
        self.do_POST()
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode()
        params = urllib.parse.parse_qsl(body, keep_blank_values=True)
        got = self.headers.get("X-Twilio-Signature", "")
        valid = None
        for name, base in (("local", "http://127.0.0.1:%d" % self.server.server_address[1]),
                           ("public", public)):
            if hmac.compare_digest(signature(base + self.path, params), got):
                valid = name
        p = dict(params)
        entry = {"path": self.path, "method": self.command, "params": p, "valid_as": valid,
                 "content_type": self.headers.get("Content-Type")}
        with lock:
            with open(log, "a") as f:
                f.write(json.dumps(entry) + "\n")
        out = "<Response/>"
        if self.path == "/twilio/voice":
            out = DIAL
        elif self.path == "/twilio/message" and p.get("Body") == "reply please":
            out = "<Response><Message>Thanks, we got it</Message></Response>"
        raw = out.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os; os.replace(portfile + ".tmp", portfile)
srv.serve_forever()
EOF

# ---- start ------------------------------------------------------------------------------

export TWILIO_FAKE_API_KEY=SKabcdefabcdefabcdefabcdefabcdefab TWILIO_FAKE_API_SECRET=key-secret
TWILIO_FAKE_ARGS="--self-check --speed 0.01" "$peer" start "$dir" >/dev/null ||
	fail "the fake did not start: $(cat "$dir/fake.log" 2>/dev/null)"
. "$dir/env"
ok "the fake is up at $TWILIO_FAKE_URL"
ACC="$TWILIO_FAKE_URL/2010-04-01/Accounts/$TWILIO_FAKE_ACCOUNT_SID"

: >"$recv_log"
"$PY" "$HOME/receiver.py" "$TWILIO_FAKE_AUTH_TOKEN" https://hark.example.com/relay \
	"$recv_log" "$HOME/recv.port" 2>"$HOME/receiver.err" &
recv_pid=$!
i=0
while [ ! -s "$HOME/recv.port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$HOME/recv.port" ] || fail "the receiver did not start: $(cat "$HOME/receiver.err")"
R="http://127.0.0.1:$(cat "$HOME/recv.port")"
ctl POST config --data-urlencode "InboundUrl=$R/twilio/message"
eq "the inbound webhook URL is set" "$CODE" 200

# ---- the validator itself flags a response that breaks the spec -------------------------

OUT=$(cd "$TESTS/../fakes" && "$PY" -B - <<'EOF'
import copy, twilio_fake as tf
spec = tf.Spec(tf.DEFAULT_SPEC)
schema = {"$ref": "#/components/schemas/api.v2010.account.message"}
good = {"account_sid": "AC" + "0" * 32, "api_version": "2010-04-01", "body": "hi",
        "date_created": "Thu, 24 Aug 2023 05:01:45 +0000", "date_sent": None,
        "date_updated": "Thu, 24 Aug 2023 05:01:45 +0000", "direction": "outbound-api",
        "error_code": None, "error_message": None, "from": "+14155552345",
        "messaging_service_sid": None, "num_media": "0", "num_segments": "1", "price": None,
        "price_unit": None, "sid": "SM" + "a" * 32, "status": "queued",
        "subresource_uris": {"media": "/x/Media.json"}, "to": "+14155552345", "uri": "/x.json"}
errs = []
tf.check_response(spec, schema, good, "m", errs)
print("good:", errs)
for change in ({"price": -0.0079}, {"status": "sending-ish"}, {"date_created": "2023-08-24"},
               {"num_segments": 1}, {"extra": 1}, {"sid": "XX" + "a" * 32}):
    bad = dict(good, **change)
    errs = []
    tf.check_response(spec, schema, bad, "m", errs)
    print("bad:", sorted(change), len(errs))
bad = dict(good); del bad["status"]
errs = []
tf.check_response(spec, schema, bad, "m", errs)
print("missing:", len(errs))
EOF
)
contains "a message in the spec's shape passes the self-check" "good: []"
lacks "every broken response is caught by the self-check" " 0"
contains "a number where the spec has a string is caught" "bad: ['price'] 1"
contains "a missing property is caught" "missing: 1"

# ---- create a message: 201 in the spec's shape, then signed status callbacks -------------

api POST /Messages.json --data-urlencode To=+15558675310 --data-urlencode From=+15017122661 \
	--data-urlencode 'Body=Hello from hark' --data-urlencode "StatusCallback=$R/twilio/status"
eq "a valid message is created" "$CODE" 201
SM=$(j 'd["sid"]')
eq "the sid is SM + 32 hex" "$(j 'bool(re.match(r"^SM[0-9a-f]{32}$", d["sid"]))')" true
eq "it starts queued" "$(j 'd["status"]')" queued
eq "num_segments is a string" "$(j 'd["num_segments"]')" 1
eq "num_media is a string" "$(j 'd["num_media"]')" 0
eq "price is null until sent" "$(j 'd["price"]')" null
eq "dates are RFC 2822" "$(j 'bool(re.match(r"^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$", d["date_created"]))')" true
eq "direction is outbound-api" "$(j 'd["direction"]')" outbound-api
eq "the media subresource is listed" "$(j 'd["subresource_uris"]["media"].endswith(d["sid"] + "/Media.json")')" true
idle
eq "callbacks: sending, sent, delivered, in order, and none for queued" \
	"$(rl "[e['params']['MessageStatus'] for e in L if e['params'].get('MessageSid') == '$SM']")" \
	'["sending", "sent", "delivered"]'
eq "every status callback's signature verifies over the callback URL" \
	"$(rl "all(e['valid_as'] == 'local' for e in L)")" true
eq "callbacks carry Twilio's fields" \
	"$(rl "sorted(set(L[-1]['params']) - {'RawDlrDoneDate'})")" \
	'["AccountSid", "ApiVersion", "From", "MessageSid", "MessageStatus", "SmsSid", "SmsStatus", "To"]'
eq "the delivered callback has RawDlrDoneDate (YYMMDDhhmm)" \
	"$(rl "bool(re.match(r'^[0-9]{10}$', L[-1]['params']['RawDlrDoneDate']))")" true
eq "callbacks are form-encoded" \
	"$(rl "L[-1]['content_type'].startswith('application/x-www-form-urlencoded')")" true
api GET "/Messages/$SM.json"
eq "the message is fetched" "$CODE" 200
eq "it is delivered" "$(j 'd["status"]')" delivered
eq "one GSM-7 segment is priced as a negative string" "$(j 'd["price"]')" -0.00790
eq "price_unit is USD" "$(j 'd["price_unit"]')" USD

api POST /Messages.json --data-urlencode To=+15558675310 --data-urlencode From=+15017122661 \
	--data-urlencode "Body=Grüße 👋 $(printf '%066d' 0)"
eq "a UCS-2 message of 71 UTF-16 units is created" "$CODE" 201
eq "it is two segments" "$(j 'd["num_segments"]')" 2
U2=$(j 'd["sid"]')
idle
api GET "/Messages/$U2.json"
eq "two segments cost twice" "$(j 'd["price"]')" -0.01580

api POST /Messages.json --data-urlencode To=+15558675310 \
	--data-urlencode MessagingServiceSid=MG0123456789abcdef0123456789abcdef --data-urlencode Body=hi
eq "a message through a Messaging Service is created" "$CODE" 201
eq "it starts accepted" "$(j 'd["status"]')" accepted
eq "with no sender yet" "$(j 'd["from"]')" null
eq "and num_segments 0" "$(j 'd["num_segments"]')" 0

# ---- scheduling, cancelling, redacting ------------------------------------------------------

send_at=$("$PY" -c 'import datetime as d; print((d.datetime.now(d.timezone.utc) + d.timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
api POST /Messages.json --data-urlencode To=+15558675310 \
	--data-urlencode MessagingServiceSid=MG0123456789abcdef0123456789abcdef --data-urlencode Body=later \
	--data-urlencode ScheduleType=fixed --data-urlencode "SendAt=$send_at" \
	--data-urlencode "StatusCallback=$R/twilio/status"
eq "a message for 20 minutes from now is scheduled" "$(j 'd["status"]')" scheduled
S=$(j 'd["sid"]')
api POST "/Messages/$S.json" --data-urlencode Status=canceled
eq "it can be cancelled" "$(j 'd["status"]')" canceled
api POST /Messages.json --data-urlencode To=+15558675310 --data-urlencode From=+15017122661 \
	--data-urlencode Body=later --data-urlencode ScheduleType=fixed --data-urlencode "SendAt=$send_at"
eq "scheduling without a Messaging Service is refused" "$(j 'd["code"]')" 35118
api POST "/Messages/$SM.json" --data-urlencode Status=canceled
eq "a delivered message cannot be cancelled" "$(j '[d["status"], d["code"]]')" '[400, 30409]'
api POST "/Messages/$SM.json" --data-urlencode Body=
eq "a delivered message's body can be redacted" "$(j '[d["status"], d["body"]]')" '["delivered", ""]'
api POST "/Messages/$SM.json" --data-urlencode Body=other
eq "a Body that is not empty does not redact" "$(j 'd["code"]')" 30400
idle
eq "the cancelled message's only callback is canceled" \
	"$(rl "[e['params']['MessageStatus'] for e in L if e['params'].get('MessageSid') == '$S']")" '["canceled"]'

# ---- what the spec refuses: 400 (or 401/415) and a line in violations.jsonl --------------

[ "$(nviol)" = 0 ] || fail "violations before any bad request: $(cat "$dir/violations.jsonl")"
ok "valid requests logged no violation"
api POST /Messages.json --data-urlencode From=+15017122661 --data-urlencode Body=hi
eq "a message without To is refused" "$CODE" 400
eq "with Twilio's code for a missing To" "$(j 'd["code"]')" 21604
eq "and Twilio's error shape" "$(j 'sorted(d)')" '["code", "message", "more_info", "status"]'
eq "more_info points at the code" "$(j 'd["more_info"]')" https://www.twilio.com/docs/errors/21604
eq "the violation is logged" "$(nviol)" 1
eq "naming the parameter" "$("$PY" "$HOME/j.py" 'L:L[-1]["errors"]' "$dir/violations.jsonl")" '["To: required"]'

api POST /Messages.json --data-urlencode To=+15558675310 --data-urlencode Body=hi
eq "neither From nor MessagingServiceSid: refused" "$CODE" 400
eq "with 21603" "$(j 'd["code"]')" 21603
api POST /Messages.json --data-urlencode To=+15558675310 --data-urlencode From=+15017122661
eq "no Body, MediaUrl or ContentSid: refused" "$CODE" 400
eq "with 21602" "$(j 'd["code"]')" 21602
api POST /Messages.json --data-urlencode 'To=+1 555 867' --data-urlencode From=+15017122661 --data-urlencode Body=hi
eq "a To that is not E.164 is refused" "$CODE" 400
eq "with 21211" "$(j 'd["code"]')" 21211
api POST /Messages.json --data-urlencode To=whatsapp:+15558675310 --data-urlencode From=whatsapp:+15017122661 --data-urlencode Body=hi
eq "a whatsapp: address is a valid To" "$CODE" 201
api POST /Messages.json --data-urlencode To=+15558675310 --data-urlencode From=+15017122661 \
	--data-urlencode Body=hi --data-urlencode Colour=blue
eq "an unknown parameter is refused" "$CODE" 400
eq "with 20001" "$(j 'd["code"]')" 20001
api POST /Messages.json --data-urlencode To=+15558675310 --data-urlencode From=+15017122661 \
	--data-urlencode Body=hi --data-urlencode ValidityPeriod=soon
eq "a non-integer ValidityPeriod is refused" "$CODE" 400
api POST /Messages.json --data-urlencode To=+15558675310 --data-urlencode From=+15017122661 \
	--data-urlencode Body=hi --data-urlencode SmartEncoded=yes
eq "a non-boolean SmartEncoded is refused" "$CODE" 400
api POST /Messages.json --data-urlencode To=+15558675310 --data-urlencode From=+15017122661 \
	--data-urlencode Body=hi --data-urlencode ScheduleType=later
eq "a ScheduleType outside the enum is refused" "$CODE" 400
api POST /Messages.json --data-urlencode To=+15558675310 --data-urlencode From=+15017122661 \
	--data-urlencode Body=hi --data-urlencode StatusCallback=http://relay_host/twilio/status
eq "a StatusCallback with '_' in the host is refused" "$CODE" 400
eq "with 21609" "$(j 'd["code"]')" 21609
api POST /Messages.json --data-urlencode To=+15558675310 --data-urlencode From=+15017122661 \
	--data-urlencode MediaUrl=not-a-url
eq "a MediaUrl that is not a URL is refused" "$CODE" 400
eq "with 21620" "$(j 'd["code"]')" 21620
CODE=$(curl -s -o "$HOME/out.json" -w '%{http_code}' -u "$TWILIO_FAKE_ACCOUNT_SID:$TWILIO_FAKE_AUTH_TOKEN" \
	"$TWILIO_FAKE_URL/2010-04-01/Accounts/AC123/Messages.json")
eq "an AccountSid that does not match the pattern is not found" "$CODE" 404
api POST /Messages.json -H 'Content-Type: application/json' \
	-d '{"To":"+15558675310","From":"+15017122661","Body":"hi"}'
eq "a JSON body is refused with 415" "$CODE" 415
eq "the 415 is in Twilio's shape" "$(j 'd["status"]')" 415
CODE=$(curl -s -o "$HOME/out.json" -w '%{http_code}' "$ACC/Messages.json")
eq "no credentials: 401" "$CODE" 401
eq "with 20003" "$(j 'd["code"]')" 20003
eq "every refused request above is a violation" "$(nviol)" 13

CODE=$(curl -s -o "$HOME/out.json" -w '%{http_code}' -u "$TWILIO_FAKE_ACCOUNT_SID:wrong-token" "$ACC/Messages.json")
eq "a wrong auth token: 401" "$CODE" 401
eq "Twilio's 20003 error" "$(j 'd')" \
	'{"code": 20003, "message": "Authentication Error - invalid username", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}'
CODE=$(curl -s -o "$HOME/out.json" -w '%{http_code}' -u "$TWILIO_FAKE_API_KEY:$TWILIO_FAKE_API_SECRET" "$ACC/Messages.json?PageSize=1")
eq "an API key and its secret are accepted" "$CODE" 200
CODE=$(curl -s -o "$HOME/out.json" -w '%{http_code}' -u "$TWILIO_FAKE_API_KEY:nope" "$ACC/Messages.json")
eq "an API key with the wrong secret is not" "$CODE" 401
eq "wrong credentials are Twilio's answer, not spec violations" "$(nviol)" 13

# ---- magic numbers ------------------------------------------------------------------------

api POST /Messages.json --data-urlencode To=+15005550001 --data-urlencode From=+15017122661 --data-urlencode Body=hi
eq "+15005550001 is refused" "$CODE" 400
eq "as an invalid To (21211)" "$(j 'd["code"]')" 21211
api POST /Messages.json --data-urlencode To=+15005550004 --data-urlencode From=+15017122661 --data-urlencode Body=hi
eq "+15005550004 is refused" "$CODE" 400
eq "as unsubscribed (21610)" "$(j 'd["code"]')" 21610
eq "magic refusals are Twilio behaviour, not violations" "$(nviol)" 13
for attempt in 1 2; do
	api POST /Messages.json --data-urlencode To=+15005550429 --data-urlencode From=+15017122661 --data-urlencode Body=hi
	eq "+15005550429 attempt $attempt: 429" "$CODE" 429
	eq "attempt $attempt: code 20429" "$(j 'd["code"]')" 20429
	grep -qi '^Retry-After: 1' "$HOME/out.hdr" || fail "no Retry-After: 1 in $(cat "$HOME/out.hdr")"
	ok "attempt $attempt: Retry-After: 1"
done
api POST /Messages.json --data-urlencode To=+15005550429 --data-urlencode From=+15017122661 --data-urlencode Body=hi
eq "the third attempt is accepted" "$CODE" 201
for attempt in 1 2; do
	api POST /Messages.json --data-urlencode To=+15005550500 --data-urlencode From=+15017122661 --data-urlencode Body=hi
	eq "+15005550500 attempt $attempt: 500" "$CODE" 500
done
api POST /Messages.json --data-urlencode To=+15005550500 --data-urlencode From=+15017122661 --data-urlencode Body=hi
eq "then it is accepted" "$CODE" 201
api POST /Messages.json --data-urlencode To=+15005550009 --data-urlencode From=+15017122661 \
	--data-urlencode Body=hi --data-urlencode "StatusCallback=$R/twilio/status"
eq "+15005550009 is accepted" "$CODE" 201
U=$(j 'd["sid"]')
idle
eq "then ends undelivered with 30006" \
	"$(rl "[(e['params']['MessageStatus'], e['params'].get('ErrorCode')) for e in L if e['params'].get('MessageSid') == '$U'][-1]")" \
	'["undelivered", "30006"]'

# ---- WhatsApp: the 24-hour window ---------------------------------------------------------

api POST /Messages.json --data-urlencode To=whatsapp:+15557770001 --data-urlencode From=whatsapp:+15017122661 \
	--data-urlencode Body=hello --data-urlencode "StatusCallback=$R/twilio/status"
W1=$(j 'd["sid"]')
ctl POST inbound --data-urlencode From=+15557770002 --data-urlencode To=+15017122661 \
	--data-urlencode Channel=whatsapp --data-urlencode 'Body=hi there' --data-urlencode ProfileName=Ana
eq "an inbound WhatsApp message is injected" "$CODE" 200
eq "the relay answered the inbound webhook" "$(j 'd["webhook"]["status"]')" 200
api POST /Messages.json --data-urlencode To=whatsapp:+15557770002 --data-urlencode From=whatsapp:+15017122661 \
	--data-urlencode Body=hello --data-urlencode "StatusCallback=$R/twilio/status"
W2=$(j 'd["sid"]')
idle
eq "free-form WhatsApp with no inbound in 24 h fails with 63016" \
	"$(rl "[(e['params']['MessageStatus'], e['params'].get('ErrorCode')) for e in L if e['params'].get('MessageSid') == '$W1']")" \
	'[["failed", "63016"]]'
eq "inside the window it is delivered and read" \
	"$(rl "[e['params']['MessageStatus'] for e in L if e['params'].get('MessageSid') == '$W2']")" \
	'["sending", "sent", "delivered", "read"]'
eq "the WhatsApp inbound webhook has ProfileName and WaId" \
	"$(rl "[(e['params']['ProfileName'], e['params']['WaId']) for e in L if e['path'] == '/twilio/message']")" \
	'[["Ana", "15557770002"]]'

# ---- inbound SMS with media ----------------------------------------------------------------

ctl POST inbound --data-urlencode From=+15557770003 --data-urlencode To=+15017122661 \
	--data-urlencode 'Body=reply please' --data-urlencode MediaUrl=https://example.com/a.png \
	--data-urlencode NumMedia=1
eq "an inbound MMS is injected" "$CODE" 200
IN=$(j 'd["message"]["sid"]')
eq "it is stored as received" "$(j 'd["message"]["status"]')" received
eq "inbound direction" "$(j 'd["message"]["direction"]')" inbound
eq "the inbound webhook's signature verifies" "$(rl "L[-1]['valid_as']")" local
eq "the webhook has Twilio's fields" \
	"$(rl "sorted(k for k in L[-1]['params'] if k not in ('ToCountry',))")" \
	'["AccountSid", "ApiVersion", "Body", "From", "MediaContentType0", "MediaUrl0", "MessageSid", "NumMedia", "NumSegments", "SmsMessageSid", "SmsSid", "SmsStatus", "To"]'
eq "MediaUrl0 and its type" "$(rl "[L[-1]['params']['MediaUrl0'], L[-1]['params']['MediaContentType0']]")" \
	'["https://example.com/a.png", "image/png"]'
api GET "/Messages/$IN/Media.json"
eq "its media is listed" "$(j '[m["content_type"] for m in d["media_list"]]')" '["image/png"]'
idle
api GET "/Messages.json" -G --data-urlencode To=+15557770003
eq "the TwiML <Message> answer was sent back as a reply" \
	"$(j '[(m["direction"], m["body"], m["from"]) for m in d["messages"]]')" \
	'[["outbound-reply", "Thanks, we got it", "+15017122661"]]'
api GET "/Messages.json" -G --data-urlencode From=+15557770003
eq "the inbound message is in the list" "$(j '[m["sid"] for m in d["messages"]]')" "[\"$IN\"]"

# ---- paging: 120 messages, 50 a page ------------------------------------------------------

# One curl for all 120 (a curl process costs more than the request).
t0=$(date +%s%N)
: >"$HOME/bulk.curl"
i=0
while [ $i -lt 120 ]; do
	[ $i -gt 0 ] && echo next >>"$HOME/bulk.curl"
	cat >>"$HOME/bulk.curl" <<EOF
url = "$ACC/Messages.json"
user = "$TWILIO_FAKE_ACCOUNT_SID:$TWILIO_FAKE_AUTH_TOKEN"
data-urlencode = "To=+15554440000"
data-urlencode = "From=+15017122661"
data-urlencode = "Body=bulk $i"
output = "/dev/null"
write-out = "%{http_code}\\n"
EOF
	i=$((i + 1))
done
codes=$(curl -s -K "$HOME/bulk.curl" | sort | uniq -c | tr -s ' ')
eq "120 messages are created in $((($(date +%s%N) - t0) / 1000000)) ms" "$codes" " 120 201"
today=$(date -u +%Y-%m-%d)
api GET /Messages.json -G --data-urlencode To=+15554440000 --data-urlencode PageSize=50 \
	--data-urlencode "DateSent>=$today"
eq "page 0 is answered" "$CODE" 200
eq "page 0 has 50" "$(j 'len(d["messages"])')" 50
eq "page 0 says page 0, page_size 50" "$(j '[d["page"], d["page_size"], d["start"], d["end"]]')" '[0, 50, 0, 49]'
eq "no previous page" "$(j 'd["previous_page_uri"]')" null
eq "first_page_uri keeps the filters" "$(j 'd["first_page_uri"]')" \
	"/2010-04-01/Accounts/$TWILIO_FAKE_ACCOUNT_SID/Messages.json?To=%2B15554440000&DateSent%3E=$today&PageSize=50&Page=0"
eq "next_page_uri carries the filters, Page=1 and a PageToken" \
	"$(j 'bool(re.search(r"\?To=%2B15554440000&DateSent%3E=[0-9-]+&PageSize=50&Page=1&PageToken=PASM[0-9a-f]{32}$", d["next_page_uri"]))')" true
sids=$(j '" ".join(m["sid"] for m in d["messages"])')
pages=1
while [ "$(j 'd["next_page_uri"]')" != null ]; do
	next=$(j 'd["next_page_uri"]')
	CODE=$(curl -s -o "$HOME/out.json" -w '%{http_code}' \
	    -u "$TWILIO_FAKE_ACCOUNT_SID:$TWILIO_FAKE_AUTH_TOKEN" "$TWILIO_FAKE_URL$next")
	eq "page $pages is answered" "$CODE" 200
	sids="$sids $(j '" ".join(m["sid"] for m in d["messages"])')"
	pages=$((pages + 1))
	[ $pages -le 5 ] || fail "paging does not end"
done
eq "three pages" "$pages" 3
eq "the last page has 20" "$(j 'len(d["messages"])')" 20
eq "the last page links back" "$(j 'd["previous_page_uri"] is not None')" true
# shellcheck disable=SC2086 # one sid a line
eq "120 distinct messages over the pages" "$(printf '%s\n' $sids | sort -u | wc -l | tr -d ' ')" 120
api GET /Messages.json -G --data-urlencode To=+15554440000 --data-urlencode "DateSent<=2000-01-01"
eq "DateSent< before any message finds none" "$(j 'len(d["messages"])')" 0
api GET /Messages.json -G --data-urlencode To=+15554440000 --data-urlencode PageSize=1001
eq "PageSize above 1000 is refused" "$CODE" 400
eq "as a violation" "$(nviol)" 14

# ---- a call with <Dial action> ------------------------------------------------------------

twiml="<Response><Dial callerId=\"+15017122661\" record=\"record-from-answer-dual\" action=\"$R/twilio/voice/dial\">+15553334444</Dial></Response>"
api POST /Calls.json --data-urlencode To=+15551112222 --data-urlencode From=+15017122661 \
	--data-urlencode "Twiml=$twiml" --data-urlencode "StatusCallback=$R/twilio/call-status" \
	--data-urlencode StatusCallbackEvent=initiated --data-urlencode StatusCallbackEvent=ringing \
	--data-urlencode StatusCallbackEvent=answered --data-urlencode StatusCallbackEvent=completed
eq "a call is created" "$CODE" 201
CA=$(j 'd["sid"]')
eq "it starts queued" "$(j 'd["status"]')" queued
eq "the sid is CA + 32 hex" "$(j 'bool(re.match(r"^CA[0-9a-f]{32}$", d["sid"]))')" true
idle
eq "status callbacks for the four events, in order" \
	"$(rl "[e['params']['CallStatus'] for e in L if e['path'] == '/twilio/call-status' and e['params']['CallSid'] == '$CA']")" \
	'["initiated", "ringing", "in-progress", "completed"]'
eq "sequence numbers count up" \
	"$(rl "[e['params']['SequenceNumber'] for e in L if e['path'] == '/twilio/call-status' and e['params']['CallSid'] == '$CA']")" \
	'["0", "1", "2", "3"]'
eq "completed carries CallDuration (42 s talk + 1 s for the dialled leg to answer)" \
	"$(rl "[e['params']['CallDuration'] for e in L if e['params'].get('CallStatus') == 'completed' and e['params']['CallSid'] == '$CA']")" \
	'["43"]'
eq "the Dial action was requested once" "$(rl "len([e for e in L if e['path'] == '/twilio/voice/dial'])")" 1
eq "with DialCallStatus completed and DialCallDuration 42" \
	"$(rl "[(e['params']['DialCallStatus'], e['params']['DialCallDuration']) for e in L if e['path'] == '/twilio/voice/dial']")" \
	'[["completed", "42"]]'
eq "and the recording" \
	"$(rl "[bool(re.search(r'/Recordings/RE[0-9a-f]{32}$', e['params']['RecordingUrl'])) for e in L if e['path'] == '/twilio/voice/dial']")" \
	'[true]'
eq "every call callback's signature verifies" "$(rl "all(e['valid_as'] == 'local' for e in L)")" true
api GET "/Calls/$CA.json"
eq "the call is completed" "$(j '[d["status"], d["duration"], d["price"], d["price_unit"]]')" \
	'["completed", "43", "-0.01400", "USD"]'
api GET /Calls.json -G --data-urlencode "ParentCallSid=$CA"
eq "the dialled leg is a child call" "$(j '[(c["direction"], c["to"], c["from"], c["status"], c["duration"]) for c in d["calls"]]')" \
	'[["outbound-dial", "+15553334444", "+15017122661", "completed", "42"]]'
api GET "/Calls/$CA/Recordings.json"
eq "the call's recording is listed" "$(j '[(r["call_sid"], r["duration"], r["channels"], r["source"]) for r in d["recordings"]]')" \
	"[[\"$CA\", \"42\", 2, \"DialVerb\"]]"
api GET /Recordings.json -G --data-urlencode "CallSid=$CA"
eq "and in the account's recordings" "$(j 'len(d["recordings"])')" 1
media=$(j 'd["recordings"][0]["media_url"]')
CODE=$(curl -s -o /dev/null -w '%{http_code}' -u "$TWILIO_FAKE_ACCOUNT_SID:$TWILIO_FAKE_AUTH_TOKEN" "$media.mp3")
eq "the recording's audio can be fetched" "$CODE" 200

api POST /Calls.json --data-urlencode To=+15551112223 --data-urlencode From=+15017122661 \
	--data-urlencode "Url=$R/twilio/voice" --data-urlencode "StatusCallback=$R/twilio/call-status"
eq "a call with a TwiML Url is created" "$CODE" 201
CU=$(j 'd["sid"]')
idle
eq "the Url was fetched when answered" \
	"$(rl "[e['params']['CallStatus'] for e in L if e['path'] == '/twilio/voice' and e['params']['CallSid'] == '$CU']")" \
	'["in-progress"]'
eq "its relative Dial action was resolved against the Url" \
	"$(rl "len([e for e in L if e['path'] == '/twilio/voice/dial' and e['params']['CallSid'] == '$CU'])")" 1
eq "without StatusCallbackEvent only completed is called back" \
	"$(rl "[e['params']['CallStatus'] for e in L if e['path'] == '/twilio/call-status' and e['params']['CallSid'] == '$CU']")" \
	'["completed"]'

api POST /Calls.json --data-urlencode To=+15005550002 --data-urlencode From=+15017122661 \
	--data-urlencode "Twiml=$twiml" --data-urlencode "StatusCallback=$R/twilio/call-status"
NA=$(j 'd["sid"]')
idle
eq "the agent magic number +15005550002 does not answer" \
	"$(rl "[e['params']['CallStatus'] for e in L if e['params'].get('CallSid') == '$NA']")" '["no-answer"]'

api POST /Calls.json --data-urlencode To=+15005558999 --data-urlencode From=+15017122661 \
	--data-urlencode "Twiml=<Response><Say>A long talk</Say></Response>" \
	--data-urlencode "StatusCallback=$R/twilio/call-status"
LC=$(j 'd["sid"]')
i=0
while api GET "/Calls/$LC.json" && [ "$(j 'd["status"]')" != in-progress ]; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "the call never answered: $(cat "$HOME/out.json")"
	sleep 0.02
done
api POST "/Calls/$LC.json" --data-urlencode Status=completed
eq "hanging up an answered call answers completed at once" "$(j 'd["status"]')" completed
eq "with the seconds it lasted, well short of the 999 it would have" "$(j '0 <= int(d["duration"]) < 999')" true
api POST "/Calls/$LC.json" --data-urlencode Status=completed
eq "a finished call cannot be hung up again" "$(j 'd["code"]')" 21220
idle
eq "the hang-up is called back as completed" \
	"$(rl "[e['params']['CallStatus'] for e in L if e['params'].get('CallSid') == '$LC']")" '["completed"]'

api POST /Calls.json --data-urlencode To=+15551112222 --data-urlencode From=+15017122661
eq "a call without Url, Twiml or ApplicationSid is refused" "$CODE" 400
eq "with 21205" "$(j 'd["code"]')" 21205
api POST /Calls.json --data-urlencode To=+15551112222 --data-urlencode From=+15017122661 \
	--data-urlencode "Twiml=<Response><Dial>"
eq "malformed TwiML is refused" "$CODE" 400
api POST /Calls.json --data-urlencode To=+15551112222 --data-urlencode From=+15017122661 \
	--data-urlencode "Twiml=$twiml" --data-urlencode StatusCallbackEvent=hung-up
eq "an unknown StatusCallbackEvent is refused" "$CODE" 400
eq "three more violations" "$(nviol)" 17

# ---- a relay behind a proxy: signatures over the public URL --------------------------------

ctl POST config --data-urlencode PublicBase=https://hark.example.com/relay
api POST /Messages.json --data-urlencode To=+15558675311 --data-urlencode From=+15017122661 \
	--data-urlencode Body=hi --data-urlencode "StatusCallback=$R/twilio/status"
P=$(j 'd["sid"]')
idle
eq "with a public base the callbacks are signed over the public URL, not the local one" \
	"$(rl "sorted(set(e['valid_as'] for e in L if e['params'].get('MessageSid') == '$P'))")" '["public"]'

# ---- the fake's own answers all matched the spec ------------------------------------------

ctl GET state
eq "the self-check ran on every API answer" "$(j 'd["self_checked"]')" \
	"$(grep -vc '"beyond_spec": true' "$dir/requests.jsonl")"
eq "no answer of the fake broke the spec" \
	"$("$PY" "$HOME/j.py" "L:[e for e in L if e['side'] != 'request']" "$dir/violations.jsonl")" '[]'
eq "all violations are the deliberate ones above" "$(nviol)" 17
ctl POST reset
eq "reset empties the logs" "$(nviol)$(wc -l <"$dir/requests.jsonl" | tr -d ' ')" 00
api GET /Messages.json
eq "and forgets the messages" "$(j 'len(d["messages"])')" 0
