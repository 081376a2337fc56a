/*
 * vault_backup.c: backup archives (docs/BACKUP.md): reading and checking
 * an archive member by member, and creating one (full or incremental).
 * Listing, verifying and restoring: vault_restore.c.
 *
 * An archive holds what the vault holds, already encrypted: the objects
 * as they are, a snapshot of the catalog (VACUUM INTO through the same
 * encrypting VFS: its pages stay encrypted under the catalog key) and of
 * the keyring (the users' key slots: their passphrases open the backup),
 * and the audit witness.  A signed manifest names every member with its
 * SHA-256.  Nothing is ever decrypted to make a backup: the backup role
 * needs no level key.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vault_int.h"
#include "archive_io.h"
#include "audit.h"
#include "backup.h"
#include "fsutil.h"
#include "vault_backup.h"

#define CHUNK (64 * 1024)
/* Members an archive may hold: the fixed ones and a million objects. */
#define MAX_MEMBERS (1000000 + 8)

/* dir of path (for temporary files beside it) into out. */
void
backup_dir_of(const char *path, char *out, size_t outsz)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(out, outsz, ".");
	else if (slash == path)
		snprintf(out, outsz, "/");
	else
		snprintf(out, outsz, "%.*s", (int)(slash - path), path);
}

/* The SHA-256 and size of the file at path. */
static int
hash_file(struct dossier *d, const char *path,
    unsigned char out[CRYPTO_HASH_LEN], uint64_t *size)
{
	struct crypto_hash *h = NULL;
	unsigned char *buf;
	size_t got;
	int fd, rc;

	*size = 0;
	buf = malloc(CHUNK);
	if (buf == NULL)
		return err_nomem(&d->err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return err_set(&d->err, DOSSIER_EIO, "cannot open '%s': %s",
		    path, strerror(errno));
	}
	rc = crypto_hash_new(&h, NULL, 0);
	while (rc == DOSSIER_OK) {
		rc = fs_read_full(fd, buf, CHUNK, &got, path, &d->err);
		if (rc != DOSSIER_OK || got == 0)
			break;
		*size += got;
		rc = crypto_hash_update(h, buf, got);
	}
	if (rc == DOSSIER_OK)
		rc = crypto_hash_final(h, out);
	crypto_hash_free(h);
	close(fd);
	free(buf);
	return rc;
}

/* Copies the file at path into the archive as member name. */
static int
put_file(struct dossier *d, struct archive_io_tar *t, const char *name,
    const char *path, uint64_t size, const unsigned char *want)
{
	struct crypto_hash *h = NULL;
	unsigned char *buf, sha[CRYPTO_HASH_LEN];
	uint64_t done = 0;
	size_t got;
	int fd, rc;

	buf = malloc(CHUNK);
	if (buf == NULL)
		return err_nomem(&d->err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return err_set(&d->err, DOSSIER_EIO, "cannot open '%s': %s",
		    path, strerror(errno));
	}
	rc = crypto_hash_new(&h, NULL, 0);
	if (rc == DOSSIER_OK)
		rc = archive_io_tar_begin(t, name, size, vault_now(), &d->err);
	while (rc == DOSSIER_OK && done < size) {
		rc = fs_read_full(fd, buf, CHUNK, &got, path, &d->err);
		if (rc == DOSSIER_OK && got == 0)
			rc = err_set(&d->err, DOSSIER_EIO, "'%s' shrank while "
			    "being backed up", path);
		if (rc == DOSSIER_OK && got > size - done)
			got = (size_t)(size - done);
		if (rc == DOSSIER_OK)
			rc = crypto_hash_update(h, buf, got);
		if (rc == DOSSIER_OK)
			rc = archive_io_tar_write(t, buf, got, &d->err);
		done += got;
		vault_progress(d, got, 0);
	}
	if (rc == DOSSIER_OK)
		rc = crypto_hash_final(h, sha);
	/* Never back up a damaged object as if it were sound. */
	if (rc == DOSSIER_OK && want != NULL && !crypto_equal(sha, want,
	    CRYPTO_HASH_LEN))
		rc = err_set(&d->err, DOSSIER_ECORRUPT, "object %.16s of the "
		    "vault is damaged: run 'dossier verify'", name +
		    strlen(BACKUP_OBJECT_PREFIX));
	crypto_hash_free(h);
	close(fd);
	free(buf);
	return rc;
}

