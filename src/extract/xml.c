/*
 * xml.c: parsing XML safely and walking a libxml2 tree into text, for the
 * extractors of XML-based formats (OOXML, later ODF) and HTML.
 */
#include <limits.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "dossier.h"
#include "extract_int.h"

/* Look at the clock once per this many nodes. */
#define XML_TIME_STRIDE 4096

int
extract_xml_parse(struct extract_job *j, const void *p, size_t n,
    const char *name, xmlDoc **doc)
{
	/*
	 * No XML_PARSE_NOENT (entities stay references, never expanded), no
	 * DTD loading, no network; libxml2's own depth limit (256 without
	 * XML_PARSE_HUGE) refuses deeply nested input.
	 */
	int opts = XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;

	*doc = NULL;
	if (n > INT_MAX)
		return err_set(
		    j->e, DOSSIER_EBADINPUT, "'%s' is too large", name);
	*doc = xmlReadMemory(p, (int)n, NULL, NULL, opts);
	if (*doc == NULL)
		return err_set(j->e, DOSSIER_EBADINPUT,
		    "'%s' is not well-formed XML", name);
	return 0;
}

static unsigned
rule_flags(const struct xw_walk *w, const xmlNode *n)
{
	const struct xw_rule *r;
	unsigned f = 0;

	for (r = w->rules; r->name != NULL; r++) {
		if (strcmp(r->name, (const char *)n->name) == 0) {
			f = r->flags;
			break;
		}
	}
	if (w->hook != NULL)
		f = w->hook(n, f);
	return f;
}

/* Text with runs of ASCII white space folded into one space. */
static int
put_folded(struct extract_job *j, const unsigned char *s)
{
	const unsigned char *run;
	unsigned char last;
	int rc;

	while (*s != '\0') {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
		    *s == '\f') {
			while (*s == ' ' || *s == '\t' || *s == '\n' ||
			    *s == '\r' || *s == '\f')
				s++;
			last =
			    j->out->len ? j->out->data[j->out->len - 1] : '\n';
			if (last == ' ' || last == '\n' || last == '\t')
				continue;
			rc = extract_put(j, " ", 1);
			if (rc != 0)
				return rc;
			continue;
		}
		run = s;
		while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\n' &&
		    *s != '\r' && *s != '\f')
			s++;
		rc = extract_put(j, run, (size_t)(s - run));
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
enter(struct extract_job *j, const struct xw_walk *w, const xmlNode *n,
    unsigned f, unsigned in_text)
{
	int rc = 0;

	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content == NULL)
			return 0;
		if (w->all_text)
			return put_folded(j, n->content);
		if (in_text > 0)
			return extract_put(
			    j, n->content, strlen((const char *)n->content));
		return 0;
	}
	if (f & XW_NL_BEFORE)
		rc = extract_newline(j);
	if (rc == 0 && (f & XW_TAB_BEFORE))
		rc = extract_tab(j);
	return rc;
}

static int
leave(struct extract_job *j, unsigned f)
{
	int rc = 0;

	if (f & XW_NL_AFTER)
		rc = extract_newline(j);
	if (rc == 0 && (f & XW_TAB_AFTER))
		rc = extract_tab(j);
	if (rc == 0 && (f & XW_SEP_AFTER))
		rc = extract_sep(j);
	return rc;
}

int
extract_xml_walk(struct extract_job *j, const struct xw_walk *w, xmlNode *root)
{
	xmlNode *n = root;
	unsigned depth = 0, in_text = 0, f;
	size_t steps = 0;
	int rc;

	/*
	 * Iterative, so that no input can exhaust the stack: down through
	 * children, then along next, then up through parent.  Each element's
	 * flags are looked up again on the way out.
	 */
	while (n != NULL) {
		if (++steps % XML_TIME_STRIDE == 0) {
			rc = extract_check_time(j);
			if (rc != 0)
				return rc;
		}
		f = n->type == XML_ELEMENT_NODE ? rule_flags(w, n) : 0;
		rc = enter(j, w, n, f, in_text);
		if (rc != 0)
			return rc;
		if (n->type == XML_ELEMENT_NODE && !(f & XW_SKIP) &&
		    n->children != NULL) {
			if (depth < j->lim->max_depth) {
				if (f & XW_TEXT)
					in_text++;
				depth++;
				n = n->children;
				continue;
			}
			j->r->truncated = 1;
		}
		/* n is done: leave it and every ancestor it ends. */
		for (;;) {
			if (n->type == XML_ELEMENT_NODE) {
				rc = leave(j, rule_flags(w, n));
				if (rc != 0)
					return rc;
			}
			if (n == root)
				return 0;
			if (n->next != NULL) {
				n = n->next;
				break;
			}
			n = n->parent;
			depth--;
			if (n == NULL)
				return 0;
			if (rule_flags(w, n) & XW_TEXT)
				in_text--;
		}
	}
	return 0;
}
