/*
 * vault_audit.c: the audit log of the vault (docs/AUDIT.md).
 *
 * Every public operation names itself with vault_op() when it starts.  A
 * write appends its record with vault_audit_append() inside its own
 * transaction, just before the commit, so no record means no operation;
 * a read appends its record (vault_audit_own(), a transaction of its own)
 * before it hands out anything; vault_done() appends the record of an
 * operation that wrote none (a refusal, a failure), then appends a
 * checkpoint (sequence number and head hash, signed) to audit.witness.
 *
 * Records are audit.c's chain: each holds the hash of the one before and
 * is signed by the acting user's Ed25519 key.  The detail (a JSON object:
 * query text, reasons, file names...) is sealed under the catalog key.  A
 * failed unlock holds no key: it is sealed to the vault's audit public key
 * (X25519, from the catalog key) and appended to audit.pending; the next
 * unlocked command moves it into the chain, unsigned.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "fsutil.h"
#include "vault_int.h"

#define AUDIT_WITNESS_FILE "audit.witness"
#define AUDIT_PENDING_FILE "audit.pending"
#define PENDING_LINE_MAX 1024

void
vault_op(struct dossier *d, const char *action, int64_t doc)
{
	d->audit.action = action;
	d->audit.doc = doc;
	d->audit.version = 0;
	d->audit.level = -1;
	d->audit.written = 0;
	d->audit.batch = 0;
	d->audit.tail = 0;
	buf_reset(&d->audit.detail);
}

void
vault_op_target(struct dossier *d, int64_t doc, int version, int level)
{
	d->audit.doc = doc;
	d->audit.version = version;
	d->audit.level = level;
}

int
vault_op_detail(struct dossier *d, const char *key, const char *value)
{
	if (docmeta_detail_put(&d->audit.detail, key, value) != DOSSIER_OK)
		return err_nomem(&d->err);
	return DOSSIER_OK;
}

int
vault_op_detail_int(struct dossier *d, const char *key, int64_t value)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", (long long)value);
	return vault_op_detail(d, key, s);
}

static int
audit_path(const struct dossier *d, const char *name, char *out, size_t n)
{
	return snprintf(out, n, "%s/%s", d->root, name) < (int)n ? 0 : -1;
}

/* The number of checkpoints written to audit.witness so far. */
static int64_t
ckpt_count(struct dossier *d)
{
	struct buf b = BUF_INIT;
	struct err ignored;
	int64_t n = 0;

	if (catalog_kv_get(d->cat, "audit_ckpts", &b, &ignored) == DOSSIER_OK &&
	    b.len == 8)
		n = (int64_t)be64_get(b.data);
	buf_release(&b);
	return n;
}

/*
 * Appends one record to the log in the open transaction: the current
 * operation's target and detail, with outcome, by user (signed with
 * secret, or unsigned when NULL).
 */
static int
append(struct dossier *d, const char *user, const char *action,
    const char *outcome, const unsigned char *secret, int64_t when,
    const struct buf *detail)
{
	struct audit_rec r;
	struct buf json = BUF_INIT;
	unsigned char head[AUDIT_HASH_LEN];
	int64_t seq;
	int rc;

	audit_rec_init(&r);
	rc = catalog_audit_head(d->cat, &seq, head, &d->err);
	if (rc != DOSSIER_OK)
		goto out;
	r.seq = seq + 1;
	r.time = when;
	snprintf(r.user, sizeof(r.user), "%s", user);
	snprintf(r.action, sizeof(r.action), "%s", action);
	r.doc = d->audit.doc;
	r.version = d->audit.version;
	r.level = d->audit.level;
	snprintf(r.outcome, sizeof(r.outcome), "%s", outcome);
	/* How many checkpoints exist: stripping them shows later. */
	if (detail->len > 0 && buf_append(&json, detail->data, detail->len))
		rc = DOSSIER_ENOMEM;
	if (rc == DOSSIER_OK) {
		char n[32];

		snprintf(n, sizeof(n), "%lld", (long long)ckpt_count(d));
		rc = docmeta_detail_put(&json, "checkpoints", n);
	}
	if (rc == DOSSIER_OK)
		rc = vault_seal_text(d, "audit", r.seq, buf_str(&json),
		    &r.detail);
	if (rc == DOSSIER_OK)
		rc = audit_rec_seal(&r, head, secret);
	if (rc == DOSSIER_OK)
		rc = catalog_audit_insert(d->cat, &r, &d->err);
	if (rc == DOSSIER_OK)
		d->audit.checkpoint = 1;
out:
	if (rc != DOSSIER_OK && rc != DOSSIER_EBUSY) {
		char why[ERR_MSG_MAX];

		snprintf(why, sizeof(why), "%s", d->err.msg[0] != '\0' ?
		    d->err.msg : dossier_strerror(rc));
		/* Damage stays damage (exit 6); anything else is a failure. */
		rc = err_set(&d->err, rc == DOSSIER_ENOMEM ||
		    rc == DOSSIER_ECORRUPT ? rc : DOSSIER_EIO,
		    "cannot write the audit log: %s", why);
	}
	audit_rec_release(&r);
	buf_release(&json);
	return rc;
}

