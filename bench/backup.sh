#!/bin/sh
# make bench (backup part): a vault of BENCH_BACKUP_MB MiB (default 1024)
# of incompressible files is backed up, and the same folder is copied by
# a plain tar, by tar | gpg --symmetric, and by restic, in this run, on
# this machine, in the same order of magnitude of work; figures are
# reported as ratios.  Then 1 % more is filed and an incremental backup
# made; both are restored (which verifies everything: every object
# decrypted).  Peak memory of backup and restore from /usr/bin/time.
set -eu
build=${1:-build/rel}
mb=${BENCH_BACKUP_MB:-1024}
dossier=$(cd "$build" && pwd)/dossier
work=$(mktemp -d "${TMPDIR:-/tmp}/dossier-bbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export DOSSIER_VAULT="$work/vault" DOSSIER_USER=bench
export DOSSIER_PASSPHRASE='bench passphrase 2026' DOSSIER_NEW_PASSPHRASE='bench passphrase 2026'
export RESTIC_PASSWORD='bench passphrase 2026' RESTIC_CACHE_DIR="$work/restic-cache"

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
# peak RSS in MiB of a command (stderr of time into a file)
peak() { awk '/Maximum resident/ {printf "%.0f", $NF / 1024}' "$1"; }

echo "backup bench: $mb MiB vault"
mkdir "$work/in"
n=$((mb / 4))
i=0
while [ $i -lt $n ]; do
	head -c 4194304 /dev/urandom >"$work/in/f$i.bin"
	i=$((i + 1))
done
"$dossier" -q init "$work/vault"
"$dossier" -q add -r "$work/in" >/dev/null
sync

t0=$(now)
/usr/bin/time -v "$dossier" -q backup create "$work/full.tar" 2>"$work/t.full"
t1=$(now)
full=$(elapsed "$t0" "$t1")
full_mem=$(peak "$work/t.full")
t0=$(now)
tar -C "$work" -cf "$work/plain.tar" vault
sync
t1=$(now)
plain=$(elapsed "$t0" "$t1")
t0=$(now)
tar -C "$work" -cf - vault | gpg --batch --yes --symmetric --compress-algo none \
    --passphrase "$RESTIC_PASSWORD" --pinentry-mode loopback -o "$work/vault.tar.gpg"
sync
t1=$(now)
gpgt=$(elapsed "$t0" "$t1")
restic -q init -r "$work/restic" >/dev/null
t0=$(now)
restic -q -r "$work/restic" backup "$work/vault" >/dev/null
sync
t1=$(now)
rest=$(elapsed "$t0" "$t1")

# 1 % more, then an incremental backup.
mkdir "$work/more"
head -c $((mb * 1048576 / 100)) /dev/urandom >"$work/more/new.bin"
"$dossier" -q add "$work/more/new.bin" >/dev/null
t0=$(now)
"$dossier" -q backup create "$work/inc.tar" --since "$work/full.tar"
t1=$(now)
inc=$(elapsed "$t0" "$t1")

t0=$(now)
/usr/bin/time -v "$dossier" -q backup restore "$work/full.tar" "$work/inc.tar" \
    --to "$work/restored" 2>"$work/t.restore" >/dev/null
t1=$(now)
restore=$(elapsed "$t0" "$t1")
restore_mem=$(peak "$work/t.restore")

printf 'full backup:          %6.2f s (%.0f MiB/s), peak memory %s MiB\n' \
    "$full" "$(echo "$mb / $full" | bc -l)" "$full_mem"
printf 'plain tar of vault:   %6.2f s: backup = %sx tar\n' "$plain" "$(ratio "$full" "$plain")"
printf 'tar | gpg --symmetric: %5.2f s: backup = %sx\n' "$gpgt" "$(ratio "$full" "$gpgt")"
printf 'restic backup:        %6.2f s: backup = %sx restic (restic %sx as slow)\n' \
    "$rest" "$(ratio "$full" "$rest")" "$(ratio "$rest" "$full")"
printf 'incremental (1 %%):    %6.2f s: %s of the full backup\n' "$inc" "$(ratio "$inc" "$full")"
printf 'restore + verify:     %6.2f s (%.0f MiB/s), peak memory %s MiB\n' \
    "$restore" "$(echo "$mb / $restore" | bc -l)" "$restore_mem"
