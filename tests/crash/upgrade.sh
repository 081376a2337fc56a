#!/bin/sh
# "dossier upgrade" killed with SIGKILL just before its N-th file-changing
# call (tests/crash/killshim.c), for N = 1..K or a stride of it, on copies
# of fixtures/upgrade/vault-v1.  After each kill the vault is either the
# old one (format 1: refused with "run 'dossier upgrade'", and an upgrade
# run again succeeds) or the new one (usable as it is).  Either way, once
# upgraded: verify --read-data and audit verify pass, both documents and
# both users are there, the catalog is not plain SQLite, nothing of the
# upgrade is left over.  (The upgrade's own record: tests/cli/upgrade.sh.)  One "ok - upgrade kill N" line per point.
#
# Environment: DOSSIER, DOSSIER_BUILD; DOSSIER_UPGRADE_POINTS (default
# 12, plus the six calls before the last) bounds the number of points; DOSSIER_CRASH_JOBS as in crash.sh.
. "$(dirname "$0")/../cli/lib.sh"

. "$(dirname "$0")/points.inc"
MAXPOINTS=${DOSSIER_UPGRADE_POINTS:-12}
# As a clone of the repository has it (git keeps no empty tmp/), on
# every machine.
FIXTURE=$T/vault-v1
cp -a "$TOP/fixtures/upgrade/vault-v1" "$FIXTURE" && rm -rf "$FIXTURE/tmp"
export DOSSIER_USER=admin DOSSIER_PASSPHRASE='upgrade fixture passphrase'
LIN_PASS='lin fixture passphrase'
# The documents of the fixture (fixtures/upgrade/README.md).
SHA_1=$(printf '旧格式合同 HT-2020-0001 升级测试\n' | sha256sum | cut -d' ' -f1)

# is_old VAULT: still format 1, whole?
is_old() {
	grep -q '^dossier vault format 1$' "$1/VERSION" &&
	    head -c 15 "$1/dossier.db" | grep -q '^SQLite format 3'
}

# check_new VAULT DIR: the upgraded vault is whole; explains on stdout.
check_new() {
	_v=$1
	_d=$2
	"$D" -V "$_v" verify --read-data >"$_d/v.out" 2>&1 ||
	    { echo "verify --read-data: $(head -n 3 "$_d/v.out")"; return 1; }
	"$D" -V "$_v" audit verify >"$_d/a.out" 2>&1 ||
	    { echo "audit verify: $(head -n 2 "$_d/a.out")"; return 1; }
	"$D" -V "$_v" --json list >"$_d/l.json" 2>"$_d/l.err" ||
	    { echo "list: $(cat "$_d/l.err")"; return 1; }
	"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
ids = sorted(o["id"] for o in d["documents"])
assert ids == [1, 2], ids
one = [o for o in d["documents"] if o["id"] == 1][0]
assert one["sha256"] == sys.argv[2] and one["category"] == "合同", one
' "$_d/l.json" "$SHA_1" >"$_d/py.err" 2>&1 ||
	    { echo "documents: $(tail -n 1 "$_d/py.err")"; return 1; }
	DOSSIER_USER=lin DOSSIER_PASSPHRASE="$LIN_PASS" "$D" -V "$_v" list \
	    >/dev/null 2>"$_d/lin.err" ||
	    { echo "lin cannot list: $(cat "$_d/lin.err")"; return 1; }
	if head -c 15 "$_v/dossier.db" | grep -q '^SQLite format 3'; then
		echo "the catalog is plain SQLite"
		return 1
	fi
	grep -q '^dossier vault format 2$' "$_v/VERSION" ||
	    { echo "VERSION: $(cat "$_v/VERSION")"; return 1; }
	[ ! -e "$_v/upgrade" ] || { echo "upgrade/ left over"; return 1; }
	return 0
}

