/*
 * test_extract.c: text extraction per format from fixtures/extract/
 * (made by scripts/make-extract-fixtures.sh): the expected text comes
 * out; the type is sniffed from the bytes, not the name; hostile files
 * (zip bomb, deep nesting, truncation, oversize) fail with
 * DOSSIER_EBADINPUT or are cut safely, quickly.
 */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <unistr.h>

#include "dossier.h"
#include "buf.h"
#include "error.h"
#include "extract/extract.h"

/* Hostile inputs must fail or finish within this. */
#define HOSTILE_MS 5000

static char fixtures[PATH_MAX];

static int
has_fixtures(const char *base)
{
	char p[PATH_MAX];

	if (snprintf(p, sizeof(p), "%s/fixtures/extract/utf8.txt", base) >=
	    (int)sizeof(p))
		return 0;
	return access(p, R_OK) == 0;
}

/* Tries dir and its parents; sets fixtures on success. */
static int
find_up(const char *dir)
{
	char d[PATH_MAX];
	char *slash;

	snprintf(d, sizeof(d), "%s", dir);
	for (;;) {
		if (has_fixtures(d))
			return snprintf(fixtures, sizeof(fixtures),
			           "%s/fixtures/extract",
			           d) < (int)sizeof(fixtures);
		slash = strrchr(d, '/');
		if (slash == NULL || slash == d)
			return 0;
		*slash = '\0';
	}
}

/*
 * Tests run in a temporary directory: $DOSSIER_FIXTURES (the repository's
 * fixtures/ directory), else the repository above __FILE__ when it is
 * absolute, above $DOSSIER_BUILD, or above the working directory.
 */
