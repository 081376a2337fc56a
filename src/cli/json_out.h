/*
 * json_out.h: machine output.  Builds one JSON value and prints it as the
 * single JSON document on stdout (--json).  The only CLI file that knows
 * json-c is json_out.c; here a value is an opaque struct jout.
 *
 * Builders never fail visibly: out of memory is remembered and reported by
 * jout_emit().  Every function accepts NULL values and containers.
 */
#ifndef CLI_JSON_OUT_H
#define CLI_JSON_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "dossier.h"

struct jout;

struct jout *jout_object(void);
struct jout *jout_array(void);

/* A document in the "Document" shape of spec/CLI.md. */
struct jout *jout_doc(const struct dossier_doc *doc);

/* One entry of a document's history. */
struct jout *jout_version(const struct dossier_version *v);

/* An array of n strings. */
struct jout *jout_strings(const char *const *v, size_t n);

/* The names of the permission bits in perms, as an array. */
struct jout *jout_perms(unsigned perms);

/*
 * A user: name, role, clearance, groups, disabled, must_change, created,
 * certified_by, permissions (the role's).
 */
struct jout *jout_user(const struct dossier_user_info *u);

/*
 * A grant: principal, permissions, doc (or null), category (or null),
 * granted_by, granted.
 */
struct jout *jout_grant(const struct dossier_grant_info *g);

/* Sets obj[key]; the put() forms take ownership of val. */
void jout_put(struct jout *obj, const char *key, struct jout *val);
void jout_put_str(struct jout *obj, const char *key, const char *s);
void jout_put_int(struct jout *obj, const char *key, int64_t n);
void jout_put_bool(struct jout *obj, const char *key, int b);
void jout_put_num(struct jout *obj, const char *key, double v);
/* A bare integer, for arrays. */
struct jout *jout_int(int64_t n);
struct jout *jout_str(const char *s);
void jout_put_null(struct jout *obj, const char *key);
/* An ISO 8601 UTC time, "2026-11-26T20:00:00Z"; null when t is 0. */
void jout_put_time(struct jout *obj, const char *key, int64_t t);
/* n, or null when n is 0 (ids, version numbers). */
void jout_put_id(struct jout *obj, const char *key, int64_t n);

/* Appends val to the array arr, taking ownership. */
void jout_push(struct jout *arr, struct jout *val);

/*
 * Prints v and a newline on stdout and frees v.  Returns CLI_EXIT_OK, or
 * CLI_EXIT_RUNTIME after reporting that memory ran out while building.
 */
int jout_emit(struct jout *v);

void jout_free(struct jout *v);

#endif /* CLI_JSON_OUT_H */
