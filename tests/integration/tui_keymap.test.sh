# A user keymap ($XDG_CONFIG_HOME/hark/keys) overrides single bindings and
# leaves the others alone; a bad line stops hark at start, naming file:line.
. "$TESTS/tui_lib.sh"
tui_profile
cat >"$XDG_CONFIG_HOME/hark/keys" <<'KEYS'
# my keys
bind contacts J down    # J as well as j
bind contacts K up
bind contacts F1 help
unbind contacts u
KEYS

tui_open k 120 30
wait_for k "Dev Patel — WA" 5 "hark opens on the first contact"
keys k J
wait_for k "Cara Diaz — SMS" 5 "the user's J moves down"
keys k J
wait_for k "Bob Roe — Email" 5 "J again"
keys k K
wait_for k "Cara Diaz — SMS" 5 "the user's K moves up"
keys k j
wait_for k "Bob Roe — Email" 5 "the default j still works"
keys k k
wait_for k "Cara Diaz — SMS" 5 "the default k still works"
keys k G
wait_for k "Ann Lee — SMS" 5 "the default G still works"

# ? lists the bindings of the mode, the user's among them.
keys k '?'
wait_for k "Keys in contacts" 5 "? shows the keys of the contact list"
type_text k "down"
wait_for k "filter: down" 5 "typing filters the help"
screen_has k "J          down" "help lists the user's J"
screen_has k "j          down" "and the default j"
keys k Escape
wait_gone k "Keys in contacts" 5 "Escape closes the help"
keys k F1
wait_for k "Keys in contacts" 5 "the user's F1 opens the help too"
keys k Escape
wait_gone k "Keys in contacts" 5 "Escape closes it again"
# The unbound key is not bound any more.
keys k u
wait_for k "u is not bound in contacts" 5 "unbind removes a default binding"

# :bind works for the session.
keys k :
type_text k "bind contacts Z top"
keys k Enter
keys k Z
wait_for k "Dev Patel — WA" 5 ":bind adds a binding that works at once"
quit_hark k

# A binding to a command that does not exist: hark refuses to start and
# names the file and line. (Its stderr goes to a file: the text an exiting
# program writes last can be lost to tmux.)
printf 'bind contacts J down\n\nbind contacts x no-such-command\n' >"$XDG_CONFIG_HOME/hark/keys"
tui_exec bad 120 30 sh -c 'exec "$0" 2>"$1"' "$HARK_BIN" "$HOME/keys.err"
st=$(tui_wait_exit bad 10)
eq "hark exits with status 2" "$st" 2
OUT=$(cat "$HOME/keys.err")
contains "the error names the file and line" "$XDG_CONFIG_HOME/hark/keys:3:"
contains "and the command" "no-such-command"

printf 'bind nowhere J down\n' >"$XDG_CONFIG_HOME/hark/keys"
tui_exec bad2 120 30 sh -c 'exec "$0" 2>"$1"' "$HARK_BIN" "$HOME/keys2.err"
st=$(tui_wait_exit bad2 10)
eq "an unknown mode stops hark too" "$st" 2
OUT=$(cat "$HOME/keys2.err")
contains "naming keys:1" "keys:1:"
contains "and the mode" "nowhere"
