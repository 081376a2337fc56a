/*
 * extract.h: plain UTF-8 text out of a document, for the search index.
 *
 * The type is sniffed from the bytes (libmagic, then the member names of
 * a zip), never from the file name.  One extractor per format is
 * registered in the table of extract.c.  Every size and the time spent
 * are bounded by struct extract_limits.
 *
 *	struct extract_limits lim;
 *	struct extract_result r;
 *	extract_limits_init(&lim);
 *	extract_result_init(&r);
 *	rc = extract_file(path, NULL, &lim, &r, &e);
 *	... buf_str(&r.text) ...
 *	extract_result_release(&r);
 */
#ifndef DOSSIER_EXTRACT_H
#define DOSSIER_EXTRACT_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

/* Defaults of struct extract_limits. */
#define EXTRACT_MAX_INPUT (64u * 1024 * 1024) /* bytes of the file */
#define EXTRACT_MAX_TEXT (16u * 1024 * 1024) /* bytes of output text */
#define EXTRACT_MAX_ENTRIES 10000 /* members of a zip */
#define EXTRACT_MAX_EXPANDED (256u * 1024 * 1024) /* bytes out of a zip */
#define EXTRACT_MAX_RATIO 100 /* zip expansion ratio (bomb) */
#define EXTRACT_MAX_DEPTH 256 /* element nesting in XML/HTML */
#define EXTRACT_TIME_MS 10000 /* wall time budget per file */

struct extract_limits {
	size_t max_input;
	size_t max_text; /* longer text is cut, r->truncated set */
	size_t max_entries;
	size_t max_expanded;
	size_t max_ratio;
	unsigned max_depth; /* deeper elements are skipped, truncated */
	unsigned time_ms;
};

struct extract_result {
	struct buf text; /* UTF-8, owned: extract_result_release() */
	const char *type; /* static: "txt", "html", "docx", ... or NULL */
	const char *mime; /* static copy of the sniffed MIME type */
	const char *no_text_reason; /* static, NULL when text was found */
	int truncated; /* text cut at a limit (safe truncation) */
	char mime_buf[128];
};

void extract_limits_init(struct extract_limits *lim);
void extract_result_init(struct extract_result *r);
/* Frees the text; r is initialized again.  r may be reused. */
void extract_result_release(struct extract_result *r);

/*
 * Extracts the text of p[0..n).  hint is the file name, or NULL; it only
 * breaks ties the bytes leave open.  lim may be NULL (the defaults).
 * Returns 0 with r filled: text found, or an empty text and
 * r->no_text_reason set (a type with no extractor, no text in it).
 * Returns DOSSIER_EBADINPUT for a malformed, oversized or hostile file
 * (zip bomb, excessive nesting, time budget), DOSSIER_ENOMEM,
 * DOSSIER_EINTERNAL.  On failure r->type and r->mime still say what was
 * sniffed and the text is empty.
 */
int extract_mem(const void *p, size_t n, const char *hint,
    const struct extract_limits *lim, struct extract_result *r, struct err *e);

/* Same, reading the file at path (at most lim->max_input bytes). */
int extract_file(const char *path, const char *hint,
    const struct extract_limits *lim, struct extract_result *r, struct err *e);

#endif
