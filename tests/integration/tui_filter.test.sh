# :filter narrows the contact list (channel, unread); :filter alone clears it;
# a bad term is named on the message line.
. "$TESTS/tui_lib.sh"
tui_profile
# Ann has an email address as well as her phone: two email contacts.
import_history <<'JSONL'
{"channel":"email","contact":"Ann Lee","address":"ann@example.com","direction":"out","timestamp":"2025-03-02T08:00:00Z","subject":"Roof","body":"The roof quote is attached"}
JSONL

tui_open f 120 30
wait_for f "Contacts (4)" 5 "four contacts before filtering"

keys f :
wait_for f ":" 5 ": opens the command line"
type_text f "filter channel:email"
keys f Enter
wait_for f "Contacts (2) · filtered" 5 "channel:email leaves two contacts"
[ "$(contact_row f "Bob Roe")" -gt 0 ] || fail "Bob (email) should be listed: $(screen f)"
[ "$(contact_row f "Ann Lee")" -gt 0 ] || fail "Ann (SMS and email) should be listed: $(screen f)"
ok "the email contacts are listed"
eq "Cara (SMS only) is filtered out" "$(contact_row f "Cara Diaz")" -1
eq "Dev (WhatsApp only) is filtered out" "$(contact_row f "Dev Patel")" -1
screen_has f "filter: channel:email" "the status bar shows the filter"

keys f :
type_text f "filter channel:whatsapp"
keys f Enter
wait_for f "Contacts (1) · filtered" 5 "channel:whatsapp leaves one"
[ "$(contact_row f "Dev Patel")" -gt 0 ] || fail "Dev should be the one: $(screen f)"
ok "the WhatsApp contact is listed"

keys f :
type_text f "filter"
keys f Enter
wait_for f "Contacts (4)" 5 ":filter with nothing clears the filter"
wait_for f "filter cleared" 5 "it says so"
screen_lacks f "filter: channel" "the status bar no longer shows a filter"
for who in "Dev Patel" "Cara Diaz" "Bob Roe" "Ann Lee"; do
	[ "$(contact_row f "$who")" -gt 0 ] || fail "$who should be back: $(screen f)"
done
ok "every contact is back"

# Unread: a new message from Cara makes her the only unread contact.
inbound_sms SBIN-f1 +14155552673 "'Are the tulips still in stock?'"
wait_for f "1 unread" 5 "Cara's new message is counted"
keys f :
type_text f "filter unread"
keys f Enter
wait_for f "Contacts (1) · filtered" 5 "unread leaves one contact"
[ "$(contact_row f "Cara Diaz")" -gt 0 ] || fail "Cara should be the unread one: $(screen f)"
ok "the unread contact is Cara"

keys f :
type_text f "filter channel:fax"
keys f Enter
wait_for f "no channel 'fax'" 5 "an unknown channel is named on the message line"
eq "the error is on the last line" "$(row_of f "no channel 'fax'")" 29
screen_has f "Contacts (1) · filtered" "a bad filter leaves the last one in place"
quit_hark f
