#!/usr/bin/env bash
# mail-peer.sh — a real IMAP + SMTP server pair on loopback for integration tests.
# (hark's copy of the project's verified peer recipe; tests/integration/mail_lib.sh
# starts one per test on free ports.)
#
#   IMAP   Dovecot 2.3 (Debian dovecot-imapd), plain + STARTTLS  127.0.0.1:$IMAP_PORT  (11143)
#   IMAPS  Dovecot, implicit TLS                                  127.0.0.1:$IMAPS_PORT (11993)
#   SMTP   aiosmtpd (Debian python3-aiosmtpd), plain + STARTTLS   127.0.0.1:$SMTP_PORT  (10025)
#   SMTPS  aiosmtpd, implicit TLS                                 127.0.0.1:$SMTPS_PORT (10465)
#
# Mail accepted over SMTP is delivered synchronously into Dovecot through Dovecot's own
# LMTP service (unix socket), so when the SMTP client gets "250" the message is already
# in the user's Maildir and visible over IMAP. No queue, no polling.
#
# Everything lives in one directory ($MAIL_PEER_DIR, default /tmp/hark-mail-peer):
# config, self-signed TLS cert, Maildirs, logs, pid files. /etc/dovecot is not used.
#
# Usage:  mail-peer.sh start|stop|status|env [DIR]
#   start   (re)creates DIR (only if empty or made by this script), starts both servers,
#           waits until they accept connections, prints where they listen
#   stop    stops both servers by the pids recorded at start (TERM, then KILL after 15 s)
#   status  exit 0 if both servers run
#   env     print the shell exports for tests (also written to DIR/env)
#
# Settings (environment, read at start):
#   MAIL_USERS="user:pass"   space-separated user:password pairs; the first is the catch-all
#   IMAP_PORT=11143 IMAPS_PORT=11993 SMTP_PORT=10025 SMTPS_PORT=10465  (0 disables IMAPS/SMTPS)
#   SMTP_AUTH=optional|required   AUTH PLAIN/LOGIN is offered (also without TLS) and checked
#                                 against MAIL_USERS; "required" answers 530 to MAIL before AUTH
#   SMTP_UNKNOWN_RCPT=deliver|reject   deliver: a recipient that is not a user lands in the
#                                 first user's INBOX; reject: 550 5.1.1 at RCPT
#   Recipient local parts "tempfail" / "permfail" are answered 451 / 550 at RCPT (error paths).
#
# Needs root (Dovecot drops privileges; mail is owned by nobody:nogroup) and:
#   apt-get install -y --no-install-recommends dovecot-imapd dovecot-lmtpd python3-aiosmtpd openssl
set -euo pipefail

DOVECOT=/usr/sbin/dovecot
PY=/usr/bin/python3          # Debian's python3 (python3-aiosmtpd is installed for it), not a pyenv one
MAIL_UID=65534 MAIL_GID=65534  # nobody:nogroup — Dovecot refuses uid 0 for mail access

cmd=${1:-}
DIR=${2:-${MAIL_PEER_DIR:-/tmp/hark-mail-peer}}
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
MARK="$DIR/.hark-mail-peer"

die() { echo "mail-peer: $*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # port timeout_s what logfile
  local i
  for ((i = 0; i < $2 * 20; i++)); do
    port_open "$1" && return 0
    sleep 0.05
  done
  echo "mail-peer: $3 did not open 127.0.0.1:$1 within $2 s; last log lines:" >&2
  tail -n 20 "$4" >&2 || true
  return 1
}

# pid_alive PIDFILE PATTERN: pid from file is running and its command line matches PATTERN
pid_alive() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(head -n1 "$1")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$2"
}

# running PID: exists and is not a zombie (an orphan stays a zombie until init reaps it)
running() {
  local st
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}

stop_pidfile() { # PIDFILE PATTERN NAME
  local pid i
  if ! pid_alive "$1" "$2"; then rm -f "$1"; return 0; fi
  pid=$(head -n1 "$1")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    running "$pid" || break
    sleep 0.05
  done
  if running "$pid"; then
    echo "mail-peer: $3 (pid $pid) ignored TERM for 15 s, sending KILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
  echo "mail-peer: stopped $3 (pid $pid)"
}

load_settings() {
  MAIL_USERS=${MAIL_USERS:-user:pass}
  IMAP_PORT=${IMAP_PORT:-11143}
  IMAPS_PORT=${IMAPS_PORT:-11993}
  SMTP_PORT=${SMTP_PORT:-10025}
  SMTPS_PORT=${SMTPS_PORT:-10465}
  SMTP_AUTH=${SMTP_AUTH:-optional}
  SMTP_UNKNOWN_RCPT=${SMTP_UNKNOWN_RCPT:-deliver}
}

