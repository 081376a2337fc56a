/*
 * vault_doc.c: operations that store content: add and update.  An update
 * runs in one catalog transaction, a filing in batches of files (one
 * savepoint each); content objects are made durable before the
 * transaction that names them commits, and indexed after it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <uniconv.h>
#include <unistr.h>

#include "extract/extract.h"
#include "fsutil.h"
#include "vault_int.h"

#define READ_CHUNK (64 * 1024)


void
dossier_meta_edit_init(struct dossier_meta_edit *e)
{
	memset(e, 0, sizeof(*e));
	e->level = DOSSIER_LEVEL_UNSET;
}

const char *
vault_base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/*
 * A file's name as it is recorded (title, file name), in UTF-8.  A name
 * that is not UTF-8 most often comes from Chinese Windows (GBK): it is
 * read as GB18030, which covers GBK; failing that, each byte that begins
 * no character becomes U+FFFD and the rest is kept.
 */
static void
name_utf8(const char *raw, char *out, size_t outsz)
{
	struct buf b = BUF_INIT;
	size_t n = strlen(raw), len = 0;
	uint8_t *conv;

	if (u8_check((const uint8_t *)raw, n) == NULL) {
		snprintf(out, outsz, "%s", raw);
		return;
	}
	conv = u8_conv_from_encoding("GB18030", iconveh_error, raw, n, NULL,
	    NULL, &len);
	if (conv != NULL && len < outsz && memchr(conv, 0, len) == NULL) {
		memcpy(out, conv, len);
		out[len] = '\0';
	} else if (buf_put_utf8(&b, raw, n) == 0) {
		/* Cut, if need be, before a continuation byte. */
		len = b.len < outsz ? b.len : outsz - 1;
		while (len > 0 && len < b.len && (b.data[len] & 0xc0) == 0x80)
			len--;
		memcpy(out, b.data, len);
		out[len] = '\0';
	} else {
		snprintf(out, outsz, "?");
	}
	free(conv);
	buf_release(&b);
}

/*
 * "file name 'NAME'" for messages about a file's name, its control
 * characters written as \n, \t or \xNN so that the message stays one
 * line.
 */
static void
name_what(const char *name, char *out, size_t outsz)
{
	size_t len;
	const unsigned char *p;

	len = (size_t)snprintf(out, outsz, "file name '");
	for (p = (const unsigned char *)name; *p != '\0' && len + 8 < outsz;
	    p++) {
		if (*p == '\n')
			len += (size_t)snprintf(out + len, outsz - len, "\\n");
		else if (*p == '\t')
			len += (size_t)snprintf(out + len, outsz - len, "\\t");
		else if (*p < ' ' || *p == 0x7f)
			len += (size_t)snprintf(out + len, outsz - len,
			    "\\x%02x", *p);
		else
			out[len++] = (char)*p;
	}
	snprintf(out + len, outsz - len, "'");
}

/* Lower-case extension of a file name, at most 15 bytes, "" if none. */
static void
file_type(const char *name, char *out, size_t outsz)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	out[0] = '\0';
	if (dot == NULL || dot == name || dot[1] == '\0' ||
	    strlen(dot + 1) >= outsz)
		return;
	for (i = 0; dot[1 + i] != '\0'; i++) {
		unsigned char c = (unsigned char)dot[1 + i];

		out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[i] = '\0';
}

/* Checks an edit before anything is touched. */
int
vault_check_edit(struct dossier *d, const struct dossier_meta_edit *e)
{
	size_t i;
	int rc = DOSSIER_OK;

	if (e == NULL)
		return DOSSIER_OK;
	if (e->title != NULL)
		rc = vault_check_text(d, "title", e->title, VAULT_TEXT_MAX, 0);
	if (rc == DOSSIER_OK && e->category != NULL)
		rc = vault_check_text(d, "category", e->category,
		    VAULT_TEXT_MAX, 1);
	if (rc == DOSSIER_OK && e->number != NULL)
		rc = vault_check_text(d, "number", e->number, VAULT_TEXT_MAX,
		    1);
	if (rc == DOSSIER_OK && e->date != NULL && e->date[0] != '\0')
		rc = vault_check_date(d, e->date);
	if (rc == DOSSIER_OK && e->level != DOSSIER_LEVEL_UNSET &&
	    (e->level < 0 || e->level >= DOSSIER_NLEVELS))
		rc = err_set(&d->err, DOSSIER_EUSAGE, "invalid level %d",
		    e->level);
	if (rc == DOSSIER_OK && e->ntags_add > VAULT_TAGS_MAX)
		rc = err_set(&d->err, DOSSIER_EUSAGE, "more than %d tags",
		    VAULT_TAGS_MAX);
	for (i = 0; rc == DOSSIER_OK && i < e->ntags_add; i++)
		rc = vault_check_text(d, "tag", e->tags_add[i], VAULT_TEXT_MAX,
		    0);
	if (rc == DOSSIER_OK && e->nfields > VAULT_FIELDS_MAX)
		rc = err_set(&d->err, DOSSIER_EUSAGE, "more than %d fields",
		    VAULT_FIELDS_MAX);
	for (i = 0; rc == DOSSIER_OK && i < e->nfields; i++) {
		rc = vault_check_text(d, "field name", e->fields[i].key,
		    VAULT_KEY_MAX, 0);
		if (rc == DOSSIER_OK && strchr(e->fields[i].key, '=') != NULL)
			rc = err_set(&d->err, DOSSIER_EUSAGE,
			    "field name '%s' contains '='", e->fields[i].key);
		if (rc == DOSSIER_OK)
			rc = vault_check_text(d, "field value",
			    e->fields[i].value, VAULT_TEXT_MAX, 1);
	}
	return rc;
}

