#!/bin/sh
# People and permissions through the CLI (issue 3): "user add|passwd|list|
# show|disable|clearance", one-time passphrases, each role x each command,
# clearance levels, grants to @groups, restricted documents, disabled
# users, policy rows edited behind dossier's back, and the
# --json shapes of user list/show, grant and rekey.
. "$(dirname "$0")/lib.sh"

D=$DOSSIER
cd "$T" || exit 1
new_vault


# Each user's passphrase contains $PASS, so that lib.sh's leak check
# (every output searched for $PASS) covers theirs too.  as() reads them
# through eval.
# shellcheck disable=SC2034
PW_alice=$PASS
PW_bob="$PASS-bob"
PW_vic="$PASS-vic"
# shellcheck disable=SC2034
PW_aud="$PASS-aud"
# shellcheck disable=SC2034
PW_bak="$PASS-bak"

role() {
	case $1 in
	alice) echo admin ;;
	bob) echo clerk ;;
	vic) echo viewer ;;
	aud) echo auditor ;;
	bak) echo backup ;;
	*) echo "?" ;;
	esac
}

# as USER ARGS...: runs dossier ARGS as USER, with USER's passphrase.
as() {
	eval "as_p=\${PW_$1:-}"
	as_u=$1
	shift
	# shellcheck disable=SC2154
	env DOSSIER_USER="$as_u" DOSSIER_PASSPHRASE="$as_p" "$D" "$@"
}

# with_pw USER PASSPHRASE ARGS...: runs dossier ARGS as USER with the
# passphrase given (a one-time or a wrong one).
with_pw() {
	wp_u=$1
	wp_p=$2
	shift 2
	env DOSSIER_USER="$wp_u" DOSSIER_PASSPHRASE="$wp_p" "$D" "$@"
}

# row USER CODE PERM WHAT ARGS...: USER runs "dossier ARGS" and exits with
# CODE; a denial (5) is one stderr line naming PERM, a hidden document (3)
# one line "no document ..."; either prints nothing on stdout.
row() {
	r_u=$1
	r_c=$2
	r_p=$3
	r_w=$4
	shift 4
	r_n="$(role "$r_u") $r_u: $r_w"
	expect_exit "$r_c" "$r_n: exit $r_c" as "$r_u" "$@" || return 1
	case $r_c in
	5)
		expect_err_line "$r_n: one line naming '$r_p'" \
		    "permission denied.*'$r_p'"
		;;
	3)
		expect_err_line "$r_n: one line, as for no such document" \
		    "no document"
		;;
	esac
	case $r_c in
	3 | 5)
		check "$r_n: nothing on stdout" test ! -s "$T/out" ||
		    diag_last
		;;
	esac
}

# ids_are WHAT IDS: the last list --json shows exactly IDS (sorted, space-
# separated; "" for none), and total agrees.
ids_are() {
	json_check "$1" "
ids = sorted(o['id'] for o in d['documents'])
want = [int(x) for x in '$2'.split()]
assert ids == want, (ids, want)
assert d['total'] == len(want), d['total']
"
}

# onetime: the one-time passphrase printed by the last "user add" (human).
onetime() {
	sed -n 's/^one-time passphrase: //p' "$T/out"
}

# --- set-up -----------------------------------------------------------------------
printf '购房合同 第一版\n' >doc1.txt
printf '已作废的合同\n' >doc2.txt
"$D" -q add doc1.txt --title 合同一 --category 合同 >/dev/null 2>&1 ||
    fail "set-up: add doc1.txt (id 1)"
"$D" -q add doc2.txt --category 合同 >/dev/null 2>&1 ||
    fail "set-up: add doc2.txt (id 2)"
"$D" -q rm 2 --reason 作废 >/dev/null 2>&1 || fail "set-up: rm 2"

# --- one-time passphrases ---------------------------------------------------------
expect_exit 0 "user add bob --role clerk" "$D" user add bob --role clerk &&
    expect_no_err "user add: nothing on stderr"
OT_bob=$(onetime)
check "user add prints a one-time passphrase" test -n "$OT_bob" || diag_last
check "user add says it must be replaced with 'user passwd'" \
    grep -q "user passwd" "$T/out"
expect_exit 5 "one-time passphrase: list before replacing it: exit 5" \
    with_pw bob "$OT_bob" list &&
    expect_err_line "one-time passphrase: one line telling to replace it" \
	"one-time passphrase.*user passwd"
