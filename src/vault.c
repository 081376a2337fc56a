/*
 * vault.c: the public API's entry points, the handle, and the keys it
 * holds once unlocked; creating a vault; key slots.  Opening and
 * unlocking are in vault_open.c, operations in the other vault_*.c.
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

#include "fsutil.h"
#include "weakpass.h"
#include "vault_int.h"

static const char *const level_en[DOSSIER_NLEVELS] = {
	"public", "internal", "confidential", "secret", "top-secret"
};
static const char *const level_zh[DOSSIER_NLEVELS] = {
	"公开", "内部", "秘密", "机密", "绝密"
};

int
dossier_library_init(void)
{
	return crypto_global_init();
}

const char *
dossier_strerror(int rc)
{
	switch (rc) {
	case DOSSIER_OK: return "success";
	case DOSSIER_DONE: return "done";
	case DOSSIER_EIO: return "input/output error";
	case DOSSIER_ENOMEM: return "out of memory";
	case DOSSIER_EINTERNAL: return "internal error";
	case DOSSIER_EUSAGE: return "invalid argument";
	case DOSSIER_ENOTFOUND: return "not found";
	case DOSSIER_EAUTH: return "authentication failed";
	case DOSSIER_EDENIED: return "permission denied";
	case DOSSIER_ECORRUPT: return "integrity violation";
	case DOSSIER_ECONFLICT: return "conflict";
	case DOSSIER_EBUSY: return "vault busy";
	case DOSSIER_EBADINPUT: return "bad input file";
	case DOSSIER_EVERSION: return "unsupported vault format";
	case DOSSIER_EMISUSE: return "library misuse";
	default: return "unknown error";
	}
}

const char *
dossier_errmsg(const struct dossier *d)
{
	if (d == NULL)
		return "out of memory";
	if (d->err.msg[0] == '\0')
		return dossier_strerror(d->err.code);
	return d->err.msg;
}

const char *
dossier_level_name(int level, int chinese)
{
	if (level < 0 || level >= DOSSIER_NLEVELS)
		return "?";
	return chinese ? level_zh[level] : level_en[level];
}

int
dossier_level_parse(const char *s, int *level)
{
	int i;

	for (i = 0; i < DOSSIER_NLEVELS; i++) {
		if (strcmp(s, level_en[i]) == 0 || strcmp(s, level_zh[i]) == 0) {
			*level = i;
			return DOSSIER_OK;
		}
	}
	return DOSSIER_EUSAGE;
}

const char *
dossier_user(const struct dossier *d)
{
	return d != NULL && d->unlocked ? d->user.name : NULL;
}

int64_t
vault_now(void)
{
	time_t t = time(NULL);

	return t < 0 ? 0 : (int64_t)t;
}

int
vault_check_user_name(struct err *e, const char *name)
{
	const unsigned char *p;

	if (name == NULL || name[0] == '\0')
		return err_set(e, DOSSIER_EUSAGE, "user name is empty");
	if (strlen(name) > CATALOG_NAME_MAX)
		return err_set(e, DOSSIER_EUSAGE,
		    "user name '%.20s...' is longer than %d bytes", name,
		    CATALOG_NAME_MAX);
	if (name[0] == '@' || name[0] == '-')
		return err_set(e, DOSSIER_EUSAGE,
		    "user name '%s' must not start with '%c'", name, name[0]);
	for (p = (const unsigned char *)name; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '/' || *p == ':')
			return err_set(e, DOSSIER_EUSAGE,
			    "user name '%s' contains a space, control "
			    "character, '/' or ':'", name);
	return DOSSIER_OK;
}

int
vault_check_passphrase(struct err *e, const char *pass, size_t len)
{
	const char *why;
	size_t i, chars = 0;

	/* Characters, not bytes: 12 Chinese characters are a fine phrase. */
	for (i = 0; i < len; i++)
		if (((unsigned char)pass[i] & 0xc0) != 0x80)
			chars++;
	if (chars < VAULT_PASS_MIN)
		return err_set(e, DOSSIER_EUSAGE,
		    "passphrase is too short: it needs at least %d characters",
		    VAULT_PASS_MIN);
	if (weakpass_check(pass, len, &why))
		return err_set(e, DOSSIER_EUSAGE, "passphrase refused: %s", why);
	return DOSSIER_OK;
}

