#!/bin/sh
# "dossier show" (human and JSON, with history) and "dossier get" (stdout,
# ID@VERSION, -o FILE, errors).
. "$(dirname "$0")/lib.sh"

D=$DOSSIER
cd "$T" || exit 1
new_vault

# Content: every byte value, chunk boundaries (64 KiB), empty.
"$PY" -c '
import sys
sys.stdout.buffer.write(bytes(range(256)) * 4)' >bytes.bin
head -c 65536 /dev/urandom >c65536.bin
head -c 65537 /dev/urandom >c65537.bin
head -c 65535 /dev/urandom >c65535.bin
head -c 300000 /dev/urandom >big.bin
: >empty.txt
printf '合同正文：甲方张三。\n' >合同.txt
printf '合同正文：甲方张三，乙方李四。\n' >合同-v2.txt

"$D" -q add 合同.txt --title 购房合同 --category 合同 --tag 购房 --tag 2022 \
    --level 秘密 --number HT-2022-0315 --date 2022-03-20 \
    --field customer=张三 --field agent=李四 >/dev/null 2>"$T/err" ||
    fail "set-up: add 合同.txt" "$(cat "$T/err")"
"$D" -q update 1 合同-v2.txt --note '补充乙方' >/dev/null 2>"$T/err" ||
    fail "set-up: update 1" "$(cat "$T/err")"
n=1
for f in bytes.bin c65536.bin c65537.bin c65535.bin big.bin empty.txt; do
	n=$((n + 1))
	"$D" -q add "$f" >/dev/null 2>"$T/err" || fail "set-up: add $f" "$(cat "$T/err")"
done

# --- show --------------------------------------------------------------------
TIMES='s/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z/YYYY-MM-DD hh:mm:ssZ/g'
expect_exit 0 "show ID" "$D" show 1 &&
    MASK=$TIMES expect_out "show: metadata and history as in the golden file" \
	"$EXPECTED/show.txt" &&
    expect_no_err "show: nothing on stderr"
expect_exit 0 "show --json" "$D" --json show 1 &&
    json_check "show --json: the document with its history" "
assert d['id'] == 1 and d['title'] == '购房合同' and d['level'] == 'confidential', d
assert d['version'] == 2 and d['filename'] == '合同-v2.txt', d
h = d['history']
assert [v['version'] for v in h] == [1, 2], h
assert [v['note'] for v in h] == ['', '补充乙方'], h
assert [v['filename'] for v in h] == ['合同.txt', '合同-v2.txt'], h
for v in h:
    for k in ('version', 'size', 'sha256', 'filename', 'added', 'added_by', 'note'):
        assert k in v, (k, v)
assert h[1]['sha256'] == d['sha256'] and h[1]['size'] == d['size'], d
import re
for k in ('created', 'modified'):
    assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', d[k]), d[k]
"
check "show --json: sha256 of version 1 is its content's" test \
    "$(jval 'd["history"][0]["sha256"]')" = "$(sha256sum 合同.txt | cut -d' ' -f1)"
expect_exit 3 "show of an unknown document: exit 3" "$D" show 99 &&
    expect_err_line "show of an unknown document: one line naming it" "99"
expect_exit 2 "show with a bad id: exit 2" "$D" show 1x &&
    expect_usage_err "show with a bad id: usage error"

# --- get to stdout -------------------------------------------------------------
n=1
for f in bytes.bin c65536.bin c65537.bin c65535.bin big.bin empty.txt; do
	n=$((n + 1))
	expect_exit 0 "get $n ($f) to stdout" "$D" get "$n" &&
	    check "get $n: the same bytes as $f" cmp -s "$T/out" "$f" &&
	    expect_no_err "get $n: nothing on stderr"
done
expect_exit 0 "get 1@1" "$D" get 1@1 &&
    check "get 1@1: version 1's bytes" cmp -s "$T/out" 合同.txt
expect_exit 0 "get 1@2" "$D" get 1@2 &&
    check "get 1@2: version 2's bytes" cmp -s "$T/out" 合同-v2.txt
expect_exit 0 "get -o - is stdout" "$D" get -o - 1 &&
    check "get -o -: version 2's bytes" cmp -s "$T/out" 合同-v2.txt

# --- get -o FILE ------------------------------------------------------------------
expect_exit 0 "get -o FILE" "$D" get 6 -o "$T/got.bin" &&
    check "get -o FILE: the file has the bytes" cmp -s "$T/got.bin" big.bin &&
    check "get -o FILE: nothing on stdout" test ! -s "$T/out"
expect_exit 0 "get ID@VERSION --output FILE" "$D" get 1@1 --output "$T/v1.txt" &&
    check "get 1@1 -o: version 1's bytes" cmp -s "$T/v1.txt" 合同.txt
printf 'precious\n' >"$T/exists.txt"
expect_exit 7 "get -o an existing file: exit 7" "$D" get 2 -o "$T/exists.txt" &&
    expect_err_line "get -o an existing file: one line naming it" "exists\.txt"
check "get -o an existing file leaves it alone" \
    test "$(cat "$T/exists.txt")" = precious
run "$D" get 2 -o "$T/nodir/x.bin"
check "get -o into a missing directory fails (exit 1 or 3)" \
    test "$RC" -eq 1 -o "$RC" -eq 3
expect_err_line "get -o into a missing directory: one line" "nodir"
check "get -o into a missing directory creates nothing" test ! -e "$T/nodir"
expect_exit 0 "get --json -o FILE" "$D" --json get 1 -o "$T/j.txt" &&
    json_check "get --json: id, version and path" \
	"assert d['id'] == 1 and d['version'] == 2 and d['path'] == '$T/j.txt', d" &&
    check "get --json -o: the file has the bytes" cmp -s "$T/j.txt" 合同-v2.txt
expect_exit 2 "get --json without -o: exit 2" "$D" --json get 1 &&
    expect_usage_err "get --json without -o: usage error"

# --- get errors ----------------------------------------------------------------------
for bad in abc 1@ @1 1@x 1@0 0 1.5 1@2@3 ' 1' 99999999999999999999; do
	expect_exit 2 "get '$bad': exit 2" "$D" get "$bad" &&
	    expect_usage_err "get '$bad': usage error"
done
expect_exit 2 "get without an id: exit 2" "$D" get &&
    expect_usage_err "get without an id: usage error"
expect_exit 3 "get of an unknown document: exit 3" "$D" get 99 &&
    expect_err_line "get of an unknown document: one line naming it" "99" &&
    check "get of an unknown document: nothing on stdout" test ! -s "$T/out"
expect_exit 3 "get of an unknown version: exit 3" "$D" get 1@3 &&
    expect_err_line "get of an unknown version: one line naming it" "3"
expect_exit 3 "get -o of an unknown document: exit 3" "$D" get 99 -o "$T/none" &&
    check "get -o of an unknown document creates nothing" test ! -e "$T/none"
# --- output that cannot be written --------------------------------------------------
if [ -w /dev/full ]; then
	run sh -c '"$1" get 6 >/dev/full' sh "$D"
	check "get to a full disk: exit 1" test "$RC" -eq 1
	expect_err_line "get to a full disk: one error line"
	run sh -c '"$1" list >/dev/full' sh "$D"
	check "list to a full disk: exit 1" test "$RC" -eq 1
	expect_err_line "list to a full disk: one error line" "standard output"
	run sh -c '"$1" --json show 1 >/dev/full' sh "$D"
	check "show --json to a full disk: exit 1" test "$RC" -eq 1
else
	pass "output to a full disk # SKIP no /dev/full"
fi
tmp_empty "nothing left in tmp/"

done_testing
