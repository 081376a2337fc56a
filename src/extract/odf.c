/*
 * odf.c: OpenDocument (odt, ods, odp).  The zip is read from memory
 * through archive_io with the limits of OOXML; the text comes from the
 * body of content.xml, then the headers and footers of the master pages
 * in styles.xml.  text:s, text:tab and text:line-break become the
 * spaces, tab and newline they stand for before the tree is walked.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "dossier.h"
#include "archive_io.h"
#include "extract_int.h"

/* Spaces one <text:s text:c="N"/> may stand for. */
#define ODF_MAX_SPACES 256
/* Bytes of the mimetype member that are looked at. */
#define ODF_MAX_MIMETYPE 128
/* Look at the clock once per this many nodes while rewriting. */
#define ODF_TIME_STRIDE 4096

#define ODF_NS_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define ODF_NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define ODF_NS_DC "http://purl.org/dc/elements/1.1/"

#define ODF_MIME_PREFIX "application/vnd.oasis.opendocument."

static const struct xw_rule odf_rules[] = {
    {"p", XW_TEXT | XW_NL_AFTER},
    {"h", XW_TEXT | XW_NL_AFTER},
    {"table-cell", XW_TAB_AFTER},
    {"covered-table-cell", XW_TAB_AFTER},
    {"table-row", XW_NL_AFTER},
    {"note-citation", XW_SKIP}, /* the footnote's number */
    {"tracked-changes", XW_SKIP}, /* deleted text lives here */
    {"sequence-decls", XW_SKIP},
    {"forms", XW_SKIP},
    {NULL, 0},
};

/* Annotations carry their author and date in Dublin Core: not text. */
static unsigned
odf_hook(const xmlNode *n, unsigned f)
{
	if (n->ns != NULL && n->ns->href != NULL &&
	    strcmp((const char *)n->ns->href, ODF_NS_DC) == 0)
		return XW_SKIP;
	return f;
}

static const struct xw_walk odf_walk = {odf_rules, 0, odf_hook};

/* The parts, in reading order. */
enum odf_part { ODF_CONTENT, ODF_STYLES, ODF_NPARTS };

struct odf {
	struct extract_job *j;
	struct buf text[ODF_NPARTS];
	char mimetype[ODF_MAX_MIMETYPE + 1];
	int encrypted; /* the manifest names encryption data */
	int xml_rc; /* a part that would not parse, told after the manifest */
	int stopped; /* max_text reached */
};

static int
is_elem(const xmlNode *n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    n->ns->href != NULL &&
	    strcmp((const char *)n->ns->href, ns) == 0 &&
	    strcmp((const char *)n->name, name) == 0;
}

/* The text a text:s, text:tab or text:line-break stands for, or NULL. */
static const char *
stand_in(const xmlNode *n, char *spaces)
{
	xmlChar *c;
	long k = 1;

	if (is_elem(n, ODF_NS_TEXT, "tab"))
		return "\t";
	if (is_elem(n, ODF_NS_TEXT, "line-break"))
		return "\n";
	if (!is_elem(n, ODF_NS_TEXT, "s"))
		return NULL;
	c = xmlGetNsProp(n, (const xmlChar *)"c", (const xmlChar *)ODF_NS_TEXT);
	if (c != NULL) {
		k = strtol((const char *)c, NULL, 10);
		xmlFree(c);
	}
	if (k < 1)
		k = 1;
	if (k > ODF_MAX_SPACES)
		k = ODF_MAX_SPACES;
	memset(spaces, ' ', (size_t)k);
	spaces[k] = '\0';
	return spaces;
}

/*
 * Replaces every text:s, text:tab and text:line-break under root by a
 * text node, so that the generic walker puts them in place.  Iterative,
 * like the walker.
 */
static int
rewrite_specials(struct extract_job *j, xmlNode *root)
{
	char spaces[ODF_MAX_SPACES + 1];
	xmlNode *n = root, *t;
	const char *s;
	size_t steps = 0;
	int rc;

	while (n != NULL) {
		if (++steps % ODF_TIME_STRIDE == 0) {
			rc = extract_check_time(j);
			if (rc != 0)
				return rc;
		}
		s = n != root ? stand_in(n, spaces) : NULL;
		if (s != NULL) {
			t = xmlNewText((const xmlChar *)s);
			if (t == NULL)
				return err_nomem(j->e);
			xmlReplaceNode(n, t);
			xmlFreeNode(n);
			n = t;
		} else if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
			n = n->children;
			continue;
		}
		for (;;) {
			if (n == root)
				return 0;
			if (n->next != NULL) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (n == NULL)
				return 0;
		}
	}
	return 0;
}

/* The first child element of n named office:name, or NULL. */
static xmlNode *
office_child(xmlNode *n, const char *name)
{
	if (n == NULL)
		return NULL;
	for (n = n->children; n != NULL; n = n->next)
		if (is_elem(n, ODF_NS_OFFICE, name))
			return n;
	return NULL;
}

