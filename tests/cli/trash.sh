#!/bin/sh
# "dossier rm", "restore" and "purge".
. "$(dirname "$0")/lib.sh"

D=$DOSSIER
cd "$T" || exit 1
new_vault

for i in 1 2 3; do
	printf 'trash test %s\n' "$i" >"t$i.txt"
	"$D" -q add "t$i.txt" --category 行政 >/dev/null 2>&1 ||
	    fail "set-up: add t$i.txt"
done
printf 'trash test 3, version 2\n' >t3b.txt
"$D" -q update 3 t3b.txt >/dev/null 2>&1 || fail "set-up: update 3"

# live_ids / trash_ids: ids of list --json (--deleted), space-separated.
live_ids() {
	"$D" --json list >"$T/l.json" 2>/dev/null &&
	    jval '" ".join(str(o["id"]) for o in d["documents"])' "$T/l.json"
}
trash_ids() {
	"$D" --json list --deleted >"$T/l.json" 2>/dev/null &&
	    jval '" ".join(str(o["id"]) for o in d["documents"])' "$T/l.json"
}

# --- rm ---------------------------------------------------------------------------
expect_exit 2 "rm without --reason: exit 2" "$D" rm 1 &&
    expect_usage_err "rm without --reason: usage error" "reason"
expect_exit 2 "rm --reason '': exit 2" "$D" rm 1 --reason '' &&
    expect_usage_err "rm --reason '': usage error" "reason"
expect_exit 2 "rm with a bad id: exit 2" "$D" rm x --reason r &&
    expect_usage_err "rm with a bad id: usage error"
expect_exit 2 "rm without an id: exit 2" "$D" rm --reason r
check "the refused rm moved nothing" test "$(live_ids)" = "3 2 1"
expect_exit 0 "rm ID --reason TEXT" "$D" rm 1 --reason '重复归档' &&
    check "rm says what it did" grep -q 1 "$T/out" &&
    expect_no_err "rm: nothing on stderr"
check "rm: gone from list" test "$(live_ids)" = "3 2"
check "rm: in list --deleted" test "$(trash_ids)" = "1"
expect_exit 0 "show of a trashed document" "$D" --json show 1 &&
    json_check "show --json of a trashed document: deleted, by whom, why" "
assert d['deleted'] is True, d
assert d.get('delete_reason', '重复归档') == '重复归档', d
assert d.get('deleted_by', 'alice') == 'alice', d
"
expect_exit 0 "show (human) of a trashed document" "$D" show 1 &&
    check "show: the reason is shown" grep -q '重复归档' "$T/out"
expect_exit 7 "rm of a trashed document: exit 7" "$D" rm 1 --reason again &&
    expect_err_line "rm of a trashed document: one line" "1"
expect_exit 3 "rm of an unknown document: exit 3" "$D" rm 99 --reason r &&
    expect_err_line "rm of an unknown document: one line naming it" "99"
expect_exit 0 "rm --json" "$D" --json rm 2 --reason 'json reason' &&
    json_check "rm --json: one document" 'assert d["id"] == 2, d'
check "two documents in the trash" test "$(trash_ids)" = "2 1"

# --- restore ----------------------------------------------------------------------
expect_exit 0 "restore ID" "$D" restore 1 &&
    check "restore says what it did" grep -q 1 "$T/out"
check "restore: back in list" test "$(live_ids)" = "3 1"
check "restore: out of the trash" test "$(trash_ids)" = "2"
expect_exit 0 "show --json of a restored document" "$D" --json show 1 &&
    json_check "restored: deleted is false" 'assert d["deleted"] is False, d'
expect_exit 0 "get of a restored document" "$D" get 1 &&
    check "restored: the content is intact" cmp -s "$T/out" t1.txt
expect_exit 7 "restore of a live document: exit 7" "$D" restore 1 &&
    expect_err_line "restore of a live document: one line" "1"
expect_exit 3 "restore of an unknown document: exit 3" "$D" restore 99 &&
    expect_err_line "restore of an unknown document: one line naming it" "99"
expect_exit 2 "restore takes no --reason: exit 2" "$D" restore 2 --reason r &&
    expect_usage_err "restore --reason: usage error"

# --- purge ----------------------------------------------------------------------
expect_exit 2 "purge without --reason: exit 2" "$D" purge 3 &&
    expect_usage_err "purge without --reason: usage error" "reason"
expect_exit 2 "purge --reason '': exit 2" "$D" purge 3 --reason '' &&
    expect_usage_err "purge --reason '': usage error" "reason"
objs_before=$(find "$DOSSIER_VAULT/objects" -type f | wc -l)
expect_exit 0 "purge ID --reason TEXT (a live document with two versions)" \
    "$D" purge 3 --reason '保管期满销毁' &&
    check "purge says what it did" grep -q 3 "$T/out"
objs_after=$(find "$DOSSIER_VAULT/objects" -type f | wc -l)
check "purge removed both versions' objects" test $((objs_before - objs_after)) -eq 2
expect_exit 3 "show of a purged document: exit 3" "$D" show 3 &&
    expect_err_line "show of a purged document: one line" "3"
expect_exit 3 "get of a purged document: exit 3" "$D" get 3@1 &&
    check "get of a purged document: nothing on stdout" test ! -s "$T/out"
expect_exit 3 "history of a purged document: exit 3" "$D" history 3
expect_exit 3 "restore of a purged document: exit 3" "$D" restore 3
expect_exit 3 "purge of a purged document: exit 3" "$D" purge 3 --reason again
check "purged: in neither list" test "$(live_ids)/$(trash_ids)" = "1/2"
expect_exit 0 "purge of a trashed document" "$D" --json purge 2 --reason 'json purge' &&
    json_check "purge --json: one document" 'assert d["id"] == 2, d'
check "the trash is empty" test "$(trash_ids)" = ""
expect_exit 0 "verify --read-data after purging" "$D" verify --read-data &&
    check "verify after purging: 'vault ok', no notes" \
	test "$(cat "$T/out")" = "vault ok"
expect_exit 0 "the survivor is intact" "$D" get 1 &&
    check "the survivor's bytes" cmp -s "$T/out" t1.txt
printf 'trash test 4\n' >t4.txt
expect_exit 0 "a new document after purges" "$D" add t4.txt &&
    check "ids are not reused after a purge" test "$(cut -f1 "$T/out")" = 4
expect_exit 0 "a purged document's content is no duplicate any more" \
    "$D" add t3b.txt
tmp_empty "nothing left in tmp/"

done_testing
