/* query.c: see query.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dossier.h"
#include "query.h"
#include "tokenize.h"

/* One term as typed: text is a slice of the user's string. */
struct term {
	const char *text;
	size_t len;
	const char *col; /* FTS5 column, or NULL for all */
	int neg;
	int prefix;
	int is_or; /* a bare OR, operator or literal */
};

/* Scope names users type, and the index column each stands for. */
static const struct {
	const char *name;
	const char *col;
} scopes[] = {
    {"title", "title"},
    {"number", "number"},
    {"tag", "tags"},
    {"tags", "tags"},
    {"标题", "title"},
    {"编号", "number"},
    {"文号", "number"},
    {"标签", "tags"},
};

/* Length of the white space character at p (0 if none). */
static size_t
space_len(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	if (*u == ' ' || (*u >= '\t' && *u <= '\r'))
		return 1;
	if (u[0] == 0xC2 && u[1] == 0xA0) /* no-break space */
		return 2;
	if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) /* ideographic */
		return 3;
	return 0;
}

/* Length of an opening or closing quote at p: " “ ” (0 if none). */
static size_t
quote_len(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	if (*u == '"')
		return 1;
	if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x9C || u[2] == 0x9D))
		return 3;
	return 0;
}

static int
at_end(const char *p)
{
	return *p == '\0' || space_len(p) > 0;
}

/* A known scope at p followed by a colon and more: its column. */
static const char *
scope_at(const char **pp)
{
	const char *p = *pp;
	size_t i, n, c;

	for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		n = strlen(scopes[i].name);
		if (strncasecmp(p, scopes[i].name, n) != 0)
			continue;
		if (p[n] == ':')
			c = 1;
		else if (strncmp(p + n, "\xef\xbc\x9a", 3) == 0) /* ： */
			c = 3;
		else
			continue;
		if (at_end(p + n + c))
			continue;
		*pp = p + n + c;
		return scopes[i].col;
	}
	return NULL;
}

static int
stop_at_first(
    void *ctx, int flags, const char *tok, size_t len, size_t start, size_t end)
{
	(void)ctx;
	(void)flags;
	(void)tok;
	(void)len;
	(void)start;
	(void)end;
	return 1;
}

/* 1 if the term has something to index, 0 if not, or DOSSIER_ENOMEM. */
static int
has_tokens(const struct term *t)
{
	return tokenize_text(
	    t->text, t->len, TOKENIZE_QUERY, stop_at_first, NULL);
}

/* Splits user into terms; returns the count or a negative code. */
static int
split(const char *user, struct term *terms, struct err *e)
{
	const char *p = user;
	int n = 0;

	for (;;) {
		struct term t;
		size_t q;

		while (space_len(p) > 0)
			p += space_len(p);
		if (*p == '\0')
			break;
		memset(&t, 0, sizeof(t));
		if (*p == '-' && !at_end(p + 1)) {
			t.neg = 1;
			p++;
		}
		t.col = scope_at(&p);
		q = quote_len(p);
		if (q > 0) {
			/* A phrase: to the next quote, or the end. */
			p += q;
			t.text = p;
			while (*p != '\0' && quote_len(p) == 0)
				p++;
			t.len = (size_t)(p - t.text);
			p += quote_len(p);
			if (*p == '*') {
				t.prefix = 1;
				p++;
			}
		} else {
			t.text = p;
			while (!at_end(p))
				p++;
			t.len = (size_t)(p - t.text);
			if (t.len == 2 && memcmp(t.text, "OR", 2) == 0 &&
			    !t.neg && t.col == NULL)
				t.is_or = 1;
			else if (t.len > 1 && t.text[t.len - 1] == '*') {
				t.prefix = 1;
				t.len--;
			}
		}
		if (!t.is_or) {
			int rc = has_tokens(&t);

			if (rc < 0)
				return err_nomem(e);
			if (rc == 0)
				continue;
		}
		if (n == QUERY_MAX_TERMS)
			return err_set(e, DOSSIER_EUSAGE,
			    "too many search terms (at most %d)",
			    QUERY_MAX_TERMS);
		terms[n++] = t;
	}
	return n;
}