check "one-time passphrase: list printed nothing" test ! -s "$T/out"
check "the one-time passphrase is not echoed in the error" \
    sh -c '! grep -q -F -e "$1" "$2"' sh "$OT_bob" "$T/err"
expect_exit 5 "one-time passphrase: show 1 before replacing it: exit 5" \
    with_pw bob "$OT_bob" show 1 &&
    expect_err_line "one-time passphrase (show): one line" "user passwd"
for w in short password1234 aaaaaaaaaaaa; do
	case $w in
	short) why="too short" pat="short|12" ;;
	password1234) why="common" pat="common" ;;
	*) why="a pattern" pat="pattern|repeat" ;;
	esac
	expect_exit 2 "user passwd refuses '$w' ($why): exit 2" \
	    env DOSSIER_NEW_PASSPHRASE="$w" \
	    DOSSIER_USER=bob DOSSIER_PASSPHRASE="$OT_bob" "$D" user passwd &&
	    expect_err_line "user passwd '$w': one line giving the reason" "$pat"
	# ("short" is a word of the reason itself.)
	[ "$w" = short ] ||
	    check "user passwd '$w': the new passphrase is not echoed" \
		sh -c '! grep -q -F -e "$1" "$2" "$3"' sh "$w" "$T/out" "$T/err"
done
expect_exit 5 "after the refused passphrases, still on the one-time one" \
    with_pw bob "$OT_bob" list
expect_exit 0 "user passwd replaces the one-time passphrase" \
    env DOSSIER_NEW_PASSPHRASE="$PW_bob" \
    DOSSIER_USER=bob DOSSIER_PASSPHRASE="$OT_bob" "$D" user passwd
expect_exit 4 "the old one-time passphrase: exit 4" \
    with_pw bob "$OT_bob" list &&
    expect_err_line "the old one-time passphrase: one line" "authentication"

# The other roles: each replaces the one-time passphrase first.
for u in vic aud bak; do
	case $u in
	vic) r=viewer g="--group finance" ;;
	aud) r=auditor g= ;;
	*) r=backup g= ;;
	esac
	# shellcheck disable=SC2086
	expect_exit 0 "user add $u --role $r --clearance internal $g" \
	    "$D" --json user add $u --role $r --clearance internal $g &&
	    json_check "user add --json ($u): one document with the one-time passphrase" "
assert d['user'] == '$u' and d['role'] == '$r', d
assert d['clearance'] == 'internal', d
assert len(d['one_time_passphrase']) >= 12, d
"
	ot=$(jval 'd["one_time_passphrase"]')
	eval "pw=\$PW_$u"
	# shellcheck disable=SC2154
	expect_exit 0 "$u replaces the one-time passphrase" \
	    env DOSSIER_NEW_PASSPHRASE="$pw" \
	    DOSSIER_USER=$u DOSSIER_PASSPHRASE="$ot" "$D" user passwd
done

# --- role x command: the administrator ----------------------------------------
printf 'admin doc\n' >a1.txt
printf 'admin doc v2\n' >a2.txt
row alice 0 - "add (id 3)" add a1.txt --category 行政
row alice 0 - "update 3" update 3 a2.txt
row alice 0 - "meta 3" meta 3 --tag +admin
row alice 0 - "list" --json list &&
    ids_are "admin: list shows 1 and 3" "1 3"
row alice 0 - "show 3" show 3
row alice 0 - "get 3" get 3 &&
    check "admin: get 3 gives the bytes" cmp -s "$T/out" a2.txt
row alice 0 - "history 3" history 3
row alice 0 - "rm 3" rm 3 --reason test
row alice 0 - "restore 3" restore 3
row alice 0 - "purge 3" purge 3 --reason test
row alice 0 - "verify" verify
row alice 0 - "user add eve" user add eve --role viewer
row alice 0 - "user list" user list
row alice 0 - "grant" grant eve edit --category 行政
row alice 0 - "rekey" rekey

# --- role x command: clerk, viewer, auditor, backup ----------------------------
printf 'clerk filed\n' >c0.txt
printf '购房合同 第二版 (clerk)\n' >c1.txt
printf 'viewer try\n' >v1.txt
printf 'auditor try\n' >u1.txt
printf 'backup try\n' >k1.txt

