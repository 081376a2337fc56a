/*
 * test_sqlvfs.c: the encrypting VFS: a database, its WAL and its search
 * index written through it hold no plaintext; the right key reads it all
 * back, across checkpoints and reopening; a wrong key, a flipped byte or
 * a page moved elsewhere fails closed.
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
#include <sqlite3.h>

#include "dossier.h"
#include "crypto.h"
#include "error.h"
#include "search.h"
#include "sqlvfs.h"

#define MARKER "机密标记PAGEQZX"

struct fx {
	char dir[64];
	char path[96];
	unsigned char key[CRYPTO_KEY_LEN];
	struct sqlvfs *v;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct err e;

	snprintf(f->dir, sizeof(f->dir), "/tmp/dossier-vfs-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	assert_int_equal(crypto_random(f->key, sizeof(f->key)), 0);
	assert_int_equal(sqlvfs_new(f->key, "test-db", &f->v, &e), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[96];

	sqlvfs_free(f->v);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static sqlite3 *
open_db(struct fx *f, struct sqlvfs *v, int want)
{
	sqlite3 *db;
	struct err e;
	int rc;

	rc = sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, sqlvfs_name(v));
	/* A wrong key may already fail at open: closed either way. */
	if (rc != SQLITE_OK) {
		assert_int_equal(want, DOSSIER_ECORRUPT);
		assert_int_equal(sqlite3_extended_errcode(db),
		    SQLITE_IOERR_DATA);
		return db;
	}
	rc = sqlvfs_prepare(db, &e);
	assert_int_equal(rc, want);
	return db;
}

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg != NULL ? msg : "?");
}

/* Searches every file in the directory for s (and in UTF-16LE). */
static int
found_anywhere(struct fx *f, const char *s)
{
	const char *names[] = { "t.db", "t.db-wal", "t.db-shm", "i.db",
		"i.db-wal" };
	char path[128];
	unsigned char *buf;
	struct stat st;
	size_t i;
	int fd, hit = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, names[i]);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		assert_int_equal(fstat(fd, &st), 0);
		buf = malloc((size_t)st.st_size + 1);
		assert_int_equal(read(fd, buf, (size_t)st.st_size),
		    st.st_size);
		close(fd);
		if (memmem(buf, (size_t)st.st_size, s, strlen(s)) != NULL)
			hit = 1;
		free(buf);
	}
	return hit;
}

static int64_t
count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		n = -2;
	sqlite3_finalize(st);
	return n;
}

static void
fill(sqlite3 *db)
{
	char sql[256];
	int i;

	exec_ok(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT);");
	exec_ok(db, "BEGIN;");
	for (i = 0; i < 500; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO t(body) VALUES ('%s "
		    "第%d行 ' || hex(randomblob(40)));", MARKER, i);
		exec_ok(db, sql);
	}
	exec_ok(db, "COMMIT;");
}

static void
test_round_trip_no_plaintext(void **state)
{
	struct fx *f = *state;
	sqlite3 *db;

	db = open_db(f, f->v, DOSSIER_OK);
	fill(db);
	/* In the WAL only, then after a checkpoint in the database. */
	assert_false(found_anywhere(f, "PAGEQZX"));
	assert_false(found_anywhere(f, "SQLite format 3"));
	exec_ok(db, "PRAGMA wal_checkpoint(TRUNCATE);");
	assert_false(found_anywhere(f, "PAGEQZX"));
	exec_ok(db, "UPDATE t SET body = body || ' 更新' WHERE id % 7 = 0;");
	sqlite3_close(db);
	assert_false(found_anywhere(f, "PAGEQZX"));
	assert_false(found_anywhere(f, "CREATE TABLE"));
	db = open_db(f, f->v, DOSSIER_OK);
	assert_int_equal(count(db, "SELECT count(*) FROM t WHERE body LIKE "
	    "'%" MARKER "%';"), 500);
	assert_int_equal(count(db, "SELECT count(*) FROM t WHERE body LIKE "
	    "'%更新';"), 71);
	exec_ok(db, "PRAGMA integrity_check;");
	sqlite3_close(db);
}

