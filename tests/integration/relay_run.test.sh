# relay_run: starting and stopping `hark relay` — it refuses to run when
# webhooks could not be verified (unless told so, loudly), names bad
# addresses and busy ports, limits each client's rate, wakes event-socket
# clients after each commit, survives hostile input, and on SIGTERM exits 0
# and removes its socket.
. "$TESTS/lib.sh"
. "$TESTS/relay_lib.sh"
ANN=+14155552671

# Refusals at start.
relay_config
sed -i 's/^auth_token_env = TW_TOKEN$//' "$XDG_CONFIG_HOME/hark/config"
expect_exit 1 "an account without its auth_token stops the relay" -- hark relay
contains "it names the account and the secret" "account 'tw' has no auth_token"
contains "and the way out" "--insecure-no-signatures"
relay_start --insecure-no-signatures
grep -q "WARNING: --insecure-no-signatures" "$HOME/relay.err" || fail "no warning on stderr: $(cat "$HOME/relay.err")"
ok "--insecure-no-signatures is announced on stderr"
expect_status 200 "and then an unsigned webhook is accepted" -- \
    twilio /twilio/message --unsigned MessageSid=SM10000000000000000000000000000001 From=$ANN Body=unsigned
expect_status 200 "/healthz says signatures are off" -- raw GET /healthz
contains "signatures off" '"signatures":"off"'
relay_stop
eq "it stops with 0" "$RELAY_RC" 0

relay_config
sed -i 's|^public_url = .*$||' "$XDG_CONFIG_HOME/hark/config"
expect_exit 1 "a Twilio account without [relay] public_url stops the relay" -- hark relay
contains "it says why" "public_url"

relay_config
expect_exit 1 "a listen address without a port is a usage error" -- hark relay --listen 127.0.0.1
contains "it names the address" "bad listen address '127.0.0.1'"
expect_exit 1 "an unknown option is a usage error" -- hark relay --frobnicate
contains "usage is shown" "usage: hark relay"
expect_exit 0 "--help describes the webhooks" -- hark relay --help
contains "the routes are listed" "/twilio/status"

relay_start
expect_exit 2 "a second relay on the same port fails at run time" -- \
    hark relay --listen 127.0.0.1:$RELAY_PORT
contains "it names the port" "127.0.0.1:$RELAY_PORT"
relay_stop

if $PY -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
	relay_config
	"$HARK_BIN" relay --listen '[::1]:0' >"$HOME/v6.out" 2>"$HOME/v6.err" &
	pid=$!
	i=0; while ! grep -q listening "$HOME/v6.out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
	grep -q 'listening on http://\[::1\]:[1-9]' "$HOME/v6.out" || fail "no IPv6 listen line: $(cat "$HOME/v6.out" "$HOME/v6.err")"
	ok "an IPv6 address is listened on and shown in brackets"
	kill -TERM $pid; wait $pid
	eq "and stops with 0" "$?" 0
fi

# The rate limit: 5 per second, bursts of 10.
relay_config 'rate_limit = 5'
relay_start
$PY "$TESTS/relay_hook.py" burst 14 /healthz > burst.txt
n200=$(grep -c '^200$' burst.txt); n429=$(grep -c '^429$' burst.txt)
[ "$n200" -ge 10 ] && [ "$n200" -le 11 ] && [ $((n200 + n429)) -eq 14 ] ||
    fail "rate limit: $n200 answered, $n429 limited: $(tr '\n' ' ' < burst.txt)"
ok "past the burst of 10, requests get 429 ($n200 answered, $n429 limited)"
grep -q '^first 429: Retry-After: 1' burst.txt ||
    fail "a 429 says when to retry: $(tr '\n' ' ' < burst.txt)"
ok "a 429 says when to retry"
hook raw GET /healthz --header 'X-Forwarded-For: 203.0.113.7'
eq "behind a proxy on this machine, the forwarded client has its own bucket" "$STATUS" 200
hook raw GET /healthz --header 'X-Forwarded-For: 10.0.0.1, 203.0.113.7'
eq "only the address the proxy appended counts (the first is the client's claim)" "$STATUS" 200
sleep 1.2
expect_status 200 "a second later the client may call again" -- raw GET /healthz
relay_stop

