/* catalog.c: the catalog database.  See catalog.h and docs/FORMAT.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "dossier.h"
#include "catalog.h"
#include "catalog_int.h"
#include "sqlvfs.h"
#include "error.h"

#define BUSY_TIMEOUT_MS 10000


/* The audit log (catalog_audit.c). */
#define AUDIT_SCHEMA \
    "CREATE TABLE audit(seq INTEGER PRIMARY KEY," \
    " time INTEGER NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL," \
    " doc INTEGER NOT NULL, version INTEGER NOT NULL," \
    " level INTEGER NOT NULL, outcome TEXT NOT NULL, detail BLOB NOT NULL," \
    " prev BLOB NOT NULL, hash BLOB NOT NULL, signed INTEGER NOT NULL," \
    " sig BLOB NOT NULL);"

static const char schema[] =
    "CREATE TABLE vault(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE user(name TEXT PRIMARY KEY, role TEXT NOT NULL,"
    " clearance INTEGER NOT NULL, x_pub BLOB NOT NULL, ed_pub BLOB NOT NULL,"
    " created INTEGER NOT NULL, certifier TEXT NOT NULL, cert BLOB NOT NULL,"
    " disabled INTEGER NOT NULL DEFAULT 0, groups TEXT NOT NULL DEFAULT '',"
    " slot BLOB NOT NULL DEFAULT x'', one_time INTEGER NOT NULL DEFAULT 0,"
    " recovery BLOB NOT NULL DEFAULT x'');"
    "CREATE TABLE level_key(level INTEGER NOT NULL, version INTEGER NOT NULL,"
    " created INTEGER NOT NULL, PRIMARY KEY(level, version));"
    "CREATE TABLE sealed_key(user TEXT NOT NULL REFERENCES user(name),"
    " kind TEXT NOT NULL, level INTEGER NOT NULL, version INTEGER NOT NULL,"
    " blob BLOB NOT NULL, PRIMARY KEY(user, kind, level, version));"
    "CREATE TABLE document(id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " level INTEGER NOT NULL, key_version INTEGER NOT NULL,"
    " date TEXT NOT NULL, created INTEGER NOT NULL,"
    " created_by TEXT NOT NULL, modified INTEGER NOT NULL,"
    " version INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,"
    " deleted_at INTEGER NOT NULL DEFAULT 0,"
    " deleted_by TEXT NOT NULL DEFAULT '', meta BLOB NOT NULL,"
    " change INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX document_date ON document(deleted, date);"
    "CREATE INDEX document_change ON document(change);"
    "CREATE TABLE doc_term(doc INTEGER NOT NULL"
    " REFERENCES document(id) ON DELETE CASCADE, kind INTEGER NOT NULL,"
    " mac BLOB NOT NULL, PRIMARY KEY(doc, kind, mac)) WITHOUT ROWID;"
    "CREATE INDEX doc_term_mac ON doc_term(kind, mac);"
    "CREATE TABLE version(doc INTEGER NOT NULL"
    " REFERENCES document(id) ON DELETE CASCADE,"
    " version INTEGER NOT NULL, object TEXT NOT NULL, size INTEGER NOT NULL,"
    " level INTEGER NOT NULL, key_version INTEGER NOT NULL,"
    " wrapped_dek BLOB NOT NULL, content_mac BLOB NOT NULL,"
    " meta BLOB NOT NULL, added INTEGER NOT NULL, added_by TEXT NOT NULL,"
    " PRIMARY KEY(doc, version));"
    "CREATE INDEX version_content ON version(level, key_version, content_mac);"
    "CREATE INDEX version_object ON version(object);"
    "CREATE TABLE grant_row(principal TEXT NOT NULL, doc INTEGER NOT NULL,"
    " cat_mac BLOB NOT NULL, perms INTEGER NOT NULL, category BLOB NOT NULL,"
    " granted_by TEXT NOT NULL, granted INTEGER NOT NULL,"
    " PRIMARY KEY(principal, doc, cat_mac));"
    "CREATE TABLE restriction(doc INTEGER PRIMARY KEY, set_by TEXT NOT NULL,"
    " set_at INTEGER NOT NULL);"
    "CREATE TABLE purged(doc INTEGER NOT NULL, purged_at INTEGER NOT NULL,"
    " purged_by TEXT NOT NULL, reason BLOB NOT NULL);"
    AUDIT_SCHEMA;

