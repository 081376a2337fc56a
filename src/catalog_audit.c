/*
 * catalog_audit.c: the rows of the audit log.  The chain, signatures and
 * checkpoints are audit.c's; this file only stores and reads records.
 */
#include <string.h>

#include "audit.h"
#include "catalog.h"
#include "catalog_int.h"
#include "dossier.h"
#include "error.h"

int
catalog_audit_head(struct catalog *c, int64_t *seq, unsigned char *hash,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	*seq = 0;
	memset(hash, 0, AUDIT_HASH_LEN);
	rc = catalog_prep(c, &st, "SELECT seq, hash FROM audit ORDER BY seq"
	    " DESC LIMIT 1;", e);
	if (rc != DOSSIER_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		rc = catalog_copy_blob(hash, AUDIT_HASH_LEN, st, 1) == 0 ?
		    DOSSIER_OK : catalog_badrow(c, e, "audit");
	} else {
		rc = rc == SQLITE_DONE ? DOSSIER_OK :
		    catalog_dberr(c, e, "read");
	}
	sqlite3_finalize(st);
	return rc;
}

int
catalog_audit_insert(struct catalog *c, const struct audit_rec *r,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "INSERT INTO audit VALUES"
	    " (?,?,?,?,?,?,?,?,?,?,?,?,?);", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_int64(st, 1, r->seq);
	sqlite3_bind_int64(st, 2, r->time);
	sqlite3_bind_text(st, 3, r->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, r->doc);
	sqlite3_bind_int(st, 6, r->version);
	sqlite3_bind_int(st, 7, r->level);
	sqlite3_bind_text(st, 8, r->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 9, r->detail.data != NULL ?
	    (const void *)r->detail.data : (const void *)"",
	    (int)r->detail.len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, r->prev, AUDIT_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 11, r->hash, AUDIT_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int(st, 12, r->signed_);
	sqlite3_bind_blob(st, 13, r->sig, AUDIT_SIG_LEN, SQLITE_STATIC);
	return catalog_done(c, st, "writing", e);
}

int
catalog_audit_resign(struct catalog *c, const struct audit_rec *r,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, "UPDATE audit SET hash = ?, signed = ?,"
	    " sig = ? WHERE seq = ?;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_blob(st, 1, r->hash, AUDIT_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, r->signed_);
	sqlite3_bind_blob(st, 3, r->sig, AUDIT_SIG_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, r->seq);
	return catalog_done(c, st, "writing", e);
}

int
catalog_audit_each(struct catalog *c, int64_t from, catalog_audit_fn fn,
    void *ctx, struct err *e)
{
	struct audit_rec r;
	sqlite3_stmt *st;
	int rc, step;

	rc = catalog_prep(c, &st, "SELECT seq, time, user, action, doc,"
	    " version, level, outcome, detail, prev, hash, signed, sig"
	    " FROM audit WHERE seq >= ? ORDER BY seq;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_int64(st, 1, from);
	audit_rec_init(&r);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		r.seq = sqlite3_column_int64(st, 0);
		r.time = sqlite3_column_int64(st, 1);
		catalog_copy_text(r.user, sizeof(r.user), st, 2);
		catalog_copy_text(r.action, sizeof(r.action), st, 3);
		r.doc = sqlite3_column_int64(st, 4);
		r.version = sqlite3_column_int(st, 5);
		r.level = sqlite3_column_int(st, 6);
		catalog_copy_text(r.outcome, sizeof(r.outcome), st, 7);
		r.signed_ = sqlite3_column_int(st, 11);
		/*
		 * A blob of the wrong size is kept as zeros: the record's hash
		 * or signature then fails, and verify names it.
		 */
		if (catalog_copy_blob(r.prev, AUDIT_HASH_LEN, st, 9) != 0)
			memset(r.prev, 0, AUDIT_HASH_LEN);
		if (catalog_copy_blob(r.hash, AUDIT_HASH_LEN, st, 10) != 0)
			memset(r.hash, 0xff, AUDIT_HASH_LEN);
		if (catalog_copy_blob(r.sig, AUDIT_SIG_LEN, st, 12) != 0)
			memset(r.sig, 0, AUDIT_SIG_LEN);
		if (catalog_copy_buf(&r.detail, st, 8) != 0) {
			rc = err_nomem(e);
			break;
		}
		rc = fn(ctx, &r);
		if (rc != 0)
			break;
	}
	if (rc == DOSSIER_OK && step != SQLITE_DONE)
		rc = catalog_dberr(c, e, "read");
	audit_rec_release(&r);
	sqlite3_finalize(st);
	return rc;
}