int
vault_audit_append(struct dossier *d, const char *outcome)
{
	int rc;

	if (d->audit.action == NULL)
		return DOSSIER_OK;
	/*
	 * In a batch only the last record is signed (an Ed25519 signature
	 * costs half a millisecond): vault_audit_sign_tail() before the
	 * commit.
	 */
	rc = append(d, d->user.name, d->audit.action, outcome,
	    d->audit.batch ? NULL : d->secret + CRYPTO_X25519_LEN, vault_now(),
	    &d->audit.detail);
	if (rc == DOSSIER_OK) {
		d->audit.written = 1;
		if (d->audit.batch) {
			unsigned char head[AUDIT_HASH_LEN];

			rc = catalog_audit_head(d->cat, &d->audit.tail, head,
			    &d->err);
		}
	}
	return rc;
}

int
vault_audit_commit(struct dossier *d, int rc)
{
	if (rc == DOSSIER_OK)
		rc = vault_audit_append(d, "allowed");
	if (rc == DOSSIER_OK)
		rc = catalog_commit(d->cat, &d->err); /* rolls back if it fails */
	else
		catalog_rollback(d->cat);
	/* Its record went with the transaction. */
	if (rc != DOSSIER_OK)
		d->audit.written = 0;
	return rc;
}

static int
take_one(void *ctx, const struct audit_rec *r)
{
	struct audit_rec *out = ctx;

	audit_rec_release(out);
	*out = *r;
	memset(&out->detail, 0, sizeof(out->detail));
	return buf_append(&out->detail, r->detail.data, r->detail.len) == 0 ?
	    1 : DOSSIER_ENOMEM;
}

int
vault_audit_sign_tail(struct dossier *d)
{
	struct audit_rec r;
	int rc;

	if (d->audit.tail == 0)
		return DOSSIER_OK;
	audit_rec_init(&r);
	rc = catalog_audit_each(d->cat, d->audit.tail, take_one, &r, &d->err);
	if (rc == 1 && r.seq == d->audit.tail)
		rc = audit_rec_seal(&r, r.prev, d->secret + CRYPTO_X25519_LEN);
	else if (rc == 1 || rc == DOSSIER_OK)
		rc = err_set(&d->err, DOSSIER_EINTERNAL, "audit record %lld "
		    "is gone", (long long)d->audit.tail);
	if (rc == DOSSIER_OK)
		rc = catalog_audit_resign(d->cat, &r, &d->err);
	if (rc != DOSSIER_OK && rc != DOSSIER_EBUSY)
		rc = err_set(&d->err, DOSSIER_EIO, "cannot write the audit "
		    "log: %s", dossier_strerror(rc));
	else
		d->audit.tail = 0;
	audit_rec_release(&r);
	return rc;
}

