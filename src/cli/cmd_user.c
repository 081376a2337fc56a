/*
 * cmd_user.c: "dossier user SUBCOMMAND": adds users, changes or resets
 * passphrases, disables users and changes their clearance.  "user list"
 * and "user show" are in user_show.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"
#include "opt.h"
#include "pass.h"
#include "user.h"

/* Room for a one-time passphrase ("abcd-" x 5 and the NUL need 25). */
#define ONETIME_SIZE 64

static const struct cli_opt no_opts[] = {{NULL, 0, 0, 0}};

int
user_print_onetime(
    struct cli *c, struct jout *j, const char *name, const char *onetime)
{
	if (c->json) {
		jout_put_str(j, "one_time_passphrase", onetime);
		return jout_emit(j);
	}
	jout_free(j);
	printf("one-time passphrase: %s\n", onetime);
	printf("%s must replace it at first use with 'dossier user passwd'\n",
	    name);
	return CLI_EXIT_OK;
}

const char *
user_status(const struct dossier_user_info *u)
{
	if (u->disabled)
		return "disabled";
	if (u->must_change)
		return "must change passphrase";
	return "active";
}

int
user_args(struct cli *c, int argc, char **argv, int min, int max,
    const char *what, char ***args, int *n, int *done)
{
	struct opt_state o;
	int ch, rc;

	*done = 1;
	*n = 0;
	opt_init(&o, c, argc, argv, 1);
	ch = opt_next(&o, no_opts);
	if (ch != OPT_END)
		return ch == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	*n = opt_operands(&o, args);
	rc = cli_arg_nargs(c, *n, *args, min, max, what);
	if (rc == CLI_EXIT_OK)
		*done = 0;
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Groups as the library keeps them: no '@', sorted, each once. */
static size_t
normalise_groups(const char **groups, size_t n)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (groups[i][0] == '@')
			groups[i]++;
	}
	if (n > 1)
		qsort(groups, n, sizeof(*groups), cmp_str);
	for (i = 0; i < n; i++) {
		if (m == 0 || strcmp(groups[m - 1], groups[i]) != 0)
			groups[m++] = groups[i];
	}
	return m;
}

enum { O_ROLE = 1, O_CLEARANCE, O_GROUP };

static const struct cli_opt add_opts[] = {
    {"role", 0, 1, O_ROLE},
    {"clearance", 0, 1, O_CLEARANCE},
    {"group", 0, 1, O_GROUP},
    {NULL, 0, 0, 0},
};

static int
add_run(struct cli *c, int argc, char **argv)
{
	struct opt_state o;
	struct dossier *d = NULL;
	struct jout *j;
	const char **groups;
	const char *role = NULL;
	char onetime[ONETIME_SIZE], level[64];
	char **args;
	size_t ngroups = 0;
	int ch, n, r, rc = CLI_EXIT_OK;
	int clearance = DOSSIER_LEVEL_INTERNAL;

	memset(onetime, 0, sizeof(onetime));
	groups = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*groups));
	if (groups == NULL)
		return cli_oom();
	opt_init(&o, c, argc, argv, 1);
	for (;;) {
		ch = opt_next(&o, add_opts);
		if (ch == OPT_END)
			break;
		switch (ch) {
		case O_ROLE:
			role = o.arg;
			rc = cli_arg_role(c, o.arg);
			break;
		case O_CLEARANCE:
			rc = cli_arg_level(c, o.arg, &clearance);
			break;
		case O_GROUP:
			if (o.arg[0] == '\0' || strcmp(o.arg, "@") == 0)
				rc = cli_usage(c, "empty group name");
			groups[ngroups++] = o.arg;
			break;
		case OPT_HELP:
			goto out;
		default:
			rc = CLI_EXIT_USAGE;
			goto out;
		}
		if (rc != CLI_EXIT_OK)
			goto out;
	}
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 1, 1, "user NAME");
	if (rc == CLI_EXIT_OK && role == NULL)
		rc = cli_usage(c, "missing --role");
	if (rc != CLI_EXIT_OK)
		goto out;
	ngroups = normalise_groups(groups, ngroups);
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		goto out;
	r = dossier_user_add(d, args[0], role, clearance, groups, ngroups,
	    onetime, sizeof(onetime));
	if (r < 0) {
		rc = cli_fail(d, r);
		goto out;
	}
	j = NULL;
	if (c->json) {
		j = jout_object();
		jout_put_str(j, "user", args[0]);
		jout_put_str(j, "role", role);
		jout_put_str(j, "clearance", dossier_level_name(clearance, 0));
		jout_put(j, "groups", jout_strings(groups, ngroups));
	} else {
		printf("added user %s (role %s, cleared for %s)\n", args[0],
		    role, cli_level_both(level, sizeof(level), clearance));
	}
	rc = user_print_onetime(c, j, args[0], onetime);
