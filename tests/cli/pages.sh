#!/bin/sh
# A flipped byte in any page of the catalog (dossier.db, encrypted page by
# page) is damage: verify exits 6 naming the file, and a command reading
# the catalog either gives exactly what it gave before or exits 6 naming
# it; never wrong data.  The same for a page in the catalog's WAL.  (The
# indexes: tests/cli/search.sh.)
. "$(dirname "$0")/lib.sh"

D=$DOSSIER
cd "$T" || exit 1
new_vault
V=$DOSSIER_VAULT
i=1
while [ $i -le 12 ]; do
	printf '第%s份合同 HT-2022-%04d 客户档案\n' "$i" "$i" >"$T/f$i.txt"
	i=$((i + 1))
done
expect_exit 0 "file twelve documents" "$D" -q add "$T"/f*.txt --category 合同 \
    --tag 测试
expect_exit 0 "rm and purge one (free pages)" "$D" -q rm 3 --reason 过期
expect_exit 0 "...purged" "$D" -q purge 3 --reason 销毁
# Everything in the main file: the WAL emptied into it.
catsql "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
check "set-up: the WAL is empty" test ! -s "$V/dossier.db-wal"
expect_exit 0 "the list before any damage" "$D" --json list
cp "$T/out" "$T/list.good"
cp -a "$V" "$T/pristine"
size=$(wc -c <"$V/dossier.db")
npages=$((size / 4096))
check "set-up: the catalog is whole pages ($npages)" \
    test $((npages * 4096)) -eq "$size" -a "$npages" -ge 8

p=0
bad=0
while [ $p -lt "$npages" ]; do
	rm -rf "$V"
	cp -a "$T/pristine" "$V"
	# A byte inside the page's data, its nonce or its tag, by turns.
	case $((p % 3)) in
	0) off=$((p * 4096 + 100 + (p * 37) % 3900)) ;;
	1) off=$((p * 4096 + 4096 - 28 + p % 12)) ;;
	2) off=$((p * 4096 + 4096 - 16 + p % 16)) ;;
	esac
	flip "$V/dossier.db" $off
	"$D" verify >"$T/v.out" 2>"$T/v.err"
	vrc=$?
	if [ $vrc -ne 6 ] || ! grep -q "dossier.db" "$T/v.out" "$T/v.err"; then
		fail "page $((p + 1)): verify exits 6 naming dossier.db" \
		    "exit $vrc: $(head -c 300 "$T/v.out" "$T/v.err")"
		bad=$((bad + 1))
	fi
	"$D" --json list >"$T/l.out" 2>"$T/l.err"
	lrc=$?
	if [ $lrc -eq 0 ]; then
		cmp -s "$T/l.out" "$T/list.good" || {
			fail "page $((p + 1)): list gave different data"
			bad=$((bad + 1))
		}
	elif [ $lrc -ne 6 ] || ! grep -q "dossier.db" "$T/l.err"; then
		fail "page $((p + 1)): list exits 0 (same data) or 6 naming dossier.db" \
		    "exit $lrc: $(cat "$T/l.err")"
		bad=$((bad + 1))
	fi
	p=$((p + 1))
done
[ $bad -eq 0 ] &&
    pass "each of the $npages pages flipped: verify exits 6 naming dossier.db, list gives the same data or exits 6"

# A frame in the WAL: the next reader refuses it.
rm -rf "$V"
cp -a "$T/pristine" "$V"
CATSQL_KEEP_WAL=1 catsql "UPDATE document SET date = '2020-01-01' WHERE id = 1;"
check "set-up: a write left in the WAL" test -s "$V/dossier.db-wal"
flip "$V/dossier.db-wal" $((32 + 24 + 500))
rm -f "$V/dossier.db-shm"
expect_exit 6 "a flipped byte in the WAL's first frame: list exits 6" \
    "$D" list &&
    expect_err_line "...naming the catalog" "dossier.db"
done_testing
