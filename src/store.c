/*
 * store.c: encrypted content objects.  See store.h and docs/FORMAT.md.
 *
 * Object file:
 *	header (44 bytes, plaintext, authenticated as associated data)
 *	  magic "DOSSOBJ\n" | u16 format 1 | u16 flags (1 = zstd)
 *	  | u32 chunk size | object id[16] | u64 document | u32 version
 *	chunks: ciphertext (chunk size bytes, the last one 0..chunk size)
 *	  | GCM tag[16]
 * Chunk i is sealed with nonce = i as 11 bytes big-endian | last flag,
 * AD = "dossier-object-v1" | vault id | header.  Plaintext is the zstd
 * stream of the content.
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "dossier.h"
#include "buf.h"
#include "error.h"
#include "fsutil.h"
#include "store.h"

#define OBJ_MAGIC "DOSSOBJ\n"
#define OBJ_FORMAT 1
#define OBJ_FLAG_ZSTD 0x1
#define OBJ_AD_DOMAIN "dossier-object-v1"
#define OBJ_AD_LEN (sizeof(OBJ_AD_DOMAIN) - 1 + STORE_VAULT_ID_LEN + \
    STORE_HEADER_LEN)
#define ZSTD_LEVEL 3

struct store {
	char root[PATH_MAX];
	char objects[PATH_MAX];
	char tmp[PATH_MAX];
	unsigned char vault_id[STORE_VAULT_ID_LEN];
	/* Deferred directory syncs: objects/ and each objects/XX touched. */
	int defer, objects_dirty;
	unsigned char dirty[256];
};

struct store_writer {
	struct store *s;
	struct crypto_aead *aead;
	struct crypto_hash *hash; /* of the ciphertext: the object's name */
	ZSTD_CCtx *zc;
	int fd;
	char tmppath[PATH_MAX];
	unsigned char ad[OBJ_AD_LEN];
	uint64_t counter;
	uint64_t size;		/* ciphertext bytes written */
	unsigned char *pending; /* compressed bytes not yet sealed */
	size_t npending;
	unsigned char *sealed;	/* one chunk of ciphertext */
	unsigned char *zout;
	size_t zoutsz;
};

int
store_name_valid(const char *name)
{
	size_t i;

	for (i = 0; i < STORE_NAME_LEN; i++)
		if (!((name[i] >= '0' && name[i] <= '9') ||
			(name[i] >= 'a' && name[i] <= 'f')))
			return 0;
	return name[STORE_NAME_LEN] == '\0';
}

static int
join(char *out, size_t outsz, const char *a, const char *b, struct err *e)
{
	if (snprintf(out, outsz, "%s/%s", a, b) >= (int)outsz)
		return err_set(e, DOSSIER_EIO, "path too long: '%s/%s'", a, b);
	return DOSSIER_OK;
}

int
store_create_dirs(const char *root, struct err *e)
{
	char p[PATH_MAX];
	int rc;

	rc = join(p, sizeof(p), root, "objects", e);
	if (rc == DOSSIER_OK)
		rc = fs_mkdir(p, e);
	if (rc == DOSSIER_OK)
		rc = join(p, sizeof(p), root, "tmp", e);
	if (rc == DOSSIER_OK)
		rc = fs_mkdir(p, e);
	return rc;
}

int
store_open(const char *root, const unsigned char vault_id[STORE_VAULT_ID_LEN],
    struct store **sp, struct err *e)
{
	struct store *s;
	int rc;

	*sp = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return err_nomem(e);
	if (strlen(root) + 16 + STORE_NAME_LEN >= sizeof(s->root))
		rc = err_set(e, DOSSIER_EUSAGE, "path too long: '%s'", root);
	else
		rc = join(s->root, sizeof(s->root), root, "", e);
	if (rc == DOSSIER_OK)
		rc = join(s->objects, sizeof(s->objects), root, "objects", e);
	if (rc == DOSSIER_OK)
		rc = join(s->tmp, sizeof(s->tmp), root, "tmp", e);
	if (rc != DOSSIER_OK) {
		free(s);
		return rc;
	}
	memcpy(s->vault_id, vault_id, STORE_VAULT_ID_LEN);
	*sp = s;
	return DOSSIER_OK;
}

