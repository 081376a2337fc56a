/*
 * policy.h: who may do what, as a pure function of certified user rows,
 * signed grant rows and the document in question.  Clearance is not
 * decided here: it is a matter of which level keys a user holds.
 */
#ifndef DOSSIER_POLICY_H
#define DOSSIER_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

/* The acting user. */
struct policy_subject {
	const char *name;
	const char *role;
	const char *const *groups; /* without the '@' */
	size_t ngroups;
};

/* One grant: perms for principal ("name" or "@group") on a doc or category. */
struct policy_grant {
	const char *principal;
	unsigned perms;
	int64_t doc;		      /* 0: a category grant */
	unsigned char cat_mac[CRYPTO_HASH_LEN]; /* keyed hash of the category */
};

/* What is acted on: a document, or (doc 0) a category to file into. */
struct policy_object {
	int64_t doc;
	const unsigned char *cat_mac; /* NULL: no category */
	int restricted;
};

/* Role defaults; 0 for an unknown role. */
unsigned policy_role_perms(const char *role);
int policy_role_valid(const char *role);

/*
 * The permissions subject has on object: the role's defaults (unless the
 * document is restricted) plus every grant to the user or one of their
 * groups that names the document or its category.  The admin role has
 * every permission everywhere.
 */
unsigned policy_effective(const struct policy_subject *s,
    const struct policy_object *o, const struct policy_grant *g, size_t n);

/* Does principal ("name" or "@group") name subject s? */
int policy_names(const struct policy_subject *s, const char *principal);

#endif
