/* vault_read.c: show, list, history, get. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "vault_int.h"
#include "archive_io.h"
#include "backup.h"

void
dossier_filter_init(struct dossier_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->level = DOSSIER_LEVEL_UNSET;
}

void
vault_view_release(struct vault_view *v)
{
	docmeta_release(&v->meta);
	vermeta_release(&v->ver);
	free(v->tags);
	free(v->fields);
	v->tags = NULL;
	v->fields = NULL;
}

static int
view_version(struct dossier *d, struct vault_view *v,
    const struct catalog_version *row)
{
	int rc;

	vermeta_release(&v->ver);
	rc = vault_open_vermeta(d, row, &v->ver);
	if (rc != DOSSIER_OK)
		return rc;
	snprintf(v->added_by, sizeof(v->added_by), "%s", row->added_by);
	v->version.version = row->version;
	v->version.size = row->size;
	v->version.sha256 = v->ver.sha256;
	v->version.filename = v->ver.filename;
	v->version.type = v->ver.type;
	v->version.added = row->added;
	v->version.added_by = v->added_by;
	v->version.note = v->ver.note;
	v->version.no_text = v->ver.no_text;
	return DOSSIER_OK;
}

int
vault_view_doc(struct dossier *d, struct vault_view *v,
    const struct catalog_doc *row)
{
	struct catalog_version cur;
	struct dossier_doc *doc = &v->doc;
	size_t i;
	int rc;

	vault_view_release(v);
	memset(&cur, 0, sizeof(cur));
	rc = vault_open_docmeta(d, row, &v->meta);
	if (rc == DOSSIER_OK)
		rc = catalog_version_get(d->cat, row->id, row->version, &cur,
		    &d->err);
	if (rc == DOSSIER_ENOTFOUND)
		rc = err_set(&d->err, DOSSIER_ECORRUPT,
		    "document %lld: its current version %d is missing",
		    (long long)row->id, row->version);
	if (rc == DOSSIER_OK)
		rc = view_version(d, v, &cur);
	buf_release(&cur.meta);
	if (rc != DOSSIER_OK)
		return rc;
	v->tags = calloc(v->meta.ntags + 1, sizeof(*v->tags));
	v->fields = calloc(v->meta.nfields + 1, sizeof(*v->fields));
	if (v->tags == NULL || v->fields == NULL)
		return err_nomem(&d->err);
	for (i = 0; i < v->meta.ntags; i++)
		v->tags[i] = v->meta.tags[i];
	for (i = 0; i < v->meta.nfields; i++) {
		v->fields[i].key = v->meta.fields[i].key;
		v->fields[i].value = v->meta.fields[i].value;
	}
	snprintf(v->created_by, sizeof(v->created_by), "%s", row->created_by);
	snprintf(v->deleted_by, sizeof(v->deleted_by), "%s", row->deleted_by);
	memset(doc, 0, sizeof(*doc));
	doc->id = row->id;
	doc->title = v->meta.title;
	doc->category = v->meta.category;
	doc->number = v->meta.number;
	doc->date = v->meta.date;
	doc->level = row->level;
	doc->tags = v->tags;
	doc->ntags = v->meta.ntags;
	doc->fields = v->fields;
	doc->nfields = v->meta.nfields;
	doc->filename = v->ver.filename;
	doc->type = v->ver.type;
	doc->size = v->version.size;
	doc->version = row->version;
	doc->sha256 = v->ver.sha256;
	doc->created = row->created;
	doc->created_by = v->created_by;
	doc->modified = row->modified;
	doc->deleted = row->deleted;
	doc->deleted_at = row->deleted ? row->deleted_at : 0;
	doc->deleted_by = row->deleted ? v->deleted_by : "";
	doc->delete_reason = row->deleted ? v->meta.delete_reason : "";
	doc->restricted = vault_is_restricted(d, row->id);
	doc->no_text = v->ver.no_text;
	return DOSSIER_OK;
}

/*
 * Loads document id for reading and sets *perms to what the user may do
 * with it.  A document above the user's clearance or outside their read
 * permission is reported as not found, its existence not revealed; the
 * attempt is noted as a denial all the same.
 */
