/*
 * test_tokenize.c: the "dossier" FTS5 tokenizer: exact token streams
 * (text, offsets, colocation) for Chinese, full-width, traditional and
 * mixed text, then search quality on a real FTS5 table: recall = precision
 * = 1.0 against a brute-force scan of the normalised text for every 1- to
 * 4-character Han substring, every number and Latin word, and a randomized
 * substring property test across script boundaries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>
#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

#include "dossier.h"
#include "buf.h"
#include "tokenize.h"
#include "skeleton.h"

/* Token stream as text: "tok[start,end]", colocated ones prefixed '+'. */
static int
collect(
    void *ctx, int flags, const char *tok, size_t len, size_t start, size_t end)
{
	struct buf *b = ctx;

	if (b->len > 0)
		buf_putc(b, ' ');
	if (flags & TOKENIZE_COLOCATED)
		buf_putc(b, '+');
	buf_append(b, tok, len);
	buf_printf(b, "[%zu,%zu]", start, end);
	return 0;
}

static void
expect_tokens(const char *text, int mode, const char *want)
{
	struct buf b = BUF_INIT;

	assert_int_equal(
	    tokenize_text(text, strlen(text), mode, collect, &b), 0);
	if (strcmp(buf_str(&b), want) != 0)
		fail_msg("%s:\n got  %s\n want %s", text, buf_str(&b), want);
	buf_release(&b);
}

static void
test_stream_chinese_number(void **state)
{
	(void)state;
	/* 本合同编号 is 15 bytes: each Han character 3. */
	expect_tokens("本合同编号HT-2022-0315", TOKENIZE_DOCUMENT,
	    "本合[0,6] +本[0,3] 合同[3,9] +合[3,6] 同编[6,12] +同[6,9] "
	    "编号[9,15] +编[9,12] +号[12,15] "
	    "ht[15,17] 2022[18,22] 0315[23,27]");
	expect_tokens("本合同编号HT-2022-0315", TOKENIZE_QUERY,
	    "本合[0,6] 合同[3,9] 同编[6,12] 编号[9,15] "
	    "ht[15,17] 2022[18,22] 0315[23,27]");
	expect_tokens("合同编号HT2022", TOKENIZE_DOCUMENT,
	    "合同[0,6] +合[0,3] 同编[3,9] +同[3,6] 编号[6,12] +编[6,9] "
	    "+号[9,12] ht[12,14] 2022[14,18]");
}

static void
test_stream_fullwidth(void **state)
{
	(void)state;
	/* Every full-width character is 3 bytes. */
	expect_tokens(
	    "ＨＴ－２０２２", TOKENIZE_DOCUMENT, "ht[0,6] 2022[9,21]");
	expect_tokens("ＨＴ－２０２２", TOKENIZE_QUERY, "ht[0,6] 2022[9,21]");
	/* The ideographic space is a space. */
	expect_tokens("Ａ\xe3\x80\x80"
	              "b",
	    TOKENIZE_DOCUMENT, "a[0,3] b[6,7]");
}

static void
test_stream_line_break(void **state)
{
	(void)state;
	expect_tokens(
	    "合\n同", TOKENIZE_DOCUMENT, "合同[0,7] +合[0,3] +同[4,7]");
	expect_tokens("合 \r\n 同", TOKENIZE_QUERY, "合同[0,10]");
	/* Punctuation breaks the run. */
	expect_tokens("合，同", TOKENIZE_DOCUMENT, "合[0,3] 同[6,9]");
	/* A space between Han and Latin is a plain separator. */
	expect_tokens("合 a 同", TOKENIZE_DOCUMENT, "合[0,3] a[4,5] 同[6,9]");
	/* Format characters are invisible: zero-width space, soft hyphen. */
	expect_tokens("合\xe2\x80\x8b同 con\xc2\xadtract", TOKENIZE_DOCUMENT,
	    "合同[0,9] +合[0,3] +同[6,9] contract[10,20]");
}

static void
test_stream_traditional(void **state)
{
	(void)state;
	expect_tokens("合約", TOKENIZE_DOCUMENT, "合约[0,6] +合[0,3] +约[3,6]");
	expect_tokens("合約", TOKENIZE_QUERY, "合约[0,6]");
	expect_tokens(
	    "維修保險", TOKENIZE_QUERY, "维修[0,6] 修保[3,9] 保险[6,12]");
	expect_tokens("約", TOKENIZE_QUERY, "约[0,3]");
	assert_int_equal(tokenize_t2s(0x7D04), 0x7EA6); /* 約 -> 约 */
	assert_int_equal(tokenize_t2s(0x4E7E), 0x4E7E); /* 乾: ambiguous */
	assert_int_equal(tokenize_t2s('a'), 'a');
}

