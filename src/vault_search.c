/*
 * vault_search.c: dossier_search().
 *
 * Each level whose key the user holds is searched in its own index
 * (vault_index.c), restricted to the documents the row filters and the
 * user's permissions let through: as a short list to leave out (the
 * trash, dates outside the range, restricted documents the user may not
 * read) or, with a category, tag or type filter, as the list of documents
 * that have it (catalog keyed hashes).  The index then counts the matches
 * without ranking them, and ranks a bounded set of candidates (search.h),
 * so that a query matching every document costs little more than counting
 * them.  A document whose number is exactly what was typed comes first.
 *
 * Users whose role does not grant read (they read by grants only) are
 * checked document by document instead: slower, and exact.
 */
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "tokenize.h"
#include "vault_int.h"

#define SEARCH_LIMIT_DEFAULT 20
/* Candidates ranked per level when a query matches more documents. */
#define RANK_MAX 1000

struct found {
	int64_t doc;
	double score;
	int level;
};

struct hits {
	struct dossier *d;
	struct found *v;
	size_t n, cap;
	int level;
};

static int
collect_hit(void *ctx, int64_t doc, double score)
{
	struct hits *h = ctx;
	struct found *nv;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 256;
		nv = realloc(h->v, h->cap * sizeof(*nv));
		if (nv == NULL)
			return err_nomem(&h->d->err);
		h->v = nv;
	}
	h->v[h->n].doc = doc;
	h->v[h->n].score = score;
	h->v[h->n].level = h->level;
	h->n++;
	return 0;
}

/* By level and id, the better score first: to drop repeats. */
static int
found_id_cmp(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	if (x->doc != y->doc)
		return x->doc < y->doc ? -1 : 1;
	return x->score > y->score ? -1 : x->score < y->score;
}

