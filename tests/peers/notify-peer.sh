#!/usr/bin/env bash
# notify-peer.sh — a private D-Bus session bus plus a recording notification server
# (org.freedesktop.Notifications, spec 1.2) for testing libnotify code headlessly.
#
# No X server, no real desktop daemon: a small python3-dbus service answers Notify,
# GetCapabilities, GetServerInformation and CloseNotification like a desktop daemon and
# appends every call as one JSON line to $DIR/notifications.jsonl. The bus has no service
# activation, so when the server is not running clients fail at once with ServiceUnknown.
#
# Usage:  notify-peer.sh start|stop|status|env [DIR]
#         notify-peer.sh wait COUNT [TIMEOUT_S] [DIR]   wait until COUNT Notify calls are recorded
#         notify-peer.sh action ID KEY [DIR]            emit ActionInvoked(ID, KEY) (user clicked)
#         notify-peer.sh close ID [REASON] [DIR]        emit NotificationClosed(ID, REASON=2 dismissed)
#         notify-peer.sh mode normal|error|hang [DIR]   how Notify answers from now on:
#              normal: returns an id; error: D-Bus error org.freedesktop.Notifications.Error.Test;
#              hang: never answers (libnotify's synchronous show then blocks ~25 s)
#
# DIR defaults to $NOTIFY_PEER_DIR or /tmp/hark-notify-peer. Settings at start:
#   NOTIFYD_CAPS="actions,body,body-markup,persistence,icon-static"   GetCapabilities answer
#   NOTIFYD_MODE=normal
# Tests run the program under test with: export DBUS_SESSION_BUS_ADDRESS=unix:path=$DIR/bus
#   (or: . $DIR/env)
#
# hark's tests/integration/notify.test.sh starts it with DIR inside the test's own HOME,
# so runs never share a bus. It is a copy of the tested recipe, kept in the repository
# because a fresh clone of hark has no ../shared next to it.
#
# Needs: apt-get install -y --no-install-recommends dbus-daemon python3-dbus python3-gi libnotify-bin
#   (libnotify-bin only for notify-send in manual checks)
set -euo pipefail

PY=/usr/bin/python3          # Debian's python3 (python3-dbus/python3-gi are installed for it)
DBUS_DAEMON=/usr/bin/dbus-daemon
CTRL_DEST=org.freedesktop.Notifications
CTRL_PATH=/org/hark/test/NotifyPeer
CTRL_IFACE=org.hark.test.NotifyPeer

die() { echo "notify-peer: $*" >&2; exit 1; }

cmd=${1:-}
shift || true
case "$cmd" in
  wait) COUNT=${1:?count}; TIMEOUT=${2:-10}; DIR=${3:-} ;;
  action) NID=${1:?id}; KEY=${2:?action key}; DIR=${3:-} ;;
  close) NID=${1:?id}; REASON=${2:-2}; DIR=${3:-} ;;
  mode) MODE=${1:?mode}; DIR=${2:-} ;;
  *) DIR=${1:-} ;;
esac
DIR=${DIR:-${NOTIFY_PEER_DIR:-/tmp/hark-notify-peer}}
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
MARK="$DIR/.hark-notify-peer"
export DBUS_SESSION_BUS_ADDRESS="unix:path=$DIR/bus"

pid_alive() { # PIDFILE PATTERN
  local pid
  [ -s "$1" ] || return 1
  pid=$(head -n1 "$1")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$2"
}

running() { # PID exists and is not a zombie
  local st
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}

stop_pidfile() { # PIDFILE PATTERN NAME
  local pid i
  if ! pid_alive "$1" "$2"; then rm -f "$1"; return 0; fi
  pid=$(head -n1 "$1")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do running "$pid" || break; sleep 0.05; done
  running "$pid" && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$1"
  echo "notify-peer: stopped $3 (pid $pid)"
}

ctrl() { # METHOD ARGS...
  dbus-send --session --print-reply=literal --dest="$CTRL_DEST" "$CTRL_PATH" "$CTRL_IFACE.$1" "${@:2}" >/dev/null
}

