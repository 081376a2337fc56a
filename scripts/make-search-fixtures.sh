#!/bin/sh
# Regenerates fixtures/search/: the search-quality corpus of
# tests/unit/test_search_quality.c, 14 small documents in real formats
# with the Chinese and mixed Chinese/Latin/digit text clerks file
# (contracts, customer files, job duties, notices; contract numbers
# half-width and full-width, dates, amounts, traditional characters in
# doc11, a line break inside a Chinese word in doc09 and doc05):
#
#   doc01, doc02, doc14  .docx  python3-docx
#   doc03, doc04         .xlsx  python3-openpyxl
#   doc05, doc06         .pdf   python3-reportlab, the built-in CID font
#                               STSong-Light (not embedded: reading the
#                               text layer needs poppler-data's CMaps)
#   doc07, doc13         .html  UTF-8; doc08 .html declared GBK
#   doc09, doc11, doc12  .txt   UTF-8; doc10 .txt in GBK
#
# Needs, for generating only (the files are committed; make check does
# not run this): the Debian packages python3-docx, python3-openpyxl and
# python3-reportlab (for /usr/bin/python3, or set PYTHON), and iconv
# (glibc).  The output is reproducible: dates inside the files and the
# zip entry times are fixed.  File names are ASCII so that the titles
# (taken from the file name) hold no Chinese.
#
#   sh scripts/make-search-fixtures.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/fixtures/search"
py=${PYTHON:-/usr/bin/python3}
rm -rf "$out"
mkdir -p "$out"
cd "$out"

