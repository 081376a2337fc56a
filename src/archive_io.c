/*
 * archive_io.c: see archive_io.h.  The only file that includes
 * <archive.h>.  Members are read into memory in bounded chunks; nothing
 * is ever extracted to the file system.
 */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <unistr.h>
#include <uniconv.h>

#include "dossier.h"
#include "archive_io.h"
#include "buf.h"
#include "error.h"

#define ARCHIVE_IO_CHUNK (64 * 1024)

/* A file that cannot be opened is an I/O error; anything else, damage. */
static int
errno_like(struct archive *a)
{
	int n = archive_errno(a);

	return n == ENOENT ? DOSSIER_ENOTFOUND : n == EACCES || n == EIO ||
	    n == EISDIR ? DOSSIER_EIO : DOSSIER_ECORRUPT;
}

void
archive_io_limits_init(struct archive_io_limits *lim)
{
	lim->max_entries = ARCHIVE_IO_MAX_ENTRIES;
	lim->max_expanded = ARCHIVE_IO_MAX_EXPANDED;
	lim->max_entry = ARCHIVE_IO_MAX_ENTRY;
	lim->max_ratio = ARCHIVE_IO_MAX_RATIO;
	lim->ratio_floor = ARCHIVE_IO_RATIO_FLOOR;
}

/* Reads the current member into out, checking every limit per chunk. */
static int
read_member(struct archive *a, const char *name, size_t zip_len,
    const struct archive_io_limits *lim, size_t *total, struct buf *out,
    struct err *e)
{
	unsigned char chunk[ARCHIVE_IO_CHUNK];
	la_ssize_t got;

	for (;;) {
		got = archive_read_data(a, chunk, sizeof(chunk));
		if (got == 0)
			return 0;
		if (got < 0)
			return err_set(e, DOSSIER_EBADINPUT,
			    "cannot read zip member '%s': %s", name,
			    archive_error_string(a));
		if ((size_t)got > lim->max_entry - out->len)
			return err_set(e, DOSSIER_EBADINPUT,
			    "zip member '%s' expands past %zu bytes", name,
			    lim->max_entry);
		if ((size_t)got > lim->max_expanded - *total)
			return err_set(e, DOSSIER_EBADINPUT,
			    "zip expands past %zu bytes", lim->max_expanded);
		*total += (size_t)got;
		/* A zip bomb: far more output than input. */
		if (lim->max_ratio > 0 && *total > lim->ratio_floor &&
		    *total / (zip_len ? zip_len : 1) > lim->max_ratio)
			return err_set(e, DOSSIER_EBADINPUT,
			    "zip member '%s' expands more than %zu times "
			    "(a zip bomb?)",
			    name, lim->max_ratio);
		if (buf_append(out, chunk, (size_t)got) != 0)
			return err_nomem(e);
	}
}

int
archive_io_zip_each(const void *zip, size_t n,
    const struct archive_io_limits *lim, archive_io_want_fn want,
    archive_io_entry_fn fn, void *ctx, struct err *e)
{
	static const unsigned char empty[1];
	struct archive *a;
	struct archive_entry *ent;
	struct buf data = BUF_INIT;
	size_t entries = 0, total = 0;
	const char *name;
	int r, rc = 0;

	a = archive_read_new();
	if (a == NULL)
		return err_nomem(e);
	/* Whitelist: zip only, no filters, no other formats. */
	if (archive_read_support_format_zip(a) != ARCHIVE_OK) {
		rc = err_set(e, DOSSIER_EINTERNAL, "libarchive: %s",
		    archive_error_string(a));
		goto out;
	}
	if (archive_read_open_memory(a, zip, n) != ARCHIVE_OK) {
		rc = err_set(e, DOSSIER_EBADINPUT, "not a readable zip: %s",
		    archive_error_string(a));
		goto out;
	}
	for (;;) {
		r = archive_read_next_header(a, &ent);
		if (r == ARCHIVE_EOF)
			break;
		/* ARCHIVE_WARN is not an error (an odd extra field). */
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			rc = err_set(e, DOSSIER_EBADINPUT, "malformed zip: %s",
			    archive_error_string(a));
			goto out;
		}
		if (++entries > lim->max_entries) {
			rc = err_set(e, DOSSIER_EBADINPUT,
			    "zip has more than %zu members", lim->max_entries);
			goto out;
		}
		name = archive_entry_pathname(ent);
		if (name == NULL || strlen(name) > ARCHIVE_IO_MAX_NAME ||
		    archive_entry_filetype(ent) != AE_IFREG)
			continue;
		if (want != NULL && !want(ctx, name))
			continue;
		buf_reset(&data);
		rc = read_member(a, name, n, lim, &total, &data, e);
		if (rc != 0)
			goto out;
		rc = fn(ctx, name, data.len > 0 ? data.data : empty, data.len);
		if (rc != 0)
			goto out;
	}
