#!/bin/sh
# "dossier update" (versions, notes, history) and "dossier meta" (every
# option, tags +T/-T, --unset-field, reclassification).
. "$(dirname "$0")/lib.sh"

D=$DOSSIER
cd "$T" || exit 1
new_vault

printf 'version one\n' >v1.txt
printf 'version two, longer\n' >v2.txt
head -c 150000 /dev/urandom >v3.bin # three 64 KiB chunks
printf '第四版\n' >v4.txt
"$D" -q add v1.txt --title 报告 --category 行政 --tag 甲 --tag 乙 \
    --number N-1 --date 2021-06-01 --field owner=张三 --field room=101 \
    >/dev/null 2>&1 || fail "set-up: add v1.txt"

# --- update ------------------------------------------------------------------
expect_exit 0 "update ID FILE" "$D" update 1 v2.txt &&
    expect_out "update prints ID@VERSION" "1@2"
expect_exit 0 "update --note" "$D" update 1 v3.bin --note '扫描件，第三版' &&
    expect_out "update --note prints 1@3" "1@3"
expect_exit 0 "update --json" "$D" --json update 1 v4.txt --note 'fourth' &&
    json_check "update --json prints the document at version 4" "
assert d['id'] == 1 and d['version'] == 4, d
assert d['filename'] == 'v4.txt', d
assert d['title'] == '报告' and d['category'] == '行政', d
"
for v in 1 2 3 4; do
	case $v in
	1) f=v1.txt ;; 2) f=v2.txt ;; 3) f=v3.bin ;; 4) f=v4.txt ;;
	esac
	expect_exit 0 "get 1@$v" "$D" get "1@$v" &&
	    check "get 1@$v gives version $v's bytes" cmp -s "$T/out" "$f"
done
expect_exit 0 "get 1 (current)" "$D" get 1 &&
    check "get 1 gives the latest version" cmp -s "$T/out" v4.txt
expect_exit 0 "history --json" "$D" --json history 1 &&
    json_check "history --json: four versions, oldest first, with notes" "
h = d['history']
assert d['id'] == 1, d
assert [v['version'] for v in h] == [1, 2, 3, 4], h
assert [v['filename'] for v in h] == ['v1.txt', 'v2.txt', 'v3.bin', 'v4.txt'], h
assert [v['note'] for v in h] == ['', '', '扫描件，第三版', 'fourth'], h
assert [v['size'] for v in h] == [12, 20, 150000, 10], h
for v in h:
    assert len(v['sha256']) == 64 and v['added_by'] == 'alice', v
    assert v['added'].endswith('Z'), v
"
sha3=$(sha256sum v3.bin | cut -d' ' -f1)
check "history --json: version 3's sha256 is its content's" \
    test "$(jval 'd["history"][2]["sha256"]')" = "$sha3"
expect_exit 0 "history (table)" "$D" history 1 &&
    check "history: a header and four rows" test "$(wc -l <"$T/out")" -eq 5 &&
    check "history: the note is shown" grep -q '扫描件，第三版' "$T/out" &&
    check "history: versions in order" \
	test "$(cut -c1-2 "$T/out" | tr '\n' ' ')" = "VE v1 v2 v3 v4 "
expect_exit 3 "update of an unknown document: exit 3" "$D" update 99 v1.txt &&
    expect_err_line "update of an unknown document: one line" "99"
expect_exit 3 "update from a missing file: exit 3" "$D" update 1 nosuch.txt &&
    expect_err_line "update from a missing file: one line naming it" "nosuch"
mkdir "$T/adir"
run "$D" update 1 "$T/adir"
check "update from a directory fails (exit 2 or 8)" test "$RC" -eq 2 -o "$RC" -eq 8
expect_err_line "update from a directory: one line naming it" "adir"
check "update from a directory: the error suggests no -r (update has none)" \
    sh -c '! grep -q -e "-r" "$1"' sh "$T/err" || diag_last
expect_exit 2 "update without FILE: exit 2" "$D" update 1 &&
    expect_usage_err "update without FILE: usage error"
expect_exit 2 "update with a bad id: exit 2" "$D" update x1 v1.txt &&
    expect_usage_err "update with a bad id: usage error"
expect_exit 3 "history of an unknown document: exit 3" "$D" history 99 &&
    expect_err_line "history of an unknown document: one line" "99"
expect_exit 0 "show --json after the updates" "$D" --json show 1 &&
    json_check "the document is at version 4" \
	'assert d["version"] == 4 and len(d["history"]) == 4, d'

# --- meta --------------------------------------------------------------------
expect_exit 0 "meta --title" "$D" meta 1 --title 年度报告 &&
    check "meta prints the document (title line)" \
	grep -q -E '^title: +年度报告$' "$T/out" &&
    check "meta prints no history" sh -c '! grep -q "^VERSION" "$1"' sh "$T/out"
