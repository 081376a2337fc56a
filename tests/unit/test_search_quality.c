/*
 * test_search_quality.c: search quality through the whole vault.  Every
 * file of fixtures/search/ (real .docx, .xlsx, .pdf, .html and .txt in
 * UTF-8 and GBK, made by scripts/make-search-fixtures.sh) is filed with
 * dossier_add(); dossier_search() must then return exactly the documents
 * a brute-force scan finds in the extracted, normalised text or the
 * title (recall = precision = 1.0): every Han substring of 1 to 4
 * characters of the corpus (evenly sampled when there are many), every
 * Latin and digit word, contract numbers half- and full-width, dates,
 * amounts, traditional characters, words cut by a line break, mixed and
 * no-match queries; then random substrings of 1 to 8 characters across
 * script boundaries, whose document must be among the hits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dossier.h"
#include "buf.h"
#include "error.h"
#include "extract/extract.h"
#include "skeleton.h"

#define ADMIN "admin"
#define PASS "correct horse battery staple 正确"
#define PASSLEN (sizeof(PASS) - 1)

#define MAX_DOCS 64
#define HAN_PER_LEN 600 /* Han queries per length, at most */
#define NRANDOM 200 /* random substrings */
#define MAX_REPORT 40 /* mismatches printed in full */

struct qdoc {
	char name[NAME_MAX + 1];
	int64_t id;
	struct buf text; /* as the extractor gives it */
	struct skel body, title;
};

struct qt {
	char root[64]; /* the temp directory */
	char vault[96]; /* root/v */
	char dir[PATH_MAX]; /* fixtures/search */
	struct dossier *d;
	struct qdoc doc[MAX_DOCS];
	size_t ndocs;
	struct skel term; /* scratch: one query term */
	unsigned nq, nfail, nfail0; /* nfail0: at the start of a test */
	unsigned nhan[5], nwords, nrandom, nraw;
	double secs;
};

static struct qt qt;

/* Checks a call that must succeed, printing the handle's message if not. */
#define OK(expr)                                                               \
	do {                                                                   \
		int rc_ = (expr);                                              \
		if (rc_ != DOSSIER_OK)                                         \
			print_error("%s -> %d: %s\n", #expr, rc_,              \
			    dossier_errmsg(qt.d));                             \
		assert_int_equal(rc_, DOSSIER_OK);                             \
	} while (0)

/* ---- the corpus ---- */

static int
has_fixtures(const char *base)
{
	char p[PATH_MAX];

	if (snprintf(p, sizeof(p), "%s/fixtures/search", base) >=
	    (int)sizeof(p))
		return 0;
	return access(p, R_OK | X_OK) == 0;
}