out:
	buf_release(&data);
	archive_read_free(a);
	return rc;
}

/* ---- pax tar, written and read as streams (backups) ---- */

/*
 * libarchive converts member names through the locale's character set:
 * a UTF-8 locale for this thread while it does, whatever the program's.
 */
static locale_t
utf8_begin(void)
{
	static locale_t u8;

	if (u8 == (locale_t)0)
		u8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	return u8 != (locale_t)0 ? uselocale(u8) : (locale_t)0;
}

static void
utf8_end(locale_t old)
{
	if (old != (locale_t)0)
		uselocale(old);
}

struct archive_io_tar {
	struct archive *a;
	char path[4096];
};

static int
tar_err(struct archive *a, struct err *e, const char *what, const char *path)
{
	const char *why = a != NULL ? archive_error_string(a) : NULL;

	return err_set(e, DOSSIER_EIO, "cannot %s '%s': %s", what, path,
	    why != NULL ? why : "archive error");
}

int
archive_io_tar_create(int fd, const char *path, struct archive_io_tar **tp,
    struct err *e)
{
	return archive_io_writer_create(fd, path, 0, tp, e);
}

int
archive_io_writer_create(int fd, const char *path, int zip,
    struct archive_io_tar **tp, struct err *e)
{
	struct archive_io_tar *t;

	*tp = NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return err_nomem(e);
	snprintf(t->path, sizeof(t->path), "%s", path);
	t->a = archive_write_new();
	if (t->a == NULL) {
		free(t);
		return err_nomem(e);
	}
	if ((zip ? archive_write_set_format_zip(t->a) :
	    archive_write_set_format_pax_restricted(t->a)) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(t->a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(t->a, fd) != ARCHIVE_OK) {
		tar_err(t->a, e, "write", path);
		archive_write_free(t->a);
		free(t);
		return DOSSIER_EIO;
	}
	*tp = t;
	return DOSSIER_OK;
}

int
archive_io_tar_begin(struct archive_io_tar *t, const char *name,
    uint64_t size, int64_t mtime, struct err *e)
{
	struct archive_entry *ent;
	locale_t old;
	int r;

	ent = archive_entry_new();
	if (ent == NULL)
		return err_nomem(e);
	archive_entry_set_pathname(ent, name);
	archive_entry_set_size(ent, (la_int64_t)size);
	archive_entry_set_filetype(ent, AE_IFREG);
	archive_entry_set_perm(ent, 0600);
	archive_entry_set_mtime(ent, (time_t)mtime, 0);
	old = utf8_begin();
	r = archive_write_header(t->a, ent);
	utf8_end(old);
	archive_entry_free(ent);
	return r == ARCHIVE_OK ? DOSSIER_OK : tar_err(t->a, e, "write",
	    t->path);
}

int
archive_io_tar_write(struct archive_io_tar *t, const void *p, size_t n,
    struct err *e)
{
	const char *c = p;
	la_ssize_t w;

	while (n > 0) {
		w = archive_write_data(t->a, c, n);
		if (w <= 0)
			return tar_err(t->a, e, "write", t->path);
		c += w;
		n -= (size_t)w;
	}
	return DOSSIER_OK;
}

int
archive_io_tar_close(struct archive_io_tar *t, struct err *e)
{
	int rc = DOSSIER_OK;

	if (t == NULL)
		return DOSSIER_OK;
	if (e != NULL && archive_write_close(t->a) != ARCHIVE_OK)
		rc = tar_err(t->a, e, "write", t->path);
	archive_write_free(t->a);
	free(t);
	return rc;
}

int
archive_io_tar_each(const char *path, size_t max_members,
    archive_io_tar_member_fn fn, void *ctx, struct err *e)
{
	struct archive_io_member m;
	struct archive_entry *ent;
	struct archive *a;
	size_t count = 0;
	int r, rc = DOSSIER_OK;

	a = archive_read_new();
	if (a == NULL)
		return err_nomem(e);
	/* pax/ustar only, no compression filter: what backups are. */
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_open_filename(a, path, ARCHIVE_IO_CHUNK) !=
	    ARCHIVE_OK) {
		rc = err_set(e, errno_like(a), "cannot read '%s': %s", path,
		    archive_error_string(a) != NULL ? archive_error_string(a) :
		    "not an archive");
		goto out;
	}
	for (;;) {
		r = archive_read_next_header(a, &ent);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK) {
			rc = err_set(e, DOSSIER_ECORRUPT, "'%s' is damaged: %s",
			    path, archive_error_string(a) != NULL ?
			    archive_error_string(a) : "bad member header");
			break;
		}
		if (++count > max_members) {
			rc = err_set(e, DOSSIER_ECORRUPT, "'%s' has more than "
			    "%zu members", path, max_members);
			break;
		}
		memset(&m, 0, sizeof(m));
		m.name = archive_entry_pathname(ent);
		m.regular = archive_entry_filetype(ent) == AE_IFREG;
		m.size = archive_entry_size_is_set(ent) &&
		    archive_entry_size(ent) >= 0 ?
		    (uint64_t)archive_entry_size(ent) : 0;
		m.handle = a;
		if (m.name == NULL) {
			rc = err_set(e, DOSSIER_ECORRUPT, "'%s' has a member "
			    "without a name", path);
			break;
		}
		rc = fn(ctx, &m);
		if (rc != 0)
			break;
	}
