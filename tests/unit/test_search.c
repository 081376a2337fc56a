/*
 * test_search.c: one index: ranking by field weights, counts and the
 * bounded ranking of broad queries, selections (documents left out or the
 * only ones allowed), the tokenizer version check, deletion, and snippets
 * whose marked matches are exact
 * (one character for a one-character query, the original full-width
 * text for a half-width query).
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
#include "error.h"
#include "search.h"
#include "tokenize.h"

struct hits {
	int64_t ids[64];
	double score[64];
	size_t n;
	int64_t total;
};

/* Keeps the better score of a document reported twice. */
static int
hit(void *ctx, int64_t doc, double score)
{
	struct hits *h = ctx;
	size_t i;

	for (i = 0; i < h->n; i++)
		if (h->ids[i] == doc) {
			if (score > h->score[i])
				h->score[i] = score;
			return 0;
		}
	if (h->n < 64) {
		h->ids[h->n] = doc;
		h->score[h->n++] = score;
	}
	return 0;
}

/* Best first, as the vault orders them; ties to the newer id. */
static void
order(struct hits *h)
{
	size_t i, j;
	int64_t id;
	double sc;

	for (i = 1; i < h->n; i++)
		for (j = i; j > 0 && (h->score[j] > h->score[j - 1] ||
		    (h->score[j] == h->score[j - 1] &&
		    h->ids[j] > h->ids[j - 1])); j--) {
			id = h->ids[j];
			h->ids[j] = h->ids[j - 1];
			h->ids[j - 1] = id;
			sc = h->score[j];
			h->score[j] = h->score[j - 1];
			h->score[j - 1] = sc;
		}
}

static struct hits
ask_run(struct search *s, const char *q, const struct search_run *r)
{
	struct hits h;
	struct err e;

	memset(&h, 0, sizeof(h));
	assert_int_equal(search_query(s, q, r, hit, &h, &h.total, &e), 0);
	order(&h);
	return h;
}

static struct hits
ask(struct search *s, const char *q)
{
	struct search_run r;

	memset(&r, 0, sizeof(r));
	return ask_run(s, q, &r);
}

static void
put(struct search *s, int64_t id, const char *title, const char *number,
    const char *tags, const char *body)
{
	struct search_doc d = { title, number, tags, body, strlen(body), id,
		1 };
	struct err e;

	assert_int_equal(search_put(s, id, &d, &e), 0);
}

