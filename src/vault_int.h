/*
 * vault_int.h: what the vault_*.c files share.  Not API: the public
 * interface is include/dossier.h.
 *
 * vault.c        library set-up, create, close, keys in memory, sealing
 *                helpers, key slots
 * vault_open.c   format, open, unlock
 * vault_doc.c    add (in batches), update
 * vault_import.c import
 * vault_change.c meta, rm, restore, purge
 * vault_read.c   show, list, history, get, export
 * vault_verify.c verify and garbage collection
 * vault_policy.c the signed policy digest, permission checks, denials
 * vault_users.c  users, clearance, rotation, recovery slots
 * vault_grants.c grants and restriction
 * vault_index.c, vault_search.c  the search indexes, search
 * vault_audit.c, vault_audit_read.c  the audit log
 * vault_upgrade.c  format 1 to 2
 * vault_backup.c   backups
 */
#ifndef DOSSIER_VAULT_INT_H
#define DOSSIER_VAULT_INT_H

#include <limits.h>
#include <stdint.h>

#include "dossier.h"
#include "buf.h"
#include "catalog.h"
#include "crypto.h"
#include "docmeta.h"
#include "error.h"
#include "keys.h"
#include "policy.h"
#include "store.h"

#define VAULT_FORMAT DOSSIER_VAULT_FORMAT
#define VAULT_VERSION_FILE "VERSION"
#define VAULT_CATALOG_FILE "dossier.db"
#define VAULT_KEYRING_FILE "keyring.db"
#define VAULT_LOCK_FILE "lock"

/* The one message for a wrong passphrase, unknown or disabled user. */
#define AUTH_FAILED "authentication failed: wrong passphrase, or unknown " \
	"or disabled user"

/* New passphrases have at least this many characters. */
#define VAULT_PASS_MIN 12

/* Limits on what a caller may store as metadata (bytes). */
#define VAULT_TEXT_MAX 4096  /* title, number, category, tag, field value */
#define VAULT_KEY_MAX 128    /* field key */
#define VAULT_TAGS_MAX 256
#define VAULT_FIELDS_MAX 256
#define VAULT_NOTE_MAX 16384

/* One level key the unlocked user holds, with its derived keys. */
struct vault_lk {
	int level;
	uint32_t version;
	unsigned char *key; /* secure memory, VAULT_LK_SIZE bytes: */
};
#define VAULT_LK_SIZE (6 * CRYPTO_KEY_LEN)
/* Offsets into vault_lk.key. */
#define LK_ROOT 0
#define LK_META (1 * CRYPTO_KEY_LEN)
#define LK_META_MAC (2 * CRYPTO_KEY_LEN)
#define LK_DEDUP (3 * CRYPTO_KEY_LEN)
#define LK_WRAP (4 * CRYPTO_KEY_LEN)
#define LK_INDEX (5 * CRYPTO_KEY_LEN)

/* What the handle lends out through struct dossier_doc / _version. */
struct vault_view {
	struct docmeta meta;
	struct vermeta ver;
	struct dossier_doc doc;
	struct dossier_version version;
	const char **tags;
	struct dossier_field *fields;
	char created_by[CATALOG_NAME_MAX + 1];
	char deleted_by[CATALOG_NAME_MAX + 1];
	char added_by[CATALOG_NAME_MAX + 1];
};

/* A user row with its groups split, lent out as dossier_user_info. */
struct vault_user_view {
	struct catalog_user u;
	char buf[CATALOG_GROUPS_MAX + 1];
	const char *groups[64];
	struct dossier_user_info info;
};

struct dossier {
	struct err err;
	char root[PATH_MAX];
	struct catalog *cat;  /* encrypted: open while unlocked */
	struct catalog *ring; /* the keyring: open from dossier_open() */
	struct store *store;
	unsigned char vault_id[KEYS_VAULT_ID_LEN];
	unsigned char root_pub[CRYPTO_ED25519_PUB_LEN];
	int lockfd;
	int unlocked;
	struct catalog_user user;
	unsigned char *secret; /* secure: X25519 secret | Ed25519 seed */
	unsigned char *ck;     /* secure: catalog key */
	struct vault_lk *lks;
	size_t nlks;
	uint32_t curver[DOSSIER_NLEVELS]; /* newest key version per level */
	struct vault_view view;
	/* Policy, loaded and verified at unlock (vault_policy.c). */
	int must_change;		/* on a one-time passphrase */
	char *groups[64];		/* the user's groups */
	size_t ngroups;
	struct policy_grant *grants;	/* every grant row */
	size_t ngrants;
	int64_t *restricted;		/* restricted documents, sorted */
	size_t nrestricted;
	struct vault_user_view user_view;
	struct vault_index *index[DOSSIER_NLEVELS]; /* vault_index.c */
	struct vault_pending *pending;	/* texts to index (vault_index.c) */
	size_t npending, cappending;
	struct {
		int pending;
		const char *action;
		int64_t doc;
		unsigned perm;
	} denial;
	/* Progress of long work (dossier_set_progress()). */
	struct {
		dossier_progress_fn fn;
		void *ctx;
		uint64_t done, total, shown;
	} progress;
	/* The operation under way, for its audit record (vault_audit.c). */
	struct {
		const char *action; /* NULL: none */
		int64_t doc;
		int version, level;
		struct buf detail; /* JSON, sealed into the record */
		int written;	   /* its record is in the log */
		int checkpoint;	   /* a checkpoint is due */
		int batch;	   /* sign only the last record (a filing) */
		int64_t tail;	   /* that record, still unsigned; 0: none */
	} audit;
};