void
vault_lks_free(struct dossier *d)
{
	size_t i;

	for (i = 0; i < d->nlks; i++)
		crypto_secure_free(d->lks[i].key, VAULT_LK_SIZE);
	free(d->lks);
	d->lks = NULL;
	d->nlks = 0;
}

void
vault_lock_keys(struct dossier *d)
{
	vault_lks_free(d);
	crypto_secure_free(d->secret, KEYS_USER_SECRET_LEN);
	crypto_secure_free(d->ck, CRYPTO_KEY_LEN);
	d->secret = NULL;
	d->ck = NULL;
	buf_release(&d->audit.detail);
	d->unlocked = 0;
	d->must_change = 0;
	vault_policy_free(d);
	/* Their keys go with the others, and so does the catalog. */
	vault_index_close(d);
	catalog_close(d->cat);
	d->cat = NULL;
}

void
dossier_set_progress(struct dossier *d, dossier_progress_fn fn, void *ctx)
{
	if (d == NULL)
		return;
	d->progress.fn = fn;
	d->progress.ctx = ctx;
}

void
vault_progress(struct dossier *d, uint64_t n, int end)
{
	d->progress.done += n;
	if (d->progress.fn == NULL)
		return;
	if (end || d->progress.done - d->progress.shown >= 1024 * 1024) {
		d->progress.shown = d->progress.done;
		d->progress.fn(d->progress.ctx, d->progress.done,
		    d->progress.total);
	}
}

void
dossier_close(struct dossier *d)
{
	if (d == NULL)
		return;
	vault_lock_keys(d);
	vault_view_release(&d->view);
	catalog_close(d->ring);
	store_free(d->store);
	if (d->lockfd >= 0)
		close(d->lockfd);
	mem_wipe(d, sizeof(*d));
	free(d);
}

struct dossier *
vault_handle_new(void)
{
	struct dossier *d = calloc(1, sizeof(*d));

	if (d != NULL)
		d->lockfd = -1;
	return d;
}

int
vault_need_keys(struct dossier *d)
{
	if (!d->unlocked)
		return err_set(&d->err, DOSSIER_EMISUSE,
		    "the vault must be unlocked first");
	err_clear(&d->err);
	return DOSSIER_OK;
}

int
vault_need_unlocked(struct dossier *d)
{
	int rc = vault_need_keys(d);

	if (rc == DOSSIER_OK && d->must_change)
		vault_note_denial(d, "before replacing the one-time passphrase",
		    0, DOSSIER_PERM_READ);
	if (rc == DOSSIER_OK && d->must_change)
		return err_set(&d->err, DOSSIER_EDENIED,
		    "user '%s' must first replace the one-time passphrase "
		    "(dossier user passwd)", d->user.name);
	return rc;
}

const struct vault_lk *
vault_lk(const struct dossier *d, int level, uint32_t version)
{
	size_t i;

	for (i = 0; i < d->nlks; i++)
		if (d->lks[i].level == level && d->lks[i].version == version)
			return &d->lks[i];
	return NULL;
}

const struct vault_lk *
vault_lk_current(const struct dossier *d, int level)
{
	if (level < 0 || level >= DOSSIER_NLEVELS)
		return NULL;
	/* The catalog's newest version, not merely the newest one held. */
	return vault_lk(d, level, d->curver[level]);
}

/* The newest key version of every level, as the catalog records it. */
int
vault_load_versions(struct dossier *d)
{
	int level, rc = DOSSIER_OK;

	for (level = 0; rc == DOSSIER_OK && level < DOSSIER_NLEVELS; level++)
		rc = catalog_level_key_current(d->cat, level, &d->curver[level],
		    &d->err);
	return rc;
}

int
vault_lk_need(struct dossier *d, int level, uint32_t version, int64_t doc,
    const struct vault_lk **lk)
{
	*lk = vault_lk(d, level, version);
	if (*lk == NULL)
		return err_set(&d->err, DOSSIER_EDENIED,
		    "document %lld: no key for level %s (version %u)",
		    (long long)doc, dossier_level_name(level, 0), version);
	return DOSSIER_OK;
}

