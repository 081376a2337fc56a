/*
 * html.c: HTML through libxml2's HTML parser: scripts and styles
 * dropped, block elements on their own lines, table cells tab-separated.
 * The charset of <meta charset> or http-equiv is honoured (libxml2 reads
 * it); a page that declares none and is not UTF-8 is tried as GB18030.
 */
#include <limits.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "dossier.h"
#include "extract_int.h"

/* Bytes searched for a charset declaration. */
#define HTML_META_SCAN 4096

static const char *const html_exts[] = {"html", "htm", "xhtml", NULL};

static const struct xw_rule html_rules[] = {
    {"script", XW_SKIP},
    {"style", XW_SKIP},
    {"template", XW_SKIP},
    {"head", 0},
    {"title", XW_NL_BEFORE | XW_NL_AFTER},
    {"br", XW_NL_AFTER},
    {"hr", XW_NL_AFTER},
    {"td", XW_TAB_AFTER},
    {"th", XW_TAB_AFTER},
    {"tr", XW_NL_BEFORE | XW_NL_AFTER},
    {"p", XW_NL_BEFORE | XW_NL_AFTER},
    {"div", XW_NL_BEFORE | XW_NL_AFTER},
    {"li", XW_NL_BEFORE | XW_NL_AFTER},
    {"dt", XW_NL_BEFORE | XW_NL_AFTER},
    {"dd", XW_NL_BEFORE | XW_NL_AFTER},
    {"h1", XW_NL_BEFORE | XW_NL_AFTER},
    {"h2", XW_NL_BEFORE | XW_NL_AFTER},
    {"h3", XW_NL_BEFORE | XW_NL_AFTER},
    {"h4", XW_NL_BEFORE | XW_NL_AFTER},
    {"h5", XW_NL_BEFORE | XW_NL_AFTER},
    {"h6", XW_NL_BEFORE | XW_NL_AFTER},
    {"pre", XW_NL_BEFORE | XW_NL_AFTER},
    {"blockquote", XW_NL_BEFORE | XW_NL_AFTER},
    {"table", XW_NL_BEFORE | XW_NL_AFTER},
    {"ul", XW_NL_BEFORE | XW_NL_AFTER},
    {"ol", XW_NL_BEFORE | XW_NL_AFTER},
    {"dl", XW_NL_BEFORE | XW_NL_AFTER},
    {"section", XW_NL_BEFORE | XW_NL_AFTER},
    {"article", XW_NL_BEFORE | XW_NL_AFTER},
    {"header", XW_NL_BEFORE | XW_NL_AFTER},
    {"footer", XW_NL_BEFORE | XW_NL_AFTER},
    {"nav", XW_NL_BEFORE | XW_NL_AFTER},
    {"aside", XW_NL_BEFORE | XW_NL_AFTER},
    {"main", XW_NL_BEFORE | XW_NL_AFTER},
    {"figure", XW_NL_BEFORE | XW_NL_AFTER},
    {"caption", XW_NL_BEFORE | XW_NL_AFTER},
    {"address", XW_NL_BEFORE | XW_NL_AFTER},
    {NULL, 0},
};

static const struct xw_walk html_walk = {html_rules, 1, NULL};

int
extract_html_sniff(const struct extract_job *j)
{
	if (strcmp(j->mime, "text/html") == 0 ||
	    strcmp(j->mime, "application/xhtml+xml") == 0)
		return 1;
	/* A fragment libmagic calls text: the name breaks the tie. */
	return strcmp(j->mime, "text/plain") == 0 &&
	    extract_hint_is(j, html_exts) &&
	    memchr(j->data, '<', j->len) != NULL;
}

/* Does the head of the page declare a charset? */
static int
declares_charset(const unsigned char *p, size_t n)
{
	static const char key[] = "charset";
	size_t i, k = sizeof(key) - 1;

	if (n > HTML_META_SCAN)
		n = HTML_META_SCAN;
	for (i = 0; i + k <= n; i++)
		if (strncasecmp((const char *)p + i, key, k) == 0)
			return 1;
	return 0;
}

int
extract_html_run(struct extract_job *j)
{
	const char *enc = NULL;
	htmlParserCtxtPtr ctxt;
	htmlDocPtr doc;
	xmlNode *root;
	int opts, rc;

	if (j->len > INT_MAX)
		return err_set(j->e, DOSSIER_EBADINPUT, "HTML too large");
	/*
	 * libxml2 honours a declared charset.  Without one it would guess
	 * Latin-1: valid UTF-8 is read as UTF-8, anything else is most
	 * likely GBK here.
	 */
	if (!declares_charset(j->data, j->len)) {
		if (extract_txt_valid_as("UTF-8", j->data, j->len))
			enc = "UTF-8";
		else if (extract_txt_valid_as("GB18030", j->data, j->len))
			enc = "GB18030";
	}
	opts = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_RECOVER | HTML_PARSE_NOIMPLIED;
	ctxt = htmlNewParserCtxt();
	if (ctxt == NULL)
		return err_nomem(j->e);
	doc = htmlCtxtReadMemory(
	    ctxt, (const char *)j->data, (int)j->len, NULL, enc, opts);
	/*
	 * RECOVER gets past ordinary errors; a stopped parser means a fatal
	 * one, such as nesting past libxml2's depth limit.
	 */
	if (doc == NULL || ctxt->disableSAX) {
		xmlFreeDoc(doc);
		htmlFreeParserCtxt(ctxt);
		return err_set(j->e, DOSSIER_EBADINPUT,
		    "unreadable HTML (nested too deeply?)");
	}
	htmlFreeParserCtxt(ctxt);
	rc = 0;
	/* Every top-level node: a fragment may have several. */
	for (root = doc->children; root != NULL && rc == 0; root = root->next)
		rc = extract_xml_walk(j, &html_walk, root);
	xmlFreeDoc(doc);
	if (rc == 0)
		rc = extract_newline(j);
	return rc;
}
