/*
 * catalog.h: the catalog database (dossier.db, every page encrypted under
 * a key from the catalog key) and the keyring (keyring.db, plain: what
 * unlocking needs before the catalog can be opened), the only places that
 * run SQL besides the search indexes.  See docs/FORMAT.md for the schemas.
 *
 * Everything sensitive arrives here already sealed by the caller: the
 * catalog stores blobs and keyed hashes, never titles or names of files.
 * Functions return DOSSIER_OK, DOSSIER_ENOTFOUND for a missing row,
 * DOSSIER_EBUSY when the database stays locked past the timeout, or
 * another negative code, with a message in e.
 */
#ifndef DOSSIER_CATALOG_H
#define DOSSIER_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crypto.h"
#include "keys.h"
#include "store.h"

struct err;
struct catalog;

#define CATALOG_FORMAT 2
#define CATALOG_RING_FORMAT 1
#define CATALOG_NAME_MAX 64 /* bytes of a user or group name */
#define CATALOG_GROUPS_MAX 1024 /* bytes of a user's group list */

/*
 * Creates dossier.db at path with the current schema, its pages encrypted
 * under key (CRYPTO_KEY_LEN bytes; NULL only in the benchmark's plain
 * build) and bound to the database id dbid.
 */
int catalog_create(const char *path, const unsigned char *key,
    const char *dbid, struct catalog **cp, struct err *e);
/*
 * Opens an existing catalog: DOSSIER_ECORRUPT when its pages do not
 * decrypt, DOSSIER_EVERSION for another format.
 */
int catalog_open(const char *path, const unsigned char *key,
    const char *dbid, struct catalog **cp, struct err *e);
void catalog_close(struct catalog *c);

/* The keyring (catalog_ring.c): a plain database with its own format. */
int catalog_ring_create(const char *path, struct catalog **cp,
    struct err *e);
int catalog_ring_open(const char *path, struct catalog **cp, struct err *e);

/* BEGIN IMMEDIATE (the write lock), COMMIT, ROLLBACK (never fails). */
int catalog_begin(struct catalog *c, struct err *e);
int catalog_commit(struct catalog *c, struct err *e);
void catalog_rollback(struct catalog *c);
/*
 * A savepoint inside the open transaction: released (kept) or rolled back
 * to (undone, and released) without ending the transaction.
 */
int catalog_savepoint(struct catalog *c, struct err *e);
int catalog_release(struct catalog *c, struct err *e);
void catalog_rollback_to(struct catalog *c);

/* The vault table: small named values (vault id, root key, format). */
int catalog_kv_set(struct catalog *c, const char *key, const void *p,
    size_t n, struct err *e);
int catalog_kv_get(struct catalog *c, const char *key, struct buf *out,
    struct err *e);

struct catalog_user {
	char name[CATALOG_NAME_MAX + 1];
	char role[16];
	int clearance;
	unsigned char x_pub[CRYPTO_X25519_LEN];
	unsigned char ed_pub[CRYPTO_ED25519_PUB_LEN];
	int64_t created;
	char certifier[CATALOG_NAME_MAX + 1];
	unsigned char cert[CRYPTO_ED25519_SIG_LEN];
	int disabled;
	char groups[CATALOG_GROUPS_MAX + 1]; /* "a,b": sorted, no '@' */
	/* Read only (catalog_user_set_slot() writes them): */
	unsigned char slot[KEYS_SALT_LEN]; /* salt of the current key slot */
	int one_time; /* that slot holds a one-time passphrase */
	unsigned char recovery[KEYS_SALT_LEN]; /* a recovery slot; zeros: none */
};

/* Inserts or replaces the row of user u->name. */
int catalog_user_insert(struct catalog *c, const struct catalog_user *u,
    struct err *e);
typedef int (*catalog_user_fn)(void *ctx, const struct catalog_user *u);
/* Every user, in name order. */
int catalog_users_each(struct catalog *c, catalog_user_fn fn, void *ctx,
    struct err *e);
int catalog_user_get(struct catalog *c, const char *name,
    struct catalog_user *u, struct err *e);

/*
 * Names the user's current key slot (by its salt) in the catalog, and
 * whether it holds a one-time passphrase.  A slot of the keyring that the
 * catalog does not name is ignored: it was written by an operation that
 * did not commit.
 */
