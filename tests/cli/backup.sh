#!/bin/sh
# Backups: a user with only the backup role makes and checks them without
# any level key; the archive holds no plaintext; every kind of damage
# (flipped byte in any member, truncation, a missing, extra or swapped
# member, a hostile member name) is exit 6 naming what; restore builds a
# new vault with the same documents, versions, users and audit log, only
# after checking it, never over an existing path, never outside it; an
# incremental backup holds only what changed.
. "$(dirname "$0")/lib.sh"

D=$DOSSIER
cd "$T" || exit 1
new_vault
V=$DOSSIER_VAULT
CN=备份标记甲乙丙
LA=BackupMarkerQX7
printf '%s 合同正文 %s\n' "$CN" "$LA" >a.txt
head -c 150000 /dev/urandom >b.bin
printf '第二版 %s\n' "$CN" >a2.txt
expect_exit 0 "file a secret document with markers" "$D" -q add a.txt \
    --level 机密 --title "$CN标题" --tag "$LA"
expect_exit 0 "file a binary" "$D" -q add b.bin
expect_exit 0 "a second version" "$D" -q update 1 a2.txt --note "$CN"
expect_exit 0 "a backup operator (role backup, clearance public)" \
    "$D" user add bak --role backup --clearance 公开
OT=$(sed -n 's/^one-time passphrase: //p' "$T/out")
BAKPW="$PASS-bak"
expect_exit 0 "...who sets a passphrase" env DOSSIER_USER=bak \
    DOSSIER_PASSPHRASE="$OT" DOSSIER_NEW_PASSPHRASE="$BAKPW" "$D" user passwd
expect_exit 0 "a clerk" "$D" user add lin --role clerk --clearance 内部
OTL=$(sed -n 's/^one-time passphrase: //p' "$T/out")
LINPW="$PASS-lin"
expect_exit 0 "...who sets a passphrase" env DOSSIER_USER=lin \
    DOSSIER_PASSPHRASE="$OTL" DOSSIER_NEW_PASSPHRASE="$LINPW" "$D" user passwd
bak() { env DOSSIER_USER=bak DOSSIER_PASSPHRASE="$BAKPW" "$D" "$@"; }
lin() { env DOSSIER_USER=lin DOSSIER_PASSPHRASE="$LINPW" "$D" "$@"; }

RECOV="$PASS-recovery-on-paper"
expect_exit 0 "the administrator sets a recovery passphrase" \
    env DOSSIER_NEW_PASSPHRASE="$RECOV" "$D" user recovery
expect_exit 5 "a clerk cannot make a backup" lin backup create "$T/no.tar" &&
    expect_err_line "...one line naming the permission" "backup"
check "...and no file appears" test ! -e "$T/no.tar"
expect_exit 0 "the backup operator makes a full backup" bak --json backup \
    create "$T/full.tar"
json_check "...of both objects, for three versions" "
assert d['kind'] == 'full' and d['base'] is None, d
assert d['objects'] == 3 and d['referenced'] == 3, d
"
expect_exit 3 "...yet cannot read the secret document" bak get 1
expect_exit 7 "a second backup to the same file: exit 7" bak backup create \
    "$T/full.tar"
check "no temporary file is left beside the backups" \
    test -z "$(ls -A "$T" | grep '^\.dossier-')"

# No plaintext in the archive, in UTF-8 or UTF-16.
{
	printf '%s\n%s\n' "$CN" "$LA"
	for enc in UTF-16LE UTF-16BE; do
		for m in "$CN" "$LA"; do
			printf '%s' "$m" | iconv -f UTF-8 -t "$enc"
			printf '\n'
		done
	done
} >"$T/patterns"
check "no marker in the backup archive" \
    sh -c "! LC_ALL=C grep -a -q -F -f '$T/patterns' '$T/full.tar'"
check "...while the markers are in the vault's documents" \
    sh -c "$D get 1 | grep -q '$CN'"

expect_exit 0 "backup list" "$D" --json backup list "$T/full.tar"
json_check "...shows the signed manifest" "
assert d['kind'] == 'full' and d['created_by'] == 'bak', d
assert len(d['id']) == 32 and d['audit_records'] > 5, d
"
expect_exit 0 "backup verify --no-keys" "$D" backup verify --no-keys "$T/full.tar"
expect_exit 0 "the backup operator verifies with keys (restore, read, remove)" \
    bak backup verify "$T/full.tar"
