# A reply from a template: t opens the picker, typing filters it, Enter puts
# the text in the composer, Enter sends; the thread follows it to delivered.
# The demo profile (hark --demo) has the template library.
. "$TESTS/tui_lib.sh"

tui_open d 120 30 --demo
wait_for d "Maria Gonzalez — SMS" 5 "the demo opens on Maria's thread"
keys d t
wait_for d "Templates for sms" 5 "t opens the template picker"
screen_has d "follow-up" "the picker lists the follow-up template"
screen_has d "needs amount, due_date" "a template with missing fields says which"
type_text d "follow-up"
wait_for d "filter: follow-up" 5 "typing filters the picker"
screen_lacks d "payment-reminder" "other templates are filtered out"
screen_has d "Hi Maria, it's Sam Seller." "the preview is rendered with Maria's and my names"
keys d Enter
wait_for d "template follow-up v1: Enter sends" 5 "Enter puts the template in the composer"
wait_gone d "Templates for sms" 5 "the picker closes"
screen_has d "Hi Maria, it's Sam Seller. Just checking in: any questions I can help with?" "the composer holds the rendered text"
screen_has d "1 segment · GSM-7" "the composer counts segments and encoding"
keys d Enter
wait_for d "sending…" 5 "Enter sends"
# The thread shows the new message; its status line (just above) reaches delivered.
wait_status d "Hi Maria, it's Sam Seller. Just checking in" 1 "✓✓ delivered" "the thread shows the template reply delivered"
screen_lacks d "Templates for sms" "no picker left over"
case $(line d 23) in *"Enter sends, C-o channel"*) ok "the composer is empty again" ;;
	*) fail "the composer should be empty after sending: $(line d 23)" ;; esac

# Three keys after selecting a contact: t, Enter (the first template), Enter.
leave_composer d
keys d BTab j
wait_for d "James Whitfield — " 5 "j selects James"
keys d t
wait_for d "Templates for whatsapp" 5 "t opens the picker for James's channel"
keys d Enter
wait_for d "Enter sends" 5 "Enter inserts the first template"
first=$(line d 24 | sed 's/^[^│]*│//' | cut -c1-30)
[ -n "$first" ] || fail "the composer should hold the template: $(screen d)"
keys d Enter
wait_for d "sending…" 5 "the third key sends"
wait_status d "$first" 1 "✓✓ (delivered|read)" "a template reply in three keys is delivered"
leave_composer d
quit_hark d