int catalog_user_set_slot(struct catalog *c, const char *name,
    const unsigned char salt[KEYS_SALT_LEN], int one_time, struct err *e);

/* Names the user's recovery slot by its salt (NULL: none). */
int catalog_user_set_recovery(struct catalog *c, const char *name,
    const unsigned char *salt, struct err *e);

/*
 * A key slot in the keyring: the user's secrets under their passphrase,
 * and the catalog key sealed to their X25519 key.
 */
struct catalog_slot {
	int64_t id;
	unsigned char salt[KEYS_SALT_LEN];
	struct keys_kdf kdf;
	unsigned char blob[KEYS_SLOT_BLOB_LEN];
	unsigned char ck[KEYS_SEALED_LEN];
};

/* Adds a slot for user to the keyring (in a transaction of its own). */
int catalog_slot_add(struct catalog *ring, const char *user,
    const struct catalog_slot *s, struct err *e);
/* The user's slots, newest first; fn's non-zero return stops. */
typedef int (*catalog_slot_fn)(void *ctx, const struct catalog_slot *s);
int catalog_slots_each(struct catalog *ring, const char *user,
    catalog_slot_fn fn, void *ctx, struct err *e);
/*
 * Removes the user's slots except those with salts keep and keep2 (each
 * may be NULL; both NULL: all of them).
 */
int catalog_slots_keep(struct catalog *ring, const char *user,
    const unsigned char *keep, const unsigned char *keep2, struct err *e);
/* Every user name with a slot, for the garbage check (fn as above). */
typedef int (*catalog_name_fn)(void *ctx, const char *name);
int catalog_slot_users(struct catalog *ring, catalog_name_fn fn, void *ctx,
    struct err *e);

int catalog_level_key_insert(struct catalog *c, int level, uint32_t version,
    int64_t created, struct err *e);

int catalog_sealed_insert(struct catalog *c, const struct keys_label *lb,
    const unsigned char blob[KEYS_SEALED_LEN], struct err *e);
/* Calls fn for each key sealed to user, stopping at a non-zero return. */
typedef int (*catalog_sealed_fn)(void *ctx, const struct keys_label *lb,
    const unsigned char *blob);
int catalog_sealed_each(struct catalog *c, const char *user,
    catalog_sealed_fn fn, void *ctx, struct err *e);

struct catalog_doc {
	int64_t id;
	int level;
	uint32_t key_version;
	char date[11]; /* the filter date: document date or filing day */
	int64_t created;
	char created_by[CATALOG_NAME_MAX + 1];
	int64_t modified;
	int version; /* current */
	int deleted;
	int64_t deleted_at;
	char deleted_by[CATALOG_NAME_MAX + 1];
	struct buf meta; /* sealed document metadata */
	int64_t change;	 /* change stamp (read only: set by every update) */
};

/* Inserts d (its meta may be empty for now) and sets d->id. */
int catalog_doc_insert(struct catalog *c, struct catalog_doc *d,
    struct err *e);
/* Writes every column of d back. */
int catalog_doc_update(struct catalog *c, const struct catalog_doc *d,
    struct err *e);
/* d->meta is reset and filled. */
int catalog_doc_get(struct catalog *c, int64_t id, struct catalog_doc *d,
    struct err *e);
/* Deletes the document, its versions and terms. */
int catalog_doc_delete(struct catalog *c, int64_t id, struct err *e);

/* Keyed hashes of a document's metadata, for filters. */
enum catalog_term_kind {
	CATALOG_TERM_CATEGORY = 1,
	CATALOG_TERM_TAG = 2,
	CATALOG_TERM_NUMBER = 3,
	CATALOG_TERM_TYPE = 4
};

struct catalog_term {
	int kind;
	unsigned char mac[CRYPTO_HASH_LEN];
};

/* Replaces document doc's terms with the n given. */
int catalog_terms_set(struct catalog *c, int64_t doc,
    const struct catalog_term *t, size_t n, struct err *e);

