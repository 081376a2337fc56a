/*
 * vault_index.c: keeping the full-text indexes in line with the catalog.
 *
 * One index per level and key version, index/LEVEL-vVERSION.db, opened
 * through the encrypting VFS under HKDF(LK[level, version], "index"): a
 * user not cleared for a level cannot open its index, and a key rotation
 * starts a new file (older ones are removed), so an old key opens nothing
 * indexed since.
 *
 * The index is derived data.  It records the catalog's change mark
 * (catalog.h) it was last brought in line with; before each use, and
 * right after each write, the documents written or purged since that mark
 * are indexed again or removed.  An index without a mark, or with a mark
 * ahead of the catalog (a catalog copied back), is rebuilt by comparing
 * every document's change stamp; an index of another tokenizer version is
 * rebuilt from scratch.  Text comes from what filing just extracted (kept
 * until the commit), from the index itself when only the metadata
 * changed, or else by decrypting and extracting the object.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract/extract.h"
#include "search.h"
#include "sqlvfs.h"
#include "tokenize.h"
#include "vault_int.h"

/* Documents indexed per index transaction while catching up. */
#define INDEX_BATCH 500

struct vault_index {
	struct sqlvfs *vfs;
	struct search *s;
	uint32_t version;
};

/* A text extracted while filing, until the commit indexes it. */
struct vault_pending {
	int64_t doc;
	int version;
	struct buf text;
};

static void
pending_clear(struct dossier *d)
{
	size_t i;

	for (i = 0; i < d->npending; i++) {
		/* Plaintext of a document: not left in freed memory. */
		if (d->pending[i].text.data != NULL)
			mem_wipe(d->pending[i].text.data,
			    d->pending[i].text.len);
		buf_release(&d->pending[i].text);
	}
	d->npending = 0;
}

void
vault_index_close(struct dossier *d)
{
	int l;

	pending_clear(d);
	free(d->pending);
	d->pending = NULL;
	d->cappending = 0;
	for (l = 0; l < DOSSIER_NLEVELS; l++) {
		if (d->index[l] == NULL)
			continue;
		search_close(d->index[l]->s);
		sqlvfs_free(d->index[l]->vfs);
		free(d->index[l]);
		d->index[l] = NULL;
	}
}

int
vault_index_keep(struct dossier *d, int64_t doc, int version,
    const struct buf *text)
{
	struct vault_pending *np, *p;
	struct buf empty = BUF_INIT;

	if (d->npending == d->cappending) {
		d->cappending = d->cappending ? 2 * d->cappending : 64;
		np = realloc(d->pending, d->cappending * sizeof(*np));
		if (np == NULL)
			return err_nomem(&d->err);
		d->pending = np;
	}
	p = &d->pending[d->npending];
	p->doc = doc;
	p->version = version;
	p->text = empty;
	if (text->len > 0 && buf_append(&p->text, text->data, text->len) != 0)
		return err_nomem(&d->err);
	d->npending++;
	return DOSSIER_OK;
}

static const struct vault_pending *
pending_find(const struct dossier *d, int64_t doc, int version)
{
	size_t i;

	for (i = d->npending; i-- > 0;)
		if (d->pending[i].doc == doc && d->pending[i].version == version)
			return &d->pending[i];
	return NULL;
}

int
vault_number_term(const struct vault_lk *lk, const char *number,
    struct catalog_term *t)
{
	struct buf key = BUF_INIT;
	int rc;

	/* The number as its search tokens: HT-2022-0315 = ＨＴ２０２２ ０３１５. */
	rc = tokenize_key(number, strlen(number), &key);
	if (rc == DOSSIER_OK)
		rc = vault_term(lk, CATALOG_TERM_NUMBER, buf_str(&key), t);
	buf_release(&key);
	return rc;
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
 * The text of document row's current version, decrypted into memory and
 * extracted.  Too large or unreadable content leaves the text empty (the
 * metadata is still indexed; show says why there is no text).
 */
static int
object_text(struct dossier *d, const struct catalog_doc *row,
    struct buf *text)
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
		if (r.text.data != NULL)
			mem_wipe(r.text.data, r.text.len);
		extract_result_release(&r);
		vermeta_release(&vm);
	}
	crypto_secure_free(dek, CRYPTO_KEY_LEN);
	if (plain.data != NULL)
		mem_wipe(plain.data, plain.len);
	buf_release(&plain);
	buf_release(&v.meta);
	return rc;
}

