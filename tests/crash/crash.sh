#!/bin/sh
# The crash harness: every writing operation (add, update, meta with a
# level change, rm, restore, purge, import of a zip, backup create, user
# add, grant, rekey, backup restore; upgrade: upgrade.sh) is killed with
# SIGKILL just before its
# N-th file-changing call (tests/crash/killshim.c), for N = 1..K or a
# stride of it, and at each of its last eight calls (the checkpoint of the
# catalog's WAL when the process closes it).  After each kill:
#   - dossier verify --read-data exits 0 (notes about garbage it removed
#     are allowed, damage is not);
#   - a second verify (--no-keys --json) finds nothing at all (one point
#     in three; the object files are counted at every point);
#   - tmp/ is empty;
#   - audit verify passes;
#   - the operation is there whole or not at all, and every document's
#     content is right (checked against the SHA-256 of the input, which
#     verify --read-data proved the stored content matches, and, at
#     another point in three, by get for the document the operation
#     touched);
#   - the object files are exactly those of the state found.
# One "ok - OP kill N" line per point.
#
# Environment: DOSSIER, DOSSIER_BUILD (as tests/run.sh sets them);
# DOSSIER_CRASH_POINTS (default 86) the points per operation besides the
# last eight (all of them when it makes fewer calls): 1,000 or more in
# all; DOSSIER_CRASH_JOBS (default: the number of processors, at most 4)
# points run in parallel; DOSSIER_CRASH_OPS (default: all twelve) the
# operations to try.
. "$(dirname "$0")/../cli/lib.sh"

POINTS=${DOSSIER_CRASH_POINTS:-86}
# With the defaults: every make check kills at 1,000 points or more.
MIN_TOTAL=1000
OPS=${DOSSIER_CRASH_OPS:-"add update meta rm restore purge import backup useradd grant rekey brestore"}
. "$(dirname "$0")/harness.inc"

