/*
 * main.c: the dossier program: the global options before the command, the
 * command table, library set-up and the exit status.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opt.h"

/* Every command, in the order "dossier help" lists them. */
static const struct cli_cmd *const commands[] = {
    &cmd_init,
    &cmd_add,
    &cmd_update,
    &cmd_meta,
    &cmd_list,
    &cmd_search,
    &cmd_show,
    &cmd_get,
    &cmd_history,
    &cmd_rm,
    &cmd_restore,
    &cmd_purge,
    &cmd_verify,
    &cmd_user,
    &cmd_grant,
    &cmd_revoke,
    &cmd_rekey,
    &cmd_audit,
    &cmd_backup,
    &cmd_import,
    &cmd_export,
    &cmd_upgrade,
    &cmd_help,
    &cmd_version,
    NULL,
};

enum { MAIN_VERSION = 1 };

/* Options only valid before the command (besides the global ones). */
static const struct cli_opt main_opts[] = {
    {"version", 0, 0, MAIN_VERSION},
    {NULL, 0, 0, 0},
};

const struct cli_cmd *const *
cli_commands(void)
{
	return commands;
}

const struct cli_cmd *
cli_find_command(const char *name)
{
	size_t i;

	for (i = 0; commands[i] != NULL; i++) {
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	}
	return NULL;
}

const struct cli_cmd *
cli_find_subcommand(const struct cli_cmd *cmd, const char *name)
{
	const char *last;
	size_t i;

	for (i = 0; cmd->subs != NULL && cmd->subs[i] != NULL; i++) {
		last = strrchr(cmd->subs[i]->name, ' ');
		last = last != NULL ? last + 1 : cmd->subs[i]->name;
		if (strcmp(last, name) == 0)
			return cmd->subs[i];
	}
	return NULL;
}

int
cli_run_subcommand(
    struct cli *c, const struct cli_cmd *cmd, int argc, char **argv)
{
	static const struct cli_opt no_opts[] = {{NULL, 0, 0, 0}};
	const struct cli_cmd *sub;
	struct opt_state o;
	int ch;

	/* Global options may come first; stop at the subcommand. */
	opt_init(&o, c, argc, argv, 0);
	ch = opt_next(&o, no_opts);
	if (ch != OPT_END)
		return ch == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	if (o.ind >= argc)
		return cli_usage(c, "missing subcommand");
	sub = cli_find_subcommand(cmd, argv[o.ind]);
	if (sub == NULL)
		return cli_usage(
		    c, "unknown subcommand '%s %s'", cmd->name, argv[o.ind]);
	c->cmd = sub;
	return sub->run(c, argc - o.ind, argv + o.ind);
}

/* Output lost to a full disk or a closed pipe must not look like success. */
static int
finish(int rc)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != 0)
			cli_err("cannot write to standard output: %s",
			    strerror(errno));
		else
			cli_err("cannot write to standard output");
		if (rc == CLI_EXIT_OK)
			rc = CLI_EXIT_RUNTIME;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	struct cli c;
	struct opt_state o;
	const struct cli_cmd *cmd;
	int ch;

	cli_init(&c);
	opt_init(&o, &c, argc, argv, 0);
	for (;;) {
		ch = opt_next(&o, main_opts);
		if (ch == OPT_END)
			break;
		switch (ch) {
		case MAIN_VERSION:
			printf("dossier %s\n", DOSSIER_VERSION_STRING);
			return finish(CLI_EXIT_OK);
		case OPT_HELP:
			return finish(CLI_EXIT_OK);
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if (o.ind >= argc)
		return cli_usage(&c, "no command given (try 'dossier help')");
	cmd = cli_find_command(argv[o.ind]);
	if (cmd == NULL)
		return cli_usage(&c, "unknown command '%s'", argv[o.ind]);
	c.cmd = cmd;
	if (!(cmd->flags & CLI_CMD_NOLIB) &&
	    dossier_library_init() != DOSSIER_OK) {
		cli_err("cannot initialise the cryptographic library");
		return CLI_EXIT_RUNTIME;
	}
	return finish(cmd->run(&c, argc - o.ind, argv + o.ind));
}