void
store_free(struct store *s)
{
	free(s);
}

static void
make_header(unsigned char h[STORE_HEADER_LEN],
    const unsigned char objid[STORE_OBJECT_ID_LEN], const struct store_binding *b)
{
	memcpy(h, OBJ_MAGIC, 8);
	h[8] = 0;
	h[9] = OBJ_FORMAT;
	h[10] = 0;
	h[11] = OBJ_FLAG_ZSTD;
	be32_put(h + 12, STORE_CHUNK);
	memcpy(h + 16, objid, STORE_OBJECT_ID_LEN);
	be64_put(h + 32, b->doc);
	be32_put(h + 40, b->version);
}

static void
make_ad(unsigned char ad[OBJ_AD_LEN], const unsigned char *vault_id,
    const unsigned char h[STORE_HEADER_LEN])
{
	size_t n = sizeof(OBJ_AD_DOMAIN) - 1;

	memcpy(ad, OBJ_AD_DOMAIN, n);
	memcpy(ad + n, vault_id, STORE_VAULT_ID_LEN);
	memcpy(ad + n + STORE_VAULT_ID_LEN, h, STORE_HEADER_LEN);
}

static void
make_nonce(unsigned char nonce[CRYPTO_NONCE_LEN], uint64_t counter, int last)
{
	memset(nonce, 0, CRYPTO_NONCE_LEN);
	be64_put(nonce + 3, counter);
	nonce[11] = last ? 1 : 0;
}

/* The fanout directory of an object name, 0..255. */
static unsigned
fanout_of(const char *name)
{
	static const char hex[] = "0123456789abcdef";
	const char *a = strchr(hex, name[0]), *b = strchr(hex, name[1]);

	return (unsigned)((a != NULL ? a - hex : 0) * 16 + (b != NULL ?
	    b - hex : 0));
}

void
store_defer_dir_sync(struct store *s, int on)
{
	s->defer = on;
}

int
store_sync_dirs(struct store *s, struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	char dir[PATH_MAX + 4];
	unsigned i;
	int rc = DOSSIER_OK;

	for (i = 0; i < 256 && rc == DOSSIER_OK; i++) {
		if (!s->dirty[i])
			continue;
		snprintf(dir, sizeof(dir), "%s/%c%c", s->objects, hex[i / 16],
		    hex[i % 16]);
		rc = fs_sync_dir(dir, e);
		if (rc == DOSSIER_OK)
			s->dirty[i] = 0;
	}
	if (rc == DOSSIER_OK && s->objects_dirty) {
		rc = fs_sync_dir(s->objects, e);
		if (rc == DOSSIER_OK)
			s->objects_dirty = 0;
	}
	return rc;
}

/* objects/ab/cdef...: dir gets objects/ab, path the whole file name. */
static void
object_path(const struct store *s, const char *name, char *dir, size_t dirsz,
    char *path, size_t pathsz)
{
	size_t n = strlen(s->objects);

	/* PATH_MAX buffers, checked at store_open(): 68 bytes always fit. */
	assert(n + 4 + STORE_NAME_LEN < dirsz && dirsz <= pathsz);
	memcpy(dir, s->objects, n);
	dir[n] = '/';
	memcpy(dir + n + 1, name, 2);
	dir[n + 3] = '\0';
	memcpy(path, dir, n + 3);
	path[n + 3] = '/';
	memcpy(path + n + 4, name + 2, STORE_NAME_LEN - 2 + 1);
}

