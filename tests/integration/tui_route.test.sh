# Routing in the client: the thread's header shows the contact's clock,
# quiet hours and opt-outs; a message held for quiet hours says until when;
# the composer warns before a send in quiet hours; :set-pref sets and
# validates preferences; :bulk previews a template to the filtered contacts
# and sends it, with progress in the status bar; a fallback shows its chain.
. "$TESTS/tui_lib.sh"
tui_profile
import_history <<'JSONL'
{"channel":"email","contact":"Ann Lee","address":"ann@example.com","direction":"in","timestamp":"2025-03-01T08:00:00Z","subject":"Roof","body":"Any news on the roof?"}
JSONL
ZONE=Pacific/Auckland
hm() { TZ=$ZONE date -d "@$1" +%H:%M; }
now=$(date +%s)
start=$(hm $((now - 3600)))
end=$(hm $((now + 3600)))
"$HARK_BIN" contacts set Ann --tz $ZONE --quiet "$start-$end" --opt-out email --reason 'asked by phone' >/dev/null ||
	fail "contacts set"
"$HARK_BIN" send --to Ann --body 'Held one' --at +1s >/dev/null || fail "schedule"
"$HARK_BIN" contacts add 'Vera Vip' --phone +14155550171 --tag vip >/dev/null
"$HARK_BIN" contacts add 'Lana Line' --phone +15005550009 --email lana@example.com --tag line >/dev/null
"$HARK_BIN" contacts set Lana --fallback sms,email >/dev/null
printf 'name: vipnote\nsms: Hi {{first_name}}, a note for VIPs.\n' | "$HARK_BIN" template add --file - >/dev/null

tui_open p 160 40
keys p :
type_text p "filter state:open"
keys p Enter
wait_for p "Ann Lee" 5 "Ann is listed"
r=$(contact_row p "Ann Lee")
keys p g
i=0
while [ $i -lt $((r - 1)) ]; do keys p j; i=$((i + 1)); done   # row 0 is the title
wait_for p "quiet until $end" 5 "the header says Ann's quiet hours"
screen_has p "$ZONE" "the header shows her zone"
screen_has p "opted out of email (manual" "the header shows the opt-out"
wait_for p "held for quiet hours until $end $ZONE" 5 "the held message says until when"
keys p Tab Tab
type_text p "x"
wait_for p "quiet hours until $end (it is" 5 "the composer warns before a send in quiet hours"
leave_composer p

keys p :
type_text p "set-pref cap 2/day"
keys p Enter
wait_for p "cap 2/day" 5 ":set-pref saves a cap"
keys p :
type_text p "set-pref tz Mars/Olympus"
keys p Enter
wait_for p "unknown time zone 'Mars/Olympus'" 5 "a bad zone is refused"

keys p :
type_text p "filter tag:vip"
keys p Enter
keys p :
type_text p "bulk vipnote"
keys p Enter
wait_for p "bulk vipnote: 1 recipients" 5 ":bulk previews the filtered contacts"
keys p :
type_text p "bulk vipnote send"
keys p Enter
wait_for p "bulk send 1 started" 5 ":bulk ... send starts it"
i=0
while [ $i -lt 100 ] && [ "$(sql "select state from bulks")" != done ]; do sleep 0.1; i=$((i + 1)); done
eq "the bulk send finished" "$(sql "select state from bulks")" done
eq "Vera got the message" "$(sql "select count(*) from messages m join contacts c on c.id = m.contact_id where c.name = 'Vera Vip' and m.body = 'Hi Vera, a note for VIPs.'")" 1

# A fallback's chain, in the thread.
"$HARK_BIN" send --to Lana --body 'Your parcel is here' >/dev/null
keys p :
type_text p "filter tag:line"
keys p Enter
wait_for p "Lana Line" 5 "Lana is listed"
keys p :
type_text p "focus contacts"
keys p Enter g
wait_for p "↪ sent by email after sms undelivered" 20 "the thread shows the fallback chain"
screen_has p "30006" "with the failure's code"
quit_hark p
tui_end
