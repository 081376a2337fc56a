/*
 * dossier.h: the public interface of libdossier, an offline, encrypted,
 * versioned document archive.
 *
 * This header is the specification: what is not declared here is not API.
 *
 * Lifecycle
 *	dossier_library_init()          once per process, before anything else
 *	dossier_create() / dossier_open()
 *	dossier_unlock()                for every operation that needs keys
 *	operations ...
 *	dossier_close()                 accepts NULL
 *
 * Results
 *	Every function that can fail returns an int: 0 (DOSSIER_OK) on success,
 *	a positive value for a non-error status (DOSSIER_DONE at the end of an
 *	iteration), a negative DOSSIER_E* code on failure.  After a failure,
 *	dossier_errmsg() returns a one-line message naming the thing and the
 *	reason.
 *
 * Memory
 *	Strings and structures returned through "const" out-pointers are
 *	borrowed from the handle (or iterator) and stay valid until the next
 *	call on that handle (or the next dossier_iter_next()).  Nothing the
 *	caller receives needs to be freed except handles and iterators.
 *
 * Threads
 *	A handle is used by one thread at a time.  Several processes may use
 *	one vault at the same time; writers are serialised by the catalog.
 */
#ifndef DOSSIER_H
#define DOSSIER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define DOSSIER_API __attribute__((visibility("default")))
#else
#define DOSSIER_API
#endif

#define DOSSIER_VERSION_STRING "0.1.0"

/* Result codes.  Keep dossier_strerror() and docs/dossier.1 in step. */
enum dossier_rc {
	DOSSIER_OK = 0,
	DOSSIER_DONE = 1,	   /* iteration finished: not an error */
	DOSSIER_EIO = -1,	   /* I/O error, out of space */
	DOSSIER_ENOMEM = -2,	   /* out of memory */
	DOSSIER_EINTERNAL = -3,	   /* a bug or a library failure */
	DOSSIER_EUSAGE = -4,	   /* bad argument: level, date, field, ... */
	DOSSIER_ENOTFOUND = -5,	   /* vault, document, version, user */
	DOSSIER_EAUTH = -6,	   /* authentication failed */
	DOSSIER_EDENIED = -7,	   /* permission denied */
	DOSSIER_ECORRUPT = -8,	   /* integrity violation */
	DOSSIER_ECONFLICT = -9,	   /* duplicate content, name exists */
	DOSSIER_EBUSY = -10,	   /* vault busy past the timeout */
	DOSSIER_EBADINPUT = -11,   /* malformed or oversized input file */
	DOSSIER_EVERSION = -12,	   /* vault format newer than this build */
	DOSSIER_EMISUSE = -13	   /* API called in the wrong state */
};

/* Classification levels, lowest first. */
enum dossier_level {
	DOSSIER_LEVEL_UNSET = -1,
	DOSSIER_LEVEL_PUBLIC = 0,	/* 公开 */
	DOSSIER_LEVEL_INTERNAL = 1,	/* 内部 */
	DOSSIER_LEVEL_CONFIDENTIAL = 2, /* 秘密 */
	DOSSIER_LEVEL_SECRET = 3,	/* 机密 */
	DOSSIER_LEVEL_TOP_SECRET = 4	/* 绝密 */
};
#define DOSSIER_NLEVELS 5

struct dossier;
struct dossier_iter;

/*
 * Process set-up: initialises the cryptographic library with secure
 * memory.  Call once, before any other function, from the application
 * (not from a library).  Returns DOSSIER_OK or DOSSIER_EINTERNAL.
 */
DOSSIER_API int dossier_library_init(void);

/* Static text for a result code; never NULL. */
DOSSIER_API const char *dossier_strerror(int rc);

/*
 * The message of the last failure on d, borrowed until the next call on d.
 * Never NULL; d may be NULL (then: "out of memory").
 */
DOSSIER_API const char *dossier_errmsg(const struct dossier *d);

/* "public" .. "top-secret"; or 公开 .. 绝密 when chinese is non-zero. */
DOSSIER_API const char *dossier_level_name(int level, int chinese);

