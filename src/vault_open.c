/*
 * vault_open.c: opening a vault and unlocking it: its format (VERSION,
 * and what an interrupted upgrade left), the keyring, the catalog under
 * its page key, the user's key slot, certificate and level keys.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "vault_int.h"

/* Does the file at path begin as a plain SQLite database?  -1: no file. */
static int
plain_sqlite(const char *path)
{
	static const char magic[16] = "SQLite format 3";
	char head[sizeof(magic)];
	size_t got = 0;
	struct err ignored;
	int fd, plain;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	plain = fs_read_full(fd, head, sizeof(head), &got, path,
	    &ignored) == DOSSIER_OK && got == sizeof(head) &&
	    memcmp(head, magic, sizeof(magic)) == 0;
	close(fd);
	return plain;
}

/*
 * The vault's format, from VERSION; refuses what is not a vault or is
 * newer than us.  An upgrade makes its new catalog current with one
 * rename before it rewrites VERSION: format 1 with an encrypted catalog
 * beside a keyring is format 2 (vault_upgrade.c).
 */
int
vault_format(struct dossier *d, const char *root, int *format, int *recorded)
{
	char path[PATH_MAX], text[128];
	size_t got;
	int fd, rc, fmt;

	rc = vault_join_path(d, path, sizeof(path), root, VAULT_VERSION_FILE);
	if (rc != DOSSIER_OK)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return err_set(&d->err, DOSSIER_ENOTFOUND,
		    "no vault at '%s'", root);
	if (fd < 0)
		return err_set(&d->err, DOSSIER_EIO, "cannot open '%s': %s",
		    path, strerror(errno));
	rc = fs_read_full(fd, text, sizeof(text) - 1, &got, path, &d->err);
	close(fd);
	if (rc != DOSSIER_OK)
		return rc;
	text[got] = '\0';
	if (sscanf(text, "dossier vault format %d", &fmt) != 1 || fmt < 1)
		return err_set(&d->err, DOSSIER_ECORRUPT,
		    "'%s' is not a dossier vault", root);
	if (fmt > VAULT_FORMAT)
		return err_set(&d->err, DOSSIER_EVERSION,
		    "vault '%s' has format %d, newer than this dossier (%d)",
		    root, fmt, VAULT_FORMAT);
	if (recorded != NULL)
		*recorded = fmt;
	if (fmt == 1) {
		rc = vault_join_path(d, path, sizeof(path), root, VAULT_CATALOG_FILE);
		if (rc != DOSSIER_OK)
			return rc;
		if (plain_sqlite(path) == 0) {
			rc = vault_join_path(d, path, sizeof(path), root,
			    VAULT_KEYRING_FILE);
			if (rc == DOSSIER_OK && access(path, F_OK) == 0)
				fmt = 2;
			if (rc != DOSSIER_OK)
				return rc;
		}
	}
	*format = fmt;
	return DOSSIER_OK;
}

/* The database id and page key of the catalog, from the catalog key. */
static int
catalog_page_key(struct dossier *d, unsigned char *key, char dbid[64])
{
	char hex[2 * KEYS_VAULT_ID_LEN + 1];
	int rc;

	hex_encode(d->vault_id, KEYS_VAULT_ID_LEN, hex);
	snprintf(dbid, 64, "catalog-%.32s", hex);
	rc = keys_derive(d->vault_id, d->ck, KEYS_PAGES, key);
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "cannot derive the catalog's key");
	return DOSSIER_OK;
}

int
vault_catalog_at(struct dossier *d, const char *path, struct catalog **cp)
{
	char dbid[64];
	unsigned char *key;
	int rc;

	key = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (key == NULL)
		return err_nomem(&d->err);
	rc = catalog_page_key(d, key, dbid);
#ifdef DOSSIER_BENCH_PLAIN_PAGES
	crypto_secure_free(key, CRYPTO_KEY_LEN);
	key = NULL;
#endif
	if (rc == DOSSIER_OK)
		rc = catalog_open(path, key, dbid, cp, &d->err);
	crypto_secure_free(key, CRYPTO_KEY_LEN);
	return rc;
}

