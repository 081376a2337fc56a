/*
 * vault_restore.c: backup archives (docs/BACKUP.md): listing one,
 * verifying a chain (with or without keys) and restoring it into a new
 * vault, which is built beside its target and renamed into place only
 * once checked whole.  Reading an archive: vault_backup.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vault_int.h"
#include "backup.h"
#include "fsutil.h"
#include "vault_backup.h"

static void
fill_info(const struct backup_manifest *m, uint64_t bytes,
    struct dossier_backup_info *info)
{
	size_t i;

	memset(info, 0, sizeof(*info));
	snprintf(info->id, sizeof(info->id), "%s", m->id);
	snprintf(info->base, sizeof(info->base), "%s", m->base);
	info->incremental = m->base[0] != '\0';
	info->referenced = (int64_t)m->nreferenced;
	info->seq = m->ckpt_seq;
	info->created = m->created;
	snprintf(info->created_by, sizeof(info->created_by), "%s",
	    m->created_by);
	for (i = 0; i < m->nmembers; i++)
		if (backup_member_kind(m->members[i].name) == BACKUP_M_OBJECT)
			info->objects++;
	info->bytes = bytes;
}

static struct dossier *
new_handle(int *rc)
{
	struct dossier *d = vault_handle_new();

	*rc = d == NULL ? DOSSIER_ENOMEM : crypto_check_init();
	if (d != NULL && *rc != DOSSIER_OK)
		*rc = err_set(&d->err, *rc,
		    "dossier_library_init() was not called");
	return d;
}

int
dossier_backup_list(const char *file, struct dossier_backup_info *info,
    struct dossier **dp)
{
	struct backup_reader r;
	struct dossier *d;
	int rc;

	memset(info, 0, sizeof(*info));
	*dp = d = new_handle(&rc);
	if (rc != DOSSIER_OK)
		return rc;
	rc = backup_read_archive(d, file, &r, 1, NULL, 0);
	if (rc == DOSSIER_OK) {
		fill_info(&r.m, 0, info);
		backup_manifest_release(&r.m);
	}
	return rc;
}

/*
 * Orders a chain of manifests: the full one first, then each whose base
 * is the one before.  order[i] indexes ms.
 */
static int
chain_order(struct dossier *d, struct backup_manifest *ms, size_t n,
    const char *const *files, size_t *order)
{
	size_t i, j, k;

	for (i = 0; i < n; i++)
		if (!crypto_equal(ms[i].vault_id, ms[0].vault_id,
		    sizeof(ms[0].vault_id)))
			return err_set(&d->err, DOSSIER_EUSAGE, "'%s' and '%s' "
			    "are backups of different vaults", files[0],
			    files[i]);
	for (k = 0; k < n; k++) {
		for (i = 0; i < n; i++) {
			int placed = 0;

			for (j = 0; j < k; j++)
				placed |= order[j] == i;
			if (placed)
				continue;
			if (k == 0 ? ms[i].base[0] == '\0' :
			    strcmp(ms[i].base, ms[order[k - 1]].id) == 0)
				break;
		}
		if (i == n)
			return err_set(&d->err, DOSSIER_EUSAGE, k == 0 ?
			    "no full backup among those given" :
			    "the backups given are not one chain: an "
			    "incremental backup's base is missing");
		order[k] = i;
	}
	return DOSSIER_OK;
}

/*
 * A restore (or a verify with keys) builds its vault in a directory
 * beside its target, PATH.restore-XXXXXXXXXXXX, and holds an flock on
 * that directory from just after creating it until it is renamed into
 * place or removed.  A directory of that name nobody holds was left by a
 * restore that was killed: it is removed here, before the next restore
 * to the same PATH builds.  (One that is created but not yet locked is
 * a few instructions old: removing it makes that restore fail cleanly.)
 */
