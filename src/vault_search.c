/*
 * vault_search.c: the full-text indexes of the vault and dossier_search().
 *
 * One index per level and key version, index/LEVEL-vVERSION.db, opened
 * through the encrypting VFS under HKDF(LK[level, version], "index"): a
 * user not cleared for a level cannot open its index, and a key rotation
 * starts a new file (older ones are removed), so an old key opens nothing
 * indexed since.  The index is derived data: before each use it is
 * brought in line with the catalog by change stamps, which also repairs
 * what a crash left half done, and rebuilds an index made by another
 * tokenizer version.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract/extract.h"
#include "search.h"
#include "sqlvfs.h"
#include "vault_int.h"

#define SEARCH_LIMIT_DEFAULT 20
#define REPAIR_BATCH 200

struct vault_index {
	struct sqlvfs *vfs;
	struct search *s;
	uint32_t version;
};

void
vault_index_close(struct dossier *d)
{
	int l;

	for (l = 0; l < DOSSIER_NLEVELS; l++) {
		if (d->index[l] == NULL)
			continue;
		search_close(d->index[l]->s);
		sqlvfs_free(d->index[l]->vfs);
		free(d->index[l]);
		d->index[l] = NULL;
	}
}

/* Removes the index files of level made under older key versions. */
static void
remove_old_indexes(struct dossier *d, int level, uint32_t version)
{
	char dir[PATH_MAX + 8], path[PATH_MAX + 320];
	struct dirent *de;
	unsigned l, v;
	DIR *dd;

	snprintf(dir, sizeof(dir), "%s/index", d->root);
	dd = opendir(dir);
	if (dd == NULL)
		return;
	while ((de = readdir(dd)) != NULL) {
		if (sscanf(de->d_name, "%u-v%u.db", &l, &v) != 2 ||
		    (int)l != level || v >= version)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(dd);
}

/* Joins tags with spaces for the tags column. */
static int
join_tags(const struct docmeta *m, struct buf *out)
{
	size_t i;

	for (i = 0; i < m->ntags; i++)
		if ((i > 0 && buf_putc(out, ' ') != 0) ||
		    buf_puts(out, m->tags[i]) != 0)
			return DOSSIER_ENOMEM;
	return DOSSIER_OK;
}

static int
mem_sink(void *ctx, const void *p, size_t n)
{
	return buf_append(ctx, p, n) == 0 ? 0 : DOSSIER_ENOMEM;
}

/*
 * The text of document row's current version: decrypted into memory and
 * extracted.  Too large or unreadable content leaves the text empty (the
 * metadata is still indexed; show says why there is no text).
 */
static int
doc_text(struct dossier *d, const struct catalog_doc *row, struct buf *text)
{
	struct catalog_version v;
	struct extract_result r;
	struct store_binding b;
	struct buf plain = BUF_INIT;
	struct vermeta vm;
	struct err se;
	unsigned char *dek;
	int rc;

	memset(&v, 0, sizeof(v));
	rc = catalog_version_get(d->cat, row->id, row->version, &v, &d->err);
	if (rc != DOSSIER_OK || v.size > EXTRACT_MAX_INPUT) {
		buf_release(&v.meta);
		return rc;
	}
	dek = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (dek == NULL) {
		buf_release(&v.meta);
		return err_nomem(&d->err);
	}
	rc = vault_open_dek(d, &v, dek);
	if (rc == DOSSIER_OK)
		rc = vault_open_vermeta(d, &v, &vm);
	if (rc == DOSSIER_OK) {
		b.doc = (uint64_t)v.doc;
		b.version = (uint32_t)v.version;
		err_clear(&se);
		rc = store_read(d->store, v.object, dek, &b, v.size, mem_sink,
		    &plain, &se);
		if (rc != DOSSIER_OK)
			rc = err_set(&d->err, rc, "document %lld: %s",
			    (long long)v.doc, se.msg);
		extract_result_init(&r);
		if (rc == DOSSIER_OK &&
		    extract_mem(plain.data, plain.len, vm.filename, NULL, &r,
		    &se) == DOSSIER_OK && buf_append(text, r.text.data,
		    r.text.len) != 0)
			rc = err_nomem(&d->err);
		extract_result_release(&r);
		vermeta_release(&vm);
	}
	crypto_secure_free(dek, CRYPTO_KEY_LEN);
	buf_release(&plain);
	buf_release(&v.meta);
	return rc;
}

static int
index_doc(struct dossier *d, struct search *s, int64_t id, int64_t stamp)
{
	struct catalog_doc row;
	struct search_doc sd;
	struct buf tags = BUF_INIT, text = BUF_INIT;
	struct docmeta m;
	int rc;

	memset(&row, 0, sizeof(row));
	rc = catalog_doc_get(d->cat, id, &row, &d->err);
	/* A key this user does not hold: left for a user who does. */
	if (rc == DOSSIER_OK && vault_lk(d, row.level, row.key_version) ==
	    NULL) {
		buf_release(&row.meta);
		return DOSSIER_DONE;
	}
	if (rc == DOSSIER_OK)
		rc = vault_open_docmeta(d, &row, &m);
	if (rc != DOSSIER_OK) {
		buf_release(&row.meta);
		return rc;
	}
	rc = join_tags(&m, &tags);
	if (rc == DOSSIER_OK)
		rc = doc_text(d, &row, &text);
	if (rc == DOSSIER_OK) {
		sd.title = m.title;
		sd.number = m.number;
		sd.tags = buf_str(&tags);
		sd.body = buf_str(&text);
		sd.body_len = text.len;
		sd.stamp = stamp;
		rc = search_put(s, id, &sd, &d->err);
	}
	docmeta_release(&m);
	buf_release(&tags);
	buf_release(&text);
	buf_release(&row.meta);
	return rc;
}

struct indexed {
	struct catalog_stamp *v;
	size_t n, cap;
	struct dossier *d;
};

static int
collect_indexed(void *ctx, int64_t doc, int64_t stamp)
{
	struct indexed *x = ctx;
	struct catalog_stamp *nv;

	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 256;
		nv = realloc(x->v, x->cap * sizeof(*nv));
		if (nv == NULL)
			return err_nomem(&x->d->err);
		x->v = nv;
	}
	x->v[x->n].doc = doc;
	x->v[x->n].stamp = stamp;
	x->n++;
	return 0;
}

