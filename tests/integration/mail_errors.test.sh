# mail_errors: what goes wrong on the way out or in says so, specifically,
# and loses nothing: a wrong password (send and sync), a CA that does not
# sign the server's certificate, a recipient the server refuses for good
# (failed, with the server's words) or for now (kept for a retry), and a
# 10 MB attachment that goes through.
. "$TESTS/lib.sh"
. "$TESTS/mail_lib.sh"
mail_peer_start

# Wrong password: the send fails for good with the server's refusal.
mail_config wrong-password
expect_exit 2 "send with a wrong password" -- hark send --to ann@example.com --subject a --body b
contains "the login is named" "login to 127.0.0.1:$SMTP_PORT refused"
contains "with what to check" "check username and password"
eq "the message failed, kept" "$(sql "SELECT status FROM messages")" failed
sed -i "/^\[account box\]/,\$ s/^password = .*/password = nope/" "$CONFIG"
expect_exit 2 "sync with a wrong password" -- hark sync
contains "the IMAP login is named" "IMAP login to 127.0.0.1:$IMAP_PORT refused"
contains "Dovecot's words" "AUTHENTICATIONFAILED"

# A CA that did not sign the server's certificate.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=other" -keyout other.key -out other.pem 2>/dev/null
mail_config "$MAIL_PEER_PASS" "$HOME/other.pem"
expect_exit 2 "send with the wrong CA" -- hark send --to ann@example.com --subject a --body b
contains "a TLS failure" "TLS with 127.0.0.1:$SMTP_PORT failed"
contains "the certificate is the reason" "certificate"
eq "no mail went out while the login or TLS failed" \
    "$(cat "$MAIL_PEER_ENVELOPES" 2>/dev/null | wc -l)" 0

# Refused recipients.
mail_config
expect_exit 2 "a recipient refused for good" -- hark send --to permfail@example.com --subject a --body b
contains "the server's words" "550 5.7.1 <permfail@example.com>: rejected (test recipient)"
eq "failed with code 550" "$(sql "SELECT status || ' ' || error_code FROM messages WHERE to_addr='permfail@example.com'")" "failed 550"
expect_exit 2 "a recipient refused for now" -- hark send --to tempfail@example.com \
    --subject a --body b --timeout 5
contains "it is kept" "stays in the outbox"
st=$(sql "SELECT status FROM messages WHERE to_addr='tempfail@example.com'")
[ "$st" = queued ] || [ "$st" = sending ] || fail "tempfail: status $st, expected it kept for a retry"
err=$(sql "SELECT j.last_error FROM jobs j JOIN messages m ON m.id = j.message_id WHERE m.to_addr='tempfail@example.com'")
printf '%s' "$err" | grep -q "451 4.3.0 <tempfail@example.com>: temporary failure" ||
    fail "the retry does not say why: '$err'"
ok "tempfail@ stays in the outbox with the server's 451 ($st)"

# 10 MB attachment.
head -c 10485760 /dev/urandom >big.bin
expect_exit 0 "a 10 MB attachment" -- hark send --to ann@example.com --subject big --body "big file" --attach big.bin
f=$(mail_delivered ann@example.com)
/usr/bin/python3 - "$f" <<'PYEOF' || fail "the 10 MB attachment did not arrive intact"
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
parts = [p for p in m.iter_attachments() if p.get_filename() == "big.bin"]
assert parts and parts[0].get_payload(decode=True) == open("big.bin", "rb").read()
PYEOF
ok "the 10 MB attachment arrived byte for byte"