/*
 * Parses an English or Chinese level name into *level.
 * Returns DOSSIER_OK or DOSSIER_EUSAGE.
 */
DOSSIER_API int dossier_level_parse(const char *s, int *level);

/*
 * Creates a new vault at path (which must not exist or be an empty
 * directory) with one administrator, admin, whose passphrase is pass
 * (at least 12 characters, else DOSSIER_EUSAGE).
 * On success *dp is an unlocked handle.  On failure *dp is a handle that
 * carries the message (or NULL when out of memory) and nothing is left on
 * disk.  Close *dp in both cases.
 */
DOSSIER_API int dossier_create(const char *path, const char *admin,
    const char *pass, size_t passlen, struct dossier **dp);

/*
 * Opens an existing vault, locked.  Like dossier_create(), *dp is set even
 * on failure so that dossier_errmsg() can explain it.
 */
DOSSIER_API int dossier_open(const char *path, struct dossier **dp);

/* The vault format this library writes (VERSION, docs/FORMAT.md). */
#define DOSSIER_VAULT_FORMAT 2

/*
 * Sets (or replaces) the acting user's recovery passphrase: a second key
 * slot over the same keys, for when the passphrase is lost, kept apart
 * (on paper in a safe).  It opens the vault, and backups made after it is
 * set, as the passphrase does; a reset by an administrator removes it.
 */
DOSSIER_API int dossier_user_recovery(struct dossier *d, const char *pass,
    size_t passlen);

/*
 * Upgrades the vault at path, of an older format, to the current one, as
 * user (an administrator) with passphrase pass: vault format 1 (a plain
 * catalog holding the key slots) becomes format 2 (an encrypted catalog
 * and a keyring).  The new files are built beside the old ones and take
 * their place with one rename: a crash leaves the old vault or the new
 * one, and running the upgrade again finishes or restarts it.  No other
 * process may use the vault meanwhile (DOSSIER_EBUSY).  *from gets the
 * format found (the current one: there was nothing to do).  On success *dp is an
 * unlocked handle on the upgraded vault; like dossier_create(), *dp is set
 * even on failure.
 */
DOSSIER_API int dossier_upgrade(const char *path, const char *user,
    const char *pass, size_t passlen, int *from, struct dossier **dp);

/*
 * Unlocks the vault as user with passphrase pass.  A wrong passphrase, an
 * unknown user and a disabled user all return DOSSIER_EAUTH with the same
 * message after the same amount of work.
 */
DOSSIER_API int dossier_unlock(struct dossier *d, const char *user,
    const char *pass, size_t passlen);

/* Wipes every key and closes.  Accepts NULL. */
DOSSIER_API void dossier_close(struct dossier *d);

/* The acting user's name once unlocked, else NULL.  Borrowed. */
DOSSIER_API const char *dossier_user(const struct dossier *d);

/* One custom field, KEY=VALUE. */
struct dossier_field {
	const char *key;
	const char *value;
};

/*
 * Metadata to set on dossier_add() or to change with dossier_meta().
 * NULL pointers and DOSSIER_LEVEL_UNSET mean "leave as is" (on add: the
 * default: title from the file name, level internal).  An empty string
 * clears a text attribute (title excepted).
 */
struct dossier_meta_edit {
	const char *title;
	const char *category;
	const char *number;
	const char *date; /* YYYY-MM-DD */
	int level;
	const char *const *tags_add;
	size_t ntags_add;
	const char *const *tags_remove;
	size_t ntags_remove;
	const struct dossier_field *fields;
	size_t nfields;
	const char *const *unset_fields;
	size_t nunset_fields;
};

/* Initialises e to "change nothing". */
DOSSIER_API void dossier_meta_edit_init(struct dossier_meta_edit *e);