struct dossier_iter {
	struct dossier *d;
	int64_t *ids; /* list */
	size_t nids, pos;
	int64_t limit;
	int64_t doc; /* history */
	int version, last;
	struct vault_view view;
};

/*
 * Fails with DOSSIER_EMISUSE unless unlocked, and with DOSSIER_EDENIED
 * while the user is still on a one-time passphrase.
 */
int vault_need_unlocked(struct dossier *d);
/* The same, allowing a one-time passphrase (to change it). */
int vault_need_keys(struct dossier *d);

/* vault_policy.c */
/* Loads grants and restrictions and checks the signed policy digest. */
int vault_policy_load(struct dossier *d);
void vault_policy_free(struct dossier *d);
/*
 * Begins a write transaction for a policy change, after checking that the
 * policy rows are still the signed ones.
 */
int vault_policy_begin(struct dossier *d);
/* Checks the policy rows against their signature; needs no secret key. */
int vault_policy_verify(struct dossier *d);
/* Recomputes and signs the policy digest (in the open transaction). */
int vault_policy_sign(struct dossier *d);
/* The keyed hash of a category for grants. */
int vault_category_mac(struct dossier *d, const char *category,
    unsigned char mac[CRYPTO_HASH_LEN]);
/*
 * The acting user's permissions on document doc (0: on filing into
 * category), whose category is given in plain text ("" for none).
 */
unsigned vault_perms(struct dossier *d, int64_t doc, const char *category);
/*
 * Fails with DOSSIER_EDENIED naming perm unless the user has it on doc
 * (or category when doc is 0), noting the denial for vault_done().
 */
int vault_require(struct dossier *d, unsigned perm, const char *action,
    int64_t doc, const char *category);
/*
 * For an operation on a document the user's keys open: not found unless
 * they may read it, then denied unless they have perm.
 */
int vault_check_access(struct dossier *d, const struct catalog_doc *row,
    const struct docmeta *m, unsigned perm, const char *action);
/* Is document doc restricted to explicit grants? */
int vault_is_restricted(const struct dossier *d, int64_t doc);
/* Notes a refused attempt (also one hidden as "not found"). */
void vault_note_denial(struct dossier *d, const char *action, int64_t doc,
    unsigned perm);
/*
 * Every public operation returns through this: a noted denial is written
 * to the catalog's denial table once the operation's transaction is over,
 * for the audit log to take up.  Returns rc.
 */
int vault_done(struct dossier *d, int rc);
/* Verifies a user's certificate chain up to the pinned root key. */
int vault_verify_cert(struct dossier *d, const struct catalog_user *u);

/* The level key (level, version) if held, else NULL. */
const struct vault_lk *vault_lk(const struct dossier *d, int level,
    uint32_t version);
/* The level's newest key version if held, else NULL. */
const struct vault_lk *vault_lk_current(const struct dossier *d, int level);
/*
 * Like vault_lk(), but a missing key is an error in d naming the
 * document: DOSSIER_EDENIED.
 */
int vault_lk_need(struct dossier *d, int level, uint32_t version, int64_t doc,
    const struct vault_lk **lk);

/* Seals/opens document metadata of doc under lk. */
int vault_seal_docmeta(struct dossier *d, const struct vault_lk *lk,
    int64_t doc, const struct docmeta *m, struct buf *out);
int vault_open_docmeta(struct dossier *d, const struct catalog_doc *row,
    struct docmeta *m);
int vault_seal_vermeta(struct dossier *d, const struct vault_lk *lk,
    int64_t doc, int version, const struct vermeta *v, struct buf *out);
int vault_open_vermeta(struct dossier *d, const struct catalog_version *row,
    struct vermeta *v);
/* Seals free text (reasons) under the catalog key. */
int vault_seal_text(struct dossier *d, const char *what, int64_t doc,
    const char *text, struct buf *out);

