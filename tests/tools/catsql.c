/*
 * catsql: the tests' stand-in for an insider's own tooling.  It opens
 * the key slot of $DOSSIER_USER in the vault at VAULT with the passphrase
 * in $DOSSIER_PASSPHRASE, which yields the catalog key, and runs SQL on
 * the decrypted catalog, printing rows as the sqlite3 tool does (columns
 * joined by '|').  None of dossier's checks run: no policy signature, no
 * certificate, nothing recorded.
 *
 *	catsql VAULT SQL
 *
 * Someone cleared for the vault holds the catalog key and can do the
 * same with tools of their own (docs/SECURITY.md, "insider"); the tests
 * use it to edit rows behind dossier's back and check that dossier
 * notices.  It is built for the tests only, never installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "dossier.h"
#include "buf.h"
#include "catalog.h"
#include "catalog_int.h"
#include "error.h"
#include "keys.h"

static int
print_row(void *ctx, int n, char **values, char **names)
{
	int i;

	(void)ctx;
	(void)names;
	for (i = 0; i < n; i++)
		printf("%s%s", i > 0 ? "|" : "",
		    values[i] != NULL ? values[i] : "");
	putchar('\n');
	return 0;
}

struct opener {
	const char *user, *pass;
	const unsigned char *vault_id;
	unsigned char secret[KEYS_USER_SECRET_LEN];
	unsigned char ck[CRYPTO_KEY_LEN];
	int found;
};

/* The first slot the passphrase opens gives the catalog key. */
static int
open_slot(void *ctx, const struct catalog_slot *s)
{
	struct opener *o = ctx;
	struct keys_label lb = { o->user, "catalog", 0, 1 };

	if (keys_slot_open(o->pass, strlen(o->pass), o->vault_id, o->user,
	    &s->kdf, s->salt, s->blob, o->secret) != DOSSIER_OK)
		return 0;
	o->found = keys_unseal(o->vault_id, &lb, o->secret, s->ck, o->ck) ==
	    DOSSIER_OK;
	return o->found;
}

int
main(int argc, char **argv)
{
	struct opener o;
	struct catalog *ring = NULL, *cat = NULL;
	unsigned char vault_id[KEYS_VAULT_ID_LEN], key[CRYPTO_KEY_LEN];
	char path[4200], dbid[64], hex[2 * KEYS_VAULT_ID_LEN + 1];
	struct buf b = BUF_INIT;
	struct err e;
	char *msg = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	o.user = getenv("DOSSIER_USER");
	o.pass = getenv("DOSSIER_PASSPHRASE");
	if (argc != 3 || o.user == NULL || o.pass == NULL) {
		fprintf(stderr, "usage: catsql VAULT SQL (with DOSSIER_USER "
		    "and DOSSIER_PASSPHRASE set)\n");
		return 2;
	}
	if (dossier_library_init() != DOSSIER_OK)
		return 1;
	err_clear(&e);
	/* The steps of an unlock, without any of dossier's checks. */
	snprintf(path, sizeof(path), "%s/keyring.db", argv[1]);
	rc = catalog_ring_open(path, &ring, &e);
	if (rc == DOSSIER_OK)
		rc = catalog_kv_get(ring, "vault_id", &b, &e);
	if (rc == DOSSIER_OK && b.len == sizeof(vault_id)) {
		memcpy(vault_id, b.data, sizeof(vault_id));
		o.vault_id = vault_id;
		rc = catalog_slots_each(ring, o.user, open_slot, &o, &e);
	}
	if (rc >= 0 && !o.found) {
		fprintf(stderr, "catsql: no slot of '%s' opens\n", o.user);
		rc = DOSSIER_EAUTH;
	} else if (rc > 0) {
		rc = DOSSIER_OK;
	}
	if (rc == DOSSIER_OK)
		rc = keys_derive(vault_id, o.ck, KEYS_PAGES, key);
	hex_encode(vault_id, sizeof(vault_id), hex);
	snprintf(dbid, sizeof(dbid), "catalog-%.32s", hex);
	snprintf(path, sizeof(path), "%s/dossier.db", argv[1]);
	if (rc == DOSSIER_OK)
		rc = catalog_open(path, key, dbid, &cat, &e);
	if (rc == DOSSIER_OK) {
		rc = sqlite3_exec(cat->db, argv[2], print_row, NULL, &msg);
		if (rc != SQLITE_OK)
			fprintf(stderr, "catsql: %s\n",
			    msg != NULL ? msg : "error");
		sqlite3_free(msg);
	} else if (e.msg[0] != '\0') {
		fprintf(stderr, "catsql: %s\n", e.msg);
	}
	catalog_close(cat);
	catalog_close(ring);
	buf_release(&b);
	mem_wipe(&o, sizeof(o));
	mem_wipe(key, sizeof(key));
	return rc == 0 ? 0 : 1;
}
