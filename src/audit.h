/*
 * audit.h: the tamper-evident audit log of docs/SECURITY.md ("Audit log"),
 * as pure format and verification logic: no SQL, no vault.
 *
 * Records form a hash chain: each record holds the hash of the one before
 * it (zeros for the first) and its own hash over a canonical encoding of
 * every field; the acting user signs the hash with Ed25519.  Checkpoints
 * (a sequence number and the head hash, signed) are appended to a witness
 * file kept outside the database, so that a rollback of the whole log can
 * be seen.
 *
 * The caller stores records, walks them in storage order and calls
 * audit_rec_check() on each with the hash of the record before it; it
 * checks that sequence numbers run 1, 2, 3, ..., decides which records may
 * be unsigned, and compares the head of the chain with the checkpoints.
 *
 * Functions return DOSSIER_OK or a negative code; those taking a struct
 * err * set a one-line message there.
 */
#ifndef DOSSIER_AUDIT_H
#define DOSSIER_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crypto.h"

struct err;

#define AUDIT_HASH_LEN CRYPTO_HASH_LEN		/* SHA-256 */
#define AUDIT_SIG_LEN CRYPTO_ED25519_SIG_LEN	/* Ed25519 */
#define AUDIT_USER_MAX 64			/* bytes of a user name */
#define AUDIT_ACTION_MAX 32			/* bytes of an action */
#define AUDIT_OUTCOME_MAX 8			/* bytes of an outcome */
#define AUDIT_DETAIL_MAX (1024u * 1024)		/* bytes of a detail */

/*
 * One record.  Strings are NUL-terminated within their arrays.  The
 * caller fills seq to detail, then audit_rec_seal() fills prev, hash and
 * sig (and signed_).
 *
 * Canonical encoding, hashed with SHA-256 into hash (u32 and u64 are
 * big-endian, lv(x) is u32 length | bytes of x):
 *	lv("dossier-audit-rec-v1") | u64 seq | u64 time | lv(user) |
 *	lv(action) | u64 doc | u32 version | i32 level | lv(outcome) |
 *	lv(detail) | prev (32 bytes) | u32 signed_ (0 or 1)
 * The signature is Ed25519 over "dossier-audit-v1" | hash (16 + 32 bytes).
 */
struct audit_rec {
	int64_t seq;			/* 1, 2, ... */
	int64_t time;			/* unix seconds */
	char user[AUDIT_USER_MAX + 1];	/* "": unknown user, failed unlock */
	char action[AUDIT_ACTION_MAX + 1];   /* "add", "get", "unlock", ... */
	int64_t doc;			/* 0: none */
	int version;			/* 0: none */
	int level;			/* -1: none */
	char outcome[AUDIT_OUTCOME_MAX + 1]; /* "allowed", "denied", "failed" */
	struct buf detail;		/* opaque bytes, sealed by the caller */
	unsigned char prev[AUDIT_HASH_LEN]; /* hash of record seq - 1 */
	unsigned char hash[AUDIT_HASH_LEN]; /* of the canonical encoding */
	int signed_;			/* 0: unsigned (a moved-in unlock) */
	unsigned char sig[AUDIT_SIG_LEN];
};

/* An empty record: zero fields, level -1, empty detail. */
void audit_rec_init(struct audit_rec *r);
/* Frees the detail; r is as after audit_rec_init(). */
void audit_rec_release(struct audit_rec *r);

/*
 * Chains r after the record whose hash is prev (all zeros for the first
 * record): sets r->prev, r->signed_ (1 when ed_secret is given, the
 * acting user's CRYPTO_ED25519_SEC_LEN-byte seed, else 0), r->hash and
 * r->sig (zeros when unsigned).  Returns DOSSIER_OK, DOSSIER_EUSAGE for a
 * malformed record (seq < 1, doc < 0, version < 0, level < -1, empty
 * action or outcome, a string not terminated within its array, a detail
 * over AUDIT_DETAIL_MAX), DOSSIER_ENOMEM, or a code of crypto.h.
 */