/*
 * Opens (or, at init, creates in dir) the catalog under the page key
 * from d->ck.  An opened catalog must carry the keyring's vault id and
 * root key: the keyring is plain, the catalog is the authority.
 */
int
vault_open_catalog(struct dossier *d, const char *dir, int create)
{
	char path[PATH_MAX], dbid[64];
	unsigned char *key;
	struct buf b = BUF_INIT;
	int rc;

	key = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (key == NULL)
		return err_nomem(&d->err);
	rc = catalog_page_key(d, key, dbid);
	if (rc == DOSSIER_OK)
		rc = vault_join_path(d, path, sizeof(path), dir, VAULT_CATALOG_FILE);
#ifdef DOSSIER_BENCH_PLAIN_PAGES
	/* Only in the benchmark's comparison build: pages not encrypted. */
	crypto_secure_free(key, CRYPTO_KEY_LEN);
	key = NULL;
#endif
	if (rc == DOSSIER_OK)
		rc = create ? catalog_create(path, key, dbid, &d->cat, &d->err) :
		    catalog_open(path, key, dbid, &d->cat, &d->err);
	crypto_secure_free(key, CRYPTO_KEY_LEN);
	if (rc != DOSSIER_OK || create)
		return rc;
	rc = catalog_kv_get(d->cat, "vault_id", &b, &d->err);
	if (rc == DOSSIER_OK && (b.len != sizeof(d->vault_id) ||
	    !crypto_equal(b.data, d->vault_id, sizeof(d->vault_id))))
		rc = err_set(&d->err, DOSSIER_ECORRUPT, "the keyring of '%s' "
		    "is not its catalog's: the vault ids differ", d->root);
	if (rc == DOSSIER_OK)
		rc = catalog_kv_get(d->cat, "root_key", &b, &d->err);
	if (rc == DOSSIER_OK && (b.len != sizeof(d->root_pub) ||
	    !crypto_equal(b.data, d->root_pub, sizeof(d->root_pub))))
		rc = err_set(&d->err, DOSSIER_ECORRUPT, "the root key in the "
		    "keyring of '%s' is not the catalog's: the keyring was "
		    "altered", d->root);
	buf_release(&b);
	if (rc != DOSSIER_OK) {
		catalog_close(d->cat);
		d->cat = NULL;
	}
	return rc;
}

/*
 * Every command writes to the vault, reads included (the audit log, the
 * lock): one that cannot is refused at once, in words, rather than by
 * the first write that fails.
 */
static int
need_writable(struct dossier *d)
{
	static const char *const names[] = { "", VAULT_KEYRING_FILE,
		VAULT_CATALOG_FILE, VAULT_LOCK_FILE, "tmp", "objects" };
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (vault_join_path(d, path, sizeof(path), d->root, names[i]) !=
		    DOSSIER_OK)
			return d->err.code;
		if (access(path, W_OK) != 0 && (errno == EACCES ||
		    errno == EROFS || errno == EPERM))
			return err_set(&d->err, DOSSIER_EIO, "vault '%s' is "
			    "read-only (%s): dossier records every access in "
			    "the vault, so it needs write access; copy it "
			    "somewhere writable to read it", d->root,
			    strerror(errno));
	}
	return DOSSIER_OK;
}

