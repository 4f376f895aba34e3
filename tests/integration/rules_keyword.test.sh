# rules_keyword: an inbound keyword triggers its auto-reply through `hark
# daemon` exactly once per period: a second keyword within the period gets
# no second reply (the log says why), and `hark rules list` and `hark rules
# test` show it; `hark rules test` changes nothing in the database.
. "$TESTS/rules_lib.sh"
ANN=+14155552677
BOB=+14155552678
hark contacts add 'Ann Lee' --phone $ANN >/dev/null || fail "contacts add"
hark contacts add 'Bob Roe' --phone $BOB --tag vip >/dev/null || fail "contacts add"
rules_template pricing 'Hi {{first_name}}, our prices start at 10 dollars.'
rules_template away 'Back on Monday.'
cat > "$RULES" <<'R'
# Answer questions about price, once a day per contact.
rule price
  when keyword /price|cost/i
  if not tag vip
  once-per 1d
  do reply template=pricing; tag add lead
rule away
  when keyword vacation
  once-per 1d
  do reply template=away
R
expect_exit 0 "the rules file checks" -- hark rules check
contains "check counts the rules" "2 rules, 2 steps, ok"
rules_daemon_start

inbound SBIN-k1 $ANN "What's the PRICE of a roof?"
wait_sql "the keyword gets its auto-reply" "SELECT count(*) FROM messages WHERE direction = 'out' AND to_addr = '$ANN' AND body = 'Hi Ann, our prices start at 10 dollars.'" 1
wait_sql "the rule tags Ann as a lead" "SELECT count(*) FROM contact_tags t JOIN identities i ON i.contact_id = t.contact_id WHERE i.address = '$ANN' AND t.tag = 'lead'" 1
wait_sql "the reply goes out through the outbox" "SELECT status FROM messages WHERE direction = 'out' AND to_addr = '$ANN'" delivered
eq "the reply records the template version it used" "$(sql "SELECT count(*) FROM messages m JOIN template_versions v ON v.id = m.template_version_id WHERE m.direction = 'out' AND m.to_addr = '$ANN'")" 1
eq "the send is marked as the rule's" "$(sql "SELECT count(*) FROM rule_log l JOIN messages m ON m.id = l.message_id WHERE l.rule = 'price' AND m.to_addr = '$ANN'")" 1

# The same keyword again within the period: no second reply.
inbound SBIN-k2 $ANN "and the cost of a gutter?"
wait_sql "the second keyword is stored" "SELECT count(*) FROM messages WHERE direction = 'in' AND from_addr = '$ANN'" 2
wait_sql "the second keyword is skipped, with why" "SELECT count(*) FROM rule_log WHERE rule = 'price' AND outcome = 'skipped' AND detail LIKE 'already fired for Ann Lee on % (once per 1d)'" 1
sleep 2
eq "still exactly one auto-reply" "$(sent_to $ANN Hi)" 1
# A VIP is not answered (the condition), and nothing is logged as skipped for it.
inbound SBIN-k3 $BOB "price?"
wait_sql "Bob's message is stored" "SELECT count(*) FROM messages WHERE direction = 'in' AND from_addr = '$BOB'" 1
sleep 1.5
eq "no reply to a vip" "$(sent_to $BOB Hi)" 0
# An automatic-looking message is not answered, and that starts no period:
# the contact's own question afterwards is answered.
DANA=+14155552680
inbound SBIN-k6 $DANA "Auto-reply: I am on vacation until Monday"
wait_sql "the automatic message is refused" "SELECT count(*) FROM rule_log WHERE rule = 'away' AND outcome = 'skipped' AND detail LIKE 'the message looks automatic%'" 1
inbound SBIN-k7 $DANA "Are you on vacation too?"
wait_sql "the real question still gets its reply" "SELECT count(*) FROM messages WHERE direction = 'out' AND to_addr = '$DANA' AND body = 'Back on Monday.'" 1
grep -q "rule: price (step 1) for Ann Lee: replied pricing on sms" "$HOME/daemon.log" ||
    fail "the daemon should log what the rule did: $(cat "$HOME/daemon.log")"
ok "the daemon logs what the rule did"
rules_daemon_stop

expect_exit 0 "rules list" -- hark rules list
contains "list shows the rule, enabled, with its counts" "price"
contains "list shows it enabled" "enabled"
contains "list counts the firing and the skip" "fired 1, skipped 1, sent 1"
expect_exit 0 "rules list --json" -- hark rules list --json
printf '%s' "$OUT" | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r[0]["name"]=="price" and r[0]["fired"]==1 and r[0]["sent"]==1 and r[0]["enabled"] is True and r[0]["last_fired"], r' ||
    fail "rules list --json: $OUT"
ok "the JSON list has the counts"

# `hark rules test` shows what would happen and changes nothing.
expect_exit 1 "test: Ann was answered today" -- hark rules test price --contact 'Ann Lee' --message 'price please'
contains "test says why it would skip" "would skip: already fired for Ann Lee on"
expect_exit 1 "test: a vip fails the condition" -- hark rules test price --contact 'Bob Roe' --message 'price please'
contains "test names the failing condition" "would skip: condition 1 (line 4) fails: has tag vip"
hark contacts add 'Cara Diaz' --phone +14155552679 >/dev/null || fail "contacts add"
before=$(sqlite3 "$HARK_DB" .dump | md5sum)
expect_exit 0 "test: Cara would be answered" -- hark rules test price --contact 'Cara Diaz' --message 'what does it cost?'
contains "test shows the trigger matched" "trigger: keyword /price|cost/i: matches"
contains "test shows the rendered reply" "| Hi Cara, our prices start at 10 dollars."
contains "test shows the other action" "tag add lead"
expect_exit 1 "test: no keyword in the text" -- hark rules test price --contact 'Cara Diaz' --message 'hello'
contains "test says the keyword does not match" "does not match"
expect_exit 1 "test: a keyword rule needs --message" -- hark rules test price --contact 'Cara Diaz'
contains "test asks for --message" "say --message TEXT"
expect_exit 1 "test: an unknown rule" -- hark rules test nope --contact 'Cara Diaz'
contains "test names the unknown rule" "no rule 'nope'"
after=$(sqlite3 "$HARK_DB" .dump | md5sum)
eq "rules test changed nothing in the database" "$after" "$before"
eq "nothing was sent to Cara" "$(sql "SELECT count(*) FROM messages WHERE to_addr = '+14155552679'")" 0

# disable persists; the daemon honours it.
expect_exit 0 "disable" -- hark rules disable price
eq "disabled in the database" "$(sql "SELECT enabled FROM rules WHERE name = 'price'")" 0
expect_exit 0 "list after disable" -- hark rules list
contains "list shows it disabled" "disabled"
rules_daemon_start
inbound SBIN-k4 +14155552679 "price?"
wait_sql "Cara's message is stored" "SELECT count(*) FROM messages WHERE direction = 'in' AND from_addr = '+14155552679'" 1
sleep 1.5
eq "a disabled rule does not answer" "$(sent_to +14155552679 Hi)" 0
expect_exit 0 "enable" -- hark rules enable price
inbound SBIN-k5 +14155552679 "price, please?"
wait_sql "an enabled rule answers again" "SELECT count(*) FROM messages WHERE direction = 'out' AND to_addr = '+14155552679'" 1
expect_exit 1 "enable an unknown rule" -- hark rules enable nope
contains "enable names it" "no rule 'nope'"
rules_daemon_stop
