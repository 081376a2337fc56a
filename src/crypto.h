/*
 * crypto.h: every cryptographic primitive dossier uses, on libgcrypt.
 *
 * crypto.c is the only file that includes <gcrypt.h>.  Functions return
 * DOSSIER_OK, DOSSIER_ECORRUPT when an authentication tag or signature does
 * not verify, DOSSIER_EUSAGE for out-of-range parameters, DOSSIER_ENOMEM,
 * or DOSSIER_EINTERNAL when libgcrypt fails.  No function keeps a copy of
 * a key after it returns, except the contexts that say so.
 */
#ifndef DOSSIER_CRYPTO_H
#define DOSSIER_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_KEY_LEN 32	/* AES-256, HMAC and HKDF keys */
#define CRYPTO_NONCE_LEN 12	/* GCM */
#define CRYPTO_TAG_LEN 16	/* GCM */
#define CRYPTO_HASH_LEN 32	/* SHA-256, HMAC-SHA256 */
#define CRYPTO_X25519_LEN 32	/* public and secret keys, shared secrets */
#define CRYPTO_ED25519_PUB_LEN 32
#define CRYPTO_ED25519_SEC_LEN 32 /* the RFC 8032 seed */
#define CRYPTO_ED25519_SIG_LEN 64

/*
 * Argon2id bounds enforced before any memory is allocated.  The floor
 * keeps slots from being made cheap to attack; the ceiling keeps a hostile
 * slot from exhausting memory or time.
 */
#ifdef DOSSIER_TEST_CHEAP_KDF
/*
 * Only in the sanitizer build of the tests (make asan; docs/SECURITY.md):
 * every unlock there costs milliseconds, not a fifth of a second.  No
 * release build defines it, and no environment variable changes these.
 */
#define CRYPTO_ARGON2_M_MIN (8u * 1024)
#define CRYPTO_ARGON2_T_MIN 1u
#define CRYPTO_ARGON2_M_DEFAULT (8u * 1024)
#define CRYPTO_ARGON2_T_DEFAULT 1u
#else
#define CRYPTO_ARGON2_M_MIN (64u * 1024)      /* KiB */
#define CRYPTO_ARGON2_T_MIN 3u
#define CRYPTO_ARGON2_M_DEFAULT (64u * 1024)
#define CRYPTO_ARGON2_T_DEFAULT 3u
#endif
#define CRYPTO_ARGON2_M_MAX (4u * 1024 * 1024) /* KiB: 4 GiB */
#define CRYPTO_ARGON2_T_MAX 64u
#define CRYPTO_ARGON2_P_MIN 1u
#define CRYPTO_ARGON2_P_MAX 16u
#define CRYPTO_ARGON2_P_DEFAULT 4u

/*
 * Initialises libgcrypt with secure memory (for applications: see
 * dossier_library_init()).  Idempotent.
 */
int crypto_global_init(void);

/* 0 when libgcrypt has been initialised, else DOSSIER_EMISUSE. */
int crypto_check_init(void);

/* Zeroed memory from the secure (locked) pool; NULL when exhausted. */
void *crypto_secure_alloc(size_t n);
/* Wipes n bytes, then frees; p may be NULL. */
void crypto_secure_free(void *p, size_t n);
void crypto_wipe(void *p, size_t n);

/* Constant-time comparison: 1 when equal, else 0. */
int crypto_equal(const void *a, const void *b, size_t n);

/* Key-grade random bytes (keys, salts). */
int crypto_random(void *p, size_t n);
/* Nonce-grade random bytes (unpredictable, not secret). */
int crypto_nonce(void *p, size_t n);

/* One-shot SHA-256 and HMAC-SHA256. */
int crypto_sha256(const void *p, size_t n, unsigned char out[CRYPTO_HASH_LEN]);
int crypto_hmac_sha256(const unsigned char *key, size_t keylen, const void *p,
    size_t n, unsigned char out[CRYPTO_HASH_LEN]);

/*
 * Streaming SHA-256 (key == NULL) or HMAC-SHA256 over any amount of data.
 * crypto_hash_final() writes the digest; the context is then spent but
 * must still be freed.  crypto_hash_free() accepts NULL.
 */
struct crypto_hash;
int crypto_hash_new(struct crypto_hash **hp, const unsigned char *key,
    size_t keylen);
int crypto_hash_update(struct crypto_hash *h, const void *p, size_t n);
int crypto_hash_final(struct crypto_hash *h, unsigned char out[CRYPTO_HASH_LEN]);
void crypto_hash_free(struct crypto_hash *h);

