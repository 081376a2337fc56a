/*
 * out.c: human output (see out.h).  Display widths come from libunistring,
 * which counts a CJK character as two columns.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <unistr.h>
#include <uniwidth.h>

#include "out.h"

char *
out_time(char *buf, int64_t t, int iso)
{
	struct tm tm;
	time_t tt = (time_t)t;

	buf[0] = '\0';
	if (t == 0 || (int64_t)tt != t || gmtime_r(&tt, &tm) == NULL)
		return buf;
	if (strftime(buf, OUT_TIME_MAX,
	        iso ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%SZ", &tm) == 0)
		buf[0] = '\0';
	return buf;
}

char *
out_size(char *buf, size_t bufsize, uint64_t size)
{
	static const char *const units[] = {
	    "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	double v = (double)size;
	size_t u = 0;

	if (size < 1024) {
		snprintf(buf, bufsize, "%" PRIu64 " B", size);
		return buf;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, bufsize, "%.1f %s", v, units[u]);
	return buf;
}

/*
 * What character uc is shown as, and its width in *w: whitespace controls
 * become a space, other controls (C0, DEL, C1) and the bidirectional
 * overrides, which could reorder what a terminal shows, become '?'.
 */
static ucs4_t
shown_char(ucs4_t uc, int *w)
{
	if (uc == '\t' || uc == '\n' || uc == '\r') {
		*w = 1;
		return ' ';
	}
	if (uc < 0x20 || (uc >= 0x7f && uc < 0xa0) ||
	    (uc >= 0x202a && uc <= 0x202e) || (uc >= 0x2066 && uc <= 0x2069)) {
		*w = 1;
		return '?';
	}
	*w = uc_width(uc, "UTF-8");
	if (*w < 0) {
		*w = 1;
		return '?';
	}
	return uc;
}

int
out_width(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s);
	ucs4_t uc;
	int len, w, total = 0;

	while (n > 0) {
		len = u8_mbtouc(&uc, p, n);
		(void)shown_char(uc, &w);
		total += w;
		p += len;
		n -= (size_t)len;
	}
	return total;
}

char *
out_clean(const char *s, int maxw, int *width)
{
	static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026, one column */
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), o = 0, cap;
	uint8_t *buf;
	ucs4_t uc;
	int len, w, total = 0, cut;

	/* Every input byte gives at most 3 output bytes (U+FFFD). */
	cap = 3 * n + sizeof(ellipsis);
	buf = malloc(cap);
	if (buf == NULL)
		return NULL;
	cut = maxw > 0 && out_width(s) > maxw;
	while (n > 0) {
		len = u8_mbtouc(&uc, p, n);
		uc = shown_char(uc, &w);
		if (cut && total + w > maxw - 1)
			break;
		o += (size_t)u8_uctomb(buf + o, uc, (int)(cap - o));
		total += w;
		p += len;
		n -= (size_t)len;
	}
	if (cut) {
		memcpy(buf + o, ellipsis, sizeof(ellipsis) - 1);
		o += sizeof(ellipsis) - 1;
		total++;
	}
	buf[o] = '\0';
	if (width != NULL)
		*width = total;
	return (char *)buf;
}

char *
out_utf8(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), o = 0, cap = 3 * n + 1;
	uint8_t *buf;
	ucs4_t uc;
	int len;

	buf = malloc(cap);
	if (buf == NULL)
		return NULL;
	while (n > 0) {
		len = u8_mbtouc(&uc, p, n);
		o += (size_t)u8_uctomb(buf + o, uc, (int)(cap - o));
		p += len;
		n -= (size_t)len;
	}
	buf[o] = '\0';
	return (char *)buf;
}

char *
out_join(const char *const *v, size_t n, const char *sep)
{
	size_t i, len = 1, seplen = strlen(sep);
	char *s, *p;

	for (i = 0; i < n; i++)
		len += strlen(v[i]) + seplen;
	s = malloc(len);
	if (s == NULL)
		return NULL;
	p = s;
	for (i = 0; i < n; i++) {
		if (i > 0) {
			memcpy(p, sep, seplen);
			p += seplen;
		}
		len = strlen(v[i]);
		memcpy(p, v[i], len);
		p += len;
	}
	*p = '\0';
	return s;
}

