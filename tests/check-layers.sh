#!/bin/sh
# Fails when a module includes the header of a module above it (DESIGN.md "Layers").
# Allowed headers per directory of src/:
set -u
allowed() {
	case "$1" in
	core)      echo "util core template" ;;
	store)     echo "util core template store" ;;
	net)       echo "util core template net" ;;
	config)    echo "util core template config" ;;
	notify)    echo "util core template config notify" ;;
	providers) echo "util core template net config provider" ;;
	engine)    echo "util core template store net config provider notify engine" ;;
	relay)     echo "util core template store net config provider engine relay" ;;
	tui)       echo "util core template store config engine notify tui" ;;
	cli)       echo "util core template store net config provider engine notify relay tui cli" ;;
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