# point N DIR [MODE ERRNO]: one kill point or, with MODE, one faulted
# run (tests/crash/fault.sh); prints one TAP line; appends the state.
point() {
	_n=$1
	_dir=$2
	_v=$_dir/vault
	_why=
	rm -rf "$_v"
	cp -a "$FIXTURE" "$_v"
	if [ -z "${3:-}" ]; then
		_what="kill $_n"
		env LD_PRELOAD="$SHIM" DOSSIER_KILL_AT="$_n" "$D" -q -V "$_v" \
		    upgrade >"$_dir/op.out" 2>"$_dir/op.err" </dev/null
		_rc=$?
		if [ $_rc -ne 137 ] && [ $_rc -ne 0 ]; then
			_why="the killed run exited $_rc, not 137 or 0: $(head -n 2 "$_dir/op.err")"
		fi
	else
		_what="$3 $4 at $_n"
		env LD_PRELOAD="$SHIM" DOSSIER_FAULT_AT="$_n" \
		    DOSSIER_FAULT_MODE="$3" DOSSIER_FAULT_ERRNO="$4" "$D" -q \
		    -V "$_v" upgrade >"$_dir/op.out" 2>"$_dir/op.err" </dev/null
		_rc=$?
		if [ $_rc -ne 0 ] && [ $_rc -ne 1 ]; then
			_why="exit $_rc, not 0 or 1: $(head -n 3 "$_dir/op.err")"
		elif [ $_rc -eq 1 ] && { [ "$(wc -l <"$_dir/op.err")" -ne 1 ] ||
		    ! grep -q '^dossier: ' "$_dir/op.err"; }; then
			_why="not one 'dossier: ' line: $(head -n 3 "$_dir/op.err")"
		fi
	fi
	_st=
	if [ -z "$_why" ]; then
		if is_old "$_v"; then
			_st=old
			"$D" -V "$_v" list >/dev/null 2>"$_dir/old.err"
			_lrc=$?
			if [ $_lrc -ne 1 ] || ! grep -q "run 'dossier upgrade'" "$_dir/old.err"; then
				_why="the old vault is not refused as such: exit $_lrc $(cat "$_dir/old.err")"
			fi
		else
			_st=new
			# Usable as it is, before any upgrade run again.
			"$D" -V "$_v" list >/dev/null 2>"$_dir/new.err" ||
			    _why="the new vault does not open: $(cat "$_dir/new.err")"
		fi
	fi
	if [ -z "$_why" ]; then
		"$D" -q -V "$_v" upgrade >"$_dir/up2.out" 2>&1 ||
		    _why="upgrade run again: $(head -n 2 "$_dir/up2.out")"
	fi
	[ -z "$_why" ] && _why=$(check_new "$_v" "$_dir")
	if [ -z "$_why" ]; then
		printf 'ok - upgrade %s (%s, exit %s)\n' "$_what" "$_st" "$_rc"
		echo "$_st" >>"$_dir/states"
	else
		printf 'not ok - upgrade %s\n' "$_what"
		printf '%s\n' "$_why" | sed 's/^/# /'
		echo failed >>"$_dir/states"
	fi
}

# The check can fail: a vault upgraded and then damaged is caught.
mkdir -p "$T/self"
cp -a "$FIXTURE" "$T/self/vault"
"$D" -q -V "$T/self/vault" upgrade >/dev/null 2>&1
flip "$T/self/vault/dossier.db" 5000
if check_new "$T/self/vault" "$T/self" >/dev/null; then
	fail "harness: a damaged upgraded catalog fails the check"
else
	pass "harness: a damaged upgraded catalog fails the check"
fi

mkdir -p "$T/count"
cp -a "$FIXTURE" "$T/count/vault"
env LD_PRELOAD="$SHIM" DOSSIER_KILL_COUNT="$T/count/k" "$D" -q \
    -V "$T/count/vault" upgrade >/dev/null 2>"$T/count/err" </dev/null
rc=$?
k=$(cat "$T/count/k" 2>/dev/null)
if [ $rc -ne 0 ] || [ -z "$k" ] || [ "$k" -lt 1 ]; then
	fail "upgrade: counted its file-changing calls" "exit $rc, count '$k'" \
	    "$(head -n 3 "$T/count/err")"
	done_testing
fi
pass "upgrade: $k file-changing calls"

stride=$(((k + MAXPOINTS - 1) / MAXPOINTS))
# The last calls (the switch and after) are where the format changes.
points_list "$k" "$stride" 6
points_run upgrade point
cat "$T"/w*/states >"$T/states"
old=$(grep -c -x old "$T/states")
new=$(grep -c -x new "$T/states")
if [ "$old" -gt 0 ] && [ "$new" -gt 0 ]; then
	pass "kills left the old vault ($old) and the new one ($new)"
else
	fail "kills left the old vault ($old) and the new one ($new)" \
	    "expected both among the kill points"
fi

# I/O faults as in fault.sh, FAULTS points per mode over the upgrade's
# I/O calls (the last one included): a clear error or a finished upgrade,
# and the old or the new vault, whole, which an upgrade run again takes
# to the end.
FAULTS=${DOSSIER_UPGRADE_FAULTS:-2}
fault_point() { point "$3" "$4" "$1" "$2"; } # MODE ERRNO N DIR
mkdir -p "$T/fcount"
cp -a "$FIXTURE" "$T/fcount/vault"
env LD_PRELOAD="$SHIM" DOSSIER_FAULT_COUNT="$T/fcount/k" "$D" -q \
    -V "$T/fcount/vault" upgrade >/dev/null 2>&1 </dev/null
k=$(cat "$T/fcount/k" 2>/dev/null)
if [ -z "$k" ] || [ "$k" -lt 1 ]; then
	fail "upgrade: counted its I/O calls" "count '$k'"
	done_testing
fi
pass "upgrade: $k I/O calls"
for m in once:EIO always:EIO always:ENOSPC short:EIO sync:EIO; do
	: >"$T/points"
	i=1
	while [ $i -le "$FAULTS" ]; do
		echo $(((k * i + FAULTS - 1) / FAULTS)) >>"$T/points"
		i=$((i + 1))
	done
	sort -n -u "$T/points" -o "$T/points"
	rm -f "$T"/res.upgrade.*
	points_run upgrade fault_point "${m%%:*}" "${m#*:}"
done
done_testing
