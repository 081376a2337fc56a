/*
 * cmd_version.c: "dossier version": the program's version.
 */
#include <stdio.h>

#include "cli.h"
#include "json_out.h"
#include "opt.h"

static int
version_run(struct cli *c, int argc, char **argv)
{
	static const struct cli_opt opts[] = {{NULL, 0, 0, 0}};
	struct opt_state o;
	struct jout *j;
	char **args;
	int ch, n, rc;

	opt_init(&o, c, argc, argv, 1);
	/* Only global options here: they are applied by opt_next(). */
	ch = opt_next(&o, opts);
	if (ch != OPT_END)
		return ch == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 0, 0, "");
	if (rc != CLI_EXIT_OK)
		return rc;
	if (!c->json) {
		printf("dossier %s\n", DOSSIER_VERSION_STRING);
		return CLI_EXIT_OK;
	}
	j = jout_object();
	jout_put_str(j, "version", DOSSIER_VERSION_STRING);
	return jout_emit(j);
}

const struct cli_cmd cmd_version = {
    .name = "version",
    .summary = "print the version",
    .usage = "version",
    .help = NULL,
    .flags = CLI_CMD_NOLIB,
    .run = version_run,
};
