/*
 * vault_policy.c: the policy rows (user certificates, grants,
 * restrictions) as the acting user sees them, their signed digest, and
 * the permission checks every operation makes.
 *
 * Every row that decides who may do what is covered by one digest that an
 * administrator signs whenever policy changes.  Unlock recomputes it: a
 * row inserted, changed or deleted outside dossier makes every command
 * refuse the vault (DOSSIER_ECORRUPT) instead of obeying the edited row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault_int.h"

#define POLICY_DOMAIN "dossier-policy-v1"
#define POLICY_SIG_DOMAIN "dossier-policy-sig-v1"
#define POLICY_KEY "policy_sig"
#define CERT_DEPTH_MAX 16

void
vault_policy_free(struct dossier *d)
{
	size_t i;

	for (i = 0; i < d->ngroups; i++)
		free(d->groups[i]);
	d->ngroups = 0;
	for (i = 0; i < d->ngrants; i++)
		free((char *)(uintptr_t)d->grants[i].principal);
	free(d->grants);
	d->grants = NULL;
	d->ngrants = 0;
	free(d->restricted);
	d->restricted = NULL;
	d->nrestricted = 0;
}

int
vault_verify_cert(struct dossier *d, const struct catalog_user *u)
{
	struct catalog_user cu = *u, certifier;
	struct keys_cert c;
	struct buf msg = BUF_INIT;
	int depth, rc;

	for (depth = 0; depth < CERT_DEPTH_MAX; depth++) {
		if (strcmp(cu.certifier, cu.name) == 0) {
			/* Only the pinned root administrator certifies itself. */
			if (!crypto_equal(cu.ed_pub, d->root_pub,
			    sizeof(d->root_pub)))
				return err_set(&d->err, DOSSIER_ECORRUPT,
				    "user '%s' is self-certified but is not "
				    "the vault's root administrator", cu.name);
			certifier = cu;
		} else if (catalog_user_get(d->cat, cu.certifier, &certifier,
		    &d->err) != DOSSIER_OK) {
			return err_set(&d->err, DOSSIER_ECORRUPT,
			    "the certifier '%s' of user '%s' is missing",
			    cu.certifier, cu.name);
		}
		if (strcmp(certifier.role, "admin") != 0)
			return err_set(&d->err, DOSSIER_ECORRUPT,
			    "user '%s' was certified by '%s', who is not an "
			    "administrator", cu.name, cu.certifier);
		/* Nobody certifies a clearance above their own. */
		if (certifier.clearance < cu.clearance)
			return err_set(&d->err, DOSSIER_ECORRUPT,
			    "user '%s' was cleared for %s by '%s', who is not "
			    "cleared for it", cu.name,
			    dossier_level_name(cu.clearance, 0), cu.certifier);
		buf_reset(&msg);
		vault_cert_of(&cu, &c);
		rc = keys_cert_bytes(d->vault_id, &c, &msg);
		if (rc == DOSSIER_OK)
			rc = crypto_ed25519_verify(certifier.ed_pub, msg.data,
			    msg.len, cu.cert);
		if (rc != DOSSIER_OK) {
			buf_release(&msg);
			return err_set(&d->err, rc == DOSSIER_ECORRUPT ? rc :
			    DOSSIER_EINTERNAL, "the certificate of user '%s' "
			    "does not verify: the user row was altered",
			    cu.name);
		}
		if (strcmp(cu.certifier, cu.name) == 0)
			break;
		cu = certifier;
	}
	buf_release(&msg);
	if (depth == CERT_DEPTH_MAX)
		return err_set(&d->err, DOSSIER_ECORRUPT,
		    "the certificate chain of user '%s' is too long", u->name);
	return DOSSIER_OK;
}

/* The digest of every policy row, in a fixed order. */
struct digest {
	struct dossier *d;
	struct crypto_hash *h;
	struct buf b;
};

static int
feed(struct digest *g)
{
	int rc = crypto_hash_update(g->h, g->b.data, g->b.len);

	buf_reset(&g->b);
	return rc;
}

static int
digest_user(void *ctx, const struct catalog_user *u)
{
	struct digest *g = ctx;
	struct keys_cert c;

	vault_cert_of(u, &c);
	if (buf_puts(&g->b, "user") != 0 ||
	    keys_cert_bytes(g->d->vault_id, &c, &g->b) != DOSSIER_OK ||
	    buf_put_lv(&g->b, u->cert, sizeof(u->cert)) != 0)
		return err_nomem(&g->d->err);
	return feed(g);
}