void
backup_object_path(const char *root, const char *name, char *out, size_t outsz)
{
	if (snprintf(out, outsz, "%s/objects/%.2s/%s", root, name, name + 2) >=
	    (int)outsz)
		out[0] = '\0'; /* too long: opens nothing */
}

static void
object_member(const char *name, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s%.2s/%s", BACKUP_OBJECT_PREFIX, name,
	    name + 2);
}

static int
cmp_ref(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int
collect_ref(void *ctx, const struct catalog_version *v)
{
	struct backup_manifest *m = ctx;

	/* Versions sharing content share an object: once is enough. */
	return backup_manifest_add_ref(m, v->object) == 0 ? 0 :
	    DOSSIER_ENOMEM;
}

/* Sorts and removes duplicates from m's referenced objects. */
static void
sort_refs(struct backup_manifest *m)
{
	size_t i, n = 0;

	if (m->nreferenced == 0)
		return;
	qsort(m->referenced, m->nreferenced, sizeof(m->referenced[0]),
	    cmp_ref);
	for (i = 1; i < m->nreferenced; i++)
		if (strcmp(m->referenced[i], m->referenced[n]) != 0)
			memmove(m->referenced[++n], m->referenced[i],
			    sizeof(m->referenced[0]));
	m->nreferenced = n + 1;
}

static int
has_ref(const struct backup_manifest *m, const char *name)
{
	return m != NULL && m->nreferenced > 0 && bsearch(name, m->referenced,
	    m->nreferenced, sizeof(m->referenced[0]), cmp_ref) != NULL;
}

/* ---- reading an archive ---- */


static int
cmp_member(const void *a, const void *b)
{
	return strcmp(((const struct backup_member *)a)->name,
	    ((const struct backup_member *)b)->name);
}

static int bad_archive(struct backup_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
bad_archive(struct backup_reader *r, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(&r->d->err, DOSSIER_ECORRUPT, "backup '%s' is "
	    "damaged: %s", r->file, msg);
}

/* Reads a whole small member into b. */
static int
read_small(struct backup_reader *r, const struct archive_io_member *mb,
    struct buf *b, size_t max)
{
	unsigned char chunk[4096];
	size_t got;
	int rc;

	for (;;) {
		rc = archive_io_member_read(mb, chunk, sizeof(chunk), &got,
		    &r->d->err);
		if (rc != DOSSIER_OK || got == 0)
			return rc;
		if (b->len + got > max)
			return bad_archive(r, "member '%s' is too large",
			    mb->name);
		if (buf_append(b, chunk, got) != 0)
			return err_nomem(&r->d->err);
	}
}

/* Where member kind goes under r->dir (NULL: not written). */
static int
target(struct backup_reader *r, enum backup_kind kind, const char *name,
    char *out, size_t outsz)
{
	char flat[STORE_NAME_LEN + 1];

	if (r->dir == NULL)
		return 0;
	switch (kind) {
	case BACKUP_M_CATALOG:
		if (!r->take_snapshots)
			return 0;
		snprintf(out, outsz, "%s/%s", r->dir, VAULT_CATALOG_FILE);
		return 1;
	case BACKUP_M_KEYRING:
		if (!r->take_snapshots)
			return 0;
		snprintf(out, outsz, "%s/%s", r->dir, VAULT_KEYRING_FILE);
		return 1;
	case BACKUP_M_WITNESS:
		if (!r->take_snapshots)
			return 0;
		snprintf(out, outsz, "%s/audit.witness", r->dir);
		return 1;
	case BACKUP_M_OBJECT:
		/* Built from the checked name, never from the raw path. */
		if (backup_member_object(name, flat) != 0)
			return 0;
		backup_object_path(r->dir, flat, out, outsz);
		return 1;
	default:
		return 0;
	}
}

/* Streams a member: hashes it, and writes it to its target if any. */
static int
take_member(struct backup_reader *r, const struct archive_io_member *mb,
    const struct backup_member *want, enum backup_kind kind)
{
	struct dossier *d = r->d;
	struct crypto_hash *h = NULL;
	unsigned char *buf, sha[CRYPTO_HASH_LEN];
	char path[PATH_MAX], tmp[PATH_MAX + 16], dir[PATH_MAX];
	uint64_t done = 0;
	size_t got;
	int fd = -1, rc, write_it;

	write_it = target(r, kind, mb->name, path, sizeof(path));
	buf = malloc(CHUNK);
	if (buf == NULL)
		return err_nomem(&d->err);
	rc = crypto_hash_new(&h, NULL, 0);
	if (rc == DOSSIER_OK && write_it) {
		backup_dir_of(path, dir, sizeof(dir));
		rc = fs_mkdir(dir, &d->err);
		if (rc == DOSSIER_OK)
			rc = fs_mktemp(dir, ".restore-", tmp, sizeof(tmp), &fd,
			    &d->err);
	}
	while (rc == DOSSIER_OK) {
		rc = archive_io_member_read(mb, buf, CHUNK, &got, &d->err);
		if (rc != DOSSIER_OK || got == 0)
			break;
		done += got;
		if (done > want->size) {
			rc = bad_archive(r, "member '%s' is longer than its "
			    "manifest says", mb->name);
			break;
		}
		rc = crypto_hash_update(h, buf, got);
		if (rc == DOSSIER_OK && fd >= 0)
			rc = fs_write_all(fd, buf, got, tmp, &d->err);
		vault_progress(d, got, 0);
	}
	if (rc == DOSSIER_OK)
		rc = crypto_hash_final(h, sha);
	if (rc == DOSSIER_OK && (done != want->size ||
	    !crypto_equal(sha, want->sha256, CRYPTO_HASH_LEN)))
		rc = bad_archive(r, "member '%s' does not match the manifest",
		    mb->name);
	if (fd >= 0) {
		if (rc == DOSSIER_OK)
			rc = fs_commit_file_nodirsync(fd, tmp, path, &d->err);
		else {
			close(fd);
			unlink(tmp);
		}
	}
	r->bytes += done;
	crypto_hash_free(h);
	free(buf);
	return rc;
}

static int
read_member(void *ctx, const struct archive_io_member *mb)
{
	struct backup_reader *r = ctx;
	struct dossier *d = r->d;
	struct backup_member key, *want;
	struct buf b = BUF_INIT, msg = BUF_INIT;
	enum backup_kind kind;
	size_t at;
	int rc;

	kind = backup_member_kind(mb->name);
	if (kind == BACKUP_M_BAD || !mb->regular)
		return bad_archive(r, "it holds an unexpected member '%.80s'",
		    mb->name);
	at = r->index++;
	if (at == 0 || at == 1) {
		if ((at == 0) != (kind == BACKUP_M_MANIFEST) ||
		    (at == 1) != (kind == BACKUP_M_SIG))
			return bad_archive(r, "%s", "it does not begin with its "
			    "manifest and signature");
		if (at == 0) {
			rc = read_small(r, mb, &r->raw, BACKUP_MANIFEST_MAX);
			if (rc == DOSSIER_OK)
				rc = backup_manifest_decode(r->raw.data,
				    r->raw.len, &r->m, &d->err);
			if (rc == DOSSIER_ECORRUPT)
				rc = bad_archive(r, "%s", "its manifest is "
				    "malformed");
			if (rc != DOSSIER_OK)
				return rc;
			if (r->m.nmembers > 1)
				qsort(r->m.members, r->m.nmembers,
				    sizeof(r->m.members[0]), cmp_member);
			r->seen = calloc(r->m.nmembers + 1, 1);
			return r->seen == NULL ? err_nomem(&d->err) : 0;
		}
		rc = read_small(r, mb, &b, CRYPTO_ED25519_SIG_LEN);
		if (rc == DOSSIER_OK && (b.len != CRYPTO_ED25519_SIG_LEN ||
		    backup_sig_message(r->raw.data, r->raw.len, &msg) != 0 ||
		    crypto_ed25519_verify(r->m.signer, msg.data, msg.len,
		    b.data) != DOSSIER_OK))
			rc = bad_archive(r, "%s", "its manifest's signature "
			    "does not verify");
		buf_release(&b);
		buf_release(&msg);
		if (rc != DOSSIER_OK)
			return rc;
		return r->manifest_only ? 1 : 0;
	}
	memset(&key, 0, sizeof(key));
	snprintf(key.name, sizeof(key.name), "%s", mb->name);
	want = bsearch(&key, r->m.members, r->m.nmembers,
	    sizeof(r->m.members[0]), cmp_member);
	if (want == NULL)
		return bad_archive(r, "member '%.80s' is not in its manifest",
		    mb->name);
	if (r->seen[want - r->m.members]++)
		return bad_archive(r, "member '%.80s' appears twice", mb->name);
	if (kind == BACKUP_M_OBJECT) {
		char hex[2 * CRYPTO_HASH_LEN + 1], flat[STORE_NAME_LEN + 1];

		/* An object's name is the SHA-256 of its bytes. */
		hex_encode(want->sha256, CRYPTO_HASH_LEN, hex);
		if (backup_member_object(mb->name, flat) != 0 ||
		    strcmp(hex, flat) != 0)
			return bad_archive(r, "object '%.80s' is listed under "
			    "another hash", mb->name);
	}
	return take_member(r, mb, want, kind);
}

/*
 * Reads and checks the archive at file: signature, then every member
 * against the manifest (written under dir unless NULL).  r->m is kept.
 */
int
backup_read_archive(struct dossier *d, const char *file, struct backup_reader *r,
    int manifest_only, const char *dir, int take_snapshots)
{
	size_t i;
	int rc;

	memset(r, 0, sizeof(*r));
	r->d = d;
	r->file = file;
	r->manifest_only = manifest_only;
	r->dir = dir;
	r->take_snapshots = take_snapshots;
	rc = archive_io_tar_each(file, MAX_MEMBERS, read_member, r, &d->err);
	if (rc == 1)
		rc = DOSSIER_OK;
	if (rc == DOSSIER_OK && r->index < 2)
		rc = bad_archive(r, "%s", "it lacks its manifest or signature");
	for (i = 0; rc == DOSSIER_OK && !manifest_only && i < r->m.nmembers;
	    i++)
		if (!r->seen[i])
			rc = bad_archive(r, "member '%s' is missing",
			    r->m.members[i].name);
	if (rc == DOSSIER_ENOTFOUND)
		rc = err_set(&d->err, rc, "no backup '%s'", file);
	free(r->seen);
	r->seen = NULL;
	buf_release(&r->raw);
	if (rc != DOSSIER_OK)
		backup_manifest_release(&r->m);
	return rc;
}

/* ---- create ---- */

/*
 * What a backup writes beside its file while it runs, all named after
 * one temporary archive, DIR/.dossier-backup-HEX.tmp, which it holds an
 * flock on from creating it to removing it: the snapshots
 * .dossier-backup-HEX.{keyring,catalog,witness} (encrypted or public) and
 * the archive itself until it is linked to its name.  A backup killed on
 * the way leaves them; the next backup into the same directory removes
 * every such set whose archive nobody holds.  witness is "" when the
 * vault has no witness file yet.
 */
struct snap {
	char archive[PATH_MAX];
	char catalog[PATH_MAX], keyring[PATH_MAX], witness[PATH_MAX];
	int fd;
};

#define SNAP_PREFIX ".dossier-backup-"
static const char *const snap_kinds[] = { "keyring", "catalog", "witness" };

/* Removes the snapshots named after archive (its ".tmp" replaced). */
static void
snap_unlink(const char *archive)
{
	/* A snapshot and what SQLite may leave beside it. */
	static const char *const sides[] = { "", "-journal", "-wal", "-shm" };
	char base[PATH_MAX], path[PATH_MAX + 32];
	size_t n = strlen(archive), i, j;

	if (n < 4 || n >= sizeof(base))
		return;
	memcpy(base, archive, n - 4);
	base[n - 4] = '\0';
	for (i = 0; i < sizeof(snap_kinds) / sizeof(snap_kinds[0]); i++)
		for (j = 0; j < sizeof(sides) / sizeof(sides[0]); j++) {
			snprintf(path, sizeof(path), "%s.%s%s", base,
			    snap_kinds[i], sides[j]);
			unlink(path);
		}
}

static void
snap_remove(struct snap *s)
{
	if (s->archive[0] == '\0')
		return;
	snap_unlink(s->archive);
	unlink(s->archive);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->archive[0] = '\0';
}

/* What killed backups left in dir: every set whose archive is unheld. */
static void
snap_remove_stale(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	size_t plen = strlen(SNAP_PREFIX), n;
	DIR *dd;
	int fd;

	dd = opendir(dir);
	if (dd == NULL)
		return;
	while ((de = readdir(dd)) != NULL) {
		n = strlen(de->d_name);
		if (strncmp(de->d_name, SNAP_PREFIX, plen) != 0 ||
		    n != plen + 16 + 4 ||
		    strcmp(de->d_name + n - 4, ".tmp") != 0 ||
		    strspn(de->d_name + plen, "0123456789abcdef") != 16)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path))
			continue;
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			snap_unlink(path);
			unlink(path);
		}
		close(fd);
	}
	closedir(dd);
}

