/*
 * crypto.c: see crypto.h.  The only file that includes <gcrypt.h>.
 *
 * Every libgcrypt call that can fail is checked.  A libgcrypt failure
 * becomes DOSSIER_ENOMEM when it ran out of memory, else
 * DOSSIER_EINTERNAL; a tag or signature that does not verify is
 * DOSSIER_ECORRUPT.  Outputs are wiped when a function fails, so that a
 * caller that ignores the result never uses half-made key material.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

#include "buf.h"
#include "crypto.h"
#include "dossier.h"

/*
 * The secure (mlock'ed) pool.  It holds key schedules, HMAC states, the
 * HKDF state and small decryption scratch buffers; 1 MiB is well under
 * the usual 8 MiB RLIMIT_MEMLOCK.
 */
#define SECMEM_POOL_SIZE (1024u * 1024)

/*
 * Scratch buffers for crypto_aead_open() come from the secure pool up to
 * this size (one 64 KiB object chunk), from the heap above it or when the
 * pool is short, so that bulk data never starves key allocations.
 */
#define SCRATCH_SECURE_MAX (64u * 1024)

/* Where a pointer may be NULL with a zero length, libgcrypt gets this. */
static const unsigned char empty[1];

/* Maps a libgcrypt failure to a result code. */
static int
gcry_rc(gcry_error_t err)
{
	if (gcry_err_code(err) == GPG_ERR_ENOMEM)
		return DOSSIER_ENOMEM;
	return DOSSIER_EINTERNAL;
}

/* p, or a valid pointer when p is NULL (only used with length 0). */
static const void *
nonnull(const void *p)
{
	return p != NULL ? p : empty;
}

/* 1 when all n bytes of p are zero, in time independent of the bytes. */
static int
ct_is_zero(const unsigned char *p, size_t n)
{
	const volatile unsigned char *vp = p;
	unsigned int acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= vp[i];
	return (int)(((acc - 1u) >> 8) & 1u);
}

int
crypto_global_init(void)
{
	gcry_error_t err;

	if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P) != 0)
		return DOSSIER_OK;
	if (gcry_check_version(GCRYPT_VERSION) == NULL)
		return DOSSIER_EINTERNAL;
	err = gcry_control(GCRYCTL_SUSPEND_SECMEM_WARN);
	if (err != 0)
		return DOSSIER_EINTERNAL;
	err = gcry_control(
	    GCRYCTL_INIT_SECMEM, (unsigned int)SECMEM_POOL_SIZE, 0);
	if (err != 0) {
		/*
		 * libgcrypt 1.10 fails this when the pool was made but could
		 * not be locked (RLIMIT_MEMLOCK too low, no CAP_IPC_LOCK).
		 * The pool still works and is still wiped; it may be swapped
		 * out.  Refusing to run would make dossier
		 * unusable in ordinary containers, so carry on, and keep
		 * libgcrypt from printing "using insecure memory" on the
		 * application's stderr: a library does not write there.
		 */
		err = gcry_control(GCRYCTL_DISABLE_SECMEM_WARN);
		if (err != 0)
			return DOSSIER_EINTERNAL;
	}
	err = gcry_control(GCRYCTL_RESUME_SECMEM_WARN);
	if (err != 0)
		return DOSSIER_EINTERNAL;
	err = gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	if (err != 0)
		return DOSSIER_EINTERNAL;
	return DOSSIER_OK;
}

int
crypto_check_init(void)
{
	if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P) == 0)
		return DOSSIER_EMISUSE;
	return DOSSIER_OK;
}

void *
crypto_secure_alloc(size_t n)
{
	if (crypto_check_init() != DOSSIER_OK)
		return NULL;
	/* Never 0 bytes, so that NULL always means "exhausted". */
	return gcry_calloc_secure(1, n > 0 ? n : 1);
}

void
crypto_secure_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	mem_wipe(p, n);
	gcry_free(p);
}

void
crypto_wipe(void *p, size_t n)
{
	mem_wipe(p, n);
}

int
crypto_equal(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *pa = a;
	const volatile unsigned char *pb = b;
	unsigned int acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= (unsigned int)(pa[i] ^ pb[i]);
	return (int)(((acc - 1u) >> 8) & 1u);
}

/*
 * GCRY_STRONG_RANDOM, not GCRY_VERY_STRONG_RANDOM.  libgcrypt's CSPRNG is
 * seeded from the kernel (getrandom) and reseeds itself; on Linux the
 * kernel has one pool, so VERY_STRONG adds only an extra kernel read per
 * call, and on some systems and older libgcrypt versions a read of
 * /dev/random that can block for minutes.  STRONG is the level GnuPG
 * uses for its session keys, and our keys are generated in the same
 * model.
 */
int
crypto_random(void *p, size_t n)
{
	int rc;

	rc = crypto_check_init();
	if (rc != DOSSIER_OK)
		return rc;
	if (n == 0)
		return DOSSIER_OK;
	if (p == NULL)
		return DOSSIER_EUSAGE;
	gcry_randomize(p, n, GCRY_STRONG_RANDOM);
	return DOSSIER_OK;
}

int
crypto_nonce(void *p, size_t n)
{
	int rc;

	rc = crypto_check_init();
	if (rc != DOSSIER_OK)
		return rc;
	if (n == 0)
		return DOSSIER_OK;
	if (p == NULL)
		return DOSSIER_EUSAGE;
	gcry_create_nonce(p, n);
	return DOSSIER_OK;
}

/* Hashing ------------------------------------------------------------ */