int
catalog_dberr(struct catalog *c, struct err *e, const char *what)
{
	int code = sqlite3_errcode(c->db);

	if (sqlvfs_damaged(c->vfs)) {
		sqlvfs_io_failed(c->vfs);
		return err_set(e, DOSSIER_ECORRUPT, "%s '%s' is damaged: a "
		    "page does not decrypt", c->what, c->path);
	}
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return err_set(e, DOSSIER_EBUSY,
		    "vault is busy: another process holds it (%s)", what);
	/*
	 * SQLite reports a page it could not read as a malformed database:
	 * the VFS says whether the disk failed.
	 */
	if ((code == SQLITE_CORRUPT || code == SQLITE_NOTADB) &&
	    sqlvfs_io_failed(c->vfs))
		return err_set(e, DOSSIER_EIO, "cannot %s %s '%s': a read "
		    "or write failed", what, c->what, c->path);
	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		return err_set(e, DOSSIER_ECORRUPT, "%s '%s' is damaged: %s",
		    c->what, c->path, sqlite3_errmsg(c->db));
	if (code == SQLITE_FULL || code == SQLITE_IOERR ||
	    code == SQLITE_CANTOPEN || code == SQLITE_READONLY)
		return err_set(e, DOSSIER_EIO, "cannot %s %s '%s': %s", what,
		    c->what, c->path, sqlite3_errmsg(c->db));
	if (code == SQLITE_NOMEM)
		return err_nomem(e);
	return err_set(e, DOSSIER_EINTERNAL, "%s error while %s: %s", c->what,
	    what, sqlite3_errmsg(c->db));
}

int
catalog_prep(struct catalog *c, sqlite3_stmt **st, const char *sql, struct err *e)
{
	if (sqlite3_prepare_v2(c->db, sql, -1, st, NULL) != SQLITE_OK)
		return catalog_dberr(c, e, "preparing a query");
	return DOSSIER_OK;
}

/* Steps a statement that returns no row, then finalizes it. */
int
catalog_done(struct catalog *c, sqlite3_stmt *st, const char *what, struct err *e)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE) {
		rc = catalog_dberr(c, e, what);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	return DOSSIER_OK;
}

static int
exec(struct catalog *c, const char *sql, const char *what, struct err *e)
{
	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return catalog_dberr(c, e, what);
	return DOSSIER_OK;
}

void
catalog_copy_text(char *dst, size_t dstsz, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	snprintf(dst, dstsz, "%s", s != NULL ? (const char *)s : "");
}

/* Copies a blob column of exactly n bytes; else the row is damaged. */
int
catalog_copy_blob(void *dst, size_t n, sqlite3_stmt *st, int col)
{
	if ((size_t)sqlite3_column_bytes(st, col) != n)
		return -1;
	memcpy(dst, sqlite3_column_blob(st, col), n);
	return 0;
}

int
catalog_copy_buf(struct buf *b, sqlite3_stmt *st, int col)
{
	buf_reset(b);
	return buf_append(b, sqlite3_column_blob(st, col),
	    (size_t)sqlite3_column_bytes(st, col));
}

int
catalog_badrow(struct catalog *c, struct err *e, const char *table)
{
	return err_set(e, DOSSIER_ECORRUPT,
	    "%s '%s' has a malformed %s row", c->what, c->path, table);
}

/*
 * Opens the database at path through a sqlvfs of its own: pages encrypted
 * under key with database id dbid, or plain (key NULL: the keyring, and a
 * format-1 catalog being upgraded).  what names the file in messages.
 */
int
catalog_open_db(const char *path, const unsigned char *key, const char *dbid,
    const char *what, int flags, struct catalog **cp, struct err *e)
{
	struct catalog *c;
	int rc;

	*cp = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return err_nomem(e);
	snprintf(c->path, sizeof(c->path), "%s", path);
	snprintf(c->what, sizeof(c->what), "%s", what);
	rc = sqlvfs_new(key, dbid, &c->vfs, e);
	if (rc != DOSSIER_OK) {
		free(c);
		return rc;
	}
	if (sqlite3_open_v2(path, &c->db, flags, sqlvfs_name(c->vfs)) !=
	    SQLITE_OK) {
		rc = c->db != NULL ? catalog_dberr(c, e, "open") : err_nomem(e);
		catalog_close(c);
		return rc;
	}
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(c->db, 0);
	rc = sqlvfs_prepare_as(c->db, key != NULL, e);
	if (rc != DOSSIER_OK && sqlvfs_io_failed(c->vfs))
		rc = err_set(e, DOSSIER_EIO, "cannot open %s '%s': a read "
		    "failed", what, path);
	else if (rc == DOSSIER_ECORRUPT)
		rc = err_set(e, rc, "%s '%s' is damaged or not this vault's: "
		    "its first page does not decrypt", what, path);
	else if (rc != DOSSIER_OK)
		rc = catalog_dberr(c, e, "open");
	if (rc == DOSSIER_OK)
		rc = exec(c, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
		    " PRAGMA secure_delete=ON;", "set up", e);
	if (rc != DOSSIER_OK) {
		catalog_close(c);
		return rc;
	}
	*cp = c;
	return DOSSIER_OK;
}

