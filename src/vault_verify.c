/*
 * vault_verify.c: integrity check of the whole vault, and collection of
 * the garbage a crash can leave (objects no row names, temporary files).
 *
 * Without keys: the keyring's own checks, and every object's bytes
 * against its name (the SHA-256 of its ciphertext); the catalog, whose
 * pages are encrypted, stays closed.  With keys: the catalog's own checks,
 * the signed policy, every sealed metadata blob and wrapped key the user
 * can open, and the key slots the catalog does not name.  With
 * DOSSIER_VERIFY_READ_DATA: every version decrypted and compared with the
 * SHA-256 and size recorded when it was filed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault_int.h"

struct verify {
	struct dossier *d;
	unsigned flags;
	dossier_problem_fn cb;
	void *ctx;
	size_t fatal;
	size_t ioerrs;	/* checks that failed to read, not damage */
	char iomsg[ERR_MSG_MAX]; /* the first of them */
	int collect; /* holding the exclusive lock: garbage may go */
	int64_t last_doc;
	int last_doc_readable;
	size_t slots; /* check_slot_user() */
	const unsigned char *named_slot, *named_recovery;
	int named_found, recovery_found;
};

static void
problem(struct verify *v, const char *what, int64_t id, int version,
    int fatal, const char *detail)
{
	struct dossier_problem p = { what, id, version, detail, fatal };
	char prefix[64];
	size_t n;

	/* Messages made for errmsg name the document: the report has it. */
	n = (size_t)snprintf(prefix, sizeof(prefix), "document %lld: ",
	    (long long)id);
	if (strncmp(detail, prefix, n) == 0)
		p.detail += n;
	n = (size_t)snprintf(prefix, sizeof(prefix),
	    "document %lld version %d: ", (long long)id, version);
	if (strncmp(detail, prefix, n) == 0)
		p.detail += n;
	if (fatal)
		v->fatal++;
	if (v->cb != NULL)
		v->cb(v->ctx, &p);
}

/*
 * A check that failed: damage, unless the failure was the disk's or the
 * memory's (DOSSIER_EIO, DOSSIER_ENOMEM), which says nothing about the
 * vault: verify then fails as an I/O error (exit 1), not as damage.
 */
static void
problem_err(struct verify *v, const char *what, int64_t id, int version,
    const struct err *e, const char *fallback)
{
	const char *msg = e->msg[0] != '\0' ? e->msg : fallback;

	if (e->code == DOSSIER_EIO || e->code == DOSSIER_ENOMEM) {
		if (v->ioerrs++ == 0)
			snprintf(v->iomsg, sizeof(v->iomsg), "%s", msg);
		if (v->cb != NULL) {
			struct dossier_problem p = {
				what, id, version, msg, 1
			};

			v->cb(v->ctx, &p);
		}
		return;
	}
	problem(v, what, id, version, 1, msg);
}

struct hash_sink {
	struct crypto_hash *h;
	uint64_t n;
};

static int
hash_sink(void *ctx, const void *p, size_t n)
{
	struct hash_sink *s = ctx;

	s->n += n;
	return crypto_hash_update(s->h, p, n);
}