/* Best first; ties to the newer document. */
static int
found_cmp(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->doc > y->doc ? -1 : x->doc < y->doc;
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int
has_id(const int64_t *ids, size_t n, int64_t id)
{
	return n > 0 && bsearch(&id, ids, n, sizeof(*ids), id_cmp) != NULL;
}

/* Does the document (its view) pass the filters? */
static int
passes(const struct dossier_doc *doc, const struct catalog_doc *row,
    const struct dossier_filter *f)
{
	size_t i;

	if ((f->deleted != 0) != (doc->deleted != 0))
		return 0;
	if (f->category != NULL && strcmp(f->category, doc->category) != 0)
		return 0;
	if (f->type != NULL && strcmp(f->type, doc->type) != 0)
		return 0;
	if (f->since != NULL && strcmp(row->date, f->since) < 0)
		return 0;
	if (f->until != NULL && strcmp(row->date, f->until) > 0)
		return 0;
	if (f->tag == NULL)
		return 1;
	for (i = 0; i < doc->ntags; i++)
		if (strcmp(doc->tags[i], f->tag) == 0)
			return 1;
	return 0;
}

/*
 * May the user read document id at level (with its view in d->view)?
 * 0 when not, or when it is not there any more.
 */
static int
readable(struct dossier *d, int64_t id, int level, struct catalog_doc *row,
    const struct dossier_filter *f, int *rc)
{
	*rc = catalog_doc_get(d->cat, id, row, &d->err);
	if (*rc == DOSSIER_ENOTFOUND) {
		*rc = DOSSIER_OK; /* purged since it was indexed */
		return 0;
	}
	if (*rc != DOSSIER_OK || row->level != level ||
	    vault_lk(d, row->level, row->key_version) == NULL)
		return 0;
	*rc = vault_view_doc(d, &d->view, row);
	if (*rc != DOSSIER_OK)
		return 0;
	return (vault_perms(d, row->id, d->view.doc.category) &
	    DOSSIER_PERM_READ) && passes(&d->view.doc, row, f);
}

/* Appends the keyed hashes of value under each held key of level. */
static int
level_terms(struct dossier *d, int level, int kind, const char *value,
    struct catalog_term **t, size_t *n)
{
	struct catalog_term *nt;
	size_t i;
	int rc;

	for (i = 0; i < d->nlks; i++) {
		if (d->lks[i].level != level)
			continue;
		nt = realloc(*t, (*n + 1) * sizeof(**t));
		if (nt == NULL)
			return err_nomem(&d->err);
		*t = nt;
		rc = kind == CATALOG_TERM_NUMBER ?
		    vault_number_term(&d->lks[i], value, &nt[*n]) :
		    vault_term(&d->lks[i], kind, value, &nt[*n]);
		if (rc != DOSSIER_OK)
			return err_set(&d->err, rc, "cannot hash a filter");
		(*n)++;
	}
	return DOSSIER_OK;
}

/*
 * The documents of level with the filter's category, tag and type (and
 * trash state and dates), or with number (kind NUMBER), sorted by id.
 */
static int
with_terms(struct dossier *d, int level, const struct dossier_filter *f,
    const char *number, int64_t **ids, size_t *n)
{
	struct catalog_query q;
	struct catalog_term *t = NULL;
	size_t nt = 0;
	int rc = DOSSIER_OK;

	*ids = NULL;
	*n = 0;
	if (number != NULL)
		rc = level_terms(d, level, CATALOG_TERM_NUMBER, number, &t, &nt);
	if (rc == DOSSIER_OK && number == NULL && f->category != NULL)
		rc = level_terms(d, level, CATALOG_TERM_CATEGORY, f->category,
		    &t, &nt);
	if (rc == DOSSIER_OK && number == NULL && f->tag != NULL)
		rc = level_terms(d, level, CATALOG_TERM_TAG, f->tag, &t, &nt);
	if (rc == DOSSIER_OK && number == NULL && f->type != NULL)
		rc = level_terms(d, level, CATALOG_TERM_TYPE, f->type, &t, &nt);
	if (rc == DOSSIER_OK && nt > 0) {
		memset(&q, 0, sizeof(q));
		q.levels = &level;
		q.nlevels = 1;
		q.deleted = f->deleted;
		q.since = f->since;
		q.until = f->until;
		q.terms = t;
		q.nterms = nt;
		rc = catalog_doc_ids(d->cat, &q, ids, n, &d->err);
		if (rc == DOSSIER_OK && *n > 1)
			qsort(*ids, *n, sizeof(**ids), id_cmp);
	}
	free(t);
	return rc;
}

/* The key versions of level this user holds, unless that is all of them. */
static size_t
held_versions(const struct dossier *d, int level, uint32_t *v, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < d->nlks && n < max; i++)
		if (d->lks[i].level == level)
			v[n++] = d->lks[i].version;
	return n == d->curver[level] ? 0 : n;
}

/*
 * What search_query may return from level: sel->include with the
 * documents that have the filter's terms, or the documents to leave out.
 * Restricted documents the user may not read are left out too.
 */
static int
select_docs(struct dossier *d, int level, const struct dossier_filter *f,
    struct search_sel *sel, int64_t **ids)
{
	struct catalog_rowfilter rf;
	struct catalog_doc row;
	uint32_t held[64];
	int64_t *v = NULL, *nv;
	size_t n = 0, i, j, k;
	int rc, rrc;

