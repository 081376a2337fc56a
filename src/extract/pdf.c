/*
 * pdf.c: the text layer of a PDF through poppler-glib, page by page,
 * from memory.  Chinese PDFs with non-embedded CID fonts (STSong-Light
 * and UniGB-UCS2-H, ...) need the CMaps of Debian's poppler-data.  A PDF
 * with no text on any page is filed with no_text_reason "no text layer"
 * (for OCR later); a truncated or corrupt one is DOSSIER_EBADINPUT.
 */
#include <string.h>

/* glib's headers are not written for -Wpedantic and friends. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <poppler.h>
#pragma GCC diagnostic pop

#include <unistr.h>

#include "dossier.h"
#include "extract_int.h"

/* Acrobat wants %PDF- in the first and %%EOF in the last KiB. */
#define PDF_HEADER_SCAN 1024
#define PDF_TRAILER_SCAN 1024
/* Pages read at most; the time budget usually ends sooner. */
#define PDF_MAX_PAGES 100000

static int
find(const unsigned char *p, size_t n, const char *s)
{
	size_t k = strlen(s), i;

	for (i = 0; k <= n && i <= n - k; i++)
		if (p[i] == (unsigned char)s[0] && memcmp(p + i, s, k) == 0)
			return 1;
	return 0;
}

int
extract_pdf_sniff(const struct extract_job *j)
{
	if (strcmp(j->mime, "application/pdf") == 0)
		return 1;
	/* Junk before the header: libmagic may not see a PDF. */
	return find(j->data, j->len < PDF_HEADER_SCAN ? j->len : PDF_HEADER_SCAN,
	    "%PDF-");
}

/* Puts valid UTF-8, dropping whatever is not. */
static int
put_valid(struct extract_job *j, const unsigned char *s, size_t n)
{
	size_t i = 0, start;
	ucs4_t uc;
	int len, rc;

	while (i < n) {
		start = i;
		while (i < n) {
			len = u8_mbtoucr(&uc, s + i, n - i);
			if (len <= 0 || uc == 0)
				break;
			i += (size_t)len;
		}
		rc = extract_put(j, s + start, i - start);
		if (rc != 0)
			return rc;
		i++; /* the invalid byte */
	}
	return 0;
}

/* Is the text only white space? */
static int
blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' &&
		    *s != '\f')
			return 0;
	return 1;
}

int
extract_pdf_run(struct extract_job *j)
{
	const unsigned char *tail;
	PopplerDocument *doc = NULL;
	PopplerPage *page;
	GError *gerr = NULL;
	GBytes *bytes = NULL;
	char *text;
	size_t tlen;
	int i, n, found = 0, rc = 0;

	j->r->type = "pdf";
	tail = j->len > PDF_TRAILER_SCAN ? j->data + j->len - PDF_TRAILER_SCAN
	                                 : j->data;
	if (!find(tail, (size_t)(j->data + j->len - tail), "%%EOF"))
		return err_set(j->e, DOSSIER_EBADINPUT,
		    "truncated PDF: no %%%%EOF at the end");
	/* Borrowed: the document is freed before j->data is. */
	bytes = g_bytes_new_static(j->data, j->len);
	doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
	if (doc == NULL) {
		if (gerr != NULL && gerr->domain == POPPLER_ERROR &&
		    gerr->code == POPPLER_ERROR_ENCRYPTED) {
			/* Filed, not read: the password is not ours. */
			j->r->no_text_reason = "encrypted document";
			goto out;
		}
		rc = err_set(j->e, DOSSIER_EBADINPUT, "malformed PDF: %s",
		    gerr != NULL ? gerr->message : "unknown error");
		goto out;
	}
	n = poppler_document_get_n_pages(doc);
	if (n > PDF_MAX_PAGES) {
		n = PDF_MAX_PAGES;
		j->r->truncated = 1;
	}
	for (i = 0; i < n; i++) {
		rc = extract_check_time(j);
		if (rc != 0)
			goto out;
		page = poppler_document_get_page(doc, i);
		if (page == NULL)
			continue;
		text = poppler_page_get_text(page);
		g_object_unref(page);
		if (text == NULL)
			continue;
		if (!blank(text)) {
			found = 1;
			tlen = strlen(text);
			rc = put_valid(j, (const unsigned char *)text, tlen);
			if (rc == 0)
				rc = extract_newline(j);
		}
		g_free(text);
		if (rc != 0)
			goto out; /* EXTRACT_STOP: the text is full */
	}
	if (!found)
		j->r->no_text_reason = "no text layer";
out:
	if (doc != NULL)
		g_object_unref(doc);
	if (bytes != NULL)
		g_bytes_unref(bytes);
	if (gerr != NULL)
		g_error_free(gerr);
	return rc;
}
