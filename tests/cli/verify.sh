#!/bin/sh
# "dossier verify" and tampering: a flipped, truncated or missing object
# is found by get (exit 6, no damaged bytes released) and by verify; the
# garbage an interrupted operation leaves is removed with a note.
. "$(dirname "$0")/lib.sh"

D=$DOSSIER
cd "$T" || exit 1
new_vault
OBJ=$DOSSIER_VAULT/objects

objects() { find "$OBJ" -type f | LC_ALL=C sort; }
# The object a command adds: run it, diff the object lists.
new_object() { # CMD...
	objects >"$T/objs.before"
	"$@" >/dev/null 2>"$T/err" || fail "set-up: $*" "$(cat "$T/err")"
	objects >"$T/objs.after"
	comm -13 "$T/objs.before" "$T/objs.after"
}
# flip FILE OFFSET: inverts the bits of one byte.
flip() {
	"$PY" -c '
import sys
p, off = sys.argv[1], int(sys.argv[2])
with open(p, "r+b") as f:
    f.seek(off)
    b = f.read(1)
    f.seek(off)
    f.write(bytes([b[0] ^ 0xFF]))' "$1" "$2"
}

printf 'version one of the first document\n' >d1v1.txt
printf 'version two of the first document\n' >d1v2.txt
head -c 300000 /dev/urandom >big.bin
o11=$(new_object "$D" -q add d1v1.txt --title 第一份)
o12=$(new_object "$D" -q update 1 d1v2.txt)
o2=$(new_object "$D" -q add big.bin)
check "set-up: one new object per version" \
    test -f "$o11" -a -f "$o12" -a -f "$o2"

# --- a clean vault -------------------------------------------------------------
expect_exit 0 "verify" "$D" verify &&
    expect_out "verify: 'vault ok'" "vault ok" &&
    expect_no_err "verify: nothing on stderr"
expect_exit 0 "verify --read-data" "$D" verify --read-data &&
    expect_out "verify --read-data: 'vault ok'" "vault ok"
if [ "$have_notty" -eq 1 ]; then
	expect_exit 0 "verify --no-keys needs no passphrase" \
	    notty env -u DOSSIER_PASSPHRASE -u DOSSIER_USER "$D" verify --no-keys &&
	    expect_out "verify --no-keys: 'vault ok'" "vault ok"
else
	pass "verify --no-keys needs no passphrase # SKIP a terminal is attached"
fi
expect_exit 0 "verify --json" "$D" --json verify --read-data &&
    json_check "verify --json: {ok: true, problems: []}" \
	'assert d == {"ok": True, "problems": []}, d'
expect_exit 0 "verify --no-keys --json" "$D" --json verify --no-keys &&
    json_check "verify --no-keys --json: {ok: true, problems: []}" \
	'assert d["ok"] is True and d["problems"] == [], d'
expect_exit 2 "verify --no-keys --read-data: exit 2" "$D" verify --no-keys --read-data &&
    expect_usage_err "verify --no-keys --read-data: usage error"
expect_exit 4 "verify with a wrong passphrase: exit 4" \
    env DOSSIER_PASSPHRASE=Not-The-Right-One-1 "$D" verify

# --- one flipped byte in version 2 of document 1 ---------------------------------
cp "$o12" "$T/o12.save"
flip "$o12" 50
expect_exit 6 "get of a flipped object: exit 6" "$D" get 1 &&
    expect_err_line "get of a flipped object: names document 1 version 2" \
	"document 1.*version 2" &&
    check "get of a flipped object: no byte on stdout" test ! -s "$T/out"
expect_exit 6 "get -o of a flipped object: exit 6" "$D" get 1@2 -o "$T/flipped.txt" &&
    check "get -o of a flipped object: no file" test ! -e "$T/flipped.txt"
expect_exit 0 "the other version still reads" "$D" get 1@1 &&
    check "version 1's bytes" cmp -s "$T/out" d1v1.txt
expect_exit 6 "verify --read-data with a flipped object: exit 6" "$D" verify --read-data &&
    check "verify --read-data names document 1 version 2" \
	grep -q -E '^damaged: document 1 version 2: ' "$T/out" &&
    check "verify --read-data: one problem, counted" \
	test "$(grep -c '^damaged: ' "$T/out")" -eq 1 -a \
	"$(tail -n 1 "$T/out")" = "vault damaged: 1 problem"
expect_exit 6 "verify with a flipped object: exit 6" "$D" verify
expect_exit 6 "verify --no-keys with a flipped object: exit 6" "$D" verify --no-keys
expect_exit 6 "verify --json with a flipped object: exit 6" "$D" --json verify --read-data &&
    json_check "verify --json: ok false, the problem names document 1 version 2" "
