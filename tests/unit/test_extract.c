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
	    cmocka_unit_test(test_html_gbk),
	    cmocka_unit_test(test_html_deep),
	    cmocka_unit_test(test_docx),
	    cmocka_unit_test(test_xlsx),
	    cmocka_unit_test(test_pptx),
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
