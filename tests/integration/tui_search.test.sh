# The / key searches the whole history and lists the hits; Enter jumps to the message
# in its contact's thread; n and N step through the hits later.
. "$TESTS/tui_lib.sh"
tui_profile

tui_open s 120 30
wait_for s "Dev Patel — WA" 5 "the client opens on Dev's thread"

# "the" is in Dev's, Cara's and Ann's messages, newest first.
keys s /
wait_for s "/" 5 "/ opens the search prompt"
type_text s "the"
keys s Enter
wait_for s "3 hits for 'the'" 5 "the hits are listed with their count"
# The row of a contact's hit in the list (right of the contact pane).
hit_row() {
	_r=$(screen s | sed 's/^[^│]*│//' | grep -nF -- "$1" | head -n 1 | cut -d: -f1)
	[ -n "$_r" ] || fail "the hits should name $1: $(screen s)"
	echo "$_r"
}
row_dev=$(hit_row "Dev Patel")
row_cara=$(hit_row "Cara Diaz")
row_ann=$(hit_row "Ann Lee")
[ -n "$row_dev" ] && [ -n "$row_cara" ] && [ -n "$row_ann" ] || fail "Dev, Cara and Ann should each have a hit"
if [ "$row_dev" -ge "$row_cara" ] || [ "$row_cara" -ge "$row_ann" ]; then
	fail "hits should be newest first (Dev $row_dev, Cara $row_cara, Ann $row_ann)"
fi
ok "the hits are newest first"
screen_has s "Is the roof quote ready?" "a hit shows the message's text"
screen_lacks s "Bob Roe ·" "Bob's email has no 'the' and is not a hit"

# The third hit is Ann's: Enter jumps to her thread, on that message.
keys s j j
keys s Enter
wait_for s "Ann Lee — SMS" 5 "Enter jumps to the contact of the hit"
wait_gone s "hits for 'the'" 5 "the list closes"
screen_has s "Is the roof quote ready?" "the thread shows the message found"
# Selected means drawn on a background (or reversed), in the thread's part of the row.
thread_e() { _l=$(line_e s "$1"); printf '%s' "${_l#*│}"; }
r=$(row_of s "Is the roof quote ready?")
case $(thread_e "$r") in *"${ESC}[48;5;"* | *"${ESC}[7m"*)
	ok "the message found is highlighted" ;;
	*) fail "the message found should be selected (highlighted): $(thread_e "$r" | vis)" ;; esac
r=$(row_of s "Yes, sending it now")
case $(thread_e "$r") in *"${ESC}[48;5;"* | *"${ESC}[7m"*)
	fail "only the message found should be selected: $(thread_e "$r" | vis)" ;;
	*) ok "the other message is not" ;; esac

# n goes on to the next hit (wrapping to the first, Dev's), N back to Ann's.
keys s n
wait_for s "hit 1 of 3 for 'the'" 5 "n says which hit it is"
wait_for s "Dev Patel — WA" 5 "n jumps to the next hit's thread"
keys s N
wait_for s "hit 3 of 3 for 'the'" 5 "N goes back"
wait_for s "Ann Lee — SMS" 5 "to Ann's thread"

# A search with no hit says so and leaves the thread alone.
keys s /
wait_for s "/" 5 "/ again"
type_text s "zebra"
keys s Enter
wait_for s "no messages match 'zebra'" 5 "a search without hits says so"
screen_has s "Ann Lee — SMS" "the thread is still Ann's"

# Email subjects are searched too; Escape closes the list without jumping.
keys s /
type_text s "invoice"
keys s Enter
wait_for s "1 hit for 'invoice'" 5 "the email is found by its text"
screen_has s "Bob Roe · Invoice 42" "the hit names the contact and the subject"
keys s Escape
wait_gone s "1 hit for 'invoice'" 5 "Escape closes the hits"
screen_has s "Ann Lee — SMS" "and the thread stays where it was"
keys s BTab
quit_hark s