/* Does p[0..n) contain the string s? */
static int
contains(const void *p, size_t n, const char *s)
{
	const unsigned char *b = p;
	size_t k = strlen(s), i;

	for (i = 0; k <= n && i <= n - k; i++)
		if (b[i] == (unsigned char)s[0] && memcmp(b + i, s, k) == 0)
			return 1;
	return 0;
}

static int
want_member(void *ctx, const char *name)
{
	struct odf *o = ctx;

	if (strcmp(name, "mimetype") == 0 ||
	    strcmp(name, "META-INF/manifest.xml") == 0)
		return 1;
	return !o->stopped &&
	    (strcmp(name, "content.xml") == 0 ||
	        strcmp(name, "styles.xml") == 0);
}

static int
read_member(void *ctx, const char *name, const void *data, size_t len)
{
	struct odf *o = ctx;
	struct extract_job *j = o->j;
	xmlNode *root;
	xmlDoc *doc = NULL;
	enum odf_part part;
	int rc;

	if (strcmp(name, "mimetype") == 0) {
		if (len > ODF_MAX_MIMETYPE)
			len = ODF_MAX_MIMETYPE;
		memcpy(o->mimetype, data, len);
		o->mimetype[len] = '\0';
		return 0;
	}
	if (strcmp(name, "META-INF/manifest.xml") == 0) {
		/* Password-protected: content.xml is ciphertext. */
		if (contains(data, len, "encryption-data"))
			o->encrypted = 1;
		return 0;
	}
	if (o->encrypted)
		return 0;
	part = strcmp(name, "content.xml") == 0 ? ODF_CONTENT : ODF_STYLES;
	rc = extract_check_time(j);
	if (rc != 0)
		return rc;
	rc = extract_xml_parse(j, data, len, name, &doc);
	if (rc == DOSSIER_EBADINPUT) {
		/* Ciphertext, if the manifest (maybe read later) says so. */
		if (o->xml_rc == 0)
			o->xml_rc = rc;
		rc = 0;
		goto out;
	}
	if (rc != 0)
		goto out;
	root = xmlDocGetRootElement(doc);
	/* Styles hold no text but the headers and footers of the pages. */
	root = office_child(
	    root, part == ODF_CONTENT ? "body" : "master-styles");
	if (root == NULL)
		goto out;
	rc = rewrite_specials(j, root);
	if (rc != 0)
		goto out;
	j->out = &o->text[part];
	rc = extract_xml_walk(j, &odf_walk, root);
	j->out = &j->r->text;
	if (rc == EXTRACT_STOP) {
		/* Keep what fits, read nothing more. */
		o->stopped = 1;
		rc = 0;
	}
out:
	xmlFreeDoc(doc);
	return rc;
}

int
extract_odf_sniff(const struct extract_job *j)
{
	return j->zip_kind == EXTRACT_ZIP_ODF;
}

static const char *
odf_type(const char *mimetype)
{
	size_t k = strlen(ODF_MIME_PREFIX);
	const char *kind;

	if (strncmp(mimetype, ODF_MIME_PREFIX, k) != 0)
		return "odf";
	kind = mimetype + k;
	/* Templates (text-template, ...) read the same way. */
	if (strncmp(kind, "text", 4) == 0)
		return "odt";
	if (strncmp(kind, "spreadsheet", 11) == 0)
		return "ods";
	if (strncmp(kind, "presentation", 12) == 0)
		return "odp";
	return "odf";
}

int
extract_odf_run(struct extract_job *j)
{
	struct archive_io_limits al;
	struct odf o;
	struct buf *t;
	size_t i;
	int rc;

	memset(&o, 0, sizeof(o));
	o.j = j;
	j->r->type = "odf";
	archive_io_limits_init(&al);
	al.max_entries = j->lim->max_entries;
	al.max_expanded = j->lim->max_expanded;
	if (al.max_entry > al.max_expanded)
		al.max_entry = al.max_expanded;
	al.max_ratio = j->lim->max_ratio;
	rc = archive_io_zip_each(
	    j->data, j->len, &al, want_member, read_member, &o, j->e);
	j->r->type = odf_type(o.mimetype);
	if (rc != 0)
		goto out;
	if (o.encrypted) {
		buf_reset(&j->r->text);
		j->r->no_text_reason = "encrypted document";
		goto out;
	}
	if (o.xml_rc != 0) {
		rc = o.xml_rc;
		goto out;
	}
	/* Every part's text already counted against max_text. */
	for (i = 0; i < ODF_NPARTS; i++) {
		t = &o.text[i];
		if (t->len == 0)
			continue;
		if (buf_append(&j->r->text, t->data, t->len) != 0 ||
		    (j->r->text.data[j->r->text.len - 1] != '\n' &&
		        buf_putc(&j->r->text, '\n') != 0)) {
			rc = err_nomem(j->e);
			goto out;
		}
	}
out:
	for (i = 0; i < ODF_NPARTS; i++)
		buf_release(&o.text[i]);
	return rc;
}