write_env() {
  local first_user first_pass
  first_user=${MAIL_USERS%% *}; first_pass=${first_user#*:}; first_user=${first_user%%:*}
  {
    echo "export MAIL_PEER_DIR='$DIR'"
    echo "export MAIL_PEER_USER='$first_user'"
    echo "export MAIL_PEER_PASS='$first_pass'"
    echo "export MAIL_PEER_IMAP_URL='imap://127.0.0.1:$IMAP_PORT'"
    [ "$IMAPS_PORT" != 0 ] && echo "export MAIL_PEER_IMAPS_URL='imaps://127.0.0.1:$IMAPS_PORT'"
    echo "export MAIL_PEER_SMTP_URL='smtp://127.0.0.1:$SMTP_PORT'"
    [ "$SMTPS_PORT" != 0 ] && echo "export MAIL_PEER_SMTPS_URL='smtps://127.0.0.1:$SMTPS_PORT'"
    echo "export MAIL_PEER_CA='$DIR/tls/cert.pem'"
    echo "export MAIL_PEER_MAILDIR='$DIR/home/$first_user/Maildir'"
    echo "export MAIL_PEER_ENVELOPES='$DIR/log/smtp-envelopes.jsonl'"
  } >"$DIR/env"
}

write_dovecot_conf() {
  local imaps_block=""
  if [ "$IMAPS_PORT" != 0 ]; then
    imaps_block="  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS_PORT
    ssl = yes
  }"
  else
    imaps_block="  inet_listener imaps {
    port = 0
  }"
  fi
  cat >"$DIR/dovecot.conf" <<EOF
# Generated by mail-peer.sh — a self-contained Dovecot for tests (does not read /etc/dovecot).
base_dir = $DIR/run
state_dir = $DIR/state
instance_name = hark-mail-peer-$IMAP_PORT
log_path = $DIR/log/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
shutdown_clients = yes

ssl = yes
ssl_cert = <$DIR/tls/cert.pem
ssl_key = <$DIR/tls/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
# Tests log in with wrong passwords on purpose: no 2 s failure delay ...
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $DIR/users
}
userdb {
  driver = passwd-file
  args = username_format=%n $DIR/users
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = create
  }
}
protocol imap {
  mail_max_userip_connections = 100
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
$imaps_block
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
# ... and no growing per-IP penalty (2, 4, 8, 15 s) after failed logins: without the
# anvil-auth-penalty socket the auth process silently disables it.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
EOF
}