/* Applies the text parts of an edit to m. */
int
vault_apply_edit(struct dossier *d, const struct dossier_meta_edit *e,
    struct docmeta *m)
{
	size_t i;
	int rc = DOSSIER_OK;

	if (e == NULL)
		return DOSSIER_OK;
	if (e->title != NULL)
		rc = docmeta_set(&m->title, e->title);
	if (rc == DOSSIER_OK && e->category != NULL)
		rc = docmeta_set(&m->category, e->category);
	if (rc == DOSSIER_OK && e->number != NULL)
		rc = docmeta_set(&m->number, e->number);
	if (rc == DOSSIER_OK && e->date != NULL)
		rc = docmeta_set(&m->date, e->date);
	for (i = 0; rc == DOSSIER_OK && i < e->ntags_remove; i++)
		docmeta_tag_remove(m, e->tags_remove[i]);
	for (i = 0; rc == DOSSIER_OK && i < e->ntags_add; i++)
		rc = docmeta_tag_add(m, e->tags_add[i]);
	for (i = 0; rc == DOSSIER_OK && i < e->nunset_fields; i++)
		docmeta_field_unset(m, e->unset_fields[i]);
	for (i = 0; rc == DOSSIER_OK && i < e->nfields; i++)
		rc = docmeta_field_set(m, e->fields[i].key, e->fields[i].value);
	if (rc == DOSSIER_OK && m->ntags > VAULT_TAGS_MAX)
		rc = err_set(&d->err, DOSSIER_EUSAGE, "more than %d tags",
		    VAULT_TAGS_MAX);
	if (rc == DOSSIER_OK && m->nfields > VAULT_FIELDS_MAX)
		rc = err_set(&d->err, DOSSIER_EUSAGE, "more than %d fields",
		    VAULT_FIELDS_MAX);
	if (rc == DOSSIER_ENOMEM)
		rc = err_nomem(&d->err);
	return rc;
}

/* The filter date column: the document's date, else the filing day. */
void
vault_filter_date(const struct docmeta *m, int64_t created, char out[11])
{
	time_t t = (time_t)created;
	struct tm tm;

	if (m->date[0] != '\0') {
		snprintf(out, 11, "%s", m->date);
		return;
	}
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(out, 11, "1970-01-01");
}

/* What streaming a file into a new object produced. */
struct stored {
	char object[STORE_NAME_LEN + 1];
	uint64_t size;
	unsigned char sha256[CRYPTO_HASH_LEN];
	unsigned char mac[CRYPTO_HASH_LEN];
	unsigned char wrapped[KEYS_WRAPPED_LEN];
};

/*
 * Streams the open file fd into a new object for (doc, version) under lk,
 * hashing the plaintext as it goes.  On success the object is durable
 * under s->object; dup_check decides before that whether to keep it.
 */
typedef int (*dup_check_fn)(struct dossier *d, const struct stored *s,
    void *ctx);

