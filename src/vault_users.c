/*
 * vault_users.c: people and permissions: users, clearance, key rotation,
 * grants, restriction.  Every change here is made by an administrator in
 * one transaction that ends by re-signing the policy digest.
 *
 * Clearance is enforced by keys: a user holds (sealed to their X25519 key)
 * the level keys of their clearance and below.  Raising a clearance seals
 * more keys; lowering it or disabling the user deletes theirs and rotates
 * those levels, so documents filed afterwards are out of their reach.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault_int.h"

#define ONETIME_GROUPS 5
#define ONETIME_LEN (ONETIME_GROUPS * 5) /* "abcd-" x 5, last '-' is NUL */

void
vault_user_view(struct vault_user_view *v, const struct catalog_user *u, int must_change)
{
	char *p, *comma;
	size_t n = 0;

	v->u = *u;
	snprintf(v->buf, sizeof(v->buf), "%s", u->groups);
	for (p = v->buf; *p != '\0' && n < 64; p = comma + 1) {
		comma = strchr(p, ',');
		v->groups[n++] = p;
		if (comma == NULL)
			break;
		*comma = '\0';
	}
	memset(&v->info, 0, sizeof(v->info));
	v->info.name = v->u.name;
	v->info.role = v->u.role;
	v->info.clearance = v->u.clearance;
	v->info.groups = v->groups;
	v->info.ngroups = n;
	v->info.disabled = v->u.disabled;
	v->info.must_change = must_change;
	v->info.created = v->u.created;
	v->info.certifier = v->u.certifier;
	v->info.perms = policy_role_perms(v->u.role);
}

/* Starts an administrator's operation, named for the audit log. */
static int
need_admin(struct dossier *d, const char *action)
{
	int rc = vault_need_unlocked(d);

	if (rc == DOSSIER_OK) {
		vault_op(d, action, 0);
		rc = vault_require(d, DOSSIER_PERM_ADMIN, action, 0, NULL);
	}
	return rc;
}

/* The audit detail of a change to user u: who, and their key now. */
static int
user_detail(struct dossier *d, const struct catalog_user *u, int with_key)
{
	char key[2 * CRYPTO_ED25519_PUB_LEN + 1];
	int rc = vault_op_detail(d, "user", u->name);

	if (rc == DOSSIER_OK && with_key) {
		hex_encode(u->ed_pub, CRYPTO_ED25519_PUB_LEN, key);
		rc = vault_op_detail(d, "key", key);
	}
	return rc;
}

/* Nobody clears another above their own clearance. */
static int
within_own_clearance(struct dossier *d, const char *action, const char *name,
    int level)
{
	if (level <= d->user.clearance)
		return DOSSIER_OK;
	vault_note_denial(d, action, 0, DOSSIER_PERM_ADMIN);
	return err_set(&d->err, DOSSIER_EDENIED,
	    "cannot clear '%s' for %s: user '%s' is not cleared for it", name,
	    dossier_level_name(level, 0), d->user.name);
}

/* Sorted, unique, validated "a,b" from the group names given. */
static int
group_list(struct dossier *d, const char *const *groups, size_t n,
    char *out, size_t outsz)
{
	const char *sorted[64], *t;
	size_t i, j, len = 0;
	int rc;

	if (n > 64)
		return err_set(&d->err, DOSSIER_EUSAGE, "more than 64 groups");
	for (i = 0; i < n; i++) {
		t = groups[i][0] == '@' ? groups[i] + 1 : groups[i];
		rc = vault_check_user_name(&d->err, t);
		if (rc != DOSSIER_OK)
			return err_set(&d->err, rc, "invalid group name '%s'",
			    groups[i]);
		for (j = i; j > 0 && strcmp(sorted[j - 1], t) > 0; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = t;
	}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(sorted[i], sorted[i - 1]) == 0)
			continue;
		if (len + strlen(sorted[i]) + 2 > outsz)
			return err_set(&d->err, DOSSIER_EUSAGE,
			    "group names too long");
		len += (size_t)snprintf(out + len, outsz - len, "%s%s",
		    len > 0 ? "," : "", sorted[i]);
	}
	return DOSSIER_OK;
}

