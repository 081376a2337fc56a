/*
 * extract_int.h: what the extractors of src/extract/ share.  Not for
 * use outside src/extract/.
 */
#ifndef DOSSIER_EXTRACT_INT_H
#define DOSSIER_EXTRACT_INT_H

#include <stddef.h>
#include <time.h>

#include <libxml/tree.h>

#include "buf.h"
#include "error.h"
#include "extract.h"

/* What the member names of a zip say it is. */
enum extract_zip_kind {
	EXTRACT_ZIP_NONE, /* not a zip */
	EXTRACT_ZIP_PLAIN, /* a zip, no known layout */
	EXTRACT_ZIP_DOCX,
	EXTRACT_ZIP_XLSX,
	EXTRACT_ZIP_PPTX,
	EXTRACT_ZIP_ODF
};

/* One extraction in progress; lives on extract_mem()'s stack. */
struct extract_job {
	const unsigned char *data;
	size_t len;
	const char *mime; /* from libmagic, never NULL */
	const char *hint; /* file name or NULL */
	const struct extract_limits *lim;
	struct extract_result *r;
	struct err *e;
	struct timespec start;
	enum extract_zip_kind zip_kind;
	struct buf *out; /* where extract_put() writes: r->text */
	size_t out_total; /* bytes put so far, over every out */
};

/* Returned by the put functions when max_text was reached. */
#define EXTRACT_STOP 1

/* Appends n bytes of UTF-8 to j->out; cuts at max_text (EXTRACT_STOP). */
int extract_put(struct extract_job *j, const void *p, size_t n);
/* Ends a line (a cell's trailing tab becomes the newline). */
int extract_newline(struct extract_job *j);
/* Ends a table cell (a paragraph's trailing newline becomes the tab). */
int extract_tab(struct extract_job *j);
/* A literal tab, unless the output is empty or ends with white space. */
int extract_sep(struct extract_job *j);
/* 0, or DOSSIER_EBADINPUT once the time budget is spent. */
int extract_check_time(struct extract_job *j);
/* Does the hint end with one of the dot-less extensions (NULL-ended)? */
int extract_hint_is(const struct extract_job *j, const char *const *exts);

/* Flags of an element for the tree walker (xml.c). */
#define XW_TEXT 0x01 /* collect the text inside */
#define XW_SKIP 0x02 /* drop the subtree */
#define XW_NL_BEFORE 0x04
#define XW_NL_AFTER 0x08
#define XW_TAB_BEFORE 0x10
#define XW_TAB_AFTER 0x20 /* end of a table cell */
#define XW_SEP_AFTER 0x40 /* a tab character in running text */

struct xw_rule {
	const char *name; /* local name */
	unsigned flags;
};

struct xw_walk {
	const struct xw_rule *rules; /* ended by { NULL, 0 } */
	int all_text; /* HTML: text anywhere, white space folded */
	/* Adjusts the rule's flags for one element; may be NULL. */
	unsigned (*hook)(const xmlNode *n, unsigned flags);
};

/*
 * Parses XML without network, DTD loading or entity expansion.
 * Returns 0 with *doc set (free with xmlFreeDoc), or DOSSIER_EBADINPUT.
 */
int extract_xml_parse(struct extract_job *j, const void *p, size_t n,
    const char *name, xmlDoc **doc);
/*
 * Walks the tree under root iteratively, putting its text.  Elements
 * deeper than max_depth are skipped (r->truncated).  Returns 0,
 * EXTRACT_STOP, or a negative code.
 */
int extract_xml_walk(
    struct extract_job *j, const struct xw_walk *w, xmlNode *root);

/* The extractors: sniff returns nonzero to claim the job. */
int extract_txt_sniff(const struct extract_job *j);
int extract_txt_run(struct extract_job *j);
int extract_html_sniff(const struct extract_job *j);
int extract_html_run(struct extract_job *j);
int extract_ooxml_sniff(const struct extract_job *j);
int extract_ooxml_run(struct extract_job *j);
int extract_odf_sniff(const struct extract_job *j);
int extract_odf_run(struct extract_job *j);
int extract_pdf_sniff(const struct extract_job *j);
int extract_pdf_run(struct extract_job *j);
int extract_eml_sniff(const struct extract_job *j);
int extract_eml_run(struct extract_job *j);

/* Text in p[0..n) of an unknown 8-bit charset or UTF-8, put as UTF-8. */
int extract_txt_put_guessed(
    struct extract_job *j, const unsigned char *p, size_t n);
/* Is p[0..n) valid as the charset (iconv name)? */
int extract_txt_valid_as(const char *charset, const unsigned char *p, size_t n);

#endif