static int
locate_fixtures(void **state)
{
	const char *env = getenv("DOSSIER_FIXTURES");
	const char *build = getenv("DOSSIER_BUILD");
	char cwd[PATH_MAX];

	(void)state;
	if (env != NULL) {
		return snprintf(fixtures, sizeof(fixtures), "%s/extract", env) <
		        (int)sizeof(fixtures)
		    ? 0
		    : -1;
	}
	if (__FILE__[0] == '/' && find_up(__FILE__))
		return 0;
	if (build != NULL && find_up(build))
		return 0;
	if (getcwd(cwd, sizeof(cwd)) != NULL && find_up(cwd))
		return 0;
	fprintf(stderr,
	    "# cannot find fixtures/extract: set "
	    "DOSSIER_FIXTURES\n");
	return -1;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)(t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Extracts fixtures/extract/name; returns the code. */
static int
run(const char *name, const struct extract_limits *lim,
    struct extract_result *r, struct err *e)
{
	char path[PATH_MAX];
	struct timespec t0;
	int rc;

	assert_true(snprintf(path, sizeof(path), "%s/%s", fixtures, name) <
	    (int)sizeof(path));
	err_clear(e);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = extract_file(path, NULL, lim, r, e);
	assert_true(ms_since(&t0) < HOSTILE_MS);
	if (rc == 0)
		assert_null(u8_check(r->text.data, r->text.len));
	return rc;
}

#define assert_ok(rc, e)                                                       \
	do {                                                                   \
		if ((rc) != 0)                                                 \
			fail_msg("rc %d: %s", (rc), (e).msg);                  \
	} while (0)

static void
assert_has(const struct extract_result *r, const char *s)
{
	if (strstr(buf_str(&r->text), s) == NULL)
		fail_msg("'%s' not in text:\n%s", s, buf_str(&r->text));
}

static void
assert_lacks(const struct extract_result *r, const char *s)
{
	if (strstr(buf_str(&r->text), s) != NULL)
		fail_msg("'%s' in text:\n%s", s, buf_str(&r->text));
}

/* a comes before b in the text. */
static void
assert_order(const struct extract_result *r, const char *a, const char *b)
{
	const char *t = buf_str(&r->text);
	const char *pa = strstr(t, a), *pb = strstr(t, b);

	if (pa == NULL || pb == NULL || pa > pb)
		fail_msg("'%s' not before '%s' in:\n%s", a, b, t);
}

static void
check_common(const char *name, const char *type)
{
	struct extract_result r;
	struct err e;
	int rc;

	extract_result_init(&r);
	rc = run(name, NULL, &r, &e);
	assert_ok(rc, e);
	assert_string_equal(r.type, type);
	assert_null(r.no_text_reason);
	assert_int_equal(r.truncated, 0);
	assert_has(&r, "合同编号 HT-2022-0315");
	assert_has(&r, "客户档案");
	extract_result_release(&r);
}

static void
test_txt_utf8(void **state)
{
	(void)state;
	check_common("utf8.txt", "txt");
	check_common("table.csv", "txt");
}

static void
test_txt_bom_stripped(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	extract_result_init(&r);
	assert_ok(run("utf8-bom.md", NULL, &r, &e), e);
	assert_memory_equal(r.text.data, "合同编号", strlen("合同编号"));
	assert_has(&r, "ＨＴ－２０２２－０３１５");
	extract_result_release(&r);
}

static void
test_txt_utf16(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	check_common("utf16le.txt", "txt");
	check_common("utf16be.txt", "txt");
	extract_result_init(&r);
	assert_ok(run("utf16le.txt", NULL, &r, &e), e);
	assert_memory_equal(r.text.data, "合同编号", strlen("合同编号"));
	assert_has(&r, "ＨＴ－２０２２－０３１５");
	extract_result_release(&r);
}

static void
test_txt_gbk(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	check_common("gbk.txt", "txt");
	extract_result_init(&r);
	assert_ok(run("gbk.txt", NULL, &r, &e), e);
	assert_has(&r, "北京华信科技有限公司");
	assert_has(&r, "ＨＴ－２０２２－０３１５");
	extract_result_release(&r);
}

static void
test_txt_invalid_bytes_repaired(void **state)
{
	static const unsigned char junk[] = "ok \xff\xfe\x80 \xe5\x90 end";
	struct extract_result r;
	struct err e;

	(void)state;
	extract_result_init(&r);
	assert_ok(
	    extract_mem(junk, sizeof(junk) - 1, "x.txt", NULL, &r, &e), e);
	assert_null(u8_check(r.text.data, r.text.len));
	assert_has(&r, "ok ");
	assert_has(&r, " end");
	extract_result_release(&r);
}

static void
test_html(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	check_common("page.html", "html");
	extract_result_init(&r);
	assert_ok(run("page.html", NULL, &r, &e), e);
	assert_lacks(&r, "脚本内容");
	assert_lacks(&r, "font-family");
	assert_has(&r, "甲方：北京华信科技有限公司。\n乙方");
	assert_has(&r, "编号\tＨＴ－２０２２");
	assert_has(&r, "Mixed text & entities <ok>");
	extract_result_release(&r);
}

/* UTF-8 without a charset declaration: read as UTF-8, not Latin-1. */
static void
test_html_utf8_undeclared(void **state)
{
	static const char page[] = "<html><body><p>客户档案 HT-2022-0315</p>"
	    "</body></html>";
	struct extract_result r;
	struct err e;

	(void)state;
	extract_result_init(&r);
	assert_ok(extract_mem(page, sizeof(page) - 1, "x.html", NULL, &r, &e),
	    e);
	assert_has(&r, "客户档案");
	extract_result_release(&r);
}

static void
test_html_gbk(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	check_common("gbk.html", "html");
	check_common("gbk-nometa.html", "html");
	extract_result_init(&r);
	assert_ok(run("gbk.html", NULL, &r, &e), e);
	assert_has(&r, "北京华信科技有限公司");
	extract_result_release(&r);
}

static void
test_html_deep(void **state)
{
	struct extract_result r;
	struct buf b = BUF_INIT;
	struct timespec t0;
	struct err e;
	int i, rc;

	(void)state;
	assert_int_equal(buf_puts(&b, "<html><body>"), 0);
	for (i = 0; i < 100000; i++)
		assert_int_equal(buf_puts(&b, "<div>"), 0);
	assert_int_equal(buf_puts(&b, "深层文本"), 0);
	for (i = 0; i < 100000; i++)
		assert_int_equal(buf_puts(&b, "</div>"), 0);
	assert_int_equal(
	    buf_puts(&b, "<p>合同编号 HT-2022-0315</p></body></html>"), 0);
	extract_result_init(&r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = extract_mem(b.data, b.len, NULL, NULL, &r, &e);
	assert_true(ms_since(&t0) < HOSTILE_MS);
	/* libxml2 stops at its depth limit: refused. */
	assert_int_equal(rc, DOSSIER_EBADINPUT);
	assert_int_equal(r.text.len, 0);
	extract_result_release(&r);
	buf_release(&b);
}

static void
test_docx(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	check_common("contract.docx", "docx");
	extract_result_init(&r);
	assert_ok(run("contract.docx", NULL, &r, &e), e);
	assert_has(&r, "全角\tＨＴ－２０２２");
	assert_has(&r, "单元格甲\t单元格乙");
	assert_has(&r, "页眉：机密文件");
	assert_has(&r, "页脚：第一页");
	assert_has(&r, "脚注：依据2021年协议");
	assert_lacks(&r, "PAGE");
	assert_order(&r, "合同编号", "页眉");
	assert_order(&r, "页眉", "页脚");
	assert_order(&r, "页脚", "脚注");
	extract_result_release(&r);
}

static void
test_xlsx(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	extract_result_init(&r);
	assert_ok(run("ledger.xlsx", NULL, &r, &e), e);
	assert_string_equal(r.type, "xlsx");
	assert_has(&r, "合同编号\n");
	assert_has(&r, "HT-2022-0315");
	assert_has(&r, "客户档案");
	assert_has(&r, "内联文本 北京华信\t12500\t25000");
	assert_lacks(&r, "kehu");
	assert_lacks(&r, "B2*2");
	extract_result_release(&r);
}

static void
test_pptx(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	check_common("deck.pptx", "pptx");
	extract_result_init(&r);
	assert_ok(run("deck.pptx", NULL, &r, &e), e);
	assert_order(&r, "年度汇报", "ＨＴ－２０２２");
	assert_order(&r, "ＨＴ－２０２２", "第十页");
	extract_result_release(&r);
}

static void
test_odt(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	check_common("contract.odt", "odt");
	extract_result_init(&r);
	assert_ok(run("contract.odt", NULL, &r, &e), e);
	assert_has(&r, "合同编号 HT-2022-0315\n客户档案：北京华信科技有限公司\n");
	/* text:s c=3, text:tab, text:line-break. */
	assert_has(&r, "甲方   乙方\t丙方\n丁方");
	assert_has(&r, "全角 ＨＴ－２０２２－０３１５");
	assert_has(&r, "脚注：依据2021年协议");
	assert_has(&r, "批注：请核对金额");
	assert_has(&r, "Mixed English line: invoice total 12,500 CNY");
	assert_has(&r, "单元格甲\t单元格乙");
	assert_has(&r, "页眉：机密文件");
	assert_has(&r, "页脚：第1页");
	assert_lacks(&r, "已删除的旧条款");
	assert_lacks(&r, "批注作者王五");
	assert_lacks(&r, "０３１５1");
	assert_order(&r, "单元格乙", "页眉");
	extract_result_release(&r);
}

static void
test_ods(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	check_common("ledger.ods", "ods");
	extract_result_init(&r);
	assert_ok(run("ledger.ods", NULL, &r, &e), e);
	assert_has(&r, "合同编号 HT-2022-0315\t客户档案\n");
	assert_has(&r, "内联文本 北京华信\t12500\t25000");
	assert_lacks(&r, "B2");
	/* Repeated empty cells and rows are not expanded. */
	assert_true(r.text.len < 200);
	extract_result_release(&r);
}

static void
test_odp(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	check_common("deck.odp", "odp");
	extract_result_init(&r);
	assert_ok(run("deck.odp", NULL, &r, &e), e);
	assert_order(&r, "年度汇报", "ＨＴ－２０２２");
	assert_lacks(&r, "第一页");
	extract_result_release(&r);
}

static void
test_odf_encrypted_and_deep(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	extract_result_init(&r);
	assert_ok(run("secret.odt", NULL, &r, &e), e);
	assert_string_equal(r.type, "odt");
	assert_string_equal(r.no_text_reason, "encrypted document");
	assert_int_equal(r.text.len, 0);
	assert_int_equal(run("deep.odt", NULL, &r, &e), DOSSIER_EBADINPUT);
	assert_int_equal(r.text.len, 0);
	extract_result_release(&r);
}

static void
test_odf_limits(void **state)
{
	struct extract_limits lim;
	struct extract_result r;
	struct err e;
	size_t cut;

	(void)state;
	extract_result_init(&r);
	for (cut = 1; cut < 40; cut++) {
		extract_limits_init(&lim);
		lim.max_text = cut;
		assert_ok(run("contract.odt", &lim, &r, &e), e);
		assert_true(r.truncated);
		assert_true(r.text.len <= cut + 1);
	}
	extract_limits_init(&lim);
	lim.max_entries = 2;
	assert_int_equal(run("contract.odt", &lim, &r, &e), DOSSIER_EBADINPUT);
	extract_limits_init(&lim);
	lim.max_expanded = 1000;
	assert_int_equal(run("contract.odt", &lim, &r, &e), DOSSIER_EBADINPUT);
	extract_result_release(&r);
}

static void
test_pdf_cid_chinese(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	extract_result_init(&r);
	assert_ok(run("contract-cid.pdf", NULL, &r, &e), e);
	assert_string_equal(r.type, "pdf");
	assert_string_equal(r.mime, "application/pdf");
	/* Empty here means poppler-data's CMaps are missing: make deps. */
	if (r.no_text_reason != NULL)
		fail_msg("no text (%s): is poppler-data installed?",
		    r.no_text_reason);
	assert_has(&r, "合同编号 HT-2022-0315");
	assert_has(&r, "客户档案：北京华信科技有限公司");
	assert_has(&r, "全角编号 ＨＴ－２０２２－０３１５");
	assert_order(&r, "合同编号", "客户档案");
	extract_result_release(&r);
}

static void
test_pdf_latin(void **state)
{
	struct extract_limits lim;
	struct extract_result r;
	struct err e;
	size_t cut;

	(void)state;
	extract_result_init(&r);
	assert_ok(run("invoice.pdf", NULL, &r, &e), e);
	assert_string_equal(r.type, "pdf");
	assert_null(r.no_text_reason);
	assert_has(&r, "Contract HT-2022-0315");
	assert_has(&r, "Invoice total 12,500 CNY, café");
	assert_order(&r, "café", "Second page: delivery terms");
	for (cut = 1; cut < 40; cut += 7) {
		extract_limits_init(&lim);
		lim.max_text = cut;
		assert_ok(run("invoice.pdf", &lim, &r, &e), e);
		assert_true(r.truncated);
		assert_true(r.text.len <= cut);
	}
	extract_result_release(&r);
}

static void
test_pdf_no_text_layer(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	extract_result_init(&r);
	assert_ok(run("scan.pdf", NULL, &r, &e), e);
	assert_string_equal(r.type, "pdf");
	assert_string_equal(r.no_text_reason, "no text layer");
	assert_int_equal(r.text.len, 0);
	extract_result_release(&r);
}

static void
test_pdf_hostile(void **state)
{
	static const char junk[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pag"
	                           "\n\377\376garbage\ntrailer\n<< >>\n%%EOF\n";
	struct extract_result r;
	struct err e;

	(void)state;
	extract_result_init(&r);
	assert_int_equal(run("truncated.pdf", NULL, &r, &e), DOSSIER_EBADINPUT);
	assert_string_equal(r.type, "pdf");
	assert_int_equal(r.text.len, 0);
	assert_int_equal(
	    extract_mem(junk, sizeof(junk) - 1, "x.pdf", NULL, &r, &e),
	    DOSSIER_EBADINPUT);
	assert_int_equal(r.text.len, 0);
	extract_result_release(&r);
}

/*
 * A PDF of n pages sharing one content stream, with a correct xref:
 * 1 catalog, 2 pages, 3 font, 4 content, 5.. the pages.
 */
static void
make_many_pages(struct buf *b, int n)
{
	static const char content[] = "BT /F1 12 Tf 72 760 Td (page text) Tj ET";
	size_t *offs;
	size_t xref;
	int i;

	offs = calloc((size_t)n + 5, sizeof(*offs));
	assert_non_null(offs);
	assert_int_equal(buf_puts(b, "%PDF-1.4\n"), 0);
	offs[1] = b->len;
	assert_int_equal(buf_puts(b, "1 0 obj << /Type /Catalog /Pages 2 0 R >> "
	                             "endobj\n"),
	    0);
	offs[2] = b->len;
	assert_int_equal(buf_puts(b, "2 0 obj << /Type /Pages /Kids ["), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_printf(b, "%d 0 R ", i + 5), 0);
	assert_int_equal(buf_printf(b, "] /Count %d >> endobj\n", n), 0);
	offs[3] = b->len;
	assert_int_equal(buf_puts(b, "3 0 obj << /Type /Font /Subtype /Type1 "
	                             "/BaseFont /Helvetica >> endobj\n"),
	    0);
	offs[4] = b->len;
	assert_int_equal(buf_printf(b,
	                     "4 0 obj << /Length %zu >> stream\n%s\n"
	                     "endstream endobj\n",
	                     strlen(content), content),
	    0);
	for (i = 0; i < n; i++) {
		offs[i + 5] = b->len;
		assert_int_equal(buf_printf(b,
		                     "%d 0 obj << /Type /Page /Parent 2 0 R "
		                     "/MediaBox [0 0 595 842] /Resources << "
		                     "/Font << /F1 3 0 R >> >> /Contents 4 0 R "
		                     ">> endobj\n",
		                     i + 5),
		    0);
	}
	xref = b->len;
	assert_int_equal(buf_printf(b, "xref\n0 %d\n0000000000 65535 f \n",
	                     n + 5),
	    0);
	for (i = 1; i < n + 5; i++)
		assert_int_equal(buf_printf(b, "%010zu 00000 n \n", offs[i]), 0);
	assert_int_equal(buf_printf(b,
	                     "trailer << /Size %d /Root 1 0 R >>\n"
	                     "startxref\n%zu\n%%%%EOF\n",
	                     n + 5, xref),
	    0);
	free(offs);
}

static void
test_pdf_many_pages(void **state)
{
	struct extract_limits lim;
	struct extract_result r;
	struct buf b = BUF_INIT;
	struct timespec t0;
	struct err e;
	int rc;

	(void)state;
	make_many_pages(&b, 20000);
	extract_result_init(&r);
	/* The page loop stops when the text is full. */
	extract_limits_init(&lim);
	lim.max_text = 1000;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_ok(extract_mem(b.data, b.len, NULL, &lim, &r, &e), e);
	assert_true(ms_since(&t0) < HOSTILE_MS);
	assert_true(r.truncated);
	assert_true(r.text.len <= 1000);
	assert_has(&r, "page text\npage text");
	/* The time budget is checked page by page. */
	extract_limits_init(&lim);
	lim.time_ms = 20;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = extract_mem(b.data, b.len, NULL, &lim, &r, &e);
	assert_true(ms_since(&t0) < HOSTILE_MS);
	assert_int_equal(rc, DOSSIER_EBADINPUT);
	assert_int_equal(r.text.len, 0);
	extract_result_release(&r);
	buf_release(&b);
}

static void
test_eml(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	check_common("mail-gb2312.eml", "eml");
	extract_result_init(&r);
	assert_ok(run("mail-gb2312.eml", NULL, &r, &e), e);
	/* GB2312 B-words joined, UTF-8 B and Q words. */
	assert_has(&r, "Subject: 合同编号 HT-2022-0315 审批\n");
	assert_has(&r, "From: 王经理 <wang@example.cn>");
	assert_has(&r, "To: 李会计 <li@example.cn>");
	assert_has(&r, "Date: Tue, 15 Mar 2022");
	/* The plain alternative only, in GB2312. */
	assert_has(&r, "客户档案：北京华信科技有限公司\n合同编号 HT-2022-0315 请审批。");
	assert_lacks(&r, "仅在HTML版本");
	assert_lacks(&r, "multi-part message");
	/* The docx attachment, its name decoded; the GBK text one. */
	assert_has(&r, "Attachment: 合同.docx\n");
	assert_has(&r, "页眉：机密文件");
	assert_has(&r, "单元格甲\t单元格乙");
	assert_has(&r, "附件说明：金额12500元");
	assert_order(&r, "请审批", "Attachment: 合同.docx");
	assert_order(&r, "脚注", "附件说明");
	extract_result_release(&r);
}

static void
test_eml_forward_html(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	extract_result_init(&r);
	assert_ok(run("mail-forward.eml", NULL, &r, &e), e);
	assert_string_equal(r.type, "eml");
	assert_has(&r, "Subject: Fwd: 客户档案 原件");
	/* A GB2312 HTML part without a meta charset. */
	assert_has(&r, "转发如下：请查收");
	assert_lacks(&r, "<b>");
	/* The message inside: its headers and quoted-printable body. */
	assert_has(&r, "Subject: 客户档案 原件\nFrom: zhao@example.cn");
	assert_has(&r, "原始邮件正文：合同编号 HT-2022-0315");
	extract_result_release(&r);
}

static void
test_eml_attachment_bomb(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	extract_result_init(&r);
	assert_ok(run("mail-bomb.eml", NULL, &r, &e), e);
	/* The bomb is left out, the message is kept. */
	assert_true(r.truncated);
	assert_has(&r, "Subject: 炸弹附件");
	assert_has(&r, "正文仍然可读：合同编号 HT-2022-0315");
	assert_has(&r, "Attachment: bomb.docx");
	extract_result_release(&r);
}

static void
test_eml_limits(void **state)
{
	struct extract_limits lim;
	struct extract_result r;
	struct err e;
	size_t cut;

	(void)state;
	extract_result_init(&r);
	for (cut = 1; cut < 300; cut += 13) {
		extract_limits_init(&lim);
		lim.max_text = cut;
		assert_ok(run("mail-gb2312.eml", &lim, &r, &e), e);
		assert_true(r.truncated);
		assert_true(r.text.len <= cut);
	}
	extract_result_release(&r);
}

static const char mail_head[] = "From: a@example.cn\nTo: b@example.cn\n"
                                "Subject: nested\nMIME-Version: 1.0\n";

static void
test_eml_deep_multipart(void **state)
{
	struct extract_result r;
	struct buf b = BUF_INIT;
	struct timespec t0;
	struct err e;
	int i, rc;

	(void)state;
	assert_int_equal(buf_puts(&b, mail_head), 0);
	for (i = 0; i < 10000; i++)
		assert_int_equal(buf_printf(&b,
		                     "Content-Type: multipart/mixed; "
		                     "boundary=b%d\n\n--b%d\n",
		                     i, i),
		    0);
	assert_int_equal(buf_puts(&b, "\n深层正文\n"), 0);
	extract_result_init(&r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = extract_mem(b.data, b.len, NULL, NULL, &r, &e);
	assert_true(ms_since(&t0) < HOSTILE_MS);
	assert_int_equal(rc, DOSSIER_EBADINPUT);
	assert_int_equal(r.text.len, 0);
	extract_result_release(&r);
	buf_release(&b);
}

static void
test_eml_many_parts(void **state)
{
	struct extract_result r;
	struct buf b = BUF_INIT;
	struct timespec t0;
	struct err e;
	int i;

	(void)state;
	assert_int_equal(buf_puts(&b, mail_head), 0);
	assert_int_equal(
	    buf_puts(&b, "Content-Type: multipart/mixed; boundary=x\n\n"), 0);
	for (i = 0; i < 5000; i++)
		assert_int_equal(buf_printf(&b,
		                     "--x\nContent-Type: text/plain\n\n"
		                     "第%d部分\n",
		                     i),
		    0);
	assert_int_equal(buf_puts(&b, "--x--\n"), 0);
	extract_result_init(&r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_ok(extract_mem(b.data, b.len, NULL, NULL, &r, &e), e);
	assert_true(ms_since(&t0) < HOSTILE_MS);
	assert_true(r.truncated);
	assert_has(&r, "第0部分\n第1部分");
	assert_lacks(&r, "第4999部分");
	extract_result_release(&r);
	buf_release(&b);
}

/* Messages attached to messages, base64 each time: bounded nesting. */
static void
test_eml_nested_attachments(void **state)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct extract_result r;
	struct buf cur = BUF_INIT, next = BUF_INIT;
	struct err e;
	size_t i;
	int level;

	(void)state;
	assert_int_equal(buf_printf(&cur, "%s\n最内层正文\n", mail_head), 0);
	for (level = 0; level < 8; level++) {
		buf_reset(&next);
		assert_int_equal(buf_printf(&next,
		                     "%sContent-Type: multipart/mixed; "
		                     "boundary=z\n\n--z\nContent-Type: "
		                     "text/plain\n\n第%d层\n--z\n"
		                     "Content-Type: application/octet-stream\n"
		                     "Content-Transfer-Encoding: base64\n\n",
		                     mail_head, level),
		    0);
		for (i = 0; i < cur.len; i += 3) {
			unsigned long v = (unsigned long)cur.data[i] << 16;
			size_t k = cur.len - i;

			if (k > 1)
				v |= (unsigned long)cur.data[i + 1] << 8;
			if (k > 2)
				v |= cur.data[i + 2];
			assert_int_equal(buf_putc(&next, b64[v >> 18 & 63]), 0);
			assert_int_equal(buf_putc(&next, b64[v >> 12 & 63]), 0);
			assert_int_equal(buf_putc(&next,
			                     k > 1 ? b64[v >> 6 & 63] : '='),
			    0);
			assert_int_equal(
			    buf_putc(&next, k > 2 ? b64[v & 63] : '='), 0);
		}
		assert_int_equal(buf_puts(&next, "\n--z--\n"), 0);
		assert_int_equal(buf_puts(&cur, ""), 0);
		buf_reset(&cur);
		assert_int_equal(buf_append(&cur, next.data, next.len), 0);
	}
	extract_result_init(&r);
	assert_ok(extract_mem(cur.data, cur.len, NULL, NULL, &r, &e), e);
	assert_has(&r, "第7层");
	assert_has(&r, "第4层");
	assert_true(r.truncated);
	assert_lacks(&r, "最内层正文");
	extract_result_release(&r);
	buf_release(&cur);
	buf_release(&next);
}

static void
test_wrong_extension(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	check_common("really-text.pdf", "txt");
	check_common("really-docx.txt", "docx");
	extract_result_init(&r);
	assert_ok(run("really-docx.txt", NULL, &r, &e), e);
	assert_has(&r, "页眉：机密文件");
	extract_result_release(&r);
}

static void
test_plain_zip_no_text(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	extract_result_init(&r);
	assert_ok(run("plain.zip", NULL, &r, &e), e);
	assert_null(r.type);
	assert_non_null(r.no_text_reason);
	assert_int_equal(r.text.len, 0);
	extract_result_release(&r);
}

static void
test_unknown_binary(void **state)
{
	unsigned char junk[4096];
	struct extract_result r;
	struct err e;
	uint32_t x = 12345;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(junk); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (unsigned char)x;
	}
	extract_result_init(&r);
	assert_ok(extract_mem(junk, sizeof(junk), "a.txt", NULL, &r, &e), e);
	assert_null(r.type);
	assert_non_null(r.no_text_reason);
	assert_ok(extract_mem(junk, 0, "a.txt", NULL, &r, &e), e);
	assert_non_null(r.no_text_reason);
	extract_result_release(&r);
}

static void
test_zip_bomb(void **state)
{
	struct extract_limits lim;
	struct extract_result r;
	struct err e;

	(void)state;
	extract_result_init(&r);
	/* The defaults: caught by the expansion ratio. */
	assert_int_equal(run("bomb.docx", NULL, &r, &e), DOSSIER_EBADINPUT);
	assert_int_equal(r.text.len, 0);
	/* No ratio check: caught by the expanded size. */
	extract_limits_init(&lim);
	lim.max_ratio = 0;
	lim.max_expanded = 1024 * 1024;
	assert_int_equal(run("bomb.docx", &lim, &r, &e), DOSSIER_EBADINPUT);
	/* The normal document passes under the same limits. */
	assert_ok(run("contract.docx", &lim, &r, &e), e);
	/* Too many members. */
	lim.max_entries = 2;
	assert_int_equal(run("contract.docx", &lim, &r, &e), DOSSIER_EBADINPUT);
	extract_result_release(&r);
}

static void
test_deep_xml(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	extract_result_init(&r);
	assert_int_equal(run("deep.docx", NULL, &r, &e), DOSSIER_EBADINPUT);
	assert_int_equal(r.text.len, 0);
	extract_result_release(&r);
}

static void
test_truncated_docx(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	extract_result_init(&r);
	assert_int_equal(
	    run("truncated.docx", NULL, &r, &e), DOSSIER_EBADINPUT);
	assert_int_equal(r.text.len, 0);
	extract_result_release(&r);
}

static void
test_limits_text_and_input(void **state)
{
	struct extract_limits lim;
	struct extract_result r;
	struct err e;
	size_t cut;

	(void)state;
	extract_result_init(&r);
	for (cut = 1; cut < 40; cut++) {
		extract_limits_init(&lim);
		lim.max_text = cut;
		assert_ok(run("utf8.txt", &lim, &r, &e), e);
		assert_true(r.truncated);
		assert_true(r.text.len <= cut);
		assert_ok(run("contract.docx", &lim, &r, &e), e);
		assert_true(r.truncated);
		assert_ok(run("page.html", &lim, &r, &e), e);
		assert_true(r.truncated);
		assert_true(r.text.len <= cut);
	}
	extract_limits_init(&lim);
	lim.max_input = 100;
	assert_int_equal(run("utf8.txt", &lim, &r, &e), DOSSIER_EBADINPUT);
	extract_result_release(&r);
}

static void
test_missing_file(void **state)
{
	struct extract_result r;
	struct err e;

	(void)state;
	extract_result_init(&r);
	assert_int_equal(run("no-such-file", NULL, &r, &e), DOSSIER_EIO);
	extract_result_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_txt_utf8),
	    cmocka_unit_test(test_txt_bom_stripped),
	    cmocka_unit_test(test_txt_utf16),
	    cmocka_unit_test(test_txt_gbk),
	    cmocka_unit_test(test_txt_invalid_bytes_repaired),
	    cmocka_unit_test(test_html),
	    cmocka_unit_test(test_html_utf8_undeclared),
	    cmocka_unit_test(test_html_gbk),
	    cmocka_unit_test(test_html_deep),
	    cmocka_unit_test(test_docx),
	    cmocka_unit_test(test_xlsx),
	    cmocka_unit_test(test_pptx),
	    cmocka_unit_test(test_odt),
	    cmocka_unit_test(test_ods),
	    cmocka_unit_test(test_odp),
	    cmocka_unit_test(test_odf_encrypted_and_deep),
	    cmocka_unit_test(test_odf_limits),
	    cmocka_unit_test(test_pdf_cid_chinese),
	    cmocka_unit_test(test_pdf_latin),
	    cmocka_unit_test(test_pdf_no_text_layer),
	    cmocka_unit_test(test_pdf_hostile),
	    cmocka_unit_test(test_pdf_many_pages),
	    cmocka_unit_test(test_eml),
	    cmocka_unit_test(test_eml_forward_html),
	    cmocka_unit_test(test_eml_attachment_bomb),
	    cmocka_unit_test(test_eml_limits),
	    cmocka_unit_test(test_eml_deep_multipart),
	    cmocka_unit_test(test_eml_many_parts),
	    cmocka_unit_test(test_eml_nested_attachments),
	    cmocka_unit_test(test_wrong_extension),
	    cmocka_unit_test(test_plain_zip_no_text),
	    cmocka_unit_test(test_unknown_binary),
	    cmocka_unit_test(test_zip_bomb),
	    cmocka_unit_test(test_deep_xml),
	    cmocka_unit_test(test_truncated_docx),
	    cmocka_unit_test(test_limits_text_and_input),
	    cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, locate_fixtures, NULL);
}