/* "dossier-meta-v1" | vault id | what | doc | version | level | key version */
static int
meta_ad(struct buf *ad, const struct dossier *d, const char *what, int64_t doc,
    int version, int level, uint32_t kv)
{
	if (buf_put_lv(ad, "dossier-meta-v1", 15) != 0 ||
	    buf_put_lv(ad, d->vault_id, sizeof(d->vault_id)) != 0 ||
	    buf_put_lv(ad, what, strlen(what)) != 0 ||
	    buf_put_u64(ad, (uint64_t)doc) != 0 ||
	    buf_put_u32(ad, (uint32_t)version) != 0 ||
	    buf_put_u32(ad, (uint32_t)level) != 0 || buf_put_u32(ad, kv) != 0)
		return DOSSIER_ENOMEM;
	return DOSSIER_OK;
}

static int
seal_json(struct dossier *d, const struct vault_lk *lk, const char *what,
    int64_t doc, int version, const struct buf *json, struct buf *out)
{
	struct buf ad = BUF_INIT;
	int rc;

	buf_reset(out);
	rc = meta_ad(&ad, d, what, doc, version, lk->level, lk->version);
	if (rc == DOSSIER_OK)
		rc = keys_seal_data(lk->key + LK_META, ad.data, ad.len,
		    json->data, json->len, out);
	buf_release(&ad);
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "cannot seal metadata");
	return DOSSIER_OK;
}

static int
open_json(struct dossier *d, const char *what, int64_t doc, int version,
    int level, uint32_t kv, const struct buf *blob, struct buf *json)
{
	const struct vault_lk *lk;
	struct buf ad = BUF_INIT;
	int rc;

	rc = vault_lk_need(d, level, kv, doc, &lk);
	if (rc != DOSSIER_OK)
		return rc;
	rc = meta_ad(&ad, d, what, doc, version, level, kv);
	if (rc == DOSSIER_OK)
		rc = keys_open_data(lk->key + LK_META, ad.data, ad.len,
		    blob->data, blob->len, json);
	buf_release(&ad);
	if (rc == DOSSIER_ECORRUPT && version != 0)
		return err_set(&d->err, rc,
		    "document %lld version %d: metadata is damaged or was "
		    "moved", (long long)doc, version);
	if (rc == DOSSIER_ECORRUPT)
		return err_set(&d->err, rc,
		    "document %lld: metadata is damaged or was moved",
		    (long long)doc);
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "cannot open metadata");
	return DOSSIER_OK;
}

int
vault_seal_docmeta(struct dossier *d, const struct vault_lk *lk, int64_t doc,
    const struct docmeta *m, struct buf *out)
{
	struct buf json = BUF_INIT;
	int rc;

	rc = docmeta_encode(m, &json);
	if (rc != DOSSIER_OK)
		rc = err_nomem(&d->err);
	else
		rc = seal_json(d, lk, "doc", doc, 0, &json, out);
	buf_release(&json);
	return rc;
}

int
vault_open_docmeta(struct dossier *d, const struct catalog_doc *row,
    struct docmeta *m)
{
	struct buf json = BUF_INIT;
	int rc;

	rc = open_json(d, "doc", row->id, 0, row->level, row->key_version,
	    &row->meta, &json);
	if (rc == DOSSIER_OK) {
		rc = docmeta_decode((const char *)json.data, json.len, m);
		if (rc != DOSSIER_OK)
			rc = err_set(&d->err, rc,
			    "document %lld: metadata is malformed",
			    (long long)row->id);
	}
	buf_release(&json);
	return rc;
}

int
vault_seal_vermeta(struct dossier *d, const struct vault_lk *lk, int64_t doc,
    int version, const struct vermeta *v, struct buf *out)
{
	struct buf json = BUF_INIT;
	int rc;

	rc = vermeta_encode(v, &json);
	if (rc != DOSSIER_OK)
		rc = err_nomem(&d->err);
	else
		rc = seal_json(d, lk, "version", doc, version, &json, out);
	buf_release(&json);
	return rc;
}

int
vault_open_vermeta(struct dossier *d, const struct catalog_version *row,
    struct vermeta *v)
{
	struct buf json = BUF_INIT;
	int rc;

	rc = open_json(d, "version", row->doc, row->version, row->level,
	    row->key_version, &row->meta, &json);
	if (rc == DOSSIER_OK) {
		rc = vermeta_decode((const char *)json.data, json.len, v);
		if (rc != DOSSIER_OK)
			rc = err_set(&d->err, rc,
			    "document %lld version %d: metadata is malformed",
			    (long long)row->doc, row->version);
	}
	buf_release(&json);
	return rc;
}

