# tests/cli/lib.sh: helpers for the CLI test scripts (POSIX sh).
#
# Sourced by every tests/cli/*.sh (and tests/crash/*.sh):
#	. "$(dirname "$0")/lib.sh"
# It makes a temporary directory $T (removed on exit), points
# DOSSIER_VAULT at $T/vault (not created), sets DOSSIER_USER and the
# passphrases, and offers checks that print TAP-style lines:
#	ok - NAME
#	not ok - NAME
#	# diagnostics
# tests/run.sh counts the "ok " and "not ok " lines.
#
# Every command run through run() (and so through expect_exit) has its
# stdout in $T/out, its stderr in $T/err and its exit status in $RC; both
# outputs are searched for the passphrases (a leak is a failure), and the
# vault's tmp/ must be empty afterwards.  $DOSSIER is replaced by a copy
# in $T, so that a rebuild during the run cannot mix two programs.
#
# Run directly (sh tests/cli/lib.sh), this file tests its own helpers;
# tests/run.sh skips it.
set -u

LC_ALL=C.UTF-8
export LC_ALL
unset DOSSIER_KILL_AT DOSSIER_KILL_COUNT

TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$TESTS_DIR/../.." && pwd)
: "${DOSSIER:=$TOP/build/rel/dossier}"
: "${DOSSIER_BUILD:=$(dirname "$DOSSIER")}"
export DOSSIER DOSSIER_BUILD
# python3 for JSON checks, resolved once: a version manager's shim would
# cost a tenth of a second per call.
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
[ -x "$PY" ] || PY=python3
EXPECTED="$TOP/tests/cli/expected"

T=$(mktemp -d "${TMPDIR:-/tmp}/dossier-test.XXXXXX") || {
	echo "not ok - cannot make a temporary directory"
	exit 1
}
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP

# The tests run a snapshot of the binary: a rebuild in the middle of a
# script (the tree is shared) must not mix two versions of the program.
if [ -x "$DOSSIER" ] && cp "$DOSSIER" "$T/dossier.bin" 2>/dev/null; then
	DOSSIER="$T/dossier.bin"
fi

# A passphrase of 12+ characters that nothing else contains, so that a
# leak into any output can be found.
PASS='Pw7-Zebra-Quartz-4412'
NEWPASS="$PASS"
DOSSIER_VAULT="$T/vault"
DOSSIER_USER=alice
DOSSIER_PASSPHRASE="$PASS"
DOSSIER_NEW_PASSPHRASE="$NEWPASS"
export DOSSIER_VAULT DOSSIER_USER DOSSIER_PASSPHRASE DOSSIER_NEW_PASSPHRASE

# catsql SQL: SQL on the decrypted catalog of $DOSSIER_VAULT, unlocked as
# $DOSSIER_USER: what an insider holding the catalog key can do with tools
# of their own (tests/tools/catsql.c).  The sqlite3 tool cannot read it.
CATSQL=$(cd "$DOSSIER_BUILD" 2>/dev/null && pwd)/tests/catsql
catsql() {
	"$CATSQL" "$DOSSIER_VAULT" "$@"
}

NPASS=0
NFAIL=0
NRUN=0
NLEAK=0
NTMPLEFT=0
RC=0
LASTCMD=

# Prints each line of file $1 (at most $2 lines, default 10) as "#   ...".
diag_file() {
	[ -s "$1" ] || return 0
	head -n "${2:-10}" "$1" | cut -c1-300 | sed 's/^/#   /'
}

diag() {
	printf '# %s\n' "$*"
}

pass() {
	NPASS=$((NPASS + 1))
	printf 'ok - %s\n' "$1"
}

# fail NAME [DIAGNOSTIC...]
fail() {
	NFAIL=$((NFAIL + 1))
	printf 'not ok - %s\n' "$1"
	shift
	for l in "$@"; do
		diag "$l"
	done
}

# The last command, its status and outputs, as diagnostics.
diag_last() {
	diag "command: $LASTCMD"
	diag "exit status: $RC"
	if [ -s "$T/err" ]; then
		diag "stderr:"
		diag_file "$T/err"
	fi
	if [ -s "$T/out" ]; then
		diag "stdout:"
		diag_file "$T/out"
	fi
}

# run CMD...: runs CMD with stdin from $RUN_STDIN (default /dev/null);
# stdout to $T/out, stderr to $T/err, status to $RC.  A passphrase in
# either output, or a file left in $DOSSIER_VAULT/tmp, is reported at once.
run() {
	NRUN=$((NRUN + 1))
	LASTCMD="$*"
	"$@" <"${RUN_STDIN:-/dev/null}" >"$T/out" 2>"$T/err"
	RC=$?
	if grep -a -q -F -e "$PASS" -e "$NEWPASS" "$T/out" "$T/err"; then
		NLEAK=$((NLEAK + 1))
		fail "passphrase absent from the output of: $LASTCMD"
	fi
	if [ -d "$DOSSIER_VAULT/tmp" ] &&
	    [ -n "$(ls -A "$DOSSIER_VAULT/tmp")" ]; then
		NTMPLEFT=$((NTMPLEFT + 1))
		fail "the vault's tmp/ is empty after: $LASTCMD" \
		    "$(ls -A "$DOSSIER_VAULT/tmp" | head -n 5 | tr '\n' ' ')"
	fi
	return 0
}