/* Lays down schema and format number in a new database. */
int
catalog_make_schema(struct catalog *c, const char *schema_sql, int format,
    struct err *e)
{
	char sql[64];
	int rc;

	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d;", format);
	rc = exec(c, "BEGIN IMMEDIATE;", "begin", e);
	if (rc == DOSSIER_OK)
		rc = exec(c, schema_sql, "create", e);
	if (rc == DOSSIER_OK)
		rc = exec(c, sql, "create", e);
	if (rc == DOSSIER_OK)
		rc = exec(c, "COMMIT;", "create", e);
	if (rc != DOSSIER_OK)
		catalog_rollback(c);
	return rc;
}

/* Reads the format number; refuses what is not exactly format. */
int
catalog_check_format(struct catalog *c, int format, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc, fmt;

	rc = catalog_prep(c, &st, "PRAGMA user_version;", e);
	if (rc == DOSSIER_OK && sqlite3_step(st) != SQLITE_ROW)
		rc = catalog_dberr(c, e, "read");
	if (rc == DOSSIER_OK) {
		fmt = sqlite3_column_int(st, 0);
		if (fmt > format)
			rc = err_set(e, DOSSIER_EVERSION,
			    "%s '%s' has format %d, newer than this dossier "
			    "(%d): upgrade dossier", c->what, c->path, fmt,
			    format);
		else if (fmt < 1)
			rc = err_set(e, DOSSIER_ECORRUPT,
			    "'%s' is not a dossier %s", c->path, c->what);
		else if (fmt < format)
			rc = err_set(e, DOSSIER_EVERSION,
			    "%s '%s' has the old format %d: run 'dossier "
			    "upgrade'", c->what, c->path, fmt);
	}
	sqlite3_finalize(st);
	return rc;
}

int
catalog_create(const char *path, const unsigned char *key, const char *dbid,
    struct catalog **cp, struct err *e)
{
	int rc;

	rc = catalog_open_db(path, key, dbid, "catalog",
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, cp, e);
	if (rc == DOSSIER_OK)
		rc = catalog_make_schema(*cp, schema, CATALOG_FORMAT, e);
	if (rc != DOSSIER_OK) {
		catalog_close(*cp);
		*cp = NULL;
	}
	return rc;
}

int
catalog_open(const char *path, const unsigned char *key, const char *dbid,
    struct catalog **cp, struct err *e)
{
	int rc;

	rc = catalog_open_db(path, key, dbid, "catalog", SQLITE_OPEN_READWRITE,
	    cp, e);
	if (rc == DOSSIER_OK)
		rc = catalog_check_format(*cp, CATALOG_FORMAT, e);
	if (rc != DOSSIER_OK) {
		catalog_close(*cp);
		*cp = NULL;
	}
	return rc;
}

void
catalog_close(struct catalog *c)
{
	if (c == NULL)
		return;
	/* The VFS goes once no connection uses it (close, not close_v2). */
	if (sqlite3_close(c->db) != SQLITE_OK)
		sqlite3_close_v2(c->db);
	else
		sqlvfs_free(c->vfs);
	free(c);
}

int
catalog_begin(struct catalog *c, struct err *e)
{
	return exec(c, "BEGIN IMMEDIATE;", "lock", e);
}

int
catalog_commit(struct catalog *c, struct err *e)
{
	int rc = exec(c, "COMMIT;", "commit to", e);

	if (rc != DOSSIER_OK)
		catalog_rollback(c);
	return rc;
}

void
catalog_rollback(struct catalog *c)
{
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK;", NULL, NULL, NULL);
}

int
catalog_savepoint(struct catalog *c, struct err *e)
{
	return exec(c, "SAVEPOINT one;", "lock", e);
}

int
catalog_release(struct catalog *c, struct err *e)
{
	return exec(c, "RELEASE one;", "write", e);
}

void
catalog_rollback_to(struct catalog *c)
{
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK TO one; RELEASE one;", NULL, NULL,
		    NULL);
}

