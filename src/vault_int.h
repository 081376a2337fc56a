/*
 * vault_int.h: what the vault_*.c files share.  Not API: the public
 * interface is include/dossier.h.
 *
 * vault.c        library set-up, open/create/unlock/close, keys in memory,
 *                sealing helpers
 * vault_doc.c    add, update
 * vault_change.c meta, rm, restore, purge
 * vault_read.c   show, list, history, get
 * vault_verify.c verify and garbage collection
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
#include "store.h"

#define VAULT_FORMAT 1
#define VAULT_VERSION_FILE "VERSION"
#define VAULT_CATALOG_FILE "dossier.db"
#define VAULT_LOCK_FILE "lock"

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

struct dossier {
	struct err err;
	char root[PATH_MAX];
	struct catalog *cat;
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
	struct vault_view view;
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

/* Fails with DOSSIER_EMISUSE unless unlocked. */
int vault_need_unlocked(struct dossier *d);

/* The level key (level, version) if held, else NULL. */
const struct vault_lk *vault_lk(const struct dossier *d, int level,
    uint32_t version);
/* The newest version held of level, else NULL. */
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

/* Validates user-supplied metadata text. */
int vault_check_text(struct dossier *d, const char *what, const char *s,
    size_t max, int allow_empty);
int vault_check_date(struct dossier *d, const char *s);
int vault_check_user_name(struct err *e, const char *name);
/* Refuses a new passphrase that is too weak (DOSSIER_EUSAGE). */
int vault_check_passphrase(struct err *e, const char *pass, size_t len);

#endif
