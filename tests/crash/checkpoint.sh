#!/bin/sh
# Kills during WAL checkpoints.  A vault's catalog is left with a WAL of
# committed frames (an insider's write made with the catalog key and no
# checkpoint: tests/tools/catsql with CATSQL_KEEP_WAL), and "dossier list"
# (which appends its audit record, then checkpoints the WAL into
# dossier.db when it closes the catalog) is killed with SIGKILL before
# its N-th file-changing call, for every N or a stride of it.  After each
# kill: verify --read-data and audit verify pass, and the committed write
# is there, whole (every document carries the new date).  One
# "ok - checkpoint kill N" line per point.
#
# Environment: DOSSIER, DOSSIER_BUILD; DOSSIER_CHECKPOINT_POINTS (default
# 24) bounds the number of points; DOSSIER_CRASH_JOBS as in crash.sh.
. "$(dirname "$0")/../cli/lib.sh"

. "$(dirname "$0")/points.inc"
MAXPOINTS=${DOSSIER_CHECKPOINT_POINTS:-24}
NDOCS=40

TEMPLATE=$T/template
mkdir "$T/in"
i=1
while [ $i -le $NDOCS ]; do
	printf '第%s份档案 检查点测试\n' "$i" >"$T/in/f$i.txt"
	i=$((i + 1))
done
"$D" -q init "$TEMPLATE" >/dev/null &&
    "$D" -q -V "$TEMPLATE" add "$T/in"/f*.txt --category 检查点 >/dev/null ||
    { fail "set-up: a vault of $NDOCS documents"; done_testing; }
# The write the checkpoints carry: every document's list date.
DOSSIER_VAULT=$TEMPLATE CATSQL_KEEP_WAL=1 catsql \
    "UPDATE document SET date = '2001-02-03';" >/dev/null
rm -f "$TEMPLATE/dossier.db-shm"
wal=$(wc -c <"$TEMPLATE/dossier.db-wal" 2>/dev/null || echo 0)
check "set-up: $NDOCS documents, a write of every row left in the WAL ($wal bytes)" \
    test "$wal" -gt 8192

# dated VAULT: how many documents carry the date written.
dated() {
	"$D" -V "$1" --json list --since 2001-02-03 --until 2001-02-03 2>/dev/null |
	    "$PY" -c 'import json,sys; print(json.load(sys.stdin)["total"])' 2>/dev/null
}
check "set-up: the write is visible before any checkpoint" \
    test "$(cp -a "$TEMPLATE" "$T/peek" && dated "$T/peek")" = $NDOCS

point() {
	_n=$1
	_dir=$2
	_v=$_dir/vault
	_why=
	rm -rf "$_v"
	cp -a "$TEMPLATE" "$_v"
	env LD_PRELOAD="$SHIM" DOSSIER_KILL_AT="$_n" "$D" -q -V "$_v" list \
	    >"$_dir/op.out" 2>"$_dir/op.err" </dev/null
	_rc=$?
	if [ $_rc -ne 137 ] && [ $_rc -ne 0 ]; then
		_why="the killed run exited $_rc: $(head -n 2 "$_dir/op.err")"
	fi
	if [ -z "$_why" ] && ! "$D" -V "$_v" verify --read-data >"$_dir/v.out" 2>&1; then
		_why="verify --read-data: $(head -n 3 "$_dir/v.out")"
	fi
	if [ -z "$_why" ] && ! "$D" -V "$_v" audit verify >"$_dir/a.out" 2>&1; then
		_why="audit verify: $(head -n 2 "$_dir/a.out")"
	fi
	if [ -z "$_why" ]; then
		_got=$(dated "$_v")
		[ "$_got" = $NDOCS ] ||
		    _why="$_got of $NDOCS documents carry the committed write"
	fi
	if [ -z "$_why" ]; then
		printf 'ok - checkpoint kill %s%s\n' "$_n" \
		    "$([ $_rc -eq 0 ] && echo ' (not killed)')"
	else
		printf 'not ok - checkpoint kill %s\n' "$_n"
		printf '%s\n' "$_why" | sed 's/^/# /'
	fi
}

mkdir -p "$T/count"
cp -a "$TEMPLATE" "$T/count/vault"
env LD_PRELOAD="$SHIM" DOSSIER_KILL_COUNT="$T/count/k" "$D" -q \
    -V "$T/count/vault" list >/dev/null 2>"$T/count/err" </dev/null
rc=$?
k=$(cat "$T/count/k" 2>/dev/null)
if [ $rc -ne 0 ] || [ -z "$k" ] || [ "$k" -lt 1 ]; then
	fail "list: counted its file-changing calls" "exit $rc, count '$k'"
	done_testing
fi
check "the completed run checkpointed the WAL into dossier.db" \
    test ! -s "$T/count/vault/dossier.db-wal"
pass "list with a WAL to checkpoint: $k file-changing calls"

stride=$(((k + MAXPOINTS - 1) / MAXPOINTS))
points_list "$k" "$stride" 0
points_run checkpoint point
done_testing
