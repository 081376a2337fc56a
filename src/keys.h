/*
 * keys.h: the key hierarchy of docs/SECURITY.md, as pure functions over
 * byte strings.  The catalog stores what these functions produce; vault.c
 * moves it between the two.
 *
 *	passphrase --Argon2id--> KEK --AEAD--> user secrets (X25519, Ed25519)
 *	catalog key CK, level keys LK[l,v]: sealed to each user (X25519)
 *	HKDF(LK, purpose): index, meta, meta-mac, dedup and wrap keys
 *	DEK per object, wrapped under the wrap key of LK[l,v]
 *
 * Every sealed or wrapped blob binds its meaning (vault id, user, level,
 * key version, document, version) in its associated data, so a blob moved
 * to another row does not open.  Functions return DOSSIER_OK,
 * DOSSIER_ECORRUPT when a blob does not open or verify, or another
 * negative code; they set no message (the caller knows the context).
 */
#ifndef DOSSIER_KEYS_H
#define DOSSIER_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

struct buf;

#define KEYS_VAULT_ID_LEN 16
#define KEYS_SALT_LEN 16
/* X25519 secret | Ed25519 seed */
#define KEYS_USER_SECRET_LEN (CRYPTO_X25519_LEN + CRYPTO_ED25519_SEC_LEN)
#define KEYS_SLOT_BLOB_LEN \
	(CRYPTO_NONCE_LEN + KEYS_USER_SECRET_LEN + CRYPTO_TAG_LEN)
/* ephemeral public key | sealed 32-byte key | tag */
#define KEYS_SEALED_LEN (CRYPTO_X25519_LEN + CRYPTO_KEY_LEN + CRYPTO_TAG_LEN)
#define KEYS_WRAPPED_LEN (CRYPTO_NONCE_LEN + CRYPTO_KEY_LEN + CRYPTO_TAG_LEN)
/* Overhead of keys_seal_data(): nonce and tag. */
#define KEYS_DATA_OVERHEAD (CRYPTO_NONCE_LEN + CRYPTO_TAG_LEN)

/* What a key derived from a level key is for. */
enum keys_purpose {
	KEYS_INDEX,	/* pages of index/LEVEL.db */
	KEYS_META,	/* sealed metadata */
	KEYS_META_MAC,	/* keyed hashes of metadata, for filters */
	KEYS_DEDUP,	/* keyed content hash, for duplicate detection */
	KEYS_WRAP,	/* wrapping of per-object data keys */
	KEYS_CATEGORY,	/* from the catalog key: keyed hash of grant categories */
	KEYS_AUDIT,	/* from the catalog key: X25519 secret for audit.pending */
	KEYS_PAGES	/* from the catalog key: pages of dossier.db */
};

/* Argon2id parameters of one passphrase slot. */
struct keys_kdf {
	uint32_t t, m, p;
};

/* The default parameters (docs/SECURITY.md). */
void keys_kdf_default(struct keys_kdf *k);

/*
 * The user secrets (KEYS_USER_SECRET_LEN bytes) sealed under a key derived
 * from pass, with a fresh salt: writes salt and blob.
 */
int keys_slot_seal(const void *pass, size_t passlen,
    const unsigned char *vault_id, const char *user, const struct keys_kdf *k,
    const unsigned char *secret, unsigned char salt[KEYS_SALT_LEN],
    unsigned char blob[KEYS_SLOT_BLOB_LEN]);

/*
 * Opens a slot into secret.  Runs the full Argon2id even for a dummy slot
 * (blob NULL) so that unknown users cost the same as wrong passphrases;
 * the dummy case returns DOSSIER_EAUTH.  A wrong passphrase is
 * DOSSIER_EAUTH too.
 */
int keys_slot_open(const void *pass, size_t passlen,
    const unsigned char *vault_id, const char *user, const struct keys_kdf *k,
    const unsigned char salt[KEYS_SALT_LEN],
    const unsigned char *blob, unsigned char *secret);

/*
 * What a sealed key is: the catalog key ("catalog", level 0, version 1)
 * or a level key ("level", l, v), for user.
 */
struct keys_label {
	const char *user;
	const char *kind;
	int level;
	uint32_t version;
};

/* Seals a 32-byte key to the holder of the X25519 public key pub. */
int keys_seal_to(const unsigned char *vault_id, const struct keys_label *lb,
    const unsigned char pub[CRYPTO_X25519_LEN],
    const unsigned char key[CRYPTO_KEY_LEN],
    unsigned char blob[KEYS_SEALED_LEN]);
int keys_unseal(const unsigned char *vault_id, const struct keys_label *lb,
    const unsigned char sec[CRYPTO_X25519_LEN],
    const unsigned char blob[KEYS_SEALED_LEN],
    unsigned char key[CRYPTO_KEY_LEN]);

/* HKDF(lk, salt = vault id, info = purpose label). */
int keys_derive(const unsigned char *vault_id,
    const unsigned char lk[CRYPTO_KEY_LEN], enum keys_purpose purpose,
    unsigned char out[CRYPTO_KEY_LEN]);

/* Where a data key belongs: bound into its wrapping. */
struct keys_dek_label {
	uint64_t doc;
	uint32_t version;
	int level;
	uint32_t key_version;
};

int keys_wrap_dek(const unsigned char *vault_id,
    const unsigned char wrapkey[CRYPTO_KEY_LEN], const struct keys_dek_label *lb,
    const unsigned char dek[CRYPTO_KEY_LEN],
    unsigned char blob[KEYS_WRAPPED_LEN]);
int keys_unwrap_dek(const unsigned char *vault_id,
    const unsigned char wrapkey[CRYPTO_KEY_LEN], const struct keys_dek_label *lb,
    const unsigned char blob[KEYS_WRAPPED_LEN],
    unsigned char dek[CRYPTO_KEY_LEN]);

/*
 * Seals n bytes of data under key with associated data ad; out receives
 * nonce | ciphertext | tag (n + KEYS_DATA_OVERHEAD bytes, appended).
 * keys_open_data() appends the plaintext to out.
 */
int keys_seal_data(const unsigned char key[CRYPTO_KEY_LEN], const void *ad,
    size_t adlen, const void *p, size_t n, struct buf *out);
int keys_open_data(const unsigned char key[CRYPTO_KEY_LEN], const void *ad,
    size_t adlen, const void *blob, size_t n, struct buf *out);

/* A user certificate: what an administrator signs about a user. */
struct keys_cert {
	const char *user;
	const char *role;
	int clearance;
	const unsigned char *x_pub;
	const unsigned char *ed_pub;
	int64_t valid_from;
	const char *certifier;
	const char *groups; /* "a,b", sorted */
	int disabled;
};

/* The canonical bytes of a certificate, appended to out. */
int keys_cert_bytes(const unsigned char *vault_id, const struct keys_cert *c,
    struct buf *out);

#endif
