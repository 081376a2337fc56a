#!/bin/sh
# The fault harness: I/O errors at the reads, writes, syncs and truncates
# of an operation (tests/crash/killshim.c): EIO at one call (transient),
# EIO at every call from one on (a dead disk), ENOSPC at every write from
# one on (a full disk), a short write, and EIO from every fsync from one
# on (a disk that cannot flush).  Operations: add, update, meta, rm,
# restore, purge, import, backup create, user add, grant, rekey, backup
# restore (writes), search and audit log (reads, which write their audit
# record); upgrade: upgrade.sh.  After each faulted run:
#   - it exited 0, or 1 with one line "dossier: ..." on stderr (a read
#     that fails is an I/O error, not damage: exit 6 is wrong here);
#   - dossier verify --read-data and dossier audit verify exit 0, tmp/ is
#     empty;
#   - a write that exited 0 is there whole; one that failed is not there at
#     all, unless its message says it was done ("done, but its audit
#     checkpoint could not be written"); a read changed nothing; a rekey
#     that failed may have moved some documents (each is one
#     transaction), and one run again moves the rest; a restore that
#     failed left neither its target nor its build directory.
# One "ok - OP MODE at N" line per point.
#
# Environment: DOSSIER_FAULT_POINTS (default 2; make fault-long: 40) points per operation and
# mode, spread over its I/O calls; DOSSIER_FAULT_OPS the operations.
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/harness.inc"

POINTS=${DOSSIER_FAULT_POINTS:-2}
OPS=${DOSSIER_FAULT_OPS:-"add update meta rm restore purge search audit import backup useradd grant rekey brestore"}
MODES="once:EIO always:EIO always:ENOSPC short:EIO sync:EIO"

if [ ! -f "$SHIM" ]; then
	fail "the shim is built" "missing: $SHIM (make builds it)"
	done_testing
fi

# fpoint OP MODE ERRNO N DIR: one faulted run on a copy of the template.
fpoint() {
	_op=$1
	_mode=$2
	_errno=$3
	_n=$4
	_dir=$5
	_v=$_dir/vault
	_why=
	rm -rf "$_v" "$_v.restored" "$_v.restored".restore-*
	rm -f "$_v.backup.tar" "$_dir"/.dossier-backup-*
	cp -a "$TEMPLATE" "$_v"
	op_run "$_op" "$_v" LD_PRELOAD="$SHIM" DOSSIER_FAULT_AT="$_n" \
	    DOSSIER_FAULT_MODE="$_mode" DOSSIER_FAULT_ERRNO="$_errno" \
	    >"$_dir/op.out" 2>"$_dir/op.err" </dev/null
	_rc=$?
	if [ $_rc -ne 0 ] && [ $_rc -ne 1 ]; then
		_why="exit $_rc, not 0 or 1: $(head -n 3 "$_dir/op.err")"
	elif [ $_rc -eq 1 ] && [ "$_op" = import ] &&
	    grep -q -v '^dossier: ' "$_dir/op.err"; then
		# One line per member that could not be filed.
		_why="not 'dossier: ' lines: $(head -n 3 "$_dir/op.err")"
	elif [ $_rc -eq 1 ] && [ "$_op" != import ] &&
	    { [ "$(wc -l <"$_dir/op.err")" -ne 1 ] ||
	    ! grep -q '^dossier: ' "$_dir/op.err"; }; then
		_why="not one 'dossier: ' line: $(head -n 3 "$_dir/op.err")"
	fi
	# A restore that failed made nothing; one that worked made a vault,
	# which is what the checks below look at.
	if [ -z "$_why" ] && [ "$_op" = brestore ]; then
		_left=$(ls -d "$_v.restored".restore-* 2>/dev/null)
		if [ -n "$_left" ]; then
			_why="a restore's build directory is left: $_left"
		elif [ $_rc -eq 0 ] ||
		    grep -q "vault restored into .*, but" "$_dir/op.err"; then
			BR_STATE=applied
			_v=$_v.restored
		elif [ -e "$_v.restored" ]; then
			_why="the failed restore left its target"
		else
			BR_STATE=absent
		fi
		export BR_STATE
	fi
	# A backup that failed removed what it wrote beside its archive.
	if [ -z "$_why" ] && [ "$_op" = backup ] &&
	    [ -n "$(ls -d "$_dir"/.dossier-backup-* 2>/dev/null)" ]; then
		_why="the backup left: $(ls -d "$_dir"/.dossier-backup-*)"
	fi
	if [ -z "$_why" ]; then
		"$D" -V "$_v" verify --read-data >"$_dir/v.out" 2>"$_dir/v.err" ||
		    _why="verify --read-data: $(cat "$_dir/v.out" "$_dir/v.err" | head -n 4)"
	fi
	if [ -z "$_why" ]; then
		"$D" -V "$_v" audit verify >"$_dir/a.out" 2>"$_dir/a.err" ||
		    _why="audit verify: $(head -n 3 "$_dir/a.err")"
	fi
	if [ -z "$_why" ] && [ -n "$(ls -A "$_v/tmp")" ]; then
		_why="tmp/ not empty: $(ls -A "$_v/tmp" | head -n 3 | tr '\n' ' ')"
	fi
	if [ -z "$_why" ]; then
		case $_op in
		search | audit) _sop=add _want=absent ;;
		brestore)
			# The template (nothing made) or the restored vault.
			_sop=brestore _want=$BR_STATE
			;;
		*)
			_sop=$_op
			if [ $_rc -eq 0 ] || grep -q 'done, but' "$_dir/op.err"; then
				_want=applied
			else
				_want=absent
			fi
			;;
		esac
		_st=$(state "$_sop" "$_v" "$_dir") || _why="$_st"
		# A rekey that stopped: its documents so far stay rekeyed.
		[ -z "$_why" ] && [ "$_op" = rekey ] && [ $_rc -ne 0 ] &&
		    grep -q 'rekey stopped at document' "$_dir/op.err" &&
		    _want=$_st
		# An import that failed on a member filed the others.
		[ -z "$_why" ] && [ "$_op" = import ] && [ $_rc -ne 0 ] &&
		    [ "$_st" = partial ] && _want=partial
		[ -z "$_why" ] && [ "$_st" != "$_want" ] &&
		    _why="state '$_st' after exit $_rc, expected '$_want': $(head -n 1 "$_dir/op.err")"
	fi
	# Imported again, the archive is filed whole (the members already
	# there skipped as duplicates).
	if [ -z "$_why" ] && [ "$_op" = import ] && [ "$_st" != applied ]; then
		op_run import "$_v" >"$_dir/im.out" 2>&1 &&
		    _st2=$(state import "$_v" "$_dir") && [ "$_st2" = applied ] ||
		    _why="import run again: $(head -n 2 "$_dir/im.out") state '$_st2'"
	fi
	if [ -z "$_why" ] && [ "$_op" = rekey ]; then
		"$D" -q -V "$_v" rekey >"$_dir/rk.out" 2>&1 &&
		    _left=$(DOSSIER_VAULT="$_v" catsql "$OLD_KEYS_SQL") &&
		    [ "$_left" = 0 ] ||
		    _why="rekey run again: $(head -n 2 "$_dir/rk.out") left '$_left'"
	fi
	if [ -z "$_why" ]; then
		printf 'ok - %s %s %s at %s (exit %s)\n' "$_op" "$_mode" "$_errno" \
		    "$_n" "$_rc"
		echo $_rc >>"$_dir/codes"
	else
		printf 'not ok - %s %s %s at %s\n' "$_op" "$_mode" "$_errno" "$_n"
		printf '%s\n' "$_why" | sed 's/^/# /'
	fi
}