cat >doc07-duty.html <<'HTML'
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>客户服务部岗位职责说明书</title>
<style>body { font-family: "SimSun"; } h2 { color: #333 }</style>
<script>var tip = "脚本里的文字不进索引";</script></head>
<body>
<h1>客户服务部岗位说明书</h1>
<table>
<tr><td>岗位名称</td><td>客户服务代表</td></tr>
<tr><td>隶属部门</td><td>客户服务部</td></tr>
<tr><td>直属上级</td><td>客户服务部经理</td></tr>
<tr><td>岗位编号</td><td>KF-007</td></tr>
</table>
<h2>工作内容和目标</h2>
<ol>
<li>负责公司公文资料的登记、分类、备份、保存和整理，严格执行保密规定，不得随意传播公文信息；</li>
<li>负责客户档案的建立、更新、管理，并定期向公司反馈修理档案；</li>
<li>负责接收客户预约、客户修后关怀、定期保养提示；</li>
<li>负责处理简单客户投诉，重大投诉及时上报服务经理；</li>
<li>每月5日前编写月度工作报告，年度工作报告于12月31日前提交；</li>
<li>对单据资料的完整性、准确性及接待前台“5S”进行管理；</li>
<li>对CS-MAP和客户满意度进行统计、分析，满意度目标 95% 以上。</li>
</ol>
<h2>任职资格</h2>
<p>市场营销、公共关系等相关专业大专以上学历；一年以上相关从业经历；
熟悉ISO9001质量管理体系；熟练操作计算机及办公软件（Word、Excel）。</p>
<p>客服部 2022.3.20 &nbsp; 版本 v2.1</p>
</body></html>
HTML

iconv -f UTF-8 -t GBK >doc08-notice-gbk.html <<'HTML'
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>关于规范印章使用的通知</title></head>
<body>
<p>深证〔2022〕12号</p>
<h1>关于规范印章使用的通知</h1>
<p>各部门、各分公司：</p>
<p>为加强公司印章管理，防范经营风险，现就印章使用有关事项通知如下：</p>
<p>一、印章管理：公章、合同章、财务章由行政部统一保管，法人章由财务部保管。</p>
<p>二、用印审批：合同用印须经部门负责人审批，并在用印登记簿上登记合同编号、用印日期和经办人。
例如购房合同 HT-2022-0315 于2022年3月20日用印。</p>
<p>三、印章不得携带外出；确需外带的，须两人同行，当日归还。</p>
<p>四、本通知自2022年4月1日起执行。</p>
<p>深圳市华南贸易有限公司 行政部<br>2022年3月28日</p>
</body></html>
HTML

# A hard-wrapped text: 档案 is split by the line break after 档.
cat >doc09-duty.txt <<'TXT'
档案管理员岗位说明书

岗位名称：档案管理员        所属部门：行政部
直接上级：行政部经理        岗位编号：XZ-012

一、岗位职责
1. 负责公司合同、客户档
案及其他公文资料的接收、登记、分类、编号和归档；
2. 负责档案的借阅登记，借阅期限一般不超过15个工作日，
逾期未还的及时催还；
3. 负责档案室的防火、防潮、防虫、防盗工作，每季度检查一次；
4. 按照保管期限表对到期档案提出销毁意见，经审批后监督销毁；
5. 每年1月31日前完成上一年度档案的整理和移交。

二、任职要求
大专及以上学历，档案管理相关专业优先；具有2年以上档案管理工作经验；
熟悉《档案法》及公司保密制度。
TXT

# The same kind of form in GBK, as older systems export it.
iconv -f UTF-8 -t GBK >doc10-borrow-gbk.txt <<'TXT'
档案借阅登记表

登记编号：JY-2022-031
借阅人：王五            所在部门：财务部
借阅档案：采购合同 HT2023-0007 及附件（共3份）
档案编号：DA-2021-088
借阅日期：2022/3/21     应还日期：2022/4/5
借阅用途：年度审计核对合同金额 86,000.00 元
审批人：赵六（行政部经理）
归还日期：2022/4/2      归还时状态：完好
TXT

cat >doc11-traditional.txt <<'TXT'
客戶檔案管理辦法（繁體版）

第一條  為規範客戶檔案之管理，保護客戶資料安全，特制定本辦法。
第二條  客戶檔案包括客戶基本資料、合約、往來記錄及聯絡電話等。
第三條  合約編號以ＨＴ－２０２２－０３１５格式登記，全形數字亦可。
第四條  客戶檔案由業務部建立，行政部統一保管，保管期限為十年。
第五條  查閱客戶檔案須經部門經理批准，並登記查閱日期。
第六條  本辦法自２０２２年５月１日起施行。

聯絡人：李四  聯絡電話：13912345678
TXT

cat >doc12-minutes.txt <<'TXT'
会议纪要 Meeting minutes 2024-01-15

会议主题：关于岗位调整及合同续签
参会人员：张三、李四、王五；ACME Ltd 代表 John Smith
记录人：赵六

一、Contract No. 12 between ACME Ltd and 华南贸易 将于2024年3月31日到期，
    会议同意续签两年，合同金额不超过 1,500,000 元。
二、购房合同 HT-2022-0315 的按揭款已于2022年4月15日全部到账。
三、客户服务部岗位调整：客户档案的整理工作由行政部档案管理员负责。
四、下次会议时间：2024年2月20日 14:30，地点：三楼会议室。

Action items: update the customer file index before 2024-01-31.
TXT

cat >doc13-insurance.html <<'HTML'
<!DOCTYPE html>
<html><head><meta charset="UTF-8"><title>保险合同续签通知</title></head>
<body>
<h2>保险合同续签通知</h2>
<p>尊敬的客户李四：</p>
<p>您的车辆保险合同（保单号 PA2023-88761，车牌京A12345）将于2023-06-30到期。
请于到期前携带身份证及投保单 ＰＡ２０２３－８８７６１ 到平安保险营业厅办理续签手续。</p>
<table>
<tr><th>险种</th><th>保额</th><th>保费</th></tr>
<tr><td>交强险</td><td>200,000</td><td>950</td></tr>
<tr><td>商业第三者责任险</td><td>1,000,000</td><td>1,260</td></tr>
<tr><td>车辆损失险</td><td>168,000</td><td>2,380</td></tr>
</table>
<p>合计保费 4,590 元。咨询电话 95511。</p>
<p>客户服务部 2023年6月1日</p>
</body></html>
HTML

"$py" - <<'PY'
import datetime
import os
import re
import zipfile

FIXED = datetime.datetime(2022, 3, 20, 9, 0, 0)


def fix_zip(name):
    """Rewrites a zip with fixed entry times and fixed document dates."""
    with zipfile.ZipFile(name) as z:
        parts = [(i.filename, z.read(i)) for i in z.infolist()]
    tmp = name + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts:
            if n == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
                              b"2022-03-20T09:00:00Z", data)
            i = zipfile.ZipInfo(n, date_time=FIXED.timetuple()[:6])
            i.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(i, data)
    os.replace(tmp, name)


# ---- .docx ----
import docx


