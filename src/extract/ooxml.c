/*
 * ooxml.c: Office Open XML (docx, xlsx, pptx).  The zip is read from
 * memory through archive_io, the parts with libxml2; the text of each
 * part goes to its own buffer, and the parts are joined in reading order
 * (document, headers, footers, notes; shared strings, sheets; slides by
 * number).
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "dossier.h"
#include "archive_io.h"
#include "extract_int.h"

/* w:t, a:t and the xlsx t: text runs; the rest shapes lines and cells. */
static const struct xw_rule docx_rules[] = {
    {"t", XW_TEXT},
    {"tab", XW_SEP_AFTER},
    {"br", XW_NL_AFTER},
    {"cr", XW_NL_AFTER},
    {"p", XW_NL_AFTER},
    {"tc", XW_TAB_AFTER},
    {"tr", XW_NL_AFTER},
    {"instrText", XW_SKIP},
    {"delText", XW_SKIP},
    {NULL, 0},
};

static const struct xw_rule xlsx_rules[] = {
    {"t", XW_TEXT},
    {"v", XW_TEXT},
    {"si", XW_NL_AFTER},
    {"c", XW_TAB_AFTER},
    {"row", XW_NL_AFTER},
    {"rPh", XW_SKIP}, /* phonetic guides of East Asian text */
    {"f", XW_SKIP}, /* formulas */
    {NULL, 0},
};

static const struct xw_rule pptx_rules[] = {
    {"t", XW_TEXT},
    {"br", XW_NL_AFTER},
    {"p", XW_NL_AFTER},
    {"tc", XW_TAB_AFTER},
    {"tr", XW_NL_AFTER},
    {NULL, 0},
};

/* In a sheet, <c t="s"><v>3</v></c> is an index into shared strings. */
static unsigned
xlsx_hook(const xmlNode *n, unsigned f)
{
	xmlChar *t;

	if (strcmp((const char *)n->name, "v") != 0 || n->parent == NULL)
		return f;
	t = xmlGetProp(n->parent, (const xmlChar *)"t");
	if (t != NULL && strcmp((const char *)t, "s") == 0)
		f = XW_SKIP;
	xmlFree(t);
	return f;
}

static const struct xw_walk docx_walk = {docx_rules, 0, NULL};
static const struct xw_walk xlsx_walk = {xlsx_rules, 0, xlsx_hook};
static const struct xw_walk pptx_walk = {pptx_rules, 0, NULL};

/* One part's text and its place in the reading order. */
struct part {
	int rank;
	unsigned long num;
	struct buf text;
};

struct ooxml {
	struct extract_job *j;
	const struct xw_walk *walk;
	struct part *parts;
	size_t nparts, cap;
	int stopped; /* max_text reached */
};

/* "word/header12.xml" with prefix "word/header": 12; else 0. */
static unsigned long
part_number(const char *name, const char *prefix)
{
	const char *s = name + strlen(prefix);
	unsigned long v = 0;

	while (*s >= '0' && *s <= '9' && v < 1000000)
		v = v * 10 + (unsigned long)(*s++ - '0');
	return v;
}

static int
has_prefix_xml(const char *name, const char *prefix)
{
	size_t n = strlen(name), k = strlen(prefix);

	return n > k + 4 && strncmp(name, prefix, k) == 0 &&
	    strcmp(name + n - 4, ".xml") == 0 && strchr(name + k, '/') == NULL;
}

/* The reading rank of a part, or -1 when it holds no text we index. */
static int
part_rank(enum extract_zip_kind kind, const char *name, unsigned long *num)
{
	*num = 0;
	switch (kind) {
	case EXTRACT_ZIP_DOCX:
		if (strcmp(name, "word/document.xml") == 0)
			return 0;
		if (has_prefix_xml(name, "word/header")) {
			*num = part_number(name, "word/header");
			return 1;
		}
		if (has_prefix_xml(name, "word/footer")) {
			*num = part_number(name, "word/footer");
			return 2;
		}
		if (strcmp(name, "word/footnotes.xml") == 0)
			return 3;
		if (strcmp(name, "word/endnotes.xml") == 0)
			return 4;
		return -1;
	case EXTRACT_ZIP_XLSX:
		if (strcmp(name, "xl/sharedStrings.xml") == 0)
			return 0;
		if (has_prefix_xml(name, "xl/worksheets/sheet")) {
			*num = part_number(name, "xl/worksheets/sheet");
			return 1;
		}
		return -1;
	case EXTRACT_ZIP_PPTX:
		if (has_prefix_xml(name, "ppt/slides/slide")) {
			*num = part_number(name, "ppt/slides/slide");
			return 0;
		}
		if (has_prefix_xml(name, "ppt/notesSlides/notesSlide")) {
			*num = part_number(name, "ppt/notesSlides/notesSlide");
			return 1;
		}
		return -1;
	default:
		return -1;
	}
}

