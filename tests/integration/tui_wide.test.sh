# Wide characters (CJK, emoji) take two columns: names and messages with them
# keep the panes aligned, and a name too long for its column is cut at a
# whole character.
. "$TESTS/tui_lib.sh"
tui_profile
import_history <<'JSONL'
{"channel":"sms","contact":"王小明 🌸","address":"+14155552680","direction":"in","timestamp":"2025-03-08T10:00:00Z","body":"你好，世界 👋 see you at 3"}
{"channel":"sms","contact":"Ko 山田太郎の店","address":"+14155552681","direction":"in","timestamp":"2025-03-07T10:00:00Z","body":"予約を確認しました 🙏"}
{"channel":"whatsapp","contact":"Zoë Ünal 🎉","address":"+14155552682","direction":"in","timestamp":"2025-03-07T09:00:00Z","body":"café crème ☕ ok"}
JSONL

check_columns() {
	bar=$(col_of_in "$(line w 0)" "│")
	y=0
	while [ $y -lt $(($2 - 2)) ]; do
		l=$(line w $y | sed 's/├/│/')
		[ "$(col_of_in "$l" "│")" = "$bar" ] ||
		    fail "$1: the border should be in column $bar on row $y: $l"
		y=$((y + 1))
	done
	ok "$1: the border is in column $bar on every row"
}

tui_open w 100 30
wait_for w "Contacts (7)" 5 "hark opens with the wide names"
[ "$(contact_row w "王小明 🌸")" -gt 0 ] || fail "the CJK name with an emoji should be shown whole: $(screen w)"
ok "the CJK name with an emoji is shown whole"
[ "$(contact_row w "Zoë Ünal")" -gt 0 ] || fail "accented names are shown: $(screen w)"
ok "the accented name is shown"
screen_has w "你好，世界 👋 see you at 3" "the thread shows CJK and emoji text"
check_columns "100x30" 30
# Every contact row has its date at the same place: the same width before it.
for who in "王小明" "Ko 山田" "Zoë" "Dev Patel" "Ann Lee"; do
	l=$(line w "$(contact_row w "$who")")
	eq "$who's row is as wide as the pane up to the border" "$(col_of_in "$l" "│")" "$(col_of_in "$(line w 0)" "│")"
done

# Ko's name is longer than its column: it is cut before a character that
# does not fit, never in the middle of one, and the row keeps its width.
l=$(line w "$(contact_row w "Ko 山田")")
case $l in *"Ko 山田"*) ok "the long name starts as it should: ${l%%│*}" ;; *) fail "Ko's name: $l" ;; esac
case $l in *"�"*) fail "a cut wide character must not become garbage: $l" ;; esac
ok "no broken character where the name is cut"

keys w j
wait_for w "Ko 山田" 5 "j moves on"
keys w Enter
wait_for w "予約を確認しました 🙏" 5 "Ko's thread shows the Japanese text and the emoji"
check_columns "after moving" 30

# Narrower: names are cut, the border stays straight.
tmux_do w resize-window -t w -x 70 -y 20
until_fmt w '#{window_width}x#{window_height}' 70x20
wait_for w "hark │" 5 "70x20 is drawn"
check_columns "70x20" 20
quit_hark w
