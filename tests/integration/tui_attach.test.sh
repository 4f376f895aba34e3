# Files in the composer: :attach checks the file at once (a missing file or a
# directory is refused on the message line and nothing is attached), shows
# name and size while composing, is refused on a channel other than email,
# :detach takes one off; the sent email lists its attachment in the thread,
# and the mbox export of it carries the file's bytes unchanged. A send that
# fails (bounce@) or waits to be tried again (flaky@) shows its error in the
# status bar, whichever contact is on screen.
. "$TESTS/tui_lib.sh"
. "$TESTS/sandbox_profile.sh"
command -v python3 >/dev/null 2>&1 || skip "needs python3 to read the mbox export"

import_history <<'JSONL'
{"channel":"email","contact":"Flo Flaky","address":"flaky@sandbox.hark.test","direction":"in","timestamp":"2025-03-01T08:00:00Z","subject":"Hi","body":"flaky one"}
{"channel":"email","contact":"Bo Bounce","address":"bounce@sandbox.hark.test","direction":"in","timestamp":"2025-03-02T08:00:00Z","subject":"Hi","body":"bouncing one"}
{"channel":"sms","contact":"Ann Lee","address":"+14155552671","direction":"in","timestamp":"2025-03-03T08:00:00Z","body":"text me"}
{"channel":"email","contact":"Ann Lee","address":"ann@example.com","direction":"in","timestamp":"2025-03-04T08:00:00Z","subject":"Offer","body":"Send me the offer please"}
JSONL

files=$HOME/files
mkdir -p "$files/dir"
# Every byte value, then 3000 more: 3.2 KB, and not text.
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) + b"%PDF" * 750)' \
	> "$files/offer.pdf"
printf 'call back on friday\n' > "$files/notes.txt"
printf '<p>Here is the <b>offer</b>.</p>\n' > "$files/offer.html"

cmd() { keys a :; type_text a "$1"; keys a Enter; }

tui_open a 140 40
wait_for a "Email to ann@example.com" 5 "Ann's composer starts on email, her last channel"

cmd "attach ~/files/missing.pdf"
wait_for a "cannot attach $files/missing.pdf: No such file or directory" 5 \
	"a missing file is named with the reason, ~ expanded"
screen_lacks a "Attach:" "nothing is attached"
cmd "attach ~/files/dir"
wait_for a "cannot attach $files/dir: not a regular file" 5 "a directory is refused"

cmd "attach ~/files/offer.pdf"
wait_for a "Attach: [1] offer.pdf (3.2 KB)" 5 "the composer lists the file with its size"
screen_has a "attached offer.pdf (3.2 KB): 1 file" "the message line confirms it"
# M-a in the composer opens the prompt with "attach " typed.
keys a c
until_fmt a '#{cursor_flag}' 1
keys a M-a
type_text a "$files/notes.txt"
keys a Enter
wait_for a "[2] notes.txt (20 B)" 5 "a second file by absolute path, through M-a"
leave_composer a
cmd "detach 3"
wait_for a "detach: N counts from 1 to 2" 5 "detach names the range"
cmd "detach 2"
wait_for a "detached notes.txt: 1 file left" 5 "detach 2 takes notes.txt off"
screen_lacks a "[2] notes.txt" "notes.txt is no longer listed"

cmd "channel sms"
wait_for a "SMS to +14155552671" 5 "the composer moves to SMS"
cmd "attach ~/files/notes.txt"
wait_for a "attach: only email carries files (the composer is on sms" 5 \
	"attaching is refused on SMS"
cmd "channel email"
wait_for a "Email to ann@example.com" 5 "back on email"
screen_has a "Attach: [1] offer.pdf (3.2 KB)" "the draft kept its file across the channel switch"

cmd "html ~/files/nothing.html"
wait_for a "html: cannot read $files/nothing.html: No such file or directory" 5 \
	":html names a missing file"
cmd "html ~/files/offer.html"
wait_for a "· HTML: offer.html (33 B)" 5 ":html adds the HTML alternative beside the files"

keys a c
until_fmt a '#{cursor_flag}' 1
keys a Up
type_text a "Your offer"
keys a Down
type_text a "Here is the offer, as promised."
keys a Enter
wait_for a "sending…" 5 "Enter sends"
wait_gone a "Attach: [1]" 5 "the composer is empty again after sending"
wait_for a "[1] offer.pdf (" 10 "the thread lists the attachment under the sent email"
screen_has a "offer.pdf (application/pdf, 3.2 KB)" "with the type it was sent as and its size"
wait_status a "Here is the offer, as promised." 2 "✓✓ delivered" "the email with its file is delivered"

"$HARK_BIN" export --format mbox --contact ann@example.com -o "$HOME/ann.mbox" ||
	fail "hark export --format mbox should write Ann's email"
python3 - "$HOME/ann.mbox" "$files/offer.pdf" <<'PY' || fail "the exported email should carry offer.pdf byte for byte"
import mailbox, sys
want = open(sys.argv[2], "rb").read()
for m in mailbox.mbox(sys.argv[1]):
    if m["Subject"] != "Your offer":
        continue
    parts = [p for p in m.walk() if p.get_filename() == "offer.pdf"]
    assert len(parts) == 1, "offer.pdf should be attached once, found %d" % len(parts)
    got = parts[0].get_payload(decode=True)
    assert got == want, "%d bytes differ from the %d of the file" % (len(got), len(want))
    html = [p.get_payload(decode=True) for p in m.walk() if p.get_content_type() == "text/html"]
    assert html == [b"<p>Here is the <b>offer</b>.</p>\n"], "the HTML part: %r" % html
    sys.exit(0)
sys.exit("no email 'Your offer' in the export")
PY
ok "the exported email carries offer.pdf byte for byte (3256 bytes) and the HTML part"

# bounce@: accepted, then failed; the error reaches the status bar.
leave_composer a
keys a BTab j
wait_for a "Bo Bounce — " 5 "j selects Bo"
keys a c
until_fmt a '#{cursor_flag}' 1
type_text a "Are you there?"
keys a Enter
wait_for a "email to bounce@sandbox.hark.test failed: 550 5.1.1 Mailbox unavailable (550)" 15 \
	"the bounce's error shows in the status bar"

# flaky@: 503 twice, retried; the status bar says it waits in the outbox.
leave_composer a
keys a BTab G
wait_for a "Flo Flaky — " 5 "G selects Flo, the last"
keys a c
until_fmt a '#{cursor_flag}' 1
type_text a "Second try"
keys a Enter
wait_for a "email to flaky@sandbox.hark.test not sent yet: Service Unavailable" 15 \
	"a send that will be retried says so in the status bar"
screen_has a "attempt 1 of" "with the attempt and when the next one is"
leave_composer a
quit_hark a
tui_end