# check NAME CMD...: ok when CMD (a command, function or test) succeeds.
check() {
	_name=$1
	shift
	if "$@"; then
		pass "$_name"
		return 0
	fi
	fail "$_name" "failed: $*"
	return 1
}

# expect_exit CODE NAME CMD...: runs CMD (see run()); ok when it exits
# with CODE.
expect_exit() {
	_code=$1
	_name=$2
	shift 2
	run "$@"
	if [ "$RC" -eq "$_code" ]; then
		pass "$_name"
		return 0
	fi
	fail "$_name" "expected exit status $_code"
	diag_last
	return 1
}

# expect_out NAME EXPECTED: the last stdout equals EXPECTED, a file when
# EXPECTED is the path of one, else a string (a final newline added).
# With a MASK (a sed script) in $MASK, stdout is filtered through it first.
expect_out() {
	if [ -f "$2" ]; then
		cp "$2" "$T/exp"
	else
		printf '%s\n' "$2" >"$T/exp"
	fi
	if [ -n "${MASK:-}" ]; then
		sed "$MASK" "$T/out" >"$T/got"
	else
		cp "$T/out" "$T/got"
	fi
	if cmp -s "$T/exp" "$T/got"; then
		pass "$1"
		return 0
	fi
	fail "$1" "stdout differs from what is expected (- expected, + got):"
	diff -u "$T/exp" "$T/got" 2>/dev/null | tail -n +3 | head -n 30 |
	    sed 's/^/#   /'
	return 1
}

# expect_err_line NAME [PATTERN]: stderr of the last command is exactly
# one line "dossier: ..." (matching the grep -E PATTERN if given).
expect_err_line() {
	_n=$(wc -l <"$T/err")
	_first=$(head -n 1 "$T/err")
	case $_first in
	"dossier: "?*) _ok=1 ;;
	*) _ok=0 ;;
	esac
	[ "$_n" -eq 1 ] || _ok=0
	if [ $_ok -eq 1 ] && [ $# -ge 2 ] &&
	    ! printf '%s\n' "$_first" | grep -q -E -e "$2"; then
		_ok=0
	fi
	if [ $_ok -eq 1 ]; then
		pass "$1"
		return 0
	fi
	fail "$1" "expected stderr: one line 'dossier: ...'${2:+ matching /$2/}"
	diag_last
	return 1
}

# expect_usage_err NAME [PATTERN]: a usage error: stderr's first line is
# the error "dossier: ..." (matching PATTERN if given), any further lines
# are the short usage ("usage: dossier ..." and its indented
# continuation), stdout is empty.
expect_usage_err() {
	_first=$(head -n 1 "$T/err")
	_ok=1
	case $_first in
	"dossier: "?*) ;;
	*) _ok=0 ;;
	esac
	if [ $_ok -eq 1 ] && [ $# -ge 2 ] &&
	    ! printf '%s\n' "$_first" | grep -q -E -e "$2"; then
		_ok=0
	fi
	if tail -n +2 "$T/err" | grep -q -v -E '^(usage: dossier |  )'; then
		_ok=0
	fi
	[ -s "$T/out" ] && _ok=0
	if [ $_ok -eq 1 ]; then
		pass "$1"
		return 0
	fi
	fail "$1" "expected a usage error: 'dossier: ...'${2:+ matching /$2/}, then only the usage, nothing on stdout"
	diag_last
	return 1
}

# expect_no_err NAME: nothing on stderr.
expect_no_err() {
	if [ ! -s "$T/err" ]; then
		pass "$1"
		return 0
	fi
	fail "$1" "expected nothing on stderr"
	diag_last
	return 1
}

# json_check NAME [PYTHON]: stdout is exactly one JSON document; then the
# python statements (with the document as d) run without an exception,
# e.g. 'assert d["total"] == 2, d'.
json_check() {
	_name=$1
	_code=${2:-pass}
	if "$PY" -c '
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    d = json.load(f)
exec(sys.argv[2])
' "$T/out" "$_code" >"$T/py" 2>&1; then
		pass "$_name"
		return 0
	fi
	fail "$_name" "JSON check failed: $_code"
	diag_file "$T/py" 8
	diag_last
	return 1
}

