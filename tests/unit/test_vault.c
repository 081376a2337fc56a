/*
 * test_vault.c: the public API of include/dossier.h end to end, on real
 * vaults in fresh temp directories: create and unlock, add and show, get,
 * update and history, duplicates, recursive add, metadata and listing,
 * trash and purge, verify and garbage collection, no plaintext at rest,
 * and the substitution and insider cases of docs/SECURITY.md (catalog
 * rows edited with the sqlite3 C API, on the catalog an insider holding
 * the admin's passphrase decrypts with tools of their own: insider.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dossier.h"
#include "buf.h"
#include "crypto.h"
#include "insider.h"

#define ADMIN "admin"
#define PASS "correct horse battery staple 正确"
#define PASSLEN (sizeof(PASS) - 1)
#define KIB 1024

struct fx {
	char root[64];	/* the temp directory */
	char vault[128]; /* root/v */
	char in[128];	/* root/in: the files to file */
	struct dossier *d;
	struct catalog *cat; /* the catalog opened by db_open(), or NULL */
};

/* Checks a call that must succeed, printing the handle's message if not. */
#define OK(f, expr) do { \
	int rc_ = (expr); \
	if (rc_ != DOSSIER_OK) \
		print_error("%s -> %d: %s\n", #expr, rc_, \
		    dossier_errmsg((f)->d)); \
	assert_int_equal(rc_, DOSSIER_OK); \
} while (0)

/* Checks a call that must fail with code. */
#define FAILS(f, expr, code) do { \
	int rc_ = (expr); \
	if (rc_ != (code)) \
		print_error("%s -> %d, wanted %d: %s\n", #expr, rc_, (code), \
		    dossier_errmsg((f)->d)); \
	assert_int_equal(rc_, (code)); \
} while (0)

/* ---- fixture ---- */

static int
setup_dirs(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->root, sizeof(f->root), "/tmp/dossier-vault-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->vault, sizeof(f->vault), "%s/v", f->root);
	snprintf(f->in, sizeof(f->in), "%s/in", f->root);
	assert_int_equal(mkdir(f->in, 0700), 0);
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	struct fx *f;
	int rc;

	setup_dirs(state);
	f = *state;
	rc = dossier_create(f->vault, ADMIN, PASS, PASSLEN, &f->d);
	if (rc != DOSSIER_OK)
		print_error("create: %s\n", dossier_errmsg(f->d));
	assert_int_equal(rc, DOSSIER_OK);
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	catalog_close(f->cat);
	dossier_close(f->d);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Closes and reopens the vault, unlocked again. */
static void
reopen(struct fx *f)
{
	dossier_close(f->d);
	f->d = NULL;
	OK(f, dossier_open(f->vault, &f->d));
	OK(f, dossier_unlock(f->d, ADMIN, PASS, PASSLEN));
}

/* ---- files ---- */

/* A path under the input directory (one of four rotating buffers). */
static const char *
inpath(struct fx *f, const char *name)
{
	static char bufs[4][PATH_MAX];
	static unsigned i;
	char *p = bufs[i++ % 4];

	snprintf(p, PATH_MAX, "%s/%s", f->in, name);
	return p;
}

static void
write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	if (n > 0)
		assert_true(write(fd, p, n) == (ssize_t)n);
	assert_int_equal(close(fd), 0);
}

/* Writes an input file; returns its path. */
static const char *
put_in(struct fx *f, const char *name, const void *p, size_t n)
{
	const char *path = inpath(f, name);

	write_file(path, p, n);
	return path;
}

static const char *
put_text(struct fx *f, const char *name, const char *text)
{
	return put_in(f, name, text, strlen(text));
}

/* The whole file into b; returns 0 or -1 if it cannot be opened. */
static int
slurp(const char *path, struct buf *b)
{
	unsigned char tmp[8192];
	ssize_t n;
	int fd;

	buf_reset(b);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	for (;;) {
		n = read(fd, tmp, sizeof(tmp));
		assert_true(n >= 0);
		if (n == 0)
			break;
		assert_int_equal(buf_append(b, tmp, (size_t)n), 0);
	}
	close(fd);
	return 0;
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Pseudo-random, incompressible, reproducible bytes. */
static unsigned char *
make_data(size_t n, unsigned seed)
{
	unsigned char *p = malloc(n ? n : 1);
	uint32_t x = seed * 2654435761u + 1;
	size_t i;

	assert_non_null(p);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)x;
	}
	return p;
}

static void
sha_hex(const void *p, size_t n, char out[2 * CRYPTO_HASH_LEN + 1])
{
	struct crypto_hash *h;
	unsigned char digest[CRYPTO_HASH_LEN];

	assert_int_equal(crypto_hash_new(&h, NULL, 0), 0);
	assert_int_equal(crypto_hash_update(h, p, n), 0);
	assert_int_equal(crypto_hash_final(h, digest), 0);
	crypto_hash_free(h);
	hex_encode(digest, sizeof(digest), out);
}

/* Regular files under dir, recursively. */
static size_t
count_files(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	size_t n = 0;
	DIR *dd = opendir(dir);

	assert_non_null(dd);
	while ((de = readdir(dd)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(lstat(path, &st), 0);
		if (S_ISDIR(st.st_mode))
			n += count_files(path);
		else
			n++;
	}
	closedir(dd);
	return n;
}

static size_t
count_objects(struct fx *f)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/objects", f->vault);
	return count_files(path);
}

static size_t
count_tmp(struct fx *f)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/tmp", f->vault);
	return count_files(path);
}

/* Entries of dir whose name contains s. */
static size_t
count_named(const char *dir, const char *s)
{
	struct dirent *de;
	size_t n = 0;
	DIR *dd = opendir(dir);

	assert_non_null(dd);
	while ((de = readdir(dd)) != NULL)
		if (strstr(de->d_name, s) != NULL)
			n++;
	closedir(dd);
	return n;
}

static void
object_path(struct fx *f, const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s/objects/%.2s/%s", f->vault, name, name + 2);
}

/* XORs one byte of a file at off (negative: from the end). */
static void
flip_byte(const char *path, long off)
{
	unsigned char c;
	struct stat st;
	int fd;

	assert_int_equal(stat(path, &st), 0);
	if (off < 0)
		off += (long)st.st_size;
	/* Objects are read-only once stored. */
	assert_int_equal(chmod(path, 0600), 0);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	assert_true(pread(fd, &c, 1, off) == 1);
	c ^= 0x40;
	assert_true(pwrite(fd, &c, 1, off) == 1);
	close(fd);
}

/* ---- the catalog, directly ---- */

/*
 * The catalog as an insider with the admin's passphrase sees it: decrypted
 * with the catalog key from the admin's key slot, none of dossier's checks
 * in the way.  One at a time; db_close() closes it.
 */
static sqlite3 *
db_open(struct fx *f)
{
	struct err e;
	int rc;

	assert_null(f->cat);
	err_clear(&e);
	rc = insider_catalog(f->vault, ADMIN, PASS, &f->cat, &e);
	if (rc != DOSSIER_OK)
		print_error("insider_catalog: %s\n", e.msg);
	assert_int_equal(rc, DOSSIER_OK);
	return f->cat->db;
}

static void
db_close(struct fx *f)
{
	catalog_close(f->cat);
	f->cat = NULL;
}