static void
test_stream_latin(void **state)
{
	(void)state;
	expect_tokens("Contract No. 12", TOKENIZE_DOCUMENT,
	    "contract[0,8] no[9,11] 12[13,15]");
	expect_tokens("Straße café ÉTÉ", TOKENIZE_DOCUMENT,
	    "strasse[0,7] café[8,13] été[14,19]");
	expect_tokens("x", TOKENIZE_QUERY, "x[0,1]");
	expect_tokens("", TOKENIZE_QUERY, "");
	expect_tokens("，。!? --", TOKENIZE_DOCUMENT, "");
	/* Invalid UTF-8 separates. */
	expect_tokens("ab\xff"
	              "cd\xe5\x90",
	    TOKENIZE_DOCUMENT, "ab[0,2] cd[3,5]");
}

static void
test_stream_mixed(void **state)
{
	(void)state;
	expect_tokens("2022年3月20日，客户ABC签约", TOKENIZE_DOCUMENT,
	    "2022[0,4] 年[4,7] 3[7,8] 月[8,11] 20[11,13] 日[13,16] "
	    "客户[19,25] +客[19,22] +户[22,25] abc[25,28] "
	    "签约[28,34] +签[28,31] +约[31,34]");
	expect_tokens("章", TOKENIZE_DOCUMENT, "章[0,3]");
	expect_tokens("カタカナ한국", TOKENIZE_QUERY,
	    "カタ[0,6] タカ[3,9] カナ[6,12] ナ한[9,15] 한국[12,18]");
	/* ① is 1 after NFKC; ㍻ (one character) is 平成. */
	expect_tokens(
	    "①㍻", TOKENIZE_DOCUMENT, "1[0,3] 平成[3,6] +平[3,6] +成[3,6]");
}

/* The search-quality corpus: one row per string. */
static const char *const corpus[] = {
    "本合同编号HT-2022-0315，甲方为深圳市华南贸易有限公司。",
    "购房合同\n签订日期：2022年3月20日，乙方张三。",
    "客户档案管理办法（试行）第一章 总则",
    "岗位职责：负责客户档案的整理、归档与保管。",
    "维修记录：2023.5.6 更换空调压缩机，费用1200元。",
    "保险合同续签通知：保单号 PA2023-88761，请于2023-06-30前办理。",
    "合約編號ＨＴ－２０２２－０３１５（繁體副本）",
    "維修保險條款第十二條",
    "Contract No. 12 between ACME Ltd and 华南贸易",
    "会议纪要 Meeting minutes 2024-01-15 关于岗位调整",
    "员工手册：请假流程、加班审批、报销规定",
    "深证〔2022〕12号 关于规范印章使用的通知",
    "印章管理：公章、合同章、财务章由行政部保管",
    "客户:李四 电话 13800138000 地址 北京市朝阳区",
    "车辆保险到期提醒，车牌京A12345，保险公司：平安",
    "设备维修合同（第2版）维修范围包括空调、电梯",
    "档案借阅登记表 借阅人 王五 借阅日期 2022/3/21",
    "合\n同\n附件：报价单 Quotation v2",
    "岗位说明书：档案管理员 职责 保管 借阅 销毁",
    "采购合同 HT2023-0007 供应商 华东电子",
    "仓库盘点表 2023年12月31日 库存 电脑 15 台",
    "税务登记证 统一社会信用代码 91440300MA5F123456",
    "会计凭证 第 0315 号 摘要 支付维修费",
    "劳动合同 甲方 深圳市华南贸易有限公司 乙方 赵六",
    "租赁合同：租期 2022.01.01 至 2024.12.31 月租金 8000 元",
    "保密协议 NDA version 3 保密期限五年",
    "年度工作总结 客户满意度 95 分",
    "投保单 ＰＡ２０２３－８８７６１ 被保险人 李四",
    "章程 第一章 第二章 公司章程修正案",
    "客戶檔案：聯絡電話 13912345678",
    "通知\n\n  关于   开展档案 整理工作的通知",
    "email: admin@example.com 合同扫描件",
};
#define NCORPUS (sizeof(corpus) / sizeof(corpus[0]))

struct qfix {
	sqlite3 *db;
	sqlite3_stmt *match;
	struct skel sk[NCORPUS];
	unsigned nq, nhan[5];
};