static int
digest_grant(void *ctx, const struct catalog_grant *r)
{
	struct digest *g = ctx;

	if (buf_puts(&g->b, "grant") != 0 ||
	    buf_put_lv(&g->b, r->principal, strlen(r->principal)) != 0 ||
	    buf_put_u64(&g->b, (uint64_t)r->doc) != 0 ||
	    buf_put_lv(&g->b, r->cat_mac, sizeof(r->cat_mac)) != 0 ||
	    buf_put_u32(&g->b, r->perms) != 0 ||
	    buf_put_lv(&g->b, r->category.data, r->category.len) != 0 ||
	    buf_put_lv(&g->b, r->granted_by, strlen(r->granted_by)) != 0 ||
	    buf_put_u64(&g->b, (uint64_t)r->granted) != 0)
		return err_nomem(&g->d->err);
	return feed(g);
}

static int
digest_restriction(void *ctx, int64_t doc, const char *by, int64_t at)
{
	struct digest *g = ctx;

	if (buf_puts(&g->b, "restriction") != 0 ||
	    buf_put_u64(&g->b, (uint64_t)doc) != 0 ||
	    buf_put_lv(&g->b, by, strlen(by)) != 0 ||
	    buf_put_u64(&g->b, (uint64_t)at) != 0)
		return err_nomem(&g->d->err);
	return feed(g);
}

static int
digest_level_key(void *ctx, int level, uint32_t version, int64_t created)
{
	struct digest *g = ctx;

	if (buf_puts(&g->b, "level_key") != 0 ||
	    buf_put_u32(&g->b, (uint32_t)level) != 0 ||
	    buf_put_u32(&g->b, version) != 0 ||
	    buf_put_u64(&g->b, (uint64_t)created) != 0)
		return err_nomem(&g->d->err);
	return feed(g);
}

