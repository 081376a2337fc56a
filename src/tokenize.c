/* tokenize.c: see tokenize.h. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "dossier.h"
#include "buf.h"
#include "tokenize.h"

/* The longest NFKC + case fold expansion of one code point kept. */
#define NORM_MAX 32

/* What a normalised code point is to the tokenizer. */
enum cls {
	CLS_SEP, /* punctuation, symbols, controls: ends every run */
	CLS_SPACE, /* white space: ends a word, not a Han run */
	CLS_IGNORE, /* format characters: as if absent */
	CLS_MARK, /* combining mark: part of a word, ignored after Han */
	CLS_LETTER,
	CLS_DIGIT,
	CLS_CJK
};

/* A Han (kana, hangul) character waiting for its successor. */
struct han {
	uint32_t c;
	size_t start, end;
};

struct state {
	int mode;
	tokenize_fn fn;
	void *ctx;
	/* The Latin word being built. */
	enum cls wcls;
	char word[TOKENIZE_MAX_WORD * 4];
	size_t wlen, wcount, wstart, wend;
	/* The Han run: its previous character and its length so far. */
	struct han prev;
	size_t hcount;
	int hspace; /* white space seen after prev */
};

/*
 * Han, kana, hangul and bopomofo ranges (sorted).  Punctuation inside
 * these blocks (U+30A0, U+30FB) is left out.
 */
static const uint32_t cjk_ranges[][2] = {
    {0x1100, 0x11FF},
    {0x2E80, 0x2FDF},
    {0x3005, 0x3007},
    {0x3021, 0x3029},
    {0x3031, 0x3035},
    {0x3038, 0x303C},
    {0x3041, 0x309F},
    {0x30A1, 0x30FA},
    {0x30FC, 0x30FF},
    {0x3105, 0x312F},
    {0x3131, 0x318E},
    {0x31A0, 0x31BF},
    {0x31F0, 0x31FF},
    {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF},
    {0xA960, 0xA97F},
    {0xAC00, 0xD7A3},
    {0xD7B0, 0xD7FF},
    {0xF900, 0xFAFF},
    {0xFF66, 0xFF9F},
    {0xFFA0, 0xFFDC},
    {0x1B000, 0x1B16F},
    {0x20000, 0x3FFFF},
};

static int
in_ranges(uint32_t c, const uint32_t (*r)[2], size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c < r[mid][0])
			hi = mid;
		else if (c > r[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static int
is_cjk(uint32_t c)
{
	if (c >= 0x4E00 && c <= 0x9FFF)
		return 1;
	if (c < 0x1100)
		return 0;
	return in_ranges(
	    c, cjk_ranges, sizeof(cjk_ranges) / sizeof(cjk_ranges[0]));
}

uint32_t
tokenize_t2s(uint32_t c)
{
	size_t lo = 0, hi = tokenize_t2s_count;

	if (hi == 0 || c < tokenize_t2s_table[0][0] ||
	    c > tokenize_t2s_table[hi - 1][0])
		return c;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c < tokenize_t2s_table[mid][0])
			hi = mid;
		else if (c > tokenize_t2s_table[mid][0])
			lo = mid + 1;
		else
			return tokenize_t2s_table[mid][1];
	}
	return c;
}

static enum cls
classify(uint32_t c)
{
	if (c < 0x80) {
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return CLS_LETTER;
		if (c >= '0' && c <= '9')
			return CLS_DIGIT;
		if (c == ' ' || (c >= '\t' && c <= '\r'))
			return CLS_SPACE;
		return CLS_SEP;
	}
	if (is_cjk(c))
		return CLS_CJK;
	if (uc_is_property_white_space(c))
		return CLS_SPACE;
	if (uc_is_general_category(c, UC_CATEGORY_Cf))
		return CLS_IGNORE;
	if (uc_is_general_category(c, UC_CATEGORY_L))
		return CLS_LETTER;
	if (uc_is_general_category(c, UC_CATEGORY_N))
		return CLS_DIGIT;
	if (uc_is_general_category(c, UC_CATEGORY_M))
		return CLS_MARK;
	return CLS_SEP;
}

/*
 * Normalises code point c into out (NORM_MAX entries); returns how many
 * code points, 0 for none, -1 when out of memory.
 */
