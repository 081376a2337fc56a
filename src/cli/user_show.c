/*
 * user_show.c: "dossier user list" (every user as a table) and
 * "dossier user show NAME" (one user as "key: value" lines, then the grants
 * naming them).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "json_out.h"
#include "opt.h"
#include "out.h"
#include "user.h"

/* Display limit of the groups column. */
#define GROUPS_MAX 30

struct user_state {
	struct cli *c;
	struct jout *json; /* --json: the array */
	struct table *table;
	int oom;
};

/* dossier_user_each()'s callback: u is borrowed for the call. */
static int
user_row(void *ctx, const struct dossier_user_info *u)
{
	struct user_state *s = ctx;
	const char *row[5], *level;
	char *groups;

	if (s->c->json) {
		jout_push(s->json, jout_user(u));
		return 0;
	}
	groups = out_join(u->groups, u->ngroups, ",");
	if (groups == NULL) {
		s->oom = 1;
		return 0;
	}
	level = dossier_level_name(u->clearance, 1);
	row[0] = u->name;
	row[1] = u->role;
	row[2] = level != NULL ? level : "?";
	row[3] = groups;
	row[4] = user_status(u);
	table_add(s->table, row);
	free(groups);
	return 0;
}

static int
list_run(struct cli *c, int argc, char **argv)
{
	static const char *const headers[] = {
	    "NAME", "ROLE", "CLEARANCE", "GROUPS", "STATUS"};
	struct user_state s = {c, NULL, NULL, 0};
	struct dossier *d = NULL;
	struct jout *j;
	char **args;
	int done, n, r, rc;

	rc = user_args(c, argc, argv, 0, 0, "", &args, &n, &done);
	if (done)
		return rc;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (c->json) {
		s.json = jout_array();
	} else {
		s.table = table_new(5, headers);
		if (s.table == NULL) {
			rc = cli_oom();
			goto out;
		}
		table_max(s.table, 3, GROUPS_MAX);
	}
	r = dossier_user_each(d, user_row, &s);
	if (r < 0) {
		rc = cli_fail(d, r);
		goto out;
	}
	if (s.oom) {
		rc = cli_oom();
		goto out;
	}
	if (c->json) {
		j = jout_object();
		jout_put(j, "users", s.json);
		s.json = NULL;
		rc = jout_emit(j);
	} else if (table_print(s.table, stdout) != 0) {
		rc = cli_oom();
	}
out:
	jout_free(s.json);
	table_free(s.table);
	dossier_close(d);
	return rc;
}

static void
kv(struct table *t, const char *key, const char *value)
{
	const char *row[2];

	row[0] = key;
	row[1] = (value != NULL && value[0] != '\0') ? value : "(none)";
	table_add(t, row);
}

/* The "key: value" table of u; NULL when out of memory. */
static struct table *
user_table(const struct dossier_user_info *u)
{
	char level[64], when[OUT_TIME_MAX];
	struct table *t;
	char *groups, *perms;

	groups = out_join(u->groups, u->ngroups, ", ");
	perms = cli_perm_names(u->perms, ", ");
	t = table_new(2, NULL);
	if (t == NULL || groups == NULL || perms == NULL) {
		free(groups);
		free(perms);
		table_free(t);
		return NULL;
	}
	table_gap(t, 1);
	kv(t, "name:", u->name);
	kv(t, "role:", u->role);
	kv(t, "clearance:", cli_level_both(level, sizeof(level), u->clearance));
	kv(t, "groups:", groups);
	kv(t, "status:", user_status(u));
	kv(t, "created:", out_time(when, u->created, 0));
	kv(t, "certified by:", u->certifier);
	kv(t, "permissions:", perms);
	free(groups);
	free(perms);
	return t;
}

struct grant_state {
	struct cli *c;
	struct jout *json; /* --json: the array */
	struct table *table;
	int oom;
};

/* dossier_grant_each()'s callback: g is borrowed for the call. */
static int
grant_row(void *ctx, const struct dossier_grant_info *g)
{
	struct grant_state *s = ctx;
	char on[64], when[OUT_TIME_MAX];
	const char *row[4];
	char *perms, *where = NULL;
	const char *pair[2];

	if (s->c->json) {
		jout_push(s->json, jout_grant(g));
		return 0;
	}
	perms = cli_perm_names(g->perms, ", ");
	if (g->doc != 0) {
		snprintf(on, sizeof(on), "document %" PRId64, g->doc);
	} else {
		pair[0] = "category";
		pair[1] = g->category != NULL ? g->category : "";
		where = out_join(pair, 2, " ");
	}
	if (perms == NULL || (g->doc == 0 && where == NULL)) {
		s->oom = 1;
	} else {
		row[0] = perms;
		row[1] = where != NULL ? where : on;
		row[2] = g->granted_by;
		row[3] = out_time(when, g->granted, 0);
		table_add(s->table, row);
	}
	free(perms);
	free(where);
	return 0;
}

static int
show_run(struct cli *c, int argc, char **argv)
{
	static const char *const headers[] = {
	    "PERMISSIONS", "ON", "GRANTED BY", "GRANTED"};
	struct grant_state s = {c, NULL, NULL, 0};
	const struct dossier_user_info *u;
	struct dossier *d = NULL;
	struct table *kvs = NULL;
	struct jout *j = NULL;
	char **args;
	int done, n, r, rc;

	rc = user_args(c, argc, argv, 1, 1, "user NAME", &args, &n, &done);
	if (done)
		return rc;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		return rc;
	r = dossier_user_show(d, args[0], &u);
	if (r < 0) {
		rc = cli_fail(d, r);
		goto out;
	}
	/* u is borrowed until the next call on d: render it first. */
	if (c->json) {
		j = jout_user(u);
		s.json = jout_array();
	} else {
		kvs = user_table(u);
		s.table = table_new(4, headers);
		if (kvs == NULL || s.table == NULL) {
			rc = cli_oom();
			goto out;
		}
	}
	r = dossier_grant_each(d, args[0], grant_row, &s);
	if (r < 0) {
		rc = cli_fail(d, r);
		goto out;
	}
	if (s.oom) {
		rc = cli_oom();
		goto out;
	}
	if (c->json) {
		jout_put(j, "grants", s.json);
		s.json = NULL;
		rc = jout_emit(j);
		j = NULL;
		goto out;
	}
	if (table_print(kvs, stdout) != 0) {
		rc = cli_oom();
		goto out;
	}
	putchar('\n');
	if (table_rows(s.table) == 0)
		puts("no grants");
	else if (table_print(s.table, stdout) != 0)
		rc = cli_oom();
out:
	jout_free(j);
	jout_free(s.json);
	table_free(kvs);
	table_free(s.table);
	dossier_close(d);
	return rc;
}

const struct cli_cmd cmd_user_list = {
    .name = "user list",
    .summary = "list every user (administrator)",
    .usage = "user list",
    .help = "Prints NAME, ROLE, CLEARANCE, GROUPS and STATUS (active, "
            "disabled, or\n'must change passphrase' while on a one-time "
            "passphrase).\n",
    .flags = 0,
    .run = list_run,
    .subs = NULL,
};

const struct cli_cmd cmd_user_show = {
    .name = "user show",
    .summary = "describe a user and their grants (administrator, or "
               "yourself)",
    .usage = "user show NAME",
    .help = "Prints the user's name, role, clearance, groups, status, "
            "creation, certifier\nand the permissions of the role, then "
            "the grants naming the user (grants\nto the user's @groups "
            "are not included).\n",
    .flags = 0,
    .run = show_run,
    .subs = NULL,
};
