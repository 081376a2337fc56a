/*
 * extract.c: see extract.h.  Sniffs the type (libmagic, then a zip's
 * member names) and hands the bytes to the first extractor of the table
 * that claims them.
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <magic.h>
#include <unistr.h>

#include "dossier.h"
#include "archive_io.h"
#include "extract_int.h"

/* Bytes libmagic looks at; its own default is 1 MiB. */
#define EXTRACT_SNIFF_BYTES (256 * 1024)

struct extractor {
	const char *name;
	int (*sniff)(const struct extract_job *j);
	int (*run)(struct extract_job *j);
};

/*
 * First match wins: the zip formats, PDF, mail, then markup, then plain
 * text.
 */
static const struct extractor extractors[] = {
    {"ooxml", extract_ooxml_sniff, extract_ooxml_run},
    {"odf", extract_odf_sniff, extract_odf_run},
    {"pdf", extract_pdf_sniff, extract_pdf_run},
    {"eml", extract_eml_sniff, extract_eml_run},
    {"html", extract_html_sniff, extract_html_run},
    {"txt", extract_txt_sniff, extract_txt_run},
};

void
extract_limits_init(struct extract_limits *lim)
{
	lim->max_input = EXTRACT_MAX_INPUT;
	lim->max_text = EXTRACT_MAX_TEXT;
	lim->max_entries = EXTRACT_MAX_ENTRIES;
	lim->max_expanded = EXTRACT_MAX_EXPANDED;
	lim->max_ratio = EXTRACT_MAX_RATIO;
	lim->max_depth = EXTRACT_MAX_DEPTH;
	lim->time_ms = EXTRACT_TIME_MS;
}

void
extract_result_init(struct extract_result *r)
{
	struct buf b = BUF_INIT;

	r->text = b;
	r->type = NULL;
	r->mime = NULL;
	r->no_text_reason = NULL;
	r->truncated = 0;
	r->mime_buf[0] = '\0';
}

void
extract_result_release(struct extract_result *r)
{
	buf_release(&r->text);
	extract_result_init(r);
}

/* Appends n bytes of UTF-8; cuts at max_text (EXTRACT_STOP). */
static int
put_raw(struct extract_job *j, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t room = j->lim->max_text - j->out_total;
	int stop = 0;

	if (n > room) {
		/* Cut before a continuation byte: the text stays UTF-8. */
		n = room;
		while (n > 0 && (s[n] & 0xc0) == 0x80)
			n--;
		j->r->truncated = 1;
		stop = EXTRACT_STOP;
	}
	if (buf_append(j->out, p, n) != 0)
		return err_nomem(j->e);
	j->out_total += n;
	return stop;
}

/*
 * What an extractor hands over should be UTF-8 already, but text files,
 * and markup that declares one charset and holds bytes of another, come
 * through as they are: repaired here (buf_put_utf8: U+FFFD, no NUL).
 * Callers never split a character across two calls.
 */
int
extract_put(struct extract_job *j, const void *p, size_t n)
{
	struct buf fixed = BUF_INIT;
	int rc;

	if (n == 0)
		return 0;
	if (u8_check(p, n) == NULL && memchr(p, 0, n) == NULL)
		return put_raw(j, p, n);
	if (buf_put_utf8(&fixed, p, n) != 0)
		rc = err_nomem(j->e);
	else
		rc = put_raw(j, fixed.data, fixed.len);
	buf_release(&fixed);
	return rc;
}

/* The last byte put to j->out, or 0. */
static unsigned char *
last_byte(struct extract_job *j)
{
	return j->out->len > 0 ? &j->out->data[j->out->len - 1] : NULL;
}

int
extract_newline(struct extract_job *j)
{
	unsigned char *c = last_byte(j);

	if (c == NULL || *c == '\n')
		return 0;
	if (*c == '\t') {
		*c = '\n';
		return 0;
	}
	return extract_put(j, "\n", 1);
}

int
extract_tab(struct extract_job *j)
{
	unsigned char *c = last_byte(j);

	if (c == NULL || *c == '\t')
		return 0;
	if (*c == '\n') {
		*c = '\t';
		return 0;
	}
	return extract_put(j, "\t", 1);
}