struct crypto_hash {
	gcry_md_hd_t md;
	int spent; /* crypto_hash_final() was called */
};

int
crypto_hash_new(
    struct crypto_hash **hp, const unsigned char *key, size_t keylen)
{
	struct crypto_hash *h = NULL;
	unsigned int flags = 0;
	gcry_error_t err;
	int rc;

	if (hp == NULL)
		return DOSSIER_EUSAGE;
	*hp = NULL;
	if (key == NULL && keylen > 0)
		return DOSSIER_EUSAGE;
	rc = crypto_check_init();
	if (rc != DOSSIER_OK)
		return rc;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return DOSSIER_ENOMEM;
	/* An HMAC state is as good as its key: keep it in the pool. */
	if (key != NULL)
		flags = GCRY_MD_FLAG_HMAC | GCRY_MD_FLAG_SECURE;
	err = gcry_md_open(&h->md, GCRY_MD_SHA256, flags);
	if (err != 0) {
		h->md = NULL;
		rc = gcry_rc(err);
		goto out;
	}
	if (key != NULL) {
		err = gcry_md_setkey(h->md, key, keylen);
		if (err != 0) {
			rc = gcry_rc(err);
			goto out;
		}
	}
	*hp = h;
	h = NULL;
	rc = DOSSIER_OK;
out:
	crypto_hash_free(h);
	return rc;
}

int
crypto_hash_update(struct crypto_hash *h, const void *p, size_t n)
{
	if (h == NULL || h->spent)
		return DOSSIER_EMISUSE;
	if (n == 0)
		return DOSSIER_OK;
	if (p == NULL)
		return DOSSIER_EUSAGE;
	gcry_md_write(h->md, p, n);
	return DOSSIER_OK;
}

int
crypto_hash_final(struct crypto_hash *h, unsigned char out[CRYPTO_HASH_LEN])
{
	const unsigned char *digest;

	if (h == NULL || h->spent)
		return DOSSIER_EMISUSE;
	h->spent = 1;
	digest = gcry_md_read(h->md, GCRY_MD_SHA256);
	if (digest == NULL) {
		mem_wipe(out, CRYPTO_HASH_LEN);
		return DOSSIER_EINTERNAL;
	}
	memcpy(out, digest, CRYPTO_HASH_LEN);
	return DOSSIER_OK;
}

void
crypto_hash_free(struct crypto_hash *h)
{
	if (h == NULL)
		return;
	/* gcry_md_close() wipes the state, key pads included. */
	if (h->md != NULL)
		gcry_md_close(h->md);
	free(h);
}

/* One-shot SHA-256 (key == NULL) or HMAC-SHA256 through the stream API. */
static int
hash_once(const unsigned char *key, size_t keylen, const void *p, size_t n,
    unsigned char out[CRYPTO_HASH_LEN])
{
	struct crypto_hash *h = NULL;
	int rc;

	rc = crypto_hash_new(&h, key, keylen);
	if (rc != DOSSIER_OK)
		goto out;
	rc = crypto_hash_update(h, p, n);
	if (rc != DOSSIER_OK)
		goto out;
	rc = crypto_hash_final(h, out);
out:
	crypto_hash_free(h);
	if (rc != DOSSIER_OK)
		mem_wipe(out, CRYPTO_HASH_LEN);
	return rc;
}

int
crypto_sha256(const void *p, size_t n, unsigned char out[CRYPTO_HASH_LEN])
{
	return hash_once(NULL, 0, p, n, out);
}

int
crypto_hmac_sha256(const unsigned char *key, size_t keylen, const void *p,
    size_t n, unsigned char out[CRYPTO_HASH_LEN])
{
	/* HMAC with an empty key is defined; key may be NULL only then. */
	if (key == NULL && keylen > 0)
		return DOSSIER_EUSAGE;
	return hash_once(key != NULL ? key : empty, keylen, p, n, out);
}

/*
 * HKDF-SHA256, RFC 5869: PRK = HMAC(salt, IKM), then
 * T(i) = HMAC(PRK, T(i-1) || info || i) until okmlen bytes are out.
 */