def new_doc():
    d = docx.Document()
    cp = d.core_properties
    cp.created = cp.modified = FIXED
    cp.author = cp.last_modified_by = "dossier"
    cp.title = ""
    return d


def table(d, rows):
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            t.cell(r, c).text = v


d = new_doc()
d.add_heading("商品房买卖合同", 0)
for p in [
    "合同编号：HT-2022-0315",
    "甲方（出卖人）：深圳市华南置业有限公司",
    "乙方（买受人）：张三，身份证号 440301198801011234",
    "签订日期：2022年3月20日",
    "第一条 房屋基本情况：乙方购买的商品房位于深圳市南山区科技园路18号"
    "华南花园3栋1502室，建筑面积89.5平方米。",
    "第二条 价款：总价款人民币壹佰贰拾捌万元整（¥1,280,000.00），首付款"
    "384,000元，余款以银行按揭贷款方式支付。",
    "第三条 交付期限：甲方应于2023年6月30日前将房屋交付乙方。",
    "第四条 违约责任：逾期交房的，甲方按日向乙方支付已付房价款万分之三"
    "的违约金。",
    "第五条 本合同一式四份，甲乙双方各执两份，自双方签字盖章之日起生效。",
]:
    d.add_paragraph(p)
d.add_paragraph("付款计划")
table(d, [["期次", "日期", "金额（元）", "备注"],
          ["首付款", "2022-03-20", "384,000", "签约当日"],
          ["按揭贷款", "2022-04-15", "896,000", "银行放款"]])
d.add_paragraph("Contract No. HT-2022-0315 (English copy available on request)")
d.save("doc01-contract.docx")

d = new_doc()
d.add_heading("设备维修服务合同", 1)
for p in [
    "合同编号：HT-2023-0007",
    "原合同编号：ＨＴ－２０２２－０３１５",
    "委托方（甲方）：深圳市华南贸易有限公司",
    "服务方（乙方）：华东电子设备维修中心",
    "一、服务范围：甲方办公楼的中央空调、电梯、消防报警系统的日常维护"
    "与故障维修。",
    "二、服务费用：每季度人民币12,500元，全年合计50,000元，于每季度首月"
    "10日前支付。",
    "三、响应时间：接到报修后2小时内到场，24小时内修复；重大故障须书面"
    "报告。",
    "四、合同期限：2023年5月6日至2024年5月5日。",
    "联系电话：0755-86001234",
]:
    d.add_paragraph(p)
table(d, [["设备", "数量", "保养周期"],
          ["中央空调", "6台", "每月"],
          ["电梯", "2部", "每半月"],
          ["消防报警系统", "1套", "每季度"]])
d.save("doc02-repair-contract.docx")

d = new_doc()
d.add_heading("员工手册（节选）", 1)
for p in [
    "第一章 总则",
    "本手册适用于公司全体员工，自2021年1月1日起施行。",
    "第二章 请假流程",
    "员工请假须提前在OA系统提交申请：3天以内由部门经理审批，3天以上"
    "报人力资源部备案。",
    "第三章 加班审批",
    "加班须事先填写加班申请单，经部门负责人批准；工作日加班按1.5倍、"
    "休息日按2倍计发加班费。",
    "第四章 报销规定",
    "差旅费报销须在出差结束后15日内提交，单笔超过5,000元的须附合同编号"
    "及审批单。",
    "第五章 保密义务",
    "员工不得泄露合同、客户档案等商业秘密；离职时须签署保密协议 NDA "
    "version 3，保密期限五年。",
]:
    d.add_paragraph(p)
d.save("doc14-handbook.docx")

# ---- .xlsx ----
import openpyxl

wb = openpyxl.Workbook()
wb.properties.creator = "dossier"
wb.properties.created = wb.properties.modified = FIXED
ws = wb.active
ws.title = "客户档案"
for row in [
    ["客户编号", "客户名称", "联系人", "联系电话", "合同编号", "合同金额",
     "签订日期", "客户等级"],
    ["KH-0001", "深圳市华南贸易有限公司", "李四", "13800138000",
     "HT-2022-0315", 1280000, "2022-03-20", "A"],
    ["KH-0002", "上海浦东物流股份有限公司", "王五", "13912345678",
     "HT-2023-0007", 50000, "2023-05-06", "B"],
    ["KH-0003", "北京朝阳文化传媒有限公司", "赵六", "010-65001234",
     "HT2024-0102", 86000, "2024-01-15", "A"],
    ["KH-0004", "广州天河电子科技有限公司", "孙七", "020-38001234",
     "HT-2021-1130", 230000, "2021-11-30", "C"],
]:
    ws.append(row)
