/*
 * vault_import.c: import: every file of a zip or tar archive (read
 * through archive_io.c) or of a folder, filed in add's batches
 * (vault_doc.c), each file's folder as its category.  The whole archive
 * is checked before anything is filed.
 */
#define _GNU_SOURCE /* memfd_create(): members kept in memory, not on disk */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive_io.h"
#include "fsutil.h"
#include "vault_int.h"

/* Limits of one import (docs/BACKUP.md); the ratio is archive_io's. */
#define IMPORT_MAX_MEMBERS 100000
#define IMPORT_MAX_MEMBER ((size_t)512 * 1024 * 1024)
#define IMPORT_MAX_TOTAL ((size_t)64 * 1024 * 1024 * 1024)

struct import_state {
	struct add_batch *ab;
	const struct dossier_meta_edit *e;
	unsigned flags;
	const char *archive;
	int check_only;	 /* pass 1: the categories' permissions */
	struct archive_io_limits lim;
};

/* The member's folder ("合同/2022" of "合同/2022/a.docx"), or "". */
static void
folder_of(const char *name, char *out, size_t outsz)
{
	const char *slash = strrchr(name, '/');

	snprintf(out, outsz, "%.*s", slash != NULL ? (int)(slash - name) : 0,
	    name);
}

/* e, with the folder as category unless e names one. */
static void
edit_for(const struct dossier_meta_edit *e, const char *folder,
    struct dossier_meta_edit *out)
{
	if (e != NULL)
		*out = *e;
	else
		dossier_meta_edit_init(out);
	if (out->category == NULL && folder[0] != '\0')
		out->category = folder;
}

static int
import_member(void *ctx, const struct archive_io_member *m)
{
	struct import_state *is = ctx;
	struct dossier *d = is->ab->d;
	struct dossier_meta_edit e2;
	char folder[ARCHIVE_IO_MAX_NAME + 1], label[PATH_MAX + 64];
	unsigned char *chunk;
	uint64_t total = 0;
	size_t got;
	int fd, rc;

	folder_of(m->name, folder, sizeof(folder));
	edit_for(is->e, folder, &e2);
	if (is->check_only)
		return vault_require(d, DOSSIER_PERM_FILE, "import", 0,
		    e2.category != NULL ? e2.category : "");
	/* The member's bytes in memory (never a file on disk), then filed. */
	fd = memfd_create("dossier-import", MFD_CLOEXEC);
	if (fd < 0)
		return err_set(&d->err, DOSSIER_EIO, "cannot import: %s",
		    strerror(errno));
	chunk = malloc(64 * 1024);
	rc = chunk == NULL ? err_nomem(&d->err) : DOSSIER_OK;
	while (rc == DOSSIER_OK) {
		rc = archive_io_member_read(m, chunk, 64 * 1024, &got, &d->err);
		if (rc != DOSSIER_OK || got == 0)
			break;
		total += got;
		if (total > is->lim.max_entry)
			rc = err_set(&d->err, DOSSIER_EBADINPUT, "member '%s' "
			    "grew past %zu bytes", m->name, is->lim.max_entry);
		else
			rc = fs_write_all(fd, chunk, got, m->name, &d->err);
	}
	if (chunk != NULL) {
		mem_wipe(chunk, 64 * 1024);
		free(chunk);
	}
	if (rc == DOSSIER_OK && lseek(fd, 0, SEEK_SET) != 0)
		rc = err_set(&d->err, DOSSIER_EIO, "cannot import: %s",
		    strerror(errno));
	if (rc == DOSSIER_EBADINPUT) {
		char why[ERR_MSG_MAX];

		snprintf(why, sizeof(why), "%s", dossier_errmsg(d));
		rc = err_set(&d->err, rc, "cannot import '%s': %s",
		    is->archive, why);
	}
	if (rc != DOSSIER_OK) {
		close(fd);
		return rc;
	}
	snprintf(label, sizeof(label), "%s:%s", is->archive, m->name);
	/* A failed member is reported and the others go on. */
	vault_add_one(is->ab, label, fd, vault_base_name(m->name), &e2, is->flags);
	return 0;
}

