/* search.c: one full-text index.  See search.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "dossier.h"
#include "error.h"
#include "query.h"
#include "search.h"
#include "sqlvfs.h"
#include "tokenize.h"

#define SEARCH_SCHEMA \
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value);" \
	"CREATE TABLE IF NOT EXISTS indexed(doc INTEGER PRIMARY KEY," \
	" stamp INTEGER NOT NULL, version INTEGER NOT NULL);" \
	"CREATE VIRTUAL TABLE IF NOT EXISTS doc USING fts5(title, number," \
	" tags, body, tokenize='" TOKENIZE_NAME "');"

/* Tokens of one field kept for marking matches (bounded). */
#define MARK_TOKENS_MAX 200000
#define MARK_TERMS_MAX 32
#define MARK_TERM_TOKENS 64

struct search {
	sqlite3 *db;
	struct sqlvfs *vfs; /* NULL: SQLite's own */
	char path[4096];
};

static int
dberr(struct search *s, struct err *e, const char *what)
{
	int code = sqlite3_errcode(s->db);

	if (sqlvfs_damaged(s->vfs)) {
		sqlvfs_io_failed(s->vfs);
		return err_set(e, DOSSIER_ECORRUPT, "index '%s' is damaged: a "
		    "page does not decrypt", s->path);
	}
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return err_set(e, DOSSIER_EBUSY, "index '%s' is busy (%s)",
		    s->path, what);
	/*
	 * SQLite reports a page it could not read as a malformed database:
	 * the VFS says whether the disk failed.  A page whose tag fails
	 * (IOERR_DATA) is damage.
	 */
	if ((code == SQLITE_CORRUPT || code == SQLITE_NOTADB) &&
	    sqlvfs_io_failed(s->vfs))
		return err_set(e, DOSSIER_EIO, "cannot %s index '%s': a read or "
		    "write failed", what, s->path);
	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB ||
	    sqlite3_extended_errcode(s->db) == SQLITE_IOERR_DATA)
		return err_set(e, DOSSIER_ECORRUPT, "index '%s' is damaged: %s",
		    s->path, sqlite3_errmsg(s->db));
	if (code == SQLITE_NOMEM)
		return err_nomem(e);
	return err_set(e, DOSSIER_EIO, "cannot %s index '%s': %s", what,
	    s->path, sqlite3_errmsg(s->db));
}

static int
exec(struct search *s, const char *sql, const char *what, struct err *e)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return dberr(s, e, what);
	return DOSSIER_OK;
}

/* An integer of the meta table; 0 when absent. */
static int
meta_get(struct search *s, const char *key, int64_t *value, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	*value = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?;",
	    -1, &st, NULL) != SQLITE_OK)
		return dberr(s, e, "read");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DOSSIER_OK :
	    dberr(s, e, "read");
}

static int
meta_set(struct search *s, const char *key, int64_t value, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta VALUES"
	    " (?, ?);", -1, &st, NULL) != SQLITE_OK)
		return dberr(s, e, "write");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, value);
	rc = sqlite3_step(st) == SQLITE_DONE ? DOSSIER_OK : dberr(s, e, "write");
	sqlite3_finalize(st);
	return rc;
}

int
search_open(const char *path, struct sqlvfs *vfs, struct search **sp,
    int *stale, struct err *e)
{
	struct search *s;
	int64_t tok, fmt;
	int rc;

	*sp = NULL;
	*stale = 0;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return err_nomem(e);
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->vfs = vfs;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, vfs != NULL ? sqlvfs_name(vfs) : NULL) !=
	    SQLITE_OK) {
		rc = s->db != NULL ? dberr(s, e, "open") : err_nomem(e);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 10000);
	if (tokenize_register(s->db) != DOSSIER_OK) {
		rc = err_set(e, DOSSIER_EINTERNAL,
		    "cannot register the search tokenizer");
		goto fail;
	}
	/* Through the encrypting VFS: its page layout first. */
	rc = vfs != NULL ? sqlvfs_prepare(s->db, e) : DOSSIER_OK;
	if (rc == DOSSIER_OK)
		rc = exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		    " PRAGMA temp_store=MEMORY; PRAGMA secure_delete=ON;"
		    " PRAGMA cache_size=-16384;" SEARCH_SCHEMA, "set up", e);
	if (rc == DOSSIER_OK)
		rc = meta_get(s, "tokenizer", &tok, e);
	if (rc == DOSSIER_OK)
		rc = meta_get(s, "format", &fmt, e);
	if (rc != DOSSIER_OK)
		goto fail;
	if (tok != TOKENIZE_VERSION || fmt != SEARCH_FORMAT) {
		/* Built by another tokenizer or layout (or new): re-index. */
		rc = exec(s, "BEGIN IMMEDIATE; DROP TABLE doc; DROP TABLE indexed;"
		    " DELETE FROM meta;" SEARCH_SCHEMA, "reset", e);
		if (rc == DOSSIER_OK)
			rc = meta_set(s, "tokenizer", TOKENIZE_VERSION, e);
		if (rc == DOSSIER_OK)
			rc = meta_set(s, "format", SEARCH_FORMAT, e);
		if (rc == DOSSIER_OK)
			rc = exec(s, "COMMIT;", "reset", e);
		if (rc != DOSSIER_OK) {
			search_rollback(s);
			goto fail;
		}
		*stale = 1;
	}
	*sp = s;
	return DOSSIER_OK;
