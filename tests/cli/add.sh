#!/bin/sh
# "dossier add": files, directories, duplicates, metadata options, output.
. "$(dirname "$0")/lib.sh"

D=$DOSSIER
cd "$T" || exit 1
new_vault

# The number of live documents (list --json total).
total() {
	"$D" --json list >"$T/total.json" 2>/dev/null &&
	    jval 'd["total"]' "$T/total.json"
}

mkdir in
printf 'first document\n' >in/a.txt
printf 'second document\n' >in/b.txt
printf 'third document\n' >in/c.txt
printf '购房合同正文\n' >in/合同.txt
: >in/empty.txt

# --- one file, several files ---------------------------------------------------
expect_exit 0 "add one file" "$D" add in/a.txt &&
    expect_out "add prints ID<TAB>PATH" "$(printf '1\tin/a.txt')"
expect_exit 0 "add two files" "$D" add in/b.txt in/c.txt &&
    expect_out "add prints one line per file, in argument order" \
	"$(printf '2\tin/b.txt\n3\tin/c.txt')"
expect_exit 0 "add a Chinese file name" "$D" add in/合同.txt &&
    expect_out "add prints the Chinese path" "$(printf '4\tin/合同.txt')"
expect_exit 0 "add an absolute path" "$D" add "$T/in/empty.txt" &&
    expect_out "add prints the path as given" "$(printf '5\t%s' "$T/in/empty.txt")"
expect_exit 0 "get the empty document" "$D" get 5 &&
    check "the empty document is empty" test ! -s "$T/out"
check "five documents listed" test "$(total)" = 5

# --- directories --------------------------------------------------------------
mkdir -p tree/sub tree/目录
for f in b.txt a.txt C.txt 10.txt 9.txt sub/x.txt 目录/y.txt z.txt; do
	printf 'tree file %s\n' "$f" >"tree/$f"
done
expect_exit 2 "a directory without -r: exit 2" "$D" add tree &&
    expect_err_line "a directory without -r: one line naming it, hinting -r" \
	"tree.*-r"
check "a directory without -r files nothing" test "$(total)" = 5
expect_exit 0 "add -r DIR" "$D" add -r tree
(cd "$T" && find tree -type f | LC_ALL=C sort) >"$T/tree.order"
cut -f2 "$T/out" >"$T/tree.got"
check "add -r files every file under DIR, in name order" \
    cmp -s "$T/tree.order" "$T/tree.got" ||
    { diag "expected:"; diag_file "$T/tree.order" 20; diag "got:"; diag_file "$T/out" 20; }
check "add -r numbers the files in that order" \
    test "$(cut -f1 "$T/out" | tr '\n' ' ')" = "6 7 8 9 10 11 12 13 "
check "13 documents listed" test "$(total)" = 13
expect_exit 0 "add --recursive DIR (all duplicates: allowed)" \
    "$D" -q add --recursive --allow-duplicate tree/sub
check "--recursive is -r" test "$(cut -f2 "$T/out")" = tree/sub/x.txt

# --- missing files --------------------------------------------------------------
expect_exit 3 "a missing file: exit 3" "$D" add in/nosuch.txt &&
    expect_err_line "a missing file: one line naming it" "nosuch\.txt"
check "a missing file files nothing" test "$(total)" = 14
printf 'fresh content\n' >in/fresh.txt
expect_exit 3 "a good and a missing file: exit 3" "$D" add in/fresh.txt in/nosuch.txt &&
    expect_out "...the good file is still filed" "$(printf '15\tin/fresh.txt')" &&
    expect_err_line "...one error line for the missing one" "nosuch\.txt"
expect_exit 2 "add without a path: exit 2" "$D" add &&
    expect_usage_err "add without a path: usage error"

# --- duplicates ------------------------------------------------------------------
cp in/a.txt in/a-copy.txt
expect_exit 7 "equal content again: exit 7" "$D" add in/a-copy.txt &&
    expect_err_line "the duplicate error names the existing document" \
	"a-copy\.txt.*document 1([^0-9]|$)"
check "a refused duplicate files nothing" test "$(total)" = 15
printf 'b2\n' >in/b2.txt
expect_exit 7 "a duplicate and a new file: exit 7" "$D" add in/a-copy.txt in/b2.txt &&
    expect_out "...the new file is still filed" "$(printf '16\tin/b2.txt')"
expect_exit 0 "equal content at another level is no duplicate" \
    "$D" add in/a-copy.txt --level public &&
    check "...filed as document 17" test "$(cut -f1 "$T/out")" = 17
expect_exit 0 "--allow-duplicate files it again" \
    "$D" add in/a-copy.txt --allow-duplicate &&
    expect_out "--allow-duplicate: ID<TAB>PATH" "$(printf '18\tin/a-copy.txt')" &&
    check "--allow-duplicate: a note names the original" \
	grep -q 'document 1$' "$T/err"
expect_exit 0 "--allow-duplicate -q: no note" \
    "$D" -q add in/a-copy.txt --allow-duplicate &&
    expect_no_err "--allow-duplicate -q: nothing on stderr"

# --- JSON --------------------------------------------------------------------------
DOC_KEYS='["id","title","category","tags","level","number","date","fields","filename","type","size","version","sha256","created","created_by","modified","deleted"]'
printf 'json one\n' >in/j1.txt
printf 'json two\n' >in/j2.txt
expect_exit 0 "add --json two files" "$D" --json add in/j1.txt in/j2.txt &&
    json_check "add --json: an array of documents with path and duplicate_of" "
