/*
 * vault_change.c: meta (including reclassification), rm, restore, purge.
 * Each is one catalog transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault_int.h"

/* The keyed hashes of a document's metadata, as vault_doc.c files them. */
static int
doc_terms(struct dossier *d, const struct vault_lk *lk, int64_t id,
    const struct docmeta *m, const char *type)
{
	struct catalog_term *t;
	size_t n = 0, i;
	int rc = DOSSIER_OK;

	t = calloc(m->ntags + 3, sizeof(*t));
	if (t == NULL)
		return err_nomem(&d->err);
	if (m->category[0] != '\0')
		rc = vault_term(lk, CATALOG_TERM_CATEGORY, m->category, &t[n++]);
	if (rc == DOSSIER_OK && m->number[0] != '\0')
		rc = vault_number_term(lk, m->number, &t[n++]);
	if (rc == DOSSIER_OK && type[0] != '\0')
		rc = vault_term(lk, CATALOG_TERM_TYPE, type, &t[n++]);
	for (i = 0; rc == DOSSIER_OK && i < m->ntags; i++)
		rc = vault_term(lk, CATALOG_TERM_TAG, m->tags[i], &t[n++]);
	if (rc != DOSSIER_OK)
		rc = err_set(&d->err, rc, "cannot hash metadata");
	else
		rc = catalog_terms_set(d->cat, id, t, n, &d->err);
	free(t);
	return rc;
}

int
vault_save_doc(struct dossier *d, struct catalog_doc *row,
    const struct vault_lk *lk, const struct docmeta *m, const char *type)
{
	int rc;

	row->level = lk->level;
	row->key_version = lk->version;
	vault_filter_date(m, row->created, row->date);
	rc = vault_seal_docmeta(d, lk, row->id, m, &row->meta);
	if (rc == DOSSIER_OK)
		rc = catalog_doc_update(d->cat, row, &d->err);
	if (rc == DOSSIER_OK)
		rc = doc_terms(d, lk, row->id, m, type);
	return rc;
}

struct mac_sink {
	struct crypto_hash *h;
};

static int
mac_sink(void *ctx, const void *p, size_t n)
{
	struct mac_sink *s = ctx;

	return crypto_hash_update(s->h, p, n);
}

/*
 * Moves version v to level key lk: re-wraps its data key, re-seals its
 * metadata, and recomputes its duplicate-detection hash, which needs the
 * content (decrypted and verified on the way).
 */
static int
reclassify_version(struct dossier *d, struct catalog_version *v,
    const struct vault_lk *lk)
{
	struct keys_dek_label lb;
	struct store_binding b = { (uint64_t)v->doc, (uint32_t)v->version };
	struct mac_sink ms = { NULL };
	struct vermeta vm;
	struct err se;
	unsigned char *dek;
	int rc, have_vm = 0;

	dek = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (dek == NULL)
		return err_nomem(&d->err);
	rc = vault_open_dek(d, v, dek);
	if (rc == DOSSIER_OK) {
		rc = vault_open_vermeta(d, v, &vm);
		have_vm = rc == DOSSIER_OK;
	}
	if (rc != DOSSIER_OK)
		goto out;
	rc = crypto_hash_new(&ms.h, lk->key + LK_DEDUP, CRYPTO_KEY_LEN);
	if (rc != DOSSIER_OK) {
		err_set(&d->err, rc, "cannot hash content");
		goto out;
	}
	err_clear(&se);
	rc = store_read(d->store, v->object, dek, &b, v->size, mac_sink, &ms,
	    &se);
	if (rc != DOSSIER_OK) {
		err_set(&d->err, rc, "document %lld version %d: %s",
		    (long long)v->doc, v->version,
		    se.msg[0] != '\0' ? se.msg : "cannot read content");
		goto out;
	}
	rc = crypto_hash_final(ms.h, v->content_mac);
	lb.doc = (uint64_t)v->doc;
	lb.version = (uint32_t)v->version;
	lb.level = lk->level;
	lb.key_version = lk->version;
	if (rc == DOSSIER_OK)
		rc = keys_wrap_dek(d->vault_id, lk->key + LK_WRAP, &lb, dek,
		    v->wrapped);
	if (rc != DOSSIER_OK) {
		err_set(&d->err, rc, "cannot re-wrap a data key");
		goto out;
	}
	v->level = lk->level;
	v->key_version = lk->version;
	rc = vault_seal_vermeta(d, lk, v->doc, v->version, &vm, &v->meta);
	if (rc == DOSSIER_OK)
		rc = catalog_version_update(d->cat, v, &d->err);
out:
	if (have_vm)
		vermeta_release(&vm);
	crypto_hash_free(ms.h);
	crypto_secure_free(dek, CRYPTO_KEY_LEN);
	return rc;
}