int
vault_seal_text(struct dossier *d, const char *what, int64_t doc,
    const char *text, struct buf *out)
{
	struct buf ad = BUF_INIT;
	int rc;

	rc = meta_ad(&ad, d, what, doc, 0, -1, 0);
	if (rc == DOSSIER_OK)
		rc = keys_seal_data(d->ck, ad.data, ad.len, text, strlen(text),
		    out);
	buf_release(&ad);
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "cannot seal %s", what);
	return DOSSIER_OK;
}

int
vault_open_text(struct dossier *d, const char *what, int64_t doc,
    const struct buf *blob, struct buf *out)
{
	struct buf ad = BUF_INIT;
	int rc;

	rc = meta_ad(&ad, d, what, doc, 0, -1, 0);
	if (rc == DOSSIER_OK)
		rc = keys_open_data(d->ck, ad.data, ad.len, blob->data,
		    blob->len, out);
	buf_release(&ad);
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "the %s is damaged or was moved",
		    what);
	return DOSSIER_OK;
}

int
vault_term(const struct vault_lk *lk, int kind, const char *value,
    struct catalog_term *t)
{
	struct buf b = BUF_INIT;
	int rc;

	t->kind = kind;
	if (buf_put_u32(&b, (uint32_t)kind) != 0 || buf_puts(&b, value) != 0) {
		buf_release(&b);
		return DOSSIER_ENOMEM;
	}
	rc = crypto_hmac_sha256(lk->key + LK_META_MAC, CRYPTO_KEY_LEN, b.data,
	    b.len, t->mac);
	buf_release(&b);
	return rc;
}

int
vault_check_text(struct dossier *d, const char *what, const char *s,
    size_t max, int allow_empty)
{
	const unsigned char *p;

	if (!allow_empty && s[0] == '\0')
		return err_set(&d->err, DOSSIER_EUSAGE, "%s is empty", what);
	if (strlen(s) > max)
		return err_set(&d->err, DOSSIER_EUSAGE,
		    "%s is longer than %zu bytes", what, max);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p < ' ' && *p != '\t') || *p == 0x7f)
			return err_set(&d->err, DOSSIER_EUSAGE,
			    "%s contains a control character", what);
	return DOSSIER_OK;
}

int
vault_check_date(struct dossier *d, const char *s)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	int y, m, day, i, leap;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			goto bad;
	if (s[10] != '\0')
		goto bad;
	y = atoi(s);
	m = atoi(s + 5);
	day = atoi(s + 8);
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12 || day < 1 || day > mdays[m - 1] ||
	    (m == 2 && day == 29 && !leap))
		goto bad;
	return DOSSIER_OK;
bad:
	return err_set(&d->err, DOSSIER_EUSAGE,
	    "invalid date '%s': expected YYYY-MM-DD", s);
}

/* Concurrency between writers and the garbage collector (vault_verify.c). */
static int
lock_files(struct dossier *d, short type, int wait)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	while (fcntl(d->lockfd, wait ? F_SETLKW : F_SETLK, &fl) != 0) {
		if (errno == EINTR)
			continue;
		if (!wait && (errno == EACCES || errno == EAGAIN))
			return DOSSIER_EBUSY;
		return err_set(&d->err, DOSSIER_EIO, "cannot lock '%s/%s': %s",
		    d->root, VAULT_LOCK_FILE, strerror(errno));
	}
	return DOSSIER_OK;
}

int
vault_lock_shared(struct dossier *d)
{
	return lock_files(d, F_RDLCK, 1);
}

int
vault_lock_exclusive_try(struct dossier *d)
{
	return lock_files(d, F_WRLCK, 0);
}

void
vault_unlock_files(struct dossier *d)
{
	lock_files(d, F_UNLCK, 1);
}

int
vault_join_path(struct dossier *d, char *out, size_t outsz, const char *root,
    const char *name)
{
	if (snprintf(out, outsz, "%s/%s", root, name) >= (int)outsz)
		return err_set(&d->err, DOSSIER_EUSAGE, "path too long: '%s'",
		    root);
	return DOSSIER_OK;
}

void
vault_cert_of(const struct catalog_user *u, struct keys_cert *c)
{
	c->user = u->name;
	c->role = u->role;
	c->clearance = u->clearance;
	c->x_pub = u->x_pub;
	c->ed_pub = u->ed_pub;
	c->valid_from = u->created;
	c->certifier = u->certifier;
	c->groups = u->groups;
	c->disabled = u->disabled;
}

