#!/bin/sh
# Makes fixtures/import/: small hostile archives and a zip with CP936
# (GBK) member names as Chinese Windows writes them, for
# tests/cli/import_export.sh.  Python's tarfile and zipfile write them;
# the GBK names are put in place of same-length ASCII ones, without the
# zip UTF-8 flag.  (The zip bomb and the archive with too many members are
# made by the test itself: they are large.)
set -eu
out=$(cd "$(dirname "$0")/.." && pwd)/fixtures/import
mkdir -p "$out"
cd "$out"
python3 - <<'PY'
import io, tarfile, zipfile
def tar(name, items):
    with tarfile.open(name, 'w', format=tarfile.PAX_FORMAT) as t:
        for info, data in items:
            info.mtime = 1700000000
            t.addfile(info, io.BytesIO(data) if data is not None else None)
def reg(name, data=b'ok\n'):
    i = tarfile.TarInfo(name); i.size = len(data); return (i, data)
good = reg('好文件.txt', '正常文件 不应被导入\n'.encode())
tar('traversal.tar', [good, reg('../../evil.txt')])
tar('absolute.tar', [good, reg('/tmp/dossier-evil-abs.txt')])
link = tarfile.TarInfo('link.txt'); link.type = tarfile.SYMTYPE; link.linkname = '/etc/passwd'
tar('symlink.tar', [good, (link, None)])
hard = tarfile.TarInfo('hard.txt'); hard.type = tarfile.LNKTYPE; hard.linkname = '好文件.txt'
tar('hardlink.tar', [good, (hard, None)])
dev = tarfile.TarInfo('dev'); dev.type = tarfile.CHRTYPE; dev.devmajor = 1; dev.devminor = 3
tar('device.tar', [good, (dev, None)])
fifo = tarfile.TarInfo('fifo'); fifo.type = tarfile.FIFOTYPE
tar('fifo.tar', [good, (fifo, None)])
def zinfo(name):
    z = zipfile.ZipInfo(name, date_time=(2023, 11, 14, 22, 13, 20)); return z
with zipfile.ZipFile('zipslip.zip', 'w') as z:
    z.writestr(zinfo('好文件.txt'), '正常文件 不应被导入\n')
    z.writestr(zinfo('../evil.txt'), 'evil')
names = ['报告/年度总结.txt', '报告/二〇二二/季度.txt']
raw = [n.encode('gbk') for n in names]
ph = [b'%c' % (65 + i) * len(r) for i, r in enumerate(raw)]
with zipfile.ZipFile('gbk.zip', 'w') as z:
    for i, p in enumerate(ph):
        z.writestr(zinfo(p.decode()), '内容%d 年度总结' % i)
b = open('gbk.zip', 'rb').read()
for p, r in zip(ph, raw):
    assert b.count(p) == 2
    b = b.replace(p, r)
open('gbk.zip', 'wb').write(b)
PY
printf '7z\274\257\047\034\000\004' >x.7z
printf 'not an archive at all\n' >fake.zip