static int
read_doc(struct dossier *d, int64_t id, struct catalog_doc *row,
    unsigned *perms, const char *action)
{
	struct docmeta m;
	int rc;

	*perms = 0;
	if (id <= 0)
		return err_set(&d->err, DOSSIER_ENOTFOUND, "no document %lld",
		    (long long)id);
	rc = catalog_doc_get(d->cat, id, row, &d->err);
	if (rc != DOSSIER_OK)
		return rc;
	if (vault_lk(d, row->level, row->key_version) == NULL) {
		vault_note_denial(d, action, id, DOSSIER_PERM_READ);
		return err_set(&d->err, DOSSIER_ENOTFOUND, "no document %lld",
		    (long long)id);
	}
	rc = vault_open_docmeta(d, row, &m);
	if (rc != DOSSIER_OK)
		return rc;
	*perms = vault_perms(d, id, m.category);
	docmeta_release(&m);
	if (!(*perms & DOSSIER_PERM_READ)) {
		vault_note_denial(d, action, id, DOSSIER_PERM_READ);
		return err_set(&d->err, DOSSIER_ENOTFOUND, "no document %lld",
		    (long long)id);
	}
	return DOSSIER_OK;
}

/* Shows document id into d->view; recorded when audit is set. */
static int
show(struct dossier *d, int64_t id, const struct dossier_doc **doc,
    int audit)
{
	struct catalog_doc row;
	unsigned perms;
	int rc;

	memset(&row, 0, sizeof(row));
	*doc = NULL;
	rc = read_doc(d, id, &row, &perms, "show");
	if (rc == DOSSIER_OK)
		rc = vault_view_doc(d, &d->view, &row);
	if (rc == DOSSIER_OK && audit) {
		vault_op_target(d, id, row.version, row.level);
		rc = vault_audit_own(d, "allowed");
	}
	if (rc == DOSSIER_OK)
		*doc = &d->view.doc;
	buf_release(&row.meta);
	return rc;
}

int
dossier_show(struct dossier *d, int64_t id, const struct dossier_doc **doc)
{
	int rc;

	*doc = NULL;
	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "show", id);
	return vault_done(d, show(d, id, doc, 1));
}

int
vault_show_quiet(struct dossier *d, int64_t id, const struct dossier_doc **doc)
{
	return show(d, id, doc, 0);
}

/* Adds the keyed hashes of value under every key of the listed levels. */
static int
add_terms(struct dossier *d, int kind, const char *value, const int *levels,
    size_t nlevels, struct catalog_term **t, size_t *n)
{
	struct catalog_term *nt;
	size_t i, j;
	int rc;

	for (i = 0; i < d->nlks; i++) {
		for (j = 0; j < nlevels && levels[j] != d->lks[i].level; j++)
			;
		if (j == nlevels)
			continue;
		nt = realloc(*t, (*n + 1) * sizeof(**t));
		if (nt == NULL)
			return err_nomem(&d->err);
		*t = nt;
		rc = vault_term(&d->lks[i], kind, value, &nt[*n]);
		if (rc != DOSSIER_OK)
			return err_set(&d->err, rc, "cannot hash a filter");
		(*n)++;
	}
	return DOSSIER_OK;
}

/*
 * Drops from a listing what the user may not read, so that neither the
 * documents nor their number show.  Administrators read everything their
 * keys open, so the check is skipped for them.
 */