/*
 * Brings index s of level in line with the catalog: documents new or
 * changed since they were indexed are indexed again, documents gone from
 * the level are removed.  Both lists are sorted by id: one merge.
 */
static int
repair(struct dossier *d, int level, struct search *s)
{
	struct catalog_stamp *cat = NULL;
	struct indexed ix = { NULL, 0, 0, d };
	size_t n = 0, i = 0, j = 0, done = 0;
	int64_t now[2], seen[2];
	int rc, in_tx = 0, skipped = 0;

	/* Nothing written at this level since the last time: up to date. */
	rc = catalog_level_fingerprint(d->cat, level, &now[0], &now[1],
	    &d->err);
	if (rc == DOSSIER_OK)
		rc = search_fingerprint(s, seen, &d->err);
	if (rc != DOSSIER_OK || (now[0] == seen[0] && now[1] == seen[1] &&
	    now[0] + now[1] != 0))
		return rc;
	rc = catalog_doc_stamps(d->cat, level, &cat, &n, &d->err);
	if (rc == DOSSIER_OK)
		rc = search_indexed_each(s, collect_indexed, &ix, &d->err);
	while (rc == DOSSIER_OK && (i < n || j < ix.n)) {
		if (!in_tx) {
			rc = search_begin(s, &d->err);
			in_tx = rc == DOSSIER_OK;
			if (rc != DOSSIER_OK)
				break;
		}
		if (j == ix.n || (i < n && cat[i].doc < ix.v[j].doc)) {
			rc = index_doc(d, s, cat[i].doc, cat[i].stamp);
			i++;
			done++;
		} else if (i == n || ix.v[j].doc < cat[i].doc) {
			rc = search_delete(s, ix.v[j].doc, &d->err);
			j++;
			done++;
		} else {
			if (cat[i].stamp != ix.v[j].stamp) {
				rc = index_doc(d, s, cat[i].doc, cat[i].stamp);
				done++;
			}
			i++;
			j++;
		}
		if (rc == DOSSIER_DONE) {
			skipped = 1;
			rc = DOSSIER_OK;
		}
		/* Commit in batches: a long rebuild keeps its progress. */
		if (rc == DOSSIER_OK && done >= REPAIR_BATCH) {
			rc = search_commit(s, &d->err);
			in_tx = 0;
			done = 0;
		}
	}
	if (rc == DOSSIER_OK && !in_tx) {
		rc = search_begin(s, &d->err);
		in_tx = rc == DOSSIER_OK;
	}
	/*
	 * Recorded only when every document could be indexed by this user:
	 * one whose key they lack is left for a user who holds it.
	 */
	if (rc == DOSSIER_OK && !skipped)
		rc = search_set_fingerprint(s, now, &d->err);
	if (in_tx && rc == DOSSIER_OK)
		rc = search_commit(s, &d->err);
	else if (in_tx)
		search_rollback(s);
	free(cat);
	free(ix.v);
	return rc;
}

