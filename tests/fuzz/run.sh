#!/bin/sh
# run.sh SECONDS BUILD_DIR FUZZER... — runs each libFuzzer target for SECONDS
# (make fuzz). A target starts from its committed seeds in
# tests/fuzz/corpus/<name>/ (read only) and writes what it learns to
# BUILD_DIR/corpus/<name>/; a crash leaves its input in BUILD_DIR/crash/ and
# fails the run. To keep new findings, minimise into the seeds:
#   BIN -merge=1 tests/fuzz/corpus/<name> BUILD_DIR/corpus/<name>
set -eu
seconds=$1 build=$2
shift 2
bins="$*"
here=$(cd "$(dirname "$0")" && pwd)
status=0
for bin in $bins; do
	name=$(basename "$bin" | sed 's/^fuzz_//')
	seeds=$here/corpus/$name
	work=$build/corpus/$name
	mkdir -p "$work" "$build/crash"
	set -- -max_total_time="$seconds" -print_final_stats=1 \
	    -artifact_prefix="$build/crash/$name-" -timeout=10 -rss_limit_mb=2048
	[ -f "$here/$name.dict" ] && set -- "$@" -dict="$here/$name.dict"
	echo "fuzz: $name for ${seconds}s" >&2
	if [ -d "$seeds" ]; then
		"$bin" "$@" "$work" "$seeds" 2>"$build/$name.log" || status=1
	else
		"$bin" "$@" "$work" 2>"$build/$name.log" || status=1
	fi
	grep -E '^(#[0-9]+[[:space:]]+DONE|stat::|Done )' "$build/$name.log" >&2 || true
	if [ "$status" != 0 ]; then
		tail -n 60 "$build/$name.log" >&2
		echo "fuzz: $name FAILED; input in $build/crash/, log $build/$name.log" >&2
		exit 1
	fi
done
echo "fuzz: no crash in $bins" >&2