/* Creates and locks the temporary archive in dir; names the snapshots. */
static int
snap_begin(struct dossier *d, const char *dir, struct snap *s)
{
	char base[PATH_MAX];
	struct snap_name {
		char *out;
		const char *kind;
	} names[] = { { s->keyring, "keyring" }, { s->catalog, "catalog" },
		{ s->witness, "witness" } };
	size_t n, i;
	int rc;

	snap_remove_stale(dir);
	rc = fs_mktemp(dir, SNAP_PREFIX, s->archive, sizeof(s->archive),
	    &s->fd, &d->err);
	if (rc != DOSSIER_OK) {
		s->archive[0] = '\0';
		return rc;
	}
	if (flock(s->fd, LOCK_EX | LOCK_NB) != 0)
		return err_set(&d->err, DOSSIER_EIO, "cannot lock '%s': %s",
		    s->archive, strerror(errno));
	n = strlen(s->archive) - 4;
	memcpy(base, s->archive, n);
	base[n] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (snprintf(names[i].out, PATH_MAX, "%s.%s", base,
		    names[i].kind) >= PATH_MAX)
			return err_set(&d->err, DOSSIER_EUSAGE,
			    "path too long: '%s'", dir);
	return DOSSIER_OK;
}

/*
 * Copies the vault's witness file to s->witness, or sets it to "" when
 * there is none.  Taken before the catalog's snapshot: a checkpoint is
 * appended only after its records commit, so the copy never names a
 * record the catalog snapshot lacks (a witness ahead of its log would
 * fail the restored vault's audit check).
 */
