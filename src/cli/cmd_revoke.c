/*
 * cmd_revoke.c: "dossier revoke PRINCIPAL PERMISSION... (--doc ID |
 * --category C)": takes back permissions given by "grant".
 */
#include "cli.h"
#include "grant.h"

static int
revoke_run(struct cli *c, int argc, char **argv)
{
	return grant_run(c, argc, argv, 1);
}

const struct cli_cmd cmd_revoke = {
    .name = "revoke",
    .summary = "take back permissions given by 'grant' (administrator)",
    .usage = "revoke PRINCIPAL PERMISSION... (--doc ID | --category C)",
    .help = "options:\n"
            "  --doc ID        on this document\n"
            "  --category C    on this category\n"
            "\n"
            "Removes the named permissions from the grant to PRINCIPAL "
            "(user or @group)\non that document or category; a role's own "
            "permissions are not affected.\n",
    .flags = 0,
    .run = revoke_run,
    .subs = NULL,
};