int
vault_audit_own(struct dossier *d, const char *outcome)
{
	int rc;

	rc = catalog_begin(d->cat, &d->err);
	if (rc != DOSSIER_OK)
		return rc;
	rc = vault_audit_append(d, outcome);
	if (rc == DOSSIER_OK)
		rc = catalog_commit(d->cat, &d->err);
	else
		catalog_rollback(d->cat);
	if (rc != DOSSIER_OK)
		d->audit.written = 0;
	return rc;
}

/* Appends a checkpoint of the head of the log to audit.witness. */
static int
checkpoint(struct dossier *d)
{
	struct audit_ckpt c;
	struct err e;
	unsigned char n[8];
	char path[PATH_MAX + 32];
	int rc;

	memset(&c, 0, sizeof(c));
	err_clear(&e);
	rc = catalog_audit_head(d->cat, &c.seq, c.hash, &e);
	snprintf(c.user, sizeof(c.user), "%s", d->user.name);
	if (rc == DOSSIER_OK)
		rc = audit_ckpt_sign(&c, d->secret + CRYPTO_X25519_LEN);
	if (rc == DOSSIER_OK && audit_path(d, AUDIT_WITNESS_FILE, path,
	    sizeof(path)) != 0)
		rc = err_set(&e, DOSSIER_EIO, "vault path too long");
	if (rc == DOSSIER_OK)
		rc = audit_witness_append(path, &c, &e);
	/* Counted once written: the next record says how many there are. */
	if (rc == DOSSIER_OK) {
		be64_put(n, (uint64_t)ckpt_count(d) + 1);
		rc = catalog_kv_set(d->cat, "audit_ckpts", n, sizeof(n), &e);
	}
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "done, but its audit checkpoint "
		    "could not be written: %s", e.msg);
	return DOSSIER_OK;
}

int
vault_audit_finish(struct dossier *d, int rc)
{
	const char *outcome;
	int denied = d->denial.pending, arc;

	/*
	 * No catalog to record into: an upgrade that failed after its
	 * switch closed the old one and could not open the new.  Its own
	 * record is in the new catalog; the next command checkpoints it.
	 */
	if (d->cat == NULL) {
		d->audit.checkpoint = 0;
		d->denial.pending = 0;
		goto out;
	}
	if (d->audit.action != NULL && d->unlocked && !d->audit.written) {
		outcome = denied ? "denied" : rc == DOSSIER_OK ? "allowed" :
		    "failed";
		if (denied) {
			d->audit.action = d->denial.action;
			if (d->denial.doc != 0)
				d->audit.doc = d->denial.doc;
			vault_op_detail(d, "permission",
			    dossier_perm_name(d->denial.perm));
		} else if (rc != DOSSIER_OK) {
			vault_op_detail(d, "error", d->err.msg);
		}
		/*
		 * A failed operation keeps its own message; a successful one
		 * that cannot be recorded did not happen: its error is that.
		 */
		{
			struct err saved = d->err;

			arc = vault_audit_own(d, outcome);
			if (arc == DOSSIER_OK || rc != DOSSIER_OK)
				d->err = saved;
			else
				rc = arc;
		}
	}
	d->denial.pending = 0;
	if (d->audit.checkpoint && d->unlocked) {
		struct err saved = d->err;

		d->audit.checkpoint = 0;
		arc = checkpoint(d);
		if (arc != DOSSIER_OK && rc == DOSSIER_OK)
			rc = arc;
		else
			d->err = saved;
	}
out:
	d->audit.action = NULL;
	d->audit.written = 0;
	d->audit.batch = 0;
	d->audit.tail = 0;
	buf_reset(&d->audit.detail);
	return rc;
}

/* The vault's X25519 key for audit.pending, from the catalog key. */
static int
pending_keys(struct dossier *d, unsigned char sec[CRYPTO_X25519_LEN],
    unsigned char pub[CRYPTO_X25519_LEN])
{
	int rc;

	rc = keys_derive(d->vault_id, d->ck, KEYS_AUDIT, sec);
	if (rc == DOSSIER_OK)
		rc = crypto_x25519_public(sec, pub);
	return rc;
}