int
catalog_kv_set(struct catalog *c, const char *key, const void *p, size_t n,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "INSERT OR REPLACE INTO vault VALUES (?, ?);", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, p, (int)n, SQLITE_STATIC);
	return catalog_done(c, st, "write", e);
}

int
catalog_kv_get(struct catalog *c, const char *key, struct buf *out,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "SELECT value FROM vault WHERE key = ?;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = catalog_copy_buf(out, st, 0) == 0 ? DOSSIER_OK : err_nomem(e);
	else if (rc == SQLITE_DONE)
		rc = err_set(e, DOSSIER_ECORRUPT,
		    "%s '%s' lacks its '%s' entry", c->what, c->path, key);
	else
		rc = catalog_dberr(c, e, "read");
	sqlite3_finalize(st);
	return rc;
}

int
catalog_user_insert(struct catalog *c, const struct catalog_user *u,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st,
	    "INSERT INTO user(name, role, clearance, x_pub, ed_pub,"
	    " created, certifier, cert, disabled, groups)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(name) DO UPDATE SET"
	    " role = excluded.role, clearance = excluded.clearance,"
	    " x_pub = excluded.x_pub, ed_pub = excluded.ed_pub,"
	    " created = excluded.created, certifier = excluded.certifier,"
	    " cert = excluded.cert, disabled = excluded.disabled,"
	    " groups = excluded.groups;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_text(st, 1, u->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, u->role, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, u->clearance);
	sqlite3_bind_blob(st, 4, u->x_pub, sizeof(u->x_pub), SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, u->ed_pub, sizeof(u->ed_pub), SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, u->created);
	sqlite3_bind_text(st, 7, u->certifier, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 8, u->cert, sizeof(u->cert), SQLITE_STATIC);
	sqlite3_bind_int(st, 9, u->disabled);
	sqlite3_bind_text(st, 10, u->groups, -1, SQLITE_STATIC);
	return catalog_done(c, st, "write", e);
}

#define USER_COLUMNS \
	"name, role, clearance, x_pub, ed_pub, created, certifier, cert," \
	" disabled, groups, slot, one_time, recovery"

static int
read_user(struct catalog *c, sqlite3_stmt *st, struct catalog_user *u,
    struct err *e)
{
	catalog_copy_text(u->name, sizeof(u->name), st, 0);
	catalog_copy_text(u->role, sizeof(u->role), st, 1);
	u->clearance = sqlite3_column_int(st, 2);
	u->created = sqlite3_column_int64(st, 5);
	catalog_copy_text(u->certifier, sizeof(u->certifier), st, 6);
	u->disabled = sqlite3_column_int(st, 8);
	catalog_copy_text(u->groups, sizeof(u->groups), st, 9);
	/* No slot named yet (a user being added): all zeros. */
	if (catalog_copy_blob(u->slot, sizeof(u->slot), st, 10) != 0)
		memset(u->slot, 0, sizeof(u->slot));
	u->one_time = sqlite3_column_int(st, 11);
	/* No recovery slot: all zeros (no salt is). */
	if (catalog_copy_blob(u->recovery, sizeof(u->recovery), st, 12) != 0)
		memset(u->recovery, 0, sizeof(u->recovery));
	if (catalog_copy_blob(u->x_pub, sizeof(u->x_pub), st, 3) != 0 ||
	    catalog_copy_blob(u->ed_pub, sizeof(u->ed_pub), st, 4) != 0 ||
	    catalog_copy_blob(u->cert, sizeof(u->cert), st, 7) != 0)
		return catalog_badrow(c, e, "user");
	return DOSSIER_OK;
}

int
catalog_user_get(struct catalog *c, const char *name, struct catalog_user *u,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "SELECT " USER_COLUMNS " FROM user WHERE name = ?;",
	    e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = read_user(c, st, u, e);
	} else if (rc == SQLITE_DONE) {
		rc = DOSSIER_ENOTFOUND;
		err_set(e, rc, "no user '%s'", name);
	} else {
		rc = catalog_dberr(c, e, "read");
	}
	sqlite3_finalize(st);
	return rc;
}

int
catalog_users_each(struct catalog *c, catalog_user_fn fn, void *ctx,
    struct err *e)
{
	struct catalog_user u;
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "SELECT " USER_COLUMNS " FROM user ORDER BY name;",
	    e);
	if (rc != DOSSIER_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = read_user(c, st, &u, e);
		if (rc == DOSSIER_OK)
			rc = fn(ctx, &u);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? DOSSIER_OK : catalog_dberr(c, e, "read");
out:
	sqlite3_finalize(st);
	return rc;
}

