/* fsutil.c: see fsutil.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dossier.h"
#include "crypto.h"
#include "error.h"
#include "buf.h"
#include "fsutil.h"

int
fs_sync_dir(const char *dir, struct err *e)
{
	int fd, rc = DOSSIER_OK;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, DOSSIER_EIO, "cannot open directory '%s': %s",
		    dir, strerror(errno));
	if (fsync(fd) != 0)
		rc = err_set(e, DOSSIER_EIO, "cannot sync directory '%s': %s",
		    dir, strerror(errno));
	close(fd);
	return rc;
}

static int
parent_of(const char *path, char *out, size_t outsz)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL)
		return snprintf(out, outsz, ".") < (int)outsz ? 0 : -1;
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= outsz)
		return -1;
	memcpy(out, path, n);
	out[n] = '\0';
	return 0;
}

int
fs_mkdir(const char *path, struct err *e)
{
	char parent[PATH_MAX];
	struct stat st;

	/*
	 * An existing directory may be one a crashed run made and never
	 * synced into its parent: sync the parent either way.
	 */
	if (mkdir(path, 0700) != 0 && !(errno == EEXIST &&
	    stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
		return err_set(e, DOSSIER_EIO, "cannot create directory '%s': %s",
		    path, strerror(errno));
	if (parent_of(path, parent, sizeof(parent)) != 0)
		return err_set(e, DOSSIER_EIO, "path too long: '%s'", path);
	return fs_sync_dir(parent, e);
}

int
fs_write_all(int fd, const void *p, size_t n, const char *name, struct err *e)
{
	const unsigned char *c = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return err_set(e, DOSSIER_EIO, "cannot write '%s': %s",
			    name, strerror(errno));
		if (w == 0)
			return err_set(e, DOSSIER_EIO, "cannot write '%s': %s",
			    name, strerror(ENOSPC));
		c += w;
		n -= (size_t)w;
	}
	return DOSSIER_OK;
}

int
fs_read_full(int fd, void *p, size_t n, size_t *got, const char *name,
    struct err *e)
{
	unsigned char *c = p;
	size_t have = 0;
	ssize_t r;

	while (have < n) {
		r = read(fd, c + have, n - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return err_set(e, DOSSIER_EIO, "cannot read '%s': %s",
			    name, strerror(errno));
		if (r == 0)
			break;
		have += (size_t)r;
	}
	*got = have;
	return DOSSIER_OK;
}

int
fs_mktemp(const char *dir, const char *prefix, char *path, size_t pathsz,
    int *fd, struct err *e)
{
	unsigned char rnd[8];
	char hex[17];
	int i, rc;

	for (i = 0; i < 16; i++) {
		rc = crypto_nonce(rnd, sizeof(rnd));
		if (rc != DOSSIER_OK)
			return err_set(e, rc, "cannot make a temporary name");
		hex_encode(rnd, sizeof(rnd), hex);
		if (snprintf(path, pathsz, "%s/%s%s.tmp", dir, prefix, hex) >=
		    (int)pathsz)
			return err_set(e, DOSSIER_EIO, "path too long: '%s'", dir);
		*fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (*fd >= 0)
			return DOSSIER_OK;
		if (errno != EEXIST)
			return err_set(e, DOSSIER_EIO,
			    "cannot create temporary file in '%s': %s", dir,
			    strerror(errno));
	}
	return err_set(e, DOSSIER_EIO, "cannot create temporary file in '%s'",
	    dir);
}

int
fs_commit_file(int fd, const char *from, const char *to, struct err *e)
{
	char parent[PATH_MAX];
	int rc = fs_commit_file_nodirsync(fd, from, to, e);

	if (rc != DOSSIER_OK)
		return rc;
	if (parent_of(to, parent, sizeof(parent)) != 0)
		return err_set(e, DOSSIER_EIO, "path too long: '%s'", to);
	return fs_sync_dir(parent, e);
}

int
fs_commit_file_nodirsync(int fd, const char *from, const char *to,
    struct err *e)
{

	if (fsync(fd) != 0) {
		err_set(e, DOSSIER_EIO, "cannot sync '%s': %s", from,
		    strerror(errno));
		close(fd);
		return DOSSIER_EIO;
	}
	if (close(fd) != 0)
		return err_set(e, DOSSIER_EIO, "cannot close '%s': %s", from,
		    strerror(errno));
	if (rename(from, to) != 0)
		return err_set(e, DOSSIER_EIO, "cannot rename '%s' to '%s': %s",
		    from, to, strerror(errno));
	return DOSSIER_OK;
}