/* A folder's files, each under its folder path (relative) as category. */
static int
import_tree(struct import_state *is, const char *dir, const char *rel,
    int depth)
{
	struct dossier *d = is->ab->d;
	struct dossier_meta_edit e2;
	struct dirent *de;
	struct stat st;
	char **names = NULL, **nn, path[PATH_MAX], sub[PATH_MAX];
	size_t n = 0, i;
	DIR *dd;
	int rc = DOSSIER_OK;

	if (depth > 64)
		return err_set(&d->err, DOSSIER_EUSAGE,
		    "'%s': directories nested too deep", dir);
	dd = opendir(dir);
	if (dd == NULL)
		return err_set(&d->err, DOSSIER_EIO, "cannot read '%s': %s", dir,
		    strerror(errno));
	while ((de = readdir(dd)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (nn == NULL || (nn[n] = strdup(de->d_name)) == NULL) {
			names = nn != NULL ? nn : names;
			rc = err_nomem(&d->err);
			break;
		}
		names = nn;
		n++;
	}
	closedir(dd);
	if (n > 1)
		qsort(names, n, sizeof(*names), vault_name_cmp);
	for (i = 0; rc == DOSSIER_OK && i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >=
		    (int)sizeof(path) || snprintf(sub, sizeof(sub), "%s%s%s",
		    rel, rel[0] != '\0' ? "/" : "", names[i]) >=
		    (int)sizeof(sub)) {
			rc = err_set(&d->err, DOSSIER_EUSAGE, "path too long: "
			    "'%s/%s'", dir, names[i]);
			break;
		}
		if (lstat(path, &st) != 0 || S_ISLNK(st.st_mode))
			continue; /* links could lead anywhere: not followed */
		if (S_ISDIR(st.st_mode)) {
			rc = import_tree(is, path, sub, depth + 1);
			continue;
		}
		edit_for(is->e, rel, &e2);
		if (is->check_only)
			rc = vault_require(d, DOSSIER_PERM_FILE, "import", 0,
			    e2.category != NULL ? e2.category : "");
		else
			vault_add_one(is->ab, path, -1, NULL, &e2, is->flags);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
dossier_import(struct dossier *d, const char *path,
    const struct dossier_meta_edit *e, unsigned flags, dossier_added_fn cb,
    void *ctx)
{
	struct add_batch ab;
	struct import_state is;
	struct stat st;
	int rc, dir;

	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "import", 0);
	d->audit.batch = 1;
	rc = vault_check_edit(d, e);
	if (rc == DOSSIER_OK && stat(path, &st) != 0)
		rc = err_set(&d->err, errno == ENOENT ? DOSSIER_ENOTFOUND :
		    DOSSIER_EIO, "cannot import '%s': %s", path,
		    strerror(errno));
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	dir = S_ISDIR(st.st_mode);
	memset(&ab, 0, sizeof(ab));
	ab.d = d;
	ab.cb = cb;
	ab.ctx = ctx;
	memset(&is, 0, sizeof(is));
	is.ab = &ab;
	is.e = e;
	is.flags = flags;
	is.archive = path;
	/* Years of files, not one document's parts: wider than extraction's. */
	archive_io_limits_init(&is.lim);
	is.lim.max_entries = IMPORT_MAX_MEMBERS;
	is.lim.max_entry = IMPORT_MAX_MEMBER;
	is.lim.max_expanded = IMPORT_MAX_TOTAL;
	/*
	 * First the whole archive against the limits and the user's
	 * permission for every category it maps to: refused, nothing from
	 * it is filed.
	 */
	if (!dir)
		rc = archive_io_import_each(path, &is.lim, NULL, NULL, &d->err);
	is.check_only = 1;
	if (rc == DOSSIER_OK)
		rc = dir ? import_tree(&is, path, "", 0) :
		    archive_io_import_each(path, &is.lim, import_member, &is,
		    &d->err);
	is.check_only = 0;
	if (rc == DOSSIER_OK)
		rc = dir ? import_tree(&is, path, "", 0) :
		    archive_io_import_each(path, &is.lim, import_member, &is,
		    &d->err);
	vault_add_flush(&ab);
	free(ab.v);
	/* Duplicates are skipped and reported, not failures of the import. */
	if (rc == DOSSIER_OK)
		rc = ab.first_other;
	return vault_done(d, rc);
}
