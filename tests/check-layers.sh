#!/bin/sh
# Fails when a module includes the header of a module above it (DESIGN.md "Layers").
# Allowed headers per directory of src/:
set -u
allowed() {
	case "$1" in
	core)      echo "util core template rules" ;;
	store)     echo "util core template rules store" ;;
	net)       echo "util core template rules net" ;;
	config)    echo "util core template rules config" ;;
	notify)    echo "util core template rules config notify" ;;
	providers) echo "util core template rules net config provider mime" ;;
	engine)    echo "util core template rules store net config provider mime notify engine report" ;;
	relay)     echo "util core template rules store net config provider mime engine relay" ;;
	tui)       echo "util core template rules store config engine report notify tui" ;;
	cli)       echo "util core template rules store net config provider mime engine report notify relay tui cli" ;;
	*)         echo "" ;;
	esac
}
bad=0
for f in src/*/*.c src/*/*.h; do
	[ -e "$f" ] || continue
	mod=$(basename "$(dirname "$f")")
	ok=$(allowed "$mod")
	for h in $(sed -n 's/^#include "hark\/\([a-z_]*\)\.h".*/\1/p' "$f"); do
		case " $ok " in *" $h "*) ;; *)
			echo "check-layers: $f includes hark/$h.h, above $mod/ in DESIGN.md's layers" >&2
			bad=1 ;;
		esac
	done
done
[ "$bad" -eq 0 ] && echo "check-layers: ok"
exit $bad