int audit_rec_seal(struct audit_rec *r,
    const unsigned char prev[AUDIT_HASH_LEN], const unsigned char *ed_secret);

/*
 * Checks one record read back from storage: its fields are well formed,
 * its hash recomputes, it follows the record whose hash is expected_prev
 * (all zeros for the first record), and, when pub (the certified Ed25519
 * public key of r->user) is given, it is signed and the signature holds.
 * Pass pub == NULL only for a record the caller accepts unsigned (a
 * failed unlock moved in from audit.pending); its signature, if any, is
 * then not checked.  Returns DOSSIER_OK or DOSSIER_ECORRUPT with one of
 *	record 12: malformed (...)
 *	record 12: changed
 *	record 12: out of order (does not follow record 11)
 *	record 12: not signed
 *	record 12: bad signature
 * (checked in that order), or DOSSIER_ENOMEM / a code of crypto.h.
 */
int audit_rec_check(const struct audit_rec *r,
    const unsigned char expected_prev[AUDIT_HASH_LEN],
    const unsigned char *pub, struct err *e);

/*
 * A checkpoint: the log had seq records (0: empty) and record seq had
 * hash (zeros for seq 0), as user signed it.  The signature is Ed25519
 * over
 *	"dossier-audit-ckpt-v1" | u64 seq | hash (32) | u32 len | user
 * The user name is 1 to AUDIT_USER_MAX bytes, none of them a space, a
 * control character or DEL (it is a field of a line of text).
 */
struct audit_ckpt {
	int64_t seq;
	unsigned char hash[AUDIT_HASH_LEN];
	char user[AUDIT_USER_MAX + 1];
	unsigned char sig[AUDIT_SIG_LEN];
};

/*
 * Signs c (seq, hash, user filled) with user's Ed25519 seed into c->sig.
 * DOSSIER_EUSAGE for seq < 0 or a bad user name.
 */
int audit_ckpt_sign(struct audit_ckpt *c, const unsigned char *ed_secret);

/*
 * Checks c's signature under pub (the certified key of c->user).
 * DOSSIER_ECORRUPT with "checkpoint 12: malformed (...)" or
 * "checkpoint 12: bad signature".
 */
int audit_ckpt_check(const struct audit_ckpt *c, const unsigned char *pub,
    struct err *e);

/*
 * Appends c as one line
 *	v1 SEQ HEXHASH USER HEXSIG\n
 * (decimal seq, lower-case hex) to the witness file at path, created with
 * mode 0600 if missing: write, fsync, and a sync of its directory when
 * the file was new or empty.  Appends take an fcntl() write lock on the
 * file; a torn last line (no '\n', left by a crash) is cut off first so
 * that the new line starts a line.  The signature is not checked here.
 * Returns DOSSIER_OK, DOSSIER_EUSAGE for a bad user name or seq < 0,
 * DOSSIER_ECORRUPT when the file ends in a line longer than any
 * checkpoint, or DOSSIER_EIO.
 */
int audit_witness_append(const char *path, const struct audit_ckpt *c,
    struct err *e);

/*
 * Called for each checkpoint of a witness file, borrowed for the call.
 * A nonzero return stops the walk, and audit_witness_each() returns it
 * (the callback keeps its own message, e.g. in ctx).
 */
typedef int (*audit_ckpt_fn)(void *ctx, const struct audit_ckpt *c);

/*
 * Reads every checkpoint of the witness file at path in order and calls
 * fn for each; signatures are not checked (see audit_ckpt_check()).  A
 * final line without '\n' (a torn write) is ignored.  Returns DOSSIER_OK,
 * DOSSIER_ENOTFOUND when the file does not exist, DOSSIER_ECORRUPT with
 * "witness 'PATH' line N: malformed checkpoint (...)" for a bad line,
 * DOSSIER_EIO, or fn's nonzero return.
 */
int audit_witness_each(const char *path, audit_ckpt_fn fn, void *ctx,
    struct err *e);

#endif