write_smtpd() {
  cat >"$DIR/smtpd.py" <<'PYEOF'
"""SMTP front end for the test Dovecot: aiosmtpd in, Dovecot LMTP out (synchronous)."""
import asyncio, json, logging, os, signal, smtplib, ssl, sys, time
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

D = os.environ["MAIL_PEER_DIR"]
USERS = dict(p.split(":", 1) for p in os.environ["MAIL_USERS"].split())
FIRST = os.environ["MAIL_USERS"].split()[0].split(":", 1)[0]
LMTP = os.path.join(D, "run", "lmtp")
PIDFILE = os.path.join(D, "run", "smtpd.pid")
ENVLOG = os.path.join(D, "log", "smtp-envelopes.jsonl")
REJECT_UNKNOWN = os.environ.get("SMTP_UNKNOWN_RCPT", "deliver") == "reject"
AUTH_REQUIRED = os.environ.get("SMTP_AUTH", "optional") == "required"

logging.basicConfig(filename=os.path.join(D, "log", "smtp.log"), level=logging.INFO,
                    format="%(asctime)s %(name)s %(levelname)s %(message)s")
log = logging.getLogger("smtpd")


def local_part(addr):
    return addr.rsplit("@", 1)[0].split("+", 1)[0].lower()


def authenticator(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword):
        user = auth_data.login.decode("utf-8", "replace").split("@", 1)[0]
        if USERS.get(user) == auth_data.password.decode("utf-8", "replace"):
            return AuthResult(success=True, auth_data=user)
    return AuthResult(success=False, handled=False)


def deliver(mail_from, rcpt, data):
    """One LMTP transaction per recipient; returns (code, text)."""
    target = local_part(rcpt) if local_part(rcpt) in USERS else FIRST
    msg = b"X-Original-To: " + rcpt.encode("utf-8") + b"\r\n" + data
    try:
        with smtplib.LMTP(LMTP, timeout=30) as l:
            l.sendmail(mail_from or "", [target], msg)
        return 250, "2.0.0 delivered to %s" % target
    except smtplib.SMTPRecipientsRefused as e:
        code, text = list(e.recipients.values())[0]
        return code, text.decode("utf-8", "replace")
    except smtplib.SMTPResponseException as e:
        return e.smtp_code, e.smtp_error.decode("utf-8", "replace")
    except Exception as e:  # Dovecot not running, socket missing, ...
        return 451, "4.3.0 local delivery failed: %s" % e


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        lp = local_part(address)
        if lp == "tempfail":
            return "451 4.3.0 <%s>: temporary failure (test recipient)" % address
        if lp == "permfail":
            return "550 5.7.1 <%s>: rejected (test recipient)" % address
        if lp not in USERS and REJECT_UNKNOWN:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        loop = asyncio.get_running_loop()
        results = []
        for rcpt in envelope.rcpt_tos:
            results.append(await loop.run_in_executor(None, deliver, envelope.mail_from, rcpt, data))
        rec = {"time": time.time(), "peer": session.peer[0] if session.peer else None,
               "helo": session.host_name,
               "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
               "auth_user": session.auth_data if session.authenticated else None,
               "mail_from": envelope.mail_from, "mail_options": envelope.mail_options,
               "rcpt_tos": envelope.rcpt_tos, "size": len(data),
               "results": [[c, t] for c, t in results]}
        with open(ENVLOG, "a") as f:
            f.write(json.dumps(rec) + "\n")
        bad = [(c, t) for c, t in results if c >= 300]
        if not bad:
            return "250 2.0.0 OK: delivered (%d recipient(s))" % len(results)
        code, text = bad[0]
        return "%d %s" % (code, text)


async def main():
    loop = asyncio.get_running_loop()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(os.path.join(D, "tls", "cert.pem"), os.path.join(D, "tls", "key.pem"))
    handler = Handler()

    def factory(starttls_ctx):
        return lambda: SMTP(handler, hostname="mail.test", ident="hark test SMTP",
                            tls_context=starttls_ctx, require_starttls=False,
                            auth_required=AUTH_REQUIRED, auth_require_tls=False,
                            authenticator=authenticator, loop=loop)

    servers = [await loop.create_server(factory(ctx), "127.0.0.1", int(os.environ["SMTP_PORT"]))]
    if int(os.environ.get("SMTPS_PORT", "0")):
        servers.append(await loop.create_server(factory(None), "127.0.0.1",
                                                int(os.environ["SMTPS_PORT"]), ssl=ctx))
    with open(PIDFILE, "w") as f:
        f.write("%d\n" % os.getpid())
    log.info("listening: %s", [s.sockets[0].getsockname() for s in servers])
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for s in servers:
        s.close()
    try:
        os.unlink(PIDFILE)
    except FileNotFoundError:
        pass
    log.info("stopped")


asyncio.run(main())
PYEOF
}