void
store_write_abort(struct store_writer *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0) {
		close(w->fd);
		unlink(w->tmppath);
	}
	crypto_aead_free(w->aead);
	crypto_hash_free(w->hash);
	ZSTD_freeCCtx(w->zc);
	if (w->pending != NULL) {
		mem_wipe(w->pending, 2 * STORE_CHUNK);
		free(w->pending);
	}
	free(w->sealed);
	if (w->zout != NULL) {
		mem_wipe(w->zout, w->zoutsz);
		free(w->zout);
	}
	free(w);
}

int
store_write_begin(struct store *s, const unsigned char dek[CRYPTO_KEY_LEN],
    const struct store_binding *b, struct store_writer **wp, struct err *e)
{
	struct store_writer *w;
	unsigned char objid[STORE_OBJECT_ID_LEN], h[STORE_HEADER_LEN];
	int rc;

	*wp = NULL;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return err_nomem(e);
	w->s = s;
	w->fd = -1;
	w->zoutsz = ZSTD_CStreamOutSize();
	w->pending = malloc(2 * STORE_CHUNK);
	w->sealed = malloc(STORE_CHUNK);
	w->zout = malloc(w->zoutsz);
	w->zc = ZSTD_createCCtx();
	if (w->pending == NULL || w->sealed == NULL || w->zout == NULL ||
	    w->zc == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	if (ZSTD_isError(ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel,
		ZSTD_LEVEL))) {
		rc = err_set(e, DOSSIER_EINTERNAL, "cannot set up compression");
		goto out;
	}
	rc = crypto_aead_new(&w->aead, dek);
	if (rc == DOSSIER_OK)
		rc = crypto_hash_new(&w->hash, NULL, 0);
	if (rc == DOSSIER_OK)
		rc = crypto_random(objid, sizeof(objid));
	if (rc != DOSSIER_OK) {
		err_set(e, rc, "cannot set up object encryption");
		goto out;
	}
	make_header(h, objid, b);
	make_ad(w->ad, s->vault_id, h);
	rc = fs_mktemp(s->tmp, "obj-", w->tmppath, sizeof(w->tmppath), &w->fd,
	    e);
	if (rc != DOSSIER_OK)
		goto out;
	rc = fs_write_all(w->fd, h, sizeof(h), w->tmppath, e);
	if (rc == DOSSIER_OK)
		rc = crypto_hash_update(w->hash, h, sizeof(h));
	w->size = sizeof(h);
out:
	if (rc != DOSSIER_OK) {
		store_write_abort(w);
		return rc;
	}
	*wp = w;
	return DOSSIER_OK;
}

/* Seals n pending bytes (n <= STORE_CHUNK) as the next chunk. */
static int
seal_chunk(struct store_writer *w, size_t n, int last, struct err *e)
{
	unsigned char nonce[CRYPTO_NONCE_LEN], tag[CRYPTO_TAG_LEN];
	int rc;

	make_nonce(nonce, w->counter, last);
	rc = crypto_aead_seal_with(w->aead, nonce, w->ad, sizeof(w->ad),
	    w->pending, n, w->sealed, tag);
	if (rc != DOSSIER_OK)
		return err_set(e, rc, "cannot encrypt object chunk");
	rc = fs_write_all(w->fd, w->sealed, n, w->tmppath, e);
	if (rc == DOSSIER_OK)
		rc = fs_write_all(w->fd, tag, sizeof(tag), w->tmppath, e);
	if (rc != DOSSIER_OK)
		return rc;
	if (crypto_hash_update(w->hash, w->sealed, n) != DOSSIER_OK ||
	    crypto_hash_update(w->hash, tag, sizeof(tag)) != DOSSIER_OK)
		return err_set(e, DOSSIER_EINTERNAL, "cannot hash object");
	w->size += n + sizeof(tag);
	w->counter++;
	/* Keep what follows the chunk for the next one. */
	memmove(w->pending, w->pending + n, w->npending - n);
	w->npending -= n;
	mem_wipe(w->pending + w->npending, n);
	return DOSSIER_OK;
}

