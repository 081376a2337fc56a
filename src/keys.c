/* keys.c: the key hierarchy.  See keys.h and docs/SECURITY.md. */
#include <string.h>

#include "dossier.h"
#include "buf.h"
#include "keys.h"

#define SLOT_DOMAIN "dossier-slot-v1"
#define KEK_DOMAIN "dossier-kek-v1"
#define SEAL_DOMAIN "dossier-seal-v1"
#define DEK_DOMAIN "dossier-dek-v1"
#define CERT_DOMAIN "dossier-cert-v1"

void
keys_kdf_default(struct keys_kdf *k)
{
	k->t = CRYPTO_ARGON2_T_DEFAULT;
	k->m = CRYPTO_ARGON2_M_DEFAULT;
	k->p = CRYPTO_ARGON2_P_DEFAULT;
}

/* domain | vault id | user, each length-prefixed. */
static int
user_ad(struct buf *ad, const char *domain, const unsigned char *vault_id,
    const char *user)
{
	if (buf_put_lv(ad, domain, strlen(domain)) != 0 ||
	    buf_put_lv(ad, vault_id, KEYS_VAULT_ID_LEN) != 0 ||
	    buf_put_lv(ad, user, strlen(user)) != 0)
		return DOSSIER_ENOMEM;
	return DOSSIER_OK;
}

static int
derive_kek(const void *pass, size_t passlen, const unsigned char *vault_id,
    const char *user, const struct keys_kdf *k, const unsigned char *salt,
    unsigned char *kek)
{
	struct buf ad = BUF_INIT;
	int rc;

	rc = user_ad(&ad, KEK_DOMAIN, vault_id, user);
	if (rc == DOSSIER_OK)
		rc = crypto_argon2id(pass, passlen, salt, KEYS_SALT_LEN,
		    ad.data, ad.len, k->t, k->m, k->p, kek, CRYPTO_KEY_LEN);
	buf_release(&ad);
	return rc;
}

int
keys_slot_seal(const void *pass, size_t passlen, const unsigned char *vault_id,
    const char *user, const struct keys_kdf *k, const unsigned char *secret,
    unsigned char salt[KEYS_SALT_LEN], unsigned char blob[KEYS_SLOT_BLOB_LEN])
{
	struct buf ad = BUF_INIT;
	unsigned char *kek;
	int rc;

	kek = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (kek == NULL)
		return DOSSIER_ENOMEM;
	rc = crypto_random(salt, KEYS_SALT_LEN);
	if (rc == DOSSIER_OK)
		rc = crypto_nonce(blob, CRYPTO_NONCE_LEN);
	if (rc == DOSSIER_OK)
		rc = derive_kek(pass, passlen, vault_id, user, k, salt, kek);
	if (rc == DOSSIER_OK)
		rc = user_ad(&ad, SLOT_DOMAIN, vault_id, user);
	if (rc == DOSSIER_OK)
		rc = crypto_aead_seal(kek, blob, ad.data, ad.len, secret,
		    KEYS_USER_SECRET_LEN, blob + CRYPTO_NONCE_LEN,
		    blob + CRYPTO_NONCE_LEN + KEYS_USER_SECRET_LEN);
	crypto_secure_free(kek, CRYPTO_KEY_LEN);
	buf_release(&ad);
	return rc;
}

