/*
 * test_users.c: people, roles, clearance and grants, enforced by keys as
 * well as by code: each role against each operation, one-time
 * passphrases, an insider editing their own rows, rotation after a
 * downgrade or a disabled account, replayed key rows, tampered grants.
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
#include <unistd.h>

#include "dossier.h"
#include "vault_int.h"
#include "insider.h"

#define ADMIN_PASS "administrator passphrase 1"
#define NEW_PASS "a fresh user passphrase"

struct fx {
	char dir[64];
	char vault[96];
	struct dossier *admin;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/dossier-users-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->vault, sizeof(f->vault), "%s/v", f->dir);
	assert_int_equal(dossier_create(f->vault, "root", ADMIN_PASS,
	    strlen(ADMIN_PASS), &f->admin), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	dossier_close(f->admin);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static struct dossier *
open_as(struct fx *f, const char *user, const char *pass, int want)
{
	struct dossier *d;
	int rc;

	assert_int_equal(dossier_open(f->vault, &d), 0);
	rc = dossier_unlock(d, user, pass, strlen(pass));
	if (rc != want)
		print_error("unlock %s: %s\n", user, dossier_errmsg(d));
	assert_int_equal(rc, want);
	if (rc != DOSSIER_OK) {
		dossier_close(d);
		return NULL;
	}
	return d;
}

/* Adds a user and replaces the one-time passphrase with NEW_PASS. */
static struct dossier *
add_user(struct fx *f, const char *name, const char *role, int clearance,
    const char *group)
{
	const char *groups[1] = { group };
	char onetime[64];
	struct dossier *d;

	assert_int_equal(dossier_user_add(f->admin, name, role, clearance,
	    groups, group != NULL ? 1 : 0, onetime, sizeof(onetime)), 0);
	d = open_as(f, name, onetime, DOSSIER_OK);
	assert_int_equal(dossier_user_passwd(d, NULL, NEW_PASS,
	    strlen(NEW_PASS), NULL, 0), 0);
	return d;
}

static int64_t
file_doc(struct fx *f, struct dossier *d, const char *name, const char *text,
    int level, const char *category)
{
	struct dossier_meta_edit e;
	const struct dossier_doc *doc;
	int64_t last = 0;
	char path[160];
	FILE *fp;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	dossier_meta_edit_init(&e);
	e.level = level;
	e.category = category;
	rc = dossier_add(d, path, &e, DOSSIER_ADD_ALLOW_DUPLICATE, NULL, NULL);
	if (rc != DOSSIER_OK)
		return rc;
	/* The newest document is the one just filed. */
	{
		struct dossier_iter *it;

		assert_int_equal(dossier_list(d, NULL, &it), 0);
		while (dossier_iter_next(it, &doc, NULL) == DOSSIER_OK)
			if (doc->id > last)
				last = doc->id;
		assert_true(last > 0);
		rc = (int)last;
		dossier_iter_free(it);
	}
	return rc;
}

/*
 * The catalog as an insider holding the root administrator's passphrase
 * opens it: decrypted with the catalog key from root's key slot, none of
 * dossier's checks in the way.  Close with catalog_close().
 */
static struct catalog *
insider(struct fx *f)
{
	struct catalog *cat = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = insider_catalog(f->vault, "root", ADMIN_PASS, &cat, &e);
	if (rc != DOSSIER_OK)
		print_error("insider_catalog: %s\n", e.msg);
	assert_int_equal(rc, DOSSIER_OK);
	return cat;
}