static void
remove_stale_builds(const char *path)
{
	char dir[PATH_MAX], full[PATH_MAX], prefix[NAME_MAX + 16];
	const char *base;
	struct dirent *de;
	size_t n, plen;
	DIR *dd;
	int fd;

	n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n >= sizeof(full))
		return;
	memcpy(full, path, n);
	full[n] = '\0';
	backup_dir_of(full, dir, sizeof(dir));
	base = strrchr(full, '/');
	base = base != NULL ? base + 1 : full;
	if (snprintf(prefix, sizeof(prefix), "%s.restore-", base) >=
	    (int)sizeof(prefix))
		return;
	plen = strlen(prefix);
	dd = opendir(dir);
	if (dd == NULL)
		return;
	while ((de = readdir(dd)) != NULL) {
		if (strncmp(de->d_name, prefix, plen) != 0 ||
		    strlen(de->d_name) != plen + 12 ||
		    strspn(de->d_name + plen, "0123456789abcdef") != 12)
			continue;
		if (snprintf(full, sizeof(full), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(full))
			continue;
		fd = open(full, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			vault_remove_tree(full);
		close(fd);
	}
	closedir(dd);
}

/* Creates the build directory and takes its lock (*lockfd, to close). */
static int
make_build_dir(struct dossier *d, const char *dir, int *lockfd)
{
	*lockfd = -1;
	if (mkdir(dir, 0700) != 0)
		return err_set(&d->err, DOSSIER_EIO, "cannot create '%s': %s",
		    dir, strerror(errno));
	*lockfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*lockfd < 0 || flock(*lockfd, LOCK_EX | LOCK_NB) != 0)
		return err_set(&d->err, DOSSIER_EIO, "cannot lock '%s': %s",
		    dir, strerror(errno));
	return DOSSIER_OK;
}

static void archives_size(struct dossier *d, const char *const *files,
    size_t n);

/*
 * Builds a vault in dir (which must not exist) from the chain of archives
 * files, every member checked on the way; then opens it as user and
 * checks it whole: unlock, every object and metadata the user's keys
 * open, the audit log against the backup's checkpoint.  d is the handle
 * to use (its root becomes dir).  *lockfd holds dir's lock (see
 * remove_stale_builds()) until the caller closes it, or is -1.
 */
static int
restore_into(struct dossier *d, const char *const *files, size_t n,
    const char *dir, const char *user, const char *pass, size_t passlen,
    struct dossier_backup_info *info, int *lockfd)
{
	struct backup_manifest *ms;
	struct backup_reader r;
	size_t *order, i;
	char path[PATH_MAX];
	unsigned char head[CRYPTO_HASH_LEN];
	int64_t seq, records;
	uint64_t bytes = 0;
	struct stat st;
	int rc = DOSSIER_OK;

