/*
 * store.h: encrypted content objects (docs/FORMAT.md, "Objects").
 *
 * An object is the zstd-compressed content of one document version,
 * encrypted under its own data key (DEK) in 64 KiB chunks with
 * AES-256-GCM, and named by the SHA-256 of its ciphertext:
 *	objects/ab/cdef...   (64 hex digits in all)
 * Objects are written to tmp/ first and renamed into place only once
 * durable, so a crash leaves either no object or a whole one.
 *
 * store.c is the only file that includes <zstd.h>.  Functions return
 * DOSSIER_OK or a negative code with a message in e.
 */
#ifndef DOSSIER_STORE_H
#define DOSSIER_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

struct err;

#define STORE_CHUNK (64u * 1024)  /* plaintext bytes per chunk */
#define STORE_HEADER_LEN 44
#define STORE_NAME_LEN 64	  /* hex digits of an object name */
#define STORE_OBJECT_ID_LEN 16
#define STORE_VAULT_ID_LEN 16

struct store;
struct store_writer;

/* Who an object belongs to: bound into every chunk's associated data. */
struct store_binding {
	uint64_t doc;
	uint32_t version;
};

/* The store of the vault at root (objects/ and tmp/ must exist). */
int store_open(const char *root, const unsigned char vault_id[STORE_VAULT_ID_LEN],
    struct store **sp, struct err *e);
void store_free(struct store *s);

/* Creates objects/ and tmp/ under a new vault's root. */
int store_create_dirs(const char *root, struct err *e);

/*
 * Starts a new object for binding b under dek (copied).  Feed plaintext
 * with store_write(), then store_write_finish() to make it durable under
 * its final name (written to name, STORE_NAME_LEN + 1 bytes), or
 * store_write_abort() to discard it.  Either frees w.
 */
int store_write_begin(struct store *s, const unsigned char dek[CRYPTO_KEY_LEN],
    const struct store_binding *b, struct store_writer **wp, struct err *e);
int store_write(struct store_writer *w, const void *p, size_t n,
    struct err *e);
int store_write_finish(struct store_writer *w, char *name, uint64_t *cipher_size,
    struct err *e);
void store_write_abort(struct store_writer *w);

/*
 * With on, store_write_finish() still syncs each object's content but
 * leaves syncing the directories that name it to store_sync_dirs(), which
 * must succeed before anything refers to those objects: a batch of files
 * pays one sync per directory instead of two per file.
 */
void store_defer_dir_sync(struct store *s, int on);
int store_sync_dirs(struct store *s, struct err *e);

/*
 * Decrypts object name for binding b with dek, handing plaintext to sink
 * one verified chunk at a time; no byte of a chunk reaches sink before its
 * tag verifies.  max_size bounds the plaintext (the catalog knows the
 * size).  A sink that returns non-zero stops the read with that code.
 * Returns DOSSIER_ECORRUPT for any damage, with a message naming the
 * object and the chunk.
 */
typedef int (*store_sink_fn)(void *ctx, const void *p, size_t n);
int store_read(struct store *s, const char *name,
    const unsigned char dek[CRYPTO_KEY_LEN], const struct store_binding *b,
    uint64_t max_size, store_sink_fn sink, void *ctx, struct err *e);

/*
 * Checks without keys that object name exists and that its bytes hash to
 * its name.  DOSSIER_ENOTFOUND if missing, DOSSIER_ECORRUPT if altered.
 */
int store_scrub(struct store *s, const char *name, struct err *e);

/* Removes object name (purge, garbage collection); missing is not an error. */
int store_remove(struct store *s, const char *name, struct err *e);

/*
 * Calls fn for every object file name found in objects/ (and, with
 * what = "tmp", for every leftover file in tmp/).  Stops at the first
 * non-zero return of fn and returns it.
 */
typedef int (*store_each_fn)(void *ctx, const char *name);
int store_each(struct store *s, int tmp, store_each_fn fn, void *ctx,
    struct err *e);

/* Removes a leftover file name from tmp/. */
int store_remove_tmp(struct store *s, const char *name, struct err *e);

/* A syntactically valid object name (64 lower-case hex digits)? */
int store_name_valid(const char *name);

#endif
