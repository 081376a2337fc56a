#!/bin/sh
# Runs every suite against one or more builds and prints the total as the
# last line: "N passed, N failed".
#
#   sh tests/run.sh BUILD_DIR NAME [BUILD_DIR NAME ...]
#
# Unit tests (cmocka, TAP output), CLI tests (tests/cli/*.sh, TAP-style
# "ok"/"not ok" lines) and, for builds without sanitizers, the crash
# harness (tests/crash/*.sh).  A suite that dies without reporting counts
# as one failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
pass=0
fail=0
log=$(mktemp -d "${TMPDIR:-/tmp}/dossier-tests.XXXXXX")
trap 'rm -rf "$log"' EXIT

count() { # name output-file exit-status
	p=$(grep -c '^ok ' "$2")
	f=$(grep -c '^not ok ' "$2")
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $1 exited with status $3"
	fi
	grep '^not ok ' "$2" | sed "s|^|  [$1] |"
	pass=$((pass + p))
	fail=$((fail + f))
	printf '%-40s %4d passed, %d failed\n' "$1" "$p" "$f"
}

run_build() { # build-dir name
	build=$1
	name=$2
	export DOSSIER="$top/$build/dossier" DOSSIER_BUILD="$top/$build"
	export CMOCKA_MESSAGE_OUTPUT=TAP
	for t in "$top/$build"/tests/test_*; do
		[ -x "$t" ] || continue
		n="$name/$(basename "$t")"
		(cd "$log" && "$t") >"$log/out" 2>&1
		st=$?
		count "$n" "$log/out" $st
		[ $st -ne 0 ] && tail -20 "$log/out" | sed 's/^/    /'
	done
	for t in "$top"/tests/cli/*.sh; do
		[ "$(basename "$t")" = lib.sh ] && continue
		n="$name/cli/$(basename "$t" .sh)"
		sh "$t" >"$log/out" 2>&1
		st=$?
		count "$n" "$log/out" $st
	done
	case $name in
	asan*) return ;;
	esac
	for t in "$top"/tests/crash/*.sh; do
		[ -f "$t" ] || continue
		n="$name/crash/$(basename "$t" .sh)"
		sh "$t" >"$log/out" 2>&1
		st=$?
		count "$n" "$log/out" $st
	done
}

while [ $# -ge 2 ]; do
	run_build "$1" "$2"
	shift 2
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
