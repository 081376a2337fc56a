/* buf.c: see buf.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "buf.h"

/* A call the compiler cannot drop as a dead store. */
static void *(*const volatile memset_v)(void *, int, size_t) = memset;

void
mem_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		memset_v(p, 0, n);
}

int
buf_grow(struct buf *b, size_t n)
{
	size_t want, cap;
	unsigned char *p;

	if (n > SIZE_MAX - b->len - 1)
		return -1;
	want = b->len + n + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	p = malloc(cap);
	if (p == NULL)
		return -1;
	/* Copy and wipe rather than realloc: buffers may hold secrets. */
	if (b->data != NULL) {
		memcpy(p, b->data, b->len + 1);
		mem_wipe(b->data, b->cap);
		free(b->data);
	} else {
		p[0] = '\0';
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) != 0)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_putc(struct buf *b, unsigned char c)
{
	return buf_append(b, &c, 1);
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(b, (size_t)n) != 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_put_u32(struct buf *b, uint32_t v)
{
	unsigned char p[4];

	be32_put(p, v);
	return buf_append(b, p, sizeof(p));
}

int
buf_put_u64(struct buf *b, uint64_t v)
{
	unsigned char p[8];

	be64_put(p, v);
	return buf_append(b, p, sizeof(p));
}

int
buf_put_lv(struct buf *b, const void *p, size_t n)
{
	if (n > UINT32_MAX || buf_put_u32(b, (uint32_t)n) != 0)
		return -1;
	return buf_append(b, p, n);
}

void
buf_reset(struct buf *b)
{
	if (b->data != NULL) {
		mem_wipe(b->data, b->len);
		b->data[0] = '\0';
	}
	b->len = 0;
}

void
buf_release(struct buf *b)
{
	if (b->data != NULL) {
		mem_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->len = b->cap = 0;
}

const char *
buf_str(const struct buf *b)
{
	return b->data != NULL ? (const char *)b->data : "";
}

uint32_t
be32_get(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

uint64_t
be64_get(const unsigned char *p)
{
	return (uint64_t)be32_get(p) << 32 | be32_get(p + 4);
}

void
be32_put(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

void
be64_put(unsigned char *p, uint64_t v)
{
	be32_put(p, (uint32_t)(v >> 32));
	be32_put(p + 4, (uint32_t)v);
}

void
hex_encode(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_decode(const char *s, unsigned char *out, size_t n)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		hi = hexval(s[2 * i]);
		if (hi < 0)
			return -1;
		lo = hexval(s[2 * i + 1]);
		if (lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return s[2 * n] == '\0' ? 0 : -1;
}

int
buf_put_utf8(struct buf *b, const void *p, size_t n)
{
	static const unsigned char fffd[] = { 0xef, 0xbf, 0xbd };
	const uint8_t *s = p;
	size_t i = 0, start;
	ucs4_t uc;
	int len;

	while (i < n) {
		start = i;
		while (i < n) {
			len = u8_mbtoucr(&uc, s + i, n - i);
			if (len <= 0 || uc == 0)
				break;
			i += (size_t)len;
		}
		if (buf_append(b, s + start, i - start) != 0)
			return -1;
		if (i >= n)
			break;
		if (s[i] != 0 && buf_append(b, fffd, sizeof(fffd)) != 0)
			return -1;
		i++;
	}
	return 0;
}
