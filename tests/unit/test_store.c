/*
 * test_store.c: the encrypted object format: round trips at chunk
 * boundaries, and the tamper matrix of docs/SECURITY.md (flip, truncate,
 * drop, append, swap, duplicate, move to another document): every case
 * fails with DOSSIER_ECORRUPT and releases no plaintext of the bad chunk.
 */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dossier.h"
#include "buf.h"
#include "crypto.h"
#include "error.h"
#include "store.h"

struct fixture {
	char root[64];
	struct store *s;
	unsigned char dek[CRYPTO_KEY_LEN];
	unsigned char vault_id[STORE_VAULT_ID_LEN];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err e;

	snprintf(f->root, sizeof(f->root), "/tmp/dossier-store-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	assert_int_equal(store_create_dirs(f->root, &e), 0);
	memset(f->vault_id, 7, sizeof(f->vault_id));
	assert_int_equal(crypto_random(f->dek, sizeof(f->dek)), 0);
	assert_int_equal(store_open(f->root, f->vault_id, &f->s, &e), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	store_free(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Pseudo-random but compressible-resistant bytes, reproducible. */
static unsigned char *
make_data(size_t n, unsigned seed)
{
	unsigned char *p = malloc(n ? n : 1);
	uint32_t x = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)x;
	}
	return p;
}

static void
put(struct fixture *f, const void *p, size_t n, uint64_t doc, uint32_t ver,
    char *name)
{
	struct store_binding b = { doc, ver };
	struct store_writer *w;
	struct err e;
	size_t off, step;

	assert_int_equal(store_write_begin(f->s, f->dek, &b, &w, &e), 0);
	/* Uneven pieces, to cross chunk boundaries inside a write. */
	for (off = 0; off < n; off += step) {
		step = n - off < 12345 ? n - off : 12345;
		assert_int_equal(store_write(w, (const unsigned char *)p + off,
		    step, &e), 0);
	}
	assert_int_equal(store_write_finish(w, name, NULL, &e), 0);
}

struct sink {
	struct buf b;
};

static int
sink(void *ctx, const void *p, size_t n)
{
	struct sink *s = ctx;

	return buf_append(&s->b, p, n);
}

static int
get(struct fixture *f, const char *name, uint64_t doc, uint32_t ver,
    uint64_t max, struct buf *out)
{
	struct store_binding b = { doc, ver };
	struct sink s = { BUF_INIT };
	struct err e;
	int rc;

	err_clear(&e);
	rc = store_read(f->s, name, f->dek, &b, max, sink, &s, &e);
	if (out != NULL) {
		*out = s.b;
	} else {
		buf_release(&s.b);
	}
	return rc;
}

static void
object_file(struct fixture *f, const char *name, char *path, size_t n)
{
	snprintf(path, n, "%s/objects/%.2s/%s", f->root, name, name + 2);
}

static void
test_round_trip_sizes(void **state)
{
	struct fixture *f = *state;
	static const size_t sizes[] = { 0, 1, 100, STORE_CHUNK - 1, STORE_CHUNK,
		STORE_CHUNK + 1, 3 * STORE_CHUNK, 1000000 };
	char name[STORE_NAME_LEN + 1];
	struct buf out;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = make_data(sizes[i], (unsigned)i);

		put(f, p, sizes[i], 5, 1, name);
		assert_true(store_name_valid(name));
		assert_int_equal(get(f, name, 5, 1, sizes[i], &out), 0);
		assert_int_equal(out.len, sizes[i]);
		assert_memory_equal(out.data != NULL ? out.data :
		    (const unsigned char *)"", p, sizes[i]);
		assert_int_equal(store_scrub(f->s, name, &e), 0);
		buf_release(&out);
		free(p);
	}
}

static void
test_compressible_text(void **state)
{
	struct fixture *f = *state;
	char name[STORE_NAME_LEN + 1];
	struct buf in = BUF_INIT, out;
	int i;

	for (i = 0; i < 20000; i++)
		buf_puts(&in, "合同编号 HT-2022-0315 客户档案 ");
	put(f, in.data, in.len, 1, 1, name);
	assert_int_equal(get(f, name, 1, 1, in.len, &out), 0);
	assert_int_equal(out.len, in.len);
	assert_memory_equal(out.data, in.data, in.len);
	buf_release(&in);
	buf_release(&out);
}

/* The plaintext never appears in the object file. */
static void
test_no_plaintext(void **state)
{
	struct fixture *f = *state;
	char name[STORE_NAME_LEN + 1], path[256];
	const char *marker = "机密标记XQZ7 secret-marker-XQZ7";
	unsigned char file[4096];
	ssize_t n;
	int fd;

	put(f, marker, strlen(marker), 1, 1, name);
	object_file(f, name, path, sizeof(path));
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, file, sizeof(file));
	close(fd);
	assert_true(n > 0);
	assert_null(memmem(file, (size_t)n, "XQZ7", 4));
}