/* A document as the catalog describes its current version. */
struct dossier_doc {
	int64_t id;
	const char *title;
	const char *category; /* "" when none */
	const char *number;   /* "" when none */
	const char *date;     /* YYYY-MM-DD or "" */
	int level;
	const char *const *tags;
	size_t ntags;
	const struct dossier_field *fields; /* sorted by key */
	size_t nfields;
	const char *filename;
	const char *type; /* sniffed from the bytes (docx, pdf, ...), else the
			     lower-case extension, "" when none */
	uint64_t size;
	int version;
	const char *sha256; /* hex, of the plaintext */
	int64_t created;    /* Unix time */
	const char *created_by;
	int64_t modified;
	int deleted;
	int64_t deleted_at;	  /* 0 unless deleted */
	const char *deleted_by;	  /* "" unless deleted */
	const char *delete_reason; /* "" unless deleted */
	int restricted;		   /* only explicit grants apply */
	const char *no_text;	   /* why no text was extracted, or "" */
};

/* One stored version of a document. */
struct dossier_version {
	int version;
	uint64_t size;
	const char *sha256;
	const char *filename;
	const char *type;
	int64_t added;
	const char *added_by;
	const char *note; /* "" when none */
	const char *no_text; /* why no text was extracted, or "" */
};

/* Flags of dossier_add(). */
#define DOSSIER_ADD_RECURSIVE 0x1	/* descend into directories */
#define DOSSIER_ADD_ALLOW_DUPLICATE 0x2 /* file equal content again */

/* What dossier_add() reports for each file it tried. */
struct dossier_added {
	const char *path;
	int rc;		     /* DOSSIER_OK or the failure */
	const char *errmsg;  /* when rc != DOSSIER_OK */
	int64_t id;	     /* the new document, when rc == DOSSIER_OK */
	int64_t duplicate_of; /* 0, or the document holding equal content */
	int duplicate_version;
	const struct dossier_doc *doc; /* when rc == DOSSIER_OK */
};

/*
 * Files path as a new document with metadata e (may be NULL).  With
 * DOSSIER_ADD_RECURSIVE a directory's regular files are filed one by one,
 * in name order; without it a directory is refused.  Each file is one
 * transaction: it is filed whole or not at all.  cb (may be NULL) is
 * called once per file tried, with a report borrowed for the call.
 * Equal content already filed at the same level is refused with
 * DOSSIER_ECONFLICT unless DOSSIER_ADD_ALLOW_DUPLICATE.  Returns DOSSIER_OK
 * if every file was filed, else the code of the first failure (the other
 * files are still tried).
 */
typedef void (*dossier_added_fn)(void *ctx, const struct dossier_added *r);
DOSSIER_API int dossier_add(struct dossier *d, const char *path,
    const struct dossier_meta_edit *e, unsigned flags, dossier_added_fn cb,
    void *ctx);

/*
 * Files every file of an archive (.zip, .tar, .tar.gz, .tar.zst: nothing
 * else is read) or a directory, each as dossier_add() would, with its
 * folder inside the archive or directory ("合同/2022") as category unless
 * e names one.  Zip member names without the UTF-8 flag are decoded as
 * GB18030 (CP936/GBK) when they are not UTF-8.  The whole archive is
 * checked first (links, devices, absolute or ".." names, too many
 * members, too large, expanding too much: DOSSIER_EBADINPUT) together with
 * the user's permission to file into every category: a refusal files
 * nothing.  Duplicates are reported through cb and skipped: they do not
 * fail the import.
 */
DOSSIER_API int dossier_import(struct dossier *d, const char *path,
    const struct dossier_meta_edit *e, unsigned flags, dossier_added_fn cb,
    void *ctx);

/*
 * Stores the content of path as a new version of document id, with an
 * optional note.  *version (may be NULL) receives the new version number.
 */
DOSSIER_API int dossier_update(struct dossier *d, int64_t id,
    const char *path, const char *note, int *version);

/* Changes document id's metadata.  A level change re-wraps its keys. */
DOSSIER_API int dossier_meta(struct dossier *d, int64_t id,
    const struct dossier_meta_edit *e);

/* Describes document id (deleted ones too).  *doc is borrowed. */
DOSSIER_API int dossier_show(struct dossier *d, int64_t id,
    const struct dossier_doc **doc);