int
crypto_hkdf(const unsigned char *ikm, size_t ikmlen, const unsigned char *salt,
    size_t saltlen, const void *info, size_t infolen, unsigned char *okm,
    size_t okmlen)
{
	static const unsigned char zero_salt[CRYPTO_HASH_LEN];
	struct hkdf_state {
		unsigned char prk[CRYPTO_HASH_LEN];
		unsigned char t[CRYPTO_HASH_LEN];
	} *s = NULL;
	gcry_md_hd_t md = NULL;
	const unsigned char *digest;
	gcry_error_t err;
	size_t done, take;
	unsigned char counter;
	int rc;

	if (okm == NULL || okmlen == 0 || okmlen > 255 * CRYPTO_HASH_LEN)
		return DOSSIER_EUSAGE;
	if ((ikm == NULL && ikmlen > 0) || (salt == NULL && saltlen > 0) ||
	    (info == NULL && infolen > 0)) {
		rc = DOSSIER_EUSAGE;
		goto out;
	}
	rc = crypto_check_init();
	if (rc != DOSSIER_OK)
		goto out;
	/* RFC 5869 2.2: a missing salt is HashLen zero bytes. */
	if (saltlen == 0) {
		salt = zero_salt;
		saltlen = sizeof(zero_salt);
	}
	s = crypto_secure_alloc(sizeof(*s));
	if (s == NULL) {
		rc = DOSSIER_ENOMEM;
		goto out;
	}
	err = gcry_md_open(
	    &md, GCRY_MD_SHA256, GCRY_MD_FLAG_HMAC | GCRY_MD_FLAG_SECURE);
	if (err != 0) {
		md = NULL;
		rc = gcry_rc(err);
		goto out;
	}

	/* Extract. */
	err = gcry_md_setkey(md, salt, saltlen);
	if (err != 0) {
		rc = gcry_rc(err);
		goto out;
	}
	if (ikmlen > 0)
		gcry_md_write(md, ikm, ikmlen);
	digest = gcry_md_read(md, GCRY_MD_SHA256);
	if (digest == NULL) {
		rc = DOSSIER_EINTERNAL;
		goto out;
	}
	memcpy(s->prk, digest, CRYPTO_HASH_LEN);

	/* Expand. */
	err = gcry_md_setkey(md, s->prk, CRYPTO_HASH_LEN);
	if (err != 0) {
		rc = gcry_rc(err);
		goto out;
	}
	done = 0;
	counter = 1;
	while (done < okmlen) {
		/* Back to the keyed initial state for each block. */
		gcry_md_reset(md);
		if (counter > 1)
			gcry_md_write(md, s->t, CRYPTO_HASH_LEN);
		if (infolen > 0)
			gcry_md_write(md, info, infolen);
		gcry_md_write(md, &counter, 1);
		digest = gcry_md_read(md, GCRY_MD_SHA256);
		if (digest == NULL) {
			rc = DOSSIER_EINTERNAL;
			goto out;
		}
		memcpy(s->t, digest, CRYPTO_HASH_LEN);
		take = okmlen - done;
		if (take > CRYPTO_HASH_LEN)
			take = CRYPTO_HASH_LEN;
		memcpy(okm + done, s->t, take);
		done += take;
		counter++;
	}
	rc = DOSSIER_OK;
out:
	if (md != NULL)
		gcry_md_close(md);
	crypto_secure_free(s, sizeof(*s));
	if (rc != DOSSIER_OK)
		mem_wipe(okm, okmlen);
	return rc;
}

/* Argon2id ----------------------------------------------------------- */

int
crypto_argon2id(const void *pass, size_t passlen, const unsigned char *salt,
    size_t saltlen, const void *ad, size_t adlen, uint32_t t, uint32_t m,
    uint32_t p, unsigned char *out, size_t outlen)
{
	/* Checked before anything is allocated: slot parameters are input. */
	if (t < CRYPTO_ARGON2_T_MIN || t > CRYPTO_ARGON2_T_MAX ||
	    m < CRYPTO_ARGON2_M_MIN || m > CRYPTO_ARGON2_M_MAX ||
	    p < CRYPTO_ARGON2_P_MIN || p > CRYPTO_ARGON2_P_MAX) {
		mem_wipe(out, outlen);
		return DOSSIER_EUSAGE;
	}
	return crypto_argon2id_raw(pass, passlen, salt, saltlen, NULL, 0, ad,
	    adlen, t, m, p, out, outlen);
}

int
crypto_argon2id_raw(const void *pass, size_t passlen, const unsigned char *salt,
    size_t saltlen, const void *secret, size_t secretlen, const void *ad,
    size_t adlen, uint32_t t, uint32_t m, uint32_t p, unsigned char *out,
    size_t outlen)
{
	gcry_kdf_hd_t hd = NULL;
	unsigned long param[4];
	gcry_error_t err;
	int rc;

	if (out == NULL || outlen == 0)
		return DOSSIER_EUSAGE;
	/* The shape RFC 9106 3.1 requires of every input. */
	if ((pass == NULL && passlen > 0) || salt == NULL ||
	    (secret == NULL && secretlen > 0) || (ad == NULL && adlen > 0) ||
	    passlen > UINT32_MAX || saltlen < 8 || saltlen > UINT32_MAX ||
	    secretlen > UINT32_MAX || adlen > UINT32_MAX || outlen < 4 ||
	    outlen > UINT32_MAX || t < 1 || p < 1 || p > 0xffffffu ||
	    m < 8u * p) {
		rc = DOSSIER_EUSAGE;
		goto out;
	}
	rc = crypto_check_init();
	if (rc != DOSSIER_OK)
		goto out;
	param[0] = (unsigned long)outlen;
	param[1] = t;
	param[2] = m;
	param[3] = p;
	err = gcry_kdf_open(&hd, GCRY_KDF_ARGON2, GCRY_KDF_ARGON2ID, param, 4,
	    nonnull(pass), passlen, salt, saltlen, nonnull(secret), secretlen,
	    nonnull(ad), adlen);
	if (err != 0) {
		hd = NULL;
		rc = gcry_rc(err);
		goto out;
	}
	err = gcry_kdf_compute(hd, NULL);
	if (err != 0) {
		rc = gcry_rc(err);
		goto out;
	}
	err = gcry_kdf_final(hd, outlen, out);
	if (err != 0) {
		rc = gcry_rc(err);
		goto out;
	}
	rc = DOSSIER_OK;
out:
	/* gcry_kdf_close() wipes the memory blocks and the result. */
	if (hd != NULL)
		gcry_kdf_close(hd);
	if (rc != DOSSIER_OK)
		mem_wipe(out, outlen);
	return rc;
}

/* AES-256-GCM -------------------------------------------------------- */

