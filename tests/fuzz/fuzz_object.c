/*
 * fuzz_object.c: the object format (store.c: header, 64 KiB AES-GCM
 * chunks, zstd inside), in a store of its own under $TMPDIR.  The first
 * byte of the input picks what the rest is:
 *	0  an object file as found on disk, read with a fixed key and
 *	   binding: refused as damaged or read within its size bound;
 *	1  plaintext, written as an object and read back: the same bytes;
 *	2  four bytes of position, a byte of mask, then plaintext: written,
 *	   one byte of the object file changed, read: always refused
 *	   (DOSSIER_ECORRUPT).
 */
#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "buf.h"
#include "dossier.h"
#include "error.h"
#include "store.h"

static const unsigned char vault_id[STORE_VAULT_ID_LEN] = "fuzz-vault-id-01";
static const unsigned char dek[CRYPTO_KEY_LEN] =
    "fuzz data key, 32 bytes long...";
static const struct store_binding binding = {7, 3};
static const char raw_name[] =
    "ab00000000000000000000000000000000000000000000000000000000000000";

static struct store *store;
static char root[4096];

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static void
cleanup(void)
{
	store_free(store);
	if (root[0] != '\0')
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int
setup(void)
{
	const char *tmp = getenv("TMPDIR");
	struct err e;

	if (store != NULL)
		return 0;
	FUZZ_CHECK(crypto_global_init() == DOSSIER_OK);
	snprintf(root, sizeof(root), "%s/dossier-fuzz-object.XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(root) == NULL) {
		root[0] = '\0';
		return -1;
	}
	atexit(cleanup);
	if (store_create_dirs(root, &e) != DOSSIER_OK ||
	    store_open(root, vault_id, &store, &e) != DOSSIER_OK)
		return -1;
	return 0;
}

static int
collect(void *ctx, const void *p, size_t n)
{
	return buf_append(ctx, p, n) != 0 ? DOSSIER_ENOMEM : 0;
}

/* objects/ab/cdef... under root, as store.c lays it out. */
static void
path_of(const char *name, char *dir, size_t dsz, char *path, size_t psz)
{
	snprintf(dir, dsz, "%s/objects/%.2s", root, name);
	snprintf(path, psz, "%s/%s", dir, name + 2);
}

static void
raw(const uint8_t *p, size_t n)
{
	char dir[4200], path[4300];
	struct buf out = BUF_INIT;
	struct err e;
	int fd, rc;

	path_of(raw_name, dir, sizeof(dir), path, sizeof(path));
	mkdir(dir, 0700);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (n > 0 && write(fd, p, n) != (ssize_t)n) {
		close(fd);
		return;
	}
	close(fd);
	rc = store_read(store, raw_name, dek, &binding, 1u << 20, collect,
	    &out, &e);
	FUZZ_CHECK(rc != DOSSIER_OK || out.len <= (1u << 20));
	FUZZ_CHECK(rc == DOSSIER_OK || e.msg[0] != '\0');
	buf_release(&out);
	remove(path);
}

/* Writes p as an object; its name into name.  0 or -1. */
static int
put(const uint8_t *p, size_t n, char name[STORE_NAME_LEN + 1])
{
	struct store_writer *w;
	uint64_t csize;
	struct err e;

	if (store_write_begin(store, dek, &binding, &w, &e) != DOSSIER_OK)
		goto fail;
	if (store_write(w, p, n, &e) != DOSSIER_OK) {
		store_write_abort(w);
		goto fail;
	}
	if (store_write_finish(w, name, &csize, &e) == DOSSIER_OK)
		return 0;
fail:
	fprintf(stderr, "cannot write an object: %s\n", e.msg);
	return -1;
}

static void
roundtrip(const uint8_t *p, size_t n)
{
	char name[STORE_NAME_LEN + 1];
	struct buf out = BUF_INIT;
	struct err e;

	FUZZ_CHECK(put(p, n, name) == 0);
	FUZZ_CHECK(store_read(store, name, dek, &binding, n, collect, &out,
	    &e) == DOSSIER_OK);
	FUZZ_CHECK(out.len == n && (n == 0 || memcmp(out.data, p, n) == 0));
	/* One byte fewer than the catalog says: refused. */
	if (n > 0) {
		buf_reset(&out);
		FUZZ_CHECK(store_read(store, name, dek, &binding, n - 1,
		    collect, &out, &e) == DOSSIER_ECORRUPT);
	}
	buf_release(&out);
	FUZZ_CHECK(store_remove(store, name, &e) == DOSSIER_OK);
}

static void
flipped(const uint8_t *p, size_t n)
{
	char name[STORE_NAME_LEN + 1], dir[4200], path[4300];
	struct buf out = BUF_INIT;
	unsigned char c, mask;
	uint32_t pos;
	struct stat st;
	struct err e;
	int fd;

	if (n < 5)
		return;
	pos = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	mask = p[4] != 0 ? p[4] : 1;
	FUZZ_CHECK(put(p + 5, n - 5, name) == 0);
	path_of(name, dir, sizeof(dir), path, sizeof(path));
	fd = open(path, O_RDWR | O_CLOEXEC);
	FUZZ_CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 0);
	pos %= (uint32_t)st.st_size;
	FUZZ_CHECK(pread(fd, &c, 1, pos) == 1);
	c ^= mask;
	FUZZ_CHECK(pwrite(fd, &c, 1, pos) == 1);
	close(fd);
	FUZZ_CHECK(store_read(store, name, dek, &binding, n - 5, collect,
	    &out, &e) == DOSSIER_ECORRUPT);
	buf_release(&out);
	FUZZ_CHECK(store_remove(store, name, &e) == DOSSIER_OK);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || setup() != 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		raw(data + 1, size - 1);
		break;
	case 1:
		roundtrip(data + 1, size - 1);
		break;
	default:
		flipped(data + 1, size - 1);
		break;
	}
	return 0;
}
