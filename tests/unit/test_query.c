/*
 * test_query.c: the query parser: the FTS5 expression for each kind of
 * input, and proof that no input (awkward ones, then thousands of random
 * byte strings) yields an expression FTS5 rejects: every expression runs
 * as MATCH on a real index with the "dossier" tokenizer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "dossier.h"
#include "buf.h"
#include "error.h"
#include "query.h"
#include "tokenize.h"

struct fix {
	sqlite3 *db;
	sqlite3_stmt *match;
};

static const char *const rows[][4] = {
    {"购房合同", "HT-2022-0315", "合同 重要",
        "本合同编号HT-2022-0315，甲方张三。"},
    {"客户档案", "KH-0001", "客户", "客户:张三 电话 13800138000"},
    {"维修记录", "", "维修", "C++ 程序 维修 手册 contract"},
    {"保险合同", "PA2023-88761", "保险", "保险 合同 续签 OR 或者"},
    {"岗位职责", "", "", "岗位职责：负责档案保管，草稿"},
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	sqlite3_stmt *ins;
	size_t i, j;

	assert_int_equal(sqlite3_open(":memory:", &f->db), SQLITE_OK);
	assert_int_equal(tokenize_register(f->db), DOSSIER_OK);
	assert_int_equal(
	    sqlite3_exec(f->db,
	        "CREATE VIRTUAL TABLE t USING fts5(title, number, tags, body, "
	        "tokenize='dossier')",
	        NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(f->db,
	                     "INSERT INTO t(rowid, title, number, tags, body) "
	                     "VALUES (?1, ?2, ?3, ?4, ?5)",
	                     -1, &ins, NULL),
	    SQLITE_OK);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)i + 1);
		for (j = 0; j < 4; j++)
			sqlite3_bind_text(
			    ins, (int)j + 2, rows[i][j], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
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
teardown(void **state)
{
	struct fix *f = *state;

	sqlite3_finalize(f->match);
	sqlite3_close(f->db);
	free(f);
	return 0;
}

/* Runs expr; returns the matching rowids as "1,3" (static buffer). */
static const char *
run(struct fix *f, const char *expr)
{
	static char out[256];
	size_t o = 0;
	int rc;

	out[0] = '\0';
	sqlite3_bind_text(f->match, 1, expr, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(f->match)) == SQLITE_ROW)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%lld",
		    o ? "," : "", (long long)sqlite3_column_int64(f->match, 0));
	if (rc != SQLITE_DONE)
		fail_msg("MATCH %s: %s", expr, sqlite3_errmsg(f->db));
	sqlite3_reset(f->match);
	return out;
}

/*
 * query_build(user) must give want (NULL: DOSSIER_EUSAGE) and, run on the
 * index, the rows hits (NULL: not checked).
 */
static void
expect(struct fix *f, const char *user, const char *want, const char *hits)
{
	struct buf b = BUF_INIT;
	struct err e;
	int rc;

	err_clear(&e);
	rc = query_build(user, &b, &e);
	if (want == NULL) {
		if (rc != DOSSIER_EUSAGE)
			fail_msg("%s: expected EUSAGE, got %d: %s", user, rc,
			    buf_str(&b));
		assert_true(strlen(e.msg) > 0);
		assert_int_equal(b.len, 0);
		return;
	}
	if (rc != DOSSIER_OK)
		fail_msg("%s: rc %d: %s", user, rc, e.msg);
	if (strcmp(buf_str(&b), want) != 0)
		fail_msg("%s:\n got  %s\n want %s", user, buf_str(&b), want);
	if (hits != NULL && strcmp(run(f, buf_str(&b)), hits) != 0)
		fail_msg("%s (%s): rows %s, want %s", user, buf_str(&b),
		    run(f, buf_str(&b)), hits);
	else if (hits == NULL)
		(void)run(f, buf_str(&b));
	buf_release(&b);
}

