/*
 * insider.h: what an insider holding their passphrase can do with tools
 * of their own: open their key slot in the keyring, take the catalog key
 * sealed there, derive the page key and open the catalog (dossier.db)
 * decrypted, with none of dossier's checks (no certificate, no policy
 * signature, nothing recorded).  The tests use it to edit rows behind
 * dossier's back (tests/tools/catsql.c, tests/unit/test_*.c).
 *
 * Header-only, for test programs linked with libdossier.a.
 */
#ifndef DOSSIER_INSIDER_H
#define DOSSIER_INSIDER_H

#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "dossier.h"
#include "buf.h"
#include "catalog.h"
#include "catalog_int.h"
#include "error.h"
#include "keys.h"

struct insider_opener {
	const char *user, *pass;
	const unsigned char *vault_id;
	unsigned char secret[KEYS_USER_SECRET_LEN];
	unsigned char ck[CRYPTO_KEY_LEN];
	int found;
};

/* The first slot the passphrase opens gives the catalog key. */
static inline int
insider_open_slot(void *ctx, const struct catalog_slot *s)
{
	struct insider_opener *o = ctx;
	struct keys_label lb = { o->user, "catalog", 0, 1 };

	if (keys_slot_open(o->pass, strlen(o->pass), o->vault_id, o->user,
	    &s->kdf, s->salt, s->blob, o->secret) != DOSSIER_OK)
		return 0;
	o->found = keys_unseal(o->vault_id, &lb, o->secret, s->ck, o->ck) ==
	    DOSSIER_OK;
	return o->found;
}

/*
 * Opens the catalog of the vault at root as user with pass: *cp, whose
 * ->db is the plain SQLite connection.  Close with catalog_close().
 * Returns DOSSIER_OK or an error with a message in e.
 */
static inline int
insider_catalog(const char *root, const char *user, const char *pass,
    struct catalog **cp, struct err *e)
{
	struct insider_opener o;
	struct catalog *ring = NULL;
	unsigned char vault_id[KEYS_VAULT_ID_LEN], key[CRYPTO_KEY_LEN];
	char path[4200], dbid[64], hex[2 * KEYS_VAULT_ID_LEN + 1];
	struct buf b = BUF_INIT;
	int rc;

	*cp = NULL;
	memset(&o, 0, sizeof(o));
	o.user = user;
	o.pass = pass;
	snprintf(path, sizeof(path), "%s/keyring.db", root);
	rc = catalog_ring_open(path, &ring, e);
	if (rc == DOSSIER_OK)
		rc = catalog_kv_get(ring, "vault_id", &b, e);
	if (rc == DOSSIER_OK && b.len != sizeof(vault_id))
		rc = err_set(e, DOSSIER_ECORRUPT, "malformed vault id");
	if (rc == DOSSIER_OK) {
		memcpy(vault_id, b.data, sizeof(vault_id));
		o.vault_id = vault_id;
		rc = catalog_slots_each(ring, user, insider_open_slot, &o, e);
	}
	if (rc >= 0 && !o.found)
		rc = err_set(e, DOSSIER_EAUTH, "no slot of '%s' opens", user);
	else if (rc > 0)
		rc = DOSSIER_OK;
	if (rc == DOSSIER_OK && keys_derive(vault_id, o.ck, KEYS_PAGES,
	    key) != DOSSIER_OK)
		rc = err_set(e, DOSSIER_EINTERNAL, "cannot derive");
	if (rc == DOSSIER_OK) {
		hex_encode(vault_id, sizeof(vault_id), hex);
		snprintf(dbid, sizeof(dbid), "catalog-%.32s", hex);
		snprintf(path, sizeof(path), "%s/dossier.db", root);
		rc = catalog_open(path, key, dbid, cp, e);
	}
	catalog_close(ring);
	buf_release(&b);
	mem_wipe(&o, sizeof(o));
	mem_wipe(key, sizeof(key));
	return rc;
}

#endif