static int
store_file(struct dossier *d, int fd, const char *path,
    const struct vault_lk *lk, int64_t doc, int version, dup_check_fn check,
    void *ctx, struct stored *s)
{
	struct store_binding b = { (uint64_t)doc, (uint32_t)version };
	struct keys_dek_label lb = { (uint64_t)doc, (uint32_t)version,
		lk->level, lk->version };
	struct store_writer *w = NULL;
	struct crypto_hash *sha = NULL, *mac = NULL;
	unsigned char *dek = NULL, *chunk = NULL;
	size_t got;
	int rc;

	memset(s, 0, sizeof(*s));
	dek = crypto_secure_alloc(CRYPTO_KEY_LEN);
	chunk = malloc(READ_CHUNK);
	if (dek == NULL || chunk == NULL) {
		rc = err_nomem(&d->err);
		goto out;
	}
	rc = crypto_random(dek, CRYPTO_KEY_LEN);
	if (rc == DOSSIER_OK)
		rc = crypto_hash_new(&sha, NULL, 0);
	if (rc == DOSSIER_OK)
		rc = crypto_hash_new(&mac, lk->key + LK_DEDUP, CRYPTO_KEY_LEN);
	if (rc == DOSSIER_OK)
		rc = keys_wrap_dek(d->vault_id, lk->key + LK_WRAP, &lb, dek,
		    s->wrapped);
	if (rc != DOSSIER_OK) {
		err_set(&d->err, rc, "cannot set up encryption");
		goto out;
	}
	rc = store_write_begin(d->store, dek, &b, &w, &d->err);
	if (rc != DOSSIER_OK)
		goto out;
	do {
		rc = fs_read_full(fd, chunk, READ_CHUNK, &got, path, &d->err);
		if (rc != DOSSIER_OK)
			goto out;
		if (crypto_hash_update(sha, chunk, got) != DOSSIER_OK ||
		    crypto_hash_update(mac, chunk, got) != DOSSIER_OK) {
			rc = err_set(&d->err, DOSSIER_EINTERNAL,
			    "cannot hash '%s'", path);
			goto out;
		}
		rc = store_write(w, chunk, got, &d->err);
		if (rc != DOSSIER_OK)
			goto out;
		s->size += got;
	} while (got == READ_CHUNK);
	if (crypto_hash_final(sha, s->sha256) != DOSSIER_OK ||
	    crypto_hash_final(mac, s->mac) != DOSSIER_OK) {
		rc = err_set(&d->err, DOSSIER_EINTERNAL, "cannot hash '%s'",
		    path);
		goto out;
	}
	if (check != NULL) {
		rc = check(d, s, ctx);
		if (rc != DOSSIER_OK)
			goto out;
	}
	rc = store_write_finish(w, s->object, NULL, &d->err);
	w = NULL;
out:
	store_write_abort(w);
	crypto_hash_free(sha);
	crypto_hash_free(mac);
	crypto_secure_free(dek, CRYPTO_KEY_LEN);
	if (chunk != NULL) {
		mem_wipe(chunk, READ_CHUNK);
		free(chunk);
	}
	return rc;
}

/*
 * What the file is, sniffed from its bytes, its text (into text, for the
 * index) and why no text could be extracted from it ("" when some was).
 * The file is filed either way.
 */
static int
sniff_text(struct dossier *d, int fd, const char *path, const char *fname,
    char *type, size_t typesz, char *no_text, size_t ntsz, struct buf *text)
{
	struct extract_result r;
	struct stat st;
	struct err e;
	int rc = DOSSIER_OK;

	no_text[0] = '\0';
	if (fstat(fd, &st) == 0 && (uint64_t)st.st_size > EXTRACT_MAX_INPUT) {
		snprintf(no_text, ntsz, "too large to extract text (over %u "
		    "MiB)", EXTRACT_MAX_INPUT / (1024 * 1024));
		return DOSSIER_OK;
	}
	extract_result_init(&r);
	err_clear(&e);
	if (path == NULL) {
		/* No file name to open (an archive member): from fd. */
		unsigned char *in;
		size_t got = 0, n;
		ssize_t k;

		if (fstat(fd, &st) != 0)
			return err_set(&d->err, DOSSIER_EIO, "cannot read '%s': "
			    "%s", fname, strerror(errno));
		n = (size_t)st.st_size;
		in = malloc(n + 1);
		if (in == NULL)
			return err_nomem(&d->err);
		while (got < n) {
			k = pread(fd, in + got, n - got, (off_t)got);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			got += (size_t)k;
		}
		if (got != n)
			rc = err_set(&d->err, DOSSIER_EIO, "cannot read '%s'",
			    fname);
		else if (extract_mem(in, n, fname, NULL, &r, &e) != DOSSIER_OK)
			snprintf(no_text, ntsz, "%s", e.msg[0] != '\0' ?
			    e.msg : "text extraction failed");
		mem_wipe(in, n);
		free(in);
		if (rc != DOSSIER_OK) {
			extract_result_release(&r);
			return rc;
		}
	} else if (extract_file(path, fname, NULL, &r, &e) != DOSSIER_OK)
		snprintf(no_text, ntsz, "%s", e.msg[0] != '\0' ? e.msg :
		    "text extraction failed");
	else if (r.no_text_reason != NULL)
		snprintf(no_text, ntsz, "%s", r.no_text_reason);
	if (r.type != NULL)
		snprintf(type, typesz, "%s", r.type);
	if (r.text.len > 0 && buf_append(text, r.text.data, r.text.len) != 0)
		rc = err_nomem(&d->err);
	if (r.text.data != NULL)
		mem_wipe(r.text.data, r.text.len);
	extract_result_release(&r);
	return rc;
}