/* A readable one-time passphrase: five groups of four letters/digits. */
static int
make_onetime(struct dossier *d, char *out, size_t outsz)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	unsigned char rnd[ONETIME_GROUPS * 4];
	size_t i, k = 0;

	if (outsz < ONETIME_LEN)
		return err_set(&d->err, DOSSIER_EUSAGE,
		    "one-time passphrase buffer too small");
	if (crypto_random(rnd, sizeof(rnd)) != DOSSIER_OK)
		return err_set(&d->err, DOSSIER_EINTERNAL, "no random bytes");
	for (i = 0; i < sizeof(rnd); i++) {
		/* 31 letters: the bias of % 31 on a byte is under 1%. */
		out[k++] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
		if (i % 4 == 3 && i + 1 < sizeof(rnd))
			out[k++] = '-';
	}
	out[k] = '\0';
	mem_wipe(rnd, sizeof(rnd));
	return DOSSIER_OK;
}

/* New key pairs for u; the secrets go to secret (secure memory). */
static int
new_user_keys(struct dossier *d, struct catalog_user *u, unsigned char *secret)
{
	int rc;

	rc = crypto_x25519_keypair(u->x_pub, secret);
	if (rc == DOSSIER_OK)
		rc = crypto_ed25519_keypair(u->ed_pub,
		    secret + CRYPTO_X25519_LEN);
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "cannot make keys for '%s'",
		    u->name);
	return DOSSIER_OK;
}

/* Signs u's certificate as the acting administrator and stores the row. */
static int
certify(struct dossier *d, struct catalog_user *u)
{
	struct keys_cert c;
	struct buf msg = BUF_INIT;
	int rc;

	snprintf(u->certifier, sizeof(u->certifier), "%s", d->user.name);
	vault_cert_of(u, &c);
	rc = keys_cert_bytes(d->vault_id, &c, &msg);
	if (rc == DOSSIER_OK)
		rc = crypto_ed25519_sign(d->secret + CRYPTO_X25519_LEN,
		    msg.data, msg.len, u->cert);
	buf_release(&msg);
	if (rc != DOSSIER_OK)
		return err_set(&d->err, rc, "cannot certify '%s'", u->name);
	return catalog_user_insert(d->cat, u, &d->err);
}

/*
 * Seals to u every key the acting administrator holds for levels in
 * [from, to] (all versions, so older documents stay readable).  The
 * catalog key goes in u's key slot (vault_slot_write()).
 */
static int
seal_keys(struct dossier *d, const struct catalog_user *u, int from, int to)
{
	size_t i;
	int rc = DOSSIER_OK;

	for (i = 0; rc == DOSSIER_OK && i < d->nlks; i++) {
		if (d->lks[i].level < from || d->lks[i].level > to)
			continue;
		rc = vault_seal_to_user(d, u, "level", d->lks[i].level,
		    d->lks[i].version, d->lks[i].key + LK_ROOT);
	}
	return rc;
}

/* A one-time passphrase slot for u's secrets. */
static int
onetime_slot(struct dossier *d, const struct catalog_user *u,
    const unsigned char *secret, char *onetime, size_t onetimesz,
    unsigned char salt[KEYS_SALT_LEN])
{
	int rc;

	rc = make_onetime(d, onetime, onetimesz);
	if (rc != DOSSIER_OK)
		return rc;
	return vault_slot_write(d, u, onetime, strlen(onetime), secret, 1,
	    salt);
}

struct users {
	struct dossier *d;
	struct catalog_user *v;
	size_t n;
};

static int
collect_user(void *ctx, const struct catalog_user *u)
{
	struct users *us = ctx;
	struct catalog_user *nv;

	nv = realloc(us->v, (us->n + 1) * sizeof(*nv));
	if (nv == NULL)
		return err_nomem(&us->d->err);
	us->v = nv;
	nv[us->n++] = *u;
	return 0;
}