static int
keep_readable(struct dossier *d, struct dossier_iter *it)
{
	struct catalog_doc row;
	struct docmeta m;
	size_t i, n = 0;
	int rc = DOSSIER_OK;

	if (vault_perms(d, 0, NULL) == DOSSIER_PERM_ALL)
		return DOSSIER_OK;
	memset(&row, 0, sizeof(row));
	for (i = 0; i < it->nids; i++) {
		rc = catalog_doc_get(d->cat, it->ids[i], &row, &d->err);
		if (rc == DOSSIER_ENOTFOUND)
			continue;
		if (rc == DOSSIER_OK)
			rc = vault_open_docmeta(d, &row, &m);
		if (rc != DOSSIER_OK)
			break;
		if (vault_perms(d, row.id, m.category) & DOSSIER_PERM_READ)
			it->ids[n++] = row.id;
		docmeta_release(&m);
	}
	buf_release(&row.meta);
	it->nids = n;
	return rc;
}

int
dossier_list(struct dossier *d, const struct dossier_filter *f,
    struct dossier_iter **itp)
{
	struct dossier_filter none;
	struct catalog_query q;
	struct catalog_term *terms = NULL;
	struct dossier_iter *it = NULL;
	int levels[DOSSIER_NLEVELS];
	size_t nlevels = 0, nterms = 0;
	int rc, l;

	*itp = NULL;
	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "list", 0);
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
	/* Only levels whose key the user holds: the rest stay invisible. */
	for (l = 0; l < DOSSIER_NLEVELS; l++)
		if ((f->level == DOSSIER_LEVEL_UNSET || f->level == l) &&
		    vault_lk_current(d, l) != NULL)
			levels[nlevels++] = l;
	if (f->category != NULL)
		rc = add_terms(d, CATALOG_TERM_CATEGORY, f->category, levels,
		    nlevels, &terms, &nterms);
	if (rc == DOSSIER_OK && f->tag != NULL)
		rc = add_terms(d, CATALOG_TERM_TAG, f->tag, levels, nlevels,
		    &terms, &nterms);
	if (rc != DOSSIER_OK)
		goto out;
	it = calloc(1, sizeof(*it));
	if (it == NULL) {
		rc = err_nomem(&d->err);
		goto out;
	}
	it->d = d;
	it->limit = f->limit;
	memset(&q, 0, sizeof(q));
	q.levels = levels;
	q.nlevels = nlevels;
	q.deleted = f->deleted;
	q.since = f->since;
	q.until = f->until;
	q.terms = terms;
	q.nterms = nterms;
	rc = catalog_doc_ids(d->cat, &q, &it->ids, &it->nids, &d->err);
	if (rc == DOSSIER_OK && (f->category != NULL || f->tag != NULL) &&
	    nterms == 0)
		it->nids = 0;
	if (rc == DOSSIER_OK)
		rc = keep_readable(d, it);
	/* Recorded before the list is handed out. */
	if (rc == DOSSIER_OK)
		rc = vault_op_detail_int(d, "documents", (int64_t)it->nids);
	if (rc == DOSSIER_OK)
		rc = vault_audit_own(d, "allowed");
out:
	free(terms);
	if (rc != DOSSIER_OK) {
		dossier_iter_free(it);
		return vault_done(d, rc);
	}
	*itp = it;
	return vault_done(d, DOSSIER_OK);
}

int
dossier_history(struct dossier *d, int64_t id, struct dossier_iter **itp)
{
	struct catalog_doc row;
	struct dossier_iter *it;
	int rc;

	unsigned perms;

	*itp = NULL;
	memset(&row, 0, sizeof(row));
	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "history", id);
	rc = read_doc(d, id, &row, &perms, "history");
	if (rc == DOSSIER_OK) {
		vault_op_target(d, id, row.version, row.level);
		rc = vault_audit_own(d, "allowed");
	}
	buf_release(&row.meta);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	it = calloc(1, sizeof(*it));
	if (it == NULL)
		return vault_done(d, err_nomem(&d->err));
	it->d = d;
	it->doc = id;
	it->last = row.version;
	*itp = it;
	return vault_done(d, DOSSIER_OK);
}