/* Inserts the version row for a stored object. */
static int
insert_version(struct dossier *d, const struct vault_lk *lk, int64_t doc,
    int version, const struct stored *s, const char *filename,
    const char *type, const char *note, const char *no_text)
{
	struct catalog_version v;
	struct vermeta vm;
	char hex[2 * CRYPTO_HASH_LEN + 1];
	int rc;

	memset(&v, 0, sizeof(v));
	rc = vermeta_init(&vm);
	if (rc != DOSSIER_OK)
		return err_nomem(&d->err);
	hex_encode(s->sha256, sizeof(s->sha256), hex);
	if (docmeta_set(&vm.filename, filename) != 0 ||
	    docmeta_set(&vm.type, type) != 0 ||
	    docmeta_set(&vm.sha256, hex) != 0 ||
	    docmeta_set(&vm.note, note != NULL ? note : "") != 0 ||
	    docmeta_set(&vm.no_text, no_text) != 0) {
		rc = err_nomem(&d->err);
		goto out;
	}
	v.doc = doc;
	v.version = version;
	memcpy(v.object, s->object, sizeof(v.object));
	v.size = s->size;
	v.level = lk->level;
	v.key_version = lk->version;
	memcpy(v.wrapped, s->wrapped, sizeof(v.wrapped));
	memcpy(v.content_mac, s->mac, sizeof(v.content_mac));
	v.added = vault_now();
	snprintf(v.added_by, sizeof(v.added_by), "%s", d->user.name);
	rc = vault_seal_vermeta(d, lk, doc, version, &vm, &v.meta);
	if (rc == DOSSIER_OK)
		rc = catalog_version_insert(d->cat, &v, &d->err);
out:
	vermeta_release(&vm);
	buf_release(&v.meta);
	return rc;
}

/* Opens a file to file: a regular file, readable. */
static int
open_input(struct dossier *d, const char *path, int *fd, int recursive_hint)
{
	struct stat st;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (*fd < 0)
		return err_set(&d->err, errno == ENOENT ? DOSSIER_ENOTFOUND :
		    DOSSIER_EIO, "cannot read '%s': %s", path, strerror(errno));
	if (fstat(*fd, &st) != 0) {
		close(*fd);
		*fd = -1;
		return err_set(&d->err, DOSSIER_EIO, "cannot read '%s': %s",
		    path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode) ||
	    fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) & ~O_NONBLOCK) != 0) {
		close(*fd);
		*fd = -1;
		if (S_ISDIR(st.st_mode))
			return err_set(&d->err, DOSSIER_EUSAGE,
			    "'%s' is a directory%s", path, recursive_hint ?
			    " (use -r to file its contents)" : "");
		return err_set(&d->err, DOSSIER_EBADINPUT,
		    "cannot file '%s': not a regular file", path);
	}
	return DOSSIER_OK;
}

struct add_dup {
	const char *path;
	unsigned flags;
	const struct vault_lk *lk;
	int64_t dup_doc;
	int dup_version;
};

static int
add_dup_check(struct dossier *d, const struct stored *s, void *ctx)
{
	struct add_dup *a = ctx;
	struct err ignored;
	int rc;

	rc = catalog_find_content(d->cat, a->lk->level, a->lk->version, s->mac,
	    &a->dup_doc, &a->dup_version, &ignored);
	if (rc == DOSSIER_ENOTFOUND) {
		a->dup_doc = 0;
		return DOSSIER_OK;
	}
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "%s", ignored.msg);
	if (a->flags & DOSSIER_ADD_ALLOW_DUPLICATE)
		return DOSSIER_OK;
	return err_set(&d->err, DOSSIER_ECONFLICT,
	    "'%s' is a duplicate of document %lld (version %d): use "
	    "--allow-duplicate to file it again", a->path,
	    (long long)a->dup_doc, a->dup_version);
}

/*
 * Filing commits in batches: one catalog transaction (and one index
 * transaction after it) per ADD_BATCH_FILES files or ADD_BATCH_TEXT bytes
 * of extracted text, whichever comes first.  Each file is a savepoint, so
 * one that fails leaves the others; reports are held until their batch
 * commits, so nothing is announced as filed that a crash could lose.
 */
#define ADD_BATCH_FILES 256
#define ADD_BATCH_TEXT (32u * 1024 * 1024)

/*
 * Files one regular file as a new document in the batch's transaction:
 * the file at path, or (infd >= 0) the open descriptor infd (taken over),
 * whose name for the document is fname (else path's last part).
 */