struct catalog_version {
	int64_t doc;
	int version;
	char object[STORE_NAME_LEN + 1];
	uint64_t size;
	int level;
	uint32_t key_version;
	unsigned char wrapped[KEYS_WRAPPED_LEN];
	unsigned char content_mac[CRYPTO_HASH_LEN];
	struct buf meta; /* sealed version metadata */
	int64_t added;
	char added_by[CATALOG_NAME_MAX + 1];
};

int catalog_version_insert(struct catalog *c, const struct catalog_version *v,
    struct err *e);
/* Rewrites level, key version, wrapped key, content mac and meta. */
int catalog_version_update(struct catalog *c, const struct catalog_version *v,
    struct err *e);
int catalog_version_get(struct catalog *c, int64_t doc, int version,
    struct catalog_version *v, struct err *e);
/* Every version of doc (or of every document when doc is 0), in order. */
typedef int (*catalog_version_fn)(void *ctx, const struct catalog_version *v);
int catalog_versions_each(struct catalog *c, int64_t doc,
    catalog_version_fn fn, void *ctx, struct err *e);

/*
 * Finds a version holding content with mac at (level, key version):
 * DOSSIER_OK with *doc and *version set, or DOSSIER_ENOTFOUND.
 */
int catalog_find_content(struct catalog *c, int level, uint32_t key_version,
    const unsigned char mac[CRYPTO_HASH_LEN], int64_t *doc, int *version,
    struct err *e);

/* Is object name referenced by some version?  1 yes, 0 no, <0 error. */
int catalog_object_used(struct catalog *c, const char *name, struct err *e);

/* A listing query: every set member narrows it. */
struct catalog_query {
	const int *levels; /* the levels to consider */
	size_t nlevels;
	int deleted;
	const char *since, *until; /* YYYY-MM-DD or NULL */
	/* For each term kind, any of these macs must be present. */
	const struct catalog_term *terms;
	size_t nterms;
};

/* The ids of matching documents, newest first, into ids/nids (malloc). */
int catalog_doc_ids(struct catalog *c, const struct catalog_query *q,
    int64_t **ids, size_t *nids, struct err *e);

/* Records a purge: who, when, and the sealed reason. */
int catalog_purge_record(struct catalog *c, int64_t doc, int64_t at,
    const char *by, const struct buf *reason, struct err *e);

typedef int (*catalog_level_key_fn)(void *ctx, int level, uint32_t version,
    int64_t created);
/* Every level key version, in order. */
int catalog_level_keys_each(struct catalog *c, catalog_level_key_fn fn,
    void *ctx, struct err *e);
/* The newest version of level's key. */
int catalog_level_key_current(struct catalog *c, int level, uint32_t *version,
    struct err *e);
/* Removes the level keys sealed to user at min_level and above. */
int catalog_sealed_delete(struct catalog *c, const char *user, int min_level,
    struct err *e);
/* Removes every key sealed to user. */
int catalog_sealed_delete_all(struct catalog *c, const char *user,
    struct err *e);

/* A grant row: perms for principal on doc (or a category by keyed hash). */
struct catalog_grant {
	char principal[CATALOG_NAME_MAX + 2];
	int64_t doc;
	unsigned char cat_mac[CRYPTO_HASH_LEN]; /* zeros for a doc grant */
	unsigned perms;
	struct buf category; /* sealed under the catalog key */
	char granted_by[CATALOG_NAME_MAX + 1];
	int64_t granted;
};

/* Inserts or replaces a grant; perms 0 deletes it. */
int catalog_grant_put(struct catalog *c, const struct catalog_grant *g,
    struct err *e);
/* Sets g->perms from the row keyed by g's principal, doc, cat_mac (0: none). */
int catalog_grant_get(struct catalog *c, struct catalog_grant *g,
    struct err *e);
typedef int (*catalog_grant_fn)(void *ctx, const struct catalog_grant *g);
int catalog_grants_each(struct catalog *c, catalog_grant_fn fn, void *ctx,
    struct err *e);

/* Marks doc restricted (on) or clears it. */
int catalog_restrict_set(struct catalog *c, int64_t doc, int on,
    const char *by, int64_t at, struct err *e);
typedef int (*catalog_restriction_fn)(void *ctx, int64_t doc, const char *by,
    int64_t at);
