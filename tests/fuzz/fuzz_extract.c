/*
 * fuzz_extract.c: the text extractors through extract_mem(), the entry
 * every filed file takes (type sniffing by libmagic and by a zip's member
 * names, then the extractor that claims the bytes).  Built once per
 * extractor (FUZZ_KIND: txt, html, ooxml, odf, pdf, eml) so that each has
 * its own corpus (fixtures/fuzz/extract_KIND/) and its own fuzzing time;
 * the kind also gives the file-name hint the extractors may consult.
 * Limits are the defaults, except a shorter time budget, so that a slow
 * input is reported by the extractor itself rather than as a hang.
 */
#include <string.h>

#include <unistr.h>

#include "fuzz.h"
#include "error.h"
#include "extract/extract.h"

#ifndef FUZZ_KIND
#error "FUZZ_KIND names the extractor: cc -DFUZZ_KIND='\"txt\"'"
#endif

static const char *
hint(void)
{
	static const char *const hints[][2] = {
	    {"txt", "fuzz.txt"}, {"html", "fuzz.html"}, {"ooxml", "fuzz.docx"},
	    {"odf", "fuzz.odt"}, {"pdf", "fuzz.pdf"}, {"eml", "fuzz.eml"},
	};
	size_t i;

	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (strcmp(hints[i][0], FUZZ_KIND) == 0)
			return hints[i][1];
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct extract_limits lim;
	struct extract_result r;
	struct err e;
	int rc;

	extract_limits_init(&lim);
	lim.time_ms = 5000;
	extract_result_init(&r);
	err_clear(&e);
	rc = extract_mem(data, size, hint(), &lim, &r, &e);
	if (rc == 0) {
		/* What comes out is bounded, and UTF-8. */
		FUZZ_CHECK(r.text.len <= lim.max_text);
		FUZZ_CHECK(r.text.len == 0 ||
		    u8_check(r.text.data, r.text.len) == NULL);
	} else {
		FUZZ_CHECK(r.text.len == 0);
		FUZZ_CHECK(e.msg[0] != '\0');
	}
	extract_result_release(&r);
	return 0;
}