int
extract_sep(struct extract_job *j)
{
	unsigned char *c = last_byte(j);

	if (c == NULL || *c == '\t' || *c == '\n' || *c == ' ')
		return 0;
	return extract_put(j, "\t", 1);
}

int
extract_check_time(struct extract_job *j)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(now.tv_sec - j->start.tv_sec) * 1000 +
	    (now.tv_nsec - j->start.tv_nsec) / 1000000;
	if (ms > (long long)j->lim->time_ms)
		return err_set(j->e, DOSSIER_EBADINPUT,
		    "extraction took more than %u ms", j->lim->time_ms);
	return 0;
}

int
extract_hint_is(const struct extract_job *j, const char *const *exts)
{
	const char *dot;

	if (j->hint == NULL)
		return 0;
	dot = strrchr(j->hint, '.');
	if (dot == NULL)
		return 0;
	for (; *exts != NULL; exts++)
		if (strcasecmp(dot + 1, *exts) == 0)
			return 1;
	return 0;
}

/*
 * Loading libmagic's database costs milliseconds, more than extracting a
 * small file: the handles are loaded once and kept for the process (never
 * freed; reachable, not a leak), used under a mutex since a magic_t is
 * not thread-safe.
 *
 * Two passes.  The quick one skips libmagic's database ("soft" magic) and
 * only tells text from binary; the full one, about a third of a
 * millisecond per text file, runs on everything except text whose first
 * character is not ASCII: prose, which no format with an extractor of its
 * own (markup, mail, PDF, RTF) begins with.  For a long filing of plain
 * text documents that halves the cost of sniffing.
 */
static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_full, magic_quick;
static int magic_failed;

#define MAGIC_SKIP (MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF | \
    MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_CDF | MAGIC_NO_CHECK_APPTYPE | \
    MAGIC_NO_CHECK_JSON | MAGIC_NO_CHECK_CSV)

static magic_t
magic_load_one(int flags)
{
	magic_t m = magic_open(flags);

	if (m != NULL && magic_load(m, NULL) != 0) {
		magic_close(m);
		m = NULL;
	}
	return m;
}

/* Text that begins (after a BOM and white space) with a non-ASCII byte. */
static int
begins_with_prose(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	return i < n && p[i] >= 0x80;
}

/* Into j->r->mime; "application/octet-stream" when libmagic fails. */
static int
sniff_mime(struct extract_job *j)
{
	const char *t = NULL;
	size_t n = j->len < EXTRACT_SNIFF_BYTES ? j->len : EXTRACT_SNIFF_BYTES;

	pthread_mutex_lock(&magic_lock);
	if (magic_full == NULL && !magic_failed) {
		magic_full = magic_load_one(MAGIC_MIME_TYPE | MAGIC_SKIP);
		magic_quick = magic_load_one(MAGIC_MIME_TYPE | MAGIC_SKIP |
		    MAGIC_NO_CHECK_SOFT);
		magic_failed = magic_full == NULL || magic_quick == NULL;
	}
	if (!magic_failed) {
		t = magic_buffer(magic_quick, j->data, n);
		if (t == NULL || strncmp(t, "text/", 5) != 0 ||
		    !begins_with_prose(j->data, n))
			t = magic_buffer(magic_full, j->data, n);
	}
	snprintf(j->r->mime_buf, sizeof(j->r->mime_buf), "%s",
	    t != NULL ? t : "application/octet-stream");
	pthread_mutex_unlock(&magic_lock);
	j->r->mime = j->r->mime_buf;
	j->mime = j->r->mime;
	return 0;
}

struct zip_names {
	int docx, xlsx, pptx, mimetype, content;
};

static int
zip_name_seen(void *ctx, const char *name)
{
	struct zip_names *z = ctx;

	if (strcmp(name, "word/document.xml") == 0)
		z->docx = 1;
	else if (strcmp(name, "xl/workbook.xml") == 0 ||
	    strcmp(name, "xl/sharedStrings.xml") == 0)
		z->xlsx = 1;
	else if (strcmp(name, "ppt/presentation.xml") == 0 ||
	    strncmp(name, "ppt/slides/", 11) == 0)
		z->pptx = 1;
	else if (strcmp(name, "mimetype") == 0)
		z->mimetype = 1;
	else if (strcmp(name, "content.xml") == 0)
		z->content = 1;
	return 0; /* names only: no member is read */
}