static sqlite3_stmt *
db_vprep(sqlite3 *db, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static sqlite3_stmt *
db_vprep(sqlite3 *db, const char *fmt, va_list ap)
{
	char sql[1024];
	sqlite3_stmt *st = NULL;

	assert_true(vsnprintf(sql, sizeof(sql), fmt, ap) < (int)sizeof(sql));
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		print_error("%s: %s\n", sql, sqlite3_errmsg(db));
	assert_non_null(st);
	return st;
}

/* Runs one change that must touch at least one row. */
static void
db_exec(sqlite3 *db, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
db_exec(sqlite3 *db, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;

	va_start(ap, fmt);
	st = db_vprep(db, fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
	assert_true(sqlite3_changes(db) > 0);
}

/* The first column of the only row a query returns, as text. */
static void
db_text(sqlite3 *db, char *out, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
db_text(sqlite3 *db, char *out, size_t n, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;

	va_start(ap, fmt);
	st = db_vprep(db, fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static int64_t
db_int(sqlite3 *db, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int64_t
db_int(sqlite3 *db, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int64_t v;

	va_start(ap, fmt);
	st = db_vprep(db, fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
db_blob(sqlite3 *db, struct buf *out, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
db_blob(sqlite3 *db, struct buf *out, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;

	va_start(ap, fmt);
	st = db_vprep(db, fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	buf_reset(out);
	assert_int_equal(buf_append(out, sqlite3_column_blob(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0)), 0);
	assert_true(out->len > 0);
	sqlite3_finalize(st);
}

/* Runs an UPDATE with one '?' bound to the blob b; exactly one row. */
static void
db_set_blob(sqlite3 *db, const struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
db_set_blob(sqlite3 *db, const struct buf *b, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;

	va_start(ap, fmt);
	st = db_vprep(db, fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_bind_blob(st, 1, b->data, (int)b->len,
	    SQLITE_TRANSIENT), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_changes(db), 1);
}

static void
version_object(sqlite3 *db, int64_t id, int version, char *name, size_t n)
{
	db_text(db, name, n,
	    "SELECT object FROM version WHERE doc = %lld AND version = %d",
	    (long long)id, version);
	assert_int_equal(strlen(name), 64);
}

/* ---- adding ---- */

struct rep {
	char path[PATH_MAX];
	int rc;
	char errmsg[512];
	int64_t id;
	int64_t dup_of;
	int dup_version;
	int has_doc;
	int64_t doc_id;
	char title[256];
};

#define MAXREPS 16
struct reps {
	struct rep r[MAXREPS];
	size_t n;
};

static void
on_added(void *ctx, const struct dossier_added *a)
{
	struct reps *rs = ctx;
	struct rep *r;

	rs->n++;
	if (rs->n > MAXREPS)
		return;
	r = &rs->r[rs->n - 1];
	memset(r, 0, sizeof(*r));
	snprintf(r->path, sizeof(r->path), "%s",
	    a->path != NULL ? a->path : "(null)");
	r->rc = a->rc;
	if (a->rc != DOSSIER_OK && a->errmsg != NULL)
		snprintf(r->errmsg, sizeof(r->errmsg), "%s", a->errmsg);
	r->id = a->id;
	r->dup_of = a->duplicate_of;
	r->dup_version = a->duplicate_version;
	if (a->doc != NULL) {
		r->has_doc = 1;
		r->doc_id = a->doc->id;
		snprintf(r->title, sizeof(r->title), "%s", a->doc->title);
	}
}

/* dossier_add() of one file: exactly one report, consistent with rc. */
static int
add1(struct fx *f, const char *path, const struct dossier_meta_edit *e,
    unsigned flags, struct rep *out)
{
	struct reps rs;
	int rc;

	memset(&rs, 0, sizeof(rs));
	rc = dossier_add(f->d, path, e, flags, on_added, &rs);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].rc, rc);
	assert_string_equal(rs.r[0].path, path);
	if (rc == DOSSIER_OK) {
		assert_true(rs.r[0].id > 0);
		assert_true(rs.r[0].has_doc);
		assert_int_equal(rs.r[0].doc_id, rs.r[0].id);
	} else {
		assert_int_equal(rs.r[0].id, 0);
		assert_true(rs.r[0].errmsg[0] != '\0');
	}
	if (out != NULL)
		*out = rs.r[0];
	return rc;
}

/* Files path (e may be NULL), which must succeed; the new id. */
static int64_t
add_ok(struct fx *f, const char *path, const struct dossier_meta_edit *e)
{
	struct rep r;
	int rc;

	rc = add1(f, path, e, 0, &r);
	if (rc != DOSSIER_OK)
		print_error("add '%s': %s\n", path, r.errmsg);
	assert_int_equal(rc, DOSSIER_OK);
	return r.id;
}

static const struct dossier_meta_edit *
at_level(struct dossier_meta_edit *e, int level)
{
	dossier_meta_edit_init(e);
	e->level = level;
	return e;
}

/* ---- reading ---- */

/*
 * dossier_get_fd() into a scratch file; out holds whatever was written,
 * also on failure.
 */
static int
get_bytes(struct fx *f, int64_t id, int version, struct buf *out)
{
	char path[PATH_MAX];
	int fd, rc;

	snprintf(path, sizeof(path), "%s/get.out", f->root);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	rc = dossier_get_fd(f->d, id, version, fd);
	close(fd);
	assert_int_equal(slurp(path, out), 0);
	unlink(path);
	return rc;
}

static void
expect_content(struct fx *f, int64_t id, int version, const void *p,
    size_t n)
{
	struct buf b = BUF_INIT;

	OK(f, get_bytes(f, id, version, &b));
	assert_int_equal(b.len, n);
	if (n > 0)
		assert_memory_equal(b.data, p, n);
	buf_release(&b);
}

/* get fails with code and writes nothing. */
static void
expect_get_fails(struct fx *f, int64_t id, int version, int code)
{
	struct buf b = BUF_INIT;

	FAILS(f, get_bytes(f, id, version, &b), code);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static const struct dossier_doc *
show(struct fx *f, int64_t id)
{
	const struct dossier_doc *doc = NULL;

	OK(f, dossier_show(f->d, id, &doc));
	assert_non_null(doc);
	assert_int_equal(doc->id, id);
	return doc;
}

/* Lists with flt and compares the ids (in order) and the total. */
static void
expect_list(struct fx *f, const struct dossier_filter *flt, int64_t total,
    size_t n, ...)
{
	struct dossier_iter *it = NULL;
	const struct dossier_doc *doc;
	int64_t want;
	size_t i = 0;
	va_list ap;
	int rc;

	OK(f, dossier_list(f->d, flt, &it));
	va_start(ap, n);
	for (;;) {
		doc = NULL;
		rc = dossier_iter_next(it, &doc, NULL);
		if (rc != DOSSIER_OK)
			break;
		assert_non_null(doc);
		if (i >= n)
			print_error("unexpected document %lld in the list\n",
			    (long long)doc->id);
		assert_true(i < n);
		want = va_arg(ap, int64_t);
		if (doc->id != want)
			print_error("entry %zu: %lld, wanted %lld\n", i,
			    (long long)doc->id, (long long)want);
		assert_int_equal(doc->id, want);
		i++;
	}
	va_end(ap);
	if (rc != DOSSIER_DONE)
		print_error("iter: %s\n", dossier_errmsg(f->d));
	assert_int_equal(rc, DOSSIER_DONE);
	assert_int_equal(i, n);
	assert_int_equal(dossier_iter_total(it), total);
	/* DONE stays DONE. */
	assert_int_equal(dossier_iter_next(it, &doc, NULL), DOSSIER_DONE);
	dossier_iter_free(it);
}

/* ---- verify ---- */

struct probs {
	size_t n, nfatal;
	struct {
		char what[32];
		int64_t id;
		int version;
		int fatal;
		char detail[256];
	} p[16];
};

static void
on_problem(void *ctx, const struct dossier_problem *p)
{
	struct probs *ps = ctx;

	if (p->fatal)
		ps->nfatal++;
	if (ps->n < 16) {
		snprintf(ps->p[ps->n].what, sizeof(ps->p[0].what), "%s",
		    p->what);
		ps->p[ps->n].id = p->id;
		ps->p[ps->n].version = p->version;
		ps->p[ps->n].fatal = p->fatal;
		snprintf(ps->p[ps->n].detail, sizeof(ps->p[0].detail), "%s",
		    p->detail);
	}
	ps->n++;
}

static int
verify(struct dossier *d, unsigned flags, struct probs *ps)
{
	size_t i;
	int rc;

	memset(ps, 0, sizeof(*ps));
	rc = dossier_verify(d, flags, on_problem, ps);
	for (i = 0; i < ps->n && i < 16; i++)
		print_message("# verify(%u): %s %lld/%d %s: %s\n", flags,
		    ps->p[i].what, (long long)ps->p[i].id, ps->p[i].version,
		    ps->p[i].fatal ? "FATAL" : "note", ps->p[i].detail);
	return rc;
}

/* verify finds nothing at all. */
static void
expect_clean(struct fx *f, unsigned flags)
{
	struct probs ps;

	OK(f, verify(f->d, flags, &ps));
	assert_int_equal(ps.n, 0);
}

/* A fatal problem naming (id, version) was reported. */
static int
has_fatal(const struct probs *ps, int64_t id, int version)
{
	size_t i;

	for (i = 0; i < ps->n && i < 16; i++)
		if (ps->p[i].fatal && ps->p[i].id == id &&
		    ps->p[i].version == version)
			return 1;
	return 0;
}

/*
 * A fatal problem naming the object (its first 16 hex digits) and no
 * document: what a check without keys, which cannot read the catalog,
 * can tell.
 */
static int
has_fatal_object(const struct probs *ps, const char *object)
{
	char prefix[17];
	size_t i;

	snprintf(prefix, sizeof(prefix), "%.16s", object);
	for (i = 0; i < ps->n && i < 16; i++)
		if (ps->p[i].fatal && ps->p[i].id == 0 &&
		    ps->p[i].version == 0 &&
		    strstr(ps->p[i].detail, prefix) != NULL)
			return 1;
	return 0;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ================================================================ */

/*
 * 1. create, reopen, unlock; wrong passphrase, unknown and disabled users
 * fail alike, after the same work; create refuses what exists.
 */
static void
test_create_unlock(void **state)
{
	struct fx *f = *state;
	char msg_wrong[512], msg_unknown[512], msg_disabled[512], full[256];
	char keep[PATH_MAX], plain[PATH_MAX], path[PATH_MAX];
	const struct dossier_doc *doc;
	struct dossier *d2;
	struct buf b = BUF_INIT;
	double t, t_ok, t_ok2, t_wrong, t_unknown;
	sqlite3 *db;
	int64_t id;

	OK(f, dossier_create(f->vault, ADMIN, PASS, PASSLEN, &f->d));
	assert_string_equal(dossier_user(f->d), ADMIN);
	assert_int_equal(count_named(f->root, ".init-"), 0);
	id = add_ok(f, put_text(f, "note.txt", "persisted\n"), NULL);

	/* Reopened: locked until unlocked. */
	dossier_close(f->d);
	f->d = NULL;
	OK(f, dossier_open(f->vault, &f->d));
	assert_null(dossier_user(f->d));
	FAILS(f, dossier_show(f->d, id, &doc), DOSSIER_EMISUSE);
	t = now_s();
	OK(f, dossier_unlock(f->d, ADMIN, PASS, PASSLEN));
	t_ok = now_s() - t;
	assert_string_equal(dossier_user(f->d), ADMIN);
	assert_string_equal(show(f, id)->title, "note");
	expect_content(f, id, 0, "persisted\n", 10);

	/* Wrong passphrase. */
	t = now_s();
	FAILS(f, dossier_unlock(f->d, ADMIN, "wrong", 5), DOSSIER_EAUTH);
	t_wrong = now_s() - t;
	snprintf(msg_wrong, sizeof(msg_wrong), "%s", dossier_errmsg(f->d));
	assert_null(dossier_user(f->d));
	FAILS(f, dossier_show(f->d, id, &doc), DOSSIER_EMISUSE);

	/* Unknown user: the same code and the same words. */
	t = now_s();
	FAILS(f, dossier_unlock(f->d, "nobody", PASS, PASSLEN), DOSSIER_EAUTH);
	t_unknown = now_s() - t;
	snprintf(msg_unknown, sizeof(msg_unknown), "%s", dossier_errmsg(f->d));
	assert_string_equal(msg_wrong, msg_unknown);
	assert_null(strstr(msg_unknown, "nobody"));

	t = now_s();
	OK(f, dossier_unlock(f->d, ADMIN, PASS, PASSLEN));
	t_ok2 = now_s() - t;
	if (t_ok2 < t_ok)
		t_ok = t_ok2;
	print_message("# unlock: right %.3f s, wrong %.3f s, unknown %.3f s\n",
	    t_ok, t_wrong, t_unknown);
#ifndef DOSSIER_TEST_CHEAP_KDF
	/*
	 * The KDF really runs (generous bounds: only its absence fails).
	 * Not in the sanitizer build, whose cheap KDF is shorter than the
	 * rest of an instrumented unlock.
	 */
	assert_true(t_ok > 0.005);
	/* Loose: other suites may run at the same time (tests/run.sh). */
	assert_true(t_wrong >= 0.25 * t_ok);
	assert_true(t_unknown >= 0.25 * t_ok);
#endif

	/* A disabled user with the right passphrase: the same failure. */
	db = db_open(f);
	db_exec(db, "UPDATE user SET disabled = 1 WHERE name = '%s'", ADMIN);
	FAILS(f, dossier_unlock(f->d, ADMIN, PASS, PASSLEN), DOSSIER_EAUTH);
	snprintf(msg_disabled, sizeof(msg_disabled), "%s",
	    dossier_errmsg(f->d));
	assert_string_equal(msg_wrong, msg_disabled);
	db_exec(db, "UPDATE user SET disabled = 0 WHERE name = '%s'", ADMIN);
	db_close(f);
	OK(f, dossier_unlock(f->d, ADMIN, PASS, PASSLEN));

	/* Into a non-empty directory: refused, the directory untouched. */
	snprintf(full, sizeof(full), "%s/full", f->root);
	snprintf(keep, sizeof(keep), "%s/keep.txt", full);
	assert_int_equal(mkdir(full, 0700), 0);
	write_file(keep, "keep me", 7);
	d2 = NULL;
	assert_int_equal(dossier_create(full, ADMIN, PASS, PASSLEN, &d2),
	    DOSSIER_ECONFLICT);
	assert_non_null(strstr(dossier_errmsg(d2), full));
	dossier_close(d2);
	assert_int_equal(count_files(full), 1);
	assert_int_equal(slurp(keep, &b), 0);
	assert_int_equal(b.len, 7);
	assert_memory_equal(b.data, "keep me", 7);
	/* Onto a regular file: refused, the file untouched. */
	snprintf(plain, sizeof(plain), "%s/plain", f->root);
	write_file(plain, "data", 4);
	d2 = NULL;
	assert_int_equal(dossier_create(plain, ADMIN, PASS, PASSLEN, &d2),
	    DOSSIER_ECONFLICT);
	dossier_close(d2);
	assert_int_equal(slurp(plain, &b), 0);
	assert_int_equal(b.len, 4);
	/* Over an existing vault: refused. */
	d2 = NULL;
	assert_int_equal(dossier_create(f->vault, ADMIN, PASS, PASSLEN, &d2),
	    DOSSIER_ECONFLICT);
	dossier_close(d2);
	assert_string_equal(show(f, id)->title, "note");
	/* Missing parent: nothing made. */
	snprintf(path, sizeof(path), "%s/no/such/v", f->root);
	d2 = NULL;
	assert_int_equal(dossier_create(path, ADMIN, PASS, PASSLEN, &d2),
	    DOSSIER_ENOTFOUND);
	dossier_close(d2);
	snprintf(path, sizeof(path), "%s/no", f->root);
	assert_false(exists(path));
	/* Bad arguments. */
	snprintf(path, sizeof(path), "%s/v2", f->root);
	d2 = NULL;
	assert_int_equal(dossier_create(path, ADMIN, "", 0, &d2),
	    DOSSIER_EUSAGE);
	dossier_close(d2);
	d2 = NULL;
	assert_int_equal(dossier_create(path, "a/b", PASS, PASSLEN, &d2),
	    DOSSIER_EUSAGE);
	dossier_close(d2);
	assert_false(exists(path));
	/* Into an existing empty directory: allowed. */
	assert_int_equal(mkdir(path, 0700), 0);
	d2 = NULL;
	assert_int_equal(dossier_create(path, "root", PASS, PASSLEN, &d2),
	    DOSSIER_OK);
	assert_string_equal(dossier_user(d2), "root");
	dossier_close(d2);
	/* Opening what is not a vault. */
	d2 = NULL;
	assert_int_equal(dossier_open(full, &d2), DOSSIER_ENOTFOUND);
	dossier_close(d2);
	assert_int_equal(count_named(f->root, ".init-"), 0);
	buf_release(&b);
}

/*
 * 1b. "path must not exist or be an empty directory", however it is
 * spelt: with a trailing slash, both a new path and an existing empty
 * directory are valid targets, and a failed create keeps the directory.
 */
static void
test_create_trailing_slash(void **state)
{
	struct fx *f = *state;
	char dir[256], arg[PATH_MAX], fresh[PATH_MAX];
	struct dossier *d2 = NULL;
	struct stat st;
	int rc_new, rc_empty;

	/* A path that does not exist yet. */
	snprintf(fresh, sizeof(fresh), "%s/new/", f->root);
	rc_new = dossier_create(fresh, ADMIN, PASS, PASSLEN, &d2);
	if (rc_new != DOSSIER_OK)
		print_error("create '%s' -> %d: %s\n", fresh, rc_new,
		    dossier_errmsg(d2));
	dossier_close(d2);
	/* An existing empty directory. */
	snprintf(dir, sizeof(dir), "%s/empty", f->root);
	snprintf(arg, sizeof(arg), "%s/", dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	rc_empty = dossier_create(arg, ADMIN, PASS, PASSLEN, &f->d);
	if (rc_empty != DOSSIER_OK)
		print_error("create '%s' -> %d: %s\n", arg, rc_empty,
		    dossier_errmsg(f->d));
	/* Whatever happened, the user's directory is still there... */
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* ... and no build directory is left anywhere. */
	assert_int_equal(count_named(f->root, ".init-"), 0);
	assert_int_equal(count_named(dir, ".init-"), 0);
	assert_int_equal(rc_new, DOSSIER_OK);
	assert_int_equal(rc_empty, DOSSIER_OK);
	assert_string_equal(dossier_user(f->d), ADMIN);
}

/* 2. add with full metadata, show returns every field exactly. */
static void
test_add_show(void **state)
{
	struct fx *f = *state;
	static const char content[] = "房屋买卖合同\n甲方：张三\n乙方：李四\n";
	static const char *const tags[] = { "购房", "合同", "alpha" };
	static const struct dossier_field fields[] = {
		{ "甲方", "张三" }, { "amount", "1,000,000" },
		{ "乙方", "李四" }
	};
	struct dossier_meta_edit e;
	const struct dossier_doc *doc;
	struct rep r;
	char hex[65];
	int64_t id, id2, id3, id4;
	time_t t0, t1;
	int pass;

	dossier_meta_edit_init(&e);
	e.title = "购房合同 2022";
	e.category = "合同";
	e.number = "京(2022)第0001号";
	e.date = "2022-03-15";
	e.level = DOSSIER_LEVEL_CONFIDENTIAL;
	e.tags_add = tags;
	e.ntags_add = 3;
	e.fields = fields;
	e.nfields = 3;
	t0 = time(NULL);
	assert_int_equal(add1(f, put_text(f, "购房合同.PDF", content), &e, 0,
	    &r), DOSSIER_OK);
	t1 = time(NULL);
	id = r.id;
	assert_int_equal(r.dup_of, 0);
	assert_string_equal(r.title, "购房合同 2022");
	sha_hex(content, strlen(content), hex);
	/* Once as filed, once after reopening the vault. */
	for (pass = 0; pass < 2; pass++) {
		doc = show(f, id);
		assert_string_equal(doc->title, "购房合同 2022");
		assert_string_equal(doc->category, "合同");
		assert_string_equal(doc->number, "京(2022)第0001号");
		assert_string_equal(doc->date, "2022-03-15");
		assert_int_equal(doc->level, DOSSIER_LEVEL_CONFIDENTIAL);
		/* Tags and fields sorted (bytewise). */
		assert_int_equal(doc->ntags, 3);
		assert_string_equal(doc->tags[0], "alpha");
		assert_string_equal(doc->tags[1], "合同");
		assert_string_equal(doc->tags[2], "购房");
		assert_int_equal(doc->nfields, 3);
		assert_string_equal(doc->fields[0].key, "amount");
		assert_string_equal(doc->fields[0].value, "1,000,000");
		assert_string_equal(doc->fields[1].key, "乙方");
		assert_string_equal(doc->fields[1].value, "李四");
		assert_string_equal(doc->fields[2].key, "甲方");
		assert_string_equal(doc->fields[2].value, "张三");
		assert_string_equal(doc->filename, "购房合同.PDF");
		/* Sniffed from the bytes, which are text, not the name. */
		assert_string_equal(doc->type, "txt");
		assert_int_equal(doc->size, strlen(content));
		assert_int_equal(doc->version, 1);
		assert_string_equal(doc->sha256, hex);
		assert_true(doc->created >= (int64_t)t0);
		assert_true(doc->created <= (int64_t)t1);
		assert_string_equal(doc->created_by, ADMIN);
		assert_true(doc->modified >= doc->created);
		assert_true(doc->modified <= (int64_t)t1);
		assert_int_equal(doc->deleted, 0);
		assert_int_equal(doc->deleted_at, 0);
		assert_string_equal(doc->deleted_by, "");
		assert_string_equal(doc->delete_reason, "");
		expect_content(f, id, 0, content, strlen(content));
		if (pass == 0)
			reopen(f);
	}

	/* Defaults: title from the file name, level internal. */
	id2 = add_ok(f, put_text(f, "年度报告.final.TXT", "report"), NULL);
	doc = show(f, id2);
	assert_true(id2 > id);
	assert_string_equal(doc->title, "年度报告.final");
	assert_int_equal(doc->level, DOSSIER_LEVEL_INTERNAL);
	assert_string_equal(doc->category, "");
	assert_string_equal(doc->number, "");
	assert_string_equal(doc->date, "");
	assert_int_equal(doc->ntags, 0);
	assert_int_equal(doc->nfields, 0);
	assert_string_equal(doc->filename, "年度报告.final.TXT");
	assert_string_equal(doc->type, "txt");
	assert_int_equal(doc->size, 6);
	assert_int_equal(doc->version, 1);
	/* An edit that sets nothing is the same as none. */
	dossier_meta_edit_init(&e);
	id3 = add_ok(f, put_text(f, "README", "no extension"), &e);
	doc = show(f, id3);
	assert_string_equal(doc->title, "README");
	/* No extension: the type comes from the bytes alone. */
	assert_string_equal(doc->type, "txt");
	assert_int_equal(doc->level, DOSSIER_LEVEL_INTERNAL);
	/* Level by edit only; other attributes default. */
	id4 = add_ok(f, put_text(f, "x.md", "public text"),
	    at_level(&e, DOSSIER_LEVEL_PUBLIC));
	doc = show(f, id4);
	assert_string_equal(doc->title, "x");
	assert_int_equal(doc->level, DOSSIER_LEVEL_PUBLIC);

	/* Bad metadata is refused before anything is filed. */
	dossier_meta_edit_init(&e);
	e.date = "2022-02-30";
	FAILS(f, dossier_add(f->d, put_text(f, "bad.txt", "bad date"), &e, 0,
	    NULL, NULL), DOSSIER_EUSAGE);
	e.date = NULL;
	e.level = 9;
	FAILS(f, dossier_add(f->d, inpath(f, "bad.txt"), &e, 0, NULL, NULL),
	    DOSSIER_EUSAGE);
	FAILS(f, dossier_show(f->d, id4 + 1, &doc), DOSSIER_ENOTFOUND);
	FAILS(f, dossier_show(f->d, 0, &doc), DOSSIER_ENOTFOUND);
	FAILS(f, dossier_show(f->d, -3, &doc), DOSSIER_ENOTFOUND);
}

/* 3. get: exact bytes, empty, chunk boundaries, versions, refusals. */
static void
test_get(void **state)
{
	struct fx *f = *state;
	static const size_t sizes[] = { 64 * KIB, 64 * KIB + 1, 200 * KIB };
	const struct dossier_doc *doc;
	char out[PATH_MAX], name[32], hex[65];
	struct buf b = BUF_INIT;
	unsigned char *p;
	int64_t empty, big = 0, id;
	size_t i;

	/* Empty. */
	empty = add_ok(f, put_in(f, "empty.bin", "", 0), NULL);
	doc = show(f, empty);
	assert_int_equal(doc->size, 0);
	assert_string_equal(doc->sha256, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	expect_content(f, empty, 0, "", 0);
	expect_content(f, empty, 1, "", 0);

	/* Across 64 KiB chunk boundaries. */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = make_data(sizes[i], (unsigned)i + 1);
		snprintf(name, sizeof(name), "data-%zu.bin", sizes[i]);
		id = add_ok(f, put_in(f, name, p, sizes[i]), NULL);
		doc = show(f, id);
		sha_hex(p, sizes[i], hex);
		assert_int_equal(doc->size, sizes[i]);
		assert_string_equal(doc->sha256, hex);
		expect_content(f, id, 0, p, sizes[i]);
		expect_content(f, id, 1, p, sizes[i]);
		if (sizes[i] == 200 * KIB) {
			big = id;
			snprintf(out, sizeof(out), "%s/big.out", f->root);
			OK(f, dossier_get_file(f->d, id, 0, out));
			assert_int_equal(slurp(out, &b), 0);
			assert_int_equal(b.len, sizes[i]);
			assert_memory_equal(b.data, p, sizes[i]);
			/* An existing file is not overwritten. */
			write_file(out, "keep", 4);
			FAILS(f, dossier_get_file(f->d, id, 0, out),
			    DOSSIER_ECONFLICT);
			assert_int_equal(slurp(out, &b), 0);
			assert_int_equal(b.len, 4);
			assert_memory_equal(b.data, "keep", 4);
		}
		free(p);
	}
	assert_true(big > 0);
	/* Into a file: the empty document makes an empty file. */
	snprintf(out, sizeof(out), "%s/empty.out", f->root);
	OK(f, dossier_get_file(f->d, empty, 0, out));
	assert_int_equal(slurp(out, &b), 0);
	assert_int_equal(b.len, 0);

	/* What does not exist. */
	expect_get_fails(f, big + 100, 0, DOSSIER_ENOTFOUND);
	expect_get_fails(f, 0, 0, DOSSIER_ENOTFOUND);
	expect_get_fails(f, big, 2, DOSSIER_ENOTFOUND);
	expect_get_fails(f, big, -1, DOSSIER_ENOTFOUND);
	/* A failed get_file leaves nothing behind. */
	snprintf(out, sizeof(out), "%s/none.out", f->root);
	FAILS(f, dossier_get_file(f->d, big + 100, 0, out), DOSSIER_ENOTFOUND);
	FAILS(f, dossier_get_file(f->d, big, 7, out), DOSSIER_ENOTFOUND);
	assert_false(exists(out));
	assert_int_equal(count_named(f->root, ".dossier-get-"), 0);
	buf_release(&b);
}

/* 4. update, history, same content, update in the trash. */
static void
test_update_history(void **state)
{
	struct fx *f = *state;
	static const char v1[] = "first draft\n";
	static const char v2[] = "second draft, longer: 第二稿\n";
	const struct dossier_doc *doc;
	const struct dossier_version *ver;
	struct dossier_iter *it;
	char hex1[65], hex2[65];
	size_t objects;
	int64_t id;
	int version = 0;
	time_t t0;

	t0 = time(NULL);
	id = add_ok(f, put_text(f, "plan.txt", v1), NULL);
	sha_hex(v1, strlen(v1), hex1);
	sha_hex(v2, strlen(v2), hex2);
	OK(f, dossier_update(f->d, id, put_text(f, "plan-v2.DOCX", v2),
	    "second draft 修订", &version));
	assert_int_equal(version, 2);
	doc = show(f, id);
	assert_int_equal(doc->version, 2);
	assert_string_equal(doc->title, "plan");
	assert_string_equal(doc->filename, "plan-v2.DOCX");
	/* Sniffed from the bytes, which are text, not the name. */
	assert_string_equal(doc->type, "txt");
	assert_int_equal(doc->size, strlen(v2));
	assert_string_equal(doc->sha256, hex2);
	expect_content(f, id, 1, v1, strlen(v1));
	expect_content(f, id, 2, v2, strlen(v2));
	expect_content(f, id, 0, v2, strlen(v2));
	expect_get_fails(f, id, 3, DOSSIER_ENOTFOUND);

	/* History, oldest first. */
	OK(f, dossier_history(f->d, id, &it));
	ver = NULL;
	OK(f, dossier_iter_next(it, NULL, &ver));
	assert_non_null(ver);
	assert_int_equal(ver->version, 1);
	assert_int_equal(ver->size, strlen(v1));
	assert_string_equal(ver->sha256, hex1);
	assert_string_equal(ver->filename, "plan.txt");
	assert_string_equal(ver->type, "txt");
	assert_string_equal(ver->note, "");
	assert_string_equal(ver->added_by, ADMIN);
	assert_true(ver->added >= (int64_t)t0);
	ver = NULL;
	OK(f, dossier_iter_next(it, NULL, &ver));
	assert_non_null(ver);
	assert_int_equal(ver->version, 2);
	assert_int_equal(ver->size, strlen(v2));
	assert_string_equal(ver->sha256, hex2);
	assert_string_equal(ver->filename, "plan-v2.DOCX");
	assert_string_equal(ver->type, "txt"); /* sniffed from the bytes */
	assert_string_equal(ver->note, "second draft 修订");
	assert_string_equal(ver->added_by, ADMIN);
	assert_int_equal(dossier_iter_next(it, NULL, &ver), DOSSIER_DONE);
	assert_int_equal(dossier_iter_next(it, NULL, &ver), DOSSIER_DONE);
	dossier_iter_free(it);
	FAILS(f, dossier_history(f->d, id + 1, &it), DOSSIER_ENOTFOUND);
	assert_null(it);

	/* The same content again: refused, nothing stored. */
	objects = count_objects(f);
	version = 0;
	FAILS(f, dossier_update(f->d, id, put_text(f, "again.txt", v2), NULL,
	    &version), DOSSIER_ECONFLICT);
	assert_int_equal(version, 0);
	assert_int_equal(count_objects(f), objects);
	assert_int_equal(count_tmp(f), 0);
	assert_int_equal(show(f, id)->version, 2);
	/* Missing document or file. */
	FAILS(f, dossier_update(f->d, id + 1, inpath(f, "again.txt"), NULL,
	    NULL), DOSSIER_ENOTFOUND);
	FAILS(f, dossier_update(f->d, id, inpath(f, "missing.txt"), NULL,
	    NULL), DOSSIER_ENOTFOUND);
	/* In the trash: refused. */
	OK(f, dossier_rm(f->d, id, "obsolete"));
	FAILS(f, dossier_update(f->d, id, put_text(f, "v3.txt", "third\n"),
	    NULL, NULL), DOSSIER_ECONFLICT);
	assert_int_equal(count_objects(f), objects);
	assert_int_equal(count_tmp(f), 0);
	OK(f, dossier_restore(f->d, id));
	OK(f, dossier_update(f->d, id, inpath(f, "v3.txt"), NULL, &version));
	assert_int_equal(version, 3);
	expect_content(f, id, 0, "third\n", 6);
	expect_content(f, id, 1, v1, strlen(v1));
	assert_int_equal(count_objects(f), objects + 1);
}

/* 5. duplicates: refused and named, allowed on request, per level. */
static void
test_duplicates(void **state)
{
	struct fx *f = *state;
	static const char x[] = "the same content, filed twice\n";
	struct dossier_meta_edit e;
	struct rep refused, r;
	size_t objects;
	int64_t id1, id3, total;
	char num[32];

	id1 = add_ok(f, put_text(f, "a.txt", x), NULL);
	objects = count_objects(f);
	/* Again at the same level: refused, nothing left behind. */
	assert_int_equal(add1(f, put_text(f, "b.txt", x), NULL, 0, &refused),
	    DOSSIER_ECONFLICT);
	assert_int_equal(count_objects(f), objects);
	assert_int_equal(count_tmp(f), 0);
	expect_list(f, NULL, 1, 1, id1);
	snprintf(num, sizeof(num), "document %lld", (long long)id1);
	assert_non_null(strstr(refused.errmsg, num));
	/* Also with an explicit level equal to the default. */
	FAILS(f, add1(f, inpath(f, "b.txt"), at_level(&e,
	    DOSSIER_LEVEL_INTERNAL), 0, NULL), DOSSIER_ECONFLICT);
	assert_int_equal(count_objects(f), objects);

	/* Allowed on request, and the report still names the original. */
	assert_int_equal(add1(f, inpath(f, "b.txt"), NULL,
	    DOSSIER_ADD_ALLOW_DUPLICATE, &r), DOSSIER_OK);
	assert_true(r.id != id1);
	assert_int_equal(r.dup_of, id1);
	assert_int_equal(r.dup_version, 1);
	assert_int_equal(count_objects(f), objects + 1);
	expect_content(f, r.id, 0, x, strlen(x));
	/* At another level it is not a duplicate. */
	assert_int_equal(add1(f, put_text(f, "c.txt", x), at_level(&e,
	    DOSSIER_LEVEL_SECRET), 0, &r), DOSSIER_OK);
	id3 = r.id;
	assert_int_equal(r.dup_of, 0);
	assert_int_equal(show(f, id3)->level, DOSSIER_LEVEL_SECRET);
	/* ... but is at that level from now on. */
	assert_int_equal(add1(f, put_text(f, "d.txt", x), at_level(&e,
	    DOSSIER_LEVEL_SECRET), 0, &r), DOSSIER_ECONFLICT);
	total = 0;
	{
		struct dossier_iter *it;

		OK(f, dossier_list(f->d, NULL, &it));
		total = dossier_iter_total(it);
		dossier_iter_free(it);
	}
	assert_int_equal(total, 3);
	assert_int_equal(count_tmp(f), 0);

	/* Last, so that the checks above run either way. */
	if (refused.dup_of != id1)
		print_error("refused duplicate reported duplicate_of = %lld, "
		    "wanted %lld (message: %s)\n", (long long)refused.dup_of,
		    (long long)id1, refused.errmsg);
	assert_int_equal(refused.dup_of, id1);
	assert_int_equal(refused.dup_version, 1);
}

/* 6. recursive add in name order; directories and missing files. */
static void
test_add_recursive(void **state)
{
	struct fx *f = *state;
	static const char *const order[] = { "tree/a.txt", "tree/b.txt",
		"tree/sub/a.txt", "tree/sub/c.txt", "tree/z.txt" };
	static const char *const titles[] = { "a", "b", "a", "c", "z" };
	struct reps rs;
	struct dossier_iter *it;
	size_t i;
	int64_t total;

	assert_int_equal(mkdir(inpath(f, "tree"), 0700), 0);
	assert_int_equal(mkdir(inpath(f, "tree/sub"), 0700), 0);
	/* Written out of order. */
	put_text(f, "tree/z.txt", "zzz\n");
	put_text(f, "tree/sub/c.txt", "sub c\n");
	put_text(f, "tree/b.txt", "bbb\n");
	put_text(f, "tree/sub/a.txt", "sub a\n");
	put_text(f, "tree/a.txt", "aaa\n");

	memset(&rs, 0, sizeof(rs));
	OK(f, dossier_add(f->d, inpath(f, "tree"), NULL,
	    DOSSIER_ADD_RECURSIVE, on_added, &rs));
	assert_int_equal(rs.n, 5);
	for (i = 0; i < 5; i++) {
		char want[PATH_MAX];
		struct buf b = BUF_INIT;

		snprintf(want, sizeof(want), "%s/%s", f->in, order[i]);
		assert_string_equal(rs.r[i].path, want);
		assert_int_equal(rs.r[i].rc, DOSSIER_OK);
		assert_true(rs.r[i].id > 0);
		assert_true(rs.r[i].has_doc);
		assert_string_equal(rs.r[i].title, titles[i]);
		assert_int_equal(slurp(want, &b), 0);
		expect_content(f, rs.r[i].id, 0, b.data, b.len);
		buf_release(&b);
		if (i > 0)
			assert_true(rs.r[i].id > rs.r[i - 1].id);
	}

	/* A directory without the flag: refused, nothing filed. */
	FAILS(f, add1(f, inpath(f, "tree"), NULL, 0, NULL), DOSSIER_EUSAGE);
	/* Missing, with or without the flag. */
	FAILS(f, add1(f, inpath(f, "nope.txt"), NULL, 0, NULL),
	    DOSSIER_ENOTFOUND);
	FAILS(f, add1(f, inpath(f, "nope"), NULL, DOSSIER_ADD_RECURSIVE, NULL),
	    DOSSIER_ENOTFOUND);
	OK(f, dossier_list(f->d, NULL, &it));
	total = dossier_iter_total(it);
	dossier_iter_free(it);
	assert_int_equal(total, 5);

	/* One failure does not stop the others; the first code returns. */
	assert_int_equal(mkdir(inpath(f, "mixed"), 0700), 0);
	put_text(f, "mixed/1.txt", "new one\n");
	put_text(f, "mixed/2.txt", "aaa\n"); /* = tree/a.txt */
	put_text(f, "mixed/3.txt", "new three\n");
	memset(&rs, 0, sizeof(rs));
	FAILS(f, dossier_add(f->d, inpath(f, "mixed"), NULL,
	    DOSSIER_ADD_RECURSIVE, on_added, &rs), DOSSIER_ECONFLICT);
	assert_int_equal(rs.n, 3);
	assert_int_equal(rs.r[0].rc, DOSSIER_OK);
	assert_int_equal(rs.r[1].rc, DOSSIER_ECONFLICT);
	assert_int_equal(rs.r[2].rc, DOSSIER_OK);
	expect_content(f, rs.r[2].id, 0, "new three\n", 10);
}

/* Runs dossier_add on path in a child that is killed if it blocks. */
static int
add_in_child(struct fx *f, const char *path, unsigned flags)
{
	pid_t pid;
	int st, rc;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(3);
		rc = dossier_add(f->d, path, NULL, flags, NULL, NULL);
		_exit(rc == DOSSIER_OK || rc == DOSSIER_EBADINPUT ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (WIFSIGNALED(st))
		print_error("dossier_add('%s') blocked (killed by signal %d)\n",
		    path, WTERMSIG(st));
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/*
 * 6b. A named pipe is not a regular file: refused (or skipped) at once,
 * never waited on.  The add runs in a child with an alarm, so that a hang
 * fails the test instead of the run.
 */
static void
test_add_fifo(void **state)
{
	struct fx *f = *state;

	assert_int_equal(mkdir(inpath(f, "pipes"), 0700), 0);
	assert_int_equal(mkfifo(inpath(f, "pipes/p.fifo"), 0600), 0);
	assert_int_equal(add_in_child(f, inpath(f, "pipes"),
	    DOSSIER_ADD_RECURSIVE), 0);
	assert_int_equal(add_in_child(f, inpath(f, "pipes/p.fifo"), 0), 0);
}

/* 7a. meta: title, tags, fields, text attributes; bad input changes nothing. */
static void
test_meta(void **state)
{
	struct fx *f = *state;
	static const char *const tags[] = { "购房", "old" };
	static const struct dossier_field fields[] = { { "甲方", "张三" },
		{ "k", "v" } };
	static const char *const add_tags[] = { "新", "购房" };
	static const char *const rm_tags[] = { "old", "absent" };
	static const struct dossier_field set_fields[] = { { "甲方", "王五" },
		{ "乙方", "李四" } };
	static const char *const unset[] = { "k", "absent" };
	struct dossier_meta_edit e;
	const struct dossier_doc *doc;
	char hex[65];
	int64_t id, modified;

	dossier_meta_edit_init(&e);
	e.title = "旧标题";
	e.category = "合同";
	e.tags_add = tags;
	e.ntags_add = 2;
	e.fields = fields;
	e.nfields = 2;
	id = add_ok(f, put_text(f, "contract.pdf", "contract"), &e);
	sha_hex("contract", 8, hex);

	dossier_meta_edit_init(&e);
	e.title = "新标题";
	e.category = "";
	e.number = "N-1";
	e.date = "2020-02-29";
	e.tags_add = add_tags;
	e.ntags_add = 2;
	e.tags_remove = rm_tags;
	e.ntags_remove = 2;
	e.fields = set_fields;
	e.nfields = 2;
	e.unset_fields = unset;
	e.nunset_fields = 2;
	OK(f, dossier_meta(f->d, id, &e));
	doc = show(f, id);
	assert_string_equal(doc->title, "新标题");
	assert_string_equal(doc->category, "");
	assert_string_equal(doc->number, "N-1");
	assert_string_equal(doc->date, "2020-02-29");
	assert_int_equal(doc->ntags, 2);
	assert_string_equal(doc->tags[0], "新");
	assert_string_equal(doc->tags[1], "购房");
	assert_int_equal(doc->nfields, 2);
	assert_string_equal(doc->fields[0].key, "乙方");
	assert_string_equal(doc->fields[0].value, "李四");
	assert_string_equal(doc->fields[1].key, "甲方");
	assert_string_equal(doc->fields[1].value, "王五");
	/* Content and version untouched. */
	assert_int_equal(doc->level, DOSSIER_LEVEL_INTERNAL);
	assert_int_equal(doc->version, 1);
	assert_string_equal(doc->sha256, hex);
	assert_string_equal(doc->filename, "contract.pdf");
	modified = doc->modified;
	expect_content(f, id, 0, "contract", 8);

	/* Invalid edits: refused whole, nothing changed. */
	dossier_meta_edit_init(&e);
	e.title = "不应改变";
	e.date = "2022-02-30";
	FAILS(f, dossier_meta(f->d, id, &e), DOSSIER_EUSAGE);
	assert_non_null(strstr(dossier_errmsg(f->d), "2022-02-30"));
	e.date = "2021-02-29";
	FAILS(f, dossier_meta(f->d, id, &e), DOSSIER_EUSAGE);
	e.date = "2022-1-01";
	FAILS(f, dossier_meta(f->d, id, &e), DOSSIER_EUSAGE);
	e.date = NULL;
	e.level = 5;
	FAILS(f, dossier_meta(f->d, id, &e), DOSSIER_EUSAGE);
	e.level = DOSSIER_LEVEL_UNSET;
	e.title = "";
	FAILS(f, dossier_meta(f->d, id, &e), DOSSIER_EUSAGE);
	e.title = "tab\tok but newline\n no";
	FAILS(f, dossier_meta(f->d, id, &e), DOSSIER_EUSAGE);
	doc = show(f, id);
	assert_string_equal(doc->title, "新标题");
	assert_string_equal(doc->date, "2020-02-29");
	assert_int_equal(doc->modified, modified);
	assert_int_equal(doc->level, DOSSIER_LEVEL_INTERNAL);
	/* Clearing the date; a missing document. */
	dossier_meta_edit_init(&e);
	e.date = "";
	OK(f, dossier_meta(f->d, id, &e));
	assert_string_equal(show(f, id)->date, "");
	FAILS(f, dossier_meta(f->d, id + 1, &e), DOSSIER_ENOTFOUND);
}

/* 7b. reclassification: keys re-wrapped, content kept, dedup follows. */
static void
test_reclassify(void **state)
{
	struct fx *f = *state;
	static const char r1[] = "reclassified content, version one\n";
	static const char r2[] = "reclassified content, version two\n";
	struct dossier_meta_edit e;
	struct dossier_filter flt;
	const struct dossier_doc *doc;
	struct rep r;
	sqlite3 *db;
	int64_t id, other;

	dossier_meta_edit_init(&e);
	e.category = "档案";
	id = add_ok(f, put_text(f, "r.txt", r1), &e);
	other = add_ok(f, put_text(f, "other.txt", "other"), NULL);
	OK(f, dossier_update(f->d, id, put_text(f, "r2.txt", r2), "v2", NULL));

	OK(f, dossier_meta(f->d, id, at_level(&e, DOSSIER_LEVEL_SECRET)));
	doc = show(f, id);
	assert_int_equal(doc->level, DOSSIER_LEVEL_SECRET);
	assert_string_equal(doc->category, "档案");
	assert_int_equal(doc->version, 2);
	expect_content(f, id, 1, r1, strlen(r1));
	expect_content(f, id, 2, r2, strlen(r2));
	db = db_open(f);
	assert_int_equal(db_int(db, "SELECT level FROM document WHERE id = "
	    "%lld", (long long)id), DOSSIER_LEVEL_SECRET);
	assert_int_equal(db_int(db, "SELECT count(*) FROM version WHERE doc = "
	    "%lld AND level = %d", (long long)id, DOSSIER_LEVEL_SECRET), 2);
	assert_int_equal(db_int(db, "SELECT count(*) FROM version WHERE doc = "
	    "%lld AND level != %d", (long long)id, DOSSIER_LEVEL_SECRET), 0);
	db_close(f);

	/* Duplicate detection now at the new level, for every version. */
	assert_int_equal(add1(f, put_text(f, "copy1.txt", r1), at_level(&e,
	    DOSSIER_LEVEL_SECRET), 0, &r), DOSSIER_ECONFLICT);
	assert_int_equal(add1(f, put_text(f, "copy2.txt", r2), at_level(&e,
	    DOSSIER_LEVEL_SECRET), 0, &r), DOSSIER_ECONFLICT);
	assert_int_equal(add1(f, inpath(f, "copy1.txt"), at_level(&e,
	    DOSSIER_LEVEL_SECRET), DOSSIER_ADD_ALLOW_DUPLICATE, &r),
	    DOSSIER_OK);
	assert_int_equal(r.dup_of, id);
	assert_int_equal(r.dup_version, 1);
	OK(f, dossier_rm(f->d, r.id, "test copy"));
	OK(f, dossier_purge(f->d, r.id, "test copy"));
	/* ... and no longer at the old one. */
	assert_int_equal(add1(f, inpath(f, "copy2.txt"), NULL, 0, &r),
	    DOSSIER_OK);
	assert_int_equal(r.dup_of, 0);

	/* Listing: by level and by the (re-hashed) category. */
	dossier_filter_init(&flt);
	flt.level = DOSSIER_LEVEL_SECRET;
	expect_list(f, &flt, 1, 1, id);
	flt.level = DOSSIER_LEVEL_INTERNAL;
	expect_list(f, &flt, 2, 2, r.id, other);
	dossier_filter_init(&flt);
	flt.category = "档案";
	expect_list(f, &flt, 1, 1, id);

	/* And back down. */
	OK(f, dossier_meta(f->d, id, at_level(&e, DOSSIER_LEVEL_PUBLIC)));
	assert_int_equal(show(f, id)->level, DOSSIER_LEVEL_PUBLIC);
	expect_content(f, id, 1, r1, strlen(r1));
	expect_clean(f, DOSSIER_VERIFY_READ_DATA);
}

/* 7c. list filters, order, limit and total. */
static void
test_list_filters(void **state)
{
	struct fx *f = *state;
	static const char *const ta[] = { "购房" };
	static const char *const tb[] = { "购房", "税" };
	struct dossier_meta_edit e;
	struct dossier_filter flt;
	struct dossier_iter *it;
	int64_t a, b, c, d;

	dossier_meta_edit_init(&e);
	e.category = "合同";
	e.tags_add = ta;
	e.ntags_add = 1;
	e.date = "2022-01-15";
	a = add_ok(f, put_text(f, "a.txt", "A"), &e);
	dossier_meta_edit_init(&e);
	e.category = "发票";
	e.tags_add = tb;
	e.ntags_add = 2;
	e.date = "2023-06-01";
	e.level = DOSSIER_LEVEL_CONFIDENTIAL;
	b = add_ok(f, put_text(f, "b.txt", "B"), &e);
	dossier_meta_edit_init(&e);
	e.category = "合同";
	e.date = "2021-12-31";
	e.level = DOSSIER_LEVEL_PUBLIC;
	c = add_ok(f, put_text(f, "c.txt", "C"), &e);
	/* No date: the filing day, which is later than all of the above. */
	d = add_ok(f, put_text(f, "d.txt", "D"), NULL);

	/* Newest first, by document date. */
	expect_list(f, NULL, 4, 4, d, b, a, c);
	dossier_filter_init(&flt);
	expect_list(f, &flt, 4, 4, d, b, a, c);
	flt.category = "合同";
	expect_list(f, &flt, 2, 2, a, c);
	flt.category = "不存在";
	expect_list(f, &flt, 0, 0);
	dossier_filter_init(&flt);
	flt.tag = "购房";
	expect_list(f, &flt, 2, 2, b, a);
	flt.tag = "税";
	expect_list(f, &flt, 1, 1, b);
	flt.category = "合同"; /* both must hold */
	expect_list(f, &flt, 0, 0);
	dossier_filter_init(&flt);
	flt.level = DOSSIER_LEVEL_CONFIDENTIAL;
	expect_list(f, &flt, 1, 1, b);
	flt.level = DOSSIER_LEVEL_PUBLIC;
	expect_list(f, &flt, 1, 1, c);
	flt.level = DOSSIER_LEVEL_TOP_SECRET;
	expect_list(f, &flt, 0, 0);
	dossier_filter_init(&flt);
	flt.since = "2022-01-01";
	expect_list(f, &flt, 3, 3, d, b, a);
	flt.since = NULL;
	flt.until = "2022-01-15"; /* inclusive */
	expect_list(f, &flt, 2, 2, a, c);
	flt.since = "2022-01-15";
	flt.until = "2023-06-01";
	expect_list(f, &flt, 2, 2, b, a);
	dossier_filter_init(&flt);
	flt.limit = 2;
	expect_list(f, &flt, 4, 2, d, b);
	flt.limit = 1;
	flt.category = "合同";
	expect_list(f, &flt, 2, 1, a);

	/* The trash is listed apart. */
	dossier_filter_init(&flt);
	flt.deleted = 1;
	expect_list(f, &flt, 0, 0);
	OK(f, dossier_rm(f->d, a, "moved"));
	expect_list(f, &flt, 1, 1, a);
	flt.tag = "购房";
	expect_list(f, &flt, 1, 1, a);
	expect_list(f, NULL, 3, 3, d, b, c);

	/* Bad filters. */
	dossier_filter_init(&flt);
	flt.since = "2022-13-01";
	FAILS(f, dossier_list(f->d, &flt, &it), DOSSIER_EUSAGE);
	dossier_filter_init(&flt);
	flt.until = "yesterday";
	FAILS(f, dossier_list(f->d, &flt, &it), DOSSIER_EUSAGE);
	dossier_filter_init(&flt);
	flt.limit = -1;
	FAILS(f, dossier_list(f->d, &flt, &it), DOSSIER_EUSAGE);
}

/* 8. rm, restore, purge. */
static void
test_trash_purge(void **state)
{
	struct fx *f = *state;
	const struct dossier_doc *doc;
	struct dossier_filter trash;
	struct dossier_iter *it;
	char o1[65], o2[65], ok[65], path[PATH_MAX];
	sqlite3 *db;
	int64_t p, k;
	time_t t0, t1;

	p = add_ok(f, put_text(f, "p.txt", "to be purged"), NULL);
	OK(f, dossier_update(f->d, p, put_text(f, "p2.txt", "to be purged 2"),
	    NULL, NULL));
	k = add_ok(f, put_text(f, "k.txt", "to be kept"), NULL);
	dossier_filter_init(&trash);
	trash.deleted = 1;

	t0 = time(NULL);
	OK(f, dossier_rm(f->d, p, "过期 obsolete"));
	t1 = time(NULL);
	doc = show(f, p);
	assert_int_equal(doc->deleted, 1);
	assert_true(doc->deleted_at >= (int64_t)t0);
	assert_true(doc->deleted_at <= (int64_t)t1);
	assert_string_equal(doc->deleted_by, ADMIN);
	assert_string_equal(doc->delete_reason, "过期 obsolete");
	assert_string_equal(doc->title, "p");
	expect_list(f, NULL, 1, 1, k);
	expect_list(f, &trash, 1, 1, p);
	FAILS(f, dossier_rm(f->d, p, "again"), DOSSIER_ECONFLICT);
	assert_string_equal(show(f, p)->delete_reason, "过期 obsolete");
	/* A reason is required; a missing document is not found. */
	FAILS(f, dossier_rm(f->d, k, ""), DOSSIER_EUSAGE);
	FAILS(f, dossier_rm(f->d, k, NULL), DOSSIER_EUSAGE);
	assert_int_equal(show(f, k)->deleted, 0);
	FAILS(f, dossier_rm(f->d, k + 10, "x"), DOSSIER_ENOTFOUND);

	OK(f, dossier_restore(f->d, p));
	doc = show(f, p);
	assert_int_equal(doc->deleted, 0);
	assert_int_equal(doc->deleted_at, 0);
	assert_string_equal(doc->deleted_by, "");
	assert_string_equal(doc->delete_reason, "");
	assert_int_equal(doc->version, 2);
	expect_list(f, NULL, 2, 2, k, p);
	expect_list(f, &trash, 0, 0);
	FAILS(f, dossier_restore(f->d, p), DOSSIER_ECONFLICT);
	FAILS(f, dossier_restore(f->d, k + 10), DOSSIER_ENOTFOUND);

	/* Purge: rows, keys and objects gone; the other document intact. */
	db = db_open(f);
	version_object(db, p, 1, o1, sizeof(o1));
	version_object(db, p, 2, o2, sizeof(o2));
	version_object(db, k, 1, ok, sizeof(ok));
	object_path(f, o1, path, sizeof(path));
	assert_true(exists(path));
	object_path(f, o2, path, sizeof(path));
	assert_true(exists(path));
	OK(f, dossier_rm(f->d, p, "destroy"));
	FAILS(f, dossier_purge(f->d, p, ""), DOSSIER_EUSAGE);
	OK(f, dossier_purge(f->d, p, "retention period over 销毁"));
	FAILS(f, dossier_show(f->d, p, &doc), DOSSIER_ENOTFOUND);
	expect_get_fails(f, p, 0, DOSSIER_ENOTFOUND);
	expect_get_fails(f, p, 1, DOSSIER_ENOTFOUND);
	FAILS(f, dossier_history(f->d, p, &it), DOSSIER_ENOTFOUND);
	FAILS(f, dossier_restore(f->d, p), DOSSIER_ENOTFOUND);
	FAILS(f, dossier_purge(f->d, p, "again"), DOSSIER_ENOTFOUND);
	object_path(f, o1, path, sizeof(path));
	assert_false(exists(path));
	object_path(f, o2, path, sizeof(path));
	assert_false(exists(path));
	object_path(f, ok, path, sizeof(path));
	assert_true(exists(path));
	assert_int_equal(count_objects(f), 1);
	assert_int_equal(db_int(db, "SELECT count(*) FROM version WHERE doc = "
	    "%lld", (long long)p), 0);
	assert_int_equal(db_int(db, "SELECT count(*) FROM doc_term WHERE doc = "
	    "%lld", (long long)p), 0);
	/* The record of the purge stays, its reason sealed. */
	assert_int_equal(db_int(db, "SELECT count(*) FROM purged WHERE doc = "
	    "%lld AND purged_by = '%s'", (long long)p, ADMIN), 1);
	assert_int_equal(db_int(db, "SELECT count(*) FROM purged WHERE "
	    "instr(reason, CAST('retention' AS BLOB)) > 0"), 0);
	db_close(f);
	expect_list(f, NULL, 1, 1, k);
	expect_list(f, &trash, 0, 0);
	expect_content(f, k, 0, "to be kept", 10);
	expect_clean(f, 0);
	expect_clean(f, DOSSIER_VERIFY_READ_DATA);
	expect_clean(f, DOSSIER_VERIFY_NO_KEYS);
}

/* 9. verify: damage found and named; garbage collected as a note. */
static void
test_verify(void **state)
{
	struct fx *f = *state;
	const size_t lsize = 200 * KIB;
	char os[65], ol[65], path[PATH_MAX], orphan[PATH_MAX], num[64];
	char leftover[PATH_MAX];
	struct dossier *d2 = NULL;
	struct probs ps;
	struct buf b = BUF_INIT;
	unsigned char *big;
	sqlite3 *db;
	int64_t s, l;
	size_t i;

	s = add_ok(f, put_text(f, "s.txt", "small content\n"), NULL);
	big = make_data(lsize, 42);
	l = add_ok(f, put_in(f, "l.bin", big, lsize), NULL);
	expect_clean(f, 0);
	expect_clean(f, DOSSIER_VERIFY_NO_KEYS);
	expect_clean(f, DOSSIER_VERIFY_READ_DATA);
	/* Keys are needed unless NO_KEYS. */
	OK(f, dossier_open(f->vault, &d2));
	assert_int_equal(dossier_verify(d2, 0, NULL, NULL), DOSSIER_EMISUSE);
	assert_int_equal(dossier_verify(d2, DOSSIER_VERIFY_NO_KEYS, NULL,
	    NULL), DOSSIER_OK);

	db = db_open(f);
	version_object(db, s, 1, os, sizeof(os));
	version_object(db, l, 1, ol, sizeof(ol));
	db_close(f);

	/* One flipped byte in the small document's object. */
	object_path(f, os, path, sizeof(path));
	flip_byte(path, -1);
	/*
	 * Without keys the catalog (encrypted) cannot be read: the damaged
	 * object is named, not the document and version that use it.
	 */
	assert_int_equal(verify(f->d, DOSSIER_VERIFY_NO_KEYS, &ps),
	    DOSSIER_ECORRUPT);
	assert_int_equal(ps.nfatal, 1);
	assert_true(has_fatal_object(&ps, os));
	assert_false(has_fatal_object(&ps, ol));
	assert_int_equal(verify(d2, DOSSIER_VERIFY_NO_KEYS, &ps),
	    DOSSIER_ECORRUPT);
	assert_int_equal(ps.nfatal, 1);
	assert_true(has_fatal_object(&ps, os));
	dossier_close(d2);
	d2 = NULL;
	assert_int_equal(verify(f->d, DOSSIER_VERIFY_READ_DATA, &ps),
	    DOSSIER_ECORRUPT);
	assert_true(has_fatal(&ps, s, 1));
	assert_int_equal(verify(f->d, 0, &ps), DOSSIER_ECORRUPT);
	assert_true(has_fatal(&ps, s, 1));
	expect_get_fails(f, s, 0, DOSSIER_ECORRUPT);
	snprintf(num, sizeof(num), "document %lld version 1", (long long)s);
	assert_non_null(strstr(dossier_errmsg(f->d), num));
	snprintf(path, sizeof(path), "%s/s.out", f->root);
	FAILS(f, dossier_get_file(f->d, s, 0, path), DOSSIER_ECORRUPT);
	assert_false(exists(path));
	/* The other document is unaffected. */
	expect_content(f, l, 0, big, lsize);

	/* The big one flipped at its end: a verified prefix at most. */
	object_path(f, ol, path, sizeof(path));
	flip_byte(path, -1);
	FAILS(f, get_bytes(f, l, 0, &b), DOSSIER_ECORRUPT);
	snprintf(num, sizeof(num), "document %lld version 1", (long long)l);
	assert_non_null(strstr(dossier_errmsg(f->d), num));
	assert_true(b.len < lsize);
	if (b.len > 0)
		assert_memory_equal(b.data, big, b.len);
	/* And in its middle. */
	flip_byte(path, -1);
	flip_byte(path, 70 * KIB);
	FAILS(f, get_bytes(f, l, 0, &b), DOSSIER_ECORRUPT);
	assert_true(b.len <= 64 * KIB);
	if (b.len > 0)
		assert_memory_equal(b.data, big, b.len);
	assert_int_equal(verify(f->d, DOSSIER_VERIFY_READ_DATA, &ps),
	    DOSSIER_ECORRUPT);
	assert_true(has_fatal(&ps, l, 1));
	assert_true(has_fatal(&ps, s, 1));
	/* Repaired: clean again. */
	flip_byte(path, 70 * KIB);
	object_path(f, os, path, sizeof(path));
	flip_byte(path, -1);
	expect_clean(f, DOSSIER_VERIFY_READ_DATA);

	/* Garbage: an orphan object and a leftover temporary file. */
	snprintf(orphan, sizeof(orphan), "%s/objects/00", f->vault);
	if (mkdir(orphan, 0700) != 0)
		assert_int_equal(errno, EEXIST);
	snprintf(orphan, sizeof(orphan), "%s/objects/00/", f->vault);
	for (i = 0; i < 31; i++)
		strcat(orphan, "ab");
	assert_int_equal(slurp(path, &b), 0);
	write_file(orphan, b.data, b.len);
	snprintf(leftover, sizeof(leftover), "%s/tmp/obj-leftover", f->vault);
	write_file(leftover, "junk", 4);
	assert_int_equal(verify(f->d, 0, &ps), DOSSIER_OK);
	assert_int_equal(ps.n, 2);
	assert_int_equal(ps.nfatal, 0);
	assert_int_equal(ps.p[0].id, 0);
	assert_int_equal(ps.p[1].id, 0);
	assert_false(exists(orphan));
	assert_false(exists(leftover));
	expect_clean(f, DOSSIER_VERIFY_NO_KEYS);
	expect_content(f, s, 0, "small content\n", 14);
	buf_release(&b);
	free(big);
}

/* ---- no plaintext at rest ---- */

struct needle {
	char label[96];
	unsigned char b[512];
	size_t n;
};

/* UTF-8 to UTF-16 (big or little endian). */
static size_t
utf16(const char *s, int big, unsigned char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, u[2];
	size_t n = 0, k, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			c = *p++;
		} else if ((*p & 0xe0) == 0xc0) {
			c = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
			p += 2;
		} else if ((*p & 0xf0) == 0xe0) {
			c = (uint32_t)(p[0] & 0x0f) << 12 |
			    (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
			p += 3;
		} else {
			c = (uint32_t)(p[0] & 0x07) << 18 |
			    (uint32_t)(p[1] & 0x3f) << 12 |
			    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
			p += 4;
		}
		k = 1;
		u[0] = c;
		if (c >= 0x10000) {
			c -= 0x10000;
			u[0] = 0xd800 | (c >> 10);
			u[1] = 0xdc00 | (c & 0x3ff);
			k = 2;
		}
		for (i = 0; i < k; i++) {
			out[n++] = (unsigned char)(big ? u[i] >> 8 : u[i]);
			out[n++] = (unsigned char)(big ? u[i] : u[i] >> 8);
		}
	}
	return n;
}

/* Each marker as UTF-8, UTF-16LE and UTF-16BE. */
static size_t
make_needles(const char *const *markers, size_t n, struct needle *nd)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		snprintf(nd[k].label, sizeof(nd[k].label), "%s (UTF-8)",
		    markers[i]);
		nd[k].n = strlen(markers[i]);
		memcpy(nd[k].b, markers[i], nd[k].n);
		k++;
		snprintf(nd[k].label, sizeof(nd[k].label), "%s (UTF-16LE)",
		    markers[i]);
		nd[k].n = utf16(markers[i], 0, nd[k].b);
		k++;
		snprintf(nd[k].label, sizeof(nd[k].label), "%s (UTF-16BE)",
		    markers[i]);
		nd[k].n = utf16(markers[i], 1, nd[k].b);
		k++;
	}
	return k;
}

static const unsigned char *
memfind(const unsigned char *h, size_t hn, const unsigned char *n, size_t nn)
{
	size_t i;

	for (i = 0; nn > 0 && i + nn <= hn; i++)
		if (h[i] == n[0] && memcmp(h + i, n, nn) == 0)
			return h + i;
	return NULL;
}

/*
 * Occurrences of any needle in the contents or the name of any file
 * under dir, recursively; each is printed.
 */
static size_t
scan_tree(const char *dir, const struct needle *nd, size_t nn, int quiet)
{
	char path[PATH_MAX];
	const unsigned char *at;
	struct dirent *de;
	struct stat st;
	struct buf b = BUF_INIT;
	size_t hits = 0, i;
	DIR *dd = opendir(dir);

	assert_non_null(dd);
	while ((de = readdir(dd)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		for (i = 0; i < nn; i++) {
			if (memfind((const unsigned char *)de->d_name,
			    strlen(de->d_name), nd[i].b, nd[i].n) == NULL)
				continue;
			if (!quiet)
				print_error("'%s' in the name '%s'\n",
				    nd[i].label, path);
			hits++;
		}
		if (lstat(path, &st) != 0)
			continue; /* gone meanwhile (a -shm file) */
		if (S_ISDIR(st.st_mode)) {
			hits += scan_tree(path, nd, nn, quiet);
			continue;
		}
		if (slurp(path, &b) != 0)
			continue;
		for (i = 0; i < nn; i++) {
			at = memfind(b.data, b.len, nd[i].b, nd[i].n);
			if (at == NULL)
				continue;
			if (!quiet)
				print_error("'%s' in '%s' at offset %zu\n",
				    nd[i].label, path, (size_t)(at - b.data));
			hits++;
		}
	}
	closedir(dd);
	buf_release(&b);
	return hits;
}

/* 10. No marker from content or metadata is anywhere under the vault. */
static void
test_no_plaintext(void **state)
{
	struct fx *f = *state;
	static const char *const markers[] = {
		"绝密标记甲乙丙", "MarkerQZX17",
		"绝密标记甲乙丙正文", "MarkerQZX17Body",
		"绝密标记甲乙丙标题", "MarkerQZX17Title",
		"绝密标记甲乙丙文件", "MarkerQZX17File",
		"绝密标记甲乙丙标签", "MarkerQZX17Tag",
		"绝密标记甲乙丙编号", "MarkerQZX17Num",
		"绝密标记甲乙丙类别", "MarkerQZX17Cat",
		"绝密标记甲乙丙字段", "MarkerQZX17Field", "MarkerQZX17Key",
		"绝密标记甲乙丙备注", "MarkerQZX17Note",
		"绝密标记甲乙丙原因", "MarkerQZX17Reason",
		"绝密标记甲乙丙销毁", "MarkerQZX17Purge",
		"绝密标记甲乙丙新题", "MarkerQZX17Retitle",
	};
	static const char *const body_markers[] = { "绝密标记甲乙丙正文",
		"MarkerQZX17Body" };
	static const char *const tags[] = { "MarkerQZX17Tag",
		"绝密标记甲乙丙标签" };
	static const char *const tags2[] = { "MarkerQZX17Tag2" };
	static const struct dossier_field fields[] = {
		{ "MarkerQZX17Key", "MarkerQZX17Field 绝密标记甲乙丙字段" }
	};
	static const struct dossier_field fields2[] = {
		{ "备注", "MarkerQZX17Field2" }
	};
	enum { NMARK = sizeof(markers) / sizeof(markers[0]) };
	struct needle nd[3 * NMARK], body[6];
	struct dossier_meta_edit e;
	struct buf content = BUF_INIT, content2 = BUF_INIT;
	unsigned char *rnd;
	size_t nn, nbody, i, k, hits;
	int64_t id1, id2, id3;

	nn = make_needles(markers, NMARK, nd);
	nbody = make_needles(body_markers, 2, body);
	/* Content: the body markers in all three encodings, many times. */
	for (i = 0; i < 200; i++) {
		assert_int_equal(buf_printf(&content, "line %zu: ", i), 0);
		for (k = 0; k < nbody; k++)
			assert_int_equal(buf_append(&content, body[k].b,
			    body[k].n), 0);
		assert_int_equal(buf_puts(&content, "\n"), 0);
	}
	/* A second, larger content: markers among random bytes. */
	rnd = make_data(200 * KIB, 7);
	for (i = 0; i < 200 * KIB; i += 20 * KIB) {
		assert_int_equal(buf_append(&content2, rnd + i, 20 * KIB), 0);
		for (k = 0; k < nbody; k++)
			assert_int_equal(buf_append(&content2, body[k].b,
			    body[k].n), 0);
	}
	free(rnd);

	dossier_meta_edit_init(&e);
	e.title = "MarkerQZX17Title 绝密标记甲乙丙标题";
	e.category = "绝密标记甲乙丙类别 MarkerQZX17Cat";
	e.number = "MarkerQZX17Num-绝密标记甲乙丙编号";
	e.tags_add = tags;
	e.ntags_add = 2;
	e.fields = fields;
	e.nfields = 1;
	e.date = "2024-05-06";
	id1 = add_ok(f, put_in(f, "MarkerQZX17File-绝密标记甲乙丙文件.txt",
	    content.data, content.len), &e);
	id2 = add_ok(f, put_in(f, "MarkerQZX17File2-绝密标记甲乙丙文件.bin",
	    content2.data, content2.len), NULL);
	id3 = add_ok(f, put_in(f, "MarkerQZX17File3.doc", content.data,
	    content.len / 2), NULL);

	/* Change everything once. */
	OK(f, dossier_update(f->d, id1, put_in(f,
	    "MarkerQZX17File4-绝密标记甲乙丙文件.md", content2.data,
	    content2.len / 3), "MarkerQZX17Note 绝密标记甲乙丙备注", NULL));
	dossier_meta_edit_init(&e);
	e.title = "绝密标记甲乙丙新题 MarkerQZX17Retitle";
	e.tags_add = tags2;
	e.ntags_add = 1;
	e.fields = fields2;
	e.nfields = 1;
	e.level = DOSSIER_LEVEL_SECRET;
	OK(f, dossier_meta(f->d, id1, &e));
	OK(f, dossier_rm(f->d, id1, "MarkerQZX17Reason 绝密标记甲乙丙原因"));
	OK(f, dossier_restore(f->d, id1));
	OK(f, dossier_rm(f->d, id2, "MarkerQZX17Reason 绝密标记甲乙丙原因"));
	OK(f, dossier_rm(f->d, id3, "MarkerQZX17Reason 绝密标记甲乙丙原因"));
	OK(f, dossier_purge(f->d, id3, "MarkerQZX17Purge 绝密标记甲乙丙销毁"));
	expect_content(f, id1, 1, content.data, content.len);
	assert_string_equal(show(f, id1)->title,
	    "绝密标记甲乙丙新题 MarkerQZX17Retitle");

	/* The scanner does find the markers where they are. */
	assert_true(scan_tree(f->in, nd, nn, 1) >= nbody + 4);

	/* While open (with -wal and -shm), then closed. */
	hits = scan_tree(f->vault, nd, nn, 0);
	assert_int_equal(hits, 0);
	dossier_close(f->d);
	f->d = NULL;
	hits = scan_tree(f->vault, nd, nn, 0);
	assert_int_equal(hits, 0);
	buf_release(&content);
	buf_release(&content2);
}

/* ---- substitution in the catalog ---- */

/* show fails with ECORRUPT or ENOTFOUND and hands out nothing. */
static void
expect_show_refused(struct fx *f, int64_t id)
{
	const struct dossier_doc *doc = NULL;
	int rc;

	rc = dossier_show(f->d, id, &doc);
	if (rc != DOSSIER_ECORRUPT && rc != DOSSIER_ENOTFOUND)
		print_error("show %lld -> %d (%s)\n", (long long)id, rc,
		    doc != NULL ? doc->title : dossier_errmsg(f->d));
	assert_true(rc == DOSSIER_ECORRUPT || rc == DOSSIER_ENOTFOUND);
	assert_null(doc);
}

/*
 * 11. Rows moved or edited in dossier.db never yield wrong data: objects
 * and keys swapped between versions and documents, keys moved to another
 * level, sealed metadata copied, a document's level edited, a user's
 * clearance raised by hand.
 */
static void
test_substitution(void **state)
{
	struct fx *f = *state;
	static const char ca1[] = "A version one";
	static const char ca2[] = "A version two, a bit longer";
	static const char cb[] = "B only version";
	static const char cc[] = "C confidential";
	const struct dossier_doc *doc;
	struct dossier_meta_edit e;
	struct dossier_iter *it;
	const struct dossier_version *ver;
	struct buf wa1 = BUF_INIT, wa2 = BUF_INIT, wb = BUF_INIT;
	struct buf ma = BUF_INIT, mb = BUF_INIT, vma2 = BUF_INIT,
	    vmb = BUF_INIT;
	char oa1[65], oa2[65], ob[65], num[64];
	struct probs ps;
	sqlite3 *db;
	int64_t a, b, c, sa1, sb;
	int rc;

	a = add_ok(f, put_text(f, "a.txt", ca1), NULL);
	OK(f, dossier_update(f->d, a, put_text(f, "a2.txt", ca2), NULL, NULL));
	b = add_ok(f, put_text(f, "b.txt", cb), NULL);
	c = add_ok(f, put_text(f, "c.txt", cc), at_level(&e,
	    DOSSIER_LEVEL_CONFIDENTIAL));
	db = db_open(f);
	version_object(db, a, 1, oa1, sizeof(oa1));
	version_object(db, a, 2, oa2, sizeof(oa2));
	version_object(db, b, 1, ob, sizeof(ob));
	db_blob(db, &wa1, "SELECT wrapped_dek FROM version WHERE doc = %lld "
	    "AND version = 1", (long long)a);
	db_blob(db, &wa2, "SELECT wrapped_dek FROM version WHERE doc = %lld "
	    "AND version = 2", (long long)a);
	db_blob(db, &wb, "SELECT wrapped_dek FROM version WHERE doc = %lld "
	    "AND version = 1", (long long)b);
	db_blob(db, &ma, "SELECT meta FROM document WHERE id = %lld",
	    (long long)a);
	db_blob(db, &mb, "SELECT meta FROM document WHERE id = %lld",
	    (long long)b);
	db_blob(db, &vma2, "SELECT meta FROM version WHERE doc = %lld AND "
	    "version = 2", (long long)a);
	db_blob(db, &vmb, "SELECT meta FROM version WHERE doc = %lld AND "
	    "version = 1", (long long)b);
	sa1 = db_int(db, "SELECT size FROM version WHERE doc = %lld AND "
	    "version = 1", (long long)a);
	sb = db_int(db, "SELECT size FROM version WHERE doc = %lld AND "
	    "version = 1", (long long)b);

	/* Objects swapped between two documents. */
	db_exec(db, "UPDATE version SET object = '%s' WHERE doc = %lld AND "
	    "version = 1", ob, (long long)a);
	db_exec(db, "UPDATE version SET object = '%s' WHERE doc = %lld AND "
	    "version = 1", oa1, (long long)b);
	expect_get_fails(f, a, 1, DOSSIER_ECORRUPT);
	expect_get_fails(f, b, 0, DOSSIER_ECORRUPT);
	/* With the sizes swapped too. */
	db_exec(db, "UPDATE version SET size = %lld WHERE doc = %lld AND "
	    "version = 1", (long long)sb, (long long)a);
	db_exec(db, "UPDATE version SET size = %lld WHERE doc = %lld AND "
	    "version = 1", (long long)sa1, (long long)b);
	expect_get_fails(f, a, 1, DOSSIER_ECORRUPT);
	expect_get_fails(f, b, 0, DOSSIER_ECORRUPT);
	/* ... and with the wrapped keys as well: the whole content moved. */
	db_set_blob(db, &wb, "UPDATE version SET wrapped_dek = ? WHERE doc = "
	    "%lld AND version = 1", (long long)a);
	db_set_blob(db, &wa1, "UPDATE version SET wrapped_dek = ? WHERE doc = "
	    "%lld AND version = 1", (long long)b);
	expect_get_fails(f, a, 1, DOSSIER_ECORRUPT);
	expect_get_fails(f, b, 0, DOSSIER_ECORRUPT);
	assert_int_equal(verify(f->d, DOSSIER_VERIFY_READ_DATA, &ps),
	    DOSSIER_ECORRUPT);
	assert_true(has_fatal(&ps, a, 1));
	assert_true(has_fatal(&ps, b, 1));
	/* Put back. */
	db_exec(db, "UPDATE version SET object = '%s', size = %lld WHERE "
	    "doc = %lld AND version = 1", oa1, (long long)sa1, (long long)a);
	db_exec(db, "UPDATE version SET object = '%s', size = %lld WHERE "
	    "doc = %lld AND version = 1", ob, (long long)sb, (long long)b);
	db_set_blob(db, &wa1, "UPDATE version SET wrapped_dek = ? WHERE doc = "
	    "%lld AND version = 1", (long long)a);
	db_set_blob(db, &wb, "UPDATE version SET wrapped_dek = ? WHERE doc = "
	    "%lld AND version = 1", (long long)b);
	expect_content(f, a, 1, ca1, strlen(ca1));
	expect_content(f, b, 0, cb, strlen(cb));

	/* Two versions of one document swapped. */
	db_exec(db, "UPDATE version SET object = '%s' WHERE doc = %lld AND "
	    "version = 1", oa2, (long long)a);
	db_exec(db, "UPDATE version SET object = '%s' WHERE doc = %lld AND "
	    "version = 2", oa1, (long long)a);
	expect_get_fails(f, a, 1, DOSSIER_ECORRUPT);
	expect_get_fails(f, a, 2, DOSSIER_ECORRUPT);
	db_exec(db, "UPDATE version SET object = '%s' WHERE doc = %lld AND "
	    "version = 1", oa1, (long long)a);
	db_exec(db, "UPDATE version SET object = '%s' WHERE doc = %lld AND "
	    "version = 2", oa2, (long long)a);
	expect_content(f, a, 2, ca2, strlen(ca2));

	/* A wrapped key copied from another document, another version. */
	db_set_blob(db, &wb, "UPDATE version SET wrapped_dek = ? WHERE doc = "
	    "%lld AND version = 1", (long long)a);
	expect_get_fails(f, a, 1, DOSSIER_ECORRUPT);
	snprintf(num, sizeof(num), "document %lld version 1", (long long)a);
	assert_non_null(strstr(dossier_errmsg(f->d), num));
	db_set_blob(db, &wa2, "UPDATE version SET wrapped_dek = ? WHERE doc = "
	    "%lld AND version = 1", (long long)a);
	expect_get_fails(f, a, 1, DOSSIER_ECORRUPT);
	db_set_blob(db, &wa1, "UPDATE version SET wrapped_dek = ? WHERE doc = "
	    "%lld AND version = 1", (long long)a);
	expect_content(f, a, 1, ca1, strlen(ca1));

	/* A wrapped key moved to another level (row level edited). */
	db_exec(db, "UPDATE version SET level = %d WHERE doc = %lld AND "
	    "version = 1", DOSSIER_LEVEL_CONFIDENTIAL, (long long)a);
	expect_get_fails(f, a, 1, DOSSIER_ECORRUPT);
	db_exec(db, "UPDATE version SET level = %d WHERE doc = %lld AND "
	    "version = 1", DOSSIER_LEVEL_INTERNAL, (long long)a);
	db_exec(db, "UPDATE version SET level = %d WHERE doc = %lld",
	    DOSSIER_LEVEL_PUBLIC, (long long)c);
	expect_get_fails(f, c, 0, DOSSIER_ECORRUPT);
	db_exec(db, "UPDATE version SET level = %d WHERE doc = %lld",
	    DOSSIER_LEVEL_CONFIDENTIAL, (long long)c);
	expect_content(f, c, 0, cc, strlen(cc));

	/* Sealed document metadata copied from B to A. */
	db_set_blob(db, &mb, "UPDATE document SET meta = ? WHERE id = %lld",
	    (long long)a);
	expect_show_refused(f, a);
	snprintf(num, sizeof(num), "document %lld", (long long)a);
	assert_non_null(strstr(dossier_errmsg(f->d), num));
	/* Listing stops at it rather than showing B's title as A's. */
	OK(f, dossier_list(f->d, NULL, &it));
	for (;;) {
		doc = NULL;
		rc = dossier_iter_next(it, &doc, NULL);
		if (rc != DOSSIER_OK)
			break;
		assert_true(doc->id != a);
		if (doc->id == b)
			assert_string_equal(doc->title, "b");
	}
	dossier_iter_free(it);
	assert_int_equal(rc, DOSSIER_ECORRUPT);
	assert_int_equal(verify(f->d, 0, &ps), DOSSIER_ECORRUPT);
	assert_true(has_fatal(&ps, a, 0));
	db_set_blob(db, &ma, "UPDATE document SET meta = ? WHERE id = %lld",
	    (long long)a);
	assert_string_equal(show(f, a)->title, "a");

	/* Sealed version metadata copied from B v1 to A v2. */
	db_set_blob(db, &vmb, "UPDATE version SET meta = ? WHERE doc = %lld "
	    "AND version = 2", (long long)a);
	expect_show_refused(f, a);
	OK(f, dossier_history(f->d, a, &it));
	ver = NULL;
	OK(f, dossier_iter_next(it, NULL, &ver));
	assert_int_equal(ver->version, 1);
	assert_string_equal(ver->filename, "a.txt");
	ver = NULL;
	assert_int_equal(dossier_iter_next(it, NULL, &ver), DOSSIER_ECORRUPT);
	assert_null(ver);
	dossier_iter_free(it);
	db_set_blob(db, &vma2, "UPDATE version SET meta = ? WHERE doc = %lld "
	    "AND version = 2", (long long)a);
	assert_string_equal(show(f, a)->filename, "a2.txt");

	/* A document's level edited, up or down. */
	db_exec(db, "UPDATE document SET level = %d WHERE id = %lld",
	    DOSSIER_LEVEL_SECRET, (long long)a);
	expect_show_refused(f, a);
	db_exec(db, "UPDATE document SET level = %d WHERE id = %lld",
	    DOSSIER_LEVEL_INTERNAL, (long long)a);
	db_exec(db, "UPDATE document SET level = %d WHERE id = %lld",
	    DOSSIER_LEVEL_PUBLIC, (long long)c);
	expect_show_refused(f, c);
	db_exec(db, "UPDATE document SET level = %d WHERE id = %lld",
	    DOSSIER_LEVEL_CONFIDENTIAL, (long long)c);
	assert_string_equal(show(f, a)->title, "a");
	assert_string_equal(show(f, c)->title, "c");
	expect_clean(f, DOSSIER_VERIFY_READ_DATA);

	/* Insider: the user row's clearance edited by hand. */
	db_exec(db, "UPDATE user SET clearance = %d WHERE name = '%s'",
	    DOSSIER_LEVEL_CONFIDENTIAL, ADMIN);
	FAILS(f, dossier_unlock(f->d, ADMIN, PASS, PASSLEN), DOSSIER_ECORRUPT);
	assert_non_null(strstr(dossier_errmsg(f->d), "certificate"));
	assert_null(dossier_user(f->d));
	FAILS(f, dossier_show(f->d, a, &doc), DOSSIER_EMISUSE);
	db_exec(db, "UPDATE user SET clearance = %d WHERE name = '%s'",
	    DOSSIER_LEVEL_TOP_SECRET, ADMIN);
	OK(f, dossier_unlock(f->d, ADMIN, PASS, PASSLEN));
	expect_content(f, a, 0, ca2, strlen(ca2));
	db_close(f);
	buf_release(&wa1);
	buf_release(&wa2);
	buf_release(&wb);
	buf_release(&ma);
	buf_release(&mb);
	buf_release(&vma2);
	buf_release(&vmb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_unlock, setup_dirs,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_trailing_slash,
		    setup_dirs, teardown),
		cmocka_unit_test_setup_teardown(test_add_show, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_history, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_add_recursive, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_add_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reclassify, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_list_filters, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_trash_purge, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_plaintext, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_substitution, setup,
		    teardown),
	};

	if (dossier_library_init() != DOSSIER_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