/* Seals key (kind, level, version) to user u. */
int
vault_seal_to_user(struct dossier *d, const struct catalog_user *u, const char *kind,
    int level, uint32_t version, const unsigned char *key)
{
	struct keys_label lb = { u->name, kind, level, version };
	unsigned char blob[KEYS_SEALED_LEN];
	int rc;

	rc = keys_seal_to(d->vault_id, &lb, u->x_pub, key, blob);
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "cannot seal a key to '%s'",
		    u->name);
	return catalog_sealed_insert(d->cat, &lb, blob, &d->err);
}

int
vault_slot_write(struct dossier *d, const struct catalog_user *u,
    const char *pass, size_t passlen, const unsigned char *secret,
    int one_time, unsigned char salt[KEYS_SALT_LEN])
{
	struct keys_label lb = { u->name, "catalog", 0, 1 };
	struct catalog_slot slot;
	int rc;

	memset(&slot, 0, sizeof(slot));
	keys_kdf_default(&slot.kdf);
	rc = keys_slot_seal(pass, passlen, d->vault_id, u->name, &slot.kdf,
	    secret, slot.salt, slot.blob);
	if (rc == DOSSIER_OK)
		rc = keys_seal_to(d->vault_id, &lb, u->x_pub, d->ck, slot.ck);
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "cannot seal the keys of '%s'",
		    u->name);
	/* Durable before the catalog names it: see try_slot(). */
	rc = catalog_slot_add(d->ring, u->name, &slot, &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_user_set_slot(d->cat, u->name, slot.salt, one_time,
		    &d->err);
	if (rc == DOSSIER_OK)
		memcpy(salt, slot.salt, KEYS_SALT_LEN);
	return rc;
}

void
vault_slot_settle(struct dossier *d, const char *user,
    const unsigned char *salt, const unsigned char *recovery)
{
	struct err ignored;

	(void)catalog_slots_keep(d->ring, user, salt, recovery, &ignored);
}

/* The user's recovery slot's salt, or NULL when there is none. */
const unsigned char *
vault_recovery_of(const struct catalog_user *u)
{
	static const unsigned char none[KEYS_SALT_LEN];

	return crypto_equal(u->recovery, none, KEYS_SALT_LEN) ? NULL :
	    u->recovery;
}

/*
 * The first administrator: key pairs, self-signed certificate, pinned root
 * key (in keyring and catalog), passphrase slot with the catalog key, and
 * one key per level sealed to them.  The catalog key is d->ck already.
 */
