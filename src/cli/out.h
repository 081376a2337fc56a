/*
 * out.h: human output: text made safe for a terminal, tables aligned by
 * display width (a Chinese character takes two columns), times, sizes and
 * the in-place progress line.
 */
#ifndef CLI_OUT_H
#define CLI_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"

/* Longest text of out_time(), NUL included. */
#define OUT_TIME_MAX 32

/*
 * Unix time t as UTC into buf: "2026-11-26T20:00:00Z" when iso, else
 * "2026-11-26 20:00:00Z"; "" when t is 0 or out of range.  Returns buf.
 */
char *out_time(char *buf, int64_t t, int iso);

/* A size for people: "512 B", "17.9 KiB", "3.2 MiB".  Returns buf. */
char *out_size(char *buf, size_t bufsize, uint64_t size);

/*
 * A copy of s for a terminal: valid UTF-8 (bad bytes become U+FFFD), tabs
 * and newlines as spaces, other control characters as '?', cut to at most
 * maxw columns with a trailing "…" (maxw <= 0: no limit).  *width (may be
 * NULL) receives the display width.  Free with free(); NULL when out of
 * memory.
 */
char *out_clean(const char *s, int maxw, int *width);

/*
 * A copy of s that is valid UTF-8: each byte not part of a valid sequence
 * becomes U+FFFD (file names need not be UTF-8; JSON must be).  Free with
 * free(); NULL when out of memory.
 */
char *out_utf8(const char *s);

/* The n strings of v joined by sep; free with free(); NULL: no memory. */
char *out_join(const char *const *v, size_t n, const char *sep);

/* The display width of s (as out_clean() would print it). */
int out_width(const char *s);

/*
 * A table.  Cells are copied through out_clean() when added, so a table
 * owns everything it prints.  Out of memory is sticky: table_print()
 * reports it.  Every function accepts NULL (a failed table_new()).
 */
struct table;

/* ncols columns; headers NULL: no header line. */
struct table *table_new(size_t ncols, const char *const *headers);

/* Column col is right-aligned (numbers). */
void table_right(struct table *t, size_t col);

/* Cells of column col are cut to maxw columns. */
void table_max(struct table *t, size_t col, int maxw);

/* Spaces between columns (default 2). */
void table_gap(struct table *t, int gap);

/* Adds a row of ncols cells; a NULL cell is empty. */
void table_add(struct table *t, const char *const *cells);

/* The number of rows added. */
size_t table_rows(const struct table *t);

/* Prints to f; returns 0, or -1 when out of memory (nothing printed). */
int table_print(const struct table *t, FILE *f);

void table_free(struct table *t);

/*
 * The progress line on stderr, redrawn in place with "\r".  Active only
 * when enabled and stderr is a terminal.  progress_clear() erases it before
 * other output (and at the end).
 */
struct progress {
	int on;
	int shown; /* columns currently on screen */
};

void progress_init(struct progress *p, int enabled);
void progress_show(struct progress *p, const char *fmt, ...) CLI_PRINTF(2, 3);
void progress_clear(struct progress *p);

#endif /* CLI_OUT_H */
