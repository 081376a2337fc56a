/*
 * vault_upgrade.c: "dossier upgrade", from vault format 1 (dossier.db in
 * plain SQLite, key slots and the sealed catalog key inside it) to format
 * 2 (dossier.db encrypted page by page under a key from the catalog key,
 * key slots in keyring.db).
 *
 * Crash safety comes from the order of the steps:
 *   1. the new catalog and keyring are built in upgrade/ (format 1 does
 *      not look there), checked by unlocking them as the upgrading
 *      administrator, and the upgrade is recorded in the new audit log;
 *   2. upgrade/keyring.db is renamed to keyring.db: a format-1 vault
 *      whose dossier.db is plain ignores it (vault_format());
 *   3. upgrade/dossier.db is renamed over dossier.db: from this rename on
 *      the vault is format 2, whatever VERSION says;
 *   4. VERSION is rewritten, upgrade/ removed.
 * A crash before 3 leaves the old vault (an upgrade run again removes the
 * leftovers and starts over); after 3, the new one (an upgrade run again
 * finishes 4).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vault_int.h"
#include "fsutil.h"

#define UPGRADE_DIR "upgrade"

struct v1_unlock {
	struct dossier *d;
	const char *user, *pass;
	size_t passlen;
	int found; /* 1: opened; 0: no such slot; <0: an error code */
};

/* Opens the upgrading user's format-1 slot and the catalog key. */
static int
v1_unlock_one(void *ctx, const struct catalog_v1_slot *s)
{
	struct v1_unlock *u = ctx;
	struct dossier *d = u->d;
	struct keys_label lb = { u->user, "catalog", 0, 1 };
	int rc;

	if (strcmp(s->user, u->user) != 0)
		return 0;
	rc = keys_slot_open(u->pass, u->passlen, d->vault_id, u->user,
	    &s->slot.kdf, s->slot.salt, s->slot.blob, d->secret);
	if (rc == DOSSIER_OK && !s->has_ck)
		rc = DOSSIER_EAUTH; /* disabled */
	/* Refused before anything changes (build() checks the certificate). */
	if (rc == DOSSIER_OK && strcmp(s->role, "admin") != 0)
		rc = err_set(&d->err, DOSSIER_EDENIED, "permission denied: "
		    "only an administrator can upgrade a vault");
	if (rc == DOSSIER_OK)
		rc = keys_unseal(d->vault_id, &lb, d->secret, s->slot.ck,
		    d->ck) == DOSSIER_OK ? DOSSIER_OK : DOSSIER_ECORRUPT;
	if (rc == DOSSIER_ECORRUPT)
		err_set(&d->err, rc, "the catalog key sealed to '%s' does not "
		    "open: it was altered", u->user);
	else if (rc == DOSSIER_EUSAGE)
		rc = err_set(&d->err, DOSSIER_ECORRUPT, "the key slot of user "
		    "'%s' has out-of-range parameters", u->user);
	u->found = rc == DOSSIER_OK ? 1 : rc;
	return 1;
}

