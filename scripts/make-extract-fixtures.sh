#!/bin/sh
# Regenerates fixtures/extract/: small real-format files (txt in UTF-8,
# UTF-16 and GBK; HTML; docx, xlsx, pptx built with python3's zipfile from
# hand-written OOXML; odt, ods, odp; PDFs written by hand; .eml messages)
# and hostile ones (zip bomb, deep nesting, truncated, wrong extensions,
# an attachment bomb).  Needs python3 and iconv (glibc).
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

# OpenDocument: odt, ods, odp (mimetype first and stored, as ODF wants),
# a password-protected odt and a deeply nested one.
python3 - <<'PY'
import zipfile

DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"')
MT = 'application/vnd.oasis.opendocument.'

def info(n, stored=False):
    i = zipfile.ZipInfo(n, date_time=(2022, 3, 15, 9, 0, 0))
    i.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    return i

def manifest(kind, encrypted=False):
    enc = ('<manifest:encryption-data manifest:checksum-type="SHA1/1K" '
           'manifest:checksum="AAAA"><manifest:algorithm '
           'manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
           '</manifest:encryption-data>') if encrypted else ''
    return (DECL + '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="%s%s"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">%s</manifest:file-entry>'
            '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>') % (MT, kind, enc)

def content(body):
    return (DECL + '<office:document-content %s><office:automatic-styles/>'
            '<office:body>%s</office:body></office:document-content>' % (NS, body))

def styles(master=''):
    return (DECL + '<office:document-styles %s><office:styles/>'
            '<office:master-styles>%s</office:master-styles></office:document-styles>' % (NS, master))

def write(name, kind, body, master='', encrypted=False, raw_content=None):
    with zipfile.ZipFile(name, "w") as z:
        z.writestr(info("mimetype", stored=True), MT + kind)
        z.writestr(info("content.xml"), raw_content if raw_content is not None else content(body))
        z.writestr(info("styles.xml"), styles(master))
        z.writestr(info("META-INF/manifest.xml"), manifest(kind, encrypted))

odt = ('<office:text><text:sequence-decls><text:sequence-decl text:name="Table"/></text:sequence-decls>'
       '<text:h text:outline-level="1">合同编号 HT-2022-0315</text:h>'
       '<text:p>客户档案：<text:span>北京华信科技有限公司</text:span></text:p>'
       '<text:p>甲方<text:s text:c="3"/>乙方<text:tab/>丙方<text:line-break/>丁方</text:p>'
       '<text:p>全角 ＨＴ－２０２２－０３１５<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>'
       '<text:note-body><text:p>脚注：依据2021年协议</text:p></text:note-body></text:note></text:p>'
       '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>'
       '<text:p>已删除的旧条款</text:p></text:deletion></text:changed-region></text:tracked-changes>'
       '<text:p><office:annotation><dc:creator>批注作者王五</dc:creator><dc:date>2022-03-15T09:00:00</dc:date>'
       '<text:p>批注：请核对金额</text:p></office:annotation>Mixed English line: invoice total 12,500 CNY</text:p>'
       '<table:table table:name="表1"><table:table-column table:number-columns-repeated="2"/>'
       '<table:table-row><table:table-cell><text:p>单元格甲</text:p></table:table-cell>'
       '<table:table-cell><text:p>单元格乙</text:p></table:table-cell></table:table-row></table:table>'
       '</office:text>')
master = ('<style:master-page style:name="Standard">'
          '<style:header><text:p>页眉：机密文件</text:p></style:header>'
          '<style:footer><text:p>页脚：第<text:page-number>1</text:page-number>页</text:p></style:footer>'
          '</style:master-page>')
write("contract.odt", "text", odt, master)

def row(*cells):
    return '<table:table-row>' + ''.join(
        '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % c
        for c in cells) + '</table:table-row>'
ods = ('<office:spreadsheet><table:table table:name="客户">' +
       row('合同编号 HT-2022-0315', '客户档案') +
       '<table:table-row><table:table-cell office:value-type="string"><text:p>内联文本 北京华信</text:p></table:table-cell>'
       '<table:table-cell office:value-type="float" office:value="12500"><text:p>12500</text:p></table:table-cell>'
       '<table:table-cell table:formula="of:=[.B2]*2" office:value-type="float" office:value="25000"><text:p>25000</text:p></table:table-cell>'
       '<table:table-cell table:number-columns-repeated="16000"/></table:table-row>'
       '<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
       '</table:table></office:spreadsheet>')
