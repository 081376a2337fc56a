/*
 * fuzz_manifest.c: backup_manifest_decode(), the parser of a backup's
 * manifest (JSON: ids, keys, the audit head, members, referenced
 * objects).  A manifest it accepts must encode again, and what it encodes
 * must decode to the same encoding (the writer is canonical): a field the
 * parser lets through but the writer cannot say is a bug.
 */
#include <string.h>

#include "fuzz.h"
#include "backup.h"
#include "buf.h"
#include "dossier.h"
#include "error.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct backup_manifest m, m2;
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct err e;

	err_clear(&e);
	if (backup_manifest_decode(data, size, &m, &e) != DOSSIER_OK) {
		FUZZ_CHECK(e.msg[0] != '\0');
		backup_manifest_release(&m);
		return 0;
	}
	FUZZ_CHECK(backup_manifest_encode(&m, &a) == DOSSIER_OK);
	FUZZ_CHECK(backup_manifest_decode(a.data, a.len, &m2, &e) ==
	    DOSSIER_OK);
	FUZZ_CHECK(backup_manifest_encode(&m2, &b) == DOSSIER_OK);
	FUZZ_CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	backup_manifest_release(&m);
	backup_manifest_release(&m2);
	buf_release(&a);
	buf_release(&b);
	return 0;
}