/* Filters of dossier_list(); zero/NULL members do not filter. */
struct dossier_filter {
	const char *category;
	const char *tag;
	int level; /* DOSSIER_LEVEL_UNSET: any */
	const char *since; /* YYYY-MM-DD, inclusive, on the document date */
	const char *until; /* YYYY-MM-DD, inclusive */
	int deleted;	   /* non-zero: the trash instead of the live documents */
	int64_t limit;	   /* 0: no limit */
	const char *type;  /* file type (lower-case extension), search only */
};

/* Initialises f to "no filter". */
DOSSIER_API void dossier_filter_init(struct dossier_filter *f);

/*
 * Lists documents matching f, newest first.  The document date is the
 * --date given at filing, else the filing day.  Free *it with
 * dossier_iter_free().
 */
DOSSIER_API int dossier_list(struct dossier *d,
    const struct dossier_filter *f, struct dossier_iter **it);

/*
 * Steps an iterator of dossier_list() (*doc) or dossier_history()
 * (*ver); pass NULL for the other.  Returns DOSSIER_OK, DOSSIER_DONE at
 * the end, or a failure (message on the iterator's handle).  Entries are
 * borrowed until the next step.
 */
DOSSIER_API int dossier_iter_next(struct dossier_iter *it,
    const struct dossier_doc **doc, const struct dossier_version **ver);

/* How many entries matched before any limit. */
DOSSIER_API int64_t dossier_iter_total(const struct dossier_iter *it);

/* Accepts NULL. */
DOSSIER_API void dossier_iter_free(struct dossier_iter *it);

/* Every version of document id, oldest first. */
DOSSIER_API int dossier_history(struct dossier *d, int64_t id,
    struct dossier_iter **it);

/*
 * Writes version (0: the current one) of document id to fd as it is
 * decrypted, one verified 64 KiB chunk at a time: on DOSSIER_ECORRUPT the
 * bytes of the damaged chunk and everything after it were never written.
 */
DOSSIER_API int dossier_get_fd(struct dossier *d, int64_t id, int version,
    int fd);

/*
 * Like dossier_get_fd() into a new file at path, which appears only once
 * complete and verified; on failure nothing is left at path.  An existing
 * file at path is refused with DOSSIER_ECONFLICT.
 */
DOSSIER_API int dossier_get_file(struct dossier *d, int64_t id, int version,
    const char *path);

/* Moves document id to the trash, recording the reason. */
DOSSIER_API int dossier_rm(struct dossier *d, int64_t id, const char *reason);

/* Takes document id back out of the trash. */
DOSSIER_API int dossier_restore(struct dossier *d, int64_t id);

/*
 * Destroys document id: every version's content and keys.  The catalog
 * keeps who purged what, when and why.
 */
DOSSIER_API int dossier_purge(struct dossier *d, int64_t id,
    const char *reason);

/* Flags of dossier_verify(). */
#define DOSSIER_VERIFY_NO_KEYS 0x1   /* structure and ciphertext hashes only */
#define DOSSIER_VERIFY_READ_DATA 0x2 /* decrypt and check every version */

/* Problem report of dossier_verify(), borrowed for the call. */
struct dossier_problem {
	const char *what;   /* "object", "document", "catalog", "temp" ... */
	int64_t id;	    /* document id or 0 */
	int version;	    /* or 0 */
	const char *detail; /* one line, not repeating id and version */
	int fatal;	    /* 0: a note (garbage removed), 1: damage */
};
typedef void (*dossier_problem_fn)(void *ctx, const struct dossier_problem *p);

/*
 * Checks the whole vault.  Without DOSSIER_VERIFY_NO_KEYS the handle must
 * be unlocked.  Returns DOSSIER_OK when nothing fatal was found, else
 * DOSSIER_ECORRUPT; each finding goes to cb (may be NULL).
 */
DOSSIER_API int dossier_verify(struct dossier *d, unsigned flags,
    dossier_problem_fn cb, void *ctx);

/* One search result, borrowed for the callback. */
struct dossier_hit {
	const struct dossier_doc *doc;
	double score;		/* higher is better */
	const char *snippet;	/* text around the first match */
	const size_t (*matches)[2]; /* [start, end) code points of snippet */
	size_t nmatches;
};

