/*
 * cmd_init.c: "dossier init PATH [--admin NAME]": creates a vault with its
 * first administrator.
 */
#include <stdio.h>

#include "cli.h"
#include "json_out.h"
#include "opt.h"
#include "pass.h"

enum { O_ADMIN = 1 };

static const struct cli_opt init_opts[] = {
    {"admin", 0, 1, O_ADMIN},
    {NULL, 0, 0, 0},
};

static int
init_run(struct cli *c, int argc, char **argv)
{
	struct opt_state o;
	struct dossier *d = NULL;
	struct pass p;
	struct jout *j;
	const char *admin = NULL;
	char **args;
	int ch, n, rc;

	pass_init(&p);
	opt_init(&o, c, argc, argv, 1);
	for (;;) {
		ch = opt_next(&o, init_opts);
		if (ch == OPT_END)
			break;
		switch (ch) {
		case O_ADMIN:
			admin = o.arg;
			break;
		case OPT_HELP:
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 1, 1, "vault PATH");
	if (rc != CLI_EXIT_OK)
		return rc;
	if (admin == NULL)
		admin = cli_user(c);
	if (admin == NULL)
		return cli_usage(c,
		    "cannot tell who you are (use --admin, "
		    "--user or DOSSIER_USER)");
	if (admin[0] == '\0')
		return cli_usage(c, "empty administrator name");

	rc = pass_get_new(c, admin, 1, &p);
	if (rc != CLI_EXIT_OK)
		goto out;
	rc = dossier_create(args[0], admin, p.buf, p.len, &d);
	pass_wipe(&p);
	if (rc < 0) {
		rc = cli_fail(d, rc);
		goto out;
	}
	if (c->json) {
		j = jout_object();
		jout_put_str(j, "vault", args[0]);
		jout_put_str(j, "admin", admin);
		rc = jout_emit(j);
	} else {
		printf("initialised vault at %s (administrator %s)\n", args[0],
		    admin);
		rc = CLI_EXIT_OK;
	}
out:
	pass_wipe(&p);
	dossier_close(d);
	return rc;
}

const struct cli_cmd cmd_init = {
    .name = "init",
    .summary = "create a new vault with its first administrator",
    .usage = "init PATH [--admin NAME]",
    .help = "options:\n"
            "  --admin NAME   the administrator (default: --user, or your "
            "login name)\n"
            "\n"
            "PATH must not exist or be an empty directory.  The new "
            "passphrase comes\nfrom --new-passphrase-file, "
            "DOSSIER_NEW_PASSPHRASE, or is asked twice;\nif none of these "
            "is given, --passphrase-file or DOSSIER_PASSPHRASE is used.\n",
    .flags = 0,
    .run = init_run,
};
