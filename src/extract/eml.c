/*
 * eml.c: an Internet message (.eml, message/rfc822): the Subject, From,
 * To, Cc and Date headers (RFC 2047 encoded words decoded), the text of
 * its text/plain and text/html parts (every multipart walked to a bounded
 * depth; of a multipart/alternative only the plain text, when there is
 * one), base64 and quoted-printable decoded, the declared charset
 * converted with iconv.  Attachments go through extract_mem() with what
 * is left of the text and time budgets; an attachment that cannot be
 * read is left out (r->truncated), the rest of the message stays.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dossier.h"
#include "extract_int.h"

/* Bytes of one header block (all the fields of one part). */
#define EML_MAX_HEADER (256u * 1024)
/* Bytes of a MIME boundary (RFC 2046 says 70). */
#define EML_MAX_BOUNDARY 200
/* Parts of a message, at every depth together. */
#define EML_MAX_PARTS 1000
/* multipart and message/rfc822 nesting inside one message. */
#define EML_MAX_DEPTH 16
/* Messages attached to messages, through extract_mem(). */
#define EML_MAX_NESTING 4
/* Bytes of a header value kept (Subject, a file name, ...). */
#define EML_MAX_VALUE 4096
/* Bytes of a charset or MIME type name. */
#define EML_MAX_TOKEN 64
/* Bytes converted per iconv() call. */
#define EML_CHUNK 4096
/* Bytes of an HTML part searched for a charset declaration. */
#define EML_HTML_SCAN 4096
/* Bytes looked at by the sniffer. */
#define EML_SNIFF_BYTES 8192

/* Depth of messages inside attachments on this thread. */
static _Thread_local unsigned eml_nesting;

struct eml {
	struct extract_job *j;
	size_t parts;
};

/* One part's headers, as far as we need them. */
struct mime {
	char type[EML_MAX_TOKEN]; /* lower case, "text/plain" by default */
	char charset[EML_MAX_TOKEN]; /* "" when not declared */
	char encoding[EML_MAX_TOKEN]; /* lower case transfer encoding */
	char boundary[EML_MAX_BOUNDARY + 1];
	struct buf name; /* decoded file name, UTF-8, maybe empty */
	int attachment; /* Content-Disposition: attachment */
};

/* A line of p[0..n) from *pos: returns its length without the EOL. */
static size_t
next_line(const unsigned char *p, size_t n, size_t *pos, size_t *start)
{
	const unsigned char *nl;
	size_t len;

	*start = *pos;
	nl = memchr(p + *pos, '\n', n - *pos);
	if (nl == NULL) {
		len = n - *pos;
		*pos = n;
	} else {
		len = (size_t)(nl - (p + *pos));
		*pos += len + 1;
	}
	if (len > 0 && p[*start + len - 1] == '\r')
		len--;
	return len;
}

/*
 * The header block of p[0..n): its length; *body is where the body
 * starts (n when there is none).  DOSSIER_EBADINPUT past EML_MAX_HEADER.
 */
static int
split_header(struct extract_job *j, const unsigned char *p, size_t n,
    size_t *hlen, size_t *body)
{
	size_t pos = 0, start, len;

	while (pos < n) {
		len = next_line(p, n, &pos, &start);
		if (len == 0) {
			*hlen = start;
			*body = pos;
			return 0;
		}
		if (pos > EML_MAX_HEADER)
			return err_set(j->e, DOSSIER_EBADINPUT,
			    "mail header longer than %u bytes", EML_MAX_HEADER);
	}
	*hlen = n;
	*body = n;
	return 0;
}

/*
 * The unfolded value of the first field called name in h[0..n), cut at
 * EML_MAX_VALUE bytes, into out.  Returns 1 when found.
 */