static int
add_file(struct add_batch *ab, const char *path, int infd, const char *fname,
    const struct dossier_meta_edit *e, unsigned flags, struct dossier_added *r,
    char *object)
{
	struct dossier *d = ab->d;
	struct catalog_doc row;
	struct docmeta m;
	struct stored s;
	struct add_dup dup = { path, flags, NULL, 0, 0 };
	struct buf text = BUF_INIT;
	char type[16], title[1024], uname[1024], no_text[ERR_MSG_MAX];
	char what[256];
	int fd = infd, rc, level, in_sp = 0, stored = 0;

	name_utf8(fname != NULL ? fname : vault_base_name(path), uname,
	    sizeof(uname));
	fname = uname;

	memset(&row, 0, sizeof(row));
	rc = docmeta_init(&m);
	if (rc != DOSSIER_OK)
		return err_nomem(&d->err);
	level = e != NULL && e->level != DOSSIER_LEVEL_UNSET ? e->level :
	    DOSSIER_LEVEL_INTERNAL;
	dup.lk = vault_lk_current(d, level);
	if (dup.lk == NULL) {
		vault_note_denial(d, "add", 0, DOSSIER_PERM_FILE);
		rc = err_set(&d->err, DOSSIER_EDENIED,
		    "cannot file at level %s: user '%s' is not cleared for it",
		    dossier_level_name(level, 0), d->user.name);
		goto out;
	}
	if (fd < 0) {
		rc = open_input(d, path, &fd, 1);
		if (rc != DOSSIER_OK)
			goto out;
	}
	file_type(fname, type, sizeof(type));
	snprintf(title, sizeof(title), "%.*s",
	    (int)(type[0] != '\0' ? strlen(fname) - strlen(type) - 1 :
	    strlen(fname)), fname);
	rc = docmeta_set(&m.title, title);
	if (rc == DOSSIER_OK)
		rc = vault_apply_edit(d, e, &m);
	if (rc == DOSSIER_OK) {
		name_what(fname, what, sizeof(what));
		rc = vault_check_text(d, what, fname, VAULT_TEXT_MAX, 0);
	}
	if (rc != DOSSIER_OK)
		goto out;
	if (!ab->locked) {
		rc = vault_lock_shared(d);
		if (rc != DOSSIER_OK)
			goto out;
		ab->locked = 1;
	}
	if (!ab->in_tx) {
		rc = catalog_begin(d->cat, &d->err);
		if (rc != DOSSIER_OK)
			goto out;
		ab->in_tx = 1;
		store_defer_dir_sync(d->store, 1);
	}
	rc = catalog_savepoint(d->cat, &d->err);
	if (rc != DOSSIER_OK)
		goto out;
	in_sp = 1;
	row.created = row.modified = vault_now();
	row.version = 1;
	row.level = level;
	row.key_version = dup.lk->version;
	snprintf(row.created_by, sizeof(row.created_by), "%s", d->user.name);
	vault_filter_date(&m, row.created, row.date);
	rc = catalog_doc_insert(d->cat, &row, &d->err);
	if (rc == DOSSIER_OK)
		rc = store_file(d, fd, path, dup.lk, row.id, 1, add_dup_check,
		    &dup, &s);
	/* Reported on refusal too, so the caller can name the original. */
	r->duplicate_of = dup.dup_doc;
	r->duplicate_version = dup.dup_version;
	if (rc != DOSSIER_OK)
		goto out;
	stored = 1;
	rc = sniff_text(d, fd, infd >= 0 ? NULL : path, fname, type,
	    sizeof(type), no_text,
	    sizeof(no_text), &text);
	if (rc == DOSSIER_OK)
		rc = insert_version(d, dup.lk, row.id, 1, &s, fname, type, NULL,
		    no_text);
	if (rc == DOSSIER_OK)
		rc = vault_save_doc(d, &row, dup.lk, &m, type);
	if (rc == DOSSIER_OK)
		rc = vault_index_keep(d, row.id, 1, &text);
	/* One record per document filed, in its batch's transaction. */
	if (rc == DOSSIER_OK) {
		buf_reset(&d->audit.detail);
		vault_op_target(d, row.id, 1, level);
		rc = vault_op_detail(d, "file", fname);
	}
	if (rc == DOSSIER_OK)
		rc = vault_audit_append(d, "allowed");
	if (rc == DOSSIER_OK)
		rc = catalog_release(d->cat, &d->err);
	/* Kept only once released; any failure before undoes the file. */
	if (rc == DOSSIER_OK)
		in_sp = 0;
	if (rc == DOSSIER_OK) {
		r->id = row.id;
		memcpy(object, s.object, sizeof(s.object));
		ab->text += text.len;
	}
out:
	if (in_sp)
		catalog_rollback_to(d->cat);
	if (rc != DOSSIER_OK && stored) {
		struct err ignored;

		store_remove(d->store, s.object, &ignored);
	}
	if (fd >= 0)
		close(fd);
	if (text.data != NULL)
		mem_wipe(text.data, text.len);
	buf_release(&text);
	docmeta_release(&m);
	buf_release(&row.meta);
	return rc;
}