expect_exit 0 "meta --json: tags +T/-T, fields, unset, category, number, date" \
    "$D" --json meta 1 --tag +丙 --tag -甲 --tag 丁 --field owner=李四 \
    --field 新字段=值 --unset-field room --category 人事 --number N-2 \
    --date 2022-12-31 &&
    json_check "meta --json: every change is there" "
assert d['id'] == 1 and d['title'] == '年度报告', d
assert sorted(d['tags']) == sorted(['乙', '丙', '丁']), d
assert d['fields'] == {'owner': '李四', '新字段': '值'}, d
assert d['category'] == '人事' and d['number'] == 'N-2', d
assert d['date'] == '2022-12-31' and d['version'] == 4, d
"
expect_exit 0 "meta clears with '': category, number, date" \
    "$D" --json meta 1 --category '' --number '' --date '' &&
    json_check "cleared: category, number, date" "
assert d['category'] == '' and d['number'] == '' and d['date'] is None, d
assert d['title'] == '年度报告', d
"
expect_exit 0 "meta --tag -T of an absent tag, --unset-field of an absent field" \
    "$D" --json meta 1 --tag -无此标签 --unset-field nosuch &&
    json_check "...changes nothing" \
	'assert sorted(d["tags"]) == sorted(["乙", "丙", "丁"]) and len(d["fields"]) == 2, d'
expect_exit 0 "meta --tag +T of a present tag" "$D" --json meta 1 --tag +乙 &&
    json_check "...keeps one copy" 'assert d["tags"].count("乙") == 1, d'
expect_exit 0 "show --json after meta" "$D" --json show 1 &&
    json_check "show agrees with meta" "
assert sorted(d['tags']) == sorted(['乙', '丙', '丁']), d
assert d['fields'] == {'owner': '李四', '新字段': '值'}, d
assert d['modified'] >= d['created'], d
"

# Reclassification: up, then down; content must survive each.
for pair in 绝密:top-secret secret:secret 公开:public internal:internal; do
	lv=${pair%%:*}
	want=${pair#*:}
	expect_exit 0 "meta --level $lv" "$D" --json meta 1 --level "$lv" &&
	    json_check "meta --level $lv: level is $want" \
		"assert d['level'] == '$want' and d['version'] == 4, d"
	expect_exit 0 "get 1@3 after --level $lv" "$D" get 1@3 &&
	    check "get 1@3 after --level $lv: same bytes" cmp -s "$T/out" v3.bin
done
expect_exit 0 "list --level public after the round trip: none" \
    "$D" --json list --level public &&
    json_check "...the document is not public any more" 'assert d["total"] == 0, d'
expect_exit 0 "verify --read-data after reclassifying" "$D" verify --read-data

# Duplicates are judged per level: they follow a reclassification.
printf 'dedup across levels\n' >dd.txt
"$D" -q add dd.txt --level internal >"$T/dd.out" 2>&1 || fail "set-up: add dd.txt"
ddid=$(cut -f1 "$T/dd.out")
expect_exit 0 "meta --level secret of a document" "$D" -q meta "$ddid" --level secret
expect_exit 7 "its content again at the new level: a duplicate (exit 7)" \
    "$D" add dd.txt --level secret &&
    expect_err_line "...naming the reclassified document" "document $ddid([^0-9]|\$)"
expect_exit 0 "its content again at the old level: no duplicate any more" \
    "$D" add dd.txt --level internal

expect_exit 2 "meta without changes: exit 2" "$D" meta 1 &&
    expect_usage_err "meta without changes: usage error"
expect_exit 3 "meta of an unknown document: exit 3" "$D" meta 99 --title x &&
    expect_err_line "meta of an unknown document: one line" "99"
expect_exit 2 "meta --level bad: exit 2" "$D" meta 1 --level 特级 &&
    expect_usage_err "meta --level bad: usage error"
expect_exit 2 "meta --date bad: exit 2" "$D" meta 1 --date 2022-02-29 &&
    expect_usage_err "meta --date bad: usage error"
expect_exit 2 "meta --field without '=': exit 2" "$D" meta 1 --field owner &&
    expect_usage_err "meta --field without '=': usage error"
expect_exit 2 "meta --unset-field '': exit 2" "$D" meta 1 --unset-field '' &&
    expect_usage_err "meta --unset-field '': usage error"
expect_exit 2 "meta --title '': exit 2" "$D" meta 1 --title '' &&
    check "meta --title '': one line" test "$(grep -c '^dossier: ' "$T/err")" -eq 1
expect_exit 0 "nothing changed by the refused edits" "$D" --json show 1 &&
    json_check "...title, level and fields as before" "
assert d['title'] == '年度报告' and d['level'] == 'internal', d
assert d['fields'] == {'owner': '李四', '新字段': '值'}, d
"
tmp_empty "nothing left in tmp/"

done_testing
