# hark report ab: a template with two variants sent through the sandbox to 40
# contacts, replies imported at known times; the report's counts, reply
# rates, medians and z-test are checked against the same numbers worked out
# here from the database.
. "$TESTS/lib.sh"
. "$TESTS/sandbox_profile.sh"

cat > offer.txt <<'TPL'
name: offer
sms: Hi {{first_name|there}}, our spring offer is on.
variant: A
weight: 1
variant: B
weight: 1
sms: {{first_name|Hi}}! 20% off until Friday.
TPL
hark template add --file offer.txt >/dev/null || fail "add the template"

# 40 contacts; C39 is a landline (undelivered, 30006) and C40 an invalid
# number the provider refuses (failed): neither is delivered, only C39 was sent.
i=1
while [ $i -le 40 ]; do
	n=$(printf '%02d' $i)
	phone="+1415555$((3000 + i))"
	[ $i -eq 39 ] && phone=+15005550009
	[ $i -eq 40 ] && phone=+15005550001
	hark contacts add "C$n Test" --phone "$phone" >/dev/null || fail "add C$n"
	i=$((i + 1))
done

"$HARK_BIN" daemon >"$HOME/daemon.log" 2>&1 &
dpid=$!
for i in $(seq 50); do grep -q "owns the outbox" "$HOME/daemon.log" && break; sleep 0.2; done
grep -q "owns the outbox" "$HOME/daemon.log" || fail "the daemon did not start"
i=1
while [ $i -le 40 ]; do
	n=$(printf '%02d' $i)
	hark send --to "C$n Test" --template offer >/dev/null 2>&1 || fail "send to C$n"
	i=$((i + 1))
done
i=0
while [ "$(sql "select count(*) from messages where status in ('delivered','undelivered','failed')")" -lt 40 ] && [ $i -lt 150 ]; do
	sleep 0.2; i=$((i + 1))
done
kill -TERM $dpid; wait $dpid
eq "every message reached its final status" "$(sql "select count(*) from messages where status in ('delivered','undelivered','failed')")" 40
eq "every message records the template version" "$(sql "select count(*) from messages where template_version_id is not null and variant in ('A','B')")" 40

# Replies: in variant A the first 12 contacts (by id) reply after 10, 20, ...
# 120 minutes; in B the first 4 reply after 5, 15, 25, 35 minutes. Two more
# inbound messages must not count: one 8 days after (outside the window),
# one an hour before the message (not a reply to it).
replies() {
	sql "select c.id, i.address, m.created_at from messages m join contacts c on c.id = m.contact_id
	    join identities i on i.contact_id = c.id where m.variant = '$1' and m.status != 'failed'
	    order by c.id"
}
: > replies.jsonl
k=0
replies A | while IFS='|' read -r id addr at; do
	k=$((k + 1))
	if [ $k -le 12 ]; then
		echo "{\"channel\":\"sms\",\"address\":\"$addr\",\"direction\":\"in\",\"timestamp\":$((at + k * 600000)),\"body\":\"yes please\"}"
	elif [ $k -eq 13 ]; then
		echo "{\"channel\":\"sms\",\"address\":\"$addr\",\"direction\":\"in\",\"timestamp\":$((at + 8 * 86400000)),\"body\":\"late\"}"
	fi
done >> replies.jsonl
k=0
replies B | while IFS='|' read -r id addr at; do
	k=$((k + 1))
	if [ $k -le 4 ]; then
		echo "{\"channel\":\"sms\",\"address\":\"$addr\",\"direction\":\"in\",\"timestamp\":$((at + (k * 10 - 5) * 60000)),\"body\":\"ok\"}"
	elif [ $k -eq 5 ]; then
		echo "{\"channel\":\"sms\",\"address\":\"$addr\",\"direction\":\"in\",\"timestamp\":$((at - 3600000)),\"body\":\"earlier\"}"
	fi
done >> replies.jsonl
hark import replies.jsonl >/dev/null || fail "import the replies: $(hark import replies.jsonl 2>&1)"