# clerk: read, file, edit, export within clearance.
row bob 0 - "add (id 4)" add c0.txt --category 合同
row bob 0 - "update 1" update 1 c1.txt
row bob 0 - "meta 1" meta 1 --tag +clerk
row bob 0 - "list" --json list && ids_are "clerk: list shows 1 and 4" "1 4"
row bob 0 - "show 1" show 1
row bob 0 - "get 1" get 1 &&
    check "clerk: get 1 gives the new version's bytes" cmp -s "$T/out" c1.txt
row bob 0 - "history 1" history 1
row bob 5 delete "rm 1" rm 1 --reason x
row bob 5 delete "restore 2" restore 2
row bob 5 admin "purge 1" purge 1 --reason x
row bob 5 backup "verify" verify
row bob 5 admin "user add" user add zed --role viewer
row bob 5 admin "user list" user list
row bob 5 admin "grant" grant bob delete --category 合同
row bob 5 admin "rekey" rekey

# viewer: read only.
row vic 5 file "add" add v1.txt --category 合同
row vic 5 edit "update 1" update 1 v1.txt
row vic 5 edit "meta 1" meta 1 --tag +viewer
row vic 0 - "list" --json list && ids_are "viewer: list shows 1 and 4" "1 4"
row vic 0 - "show 1" show 1
row vic 5 export "get 1" get 1
row vic 0 - "history 1" history 1
row vic 5 delete "rm 1" rm 1 --reason x
row vic 5 delete "restore 2" restore 2
row vic 5 admin "purge 1" purge 1 --reason x
row vic 5 backup "verify" verify
row vic 5 admin "user add" user add zed --role viewer
row vic 5 admin "user list" user list
row vic 5 admin "grant" grant vic export --category 合同
row vic 5 admin "rekey" rekey

# auditor and backup: never document content nor titles.
for u in aud bak; do
	f=u1.txt
	[ $u = bak ] && f=k1.txt
	row $u 5 file "add" add $f --category 合同
	row $u 3 - "update 1" update 1 $f
	row $u 3 - "meta 1" meta 1 --tag +$u
	row $u 0 - "list" --json list &&
	    ids_are "$(role $u): list shows no documents" ""
	row $u 3 - "show 1" show 1
	row $u 3 - "get 1" get 1
	row $u 3 - "history 1" history 1
	row $u 3 - "rm 1" rm 1 --reason x
	row $u 3 - "restore 2" restore 2
	row $u 5 admin "purge 1" purge 1 --reason x
	if [ $u = bak ]; then
		row $u 0 - "verify" verify
	else
		row $u 5 backup "verify" verify
	fi
	row $u 5 admin "user add" user add zed --role viewer
	row $u 5 admin "user list" user list
	row $u 5 admin "grant" grant $u read --category 合同
	row $u 5 admin "rekey" rekey
done

# Denied attempts changed nothing, and were noted.
expect_exit 0 "admin: show --json 1 after the matrix" "$D" --json show 1 &&
    json_check "document 1: only the clerk's version and tag" "
assert d['version'] == 2 and len(d['history']) == 2, d
assert d['tags'] == ['clerk'], d['tags']
assert d['deleted'] is False, d
"
check "the denials are in the audit log (viewer's get)" \
    test "$(catsql "SELECT count(*) FROM audit WHERE user='vic' AND action='get' AND outcome='denied'")" -ge 1
check "the denials are in the audit log (clerk's rekey)" \
    test "$(catsql "SELECT count(*) FROM audit WHERE user='bob' AND action='rekey' AND outcome='denied'")" -ge 1

# --- clearance --------------------------------------------------------------------
printf '机密的合同\n' >s.txt
expect_exit 0 "admin files a document at 秘密 (id 5)" \
    "$D" add s.txt --category 合同 --level 秘密 &&
    check "the confidential document is id 5" test "$(cut -f1 "$T/out")" = 5
row bob 0 - "list (cleared internal)" --json list &&
    ids_are "clerk cleared internal: list excludes the 秘密 document" "1 4"
row bob 3 - "show 5 (秘密, cleared internal)" show 5
row bob 3 - "get 5 (秘密, cleared internal)" get 5
expect_exit 0 "user clearance bob confidential" \
    "$D" user clearance bob confidential
row bob 0 - "show 5 after the raise (same passphrase)" show 5
row bob 0 - "get 5 after the raise" get 5 &&
    check "clerk: get 5 gives the bytes" cmp -s "$T/out" s.txt