int
vault_audit_publish(struct dossier *d)
{
	unsigned char *sec, pub[CRYPTO_X25519_LEN];
	struct buf b = BUF_INIT;
	struct err ignored;
	int rc;

	if (catalog_kv_get(d->ring, "audit_pub", &b, &ignored) == DOSSIER_OK &&
	    b.len == sizeof(pub)) {
		buf_release(&b);
		return DOSSIER_OK;
	}
	buf_release(&b);
	sec = crypto_secure_alloc(CRYPTO_X25519_LEN);
	if (sec == NULL)
		return err_nomem(&d->err);
	rc = pending_keys(d, sec, pub);
	crypto_secure_free(sec, CRYPTO_X25519_LEN);
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "cannot make the audit key");
	/* In the keyring: a failed unlock has no catalog to read it from. */
	return catalog_kv_set(d->ring, "audit_pub", pub, sizeof(pub), &d->err);
}

void
vault_audit_failed_unlock(struct dossier *d, const char *user)
{
	struct keys_label lb = { "", "audit-pending", -1, 0 };
	unsigned char blob[KEYS_SEALED_LEN], *key = NULL;
	struct buf pub = BUF_INIT, data = BUF_INIT, line = BUF_INIT;
	struct err ignored;
	char path[PATH_MAX + 32], text[128], *hex = NULL;
	int fd = -1;

	if (catalog_kv_get(d->ring, "audit_pub", &pub, &ignored) !=
	    DOSSIER_OK || pub.len != CRYPTO_X25519_LEN)
		goto out;
	key = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (key == NULL || crypto_random(key, CRYPTO_KEY_LEN) != DOSSIER_OK)
		goto out;
	snprintf(text, sizeof(text), "%lld\t%.64s", (long long)vault_now(),
	    user != NULL ? user : "");
	if (keys_seal_to(d->vault_id, &lb, pub.data, key, blob) != DOSSIER_OK ||
	    keys_seal_data(key, "dossier-audit-pending-v1", 24, text,
	    strlen(text), &data) != DOSSIER_OK)
		goto out;
	hex = malloc(2 * (sizeof(blob) + data.len) + 1);
	if (hex == NULL)
		goto out;
	hex_encode(blob, sizeof(blob), hex);
	if (buf_puts(&line, "v1 ") != 0 || buf_puts(&line, hex) != 0 ||
	    buf_putc(&line, ' ') != 0)
		goto out;
	hex_encode(data.data, data.len, hex);
	if (buf_puts(&line, hex) != 0 || buf_putc(&line, '\n') != 0 ||
	    audit_path(d, AUDIT_PENDING_FILE, path, sizeof(path)) != 0)
		goto out;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && fs_write_all(fd, line.data, line.len, path,
	    &ignored) == DOSSIER_OK)
		(void)fsync(fd);
out:
	if (fd >= 0)
		close(fd);
	crypto_secure_free(key, CRYPTO_KEY_LEN);
	free(hex);
	buf_release(&pub);
	buf_release(&data);
	buf_release(&line);
}