int
dossier_iter_next(struct dossier_iter *it, const struct dossier_doc **doc,
    const struct dossier_version **ver)
{
	struct catalog_doc row;
	struct catalog_version v;
	struct dossier *d = it->d;
	int rc;

	memset(&row, 0, sizeof(row));
	memset(&v, 0, sizeof(v));
	if (it->doc != 0) {
		if (it->version >= it->last)
			return DOSSIER_DONE;
		it->version++;
		rc = catalog_version_get(d->cat, it->doc, it->version, &v,
		    &d->err);
		if (rc == DOSSIER_OK)
			rc = view_version(d, &it->view, &v);
		buf_release(&v.meta);
		if (rc == DOSSIER_OK && ver != NULL)
			*ver = &it->view.version;
		return rc;
	}
	for (;;) {
		if (it->pos >= it->nids ||
		    (it->limit > 0 && (int64_t)it->pos >= it->limit))
			return DOSSIER_DONE;
		rc = catalog_doc_get(d->cat, it->ids[it->pos++], &row, &d->err);
		if (rc == DOSSIER_ENOTFOUND)
			continue; /* purged since the listing began */
		if (rc == DOSSIER_OK)
			rc = vault_view_doc(d, &it->view, &row);
		buf_release(&row.meta);
		if (rc == DOSSIER_OK && doc != NULL)
			*doc = &it->view.doc;
		return rc;
	}
}

int64_t
dossier_iter_total(const struct dossier_iter *it)
{
	return it != NULL ? (int64_t)it->nids : 0;
}

void
dossier_iter_free(struct dossier_iter *it)
{
	if (it == NULL)
		return;
	vault_view_release(&it->view);
	free(it->ids);
	free(it);
}

int
vault_open_dek(struct dossier *d, const struct catalog_version *v,
    unsigned char *dek)
{
	struct keys_dek_label lb = { (uint64_t)v->doc, (uint32_t)v->version,
		v->level, v->key_version };
	const struct vault_lk *lk;
	int rc;

	rc = vault_lk_need(d, v->level, v->key_version, v->doc, &lk);
	if (rc != DOSSIER_OK)
		return rc;
	rc = keys_unwrap_dek(d->vault_id, lk->key + LK_WRAP, &lb, v->wrapped,
	    dek);
	if (rc == DOSSIER_ECORRUPT)
		return err_set(&d->err, rc,
		    "document %lld version %d: its key is damaged or was moved",
		    (long long)v->doc, v->version);
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "cannot unwrap a data key");
	return DOSSIER_OK;
}

struct fd_sink {
	struct dossier *d;
	int fd;
	const char *name;
};

static int
fd_sink(void *ctx, const void *p, size_t n)
{
	struct fd_sink *s = ctx;

	return fs_write_all(s->fd, p, n, s->name, &s->d->err);
}

/* Decrypts version (0: current) of document id into fd. */
static int
get_into(struct dossier *d, int64_t id, int version, int fd, const char *name)
{
	struct catalog_doc row;
	struct catalog_version v;
	struct fd_sink sink = { d, fd, name };
	struct store_binding b;
	struct err se;
	unsigned char *dek = NULL;
	unsigned perms;
	int rc;

	memset(&row, 0, sizeof(row));
	memset(&v, 0, sizeof(v));
	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return rc;
	vault_op(d, "get", id);
	rc = read_doc(d, id, &row, &perms, "get");
	if (rc == DOSSIER_OK && !(perms & DOSSIER_PERM_EXPORT)) {
		vault_note_denial(d, "get", id, DOSSIER_PERM_EXPORT);
		rc = err_set(&d->err, DOSSIER_EDENIED,
		    "permission denied: user '%s' lacks 'export' on document "
		    "%lld", d->user.name, (long long)id);
	}
	if (rc != DOSSIER_OK)
		goto out;
	if (version < 0 || version > row.version) {
		rc = err_set(&d->err, DOSSIER_ENOTFOUND,
		    "document %lld has no version %d (latest: %d)",
		    (long long)id, version, row.version);
		goto out;
	}
	rc = catalog_version_get(d->cat, id, version == 0 ? row.version :
	    version, &v, &d->err);
	if (rc == DOSSIER_ENOTFOUND)
		rc = err_set(&d->err, DOSSIER_ECORRUPT,
		    "document %lld: version %d is missing from the catalog",
		    (long long)id, version);
	if (rc != DOSSIER_OK)
		goto out;
	dek = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (dek == NULL) {
		rc = err_nomem(&d->err);
		goto out;
	}
	rc = vault_open_dek(d, &v, dek);
	/* Recorded before a byte is copied out. */
	if (rc == DOSSIER_OK) {
		vault_op_target(d, id, v.version, v.level);
		rc = vault_audit_own(d, "allowed");
	}
	if (rc != DOSSIER_OK)
		goto out;
	b.doc = (uint64_t)v.doc;
	b.version = (uint32_t)v.version;
	err_clear(&se);
	rc = store_read(d->store, v.object, dek, &b, v.size, fd_sink, &sink,
	    &se);
	if (rc == DOSSIER_ECORRUPT)
		rc = err_set(&d->err, rc, "document %lld version %d is damaged: "
		    "%s", (long long)v.doc, v.version, se.msg);
	else if (rc != DOSSIER_OK && se.code != DOSSIER_OK)
		rc = err_set(&d->err, rc, "%s", se.msg);
out:
	crypto_secure_free(dek, CRYPTO_KEY_LEN);
	buf_release(&row.meta);
	buf_release(&v.meta);
	return rc;
}