	ms = calloc(n, sizeof(*ms));
	order = calloc(n, sizeof(*order));
	if (ms == NULL || order == NULL) {
		free(ms);
		free(order);
		return err_nomem(&d->err);
	}
	for (i = 0; rc == DOSSIER_OK && i < n; i++) {
		rc = backup_read_archive(d, files[i], &r, 1, NULL, 0);
		if (rc == DOSSIER_OK)
			ms[i] = r.m;
	}
	if (rc == DOSSIER_OK)
		rc = chain_order(d, ms, n, files, order);
	archives_size(d, files, n);
	if (rc == DOSSIER_OK)
		rc = make_build_dir(d, dir, lockfd);
	if (rc == DOSSIER_OK)
		rc = store_create_dirs(dir, &d->err);
	if (rc == DOSSIER_OK) {
		snprintf(path, sizeof(path), "%s/index", dir);
		rc = fs_mkdir(path, &d->err);
	}
	if (rc == DOSSIER_OK)
		rc = vault_write_version(d, dir);
	/* Every archive's objects; the snapshots of the newest only. */
	for (i = 0; rc == DOSSIER_OK && i < n; i++) {
		rc = backup_read_archive(d, files[order[i]], &r, 0, dir, i == n - 1);
		if (rc == DOSSIER_OK) {
			bytes += r.bytes;
			backup_manifest_release(&r.m);
		}
	}
	for (i = 0; rc == DOSSIER_OK && i < ms[order[n - 1]].nreferenced;
	    i++) {
		backup_object_path(dir, ms[order[n - 1]].referenced[i], path,
		    sizeof(path));
		if (stat(path, &st) != 0)
			rc = err_set(&d->err, DOSSIER_ECORRUPT, "object %.16s "
			    "is in none of the backups given", ms[order[n -
			    1]].referenced[i]);
	}
	if (rc == DOSSIER_OK)
		rc = fs_sync_dir(dir, &d->err);
	vault_progress(d, 0, 1);
	if (rc == DOSSIER_OK) {
		fill_info(&ms[order[n - 1]], bytes, info);
		snprintf(d->root, sizeof(d->root), "%s", dir);
		rc = vault_open_parts(d);
	}
	if (rc == DOSSIER_OK)
		rc = dossier_unlock(d, user, pass, passlen);
	/* The vault of the manifest, its root key, its audit head. */
	if (rc == DOSSIER_OK && (!crypto_equal(d->vault_id,
	    ms[order[n - 1]].vault_id, sizeof(d->vault_id)) ||
	    !crypto_equal(d->root_pub, ms[order[n - 1]].root_key,
	    sizeof(d->root_pub))))
		rc = err_set(&d->err, DOSSIER_ECORRUPT, "the snapshots of "
		    "'%s' are not of the vault its manifest names",
		    files[order[n - 1]]);
	if (rc == DOSSIER_OK)
		rc = catalog_audit_head(d->cat, &seq, head, &d->err);
	if (rc == DOSSIER_OK && (seq != ms[order[n - 1]].ckpt_seq ||
	    !crypto_equal(head, ms[order[n - 1]].ckpt_hash, sizeof(head))))
		rc = err_set(&d->err, DOSSIER_ECORRUPT, "the audit log in '%s' "
		    "is not the one its manifest checkpointed",
		    files[order[n - 1]]);
	if (rc == DOSSIER_OK && !(vault_perms(d, 0, NULL) &
	    (DOSSIER_PERM_ADMIN | DOSSIER_PERM_BACKUP)))
		rc = err_set(&d->err, DOSSIER_EDENIED, "permission denied: "
		    "user '%s' lacks 'backup'", d->user.name);
	if (rc == DOSSIER_OK)
		rc = dossier_verify(d, DOSSIER_VERIFY_READ_DATA, NULL, NULL);
	if (rc == DOSSIER_OK)
		rc = vault_audit_check(d, NULL, NULL, NULL, &records);
	for (i = 0; i < n; i++)
		backup_manifest_release(&ms[i]);
	free(ms);
	free(order);
	return rc;
}

/* Progress over the archives' bytes: their sizes as the total. */
static void
archives_size(struct dossier *d, const char *const *files, size_t n)
{
	struct stat st;
	size_t i;

	d->progress.done = d->progress.shown = d->progress.total = 0;
	for (i = 0; i < n; i++)
		if (stat(files[i], &st) == 0)
			d->progress.total += (uint64_t)st.st_size;
}

/* A sibling of path that does not exist yet, for building into. */
static int
build_path(struct dossier *d, const char *path, char *out, size_t outsz)
{
	unsigned char rnd[6];
	char hex[13];
	size_t n;

	if (crypto_random(rnd, sizeof(rnd)) != DOSSIER_OK)
		return err_set(&d->err, DOSSIER_EINTERNAL, "no random bytes");
	hex_encode(rnd, sizeof(rnd), hex);
	n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (snprintf(out, outsz, "%.*s.restore-%s", (int)n, path, hex) >=
	    (int)outsz - 64)
		return err_set(&d->err, DOSSIER_EUSAGE, "path too long: '%s'",
		    path);
	return DOSSIER_OK;
}

int
dossier_backup_verify(const char *const *files, size_t n, unsigned flags,
    const char *user, const char *pass, size_t passlen,
    dossier_progress_fn progress, void *pctx,
    struct dossier_backup_info *info, struct dossier **dp)
{
	struct backup_reader r;
	struct dossier *d;
	char dir[PATH_MAX], base[PATH_MAX], build[PATH_MAX];
	size_t i;
	int rc, lockfd = -1;

