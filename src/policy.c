/* policy.c: roles, grants, restriction.  See policy.h. */
#include <string.h>

#include "dossier.h"
#include "policy.h"

static const struct {
	const char *role;
	unsigned perms;
} roles[] = {
	{ "admin", DOSSIER_PERM_ALL },
	{ "clerk", DOSSIER_PERM_READ | DOSSIER_PERM_FILE | DOSSIER_PERM_EDIT |
	    DOSSIER_PERM_EXPORT },
	{ "viewer", DOSSIER_PERM_READ },
	{ "auditor", DOSSIER_PERM_AUDIT },
	{ "backup", DOSSIER_PERM_BACKUP },
};

unsigned
policy_role_perms(const char *role)
{
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(role, roles[i].role) == 0)
			return roles[i].perms;
	return 0;
}

int
policy_role_valid(const char *role)
{
	return policy_role_perms(role) != 0;
}

int
policy_names(const struct policy_subject *s, const char *principal)
{
	size_t i;

	if (principal[0] != '@')
		return strcmp(principal, s->name) == 0;
	for (i = 0; i < s->ngroups; i++)
		if (strcmp(principal + 1, s->groups[i]) == 0)
			return 1;
	return 0;
}

unsigned
policy_effective(const struct policy_subject *s,
    const struct policy_object *o, const struct policy_grant *g, size_t n)
{
	unsigned perms;
	size_t i;

	if (strcmp(s->role, "admin") == 0)
		return DOSSIER_PERM_ALL;
	perms = o->restricted ? 0 : policy_role_perms(s->role);
	for (i = 0; i < n; i++) {
		if (!policy_names(s, g[i].principal))
			continue;
		if (g[i].doc != 0 ? g[i].doc == o->doc && o->doc != 0 :
		    o->cat_mac != NULL && crypto_equal(g[i].cat_mac, o->cat_mac,
		    CRYPTO_HASH_LEN))
			perms |= g[i].perms;
	}
	return perms;
}