ws2 = wb.create_sheet("跟进记录")
for row in [
    ["日期", "客户", "跟进内容"],
    ["2022-03-25", "李四", "电话回访，客户对交房进度满意"],
    ["2023-05-10", "王五", "上门拜访，商谈物流合同续签"],
    ["2024-01-16", "赵六", "寄送宣传册及报价单"],
]:
    ws2.append(row)
wb.save("doc03-customers.xlsx")

wb = openpyxl.Workbook()
wb.properties.creator = "dossier"
wb.properties.created = wb.properties.modified = FIXED
ws = wb.active
ws.title = "合同台账2023"
for row in [
    ["序号", "合同编号", "合同名称", "对方单位", "金额（元）", "签订日期",
     "到期日期", "状态", "经办人"],
    [1, "HT-2023-0007", "设备维修服务合同", "华东电子设备维修中心", 50000,
     "2023-05-06", "2024-05-05", "履行中", "王五"],
    [2, "HT2023-0012", "采购合同", "华东电子", 86000, "2023-02-14",
     "2023-08-14", "已完成", "李四"],
    [3, "HT-2023-0021", "房屋租赁合同", "深圳市华南置业有限公司", 96000,
     "2023-01-01", "2024-12-31", "履行中", "张三"],
    [4, "HT-2023-0035", "劳动合同", "赵六", 0, "2023-03-01", "2026-02-28",
     "履行中", "人力资源部"],
    [5, "HT-2023-0040", "保密协议", "ACME Ltd", 0, "2023-04-18",
     "2028-04-17", "履行中", "张三"],
]:
    ws.append(row)
ws.append(["合计", "", "", "", 232000, "", "", "", ""])
wb.save("doc04-ledger.xlsx")

for name in ["doc01-contract.docx", "doc02-repair-contract.docx",
             "doc14-handbook.docx", "doc03-customers.xlsx",
             "doc04-ledger.xlsx"]:
    fix_zip(name)

# ---- .pdf ----
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


def pdf(name, pages):
    c = canvas.Canvas(name, invariant=1)
    c.setTitle("")
    c.setAuthor("dossier")
    for lines in pages:
        y = 800
        for size, text in lines:
            c.setFont("STSong-Light", size)
            c.drawString(60, y, text)
            y -= size * 1.8
        c.showPage()
    c.save()


# The notice is wrapped inside 档案 (档 ends a line, 案 starts the next).
pdf("doc05-archive-notice.pdf", [[
    (12, "深华〔2023〕18号"),
    (16, "关于开展2023年度档案整理工作的通知"),
    (12, "各部门："),
    (12, "为规范公司档案管理，根据《档案法》和公司档案管理办法，请各部门将本年度形成的合同、客户档"),
    (12, "案及其他公文资料于2023年12月31日前整理完毕，移交行政部档案室。"),
    (12, "一、整理范围：合同正本、客户档案、会议纪要、通知及批复。"),
    (12, "二、整理要求：按年度、类别、保管期限分类编号，填写卷内目录。"),
    (12, "三、联系人：行政部 王五，电话 0755-86001234。"),
    (12, "行政部  2023年11月20日"),
]])

pdf("doc06-lease-contract.pdf", [[
    (16, "房屋租赁合同"),
    (12, "合同编号：HT-2023-0021"),
    (12, "出租方（甲方）：深圳市华南置业有限公司"),
    (12, "承租方（乙方）：深圳市华南贸易有限公司"),
    (12, "第一条 甲方将位于深圳市福田区深南大道1001号的写字楼出租给乙方使用。"),
    (12, "第二条 租期 2023.01.01 至 2024.12.31，月租金 8,000 元，押金 16,000 元。"),
], [
    (12, "第三条 乙方应于每月5日前支付当月租金；逾期超过15日的，甲方有权解除合同。"),
    (12, "第四条 关联合同：购房合同编号 ＨＴ－２０２２－０３１５。"),
    (12, "甲方（盖章）        乙方（盖章）"),
    (12, "签订日期：2022年12月20日"),
]])
PY

ls -l "$out"