# The harness can fail: a vault damaged beforehand is caught.
mkdir -p "$T/self"
cp -a "$TEMPLATE" "$T/self.keep"
find "$TEMPLATE/objects" -type f | head -n 1 | while read -r f; do
	flip "$f" 60
done
if fpoint search once EIO 1000000 "$T/self" | grep -q '^not ok '; then
	pass "harness: a point fails on a vault damaged beforehand"
else
	fail "harness: a point fails on a vault damaged beforehand"
fi
rm -rf "$TEMPLATE"
mv "$T/self.keep" "$TEMPLATE"

total=0
for op in $OPS; do
	mkdir -p "$T/count/$op"
	cp -a "$TEMPLATE" "$T/count/$op/vault"
	op_run "$op" "$T/count/$op/vault" LD_PRELOAD="$SHIM" \
	    DOSSIER_FAULT_COUNT="$T/count/$op/k" >/dev/null 2>"$T/count/$op/err" \
	    </dev/null
	rc=$?
	k=$(cat "$T/count/$op/k" 2>/dev/null)
	if [ $rc -ne 0 ] || [ -z "$k" ] || [ "$k" -lt 1 ]; then
		fail "$op: counted its I/O calls" "exit $rc, count '$k'"
		continue
	fi
	pass "$op: $k I/O calls"
	for m in $MODES; do
		mode=${m%%:*}
		errno=${m#*:}
		# POINTS points spread over 1..k, the last call included.
		: >"$T/points"
		i=1
		while [ $i -le "$POINTS" ]; do
			echo $(((k * i + POINTS - 1) / POINTS)) >>"$T/points"
			i=$((i + 1))
		done
		sort -n -u "$T/points" -o "$T/points"
		j=0
		while [ $j -lt "$JOBS" ]; do
			mkdir -p "$T/w$j"
			(
				i=0
				while read -r n; do
					[ $((i % JOBS)) -eq $j ] &&
					    fpoint "$op" "$mode" "$errno" "$n" "$T/w$j" \
					    >"$T/res.$op.$mode.$errno.$n" 2>&1
					i=$((i + 1))
				done <"$T/points"
			) &
			j=$((j + 1))
		done
		wait
		while read -r n; do
			cat "$T/res.$op.$mode.$errno.$n"
			total=$((total + 1))
		done <"$T/points"
	done
	NPASS=$((NPASS + $(cat "$T"/res.$op.* | grep -c '^ok ')))
	NFAIL=$((NFAIL + $(cat "$T"/res.$op.* | grep -c '^not ok ')))
done
# Some faults must have failed an operation, or the shim missed them.
failed=$(cat "$T"/w*/codes 2>/dev/null | grep -c -x 1)
if [ "$failed" -gt 0 ]; then
	pass "$failed of $total faulted runs failed cleanly, the others were absorbed"
else
	fail "faults made operations fail" "none of $total failed"
fi
diag "$total fault points in $((($(now_ms) - START) / 1000)) s with $JOBS jobs"

done_testing