int
keys_slot_open(const void *pass, size_t passlen, const unsigned char *vault_id,
    const char *user, const struct keys_kdf *k,
    const unsigned char salt[KEYS_SALT_LEN], const unsigned char *blob,
    unsigned char *secret)
{
	struct buf ad = BUF_INIT;
	unsigned char *kek;
	int rc;

	kek = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (kek == NULL)
		return DOSSIER_ENOMEM;
	rc = derive_kek(pass, passlen, vault_id, user, k, salt, kek);
	if (rc == DOSSIER_OK)
		rc = user_ad(&ad, SLOT_DOMAIN, vault_id, user);
	if (rc == DOSSIER_OK && blob == NULL)
		rc = DOSSIER_EAUTH;
	if (rc == DOSSIER_OK) {
		rc = crypto_aead_open(kek, blob, ad.data, ad.len,
		    blob + CRYPTO_NONCE_LEN, KEYS_USER_SECRET_LEN,
		    blob + CRYPTO_NONCE_LEN + KEYS_USER_SECRET_LEN, secret);
		if (rc == DOSSIER_ECORRUPT)
			rc = DOSSIER_EAUTH;
	}
	crypto_secure_free(kek, CRYPTO_KEY_LEN);
	buf_release(&ad);
	return rc;
}

static int
label_ad(struct buf *ad, const unsigned char *vault_id,
    const struct keys_label *lb, const unsigned char *eph,
    const unsigned char *pub)
{
	if (user_ad(ad, SEAL_DOMAIN, vault_id, lb->user) != DOSSIER_OK ||
	    buf_put_lv(ad, lb->kind, strlen(lb->kind)) != 0 ||
	    buf_put_u32(ad, (uint32_t)lb->level) != 0 ||
	    buf_put_u32(ad, lb->version) != 0 ||
	    buf_put_lv(ad, eph, CRYPTO_X25519_LEN) != 0 ||
	    buf_put_lv(ad, pub, CRYPTO_X25519_LEN) != 0)
		return DOSSIER_ENOMEM;
	return DOSSIER_OK;
}

/*
 * The box key: HKDF(X25519 shared secret, salt = eph | pub, info = AD).
 * Each box has a fresh ephemeral key, so its key is used once and a zero
 * nonce is safe.
 */
static int
box_key(const unsigned char *shared, const unsigned char *eph,
    const unsigned char *pub, const struct buf *ad, unsigned char *key)
{
	unsigned char salt[2 * CRYPTO_X25519_LEN];

	memcpy(salt, eph, CRYPTO_X25519_LEN);
	memcpy(salt + CRYPTO_X25519_LEN, pub, CRYPTO_X25519_LEN);
	return crypto_hkdf(shared, CRYPTO_X25519_LEN, salt, sizeof(salt),
	    ad->data, ad->len, key, CRYPTO_KEY_LEN);
}

int
keys_seal_to(const unsigned char *vault_id, const struct keys_label *lb,
    const unsigned char pub[CRYPTO_X25519_LEN],
    const unsigned char key[CRYPTO_KEY_LEN], unsigned char blob[KEYS_SEALED_LEN])
{
	static const unsigned char zero_nonce[CRYPTO_NONCE_LEN];
	struct buf ad = BUF_INIT;
	unsigned char *esec, *shared, *bkey;
	int rc;

	esec = crypto_secure_alloc(3 * CRYPTO_KEY_LEN);
	if (esec == NULL)
		return DOSSIER_ENOMEM;
	shared = esec + CRYPTO_KEY_LEN;
	bkey = shared + CRYPTO_KEY_LEN;
	rc = crypto_x25519_keypair(blob, esec);
	if (rc == DOSSIER_OK)
		rc = crypto_x25519(esec, pub, shared);
	if (rc == DOSSIER_OK)
		rc = label_ad(&ad, vault_id, lb, blob, pub);
	if (rc == DOSSIER_OK)
		rc = box_key(shared, blob, pub, &ad, bkey);
	if (rc == DOSSIER_OK)
		rc = crypto_aead_seal(bkey, zero_nonce, ad.data, ad.len, key,
		    CRYPTO_KEY_LEN, blob + CRYPTO_X25519_LEN,
		    blob + CRYPTO_X25519_LEN + CRYPTO_KEY_LEN);
	crypto_secure_free(esec, 3 * CRYPTO_KEY_LEN);
	buf_release(&ad);
	return rc;
}