static int
want_part(void *ctx, const char *name)
{
	struct ooxml *o = ctx;
	unsigned long num;

	return !o->stopped && part_rank(o->j->zip_kind, name, &num) >= 0;
}

static int
read_part(void *ctx, const char *name, const void *data, size_t len)
{
	struct ooxml *o = ctx;
	struct extract_job *j = o->j;
	struct buf empty = BUF_INIT;
	struct part *p;
	xmlDoc *doc;
	int rc;

	if (o->nparts == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 8;

		p = realloc(o->parts, cap * sizeof(*p));
		if (p == NULL)
			return err_nomem(j->e);
		o->parts = p;
		o->cap = cap;
	}
	p = &o->parts[o->nparts++];
	p->rank = part_rank(j->zip_kind, name, &p->num);
	p->text = empty;
	rc = extract_check_time(j);
	if (rc != 0)
		return rc;
	rc = extract_xml_parse(j, data, len, name, &doc);
	if (rc != 0)
		return rc;
	j->out = &p->text;
	rc = extract_xml_walk(j, o->walk, xmlDocGetRootElement(doc));
	j->out = &j->r->text;
	xmlFreeDoc(doc);
	if (rc == EXTRACT_STOP) {
		/* Keep what fits, read nothing more. */
		o->stopped = 1;
		rc = 0;
	}
	return rc;
}

static int
part_cmp(const void *a, const void *b)
{
	const struct part *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return 0;
}

int
extract_ooxml_sniff(const struct extract_job *j)
{
	return j->zip_kind == EXTRACT_ZIP_DOCX ||
	    j->zip_kind == EXTRACT_ZIP_XLSX || j->zip_kind == EXTRACT_ZIP_PPTX;
}

int
extract_ooxml_run(struct extract_job *j)
{
	struct archive_io_limits al;
	struct ooxml o;
	size_t i;
	int rc;

	memset(&o, 0, sizeof(o));
	o.j = j;
	switch (j->zip_kind) {
	case EXTRACT_ZIP_DOCX:
		j->r->type = "docx";
		o.walk = &docx_walk;
		break;
	case EXTRACT_ZIP_XLSX:
		j->r->type = "xlsx";
		o.walk = &xlsx_walk;
		break;
	default:
		j->r->type = "pptx";
		o.walk = &pptx_walk;
		break;
	}
	archive_io_limits_init(&al);
	al.max_entries = j->lim->max_entries;
	al.max_expanded = j->lim->max_expanded;
	if (al.max_entry > al.max_expanded)
		al.max_entry = al.max_expanded;
	al.max_ratio = j->lim->max_ratio;
	rc = archive_io_zip_each(
	    j->data, j->len, &al, want_part, read_part, &o, j->e);
	if (rc != 0)
		goto out;
	/* Every part's text already counted against max_text. */
	if (o.nparts > 1)
		qsort(o.parts, o.nparts, sizeof(*o.parts), part_cmp);
	for (i = 0; i < o.nparts; i++) {
		if (o.parts[i].text.len == 0)
			continue;
		if (buf_append(&j->r->text, o.parts[i].text.data,
		        o.parts[i].text.len) != 0 ||
		    (j->r->text.data[j->r->text.len - 1] != '\n' &&
		        buf_putc(&j->r->text, '\n') != 0)) {
			rc = err_nomem(j->e);
			goto out;
		}
	}
out:
	for (i = 0; i < o.nparts; i++)
		buf_release(&o.parts[i].text);
	free(o.parts);
	return rc;
}