static void
test_terms(void **state)
{
	struct fix *f = *state;

	expect(f, "合同", "\"合同\"", "1,4");
	expect(f, "  合同   客户 ", "\"合同\" AND \"客户\"", "");
	expect(f, "合同　张三", "\"合同\" AND \"张三\"", "1");
	expect(f, "章", "\"章\"", "");
	expect(f, "档", "\"档\"", "2,5");
	expect(f, "HT-2022-0315", "\"HT-2022-0315\"", "1");
	expect(
	    f, "ＨＴ－２０２２－０３１５", "\"ＨＴ－２０２２－０３１５\"", "1");
	expect(f, "C++", "\"C++\"", "3");
	expect(f, "客户:张三", "\"客户:张三\"", "2");
	expect(f, "合同编号HT", "\"合同编号HT\"", "1");
	expect(f, "合約", "\"合約\"", "");
	expect(f, "保險", "\"保險\"", "4");
}

static void
test_phrases(void **state)
{
	struct fix *f = *state;

	expect(f, "\"保险 合同\"", "\"保险 合同\"", "4");
	expect(f, "\"合同 保险\"", "\"合同 保险\"", "");
	expect(f, "“购房合同”", "\"购房合同\"", "1");
	/* Unclosed: to the end. */
	expect(f, "\"购房 合同", "\"购房 合同\"", "1");
	expect(f, "合同 \"", "\"合同\"", "1,4");
	expect(f, "a\"b", "\"a\"\"b\"", "");
	expect(f, "\"a\"\"b\"", "\"a\" AND \"b\"", "");
	expect(f, "\"\"", NULL, NULL);
}

static void
test_operators(void **state)
{
	struct fix *f = *state;

	expect(f, "维修 OR 保险", "(\"维修\" OR \"保险\")", "3,4");
	expect(
	    f, "维修 OR 保险 合同", "(\"维修\" OR \"保险\") AND \"合同\"", "4");
	expect(f, "a OR b OR c", "(\"a\" OR \"b\" OR \"c\")", "3");
	expect(f, "合同 -张三", "\"合同\" NOT \"张三\"", "4");
	expect(
	    f, "合同 保险 -张三", "(\"合同\" AND \"保险\") NOT \"张三\"", "4");
	expect(f, "档案 -草稿 -电话", "\"档案\" NOT \"草稿\" NOT \"电话\"", "");
	expect(f, "-张三", NULL, NULL);
	/* OR is an operator only between two terms. */
	expect(f, "OR", "\"OR\"", "4");
	expect(f, "OR OR", "\"OR\" AND \"OR\"", "4");
	expect(f, "合同 OR", "\"合同\" AND \"OR\"", "4");
	expect(f, "or 合同", "\"or\" AND \"合同\"", "4");
	expect(f, "合同 OR -张三", "(\"合同\" AND \"OR\") NOT \"张三\"", "4");
	/* Lone or doubled minus: punctuation, dropped. */
	expect(f, "合同 -", "\"合同\"", "1,4");
	expect(f, "合同 --张三", "\"合同\" NOT \"-张三\"", "4");
	expect(f, "contr*", "\"contr\" *", "3");
	expect(f, "\"contr\"*", "\"contr\" *", "3");
	expect(f, "*", NULL, NULL);
	expect(f, "HT-2022*", "\"HT-2022\" *", "1");
}

static void
test_scopes(void **state)
{
	struct fix *f = *state;

	expect(f, "title:合同", "({title} : \"合同\")", "1,4");
	expect(f, "number:HT-2022-0315", "({number} : \"HT-2022-0315\")", "1");
	expect(f, "tag:客户", "({tags} : \"客户\")", "2");
	expect(f, "标题：合同", "({title} : \"合同\")", "1,4");
	expect(f, "Title:\"购房 合同\"", "({title} : \"购房 合同\")", "1");
	expect(f, "合同 -title:保险", "\"合同\" NOT ({title} : \"保险\")", "1");
	expect(f, "title:", "\"title:\"", "");
	expect(f, "title:保险 OR tag:维修",
	    "(({title} : \"保险\") OR ({tags} : \"维修\"))", "3,4");
	expect(f, "body:合同", "\"body:合同\"", "");
	expect(f, "number:PA*", "({number} : \"PA\" *)", "4");
}