out:
	archive_read_free(a);
	return rc;
}

int
archive_io_member_read(const struct archive_io_member *m, void *buf,
    size_t n, size_t *got, struct err *e)
{
	la_ssize_t r;

	r = archive_read_data((struct archive *)m->handle, buf, n);
	if (r < 0)
		return err_set(e, DOSSIER_ECORRUPT, "member '%s' is damaged: "
		    "%s", m->name, archive_error_string(
		    (struct archive *)m->handle) != NULL ? archive_error_string(
		    (struct archive *)m->handle) : "read error");
	*got = (size_t)r;
	return DOSSIER_OK;
}

/* ---- archives to import: zip and tar (plain, gzip, zstd), whitelisted ---- */

/* raw[0..n) from GB18030 (which covers CP936/GBK) to a UTF-8 string. */
static char *
from_gb18030(const char *raw, size_t n)
{
	uint8_t *out;
	size_t len = 0;
	char *s;

	out = u8_conv_from_encoding("GB18030", iconveh_error, raw, n, NULL,
	    NULL, &len);
	if (out == NULL)
		return NULL;
	s = malloc(len + 1);
	if (s != NULL) {
		memcpy(s, out, len);
		s[len] = '\0';
	}
	free(out);
	return s;
}

/*
 * A member name as UTF-8.  libarchive gives zip names without the UTF-8
 * flag decoded as CP437; those from Chinese Windows are GBK, those from
 * other systems often UTF-8 without the flag.  So such a name is taken
 * back to its bytes: UTF-8 if they are, else GB18030, else CP437 as
 * given.  Tar names come as stored: UTF-8 if they are, else GB18030.
 */
static char *
member_name(struct archive *a, struct archive_entry *ent)
{
	const char *raw = archive_entry_pathname(ent);
	const char *u8 = archive_entry_pathname_utf8(ent);
	char *bytes, *s = NULL;
	size_t n = 0;

	if (u8 != NULL && u8_check((const uint8_t *)u8, strlen(u8)) == NULL) {
		if (archive_format(a) == ARCHIVE_FORMAT_ZIP) {
			bytes = u8_conv_to_encoding("CP437", iconveh_error,
			    (const uint8_t *)u8, strlen(u8), NULL, NULL, &n);
			if (bytes != NULL && u8_check((const uint8_t *)bytes,
			    n) != NULL)
				s = from_gb18030(bytes, n);
			else if (bytes != NULL && memchr(bytes, 0, n) == NULL &&
			    (s = malloc(n + 1)) != NULL) {
				memcpy(s, bytes, n);
				s[n] = '\0';
			}
			free(bytes);
			if (s != NULL)
				return s;
		}
		return strdup(u8);
	}
	if (raw == NULL)
		return NULL;
	if (u8_check((const uint8_t *)raw, strlen(raw)) == NULL)
		return strdup(raw);
	return from_gb18030(raw, strlen(raw));
}

