#!/bin/sh
# The fuzz targets' seed corpora and kept crashers (fixtures/fuzz/NAME/),
# each replayed through its target by the plain driver
# ($DOSSIER_BUILD/tests/replay_NAME, tests/fuzz/replay.c): in the
# sanitizer build this is ASan+UBSan over every input that ever crashed a
# parser.  Every target has a corpus and every corpus a target.
. "$(dirname "$0")/lib.sh"

cd "$T" || exit 1
found=0
for bin in "$DOSSIER_BUILD"/tests/replay_*; do
	[ -x "$bin" ] || continue
	found=$((found + 1))
	name=${bin##*/replay_}
	dir=$TOP/fixtures/fuzz/$name
	if [ ! -d "$dir" ]; then
		fail "$name: has a seed corpus" "missing: $dir"
		continue
	fi
	"$bin" "$dir" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	if [ $rc -eq 0 ] && grep -q '^ok ' "$T/$name.out"; then
		pass "$name: $(sed 's/^ok - [^:]*: //' "$T/$name.out")"
	else
		fail "$name: every input replays (exit $rc)" \
		    "$(grep '^# input' "$T/$name.err" | tail -n 1)" \
		    "$(grep -v '^# input' "$T/$name.err" | head -n 8)"
	fi
done
check "the fuzz targets are built ($found)" test "$found" -ge 14
for dir in "$TOP"/fixtures/fuzz/*/; do
	name=$(basename "$dir")
	check "corpus $name has its target" \
	    test -x "$DOSSIER_BUILD/tests/replay_$name"
done
done_testing