row bob 0 - "list after the raise" --json list &&
    ids_are "clerk cleared confidential: list shows 1, 4 and 5" "1 4 5"
expect_exit 0 "user clearance bob internal" "$D" user clearance bob internal
row bob 3 - "show 5 after the lowering" show 5
row bob 0 - "list after the lowering" --json list &&
    ids_are "clerk lowered to internal: list excludes 5 again" "1 4"
expect_exit 0 "rekey --json after the lowering" "$D" --json rekey &&
    json_check "rekey --json: one document, at least one re-wrapped" "
assert set(d) >= {'rekeyed'}, d
assert isinstance(d['rekeyed'], int) and d['rekeyed'] >= 1, d
"
row bob 3 - "show 5 after the rekey" show 5

# --- grants -----------------------------------------------------------------------
expect_exit 0 "grant @finance export --category 合同" \
    "$D" --json grant @finance export --category 合同 &&
    json_check "grant --json: one document" "
assert d['principal'] == '@finance', d
assert d['permissions'] == ['export'], d
assert d['category'] == '合同' and d['doc'] is None, d
assert d['action'] == 'grant', d
"
row vic 0 - "get 1 with export granted to @finance" get 1 &&
    check "viewer in finance: get 1 gives the bytes" cmp -s "$T/out" c1.txt
row vic 3 - "get 5 (秘密) with the grant" get 5
expect_exit 0 "revoke @finance export --category 合同" \
    "$D" revoke @finance export --category 合同
row vic 5 export "get 1 after the revoke" get 1
expect_exit 2 "grant without a permission: exit 2" \
    "$D" grant vic --category 合同 &&
    expect_usage_err "grant without a permission: usage error" "PERMISSION"
expect_exit 2 "grant with both --doc and --category: exit 2" \
    "$D" grant vic read --doc 1 --category 合同 &&
    expect_usage_err "grant with both: usage error" "exactly one"
expect_exit 2 "grant with neither --doc nor --category: exit 2" \
    "$D" grant vic read &&
    expect_usage_err "grant with neither: usage error" "exactly one"
expect_exit 2 "grant of an unknown permission: exit 2" \
    "$D" grant vic fly --category 合同 &&
    expect_usage_err "grant of an unknown permission: usage error" "fly"
expect_exit 2 "grant of admin: exit 2" \
    "$D" grant vic admin --category 合同 &&
    expect_usage_err "grant of admin: error naming it" "admin"
expect_exit 2 "revoke without a permission: exit 2" \
    "$D" revoke vic --doc 1 &&
    expect_usage_err "revoke without a permission: usage error"
expect_exit 2 "revoke with both --doc and --category: exit 2" \
    "$D" revoke vic read --doc 1 --category 合同 &&
    expect_usage_err "revoke with both: usage error"
expect_exit 3 "grant to an unknown user: exit 3" \
    "$D" grant nosuch read --doc 1 &&
    expect_err_line "grant to an unknown user: one line naming them" "nosuch"

# --- restricted documents ---------------------------------------------------------
expect_exit 0 "meta 1 --restrict" "$D" meta 1 --restrict
row bob 3 - "show 1 (restricted)" show 1
row bob 0 - "list with 1 restricted" --json list &&
    ids_are "clerk: list drops the restricted document" "4"
row vic 3 - "show 1 (restricted)" show 1
expect_exit 0 "grant bob read --doc 1" "$D" grant bob read --doc 1
row bob 0 - "show 1 (restricted, read granted)" show 1
row bob 5 export "get 1 (restricted: the role's export does not apply)" get 1
row bob 0 - "list with read granted on 1" --json list &&
    ids_are "clerk: list shows 1 again" "1 4"
expect_exit 0 "admin: show --json 1" "$D" --json show 1 &&
    json_check "show --json of a restricted document: restricted true" \
	'assert d["restricted"] is True, d'
expect_exit 0 "user show --json bob" "$D" --json user show bob &&
    json_check "user show --json: the user and the grants naming them" "
keys = {'name', 'role', 'clearance', 'groups', 'disabled', 'must_change',
        'created', 'certified_by', 'permissions', 'grants'}