/* A GCM handle keyed with key; the key schedule lives in the pool. */
static int
gcm_open(gcry_cipher_hd_t *hdp, const unsigned char key[CRYPTO_KEY_LEN])
{
	gcry_cipher_hd_t hd = NULL;
	gcry_error_t err;
	int rc;

	*hdp = NULL;
	err = gcry_cipher_open(
	    &hd, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, GCRY_CIPHER_SECURE);
	if (err != 0) {
		hd = NULL;
		rc = gcry_rc(err);
		goto out;
	}
	err = gcry_cipher_setkey(hd, key, CRYPTO_KEY_LEN);
	if (err != 0) {
		rc = gcry_rc(err);
		goto out;
	}
	*hdp = hd;
	hd = NULL;
	rc = DOSSIER_OK;
out:
	if (hd != NULL)
		gcry_cipher_close(hd);
	return rc;
}

/* Resets hd for a new message: nonce, then associated data. */
static int
gcm_start(gcry_cipher_hd_t hd, const unsigned char nonce[CRYPTO_NONCE_LEN],
    const void *ad, size_t adlen)
{
	gcry_error_t err;

	err = gcry_cipher_reset(hd);
	if (err != 0)
		return gcry_rc(err);
	err = gcry_cipher_setiv(hd, nonce, CRYPTO_NONCE_LEN);
	if (err != 0)
		return gcry_rc(err);
	if (adlen > 0) {
		err = gcry_cipher_authenticate(hd, ad, adlen);
		if (err != 0)
			return gcry_rc(err);
	}
	return DOSSIER_OK;
}

/* 1 when the arguments of a seal or open make sense together. */
static int
gcm_args_ok(const unsigned char *nonce, const void *ad, size_t adlen,
    const void *in, size_t n, const void *out, const unsigned char *tag)
{
	if (nonce == NULL || tag == NULL)
		return 0;
	if (ad == NULL && adlen > 0)
		return 0;
	if (n > 0 && (in == NULL || out == NULL))
		return 0;
	return 1;
}

static int
gcm_seal(gcry_cipher_hd_t hd, const unsigned char nonce[CRYPTO_NONCE_LEN],
    const void *ad, size_t adlen, const void *pt, size_t n, void *ct,
    unsigned char tag[CRYPTO_TAG_LEN])
{
	gcry_error_t err;
	int rc;

	rc = gcm_start(hd, nonce, ad, adlen);
	if (rc != DOSSIER_OK)
		goto out;
	if (n > 0) {
		/* libgcrypt spells "in place" as a NULL input. */
		if (ct == pt)
			err = gcry_cipher_encrypt(hd, ct, n, NULL, 0);
		else
			err = gcry_cipher_encrypt(hd, ct, n, pt, n);
		if (err != 0) {
			rc = gcry_rc(err);
			goto out;
		}
	}
	err = gcry_cipher_gettag(hd, tag, CRYPTO_TAG_LEN);
	if (err != 0) {
		rc = gcry_rc(err);
		goto out;
	}
	rc = DOSSIER_OK;
out:
	if (rc != DOSSIER_OK)
		mem_wipe(tag, CRYPTO_TAG_LEN);
	return rc;
}

/* Scratch for unverified plaintext: the pool when it fits, else heap. */
static void *
scratch_alloc(size_t n)
{
	void *p = NULL;

	if (n <= SCRATCH_SECURE_MAX)
		p = gcry_malloc_secure(n);
	if (p == NULL)
		p = gcry_malloc(n);
	return p;
}

static void
scratch_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	mem_wipe(p, n);
	gcry_free(p);
}

/*
 * Decrypts and verifies.  Nothing reaches pt before the tag verifies:
 * the plaintext goes to a scratch buffer first.  With in_place set and
 * pt == ct (crypto_aead_open_with() only) it is decrypted where it lies
 * and wiped if the tag does not verify.
 */
static int
gcm_open_msg(gcry_cipher_hd_t hd, const unsigned char nonce[CRYPTO_NONCE_LEN],
    const void *ad, size_t adlen, const void *ct, size_t n,
    const unsigned char tag[CRYPTO_TAG_LEN], void *pt, int in_place)
{
	unsigned char *tmp = NULL;
	gcry_error_t err;
	int direct, rc;

	direct = in_place && pt == ct;
	rc = gcm_start(hd, nonce, ad, adlen);
	if (rc != DOSSIER_OK)
		goto out;
	if (n > 0 && direct) {
		err = gcry_cipher_decrypt(hd, pt, n, NULL, 0);
		if (err != 0) {
			rc = gcry_rc(err);
			goto out;
		}
	} else if (n > 0) {
		tmp = scratch_alloc(n);
		if (tmp == NULL) {
			rc = DOSSIER_ENOMEM;
			goto out;
		}
		err = gcry_cipher_decrypt(hd, tmp, n, ct, n);
		if (err != 0) {
			rc = gcry_rc(err);
			goto out;
		}
	}
	err = gcry_cipher_checktag(hd, tag, CRYPTO_TAG_LEN);
	if (gcry_err_code(err) == GPG_ERR_CHECKSUM) {
		rc = DOSSIER_ECORRUPT;
		goto out;
	}
	if (err != 0) {
		rc = gcry_rc(err);
		goto out;
	}
	if (tmp != NULL)
		memcpy(pt, tmp, n);
	rc = DOSSIER_OK;
out:
	if (rc != DOSSIER_OK && direct)
		mem_wipe(pt, n);
	scratch_free(tmp, n);
	return rc;
}