static int
header_get(const unsigned char *h, size_t n, const char *name, struct buf *out)
{
	size_t k = strlen(name), pos = 0, start, len, i;
	int found = 0;

	buf_reset(out);
	while (pos < n) {
		len = next_line(h, n, &pos, &start);
		if (found) {
			if (len == 0 || (h[start] != ' ' && h[start] != '\t'))
				break;
		} else {
			if (len <= k || h[start + k] != ':' ||
			    strncasecmp((const char *)h + start, name, k) != 0)
				continue;
			found = 1;
			start += k + 1;
			len -= k + 1;
		}
		for (i = 0; i < len && out->len < EML_MAX_VALUE; i++) {
			unsigned char c = h[start + i];

			if (c == '\t')
				c = ' ';
			if (c == ' ' && (out->len == 0 ||
			                    out->data[out->len - 1] == ' '))
				continue;
			if (buf_putc(out, c) != 0)
				return -1;
		}
	}
	while (out->len > 0 && out->data[out->len - 1] == ' ')
		out->data[--out->len] = '\0';
	return found;
}

/* Copies the token s[0..n) into dst (size m), lower case, trimmed. */
static void
token_copy(char *dst, size_t m, const char *s, size_t n)
{
	size_t i = 0;

	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '"')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	                    s[n - 1] == '"'))
		n--;
	for (; i < n && i + 1 < m; i++)
		dst[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	dst[i] = '\0';
}

/*
 * The value of parameter name in a "type; a=b; c="d"" header value, into
 * dst (size m); dst is "" when absent.  Values are taken as is (case
 * kept), quotes removed.
 */
static void
param_get(const char *v, const char *name, char *dst, size_t m)
{
	size_t k = strlen(name), i;
	const char *s = v, *end;
	char q;

	dst[0] = '\0';
	while ((s = strchr(s, ';')) != NULL) {
		s++;
		while (*s == ' ' || *s == '\t')
			s++;
		if (strncasecmp(s, name, k) != 0 || s[k] != '=')
			continue;
		s += k + 1;
		q = *s == '"' ? '"' : ';';
		if (q == '"')
			s++;
		end = strchr(s, q);
		if (end == NULL)
			end = s + strlen(s);
		if (q == ';')
			while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
				end--;
		for (i = 0; s + i < end && i + 1 < m; i++)
			dst[i] = s[i];
		dst[i] = '\0';
		return;
	}
}

/* GB2312 and GBK mail is often really GBK/GB18030: read the superset. */
static const char *
iconv_name(const char *charset)
{
	static const char *const gb[] = {"gb2312", "gbk", "x-gbk", "cp936",
	    "euc-cn", "x-euc-cn", "gb_2312-80", "csgb2312", "gb18030", NULL};
	size_t i;

	for (i = 0; gb[i] != NULL; i++)
		if (strcasecmp(charset, gb[i]) == 0)
			return "GB18030";
	return charset;
}

/*
 * Appends p[0..n) in charset to out as UTF-8; invalid bytes become
 * U+FFFD.  An unknown or undeclared charset appends the bytes as they
 * are (the caller guesses).  Returns 0 or -1 (out of memory).
 */
static int
conv_append(const char *charset, const unsigned char *p, size_t n,
    struct buf *out)
{
	static const unsigned char fffd[] = {0xef, 0xbf, 0xbd};
	char chunk[EML_CHUNK];
	char *in = (char *)(uintptr_t)p, *o;
	size_t inleft = n, oleft, r;
	iconv_t cd = (iconv_t)-1;
	int rc = 0;

