/*
 * catsql: the tests' stand-in for an insider's own tooling (insider.h).
 * It opens the key slot of $DOSSIER_USER in the vault at VAULT with the
 * passphrase in $DOSSIER_PASSPHRASE, which yields the catalog key, and
 * runs SQL on the decrypted catalog, printing rows as the sqlite3 tool
 * does (columns joined by '|').  None of dossier's checks run.
 *
 *	catsql VAULT SQL
 *
 * With CATSQL_KEEP_WAL set, what SQL wrote stays in the WAL (no
 * checkpoint, not even on close), for tests of damaged WAL frames.
 *
 * Built for the tests only, never installed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "insider.h"

static int
print_row(void *ctx, int n, char **values, char **names)
{
	int i;

	(void)ctx;
	(void)names;
	for (i = 0; i < n; i++)
		printf("%s%s", i > 0 ? "|" : "",
		    values[i] != NULL ? values[i] : "");
	putchar('\n');
	return 0;
}

int
main(int argc, char **argv)
{
	const char *user = getenv("DOSSIER_USER");
	const char *pass = getenv("DOSSIER_PASSPHRASE");
	struct catalog *cat = NULL;
	struct err e;
	char *msg = NULL;
	int rc;

	if (argc != 3 || user == NULL || pass == NULL) {
		fprintf(stderr, "usage: catsql VAULT SQL (with DOSSIER_USER "
		    "and DOSSIER_PASSPHRASE set)\n");
		return 2;
	}
	if (dossier_library_init() != DOSSIER_OK)
		return 1;
	err_clear(&e);
	if (insider_catalog(argv[1], user, pass, &cat, &e) != DOSSIER_OK) {
		fprintf(stderr, "catsql: %s\n", e.msg);
		return 1;
	}
	if (getenv("CATSQL_KEEP_WAL") != NULL) {
		sqlite3_db_config(cat->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
		    NULL);
		sqlite3_exec(cat->db, "PRAGMA wal_autocheckpoint=0;", NULL,
		    NULL, NULL);
	}
	rc = sqlite3_exec(cat->db, argv[2], print_row, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "catsql: %s\n", msg != NULL ? msg : "error");
	sqlite3_free(msg);
	catalog_close(cat);
	return rc == SQLITE_OK ? 0 : 1;
}