assert set(d) >= keys, sorted(d)
assert d['name'] == 'bob' and d['role'] == 'clerk', d
assert d['clearance'] == 'internal' and d['disabled'] is False, d
assert d['must_change'] is False and d['certified_by'] == 'alice', d
assert d['permissions'] == ['read', 'file', 'edit', 'export'], d
g = d['grants']
assert len(g) == 1, g
assert g[0]['principal'] == 'bob' and g[0]['doc'] == 1, g
assert g[0]['permissions'] == ['read'] and g[0]['granted_by'] == 'alice', g
"

# --- disabled users ---------------------------------------------------------------
expect_exit 0 "user disable aud" "$D" user disable aud
row aud 4 - "list when disabled" list &&
    expect_err_line "disabled user: one line" "authentication failed"
cp "$T/err" "$T/err.disabled"
expect_exit 4 "wrong passphrase: exit 4" with_pw bob "$PW_vic" list
cp "$T/err" "$T/err.wrong"
expect_exit 4 "unknown user: exit 4" with_pw nosuch "$PW_bob" list
cp "$T/err" "$T/err.unknown"
check "disabled, wrong passphrase, unknown user: the same message" \
    sh -c 'cmp -s "$1" "$2" && cmp -s "$1" "$3"' sh \
    "$T/err.disabled" "$T/err.wrong" "$T/err.unknown" ||
    diag_file "$T/err.disabled" && diag_file "$T/err.wrong" &&
    diag_file "$T/err.unknown"
expect_exit 0 "user list" "$D" user list &&
    check "user list: aud is disabled" grep -q -E '^aud .* disabled *$' "$T/out" &&
    check "user list: eve must change the passphrase" \
	grep -q -E '^eve .*must change passphrase' "$T/out" &&
    check "user list: a header and six users" test "$(wc -l <"$T/out")" -eq 7
expect_exit 0 "user list --json" "$D" --json user list &&
    json_check "user list --json: one document, every user" "
u = {x['name']: x for x in d['users']}
assert sorted(u) == ['alice', 'aud', 'bak', 'bob', 'eve', 'vic'], sorted(u)
for x in d['users']:
    assert set(x) >= {'name', 'role', 'clearance', 'groups', 'disabled',
                      'must_change', 'created', 'certified_by',
                      'permissions'}, x
assert u['aud']['disabled'] is True and u['bob']['disabled'] is False, u
assert u['eve']['must_change'] is True and u['vic']['must_change'] is False, u
assert u['vic']['groups'] == ['finance'], u['vic']
assert u['alice']['role'] == 'admin' and u['alice']['clearance'] == 'top-secret', u
assert u['bak']['role'] == 'backup' and u['bak']['clearance'] == 'internal', u
"

# --- policy rows edited outside dossier ------------------------------------------
catsql "UPDATE user SET clearance=4 WHERE name='bob'" ||
    fail "catsql: raise bob's clearance"
row bob 6 - "list after raising his own clearance in the catalog" list &&
    expect_err_line "edited clearance: one line"
row bob 6 - "show 5 after raising his own clearance" show 5
catsql "UPDATE user SET clearance=1 WHERE name='bob'" ||
    fail "catsql: put bob's clearance back"
row bob 0 - "list once the row is put back" --json list &&
    ids_are "clerk: the same documents as before" "1 4"
catsql "INSERT INTO grant_row VALUES('bob', 5, zeroblob(32), 31, X'', 'intruder', 0)" ||
    fail "catsql: insert a grant row"
row alice 6 - "list after a grant row was inserted" list &&
    expect_err_line "inserted grant row (admin): one line"
row bob 6 - "show 5 after a grant row was inserted" show 5 &&
    expect_err_line "inserted grant row (clerk): one line"
row vic 6 - "list after a grant row was inserted" list
row bak 6 - "verify after a grant row was inserted" verify
# The policy rows are in the encrypted catalog: --no-keys cannot see them
# (it checks the keyring and the objects only).
expect_exit 0 "verify --no-keys cannot see policy rows: exit 0" \
    "$D" verify --no-keys
catsql "DELETE FROM grant_row WHERE granted_by='intruder'" ||
    fail "catsql: delete the inserted grant row"
row alice 0 - "list once the row is deleted" --json list &&
    ids_are "admin: every document" "1 4 5"
row bob 0 - "list once the row is deleted" --json list &&
    ids_are "clerk: the same documents as before" "1 4"
row vic 0 - "list once the row is deleted" --json list &&
    ids_are "viewer: 1 stays hidden (restricted, no grant)" "4"
row alice 0 - "verify at the end" verify

done_testing
