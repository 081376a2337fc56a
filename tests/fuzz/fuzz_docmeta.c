/*
 * fuzz_docmeta.c: the JSON of a document's metadata, of a version's, and
 * of an audit record's detail (docmeta.c), as read back from the catalog
 * or out of a backup.  Accepted metadata must encode again, and that
 * encoding must decode to the same encoding (the writer is canonical).
 * The first byte picks the parser.
 */
#include <string.h>

#include "fuzz.h"
#include "buf.h"
#include "docmeta.h"
#include "dossier.h"

static void
doc(const char *p, size_t n)
{
	struct docmeta m, m2;
	struct buf a = BUF_INIT, b = BUF_INIT;

	if (docmeta_decode(p, n, &m) != DOSSIER_OK)
		return;
	FUZZ_CHECK(docmeta_encode(&m, &a) == DOSSIER_OK);
	FUZZ_CHECK(docmeta_decode((const char *)a.data, a.len, &m2) ==
	    DOSSIER_OK);
	FUZZ_CHECK(docmeta_encode(&m2, &b) == DOSSIER_OK);
	FUZZ_CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	docmeta_release(&m);
	docmeta_release(&m2);
	buf_release(&a);
	buf_release(&b);
}

static void
ver(const char *p, size_t n)
{
	struct vermeta v, v2;
	struct buf a = BUF_INIT, b = BUF_INIT;

	if (vermeta_decode(p, n, &v) != DOSSIER_OK)
		return;
	FUZZ_CHECK(vermeta_encode(&v, &a) == DOSSIER_OK);
	FUZZ_CHECK(vermeta_decode((const char *)a.data, a.len, &v2) ==
	    DOSSIER_OK);
	FUZZ_CHECK(vermeta_encode(&v2, &b) == DOSSIER_OK);
	FUZZ_CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	vermeta_release(&v);
	vermeta_release(&v2);
	buf_release(&a);
	buf_release(&b);
}

static int
member(void *ctx, const char *key, const char *value)
{
	struct buf *out = ctx;

	FUZZ_CHECK(key != NULL && value != NULL);
	return docmeta_detail_put(out, key, value) != 0 ? DOSSIER_ENOMEM : 0;
}

static int
same(void *ctx, const char *key, const char *value)
{
	(void)ctx;
	(void)key;
	(void)value;
	return 0;
}

static void
detail(const char *p, size_t n)
{
	struct buf out = BUF_INIT;

	/* A detail read and put again reads again. */
	if (docmeta_detail_each(p, n, member, &out) == DOSSIER_OK &&
	    out.len > 0)
		FUZZ_CHECK(docmeta_detail_each((const char *)out.data,
		    out.len, same, NULL) == DOSSIER_OK);
	buf_release(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1;

	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		doc(p, size - 1);
		break;
	case 1:
		ver(p, size - 1);
		break;
	default:
		detail(p, size - 1);
		break;
	}
	return 0;
}