static void
report(struct dossier *d, const char *path, int rc, const char *errmsg,
    const struct dossier_added *ok, dossier_added_fn cb, void *ctx)
{
	struct dossier_added r;
	const struct dossier_doc *doc = NULL;

	if (cb == NULL)
		return;
	memset(&r, 0, sizeof(r));
	if (ok != NULL)
		r = *ok;
	r.path = path;
	r.rc = rc;
	if (rc != DOSSIER_OK)
		r.errmsg = errmsg;
	else if (vault_show_quiet(d, r.id, &doc) == DOSSIER_OK)
		r.doc = doc;
	cb(ctx, &r);
}

/*
 * Commits the batch, indexes it, and reports each of its files.  A failed
 * commit fails every file of the batch that was waiting for it.
 */
int
vault_add_flush(struct add_batch *ab)
{
	struct dossier *d = ab->d;
	struct add_report *p;
	struct err ignored;
	char *msg = NULL;
	size_t i;
	int rc = DOSSIER_OK;

	if (ab->in_tx) {
		/* The objects' names durable before the rows naming them. */
		rc = store_sync_dirs(d->store, &d->err);
		/* The batch's last record signed: the chain covers the rest. */
		if (rc == DOSSIER_OK)
			rc = vault_audit_sign_tail(d);
		if (rc == DOSSIER_OK)
			rc = catalog_commit(d->cat, &d->err);
		else
			catalog_rollback(d->cat);
		d->audit.tail = 0;
		ab->in_tx = 0;
		if (rc != DOSSIER_OK) {
			msg = strdup(dossier_errmsg(d));
			/* Its records went with it: add's own says it failed. */
			d->audit.written = 0;
		}
	}
	store_defer_dir_sync(d->store, 0);
	if (ab->locked) {
		vault_unlock_files(d);
		ab->locked = 0;
	}
	if (rc == DOSSIER_OK)
		vault_index_refresh(d);
	for (i = 0; i < ab->n; i++) {
		p = &ab->v[i];
		if (rc != DOSSIER_OK && p->rc == DOSSIER_OK) {
			store_remove(d->store, p->object, &ignored);
			p->rc = rc;
			p->r.id = 0;
			p->errmsg = strdup(msg != NULL ? msg : "commit failed");
		}
		if (p->rc != DOSSIER_OK && ab->first == DOSSIER_OK)
			ab->first = p->rc;
		if (p->rc != DOSSIER_OK && ab->first_other == DOSSIER_OK &&
		    !(p->rc == DOSSIER_ECONFLICT && p->r.duplicate_of != 0))
			ab->first_other = p->rc;
		report(d, p->path, p->rc, p->errmsg != NULL ? p->errmsg :
		    dossier_strerror(p->rc), &p->r, ab->cb, ab->ctx);
		free(p->path);
		free(p->errmsg);
	}
	free(msg);
	ab->n = 0;
	ab->text = 0;
	return rc;
}

/*
 * Records a file that could not be filed (refused or failed) in the
 * batch's transaction; if even that cannot be done, the operation's own
 * record says it failed.
 */
static void
add_failed_record(struct add_batch *ab, const char *path, const char *msg)
{
	struct dossier *d = ab->d;
	const char *outcome = d->denial.pending ? "denied" : "failed";

	if (!ab->in_tx) {
		if (!ab->locked && vault_lock_shared(d) == DOSSIER_OK)
			ab->locked = 1;
		if (!ab->locked || catalog_begin(d->cat, &d->err) != DOSSIER_OK)
			return;
		ab->in_tx = 1;
		store_defer_dir_sync(d->store, 1);
	}
	buf_reset(&d->audit.detail);
	vault_op_target(d, 0, 0, -1);
	if (vault_op_detail(d, "file", path) != DOSSIER_OK ||
	    vault_op_detail(d, "error", msg != NULL ? msg : "") != DOSSIER_OK)
		return;
	if (d->denial.pending)
		vault_op_detail(d, "permission",
		    dossier_perm_name(d->denial.perm));
	if (vault_audit_append(d, outcome) == DOSSIER_OK)
		d->denial.pending = 0;
}

/*
 * Files path (or the open fd, named fname) and holds its report for the
 * batch's commit.
 */
