#!/bin/sh
# dossier search end to end: real formats filed, found by what clerks type,
# ranked, hidden from those who may not read, following update, meta, rm,
# restore and purge; the index files hold no text.
set -u
: "${DOSSIER:?}"
top=$(cd "$(dirname "$0")/../.." && pwd)
fx=$top/fixtures/extract
t=$(mktemp -d "${TMPDIR:-/tmp}/dossier-search.XXXXXX")
trap 'rm -rf "$t"' EXIT
export DOSSIER_VAULT="$t/v" DOSSIER_USER=admin LC_ALL=C.UTF-8
export DOSSIER_PASSPHRASE='search test passphrase' DOSSIER_NEW_PASSPHRASE='search test passphrase'
D=$DOSSIER
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
no() { n=$((n + 1)); echo "not ok $n - $1"; [ -s "$t/err" ] && sed 's/^/# /' "$t/err"; }

# ids QUERY [options]: the ids of the hits, space-separated, in order.
ids() {
	"$D" --json search "$@" 2>"$t/err" | python3 -c '
import json, sys
print(" ".join(str(h["id"]) for h in json.load(sys.stdin)["hits"]))'
}
expect_ids() { # name want query [options]
	name=$1 want=$2
	shift 2
	got=$(ids "$@")
	if [ "$got" = "$want" ]; then ok "$name"; else no "$name: got '$got', want '$want'"; fi
}

"$D" init "$t/v" --admin admin >/dev/null 2>"$t/err" || no "init"
printf '本合同编号HT-2099-0777，签章见第3页。\n' >"$t/a.txt"
"$D" add "$t/a.txt" --title 购房合同 >/dev/null               # 1
"$D" add "$fx/contract.docx" --title 租赁协议 >/dev/null       # 2
"$D" add "$fx/contract-cid.pdf" --title 扫描合同 >/dev/null    # 3
"$D" add "$fx/gbk.txt" --title 客户名单 >/dev/null             # 4
"$D" add "$fx/contract.odt" --title 文档 --level secret >/dev/null  # 5
"$D" add "$fx/page.html" --title 网页 >/dev/null               # 6

# What clerks type.  Each id must be one that contains the text.
got=$(ids 合同)
case " $got " in *" 1 "*) ok "合同 finds the txt" ;; *) no "合同 finds the txt: $got" ;; esac
case " $got " in *" 2 "*) ok "合同 finds the docx" ;; *) no "合同 finds the docx: $got" ;; esac
case " $got " in *" 3 "*) ok "合同 finds the CID-font pdf" ;; *) no "合同 finds the pdf: $got" ;; esac
expect_ids "a title match ranks first" "1" title:购房合同
expect_ids "one character" "1" 章
expect_ids "a contract number" "1" HT-2099-0777
expect_ids "a full-width number" "1" "ＨＴ－２０９９－０７７７"
expect_ids "a number is a whole word: 2099 alone" "1" 2099
expect_ids "not a part of a word: 209" "" 209
expect_ids "level filter" "5" HT-2022-0315 --level secret
expect_ids "type filter" "2" 合同 --type docx

# JSON shape: one document, matches inside the snippet.
"$D" --json search 章 >"$t/out" 2>"$t/err"
if python3 - "$t/out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
h = j["hits"][0]
s, e = h["matches"][0]
assert j["query"] == "章" and j["total"] == 1
assert h["snippet"][s:e] == "章", h
assert set(h) >= {"id", "version", "title", "level", "score", "snippet", "matches"}
PY
then ok "search --json: the match offsets mark exactly 章"; else no "search --json shape"; fi

# Queries that look like syntax still search.
for q in 'C++' '客户:张三' '"未闭合' '-' 'OR OR'; do
	"$D" search "$q" >/dev/null 2>"$t/err"
	st=$?
	if [ $st -eq 0 ] || [ $st -eq 2 ]; then ok "query '$q' exits $st, no SQL error"; else no "query '$q' exits $st"; fi
done
"$D" search '，，' >/dev/null 2>"$t/err"
[ $? -eq 2 ] && ok "punctuation only: exit 2" || no "punctuation only"

# update re-indexes; meta changes the title; rm hides; restore; purge.
printf '维修记录，不再是那份文件。\n' >"$t/b.txt"
"$D" update 1 "$t/b.txt" >/dev/null 2>"$t/err"
expect_ids "update: the new text is found" "1" 维修记录
expect_ids "update: the old text is gone" "" 签章
"$D" meta 1 --title 新标题甲乙 >/dev/null 2>"$t/err"
expect_ids "meta: the new title is found" "1" 新标题甲乙
"$D" rm 1 --reason test >/dev/null 2>"$t/err"
expect_ids "rm: hidden from search" "" 维修记录
"$D" restore 1 >/dev/null 2>"$t/err"
expect_ids "restore: found again" "1" 维修记录
"$D" purge 1 --reason test >/dev/null 2>"$t/err"
expect_ids "purge: gone" "" 维修记录

# An exact document number ranks first, whatever the width typed, above
# documents that only mention it, however often.
printf 'HT-2030-0001 HT-2030-0001 HT-2030-0001 见合同HT-2030-0001。\n' >"$t/m1.txt"
printf '另见 HT-2030-0001，HT-2030-0001。\n' >"$t/m2.txt"
printf '租赁合同正文一份。编号见封面。HT 2030 0001\n' >"$t/m3.txt"
m1=$("$D" add "$t/m1.txt" | cut -f1)
m2=$("$D" add "$t/m2.txt" | cut -f1)
m3=$("$D" add "$t/m3.txt" --number 'ＨＴ－２０３０－０００１' --category 合同 | cut -f1)
expect_ids "exact number first" "$m3 $m1 $m2" HT-2030-0001
expect_ids "exact number first, full-width typed" "$m3 $m1 $m2" 'ＨＴ２０３０－０００１'
expect_ids "category filter" "$m3" HT-2030-0001 --category 合同
expect_ids "category filter, nothing there" "" HT-2030-0001 --category 发票

