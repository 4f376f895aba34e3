# cli_export_formats: the email part as mbox opens in Python's mailbox module
# and in neomutt with every message intact; contacts as vCard 4.0 follow
# RFC 6350's folding and escaping and come back through hark contacts import.
. "$TESTS/lib.sh"
export HARK_DB="$HOME/h.db"

# ---- an email history: rebuilt messages, one kept as received, SMS beside ----
printf '%%PDF-1.4 quote\n\001\002\377 binary tail\n' > quote.pdf
cat > mail.jsonl <<'L'
{"channel":"email","contact":"Ann Lee","address":"ann@example.com","own_address":"me@shop.example","direction":"in","timestamp":"2026-11-20T09:00:00Z","subject":"Über the quote ✓","body":"Hello,\nFrom the desk of Ann:\n>From a quote\nthe roof, please.","provider":"imap","provider_id":"i1","message_id":"<a1@example.com>"}
{"channel":"email","contact":"Ann Lee","address":"ann@example.com","own_address":"me@shop.example","direction":"out","timestamp":"2026-11-20T10:00:00Z","subject":"Re: Über the quote ✓","body":"Dear Ann,\nthe quote is attached.\n-- \nSam","provider":"smtp","provider_id":"s1","message_id":"<q12@shop.example>","in_reply_to":"<a1@example.com>","references":"<a1@example.com>"}
{"channel":"sms","contact":"Ann Lee","address":"+14155552671","direction":"in","timestamp":"2026-11-20T11:00:00Z","body":"Got it","provider":"twilio","provider_id":"SM9"}
{"channel":"email","contact":"Bo Diaz","address":"bo@example.com","own_address":"me@shop.example","direction":"in","timestamp":"2026-11-21T08:00:00Z","subject":"Viewing","body":"Can we see it Thursday?\nFrom 5pm I am free.\n>From the agent: ok","provider":"imap","provider_id":"i2","message_id":"<b1@example.com>"}
{"channel":"email","contact":"Bo Diaz","address":"bo@example.com","own_address":"me@shop.example","direction":"out","timestamp":"2026-11-21T09:00:00Z","subject":"Re: Viewing","body":"Thursday is fine.\n>From your note: 5pm","provider":"smtp","provider_id":"s2"}
L
expect_exit 0 "import the email history" -- hark import mail.jsonl
# Bo's message as it arrived: CRLF, a folded header, a body line starting "From ".
printf 'Return-Path: <bo@example.com>\r\nFrom: Bo Diaz <bo@example.com>\r\nTo: me@shop.example\r\nSubject: Viewing\r\n =?utf-8?q?on_Thursday?=\r\nMessage-ID: <b1@example.com>\r\nDate: Sat, 21 Nov 2026 08:00:00 +0000\r\n\r\nCan we see it Thursday?\r\nFrom 5pm I am free.\r\n>From the agent: ok\r\n' > raw.eml
sqlite3 "$HARK_DB" <<SQL || fail "seeding attachments and the raw source"
INSERT INTO attachments (message_id, filename, content_type, size, path)
  VALUES ((SELECT id FROM messages WHERE provider_id = 's1'), 'quote.pdf', 'application/pdf',
          $(wc -c < quote.pdf), '$HOME/quote.pdf');
INSERT INTO mail (message_id, raw_path, from_name)
  VALUES ((SELECT id FROM messages WHERE provider_id = 'i2'), '$HOME/raw.eml', 'Bo Diaz'),
         ((SELECT id FROM messages WHERE provider_id = 'i1'), NULL, 'Ann Lee');
SQL

expect_exit 0 "export the email as mbox" -- hark export --format mbox -o mail.mbox
eq "one From line per email, none for the SMS" "$(grep -c '^From ' mail.mbox)" 4
python3 - <<'P' || fail "Python's mailbox does not read the export intact"
import mailbox, email.policy, re
box = mailbox.mbox("mail.mbox", factory=None, create=False)
msgs = [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default) for k in box.keys()]
assert len(msgs) == 4, len(msgs)
a, q, b, r = msgs
assert a["subject"] == "Über the quote ✓", a["subject"]
assert a["from"].addresses[0].addr_spec == "ann@example.com" and a["from"].addresses[0].display_name == "Ann Lee"
assert a["to"] == "me@shop.example"
assert a["message-id"] == "<a1@example.com>"
# a rebuilt body decodes to the stored text exactly, "From " lines included
assert a.get_body(("plain",)).get_content().rstrip("\n") == "Hello,\nFrom the desk of Ann:\n>From a quote\nthe roof, please.", repr(a.get_body(("plain",)).get_content())
assert q["in-reply-to"] == "<a1@example.com>" and q["references"] == "<a1@example.com>"
assert q.get_body(("plain",)).get_content().rstrip("\n") == "Dear Ann,\nthe quote is attached.\n-- \nSam"
atts = list(q.iter_attachments())
assert len(atts) == 1 and atts[0].get_filename() == "quote.pdf", atts
assert atts[0].get_content_type() == "application/pdf"
assert atts[0].get_content() == open("quote.pdf", "rb").read(), "attachment bytes differ"
# the kept source, once the mboxrd quoting is undone, is the file byte for byte (LF line ends)
raw = box.get_bytes(box.keys()[2])
unquoted = re.sub(rb"(?m)^>(>*From )", rb"\1", raw)
want = open("raw.eml", "rb").read().replace(b"\r\n", b"\n")
assert unquoted == want, (unquoted, want)
assert b["subject"] == "Viewing on Thursday", b["subject"]
# plain ASCII stays 7bit: there ">From" is quoted as mboxrd says, and undoing it gives the text
r2 = email.message_from_bytes(re.sub(rb"(?m)^>(>*From )", rb"\1", box.get_bytes(box.keys()[3])),
    policy=email.policy.default)
