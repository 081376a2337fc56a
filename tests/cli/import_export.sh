#!/bin/sh
# import: archives made by real tools (zip, bsdtar, tar with gzip and
# zstd, python's zipfile with names in CP936 as Chinese Windows writes
# them) and a folder are filed with folders as categories; duplicates are
# skipped and reported; hostile archives (path traversal, absolute names,
# links, devices, a zip bomb, too many members, an unsupported format)
# are refused with exit 8 and nothing is filed from them.
# export: a plain zip or tar with manifest.json, only for users allowed
# to export every document named, recorded with every id.
. "$(dirname "$0")/lib.sh"

D=$DOSSIER
cd "$T" || exit 1
new_vault
mkdir -p src/合同/2022 src/客户档案
printf '购房合同 HT-2022-0315 甲方乙方\n' >src/合同/2022/购房合同.txt
printf '客户档案 张三 13800000001\n' >src/客户档案/张三.txt
printf '根目录的说明\n' >src/说明.txt
(cd src && zip -q -r ../a.zip . && bsdtar -cf ../a.tar . &&
    tar -czf ../a.tar.gz . && tar --zstd -cf ../a.tar.zst .) ||
    fail "set-up: archives made by zip, bsdtar and tar"
count() { "$D" --json list | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }

expect_exit 0 "import a zip made by zip" "$D" import a.zip
check "...three documents" test "$(count)" = 3
expect_exit 0 "...folders became categories" "$D" --json list --category 合同/2022
json_check "...合同/2022 holds the contract" "
assert [x['title'] for x in d['documents']] == ['购房合同'], d
"
expect_exit 0 "...and the search finds its number" "$D" --json search HT-2022-0315
json_check "...in it" "assert [h['title'] for h in d['hits']] == ['购房合同'], d"
for f in a.tar a.tar.gz a.tar.zst; do
	expect_exit 0 "import $f: everything a duplicate" "$D" import "$f" &&
	    check "...reported as skipped" grep -q "3 duplicates skipped" "$T/err"
done
check "...still three documents" test "$(count)" = 3
expect_exit 0 "import a folder, with a level and a tag" "$D" import src \
    --level 秘密 --tag 导入 --allow-duplicate
check "...three more" test "$(count)" = 6
expect_exit 0 "...at 秘密 with the tag" "$D" --json list --tag 导入
json_check "...all three" "
assert d['total'] == 3 and all(x['level'] == 'confidential' for x in d['documents']), d
"

# Names in CP936 (GBK) without the UTF-8 flag, as Chinese Windows writes
# (fixtures/import, made by scripts/make-import-fixtures.sh).
FX=$TOP/fixtures/import
cp "$FX"/*.zip "$FX"/*.tar "$FX"/x.7z .
expect_exit 0 "import a zip with CP936 names" "$D" import gbk.zip
expect_exit 0 "...names decoded" "$D" --json list --category 报告
json_check "...年度总结 under 报告" "
assert [x['title'] for x in d['documents']] == ['年度总结'], d
"
expect_exit 0 "...and the nested folder" "$D" --json list --category 报告/二〇二二
json_check "...季度 under 报告/二〇二二" "assert d['total'] == 1, d"

# --- hostile archives: exit 8, nothing filed ----------------------------
# The small ones are fixtures (copied above); the large ones are made here.
"$PY" - <<'PY'
import zipfile
with zipfile.ZipFile('bomb.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('好文件.txt', '正常文件 不应被导入\n')
    z.writestr('zeros.bin', b'\0' * (200 * 1024 * 1024))
with zipfile.ZipFile('many.zip', 'w') as z:
    for i in range(100001):
        z.writestr("f%06d" % i, "")
PY
before=$(count)
for a in traversal.tar absolute.tar symlink.tar hardlink.tar device.tar \
    fifo.tar bomb.zip many.zip zipslip.zip fake.zip x.7z; do
	expect_exit 8 "hostile or unsupported: $a: exit 8" "$D" import "$a" &&
	    expect_err_line "...one line naming it" "$a"
done
check "nothing was filed from any of them" test "$(count)" = "$before"
check "nothing was written outside" \
    test ! -e "$T/../evil.txt" -a ! -e /tmp/dossier-evil-abs.txt
expect_exit 3 "import of a missing archive: exit 3" "$D" import nope.zip

# --- export -------------------------------------------------------------
HT=$("$D" --json list --category 合同/2022 | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["documents"][-1]["id"])')
RP=$("$D" --json list --category 报告 | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["documents"][-1]["id"])')
expect_exit 0 "export two documents as a zip" "$D" export -o out.zip "$HT" "$RP"
mkdir x && (cd x && unzip -q ../out.zip) || fail "unzip the export"
check "...the contract, byte for byte" \
    cmp -s "x/$HT-购房合同.txt" src/合同/2022/购房合同.txt
"$PY" - x/manifest.json src/合同/2022/购房合同.txt "$HT" "$RP" <<'PY' >"$T/py.out" 2>&1
import hashlib, json, sys
m = json.load(open(sys.argv[1]))
ht = int(sys.argv[3])
d = {x['id']: x for x in m['documents']}
assert sorted(d) == sorted({ht, int(sys.argv[4])}), m
assert d[ht]['title'] == '购房合同' and d[ht]['level'] == 'internal', d[ht]
assert d[ht]['sha256'] == hashlib.sha256(open(sys.argv[2], 'rb').read()).hexdigest()
assert m['exported_by'] == 'alice', m
PY
check "...manifest with ids, titles, levels, SHA-256s" test $? -eq 0 || cat "$T/py.out"
expect_exit 0 "export a category as a tar" "$D" export -o cat.tar --category 报告
check "...manifest first, then the document" \
    test "$(tar tf cat.tar | head -n 1)" = manifest.json -a \
    "$(tar tf cat.tar | grep -c 年度总结)" = 1
expect_exit 0 "export what a search finds" "$D" --json export -o q.zip --query 张三
json_check "...both copies of 张三's file" "assert d['documents'] == 2, d"
expect_exit 7 "export over an existing file: exit 7" "$D" export -o out.zip 1
expect_exit 2 "export to another format: exit 2" "$D" export -o out.7z 1
expect_exit 3 "export of a missing document: exit 3, nothing written" \
    "$D" export -o none.zip 1 999
check "...no file" test ! -e none.zip
expect_exit 0 "a viewer (read, no export)" "$D" user add vic --role viewer
OT=$(sed -n 's/^one-time passphrase: //p' "$T/out")
expect_exit 0 "...sets a passphrase" env DOSSIER_USER=vic DOSSIER_PASSPHRASE="$OT" \
    DOSSIER_NEW_PASSPHRASE="$PASS-vic" "$D" user passwd
expect_exit 5 "...cannot export: exit 5" env DOSSIER_USER=vic \
    DOSSIER_PASSPHRASE="$PASS-vic" "$D" export -o vic.zip 1 &&
    expect_err_line "...naming the permission" "export"
check "...no file" test ! -e vic.zip
expect_exit 0 "exports are in the audit log with every id" "$D" --json audit log \
    --action export
json_check "...the first names both documents" "
e = [x for x in d['entries'] if x['outcome'] == 'allowed']
assert 'documents=$HT,$RP' in e[0]['detail'], e[0]
assert any(x['outcome'] == 'denied' and x['user'] == 'vic' for x in d['entries']), d
"
done_testing
