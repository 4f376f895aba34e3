#!/bin/sh
# imap.sh — `make bench`, the IMAP part: hark's first sync of a 10,000-message
# mailbox from a local Dovecot (tests/peers/mail-peer.sh), next to mbsync
# (isync) copying the same mailbox to a Maildir in the same run. Prints
# messages/s for both and their ratio, and appends them to
# $BENCH_DIR/results.txt. Figures, not pass/fail; hark's run must end with
# every message stored, or the figure is not printed.
#
# The mailbox: IMAP_BENCH_N messages (10000) of realistic sizes — four in
# five a short text (1-6 KB), one in seven a longer thread with quoting
# (15-40 KB), one in twenty with a base64 attachment (80-300 KB) — from 500
# senders, written as Maildir files and indexed by Dovecot before timing.
# Both clients log in over plain IMAP on loopback. hark does more per
# message than mbsync: it parses the MIME, finds or creates the contact,
# commits the message and its journal event, and writes the raw source to
# disk; mbsync writes one file per message.
#
# Needs root (Dovecot) and mbsync; otherwise says so and exits 0.
# IMAP_BENCH_KEEP=1 keeps the work directory (logs, databases).
set -eu

: "${HARK_BIN:?set HARK_BIN to the hark binary}"
: "${BENCH_DIR:?set BENCH_DIR to the directory of the bench programs}"
N=${IMAP_BENCH_N:-10000}
here=$(cd "$(dirname "$0")" && pwd)
PEER=$here/../peers/mail-peer.sh

if [ "$(id -u)" != 0 ] || ! [ -x /usr/sbin/dovecot ]; then
	echo "imap bench: skipped (needs root and Dovecot)"; exit 0
fi
if ! command -v mbsync >/dev/null; then
	echo "imap bench: skipped (needs mbsync: apt-get install isync)"; exit 0
fi
W=/tmp/hark-imap-bench.$$
PD=$W/peer
mkdir -p "$W" && chmod 755 "$W"
cleanup() { "$PEER" stop "$PD" >/dev/null 2>&1 || true; [ -n "${IMAP_BENCH_KEEP:-}" ] || rm -rf "$W"; }
trap cleanup EXIT INT TERM
export IMAP_PORT=${IMAP_BENCH_PORT:-21743} IMAPS_PORT=0 SMTP_PORT=${IMAP_BENCH_SMTP:-21725} SMTPS_PORT=0
"$PEER" start "$PD" >"$W/peer.log" 2>&1 || { cat "$W/peer.log"; exit 1; }
. "$PD/env"

echo "imap bench: writing $N messages"
/usr/bin/python3 - "$MAIL_PEER_MAILDIR/cur" "$N" <<'PYEOF'
import base64, os, random, sys
d, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
words = ("quote invoice order delivery thanks meeting price contract schedule "
         "shipment call question update tomorrow monday discount renewal").split()
def text(k):
    out, size = [], 0
    while size < k:
        line = " ".join(rnd.choice(words) for _ in range(rnd.randint(6, 14)))
        out.append(line); size += len(line) + 2
    return "\r\n".join(out)
for i in range(1, n + 1):
    who = rnd.randint(1, 500)
    r = rnd.random()
    hdr = ("From: Sender %d <sender%d@example.com>\r\nTo: user@mail.test\r\n"
           "Subject: %s %d\r\nMessage-ID: <bench-%d@example.com>\r\n"
           "Date: Mon, 02 Nov 2026 %02d:%02d:00 +0000\r\nMIME-Version: 1.0\r\n"
           % (who, who, rnd.choice(words), i, i, (i // 60) % 24, i % 60))
    if r < 0.80:
        body = hdr + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text(rnd.randint(1000, 6000))
    elif r < 0.95:
        quoted = "\r\n".join("> " + l for l in text(rnd.randint(12000, 35000)).split("\r\n"))
        body = hdr + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text(2000) + "\r\n\r\n" + quoted
    else:
        blob = base64.encodebytes(os.urandom(rnd.randint(60000, 225000))).decode().replace("\n", "\r\n")
        body = (hdr + 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
                "Content-Type: text/plain\r\n\r\n" + text(1500) + "\r\n--b\r\n"
                'Content-Type: application/pdf; name="doc%d.pdf"\r\n'
                "Content-Transfer-Encoding: base64\r\n\r\n" % i + blob + "--b--\r\n")
    with open(os.path.join(d, "%d.%d.bench:2,S" % (1700000000 + i, i)), "w") as f:
        f.write(body)
PYEOF
chown -R 65534:65534 "$MAIL_PEER_MAILDIR"
bytes=$(du -sb "$MAIL_PEER_MAILDIR/cur" | cut -f1)
doveadm -c "$PD/dovecot.conf" mailbox status -u user messages INBOX >/dev/null

mkdir -p "$W/hark"
cat >"$W/hark/config" <<CFG
[account box]
provider = imap
host = 127.0.0.1
port = $IMAP_PORT
tls = none
username = $MAIL_PEER_USER
password = $MAIL_PEER_PASS
folders = INBOX
CFG
chmod 600 "$W/hark/config"
now() { date +%s.%N; }
t0=$(now)
"$HARK_BIN" --config "$W/hark/config" --db "$W/hark/hark.db" sync >"$W/hark.out" 2>&1 ||
    { cat "$W/hark.out"; echo "imap bench: hark sync failed"; exit 1; }
t1=$(now)
got=$(sqlite3 "$W/hark/hark.db" "SELECT count(*) FROM messages")
if [ "$got" != "$N" ]; then
	echo "imap bench: hark stored $got of $N messages; no figure"; exit 1
fi

mkdir -p "$W/mbsync/mail"
cat >"$W/mbsync/rc" <<CFG
IMAPAccount bench
Host 127.0.0.1
Port $IMAP_PORT
User $MAIL_PEER_USER
Pass $MAIL_PEER_PASS
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account bench

MaildirStore local
Path $W/mbsync/mail/
Inbox $W/mbsync/mail/INBOX

Channel bench
Far :remote:
Near :local:
Patterns INBOX
Create Near
Sync Pull
SyncState *
CFG
t2=$(now)
mbsync -q -c "$W/mbsync/rc" bench >"$W/mbsync.out" 2>&1 || { cat "$W/mbsync.out"; echo "imap bench: mbsync failed"; exit 1; }
t3=$(now)
mgot=$(find "$W/mbsync/mail/INBOX/cur" "$W/mbsync/mail/INBOX/new" -type f 2>/dev/null | wc -l)

awk -v n="$N" -v b="$bytes" -v h0="$t0" -v h1="$t1" -v m0="$t2" -v m1="$t3" -v mg="$mgot" 'BEGIN {
	h = h1 - h0; m = m1 - m0
	printf "imap first sync, %d messages (%.0f MB) from a local Dovecot:\n", n, b / 1048576
	printf "  hark sync   %7.2f s  %7.0f messages/s  (parse, contacts, commit, raw kept)\n", h, n / h
	printf "  mbsync      %7.2f s  %7.0f messages/s  (to a Maildir; %d files)\n", m, n / m, mg
	printf "  hark / mbsync = %.2f\n", (n / h) / (n / m)
}' | tee -a "$BENCH_DIR/results.txt"
