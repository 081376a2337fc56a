/*
 * grant.c: the common run of "grant" and "revoke" (see grant.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "grant.h"
#include "json_out.h"
#include "opt.h"

enum { O_DOC = 1, O_CATEGORY };

static const struct cli_opt grant_opts[] = {
    {"doc", 0, 1, O_DOC},
    {"category", 0, 1, O_CATEGORY},
    {NULL, 0, 0, 0},
};

/* "granted read, export to @finance on category 合同". */
static int
print_done(struct cli *c, const char *principal, unsigned perms, int64_t doc,
    const char *category, int revoke)
{
	struct jout *j;
	char *names;

	if (c->json) {
		j = jout_object();
		jout_put_str(j, "principal", principal);
		jout_put(j, "permissions", jout_perms(perms));
		jout_put_id(j, "doc", doc);
		jout_put_str(j, "category", category);
		jout_put_str(j, "action", revoke ? "revoke" : "grant");
		return jout_emit(j);
	}
	names = cli_perm_names(perms, ", ");
	if (names == NULL)
		return cli_oom();
	if (doc != 0)
		printf("%s %s %s %s on document %" PRId64 "\n",
		    revoke ? "revoked" : "granted", names,
		    revoke ? "from" : "to", principal, doc);
	else
		printf("%s %s %s %s on category %s\n",
		    revoke ? "revoked" : "granted", names,
		    revoke ? "from" : "to", principal, category);
	free(names);
	return CLI_EXIT_OK;
}

int
grant_run(struct cli *c, int argc, char **argv, int revoke)
{
	struct opt_state o;
	struct dossier *d = NULL;
	const char *category = NULL, *docarg = NULL;
	char **args;
	unsigned perms = 0, perm;
	int64_t doc = 0;
	int ch, i, n, r, rc;

	opt_init(&o, c, argc, argv, 1);
	for (;;) {
		ch = opt_next(&o, grant_opts);
		if (ch == OPT_END)
			break;
		switch (ch) {
		case O_DOC:
			docarg = o.arg;
			break;
		case O_CATEGORY:
			category = o.arg;
			break;
		case OPT_HELP:
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 1, -1, "user or @group");
	if (rc == CLI_EXIT_OK && args[0][0] == '@' && args[0][1] == '\0')
		rc = cli_usage(c, "empty group name");
	if (rc == CLI_EXIT_OK && n < 2)
		rc = cli_usage(c,
		    "missing PERMISSION (read, file, edit, "
		    "delete, export, audit, backup, admin)");
	for (i = 1; rc == CLI_EXIT_OK && i < n; i++) {
		rc = cli_arg_perm(c, args[i], &perm);
		perms |= perm;
	}
	if (rc == CLI_EXIT_OK && (docarg == NULL) == (category == NULL))
		rc = cli_usage(c, "give exactly one of --doc and --category");
	else if (rc == CLI_EXIT_OK && docarg != NULL)
		rc = cli_arg_id(c, docarg, &doc);
	else if (rc == CLI_EXIT_OK && category[0] == '\0')
		rc = cli_usage(c, "empty category");
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (revoke)
		r = dossier_revoke(d, args[0], perms, doc, category);
	else
		r = dossier_grant(d, args[0], perms, doc, category);
	if (r < 0)
		rc = cli_fail(d, r);
	else
		rc = print_done(c, args[0], perms, doc, category, revoke);
	dossier_close(d);
	return rc;
}
