# An inbound SMS carrying terminal escape sequences (set the window title,
# clear the screen) shows as text; the terminal never obeys it.
. "$TESTS/tui_lib.sh"
tui_profile

# First, proof that this tmux obeys them when they reach it raw, so the
# checks below can tell.
tui_exec raw 80 24 sh -c 'printf "line one\n"; sleep 0.5; printf "\033]0;pwned\007\033[2J"; exec sleep 60'
wait_for raw "line one" 5 "the control pane prints"
until_fmt raw '#{pane_title}' pwned
wait_gone raw "line one" 5 "the control's \\e[2J clears its screen"
ok "tmux obeys raw sequences: the pane title becomes pwned and \\e[2J clears"
"$TUI_DRIVER" stop raw

tui_open h 120 30
title=$(tmux_fmt h '#{pane_title}')
[ "$title" != pwned ] || fail "the pane title should not start as pwned"
keys h j
wait_for h "Cara Diaz — SMS" 5 "Cara's thread is shown"

# Cara writes: an OSC 0 title, a clear screen, and a bare bell among her words.
inbound_sms SBIN-h1 +14155552673 "'Gate code ' || char(27) || ']0;pwned' || char(7) || 'is 4411' || char(27) || '[2J' || ' ok' || char(7) || 'bye'"
wait_for h "4411" 5 "the message appears in the thread within a few seconds"
r=$(row_of h "4411")
msg=$(line h "$r" | sed 's/^[^│]*│//')
case $msg in *"Gate code is 4411 ok"*"bye"*) ok "the words around the sequences are shown: $msg" ;;
	*) fail "the text around the sequences should be shown: $msg" ;; esac
case $msg in *"␇"*) ok "the bare bell shows as a visible ␇" ;;
	*) fail "a bare BEL should show as a visible picture: $msg" ;; esac
screen_lacks h "pwned" "the title's payload is not shown as text"
eq "the pane title is not pwned" "$(tmux_fmt h '#{pane_title}')" "$title"

# Nothing was cleared: the rest of the screen is still there.
screen_has h "Contacts (4)" "the contact list is still drawn"
screen_has h "Thanks for the tulips" "Cara's earlier message is still drawn"
screen_has h "hark │ sandbox" "the status bar is still drawn"
eq "the status bar is still on the last-but-one line" "$(row_of h "hark │")" 28
# The escaped screen has only colour and attribute changes (CSI ... m), and
# SO/SI for line drawing: no other escape reached the terminal's screen.
left=$(screen_e h | sed "s/$ESC\[[0-9;:]*m//g" | tr -d '\016\017' | grep -c "$ESC")
eq "no escape other than SGR on the screen" "$left" 0

# The contact list shows her new message as unread, by name.
wait_for h "1 unread" 5 "the status bar counts it"
case $(line h "$(contact_row h "Cara Diaz")") in *"1 Cara Diaz"*) ok "Cara has one unread" ;;
	*) fail "Cara's row should show 1 unread: $(line h "$(contact_row h "Cara Diaz")")" ;; esac

# The same in a contact's name, through contacts add.
"$HARK_BIN" contacts add "$(printf 'Eve\033]0;pwned\007 \033[2JEvil')" --phone +14155552690 >/dev/null 2>&1 ||
    fail "contacts add should take the name"
inbound_sms SBIN-h2 +14155552690 "'hello'"
wait_for h "Eve Evil" 5 "the name shows without its sequences"
eq "the pane title is still not pwned" "$(tmux_fmt h '#{pane_title}')" "$title"
screen_has h "Thanks for the tulips" "and the screen is still not cleared"
quit_hark h