	memset(&row, 0, sizeof(row));
	sel->include = f->category != NULL || f->tag != NULL || f->type != NULL;
	if (sel->include) {
		rc = with_terms(d, level, f, NULL, &v, &n);
	} else {
		memset(&rf, 0, sizeof(rf));
		rf.deleted = f->deleted;
		rf.since = f->since;
		rf.until = f->until;
		rf.nheld = held_versions(d, level, held, 64);
		rf.held = rf.nheld > 0 ? held : NULL;
		rc = catalog_filtered_out(d->cat, level, &rf, &v, &n, &d->err);
	}
	/* The restricted documents of this level the user may not read. */
	for (i = 0; rc == DOSSIER_OK && i < d->nrestricted; i++) {
		rc = catalog_doc_get(d->cat, d->restricted[i], &row, &d->err);
		if (rc == DOSSIER_ENOTFOUND || (rc == DOSSIER_OK &&
		    row.level != level)) {
			rc = DOSSIER_OK;
			continue;
		}
		if (rc != DOSSIER_OK || readable(d, row.id, level, &row, f,
		    &rrc) || rrc != DOSSIER_OK) {
			rc = rc != DOSSIER_OK ? rc : rrc;
			continue;
		}
		if (sel->include) {
			/* Out of the list of those that may be returned. */
			for (j = k = 0; j < n; j++)
				if (v[j] != row.id)
					v[k++] = v[j];
			n = k;
		} else if (!has_id(v, n, row.id)) {
			nv = realloc(v, (n + 1) * sizeof(*v));
			if (nv == NULL) {
				rc = err_nomem(&d->err);
				break;
			}
			v = nv;
			for (j = n++; j > 0 && v[j - 1] > row.id; j--)
				v[j] = v[j - 1];
			v[j] = row.id;
		}
	}
	buf_release(&row.meta);
	if (rc != DOSSIER_OK) {
		free(v);
		return rc;
	}
	sel->ids = v;
	sel->n = n;
	*ids = v;
	return DOSSIER_OK;
}

/* Calls fn for one hit: the document's view (in d->view) and snippet. */
static int
emit(struct dossier *d, struct search *s, const struct found *fd,
    const char *query, dossier_hit_fn fn, void *ctx)
{
	struct search_snippet sn;
	struct dossier_hit h;
	struct buf body = BUF_INIT;
	int rc;

	search_snippet_init(&sn);
	rc = search_body(s, fd->doc, &body, &d->err);
	if (rc == DOSSIER_OK)
		rc = search_snippet_of((const char *)body.data, body.len, query,
		    &sn);
	/* Nothing marked in the text: the match was in the title. */
	if (rc == DOSSIER_OK && sn.nmatches == 0)
		rc = search_snippet_of(d->view.doc.title,
		    strlen(d->view.doc.title), query, &sn);
	if (rc == DOSSIER_OK) {
		h.doc = &d->view.doc;
		h.score = fd->score;
		h.snippet = buf_str(&sn.text);
		h.matches = (const size_t (*)[2])sn.matches;
		h.nmatches = sn.nmatches;
		rc = fn(ctx, &h);
	}
	search_snippet_release(&sn);
	if (body.data != NULL)
		mem_wipe(body.data, body.len);
	buf_release(&body);
	return rc;
}

/*
 * Searches level: its hits into h (repeats dropped, exact number matches
 * raised to the top), its count added to *total.
 */
static int
search_level(struct dossier *d, int level, struct search *s,
    const char *query, const char *key, const struct dossier_filter *f,
    size_t rank_max, struct hits *h, int64_t *total)
{
	struct search_run run;
	int64_t *ids = NULL, *exact = NULL, n = 0;
	size_t first = h->n, nexact = 0, i, k;
	int rc;

	memset(&run, 0, sizeof(run));
	run.rank_max = rank_max;
	rc = select_docs(d, level, f, &run.sel, &ids);
	if (rc != DOSSIER_OK)
		return rc;
	h->level = level;
	rc = search_query(s, query, &run, collect_hit, h, &n, &d->err);
	if (rc == DOSSIER_OK && key[0] != '\0' && h->n > first)
		rc = with_terms(d, level, f, key, &exact, &nexact);
	if (rc == DOSSIER_OK && h->n - first > 1)
		qsort(h->v + first, h->n - first, sizeof(*h->v), found_id_cmp);
	for (i = k = first; rc == DOSSIER_OK && i < h->n; i++) {
		if (k > first && h->v[k - 1].doc == h->v[i].doc)
			continue;
		h->v[k] = h->v[i];
		if (has_id(exact, nexact, h->v[k].doc))
			h->v[k].score += SEARCH_NUMBER_BONUS;
		k++;
	}
	if (rc == DOSSIER_OK)
		h->n = k;
	*total += n;
	free(exact);
	free(ids);
	return rc;
}