static int
zip_never(void *ctx, const char *name, const void *p, size_t n)
{
	(void)ctx;
	(void)name;
	(void)p;
	(void)n;
	return 0;
}

/* A zip is told apart by its member names, not by libmagic's guess. */
static int
sniff_zip(struct extract_job *j)
{
	struct archive_io_limits al;
	struct zip_names z = {0, 0, 0, 0, 0};
	int rc;

	if (j->len < 4 || memcmp(j->data, "PK\003\004", 4) != 0)
		return 0;
	archive_io_limits_init(&al);
	al.max_entries = j->lim->max_entries;
	rc = archive_io_zip_each(
	    j->data, j->len, &al, zip_name_seen, zip_never, &z, j->e);
	if (rc < 0)
		return rc;
	if (z.docx)
		j->zip_kind = EXTRACT_ZIP_DOCX;
	else if (z.xlsx)
		j->zip_kind = EXTRACT_ZIP_XLSX;
	else if (z.pptx)
		j->zip_kind = EXTRACT_ZIP_PPTX;
	else if (z.mimetype && z.content)
		j->zip_kind = EXTRACT_ZIP_ODF;
	else
		j->zip_kind = EXTRACT_ZIP_PLAIN;
	return 0;
}

int
extract_mem(const void *p, size_t n, const char *hint,
    const struct extract_limits *lim, struct extract_result *r, struct err *e)
{
	struct extract_limits deflim;
	struct extract_job j;
	size_t i;
	int rc;

	if (lim == NULL) {
		extract_limits_init(&deflim);
		lim = &deflim;
	}
	buf_reset(&r->text);
	r->type = NULL;
	r->no_text_reason = NULL;
	r->truncated = 0;
	memset(&j, 0, sizeof(j));
	j.data = p;
	j.len = n;
	j.hint = hint;
	j.lim = lim;
	j.r = r;
	j.e = e;
	j.out = &r->text;
	clock_gettime(CLOCK_MONOTONIC, &j.start);
	if (n > lim->max_input)
		return err_set(e, DOSSIER_EBADINPUT,
		    "file is larger than %zu bytes", lim->max_input);
	if (n == 0) {
		r->no_text_reason = "empty file";
		return 0;
	}
	rc = sniff_mime(&j);
	if (rc == 0)
		rc = sniff_zip(&j);
	if (rc != 0)
		goto out;
	for (i = 0; i < sizeof(extractors) / sizeof(extractors[0]); i++) {
		if (!extractors[i].sniff(&j))
			continue;
		r->type = extractors[i].name;
		rc = extractors[i].run(&j);
		if (rc == EXTRACT_STOP)
			rc = 0;
		goto out;
	}
	r->no_text_reason = "no extractor for this type";
out:
	if (rc != 0)
		buf_reset(&r->text);
	else if (r->no_text_reason == NULL && r->text.len == 0)
		r->no_text_reason = "no text found";
	return rc;
}

int
extract_file(const char *path, const char *hint,
    const struct extract_limits *lim, struct extract_result *r, struct err *e)
{
	struct extract_limits deflim;
	struct buf data = BUF_INIT;
	unsigned char chunk[64 * 1024];
	struct stat st;
	ssize_t got;
	int fd, rc;

	if (lim == NULL) {
		extract_limits_init(&deflim);
		lim = &deflim;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_set(e, DOSSIER_EIO, "cannot open '%s': %s", path,
		    strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = err_set(e, DOSSIER_EIO, "cannot stat '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = err_set(
		    e, DOSSIER_EBADINPUT, "'%s' is not a regular file", path);
		goto out;
	}
	for (;;) {
		got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = err_set(e, DOSSIER_EIO, "cannot read '%s': %s",
			    path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		if ((size_t)got > lim->max_input - data.len) {
			rc = err_set(e, DOSSIER_EBADINPUT,
			    "'%s' is larger than %zu bytes", path,
			    lim->max_input);
			goto out;
		}
		if (buf_append(&data, chunk, (size_t)got) != 0) {
			rc = err_nomem(e);
			goto out;
		}
	}
	rc = extract_mem(
	    data.data, data.len, hint != NULL ? hint : path, lim, r, e);
out:
	buf_release(&data);
	close(fd);
	return rc;
}
