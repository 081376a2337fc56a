/*
 * backup.h: the format of backup archives (docs/BACKUP.md), as pure code:
 * the manifest as JSON bytes and back, the signed message, and which
 * member names an archive may hold.  No I/O: vault_backup.c writes and
 * reads the archives.
 *
 * An archive is a pax tar of, in this order: the manifest, its
 * signature, the keyring and catalog snapshots, the audit witness, then
 * objects.  The manifest names every other member with its size and
 * SHA-256; it is signed (Ed25519) by the user who made the backup.
 */
#ifndef DOSSIER_BACKUP_H
#define DOSSIER_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crypto.h"
#include "keys.h"
#include "store.h"

struct err;

#define BACKUP_FORMAT 1
#define BACKUP_MANIFEST "dossier-backup.json"
#define BACKUP_SIG "dossier-backup.sig"
#define BACKUP_CATALOG "catalog.db"
#define BACKUP_KEYRING "keyring.db"
#define BACKUP_WITNESS "audit.witness"
#define BACKUP_OBJECT_PREFIX "objects/"
#define BACKUP_ID_LEN 16 /* random bytes; 32 hex digits */
#define BACKUP_MANIFEST_MAX (64u * 1024 * 1024)
#define BACKUP_NAME_MAX 80

enum backup_kind {
	BACKUP_M_BAD = -1,
	BACKUP_M_MANIFEST,
	BACKUP_M_SIG,
	BACKUP_M_CATALOG,
	BACKUP_M_KEYRING,
	BACKUP_M_WITNESS,
	BACKUP_M_OBJECT
};

struct backup_member {
	char name[BACKUP_NAME_MAX];
	uint64_t size;
	unsigned char sha256[CRYPTO_HASH_LEN];
};

struct backup_manifest {
	int format;
	char id[2 * BACKUP_ID_LEN + 1];
	char base[2 * BACKUP_ID_LEN + 1]; /* "" for a full backup */
	unsigned char vault_id[KEYS_VAULT_ID_LEN];
	unsigned char root_key[CRYPTO_ED25519_PUB_LEN];
	int vault_format;
	int64_t created;
	char created_by[65];
	unsigned char signer[CRYPTO_ED25519_PUB_LEN];
	int64_t ckpt_seq; /* the audit log's head in the catalog snapshot */
	unsigned char ckpt_hash[CRYPTO_HASH_LEN];
	struct backup_member *members; /* every member but the two first */
	size_t nmembers;
	/* Every object the catalog snapshot names (in this or an earlier
	 * archive of the chain), as 64 hex digits. */
	char (*referenced)[STORE_NAME_LEN + 1];
	size_t nreferenced;
};

/* Encodes m (members and referenced included) as canonical JSON. */
int backup_manifest_encode(const struct backup_manifest *m, struct buf *out);
/* Parses and checks a manifest; DOSSIER_ECORRUPT with a message. */
int backup_manifest_decode(const void *p, size_t n, struct backup_manifest *m,
    struct err *e);
void backup_manifest_release(struct backup_manifest *m);
/* Appends to m's arrays; -1 out of memory. */
int backup_manifest_add_member(struct backup_manifest *m, const char *name,
    uint64_t size, const unsigned char sha256[CRYPTO_HASH_LEN]);
int backup_manifest_add_ref(struct backup_manifest *m, const char *object);

/* The message the signature covers: domain | manifest bytes. */
int backup_sig_message(const void *manifest, size_t n, struct buf *msg);

/* One document of an export archive (dossier export). */
struct backup_export_item {
	int64_t id;
	int version;
	const char *title, *level, *file; /* file: its member name */
	uint64_t size;
	char sha256[2 * CRYPTO_HASH_LEN + 1];
};
/* The export's manifest.json: exporter, time, and every document. */
int backup_export_manifest(const char *user, int64_t when,
    const struct backup_export_item *v, size_t n, struct buf *out);

/*
 * An object member's name ("objects/ab/cdef...") as the object's name
 * (64 hex digits) in flat: 0, or -1 when name is no object member.
 */
int backup_member_object(const char *name, char flat[STORE_NAME_LEN + 1]);

/* What a member name is; BACKUP_M_BAD for anything not allowed. */
enum backup_kind backup_member_kind(const char *name);

#endif
