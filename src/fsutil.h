/*
 * fsutil.h: file-system steps that keep a vault consistent across
 * crashes: durable directories, atomic renames, read loops.
 *
 * Functions return DOSSIER_OK or DOSSIER_EIO with a message in e.
 */
#ifndef DOSSIER_FSUTIL_H
#define DOSSIER_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

struct err;

/* fsync()s the directory itself, so that a rename or create in it lasts. */
int fs_sync_dir(const char *dir, struct err *e);

/* mkdir(path, 0700) unless it exists as a directory; syncs the parent. */
int fs_mkdir(const char *path, struct err *e);

/* Writes all n bytes, retrying short writes and EINTR. */
int fs_write_all(int fd, const void *p, size_t n, const char *name,
    struct err *e);

/*
 * Reads up to n bytes, retrying short reads and EINTR, into p; *got is
 * the number read (less than n only at end of file).
 */
int fs_read_full(int fd, void *p, size_t n, size_t *got, const char *name,
    struct err *e);

/*
 * Creates a file with a unique name in dir (mode 0600, O_EXCL) from the
 * template prefix; returns the open descriptor in *fd and its path in
 * path (of size pathsz).
 */
int fs_mktemp(const char *dir, const char *prefix, char *path, size_t pathsz,
    int *fd, struct err *e);

/* fsync(fd), close(fd), rename(from, to), fsync(dir of to). */
int fs_commit_file(int fd, const char *from, const char *to, struct err *e);
/* The same, leaving the directory to be synced by the caller. */
int fs_commit_file_nodirsync(int fd, const char *from, const char *to,
    struct err *e);

#endif