assert isinstance(d, list) and len(d) == 2, d
for o, p in zip(d, ['in/j1.txt', 'in/j2.txt']):
    for k in $DOC_KEYS + ['path', 'duplicate_of']:
        assert k in o, (k, o)
    assert o['path'] == p, o
    assert o['duplicate_of'] is None, o
    assert isinstance(o['id'], int) and o['version'] == 1, o
    assert o['filename'] == p[3:] and o['type'] == 'txt', o
    assert o['level'] == 'internal' and o['deleted'] is False, o
    assert o['size'] == 9 and len(o['sha256']) == 64, o
assert d[1]['id'] == d[0]['id'] + 1, d
"
expect_exit 0 "add --json --allow-duplicate" \
    "$D" --json add in/j1.txt --allow-duplicate &&
    json_check "add --json: duplicate_of names the original" \
	'assert len(d) == 1 and d[0]["duplicate_of"] == 20, d'
expect_exit 7 "add --json of a refused duplicate: exit 7" "$D" --json add in/j1.txt &&
    json_check "...still one JSON document (an empty array)" 'assert d == [], d' &&
    expect_err_line "...and one error line" "document 20"
expect_exit 0 "add --json -r" "$D" --json add -r --allow-duplicate tree/sub &&
    json_check "add --json -r: one element per file" \
	'assert [o["path"] for o in d] == ["tree/sub/x.txt"], d'

# --- metadata options --------------------------------------------------------------
printf '合同：甲方张三，乙方李四。\n' >in/contract.docx
expect_exit 0 "add with every metadata option" "$D" add in/contract.docx \
    --title 购房合同 --category 合同 --tag 购房 --tag 2022年 --level 秘密 \
    --number HT-2022-0315 --date 2022-03-20 --field customer=张三 \
    --field 'formula=a=b' --field 备注=无
id=$(cut -f1 "$T/out")
sha=$(sha256sum in/contract.docx | cut -d' ' -f1)
size=$(wc -c <in/contract.docx | tr -d ' ')
expect_exit 0 "show --json the new document" "$D" --json show "$id" &&
    json_check "every option is recorded" "
assert d['id'] == $id, d
assert d['title'] == '购房合同', d
assert d['category'] == '合同', d
assert sorted(d['tags']) == sorted(['购房', '2022年']), d
assert d['level'] == 'confidential', d
assert d['number'] == 'HT-2022-0315', d
assert d['date'] == '2022-03-20', d
assert d['fields'] == {'customer': '张三', 'formula': 'a=b', '备注': '无'}, d
assert d['filename'] == 'contract.docx' and d['type'] == 'txt', d  # sniffed: text
assert d['size'] == $size and d['sha256'] == '$sha', d
assert d['version'] == 1 and d['created_by'] == 'alice', d
assert d['deleted'] is False, d
"
printf 'defaults\n' >in/report.pdf
expect_exit 0 "add without options" "$D" --json add in/report.pdf &&
    json_check "defaults: level internal, title from the file name, no date" "
o = d[0]
assert o['level'] == 'internal', o
assert o['title'] in ('report', 'report.pdf'), o
assert o['category'] == '' and o['tags'] == [] and o['fields'] == {}, o
assert o['number'] == '' and o['date'] is None, o
assert o['type'] == 'txt', o  # sniffed from the bytes, not the name
"

# Levels: English and Chinese names, one document each.
i=0
for pair in public:public internal:internal confidential:confidential \
    secret:secret top-secret:top-secret 公开:public 内部:internal \
    秘密:confidential 机密:secret 绝密:top-secret; do
	i=$((i + 1))
	name=${pair%%:*}
	want=${pair#*:}
	printf 'level test %s\n' "$i" >"in/level$i.txt"
	expect_exit 0 "--level $name accepted" "$D" --json add "in/level$i.txt" --level "$name" &&
	    json_check "--level $name is $want" "assert d[0]['level'] == '$want', d"
done

n=$(total)
for bad in 2022-02-30 2023-02-29 2022-13-01 2022-00-10 2022-1-5 20220320 \
    2022/03/20 2022-03-20x yesterday; do
	expect_exit 2 "--date '$bad': exit 2" "$D" add in/fresh.txt --date "$bad" &&
	    expect_usage_err "--date '$bad': usage error naming the date" "date"
done
printf 'leap day\n' >in/leap.txt
expect_exit 0 "--date 2024-02-29 (a leap day) accepted" "$D" add in/leap.txt --date 2024-02-29
for bad in SECRET top_secret 绝 secret2 ''; do
	expect_exit 2 "--level '$bad': exit 2" "$D" add in/fresh.txt --level "$bad" &&
	    expect_usage_err "--level '$bad': usage error" "level"
done
for bad in novalue =x; do
	expect_exit 2 "--field '$bad': exit 2" "$D" add in/fresh.txt --field "$bad" &&
	    expect_usage_err "--field '$bad': usage error naming it" "$bad"
done
expect_exit 2 "--tag '': exit 2" "$D" add in/fresh.txt --tag ''
check "no bad option filed anything" test "$(total)" = $((n + 1))

# (Last: it files a document, which would shift the ids above.)
if expect_exit 0 "add -r DIR/ (a trailing slash)" \
    "$D" -q add -r --allow-duplicate tree/sub/; then
	check "add -r DIR/ prints DIR/FILE, not DIR//FILE" \
	    test "$(cut -f2 "$T/out")" = tree/sub/x.txt || diag_last
fi

tmp_empty "nothing left in tmp/"
expect_exit 0 "verify --read-data after all that" "$D" verify --read-data

done_testing