/* The text to index for row: kept from filing, in the index, or extracted. */
static int
doc_text(struct dossier *d, struct search *s, const struct catalog_doc *row,
    struct buf *text)
{
	const struct vault_pending *p = pending_find(d, row->id, row->version);
	int rc, indexed;

	if (p != NULL)
		return buf_append(text, p->text.data, p->text.len) == 0 ?
		    DOSSIER_OK : err_nomem(&d->err);
	/* Only the metadata changed: the indexed text is still right. */
	rc = search_indexed_version(s, row->id, &indexed, &d->err);
	if (rc == DOSSIER_OK && indexed == row->version)
		return search_body(s, row->id, text, &d->err);
	return rc == DOSSIER_OK ? object_text(d, row, text) : rc;
}

/*
 * Indexes document id as the catalog has it now, or removes it from the
 * index of level when it is gone or at another level.  DOSSIER_DONE when
 * this user does not hold its key: left for a user who does.
 */
static int
index_doc(struct dossier *d, int level, struct search *s, int64_t id)
{
	struct catalog_doc row;
	struct search_doc sd;
	struct buf tags = BUF_INIT, text = BUF_INIT;
	struct docmeta m;
	int rc;

	memset(&row, 0, sizeof(row));
	rc = catalog_doc_get(d->cat, id, &row, &d->err);
	if (rc == DOSSIER_ENOTFOUND || (rc == DOSSIER_OK && row.level != level)) {
		buf_release(&row.meta);
		return search_delete(s, id, &d->err);
	}
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
	rc = join_tags(&m, &tags) == DOSSIER_OK ? DOSSIER_OK :
	    err_nomem(&d->err);
	if (rc == DOSSIER_OK)
		rc = doc_text(d, s, &row, &text);
	if (rc == DOSSIER_OK) {
		sd.title = m.title;
		sd.number = m.number;
		sd.tags = buf_str(&tags);
		sd.body = buf_str(&text);
		sd.body_len = text.len;
		sd.stamp = row.change;
		sd.version = row.version;
		rc = search_put(s, id, &sd, &d->err);
	}
	docmeta_release(&m);
	buf_release(&tags);
	if (text.data != NULL)
		mem_wipe(text.data, text.len);
	buf_release(&text);
	buf_release(&row.meta);
	return rc;
}

/* What one catching-up pass has to do: documents to (re)index or drop. */
struct todo {
	struct dossier *d;
	int64_t *docs;
	size_t n, cap;
	int level;
};

static int
todo_push(struct todo *t, int64_t doc)
{
	int64_t *nv;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		nv = realloc(t->docs, t->cap * sizeof(*nv));
		if (nv == NULL)
			return err_nomem(&t->d->err);
		t->docs = nv;
	}
	t->docs[t->n++] = doc;
	return 0;
}

/* Stamps of the indexed documents, for the full comparison. */
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
 * The full comparison: documents of the level whose stamp differs from
 * the indexed one, or not indexed, and indexed documents gone from the
 * level.  Both lists are sorted by id: one merge.
 */
static int
todo_full(struct dossier *d, int level, struct search *s, struct todo *t)
{
	struct catalog_stamp *cat = NULL;
	struct indexed ix = { NULL, 0, 0, d };
	size_t n = 0, i = 0, j = 0;
	int rc;

	rc = catalog_doc_stamps(d->cat, level, &cat, &n, &d->err);
	if (rc == DOSSIER_OK)
		rc = search_indexed_each(s, collect_indexed, &ix, &d->err);
	while (rc == DOSSIER_OK && (i < n || j < ix.n)) {
		if (j == ix.n || (i < n && cat[i].doc < ix.v[j].doc)) {
			rc = todo_push(t, cat[i++].doc);
		} else if (i == n || ix.v[j].doc < cat[i].doc) {
			rc = todo_push(t, ix.v[j++].doc);
		} else {
			if (cat[i].stamp != ix.v[j].stamp)
				rc = todo_push(t, cat[i].doc);
			i++;
			j++;
		}
	}
	free(cat);
	free(ix.v);
	return rc;
}