/* The index of level, opened and repaired; NULL without its key. */
static int
index_open(struct dossier *d, int level, struct search **sp)
{
	const struct vault_lk *lk = vault_lk_current(d, level);
	struct vault_index *x;
	char path[PATH_MAX + 32], dbid[64], hex[2 * KEYS_VAULT_ID_LEN + 1];
	int rc, stale;

	*sp = NULL;
	if (lk == NULL)
		return DOSSIER_OK;
	x = d->index[level];
	if (x != NULL && x->version != lk->version) {
		vault_index_close(d);
		x = NULL;
	}
	if (x == NULL) {
		x = calloc(1, sizeof(*x));
		if (x == NULL)
			return err_nomem(&d->err);
		hex_encode(d->vault_id, 8, hex);
		snprintf(dbid, sizeof(dbid), "index-%s-%d-%u", hex, level,
		    lk->version);
		snprintf(path, sizeof(path), "%s/index/%d-v%u.db", d->root,
		    level, lk->version);
		x->version = lk->version;
		rc = sqlvfs_new(lk->key + LK_INDEX, dbid, &x->vfs, &d->err);
		if (rc == DOSSIER_OK)
			rc = search_open(path, sqlvfs_name(x->vfs), &x->s,
			    &stale, &d->err);
		if (rc != DOSSIER_OK) {
			search_close(x->s);
			sqlvfs_free(x->vfs);
			free(x);
			return rc;
		}
		d->index[level] = x;
		remove_old_indexes(d, level, lk->version);
	}
	rc = repair(d, level, x->s);
	if (rc == DOSSIER_OK)
		*sp = x->s;
	return rc;
}

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

static int
found_cmp(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->doc > y->doc ? -1 : x->doc < y->doc;
}

/* Does the document (its view) pass the filters search applies itself? */
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

/* Calls fn for one hit: the document's view and its snippet. */
static int
emit(struct dossier *d, const struct found *fd, const char *query,
    dossier_hit_fn fn, void *ctx)
{
	struct search_snippet sn;
	struct dossier_hit h;
	struct buf body = BUF_INIT;
	int rc;

	search_snippet_init(&sn);
	rc = search_body(d->index[fd->level]->s, fd->doc, &body, &d->err);
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
	buf_release(&body);
	return rc;
}

int
dossier_search(struct dossier *d, const char *query,
    const struct dossier_filter *f, dossier_hit_fn fn, void *ctx,
    int64_t *total)
{
	struct dossier_filter none;
	struct hits h;
	struct catalog_doc row;
	struct search *s;
	int64_t count = 0, limit;
	size_t i;
	int rc, l, quick;

	if (total != NULL)
		*total = 0;
	memset(&h, 0, sizeof(h));
	memset(&row, 0, sizeof(row));
	h.d = d;
	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	if (f == NULL) {
		dossier_filter_init(&none);
		f = &none;
	}
	limit = f->limit > 0 ? f->limit : SEARCH_LIMIT_DEFAULT;
	quick = vault_perms(d, 0, NULL) == DOSSIER_PERM_ALL &&
	    f->category == NULL && f->tag == NULL && f->type == NULL;
	for (l = 0; rc == DOSSIER_OK && l < DOSSIER_NLEVELS; l++) {
		if (f->level != DOSSIER_LEVEL_UNSET && f->level != l)
			continue;
		rc = index_open(d, l, &s);
		if (rc != DOSSIER_OK || s == NULL)
			continue;
		h.level = l;
		rc = search_query(s, query, collect_hit, &h, &d->err);
	}
	if (rc == DOSSIER_OK && h.n > 1)
		qsort(h.v, h.n, sizeof(*h.v), found_cmp);
	for (i = 0; rc == DOSSIER_OK && i < h.n; i++) {
		rc = catalog_doc_get(d->cat, h.v[i].doc, &row, &d->err);
		if (rc == DOSSIER_ENOTFOUND) {
			rc = DOSSIER_OK; /* purged since it was indexed */
			continue;
		}
		if (rc != DOSSIER_OK)
			break;
		/*
		 * Past the hits shown, an administrator's hits are only
		 * counted: the row tells trash and date, no metadata needs
		 * opening (the costly part of a broad query).
		 */
		if (count >= limit && quick && (f->deleted != 0) ==
		    (row.deleted != 0) && (f->since == NULL ||
		    strcmp(row.date, f->since) >= 0) && (f->until == NULL ||
		    strcmp(row.date, f->until) <= 0)) {
			count++;
			continue;
		}
		if (count >= limit && quick)
			continue;
		rc = vault_view_doc(d, &d->view, &row);
		if (rc != DOSSIER_OK)
			break;
		/* Only what the user may read counts, and shows. */
		if (!(vault_perms(d, row.id, d->view.doc.category) &
		    DOSSIER_PERM_READ) || !passes(&d->view.doc, &row, f))
			continue;
		if (count++ < limit && fn != NULL)
			rc = emit(d, &h.v[i], query, fn, ctx);
	}
	if (rc == DOSSIER_OK && total != NULL)
		*total = count;
	buf_release(&row.meta);
	free(h.v);
	return vault_done(d, rc);
}
