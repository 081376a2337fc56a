/*
 * cmd_upgrade.c: "dossier upgrade": brings a vault of an older format to
 * the current one (an administrator's passphrase is needed: the catalog
 * is encrypted under the catalog key from format 2 on).
 */
#include <stdio.h>

#include "cli.h"
#include "json_out.h"
#include "opt.h"
#include "pass.h"

static const struct cli_opt upgrade_opts[] = {
    {NULL, 0, 0, 0},
};

static int
upgrade_run(struct cli *c, int argc, char **argv)
{
	struct opt_state o;
	struct dossier *d = NULL;
	struct pass p;
	struct jout *j;
	const char *user;
	char **args;
	int ch, n, rc, from = 0;

	pass_init(&p);
	opt_init(&o, c, argc, argv, 1);
	for (;;) {
		ch = opt_next(&o, upgrade_opts);
		if (ch == OPT_END)
			break;
		if (ch == OPT_HELP)
			return CLI_EXIT_OK;
		return CLI_EXIT_USAGE;
	}
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 0, 0, "");
	if (rc != CLI_EXIT_OK)
		return rc;
	if (c->vault == NULL) {
		cli_err("no vault given (use --vault or DOSSIER_VAULT)");
		return CLI_EXIT_USAGE;
	}
	user = cli_user(c);
	if (user == NULL) {
		cli_err("cannot tell who you are (use --user or DOSSIER_USER)");
		return CLI_EXIT_USAGE;
	}
	rc = pass_get(c, user, &p);
	if (rc != CLI_EXIT_OK)
		goto out;
	rc = dossier_upgrade(c->vault, user, p.buf, p.len, &from, &d);
	pass_wipe(&p);
	if (rc < 0) {
		rc = cli_fail(d, rc);
		goto out;
	}
	if (c->json) {
		j = jout_object();
		jout_put_str(j, "vault", c->vault);
		jout_put_int(j, "from", from);
		jout_put_int(j, "format", DOSSIER_VAULT_FORMAT);
		rc = jout_emit(j);
	} else if (from < DOSSIER_VAULT_FORMAT) {
		printf("upgraded vault %s from format %d to format %d\n",
		    c->vault, from, DOSSIER_VAULT_FORMAT);
		rc = CLI_EXIT_OK;
	} else {
		printf("vault %s is already at format %d: nothing to do\n",
		    c->vault, from);
		rc = CLI_EXIT_OK;
	}
out:
	pass_wipe(&p);
	dossier_close(d);
	return rc;
}

const struct cli_cmd cmd_upgrade = {
    .name = "upgrade",
    .summary = "bring a vault of an older format to the current one",
    .usage = "upgrade",
    .help = "An administrator's passphrase is needed.  Format 1 vaults "
            "(plain catalog)\nbecome format 2 (catalog encrypted page by "
            "page, key slots in keyring.db).\nThe old files are replaced in "
            "one step: an interrupted upgrade leaves the\nold vault or the "
            "new one; run it again to finish.  No other dossier may\nuse "
            "the vault meanwhile.\n",
    .flags = 0,
    .run = upgrade_run,
};