/* Decrypts version cv and compares it with what was recorded. */
static void
read_data(struct verify *v, const struct catalog_version *cv,
    const struct vermeta *vm)
{
	struct dossier *d = v->d;
	struct store_binding b = { (uint64_t)cv->doc, (uint32_t)cv->version };
	struct hash_sink hs = { NULL, 0 };
	unsigned char *dek, digest[CRYPTO_HASH_LEN];
	char hex[2 * CRYPTO_HASH_LEN + 1];
	struct err se;
	int rc;

	dek = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (dek == NULL) {
		problem(v, "document", cv->doc, cv->version, 1, "out of memory");
		return;
	}
	rc = vault_open_dek(d, cv, dek);
	if (rc == DOSSIER_OK)
		rc = crypto_hash_new(&hs.h, NULL, 0);
	if (rc != DOSSIER_OK) {
		problem_err(v, "document", cv->doc, cv->version, &d->err, "");
		goto out;
	}
	err_clear(&se);
	rc = store_read(d->store, cv->object, dek, &b, cv->size, hash_sink, &hs,
	    &se);
	if (rc != DOSSIER_OK) {
		problem_err(v, "object", cv->doc, cv->version, &se,
		    "cannot read content");
		goto out;
	}
	if (crypto_hash_final(hs.h, digest) != DOSSIER_OK) {
		problem(v, "document", cv->doc, cv->version, 1, "cannot hash");
		goto out;
	}
	hex_encode(digest, sizeof(digest), hex);
	if (hs.n != cv->size || strcmp(hex, vm->sha256) != 0)
		problem(v, "object", cv->doc, cv->version, 1,
		    "content does not match the SHA-256 and size recorded at "
		    "filing");
out:
	crypto_hash_free(hs.h);
	crypto_secure_free(dek, CRYPTO_KEY_LEN);
}

/* Checks a document's own row once, when its first version comes by. */
static void
check_doc(struct verify *v, int64_t id)
{
	struct dossier *d = v->d;
	struct catalog_doc row;
	struct docmeta m;

	v->last_doc = id;
	v->last_doc_readable = 0;
	memset(&row, 0, sizeof(row));
	if (catalog_doc_get(d->cat, id, &row, &d->err) != DOSSIER_OK) {
		problem_err(v, "document", id, 0, &d->err, "");
		goto out;
	}
	/* Documents above the user's clearance are not looked into. */
	if (vault_lk(d, row.level, row.key_version) == NULL)
		goto out;
	if (vault_open_docmeta(d, &row, &m) != DOSSIER_OK) {
		problem_err(v, "document", id, 0, &d->err, "");
		goto out;
	}
	docmeta_release(&m);
	v->last_doc_readable = 1;
out:
	buf_release(&row.meta);
}

static int
check_version(void *ctx, const struct catalog_version *cv)
{
	struct verify *v = ctx;
	struct dossier *d = v->d;
	struct vermeta vm;
	unsigned char *dek;
	struct err se;
	int rc;

	err_clear(&se);
	rc = store_scrub(d->store, cv->object, &se);
	if (rc == DOSSIER_ENOTFOUND)
		problem(v, "object", cv->doc, cv->version, 1,
		    "content object is missing");
	else if (rc != DOSSIER_OK)
		problem_err(v, "object", cv->doc, cv->version, &se, "");
	if (v->flags & DOSSIER_VERIFY_NO_KEYS)
		return 0;
	if (cv->doc != v->last_doc)
		check_doc(v, cv->doc);
	if (!v->last_doc_readable ||
	    vault_lk(d, cv->level, cv->key_version) == NULL)
		return 0;
	if (vault_open_vermeta(d, cv, &vm) != DOSSIER_OK) {
		problem_err(v, "document", cv->doc, cv->version, &d->err, "");
		return 0;
	}
	if (rc == DOSSIER_OK && (v->flags & DOSSIER_VERIFY_READ_DATA)) {
		read_data(v, cv, &vm);
	} else {
		dek = crypto_secure_alloc(CRYPTO_KEY_LEN);
		if (dek == NULL || vault_open_dek(d, cv, dek) != DOSSIER_OK)
			problem(v, "document", cv->doc, cv->version, 1,
			    dek == NULL ? "out of memory" : dossier_errmsg(d));
		crypto_secure_free(dek, CRYPTO_KEY_LEN);
	}
	vermeta_release(&vm);
	return 0;
}

