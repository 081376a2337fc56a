#!/bin/sh
# "dossier list": filters, the trash, limits, JSON, and the table aligned
# by display width (a CJK character is two columns).
. "$(dirname "$0")/lib.sh"

D=$DOSSIER
cd "$T" || exit 1
new_vault

LONG_TITLE=关于进一步加强档案管理工作规范化建设的若干意见和实施细则
LONG_CAT=长类别名称测试用的类别名称超过二十列
i=0
file() { # TITLE CATEGORY TAG LEVEL DATE
	i=$((i + 1))
	printf 'list document %s\n' "$i" >"doc$i.txt"
	"$DOSSIER" -q add "doc$i.txt" --title "$1" --category "$2" --tag "$3" \
	    --level "$4" --date "$5" >/dev/null 2>"$T/err" ||
	    fail "set-up: add doc$i.txt" "$(cat "$T/err")"
}
file 购房合同 合同类 购房 秘密 2022-03-20
file 'Lease agreement' Contracts lease internal 2021-01-15
file 员工手册（2023年版） 人事 手册 public 2023-05-01
file "$LONG_TITLE" "$LONG_CAT" 规范 绝密 2020-02-02
file 'To be trashed' Trash old internal 2019-07-07
file a Cz9 t internal 2022-03-20
"$D" -q rm 5 --reason 'no longer needed' >/dev/null 2>&1 ||
    fail "set-up: rm 5"

ids() { # the ids of list --json in $T/out, space-separated
	jval '" ".join(str(o["id"]) for o in d["documents"])'
}
# list_ids NAME WANT-IDS [WANT-TOTAL] -- OPTIONS...
list_ids() {
	_n=$1
	_want=$2
	_tot=$3
	shift 4
	if expect_exit 0 "list $_n" "$D" --json list "$@"; then
		json_check "list $_n: ids [$_want], total $_tot" "
got = [o['id'] for o in d['documents']]
assert got == [int(x) for x in '$_want'.split()], got
assert d['total'] == $_tot, d['total']
"
	fi
}

list_ids "(all, newest first)" "3 6 1 2 4" 5 --
list_ids "--category 合同类" "1" 1 -- --category 合同类
list_ids "--category (no partial match)" "" 0 -- --category 合同
list_ids "--tag lease" "2" 1 -- --tag lease
list_ids "--tag 手册" "3" 1 -- --tag 手册
list_ids "--level 秘密" "1" 1 -- --level 秘密
list_ids "--level confidential" "1" 1 -- --level confidential
list_ids "--level internal" "6 2" 2 -- --level internal
list_ids "--since 2022-01-01" "3 6 1" 3 -- --since 2022-01-01
list_ids "--until 2021-12-31" "2 4" 2 -- --until 2021-12-31
list_ids "--since/--until inclusive" "6 1 2" 3 -- --since 2021-01-15 --until 2022-03-20
list_ids "--since and --level together" "1" 1 -- --since 2022-01-01 --level 秘密
list_ids "--category and --level together" "" 0 -- --category 合同类 --level public
list_ids "--deleted (the trash)" "5" 1 -- --deleted
list_ids "--deleted --category Trash" "5" 1 -- --deleted --category Trash
list_ids "--limit 2 (total before the limit)" "3 6" 5 -- --limit 2
list_ids "--limit 0 (all)" "3 6 1 2 4" 5 -- --limit 0
list_ids "--limit 2 with a filter" "6 2" 2 -- --level internal --limit 2

expect_exit 0 "list --json" "$D" --json list &&
    json_check "list --json: documents have the document shape" "
keys = ['id','title','category','tags','level','number','date','fields',
        'filename','type','size','version','sha256','created','created_by',
        'modified','deleted']
assert set(d) >= {'total', 'documents'}, d
for o in d['documents']:
    for k in keys:
        assert k in o, (k, o)
    assert o['deleted'] is False, o
t = {o['id']: o for o in d['documents']}
assert t[1]['title'] == '购房合同' and t[1]['tags'] == ['购房'], t[1]
assert t[1]['level'] == 'confidential' and t[1]['date'] == '2022-03-20', t[1]
assert t[4]['title'] == '$LONG_TITLE', t[4]
"
expect_exit 0 "list --json --deleted" "$D" --json list --deleted &&
    json_check "list --json --deleted: flagged deleted, with the reason" "
o = d['documents'][0]
assert o['deleted'] is True, o
assert o.get('delete_reason', 'no longer needed') == 'no longer needed', o
"

# --- bad options ---------------------------------------------------------------
for opt in "--since 2022-02-30" "--until 22-01-01" "--limit -1" \
    "--limit abc" "--limit 1.5" "--level 特级"; do
	# shellcheck disable=SC2086
	expect_exit 2 "list $opt: exit 2" "$D" list $opt &&
	    expect_usage_err "list $opt: usage error"
done
expect_exit 2 "list with an operand: exit 2" "$D" list 3 &&
    expect_usage_err "list with an operand: usage error"

