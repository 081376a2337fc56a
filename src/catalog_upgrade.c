/*
 * catalog_upgrade.c: reading a catalog of vault format 1 (a plain
 * dossier.db that also held the key slots and the sealed catalog key) to
 * build a format-2 catalog and keyring from it (vault_upgrade.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "dossier.h"
#include "catalog.h"
#include "catalog_int.h"
#include "error.h"

int
catalog_v1_open(const char *path, struct catalog **cp, struct err *e)
{
	int rc;

	rc = catalog_open_db(path, NULL, "catalog-v1", "catalog",
	    SQLITE_OPEN_READWRITE, cp, e);
	if (rc == DOSSIER_OK)
		rc = catalog_check_format(*cp, 1, e);
	if (rc != DOSSIER_OK) {
		catalog_close(*cp);
		*cp = NULL;
	}
	return rc;
}

int
catalog_v1_exclusive(struct catalog *c, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	/*
	 * Leave WAL for a rollback journal: SQLite refuses while another
	 * connection has the database open, so no process is left reading
	 * the old catalog (or its -wal and -shm files, whose names the new
	 * catalog takes over) once the upgrade goes on.  The exclusive
	 * transaction then keeps everyone out until the switch.
	 */
	rc = catalog_prep(c, &st, "PRAGMA journal_mode=DELETE;", e);
	if (rc == DOSSIER_OK && sqlite3_step(st) != SQLITE_ROW)
		rc = catalog_dberr(c, e, "lock");
	if (rc == DOSSIER_OK && strcmp((const char *)sqlite3_column_text(st,
	    0), "delete") != 0)
		rc = err_set(e, DOSSIER_EBUSY, "vault is busy: another process "
		    "has catalog '%s' open", c->path);
	sqlite3_finalize(st);
	if (rc == DOSSIER_OK && sqlite3_exec(c->db, "BEGIN EXCLUSIVE;",
	    NULL, NULL, NULL) != SQLITE_OK)
		rc = catalog_dberr(c, e, "lock");
	return rc;
}

int
catalog_v1_slots_each(struct catalog *c, catalog_v1_slot_fn fn, void *ctx,
    struct err *e)
{
	struct catalog_v1_slot s;
	sqlite3_stmt *st;
	sqlite3_int64 t, m, p;
	int rc;

	rc = catalog_prep(c, &st,
	    "SELECT k.user, k.salt, k.t, k.m, k.p, k.blob, k.one_time, s.blob,"
	    " u.role FROM keyslot k LEFT JOIN sealed_key s ON s.user = k.user"
	    " AND s.kind = 'catalog' LEFT JOIN user u ON u.name = k.user"
	    " ORDER BY k.id;", e);
	if (rc != DOSSIER_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&s, 0, sizeof(s));
		catalog_copy_text(s.user, sizeof(s.user), st, 0);
		t = sqlite3_column_int64(st, 2);
		m = sqlite3_column_int64(st, 3);
		p = sqlite3_column_int64(st, 4);
		if (t < 0 || t > UINT32_MAX || m < 0 || m > UINT32_MAX ||
		    p < 0 || p > UINT32_MAX ||
		    catalog_copy_blob(s.slot.salt, sizeof(s.slot.salt), st,
		    1) != 0 ||
		    catalog_copy_blob(s.slot.blob, sizeof(s.slot.blob), st,
		    5) != 0) {
			rc = catalog_badrow(c, e, "keyslot");
			goto out;
		}
		s.slot.kdf.t = (uint32_t)t;
		s.slot.kdf.m = (uint32_t)m;
		s.slot.kdf.p = (uint32_t)p;
		s.one_time = sqlite3_column_int(st, 6);
		catalog_copy_text(s.role, sizeof(s.role), st, 8);
		/* Disabled users have no catalog key left. */
		s.has_ck = sqlite3_column_type(st, 7) != SQLITE_NULL;
		if (s.has_ck && catalog_copy_blob(s.slot.ck,
		    sizeof(s.slot.ck), st, 7) != 0) {
			rc = catalog_badrow(c, e, "sealed_key");
			goto out;
		}
		rc = fn(ctx, &s);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? DOSSIER_OK : catalog_dberr(c, e, "read");
out:
	sqlite3_finalize(st);
	return rc;
}