struct reclass {
	struct dossier *d;
	const struct vault_lk *lk;
	struct catalog_version *versions;
	size_t n;
};

static int
collect_version(void *ctx, const struct catalog_version *v)
{
	struct reclass *r = ctx;
	struct catalog_version *nv;

	nv = realloc(r->versions, (r->n + 1) * sizeof(*nv));
	if (nv == NULL)
		return err_nomem(&r->d->err);
	r->versions = nv;
	nv[r->n] = *v;
	memset(&nv[r->n].meta, 0, sizeof(nv[r->n].meta));
	r->n++;
	if (buf_append(&nv[r->n - 1].meta, v->meta.data, v->meta.len) != 0)
		return err_nomem(&r->d->err);
	return 0;
}

static int
reclassify(struct dossier *d, int64_t id, const struct vault_lk *lk)
{
	struct reclass r = { d, lk, NULL, 0 };
	size_t i;
	int rc;

	rc = catalog_versions_each(d->cat, id, collect_version, &r, &d->err);
	for (i = 0; rc == DOSSIER_OK && i < r.n; i++)
		rc = reclassify_version(d, &r.versions[i], lk);
	for (i = 0; i < r.n; i++)
		buf_release(&r.versions[i].meta);
	free(r.versions);
	return rc;
}

/* The current version's type, for the type filter term. */
static int
current_type(struct dossier *d, const struct catalog_doc *row, char *type,
    size_t typesz)
{
	struct catalog_version v;
	struct vermeta vm;
	int rc;

	memset(&v, 0, sizeof(v));
	rc = catalog_version_get(d->cat, row->id, row->version, &v, &d->err);
	if (rc == DOSSIER_OK)
		rc = vault_open_vermeta(d, &v, &vm);
	if (rc == DOSSIER_OK) {
		snprintf(type, typesz, "%s", vm.type);
		vermeta_release(&vm);
	}
	buf_release(&v.meta);
	return rc;
}

/* The user holds an older key of the level but not its newest. */
static int
no_current_key(struct dossier *d, const struct catalog_doc *row,
    const char *action)
{
	vault_note_denial(d, action, row->id, DOSSIER_PERM_EDIT);
	return err_set(&d->err, DOSSIER_EDENIED,
	    "document %lld: user '%s' does not hold the current key of level "
	    "%s", (long long)row->id, d->user.name,
	    dossier_level_name(row->level, 0));
}

/*
 * Runs change() on document id inside one write transaction, with its
 * metadata opened, then saves under the level key chosen by change.
 */
typedef int (*change_fn)(struct dossier *d, struct catalog_doc *row,
    struct docmeta *m, const struct vault_lk **lk, const void *arg);

static int
change_doc(struct dossier *d, int64_t id, unsigned perm, const char *action,
    change_fn change, const void *arg)
{
	struct catalog_doc row;
	struct docmeta m;
	const struct vault_lk *lk;
	char type[64];
	int rc, have_meta = 0;

	memset(&row, 0, sizeof(row));
	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	/* One record per document (a re-keying pass makes several). */
	if (d->audit.action == NULL || d->audit.written)
		vault_op(d, action, id);
	d->audit.doc = id;
	rc = catalog_begin(d->cat, &d->err);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	rc = catalog_doc_get(d->cat, id, &row, &d->err);
	if (rc == DOSSIER_OK && vault_lk(d, row.level, row.key_version) ==
	    NULL) {
		vault_note_denial(d, action, id, DOSSIER_PERM_READ);
		rc = err_set(&d->err, DOSSIER_ENOTFOUND, "no document %lld",
		    (long long)id);
	}
	if (rc == DOSSIER_OK) {
		rc = vault_open_docmeta(d, &row, &m);
		have_meta = rc == DOSSIER_OK;
	}
	if (rc == DOSSIER_OK)
		rc = vault_check_access(d, &row, &m, perm, action);
	if (rc == DOSSIER_OK)
		rc = current_type(d, &row, type, sizeof(type));
	if (rc == DOSSIER_OK) {
		lk = vault_lk_current(d, row.level);
		if (lk == NULL)
			rc = no_current_key(d, &row, action);
	}
	if (rc == DOSSIER_OK)
		rc = change(d, &row, &m, &lk, arg);
	if (rc == DOSSIER_OK) {
		/* Re-wrapping keys is not a change of the document. */
		if (strcmp(action, "rekey") != 0)
			row.modified = vault_now();
		rc = vault_save_doc(d, &row, lk, &m, type);
	}
	if (rc == DOSSIER_OK)
		vault_op_target(d, id, row.version, row.level);
	rc = vault_audit_commit(d, rc);
	/* A re-keying pass refreshes the indexes once, at its end. */
	if (rc == DOSSIER_OK && strcmp(action, "rekey") != 0)
		vault_index_refresh(d);
	if (have_meta)
		docmeta_release(&m);
	buf_release(&row.meta);
	return vault_done(d, rc);
}