fail:
	search_close(s);
	return rc;
}

void
search_close(struct search *s)
{
	if (s == NULL)
		return;
	sqlite3_close_v2(s->db);
	free(s);
}

int
search_begin(struct search *s, struct err *e)
{
	return exec(s, "BEGIN IMMEDIATE;", "lock", e);
}

int
search_commit(struct search *s, struct err *e)
{
	int rc = exec(s, "COMMIT;", "commit to", e);

	if (rc != DOSSIER_OK)
		search_rollback(s);
	return rc;
}

void
search_rollback(struct search *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
}

int
search_delete(struct search *s, int64_t doc, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	static const char *const sql[] = { "DELETE FROM doc WHERE rowid = ?;",
		"DELETE FROM indexed WHERE doc = ?;" };
	size_t i;

	for (i = 0; i < 2; i++) {
		if (sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL) !=
		    SQLITE_OK)
			return dberr(s, e, "write");
		sqlite3_bind_int64(st, 1, doc);
		rc = sqlite3_step(st) == SQLITE_DONE ? DOSSIER_OK :
		    dberr(s, e, "write");
		sqlite3_finalize(st);
		if (rc != DOSSIER_OK)
			return rc;
	}
	return DOSSIER_OK;
}

int
search_put(struct search *s, int64_t doc, const struct search_doc *d,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = search_delete(s, doc, e);
	if (rc != DOSSIER_OK)
		return rc;
	if (d->body_len > INT32_MAX)
		return err_set(e, DOSSIER_EBADINPUT, "document %lld: text too "
		    "long to index", (long long)doc);
	if (sqlite3_prepare_v2(s->db, "INSERT INTO doc(rowid, title, number,"
	    " tags, body) VALUES (?,?,?,?,?);", -1, &st, NULL) != SQLITE_OK)
		return dberr(s, e, "write");
	sqlite3_bind_int64(st, 1, doc);
	sqlite3_bind_text(st, 2, d->title != NULL ? d->title : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->number != NULL ? d->number : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->tags != NULL ? d->tags : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 5, d->body != NULL ? d->body : "",
	    (int)d->body_len, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? DOSSIER_OK : dberr(s, e, "write");
	sqlite3_finalize(st);
	if (rc != DOSSIER_OK)
		return rc;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO indexed VALUES (?, ?, ?);",
	    -1, &st, NULL) != SQLITE_OK)
		return dberr(s, e, "write");
	sqlite3_bind_int64(st, 1, doc);
	sqlite3_bind_int64(st, 2, d->stamp);
	sqlite3_bind_int(st, 3, d->version);
	rc = sqlite3_step(st) == SQLITE_DONE ? DOSSIER_OK : dberr(s, e, "write");
	sqlite3_finalize(st);
	return rc;
}

int
search_indexed_each(struct search *s, search_indexed_fn fn, void *ctx,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc, step;

	if (sqlite3_prepare_v2(s->db, "SELECT doc, stamp FROM indexed ORDER BY"
	    " doc;", -1, &st, NULL) != SQLITE_OK)
		return dberr(s, e, "read");
	rc = DOSSIER_OK;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		rc = fn(ctx, sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 1));
		if (rc != 0)
			break;
	}
	if (rc == DOSSIER_OK && step != SQLITE_DONE)
		rc = dberr(s, e, "read");
	sqlite3_finalize(st);
	return rc;
}

