#!/bin/sh
# dossier upgrade: a vault of format 1 (fixtures/upgrade/vault-v1: plain
# catalog with the key slots inside) is refused with a clear message until
# an administrator upgrades it; refused attempts change nothing; the
# upgraded vault has the same documents, users and audit log, its catalog
# is no longer readable with sqlite3, and a second run has nothing to do.
# A vault of a newer format is refused.  (Kills during the upgrade:
# tests/crash/upgrade.sh.)
. "$(dirname "$0")/lib.sh"

D=$DOSSIER
cd "$T" || exit 1
V=$T/old
cp -a "$TOP/fixtures/upgrade/vault-v1" "$V"
# As a clone of the repository has it: git keeps no empty directory.
rm -rf "$V/tmp"
export DOSSIER_VAULT="$V" DOSSIER_USER=admin
export DOSSIER_PASSPHRASE='upgrade fixture passphrase'
LIN='lin fixture passphrase'
snapshot() { (cd "$V" && find . -type f ! -name lock -exec sha256sum {} + | sort); }

expect_exit 1 "list on a format-1 vault: exit 1" "$D" list &&
    expect_err_line "...one line asking for an upgrade" \
    "old format 1: run 'dossier upgrade'"
expect_exit 1 "verify --no-keys on a format-1 vault: exit 1" "$D" verify --no-keys
snapshot >"$T/before"
expect_exit 4 "upgrade with a wrong passphrase: exit 4" \
    env DOSSIER_PASSPHRASE='not the passphrase at all' "$D" upgrade &&
    expect_err_line "...the usual one line" "authentication failed"
expect_exit 5 "upgrade by a clerk: exit 5" \
    env DOSSIER_USER=lin DOSSIER_PASSPHRASE="$LIN" "$D" upgrade &&
    expect_err_line "...only an administrator" "only an administrator"
snapshot | grep -v 'audit.pending$' >"$T/after"
grep -v 'audit.pending$' "$T/before" >"$T/before.cmp"
check "the refused upgrades changed no file of the vault" \
    cmp -s "$T/before.cmp" "$T/after"
check "...and left nothing behind" \
    test ! -e "$V/upgrade" -a ! -e "$V/keyring.db"

expect_exit 0 "upgrade as the administrator" "$D" upgrade &&
    check "...says so" grep -q "upgraded vault .* from format 1 to format 2" "$T/out"
check "VERSION says format 2" grep -q -x "dossier vault format 2" "$V/VERSION"
check "the catalog is no longer plain SQLite" \
    sh -c "! head -c 15 '$V/dossier.db' | grep -q 'SQLite format 3'"
expect_exit 1 "sqlite3 dossier.db .tables fails" sqlite3 "$V/dossier.db" .tables
check "the keyring is plain SQLite with no catalog table" \
    sh -c "sqlite3 '$V/keyring.db' .tables | tr -s ' \n' '\n\n' | sort | tr '\n' ' ' | grep -q -x 'keyslot vault '"
expect_exit 0 "the documents are there" "$D" --json list
json_check "...both, with their metadata" "
docs = {o['id']: o for o in d['documents']}
assert sorted(docs) == [1, 2], docs
assert docs[1]['category'] == '合同' and docs[1]['tags'] == ['升级'], docs[1]
assert docs[2]['level'] == 'secret', docs[2]
"
expect_exit 0 "get 1 gives the bytes filed" "$D" get 1 &&
    check "...byte for byte" test "$(cat "$T/out")" = "旧格式合同 HT-2020-0001 升级测试"
expect_exit 0 "search finds the contract number" "$D" search HT-2020-0001 &&
    check "...in document 1" grep -q "^1 " "$T/out"
expect_exit 0 "the clerk unlocks with their passphrase" \
    env DOSSIER_USER=lin DOSSIER_PASSPHRASE="$LIN" "$D" --json list
json_check "...and sees only what they are cleared for" "
assert [o['id'] for o in d['documents']] == [1], d
"
expect_exit 0 "verify --read-data" "$D" verify --read-data
check "...the upgrade made the missing tmp/" test -d "$V/tmp"
expect_exit 0 "verify --no-keys" "$D" verify --no-keys
expect_exit 0 "audit verify: the old chain goes on" "$D" --json audit verify
json_check "...with the records made before the upgrade" "
assert d['ok'] is True and d['records'] > 7, d
"
expect_exit 0 "the upgrade is in the audit log" "$D" --json audit log --action upgrade
json_check "...once, by the administrator, allowed" "
e = d['entries']
assert len(e) == 1 and e[0]['user'] == 'admin' and e[0]['outcome'] == 'allowed', e
"
expect_exit 0 "the wrong passphrase is in the log too" "$D" --json audit log --action unlock
json_check "...as a failed unlock of admin" "
assert [(x['user'], x['outcome']) for x in d['entries']] == [('admin', 'failed')], d
"
expect_exit 0 "upgrade again: nothing to do" "$D" --json upgrade
json_check "...format 2 already" "assert d['from'] == 2 and d['format'] == 2, d"
expect_exit 0 "file a document after the upgrade" "$D" -q add \
    "$TOP/fixtures/upgrade/README.md" --title 升级后
expect_exit 0 "...numbered after the old ones" "$D" --json list
json_check "...as document 3" "assert d['documents'][0]['id'] == 3, d"

# A vault of a format this dossier does not know.
cp -a "$V" "$T/newer"
printf 'dossier vault format 9\n' >"$T/newer/VERSION"
expect_exit 1 "a vault of a newer format: exit 1" "$D" -V "$T/newer" list &&
    expect_err_line "...named with both formats" "format 9, newer than this dossier \\(2\\)"
expect_exit 1 "...which upgrade refuses too" "$D" -V "$T/newer" upgrade
done_testing