write("ledger.ods", "spreadsheet", ods)

def page(name, *paras):
    return ('<draw:page draw:name="%s"><draw:frame><draw:text-box>' % name +
            ''.join('<text:p>%s</text:p>' % p for p in paras) +
            '</draw:text-box></draw:frame></draw:page>')
odp = ('<office:presentation>' +
       page('第一页', '客户档案 年度汇报', '合同编号 HT-2022-0315') +
       page('第二页', '全角 ＨＴ－２０２２') +
       '</office:presentation>')
write("deck.odp", "presentation", odp)

# Password-protected: content.xml is ciphertext, the manifest says so.
write("secret.odt", "text", None, encrypted=True,
      raw_content=bytes((i * 37 + 11) % 256 for i in range(512)))

# Deeply nested: 100000 levels of text:span.
n = 100000
write("deep.odt", "text", '<office:text><text:p>' + '<text:span>' * n + '深' +
      '</text:span>' * n + '</text:p></office:text>')
PY

# PDF, written by hand so that every byte is known: a Chinese PDF whose
# font is the non-embedded Type0/CIDFontType0 STSong-Light with the
# predefined CMap UniGB-UCS2-H and no ToUnicode (only poppler-data's
# CMaps turn its codes into text), a Latin one (Helvetica, WinAnsi, two
# pages), a page with no text operators (no text layer, for OCR later)
# and a truncated file.
python3 - <<'PY'
def pdf(objs):
    # objs: bodies of objects 1..n; object 1 is the catalog.
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, body in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += (b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, xref))
    return bytes(out)

def stream(data):
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

def pages(kids):
    return (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) +
            b"] /Count %d >>" % len(kids))

def page(contents, font=None):
    res = b"<< /Font << /F1 %d 0 R >> >>" % font if font else b"<< >>"
    return (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources " +
            res + b" /Contents %d 0 R >>" % contents)

def ucs2(s):
    return b"<" + s.encode("utf-16-be").hex().upper().encode() + b">"

# Chinese: 1 catalog, 2 pages, 3 page, 4 content, 5 Type0, 6 CIDFont, 7 descriptor.
lines = ["合同编号 HT-2022-0315", "客户档案：北京华信科技有限公司", "全角编号 ＨＴ－２０２２－０３１５"]
cs = b"BT /F1 20 Tf 1 0 0 1 60 760 Tm 24 TL\n"
for l in lines:
    cs += ucs2(l) + b" Tj T*\n"
cs += b"ET"
cn = pdf([
    b"<< /Type /Catalog /Pages 2 0 R >>",
    pages([3]),
    page(4, font=5),
    stream(cs),
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H "
    b"/Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
    b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
    b"/FontDescriptor 7 0 R /DW 1000 /W [1 95 500] >>",
    b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
    b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
    b"/CapHeight 880 /StemV 93 >>",
])
open("contract-cid.pdf", "wb").write(cn)

# Latin, two pages: 1 catalog, 2 pages, 3-4 pages, 5-6 contents, 7 font.
helv = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
p1 = b"BT /F1 14 Tf 72 760 Td (Contract HT-2022-0315) Tj 0 -20 Td (Invoice total 12,500 CNY, caf\xe9) Tj ET"
p2 = b"BT /F1 14 Tf 72 760 Td (Second page: delivery terms) Tj ET"
open("invoice.pdf", "wb").write(pdf([
    b"<< /Type /Catalog /Pages 2 0 R >>", pages([3, 4]),
    page(5, font=7), page(6, font=7), stream(p1), stream(p2), helv]))

# A scan: shapes, no text operators.
open("scan.pdf", "wb").write(pdf([
    b"<< /Type /Catalog /Pages 2 0 R >>", pages([3]), page(4),
    stream(b"q 0.5 g 72 600 300 150 re f 0 G 2 w 72 400 m 400 400 l S Q")]))

