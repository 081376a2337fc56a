/*
 * docmeta.h: the metadata of a document and of a version, in memory and
 * as the JSON text that vault.c seals before it reaches the catalog.
 *
 * All strings are owned (malloc) and freed by docmeta_release() /
 * vermeta_release(); absent text is "" rather than NULL once decoded or
 * set.  Functions return DOSSIER_OK, DOSSIER_ENOMEM, or (decode)
 * DOSSIER_ECORRUPT.
 */
#ifndef DOSSIER_DOCMETA_H
#define DOSSIER_DOCMETA_H

#include <stddef.h>

struct buf;

struct docmeta_field {
	char *key;
	char *value;
};

struct docmeta {
	char *title;
	char *category;
	char *number;
	char *date; /* YYYY-MM-DD or "" */
	char **tags; /* sorted, unique */
	size_t ntags;
	struct docmeta_field *fields; /* sorted by key, unique keys */
	size_t nfields;
	char *delete_reason;
};

struct vermeta {
	char *filename;
	char *type;
	char *sha256;
	char *note;
	char *no_text; /* why no text could be extracted; "" when some was */
};

/* Sets every text to "". */
int docmeta_init(struct docmeta *m);
void docmeta_release(struct docmeta *m);
/* Replaces *slot with a copy of s. */
int docmeta_set(char **slot, const char *s);
/* Adds a tag (no-op when present) / removes one (no-op when absent). */
int docmeta_tag_add(struct docmeta *m, const char *tag);
void docmeta_tag_remove(struct docmeta *m, const char *tag);
/* Sets or replaces a field; removes one (no-op when absent). */
int docmeta_field_set(struct docmeta *m, const char *key, const char *value);
void docmeta_field_unset(struct docmeta *m, const char *key);

int docmeta_encode(const struct docmeta *m, struct buf *out);
int docmeta_decode(const char *json, size_t n, struct docmeta *m);

int vermeta_init(struct vermeta *v);
void vermeta_release(struct vermeta *v);
int vermeta_encode(const struct vermeta *v, struct buf *out);
int vermeta_decode(const char *json, size_t n, struct vermeta *v);

/*
 * An audit record's detail: a flat JSON object of string members, in the
 * order given.  docmeta_detail_put() appends one member to the object
 * being built in out (started empty); docmeta_detail_each() calls fn with
 * each member of a detail, stopping at fn's nonzero return (returned).
 * DOSSIER_ECORRUPT for text that is not such an object.
 */
int docmeta_detail_put(struct buf *out, const char *key, const char *value);
typedef int (*docmeta_detail_fn)(void *ctx, const char *key,
    const char *value);
int docmeta_detail_each(const char *json, size_t len, docmeta_detail_fn fn,
    void *ctx);

#endif