/*
 * Full-text search (docs/SEARCH.md) over every level the user holds the
 * newest key of, filtered by f (category, tag, level, type, since, until,
 * deleted; limit: at most that many hits, 0: 20).  Documents the user may
 * not read are not counted and never shown.  fn is called for each hit,
 * best first; *total (may be NULL) receives the number of matching
 * documents.  DOSSIER_EUSAGE for a query with nothing to search for.
 */
typedef int (*dossier_hit_fn)(void *ctx, const struct dossier_hit *h);
DOSSIER_API int dossier_search(struct dossier *d, const char *query,
    const struct dossier_filter *f, dossier_hit_fn fn, void *ctx,
    int64_t *total);

/*
 * People and permissions.
 *
 * Roles: "admin" (everything), "clerk" (read, file, edit, export),
 * "viewer" (read), "auditor" (audit), "backup" (backup).  Grants add
 * permissions to a user or a "@group" for one document or one category.
 * A restricted document ignores role defaults: only grants (and the admin
 * role) apply.  Clearance is enforced by keys: a user holds the level keys
 * of their clearance and below, and nothing else.
 */
#define DOSSIER_PERM_READ 0x01	 /* see metadata, list, show, history */
#define DOSSIER_PERM_FILE 0x02	 /* add */
#define DOSSIER_PERM_EDIT 0x04	 /* update, meta */
#define DOSSIER_PERM_DELETE 0x08 /* rm, restore */
#define DOSSIER_PERM_EXPORT 0x10 /* get: copy content out */
#define DOSSIER_PERM_AUDIT 0x20	 /* read and verify the audit log */
#define DOSSIER_PERM_BACKUP 0x40 /* make and verify backups */
#define DOSSIER_PERM_ADMIN 0x80	 /* users, grants, purge, rekey */
#define DOSSIER_PERM_ALL 0xff

/* "read" .. "admin" for one permission bit; "?" otherwise. */
DOSSIER_API const char *dossier_perm_name(unsigned perm);
/* Parses one permission name into its bit.  DOSSIER_EUSAGE if unknown. */
DOSSIER_API int dossier_perm_parse(const char *s, unsigned *perm);
/* The default permissions of a role; DOSSIER_EUSAGE for an unknown role. */
DOSSIER_API int dossier_role_perms(const char *role, unsigned *perms);

/* A user as the catalog certifies them. */
struct dossier_user_info {
	const char *name;
	const char *role;
	int clearance;
	const char *const *groups;
	size_t ngroups;
	int disabled;
	int must_change; /* still on the one-time passphrase */
	int64_t created;
	const char *certifier;
	unsigned perms; /* role defaults */
};

/* One grant row. */
struct dossier_grant_info {
	const char *principal; /* user name or "@group" */
	unsigned perms;
	int64_t doc;	       /* or 0 */
	const char *category;  /* or "" */
	const char *granted_by;
	int64_t granted;
};

/*
 * Adds user name with role, clearance and groups (admin only).  The new
 * user's keys are sealed to them and a one-time passphrase is generated
 * into onetime (at least 32 bytes): the user must change it before doing
 * anything else.
 */
DOSSIER_API int dossier_user_add(struct dossier *d, const char *name,
    const char *role, int clearance, const char *const *groups,
    size_t ngroups, char *onetime, size_t onetimesz);

/*
 * Changes the acting user's passphrase (name NULL or the acting user):
 * the secrets are re-wrapped under pass.  For another user (admin only) the
 * user gets new keys and a new one-time passphrase in onetime.
 */
DOSSIER_API int dossier_user_passwd(struct dossier *d, const char *name,
    const char *pass, size_t passlen, char *onetime, size_t onetimesz);

/* Disables a user (admin only) and rotates the level keys they held. */
DOSSIER_API int dossier_user_disable(struct dossier *d, const char *name);

/*
 * Sets a user's clearance (admin only).  Raising seals the extra level
 * keys to the user; lowering removes them and rotates those levels.
 */
DOSSIER_API int dossier_user_clearance(struct dossier *d, const char *name,
    int level);