/* Writes a changed copy of an object under its old name. */
static void
rewrite(struct fixture *f, const char *name, const unsigned char *p, size_t n)
{
	char path[256];
	int fd;

	object_file(f, name, path, sizeof(path));
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static unsigned char *
slurp(struct fixture *f, const char *name, size_t *n)
{
	char path[256];
	struct stat st;
	unsigned char *p;
	int fd;

	object_file(f, name, path, sizeof(path));
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	p = malloc((size_t)st.st_size + STORE_CHUNK);
	assert_int_equal(read(fd, p, (size_t)st.st_size), st.st_size);
	close(fd);
	*n = (size_t)st.st_size;
	return p;
}

#define SEALED (STORE_CHUNK + CRYPTO_TAG_LEN)

/*
 * Incompressible content of 3.5 chunks gives an object of header + 4
 * sealed chunks: the layout the tamper cases edit.
 */
static unsigned char *
tamper_setup(struct fixture *f, char *name, size_t *plen, unsigned char **orig,
    size_t *olen)
{
	size_t n = 3 * STORE_CHUNK + STORE_CHUNK / 2;
	unsigned char *p = make_data(n, 99);

	put(f, p, n, 9, 2, name);
	*plen = n;
	*orig = slurp(f, name, olen);
	return p;
}

/* Reading must fail closed, and release only whole verified chunks. */
static void
expect_corrupt(struct fixture *f, const char *name, const unsigned char *plain,
    size_t plen)
{
	struct buf out;

	assert_int_equal(get(f, name, 9, 2, plen + 100, &out),
	    DOSSIER_ECORRUPT);
	/* Whatever came out is a prefix of the real content. */
	assert_true(out.len <= plen);
	if (out.len > 0)
		assert_memory_equal(out.data, plain, out.len);
	buf_release(&out);
}

static void
test_tamper_matrix(void **state)
{
	struct fixture *f = *state;
	char name[STORE_NAME_LEN + 1];
	unsigned char *plain, *orig, *t;
	size_t plen, olen, i;
	struct err e;
	static const size_t flips[] = { 0, 9, 13, 20, 40, STORE_HEADER_LEN,
		STORE_HEADER_LEN + 1000, STORE_HEADER_LEN + STORE_CHUNK + 3,
		STORE_HEADER_LEN + 2 * SEALED + 17 };

	plain = tamper_setup(f, name, &plen, &orig, &olen);
	t = malloc(olen + 2 * SEALED);

	/* Flipped bytes: header fields, chunk bodies, tags, last byte. */
	for (i = 0; i < sizeof(flips) / sizeof(flips[0]) + 1; i++) {
		size_t at = i < sizeof(flips) / sizeof(flips[0]) ? flips[i] :
		    olen - 1;

		memcpy(t, orig, olen);
		t[at] ^= 0x01;
		rewrite(f, name, t, olen);
		expect_corrupt(f, name, plain, plen);
		assert_int_equal(store_scrub(f->s, name, &e), DOSSIER_ECORRUPT);
	}
	/* Truncated: inside the header, at and inside chunk boundaries. */
	{
		static const size_t cuts[] = { 0, 10, STORE_HEADER_LEN,
			STORE_HEADER_LEN + 5, STORE_HEADER_LEN + SEALED,
			STORE_HEADER_LEN + SEALED + 100,
			STORE_HEADER_LEN + 3 * SEALED };

		for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			rewrite(f, name, orig, cuts[i]);
			expect_corrupt(f, name, plain, plen);
		}
		rewrite(f, name, orig, olen - 1);
		expect_corrupt(f, name, plain, plen);
	}
	/* Appended bytes, and a duplicated last chunk. */
	memcpy(t, orig, olen);
	memcpy(t + olen, "x", 1);
	rewrite(f, name, t, olen + 1);
	expect_corrupt(f, name, plain, plen);
	memcpy(t, orig, olen);
	memcpy(t + olen, orig + STORE_HEADER_LEN + 3 * SEALED,
	    olen - STORE_HEADER_LEN - 3 * SEALED);
	rewrite(f, name, t, 2 * olen - STORE_HEADER_LEN - 3 * SEALED);
	expect_corrupt(f, name, plain, plen);
	/* Swapped chunks 1 and 2; a dropped middle chunk. */
	memcpy(t, orig, olen);
	memcpy(t + STORE_HEADER_LEN + SEALED, orig + STORE_HEADER_LEN +
	    2 * SEALED, SEALED);
	memcpy(t + STORE_HEADER_LEN + 2 * SEALED, orig + STORE_HEADER_LEN +
	    SEALED, SEALED);
	rewrite(f, name, t, olen);
	expect_corrupt(f, name, plain, plen);
	memcpy(t, orig, STORE_HEADER_LEN + SEALED);
	memcpy(t + STORE_HEADER_LEN + SEALED, orig + STORE_HEADER_LEN +
	    2 * SEALED, olen - STORE_HEADER_LEN - 2 * SEALED);
	rewrite(f, name, t, olen - SEALED);
	expect_corrupt(f, name, plain, plen);
	/* A zeroed chunk. */
	memcpy(t, orig, olen);
	memset(t + STORE_HEADER_LEN + SEALED, 0, SEALED);
	rewrite(f, name, t, olen);
	expect_corrupt(f, name, plain, plen);
	/* Intact again: reads. */
	rewrite(f, name, orig, olen);
	assert_int_equal(get(f, name, 9, 2, plen, NULL), 0);
	free(t);
	free(orig);
	free(plain);
}

