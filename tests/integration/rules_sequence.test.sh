# rules_sequence: a two-step sequence through `hark daemon`: step 1 at
# once when a tag is added, step 2 after its delay unless the contact
# replied; the step waiting survives a restart of the daemon; a no-reply
# rule nudges only the contact who did not answer.
. "$TESTS/rules_lib.sh"
ANN=+14155552677
BOB=+14155552678
CARL=+14155552679
DORA=+14155552680
EVE=+14155552681
rules_template welcome 'Welcome aboard, {{first_name}}!'
rules_template tips 'Three tips for your first week, {{first_name}}.'
rules_template nudge 'Did you have a chance to look, {{first_name}}?'
cat > "$RULES" <<'R'
rule onboarding
  when tag-added new-customer
  do send template=welcome
  then after 3s unless replied do send template=tips
rule nudge
  when no-reply 2s
  if tag lead
  do send template=nudge
R
rules_daemon_start

hark contacts add 'Ann Lee' --phone $ANN --tag new-customer >/dev/null || fail "contacts add"
hark contacts add 'Bob Roe' --phone $BOB --tag new-customer >/dev/null || fail "contacts add"
wait_sql "step 1 goes to Ann at once" "SELECT count(*) FROM messages WHERE to_addr = '$ANN' AND body = 'Welcome aboard, Ann!'" 1 5
wait_sql "step 1 goes to Bob at once" "SELECT count(*) FROM messages WHERE to_addr = '$BOB' AND body = 'Welcome aboard, Bob!'" 1 5
eq "step 2 waits its delay" "$(sent_to $BOB Three)" 0
inbound SBIN-s1 $ANN "Thanks, got it"
wait_sql "Ann's reply is stored" "SELECT count(*) FROM messages WHERE direction = 'in' AND from_addr = '$ANN'" 1 5
wait_sql "step 2 goes to Bob, who did not reply" "SELECT count(*) FROM messages WHERE to_addr = '$BOB' AND body = 'Three tips for your first week, Bob.'" 1 10
wait_sql "step 2 is dropped for Ann, who replied" "SELECT count(*) FROM rule_log WHERE rule = 'onboarding' AND step = 1 AND outcome = 'skipped' AND detail LIKE 'Ann Lee replied on %'" 1 5
eq "Ann got no step 2" "$(sent_to $ANN Three)" 0
eq "nothing is waiting any more" "$(sql "SELECT count(*) FROM rule_timers WHERE contact_id != 0")" 0

# A step waiting when the daemon stops is sent after it starts again.
hark contacts add 'Carl Opp' --phone $CARL --tag new-customer >/dev/null || fail "contacts add"
wait_sql "step 1 goes to Carl" "SELECT count(*) FROM messages WHERE to_addr = '$CARL' AND body LIKE 'Welcome%'" 1 5
eq "step 2 for Carl is kept in the database" "$(sql "SELECT count(*) FROM rule_timers r JOIN identities i ON i.contact_id = r.contact_id WHERE i.address = '$CARL' AND r.step = 1")" 1
rules_daemon_stop
sleep 3
eq "nothing is sent while no daemon runs" "$(sent_to $CARL Three)" 0
# A one-shot command owns the outbox for a moment, but runs no rules.
hark send --to 'Carl Opp' --body 'A quick question' --wait >/dev/null || fail "send to Carl"
eq "hark send runs no rules while it owns the outbox" "$(sent_to $CARL Three)" 0
rules_daemon_start
wait_sql "step 2 goes to Carl after the restart" "SELECT count(*) FROM messages WHERE to_addr = '$CARL' AND body LIKE 'Three tips%'" 1 10
eq "Carl got step 1 only once" "$(sent_to $CARL Welcome)" 1

# no-reply: a message of yours that gets no answer is followed up once;
# one that is answered is not; a rule's own message starts no wait.
hark contacts add 'Dora Lind' --phone $DORA --tag lead >/dev/null || fail "contacts add"
hark contacts add 'Eve Park' --phone $EVE --tag lead >/dev/null || fail "contacts add"
hark send --to 'Dora Lind' --body 'Here is the quote' >/dev/null || fail "send to Dora"
hark send --to 'Eve Park' --body 'Here is the quote' >/dev/null || fail "send to Eve"
inbound SBIN-s2 $EVE "Looks good"
wait_sql "Dora, who did not answer, is nudged" "SELECT count(*) FROM messages WHERE to_addr = '$DORA' AND body = 'Did you have a chance to look, Dora?'" 1 10
sleep 3
eq "Eve, who answered, is not" "$(sent_to $EVE Did)" 0
eq "the nudge itself starts no second nudge" "$(sent_to $DORA Did)" 1
rules_daemon_stop
