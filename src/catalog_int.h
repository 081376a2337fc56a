/*
 * catalog_int.h: what catalog.c and catalog_policy.c share.  Not for use
 * outside the catalog module.
 */
#ifndef DOSSIER_CATALOG_INT_H
#define DOSSIER_CATALOG_INT_H

#include <sqlite3.h>

#include "buf.h"

struct err;

struct sqlvfs;

struct catalog {
	sqlite3 *db;
	struct sqlvfs *vfs; /* tells damage and disk errors apart */
	char path[4096];
	char what[16]; /* "catalog", "keyring": for messages */
};

int catalog_open_db(const char *path, const unsigned char *key,
    const char *dbid, const char *what, int flags, struct catalog **cp,
    struct err *e);
int catalog_make_schema(struct catalog *c, const char *schema_sql,
    int format, struct err *e);
int catalog_check_format(struct catalog *c, int format, struct err *e);

/* Maps the connection's last SQLite error to a dossier code and message. */
int catalog_dberr(struct catalog *c, struct err *e, const char *what);
/* Prepares sql into *st. */
int catalog_prep(struct catalog *c, sqlite3_stmt **st, const char *sql,
    struct err *e);
/* Steps a statement that returns no row, then finalizes it. */
int catalog_done(struct catalog *c, sqlite3_stmt *st, const char *what,
    struct err *e);
/* Column copies; copy_blob fails (-1) unless the blob is exactly n bytes. */
void catalog_copy_text(char *dst, size_t dstsz, sqlite3_stmt *st, int col);
int catalog_copy_blob(void *dst, size_t n, sqlite3_stmt *st, int col);
int catalog_copy_buf(struct buf *b, sqlite3_stmt *st, int col);
/* A row of table that does not have the shape the schema promises. */
int catalog_badrow(struct catalog *c, struct err *e, const char *table);

#endif
