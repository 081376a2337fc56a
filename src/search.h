/*
 * search.h: one full-text index (one classification level): an FTS5
 * table with the "dossier" tokenizer (tokenize.h), ranked queries built by
 * query.h, and snippets with the matches marked in our own code (FTS5's
 * highlight() mishandles colocated tokens).  See docs/SEARCH.md.
 *
 * The index is derived data: the catalog is the truth, and the vault
 * re-indexes from it when search_open() reports a tokenizer change.
 * Functions return DOSSIER_OK or a negative code with a message in e.
 */
#ifndef DOSSIER_SEARCH_H
#define DOSSIER_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct err;
struct search;

/* Column weights of the bm25 ranking (SEARCH.md). */
#define SEARCH_W_TITLE 10.0
#define SEARCH_W_NUMBER 8.0
#define SEARCH_W_TAGS 5.0
#define SEARCH_W_BODY 1.0

/*
 * The layout of the index's own tables; an index of another layout (or
 * tokenizer version) is emptied at open and rebuilt.
 */
#define SEARCH_FORMAT 2

/*
 * Added to the score of a broad query's title, number and tag matches, and
 * of an exact number match, so that they rank first.
 */
#define SEARCH_FIELD_BONUS 1000.0
#define SEARCH_NUMBER_BONUS 1000000.0

/* Snippet size, in code points, before and after the first match. */
#define SEARCH_SNIPPET_BEFORE 20
#define SEARCH_SNIPPET_AFTER 60
#define SEARCH_MATCHES_MAX 32

/*
 * Opens (creating if needed) the index at path through the encrypting
 * VFS vfs (NULL: SQLite's default).  *stale is set when the index was built by another
 * tokenizer version and has been emptied: the caller must re-index.
 */
struct sqlvfs;
int search_open(const char *path, struct sqlvfs *vfs, struct search **sp,
    int *stale, struct err *e);
void search_close(struct search *s);

int search_begin(struct search *s, struct err *e);
int search_commit(struct search *s, struct err *e);
void search_rollback(struct search *s);

/* What is indexed of one document. */
struct search_doc {
	const char *title;
	const char *number;
	const char *tags; /* joined with spaces */
	const char *body;
	size_t body_len;
	int64_t stamp; /* the catalog's change stamp of what is indexed */
	int version;   /* the document version the body is the text of */
};

/*
 * Calls fn with each indexed document and the stamp it was indexed at, by
 * id; a non-zero return stops and is returned.
 */
typedef int (*search_indexed_fn)(void *ctx, int64_t doc, int64_t stamp);
int search_indexed_each(struct search *s, search_indexed_fn fn, void *ctx,
    struct err *e);

/*
 * The catalog's change mark (catalog.h) the index was last brought in line
 * with ({0, 0} when never), and setting it.
 */
int search_mark(struct search *s, int64_t mark[2], struct err *e);
int search_set_mark(struct search *s, const int64_t mark[2], struct err *e);

/* The document version indexed for doc; 0 when doc is not indexed. */
int search_indexed_version(struct search *s, int64_t doc, int *version,
    struct err *e);

/* Indexes doc (replacing what was there); removes it. */
int search_put(struct search *s, int64_t doc, const struct search_doc *d,
    struct err *e);
int search_delete(struct search *s, int64_t doc, struct err *e);

/* Which documents a query may return: only ids[], or all but ids[]. */
struct search_sel {
	const int64_t *ids; /* sorted ascending */
	size_t n;
	int include;
};

struct search_run {
	struct search_sel sel;
	/*
	 * 0: every match is ranked by bm25.  Otherwise a query matching more
	 * than rank_max selected documents ranks only the rank_max newest of
	 * them, and after adding SEARCH_FIELD_BONUS, the matches in title,
	 * number or tags.
	 */
	size_t rank_max;
};

/*
 * Runs the user's query; *total is the number of selected matches, and fn
 * is called for each ranked one (bm25 with the column weights, higher is
 * better; a document may be reported twice, the higher score counts).  fn
 * returns 0 to go on, non-zero to stop (returned).  DOSSIER_EUSAGE when
 * the query holds nothing to search for.
 */
typedef int (*search_hit_fn)(void *ctx, int64_t doc, double score);
int search_query(struct search *s, const char *user,
    const struct search_run *r, search_hit_fn fn, void *ctx, int64_t *total,
    struct err *e);

/* A snippet of a document's text with the query's matches marked. */
struct search_snippet {
	struct buf text;		      /* UTF-8 */
	size_t matches[SEARCH_MATCHES_MAX][2]; /* [start, end) code points */
	size_t nmatches;
};

void search_snippet_init(struct search_snippet *sn);
void search_snippet_release(struct search_snippet *sn);

/*
 * The snippet of text (a field's original text) around the first match of
 * the user's query, matches in code points.  Without a match, the start
 * of the text.
 */
int search_snippet_of(const char *text, size_t len, const char *user,
    struct search_snippet *sn);

/* The stored body text of doc, appended to out. */
int search_body(struct search *s, int64_t doc, struct buf *out,
    struct err *e);

#endif