int
dossier_get_fd(struct dossier *d, int64_t id, int version, int fd)
{
	return vault_done(d, get_into(d, id, version, fd, "output"));
}

int
dossier_get_file(struct dossier *d, int64_t id, int version, const char *path)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) == 0)
		return err_set(&d->err, DOSSIER_ECONFLICT,
		    "'%s' exists: not overwriting it", path);
	if (snprintf(dir, sizeof(dir), "%.*s",
	    slash == NULL ? 1 : slash == path ? 1 : (int)(slash - path),
	    slash == NULL ? "." : path) >= (int)sizeof(dir))
		return err_set(&d->err, DOSSIER_EUSAGE, "path too long: '%s'",
		    path);
	rc = fs_mktemp(dir, ".dossier-get-", tmp, sizeof(tmp), &fd, &d->err);
	if (rc != DOSSIER_OK)
		return rc;
	rc = get_into(d, id, version, fd, path);
	if (rc == DOSSIER_OK && fsync(fd) != 0)
		rc = err_set(&d->err, DOSSIER_EIO, "cannot write '%s': %s",
		    path, strerror(errno));
	if (close(fd) != 0 && rc == DOSSIER_OK)
		rc = err_set(&d->err, DOSSIER_EIO, "cannot write '%s': %s",
		    path, strerror(errno));
	/* link() refuses to replace a file that appeared meanwhile. */
	if (rc == DOSSIER_OK && link(tmp, path) != 0)
		rc = err_set(&d->err, errno == EEXIST ? DOSSIER_ECONFLICT :
		    DOSSIER_EIO, "cannot create '%s': %s", path,
		    strerror(errno));
	unlink(tmp);
	if (rc == DOSSIER_OK)
		rc = fs_sync_dir(dir, &d->err);
	return vault_done(d, rc);
}

/* ---- export: documents as a plain zip or tar with a manifest ---- */

struct export_doc {
	struct catalog_version v;
	struct backup_export_item item;
	char title[VAULT_TEXT_MAX + 1];
	char member[BACKUP_NAME_MAX + 160];
};

/* Streams plaintext into the archive and hashes it. */
struct export_sink {
	struct dossier *d;
	struct archive_io_tar *t;
	struct crypto_hash *h;
};

static int
export_sink(void *ctx, const void *p, size_t n)
{
	struct export_sink *s = ctx;
	int rc = crypto_hash_update(s->h, p, n);

	return rc == DOSSIER_OK ? archive_io_tar_write(s->t, p, n,
	    &s->d->err) : rc;
}

