# Crash safety: a 1,000-message bulk send is killed with SIGKILL at random
# moments, several times; in the end every message went out exactly once (by
# the sandbox's own record) or is marked uncertain, and none is lost.
. "$TESTS/lib.sh"
. "$TESTS/sandbox_profile.sh"
N=${CRASH_MESSAGES:-1000}
KILLS=${CRASH_KILLS:-6}

i=1
: > bulk.jsonl
while [ $i -le $N ]; do
	printf '{"to":"+1415556%04d","body":"Bulk message %d","key":"bulk-%d"}\n' $((i % 10000)) $i $i >> bulk.jsonl
	i=$((i + 1))
done

rand_ms() { od -An -N2 -tu2 /dev/urandom | tr -d ' '; }
k=0
while [ $k -lt $KILLS ]; do
	if [ $((k % 2)) -eq 0 ]; then
		"$HARK_BIN" send --batch bulk.jsonl >/dev/null 2>>errors.log &
	else
		"$HARK_BIN" daemon --quiet 2>>errors.log &
	fi
	pid=$!
	# 150-1400 ms: lands in the enqueue, mid-send, or between sends.
	ms=$(( 150 + $(rand_ms) % 1250 ))
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	k=$((k + 1))
	echo "kill $k after ${ms} ms: $(sql "select state || '=' || count(*) from jobs group by state" | tr '\n' ' ')"
done

# Recovery: the same file again enqueues only what never made it in, then sends the rest.
expect_exit 0 "re-running the batch after the crashes finishes the send" -- hark send --batch bulk.jsonl
eq "every line is in the outbox exactly once" "$(sql 'select count(distinct idempotency_key) from jobs')" "$N"
eq "no message was written twice" "$(sql "select count(*) from messages where direction = 'out'")" "$N"
eq "nothing is left pending or in flight" "$(sql "select count(*) from jobs where state in ('pending','inflight')")" 0
SB="$HOME/sandbox.db"
dups=$(sqlite3 "$SB" 'select count(*) from (select idem from accepted group by idem having count(*) > 1)')
eq "the sandbox accepted no message twice" "$dups" 0
accepted=$(sqlite3 "$SB" 'select count(distinct idem) from accepted')
uncertain=$(sql "select count(*) from jobs where state = 'uncertain'")
done_jobs=$(sql "select count(*) from jobs where state = 'done'")
eq "every message was accepted once or is marked uncertain" "$((accepted + uncertain))" "$N"
eq "hark's done jobs match what the sandbox accepted" "$done_jobs" "$accepted"
missing=$(sqlite3 "$SB" "attach '$HARK_DB' as h; select count(*) from accepted a where not exists (select 1 from h.messages m where m.provider_id = a.sid)")
eq "every provider id the sandbox gave is recorded" "$missing" 0
echo "accepted=$accepted uncertain=$uncertain"