/*
 * Moves compressed output to pending, sealing full chunks while more is
 * known to follow: the last chunk is only sealed by store_write_finish().
 */
static int
absorb(struct store_writer *w, const unsigned char *p, size_t n, struct err *e)
{
	size_t take;
	int rc;

	while (n > 0) {
		take = 2 * STORE_CHUNK - w->npending;
		if (take > n)
			take = n;
		memcpy(w->pending + w->npending, p, take);
		w->npending += take;
		p += take;
		n -= take;
		while (w->npending > STORE_CHUNK) {
			rc = seal_chunk(w, STORE_CHUNK, 0, e);
			if (rc != DOSSIER_OK)
				return rc;
		}
	}
	return DOSSIER_OK;
}

static int
compress(struct store_writer *w, const void *p, size_t n, ZSTD_EndDirective op,
    struct err *e)
{
	ZSTD_inBuffer in = { p, n, 0 };
	ZSTD_outBuffer out;
	size_t left;
	int rc;

	for (;;) {
		out.dst = w->zout;
		out.size = w->zoutsz;
		out.pos = 0;
		left = ZSTD_compressStream2(w->zc, &out, &in, op);
		if (ZSTD_isError(left))
			return err_set(e, DOSSIER_EINTERNAL,
			    "cannot compress: %s", ZSTD_getErrorName(left));
		rc = absorb(w, w->zout, out.pos, e);
		if (rc != DOSSIER_OK)
			return rc;
		if (op == ZSTD_e_end ? left == 0 : in.pos == in.size)
			return DOSSIER_OK;
	}
}

int
store_write(struct store_writer *w, const void *p, size_t n, struct err *e)
{
	return compress(w, p, n, ZSTD_e_continue, e);
}

int
store_write_finish(struct store_writer *w, char *name, uint64_t *cipher_size,
    struct err *e)
{
	unsigned char digest[CRYPTO_HASH_LEN];
	char dir[PATH_MAX], path[PATH_MAX];
	int rc, fd;

	rc = compress(w, "", 0, ZSTD_e_end, e);
	if (rc != DOSSIER_OK)
		goto out;
	/* absorb() left 0..STORE_CHUNK bytes: they make the last chunk. */
	rc = seal_chunk(w, w->npending, 1, e);
	if (rc != DOSSIER_OK)
		goto out;
	if (crypto_hash_final(w->hash, digest) != DOSSIER_OK) {
		rc = err_set(e, DOSSIER_EINTERNAL, "cannot hash object");
		goto out;
	}
	hex_encode(digest, sizeof(digest), name);
	object_path(w->s, name, dir, sizeof(dir), path, sizeof(path));
	if (w->s->defer) {
		/* store_sync_dirs() makes the names durable later. */
		if (mkdir(dir, 0700) == 0)
			w->s->objects_dirty = 1;
		else if (errno != EEXIST)
			rc = err_set(e, DOSSIER_EIO, "cannot create directory "
			    "'%s': %s", dir, strerror(errno));
		w->s->dirty[fanout_of(name)] = 1;
	} else {
		rc = fs_mkdir(dir, e);
	}
	if (rc != DOSSIER_OK)
		goto out;
	fd = w->fd;
	w->fd = -1;
	rc = w->s->defer ? fs_commit_file_nodirsync(fd, w->tmppath, path, e) :
	    fs_commit_file(fd, w->tmppath, path, e);
	if (rc != DOSSIER_OK)
		unlink(w->tmppath);
	if (cipher_size != NULL)
		*cipher_size = w->size;
out:
	store_write_abort(w);
	return rc;
}

struct reader {
	int fd;
	const char *name;
	unsigned char carry; /* a byte read ahead to detect the end */
	int has_carry;
};