# The expected figures, from the database.
sentA=$(sql "select count(*) from messages where variant='A' and status in ('sent','delivered','read','undelivered')")
sentB=$(sql "select count(*) from messages where variant='B' and status in ('sent','delivered','read','undelivered')")
delA=$(sql "select count(*) from messages where variant='A' and status in ('delivered','read')")
delB=$(sql "select count(*) from messages where variant='B' and status in ('delivered','read')")
eq "40 contacts split into two variants, one message failed" "$((sentA + sentB))" 39

expect_exit 0 "the report runs" -- hark report ab offer
contains "the reply window is stated" "within 7 days"
contains "the failed message is counted apart" "1 failed"
expect_exit 0 "the report as JSON" -- hark report ab offer --json
printf '%s' "$OUT" > report.json
got() { python3 -c "import json,sys; r=json.load(open('report.json')); print(eval(sys.argv[1]))" "$1"; }
eq "variants A and B" "$(got "' '.join(v['name'] for v in r['variants'])")" "A B"
eq "A sent" "$(got "r['variants'][0]['sent']")" "$sentA"
eq "B sent" "$(got "r['variants'][1]['sent']")" "$sentB"
eq "A delivered" "$(got "r['variants'][0]['delivered']")" "$delA"
eq "B delivered" "$(got "r['variants'][1]['delivered']")" "$delB"
eq "A replied: 12 (the late one is outside 7 days)" "$(got "r['variants'][0]['replied']")" 12
eq "B replied: 4 (the earlier message is no reply)" "$(got "r['variants'][1]['replied']")" 4
# Medians: A's 12 replies after 10..120 minutes: (60 + 70) / 2 = 65 min;
# B's after 5, 15, 25, 35 minutes: (15 + 25) / 2 = 20 min.
eq "A median 65 minutes" "$(got "r['variants'][0]['median_reply_seconds']")" 3900
eq "B median 20 minutes" "$(got "r['variants'][1]['median_reply_seconds']")" 1200
eq "A reply rate" "$(got "round(r['variants'][0]['reply_rate'], 6)")" "$(python3 -c "print(round(12/$sentA, 6))")"
# The z-test by hand: P = 16 / (sentA + sentB), SE = sqrt(P (1-P) (1/nA + 1/nB)),
# z = (4/nB - 12/nA) / SE, p = erfc(|z| / sqrt 2).
want=$(python3 -c "
import math
nA, nB = $sentA, $sentB
P = 16 / (nA + nB)
se = math.sqrt(P * (1 - P) * (1 / nA + 1 / nB))
z = (4 / nB - 12 / nA) / se
print('%.4f %.4f %s' % (z, math.erfc(abs(z) / math.sqrt(2)), min(nA * P, nB * P, nA * (1 - P), nB * (1 - P)) < 5))")
eq "z, p and the too-few rule as by hand" "$(got "'%.4f %.4f %s' % (r['comparisons'][0]['z'], r['comparisons'][0]['p'], r['comparisons'][0]['too_few'])")" "$want"
expect_exit 0 "the text report" -- hark report ab offer
contains "the comparison line" "B vs A:"

# A test with four recipients is too small to tell.
cat > tiny.txt <<'TPL'
name: tiny
sms: Hello
variant: A
weight: 1
variant: B
weight: 1
TPL
hark template add --file tiny.txt >/dev/null || fail "add tiny"
for n in 01 02 03 04 05 06; do hark send --to "C$n Test" --template tiny >/dev/null 2>&1 || fail "send tiny"; done
expect_exit 0 "a small test" -- hark report ab tiny
if printf '%s' "$OUT" | grep -q "B vs A"; then
	contains "it says too few to tell" "too few to tell"
else
	contains "one variant only: nothing to compare" "nothing to compare"
fi
expect_exit 0 "--since in the future: nothing" -- hark report ab offer --since 2099-01-01
contains "no messages" "no messages with a variant yet"
expect_exit 1 "an unknown template" -- hark report ab nope
contains "named" "no template 'nope'"
expect_exit 0 "report ab --help gives the definitions" -- hark report ab --help
contains "the reply definition" "within 7 days"
contains "the too-few rule" "fewer than"