static int
change_meta(struct dossier *d, struct catalog_doc *row, struct docmeta *m,
    const struct vault_lk **lk, const void *arg)
{
	const struct dossier_meta_edit *e = arg;
	int rc;

	rc = vault_apply_edit(d, e, m);
	if (rc != DOSSIER_OK || e->level == DOSSIER_LEVEL_UNSET ||
	    e->level == row->level)
		return rc;
	*lk = vault_lk_current(d, e->level);
	if (*lk == NULL)
		vault_note_denial(d, "meta", row->id, DOSSIER_PERM_EDIT);
	if (*lk == NULL)
		return err_set(&d->err, DOSSIER_EDENIED,
		    "cannot move document %lld to level %s: user '%s' is not "
		    "cleared for it", (long long)row->id,
		    dossier_level_name(e->level, 0), d->user.name);
	return reclassify(d, row->id, *lk);
}

int
dossier_meta(struct dossier *d, int64_t id, const struct dossier_meta_edit *e)
{
	int rc;

	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "meta", id);
	rc = vault_check_edit(d, e);
	if (rc == DOSSIER_OK && e != NULL)
		rc = change_doc(d, id, DOSSIER_PERM_EDIT, "meta", change_meta,
		    e);
	return vault_done(d, rc);
}

static int
change_rm(struct dossier *d, struct catalog_doc *row, struct docmeta *m,
    const struct vault_lk **lk, const void *arg)
{
	(void)lk;
	if (row->deleted)
		return err_set(&d->err, DOSSIER_ECONFLICT,
		    "document %lld is already in the trash", (long long)row->id);
	row->deleted = 1;
	row->deleted_at = vault_now();
	snprintf(row->deleted_by, sizeof(row->deleted_by), "%s", d->user.name);
	if (docmeta_set(&m->delete_reason, arg) != DOSSIER_OK)
		return err_nomem(&d->err);
	return DOSSIER_OK;
}

int
dossier_rm(struct dossier *d, int64_t id, const char *reason)
{
	int rc;

	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "rm", id);
	rc = vault_check_text(d, "reason", reason != NULL ? reason : "",
	    VAULT_NOTE_MAX, 0);
	if (rc == DOSSIER_OK)
		rc = vault_op_detail(d, "reason", reason);
	if (rc == DOSSIER_OK)
		rc = change_doc(d, id, DOSSIER_PERM_DELETE, "rm", change_rm,
		    reason);
	return vault_done(d, rc);
}

static int
change_restore(struct dossier *d, struct catalog_doc *row, struct docmeta *m,
    const struct vault_lk **lk, const void *arg)
{
	(void)lk;
	(void)arg;
	if (!row->deleted)
		return err_set(&d->err, DOSSIER_ECONFLICT,
		    "document %lld is not in the trash", (long long)row->id);
	row->deleted = 0;
	row->deleted_at = 0;
	row->deleted_by[0] = '\0';
	if (docmeta_set(&m->delete_reason, "") != DOSSIER_OK)
		return err_nomem(&d->err);
	return DOSSIER_OK;
}

int
dossier_restore(struct dossier *d, int64_t id)
{
	int rc = vault_need_unlocked(d);

	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "restore", id);
	rc = change_doc(d, id, DOSSIER_PERM_DELETE, "restore",
	    change_restore, NULL);
	return vault_done(d, rc);
}

struct objects {
	struct dossier *d;
	char (*names)[STORE_NAME_LEN + 1];
	size_t n;
};

static int
collect_object(void *ctx, const struct catalog_version *v)
{
	struct objects *o = ctx;
	char (*nn)[STORE_NAME_LEN + 1];

	nn = realloc(o->names, (o->n + 1) * sizeof(*nn));
	if (nn == NULL)
		return err_nomem(&o->d->err);
	o->names = nn;
	memcpy(nn[o->n++], v->object, STORE_NAME_LEN + 1);
	return 0;
}

/*
 * Purge commits the removal of the rows (and so of the wrapped keys)
 * first, then deletes the objects: a crash between the two leaves
 * unreferenced objects, which verify removes.
 */