/* Runs q on the decrypted catalog behind dossier's back. */
static void
sql(struct fx *f, const char *q)
{
	struct catalog *cat = insider(f);
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(cat->db, q, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		print_error("sql: %s: %s\n", q, msg != NULL ? msg : "?");
	sqlite3_free(msg);
	catalog_close(cat);
	assert_int_equal(rc, SQLITE_OK);
}

static int64_t
sql_int(struct fx *f, const char *q)
{
	struct catalog *cat = insider(f);
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(cat->db, q, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	catalog_close(cat);
	return v;
}

/*
 * Runs q on a scratch database of the fixture's directory with the
 * keyring (plain SQLite, VAULT/keyring.db) attached as "ring".
 */
static void
ring_sql(struct fx *f, const char *q)
{
	char path[128], att[192];
	sqlite3 *db;
	char *msg = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/scratch.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	snprintf(att, sizeof(att), "ATTACH '%s/keyring.db' AS ring;",
	    f->vault);
	rc = sqlite3_exec(db, att, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, q, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		print_error("ring_sql: %s: %s\n", q, msg != NULL ? msg : "?");
	sqlite3_free(msg);
	sqlite3_close(db);
	assert_int_equal(rc, SQLITE_OK);
}

/*
 * Tries every level key d holds against the wrapped data key of
 * (doc, version 1): 1 if any opens it.
 */
static int
any_key_opens(struct fx *f, struct dossier *d, int64_t doc)
{
	unsigned char wrapped[KEYS_WRAPPED_LEN], dek[CRYPTO_KEY_LEN];
	unsigned char wrapkey[CRYPTO_KEY_LEN];
	struct keys_dek_label lb;
	struct catalog *cat;
	char q[160];
	sqlite3_stmt *st;
	size_t i;
	int opened = 0;

	cat = insider(f);
	snprintf(q, sizeof(q), "SELECT wrapped_dek, level, key_version FROM "
	    "version WHERE doc = %lld AND version = 1;", (long long)doc);
	assert_int_equal(sqlite3_prepare_v2(cat->db, q, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	memcpy(wrapped, sqlite3_column_blob(st, 0), sizeof(wrapped));
	lb.doc = (uint64_t)doc;
	lb.version = 1;
	lb.level = sqlite3_column_int(st, 1);
	lb.key_version = (uint32_t)sqlite3_column_int(st, 2);
	sqlite3_finalize(st);
	catalog_close(cat);
	for (i = 0; i < d->nlks; i++) {
		/* Every key, under the label it would need and its own. */
		assert_int_equal(keys_derive(d->vault_id, d->lks[i].key,
		    KEYS_WRAP, wrapkey), 0);
		if (keys_unwrap_dek(d->vault_id, wrapkey, &lb, wrapped,
		    dek) == DOSSIER_OK) {
			print_message("# key level %d version %u opens doc %lld"
			    " (level %d kv %u)\n", d->lks[i].level,
			    d->lks[i].version, (long long)doc, lb.level,
			    lb.key_version);
			opened = 1;
		}
	}
	return opened;
}

static void
test_onetime_passphrase(void **state)
{
	struct fx *f = *state;
	struct dossier_iter *it;
	const struct dossier_user_info *u;
	char onetime[64];
	struct dossier *d;

	assert_int_equal(dossier_user_add(f->admin, "bob", "clerk",
	    DOSSIER_LEVEL_INTERNAL, NULL, 0, onetime, sizeof(onetime)), 0);
	assert_int_equal(strlen(onetime), 24);
	assert_int_equal(dossier_user_add(f->admin, "bob", "clerk", 1, NULL, 0,
	    onetime + 32, 32), DOSSIER_ECONFLICT);
	assert_int_equal(dossier_user_show(f->admin, "bob", &u), 0);
	assert_true(u->must_change);
	assert_string_equal(u->certifier, "root");
	d = open_as(f, "bob", onetime, DOSSIER_OK);
	/* Nothing but replacing the passphrase until it is replaced. */
	assert_int_equal(dossier_list(d, NULL, &it), DOSSIER_EDENIED);
	assert_int_equal(dossier_user_passwd(d, NULL, "short", 5, NULL, 0),
	    DOSSIER_EUSAGE);
	assert_int_equal(dossier_user_passwd(d, NULL, NEW_PASS,
	    strlen(NEW_PASS), NULL, 0), 0);
	assert_int_equal(dossier_list(d, NULL, &it), 0);
	dossier_iter_free(it);
	dossier_close(d);
	/* The one-time passphrase is gone; the new one works. */
	open_as(f, "bob", onetime, DOSSIER_EAUTH);
	dossier_close(open_as(f, "bob", NEW_PASS, DOSSIER_OK));
	assert_int_equal(dossier_user_show(f->admin, "bob", &u), 0);
	assert_false(u->must_change);
	/* Bad requests. */
	assert_int_equal(dossier_user_add(f->admin, "eve", "root", 1, NULL, 0,
	    onetime, sizeof(onetime)), DOSSIER_EUSAGE);
	assert_int_equal(dossier_user_add(f->admin, "bad name", "clerk", 1,
	    NULL, 0, onetime, sizeof(onetime)), DOSSIER_EUSAGE);
}

struct expect {
	const char *role;
	int add, update, meta, show, get, rm, purge, verify, user_add, grant;
};

static void
test_role_matrix(void **state)
{
	static const struct expect table[] = {
		{ "clerk", 0, 0, 0, 0, 0, DOSSIER_EDENIED, DOSSIER_EDENIED,
		    DOSSIER_EDENIED, DOSSIER_EDENIED, DOSSIER_EDENIED },
		{ "viewer", DOSSIER_EDENIED, DOSSIER_EDENIED, DOSSIER_EDENIED,
		    0, DOSSIER_EDENIED, DOSSIER_EDENIED, DOSSIER_EDENIED,
		    DOSSIER_EDENIED, DOSSIER_EDENIED, DOSSIER_EDENIED },
		{ "auditor", DOSSIER_EDENIED, DOSSIER_ENOTFOUND,
		    DOSSIER_ENOTFOUND, DOSSIER_ENOTFOUND, DOSSIER_ENOTFOUND,
		    DOSSIER_ENOTFOUND, DOSSIER_EDENIED, DOSSIER_EDENIED,
		    DOSSIER_EDENIED, DOSSIER_EDENIED },
		{ "backup", DOSSIER_EDENIED, DOSSIER_ENOTFOUND,
		    DOSSIER_ENOTFOUND, DOSSIER_ENOTFOUND, DOSSIER_ENOTFOUND,
		    DOSSIER_ENOTFOUND, DOSSIER_EDENIED, 0, DOSSIER_EDENIED,
		    DOSSIER_EDENIED },
		{ "admin", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	};
	struct fx *f = *state;
	struct dossier_meta_edit e;
	const struct dossier_doc *doc;
	struct dossier_iter *it;
	char path[128], onetime[64], name[32];
	int64_t id, before;
	size_t i;
	int devnull;

	snprintf(path, sizeof(path), "%s/upd.txt", f->dir);
	devnull = fileno(fopen("/dev/null", "w"));
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct expect *x = &table[i];
		struct dossier *d;

		snprintf(name, sizeof(name), "u_%s", x->role);
		d = add_user(f, name, x->role, DOSSIER_LEVEL_INTERNAL, NULL);
		id = file_doc(f, f->admin, "m.txt", name, 1, "合同");
		assert_true(id > 0);
		assert_int_equal(file_doc(f, d, "n.txt", "x", 1, "合同") > 0 ?
		    0 : DOSSIER_EDENIED, x->add);
		/* A file with other content, for update. */
		file_doc(f, f->admin, "upd.txt", "更新的内容", 1, NULL);
		dossier_meta_edit_init(&e);
		e.title = "改名";
		assert_int_equal(dossier_update(d, id, path, NULL, NULL),
		    x->update);
		assert_int_equal(dossier_meta(d, id, &e), x->meta);
		assert_int_equal(dossier_show(d, id, &doc), x->show);
		assert_int_equal(dossier_get_fd(d, id, 0, devnull), x->get);
		assert_int_equal(dossier_rm(d, id, "why"), x->rm);
		assert_int_equal(dossier_verify(d, 0, NULL, NULL), x->verify);
		assert_int_equal(dossier_user_add(d, "zz", "viewer", 0, NULL, 0,
		    onetime, sizeof(onetime)), x->user_add);
		assert_int_equal(dossier_grant(d, "bob", DOSSIER_PERM_READ, id,
		    NULL), x->grant == 0 ? DOSSIER_ENOTFOUND : x->grant);
		before = sql_int(f, "SELECT count(*) FROM document;");
		assert_int_equal(dossier_purge(d, id, "why"), x->purge);
		if (x->purge != 0)
			assert_int_equal(sql_int(f,
			    "SELECT count(*) FROM document;"), before);
		/* Lists hide what cannot be read, count included. */
		assert_int_equal(dossier_list(d, NULL, &it), 0);
		if (x->show == DOSSIER_ENOTFOUND)
			assert_int_equal(dossier_iter_total(it), 0);
		dossier_iter_free(it);
		if (strcmp(x->role, "admin") == 0)
			assert_int_equal(dossier_user_disable(f->admin, "zz"),
			    0);
		dossier_close(d);
	}
	/* Every refusal is in the audit log. */
	assert_true(sql_int(f, "SELECT count(*) FROM audit WHERE outcome ="
	    " 'denied';") >= 20);
	assert_true(sql_int(f, "SELECT count(*) FROM audit WHERE user ="
	    " 'u_viewer' AND action = 'get' AND outcome = 'denied';") >= 1);
	close(devnull);
}

static void
test_grants_groups_restrict(void **state)
{
	struct fx *f = *state;
	const struct dossier_doc *doc;
	struct dossier *v;
	int64_t id;
	int devnull = fileno(fopen("/dev/null", "w"));

	v = add_user(f, "vera", "viewer", DOSSIER_LEVEL_INTERNAL, "finance");
	id = file_doc(f, f->admin, "c.txt", "合同内容", 1, "合同");
	assert_int_equal(dossier_get_fd(v, id, 0, devnull), DOSSIER_EDENIED);
	/* A grant to her group on the category. */
	assert_int_equal(dossier_grant(f->admin, "@finance",
	    DOSSIER_PERM_EXPORT, 0, "合同"), 0);
	dossier_close(v);
	v = open_as(f, "vera", NEW_PASS, DOSSIER_OK);
	assert_int_equal(dossier_get_fd(v, id, 0, devnull), 0);
	dossier_close(v);
	/* Revoked: denied again. */
	assert_int_equal(dossier_revoke(f->admin, "@finance",
	    DOSSIER_PERM_EXPORT, 0, "合同"), 0);
	v = open_as(f, "vera", NEW_PASS, DOSSIER_OK);
	assert_int_equal(dossier_get_fd(v, id, 0, devnull), DOSSIER_EDENIED);
	dossier_close(v);
	/* Restricted: role defaults stop; an explicit grant opens it. */
	assert_int_equal(dossier_restrict(f->admin, id, 1), 0);
	v = open_as(f, "vera", NEW_PASS, DOSSIER_OK);
	assert_int_equal(dossier_show(v, id, &doc), DOSSIER_ENOTFOUND);
	dossier_close(v);
	assert_int_equal(dossier_grant(f->admin, "vera", DOSSIER_PERM_READ, id,
	    NULL), 0);
	v = open_as(f, "vera", NEW_PASS, DOSSIER_OK);
	assert_int_equal(dossier_show(v, id, &doc), 0);
	dossier_close(v);
	/* Bad grants. */
	assert_int_equal(dossier_grant(f->admin, "nobody", DOSSIER_PERM_READ,
	    id, NULL), DOSSIER_ENOTFOUND);
	assert_int_equal(dossier_grant(f->admin, "vera", DOSSIER_PERM_READ, id,
	    "合同"), DOSSIER_EUSAGE);
	assert_int_equal(dossier_grant(f->admin, "vera", 0, id, NULL),
	    DOSSIER_EUSAGE);
	close(devnull);
}

/* T2: an insider edits her own rows with sqlite3. */
static void
test_insider_edits(void **state)
{
	struct fx *f = *state;
	struct dossier *b;
	const struct dossier_doc *doc;
	int64_t secret;

	b = add_user(f, "bob", "clerk", DOSSIER_LEVEL_INTERNAL, NULL);
	secret = file_doc(f, f->admin, "s.txt", "机密内容", 3, NULL);
	assert_int_equal(dossier_show(b, secret, &doc), DOSSIER_ENOTFOUND);
	/* Everything bob holds fails to open the secret document's key. */
	assert_false(any_key_opens(f, b, secret));
	assert_true(any_key_opens(f, f->admin, secret));
	dossier_close(b);

	/* Her clearance raised in the catalog: refused, not obeyed. */
	sql(f, "UPDATE user SET clearance = 4 WHERE name = 'bob';");
	open_as(f, "bob", NEW_PASS, DOSSIER_ECORRUPT);
	sql(f, "UPDATE user SET clearance = 1 WHERE name = 'bob';");
	/* The admin's sealed secret-level key copied to her: refused. */
	sql(f, "INSERT INTO sealed_key SELECT 'bob', kind, level, version,"
	    " blob FROM sealed_key WHERE user = 'root' AND level = 3;");
	open_as(f, "bob", NEW_PASS, DOSSIER_ECORRUPT);
	sql(f, "DELETE FROM sealed_key WHERE user = 'bob' AND level = 3;");
	/* A grant row forged for herself: refused. */
	sql(f, "INSERT INTO grant_row VALUES ('bob', 1, zeroblob(32), 255,"
	    " x'', 'root', 0);");
	open_as(f, "bob", NEW_PASS, DOSSIER_ECORRUPT);
	open_as(f, "root", ADMIN_PASS, DOSSIER_ECORRUPT);
	sql(f, "DELETE FROM grant_row;");
	/* Her role edited: refused. */
	sql(f, "UPDATE user SET role = 'admin' WHERE name = 'bob';");
	open_as(f, "bob", NEW_PASS, DOSSIER_ECORRUPT);
	sql(f, "UPDATE user SET role = 'clerk' WHERE name = 'bob';");
	/* Untouched again: she works, still without the secret level. */
	b = open_as(f, "bob", NEW_PASS, DOSSIER_OK);
	assert_int_equal(dossier_show(b, secret, &doc), DOSSIER_ENOTFOUND);
	assert_false(any_key_opens(f, b, secret));
	dossier_close(b);
}

/* The admin raises a clearance knowing only the user's public key. */
static void
test_raise_clearance(void **state)
{
	struct fx *f = *state;
	const struct dossier_doc *doc;
	struct dossier *b;
	int64_t secret;

	b = add_user(f, "bob", "clerk", DOSSIER_LEVEL_INTERNAL, NULL);
	dossier_close(b);
	secret = file_doc(f, f->admin, "s.txt", "机密内容", 3, NULL);
	assert_int_equal(dossier_user_clearance(f->admin, "bob", 3), 0);
	/* Bob's own passphrase, which the admin never saw, opens it now. */
	b = open_as(f, "bob", NEW_PASS, DOSSIER_OK);
	assert_int_equal(dossier_show(b, secret, &doc), 0);
	assert_true(any_key_opens(f, b, secret));
	dossier_close(b);
}

/* Lowering rotates: the old key opens nothing filed later, nor (after
 * rekey) anything older; replayed key rows are refused. */
static void
test_lower_rotate_replay(void **state)
{
	struct fx *f = *state;
	const struct dossier_doc *doc;
	struct dossier *old, *b;
	int64_t before, after;
	int64_t n;

	old = add_user(f, "bob", "clerk", DOSSIER_LEVEL_SECRET, NULL);
	before = file_doc(f, f->admin, "s1.txt", "旧机密", 3, NULL);
	assert_true(any_key_opens(f, old, before));
	sql(f, "CREATE TABLE saved AS SELECT * FROM sealed_key WHERE"
	    " user = 'bob';");
	assert_int_equal(dossier_user_clearance(f->admin, "bob", 1), 0);
	assert_int_equal(sql_int(f, "SELECT max(version) FROM level_key WHERE"
	    " level = 3;"), 2);
	after = file_doc(f, f->admin, "s2.txt", "新机密", 3, NULL);
	assert_int_equal(sql_int(f, "SELECT key_version FROM version WHERE"
	    " doc = (SELECT max(doc) FROM version);"), 2);
	/* Everything bob held before the downgrade: nothing opens it. */
	assert_false(any_key_opens(f, old, after));
	/* Replaying the old sealed rows: refused at unlock. */
	sql(f, "INSERT OR IGNORE INTO sealed_key SELECT * FROM saved;");
	open_as(f, "bob", NEW_PASS, DOSSIER_ECORRUPT);
	sql(f, "DELETE FROM sealed_key WHERE user = 'bob' AND level > 1;");
	b = open_as(f, "bob", NEW_PASS, DOSSIER_OK);
	assert_int_equal(dossier_show(b, before, &doc), DOSSIER_ENOTFOUND);
	assert_int_equal(dossier_show(b, after, &doc), DOSSIER_ENOTFOUND);
	dossier_close(b);
	/* rekey moves the old document to the new key: the old key is dead. */
	assert_true(any_key_opens(f, old, before));
	assert_int_equal(dossier_rekey(f->admin, &n), 0);
	assert_true(n >= 1);
	assert_false(any_key_opens(f, old, before));
	assert_true(any_key_opens(f, f->admin, before));
	assert_int_equal(dossier_show(f->admin, before, &doc), 0);
	assert_int_equal(dossier_verify(f->admin, DOSSIER_VERIFY_READ_DATA,
	    NULL, NULL), 0);
	dossier_close(old);
}

static void
test_disable(void **state)
{
	struct fx *f = *state;
	struct dossier *old;
	int64_t after;

	old = add_user(f, "bob", "clerk", DOSSIER_LEVEL_INTERNAL, NULL);
	/* Bob keeps a copy of his key slot, which the disabling removes. */
	ring_sql(f, "CREATE TABLE slot AS SELECT * FROM ring.keyslot"
	    " WHERE user = 'bob';");
	assert_int_equal(dossier_user_disable(f->admin, "bob"), 0);
	assert_int_equal(dossier_user_disable(f->admin, "bob"),
	    DOSSIER_ECONFLICT);
	assert_int_equal(dossier_user_disable(f->admin, "root"),
	    DOSSIER_ECONFLICT);
	open_as(f, "bob", NEW_PASS, DOSSIER_EAUTH);
	after = file_doc(f, f->admin, "i.txt", "内部", 1, NULL);
	assert_false(any_key_opens(f, old, after));
	/*
	 * Re-enabling by editing the row: refused.  His slot is gone from
	 * the keyring, so his passphrase opens nothing; put back from his
	 * copy, it opens, and the edited row is refused for what it is.
	 */
	sql(f, "UPDATE user SET disabled = 0 WHERE name = 'bob';");
	open_as(f, "bob", NEW_PASS, DOSSIER_EAUTH);
	ring_sql(f, "INSERT INTO ring.keyslot SELECT * FROM slot;");
	open_as(f, "bob", NEW_PASS, DOSSIER_ECORRUPT);
	dossier_close(old);
}

/* An administrator's reset gives new keys and a one-time passphrase. */
static void
test_admin_reset(void **state)
{
	struct fx *f = *state;
	struct dossier *b;
	char onetime[64];

	b = add_user(f, "bob", "viewer", DOSSIER_LEVEL_INTERNAL, NULL);
	dossier_close(b);
	assert_int_equal(dossier_user_passwd(f->admin, "bob", NULL, 0, onetime,
	    sizeof(onetime)), 0);
	open_as(f, "bob", NEW_PASS, DOSSIER_EAUTH);
	b = open_as(f, "bob", onetime, DOSSIER_OK);
	assert_int_equal(dossier_user_passwd(b, NULL, NEW_PASS,
	    strlen(NEW_PASS), NULL, 0), 0);
	dossier_close(b);
	dossier_close(open_as(f, "bob", NEW_PASS, DOSSIER_OK));
}

/* Review findings: role-only powers, laundering, undone rotations. */
static void
test_policy_hardening(void **state)
{
	struct fx *f = *state;
	struct dossier *a2, *b, *c;
	char onetime[64];
	int64_t id;
	int devnull = fileno(fopen("/dev/null", "w"));

	id = file_doc(f, f->admin, "h.txt", "内容", 1, "合同");
	/* Vault-wide powers are not grantable. */
	assert_int_equal(dossier_grant(f->admin, "root", DOSSIER_PERM_ADMIN,
	    id, NULL), DOSSIER_EUSAGE);
	assert_int_equal(dossier_grant(f->admin, "root", DOSSIER_PERM_AUDIT, 0,
	    "合同"), DOSSIER_EUSAGE);
	/* An edit made outside dossier is not blessed by the next signing. */
	b = add_user(f, "bob", "viewer", DOSSIER_LEVEL_INTERNAL, NULL);
	sql(f, "INSERT INTO grant_row VALUES ('bob', 1, zeroblob(32), 16,"
	    " x'', 'root', 0);");
	assert_int_equal(dossier_grant(f->admin, "bob", DOSSIER_PERM_READ, id,
	    NULL), DOSSIER_ECORRUPT);
	open_as(f, "bob", NEW_PASS, DOSSIER_ECORRUPT);
	sql(f, "DELETE FROM grant_row WHERE perms = 16;");
	dossier_close(b);
	/* Deleting a rotation's key row is detected. */
	assert_int_equal(dossier_user_add(f->admin, "carl", "clerk", 2, NULL, 0,
	    onetime, sizeof(onetime)), 0);
	assert_int_equal(dossier_user_clearance(f->admin, "carl", 1), 0);
	sql(f, "CREATE TABLE k AS SELECT * FROM level_key WHERE level = 2"
	    " AND version = 2; DELETE FROM level_key WHERE level = 2 AND"
	    " version = 2;");
	open_as(f, "root", ADMIN_PASS, DOSSIER_ECORRUPT);
	sql(f, "INSERT INTO level_key SELECT * FROM k;");
	/* A second administrator cleared for internal cannot clear above. */
	a2 = add_user(f, "ann", "admin", DOSSIER_LEVEL_INTERNAL, NULL);
	assert_int_equal(dossier_user_add(a2, "dan", "clerk", 4, NULL, 0,
	    onetime, sizeof(onetime)), DOSSIER_EDENIED);
	assert_true(sql_int(f, "SELECT count(*) FROM audit WHERE user = 'ann'"
	    " AND action = 'user add' AND outcome = 'denied';") == 1);
	/* Ann certifies eve; resetting ann keeps eve's certificate valid. */
	assert_int_equal(dossier_user_add(a2, "eve", "viewer", 1, NULL, 0,
	    onetime, sizeof(onetime)), 0);
	c = open_as(f, "eve", onetime, DOSSIER_OK);
	assert_int_equal(dossier_user_passwd(c, NULL, NEW_PASS,
	    strlen(NEW_PASS), NULL, 0), 0);
	dossier_close(c);
	dossier_close(a2);
	assert_int_equal(dossier_user_passwd(f->admin, "ann", NULL, 0, onetime,
	    sizeof(onetime)), 0);
	dossier_close(open_as(f, "eve", NEW_PASS, DOSSIER_OK));
	/* The pinned root administrator cannot be reset by another. */
	a2 = open_as(f, "ann", onetime, DOSSIER_OK);
	assert_int_equal(dossier_user_passwd(a2, NULL, NEW_PASS,
	    strlen(NEW_PASS), NULL, 0), 0);
	assert_int_equal(dossier_user_passwd(a2, "root", NULL, 0, onetime,
	    sizeof(onetime)), DOSSIER_EDENIED);
	dossier_close(a2);
	close(devnull);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_onetime_passphrase, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_role_matrix, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_grants_groups_restrict,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_insider_edits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_raise_clearance, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lower_rotate_replay, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_disable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admin_reset, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_policy_hardening, setup,
		    teardown),
	};

	if (dossier_library_init() != DOSSIER_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