static void
test_wrong_key_and_damage(void **state)
{
	struct fx *f = *state;
	unsigned char other[CRYPTO_KEY_LEN], byte;
	struct sqlvfs *w;
	struct err e;
	sqlite3 *db;
	int fd;

	db = open_db(f, f->v, DOSSIER_OK);
	fill(db);
	exec_ok(db, "PRAGMA wal_checkpoint(TRUNCATE);");
	sqlite3_close(db);
	/* Another key: nothing opens. */
	memcpy(other, f->key, sizeof(other));
	other[0] ^= 1;
	assert_int_equal(sqlvfs_new(other, "test-db", &w, &e), 0);
	db = open_db(f, w, DOSSIER_ECORRUPT);
	assert_true(count(db, "SELECT count(*) FROM t;") < 0);
	sqlite3_close(db);
	sqlvfs_free(w);
	/* The same key under another database id: nothing opens either. */
	assert_int_equal(sqlvfs_new(f->key, "other-db", &w, &e), 0);
	db = open_db(f, w, DOSSIER_ECORRUPT);
	sqlite3_close(db);
	sqlvfs_free(w);
	/* One flipped byte in page 3: reading it fails, never wrong data. */
	fd = open(f->path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &byte, 1, 2 * SQLVFS_PAGE + 100), 1);
	byte ^= 0x20;
	assert_int_equal(pwrite(fd, &byte, 1, 2 * SQLVFS_PAGE + 100), 1);
	close(fd);
	db = open_db(f, f->v, DOSSIER_OK);
	assert_true(count(db, "SELECT count(*) FROM t WHERE body LIKE '%x%';")
	    < 0);
	assert_int_equal(sqlite3_extended_errcode(db), SQLITE_IOERR_DATA);
	sqlite3_close(db);
}

/* Pages swapped within the file do not decrypt (the offset is bound). */
static void
test_page_swap(void **state)
{
	struct fx *f = *state;
	unsigned char a[SQLVFS_PAGE], b[SQLVFS_PAGE];
	sqlite3 *db;
	int fd;

	db = open_db(f, f->v, DOSSIER_OK);
	fill(db);
	exec_ok(db, "PRAGMA wal_checkpoint(TRUNCATE);");
	sqlite3_close(db);
	fd = open(f->path, O_RDWR);
	assert_int_equal(pread(fd, a, sizeof(a), 2 * SQLVFS_PAGE),
	    SQLVFS_PAGE);
	assert_int_equal(pread(fd, b, sizeof(b), 3 * SQLVFS_PAGE),
	    SQLVFS_PAGE);
	assert_int_equal(pwrite(fd, b, sizeof(b), 2 * SQLVFS_PAGE),
	    SQLVFS_PAGE);
	assert_int_equal(pwrite(fd, a, sizeof(a), 3 * SQLVFS_PAGE),
	    SQLVFS_PAGE);
	close(fd);
	db = open_db(f, f->v, DOSSIER_OK);
	assert_true(count(db, "SELECT count(*) FROM t WHERE body LIKE '%x%';")
	    < 0);
	sqlite3_close(db);
}

/* The search index through the VFS: it works, and shows no text. */
static void
test_search_index(void **state)
{
	struct fx *f = *state;
	struct search_doc d = { "购房合同", "HT-2022-0315", "购房",
		"甲方乙方签订本合同 " MARKER, 0, 1, 1 };
	struct search *s;
	struct err e;
	char path[128];
	int stale;

	snprintf(path, sizeof(path), "%s/i.db", f->dir);
	d.body_len = strlen(d.body);
	assert_int_equal(search_open(path, f->v, &s, &stale, &e),
	    0);
	assert_int_equal(search_put(s, 7, &d, &e), 0);
	search_close(s);
	assert_false(found_anywhere(f, "PAGEQZX"));
	assert_false(found_anywhere(f, "HT-2022"));
	assert_int_equal(search_open(path, f->v, &s, &stale, &e),
	    0);
	assert_false(stale);
	{
		struct buf body = BUF_INIT;

		assert_int_equal(search_body(s, 7, &body, &e), 0);
		assert_non_null(strstr(buf_str(&body), MARKER));
		buf_release(&body);
	}
	search_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip_no_plaintext,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key_and_damage,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_swap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_search_index, setup,
		    teardown),
	};

	if (dossier_library_init() != DOSSIER_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