int
dossier_search(struct dossier *d, const char *query,
    const struct dossier_filter *f, dossier_hit_fn fn, void *ctx,
    int64_t *total)
{
	struct dossier_filter none;
	struct search *index[DOSSIER_NLEVELS];
	struct hits h;
	struct catalog_doc row;
	struct buf key = BUF_INIT;
	int64_t count = 0, shown = 0, limit;
	size_t i;
	int rc, l, fast, ok;

	if (total != NULL)
		*total = 0;
	memset(&h, 0, sizeof(h));
	memset(&row, 0, sizeof(row));
	memset(index, 0, sizeof(index));
	h.d = d;
	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "search", 0);
	/* The query is sealed in the record, as everything in a detail. */
	rc = vault_op_detail(d, "query", query);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	if (f == NULL) {
		dossier_filter_init(&none);
		f = &none;
	}
	if (f->since != NULL)
		rc = vault_check_date(d, f->since);
	if (rc == DOSSIER_OK && f->until != NULL)
		rc = vault_check_date(d, f->until);
	if (rc == DOSSIER_OK && f->limit < 0)
		rc = err_set(&d->err, DOSSIER_EUSAGE, "negative limit");
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	limit = f->limit > 0 ? f->limit : SEARCH_LIMIT_DEFAULT;
	/*
	 * Readers by role: the selection already holds every rule, so the
	 * index's count is the answer and a bounded set is ranked.  Others
	 * read by grants only: every match is checked.
	 */
	fast = (vault_perms(d, 0, NULL) & DOSSIER_PERM_READ) != 0;
	rc = tokenize_key(query, strlen(query), &key) == DOSSIER_OK ?
	    DOSSIER_OK : err_nomem(&d->err);
	for (l = 0; rc == DOSSIER_OK && l < DOSSIER_NLEVELS; l++) {
		if (f->level != DOSSIER_LEVEL_UNSET && f->level != l)
			continue;
		rc = vault_index_open(d, l, &index[l]);
		if (rc != DOSSIER_OK || index[l] == NULL)
			continue;
		rc = search_level(d, l, index[l], query, buf_str(&key), f,
		    fast && (size_t)limit <= RANK_MAX / 4 ? RANK_MAX : 0, &h,
		    &count);
	}
	if (rc == DOSSIER_OK && h.n > 1)
		qsort(h.v, h.n, sizeof(*h.v), found_cmp);
	if (!fast)
		count = 0;
	/*
	 * First the hits to show and the count; they are handed out only
	 * once the search is in the audit log.
	 */
	for (i = 0; rc == DOSSIER_OK && i < h.n; i++) {
		if (fast && shown >= limit)
			break;
		ok = readable(d, h.v[i].doc, h.v[i].level, &row, f, &rc);
		if (rc != DOSSIER_OK)
			break;
		if (!ok) {
			/* Changed since it was selected: not counted either. */
			if (fast)
				count--;
			h.v[i].doc = 0;
			continue;
		}
		if (!fast)
			count++;
		if (shown < limit)
			h.v[shown++] = h.v[i];
	}
	if (rc == DOSSIER_OK)
		rc = vault_op_detail_int(d, "hits", count);
	if (rc == DOSSIER_OK)
		rc = vault_audit_own(d, "allowed");
	for (i = 0; rc == DOSSIER_OK && fn != NULL && i < (size_t)shown; i++) {
		ok = readable(d, h.v[i].doc, h.v[i].level, &row, f, &rc);
		if (rc == DOSSIER_OK && ok)
			rc = emit(d, index[h.v[i].level], &h.v[i], query, fn,
			    ctx);
	}
	if (rc == DOSSIER_OK && total != NULL)
		*total = count;
	buf_release(&key);
	buf_release(&row.meta);
	free(h.v);
	return vault_done(d, rc);
}
