/*
 * docmeta.c: metadata to and from JSON (json-c).  See docmeta.h.
 *
 * The JSON is an internal format, sealed before storage; decode is strict
 * about types so that a damaged or forged blob is reported, not guessed.
 */
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "dossier.h"
#include "buf.h"
#include "docmeta.h"

int
docmeta_set(char **slot, const char *s)
{
	char *c = strdup(s != NULL ? s : "");

	if (c == NULL)
		return DOSSIER_ENOMEM;
	free(*slot);
	*slot = c;
	return DOSSIER_OK;
}

int
docmeta_init(struct docmeta *m)
{
	memset(m, 0, sizeof(*m));
	if (docmeta_set(&m->title, "") || docmeta_set(&m->category, "") ||
	    docmeta_set(&m->number, "") || docmeta_set(&m->date, "") ||
	    docmeta_set(&m->delete_reason, "")) {
		docmeta_release(m);
		return DOSSIER_ENOMEM;
	}
	return DOSSIER_OK;
}

void
docmeta_release(struct docmeta *m)
{
	size_t i;

	free(m->title);
	free(m->category);
	free(m->number);
	free(m->date);
	free(m->delete_reason);
	for (i = 0; i < m->ntags; i++)
		free(m->tags[i]);
	free(m->tags);
	for (i = 0; i < m->nfields; i++) {
		free(m->fields[i].key);
		free(m->fields[i].value);
	}
	free(m->fields);
	memset(m, 0, sizeof(*m));
}

int
docmeta_tag_add(struct docmeta *m, const char *tag)
{
	char **t;
	size_t i;
	int c;

	for (i = 0; i < m->ntags; i++) {
		c = strcmp(m->tags[i], tag);
		if (c == 0)
			return DOSSIER_OK;
		if (c > 0)
			break;
	}
	t = realloc(m->tags, (m->ntags + 1) * sizeof(*t));
	if (t == NULL)
		return DOSSIER_ENOMEM;
	m->tags = t;
	memmove(t + i + 1, t + i, (m->ntags - i) * sizeof(*t));
	t[i] = strdup(tag);
	if (t[i] == NULL) {
		memmove(t + i, t + i + 1, (m->ntags - i) * sizeof(*t));
		return DOSSIER_ENOMEM;
	}
	m->ntags++;
	return DOSSIER_OK;
}

void
docmeta_tag_remove(struct docmeta *m, const char *tag)
{
	size_t i;

	for (i = 0; i < m->ntags; i++) {
		if (strcmp(m->tags[i], tag) == 0) {
			free(m->tags[i]);
			memmove(m->tags + i, m->tags + i + 1,
			    (m->ntags - i - 1) * sizeof(*m->tags));
			m->ntags--;
			return;
		}
	}
}

int
docmeta_field_set(struct docmeta *m, const char *key, const char *value)
{
	struct docmeta_field *f;
	size_t i;
	int c;

	for (i = 0; i < m->nfields; i++) {
		c = strcmp(m->fields[i].key, key);
		if (c == 0)
			return docmeta_set(&m->fields[i].value, value);
		if (c > 0)
			break;
	}
	f = realloc(m->fields, (m->nfields + 1) * sizeof(*f));
	if (f == NULL)
		return DOSSIER_ENOMEM;
	m->fields = f;
	memmove(f + i + 1, f + i, (m->nfields - i) * sizeof(*f));
	f[i].key = strdup(key);
	f[i].value = strdup(value);
	if (f[i].key == NULL || f[i].value == NULL) {
		free(f[i].key);
		free(f[i].value);
		memmove(f + i, f + i + 1, (m->nfields - i) * sizeof(*f));
		return DOSSIER_ENOMEM;
	}
	m->nfields++;
	return DOSSIER_OK;
}

void
docmeta_field_unset(struct docmeta *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->nfields; i++) {
		if (strcmp(m->fields[i].key, key) == 0) {
			free(m->fields[i].key);
			free(m->fields[i].value);
			memmove(m->fields + i, m->fields + i + 1,
			    (m->nfields - i - 1) * sizeof(*m->fields));
			m->nfields--;
			return;
		}
	}
}

