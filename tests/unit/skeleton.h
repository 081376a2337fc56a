/*
 * skeleton.h: the brute-force side of the search-quality tests
 * (test_tokenize.c, test_search_quality.c): the normalised "skeleton" of
 * a text, built independently of the tokenizer, and a substring scan over
 * it.  NFKC + case fold, traditional to simplified, then: Han, letters and
 * digits are kept; a single space stands between two kept characters of
 * different classes or with anything (other than white space between two
 * Han) between them.
 *
 * Include after <cmocka.h> (failures are cmocka assertions).  A skeleton
 * grows as needed: start from SKEL_INIT (or zeroed memory), reuse it for
 * any number of texts, free it with skel_release().
 */
#ifndef DOSSIER_TEST_SKELETON_H
#define DOSSIER_TEST_SKELETON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

#include "tokenize.h"

enum kcls { K_NONE, K_HAN, K_LETTER, K_DIGIT, K_SPACE, K_OTHER };

static inline enum kcls
kclass(uint32_t c)
{
	if ((c >= 0x3400 && c <= 0x9FFF) || (c >= 0x3041 && c <= 0x30FA) ||
	    (c >= 0xAC00 && c <= 0xD7A3))
		return K_HAN;
	if ((c >= 'a' && c <= 'z') ||
	    (c >= 0xC0 && c < 0x250 && c != 0xD7 && c != 0xF7))
		return K_LETTER;
	if (c >= '0' && c <= '9')
		return K_DIGIT;
	if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
		return K_SPACE;
	if (c == 0x200B || c == 0xAD)
		return K_NONE;
	return K_OTHER;
}

struct skel {
	uint32_t *c;
	enum kcls *k;
	size_t *src; /* byte offset of the source character */
	size_t n, cap;
};

/* clang-format off */
#define SKEL_INIT { NULL, NULL, NULL, 0, 0 }
/* clang-format on */

static inline void
skel_release(struct skel *sk)
{
	free(sk->c);
	free(sk->k);
	free(sk->src);
	memset(sk, 0, sizeof(*sk));
}

/* Appends one kept character (or the separating space). */
static inline void
skel_put(struct skel *sk, uint32_t c, enum kcls k, size_t src)
{
	if (sk->n == sk->cap) {
		sk->cap = sk->cap ? 2 * sk->cap : 512;
		sk->c = realloc(sk->c, sk->cap * sizeof(sk->c[0]));
		sk->k = realloc(sk->k, sk->cap * sizeof(sk->k[0]));
		sk->src = realloc(sk->src, sk->cap * sizeof(sk->src[0]));
		assert_non_null(sk->c);
		assert_non_null(sk->k);
		assert_non_null(sk->src);
	}
	sk->c[sk->n] = c;
	sk->k[sk->n] = k;
	sk->src[sk->n] = src;
	sk->n++;
}

/* The skeleton of text[0, len) (valid UTF-8) into sk, replacing it. */
static inline void
skeleton_len(const char *text, size_t len, struct skel *sk)
{
	enum kcls last = K_NONE;
	int gap = 0, onlyspace = 1;
	size_t i = 0;

	sk->n = 0;
	while (i < len) {
		ucs4_t c;
		int cl = u8_mbtoucr(&c, (const uint8_t *)text + i, len - i);
		uint32_t out[16];
		size_t n = 16, j;
		uint32_t *r;

		assert_true(cl > 0);
		r = u32_casefold(&c, 1, "", UNINORM_NFKC, out, &n);
		assert_ptr_equal(r, out);
		for (j = 0; j < n; j++) {
			uint32_t d = tokenize_t2s(out[j]);
			enum kcls k = kclass(d);

			if (k == K_NONE)
				continue;
			if (k == K_SPACE || k == K_OTHER) {
				gap = 1;
				if (k == K_OTHER)
					onlyspace = 0;
				continue;
			}
			if (last != K_NONE &&
			    (k != last || (gap && !(k == K_HAN && onlyspace))))
				skel_put(sk, ' ', K_SPACE, i);
			skel_put(sk, d, k, i);
			last = k;
			gap = 0;
			onlyspace = 1;
		}
		i += (size_t)cl;
	}
}

static inline void
skeleton(const char *text, struct skel *sk)
{
	skeleton_len(text, strlen(text), sk);
}

/* Does q (a skeleton) occur in d with whole Latin and digit words? */
static inline int
skel_match(const struct skel *d, const struct skel *q)
{
	size_t i;

	if (q->n == 0 || q->n > d->n)
		return 0;
	for (i = 0; i + q->n <= d->n; i++) {
		if (d->c[i] != q->c[0] ||
		    memcmp(d->c + i, q->c, q->n * sizeof(q->c[0])) != 0)
			continue;
		if (q->k[0] != K_HAN && i > 0 && d->k[i - 1] == q->k[0])
			continue;
		if (q->k[q->n - 1] != K_HAN && i + q->n < d->n &&
		    d->k[i + q->n] == q->k[q->n - 1])
			continue;
		return 1;
	}
	return 0;
}

/* Skeleton code points [a, b) as UTF-8. */
static inline void
skel_text(const struct skel *s, size_t a, size_t b, char *out, size_t outsz)
{
	size_t o = 0;

	for (; a < b; a++) {
		assert_true(o + 5 < outsz);
		o += (size_t)u8_uctomb((uint8_t *)out + o, s->c[a], 4);
	}
	out[o] = '\0';
}

#endif /* DOSSIER_TEST_SKELETON_H */