int
keys_unseal(const unsigned char *vault_id, const struct keys_label *lb,
    const unsigned char sec[CRYPTO_X25519_LEN],
    const unsigned char blob[KEYS_SEALED_LEN], unsigned char key[CRYPTO_KEY_LEN])
{
	static const unsigned char zero_nonce[CRYPTO_NONCE_LEN];
	struct buf ad = BUF_INIT;
	unsigned char pub[CRYPTO_X25519_LEN], *shared, *bkey;
	int rc;

	shared = crypto_secure_alloc(2 * CRYPTO_KEY_LEN);
	if (shared == NULL)
		return DOSSIER_ENOMEM;
	bkey = shared + CRYPTO_KEY_LEN;
	rc = crypto_x25519_public(sec, pub);
	if (rc == DOSSIER_OK)
		rc = crypto_x25519(sec, blob, shared);
	if (rc == DOSSIER_OK)
		rc = label_ad(&ad, vault_id, lb, blob, pub);
	if (rc == DOSSIER_OK)
		rc = box_key(shared, blob, pub, &ad, bkey);
	if (rc == DOSSIER_OK)
		rc = crypto_aead_open(bkey, zero_nonce, ad.data, ad.len,
		    blob + CRYPTO_X25519_LEN, CRYPTO_KEY_LEN,
		    blob + CRYPTO_X25519_LEN + CRYPTO_KEY_LEN, key);
	crypto_secure_free(shared, 2 * CRYPTO_KEY_LEN);
	buf_release(&ad);
	return rc;
}

int
keys_derive(const unsigned char *vault_id, const unsigned char lk[CRYPTO_KEY_LEN],
    enum keys_purpose purpose, unsigned char out[CRYPTO_KEY_LEN])
{
	static const char *const info[] = {
		[KEYS_INDEX] = "dossier-index-v1",
		[KEYS_META] = "dossier-meta-v1",
		[KEYS_META_MAC] = "dossier-meta-mac-v1",
		[KEYS_DEDUP] = "dossier-dedup-v1",
		[KEYS_WRAP] = "dossier-wrap-v1",
		[KEYS_CATEGORY] = "dossier-grant-category-v1",
		[KEYS_AUDIT] = "dossier-audit-pending-v1",
		[KEYS_PAGES] = "dossier-catalog-pages-v1",
	};

	if ((unsigned)purpose >= sizeof(info) / sizeof(info[0]))
		return DOSSIER_EINTERNAL;
	return crypto_hkdf(lk, CRYPTO_KEY_LEN, vault_id, KEYS_VAULT_ID_LEN,
	    info[purpose], strlen(info[purpose]), out, CRYPTO_KEY_LEN);
}

static int
dek_ad(struct buf *ad, const unsigned char *vault_id,
    const struct keys_dek_label *lb)
{
	if (buf_put_lv(ad, DEK_DOMAIN, strlen(DEK_DOMAIN)) != 0 ||
	    buf_put_lv(ad, vault_id, KEYS_VAULT_ID_LEN) != 0 ||
	    buf_put_u64(ad, lb->doc) != 0 ||
	    buf_put_u32(ad, lb->version) != 0 ||
	    buf_put_u32(ad, (uint32_t)lb->level) != 0 ||
	    buf_put_u32(ad, lb->key_version) != 0)
		return DOSSIER_ENOMEM;
	return DOSSIER_OK;
}

int
keys_wrap_dek(const unsigned char *vault_id,
    const unsigned char wrapkey[CRYPTO_KEY_LEN], const struct keys_dek_label *lb,
    const unsigned char dek[CRYPTO_KEY_LEN], unsigned char blob[KEYS_WRAPPED_LEN])
{
	struct buf ad = BUF_INIT;
	int rc;

	rc = dek_ad(&ad, vault_id, lb);
	if (rc == DOSSIER_OK)
		rc = crypto_nonce(blob, CRYPTO_NONCE_LEN);
	if (rc == DOSSIER_OK)
		rc = crypto_aead_seal(wrapkey, blob, ad.data, ad.len, dek,
		    CRYPTO_KEY_LEN, blob + CRYPTO_NONCE_LEN,
		    blob + CRYPTO_NONCE_LEN + CRYPTO_KEY_LEN);
	buf_release(&ad);
	return rc;
}

