/*
 * sqlvfs.h: a SQLite VFS shim that encrypts every page of a database,
 * of its WAL and of its journals with AES-256-GCM (docs/FORMAT.md,
 * "Encrypted pages").
 *
 * Pages are SQLVFS_PAGE bytes; the last SQLVFS_RESERVE bytes of each page
 * (SQLite's reserved space, which the b-tree never uses) hold the random
 * nonce and the tag.  The associated data binds the database id given at
 * sqlvfs_new(), the kind of file and the page's place in it, so a page
 * moved, swapped or replayed from elsewhere does not decrypt.  Reads of a
 * damaged page fail with SQLITE_IOERR_DATA; no plaintext page reaches the
 * disk.  Memory-mapped I/O is refused (it would hand out ciphertext).
 *
 * One struct sqlvfs serves one database (and its WAL and journals): it is
 * registered under a unique name to pass to sqlite3_open_v2().
 */
#ifndef DOSSIER_SQLVFS_H
#define DOSSIER_SQLVFS_H

#include <stddef.h>

#include "crypto.h"

struct err;
struct sqlite3;
struct sqlvfs;

#define SQLVFS_PAGE 4096
#define SQLVFS_RESERVE (CRYPTO_NONCE_LEN + CRYPTO_TAG_LEN)

/*
 * Registers a VFS encrypting under key (copied to secure memory) with
 * database id dbid (bound into every page); key NULL: a plain VFS whose
 * pages pass through unchanged (the catalog until its pages are
 * encrypted, and the benchmark's "encryption off").  Free with
 * sqlvfs_free() after every connection using it is closed.
 */
int sqlvfs_new(const unsigned char key[CRYPTO_KEY_LEN], const char *dbid,
    struct sqlvfs **vp, struct err *e);
void sqlvfs_free(struct sqlvfs *v);

/* The name to give sqlite3_open_v2(). */
const char *sqlvfs_name(const struct sqlvfs *v);

/*
 * Did an operation of the files underneath fail (EIO, ENOSPC...) since
 * the last call?  SQLite reports a page it could not read as a malformed
 * database; this tells a disk error from damage.  Resets the flag.
 */
int sqlvfs_io_failed(struct sqlvfs *v);

/*
 * Did a page fail to decrypt (damage, a wrong key, a page moved) since the
 * last call?  However SQLite words the error then (FTS5 may call it a
 * failed constructor), it is damage.  Resets the flag.
 */
int sqlvfs_damaged(struct sqlvfs *v);

/*
 * Decrypts every page of the database file at path (opened through v),
 * free pages included, which no query may ever read: DOSSIER_ECORRUPT
 * naming the first page that does not, DOSSIER_EIO if the file cannot be
 * read.  Nothing for a plain VFS.
 */
int sqlvfs_scan(struct sqlvfs *v, const char *path, struct err *e);

/*
 * Sets up a connection opened through the VFS: page size, reserved bytes
 * (before anything is written to a new database), WAL, temporary files in
 * memory, no memory mapping.  Returns DOSSIER_OK or DOSSIER_ECORRUPT /
 * DOSSIER_EIO with a message.
 */
int sqlvfs_prepare(struct sqlite3 *db, struct err *e);
/* The same for a database of a plain VFS (encrypted 0): no reserve. */
int sqlvfs_prepare_as(struct sqlite3 *db, int encrypted, struct err *e);

#endif