static int
add_str(json_object *o, const char *key, const char *v)
{
	json_object *s = json_object_new_string(v != NULL ? v : "");

	if (s == NULL || json_object_object_add(o, key, s) != 0) {
		json_object_put(s);
		return -1;
	}
	return 0;
}

/* Serialises o into out and drops o. */
static int
finish(json_object *o, int bad, struct buf *out)
{
	const char *s;
	int rc = DOSSIER_ENOMEM;

	if (o != NULL && !bad) {
		s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
		    JSON_C_TO_STRING_NOSLASHESCAPE);
		if (s != NULL && buf_puts(out, s) == 0)
			rc = DOSSIER_OK;
	}
	json_object_put(o);
	return rc;
}

int
docmeta_encode(const struct docmeta *m, struct buf *out)
{
	json_object *o, *a, *f;
	size_t i;
	int bad;

	o = json_object_new_object();
	a = json_object_new_array();
	f = json_object_new_object();
	bad = o == NULL || a == NULL || f == NULL;
	for (i = 0; !bad && i < m->ntags; i++)
		bad = json_object_array_add(a,
		    json_object_new_string(m->tags[i])) != 0;
	for (i = 0; !bad && i < m->nfields; i++)
		bad = add_str(f, m->fields[i].key, m->fields[i].value) != 0;
	if (!bad)
		bad = add_str(o, "title", m->title) ||
		    add_str(o, "category", m->category) ||
		    add_str(o, "number", m->number) ||
		    add_str(o, "date", m->date) ||
		    add_str(o, "delete_reason", m->delete_reason) ||
		    json_object_object_add(o, "tags", a) != 0;
	if (bad) {
		json_object_put(a);
		json_object_put(f);
		return finish(o, 1, out);
	}
	if (json_object_object_add(o, "fields", f) != 0) {
		json_object_put(f);
		return finish(o, 1, out);
	}
	return finish(o, 0, out);
}

/* The string member key of o into *slot; absent is "". */
static int
get_str(json_object *o, const char *key, char **slot)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return docmeta_set(slot, "");
	if (!json_object_is_type(v, json_type_string))
		return DOSSIER_ECORRUPT;
	return docmeta_set(slot, json_object_get_string(v));
}

