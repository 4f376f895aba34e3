# q gives the terminal back as it was; Ctrl-Z suspends hark to the shell that
# started it, and fg brings it back redrawn.
. "$TESTS/tui_lib.sh"
tui_profile

# q: exit status 0.
tui_open q 100 30
eq "hark is on the alternate screen" "$(tmux_fmt q '#{alternate_on}')" 1
quit_hark q

# From a shell, as a user runs it: the shell gets its screen, cursor and a
# blocking terminal back. After hark, the shell reports the terminal's file
# status flags (O_NONBLOCK is 04000), so what hark leaves behind can be seen.
cat >"$HOME/after.sh" <<'SH'
"$HARK_BIN"
echo "hark exited $?"
flags=$(sed -n 's/^flags:[[:space:]]*//p' /proc/$$/fdinfo/0)
if [ $(( 0$flags & 04000 )) -ne 0 ]; then echo "terminal left non-blocking"; else echo "terminal blocking"; fi
exec sleep 60
SH
tui_exec sq 100 30 HARK_BIN="$HARK_BIN" sh "$HOME/after.sh"
wait_for sq "hark │" 10 "hark opens from a shell"
keys sq q
wait_for sq "hark exited 0" 10 "q returns to the shell with status 0"
eq "the alternate screen is left" "$(tmux_fmt sq '#{alternate_on}')" 0
eq "the cursor is visible again" "$(tmux_fmt sq '#{cursor_flag}')" 1
screen_lacks sq "Contacts (4)" "nothing of hark is left on the shell's screen"
wait_for sq "terminal " 5 "the shell checks the terminal"
if screen sq | grep -qF "terminal left non-blocking"; then
	known_bug "after q the terminal's file description is left O_NONBLOCK (libuv's uv_poll on stdin sets it; nothing restores it)"
else
	ok "the terminal is blocking again"
fi

# Ctrl-Z from an interactive shell with job control.
tui_exec z 100 30 PS1='$ ' sh -i
wait_for z '$' 5 "the shell is ready"
type_text z "$HARK_BIN"
keys z Enter
wait_for z "hark │" 10 "hark opens from the shell"
keys z j
wait_for z "Cara Diaz — SMS" 5 "j selects Cara"
pid=$(ps -o pid= --ppid "$(pane_pid z)" | tr -d ' ' | head -n 1)
[ -n "$pid" ] || fail "hark should be the shell's child"
keys z C-z
wait_for z "Stopped" 5 "Ctrl-Z gives the shell back; it reports hark stopped"
i=0
while [ "$(ps -o stat= -p "$pid" | cut -c1)" != T ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
eq "hark is stopped (T)" "$(ps -o stat= -p "$pid" | cut -c1)" T
eq "suspended: the alternate screen is left" "$(tmux_fmt z '#{alternate_on}')" 0
eq "suspended: the cursor is visible" "$(tmux_fmt z '#{cursor_flag}')" 1
if screen z | grep -qF "turning off NDELAY mode"; then
	known_bug "Ctrl-Z leaves the terminal non-blocking: the shell says 'sh: turning off NDELAY mode'"
fi

type_text z fg
keys z Enter
wait_for z "Contacts (4)" 5 "fg: hark redraws"
wait_for z "Cara Diaz — SMS" 5 "fg: on the contact it was on"
wait_for z "hark │" 5 "fg: with its status bar"
eq "fg: on the alternate screen again" "$(tmux_fmt z '#{alternate_on}')" 1
i=0
while [ "$(ps -o stat= -p "$pid" | cut -c1)" = T ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(ps -o stat= -p "$pid" | cut -c1)" != T ] || fail "hark should run again after fg"
ok "hark runs again"
keys z k
wait_for z "Dev Patel — WA" 5 "fg: keys work again"
keys z q
wait_gone z "hark │" 10 "q after fg leaves hark"
type_text z 'echo "status $?"'
keys z Enter
wait_for z "status 0" 5 "hark exited with status 0"