/* Opens keyring, store and lock file of the vault at d->root. */
int
vault_open_parts(struct dossier *d)
{
	char path[PATH_MAX];
	struct buf b = BUF_INIT;
	int rc, fmt = 0;

	rc = vault_format(d, d->root, &fmt, NULL);
	if (rc == DOSSIER_OK && fmt < VAULT_FORMAT)
		rc = err_set(&d->err, DOSSIER_EVERSION, "vault '%s' has the "
		    "old format %d: run 'dossier upgrade' (as an "
		    "administrator) first", d->root, fmt);
	if (rc == DOSSIER_OK)
		rc = need_writable(d);
	if (rc == DOSSIER_OK)
		rc = vault_join_path(d, path, sizeof(path), d->root,
		    VAULT_KEYRING_FILE);
	if (rc == DOSSIER_OK)
		rc = catalog_ring_open(path, &d->ring, &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_kv_get(d->ring, "vault_id", &b, &d->err);
	if (rc == DOSSIER_OK && b.len != sizeof(d->vault_id))
		rc = err_set(&d->err, DOSSIER_ECORRUPT,
		    "keyring of '%s' has a malformed vault id", d->root);
	if (rc == DOSSIER_OK) {
		memcpy(d->vault_id, b.data, sizeof(d->vault_id));
		rc = catalog_kv_get(d->ring, "root_key", &b, &d->err);
	}
	if (rc == DOSSIER_OK && b.len != sizeof(d->root_pub))
		rc = err_set(&d->err, DOSSIER_ECORRUPT,
		    "keyring of '%s' has a malformed root key", d->root);
	if (rc == DOSSIER_OK) {
		memcpy(d->root_pub, b.data, sizeof(d->root_pub));
		rc = store_open(d->root, d->vault_id, &d->store, &d->err);
	}
	if (rc == DOSSIER_OK)
		rc = vault_join_path(d, path, sizeof(path), d->root, VAULT_LOCK_FILE);
	if (rc == DOSSIER_OK) {
		d->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (d->lockfd < 0)
			rc = err_set(&d->err, DOSSIER_EIO,
			    "cannot open '%s': %s", path, strerror(errno));
	}
	buf_release(&b);
	return rc;
}

int
dossier_open(const char *path, struct dossier **dp)
{
	struct dossier *d;
	struct stat st;
	int rc;

	*dp = d = vault_handle_new();
	if (d == NULL)
		return DOSSIER_ENOMEM;
	rc = crypto_check_init();
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc,
		    "dossier_library_init() was not called");
	if (path == NULL || path[0] == '\0')
		return err_set(&d->err, DOSSIER_EUSAGE, "no vault path given");
	if (snprintf(d->root, sizeof(d->root), "%s", path) >=
	    (int)sizeof(d->root))
		return err_set(&d->err, DOSSIER_EUSAGE, "path too long: '%s'",
		    path);
	if (stat(path, &st) != 0)
		return err_set(&d->err, errno == ENOENT ? DOSSIER_ENOTFOUND :
		    DOSSIER_EIO, "cannot open vault '%s': %s", path,
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err_set(&d->err, DOSSIER_ENOTFOUND,
		    "'%s' is not a vault directory", path);
	return vault_open_parts(d);
}

struct unseal_ctx {
	struct dossier *d;
	int rc;
};

static int
unseal_one(void *ctx, const struct keys_label *lb, const unsigned char *blob)
{
	struct unseal_ctx *u = ctx;
	struct dossier *d = u->d;
	struct vault_lk *n, *lk;

	int i, rc;

	if (strcmp(lb->kind, "level") == 0 && lb->level >= 0 &&
	    lb->level > d->user.clearance) {
		/* A row put back after a downgrade, or forged: refuse it. */
		return err_set(&d->err, DOSSIER_ECORRUPT,
		    "a key of level %s is sealed to '%s', who is not cleared "
		    "for it: the key rows were altered",
		    dossier_level_name(lb->level, 0), lb->user);
	} else if (strcmp(lb->kind, "level") == 0 && lb->level >= 0 &&
	    lb->level < DOSSIER_NLEVELS) {
		n = realloc(d->lks, (d->nlks + 1) * sizeof(*n));
		if (n == NULL)
			return err_nomem(&d->err);
		d->lks = n;
		lk = &d->lks[d->nlks];
		lk->key = crypto_secure_alloc(VAULT_LK_SIZE);
		if (lk->key == NULL)
			return err_nomem(&d->err);
		lk->level = lb->level;
		lk->version = lb->version;
		d->nlks++;
		rc = keys_unseal(d->vault_id, lb, d->secret, blob,
		    lk->key + LK_ROOT);
		for (i = KEYS_INDEX; rc == DOSSIER_OK && i <= KEYS_WRAP; i++) {
			static const size_t off[] = {
				[KEYS_INDEX] = LK_INDEX,
				[KEYS_META] = LK_META,
				[KEYS_META_MAC] = LK_META_MAC,
				[KEYS_DEDUP] = LK_DEDUP,
				[KEYS_WRAP] = LK_WRAP,
			};
			rc = keys_derive(d->vault_id, lk->key + LK_ROOT,
			    (enum keys_purpose)i, lk->key + off[i]);
		}
	} else {
		return err_set(&d->err, DOSSIER_ECORRUPT,
		    "catalog holds an unknown key '%s' for '%s'", lb->kind,
		    lb->user);
	}
	if (rc == DOSSIER_ECORRUPT)
		return err_set(&d->err, rc,
		    "the %s key (level %d, version %u) sealed to '%s' does not "
		    "open: it was altered or moved", lb->kind, lb->level,
		    lb->version, lb->user);
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "cannot open sealed keys");
	return 0;
}