int catalog_restrictions_each(struct catalog *c, catalog_restriction_fn fn,
    void *ctx, struct err *e);

/*
 * The audit log (catalog_audit.c): the last record's sequence number (0
 * when empty) and hash; appending a sealed record; every record from seq
 * from on, in order (fn's nonzero return stops and is returned).
 */
struct audit_rec;
int catalog_audit_head(struct catalog *c, int64_t *seq, unsigned char *hash,
    struct err *e);
int catalog_audit_insert(struct catalog *c, const struct audit_rec *r,
    struct err *e);
/* Rewrites the hash, signed flag and signature of record r->seq. */
int catalog_audit_resign(struct catalog *c, const struct audit_rec *r,
    struct err *e);
typedef int (*catalog_audit_fn)(void *ctx, const struct audit_rec *r);
int catalog_audit_each(struct catalog *c, int64_t from,
    catalog_audit_fn fn, void *ctx, struct err *e);

/* A document and its change stamp (bumped by every write of its row). */
struct catalog_stamp {
	int64_t doc;
	int64_t stamp;
};

/*
 * The catalog's change mark: the highest change stamp of any document and
 * the number of the last purge.  Every write of a document row, and every
 * purge, moves it forward (catalog_index.c).
 */
struct catalog_mark {
	int64_t change;
	int64_t purge;
};

int catalog_change_mark(struct catalog *c, struct catalog_mark *m,
    struct err *e);

/* Every document at level with its stamp, by id (malloc'd array). */
int catalog_doc_stamps(struct catalog *c, int level, struct catalog_stamp **v,
    size_t *n, struct err *e);

/*
 * Calls fn for each document written since mark m (its id, level and
 * stamp), then for each document purged since (level -1, stamp 0).  A
 * non-zero return from fn stops and is returned.
 */
typedef int (*catalog_changed_fn)(void *ctx, int64_t doc, int level,
    int64_t stamp);
int catalog_changed_since(struct catalog *c, const struct catalog_mark *m,
    catalog_changed_fn fn, void *ctx, struct err *e);

/*
 * The documents at level that a search's row filters leave out, by id
 * (malloc'd, sorted): those in the trash (or, with deleted, those not in
 * it), those dated before since or after until (either may be NULL), and
 * those whose key version is not in the held[0..nheld) list (NULL: all
 * held).
 */
struct catalog_rowfilter {
	int deleted;
	const char *since, *until;
	const uint32_t *held;
	size_t nheld;
};

int catalog_filtered_out(struct catalog *c, int level,
    const struct catalog_rowfilter *f, int64_t **ids, size_t *n,
    struct err *e);

/* Documents with a version under an older key than their level's newest. */
int catalog_docs_at_old_keys(struct catalog *c, int64_t **ids, size_t *nids,
    struct err *e);

/*
 * A format-1 catalog (catalog_upgrade.c), for "dossier upgrade": opened;
 * then taken alone (DOSSIER_EBUSY while another connection has it) and
 * held in an exclusive transaction until closed; its key slots with the
 * catalog key sealed to each user (has_ck 0: a disabled user) and their
 * role (not yet checked against the certificate); its rows copied into a
 * new catalog in one transaction.
 */
int catalog_v1_open(const char *path, struct catalog **cp, struct err *e);
int catalog_v1_exclusive(struct catalog *c, struct err *e);
struct catalog_v1_slot {
	char user[CATALOG_NAME_MAX + 1];
	char role[16];
	struct catalog_slot slot;
	int one_time;
	int has_ck;
};
typedef int (*catalog_v1_slot_fn)(void *ctx, const struct catalog_v1_slot *s);
int catalog_v1_slots_each(struct catalog *c, catalog_v1_slot_fn fn,
    void *ctx, struct err *e);
int catalog_v1_copy(struct catalog *to, struct catalog *from, struct err *e);

/*
 * A consistent copy of the database into a new file at path (VACUUM
 * INTO), through the same VFS: a catalog's copy is encrypted under the
 * same key and database id, so it can take the catalog's place.
 */
int catalog_snapshot(struct catalog *c, const char *path, struct err *e);

/* Every page decrypts; PRAGMA integrity_check and foreign_key_check. */
int catalog_check(struct catalog *c, struct err *e);

#endif