# A long filing commits in batches: a duplicate in the middle of 300 files
# is refused alone, every other file is filed and found.
mkdir "$t/many"
i=0
while [ $i -lt 300 ]; do
	printf '批量文件%03d 档案整理 编号PL-%04d\n' $((i == 150 ? 149 : i)) \
	    $((i == 150 ? 149 : i)) >"$t/many/f$(printf %03d $i).txt"
	i=$((i + 1))
done
"$D" add -r "$t/many" >"$t/out" 2>"$t/err"
st=$?
[ $st -eq 7 ] && ok "add -r with one duplicate: exit 7" || no "add -r duplicate: exit $st"
[ "$(wc -l <"$t/out")" -eq 299 ] && ok "add -r: 299 filed" || no "add -r filed $(wc -l <"$t/out")"
grep -q "f150.txt' is a duplicate of document" "$t/err" && ok "add -r: the duplicate is named" || no "duplicate message"
total=$("$D" --json search 档案整理 --limit 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
[ "$total" = "299" ] && ok "every file of both batches is found" || no "batch search total: $total"
expect_ids "a file of the second batch by its number" \
    "$(grep 'f299.txt' "$t/out" | cut -f1)" PL-0299

# Access control: a clerk cleared for internal sees no secret hit, nor
# its count.
one=$("$D" --json user add bob --role clerk --clearance internal |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["one_time_passphrase"])')
DOSSIER_USER=bob DOSSIER_PASSPHRASE="$one" DOSSIER_NEW_PASSPHRASE='bob search passphrase' \
	"$D" user passwd >/dev/null 2>"$t/err"
total=$(DOSSIER_USER=bob DOSSIER_PASSPHRASE='bob search passphrase' "$D" --json search HT-2022-0315 |
	python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["total"], " ".join(sorted(str(h["id"]) for h in j["hits"])))')
# Every internal fixture holds the number; the secret one (5) must not show.
[ "$total" = "4 2 3 4 6" ] && ok "clerk: no secret hit, no secret count" || no "clerk sees: $total"
"$D" meta 2 --restrict >/dev/null 2>"$t/err"
total=$(DOSSIER_USER=bob DOSSIER_PASSPHRASE='bob search passphrase' "$D" --json search HT-2022-0315 |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
[ "$total" = "3" ] && ok "clerk: a restricted document is not a hit" || no "clerk restricted: $total"

# No text at rest in the index files.
if grep -rqa -e 'HT-2022' -e '维修记录' -e '合同' "$t/v/index"; then no "index files hold text"; else ok "index files hold no text"; fi
ls "$t/v/index" | grep -q '^3-v1.db$' && ok "one index per level and key version" || no "index file names"

# A file without text is filed all the same, and show says why.
id=$("$D" add "$fx/scan.pdf" | cut -f1)
why=$("$D" --json show "$id" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["type"], "|", j["no_text"])')
[ "$why" = "pdf | no text layer" ] && ok "show: a PDF without a text layer says so" || no "no_text: $why"
id=$("$D" add "$fx/truncated.docx" | cut -f1)
"$D" show "$id" >"$t/out" 2>"$t/err"
grep -q '^text: *malformed' "$t/out" && ok "show: a damaged docx is filed, with the reason" || no "truncated docx: $(cat "$t/out")"
"$D" --json show 2 | python3 -c 'import json,sys; assert json.load(sys.stdin)["no_text"] is None' &&
	ok "show --json: no_text is null when text was found" || no "no_text null"

# A flipped byte in any page of an index: the search exits 6 naming the
# file, or (a page it did not need) answers exactly as before; never
# anything else.
idx="$t/v/index/1-v1.db"
"$D" --json search 批量文件 --limit 500 >"$t/base.json" 2>"$t/err"
cp "$idx" "$t/idx.keep"
pages=$(($(wc -c <"$idx") / 4096))
bad=0 caught=0 same=0
p=0
while [ $p -lt "$pages" ]; do
	cp "$t/idx.keep" "$idx"
	rm -f "$idx-wal" "$idx-shm"
	off=$((p * 4096 + 100))
	b=$(dd if="$idx" bs=1 skip=$off count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	printf "$(printf '\\%03o' $(((b + 1) % 256)))" |
	    dd of="$idx" bs=1 seek=$off conv=notrunc 2>/dev/null
	"$D" --json search 批量文件 --limit 500 >"$t/out" 2>"$t/err"
	st=$?
	if [ $st -eq 6 ] && grep -q "index '.*1-v1.db' is damaged" "$t/err"; then
		caught=$((caught + 1))
	elif [ $st -eq 0 ] && cmp -s "$t/out" "$t/base.json"; then
		same=$((same + 1))
	else
		bad=$((bad + 1))
		echo "# page $p: exit $st: $(head -c 200 "$t/err")"
	fi
	p=$((p + 1))
done
cp "$t/idx.keep" "$idx"
rm -f "$idx-wal" "$idx-shm"
[ $bad -eq 0 ] && [ $caught -gt 0 ] &&
	ok "index pages flipped one at a time ($pages): $caught caught (exit 6 naming the file), $same not read" ||
	no "flipped index pages: $bad wrong answers, $caught caught, $same unread"