/* Describes one user, or each user in name order (admin only). */
DOSSIER_API int dossier_user_show(struct dossier *d, const char *name,
    const struct dossier_user_info **u);
typedef int (*dossier_user_fn)(void *ctx, const struct dossier_user_info *u);
DOSSIER_API int dossier_user_each(struct dossier *d, dossier_user_fn fn,
    void *ctx);

/*
 * Grants (or revokes) perms to principal on document doc or on category
 * (exactly one of them; admin only).
 */
DOSSIER_API int dossier_grant(struct dossier *d, const char *principal,
    unsigned perms, int64_t doc, const char *category);
DOSSIER_API int dossier_revoke(struct dossier *d, const char *principal,
    unsigned perms, int64_t doc, const char *category);

/* Calls fn for each grant naming principal (NULL: all), admin only. */
typedef int (*dossier_grant_fn)(void *ctx,
    const struct dossier_grant_info *g);
DOSSIER_API int dossier_grant_each(struct dossier *d, const char *principal,
    dossier_grant_fn fn, void *ctx);

/* Marks document id restricted (on) or not (admin only). */
DOSSIER_API int dossier_restrict(struct dossier *d, int64_t id, int on);

/*
 * Re-wraps every document whose keys are older than its level's current
 * key version (after a rotation), so that old keys open nothing new.
 * *count (may be NULL) receives the number of documents moved.
 */
DOSSIER_API int dossier_rekey(struct dossier *d, int64_t *count);

/*
 * The audit log (docs/AUDIT.md).  Every operation appends one record
 * (several for a filing: one per file), hash-chained and signed by the
 * acting user; reading it needs the audit permission but no level key.
 */
struct dossier_audit_entry {
	int64_t seq;
	int64_t time;		/* unix seconds */
	const char *user;
	const char *action;	/* "add", "get", "search", "unlock", ... */
	int64_t doc;		/* 0: none */
	int version;		/* 0: none */
	int level;		/* -1: none */
	const char *outcome;	/* "allowed", "denied" or "failed" */
	const char *detail;	/* "key=value; ..." (decrypted), or "" */
	const char *title;	/* NULL unless the reader holds the level */
};

struct dossier_audit_filter {
	const char *user;	/* NULL: all */
	const char *action;	/* NULL: all */
	int64_t doc;		/* 0: all */
	const char *since;	/* YYYY-MM-DD (UTC), NULL: no bound */
	const char *until;	/* YYYY-MM-DD (UTC), inclusive */
	int denied;		/* only denied attempts */
};

DOSSIER_API void dossier_audit_filter_init(struct dossier_audit_filter *f);

/* Calls fn for each matching record, oldest first. */
typedef int (*dossier_audit_fn)(void *ctx,
    const struct dossier_audit_entry *e);
DOSSIER_API int dossier_audit_each(struct dossier *d,
    const struct dossier_audit_filter *f, dossier_audit_fn fn, void *ctx);

/*
 * Checks the whole log: sequence, hash chain, every signature against the
 * key certified for its user at that point, and every checkpoint of the
 * witness file (witness NULL: the vault's audit.witness, which must also
 * hold every checkpoint the log says was written).  fn (may be NULL) gets
 * each problem (id: the record's sequence number, or 0); returns
 * DOSSIER_OK or DOSSIER_ECORRUPT with the first problem as the message.
 * *records (may be NULL) receives the number of records checked.
 */
DOSSIER_API int dossier_audit_verify(struct dossier *d, const char *witness,
    dossier_problem_fn fn, void *ctx, int64_t *records);

/*
 * Writes documents ids[0..n) (their current versions, in plain text) to
 * file, a new .zip (zip set) or .tar, with a manifest.json of ids,
 * versions, titles, levels, member names and SHA-256s.  Needs read and
 * export on every document; all are checked before anything is written
 * (one refused: nothing exported).  Recorded with every document id.
 */
DOSSIER_API int dossier_export(struct dossier *d, const char *file,
    const int64_t *ids, size_t n, int zip);

