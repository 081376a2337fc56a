/*
 * archive_io.h: the only door to libarchive.  Reads whitelisted archive
 * formats from memory, bounded by named limits, never touching the disk.
 *
 *	struct archive_io_limits lim;
 *	archive_io_limits_init(&lim);
 *	rc = archive_io_zip_each(p, n, &lim, want, fn, ctx, &e);
 */
#ifndef DOSSIER_ARCHIVE_IO_H
#define DOSSIER_ARCHIVE_IO_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Defaults of struct archive_io_limits. */
#define ARCHIVE_IO_MAX_ENTRIES 10000 /* members, read or skipped */
#define ARCHIVE_IO_MAX_EXPANDED (256u * 1024 * 1024) /* bytes, all members */
#define ARCHIVE_IO_MAX_ENTRY (64u * 1024 * 1024) /* bytes, one member */
/* Expanded / compressed above this, past the floor, is a zip bomb. */
#define ARCHIVE_IO_MAX_RATIO 100
#define ARCHIVE_IO_RATIO_FLOOR (1024u * 1024)
#define ARCHIVE_IO_MAX_NAME 1024 /* bytes of one member name */

struct archive_io_limits {
	size_t max_entries;
	size_t max_expanded;
	size_t max_entry;
	size_t max_ratio; /* 0: no ratio check */
	size_t ratio_floor;
};

/* Sets every limit to its default. */
void archive_io_limits_init(struct archive_io_limits *lim);

/*
 * want(ctx, name): nonzero to have the member's bytes read and passed to
 * fn; zero to skip it unread.  May be NULL (read every member).
 * fn(ctx, name, data, len): called for each wanted regular file with its
 * whole expanded content; name and data are borrowed until fn returns.
 * Returns 0 to go on, a positive value to stop (archive_io_zip_each then
 * returns it), or a negative DOSSIER_E* code (returned as is; fn sets e).
 */
typedef int (*archive_io_want_fn)(void *ctx, const char *name);
typedef int (*archive_io_entry_fn)(
    void *ctx, const char *name, const void *data, size_t len);

/*
 * Walks the zip archive in zip[0..n) (the zip format only).  Returns 0
 * after the last member, fn's positive stop value, fn's error, or
 * DOSSIER_EBADINPUT for a malformed or truncated archive, too many
 * members, a member or total past the size limits, or a compression ratio
 * past max_ratio (a zip bomb); DOSSIER_ENOMEM.
 */
int archive_io_zip_each(const void *zip, size_t n,
    const struct archive_io_limits *lim, archive_io_want_fn want,
    archive_io_entry_fn fn, void *ctx, struct err *e);

/*
 * pax tar archives as streams (backups): written member by member to an
 * open descriptor; read member by member from a file, each member's bytes
 * pulled in chunks, so that memory stays bounded whatever the sizes.
 */
struct archive_io_tar;

/* Starts a pax archive on fd (path names it in messages). */
int archive_io_tar_create(int fd, const char *path,
    struct archive_io_tar **tp, struct err *e);
/* The same writer making a zip (deflate; names in UTF-8) instead. */
int archive_io_writer_create(int fd, const char *path, int zip,
    struct archive_io_tar **tp, struct err *e);
/* A regular-file member of size bytes, mode 0600; then its bytes. */
int archive_io_tar_begin(struct archive_io_tar *t, const char *name,
    uint64_t size, int64_t mtime, struct err *e);
int archive_io_tar_write(struct archive_io_tar *t, const void *p, size_t n,
    struct err *e);
/*
 * Ends the archive (writing its trailer) and frees t; with e NULL only
 * frees it (after a failure).
 */
int archive_io_tar_close(struct archive_io_tar *t, struct err *e);

/* One member met while reading: its bytes through archive_io_member_read. */
struct archive_io_member {
	const char *name; /* as stored: not to be trusted as a path */
	int regular;
	uint64_t size;
	void *handle;
};
typedef int (*archive_io_tar_member_fn)(void *ctx,
    const struct archive_io_member *m);
/*
 * Calls fn for each member of the tar (pax or ustar, no compression) at
 * path, at most max_members of them.  fn's non-zero return stops and is
 * returned.  A damaged archive is DOSSIER_ECORRUPT, a missing file
 * DOSSIER_ENOTFOUND, an unreadable one DOSSIER_EIO.
 */
int archive_io_tar_each(const char *path, size_t max_members,
    archive_io_tar_member_fn fn, void *ctx, struct err *e);
/*
 * Archives to import (zip, tar, tar.gz, tar.zst; nothing else): with fn
 * NULL, checks the whole archive against lim (members, sizes, expansion
 * ratio over the file's size) and refuses links, devices and names that
 * are absolute, hold "..", or do not decode; with fn, calls it for each
 * regular member (directories skipped) with its name decoded to UTF-8
 * (UTF-8 as flagged or stored, else GB18030, which covers CP936/GBK).
 * DOSSIER_EBADINPUT for anything refused, naming the member.
 */
int archive_io_import_each(const char *path,
    const struct archive_io_limits *lim, archive_io_tar_member_fn fn,
    void *ctx, struct err *e);

/* Up to n bytes of the member into buf; *got 0 at its end. */
int archive_io_member_read(const struct archive_io_member *m, void *buf,
    size_t n, size_t *got, struct err *e);

#endif
