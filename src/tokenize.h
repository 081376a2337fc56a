/*
 * tokenize.h: the "dossier" FTS5 tokenizer of docs/design SEARCH.md, and
 * the same tokenizer as a plain function for the query parser and the
 * snippet highlighter.
 *
 * Normalisation, per character: NFKC (full-width to half-width), case
 * folding, traditional to simplified Chinese (1:1 table from Unihan,
 * src/t2s_table.c).  Format characters (soft hyphen, zero-width space,
 * BOM, ...) are ignored.  Offsets always point into the original text.
 *
 * Latin letters and digits: runs of letters (with their combining marks)
 * or of digits, split where letters meet digits: "HT-2022-0315" gives ht,
 * 2022, 0315.
 *
 * Han, kana, hangul and bopomofo: runs broken at anything else, except
 * that whitespace (a line break, a layout space) between two such
 * characters is skipped.  In a document a run c1..cn (n >= 2) occupies
 * n - 1 positions: position i holds the bigram ci ci+1 and, colocated,
 * the unigram ci; the last position also holds cn, colocated.  A run of
 * one character is its unigram.  In a query a run of n >= 2 gives only
 * its n - 1 bigrams (a phrase), a run of one its unigram; so a quoted
 * query string matches exactly where its normalised text occurs, also
 * when it mixes Han and Latin ("合同编号HT2022").
 */
#ifndef DOSSIER_TOKENIZE_H
#define DOSSIER_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

/* Stored in each index; a change means every index must be rebuilt. */
#define TOKENIZE_VERSION 1

/* The name to use in CREATE VIRTUAL TABLE ... tokenize='dossier'. */
#define TOKENIZE_NAME "dossier"

/* Longest token, in code points; longer Latin words are cut in pieces. */
#define TOKENIZE_MAX_WORD 128

/* Modes of tokenize_text(). */
#define TOKENIZE_DOCUMENT 0
#define TOKENIZE_QUERY 1

/* Flag passed to the callback: same position as the previous token. */
#define TOKENIZE_COLOCATED 0x1

/*
 * Receives one token: its normalised text (tok, len bytes, not
 * NUL-terminated, borrowed for the call) and the byte range [start, end)
 * of the original text it comes from.  A non-zero return stops
 * tokenize_text(), which returns that value.
 */
typedef int (*tokenize_fn)(void *ctx, int flags, const char *tok, size_t len,
    size_t start, size_t end);

/*
 * Tokenizes text (len bytes of UTF-8; invalid bytes separate tokens) in
 * mode TOKENIZE_DOCUMENT or TOKENIZE_QUERY, calling fn for each token.
 * Returns 0, the callback's non-zero value, or DOSSIER_ENOMEM.
 */
int tokenize_text(
    const char *text, size_t len, int mode, tokenize_fn fn, void *ctx);

/*
 * Appends to key the query tokens of text joined by spaces: two texts with
 * the same key are the same words to search (HT-2022-0315, ht 2022 0315
 * and ＨＴ－２０２２－０３１５ all give "ht 2022 0315").  Returns
 * DOSSIER_OK or DOSSIER_ENOMEM.
 */
struct buf;
int tokenize_key(const char *text, size_t len, struct buf *key);

/*
 * Registers the tokenizer as "dossier" on db (struct sqlite3, so that this
 * header does not need <sqlite3.h>).  Call once per connection.  Returns
 * DOSSIER_OK or DOSSIER_EINTERNAL (FTS5 missing or out of memory).
 */
struct sqlite3;
int tokenize_register(struct sqlite3 *db);

/* The simplified form of code point c, or c itself. */
uint32_t tokenize_t2s(uint32_t c);

/* The generated table (src/t2s_table.c): {traditional, simplified} rows. */
extern const uint32_t tokenize_t2s_table[][2];
extern const size_t tokenize_t2s_count;

#endif