static int
setup_db(void **state)
{
	struct qfix *f = calloc(1, sizeof(*f));
	sqlite3_stmt *ins;
	size_t i;

	assert_int_equal(sqlite3_open(":memory:", &f->db), SQLITE_OK);
	assert_int_equal(tokenize_register(f->db), DOSSIER_OK);
	assert_int_equal(
	    sqlite3_exec(f->db,
	        "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='dossier')",
	        NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(f->db,
	        "INSERT INTO t(rowid, body) VALUES (?1, ?2)", -1, &ins, NULL),
	    SQLITE_OK);
	for (i = 0; i < NCORPUS; i++) {
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)i);
		sqlite3_bind_text(ins, 2, corpus[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
		skeleton(corpus[i], &f->sk[i]);
	}
	sqlite3_finalize(ins);
	assert_int_equal(
	    sqlite3_prepare_v2(f->db,
	        "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid", -1,
	        &f->match, NULL),
	    SQLITE_OK);
	*state = f;
	return 0;
}

static int
teardown_db(void **state)
{
	struct qfix *f = *state;

	size_t i;

	for (i = 0; i < NCORPUS; i++)
		skel_release(&f->sk[i]);
	sqlite3_finalize(f->match);
	sqlite3_close(f->db);
	free(f);
	return 0;
}

/*
 * Runs the user text q as one quoted FTS5 string and compares the rows
 * with the brute-force scan; must_row (or -1) must be among them.
 */
static void
check_query(struct qfix *f, const char *q, int must_row)
{
	struct buf expr = BUF_INIT;
	struct skel qs = SKEL_INIT;
	unsigned char want[NCORPUS], got[NCORPUS];
	const char *p;
	size_t i;
	int rc;

	buf_putc(&expr, '"');
	for (p = q; *p; p++) {
		if (*p == '"')
			buf_putc(&expr, '"');
		buf_putc(&expr, (unsigned char)*p);
	}
	buf_putc(&expr, '"');
	skeleton(q, &qs);
	for (i = 0; i < NCORPUS; i++)
		want[i] = (unsigned char)skel_match(&f->sk[i], &qs);
	memset(got, 0, sizeof(got));
	sqlite3_bind_text(f->match, 1, buf_str(&expr), -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(f->match)) == SQLITE_ROW)
		got[sqlite3_column_int64(f->match, 0)] = 1;
	if (rc != SQLITE_DONE)
		fail_msg("%s: %s", buf_str(&expr), sqlite3_errmsg(f->db));
	sqlite3_reset(f->match);
	for (i = 0; i < NCORPUS; i++) {
		if (want[i] != got[i])
			fail_msg("query %s: row %zu (%s): expected %s, got %s",
			    buf_str(&expr), i, corpus[i],
			    want[i] ? "a hit" : "no hit",
			    got[i] ? "a hit" : "no hit");
	}
	if (must_row >= 0 && !got[must_row])
		fail_msg("query %s: source row %d not returned", q, must_row);
	f->nq++;
	skel_release(&qs);
	buf_release(&expr);
}

static void
test_quality_han_substrings(void **state)
{
	struct qfix *f = *state;
	char q[64];
	size_t r, i, len;

	for (r = 0; r < NCORPUS; r++) {
		const struct skel *s = &f->sk[r];

		for (i = 0; i < s->n; i++) {
			for (len = 1; len <= 4 && i + len <= s->n; len++) {
				if (s->k[i + len - 1] != K_HAN)
					break;
				skel_text(s, i, i + len, q, sizeof(q));
				check_query(f, q, (int)r);
				f->nhan[len]++;
			}
		}
	}
	print_message("# %u Han queries (1: %u, 2: %u, 3: %u, 4: %u)\n", f->nq,
	    f->nhan[1], f->nhan[2], f->nhan[3], f->nhan[4]);
	assert_true(f->nhan[4] > 150);
}

