# rules_error: a rules file with an error is refused with its file, line
# and column: by `hark rules check`, by `hark daemon` at start (exit 1), and
# on a reload the rules already loaded stay in force.
. "$TESTS/rules_lib.sh"
rules_template away 'I am away until Monday.'
cat > "$RULES" <<'R'
rule vacation
  when inbound
  do reply template=away once-per=7d
rule typo
  when sometimes
  do state open
R
expect_exit 1 "check refuses a bad trigger" -- hark rules check
contains "with file, line and column" "$RULES:5:8: unknown trigger 'sometimes'"
expect_exit 1 "the daemon refuses to start" -- "$HARK_BIN" daemon
contains "the daemon names the place" "$RULES:5:8: unknown trigger"
lacks "the daemon did not take the outbox" "owns the outbox"

printf 'rule a\n  when no-reply 2x\n  do state open\n' > "$HOME/other.rules"
expect_exit 1 "check FILE refuses a bad duration" -- hark rules check "$HOME/other.rules"
contains "bad duration at its place" "$HOME/other.rules:2:17: bad duration '2x'"
printf 'rule a\n  when inbound\n  do state open; reply template=nosuch\n' > "$HOME/other.rules"
expect_exit 1 "check refuses an unknown template" -- hark rules check "$HOME/other.rules"
contains "the unknown template at its place" "$HOME/other.rules:3:18: rule 'a': no template 'nosuch'"
expect_exit 1 "list refuses a broken file too" -- hark rules list --file "$HOME/other.rules"
contains "list names the place" "other.rules:3:18"
expect_exit 1 "check of a missing file" -- hark rules check "$HOME/none.rules"
contains "names the missing file" "none.rules: No such file"

# `rules = PATH` in the config names another file, which must exist.
cp "$XDG_CONFIG_HOME/hark/config" "$HOME/config.saved"
sed 's|^\[general\]$|[general]\nrules = ~/elsewhere.rules|' "$HOME/config.saved" > "$XDG_CONFIG_HOME/hark/config"
expect_exit 1 "a configured rules file that is missing" -- hark rules check
contains "names the configured file" "$HOME/elsewhere.rules: No such file"
printf 'rule a\n  when inbound\n  do state done\n' > "$HOME/elsewhere.rules"
expect_exit 0 "the configured file is the one checked" -- hark rules check
contains "check names the configured file" "$HOME/elsewhere.rules: 1 rule, 1 step, ok"
cp "$HOME/config.saved" "$XDG_CONFIG_HOME/hark/config"

# A good file; then a broken save while the daemon runs keeps the old rules.
head -n 3 "$RULES" > "$HOME/good.rules" && mv "$HOME/good.rules" "$RULES"
expect_exit 0 "the fixed file checks" -- hark rules check
rules_daemon_start
grep -q "1 rule loaded from $RULES" "$HOME/daemon.log" || fail "the daemon should say it loaded the rules: $(cat "$HOME/daemon.log")"
ok "the daemon loaded the rules"
printf 'rule vacation\n  when inbound\n  do reply template=away once-per=7\n' > "$RULES"
kill -HUP $DAEMON_PID
i=0
until grep -q "rule-error: $RULES:3:35: bad duration '7'" "$HOME/daemon.log"; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "the reload error should be logged: $(cat "$HOME/daemon.log")"
	sleep 0.1
done
ok "a broken reload is logged with its place"
grep -q "the rules loaded before stay" "$HOME/daemon.log" || fail "it should say the old rules stay"
hark contacts add 'Ann Lee' --phone +14155552677 >/dev/null || fail "contacts add"
inbound SBIN-e1 +14155552677 "Hello?"
wait_sql "the rules loaded before still answer" "SELECT count(*) FROM messages WHERE direction = 'out' AND body = 'I am away until Monday.'" 1 10
rules_daemon_stop