int
dossier_purge(struct dossier *d, int64_t id, const char *reason)
{
	struct catalog_doc row;
	struct objects o = { d, NULL, 0 };
	struct buf sealed = BUF_INIT;
	struct err ignored;
	size_t i;
	int rc;

	memset(&row, 0, sizeof(row));
	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "purge", id);
	rc = vault_check_text(d, "reason", reason != NULL ? reason : "",
	    VAULT_NOTE_MAX, 0);
	if (rc == DOSSIER_OK)
		rc = vault_op_detail(d, "reason", reason);
	if (rc == DOSSIER_OK)
		/* The role's: no grant on a document confers it. */
		rc = vault_require(d, DOSSIER_PERM_ADMIN, "purge", 0, NULL);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	rc = catalog_begin(d->cat, &d->err);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	rc = catalog_doc_get(d->cat, id, &row, &d->err);
	if (rc == DOSSIER_OK && vault_lk(d, row.level, row.key_version) ==
	    NULL) {
		vault_note_denial(d, "purge", id, DOSSIER_PERM_READ);
		rc = err_set(&d->err, DOSSIER_ENOTFOUND, "no document %lld",
		    (long long)id);
	}
	if (rc == DOSSIER_OK)
		rc = catalog_versions_each(d->cat, id, collect_object, &o,
		    &d->err);
	if (rc == DOSSIER_OK)
		rc = vault_seal_text(d, "purge-reason", id, reason, &sealed);
	if (rc == DOSSIER_OK)
		rc = catalog_purge_record(d->cat, id, vault_now(), d->user.name,
		    &sealed, &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_doc_delete(d->cat, id, &d->err);
	if (rc == DOSSIER_OK)
		vault_op_target(d, id, row.version, row.level);
	rc = vault_audit_commit(d, rc);
	for (i = 0; rc == DOSSIER_OK && i < o.n; i++)
		store_remove(d->store, o.names[i], &ignored);
	/* Its text leaves the index now, not at the next search. */
	if (rc == DOSSIER_OK)
		vault_index_refresh(d);
	free(o.names);
	buf_release(&sealed);
	buf_release(&row.meta);
	return vault_done(d, rc);
}

static int
change_rekey(struct dossier *d, struct catalog_doc *row, struct docmeta *m,
    const struct vault_lk **lk, const void *arg)
{
	(void)m;
	(void)arg;
	/* change_doc() made sure the current key is held. */
	return reclassify(d, row->id, *lk);
}

static int
holds_current_key(struct dossier *d, int64_t id)
{
	struct catalog_doc row;
	struct err ignored;
	int held;

	memset(&row, 0, sizeof(row));
	held = catalog_doc_get(d->cat, id, &row, &ignored) == DOSSIER_OK &&
	    vault_lk_current(d, row.level) != NULL &&
	    vault_lk(d, row.level, row.key_version) != NULL;
	buf_release(&row.meta);
	return held;
}

/*
 * After a rotation, moves every document still under an older key
 * version of its level to the newest, one transaction per document, so an
 * interruption loses nothing and a rerun finishes the job.
 */
int
dossier_rekey(struct dossier *d, int64_t *count)
{
	int64_t *ids = NULL;
	size_t n = 0, i;
	int rc;

	if (count != NULL)
		*count = 0;
	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "rekey", 0);
	rc = vault_require(d, DOSSIER_PERM_ADMIN, "rekey", 0, NULL);
	if (rc == DOSSIER_OK)
		rc = catalog_docs_at_old_keys(d->cat, &ids, &n, &d->err);
	for (i = 0; rc == DOSSIER_OK && i < n; i++) {
		/* Levels above this administrator's clearance: not theirs. */
		if (!holds_current_key(d, ids[i]))
			continue;
		rc = change_doc(d, ids[i], DOSSIER_PERM_ADMIN, "rekey",
		    change_rekey, NULL);
		if (rc == DOSSIER_OK && count != NULL)
			(*count)++;
		/*
		 * Each document is its own transaction: those before stay
		 * rekeyed (this one too when only its audit checkpoint
		 * failed), and rekey run again does the rest.
		 */
		if (rc != DOSSIER_OK) {
			char why[ERR_MSG_MAX];

			snprintf(why, sizeof(why), "%s", d->err.msg);
			err_set(&d->err, rc, "rekey stopped at document %lld "
			    "(%zu of %zu; run it again): %s", (long long)ids[i],
			    i + 1, n, why);
		}
	}
	if (n > 0)
		vault_index_refresh(d);
	free(ids);
	return vault_done(d, rc);
}
