# x calls the selected contact; when the call ends hark asks how it went, and
# the thread shows the call with its status and the outcome and notes given.
# The status bar says whether webhooks come through the relay or by polling.
. "$TESTS/tui_lib.sh"
tui_profile

tui_open c 120 30
screen_has c "relay: off, polling" "with no relay running, the status bar says hark polls"
keys c G
wait_for c "SMS to +14155552671" 5 "Ann is selected"
leave_composer c
keys c x
wait_for c "calling…" 5 "x places the call"
wait_for c "the call ended" 15 "when the call ends, hark asks how it went"
screen_has c "how did it go? reached, voicemail" "the question names the usual outcomes"
until_fmt c '#{cursor_flag}' 1
screen_has c ":outcome " "the prompt is ready for the outcome"
type_text c "reached wants a viewing Saturday"
keys c Enter
wait_for c "call outcome: reached" 5 "the outcome is recorded"
wait_for c "reached — wants a viewing Saturday" 5 "the thread shows the outcome and the notes under the call"
[ "$(sql "SELECT outcome || '|' || notes FROM calls")" = "reached|wants a viewing Saturday" ] ||
	fail "the database should hold the outcome: $(sql 'SELECT * FROM calls')"
ok "the outcome and notes are stored with the call"
keys c :
type_text c "outcome"
keys c Enter
wait_for c "outcome WORD" 5 ":outcome without a word says what it takes"
# A picture sent from the command line shows under its message.
"$HARK_BIN" send --to 'Ann Lee' --media https://example.com/house.jpg --body 'The front' >/dev/null 2>&1 ||
	fail "hark send --media"
wait_for c "[media] https://example.com/house.jpg" 5 "the thread shows the message's media under it"
quit_hark c
tui_end
