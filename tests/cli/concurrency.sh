#!/bin/sh
# Five processes at once on one vault for a bounded time: one files
# documents, one updates a document, one searches, one reads (list, show,
# audit log), one makes backups and checks them.  Every command exits 0,
# or 7 with one line when the vault stayed busy past the wait; afterwards
# every document whose filing was acknowledged is there with its content,
# each acknowledged update is a version, the audit log holds one record
# per acknowledged filing and verifies, verify --read-data passes, and the
# last backup made during the run restores into a vault that verifies.
. "$(dirname "$0")/lib.sh"

D=$DOSSIER
cd "$T" || exit 1
new_vault
SECS=${DOSSIER_CONCURRENCY_SECS:-8}
printf '并发测试 第0版\n' >base.txt
"$D" -q add base.txt --title 基准 >/dev/null 2>&1 || fail "set-up: add"

now() { date +%s; }
END=$(($(now) + SECS))

# worker NAME: loops until END, one line per command: "EXIT what".
filer() {
	i=0
	while [ "$(now)" -lt $END ]; do
		printf '并发归档文件 %s %s\n' "$i" "$$" >"f$i.txt"
		out=$("$D" add "f$i.txt" 2>>err.filer)
		echo "$? $i $out" >>log.filer
		i=$((i + 1))
	done
}
updater() {
	i=1
	while [ "$(now)" -lt $END ]; do
		printf '并发测试 第%s版\n' "$i" >"u$i.txt"
		"$D" -q update 1 "u$i.txt" >/dev/null 2>>err.updater
		echo "$? $i" >>log.updater
		i=$((i + 1))
	done
}
searcher() {
	while [ "$(now)" -lt $END ]; do
		"$D" --json search 并发 >/dev/null 2>>err.searcher
		echo "$?" >>log.searcher
	done
}
backer() {
	i=0
	while [ "$(now)" -lt $END ]; do
		"$D" -q backup create "b$i.tar" >/dev/null 2>>err.backer
		st=$?
		echo "$st b$i" >>log.backer
		if [ $st -eq 0 ]; then
			"$D" -q backup verify --no-keys "b$i.tar" >/dev/null \
			    2>>err.backer
			echo "$? verify" >>log.backer
		fi
		i=$((i + 1))
	done
}
reader() {
	while [ "$(now)" -lt $END ]; do
		"$D" list >/dev/null 2>>err.reader
		echo "$?" >>log.reader
		"$D" show 1 >/dev/null 2>>err.reader
		echo "$?" >>log.reader
		"$D" audit log --action add >/dev/null 2>>err.reader
		echo "$?" >>log.reader
	done
}
: >err.filer
: >err.updater
: >err.searcher
: >err.reader
: >err.backer
filer &
backer &
updater &
searcher &
reader &
wait

for w in filer updater searcher reader backer; do
	n=$(wc -l <log.$w)
	bad=$(awk '$1 != 0 && $1 != 7' log.$w | wc -l)
	busy=$(awk '$1 == 7' log.$w | wc -l)
	check "$w: $n commands, none failed otherwise than busy (exit 7: $busy)" \
	    test "$bad" -eq 0
	check "$w: worked at all" test "$n" -gt 0
	# Every error printed is one "dossier: " line naming the vault busy.
	check "$w: its errors say the vault is busy" \
	    sh -c "! grep -v -e '^dossier: .*busy' err.$w"
done

filed=$(awk '$1 == 0' log.filer | wc -l)
updated=$(awk '$1 == 0' log.updater | wc -l)
check "some filings and updates went through ($filed, $updated)" \
    test "$filed" -gt 0 -a "$updated" -gt 0
# Each acknowledged filing: its document, with its content.
missing=0
awk '$1 == 0 { print $2, $3 }' log.filer >acked
while read -r i id; do
	"$D" get "$id" >got 2>/dev/null && cmp -s got "f$i.txt" ||
	    missing=$((missing + 1))
done <acked
check "every acknowledged filing is there, with its content ($filed)" \
    test "$missing" -eq 0
expect_exit 0 "history of the updated document" "$D" --json history 1
json_check "history: one version per acknowledged update, plus the first" "
assert len(d['history']) == $updated + 1, len(d['history'])
assert [v['version'] for v in d['history']] == list(range(1, $updated + 2))
"
versions=$("$D" --json show 1 | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["version"])')
check "the updated document has $updated + 1 versions" \
    test "$versions" -eq $((updated + 1))
adds=$(catsql \
    "SELECT count(*) FROM audit WHERE action = 'add' AND outcome = 'allowed';")
check "one audit record per acknowledged filing ($adds = $filed + 1)" \
    test "$adds" -eq $((filed + 1))
expect_exit 0 "audit verify after the concurrent run" "$D" audit verify
expect_exit 0 "verify --read-data after the concurrent run" "$D" verify --read-data

last=$(awk '$1 == 0 && $2 ~ /^b/ { b = $2 } END { print b }' log.backer)
check "some backups were made during the run ($last)" test -n "$last"
[ -n "$last" ] &&
    expect_exit 0 "the last backup made during the run restores, verified" \
    "$D" backup restore "$last.tar" --to restored
done_testing