/* Opens what vault_seal_text() sealed. */
int vault_open_text(struct dossier *d, const char *what, int64_t doc,
    const struct buf *blob, struct buf *out);

/* The keyed hash of a metadata value for filters. */
int vault_term(const struct vault_lk *lk, int kind, const char *value,
    struct catalog_term *t);

/* The current time; a clock before 1970 is taken as 0. */
int64_t vault_now(void);

/* Store-GC coordination: writers share, the collector excludes. */
int vault_lock_shared(struct dossier *d);
int vault_lock_exclusive_try(struct dossier *d);
void vault_unlock_files(struct dossier *d);

/* Unwraps the data key of version row v into dek (secure memory). */
int vault_open_dek(struct dossier *d, const struct catalog_version *v,
    unsigned char *dek);

/* Fills v's borrowed views from a catalog row and its opened metadata. */
int vault_view_doc(struct dossier *d, struct vault_view *v,
    const struct catalog_doc *row);
void vault_view_release(struct vault_view *v);

/* Checks an edit before anything is touched; applies one to m. */
int vault_check_edit(struct dossier *d, const struct dossier_meta_edit *e);
int vault_apply_edit(struct dossier *d, const struct dossier_meta_edit *e,
    struct docmeta *m);
/* The filter date column: the document's date, else the filing day. */
void vault_filter_date(const struct docmeta *m, int64_t created, char out[11]);
/*
 * Seals m into row under lk, rewrites the row and recomputes its filter
 * terms (type: the current version's).
 */
int vault_save_doc(struct dossier *d, struct catalog_doc *row,
    const struct vault_lk *lk, const struct docmeta *m, const char *type);

/*
 * The search indexes (vault_index.c): one per level, opened under the
 * level's index key and brought in line with the catalog before use.
 */
struct vault_index;
struct vault_pending;
struct search;
void vault_index_close(struct dossier *d);
/* The index of level, in line with the catalog; NULL without its key. */
int vault_index_open(struct dossier *d, int level, struct search **sp);
/*
 * Keeps the text extracted while filing version of doc, so that indexing
 * it after the commit does not decrypt and extract it again.
 */
int vault_index_keep(struct dossier *d, int64_t doc, int version,
    const struct buf *text);
/*
 * After a write committed: brings every index the user holds a key for
 * in line now, so the next search finds it ready, and drops the kept
 * texts.  A failure is left for the next search to repair (the index is
 * derived data; the write stands).
 */
void vault_index_refresh(struct dossier *d);
/*
 * The audit log (vault_audit.c).  vault_op() starts an operation (action:
 * a static string; doc 0 when none); vault_op_target() and
 * vault_op_detail() say what it acted on.  A write calls
 * vault_audit_append() in its transaction before committing; a read calls
 * vault_audit_own() (its own transaction) before handing anything out.
 * vault_done() calls vault_audit_finish(), which records an operation that
 * wrote no record (refused or failed; a failure to record a successful
 * one turns it into an error) and appends the checkpoint.
 */
void vault_op(struct dossier *d, const char *action, int64_t doc);
void vault_op_target(struct dossier *d, int64_t doc, int version,
    int level);
int vault_op_detail(struct dossier *d, const char *key, const char *value);
int vault_op_detail_int(struct dossier *d, const char *key, int64_t value);
int vault_audit_append(struct dossier *d, const char *outcome);
int vault_audit_own(struct dossier *d, const char *outcome);
/*
 * Ends a write's transaction: with rc DOSSIER_OK, appends the operation's
 * record and commits; otherwise, or when either fails, rolls back.
 * Returns the outcome.
 */
int vault_audit_commit(struct dossier *d, int rc);
/*
 * Signs the last record a batch appended unsigned (see d->audit.batch),
 * before its transaction commits: the chain up to it covers the others.
 */
int vault_audit_sign_tail(struct dossier *d);
int vault_audit_finish(struct dossier *d, int rc);
/* dossier_show() without its audit record, for reports inside another
 * operation (the filed documents of add). */
int vault_show_quiet(struct dossier *d, int64_t id,
    const struct dossier_doc **doc);
/* Stores the vault's audit public key (for audit.pending) in the keyring. */
int vault_audit_publish(struct dossier *d);
/* A failed unlock, sealed into audit.pending (no key needed). */
void vault_audit_failed_unlock(struct dossier *d, const char *user);
/*
 * The checks of dossier_audit_verify() (chain, signatures, checkpoints
 * of witness or audit.witness) without its permission check and record:
 * for restoring a backup.
 */
int vault_audit_check(struct dossier *d, const char *witness,
    dossier_problem_fn fn, void *ctx, int64_t *records);
/* Moves what audit.pending holds into the log (after an unlock). */
int vault_audit_take_pending(struct dossier *d);