int
search_mark(struct search *s, int64_t mark[2], struct err *e)
{
	int rc = meta_get(s, "mark_change", &mark[0], e);

	return rc == DOSSIER_OK ? meta_get(s, "mark_purge", &mark[1], e) : rc;
}

int
search_set_mark(struct search *s, const int64_t mark[2], struct err *e)
{
	int rc = meta_set(s, "mark_change", mark[0], e);

	return rc == DOSSIER_OK ? meta_set(s, "mark_purge", mark[1], e) : rc;
}

/* Is doc among the sorted ids? */
static int
has_id(const int64_t *ids, size_t n, int64_t doc)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ids[mid] == doc)
			return 1;
		if (ids[mid] < doc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int
selected(const struct search_sel *sel, int64_t doc)
{
	return has_id(sel->ids, sel->n, doc) == sel->include;
}

/*
 * Runs sql (?1 the MATCH expression, ?2 a lowest rowid) and calls fn with
 * each selected row's id and bonus - bm25 (column 1).
 */
static int
ranked(struct search *s, const char *sql, const char *match, int64_t low,
    const struct search_sel *sel, double bonus, search_hit_fn fn, void *ctx,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return dberr(s, e, "query");
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, low);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!selected(sel, sqlite3_column_int64(st, 0)))
			continue;
		/* bm25() is lower for better matches: report higher-better. */
		rc = fn(ctx, sqlite3_column_int64(st, 0),
		    bonus - sqlite3_column_double(st, 1));
		if (rc != 0)
			break;
	}
	if (rc == SQLITE_DONE)
		rc = DOSSIER_OK;
	else if (rc == SQLITE_ROW)
		rc = DOSSIER_OK;
	else if (rc > 0)
		rc = dberr(s, e, "query");
	sqlite3_finalize(st);
	return rc;
}

int
search_query(struct search *s, const char *user, const struct search_run *r,
    search_hit_fn fn, void *ctx, int64_t *total, struct err *e)
{
	struct buf match = BUF_INIT, fields = BUF_INIT;
	sqlite3_stmt *st = NULL;
	char sql[256];
	int64_t doc, low = 0, n = 0;
	int rc;

	*total = 0;
	rc = query_build(user, &match, e);
	if (rc != DOSSIER_OK)
		goto out;
	/*
	 * Every match, newest first, without ranking (cheap): the count,
	 * and the id above which the r->rank_max newest matches lie.
	 */
	if (sqlite3_prepare_v2(s->db, "SELECT rowid FROM doc WHERE doc MATCH ?"
	    " ORDER BY rowid DESC;", -1, &st, NULL) != SQLITE_OK) {
		rc = dberr(s, e, "query");
		goto out;
	}
	sqlite3_bind_text(st, 1, buf_str(&match), -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		doc = sqlite3_column_int64(st, 0);
		if (!selected(&r->sel, doc))
			continue;
		if ((size_t)n++ < r->rank_max || r->rank_max == 0)
			low = doc;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		rc = dberr(s, e, "query");
		goto out;
	}
	*total = n;
	if (n == 0) {
		rc = DOSSIER_OK;
		goto out;
	}
	snprintf(sql, sizeof(sql), "SELECT rowid, bm25(doc, %.1f, %.1f, %.1f,"
	    " %.1f) FROM doc WHERE doc MATCH ?1 AND rowid >= ?2;",
	    SEARCH_W_TITLE, SEARCH_W_NUMBER, SEARCH_W_TAGS, SEARCH_W_BODY);
	/* Bounded or not, the newest matches are ranked by bm25. */
	rc = ranked(s, sql, buf_str(&match), r->rank_max != 0 &&
	    (size_t)n > r->rank_max ? low : 0, &r->sel, 0.0, fn, ctx, e);
	if (rc != DOSSIER_OK || r->rank_max == 0 || (size_t)n <= r->rank_max)
		goto out;
	/*
	 * A broad query: older matches are ranked only where the query is
	 * found in the title, number or tags, and those come first.
	 */
	if (buf_puts(&fields, "{title number tags} : (") != 0 ||
	    buf_puts(&fields, buf_str(&match)) != 0 ||
	    buf_puts(&fields, ")") != 0) {
		rc = err_nomem(e);
		goto out;
	}
	rc = ranked(s, sql, buf_str(&fields), 0, &r->sel, SEARCH_FIELD_BONUS,
	    fn, ctx, e);
out:
	sqlite3_finalize(st);
	buf_release(&match);
	buf_release(&fields);
	return rc;
}