# The event socket.
relay_config
relay_start
[ -S "$SOCK" ] || fail "no event socket at $SOCK"
eq "the socket is private (0600)" "$(stat -c %a "$SOCK")" 600
eq "in a private directory (0700)" "$(stat -c %a "$(dirname "$SOCK")")" 700
$PY "$TESTS/relay_hook.py" listen "$SOCK" 2 10 > lines.txt &
lpid=$!
sleep 0.5
expect_status 200 "a webhook commits while a client listens" -- \
    twilio /twilio/message MessageSid=SM10000000000000000000000000000002 From=$ANN Body='wake up'
wait $lpid
last=$(sql 'select max(id) from events')
eq "the client got the last event id at connect, then the new one after the commit" \
    "$(tail -n 1 lines.txt)" "$last"
eq "two lines in all" "$(wc -l < lines.txt | tr -d ' ')" 2
# A client that never reads is dropped, and the relay keeps answering.
$PY -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
time.sleep(8)' "$SOCK" &
stuck=$!
sleep 0.3
expect_status 200 "/healthz" -- raw GET /healthz
contains "the client that will not read is connected" '"event_clients":1'
eq "a client that never reads is answered 1000 webhooks all the same" \
    "$($PY "$TESTS/relay_hook.py" flood 1000 +14155550199)" 1000
expect_status 200 "/healthz" -- raw GET /healthz
contains "the client that did not read was dropped" '"event_clients":0'
kill $stuck 2>/dev/null; wait $stuck 2>/dev/null

# Hostile input: none of it may crash the relay.
head -c 65536 /dev/urandom > junk.bin
hook raw POST /twilio/message --ct application/x-www-form-urlencoded --data-file junk.bin
eq "random bytes as a form get 400" "$STATUS" 400
hook raw POST /mailgun/inbound --ct 'multipart/form-data; boundary=xyz' --data-file junk.bin
ok "random bytes as multipart get $STATUS"
printf -- '--xyz\r\nContent-Disposition: form-data; name="from"\r\n\r\nann@example.com\r\n--xyz\r\nContent-Disposition: form-da' > trunc.bin
hook raw POST /mailgun/inbound --ct 'multipart/form-data; boundary=xyz' --data-file trunc.bin
eq "a truncated multipart body gets 400" "$STATUS" 400
hook raw POST /mailgun/inbound --ct 'multipart/form-data' --data-file trunc.bin
eq "multipart without a boundary gets 400" "$STATUS" 400
hook raw POST /sendgrid/events --ct application/json --data-file junk.bin
ok "random bytes as JSON get $STATUS"
{ printf 'POST /twilio/message HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc'; } > partial.txt
$PY -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(open(sys.argv[2], "rb").read()); s.close()' "$RELAY_PORT" partial.txt
$PY -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(open(sys.argv[2], "rb").read()); s.close()' "$RELAY_PORT" junk.bin
expect_status 200 "after all that, the relay still answers" -- raw GET /healthz

# Clients that hang up while their webhook waits for the commit.
$PY "$TESTS/relay_hook.py" hangup 200
# Their batches commit after they have gone; wait for them (a loaded or
# sanitizer build may take seconds), then the relay must answer as ever.
i=0
while [ "$(sql "select count(*) from messages where body like 'gone %'")" -lt 200 ] && [ $i -lt 100 ]; do
	sleep 0.2; i=$((i + 1))
done
expect_status 200 "clients leaving before their answer leave the relay answering" -- raw GET /healthz
eq "their webhooks were still stored" "$(sql "select count(*) from messages where body like 'gone %'")" 200

relay_stop
eq "SIGTERM exits 0" "$RELAY_RC" 0
[ ! -e "$SOCK" ] || fail "the socket file is still there"
ok "the socket file is removed"

# A socket left by a relay that was killed is replaced at the next start.
relay_start
kill -KILL $RELAY_PID; wait $RELAY_PID 2>/dev/null; RELAY_PID=
[ -S "$SOCK" ] || fail "SIGKILL should leave the socket behind"
relay_start
ok "a stale socket from a killed relay does not stop the next one"
expect_exit 2 "while it runs, a second relay on the same socket is refused" -- \
    hark relay --listen 127.0.0.1:0
contains "it says another relay serves it" "another hark relay"
relay_stop
eq "and it stops with 0" "$RELAY_RC" 0