check "...leaving nothing beside the backup" \
    test -z "$(ls -A "$T" | grep '^\.dossier-')"

# --- damage: every member, truncation, missing, extra, swapped, hostile ----
members=$(tar tf "$T/full.tar")
check "set-up: the archive has manifest, signature, snapshots, witness, objects" \
    test "$(printf '%s\n' "$members" | head -n 2 | tr '\n' ' ')" = \
    "dossier-backup.json dossier-backup.sig "
# flip_member NAME: a copy of full.tar with one byte of NAME's data flipped.
"$PY" - "$T/full.tar" "$T/dmg" <<'PY'
import os, sys, tarfile
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
data = open(src, 'rb').read()
with tarfile.open(src) as t:
    for i, m in enumerate(t.getmembers()):
        b = bytearray(data)
        off = m.offset_data + m.size // 2
        b[off] ^= 0x5a
        open(os.path.join(out, '%d.tar' % i), 'wb').write(b)
        open(os.path.join(out, '%d.name' % i), 'w').write(m.name)
PY
i=0
bad=0
while [ -f "$T/dmg/$i.tar" ]; do
	name=$(cat "$T/dmg/$i.name")
	"$D" backup verify --no-keys "$T/dmg/$i.tar" >"$T/o" 2>"$T/e"
	rc=$?
	case $name in
	dossier-backup.json) want="manifest" ;;
	dossier-backup.sig) want="signature" ;;
	*) want=$name ;;
	esac
	if [ $rc -ne 6 ] || ! grep -q -F "$want" "$T/e"; then
		fail "a flipped byte in $name: exit 6 naming it" "exit $rc: $(cat "$T/e")"
		bad=$((bad + 1))
	fi
	i=$((i + 1))
done
[ $bad -eq 0 ] && pass "a flipped byte in each of the $i members: exit 6 naming it"
size=$(wc -c <"$T/full.tar")
head -c $((size / 2)) "$T/full.tar" >"$T/trunc.tar"
expect_exit 6 "a truncated backup: exit 6" "$D" backup verify --no-keys "$T/trunc.tar"
"$PY" - "$T/full.tar" "$T" <<'PY'
import io, sys, tarfile
src, out = sys.argv[1], sys.argv[2]
with tarfile.open(src) as t:
    ms = [(m, t.extractfile(m).read()) for m in t.getmembers()]
def write(name, items):
    with tarfile.open(out + '/' + name, 'w', format=tarfile.PAX_FORMAT) as w:
        for m, b in items:
            w.addfile(m, io.BytesIO(b))
obj = [x for x in ms if x[0].name.startswith('objects/')][0]
write('missing.tar', [x for x in ms if x is not obj])
extra = tarfile.TarInfo('notes.txt'); extra.size = 3
write('extra.tar', ms + [(extra, b'hi\n')])
dup = tarfile.TarInfo(obj[0].name); dup.size = obj[0].size
write('dup.tar', ms + [(dup, obj[1])])
for bad in ('../evil.txt', '/tmp/evil-abs.txt', 'objects/../../evil2'):
    e = tarfile.TarInfo(bad); e.size = 5
    write('hostile-%d.tar' % len(bad), ms[:2] + [(e, b'evil\n')] + ms[2:])
link = tarfile.TarInfo('catalog.db'); link.type = tarfile.SYMTYPE
link.linkname = '/etc/passwd'
write('symlink.tar', ms[:2] + [(link, b'')] + [x for x in ms[2:] if x[0].name != 'catalog.db'])
PY
expect_exit 6 "a missing object: exit 6" "$D" backup verify --no-keys "$T/missing.tar" &&
    expect_err_line "...naming it" "objects/.* is missing"
expect_exit 6 "an extra member: exit 6" "$D" backup verify --no-keys "$T/extra.tar" &&
    expect_err_line "...naming it" "notes.txt"
expect_exit 6 "a member twice: exit 6" "$D" backup verify --no-keys "$T/dup.tar"
for h in "$T"/hostile-*.tar "$T/symlink.tar"; do
	expect_exit 6 "a hostile member ($(basename "$h")): exit 6" \
	    "$D" backup restore "$h" --to "$T/hostile-vault"
done
check "...nothing written outside: no evil files" \
    test ! -e "$T/../evil.txt" -a ! -e /tmp/evil-abs.txt -a ! -e "$T/evil2"
check "...and no vault either" test ! -e "$T/hostile-vault"