static int
put_term(struct buf *b, const struct term *t)
{
	size_t i;
	int rc = 0;

	if (t->col != NULL)
		rc |= buf_printf(b, "{%s} : ", t->col);
	rc |= buf_putc(b, '"');
	for (i = 0; i < t->len; i++) {
		if (t->text[i] == '"')
			rc |= buf_putc(b, '"');
		rc |= buf_putc(b, (unsigned char)t->text[i]);
	}
	rc |= buf_putc(b, '"');
	if (t->prefix)
		rc |= buf_puts(b, " *");
	return rc;
}

/* A positive term, or an OR that is taken literally. */
static int
is_positive(const struct term *t)
{
	return t != NULL && !t->neg && !t->is_or;
}

int
query_build(const char *user, struct buf *match, struct err *e)
{
	struct term *terms = NULL;
	struct buf out = BUF_INIT;
	int n, i, j, ngroups = 0, nneg = 0, rc;

	if (strlen(user) > QUERY_MAX_BYTES)
		return err_set(e, DOSSIER_EUSAGE,
		    "search query too long (at most %d bytes)",
		    QUERY_MAX_BYTES);
	terms = calloc(QUERY_MAX_TERMS, sizeof(*terms));
	if (terms == NULL)
		return err_nomem(e);
	n = split(user, terms, e);
	if (n < 0) {
		rc = n;
		goto out;
	}
	/*
	 * An OR is an operator only between two positive terms; otherwise
	 * it is the word "or".  Operators stay marked is_or.
	 */
	for (i = 0; i < n; i++) {
		if (!terms[i].is_or)
			continue;
		if (i > 0 && is_positive(&terms[i - 1]) && i + 1 < n &&
		    is_positive(&terms[i + 1]))
			continue;
		terms[i].is_or = 0;
	}
	for (i = 0; i < n; i++) {
		if (terms[i].neg)
			nneg++;
		else if (!terms[i].is_or && (i == 0 || !terms[i - 1].is_or))
			ngroups++;
	}
	if (ngroups == 0 && nneg > 0) {
		rc = err_set(e, DOSSIER_EUSAGE,
		    "nothing to search for: exclusions need a term to look "
		    "for");
		goto out;
	}
	if (ngroups == 0) {
		rc = err_set(e, DOSSIER_EUSAGE, "nothing to search for");
		goto out;
	}
	rc = 0;
	if (nneg > 0 && ngroups > 1)
		rc |= buf_putc(&out, '(');
	/* The positive groups: runs of terms joined by OR operators. */
	for (i = 0, j = 0; i < n; i++) {
		int group;

		if (terms[i].neg || terms[i].is_or)
			continue;
		if (i > 0 && terms[i - 1].is_or) {
			rc |= buf_puts(&out, " OR ");
		} else {
			if (j++ > 0)
				rc |= buf_puts(&out, " AND ");
			group = i + 1 < n && terms[i + 1].is_or;
			if (group)
				rc |= buf_putc(&out, '(');
		}
		if (terms[i].col != NULL)
			rc |= buf_putc(&out, '(');
		rc |= put_term(&out, &terms[i]);
		if (terms[i].col != NULL)
			rc |= buf_putc(&out, ')');
		if (i > 0 && terms[i - 1].is_or &&
		    !(i + 1 < n && terms[i + 1].is_or))
			rc |= buf_putc(&out, ')');
	}
	if (nneg > 0 && ngroups > 1)
		rc |= buf_putc(&out, ')');
	for (i = 0; i < n; i++) {
		if (!terms[i].neg)
			continue;
		rc |= buf_puts(&out, " NOT ");
		if (terms[i].col != NULL)
			rc |= buf_putc(&out, '(');
		rc |= put_term(&out, &terms[i]);
		if (terms[i].col != NULL)
			rc |= buf_putc(&out, ')');
	}
	if (rc != 0 || buf_append(match, out.data, out.len) != 0) {
		rc = err_nomem(e);
		goto out;
	}
	rc = DOSSIER_OK;
out:
	buf_release(&out);
	free(terms);
	return rc;
}
