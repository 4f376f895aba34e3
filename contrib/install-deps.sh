#!/bin/sh
# Installs the Debian/Ubuntu packages hark needs to build and test (apt-get,
# through sudo when not root). Called by `make run` and `make check` when
# pkg-config cannot find a library; safe to run again.
set -eu
PKGS="build-essential pkg-config git
libncurses-dev libcurl4-openssl-dev libsqlite3-dev libcjson-dev libuv1-dev
libnotify-dev libssl-dev libinih-dev libcmocka-dev libmicrohttpd-dev libgmime-3.0-dev
dbus-daemon dbus-bin python3-dbus python3-gi libnotify-bin
tmux ncurses-base sqlite3 curl
dovecot-imapd dovecot-lmtpd python3-aiosmtpd openssl isync"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -n "$missing" ] || { echo "install-deps: nothing missing"; exit 0; }
echo "install-deps: installing$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "install-deps: need root or sudo to install:$missing" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