/* A member name from id and the file name: one flat, printable part. */
static void
export_name(int64_t id, const char *fname, char *out, size_t outsz)
{
	char *p;

	snprintf(out, outsz, "%lld-%s", (long long)id,
	    fname != NULL && fname[0] != '\0' ? fname : "document");
	for (p = out; *p != '\0'; p++)
		if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20)
			*p = '_';
}

/* Checks and describes document id for export (pass 1). */
static int
export_check(struct dossier *d, int64_t id, struct export_doc *x)
{
	struct catalog_doc row;
	struct docmeta m;
	struct vermeta vm;
	unsigned perms;
	int rc;

	memset(&row, 0, sizeof(row));
	rc = read_doc(d, id, &row, &perms, "export");
	if (rc == DOSSIER_OK && !(perms & DOSSIER_PERM_EXPORT)) {
		vault_note_denial(d, "export", id, DOSSIER_PERM_EXPORT);
		rc = err_set(&d->err, DOSSIER_EDENIED, "permission denied: "
		    "user '%s' lacks 'export' on document %lld", d->user.name,
		    (long long)id);
	}
	if (rc == DOSSIER_OK && row.deleted)
		rc = err_set(&d->err, DOSSIER_ENOTFOUND, "document %lld is in "
		    "the trash: restore it to export it", (long long)id);
	if (rc == DOSSIER_OK)
		rc = catalog_version_get(d->cat, id, row.version, &x->v,
		    &d->err);
	if (rc == DOSSIER_OK && vault_open_docmeta(d, &row, &m) ==
	    DOSSIER_OK) {
		snprintf(x->title, sizeof(x->title), "%s", m.title);
		docmeta_release(&m);
	} else if (rc == DOSSIER_OK) {
		rc = DOSSIER_ECORRUPT;
	}
	if (rc == DOSSIER_OK)
		rc = vault_open_vermeta(d, &x->v, &vm);
	if (rc == DOSSIER_OK) {
		export_name(id, vm.filename, x->member, sizeof(x->member));
		snprintf(x->item.sha256, sizeof(x->item.sha256), "%s",
		    vm.sha256);
		vermeta_release(&vm);
		x->item.id = id;
		x->item.version = x->v.version;
		x->item.title = x->title;
		x->item.level = dossier_level_name(x->v.level, 0);
		x->item.file = x->member;
		x->item.size = x->v.size;
	}
	buf_release(&row.meta);
	return rc;
}

/* One document's bytes into the archive (pass 2). */
static int
export_put(struct dossier *d, struct archive_io_tar *t, struct export_doc *x)
{
	struct export_sink s = { d, t, NULL };
	struct store_binding b = { (uint64_t)x->v.doc, (uint32_t)x->v.version };
	unsigned char *dek, sha[CRYPTO_HASH_LEN];
	char hex[2 * CRYPTO_HASH_LEN + 1];
	struct err se;
	int rc;

	dek = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (dek == NULL)
		return err_nomem(&d->err);
	rc = vault_open_dek(d, &x->v, dek);
	if (rc == DOSSIER_OK)
		rc = crypto_hash_new(&s.h, NULL, 0);
	if (rc == DOSSIER_OK)
		rc = archive_io_tar_begin(t, x->member, x->v.size, x->v.added,
		    &d->err);
	err_clear(&se);
	if (rc == DOSSIER_OK) {
		rc = store_read(d->store, x->v.object, dek, &b, x->v.size,
		    export_sink, &s, &se);
		if (rc == DOSSIER_ECORRUPT)
			rc = err_set(&d->err, rc, "document %lld is damaged: %s",
			    (long long)x->v.doc, se.msg);
		else if (rc != DOSSIER_OK && se.code != DOSSIER_OK)
			rc = err_set(&d->err, rc, "%s", se.msg);
	}
	if (rc == DOSSIER_OK)
		rc = crypto_hash_final(s.h, sha);
	if (rc == DOSSIER_OK) {
		hex_encode(sha, sizeof(sha), hex);
		if (strcmp(hex, x->item.sha256) != 0)
			rc = err_set(&d->err, DOSSIER_ECORRUPT, "document %lld: "
			    "content does not match the SHA-256 recorded at "
			    "filing", (long long)x->v.doc);
	}
	crypto_hash_free(s.h);
	crypto_secure_free(dek, CRYPTO_KEY_LEN);
	return rc;
}

