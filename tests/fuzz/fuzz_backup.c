/*
 * fuzz_backup.c: the backup reader on a would-be backup archive, the
 * calls that need no key: dossier_backup_list() (the manifest and its
 * signature) and dossier_backup_verify() with DOSSIER_VERIFY_NO_KEYS
 * (every member against the signed manifest).  A damaged archive must be
 * DOSSIER_ECORRUPT (or an I/O or format error) with a message, never a
 * crash.  The manifest's own parser is fuzzed apart (fuzz_manifest.c):
 * here a mutated manifest mostly stops at its signature.
 */
#include <string.h>

#include "fuzz.h"
#include "dossier.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dossier_backup_info info;
	struct dossier *d = NULL;
	const char *files[1];
	char path[64];
	static int ready;
	int rc;

	if (!ready) {
		FUZZ_CHECK(dossier_library_init() == DOSSIER_OK);
		ready = 1;
	}
	if (fuzz_memfile(data, size, path) != 0)
		return 0;
	memset(&info, 0, sizeof(info));
	rc = dossier_backup_list(path, &info, &d);
	FUZZ_CHECK(rc == DOSSIER_OK || dossier_errmsg(d)[0] != '\0');
	dossier_close(d);
	d = NULL;
	files[0] = path;
	rc = dossier_backup_verify(files, 1, DOSSIER_VERIFY_NO_KEYS, NULL,
	    NULL, 0, NULL, NULL, &info, &d);
	FUZZ_CHECK(rc == DOSSIER_OK || dossier_errmsg(d)[0] != '\0');
	dossier_close(d);
	return 0;
}