/*
 * Checks that the secrets match the user's certified public keys and
 * that the certificate verifies, then opens every key sealed to them.
 */
int
vault_load_keys(struct dossier *d)
{
	unsigned char xp[CRYPTO_X25519_LEN], ep[CRYPTO_ED25519_PUB_LEN];
	struct unseal_ctx u = { d, 0 };
	int rc;

	rc = crypto_x25519_public(d->secret, xp);
	if (rc == DOSSIER_OK)
		rc = crypto_ed25519_public(d->secret + CRYPTO_X25519_LEN, ep);
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "cannot derive public keys");
	if (!crypto_equal(xp, d->user.x_pub, sizeof(xp)) ||
	    !crypto_equal(ep, d->user.ed_pub, sizeof(ep)))
		return err_set(&d->err, DOSSIER_ECORRUPT,
		    "the public keys of user '%s' were altered", d->user.name);
	rc = vault_verify_cert(d, &d->user);
	if (rc != DOSSIER_OK)
		return rc;
	rc = catalog_sealed_each(d->cat, d->user.name, unseal_one, &u, &d->err);
	if (rc == DOSSIER_OK)
		rc = vault_load_versions(d);
	if (rc == DOSSIER_OK)
		rc = vault_policy_load(d);
	return rc;
}

int
vault_reload_keys(struct dossier *d)
{
	struct unseal_ctx u = { d, 0 };
	int rc;

	vault_lks_free(d);
	rc = catalog_user_get(d->cat, d->user.name, &d->user, &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_sealed_each(d->cat, d->user.name, unseal_one, &u,
		    &d->err);
	if (rc == DOSSIER_OK)
		rc = vault_load_versions(d);
	if (rc == DOSSIER_OK)
		rc = vault_policy_load(d);
	return rc;
}

/* One key slot tried at unlock (try_slot()). */
struct slot_try {
	struct dossier *d;
	const char *user, *pass;
	size_t passlen;
	int tried;
	int rc; /* DOSSIER_OK: this slot is the user's current one */
};

/*
 * Opens slot s with the passphrase; with it, the catalog key and then the
 * catalog, whose user row must name this slot as current (a slot it does
 * not name was left by a change that did not commit).  Returns 0 to try
 * the next slot, 1 to stop with t->rc.
 */
static int
try_slot(void *ctx, const struct catalog_slot *s)
{
	struct slot_try *t = ctx;
	struct dossier *d = t->d;
	struct keys_label lb = { t->user, "catalog", 0, 1 };
	unsigned char *ck;
	int rc;

	t->tried++;
	rc = keys_slot_open(t->pass, t->passlen, d->vault_id, t->user,
	    &s->kdf, s->salt, s->blob, d->secret);
	if (rc == DOSSIER_EAUTH)
		return 0;
	if (rc == DOSSIER_EUSAGE) {
		t->rc = err_set(&d->err, DOSSIER_ECORRUPT, "the key slot of "
		    "user '%s' has out-of-range parameters", t->user);
		return 1;
	}
	if (rc != DOSSIER_OK) {
		t->rc = err_set(&d->err, rc, "cannot derive the key of '%s'",
		    t->user);
		return 1;
	}
	ck = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (ck == NULL) {
		t->rc = err_nomem(&d->err);
		return 1;
	}
	rc = keys_unseal(d->vault_id, &lb, d->secret, s->ck, ck);
	if (rc != DOSSIER_OK) {
		crypto_secure_free(ck, CRYPTO_KEY_LEN);
		t->rc = err_set(&d->err, DOSSIER_ECORRUPT, "the catalog key "
		    "in the key slot of '%s' does not open: the keyring was "
		    "altered", t->user);
		return 1;
	}
	if (d->ck != NULL && !crypto_equal(ck, d->ck, CRYPTO_KEY_LEN)) {
		crypto_secure_free(ck, CRYPTO_KEY_LEN);
		t->rc = err_set(&d->err, DOSSIER_ECORRUPT, "two key slots of "
		    "'%s' hold different catalog keys: the keyring was "
		    "altered", t->user);
		return 1;
	}
	crypto_secure_free(d->ck, CRYPTO_KEY_LEN);
	d->ck = ck;
	if (d->cat == NULL) {
		rc = vault_open_catalog(d, d->root, 0);
		if (rc != DOSSIER_OK) {
			t->rc = rc;
			return 1;
		}
	}
	rc = catalog_user_get(d->cat, t->user, &d->user, &d->err);
	if (rc == DOSSIER_ENOTFOUND)
		return 0;
	if (rc != DOSSIER_OK) {
		t->rc = rc;
		return 1;
	}
	/* The current slot, or the recovery slot the catalog names. */
	if (!crypto_equal(d->user.slot, s->salt, KEYS_SALT_LEN) &&
	    (vault_recovery_of(&d->user) == NULL ||
	    !crypto_equal(d->user.recovery, s->salt, KEYS_SALT_LEN)))
		return 0;
	t->rc = d->user.disabled ? DOSSIER_EAUTH : DOSSIER_OK;
	return 1;
}

int
dossier_unlock(struct dossier *d, const char *user, const char *pass,
    size_t passlen)
{
	struct slot_try t = { d, user, pass, passlen, 0, DOSSIER_EAUTH };
	unsigned char salt[KEYS_SALT_LEN];
	struct keys_kdf dummy;
	struct err ignored;
	int rc;

	if (d == NULL || d->ring == NULL)
		return d == NULL ? DOSSIER_EMISUSE :
		    err_set(&d->err, DOSSIER_EMISUSE, "vault is not open");
	vault_lock_keys(d);
	err_clear(&d->err);
	d->secret = crypto_secure_alloc(KEYS_USER_SECRET_LEN);
	if (d->secret == NULL)
		return err_nomem(&d->err);
	rc = vault_check_user_name(&ignored, user);
	if (rc == DOSSIER_OK)
		rc = catalog_slots_each(d->ring, user, try_slot, &t, &d->err);
	/* A keyring that cannot be read is not a wrong passphrase. */
	if (rc != DOSSIER_OK && rc != DOSSIER_EUSAGE && rc != 1) {
		vault_lock_keys(d);
		return rc;
	}
	rc = rc == 1 ? t.rc : DOSSIER_EAUTH;
	if (rc == DOSSIER_EAUTH && t.tried == 0) {
		/*
		 * No slot was tried (an unknown user): the same work as a
		 * real attempt, so that timing does not tell them apart.
		 */
		keys_kdf_default(&dummy);
		memset(salt, 0, sizeof(salt));
		keys_slot_open(pass, passlen, d->vault_id, "", &dummy, salt,
		    NULL, d->secret);
	}
	if (rc == DOSSIER_EAUTH)
		rc = err_set(&d->err, rc, AUTH_FAILED);
	if (rc == DOSSIER_OK)
		rc = vault_load_keys(d);
	if (rc != DOSSIER_OK) {
		vault_lock_keys(d);
		/* Recorded without a key: sealed to the vault's audit key. */
		if (rc == DOSSIER_EAUTH)
			vault_audit_failed_unlock(d, user);
		return rc;
	}
	d->must_change = d->user.one_time;
	d->unlocked = 1;
	/* Failed unlocks since the last command join the log now. */
	rc = vault_audit_take_pending(d);
	if (rc != DOSSIER_OK) {
		vault_lock_keys(d);
		return rc;
	}
	return DOSSIER_OK;
}