/*
 * A new version of level's key, sealed to every enabled user cleared for
 * it (the acting administrator included): documents filed from now on
 * use it, and whoever lost the level holds none of it.
 */
static int
rotate(struct dossier *d, int level)
{
	struct users us = { d, NULL, 0 };
	unsigned char *key;
	uint32_t version;
	size_t i;
	int rc;

	key = crypto_secure_alloc(CRYPTO_KEY_LEN);
	if (key == NULL)
		return err_nomem(&d->err);
	rc = catalog_level_key_current(d->cat, level, &version, &d->err);
	if (rc == DOSSIER_OK && crypto_random(key, CRYPTO_KEY_LEN) != 0)
		rc = err_set(&d->err, DOSSIER_EINTERNAL, "no random bytes");
	if (rc == DOSSIER_OK)
		rc = catalog_level_key_insert(d->cat, level, version + 1,
		    vault_now(), &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_users_each(d->cat, collect_user, &us, &d->err);
	for (i = 0; rc == DOSSIER_OK && i < us.n; i++) {
		if (us.v[i].disabled || us.v[i].clearance < level)
			continue;
		/* Only to certified clearances: a forged row gets nothing. */
		rc = vault_verify_cert(d, &us.v[i]);
		if (rc == DOSSIER_OK)
			rc = vault_seal_to_user(d, &us.v[i], "level", level,
			    version + 1, key);
	}
	free(us.v);
	crypto_secure_free(key, CRYPTO_KEY_LEN);
	return rc;
}

/*
 * Ends a policy change: sign, record, commit, and take up the new state.
 * The operation's end (vault_done()) is the caller's.
 */
static int
finish(struct dossier *d, int rc)
{
	if (rc == DOSSIER_OK)
		rc = vault_policy_sign(d);
	rc = vault_audit_commit(d, rc);
	if (rc == DOSSIER_OK)
		rc = vault_reload_keys(d);
	return rc;
}

static int
check_new_user(struct dossier *d, const char *name, const char *role,
    int clearance)
{
	int rc;

	rc = vault_check_user_name(&d->err, name);
	if (rc == DOSSIER_OK && !policy_role_valid(role != NULL ? role : ""))
		rc = err_set(&d->err, DOSSIER_EUSAGE,
		    "unknown role '%s': use admin, clerk, viewer, auditor or "
		    "backup", role != NULL ? role : "");
	if (rc == DOSSIER_OK && (clearance < 0 || clearance >= DOSSIER_NLEVELS))
		rc = err_set(&d->err, DOSSIER_EUSAGE, "invalid clearance %d",
		    clearance);
	return rc;
}

int
dossier_user_add(struct dossier *d, const char *name, const char *role,
    int clearance, const char *const *groups, size_t ngroups, char *onetime,
    size_t onetimesz)
{
	struct catalog_user u, old;
	struct err ignored;
	unsigned char *secret = NULL, salt[KEYS_SALT_LEN];
	int rc;

	memset(&u, 0, sizeof(u));
	rc = need_admin(d, "user add");
	if (rc == DOSSIER_OK)
		rc = check_new_user(d, name, role, clearance);
	if (rc == DOSSIER_OK)
		rc = group_list(d, groups, ngroups, u.groups, sizeof(u.groups));
	if (rc == DOSSIER_OK)
		rc = within_own_clearance(d, "user add", name, clearance);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	secret = crypto_secure_alloc(KEYS_USER_SECRET_LEN);
	if (secret == NULL)
		return vault_done(d, err_nomem(&d->err));
	rc = vault_policy_begin(d);
	if (rc != DOSSIER_OK)
		goto out;
	if (catalog_user_get(d->cat, name, &old, &ignored) == DOSSIER_OK) {
		rc = err_set(&d->err, DOSSIER_ECONFLICT,
		    "user '%s' exists", name);
		catalog_rollback(d->cat);
		goto out;
	}
	snprintf(u.name, sizeof(u.name), "%s", name);
	snprintf(u.role, sizeof(u.role), "%s", role);
	u.clearance = clearance;
	u.created = vault_now();
	rc = new_user_keys(d, &u, secret);
	if (rc == DOSSIER_OK)
		rc = certify(d, &u);
	if (rc == DOSSIER_OK)
		rc = onetime_slot(d, &u, secret, onetime, onetimesz, salt);
	if (rc == DOSSIER_OK)
		rc = seal_keys(d, &u, 0, clearance);
	if (rc == DOSSIER_OK)
		rc = user_detail(d, &u, 1);
	rc = finish(d, rc);
	if (rc == DOSSIER_OK)
		vault_slot_settle(d, name, salt, NULL);
out:
	crypto_secure_free(secret, KEYS_USER_SECRET_LEN);
	if (rc != DOSSIER_OK && onetime != NULL && onetimesz > 0)
		mem_wipe(onetime, onetimesz);
	return vault_done(d, rc);
}

/* The acting user replaces their own passphrase. */
static int
passwd_self(struct dossier *d, const char *pass, size_t passlen)
{
	unsigned char salt[KEYS_SALT_LEN];
	int rc;

	rc = vault_need_keys(d);
	if (rc != DOSSIER_OK)
		return rc;
	vault_op(d, "user passwd", 0);
	rc = vault_op_detail(d, "user", d->user.name);
	if (rc == DOSSIER_OK)
		rc = vault_check_passphrase(&d->err, pass, passlen);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	rc = catalog_begin(d->cat, &d->err);
	if (rc == DOSSIER_OK)
		rc = vault_slot_write(d, &d->user, pass, passlen, d->secret, 0,
		    salt);
	rc = vault_audit_commit(d, rc);
	if (rc == DOSSIER_OK) {
		d->must_change = 0;
		vault_slot_settle(d, d->user.name, salt,
		    vault_recovery_of(&d->user));
	}
	return vault_done(d, rc);
}

int
dossier_user_recovery(struct dossier *d, const char *pass, size_t passlen)
{
	unsigned char salt[KEYS_SALT_LEN], cur[KEYS_SALT_LEN];
	int rc;

	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "user recovery", 0);
	rc = vault_op_detail(d, "user", d->user.name);
	if (rc == DOSSIER_OK)
		rc = vault_check_passphrase(&d->err, pass, passlen);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	/*
	 * A second slot over the same secrets, named as the recovery one:
	 * vault_slot_write() names what it writes as the current slot, so
	 * the current one is named again after it.
	 */
	memcpy(cur, d->user.slot, sizeof(cur));
	rc = catalog_begin(d->cat, &d->err);
	if (rc == DOSSIER_OK)
		rc = vault_slot_write(d, &d->user, pass, passlen, d->secret, 0,
		    salt);
	if (rc == DOSSIER_OK)
		rc = catalog_user_set_slot(d->cat, d->user.name, cur,
		    d->user.one_time, &d->err);
	if (rc == DOSSIER_OK)
		rc = catalog_user_set_recovery(d->cat, d->user.name, salt,
		    &d->err);
	rc = vault_audit_commit(d, rc);
	if (rc == DOSSIER_OK) {
		memcpy(d->user.recovery, salt, sizeof(salt));
		vault_slot_settle(d, d->user.name, d->user.slot, salt);
	}
	return vault_done(d, rc);
}