# jval EXPR [FILE]: prints the value of the python expression EXPR over
# the JSON document d in FILE (default: the last stdout); strings bare,
# other values as JSON.  Empty on any error.
jval() {
	"$PY" -c '
import json, sys
try:
    with open(sys.argv[2], encoding="utf-8") as f:
        d = json.load(f)
    v = eval(sys.argv[1])
except Exception:
    sys.exit(1)
print(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
' "$1" "${2:-$T/out}" 2>/dev/null
}

# flip FILE OFFSET: changes one byte (xor 0x5a: never the same byte).
flip() {
	_b=$(dd if="$1" bs=1 skip="$2" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	printf "$(printf '\\%03o' $((_b ^ 90)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# tmp_empty NAME [VAULT]: the vault's tmp/ holds nothing.
tmp_empty() {
	_v=${2:-$DOSSIER_VAULT}
	if [ -d "$_v/tmp" ] && [ -z "$(ls -A "$_v/tmp")" ]; then
		pass "$1"
		return 0
	fi
	fail "$1" "leftover files in $_v/tmp:"
	ls -lA "$_v/tmp" 2>&1 | head -n 10 | sed 's/^/#   /'
	return 1
}

# notty CMD...: runs CMD without a controlling terminal (setsid), so that
# a passphrase prompt cannot wait for a person.  have_notty is 0 when that
# cannot be arranged (a terminal is attached and there is no setsid).
if command -v setsid >/dev/null 2>&1; then
	notty() { setsid -w "$@"; }
	have_notty=1
elif (exec 3</dev/tty) 2>/dev/null; then
	notty() { "$@"; }
	have_notty=0
else
	notty() { "$@"; }
	have_notty=1
fi

# new_vault [PATH]: a fresh vault (default: $DOSSIER_VAULT), or the
# script stops: nothing after would mean anything.
new_vault() {
	_v=${1:-$DOSSIER_VAULT}
	rm -rf "$_v"
	if ! "$DOSSIER" -q init "$_v" >"$T/out" 2>"$T/err"; then
		RC=$?
		LASTCMD="dossier init $_v"
		fail "init $_v (set-up)"
		diag_last
		done_testing
	fi
}

# done_testing: the passphrase summary, then exit (1 if anything failed).
done_testing() {
	if [ "$NRUN" -gt 0 ] && [ "$NLEAK" -eq 0 ]; then
		pass "no passphrase in the output of $NRUN commands"
	fi
	if [ "$NRUN" -gt 0 ] && [ "$NTMPLEFT" -eq 0 ]; then
		pass "the vault's tmp/ empty after each of $NRUN commands"
	fi
	diag "$NPASS passed, $NFAIL failed"
	[ "$NFAIL" -eq 0 ] && exit 0
	exit 1
}

# Run directly: test the helpers themselves (no dossier needed).
case ${0##*/} in
lib.sh)
	_self() { # NAME EXPECT-PREFIX CMD...: runs a helper in a subshell
		_sn=$1
		_want=$2
		shift 2
		_got=$( ("$@") | head -n 1)
		case $_got in
		"$_want"*) pass "self-test: $_sn" ;;
		*) fail "self-test: $_sn" "got: $_got" ;;
		esac
	}
	_self "expect_exit passes on the right status" "ok - " \
	    expect_exit 3 x sh -c 'exit 3'
	_self "expect_exit fails on another status" "not ok - " \
	    expect_exit 0 x sh -c 'exit 3'
	_self "expect_err_line accepts one error line" "ok - " eval \
	    'run sh -c "echo \"dossier: no\" >&2"; expect_err_line x "no$"'
	_self "expect_err_line refuses two lines" "not ok - " eval \
	    'run sh -c "printf \"dossier: a\nb\n\" >&2"; expect_err_line x'
	_self "expect_usage_err accepts an error and the usage" "ok - " eval \
	    'run sh -c "printf \"dossier: a\nusage: dossier x\n  y\n\" >&2"; expect_usage_err x'
	_self "expect_usage_err refuses other lines" "not ok - " eval \
	    'run sh -c "printf \"dossier: a\nother\n\" >&2"; expect_usage_err x'
	_self "run reports a passphrase leak" "not ok - " eval \
	    'run sh -c "echo \"\$0\"" "$PASS"'
	_self "expect_out compares with a string" "ok - " eval \
	    'run echo "a b"; expect_out x "a b"'
	_self "expect_out shows a difference" "not ok - " eval \
	    'run echo "a b"; expect_out x "a c"'
	_self "json_check refuses two documents" "not ok - " eval \
	    'run printf "{}{}"; json_check x'
	_self "json_check runs assertions" "not ok - " eval \
	    'run echo "{\"a\": 1}"; json_check x "assert d[\"a\"] == 2"'
	run echo '{"a": "甲", "b": [1, 2]}'
	check "self-test: jval" test "$(jval 'd["a"]')$(jval 'd["b"]')" = "甲[1, 2]"
	NRUN=0
	done_testing
	;;
esac