assert r2.get_body(("plain",)).get_content().rstrip("\n") == "Thursday is fine.\n>From your note: 5pm"
assert r2["message-id"] == "<smtp.s2@hark.invalid>", r2["message-id"]   # made from the provider id
P
ok "mailbox.mbox: subjects, senders, threading, bodies and the attachment match the database"
ok "the message kept as received comes back byte for byte (LF, mboxrd unquoted)"

if command -v neomutt >/dev/null 2>&1 && command -v tmux >/dev/null 2>&1; then
	sock="$HOME/tmux.sock"
	tmux -S "$sock" new-session -d -x 120 -y 20 "env HOME=$HOME TERM=xterm neomutt -n -F /dev/null -e 'set folder=$HOME spoolfile=$HOME/mail.mbox' -R -f $HOME/mail.mbox" ||
	    fail "cannot start neomutt in tmux"
	screen=""
	for i in 1 2 3 4 5 6 7 8 9 10; do
		screen=$(tmux -S "$sock" capture-pane -p 2>/dev/null)
		case "$screen" in *"Msgs:4"*) break ;; esac
		sleep 0.5
	done
	tmux -S "$sock" kill-server 2>/dev/null
	case "$screen" in *"Msgs:4"*) ;; *) fail "neomutt does not show 4 messages:
$screen" ;; esac
	printf '%s\n' "$screen" | grep -q "Über the quote" || fail "neomutt's index lacks the subject: $screen"
	printf '%s\n' "$screen" | grep -q "Viewing on Thursday" || fail "neomutt's index lacks the kept message: $screen"
	ok "neomutt opens the mbox and its index shows the 4 messages"
else
	echo "neomutt or tmux missing: the neomutt check is left out"
fi
expect_exit 0 "mbox of one contact" -- hark export --format mbox --contact "Bo Diaz" -o bo.mbox
eq "only Bo's email" "$(grep -c '^From ' bo.mbox)" 2

# ---- contacts as vCard 4.0 -----------------------------------------------------------
ann=$(sql "SELECT id FROM contacts WHERE name = 'Ann Lee'")
long="Prefers mornings; gate code 4471, ring twice. Ünïcödé notes that run well past seventy-five octets so that the line must fold"
sqlite3 "$HARK_DB" <<SQL || fail "seeding contact details"
UPDATE contacts SET company = 'Lee Roofing, Inc.', notes = '$long',
  fields = '{"birthday":"1984-03-02","site; gate":"north, rear"}' WHERE id = $ann;
INSERT INTO contact_tags VALUES ($ann, 'vip'), ($ann, 'lead');
INSERT INTO identities (contact_id, kind, address, label) VALUES ($ann, 'whatsapp', '+14155552671', 'work');
UPDATE identities SET label = 'mobile' WHERE contact_id = $ann AND kind = 'phone';
SQL
expect_exit 0 "export the contacts as vCard" -- hark export --format vcard -o contacts.vcf
python3 - <<'P' || fail "the vCard breaks RFC 6350's form"
data = open("contacts.vcf", "rb").read()
assert data.count(b"BEGIN:VCARD\r\n") == 2 and data.count(b"END:VCARD\r\n") == 2
lines = data.split(b"\r\n")
assert b"\n" not in data.replace(b"\r\n", b""), "bare LF"
assert all(len(l) <= 75 for l in lines), [l for l in lines if len(l) > 75]
for l in lines:
    l.decode("utf-8")   # no character split by a fold
unfolded = data.replace(b"\r\n ", b"").decode()
assert "VERSION:4.0" in unfolded
assert "FN:Ann Lee\r\nN:Lee;Ann;;;" in unfolded
assert "TEL;VALUE=uri;TYPE=mobile:tel:+14155552671" in unfolded
assert "EMAIL:ann@example.com" in unfolded
assert "IMPP;X-SERVICE-TYPE=WhatsApp;TYPE=work:whatsapp:+14155552671" in unfolded
assert "ORG:Lee Roofing\\, Inc." in unfolded
assert "CATEGORIES:lead,vip" in unfolded
assert "NOTE:Prefers mornings; gate code 4471\\, ring twice." in unfolded
assert "X-HARK-FIELD:site\\; gate;north\\, rear" in unfolded
P
ok "CRLF, folded at 75 octets on character boundaries, escaped, one card per contact"
vpy=""
for py in python3 /usr/bin/python3; do
	if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import vobject' 2>/dev/null; then
		vpy=$py; break
	fi