# point OP N DIR [VAULT]: one kill point on a copy of VAULT (default: the
# template); prints one TAP line (with diagnostics); appends the state
# found to DIR/states.
point() {
	_op=$1
	_n=$2
	_dir=$3
	_v=$_dir/vault
	_why=
	rm -rf "$_v" "$_v.restored" "$_v.restored".restore-*
	rm -f "$_v.backup.tar" "$_dir"/.dossier-backup-*
	cp -a "${4:-$TEMPLATE}" "$_v"
	op_run "$_op" "$_v" LD_PRELOAD="$SHIM" DOSSIER_KILL_AT="$_n" \
	    >"$_dir/op.out" 2>"$_dir/op.err" </dev/null
	_rc=$?
	# 137: killed as planned; 0: the run made fewer calls this time.
	if [ $_rc -ne 137 ] && [ $_rc -ne 0 ]; then
		_why="the killed run exited $_rc, not 137 (SIGKILL) or 0
$(head -n 3 "$_dir/op.err")"
	fi
	# A restore builds beside its target and renames the whole vault into
	# place: killed before that, the target is not there and a restore run
	# again builds it (removing what the killed one left); after it, the
	# target is whole.  Either way it is what the checks below look at.
	if [ -z "$_why" ] && [ "$_op" = brestore ]; then
		if [ -e "$_v.restored" ]; then
			BR_STATE=applied
		else
			BR_STATE=absent
			"$D" -q backup restore "$T/template.tar" \
			    --to "$_v.restored" >"$_dir/br.out" 2>&1 ||
			    _why="restore run again after the kill: $(head -n 2 "$_dir/br.out")"
		fi
		export BR_STATE
		_left=$(ls -d "$_v.restored".restore-* 2>/dev/null)
		[ -z "$_why" ] && [ -n "$_left" ] &&
		    _why="a restore's build directory is left: $_left"
		_v=$_v.restored
	fi
	if [ -z "$_why" ]; then
		"$D" -V "$_v" verify --read-data >"$_dir/v1.out" 2>"$_dir/v1.err"
		_vrc=$?
		if [ $_vrc -ne 0 ] || [ "$(tail -n 1 "$_dir/v1.out")" != "vault ok" ] ||
		    sed '$d' "$_dir/v1.out" | grep -q -v '^note: '; then
			_why="verify --read-data after the kill: exit $_vrc
$(cat "$_dir/v1.out" "$_dir/v1.err" | head -n 8)"
		fi
	fi
	# ...and left nothing for a second one to find (one point in three:
	# the object files are counted at every point below).
	if [ -z "$_why" ] && [ $((_n % 3)) -eq 0 ]; then
		"$D" -V "$_v" --json verify --no-keys >"$_dir/v2.out" 2>"$_dir/v2.err"
		_vrc=$?
		# The whole report is {"ok":true,"problems":[]} (compact JSON).
		if [ $_vrc -ne 0 ] ||
		    [ "$(cat "$_dir/v2.out")" != '{"ok":true,"problems":[]}' ]; then
			_why="the second verify is not clean: exit $_vrc
$(cat "$_dir/v2.out" "$_dir/v2.err" | head -n 5)"
		fi
	fi
	if [ -z "$_why" ] && [ -n "$(ls -A "$_v/tmp")" ]; then
		_why="tmp/ not empty after verify: $(ls -A "$_v/tmp" | head -n 5 | tr '\n' ' ')"
	fi
	# The audit log survives the kill too.
	if [ -z "$_why" ] &&
	    ! "$D" -V "$_v" audit verify >"$_dir/a.out" 2>"$_dir/a.err"; then
		_why="audit verify after the kill: $(head -n 2 "$_dir/a.err")"
	fi
	_st=
	if [ -z "$_why" ]; then
		_st=$(state "$_op" "$_v" "$_dir") || {
			_why="$_st"
			_st=
		}
	fi
	# A kill stops an import's batch before its commit: never half of it.
	[ -z "$_why" ] && [ "$_op/$_st" = import/partial ] &&
	    _why="a kill left the import half filed"
	# get of the document touched, at one point in three.
	if [ -z "$_why" ] && [ $((_n % 3)) -eq 2 ]; then
		_t=$(touched "$_op" "$_st")
		if [ -n "$_t" ]; then
			"$D" -V "$_v" get "${_t%% *}" >"$_dir/get.out" 2>"$_dir/get.err"
			_grc=$?
			if [ $_grc -ne 0 ] || ! cmp -s "$_dir/get.out" "${_t#* }"; then
				_why="get ${_t%% *} ($_st): exit $_grc or wrong bytes
$(head -n 2 "$_dir/get.err")"
			fi
		fi
	fi
	# A killed backup leaves its temporary files beside its archive; the
	# next backup into the same directory removes them.
	if [ -z "$_why" ] && [ "$_op" = backup ]; then
		"$D" -q -V "$_v" backup create "$_dir/next.tar" >"$_dir/bk.out" 2>&1 ||
		    _why="the next backup: $(head -n 2 "$_dir/bk.out")"
		_left=$(ls -d "$_dir"/.dossier-backup-* 2>/dev/null)
		[ -z "$_why" ] && [ -n "$_left" ] &&
		    _why="the next backup left these: $_left"
		rm -f "$_dir/next.tar"
	fi
	# Documents are rekeyed one transaction each: a rekey run again
	# finishes whatever the kill left.
	if [ -z "$_why" ] && [ "$_op" = rekey ]; then
		"$D" -q -V "$_v" rekey >"$_dir/rk.out" 2>&1 &&
		    _left=$(DOSSIER_VAULT="$_v" catsql "$OLD_KEYS_SQL") &&
		    [ "$_left" = 0 ] ||
		    _why="rekey run again ($_st): $(head -n 2 "$_dir/rk.out") left '$_left'"
	fi
	if [ -z "$_why" ]; then
		_objs=$(find "$_v/objects" -type f | wc -l)
		_want=$(objects_expected "$_op" "$_st")
		[ "$_objs" -eq "$_want" ] ||
		    _why="$_objs object files for the state '$_st', expected $_want"
	fi
	if [ -z "$_why" ]; then
		printf 'ok - %s kill %s (%s%s)\n' "$_op" "$_n" "$_st" \
		    "$([ $_rc -eq 0 ] && echo ', not killed')"
		echo "$_st" >>"$_dir/states"
	else
		printf 'not ok - %s kill %s\n' "$_op" "$_n"
		printf '%s\n' "$_why" | sed 's/^/# /'
		echo failed >>"$_dir/states"
	fi
}

