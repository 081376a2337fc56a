/*
 * cmd_help.c: "dossier help [COMMAND]", and the help texts that
 * "dossier --help" and "COMMAND --help" print.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opt.h"

static const char global_help[] =
    "global options:\n"
    "  -V, --vault PATH          the vault directory (env DOSSIER_VAULT)\n"
    "  -u, --user NAME           acting user (env DOSSIER_USER; default:\n"
    "                            your login name)\n"
    "  --passphrase-file FILE    read the passphrase from the first line of\n"
    "                            FILE ('-': stdin); else env\n"
    "                            DOSSIER_PASSPHRASE; else a prompt\n"
    "  --new-passphrase-file FILE\n"
    "                            the same for a new passphrase (env\n"
    "                            DOSSIER_NEW_PASSPHRASE)\n"
    "  --json                    machine output: one JSON document on "
    "stdout\n"
    "  -q, --quiet               no progress, no notes on stderr\n"
    "  -h, --help                help; with a command, its help\n"
    "  --version                 the version\n"
    "\n"
    "exit status: 0 ok, 1 runtime error, 2 usage error, 3 not found,\n"
    "4 authentication failed, 5 permission denied, 6 integrity violation,\n"
    "7 conflict or busy, 8 bad input file\n";

void
cli_print_help(FILE *f)
{
	const struct cli_cmd *const *cmd;

	cli_print_usage(NULL, f);
	fputs("\ncommands:\n", f);
	for (cmd = cli_commands(); *cmd != NULL; cmd++)
		fprintf(f, "  %-10s%s\n", (*cmd)->name, (*cmd)->summary);
	fputc('\n', f);
	fputs(global_help, f);
	fputs("\nrun 'dossier help COMMAND' for a command's options\n", f);
}

void
cli_print_cmd_help(const struct cli_cmd *cmd, FILE *f)
{
	const struct cli_cmd *const *sub;
	const char *last;

	cli_print_usage(cmd, f);
	fprintf(f, "\n%s\n", cmd->summary);
	if (cmd->help != NULL)
		fprintf(f, "\n%s", cmd->help);
	if (cmd->subs != NULL) {
		fputs("\nsubcommands:\n", f);
		for (sub = cmd->subs; *sub != NULL; sub++) {
			last = strrchr((*sub)->name, ' ');
			fprintf(f, "  %-10s%s\n",
			    last != NULL ? last + 1 : (*sub)->name,
			    (*sub)->summary);
		}
		fprintf(f,
		    "\nrun 'dossier help %s SUBCOMMAND' for a subcommand's "
		    "options\n",
		    cmd->name);
	}
	fputs("\nglobal options (-V, -u, --passphrase-file, --json, -q) may be "
	      "given too:\nsee 'dossier help'\n",
	    f);
}

static int
help_run(struct cli *c, int argc, char **argv)
{
	static const struct cli_opt opts[] = {{NULL, 0, 0, 0}};
	const struct cli_cmd *cmd, *sub;
	struct opt_state o;
	char **args;
	int ch, n, rc;

	opt_init(&o, c, argc, argv, 1);
	/* Only global options here: they are applied by opt_next(). */
	ch = opt_next(&o, opts);
	if (ch != OPT_END)
		return ch == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	n = opt_operands(&o, &args);
	cmd = n > 0 ? cli_find_command(args[0]) : NULL;
	rc = cli_arg_nargs(
	    c, n, args, 0, cmd != NULL && cmd->subs != NULL ? 2 : 1, "");
	if (rc != CLI_EXIT_OK)
		return rc;
	if (n == 0) {
		cli_print_help(stdout);
		return CLI_EXIT_OK;
	}
	if (cmd == NULL) {
		c->cmd = NULL;
		return cli_usage(c, "unknown command '%s'", args[0]);
	}
	if (n == 2) {
		sub = cli_find_subcommand(cmd, args[1]);
		if (sub == NULL)
			return cli_usage(
			    c, "unknown subcommand '%s %s'", args[0], args[1]);
		cmd = sub;
	}
	cli_print_cmd_help(cmd, stdout);
	return CLI_EXIT_OK;
}

const struct cli_cmd cmd_help = {
    .name = "help",
    .summary = "list the commands, or show one command's options",
    .usage = "help [COMMAND [SUBCOMMAND]]",
    .help = NULL,
    .flags = CLI_CMD_NOLIB,
    .run = help_run,
};