int
catalog_user_set_recovery(struct catalog *c, const char *name,
    const unsigned char *salt, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st,
	    "UPDATE user SET recovery = ? WHERE name = ?;", e);
	if (rc != DOSSIER_OK)
		return rc;
	if (salt != NULL)
		sqlite3_bind_blob(st, 1, salt, KEYS_SALT_LEN, SQLITE_STATIC);
	else
		sqlite3_bind_zeroblob(st, 1, 0);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	rc = catalog_done(c, st, "write", e);
	if (rc == DOSSIER_OK && sqlite3_changes(c->db) != 1)
		rc = err_set(e, DOSSIER_ENOTFOUND, "no user '%s'", name);
	return rc;
}

int
catalog_user_set_slot(struct catalog *c, const char *name,
    const unsigned char salt[KEYS_SALT_LEN], int one_time, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st,
	    "UPDATE user SET slot = ?, one_time = ? WHERE name = ?;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_blob(st, 1, salt, KEYS_SALT_LEN, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, one_time);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	rc = catalog_done(c, st, "write", e);
	if (rc == DOSSIER_OK && sqlite3_changes(c->db) != 1)
		rc = err_set(e, DOSSIER_ENOTFOUND, "no user '%s'", name);
	return rc;
}

static void
bind_doc(sqlite3_stmt *st, const struct catalog_doc *d)
{
	sqlite3_bind_int(st, 1, d->level);
	sqlite3_bind_int64(st, 2, d->key_version);
	sqlite3_bind_text(st, 3, d->date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, d->created);
	sqlite3_bind_text(st, 5, d->created_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, d->modified);
	sqlite3_bind_int(st, 7, d->version);
	sqlite3_bind_int(st, 8, d->deleted);
	sqlite3_bind_int64(st, 9, d->deleted_at);
	sqlite3_bind_text(st, 10, d->deleted_by, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 11, d->meta.data != NULL ? (const void *)d->meta.data :
	    (const void *)"", (int)d->meta.len, SQLITE_STATIC);
}

int
catalog_doc_insert(struct catalog *c, struct catalog_doc *d, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st,
	    "INSERT INTO document(level, key_version, date, created,"
	    " created_by, modified, version, deleted, deleted_at, deleted_by,"
	    " meta) VALUES (?,?,?,?,?,?,?,?,?,?,?);", e);
	if (rc != DOSSIER_OK)
		return rc;
	bind_doc(st, d);
	rc = catalog_done(c, st, "write", e);
	if (rc == DOSSIER_OK)
		d->id = sqlite3_last_insert_rowid(c->db);
	return rc;
}

int
catalog_doc_update(struct catalog *c, const struct catalog_doc *d,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st,
	    "UPDATE document SET level = ?1, key_version = ?2, date = ?3,"
	    " created = ?4, created_by = ?5, modified = ?6, version = ?7,"
	    " deleted = ?8, deleted_at = ?9, deleted_by = ?10, meta = ?11,"
	    " change = (SELECT coalesce(max(change), 0) + 1 FROM document)"
	    " WHERE id = ?12;", e);
	if (rc != DOSSIER_OK)
		return rc;
	bind_doc(st, d);
	sqlite3_bind_int64(st, 12, d->id);
	return catalog_done(c, st, "write", e);
}

int
catalog_doc_get(struct catalog *c, int64_t id, struct catalog_doc *d,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st,
	    "SELECT level, key_version, date, created, created_by, modified,"
	    " version, deleted, deleted_at, deleted_by, meta, change"
	    " FROM document WHERE id = ?;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = DOSSIER_OK;
		d->id = id;
		d->level = sqlite3_column_int(st, 0);
		d->key_version = (uint32_t)sqlite3_column_int64(st, 1);
		catalog_copy_text(d->date, sizeof(d->date), st, 2);
		d->created = sqlite3_column_int64(st, 3);
		catalog_copy_text(d->created_by, sizeof(d->created_by), st, 4);
		d->modified = sqlite3_column_int64(st, 5);
		d->version = sqlite3_column_int(st, 6);
		d->deleted = sqlite3_column_int(st, 7);
		d->deleted_at = sqlite3_column_int64(st, 8);
		catalog_copy_text(d->deleted_by, sizeof(d->deleted_by), st, 9);
		d->change = sqlite3_column_int64(st, 11);
		if (catalog_copy_buf(&d->meta, st, 10) != 0)
			rc = err_nomem(e);
	} else if (rc == SQLITE_DONE) {
		rc = err_set(e, DOSSIER_ENOTFOUND, "no document %lld",
		    (long long)id);
	} else {
		rc = catalog_dberr(c, e, "read");
	}
	sqlite3_finalize(st);
	return rc;
}