# --- the checks can fail ------------------------------------------------------------------------
# A point killed at its first call changes nothing; on a vault damaged
# beforehand, or holding half an operation, it must fail.
mkdir -p "$T/self"
cp -a "$TEMPLATE" "$T/self/damaged"
find "$T/self/damaged/objects" -type f | while read -r f; do
	flip "$f" 60
done
cp -a "$TEMPLATE" "$T/self/half"
"$D" -q -V "$T/self/half" meta 1 --title 新标题 >/dev/null 2>&1
for c in "damaged:rm:objects damaged before the kill" \
    "half:meta:half a meta (title without level)"; do
	src=${c%%:*}
	rest=${c#*:}
	op=${rest%%:*}
	what=${rest#*:}
	mkdir -p "$T/self/w"
	if point "$op" 1 "$T/self/w" "$T/self/$src" | grep -q '^not ok '; then
		pass "harness: a point fails on $what"
	else
		fail "harness: a point fails on $what"
	fi
done

# --- the number of file-changing calls of each operation ----------------------------------
total_k=0
for op in $OPS; do
	mkdir -p "$T/count/$op"
	cp -a "$TEMPLATE" "$T/count/$op/vault"
	op_run "$op" "$T/count/$op/vault" LD_PRELOAD="$SHIM" \
	    DOSSIER_KILL_COUNT="$T/count/$op/k" >/dev/null 2>"$T/count/$op/err" </dev/null
	rc=$?
	k=$(cat "$T/count/$op/k" 2>/dev/null)
	if [ $rc -ne 0 ] || [ -z "$k" ] || [ "$k" -lt 1 ]; then
		fail "$op: counted its file-changing calls" "exit $rc, count '$k'" \
		    "$(head -n 3 "$T/count/$op/err")"
		eval "K_$op=0"
		continue
	fi
	eval "K_$op=$k"
	total_k=$((total_k + k))
	# The state check must tell the two ends apart.
	if [ "$op" = brestore ]; then
		# What it makes is a vault of its own, whole when it is there.
		export BR_STATE=absent
		s0=$(state "$op" "$TEMPLATE" "$T/count/$op")
		export BR_STATE=applied
		s1=$(state "$op" "$T/count/$op/vault.restored" "$T/count/$op")
	else
		s0=$(state "$op" "$TEMPLATE" "$T/count/$op")
		s1=$(state "$op" "$T/count/$op/vault" "$T/count/$op")
	fi
	if [ "$s0/$s1" = "absent/applied" ]; then
		pass "$op: $k file-changing calls; the template is 'absent', the completed run 'applied'"
	else
		fail "$op: the state check tells before from after" \
		    "template: $s0" "after the run: $s1"
	fi
done

# --- the kill points ----------------------------------------------------------------------------
points_total=0
for op in $OPS; do
	eval "k=\$K_$op"
	[ "$k" -gt 0 ] || continue
	# The points: POINTS of them spread over 1..K (all when K is
	# smaller), and every one of the last calls: the checkpoint of the
	# catalog's WAL on close (pages written back, synced, the WAL
	# removed).
	points_spread "$k" "$POINTS" 7
	npoints=$(wc -l <"$T/points")
	op_start=$(now_ms)
	rm -f "$T"/w*/states
	points_run "$op" point "$op"
	elapsed=$(($(now_ms) - op_start))
	points_total=$((points_total + npoints))
	cat "$T"/w*/states >"$T/states.$op"
	absent=$(grep -c -x absent "$T/states.$op")
	applied=$(grep -c -x applied "$T/states.$op")
	diag "$op: K=$k, $npoints kill points, $absent absent, $applied applied, ${elapsed} ms"
	# Killing at every point and never seeing one of the outcomes would
	# mean the kills miss the operation.
	if [ "$absent" -gt 0 ] && [ "$applied" -gt 0 ]; then
		pass "$op: kills left it absent ($absent) and applied ($applied)"
	else
		fail "$op: kills left it absent ($absent) and applied ($applied)" \
		    "expected both outcomes among the kill points"
	fi
done
diag "$points_total kill points in $((($(now_ms) - START) / 1000)) s with $JOBS jobs"
# (Scaled down when fewer operations or points per operation are asked.)
want=$((MIN_TOTAL * $(echo $OPS | wc -w) * POINTS / (12 * 86)))
if [ $points_total -ge $want ]; then
	pass "$points_total kill points (at least $want)"
else
	fail "$points_total kill points (at least $want)"
fi

done_testing
