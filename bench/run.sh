#!/bin/sh
# make bench: filing and retrieval of a large file, as ratios against
# baselines measured in the same run (machines here are shared and noisy).
#
#   time:   dossier add / get of a SIZE_MB file  vs  cp of the same file
#   memory: peak RSS of add / get                vs  peak RSS of `dossier list`
#           (list does the same unlock, whose Argon2id needs 64 MiB, so the
#           difference is what streaming the file costs)
set -eu
build=${1:-build/rel}
size_mb=${BENCH_SIZE_MB:-1024}
dossier=$(cd "$build" && pwd)/dossier
work=$(mktemp -d "${TMPDIR:-/tmp}/dossier-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export DOSSIER_VAULT="$work/vault" DOSSIER_USER=bench
export DOSSIER_PASSPHRASE='bench passphrase 2026' DOSSIER_NEW_PASSPHRASE='bench passphrase 2026'

echo "bench: making a ${size_mb} MiB file of random bytes"
head -c "$((size_mb * 1024 * 1024))" /dev/urandom >"$work/big.bin"
"$dossier" -q init "$work/vault" --admin bench >/dev/null

# run LABEL CMD...: prints "LABEL seconds max_rss_kib"
run() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys, time
label, cmd = sys.argv[1], sys.argv[2:]
t = time.monotonic()
subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
dt = time.monotonic() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{label} {dt:.3f} {rss}")
PY
}

cp_line=$(run cp cp "$work/big.bin" "$work/copy.bin")
rm -f "$work/copy.bin"
list_line=$(run list "$dossier" list)
add_line=$(run add "$dossier" add "$work/big.bin")
get_line=$(run get "$dossier" get 1 -o "$work/out.bin")
cmp "$work/big.bin" "$work/out.bin"

printf '%s\n%s\n%s\n%s\n' "$cp_line" "$list_line" "$add_line" "$get_line" |
awk -v mb="$size_mb" '
	{ t[$1] = $2; m[$1] = $3 }
	END {
		printf "file size:            %d MiB\n", mb
		printf "cp:                   %.2f s (baseline)\n", t["cp"]
		printf "add:                  %.2f s = %.2fx cp, %.0f MiB/s\n", t["add"], t["add"] / t["cp"], mb / t["add"]
		printf "get:                  %.2f s = %.2fx cp, %.0f MiB/s\n", t["get"], t["get"] / t["cp"], mb / t["get"]
		printf "peak RSS list:        %.1f MiB (baseline: unlock incl. Argon2id)\n", m["list"] / 1024
		printf "peak RSS add:         %.1f MiB (+%.1f MiB over baseline)\n", m["add"] / 1024, (m["add"] - m["list"]) / 1024
		printf "peak RSS get:         %.1f MiB (+%.1f MiB over baseline)\n", m["get"] / 1024, (m["get"] - m["list"]) / 1024
	}'