/* Certifies anew, as the acting administrator, whom certifier certified. */
static int
recertify(struct dossier *d, const char *certifier)
{
	struct users us = { d, NULL, 0 };
	size_t i;
	int rc;

	rc = catalog_users_each(d->cat, collect_user, &us, &d->err);
	for (i = 0; rc == DOSSIER_OK && i < us.n; i++)
		if (strcmp(us.v[i].certifier, certifier) == 0 &&
		    strcmp(us.v[i].name, certifier) != 0)
			rc = certify(d, &us.v[i]);
	free(us.v);
	return rc;
}

/*
 * An administrator resets another user: new key pairs (the old secrets
 * are unknown to the administrator), every key sealed anew, and a
 * one-time passphrase.
 */
static int
passwd_reset(struct dossier *d, const char *name, char *onetime,
    size_t onetimesz)
{
	struct catalog_user u;
	unsigned char *secret, salt[KEYS_SALT_LEN];
	int rc;

	rc = need_admin(d, "user passwd");
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	secret = crypto_secure_alloc(KEYS_USER_SECRET_LEN);
	if (secret == NULL)
		return vault_done(d, err_nomem(&d->err));
	rc = vault_policy_begin(d);
	if (rc != DOSSIER_OK)
		goto out;
	rc = catalog_user_get(d->cat, name, &u, &d->err);
	if (rc == DOSSIER_OK && crypto_equal(u.ed_pub, d->root_pub,
	    sizeof(d->root_pub)))
		rc = err_set(&d->err, DOSSIER_EDENIED,
		    "'%s' is the root administrator, whose key is pinned: only "
		    "they can change their passphrase", name);
	if (rc == DOSSIER_OK && u.clearance > d->user.clearance)
		rc = err_set(&d->err, DOSSIER_EDENIED,
		    "cannot reset '%s': user '%s' holds fewer keys", name,
		    d->user.name);
	if (rc == DOSSIER_OK)
		rc = new_user_keys(d, &u, secret);
	if (rc == DOSSIER_OK)
		rc = certify(d, &u);
	if (rc == DOSSIER_OK)
		rc = catalog_sealed_delete_all(d->cat, name, &d->err);
	if (rc == DOSSIER_OK && !u.disabled)
		rc = seal_keys(d, &u, 0, u.clearance);
	if (rc == DOSSIER_OK)
		rc = onetime_slot(d, &u, secret, onetime, onetimesz, salt);
	/* A recovery slot holds the old secrets: it goes. */
	if (rc == DOSSIER_OK)
		rc = catalog_user_set_recovery(d->cat, name, NULL, &d->err);
	/* Those this administrator certified keep a valid certificate. */
	if (rc == DOSSIER_OK && strcmp(u.role, "admin") == 0)
		rc = recertify(d, name);
	if (rc == DOSSIER_OK)
		rc = user_detail(d, &u, 1);
	rc = finish(d, rc);
	if (rc == DOSSIER_OK)
		vault_slot_settle(d, name, salt, NULL);
out:
	crypto_secure_free(secret, KEYS_USER_SECRET_LEN);
	if (rc != DOSSIER_OK && onetime != NULL && onetimesz > 0)
		mem_wipe(onetime, onetimesz);
	return vault_done(d, rc);
}

