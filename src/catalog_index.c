/*
 * catalog_index.c: what the search indexes ask of the catalog: the change
 * mark that tells an index whether it is in line, the documents written or
 * purged since a mark, and the documents a search's row filters leave out.
 * See catalog.h.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "catalog_int.h"
#include "dossier.h"
#include "error.h"

int
catalog_change_mark(struct catalog *c, struct catalog_mark *m,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	/* Both are answered from the end of a b-tree: no scan. */
	rc = catalog_prep(c, &st, "SELECT (SELECT coalesce(max(change), 0)"
	    " FROM document), (SELECT coalesce(max(rowid), 0) FROM purged);",
	    e);
	if (rc != DOSSIER_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		m->change = sqlite3_column_int64(st, 0);
		m->purge = sqlite3_column_int64(st, 1);
		rc = DOSSIER_OK;
	} else {
		rc = catalog_dberr(c, e, "read");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Appends one id to a growing array. */
static int
push_id(int64_t **v, size_t *n, size_t *cap, int64_t id)
{
	int64_t *nv;

	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 256;
		nv = realloc(*v, *cap * sizeof(*nv));
		if (nv == NULL)
			return DOSSIER_ENOMEM;
		*v = nv;
	}
	(*v)[(*n)++] = id;
	return DOSSIER_OK;
}

int
catalog_doc_stamps(struct catalog *c, int level, struct catalog_stamp **v,
    size_t *n, struct err *e)
{
	struct catalog_stamp *nv;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	rc = catalog_prep(c, &st, "SELECT id, change FROM document WHERE"
	    " level = ? ORDER BY id;", e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_int(st, 1, level);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			nv = realloc(*v, cap * sizeof(*nv));
			if (nv == NULL) {
				rc = err_nomem(e);
				goto out;
			}
			*v = nv;
		}
		(*v)[*n].doc = sqlite3_column_int64(st, 0);
		(*v)[*n].stamp = sqlite3_column_int64(st, 1);
		(*n)++;
	}
	rc = rc == SQLITE_DONE ? DOSSIER_OK : catalog_dberr(c, e, "read");
out:
	sqlite3_finalize(st);
	if (rc != DOSSIER_OK) {
		free(*v);
		*v = NULL;
		*n = 0;
	}
	return rc;
}

int
catalog_changed_since(struct catalog *c, const struct catalog_mark *m,
    catalog_changed_fn fn, void *ctx, struct err *e)
{
	static const char *const sql[] = {
		"SELECT id, level, change FROM document WHERE change > ?"
		" ORDER BY change;",
		"SELECT doc, -1, 0 FROM purged WHERE rowid > ? ORDER BY rowid;",
	};
	sqlite3_stmt *st;
	int rc = DOSSIER_OK, step, i;

	for (i = 0; i < 2 && rc == DOSSIER_OK; i++) {
		rc = catalog_prep(c, &st, sql[i], e);
		if (rc != DOSSIER_OK)
			return rc;
		sqlite3_bind_int64(st, 1, i == 0 ? m->change : m->purge);
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			rc = fn(ctx, sqlite3_column_int64(st, 0),
			    sqlite3_column_int(st, 1),
			    sqlite3_column_int64(st, 2));
			if (rc != 0)
				break;
		}
		if (rc == DOSSIER_OK && step != SQLITE_DONE)
			rc = catalog_dberr(c, e, "read");
		sqlite3_finalize(st);
	}
	return rc;
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Runs one id query with level and an optional text bound. */
static int
collect_ids(struct catalog *c, const char *sql, int level, int deleted,
    const char *bound, int64_t **v, size_t *n, size_t *cap, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = catalog_prep(c, &st, sql, e);
	if (rc != DOSSIER_OK)
		return rc;
	sqlite3_bind_int(st, 1, level);
	sqlite3_bind_int(st, 2, deleted);
	if (bound != NULL)
		sqlite3_bind_text(st, 3, bound, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (push_id(v, n, cap, sqlite3_column_int64(st, 0)) != 0) {
			sqlite3_finalize(st);
			return err_nomem(e);
		}
	rc = rc == SQLITE_DONE ? DOSSIER_OK : catalog_dberr(c, e, "read");
	sqlite3_finalize(st);
	return rc;
}

int
catalog_filtered_out(struct catalog *c, int level,
    const struct catalog_rowfilter *f, int64_t **ids, size_t *n,
    struct err *e)
{
	sqlite3_stmt *st;
	size_t cap = 0, i, j;
	int64_t *v = NULL;
	int rc, del = f->deleted != 0, held;

	*ids = NULL;
	*n = 0;
	/*
	 * Each query walks a range of the (deleted, date) index (trash
	 * flags are 0 and 1): the trash, or for a search of the trash,
	 * everything else.
	 */
	rc = collect_ids(c, del ? "SELECT id FROM document WHERE deleted < ?2"
	    " AND level = ?1;" : "SELECT id FROM document WHERE deleted > ?2"
	    " AND level = ?1;", level, del, NULL, &v, n, &cap, e);
	if (rc == DOSSIER_OK && f->since != NULL)
		rc = collect_ids(c, "SELECT id FROM document WHERE deleted = ?2"
		    " AND date < ?3 AND level = ?1;", level, del, f->since, &v,
		    n, &cap, e);
	if (rc == DOSSIER_OK && f->until != NULL)
		rc = collect_ids(c, "SELECT id FROM document WHERE deleted = ?2"
		    " AND date > ?3 AND level = ?1;", level, del, f->until, &v,
		    n, &cap, e);
	if (rc == DOSSIER_OK && f->held != NULL) {
		rc = catalog_prep(c, &st, "SELECT id, key_version FROM document"
		    " WHERE level = ? AND deleted = ?;", e);
		if (rc == DOSSIER_OK) {
			sqlite3_bind_int(st, 1, level);
			sqlite3_bind_int(st, 2, del);
			while (rc == DOSSIER_OK &&
			    sqlite3_step(st) == SQLITE_ROW) {
				for (held = 0, i = 0; i < f->nheld; i++)
					held |= f->held[i] == (uint32_t)
					    sqlite3_column_int64(st, 1);
				if (!held && push_id(&v, n, &cap,
				    sqlite3_column_int64(st, 0)) != 0)
					rc = err_nomem(e);
			}
			sqlite3_finalize(st);
		}
	}
	if (rc != DOSSIER_OK) {
		free(v);
		*n = 0;
		return rc;
	}
	/* Sorted and without repeats, for binary search. */
	if (*n > 1)
		qsort(v, *n, sizeof(*v), id_cmp);
	for (i = j = 0; i < *n; i++)
		if (j == 0 || v[j - 1] != v[i])
			v[j++] = v[i];
	*n = j;
	*ids = v;
	return DOSSIER_OK;
}
