/*
 * test_audit_vault.c: the audit log of a real vault against re-signing,
 * the one attack the shell tests cannot stage (it needs a user's secret
 * key): a record signed anew with another user's key, and a user's older
 * record signed anew with the key an administrator's reset gave them
 * later (a key not certified for them at that time).  Also: records are
 * in the same transaction as their operation, one per filed document.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "audit.h"
#include "dossier.h"
#include "vault_int.h"
#include "insider.h"

#define ROOT_PASS "administrator passphrase 1"
#define BOB_PASS "bob's first passphrase 7"
#define BOB_PASS2 "bob's second passphrase 9"

struct fx {
	char dir[64];
	char vault[96];
	struct dossier *root;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/dossier-auditv-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->vault, sizeof(f->vault), "%s/v", f->dir);
	assert_int_equal(dossier_create(f->vault, "root", ROOT_PASS,
	    strlen(ROOT_PASS), &f->root), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	dossier_close(f->root);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static struct dossier *
open_as(struct fx *f, const char *user, const char *pass)
{
	struct dossier *d;

	assert_int_equal(dossier_open(f->vault, &d), 0);
	assert_int_equal(dossier_unlock(d, user, pass, strlen(pass)), 0);
	return d;
}

/* Adds (or resets) bob as root and gives him pass; his open handle. */
static struct dossier *
bob_with(struct fx *f, int reset, const char *pass)
{
	char onetime[64];
	struct dossier *b;

	if (reset)
		assert_int_equal(dossier_user_passwd(f->root, "bob", NULL, 0,
		    onetime, sizeof(onetime)), 0);
	else
		assert_int_equal(dossier_user_add(f->root, "bob", "clerk",
		    DOSSIER_LEVEL_INTERNAL, NULL, 0, onetime, sizeof(onetime)),
		    0);
	b = open_as(f, "bob", onetime);
	assert_int_equal(dossier_user_passwd(b, NULL, pass, strlen(pass), NULL,
	    0), 0);
	return b;
}

static int
count_rows(void *ctx, const struct dossier_audit_entry *e)
{
	(void)e;
	(*(int *)ctx)++;
	return 0;
}

/* The newest record of user doing action, read back from the catalog. */
struct find {
	const char *user, *action;
	struct audit_rec r;
	int found;
};

static int
find_rec(void *ctx, const struct audit_rec *r)
{
	struct find *x = ctx;

	if (strcmp(r->user, x->user) != 0 || strcmp(r->action, x->action) != 0)
		return 0;
	audit_rec_release(&x->r);
	x->r = *r;
	x->r.detail.data = NULL;
	x->r.detail.len = x->r.detail.cap = 0;
	assert_int_equal(buf_append(&x->r.detail, r->detail.data,
	    r->detail.len), 0);
	x->found = 1;
	return 0;
}

/*
 * Signs the record anew with secret, in the catalog file itself: opened
 * decrypted as an insider holding root's passphrase would open it, none
 * of dossier's checks in the way.
 */
static void
resign(struct fx *f, struct dossier *d, const char *user, const char *action,
    const unsigned char *secret)
{
	struct find x;
	struct err e;
	struct catalog *cat = NULL;
	sqlite3_stmt *st;
	int rc;

	memset(&x, 0, sizeof(x));
	x.user = user;
	x.action = action;
	audit_rec_init(&x.r);
	err_clear(&e);
	assert_int_equal(catalog_audit_each(d->cat, 1, find_rec, &x, &e), 0);
	assert_true(x.found);
	assert_int_equal(audit_rec_seal(&x.r, x.r.prev, secret), 0);
	rc = insider_catalog(f->vault, "root", ROOT_PASS, &cat, &e);
	if (rc != DOSSIER_OK)
		print_error("insider_catalog: %s\n", e.msg);
	assert_int_equal(rc, DOSSIER_OK);
	assert_int_equal(sqlite3_prepare_v2(cat->db, "UPDATE audit SET"
	    " sig = ?, signed = 1 WHERE seq = ?;", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, x.r.sig, AUDIT_SIG_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, x.r.seq);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_changes(cat->db), 1);
	catalog_close(cat);
	audit_rec_release(&x.r);
}

static void
expect_bad(struct dossier *d, const char *what)
{
	int rc = dossier_audit_verify(d, NULL, NULL, NULL, NULL);

	if (rc != DOSSIER_ECORRUPT || strstr(dossier_errmsg(d), what) == NULL)
		print_error("verify: %d %s\n", rc, dossier_errmsg(d));
	assert_int_equal(rc, DOSSIER_ECORRUPT);
	assert_non_null(strstr(dossier_errmsg(d), what));
}

static void
test_resigned_by_another_user(void **state)
{
	struct fx *f = *state;
	struct dossier *b = bob_with(f, 0, BOB_PASS);

	assert_int_equal(dossier_audit_verify(f->root, NULL, NULL, NULL, NULL),
	    0);
	/* Bob signs root's "user add" with his own key. */
	resign(f, b, "root", "user add", b->secret + CRYPTO_X25519_LEN);
	expect_bad(f->root, "bad signature");
	dossier_close(b);
}

static void
test_resigned_with_a_later_key(void **state)
{
	struct fx *f = *state;
	struct dossier *b = bob_with(f, 0, BOB_PASS), *b2;
	struct dossier_filter fl;
	struct dossier_iter *it;

	dossier_filter_init(&fl);
	assert_int_equal(dossier_list(b, &fl, &it), 0);
	dossier_iter_free(it);
	dossier_close(b);
	/* A reset: bob's new key is certified from here on only. */
	b2 = bob_with(f, 1, BOB_PASS2);
	assert_int_equal(dossier_audit_verify(f->root, NULL, NULL, NULL, NULL),
	    0);
	/* His list, from before the reset, signed anew with the new key. */
	resign(f, b2, "bob", "list", b2->secret + CRYPTO_X25519_LEN);
	expect_bad(f->root, "bad signature");
	dossier_close(b2);
}

static void
test_one_record_per_filed_document(void **state)
{
	struct fx *f = *state;
	struct dossier_audit_filter af;
	char dir[128], path[160];
	FILE *fp;
	int i, n = 0;

	snprintf(dir, sizeof(dir), "%s/in", f->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/f%d.txt", dir, i);
		fp = fopen(path, "w");
		assert_non_null(fp);
		fprintf(fp, "档案 %d\n", i);
		fclose(fp);
	}
	assert_int_equal(dossier_add(f->root, dir, NULL,
	    DOSSIER_ADD_RECURSIVE, NULL, NULL), 0);
	dossier_audit_filter_init(&af);
	af.action = "add";
	assert_int_equal(dossier_audit_each(f->root, &af, count_rows, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(dossier_audit_verify(f->root, NULL, NULL, NULL, NULL),
	    0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resigned_by_another_user,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_resigned_with_a_later_key,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_one_record_per_filed_document, setup, teardown),
	};

	if (dossier_library_init() != DOSSIER_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
