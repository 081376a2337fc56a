/*
 * buf.h: a growable byte buffer, always NUL-terminated (git's strbuf idea).
 *
 *	struct buf b = BUF_INIT;
 *	buf_append(&b, p, n); ... buf_release(&b);
 *
 * Functions return 0, or -1 when out of memory (then b is unchanged).
 */
#ifndef DOSSIER_BUF_H
#define DOSSIER_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	unsigned char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* Makes room for n more bytes (plus the NUL). */
int buf_grow(struct buf *b, size_t n);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, unsigned char c);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Big-endian integers, for binary formats. */
int buf_put_u32(struct buf *b, uint32_t v);
int buf_put_u64(struct buf *b, uint64_t v);
/* A u32 length then the bytes: unambiguous concatenation for AD. */
int buf_put_lv(struct buf *b, const void *p, size_t n);
/*
 * p[0..n) as UTF-8 text: valid sequences as they are, each byte that
 * begins none as U+FFFD, NULs dropped.
 */
int buf_put_utf8(struct buf *b, const void *p, size_t n);
void buf_reset(struct buf *b);
/* Wipes the contents, then frees; b is BUF_INIT again. */
void buf_release(struct buf *b);

/* The text as a C string; "" when empty. */
const char *buf_str(const struct buf *b);

/* Zeroes n bytes in a way the compiler keeps; p may be NULL. */
void mem_wipe(void *p, size_t n);

uint32_t be32_get(const unsigned char *p);
uint64_t be64_get(const unsigned char *p);
void be32_put(unsigned char *p, uint32_t v);
void be64_put(unsigned char *p, uint64_t v);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void hex_encode(const unsigned char *p, size_t n, char *out);
/* Parses exactly 2n hex digits; returns 0 or -1. */
int hex_decode(const char *s, unsigned char *out, size_t n);

#endif