/* A relative path of plain components: no "..", no "/x", no controls. */
static int
safe_name(const char *s)
{
	const char *p = s, *slash;
	size_t len;

	if (*s == '\0' || *s == '/' || strlen(s) > ARCHIVE_IO_MAX_NAME)
		return 0;
	for (; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return 0;
	for (p = s; *p != '\0'; p = slash + 1) {
		slash = strchr(p, '/');
		len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if ((len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (len == 0 && slash != NULL)
			return 0;
		if (slash == NULL)
			break;
	}
	return 1;
}

int
archive_io_import_each(const char *path, const struct archive_io_limits *lim,
    archive_io_tar_member_fn fn, void *ctx, struct err *e)
{
	struct archive_io_member m;
	struct archive_entry *ent;
	struct archive *a;
	unsigned char *chunk = NULL;
	uint64_t total = 0, compressed = 0, got;
	size_t entries = 0;
	char *name = NULL, *shown;
	locale_t oldloc;
	la_ssize_t r;
	int st, rc = DOSSIER_OK, type;

	/*
	 * Names are converted through the locale's character set: UTF-8
	 * for this thread while reading, whatever the program's locale.
	 */
	oldloc = utf8_begin();
	a = archive_read_new();
	chunk = malloc(ARCHIVE_IO_CHUNK);
	if (a == NULL || chunk == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	/* Whitelist: zip and tar; no filter, gzip or zstd. */
	if (archive_read_support_format_zip(a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(a) != ARCHIVE_OK) {
		rc = err_set(e, DOSSIER_EINTERNAL, "libarchive: %s",
		    archive_error_string(a));
		goto out;
	}
	if (archive_read_open_filename(a, path, ARCHIVE_IO_CHUNK) !=
	    ARCHIVE_OK) {
		st = archive_errno(a);
		rc = err_set(e, st == ENOENT ? DOSSIER_ENOTFOUND : st == EACCES ||
		    st == EIO ? DOSSIER_EIO : DOSSIER_EBADINPUT,
		    "cannot import '%s': %s", path, archive_error_string(a) !=
		    NULL ? archive_error_string(a) : "not a zip or tar archive");
		goto out;
	}
	for (;;) {
		st = archive_read_next_header(a, &ent);
		if (st == ARCHIVE_EOF)
			break;
		if (st != ARCHIVE_OK && st != ARCHIVE_WARN) {
			rc = err_set(e, DOSSIER_EBADINPUT, "cannot import '%s': "
			    "%s", path, archive_error_string(a) != NULL ?
			    archive_error_string(a) : "malformed archive");
			break;
		}
		if (++entries > lim->max_entries) {
			rc = err_set(e, DOSSIER_EBADINPUT, "cannot import '%s': "
			    "more than %zu members", path, lim->max_entries);
			break;
		}
		free(name);
		name = member_name(a, ent);
		type = archive_entry_filetype(ent);
		/* "./合同/a.txt" as tar writes it: "合同/a.txt". */
		shown = name;
		while (shown != NULL && strncmp(shown, "./", 2) == 0)
			shown += 2;
		if (shown != NULL && shown != name)
			memmove(name, shown, strlen(shown) + 1);
		if (name != NULL && (name[0] == '\0' ||
		    strcmp(name, ".") == 0) && type == AE_IFDIR)
			continue;
		if (name == NULL || !safe_name(name)) {
			rc = err_set(e, DOSSIER_EBADINPUT, "cannot import '%s': "
			    "member '%.200s' has an unsafe or undecodable name",
			    path, name != NULL ? name : "?");
			break;
		}
		if (type == AE_IFDIR)
			continue;
		if (type != AE_IFREG || archive_entry_hardlink(ent) != NULL ||
		    archive_entry_symlink(ent) != NULL) {
			rc = err_set(e, DOSSIER_EBADINPUT, "cannot import '%s': "
			    "member '%.200s' is a link or a device, not a file",
			    path, name);
			break;
		}
		memset(&m, 0, sizeof(m));
		m.name = name;
		m.regular = 1;
		m.size = archive_entry_size_is_set(ent) &&
		    archive_entry_size(ent) >= 0 ?
		    (uint64_t)archive_entry_size(ent) : 0;
		m.handle = a;
		if (fn != NULL) {
			rc = fn(ctx, &m);
			if (rc != 0)
				break;
			continue;
		}
		/* Checking only: every byte counted against the limits. */
		got = 0;
		while ((r = archive_read_data(a, chunk, ARCHIVE_IO_CHUNK)) > 0) {
			got += (uint64_t)r;
			total += (uint64_t)r;
			if (got > lim->max_entry || total > lim->max_expanded)
				break;
			compressed = (uint64_t)archive_filter_bytes(a, -1);
			if (lim->max_ratio > 0 && total > lim->ratio_floor &&
			    total / (compressed + 1) > lim->max_ratio)
				break;
		}
		if (r < 0)
			rc = err_set(e, DOSSIER_EBADINPUT, "cannot import '%s': "
			    "member '%.200s' is damaged: %s", path, name,
			    archive_error_string(a));
		else if (got > lim->max_entry)
			rc = err_set(e, DOSSIER_EBADINPUT, "cannot import '%s': "
			    "member '%.200s' expands past %zu bytes", path, name,
			    lim->max_entry);
		else if (total > lim->max_expanded)
			rc = err_set(e, DOSSIER_EBADINPUT, "cannot import '%s': "
			    "it expands past %zu bytes", path,
			    lim->max_expanded);
		else if (r > 0)
			rc = err_set(e, DOSSIER_EBADINPUT, "cannot import '%s': "
			    "it expands more than %zu times its size (an archive "
			    "bomb)", path, lim->max_ratio);
		if (rc != DOSSIER_OK)
			break;
	}
out:
	free(name);
	free(chunk);
	archive_read_free(a);
	utf8_end(oldloc);
	return rc;
}