out:
	pass_wipe_mem(onetime, sizeof(onetime));
	dossier_close(d);
	free(groups);
	return rc;
}

/* The acting user replaces their own passphrase (one-time or not). */
static int
passwd_self(struct cli *c, struct dossier *d, const char *name)
{
	struct pass p;
	struct jout *j;
	int r, rc;

	pass_init(&p);
	rc = pass_get_new(c, name, 0, &p);
	if (rc != CLI_EXIT_OK)
		return rc;
	r = dossier_user_passwd(d, NULL, p.buf, p.len, NULL, 0);
	pass_wipe(&p);
	if (r < 0)
		return cli_fail(d, r);
	if (c->json) {
		j = jout_object();
		jout_put_str(j, "user", name);
		jout_put_bool(j, "changed", 1);
		return jout_emit(j);
	}
	puts("passphrase changed");
	return CLI_EXIT_OK;
}

/* An administrator resets another user: new keys, one-time passphrase. */
static int
passwd_reset(struct cli *c, struct dossier *d, const char *name)
{
	struct jout *j = NULL;
	char onetime[ONETIME_SIZE];
	int r, rc;

	memset(onetime, 0, sizeof(onetime));
	r = dossier_user_passwd(d, name, NULL, 0, onetime, sizeof(onetime));
	if (r < 0) {
		rc = cli_fail(d, r);
		goto out;
	}
	if (c->json) {
		j = jout_object();
		jout_put_str(j, "user", name);
	} else {
		printf("reset the passphrase of user %s\n", name);
	}
	rc = user_print_onetime(c, j, name, onetime);
out:
	pass_wipe_mem(onetime, sizeof(onetime));
	return rc;
}

static int
passwd_run(struct cli *c, int argc, char **argv)
{
	struct dossier *d = NULL;
	const char *me;
	char **args;
	int done, n, rc;

	rc = user_args(c, argc, argv, 0, 1, "user NAME", &args, &n, &done);
	if (done)
		return rc;
	/* A user on a one-time passphrase may unlock, to run just this. */
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		return rc;
	me = cli_user(c);
	if (n == 1 && strcmp(args[0], me) != 0)
		rc = passwd_reset(c, d, args[0]);
	else
		rc = passwd_self(c, d, me);
	dossier_close(d);
	return rc;
}

static int
recovery_run(struct cli *c, int argc, char **argv)
{
	struct dossier *d = NULL;
	struct pass p;
	struct jout *j;
	const char *me;
	char **args;
	int done, n, r, rc;

	rc = user_args(c, argc, argv, 0, 0, "", &args, &n, &done);
	if (done)
		return rc;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		return rc;
	me = cli_user(c);
	pass_init(&p);
	rc = pass_get_new(c, me, 0, &p);
	if (rc == CLI_EXIT_OK) {
		r = dossier_user_recovery(d, p.buf, p.len);
		pass_wipe(&p);
		if (r < 0) {
			rc = cli_fail(d, r);
		} else if (c->json) {
			j = jout_object();
			jout_put_str(j, "user", me);
			jout_put_bool(j, "recovery", 1);
			rc = jout_emit(j);
		} else {
			puts("recovery passphrase set: keep it apart from the "
			    "vault; it also opens backups made from now on");
		}
	}
	pass_wipe(&p);
	dossier_close(d);
	return rc;
}

static int
disable_run(struct cli *c, int argc, char **argv)
{
	struct dossier *d = NULL;
	struct jout *j;
	char **args;
	int done, n, r, rc;

	rc = user_args(c, argc, argv, 1, 1, "user NAME", &args, &n, &done);
	if (done)
		return rc;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		return rc;
	r = dossier_user_disable(d, args[0]);
	if (r < 0) {
		rc = cli_fail(d, r);
	} else if (c->json) {
		j = jout_object();
		jout_put_str(j, "user", args[0]);
		jout_put_bool(j, "disabled", 1);
		rc = jout_emit(j);
	} else {
		printf("disabled user %s; level keys rotated: run 'dossier "
		       "rekey' to re-wrap older documents\n",
		    args[0]);
	}
	dossier_close(d);
	return rc;
}

static int
clearance_run(struct cli *c, int argc, char **argv)
{
	struct dossier *d = NULL;
	struct jout *j;
	char **args;
	char level[64];
	int done, n, r, rc, l;

	rc = user_args(c, argc, argv, 0, 2, "", &args, &n, &done);
	if (done)
		return rc;
	if (n < 2)
		return cli_usage(
		    c, "missing %s", n == 0 ? "user NAME" : "LEVEL");
	rc = cli_arg_level(c, args[1], &l);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		return rc;
	r = dossier_user_clearance(d, args[0], l);
	if (r < 0) {
		rc = cli_fail(d, r);
	} else if (c->json) {
		j = jout_object();
		jout_put_str(j, "user", args[0]);
		jout_put_str(j, "clearance", dossier_level_name(l, 0));
		rc = jout_emit(j);
	} else {
		printf("user %s is now cleared for %s\n", args[0],
		    cli_level_both(level, sizeof(level), l));
	}
	dossier_close(d);
	return rc;
}