write_files() {
  cat >"$DIR/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<!-- Private session bus for tests: loopback unix socket, no service activation. -->
<busconfig>
  <type>session</type>
  <listen>unix:path=$DIR/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
  cat >"$DIR/notifyd.py" <<'PYEOF'
"""Recording org.freedesktop.Notifications server for tests (python3-dbus + GLib)."""
import json, os, signal, sys, time
import dbus, dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

D = os.environ["NOTIFY_PEER_DIR"]
LOG = os.path.join(D, "notifications.jsonl")
IFACE, PATH = "org.freedesktop.Notifications", "/org/freedesktop/Notifications"
CTRL_IFACE, CTRL_PATH = "org.hark.test.NotifyPeer", "/org/hark/test/NotifyPeer"
CAPS = [c for c in os.environ.get("NOTIFYD_CAPS",
        "actions,body,body-markup,persistence,icon-static").split(",") if c]
state = {"mode": os.environ.get("NOTIFYD_MODE", "normal"), "next_id": 1}


def plain(v):
    """D-Bus values -> JSON values (large arrays such as image-data pixels summarised)."""
    if isinstance(v, dbus.Boolean):
        return bool(v)
    if isinstance(v, (bytes, bytearray)):
        return "<%d bytes>" % len(v) if len(v) > 64 else list(v)
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return "<%d items>" % len(v) if len(v) > 64 else [plain(x) for x in v]
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, str):
        return str(v)
    return repr(v)


def record(**kw):
    kw["time"] = time.time()
    with open(LOG, "a") as f:
        f.write(json.dumps(kw, ensure_ascii=False) + "\n")


class Notifications(dbus.service.Object):
    @dbus.service.method(IFACE, in_signature="", out_signature="as")
    def GetCapabilities(self):
        return CAPS

    @dbus.service.method(IFACE, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("hark-test-notifyd", "hark", "1.0", "1.2")

    @dbus.service.method(IFACE, in_signature="susssasa{sv}i", out_signature="u",
                         sender_keyword="sender", async_callbacks=("ok", "err"))
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints,
               expire_timeout, sender=None, ok=None, err=None):
        nid = int(replaces_id)
        if nid == 0:
            nid = state["next_id"]
            state["next_id"] += 1
        acts = [str(a) for a in actions]
        record(method="Notify", id=nid, app_name=str(app_name), replaces_id=int(replaces_id),
               app_icon=str(app_icon), summary=str(summary), body=str(body),
               actions=dict(zip(acts[0::2], acts[1::2])), hints=plain(hints),
               expire_timeout=int(expire_timeout), sender=str(sender), mode=state["mode"])
        if state["mode"] == "error":
            err(dbus.exceptions.DBusException("notification refused (test mode)",
                                              name="org.freedesktop.Notifications.Error.Test"))
        elif state["mode"] == "hang":
            pass  # never reply: the caller waits for its D-Bus timeout
        else:
            ok(dbus.UInt32(nid))

    @dbus.service.method(IFACE, in_signature="u", out_signature="")
    def CloseNotification(self, nid):
        record(method="CloseNotification", id=int(nid))
        self.NotificationClosed(nid, 3)

    @dbus.service.signal(IFACE, signature="uu")
    def NotificationClosed(self, nid, reason):
        pass

    @dbus.service.signal(IFACE, signature="us")
    def ActionInvoked(self, nid, action_key):
        pass

    @dbus.service.signal(IFACE, signature="us")
    def ActivationToken(self, nid, token):
        pass


class Control(dbus.service.Object):
    def __init__(self, bus, notif):
        super().__init__(bus, CTRL_PATH)
        self.notif = notif

    @dbus.service.method(CTRL_IFACE, in_signature="us", out_signature="")
    def InvokeAction(self, nid, key):
        record(method="(test) ActionInvoked", id=int(nid), action=str(key))
        self.notif.ActivationToken(nid, "hark-test-token")
        self.notif.ActionInvoked(nid, key)

    @dbus.service.method(CTRL_IFACE, in_signature="uu", out_signature="")
    def Close(self, nid, reason):
        record(method="(test) NotificationClosed", id=int(nid), reason=int(reason))
        self.notif.NotificationClosed(nid, reason)

    @dbus.service.method(CTRL_IFACE, in_signature="s", out_signature="")
    def SetMode(self, mode):
        if mode not in ("normal", "error", "hang"):
            raise dbus.exceptions.DBusException("mode must be normal, error or hang")
        state["mode"] = str(mode)


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    name = dbus.service.BusName(IFACE, bus, do_not_queue=True)  # raises if already owned
    notif = Notifications(bus, PATH)
    Control(bus, notif)
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    with open(os.path.join(D, "notifyd.pid"), "w") as f:
        f.write("%d\n" % os.getpid())
    loop.run()
    del name


main()
PYEOF
}

