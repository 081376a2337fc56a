/*
 * fuzz_witness.c: the audit witness file (audit.witness: one signed
 * checkpoint a line, "v1 SEQ HEXHASH USER HEXSIG"), which lies outside
 * the encrypted catalog where anyone with the disk may edit it.  Every
 * checkpoint the reader hands over must be one the writer could have
 * written (seq >= 0, a user name of the allowed bytes), and its signature
 * is checked as audit verify does (refused: the key is not the signer's).
 */
#include <string.h>

#include "fuzz.h"
#include "audit.h"
#include "crypto.h"
#include "dossier.h"
#include "error.h"

static unsigned char pub[CRYPTO_ED25519_PUB_LEN];

static int
each(void *ctx, const struct audit_ckpt *c)
{
	size_t i, n = strlen(c->user);
	struct err e;

	(void)ctx;
	FUZZ_CHECK(c->seq >= 0);
	FUZZ_CHECK(n >= 1 && n <= AUDIT_USER_MAX);
	for (i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)c->user[i] > ' ' &&
		    (unsigned char)c->user[i] != 0x7f);
	FUZZ_CHECK(audit_ckpt_check(c, pub, &e) == DOSSIER_ECORRUPT);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	unsigned char sec[CRYPTO_ED25519_SEC_LEN];
	char path[64];
	struct err e;
	int rc;

	if (!ready) {
		FUZZ_CHECK(crypto_global_init() == DOSSIER_OK);
		FUZZ_CHECK(crypto_ed25519_keypair(pub, sec) == DOSSIER_OK);
		ready = 1;
	}
	if (fuzz_memfile(data, size, path) != 0)
		return 0;
	err_clear(&e);
	rc = audit_witness_each(path, each, NULL, &e);
	FUZZ_CHECK(rc == DOSSIER_OK || e.msg[0] != '\0');
	return 0;
}