static int
snap_witness(struct dossier *d, const char *witness, struct snap *s)
{
	unsigned char chunk[16384];
	size_t got;
	int in, out, rc = DOSSIER_OK;

	in = open(witness, O_RDONLY | O_CLOEXEC);
	if (in < 0 && errno == ENOENT) {
		s->witness[0] = '\0';
		return DOSSIER_OK;
	}
	if (in < 0)
		return err_set(&d->err, DOSSIER_EIO, "cannot read '%s': %s",
		    witness, strerror(errno));
	out = open(s->witness, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		rc = err_set(&d->err, DOSSIER_EIO, "cannot write '%s': %s",
		    s->witness, strerror(errno));
		s->witness[0] = '\0';
	}
	while (rc == DOSSIER_OK) {
		rc = fs_read_full(in, chunk, sizeof(chunk), &got, witness,
		    &d->err);
		if (rc == DOSSIER_OK && got > 0)
			rc = fs_write_all(out, chunk, got, s->witness, &d->err);
		if (got < sizeof(chunk))
			break;
	}
	close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* Adds a snapshot file to m's members (hashing it). */
static int
add_snapshot(struct dossier *d, struct backup_manifest *m, const char *name,
    const char *path)
{
	unsigned char sha[CRYPTO_HASH_LEN];
	uint64_t size;
	int rc;

	rc = hash_file(d, path, sha, &size);
	if (rc == DOSSIER_OK && backup_manifest_add_member(m, name, size,
	    sha) != 0)
		rc = err_nomem(&d->err);
	return rc;
}

/* The manifest of everything but the objects' members. */
static int
build_manifest(struct dossier *d, struct snap *s,
    const struct backup_manifest *base, struct backup_manifest *m)
{
	struct catalog *snapcat = NULL;
	unsigned char rnd[BACKUP_ID_LEN];
	int rc;

	memset(m, 0, sizeof(*m));
	m->format = BACKUP_FORMAT;
	if (crypto_random(rnd, sizeof(rnd)) != DOSSIER_OK)
		return err_set(&d->err, DOSSIER_EINTERNAL, "no random bytes");
	hex_encode(rnd, sizeof(rnd), m->id);
	if (base != NULL)
		memcpy(m->base, base->id, sizeof(m->base));
	memcpy(m->vault_id, d->vault_id, sizeof(m->vault_id));
	memcpy(m->root_key, d->root_pub, sizeof(m->root_key));
	m->vault_format = VAULT_FORMAT;
	m->created = vault_now();
	snprintf(m->created_by, sizeof(m->created_by), "%s", d->user.name);
	memcpy(m->signer, d->user.ed_pub, sizeof(m->signer));
	/* What the snapshot holds: its audit head and its objects. */
	rc = vault_catalog_at(d, s->catalog, &snapcat);
	if (rc == DOSSIER_OK)
		rc = catalog_audit_head(snapcat, &m->ckpt_seq, m->ckpt_hash,
		    &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_versions_each(snapcat, 0, collect_ref, m,
		    &d->err);
	catalog_close(snapcat);
	if (rc == DOSSIER_ENOMEM)
		rc = err_nomem(&d->err);
	sort_refs(m);
	if (rc == DOSSIER_OK)
		rc = add_snapshot(d, m, BACKUP_KEYRING, s->keyring);
	if (rc == DOSSIER_OK)
		rc = add_snapshot(d, m, BACKUP_CATALOG, s->catalog);
	if (rc == DOSSIER_OK && s->witness[0] != '\0')
		rc = add_snapshot(d, m, BACKUP_WITNESS, s->witness);
	return rc;
}

/* Adds an object member per referenced object not in base. */
static int
plan_objects(struct dossier *d, struct backup_manifest *m,
    const struct backup_manifest *base)
{
	unsigned char sha[CRYPTO_HASH_LEN];
	char path[PATH_MAX], name[BACKUP_NAME_MAX];
	struct stat st;
	size_t i;

	for (i = 0; i < m->nreferenced; i++) {
		if (has_ref(base, m->referenced[i]))
			continue;
		backup_object_path(d->root, m->referenced[i], path, sizeof(path));
		if (stat(path, &st) != 0 && errno == ENOENT &&
		    catalog_object_used(d->cat, m->referenced[i], &d->err) == 0)
			return err_set(&d->err, DOSSIER_EBUSY, "the vault changed "
			    "during the backup (a document was purged): run it "
			    "again");
		if (stat(path, &st) != 0)
			return err_set(&d->err, errno == ENOENT ?
			    DOSSIER_ECORRUPT : DOSSIER_EIO, "object %.16s of "
			    "the vault is %s: run 'dossier verify'",
			    m->referenced[i], errno == ENOENT ? "missing" :
			    strerror(errno));
		object_member(m->referenced[i], name, sizeof(name));
		if (hex_decode(m->referenced[i], sha, sizeof(sha)) != 0 ||
		    backup_manifest_add_member(m, name, (uint64_t)st.st_size,
		    sha) != 0)
			return err_nomem(&d->err);
	}
	return DOSSIER_OK;
}

/* Writes the archive to fd: manifest, signature, then every member. */
static int
write_archive(struct dossier *d, int fd, const char *file,
    const struct backup_manifest *m, const struct snap *s)
{
	struct archive_io_tar *t = NULL;
	struct buf raw = BUF_INIT, msg = BUF_INIT;
	unsigned char sig[CRYPTO_ED25519_SIG_LEN];
	char path[PATH_MAX], flat[STORE_NAME_LEN + 1];
	const char *src;
	size_t i;
	int rc;

	if (backup_manifest_encode(m, &raw) != 0 ||
	    backup_sig_message(raw.data, raw.len, &msg) != 0)
		rc = err_nomem(&d->err);
	else
		rc = crypto_ed25519_sign(d->secret + CRYPTO_X25519_LEN,
		    msg.data, msg.len, sig);
	if (rc == DOSSIER_OK)
		rc = archive_io_tar_create(fd, file, &t, &d->err);
	if (rc == DOSSIER_OK)
		rc = archive_io_tar_begin(t, BACKUP_MANIFEST, raw.len, m->created,
		    &d->err);
	if (rc == DOSSIER_OK)
		rc = archive_io_tar_write(t, raw.data, raw.len, &d->err);
	if (rc == DOSSIER_OK)
		rc = archive_io_tar_begin(t, BACKUP_SIG, sizeof(sig),
		    m->created, &d->err);
	if (rc == DOSSIER_OK)
		rc = archive_io_tar_write(t, sig, sizeof(sig), &d->err);
	for (i = 0; rc == DOSSIER_OK && i < m->nmembers; i++) {
		const struct backup_member *mb = &m->members[i];
		const unsigned char *want = NULL;

		switch (backup_member_kind(mb->name)) {
		case BACKUP_M_CATALOG:
			src = s->catalog;
			break;
		case BACKUP_M_KEYRING:
			src = s->keyring;
			break;
		case BACKUP_M_WITNESS:
			src = s->witness;
			break;
		default:
			if (backup_member_object(mb->name, flat) == 0)
				backup_object_path(d->root, flat, path, sizeof(path));
			else
				path[0] = '\0';
			src = path;
			want = mb->sha256;
			break;
		}
		rc = put_file(d, t, mb->name, src, mb->size, want);
	}
	if (rc == DOSSIER_OK)
		rc = archive_io_tar_close(t, &d->err);
	else
		archive_io_tar_close(t, NULL);
	buf_release(&raw);
	buf_release(&msg);
	return rc;
}

static int
need_backup_role(struct dossier *d, const char *action)
{
	if (vault_perms(d, 0, NULL) & DOSSIER_PERM_ADMIN)
		return DOSSIER_OK;
	return vault_require(d, DOSSIER_PERM_BACKUP, action, 0, NULL);
}

int
dossier_backup_create(struct dossier *d, const char *file, const char *since,
    struct dossier_backup_info *info)
{
	struct backup_manifest m, base;
	struct backup_reader r;
	struct snap s;
	char dir[PATH_MAX], witness[PATH_MAX];
	struct stat st;
	size_t i;
	int rc, have_base = 0;

	memset(&m, 0, sizeof(m));
	memset(&s, 0, sizeof(s));
	s.fd = -1;
	memset(info, 0, sizeof(*info));
	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return rc;
	vault_op(d, "backup create", 0);
	rc = vault_op_detail(d, "file", file);
	if (rc == DOSSIER_OK && since != NULL)
		rc = vault_op_detail(d, "since", since);
	if (rc == DOSSIER_OK)
		rc = need_backup_role(d, "backup create");
	if (rc == DOSSIER_OK && lstat(file, &st) == 0)
		rc = err_set(&d->err, DOSSIER_ECONFLICT, "cannot write backup "
		    "'%s': it exists", file);
	if (rc == DOSSIER_OK && since != NULL) {
		rc = backup_read_archive(d, since, &r, 1, NULL, 0);
		if (rc == DOSSIER_OK) {
			base = r.m;
			have_base = 1;
			if (!crypto_equal(base.vault_id, d->vault_id,
			    sizeof(base.vault_id)))
				rc = err_set(&d->err, DOSSIER_ECONFLICT,
				    "'%s' is a backup of another vault", since);
		}
	}
	if (rc != DOSSIER_OK)
		goto out;
	backup_dir_of(file, dir, sizeof(dir));
	if (snprintf(witness, sizeof(witness), "%s/audit.witness", d->root) >=
	    (int)sizeof(witness)) {
		rc = err_set(&d->err, DOSSIER_EUSAGE, "path too long");
		goto out;
	}
	/* Snapshots beside the output: encrypted, removed at the end. */
	rc = snap_begin(d, dir, &s);
	if (rc == DOSSIER_OK)
		rc = snap_witness(d, witness, &s);
	if (rc == DOSSIER_OK)
		rc = catalog_snapshot(d->ring, s.keyring, &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_snapshot(d->cat, s.catalog, &d->err);
	if (rc == DOSSIER_OK)
		rc = build_manifest(d, &s, have_base ? &base : NULL, &m);
	if (rc == DOSSIER_OK)
		rc = plan_objects(d, &m, have_base ? &base : NULL);
	d->progress.done = d->progress.shown = d->progress.total = 0;
	for (i = 0; rc == DOSSIER_OK && i < m.nmembers; i++)
		d->progress.total += m.members[i].size;
	if (rc == DOSSIER_OK) {
		rc = write_archive(d, s.fd, file, &m, &s);
		vault_progress(d, 0, 1);
		if (rc == DOSSIER_OK && fsync(s.fd) != 0)
			rc = err_set(&d->err, DOSSIER_EIO, "cannot write backup "
			    "'%s': %s", file, strerror(errno));
		/* In place without replacing anything: link, not rename. */
		if (rc == DOSSIER_OK && link(s.archive, file) != 0)
			rc = err_set(&d->err, errno == EEXIST ?
			    DOSSIER_ECONFLICT : DOSSIER_EIO, "cannot write "
			    "backup '%s': %s", file, strerror(errno));
		snap_remove(&s);
		if (rc == DOSSIER_OK)
			rc = fs_sync_dir(dir, &d->err);
	}
	if (rc == DOSSIER_OK) {
		snprintf(info->id, sizeof(info->id), "%s", m.id);
		snprintf(info->base, sizeof(info->base), "%s", m.base);
		info->incremental = m.base[0] != '\0';
		info->objects = (int64_t)(m.nmembers - 2 -
		    (s.witness[0] != '\0'));
		info->referenced = (int64_t)m.nreferenced;
		info->seq = m.ckpt_seq;
		info->bytes = 0;
		for (i = 0; i < m.nmembers; i++)
			info->bytes += m.members[i].size;
		vault_op_detail(d, "id", m.id);
		vault_op_detail_int(d, "objects", info->objects);
	}
out:
	snap_remove(&s);
	backup_manifest_release(&m);
	if (have_base)
		backup_manifest_release(&base);
	return vault_done(d, rc);
}