/* Does the old catalog have table? */
static int
has_table(struct catalog *c, const char *table)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM sqlite_master WHERE"
	    " type = 'table' AND name = ?;", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* Copies the rows of table (those where allows) by column name. */
static int
copy_rows(struct catalog *to, struct catalog *from, const char *table,
    const char *where, struct err *e)
{
	struct buf sql = BUF_INIT;
	sqlite3_stmt *sel = NULL, *ins = NULL;
	const char *name;
	int i, n, rc;

	if (buf_printf(&sql, "SELECT * FROM %s%s;", table, where) != 0)
		return err_nomem(e);
	rc = catalog_prep(from, &sel, (const char *)sql.data, e);
	n = rc == DOSSIER_OK ? sqlite3_column_count(sel) : 0;
	buf_reset(&sql);
	if (rc == DOSSIER_OK && buf_printf(&sql, "INSERT INTO %s(", table) != 0)
		rc = err_nomem(e);
	for (i = 0; rc == DOSSIER_OK && i < n; i++) {
		name = sqlite3_column_name(sel, i);
		/* Names come from a plain file: quote them as identifiers. */
		if (name == NULL || strchr(name, '"') != NULL)
			rc = catalog_badrow(from, e, table);
		else if (buf_printf(&sql, "%s\"%s\"", i > 0 ? ", " : "",
		    name) != 0)
			rc = err_nomem(e);
	}
	if (rc == DOSSIER_OK && buf_puts(&sql, ") VALUES (") != 0)
		rc = err_nomem(e);
	for (i = 0; rc == DOSSIER_OK && i < n; i++)
		if (buf_puts(&sql, i > 0 ? ", ?" : "?") != 0)
			rc = err_nomem(e);
	if (rc == DOSSIER_OK && buf_puts(&sql, ");") != 0)
		rc = err_nomem(e);
	if (rc == DOSSIER_OK)
		rc = catalog_prep(to, &ins, (const char *)sql.data, e);
	while (rc == DOSSIER_OK && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
		for (i = 0; i < n; i++)
			sqlite3_bind_value(ins, i + 1,
			    sqlite3_column_value(sel, i));
		rc = sqlite3_step(ins) == SQLITE_DONE ? DOSSIER_OK :
		    catalog_dberr(to, e, "write");
		sqlite3_reset(ins);
	}
	if (rc == SQLITE_DONE)
		rc = DOSSIER_OK;
	else if (rc > 0)
		rc = catalog_dberr(from, e, "read");
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	buf_release(&sql);
	return rc;
}

int
catalog_v1_copy(struct catalog *to, struct catalog *from, struct err *e)
{
	static const struct {
		const char *table, *where;
	} tables[] = {
		{ "vault", "" },
		{ "user", "" },
		{ "level_key", "" },
		/* The catalog key moves into the keyring's slots. */
		{ "sealed_key", " WHERE kind = 'level'" },
		{ "document", "" },
		{ "doc_term", "" },
		{ "version", "" },
		{ "grant_row", "" },
		{ "restriction", "" },
		{ "purged", "" },
		{ "audit", "" },
		/* Ids of purged documents are never given again. */
		{ "sqlite_sequence", "" },
	};
	size_t i;
	int rc;

	rc = catalog_begin(to, e);
	if (rc == DOSSIER_OK && sqlite3_exec(to->db,
	    "DELETE FROM sqlite_sequence;", NULL, NULL, NULL) != SQLITE_OK)
		rc = catalog_dberr(to, e, "write");
	for (i = 0; rc == DOSSIER_OK && i < sizeof(tables) / sizeof(tables[0]);
	    i++)
		if (has_table(from, tables[i].table))
			rc = copy_rows(to, from, tables[i].table,
			    tables[i].where, e);
	if (rc == DOSSIER_OK)
		rc = catalog_commit(to, e);
	else
		catalog_rollback(to);
	return rc;
}