/*
 * Backups (docs/BACKUP.md): one pax tar holding a signed manifest, the
 * vault's objects as they are (already encrypted), snapshots of the
 * catalog (encrypted) and keyring, and the audit witness.
 */
struct dossier_backup_info {
	char id[33];	    /* the backup's id, 32 hex digits */
	char base[33];	    /* the backup it builds on; "" when full */
	int incremental;
	int64_t objects;    /* object members in the archive */
	int64_t referenced; /* objects the catalog snapshot names */
	int64_t seq;	    /* audit records in the snapshot */
	uint64_t bytes;	    /* member bytes read or written */
	int64_t created;
	char created_by[65];
};

/*
 * Progress of long work (backups): done of total bytes, called now and
 * then (each MiB or so) and once at the end.  Set on a handle for the
 * operations it runs; NULL to stop.
 */
typedef void (*dossier_progress_fn)(void *ctx, uint64_t done, uint64_t total);
DOSSIER_API void dossier_set_progress(struct dossier *d, dossier_progress_fn fn,
    void *ctx);

/*
 * Writes a backup to file (which must not exist: DOSSIER_ECONFLICT), full
 * or, with since (an earlier backup of this vault), holding only the
 * objects since does not name.  Needs the backup permission (the backup
 * role or admin), no level key.  Recorded in the audit log.
 */
DOSSIER_API int dossier_backup_create(struct dossier *d, const char *file,
    const char *since, struct dossier_backup_info *info);
/* Reads a backup's signed manifest (no vault, no key needed). */
DOSSIER_API int dossier_backup_list(const char *file,
    struct dossier_backup_info *info, struct dossier **dp);
/*
 * Checks backups: with DOSSIER_VERIFY_NO_KEYS, each archive's signature
 * and every member against its manifest (any flipped byte, truncation,
 * missing, extra or swapped member: DOSSIER_ECORRUPT naming it);
 * otherwise the chain files[0..n) is restored beside the last archive,
 * unlocked as user and verified whole (every object the user's keys open
 * decrypted, the audit log against the backup's checkpoint), then
 * removed.  progress (may be NULL) follows the bytes of the archives
 * read.  *dp carries the message; close it.
 */
DOSSIER_API int dossier_backup_verify(const char *const *files, size_t n,
    unsigned flags, const char *user, const char *pass, size_t passlen,
    dossier_progress_fn progress, void *pctx,
    struct dossier_backup_info *info, struct dossier **dp);
/*
 * Restores the chain files[0..n) (a full backup and the incremental ones
 * on it, in any order) into a new vault at to, which must not exist.  The
 * vault is built beside to, checked as by dossier_backup_verify() as
 * user, and renamed into place only then.  On success *dp is that vault,
 * unlocked as user.
 */
DOSSIER_API int dossier_backup_restore(const char *const *files, size_t n,
    const char *to, const char *user, const char *pass, size_t passlen,
    dossier_progress_fn progress, void *pctx,
    struct dossier_backup_info *info, struct dossier **dp);

/* A month's accesses, for auditors (dossier_audit_report()). */
struct dossier_audit_count {
	const char *key;	/* a user, an action, a level name, or doc id */
	int64_t count;		/* records (for documents: distinct readers) */
	int64_t denied;
};

struct dossier_audit_report {
	char month[8];				/* YYYY-MM */
	int64_t records, denied;
	const struct dossier_audit_count *users, *actions, *levels;
	size_t nusers, nactions, nlevels;
	/* Documents read by more users than usual (see docs/AUDIT.md). */
	const struct dossier_audit_count *docs;
	size_t ndocs;
	double readers_mean, readers_limit;
	/* Denied attempts, newest last (at most 1,000). */
	const struct dossier_audit_entry *denials;
	size_t ndenials;
};

/* Builds the report of month (YYYY-MM); freed by dossier_audit_report_free(). */
DOSSIER_API int dossier_audit_report(struct dossier *d, const char *month,
    struct dossier_audit_report **out);
DOSSIER_API void dossier_audit_report_free(struct dossier_audit_report *r);

#ifdef __cplusplus
}
#endif

#endif /* DOSSIER_H */
