# New messages appear without a keypress: an inbound SMS for a contact not in
# view moves them up the list with an unread count; one for the contact in
# view appears in the thread; a send from another hark shows its status.
. "$TESTS/tui_lib.sh"
tui_profile

tui_open l 120 30
wait_for l "Dev Patel — WA" 5 "the client opens on Dev's thread"
eq "Ann is last" "$(contact_row l "Ann Lee")" 4

# Ann, not in view, writes. Nothing is pressed from here on.
inbound_sms SBIN-l1 +14155552671 "'Any news on the roof?'"
wait_for l "  1 Ann Lee" 3 "Ann's row shows one unread within a few seconds"
eq "Ann moves to the top" "$(contact_row l "Ann Lee")" 1
wait_for l "1 unread" 3 "the status bar counts it"
screen_has l "Dev Patel — WA" "the thread in view stays Dev's"
screen_lacks l "Any news on the roof?" "Ann's text is not in Dev's thread"
# A second message from Ann raises the count.
inbound_sms SBIN-l2 +14155552671 "'Call me when you can'"
wait_for l "  2 Ann Lee" 3 "a second message makes it two"
wait_for l "2 unread" 3 "the status bar says two"

# Dev, in view, writes: it appears in the thread.
keys l Tab
wait_for l "Dev Patel — WA" 3 "the thread has the focus"
inbound_wa SBIN-l3 +14155552674 "'Running late, 10 minutes'"
wait_for l "Running late, 10 minutes" 3 "Dev's new message appears in the thread in view"

# Opening Ann's conversation reads it: her count and the total go down.
eq "Dev, who wrote last, is first now" "$(contact_row l "Dev Patel")" 1
keys l BTab g j
wait_for l "Ann Lee — SMS" 3 "Ann is second"
keys l Enter
wait_for l "Any news on the roof?" 3 "her thread shows both new messages"
screen_has l "Call me when you can" "the second one too"
wait_gone l "  2 Ann Lee" 3 "opening it clears her unread count"

# A message sent by another hark (the CLI) shows up, then its delivery.
"$HARK_BIN" send --to 'Ann Lee' --body 'On my way' >/dev/null 2>&1 || fail "hark send from the CLI"
wait_for l "On my way" 5 "a message sent from the CLI appears in the thread"
wait_status l "On my way" 1 "✓✓ delivered" "its status reaches delivered without a keypress"
keys l BTab
quit_hark l