int
vault_add_one(struct add_batch *ab, const char *path, int fd, const char *fname,
    const struct dossier_meta_edit *e, unsigned flags)
{
	struct add_report *p, *nv;
	int rc;

	if (ab->n == ab->cap) {
		ab->cap = ab->cap ? 2 * ab->cap : 64;
		nv = realloc(ab->v, ab->cap * sizeof(*nv));
		if (nv == NULL)
			return err_nomem(&ab->d->err);
		ab->v = nv;
	}
	p = &ab->v[ab->n];
	memset(p, 0, sizeof(*p));
	p->path = strdup(path);
	if (p->path == NULL) {
		if (fd >= 0)
			close(fd);
		return err_nomem(&ab->d->err);
	}
	ab->n++;
	rc = add_file(ab, path, fd, fname, e, flags, &p->r, p->object);
	p->rc = rc;
	if (rc != DOSSIER_OK) {
		p->errmsg = strdup(dossier_errmsg(ab->d));
		add_failed_record(ab, path, p->errmsg);
	}
	if (ab->n >= ADD_BATCH_FILES || ab->text >= ADD_BATCH_TEXT)
		vault_add_flush(ab);
	return rc;
}

static int
add_one(struct add_batch *ab, const char *path,
    const struct dossier_meta_edit *e, unsigned flags)
{
	return vault_add_one(ab, path, -1, NULL, e, flags);
}

int
vault_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files every regular file under dir, in name order, depth first. */
static int
add_tree(struct add_batch *ab, const char *dir,
    const struct dossier_meta_edit *e, unsigned flags, int depth)
{
	struct dossier *d = ab->d;
	struct dirent *de;
	struct stat st;
	char **names = NULL, **nn, path[PATH_MAX];
	size_t n = 0, i;
	DIR *dd;
	int rc, first = DOSSIER_OK;

	if (depth > 64)
		return err_set(&d->err, DOSSIER_EUSAGE,
		    "'%s': directories nested too deep", dir);
	dd = opendir(dir);
	if (dd == NULL) {
		rc = err_set(&d->err, DOSSIER_EIO, "cannot read '%s': %s", dir,
		    strerror(errno));
		vault_add_flush(ab);
		report(d, dir, rc, dossier_errmsg(d), NULL, ab->cb, ab->ctx);
		return rc;
	}
	while ((de = readdir(dd)) != NULL) {
		if (de->d_name[0] == '.')
			continue; /* hidden files and . and .. */
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (nn == NULL || (nn[n] = strdup(de->d_name)) == NULL) {
			names = nn != NULL ? nn : names;
			closedir(dd);
			rc = err_nomem(&d->err);
			goto out;
		}
		names = nn;
		n++;
	}
	closedir(dd);
	if (n > 1)
		qsort(names, n, sizeof(*names), vault_name_cmp);
	for (i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s%s%s", dir,
		    dir[0] != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/",
		    names[i]) >= (int)sizeof(path)) {
			rc = err_set(&d->err, DOSSIER_EUSAGE,
			    "path too long: '%s/%s'", dir, names[i]);
			vault_add_flush(ab);
			report(d, names[i], rc, dossier_errmsg(d), NULL, ab->cb,
			    ab->ctx);
		} else if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = add_tree(ab, path, e, flags, depth + 1);
		} else if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
			continue; /* links could lead anywhere: not followed */
		} else {
			rc = add_one(ab, path, e, flags);
		}
		if (rc != DOSSIER_OK && first == DOSSIER_OK)
			first = rc;
	}
	rc = first;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