static void
test_index_and_rank(void **state)
{
	char dir[] = "/tmp/dossier-search-XXXXXX", path[64], cmd[96];
	struct search *s;
	struct hits h;
	struct err e;
	int stale;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/1.db", dir);
	assert_int_equal(search_open(path, NULL, &s, &stale, &e), 0);
	assert_true(stale); /* new: the caller indexes everything */
	assert_int_equal(search_begin(s, &e), 0);
	put(s, 1, "维修记录", "", "维修", "本月客户服务部处理卫生间防水维修。合同另附。");
	put(s, 2, "购房合同", "HT-2022-0315", "购房",
	    "甲方与乙方签订本合同，合同编号ＨＴ－２０２２－０３１５。");
	put(s, 3, "客户档案", "", "客户", "张三的档案，无合同。签章见第3页。");
	assert_int_equal(search_commit(s, &e), 0);

	/* The title match ranks first. */
	h = ask(s, "合同");
	assert_int_equal(h.n, 3);
	assert_int_equal(h.ids[0], 2);
	h = ask(s, "章");
	assert_int_equal(h.n, 1);
	assert_int_equal(h.ids[0], 3);
	h = ask(s, "HT-2022-0315");
	assert_int_equal(h.n, 1);
	assert_int_equal(h.ids[0], 2);
	h = ask(s, "title:合同");
	assert_int_equal(h.n, 1);
	h = ask(s, "合同 -维修");
	assert_int_equal(h.n, 2);
	h = ask(s, "C++ \"未闭合");
	assert_int_equal(h.n, 0);
	{
		struct search_run r;

		memset(&r, 0, sizeof(r));
		assert_int_equal(search_query(s, "，，", &r, hit, &h, &h.total,
		    &e), DOSSIER_EUSAGE);
	}

	/* Removal. */
	assert_int_equal(search_delete(s, 2, &e), 0);
	h = ask(s, "HT-2022-0315");
	assert_int_equal(h.n, 0);
	search_close(s);

	/* Reopened with the same tokenizer: not stale, content kept. */
	assert_int_equal(search_open(path, NULL, &s, &stale, &e), 0);
	assert_false(stale);
	h = ask(s, "维修");
	assert_int_equal(h.n, 1);
	search_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/*
 * Forty documents say 合同 in the body; two older ones also in the title
 * or tags.  Bounded to the ten newest, the count stays exact, the field
 * matches come first, and nothing older than the ten is ranked otherwise.
 * A selection leaves documents out of results and count alike.
 */
static void
test_broad_and_selected(void **state)
{
	char dir[] = "/tmp/dossier-search-XXXXXX", path[64], cmd[96];
	char body[64];
	static const int64_t out[] = { 3, 40 }, only[] = { 5, 6, 7 };
	struct search_run r;
	struct search *s;
	struct hits h;
	struct err e;
	int64_t id;
	size_t i;
	int stale;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/1.db", dir);
	assert_int_equal(search_open(path, NULL, &s, &stale, &e), 0);
	assert_int_equal(search_begin(s, &e), 0);
	for (id = 1; id <= 40; id++) {
		snprintf(body, sizeof(body), "第%lld份合同的正文", (long long)id);
		put(s, id, id == 2 ? "合同" : "文件", "", id == 4 ? "合同" : "",
		    body);
	}
	assert_int_equal(search_commit(s, &e), 0);

	h = ask(s, "合同");
	assert_int_equal(h.total, 40);
	assert_int_equal(h.n, 40);
	assert_int_equal(h.ids[0], 2); /* title weighs most */

	memset(&r, 0, sizeof(r));
	r.rank_max = 10;
	h = ask_run(s, "合同", &r);
	assert_int_equal(h.total, 40);
	assert_int_equal(h.n, 12); /* 31..40 and the field matches 2, 4 */
	assert_int_equal(h.ids[0], 2);
	assert_int_equal(h.ids[1], 4);
	for (i = 2; i < h.n; i++)
		assert_true(h.ids[i] >= 31);

	r.sel.ids = out;
	r.sel.n = 2;
	r.sel.include = 0;
	h = ask_run(s, "合同", &r);
	assert_int_equal(h.total, 38);
	for (i = 0; i < h.n; i++)
		assert_true(h.ids[i] != 3 && h.ids[i] != 40);
	/* The window moves down past what is left out. */
	assert_int_equal(h.ids[h.n - 1], 30);

	memset(&r, 0, sizeof(r));
	r.sel.ids = only;
	r.sel.n = 3;
	r.sel.include = 1;
	h = ask_run(s, "合同", &r);
	assert_int_equal(h.total, 3);
	assert_int_equal(h.n, 3);
	h = ask_run(s, "维修", &r);
	assert_int_equal(h.total, 0);
	assert_int_equal(h.n, 0);
	search_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
expect_marks(const char *text, const char *q, const char *snippet,
    const size_t (*m)[2], size_t n)
{
	struct search_snippet sn;
	size_t i;

	search_snippet_init(&sn);
	assert_int_equal(search_snippet_of(text, strlen(text), q, &sn), 0);
	if (snippet != NULL)
		assert_string_equal(buf_str(&sn.text), snippet);
	assert_int_equal(sn.nmatches, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(sn.matches[i][0], m[i][0]);
		assert_int_equal(sn.matches[i][1], m[i][1]);
	}
	search_snippet_release(&sn);
}

static void
test_snippets(void **state)
{
	static const size_t two[][2] = { { 1, 3 }, { 4, 6 } };
	static const size_t one[][2] = { { 1, 2 } };
	static const size_t num[][2] = { { 4, 16 } };
	static const size_t fw[][2] = { { 0, 7 } };
	static const size_t joined[][2] = { { 0, 3 } };
	/* Adjacent matches are marked as one. */
	static const size_t mixed[][2] = { { 0, 4 } };

	(void)state;
	expect_marks("本合同与合同附件", "合同", "本合同与合同附件", two, 2);
	expect_marks("签章见第3页", "章", NULL, one, 1);
	expect_marks("合同编号HT-2022-0315号", "HT-2022-0315", NULL, num, 1);
	/* Half-width query, full-width text: the original is marked. */
	expect_marks("ＨＴ－２０２２年", "ht-2022", NULL, fw, 1);
	/* Line break inside a word still matches, as in the index. */
	expect_marks("合\n同", "合同", NULL, joined, 1);
	expect_marks("合同编号", "合同 编号", NULL, mixed, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_and_rank),
		cmocka_unit_test(test_broad_and_selected),
		cmocka_unit_test(test_snippets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