/* Reads one chunk + tag; *last is set when the file ends after it. */
static int
read_chunk(struct reader *r, unsigned char *buf, size_t *got, int *last,
    struct err *e)
{
	size_t want = STORE_CHUNK + CRYPTO_TAG_LEN, n = 0, more;
	int rc;

	if (r->has_carry) {
		buf[0] = r->carry;
		r->has_carry = 0;
		n = 1;
	}
	rc = fs_read_full(r->fd, buf + n, want - n, &more, r->name, e);
	if (rc != DOSSIER_OK)
		return rc;
	n += more;
	*got = n;
	if (n < want) {
		*last = 1;
		return DOSSIER_OK;
	}
	rc = fs_read_full(r->fd, &r->carry, 1, &more, r->name, e);
	if (rc != DOSSIER_OK)
		return rc;
	r->has_carry = more == 1;
	*last = !r->has_carry;
	return DOSSIER_OK;
}

static int
open_object(struct store *s, const char *name, int *fd, struct err *e)
{
	char dir[PATH_MAX], path[PATH_MAX];

	if (!store_name_valid(name))
		return err_set(e, DOSSIER_ECORRUPT, "invalid object name '%s'",
		    name);
	object_path(s, name, dir, sizeof(dir), path, sizeof(path));
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0 && errno == ENOENT)
		return err_set(e, DOSSIER_ECORRUPT, "object %.16s is missing",
		    name);
	if (*fd < 0)
		return err_set(e, DOSSIER_EIO, "cannot open object %.16s: %s",
		    name, strerror(errno));
	return DOSSIER_OK;
}

static int
check_header(const unsigned char *h, const struct store_binding *b,
    const char *name, struct err *e)
{
	if (memcmp(h, OBJ_MAGIC, 8) != 0)
		return err_set(e, DOSSIER_ECORRUPT,
		    "object %.16s is not a dossier object", name);
	if (h[8] != 0 || h[9] != OBJ_FORMAT || h[10] != 0 ||
	    h[11] != OBJ_FLAG_ZSTD || be32_get(h + 12) != STORE_CHUNK)
		return err_set(e, DOSSIER_ECORRUPT,
		    "object %.16s has an unknown format", name);
	if (be64_get(h + 32) != b->doc || be32_get(h + 40) != b->version)
		return err_set(e, DOSSIER_ECORRUPT,
		    "object %.16s belongs to another document or version",
		    name);
	return DOSSIER_OK;
}

/* Feeds one verified chunk to the decompressor and the sink. */
static int
inflate_chunk(ZSTD_DCtx *zd, const unsigned char *p, size_t n,
    unsigned char *out, size_t outsz, uint64_t *total, uint64_t max_size,
    size_t *left, store_sink_fn sink, void *ctx, const char *name,
    struct err *e)
{
	ZSTD_inBuffer in = { p, n, 0 };
	ZSTD_outBuffer o;
	int rc;

	do {
		o.dst = out;
		o.size = outsz;
		o.pos = 0;
		*left = ZSTD_decompressStream(zd, &o, &in);
		if (ZSTD_isError(*left))
			return err_set(e, DOSSIER_ECORRUPT,
			    "object %.16s does not decompress: %s", name,
			    ZSTD_getErrorName(*left));
		*total += o.pos;
		if (*total > max_size)
			return err_set(e, DOSSIER_ECORRUPT,
			    "object %.16s is longer than its catalog entry",
			    name);
		if (o.pos > 0) {
			rc = sink(ctx, out, o.pos);
			if (rc != 0)
				return rc;
		}
	} while (in.pos < in.size || o.pos == o.size);
	return DOSSIER_OK;
}