int
keys_unwrap_dek(const unsigned char *vault_id,
    const unsigned char wrapkey[CRYPTO_KEY_LEN], const struct keys_dek_label *lb,
    const unsigned char blob[KEYS_WRAPPED_LEN], unsigned char dek[CRYPTO_KEY_LEN])
{
	struct buf ad = BUF_INIT;
	int rc;

	rc = dek_ad(&ad, vault_id, lb);
	if (rc == DOSSIER_OK)
		rc = crypto_aead_open(wrapkey, blob, ad.data, ad.len,
		    blob + CRYPTO_NONCE_LEN, CRYPTO_KEY_LEN,
		    blob + CRYPTO_NONCE_LEN + CRYPTO_KEY_LEN, dek);
	buf_release(&ad);
	return rc;
}

int
keys_seal_data(const unsigned char key[CRYPTO_KEY_LEN], const void *ad,
    size_t adlen, const void *p, size_t n, struct buf *out)
{
	unsigned char *dst;
	int rc;

	if (buf_grow(out, n + KEYS_DATA_OVERHEAD) != 0)
		return DOSSIER_ENOMEM;
	dst = out->data + out->len;
	rc = crypto_nonce(dst, CRYPTO_NONCE_LEN);
	if (rc == DOSSIER_OK)
		rc = crypto_aead_seal(key, dst, ad, adlen, p, n,
		    dst + CRYPTO_NONCE_LEN, dst + CRYPTO_NONCE_LEN + n);
	if (rc != DOSSIER_OK)
		return rc;
	out->len += n + KEYS_DATA_OVERHEAD;
	out->data[out->len] = '\0';
	return DOSSIER_OK;
}

int
keys_open_data(const unsigned char key[CRYPTO_KEY_LEN], const void *ad,
    size_t adlen, const void *blob, size_t n, struct buf *out)
{
	const unsigned char *b = blob;
	size_t pn;
	int rc;

	if (n < KEYS_DATA_OVERHEAD)
		return DOSSIER_ECORRUPT;
	pn = n - KEYS_DATA_OVERHEAD;
	if (buf_grow(out, pn) != 0)
		return DOSSIER_ENOMEM;
	rc = crypto_aead_open(key, b, ad, adlen, b + CRYPTO_NONCE_LEN, pn,
	    b + CRYPTO_NONCE_LEN + pn, out->data + out->len);
	if (rc != DOSSIER_OK)
		return rc;
	out->len += pn;
	out->data[out->len] = '\0';
	return DOSSIER_OK;
}

int
keys_cert_bytes(const unsigned char *vault_id, const struct keys_cert *c,
    struct buf *out)
{
	if (user_ad(out, CERT_DOMAIN, vault_id, c->user) != DOSSIER_OK ||
	    buf_put_lv(out, c->role, strlen(c->role)) != 0 ||
	    buf_put_u32(out, (uint32_t)c->clearance) != 0 ||
	    buf_put_lv(out, c->x_pub, CRYPTO_X25519_LEN) != 0 ||
	    buf_put_lv(out, c->ed_pub, CRYPTO_ED25519_PUB_LEN) != 0 ||
	    buf_put_u64(out, (uint64_t)c->valid_from) != 0 ||
	    buf_put_lv(out, c->certifier, strlen(c->certifier)) != 0 ||
	    buf_put_lv(out, c->groups, strlen(c->groups)) != 0 ||
	    buf_put_u32(out, c->disabled ? 1 : 0) != 0)
		return DOSSIER_ENOMEM;
	return DOSSIER_OK;
}