static int
normalize(uint32_t c, uint32_t *out)
{
	uint32_t *r;
	size_t n = NORM_MAX, i;

	if (c < 0x80) {
		out[0] = (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
		return 1;
	}
	/* Unified ideographs are stable under NFKC and case folding. */
	if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF)) {
		out[0] = tokenize_t2s(c);
		return 1;
	}
	r = u32_casefold(&c, 1, "", UNINORM_NFKC, out, &n);
	if (r == NULL)
		return -1;
	if (r != out) {
		/* Longer than any real expansion: drop the character. */
		free(r);
		return 0;
	}
	for (i = 0; i < n; i++)
		out[i] = tokenize_t2s(out[i]);
	return (int)n;
}

static size_t
put_utf8(char *p, uint32_t c)
{
	int n = u8_uctomb((uint8_t *)p, c, 4);

	return n > 0 ? (size_t)n : 0;
}

static int
word_flush(struct state *st)
{
	int rc;

	if (st->wcount == 0)
		return 0;
	rc = st->fn(st->ctx, 0, st->word, st->wlen, st->wstart, st->wend);
	st->wlen = 0;
	st->wcount = 0;
	return rc;
}

static int
emit_han(struct state *st, int flags, const struct han *a, const struct han *b)
{
	char t[8];
	size_t n;

	n = put_utf8(t, a->c);
	if (b != NULL)
		n += put_utf8(t + n, b->c);
	return st->fn(
	    st->ctx, flags, t, n, a->start, b != NULL ? b->end : a->end);
}

/* Ends the Han run: the last character's unigram. */
static int
han_flush(struct state *st)
{
	int rc = 0;

	if (st->hcount == 1)
		rc = emit_han(st, 0, &st->prev, NULL);
	else if (st->hcount > 1 && st->mode == TOKENIZE_DOCUMENT)
		rc = emit_han(st, TOKENIZE_COLOCATED, &st->prev, NULL);
	st->hcount = 0;
	st->hspace = 0;
	return rc;
}

static int
han_add(struct state *st, uint32_t c, size_t start, size_t end)
{
	struct han cur = {c, start, end};
	int rc = 0;

	if (st->hcount > 0) {
		rc = emit_han(st, 0, &st->prev, &cur);
		if (rc == 0 && st->mode == TOKENIZE_DOCUMENT)
			rc = emit_han(st, TOKENIZE_COLOCATED, &st->prev, NULL);
	}
	st->prev = cur;
	st->hcount++;
	st->hspace = 0;
	return rc;
}

static int
word_add(struct state *st, enum cls k, uint32_t c, size_t start, size_t end)
{
	int rc = 0;

	if (st->wcount > 0 &&
	    (st->wcls != k || st->wcount >= TOKENIZE_MAX_WORD))
		rc = word_flush(st);
	if (rc != 0)
		return rc;
	if (st->wcount == 0) {
		st->wcls = k;
		st->wstart = start;
	}
	st->wlen += put_utf8(st->word + st->wlen, c);
	st->wcount++;
	st->wend = end;
	return 0;
}

/* One normalised code point c from the original bytes [start, end). */
static int
feed(struct state *st, uint32_t c, size_t start, size_t end)
{
	enum cls k = classify(c);
	int rc = 0;

	switch (k) {
	case CLS_IGNORE:
		return 0;
	case CLS_SPACE:
		if (st->hcount > 0)
			st->hspace = 1;
		return word_flush(st);
	case CLS_MARK:
		/* Variation selectors and the like after Han: ignored. */
		if (st->hcount > 0 && !st->hspace)
			return 0;
		if (st->wcount > 0) {
			/* Marks extend the word, whatever its class. */
			return word_add(st, st->wcls, c, start, end);
		}
		rc = han_flush(st);
		return rc;
	case CLS_CJK:
		rc = word_flush(st);
		if (rc == 0)
			rc = han_add(st, c, start, end);
		return rc;
	case CLS_LETTER:
	case CLS_DIGIT:
		rc = han_flush(st);
		if (rc == 0)
			rc = word_add(st, k, c, start, end);
		return rc;
	case CLS_SEP:
		break;
	}
	rc = han_flush(st);
	if (rc == 0)
		rc = word_flush(st);
	return rc;
}

