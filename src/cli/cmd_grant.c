/*
 * cmd_grant.c: "dossier grant PRINCIPAL PERMISSION... (--doc ID |
 * --category C)": gives a user or a group permissions on one document or
 * one category.
 */
#include "cli.h"
#include "grant.h"

static int
grant_cmd_run(struct cli *c, int argc, char **argv)
{
	return grant_run(c, argc, argv, 0);
}

const struct cli_cmd cmd_grant = {
    .name = "grant",
    .summary = "give permissions on a document or category (administrator)",
    .usage = "grant PRINCIPAL PERMISSION... (--doc ID | --category C)",
    .help = "options:\n"
            "  --doc ID        on this document\n"
            "  --category C    on every document of this category\n"
            "\n"
            "PRINCIPAL is a user name or @group.  PERMISSION: read, file, "
            "edit, delete,\nexport, audit, backup, admin; one or more.  "
            "Grants add to the role's\npermissions; on a restricted "
            "document (meta --restrict) only grants apply.\n",
    .flags = 0,
    .run = grant_cmd_run,
    .subs = NULL,
};