struct table {
	size_t ncols;
	int header; /* row 0 is the header */
	int gap;
	int oom;
	int *maxw; /* per column, 0: no limit */
	unsigned char *right; /* per column */
	char **cells; /* nrows * ncols */
	int *widths; /* per cell */
	size_t nrows, cap; /* rows, header included */
};

struct table *
table_new(size_t ncols, const char *const *headers)
{
	struct table *t;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->ncols = ncols;
	t->gap = 2;
	t->maxw = calloc(ncols, sizeof(*t->maxw));
	t->right = calloc(ncols, sizeof(*t->right));
	if (t->maxw == NULL || t->right == NULL) {
		table_free(t);
		return NULL;
	}
	if (headers != NULL) {
		table_add(t, headers);
		t->header = 1;
	}
	return t;
}

void
table_right(struct table *t, size_t col)
{
	if (t != NULL && col < t->ncols)
		t->right[col] = 1;
}

void
table_max(struct table *t, size_t col, int maxw)
{
	if (t != NULL && col < t->ncols)
		t->maxw[col] = maxw;
}

void
table_gap(struct table *t, int gap)
{
	if (t != NULL)
		t->gap = gap;
}

static int
table_grow(struct table *t)
{
	size_t cap = t->cap ? 2 * t->cap : 16;
	char **cells;
	int *widths;

	cells = realloc(t->cells, cap * t->ncols * sizeof(*cells));
	if (cells == NULL)
		return -1;
	t->cells = cells;
	widths = realloc(t->widths, cap * t->ncols * sizeof(*widths));
	if (widths == NULL)
		return -1;
	t->widths = widths;
	t->cap = cap;
	return 0;
}

void
table_add(struct table *t, const char *const *cells)
{
	size_t i, base;

	if (t == NULL || t->oom)
		return;
	if (t->nrows == t->cap && table_grow(t) != 0) {
		t->oom = 1;
		return;
	}
	base = t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		t->cells[base + i] = out_clean(cells[i] != NULL ? cells[i] : "",
		    t->maxw[i], &t->widths[base + i]);
		if (t->cells[base + i] == NULL)
			t->oom = 1;
	}
	/* A row is always complete, so table_free() can free it. */
	t->nrows++;
}

size_t
table_rows(const struct table *t)
{
	if (t == NULL)
		return 0;
	return t->nrows - (size_t)t->header;
}

static void
pad(FILE *f, int n)
{
	while (n-- > 0)
		fputc(' ', f);
}

int
table_print(const struct table *t, FILE *f)
{
	int *colw;
	size_t r, i, last, cell;

	if (t == NULL || t->oom)
		return -1;
	colw = calloc(t->ncols ? t->ncols : 1, sizeof(*colw));
	if (colw == NULL)
		return -1;
	for (r = 0; r < t->nrows; r++) {
		for (i = 0; i < t->ncols; i++) {
			if (t->widths[r * t->ncols + i] > colw[i])
				colw[i] = t->widths[r * t->ncols + i];
		}
	}
	for (r = 0; r < t->nrows; r++) {
		/* No trailing blanks: stop after the last non-empty cell. */
		last = 0;
		for (i = 0; i < t->ncols; i++) {
			if (t->cells[r * t->ncols + i][0] != '\0')
				last = i;
		}
		for (i = 0; i <= last && t->ncols > 0; i++) {
			cell = r * t->ncols + i;
			if (i > 0)
				pad(f, t->gap);
			if (t->right[i])
				pad(f, colw[i] - t->widths[cell]);
			fputs(t->cells[cell], f);
			if (!t->right[i] && i < last)
				pad(f, colw[i] - t->widths[cell]);
		}
		fputc('\n', f);
	}
	free(colw);
	return 0;
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->widths);
	free(t->maxw);
	free(t->right);
	free(t);
}

void
progress_init(struct progress *p, int enabled)
{
	p->on = enabled && isatty(STDERR_FILENO);
	p->shown = 0;
}

void
progress_show(struct progress *p, const char *fmt, ...)
{
	char line[128];
	va_list ap;
	int n;

	if (!p->on)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n = out_width(line);
	fprintf(stderr, "\r%s", line);
	if (n < p->shown)
		fprintf(stderr, "%*s\r%s", p->shown - n, "", line);
	p->shown = n;
	fflush(stderr);
}

void
progress_clear(struct progress *p)
{
	if (p->shown == 0)
		return;
	fprintf(stderr, "\r%*s\r", p->shown, "");
	p->shown = 0;
	fflush(stderr);
}
