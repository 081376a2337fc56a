/*
 * test_policy.c: the pure permission function: role defaults, grants to
 * users and groups on documents and categories, restriction.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dossier.h"
#include "policy.h"
#include "weakpass.h"

static const unsigned char cat_a[CRYPTO_HASH_LEN] = { 1 };
static const unsigned char cat_b[CRYPTO_HASH_LEN] = { 2 };

static unsigned
perms_of(const char *role, const char *const *groups, size_t ng, int64_t doc,
    const unsigned char *cat, int restricted, const struct policy_grant *g,
    size_t n)
{
	struct policy_subject s = { "bob", role, groups, ng };
	struct policy_object o = { doc, cat, restricted };

	return policy_effective(&s, &o, g, n);
}

static void
test_role_defaults(void **state)
{
	(void)state;
	assert_int_equal(perms_of("admin", NULL, 0, 1, NULL, 0, NULL, 0),
	    DOSSIER_PERM_ALL);
	assert_int_equal(perms_of("clerk", NULL, 0, 1, NULL, 0, NULL, 0),
	    DOSSIER_PERM_READ | DOSSIER_PERM_FILE | DOSSIER_PERM_EDIT |
	    DOSSIER_PERM_EXPORT);
	assert_int_equal(perms_of("viewer", NULL, 0, 1, NULL, 0, NULL, 0),
	    DOSSIER_PERM_READ);
	assert_int_equal(perms_of("auditor", NULL, 0, 1, NULL, 0, NULL, 0),
	    DOSSIER_PERM_AUDIT);
	assert_int_equal(perms_of("backup", NULL, 0, 1, NULL, 0, NULL, 0),
	    DOSSIER_PERM_BACKUP);
	assert_int_equal(perms_of("nobody", NULL, 0, 1, NULL, 0, NULL, 0), 0);
	assert_false(policy_role_valid("root"));
	assert_true(policy_role_valid("clerk"));
}

static void
test_grants(void **state)
{
	static const char *const groups[] = { "finance", "legal" };
	struct policy_grant g[4];

	(void)state;
	memset(g, 0, sizeof(g));
	g[0].principal = "bob";
	g[0].perms = DOSSIER_PERM_DELETE;
	g[0].doc = 7;
	g[1].principal = "@finance";
	g[1].perms = DOSSIER_PERM_EXPORT;
	memcpy(g[1].cat_mac, cat_a, sizeof(cat_a));
	g[2].principal = "alice"; /* someone else */
	g[2].perms = DOSSIER_PERM_ADMIN;
	g[2].doc = 7;
	g[3].principal = "@hr"; /* a group bob is not in */
	g[3].perms = DOSSIER_PERM_EDIT;
	memcpy(g[3].cat_mac, cat_a, sizeof(cat_a));

	/* A document grant applies to that document only. */
	assert_int_equal(perms_of("viewer", groups, 2, 7, NULL, 0, g, 4),
	    DOSSIER_PERM_READ | DOSSIER_PERM_DELETE);
	assert_int_equal(perms_of("viewer", groups, 2, 8, NULL, 0, g, 4),
	    DOSSIER_PERM_READ);
	/* A category grant through a group. */
	assert_int_equal(perms_of("viewer", groups, 2, 8, cat_a, 0, g, 4),
	    DOSSIER_PERM_READ | DOSSIER_PERM_EXPORT);
	assert_int_equal(perms_of("viewer", groups, 2, 8, cat_b, 0, g, 4),
	    DOSSIER_PERM_READ);
	/* Without the group, no category grant. */
	assert_int_equal(perms_of("viewer", NULL, 0, 8, cat_a, 0, g, 4),
	    DOSSIER_PERM_READ);
	/* Filing into a category (doc 0): category grants only. */
	assert_int_equal(perms_of("auditor", groups, 2, 0, cat_a, 0, g, 4),
	    DOSSIER_PERM_AUDIT | DOSSIER_PERM_EXPORT);
}

static void
test_restricted(void **state)
{
	static const char *const groups[] = { "finance" };
	struct policy_grant g[1];

	(void)state;
	memset(g, 0, sizeof(g));
	g[0].principal = "@finance";
	g[0].perms = DOSSIER_PERM_READ;
	memcpy(g[0].cat_mac, cat_a, sizeof(cat_a));
	/* Role defaults do not apply; explicit grants do. */
	assert_int_equal(perms_of("clerk", NULL, 0, 3, cat_a, 1, g, 1), 0);
	assert_int_equal(perms_of("clerk", groups, 1, 3, cat_a, 1, g, 1),
	    DOSSIER_PERM_READ);
	/* Administrators keep every permission. */
	assert_int_equal(perms_of("admin", NULL, 0, 3, cat_a, 1, g, 1),
	    DOSSIER_PERM_ALL);
}

static void
test_names(void **state)
{
	unsigned p;

	(void)state;
	assert_int_equal(dossier_perm_parse("export", &p), 0);
	assert_int_equal(p, DOSSIER_PERM_EXPORT);
	assert_string_equal(dossier_perm_name(DOSSIER_PERM_AUDIT), "audit");
	assert_int_equal(dossier_perm_parse("root", &p), DOSSIER_EUSAGE);
	assert_string_equal(dossier_perm_name(3), "?");
	assert_int_equal(dossier_role_perms("viewer", &p), 0);
	assert_int_equal(p, DOSSIER_PERM_READ);
	assert_int_equal(dossier_role_perms("root", &p), DOSSIER_EUSAGE);
}

static void
test_weak_passphrases(void **state)
{
	static const char *const weak[] = { "password1234", "PASSWORD1234",
		"woaini1314520", "1qaz2wsx3edc", "aaaaaaaaaaaa",
		"abcabcabcabc", "121212121212", "123456789012", "abcdefghijkl",
		"zyxwvutsrqpo", "qwertyuiopas" };
	static const char *const fine[] = { "correct horse battery",
		"我们的档案室在三楼东侧", "HT-2022-0315 contract", "a1b2c3d4e5f6g" };
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		why = NULL;
		assert_true(weakpass_check(weak[i], strlen(weak[i]), &why));
		assert_non_null(why);
	}
	for (i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
		assert_false(weakpass_check(fine[i], strlen(fine[i]), &why));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_defaults),
		cmocka_unit_test(test_grants),
		cmocka_unit_test(test_restricted),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_weak_passphrases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
