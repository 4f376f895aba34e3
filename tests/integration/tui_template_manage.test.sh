# The template library from the TUI: :template new and :template edit open
# $EDITOR on the same text as `hark template add|edit` (curses suspended),
# a syntax error is shown with its position and the editor offered again,
# :template delete removes it; the picker shows each template's version,
# and a message sent from the picker records the version and variant.
. "$TESTS/tui_lib.sh"
tui_profile

# The editor: a new file becomes the "greet" template, greet gets a second
# line, and a file named "broken" gets an unclosed tag.
cat > "$HOME/ed.sh" <<'ED'
#!/bin/sh
printf '%s\n' "$1" >> "$HOME/edited"
if grep -q '^name: *$' "$1"; then
	printf 'name: greet\ncategory: hello\nsms: Hi {{first_name|there}}, thanks for writing.\n' > "$1"
	printf 'variant: A\nweight: 1\nvariant: B\nweight: 1\nsms: Hello {{first_name|there}}!\n' >> "$1"
elif grep -q '^name: greet' "$1"; then
	sed -i 's/thanks for writing\./thanks for writing. Talk soon./' "$1"
fi
ED
chmod +x "$HOME/ed.sh"

mkdir -p "$HOME/tmp"
tui_open m 120 30 EDITOR="$HOME/ed.sh" TMPDIR="$HOME/tmp"
keys m :
type_text m "template new"
keys m Enter
wait_for m "template greet: saved version 1" 10 ":template new saves what the editor wrote"
[ "$(sql "select count(*) from templates where name = 'greet'")" = 1 ] || fail "greet should be stored"
case "$(head -n 1 "$HOME/edited")" in
	"$HOME/tmp/hark-template-"*) ok "the file to edit is in \$TMPDIR" ;;
	*) fail "the file to edit is $(head -n 1 "$HOME/edited"), not in \$TMPDIR" ;;
esac
keys m :
type_text m "template edit greet"
keys m Enter
wait_for m "template greet: saved version 2" 10 ":template edit saves a new version"
eq "the new version has the editor's change" "$(sql "select sms_body like '%Talk soon.' from template_versions where version = 2")" 1
eq "the variants are kept in the new version" "$(sql "select count(*) from template_variants v join template_versions t on t.id = v.template_version_id where t.version = 2")" 2

keys m G
wait_for m "SMS to +14155552671" 5 "Ann is selected"
keys m t
wait_for m "Templates for sms" 5 "t opens the picker"
screen_has m "greet v2" "the picker shows the template's version"
keys m Enter
wait_for m "template greet v2, variant" 5 "the composer says which version and variant it holds"
keys m Enter
wait_for m "sending…" 5 "Enter sends"
i=0
while [ "$(sql "select count(*) from messages where template_version_id is not null")" != 1 ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
eq "the sent message records version 2 of greet" "$(sql "select t.name || ' v' || v.version from messages m join template_versions v on v.id = m.template_version_id join templates t on t.id = v.template_id")" "greet v2"
variant=$(sql "select variant from messages where template_version_id is not null")
body=$(sql "select body from messages where template_version_id is not null")
case "$variant:$body" in
	"A:Hi Ann, thanks for writing. Talk soon." | "B:Hello Ann!") ok "the body is variant $variant's" ;;
	*) fail "variant '$variant' with body '$body'" ;;
esac
leave_composer m

# A syntax error: the editor writes an unclosed tag; the terminal shows the
# position and asks to edit again; "n" gives up and hark comes back.
cat > "$HOME/ed.sh" <<'ED'
#!/bin/sh
sed -i 's/^sms: Hi {{first_name|there}}/sms: Hi {{first_name/' "$1"
ED
keys m :
type_text m "template edit greet"
keys m Enter
wait_for m "Edit again? [Y/n]" 10 "a syntax error offers the editor again"
screen_has m "sms body: unclosed tag" "the error names the body"
screen_has m "column 9" "and the column"
keys m n Enter
wait_for m "nothing saved" 10 "giving up says nothing was saved"
eq "no third version" "$(sql "select max(version) from template_versions")" 2

# The composer's :edit: the same editor on the draft, in $TMPDIR, and the
# file gone after.
cat > "$HOME/ed.sh" <<'ED'
#!/bin/sh
printf '%s\n' "$1" >> "$HOME/edited"
printf 'Written in the editor\n' > "$1"
ED
keys m :
type_text m "edit"
keys m Enter
wait_for m "Written in the editor" 10 ":edit puts the editor's text in the composer"
case "$(tail -n 1 "$HOME/edited")" in
	"$HOME/tmp/hark-draft-"*) ok "the draft file is in \$TMPDIR" ;;
	*) fail "the draft file is $(tail -n 1 "$HOME/edited"), not in \$TMPDIR" ;;
esac
eq "no file is left in \$TMPDIR" "$(ls "$HOME/tmp" | wc -l)" 0
leave_composer m

keys m :
type_text m "template delete greet"
keys m Enter
wait_for m "template greet deleted" 5 ":template delete removes it"
keys m t
wait_for m "no templates yet" 5 "the picker has nothing left"
quit_hark m
tui_end