/* The documents written or purged since the index's mark. */
struct since {
	struct todo *t;
	struct search *s;
};

static int
changed(void *ctx, int64_t doc, int level, int64_t stamp)
{
	struct since *x = ctx;
	int version;

	(void)stamp;
	if (level == x->t->level)
		return todo_push(x->t, doc);
	/* Elsewhere now, or purged: only if this index holds it. */
	if (search_indexed_version(x->s, doc, &version, &x->t->d->err) !=
	    DOSSIER_OK)
		return DOSSIER_EIO;
	return version != 0 ? todo_push(x->t, doc) : 0;
}

/* Brings index s of level in line with the catalog. */
static int
repair(struct dossier *d, int level, struct search *s)
{
	struct catalog_mark now;
	struct todo t;
	struct since x;
	int64_t seen[2], mark[2];
	size_t i, done = 0;
	int rc, in_tx = 0, skipped = 0;

	memset(&t, 0, sizeof(t));
	t.d = d;
	t.level = level;
	/* Read first: whatever is written later is looked at next time. */
	rc = catalog_change_mark(d->cat, &now, &d->err);
	if (rc == DOSSIER_OK)
		rc = search_mark(s, seen, &d->err);
	if (rc != DOSSIER_OK)
		return rc;
	mark[0] = now.change;
	mark[1] = now.purge;
	if (seen[0] == mark[0] && seen[1] == mark[1] && seen[0] + seen[1] != 0)
		return DOSSIER_OK;
	if (seen[0] + seen[1] == 0 || seen[0] > mark[0] || seen[1] > mark[1]) {
		rc = todo_full(d, level, s, &t);
	} else {
		struct catalog_mark from = { seen[0], seen[1] };

		x.t = &t;
		x.s = s;
		rc = catalog_changed_since(d->cat, &from, changed, &x, &d->err);
	}
	for (i = 0; rc == DOSSIER_OK && i < t.n; i++) {
		if (!in_tx) {
			rc = search_begin(s, &d->err);
			in_tx = rc == DOSSIER_OK;
			if (rc != DOSSIER_OK)
				break;
		}
		rc = index_doc(d, level, s, t.docs[i]);
		if (rc == DOSSIER_DONE) {
			skipped = 1;
			rc = DOSSIER_OK;
		}
		/* Commit in batches: a long rebuild keeps its progress. */
		if (rc == DOSSIER_OK && ++done >= INDEX_BATCH) {
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
	 * The mark moves only when every document could be indexed by this
	 * user: one whose key they lack is left for a user who holds it.
	 */
	if (rc == DOSSIER_OK && !skipped)
		rc = search_set_mark(s, mark, &d->err);
	if (in_tx && rc == DOSSIER_OK)
		rc = search_commit(s, &d->err);
	else if (in_tx)
		search_rollback(s);
	free(t.docs);
	return rc;
}

int
vault_index_open(struct dossier *d, int level, struct search **sp)
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
		search_close(x->s);
		sqlvfs_free(x->vfs);
		free(x);
		d->index[level] = x = NULL;
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
#ifdef DOSSIER_BENCH_PLAIN_PAGES
		/*
		 * Only in the benchmark's comparison build (make bench): the
		 * same page layout without encryption, to measure its cost.
		 */
		rc = sqlvfs_new(NULL, dbid, &x->vfs, &d->err);
#else
		rc = sqlvfs_new(lk->key + LK_INDEX, dbid, &x->vfs, &d->err);
#endif
		if (rc == DOSSIER_OK)
			rc = search_open(path, x->vfs, &x->s,
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

void
vault_index_refresh(struct dossier *d)
{
	struct search *s;
	struct err saved;
	int l;

	/* The write's own outcome and message stay as they were. */
	saved = d->err;
	for (l = 0; l < DOSSIER_NLEVELS; l++)
		(void)vault_index_open(d, l, &s);
	d->err = saved;
	pending_clear(d);
}