/*
 * Filing in batches (vault_doc.c), shared by add and import: a report per
 * file tried, held until its batch commits.
 */
struct add_report {
	char *path;
	char *errmsg; /* NULL when filed */
	int rc;
	struct dossier_added r;
	char object[STORE_NAME_LEN + 1]; /* to remove if the batch fails */
};

struct add_batch {
	struct dossier *d;
	dossier_added_fn cb;
	void *ctx;
	struct add_report *v;
	size_t n, cap, text;
	int locked, in_tx;
	int first; /* the first failure's code */
	int first_other; /* the same, duplicates left out (import) */
};

/*
 * Files path (or the open fd, taken over, named fname) into the batch;
 * a failure is reported and held like a success.
 */
int vault_add_one(struct add_batch *ab, const char *path, int fd,
    const char *fname, const struct dossier_meta_edit *e, unsigned flags);
/* Commits the batch and reports every file in it (through ab->cb). */
int vault_add_flush(struct add_batch *ab);
/* The last part of a path; strcmp() of two char * for qsort(). */
const char *vault_base_name(const char *path);
int vault_name_cmp(const void *a, const void *b);

/* The keyed hash term of a document number, normalised as search does. */
int vault_number_term(const struct vault_lk *lk, const char *number,
    struct catalog_term *t);

/* Fills v from user row u. */
void vault_user_view(struct vault_user_view *v, const struct catalog_user *u,
    int must_change);

/*
 * A new key slot for u (their secrets, given, under pass; the catalog key
 * sealed to them), added to the keyring and named as u's current slot in
 * the open catalog transaction; salt gets its salt for
 * vault_slot_settle().
 */
int vault_slot_write(struct dossier *d, const struct catalog_user *u,
    const char *pass, size_t passlen, const unsigned char *secret,
    int one_time, unsigned char salt[KEYS_SALT_LEN]);
/*
 * After the commit: removes user's slots from the keyring but salt's and
 * recovery's (all of them when both are NULL).  A failure leaves slots the catalog does not
 * name, which unlocking ignores and verify removes.
 */
void vault_slot_settle(struct dossier *d, const char *user,
    const unsigned char *salt, const unsigned char *recovery);
/* u's recovery slot (its salt), or NULL when u has none. */
const unsigned char *vault_recovery_of(const struct catalog_user *u);

/* Seals a 32-byte key (kind, level, version) to user u. */
int vault_seal_to_user(struct dossier *d, const struct catalog_user *u,
    const char *kind, int level, uint32_t version, const unsigned char *key);
/* Pieces of open, unlock and create (vault.c, vault_open.c). */
int vault_join_path(struct dossier *d, char *out, size_t outsz,
    const char *root, const char *name);
void vault_lks_free(struct dossier *d);
/* The newest version of each level's key, from the catalog. */
int vault_load_versions(struct dossier *d);
struct dossier *vault_handle_new(void);
/* Keyring, store and lock file of d->root (a current-format vault). */
int vault_open_parts(struct dossier *d);
/* The catalog in dir under the page key from d->ck (create: a new one). */
int vault_open_catalog(struct dossier *d, const char *dir, int create);
/* Counts n more bytes of progress; reported each MiB and at the end. */
void vault_progress(struct dossier *d, uint64_t n, int end);

/* A catalog file at path (a backup's snapshot) under the page key. */
int vault_catalog_at(struct dossier *d, const char *path,
    struct catalog **cp);
/* Checks the user's keys and certificate, opens their level keys, policy. */
int vault_load_keys(struct dossier *d);
/* Writes dir/VERSION for the current format (temp file, rename, sync). */
int vault_write_version(struct dossier *d, const char *dir);
/* Forgets every key and closes the catalog and indexes. */
void vault_lock_keys(struct dossier *d);

/*
 * The vault's format from its VERSION file (and, for an upgrade caught
 * between its two renames, from its files: see vault.c); recorded (may be
 * NULL) gets the number VERSION holds.
 */
int vault_format(struct dossier *d, const char *root, int *format,
    int *recorded);
/* Removes a directory tree that dossier built (init, upgrade). */
void vault_remove_tree(const char *dir);

/* Re-reads the acting user's row, keys and the policy after a change. */
int vault_reload_keys(struct dossier *d);

/* The certificate fields of a user row. */
void vault_cert_of(const struct catalog_user *u, struct keys_cert *c);

/* Validates user-supplied metadata text. */
int vault_check_text(struct dossier *d, const char *what, const char *s,
    size_t max, int allow_empty);
int vault_check_date(struct dossier *d, const char *s);
int vault_check_user_name(struct err *e, const char *name);
/* Refuses a new passphrase that is too weak (DOSSIER_EUSAGE). */
int vault_check_passphrase(struct err *e, const char *pass, size_t len);

#endif