static int
check_object_file(void *ctx, const char *name)
{
	struct verify *v = ctx;
	struct dossier *d = v->d;
	char msg[160];
	struct err se;
	int used;

	if (!store_name_valid(name)) {
		snprintf(msg, sizeof(msg),
		    "unexpected file '%.80s' among the objects", name);
		problem(v, "object", 0, 0, 1, msg);
		return 0;
	}
	/* Without the catalog, which objects are garbage is unknown. */
	if (v->flags & DOSSIER_VERIFY_NO_KEYS) {
		err_clear(&se);
		if (store_scrub(d->store, name, &se) != DOSSIER_OK)
			problem_err(v, "object", 0, 0, &se, "");
		return 0;
	}
	used = catalog_object_used(d->cat, name, &se);
	if (used < 0) {
		problem_err(v, "catalog", 0, 0, &se, "");
		return 0;
	}
	if (used)
		return 0;
	if (v->collect && store_remove(d->store, name, &se) == DOSSIER_OK) {
		snprintf(msg, sizeof(msg),
		    "removed unreferenced object %.16s (left by an interrupted "
		    "operation)", name);
	} else {
		snprintf(msg, sizeof(msg),
		    "unreferenced object %.16s (another process is writing; "
		    "left for a later run)", name);
	}
	problem(v, "garbage", 0, 0, 0, msg);
	return 0;
}

static int
check_tmp_file(void *ctx, const char *name)
{
	struct verify *v = ctx;
	char msg[160];
	struct err se;

	if (v->collect && store_remove_tmp(v->d->store, name, &se) ==
	    DOSSIER_OK)
		snprintf(msg, sizeof(msg),
		    "removed temporary file '%.80s' (left by an interrupted "
		    "operation)", name);
	else
		snprintf(msg, sizeof(msg), "temporary file '%.80s' in use",
		    name);
	problem(v, "garbage", 0, 0, 0, msg);
	return 0;
}

/* Counts a user's slots, and whether the one named is among them. */
static int
count_slot(void *ctx, const struct catalog_slot *s)
{
	struct verify *v = ctx;

	v->slots++;
	if (v->named_slot != NULL &&
	    memcmp(s->salt, v->named_slot, KEYS_SALT_LEN) == 0)
		v->named_found = 1;
	if (v->named_recovery != NULL &&
	    memcmp(s->salt, v->named_recovery, KEYS_SALT_LEN) == 0)
		v->recovery_found = 1;
	return 0;
}

/*
 * One user's key slots against the slot their catalog row names: that
 * slot must be there (unless the user is disabled); the others were left
 * by changes that did not commit, or by a disabling whose clean-up did
 * not run, and go as garbage.
 */
static int
check_slot_user(void *ctx, const char *name)
{
	struct verify *v = ctx;
	struct dossier *d = v->d;
	struct catalog_user u;
	char msg[200];
	struct err se;
	int rc;

	err_clear(&se);
	rc = catalog_user_get(d->cat, name, &u, &se);
	if (rc != DOSSIER_OK && rc != DOSSIER_ENOTFOUND) {
		problem_err(v, "catalog", 0, 0, &se, "");
		return 0;
	}
	v->named_slot = rc == DOSSIER_OK && !u.disabled ? u.slot : NULL;
	v->named_recovery = v->named_slot != NULL ? vault_recovery_of(&u) :
	    NULL;
	v->named_found = v->recovery_found = 0;
	v->slots = 0;
	if (catalog_slots_each(d->ring, name, count_slot, v, &se) !=
	    DOSSIER_OK) {
		problem_err(v, "keyring", 0, 0, &se, "");
		return 0;
	}
	if (v->named_slot != NULL && !v->named_found) {
		snprintf(msg, sizeof(msg), "the key slot the catalog names for "
		    "'%.64s' is missing from the keyring", name);
		problem(v, "keyring", 0, 0, 1, msg);
		return 0;
	}
	if (v->slots == (size_t)(v->named_found + v->recovery_found))
		return 0;
	if (v->collect && catalog_slots_keep(d->ring, name, v->named_slot,
	    v->named_recovery, &se) == DOSSIER_OK)
		snprintf(msg, sizeof(msg), "removed key slots of '%.64s' that "
		    "the catalog does not name (left by an interrupted "
		    "operation)", name);
	else
		snprintf(msg, sizeof(msg), "key slots of '%.64s' that the "
		    "catalog does not name (left for a later run)", name);
	problem(v, "garbage", 0, 0, 0, msg);
	return 0;
}

