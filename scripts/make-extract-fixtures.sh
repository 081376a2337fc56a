#!/bin/sh
# Regenerates fixtures/extract/: small real-format files (txt in UTF-8,
# UTF-16 and GBK; HTML; docx, xlsx, pptx built with python3's zipfile from
# hand-written OOXML) and hostile ones (zip bomb, deep nesting, truncated,
# wrong extensions).  Needs python3 and iconv (glibc).
#
#   sh scripts/make-extract-fixtures.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/fixtures/extract"
mkdir -p "$out"
cd "$out"

text='合同编号 HT-2022-0315
客户档案：北京华信科技有限公司
全角编号 ＨＴ－２０２２－０３１５
Mixed English line: invoice total 12,500 CNY'

printf '%s\n' "$text" >utf8.txt
printf '\357\273\277%s\n' "$text" >utf8-bom.md
printf '编号,客户,金额\n"合同编号 HT-2022-0315",客户档案,12500\n' >table.csv
printf '%s\n' "$text" | iconv -f UTF-8 -t GBK >gbk.txt
{ printf '\377\376'; printf '%s\n' "$text" | iconv -f UTF-8 -t UTF-16LE; } \
    >utf16le.txt
{ printf '\376\377'; printf '%s\n' "$text" | iconv -f UTF-8 -t UTF-16BE; } \
    >utf16be.txt
# A ".pdf" that is really text.
printf '%s\n' "$text" >really-text.pdf

cat >page.html <<'HTML'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>客户档案 索引</title>
<style>body { font-family: "SimSun"; } .secret { color: red }</style>
<script>var hidden = "脚本内容不应出现";</script></head>
<body><h1>合同编号 HT-2022-0315</h1>
<p>甲方：北京华信科技有限公司。<br>乙方：上海某某贸易公司。</p>
<table><tr><td>编号</td><td>ＨＴ－２０２２</td></tr>
<tr><td>金额</td><td>12,500</td></tr></table>
<div>Mixed text &amp; entities &lt;ok&gt;</div>
</body></html>
HTML
# A GBK page that says so in http-equiv.
iconv -f UTF-8 -t GBK >gbk.html <<'HTML'
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>客户档案</title></head>
<body><p>合同编号 HT-2022-0315</p><p>甲方：北京华信科技有限公司</p></body></html>
HTML
# A GBK page that declares nothing.
iconv -f UTF-8 -t GBK >gbk-nometa.html <<'HTML'
<html><body><p>合同编号 HT-2022-0315 客户档案 北京华信科技有限公司</p></body></html>
HTML
# Deeply nested HTML (100000 levels) is built in memory by the test:
# as a file it would be 1 MB.

python3 - <<'PY'
import zipfile

W = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
     'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
P = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

