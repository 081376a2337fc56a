/*
 * archive_io.c: see archive_io.h.  The only file that includes
 * <archive.h>.  Members are read into memory in bounded chunks; nothing
 * is ever extracted to the file system.
 */
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "dossier.h"
#include "archive_io.h"
#include "buf.h"
#include "error.h"

#define ARCHIVE_IO_CHUNK (64 * 1024)

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