static void
test_quality_words(void **state)
{
	struct qfix *f = *state;
	static const char *const extra[] = {
	    "HT-2022-0315",
	    "ＨＴ－２０２２－０３１５",
	    "ht 2022",
	    "2022",
	    "０３１５",
	    "PA2023-88761",
	    "ＰＡ２０２３",
	    "contract",
	    "CONTRACT",
	    "Contract No. 12",
	    "acme",
	    "minutes",
	    "13800138000",
	    "0007",
	    "合同编号HT",
	    "编号 HT-2022",
	    "合同编号HT2022",
	    "京A12345",
	    "深证〔2022〕12号",
	    "2022年3月20日",
	    "2022.3.20",
	    "合約編號",
	    "合约编号",
	    "客戶",
	    "保險",
	    "第 0315 号",
	    "v2",
	    "NDA version",
	    "admin@example.com",
	    "合同 附件",
	    "合同附件",
	    "开展档案整理",
	    "qu",
	    "zzz",
	    "合同章",
	    "保管",
	    "月租金8000",
	    "15台",
	};
	size_t r, i, j;
	char q[512];

	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		check_query(f, extra[i], -1);
	/* Every Latin and digit word of every row, alone. */
	for (r = 0; r < NCORPUS; r++) {
		const struct skel *s = &f->sk[r];

		for (i = 0; i < s->n; i = j) {
			j = i + 1;
			if (s->k[i] != K_LETTER && s->k[i] != K_DIGIT)
				continue;
			while (j < s->n && s->k[j] == s->k[i])
				j++;
			skel_text(s, i, j, q, sizeof(q));
			check_query(f, q, (int)r);
		}
	}
	print_message("# %u word and mixed queries\n", f->nq);
}

/*
 * Random substrings of 1-8 skeleton characters, Latin and digit parts
 * widened to whole words, queried as the ORIGINAL bytes they come from
 * (full-width, traditional, line breaks and punctuation included).
 */
static void
test_quality_random(void **state)
{
	struct qfix *f = *state;
	unsigned seed = 20240315, iter;
	char q[512];

	for (iter = 0; iter < 600; iter++) {
		const struct skel *s;
		size_t r, a, b, from, to, clen;
		int cl;
		ucs4_t c;

		seed = seed * 1103515245u + 12345u;
		r = (seed >> 8) % NCORPUS;
		s = &f->sk[r];
		seed = seed * 1103515245u + 12345u;
		a = (seed >> 8) % s->n;
		seed = seed * 1103515245u + 12345u;
		b = a + 1 + (seed >> 8) % 8;
		if (b > s->n)
			b = s->n;
		while (a < b && s->k[a] == K_SPACE)
			a++;
		while (b > a && s->k[b - 1] == K_SPACE)
			b--;
		if (a == b)
			continue;
		/* Widen to whole words. */
		while (a > 0 && s->k[a] != K_HAN && s->k[a - 1] == s->k[a])
			a--;
		while (
		    b < s->n && s->k[b - 1] != K_HAN && s->k[b] == s->k[b - 1])
			b++;
		from = s->src[a];
		cl = u8_mbtoucr(&c, (const uint8_t *)corpus[r] + s->src[b - 1],
		    strlen(corpus[r]) - s->src[b - 1]);
		clen = (size_t)cl;
		to = s->src[b - 1] + clen;
		assert_true(to - from < sizeof(q));
		memcpy(q, corpus[r] + from, to - from);
		q[to - from] = '\0';
		check_query(f, q, (int)r);
	}
	print_message("# %u random substring queries\n", f->nq);
}

/* Tokens per second on a mixed text, printed for the report. */
static int
count_tok(
    void *ctx, int flags, const char *tok, size_t len, size_t start, size_t end)
{
	(void)flags;
	(void)tok;
	(void)len;
	(void)start;
	(void)end;
	++*(size_t *)ctx;
	return 0;
}

static void
test_speed(void **state)
{
	struct buf b = BUF_INIT;
	struct timespec t0, t1;
	size_t ntok = 0, i;
	double sec;

	(void)state;
	for (i = 0; b.len < 4 << 20; i++)
		assert_int_equal(buf_puts(&b, corpus[i % NCORPUS]), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(tokenize_text((const char *)b.data, b.len,
	                     TOKENIZE_DOCUMENT, count_tok, &ntok),
	    0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sec = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("# %zu tokens from %zu bytes in %.3f s: %.1f Mtok/s, "
	              "%.1f MB/s\n",
	    ntok, b.len, sec, (double)ntok / sec / 1e6,
	    (double)b.len / sec / 1e6);
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stream_chinese_number),
	    cmocka_unit_test(test_stream_fullwidth),
	    cmocka_unit_test(test_stream_line_break),
	    cmocka_unit_test(test_stream_traditional),
	    cmocka_unit_test(test_stream_latin),
	    cmocka_unit_test(test_stream_mixed),
	    cmocka_unit_test_setup_teardown(
	        test_quality_han_substrings, setup_db, teardown_db),
	    cmocka_unit_test_setup_teardown(
	        test_quality_words, setup_db, teardown_db),
	    cmocka_unit_test_setup_teardown(
	        test_quality_random, setup_db, teardown_db),
	    cmocka_unit_test(test_speed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
