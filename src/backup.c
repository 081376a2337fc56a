/*
 * backup.c: the manifest of a backup archive, as JSON (json-c) and back.
 * See backup.h and docs/BACKUP.md.
 */
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "dossier.h"
#include "backup.h"
#include "error.h"

#define SIG_DOMAIN "dossier-backup-v1"

static int
put_hex(struct json_object *o, const char *key, const unsigned char *p,
    size_t n)
{
	char hex[2 * 64 + 1];

	hex_encode(p, n, hex);
	return json_object_object_add(o, key, json_object_new_string(hex));
}

int
backup_manifest_encode(const struct backup_manifest *m, struct buf *out)
{
	struct json_object *o, *arr, *mem, *ck;
	const char *s;
	size_t i;
	int rc = -1;

	o = json_object_new_object();
	if (o == NULL)
		return -1;
	json_object_object_add(o, "format", json_object_new_int(m->format));
	json_object_object_add(o, "id", json_object_new_string(m->id));
	json_object_object_add(o, "base", m->base[0] != '\0' ?
	    json_object_new_string(m->base) : NULL);
	put_hex(o, "vault", m->vault_id, sizeof(m->vault_id));
	put_hex(o, "root_key", m->root_key, sizeof(m->root_key));
	json_object_object_add(o, "vault_format",
	    json_object_new_int(m->vault_format));
	json_object_object_add(o, "created", json_object_new_int64(m->created));
	json_object_object_add(o, "created_by",
	    json_object_new_string(m->created_by));
	put_hex(o, "signer", m->signer, sizeof(m->signer));
	ck = json_object_new_object();
	json_object_object_add(ck, "seq", json_object_new_int64(m->ckpt_seq));
	put_hex(ck, "hash", m->ckpt_hash, sizeof(m->ckpt_hash));
	json_object_object_add(o, "checkpoint", ck);
	arr = json_object_new_array();
	for (i = 0; i < m->nmembers; i++) {
		mem = json_object_new_object();
		json_object_object_add(mem, "name",
		    json_object_new_string(m->members[i].name));
		json_object_object_add(mem, "size",
		    json_object_new_int64((int64_t)m->members[i].size));
		put_hex(mem, "sha256", m->members[i].sha256, CRYPTO_HASH_LEN);
		json_object_array_add(arr, mem);
	}
	json_object_object_add(o, "members", arr);
	arr = json_object_new_array();
	for (i = 0; i < m->nreferenced; i++)
		json_object_array_add(arr,
		    json_object_new_string(m->referenced[i]));
	json_object_object_add(o, "referenced", arr);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s != NULL && buf_puts(out, s) == 0 && buf_putc(out, '\n') == 0)
		rc = 0;
	json_object_put(o);
	return rc;
}

static const char *
get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int
get_int(struct json_object *o, const char *key, int64_t *n)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return -1;
	*n = json_object_get_int64(v);
	return 0;
}

static int
get_hex(struct json_object *o, const char *key, unsigned char *out, size_t n)
{
	const char *s = get_str(o, key);

	return s != NULL && strlen(s) == 2 * n && hex_decode(s, out, n) == 0 ?
	    0 : -1;
}

static int
valid_id(const char *s)
{
	unsigned char raw[BACKUP_ID_LEN];

	return s != NULL && strlen(s) == 2 * BACKUP_ID_LEN &&
	    hex_decode(s, raw, sizeof(raw)) == 0;
}

int
backup_manifest_decode(const void *p, size_t n, struct backup_manifest *m,
    struct err *e)
{
	struct json_tokener *tok;
	struct json_object *o = NULL, *arr, *ck, *it, *base;
	const char *s;
	int64_t v;
	size_t i, len;
	int rc = DOSSIER_ECORRUPT;