/* An object read as another document or version, or with another key. */
static void
test_substitution(void **state)
{
	struct fixture *f = *state;
	char name[STORE_NAME_LEN + 1];
	unsigned char *p = make_data(1000, 3);
	struct store_binding b = { 9, 2 };
	struct err e;

	put(f, p, 1000, 9, 2, name);
	assert_int_equal(get(f, name, 9, 1, 1000, NULL), DOSSIER_ECORRUPT);
	assert_int_equal(get(f, name, 8, 2, 1000, NULL), DOSSIER_ECORRUPT);
	f->dek[0] ^= 1;
	assert_int_equal(get(f, name, 9, 2, 1000, NULL), DOSSIER_ECORRUPT);
	f->dek[0] ^= 1;
	/* Longer than the catalog says: refused. */
	assert_int_equal(get(f, name, 9, 2, 999, NULL), DOSSIER_ECORRUPT);
	assert_int_equal(get(f, name, 9, 2, 1000, NULL), 0);
	/* Missing object. */
	assert_int_equal(store_remove(f->s, name, &e), 0);
	assert_int_equal(store_read(f->s, name, f->dek, &b, 1000, sink, NULL,
	    &e), DOSSIER_ECORRUPT);
	assert_int_equal(store_scrub(f->s, name, &e), DOSSIER_ENOTFOUND);
	free(p);
}

/* An aborted write leaves no file behind. */
static void
test_abort_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	struct store_binding b = { 1, 1 };
	struct store_writer *w;
	struct err e;
	char cmd[256];

	assert_int_equal(store_write_begin(f->s, f->dek, &b, &w, &e), 0);
	assert_int_equal(store_write(w, "abc", 3, &e), 0);
	store_write_abort(w);
	snprintf(cmd, sizeof(cmd), "test -z \"$(find '%s/tmp' '%s/objects' -type f)\"",
	    f->root, f->root);
	assert_int_equal(system(cmd), 0);
}

/* Golden file: pins the object format (see fixtures/golden/). */
static void
test_golden_header(void **state)
{
	struct fixture *f = *state;
	char name[STORE_NAME_LEN + 1];
	unsigned char *obj;
	size_t n;

	put(f, "x", 1, 0x0102030405060708ull, 0x0a0b0c0d, name);
	obj = slurp(f, name, &n);
	assert_memory_equal(obj, "DOSSOBJ\n\0\1\0\1\0\1\0\0", 16);
	assert_memory_equal(obj + 32, "\1\2\3\4\5\6\7\10\12\13\14\15", 12);
	/* header + one last chunk (zstd frame of 1 byte) + tag */
	assert_true(n > STORE_HEADER_LEN + CRYPTO_TAG_LEN);
	free(obj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip_sizes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_compressible_text, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_plaintext, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tamper_matrix, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_substitution, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_abort_leaves_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_golden_header, setup,
		    teardown),
	};

	if (dossier_library_init() != DOSSIER_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