int
search_indexed_version(struct search *s, int64_t doc, int *version,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	*version = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT version FROM indexed WHERE"
	    " doc = ?;", -1, &st, NULL) != SQLITE_OK)
		return dberr(s, e, "read");
	sqlite3_bind_int64(st, 1, doc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DOSSIER_OK :
	    dberr(s, e, "read");
}

int
search_body(struct search *s, int64_t doc, struct buf *out, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT body FROM doc WHERE rowid = ?;",
	    -1, &st, NULL) != SQLITE_OK)
		return dberr(s, e, "read");
	sqlite3_bind_int64(st, 1, doc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = buf_append(out, sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0)) == 0 ? DOSSIER_OK :
		    err_nomem(e);
	else if (rc == SQLITE_DONE)
		rc = err_set(e, DOSSIER_ENOTFOUND, "document %lld is not in "
		    "index '%s'", (long long)doc, s->path);
	else
		rc = dberr(s, e, "read");
	sqlite3_finalize(st);
	return rc;
}

/*
 * Marking matches.  The text and each positive query word are tokenized
 * as the index does; a word matches where its tokens occur at consecutive
 * positions of the text, and the marked range runs from the first matched
 * token's start to the last one's end, so a 1-character query marks one
 * character and 合同 marks two.
 */
struct tok {
	size_t pos, start, end;
	size_t text, len; /* into the arena */
};

struct toks {
	struct tok *v;
	size_t n, cap, pos;
	struct buf arena;
};

static int
collect(void *ctx, int flags, const char *tok, size_t len, size_t start,
    size_t end)
{
	struct toks *t = ctx;
	struct tok *nv;

	if (t->n > 0 && !(flags & TOKENIZE_COLOCATED))
		t->pos++;
	if (t->n >= MARK_TOKENS_MAX)
		return 1; /* enough to place a snippet */
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		nv = realloc(t->v, t->cap * sizeof(*nv));
		if (nv == NULL)
			return DOSSIER_ENOMEM;
		t->v = nv;
	}
	t->v[t->n].pos = t->pos;
	t->v[t->n].start = start;
	t->v[t->n].end = end;
	t->v[t->n].text = t->arena.len;
	t->v[t->n].len = len;
	if (buf_append(&t->arena, tok, len) != 0)
		return DOSSIER_ENOMEM;
	t->n++;
	return 0;
}

static void
toks_release(struct toks *t)
{
	free(t->v);
	buf_release(&t->arena);
	memset(t, 0, sizeof(*t));
}

/* The positive words of a query, without operators, scopes and quotes. */
static size_t
query_words(const char *user, char words[][128], size_t max)
{
	const char *p = user, *w, *colon;
	size_t n = 0, len;

	while (*p != '\0' && n < max) {
		while (*p == ' ' || *p == '\t' || *p == '"')
			p++;
		w = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '"')
			p++;
		len = (size_t)(p - w);
		if (len == 0 || w[0] == '-' || (len == 2 && strncmp(w, "OR",
		    2) == 0))
			continue;
		colon = memchr(w, ':', len);
		if (colon != NULL && (size_t)(colon - w) < len - 1 &&
		    (strncmp(w, "title:", 6) == 0 ||
		    strncmp(w, "number:", 7) == 0 || strncmp(w, "tag:", 4) == 0)) {
			len -= (size_t)(colon + 1 - w);
			w = colon + 1;
		}
		if (len > 0 && w[len - 1] == '*')
			len--;
		if (len == 0 || len >= sizeof(words[0]))
			continue;
		memcpy(words[n], w, len);
		words[n][len] = '\0';
		n++;
	}
	return n;
}

static int
tok_is(const struct toks *t, const struct tok *a, const struct toks *q,
    const struct tok *b)
{
	return a->len == b->len && memcmp(t->arena.data + a->text,
	    q->arena.data + b->text, a->len) == 0;
}

/* A token of the text at position pos equal to query token b, or NULL. */
static const struct tok *
find_at(const struct toks *t, size_t from, size_t pos, const struct toks *q,
    const struct tok *b)
{
	size_t i;

	for (i = from; i < t->n && t->v[i].pos <= pos; i++)
		if (t->v[i].pos == pos && tok_is(t, &t->v[i], q, b))
			return &t->v[i];
	return NULL;
}

