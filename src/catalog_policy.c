/*
 * catalog_policy.c: the catalog rows that decide who holds which key and
 * may do what: level key versions, sealed keys, grants, restrictions,
 * and the denials noted for the audit log.  Part of the catalog module
 * (catalog.h); shares catalog_int.h with catalog.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "dossier.h"
#include "catalog.h"
#include "catalog_int.h"
#include "error.h"

int
catalog_level_key_insert(struct catalog *c, int level, uint32_t version,
    int64_t created, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "INSERT INTO level_key VALUES (?,?,?);", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_int(st, 1, level);
	sqlite3_bind_int64(st, 2, version);
	sqlite3_bind_int64(st, 3, created);
	return catalog_done(c, st, "write", e);
}

int
catalog_sealed_insert(struct catalog *c, const struct keys_label *lb,
    const unsigned char blob[KEYS_SEALED_LEN], struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "INSERT INTO sealed_key VALUES (?,?,?,?,?);", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_text(st, 1, lb->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lb->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, lb->level);
	sqlite3_bind_int64(st, 4, lb->version);
	sqlite3_bind_blob(st, 5, blob, KEYS_SEALED_LEN, SQLITE_STATIC);
	return catalog_done(c, st, "write", e);
}

int
catalog_sealed_each(struct catalog *c, const char *user, catalog_sealed_fn fn,
    void *ctx, struct err *e)
{
	struct keys_label lb;
	char kind[16];
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st,
	    "SELECT kind, level, version, blob FROM sealed_key WHERE user = ?"
	    " ORDER BY kind, level, version;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		catalog_copy_text(kind, sizeof(kind), st, 0);
		lb.user = user;
		lb.kind = kind;
		lb.level = sqlite3_column_int(st, 1);
		lb.version = (uint32_t)sqlite3_column_int64(st, 2);
		if (sqlite3_column_bytes(st, 3) != KEYS_SEALED_LEN) {
			rc = catalog_badrow(c, e, "sealed_key");
			goto out;
		}
		rc = fn(ctx, &lb, sqlite3_column_blob(st, 3));
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? DOSSIER_OK : catalog_dberr(c, e, "read");
out:
	sqlite3_finalize(st);
	return rc;
}

int
catalog_level_key_current(struct catalog *c, int level, uint32_t *version,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "SELECT max(version) FROM level_key WHERE level = ?;",
	    e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_int(st, 1, level);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*version = (uint32_t)sqlite3_column_int64(st, 0);
		rc = DOSSIER_OK;
	} else {
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ?
		    err_set(e, DOSSIER_ECORRUPT, "catalog '%s' has no key for "
		    "level %d", c->path, level) : catalog_dberr(c, e, "read");
	}
	sqlite3_finalize(st);
	return rc;
}

int
catalog_sealed_delete(struct catalog *c, const char *user, int min_level,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "DELETE FROM sealed_key WHERE user = ? AND"
	    " kind = 'level' AND level >= ?;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, min_level);
	return catalog_done(c, st, "write", e);
}

int
catalog_sealed_delete_all(struct catalog *c, const char *user, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "DELETE FROM sealed_key WHERE user = ?;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	return catalog_done(c, st, "write", e);
}

int
catalog_grant_put(struct catalog *c, const struct catalog_grant *g,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (g->perms == 0) {
		rc = catalog_prep(c, &st, "DELETE FROM grant_row WHERE principal = ?"
		    " AND doc = ? AND cat_mac = ?;", e);
		if (rc != DOSSIER_OK)
			return rc;
	} else {
		rc = catalog_prep(c, &st, "INSERT OR REPLACE INTO grant_row(principal,"
		    " doc, cat_mac, perms, category, granted_by, granted)"
		    " VALUES (?,?,?,?,?,?,?);", e);
		if (rc != DOSSIER_OK)
			return rc;
		sqlite3_bind_int(st, 4, (int)g->perms);
		sqlite3_bind_blob(st, 5, g->category.data != NULL ?
		    (const void *)g->category.data : (const void *)"",
		    (int)g->category.len, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, g->granted_by, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, g->granted);
	}
	sqlite3_bind_text(st, 1, g->principal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, g->doc);
	sqlite3_bind_blob(st, 3, g->cat_mac, sizeof(g->cat_mac), SQLITE_STATIC);
	return catalog_done(c, st, "write", e);
}

int
catalog_grant_get(struct catalog *c, struct catalog_grant *g, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "SELECT perms FROM grant_row WHERE principal = ?"
	    " AND doc = ? AND cat_mac = ?;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_text(st, 1, g->principal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, g->doc);
	sqlite3_bind_blob(st, 3, g->cat_mac, sizeof(g->cat_mac), SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		g->perms = (unsigned)sqlite3_column_int(st, 0);
		rc = DOSSIER_OK;
	} else if (rc == SQLITE_DONE) {
		g->perms = 0;
		rc = DOSSIER_OK;
	} else {
		rc = catalog_dberr(c, e, "read");
	}
	sqlite3_finalize(st);
	return rc;
}

int
catalog_grants_each(struct catalog *c, catalog_grant_fn fn, void *ctx,
    struct err *e)
{
	struct catalog_grant g;
	sqlite3_stmt *st;
	int rc;

	memset(&g, 0, sizeof(g));
	rc = catalog_prep(c, &st, "SELECT principal, doc, cat_mac, perms, category,"
	    " granted_by, granted FROM grant_row"
	    " ORDER BY principal, doc, cat_mac;", e);
	if (rc != DOSSIER_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		catalog_copy_text(g.principal, sizeof(g.principal), st, 0);
		g.doc = sqlite3_column_int64(st, 1);
		g.perms = (unsigned)sqlite3_column_int(st, 3);
		catalog_copy_text(g.granted_by, sizeof(g.granted_by), st, 5);
		g.granted = sqlite3_column_int64(st, 6);
		if (catalog_copy_blob(g.cat_mac, sizeof(g.cat_mac), st, 2) != 0) {
			rc = catalog_badrow(c, e, "grant_row");
			goto out;
		}
		if (catalog_copy_buf(&g.category, st, 4) != 0) {
			rc = err_nomem(e);
			goto out;
		}
		rc = fn(ctx, &g);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? DOSSIER_OK : catalog_dberr(c, e, "read");
out:
	buf_release(&g.category);
	sqlite3_finalize(st);
	return rc;
}

int
catalog_restrict_set(struct catalog *c, int64_t doc, int on, const char *by,
    int64_t at, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, on ? "INSERT OR REPLACE INTO restriction"
	    " VALUES (?,?,?);" : "DELETE FROM restriction WHERE doc = ?;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_int64(st, 1, doc);
	if (on) {
		sqlite3_bind_text(st, 2, by, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, at);
	}
	return catalog_done(c, st, "write", e);
}

int
catalog_restrictions_each(struct catalog *c, catalog_restriction_fn fn,
    void *ctx, struct err *e)
{
	char by[CATALOG_NAME_MAX + 1];
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "SELECT doc, set_by, set_at FROM restriction"
	    " ORDER BY doc;", e);
	if (rc != DOSSIER_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		catalog_copy_text(by, sizeof(by), st, 1);
		rc = fn(ctx, sqlite3_column_int64(st, 0), by,
		    sqlite3_column_int64(st, 2));
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? DOSSIER_OK : catalog_dberr(c, e, "read");
out:
	sqlite3_finalize(st);
	return rc;
}

int
catalog_level_keys_each(struct catalog *c, catalog_level_key_fn fn, void *ctx,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "SELECT level, version, created FROM level_key"
	    " ORDER BY level, version;", e);
	if (rc != DOSSIER_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = fn(ctx, sqlite3_column_int(st, 0),
		    (uint32_t)sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2));
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? DOSSIER_OK : catalog_dberr(c, e, "read");
out:
	sqlite3_finalize(st);
	return rc;
}