static void
test_nothing(void **state)
{
	struct fix *f = *state;
	static const char *const empty[] = {
	    "",
	    "   ",
	    "\t\n",
	    "，。！",
	    "---",
	    "\"",
	    "“”",
	    "- - -",
	    "()",
	    "title:，",
	    "-\"\"",
	    "***",
	    "OR 。",
	};
	size_t i;

	for (i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		if (strcmp(empty[i], "OR 。") == 0)
			expect(f, empty[i], "\"OR\"", NULL);
		else
			expect(f, empty[i], NULL, NULL);
	}
}

static void
test_limits(void **state)
{
	struct fix *f = *state;
	struct buf q = BUF_INIT, m = BUF_INIT;
	struct err e;
	int i;

	for (i = 0; i < QUERY_MAX_TERMS; i++)
		buf_printf(&q, "w%d ", i);
	assert_int_equal(query_build(buf_str(&q), &m, &e), DOSSIER_OK);
	(void)run(f, buf_str(&m));
	buf_puts(&q, "extra");
	buf_reset(&m);
	assert_int_equal(query_build(buf_str(&q), &m, &e), DOSSIER_EUSAGE);
	buf_reset(&q);
	for (i = 0; i < QUERY_MAX_BYTES + 1; i++)
		buf_putc(&q, 'a');
	assert_int_equal(query_build(buf_str(&q), &m, &e), DOSSIER_EUSAGE);
	buf_release(&q);
	buf_release(&m);
}

/* Pieces the fuzzer strings together, besides raw bytes. */
static const char *const pieces[] = {
    "\"",
    "-",
    "*",
    ":",
    " ",
    "OR",
    "AND",
    "NOT",
    "NEAR",
    "(",
    ")",
    "{",
    "}",
    "^",
    "+",
    "a",
    "合",
    "同",
    "ＨＴ",
    "－",
    "title:",
    "tag:",
    "number:",
    "标题：",
    "“",
    "”",
    "\\",
    "'",
    "\n",
    "　",
    "0",
    "2022",
    "\xe5",
    "\xff",
    ",",
    "NEAR(",
    "body:",
    "}:",
    "-title:",
};

static void
test_fuzz(void **state)
{
	struct fix *f = *state;
	uint32_t x = 12345;
	int iter, ok = 0, usage = 0;

	for (iter = 0; iter < 3000; iter++) {
		struct buf q = BUF_INIT, m = BUF_INIT;
		struct err e;
		int i, n, rc;

		x = x * 1103515245u + 12345u;
		n = (int)((x >> 8) % 16);
		for (i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			if ((x >> 20) % 3 == 0) {
				unsigned char c = (unsigned char)(x >> 8);

				buf_putc(&q, c ? c : ' ');
			} else {
				buf_puts(&q,
				    pieces[(x >> 8) %
				        (sizeof(pieces) / sizeof(pieces[0]))]);
			}
		}
		rc = query_build(buf_str(&q), &m, &e);
		if (rc == DOSSIER_EUSAGE) {
			usage++;
		} else {
			if (rc != DOSSIER_OK)
				fail_msg("rc %d on %s", rc, buf_str(&q));
			(void)run(f, buf_str(&m));
			ok++;
		}
		buf_release(&q);
		buf_release(&m);
	}
	print_message(
	    "# fuzz: %d expressions ran, %d nothing to search\n", ok, usage);
	assert_true(ok > 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_terms, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_phrases, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_operators, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_scopes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fuzz, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
