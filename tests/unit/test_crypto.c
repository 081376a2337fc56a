/*
 * test_crypto.c: known-answer tests for every primitive in crypto.h.
 *
 * Vectors: FIPS 180-2 (SHA-256), RFC 4231 (HMAC-SHA256), RFC 5869 (HKDF),
 * the GCM specification test cases 13-16 (AES-256-GCM), RFC 9106 5.3
 * (Argon2id), RFC 7748 5.2 and 6.1 (X25519), RFC 8032 7.1 (Ed25519).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "buf.h"
#include "crypto.h"
#include "dossier.h"

/* Decodes hex (2n digits) into out, which holds at least n bytes. */
static size_t
unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = strlen(hex) / 2;

	assert_int_equal(strlen(hex) % 2, 0);
	assert_true(n <= cap);
	assert_int_equal(hex_decode(hex, out, n), 0);
	return n;
}

/* Asserts that the n bytes at p are the hex string want. */
static void
assert_hex(const unsigned char *p, size_t n, const char *want)
{
	char got[2 * 512 + 1];

	assert_true(n <= 512);
	hex_encode(p, n, got);
	assert_string_equal(got, want);
}

static void
fill(unsigned char *p, unsigned char c, size_t n)
{
	memset(p, c, n);
}

/* Initialisation, memory, comparison, random ---------------------------- */

static void
test_init_idempotent(void **state)
{
	(void)state;
	assert_int_equal(crypto_check_init(), DOSSIER_OK);
	assert_int_equal(crypto_global_init(), DOSSIER_OK);
	assert_int_equal(crypto_check_init(), DOSSIER_OK);
}

static void
test_secure_alloc(void **state)
{
	unsigned char *p;
	size_t i;

	(void)state;
	p = crypto_secure_alloc(100);
	assert_non_null(p);
	for (i = 0; i < 100; i++)
		assert_int_equal(p[i], 0);
	fill(p, 0x5a, 100);
	crypto_secure_free(p, 100);
	crypto_secure_free(NULL, 0);

	p = crypto_secure_alloc(0);
	assert_non_null(p);
	crypto_secure_free(p, 0);

	/* Larger than the whole pool: NULL, not a crash. */
	assert_null(crypto_secure_alloc(64u * 1024 * 1024));
}

static void
test_wipe(void **state)
{
	unsigned char b[33];
	size_t i;

	(void)state;
	fill(b, 0xff, sizeof(b));
	crypto_wipe(b, sizeof(b));
	for (i = 0; i < sizeof(b); i++)
		assert_int_equal(b[i], 0);
	crypto_wipe(NULL, 10);
}

static void
test_equal(void **state)
{
	unsigned char a[64], b[64];

	(void)state;
	fill(a, 0x42, sizeof(a));
	fill(b, 0x42, sizeof(b));
	assert_int_equal(crypto_equal(a, b, sizeof(a)), 1);
	assert_int_equal(crypto_equal(a, b, 0), 1);
	b[0] ^= 0x01;
	assert_int_equal(crypto_equal(a, b, sizeof(a)), 0);
	b[0] ^= 0x01;
	b[63] ^= 0x80;
	assert_int_equal(crypto_equal(a, b, sizeof(a)), 0);
	assert_int_equal(crypto_equal(a, b, 63), 1);
	a[10] = 0x00;
	b[10] = 0xff;
	assert_int_equal(crypto_equal(a, b, 11), 0);
}

static void
test_random(void **state)
{
	unsigned char a[32], b[32], zero[32];

	(void)state;
	memset(zero, 0, sizeof(zero));
	assert_int_equal(crypto_random(a, sizeof(a)), DOSSIER_OK);
	assert_int_equal(crypto_random(b, sizeof(b)), DOSSIER_OK);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, zero, sizeof(a));
	assert_int_equal(crypto_random(NULL, 0), DOSSIER_OK);

	assert_int_equal(crypto_nonce(a, sizeof(a)), DOSSIER_OK);
	assert_int_equal(crypto_nonce(b, sizeof(b)), DOSSIER_OK);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(crypto_nonce(NULL, 0), DOSSIER_OK);
}

/* SHA-256 and HMAC-SHA256 ----------------------------------------------- */