int
crypto_aead_seal(const unsigned char key[CRYPTO_KEY_LEN],
    const unsigned char nonce[CRYPTO_NONCE_LEN], const void *ad, size_t adlen,
    const void *pt, size_t n, void *ct, unsigned char tag[CRYPTO_TAG_LEN])
{
	gcry_cipher_hd_t hd = NULL;
	int rc;

	if (key == NULL || !gcm_args_ok(nonce, ad, adlen, pt, n, ct, tag))
		return DOSSIER_EUSAGE;
	rc = crypto_check_init();
	if (rc != DOSSIER_OK)
		goto out;
	rc = gcm_open(&hd, key);
	if (rc != DOSSIER_OK)
		goto out;
	rc = gcm_seal(hd, nonce, ad, adlen, pt, n, ct, tag);
out:
	if (hd != NULL)
		gcry_cipher_close(hd);
	if (rc != DOSSIER_OK)
		mem_wipe(tag, CRYPTO_TAG_LEN);
	return rc;
}

int
crypto_aead_open(const unsigned char key[CRYPTO_KEY_LEN],
    const unsigned char nonce[CRYPTO_NONCE_LEN], const void *ad, size_t adlen,
    const void *ct, size_t n, const unsigned char tag[CRYPTO_TAG_LEN], void *pt)
{
	gcry_cipher_hd_t hd = NULL;
	int rc;

	if (key == NULL || !gcm_args_ok(nonce, ad, adlen, ct, n, pt, tag))
		return DOSSIER_EUSAGE;
	rc = crypto_check_init();
	if (rc != DOSSIER_OK)
		goto out;
	rc = gcm_open(&hd, key);
	if (rc != DOSSIER_OK)
		goto out;
	rc = gcm_open_msg(hd, nonce, ad, adlen, ct, n, tag, pt, 0);
out:
	if (hd != NULL)
		gcry_cipher_close(hd);
	return rc;
}

struct crypto_aead {
	gcry_cipher_hd_t hd; /* keyed; its context is in the secure pool */
};

int
crypto_aead_new(
    struct crypto_aead **ap, const unsigned char key[CRYPTO_KEY_LEN])
{
	struct crypto_aead *a = NULL;
	int rc;

	if (ap == NULL)
		return DOSSIER_EUSAGE;
	*ap = NULL;
	if (key == NULL)
		return DOSSIER_EUSAGE;
	rc = crypto_check_init();
	if (rc != DOSSIER_OK)
		return rc;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return DOSSIER_ENOMEM;
	rc = gcm_open(&a->hd, key);
	if (rc != DOSSIER_OK)
		goto out;
	*ap = a;
	a = NULL;
out:
	crypto_aead_free(a);
	return rc;
}

int
crypto_aead_seal_with(struct crypto_aead *a,
    const unsigned char nonce[CRYPTO_NONCE_LEN], const void *ad, size_t adlen,
    const void *pt, size_t n, void *ct, unsigned char tag[CRYPTO_TAG_LEN])
{
	if (a == NULL || a->hd == NULL)
		return DOSSIER_EMISUSE;
	if (!gcm_args_ok(nonce, ad, adlen, pt, n, ct, tag))
		return DOSSIER_EUSAGE;
	return gcm_seal(a->hd, nonce, ad, adlen, pt, n, ct, tag);
}

int
crypto_aead_open_with(struct crypto_aead *a,
    const unsigned char nonce[CRYPTO_NONCE_LEN], const void *ad, size_t adlen,
    const void *ct, size_t n, const unsigned char tag[CRYPTO_TAG_LEN], void *pt)
{
	if (a == NULL || a->hd == NULL)
		return DOSSIER_EMISUSE;
	if (!gcm_args_ok(nonce, ad, adlen, ct, n, pt, tag))
		return DOSSIER_EUSAGE;
	return gcm_open_msg(a->hd, nonce, ad, adlen, ct, n, tag, pt, 1);
}

void
crypto_aead_free(struct crypto_aead *a)
{
	if (a == NULL)
		return;
	/* gcry_cipher_close() wipes the key schedule. */
	if (a->hd != NULL)
		gcry_cipher_close(a->hd);
	free(a);
}

/* X25519 ------------------------------------------------------------- */

/*
 * gcry_ecc_mul_point() speaks RFC 7748 directly: little-endian scalar
 * and u-coordinate, the scalar clamped and the top bit of u masked
 * inside libgcrypt (checked against the RFC 7748 5.2 and 6.1 vectors).
 * A low-order u gives all-zero output, not an error.
 */
static const unsigned char x25519_base[CRYPTO_X25519_LEN] = {9};

int
crypto_x25519_public(const unsigned char sec[CRYPTO_X25519_LEN],
    unsigned char pub[CRYPTO_X25519_LEN])
{
	gcry_error_t err;
	int rc;

	if (sec == NULL || pub == NULL)
		return DOSSIER_EUSAGE;
	rc = crypto_check_init();
	if (rc != DOSSIER_OK)
		return rc;
	err = gcry_ecc_mul_point(GCRY_ECC_CURVE25519, pub, sec, x25519_base);
	if (err != 0) {
		mem_wipe(pub, CRYPTO_X25519_LEN);
		return gcry_rc(err);
	}
	return DOSSIER_OK;
}

int
crypto_x25519_keypair(
    unsigned char pub[CRYPTO_X25519_LEN], unsigned char sec[CRYPTO_X25519_LEN])
{
	int rc;

	if (pub == NULL || sec == NULL)
		return DOSSIER_EUSAGE;
	rc = crypto_random(sec, CRYPTO_X25519_LEN);
	if (rc != DOSSIER_OK)
		goto out;
	rc = crypto_x25519_public(sec, pub);
out:
	if (rc != DOSSIER_OK) {
		mem_wipe(sec, CRYPTO_X25519_LEN);
		mem_wipe(pub, CRYPTO_X25519_LEN);
	}
	return rc;
}