done
if [ -n "$vpy" ]; then
	"$vpy" - <<'P' || fail "vobject cannot read the vCard"
import vobject
cards = list(vobject.readComponents(open("contacts.vcf", encoding="utf-8").read()))
assert len(cards) == 2, cards
ann = cards[0]
assert ann.fn.value == "Ann Lee" and ann.n.value.family == "Lee" and ann.n.value.given == "Ann"
assert ann.org.value == ["Lee Roofing, Inc."], ann.org.value
assert ann.note.value.startswith("Prefers mornings; gate code 4471, ring twice. Ünïcödé"), ann.note.value
assert ann.note.value.endswith("so that the line must fold"), ann.note.value
assert sorted(ann.categories.value) == ["lead", "vip"], ann.categories.value
assert ann.tel.value == "tel:+14155552671" and ann.email.value == "ann@example.com"
assert ann.impp.value == "whatsapp:+14155552671"
P
	ok "python vobject reads the vCard: names, organisation, folded note, tags, addresses"
else
	echo "python vobject missing: its check is left out"
fi

export HARK_DB="$HOME/cards.db"
expect_exit 0 "hark contacts import reads the vCard back" -- hark contacts import contacts.vcf
contains "both contacts" "imported 2 contacts"
eq "Ann's addresses and labels" "$(sql "SELECT kind || ' ' || address || ' ' || coalesce(label, '-') FROM identities
    WHERE contact_id = (SELECT id FROM contacts WHERE name = 'Ann Lee') ORDER BY kind, address" | tr '\n' '|')" \
    "email ann@example.com -|phone +14155552671 mobile|whatsapp +14155552671 work|"
eq "company, notes" "$(sql "SELECT company || '|' || notes FROM contacts WHERE name = 'Ann Lee'")" "Lee Roofing, Inc.|$long"
eq "tags" "$(sql "SELECT group_concat(tag) FROM (SELECT tag FROM contact_tags JOIN contacts c ON c.id = contact_id
    WHERE c.name = 'Ann Lee' ORDER BY tag)")" "lead,vip"
eq "custom fields" "$(sql "SELECT json_extract(fields, '\$.birthday') || '|' || json_extract(fields, '\$.\"site; gate\"')
    FROM contacts WHERE name = 'Ann Lee'")" "1984-03-02|north, rear"
expect_exit 0 "export the imported contacts" -- hark export --format vcard -o again.vcf
grep -v '^REV:' contacts.vcf > a.vcf; grep -v '^REV:' again.vcf > b.vcf
cmp -s a.vcf b.vcf || fail "vCard → import → vCard changed: $(diff a.vcf b.vcf)"
ok "vCard → hark contacts import → vCard gives the same cards (but REV, the time of the change)"

# On a terminal, what a sender wrote is shown, never run: no escape sequence
# reaches it (to a file or a pipe the bytes stay as they are).
export HARK_DB="$HOME/evil.db"
printf '{"channel":"email","address":"eve@example.com","direction":"in","timestamp":"2026-11-20T09:00:00Z","subject":"hi","body":"look \\u001b]0;pwned\\u0007 here"}\n' > evil.jsonl
expect_exit 0 "import a body with an escape sequence" -- hark import evil.jsonl
if command -v script >/dev/null 2>&1; then
	script -qc "$HARK_BIN export --format mbox" /dev/null > tty.out 2>&1 </dev/null
	grep -q "look" tty.out || fail "the mbox did not reach the terminal: $(cat tty.out)"
	if grep -q "$(printf '\033')" tty.out; then fail "an escape sequence reached the terminal"; fi
	ok "mbox on a terminal: the escape sequence is removed"
fi
hark export --format mbox > piped.mbox
grep -q "$(printf '\033')]0;pwned" piped.mbox || fail "the export to a pipe lost bytes"
ok "mbox to a pipe keeps the bytes"

# An attachment that can no longer be read as it was: the email is still
# written, without it; the reason is printed and the exit is 3.
export HARK_DB="$HOME/h.db"
mkdir -p "$HOME/not-a-file"
sqlite3 "$HARK_DB" "UPDATE attachments SET path = '$HOME/not-a-file' WHERE filename = 'quote.pdf'" ||
    fail "pointing the attachment at a directory"
expect_exit 3 "an unreadable attachment is a partial export" -- hark export --format mbox -o part.mbox
contains "the reason names the file" "not-a-file"
eq "every email is still there" "$(grep -c '^From ' part.mbox)" 4
grep -q "the quote is attached" part.mbox || fail "the message lost its text"
ok "the message is written without the attachment"