def ct(overrides):
    s = (DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>')
    for part, t in overrides:
        s += '<Override PartName="/%s" ContentType="%s"/>' % (part, t)
    return s + '</Types>'

def rels(target, typ):
    return (DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/%s" Target="%s"/>'
            '</Relationships>') % (typ, target)

def info(n):
    # A fixed date: the same script makes the same bytes.
    i = zipfile.ZipInfo(n, date_time=(2022, 3, 15, 9, 0, 0))
    i.compress_type = zipfile.ZIP_DEFLATED
    return i

def write(name, parts):
    with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts:
            z.writestr(info(n), data)

def wp(*runs):
    return '<w:p>' + ''.join('<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % r for r in runs) + '</w:p>'

WML = 'application/vnd.openxmlformats-officedocument.wordprocessingml'
docbody = (DECL + '<w:document %s><w:body>' % W +
    wp('合同编号 ', 'HT-2022-0315') +
    wp('客户档案：北京华信科技有限公司') +
    '<w:p><w:r><w:t>全角</w:t></w:r><w:r><w:tab/><w:t>ＨＴ－２０２２</w:t></w:r></w:p>' +
    '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r></w:p>' +
    '<w:tbl><w:tr><w:tc>' + wp('单元格甲') + '</w:tc><w:tc>' + wp('单元格乙') + '</w:tc></w:tr></w:tbl>' +
    '</w:body></w:document>')
header = DECL + '<w:hdr %s>%s</w:hdr>' % (W, wp('页眉：机密文件'))
footer = DECL + '<w:ftr %s>%s</w:ftr>' % (W, wp('页脚：第一页'))
notes = (DECL + '<w:footnotes %s><w:footnote w:id="1">%s</w:footnote></w:footnotes>'
         % (W, wp('脚注：依据2021年协议')))
docx = [
    ("[Content_Types].xml", ct([("word/document.xml", WML + ".document.main+xml")])),
    ("_rels/.rels", rels("word/document.xml", "officeDocument")),
    ("word/document.xml", docbody),
    ("word/header1.xml", header),
    ("word/footer1.xml", footer),
    ("word/footnotes.xml", notes),
]
write("contract.docx", docx)
# A ".txt" that is really a docx.
write("really-docx.txt", docx)

# Truncated: the first half of a docx with a bigger incompressible body.
import random
random.seed(4)
filler = ''.join(wp(''.join(chr(0x4e00 + random.randrange(0x5000)) for _ in range(40))) for _ in range(60))
big = docbody.replace('</w:body>', filler + '</w:body>')
write("tmp-full.docx", [docx[0], docx[1], ("word/document.xml", big)])
data = open("tmp-full.docx", "rb").read()
open("truncated.docx", "wb").write(data[: len(data) // 2])
import os
os.remove("tmp-full.docx")

# Zip bomb: document.xml of 16 MB (mostly zeros in a comment) in ~16 KB.
with zipfile.ZipFile("bomb.docx", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr(info(docx[0][0]), docx[0][1])
    z.writestr(info(docx[1][0]), docx[1][1])
    with z.open(info("word/document.xml"), "w", force_zip64=False) as f:
        f.write((DECL + '<w:document %s><w:body>' % W + wp('炸弹') + '<!--').encode())
        chunk = b"0" * (1 << 20)
        for _ in range(16):
            f.write(chunk)
        f.write(b'--></w:body></w:document>')

# Deeply nested XML: 100000 levels of <w:p> in document.xml.
n = 100000
deep = (DECL + '<w:document %s><w:body>' % W + '<w:sdt>' * n +
        '<w:t>深</w:t>' + '</w:sdt>' * n + '</w:body></w:document>')
write("deep.docx", [docx[0], docx[1], ("word/document.xml", deep)])

# xlsx: shared strings, an inline string, numbers, a formula.
SML = 'application/vnd.openxmlformats-officedocument.spreadsheetml'
wb = (DECL + '<workbook %s xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
      '<sheets><sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>' % S)
sst = (DECL + '<sst %s count="3" uniqueCount="3">'
       '<si><t>合同编号</t></si><si><t>HT-2022-0315</t></si>'
       '<si><r><t>客户</t></r><r><t>档案</t></r><rPh sb="0" eb="2"><t>kehu</t></rPh></si></sst>' % S)
sheet = (DECL + '<worksheet %s><sheetData>'
         '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
         '<row r="2"><c r="A2" t="inlineStr"><is><t>内联文本 北京华信</t></is></c>'
         '<c r="B2"><v>12500</v></c><c r="C2"><f>B2*2</f><v>25000</v></c></row>'
         '</sheetData></worksheet>' % S)
write("ledger.xlsx", [
    ("[Content_Types].xml", ct([("xl/workbook.xml", SML + ".sheet.main+xml")])),
    ("_rels/.rels", rels("xl/workbook.xml", "officeDocument")),
    ("xl/workbook.xml", wb),
    ("xl/sharedStrings.xml", sst),
    ("xl/worksheets/sheet1.xml", sheet),
])

# pptx: slides 1, 2 and 10 (reading order is by number, not zip order).
PML = 'application/vnd.openxmlformats-officedocument.presentationml'
def slide(*paras):
    return (DECL + '<p:sld %s %s><p:cSld><p:spTree><p:sp><p:txBody>' % (A, P) +
            ''.join('<a:p><a:r><a:t>%s</a:t></a:r></a:p>' % t for t in paras) +
            '</p:txBody></p:sp></p:spTree></p:cSld></p:sld>')
pres = (DECL + '<p:presentation %s %s/>' % (A, P))
write("deck.pptx", [
    ("[Content_Types].xml", ct([("ppt/presentation.xml", PML + ".presentation.main+xml")])),
    ("_rels/.rels", rels("ppt/presentation.xml", "officeDocument")),
    ("ppt/presentation.xml", pres),
    ("ppt/slides/slide10.xml", slide("第十页 结束")),
    ("ppt/slides/slide1.xml", slide("客户档案 年度汇报", "合同编号 HT-2022-0315")),
    ("ppt/slides/slide2.xml", slide("全角 ＨＴ－２０２２")),
])

# A plain zip: no extractor, still a zip.
write("plain.zip", [("readme.txt", "合同编号 HT-2022-0315\n")])
PY
ls -l "$out"