/* Tries dir and its parents; sets qt.dir on success. */
static int
find_up(const char *dir)
{
	char d[PATH_MAX];
	char *slash;

	snprintf(d, sizeof(d), "%s", dir);
	for (;;) {
		if (has_fixtures(d))
			return snprintf(qt.dir, sizeof(qt.dir),
			           "%s/fixtures/search",
			           d) < (int)sizeof(qt.dir);
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
static void
locate_fixtures(void)
{
	const char *env = getenv("DOSSIER_FIXTURES");
	const char *build = getenv("DOSSIER_BUILD");
	char cwd[PATH_MAX];

	if (env != NULL) {
		assert_true(snprintf(qt.dir, sizeof(qt.dir), "%s/search", env) <
		    (int)sizeof(qt.dir));
		return;
	}
	if (__FILE__[0] == '/' && find_up(__FILE__))
		return;
	if (build != NULL && find_up(build))
		return;
	if (getcwd(cwd, sizeof(cwd)) != NULL && find_up(cwd))
		return;
	fail_msg("cannot find fixtures/search: set DOSSIER_FIXTURES");
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(
	    ((const struct qdoc *)a)->name, ((const struct qdoc *)b)->name);
}

/* The fixture files, in name order. */
static void
list_fixtures(void)
{
	struct dirent *de;
	DIR *dd;

	dd = opendir(qt.dir);
	assert_non_null(dd);
	while ((de = readdir(dd)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		assert_true(qt.ndocs < MAX_DOCS);
		snprintf(qt.doc[qt.ndocs].name, sizeof(qt.doc[0].name), "%s",
		    de->d_name);
		qt.ndocs++;
	}
	closedir(dd);
	qsort(qt.doc, qt.ndocs, sizeof(qt.doc[0]), name_cmp);
	assert_true(qt.ndocs >= 12);
}

static void
fixture_path(const struct qdoc *doc, char *path, size_t pathsz)
{
	assert_true(
	    snprintf(path, pathsz, "%s/%s", qt.dir, doc->name) < (int)pathsz);
}

/*
 * The ground truth of one document: its text as the vault extracts it
 * (the same extractor, hinted with the file name), normalised.
 */
static void
extract_doc(struct qdoc *doc)
{
	struct extract_result r;
	char path[PATH_MAX];
	struct err e;
	int rc;

	fixture_path(doc, path, sizeof(path));
	extract_result_init(&r);
	err_clear(&e);
	rc = extract_file(path, doc->name, NULL, &r, &e);
	if (rc != 0)
		fail_msg(
		    "%s: extraction failed (%d): %s", doc->name, rc, e.msg);
	if (r.no_text_reason != NULL || r.text.len == 0)
		fail_msg("%s: no text: %s", doc->name,
		    r.no_text_reason != NULL ? r.no_text_reason : "empty");
	assert_int_equal(buf_append(&doc->text, r.text.data, r.text.len), 0);
	extract_result_release(&r);
	skeleton_len((const char *)doc->text.data, doc->text.len, &doc->body);
}

/* The fixture whose name starts with prefix. */
static int
doc_by_prefix(const char *prefix)
{
	size_t i;

	for (i = 0; i < qt.ndocs; i++)
		if (strncmp(qt.doc[i].name, prefix, strlen(prefix)) == 0)
			return (int)i;
	fail_msg("no fixture %s*", prefix);
	return -1;
}

/*
 * Phrases each document must hold once normalised, so that a fixture
 * that lost its text (a PDF read without CMaps, a GBK file read as
 * Latin-1) cannot pass by matching nothing anywhere.  The ones with a
 * line break inside 档案, and the traditional file, are among them.
 */
static const struct {
	const char *prefix;
	const char *phrase;
} markers[] = {
    {"doc01", "商品房买卖合同"},
    {"doc02", "ＨＴ－２０２２－０３１５"},
    {"doc03", "上海浦东物流股份有限公司"},
    {"doc04", "设备维修服务合同"},
    {"doc05", "客户档案及其他公文资料"},
    {"doc06", "购房合同编号 HT-2022-0315"},
    {"doc07", "客户服务代表"},
    {"doc08", "印章管理"},
    {"doc09", "客户档案及其他公文资料"},
    {"doc10", "档案借阅登记表"},
    {"doc11", "客户档案管理办法"},
    {"doc12", "Contract No. 12"},
    {"doc13", "PA2023-88761"},
    {"doc14", "员工手册"},
};

static void
check_markers(void)
{
	size_t i, j;

	for (i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		j = (size_t)doc_by_prefix(markers[i].prefix);
		skeleton(markers[i].phrase, &qt.term);
		if (!skel_match(&qt.doc[j].body, &qt.term))
			fail_msg("%s: '%s' not in the extracted text:\n%s",
			    qt.doc[j].name, markers[i].phrase,
			    buf_str(&qt.doc[j].text));
	}
}

struct add_ctx {
	struct qdoc *doc;
	int called;
};

static void
added(void *ctx, const struct dossier_added *r)
{
	struct add_ctx *a = ctx;

	a->called++;
	if (r->rc != DOSSIER_OK) {
		print_error("%s: %s\n", r->path, r->errmsg);
		return;
	}
	a->doc->id = r->id;
	skeleton(r->doc->title, &a->doc->title);
	if (r->doc->no_text[0] != '\0')
		print_error(
		    "%s: filed without text: %s\n", r->path, r->doc->no_text);
}

/*
 * One vault for the whole run: created, every fixture filed, closed,
 * opened and unlocked again (so that the search reads what was stored).
 */
static int
group_setup(void **state)
{
	char path[PATH_MAX];
	struct add_ctx a;
	size_t i, j;
	int rc;

	(void)state;
	memset(&qt, 0, sizeof(qt));
	locate_fixtures();
	list_fixtures();
	snprintf(qt.root, sizeof(qt.root), "/tmp/dossier-quality-XXXXXX");
	assert_non_null(mkdtemp(qt.root));
	snprintf(qt.vault, sizeof(qt.vault), "%s/v", qt.root);
	rc = dossier_create(qt.vault, ADMIN, PASS, PASSLEN, &qt.d);
	if (rc != DOSSIER_OK)
		print_error("create: %s\n", dossier_errmsg(qt.d));
	assert_int_equal(rc, DOSSIER_OK);
	for (i = 0; i < qt.ndocs; i++) {
		fixture_path(&qt.doc[i], path, sizeof(path));
		a.doc = &qt.doc[i];
		a.called = 0;
		OK(dossier_add(qt.d, path, NULL, 0, added, &a));
		assert_int_equal(a.called, 1);
		assert_true(qt.doc[i].id > 0);
		for (j = 0; j < i; j++)
			assert_true(qt.doc[j].id != qt.doc[i].id);
		extract_doc(&qt.doc[i]);
	}
	check_markers();
	dossier_close(qt.d);
	qt.d = NULL;
	OK(dossier_open(qt.vault, &qt.d));
	OK(dossier_unlock(qt.d, ADMIN, PASS, PASSLEN));
	return 0;
}

static int
group_teardown(void **state)
{
	char cmd[128];
	size_t i;

	(void)state;
	if (qt.nq > 0)
		print_message(
		    "# search quality: %u queries checked over %zu "
		    "documents in %.2f s (Han 1: %u, 2: %u, 3: %u, 4: %u; "
		    "words and mixed: %u; random: %u, of which %u as the "
		    "original text), %u mismatches\n",
		    qt.nq, qt.ndocs, qt.secs, qt.nhan[1], qt.nhan[2],
		    qt.nhan[3], qt.nhan[4], qt.nwords, qt.nrandom, qt.nraw,
		    qt.nfail);
	dossier_close(qt.d);
	for (i = 0; i < qt.ndocs; i++) {
		buf_release(&qt.doc[i].text);
		skel_release(&qt.doc[i].body);
		skel_release(&qt.doc[i].title);
	}
	skel_release(&qt.term);
	if (qt.root[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", qt.root);
		assert_int_equal(system(cmd), 0);
	}
	return 0;
}

/* ---- one query ---- */

/* Length of the white space the query parser splits terms at (0: none). */
static size_t
space_len(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	if (*u == ' ' || (*u >= '\t' && *u <= '\r'))
		return 1;
	if (u[0] == 0xC2 && u[1] == 0xA0) /* no-break space */
		return 2;
	if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) /* ideographic */
		return 3;
	return 0;
}

/*
 * The brute-force answer: want[i] is 1 when every white-space separated
 * term of q, normalised, occurs in document i's text or in its title,
 * with whole Latin and digit words.  Terms that normalise to nothing
 * are ignored, as the parser ignores them.  Returns the number of
 * terms that count.
 */
static int
brute_force(const char *q, unsigned char *want)
{
	const char *p = q, *start;
	char term[2048];
	size_t i;
	int nterms = 0;

	for (i = 0; i < qt.ndocs; i++)
		want[i] = 1;
	for (;;) {
		while (space_len(p) > 0)
			p += space_len(p);
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && space_len(p) == 0)
			p++;
		assert_true((size_t)(p - start) < sizeof(term));
		memcpy(term, start, (size_t)(p - start));
		term[p - start] = '\0';
		skeleton(term, &qt.term);
		if (qt.term.n == 0)
			continue;
		nterms++;
		for (i = 0; i < qt.ndocs; i++)
			if (want[i] && !skel_match(&qt.doc[i].body, &qt.term) &&
			    !skel_match(&qt.doc[i].title, &qt.term))
				want[i] = 0;
	}
	return nterms;
}

struct got {
	unsigned char hit[MAX_DOCS];
	size_t n;
	int unknown, twice;
};

static int
on_hit(void *ctx, const struct dossier_hit *h)
{
	struct got *g = ctx;
	size_t i;

	for (i = 0; i < qt.ndocs; i++)
		if (qt.doc[i].id == h->doc->id)
			break;
	if (i == qt.ndocs) {
		g->unknown++;
		return 0;
	}
	if (g->hit[i])
		g->twice++;
	g->hit[i] = 1;
	g->n++;
	return 0;
}

static void
list_ids(struct buf *b, const unsigned char *in, const unsigned char *out)
{
	size_t i;

	for (i = 0; i < qt.ndocs; i++)
		if (in[i] && !out[i])
			buf_printf(b, " %lld (%s)", (long long)qt.doc[i].id,
			    qt.doc[i].name);
}

/*
 * Runs q through dossier_search() with a limit above the corpus size and
 * compares the documents returned with the brute-force set.  A mismatch
 * is printed (the query, the missing and the extra documents) and
 * counted; must (or -1) is the document q was taken from.  Returns the
 * number of documents q should find.
 */
static size_t
check_query(const char *q, int must)
{
	unsigned char want[MAX_DOCS];
	struct dossier_filter f;
	struct got g;
	int64_t total = -1;
	size_t i, nwant = 0;
	int rc, bad = 0;

	assert_true(brute_force(q, want) > 0);
	for (i = 0; i < qt.ndocs; i++)
		nwant += want[i];
	if (must >= 0 && !want[must])
		fail_msg("query '%s': not in %s once normalised", q,
		    qt.doc[must].name);
	memset(&g, 0, sizeof(g));
	dossier_filter_init(&f);
	f.limit = (int64_t)qt.ndocs + 10;
	rc = dossier_search(qt.d, q, &f, on_hit, &g, &total);
	qt.nq++;
	if (rc != DOSSIER_OK) {
		print_error("query '%s': dossier_search -> %d: %s\n", q, rc,
		    dossier_errmsg(qt.d));
		bad = 1;
	}
	for (i = 0; i < qt.ndocs; i++)
		if (want[i] != g.hit[i])
			bad = 1;
	if (g.unknown || g.twice || total != (int64_t)g.n)
		bad = 1;
	if (bad && ++qt.nfail <= MAX_REPORT) {
		struct buf b = BUF_INIT;

		buf_printf(&b,
		    "query '%s': %zu hits, expected %zu; missing:", q, g.n,
		    nwant);
		list_ids(&b, want, g.hit);
		buf_puts(&b, "; extra:");
		list_ids(&b, g.hit, want);
		if (g.unknown || g.twice)
			buf_printf(
			    &b, "; %d unknown, %d twice", g.unknown, g.twice);
		if (total != (int64_t)g.n)
			buf_printf(&b, "; total %lld", (long long)total);
		print_error("%s\n", buf_str(&b));
		buf_release(&b);
	}
	return nwant;
}

static void
start_test(struct timespec *t0)
{
	qt.nfail0 = qt.nfail;
	clock_gettime(CLOCK_MONOTONIC, t0);
}

static void
end_test(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	qt.secs += (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
	if (qt.nfail > qt.nfail0)
		fail_msg("%u queries did not return exactly the documents "
		         "that contain them",
		    qt.nfail - qt.nfail0);
}

/* ---- Han substrings ---- */

struct hanq {
	uint32_t c[4];
};

static size_t hanq_len;

static int
hanq_cmp(const void *a, const void *b)
{
	return memcmp(((const struct hanq *)a)->c, ((const struct hanq *)b)->c,
	    hanq_len * sizeof(uint32_t));
}

/*
 * Every distinct Han substring of len characters in the corpus; when
 * there are more than HAN_PER_LEN, an even sample of the sorted list
 * (the same on every run).
 */
static void
han_queries(size_t len)
{
	struct hanq *v = NULL;
	size_t n = 0, cap = 0, i, j, k, nd;
	struct skel one = SKEL_INIT;
	char q[32];

	for (k = 0; k < qt.ndocs; k++) {
		const struct skel *s = &qt.doc[k].body;

		for (i = 0; i + len <= s->n; i++) {
			for (j = 0; j < len && s->k[i + j] == K_HAN; j++)
				;
			if (j < len)
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 1024;
				v = realloc(v, cap * sizeof(*v));
				assert_non_null(v);
			}
			memset(&v[n], 0, sizeof(v[n]));
			memcpy(v[n].c, s->c + i, len * sizeof(uint32_t));
			n++;
		}
	}
	hanq_len = len;
	qsort(v, n, sizeof(*v), hanq_cmp);
	for (i = 0, nd = 0; i < n; i++)
		if (nd == 0 || hanq_cmp(&v[nd - 1], &v[i]) != 0)
			v[nd++] = v[i];
	assert_true(nd > 0);
	for (i = 0; i < nd && i < HAN_PER_LEN; i++) {
		j = nd <= HAN_PER_LEN ? i : i * nd / HAN_PER_LEN;
		one.c = v[j].c; /* borrowed: skel_text reads c only */
		skel_text(&one, 0, len, q, sizeof(q));
		if (check_query(q, -1) == 0)
			fail_msg("'%s' is in the corpus but nowhere found", q);
		qt.nhan[len]++;
	}
	free(v);
	print_message("# %zu: %zu distinct Han substrings, %u queried\n", len,
	    nd, qt.nhan[len]);
}

static void
test_han_substrings(void **state)
{
	struct timespec t0;
	size_t len;

	(void)state;
	start_test(&t0);
	for (len = 1; len <= 4; len++)
		han_queries(len);
	assert_true(qt.nhan[1] + qt.nhan[2] + qt.nhan[3] + qt.nhan[4] >= 800);
	end_test(&t0);
}

/* ---- words, numbers, mixed ---- */

/* Each must find at least one document. */
static const char *const found[] = {
    /* contract numbers, half-width, full-width, lower case, split */
    "HT-2022-0315",
    "ＨＴ－２０２２－０３１５",
    "ht-2022-0315",
    "HT2022-0315",
    "HT 2022 0315",
    "HT-2023-0007",
    "HT2023-0007",
    "ＨＴ－２０２３－０００７",
    "HT-2023",
    "2022",
    "0315",
    "０３１５",
    "PA2023-88761",
    "ＰＡ２０２３－８８７６１",
    "pa2023",
    "KH-0003",
    "DA-2021-088",
    /* dates */
    "2022年3月20日",
    "２０２２年３月２０日",
    "2022-03-20",
    "2022.3.20",
    "2022/3/21",
    "2023-06-30",
    "2024-01-15",
    "2023年12月31日",
    "12月31日",
    "2024.12.31",
    "14:30",
    /* amounts and other numbers */
    "1,280,000",
    "¥1,280,000.00",
    "1280000",
    "384,000",
    "12,500",
    "8,000",
    "86,000.00",
    "4,590",
    "89.5",
    "0755-86001234",
    "13800138000",
    "440301198801011234",
    /* mixed Chinese, Latin and digits */
    "合同编号 HT-2022-0315",
    "合同编号：HT-2023-0007",
    "合同编号HT-2023-0021",
    "购房合同 HT-2022-0315",
    "合约编号 ＨＴ－２０２２",
    "客户档案 2022",
    "contract 合同",
    "ACME 会议纪要",
    "Contract No. 12",
    "ACME Ltd",
    "ISO9001",
    "iso 9001",
    "熟悉ISO9001质量管理体系",
    "5S",
    "“5S”",
    "CS-MAP",
    "v2.1",
    "NDA version 3",
    "京A12345",
    "深证〔2022〕12号",
    "深华〔2023〕18号",
    "OA系统",
    "1.5倍",
    "1,280",
    /* traditional and simplified */
    "檔案",
    "客戶檔案",
    "合約編號",
    "合约编号",
    "聯絡電話",
    "管理辦法",
    "客户档案管理办法",
    /* a line break inside a word, in txt and pdf */
    "客户档案及其他",
    "客户档\n案",
    "档案",
    /* the titles (ASCII file names) */
    "doc01",
    "contract",
    "lease",
    "gbk",
    "doc 档案",
};

/*
 * Written-out expectations, independent of the normaliser: the document
 * (by file name prefix) each query must find, among others.
 */
static const struct {
	const char *query;
	const char *prefix;
} known[] = {
    {"HT-2022-0315", "doc02"}, /* printed full-width */
    {"HT-2022-0315", "doc06"}, /* full-width, in a PDF */
    {"HT-2022-0315", "doc11"}, /* full-width, traditional text */
    {"ＨＴ－２０２２－０３１５", "doc01"}, /* printed half-width */
    {"合约编号", "doc11"}, /* 合約編號 */
    {"客户档案管理办法", "doc11"}, /* 客戶檔案管理辦法 */
    {"2022年5月1日", "doc11"}, /* ２０２２年５月１日 */
    {"客户档案及其他", "doc05"}, /* 档 | 案 across PDF lines */
    {"客户档案及其他", "doc09"}, /* 档 | 案 across text lines */
    {"印章管理", "doc08"}, /* GBK HTML */
    {"借阅登记表", "doc10"}, /* GBK text */
    {"PA2023-88761", "doc13"}, /* also printed full-width */
    {"上海浦东物流", "doc03"}, /* a spreadsheet cell */
    {"1280000", "doc03"}, /* a number cell */
    {"lease", "doc06"}, /* the title only */
};

/* Each must find nothing. */
static const char *const nothing[] = {
    "不存在的词语",
    "档案馆",
    "HT-2099-0001",
    "HT-2022-0316",
    "ＨＴ２０２２０３１５",
    "ＨＴ－２０２２－０３１６",
    "zzzqqq",
    "合同 zzzqqq",
    "2022年3月21日",
    "202",
    "contr",
    "HT-2022-031",
    "03150",
    "handbook contract",
    "客戶檔案 会议纪要 NDA",
};

static void
test_words(void **state)
{
	struct timespec t0;
	struct buf seen = BUF_INIT;
	char q[512], key[516];
	size_t i, j, r, n0;

	(void)state;
	start_test(&t0);
	n0 = qt.nq;
	for (i = 0; i < sizeof(found) / sizeof(found[0]); i++)
		if (check_query(found[i], -1) == 0)
			fail_msg("'%s' should be in the corpus", found[i]);
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		check_query(known[i].query, doc_by_prefix(known[i].prefix));
	for (i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++)
		if (check_query(nothing[i], -1) != 0)
			fail_msg(
			    "'%s' should not be in the corpus", nothing[i]);
	/* Every distinct Latin and digit word of the texts and titles. */
	buf_putc(&seen, '\n');
	for (r = 0; r < 2 * qt.ndocs; r++) {
		const struct skel *s = r < qt.ndocs
		    ? &qt.doc[r].body
		    : &qt.doc[r - qt.ndocs].title;

		for (i = 0; i < s->n; i = j) {
			j = i + 1;
			if (s->k[i] != K_LETTER && s->k[i] != K_DIGIT)
				continue;
			while (j < s->n && s->k[j] == s->k[i])
				j++;
			skel_text(s, i, j, q, sizeof(q));
			snprintf(key, sizeof(key), "\n%s\n", q);
			if (strstr(buf_str(&seen), key) != NULL)
				continue;
			buf_puts(&seen, key + 1);
			check_query(q, (int)(r % qt.ndocs));
		}
	}
	buf_release(&seen);
	qt.nwords = qt.nq - (unsigned)n0;
	print_message("# %u word, number and mixed queries\n", qt.nwords);
	end_test(&t0);
}

/* ---- random substrings ---- */

/*
 * Can text be given to the parser as it is?  Not when it would be read as
 * syntax rather than words: quotes, an exclusion, a prefix star, OR, a
 * scope.
 */
static int
plain_text(const char *text)
{
	const char *p = text, *start;

	if (strchr(text, '"') != NULL || strchr(text, '*') != NULL ||
	    strchr(text, ':') != NULL || strstr(text, "“") != NULL ||
	    strstr(text, "”") != NULL || strstr(text, "：") != NULL)
		return 0;
	for (;;) {
		while (space_len(p) > 0)
			p += space_len(p);
		if (*p == '\0')
			return 1;
		start = p;
		while (*p != '\0' && space_len(p) == 0)
			p++;
		if (*start == '-' ||
		    (p - start == 2 && start[0] == 'O' && start[1] == 'R'))
			return 0;
	}
}

static unsigned
next_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/*
 * Random substrings of 1-8 skeleton characters of random documents,
 * Latin and digit parts widened to whole words: queried as the
 * normalised text, and as the original bytes they come from (full-width,
 * traditional, line breaks, punctuation) when those hold no query
 * syntax.  Their document must be among the hits, and the hits must be
 * exactly the brute-force set.
 */
static void
test_random(void **state)
{
	struct timespec t0;
	unsigned seed = 20240315, tries;
	char q[512];

	(void)state;
	start_test(&t0);
	for (tries = 0; qt.nrandom < NRANDOM; tries++) {
		const struct qdoc *doc;
		const struct skel *s;
		size_t r, a, b, from, to;
		ucs4_t c;
		int cl;

		assert_true(tries < 10 * NRANDOM);
		r = next_rand(&seed) % qt.ndocs;
		doc = &qt.doc[r];
		s = &doc->body;
		a = next_rand(&seed) % s->n;
		b = a + 1 + next_rand(&seed) % 8;
		if (b > s->n)
			b = s->n;
		while (a < b && s->k[a] == K_SPACE)
			a++;
		while (b > a && s->k[b - 1] == K_SPACE)
			b--;
		if (a == b)
			continue; /* a lone space: draw again */
		/* Widen to whole words. */
		while (a > 0 && s->k[a] != K_HAN && s->k[a - 1] == s->k[a])
			a--;
		while (
		    b < s->n && s->k[b - 1] != K_HAN && s->k[b] == s->k[b - 1])
			b++;
		skel_text(s, a, b, q, sizeof(q));
		check_query(q, (int)r);
		qt.nrandom++;
		from = s->src[a];
		cl = u8_mbtoucr(&c, doc->text.data + s->src[b - 1],
		    doc->text.len - s->src[b - 1]);
		assert_true(cl > 0);
		to = s->src[b - 1] + (size_t)cl;
		assert_true(to - from < sizeof(q));
		memcpy(q, doc->text.data + from, to - from);
		q[to - from] = '\0';
		if (plain_text(q)) {
			check_query(q, (int)r);
			qt.nraw++;
		}
	}
	print_message("# %u random substrings, %u also as the original text\n",
	    qt.nrandom, qt.nraw);
	end_test(&t0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_han_substrings),
	    cmocka_unit_test(test_words),
	    cmocka_unit_test(test_random),
	};

	if (dossier_library_init() != DOSSIER_OK)
		return 1;
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
