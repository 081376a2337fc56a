/*
 * vault_grants.c: grants of permissions to users and groups on documents
 * and categories, and restriction of documents to explicit grants.  Rows
 * are covered by the signed policy digest (vault_policy.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault_int.h"

static int
check_principal(struct dossier *d, const char *principal)
{
	struct catalog_user u;
	int rc;

	if (principal == NULL || principal[0] == '\0')
		return err_set(&d->err, DOSSIER_EUSAGE, "no user or group given");
	if (principal[0] == '@') {
		rc = vault_check_user_name(&d->err, principal + 1);
		return rc == DOSSIER_OK ? rc : err_set(&d->err, rc,
		    "invalid group name '%s'", principal);
	}
	return catalog_user_get(d->cat, principal, &u, &d->err);
}

/* Fills the key of a grant row: principal and doc, or category's hash. */
static int
grant_key(struct dossier *d, struct catalog_grant *g, const char *principal,
    int64_t doc, const char *category)
{
	struct catalog_doc row;
	int rc;

	memset(g, 0, sizeof(*g));
	if ((doc != 0) == (category != NULL && category[0] != '\0'))
		return err_set(&d->err, DOSSIER_EUSAGE,
		    "give exactly one of a document and a category");
	snprintf(g->principal, sizeof(g->principal), "%s", principal);
	g->doc = doc;
	if (doc != 0) {
		memset(&row, 0, sizeof(row));
		rc = catalog_doc_get(d->cat, doc, &row, &d->err);
		buf_release(&row.meta);
		return rc;
	}
	rc = vault_check_text(d, "category", category, VAULT_TEXT_MAX, 0);
	if (rc == DOSSIER_OK)
		rc = vault_category_mac(d, category, g->cat_mac);
	if (rc == DOSSIER_OK)
		rc = vault_seal_text(d, "grant-category", 0, category,
		    &g->category);
	return rc;
}

static int
change_grant(struct dossier *d, const char *principal, unsigned perms,
    int64_t doc, const char *category, int add)
{
	struct catalog_grant g;
	unsigned old;
	int rc;

	memset(&g, 0, sizeof(g));
	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, add ? "grant" : "revoke", doc);
	rc = vault_op_detail(d, "to", principal != NULL ? principal : "");
	if (rc == DOSSIER_OK)
		rc = vault_op_detail_int(d, "permissions", perms);
	if (rc == DOSSIER_OK && category != NULL)
		rc = vault_op_detail(d, "category", category);
	if (rc == DOSSIER_OK)
		rc = vault_require(d, DOSSIER_PERM_ADMIN, add ? "grant" :
		    "revoke", 0, NULL);
	if (rc == DOSSIER_OK && (perms == 0 || (perms & ~DOSSIER_PERM_ALL)))
		rc = err_set(&d->err, DOSSIER_EUSAGE, "no permission given");
	/* Vault-wide powers come with a role, never with a grant. */
	if (rc == DOSSIER_OK && (perms & (DOSSIER_PERM_ADMIN |
	    DOSSIER_PERM_AUDIT | DOSSIER_PERM_BACKUP)))
		rc = err_set(&d->err, DOSSIER_EUSAGE,
		    "'admin', 'audit' and 'backup' come with a role: they "
		    "cannot be granted on a document or category");
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	rc = vault_policy_begin(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	rc = check_principal(d, principal);
	if (rc == DOSSIER_OK)
		rc = grant_key(d, &g, principal, doc, category);
	if (rc == DOSSIER_OK)
		rc = catalog_grant_get(d->cat, &g, &d->err);
	if (rc == DOSSIER_OK) {
		old = g.perms;
		g.perms = add ? old | perms : old & ~perms;
		snprintf(g.granted_by, sizeof(g.granted_by), "%s",
		    d->user.name);
		g.granted = vault_now();
		if (g.perms != old)
			rc = catalog_grant_put(d->cat, &g, &d->err);
	}
	if (rc == DOSSIER_OK)
		rc = vault_policy_sign(d);
	rc = vault_audit_commit(d, rc);
	if (rc == DOSSIER_OK)
		rc = vault_policy_load(d);
	buf_release(&g.category);
	return vault_done(d, rc);
}

int
dossier_grant(struct dossier *d, const char *principal, unsigned perms,
    int64_t doc, const char *category)
{
	return change_grant(d, principal, perms, doc, category, 1);
}

int
dossier_revoke(struct dossier *d, const char *principal, unsigned perms,
    int64_t doc, const char *category)
{
	return change_grant(d, principal, perms, doc, category, 0);
}

struct each_grant {
	struct dossier *d;
	const char *principal;
	dossier_grant_fn fn;
	void *ctx;
};

static int
each_grant(void *ctx, const struct catalog_grant *g)
{
	struct each_grant *e = ctx;
	struct dossier_grant_info info;
	struct buf cat = BUF_INIT;
	int rc = DOSSIER_OK;

	if (e->principal != NULL && strcmp(e->principal, g->principal) != 0)
		return 0;
	if (g->doc == 0)
		rc = vault_open_text(e->d, "grant-category", 0, &g->category,
		    &cat);
	if (rc == DOSSIER_OK) {
		info.principal = g->principal;
		info.perms = g->perms;
		info.doc = g->doc;
		info.category = buf_str(&cat);
		info.granted_by = g->granted_by;
		info.granted = g->granted;
		rc = e->fn(e->ctx, &info);
	}
	buf_release(&cat);
	return rc;
}

int
dossier_grant_each(struct dossier *d, const char *principal,
    dossier_grant_fn fn, void *ctx)
{
	struct each_grant e = { d, principal, fn, ctx };
	int rc;

	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "grant list", 0);
	if (principal == NULL || strcmp(principal, d->user.name) != 0)
		rc = vault_require(d, DOSSIER_PERM_ADMIN, "grant list", 0,
		    NULL);
	if (rc == DOSSIER_OK)
		rc = vault_audit_own(d, "allowed");
	if (rc == DOSSIER_OK)
		rc = catalog_grants_each(d->cat, each_grant, &e, &d->err);
	return vault_done(d, rc);
}

int
dossier_restrict(struct dossier *d, int64_t id, int on)
{
	struct catalog_doc row;
	int rc;

	memset(&row, 0, sizeof(row));
	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, on ? "restrict" : "unrestrict", id);
	rc = vault_require(d, DOSSIER_PERM_ADMIN, "restrict", 0, NULL);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	rc = vault_policy_begin(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	rc = catalog_doc_get(d->cat, id, &row, &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_restrict_set(d->cat, id, on, d->user.name,
		    vault_now(), &d->err);
	if (rc == DOSSIER_OK)
		rc = vault_policy_sign(d);
	if (rc == DOSSIER_OK)
		vault_op_target(d, id, row.version, row.level);
	rc = vault_audit_commit(d, rc);
	if (rc == DOSSIER_OK)
		rc = vault_policy_load(d);
	buf_release(&row.meta);
	return vault_done(d, rc);
}