static json_object *
parse(const char *json, size_t n)
{
	json_tokener *tok;
	json_object *o;

	if (n > INT32_MAX)
		return NULL;
	tok = json_tokener_new();
	if (tok == NULL)
		return NULL;
	o = json_tokener_parse_ex(tok, json, (int)n);
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

int
docmeta_decode(const char *json, size_t n, struct docmeta *m)
{
	json_object *o, *a, *f, *v;
	size_t i;
	int rc;

	rc = docmeta_init(m);
	if (rc != DOSSIER_OK)
		return rc;
	o = parse(json, n);
	if (o == NULL) {
		rc = DOSSIER_ECORRUPT;
		goto out;
	}
	rc = get_str(o, "title", &m->title);
	if (rc == DOSSIER_OK)
		rc = get_str(o, "category", &m->category);
	if (rc == DOSSIER_OK)
		rc = get_str(o, "number", &m->number);
	if (rc == DOSSIER_OK)
		rc = get_str(o, "date", &m->date);
	if (rc == DOSSIER_OK)
		rc = get_str(o, "delete_reason", &m->delete_reason);
	if (rc == DOSSIER_OK && json_object_object_get_ex(o, "tags", &a)) {
		if (!json_object_is_type(a, json_type_array))
			rc = DOSSIER_ECORRUPT;
		for (i = 0; rc == DOSSIER_OK &&
		    i < json_object_array_length(a); i++) {
			v = json_object_array_get_idx(a, i);
			rc = json_object_is_type(v, json_type_string) ?
			    docmeta_tag_add(m, json_object_get_string(v)) :
			    DOSSIER_ECORRUPT;
		}
	}
	if (rc == DOSSIER_OK && json_object_object_get_ex(o, "fields", &f)) {
		if (!json_object_is_type(f, json_type_object)) {
			rc = DOSSIER_ECORRUPT;
		} else {
			json_object_object_foreach(f, key, val) {
				if (rc != DOSSIER_OK)
					break;
				rc = json_object_is_type(val,
				    json_type_string) ?
				    docmeta_field_set(m, key,
					json_object_get_string(val)) :
				    DOSSIER_ECORRUPT;
			}
		}
	}
out:
	json_object_put(o);
	if (rc != DOSSIER_OK)
		docmeta_release(m);
	return rc;
}

int
vermeta_init(struct vermeta *v)
{
	memset(v, 0, sizeof(*v));
	if (docmeta_set(&v->filename, "") || docmeta_set(&v->type, "") ||
	    docmeta_set(&v->sha256, "") || docmeta_set(&v->note, "") ||
	    docmeta_set(&v->no_text, "")) {
		vermeta_release(v);
		return DOSSIER_ENOMEM;
	}
	return DOSSIER_OK;
}

void
vermeta_release(struct vermeta *v)
{
	free(v->filename);
	free(v->type);
	free(v->sha256);
	free(v->note);
	free(v->no_text);
	memset(v, 0, sizeof(*v));
}

int
vermeta_encode(const struct vermeta *v, struct buf *out)
{
	json_object *o = json_object_new_object();
	int bad;

	bad = o == NULL || add_str(o, "filename", v->filename) ||
	    add_str(o, "type", v->type) || add_str(o, "sha256", v->sha256) ||
	    add_str(o, "note", v->note) || add_str(o, "no_text", v->no_text);
	return finish(o, bad, out);
}

int
vermeta_decode(const char *json, size_t n, struct vermeta *v)
{
	json_object *o;
	int rc;

	rc = vermeta_init(v);
	if (rc != DOSSIER_OK)
		return rc;
	o = parse(json, n);
	if (o == NULL) {
		vermeta_release(v);
		return DOSSIER_ECORRUPT;
	}
	rc = get_str(o, "filename", &v->filename);
	if (rc == DOSSIER_OK)
		rc = get_str(o, "type", &v->type);
	if (rc == DOSSIER_OK)
		rc = get_str(o, "sha256", &v->sha256);
	if (rc == DOSSIER_OK)
		rc = get_str(o, "note", &v->note);
	if (rc == DOSSIER_OK)
		rc = get_str(o, "no_text", &v->no_text);
	json_object_put(o);
	if (rc != DOSSIER_OK)
		vermeta_release(v);
	return rc;
}

int
docmeta_detail_put(struct buf *out, const char *key, const char *value)
{
	struct json_object *o, *v;
	const char *text;
	int rc = DOSSIER_ENOMEM;

	o = out->len > 0 ? json_tokener_parse(buf_str(out)) :
	    json_object_new_object();
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return o == NULL && out->len > 0 ? DOSSIER_ECORRUPT :
		    DOSSIER_ENOMEM;
	}
	v = json_object_new_string(value);
	if (v != NULL && json_object_object_add(o, key, v) == 0) {
		text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
		    JSON_C_TO_STRING_NOSLASHESCAPE);
		buf_reset(out);
		if (text != NULL && buf_puts(out, text) == 0)
			rc = DOSSIER_OK;
	} else {
		json_object_put(v);
	}
	json_object_put(o);
	return rc;
}

int
docmeta_detail_each(const char *json, size_t len, docmeta_detail_fn fn,
    void *ctx)
{
	struct json_tokener *tok;
	struct json_object *o;
	int rc = DOSSIER_OK;

	if (len == 0)
		return DOSSIER_OK;
	tok = json_tokener_new();
	if (tok == NULL)
		return DOSSIER_ENOMEM;
	o = json_tokener_parse_ex(tok, json, (int)len);
	json_tokener_free(tok);
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return DOSSIER_ECORRUPT;
	}
	json_object_object_foreach(o, key, val) {
		if (!json_object_is_type(val, json_type_string)) {
			rc = DOSSIER_ECORRUPT;
			break;
		}
		rc = fn(ctx, key, json_object_get_string(val));
		if (rc != 0)
			break;
	}
	json_object_put(o);
	return rc;
}