dossier_add(struct dossier *d, const char *path,
    const struct dossier_meta_edit *e, unsigned flags, dossier_added_fn cb,
    void *ctx)
{
	struct add_batch ab;
	struct stat st;
	int rc;

	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "add", 0);
	d->audit.batch = 1;
	rc = vault_check_edit(d, e);
	if (rc == DOSSIER_OK)
		rc = vault_require(d, DOSSIER_PERM_FILE, "add", 0,
		    e != NULL && e->category != NULL ? e->category : "");
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	memset(&ab, 0, sizeof(ab));
	ab.d = d;
	ab.cb = cb;
	ab.ctx = ctx;
	if ((flags & DOSSIER_ADD_RECURSIVE) && stat(path, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		rc = add_tree(&ab, path, e, flags, 0);
	else
		rc = add_one(&ab, path, e, flags);
	if (vault_add_flush(&ab) != DOSSIER_OK && rc == DOSSIER_OK)
		rc = ab.first;
	free(ab.v);
	/* Failures were reported one by one: the first one's code. */
	if (rc == DOSSIER_OK && ab.first != DOSSIER_OK)
		rc = ab.first;
	return vault_done(d, rc);
}

/* Reads document id for change, in the open transaction. */
static int
load_doc(struct dossier *d, int64_t id, struct catalog_doc *row,
    struct docmeta *m)
{
	int rc;

	rc = catalog_doc_get(d->cat, id, row, &d->err);
	if (rc == DOSSIER_OK && vault_lk(d, row->level, row->key_version) ==
	    NULL) {
		vault_note_denial(d, "update", id, DOSSIER_PERM_READ);
		rc = err_set(&d->err, DOSSIER_ENOTFOUND, "no document %lld",
		    (long long)id);
	}
	if (rc == DOSSIER_OK)
		rc = vault_open_docmeta(d, row, m);
	return rc;
}

static int
same_content(struct dossier *d, const struct stored *s, void *ctx)
{
	const struct catalog_version *cur = ctx;

	/* The mac was zeroed by the caller when keys differ. */
	if (crypto_equal(cur->content_mac, s->mac, sizeof(s->mac)))
		return err_set(&d->err, DOSSIER_ECONFLICT,
		    "document %lld: the new content is the same as version %d",
		    (long long)cur->doc, cur->version);
	return DOSSIER_OK;
}

int
dossier_update(struct dossier *d, int64_t id, const char *path,
    const char *note, int *version)
{
	struct catalog_doc row;
	struct catalog_version cur;
	struct docmeta m;
	struct stored s;
	const struct vault_lk *lk;
	struct buf text = BUF_INIT;
	char type[16], no_text[ERR_MSG_MAX], fname[1024], what[256];
	int fd = -1, rc, locked = 0, in_tx = 0, stored = 0, have_meta = 0;

	name_utf8(vault_base_name(path), fname, sizeof(fname));
	memset(&row, 0, sizeof(row));
	memset(&cur, 0, sizeof(cur));
	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "update", id);
	if (note != NULL)
		rc = vault_check_text(d, "note", note, VAULT_NOTE_MAX, 1);
	if (rc == DOSSIER_OK)
		rc = open_input(d, path, &fd, 0);
	if (rc == DOSSIER_OK) {
		name_what(fname, what, sizeof(what));
		rc = vault_check_text(d, what, fname, VAULT_TEXT_MAX, 0);
	}
	if (rc == DOSSIER_OK)
		rc = vault_lock_shared(d);
	if (rc != DOSSIER_OK)
		goto out;
	locked = 1;
	rc = catalog_begin(d->cat, &d->err);
	if (rc != DOSSIER_OK)
		goto out;
	in_tx = 1;
	rc = load_doc(d, id, &row, &m);
	if (rc != DOSSIER_OK)
		goto out;
	have_meta = 1;
	rc = vault_check_access(d, &row, &m, DOSSIER_PERM_EDIT, "update");
	if (rc != DOSSIER_OK)
		goto out;
	if (row.deleted) {
		rc = err_set(&d->err, DOSSIER_ECONFLICT,
		    "document %lld is in the trash: restore it first",
		    (long long)id);
		goto out;
	}
	lk = vault_lk_current(d, row.level);
	if (lk == NULL) {
		vault_note_denial(d, "update", id, DOSSIER_PERM_EDIT);
		rc = err_set(&d->err, DOSSIER_EDENIED,
		    "document %lld: user '%s' does not hold the current key of "
		    "level %s", (long long)id, d->user.name,
		    dossier_level_name(row.level, 0));
		goto out;
	}
	rc = catalog_version_get(d->cat, id, row.version, &cur, &d->err);
	if (rc == DOSSIER_OK && (cur.level != lk->level ||
	    cur.key_version != lk->version))
		memset(cur.content_mac, 0, sizeof(cur.content_mac));
	if (rc == DOSSIER_OK)
		rc = store_file(d, fd, path, lk, id, row.version + 1,
		    same_content, &cur, &s);
	if (rc != DOSSIER_OK)
		goto out;
	stored = 1;
	file_type(fname, type, sizeof(type));
	rc = sniff_text(d, fd, path, fname, type, sizeof(type), no_text,
	    sizeof(no_text), &text);
	if (rc == DOSSIER_OK)
		rc = insert_version(d, lk, id, row.version + 1, &s, fname, type,
		    note, no_text);
	if (rc != DOSSIER_OK)
		goto out;
	row.version++;
	row.modified = vault_now();
	rc = vault_save_doc(d, &row, lk, &m, type);
	if (rc == DOSSIER_OK)
		rc = vault_index_keep(d, id, row.version, &text);
	if (rc == DOSSIER_OK) {
		vault_op_target(d, id, row.version, row.level);
		rc = vault_op_detail(d, "file", fname);
	}
	rc = vault_audit_commit(d, rc);
	in_tx = 0;
	if (rc == DOSSIER_OK && version != NULL)
		*version = row.version;
	if (rc == DOSSIER_OK)
		vault_index_refresh(d);
out:
	if (in_tx)
		catalog_rollback(d->cat);
	if (rc != DOSSIER_OK && stored) {
		struct err ignored;

		store_remove(d->store, s.object, &ignored);
	}
	if (locked)
		vault_unlock_files(d);
	if (fd >= 0)
		close(fd);
	if (have_meta)
		docmeta_release(&m);
	if (text.data != NULL)
		mem_wipe(text.data, text.len);
	buf_release(&text);
	buf_release(&row.meta);
	buf_release(&cur.meta);
	return vault_done(d, rc);
}
