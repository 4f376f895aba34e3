# mail_send: hark sends an email with attachments over SMTP (STARTTLS + AUTH,
# the peer's CA) into a real Dovecot, syncs it back over IMAP, threads a reply
# placed in the mailbox by another client under the same contact with its
# attachment byte for byte, and answers it with In-Reply-To and References.
. "$TESTS/lib.sh"
. "$TESTS/mail_lib.sh"
mail_peer_start
mail_config
PY=/usr/bin/python3

head -c 50000 /dev/urandom >photo.png
printf 'Devis n°42\n' >"Prix été.txt"
printf '<p>Hello <b>Ann</b></p>\n' >quote.html

expect_exit 0 "send with two attachments and HTML" -- hark send --to ann@example.com \
    --subject "Your quote" --body "Hello Ann, the quote is attached." \
    --attach photo.png --attach "Prix été.txt" --html quote.html
contains "it went out" "sent"
msgid=$(sql "SELECT message_id FROM messages WHERE direction='out' AND channel='email'")
[ -n "$msgid" ] || fail "the sent message has no Message-ID"

# What the SMTP server saw: TLS, the login, the envelope.
env_line=$(tail -n 1 "$MAIL_PEER_ENVELOPES")
printf '%s' "$env_line" | grep -q '"tls": true' || fail "not sent over TLS: $env_line"
printf '%s' "$env_line" | grep -q '"auth_user": "user"' || fail "no AUTH: $env_line"
printf '%s' "$env_line" | grep -q '"rcpt_tos": \["ann@example.com"\]' || fail "envelope: $env_line"
ok "STARTTLS, AUTH and the envelope as sent"

f=$(mail_delivered ann@example.com)
[ -n "$f" ] || fail "nothing delivered to ann@example.com in $MAIL_PEER_MAILDIR"
OUT=$($PY - "$f" "$msgid" <<'PYEOF'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
want = sys.argv[2].strip("<>")
assert m["Message-ID"].strip("<>") == want, (m["Message-ID"], want)
assert m["From"].addresses[0].display_name == "Uma User", m["From"]
assert m.get_body(("plain",)).get_content().startswith("Hello Ann"), "text"
assert "<b>Ann</b>" in m.get_body(("html",)).get_content(), "html"
names = {}
for part in m.iter_attachments():
    names[part.get_filename()] = (part.get_content_type(), part.get_payload(decode=True))
assert open("photo.png", "rb").read() == names["photo.png"][1], "photo bytes"
assert names["photo.png"][0] == "image/png", names["photo.png"][0]
assert open("Prix été.txt", "rb").read() == names["Prix été.txt"][1], "txt bytes"
print("parts ok:", sorted(names))
PYEOF
) || fail "the delivered message: $OUT"
ok "delivered with its Message-ID, HTML and both attachments intact ($OUT)"
grep -qi "filename\*=[a-z0-9-]*''Prix" "$f" || fail "the non-ASCII file name is not RFC 2231: $(grep -i filename "$f")"
ok "the non-ASCII file name is an RFC 2231 parameter"
ls "$MAIL_PEER_MAILDIR"/.Sent/cur/* >/dev/null 2>&1 || fail "no copy in the Sent folder"
ok "a copy is in the Sent folder"

# Sync: our own mail comes back twice (INBOX, Sent) and is recognised.
expect_exit 0 "first sync" -- hark sync --json
eq "one email row for the sent message" \
    "$(sql "SELECT count(*) FROM messages WHERE channel='email'")" 1
ann=$(sql "SELECT contact_id FROM messages WHERE direction='out'")

# Another client files Ann's reply, with an attachment, into the mailbox.
head -c 30000 /dev/urandom >signed.pdf
$PY - "$msgid" >reply.eml <<'PYEOF'
import sys
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "Ann Lee <ann@example.com>"
m["To"] = "user@mail.test"
m["Subject"] = "Re: Your quote"
m["Message-ID"] = "<ann-reply-1@example.com>"
m["In-Reply-To"] = sys.argv[1] if sys.argv[1].startswith("<") else "<%s>" % sys.argv[1]
m["References"] = m["In-Reply-To"]
m.set_content("Thanks, signed copy attached.")
m.add_attachment(open("signed.pdf", "rb").read(), maintype="application", subtype="pdf",
                 filename="signed.pdf")
sys.stdout.buffer.write(m.as_bytes())
PYEOF
$DOVEADM save -u user -m INBOX <reply.eml || fail "doveadm save"
expect_exit 0 "second sync" -- hark sync --json
contains "one new message" '"new":1'
eq "the reply is in Ann's thread" \
    "$(sql "SELECT contact_id FROM messages WHERE message_id IN ('ann-reply-1@example.com','<ann-reply-1@example.com>')")" "$ann"
path=$(sql "SELECT a.path FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.direction='in' AND a.filename='signed.pdf'")
[ -n "$path" ] && cmp -s "$path" signed.pdf || fail "the reply's attachment is not intact (path '$path')"
ok "the reply's attachment is kept byte for byte"

expect_exit 0 "a third sync finds nothing new" -- hark sync --json
contains "nothing new" '"new":0'

# Our answer carries the headers that thread it in Ann's mail client.
expect_exit 0 "reply" -- hark send --to ann@example.com --subject "Re: Your quote" --body "Great, thanks."
f=$(mail_delivered ann@example.com "^Subject: Re: Your quote")
grep -q "^In-Reply-To: <ann-reply-1@example.com>" "$f" || fail "no In-Reply-To in $(cat "$f")"
grep -q "^References: <.*> <ann-reply-1@example.com>" "$f" ||
    fail "References lacks the thread: $(grep -i ^references "$f")"
ok "the answer has In-Reply-To and References"