int
dossier_user_passwd(struct dossier *d, const char *name, const char *pass,
    size_t passlen, char *onetime, size_t onetimesz)
{
	if (d == NULL || !d->unlocked)
		return d == NULL ? DOSSIER_EMISUSE : vault_need_keys(d);
	if (name == NULL || strcmp(name, d->user.name) == 0)
		return passwd_self(d, pass, passlen);
	return passwd_reset(d, name, onetime, onetimesz);
}

/* Loads user name for an administrator's change, in the transaction. */
static int
load_user(struct dossier *d, const char *name, struct catalog_user *u)
{
	int rc;

	rc = catalog_user_get(d->cat, name, u, &d->err);
	if (rc == DOSSIER_OK && strcmp(name, d->user.name) == 0)
		rc = err_set(&d->err, DOSSIER_ECONFLICT,
		    "administrators cannot disable or lower themselves: ask "
		    "another administrator");
	return rc;
}

int
dossier_user_disable(struct dossier *d, const char *name)
{
	struct catalog_user u;
	int rc, level;

	rc = need_admin(d, "user disable");
	if (rc == DOSSIER_OK)
		rc = vault_op_detail(d, "user", name);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	rc = vault_policy_begin(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	rc = load_user(d, name, &u);
	if (rc == DOSSIER_OK && u.disabled)
		rc = err_set(&d->err, DOSSIER_ECONFLICT,
		    "user '%s' is already disabled", name);
	if (rc == DOSSIER_OK) {
		u.disabled = 1;
		rc = certify(d, &u);
	}
	if (rc == DOSSIER_OK)
		rc = catalog_sealed_delete_all(d->cat, name, &d->err);
	for (level = 0; rc == DOSSIER_OK && level <= u.clearance; level++)
		rc = rotate(d, level);
	rc = finish(d, rc);
	/* Their slots go once the catalog says they are disabled. */
	if (rc == DOSSIER_OK)
		vault_slot_settle(d, name, NULL, NULL);
	return vault_done(d, rc);
}

int
dossier_user_clearance(struct dossier *d, const char *name, int level)
{
	struct catalog_user u;
	int rc, l, old;

	rc = need_admin(d, "user clearance");
	if (rc == DOSSIER_OK)
		rc = vault_op_detail(d, "user", name);
	if (rc == DOSSIER_OK && (level < 0 || level >= DOSSIER_NLEVELS))
		rc = err_set(&d->err, DOSSIER_EUSAGE, "invalid level %d", level);
	if (rc == DOSSIER_OK)
		rc = vault_op_detail(d, "clearance", dossier_level_name(level,
		    0));
	if (rc == DOSSIER_OK)
		rc = within_own_clearance(d, "user clearance", name, level);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	rc = vault_policy_begin(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	rc = load_user(d, name, &u);
	if (rc == DOSSIER_OK && u.disabled)
		rc = err_set(&d->err, DOSSIER_ECONFLICT,
		    "user '%s' is disabled", name);
	if (rc != DOSSIER_OK)
		return vault_done(d, finish(d, rc));
	old = u.clearance;
	u.clearance = level;
	rc = certify(d, &u);
	if (rc == DOSSIER_OK && level > old)
		rc = seal_keys(d, &u, old + 1, level);
	if (rc == DOSSIER_OK && level < old)
		rc = catalog_sealed_delete(d->cat, name, level + 1, &d->err);
	for (l = level + 1; rc == DOSSIER_OK && l <= old; l++)
		rc = rotate(d, l);
	return vault_done(d, finish(d, rc));
}

int
dossier_user_show(struct dossier *d, const char *name,
    const struct dossier_user_info **u)
{
	struct catalog_user row;
	int rc;

	*u = NULL;
	rc = vault_need_unlocked(d);
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_op(d, "user show", 0);
	rc = vault_op_detail(d, "user", name);
	if (rc == DOSSIER_OK && strcmp(name, d->user.name) != 0)
		rc = vault_require(d, DOSSIER_PERM_ADMIN, "user show", 0, NULL);
	if (rc == DOSSIER_OK)
		rc = catalog_user_get(d->cat, name, &row, &d->err);
	if (rc == DOSSIER_OK)
		rc = vault_audit_own(d, "allowed");
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	vault_user_view(&d->user_view, &row, row.one_time);
	*u = &d->user_view.info;
	return vault_done(d, DOSSIER_OK);
}

int
dossier_user_each(struct dossier *d, dossier_user_fn fn, void *ctx)
{
	struct users us = { d, NULL, 0 };
	struct vault_user_view v;
	size_t i;
	int rc;

	rc = need_admin(d, "user list");
	if (rc == DOSSIER_OK)
		rc = vault_audit_own(d, "allowed");
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	rc = catalog_users_each(d->cat, collect_user, &us, &d->err);
	for (i = 0; rc == DOSSIER_OK && i < us.n; i++) {
		vault_user_view(&v, &us.v[i], us.v[i].one_time);
		rc = fn(ctx, &v.info);
	}
	free(us.v);
	return vault_done(d, rc);
}
