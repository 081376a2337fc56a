/*
 * json_out.c: JSON output with json-c (see json_out.h).  Strings are made
 * valid UTF-8 first; "/" and non-ASCII text are printed unescaped.
 */
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "cli.h"
#include "json_out.h"
#include "out.h"

/* Sticky: some allocation failed since the last jout_emit(). */
static int oom;

/*
 * A struct jout is a json_object under another name: the pointer is only
 * ever converted back, never dereferenced as a struct jout.
 */
static json_object *
J(struct jout *v)
{
	return (json_object *)(void *)v;
}

static struct jout *
W(json_object *o)
{
	if (o == NULL)
		oom = 1;
	return (struct jout *)(void *)o;
}

struct jout *
jout_object(void)
{
	return W(json_object_new_object());
}

struct jout *
jout_array(void)
{
	return W(json_object_new_array());
}

static struct jout *
jstr(const char *s)
{
	json_object *o;
	char *u;

	u = out_utf8(s);
	if (u == NULL)
		return W(NULL);
	o = json_object_new_string(u);
	free(u);
	return W(o);
}

void
jout_put(struct jout *obj, const char *key, struct jout *val)
{
	if (obj == NULL || val == NULL) {
		jout_free(val);
		return;
	}
	/* json-c keeps val only when the insertion succeeds. */
	if (json_object_object_add(J(obj), key, J(val)) != 0) {
		json_object_put(J(val));
		oom = 1;
	}
}

void
jout_put_str(struct jout *obj, const char *key, const char *s)
{
	if (s == NULL)
		jout_put_null(obj, key);
	else
		jout_put(obj, key, jstr(s));
}

void
jout_put_int(struct jout *obj, const char *key, int64_t n)
{
	jout_put(obj, key, W(json_object_new_int64(n)));
}

void
jout_put_num(struct jout *obj, const char *key, double v)
{
	jout_put(obj, key, W(json_object_new_double(v)));
}

struct jout *
jout_int(int64_t n)
{
	return W(json_object_new_int64(n));
}

struct jout *
jout_str(const char *s)
{
	return W(json_object_new_string(s != NULL ? s : ""));
}

void
jout_put_bool(struct jout *obj, const char *key, int b)
{
	jout_put(obj, key, W(json_object_new_boolean(b != 0)));
}

void
jout_put_null(struct jout *obj, const char *key)
{
	if (obj != NULL && json_object_object_add(J(obj), key, NULL) != 0)
		oom = 1;
}

void
jout_put_time(struct jout *obj, const char *key, int64_t t)
{
	char buf[OUT_TIME_MAX];

	out_time(buf, t, 1);
	if (buf[0] == '\0')
		jout_put_null(obj, key);
	else
		jout_put_str(obj, key, buf);
}

void
jout_put_id(struct jout *obj, const char *key, int64_t n)
{
	if (n == 0)
		jout_put_null(obj, key);
	else
		jout_put_int(obj, key, n);
}

void
jout_push(struct jout *arr, struct jout *val)
{
	if (arr == NULL || val == NULL) {
		jout_free(val);
		return;
	}
	if (json_object_array_add(J(arr), J(val)) != 0) {
		json_object_put(J(val));
		oom = 1;
	}
}

