# Email in the thread: quoted text folded to one line and unfolded with o,
# attachments listed under their message and opened with v (and
# :open-attachment N) through mailcap entries, a broken message shown raw
# under its warning, and escape sequences in mail never reaching the terminal.
# The mail comes in through `hark import-mail`, the path IMAP mail takes.
. "$TESTS/tui_lib.sh"
. "$TESTS/sandbox_profile.sh"

mail=$HOME/mail
mkdir -p "$mail"
pdf=$(printf '%%PDF-1.4 hark test attachment\n'; head -c 3000 /dev/zero | tr '\0' 'x')
printf '%s' "$pdf" > "$mail/offer.pdf"
{
	printf 'From: Ann Lee <ann@example.com>\n'
	printf 'To: me@sandbox.hark.test\n'
	printf 'Subject: Re: Your offer\n'
	printf 'Date: Mon, 23 Nov 2026 09:00:00 +0000\n'
	printf 'Message-ID: <reply.1@example.com>\n'
	printf 'MIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="b"\n\n'
	printf -- '--b\nContent-Type: text/plain; charset=utf-8\n\n'
	printf 'Thanks, the numbers look good.\n'
	printf 'safe\033]0;pwned\007text\033[31m\n\n'
	printf 'On Sun, 22 Nov 2026 at 10:00, Me <me@sandbox.hark.test> wrote:\n'
	i=1
	while [ $i -le 13 ]; do printf '> offer line %d\n' $i; i=$((i + 1)); done
	printf -- '--b\nContent-Type: application/pdf\n'
	printf 'Content-Disposition: attachment; filename="offer 2026.pdf"\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64 "$mail/offer.pdf"
	printf -- '--b\nContent-Type: text/plain; charset=utf-8\n'
	printf 'Content-Disposition: attachment; filename="notes.txt"\n\n'
	printf 'call back on friday\n'
	printf -- '--b--\n'
} > "$mail/reply.eml"
{
	printf 'From: carl@example.org\nTo: me@sandbox.hark.test\n'
	printf 'Subject: Broken multipart\nDate: Sun, 22 Nov 2026 08:00:00 +0000\n'
	printf 'Content-Type: multipart/mixed\n\n--x\n\nthe words survive\n--x--\n'
} > "$mail/broken.eml"

{
	printf 'From: News <news@example.net>\nTo: me@sandbox.hark.test\n'
	printf 'Subject: Offers\nDate: Sat, 21 Nov 2026 08:00:00 +0000\n'
	printf 'Content-Type: text/html; charset=utf-8\n\n'
	printf '<html><body><h1>Winter&nbsp;offers</h1><p>Fish &amp; chips</p></body></html>\n'
} > "$mail/news.eml"

out=$("$HARK_BIN" import-mail "$mail/reply.eml" "$mail/broken.eml" "$mail/news.eml" 2>&1) ||
	fail "import-mail should take the three files: $out"
case $out in *"3 added, 0 already present, 1 kept raw"*) ok "import-mail: $(echo "$out" | tail -n 1)" ;;
	*) fail "import-mail should add three, one kept raw: $out" ;; esac

cat > "$HOME/mailcap" <<CAP
# an entry whose test fails is passed over; the next one copies the file
application/pdf; touch $HOME/wrong-viewer; test=false
application/*; cp %s $HOME/opened.pdf
text/plain; cat %s; copiousoutput
text/html; cat %s; copiousoutput
CAP
printf '#!/bin/sh\ncat > "%s/paged.txt"\n' "$HOME" > "$HOME/pager"
chmod +x "$HOME/pager"
tui_open m 120 40 MAILCAPS="$HOME/mailcap" PAGER="$HOME/pager"
wait_for m "Ann Lee — Email" 5 "the newest thread is Ann's email"
screen_has m "Re: Your offer" "the subject shows"
screen_has m "[… 14 quoted lines — o to show]" "the attribution and 13 quoted lines fold into one line"
screen_lacks m "offer line 7" "the quoted lines are hidden"
screen_has m "[1] offer 2026.pdf (application/pdf, 3.0 KB)" "the PDF is listed under the message"
screen_has m "[2] notes.txt (text/plain, 19 B)" "the text attachment too"
screen_has m "safetext" "the text around an escape sequence shows"
screen_lacks m "pwned" "an OSC sequence in mail is dropped whole"
screen_e m | grep -q "$(printf '\033]0;')" && fail "an OSC sequence reached the terminal"
ok "no escape sequence from the mail reaches the terminal"

keys m Tab
keys m o
wait_for m "offer line 7" 5 "o unfolds the quote"
screen_has m "On Sun, 22 Nov 2026 at 10:00" "the attribution line shows unfolded"
keys m o
wait_gone m "offer line 7" 5 "o folds it again"

keys m v
wait_for m "attachment 1: the viewer is done" 10 "v opens the first attachment"
cmp -s "$HOME/opened.pdf" "$mail/offer.pdf" || fail "the mailcap viewer should get the PDF intact"
[ -e "$HOME/wrong-viewer" ] && fail "an entry whose test= fails must not run"
ok "the mailcap entry (application/*, after one whose test failed) received the PDF byte for byte"

keys m :
type_text m "open-attachment 2"
keys m Enter
wait_for m "attachment 2: the viewer is done" 10 ":open-attachment 2 opens the second"
[ "$(cat "$HOME/paged.txt")" = "call back on friday" ] ||
	fail "a copiousoutput entry should page through \$PAGER: $(cat "$HOME/paged.txt" 2>&1)"
ok "a copiousoutput entry's output went through \$PAGER"

keys m :
type_text m "open-attachment 3"
keys m Enter
wait_for m "this message has 2 attachments" 5 "a number past the last is refused"

keys m BTab
keys m j
wait_for m "carl@example.org — Email" 5 "j selects Carl's thread"
screen_has m "⚠ shown raw: a multipart has no boundary" "the broken message shows its warning"
screen_has m "the words survive" "and its text, raw"

keys m j
wait_for m "News — Email" 5 "j selects the newsletter"
screen_has m "Fish & chips" "HTML-only mail shows as text"
screen_lacks m "<p>" "without its tags"
keys m Tab :
type_text m "open-attachment html"
keys m Enter
wait_for m "the HTML part: the viewer is done" 10 ":open-attachment html opens the HTML"
grep -q "<h1>Winter&nbsp;offers</h1>" "$HOME/paged.txt" ||
	fail "the HTML viewer should get the HTML as sent: $(cat "$HOME/paged.txt")"
ok "the text/html mailcap entry got the HTML as the sender wrote it"
quit_hark m
