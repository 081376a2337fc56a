#!/bin/sh
# The audit log: one record per operation (reads, refusals and failed
# unlocks included), read by an auditor without level keys, and every
# insider edit of the vault's files caught by "audit verify": a changed,
# deleted, inserted or reordered record, a truncated tail, a catalog copied
# back, checkpoints stripped.  A record that cannot be written stops the
# operation.  Reports as tables, JSON and a self-contained HTML page.
. "$(dirname "$0")/lib.sh"

D=$DOSSIER
cd "$T" || exit 1
new_vault
V=$DOSSIER_VAULT
SQL() { catsql "$@"; }

# last_record FIELD...: the newest record's fields, '|'-separated.
last_record() {
	SQL "SELECT $1 FROM audit ORDER BY seq DESC LIMIT 1;"
}
nrec() { SQL "SELECT count(*) FROM audit;"; }

# expect_record NAME ACTION OUTCOME [DOC]: the last command wrote a
# record of ACTION with that outcome (commands that print a document also
# record the show that prints it).
MARK=0
expect_record() {
	_got=$(SQL "SELECT outcome || '|' || doc FROM audit WHERE seq > $MARK
	    AND action = '$2' ORDER BY seq DESC LIMIT 1;")
	_want="$3|${4:-0}"
	if [ "$_got" = "$_want" ]; then
		pass "$1"
	else
		fail "$1" "record of '$2' since $MARK: '$_got', want '$_want'"
	fi
	MARK=$(SQL "SELECT max(seq) FROM audit;")
}

printf '本合同编号HT-2031-0042，客户档案。\n' >a.txt
printf '第二版：维修记录。\n' >b.txt
printf '机密内容，绝密档案。\n' >s.txt

check "init is record 1" test "$(last_record "seq || action")" = "1init"
expect_exit 0 "add" "$D" -q add a.txt
expect_record "add: recorded with the document" add allowed 1
expect_exit 0 "update" "$D" -q update 1 b.txt
expect_record "update: recorded" update allowed 1
expect_exit 0 "meta" "$D" -q meta 1 --title 购房合同
expect_record "meta: recorded" meta allowed 1
expect_exit 0 "get" "$D" get 1 -o got.txt
expect_record "get: recorded" get allowed 1
expect_exit 0 "show" "$D" --json show 1
expect_record "show: recorded" show allowed 1
expect_exit 0 "list" "$D" list
expect_record "list: recorded" list allowed
expect_exit 0 "search" "$D" search 'QZXMARKER 合同 OR 维修'
expect_record "search: recorded" search allowed
check "search: the query text is not in the catalog file" \
    sh -c "! grep -qa QZXMARKER '$V/dossier.db' '$V/dossier.db-wal' 2>/dev/null"
expect_exit 0 "rm" "$D" -q rm 1 --reason 'QZXREASON 重复'
expect_record "rm: recorded" rm allowed 1
expect_exit 0 "restore" "$D" -q restore 1
expect_record "restore: recorded" restore allowed 1
expect_exit 0 "add a secret document" "$D" -q add s.txt --level secret
expect_exit 0 "verify" "$D" -q verify
expect_record "verify: recorded" verify allowed

# People: user add, passwd, clearance, grant, revoke, disable.
expect_exit 0 "user add (auditor, public only)" \
    "$D" --json user add audrey --role auditor --clearance public
one=$(jval 'd["one_time_passphrase"]')
expect_record "user add: recorded" 'user add' allowed
AUD='Audrey-Quartz-7781-Pw'
DOSSIER_USER=audrey DOSSIER_PASSPHRASE="$one" DOSSIER_NEW_PASSPHRASE="$AUD" \
    "$D" -q user passwd >/dev/null 2>&1
expect_record "user passwd (own): recorded" 'user passwd' allowed
expect_exit 0 "user add (clerk)" "$D" --json user add bob --role clerk
bone=$(jval 'd["one_time_passphrase"]')
BOB='Bob-Harbor-5531-Quill'
DOSSIER_USER=bob DOSSIER_PASSPHRASE="$bone" DOSSIER_NEW_PASSPHRASE="$BOB" \
    "$D" -q user passwd >/dev/null 2>&1
expect_exit 0 "grant" "$D" -q grant bob export --doc 1
expect_record "grant: recorded" grant allowed 1
expect_exit 0 "revoke" "$D" -q revoke bob export --doc 1
expect_record "revoke: recorded" revoke allowed 1
expect_exit 0 "user clearance" "$D" -q user clearance audrey internal
expect_record "user clearance: recorded" 'user clearance' allowed
expect_exit 0 "user clearance back" "$D" -q user clearance audrey public

# Refusals: denied (exit 5), above clearance (exit 3, recorded denied),
# failed unlock (exit 4), failure (exit 3).
expect_exit 5 "bob may not purge" env DOSSIER_USER=bob DOSSIER_PASSPHRASE="$BOB" \
    "$D" purge 1 --reason x
expect_record "denied purge: recorded denied" purge denied 1
expect_exit 3 "bob asks for the secret document: not found" \
    env DOSSIER_USER=bob DOSSIER_PASSPHRASE="$BOB" "$D" show 2
expect_record "above clearance: recorded as denied" show denied 2
expect_exit 3 "show of a document that does not exist" "$D" show 99
expect_record "not found: recorded failed" show failed 99
n=$(nrec)
expect_exit 4 "a wrong passphrase" env DOSSIER_PASSPHRASE=wrong-wrong-wrong \
    "$D" list
expect_exit 4 "an unknown user" env DOSSIER_USER=mallory "$D" list
check "failed unlocks wait in audit.pending" test -s "$V/audit.pending"
check "...and are not in the log yet" test "$(nrec)" -eq "$n"
expect_exit 0 "the next command" "$D" -q list
check "the failed unlocks joined the log, unsigned" test \
    "$(SQL "SELECT group_concat(user || ':' || outcome || ':' || signed)
    FROM audit WHERE action = 'unlock';")" = "alice:failed:0,mallory:failed:0"
expect_exit 0 "purge" "$D" -q purge 1 --reason 'QZXPURGE 销毁'
expect_record "purge: recorded" purge allowed 1

# The auditor reads the log without any document key: who, what, when,
# which document; titles only for levels they are cleared for.
export DOSSIER_USER=audrey DOSSIER_PASSPHRASE="$AUD"
expect_exit 0 "auditor: audit log --json" "$D" --json audit log
json_check "audit log --json: shape, details opened, no title above clearance" '
e = d["entries"]
assert [x["seq"] for x in e] == list(range(1, len(e) + 1)), e[:3]
assert set(e[0]) >= {"seq", "time", "user", "action", "doc", "version", "outcome", "detail"}, e[0]
s = [x for x in e if x["action"] == "search"][0]
assert "QZXMARKER" in s["detail"] and "hits=" in s["detail"], s
sec = [x for x in e if x["doc"] == 2]
assert sec and all("title" not in x for x in sec), sec
assert any(x["outcome"] == "denied" and x["action"] == "purge" for x in e)
'
expect_exit 0 "audit log --user bob --denied" "$D" --json audit log --user bob --denied
json_check "filters: only bob's denials" '
e = d["entries"]
assert len(e) == 2 and all(x["user"] == "bob" and x["outcome"] == "denied" for x in e), e
'
expect_exit 0 "audit log --doc 1 --action get" "$D" --json audit log --doc 1 --action get
json_check "filters: doc and action" 'assert len(d["entries"]) == 1, d'
expect_exit 0 "audit log --csv" "$D" audit log --csv --action rm
check "csv: a header and one quoted-as-needed row" "$PY" -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
assert rows[0][:3] == ["seq", "time", "user"], rows[0]
assert len(rows) == 2 and rows[1][3] == "rm" and "QZXREASON" in rows[1][9], rows
' "$T/out"
expect_exit 0 "audit log (table)" "$D" audit log --action add
check "table: the header and the document" grep -q 'OUTCOME' "$T/out"
expect_exit 2 "audit log --since with a bad date" "$D" audit log --since 2026-13-01
expect_exit 0 "audit verify: intact" "$D" audit verify
check "audit verify says how many records" grep -q 'intact' "$T/out"
expect_exit 0 "audit report --json" "$D" --json audit report --month "$(date -u +%Y-%m)"
json_check "report: users, actions, levels, denials counted" '
assert d["records"] > 20 and d["denied"] >= 2, d
assert any(u["key"] == "bob" and u["denied"] == 2 for u in d["users"]), d["users"]
assert any(a["key"] == "add" for a in d["actions"])
'
expect_exit 0 "audit report (table)" "$D" audit report --month "$(date -u +%Y-%m)"
check "report: sections" grep -q 'denied attempts' "$T/out"
expect_exit 0 "audit report --html" "$D" audit report --month "$(date -u +%Y-%m)" --html "$T/r.html"
check "html: charts inline, nothing fetched" "$PY" -c '
import sys
h = open(sys.argv[1], encoding="utf-8").read()
assert "<svg" in h and "</html>" in h
for bad in ("<script", "src=", "href=", "url(", "@import"):
    assert bad not in h, bad
' "$T/r.html"
expect_exit 7 "audit report --html does not overwrite" "$D" audit report --month "$(date -u +%Y-%m)" --html "$T/r.html"
expect_exit 2 "audit report with a bad month" "$D" audit report --month 2026-13
export DOSSIER_USER=bob DOSSIER_PASSPHRASE="$BOB"
expect_exit 5 "a clerk may not read the audit log" "$D" audit log
export DOSSIER_USER=alice DOSSIER_PASSPHRASE="$PASS"

# Fail closed: when the record cannot be written, nothing happens.
SQL "CREATE TRIGGER no_audit BEFORE INSERT ON audit BEGIN
    SELECT RAISE(FAIL, 'audit write refused'); END;"
before=$(SQL "SELECT count(*) FROM document;")
objs=$(find "$V/objects" -type f | wc -l)
printf '不应归档\n' >c.txt
expect_exit 1 "add refused when its record cannot be written" "$D" add c.txt &&
    check "...saying why in one line" grep -q 'cannot write the audit log' "$T/err"
check "...nothing filed" test "$(SQL "SELECT count(*) FROM document;")" = "$before"
check "...no object left" test "$(find "$V/objects" -type f | wc -l)" = "$objs"
expect_exit 1 "get refused when its record cannot be written" "$D" get 2 -o nope.txt
check "...no file written" test ! -e nope.txt
expect_exit 1 "search refused when its record cannot be written" "$D" search 维修
SQL "DROP TRIGGER no_audit;"
expect_exit 0 "verify after the refusals" "$D" -q verify
expect_exit 0 "audit verify after the refusals" "$D" audit verify

# Insider edits, each on a copy of the vault.
cp -a "$V" "$T/pristine"
attack() { # NAME WANT-IN-MESSAGE SQL...
	_n=$1
	_w=$2
	shift 2
	rm -rf "$V"
	cp -a "$T/pristine" "$V"
	SQL "$@"
	expect_exit 6 "$_n: exit 6" "$D" audit verify &&
	    check "$_n: names it ($_w)" grep -q "$_w" "$T/err"
}
attack "a changed record" "record 5: changed" \
    "UPDATE audit SET user = 'bob' WHERE seq = 5;"
attack "a changed detail" "record 7: changed" \
    "UPDATE audit SET detail = zeroblob(40) WHERE seq = 7;"
attack "a deleted record" "record 6: missing" "DELETE FROM audit WHERE seq = 6;"
attack "an inserted record" "record 6" \
    "UPDATE audit SET seq = seq + 1000 WHERE seq >= 6;
     UPDATE audit SET seq = seq - 999 WHERE seq >= 1006;
     INSERT INTO audit SELECT 6, time, user, action, doc, version, level,
         outcome, detail, prev, hash, signed, sig FROM audit WHERE seq = 5;"
attack "two records swapped" "record 4" \
    "UPDATE audit SET seq = -1 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = 5;
     UPDATE audit SET seq = 5 WHERE seq = -1;"
attack "a signature removed" "record 8" \
    "UPDATE audit SET signed = 0, sig = zeroblob(64) WHERE seq = 8;"
attack "the tail cut off" "rolled back\\|not the one checkpointed" \
    "DELETE FROM audit WHERE seq > (SELECT max(seq) - 3 FROM audit);"

# A catalog copied back from before: the witness is newer.
rm -rf "$V"
cp -a "$T/pristine" "$V"
SQL "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
cp "$V/dossier.db" "$T/old.db"
"$D" -q add c.txt >/dev/null 2>&1
"$D" -q list >/dev/null 2>&1
cp "$T/old.db" "$V/dossier.db"
rm -f "$V/dossier.db-wal" "$V/dossier.db-shm"
expect_exit 6 "a catalog copied back: exit 6" "$D" audit verify &&
    check "a catalog copied back: named" \
    grep -q 'rolled back\|not the one checkpointed' "$T/err"
# The insider copies back audit.witness too: a witness kept outside the
# vault still tells.
rm -rf "$V"
cp -a "$T/pristine" "$V"
SQL "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
cp "$V/dossier.db" "$T/old.db"
cp "$V/audit.witness" "$T/old.witness"
"$D" -q add c.txt >/dev/null 2>&1
"$D" -q list >/dev/null 2>&1
cp "$V/audit.witness" "$T/outside.witness"
expect_exit 0 "verify against the outside witness: fine" \
    "$D" audit verify --witness "$T/outside.witness"
cp "$T/old.db" "$V/dossier.db"
rm -f "$V/dossier.db-wal" "$V/dossier.db-shm"
cp "$T/old.witness" "$V/audit.witness"
expect_exit 0 "catalog and witness copied back: the vault alone cannot tell" \
    "$D" audit verify
expect_exit 6 "...the outside witness can" \
    "$D" audit verify --witness "$T/outside.witness"
expect_exit 3 "an outside witness that does not exist: exit 3" \
    "$D" audit verify --witness "$T/none.witness"

# Checkpoints stripped or removed.
rm -rf "$V"
cp -a "$T/pristine" "$V"
head -n 2 "$T/pristine/audit.witness" >"$V/audit.witness"
expect_exit 6 "checkpoints stripped: exit 6" "$D" audit verify &&
    check "checkpoints stripped: named" grep -q 'stripped' "$T/err"
rm -f "$V/audit.witness"
expect_exit 6 "audit.witness removed: exit 6" "$D" audit verify &&
    check "audit.witness removed: named" grep -q 'missing' "$T/err"
# A checkpoint with a flipped digit in its signature.
rm -rf "$V"
cp -a "$T/pristine" "$V"
awk 'NR == 3 { c = substr($5, 1, 1); $5 = (c == "0" ? "1" : "0") substr($5, 2) }
    { print }' "$T/pristine/audit.witness" >"$V/audit.witness"
expect_exit 6 "a forged checkpoint: exit 6" "$D" audit verify &&
    check "a forged checkpoint: named" grep -q 'checkpoint of record' "$T/err"

done_testing