int
catalog_doc_delete(struct catalog *c, int64_t id, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	/* Versions and terms go with it (ON DELETE CASCADE). */
	rc = catalog_prep(c, &st, "DELETE FROM document WHERE id = ?;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	return catalog_done(c, st, "write", e);
}

int
catalog_terms_set(struct catalog *c, int64_t doc, const struct catalog_term *t,
    size_t n, struct err *e)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	rc = catalog_prep(c, &st, "DELETE FROM doc_term WHERE doc = ?;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_int64(st, 1, doc);
	rc = catalog_done(c, st, "write", e);
	if (rc != DOSSIER_OK)
		return rc;
	rc = catalog_prep(c, &st, "INSERT OR IGNORE INTO doc_term VALUES (?,?,?);", e);
	if (rc != DOSSIER_OK)
		return rc;
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, doc);
		sqlite3_bind_int(st, 2, t[i].kind);
		sqlite3_bind_blob(st, 3, t[i].mac, sizeof(t[i].mac),
		    SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = catalog_dberr(c, e, "write");
			break;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

static void
bind_version(sqlite3_stmt *st, const struct catalog_version *v)
{
	sqlite3_bind_int64(st, 1, v->doc);
	sqlite3_bind_int(st, 2, v->version);
	sqlite3_bind_text(st, 3, v->object, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)v->size);
	sqlite3_bind_int(st, 5, v->level);
	sqlite3_bind_int64(st, 6, v->key_version);
	sqlite3_bind_blob(st, 7, v->wrapped, sizeof(v->wrapped), SQLITE_STATIC);
	sqlite3_bind_blob(st, 8, v->content_mac, sizeof(v->content_mac),
	    SQLITE_STATIC);
	sqlite3_bind_blob(st, 9, v->meta.data != NULL ? (const void *)v->meta.data :
	    (const void *)"", (int)v->meta.len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, v->added);
	sqlite3_bind_text(st, 11, v->added_by, -1, SQLITE_STATIC);
}

int
catalog_version_insert(struct catalog *c, const struct catalog_version *v,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st,
	    "INSERT INTO version(doc, version, object, size, level, key_version,"
	    " wrapped_dek, content_mac, meta, added, added_by)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?);", e);
	if (rc != DOSSIER_OK)
		return rc;
	bind_version(st, v);
	return catalog_done(c, st, "write", e);
}

int
catalog_version_update(struct catalog *c, const struct catalog_version *v,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st,
	    "UPDATE version SET object = ?3, size = ?4, level = ?5,"
	    " key_version = ?6, wrapped_dek = ?7, content_mac = ?8, meta = ?9,"
	    " added = ?10, added_by = ?11 WHERE doc = ?1 AND version = ?2;", e);
	if (rc != DOSSIER_OK)
		return rc;
	bind_version(st, v);
	return catalog_done(c, st, "write", e);
}

#define VERSION_COLUMNS \
	"doc, version, object, size, level, key_version, wrapped_dek," \
	" content_mac, meta, added, added_by"

static int
read_version(struct catalog *c, sqlite3_stmt *st, struct catalog_version *v,
    struct err *e)
{
	v->doc = sqlite3_column_int64(st, 0);
	v->version = sqlite3_column_int(st, 1);
	catalog_copy_text(v->object, sizeof(v->object), st, 2);
	v->size = (uint64_t)sqlite3_column_int64(st, 3);
	v->level = sqlite3_column_int(st, 4);
	v->key_version = (uint32_t)sqlite3_column_int64(st, 5);
	v->added = sqlite3_column_int64(st, 9);
	catalog_copy_text(v->added_by, sizeof(v->added_by), st, 10);
	if (catalog_copy_blob(v->wrapped, sizeof(v->wrapped), st, 6) != 0 ||
	    catalog_copy_blob(v->content_mac, sizeof(v->content_mac), st, 7) != 0)
		return catalog_badrow(c, e, "version");
	if (catalog_copy_buf(&v->meta, st, 8) != 0)
		return err_nomem(e);
	return DOSSIER_OK;
}

int
catalog_version_get(struct catalog *c, int64_t doc, int version,
    struct catalog_version *v, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "SELECT " VERSION_COLUMNS " FROM version"
	    " WHERE doc = ? AND version = ?;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_int64(st, 1, doc);
	sqlite3_bind_int(st, 2, version);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = read_version(c, st, v, e);
	else if (rc == SQLITE_DONE)
		rc = err_set(e, DOSSIER_ENOTFOUND, "no version %d of document %lld",
		    version, (long long)doc);
	else
		rc = catalog_dberr(c, e, "read");
	sqlite3_finalize(st);
	return rc;
}

