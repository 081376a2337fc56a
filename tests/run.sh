#!/bin/sh
# Runs every suite against one or more builds and prints the total as the
# last line: "N passed, N failed".
#
#   sh tests/run.sh BUILD_DIR NAME [BUILD_DIR NAME ...]
#
# Unit tests (cmocka, TAP output) and CLI tests (tests/cli/*.sh, TAP-style
# "ok"/"not ok" lines) for each build; for the build named "crash" (see
# the Makefile's crash-build), the kill and fault harnesses
# (tests/crash/*.sh) instead.  A suite that dies without reporting counts
# as one failure.
#
# Suites run DOSSIER_TEST_JOBS at a time (default: the number of
# processors, at most 4), the longest first; their reports are printed in
# a fixed order once all are done.  Each suite works in directories of
# its own, so that they do not meet.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp -d "${TMPDIR:-/tmp}/dossier-tests.XXXXXX")
trap 'rm -rf "$log"' EXIT
jobs=${DOSSIER_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
[ "$jobs" -gt 4 ] && jobs=4

# One line per suite: "build name kind path"; the crash harnesses first
# (the longest), then CLI tests, then unit tests.
: >"$log/jobs"
while [ $# -ge 2 ]; do
	if [ "$2" = crash ]; then
		for t in "$top"/tests/crash/*.sh; do
			[ -f "$t" ] && echo "$1 $2/$(basename "$t" .sh) sh $t" \
			    >>"$log/jobs"
		done
		shift 2
		continue
	fi
	for t in "$top"/tests/cli/*.sh; do
		[ "$(basename "$t")" = lib.sh ] && continue
		echo "$1 $2/cli/$(basename "$t" .sh) sh $t" >>"$log/jobs"
	done
	for t in "$top/$1"/tests/test_*; do
		[ -x "$t" ] && echo "$1 $2/$(basename "$t") bin $t" >>"$log/jobs"
	done
	shift 2
done
echo 1 >"$log/next"
# What the caller set, to which each sanitizer job adds its own log path.
asan_base=${ASAN_OPTIONS:-}
ubsan_base=${UBSAN_OPTIONS:-}

# The next job's line number (a directory as the lock).
take() {
	while ! mkdir "$log/lock" 2>/dev/null; do
		sleep 0.05
	done
	_n=$(cat "$log/next")
	echo $((_n + 1)) >"$log/next"
	rmdir "$log/lock"
	echo "$_n"
}

run_job() { # line-number
	set -- $(sed -n "$1p" "$log/jobs") "$1"
	_build=$1 _name=$2 _kind=$3 _path=$4 _i=$5
	mkdir -p "$log/w$_i"
	export DOSSIER="$top/$_build/dossier" DOSSIER_BUILD="$top/$_build"
	export CMOCKA_MESSAGE_OUTPUT=TAP
	# Sanitizer builds: every report (an error, a leak at exit) goes to a
	# file of the suite's, counted below, whatever the exit code the
	# test expected and wherever stderr went.
	case $_name in
	asan*)
		mkdir -p "$log/san.$_i"
		export ASAN_OPTIONS="${asan_base:+$asan_base:}detect_leaks=1:log_path=$log/san.$_i/report"
		export UBSAN_OPTIONS="${ubsan_base:+$ubsan_base:}print_stacktrace=1:log_path=$log/san.$_i/report"
		;;
	esac
	_t0=$(date +%s)
	if [ "$_kind" = bin ]; then
		(cd "$log/w$_i" && "$_path") >"$log/out.$_i" 2>&1
	else
		(cd "$log/w$_i" && sh "$_path") >"$log/out.$_i" 2>&1
	fi
	echo $? >"$log/st.$_i"
	echo $(($(date +%s) - _t0)) >"$log/time.$_i"
}

lane() {
	while :; do
		i=$(take)
		[ "$i" -le "$(wc -l <"$log/jobs")" ] || break
		run_job "$i"
	done
}

j=0
while [ $j -lt "$jobs" ]; do
	lane &
	j=$((j + 1))
done
wait

pass=0
fail=0
i=1
total=$(wc -l <"$log/jobs")
# Reports in the order: unit, CLI, crash, per build, as listed.
order=$(awk '{ k = ($3 == "bin") ? 0 : ($2 ~ /\/cli\//) ? 1 : 2;
    print k, NR }' "$log/jobs" | sort -s -n -k1,1 | awk '{ print $2 }')
for i in $order; do
	set -- $(sed -n "${i}p" "$log/jobs")
	name=$2
	out=$log/out.$i
	st=$(cat "$log/st.$i" 2>/dev/null || echo 1)
	p=$(grep -c '^ok ' "$out" 2>/dev/null)
	f=$(grep -c '^not ok ' "$out" 2>/dev/null)
	if [ "$st" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $st"
	fi
	# Sanitizer reports of the suite's processes: each one a failure.
	for r in "$log/san.$i"/report*; do
		[ -f "$r" ] || continue
		f=$((f + 1))
		echo "not ok - sanitizer report: $(grep -m 1 -E 'ERROR|SUMMARY|runtime error' "$r")" >>"$out"
		sed 's/^/    /' "$r" | head -n 30
	done
	grep '^not ok ' "$out" 2>/dev/null | sed "s|^|  [$name] |"
	[ "$3" = bin ] && [ "$st" -ne 0 ] && tail -20 "$out" | sed 's/^/    /'
	pass=$((pass + p))
	fail=$((fail + f))
	printf '%-40s %4d passed, %d failed  %4ss\n' "$name" "$p" "$f" \
	    "$(cat "$log/time.$i" 2>/dev/null)"
done
# The sanitizer builds' suites, all of them, gave no report at all.
nsan=$(awk '$2 ~ /^asan/' "$log/jobs" | wc -l)
if [ "$nsan" -gt 0 ]; then
	nrep=$(find "$log" -path "$log/san.*" -type f | wc -l)
	if [ "$nrep" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok - no ASan, UBSan or LeakSanitizer report from the $nsan suites of the sanitizer build"
	fi
fi
[ "$total" -gt 0 ] || fail=$((fail + 1))
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
