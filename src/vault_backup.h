/*
 * vault_backup.h: what creating a backup (vault_backup.c) and listing,
 * verifying and restoring one (vault_restore.c) share: reading an
 * archive member by member against its signed manifest.  Internal.
 */
#ifndef DOSSIER_VAULT_BACKUP_H
#define DOSSIER_VAULT_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "backup.h"
#include "buf.h"

struct dossier;

struct backup_reader {
	struct dossier *d;
	const char *file;
	struct backup_manifest m;
	struct buf raw;	  /* the manifest's bytes */
	size_t index;	  /* members met so far */
	unsigned char *seen; /* per manifest member, sorted by name */
	int manifest_only; /* stop after manifest and signature */
	int take_snapshots; /* write catalog, keyring, witness to dir */
	const char *dir;  /* where members are written; NULL: nowhere */
	uint64_t bytes;
};

/*
 * Reads the archive file, checking its signature and every member
 * against the manifest (written under dir unless NULL; the snapshots too
 * with take_snapshots).  r->m is kept: backup_manifest_release() it.
 */
int backup_read_archive(struct dossier *d, const char *file,
    struct backup_reader *r, int manifest_only, const char *dir,
    int take_snapshots);
/* dir of path (for temporary files beside it) into out. */
void backup_dir_of(const char *path, char *out, size_t outsz);
/* root/objects/ab/cdef... for object name; "" when too long. */
void backup_object_path(const char *root, const char *name, char *out,
    size_t outsz);

#endif
