#!/bin/sh
# Makes the seed corpora of the fuzz targets, fixtures/fuzz/NAME/ (see
# tests/fuzz/): the extractor and import fixtures, a small full and
# incremental backup of a fresh vault with its manifest, witness and an
# object, and hand-written inputs for the other parsers.  Run from a
# built tree:  sh scripts/make-fuzz-seeds.sh [BUILD]   (default build/rel)
# Crashers found by make fuzz are added to the same directories by hand,
# named crash-WHAT, and stay as regression inputs.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build/rel}
D=$top/$build/dossier
F=$top/fixtures/fuzz
X=$top/fixtures/extract
I=$top/fixtures/import
[ -x "$D" ] || { echo "make-fuzz-seeds: build $build first" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dossier-seeds.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

seed() { # NAME FILE...: copies the files into fixtures/fuzz/NAME/
	_n=$1
	shift
	mkdir -p "$F/$_n"
	cp "$@" "$F/$_n/"
}
put() { # NAME SEED: writes stdin as fixtures/fuzz/NAME/SEED
	mkdir -p "$F/$1"
	cat >"$F/$1/$2"
}

rm -rf "$F"
seed extract_txt "$X/utf8.txt" "$X/gbk.txt" "$X/utf16le.txt" \
    "$X/utf16be.txt" "$X/utf8-bom.md" "$X/table.csv"
seed extract_html "$X/page.html" "$X/gbk.html" "$X/gbk-nometa.html"
seed extract_ooxml "$X/contract.docx" "$X/ledger.xlsx" "$X/deck.pptx" \
    "$X/deep.docx" "$X/truncated.docx" "$X/really-docx.txt"
seed extract_odf "$X/contract.odt" "$X/ledger.ods" "$X/deck.odp" \
    "$X/deep.odt" "$X/secret.odt"
seed extract_pdf "$X/invoice.pdf" "$X/contract-cid.pdf" "$X/scan.pdf" \
    "$X/truncated.pdf" "$X/really-text.pdf"
seed extract_eml "$X/mail-forward.eml" "$X/mail-gb2312.eml"
seed import "$I/gbk.zip" "$I/zipslip.zip" "$I/traversal.tar" \
    "$I/symlink.tar" "$I/hardlink.tar" "$I/device.tar" "$X/plain.zip"
mkdir -p "$tmp/tree/合同"
printf '采购合同 HT-2022-0315\n' >"$tmp/tree/合同/采购.txt"
printf 'notes\n' >"$tmp/tree/readme.txt"
(cd "$tmp/tree" && bsdtar -czf "$F/import/tree.tar.gz" . &&
    bsdtar --zstd -cf "$F/import/tree.tar.zst" . &&
    bsdtar --format ustar -cf "$F/import/tree.tar" .)

# A vault of one clerk's two documents, then a full and an incremental
# backup of it.
export DOSSIER_VAULT="$tmp/v" DOSSIER_USER=admin
export DOSSIER_PASSPHRASE='fuzz seed passphrase, not secret'
"$D" init "$tmp/v" >/dev/null
printf '维修合同 HT-2022-0315 甲方 乙方\n' >"$tmp/a.txt"
"$D" add --category 合同 --tag 客户 "$tmp/a.txt" >/dev/null
"$D" backup create "$tmp/full.tar" >/dev/null
printf '客户档案 张三\n' >"$tmp/b.txt"
"$D" add --level internal "$tmp/b.txt" >/dev/null
"$D" backup create --since "$tmp/full.tar" "$tmp/incr.tar" >/dev/null
seed backup "$tmp/full.tar" "$tmp/incr.tar"
bsdtar -xOf "$tmp/full.tar" dossier-backup.json | put manifest full.json
bsdtar -xOf "$tmp/incr.tar" dossier-backup.json | put manifest incr.json
seed witness "$tmp/v/audit.witness"
head -c 100 "$tmp/v/audit.witness" | put witness torn
obj=$(find "$tmp/v/objects" -type f | head -n 1)
{ printf '\000'; cat "$obj"; } | put object raw
printf '\001维修合同 HT-2022-0315\n' | put object plain
head -c 70000 /dev/urandom | { printf '\001'; cat; } | put object chunks
printf '\002\000\000\000\054\001采购合同\n' | put object flip

i=0
while [ $i -lt 8 ]; do
	printf "\\$(printf '%03o' $i)"'\000\020\001 a blob of some bytes' |
	    put keys "mode$i"
	i=$((i + 1))
done

q=0
for s in '合同' '合同 维修 客户' 'HT-2022-0315' 'ＨＴ－２０２２－０３１５' \
    'title:合同' '标题：合同' '编号:HT-2022' '-草稿 合同' 'contr*' \
    '"甲方 乙方"' '合同 OR 协议' '客户:张三' '档' '１２３４５' '++' \
    '合同 NOT 草稿' 'tag:客户 -tag:旧' '(合同)' '合同*' ':' '""'; do
	printf '%s' "$s" | put query "q$q"
	q=$((q + 1))
done

printf '\000{"title":"采购合同","category":"合同","number":"HT-2022-0315","date":"2022-03-15","delete_reason":"","tags":["客户","采购"],"fields":{"客户":"张三","金额":"12345"}}' |
    put docmeta doc
printf '\000{"title":"","tags":[],"fields":{}}' | put docmeta doc-empty
printf '\001{"filename":"采购.docx","type":"docx","sha256":"%064d","note":"初稿","no_text":""}' 0 |
    put docmeta version
printf '\002{"path":"/tmp/a.txt","reason":"误存","ids":"1,2"}' |
    put docmeta detail
du -sh "$F"
