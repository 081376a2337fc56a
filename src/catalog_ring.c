/*
 * catalog_ring.c: the keyring, keyring.db.  The catalog's pages are
 * encrypted under a key from the catalog key (CK), so what unlocking needs
 * before it can open them lives here, in plain SQLite: the vault id, the
 * pinned root key, the audit key's public half, and one key slot per user
 * (their secrets under their passphrase, CK sealed to them).  Everything
 * here is either public or sealed; docs/FORMAT.md has the schema and
 * docs/SECURITY.md what it tells a reader of the disk.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "dossier.h"
#include "catalog.h"
#include "catalog_int.h"
#include "error.h"

static const char ring_schema[] =
    "CREATE TABLE vault(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE keyslot(id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " user TEXT NOT NULL, salt BLOB NOT NULL UNIQUE,"
    " t INTEGER NOT NULL, m INTEGER NOT NULL, p INTEGER NOT NULL,"
    " blob BLOB NOT NULL, ck BLOB NOT NULL);"
    "CREATE INDEX keyslot_user ON keyslot(user, id);";

int
catalog_ring_create(const char *path, struct catalog **cp, struct err *e)
{
	int rc;

	rc = catalog_open_db(path, NULL, "keyring", "keyring",
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, cp, e);
	if (rc == DOSSIER_OK)
		rc = catalog_make_schema(*cp, ring_schema, CATALOG_RING_FORMAT,
		    e);
	if (rc != DOSSIER_OK) {
		catalog_close(*cp);
		*cp = NULL;
	}
	return rc;
}

int
catalog_ring_open(const char *path, struct catalog **cp, struct err *e)
{
	int rc;

	rc = catalog_open_db(path, NULL, "keyring", "keyring",
	    SQLITE_OPEN_READWRITE, cp, e);
	if (rc == DOSSIER_OK)
		rc = catalog_check_format(*cp, CATALOG_RING_FORMAT, e);
	if (rc != DOSSIER_OK) {
		catalog_close(*cp);
		*cp = NULL;
	}
	return rc;
}

int
catalog_slot_add(struct catalog *ring, const char *user,
    const struct catalog_slot *s, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(ring, &st,
	    "INSERT INTO keyslot(user, salt, t, m, p, blob, ck)"
	    " VALUES (?,?,?,?,?,?,?);", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, s->salt, sizeof(s->salt), SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, s->kdf.t);
	sqlite3_bind_int64(st, 4, s->kdf.m);
	sqlite3_bind_int64(st, 5, s->kdf.p);
	sqlite3_bind_blob(st, 6, s->blob, sizeof(s->blob), SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, s->ck, sizeof(s->ck), SQLITE_STATIC);
	return catalog_done(ring, st, "write", e);
}

int
catalog_slots_each(struct catalog *ring, const char *user,
    catalog_slot_fn fn, void *ctx, struct err *e)
{
	struct catalog_slot s;
	sqlite3_stmt *st;
	sqlite3_int64 t, m, p;
	int rc;

	rc = catalog_prep(ring, &st,
	    "SELECT id, salt, t, m, p, blob, ck FROM keyslot WHERE user = ?"
	    " ORDER BY id DESC;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&s, 0, sizeof(s));
		s.id = sqlite3_column_int64(st, 0);
		t = sqlite3_column_int64(st, 2);
		m = sqlite3_column_int64(st, 3);
		p = sqlite3_column_int64(st, 4);
		/* Range checks against the KDF bounds happen in keys. */
		if (t < 0 || t > UINT32_MAX || m < 0 || m > UINT32_MAX ||
		    p < 0 || p > UINT32_MAX ||
		    catalog_copy_blob(s.salt, sizeof(s.salt), st, 1) != 0 ||
		    catalog_copy_blob(s.blob, sizeof(s.blob), st, 5) != 0 ||
		    catalog_copy_blob(s.ck, sizeof(s.ck), st, 6) != 0) {
			rc = catalog_badrow(ring, e, "keyslot");
			goto out;
		}
		s.kdf.t = (uint32_t)t;
		s.kdf.m = (uint32_t)m;
		s.kdf.p = (uint32_t)p;
		rc = fn(ctx, &s);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? DOSSIER_OK : catalog_dberr(ring, e, "read");
out:
	sqlite3_finalize(st);
	return rc;
}

int
catalog_slots_keep(struct catalog *ring, const char *user,
    const unsigned char *keep, const unsigned char *keep2, struct err *e)
{
	static const unsigned char none[KEYS_SALT_LEN];
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(ring, &st, keep != NULL || keep2 != NULL ?
	    "DELETE FROM keyslot WHERE user = ?1 AND salt <> ?2"
	    " AND salt <> ?3;" :
	    "DELETE FROM keyslot WHERE user = ?1;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	if (keep != NULL || keep2 != NULL) {
		sqlite3_bind_blob(st, 2, keep != NULL ? keep : none,
		    KEYS_SALT_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, keep2 != NULL ? keep2 : none,
		    KEYS_SALT_LEN, SQLITE_STATIC);
	}
	return catalog_done(ring, st, "write", e);
}

int
catalog_slot_users(struct catalog *ring, catalog_name_fn fn, void *ctx,
    struct err *e)
{
	char name[CATALOG_NAME_MAX + 1];
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(ring, &st,
	    "SELECT DISTINCT user FROM keyslot ORDER BY user;", e);
	if (rc != DOSSIER_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		catalog_copy_text(name, sizeof(name), st, 0);
		rc = fn(ctx, name);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? DOSSIER_OK : catalog_dberr(ring, e, "read");
out:
	sqlite3_finalize(st);
	return rc;
}