	if (charset[0] != '\0' && strcasecmp(charset, "us-ascii") != 0 &&
	    strcasecmp(charset, "utf-8") != 0)
		cd = iconv_open("UTF-8", iconv_name(charset));
	if (cd == (iconv_t)-1)
		return buf_append(out, p, n);
	while (inleft > 0 && rc == 0) {
		o = chunk;
		oleft = sizeof(chunk);
		r = iconv(cd, &in, &inleft, &o, &oleft);
		if (buf_append(out, chunk, sizeof(chunk) - oleft) != 0)
			rc = -1;
		if (r != (size_t)-1 || errno == E2BIG || rc != 0)
			continue;
		/* EILSEQ, or EINVAL at the end: mark it, go on after it. */
		if (buf_append(out, fffd, sizeof(fffd)) != 0)
			rc = -1;
		in++;
		inleft--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv_close(cd);
	return rc;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Base64 of p[0..n) appended to out; other bytes are skipped. */
static int
b64_decode(const unsigned char *p, size_t n, struct buf *out)
{
	unsigned long acc = 0;
	size_t i;
	int bits = 0, v;

	if (buf_grow(out, n / 4 * 3 + 3) != 0)
		return -1;
	for (i = 0; i < n && p[i] != '='; i++) {
		v = b64val(p[i]);
		if (v < 0)
			continue;
		acc = (acc << 6 | (unsigned long)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (buf_putc(out, (unsigned char)(acc >> bits)) != 0)
				return -1;
		}
	}
	return 0;
}

/* Quoted-printable; in a header's Q encoding, '_' is a space. */
static int
qp_decode(const unsigned char *p, size_t n, int q_word, struct buf *out)
{
	size_t i;
	int hi, lo;
	unsigned char c;

	if (buf_grow(out, n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		c = p[i];
		if (c == '_' && q_word) {
			c = ' ';
		} else if (c == '=') {
			/* A soft line break, with white space allowed. */
			size_t k = i + 1;

			while (k < n && (p[k] == ' ' || p[k] == '\t'))
				k++;
			if (k < n && (p[k] == '\r' || p[k] == '\n')) {
				if (p[k] == '\r' && k + 1 < n && p[k + 1] == '\n')
					k++;
				i = k;
				continue;
			}
			hi = i + 1 < n ? hexval(p[i + 1]) : -1;
			lo = i + 2 < n ? hexval(p[i + 2]) : -1;
			if (hi >= 0 && lo >= 0) {
				c = (unsigned char)(hi << 4 | lo);
				i += 2;
			}
		}
		if (buf_putc(out, c) != 0)
			return -1;
	}
	return 0;
}

/* Decodes p[0..n) by its Content-Transfer-Encoding into out. */
static int
cte_decode(const char *enc, const unsigned char *p, size_t n, struct buf *out)
{
	buf_reset(out);
	if (strcmp(enc, "base64") == 0)
		return b64_decode(p, n, out);
	if (strcmp(enc, "quoted-printable") == 0)
		return qp_decode(p, n, 0, out);
	return buf_append(out, p, n);
}

/*
 * One encoded word "=?charset?B|Q?text?=" at s (a C string): decoded and
 * converted into out; returns its length, or 0 when s is not one.
 */
static size_t
encoded_word(const char *s, struct buf *out)
{
	char charset[EML_MAX_TOKEN];
	const char *cs, *q1, *text, *end;
	struct buf raw = BUF_INIT;
	size_t k;
	int rc, enc;

	if (s[0] != '=' || s[1] != '?')
		return 0;
	cs = s + 2;
	q1 = strchr(cs, '?');
	if (q1 == NULL || q1 == cs || (size_t)(q1 - cs) >= sizeof(charset))
		return 0;
	enc = q1[1];
	if ((enc != 'B' && enc != 'b' && enc != 'Q' && enc != 'q') ||
	    q1[2] != '?')
		return 0;
	text = q1 + 3;
	end = strstr(text, "?=");
	if (end == NULL)
		return 0;
	k = (size_t)(q1 - cs);
	memcpy(charset, cs, k);
	charset[k] = '\0';
	/* RFC 2231 language: "utf-8*zh-cn". */
	if (strchr(charset, '*') != NULL)
		*strchr(charset, '*') = '\0';
	if (enc == 'B' || enc == 'b')
		rc = b64_decode((const unsigned char *)text,
		    (size_t)(end - text), &raw);
	else
		rc = qp_decode((const unsigned char *)text,
		    (size_t)(end - text), 1, &raw);
	if (rc == 0)
		rc = conv_append(charset, raw.data, raw.len, out);
	buf_release(&raw);
	return rc == 0 ? (size_t)(end + 2 - s) : 0;
}

/* A header value with its encoded words decoded, into out. */
static int
decode_words(const char *s, struct buf *out)
{
	const char *gap = NULL;
	size_t k;

	buf_reset(out);
	while (*s != '\0') {
		k = encoded_word(s, out);
		if (k > 0) {
			s += k;
			/* White space between two encoded words is dropped. */
			gap = s;
			while (*s == ' ' || *s == '\t')
				s++;
			if (!(s[0] == '=' && s[1] == '?'))
				s = gap;
			continue;
		}
		if (buf_putc(out, (unsigned char)*s++) != 0)
			return -1;
	}
	return 0;
}

/* Puts text of an undeclared charset, a guess when it is not UTF-8. */
static int
put_text(struct extract_job *j, const unsigned char *p, size_t n)
{
	return n > 0 ? extract_txt_put_guessed(j, p, n) : 0;
}

static void
mime_init(struct mime *m)
{
	struct buf empty = BUF_INIT;

	memset(m, 0, sizeof(*m));
	m->name = empty;
}

/* Reads the MIME fields of the header block h[0..n) into m. */
static int
mime_parse(struct extract_job *j, const unsigned char *h, size_t n,
    const char *deftype, struct mime *m)
{
	char fname[EML_MAX_VALUE];
	struct buf v = BUF_INIT;
	const char *s;
	int rc = 0, found;

	snprintf(m->type, sizeof(m->type), "%s", deftype);
	found = header_get(h, n, "Content-Type", &v);
	if (found < 0)
		goto nomem;
	if (found) {
		s = buf_str(&v);
		token_copy(m->type, sizeof(m->type), s, strcspn(s, ";"));
		if (strchr(m->type, '/') == NULL)
			snprintf(m->type, sizeof(m->type), "%s", deftype);
		param_get(s, "charset", m->charset, sizeof(m->charset));
		param_get(s, "boundary", m->boundary, sizeof(m->boundary));
		param_get(s, "name", fname, sizeof(fname));
		if (fname[0] != '\0' && decode_words(fname, &m->name) != 0)
			goto nomem;
	}
	found = header_get(h, n, "Content-Transfer-Encoding", &v);
	if (found < 0)
		goto nomem;
	if (found)
		token_copy(m->encoding, sizeof(m->encoding), buf_str(&v), v.len);
	found = header_get(h, n, "Content-Disposition", &v);
	if (found < 0)
		goto nomem;
	if (found) {
		s = buf_str(&v);
		m->attachment = strncasecmp(s, "attachment", 10) == 0;
		param_get(s, "filename", fname, sizeof(fname));
		if (fname[0] != '\0' && decode_words(fname, &m->name) != 0)
			goto nomem;
	}
	goto out;
nomem:
	rc = err_nomem(j->e);
out:
	buf_release(&v);
	return rc;
}

/* "Subject: ..." and the like, decoded, one line each. */
static int
put_headers(struct extract_job *j, const unsigned char *h, size_t n)
{
	static const char *const names[] = {
	    "Subject", "From", "To", "Cc", "Date", NULL};
	struct buf v = BUF_INIT, d = BUF_INIT;
	size_t i;
	int rc = 0, found;

	for (i = 0; names[i] != NULL && rc == 0; i++) {
		found = header_get(h, n, names[i], &v);
		if (found < 0 || (found && decode_words(buf_str(&v), &d) != 0)) {
			rc = err_nomem(j->e);
			break;
		}
		if (!found || d.len == 0)
			continue;
		rc = extract_newline(j);
		if (rc == 0)
			rc = extract_put(j, names[i], strlen(names[i]));
		if (rc == 0)
			rc = extract_put(j, ": ", 2);
		if (rc == 0)
			rc = put_text(j, d.data, d.len);
		if (rc == 0)
			rc = extract_newline(j);
	}
	buf_release(&v);
	buf_release(&d);
	return rc;
}

static int walk_part(struct eml *o, const unsigned char *p, size_t n,
    unsigned depth, const char *deftype, int is_message);

/* Does the head of an HTML part declare its charset? */
static int
mentions_charset(const unsigned char *p, size_t n)
{
	static const char key[] = "charset";
	size_t i, k = sizeof(key) - 1;

	if (n > EML_HTML_SCAN)
		n = EML_HTML_SCAN;
	for (i = 0; i + k <= n; i++)
		if (strncasecmp((const char *)p + i, key, k) == 0)
			return 1;
	return 0;
}

/*
 * HTML through the HTML extractor, sharing this job's output.  A page
 * that declares its charset is read as it is; else it is converted from
 * the MIME charset and declared UTF-8 (libxml2 reads an undeclared page
 * as Latin-1).
 */
static int
put_html(struct extract_job *j, const struct mime *m, const unsigned char *p,
    size_t n)
{
	static const char meta[] = "<meta charset=\"utf-8\">";
	struct extract_job sub = *j;
	struct buf html = BUF_INIT;
	int rc;

	sub.data = p;
	sub.len = n;
	sub.mime = "text/html";
	if (!mentions_charset(p, n)) {
		if (buf_puts(&html, meta) != 0 ||
		    conv_append(m->charset, p, n, &html) != 0) {
			rc = err_nomem(j->e);
			goto out;
		}
		/* Undeclared and not UTF-8: the extractor guesses. */
		if (extract_txt_valid_as("UTF-8", html.data, html.len)) {
			sub.data = html.data;
			sub.len = html.len;
		}
	}
	rc = extract_newline(j);
	if (rc == 0)
		rc = extract_html_run(&sub);
	j->out_total = sub.out_total;
out:
	buf_release(&html);
	return rc;
}

/* Milliseconds left of the time budget (0 when spent). */
static unsigned
time_left(struct extract_job *j)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(now.tv_sec - j->start.tv_sec) * 1000 +
	    (now.tv_nsec - j->start.tv_nsec) / 1000000;
	return ms >= (long long)j->lim->time_ms
	    ? 0
	    : (unsigned)((long long)j->lim->time_ms - ms);
}

/* "Attachment: name" on its own line. */
static int
put_name(struct extract_job *j, const struct mime *m)
{
	int rc;

	rc = extract_newline(j);
	if (rc == 0)
		rc = extract_put(j, "Attachment: ", 12);
	if (rc == 0)
		rc = put_text(j, m->name.data, m->name.len);
	if (rc == 0)
		rc = extract_newline(j);
	return rc;
}

/*
 * An attachment through extract_mem() with what is left of the budgets.
 * One that cannot be read is left out and the text marked truncated.
 */
static int
put_attachment(struct extract_job *j, const struct mime *m,
    const unsigned char *p, size_t n)
{
	struct extract_limits lim = *j->lim;
	struct extract_result r;
	struct err e;
	int rc;

	if (m->name.len > 0) {
		rc = put_name(j, m);
		if (rc != 0)
			return rc;
	}
	if (n == 0 || strncmp(m->type, "image/", 6) == 0 ||
	    strncmp(m->type, "audio/", 6) == 0 ||
	    strncmp(m->type, "video/", 6) == 0)
		return 0;
	if (eml_nesting >= EML_MAX_NESTING) {
		j->r->truncated = 1;
		return 0;
	}
	lim.max_text = j->lim->max_text - j->out_total;
	lim.time_ms = time_left(j);
	if (lim.max_text == 0 || lim.time_ms == 0) {
		j->r->truncated = 1;
		return lim.max_text == 0 ? EXTRACT_STOP : extract_check_time(j);
	}
	extract_result_init(&r);
	err_clear(&e);
	eml_nesting++;
	rc = extract_mem(p, n, m->name.len > 0 ? buf_str(&m->name) : NULL, &lim,
	    &r, &e);
	eml_nesting--;
	if (rc == DOSSIER_ENOMEM) {
		rc = err_nomem(j->e);
	} else if (rc != 0) {
		/* Unreadable or hostile: left out. */
		j->r->truncated = 1;
		rc = 0;
	} else {
		if (r.truncated)
			j->r->truncated = 1;
		rc = extract_put(j, r.text.data, r.text.len);
		if (rc == 0)
			rc = extract_newline(j);
	}
	extract_result_release(&r);
	return rc;
}

/* Text parts in their charset; HTML through the HTML extractor. */
static int
put_body(struct extract_job *j, const struct mime *m, const unsigned char *p,
    size_t n)
{
	struct buf utf8 = BUF_INIT;
	int rc;

	/* Attached text is read here, in its declared charset. */
	if (m->attachment && m->name.len > 0) {
		rc = put_name(j, m);
		if (rc != 0)
			return rc;
	}
	if (strcmp(m->type, "text/html") == 0)
		return put_html(j, m, p, n);
	if (conv_append(m->charset, p, n, &utf8) != 0)
		return err_nomem(j->e);
	rc = extract_newline(j);
	if (rc == 0)
		rc = put_text(j, utf8.data, utf8.len);
	if (rc == 0)
		rc = extract_newline(j);
	buf_release(&utf8);
	return rc;
}

/* A part of a multipart body: where it starts and its length. */
struct span {
	size_t off, len;
};

/*
 * Is the line s[0..len) "--boundary" or "--boundary--", with trailing
 * white space only?
 */
static int
is_delimiter(const unsigned char *s, size_t len, const char *boundary,
    size_t k)
{
	size_t i = k + 2;

	if (len < k + 2 || s[0] != '-' || s[1] != '-' ||
	    memcmp(s + 2, boundary, k) != 0)
		return 0;
	if (i + 1 < len && s[i] == '-' && s[i + 1] == '-')
		i += 2;
	for (; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/*
 * Splits the body p[0..n) at the delimiter lines "--boundary" into at
 * most max spans; returns how many (the preamble and epilogue dropped).
 */
static size_t
split_multipart(const unsigned char *p, size_t n, const char *boundary,
    struct span *sp, size_t max, int *more)
{
	size_t k = strlen(boundary), pos = 0, start, len, count = 0;
	size_t part = 0;
	int open = 0;

	*more = 0;
	while (pos < n) {
		len = next_line(p, n, &pos, &start);
		if (!is_delimiter(p + start, len, boundary, k))
			continue;
		if (open) {
			/* The EOL before the delimiter belongs to it. */
			size_t end = start;

			if (end > part && p[end - 1] == '\n')
				end--;
			if (end > part && p[end - 1] == '\r')
				end--;
			if (count == max) {
				*more = 1;
				return count;
			}
			sp[count].off = part;
			sp[count].len = end - part;
			count++;
		}
		if (len >= k + 4 && p[start + k + 2] == '-' &&
		    p[start + k + 3] == '-')
			return count; /* the close delimiter */
		open = 1;
		part = pos;
	}
	/* No close delimiter: the last part runs to the end. */
	if (open && part < n) {
		if (count == max) {
			*more = 1;
			return count;
		}
		sp[count].off = part;
		sp[count].len = n - part;
		count++;
	}
	return count;
}

/* Is the part at p[0..n) text/plain (for multipart/alternative)? */
static int
part_is_plain(struct extract_job *j, const unsigned char *p, size_t n)
{
	struct mime m;
	size_t hlen, body;
	int plain;

	if (split_header(j, p, n, &hlen, &body) != 0)
		return 0;
	mime_init(&m);
	if (mime_parse(j, p, hlen, "text/plain", &m) != 0) {
		buf_release(&m.name);
		return 0;
	}
	plain = strcmp(m.type, "text/plain") == 0 && !m.attachment;
	buf_release(&m.name);
	return plain;
}

static int
walk_multipart(struct eml *o, const struct mime *m, const unsigned char *p,
    size_t n, unsigned depth)
{
	struct extract_job *j = o->j;
	struct span *sp;
	size_t count, i, max, pick = (size_t)-1;
	int alt, more, rc = 0;
	const char *deftype;

	max = EML_MAX_PARTS - o->parts;
	sp = calloc(max > 0 ? max : 1, sizeof(*sp));
	if (sp == NULL)
		return err_nomem(j->e);
	count = split_multipart(p, n, m->boundary, sp, max, &more);
	if (more)
		j->r->truncated = 1; /* past EML_MAX_PARTS: dropped */
	o->parts += count;
	alt = strcmp(m->type, "multipart/alternative") == 0;
	deftype = strcmp(m->type, "multipart/digest") == 0 ? "message/rfc822"
	                                                   : "text/plain";
	/* Of the alternatives, the plain text, else the last (richest). */
	if (alt && count > 0) {
		pick = count - 1;
		for (i = 0; i < count; i++) {
			if (part_is_plain(j, p + sp[i].off, sp[i].len)) {
				pick = i;
				break;
			}
		}
	}
	for (i = 0; i < count && rc == 0; i++) {
		if (alt && i != pick)
			continue;
		rc = walk_part(o, p + sp[i].off, sp[i].len, depth + 1, deftype,
		    0);
	}
	free(sp);
	return rc;
}

/*
 * One part (or the message itself when is_message): its headers, then
 * by type its text, its parts, or an attachment.
 */
static int
walk_part(struct eml *o, const unsigned char *p, size_t n, unsigned depth,
    const char *deftype, int is_message)
{
	struct extract_job *j = o->j;
	struct buf data = BUF_INIT;
	struct mime m;
	size_t hlen, body;
	int rc;

	mime_init(&m);
	if (depth > EML_MAX_DEPTH) {
		rc = err_set(j->e, DOSSIER_EBADINPUT,
		    "mail parts nested more than %u deep", EML_MAX_DEPTH);
		goto out;
	}
	rc = extract_check_time(j);
	if (rc == 0)
		rc = split_header(j, p, n, &hlen, &body);
	if (rc == 0)
		rc = mime_parse(j, p, hlen, deftype, &m);
	if (rc == 0 && is_message)
		rc = put_headers(j, p, hlen);
	if (rc != 0)
		goto out;
	p += body;
	n -= body;
	if (strncmp(m.type, "multipart/", 10) == 0 && m.boundary[0] != '\0') {
		rc = walk_multipart(o, &m, p, n, depth);
		goto out;
	}
	if (cte_decode(m.encoding, p, n, &data) != 0) {
		rc = err_nomem(j->e);
		goto out;
	}
	if (strcmp(m.type, "message/rfc822") == 0 ||
	    strcmp(m.type, "message/global") == 0)
		rc = walk_part(o, data.data, data.len, depth + 1, "text/plain",
		    1);
	else if (strcmp(m.type, "text/plain") == 0 ||
	    strcmp(m.type, "text/html") == 0)
		rc = put_body(j, &m, data.data, data.len);
	else
		rc = put_attachment(j, &m, data.data, data.len);
out:
	buf_release(&data);
	buf_release(&m.name);
	return rc;
}

/*
 * Does p[0..n) start with a header block that names at least two of the
 * fields every message has?  (libmagic calls some messages text/plain.)
 */
static int
looks_like_message(const unsigned char *p, size_t n)
{
	static const char *const known[] = {"from", "to", "subject", "date",
	    "message-id", "mime-version", "received", "return-path",
	    "content-type", "cc", "reply-to", NULL};
	size_t pos = 0, start, len, k, i;
	int hits = 0;

	if (n > EML_SNIFF_BYTES)
		n = EML_SNIFF_BYTES;
	while (pos < n) {
		len = next_line(p, n, &pos, &start);
		if (len == 0)
			break;
		if (p[start] == ' ' || p[start] == '\t') {
			if (start == 0)
				return 0;
			continue;
		}
		/* A field name: printable ASCII but ':', then ':'. */
		for (k = 0; k < len && p[start + k] > 32 && p[start + k] < 127 &&
		    p[start + k] != ':';
		     k++)
			;
		if (k == 0 || k == len || p[start + k] != ':')
			return 0;
		for (i = 0; known[i] != NULL; i++)
			if (strlen(known[i]) == k &&
			    strncasecmp((const char *)p + start, known[i], k) ==
			        0)
				hits++;
	}
	return hits >= 2;
}

int
extract_eml_sniff(const struct extract_job *j)
{
	if (strcmp(j->mime, "message/rfc822") == 0)
		return 1;
	return strncmp(j->mime, "text/", 5) == 0 &&
	    strcmp(j->mime, "text/html") != 0 &&
	    looks_like_message(j->data, j->len);
}

int
extract_eml_run(struct extract_job *j)
{
	struct eml o;

	o.j = j;
	o.parts = 0;
	j->r->type = "eml";
	return walk_part(&o, j->data, j->len, 0, "text/plain", 1);
}