static void
test_sha256_fips180(void **state)
{
	unsigned char out[CRYPTO_HASH_LEN];

	(void)state;
	assert_int_equal(crypto_sha256("abc", 3, out), DOSSIER_OK);
	assert_hex(out, sizeof(out),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(crypto_sha256("", 0, out), DOSSIER_OK);
	assert_hex(out, sizeof(out),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(crypto_sha256(NULL, 0, out), DOSSIER_OK);
	assert_hex(out, sizeof(out),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* Two blocks. */
	assert_int_equal(
	    crypto_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklm"
	                  "klmnlmnomnopnopq",
	        56, out),
	    DOSSIER_OK);
	assert_hex(out, sizeof(out),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void
test_hmac_rfc4231(void **state)
{
	static const char data3[] = "Test Using Larger Than Block-Size Key - "
	                            "Hash Key First";
	static const char data7[] =
	    "This is a test using a larger than block-size key and a larger "
	    "than block-size data. The key needs to be hashed before being "
	    "used by the HMAC algorithm.";
	unsigned char key[131], data[50], out[CRYPTO_HASH_LEN];
	size_t i;

	(void)state;
	/* Test case 1 */
	fill(key, 0x0b, 20);
	assert_int_equal(
	    crypto_hmac_sha256(key, 20, "Hi There", 8, out), DOSSIER_OK);
	assert_hex(out, sizeof(out),
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");

	/* Test case 2 */
	assert_int_equal(crypto_hmac_sha256((const unsigned char *)"Jefe", 4,
	                     "what do ya want for nothing?", 28, out),
	    DOSSIER_OK);
	assert_hex(out, sizeof(out),
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

	/* Test case 3 */
	fill(key, 0xaa, 20);
	fill(data, 0xdd, 50);
	assert_int_equal(
	    crypto_hmac_sha256(key, 20, data, 50, out), DOSSIER_OK);
	assert_hex(out, sizeof(out),
	    "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");

	/* Test case 4 */
	for (i = 0; i < 25; i++)
		key[i] = (unsigned char)(i + 1);
	fill(data, 0xcd, 50);
	assert_int_equal(
	    crypto_hmac_sha256(key, 25, data, 50, out), DOSSIER_OK);
	assert_hex(out, sizeof(out),
	    "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");

	/* Test case 5: the first 128 bits. */
	fill(key, 0x0c, 20);
	assert_int_equal(
	    crypto_hmac_sha256(key, 20, "Test With Truncation", 20, out),
	    DOSSIER_OK);
	assert_hex(out, 16, "a3b6167473100ee06e0c796c2955552b");

	/* Test case 6 */
	fill(key, 0xaa, 131);
	assert_int_equal(
	    crypto_hmac_sha256(key, 131, data3, sizeof(data3) - 1, out),
	    DOSSIER_OK);
	assert_hex(out, sizeof(out),
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");

	/* Test case 7 */
	assert_int_equal(
	    crypto_hmac_sha256(key, 131, data7, sizeof(data7) - 1, out),
	    DOSSIER_OK);
	assert_hex(out, sizeof(out),
	    "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

static void
test_hmac_empty_key(void **state)
{
	unsigned char out[CRYPTO_HASH_LEN];

	(void)state;
	/* HMAC-SHA256 with an empty key over an empty message. */
	assert_int_equal(crypto_hmac_sha256(NULL, 0, NULL, 0, out), DOSSIER_OK);
	assert_hex(out, sizeof(out),
	    "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
	assert_int_equal(
	    crypto_hmac_sha256(NULL, 1, "x", 1, out), DOSSIER_EUSAGE);
}

/* The streaming API equals the one-shot one at every split point. */
static void
test_hash_streaming(void **state)
{
	static const size_t splits[] = {
	    0, 1, 31, 55, 56, 63, 64, 65, 127, 128, 500, 999, 1000};
	unsigned char data[1000], key[40];
	unsigned char one[CRYPTO_HASH_LEN], many[CRYPTO_HASH_LEN];
	struct crypto_hash *h;
	size_t i, k, keyed;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + 3);
	fill(key, 0x3c, sizeof(key));
	for (keyed = 0; keyed < 2; keyed++) {
		if (keyed)
			assert_int_equal(crypto_hmac_sha256(key, sizeof(key),
			                     data, sizeof(data), one),
			    DOSSIER_OK);
		else
			assert_int_equal(
			    crypto_sha256(data, sizeof(data), one), DOSSIER_OK);
		for (k = 0; k < sizeof(splits) / sizeof(splits[0]); k++) {
			size_t s = splits[k];

			assert_int_equal(crypto_hash_new(&h, keyed ? key : NULL,
			                     keyed ? sizeof(key) : 0),
			    DOSSIER_OK);
			assert_int_equal(
			    crypto_hash_update(h, data, s), DOSSIER_OK);
			assert_int_equal(
			    crypto_hash_update(h, NULL, 0), DOSSIER_OK);
			assert_int_equal(
			    crypto_hash_update(h, data + s, sizeof(data) - s),
			    DOSSIER_OK);
			assert_int_equal(
			    crypto_hash_final(h, many), DOSSIER_OK);
			assert_memory_equal(one, many, sizeof(one));
			crypto_hash_free(h);
		}
		/* Byte by byte. */
		assert_int_equal(crypto_hash_new(&h, keyed ? key : NULL,
		                     keyed ? sizeof(key) : 0),
		    DOSSIER_OK);
		for (i = 0; i < sizeof(data); i++)
			assert_int_equal(
			    crypto_hash_update(h, data + i, 1), DOSSIER_OK);
		assert_int_equal(crypto_hash_final(h, many), DOSSIER_OK);
		assert_memory_equal(one, many, sizeof(one));
		crypto_hash_free(h);
	}
}

static void
test_hash_spent(void **state)
{
	unsigned char out[CRYPTO_HASH_LEN];
	struct crypto_hash *h = NULL;

	(void)state;
	assert_int_equal(crypto_hash_new(&h, NULL, 0), DOSSIER_OK);
	assert_int_equal(crypto_hash_update(h, "abc", 3), DOSSIER_OK);
	assert_int_equal(crypto_hash_final(h, out), DOSSIER_OK);
	assert_hex(out, sizeof(out),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(crypto_hash_update(h, "abc", 3), DOSSIER_EMISUSE);
	assert_int_equal(crypto_hash_final(h, out), DOSSIER_EMISUSE);
	crypto_hash_free(h);
	crypto_hash_free(NULL);
	assert_int_equal(crypto_hash_update(NULL, "a", 1), DOSSIER_EMISUSE);
	assert_int_equal(crypto_hash_new(&h, NULL, 5), DOSSIER_EUSAGE);
	assert_null(h);
}

/* HKDF ------------------------------------------------------------------ */

static void
test_hkdf_rfc5869(void **state)
{
	unsigned char ikm[80], salt[80], info[80], okm[82];
	size_t i;

	(void)state;
	/* Test case 1 */
	fill(ikm, 0x0b, 22);
	for (i = 0; i < 13; i++)
		salt[i] = (unsigned char)i;
	for (i = 0; i < 10; i++)
		info[i] = (unsigned char)(0xf0 + i);
	assert_int_equal(
	    crypto_hkdf(ikm, 22, salt, 13, info, 10, okm, 42), DOSSIER_OK);
	assert_hex(okm, 42,
	    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
	    "34007208d5b887185865");

	/* Test case 2 */
	for (i = 0; i < 80; i++) {
		ikm[i] = (unsigned char)i;
		salt[i] = (unsigned char)(0x60 + i);
		info[i] = (unsigned char)(0xb0 + i);
	}
	assert_int_equal(
	    crypto_hkdf(ikm, 80, salt, 80, info, 80, okm, 82), DOSSIER_OK);
	assert_hex(okm, 82,
	    "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
	    "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
	    "cc30c58179ec3e87c14c01d5c1f3434f1d87");

	/* Test case 3: no salt, no info. */
	fill(ikm, 0x0b, 22);
	assert_int_equal(
	    crypto_hkdf(ikm, 22, NULL, 0, NULL, 0, okm, 42), DOSSIER_OK);
	assert_hex(okm, 42,
	    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	    "9d201395faa4b61a96c8");
	/* An explicit salt of HashLen zeros is the same thing. */
	memset(salt, 0, 32);
	assert_int_equal(
	    crypto_hkdf(ikm, 22, salt, 32, "", 0, okm, 42), DOSSIER_OK);
	assert_hex(okm, 42,
	    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	    "9d201395faa4b61a96c8");
}

static void
test_hkdf_lengths(void **state)
{
	static unsigned char okm[255 * 32 + 1];
	unsigned char first[42];

	(void)state;
	fill(okm, 0, sizeof(okm));
	assert_int_equal(crypto_hkdf((const unsigned char *)"k", 1, NULL, 0,
	                     "i", 1, okm, 255 * 32),
	    DOSSIER_OK);
	/* A prefix of a longer output is the shorter output. */
	assert_int_equal(crypto_hkdf((const unsigned char *)"k", 1, NULL, 0,
	                     "i", 1, first, sizeof(first)),
	    DOSSIER_OK);
	assert_memory_equal(first, okm, sizeof(first));
	assert_int_equal(crypto_hkdf((const unsigned char *)"k", 1, NULL, 0,
	                     "i", 1, okm, 255 * 32 + 1),
	    DOSSIER_EUSAGE);
	assert_int_equal(
	    crypto_hkdf((const unsigned char *)"k", 1, NULL, 0, "i", 1, okm, 0),
	    DOSSIER_EUSAGE);
}

/* AES-256-GCM ------------------------------------------------------------ */

/* The GCM specification's test cases 13-16 (256-bit keys). */
#define GCM_K15                                                                \
	"feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
#define GCM_IV15 "cafebabefacedbaddecaf888"
#define GCM_P15                                                                \
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"     \
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
#define GCM_C15                                                                \
	"522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"     \
	"8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
#define GCM_T15 "b094dac5d93471bdec1a502270e3cc6c"
#define GCM_A16 "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define GCM_T16 "76fc6ece0f4e1768cddf8853bb2d551b"

struct gcm_vector {
	const char *key, *iv, *pt, *ad, *ct, *tag;
	size_t ptlen; /* bytes of pt and ct used */
};

static const struct gcm_vector gcm_vectors[] = {
    /* 13: empty everything */
    {"0000000000000000000000000000000000000000000000000000000000000000",
        "000000000000000000000000", "", "", "",
        "530f8afbc74536b9a963b4f1c4cb738b", 0},
    /* 14: one zero block */
    {"0000000000000000000000000000000000000000000000000000000000000000",
        "000000000000000000000000", "00000000000000000000000000000000", "",
        "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919",
        16},
    /* 15: four blocks, no AD */
    {GCM_K15, GCM_IV15, GCM_P15, "", GCM_C15, GCM_T15, 64},
    /* 16: 60 bytes with AD */
    {GCM_K15, GCM_IV15, GCM_P15, GCM_A16, GCM_C15, GCM_T16, 60},
};

struct gcm_bytes {
	unsigned char key[32], iv[12], pt[64], ad[20], ct[64], tag[16];
	size_t adlen, n;
};

static void
gcm_load(const struct gcm_vector *v, struct gcm_bytes *b)
{
	unsigned char full[64];
	size_t n;

	memset(b, 0, sizeof(*b));
	assert_int_equal(unhex(v->key, b->key, sizeof(b->key)), 32);
	assert_int_equal(unhex(v->iv, b->iv, sizeof(b->iv)), 12);
	n = unhex(v->pt, full, sizeof(full));
	assert_true(n >= v->ptlen);
	memcpy(b->pt, full, v->ptlen);
	n = unhex(v->ct, full, sizeof(full));
	assert_true(n >= v->ptlen);
	memcpy(b->ct, full, v->ptlen);
	b->adlen = unhex(v->ad, b->ad, sizeof(b->ad));
	assert_int_equal(unhex(v->tag, b->tag, sizeof(b->tag)), 16);
	b->n = v->ptlen;
}

static void
test_gcm_vectors(void **state)
{
	unsigned char out[64], back[64], tag[16];
	struct gcm_bytes b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(gcm_vectors) / sizeof(gcm_vectors[0]); i++) {
		gcm_load(&gcm_vectors[i], &b);
		fill(out, 0xee, sizeof(out));
		assert_int_equal(
		    crypto_aead_seal(b.key, b.iv, b.adlen ? b.ad : NULL,
		        b.adlen, b.n ? b.pt : NULL, b.n, b.n ? out : NULL, tag),
		    DOSSIER_OK);
		assert_memory_equal(out, b.ct, b.n);
		assert_memory_equal(tag, b.tag, 16);

		fill(back, 0xee, sizeof(back));
		assert_int_equal(
		    crypto_aead_open(b.key, b.iv, b.adlen ? b.ad : NULL,
		        b.adlen, b.n ? b.ct : NULL, b.n, b.tag,
		        b.n ? back : NULL),
		    DOSSIER_OK);
		assert_memory_equal(back, b.pt, b.n);

		/* In place, both ways. */
		memcpy(out, b.pt, b.n);
		assert_int_equal(crypto_aead_seal(b.key, b.iv, b.ad, b.adlen,
		                     out, b.n, out, tag),
		    DOSSIER_OK);
		assert_memory_equal(out, b.ct, b.n);
		assert_memory_equal(tag, b.tag, 16);
		assert_int_equal(crypto_aead_open(b.key, b.iv, b.ad, b.adlen,
		                     out, b.n, tag, out),
		    DOSSIER_OK);
		assert_memory_equal(out, b.pt, b.n);
	}
}

/* Every kind of tampering is refused and leaves pt as it was. */
static void
test_gcm_tamper(void **state)
{
	unsigned char pt[64], ct[64], before[64];
	struct gcm_bytes b;

	(void)state;
	gcm_load(&gcm_vectors[3], &b); /* test case 16: AD and 60 bytes */
	fill(pt, 0xa5, sizeof(pt));
	memcpy(before, pt, sizeof(pt));

	b.tag[0] ^= 0x01;
	assert_int_equal(
	    crypto_aead_open(b.key, b.iv, b.ad, b.adlen, b.ct, b.n, b.tag, pt),
	    DOSSIER_ECORRUPT);
	assert_memory_equal(pt, before, sizeof(pt));
	b.tag[0] ^= 0x01;
	b.tag[15] ^= 0x80;
	assert_int_equal(
	    crypto_aead_open(b.key, b.iv, b.ad, b.adlen, b.ct, b.n, b.tag, pt),
	    DOSSIER_ECORRUPT);
	assert_memory_equal(pt, before, sizeof(pt));
	b.tag[15] ^= 0x80;

	b.ct[59] ^= 0x01;
	assert_int_equal(
	    crypto_aead_open(b.key, b.iv, b.ad, b.adlen, b.ct, b.n, b.tag, pt),
	    DOSSIER_ECORRUPT);
	assert_memory_equal(pt, before, sizeof(pt));
	b.ct[59] ^= 0x01;

	b.ad[19] ^= 0x01;
	assert_int_equal(
	    crypto_aead_open(b.key, b.iv, b.ad, b.adlen, b.ct, b.n, b.tag, pt),
	    DOSSIER_ECORRUPT);
	assert_memory_equal(pt, before, sizeof(pt));
	b.ad[19] ^= 0x01;
	/* Dropping the AD. */
	assert_int_equal(
	    crypto_aead_open(b.key, b.iv, NULL, 0, b.ct, b.n, b.tag, pt),
	    DOSSIER_ECORRUPT);
	assert_memory_equal(pt, before, sizeof(pt));

	b.iv[0] ^= 0x01;
	assert_int_equal(
	    crypto_aead_open(b.key, b.iv, b.ad, b.adlen, b.ct, b.n, b.tag, pt),
	    DOSSIER_ECORRUPT);
	assert_memory_equal(pt, before, sizeof(pt));
	b.iv[0] ^= 0x01;

	b.key[31] ^= 0x01;
	assert_int_equal(
	    crypto_aead_open(b.key, b.iv, b.ad, b.adlen, b.ct, b.n, b.tag, pt),
	    DOSSIER_ECORRUPT);
	assert_memory_equal(pt, before, sizeof(pt));
	b.key[31] ^= 0x01;

	/* Truncated ciphertext. */
	assert_int_equal(crypto_aead_open(b.key, b.iv, b.ad, b.adlen, b.ct,
	                     b.n - 1, b.tag, pt),
	    DOSSIER_ECORRUPT);
	assert_memory_equal(pt, before, sizeof(pt));

	/* In place (pt == ct) the ciphertext is left alone too. */
	memcpy(ct, b.ct, b.n);
	b.tag[7] ^= 0x10;
	assert_int_equal(
	    crypto_aead_open(b.key, b.iv, b.ad, b.adlen, ct, b.n, b.tag, ct),
	    DOSSIER_ECORRUPT);
	assert_memory_equal(ct, b.ct, b.n);
	b.tag[7] ^= 0x10;

	/* Untampered, it opens. */
	assert_int_equal(
	    crypto_aead_open(b.key, b.iv, b.ad, b.adlen, b.ct, b.n, b.tag, pt),
	    DOSSIER_OK);
	assert_memory_equal(pt, b.pt, b.n);
}

/* The keyed context gives the same bytes, message after message. */
static void
test_gcm_context(void **state)
{
	unsigned char out[64], back[64], tag[16], pt[64], before[64];
	struct crypto_aead *a = NULL;
	struct gcm_bytes b;
	size_t i, round;

	(void)state;
	for (i = 0; i < sizeof(gcm_vectors) / sizeof(gcm_vectors[0]); i++) {
		gcm_load(&gcm_vectors[i], &b);
		assert_int_equal(crypto_aead_new(&a, b.key), DOSSIER_OK);
		/* Twice each: the context resets between messages. */
		for (round = 0; round < 2; round++) {
			assert_int_equal(crypto_aead_seal_with(a, b.iv, b.ad,
			                     b.adlen, b.pt, b.n, out, tag),
			    DOSSIER_OK);
			assert_memory_equal(out, b.ct, b.n);
			assert_memory_equal(tag, b.tag, 16);
			fill(back, 0, sizeof(back));
			assert_int_equal(crypto_aead_open_with(a, b.iv, b.ad,
			                     b.adlen, b.ct, b.n, b.tag, back),
			    DOSSIER_OK);
			assert_memory_equal(back, b.pt, b.n);
		}
		crypto_aead_free(a);
		a = NULL;
	}

	/* 15 then 16 on one context, interleaved with a failure. */
	gcm_load(&gcm_vectors[2], &b);
	assert_int_equal(crypto_aead_new(&a, b.key), DOSSIER_OK);
	assert_int_equal(
	    crypto_aead_seal_with(a, b.iv, NULL, 0, b.pt, b.n, out, tag),
	    DOSSIER_OK);
	assert_memory_equal(out, b.ct, b.n);
	assert_memory_equal(tag, b.tag, 16);

	fill(pt, 0xa5, sizeof(pt));
	memcpy(before, pt, sizeof(pt));
	tag[3] ^= 0x04;
	assert_int_equal(
	    crypto_aead_open_with(a, b.iv, NULL, 0, out, b.n, tag, pt),
	    DOSSIER_ECORRUPT);
	assert_memory_equal(pt, before, sizeof(pt));

	gcm_load(&gcm_vectors[3], &b);
	assert_int_equal(
	    crypto_aead_seal_with(a, b.iv, b.ad, b.adlen, b.pt, b.n, out, tag),
	    DOSSIER_OK);
	assert_memory_equal(out, b.ct, b.n);
	assert_memory_equal(tag, b.tag, 16);

	/* In place: decrypted where it lies when the tag verifies ... */
	assert_int_equal(
	    crypto_aead_open_with(a, b.iv, b.ad, b.adlen, out, b.n, tag, out),
	    DOSSIER_OK);
	assert_memory_equal(out, b.pt, b.n);
	/* ... and no unverified plaintext is left when it does not. */
	memcpy(out, b.ct, b.n);
	tag[0] ^= 0x01;
	assert_int_equal(
	    crypto_aead_open_with(a, b.iv, b.ad, b.adlen, out, b.n, tag, out),
	    DOSSIER_ECORRUPT);
	for (i = 0; i < b.n; i++)
		assert_int_equal(out[i], 0);
	crypto_aead_free(a);
	crypto_aead_free(NULL);

	assert_int_equal(
	    crypto_aead_seal_with(NULL, b.iv, NULL, 0, b.pt, b.n, out, tag),
	    DOSSIER_EMISUSE);
}

/* A chunk-sized message through both APIs, and the scratch buffer path. */
static void
test_gcm_large(void **state)
{
	enum { N = 200 * 1024 };
	static unsigned char pt[N], ct[N], ct2[N], back[N];
	unsigned char key[32], nonce[12], tag[16], tag2[16];
	struct crypto_aead *a = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < N; i++)
		pt[i] = (unsigned char)(i * 131 + (i >> 8));
	assert_int_equal(crypto_random(key, sizeof(key)), DOSSIER_OK);
	assert_int_equal(crypto_nonce(nonce, sizeof(nonce)), DOSSIER_OK);
	assert_int_equal(
	    crypto_aead_seal(key, nonce, "ad", 2, pt, N, ct, tag), DOSSIER_OK);
	assert_int_equal(crypto_aead_new(&a, key), DOSSIER_OK);
	assert_int_equal(
	    crypto_aead_seal_with(a, nonce, "ad", 2, pt, N, ct2, tag2),
	    DOSSIER_OK);
	assert_memory_equal(ct, ct2, N);
	assert_memory_equal(tag, tag2, 16);
	/* 64 KiB (secure scratch) and 200 KiB (heap scratch). */
	assert_int_equal(
	    crypto_aead_seal(key, nonce, NULL, 0, pt, 65536, ct2, tag2),
	    DOSSIER_OK);
	assert_int_equal(
	    crypto_aead_open(key, nonce, NULL, 0, ct2, 65536, tag2, back),
	    DOSSIER_OK);
	assert_memory_equal(back, pt, 65536);
	assert_int_equal(
	    crypto_aead_open(key, nonce, "ad", 2, ct, N, tag, back),
	    DOSSIER_OK);
	assert_memory_equal(back, pt, N);
	assert_int_equal(
	    crypto_aead_open_with(a, nonce, "ad", 2, ct, N, tag, back),
	    DOSSIER_OK);
	assert_memory_equal(back, pt, N);
	ct[N / 2] ^= 0x01;
	memset(back, 0x77, N);
	assert_int_equal(
	    crypto_aead_open(key, nonce, "ad", 2, ct, N, tag, back),
	    DOSSIER_ECORRUPT);
	for (i = 0; i < N; i++)
		assert_int_equal(back[i], 0x77);
	crypto_aead_free(a);
}

/* Argon2id -------------------------------------------------------------- */

static void
test_argon2id_rfc9106(void **state)
{
	unsigned char pass[32], salt[16], secret[8], ad[12], out[32];

	(void)state;
	fill(pass, 0x01, sizeof(pass));
	fill(salt, 0x02, sizeof(salt));
	fill(secret, 0x03, sizeof(secret));
	fill(ad, 0x04, sizeof(ad));
	assert_int_equal(
	    crypto_argon2id_raw(pass, sizeof(pass), salt, sizeof(salt), secret,
	        sizeof(secret), ad, sizeof(ad), 3, 32, 4, out, sizeof(out)),
	    DOSSIER_OK);
	assert_hex(out, sizeof(out),
	    "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
}

static void
test_argon2id_bounds(void **state)
{
	unsigned char salt[16], out[32];
	size_t i;
	const uint32_t T = CRYPTO_ARGON2_T_DEFAULT;
	const uint32_t M = CRYPTO_ARGON2_M_DEFAULT;
	const uint32_t P = CRYPTO_ARGON2_P_DEFAULT;
	struct timespec t0, t1;

	(void)state;
	fill(salt, 0x02, sizeof(salt));
	/* Each refusal comes before any memory is allocated or work done. */
	fill(out, 0xff, sizeof(out));
	assert_int_equal(crypto_argon2id("pw", 2, salt, 16, NULL, 0, T,
	                     CRYPTO_ARGON2_M_MIN - 1, P, out, 32),
	    DOSSIER_EUSAGE);
	for (i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(
	    crypto_argon2id("pw", 2, salt, 16, NULL, 0, T, 32, P, out, 32),
	    DOSSIER_EUSAGE);
	assert_int_equal(crypto_argon2id("pw", 2, salt, 16, NULL, 0, T,
	                     CRYPTO_ARGON2_M_MAX + 1, P, out, 32),
	    DOSSIER_EUSAGE);
	assert_int_equal(crypto_argon2id("pw", 2, salt, 16, NULL, 0, T,
	                     UINT32_MAX, P, out, 32),
	    DOSSIER_EUSAGE);
	assert_int_equal(crypto_argon2id("pw", 2, salt, 16, NULL, 0,
	                     CRYPTO_ARGON2_T_MIN - 1, M, P, out, 32),
	    DOSSIER_EUSAGE);
	assert_int_equal(crypto_argon2id("pw", 2, salt, 16, NULL, 0,
	                     CRYPTO_ARGON2_T_MAX + 1, M, P, out, 32),
	    DOSSIER_EUSAGE);
	assert_int_equal(
	    crypto_argon2id("pw", 2, salt, 16, NULL, 0, T, M, 0, out, 32),
	    DOSSIER_EUSAGE);
	assert_int_equal(crypto_argon2id("pw", 2, salt, 16, NULL, 0, T, M,
	                     CRYPTO_ARGON2_P_MAX + 1, out, 32),
	    DOSSIER_EUSAGE);
	/*
	 * Quickly: a run at m = 64 MiB - 1 KiB would take a good fraction of
	 * a second; a hundred refusals take microseconds.
	 */
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t0), 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(crypto_argon2id("pw", 2, salt, 16, NULL, 0, T,
		                     CRYPTO_ARGON2_M_MIN - 1, P, out, 32),
		    DOSSIER_EUSAGE);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t1), 0);
	assert_true(
	    (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec) <
	    100000000L);
	/* Shapes RFC 9106 forbids, through the raw entry too. */
	assert_int_equal(crypto_argon2id_raw("pw", 2, salt, 7, NULL, 0, NULL, 0,
	                     1, 8, 1, out, 32),
	    DOSSIER_EUSAGE);
	assert_int_equal(crypto_argon2id_raw("pw", 2, salt, 16, NULL, 0, NULL,
	                     0, 1, 8, 1, out, 3),
	    DOSSIER_EUSAGE);
	assert_int_equal(crypto_argon2id_raw("pw", 2, salt, 16, NULL, 0, NULL,
	                     0, 1, 31, 4, out, 32),
	    DOSSIER_EUSAGE);
	assert_int_equal(crypto_argon2id_raw("pw", 2, salt, 16, NULL, 0, NULL,
	                     0, 0, 8, 1, out, 32),
	    DOSSIER_EUSAGE);
}

/* The bounded entry at the floor equals the raw one with the same input. */
static void
test_argon2id_floor(void **state)
{
	unsigned char salt[16], ad[5], a[32], b[32];

	(void)state;
	fill(salt, 0x5c, sizeof(salt));
	memcpy(ad, "vault", 5);
	assert_int_equal(
	    crypto_argon2id("correct horse", 13, salt, sizeof(salt), ad,
	        sizeof(ad), CRYPTO_ARGON2_T_MIN, CRYPTO_ARGON2_M_MIN,
	        CRYPTO_ARGON2_P_DEFAULT, a, sizeof(a)),
	    DOSSIER_OK);
	assert_int_equal(
	    crypto_argon2id_raw("correct horse", 13, salt, sizeof(salt), NULL,
	        0, ad, sizeof(ad), CRYPTO_ARGON2_T_MIN, CRYPTO_ARGON2_M_MIN,
	        CRYPTO_ARGON2_P_DEFAULT, b, sizeof(b)),
	    DOSSIER_OK);
	assert_memory_equal(a, b, sizeof(a));
	/* The AD matters. */
	ad[0] ^= 0x01;
	assert_int_equal(
	    crypto_argon2id_raw("correct horse", 13, salt, sizeof(salt), NULL,
	        0, ad, sizeof(ad), 1, 64, 1, b, sizeof(b)),
	    DOSSIER_OK);
	assert_memory_not_equal(a, b, sizeof(a));
}

/* X25519 ---------------------------------------------------------------- */

#define X_ALICE_SEC                                                            \
	"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
#define X_ALICE_PUB                                                            \
	"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
#define X_BOB_SEC                                                              \
	"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
#define X_BOB_PUB                                                              \
	"de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
#define X_SHARED                                                               \
	"4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"

static void
test_x25519_rfc7748(void **state)
{
	unsigned char asec[32], bsec[32], apub[32], bpub[32], k[32], u[32];

	(void)state;
	/* 6.1 */
	unhex(X_ALICE_SEC, asec, 32);
	unhex(X_BOB_SEC, bsec, 32);
	assert_int_equal(crypto_x25519_public(asec, apub), DOSSIER_OK);
	assert_hex(apub, 32, X_ALICE_PUB);
	assert_int_equal(crypto_x25519_public(bsec, bpub), DOSSIER_OK);
	assert_hex(bpub, 32, X_BOB_PUB);
	assert_int_equal(crypto_x25519(asec, bpub, k), DOSSIER_OK);
	assert_hex(k, 32, X_SHARED);
	assert_int_equal(crypto_x25519(bsec, apub, k), DOSSIER_OK);
	assert_hex(k, 32, X_SHARED);

	/* 5.2: unclamped scalars; the second u has its top bit set. */
	unhex(
	    "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
	    asec, 32);
	unhex(
	    "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
	    u, 32);
	assert_int_equal(crypto_x25519(asec, u, k), DOSSIER_OK);
	assert_hex(k, 32,
	    "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
	unhex(
	    "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
	    asec, 32);
	unhex(
	    "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
	    u, 32);
	assert_int_equal(crypto_x25519(asec, u, k), DOSSIER_OK);
	assert_hex(k, 32,
	    "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}

/* A peer key of small order yields the all-zero secret: refused. */
static void
test_x25519_low_order(void **state)
{
	static const char *const bad[] = {
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    "0100000000000000000000000000000000000000000000000000000000000000",
	    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
	    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	};
	unsigned char sec[32], peer[32], k[32];
	size_t i, j;

	(void)state;
	unhex(X_ALICE_SEC, sec, 32);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unhex(bad[i], peer, 32);
		fill(k, 0xaa, sizeof(k));
		assert_int_equal(crypto_x25519(sec, peer, k), DOSSIER_ECORRUPT);
		for (j = 0; j < sizeof(k); j++)
			assert_int_equal(k[j], 0);
	}
}

static void
test_x25519_keypair(void **state)
{
	unsigned char apub[32], asec[32], bpub[32], bsec[32], ka[32], kb[32];
	unsigned char again[32];

	(void)state;
	assert_int_equal(crypto_x25519_keypair(apub, asec), DOSSIER_OK);
	assert_int_equal(crypto_x25519_keypair(bpub, bsec), DOSSIER_OK);
	assert_memory_not_equal(asec, bsec, 32);
	assert_int_equal(crypto_x25519_public(asec, again), DOSSIER_OK);
	assert_memory_equal(again, apub, 32);
	assert_int_equal(crypto_x25519(asec, bpub, ka), DOSSIER_OK);
	assert_int_equal(crypto_x25519(bsec, apub, kb), DOSSIER_OK);
	assert_memory_equal(ka, kb, 32);
}

/* Ed25519 --------------------------------------------------------------- */

struct ed_vector {
	const char *seed, *pub, *msg, *sig;
};

/* RFC 8032 7.1 TEST 1, TEST 2, TEST 3. */
static const struct ed_vector ed_vectors[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
        "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

static void
test_ed25519_rfc8032(void **state)
{
	unsigned char seed[32], pub[32], want_pub[32], msg[4], sig[64];
	unsigned char want_sig[64], longer[5];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(ed_vectors) / sizeof(ed_vectors[0]); i++) {
		const struct ed_vector *v = &ed_vectors[i];

		unhex(v->seed, seed, 32);
		unhex(v->pub, want_pub, 32);
		unhex(v->sig, want_sig, 64);
		n = unhex(v->msg, msg, sizeof(msg));

		assert_int_equal(crypto_ed25519_public(seed, pub), DOSSIER_OK);
		assert_hex(pub, 32, v->pub);

		assert_int_equal(
		    crypto_ed25519_sign(seed, n ? msg : NULL, n, sig),
		    DOSSIER_OK);
		assert_hex(sig, 64, v->sig);

		assert_int_equal(
		    crypto_ed25519_verify(pub, n ? msg : NULL, n, sig),
		    DOSSIER_OK);

		/* A changed message. */
		if (n > 0) {
			msg[n - 1] ^= 0x01;
			assert_int_equal(
			    crypto_ed25519_verify(pub, msg, n, sig),
			    DOSSIER_ECORRUPT);
			msg[n - 1] ^= 0x01;
			assert_int_equal(
			    crypto_ed25519_verify(pub, msg, n - 1, sig),
			    DOSSIER_ECORRUPT);
		}
		memcpy(longer, msg, n);
		longer[n] = 0x00;
		assert_int_equal(crypto_ed25519_verify(pub, longer, n + 1, sig),
		    DOSSIER_ECORRUPT);

		/* A changed signature: in R, in S. */
		sig[0] ^= 0x01;
		assert_int_equal(
		    crypto_ed25519_verify(pub, msg, n, sig), DOSSIER_ECORRUPT);
		sig[0] ^= 0x01;
		sig[40] ^= 0x20;
		assert_int_equal(
		    crypto_ed25519_verify(pub, msg, n, sig), DOSSIER_ECORRUPT);
		sig[40] ^= 0x20;

		/* Another key. */
		pub[5] ^= 0x01;
		assert_int_equal(
		    crypto_ed25519_verify(pub, msg, n, sig), DOSSIER_ECORRUPT);
		pub[5] ^= 0x01;

		assert_int_equal(
		    crypto_ed25519_verify(pub, msg, n, sig), DOSSIER_OK);
	}
}

/* S + L is the same S modulo L: RFC 8032 5.1.7 requires S < L. */
static void
test_ed25519_malleability(void **state)
{
	static const unsigned char l[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63,
	    0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
	unsigned char pub[32], sig[64];
	unsigned int carry = 0, v;
	size_t i;

	(void)state;
	unhex(ed_vectors[0].pub, pub, 32);
	unhex(ed_vectors[0].sig, sig, 64);
	assert_int_equal(crypto_ed25519_verify(pub, NULL, 0, sig), DOSSIER_OK);
	for (i = 0; i < 32; i++) {
		v = sig[32 + i] + l[i] + carry;
		sig[32 + i] = (unsigned char)v;
		carry = v >> 8;
	}
	assert_int_equal(carry, 0);
	assert_int_equal(
	    crypto_ed25519_verify(pub, NULL, 0, sig), DOSSIER_ECORRUPT);
	/* S = L exactly, and S with the top bits set. */
	memcpy(sig + 32, l, 32);
	assert_int_equal(
	    crypto_ed25519_verify(pub, NULL, 0, sig), DOSSIER_ECORRUPT);
	fill(sig + 32, 0xff, 32);
	assert_int_equal(
	    crypto_ed25519_verify(pub, NULL, 0, sig), DOSSIER_ECORRUPT);
}

/*
 * Hostile public keys: libgcrypt 1.10.1 aborts the process on some of
 * these (short coordinates); they must come back as DOSSIER_ECORRUPT.
 */
static void
test_ed25519_hostile_keys(void **state)
{
	static const char *const bad[] = {
	    /* identity (0, 1) and (0, -1) */
	    "0100000000000000000000000000000000000000000000000000000000000000",
	    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	    /* y = 0, both signs: order 4 */
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    "0000000000000000000000000000000000000000000000000000000000000080",
	    /* the four points of order 8 */
	    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
	    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
	    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
	    /* small y: not on the curve (2), on it (3, 4) */
	    "0200000000000000000000000000000000000000000000000000000000000000",
	    "0300000000000000000000000000000000000000000000000000000000000000",
	    "0400000000000000000000000000000000000000000000000000000000000000",
	    /* y just below 2^192: 3 limbs */
	    "0100000000000000000000000000000000000000000000800000000000000000",
	    /* points with x = 2 and x just above 2^191 */
	    "3126711e11ef574692935381d2cd2bbab5dd113c4010f91fd7c4dd7b12bf431a",
	    "95cef8cde8960ec2a0524d2a6a67d4ed4bbc360b94f5d336a71dd875bd710405",
	    /* y >= p: non-canonical */
	    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	    /* x = 0 with the sign bit set ("-0") */
	    "0100000000000000000000000000000000000000000000000000000000000080",
	};
	unsigned char pub[32], sig[64];
	size_t i;

	(void)state;
	unhex(ed_vectors[0].sig, sig, 64);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unhex(bad[i], pub, 32);
		assert_int_equal(
		    crypto_ed25519_verify(pub, "m", 1, sig), DOSSIER_ECORRUPT);
	}
	/* A full-size point that is not the signer's key: a plain "no". */
	unhex(
	    "d6b120827250f473c86f495ddcdbf032719aa72c9ad5710817e905bce4dd8d53",
	    pub, 32);
	assert_int_equal(
	    crypto_ed25519_verify(pub, NULL, 0, sig), DOSSIER_ECORRUPT);
}

static void
test_ed25519_keypair(void **state)
{
	unsigned char pub[32], sec[32], again[32], sig[64], sig2[64];
	unsigned char msg[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)i;
	assert_int_equal(crypto_ed25519_keypair(pub, sec), DOSSIER_OK);
	assert_int_equal(crypto_ed25519_public(sec, again), DOSSIER_OK);
	assert_memory_equal(pub, again, 32);
	assert_int_equal(
	    crypto_ed25519_sign(sec, msg, sizeof(msg), sig), DOSSIER_OK);
	/* Deterministic. */
	assert_int_equal(
	    crypto_ed25519_sign(sec, msg, sizeof(msg), sig2), DOSSIER_OK);
	assert_memory_equal(sig, sig2, 64);
	assert_int_equal(
	    crypto_ed25519_verify(pub, msg, sizeof(msg), sig), DOSSIER_OK);
	msg[299] ^= 0x01;
	assert_int_equal(crypto_ed25519_verify(pub, msg, sizeof(msg), sig),
	    DOSSIER_ECORRUPT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_idempotent),
	    cmocka_unit_test(test_secure_alloc),
	    cmocka_unit_test(test_wipe),
	    cmocka_unit_test(test_equal),
	    cmocka_unit_test(test_random),
	    cmocka_unit_test(test_sha256_fips180),
	    cmocka_unit_test(test_hmac_rfc4231),
	    cmocka_unit_test(test_hmac_empty_key),
	    cmocka_unit_test(test_hash_streaming),
	    cmocka_unit_test(test_hash_spent),
	    cmocka_unit_test(test_hkdf_rfc5869),
	    cmocka_unit_test(test_hkdf_lengths),
	    cmocka_unit_test(test_gcm_vectors),
	    cmocka_unit_test(test_gcm_tamper),
	    cmocka_unit_test(test_gcm_context),
	    cmocka_unit_test(test_gcm_large),
	    cmocka_unit_test(test_argon2id_rfc9106),
	    cmocka_unit_test(test_argon2id_bounds),
	    cmocka_unit_test(test_argon2id_floor),
	    cmocka_unit_test(test_x25519_rfc7748),
	    cmocka_unit_test(test_x25519_low_order),
	    cmocka_unit_test(test_x25519_keypair),
	    cmocka_unit_test(test_ed25519_rfc8032),
	    cmocka_unit_test(test_ed25519_malleability),
	    cmocka_unit_test(test_ed25519_hostile_keys),
	    cmocka_unit_test(test_ed25519_keypair),
	};

	if (crypto_global_init() != DOSSIER_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