int
dossier_export(struct dossier *d, const char *file, const int64_t *ids,
    size_t n, int zip)
{
	struct export_doc *xs = NULL;
	struct backup_export_item *items = NULL;
	struct archive_io_tar *t = NULL;
	struct buf list = BUF_INIT, man = BUF_INIT;
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *slash;
	struct stat st;
	size_t i;
	int rc, fd = -1;

	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "export", 0);
	rc = vault_op_detail(d, "file", file);
	if (rc == DOSSIER_OK && n == 0)
		rc = err_set(&d->err, DOSSIER_EUSAGE, "no document to export");
	if (rc == DOSSIER_OK && lstat(file, &st) == 0)
		rc = err_set(&d->err, DOSSIER_ECONFLICT, "'%s' exists: not "
		    "overwriting it", file);
	xs = calloc(n + 1, sizeof(*xs));
	items = calloc(n + 1, sizeof(*items));
	if (rc == DOSSIER_OK && (xs == NULL || items == NULL))
		rc = err_nomem(&d->err);
	/* Every document checked before anything is written. */
	for (i = 0; rc == DOSSIER_OK && i < n; i++) {
		rc = export_check(d, ids[i], &xs[i]);
		items[i] = xs[i].item;
		if (rc == DOSSIER_OK && buf_printf(&list, "%s%lld", i > 0 ?
		    "," : "", (long long)ids[i]) != 0)
			rc = err_nomem(&d->err);
	}
	/* Recorded, with every document, before a byte is written. */
	if (rc == DOSSIER_OK)
		rc = vault_op_detail(d, "documents", buf_str(&list));
	if (rc == DOSSIER_OK)
		rc = vault_audit_own(d, "allowed");
	slash = strrchr(file, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash == NULL ? 1 : slash == file ?
	    1 : (int)(slash - file), slash == NULL ? "." : file);
	if (rc == DOSSIER_OK)
		rc = fs_mktemp(dir, ".dossier-export-", tmp, sizeof(tmp), &fd,
		    &d->err);
	if (rc == DOSSIER_OK)
		rc = archive_io_writer_create(fd, file, zip, &t, &d->err);
	if (rc == DOSSIER_OK && backup_export_manifest(d->user.name,
	    vault_now(), items, n, &man) != 0)
		rc = err_nomem(&d->err);
	if (rc == DOSSIER_OK)
		rc = archive_io_tar_begin(t, "manifest.json", man.len,
		    vault_now(), &d->err);
	if (rc == DOSSIER_OK)
		rc = archive_io_tar_write(t, man.data, man.len, &d->err);
	for (i = 0; rc == DOSSIER_OK && i < n; i++)
		rc = export_put(d, t, &xs[i]);
	if (t != NULL)
		rc = rc == DOSSIER_OK ? archive_io_tar_close(t, &d->err) :
		    (archive_io_tar_close(t, NULL), rc);
	if (fd >= 0) {
		if (rc == DOSSIER_OK && fsync(fd) != 0)
			rc = err_set(&d->err, DOSSIER_EIO, "cannot write '%s': "
			    "%s", file, strerror(errno));
		close(fd);
		if (rc == DOSSIER_OK && link(tmp, file) != 0)
			rc = err_set(&d->err, errno == EEXIST ?
			    DOSSIER_ECONFLICT : DOSSIER_EIO, "cannot create "
			    "'%s': %s", file, strerror(errno));
		unlink(tmp);
		if (rc == DOSSIER_OK)
			rc = fs_sync_dir(dir, &d->err);
	}
	for (i = 0; xs != NULL && i < n; i++)
		buf_release(&xs[i].v.meta);
	free(xs);
	free(items);
	buf_release(&list);
	buf_release(&man);
	return vault_done(d, rc);
}
