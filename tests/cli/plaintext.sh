#!/bin/sh
# No plaintext at rest: documents and metadata carrying unique markers are
# filed, updated, edited, trashed, restored and purged; after each command
# no file under the vault holds a marker in UTF-8, UTF-16LE or UTF-16BE,
# and the vault's tmp/ is empty.
. "$(dirname "$0")/lib.sh"

D=$DOSSIER
cd "$T" || exit 1
new_vault

CN=绝密标记甲乙丙丁
LA=MarkerZQX42
# The patterns, one a line: each marker in each encoding (UTF-16 without
# a byte order mark; no encoded marker contains a newline byte).
{
	printf '%s\n%s\n' "$CN" "$LA"
	for enc in UTF-16LE UTF-16BE; do
		for m in "$CN" "$LA"; do
			printf '%s' "$m" | iconv -f UTF-8 -t "$enc"
			printf '\n'
		done
	done
} >"$T/patterns"
check "set-up: six search patterns" test "$(wc -l <"$T/patterns")" -eq 6

# The search finds what it must find (else a pass would mean nothing).
mkdir "$T/probe"
printf 'x%sx' "$CN" >"$T/probe/u8"
printf '%s' "$LA" | iconv -f UTF-8 -t UTF-16LE >"$T/probe/le"
printf '%s' "$CN" | iconv -f UTF-8 -t UTF-16BE >"$T/probe/be"
check "set-up: the search finds a marker in UTF-8, UTF-16LE and UTF-16BE" \
    test "$(LC_ALL=C grep -r -a -l -F -f "$T/patterns" "$T/probe" | wc -l)" -eq 3

STEP=0
# After each command: no marker anywhere under the vault, nothing in tmp/.
no_plaintext() { # WHAT
	STEP=$((STEP + 1))
	_hits=$(LC_ALL=C grep -r -a -c -F -f "$T/patterns" "$DOSSIER_VAULT" |
	    grep -v ':0$')
	if [ -z "$_hits" ]; then
		pass "no marker at rest after $1"
	else
		fail "no marker at rest after $1" "files holding a marker (file:count):"
		printf '%s\n' "$_hits" | head -n 10 | sed 's/^/#   /'
		# Which markers, readable: the UTF-8 ones around their hit.
		LC_ALL=C grep -r -a -o -h -E ".{0,12}($CN|$LA)[A-Za-z0-9]*" \
		    "$DOSSIER_VAULT" 2>/dev/null | sort | uniq -c | head -n 10 |
		    sed 's/^/#   /'
	fi
	tmp_empty "tmp/ empty after $1"
}

# Content: UTF-8 text (several chunks), and the same words in UTF-16.
i=0
while [ $i -lt 3000 ]; do
	printf '第%s行：%s正文内容%sBody%s\n' "$i" "$CN" "$LA" "$i"
	i=$((i + 1))
done >"$T/body.txt"
mkdir "$T/in"
cp "$T/body.txt" "$T/in/$CN-$LA-文件名.txt"
iconv -f UTF-8 -t UTF-16LE "$T/body.txt" >"$T/in/utf16le-$LA.txt"
iconv -f UTF-8 -t UTF-16BE "$T/body.txt" >"$T/in/utf16be.txt"
printf '%s 第二版 %s\n' "$CN" "$LA" >"$T/in/v2-$CN.txt"
printf 'to purge %s %s\n' "$CN" "$LA" >"$T/in/purge-$LA.txt"

expect_exit 0 "add with markers in every attribute" "$D" -q add \
    "$T/in/$CN-$LA-文件名.txt" --title "$CN标题$LA" --category "$CN类别$LA" \
    --tag "$CN标签$LA" --tag "${LA}Tag2" --number "$LA-$CN-编号" \
    --field "客户=$CN客户$LA" --field "${LA}Key$CN=plain" --level 机密 \
    --date 2022-03-20
no_plaintext "add"
expect_exit 0 "add UTF-16 documents" "$D" -q add "$T/in/utf16le-$LA.txt" \
    "$T/in/utf16be.txt" --title "UTF16 $LA" --category "$CN"
no_plaintext "add of UTF-16 content"
expect_exit 0 "get gives the markers back" "$D" get 1 &&
    check "...byte for byte" cmp -s "$T/out" "$T/body.txt"