static void
check_slots(struct verify *v)
{
	struct err se;

	err_clear(&se);
	if (catalog_slot_users(v->d->ring, check_slot_user, v, &se) !=
	    DOSSIER_OK)
		problem_err(v, "keyring", 0, 0, &se, "");
}

int
dossier_verify(struct dossier *d, unsigned flags, dossier_problem_fn cb,
    void *ctx)
{
	struct verify v;
	struct err se;
	int rc;

	if (d == NULL || d->ring == NULL)
		return d == NULL ? DOSSIER_EMISUSE :
		    err_set(&d->err, DOSSIER_EMISUSE, "vault is not open");
	if (!(flags & DOSSIER_VERIFY_NO_KEYS)) {
		rc = vault_need_unlocked(d);
		if (rc == DOSSIER_OK)
			vault_op(d, "verify", 0);
		if (rc == DOSSIER_OK &&
		    !(vault_perms(d, 0, NULL) & DOSSIER_PERM_ADMIN))
			rc = vault_require(d, DOSSIER_PERM_BACKUP, "verify", 0,
			    NULL);
		if (rc != DOSSIER_OK)
			return vault_done(d, rc);
	}
	memset(&v, 0, sizeof(v));
	v.d = d;
	v.flags = flags;
	v.cb = cb;
	v.ctx = ctx;
	err_clear(&se);
	if (catalog_check(d->ring, &se) != DOSSIER_OK) {
		problem_err(&v, "keyring", 0, 0, &se, "");
		goto out;
	}
	if (!(flags & DOSSIER_VERIFY_NO_KEYS)) {
		if (catalog_check(d->cat, &se) != DOSSIER_OK) {
			problem_err(&v, "catalog", 0, 0, &se, "");
			goto out;
		}
		if (vault_policy_verify(d) != DOSSIER_OK)
			problem_err(&v, "policy", 0, 0, &d->err, "");
	}
	/*
	 * The exclusive lock keeps writers (who hold it shared from object
	 * write to commit) out while garbage is judged and removed.
	 */
	v.collect = vault_lock_exclusive_try(d) == DOSSIER_OK;
	if (!(flags & DOSSIER_VERIFY_NO_KEYS)) {
		rc = catalog_versions_each(d->cat, 0, check_version, &v, &se);
		if (rc != DOSSIER_OK)
			problem_err(&v, "catalog", 0, 0, &se, "");
		check_slots(&v);
	}
	rc = store_each(d->store, 0, check_object_file, &v, &se);
	if (rc != DOSSIER_OK)
		problem_err(&v, "object", 0, 0, &se, "");
	rc = store_each(d->store, 1, check_tmp_file, &v, &se);
	if (rc != DOSSIER_OK)
		problem_err(&v, "temp", 0, 0, &se, "");
	if (v.collect)
		vault_unlock_files(d);
out:
	/* Recorded (when unlocked) with what it found. */
	if (d->audit.action != NULL)
		vault_op_detail_int(d, "problems", (int64_t)v.fatal);
	if (v.fatal > 0)
		return vault_done(d, err_set(&d->err, DOSSIER_ECORRUPT,
		    "vault '%s' is damaged: %zu problem%s", d->root, v.fatal,
		    v.fatal == 1 ? "" : "s"));
	if (v.ioerrs > 0)
		return vault_done(d, err_set(&d->err, DOSSIER_EIO,
		    "cannot verify vault '%s': %s", d->root, v.iomsg));
	err_clear(&d->err);
	return vault_done(d, DOSSIER_OK);
}