int
store_read(struct store *s, const char *name,
    const unsigned char dek[CRYPTO_KEY_LEN], const struct store_binding *b,
    uint64_t max_size, store_sink_fn sink, void *ctx, struct err *e)
{
	struct reader r = { -1, name, 0, 0 };
	struct crypto_aead *aead = NULL;
	ZSTD_DCtx *zd = NULL;
	unsigned char h[STORE_HEADER_LEN], ad[OBJ_AD_LEN];
	unsigned char nonce[CRYPTO_NONCE_LEN];
	unsigned char *cbuf = NULL, *pbuf = NULL, *out = NULL;
	size_t got, n, outsz = ZSTD_DStreamOutSize(), left = 1;
	uint64_t counter = 0, total = 0;
	int rc, last = 0;

	rc = open_object(s, name, &r.fd, e);
	if (rc != DOSSIER_OK)
		return rc;
	cbuf = malloc(STORE_CHUNK + CRYPTO_TAG_LEN);
	pbuf = malloc(STORE_CHUNK);
	out = malloc(outsz);
	zd = ZSTD_createDCtx();
	if (cbuf == NULL || pbuf == NULL || out == NULL || zd == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	rc = fs_read_full(r.fd, h, sizeof(h), &got, name, e);
	if (rc != DOSSIER_OK)
		goto out;
	if (got < sizeof(h)) {
		rc = err_set(e, DOSSIER_ECORRUPT,
		    "object %.16s is truncated in its header", name);
		goto out;
	}
	rc = check_header(h, b, name, e);
	if (rc != DOSSIER_OK)
		goto out;
	make_ad(ad, s->vault_id, h);
	rc = crypto_aead_new(&aead, dek);
	if (rc != DOSSIER_OK) {
		err_set(e, rc, "cannot set up object decryption");
		goto out;
	}
	while (!last) {
		rc = read_chunk(&r, cbuf, &got, &last, e);
		if (rc != DOSSIER_OK)
			goto out;
		if (got < CRYPTO_TAG_LEN) {
			rc = err_set(e, DOSSIER_ECORRUPT,
			    "object %.16s is truncated at chunk %llu", name,
			    (unsigned long long)counter);
			goto out;
		}
		n = got - CRYPTO_TAG_LEN;
		make_nonce(nonce, counter, last);
		rc = crypto_aead_open_with(aead, nonce, ad, sizeof(ad), cbuf, n,
		    cbuf + n, pbuf);
		if (rc != DOSSIER_OK) {
			rc = err_set(e, DOSSIER_ECORRUPT,
			    "object %.16s is damaged at chunk %llu%s", name,
			    (unsigned long long)counter,
			    last ? " (or truncated)" : "");
			goto out;
		}
		rc = inflate_chunk(zd, pbuf, n, out, outsz, &total, max_size,
		    &left, sink, ctx, name, e);
		if (rc != DOSSIER_OK)
			goto out;
		counter++;
	}
	if (left != 0)
		rc = err_set(e, DOSSIER_ECORRUPT,
		    "object %.16s ends inside its compressed stream", name);
out:
	if (r.fd >= 0)
		close(r.fd);
	crypto_aead_free(aead);
	ZSTD_freeDCtx(zd);
	if (pbuf != NULL) {
		mem_wipe(pbuf, STORE_CHUNK);
		free(pbuf);
	}
	if (out != NULL) {
		mem_wipe(out, outsz);
		free(out);
	}
	free(cbuf);
	return rc;
}

int
store_scrub(struct store *s, const char *name, struct err *e)
{
	struct crypto_hash *hash = NULL;
	unsigned char digest[CRYPTO_HASH_LEN], *buf;
	char hex[2 * CRYPTO_HASH_LEN + 1];
	size_t got;
	int fd, rc;

	rc = open_object(s, name, &fd, e);
	if (rc != DOSSIER_OK)
		return rc == DOSSIER_ECORRUPT && store_name_valid(name) ?
		    DOSSIER_ENOTFOUND : rc;
	buf = malloc(STORE_CHUNK);
	if (buf == NULL) {
		close(fd);
		return err_nomem(e);
	}
	rc = crypto_hash_new(&hash, NULL, 0);
	if (rc != DOSSIER_OK) {
		err_set(e, rc, "cannot hash object");
		goto out;
	}
	do {
		rc = fs_read_full(fd, buf, STORE_CHUNK, &got, name, e);
		if (rc != DOSSIER_OK)
			goto out;
		rc = crypto_hash_update(hash, buf, got);
		if (rc != DOSSIER_OK) {
			err_set(e, rc, "cannot hash object");
			goto out;
		}
	} while (got == STORE_CHUNK);
	rc = crypto_hash_final(hash, digest);
	if (rc != DOSSIER_OK) {
		err_set(e, rc, "cannot hash object");
		goto out;
	}
	hex_encode(digest, sizeof(digest), hex);
	if (strcmp(hex, name) != 0)
		rc = err_set(e, DOSSIER_ECORRUPT,
		    "object %.16s does not match its hash", name);
out:
	crypto_hash_free(hash);
	free(buf);
	close(fd);
	return rc;
}

int
store_remove(struct store *s, const char *name, struct err *e)
{
	char dir[PATH_MAX], path[PATH_MAX];

	if (!store_name_valid(name))
		return err_set(e, DOSSIER_EINTERNAL, "invalid object name");
	object_path(s, name, dir, sizeof(dir), path, sizeof(path));
	if (unlink(path) != 0 && errno != ENOENT)
		return err_set(e, DOSSIER_EIO, "cannot remove object %.16s: %s",
		    name, strerror(errno));
	return fs_sync_dir(dir, e);
}

int
store_remove_tmp(struct store *s, const char *name, struct err *e)
{
	char path[PATH_MAX];
	int rc;

	if (strchr(name, '/') != NULL || name[0] == '.')
		return err_set(e, DOSSIER_EINTERNAL, "invalid temporary name");
	rc = join(path, sizeof(path), s->tmp, name, e);
	if (rc != DOSSIER_OK)
		return rc;
	if (unlink(path) != 0 && errno != ENOENT)
		return err_set(e, DOSSIER_EIO, "cannot remove '%s': %s", path,
		    strerror(errno));
	return DOSSIER_OK;
}

static int
each_in(const char *dir, const char *prefix, store_each_fn fn, void *ctx,
    struct err *e)
{
	char name[STORE_NAME_LEN + 2];
	struct dirent *de;
	DIR *d;
	int rc = DOSSIER_OK;

	d = opendir(dir);
	if (d == NULL)
		return err_set(e, DOSSIER_EIO, "cannot read directory '%s': %s",
		    dir, strerror(errno));
	while (rc == DOSSIER_OK) {
		errno = 0;
		de = readdir(d);
		if (de == NULL) {
			if (errno != 0)
				rc = err_set(e, DOSSIER_EIO,
				    "cannot read directory '%s': %s", dir,
				    strerror(errno));
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(name, sizeof(name), "%s%s", prefix, de->d_name) >=
		    (int)sizeof(name))
			snprintf(name, sizeof(name), "%s", "?");
		rc = fn(ctx, prefix[0] != '\0' ? name : de->d_name);
	}
	closedir(d);
	return rc;
}

struct fanout {
	struct store *s;
	store_each_fn fn;
	void *ctx;
	struct err *e;
};

static int
each_fanout(void *ctx, const char *sub)
{
	struct fanout *f = ctx;
	char dir[PATH_MAX];

	if (strlen(sub) != 2 || snprintf(dir, sizeof(dir), "%s/%s",
	    f->s->objects, sub) >= (int)sizeof(dir))
		return f->fn(f->ctx, sub);
	return each_in(dir, sub, f->fn, f->ctx, f->e);
}

int
store_each(struct store *s, int tmp, store_each_fn fn, void *ctx,
    struct err *e)
{
	struct fanout f = { s, fn, ctx, e };

	if (tmp)
		return each_in(s->tmp, "", fn, ctx, e);
	return each_in(s->objects, "", each_fanout, &f, e);
}