static int
create_admin(struct dossier *d, const char *admin, const char *pass,
    size_t passlen)
{
	struct catalog_user *u = &d->user;
	struct keys_cert c;
	struct buf msg = BUF_INIT;
	unsigned char *key, salt[KEYS_SALT_LEN];
	int rc, level;
	int64_t now = vault_now();

	memset(u, 0, sizeof(*u));
	snprintf(u->name, sizeof(u->name), "%s", admin);
	snprintf(u->role, sizeof(u->role), "admin");
	snprintf(u->certifier, sizeof(u->certifier), "%s", admin);
	u->clearance = DOSSIER_LEVEL_TOP_SECRET;
	u->created = now;
	key = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (key == NULL)
		return err_nomem(&d->err);
	rc = crypto_x25519_keypair(u->x_pub, d->secret);
	if (rc == DOSSIER_OK)
		rc = crypto_ed25519_keypair(u->ed_pub,
		    d->secret + CRYPTO_X25519_LEN);
	vault_cert_of(u, &c);
	if (rc == DOSSIER_OK)
		rc = keys_cert_bytes(d->vault_id, &c, &msg);
	if (rc == DOSSIER_OK)
		rc = crypto_ed25519_sign(d->secret + CRYPTO_X25519_LEN,
		    msg.data, msg.len, u->cert);
	if (rc != DOSSIER_OK) {
		err_set(&d->err, rc, "cannot make the administrator's keys");
		goto out;
	}
	memcpy(d->root_pub, u->ed_pub, sizeof(d->root_pub));
	rc = catalog_kv_set(d->ring, "vault_id", d->vault_id,
	    sizeof(d->vault_id), &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_kv_set(d->ring, "root_key", d->root_pub,
		    sizeof(d->root_pub), &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_kv_set(d->cat, "vault_id", d->vault_id,
		    sizeof(d->vault_id), &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_kv_set(d->cat, "root_key", d->root_pub,
		    sizeof(d->root_pub), &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_user_insert(d->cat, u, &d->err);
	if (rc == DOSSIER_OK)
		rc = vault_slot_write(d, u, pass, passlen, d->secret, 0, salt);
	for (level = 0; rc == DOSSIER_OK && level < DOSSIER_NLEVELS; level++) {
		if (crypto_random(key, CRYPTO_KEY_LEN) != 0)
			rc = err_set(&d->err, DOSSIER_EINTERNAL,
			    "no random bytes");
		if (rc == DOSSIER_OK)
			rc = catalog_level_key_insert(d->cat, level, 1, now,
			    &d->err);
		if (rc == DOSSIER_OK)
			rc = vault_seal_to_user(d, u, "level", level, 1, key);
	}
	if (rc == DOSSIER_OK)
		rc = vault_policy_sign(d);
out:
	crypto_secure_free(key, CRYPTO_KEY_LEN);
	buf_release(&msg);
	return rc;
}

static int
dir_empty(const char *dir)
{
	struct dirent *de;
	DIR *dd;
	int empty = 1;

	dd = opendir(dir);
	if (dd == NULL)
		return 0;
	while (empty && (de = readdir(dd)) != NULL)
		empty = strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0;
	closedir(dd);
	return empty;
}

/* Removes a half-built vault directory (only what create made). */
void
vault_remove_tree(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *dd;

	dd = opendir(dir);
	if (dd != NULL) {
		while ((de = readdir(dd)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", dir,
			    de->d_name) >= (int)sizeof(path))
				continue;
			if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
				vault_remove_tree(path);
			else
				unlink(path);
		}
		closedir(dd);
	}
	rmdir(dir);
}

int
vault_write_version(struct dossier *d, const char *dir)
{
	char path[PATH_MAX], tmp[PATH_MAX], text[64];
	int fd, rc, n;

	rc = vault_join_path(d, path, sizeof(path), dir, VAULT_VERSION_FILE);
	if (rc != DOSSIER_OK)
		return rc;
	rc = fs_mktemp(dir, "VERSION-", tmp, sizeof(tmp), &fd, &d->err);
	if (rc != DOSSIER_OK)
		return rc;
	n = snprintf(text, sizeof(text), "dossier vault format %d\n",
	    VAULT_FORMAT);
	rc = fs_write_all(fd, text, (size_t)n, tmp, &d->err);
	if (rc == DOSSIER_OK)
		return fs_commit_file(fd, tmp, path, &d->err);
	close(fd);
	unlink(tmp);
	return rc;
}

/*
 * Builds the vault in a hidden sibling directory and renames it into
 * place at the end, so that a failed or interrupted init leaves nothing.
 */
int
dossier_create(const char *path, const char *admin, const char *pass,
    size_t passlen, struct dossier **dp)
{
	char build[PATH_MAX], sub[PATH_MAX], parent[PATH_MAX], clean[PATH_MAX];
	unsigned char rnd[6];
	size_t n;
	char hex[13];
	struct dossier *d;
	struct stat st;
	const char *slash;
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
	/* "dir/" names dir: the build directory goes beside it, not in it. */
	if (snprintf(clean, sizeof(clean), "%s", path) >= (int)sizeof(clean))
		return err_set(&d->err, DOSSIER_EUSAGE, "path too long");
	for (n = strlen(clean); n > 1 && clean[n - 1] == '/'; n--)
		clean[n - 1] = '\0';
	path = clean;
	rc = vault_check_user_name(&d->err, admin);
	if (rc != DOSSIER_OK)
		return rc;
	rc = vault_check_passphrase(&d->err, pass, passlen);
	if (rc != DOSSIER_OK)
		return rc;
	/* rename() below replaces an empty directory, nothing else. */
	if (stat(path, &st) == 0 && (!S_ISDIR(st.st_mode) || !dir_empty(path)))
		return err_set(&d->err, DOSSIER_ECONFLICT,
		    "cannot create vault '%s': it exists and is not an empty "
		    "directory", path);
	slash = strrchr(path, '/');
	if (snprintf(parent, sizeof(parent), "%.*s",
	    slash == NULL ? 1 : slash == path ? 1 : (int)(slash - path),
	    slash == NULL ? "." : path) >= (int)sizeof(parent))
		return err_set(&d->err, DOSSIER_EUSAGE, "path too long");
	if (crypto_nonce(rnd, sizeof(rnd)) != DOSSIER_OK ||
	    crypto_random(d->vault_id, sizeof(d->vault_id)) != DOSSIER_OK)
		return err_set(&d->err, DOSSIER_EINTERNAL, "no random bytes");
	hex_encode(rnd, sizeof(rnd), hex);
	if (snprintf(build, sizeof(build), "%s.init-%s", path, hex) >=
	    (int)sizeof(build) - 32)
		return err_set(&d->err, DOSSIER_EUSAGE, "path too long: '%s'",
		    path);
	if (mkdir(build, 0700) != 0)
		return err_set(&d->err, errno == ENOENT ? DOSSIER_ENOTFOUND :
		    DOSSIER_EIO, "cannot create vault '%s': %s", path,
		    strerror(errno));
	d->secret = crypto_secure_alloc(KEYS_USER_SECRET_LEN);
	if (d->secret == NULL) {
		rc = err_nomem(&d->err);
		goto fail;
	}
	rc = vault_write_version(d, build);
	if (rc == DOSSIER_OK)
		rc = store_create_dirs(build, &d->err);
	if (rc == DOSSIER_OK)
		rc = vault_join_path(d, sub, sizeof(sub), build, "index");
	if (rc == DOSSIER_OK)
		rc = fs_mkdir(sub, &d->err);
	if (rc == DOSSIER_OK)
		rc = vault_join_path(d, sub, sizeof(sub), build, VAULT_KEYRING_FILE);
	if (rc == DOSSIER_OK)
		rc = catalog_ring_create(sub, &d->ring, &d->err);
	/* The catalog key first: it encrypts the catalog's pages. */
	d->ck = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (rc == DOSSIER_OK && d->ck == NULL)
		rc = err_nomem(&d->err);
	if (rc == DOSSIER_OK && crypto_random(d->ck, CRYPTO_KEY_LEN) != 0)
		rc = err_set(&d->err, DOSSIER_EINTERNAL, "no random bytes");
	if (rc == DOSSIER_OK)
		rc = vault_open_catalog(d, build, 1);
	if (rc == DOSSIER_OK)
		rc = catalog_begin(d->cat, &d->err);
	if (rc == DOSSIER_OK)
		rc = create_admin(d, admin, pass, passlen);
	/* The audit log starts with the administrator and their key. */
	if (rc == DOSSIER_OK)
		rc = vault_audit_publish(d);
	if (rc == DOSSIER_OK) {
		char key[2 * CRYPTO_ED25519_PUB_LEN + 1];

		vault_op(d, "init", 0);
		hex_encode(d->user.ed_pub, CRYPTO_ED25519_PUB_LEN, key);
		rc = vault_op_detail(d, "user", admin);
		if (rc == DOSSIER_OK)
			rc = vault_op_detail(d, "key", key);
	}
	if (rc == DOSSIER_OK)
		rc = vault_audit_append(d, "allowed");
	if (rc == DOSSIER_OK)
		rc = catalog_commit(d->cat, &d->err);
	if (rc != DOSSIER_OK)
		goto fail;
	/* Close before the rename: SQLite keeps the path it opened. */
	catalog_close(d->cat);
	d->cat = NULL;
	catalog_close(d->ring);
	d->ring = NULL;
	if (rename(build, path) != 0) {
		rc = err_set(&d->err, DOSSIER_EIO,
		    "cannot create vault '%s': %s", path, strerror(errno));
		goto fail;
	}
	rc = fs_sync_dir(parent, &d->err);
	if (rc != DOSSIER_OK)
		return rc;
	snprintf(d->root, sizeof(d->root), "%s", path);
	rc = vault_open_parts(d);
	if (rc == DOSSIER_OK)
		rc = vault_open_catalog(d, d->root, 0);
	if (rc == DOSSIER_OK)
		rc = vault_load_keys(d);
	if (rc == DOSSIER_OK)
		d->unlocked = 1;
	/* Its checkpoint, now that audit.witness has its place. */
	if (rc == DOSSIER_OK)
		rc = vault_audit_finish(d, rc);
	else
		vault_lock_keys(d);
	return rc;
fail:
	d->audit.action = NULL;
	catalog_close(d->cat);
	d->cat = NULL;
	catalog_close(d->ring);
	d->ring = NULL;
	vault_lock_keys(d);
	vault_remove_tree(build);
	return rc;
}