	memset(info, 0, sizeof(*info));
	*dp = d = new_handle(&rc);
	if (rc != DOSSIER_OK)
		return rc;
	if (n == 0)
		return err_set(&d->err, DOSSIER_EUSAGE, "no backup given");
	dossier_set_progress(d, progress, pctx);
	if (flags & DOSSIER_VERIFY_NO_KEYS) {
		/* Signature and every member's hash, nothing decrypted. */
		archives_size(d, files, n);
		for (i = 0; rc == DOSSIER_OK && i < n; i++) {
			rc = backup_read_archive(d, files[i], &r, 0, NULL, 0);
			if (rc == DOSSIER_OK) {
				fill_info(&r.m, r.bytes, info);
				backup_manifest_release(&r.m);
			}
		}
		vault_progress(d, 0, 1);
		return rc;
	}
	/* With keys: restored beside the (last) backup, checked, removed. */
	backup_dir_of(files[n - 1], dir, sizeof(dir));
	if (snprintf(base, sizeof(base), "%s/.dossier-verify", dir) >=
	    (int)sizeof(base))
		return err_set(&d->err, DOSSIER_EUSAGE, "path too long");
	remove_stale_builds(base);
	rc = build_path(d, base, build, sizeof(build));
	if (rc == DOSSIER_OK)
		rc = restore_into(d, files, n, build, user, pass, passlen, info,
		    &lockfd);
	vault_lock_keys(d);
	vault_remove_tree(build);
	if (lockfd >= 0)
		close(lockfd);
	return rc;
}

int
dossier_backup_restore(const char *const *files, size_t n, const char *to,
    const char *user, const char *pass, size_t passlen,
    dossier_progress_fn progress, void *pctx,
    struct dossier_backup_info *info, struct dossier **dp)
{
	struct dossier *d;
	char build[PATH_MAX], parent[PATH_MAX];
	struct stat st;
	int rc, lockfd = -1;

	memset(info, 0, sizeof(*info));
	*dp = d = new_handle(&rc);
	if (rc != DOSSIER_OK)
		return rc;
	if (n == 0)
		return err_set(&d->err, DOSSIER_EUSAGE, "no backup given");
	if (to == NULL || to[0] == '\0')
		return err_set(&d->err, DOSSIER_EUSAGE, "no --to path given");
	dossier_set_progress(d, progress, pctx);
	if (lstat(to, &st) == 0)
		return err_set(&d->err, DOSSIER_ECONFLICT, "cannot restore into "
		    "'%s': it exists", to);
	backup_dir_of(to, parent, sizeof(parent));
	remove_stale_builds(to);
	rc = build_path(d, to, build, sizeof(build));
	if (rc == DOSSIER_OK)
		rc = restore_into(d, files, n, build, user, pass, passlen, info,
		    &lockfd);
	/* Recorded in the restored vault's own log. */
	if (rc == DOSSIER_OK) {
		vault_op(d, "backup restore", 0);
		rc = vault_op_detail(d, "id", info->id);
		if (rc == DOSSIER_OK)
			rc = vault_op_detail_int(d, "archives", (int64_t)n);
		if (rc == DOSSIER_OK)
			rc = vault_audit_own(d, "allowed");
		rc = vault_done(d, rc);
	}
	vault_lock_keys(d);
	catalog_close(d->ring);
	d->ring = NULL;
	store_free(d->store);
	d->store = NULL;
	if (d->lockfd >= 0)
		close(d->lockfd);
	d->lockfd = -1;
	/* Visible only now, whole and checked; never over anything. */
	if (rc == DOSSIER_OK && lstat(to, &st) == 0)
		rc = err_set(&d->err, DOSSIER_ECONFLICT, "cannot restore into "
		    "'%s': it exists", to);
	if (rc == DOSSIER_OK && rename(build, to) != 0)
		rc = err_set(&d->err, DOSSIER_EIO, "cannot restore into '%s': "
		    "%s", to, strerror(errno));
	if (rc != DOSSIER_OK)
		vault_remove_tree(build);
	if (lockfd >= 0)
		close(lockfd);
	if (rc != DOSSIER_OK)
		return rc;
	/* In place, whole and checked: what fails now says so. */
	rc = fs_sync_dir(parent, &d->err);
	snprintf(d->root, sizeof(d->root), "%s", to);
	if (rc == DOSSIER_OK)
		rc = vault_open_parts(d);
	if (rc == DOSSIER_OK)
		rc = dossier_unlock(d, user, pass, passlen);
	if (rc != DOSSIER_OK) {
		char why[ERR_MSG_MAX];

		snprintf(why, sizeof(why), "%s", d->err.msg);
		err_set(&d->err, rc, "vault restored into '%s', but %s", to,
		    why);
	}
	return rc;
}
