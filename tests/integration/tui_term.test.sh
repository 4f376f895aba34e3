# hark opens and quits cleanly under the terminal types people use; vt100 has
# no colours (mono is used), and NO_COLOR=1 turns colours off anywhere.
. "$TESTS/tui_lib.sh"
tui_profile

n=0
for term in xterm-256color screen-256color tmux-256color vt100; do
	infocmp "$term" >/dev/null 2>&1 || fail "no terminfo entry for $term (ncurses-base provides it)"
	n=$((n + 1))
	TUI_TERM=$term tui_open "t$n" 100 30
	eq "$term: TERM inside the pane" "$(tmux_do "t$n" show -gv default-terminal)" "$term"
	wait_for "t$n" "Contacts (4)" 5 "$term: the contact list is drawn"
	screen_has "t$n" "See you at the market" "$term: the thread is drawn"
	eq "$term: the status bar is on the last-but-one line" "$(row_of "t$n" "hark │")" 28
	keys "t$n" j
	wait_for "t$n" "Cara Diaz — SMS" 5 "$term: keys work"
	case $term in
	vt100)
		eq "vt100: no colours (the mono theme)" "$(colour_sgrs "t$n" | tr '\n' ' ')" ""
		case $(line_e "t$n" "$(contact_row "t$n" "Cara Diaz")") in "${ESC}["*) ok "vt100: the selected contact still stands out" ;;
			*) fail "vt100: the selected row should have an attribute: $(line_e "t$n" 2 | vis)" ;; esac ;;
	*)
		[ -n "$(colour_sgrs "t$n")" ] || fail "$term: colours expected"
		ok "$term: drawn in colour" ;;
	esac
	quit_hark "t$n"
done

tui_open nc 100 30 NO_COLOR=1
wait_for nc "Contacts (4)" 5 "NO_COLOR: hark opens"
eq "NO_COLOR=1: no colour at all" "$(colour_sgrs nc | tr '\n' ' ')" ""
keys nc :
type_text nc "theme default"
keys nc Enter
wait_for nc "theme default" 5 "NO_COLOR: a theme can still be chosen"
eq "NO_COLOR=1: still no colour after :theme default" "$(colour_sgrs nc | tr '\n' ' ')" ""
quit_hark nc