int
crypto_x25519(const unsigned char sec[CRYPTO_X25519_LEN],
    const unsigned char peer[CRYPTO_X25519_LEN],
    unsigned char shared[CRYPTO_X25519_LEN])
{
	gcry_error_t err;
	int rc;

	if (sec == NULL || peer == NULL || shared == NULL)
		return DOSSIER_EUSAGE;
	rc = crypto_check_init();
	if (rc != DOSSIER_OK)
		goto out;
	err = gcry_ecc_mul_point(GCRY_ECC_CURVE25519, shared, sec, peer);
	if (err != 0) {
		rc = gcry_rc(err);
		goto out;
	}
	/* RFC 7748 6.1: a low-order peer key gives all zeros; refuse it. */
	if (ct_is_zero(shared, CRYPTO_X25519_LEN)) {
		rc = DOSSIER_ECORRUPT;
		goto out;
	}
	rc = DOSSIER_OK;
out:
	if (rc != DOSSIER_OK)
		mem_wipe(shared, CRYPTO_X25519_LEN);
	return rc;
}

/* Ed25519 ------------------------------------------------------------ */

/* Curve constants, big-endian hex, for the public key check below. */
#define ED25519_P                                                              \
	"7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFED"
#define ED25519_D                                                              \
	"52036CEE2B6FFE738CC740797779E89800700A4D4141D8AB75EB4DCA135978A3"
#define ED25519_SQRTM1                                                         \
	"2B8324804FC1DF0B2B4D00993DFBD7A72F431806AD2FE478C4EE1B274A0EA0B0"
#define ED25519_P38                                                            \
	"0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFE"

/* The group order L, little-endian, for the S < L check. */
static const unsigned char ed25519_l[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63,
    0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x10};

/*
 * The encodings of the four points of order 8 (the other four small-order
 * points are refused by the coordinate-size check).  No one holds a
 * secret for them, and a signature under them can hold for many messages.
 */
static const unsigned char ed25519_order8[4][32] = {
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89,
        0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39,
        0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89,
        0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39,
        0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x85},
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76,
        0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6,
        0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76,
        0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6,
        0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0xfa}};

/* The private key as libgcrypt takes it: d is the RFC 8032 seed. */
static int
ed25519_secret_sexp(
    gcry_sexp_t *sp, const unsigned char sec[CRYPTO_ED25519_SEC_LEN])
{
	unsigned char *d;
	gcry_error_t err;
	int rc;

	*sp = NULL;
	/* A secure argument makes libgcrypt build the s-expression there. */
	d = crypto_secure_alloc(CRYPTO_ED25519_SEC_LEN);
	if (d == NULL)
		return DOSSIER_ENOMEM;
	memcpy(d, sec, CRYPTO_ED25519_SEC_LEN);
	err = gcry_sexp_build(sp, NULL,
	    "(private-key (ecc (curve Ed25519) (flags eddsa) (d %b)))",
	    (int)CRYPTO_ED25519_SEC_LEN, d);
	if (err != 0) {
		*sp = NULL;
		rc = gcry_rc(err);
		goto out;
	}
	rc = DOSSIER_OK;
out:
	crypto_secure_free(d, CRYPTO_ED25519_SEC_LEN);
	return rc;
}

static int
ed25519_data_sexp(gcry_sexp_t *sp, const void *msg, size_t n)
{
	gcry_error_t err;

	*sp = NULL;
	if (n > INT_MAX || (msg == NULL && n > 0))
		return DOSSIER_EUSAGE;
	err = gcry_sexp_build(sp, NULL,
	    "(data (flags eddsa) (hash-algo sha512) (value %b))", (int)n,
	    nonnull(msg));
	if (err != 0) {
		*sp = NULL;
		return gcry_rc(err);
	}
	return DOSSIER_OK;
}

/*
 * The public key is derived by libgcrypt itself: an EC context made from
 * the private key computes Q = [clamp(SHA-512(seed)[0..31])]B on demand,
 * and "q@eddsa" is Q in the RFC 8032 5.1.2 encoding (an opaque MPI).
 */
int
crypto_ed25519_public(const unsigned char sec[CRYPTO_ED25519_SEC_LEN],
    unsigned char pub[CRYPTO_ED25519_PUB_LEN])
{
	gcry_sexp_t skey = NULL;
	gcry_ctx_t ctx = NULL;
	gcry_mpi_t q = NULL;
	const unsigned char *qbuf;
	unsigned int nbits;
	gcry_error_t err;
	int rc;

	if (sec == NULL || pub == NULL)
		return DOSSIER_EUSAGE;
	rc = crypto_check_init();
	if (rc != DOSSIER_OK)
		goto out;
	rc = ed25519_secret_sexp(&skey, sec);
	if (rc != DOSSIER_OK)
		goto out;
	err = gcry_mpi_ec_new(&ctx, skey, NULL);
	if (err != 0) {
		ctx = NULL;
		rc = gcry_rc(err);
		goto out;
	}
	q = gcry_mpi_ec_get_mpi("q@eddsa", ctx, 1);
	if (q == NULL || !gcry_mpi_get_flag(q, GCRYMPI_FLAG_OPAQUE)) {
		rc = DOSSIER_EINTERNAL;
		goto out;
	}
	qbuf = gcry_mpi_get_opaque(q, &nbits);
	if (qbuf == NULL || nbits != 8 * CRYPTO_ED25519_PUB_LEN) {
		rc = DOSSIER_EINTERNAL;
		goto out;
	}
	memcpy(pub, qbuf, CRYPTO_ED25519_PUB_LEN);
	rc = DOSSIER_OK;
out:
	gcry_mpi_release(q);
	gcry_ctx_release(ctx);
	gcry_sexp_release(skey);
	if (rc != DOSSIER_OK)
		mem_wipe(pub, CRYPTO_ED25519_PUB_LEN);
	return rc;
}

