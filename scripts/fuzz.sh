#!/bin/sh
# Runs the libFuzzer targets built by make fuzz:
#
#   sh scripts/fuzz.sh BUILD NAME...
#
# Each target BUILD/fuzz/NAME runs until it has used FUZZ_SECONDS (600) of
# CPU time (libFuzzer counts wall time, so it is started again for what
# is left), FUZZ_JOBS (the number of processors) targets at a time, at a
# low priority.  Its corpus grows in BUILD/fuzz-out/corpus/NAME from the
# seeds in fixtures/fuzz/NAME; an input that crashes, leaks, trips a
# sanitizer or a target's check, or takes over 30 s goes to
# BUILD/fuzz-out/findings/.  Prints one line per target (CPU seconds,
# executions, coverage, findings) and exits 1 if anything was found.
# A finding, once fixed, is copied into fixtures/fuzz/NAME/ as
# crash-WHAT: make check replays it from then on.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = --one ]; then
	build=$2
	name=$3
	out=$build/fuzz-out
	secs=${FUZZ_SECONDS:-600}
	mkdir -p "$out/corpus/$name" "$out/findings"
	: >"$out/$name.log"
	used=0
	runs=0
	while [ "$used" -lt "$secs" ] && [ "$runs" -lt 20 ]; do
		left=$((secs - used))
		/usr/bin/time -f '%U %S' -o "$out/$name.time" \
		    nice -n 10 "$build/fuzz/$name" -max_total_time="$left" \
		    -timeout=30 -rss_limit_mb=2560 -malloc_limit_mb=2560 \
		    -print_final_stats=1 \
		    -artifact_prefix="$out/findings/$name-" \
		    "$out/corpus/$name" "$top/fixtures/fuzz/$name" \
		    >>"$out/$name.log" 2>&1
		rc=$?
		cpu=$(tail -n 1 "$out/$name.time" |
		    awk '{ printf "%d", $1 + $2 }')
		used=$((used + ${cpu:-0}))
		runs=$((runs + 1))
		[ $rc -eq 0 ] || break
	done
	execs=$(grep '^stat::number_of_executed_units' "$out/$name.log" |
	    awk '{ s += $2 } END { print s + 0 }')
	cov=$(grep -o 'cov: [0-9]*' "$out/$name.log" | tail -n 1 |
	    awk '{ print $2 + 0 }')
	found=$(ls "$out/findings" | grep -c "^$name-")
	printf '%-16s %5d CPU-s %10d runs  cov %5d  findings %d%s\n' \
	    "$name" "$used" "$execs" "${cov:-0}" "$found" \
	    "$([ "$rc" -ne 0 ] && echo "  (stopped: exit $rc, see $out/$name.log)")" \
	    >"$out/$name.summary"
	exit 0
fi

build=$1
shift
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
out=$build/fuzz-out
mkdir -p "$out"
printf '%s\n' "$@" | xargs -P "$jobs" -I{} sh "$0" --one "$build" {}
status=0
for name in "$@"; do
	cat "$out/$name.summary"
	grep -q 'findings 0$' "$out/$name.summary" || status=1
done
[ $status -eq 0 ] && echo "fuzz: no findings" ||
    echo "fuzz: findings in $out/findings (logs in $out)"
exit $status