do_start() {
  [ -x "$DBUS_DAEMON" ] || die "$DBUS_DAEMON missing: apt-get install -y dbus-daemon"
  "$PY" -c 'import dbus, dbus.mainloop.glib; from gi.repository import GLib' 2>/dev/null ||
    die "python3-dbus / python3-gi missing for $PY: apt-get install -y python3-dbus python3-gi"
  command -v dbus-send >/dev/null || die "dbus-send missing: apt-get install -y dbus-bin"
  if pid_alive "$DIR/dbus.pid" dbus-daemon || pid_alive "$DIR/notifyd.pid" notifyd.py; then
    die "already running in $DIR (run: $0 stop $DIR)"
  fi
  if [ -e "$DIR" ]; then
    if [ -e "$MARK" ]; then rm -rf "$DIR"
    elif [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then die "$DIR exists, is not empty and was not made by notify-peer.sh"
    fi
  fi
  mkdir -p "$DIR"
  touch "$MARK" "$DIR/notifications.jsonl"
  write_files

  local i
  # dbus-daemon prints its address once it listens; its pid goes to dbus.pid
  setsid "$DBUS_DAEMON" --config-file="$DIR/bus.conf" --nofork --nopidfile \
    --print-address=3 --print-pid=4 3>"$DIR/bus.address" 4>"$DIR/dbus.pid" \
    </dev/null >>"$DIR/dbus.log" 2>&1 &
  for ((i = 0; i < 200; i++)); do [ -s "$DIR/bus.address" ] && break; sleep 0.025; done
  [ -s "$DIR/bus.address" ] || { cat "$DIR/dbus.log" >&2; die "dbus-daemon did not start"; }

  (
    export NOTIFY_PEER_DIR="$DIR" NOTIFYD_CAPS="${NOTIFYD_CAPS:-actions,body,body-markup,persistence,icon-static}" \
      NOTIFYD_MODE="${NOTIFYD_MODE:-normal}"
    exec setsid "$PY" "$DIR/notifyd.py" </dev/null >>"$DIR/notifyd.log" 2>&1
  ) &
  for ((i = 0; i < 200; i++)); do [ -s "$DIR/notifyd.pid" ] && break; sleep 0.025; done
  [ -s "$DIR/notifyd.pid" ] || { cat "$DIR/notifyd.log" >&2; do_stop >/dev/null; die "notifyd did not start"; }

  echo "export DBUS_SESSION_BUS_ADDRESS='unix:path=$DIR/bus'" >"$DIR/env"
  echo "export NOTIFY_PEER_DIR='$DIR'" >>"$DIR/env"
  echo "export NOTIFY_PEER_LOG='$DIR/notifications.jsonl'" >>"$DIR/env"
  echo "notify-peer: ready (dir $DIR)"
  echo "  bus       DBUS_SESSION_BUS_ADDRESS=unix:path=$DIR/bus   dbus-daemon pid $(cat "$DIR/dbus.pid")"
  echo "  server    org.freedesktop.Notifications   pid $(cat "$DIR/notifyd.pid")"
  echo "  records   $DIR/notifications.jsonl (one JSON object per call)   exports: . $DIR/env"
}

do_stop() {
  stop_pidfile "$DIR/notifyd.pid" notifyd.py notifyd
  stop_pidfile "$DIR/dbus.pid" dbus-daemon dbus-daemon
  rm -f "$DIR/bus"
}

do_wait() {
  local i n=0
  for ((i = 0; i < TIMEOUT * 20; i++)); do
    n=$(grep -c '"method": "Notify"' "$DIR/notifications.jsonl" 2>/dev/null || true)
    [ "${n:-0}" -ge "$COUNT" ] && return 0
    sleep 0.05
  done
  echo "notify-peer: $n of $COUNT notifications after $TIMEOUT s" >&2
  return 1
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  status)
    rc=0
    pid_alive "$DIR/dbus.pid" dbus-daemon && echo "dbus-daemon running (pid $(cat "$DIR/dbus.pid"))" || { echo "dbus-daemon not running"; rc=1; }
    pid_alive "$DIR/notifyd.pid" notifyd.py && echo "notifyd running (pid $(cat "$DIR/notifyd.pid"))" || { echo "notifyd not running"; rc=1; }
    exit $rc ;;
  env) [ -f "$DIR/env" ] || die "no $DIR/env: not started"; cat "$DIR/env" ;;
  wait) do_wait ;;
  action) ctrl InvokeAction "uint32:$NID" "string:$KEY" ;;
  close) ctrl Close "uint32:$NID" "uint32:$REASON" ;;
  mode) ctrl SetMode "string:$MODE" ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2 ;;
esac