struct jout *
jout_doc(const struct dossier_doc *doc)
{
	struct jout *o, *tags, *fields;
	const char *level;
	size_t i;

	o = jout_object();
	tags = jout_array();
	fields = jout_object();
	for (i = 0; i < doc->ntags; i++)
		jout_push(tags, jstr(doc->tags[i]));
	for (i = 0; i < doc->nfields; i++)
		jout_put_str(fields, doc->fields[i].key, doc->fields[i].value);
	level = dossier_level_name(doc->level, 0);

	jout_put_int(o, "id", doc->id);
	jout_put_str(o, "title", doc->title);
	jout_put_str(o, "category", doc->category);
	jout_put(o, "tags", tags);
	jout_put_str(o, "level", level != NULL ? level : "unknown");
	jout_put_str(o, "number", doc->number);
	if (doc->date == NULL || doc->date[0] == '\0')
		jout_put_null(o, "date");
	else
		jout_put_str(o, "date", doc->date);
	jout_put(o, "fields", fields);
	jout_put_str(o, "filename", doc->filename);
	jout_put_str(o, "type", doc->type);
	jout_put(o, "size", W(json_object_new_uint64(doc->size)));
	jout_put_int(o, "version", doc->version);
	jout_put_str(o, "sha256", doc->sha256);
	jout_put_time(o, "created", doc->created);
	jout_put_str(o, "created_by", doc->created_by);
	jout_put_time(o, "modified", doc->modified);
	jout_put_bool(o, "deleted", doc->deleted);
	jout_put_bool(o, "restricted", doc->restricted);
	if (doc->no_text != NULL && doc->no_text[0] != '\0')
		jout_put_str(o, "no_text", doc->no_text);
	else
		jout_put_null(o, "no_text");
	if (doc->deleted) {
		jout_put_time(o, "deleted_at", doc->deleted_at);
		jout_put_str(o, "deleted_by", doc->deleted_by);
		jout_put_str(o, "delete_reason", doc->delete_reason);
	}
	return o;
}

struct jout *
jout_version(const struct dossier_version *v)
{
	struct jout *o;

	o = jout_object();
	jout_put_int(o, "version", v->version);
	jout_put(o, "size", W(json_object_new_uint64(v->size)));
	jout_put_str(o, "sha256", v->sha256);
	jout_put_str(o, "filename", v->filename);
	jout_put_str(o, "type", v->type);
	jout_put_time(o, "added", v->added);
	jout_put_str(o, "added_by", v->added_by);
	jout_put_str(o, "note", v->note);
	return o;
}

struct jout *
jout_strings(const char *const *v, size_t n)
{
	struct jout *a;
	size_t i;

	a = jout_array();
	for (i = 0; i < n; i++)
		jout_push(a, jstr(v[i]));
	return a;
}

struct jout *
jout_perms(unsigned perms)
{
	struct jout *a;
	unsigned bit;

	a = jout_array();
	for (bit = 1; bit <= DOSSIER_PERM_ALL; bit <<= 1) {
		if (perms & bit)
			jout_push(a, jstr(dossier_perm_name(bit)));
	}
	return a;
}

struct jout *
jout_user(const struct dossier_user_info *u)
{
	struct jout *o;
	const char *level;

	o = jout_object();
	level = dossier_level_name(u->clearance, 0);
	jout_put_str(o, "name", u->name);
	jout_put_str(o, "role", u->role);
	jout_put_str(o, "clearance", level != NULL ? level : "unknown");
	jout_put(o, "groups", jout_strings(u->groups, u->ngroups));
	jout_put_bool(o, "disabled", u->disabled);
	jout_put_bool(o, "must_change", u->must_change);
	jout_put_time(o, "created", u->created);
	jout_put_str(o, "certified_by", u->certifier);
	jout_put(o, "permissions", jout_perms(u->perms));
	return o;
}

struct jout *
jout_grant(const struct dossier_grant_info *g)
{
	struct jout *o;

	o = jout_object();
	jout_put_str(o, "principal", g->principal);
	jout_put(o, "permissions", jout_perms(g->perms));
	jout_put_id(o, "doc", g->doc);
	if (g->doc != 0 || g->category == NULL || g->category[0] == '\0')
		jout_put_null(o, "category");
	else
		jout_put_str(o, "category", g->category);
	jout_put_str(o, "granted_by", g->granted_by);
	jout_put_time(o, "granted", g->granted);
	return o;
}

int
jout_emit(struct jout *v)
{
	const char *s;
	int rc = CLI_EXIT_OK;

	s = NULL;
	if (v != NULL && !oom)
		s = json_object_to_json_string_ext(J(v),
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s == NULL)
		rc = cli_oom();
	else
		printf("%s\n", s);
	jout_free(v);
	oom = 0;
	return rc;
}

void
jout_free(struct jout *v)
{
	if (v != NULL)
		json_object_put(J(v));
}