# --- incremental, and a member swapped in from another backup ----------
expect_exit 0 "a change after the full backup" "$D" -q add "$TOP/README.md" \
    --title 新文件
expect_exit 0 "an incremental backup" bak --json backup create "$T/inc.tar" \
    --since "$T/full.tar"
json_check "...holding only the new object" "
assert d['kind'] == 'incremental' and d['objects'] == 1, d
assert d['referenced'] == 4, d
"
"$PY" - "$T/inc.tar" "$T/full.tar" "$T/swapped.tar" <<'PY'
import io, sys, tarfile
inc, full, out = sys.argv[1:4]
with tarfile.open(full) as t:
    cat = t.extractfile('catalog.db').read()
with tarfile.open(inc) as t, tarfile.open(out, 'w', format=tarfile.PAX_FORMAT) as w:
    for m in t.getmembers():
        b = t.extractfile(m).read()
        if m.name == 'catalog.db':
            b = cat; m.size = len(b)
        w.addfile(m, io.BytesIO(b))
PY
expect_exit 6 "the catalog swapped in from another backup: exit 6" \
    "$D" backup verify --no-keys "$T/swapped.tar" &&
    expect_err_line "...naming it" "catalog.db"
expect_exit 2 "restoring the incremental alone: its base is missing" \
    "$D" backup restore "$T/inc.tar" --to "$T/r0"
check "...no vault made" test ! -e "$T/r0"

# --- restore ---------------------------------------------------------------
mkdir "$T/exists"
expect_exit 7 "restoring into an existing path: exit 7" \
    "$D" backup restore "$T/full.tar" --to "$T/exists"
check "...which is left alone" test -z "$(ls -A "$T/exists")"
expect_exit 4 "restoring with a wrong passphrase: exit 4" env \
    DOSSIER_PASSPHRASE=wrong-wrong-wrong "$D" backup restore "$T/full.tar" \
    "$T/inc.tar" --to "$T/r1"
check "...no vault made, nothing left beside it" \
    test ! -e "$T/r1" -a -z "$(ls -A "$T" | grep 'r1.restore')"
expect_exit 0 "restore the chain (in any order) as the administrator" \
    "$D" backup restore "$T/inc.tar" "$T/full.tar" --to "$T/r1"
expect_exit 0 "restore with only the recovery passphrase" env \
    DOSSIER_PASSPHRASE="$RECOV" "$D" backup restore "$T/full.tar" \
    "$T/inc.tar" --to "$T/r2"
expect_exit 0 "...which opens the restored vault too" env \
    DOSSIER_PASSPHRASE="$RECOV" "$D" -V "$T/r2" get 1 &&
    check "...the document, byte for byte" cmp -s "$T/out" a2.txt
R() { "$D" -V "$T/r1" "$@"; }
expect_exit 0 "the restored vault lists the documents" R --json list
json_check "...all three" "assert d['total'] == 3, d"
expect_exit 0 "...document 1 version 1, byte for byte" R get 1@1 &&
    check "...same bytes" cmp -s "$T/out" a.txt
expect_exit 0 "...version 2" R get 1 && check "...same bytes" cmp -s "$T/out" a2.txt
expect_exit 0 "...the binary" R get 2 && check "...same bytes" cmp -s "$T/out" b.bin
expect_exit 0 "the clerk unlocks the restored vault" \
    env DOSSIER_USER=lin DOSSIER_PASSPHRASE="$LINPW" "$D" -V "$T/r1" --json list
json_check "...and sees what they saw (not the secret one)" "
assert sorted(x['id'] for x in d['documents']) == [2, 3], d
"
expect_exit 0 "audit verify on the restored vault" R audit verify
expect_exit 0 "...with the original vault's witness copy as outside witness" \
    R audit verify --witness "$T/r1/audit.witness"
expect_exit 0 "the restore is in the restored vault's log" R --json audit log \
    --action "backup restore"
json_check "...once" "assert len(d['entries']) == 1, d"
expect_exit 0 "the backups are in the original vault's log" "$D" --json \
    audit log --action "backup create"
json_check "...two made, one refused, one failed (file exists)" "
o = sorted(e['outcome'] for e in d['entries'])
assert o == ['allowed', 'allowed', 'denied', 'failed'], o
"
expect_exit 0 "verify --read-data on the restored vault" R verify --read-data
expect_exit 0 "search works on the restored vault (index rebuilt)" R search 合同
done_testing
