#!/bin/sh
# make bench (search part): files BENCH_DOCS small Chinese text documents
# (1-4 KB) with one "add -r" (type sniffing, extraction, encryption,
# catalog and index, on one core), then reports the filing rate (also as a
# ratio to copying the same files with cp -r in this run), the first search
# (the index is in line already), index size / text size, and in-process
# search latency p50/p95 for 2-character, 1-character, number and 3-term
# queries (top 20, ranked).
#
# With a second build directory (make bench passes build/benchplain, made
# with -DDOSSIER_BENCH_PLAIN_PAGES: catalog and index pages not
# encrypted), the first
# BENCH_CRYPTO_DOCS documents (default 20000) are filed and searched with
# both builds in this run (twice, in alternating order; the better figure
# counts), and the cost of page encryption is reported as ratios: filing
# time, and p95 of each query.
set -eu
build=${1:-build/rel}
plain=${2:-}
docs=${BENCH_DOCS:-100000}
dossier=$(cd "$build" && pwd)/dossier
benchbin=$(cd "$build" && pwd)/bench/search_bench
work=$(mktemp -d "${TMPDIR:-/tmp}/dossier-sbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export DOSSIER_VAULT="$work/vault" DOSSIER_USER=bench
export DOSSIER_PASSPHRASE='bench passphrase 2026' DOSSIER_NEW_PASSPHRASE='bench passphrase 2026'

echo "search bench: making $docs documents"
python3 - "$work/docs" "$docs" <<'PY'
import os, random, sys
out, n = sys.argv[1], int(sys.argv[2])
random.seed(2026)
words = ("合同 客户 档案 维修 保险 岗位 职责 公司 部门 管理 服务 登记 分类 备份 保存 "
         "整理 规定 文件 资料 编号 甲方 乙方 签订 日期 金额 付款 交付 保密 违约 责任 "
         "房屋 面积 装饰 工程 质量 验收 售后 回访 投诉 处理").split()
for i in range(n):
    d = os.path.join(out, "%03d" % (i // 1000))
    os.makedirs(d, exist_ok=True)
    k = random.randint(150, 600)
    body = "".join(random.choice(words) for _ in range(k))
    with open(os.path.join(d, "d%06d.txt" % i), "w") as f:
        f.write("文件%d %s 合同编号 HT-%04d-%04d\n" % (i, body, 2000 + i % 30, i % 10000))
PY
text=$(du -sb "$work/docs" | cut -f1)
"$dossier" -q init "$work/vault" --admin bench >/dev/null
c0=$(date +%s.%N)
cp -r "$work/docs" "$work/copy"
sync
c1=$(date +%s.%N)
rm -rf "$work/copy"
t0=$(date +%s.%N)
"$dossier" -q add -r "$work/docs" >/dev/null
t1=$(date +%s.%N)
"$dossier" search 合同 --limit 1 >/dev/null
t2=$(date +%s.%N)
index=$(du -sb "$work/vault/index" | cut -f1)
awk -v n="$docs" -v a="$t0" -v b="$t1" -v c="$t2" -v x="$index" -v t="$text" \
    -v ca="$c0" -v cb="$c1" 'BEGIN {
	printf "documents:            %d (%.1f MiB of text)\n", n, t / 1048576
	printf "filing + indexing:    %.1f s, %.0f documents/s (%.1fx the time of cp -r + sync)\n", b - a, n / (b - a), (b - a) / (cb - ca)
	printf "first search:         %.2f s (unlock included)\n", c - b
	printf "index size / text:    %.2f\n", x / t
}'
"$benchbin" "$work/vault" bench 40 合同 保险 档 HT-2010-0010 "合同 维修 客户"

[ -n "$plain" ] || exit 0
cdocs=${BENCH_CRYPTO_DOCS:-20000}
[ "$cdocs" -gt "$docs" ] && cdocs=$docs
dirs=$(ls -d "$work"/docs/* | head -n $(((cdocs + 999) / 1000)))
plainbin=$(cd "$plain" && pwd)/dossier
plainbench=$(cd "$plain" && pwd)/bench/search_bench
echo
echo "encryption cost: $cdocs documents, catalog and index pages encrypted vs not (same run)"
# Two rounds in alternating order; the better figure of each build counts
# (the machine is shared, and whichever runs second pays for the first's
# write-back).
for order in "enc plain" "plain enc"; do
	for b in $order; do
		if [ $b = enc ]; then bin=$dossier bb=$benchbin; else bin=$plainbin bb=$plainbench; fi
		v="$work/vault-$b"
		rm -rf "$v"
		"$bin" -q init "$v" --admin bench >/dev/null
		sync
		a=$(date +%s.%N)
		# shellcheck disable=SC2086
		"$bin" -q -V "$v" add -r $dirs >/dev/null
		z=$(date +%s.%N)
		echo "$a $z" >>"$work/file-$b"
		"$bb" "$v" bench 40 合同 档 HT-2010-0010 "合同 维修 客户" >>"$work/q-$b"
	done
done
python3 - "$work" <<'PY2'
import sys
w = sys.argv[1]
def secs(b):
    best = None
    for line in open("%s/file-%s" % (w, b)):
        a, z = map(float, line.split())
        best = z - a if best is None else min(best, z - a)
    return best
def p95(b):
    out = {}
    for line in open("%s/q-%s" % (w, b), encoding="utf-8"):
        parts = line.split()
        i = parts.index("p95")
        q = " ".join(parts[:parts.index("p50")])
        out[q] = min(out.get(q, float(parts[i + 1])), float(parts[i + 1]))
    return out
fe, fp = secs("enc"), secs("plain")
print("filing:  %.1f s encrypted, %.1f s plain: %.2fx" % (fe, fp, fe / fp))
qe, qp = p95("enc"), p95("plain")
for q in qe:
    print("p95 %-20s %7.2f ms encrypted, %7.2f ms plain: %.2fx" % (q, qe[q], qp[q], qe[q] / max(qp[q], 0.01)))
PY2