do_start() {
  load_settings
  [ "$(id -u)" = 0 ] || die "run as root (Dovecot switches users; CI runs as root)"
  [ -x "$DOVECOT" ] || die "$DOVECOT missing: apt-get install -y --no-install-recommends dovecot-imapd dovecot-lmtpd"
  [ -x /usr/lib/dovecot/lmtp ] || die "Dovecot LMTP missing: apt-get install -y dovecot-lmtpd"
  "$PY" -c 'import aiosmtpd' 2>/dev/null || die "python3-aiosmtpd missing for $PY: apt-get install -y python3-aiosmtpd"
  command -v openssl >/dev/null || die "openssl missing: apt-get install -y openssl"
  if pid_alive "$DIR/run/master.pid" dovecot || pid_alive "$DIR/run/smtpd.pid" smtpd.py; then
    die "already running in $DIR (run: $0 stop $DIR)"
  fi
  local p
  for p in "$IMAP_PORT" "$IMAPS_PORT" "$SMTP_PORT" "$SMTPS_PORT"; do
    [ "$p" = 0 ] && continue
    port_open "$p" && die "127.0.0.1:$p is already in use"
  done
  if [ -e "$DIR" ]; then
    if [ -e "$MARK" ]; then
      rm -rf "$DIR"
    elif [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
      die "$DIR exists, is not empty and was not made by mail-peer.sh"
    fi
  fi
  local t0=$SECONDS
  mkdir -p "$DIR"/{run,state,log,tls,home}
  touch "$MARK"
  chmod 0755 "$DIR" "$DIR/home" "$DIR/log"
  chmod 0700 "$DIR/tls"

  # Self-signed cert for 127.0.0.1 and localhost (tests pass it as CA: curl --cacert / CURLOPT_CAINFO)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$DIR/tls/key.pem" -out "$DIR/tls/cert.pem" 2>/dev/null
  chmod 0644 "$DIR/tls/cert.pem"

  : >"$DIR/users"
  local pair u pw
  for pair in $MAIL_USERS; do
    u=${pair%%:*}; pw=${pair#*:}
    [ -n "$u" ] && [ "$pw" != "$pair" ] || die "MAIL_USERS entries must be user:password"
    echo "$u:{PLAIN}$pw:$MAIL_UID:$MAIL_GID::$DIR/home/$u::" >>"$DIR/users"
    mkdir -p "$DIR/home/$u/Maildir"/{cur,new,tmp}
    chown -R "$MAIL_UID:$MAIL_GID" "$DIR/home/$u"
    chmod 0700 "$DIR/home/$u"
  done
  chmod 0644 "$DIR/users"   # read by Dovecot's auth process (user dovecot)

  # Every directory above the Maildirs must be searchable by nobody (e.g. not under /root).
  setpriv --reuid="$MAIL_UID" --regid="$MAIL_GID" --clear-groups test -w "$DIR/home/${MAIL_USERS%%:*}/Maildir" ||
    die "$DIR is not reachable by uid $MAIL_UID: put it under /tmp (a parent directory is not world-searchable)"

  write_dovecot_conf
  write_smtpd
  write_env

  "$DOVECOT" -c "$DIR/dovecot.conf" || { tail -n 20 "$DIR/log/dovecot.log" >&2; die "dovecot failed to start"; }
  wait_port "$IMAP_PORT" 10 dovecot "$DIR/log/dovecot.log" || { do_stop >/dev/null; exit 1; }
  [ "$IMAPS_PORT" = 0 ] || wait_port "$IMAPS_PORT" 10 dovecot "$DIR/log/dovecot.log" || { do_stop >/dev/null; exit 1; }

  (
    export MAIL_PEER_DIR="$DIR" MAIL_USERS SMTP_PORT SMTPS_PORT SMTP_AUTH SMTP_UNKNOWN_RCPT
    cd "$DIR"
    exec setsid "$PY" "$DIR/smtpd.py" </dev/null >>"$DIR/log/smtp.log" 2>&1
  ) &
  wait_port "$SMTP_PORT" 10 smtpd "$DIR/log/smtp.log" || { do_stop >/dev/null; exit 1; }
  [ "$SMTPS_PORT" = 0 ] || wait_port "$SMTPS_PORT" 10 smtpd "$DIR/log/smtp.log" || { do_stop >/dev/null; exit 1; }
  local i
  for ((i = 0; i < 100; i++)); do [ -s "$DIR/run/smtpd.pid" ] && break; sleep 0.05; done

  echo "mail-peer: ready in $((SECONDS - t0)) s (dir $DIR)"
  echo "  IMAP   imap://127.0.0.1:$IMAP_PORT   (STARTTLS offered)   dovecot pid $(cat "$DIR/run/master.pid")"
  [ "$IMAPS_PORT" = 0 ] || echo "  IMAPS  imaps://127.0.0.1:$IMAPS_PORT"
  echo "  SMTP   smtp://127.0.0.1:$SMTP_PORT   (STARTTLS offered, AUTH $SMTP_AUTH)   smtpd pid $(cat "$DIR/run/smtpd.pid")"
  [ "$SMTPS_PORT" = 0 ] || echo "  SMTPS  smtps://127.0.0.1:$SMTPS_PORT"
  echo "  users  $MAIL_USERS    CA $DIR/tls/cert.pem"
  echo "  Maildir $DIR/home/<user>/Maildir   logs $DIR/log/   exports: . $DIR/env"
}

do_stop() {
  stop_pidfile "$DIR/run/smtpd.pid" smtpd.py smtpd
  stop_pidfile "$DIR/run/master.pid" dovecot dovecot
}

do_status() {
  local rc=0
  if pid_alive "$DIR/run/master.pid" dovecot; then echo "dovecot running (pid $(cat "$DIR/run/master.pid"))"; else echo "dovecot not running"; rc=1; fi
  if pid_alive "$DIR/run/smtpd.pid" smtpd.py; then echo "smtpd running (pid $(cat "$DIR/run/smtpd.pid"))"; else echo "smtpd not running"; rc=1; fi
  return $rc
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  env) [ -f "$DIR/env" ] || die "no $DIR/env: not started"; cat "$DIR/env" ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2 ;;
esac