/* HKDF-SHA256 (RFC 5869), built on HMAC-SHA256.  okmlen <= 255 * 32. */
int crypto_hkdf(const unsigned char *ikm, size_t ikmlen,
    const unsigned char *salt, size_t saltlen, const void *info,
    size_t infolen, unsigned char *okm, size_t okmlen);

/*
 * Argon2id (RFC 9106) of pass with salt, optional secret and associated
 * data, into out.  t = passes, m = memory in KiB, p = lanes.  Parameters
 * outside the CRYPTO_ARGON2_* bounds give DOSSIER_EUSAGE before any work.
 * crypto_argon2id_raw() skips the bounds, for known-answer tests only.
 */
int crypto_argon2id(const void *pass, size_t passlen,
    const unsigned char *salt, size_t saltlen, const void *ad, size_t adlen,
    uint32_t t, uint32_t m, uint32_t p, unsigned char *out, size_t outlen);
int crypto_argon2id_raw(const void *pass, size_t passlen,
    const unsigned char *salt, size_t saltlen, const void *secret,
    size_t secretlen, const void *ad, size_t adlen, uint32_t t, uint32_t m,
    uint32_t p, unsigned char *out, size_t outlen);

/*
 * AES-256-GCM.  seal writes n bytes of ciphertext to ct (may equal pt) and
 * the tag; open verifies the tag before it writes anything to pt and
 * returns DOSSIER_ECORRUPT (pt untouched) when it does not verify.
 */
int crypto_aead_seal(const unsigned char key[CRYPTO_KEY_LEN],
    const unsigned char nonce[CRYPTO_NONCE_LEN], const void *ad, size_t adlen,
    const void *pt, size_t n, void *ct, unsigned char tag[CRYPTO_TAG_LEN]);
int crypto_aead_open(const unsigned char key[CRYPTO_KEY_LEN],
    const unsigned char nonce[CRYPTO_NONCE_LEN], const void *ad, size_t adlen,
    const void *ct, size_t n, const unsigned char tag[CRYPTO_TAG_LEN],
    void *pt);

/*
 * The same with a key set once, for many chunks or pages.  The context
 * holds the key in secure memory until crypto_aead_free() (accepts NULL).
 * For open, pt may equal ct only if the caller discards pt on failure.
 */
struct crypto_aead;
int crypto_aead_new(struct crypto_aead **ap,
    const unsigned char key[CRYPTO_KEY_LEN]);
int crypto_aead_seal_with(struct crypto_aead *a,
    const unsigned char nonce[CRYPTO_NONCE_LEN], const void *ad, size_t adlen,
    const void *pt, size_t n, void *ct, unsigned char tag[CRYPTO_TAG_LEN]);
int crypto_aead_open_with(struct crypto_aead *a,
    const unsigned char nonce[CRYPTO_NONCE_LEN], const void *ad, size_t adlen,
    const void *ct, size_t n, const unsigned char tag[CRYPTO_TAG_LEN],
    void *pt);
void crypto_aead_free(struct crypto_aead *a);

/*
 * X25519 (RFC 7748).  crypto_x25519() refuses (DOSSIER_ECORRUPT) a peer
 * key that yields the all-zero shared secret.
 */
int crypto_x25519_keypair(unsigned char pub[CRYPTO_X25519_LEN],
    unsigned char sec[CRYPTO_X25519_LEN]);
int crypto_x25519_public(const unsigned char sec[CRYPTO_X25519_LEN],
    unsigned char pub[CRYPTO_X25519_LEN]);
int crypto_x25519(const unsigned char sec[CRYPTO_X25519_LEN],
    const unsigned char peer[CRYPTO_X25519_LEN],
    unsigned char shared[CRYPTO_X25519_LEN]);

/* Ed25519 (RFC 8032, pure). verify returns DOSSIER_ECORRUPT on mismatch. */
int crypto_ed25519_keypair(unsigned char pub[CRYPTO_ED25519_PUB_LEN],
    unsigned char sec[CRYPTO_ED25519_SEC_LEN]);
int crypto_ed25519_public(const unsigned char sec[CRYPTO_ED25519_SEC_LEN],
    unsigned char pub[CRYPTO_ED25519_PUB_LEN]);
int crypto_ed25519_sign(const unsigned char sec[CRYPTO_ED25519_SEC_LEN],
    const void *msg, size_t n, unsigned char sig[CRYPTO_ED25519_SIG_LEN]);
int crypto_ed25519_verify(const unsigned char pub[CRYPTO_ED25519_PUB_LEN],
    const void *msg, size_t n, const unsigned char sig[CRYPTO_ED25519_SIG_LEN]);

#endif
