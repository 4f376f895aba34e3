# rules_schedule: a schedule rule runs for the contacts its conditions pick,
# notifies once per run with how many, keeps its next run in the database,
# and a no-op run tells nobody.
. "$TESTS/rules_lib.sh"
hark contacts add 'Ann Lee' --phone +14155552677 --tag stale >/dev/null || fail "contacts add"
hark contacts add 'Bob Roe' --phone +14155552678 >/dev/null || fail "contacts add"
hark contacts add 'Cara Diaz' --phone +14155552679 --tag stale >/dev/null || fail "contacts add"
cat > "$RULES" <<'R'
rule tidy
  when schedule "every 2s"
  if tag stale and state open
  do state done; notify "Stale threads closed"
R
state() { sql "SELECT c.status FROM conversations c JOIN contacts p ON p.id = c.contact_id WHERE p.name = '$1'"; }
rules_daemon_start
eq "the next run is kept in the database" "$(sql "SELECT count(*) FROM rule_timers WHERE rule = 'tidy' AND contact_id = 0 AND spec = 'every 2s'")" 1
wait_sql "the run closes Ann's thread" "SELECT c.status FROM conversations c JOIN contacts p ON p.id = c.contact_id WHERE p.name = 'Ann Lee'" done 8
eq "and Cara's" "$(state 'Cara Diaz')" done
eq "Bob, without the tag, stays open" "$(state 'Bob Roe')" open
grep -q "rule-notify: Stale threads closed (2 contacts)" "$HOME/daemon.log" ||
    fail "one notification for the run: $(cat "$HOME/daemon.log")"
ok "one notification says how many"
sleep 4.5
eq "later runs find nothing to do and say nothing" "$(grep -c 'rule-notify' "$HOME/daemon.log")" 1
eq "each contact was closed once" "$(sql "SELECT count(*) FROM rule_log WHERE rule = 'tidy' AND outcome = 'fired'")" 2
eq "the schedule still has its next run" "$(sql "SELECT count(*) FROM rule_timers WHERE rule = 'tidy' AND contact_id = 0")" 1
rules_daemon_stop
