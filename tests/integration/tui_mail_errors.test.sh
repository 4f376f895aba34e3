# Email sent from the client over real SMTP (the loopback peer): a wrong
# password, a CA that did not sign the server's certificate, a recipient
# refused for good and one refused for now each put the server's words on
# the status bar's message line; the first three fail, the last waits in the
# outbox for its next attempt.
. "$TESTS/tui_lib.sh"
. "$TESTS/mail_lib.sh"

mail_peer_start
trap '_r=$?; mail_peer_stop; (exit $_r); tui_end' EXIT
mail_config wrong-password
import_history <<'JSONL'
{"channel":"email","contact":"Pat Perm","address":"permfail@example.com","direction":"in","timestamp":"2025-03-01T08:00:00Z","subject":"Hi","body":"from Pat"}
{"channel":"email","contact":"Tim Temp","address":"tempfail@example.com","direction":"in","timestamp":"2025-03-02T08:00:00Z","subject":"Hi","body":"from Tim"}
{"channel":"email","contact":"Ann Lee","address":"ann@example.com","direction":"in","timestamp":"2025-03-03T08:00:00Z","subject":"Hi","body":"from Ann"}
JSONL

# send NAME TEXT: writes TEXT to the selected contact and sends it.
send() {
	keys "$1" c
	until_fmt "$1" '#{cursor_flag}' 1
	type_text "$1" "$2"
	keys "$1" Enter
	# sent: the composer is empty again (the send's outcome may already
	# have replaced "sending…")
	wait_for "$1" "Enter sends, C-o channel" 5 "Enter sends '$2'"
	leave_composer "$1"
}

tui_open w 160 30
wait_for w "Email to ann@example.com" 10 "Ann's composer is on email"
send w "wrong password"
wait_for w "email to ann@example.com failed: " 20 "a refused login fails the email on the message line"
screen_has w "login to 127.0.0.1:$SMTP_PORT refused" "the message line names the login"
quit_hark w

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj "/CN=other" -keyout "$HOME/other.key" -out "$HOME/other.pem" 2>/dev/null ||
	fail "openssl should make a certificate"
mail_config "$MAIL_PEER_PASS" "$HOME/other.pem"
tui_open t 160 30
wait_for t "Email to ann@example.com" 10 "Ann's composer is on email"
send t "wrong CA"
wait_for t "email to ann@example.com failed: " 20 "a TLS failure fails the email on the message line"
screen_has t "TLS with 127.0.0.1:$SMTP_PORT failed" "the message line names TLS"
quit_hark t

mail_config
tui_open r 160 30
wait_for r "Email to ann@example.com" 10 "Ann's composer is on email"
keys r :; type_text r "focus contacts"; keys r Enter G
wait_for r "Pat Perm — " 5 "G selects Pat"
send r "to Pat"
wait_for r "email to permfail@example.com failed: " 20 "a refused recipient fails on the message line"
screen_has r "550 5.7.1 <permfail@example.com>: rejected (test recipient)" "with the server's words"
keys r :; type_text r "focus contacts"; keys r Enter G
wait_for r "Tim Temp — " 5 "G selects Tim"
send r "to Tim"
wait_for r "email to tempfail@example.com not sent yet: " 20 \
	"a recipient refused for now: the message line says it waits"
screen_has r "451 4.3.0 <tempfail@example.com>: temporary failure" "with the server's words"
st=$(sqlite3 "$HARK_DB" "SELECT status FROM messages WHERE to_addr = 'tempfail@example.com' AND direction = 'out'")
case $st in queued | sending) ok "Tim's email stays in the outbox ($st)" ;;
	*) fail "Tim's email should wait in the outbox, not be $st" ;; esac
quit_hark r
