/*
 * txt.c: plain text (.txt, .md, .csv and any other text/ type) in UTF-8,
 * UTF-16 with a byte order mark, or GB18030/GBK, put as UTF-8.
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>

#include <unistr.h>

#include "dossier.h"
#include "extract_int.h"

/* Bytes converted per iconv() call. */
#define TXT_CHUNK 4096

static const char *const txt_exts[] = {"txt", "md", "csv", "tsv", NULL};

int
extract_txt_sniff(const struct extract_job *j)
{
	if (strncmp(j->mime, "text/", 5) == 0)
		return 1;
	/* UTF-16 text: libmagic may call it application/octet-stream. */
	if (j->len >= 2 &&
	    ((j->data[0] == 0xff && j->data[1] == 0xfe) ||
	        (j->data[0] == 0xfe && j->data[1] == 0xff)) &&
	    extract_hint_is(j, txt_exts))
		return 1;
	return 0;
}

/*
 * Converts p[0..n) from charset into the output.  Returns 0,
 * EXTRACT_STOP, -1 when the input is invalid in that charset (the output
 * may hold a part), or a negative DOSSIER_E* code.
 */
static int
put_converted(struct extract_job *j, const char *charset,
    const unsigned char *p, size_t n)
{
	char out[TXT_CHUNK * 4];
	char *in = (char *)(uintptr_t)p, *o;
	size_t inleft = n, oleft, done;
	iconv_t cd;
	int rc = 0;

	cd = iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1)
		return err_set(j->e, DOSSIER_EINTERNAL,
		    "iconv cannot convert from %s", charset);
	while (inleft > 0) {
		o = out;
		oleft = sizeof(out);
		if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1 &&
		    errno != E2BIG)
			rc = -1; /* EILSEQ, or EINVAL: cut mid-character */
		done = sizeof(out) - oleft;
		if (done > 0) {
			int prc = extract_put(j, out, done);

			if (prc != 0) {
				rc = prc;
				break;
			}
		}
		if (rc != 0)
			break;
		if (extract_check_time(j) != 0) {
			rc = DOSSIER_EBADINPUT;
			break;
		}
	}
	iconv_close(cd);
	return rc;
}

int
extract_txt_valid_as(const char *charset, const unsigned char *p, size_t n)
{
	char out[TXT_CHUNK * 4];
	char *in = (char *)(uintptr_t)p, *o;
	size_t inleft = n, oleft;
	iconv_t cd;
	int ok = 1;

	cd = iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1)
		return 0;
	while (inleft > 0) {
		o = out;
		oleft = sizeof(out);
		if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1 &&
		    errno != E2BIG) {
			ok = 0;
			break;
		}
	}
	iconv_close(cd);
	return ok;
}

int
extract_txt_put_guessed(struct extract_job *j, const unsigned char *p, size_t n)
{
	int rc;

	if (n == 0)
		return 0;
	if (u8_check(p, n) == NULL && memchr(p, 0, n) == NULL)
		return extract_put(j, p, n);
	/* Chinese Windows saves text as GBK; GB18030 is its superset. */
	if (extract_txt_valid_as("GB18030", p, n)) {
		rc = put_converted(j, "GB18030", p, n);
		if (rc >= 0)
			return rc;
		if (rc != -1)
			return rc;
		buf_reset(j->out);
		j->out_total = 0;
	}
	return extract_put(j, p, n);
}

int
extract_txt_run(struct extract_job *j)
{
	const unsigned char *p = j->data;
	size_t n = j->len;
	int rc;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return extract_put(j, p + 3, n - 3);
	if (n >= 2 && (p[0] == 0xff || p[0] == 0xfe) &&
	    (p[1] == 0xff || p[1] == 0xfe) && p[0] != p[1]) {
		rc = put_converted(
		    j, p[0] == 0xff ? "UTF-16LE" : "UTF-16BE", p + 2, n - 2);
		if (rc == -1)
			return err_set(
			    j->e, DOSSIER_EBADINPUT, "invalid UTF-16 text");
		return rc;
	}
	return extract_txt_put_guessed(j, p, n);
}