int
crypto_ed25519_keypair(unsigned char pub[CRYPTO_ED25519_PUB_LEN],
    unsigned char sec[CRYPTO_ED25519_SEC_LEN])
{
	int rc;

	if (pub == NULL || sec == NULL)
		return DOSSIER_EUSAGE;
	rc = crypto_random(sec, CRYPTO_ED25519_SEC_LEN);
	if (rc != DOSSIER_OK)
		goto out;
	rc = crypto_ed25519_public(sec, pub);
out:
	if (rc != DOSSIER_OK) {
		mem_wipe(sec, CRYPTO_ED25519_SEC_LEN);
		mem_wipe(pub, CRYPTO_ED25519_PUB_LEN);
	}
	return rc;
}

/* Copies the 32-byte value of token (r or s) of a signature. */
static int
sig_part(gcry_sexp_t sig, const char *token, unsigned char out[32])
{
	gcry_sexp_t part;
	const char *data;
	size_t len;
	int rc;

	part = gcry_sexp_find_token(sig, token, 0);
	if (part == NULL)
		return DOSSIER_EINTERNAL;
	data = gcry_sexp_nth_data(part, 1, &len);
	if (data == NULL || len != 32) {
		rc = DOSSIER_EINTERNAL;
		goto out;
	}
	memcpy(out, data, 32);
	rc = DOSSIER_OK;
out:
	gcry_sexp_release(part);
	return rc;
}

/*
 * The private key is passed without q: libgcrypt then computes the
 * public key it hashes into the signature itself.  Passing q would make
 * libgcrypt decode it, which is the path that can abort (see below), and
 * would cost a second scalar multiplication here.
 */
int
crypto_ed25519_sign(const unsigned char sec[CRYPTO_ED25519_SEC_LEN],
    const void *msg, size_t n, unsigned char sig[CRYPTO_ED25519_SIG_LEN])
{
	gcry_sexp_t skey = NULL, data = NULL, sigval = NULL;
	gcry_error_t err;
	int rc;

	if (sec == NULL || sig == NULL)
		return DOSSIER_EUSAGE;
	rc = crypto_check_init();
	if (rc != DOSSIER_OK)
		goto out;
	rc = ed25519_data_sexp(&data, msg, n);
	if (rc != DOSSIER_OK)
		goto out;
	rc = ed25519_secret_sexp(&skey, sec);
	if (rc != DOSSIER_OK)
		goto out;
	err = gcry_pk_sign(&sigval, data, skey);
	if (err != 0) {
		sigval = NULL;
		rc = gcry_rc(err);
		goto out;
	}
	/* RFC 8032 5.1.6: the signature is R || S, each 32 bytes. */
	rc = sig_part(sigval, "r", sig);
	if (rc != DOSSIER_OK)
		goto out;
	rc = sig_part(sigval, "s", sig + 32);
out:
	gcry_sexp_release(sigval);
	gcry_sexp_release(skey);
	gcry_sexp_release(data);
	if (rc != DOSSIER_OK)
		mem_wipe(sig, CRYPTO_ED25519_SIG_LEN);
	return rc;
}

/* RFC 8032 5.1.7: S must be below L; libgcrypt 1.10 does not check. */
static int
ed25519_s_canonical(const unsigned char s[32])
{
	int i;

	/* Public data: an early exit leaks nothing. */
	for (i = 31; i >= 0; i--) {
		if (s[i] < ed25519_l[i])
			return 1;
		if (s[i] > ed25519_l[i])
			return 0;
	}
	return 0; /* S == L */
}

/*
 * Decides whether libgcrypt may be handed pub.  libgcrypt 1.10.1 aborts
 * the process (log_bug "mulm_25519: different sizes") when it decodes a
 * public key whose x or y coordinate is short of the full number of
 * limbs: the identity, (0, -1), points of small y, and points an attacker
 * picks for a small x.  So decode the point here with plain MPI
 * arithmetic (RFC 8032 5.1.3), and refuse non-canonical encodings,
 * points not on the curve, coordinates below 2^(256 - limb bits), and
 * the points of order 8.  An honest key fails the size test with
 * probability about 2^-62.  Returns 1 when pub is safe and usable, 0 when
 * it is not, or a negative result code.
 */
