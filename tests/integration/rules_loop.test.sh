# rules_loop: rules cannot loop. Two rules that would set off each other
# for ever stop after one round (a rule never runs for a change its own
# chain caused), and an auto-reply talking to another auto-responder (a
# sandbox persona answers every message) stops at the rate limit; a
# message that looks automatic gets no auto-reply at all.
. "$TESTS/rules_lib.sh"
PERSONA=+14155550123
ANN=+14155552677
rules_template ack 'Thanks, we got your message.'
cat > "$RULES" <<'R'
set rate-limit 2/1h
set repeat-window 1s
rule ping
  when tag-added ping
  do tag remove ping; tag add pong
rule pong
  when tag-added pong
  do tag remove pong; tag add ping
rule ack
  when inbound
  do reply template=ack
R
rules_daemon_start

hark contacts add 'Ann Lee' --phone $ANN --tag ping >/dev/null || fail "contacts add"
wait_sql "the loop guard stops ping after one round" "SELECT count(*) FROM rule_log WHERE rule = 'ping' AND outcome = 'skipped' AND detail LIKE 'loop guard:%'" 1 5
sleep 2
eq "ping ran once" "$(sql "SELECT count(*) FROM rule_log WHERE rule = 'ping' AND outcome = 'fired' AND message_id IS NULL")" 1
eq "pong ran once" "$(sql "SELECT count(*) FROM rule_log WHERE rule = 'pong' AND outcome = 'fired' AND message_id IS NULL")" 1
eq "Ann ends tagged ping, as pong left her" "$(sql "SELECT group_concat(tag) FROM contact_tags t JOIN identities i ON i.contact_id = t.contact_id WHERE i.address = '$ANN'")" ping

# A message that says it is automatic gets no auto-reply.
inbound SBIN-l1 $ANN "Auto-reply: I am out of the office until Monday"
wait_sql "an automatic message is not answered, and the log says why" "SELECT count(*) FROM rule_log WHERE rule = 'ack' AND outcome = 'skipped' AND detail LIKE 'the message looks automatic%'" 1 5
eq "no ack to Ann" "$(sent_to $ANN Thanks)" 0

# The persona answers every message we send: our ack, its answer, our ack...
inbound SBIN-l2 $PERSONA "Hi, is anyone there?"
wait_sql "the rate limit stops the exchange" "SELECT count(*) FROM rule_log WHERE rule = 'ack' AND outcome = 'skipped' AND detail LIKE 'rate limit: rules sent % 2 messages in 1h%'" 1 40
eq "two acks went to the persona, no more" "$(sent_to $PERSONA Thanks)" 2
n=$(sql "SELECT count(*) FROM messages WHERE direction = 'in' AND from_addr = '$PERSONA'")
sleep 9
eq "after its last answer, still two acks" "$(sent_to $PERSONA Thanks)" 2
[ "$(sql "SELECT count(*) FROM messages WHERE direction = 'in' AND from_addr = '$PERSONA'")" -le $((n + 1)) ] ||
    fail "the persona kept being answered"
ok "the exchange has ended"
grep -q "rule: ack (step 1) skipped for .*: did not reply ack: rate limit" "$HOME/daemon.log" ||
    fail "the daemon should log the rate limit: $(grep ack "$HOME/daemon.log")"
ok "the daemon logs what the rate limit stopped"
rules_daemon_stop