/* Carries each format-1 slot into the new keyring, named in the catalog. */
static int
v1_carry_slot(void *ctx, const struct catalog_v1_slot *s)
{
	struct dossier *d = ctx;
	int rc;

	if (!s->has_ck)
		return 0; /* a disabled user: no catalog key, no slot */
	rc = catalog_slot_add(d->ring, s->user, &s->slot, &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_user_set_slot(d->cat, s->user, s->slot.salt,
		    s->one_time, &d->err);
	return rc;
}

static int
path_in(struct dossier *d, char *out, size_t outsz, const char *dir,
    const char *name)
{
	if (snprintf(out, outsz, "%s/%s", dir, name) >= (int)outsz)
		return err_set(&d->err, DOSSIER_EUSAGE, "path too long: '%s'",
		    dir);
	return DOSSIER_OK;
}

/* Removes keyring.db and its companions left by an interrupted upgrade. */
static void
remove_db(const char *path)
{
	char side[PATH_MAX + 8];

	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-journal", path);
	unlink(side);
}

/* Builds and checks the new catalog and keyring in updir. */
static int
build(struct dossier *d, struct catalog *old, const char *updir,
    const char *user)
{
	char path[PATH_MAX];
	struct buf b = BUF_INIT;
	struct err ignored;
	int rc;

	rc = vault_open_catalog(d, updir, 1);
	if (rc == DOSSIER_OK)
		rc = catalog_v1_copy(d->cat, old, &d->err);
	if (rc == DOSSIER_OK)
		rc = path_in(d, path, sizeof(path), updir, VAULT_KEYRING_FILE);
	if (rc == DOSSIER_OK)
		rc = catalog_ring_create(path, &d->ring, &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_kv_set(d->ring, "vault_id", d->vault_id,
		    sizeof(d->vault_id), &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_kv_set(d->ring, "root_key", d->root_pub,
		    sizeof(d->root_pub), &d->err);
	if (rc == DOSSIER_OK && catalog_kv_get(old, "audit_pub", &b,
	    &ignored) == DOSSIER_OK)
		rc = catalog_kv_set(d->ring, "audit_pub", b.data, b.len,
		    &d->err);
	buf_release(&b);
	if (rc == DOSSIER_OK)
		rc = vault_audit_publish(d);
	if (rc == DOSSIER_OK)
		rc = catalog_begin(d->cat, &d->err);
	if (rc == DOSSIER_OK) {
		rc = catalog_v1_slots_each(old, v1_carry_slot, d, &d->err);
		rc = rc == DOSSIER_OK ? catalog_commit(d->cat, &d->err) : rc;
		if (rc != DOSSIER_OK)
			catalog_rollback(d->cat);
	}
	/* The new vault must open for the upgrading user as it will. */
	if (rc == DOSSIER_OK)
		rc = catalog_user_get(d->cat, user, &d->user, &d->err);
	if (rc == DOSSIER_OK)
		rc = vault_load_keys(d);
	if (rc == DOSSIER_OK && strcmp(d->user.role, "admin") != 0)
		rc = err_set(&d->err, DOSSIER_EDENIED, "permission denied: "
		    "only an administrator can upgrade a vault");
	if (rc == DOSSIER_OK)
		rc = catalog_check(d->cat, &d->err);
	/* Recorded in the new log; its checkpoint follows the switch. */
	if (rc == DOSSIER_OK) {
		d->unlocked = 1;
		vault_op(d, "upgrade", 0);
		rc = vault_op_detail_int(d, "from", 1);
		if (rc == DOSSIER_OK)
			rc = vault_op_detail_int(d, "to", VAULT_FORMAT);
		if (rc == DOSSIER_OK)
			rc = catalog_begin(d->cat, &d->err);
		rc = vault_audit_commit(d, rc);
	}
	return rc;
}

/* Is there a -wal file left beside path?  (There must not be.) */
static int
wal_left(const char *path)
{
	char wal[PATH_MAX + 8];

	snprintf(wal, sizeof(wal), "%s-wal", path);
	return access(wal, F_OK) == 0;
}

/* Steps 2 to 4 (see the top of this file). */
static int
switch_over(struct dossier *d, const char *updir)
{
	char from[PATH_MAX], to[PATH_MAX];
	int rc;

	rc = path_in(d, from, sizeof(from), updir, VAULT_KEYRING_FILE);
	if (rc == DOSSIER_OK)
		rc = path_in(d, to, sizeof(to), d->root, VAULT_KEYRING_FILE);
	if (rc == DOSSIER_OK && (wal_left(from) || rename(from, to) != 0))
		rc = err_set(&d->err, DOSSIER_EIO, "cannot move '%s' into "
		    "place: %s", from, errno != 0 ? strerror(errno) :
		    "its WAL was not emptied");
	if (rc == DOSSIER_OK)
		rc = fs_sync_dir(d->root, &d->err);
	if (rc == DOSSIER_OK)
		rc = path_in(d, from, sizeof(from), updir, VAULT_CATALOG_FILE);
	if (rc == DOSSIER_OK)
		rc = path_in(d, to, sizeof(to), d->root, VAULT_CATALOG_FILE);
	if (rc == DOSSIER_OK && (wal_left(from) || wal_left(to)))
		rc = err_set(&d->err, DOSSIER_EIO, "cannot switch catalogs: a "
		    "WAL file was not emptied");
	if (rc == DOSSIER_OK && rename(from, to) != 0)
		rc = err_set(&d->err, DOSSIER_EIO, "cannot move '%s' into "
		    "place: %s", from, strerror(errno));
	if (rc == DOSSIER_OK)
		rc = fs_sync_dir(d->root, &d->err);
	return rc;
}

/* Step 4, also for a vault whose upgrade stopped after step 3. */
static int
finish(struct dossier *d, const char *updir)
{
	int rc;

	rc = vault_write_version(d, d->root);
	if (rc == DOSSIER_OK) {
		vault_remove_tree(updir);
		rc = fs_sync_dir(d->root, &d->err);
	}
	return rc;
}

int
dossier_upgrade(const char *path, const char *user, const char *pass,
    size_t passlen, int *from, struct dossier **dp)
{
	struct v1_unlock u = { NULL, user, pass, passlen, 0 };
	char updir[PATH_MAX], sub[PATH_MAX];
	struct catalog *old = NULL;
	struct buf b = BUF_INIT;
	struct err ignored;
	struct dossier *d;
	int rc, fmt = 0, recorded = 0;

	*from = 0;
	*dp = d = vault_handle_new();
	if (d == NULL)
		return DOSSIER_ENOMEM;
	u.d = d;
	rc = crypto_check_init();
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc,
		    "dossier_library_init() was not called");
	if (path == NULL || path[0] == '\0')
		return err_set(&d->err, DOSSIER_EUSAGE, "no vault path given");
	if (snprintf(d->root, sizeof(d->root), "%s", path) >=
	    (int)sizeof(d->root) - 32)
		return err_set(&d->err, DOSSIER_EUSAGE, "path too long: '%s'",
		    path);
	rc = vault_format(d, d->root, &fmt, &recorded);
	if (rc == DOSSIER_OK)
		rc = path_in(d, updir, sizeof(updir), d->root, UPGRADE_DIR);
	if (rc == DOSSIER_OK)
		rc = path_in(d, sub, sizeof(sub), d->root, VAULT_LOCK_FILE);
	if (rc != DOSSIER_OK)
		return rc;
	*from = recorded;
	if (recorded == VAULT_FORMAT) {
		/* Nothing to do: open it as any current vault. */
		rc = vault_open_parts(d);
		return rc == DOSSIER_OK ? dossier_unlock(d, user, pass,
		    passlen) : rc;
	}
	d->lockfd = open(sub, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (d->lockfd < 0)
		return err_set(&d->err, DOSSIER_EIO, "cannot open '%s': %s",
		    sub, strerror(errno));
	if (vault_lock_exclusive_try(d) != DOSSIER_OK)
		return err_set(&d->err, DOSSIER_EBUSY, "vault '%s' is busy: "
		    "another process is using it", d->root);
	if (fmt == VAULT_FORMAT) {
		/* Stopped after its switch: finish, then open as current. */
		rc = finish(d, updir);
		vault_unlock_files(d);
		close(d->lockfd);
		d->lockfd = -1;
		if (rc == DOSSIER_OK)
			rc = vault_open_parts(d);
		if (rc == DOSSIER_OK)
			rc = dossier_unlock(d, user, pass, passlen);
		return rc;
	}
	/* Format 1 (the only older one). */
	rc = path_in(d, sub, sizeof(sub), d->root, VAULT_CATALOG_FILE);
	if (rc == DOSSIER_OK)
		rc = catalog_v1_open(sub, &old, &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_kv_get(old, "vault_id", &b, &d->err);
	if (rc == DOSSIER_OK && b.len != sizeof(d->vault_id))
		rc = err_set(&d->err, DOSSIER_ECORRUPT, "catalog of '%s' has a "
		    "malformed vault id", d->root);
	if (rc == DOSSIER_OK) {
		memcpy(d->vault_id, b.data, sizeof(d->vault_id));
		rc = catalog_kv_get(old, "root_key", &b, &d->err);
	}
	if (rc == DOSSIER_OK && b.len != sizeof(d->root_pub))
		rc = err_set(&d->err, DOSSIER_ECORRUPT, "catalog of '%s' has a "
		    "malformed root key", d->root);
	if (rc == DOSSIER_OK)
		memcpy(d->root_pub, b.data, sizeof(d->root_pub));
	buf_release(&b);
	d->secret = crypto_secure_alloc(KEYS_USER_SECRET_LEN);
	d->ck = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (rc == DOSSIER_OK && (d->secret == NULL || d->ck == NULL))
		rc = err_nomem(&d->err);
	if (rc == DOSSIER_OK && vault_check_user_name(&ignored, user) ==
	    DOSSIER_OK)
		rc = catalog_v1_slots_each(old, v1_unlock_one, &u, &d->err);
	if (rc > 0)
		rc = DOSSIER_OK; /* the user's slot stopped the walk */
	if (rc == DOSSIER_OK && u.found <= 0) {
		rc = u.found < 0 ? u.found : DOSSIER_EAUTH;
		if (rc == DOSSIER_EAUTH) {
			err_set(&d->err, rc, "%s", AUTH_FAILED);
			/* The old catalog has the audit key's public half. */
			d->ring = old;
			vault_audit_failed_unlock(d, user);
			d->ring = NULL;
		}
	}
	if (rc == DOSSIER_OK)
		rc = catalog_v1_exclusive(old, &d->err);
	/* Leftovers of an upgrade that stopped before its switch. */
	if (rc == DOSSIER_OK) {
		vault_remove_tree(updir);
		rc = path_in(d, sub, sizeof(sub), d->root, VAULT_KEYRING_FILE);
	}
	if (rc == DOSSIER_OK) {
		remove_db(sub);
		rc = fs_mkdir(updir, &d->err);
	}
	if (rc == DOSSIER_OK)
		rc = path_in(d, sub, sizeof(sub), d->root, "index");
	if (rc == DOSSIER_OK)
		rc = fs_mkdir(sub, &d->err);
	/*
	 * objects/ and tmp/ may have been lost with the copy the vault came
	 * by (git, zip and some copiers keep no empty directory).
	 */
	if (rc == DOSSIER_OK)
		rc = store_create_dirs(d->root, &d->err);
	if (rc == DOSSIER_OK)
		rc = build(d, old, updir, user);
	/* Closed cleanly, each database is its one file (no WAL left). */
	catalog_close(d->cat);
	d->cat = NULL;
	catalog_close(d->ring);
	d->ring = NULL;
	if (rc == DOSSIER_OK)
		rc = fs_sync_dir(updir, &d->err);
	/*
	 * The old catalog stays open in its exclusive transaction (nobody
	 * can write to it) until it has been replaced.  Its rollback journal
	 * was never created: closing it touches no file by name.
	 */
	if (rc == DOSSIER_OK)
		rc = switch_over(d, updir);
	catalog_close(old);
	if (rc != DOSSIER_OK) {
		d->audit.action = NULL;
		vault_remove_tree(updir);
		vault_lock_keys(d);
		vault_unlock_files(d);
		return rc;
	}
	rc = finish(d, updir);
	vault_unlock_files(d);
	/* Open as any format-2 vault; the record's checkpoint goes out. */
	close(d->lockfd);
	d->lockfd = -1;
	if (rc == DOSSIER_OK)
		rc = vault_open_parts(d);
	if (rc == DOSSIER_OK)
		rc = vault_open_catalog(d, d->root, 0);
	/* Past the switch the vault is format 2, whatever fails now. */
	if (rc != DOSSIER_OK) {
		char why[ERR_MSG_MAX];

		snprintf(why, sizeof(why), "%s", d->err.msg);
		err_set(&d->err, rc, "vault '%s' upgraded, but %s (run "
		    "'dossier upgrade' again)", d->root, why);
	}
	return vault_done(d, rc);
}
