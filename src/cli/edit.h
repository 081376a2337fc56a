/*
 * edit.h: the metadata options "add" and "meta" share (--title,
 * --category, --tag, --level, --number, --date, --field, --unset-field),
 * gathered into a struct dossier_meta_edit.
 */
#ifndef CLI_EDIT_H
#define CLI_EDIT_H

#include <stddef.h>

#include "dossier.h"

struct cli;

/* Option ids; put EDIT_OPTIONS into a command's option table. */
enum {
	EDIT_TITLE = 200,
	EDIT_CATEGORY,
	EDIT_TAG,
	EDIT_LEVEL,
	EDIT_NUMBER,
	EDIT_DATE,
	EDIT_FIELD,
	EDIT_UNSET_FIELD
};

/* clang-format off */
#define EDIT_OPTIONS \
	{"title", 0, 1, EDIT_TITLE}, \
	{"category", 0, 1, EDIT_CATEGORY}, \
	{"tag", 0, 1, EDIT_TAG}, \
	{"level", 0, 1, EDIT_LEVEL}, \
	{"number", 0, 1, EDIT_NUMBER}, \
	{"date", 0, 1, EDIT_DATE}, \
	{"field", 0, 1, EDIT_FIELD}
/* clang-format on */

struct edit {
	struct dossier_meta_edit e; /* points into the arrays below */
	const char **tags_add;
	const char **tags_remove;
	struct dossier_field *fields;
	const char **unset_fields;
	int changes; /* options taken */
};

/*
 * Prepares ed for at most argc options of each kind.  Returns CLI_EXIT_OK
 * or an exit status after reporting (out of memory).
 */
int edit_init(struct edit *ed, int argc);

/*
 * Takes option id with value arg (split in place for --field).  With
 * signed_tags, "--tag +T" adds and "--tag -T" removes (no sign: adds).
 * Returns CLI_EXIT_OK, or a usage error after reporting it.
 */
int edit_option(
    const struct cli *c, struct edit *ed, int id, char *arg, int signed_tags);

void edit_release(struct edit *ed);

#endif /* CLI_EDIT_H */