# Truncated: the first 40% of the Chinese PDF.
open("truncated.pdf", "wb").write(cn[: len(cn) * 2 // 5])
PY

# Mail: a Chinese message (GB2312 encoded-word subject, UTF-8 B and Q
# words, multipart/alternative in GB2312, a docx and a GBK text
# attachment), a forwarded one (HTML body, message/rfc822 inside) and
# one carrying a zip bomb.
python3 - <<'PY'
import base64, io, zipfile

def b64(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))

def word(text, charset="GB2312", enc="B"):
    raw = text.encode("gb2312" if charset == "GB2312" else "utf-8")
    if enc == "B":
        return "=?%s?B?%s?=" % (charset, base64.b64encode(raw).decode())
    return "=?%s?Q?%s?=" % (charset, "".join(
        "_" if b == 32 else chr(b) if 48 <= b < 58 or 65 <= b < 91 or 97 <= b < 123
        else "=%02X" % b for b in raw))

docx = open("contract.docx", "rb").read()
plain = "客户档案：北京华信科技有限公司\n合同编号 HT-2022-0315 请审批。\n".encode("gb2312")
html = "<html><body><p>客户档案 仅在HTML版本</p></body></html>".encode("gb2312")
note = "附件说明：金额12500元\n".encode("gbk")
mail = f"""Return-Path: <wang@example.cn>
Received: from mail.example.cn by mx.example.cn; Tue, 15 Mar 2022 09:00:00 +0800
From: {word("王经理", "UTF-8")} <wang@example.cn>
To: {word("李会计", "UTF-8", "Q")} <li@example.cn>
Subject: {word("合同编号")} {word(" HT-2022-0315 审批")}
Date: Tue, 15 Mar 2022 09:00:00 +0800
Message-ID: <20220315090000.1@example.cn>
MIME-Version: 1.0
Content-Type: multipart/mixed;
 boundary="=_outer_2022"

This is a multi-part message in MIME format.

--=_outer_2022
Content-Type: multipart/alternative; boundary="=_alt_2022"

--=_alt_2022
Content-Type: text/plain; charset="gb2312"
Content-Transfer-Encoding: base64

{b64(plain)}
--=_alt_2022
Content-Type: text/html; charset="gb2312"
Content-Transfer-Encoding: base64

{b64(html)}
--=_alt_2022--

--=_outer_2022
Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document;
 name="{word("合同.docx")}"
Content-Disposition: attachment; filename="{word("合同.docx")}"
Content-Transfer-Encoding: base64

{b64(docx)}
--=_outer_2022
Content-Type: text/plain; charset=gbk; name="note.txt"
Content-Disposition: attachment; filename="note.txt"
Content-Transfer-Encoding: base64

{b64(note)}
--=_outer_2022--
"""
open("mail-gb2312.eml", "wb").write(mail.encode())

inner = f"""From: zhao@example.cn
To: wang@example.cn
Subject: {word("客户档案 原件", "UTF-8")}
Date: Mon, 14 Mar 2022 18:00:00 +0800
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

""" + "".join("=%02X" % b for b in "原始邮件正文：合同编号 HT-2022-0315".encode()) + "=\n\n"
fwd_html = "<div>转发如下：<b>请查收</b>&nbsp;Mixed &amp; more</div>".encode("gb2312")
fwd = f"""From: wang@example.cn
To: li@example.cn
Subject: Fwd: {word("客户档案 原件", "UTF-8")}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=b1

--b1
Content-Type: text/html; charset=gb2312
Content-Transfer-Encoding: base64

{b64(fwd_html)}
--b1
Content-Type: message/rfc822

{inner}
--b1--
"""
open("mail-forward.eml", "wb").write(fwd.encode())

# An attachment bomb: a docx of 8 MB of zeros in ~8 KB.
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    i = zipfile.ZipInfo("word/document.xml", date_time=(2022, 3, 15, 9, 0, 0))
    i.compress_type = zipfile.ZIP_DEFLATED
    with z.open(i, "w") as f:
        f.write(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><!--')
        for _ in range(8):
            f.write(b"0" * (1 << 20))
        f.write(b"--></w:document>")
bomb = f"""From: x@example.cn
To: y@example.cn
Subject: {word("炸弹附件")}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=b2

--b2
Content-Type: text/plain; charset=utf-8

正文仍然可读：合同编号 HT-2022-0315
--b2
Content-Type: application/octet-stream; name=bomb.docx
Content-Transfer-Encoding: base64

{b64(buf.getvalue())}
--b2--
"""
open("mail-bomb.eml", "wb").write(bomb.encode())
PY
ls -l "$out"