assert d['ok'] is False, d
p = [x for x in d['problems'] if x['fatal']]
assert len(p) == 1 and p[0]['id'] == 1 and p[0]['version'] == 2, d
assert isinstance(p[0]['detail'], str) and p[0]['detail'], d
"
cp "$T/o12.save" "$o12"
expect_exit 0 "verify --read-data with the byte put back" "$D" verify --read-data

# --- header damage ---------------------------------------------------------------------
cp "$o11" "$T/o11.save"
flip "$o11" 3
expect_exit 6 "get of an object with a damaged header: exit 6" "$D" get 1@1 &&
    expect_err_line "...names document 1 version 1" "document 1.*version 1"
expect_exit 6 "verify --read-data: exit 6" "$D" verify --read-data
cp "$T/o11.save" "$o11"

# --- damage in the last chunk of a multi-chunk document ---------------------------
cp "$o2" "$T/o2.save"
size=$(wc -c <"$o2")
flip "$o2" $((size - 40))
expect_exit 6 "get of a damaged last chunk: exit 6" "$D" get 2 &&
    expect_err_line "...names document 2 version 1" "document 2.*version 1"
got=$(wc -c <"$T/out")
# Random content does not compress: the first four 64 KiB chunks carry at
# most 4 * 65536 bytes of it, the damaged fifth the rest.
check "get of a damaged last chunk: nothing of the damaged chunk on stdout" \
    test "$got" -le 262144 ||
    diag "$got bytes on stdout"
check "...and they are the document's first bytes" cmp -s -n "$got" "$T/out" big.bin
expect_exit 6 "verify --read-data: exit 6" "$D" verify --read-data &&
    check "verify names document 2 version 1" \
	grep -q -E '^damaged: document 2 version 1: ' "$T/out"

# --- truncation ---------------------------------------------------------------------------
head -c $((size - 100)) "$T/o2.save" >"$o2"
expect_exit 6 "get of a truncated object: exit 6" "$D" get 2 &&
    expect_err_line "...names document 2" "document 2"
expect_exit 6 "verify --no-keys of a truncated object: exit 6" "$D" verify --no-keys
head -c 44 "$T/o2.save" >"$o2"
expect_exit 6 "get of an object cut after its header: exit 6" "$D" get 2
: >"$o2"
expect_exit 6 "get of an emptied object: exit 6" "$D" get 2
cp "$T/o2.save" "$o2"

# --- a missing object ----------------------------------------------------------------------
mv "$o12" "$T/o12.moved"
expect_exit 6 "get of a missing object: exit 6" "$D" get 1 &&
    expect_err_line "...names document 1 version 2" "document 1.*version 2"
expect_exit 6 "verify of a missing object: exit 6" "$D" verify &&
    check "verify names the missing version" \
	grep -q -E '^damaged: document 1 version 2: .*missing' "$T/out"
mv "$T/o12.moved" "$o12"

# --- swapped objects (version 1's object under version 2's name) ----------------------------
cp "$o11" "$o12"
expect_exit 6 "get of a substituted object: exit 6" "$D" get 1@2
expect_exit 6 "verify --read-data of a substituted object: exit 6" "$D" verify --read-data
cp "$T/o12.save" "$o12"
expect_exit 0 "all put back: verify --read-data" "$D" verify --read-data &&
    expect_out "all put back: 'vault ok'" "vault ok"

# --- garbage -----------------------------------------------------------------------------------
head -c 100 /dev/urandom >"$DOSSIER_VAULT/tmp/left-by-a-crash"
mkdir -p "$OBJ/00"
cp "$o2" "$OBJ/00/00000000000000000000000000000000000000000000000000000000000000"
expect_exit 0 "verify with garbage: exit 0" "$D" verify &&
    check "verify notes the removed temporary file" \
	grep -q '^note: .*left-by-a-crash' "$T/out" &&
    check "verify notes the removed unreferenced object" \
	grep -q '^note: .*unreferenced object' "$T/out" &&
    check "verify with garbage: still 'vault ok'" \
	test "$(tail -n 1 "$T/out")" = "vault ok"
tmp_empty "verify emptied tmp/"
check "verify removed the unreferenced object" \
    test ! -e "$OBJ/00/00000000000000000000000000000000000000000000000000000000000000"
expect_exit 0 "a second verify" "$D" verify &&
    expect_out "a second verify: 'vault ok' and no notes" "vault ok"
head -c 100 /dev/urandom >"$DOSSIER_VAULT/tmp/another"
expect_exit 0 "verify --json with garbage" "$D" --json verify &&
    json_check "verify --json: the garbage is a non-fatal problem" "
assert d['ok'] is True, d
assert len(d['problems']) == 1 and d['problems'][0]['fatal'] is False, d
assert 'another' in d['problems'][0]['detail'], d
"
check "documents survive garbage collection" \
    sh -c '"$1" get 2 | cmp -s - big.bin' sh "$D"

done_testing