/* One line of audit.pending opened: when and which user name was tried. */
static int
open_pending(struct dossier *d, const unsigned char *sec, const char *line,
    int64_t *when, char *user, size_t usersz)
{
	struct keys_label lb = { "", "audit-pending", -1, 0 };
	unsigned char blob[KEYS_SEALED_LEN], raw[PENDING_LINE_MAX / 2], *key;
	char hexblob[2 * KEYS_SEALED_LEN + 1];
	struct buf data = BUF_INIT, plain = BUF_INIT;
	const char *sp;
	char *tab;
	size_t n;
	int rc = DOSSIER_ECORRUPT;

	if (strncmp(line, "v1 ", 3) != 0)
		return rc;
	line += 3;
	sp = strchr(line, ' ');
	if (sp == NULL || (size_t)(sp - line) != 2 * sizeof(blob))
		return rc;
	memcpy(hexblob, line, 2 * sizeof(blob));
	hexblob[2 * sizeof(blob)] = '\0';
	if (hex_decode(hexblob, blob, sizeof(blob)) != 0)
		return rc;
	line = sp + 1;
	n = strlen(line);
	if (n % 2 != 0 || n / 2 > sizeof(raw) || hex_decode(line, raw,
	    n / 2) != 0 || buf_append(&data, raw, n / 2) != 0) {
		buf_release(&data);
		return rc;
	}
	key = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (key != NULL &&
	    keys_unseal(d->vault_id, &lb, sec, blob, key) == DOSSIER_OK &&
	    keys_open_data(key, "dossier-audit-pending-v1", 24, data.data,
	    data.len, &plain) == DOSSIER_OK &&
	    (tab = strchr(buf_str(&plain), '\t')) != NULL) {
		*tab = '\0';
		*when = strtoll(buf_str(&plain), NULL, 10);
		snprintf(user, usersz, "%s", tab + 1);
		rc = DOSSIER_OK;
	}
	crypto_secure_free(key, CRYPTO_KEY_LEN);
	buf_release(&data);
	if (plain.data != NULL)
		mem_wipe(plain.data, plain.len);
	buf_release(&plain);
	return rc;
}

int
vault_audit_take_pending(struct dossier *d)
{
	unsigned char *sec = NULL, pub[CRYPTO_X25519_LEN], off[8];
	struct buf b = BUF_INIT, detail = BUF_INIT;
	struct err ignored;
	char path[PATH_MAX + 32], line[PENDING_LINE_MAX], user[72];
	int64_t from = 0, pos, when;
	struct stat st;
	FILE *f = NULL;
	int rc = DOSSIER_OK, moved = 0;

	if (audit_path(d, AUDIT_PENDING_FILE, path, sizeof(path)) != 0 ||
	    stat(path, &st) != 0)
		return DOSSIER_OK;
	if (catalog_kv_get(d->cat, "audit_pending", &b, &ignored) ==
	    DOSSIER_OK && b.len == 8)
		from = (int64_t)be64_get(b.data);
	buf_release(&b);
	if (from >= st.st_size)
		return DOSSIER_OK;
	f = fopen(path, "re");
	sec = crypto_secure_alloc(CRYPTO_X25519_LEN);
	if (f == NULL || sec == NULL || fseeko(f, (off_t)from, SEEK_SET) != 0 ||
	    pending_keys(d, sec, pub) != DOSSIER_OK) {
		rc = err_set(&d->err, DOSSIER_EIO, "cannot read '%s'", path);
		goto out;
	}
	rc = catalog_begin(d->cat, &d->err);
	if (rc != DOSSIER_OK)
		goto out;
	pos = from;
	while (rc == DOSSIER_OK && fgets(line, sizeof(line), f) != NULL) {
		size_t n = strlen(line);

		if (n == 0 || line[n - 1] != '\n')
			break; /* torn by a crash: taken next time, if ever */
		pos += (int64_t)n;
		line[n - 1] = '\0';
		vault_op(d, "unlock", 0);
		buf_reset(&detail);
		if (open_pending(d, sec, line, &when, user, sizeof(user)) !=
		    DOSSIER_OK) {
			when = vault_now();
			snprintf(user, sizeof(user), "?");
			rc = docmeta_detail_put(&detail, "error",
			    "unreadable line in audit.pending");
		} else {
			rc = docmeta_detail_put(&detail, "user tried", user);
		}
		if (rc == DOSSIER_OK)
			rc = append(d, user, "unlock", "failed", NULL, when,
			    &detail);
		moved++;
	}
	if (rc == DOSSIER_OK && moved > 0) {
		be64_put(off, (uint64_t)pos);
		rc = catalog_kv_set(d->cat, "audit_pending", off, sizeof(off),
		    &d->err);
	}
	if (rc == DOSSIER_OK)
		rc = catalog_commit(d->cat, &d->err);
	else
		catalog_rollback(d->cat);
	d->audit.action = NULL;
out:
	if (f != NULL)
		fclose(f);
	crypto_secure_free(sec, CRYPTO_X25519_LEN);
	buf_release(&detail);
	return rc;
}