# --- the table -----------------------------------------------------------------------
expect_exit 0 "list (table)" "$D" list &&
    expect_out "list table matches the golden file" "$EXPECTED/list.txt"
cp "$T/out" "$T/table"

# Display column (0-based) where TEXT last starts in LINE (a tag may also
# be part of the title); -1 when absent.
col_of() {
	case $1 in
	*"$2"*) ;;
	*) echo -1; return ;;
	esac
	_pre=${1%"$2"*}
	printf '%s\n' "$_pre" | wc -L
}
# The columns after TITLE start at the header's column in every row: the
# value shown in each row is given (a cut one by its start).
aligned() { # HEADER-NAME VALUE-ROW1 ... (rows 2..)
	_h=$(head -n 1 "$T/table")
	_want=$(col_of "$_h" "$1")
	shift
	_r=1
	_bad=
	for _v in "$@"; do
		_r=$((_r + 1))
		_line=$(sed -n "${_r}p" "$T/table")
		_c=$(col_of "$_line" "$_v")
		[ "$_c" = "$_want" ] || _bad="$_bad row $_r ('$_v' at $_c, header at $_want);"
	done
	[ -z "$_bad" ] || { diag "$_bad"; return 1; }
}
# Rows: 3 6 1 2 4 (see the all-documents order above).
check "list: TITLE starts at the header's display column in every row" \
    aligned TITLE 员工手册 a 购房合同 Lease 关于进一步
check "list: CATEGORY starts at the header's display column in every row" \
    aligned CATEGORY 人事 Cz9 合同类 Contracts 长类别
check "list: TAGS starts at the header's display column in every row" \
    aligned TAGS 手册 t 购房 lease 规范
check "list: DATE starts at the header's display column in every row" \
    aligned DATE 2023-05-01 2022-03-20 2022-03-20 2021-01-15 2020-02-02
longrow=$(grep '关于进一步' "$T/table")
title_cell=${longrow#*2020-02-02  }
title_cell=${title_cell%%"  长类别"*}
check "list: a long title is cut to at most 40 columns, ending in '…'" \
    sh -c 'w=$(printf "%s\n" "$1" | wc -L); [ "$w" -le 40 ] && [ "$w" -ge 38 ] &&
	case $1 in *…) ;; *) exit 1;; esac' sh "$title_cell" ||
    diag "title cell: '$title_cell'"
cat_cell=${longrow#*"$title_cell"}
cat_cell=$(printf '%s\n' "$cat_cell" | sed 's/^ *//; s/  .*//')
check "list: a long category is cut to at most 20 columns, ending in '…'" \
    sh -c 'w=$(printf "%s\n" "$1" | wc -L); [ "$w" -le 20 ] && [ "$w" -ge 18 ] &&
	case $1 in *…) ;; *) exit 1;; esac' sh "$cat_cell" ||
    diag "category cell: '$cat_cell'"
check "list: no trailing blanks" sh -c '! grep -q " $" "$1"' sh "$T/table"
check "list: the last line counts the documents" \
    test "$(tail -n 1 "$T/table")" = "5 documents"

expect_exit 0 "list --limit 2 (table)" "$D" list --limit 2 &&
    check "list --limit 2: two rows and 'showing 2 of 5 documents'" \
	test "$(wc -l <"$T/out")" -eq 4 -a "$(tail -n 1 "$T/out")" = \
	"showing 2 of 5 documents"
expect_exit 0 "list --tag lease (table)" "$D" list --tag lease &&
    check "list of one: '1 document'" test "$(tail -n 1 "$T/out")" = "1 document"
expect_exit 0 "list with no match (table)" "$D" list --tag 无 &&
    expect_out "list with no match: 'no documents' only" "no documents"
expect_exit 0 "list --deleted (table)" "$D" list --deleted &&
    check "list --deleted shows the trashed document" \
	grep -q -E '^ *5 .*To be trashed' "$T/out"

# --- an undated document: its date is the filing day (UTC) -----------------------------
day0=$(date -u +%F)
printf 'undated\n' >undated.txt
"$D" -q add undated.txt --title 无日期 >/dev/null 2>&1 || fail "set-up: add undated.txt"
expect_exit 0 "list --since today" "$D" --json list --since "$day0"
day1=$(date -u +%F)
if [ "$day0" = "$day1" ]; then
	json_check "an undated document counts as filed today, and lists first" \
	    "assert [o['id'] for o in d['documents']] == [7], d"
	yesterday=$(date -u -d "$day0 -1 day" +%F)
	expect_exit 0 "list --until yesterday" "$D" --json list --until "$yesterday" &&
	    json_check "...leaves the undated document out" \
		"assert 7 not in [o['id'] for o in d['documents']], d"
	expect_exit 0 "list (table) with an undated document" "$D" list --limit 1 &&
	    check "the table shows the filing day as its date" \
		grep -q -E "^ *7  .*  $day0  无日期" "$T/out"
else
	pass "undated document # SKIP the day changed during the test"
fi

done_testing
