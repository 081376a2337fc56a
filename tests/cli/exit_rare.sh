#!/bin/sh
# The exit codes that need unusual set-ups: 1 (runtime error), 5 (permission
# denied), 8 (bad input file), and 6 for a damaged catalog row.
set -u
: "${DOSSIER:?}"
t=$(mktemp -d "${TMPDIR:-/tmp}/dossier-rare.XXXXXX")
trap 'rm -rf "$t"' EXIT
export DOSSIER_VAULT="$t/v" DOSSIER_USER=admin LC_ALL=C.UTF-8
export DOSSIER_PASSPHRASE='rare exit passphrase' DOSSIER_NEW_PASSPHRASE='rare exit passphrase'
# SQL on the decrypted catalog, as an insider with the catalog key.
CATSQL=$(cd "$(dirname "$DOSSIER")" && pwd)/tests/catsql
catsql() { "$CATSQL" "$DOSSIER_VAULT" "$@"; }
n=0
expect() { # code name cmd...
	want=$1 name=$2
	shift 2
	n=$((n + 1))
	"$@" >"$t/out" 2>"$t/err"
	got=$?
	lines=$(wc -l <"$t/err")
	if [ "$got" -eq "$want" ] && { [ "$want" -eq 0 ] || { [ "$lines" -eq 1 ] && grep -q '^dossier: ' "$t/err"; }; }; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name (exit $got, want $want)"
		sed 's/^/# /' "$t/err"
	fi
}

expect 0 "init" "$DOSSIER" init "$t/v" --admin admin
printf 'content\n' >"$t/a.txt"
expect 0 "add" "$DOSSIER" add "$t/a.txt"

# 8: a FIFO is not a regular file.
mkfifo "$t/fifo"
expect 8 "add of a fifo is a bad input file" "$DOSSIER" add "$t/fifo"
expect 8 "add of a device is a bad input file" "$DOSSIER" add /dev/null

# 1: the passphrase file is a directory (cannot be read).
expect 1 "unreadable passphrase file" env -u DOSSIER_PASSPHRASE \
	"$DOSSIER" --passphrase-file "$t" list

# 5: a level key withheld from the user (as a lowered clearance leaves it):
# filing at that level is denied, and nothing is filed.
catsql "DELETE FROM sealed_key WHERE kind = 'level' AND level = 4;"
expect 5 "filing above the keys held is denied" "$DOSSIER" add "$t/a.txt" \
	--level top-secret --allow-duplicate
total=$("$DOSSIER" list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
n=$((n + 1))
if [ "$total" = 1 ]; then echo "ok $n - nothing filed after a denial"; else echo "not ok $n - $total documents after a denial"; fi

# 6: a document row's sealed metadata swapped with garbage.
catsql "UPDATE document SET meta = x'00112233445566778899aabbccddeeff0011223344556677' WHERE id = 1;"
expect 6 "damaged metadata is an integrity violation" "$DOSSIER" show 1
n=$((n + 1))
"$DOSSIER" verify >"$t/out" 2>&1
st=$?
if [ $st -eq 6 ] && grep -q '^damaged: document 1: metadata is damaged' "$t/out"; then
	echo "ok $n - verify reports it"
else
	echo "not ok $n - verify reports it (exit $st)"
	sed 's/^/# /' "$t/out"
fi

# 6: the user row's clearance edited outside dossier: the certificate fails.
catsql "UPDATE user SET clearance = 3 WHERE name = 'admin';"
expect 6 "an edited user row is refused at unlock" "$DOSSIER" list