expect_exit 0 "update with a marked note" "$D" -q update 1 \
    "$T/in/v2-$CN.txt" --note "修改说明$CN$LA"
no_plaintext "update"
expect_exit 0 "meta with marked values" "$D" -q meta 1 --title "新$CN$LA" \
    --tag "+$CN新标签$LA" --tag "-${LA}Tag2" --field "备注=$CN$LA备注" \
    --unset-field "客户" --number "$CN$LA" --category "新类别$CN$LA"
no_plaintext "meta"
expect_exit 0 "meta --level (re-wrapping keys)" "$D" -q meta 1 --level 绝密
no_plaintext "meta --level"
expect_exit 0 "rm with a marked reason" "$D" -q rm 1 --reason "销毁理由$CN$LA"
no_plaintext "rm"
expect_exit 0 "restore" "$D" -q restore 1
no_plaintext "restore"
expect_exit 0 "add a document to purge" "$D" -q add "$T/in/purge-$LA.txt" \
    --title "待销毁$CN$LA"
no_plaintext "add (to purge)"
expect_exit 0 "purge with a marked reason" "$D" -q purge 4 --reason "销毁$CN$LA"
no_plaintext "purge"
expect_exit 0 "show still decrypts every attribute" "$D" --json show 1 &&
    json_check "the markers are all there, decrypted" "
cn, la = '$CN', '$LA'
assert d['title'] == '新' + cn + la, d
assert d['category'] == '新类别' + cn + la and d['number'] == cn + la, d
assert sorted(d['tags']) == sorted([cn + '标签' + la, cn + '新标签' + la]), d
assert d['fields'] == {la + 'Key' + cn: 'plain', '备注': cn + la + '备注'}, d
assert d['history'][0]['filename'] == cn + '-' + la + '-文件名.txt', d
assert d['history'][1]['note'] == '修改说明' + cn + la, d
"
expect_exit 0 "verify --read-data" "$D" verify --read-data
no_plaintext "verify"

# Reads and queries carry the markers too: none may reach the disk (the
# audit log records each query, sealed).
expect_exit 0 "search for the Chinese marker" "$D" search "$CN" &&
    check "...finds it" grep -q "$CN" "$T/out"
expect_exit 0 "search for the Latin marker, with filters" "$D" search "$LA" \
    --category "新类别$CN$LA" --tag "$CN标签$LA"
expect_exit 0 "search for a marked number" "$D" search "$CN$LA"
no_plaintext "search"
expect_exit 0 "list filtered by marked values" "$D" list \
    --category "新类别$CN$LA" --tag "$CN新标签$LA"
expect_exit 0 "history" "$D" history 1
expect_exit 0 "get" "$D" get 1
no_plaintext "list, history, get"
expect_exit 0 "add a user" "$D" -q user add clerk1 --role clerk
expect_exit 0 "grant a marked category to the user" "$D" -q grant clerk1 read \
    --category "授权类别$CN$LA"
no_plaintext "user add, grant"
expect_exit 4 "a failed unlock" env DOSSIER_PASSPHRASE="错$CN$LA" "$D" list
no_plaintext "a failed unlock"
expect_exit 0 "audit log" "$D" audit log
expect_exit 0 "audit report" "$D" audit report --month "$(date -u +%Y-%m)" \
    --html "$T/report.html"
check "...written outside the vault" test -s "$T/report.html"
expect_exit 0 "audit verify" "$D" audit verify
no_plaintext "audit log, report, verify"

# The catalog and the indexes are encrypted page by page: the sqlite3
# tool reads neither, while it reads a plain database (the check works).
expect_exit 1 "sqlite3 dossier.db .tables fails" sqlite3 "$DOSSIER_VAULT/dossier.db" .tables &&
    check "...not a database, it says" grep -q "not a database" "$T/err"
for f in "$DOSSIER_VAULT"/index/*.db; do
	expect_exit 1 "sqlite3 index/$(basename "$f") .tables fails" sqlite3 "$f" .tables
done
expect_exit 0 "sqlite3 reads the plain keyring" sqlite3 "$DOSSIER_VAULT/keyring.db" .tables

done_testing
