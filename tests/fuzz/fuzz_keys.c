/*
 * fuzz_keys.c: the key formats (keys.c, docs/FORMAT.md): a key sealed to
 * a user (X25519 box), a wrapped data key, sealed data (metadata, audit
 * details), and the Ed25519 signatures that certificates and checkpoints
 * carry.  The first byte of the input picks the format and whether the
 * rest is taken as the blob itself (opened with fixed keys: refused,
 * never accepted by chance and never read past its end) or as a position
 * and mask for one changed byte of a blob made here (always refused).
 */
#include <string.h>

#include "fuzz.h"
#include "buf.h"
#include "crypto.h"
#include "dossier.h"
#include "keys.h"

static const unsigned char vault_id[KEYS_VAULT_ID_LEN] = "fuzz-vault-id-01";
static const unsigned char key[CRYPTO_KEY_LEN] =
    "fuzz level key of 32 bytes.....";
static const struct keys_label label = {"lin", "level", 3, 2};
static const struct keys_dek_label dlabel = {42, 1, 3, 2};
static unsigned char x_pub[CRYPTO_X25519_LEN], x_sec[CRYPTO_X25519_LEN];
static unsigned char ed_pub[CRYPTO_ED25519_PUB_LEN];
static unsigned char ed_sec[CRYPTO_ED25519_SEC_LEN];

static void
setup(void)
{
	static int done;

	if (done)
		return;
	FUZZ_CHECK(crypto_global_init() == DOSSIER_OK);
	FUZZ_CHECK(crypto_x25519_keypair(x_pub, x_sec) == DOSSIER_OK);
	FUZZ_CHECK(crypto_ed25519_keypair(ed_pub, ed_sec) == DOSSIER_OK);
	done = 1;
}

/* The input as a blob of exactly n bytes (zeros after its end). */
static void
fixed(unsigned char *blob, size_t n, const uint8_t *p, size_t len)
{
	memset(blob, 0, n);
	memcpy(blob, p, len < n ? len : n);
}

/* Changes one byte of blob[0..n) as p[0..3) says (position, mask). */
static void
change(unsigned char *blob, size_t n, const uint8_t *p, size_t len)
{
	size_t pos = len >= 2 ? ((size_t)p[0] << 8 | p[1]) : 0;
	unsigned char mask = len >= 3 && p[2] != 0 ? p[2] : 0x80;

	blob[pos % n] ^= mask;
}

static void
sealed(int made, const uint8_t *p, size_t n)
{
	unsigned char blob[KEYS_SEALED_LEN], out[CRYPTO_KEY_LEN];

	if (made) {
		FUZZ_CHECK(keys_seal_to(vault_id, &label, x_pub, key, blob) ==
		    DOSSIER_OK);
		FUZZ_CHECK(keys_unseal(vault_id, &label, x_sec, blob, out) ==
		    DOSSIER_OK && memcmp(out, key, sizeof(out)) == 0);
		change(blob, sizeof(blob), p, n);
	} else {
		fixed(blob, sizeof(blob), p, n);
	}
	FUZZ_CHECK(keys_unseal(vault_id, &label, x_sec, blob, out) !=
	    DOSSIER_OK);
}

static void
wrapped(int made, const uint8_t *p, size_t n)
{
	unsigned char blob[KEYS_WRAPPED_LEN], out[CRYPTO_KEY_LEN];

	if (made) {
		FUZZ_CHECK(keys_wrap_dek(vault_id, key, &dlabel, key, blob) ==
		    DOSSIER_OK);
		change(blob, sizeof(blob), p, n);
	} else {
		fixed(blob, sizeof(blob), p, n);
	}
	FUZZ_CHECK(keys_unwrap_dek(vault_id, key, &dlabel, blob, out) !=
	    DOSSIER_OK);
}

static void
data_blob(int made, const uint8_t *p, size_t n)
{
	struct buf blob = BUF_INIT, out = BUF_INIT;
	static const char ad[] = "fuzz associated data";

	if (made) {
		/* The input sealed, opened, then changed. */
		FUZZ_CHECK(keys_seal_data(key, ad, sizeof(ad), p, n, &blob) ==
		    DOSSIER_OK);
		FUZZ_CHECK(blob.len == n + KEYS_DATA_OVERHEAD);
		FUZZ_CHECK(keys_open_data(key, ad, sizeof(ad), blob.data,
		    blob.len, &out) == DOSSIER_OK);
		FUZZ_CHECK(out.len == n && (n == 0 ||
		    memcmp(out.data, p, n) == 0));
		buf_reset(&out);
		change(blob.data, blob.len, p, n);
		FUZZ_CHECK(keys_open_data(key, ad, sizeof(ad), blob.data,
		    blob.len, &out) != DOSSIER_OK);
		/* Cut short by one byte: refused too. */
		FUZZ_CHECK(keys_open_data(key, ad, sizeof(ad), blob.data,
		    blob.len - 1, &out) != DOSSIER_OK);
	} else {
		FUZZ_CHECK(keys_open_data(key, ad, sizeof(ad), p, n, &out) !=
		    DOSSIER_OK);
	}
	FUZZ_CHECK(out.len == 0);
	buf_release(&blob);
	buf_release(&out);
}

static void
signature(int made, const uint8_t *p, size_t n)
{
	unsigned char sig[CRYPTO_ED25519_SIG_LEN];
	static const char msg[] = "dossier-cert-v1 fuzz certificate bytes";

	if (made) {
		FUZZ_CHECK(crypto_ed25519_sign(ed_sec, msg, sizeof(msg), sig) ==
		    DOSSIER_OK);
		FUZZ_CHECK(crypto_ed25519_verify(ed_pub, msg, sizeof(msg),
		    sig) == DOSSIER_OK);
		change(sig, sizeof(sig), p, n);
	} else {
		fixed(sig, sizeof(sig), p, n);
	}
	FUZZ_CHECK(crypto_ed25519_verify(ed_pub, msg, sizeof(msg), sig) !=
	    DOSSIER_OK);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int made;

	if (size == 0)
		return 0;
	setup();
	made = data[0] & 1;
	switch ((data[0] >> 1) % 4) {
	case 0:
		sealed(made, data + 1, size - 1);
		break;
	case 1:
		wrapped(made, data + 1, size - 1);
		break;
	case 2:
		data_blob(made, data + 1, size - 1);
		break;
	default:
		signature(made, data + 1, size - 1);
		break;
	}
	return 0;
}