static int
user_run(struct cli *c, int argc, char **argv)
{
	return cli_run_subcommand(c, &cmd_user, argc, argv);
}

const struct cli_cmd cmd_user_add = {
    .name = "user add",
    .summary = "add a user (administrator); prints a one-time passphrase",
    .usage = "user add NAME --role ROLE [--clearance L] [--group G]...",
    .help = "options:\n"
            "  --role ROLE     admin, clerk, viewer, auditor or backup "
            "(required)\n"
            "  --clearance L   the highest level the user may read "
            "(default internal):\n"
            "                  public, internal, confidential, secret, "
            "top-secret,\n"
            "                  or 公开, 内部, 秘密, 机密, 绝密\n"
            "  --group G       a group the user belongs to, with or "
            "without '@'\n"
            "                  (repeatable); grants to @G apply to them\n"
            "\n"
            "You can clear a user only up to your own clearance.  The "
            "one-time passphrase\nis printed once: give it to the user, "
            "who must replace it with\n'dossier user passwd' before doing "
            "anything else.\n",
    .flags = 0,
    .run = add_run,
    .subs = NULL,
};

const struct cli_cmd cmd_user_recovery = {
    .name = "user recovery",
    .summary = "set your recovery passphrase",
    .usage = "user recovery",
    .help = "Sets (or replaces) a second passphrase over your keys, for "
            "when yours is\nlost: keep it apart, on paper in a safe.  It "
            "opens the vault and every\nbackup made after it is set.  The "
            "new passphrase comes from\n--new-passphrase-file, "
            "DOSSIER_NEW_PASSPHRASE, or is asked twice.  An\n"
            "administrator's reset removes it.\n",
    .flags = 0,
    .run = recovery_run,
};

const struct cli_cmd cmd_user_passwd = {
    .name = "user passwd",
    .summary = "change your passphrase, or reset another user's "
               "(administrator)",
    .usage = "user passwd [NAME]",
    .help = "Without NAME (or with your own name), replaces your "
            "passphrase; this also\nworks while you are still on a "
            "one-time passphrase.  The new passphrase\n(at least 12 "
            "characters) comes from --new-passphrase-file,\n"
            "DOSSIER_NEW_PASSPHRASE, or is asked twice.\n"
            "\n"
            "With another user's NAME (administrator): issues that user "
            "new keys and a\nnew one-time passphrase, printed once.\n",
    .flags = 0,
    .run = passwd_run,
    .subs = NULL,
};

const struct cli_cmd cmd_user_disable = {
    .name = "user disable",
    .summary = "disable a user (administrator); rotates their level keys",
    .usage = "user disable NAME",
    .help = "The user can no longer unlock the vault.  The keys of every "
            "level they\nwere cleared for are rotated: documents filed "
            "from now on are out of\ntheir reach; 'dossier rekey' moves "
            "the older documents to the new keys.\n",
    .flags = 0,
    .run = disable_run,
    .subs = NULL,
};

const struct cli_cmd cmd_user_clearance = {
    .name = "user clearance",
    .summary = "change a user's clearance (administrator)",
    .usage = "user clearance NAME LEVEL",
    .help = "LEVEL: public, internal, confidential, secret, top-secret, "
            "or 公开, 内部,\n秘密, 机密, 绝密; at most your own "
            "clearance.  Lowering it rotates the keys\nof the levels "
            "taken away ('dossier rekey' re-wraps older documents).\n",
    .flags = 0,
    .run = clearance_run,
    .subs = NULL,
};

static const struct cli_cmd *const user_subs[] = {
    &cmd_user_add,
    &cmd_user_passwd,
    &cmd_user_recovery,
    &cmd_user_list,
    &cmd_user_show,
    &cmd_user_disable,
    &cmd_user_clearance,
    NULL,
};

const struct cli_cmd cmd_user = {
    .name = "user",
    .summary = "add, list, show, disable users; passphrases, clearance",
    .usage = "user add NAME --role ROLE [--clearance L] [--group G]...\n"
             "       dossier user passwd [NAME]\n"
             "       dossier user recovery\n"
             "       dossier user list\n"
             "       dossier user show NAME\n"
             "       dossier user disable NAME\n"
             "       dossier user clearance NAME LEVEL",
    .help = "Roles: admin (everything), clerk (read, file, edit, export), "
            "viewer (read),\nauditor (audit), backup (backup).  Only "
            "'user passwd' (own passphrase) and\n'user show' (yourself) "
            "are open to every user.\n",
    .flags = 0,
    .run = user_run,
    .subs = user_subs,
};