static int
policy_digest(struct dossier *d, unsigned char out[CRYPTO_HASH_LEN])
{
	struct digest g = { d, NULL, BUF_INIT };
	int rc;

	rc = crypto_hash_new(&g.h, NULL, 0);
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "cannot hash the policy");
	if (buf_put_lv(&g.b, POLICY_DOMAIN, strlen(POLICY_DOMAIN)) != 0 ||
	    buf_put_lv(&g.b, d->vault_id, sizeof(d->vault_id)) != 0)
		rc = err_nomem(&d->err);
	if (rc == DOSSIER_OK)
		rc = feed(&g);
	if (rc == DOSSIER_OK)
		rc = catalog_users_each(d->cat, digest_user, &g, &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_grants_each(d->cat, digest_grant, &g, &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_restrictions_each(d->cat, digest_restriction, &g,
		    &d->err);
	/* Key versions too: deleting a rotation's row would undo it. */
	if (rc == DOSSIER_OK)
		rc = catalog_level_keys_each(d->cat, digest_level_key, &g,
		    &d->err);
	if (rc == DOSSIER_OK && crypto_hash_final(g.h, out) != DOSSIER_OK)
		rc = err_set(&d->err, DOSSIER_EINTERNAL,
		    "cannot hash the policy");
	crypto_hash_free(g.h);
	buf_release(&g.b);
	return rc;
}

static int
sig_message(struct dossier *d, const unsigned char *digest, struct buf *msg)
{
	if (buf_put_lv(msg, POLICY_SIG_DOMAIN, strlen(POLICY_SIG_DOMAIN)) != 0 ||
	    buf_put_lv(msg, d->vault_id, sizeof(d->vault_id)) != 0 ||
	    buf_put_lv(msg, digest, CRYPTO_HASH_LEN) != 0)
		return err_nomem(&d->err);
	return DOSSIER_OK;
}

int
vault_policy_sign(struct dossier *d)
{
	unsigned char digest[CRYPTO_HASH_LEN], sig[CRYPTO_ED25519_SIG_LEN];
	struct buf msg = BUF_INIT, row = BUF_INIT;
	int rc;

	if (strcmp(d->user.role, "admin") != 0)
		return err_set(&d->err, DOSSIER_EDENIED,
		    "only an administrator signs the policy");
	rc = policy_digest(d, digest);
	if (rc == DOSSIER_OK)
		rc = sig_message(d, digest, &msg);
	if (rc == DOSSIER_OK &&
	    crypto_ed25519_sign(d->secret + CRYPTO_X25519_LEN, msg.data,
	    msg.len, sig) != DOSSIER_OK)
		rc = err_set(&d->err, DOSSIER_EINTERNAL,
		    "cannot sign the policy");
	if (rc == DOSSIER_OK &&
	    (buf_put_lv(&row, d->user.name, strlen(d->user.name)) != 0 ||
	    buf_append(&row, sig, sizeof(sig)) != 0))
		rc = err_nomem(&d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_kv_set(d->cat, POLICY_KEY, row.data, row.len,
		    &d->err);
	buf_release(&msg);
	buf_release(&row);
	return rc;
}

/* vault_policy_verify(): the rows were edited (not a dossier code). */
#define EDITED 1

/* Checks the stored policy signature against the rows as they are. */
int
vault_policy_verify(struct dossier *d)
{
	unsigned char digest[CRYPTO_HASH_LEN];
	char signer[CATALOG_NAME_MAX + 1];
	struct catalog_user su;
	struct buf row = BUF_INIT, msg = BUF_INIT;
	size_t n;
	int rc;

	rc = catalog_kv_get(d->cat, POLICY_KEY, &row, &d->err);
	if (rc != DOSSIER_OK)
		goto out;
	n = row.len >= 4 ? be32_get(row.data) : SIZE_MAX;
	if (n > CATALOG_NAME_MAX || row.len != 4 + n + CRYPTO_ED25519_SIG_LEN) {
		rc = err_set(&d->err, DOSSIER_ECORRUPT,
		    "the policy signature of '%s' is malformed", d->root);
		goto out;
	}
	memcpy(signer, row.data + 4, n);
	signer[n] = '\0';
	/*
	 * A signer who is missing or no administrator, or a signature that
	 * does not verify, means edited rows; a catalog that cannot be read
	 * (a damaged page) keeps its own message.
	 */
	rc = catalog_user_get(d->cat, signer, &su, &d->err);
	if (rc == DOSSIER_ENOTFOUND || (rc == DOSSIER_OK &&
	    (strcmp(su.role, "admin") != 0 || su.disabled)))
		rc = EDITED;
	if (rc == DOSSIER_OK)
		rc = vault_verify_cert(d, &su);
	if (rc == DOSSIER_OK)
		rc = policy_digest(d, digest);
	if (rc == DOSSIER_OK)
		rc = sig_message(d, digest, &msg);
	if (rc == DOSSIER_OK && crypto_ed25519_verify(su.ed_pub, msg.data,
	    msg.len, row.data + 4 + n) != DOSSIER_OK)
		rc = EDITED;
	if (rc == EDITED)
		rc = err_set(&d->err, DOSSIER_ECORRUPT,
		    "the users, grants or restrictions of '%s' were changed "
		    "outside dossier: refusing them", d->root);
out:
	buf_release(&row);
	buf_release(&msg);
	return rc;
}

int
vault_policy_begin(struct dossier *d)
{
	int rc;

	rc = catalog_begin(d->cat, &d->err);
	if (rc != DOSSIER_OK)
		return rc;
	/*
	 * Under the write lock, the rows must still be the signed ones:
	 * signing anew must not bless an edit made outside dossier.
	 */
	rc = vault_policy_verify(d);
	if (rc != DOSSIER_OK)
		catalog_rollback(d->cat);
	return rc;
}

struct load {
	struct dossier *d;
};

static int
load_grant(void *ctx, const struct catalog_grant *g)
{
	struct dossier *d = ((struct load *)ctx)->d;
	struct policy_grant *ng;
	char *p;

	ng = realloc(d->grants, (d->ngrants + 1) * sizeof(*ng));
	if (ng == NULL)
		return err_nomem(&d->err);
	d->grants = ng;
	p = strdup(g->principal);
	if (p == NULL)
		return err_nomem(&d->err);
	ng[d->ngrants].principal = p;
	ng[d->ngrants].perms = g->perms;
	ng[d->ngrants].doc = g->doc;
	memcpy(ng[d->ngrants].cat_mac, g->cat_mac, CRYPTO_HASH_LEN);
	d->ngrants++;
	return 0;
}

static int
load_restriction(void *ctx, int64_t doc, const char *by, int64_t at)
{
	struct dossier *d = ((struct load *)ctx)->d;
	int64_t *nr;

	(void)by;
	(void)at;
	nr = realloc(d->restricted, (d->nrestricted + 1) * sizeof(*nr));
	if (nr == NULL)
		return err_nomem(&d->err);
	d->restricted = nr;
	nr[d->nrestricted++] = doc; /* the catalog returns them sorted */
	return 0;
}

static int
split_groups(struct dossier *d)
{
	char list[CATALOG_GROUPS_MAX + 1], *p, *comma;

	snprintf(list, sizeof(list), "%s", d->user.groups);
	for (p = list; *p != '\0' && d->ngroups < 64; p = comma + 1) {
		comma = strchr(p, ',');
		if (comma != NULL)
			*comma = '\0';
		d->groups[d->ngroups] = strdup(p);
		if (d->groups[d->ngroups] == NULL)
			return err_nomem(&d->err);
		d->ngroups++;
		if (comma == NULL)
			break;
	}
	return DOSSIER_OK;
}

int
vault_policy_load(struct dossier *d)
{
	struct load l = { d };
	int rc;

	vault_policy_free(d);
	rc = vault_policy_verify(d);
	if (rc == DOSSIER_OK)
		rc = split_groups(d);
	if (rc == DOSSIER_OK)
		rc = catalog_grants_each(d->cat, load_grant, &l, &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_restrictions_each(d->cat, load_restriction, &l,
		    &d->err);
	return rc;
}

int
vault_category_mac(struct dossier *d, const char *category,
    unsigned char mac[CRYPTO_HASH_LEN])
{
	unsigned char *key;
	int rc;

	key = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (key == NULL)
		return err_nomem(&d->err);
	rc = keys_derive(d->vault_id, d->ck, KEYS_CATEGORY, key);
	if (rc == DOSSIER_OK)
		rc = crypto_hmac_sha256(key, CRYPTO_KEY_LEN, category,
		    strlen(category), mac);
	crypto_secure_free(key, CRYPTO_KEY_LEN);
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "cannot hash a category");
	return DOSSIER_OK;
}

int
vault_is_restricted(const struct dossier *d, int64_t doc)
{
	size_t lo = 0, hi = d->nrestricted, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (d->restricted[mid] == doc)
			return 1;
		if (d->restricted[mid] < doc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

unsigned
vault_perms(struct dossier *d, int64_t doc, const char *category)
{
	struct policy_subject s;
	struct policy_object o;
	unsigned char mac[CRYPTO_HASH_LEN];

	s.name = d->user.name;
	s.role = d->user.role;
	s.groups = (const char *const *)d->groups;
	s.ngroups = d->ngroups;
	o.doc = doc;
	o.restricted = doc != 0 && vault_is_restricted(d, doc);
	o.cat_mac = category != NULL && category[0] != '\0' &&
	    vault_category_mac(d, category, mac) == DOSSIER_OK ? mac : NULL;
	return policy_effective(&s, &o, d->grants, d->ngrants);
}

void
vault_note_denial(struct dossier *d, const char *action, int64_t doc,
    unsigned perm)
{
	d->denial.pending = 1;
	d->denial.action = action;
	d->denial.doc = doc;
	d->denial.perm = perm;
}

int
vault_done(struct dossier *d, int rc)
{
	if (d == NULL)
		return rc;
	/* Whatever the operation began was committed or rolled back. */
	return vault_audit_finish(d, rc);
}

int
vault_require(struct dossier *d, unsigned perm, const char *action,
    int64_t doc, const char *category)
{
	if ((vault_perms(d, doc, category) & perm) == perm)
		return DOSSIER_OK;
	vault_note_denial(d, action, doc, perm);
	if (doc != 0)
		return err_set(&d->err, DOSSIER_EDENIED,
		    "permission denied: user '%s' lacks '%s' on document %lld",
		    d->user.name, dossier_perm_name(perm), (long long)doc);
	if (category != NULL && category[0] != '\0')
		return err_set(&d->err, DOSSIER_EDENIED,
		    "permission denied: user '%s' lacks '%s' in category '%s'",
		    d->user.name, dossier_perm_name(perm), category);
	return err_set(&d->err, DOSSIER_EDENIED,
	    "permission denied: user '%s' lacks '%s'", d->user.name,
	    dossier_perm_name(perm));
}

const char *
dossier_perm_name(unsigned perm)
{
	static const char *const names[] = { "read", "file", "edit", "delete",
		"export", "audit", "backup", "admin" };
	unsigned i;

	for (i = 0; i < 8; i++)
		if (perm == 1u << i)
			return names[i];
	return "?";
}

int
dossier_perm_parse(const char *s, unsigned *perm)
{
	unsigned i;

	for (i = 0; i < 8; i++) {
		if (strcmp(s, dossier_perm_name(1u << i)) == 0) {
			*perm = 1u << i;
			return DOSSIER_OK;
		}
	}
	return DOSSIER_EUSAGE;
}

int
dossier_role_perms(const char *role, unsigned *perms)
{
	*perms = policy_role_perms(role != NULL ? role : "");
	return *perms != 0 ? DOSSIER_OK : DOSSIER_EUSAGE;
}

int
vault_check_access(struct dossier *d, const struct catalog_doc *row,
    const struct docmeta *m, unsigned perm, const char *action)
{
	unsigned perms = vault_perms(d, row->id, m->category);

	if (!(perms & DOSSIER_PERM_READ)) {
		vault_note_denial(d, action, row->id, DOSSIER_PERM_READ);
		return err_set(&d->err, DOSSIER_ENOTFOUND, "no document %lld",
		    (long long)row->id);
	}
	if ((perms & perm) == perm)
		return DOSSIER_OK;
	return vault_require(d, perm, action, row->id, m->category);
}
