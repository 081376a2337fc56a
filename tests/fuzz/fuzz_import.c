/*
 * fuzz_import.c: the archive importer's reader, archive_io_import_each(),
 * on the bytes of a would-be .zip or .tar(.gz, .zst): first the check pass
 * (formats on the whitelist, links, devices, absolute names, "..", names
 * that do not decode, sizes, member count, expansion ratio), then, when
 * the archive passed it, the pass that reads every member's bytes, as
 * dossier import does.  Every name handed over must be a relative path
 * without "..", in UTF-8.
 */
#include <string.h>

#include <unistr.h>

#include "fuzz.h"
#include "archive_io.h"
#include "dossier.h"
#include "error.h"

/* Does name have a ".." component? */
static int
has_dotdot(const char *name)
{
	const char *p = name, *slash;
	size_t n;

	for (;;) {
		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		if (slash == NULL)
			return 0;
		p = slash + 1;
	}
}

static int
member(void *ctx, const struct archive_io_member *m)
{
	struct err *e = ctx;
	unsigned char chunk[16384];
	size_t got, total = 0;
	int rc;

	FUZZ_CHECK(m->name[0] != '\0' && m->name[0] != '/');
	FUZZ_CHECK(!has_dotdot(m->name));
	FUZZ_CHECK(u8_check((const uint8_t *)m->name, strlen(m->name)) == NULL);
	do {
		rc = archive_io_member_read(m, chunk, sizeof(chunk), &got, e);
		if (rc != DOSSIER_OK)
			return rc;
		total += got;
	} while (got > 0);
	FUZZ_CHECK(total <= ARCHIVE_IO_MAX_ENTRY);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct archive_io_limits lim;
	char path[64];
	struct err e;

	if (fuzz_memfile(data, size, path) != 0)
		return 0;
	archive_io_limits_init(&lim);
	err_clear(&e);
	if (archive_io_import_each(path, &lim, NULL, NULL, &e) != DOSSIER_OK) {
		FUZZ_CHECK(e.msg[0] != '\0');
		return 0;
	}
	err_clear(&e);
	(void)archive_io_import_each(path, &lim, member, &e, &e);
	return 0;
}