static int
ed25519_pub_usable(const unsigned char pub[CRYPTO_ED25519_PUB_LEN])
{
	/*
	 * libgcrypt's limb is an unsigned long wherever that is 64 bits;
	 * where it is not, 32-bit limbs make this bound exact or stricter.
	 */
	const unsigned int min_bits = 256 - sizeof(unsigned long) * CHAR_BIT;
	gcry_mpi_t p = NULL, d = NULL, sqrtm1 = NULL, e = NULL;
	gcry_mpi_t y = NULL, x = NULL, u = NULL, v = NULL, x2 = NULL;
	gcry_mpi_t chk = NULL, one = NULL;
	unsigned char be[32];
	gcry_error_t err;
	int i, sign, rc;

	for (i = 0; i < 4; i++) {
		if (memcmp(pub, ed25519_order8[i], 32) == 0)
			return 0;
	}
	/* Little-endian y with the sign of x in the top bit. */
	for (i = 0; i < 32; i++)
		be[i] = pub[31 - i];
	sign = be[0] >> 7;
	be[0] &= 0x7f;

	err = gcry_mpi_scan(&p, GCRYMPI_FMT_HEX, ED25519_P, 0, NULL);
	if (err == 0)
		err = gcry_mpi_scan(&d, GCRYMPI_FMT_HEX, ED25519_D, 0, NULL);
	if (err == 0)
		err = gcry_mpi_scan(
		    &sqrtm1, GCRYMPI_FMT_HEX, ED25519_SQRTM1, 0, NULL);
	if (err == 0)
		err = gcry_mpi_scan(&e, GCRYMPI_FMT_HEX, ED25519_P38, 0, NULL);
	if (err == 0)
		err = gcry_mpi_scan(&y, GCRYMPI_FMT_USG, be, sizeof(be), NULL);
	if (err != 0) {
		rc = gcry_rc(err);
		goto out;
	}
	if (gcry_mpi_cmp(y, p) >= 0 || gcry_mpi_get_nbits(y) <= min_bits) {
		rc = 0;
		goto out;
	}
	one = gcry_mpi_set_ui(NULL, 1);
	u = gcry_mpi_new(0);
	v = gcry_mpi_new(0);
	x2 = gcry_mpi_new(0);
	x = gcry_mpi_new(0);
	chk = gcry_mpi_new(0);

	/* x^2 = (y^2 - 1) / (d y^2 + 1) */
	gcry_mpi_mulm(u, y, y, p);
	gcry_mpi_mulm(v, d, u, p);
	gcry_mpi_addm(v, v, one, p);
	gcry_mpi_subm(u, u, one, p);
	if (!gcry_mpi_invm(v, v, p)) {
		rc = 0;
		goto out;
	}
	gcry_mpi_mulm(x2, u, v, p);
	/* x = x2^((p+3)/8), times sqrt(-1) if that squares to -x2. */
	gcry_mpi_powm(x, x2, e, p);
	gcry_mpi_mulm(chk, x, x, p);
	if (gcry_mpi_cmp(chk, x2) != 0) {
		gcry_mpi_mulm(x, x, sqrtm1, p);
		gcry_mpi_mulm(chk, x, x, p);
		if (gcry_mpi_cmp(chk, x2) != 0) {
			rc = 0; /* not on the curve */
			goto out;
		}
	}
	if (gcry_mpi_cmp_ui(x, 0) == 0) {
		rc = 0; /* x = 0: small order, and -0 is not canonical */
		goto out;
	}
	if ((gcry_mpi_test_bit(x, 0) != 0) != sign)
		gcry_mpi_sub(x, p, x);
	rc = gcry_mpi_get_nbits(x) > min_bits;
out:
	gcry_mpi_release(chk);
	gcry_mpi_release(x);
	gcry_mpi_release(x2);
	gcry_mpi_release(v);
	gcry_mpi_release(u);
	gcry_mpi_release(one);
	gcry_mpi_release(y);
	gcry_mpi_release(e);
	gcry_mpi_release(sqrtm1);
	gcry_mpi_release(d);
	gcry_mpi_release(p);
	return rc;
}

int
crypto_ed25519_verify(const unsigned char pub[CRYPTO_ED25519_PUB_LEN],
    const void *msg, size_t n, const unsigned char sig[CRYPTO_ED25519_SIG_LEN])
{
	gcry_sexp_t pkey = NULL, data = NULL, sigval = NULL;
	gcry_error_t err;
	int rc;

	if (pub == NULL || sig == NULL)
		return DOSSIER_EUSAGE;
	rc = crypto_check_init();
	if (rc != DOSSIER_OK)
		goto out;
	if (!ed25519_s_canonical(sig + 32)) {
		rc = DOSSIER_ECORRUPT;
		goto out;
	}
	rc = ed25519_pub_usable(pub);
	if (rc < 0)
		goto out;
	if (rc == 0) {
		rc = DOSSIER_ECORRUPT;
		goto out;
	}
	rc = ed25519_data_sexp(&data, msg, n);
	if (rc != DOSSIER_OK)
		goto out;
	err = gcry_sexp_build(&pkey, NULL,
	    "(public-key (ecc (curve Ed25519) (flags eddsa) (q %b)))",
	    (int)CRYPTO_ED25519_PUB_LEN, pub);
	if (err != 0) {
		pkey = NULL;
		rc = gcry_rc(err);
		goto out;
	}
	err = gcry_sexp_build(&sigval, NULL, "(sig-val (eddsa (r %b) (s %b)))",
	    32, sig, 32, sig + 32);
	if (err != 0) {
		sigval = NULL;
		rc = gcry_rc(err);
		goto out;
	}
	err = gcry_pk_verify(sigval, data, pkey);
	switch (gcry_err_code(err)) {
	case GPG_ERR_NO_ERROR:
		rc = DOSSIER_OK;
		break;
	case GPG_ERR_BAD_SIGNATURE:
	case GPG_ERR_BROKEN_PUBKEY:
		rc = DOSSIER_ECORRUPT;
		break;
	default:
		rc = gcry_rc(err);
		break;
	}
out:
	gcry_sexp_release(sigval);
	gcry_sexp_release(pkey);
	gcry_sexp_release(data);
	return rc;
}
