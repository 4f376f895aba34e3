# hark template: add, edit (through $EDITOR), list, show, render, history, rm;
# syntax errors name their position, missing variables are listed, and a
# message sent with --template records the version and variant it used.
. "$TESTS/lib.sh"
. "$TESTS/sandbox_profile.sh"

hark contacts add 'Ann Lee' --phone '+14155552001' --company Acme >/dev/null || fail "add Ann"
hark contacts add 'Bob Roe' --phone '+14155552002' --email bob@example.com >/dev/null || fail "add Bob"

cat > quote.txt <<'TPL'
# The quote reminder.
name: quote
category: sales
email_subject: Your quote{{#company}} for {{company}}{{/company}}
sms:
Hi {{first_name|there}}, your quote of {{amount|money:USD}} is ready.
{{#company}}Billed to {{company}}.{{/company}}
email_text:
Dear {{name}},

your quote of {{amount|money:USD}} is ready.
{{my_name}}
TPL
expect_exit 1 "with no terminal and no editor, add asks for --file" -- sh -c 'env -u EDITOR -u VISUAL "$0" template add </dev/null' "$HARK_BIN"
contains "it says how" "use --file FILE"
expect_exit 0 "a template is added from a file" -- hark template add --file quote.txt
contains "it is version 1" "saved version 1"
expect_exit 1 "adding the same name again is refused" -- hark template add --file quote.txt
contains "it says to edit instead" "hark template edit quote"

expect_exit 0 "list shows it" -- hark template list
contains "with its category and version" "sales        v1"
expect_exit 0 "list --json" -- hark template list --json
contains "json has the name" '"name":	"quote"'

expect_exit 0 "show prints the bodies" -- hark template show quote
contains "the sms body" "your quote of {{amount|money:USD}} is ready."
contains "amount is required" "amount (required)"
contains "company is optional (only in its section)" "company (optional)"
contains "first_name has a default" "first_name (optional)"
expect_exit 0 "show --json lists variables" -- hark template show quote --json
contains "required flag" '"required":	true'

# render: for a contact, with every missing variable listed.
expect_exit 1 "a missing required variable is refused" -- hark template render quote --contact Ann
contains "it lists what is missing" "missing variables: amount"
expect_exit 0 "with the variable it renders" -- hark template render quote --contact Ann --vars '{"amount":"1250"}'
contains "the contact's first name" "Hi Ann, your quote of \$1250.00 is ready."
contains "the section with the company" "Billed to Acme."
expect_exit 0 "email renders the subject and body" -- hark template render quote --contact Bob --channel email --vars '{"amount":9.5}'
contains "subject without company" "Subject: Your quote"
lacks "no company section for Bob" "Billed"
contains "my_name from [identity]" "Test Seller"
expect_exit 1 "--text lists every missing variable" -- hark template render --text 'Hi {{name}}, {{due}} {{x|upper}}' --vars '{"name":"Ann"}'
contains "both missing" "missing variables: due, x"
expect_exit 0 "--text with --vars" -- hark template render --text 'Hi {{name}}' --vars '{"name":"Ann"}'
eq "it prints the text" "$OUT" "Hi Ann"
expect_exit 1 "a syntax error in --text names the position" -- hark template render --text 'Hi {{name'
contains "line and column" "line 1, column 4: unclosed tag"
expect_exit 1 "--vars must be an object" -- hark template render --text 'x' --vars '[1]'
expect_exit 1 "an unknown template" -- hark template render nope --contact Ann
contains "named" "no template 'nope'"

# edit through $EDITOR: a script stands in for the user.
cat > "$HOME/ed-ok.sh" <<'ED'
#!/bin/sh
sed -i 's/is ready\./is ready. Questions? Reply here./' "$1"
ED
cat > "$HOME/ed-bad.sh" <<'ED'
#!/bin/sh
sed -i 's/^email_text:$/email_text:\nDear {{#name}} unclosed/' "$1"
ED
cat > "$HOME/ed-rename.sh" <<'ED'
#!/bin/sh
sed -i 's/^name: quote$/name: other/' "$1"
ED
chmod +x "$HOME"/ed-*.sh
EDITOR="$HOME/ed-ok.sh" expect_exit 0 "edit saves a new version" -- hark template edit quote
contains "version 2" "saved version 2"
EDITOR=true expect_exit 0 "an edit that changes nothing adds no version" -- hark template edit quote
contains "it says so" "no changes"
EDITOR="$HOME/ed-bad.sh" expect_exit 1 "a syntax error in the editor is refused" -- hark template edit quote
contains "it names the body, line and column" "email_text body: unclosed section"
line=$(printf '%s' "$OUT" | sed -n 's/.*line \([0-9]*\), column \([0-9]*\): email_text.*/\1:\2/p')
# The edit file: 11 help lines, name, category, email_subject, sms: + 2 lines,
# email_text: (line 18), then the inserted line 19, its '{{#name}}' at column 6.
eq "the position is the line and column in the file" "$line" "19:6"
contains "the text is kept for the user" "your text is in"
EDITOR="$HOME/ed-rename.sh" expect_exit 1 "renaming in the editor is refused" -- hark template edit quote
contains "it explains" "renaming is not supported"
# On a terminal (script(1) gives one) the editor opens again after an
# error, on the user's own text, like crontab -e: the second edit fixes it.
if command -v script >/dev/null 2>&1; then
	cat > "$HOME/ed-twice.sh" <<'ED'
#!/bin/sh
n=$(cat "$HOME/edcount" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$HOME/edcount"
if [ $n -eq 1 ]; then sed -i 's/^Hi {{first_name|there}}/Hi {{first_name/' "$1"
else sed -i 's/^Hi {{first_name,/Hi {{first_name|there}}! Again,/' "$1"; fi
ED
	chmod +x "$HOME/ed-twice.sh"
	OUT=$(printf 'y\n' | EDITOR="$HOME/ed-twice.sh" script -qec "$HARK_BIN template edit quote" /dev/null 2>&1)
	contains "the error is shown on the terminal" "sms body: unclosed tag"
	contains "and the editor offered again" "Edit again? [Y/n]"
	contains "the second edit is saved" "saved version 3"
	eq "the editor ran twice" "$(cat "$HOME/edcount")" 2
	expect_exit 0 "version 3 has the fix" -- hark template show quote
	contains "fixed text" "Hi {{first_name|there}}! Again,"
else
	echo "skip: no script(1) for a terminal"
fi
expect_exit 0 "history lists every version" -- hark template history quote
latest=$(printf '%s\n' "$OUT" | awk 'NR == 1 {print $3}')
eq "versions newest first, down to v1" "$(printf '%s\n' "$OUT" | awk '{print $3}' | tail -n 2 | tr '\n' ' ')" "v2 v1 "
contains "with the time of each" "$(date +%Y-%m-%d)"
expect_exit 0 "show --version 1 is the old text" -- hark template show quote --version 1
lacks "no reply line in v1" "Questions?"
expect_exit 1 "a version that does not exist" -- hark template show quote --version 9
contains "names the latest" "latest is ${latest#v}"

# A file with an error in a variant names the variant and the line.
cat > ab.txt <<'TPL'
name: promo
sms: Hi {{first_name|there}}, 10% off this week.
variant: A
weight: 1
variant: B
weight: 1
sms: Hi {{first_name|there}}, {{#x}}20% off
TPL
expect_exit 1 "an error in a variant's body is refused" -- hark template add --file ab.txt
contains "variant, body, line and column" "line 7, column 31: variant B: sms body: unclosed section"
sed -i 's/{{#x}}20% off/20% off!/' ab.txt
expect_exit 0 "fixed, it saves" -- hark template add --file - < ab.txt

# send --template records the version and variant; the log shows them.
expect_exit 1 "send --template refuses missing variables" -- hark send --to Ann --template quote
contains "listing them" "missing variables: amount"
eq "nothing was written" "$(sql 'select count(*) from messages')" 0
expect_exit 1 "--template and --body together" -- hark send --to Ann --template quote --body hi
expect_exit 0 "send --template renders for the contact" -- hark send --to Ann --template promo --wait
eq "the body is the contact's variant" "$(sql "select body like 'Hi Ann, %' from messages")" 1
expect_exit 0 "log --json shows the template" -- hark log --json Ann
contains "template name" '"template":	"promo"'
contains "template version" '"template_version":	1'
variant=$(sql "select variant from messages")
case "$variant" in A|B) ok "the variant is recorded ($variant)" ;; *) fail "variant '$variant'" ;; esac
contains "variant in the log" "\"variant\":	\"$variant\""
expect_exit 0 "the same contact gets the same variant again" -- hark send --to Ann --template promo
eq "both messages have one variant" "$(sql "select count(distinct variant) from messages")" 1

expect_exit 0 "rm removes it from the list" -- hark template rm quote
expect_exit 0 "list" -- hark template list
lacks "quote is gone" "quote"
expect_exit 1 "rm again says there is none" -- hark template rm quote
expect_exit 1 "an unknown subcommand is named" -- hark template frob
contains "named" "frob"
expect_exit 0 "help documents the syntax" -- hark template --help
contains "Mustache" "compatible subset of Mustache"
