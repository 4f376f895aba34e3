# :theme switches colours live: light and mono change how the screen is drawn,
# mono has no colours at all, and an unknown theme is an error on the message line.
. "$TESTS/tui_lib.sh"
tui_profile

tui_open t 120 30
wait_for t "Dev Patel — WA" 5 "hark opens"
sel_row=$(contact_row t "Dev Patel")
text_default=$(line t "$sel_row")
sel_default=$(line_e t "$sel_row")
title_default=$(sgr_before t 0 " Contacts")
[ -n "$(colour_sgrs t)" ] || fail "the default theme should use colours"
ok "the default theme draws in colour"

keys t :
type_text t "theme light"
keys t Enter
wait_for t "theme light" 5 ":theme light says so"
eq "the selected row's text is unchanged" "$(line t "$sel_row")" "$text_default"
[ "$(line_e t "$sel_row")" != "$sel_default" ] || fail "light should draw the selected row differently: $(line_e t "$sel_row" | vis)"
ok "light draws the selected row in other colours"
sel_light=$(line_e t "$sel_row")
[ -n "$(colour_sgrs t)" ] || fail "the light theme should use colours"
ok "the light theme draws in colour"

keys t :
type_text t "theme mono"
keys t Enter
wait_for t "theme mono" 5 ":theme mono says so"
eq "the selected row's text is still unchanged" "$(line t "$sel_row")" "$text_default"
[ "$(line_e t "$sel_row")" != "$sel_light" ] || fail "mono should draw the selected row differently: $(line_e t "$sel_row" | vis)"
eq "mono uses no colour at all" "$(colour_sgrs t | tr '\n' ' ')" ""
case $(line_e t "$sel_row") in "${ESC}["*) ok "the selected row still stands out (attributes)" ;;
	*) fail "the selected row should have an attribute in mono: $(line_e t "$sel_row" | vis)" ;; esac

keys t :
type_text t "theme default"
keys t Enter
wait_for t "theme default" 5 ":theme default goes back"
eq "the selected row looks as it did at first" "$(line_e t "$sel_row")" "$sel_default"
eq "and so does the focused title" "$(sgr_before t 0 " Contacts")" "$title_default"

keys t :
type_text t "theme no-such-theme"
keys t Enter
wait_for t "no theme named 'no-such-theme'" 5 "an unknown theme is named"
eq "the error is on the message line (the last)" "$(row_of t "no theme named")" 29
eq "the theme in use is kept" "$(line_e t "$sel_row")" "$sel_default"

# A theme of the user's own, by name from ~/.config/hark/themes.
mkdir -p "$XDG_CONFIG_HOME/hark/themes"
printf 'color contact.selected color16 color226 bold\n' >"$XDG_CONFIG_HOME/hark/themes/mine.theme"
keys t :
type_text t "theme mine"
keys t Enter
wait_for t "theme mine" 5 "a user theme loads by name"
case $(line_e t "$sel_row") in *"48;5;226"*) ok "its colour for the selected row is used" ;;
	*) fail "the selected row should be on colour 226: $(line_e t "$sel_row" | vis)" ;; esac
quit_hark t
