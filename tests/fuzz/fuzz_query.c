/*
 * fuzz_query.c: the search query parser, query_build(), on any bytes a
 * user may type (made a string at the first NUL).  A query it accepts
 * must give an expression that FTS5 accepts too, run against a real index
 * of the same shape as the vault's (the same columns and tokenizer): a
 * query that ends in "fts5: syntax error" is a bug the user would meet as
 * a database error.  A refused query leaves the output as it was and
 * says why.
 */
#include <string.h>

#include <sqlite3.h>

#include "fuzz.h"
#include "buf.h"
#include "dossier.h"
#include "error.h"
#include "query.h"
#include "tokenize.h"

static sqlite3 *db;
static sqlite3_stmt *st;

static void
close_db(void)
{
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
setup(void)
{
	if (db != NULL)
		return;
	FUZZ_CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
	atexit(close_db);
	FUZZ_CHECK(tokenize_register(db) == 0);
	FUZZ_CHECK(sqlite3_exec(db,
	    "CREATE VIRTUAL TABLE doc USING fts5(title, number, tags, body,"
	    " tokenize='" TOKENIZE_NAME "');"
	    "INSERT INTO doc VALUES('采购合同', 'HT-2022-0315', '合同 客户',"
	    " '甲方与乙方签订维修合同，金额１２３４５元。 contract draft');",
	    NULL, NULL, NULL) == SQLITE_OK);
	FUZZ_CHECK(sqlite3_prepare_v2(db,
	    "SELECT rowid FROM doc WHERE doc MATCH ?", -1, &st, NULL) ==
	    SQLITE_OK);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf match = BUF_INIT;
	struct err e;
	char *q;
	int rc;

	setup();
	q = malloc(size + 1);
	if (q == NULL)
		return 0;
	memcpy(q, data, size);
	q[size] = '\0';
	err_clear(&e);
	rc = query_build(q, &match, &e);
	if (rc != DOSSIER_OK) {
		FUZZ_CHECK(e.msg[0] != '\0' && match.len == 0);
	} else {
		FUZZ_CHECK(match.len > 0);
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, buf_str(&match), -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE)
			fprintf(stderr, "query <%s> gave <%s>: %s\n", q,
			    buf_str(&match), sqlite3_errmsg(db));
		FUZZ_CHECK(rc == SQLITE_DONE);
	}
	sqlite3_reset(st);
	buf_release(&match);
	free(q);
	return 0;
}
