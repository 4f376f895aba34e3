# Scheduling from the composer: the thread shows the message as scheduled with
# a countdown; X on it (or :cancel) cancels it, and nothing is sent.
. "$TESTS/tui_lib.sh"
tui_profile

tui_open c 120 30
keys c G
wait_for c "Ann Lee — SMS" 5 "G selects Ann"
keys c c
until_fmt c '#{cursor_flag}' 1
type_text c "Call you at noon"
wait_for c "Call you at noon" 5 "c opens the composer and it takes text"
keys c C-s
wait_for c ":schedule" 5 "C-s opens the command line with schedule"
type_text c "2h"
keys c Enter
wait_for c "scheduled for " 5 "the message line says when"
wait_for c "⏱ scheduled in " 5 "the thread shows it as scheduled"
r=$(row_of c "⏱ scheduled in ")
case $(line c "$r") in *"scheduled in 2h00m"* | *"scheduled in 1h59m"*) ok "with a countdown of two hours" ;;
	*) fail "the countdown should say about 2h: $(line c "$r")" ;; esac
case $(line c $((r + 1))) in *"Call you at noon"*) ok "the scheduled message's text is under its status" ;;
	*) fail "the text should follow the status: $(line c $((r + 1)))" ;; esac
screen_has c "outbox 1 pending" "the status bar counts it as pending"
eq "it is stored as scheduled" "$(sql "select status from messages where body='Call you at noon'")" scheduled

# Select it in the thread (the newest message) and cancel it with X.
leave_composer c
keys c G
keys c X
wait_for c "canceled: it will not be sent" 5 "X cancels the selected message"
wait_for c "⊘ canceled" 5 "the thread shows it canceled"
wait_gone c "⏱ scheduled in" 5 "the countdown is gone"
wait_for c "outbox 0 pending" 5 "the outbox is empty again"
eq "it is stored as canceled" "$(sql "select status from messages where body='Call you at noon'")" canceled

# The same through :schedule and :cancel typed on the command line.
keys c c
until_fmt c '#{cursor_flag}' 1
type_text c "Or at one"
wait_for c "Or at one" 5 "a second message in the composer"
leave_composer c
keys c :
wait_for c ":" 5 ": opens the command line"
type_text c "schedule 2h"
keys c Enter
i=0
while [ "$(screen c | grep -c "⏱ scheduled in")" -lt 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
screen_has c "⏱ scheduled in" ":schedule 2h schedules what the composer holds"
eq "it is stored as scheduled" "$(sql "select status from messages where body='Or at one'")" scheduled
keys c G
keys c :
type_text c "cancel"
keys c Enter
wait_for c "canceled: it will not be sent" 5 ":cancel cancels it"
eq "it is stored as canceled" "$(sql "select status from messages where body='Or at one'")" canceled
eq "two messages show canceled" "$(screen c | grep -c "⊘ canceled")" 2

# Nothing was handed to the sandbox service.
eq "the sandbox accepted nothing" "$(sqlite3 "$HOME/sandbox.db" "select count(*) from accepted")" 0
keys c BTab
quit_hark c