int
catalog_versions_each(struct catalog *c, int64_t doc, catalog_version_fn fn,
    void *ctx, struct err *e)
{
	struct catalog_version v;
	sqlite3_stmt *st;
	int rc;

	memset(&v, 0, sizeof(v));
	rc = catalog_prep(c, &st, doc != 0 ?
	    "SELECT " VERSION_COLUMNS " FROM version WHERE doc = ?"
	    " ORDER BY version;" :
	    "SELECT " VERSION_COLUMNS " FROM version ORDER BY doc, version;", e);
	if (rc != DOSSIER_OK)
		return rc;
	if (doc != 0)
		sqlite3_bind_int64(st, 1, doc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = read_version(c, st, &v, e);
		if (rc == DOSSIER_OK)
			rc = fn(ctx, &v);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? DOSSIER_OK : catalog_dberr(c, e, "read");
out:
	buf_release(&v.meta);
	sqlite3_finalize(st);
	return rc;
}

int
catalog_find_content(struct catalog *c, int level, uint32_t key_version,
    const unsigned char mac[CRYPTO_HASH_LEN], int64_t *doc, int *version,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st,
	    "SELECT doc, version FROM version WHERE level = ? AND"
	    " key_version = ? AND content_mac = ? ORDER BY doc, version"
	    " LIMIT 1;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_int(st, 1, level);
	sqlite3_bind_int64(st, 2, key_version);
	sqlite3_bind_blob(st, 3, mac, CRYPTO_HASH_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*doc = sqlite3_column_int64(st, 0);
		*version = sqlite3_column_int(st, 1);
		rc = DOSSIER_OK;
	} else {
		rc = rc == SQLITE_DONE ? DOSSIER_ENOTFOUND : catalog_dberr(c, e, "read");
	}
	sqlite3_finalize(st);
	return rc;
}

int
catalog_object_used(struct catalog *c, const char *name, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "SELECT 1 FROM version WHERE object = ? LIMIT 1;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	rc = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : catalog_dberr(c, e, "read");
	sqlite3_finalize(st);
	return rc;
}

/* Appends "?,?,...,?" (n marks) to b. */
static int
marks(struct buf *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (buf_puts(b, i == 0 ? "?" : ",?") != 0)
			return -1;
	return 0;
}

static int
build_query(struct buf *sql, const struct catalog_query *q)
{
	size_t i, j;
	int kind;

	/*
	 * With terms, the rows are found from the terms' documents ('+'
	 * keeps the planner off the trash-and-date index); without, in date
	 * order from that index.
	 */
	if (buf_puts(sql, q->nterms > 0 ? "SELECT id FROM document d WHERE"
	    " +deleted = ? AND +level IN (" : "SELECT id FROM document d"
	    " WHERE deleted = ? AND level IN (") != 0 ||
	    marks(sql, q->nlevels) != 0 || buf_puts(sql, ")") != 0)
		return -1;
	if (q->since != NULL && buf_puts(sql, " AND date >= ?") != 0)
		return -1;
	if (q->until != NULL && buf_puts(sql, " AND date <= ?") != 0)
		return -1;
	/*
	 * One IN per term kind: kinds AND, macs of one kind OR.  The
	 * documents having a term are read from doc_term_mac, so a rare tag
	 * costs its own documents, not a scan of every document.
	 */
	for (i = 0; i < q->nterms; i = j) {
		kind = q->terms[i].kind;
		for (j = i; j < q->nterms && q->terms[j].kind == kind; j++)
			;
		if (buf_puts(sql, " AND d.id IN (SELECT doc FROM doc_term"
		    " WHERE kind = ? AND mac IN (") != 0 ||
		    marks(sql, j - i) != 0 || buf_puts(sql, "))") != 0)
			return -1;
	}
	return buf_puts(sql, " ORDER BY date DESC, id DESC;");
}

int
catalog_doc_ids(struct catalog *c, const struct catalog_query *q,
    int64_t **ids, size_t *nids, struct err *e)
{
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int64_t *v = NULL, *nv;
	size_t n = 0, cap = 0, i;
	int rc, k = 1;

	*ids = NULL;
	*nids = 0;
	if (q->nlevels == 0)
		return DOSSIER_OK;
	if (build_query(&sql, q) != 0) {
		rc = err_nomem(e);
		goto out;
	}
	rc = catalog_prep(c, &st, buf_str(&sql), e);
	if (rc != DOSSIER_OK)
		goto out;
	sqlite3_bind_int(st, k++, q->deleted ? 1 : 0);
	for (i = 0; i < q->nlevels; i++)
		sqlite3_bind_int(st, k++, q->levels[i]);
	if (q->since != NULL)
		sqlite3_bind_text(st, k++, q->since, -1, SQLITE_STATIC);
	if (q->until != NULL)
		sqlite3_bind_text(st, k++, q->until, -1, SQLITE_STATIC);
	for (i = 0; i < q->nterms; i++) {
		if (i == 0 || q->terms[i].kind != q->terms[i - 1].kind)
			sqlite3_bind_int(st, k++, q->terms[i].kind);
		sqlite3_bind_blob(st, k++, q->terms[i].mac,
		    sizeof(q->terms[i].mac), SQLITE_STATIC);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (nv == NULL) {
				rc = err_nomem(e);
				goto out;
			}
			v = nv;
		}
		v[n++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE) {
		rc = catalog_dberr(c, e, "read");
		goto out;
	}
	rc = DOSSIER_OK;
	*ids = v;
	*nids = n;
	v = NULL;
out:
	free(v);
	sqlite3_finalize(st);
	buf_release(&sql);
	return rc;
}

int
catalog_purge_record(struct catalog *c, int64_t doc, int64_t at,
    const char *by, const struct buf *reason, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "INSERT INTO purged VALUES (?,?,?,?);", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_int64(st, 1, doc);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_text(st, 3, by, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, reason->data != NULL ? (const void *)reason->data :
	    (const void *)"", (int)reason->len, SQLITE_STATIC);
	return catalog_done(c, st, "write", e);
}

int
catalog_check(struct catalog *c, struct err *e)
{
	sqlite3_stmt *st;
	const unsigned char *r;
	int rc;

	/* Every page, the free ones too, before SQLite's own check. */
	rc = sqlvfs_scan(c->vfs, c->path, e);
	if (rc != DOSSIER_OK)
		return rc;
	rc = catalog_prep(c, &st, "PRAGMA integrity_check;", e);
	if (rc != DOSSIER_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r = sqlite3_column_text(st, 0);
		rc = r != NULL && strcmp((const char *)r, "ok") == 0 ?
		    DOSSIER_OK : err_set(e, DOSSIER_ECORRUPT,
		    "%s '%s' is damaged: %s", c->what, c->path,
		    r != NULL ? (const char *)r : "?");
	} else {
		rc = catalog_dberr(c, e, "check");
	}
	sqlite3_finalize(st);
	if (rc != DOSSIER_OK)
		return rc;
	rc = catalog_prep(c, &st, "PRAGMA foreign_key_check;", e);
	if (rc != DOSSIER_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = err_set(e, DOSSIER_ECORRUPT,
		    "%s '%s' has rows pointing nowhere (table %s)", c->what, c->path,
		    (const char *)sqlite3_column_text(st, 0));
	else
		rc = rc == SQLITE_DONE ? DOSSIER_OK : catalog_dberr(c, e, "check");
	sqlite3_finalize(st);
	return rc;
}

int
catalog_docs_at_old_keys(struct catalog *c, int64_t **ids, size_t *nids,
    struct err *e)
{
	sqlite3_stmt *st;
	int64_t *v = NULL, *nv;
	size_t n = 0;
	int rc;

	*ids = NULL;
	*nids = 0;
	rc = catalog_prep(c, &st, "SELECT d.id FROM document d WHERE d.key_version <"
	    " (SELECT max(version) FROM level_key k WHERE k.level = d.level)"
	    " OR EXISTS (SELECT 1 FROM version v WHERE v.doc = d.id AND"
	    " v.key_version < (SELECT max(version) FROM level_key k"
	    " WHERE k.level = v.level)) ORDER BY d.id;", e);
	if (rc != DOSSIER_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (nv == NULL) {
			free(v);
			sqlite3_finalize(st);
			return err_nomem(e);
		}
		v = nv;
		v[n++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE) {
		free(v);
		rc = catalog_dberr(c, e, "read");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	*ids = v;
	*nids = n;
	return DOSSIER_OK;
}

int
catalog_snapshot(struct catalog *c, const char *path, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	/* A consistent copy, through the same VFS: encrypted alike. */
	rc = catalog_prep(c, &st, "VACUUM INTO ?;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	return catalog_done(c, st, "copy", e);
}
