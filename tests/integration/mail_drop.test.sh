# mail_drop: an SMTP server that hangs up in the middle of a send. Before the
# end of DATA the server cannot have taken the message: it stays in the
# outbox for a retry. Once the end of DATA is on its way, before the
# server's 250, it may have: hark marks it uncertain and never sends it again on its own.
# Nothing is lost, nothing is sent twice. (A tiny server of the test's own:
# no Dovecot needed.)
. "$TESTS/lib.sh"

cat >smtp_drop.py <<'PYEOF'
import socket, sys, os
port_file, mode_file, log = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(5)
open(port_file, "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept(); f = c.makefile("rb")
    mode = open(mode_file).read().strip()
    c.sendall(b"220 drop.test ESMTP\r\n")
    try:
        while True:
            line = f.readline()
            if not line: break
            cmd = line[:4].upper()
            if cmd in (b"EHLO", b"HELO"): c.sendall(b"250-drop.test\r\n250 8BITMIME\r\n")
            elif cmd in (b"MAIL", b"RCPT"): c.sendall(b"250 ok\r\n")
            elif cmd == b"QUIT": c.sendall(b"221 bye\r\n"); break
            elif cmd == b"DATA":
                c.sendall(b"354 go ahead\r\n")
                if mode == "mid":
                    f.read(40)                       # part of the message, then gone
                    open(log, "a").write("partial\n"); break
                data = b""
                while not data.endswith(b"\r\n.\r\n"):
                    data += f.readline()
                open(log, "a").write("complete\n")
                if mode == "after": break            # took it all, never says 250
                c.sendall(b"250 queued\r\n")
    except OSError:
        pass
    try:
        c.shutdown(socket.SHUT_RDWR)                 # really hang up (f holds the fd)
    except OSError:
        pass
    f.close(); c.close()
PYEOF
echo mid >mode
/usr/bin/python3 smtp_drop.py port mode envelopes.log &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for i in 1 2 3 4 5 6 7 8 9 10; do [ -s port ] && break; sleep 0.2; done
[ -s port ] || fail "the test server did not start"
mkdir -p "$HOME/.config/hark"
cat >"$HOME/.config/hark/config" <<CFG
[account out]
provider = smtp
host = 127.0.0.1
port = $(cat port)
tls = none
from_email = me@drop.test
CFG
HARK_DB=$HOME/hark.db; export HARK_DB

# Dropped before the end of DATA (a 5 MB message cannot all be in flight
# when the server hangs up): kept for a retry.
head -c 5000000 /dev/urandom >big.bin
expect_exit 2 "dropped mid-DATA" -- hark send --to ann@example.com --subject one --body "first" \
    --attach big.bin --timeout 3
contains "it stays in the outbox" "stays in the outbox"
st=$(sql "SELECT status FROM messages WHERE subject='one'")
[ "$st" != failed ] && [ "$st" != uncertain ] || fail "mid-DATA drop: status $st"
err=$(sql "SELECT j.last_error FROM jobs j JOIN messages m ON m.id = j.message_id WHERE m.subject='one'")
printf '%s' "$err" | grep -q "ended before the message was sent" || fail "the retry does not say why: '$err'"
ok "kept for a retry ($st): $err"

# Dropped after the end of DATA, before the 250: uncertain, not resent.
echo after >mode
expect_exit 2 "dropped after DATA" -- hark send --to bob@example.com --subject two --body "second"
contains "hark send says so" "may have arrived"
eq "uncertain" "$(sql "SELECT status FROM messages WHERE subject='two'")" uncertain
txt=$(sql "SELECT error_text FROM messages WHERE subject='two'")
printf '%s' "$txt" | grep -q "may have arrived" || fail "no explanation: '$txt'"
ok "the message says why: $txt"
eq "the server got it whole once" "$(grep -c complete envelopes.log)" 1

# A daemon that owns the outbox for a while does not send it again.
echo ok >mode
"$HARK_BIN" daemon --quiet 2>daemon.err &
d=$!
sleep 3
kill -TERM $d; wait $d
eq "still sent once" "$(grep -c complete envelopes.log)" 1
eq "still uncertain" "$(sql "SELECT status FROM messages WHERE subject='two'")" uncertain
