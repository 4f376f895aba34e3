# :prefer sets a contact's preferred channel; the composer starts there, and
# still does after hark is closed and opened again. A channel the contact
# cannot be reached on is refused.
. "$TESTS/tui_lib.sh"
tui_profile
import_history <<'JSONL'
{"channel":"email","contact":"Ann Lee","address":"ann@example.com","direction":"in","timestamp":"2025-03-01T08:00:00Z","subject":"Roof","body":"Any news on the roof?"}
JSONL

tui_open p 120 30
wait_for p "WhatsApp to +14155552674" 5 "Dev's composer starts on WhatsApp, the channel he last used"
keys p :
type_text p "prefer sms"
keys p Enter
wait_for p "no phone address for sms" 5 "Dev has no number for SMS: refused"
keys p G
wait_for p "SMS to +14155552671" 5 "Ann's composer starts on SMS, her last channel"
keys p :
type_text p "prefer email"
keys p Enter
wait_for p "Email to ann@example.com" 5 ":prefer email switches the composer"
screen_has p "preferred channel" "the message line confirms it"
quit_hark p

tui_open p2 120 30
keys p2 G
wait_for p2 "Email to ann@example.com" 5 "reopened, Ann's composer starts on her preferred channel"
keys p2 :
type_text p2 "prefer fax"
keys p2 Enter
wait_for p2 "no channel 'fax'" 5 "an unknown channel is named"
quit_hark p2
tui_end