static size_t
codepoints(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* Marks every match of query q in text t as byte ranges. */
static size_t
mark(const struct toks *t, const struct toks *q, size_t ranges[][2],
    size_t n, size_t max)
{
	const struct tok *first, *last, *next;
	size_t i, k;

	for (i = 0; i < t->n && n < max; i++) {
		if (!tok_is(t, &t->v[i], q, &q->v[0]))
			continue;
		first = last = &t->v[i];
		/* Query tokens after the first sit at the next positions. */
		for (k = 1; k < q->n; k++) {
			if (q->v[k].pos == q->v[k - 1].pos)
				continue; /* a colocated query token */
			next = find_at(t, i, first->pos + q->v[k].pos, q,
			    &q->v[k]);
			if (next == NULL)
				break;
			last = next;
		}
		if (k < q->n)
			continue;
		ranges[n][0] = first->start;
		ranges[n][1] = last->end > first->end ? last->end : first->end;
		n++;
	}
	return n;
}

static int
range_cmp(const void *a, const void *b)
{
	const size_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

void
search_snippet_init(struct search_snippet *sn)
{
	memset(sn, 0, sizeof(*sn));
}

void
search_snippet_release(struct search_snippet *sn)
{
	buf_release(&sn->text);
	sn->nmatches = 0;
}

/* Byte offset of code point cp counted from byte from, bounded by n. */
static size_t
advance(const char *s, size_t n, size_t from, size_t cps)
{
	size_t i = from;

	while (i < n && cps > 0) {
		i++;
		while (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		cps--;
	}
	return i;
}

static size_t
back(const char *s, size_t from, size_t cps)
{
	size_t i = from;

	while (i > 0 && cps > 0) {
		i--;
		while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
			i--;
		cps--;
	}
	return i;
}

int
search_snippet_of(const char *text, size_t len, const char *user,
    struct search_snippet *sn)
{
	char words[MARK_TERMS_MAX][128];
	size_t ranges[SEARCH_MATCHES_MAX * 4][2];
	struct toks t, q;
	size_t nw, nr = 0, i, from, to, s0, s1;
	int rc;

	memset(&t, 0, sizeof(t));
	memset(&q, 0, sizeof(q));
	search_snippet_release(sn);
	rc = tokenize_text(text, len, TOKENIZE_DOCUMENT, collect, &t);
	if (rc < 0)
		goto out;
	nw = query_words(user, words, MARK_TERMS_MAX);
	for (i = 0; i < nw; i++) {
		toks_release(&q);
		rc = tokenize_text(words[i], strlen(words[i]), TOKENIZE_QUERY,
		    collect, &q);
		if (rc < 0)
			goto out;
		if (q.n > 0 && q.n <= MARK_TERM_TOKENS)
			nr = mark(&t, &q, ranges, nr,
			    sizeof(ranges) / sizeof(ranges[0]));
	}
	qsort(ranges, nr, sizeof(ranges[0]), range_cmp);
	from = nr > 0 ? back(text, ranges[0][0], SEARCH_SNIPPET_BEFORE) : 0;
	to = advance(text, len, nr > 0 ? ranges[0][1] : 0, SEARCH_SNIPPET_AFTER +
	    (nr > 0 ? 0 : SEARCH_SNIPPET_BEFORE));
	rc = buf_append(&sn->text, text + from, to - from) == 0 ?
	    DOSSIER_OK : DOSSIER_ENOMEM;
	for (i = 0; rc == DOSSIER_OK && i < nr &&
	    sn->nmatches < SEARCH_MATCHES_MAX; i++) {
		if (ranges[i][0] < from || ranges[i][1] > to)
			continue;
		s0 = codepoints(text + from, ranges[i][0] - from);
		s1 = s0 + codepoints(text + ranges[i][0],
		    ranges[i][1] - ranges[i][0]);
		/* Overlapping matches (合同 in 合同同) merge. */
		if (sn->nmatches > 0 && s0 <= sn->matches[sn->nmatches - 1][1]) {
			if (s1 > sn->matches[sn->nmatches - 1][1])
				sn->matches[sn->nmatches - 1][1] = s1;
			continue;
		}
		sn->matches[sn->nmatches][0] = s0;
		sn->matches[sn->nmatches][1] = s1;
		sn->nmatches++;
	}
out:
	toks_release(&t);
	toks_release(&q);
	return rc < 0 ? rc : DOSSIER_OK;
}