	memset(m, 0, sizeof(*m));
	tok = json_tokener_new();
	if (tok == NULL)
		return err_nomem(e);
	if (n < BACKUP_MANIFEST_MAX)
		o = json_tokener_parse_ex(tok, p, (int)n);
	json_tokener_free(tok);
	if (o == NULL || !json_object_is_type(o, json_type_object))
		goto bad;
	if (get_int(o, "format", &v) != 0)
		goto bad;
	m->format = (int)v;
	if (m->format != BACKUP_FORMAT) {
		rc = err_set(e, DOSSIER_EVERSION, "the backup has format %lld, "
		    "not %d", (long long)v, BACKUP_FORMAT);
		goto out;
	}
	s = get_str(o, "id");
	if (!valid_id(s))
		goto bad;
	memcpy(m->id, s, sizeof(m->id));
	if (!json_object_object_get_ex(o, "base", &base))
		goto bad;
	if (base != NULL) {
		s = json_object_get_string(base);
		if (!json_object_is_type(base, json_type_string) || !valid_id(s))
			goto bad;
		memcpy(m->base, s, sizeof(m->base));
	}
	if (get_hex(o, "vault", m->vault_id, sizeof(m->vault_id)) != 0 ||
	    get_hex(o, "root_key", m->root_key, sizeof(m->root_key)) != 0 ||
	    get_hex(o, "signer", m->signer, sizeof(m->signer)) != 0 ||
	    get_int(o, "vault_format", &v) != 0)
		goto bad;
	m->vault_format = (int)v;
	if (get_int(o, "created", &m->created) != 0)
		goto bad;
	s = get_str(o, "created_by");
	if (s == NULL || strlen(s) >= sizeof(m->created_by))
		goto bad;
	memcpy(m->created_by, s, strlen(s) + 1);
	if (!json_object_object_get_ex(o, "checkpoint", &ck) ||
	    get_int(ck, "seq", &m->ckpt_seq) != 0 || m->ckpt_seq < 0 ||
	    get_hex(ck, "hash", m->ckpt_hash, sizeof(m->ckpt_hash)) != 0)
		goto bad;
	if (!json_object_object_get_ex(o, "members", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		goto bad;
	len = json_object_array_length(arr);
	for (i = 0; i < len; i++) {
		unsigned char sha[CRYPTO_HASH_LEN];

		it = json_object_array_get_idx(arr, i);
		s = get_str(it, "name");
		if (s == NULL || backup_member_kind(s) == BACKUP_M_BAD ||
		    backup_member_kind(s) <= BACKUP_M_SIG ||
		    get_int(it, "size", &v) != 0 || v < 0 ||
		    get_hex(it, "sha256", sha, sizeof(sha)) != 0 ||
		    backup_manifest_add_member(m, s, (uint64_t)v, sha) != 0)
			goto bad;
	}
	if (!json_object_object_get_ex(o, "referenced", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		goto bad;
	len = json_object_array_length(arr);
	for (i = 0; i < len; i++) {
		it = json_object_array_get_idx(arr, i);
		s = json_object_is_type(it, json_type_string) ?
		    json_object_get_string(it) : NULL;
		if (s == NULL || !store_name_valid(s) ||
		    backup_manifest_add_ref(m, s) != 0)
			goto bad;
	}
	rc = DOSSIER_OK;
	goto out;
bad:
	rc = err_set(e, DOSSIER_ECORRUPT, "the backup manifest is malformed");
out:
	json_object_put(o);
	if (rc != DOSSIER_OK)
		backup_manifest_release(m);
	return rc;
}

void
backup_manifest_release(struct backup_manifest *m)
{
	free(m->members);
	free(m->referenced);
	m->members = NULL;
	m->referenced = NULL;
	m->nmembers = m->nreferenced = 0;
}

int
backup_manifest_add_member(struct backup_manifest *m, const char *name,
    uint64_t size, const unsigned char sha256[CRYPTO_HASH_LEN])
{
	struct backup_member *n;

	if (strlen(name) >= BACKUP_NAME_MAX)
		return -1;
	n = realloc(m->members, (m->nmembers + 1) * sizeof(*n));
	if (n == NULL)
		return -1;
	m->members = n;
	n += m->nmembers++;
	memcpy(n->name, name, strlen(name) + 1);
	n->size = size;
	memcpy(n->sha256, sha256, CRYPTO_HASH_LEN);
	return 0;
}

int
backup_manifest_add_ref(struct backup_manifest *m, const char *object)
{
	char (*n)[STORE_NAME_LEN + 1];

	if (strlen(object) != STORE_NAME_LEN)
		return -1;
	n = realloc(m->referenced, (m->nreferenced + 1) * sizeof(*n));
	if (n == NULL)
		return -1;
	m->referenced = n;
	memcpy(n[m->nreferenced++], object, STORE_NAME_LEN + 1);
	return 0;
}

int
backup_sig_message(const void *manifest, size_t n, struct buf *msg)
{
	return buf_put_lv(msg, SIG_DOMAIN, strlen(SIG_DOMAIN)) != 0 ||
	    buf_append(msg, manifest, n) != 0 ? -1 : 0;
}

int
backup_member_object(const char *name, char flat[STORE_NAME_LEN + 1])
{
	size_t pl = strlen(BACKUP_OBJECT_PREFIX);

	if (strncmp(name, BACKUP_OBJECT_PREFIX, pl) != 0 ||
	    strlen(name) != pl + STORE_NAME_LEN + 1 || name[pl + 2] != '/')
		return -1;
	memcpy(flat, name + pl, 2);
	memcpy(flat + 2, name + pl + 3, STORE_NAME_LEN - 2);
	flat[STORE_NAME_LEN] = '\0';
	return store_name_valid(flat) ? 0 : -1;
}

enum backup_kind
backup_member_kind(const char *name)
{
	char flat[STORE_NAME_LEN + 1];

	if (strcmp(name, BACKUP_MANIFEST) == 0)
		return BACKUP_M_MANIFEST;
	if (strcmp(name, BACKUP_SIG) == 0)
		return BACKUP_M_SIG;
	if (strcmp(name, BACKUP_CATALOG) == 0)
		return BACKUP_M_CATALOG;
	if (strcmp(name, BACKUP_KEYRING) == 0)
		return BACKUP_M_KEYRING;
	if (strcmp(name, BACKUP_WITNESS) == 0)
		return BACKUP_M_WITNESS;
	/* objects/ab/<62 hex>: the object's name split as in the vault. */
	return backup_member_object(name, flat) == 0 ? BACKUP_M_OBJECT :
	    BACKUP_M_BAD;
}

int
backup_export_manifest(const char *user, int64_t when,
    const struct backup_export_item *v, size_t n, struct buf *out)
{
	struct json_object *o, *arr, *it;
	const char *s;
	size_t i;
	int rc = -1;

	o = json_object_new_object();
	if (o == NULL)
		return -1;
	json_object_object_add(o, "exported_by", json_object_new_string(user));
	json_object_object_add(o, "exported", json_object_new_int64(when));
	arr = json_object_new_array();
	for (i = 0; i < n; i++) {
		it = json_object_new_object();
		json_object_object_add(it, "id", json_object_new_int64(v[i].id));
		json_object_object_add(it, "version",
		    json_object_new_int(v[i].version));
		json_object_object_add(it, "title",
		    json_object_new_string(v[i].title));
		json_object_object_add(it, "level",
		    json_object_new_string(v[i].level));
		json_object_object_add(it, "file",
		    json_object_new_string(v[i].file));
		json_object_object_add(it, "size",
		    json_object_new_int64((int64_t)v[i].size));
		json_object_object_add(it, "sha256",
		    json_object_new_string(v[i].sha256));
		json_object_array_add(arr, it);
	}
	json_object_object_add(o, "documents", arr);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s != NULL && buf_puts(out, s) == 0 && buf_putc(out, '\n') == 0)
		rc = 0;
	json_object_put(o);
	return rc;
}