int
tokenize_text(const char *text, size_t len, int mode, tokenize_fn fn, void *ctx)
{
	const uint8_t *s = (const uint8_t *)text;
	struct state *st;
	uint32_t norm[NORM_MAX];
	size_t i = 0;
	int rc = 0, n, j;

	/* The state holds a word buffer: too big for a small stack. */
	st = malloc(sizeof(*st));
	if (st == NULL)
		return DOSSIER_ENOMEM;
	memset(st, 0, sizeof(*st));
	st->mode = mode;
	st->fn = fn;
	st->ctx = ctx;
	while (i < len && rc == 0) {
		ucs4_t c;
		int clen;

		if (s[i] < 0x80) {
			c = s[i];
			clen = 1;
		} else {
			clen = u8_mbtoucr(&c, s + i, len - i);
		}
		if (clen < 0) {
			/* Invalid or truncated UTF-8: a separator byte. */
			rc = feed(st, '\0', i, i + 1);
			i++;
			continue;
		}
		n = normalize(c, norm);
		if (n < 0) {
			rc = DOSSIER_ENOMEM;
			break;
		}
		for (j = 0; j < n && rc == 0; j++)
			rc = feed(st, norm[j], i, i + (size_t)clen);
		i += (size_t)clen;
	}
	if (rc == 0)
		rc = han_flush(st);
	if (rc == 0)
		rc = word_flush(st);
	free(st);
	return rc;
}

/* The FTS5 side. */

struct fts_call {
	void *ctx;
	int (*xToken)(void *, int, const char *, int, int, int);
};

static int
fts_token(
    void *ctx, int flags, const char *tok, size_t len, size_t start, size_t end)
{
	struct fts_call *c = ctx;

	return c->xToken(c->ctx,
	    (flags & TOKENIZE_COLOCATED) ? FTS5_TOKEN_COLOCATED : 0, tok,
	    (int)len, (int)start, (int)end);
}

static int
fts_create(void *unused, const char **argv, int argc, Fts5Tokenizer **out)
{
	static int instance;

	(void)unused;
	(void)argv;
	if (argc != 0)
		return SQLITE_ERROR;
	/* Stateless: any non-NULL pointer will do. */
	*out = (Fts5Tokenizer *)&instance;
	return SQLITE_OK;
}

static void
fts_delete(Fts5Tokenizer *t)
{
	(void)t;
}

static int
fts_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int len,
    int (*xToken)(void *, int, const char *, int, int, int))
{
	struct fts_call c = {ctx, xToken};
	int mode, rc;

	(void)t;
	mode =
	    (flags & FTS5_TOKENIZE_QUERY) ? TOKENIZE_QUERY : TOKENIZE_DOCUMENT;
	if (text == NULL || len <= 0)
		return SQLITE_OK;
	rc = tokenize_text(text, (size_t)len, mode, fts_token, &c);
	if (rc == DOSSIER_ENOMEM)
		return SQLITE_NOMEM;
	return rc;
}

int
tokenize_register(sqlite3 *db)
{
	fts5_tokenizer tok = {fts_create, fts_delete, fts_tokenize};
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	int rc = DOSSIER_EINTERNAL;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) !=
	    SQLITE_OK)
		goto out;
	if (sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL) !=
	    SQLITE_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW || api == NULL || api->iVersion < 2)
		goto out;
	if (api->xCreateTokenizer(api, TOKENIZE_NAME, NULL, &tok, NULL) !=
	    SQLITE_OK)
		goto out;
	rc = DOSSIER_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

static int
key_token(void *ctx, int flags, const char *tok, size_t len, size_t start,
    size_t end)
{
	struct buf *key = ctx;

	(void)start;
	(void)end;
	if (flags & TOKENIZE_COLOCATED)
		return 0;
	if ((key->len > 0 && buf_putc(key, ' ') != 0) ||
	    buf_append(key, tok, len) != 0)
		return DOSSIER_ENOMEM;
	return 0;
}

int
tokenize_key(const char *text, size_t len, struct buf *key)
{
	int rc;

	buf_reset(key);
	rc = tokenize_text(text, len, TOKENIZE_QUERY, key_token, key);
	return rc == 0 ? DOSSIER_OK : rc;
}
